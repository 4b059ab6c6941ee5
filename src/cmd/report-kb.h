/* report-kb.h - the knowledge base's usage report (src/cmd/report-kb.c): which articles are
 * requested most, how often a suggestion answered the customer, and the questions nothing
 * answered grouped by their common words. Run as `postdesk kb report`, and meant to be the
 * `kb` sub-report of `postdesk report` as well (argv[0] names the command either way). */
#ifndef PD_CMD_REPORT_KB_H
#define PD_CMD_REPORT_KB_H

#include <glib.h>

/* [--since WHEN] [--until WHEN] [--format text|csv|json]; a PdCommandFunc. */
gboolean pd_report_kb (int argc, char **argv, GError **error);

#endif
