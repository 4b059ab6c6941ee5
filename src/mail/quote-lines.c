/* quote-lines.c - the first half of reply extraction: a body split into lines, each line given
 * its kind (text, quote, attribution, delimiter, mobile footer, header), attributions a client
 * wrapped over several lines joined into one marker, and Outlook header blocks found. What
 * to cut is quote.c's; what one line looks like is quote-patterns.c's. */
#include "mail/quote-private.h"
#include "mail/quote-patterns.h"

#include <string.h>

/* A wrapped attribution spans at most this many lines ("On DATE NAME <\naddr> wrote:"). */
#define WRAP_MAX 5

/* What a line can give an attribution joined from several (pd_qp_attribution_words...). */
enum { JOIN_EMPTY = 1, JOIN_WORDS = 2, JOIN_OPEN = 4, JOIN_CLOSE = 8 };

char *
pd_quote_line_dup (const Line *line)
{
	gsize len = line->len;
	if (len > 0 && line->start[len - 1] == '\r')
		len--;
	return g_strndup (line->start, len);
}

gboolean
pd_quote_line_is_blank (const Line *line)
{
	for (gsize i = 0; i < line->len; i++)
		if (!g_ascii_isspace (line->start[i]))
			return FALSE;
	return TRUE;
}

Lines
pd_quote_split_lines (const char *body)
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
		g_autofree char *text = pd_quote_line_dup (line);
		line->header = (signed char) pd_qp_header_field (text);
	}
	return (PdQpHeader) line->header;
}

/* pd_qp_attribution of LINE alone, computed once. */
static PdQpAttribution
line_attribution (Line *line)
{
	if (line->attribution < 0) {
		g_autofree char *text = pd_quote_line_dup (line);
		line->attribution = (signed char) pd_qp_attribution (text);
	}
	return (PdQpAttribution) line->attribution;
}

static LineKind
classify_line (Line *line, PdQuoteFlags flags)
{
	g_autofree char *text = pd_quote_line_dup (line);
	gboolean keep_sig = (flags & PD_QUOTE_KEEP_SIGNATURE) != 0;

	if (pd_quote_line_is_blank (line))
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
void
pd_quote_classify_lines (Lines *lines, PdQuoteFlags flags)
{
	gboolean in_code = FALSE;

	for (guint i = 0; i < lines->n; i++) {
		Line *line = &lines->v[i];
		g_autofree char *text = pd_quote_line_dup (line);

		line->group_end = i + 1;
		if (pd_qp_is_fence (text)) {
			in_code = !in_code;
			line->kind = LINE_TEXT;
			continue;
		}
		if (in_code) {
			line->kind = pd_quote_line_is_blank (line) ? LINE_EMPTY : LINE_TEXT;
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
		g_autofree char *text = pd_quote_line_dup (&lines->v[i]);
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
		g_autofree char *text = pd_quote_line_dup (line);
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
void
pd_quote_join_wrapped_attributions (Lines *lines)
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

void
pd_quote_find_header_blocks (Lines *lines)
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
