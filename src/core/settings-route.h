/* settings-route.h - queues and routing (issue 13): the extra keys of [queue NAME]
 * (addresses, priority) and the [route NAME] rules that choose a new ticket's queue and
 * priority, first match in file order. Loaded by settings.c into PdSettings.routing. */
#ifndef PD_SETTINGS_ROUTE_H
#define PD_SETTINGS_ROUTE_H

#include <glib.h>

#include "core/settings.h"

/* What routing knows of one [queue NAME]. */
typedef struct {
	char *queue;      /* NAME */
	char **addresses; /* every address mail for it comes to, lower case; [0] is `address` */
	char *priority;   /* priority = ...: of its new tickets when no rule says; "normal" */
} PdQueueRouting;

/* One [route NAME]: every condition that is given must hold (a list holds when any of its
 * entries does); a rule with no condition matches everything. */
typedef struct {
	char *name;
	char **recipients;     /* recipient = a@x, @domain: envelope recipient, To or Cc */
	char **sender_domains; /* sender_domain = example.com: the From domain or a subdomain */
	char **subject_words;  /* subject = word, two words: whole words, any case */
	char **body_words;     /* body = ...: the same in the text body */
	char *queue;           /* queue = NAME; NULL keeps the queue found by address */
	char *priority;        /* priority = low|normal|high|urgent; NULL: the queue's */
} PdRouteRule;

typedef struct PdRouteSettings {
	GPtrArray *queues; /* PdQueueRouting*, in the order of PdSettings.queues */
	GPtrArray *rules;  /* PdRouteRule*, in file order */
	/* [route] same_mail_window: copies of one mail (Message-ID and sender) stored within this
	 * many seconds of each other are one ticket; 0 = never merged. */
	gint64 same_mail_window;
} PdRouteSettings;

/* The default same_mail_window: one SMTP transaction or one pipe call per recipient arrive
 * well within an hour; a later mail with the same Message-ID is a re-send. */
#define PD_SAME_MAIL_WINDOW 3600

/* Read the routing keys of KF for S (after its queues are loaded) into a new
 * PdRouteSettings. (transfer full) */
PdRouteSettings *pd_settings_route_load (const PdSettings *s, GKeyFile *kf, GError **error);
void pd_route_settings_free (PdRouteSettings *r);

/* The routing view of queue NAME, or NULL. (transfer none) */
const PdQueueRouting *pd_route_queue (const PdRouteSettings *r, const char *name);
/* The queue one of whose addresses ADDR is (a +extension ignored), or NULL. (transfer none) */
const PdQueueRouting *pd_route_queue_for_address (const PdRouteSettings *r, const char *addr);

/* Split a list value "a, b; c" into lower-cased, trimmed, non-empty entries. (transfer full) */
char **pd_route_split_list (const char *value);
/* Is WORDS (a phrase, already case-folded) in TEXT as whole words, any case? */
gboolean pd_route_has_words (const char *text, const char *words);

#endif
