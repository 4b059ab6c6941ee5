/* import.h - `postdesk list import`: a CSV file of subscribers, streamed line by line in
 * bounded memory (one line of at most PD_CSV_MAX_LINE bytes at a time), written in batches
 * of PD_IMPORT_BATCH rows per transaction. Bad lines are reported with their numbers and
 * skipped; an address that unsubscribed is never subscribed again by an import.
 * CSV: RFC 4180 fields (quotes, "" inside quotes), comma-separated, CRLF or LF, a UTF-8 BOM
 * allowed. A quoted field may not hold a line break (no subscriber field needs one): such a
 * line is a bad line, and reading goes on with the next one. */
#ifndef PD_LIST_IMPORT_H
#define PD_LIST_IMPORT_H

#include <stdio.h>

#include "store/lists.h"

#define PD_CSV_MAX_LINE 8192
#define PD_IMPORT_BATCH 5000

/* Split one CSV line (without its line end) into FIELDS (char *, cleared first). FALSE with
 * *WHY_R (static text) when the line is malformed. */
gboolean pd_csv_split (const char *line, GPtrArray *fields, const char **why_r);

typedef struct {
	guint64 lines;        /* lines read after the header, blank ones included */
	guint64 added;        /* new active subscribers */
	guint64 activated;    /* pending ones made active */
	guint64 already;      /* active already (or twice in the file) */
	guint64 unsubscribed; /* skipped: they left, and an import never brings them back */
	guint64 held;         /* skipped: bouncing or disabled, left as they are */
	guint64 bad;          /* malformed lines, reported */
} PdImportStats;

/* Called for each bad or skipped line: LINE number (1 = the header) and why. */
typedef void (*PdImportReport) (guint64 line, const char *why, gpointer data);

/* Import IN (named LABEL in the evidence "LABEL:LINE") into LIST. ALLOWED_TOPICS: the list's
 * topics (rows' topics outside them are dropped; "" or NULL = any). Committed batch by batch:
 * after a failure the batches before it stay, and importing the same file again only adds
 * what is missing. A file without an "address" column is PD_ERROR_DATA. */
gboolean pd_list_import (PdStore *store, gint64 list, const char *allowed_topics, FILE *in,
                         const char *label, gint64 now, PdImportReport report, gpointer data,
                         PdImportStats *stats, GError **error);

#endif
