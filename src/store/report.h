/* report.h - the store's read-only queries for reports, the metrics page and follow-the-sun
 * hand-offs. Each report query returns its rows as string vectors (a NULL entry for SQL
 * NULL), so the report code computes its figures without touching SQLite. Times are Unix
 * seconds; SINCE <= t < UNTIL; QUEUE NULL means every queue. */
#ifndef PD_STORE_REPORT_H
#define PD_STORE_REPORT_H

#include "store/store.h"

/* The rows of one query: GPtrArray of char** (each as long as the query's columns; NULL
 * entries for NULL). */
typedef struct {
	guint columns;
	GPtrArray *rows; /* char**, g_strfreev is NOT safe (NULL entries): use pd_report_rows_free */
} PdReportRows;
void pd_report_rows_free (PdReportRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdReportRows, pd_report_rows_free)
/* Column C of row R as text (NULL for NULL) or as an integer (0 for NULL). */
const char *pd_report_text (const PdReportRows *rows, guint r, guint c);
gint64 pd_report_int (const PdReportRows *rows, guint r, guint c);

/* Tickets created in the window with their SLA targets, one row per ticket and target (the
 * target columns NULL when none): id, queue, priority, created_at, first_response_at,
 * done_at (resolved or closed, else NULL), target, due_at. Ordered by id, target. */
PdReportRows *pd_store_report_tickets (PdStore *store, gint64 since, gint64 until,
                                       const char *queue, GError **error);
/* What happened per time in the window: at, what, queue, where WHAT is "created" (a ticket),
 * "in" (a customer's mail on a ticket), "reply" (an agent's answer to the customer),
 * "resolved". */
PdReportRows *pd_store_report_activity (PdStore *store, gint64 since, gint64 until,
                                        const char *queue, GError **error);
/* Mail processed in the window per intake class and state: class, state, count (intake
 * rows; with QUEUE only those on that queue's tickets). */
PdReportRows *pd_store_report_intake (PdStore *store, gint64 since, gint64 until,
                                      const char *queue, GError **error);
/* Event counts in the window by kind: kind, events, tickets. */
PdReportRows *pd_store_report_events (PdStore *store, gint64 since, gint64 until,
                                      const char *queue, GError **error);
/* Outgoing mail queued in the window by kind and state: kind, state, count. */
PdReportRows *pd_store_report_outbox (PdStore *store, gint64 since, gint64 until,
                                      const char *queue, GError **error);
/* Per agent: id, address, name, active, open tickets assigned now, agent mails in the window
 * (answers, command-only mails, internal notes, mails with command errors), answers to the
 * customer among them, internal notes, commands applied (events state/assign/priority/queue/kb
 * by the agent), command-error events, error mails to the agent, confirmation mails to the
 * agent, tickets the agent resolved. Ordered by address. */
PdReportRows *pd_store_report_agents (PdStore *store, gint64 since, gint64 until,
                                      const char *queue, GError **error);
/* Open tickets no agent is assigned to (QUEUE NULL: all). */
gboolean pd_store_report_unassigned (PdStore *store, const char *queue, gint64 *count_r,
                                     GError **error);
/* Addresses whose automatic mail is suppressed at NOW (a recent hard bounce). */
gboolean pd_store_report_suppressed (PdStore *store, gint64 now, gint64 *count_r, GError **error);

/* ---- metrics (all time): each returns label(s) and a count ---- */
/* intake rows: class (NULL while pending), state, count */
PdReportRows *pd_store_metrics_intake (PdStore *store, GError **error);
/* outbox rows: state, count */
PdReportRows *pd_store_metrics_outbox (PdStore *store, GError **error);
/* tickets not resolved or closed: queue, count */
PdReportRows *pd_store_metrics_queues (PdStore *store, GError **error);
/* sla_timers: target, kind, count */
PdReportRows *pd_store_metrics_sla (PdStore *store, GError **error);
/* list subscribers: status, count; campaigns: state, count; campaign deliveries (the
 * delivery ledger): state, count */
PdReportRows *pd_store_metrics_subscribers (PdStore *store, GError **error);
PdReportRows *pd_store_metrics_campaigns (PdStore *store, GError **error);
PdReportRows *pd_store_metrics_deliveries (PdStore *store, GError **error);
/* events kind 'handoff': count */
gboolean pd_store_metrics_handoffs (PdStore *store, gint64 *count_r, GError **error);

/* ---- follow-the-sun ---- */
/* Open (not resolved/closed) tickets of QUEUE assigned to AGENT: id (GArray of gint64). */
GArray *pd_store_open_assigned (PdStore *store, gint64 agent, const char *queue, GError **error);
/* Open tickets of QUEUE whose SLA escalation fired: id, assignee (NULL when none), the
 * escalated targets ("first_response,resolution"). */
PdReportRows *pd_store_escalated_open (PdStore *store, const char *queue, GError **error);
/* Open tickets assigned to AGENT in any queue (its load). */
gboolean pd_store_agent_load (PdStore *store, gint64 agent, gint64 *count_r, GError **error);
/* Claim the hand-off of AGENT's shift ending at SHIFT_END: CLAIMED_R is TRUE only for the one
 * caller that inserted it (inside the transaction that hands the tickets over). */
gboolean pd_store_handoff_claim (PdStore *store, gint64 agent, gint64 shift_end, gint64 now,
                                 gboolean *claimed_r, GError **error);
/* Record how many tickets the claimed hand-off moved and a NOTE. */
gboolean pd_store_handoff_done (PdStore *store, gint64 agent, gint64 shift_end, gint64 tickets,
                                const char *note, GError **error);

#endif
