/* quote.c - reply extraction: split a body into lines, give each line a kind (quote-lines.c),
 * then cut by the order of the kinds (text, attribution, quote, header block, delimiter,
 * signature): that cut is this file's.
 * Never rewrites a line: the result is whole input lines (with LF ends). Returns new strings
 * (transfer full). Linear in the body: each line's patterns run a bounded number of times
 * (results cached per line), and no pass rescans the rest of the body from every line. */
#include "mail/quote.h"
#include "mail/quote-patterns.h"
#include "mail/quote-private.h"

#include <string.h>

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
		if (line->keep != keep || (out->len == 0 && pd_quote_line_is_blank (line)))
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
	g_autofree char *text = pd_quote_line_dup (line);
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
	Lines lines = pd_quote_split_lines (valid ? valid : body);

	pd_quote_classify_lines (&lines, flags);
	pd_quote_join_wrapped_attributions (&lines);
	pd_quote_find_header_blocks (&lines);
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
