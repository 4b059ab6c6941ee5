/* sha256.h - SHA-256 in plain C (no GLib), for postdesk-deliver, which links only SQLite and
 * libc and keys the intake row by the SHA-256 of the bytes as GLib's GChecksum does elsewhere
 * (the same lower-case hex). FIPS 180-4. */
#ifndef PD_SHA256_H
#define PD_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t length; /* bytes so far */
	unsigned char block[64];
	size_t used;     /* bytes in BLOCK */
} PdSha256;

void pd_sha256_init (PdSha256 *ctx);
void pd_sha256_update (PdSha256 *ctx, const void *data, size_t len);
/* The digest as 64 lower-case hex digits and a NUL in HEX. CTX is spent. */
void pd_sha256_hex (PdSha256 *ctx, char hex[65]);
/* Whether the CPU's SHA extensions may be used (they are by default where the CPU has them);
 * returns whether it has them. For tests, which check both ways against GChecksum. */
int pd_sha256_use_extensions (int use);

#endif
