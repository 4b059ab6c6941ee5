/* question.c - the question in a customer's mail: the new text without quotes and "-- "
 * signatures (quote.h), greetings, the closing and what follows it, and a trailing block of
 * short signature lines. */
#include <string.h>

#include "kb/kb.h"
#include "kb/question.h"
#include "kb/words.h"
#include "mail/quote.h"

/* A signature without its "-- " line: the short lines that end the mail ("Tina", "Raj Patel /
 * Senior Developer / +44 20 ...") once a longer line has said something. A short last line
 * that asks ("Why?") stays. */
#define SIGNATURE_WORDS 4
static void
drop_signature (GString *q)
{
	gsize end = q->len;

	while (end > 0) {
		gsize start = end - 1, i;
		guint nwords = 0;

		while (start > 0 && q->str[start - 1] != '\n')
			start--;
		for (i = start; i < end; i++)
			nwords += (i == start || g_ascii_isspace (q->str[i - 1])) && !g_ascii_isspace (q->str[i]);
		if (nwords > SIGNATURE_WORDS)
			break; /* the question's last line */
		if (start == 0 || (end >= 2 && q->str[end - 2] == '?'))
			return; /* nothing but short lines, or a short question: keep them all */
		end = start;
	}
	if (end < q->len)
		g_string_truncate (q, end);
}

#define GREETING "(hi|hello|hey|dear|good (morning|afternoon|evening|day)|greetings|hallo|to whom)\\b"

/* A reply's subject names the thread's first question, often not the one asked now ("Re: DLL
 * for windows" over a question about security holes): it counts only when the new text says
 * too little without it (fewer words than this). */
#define REPLY_SUBJECT_WORDS 6

static guint
count_words (const char *s)
{
	const char *p;
	guint n = 0;

	for (p = s; *p; p++)
		n += (p == s || g_ascii_isspace (p[-1])) && !g_ascii_isspace (*p);
	return n;
}

/* The question in a mail's TEXT: the new text (quote.h), without greeting lines ("Hello Ann,"
 * wherever it stands: after the subject line too), a greeting that opens a line cut from it
 * ("Hi, my printer..."), and without the closing ("Thanks, Ann") and everything after it;
 * a reply's subject on the first line only when the rest says little. (transfer full) */
char *
pd_kb_question (const char *text)
{
	g_autofree char *fresh = pd_quote_new_text (text ? text : "", NULL);
	g_auto (GStrv) lines = g_strsplit (fresh, "\n", -1);
	GString *out = g_string_new (NULL);
	guint i, n = g_strv_length (lines);
	gboolean started = FALSE;
	static GRegex *greeting_line, *greeting_start, *closing, *reply;
	g_autofree char *reply_subject = NULL;

	if (g_once_init_enter (&greeting_line)) {
		/* compiled once: a mail's every line is matched against it */
		reply = g_regex_new ("^(re|aw|sv|vs|antw|r|fw|fwd|wg|tr)[ \t]*(\\[[0-9]+\\])?[ \t]*:", G_REGEX_CASELESS, 0, NULL);
		closing = g_regex_new ("^(thanks|thank you|many thanks|thx|ty|cheers|best|regards|kind regards|best regards|warm regards|sincerely|yours|br|greetings|all the best|have a (nice|good|great))\\b",
		                       G_REGEX_CASELESS, 0, NULL);
		greeting_start = g_regex_new ("^" GREETING "[ \t]*(there|all|team|everyone|guys|folks)?[ \t]*[,!:;.-]+[ \t]*",
		                              G_REGEX_CASELESS, 0, NULL);
		g_once_init_leave (&greeting_line,
		                   g_regex_new ("^" GREETING "[^,!.:;?]{0,30}[,!.:;-]*$", G_REGEX_CASELESS, 0, NULL));
	}
	for (i = 0; i < n; i++) {
		char *line = g_strstrip (lines[i]);
		g_autofree char *rest = NULL;
		guint nwords = count_words (line);
		if (*line == '\0' && !started)
			continue;
		if (i == 0 && g_regex_match (reply, line, 0, NULL)) {
			reply_subject = g_strdup (line);
			continue;
		}
		if (nwords <= 6 && g_regex_match (greeting_line, line, 0, NULL))
			continue;
		if (started && nwords <= 6 && g_regex_match (closing, line, 0, NULL))
			break;
		rest = g_regex_replace_literal (greeting_start, line, -1, 0, "", 0, NULL);
		started = TRUE;
		g_string_append_printf (out, "%s\n", rest ? rest : line);
	}
	drop_signature (out);
	if (reply_subject != NULL && count_words (out->str) < REPLY_SUBJECT_WORDS)
		g_string_prepend (g_string_prepend_c (out, '\n'), reply_subject);
	return g_string_free (out, FALSE);
}

char *
pd_kb_question_words (const char *text, char **question_r)
{
	g_autofree char *q = pd_kb_question (text);
	g_autoptr (GPtrArray) ws = pd_kb_words (q);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; i < ws->len; i++) {
		const char *w = ws->pdata[i];

		if (strlen (w) < 2 || pd_kb_is_stop (w) || g_ascii_isdigit (w[0]) || w[0] == '#' ||
		    !g_hash_table_add (seen, (gpointer) w))
			continue;
		g_string_append_printf (out, "%s%s", out->len ? " " : "", w);
	}
	if (question_r != NULL)
		*question_r = g_steal_pointer (&q);
	return g_string_free (out, FALSE);
}
