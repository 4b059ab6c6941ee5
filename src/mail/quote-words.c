/* quote-words.c - the lines of a reply told by word lists and characters, without a regular
 * expression: sign-offs and greetings (one table per language), the name under a sign-off,
 * separators, the signature delimiter, quote marks and code fences. The lines that need a
 * pattern are quote-patterns.c's; deciding what to cut is quote.c's. */
#include "mail/quote-patterns.h"

#include <string.h>

/* Sign-offs, compared whole (lower-cased, without trailing ",.!:" and blanks), one table per
 * language; the phrases are the closing formulas of each language's letter-writing guides
 * and of the default signatures of Outlook, Gmail and Apple Mail. */
static const char *const signoffs_en[] = { "regards", "kind regards", "best regards", "warm regards",
	"warmest regards", "best", "best wishes", "all the best", "cheers", "thanks", "many thanks",
	"thank you", "thanks again", "thanks and regards", "sincerely", "yours sincerely",
	"yours truly", "yours faithfully", "br", "rgds", "thanks & regards", "with thanks",
	"with best regards", "many thanks and best regards", "take care", "respectfully", NULL };
static const char *const signoffs_de[] = { "mit freundlichen grüßen", "mit freundlichen grüssen",
	"freundliche grüße", "freundliche grüsse", "viele grüße", "viele grüsse", "beste grüße",
	"beste grüsse", "liebe grüße", "liebe grüsse", "lg", "mfg", "gruß", "grüße", "danke",
	"schöne grüße", "schöne grüsse", "herzliche grüße", "herzliche grüsse", "mit besten grüßen",
	"mit besten grüssen", "vielen dank", NULL };
static const char *const signoffs_fr[] = { "cordialement", "bien cordialement", "bien à vous",
	"salutations", "sincères salutations", "merci", "bonne journée", "merci d'avance",
	"bien à toi", "amicalement", NULL };
static const char *const signoffs_es[] = { "saludos", "un saludo", "saludos cordiales", "atentamente",
	"gracias", "un cordial saludo", "muchas gracias", "saludos cordiales", NULL };
static const char *const signoffs_it[] = { "cordiali saluti", "saluti", "distinti saluti", "grazie",
	"un saluto", "buona giornata", "grazie mille", NULL };
/* pt, cs/sk, tr, hu, ja, zh: the closings of the same guides and of localized default signatures */
static const char *const signoffs_pt[] = { "atenciosamente", "cumprimentos", "abraços", "abraço",
	"obrigado", "obrigada", "melhores cumprimentos", NULL };
static const char *const signoffs_cs_sk[] = { "s pozdravem", "děkuji", "s pozdravom", "ďakujem", NULL };
static const char *const signoffs_tr[] = { "saygılarımla", "teşekkürler", "iyi çalışmalar", NULL };
static const char *const signoffs_hu[] = { "üdvözlettel", "köszönöm", "tisztelettel", NULL };
static const char *const signoffs_ja_zh[] = { "よろしくお願いします", "よろしくお願いいたします",
	"よろしくお願い致します", "此致", "谢谢", "祝好", NULL };
static const char *const signoffs_nl[] = { "met vriendelijke groet", "met vriendelijke groeten",
	"vriendelijke groet", "groeten", "groet", "mvg", "hartelijke groet", "bedankt", NULL };
static const char *const signoffs_nordic[] = { "med vänliga hälsningar", "vänliga hälsningar", "hälsningar",
	"med venlig hilsen", "venlig hilsen", "med vennlig hilsen", "vennlig hilsen", "hilsen", "mvh", NULL };
static const char *const signoffs_fi[] = { "ystävällisin terveisin", "terveisin", "kiitos", NULL };
static const char *const signoffs_pl[] = { "pozdrawiam", "z poważaniem", "pozdrowienia", "dziękuję",
	"pozdrawiam serdecznie", NULL };
static const char *const signoffs_ru[] = { "с уважением", "спасибо", "всего доброго", "благодарю",
	"с наилучшими пожеланиями", NULL };
static const char *const *const signoff_languages[] = {
	signoffs_en, signoffs_de, signoffs_fr, signoffs_es, signoffs_it, signoffs_nl,
	signoffs_nordic, signoffs_fi, signoffs_pl, signoffs_ru, signoffs_pt, signoffs_cs_sk,
	signoffs_tr, signoffs_hu, signoffs_ja_zh,
};

/* Greetings that open a mail, compared by their first word (same normalisation). */
static const char *const greetings[] = { "hi", "hello", "hey", "dear", "hallo", "hej", "hei", "bonjour",
	"hola", "ciao", "salut", "moin", "здравствуйте", "cześć", "dzień dobry", "guten tag", NULL };

gboolean
pd_qp_is_delimiter (const char *line)
{
	static const char *const chars[] = { "-", "_", "=", "+", "~", "#", "*", "—", "ᐧ", NULL };
	gsize n = 0;

	for (const char *p = line; *p;) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		gboolean found = FALSE;
		for (guint i = 0; chars[i]; i++) {
			gsize len = strlen (chars[i]);
			if (strncmp (p, chars[i], len) == 0) {
				p += len;
				n++;
				found = TRUE;
				break;
			}
		}
		if (!found)
			return FALSE;
	}
	/* one '-' or '*' alone is an empty bullet; the invisible "ᐧ" tracker is enough */
	return n >= 2 || (n == 1 && strstr (line, "ᐧ") != NULL);
}

gboolean
pd_qp_is_sig_delimiter (const char *line)
{
	return strcmp (line, "-- ") == 0 || strcmp (line, "--") == 0 || strcmp (line, "-- \r") == 0
	       || strcmp (line, "--\r") == 0;
}

/* LINE lower-cased, without leading blanks and trailing blanks and ",.!:"; NULL when longer
 * than MAX bytes or not UTF-8 (transfer full). */
static char *
short_phrase (const char *line, gsize max)
{
	g_autofree char *text = pd_qp_strip_chars (line, "", ",.!:");
	if (*text == '\0' || strlen (text) > max || !g_utf8_validate (text, -1, NULL))
		return NULL;
	return g_utf8_strdown (text, -1);
}

/* Whether TEXT is one to three capitalised words ("John", "Anna Berg"): a name. */
static gboolean
is_short_name (const char *text)
{
	guint words = 0;

	while (*text == ' ')
		text++;
	while (*text) {
		gunichar c = g_utf8_get_char (text);
		if (!g_unichar_isupper (c) || ++words > 3)
			return FALSE;
		while (*text && *text != ' ')
			text = g_utf8_next_char (text);
		while (*text == ' ')
			text++;
	}
	return words > 0;
}

gboolean
pd_qp_is_name_line (const char *line)
{
	g_autofree char *text = pd_qp_strip_chars (line, "", "");
	guint words = 0;
	gsize len = strlen (text);

	if (len == 0 || len > 40 || !g_utf8_validate (text, -1, NULL))
		return FALSE;
	if (g_unichar_islower (g_utf8_get_char (text)))
		return FALSE;
	/* "Bob." or "Thanks, for looking again." end a sentence; "J." alone is an initial */
	if (strchr ("?!:;,", text[len - 1]) != NULL ||
	    (text[len - 1] == '.' && !(len >= 2 && g_ascii_isupper (text[len - 2]) &&
	                               (len == 2 || text[len - 3] == ' '))))
		return FALSE;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		words++;
		while (*p && *p != ' ')
			p++;
	}
	return words <= 4;
}

gboolean
pd_qp_is_signoff (const char *line)
{
	g_autofree char *lower = short_phrase (line, 60);

	if (!lower)
		return FALSE;
	/* "Regards, John": the phrase, a comma and a name */
	char *comma = strchr (lower, ',');
	if (comma != NULL) {
		/* the first comma of the line is the first of its lower-cased copy (lengths may differ) */
		g_autofree char *text = pd_qp_strip_chars (line, "", ",.!:");
		if (!is_short_name (strchr (text, ',') + 1))
			return FALSE;
		*comma = '\0';
	}
	for (gsize l = 0; l < G_N_ELEMENTS (signoff_languages); l++)
		for (const char *const *p = signoff_languages[l]; *p; p++)
			if (strcmp (lower, *p) == 0)
				return TRUE;
	return FALSE;
}

gboolean
pd_qp_is_greeting (const char *line)
{
	g_autofree char *lower = short_phrase (line, 40);
	gsize len;

	if (!lower)
		return FALSE;
	len = strlen (line);
	while (len > 0 && g_ascii_isspace (line[len - 1]))
		len--;
	/* a greeting line ends in "," or "!" (or is the word alone) */
	if (len == 0 || (line[len - 1] != ',' && line[len - 1] != '!' && strchr (lower, ' ') != NULL))
		return FALSE;
	for (const char *const *p = greetings; *p; p++) {
		gsize n = strlen (*p);
		if (strncmp (lower, *p, n) == 0 && (lower[n] == '\0' || lower[n] == ' '))
			return TRUE;
	}
	return FALSE;
}

gboolean
pd_qp_is_quote (const char *line)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '>' || *p == '|')
		return TRUE;
	/* "Richard> text", "C>": a short name glued to the mark */
	const char *name = p;
	while (g_ascii_isalpha (*p) && p - name < 10)
		p++;
	return p > name && *p == '>' && (p[1] == '\0' || p[1] == ' ' || p[1] == '>' || p[1] == '\r');
}

gboolean
pd_qp_is_fence (const char *line)
{
	if (strncmp (line, "```", 3) != 0)
		return FALSE;
	for (const char *p = line + 3; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '-' && *p != '+' && *p != '\r' && *p != ' ')
			return FALSE;
	return TRUE;
}
