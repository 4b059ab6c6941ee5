/* packed.h - long text columns stored deflated (issue 10: the database held every message's
 * text a second time, next to its raw bytes). A packed value is a BLOB: "PDz1" and raw
 * deflate; short text, and every row written before, stays plain TEXT. Readers go through
 * pd_col_packed_text, so a column may hold both. */
#ifndef PD_STORE_PACKED_H
#define PD_STORE_PACKED_H

#include <sqlite3.h>

#include "store/store.h"

/* Bind TEXT (NULL binds NULL) to parameter I, deflated when that is worth it. */
void pd_bind_packed_text (sqlite3_stmt *stmt, int i, const char *text);

/* Column I as text, inflated if it was packed; NULL for NULL, and for a packed value that
 * does not inflate (a damaged row: logged). (transfer full) */
char *pd_col_packed_text (sqlite3_stmt *stmt, int i);

/* Register on DB the SQL functions pd_text(X): X inflated when packed, as text;
 * pd_pack(X): text X deflated as pd_bind_packed_text would; pd_derived_text(RAW): the text
 * of the mail RAW (pd_store_derive_text). */
int pd_packed_register (sqlite3 *db);

/* The text of the mail RAW through the function pd_store_set_text_deriver set; NULL when
 * none is set. (transfer full) */
char *pd_store_derive_text (GBytes *raw);

#endif
