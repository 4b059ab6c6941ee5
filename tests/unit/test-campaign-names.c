/* test-campaign-names.c - campaign-compose.c's direct writer against GMime, byte for byte, for
 * display names: the recipient's name (To:) and the list's title (From:) with odd spacing
 * (double, leading, trailing, tabs), quotes and backslashes, commas and other specials,
 * non-ASCII, and long names, put together at random from such pieces. Each copy is composed
 * twice, by the direct writer and through GMime (mail/compose.c); the bytes must be the same,
 * and the direct writer must still take the plain names (else this test proves nothing). */
#include <string.h>
#include <glib.h>

#include "core/settings.h"
#include "lists/campaign.h"

static PdCampaignRow *
campaign_row (const char *title, const char *subject)
{
	PdCampaignRow *c = g_new0 (PdCampaignRow, 1);

	c->id = 7;
	c->subject = g_strdup (subject);
	c->body = g_strdup ("Dear {{name}},\nour news.\n");
	c->stages = g_strdup ("100%");
	c->created_at = 1700000000;
	c->started_at = 1700000100;
	c->list_name = g_strdup ("news");
	c->list_address = g_strdup ("news@example.org");
	c->list_title = g_strdup (title);
	c->list_locale = g_strdup ("en");
	return c;
}

/* The first line where A and B differ, for the error. (transfer full) */
static char *
first_difference (GBytes *a, GBytes *b)
{
	g_autofree char *ta = g_strndup (g_bytes_get_data (a, NULL), g_bytes_get_size (a));
	g_autofree char *tb = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
	g_auto (GStrv) la = g_strsplit (ta, "\n", -1), lb = g_strsplit (tb, "\n", -1);

	for (guint i = 0; la[i] && lb[i]; i++)
		if (strcmp (la[i], lb[i]) != 0)
			return g_strdup_printf ("line %u: direct [%s], GMime [%s]", i + 1, la[i], lb[i]);
	return g_strdup ("one is a prefix of the other");
}

/* Compose NAME's copy of M both ways; FALSE (and *WHAT_R) when the bytes differ. *DIRECT_R:
 * whether the direct writer took it. */
static gboolean
same_both_ways (PdCampaignMail *m, guint i, const char *name, gboolean *direct_r,
                char **what_r)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) direct = NULL, gmime = NULL;
	guint before = pd_campaign_mail_direct_count (m);

	pd_campaign_mail_set_direct (m, TRUE);
	direct = pd_campaign_mail_compose (m, 100 + i, 9, "ann@one.example", name, NULL, &error);
	g_assert_no_error (error);
	*direct_r = pd_campaign_mail_direct_count (m) > before;
	pd_campaign_mail_set_direct (m, FALSE);
	gmime = pd_campaign_mail_compose (m, 100 + i, 9, "ann@one.example", name, NULL, &error);
	g_assert_no_error (error);
	if (g_bytes_equal (direct, gmime))
		return TRUE;
	*what_r = first_difference (direct, gmime);
	return FALSE;
}

/* Names that once differed, or sit at an edge of the writer's rules. */
static const char *const fixed[] = {
	"Ann Smith", "Ann  Smith", " Ann Smith", "Ann Smith ", "  Ann", "Ann\tSmith",
	"Quote \"Me\" Now", "Back\\slash", "O'Neil, Pat", "Smith, Ann", "J. R. Smith", "a.b",
	"(comment) Ann", "Ann <ann@x>", "Ann@home", "Ann: the first", "semi;colon", "[bracket]",
	"Zo\xc3\xab M\xc3\xbcller", "Zoe  M\xc3\xbcller", "=?utf-8?q?x?=", "a  =?  b", "\"\"", "\"",
	" ", "  ", "x", "Dr.  Who", "A , B", "Ann Smith,", "Ann ,Smith", "Ann. Smith .",
	"An" "n Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith",
	"An" "n, Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith Ann Smith",
};

/* The pieces random names are made of. */
static const char *const pieces[] = {
	"Ann", "Smith", "O'Neil", "J.", " ", " ", "  ", "   ", "\t", ",", "\"", "\\", "(x)", "<",
	">", "@", ":", ";", ".", "Zo\xc3\xab", "M\xc3\xbcller", "=?", "?=", "-", "_", "#", "!",
	"Bartholomew", "Featherstonehaugh", "de la", "\xe2\x80\x94",
};

static char *
random_name (GRand *rnd)
{
	GString *s = g_string_new (NULL);
	guint n = g_rand_int_range (rnd, 1, 8);

	/* now and then a long one, past the fold */
	if (g_rand_int_range (rnd, 0, 10) == 0)
		n += g_rand_int_range (rnd, 10, 40);
	for (guint k = 0; k < n; k++)
		g_string_append (s, pieces[g_rand_int_range (rnd, 0, G_N_ELEMENTS (pieces))]);
	return g_string_free (s, FALSE);
}

static void
check_names (const char *title, const char *subject, guint *direct_n, guint *total)
{
	g_autoptr (PdSettings) s = pd_settings_defaults ("/nonexistent-home");
	g_autoptr (GBytes) secret = g_bytes_new_static ("k3y", 3);
	g_autoptr (PdCampaignRow) c = campaign_row (title, subject);
	g_autoptr (PdCampaignMail) m = NULL;
	g_autoptr (GString) failures = g_string_new (NULL);
	GRand *rnd = g_rand_new_with_seed (20261129);
	guint bad = 0;

	g_free (s->public_url);
	s->public_url = g_strdup ("https://lists.example.org");
	m = pd_campaign_mail_new (s, secret, c, NULL);
	g_assert_nonnull (m);
	for (guint i = 0; i < G_N_ELEMENTS (fixed) + 1500; i++) {
		g_autofree char *name =
			i < G_N_ELEMENTS (fixed) ? g_strdup (fixed[i]) : random_name (rnd);
		g_autofree char *what = NULL;
		gboolean direct;

		if (!same_both_ways (m, i, name, &direct, &what)) {
			if (bad++ < 12)
				g_string_append_printf (failures, "\n  title [%s] name [%s]: %s", title, name,
				                        what);
		}
		*direct_n += direct;
		(*total)++;
	}
	g_rand_free (rnd);
	if (bad > 0)
		g_error ("%u of %u copies differ between the direct writer and GMime:%s", bad,
		         (guint) G_N_ELEMENTS (fixed) + 1500, failures->str);
}

static void
test_names (void)
{
	static const char *const titles[] = {
		"Example News", "Example  News", " Example News", "Example News ", "News, Weekly",
		"\"The\" News", "Caf\xc3\xa9 News", "x",
		"A Very Long List Title That Goes On And On Past The Fold Of A Header Line Here",
		/* From: fits on its line, List-Id (title and id) does not */
		"The Spring and Summer Newsletter of the Example Org",
		"The Spring and Summer Newsletter of the Example, Org",
	};
	guint direct = 0, total = 0;

	for (guint t = 0; t < G_N_ELEMENTS (titles); t++) {
		check_names (titles[t], "Spring news", &direct, &total);
		/* the name in the subject too: the subject's own rules meet the name's */
		check_names (titles[t], "Spring news for {{name}}", &direct, &total);
		/* ... and past the fold with a name that still fits in To: */
		check_names (titles[t], "The rather long spring newsletter, written for {{name}}",
		             &direct, &total);
	}
	g_test_message ("%u of %u copies written directly", direct, total);
	/* the direct writer must still be used, else this compares GMime with itself: most random
	 * names hold a special or non-ASCII piece, but a tenth at least are plain */
	g_assert_cmpuint (direct, >, total / 10);
}

/* Plain names of a plain title are written directly (the common case stays fast). */
static void
test_plain_direct (void)
{
	static const char *const plain[] = {
		"Ann Smith", "J. R. Smith", "Quote \"Me\" Now", "O'Neil, Pat", "Smith, Ann", "x",
		"Back\\slash", NULL, "",
	};
	g_autoptr (PdSettings) s = pd_settings_defaults ("/nonexistent-home");
	g_autoptr (GBytes) secret = g_bytes_new_static ("k3y", 3);
	g_autoptr (PdCampaignRow) c = campaign_row ("Example News", "Spring news");
	g_autoptr (PdCampaignMail) m = pd_campaign_mail_new (s, secret, c, NULL);

	g_assert_nonnull (m);
	for (guint i = 0; i < G_N_ELEMENTS (plain); i++) {
		g_autofree char *what = NULL;
		gboolean direct;

		if (!same_both_ways (m, i, plain[i], &direct, &what))
			g_error ("name [%s]: %s", plain[i], what);
		if (!direct)
			g_error ("name [%s]: written by GMime, want the direct writer", plain[i]);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/campaign-names/direct-vs-gmime", test_names);
	g_test_add_func ("/campaign-names/plain-direct", test_plain_direct);
	return g_test_run ();
}
