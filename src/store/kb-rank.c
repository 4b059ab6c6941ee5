/* kb-rank.c - the suggester's candidate query, ranked by FTS5's own bm25 () computed the same
 * way (the same formula, operations and order: the same doubles, so the same 20 candidates
 * and the same order among equal ranks), with what does not change between mails kept per
 * knowledge-base generation instead of read again for every mail:
 * - each phrase's document count (bm25's IDF), which bm25 () gets by running the phrase
 *   through the whole index once more per query (a prefix phrase: every matching term's
 *   list merged again);
 * - in a warm process (serve, `kb suggest` of many mails), every article's size in tokens,
 *   which bm25 () reads per matching row with one docsize query (a page read at 100,000
 *   articles). A fresh process (`deliver`) never loads it: it costs about 10 ms at 100,000.
 * The state is per connection (registered with the function) and forgotten when the
 * connection closes. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "store/kb-rank.h"
#include "store/kb.h"
#include "store/store-private.h"

typedef struct {
	char *generation;  /* what the rest holds for */
	GHashTable *hits;  /* phrase key -> gint64* documents holding the phrase */
	gint32 *sizes;     /* rowid -> tokens in the row, -1 none; NULL: not loaded */
	gint64 n_sizes;
	const char *const *keys; /* the current query's phrase keys (during a query only) */
} RankState;

/* per statement, like bm25 ()'s Fts5Bm25Data */
typedef struct {
	int n_phrase;
	double avgdl;
	double *idf;
	double *freq;
} RankData;

static void
rank_state_free (gpointer p)
{
	RankState *s = p;

	g_free (s->generation);
	g_hash_table_unref (s->hits);
	g_free (s->sizes);
	g_free (s);
}

static int
count_cb (const Fts5ExtensionApi *api, Fts5Context *fts, void *user)
{
	(void) api;
	(void) fts;
	(*(gint64 *) user)++;
	return SQLITE_OK;
}

static void
rank_data_free (gpointer p)
{
	RankData *d = p;

	g_free (d->idf);
	g_free (d->freq);
	g_free (d);
}

static int
rank_data (const Fts5ExtensionApi *api, Fts5Context *fts, RankState *st, RankData **data_r)
{
	RankData *p = api->xGetAuxdata (fts, 0);
	sqlite3_int64 n_row = 0, n_token = 0;
	int rc = SQLITE_OK, i, n_keys = 0;

	if (p != NULL) {
		*data_r = p;
		return SQLITE_OK;
	}
	p = g_malloc0 (sizeof *p);
	p->n_phrase = api->xPhraseCount (fts);
	p->idf = g_new0 (double, p->n_phrase);
	p->freq = g_new0 (double, p->n_phrase);
	while (st->keys != NULL && st->keys[n_keys] != NULL)
		n_keys++;
	rc = api->xRowCount (fts, &n_row);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize (fts, -1, &n_token);
	if (rc == SQLITE_OK)
		p->avgdl = (double) n_token / (double) n_row;
	for (i = 0; rc == SQLITE_OK && i < p->n_phrase; i++) {
		const char *key = n_keys == p->n_phrase ? st->keys[i] : NULL;
		gint64 *cached = key != NULL ? g_hash_table_lookup (st->hits, key) : NULL;
		sqlite3_int64 n_hit = 0;

		if (cached != NULL) {
			n_hit = *cached;
		} else {
			gint64 counted = 0;

			rc = api->xQueryPhrase (fts, i, &counted, count_cb);
			n_hit = counted;
			if (rc == SQLITE_OK && key != NULL)
				g_hash_table_insert (st->hits, g_strdup (key), g_memdup2 (&counted, sizeof counted));
		}
		if (rc == SQLITE_OK) {
			/* bm25 ()'s IDF, with its floor */
			double idf = log ((n_row - n_hit + 0.5) / (n_hit + 0.5));

			if (idf <= 0.0)
				idf = 1e-6;
			p->idf[i] = idf;
		}
	}
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata (fts, p, rank_data_free);
	if (rc != SQLITE_OK) {
		g_free (p->idf);
		g_free (p->freq);
		g_free (p);
		return rc;
	}
	*data_r = p;
	return SQLITE_OK;
}

/* pd_kb_rank (kb_fts, weights...): bm25 (kb_fts, weights...), operation for operation */
static void
rank_fn (const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_val,
         sqlite3_value **vals)
{
	const double k1 = 1.2, b = 0.75;
	RankState *st = api->xUserData (fts);
	RankData *p = NULL;
	double score = 0.0, D = 0.0;
	int rc, i, n_inst = 0;

	rc = rank_data (api, fts, st, &p);
	if (rc == SQLITE_OK) {
		memset (p->freq, 0, sizeof (double) * p->n_phrase);
		rc = api->xInstCount (fts, &n_inst);
	}
	for (i = 0; rc == SQLITE_OK && i < n_inst; i++) {
		int ip, ic, io;

		rc = api->xInst (fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK) {
			double w = n_val > ic ? sqlite3_value_double (vals[ic]) : 1.0;
			p->freq[ip] += w;
		}
	}
	if (rc == SQLITE_OK) {
		sqlite3_int64 row = api->xRowid (fts);
		int n_tok = -1;

		if (st->sizes != NULL && row >= 0 && row < st->n_sizes)
			n_tok = st->sizes[row];
		if (n_tok < 0)
			rc = api->xColumnSize (fts, -1, &n_tok);
		D = (double) n_tok;
	}
	for (i = 0; rc == SQLITE_OK && i < p->n_phrase; i++)
		score += p->idf[i] * ((p->freq[i] * (k1 + 1.0)) /
		                      (p->freq[i] + k1 * (1 - b + b * D / p->avgdl)));
	if (rc == SQLITE_OK)
		sqlite3_result_double (ctx, -1.0 * score);
	else
		sqlite3_result_error_code (ctx, rc);
}

/* the tokens of each row (kb_fts_docsize: one varint per column, unindexed ones 0) */
static gboolean
sizes_load (PdStore *store, RankState *st, GError **error)
{
	sqlite3_stmt *max = pd_store_stmt (store, "SELECT coalesce (max (id), -1) FROM kb_fts_docsize", error);
	sqlite3_stmt *rows;
	gint64 top;
	int rc;

	if (max == NULL || !pd_store_lookup_int (store, max, &top, NULL, error))
		return FALSE;
	if (top < 0 || top > G_MAXINT32)
		return TRUE; /* empty, or ids too far apart for an array: bm25's own reads */
	rows = pd_store_stmt (store, "SELECT id, sz FROM kb_fts_docsize", error);
	if (rows == NULL)
		return FALSE;
	st->n_sizes = top + 1;
	st->sizes = g_new (gint32, st->n_sizes);
	memset (st->sizes, 0xff, sizeof (gint32) * st->n_sizes);
	while ((rc = pd_store_step (store, rows, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (rows, 0);
		const guchar *sz = sqlite3_column_blob (rows, 1);
		int n = sqlite3_column_bytes (rows, 1), i = 0;
		gint64 total = 0;

		while (i < n) { /* SQLite varints (at most 32 bits here) */
			guint32 v = 0;
			int k;

			for (k = 0; i < n && k < 5; k++) {
				guchar c = sz[i++];

				v = (v << 7) | (c & 0x7f);
				if (!(c & 0x80))
					break;
			}
			total += v;
		}
		if (id >= 0 && id < st->n_sizes && total <= G_MAXINT32)
			st->sizes[id] = (gint32) total;
	}
	sqlite3_reset (rows);
	if (rc != SQLITE_DONE) {
		g_clear_pointer (&st->sizes, g_free);
		return FALSE;
	}
	return TRUE;
}

static GMutex states_lock;
static GHashTable *states; /* sqlite3* -> RankState* */

static void
state_forget (gpointer p)
{
	RankState *st = p;
	GHashTableIter it;
	gpointer k, v;

	g_mutex_lock (&states_lock);
	g_hash_table_iter_init (&it, states);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (v == st) {
			g_hash_table_iter_remove (&it);
			break;
		}
	g_mutex_unlock (&states_lock);
	rank_state_free (st);
}

/* STORE's state, the function registered on its connection on the first call */
static RankState *
state_for (PdStore *store, GError **error)
{
	RankState *st;
	fts5_api *api = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc;

	g_mutex_lock (&states_lock);
	if (states == NULL)
		states = g_hash_table_new (g_direct_hash, g_direct_equal);
	st = g_hash_table_lookup (states, store->db);
	g_mutex_unlock (&states_lock);
	if (st != NULL)
		return st;
	rc = sqlite3_prepare_v2 (store->db, "SELECT fts5 (?1)", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
		sqlite3_step (stmt);
	}
	sqlite3_finalize (stmt);
	if (api == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "FTS5's API is not available");
		return NULL;
	}
	st = g_new0 (RankState, 1);
	st->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_mutex_lock (&states_lock);
	g_hash_table_insert (states, store->db, st);
	g_mutex_unlock (&states_lock);
	rc = api->xCreateFunction (api, "pd_kb_rank", st, rank_fn, state_forget);
	if (rc != SQLITE_OK) {
		state_forget (st);
		pd_store_set_error (store, rc, "fts5 function", error);
		return NULL;
	}
	return st;
}

static gpointer
candidate_from (sqlite3_stmt *stmt)
{
	PdKbCandidate *c = g_new0 (PdKbCandidate, 1);

	c->id = sqlite3_column_int64 (stmt, 0);
	c->slug = pd_col_text (stmt, 1);
	c->title = pd_col_text (stmt, 2);
	c->head_stems = pd_col_text (stmt, 3);
	c->body_stems = pd_col_text (stmt, 4);
	c->topics = pd_col_text (stmt, 5);
	c->body = pd_col_text (stmt, 6);
	return c;
}

GPtrArray *
pd_store_kb_candidates_ranked (PdStore *store, const char *generation, gboolean warm,
                               const char *match_expr, const char *const *keys, int limit,
                               int stemmer, GError **error)
{
	/* pd_store_kb_candidates' query, with pd_kb_rank for bm25 */
	sqlite3_stmt *stmt;
	RankState *st = state_for (store, error);
	GPtrArray *rows;

	if (st == NULL)
		return NULL;
	if (g_strcmp0 (st->generation, generation) != 0) {
		g_hash_table_remove_all (st->hits);
		g_clear_pointer (&st->sizes, g_free);
		g_free (st->generation);
		st->generation = g_strdup (generation);
	}
	if (warm && st->sizes == NULL && !sizes_load (store, st, error))
		return NULL;
	stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, s.head, s.body,"
		" CASE WHEN s.head IS NULL THEN a.topics END, CASE WHEN s.head IS NULL THEN a.body END"
		" FROM kb_articles a LEFT JOIN kb_stems s"
		"  ON s.article_id = a.id AND s.version = a.version AND s.stemmer = ?3"
		" WHERE a.id IN"
		" (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1"
		"  ORDER BY pd_kb_rank (kb_fts, 10.0, 1.0, 4.0, 2.0) LIMIT ?2)"
		" AND a.status = 'published' AND a.visibility != 'internal'",
		error);
	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, match_expr);
	sqlite3_bind_int (stmt, 2, limit);
	sqlite3_bind_int (stmt, 3, stemmer);
	st->keys = keys;
	rows = pd_store_collect (store, stmt, candidate_from, (GDestroyNotify) pd_kb_candidate_free,
	                         error);
	st->keys = NULL;
	return rows;
}
