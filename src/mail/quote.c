/* quote.c - reply extraction: split a body into lines, give each line a kind, then cut by the
 * order of the kinds (text, attribution, quote, header block, delimiter, signature).
 * Never rewrites a line: the result is whole input lines (with LF ends). Returns new strings
 * (transfer full). Linear in the body: each line's patterns run a bounded number of times
 * (results cached per line), and no pass rescans the rest of the body from every line. */
#include "mail/quote.h"
#include "mail/quote-patterns.h"

#include <string.h>

/* A wrapped attribution spans at most this many lines ("On DATE NAME <\naddr> wrote:"). */
#define WRAP_MAX 5
/* Text after an attributed quote that is at least this long is an inline reply, not a footer. */
#define INLINE_TEXT_MIN 5
/* Text after a separator at the end of a mail that is at most this long is a footer. */
#define FOOTER_MAX 3
/* A sign-off is followed by at least this many lines (a name and a title) ... */
#define SIGNOFF_LINES_MIN 2
/* ... and by at most this many lines (name, title, company, phone) ... */
#define SIGNOFF_LINES_MAX 8
/* ... of at most this many bytes each. */
#define SIGNOFF_LINE_LEN_MAX 60

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
	signed char join_flags;  /* JOIN_* of the line, -1 = not computed yet */
} Line;

/* What a line can give an attribution joined from several (pd_qp_attribution_words...). */
enum { JOIN_EMPTY = 1, JOIN_WORDS = 2, JOIN_OPEN = 4, JOIN_CLOSE = 8 };

typedef struct {
	Line *v;
	guint n;
	guint *next_stop; /* for delimiter_ends_text: first marker or quoted line at or after i */
	guint *texts;     /* for delimiter_ends_text: LINE_TEXT lines before i */
} Lines;

static char *
line_dup (const Line *line)
{
	gsize len = line->len;
	if (len > 0 && line->start[len - 1] == '\r')
		len--;
	return g_strndup (line->start, len);
}

static gboolean
is_blank (const Line *line)
{
	for (gsize i = 0; i < line->len; i++)
		if (!g_ascii_isspace (line->start[i]))
			return FALSE;
	return TRUE;
}

static Lines
split_lines (const char *body)
{
	GArray *array = g_array_new (FALSE, TRUE, sizeof (Line));
	const char *p = body;

	while (*p) {
		const char *nl = strchr (p, '\n');
		Line line = { .start = p, .keep = TRUE, .header = -1, .attribution = -1,
			      .join_flags = -1 };
		line.len = nl ? (gsize) (nl - p) : strlen (p);
		line.full_len = nl ? line.len + 1 : line.len;
		g_array_append_val (array, line);
		p += line.full_len;
	}
	Lines lines = { .n = array->len };
	lines.v = (Line *) g_array_free (array, FALSE);
	return lines;
}

/* pd_qp_header_field of LINE, computed once. */
static PdQpHeader
line_header (Line *line)
{
	if (line->header < 0) {
		g_autofree char *text = line_dup (line);
		line->header = (signed char) pd_qp_header_field (text);
	}
	return (PdQpHeader) line->header;
}

/* pd_qp_attribution of LINE alone, computed once. */
static PdQpAttribution
line_attribution (Line *line)
{
	if (line->attribution < 0) {
		g_autofree char *text = line_dup (line);
		line->attribution = (signed char) pd_qp_attribution (text);
	}
	return (PdQpAttribution) line->attribution;
}

static LineKind
classify_line (Line *line, PdQuoteFlags flags)
{
	g_autofree char *text = line_dup (line);
	gboolean keep_sig = (flags & PD_QUOTE_KEEP_SIGNATURE) != 0;

	if (is_blank (line))
		return LINE_EMPTY;
	if (line_attribution (line) != PD_QP_ATTRIBUTION_NONE || pd_qp_is_forward_marker (text))
		return LINE_ATTRIB;
	if (line->quoted)
		return LINE_QUOTE;
	if (pd_qp_is_sig_delimiter (text))
		return keep_sig ? LINE_TEXT : LINE_SIGDELIM;
	if (pd_qp_is_delimiter (text))
		return LINE_DELIM;
	if (pd_qp_is_mobile_signature (text))
		return keep_sig ? LINE_TEXT : LINE_MOBILE;
	return LINE_TEXT;
}

/* Give every line its kind; lines inside a ``` code block are always text. */
static void
classify_lines (Lines *lines, PdQuoteFlags flags)
{
	gboolean in_code = FALSE;

	for (guint i = 0; i < lines->n; i++) {
		Line *line = &lines->v[i];
		g_autofree char *text = line_dup (line);

		line->group_end = i + 1;
		if (pd_qp_is_fence (text)) {
			in_code = !in_code;
			line->kind = LINE_TEXT;
			continue;
		}
		if (in_code) {
			line->kind = is_blank (line) ? LINE_EMPTY : LINE_TEXT;
			continue;
		}
		line->quoted = pd_qp_is_quote (text);
		line->kind = classify_line (line, flags);
	}
}

/* Lines FIRST..LAST (inclusive) without quote marks, joined with spaces (transfer full). */
static char *
join_range (const Lines *lines, guint first, guint last)
{
	GString *joined = g_string_new (NULL);

	for (guint i = first; i <= last; i++) {
		g_autofree char *text = line_dup (&lines->v[i]);
		const char *part = pd_qp_skip_quote_marks (text);
		if (*part == '\0')
			continue;
		if (joined->len > 0)
			g_string_append_c (joined, ' ');
		g_string_append (joined, part);
	}
	return g_string_free (joined, FALSE);
}

/* JOIN_* flags of LINE as a part of a join (without its quote marks), computed once. */
static int
line_join_flags (Line *line)
{
	if (line->join_flags < 0) {
		g_autofree char *text = line_dup (line);
		const char *part = pd_qp_skip_quote_marks (text);
		int flags = 0;

		if (*part == '\0')
			flags = JOIN_EMPTY;
		else
			flags = (pd_qp_attribution_words (part) ? JOIN_WORDS : 0)
			        | (pd_qp_attribution_may_open (part) ? JOIN_OPEN : 0)
			        | (pd_qp_attribution_may_close (part) ? JOIN_CLOSE : 0);
		line->join_flags = (signed char) flags;
	}
	return line->join_flags;
}

/* Whether lines FIRST..LAST may join to an attribution at all: a verb somewhere, and a
 * strong opening in the first part or a colon ending the last (parts empty without their
 * quote marks do not count, as in join_range). FALSE means pd_qp_attribution is NONE. */
static gboolean
may_join (Lines *lines, guint first, guint last)
{
	int first_flags = -1, last_flags = 0;
	gboolean words = FALSE;

	for (guint i = first; i <= last; i++) {
		int flags = line_join_flags (&lines->v[i]);
		if (flags & JOIN_EMPTY)
			continue;
		if (first_flags < 0)
			first_flags = flags;
		last_flags = flags;
		words = words || (flags & JOIN_WORDS);
	}
	return words && ((first_flags & JOIN_OPEN) || (last_flags & JOIN_CLOSE));
}

/* Whether lines FIRST..LAST form one attribution that a client wrapped. A strong match
 * ("On DATE ... wrote:") counts unless a later line opens one itself; a weak one
 * ("... <addr> wrote:") only if the lines after FIRST are not one already. */
static gboolean
is_wrapped_attribution (Lines *lines, guint first, guint last)
{
	if (!may_join (lines, first, last))
		return FALSE;

	g_autofree char *joined = join_range (lines, first, last);
	PdQpAttribution kind = pd_qp_attribution (joined);

	if (kind == PD_QP_ATTRIBUTION_NONE)
		return FALSE;
	for (guint i = first + 1; i <= last; i++)
		if (line_attribution (&lines->v[i]) == PD_QP_ATTRIBUTION_STRONG)
			return FALSE;
	if (kind == PD_QP_ATTRIBUTION_STRONG)
		return TRUE;
	g_autofree char *tail = join_range (lines, first + 1, last);
	return pd_qp_attribution (tail) == PD_QP_ATTRIBUTION_NONE;
}

static void
mark_group (Lines *lines, guint first, guint end, LineKind kind)
{
	for (guint i = first; i < end; i++)
		lines->v[i].kind = kind;
	lines->v[first].group_end = end;
}

/* Attributions wrapped over up to WRAP_MAX lines become one marker. */
static void
join_wrapped_attributions (Lines *lines)
{
	for (guint i = 0; i < lines->n; i++) {
		LineKind kind = lines->v[i].kind;
		if (kind != LINE_TEXT && kind != LINE_QUOTE)
			continue;
		for (guint last = i + 1; last < lines->n && last < i + WRAP_MAX; last++) {
			if (is_wrapped_attribution (lines, i, last)) {
				mark_group (lines, i, last + 1, LINE_ATTRIB);
				i = last;
				break;
			}
		}
	}
}

/* A header block starting at FIRST: header fields, possibly with wrapped values and single
 * blank lines between them. Returns the index after its last field, or FIRST if there are
 * fewer than three fields or none says who it is from. STOP_R: the first line after FIRST
 * that is not part of the run of fields (no block can start between FIRST and it when this
 * one fails: a later start sees a subset of the same fields). */
static guint
header_block_end (Lines *lines, guint first, guint *stop_r)
{
	guint fields = 0, end = first, i;
	gboolean from = FALSE;

	for (i = first; i < lines->n; i++) {
		Line *line = &lines->v[i];
		PdQpHeader header = (line->kind == LINE_TEXT || line->kind == LINE_QUOTE)
		                            ? line_header (line)
		                            : PD_QP_HEADER_NONE;
		if (header != PD_QP_HEADER_NONE) {
			fields++;
			from = from || header == PD_QP_HEADER_FROM;
			end = i + 1;
			continue;
		}
		/* a wrapped value or a blank line counts only if another field follows */
		gboolean continues = fields > 0 && i + 1 < lines->n
		                     && (line->kind == LINE_TEXT || line->kind == LINE_QUOTE
		                         || line->kind == LINE_EMPTY);
		if (continues)
			continues = line_header (&lines->v[i + 1]) != PD_QP_HEADER_NONE;
		if (!continues)
			break;
	}
	*stop_r = MAX (i, first + 1);
	return fields >= 3 && from ? end : first;
}

static void
find_header_blocks (Lines *lines)
{
	for (guint i = 0; i < lines->n;) {
		guint stop;
		guint end = header_block_end (lines, i, &stop);
		if (end > i) {
			mark_group (lines, i, end, LINE_HEADER);
			i = end;
		} else {
			i = stop;
		}
	}
}

static gboolean
is_marker (const Line *line)
{
	return line->kind == LINE_ATTRIB || line->kind == LINE_HEADER;
}

static void
drop_range (Lines *lines, guint first, guint end)
{
	for (guint i = first; i < end; i++)
		lines->v[i].keep = FALSE;
}

static guint
skip_empty (Lines *lines, guint i, guint end)
{
	while (i < end && lines->v[i].kind == LINE_EMPTY)
		lines->v[i++].keep = FALSE;
	return i;
}

/* Whether the separator at DELIM ends the new text: it does when nothing but separators,
 * an embedded mail or a short footer follows. Text that runs on into the quoted history
 * (or is long) is a second part of the new text. */
static gboolean
delimiter_ends_text (const Lines *lines, guint delim)
{
	guint i = delim + 1, stop, texts;

	while (i < lines->n && (lines->v[i].kind == LINE_EMPTY || lines->v[i].kind == LINE_DELIM
	                        || lines->v[i].kind == LINE_SIGDELIM))
		i++;
	/* the text lines up to the next marker or quoted line, from tables made once */
	stop = i < lines->n ? lines->next_stop[i] : lines->n;
	texts = lines->texts[stop] - lines->texts[i];
	if (stop < lines->n)
		return texts == 0;
	return texts <= FOOTER_MAX;
}

/* The tables behind delimiter_ends_text, once the kinds are final. */
static void
index_stops (Lines *lines)
{
	lines->next_stop = g_new (guint, lines->n + 1);
	lines->texts = g_new (guint, lines->n + 1);
	lines->texts[0] = 0;
	for (guint i = 0; i < lines->n; i++)
		lines->texts[i + 1] = lines->texts[i] + (lines->v[i].kind == LINE_TEXT);
	lines->next_stop[lines->n] = lines->n;
	for (guint i = lines->n; i > 0; i--) {
		const Line *line = &lines->v[i - 1];
		lines->next_stop[i - 1] = is_marker (line) || line->quoted ? i - 1 : lines->next_stop[i];
	}
}

/* Everything from the first signature delimiter or ending separator that follows some content
 * is cut (a signature, an Outlook separator and the mail under it); other separators stay
 * as part of the text. Returns the new end. */
static guint
cut_at_delimiter (Lines *lines)
{
	gboolean content = FALSE;

	for (guint i = 0; i < lines->n; i++) {
		LineKind kind = lines->v[i].kind;
		gboolean delim = kind == LINE_DELIM || kind == LINE_SIGDELIM;
		if (delim && content) {
			if (kind == LINE_SIGDELIM || delimiter_ends_text (lines, i)) {
				drop_range (lines, i, lines->n);
				return i;
			}
		}
		content = content || kind != LINE_EMPTY;
	}
	return lines->n;
}

/* A reply written under what it answers: drop leading markers (attribution, forward marker,
 * header block, separator) and the quote each one introduces. Returns the first line left. */
static guint
drop_leading_history (Lines *lines, guint end)
{
	guint i = skip_empty (lines, 0, end);

	while (i < end && (is_marker (&lines->v[i]) || lines->v[i].kind == LINE_DELIM
	                   || lines->v[i].kind == LINE_SIGDELIM)) {
		guint group_end = MIN (lines->v[i].group_end, end);
		drop_range (lines, i, group_end);
		i = skip_empty (lines, group_end, end);
		while (i < end && (lines->v[i].quoted || lines->v[i].kind == LINE_EMPTY))
			lines->v[i++].keep = FALSE;
	}
	return i;
}

/* Whether what follows a marker (from FIRST) is an inline reply: a quote answered by text
 * that is followed by more quote, or by a long text. A short text after the quote is the
 * quoted mail's own footer. */
static gboolean
is_inline_reply (const Lines *lines, guint first, guint end)
{
	guint i = first, texts = 0;

	while (i < end && lines->v[i].kind == LINE_EMPTY)
		i++;
	if (i == end || !lines->v[i].quoted)
		return FALSE;
	while (i < end && (lines->v[i].quoted || lines->v[i].kind == LINE_EMPTY))
		i++;
	for (; i < end && !lines->v[i].quoted; i++) {
		if (is_marker (&lines->v[i]))
			break;
		if (lines->v[i].kind == LINE_TEXT)
			texts++;
	}
	if (texts == 0)
		return FALSE;
	return (i < end && lines->v[i].quoted) || texts >= INLINE_TEXT_MIN;
}

/* The first marker after new text cuts the rest, unless an inline reply follows it (then only
 * the marker goes). Returns the new end. */
static guint
cut_at_marker (Lines *lines, guint start, guint end)
{
	gboolean text = FALSE;

	for (guint i = start; i < end; i++) {
		const Line *line = &lines->v[i];
		if (line->kind == LINE_TEXT)
			text = TRUE;
		if (!text || !is_marker (line))
			continue;
		guint group_end = MIN (line->group_end, end);
		if (line->kind == LINE_ATTRIB && is_inline_reply (lines, group_end, end)) {
			drop_range (lines, i, group_end);
			i = group_end - 1;
			continue;
		}
		drop_range (lines, i, end);
		return i;
	}
	return end;
}

static gboolean
has_text (const Lines *lines, guint first, guint end)
{
	for (guint i = first; i < end; i++)
		if (lines->v[i].keep && lines->v[i].kind == LINE_TEXT)
			return TRUE;
	return FALSE;
}

/* Markers left over, mobile footers below the last text, and a quote ending the mail go. */
static void
drop_leftovers (Lines *lines, guint start, guint end)
{
	guint last_text = start; /* index after the last kept text line */

	for (guint i = start; i < end; i++)
		if (lines->v[i].keep && lines->v[i].kind == LINE_TEXT)
			last_text = i + 1;
	for (guint i = start; i < end; i++) {
		Line *line = &lines->v[i];
		if (is_marker (line) || (line->kind == LINE_MOBILE && last_text <= i + 1))
			line->keep = FALSE;
	}
	if (!has_text (lines, start, end))
		return;
	for (guint i = end; i > start; i--) {
		Line *line = &lines->v[i - 1];
		if (line->keep && line->kind == LINE_TEXT)
			break;
		line->keep = FALSE;
	}
}

/* The lines whose keep flag is KEEP, with LF line ends, without leading blank lines and
 * trailing white space (transfer full). */
static char *
collect (const Lines *lines, gboolean keep)
{
	GString *out = g_string_new (NULL);

	for (guint i = 0; i < lines->n; i++) {
		const Line *line = &lines->v[i];
		if (line->keep != keep || (out->len == 0 && is_blank (line)))
			continue;
		gsize len = line->len;
		if (len > 0 && line->start[len - 1] == '\r')
			len--;
		g_string_append_len (out, line->start, len);
		g_string_append_c (out, '\n');
	}
	while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
		g_string_truncate (out, out->len - 1);
	return g_string_free (out, FALSE);
}

/* Whether the kept line I is a text line whose text passes TEST. */
static gboolean
kept_text_is (const Lines *lines, guint i, gboolean (*test) (const char *))
{
	const Line *line = &lines->v[i];
	if (!line->keep || line->kind != LINE_TEXT)
		return FALSE;
	g_autofree char *text = line_dup (line);
	return test (text);
}

/* A sign-off ("Regards,") near the end of the new text, followed only by a few short lines
 * (a name, a title), starts the signature: it goes with them. Looks at the last lines only. */
static void
cut_at_signoff (Lines *lines, guint start, guint end)
{
	guint seen = 0;
	gboolean before = FALSE;

	for (guint i = end; i > start && seen <= SIGNOFF_LINES_MAX; i--) {
		const Line *line = &lines->v[i - 1];
		if (!line->keep || line->kind == LINE_EMPTY)
			continue;
		if (kept_text_is (lines, i - 1, pd_qp_is_signoff)) {
			/* only when some text comes before it */
			for (guint j = start; j + 1 < i && !before; j++)
				before = lines->v[j].keep && lines->v[j].kind == LINE_TEXT;
			/* what follows must start with a name: "Thanks,\nfor looking again." is text */
			guint next = i;
			while (next < end && (!lines->v[next].keep || lines->v[next].kind == LINE_EMPTY))
				next++;
			if (before && seen >= SIGNOFF_LINES_MIN && next < end &&
			    (lines->v[next].kind != LINE_TEXT || kept_text_is (lines, next, pd_qp_is_name_line)))
				drop_range (lines, i - 1, end);
			return;
		}
		if (line->kind != LINE_TEXT && line->kind != LINE_MOBILE)
			return;
		if (line->len > SIGNOFF_LINE_LEN_MAX)
			return;
		seen++;
	}
}

/* "Bob Smith wrote:", "Support team schrieb:": an attribution without date or address, known
 * only by its place, right above the quote that ends the mail. */
static gboolean
is_short_attribution (const char *line)
{
	gsize len = strlen (line);
	while (len > 0 && g_ascii_isspace (line[len - 1]))
		len--;
	if (len == 0 || len > 80 || (line[len - 1] != ':' && !(len >= 3 && memcmp (line + len - 3, "：", 3) == 0)))
		return FALSE;
	return pd_qp_attribution_words (line);
}

/* The quoted mail's own greeting left unquoted right above a quote that ends the mail
 * ("Hi,\n> quoted text"): it belongs to the quote. */
static void
drop_greeting_before_quote (Lines *lines, guint start, guint end)
{
	guint i = end, first_quote;

	while (i > start && (lines->v[i - 1].kind == LINE_EMPTY || !lines->v[i - 1].keep))
		i--;
	first_quote = i;
	while (first_quote > start && lines->v[first_quote - 1].keep && lines->v[first_quote - 1].quoted)
		first_quote--;
	if (first_quote == i || first_quote <= start + 1)
		return;
	if (kept_text_is (lines, first_quote - 1, pd_qp_is_greeting) ||
	    kept_text_is (lines, first_quote - 1, is_short_attribution))
		lines->v[first_quote - 1].keep = FALSE;
}

static void
decide (Lines *lines, PdQuoteFlags flags)
{
	guint end = cut_at_delimiter (lines);
	guint start = drop_leading_history (lines, end);

	end = cut_at_marker (lines, start, end);
	drop_greeting_before_quote (lines, start, end);
	drop_leftovers (lines, start, end);
	if (!(flags & PD_QUOTE_KEEP_SIGNATURE))
		cut_at_signoff (lines, start, end);
}

char *
pd_quote_extract (const char *body, PdQuoteFlags flags, char **removed_r)
{
	g_return_val_if_fail (body != NULL, NULL);

	g_autofree char *valid = g_utf8_validate (body, -1, NULL) ? NULL : g_utf8_make_valid (body, -1);
	Lines lines = split_lines (valid ? valid : body);

	classify_lines (&lines, flags);
	join_wrapped_attributions (&lines);
	find_header_blocks (&lines);
	index_stops (&lines);
	decide (&lines, flags);

	char *text = collect (&lines, TRUE);
	if (removed_r)
		*removed_r = collect (&lines, FALSE);
	g_free (lines.v);
	g_free (lines.next_stop);
	g_free (lines.texts);
	return text;
}

char *
pd_quote_new_text (const char *body, char **removed_r)
{
	return pd_quote_extract (body, PD_QUOTE_DEFAULT, removed_r);
}
