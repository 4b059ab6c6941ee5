/* stems.c - the suggester's stems stored per article (db/027) under the word rules' edition,
 * and the synonyms learned from them (db/030, related.c) brought up to date. */
#include <string.h>

#include "kb/kb.h"
#include "kb/markdown.h"
#include "kb/related.h"
#include "kb/words.h"
#include "store/kb.h"

/* the terms of a body in Markdown */
GPtrArray *
pd_kb_body_terms (const char *markdown)
{
	g_autofree char *body = pd_kb_markdown_to_text (markdown ? markdown : "");

	return pd_kb_terms (body);
}

static char *
join_stems (GPtrArray *stems)
{
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; i < stems->len; i++)
		g_string_append_printf (out, "%s%s", i ? " " : "", (char *) stems->pdata[i]);
	return g_string_free (out, FALSE);
}

/* The stems of an article's head: its title's and topics' (distinct), then those of each of
 * its KEYWORDS (db/039, comma-separated) after a " | " (no stem is "|"): without keywords the
 * same row as before db/039. */
char *
pd_kb_head_stems (const char *title, const char *topics, const char *keywords)
{
	g_autofree char *head = g_strconcat (title ? title : "", " ", topics ? topics : "", NULL);
	g_autoptr (GPtrArray) terms = pd_kb_terms (head);
	g_auto (GStrv) keys = g_strsplit (keywords ? keywords : "", ",", -1);
	g_autofree char *first = join_stems (terms);
	GString *out = g_string_new (first);
	guint i;

	for (i = 0; keys[i] != NULL; i++) {
		g_autoptr (GPtrArray) k = pd_kb_terms (keys[i]);
		g_autofree char *list = NULL;

		if (k->len == 0)
			continue;
		list = join_stems (k);
		g_string_append_printf (out, "%s| %s", out->len ? " " : "", list);
	}
	return g_string_free (out, FALSE);
}

gboolean
pd_kb_stems_save (PdStore *store, gint64 id, const PdKbArticle *a, GError **error)
{
	g_autofree char *head_list = NULL, *body_list = NULL;
	g_autoptr (GPtrArray) body = NULL;
	gboolean current;

	if (!pd_store_kb_stems_current (store, id, PD_KB_STEMMER, &current, error))
		return FALSE;
	if (current)
		return TRUE;
	body = pd_kb_body_terms (a->body);
	head_list = pd_kb_head_stems (a->title, a->topics, a->keywords);
	body_list = join_stems (body);
	return pd_store_kb_stems_put (store, id, PD_KB_STEMMER, head_list, body_list, error);
}

gboolean
pd_kb_related_update (PdStore *store, gboolean one, GError **error)
{
	return one ? pd_kb_related_follow (store, PD_KB_STEMMER, error)
	           : pd_kb_related_refresh (store, PD_KB_STEMMER, error);
}
