/* kb-learn.c - `postdesk kb learn [--min N] [--apply] [--json]`: the keywords (db/039) learned
 * from the questions nothing was suggested for that an agent answered with an article
 * (src/kb/learn.c), printed, or added to the articles with --apply (a new version each).
 * Options and output only. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-learn.h"
#include "cmd/kb-private.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "kb/kb.h"
#include "kb/learn.h"
#include "store/kb.h"

/* add L's words to its article's keywords, in the open transaction */
static gboolean
apply_one (PdApp *app, const PdKbLearned *l, const char *author, GError **error)
{
	g_autoptr (PdKbArticle) a = pd_store_kb_get_by_id (app->store, l->article_id, error);
	char *keywords;
	gint64 id;

	if (a == NULL)
		return FALSE;
	keywords = pd_kb_keywords_with (a->keywords, l->words);
	g_free (a->keywords);
	a->keywords = keywords;
	return pd_kb_article_check (a, NULL, error) &&
	       pd_store_kb_put (app->store, a, author, pd_now (), &id, NULL, error) &&
	       pd_kb_stems_save (app->store, id, a, error);
}

gboolean
pd_cmd_kb_learn (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, apply = FALSE;
	gint min = 2;
	g_autofree char *author = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) learned = NULL;
	guint i, j;
	const GOptionEntry entries[] = {
		{ "min", 0, 0, G_OPTION_ARG_INT, &min, "a word must come back in this many questions (default 2)", "N" },
		{ "apply", 0, 0, G_OPTION_ARG_NONE, &apply, "add the words to the articles' keywords (a new version each)", NULL },
		{ "author", 0, 0, G_OPTION_ARG_STRING, &author, "who makes the new versions (default: the user)", "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, NULL,
	                   "The words customers use for an article, learned from the questions nothing was "
	                   "suggested for that an agent then answered with it (#kb) or the customer marked as "
	                   "answered: printed as SLUG: WORD (QUESTIONS), ...; --apply adds them as keywords.",
	                   entries, error))
		return FALSE;
	if (argc != 1 || min < 1) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "usage: kb learn [--min N (>= 1)] [--apply] [--json]");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (learned = pd_kb_learn_keywords (app->store, (guint) min, error)) == NULL)
		return FALSE;
	if (apply) {
		if (!pd_store_begin (app->store, error))
			return FALSE;
		for (i = 0; i < learned->len; i++)
			if (!apply_one (app, learned->pdata[i], pd_cmd_kb_author_or_default (author), error)) {
				pd_store_rollback (app->store);
				return FALSE;
			}
		if ((learned->len > 0 && (!pd_store_kb_terms_refresh (app->store, error) ||
		                          !pd_kb_related_update (app->store, FALSE, error))) ||
		    !pd_store_commit (app->store, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
	}
	if (json) {
		PdJson *js = pd_json_new ();
		g_autofree char *s = NULL;

		pd_json_array_begin (js);
		for (i = 0; i < learned->len; i++) {
			const PdKbLearned *l = learned->pdata[i];

			pd_json_object_begin (js);
			pd_json_member_string (js, "slug", l->slug);
			pd_json_member_int (js, "questions", l->questions);
			pd_json_key (js, "words");
			pd_json_array_begin (js);
			for (j = 0; j < l->words->len; j++) {
				pd_json_object_begin (js);
				pd_json_member_string (js, "word", l->words->pdata[j]);
				pd_json_member_int (js, "questions", g_array_index (l->counts, guint, j));
				pd_json_object_end (js);
			}
			pd_json_array_end (js);
			pd_json_key (js, "applied");
			pd_json_bool (js, apply);
			pd_json_object_end (js);
		}
		pd_json_array_end (js);
		s = pd_json_free_to_string (js);
		printf ("%s\n", s);
		return TRUE;
	}
	for (i = 0; i < learned->len; i++) {
		const PdKbLearned *l = learned->pdata[i];

		printf ("%s:", l->slug);
		for (j = 0; j < l->words->len; j++)
			printf ("%s %s (%u)", j ? "," : "", (char *) l->words->pdata[j], g_array_index (l->counts, guint, j));
		printf ("  [of %u question%s]%s\n", l->questions, l->questions == 1 ? "" : "s", apply ? " added" : "");
	}
	return TRUE;
}
