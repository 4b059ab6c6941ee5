/* store-private.h - what the files of src/store share: the connection, the statement cache,
 * and small bind/step/column helpers that turn SQLite results into GErrors. */
#ifndef PD_STORE_PRIVATE_H
#define PD_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/busy.h"
#include "store/store.h"
#include "store/wal-vfs.h"

struct PdStore {
	sqlite3 *db;
	char *path;
	GHashTable *stmts; /* SQL text (static) -> sqlite3_stmt*, prepared once per connection */
	GHashTable *by_address; /* the same, by the text's address: no hash of the whole text */
	gint64 prepared;        /* statements compiled (pd_store_work) */
	gboolean batch;     /* inside pd_store_batch_begin: begin/commit/rollback are a savepoint */
	gboolean savepoint; /* that savepoint is open */
	gboolean relaxed;   /* pd_store_set_durable FALSE: synchronous=NORMAL */
	PdBusyWait busy;    /* busy.c: how long to wait for another writer, and since when */
};


/* The cached, reset statement for SQL (a string literal). NULL with ERROR on failure. */
sqlite3_stmt *pd_store_stmt (PdStore *store, const char *sql, GError **error);
/* Step: SQLITE_ROW or SQLITE_DONE, or -1 with ERROR (busy/full/ioerr are TEMPFAIL). */
int pd_store_step (PdStore *store, sqlite3_stmt *stmt, GError **error);
/* Run a statement that returns no rows. */
gboolean pd_store_exec_stmt (PdStore *store, sqlite3_stmt *stmt, GError **error);
void pd_store_set_error (PdStore *store, int rc, const char *what, GError **error);

void pd_bind_text (sqlite3_stmt *stmt, int i, const char *s);
void pd_bind_int (sqlite3_stmt *stmt, int i, gint64 v); /* 0 binds NULL for id columns: see pd_bind_id */
void pd_bind_id (sqlite3_stmt *stmt, int i, gint64 id); /* id <= 0 binds NULL */
void pd_bind_bytes (sqlite3_stmt *stmt, int i, GBytes *bytes);
char *pd_col_text (sqlite3_stmt *stmt, int i); /* (transfer full), NULL for NULL */
GBytes *pd_col_bytes (sqlite3_stmt *stmt, int i);



/* The first column of STMT's first row as an integer in VALUE_R (0 when there is no row);
 * FOUND_R (may be NULL) says whether there was one. */
gboolean pd_store_lookup_int (PdStore *store, sqlite3_stmt *stmt, gint64 *value_r,
                              gboolean *found_r, GError **error);

/* Step STMT to the end, turning each row into an object with ROW_FN. (transfer full) */
typedef gpointer (*PdRowFunc) (sqlite3_stmt *stmt);
GPtrArray *pd_store_collect (PdStore *store, sqlite3_stmt *stmt, PdRowFunc row_fn,
                             GDestroyNotify free_fn, GError **error);
/* The one row of STMT, or NULL with PD_ERROR_NOTFOUND "no WHAT ID". (transfer full) */
gpointer pd_store_one (PdStore *store, sqlite3_stmt *stmt, PdRowFunc row_fn, const char *what,
                       gint64 id, GError **error);
/* kb-candidates.c: one suggestion candidate from a row (kb-rank.c reads the same columns) */
gpointer pd_store_kb_candidate_row (sqlite3_stmt *stmt);

/* A kb_articles row selected as id, slug, title, body, topics, locale, visibility, status,
 * version, created, updated (store/kb.c's ARTICLE_COLS) as a PdKbArticle. (transfer full) */
gpointer pd_store_kb_article_from (sqlite3_stmt *stmt);
/* A messages row selected as ticket.c's message list does (column 14: the raw bytes to
 * derive the text from, or NULL) as a PdMessageRow. (transfer full) */
gpointer pd_store_message_from (sqlite3_stmt *stmt);

/* The raw bytes of message row M (a table name or alias) when its text is to be derived
 * from them (incoming, body not stored, the bytes still kept), else NULL. */
#define PD_MESSAGE_RAW(m) \
	"(SELECT b.raw FROM intake i JOIN bodies b ON b.id = i.body_id WHERE i.id = " m \
	".intake_id AND " m ".direction = 'in' AND " m ".body IS NULL)"
/* The text of message row M as readers see it: stored (maybe packed) or derived. Needs
 * pd_packed_register. */
#define PD_MESSAGE_TEXT(m) "coalesce (pd_text (" m ".body), pd_derived_text (" PD_MESSAGE_RAW (m) "))"
#endif
