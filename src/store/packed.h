/* packed.h - long text columns stored deflated (issue 10: the database held every message's
 * text a second time, next to its raw bytes). A packed value is a BLOB: "PDz1" and raw
 * deflate; short text, and every row written before, stays plain TEXT. Readers go through
 * pd_col_packed_text, so a column may hold both. */
#ifndef PD_STORE_PACKED_H
#define PD_STORE_PACKED_H

#include <sqlite3.h>

/* Bind TEXT (NULL binds NULL) to parameter I, deflated when that is worth it. */
void pd_bind_packed_text (sqlite3_stmt *stmt, int i, const char *text);

/* Column I as text, inflated if it was packed; NULL for NULL, and for a packed value that
 * does not inflate (a damaged row: logged). (transfer full) */
char *pd_col_packed_text (sqlite3_stmt *stmt, int i);

/* Register the SQL function pd_text(X) on DB: X inflated when packed, as text. */
int pd_packed_register (sqlite3 *db);

#endif
