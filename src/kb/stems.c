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

gboolean
pd_kb_stems_save (PdStore *store, gint64 id, const PdKbArticle *a, GError **error)
{
	g_autofree char *head = NULL, *head_list = NULL, *body_list = NULL;
	g_autoptr (GPtrArray) head_terms = NULL;
	g_autoptr (GPtrArray) body = NULL;
	gboolean current;

	if (!pd_store_kb_stems_current (store, id, PD_KB_STEMMER, &current, error))
		return FALSE;
	if (current)
		return TRUE;
	head = g_strconcat (a->title, " ", a->topics ? a->topics : "", NULL);
	head_terms = pd_kb_terms (head);
	body = pd_kb_body_terms (a->body);
	head_list = join_stems (head_terms);
	body_list = join_stems (body);
	return pd_store_kb_stems_put (store, id, PD_KB_STEMMER, head_list, body_list, error);
}

gboolean
pd_kb_related_update (PdStore *store, gboolean one, GError **error)
{
	return one ? pd_kb_related_follow (store, PD_KB_STEMMER, error)
	           : pd_kb_related_refresh (store, PD_KB_STEMMER, error);
}
