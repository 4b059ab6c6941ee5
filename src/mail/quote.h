/* quote.h - reply extraction: the text a person added on top of (or among) what they reply to.
 * Pure functions on a UTF-8 body; no I/O, no MIME (callers hand in the text part, HTML already
 * converted). Both the new text and the removed part are newly allocated: the caller frees. */
#ifndef PD_QUOTE_H
#define PD_QUOTE_H

#include <glib.h>

typedef enum {
	PD_QUOTE_DEFAULT = 0,
	/* Keep the sender's signature ("-- " block, "Sent from my iPhone") in the new text; only
	 * quoted history, attributions and embedded mails go. */
	PD_QUOTE_KEEP_SIGNATURE = 1 << 0,
} PdQuoteFlags;

/* The new text of the reply BODY (LF or CRLF line ends): quoted history ("> " lines),
 * attribution lines ("On ... wrote:" in many languages, also when wrapped), Outlook separators
 * and header blocks, forwarded-mail markers with what follows them, and signatures ("-- "
 * block, mobile footers) removed. Quotes interleaved with new text are kept as its context;
 * a message that is nothing but an unattributed quote is kept whole.
 *
 * Lines are returned whole and unchanged except that line ends become LF; leading blank lines
 * and trailing white space are dropped. If REMOVED_R is not NULL it receives the removed
 * lines, verbatim in the same sense and in order, trimmed the same way. Both (transfer full);
 * "" when empty, never NULL. Invalid UTF-8 is repaired (U+FFFD) first. */
char *pd_quote_new_text (const char *body, char **removed_r);

/* pd_quote_new_text() with FLAGS. */
char *pd_quote_extract (const char *body, PdQuoteFlags flags, char **removed_r);

#endif
