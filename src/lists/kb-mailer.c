/* kb-mailer.c - knowledge-base articles to lists (kb-mailer.h). Articles published before a
 * list existed are not news to it; the topic "announcements" (the lists' own archive) is
 * never mailed back; internal articles are never mailed, customer-level ones only to lists
 * whose policy admits customers alone. */
#include "lists/kb-mailer.h"

#include <string.h>

#include "core/error.h"
#include "core/settings-lists.h"
#include "lists/archive.h"
#include "store/kb.h"
#include "store/list-articles.h"

#define ARCHIVE_TOPIC "announcements"
#define EXCERPT_MAX 1200

/* The article's topics, stripped, empty ones dropped. (transfer full) */
static GStrv
topics_of (const char *topics)
{
	g_auto (GStrv) parts = g_strsplit (topics != NULL ? topics : "", ",", -1);
	GPtrArray *out = g_ptr_array_new_null_terminated (4, NULL, TRUE);

	for (guint i = 0; parts[i] != NULL; i++) {
		char *t = g_strstrip (parts[i]);

		if (*t != '\0' && !g_strv_contains ((const char *const *) out->pdata, t))
			g_ptr_array_add (out, g_strdup (t));
	}
	return (GStrv) g_ptr_array_free (out, FALSE);
}

/* Does LIST mail ARTICLE at all. */
static gboolean
wanted (const PdListInfo *list, const PdKbArticle *a)
{
	g_auto (GStrv) topics = topics_of (a->topics);

	if (g_strv_contains ((const char *const *) topics, ARCHIVE_TOPIC))
		return FALSE;
	if (g_strcmp0 (a->visibility, "internal") == 0)
		return FALSE;
	if (g_strcmp0 (a->visibility, "customer") == 0 && g_strcmp0 (list->policy, "customers") != 0)
		return FALSE;
	return pd_list_topics_meet (list->topics, (const char *const *) topics);
}

static char *
article_url (const PdSettings *s, const PdKbArticle *a)
{
	return s->public_url != NULL ? g_strdup_printf ("%s/kb/%s", s->public_url, a->slug) : NULL;
}

static void
append_article (GString *out, const PdSettings *s, const PdKbArticle *a, gsize max)
{
	g_autofree char *url = article_url (s, a);
	gsize len = strlen (a->body);

	if (len > max) {
		const char *end = a->body + max;

		/* cut at a character boundary */
		g_string_append_len (out, a->body, g_utf8_find_prev_char (a->body, end + 1) - a->body);
		g_string_append (out, " …\n");
	} else {
		g_string_append (out, a->body);
		g_string_append_c (out, '\n');
	}
	if (url != NULL)
		g_string_append_printf (out, "\nRead it on the web: %s\n", url);
}

/* One article to LIST at once (inside a transaction). */
static gboolean
mail_article (PdStore *store, const PdSettings *s, const PdListInfo *list, const PdKbArticle *a,
              gint64 now, PdListMailStats *st, GError **error)
{
	g_auto (GStrv) topics = topics_of (a->topics);
	g_autoptr (GString) body = g_string_new (NULL);
	gint64 campaign = 0, total = 0;

	g_string_append_printf (body, "%s\n\n", a->title);
	append_article (body, s, a, G_MAXSIZE);
	if (!pd_store_list_campaign_add (store, list->id, "article", a->title, body->str, a->id, now,
	                                 &campaign, error) ||
	    !pd_store_list_deliveries_add (store, campaign, list->id, (const char *const *) topics,
	                                   &total, error) ||
	    !pd_store_list_article_mailed (store, list->id, a->id, campaign, now, error))
		return FALSE;
	st->campaigns++;
	st->deliveries += total;
	return TRUE;
}

static gboolean
new_articles (PdStore *store, const PdSettings *s, const PdListInfo *list, gint64 now,
              PdListMailStats *st, GError **error)
{
	g_autoptr (GPtrArray) arts = pd_store_list_new_articles (store, list->id, list->created_at,
	                                                         error);
	gboolean daily = g_strcmp0 (list->digest, "daily") == 0;

	if (arts == NULL)
		return FALSE;
	for (guint i = 0; i < arts->len; i++) {
		const PdKbArticle *a = arts->pdata[i];
		gboolean want = wanted (list, a), claimed = FALSE;
		const char *state = !want ? "skipped" : daily ? "pending" : "mailed";

		/* the claim and the campaign commit together: a crash leaves neither */
		if (!pd_store_begin (store, error))
			return FALSE;
		if (!pd_store_list_article_claim (store, list->id, a->id, state, now, &claimed, error) ||
		    (claimed && want && !daily && !mail_article (store, s, list, a, now, st, error)) ||
		    !pd_store_commit (store, error)) {
			pd_store_rollback (store);
			return FALSE;
		}
		if (claimed)
			st->articles++;
	}
	return TRUE;
}

/* LIST's digest, when the interval since the last one (or since the oldest waiting article)
 * has passed. Decided inside the transaction, so two schedulers make one digest. */
static gboolean
digest_in_tx (PdStore *store, const PdSettings *s, const PdListSettings *ls,
              const PdListInfo *list, gint64 now, PdListMailStats *st, GError **error)
{
	gint64 oldest = 0, last = 0, campaign = 0, total = 0;
	g_autoptr (GArray) ids = pd_store_list_digest_pending (store, list->id, &oldest, error);
	g_autoptr (GString) body = g_string_new (NULL);
	g_autoptr (GPtrArray) all_topics = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *subject = NULL;
	g_autoptr (GPtrArray) arts = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_article_free);

	if (ids == NULL || !pd_store_list_last_digest (store, list->id, &last, error))
		return FALSE;
	if (ids->len == 0 || now - (last > 0 ? last : oldest) < ls->digest_interval)
		return TRUE;
	for (guint i = 0; i < ids->len;) {
		gint64 id = g_array_index (ids, gint64, i);
		g_autoptr (GError) local = NULL;
		PdKbArticle *a = pd_store_kb_get_by_id (store, id, &local);

		if (a == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		/* changed since it was collected: unpublished or no longer for this list */
		if (a == NULL || g_strcmp0 (a->status, "published") != 0 || !wanted (list, a)) {
			pd_kb_article_free (a);
			if (!pd_store_list_article_skip (store, list->id, id, error))
				return FALSE;
			g_array_remove_index (ids, i);
			continue;
		}
		g_ptr_array_add (arts, a);
		i++;
	}
	if (arts->len == 0)
		return TRUE;
	subject = g_strdup_printf ("%s: %u new article%s", list->title && *list->title ? list->title
	                                                                               : list->name,
	                           arts->len, arts->len == 1 ? "" : "s");
	g_string_append_printf (body, "%s\n\n", subject);
	for (guint i = 0; i < arts->len; i++) {
		const PdKbArticle *a = arts->pdata[i];
		g_auto (GStrv) t = topics_of (a->topics);

		g_string_append_printf (body, "%u. %s\n\n", i + 1, a->title);
		append_article (body, s, a, EXCERPT_MAX);
		g_string_append_c (body, '\n');
		for (guint j = 0; t[j] != NULL; j++)
			g_ptr_array_add (all_topics, g_strdup (t[j]));
	}
	g_ptr_array_add (all_topics, NULL);
	if (!pd_store_list_campaign_add (store, list->id, "digest", subject, body->str, 0, now,
	                                 &campaign, error) ||
	    !pd_store_list_deliveries_add (store, campaign, list->id,
	                                   (const char *const *) all_topics->pdata, &total, error))
		return FALSE;
	for (guint i = 0; i < ids->len; i++)
		if (!pd_store_list_article_mailed (store, list->id, g_array_index (ids, gint64, i),
		                                   campaign, now, error))
			return FALSE;
	st->campaigns++;
	st->deliveries += total;
	return TRUE;
}

gboolean
pd_list_kb_mail_run (PdStore *store, const PdSettings *s, gint64 now, PdListMailStats *stats_r,
                     GError **error)
{
	PdListMailStats st = { 0 };
	g_autoptr (PdListSettings) defaults = NULL;
	const PdListSettings *ls = s->lists_feedback;
	g_autoptr (GPtrArray) lists = NULL;

	if (ls == NULL)
		ls = defaults = pd_list_settings_defaults ();
	if (!pd_list_archive_pending (store, now, &st.archived, error) ||
	    (lists = pd_store_list_mailing_lists (store, error)) == NULL)
		return FALSE;
	for (guint i = 0; i < lists->len; i++) {
		const PdListInfo *list = lists->pdata[i];

		if (!new_articles (store, s, list, now, &st, error))
			return FALSE;
		if (g_strcmp0 (list->digest, "daily") != 0)
			continue;
		if (!pd_store_begin (store, error))
			return FALSE;
		if (!digest_in_tx (store, s, ls, list, now, &st, error) || !pd_store_commit (store, error)) {
			pd_store_rollback (store);
			return FALSE;
		}
	}
	if (stats_r != NULL)
		*stats_r = st;
	return TRUE;
}
