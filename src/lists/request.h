/* request.h - a subscriber's request by mail: NAME-request@ (commands in the subject or the
 * first lines of the body: subscribe, unsubscribe, confirm TOKEN, help), NAME+subscribe@,
 * NAME+unsubscribe@ and the List-Unsubscribe mailto NAME-request+mID-SIG@. The filter
 * listreq.c recognises the address (PdContext list_*); this applies the request inside the
 * caller's transaction and composes the answer, which the caller rate-limits and queues (it
 * never answers automatic mail: that is decided before, by the class). Double opt-in: a
 * subscribe request only makes a pending subscriber and a confirmation mail; only a confirm
 * from the same address (or the web page's POST) makes it active. */
#ifndef PD_LIST_REQUEST_H
#define PD_LIST_REQUEST_H

#include "app/app.h"
#include "filters/chain.h"
#include "mail/mail.h"

typedef enum {
	PD_LIST_CMD_NONE,
	PD_LIST_CMD_SUBSCRIBE,
	PD_LIST_CMD_UNSUBSCRIBE,
	PD_LIST_CMD_CONFIRM,
	PD_LIST_CMD_HELP,
} PdListCommand;

/* The command of a request: the subject first (after "Re:", "Fwd:" and the like), then the
 * first five non-blank lines of BODY before a signature or a quote, the first command found.
 * For CONFIRM, *TOKEN_R gets the token word (transfer full), else NULL. */
PdListCommand pd_list_request_parse (const char *subject, const char *body, char **token_r);

typedef struct {
	char *rcpt;      /* whom the answer is for; NULL: no answer */
	GBytes *bytes;   /* the answer */
	char *mid;       /* its Message-ID, without <> */
	char *subject;
	char *from_addr; /* the list's request address */
	char *summary;   /* what was done, for the log and the intake row's reason */
} PdListAnswer;
void pd_list_answer_clear (PdListAnswer *ans);

/* Apply MAIL (class human, with a From; or any mail to the signed unsubscribe address) sent
 * to the request address CTX names, at NOW, in the caller's transaction on APP's store; ANS
 * gets the answer, if any, for the caller to rate-limit and queue (or drop). */
gboolean pd_list_request_handle (PdApp *app, const PdContext *ctx, const PdMail *mail,
                                 gint64 now, PdListAnswer *ans, GError **error);

/* Does a list in STORE take mail at ADDR: its request addresses (NAME-request@, with or
 * without a +extension, NAME+subscribe@, NAME+unsubscribe@) or its own address (replies to
 * its announcements)? For listeners deciding at RCPT time. */
gboolean pd_list_accepts_address (PdStore *store, const char *addr, gboolean *yes_r,
                                  GError **error);

#endif
