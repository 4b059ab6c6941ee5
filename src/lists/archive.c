/* archive.c - announcements into the knowledge base (archive.h). The archive shows what every
 * subscriber was sent, so the personal parts of the body ({{placeholders}}: the name, the
 * unsubscribe and preference links) are left out. */
#include "lists/archive.h"

#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "store/kb.h"
#include "store/list-archive.h"

#define TOPIC "announcements"

/* BODY without its {{…}} placeholders, or a note naming the template. (transfer full) */
static char *
archive_body (const PdListCampaign *c)
{
	GString *out = g_string_new (NULL);
	const char *p = c->body;

	if (p == NULL || *p == '\0')
		return g_strdup_printf ("(sent from the template %s)", c->template ? c->template : "?");
	while (*p != '\0') {
		const char *open = strstr (p, "{{"), *close;

		if (open == NULL || (close = strstr (open + 2, "}}")) == NULL) {
			g_string_append (out, p);
			break;
		}
		g_string_append_len (out, p, open - p);
		p = close + 2;
	}
	return g_string_free (out, FALSE);
}

static gboolean
archive_one (PdStore *store, gint64 campaign_id, gint64 now, gint64 *article_r, GError **error)
{
	g_autoptr (PdListCampaign) c = pd_store_list_campaign (store, campaign_id, error);
	g_autoptr (PdKbArticle) a = NULL;

	if (c == NULL)
		return FALSE;
	if (!g_str_equal (c->kind, "announcement"))
		return TRUE;
	if (c->article_id > 0) {
		*article_r = c->article_id;
		return TRUE;
	}
	a = pd_kb_article_new ();
	a->slug = g_strdup_printf ("announcement-%s-%" G_GINT64_FORMAT, c->list_name, c->id);
	a->title = g_strdup (*c->subject ? c->subject : a->slug);
	/* a title is one line */
	g_strdelimit (a->title, "\r\n", ' ');
	a->body = archive_body (c);
	a->topics = g_strdup (TOPIC);
	a->locale = g_strdup (c->list_locale ? c->list_locale : "en");
	a->visibility = g_strdup (c->list_visibility ? c->list_visibility : "public");
	a->status = g_strdup ("published");
	if (!pd_kb_article_check (a, NULL, error))
		return FALSE;
	/* the slug is the campaign's own: an article left by a run that died before setting
	 * article_id is the same article and is taken over */
	return pd_store_kb_put (store, a, "postdesk-lists", now, article_r, NULL, error) &&
	       pd_kb_stems_save (store, *article_r, a, error) &&
	       pd_store_list_campaign_set_article (store, c->id, *article_r, error);
}

gboolean
pd_list_archive_campaign (PdStore *store, gint64 campaign_id, gint64 now, gint64 *article_r,
                          GError **error)
{
	gint64 article = 0;

	if (!pd_store_begin (store, error))
		return FALSE;
	if (!archive_one (store, campaign_id, now, &article, error) || !pd_store_commit (store, error)) {
		pd_store_rollback (store);
		return FALSE;
	}
	if (article_r != NULL)
		*article_r = article;
	return TRUE;
}

gboolean
pd_list_archive_pending (PdStore *store, gint64 now, guint *count_r, GError **error)
{
	g_autoptr (GArray) ids = pd_store_list_campaigns_unarchived (store, error);

	if (count_r != NULL)
		*count_r = 0;
	if (ids == NULL)
		return FALSE;
	for (guint i = 0; i < ids->len; i++) {
		if (!pd_list_archive_campaign (store, g_array_index (ids, gint64, i), now, NULL, error))
			return FALSE;
		if (count_r != NULL)
			(*count_r)++;
	}
	return TRUE;
}
