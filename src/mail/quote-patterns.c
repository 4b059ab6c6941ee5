/* quote-patterns.c - the pattern tables behind quote-patterns.h, one per kind of line.
 * The lines told by regular expressions (attributions, forward markers, mobile footers, header
 * fields); those told by word lists and characters are quote-words.c's.
 * Patterns only classify a single (possibly joined) line; deciding what to cut is quote.c's.
 * Regexes are compiled once on first use and kept for the life of the process. Every pattern
 * runs in time linear in its line: no two unbounded ".*" that can trade characters, an
 * unanchored "\d.*X" written as "^\D*+\d.*X" (the first digit will do), and lines are
 * capped (ATTRIBUTION_MAX) before they reach a pattern. */
#include "mail/quote-patterns.h"

#include <string.h>

/* Longest line an attribution may be: longer lines are prose, not a client's header. */
#define ATTRIBUTION_MAX 400
/* How much of a line the forward-marker patterns (anchored at its start) look at. */
#define FORWARD_HEAD_MAX 400

/* Attribution headers ("On DATE, NAME wrote:" and translations), one table per language.
 * STRONG ones open with a lead word or an ISO date (safe to assemble from lines a client
 * wrapped); WEAK ones are recognised by their end only ("... NAME <addr> wrote:"), and a
 * wrapped one is only assembled when its tail alone is not one already. Each entry names
 * where the form comes from. Every pattern stays linear: "\D*+\d" before any ".*". */
typedef struct {
	PdQpAttribution kind;
	const char *pattern;
	const char *source;
} AttributionRule;

static const AttributionRule rules_en[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^(on|at|in message)\\s\\D*+\\d.*\\s(wrote|writes|said|says)\\s*:?$",
	  "Gmail, Thunderbird (mailnews.reply_header_ondateauthorwrote), Apple Mail, en" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\s(wrote on)\\s\\D*+\\d.*:$", "Thunderbird authorwroteondate, en" },
	{ PD_QP_ATTRIBUTION_WEAK,
	  "^(?>.*?(@|\\svia\\s)).*\\s(wrote|schrieb|a écrit|escribió|escreveu|ha scritto|schreef|skrev|"
	  "kirjoitti)\\s*:$",
	  "\"NAME <addr> wrote:\" of mutt, Thunderbird and Google Groups ('via LIST'), all locales" },
};
static const AttributionRule rules_de[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^am\\s\\D*+\\d.*\\s(schrieb|geschrieben|schrieben sie)(\\s.*)?:$",
	  "Gmail, Thunderbird, Apple Mail, de locale" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\s(schrieb am)\\s\\D*+\\d.*:$", "Gmail mobile, Thunderbird, de" },
};
static const AttributionRule rules_nl[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^op\\s\\D*+\\d.*\\s(schreef|geschreven)(\\s.*)?:$",
	  "Gmail, Apple Mail (\"het volgende geschreven\"), nl" },
};
static const AttributionRule rules_fr[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^le\\s\\D*+\\d.*\\sa\\s+écrit\\s*:?$", "Gmail, Thunderbird, Apple Mail, fr" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\s(a écrit le)\\s\\D*+\\d.*:$", "Thunderbird authorwroteondate, fr" },
};
static const AttributionRule rules_es[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^el\\s\\D*+\\d.*\\sescribió\\s*:?$", "Gmail, Thunderbird, es" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\s(escribió el)\\s\\D*+\\d.*:$", "Thunderbird authorwroteondate, es" },
};
static const AttributionRule rules_pt[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^em\\s\\D*+\\d.*\\sescreveu\\s*:?$", "Gmail, Apple Mail, pt/pt-BR" },
};
static const AttributionRule rules_it[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^il\\s\\D*+\\d.*\\sha\\s+scritto\\s*:?$",
	  "Gmail (\"Il giorno DATE NAME ha scritto:\"), Thunderbird, it" },
};
static const AttributionRule rules_pl[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^(dnia|dňa|w dniu)\\s\\D*+\\d.*\\s(napisał(a|\\(a\\))?|pisze)\\s*:?$",
	  "Thunderbird (\"W dniu DATE, NAME pisze:\"), Gmail, pl; sk \"Dňa\"" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\s(napisał|napisała|napisał\\(a\\)|pisze)\\s*:$",
	  "Gmail (\"DATE NAME <addr> napisał(a):\"), pl" },
	{ PD_QP_ATTRIBUTION_WEAK, "^[^<>@]*<[^\\s<>@]+@[^\\s<>]+>\\s+(napisał|napisała|napisał\\(a\\)|pisze)\\s*:$",
	  "Thunderbird, Onet/WP webmail (\"NAME <addr> napisał(a):\"), pl" },
};
static const AttributionRule rules_cs_sk[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^(dne|dňa)\\s\\D*+\\d.*\\s(napsal|napsala|napsal\\(a\\)|napísal|napísala|napísal\\(a\\))\\s*:?$",
	  "Gmail, Thunderbird (\"Dne DATE NAME napsal(a):\"), cs; sk \"Dňa ... napísal(a):\"" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\s(napsal|napsala|napsal\\(a\\)|napísal|napísala|napísal\\(a\\))\\s*:$",
	  "Gmail (\"po 3. 2. 2020 v 10:15 NAME <addr> napsal(a):\"), cs/sk" },
};
static const AttributionRule rules_tr[] = {
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\s(şunu\\s+)?yazdı\\s*:$",
	  "Gmail (\"NAME <addr>, DATE tarihinde şunu yazdı:\"), tr" },
};
static const AttributionRule rules_hu[] = {
	{ PD_QP_ATTRIBUTION_WEAK, "^[^()]*\\sezt\\s+írta\\s*(\\([^()]*\\))?\\s*:$",
	  "Gmail (\"NAME <addr> ezt írta (időpont: DATE):\"), hu" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\sírta\\s*:$", "Thunderbird, Apple Mail (\"DATE NAME írta:\"), hu" },
};
static const AttributionRule rules_ro_el_ko[] = {
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\sa\\s+scris\\s*:$", "Gmail (\"În DATE, NAME <addr> a scris:\"), ro" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\sέγραψε\\s*:$", "Gmail (\"Στις DATE, ο/η NAME <addr> έγραψε:\"), el" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*님이\\s*작성\\s*:$", "Gmail (\"DATE, NAME <addr>님이 작성:\"), ko" },
};
static const AttributionRule rules_ru[] = {
	{ PD_QP_ATTRIBUTION_WEAK,
	  "^[^<>@]*<[^\\s<>@]+@[^\\s<>]+>\\s+(написал|написала|написал\\(а\\)|пишет)\\s*:$",
	  "Thunderbird, Yandex Mail (\"NAME <addr> написал(а):\"), ru" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\s(написал|написала|написал\\(а\\)|пише|пишет)\\s*:$",
	  "Gmail (\"... пользователь NAME написал:\"), Thunderbird (\"пишет:\"), ru/uk" },
	{ PD_QP_ATTRIBUTION_WEAK, "^(?>.*?\\d{4})(?>.*?\\d{1,2}:\\d\\d).*<\\s*[^\\s<]+@[^\\s<]+?\\s*>+\\s*:$",
	  "Gmail ru (\"вт, 5 янв. 2016 г. в 23:39, NAME <addr>:\") and other DATE TIME NAME <addr>:" },
};
static const AttributionRule rules_nordic[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^den\\s\\D*+\\d.*\\sskrev\\s.*:$", "Apple Mail, Thunderbird, sv/da/no" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\sskrev\\s.*:$", "Gmail (\"DATE kl. TIME skrev NAME:\"), sv/da/no" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\sskrev( den)?\\s\\D*+\\d.*:$", "Thunderbird authorwroteondate, sv/da/no" },
};
static const AttributionRule rules_fi[] = {
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*\\skirjoitti\\s*:$", "Gmail (\"DATE klo TIME NAME kirjoitti:\"), fi" },
	{ PD_QP_ATTRIBUTION_WEAK, "\\skirjoitti\\s\\D*+\\d.*:$", "Thunderbird (\"NAME kirjoitti DATE:\"), fi" },
};
static const AttributionRule rules_zh_ja[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^在\\D*+\\d.*写道\\s*[:：]?$", "Apple Mail, QQ Mail, zh-CN" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*(寫道|写道)\\s*[:：]$", "Gmail, zh-CN/zh-TW" },
	{ PD_QP_ATTRIBUTION_WEAK, "^\\D*+\\d.*(のメッセージ|書きました)\\s*[:：]$", "Apple Mail, Thunderbird, ja" },
};
static const AttributionRule rules_iso_date[] = {
	{ PD_QP_ATTRIBUTION_STRONG, "^\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}\\s.*<\\s*[^\\s<]+@[^\\s<]+?\\s*>+\\s*:?$",
	  "Gmail with numeric dates (\"2013/7/20 NAME <addr>\"), several locales" },
	{ PD_QP_ATTRIBUTION_STRONG, "^\\d{4}-\\d\\d-\\d\\d\\s+\\d{1,2}:\\d\\d\\s+GMT[-+]\\d\\d:?\\d\\d\\s+\\S",
	  "Gmail 2015-2016 (\"2016-03-03 17:21 GMT+01:00 NAME\")" },
};

#define LANGUAGE(rules) { rules, G_N_ELEMENTS (rules) }
static const struct {
	const AttributionRule *rules;
	gsize n;
} attribution_languages[] = {
	LANGUAGE (rules_en), LANGUAGE (rules_de), LANGUAGE (rules_nl), LANGUAGE (rules_fr),
	LANGUAGE (rules_es), LANGUAGE (rules_pt), LANGUAGE (rules_it), LANGUAGE (rules_pl),
	LANGUAGE (rules_ru), LANGUAGE (rules_nordic), LANGUAGE (rules_fi), LANGUAGE (rules_zh_ja),
	LANGUAGE (rules_cs_sk), LANGUAGE (rules_tr), LANGUAGE (rules_hu), LANGUAGE (rules_ro_el_ko),
	LANGUAGE (rules_iso_date),
};

/* Forwarded / original message markers. */
static const char *const forward_patterns[] = {
	"^-{2,}\\s*(original message|forwarded message|reply message|ursprüngliche nachricht|"
	"weitergeleitete nachricht|original-nachricht|message d'origine|message transféré|"
	"mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|"
	"oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|mensagem original|"
	"mensagem encaminhada|ursprungligt meddelande|vidarebefordrat meddelande|"
	"opprinnelig melding|videresendt melding|oprindelig meddelelse|videresendt meddelelse|"
	"oprindelig besked|videresendt besked|alkuperäinen viesti|välitetty viesti|originalmeddelande|"
	"wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość|исходное сообщение|"
	"пересылаемое сообщение|переслане повідомлення|原始邮件|原始郵件|转发邮件|"
	"元のメッセージ|転送されたメッセージ|původní zpráva|přeposlaná zpráva|pôvodná správa|"
	"eredeti üzenet|továbbított üzenet|özgün ileti|orijinal mesaj|iletilen ileti|"
	"αρχικό μήνυμα|원본 메시지|전달된 메시지|mesaj original|оригінальне повідомлення)\\s*-{2,}",
	"^(begin forwarded message|début du message (réexpédié|transféré)|"
	"anfang der weitergeleiteten (nachricht|e-mail)|inizio messaggio inoltrato|"
	"comienzo del mensaje reenviado|início da mensagem reencaminhada|"
	"begin doorgestuurd bericht)\\s*:",
};

/* An Outlook header block that a conversion from HTML left on one line ("From: A Sent: DATE
 * To: B Subject: S"): who, when, and to whom or about what, in one of the languages of
 * header_pattern below. Bounded by FORWARD_HEAD_MAX, so the ".{1,200}" stay cheap. */
static const char *const one_line_header_pattern =
	"^(from|von|de|da|van|från|fra|od|от|lähettäjä)\\s*:.{1,200}?\\s(sent|date|gesendet|datum|"
	"envoyé|date d'envoi|enviado|enviado el|enviada em|fecha|inviato|data|verzonden|skickat|sendt|"
	"wysłano|отправлено|lähetetty)\\s*:.{1,200}?\\s(to|an|à|para|a|aan|till|til|do|кому|"
	"vastaanottaja|subject|betreff|objet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat|тема|"
	"aihe)\\s*:";

/* Mobile and webmail footers. */
static const char *const mobile_patterns[] = {
	"^(sent|envoyé|enviado|inviato|verzonden|verstuurd|gesendet|sendt|skickat|wysłane|"
	"wysłano|отправлено|odesláno|odoslané)\\s+(from|with|via|by|de|depuis|avec|desde|do|da|dal|met|"
	"vanaf|von|fra|från|med|z|ze|из|с)\\s",
	"^lähetetty\\s.{1,40}(sta|stä)$",
	"^(发自我的|發自我的|来自我的|來自我的)",
	"^나의\\s.+에서\\s*보냄",
	"^\\S+('|’)?(dan|den|tan|ten)\\s+gönderildi",
	"^\\S+ from (my )?mobile",
	"^from my \\S.{0,20}$",
	"^get \\[?outlook for\\s",
	"^von meinem .+ gesendet",
	"^diese nachricht wurde von .+ gesendet",
	"^från min\\s",
	"^(从我的|從我的).+(发送|傳送)",
	"^iphoneから送信",
};

/* Header field names of forwarded and replied mail, as clients write them. */
static const char *const header_pattern =
	"^(from|sent|date|to|cc|bcc|reply-to|subject|von|gesendet|an|betreff|datum|"
	"de|envoyé|expéditeur|à|objet|destinataire|répondre à|enviado|enviado el|enviado em|enviada em|para|asunto|fecha|assunto|"
	"da|inviato|a|oggetto|data|risposta|van|verzonden|aan|onderwerp|"
	"från|skickat|till|ämne|kopia|fra|sendt|til|emne|od|wysłano|do|temat|"
	"от|отправлено|кому|тема|дата|копия|lähettäjä|lähetetty|vastaanottaja|aihe|kopio|päivämäärä|"
	"发件人|发送时间|收件人|抄送|主题|寄件者|傳送時間|收件者|主旨|差出人|送信日時|宛先|件名|"
	/* cs/sk, hu, tr, el, uk, ro, ko Outlook */
	"odesláno|odoslané|komu|předmět|predmet|kopie|feladó|elküldve|címzett|tárgy|másolatot kap|"
	"kimden|gönderildi|gönderilme tarihi|kime|konu|bilgi|από|στάλθηκε|προς|θέμα|κοιν|"
	"від|надіслано|тема|de la|trimis|către|subiect|보낸 사람|받는 사람|보낸 날짜|제목|참조)"
	"\\s*\\**\\s*[:：]";

static const char *const from_pattern =
	"^(from|von|de|expéditeur|da|van|från|fra|od|от|lähettäjä|发件人|寄件者|差出人|feladó|kimden|από|"
	"від|de la|보낸 사람)\\s*\\**\\s*[:：]";

typedef struct {
	GRegex **strong;
	GRegex **weak;
	GRegex **forward;
	GRegex **mobile;
	GRegex *header;
	GRegex *from;
	GRegex *one_line_header;
} Tables;

static GRegex **
compile_list (const char *const *patterns, gsize n)
{
	GRegex **list = g_new0 (GRegex *, n + 1);
	for (gsize i = 0; i < n; i++) {
		g_autoptr (GError) error = NULL;
		list[i] = g_regex_new (patterns[i], G_REGEX_CASELESS, 0, &error);
		g_assert_no_error (error); /* the tables are ours: a bad one is a bug */
	}
	return list;
}

static GRegex *
compile_one (const char *pattern)
{
	GRegex **list = compile_list (&pattern, 1);
	GRegex *regex = list[0];
	g_free (list);
	return regex;
}

/* The attribution rules of every language, split by kind. */
static void
compile_attributions (Tables *t)
{
	g_autoptr (GPtrArray) strong = g_ptr_array_new ();
	g_autoptr (GPtrArray) weak = g_ptr_array_new ();

	for (gsize l = 0; l < G_N_ELEMENTS (attribution_languages); l++)
		for (gsize i = 0; i < attribution_languages[l].n; i++) {
			const AttributionRule *rule = &attribution_languages[l].rules[i];
			g_ptr_array_add (rule->kind == PD_QP_ATTRIBUTION_STRONG ? strong : weak,
			                 (gpointer) rule->pattern);
		}
	t->strong = compile_list ((const char *const *) strong->pdata, strong->len);
	t->weak = compile_list ((const char *const *) weak->pdata, weak->len);
}

static const Tables *
tables (void)
{
	static Tables t;
	static gsize done = 0;

	if (g_once_init_enter (&done)) {
		compile_attributions (&t);
		t.forward = compile_list (forward_patterns, G_N_ELEMENTS (forward_patterns));
		t.mobile = compile_list (mobile_patterns, G_N_ELEMENTS (mobile_patterns));
		t.header = compile_one (header_pattern);
		t.from = compile_one (from_pattern);
		t.one_line_header = compile_one (one_line_header_pattern);
		g_once_init_leave (&done, 1);
	}
	return &t;
}

static gboolean
any_match (GRegex *const *list, const char *text)
{
	for (; *list; list++)
		if (g_regex_match (*list, text, 0, NULL))
			return TRUE;
	return FALSE;
}

/* TEXT without leading blanks and the characters in SKIP, and without trailing blanks
 * and the characters in TRIM (transfer full). */
char *
pd_qp_strip_chars (const char *text, const char *skip, const char *trim)
{
	while (*text && (g_ascii_isspace (*text) || strchr (skip, *text)))
		text++;
	gsize len = strlen (text);
	while (len > 0 && (g_ascii_isspace (text[len - 1]) || strchr (trim, text[len - 1])))
		len--;
	return g_strndup (text, len);
}

const char *
pd_qp_skip_quote_marks (const char *line)
{
	while (*line == ' ' || *line == '\t' || *line == '>' || *line == '|' || *line == '*')
		line++;
	return line;
}

/* The text an attribution check looks at: "---- On DATE NAME wrote ----" and
 * "*On DATE NAME wrote:*" lose their frame. NULL when it cannot be one (transfer full). */
static char *
attribution_text (const char *line)
{
	char *text = pd_qp_strip_chars (line, ">|*-", "*-");
	if (*text == '\0' || strlen (text) > ATTRIBUTION_MAX)
		g_clear_pointer (&text, g_free);
	return text;
}

static gboolean
has_any_prefix (const char *text, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (g_str_has_prefix (text, *prefixes))
			return TRUE;
	return FALSE;
}

/* Cheap tests that hold for every line a pattern list can match (a superset): most lines
 * of a body never reach a regex. Each mirrors the start or end its patterns require. */
static gboolean
has_any (const char *text, const char *const *words)
{
	for (; *words; words++)
		if (strstr (text, *words) != NULL)
			return TRUE;
	return FALSE;
}

/* Whether TEXT may open with a strong pattern's lead word or date; no allocation. */
static gboolean
may_open_strong (const char *text)
{
	/* the first letters of "on at in am op le el em il dnia dňa dne den w dniu" */
	if (text[0] != '\0' && strchr ("oaileOAILEdDwW", text[0]) != NULL)
		return TRUE;
	return g_unichar_isdigit (g_utf8_get_char (text)) || g_str_has_prefix (text, "在");
}

/* LOWER: TEXT lower-cased. */
static gboolean
may_be_strong (const char *text, const char *lower)
{
	static const char *const leads[] = { "on", "at", "in message", "am", "op", "le", "el",
		                             "em", "il", "dnia", "dňa", "dne", "den", "w dniu", "在", NULL };
	static const char *const words[] = { "wrote", "writes", "said", "says", "schrieb",
		                             "geschrieben", "schreef", "geschreven", "écrit",
		                             "escribió", "escreveu", "scritto", "napisał", "pisze",
		                             "skrev", "写道", "napsal", "napísal", "@", "gmt", NULL };

	/* a lead word or "^\d{4}" (\d is Unicode's), and a verb, an address or "GMT" */
	if (!g_unichar_isdigit (g_utf8_get_char (text)) && !has_any_prefix (lower, leads))
		return FALSE;
	return has_any (lower, words);
}

static gboolean
may_be_weak (const char *text, const char *lower)
{
	static const char *const words[] = { "skrev", "napisa", "pisze", "напис", "пише", "kirjoitti",
		                             "寫道", "写道", "のメッセージ", "書きました", "schrieb",
		                             "wrote", "a écrit", "escribió", "escreveu",
		                             "ha scritto", "schreef", "napsal", "napísal", "yazdı", "írta",
		                             "a scris", "έγραψε", "작성", "@", NULL };

	/* every weak pattern ends in ":$" or "[:：]$" and has its verb (or an address) */
	if (!g_str_has_suffix (text, ":") && !g_str_has_suffix (text, "："))
		return FALSE;
	return has_any (lower, words);
}

gboolean
pd_qp_attribution_words (const char *line)
{
	/* the verbs of both lists, without their spaces, so none spans a join */
	static const char *const words[] = { "wrote", "writes", "said", "says", "schrieb",
		                             "schreef", "geschreven", "écrit", "escribió",
		                             "escreveu", "scritto", "napisa", "pisze", "skrev", "写道",
		                             "寫道", "напис", "пише", "kirjoitti", "のメッセージ",
		                             "書きました", "napsal", "napísal", "yazdı", "írta", "scris",
		                             "έγραψε", "작성", "@", "gmt", NULL };
	g_autofree char *lower = NULL;

	if (!g_utf8_validate (line, -1, NULL))
		return FALSE;
	lower = g_utf8_strdown (line, -1);
	return has_any (lower, words);
}

gboolean
pd_qp_attribution_may_open (const char *part)
{
	while (*part && (g_ascii_isspace (*part) || strchr (">|*-", *part)))
		part++;
	return *part == '\0' || may_open_strong (part);
}

gboolean
pd_qp_attribution_may_close (const char *part)
{
	gsize len = strlen (part);

	while (len > 0 && (g_ascii_isspace (part[len - 1]) || strchr ("*-", part[len - 1])))
		len--;
	if (len == 0)
		return TRUE;
	return part[len - 1] == ':' || (len >= 3 && memcmp (part + len - 3, "：", 3) == 0);
}

PdQpAttribution
pd_qp_attribution (const char *line)
{
	g_autofree char *text = attribution_text (line);
	g_autofree char *lower = NULL;

	if (!text)
		return PD_QP_ATTRIBUTION_NONE;
	/* what needs no lower-casing first: a weak one ends in a colon, a strong one opens with
	 * a lead word or a digit */
	if (!may_open_strong (text) && !g_str_has_suffix (text, ":") && !g_str_has_suffix (text, "："))
		return PD_QP_ATTRIBUTION_NONE;
	if (!g_utf8_validate (text, -1, NULL))
		return PD_QP_ATTRIBUTION_NONE;
	lower = g_utf8_strdown (text, -1);
	if (may_be_strong (text, lower) && any_match (tables ()->strong, text))
		return PD_QP_ATTRIBUTION_STRONG;
	if (may_be_weak (text, lower) && any_match (tables ()->weak, text))
		return PD_QP_ATTRIBUTION_WEAK;
	return PD_QP_ATTRIBUTION_NONE;
}

gboolean
pd_qp_is_forward_marker (const char *line)
{
	/* the patterns are anchored at the start: the head of a long line is all they read */
	g_autofree char *head = g_strndup (line, FORWARD_HEAD_MAX);
	const char *valid_end;

	g_utf8_validate (head, -1, &valid_end); /* not in the middle of a character */
	head[valid_end - head] = '\0';
	g_autofree char *text = pd_qp_strip_chars (head, ">|*", "*");
	/* "From: A Sent: DATE To: B": three fields, so at least three colons */
	guint colons = 0;
	for (const char *p = text; *p; p++)
		colons += *p == ':';
	if (colons >= 3 && g_regex_match (tables ()->one_line_header, text, 0, NULL))
		return TRUE;
	/* "^-{2,}..." or "^(begin|début|anfang|inizio|comienzo|início)..." */
	if (text[0] != '-' && strchr ("bdaicBDAIC", text[0]) == NULL)
		return FALSE;
	return any_match (tables ()->forward, text);
}

gboolean
pd_qp_is_mobile_signature (const char *line)
{
	static const char *const starts[] = {
		"sent", "envoy", "enviado", "inviato", "verzonden", "verstuurd", "gesendet", "sendt",
		"skickat", "wysłan", "отправлено", "from my ", "get ", "von meinem ", "diese nachricht ",
		"från min", "从我的", "從我的", "iphoneから", "lähetetty", "odesláno", "odoslané",
		"发自我的", "發自我的", "来自我的", "來自我的", "나의", NULL,
	};
	g_autofree char *text = pd_qp_strip_chars (line, "(<", "");
	g_autofree char *lower = NULL;

	if (*text == '\0' || strlen (text) > 160)
		return FALSE;
	/* an ASCII opening none of the patterns has, and no " from ": no need to look closer */
	if (g_ascii_isalpha (text[0]) && strchr ("seivwfgdloSEIVWFGDLO", text[0]) == NULL &&
	    strstr (text, "gönderildi") == NULL) {
		gboolean from = FALSE;
		for (const char *p = text; *p && !from; p++)
			from = g_ascii_strncasecmp (p, " from ", 6) == 0;
		if (!from)
			return FALSE;
	}
	if (!g_utf8_validate (text, -1, NULL))
		return FALSE;
	lower = g_utf8_strdown (text, -1);
	/* the patterns' openings, and "^\S+ from (my )?mobile" */
	if (!has_any_prefix (lower, starts) && strstr (lower, " from ") == NULL &&
	    strstr (lower, "gönderildi") == NULL)
		return FALSE;
	/* a footer names a device, and at most apologises for it ("Sent from my iPhone, please
	 * excuse typos"); "Sent from my desk, is much easier than my phone." is a sentence */
	const char *comma = strchr (lower, ',');
	if (comma != NULL) {
		static const char *const apologies[] = { "excuse", "typo", "brevity", "sorry", "pardon",
			"apolog", "entschuldig", "fautes", "disculp", "errori", "tippfehler", NULL };
		if (!has_any (comma, apologies))
			return FALSE;
	}
	return any_match (tables ()->mobile, text);
}

PdQpHeader
pd_qp_header_field (const char *line)
{
	const char *text = pd_qp_skip_quote_marks (line);
	const Tables *t = tables ();

	/* "NAME:" or "NAME：" */
	if (strchr (text, ':') == NULL && strstr (text, "：") == NULL)
		return PD_QP_HEADER_NONE;
	if (!g_regex_match (t->header, text, 0, NULL))
		return PD_QP_HEADER_NONE;
	return g_regex_match (t->from, text, 0, NULL) ? PD_QP_HEADER_FROM : PD_QP_HEADER_FIELD;
}
