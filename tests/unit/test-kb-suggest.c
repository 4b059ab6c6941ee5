/* test-kb-suggest.c - pd_kb_suggest on a small knowledge base: the question, not the quote,
 * the greeting or the signature, decides; drafts and internal articles are never suggested;
 * an unrelated mail gets nothing; scores are within 0..1 and best first; nothing is stored.
 * And the parts of issue 11's kbq work: spelling (typos, run-together words, shortened
 * words), the signature block without "-- ", and the synonyms learned from the articles.
 * And kbq2's managed synonyms (db/038): phrases checked, met in a row, and at work.
 * And kbq3's gate: whether anything is suggested, decided once per mail.
 * And kbq4's article keywords (db/039): each another way of saying the title; and those
 * learned from the questions agents answered (learn.c).
 * And kbgen's scale: the question judged by what one article can explain, a title's share with a
 * prior of one word, and candidates from the bodies too (each test fails without its part). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "kb/learn.h"
#include "kb/spelling.h"
#include "kb/synonyms.h"
#include "store/kb-synonym.h"
#include "store/kb-usage.h"
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
	gboolean listed;  /* want need only be listed, not first */
} cases[] = {
	{ "Printer offline\n\nHi,\n\nmy printer shows as offline on Windows although it is switched on.\n\nThanks,\nAnn",
	  "printer-offline" },
	/* typos and other words than the title's */
	{ "printr ofline\n\nhello, the printer is offline again after the windows update. regards, bob",
	  "printer-offline" },
	/* since kbgen's title prior, a one-word title ("When do I get my refund?") said in full
	 * counts about as much as two words of three ("Ordering toner cartridges"): in this
	 * 6-article knowledge base the toner article comes first, the refund one next */
	{ "refund\n\nI returned the toner cartridge two weeks ago; when do I get my refund?", "refund-time", TRUE },
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
		if (cases[i].listed) {
			g_auto (GStrv) all = g_strsplit (got, " ", -1);

			if (!g_strv_contains ((const char *const *) all, cases[i].want))
				g_error ("case %u: got \"%s\", want \"%s\" listed", i, got, cases[i].want);
		} else if (strcmp (first, cases[i].want) != 0)
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

/* a word no article has, met by its spelling (kb/spelling.c) */
static void
test_spelling (void)
{
	g_autoptr (GPtrArray) words = g_ptr_array_new ();

	g_assert_true (pd_kb_spelled_like ("paralel", "parallel"));    /* a letter left out */
	g_assert_true (pd_kb_spelled_like ("printerr", "printer"));    /* one added */
	g_assert_true (pd_kb_spelled_like ("prinrer", "printer"));     /* one changed */
	g_assert_true (pd_kb_spelled_like ("pritner", "printer"));     /* two swapped */
	g_assert_true (pd_kb_spelled_like ("statistic", "stat"));      /* the article's word shortened */
	g_assert_true (pd_kb_spelled_like ("compressor", "compress")); /* a longer form */
	g_assert_false (pd_kb_spelled_like ("prnitre", "printer"));    /* two edits */
	g_assert_false (pd_kb_spelled_like ("cart", "card"));          /* too short to tell */
	g_assert_false (pd_kb_spelled_like ("stat", "statistic"));     /* the question's word is no start */
	g_assert_false (pd_kb_spelled_like ("appl", "app"));           /* three letters are no word's start */
	g_assert_true (pd_kb_spelling_worth ("multithread"));
	g_assert_false (pd_kb_spelling_worth ("ab"));
	g_assert_false (pd_kb_spelling_worth ("2048"));
	g_ptr_array_add (words, "big");
	g_ptr_array_add (words, "endian");
	g_ptr_array_add (words, "thread");
	g_assert_true (pd_kb_spelled_in (words, "bigendian")); /* two words run together */
	g_assert_false (pd_kb_spelled_in (words, "bigdata"));
	g_assert_true (pd_kb_spelled_in (words, "thraed"));
	g_assert_false (pd_kb_spelled_in (words, "singl"));
}

/* what counts as the question: a signature without its "-- " line does not; a short last
 * line that asks does */
static void
test_question (void)
{
	g_autofree char *w1 = pd_kb_question_words (
		"Printer offline\n\nHi,\n\nthe printer in room 4 stays offline since the update, what can I do?\n\n"
		"Zebulon Quixote\nQuartermaster | Acme Widgets\n+44 20 7946 0000\n", NULL);
	g_autofree char *w2 = pd_kb_question_words (
		"Printer\n\nThe printer in room 4 printed nothing all day long today.\nToner empty?\n", NULL);

	g_assert_nonnull (strstr (w1, "offline"));
	g_assert_null (strstr (w1, "zebulon"));
	g_assert_null (strstr (w1, "quartermaster"));
	g_assert_nonnull (strstr (w2, "toner"));
}

/* a reply's subject names the thread's first question: it counts only when the new text says
 * little without it */
static void
test_reply_subject (void)
{
	g_autofree char *w1 = pd_kb_question_words (
		"Re: DLL for windows\n\nAnother question: are there any known security holes or buffer "
		"overflows in the library?\n\n> the DLL is in win32/\n", NULL);
	g_autofree char *w2 = pd_kb_question_words ("RE: printer offline\n\nAny news?\n", NULL);
	g_autofree char *w3 = pd_kb_question_words ("DLL for windows\n\nAnother question: are there any "
	                                            "known security holes in the library?\n", NULL);

	g_assert_null (strstr (w1, "dll"));
	g_assert_nonnull (strstr (w1, "security"));
	g_assert_nonnull (strstr (w2, "printer")); /* the new text says too little */
	g_assert_nonnull (strstr (w3, "dll"));     /* not a reply: the subject counts */
}

/* synonyms learned from the articles (db/030): words that name the same articles */
static void
test_related (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	const char *terms[] = { "firmwar", "toner", NULL };
	guint i;
	gboolean found = FALSE;

	put ("fw-update", "Updating the firmware", "Download the firmware image and flash it from the menu.",
	     "public", "published");
	put ("fw-rollback", "Going back to an older firmware", "Flash the previous firmware image.",
	     "public", "published");
	put ("fw-bricked", "The printer does not start after a flash", "Hold the reset key while powering on.",
	     "public", "published");
	/* the test's articles have no stored stems: the suggester's own rules make them */
	for (i = 0; i < 2; i++) {
		g_autoptr (PdKbArticle) a = pd_store_kb_get (store, i ? "fw-rollback" : "fw-update", &error);
		g_autoptr (PdKbArticle) b = NULL;

		g_assert_no_error (error);
		g_assert_true (pd_kb_stems_save (store, a->id, a, &error));
		g_assert_no_error (error);
		b = pd_store_kb_get (store, "fw-bricked", &error);
		g_assert_true (pd_kb_stems_save (store, b->id, b, &error));
	}
	g_assert_true (pd_kb_related_update (store, FALSE, &error));
	g_assert_no_error (error);
	rows = pd_store_kb_related_for (store, terms, &error);
	g_assert_no_error (error);
	for (i = 0; i < rows->len; i++) {
		const PdKbRelated *r = rows->pdata[i];

		g_assert_cmpstr (r->term, !=, "toner"); /* in one article: no statistics */
		if (strcmp (r->term, "firmwar") == 0 && strcmp (r->related, "flash") == 0) {
			found = TRUE;
			g_assert_cmpfloat (r->strength, >=, 0.5);
			g_assert_cmpfloat (r->strength, <=, 1.0);
		}
	}
	g_assert_true (found);
}

/* "a, b" for a match's origin, then its alternatives, "|" between them */
static char *
match_text (const PdKbSynonymMatch *m)
{
	GString *s = g_string_new (NULL);
	guint i, j;

	for (i = 0; i < m->origin->len; i++)
		g_string_append_printf (s, "%s%s", i ? " " : "", (char *) m->origin->pdata[i]);
	for (i = 0; i < m->alts->len; i++) {
		GPtrArray *alt = m->alts->pdata[i];

		g_string_append (s, " |");
		for (j = 0; j < alt->len; j++)
			g_string_append_printf (s, " %s", (char *) alt->pdata[j]);
	}
	return g_string_free (s, FALSE);
}

/* managed synonyms (db/038): what a group may hold, and where a question says a phrase */
static void
test_synonyms (void)
{
	g_autoptr (GError) error = NULL;
	const char *good[] = { "  Money   Back ", "refund", "REFUND", "reimbursement" };
	const char *one[] = { "refund", "Refund" };
	const char *stop[] = { "the", "refund" };
	const char *comma[] = { "a, b", "refund" };
	const char *groups[] = { "log in, sign in, login", "money back, refund" };
	g_autofree char *norm = pd_kb_synonym_normalise (good, 4, &error);
	g_autoptr (PdKbSynonyms) syn = NULL;
	g_autoptr (GPtrArray) m = NULL;
	g_autofree char *m0 = NULL, *m1 = NULL;

	g_assert_no_error (error);
	g_assert_cmpstr (norm, ==, "money back, refund, reimbursement"); /* lower case, each once */
	g_assert_null (pd_kb_synonym_normalise (one, 2, &error)); /* one phrase */
	g_clear_error (&error);
	g_assert_null (pd_kb_synonym_normalise (stop, 2, &error)); /* a stop word only */
	g_clear_error (&error);
	g_assert_null (pd_kb_synonym_normalise (comma, 2, &error));
	g_clear_error (&error);

	syn = pd_kb_synonyms_new (groups, 2);
	g_assert_cmpuint (pd_kb_synonyms_size (syn), ==, 2);
	/* "signed in" is "sign in" (stemmed); "money" alone is no "money back" */
	m = pd_kb_synonyms_find (syn, "I signed in but want my money now, and my money back later");
	g_assert_cmpuint (m->len, ==, 2);
	m0 = match_text (m->pdata[0]);
	m1 = match_text (m->pdata[1]);
	g_assert_cmpstr (m0, ==, "sign | log | login"); /* "in" counts for the row, not as a word */
	g_assert_cmpstr (m1, ==, "mone back | refund"); /* stems */
	g_clear_pointer (&m, g_ptr_array_unref);
	/* the words must stand in a row */
	m = pd_kb_synonyms_find (syn, "the money is not back");
	g_assert_cmpuint (m->len, ==, 0);
	g_clear_pointer (&m, g_ptr_array_unref);
	m = pd_kb_synonyms_find (NULL, "money back");
	g_assert_cmpuint (m->len, ==, 0);
}

/* a managed synonym at work: added, the article is suggested; removed, it is not */
static void
test_synonym_suggest (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *before = NULL, *with = NULL, *after = NULL;
	const char *mail = "Blocked\n\nIt is blocked again. What now?";
	gint64 id;

	put ("paper-jam", "Clearing a paper jam", "Open the front cover and pull the paper out slowly.",
	     "public", "published");
	before = suggest (mail);
	g_assert_cmpstr (before, !=, "paper-jam");
	g_assert_true (pd_store_kb_synonym_add (store, "blocked, jammed", &id, &error));
	g_assert_no_error (error);
	g_assert_false (pd_store_kb_synonym_add (store, "blocked, jammed", &id, &error)); /* twice */
	g_clear_error (&error);
	with = suggest (mail);
	g_assert_true (g_str_has_prefix (with, "paper-jam"));
	g_assert_true (pd_store_kb_synonym_remove (store, id, &error));
	g_assert_no_error (error);
	g_assert_false (pd_store_kb_synonym_remove (store, id, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_NOTFOUND);
	after = suggest (mail);
	g_assert_cmpstr (after, ==, before);
}

/* kbq4: an article's keywords (db/039) are other ways of saying its title: a question in
 * the customer's words gets the article once they are set, as before once cleared; the
 * stored stems carry them after a "|", and an article tokenised from its text (no stems
 * stored) scores the same. */
static void
test_keywords (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdKbArticle) a = pd_kb_article_new ();
	g_autofree char *before = NULL, *with = NULL, *after = NULL, *head = NULL;
	const char *mail = "Cursor\n\nThe mouse pointer jumps around on its own while I type. Why?";
	gint64 id;

	head = pd_kb_head_stems ("Touchpad palm rejection", "laptops", " mouse pointer jumps , ,typing");
	g_assert_cmpstr (head, ==, "touchpad palm reject laptop | mous point jump | typ");
	g_clear_pointer (&head, g_free);
	head = pd_kb_head_stems ("Touchpad palm rejection", "laptops", NULL);
	g_assert_cmpstr (head, ==, "touchpad palm reject laptop");

	put ("palm-rejection", "Touchpad palm rejection",
	     "Turn on palm rejection in the touchpad settings so that a resting hand is ignored.",
	     "public", "published");
	put ("mouse-battery", "Replacing the battery of a wireless mouse",
	     "Open the cover underneath and put in two AA cells.", "public", "published");
	before = suggest (mail);
	g_assert_false (g_str_has_prefix (before, "palm-rejection"));

	a->slug = g_strdup ("palm-rejection");
	a->title = g_strdup ("Touchpad palm rejection");
	a->body = g_strdup ("Turn on palm rejection in the touchpad settings so that a resting hand is ignored.");
	a->visibility = g_strdup ("public");
	a->status = g_strdup ("published");
	a->keywords = g_strdup (" pointer jumps while typing ,cursor moves by itself");
	g_assert_true (pd_kb_article_check (a, NULL, &error));
	g_assert_cmpstr (a->keywords, ==, "pointer jumps while typing, cursor moves by itself");
	g_assert_true (pd_store_kb_put (store, a, "test", 2, &id, NULL, &error));
	g_assert_no_error (error);
	with = suggest (mail); /* tokenised from the text: no stems stored in this test */
	g_assert_true (g_str_has_prefix (with, "palm-rejection"));
	g_assert_true (pd_kb_stems_save (store, id, a, &error));
	g_assert_no_error (error);
	g_clear_pointer (&with, g_free);
	with = suggest (mail); /* from the stored stems: the same */
	g_assert_true (g_str_has_prefix (with, "palm-rejection"));

	g_free (a->keywords);
	a->keywords = g_strdup ("");
	g_assert_true (pd_store_kb_put (store, a, "test", 3, &id, NULL, &error));
	g_assert_no_error (error);
	after = suggest (mail);
	g_assert_cmpstr (after, ==, before);
}

/* kbq4: keywords learned from missed questions an agent answered: a word in at least MIN of
 * an article's questions, more often there than in the other missed questions, not in its
 * title; added as one keyword. */
static void
test_learn (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) learned = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	g_autofree char *kw = NULL;
	const PdKbLearned *l;
	static const char *const qs[] = {
		"toner streaks smeared pages please help", /* answered with toner-streaks */
		"smeared pages after the toner change please",
		"streaks smeared again please",
		"invoice copy please",                     /* not answered: the background */
		"where is my parcel please",
	};
	guint i;

	put ("toner-streaks", "Lines on printed pages", "Clean the drum with the brush.", "public", "published");
	a = pd_store_kb_get (store, "toner-streaks", &error);
	g_assert_no_error (error);
	for (i = 0; i < G_N_ELEMENTS (qs); i++) {
		g_assert_true (pd_store_kb_miss_add (store, "ack", 100 + i, qs[i], qs[i], 10, &error));
		if (i < 3)
			g_assert_true (pd_store_kb_usage_add (store, a->id, "sent", 100 + i, 20, &error));
		g_assert_no_error (error);
	}
	learned = pd_kb_learn_keywords (store, 2, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (learned->len, ==, 1);
	l = learned->pdata[0];
	g_assert_cmpstr (l->slug, ==, "toner-streaks");
	g_assert_cmpuint (l->questions, ==, 3);
	/* smeared (3), streaks (2), toner (2): not "please" (in every missed question), not
	 * "pages" (the title says it), not "help" (one question) */
	g_assert_cmpuint (l->words->len, ==, 3);
	g_assert_cmpstr (l->words->pdata[0], ==, "smeared");
	g_assert_cmpuint (g_array_index (l->counts, guint, 0), ==, 3);
	g_assert_cmpstr (l->words->pdata[1], ==, "streaks");
	g_assert_cmpstr (l->words->pdata[2], ==, "toner");
	kw = pd_kb_keywords_with ("drum", l->words);
	g_assert_cmpstr (kw, ==, "drum, smeared streaks toner");
	g_clear_pointer (&learned, g_ptr_array_unref);
	learned = pd_kb_learn_keywords (store, 3, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (((PdKbLearned *) learned->pdata[0])->words->len, ==, 1);
}

/* kbq3's gate: whether a mail gets suggestions is decided once, from the best and the second
 * best score; then up to 3 are listed. The old rule (each article >= 0.30) fails each case. */
static void
test_gate (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) res = NULL;
	guint i;

	/* two about as good as each other, at the old threshold: a near miss, nothing (the gate
	 * was refitted by kbgen: 0.31, was 0.34) */
	g_assert_false (pd_kb_suggest_gate (0.30, 0.30));
	g_assert_false (pd_kb_suggest_gate (0.305, 0.29));
	/* a clear winner a little below the old threshold opens the gate */
	g_assert_true (pd_kb_suggest_gate (0.26, 0.0));
	g_assert_true (pd_kb_suggest_gate (0.27, 0.10));
	/* far from it either way */
	g_assert_false (pd_kb_suggest_gate (0.20, 0.0));
	g_assert_true (pd_kb_suggest_gate (0.31, 0.31));
	g_assert_true (pd_kb_suggest_gate (0.60, 0.59));

	/* once open, the next articles are listed in score order though they score below the gate
	 * (kbgen: the third article's title says "cartridge" too, or it scores under 0.10 now) */
	put ("ink-dried", "The ink cartridge has dried out",
	     "Run the head cleaning cycle twice, then print a nozzle check page.", "public", "published");
	put ("ink-refill", "Refilling an ink cartridge",
	     "Refilled cartridges void the warranty; buy them in the shop.", "public", "published");
	put ("ink-levels", "Checking the ink levels of a cartridge", "The levels are under Settings, Supplies.",
	     "public", "published");
	g_assert_true (pd_kb_suggest (store, "dried ink\n\nThe ink cartridge of my printer has dried out, "
	                              "it prints blank pages. What can I do?", 3, &res, &error));
	g_assert_no_error (error);
	for (i = 0; i < res->len; i++)
		g_test_message ("%s %.3f", ((PdKbSuggestion *) res->pdata[i])->slug,
		                ((PdKbSuggestion *) res->pdata[i])->score);
	g_assert_cmpuint (res->len, ==, 3);
	g_assert_cmpstr (((PdKbSuggestion *) res->pdata[0])->slug, ==, "ink-dried");
	g_assert_cmpfloat (((PdKbSuggestion *) res->pdata[2])->score, <, 0.30);
	g_assert_false (pd_kb_suggest_gate (((PdKbSuggestion *) res->pdata[2])->score,
	                                    ((PdKbSuggestion *) res->pdata[2])->score));
	g_clear_pointer (&res, g_ptr_array_unref);
	/* max 1 (#kb WORDS): the same gate, the first of them */
	g_assert_true (pd_kb_suggest (store, "dried ink\n\nThe ink cartridge of my printer has dried out, "
	                              "it prints blank pages. What can I do?", 1, &res, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (res->len, ==, 1);
	g_assert_cmpstr (((PdKbSuggestion *) res->pdata[0])->slug, ==, "ink-dried");
}

/* Run FN with STORE a fresh, empty knowledge base of its own (kbgen's tests need one whose
 * every article they know). */
static void
with_fresh_store (void (*fn) (void))
{
	g_autoptr (GError) error = NULL;
	g_autofree char *db = g_build_filename (dir, "fresh.db", NULL);
	PdStore *saved = store;

	g_unlink (db);
	store = pd_store_open (db, 1000, &error);
	g_assert_no_error (error);
	fn ();
	pd_store_close (store);
	store = saved;
	g_unlink (db);
}

static const char *const acme_titles[] = {
	"Acme crashes on start", "Acme license terms", "Installing Acme on Linux", "Acme proxy settings",
	"Where Acme writes its log files", "Upgrading Acme to a new release", "Acme keyboard shortcuts",
	"Printing labels with Acme",
};

static void
put_acme (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (acme_titles); i++) {
		g_autofree char *slug = g_strdup_printf ("acme-%u", i);

		put (slug, acme_titles[i], "See the manual's chapter on it.", "public", "published");
	}
}

/* A title of a few words every article has ("Who makes Acme?") was fully said by any mail
 * naming the product, so a near miss that named it and shared one more word got it. With a
 * prior of one word a single article has, it is said only in part. */
static void
title_prior_case (void)
{
	g_autofree char *got = NULL;

	put_acme ();
	put ("who-makes-acme", "Who makes Acme?", "Acme is made by a team of nine in Oslo, since 2004.",
	     "public", "published");
	/* without the prior: who-makes-acme at 0.513 (its title wholly said), with it 0.206 */
	got = suggest ("Acme in Oslo\n\nDoes the Acme office in Oslo offer training courses?");
	g_assert_cmpstr (got, ==, "");
}

static void
test_title_prior (void)
{
	with_fresh_store (title_prior_case);
	/* a specific title said in full counts nearly fully, one of a common word little */
	g_assert_cmpfloat (fabs (pd_kb_title_share (12.0, 12.0, 4.0) - 0.75), <, 1e-9);
	g_assert_cmpfloat (fabs (pd_kb_title_share (0.8, 0.8, 4.8) - 0.8 / 5.6), <, 1e-9);
	g_assert_cmpfloat (pd_kb_title_share (0.0, 0.0, 4.0), ==, 0.0);
}

/* A long mail (the setting, what was tried, who asks) was judged by its every word, so the
 * article answering its one question covered too little of it to be suggested. Judged by the
 * weight one article can be expected to explain, it is. */
static void
reach_case (void)
{
	g_autofree char *got = NULL;

	put_acme ();
	/* without the reach: 0.205, nothing; with it 0.330, suggested */
	put ("reset-password", "Resetting a lost Acme password when the administrator has left",
	     "Open Settings, Account, Reset password, and follow the link we mail you.", "public",
	     "published");
	got = suggest ("password\n\nGood morning, our bookkeeping office in Rotterdam moved to new laptops "
	               "last week; the colleague who managed everything retired in spring and nobody wrote "
	               "anything down, the spreadsheet with the accounts vanished together with the old "
	               "desktop, the backup drive is blank, the intern tried guessing combinations all "
	               "afternoon. How do I reset the Acme password?\n\nMarieke");
	g_assert_cmpstr (got, !=, "");
	got[strcspn (got, " ")] = '\0';
	g_assert_cmpstr (got, ==, "reset-password");
}

static void
test_question_reach (void)
{
	with_fresh_store (reach_case);
	g_assert_cmpfloat (pd_kb_question_reach (10.0, 4.0), ==, 10.0); /* all of a short question */
	g_assert_cmpfloat (pd_kb_question_reach (100.0, 4.0), ==, 32.0); /* 8 such words of a long one */
}

/* The customer says in the body's words what the title says otherwise: an article whose title
 * shares only a word every title has is not among the 20 the titles rank first, but its body
 * has the question's rarest words. */
static void
body_case (void)
{
	g_autofree char *got = NULL;
	guint i;

	for (i = 0; i < 25; i++) {
		g_autofree char *slug = g_strdup_printf ("widget-%u", i);
		g_autofree char *title = g_strdup_printf ("Widget %u setup", i);

		put (slug, title, "Plug it in and press the green button.", "public", "published");
	}
	put ("widget-calibration", "Calibrating the widget of the second series with the extended housing after a repair",
	     "If the flange zorbulates, loosen the three screws and turn the flange a quarter turn.",
	     "public", "published");
	got = suggest ("Widget flange zorbulates\n\nMy widget flange zorbulates.");
	g_assert_cmpstr (got, !=, "");
	got[strcspn (got, " ")] = '\0';
	g_assert_cmpstr (got, ==, "widget-calibration");
}

static void
test_body_candidates (void)
{
	with_fresh_store (body_case);
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
	g_test_add_func ("/kb/spelling", test_spelling);
	g_test_add_func ("/kb/question", test_question);
	g_test_add_func ("/kb/reply-subject", test_reply_subject);
	g_test_add_func ("/kb/related", test_related);
	g_test_add_func ("/kb/synonyms", test_synonyms);
	g_test_add_func ("/kb/synonym-suggest", test_synonym_suggest);
	g_test_add_func ("/kb/gate", test_gate);
	g_test_add_func ("/kb/keywords", test_keywords);
	g_test_add_func ("/kb/title-prior", test_title_prior);
	g_test_add_func ("/kb/question-reach", test_question_reach);
	g_test_add_func ("/kb/body-candidates", test_body_candidates);
	g_test_add_func ("/kb/learn", test_learn);
	rc = g_test_run ();
	pd_store_close (store);
	g_unlink (db);
	g_rmdir (dir);
	g_free (dir);
	return rc;
}
