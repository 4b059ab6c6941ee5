/* report-kb.c - `postdesk kb report` (and `postdesk report kb`): the knowledge base's usage
 * from db/019 over a period. Articles are ranked by how often they were requested (suggested
 * in an acknowledgement, sent by an agent with #kb, mailed from the kb address, viewed on the
 * web), with how often a suggestion was marked as answering; the questions nothing answered
 * are grouped by their most common word, so the team sees what to write next. */
#include "cmd/report-kb.h"

#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "store/kb-usage.h"

#define EXAMPLES 3      /* questions shown per group */
#define EXAMPLE_CHARS 80

/* WHEN: unix seconds, YYYY-MM-DD (midnight UTC; for --until the end of that day), or an
 * ISO 8601 date and time ("2026-11-01T12:00:00Z"). */
static gboolean
parse_when (const char *option, const char *v, gboolean end_of_day, gint64 *t_r, GError **error)
{
	g_autoptr (GDateTime) dt = NULL;
	char *end;
	gint64 n;
	int y, m, d;
	char extra;

	if (v == NULL) {
		*t_r = 0;
		return TRUE;
	}
	n = g_ascii_strtoll (v, &end, 10);
	if (end != v && *end == '\0' && n >= 0) {
		*t_r = n;
		return TRUE;
	}
	if (sscanf (v, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
		dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
	else {
		g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();

		dt = g_date_time_new_from_iso8601 (v, tz);
	}
	if (dt == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "--%s: want YYYY-MM-DD, an ISO 8601 time or unix seconds, got \"%s\"", option, v);
		return FALSE;
	}
	*t_r = g_date_time_to_unix (dt) + (end_of_day && strlen (v) == 10 ? 86400 : 0);
	return TRUE;
}

typedef struct {
	char *word;       /* the word the group shares; NULL: questions sharing no word */
	GPtrArray *misses; /* PdKbMissRow* (not owned) */
	GPtrArray *common; /* char*: the words at least half of its questions share, most first */
} Group;

static void
group_free (Group *g)
{
	g_free (g->word);
	g_ptr_array_unref (g->misses);
	g_ptr_array_unref (g->common);
	g_free (g);
}

typedef struct {
	const char *word;
	guint count;
} WordCount;

static gint
by_count (gconstpointer a, gconstpointer b)
{
	const WordCount *x = a, *y = b;

	return x->count != y->count ? (x->count < y->count ? 1 : -1) : strcmp (x->word, y->word);
}

/* how many of MISSES (only those not yet TAKEN, when given) hold each word, most first */
static GArray *
word_counts (GPtrArray *misses, const gboolean *taken)
{
	g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
	GArray *out = g_array_new (FALSE, FALSE, sizeof (WordCount));
	GHashTableIter it;
	gpointer k, v;
	guint i, j;

	for (i = 0; i < misses->len; i++) {
		const PdKbMissRow *m = misses->pdata[i];
		g_auto (GStrv) ws = NULL;

		if (taken && taken[i])
			continue;
		ws = g_strsplit (m->words, " ", -1);
		for (j = 0; ws[j]; j++) {
			/* the key must outlive ws: intern it (a bounded vocabulary of words) */
			const char *w = g_intern_string (ws[j]);

			if (*w)
				g_hash_table_insert (counts, (gpointer) w,
				                     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, w)) + 1));
		}
	}
	g_hash_table_iter_init (&it, counts);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		WordCount c = { k, GPOINTER_TO_UINT (v) };
		g_array_append_val (out, c);
	}
	g_array_sort (out, by_count);
	return out;
}

static gboolean
has_word (const PdKbMissRow *m, const char *w)
{
	g_auto (GStrv) ws = g_strsplit (m->words, " ", -1);

	return g_strv_contains ((const char *const *) ws, w);
}

/* Greedy grouping: the word most unanswered questions share takes all of them; again with the
 * rest, while a word is shared by two or more; the questions left share nothing. */
static GPtrArray *
group_misses (GPtrArray *misses)
{
	GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
	g_autofree gboolean *taken = g_new0 (gboolean, misses->len + 1);
	Group *rest = NULL;
	guint i, j;

	for (;;) {
		g_autoptr (GArray) counts = word_counts (misses, taken);
		Group *g;

		if (counts->len == 0 || g_array_index (counts, WordCount, 0).count < 2)
			break;
		g = g_new0 (Group, 1);
		g->word = g_strdup (g_array_index (counts, WordCount, 0).word);
		g->misses = g_ptr_array_new ();
		g->common = g_ptr_array_new_with_free_func (g_free);
		for (i = 0; i < misses->len; i++)
			if (!taken[i] && has_word (misses->pdata[i], g->word)) {
				taken[i] = TRUE;
				g_ptr_array_add (g->misses, misses->pdata[i]);
			}
		{
			g_autoptr (GArray) in_group = word_counts (g->misses, NULL);

			for (j = 0; j < in_group->len; j++) {
				const WordCount *c = &g_array_index (in_group, WordCount, j);

				if (c->count >= 2 && c->count * 2 >= g->misses->len)
					g_ptr_array_add (g->common, g_strdup (c->word));
			}
		}
		g_ptr_array_add (groups, g);
	}
	for (i = 0; i < misses->len; i++) {
		if (taken[i])
			continue;
		if (rest == NULL) {
			rest = g_new0 (Group, 1);
			rest->misses = g_ptr_array_new ();
			rest->common = g_ptr_array_new_with_free_func (g_free);
		}
		g_ptr_array_add (rest->misses, misses->pdata[i]);
	}
	if (rest != NULL)
		g_ptr_array_add (groups, rest);
	return groups;
}

/* a question on one line, at most EXAMPLE_CHARS characters */
static char *
example (const char *question)
{
	g_auto (GStrv) parts = g_strsplit_set (question, " \t\r\n", -1);
	g_autofree char *joined = NULL;
	GString *s = g_string_new (NULL);
	guint i;

	for (i = 0; parts[i]; i++)
		if (*parts[i])
			g_string_append_printf (s, "%s%s", s->len ? " " : "", parts[i]);
	if (g_utf8_strlen (s->str, -1) > EXAMPLE_CHARS) {
		joined = g_string_free (s, FALSE);
		*g_utf8_offset_to_pointer (joined, EXAMPLE_CHARS - 3) = '\0';
		return g_strconcat (joined, "...", NULL);
	}
	return g_string_free (s, FALSE);
}

static gint64
requests (const PdKbUsageRow *r)
{
	return r->suggested + r->sent + r->mailed + r->viewed;
}

static char *
csv_field (const char *s)
{
	GString *out;
	const char *p;

	if (strpbrk (s, ",\"\r\n") == NULL)
		return g_strdup (s);
	out = g_string_new ("\"");
	for (p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
	return g_string_free (out, FALSE);
}

static char *
utc (gint64 t)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);

	return g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
}

static void
print_text (gint64 since, gint64 until, GPtrArray *rows, GPtrArray *misses, GPtrArray *groups)
{
	g_autofree char *from = since ? utc (since) : g_strdup ("the start");
	g_autofree char *to = until ? utc (until) : g_strdup ("now");
	guint i, j;

	printf ("Knowledge base usage from %s to %s\n\n", from, to);
	printf ("Most requested articles (requests = suggested + sent + mailed + viewed)\n");
	if (rows->len == 0)
		printf ("  none\n");
	else
		printf ("%4s %8s %9s %5s %6s %6s %8s %7s  %s\n", "rank", "requests", "suggested", "sent",
		        "mailed", "viewed", "answered", "answer", "article");
	for (i = 0; i < rows->len; i++) {
		const PdKbUsageRow *r = rows->pdata[i];
		g_autofree char *rate = r->suggested
		                                ? g_strdup_printf ("%d%%", (int) (100 * r->answered / r->suggested))
		                                : g_strdup ("-");

		printf ("%4u %8" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %5" G_GINT64_FORMAT " %6" G_GINT64_FORMAT
		        " %6" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %7s  %s  %s\n",
		        i + 1, requests (r), r->suggested, r->sent, r->mailed, r->viewed, r->answered, rate,
		        r->slug, r->title);
	}
	printf ("\nQuestions nothing answered: %u\n", misses->len);
	for (i = 0; i < groups->len; i++) {
		const Group *g = groups->pdata[i];
		g_autofree char *common = NULL;

		g_ptr_array_add (g->common, NULL);
		common = g_strjoinv (", ", (char **) g->common->pdata);
		g_ptr_array_set_size (g->common, g->common->len - 1);
		if (g->word)
			printf ("  %s: %u questions; common words: %s\n", g->word, g->misses->len, common);
		else
			printf ("  sharing no word: %u questions\n", g->misses->len);
		for (j = 0; j < g->misses->len && j < EXAMPLES; j++) {
			g_autofree char *ex = example (((PdKbMissRow *) g->misses->pdata[j])->question);
			printf ("    \"%s\"\n", ex);
		}
	}
}

static void
print_csv (GPtrArray *rows, GPtrArray *groups)
{
	guint i, j;

	printf ("rank,slug,title,requests,suggested,sent,mailed,viewed,answered,answer_rate\n");
	for (i = 0; i < rows->len; i++) {
		const PdKbUsageRow *r = rows->pdata[i];
		g_autofree char *slug = csv_field (r->slug), *title = csv_field (r->title);
		g_autofree char *rate = r->suggested ? g_strdup_printf ("%.2f", (double) r->answered / r->suggested)
		                                     : g_strdup ("");

		printf ("%u,%s,%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
		        ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%s\n",
		        i + 1, slug, title, requests (r), r->suggested, r->sent, r->mailed, r->viewed,
		        r->answered, rate);
	}
	printf ("\nword,questions,common_words,examples\n");
	for (i = 0; i < groups->len; i++) {
		const Group *g = groups->pdata[i];
		GString *ex = g_string_new (NULL);
		g_autofree char *common = NULL, *common_q = NULL, *ex_q = NULL;

		g_ptr_array_add (g->common, NULL);
		common = g_strjoinv (" ", (char **) g->common->pdata);
		g_ptr_array_set_size (g->common, g->common->len - 1);
		for (j = 0; j < g->misses->len && j < EXAMPLES; j++) {
			g_autofree char *e = example (((PdKbMissRow *) g->misses->pdata[j])->question);
			g_string_append_printf (ex, "%s%s", j ? " | " : "", e);
		}
		common_q = csv_field (common);
		ex_q = csv_field (ex->str);
		printf ("%s,%u,%s,%s\n", g->word ? g->word : "", g->misses->len, common_q, ex_q);
		g_string_free (ex, TRUE);
	}
}

static void
print_json (gint64 since, gint64 until, GPtrArray *rows, GPtrArray *misses, GPtrArray *groups)
{
	PdJson *j = pd_json_new ();
	guint i, k;

	pd_json_object_begin (j);
	pd_json_key (j, "since");
	since ? pd_json_int (j, since) : pd_json_null (j);
	pd_json_key (j, "until");
	until ? pd_json_int (j, until) : pd_json_null (j);
	pd_json_key (j, "articles");
	pd_json_array_begin (j);
	for (i = 0; i < rows->len; i++) {
		const PdKbUsageRow *r = rows->pdata[i];

		pd_json_object_begin (j);
		pd_json_member_int (j, "rank", i + 1);
		pd_json_member_string (j, "slug", r->slug);
		pd_json_member_string (j, "title", r->title);
		pd_json_member_int (j, "requests", requests (r));
		pd_json_member_int (j, "suggested", r->suggested);
		pd_json_member_int (j, "sent", r->sent);
		pd_json_member_int (j, "mailed", r->mailed);
		pd_json_member_int (j, "viewed", r->viewed);
		pd_json_member_int (j, "answered", r->answered);
		/* per cent of the suggestions marked as answering, rounded down; null: never suggested */
		pd_json_key (j, "answer_rate_pct");
		r->suggested ? pd_json_int (j, 100 * r->answered / r->suggested) : pd_json_null (j);
		pd_json_object_end (j);
	}
	pd_json_array_end (j);
	pd_json_key (j, "unanswered");
	pd_json_object_begin (j);
	pd_json_member_int (j, "questions", misses->len);
	pd_json_key (j, "groups");
	pd_json_array_begin (j);
	for (i = 0; i < groups->len; i++) {
		const Group *g = groups->pdata[i];

		pd_json_object_begin (j);
		pd_json_member_string (j, "word", g->word);
		pd_json_member_int (j, "questions", g->misses->len);
		pd_json_key (j, "common_words");
		pd_json_array_begin (j);
		for (k = 0; k < g->common->len; k++)
			pd_json_string (j, g->common->pdata[k]);
		pd_json_array_end (j);
		pd_json_key (j, "examples");
		pd_json_array_begin (j);
		for (k = 0; k < g->misses->len && k < EXAMPLES; k++) {
			g_autofree char *e = example (((PdKbMissRow *) g->misses->pdata[k])->question);
			pd_json_string (j, e);
		}
		pd_json_array_end (j);
		pd_json_object_end (j);
	}
	pd_json_array_end (j);
	pd_json_object_end (j);
	pd_json_object_end (j);
	pd_cli_print_json (pd_json_free_to_string (j));
}

/* `postdesk report kb` in the report framework (src/report/report.h, from the reports part):
 * the same figures as sections of a PdReport, which renders them as text, CSV, JSON or HTML.
 * The knowledge base is not per queue: --queue is ignored. */

gboolean
pd_report_kb (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_kb_usage_report (app->store, q->since, q->until, error);
	g_autoptr (GPtrArray) misses = NULL, groups = NULL;
	PdReportSection *s;
	guint i, j;

	if (rows == NULL || (misses = pd_store_kb_misses (app->store, q->since, q->until, error)) == NULL)
		return FALSE;
	groups = group_misses (misses);
	pd_report_set_title (report, "Knowledge base");
	s = pd_report_section (report, "articles", "Most requested articles",
	                       "requests = suggested in an acknowledgement + sent by an agent (#kb) + "
	                       "mailed from the kb address + viewed on the web; answer rate = "
	                       "marked as answering / suggested");
	pd_report_column (s, "rank", "Rank", PD_REPORT_INT);
	pd_report_column (s, "slug", "Article", PD_REPORT_TEXT);
	pd_report_column (s, "title", "Title", PD_REPORT_TEXT);
	pd_report_column (s, "requests", "Requests", PD_REPORT_INT);
	pd_report_column (s, "suggested", "Suggested", PD_REPORT_INT);
	pd_report_column (s, "sent", "Sent", PD_REPORT_INT);
	pd_report_column (s, "mailed", "Mailed", PD_REPORT_INT);
	pd_report_column (s, "viewed", "Viewed", PD_REPORT_INT);
	pd_report_column (s, "answered", "Answered", PD_REPORT_INT);
	pd_report_column (s, "answer_rate", "Answer rate", PD_REPORT_PERCENT);
	for (i = 0; i < rows->len; i++) {
		const PdKbUsageRow *r = rows->pdata[i];
		char **row = pd_report_row (s);

		pd_report_set_int (s, row, 0, i + 1);
		pd_report_set_text (s, row, 1, r->slug);
		pd_report_set_text (s, row, 2, r->title);
		pd_report_set_int (s, row, 3, requests (r));
		pd_report_set_int (s, row, 4, r->suggested);
		pd_report_set_int (s, row, 5, r->sent);
		pd_report_set_int (s, row, 6, r->mailed);
		pd_report_set_int (s, row, 7, r->viewed);
		pd_report_set_int (s, row, 8, r->answered);
		pd_report_set_percent (s, row, 9, r->answered, r->suggested);
	}
	s = pd_report_section (report, "unanswered", "Questions nothing answered",
	                       "grouped by the word most of them share; word empty: they share none");
	pd_report_column (s, "word", "Word", PD_REPORT_TEXT);
	pd_report_column (s, "questions", "Questions", PD_REPORT_INT);
	pd_report_column (s, "common_words", "Common words", PD_REPORT_TEXT);
	pd_report_column (s, "examples", "Examples", PD_REPORT_TEXT);
	for (i = 0; i < groups->len; i++) {
		const Group *g = groups->pdata[i];
		char **row = pd_report_row (s);
		GString *ex = g_string_new (NULL);
		g_autofree char *common = NULL;

		g_ptr_array_add (g->common, NULL);
		common = g_strjoinv (" ", (char **) g->common->pdata);
		g_ptr_array_set_size (g->common, g->common->len - 1);
		for (j = 0; j < g->misses->len && j < EXAMPLES; j++) {
			g_autofree char *e = example (((PdKbMissRow *) g->misses->pdata[j])->question);
			g_string_append_printf (ex, "%s%s", j ? " | " : "", e);
		}
		pd_report_set_text (s, row, 0, g->word);
		pd_report_set_int (s, row, 1, g->misses->len);
		pd_report_set_text (s, row, 2, common);
		pd_report_set_text (s, row, 3, ex->str);
		g_string_free (ex, TRUE);
	}
	return TRUE;
}

gboolean
pd_report_kb_command (int argc, char **argv, GError **error)
{
	g_autofree char *since_s = NULL, *until_s = NULL, *format = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL, misses = NULL, groups = NULL;
	gint64 since, until;
	const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since_s, "from WHEN on (YYYY-MM-DD, ISO 8601 or unix seconds)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until_s, "before WHEN (a bare date: to the end of that day)", "WHEN" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), csv or json", "FORMAT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "The knowledge base's use: articles ranked by requests (suggested in an\n"
	                   "acknowledgement, sent by an agent with #kb, mailed from the kb address, viewed\n"
	                   "on the web), how often a suggestion was marked as answering, and the questions\n"
	                   "nothing answered, grouped by their most common word. Times are UTC.\n"
	                   "CSV: the articles, a blank line, then the groups of unanswered questions.",
	                   entries, error))
		return FALSE;
	if (argc > 1) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "unexpected argument: %s", argv[1]);
		return FALSE;
	}
	if (format != NULL && strcmp (format, "text") && strcmp (format, "csv") && strcmp (format, "json")) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--format: text, csv or json, not \"%s\"", format);
		return FALSE;
	}
	if (!parse_when ("since", since_s, FALSE, &since, error) ||
	    !parse_when ("until", until_s, TRUE, &until, error))
		return FALSE;
	if (until != 0 && until <= since) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--until must be after --since");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_kb_usage_report (app->store, since, until, error)) == NULL ||
	    (misses = pd_store_kb_misses (app->store, since, until, error)) == NULL)
		return FALSE;
	groups = group_misses (misses);
	if (format == NULL || !strcmp (format, "text"))
		print_text (since, until, rows, misses, groups);
	else if (!strcmp (format, "csv"))
		print_csv (rows, groups);
	else
		print_json (since, until, rows, misses, groups);
	return TRUE;
}
