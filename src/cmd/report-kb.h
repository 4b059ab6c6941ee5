/* report-kb.h - the knowledge base's usage report (src/cmd/report-kb.c): which articles are
 * requested most, how often a suggestion answered the customer, and the questions nothing
 * answered grouped by their common words. Run as `postdesk kb report`, and the `kb` sub-report
 * of `postdesk report` where the report framework is built in. */
#ifndef PD_CMD_REPORT_KB_H
#define PD_CMD_REPORT_KB_H

#include <glib.h>

/* `kb report [--since WHEN] [--until WHEN] [--format text|csv|json]`; a PdCommandFunc. */
gboolean pd_report_kb_command (int argc, char **argv, GError **error);

#if __has_include("report/report.h")
#include "report/report.h"
/* With the report framework (src/report/report.h) built in: a PdReportBuild with the same
 * figures; `{ "kb", pd_report_kb, "..." }` in src/cmd/report.c's table (which then includes
 * this header) makes it `postdesk report kb`. */
gboolean pd_report_kb (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);
#endif

#endif
