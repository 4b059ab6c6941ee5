/* kb-answer.h - a question mailed to the knowledge-base address ([kb] address): the best
 * articles go back to the sender in one automatic mail (templates/LOCALE/kb-answer.txt:
 * titles, links, short snippets); when none is good enough, actions.c opens a ticket in the
 * [kb] queue as for any customer mail. Automatic mail never gets here (the classifier
 * decides), and the answer counts toward the per-address limit of automatic answers. */
#ifndef PD_KB_ANSWER_H
#define PD_KB_ANSWER_H

#include "tickets/apply.h"

#define PD_KB_ANSWER_ARTICLES 3

/* The articles (PdKbSuggestion*) that answer the mail of A, best first; empty when none is
 * good enough, in which case the question is noted as one nothing answered. (transfer full) */
gboolean pd_kb_answer_find (PdApply *a, GPtrArray **found_r, GError **error);

/* Answer the mail of A with FOUND: store the question (no ticket), and when ALLOWED (the rate
 * limit and the null sender, checked by the caller who set a->out->note otherwise) queue the
 * answer and count each article as mailed. */
gboolean pd_kb_answer_send (PdApply *a, GPtrArray *found, gboolean allowed, GError **error);

/* Note the question of MAIL as one nothing answered (HOW "ack" or "mailed", TICKET 0 = none);
 * nothing is noted for a mail without a content word. Shared with ack.c. */
gboolean pd_kb_note_miss (PdStore *store, const char *how, gint64 ticket, const PdMail *mail,
                          gint64 now, GError **error);

/* The text pd_kb_suggest judges for MAIL: the subject, a blank line, the body. (transfer full) */
char *pd_kb_mail_text (const PdMail *mail);

#endif
