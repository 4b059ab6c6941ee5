/* question.h - the question in a customer's mail (question.c). Inside kb only. */
#ifndef PD_KB_QUESTION_H
#define PD_KB_QUESTION_H

#include <glib.h>

/* The question in a mail's TEXT: the new text (quote.h), without greeting lines, a greeting
 * that opens a line, the closing ("Thanks, Ann") and everything after it, nor a trailing block
 * of short signature lines. (transfer full) */
char *pd_kb_question (const char *text);

#endif
