/* list-feedback.c - SQL for list feedback and the knowledge base's mail to lists
 * (store/list-feedback.h). Lists, subscribers, campaigns and deliveries are db/014-015;
 * list_articles is db/018. */
#include "store/list-feedback.h"
#include "store/campaign.h"

#include <string.h>

#include "core/error.h"
#include "store/kb.h"
#include "store/lists.h"
#include "store/store-private.h"

void
pd_list_delivery_free (PdListDelivery *d)
{
	if (d == NULL)
		return;
	g_free (d->delivery_state);
	g_free (d->address);
	g_free (d->status);
	g_free (d->list_queue);
	g_free (d);
}

static gpointer
delivery_row (sqlite3_stmt *stmt)
{
	PdListDelivery *d = g_new0 (PdListDelivery, 1);

	d->delivery_id = sqlite3_column_int64 (stmt, 0);
	d->campaign_id = sqlite3_column_int64 (stmt, 1);
	d->subscriber_id = sqlite3_column_int64 (stmt, 2);
	d->list_id = sqlite3_column_int64 (stmt, 3);
	d->delivery_state = pd_col_text (stmt, 4);
	d->address = pd_col_text (stmt, 5);
	d->status = pd_col_text (stmt, 6);
	d->score = sqlite3_column_double (stmt, 7);
	d->last_bounce_at = sqlite3_column_int64 (stmt, 8);
	d->last_soft_at = sqlite3_column_int64 (stmt, 9);
	d->list_queue = pd_col_text (stmt, 10);
	d->score_at = sqlite3_column_int64 (stmt, 11);
	return d;
}

PdListDelivery *
pd_store_list_delivery (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT d.id, d.campaign_id, d.subscriber_id, s.list_id, d.state, s.address, s.status, "
		"s.bounce_score, s.last_bounce_at, s.last_soft_at, l.queue, s.bounce_score_at "
		"FROM deliveries d "
		"JOIN subscribers s ON s.id = d.subscriber_id JOIN lists l ON l.id = s.list_id "
		"WHERE d.id = ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, delivery_row, "delivery", id, error);
}

gboolean
pd_store_list_bounce_add (PdStore *store, gint64 subscriber, gint64 delivery, gint64 now,
                          const char *kind, double score_added, gint64 intake, const char *detail,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO list_bounces (subscriber_id, delivery_id, at, kind, score_added, intake_id, "
		"detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, subscriber);
	pd_bind_id (stmt, 2, delivery);
	pd_bind_int (stmt, 3, now);
	pd_bind_text (stmt, 4, kind);
	sqlite3_bind_double (stmt, 5, score_added);
	pd_bind_id (stmt, 6, intake);
	pd_bind_text (stmt, 7, detail);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_list_subscriber_score (PdStore *store, gint64 subscriber, double score,
                                gint64 last_bounce_at, gint64 last_soft_at, gint64 score_at,
                                gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE subscribers SET bounce_score = ?, last_bounce_at = ?, last_soft_at = ?, "
		"bounce_score_at = ?, updated_at = ? WHERE id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_double (stmt, 1, score);
	pd_bind_id (stmt, 2, last_bounce_at);
	pd_bind_id (stmt, 3, last_soft_at);
	pd_bind_id (stmt, 4, score_at);
	pd_bind_int (stmt, 5, now);
	pd_bind_int (stmt, 6, subscriber);
	return pd_store_exec_stmt (store, stmt, error);
}

static gpointer
scored_row (sqlite3_stmt *stmt)
{
	PdListScored *r = g_new0 (PdListScored, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->status = pd_col_text (stmt, 1);
	r->score = sqlite3_column_double (stmt, 2);
	r->last_bounce_at = sqlite3_column_int64 (stmt, 3);
	r->last_soft_at = sqlite3_column_int64 (stmt, 4);
	r->score_at = sqlite3_column_int64 (stmt, 5);
	return r;
}

void
pd_list_scored_free (PdListScored *r)
{
	if (r == NULL)
		return;
	g_free (r->status);
	g_free (r);
}

GPtrArray *
pd_store_list_scored (PdStore *store, gint64 after, guint limit, GError **error)
{
	/* "bounce_score > 0" as in the partial index of db/023 */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, status, bounce_score, last_bounce_at, last_soft_at, bounce_score_at "
		"FROM subscribers WHERE bounce_score > 0 AND id > ? ORDER BY id LIMIT ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, after);
	pd_bind_int (stmt, 2, limit);
	return pd_store_collect (store, stmt, scored_row, (GDestroyNotify) pd_list_scored_free,
	                         error);
}

gboolean
pd_store_list_subscriber_status (PdStore *store, gint64 subscriber, const char *status,
                                 gint64 now, const char *action, const char *via,
                                 const char *evidence, const char *detail, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, status);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, subscriber);
	return pd_store_exec_stmt (store, stmt, error) &&
	       pd_store_consent_add (store, subscriber, now, action, via, evidence, detail, error);
}

gboolean
pd_store_list_delivery_bounced (PdStore *store, gint64 delivery, const char *reply,
                                GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE deliveries SET state = 'bounced', last_reply = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, reply);
	pd_bind_int (stmt, 2, delivery);
	return pd_store_exec_stmt (store, stmt, error);
}

static gboolean
list_and_queue (PdStore *store, sqlite3_stmt *stmt, gint64 *list_r, char **queue_r,
                GError **error)
{
	int rc = pd_store_step (store, stmt, error);

	*list_r = 0;
	if (queue_r != NULL)
		*queue_r = NULL;
	if (rc < 0)
		return FALSE;
	if (rc == SQLITE_ROW) {
		*list_r = sqlite3_column_int64 (stmt, 0);
		if (queue_r != NULL)
			*queue_r = pd_col_text (stmt, 1);
	}
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
pd_store_list_by_address (PdStore *store, const char *addr, gint64 *list_r, char **queue_r,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id, queue FROM lists WHERE address = lower (?)", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	return list_and_queue (store, stmt, list_r, queue_r, error);
}

gboolean
pd_store_list_by_campaign (PdStore *store, gint64 campaign, gint64 *list_r, char **queue_r,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT l.id, l.queue FROM campaigns c JOIN lists l ON l.id = c.list_id WHERE c.id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, campaign);
	return list_and_queue (store, stmt, list_r, queue_r, error);
}

gboolean
pd_store_list_subscriber_by_address (PdStore *store, gint64 list, const char *addr,
                                     gint64 *subscriber_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id FROM subscribers WHERE list_id = ? AND address = lower (?)", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	return pd_store_lookup_int (store, stmt, subscriber_r, NULL, error);
}

void
pd_list_campaign_free (PdListCampaign *c)
{
	if (c == NULL)
		return;
	g_free (c->kind);
	g_free (c->state);
	g_free (c->subject);
	g_free (c->template);
	g_free (c->body);
	g_free (c->list_name);
	g_free (c->list_title);
	g_free (c->list_visibility);
	g_free (c->list_locale);
	g_free (c);
}

static gpointer
campaign_row (sqlite3_stmt *stmt)
{
	PdListCampaign *c = g_new0 (PdListCampaign, 1);

	c->id = sqlite3_column_int64 (stmt, 0);
	c->list_id = sqlite3_column_int64 (stmt, 1);
	c->kind = pd_col_text (stmt, 2);
	c->state = pd_col_text (stmt, 3);
	c->subject = pd_col_text (stmt, 4);
	c->template = pd_col_text (stmt, 5);
	c->body = pd_col_text (stmt, 6);
	c->article_id = sqlite3_column_int64 (stmt, 7);
	c->created_at = sqlite3_column_int64 (stmt, 8);
	c->list_name = pd_col_text (stmt, 9);
	c->list_title = pd_col_text (stmt, 10);
	c->list_visibility = pd_col_text (stmt, 11);
	c->list_locale = pd_col_text (stmt, 12);
	return c;
}

PdListCampaign *
pd_store_list_campaign (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT c.id, c.list_id, c.kind, c.state, c.subject, c.template, c.body, c.article_id, "
		"c.created_at, l.name, l.title, l.visibility, l.locale FROM campaigns c "
		"JOIN lists l ON l.id = c.list_id WHERE c.id = ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, campaign_row, "campaign", id, error);
}

static GArray *
collect_ids (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&ids);
}

GArray *
pd_store_list_campaigns_unarchived (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id FROM campaigns WHERE kind = 'announcement' AND article_id IS NULL "
		"AND state IN ('running', 'paused', 'done') ORDER BY id",
		error);

	return stmt == NULL ? NULL : collect_ids (store, stmt, error);
}

gboolean
pd_store_list_campaign_set_article (PdStore *store, gint64 campaign, gint64 article,
                                    GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE campaigns SET article_id = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, article);
	pd_bind_int (stmt, 2, campaign);
	return pd_store_exec_stmt (store, stmt, error);
}

void
pd_list_info_free (PdListInfo *l)
{
	if (l == NULL)
		return;
	g_free (l->name);
	g_free (l->address);
	g_free (l->title);
	g_free (l->topics);
	g_free (l->policy);
	g_free (l->digest);
	g_free (l->locale);
	g_free (l);
}

static gpointer
list_row (sqlite3_stmt *stmt)
{
	PdListInfo *l = g_new0 (PdListInfo, 1);

	l->id = sqlite3_column_int64 (stmt, 0);
	l->name = pd_col_text (stmt, 1);
	l->address = pd_col_text (stmt, 2);
	l->title = pd_col_text (stmt, 3);
	l->topics = pd_col_text (stmt, 4);
	l->policy = pd_col_text (stmt, 5);
	l->digest = pd_col_text (stmt, 6);
	l->locale = pd_col_text (stmt, 7);
	l->created_at = sqlite3_column_int64 (stmt, 8);
	return l;
}

GPtrArray *
pd_store_list_mailing_lists (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, name, address, title, topics, policy, digest, locale, created_at FROM lists "
		"WHERE digest != 'off' AND topics != '' ORDER BY id",
		error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, list_row, (GDestroyNotify) pd_list_info_free, error);
}

GPtrArray *
pd_store_list_new_articles (PdStore *store, gint64 list, gint64 since, GError **error)
{
	/* published: the first version whose status was 'published' (an old article edited
	 * after the list was made is not news to it) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, a.body, a.topics, a.locale, a.visibility, a.status, "
		"a.version, a.created, a.updated FROM kb_articles a WHERE a.status = 'published' "
		"AND NOT EXISTS (SELECT 1 FROM list_articles x WHERE x.list_id = ?1 AND "
		"x.article_id = a.id) AND (SELECT min (v.created) FROM kb_versions v WHERE "
		"v.article_id = a.id AND v.status = 'published') >= ?2 ORDER BY a.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, since);
	return pd_store_collect (store, stmt, pd_store_kb_article_from,
	                         (GDestroyNotify) pd_kb_article_free, error);
}

gboolean
pd_store_list_article_claim (PdStore *store, gint64 list, gint64 article, const char *state,
                             gint64 now, gboolean *claimed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO list_articles (list_id, article_id, state, at) VALUES (?, ?, ?, ?) "
		"ON CONFLICT DO NOTHING",
		error);

	*claimed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, article);
	pd_bind_text (stmt, 3, state);
	pd_bind_int (stmt, 4, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_list_article_mailed (PdStore *store, gint64 list, gint64 article, gint64 campaign,
                              gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE list_articles SET state = 'mailed', campaign_id = ?, mailed_at = ? "
		"WHERE list_id = ? AND article_id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, campaign);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, list);
	pd_bind_int (stmt, 4, article);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_list_article_skip (PdStore *store, gint64 list, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE list_articles SET state = 'skipped' WHERE list_id = ? AND article_id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, article);
	return pd_store_exec_stmt (store, stmt, error);
}

GArray *
pd_store_list_digest_pending (PdStore *store, gint64 list, gint64 *oldest_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT article_id, at FROM list_articles WHERE list_id = ? AND state = 'pending' "
		"ORDER BY at, article_id",
		error);
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	*oldest_r = 0;
	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, list);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		if (ids->len == 0)
			*oldest_r = sqlite3_column_int64 (stmt, 1);
		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&ids);
}

gboolean
pd_store_list_last_digest (PdStore *store, gint64 list, gint64 *at_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT max (created_at) FROM campaigns WHERE list_id = ? AND kind = 'digest'", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	return pd_store_lookup_int (store, stmt, at_r, NULL, error);
}

gboolean
pd_store_list_campaign_add (PdStore *store, gint64 list, const char *kind, const char *subject,
                            const char *body, gint64 article, gint64 now, gint64 *id_r,
                            GError **error)
{
	gboolean changed;

	/* the campaigns' one INSERT (store/campaign.h), then started at once: no human step */
	return pd_store_campaign_insert (store, list, kind, article, subject, NULL, body, 0, 0, 0, 0,
	                                 "100%", "kb", now, id_r, error) &&
	       pd_store_campaign_transition (store, *id_r, "draft", "running", NULL, now, &changed,
	                                     error);
}

gboolean
pd_list_topics_meet (const char *a, const char *const *topics)
{
	g_auto (GStrv) mine = g_strsplit (a != NULL ? a : "", ",", -1);

	for (guint i = 0; mine[i] != NULL; i++) {
		g_strstrip (mine[i]);
		if (*mine[i] != '\0' && topics != NULL && g_strv_contains (topics, mine[i]))
			return TRUE;
	}
	return FALSE;
}

gboolean
pd_store_list_deliveries_add (PdStore *store, gint64 campaign, gint64 list,
                              const char *const *topics, gint64 *total_r, GError **error)
{
	sqlite3_stmt *sel = pd_store_stmt (
		store,
		"SELECT id, address, topics FROM subscribers WHERE list_id = ? "
		"AND status IN ('active', 'bouncing') "
		"ORDER BY id",
		error);
	sqlite3_stmt *ins;
	gint64 seq = 0;
	int rc;

	*total_r = 0;
	if (sel == NULL)
		return FALSE;
	ins = pd_store_stmt (store,
	                     "INSERT INTO deliveries (campaign_id, subscriber_id, seq, domain) "
	                     "VALUES (?, ?, ?, ?)",
	                     error);
	if (ins == NULL)
		return FALSE;
	pd_bind_int (sel, 1, list);
	/* one subscriber row at a time: bounded memory whatever the list's size */
	while ((rc = pd_store_step (store, sel, error)) == SQLITE_ROW) {
		const char *addr = (const char *) sqlite3_column_text (sel, 1);
		const char *prefs = (const char *) sqlite3_column_text (sel, 2);
		const char *at = addr != NULL ? strrchr (addr, '@') : NULL;

		/* an empty preference means every topic */
		if (prefs != NULL && *prefs != '\0' && !pd_list_topics_meet (prefs, topics))
			continue;
		pd_bind_int (ins, 1, campaign);
		pd_bind_int (ins, 2, sqlite3_column_int64 (sel, 0));
		pd_bind_int (ins, 3, ++seq);
		pd_bind_text (ins, 4, at != NULL ? at + 1 : "");
		if (!pd_store_exec_stmt (store, ins, error)) {
			sqlite3_reset (sel);
			return FALSE;
		}
	}
	sqlite3_reset (sel);
	if (rc < 0)
		return FALSE;
	*total_r = seq;
	/* nobody to mail: the campaign is done as it starts */
	sel = pd_store_stmt (store,
	                     "UPDATE campaigns SET total = ?1, state = CASE WHEN ?1 = 0 THEN 'done' "
	                     "ELSE state END, finished_at = CASE WHEN ?1 = 0 THEN started_at ELSE "
	                     "finished_at END WHERE id = ?2",
	                     error);
	if (sel == NULL)
		return FALSE;
	pd_bind_int (sel, 1, seq);
	pd_bind_int (sel, 2, campaign);
	return pd_store_exec_stmt (store, sel, error);
}
