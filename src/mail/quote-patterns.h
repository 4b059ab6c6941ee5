/* quote-patterns.h - what one line of a reply looks like: attribution ("On ... wrote:"),
 * forward/original-message marker, Outlook header field, delimiter, mobile footer, quote.
 * Internal to quote.c; knows nothing about line order. Takes lines without their end.
 * Implemented by quote-patterns.c (regular expressions) and quote-words.c (word lists). */
#ifndef PD_QUOTE_PATTERNS_H
#define PD_QUOTE_PATTERNS_H

#include <glib.h>

typedef enum {
	PD_QP_HEADER_NONE = 0,
	PD_QP_HEADER_FIELD, /* "To:", "Sent:", "Betreff:", ... */
	PD_QP_HEADER_FROM,  /* "From:", "Von:", "De:", ... (a header block needs one) */
} PdQpHeader;

typedef enum {
	PD_QP_ATTRIBUTION_NONE = 0,
	PD_QP_ATTRIBUTION_WEAK,   /* recognised by its end: "NAME <addr> wrote:" */
	PD_QP_ATTRIBUTION_STRONG, /* opens with a lead word or date: "On DATE, NAME wrote:" */
} PdQpAttribution;

/* Whether LINE is an attribution header ("On DATE, NAME wrote:" and its translations),
 * possibly behind quote marks. LINE may be several physical lines joined with spaces. */
PdQpAttribution pd_qp_attribution (const char *line);

/* Cheap tests for joins (no regex): an attribution assembled from lines holds one of these
 * words in one of its lines (pd_qp_attribution_words), and opens like a strong one in its
 * first line or ends in a colon in its last (may_open, may_close; both TRUE when unsure).
 * When they fail, pd_qp_attribution of the joined lines is NONE. */
gboolean pd_qp_attribution_words (const char *line);
gboolean pd_qp_attribution_may_open (const char *part);
gboolean pd_qp_attribution_may_close (const char *part);

/* "-----Original Message-----", "Begin forwarded message:" and translations. */
gboolean pd_qp_is_forward_marker (const char *line);

/* A line of separator characters only ("____", "-----", "***", "--"). */
gboolean pd_qp_is_delimiter (const char *line);

/* The usenet signature delimiter, "-- " (or "--"). */
gboolean pd_qp_is_sig_delimiter (const char *line);

/* "Sent from my iPhone" and the like. */
gboolean pd_qp_is_mobile_signature (const char *line);

/* A quoted line: "> x", ">x", "| x", "Name> x". */
gboolean pd_qp_is_quote (const char *line);

/* A closing line of a mail, alone on its line ("Regards,", "Best,", "Mit freundlichen
 * Grüßen", "Cordialement"): what follows it (a name, a title) is the signature. */
/* Whether LINE reads like the name under a sign-off ("Bob", "Anna Berg", "J. Smith", "佐藤 花子"):
 * a few words, not opening in lower case, not ending a sentence. */
gboolean pd_qp_is_name_line (const char *line);
gboolean pd_qp_is_signoff (const char *line);

/* A greeting alone on its line ("Hi,", "Hello Bob,", "Hallo!"). */
gboolean pd_qp_is_greeting (const char *line);

/* A Markdown code fence, "```" or "```lang". */
gboolean pd_qp_is_fence (const char *line);

/* Whether LINE is a mail header field as written by Outlook & co. */
PdQpHeader pd_qp_header_field (const char *line);

/* LINE without leading blanks, quote marks and emphasis ('>', '|', '*'): the text an
 * attribution check looks at. Returns a pointer into LINE (transfer none). */
const char *pd_qp_skip_quote_marks (const char *line);

/* TEXT without leading blanks and the characters in SKIP, and without trailing blanks and the
 * characters in TRIM (quote-patterns.c; quote-words.c uses it too). (transfer full) */
char *pd_qp_strip_chars (const char *text, const char *skip, const char *trim);

#endif
