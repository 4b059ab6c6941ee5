/* quote-private.h - what the two halves of reply extraction share: a body's lines with their
 * kinds (quote-lines.c makes them, quote.c cuts them) and nothing else calls. */
#ifndef PD_QUOTE_PRIVATE_H
#define PD_QUOTE_PRIVATE_H

#include <glib.h>

#include "mail/quote.h"

typedef enum {
	LINE_EMPTY,
	LINE_TEXT,
	LINE_QUOTE,
	LINE_DELIM,    /* "_____", "-----": an Outlook-style separator */
	LINE_SIGDELIM, /* "-- " */
	LINE_MOBILE,   /* "Sent from my iPhone" */
	LINE_ATTRIB,   /* "On ... wrote:", "-----Original Message-----" (or a wrapped part of one) */
	LINE_HEADER,   /* a line of a "From: / Sent: / To: / Subject:" block */
} LineKind;

typedef struct {
	const char *start; /* into the body */
	gsize len;         /* without the line end */
	gsize full_len;    /* with the line end */
	LineKind kind;
	gboolean quoted;   /* starts with a quote mark, whatever its kind */
	guint group_end;   /* first line of a marker: index after the marker's last line */
	gboolean keep;
	signed char header;      /* PdQpHeader of the line, -1 = not computed yet */
	signed char attribution; /* PdQpAttribution of the line alone, -1 = not computed yet */
	signed char join_flags;  /* JOIN_* (quote-lines.c) of the line, -1 = not computed yet */
} Line;

typedef struct {
	Line *v;
	guint n;
	guint *next_stop; /* for delimiter_ends_text: first marker or quoted line at or after i */
	guint *texts;     /* for delimiter_ends_text: LINE_TEXT lines before i */
} Lines;

/* quote-lines.c: LINE without its end (and CR) (transfer full); whether it is blank. */
char *pd_quote_line_dup (const Line *line);
gboolean pd_quote_line_is_blank (const Line *line);

/* The lines of BODY (pointing into it), kinds not given yet; the caller frees v, next_stop and
 * texts. Then, in this order: every line's kind; wrapped attributions joined into one marker;
 * Outlook header blocks marked. */
Lines pd_quote_split_lines (const char *body);
void pd_quote_classify_lines (Lines *lines, PdQuoteFlags flags);
void pd_quote_join_wrapped_attributions (Lines *lines);
void pd_quote_find_header_blocks (Lines *lines);

#endif
