/* test-token.c - signed tokens: make/check round trip, every way a token can be wrong, and
 * reply addresses built from and parsed back to their base address ("got X, want Y"). */
#include <string.h>
#include <glib.h>
#include "core/token.h"

static GBytes *
secret_new (const char *s)
{
	return g_bytes_new (s, strlen (s));
}

static void
test_round_trip (void)
{
	static const struct {
		char kind;
		gint64 id;
	} cases[] = {
		{ 't', 1 }, { 't', 12 }, { 'o', 456 }, { 'a', 999999 }, { 'u', G_GINT64_CONSTANT (123456789012345678) },
		{ 'z', 7 },
	};
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *tok = pd_token_make (secret, cases[i].kind, cases[i].id);
		g_autofree char *prefix = g_strdup_printf ("%c%" G_GINT64_FORMAT "-", cases[i].kind,
		                                           cases[i].id);
		char kind = 0;
		gint64 id = 0;
		const char *sig;

		g_test_message ("case %u: %c%" G_GINT64_FORMAT, i, cases[i].kind, cases[i].id);
		g_assert_nonnull (tok);
		g_assert_true (g_str_has_prefix (tok, prefix));
		sig = tok + strlen (prefix);
		g_assert_cmpuint (strlen (sig), ==, 12);
		for (; *sig; sig++)
			g_assert_true (g_ascii_isdigit (*sig) || (*sig >= 'a' && *sig <= 'f'));
		g_assert_true (pd_token_check (secret, tok, &kind, &id));
		g_assert_cmpint (kind, ==, cases[i].kind);
		g_assert_cmpint (id, ==, cases[i].id);
		/* the out parameters are optional */
		g_assert_true (pd_token_check (secret, tok, NULL, NULL));
	}
}

static void
test_deterministic (void)
{
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	g_autofree char *a = pd_token_make (secret, 't', 42);
	g_autofree char *b = pd_token_make (secret, 't', 42);
	g_autofree char *c = pd_token_make (secret, 't', 43);

	g_assert_cmpstr (a, ==, b);
	g_assert_cmpstr (a + 3, !=, c + 3);
}

/* Replace the signature's character at POS by another hex digit. */
static char *
tamper (const char *tok, gsize pos)
{
	char *t = g_strdup (tok);

	t[pos] = t[pos] == '0' ? '1' : '0';
	return t;
}

static void
test_rejects (void)
{
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	g_autoptr (GBytes) other = secret_new ("another-key");
	g_autofree char *tok = pd_token_make (secret, 't', 12);
	g_autofree char *sig = g_strdup (strchr (tok, '-') + 1);
	g_autofree char *first = tamper (tok, 4);
	g_autofree char *last = tamper (tok, strlen (tok) - 1);
	g_autofree char *wrong_kind = g_strdup_printf ("o12-%s", sig);
	g_autofree char *wrong_id = g_strdup_printf ("t13-%s", sig);
	g_autofree char *upper_kind = g_strdup_printf ("T12-%s", sig);
	g_autofree char *negative = g_strdup_printf ("t-12-%s", sig);
	g_autofree char *zero = g_strdup_printf ("t0-%s", sig);
	g_autofree char *overlong = g_strdup_printf ("t1234567890123456789-%s", sig);
	g_autofree char *overflow = g_strdup_printf ("t99999999999999999999999-%s", sig);
	g_autofree char *short_sig = g_strndup (tok, strlen (tok) - 1);
	g_autofree char *long_sig = g_strdup_printf ("%s0", tok);
	g_autofree char *space = g_strdup_printf (" %s", tok);
	g_autofree char *plus = g_strdup_printf ("t+12-%s", sig);
	g_autofree char *no_dash = g_strdup_printf ("t12%s", sig);
	const struct {
		const char *name;
		const char *token;
	} cases[] = {
		{ "tampered first sig char", first },
		{ "tampered last sig char", last },
		{ "wrong kind", wrong_kind },
		{ "wrong id", wrong_id },
		{ "upper-case kind", upper_kind },
		{ "negative id", negative },
		{ "zero id", zero },
		{ "overlong id", overlong },
		{ "overflowing id", overflow },
		{ "short signature", short_sig },
		{ "long signature", long_sig },
		{ "leading space", space },
		{ "plus sign", plus },
		{ "no dash", no_dash },
		{ "empty", "" },
		{ "kind only", "t" },
		{ "no id", "t-abc" },
		{ "no signature", "t12-" },
		{ "upper T short", "T12-" },
		{ "digit kind", "112-abcdefabcdef" },
		{ "NULL", NULL },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		char kind = 'x';
		gint64 id = -7;

		g_test_message ("case %s: \"%s\"", cases[i].name, cases[i].token);
		if (pd_token_check (secret, cases[i].token, &kind, &id))
			g_error ("case %s: \"%s\" accepted, want rejected", cases[i].name,
			         cases[i].token);
		/* a rejected token leaves the out parameters alone */
		g_assert_cmpint (kind, ==, 'x');
		g_assert_cmpint (id, ==, -7);
	}
	/* a valid token under another secret */
	g_assert_false (pd_token_check (other, tok, NULL, NULL));
	/* and the original still passes */
	g_assert_true (pd_token_check (secret, tok, NULL, NULL));
}

static void
test_uppercase_sig (void)
{
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	g_autofree char *tok = pd_token_make (secret, 't', 77);
	g_autofree char *up = g_strdup (tok);
	char kind = 0;
	gint64 id = 0;
	char *p;

	/* a mail system may upper-case the local part: the signature part still checks */
	for (p = strchr (up, '-'); *p; p++)
		*p = g_ascii_toupper (*p);
	g_assert_cmpstr (up, !=, tok);
	g_assert_true (pd_token_check (secret, up, &kind, &id));
	g_assert_cmpint (kind, ==, 't');
	g_assert_cmpint (id, ==, 77);
}

static void
test_address_round_trip (void)
{
	static const struct {
		const char *base;
		char kind;
		gint64 id;
	} cases[] = {
		{ "support@example.com", 't', 12 },
		{ "bounces@example.com", 'o', 456 },
		{ "support+billing@example.com", 't', 3 },
		{ "a+b+c@example.com", 'a', 99 },
		{ "x@sub.example.com", 't', 1 },
	};
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *addr = pd_token_address (secret, cases[i].base, cases[i].kind,
		                                          cases[i].id);
		g_autofree char *tok = pd_token_make (secret, cases[i].kind, cases[i].id);
		const char *at = strrchr (cases[i].base, '@');
		g_autofree char *want = g_strdup_printf ("%.*s+%s%s", (int) (at - cases[i].base),
		                                         cases[i].base, tok, at);
		g_autofree char *base = NULL;
		char kind = 0;
		gint64 id = 0;

		g_test_message ("case %s", cases[i].base);
		g_assert_cmpstr (addr, ==, want);
		g_assert_true (pd_token_from_address (secret, addr, &kind, &id, &base));
		g_assert_cmpint (kind, ==, cases[i].kind);
		g_assert_cmpint (id, ==, cases[i].id);
		g_assert_cmpstr (base, ==, cases[i].base);
		/* out parameters optional */
		g_assert_true (pd_token_from_address (secret, addr, NULL, NULL, NULL));
	}
}

static void
test_address_rejects (void)
{
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	g_autoptr (GBytes) other = secret_new ("another-key");
	g_autofree char *good = pd_token_address (secret, "support@example.com", 't', 12);
	g_autofree char *tampered = g_strdup (good);
	g_autofree char *tok = pd_token_make (secret, 't', 12);
	g_autofree char *token_not_last = g_strdup_printf ("support+%s+x@example.com", tok);
	g_autofree char *bare_token = g_strdup_printf ("+%s@example.com", tok);
	g_autofree char *no_at = g_strdup_printf ("support+%s", tok);
	const struct {
		const char *name;
		const char *addr;
	} cases[] = {
		{ "no token", "support@example.com" },
		{ "extension not a token", "support+billing@example.com" },
		{ "tampered", tampered },
		{ "token not the last extension", token_not_last },
		{ "empty local part before token", bare_token },
		{ "no @", no_at },
		{ "empty", "" },
		{ "only @", "@" },
		{ "plus at", "+@example.com" },
		{ "NULL", NULL },
	};
	guint i;

	tampered[strchr (tampered, '@') - tampered - 1] ^= 1;
	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *base = NULL;

		g_test_message ("case %s: \"%s\"", cases[i].name, cases[i].addr);
		if (pd_token_from_address (secret, cases[i].addr, NULL, NULL, &base))
			g_error ("case %s: \"%s\" accepted (base \"%s\"), want rejected", cases[i].name,
			         cases[i].addr, base);
		g_assert_null (base);
	}
	g_assert_false (pd_token_from_address (other, good, NULL, NULL, NULL));
}

static void
test_address_without_at (void)
{
	if (g_test_subprocess ()) {
		g_autoptr (GBytes) secret = secret_new ("s3cret-key");
		char *addr = pd_token_address (secret, "support", 't', 1);

		g_assert_null (addr);
		return;
	}
	/* a programming error: a critical, and NULL */
	g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed ();
	g_test_trap_assert_stderr ("*CRITICAL*at != NULL*");
}

/* kb links: bound to ticket, article, customer (folded) and expiry */
static void
test_link (void)
{
	g_autoptr (GBytes) secret = secret_new ("s3cret-key");
	g_autoptr (GBytes) other = secret_new ("other-key");
	g_autofree char *t = pd_token_link_make (secret, 12, 7, "Ann@Example.com", 1000);
	g_autofree char *pub = pd_token_link_make (secret, 12, 7, NULL, 1000);
	g_autofree char *bad = NULL;
	gint64 ticket = 0, article = 0;

	g_assert_true (pd_token_link_check (secret, t, "ann@example.com", 999, &ticket, &article));
	g_assert_cmpint (ticket, ==, 12);
	g_assert_cmpint (article, ==, 7);
	g_assert_true (pd_token_link_check (secret, t, "ann@example.com", 1000, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, t, "ann@example.com", 1001, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, t, "bob@example.com", 999, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, t, NULL, 999, NULL, NULL));
	g_assert_false (pd_token_link_check (other, t, "ann@example.com", 999, NULL, NULL));
	g_assert_true (pd_token_link_check (secret, pub, NULL, 999, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, pub, "ann@example.com", 999, NULL, NULL));
	/* another article or ticket with the same signature, a later expiry, garbage */
	bad = g_strdup (pub);
	bad[3] = '8';
	g_assert_false (pd_token_link_check (secret, bad, NULL, 999, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, "12-7-9999-0123456789abcdef", NULL, 1, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, "", NULL, 1, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, "12-7-", NULL, 1, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, NULL, NULL, 1, NULL, NULL));
	g_assert_false (pd_token_link_check (secret, "-12-7-1000-0123456789abcdef", NULL, 1, NULL, NULL));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/token/round-trip", test_round_trip);
	g_test_add_func ("/token/deterministic", test_deterministic);
	g_test_add_func ("/token/rejects", test_rejects);
	g_test_add_func ("/token/uppercase-signature", test_uppercase_sig);
	g_test_add_func ("/token/address/round-trip", test_address_round_trip);
	g_test_add_func ("/token/address/rejects", test_address_rejects);
	g_test_add_func ("/token/address/without-at", test_address_without_at);
	g_test_add_func ("/token/link", test_link);
	return g_test_run ();
}
