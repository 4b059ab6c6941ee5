/* chain.h - the filter chain: PdContext (what filters found), PdFilter (one judge),
 * and the ordered registry. Filters read the mail and the context and record verdicts;
 * they never write the store, send mail or free the message (actions.c acts).
 * State a filter needs comes through PdQuery, a narrow read-only interface. */
#ifndef PD_CHAIN_H
#define PD_CHAIN_H

#include <glib.h>
#include "mail/mail.h"

/* Message classes. The string table is generated from this one list. */
#define PD_CLASS_LIST(X) \
	X (HUMAN, "human") \
	X (AUTOREPLY, "autoreply") \
	X (VACATION, "vacation") \
	X (BOUNCE, "bounce") \
	X (DELAYED, "delayed") \
	X (LOOP, "loop") \
	X (LIST, "list") \
	X (FEEDBACK, "feedback")

#define PD_CLASS_ENUM(id, str) PD_CLASS_##id,
typedef enum { PD_CLASS_LIST (PD_CLASS_ENUM) PD_CLASS_COUNT } PdClass;
#undef PD_CLASS_ENUM

const char *pd_class_name (PdClass klass);
gboolean pd_class_from_name (const char *name, PdClass *klass_r);

/* Read-only questions filters may ask the store. Any member may be NULL (e.g. classify with
 * no database): the filter then behaves as if the answer were "unknown / no".
 * Each returns FALSE and sets ERROR only on a store failure (busy, I/O). */
typedef struct {
	void *self;
	/* ticket that a stored message with this Message-ID (no <>) belongs to, or 0 */
	gboolean (*ticket_by_message_id) (void *self, const char *message_id, gint64 *ticket_r,
	                                  GError **error);
	/* does ticket exist; and its queue name (transfer full, may be NULL) */
	gboolean (*ticket_queue) (void *self, gint64 ticket, char **queue_r, GError **error);
	/* is ADDR a participant (customer, cc, agent) of TICKET */
	gboolean (*is_participant) (void *self, gint64 ticket, const char *addr,
	                            gboolean *yes_r, GError **error);
	/* outbox row ID: its ticket (0 if none) and recipient; FALSE+NOTFOUND if no such row */
	gboolean (*outbox_row) (void *self, gint64 outbox_id, gint64 *ticket_r, char **rcpt_r,
	                        GError **error);
	/* the agent with address ADDR: id (0 if none), whether active, name (transfer full) */
	gboolean (*agent_by_address) (void *self, const char *addr, gint64 *agent_r,
	                              gboolean *active_r, char **name_r, GError **error);
	/* outbox row that carried Message-ID (no <>), or 0 */
	gboolean (*outbox_by_message_id) (void *self, const char *message_id, gint64 *outbox_r,
	                                  GError **error);
	/* lists (issue 12): the list whose address is LIST_ADDRESS, or 0 */
	gboolean (*list_by_address) (void *self, const char *list_address, gint64 *list_r,
	                             GError **error);
	/* routing (issue 13): the ticket of an incoming message with Message-ID (no <>) from
	 * FROM received since SINCE (the same mail, sent to another queue address too), or 0 */
	gboolean (*same_message_ticket) (void *self, const char *message_id, const char *from,
	                                 gint64 since, gint64 *ticket_r, GError **error);
} PdQuery;

/* lists (issue 12): which of a list's request addresses a mail was sent to (listreq.c) */
typedef enum {
	PD_LIST_REQ_NONE = 0,
	PD_LIST_REQ_COMMANDS,       /* NAME-request@: commands in the subject or body */
	PD_LIST_REQ_SUBSCRIBE,      /* NAME+subscribe@ */
	PD_LIST_REQ_UNSUBSCRIBE,    /* NAME+unsubscribe@ */
	PD_LIST_REQ_UNSUBSCRIBE_ID, /* NAME-request+mID-SIG@: the List-Unsubscribe mailto */
} PdListRequestKind;

/* One queue as filters see it (from the settings). */
typedef struct {
	const char *name;    /* "support" */
	const char *address; /* "support@example.com" */
	const char *tag;     /* "SUPPORT" */
	const char *const *addresses; /* routing: every address of the queue (address first);
	                                 NULL = only address */
	const char *priority; /* routing: its new tickets' priority; NULL = "normal" */
} PdQueueInfo;

/* What the chain is given and what it finds. Filters fill the "findings" part. */
typedef struct {
	/* given */
	const char *domain;          /* installation's domain, for Message-IDs and tokens */
	const PdQueueInfo *queues;   /* n_queues entries; queues[0] is the default queue */
	guint n_queues;
	const char *const *own_addresses; /* NULL-terminated: every address we send from */
	GBytes *secret;              /* HMAC key for signed tokens */
	const PdQuery *query;        /* may be NULL */
	const char *trusted_authserv; /* agents' mail must carry its dkim/spf pass; NULL = no */
	const char *envelope_from;   /* may be NULL; "" is the null sender <> */
	const char *envelope_rcpt;   /* may be NULL */
	gboolean explain;            /* collect notes on every rule that fired or nearly fired */
	const struct PdRouteSettings *routing; /* [route NAME] rules (core/settings-route.h), or NULL */
	const char *queue_override;  /* import --queue: new tickets go to this queue; NULL = route */
	gint64 received_at;          /* when intake took the mail (0 = unknown), for the burst
	                                that makes one mail to several queue addresses one ticket */
	const char *kb_address;      /* [kb] address, NULL = none (filters/kb-address.c) */
	const char *kb_queue;        /* [kb] queue for questions nothing answers, NULL = first */

	/* findings */
	PdClass klass;               /* default PD_CLASS_HUMAN */
	char *reason;                /* which rule fired, e.g. "header Auto-Submitted: auto-replied" */
	GPtrArray *notes;            /* with explain: "filter: signal ..." (char *), else NULL */
	/* bounce / delayed / feedback */
	char *bounce_recipient;      /* failed recipient, lower case */
	gboolean bounce_hard;        /* TRUE = permanent (5.x.x) */
	char *bounce_status;         /* "5.1.1" */
	char *bounce_diagnostic;     /* Diagnostic-Code or the MTA's text, may be NULL */
	gint64 bounce_outbox_id;     /* correlated outbox row, 0 if unknown */
	char *bounce_correlated_by;  /* "verp", "message-id", "final-recipient" */
	gint64 bounce_delivery_id;   /* campaign mail's VERP token 'd' (deliveries.id), 0 if none */
	gboolean dsn_success;        /* a DSN whose Action is delivered/relayed/expanded (class
	                                autoreply): no bounce, and no vacation either */
	/* sender */
	gint64 agent_id;             /* a verified agent's reply (From an active agent, sent to the
	                                signed agent address of ticket_id); 0 = customer mail */
	char *agent_address;
	char *agent_name;
	char *spoof_note;            /* why a mail that claims to be an agent's is not trusted */
	/* thread / route */
	gint64 ticket_id;            /* 0 = new ticket */
	const char *threaded_by;     /* "agent", "token", "in-reply-to", "references", "subject-tag",
	                                "new", "same-message" (routing: the same mail opened it) */
	const PdQueueInfo *queue;    /* which queue */
	char *priority;              /* "low" "normal" "high" "urgent" */
	/* kb address */
	gboolean kb_question;        /* a new question sent to the kb address: answered with
	                                articles, else a ticket in ctx->queue (the [kb] queue) */

	/* lists (issue 12): mail to a list's request address (never a ticket) */
	gint64 list_id;              /* the list; 0 = not a request address */
	int list_request;            /* PdListRequestKind */
	gint64 list_subscriber;      /* PD_LIST_REQ_UNSUBSCRIBE_ID: the signed subscriber id */

	GError *error;               /* set with PD_FAIL */

	/* issue 10: the challenge-response verdict, asked by the bounce and the autoreply
	 * filters, judged once per mail (pd_challenge_response_once) */
	gboolean challenge_known;
	const char *challenge;       /* (static) the rule, or NULL */
} PdContext;

typedef enum {
	PD_CONTINUE, /* go on with the next filter */
	PD_STOP,     /* the verdict is final; skip the rest of the chain */
	PD_FAIL,     /* store trouble; ctx->error set; the mail is retried later */
} PdVerdict;

typedef struct {
	const char *name;
	PdVerdict (*run) (PdContext *ctx, const PdMail *mail);
} PdFilter;

/* Set the class and reason (printf-style reason) in one go; replaces an earlier reason. */
void pd_context_set_class (PdContext *ctx, PdClass klass, const char *reason_fmt, ...)
	G_GNUC_PRINTF (3, 4);

/* With ctx->explain, add a note (printf-style) on a rule that fired or nearly fired. */
void pd_context_note (PdContext *ctx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

void pd_context_init (PdContext *ctx);
void pd_context_clear (PdContext *ctx);
/* Forget the findings of an earlier run, keep what was given (to judge again). */
void pd_context_reset (PdContext *ctx);

/* Run the registry in order. Returns FALSE with ERROR when a filter failed (PD_FAIL). */
gboolean pd_chain_run (PdContext *ctx, const PdMail *mail, GError **error);

/* The registry, in order, NULL-terminated (for tests and --help). */
extern const PdFilter *const pd_filters[];

/* The filters. One file each in filters/. */
extern const PdFilter pd_filter_loop;
extern const PdFilter pd_filter_bounce;
extern const PdFilter pd_filter_autoreply;
extern const PdFilter pd_filter_sender;
extern const PdFilter pd_filter_thread;
extern const PdFilter pd_filter_route;
extern const PdFilter pd_filter_listreq; /* lists (issue 12) */
extern const PdFilter pd_filter_kb_address;

#endif
