/* sha256.c - SHA-256 (FIPS 180-4), a block at a time; see sha256.h for why it exists beside
 * GChecksum. Checked against GChecksum by test-store (/store/sha256/glib). On an x86 CPU with
 * the SHA extensions the blocks go through them (about ten times GChecksum's speed: hashing
 * each mail as its lines came was a quarter of the LMTP listener's CPU, issue 10). */
#include "core/sha256.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI 1
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress (uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 |
		       (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR (w[i - 15], 7) ^ ROR (w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ROR (w[i - 2], 17) ^ ROR (w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR (e, 6) ^ ROR (e, 11) ^ ROR (e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR (a, 2) ^ ROR (a, 13) ^ ROR (a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#ifdef HAVE_SHA_NI
/* The same compression with the SHA-NI instructions, over NBLOCKS blocks: four rounds per
 * step, the message schedule four words at a time (Intel's "SHA Extensions" paper). */
__attribute__ ((target ("sha,sse4.1,ssse3"))) static void
compress_ni (uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i swap = _mm_set_epi64x (0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i state0, state1, tmp, m[4];

	tmp = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &h[0]), 0xB1); /* CDAB */
	state1 = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &h[4]), 0x1B); /* EFGH */
	state0 = _mm_alignr_epi8 (tmp, state1, 8);     /* ABEF */
	state1 = _mm_blend_epi16 (state1, tmp, 0xF0); /* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i abef = state0, cdgh = state1;
		int g;

		/* unrolled, m[] stays in registers */
#pragma GCC unroll 16
		for (g = 0; g < 16; g++) {
			__m128i w, k;

			if (g < 4) {
				w = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (p + 16 * g)), swap);
			} else {
				/* W[t] from W[t-16..t-1]: m[g % 4] holds W of the group four back */
				w = _mm_sha256msg1_epu32 (m[g % 4], m[(g + 1) % 4]);
				w = _mm_add_epi32 (w, _mm_alignr_epi8 (m[(g + 3) % 4], m[(g + 2) % 4], 4));
				w = _mm_sha256msg2_epu32 (w, m[(g + 3) % 4]);
			}
			m[g % 4] = w;
			k = _mm_add_epi32 (w, _mm_loadu_si128 ((const __m128i *) &K[4 * g]));
			state1 = _mm_sha256rnds2_epu32 (state1, state0, k);
			state0 = _mm_sha256rnds2_epu32 (state0, state1, _mm_shuffle_epi32 (k, 0x0E));
		}
		state0 = _mm_add_epi32 (state0, abef);
		state1 = _mm_add_epi32 (state1, cdgh);
	}
	tmp = _mm_shuffle_epi32 (state0, 0x1B);       /* FEBA */
	state1 = _mm_shuffle_epi32 (state1, 0xB1);    /* DCHG */
	state0 = _mm_blend_epi16 (tmp, state1, 0xF0); /* DCBA */
	state1 = _mm_alignr_epi8 (state1, tmp, 8);    /* ABEF */
	_mm_storeu_si128 ((__m128i *) &h[0], state0);
	_mm_storeu_si128 ((__m128i *) &h[4], state1);
}
#endif

/* -1: not known yet; 0 plain C; 1 SHA-NI. Every thread finds the same answer, so a race to
 * set it is harmless; tests pin it with pd_sha256_use_extensions. */
static int use_ni = -1;

static int
sha_ni_usable (void)
{
#ifdef HAVE_SHA_NI
	unsigned a, b, c, d;

	if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return 0;
	return __get_cpuid_count (7, 0, &a, &b, &c, &d) && (b & bit_SHA) ? 1 : 0;
#else
	return 0;
#endif
}

int
pd_sha256_use_extensions (int use)
{
	int ni = sha_ni_usable ();

	__atomic_store_n (&use_ni, use && ni, __ATOMIC_RELAXED);
	return ni;
}

static void
compress_blocks (uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	int ni = __atomic_load_n (&use_ni, __ATOMIC_RELAXED);

	if (ni < 0) {
		ni = sha_ni_usable ();
		__atomic_store_n (&use_ni, ni, __ATOMIC_RELAXED);
	}
#ifdef HAVE_SHA_NI
	if (ni) {
		compress_ni (h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		compress (h, p);
}

void
pd_sha256_init (PdSha256 *ctx)
{
	static const uint32_t init[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy (ctx->h, init, sizeof init);
	ctx->length = 0;
	ctx->used = 0;
}

void
pd_sha256_update (PdSha256 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	ctx->length += len;
	if (ctx->used > 0) {
		size_t n = len < 64 - ctx->used ? len : 64 - ctx->used;

		memcpy (ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used < 64)
			return;
		compress_blocks (ctx->h, ctx->block, 1);
		ctx->used = 0;
	}
	if (len >= 64) {
		compress_blocks (ctx->h, p, len / 64);
		p += len - len % 64;
		len %= 64;
	}
	memcpy (ctx->block, p, len);
	ctx->used = len;
}

void
pd_sha256_hex (PdSha256 *ctx, char hex[65])
{
	uint64_t bits = ctx->length * 8;
	unsigned char pad[72] = { 0x80 };
	size_t n = (ctx->used < 56 ? 56 : 120) - ctx->used;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = (unsigned char) (bits >> (56 - 8 * i));
	pd_sha256_update (ctx, pad, n + 8);
	for (i = 0; i < 8; i++)
		snprintf (hex + 8 * i, 9, "%08x", ctx->h[i]);
}
