/* kb-rank.c - the suggester's candidates (pd_store_kb_candidates: the 20 rows FTS5's bm25 ()
 * ranks first for an OR of prefix phrases) from one scan of the index instead of two. bm25 ()
 * counts each phrase's documents by running the phrase through the index once more per query
 * (a prefix phrase: every matching term's list merged again), and reads each matching row's
 * size with one docsize query. Here one pass (pd_kb_collect) keeps what bm25 () reads of
 * each row; a phrase's documents are the rows in which it has an instance (every row it
 * matches is in the OR's scan; an AND's phrases are counted apart, once per generation); bm25 () is computed with the same formula, operations and
 * order (the same doubles), and the rows sorted as SQLite's sorter for ORDER BY ... LIMIT
 * keeps them (equal ranks: the row scanned first). PD_KB_RANK_CHECK=1 compares every result
 * with FTS5's own (tests/e2e/544). In a warm process (serve, `kb suggest` of many mails) every
 * article's size is read once per generation (about 10 ms at 100,000 articles) instead of
 * one query per matching row; a fresh `deliver` never does. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "store/kb-rank.h"
#include "store/kb.h"
#include "store/store-private.h"

typedef struct {
	char *generation;  /* what the rest holds for */
	GHashTable *hits;  /* an AND's phrase -> gint64* rows it matches alone */
	gint32 *sizes;     /* rowid -> tokens in the row, -1 none; NULL: not loaded */
	gint64 n_sizes;
	/* the one-scan ranking (candidates_scan ()): each matching row's size and phrase
	 * frequencies, in the order FTS5 returns them */
	gboolean collecting;
	int n_phrase;
	sqlite3_int64 n_row, n_token;
	GArray *rowids;  /* sqlite3_int64 */
	GArray *sizes_d; /* double D per row */
	GArray *freqs;   /* double, n_phrase per row */
} RankState;

static void
rank_state_free (gpointer p)
{
	RankState *s = p;

	g_free (s->generation);
	g_free (s->sizes);
	g_hash_table_unref (s->hits);
	g_array_unref (s->rowids);
	g_array_unref (s->sizes_d);
	g_array_unref (s->freqs);
	g_free (s);
}

/* the tokens in the current row, as bm25 () reads them (xColumnSize (-1)) */
static int
row_size (const Fts5ExtensionApi *api, Fts5Context *fts, RankState *st, double *d_r)
{
	sqlite3_int64 row = api->xRowid (fts);
	int n_tok = -1, rc = SQLITE_OK;

	if (st->sizes != NULL && row >= 0 && row < st->n_sizes)
		n_tok = st->sizes[row];
	if (n_tok < 0)
		rc = api->xColumnSize (fts, -1, &n_tok);
	*d_r = (double) n_tok;
	return rc;
}

/* pd_kb_collect (kb_fts, weights...): what bm25 () reads of the row, kept for
 * candidates_scan (); returns nothing */
static void
collect_fn (const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_val,
            sqlite3_value **vals)
{
	RankState *st = api->xUserData (fts);
	sqlite3_int64 row = api->xRowid (fts);
	double *freq, D = 0.0;
	int rc = SQLITE_OK, i, n_inst = 0;

	if (!st->collecting) {
		sqlite3_result_error (ctx, "pd_kb_collect outside the suggester's scan", -1);
		return;
	}
	if (st->rowids->len == 0) {
		st->n_phrase = api->xPhraseCount (fts);
		rc = api->xRowCount (fts, &st->n_row);
		if (rc == SQLITE_OK)
			rc = api->xColumnTotalSize (fts, -1, &st->n_token);
	} else if (api->xPhraseCount (fts) != st->n_phrase) {
		rc = SQLITE_ERROR;
	}
	if (rc == SQLITE_OK) {
		g_array_set_size (st->freqs, st->freqs->len + st->n_phrase);
		freq = &g_array_index (st->freqs, double, st->freqs->len - st->n_phrase);
		memset (freq, 0, sizeof (double) * st->n_phrase);
		rc = api->xInstCount (fts, &n_inst);
		for (i = 0; rc == SQLITE_OK && i < n_inst; i++) {
			int ip, ic, io;

			rc = api->xInst (fts, i, &ip, &ic, &io);
			if (rc == SQLITE_OK && ip >= 0 && ip < st->n_phrase) {
				double w = n_val > ic ? sqlite3_value_double (vals[ic]) : 1.0;
				freq[ip] += w;
			}
		}
	}
	if (rc == SQLITE_OK)
		rc = row_size (api, fts, st, &D);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code (ctx, rc);
		return;
	}
	g_array_append_val (st->rowids, row);
	g_array_append_val (st->sizes_d, D);
	sqlite3_result_null (ctx);
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
	st->rowids = g_array_new (FALSE, FALSE, sizeof (sqlite3_int64));
	st->sizes_d = g_array_new (FALSE, FALSE, sizeof (double));
	st->freqs = g_array_new (FALSE, FALSE, sizeof (double));
	g_mutex_lock (&states_lock);
	g_hash_table_insert (states, store->db, st);
	g_mutex_unlock (&states_lock);
	rc = api->xCreateFunction (api, "pd_kb_collect", st, collect_fn, state_forget);
	if (rc != SQLITE_OK) {
		state_forget (st);
		pd_store_set_error (store, rc, "fts5 function", error);
		return NULL;
	}
	return st;
}

typedef struct {
	double key;   /* what ORDER BY bm25 () sorts on: -score */
	guint seq;    /* the row's place in FTS5's scan: SQLite's sorter keeps the earlier of equals */
	sqlite3_int64 rowid;
} Ranked;

static int
by_rank (const void *a, const void *b)
{
	const Ranked *x = a, *y = b;

	if (x->key < y->key)
		return -1;
	if (x->key > y->key)
		return 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* the rows the phrase PHRASE matches on its own (what bm25 () counts with a second pass over the
 * phrase), remembered for the generation: an AND's phrases are common words, met again */
static gboolean
phrase_rows (PdStore *store, RankState *st, const char *phrase, sqlite3_int64 *n_r, GError **error)
{
	gint64 *cached = g_hash_table_lookup (st->hits, phrase);
	sqlite3_stmt *stmt;
	gint64 n;

	if (cached != NULL) {
		*n_r = *cached;
		return TRUE;
	}
	stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?1", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, phrase);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	g_hash_table_insert (st->hits, g_strdup (phrase), g_memdup2 (&n, sizeof n));
	*n_r = n;
	return TRUE;
}

/* The ids of the LIMIT best rows for MATCH_EXPR, an OR of phrases each of which holds every
 * row it matches in the scan: one scan (pd_kb_collect) gives each row's frequencies and size
 * and each phrase's document count (the rows in which it has an instance), then bm25 () is
 * computed here as FTS5 computes it, and the rows sorted as SQLite's sorter for ORDER BY ...
 * LIMIT keeps them (equal ranks: the earlier row). As JSON, for json_each. For an AND
 * (PHRASES: each phrase's MATCH text, in order) a phrase's documents are counted apart. */
static char *
scan_ranked (PdStore *store, RankState *st, const char *match_expr, const char *const *phrases,
             int limit, GError **error)
{
	const double k1 = 1.2, b = 0.75;
	sqlite3_stmt *scan = pd_store_stmt (
		store, "SELECT pd_kb_collect (kb_fts, 10.0, 1.0, 4.0, 2.0) FROM kb_fts WHERE kb_fts MATCH ?1",
		error);
	g_autofree double *idf = NULL;
	g_autofree Ranked *ranked = NULL;
	GString *json;
	guint n, r;
	int rc, i;

	if (scan == NULL)
		return NULL;
	g_array_set_size (st->rowids, 0);
	g_array_set_size (st->sizes_d, 0);
	g_array_set_size (st->freqs, 0);
	pd_bind_text (scan, 1, match_expr);
	st->collecting = TRUE;
	while ((rc = pd_store_step (store, scan, error)) == SQLITE_ROW)
		;
	sqlite3_reset (scan);
	st->collecting = FALSE;
	if (rc != SQLITE_DONE)
		return NULL;
	n = st->rowids->len;
	if (n == 0)
		return g_strdup ("[]");
	idf = g_new (double, st->n_phrase);
	if (phrases != NULL && g_strv_length ((char **) phrases) != (guint) st->n_phrase) {
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "%d phrases in %s", st->n_phrase, match_expr);
		return NULL;
	}
	for (i = 0; i < st->n_phrase; i++) {
		sqlite3_int64 n_hit = 0;

		if (phrases == NULL) {
			for (r = 0; r < n; r++)
				n_hit += g_array_index (st->freqs, double, (gsize) r * st->n_phrase + i) != 0.0;
		} else if (!phrase_rows (store, st, phrases[i], &n_hit, error)) {
			return NULL;
		}
		idf[i] = log ((st->n_row - n_hit + 0.5) / (n_hit + 0.5));
		if (idf[i] <= 0.0)
			idf[i] = 1e-6;
	}
	{
		double avgdl = (double) st->n_token / (double) st->n_row;

		ranked = g_new (Ranked, n);
		for (r = 0; r < n; r++) {
			const double *freq = &g_array_index (st->freqs, double, (gsize) r * st->n_phrase);
			double D = g_array_index (st->sizes_d, double, r), score = 0.0;

			for (i = 0; i < st->n_phrase; i++)
				score += idf[i] * ((freq[i] * (k1 + 1.0)) /
				                   (freq[i] + k1 * (1 - b + b * D / avgdl)));
			ranked[r].key = -1.0 * score;
			ranked[r].seq = r;
			ranked[r].rowid = g_array_index (st->rowids, sqlite3_int64, r);
		}
	}
	qsort (ranked, n, sizeof *ranked, by_rank);
	json = g_string_new ("[");
	for (r = 0; r < n && (limit < 0 || r < (guint) limit); r++)
		g_string_append_printf (json, "%s%" G_GINT64_FORMAT, r ? "," : "", (gint64) ranked[r].rowid);
	g_string_append_c (json, ']');
	return g_string_free (json, FALSE);
}

static gint
by_id (gconstpointer a, gconstpointer b)
{
	gint64 x = (*(PdKbCandidate *const *) a)->id, y = (*(PdKbCandidate *const *) b)->id;

	return x < y ? -1 : x > y;
}

/* PD_KB_RANK_CHECK (tests/e2e/544): ROWS are the rows FTS5's own bm25 () ranks first */
static gboolean
same_as_bm25 (PdStore *store, GPtrArray *rows, const char *match_expr, int limit, int stemmer,
              GError **error)
{
	g_autoptr (GPtrArray) want = pd_store_kb_candidates (store, match_expr, limit, stemmer, error);
	guint i;

	if (want == NULL)
		return FALSE;
	g_ptr_array_sort (want, by_id);
	g_ptr_array_sort (rows, by_id);
	for (i = 0; i < want->len && i < rows->len; i++)
		if (((PdKbCandidate *) want->pdata[i])->id != ((PdKbCandidate *) rows->pdata[i])->id)
			break;
	if (i == want->len && i == rows->len)
		return TRUE;
	g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL,
	             "PD_KB_RANK_CHECK: other candidates than bm25 () for %s", match_expr);
	return FALSE;
}

GPtrArray *
pd_store_kb_candidates_ranked (PdStore *store, const char *generation, gboolean warm,
                               const char *match_expr, const char *const *phrases, int limit,
                               int stemmer, GError **error)
{
	RankState *st = state_for (store, error);
	g_autofree char *ids = NULL;
	sqlite3_stmt *stmt;
	GPtrArray *rows;

	if (st == NULL)
		return NULL;
	if (g_strcmp0 (st->generation, generation) != 0) {
		g_clear_pointer (&st->sizes, g_free);
		g_hash_table_remove_all (st->hits);
		g_free (st->generation);
		st->generation = g_strdup (generation);
	}
	if (warm && st->sizes == NULL && !sizes_load (store, st, error))
		return NULL;
	ids = scan_ranked (store, st, match_expr, phrases, limit, error);
	if (ids == NULL)
		return NULL;
	/* pd_store_kb_candidates' rows, for the ids ranked first */
	stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, s.head, s.body,"
		" CASE WHEN s.head IS NULL THEN a.topics END, CASE WHEN s.head IS NULL THEN a.body END,"
		" CASE WHEN s.head IS NULL THEN a.keywords END"
		" FROM kb_articles a LEFT JOIN kb_stems s"
		"  ON s.article_id = a.id AND s.version = a.version AND s.stemmer = ?2"
		" WHERE a.id IN (SELECT value FROM json_each (?1))"
		" AND a.status = 'published' AND a.visibility != 'internal'",
		error);
	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, ids);
	sqlite3_bind_int (stmt, 2, stemmer);
	rows = pd_store_collect (store, stmt, pd_store_kb_candidate_row,
	                         (GDestroyNotify) pd_kb_candidate_free, error);
	if (rows != NULL && g_getenv ("PD_KB_RANK_CHECK") != NULL &&
	    !same_as_bm25 (store, rows, match_expr, limit, stemmer, error))
		g_clear_pointer (&rows, g_ptr_array_unref);
	return rows;
}
