/* report.h - reports as data: a PdReport is a title, a window and sections, each a table of
 * typed columns (and optionally a bar chart drawn from some of its columns). Each report
 * (sla, volume, agents, bounces, usage; `kb` from the knowledge base) only fills a PdReport;
 * render.c turns any PdReport into text, CSV, JSON or one self-contained HTML page with
 * inline SVG charts, so every format shows the same numbers and a new report is one build
 * function and one line in src/cmd/report.c's table. */
#ifndef PD_REPORT_H
#define PD_REPORT_H

#include <glib.h>

#include "app/app.h"

typedef enum {
	PD_REPORT_TEXT,     /* a label */
	PD_REPORT_INT,      /* a count */
	PD_REPORT_PERCENT,  /* "66.7": one decimal; null where nothing was counted */
	PD_REPORT_DURATION, /* seconds; text and HTML show "2h 05m" */
} PdReportType;

typedef struct {
	char *key;   /* JSON member and CSV header: "first_response_median" */
	char *label; /* for people: "First response, median" */
	PdReportType type;
} PdReportColumn;

typedef struct {
	char *id;    /* JSON member: "attainment" */
	char *title; /* "SLA attainment per queue and priority" */
	char *note;  /* a sentence under the title, or NULL */
	GPtrArray *columns; /* PdReportColumn* */
	GPtrArray *rows;    /* char** (one string per column; NULL = null) */
	int chart_label;    /* column naming each bar group; -1 = no chart */
	GArray *chart_values; /* int: the numeric columns drawn as bars */
} PdReportSection;

typedef struct {
	char *name;  /* "sla" */
	char *title; /* "Service levels" */
	gint64 since, until, generated;
	char *queue; /* NULL: every queue */
	GPtrArray *sections; /* PdReportSection* */
} PdReport;

/* What a report is asked for: the window [SINCE, UNTIL) in Unix seconds, a queue or NULL,
 * and the clock (POSTDESK_NOW in tests). */
typedef struct {
	gint64 since;
	gint64 until;
	gint64 now;
	const char *queue;
} PdReportQuery;

/* A report's build function: fill REPORT (title and sections) from APP's store. */
typedef gboolean (*PdReportBuild) (PdApp *app, const PdReportQuery *q, PdReport *report,
                                   GError **error);

gboolean pd_report_sla (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);
gboolean pd_report_volume (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);
gboolean pd_report_agents (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);
gboolean pd_report_bounces (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);
gboolean pd_report_usage (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error);

/* (transfer full) */
PdReport *pd_report_new (const char *name, const PdReportQuery *q);
void pd_report_free (PdReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdReport, pd_report_free)
void pd_report_set_title (PdReport *report, const char *title);

/* A new section at the end of REPORT. (transfer none) */
PdReportSection *pd_report_section (PdReport *report, const char *id, const char *title,
                                    const char *note);
/* Columns are declared before the first row. Returns the column's index. */
guint pd_report_column (PdReportSection *s, const char *key, const char *label, PdReportType type);
/* A new row of nulls; fill it with the setters. (transfer none) */
char **pd_report_row (PdReportSection *s);
void pd_report_set_text (PdReportSection *s, char **row, guint col, const char *text);
void pd_report_set_int (PdReportSection *s, char **row, guint col, gint64 value);
/* PART of WHOLE as a percentage with one decimal, null when WHOLE is 0. */
void pd_report_set_percent (PdReportSection *s, char **row, guint col, gint64 part, gint64 whole);
/* Draw the section as bars: one group per row named by LABEL_COL, one bar per column in
 * VALUES (-1 terminated). */
void pd_report_chart (PdReportSection *s, int label_col, ...);

/* ---- pure helpers (unit-tested) ---- */
/* The nearest-rank PCT percentile of the N values in SORTED (ascending): the smallest value
 * with at least PCT% of the values at or below it. 0 when N is 0. */
gint64 pd_report_percentile (const gint64 *sorted, guint n, guint pct);
/* "66.7": PART of WHOLE in per cent, rounded half up to one decimal. (transfer full) */
char *pd_report_percent_text (gint64 part, gint64 whole);
/* "3d 4h", "2h 05m", "12m 30s", "45s". (transfer full) */
char *pd_report_duration_text (gint64 seconds);
/* "2026-11-30" for T in ZONE (NULL = UTC). (transfer full) */
char *pd_report_day (gint64 t, GTimeZone *zone);
/* The start of the local day after T's, in ZONE (NULL = UTC). */
gint64 pd_report_next_day (gint64 t, GTimeZone *zone);

/* ---- days in the queues' zones (sla2) ---- */
/* The zone QUEUE's days are counted in: its calendar's; NULL (UTC) for a queue without a
 * calendar or not configured. (transfer none) */
GTimeZone *pd_report_queue_zone (const PdSettings *s, const char *queue);
/* That zone's name: "Europe/Berlin", "UTC". */
const char *pd_report_queue_zone_name (const PdSettings *s, const char *queue);
/* The queues a report covers (Q's queue, else every configured queue), in config order.
 * (transfer container) */
GPtrArray *pd_report_queues (const PdSettings *s, const PdReportQuery *q);
/* A section "time_zones" (queue, time_zone) saying which zone each covered queue's days are
 * in, so every format states it. */
void pd_report_zones (PdReport *report, const PdSettings *s, const PdReportQuery *q);

/* ---- rendering (render.c) ---- */
typedef enum { PD_REPORT_FORMAT_TEXT, PD_REPORT_FORMAT_CSV, PD_REPORT_FORMAT_JSON,
	       PD_REPORT_FORMAT_HTML } PdReportFormat;
gboolean pd_report_format_from_name (const char *name, PdReportFormat *format_r);
/* REPORT in FORMAT. (transfer full) */
char *pd_report_render (const PdReport *report, PdReportFormat format);

/* ---- by mail (mail.c) ---- */
/* Queue REPORT to RCPT through the outbox (kind "report"): the HTML page with the text form
 * as its text/plain alternative, from the first queue's address. OUTBOX_R gets the row. */
gboolean pd_report_mail (PdApp *app, const PdReport *report, const char *rcpt, gint64 now,
                         gint64 *outbox_r, GError **error);

#endif
