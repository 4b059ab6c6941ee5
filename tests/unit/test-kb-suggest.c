/* test-kb-suggest.c - pd_kb_suggest on a small knowledge base: the question, not the quote,
 * the greeting or the signature, decides; drafts and internal articles are never suggested;
 * an unrelated mail gets nothing; scores are within 0..1 and best first; nothing is stored. */
#include <glib/gstdio.h>
#include <string.h>

#include "kb/kb.h"
#include "store/kb.h"

static PdStore *store;
static char *dir;

static void
put (const char *slug, const char *title, const char *body, const char *visibility,
     const char *status)
{
	g_autoptr (PdKbArticle) a = pd_kb_article_new ();
	g_autoptr (GError) error = NULL;

	a->slug = g_strdup (slug);
	a->title = g_strdup (title);
	a->body = g_strdup (body);
	a->visibility = g_strdup (visibility);
	a->status = g_strdup (status);
	g_assert_true (pd_kb_article_check (a, NULL, &error));
	g_assert_true (pd_store_kb_put (store, a, "test", 1, NULL, NULL, &error));
	g_assert_no_error (error);
}

/* the slugs suggested for TEXT, space-separated ("" for none) */
static char *
suggest (const char *text)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) res = NULL;
	GString *s = g_string_new (NULL);
	guint i;

	g_assert_true (pd_kb_suggest (store, text, 3, &res, &error));
	g_assert_no_error (error);
	for (i = 0; i < res->len; i++) {
		const PdKbSuggestion *x = res->pdata[i];

		g_assert_cmpfloat (x->score, >, 0.0);
		g_assert_cmpfloat (x->score, <=, 1.0);
		if (i > 0)
			g_assert_cmpfloat (x->score, <=, ((PdKbSuggestion *) res->pdata[i - 1])->score);
		g_string_append_printf (s, "%s%s", i ? " " : "", x->slug);
	}
	return g_string_free (s, FALSE);
}

static const struct {
	const char *text;
	const char *want; /* first slug, or "" for none */
} cases[] = {
	{ "Printer offline\n\nHi,\n\nmy printer shows as offline on Windows although it is switched on.\n\nThanks,\nAnn",
	  "printer-offline" },
	/* typos and other words than the title's */
	{ "printr ofline\n\nhello, the printer is offline again after the windows update. regards, bob",
	  "printer-offline" },
	{ "refund\n\nI returned the toner cartridge two weeks ago; when do I get my refund?", "refund-time" },
	/* the quoted part talks about printers; the new text about lunch: nothing */
	{ "Re: lunch\n\nSee you at noon at the Italian place!\n\nOn Mon, 2 Nov 2026, Ann wrote:\n"
	  "> my printer shows as offline on Windows\n> printer offline printer offline\n",
	  "" },
	/* greeting and signature words alone do not make a question */
	{ "Hello\n\nHi team,\n\nThanks a lot!\n\nBest regards,\nPrinter Offline Ltd.\n", "" },
	/* off-topic */
	{ "Invoice\n\nPlease send a copy of invoice 4411 to our accounting department.", "" },
	/* a draft and an internal article are never suggested, however well they match */
	{ "scanner jams\n\nThe document scanner jams on every second page.", "" },
	{ "escalation matrix\n\nWhat is the escalation matrix for priority one incidents?", "" },
	{ "", "" },
};

static void
test_suggest (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = suggest (cases[i].text);
		g_autofree char *first = g_strdup (got);
		char *space = strchr (first, ' ');

		if (space)
			*space = '\0';
		if (strcmp (first, cases[i].want) != 0)
			g_error ("case %u: got \"%s\", want first \"%s\"", i, got, cases[i].want);
	}
}

static void
test_plain (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) res = NULL;

	/* the baseline suggests something for an off-topic mail that shares one word */
	g_assert_true (pd_kb_suggest_plain (store, "please send the invoice for the toner", 3, &res, &error));
	g_assert_cmpuint (res->len, >, 0);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *db = NULL;
	int rc;

	g_test_init (&argc, &argv, NULL);
	dir = g_dir_make_tmp ("test-kb-suggest-XXXXXX", &error);
	g_assert_no_error (error);
	db = g_build_filename (dir, "kb.db", NULL);
	store = pd_store_open (db, 1000, &error);
	g_assert_no_error (error);
	put ("printer-offline", "My printer is offline",
	     "If Windows shows the printer as offline, restart the print spooler and check the cable.",
	     "public", "published");
	put ("refund-time", "When do I get my refund?",
	     "Refunds for returned items are paid within 5 working days after we receive the parcel.",
	     "public", "published");
	put ("toner-order", "Ordering toner cartridges", "Order toner in the shop under Supplies.",
	     "public", "published");
	put ("wifi-setup", "Connecting the printer to Wi-Fi", "Hold the Wi-Fi button for 3 seconds.",
	     "customer", "published");
	put ("scanner-jams", "The scanner jams on every second page", "Clean the rollers.", "public",
	     "draft");
	put ("escalation-matrix", "Escalation matrix for priority one incidents",
	     "Call the duty manager.", "internal", "published");
	g_test_add_func ("/kb/suggest", test_suggest);
	g_test_add_func ("/kb/suggest-plain", test_plain);
	rc = g_test_run ();
	pd_store_close (store);
	g_unlink (db);
	g_rmdir (dir);
	g_free (dir);
	return rc;
}
