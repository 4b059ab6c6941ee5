/* kb-suggest.c - `postdesk kb suggest FILE...`: the articles an acknowledgement would list for
 * each mail, one line per mail as it is judged (tests/bench/kb times them), storing nothing.
 * The suggester is src/kb/suggest.c. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-private.h"
#include "core/error.h"
#include "core/json.h"
#include "kb/kb.h"
#include "mail/mail.h"

/* a JSON string literal for S (the writer escapes; no double writer exists, so suggest
 * assembles its lines itself) */
static char *
json_str (const char *s)
{
	PdJson *j = pd_json_new ();

	pd_json_string (j, s);
	return pd_json_free_to_string (j);
}

gboolean
pd_cmd_kb_suggest (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, plain = FALSE;
	int max = 3;
	g_autoptr (PdApp) app = NULL;
	guint failures = 0;
	int i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON Lines: file, suggestions [{slug, title, score}]", NULL },
		{ "max", 0, 0, G_OPTION_ARG_INT, &max, "at most N articles per mail (default 3)", "N" },
		{ "plain-bm25", 0, 0, G_OPTION_ARG_NONE, &plain, "the baseline: plain FTS5 BM25 over every word, no threshold (for measurements)", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "FILE...",
	                   "The articles an acknowledgement would list for each mail (published, "
	                   "above the relevance threshold). Stores nothing.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc < 2 || max < 1) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one or more FILEs are needed");
		return FALSE;
	}
	for (i = 1; i < argc; i++) {
		g_autofree char *data = NULL, *text = NULL, *file = NULL;
		g_autoptr (GError) local = NULL;
		g_autoptr (GBytes) raw = NULL;
		g_autoptr (PdMail) mail = NULL;
		g_autoptr (GPtrArray) res = NULL;
		PdMailLimits limits = { app->settings->max_message_size, app->settings->max_mime_depth,
			                app->settings->max_mime_parts };
		gsize len;
		guint k;

		if (!g_file_get_contents (argv[i], &data, &len, &local)) {
			failures++;
			fprintf (stderr, "%s: %s\n", argv[i], local->message);
			continue;
		}
		raw = g_bytes_new_take (g_steal_pointer (&data), len);
		if ((mail = pd_mail_parse (raw, &limits, &local)) == NULL) {
			failures++;
			fprintf (stderr, "%s: unparsable: %s\n", argv[i], local->message);
			continue;
		}
		text = g_strdup_printf ("%s\n\n%s", mail->subject, mail->body_text);
		if (!(plain ? pd_kb_suggest_plain : pd_kb_suggest) (app->store, text, (guint) max, &res,
		                                                   error))
			return FALSE;
		if (json) {
			GString *line = g_string_new ("{\"file\":");

			file = json_str (argv[i]);
			g_string_append_printf (line, "%s,\"suggestions\":[", file);
			for (k = 0; k < res->len; k++) {
				const PdKbSuggestion *s = res->pdata[k];
				g_autofree char *slug = json_str (s->slug), *title = json_str (s->title);
				char score[G_ASCII_DTOSTR_BUF_SIZE];

				g_ascii_formatd (score, sizeof score, "%.3f", s->score);
				g_string_append_printf (line, "%s{\"slug\":%s,\"title\":%s,\"score\":%s}",
				                        k ? "," : "", slug, title, score);
			}
			g_string_append (line, "]}");
			pd_cli_print_json (g_string_free (line, FALSE));
		} else {
			printf ("%s:%s\n", argv[i], res->len ? "" : " (no article good enough)");
			for (k = 0; k < res->len; k++) {
				const PdKbSuggestion *s = res->pdata[k];

				printf ("  %.3f  %-30s %s\n", s->score, s->slug, s->title);
			}
		}
		fflush (stdout); /* one line per mail as it is judged (tests/bench/kb times them) */
	}
	if (failures > 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%u of %d files could not be read",
		             failures, argc - 1);
		return FALSE;
	}
	return TRUE;
}
