/* report-kb.h - the knowledge base's usage report (src/cmd/report-kb.c): which articles are
 * requested most, how often a suggestion answered the customer, and the questions nothing
 * answered grouped by their common words. Run as `postdesk report kb` (every
 * format, --mail) and as `postdesk kb report`. */
#ifndef PD_CMD_REPORT_KB_H
#define PD_CMD_REPORT_KB_H

#include <glib.h>

/* `kb report [--since WHEN] [--until WHEN] [--format text|csv|json]`; a PdCommandFunc. */
gboolean pd_report_kb_command (int argc, char **argv, GError **error);

#include "report/report.h"
/* The same figures as a PdReportBuild: `postdesk report kb` (src/cmd/report.c's table). */
gboolean pd_report_kb (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);

#endif
