/* test-mail.c - pd_mail_parse on real messages written inline: addresses (RFC 2047, groups),
 * ids, subject, date, body choice, HTML conversion, attachments, broken charsets, CRLF; the
 * limits; garbage and every prefix of a multipart message, which must never crash. */
#include <string.h>
#include <glib.h>
#include "core/error.h"
#include "mail/mail.h"

static PdMail *
parse_len (const char *text, gsize len, const PdMailLimits *limits, GError **error)
{
	g_autoptr (GBytes) raw = g_bytes_new (text, len);

	return pd_mail_parse (raw, limits, error);
}

static PdMail *
parse_ok (const char *text)
{
	g_autoptr (GError) error = NULL;
	PdMail *mail = parse_len (text, strlen (text), NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (mail);
	return mail;
}

/* "\n" to "\r\n" */
static char *
to_crlf (const char *text)
{
	GString *s = g_string_new (NULL);

	for (; *text; text++) {
		if (*text == '\n')
			g_string_append_c (s, '\r');
		g_string_append_c (s, *text);
	}
	return g_string_free (s, FALSE);
}

static const char headers_msg[] =
	"Return-Path: <elodie@example.com>\n"
	"From: =?UTF-8?B?w4lsb2RpZSBNw7xsbGVy?= <Elodie@Example.COM>\n"
	"Sender: =?ISO-8859-1?Q?Fran=E7ois?= <Francois@Example.NET>\n"
	"Reply-To: \"Reply Desk\" <reply@example.org>, other@example.org\n"
	"To: undisclosed-team: ann@example.com, Bob <BOB@example.com>;,\n"
	" \"Carl, Jr.\" <carl@example.org>\n"
	"Cc: d@example.com, =?ISO-8859-1?Q?J=FCrgen?= <jurgen@example.de>, not-an-address\n"
	"Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?= and\n"
	" =?UTF-8?B?w4lsb2RpZQ==?= folded\n"
	"Message-ID: abc123@example.com\n"
	"In-Reply-To: <parent@example.com>\n"
	"References: <one@example.com>\n"
	" <two@example.com>\t<three@example.com>\n"
	"Date: Tue, 1 Feb 2022 11:00:00 +0100\n"
	"X-Custom: custom value\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"\n"
	"Bonjour,\n"
	"the body.\n";

static void
check_headers (PdMail *mail)
{
	PdAddress *a;

	g_assert_nonnull (mail->from);
	g_assert_cmpstr (mail->from->name, ==, "Élodie Müller");
	g_assert_cmpstr (mail->from->addr, ==, "elodie@example.com");
	g_assert_nonnull (mail->sender);
	g_assert_cmpstr (mail->sender->name, ==, "François");
	g_assert_cmpstr (mail->sender->addr, ==, "francois@example.net");
	g_assert_nonnull (mail->reply_to);
	g_assert_cmpstr (mail->reply_to->name, ==, "Reply Desk");
	g_assert_cmpstr (mail->reply_to->addr, ==, "reply@example.org");

	/* group members are flattened, addresses lower-cased */
	g_assert_cmpuint (mail->to->len, ==, 3);
	a = mail->to->pdata[0];
	g_assert_cmpstr (a->addr, ==, "ann@example.com");
	g_assert_null (a->name);
	a = mail->to->pdata[1];
	g_assert_cmpstr (a->addr, ==, "bob@example.com");
	g_assert_cmpstr (a->name, ==, "Bob");
	a = mail->to->pdata[2];
	g_assert_cmpstr (a->addr, ==, "carl@example.org");
	g_assert_cmpstr (a->name, ==, "Carl, Jr.");

	/* a word without @ is no address */
	g_assert_cmpuint (mail->cc->len, ==, 2);
	a = mail->cc->pdata[0];
	g_assert_cmpstr (a->addr, ==, "d@example.com");
	a = mail->cc->pdata[1];
	g_assert_cmpstr (a->addr, ==, "jurgen@example.de");
	g_assert_cmpstr (a->name, ==, "Jürgen");

	g_assert_true (pd_mail_addressed_to (mail, "BOB@example.com"));
	g_assert_true (pd_mail_addressed_to (mail, "jurgen@example.de"));
	g_assert_false (pd_mail_addressed_to (mail, "elodie@example.com"));
	g_assert_false (pd_mail_addressed_to (mail, "undisclosed-team"));

	g_assert_cmpstr (mail->message_id, ==, "abc123@example.com");
	g_assert_cmpstr (mail->in_reply_to, ==, "parent@example.com");
	g_assert_cmpuint (mail->references->len, ==, 3);
	g_assert_cmpstr (mail->references->pdata[0], ==, "one@example.com");
	g_assert_cmpstr (mail->references->pdata[1], ==, "two@example.com");
	g_assert_cmpstr (mail->references->pdata[2], ==, "three@example.com");

	g_assert_cmpstr (mail->subject, ==, "Café crème and Élodie folded");
	/* 2022-02-01 10:00:00 UTC */
	g_assert_cmpint (mail->date, ==, G_GINT64_CONSTANT (1643709600));
	g_assert_cmpstr (pd_mail_header (mail, "X-Custom"), ==, "custom value");
	g_assert_cmpstr (pd_mail_header (mail, "x-custom"), ==, "custom value");
	g_assert_null (pd_mail_header (mail, "X-Absent"));

	g_assert_cmpstr (mail->body_text, ==, "Bonjour,\nthe body.\n");
	g_assert_false (mail->body_from_html);
	g_assert_null (mail->body_html);
	g_assert_cmpuint (mail->attachments->len, ==, 0);
	g_assert_nonnull (mail->message);
	g_assert_nonnull (mail->raw);
}

static void
test_headers (void)
{
	g_autoptr (PdMail) mail = parse_ok (headers_msg);

	check_headers (mail);
	g_assert_cmpuint (g_bytes_get_size (mail->raw), ==, strlen (headers_msg));
}

static void
test_headers_crlf (void)
{
	g_autofree char *crlf = to_crlf (headers_msg);
	g_autoptr (PdMail) mail = parse_ok (crlf);

	check_headers (mail);
}

typedef struct {
	const char *name;
	const char *header; /* the header block; a text/plain body is appended */
	const char *subject;
	const char *message_id;
	const char *in_reply_to;
	const char *from_name;
	const char *from_addr;
	gint64 date;
} HeaderCase;

static const HeaderCase header_cases[] = {
	{ "minimal", "From: a@example.com\n", "", NULL, NULL, NULL, "a@example.com", 0 },
	{ "ids with <>", "Subject: s\nMessage-ID: <x@y>\nIn-Reply-To: <p@q> <r@s>\n", "s", "x@y",
	  "p@q", NULL, NULL, 0 },
	{ "in-reply-to with a comment",
	  "Subject: s\nIn-Reply-To: <p@q> (Bob's message of Monday)\n", "s", NULL, "p@q", NULL, NULL,
	  0 },
	{ "in-reply-to as a phrase",
	  "Subject: s\nIn-Reply-To: Your message of \"Mon, 1 Jan\" <p@q>\n", "s", NULL, "p@q", NULL,
	  NULL, 0 },
	{ "utf-8 subject raw", "Subject: Grüße aus Köln\n", "Grüße aus Köln", NULL, NULL, NULL, NULL,
	  0 },
	{ "latin-1 subject raw bytes", "Subject: Caf\xe9\n", NULL, NULL, NULL, NULL, NULL, 0 },
	{ "q-encoded subject with underscore", "Subject: =?utf-8?q?a_b=3F?=\n", "a b?", NULL, NULL,
	  NULL, NULL, 0 },
	{ "unknown charset in encoded word", "Subject: =?x-unknown?q?ab=E9?=\n", NULL, NULL, NULL,
	  NULL, NULL, 0 },
	{ "subject with control chars", "Subject: =?utf-8?q?a=0D=0Ab=00c?=\n", NULL, NULL, NULL, NULL,
	  NULL, 0 },
	{ "iso-8859-1 from name", "From: =?iso-8859-1?q?Ren=E9_Z=FCrcher?= <rene@example.ch>\n", "",
	  NULL, NULL, "René Zürcher", "rene@example.ch", 0 },
	{ "quoted from name", "From: \"Doe, John\" <JOHN@EXAMPLE.COM>\n", "", NULL, NULL,
	  "Doe, John", "john@example.com", 0 },
	{ "old-style from comment", "From: john@example.com (John Doe)\n", "", NULL, NULL,
	  "John Doe", "john@example.com", 0 },
	{ "from without @ is no from", "From: MAILER-DAEMON\nSubject: x\n", "x", NULL, NULL, NULL,
	  NULL, 0 },
	{ "from group takes its first member", "From: team: a@example.com, b@example.com;\n", "",
	  NULL, NULL, NULL, "a@example.com", 0 },
	{ "date utc", "Subject: d\nDate: Thu, 1 Jan 1970 00:01:00 +0000\n", "d", NULL, NULL, NULL,
	  NULL, 60 },
	{ "date with zone", "Subject: d\nDate: Sat, 1 Jan 2000 01:00:00 +0100\n", "d", NULL, NULL,
	  NULL, NULL, G_GINT64_CONSTANT (946684800) },
	{ "date garbage", "Subject: d\nDate: not a date at all\n", "d", NULL, NULL, NULL, NULL, 0 },
	{ "only message-id", "Message-ID: <only@example.com>\n", "", "only@example.com", NULL, NULL,
	  NULL, 0 },
};

static void
test_header_table (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (header_cases); i++) {
		const HeaderCase *c = &header_cases[i];
		g_autofree char *text = g_strconcat (c->header, "\nbody\n", NULL);
		g_autoptr (GError) error = NULL;
		g_autoptr (PdMail) mail = NULL;
		const char *p;

		g_test_message ("case %s", c->name);
		mail = parse_len (text, strlen (text), NULL, &error);
		g_assert_no_error (error);
		g_assert_nonnull (mail);
		/* whatever came in: valid UTF-8 without CR, LF or NUL */
		g_assert_true (g_utf8_validate (mail->subject, -1, NULL));
		for (p = mail->subject; *p; p++)
			g_assert_cmpint ((guchar) *p, >=, 0x20);
		if (c->subject)
			g_assert_cmpstr (mail->subject, ==, c->subject);
		g_assert_cmpstr (mail->message_id, ==, c->message_id);
		g_assert_cmpstr (mail->in_reply_to, ==, c->in_reply_to);
		if (c->from_addr == NULL) {
			g_assert_null (mail->from);
		} else {
			g_assert_nonnull (mail->from);
			g_assert_cmpstr (mail->from->addr, ==, c->from_addr);
			g_assert_cmpstr (mail->from->name, ==, c->from_name);
		}
		g_assert_cmpint (mail->date, ==, c->date);
		g_assert_cmpstr (mail->body_text, ==, "body\n");
	}
}

/* Message-ID, In-Reply-To and References without <>, as some clients and gateways send them. */
static void
test_ids_without_brackets (void)
{
	static const struct {
		const char *name;
		const char *header;
		const char *message_id;
		const char *in_reply_to;
		const char *references; /* space-separated */
	} cases[] = {
		{ "all bare", "Message-ID: m@x\nIn-Reply-To: p@x\nReferences: r1@x r2@x\n", "m@x", "p@x",
		  "r1@x r2@x" },
		{ "in-reply-to bare", "Subject: s\nIn-Reply-To: parent@example.com\n", NULL,
		  "parent@example.com", "" },
		{ "references bare, folded", "Subject: s\nReferences: one@example.com\n two@example.com\n",
		  NULL, NULL, "one@example.com two@example.com" },
		{ "references mixed", "Subject: s\nReferences: <one@x> two@x <three@x>\n", NULL, NULL,
		  "one@x two@x three@x" },
	};
	g_autoptr (GString) failures = g_string_new (NULL);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *text = g_strconcat (cases[i].header, "\nbody\n", NULL);
		g_autoptr (PdMail) mail = parse_ok (text);
		g_autofree char *refs = NULL;

		g_ptr_array_add (mail->references, NULL);
		refs = g_strjoinv (" ", (char **) mail->references->pdata);
		g_ptr_array_remove_index (mail->references, mail->references->len - 1);
		if (g_strcmp0 (mail->message_id, cases[i].message_id) != 0)
			g_string_append_printf (failures, " [case %s: Message-ID got \"%s\", want \"%s\"]",
			                        cases[i].name, mail->message_id, cases[i].message_id);
		if (g_strcmp0 (mail->in_reply_to, cases[i].in_reply_to) != 0)
			g_string_append_printf (failures, " [case %s: In-Reply-To got \"%s\", want \"%s\"]",
			                        cases[i].name, mail->in_reply_to, cases[i].in_reply_to);
		if (g_strcmp0 (refs, cases[i].references) != 0)
			g_string_append_printf (failures, " [case %s: References got \"%s\", want \"%s\"]",
			                        cases[i].name, refs, cases[i].references);
	}
	if (failures->len > 0)
		g_test_fail_printf ("%s", failures->str);
}

static void
test_latin1_subject_raw (void)
{
	g_autoptr (PdMail) mail = parse_ok ("Subject: Caf\xe9 cr\xe8me\nFrom: a@b.c\n\nx\n");

	g_assert_true (g_utf8_validate (mail->subject, -1, NULL));
	g_assert_true (g_str_has_prefix (mail->subject, "Caf"));
	g_assert_true (g_str_has_suffix (mail->subject, "me"));
}

static const char alternative_msg[] =
	"From: a@example.com\n"
	"Subject: alt\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/alternative; boundary=\"ALT\"\n"
	"\n"
	"preamble\n"
	"--ALT\n"
	"Content-Type: text/html; charset=utf-8\n"
	"\n"
	"<p>the <b>html</b> version</p>\n"
	"--ALT\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"the plain version, caf=E9\n"
	"--ALT--\n"
	"epilogue\n";

static void
test_alternative (void)
{
	g_autoptr (PdMail) mail = parse_ok (alternative_msg);

	g_assert_cmpstr (mail->body_text, ==, "the plain version, café");
	g_assert_false (mail->body_from_html);
	g_assert_nonnull (mail->body_html);
	g_assert_nonnull (strstr (mail->body_html, "<b>html</b>"));
	g_assert_cmpuint (mail->attachments->len, ==, 0);
	g_assert_cmpuint (mail->depth, ==, 1);
}

static void
test_html_only (void)
{
	static const char msg[] =
		"From: a@example.com\n"
		"Subject: html\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/html; charset=utf-8\n"
		"\n"
		"<html><head><title>Title</title><style>p{color:red}</style>\n"
		"<script>alert('head')</script></head>\n"
		"<body><p>Hello <b>world</b> &amp; you</p><script type=\"text/javascript\">evil();</script>\n"
		"<p>Second para</p></body></html>\n";
	g_autoptr (PdMail) mail = parse_ok (msg);

	g_assert_true (mail->body_from_html);
	g_assert_nonnull (mail->body_html);
	g_assert_nonnull (strstr (mail->body_text, "Hello world & you"));
	g_assert_nonnull (strstr (mail->body_text, "Second para"));
	g_assert_null (strstr (mail->body_text, "alert"));
	g_assert_null (strstr (mail->body_text, "evil"));
	g_assert_null (strstr (mail->body_text, "color"));
	g_assert_null (strstr (mail->body_text, "<"));
	g_assert_null (strstr (mail->body_text, "Title"));
}

static const char attach_msg[] =
	"From: Sender <sender@example.com>\n"
	"To: support@example.com\n"
	"Subject: files\n"
	"Message-ID: <att@example.com>\n"
	"Date: Tue, 1 Feb 2022 10:00:00 +0000\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"B1\"\n"
	"\n"
	"--B1\n"
	"Content-Type: multipart/alternative; boundary=\"B2\"\n"
	"\n"
	"--B2\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"\n"
	"See attached.\n"
	"--B2\n"
	"Content-Type: text/html; charset=utf-8\n"
	"\n"
	"<p>See attached.</p>\n"
	"--B2--\n"
	"--B1\n"
	"Content-Type: application/octet-stream; name=\"passwd\"\n"
	"Content-Disposition: attachment; filename=\"../../etc/passwd\"\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"cm9vdDp4OjA6MDpyb290Oi9yb290Oi9iaW4vc2gKAAEC//4gYmluYXJ5\n"
	"--B1\n"
	"Content-Type: IMAGE/PNG; name=\"bytes.png\"\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\n"
	"OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx\n"
	"cnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmq\n"
	"q6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj\n"
	"5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==\n"
	"--B1\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\n"
	"\n"
	"resume text\n"
	"--B1\n"
	"Content-Type: message/rfc822\n"
	"Content-Disposition: attachment\n"
	"\n"
	"From: inner@example.com\n"
	"Subject: the forwarded one\n"
	"\n"
	"inner body\n"
	"--B1--\n";

static void
check_attachments (PdMail *mail)
{
	static const guchar passwd[] = "root:x:0:0:root:/root:/bin/sh\n\x00\x01\x02\xff\xfe binary";
	PdAttachment *a;
	g_autoptr (GBytes) want = NULL;
	guchar all[256];
	guint i;

	/* the line break before a boundary belongs to the boundary */
	g_assert_cmpstr (mail->body_text, ==, "See attached.");
	g_assert_false (mail->body_from_html);
	g_assert_cmpstr (mail->body_html, ==, "<p>See attached.</p>");
	g_assert_cmpuint (mail->depth, ==, 2);
	g_assert_cmpuint (mail->attachments->len, ==, 4);

	a = mail->attachments->pdata[0];
	/* the base name only */
	g_assert_cmpstr (a->filename, ==, "passwd");
	g_assert_cmpstr (a->content_type, ==, "application/octet-stream");
	want = g_bytes_new_static (passwd, sizeof passwd - 1);
	g_assert_true (g_bytes_equal (a->data, want));
	g_assert_cmpstr (a->sha256, ==,
	                 "57c517cf584b64ac6a18d1b33c80ce253638c8a09257e3ce9853da281fffe469");

	a = mail->attachments->pdata[1];
	g_assert_cmpstr (a->filename, ==, "bytes.png");
	g_assert_cmpstr (a->content_type, ==, "image/png");
	for (i = 0; i < 256; i++)
		all[i] = (guchar) i;
	g_assert_cmpmem (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), all, 256);
	g_assert_cmpstr (a->sha256, ==,
	                 "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");

	/* a text/plain attachment is an attachment, not the body */
	a = mail->attachments->pdata[2];
	g_assert_cmpstr (a->filename, ==, "résumé.txt");
	g_assert_cmpstr (a->content_type, ==, "text/plain");

	a = mail->attachments->pdata[3];
	g_assert_cmpstr (a->content_type, ==, "message/rfc822");
	g_assert_nonnull (a->filename);
	{
		g_autofree char *inner = g_strndup (g_bytes_get_data (a->data, NULL),
		                                    g_bytes_get_size (a->data));
		g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->data);

		g_assert_nonnull (strstr (inner, "Subject: the forwarded one"));
		g_assert_nonnull (strstr (inner, "inner body"));
		g_assert_cmpstr (a->sha256, ==, sha);
	}
	/* the forwarded message's subject is not ours */
	g_assert_cmpstr (mail->subject, ==, "files");
}

static void
test_attachments (void)
{
	g_autoptr (PdMail) mail = parse_ok (attach_msg);

	check_attachments (mail);
}

static void
test_attachments_crlf (void)
{
	g_autofree char *crlf = to_crlf (attach_msg);
	g_autoptr (PdMail) mail = parse_ok (crlf);
	guint i;

	check_attachments (mail);
	for (i = 0; i < mail->attachments->len; i++) {
		PdAttachment *a = mail->attachments->pdata[i];
		g_assert_nonnull (a->sha256);
		g_assert_cmpuint (strlen (a->sha256), ==, 64);
	}
}

static void
test_filenames (void)
{
	static const struct {
		const char *disposition;
		const char *want;
	} cases[] = {
		{ "attachment; filename=\"../../etc/passwd\"", "passwd" },
		{ "attachment; filename=\"/abs/path/x.pdf\"", "x.pdf" },
		{ "attachment; filename=\"dir/\"", "dir" },
		{ "attachment; filename=\"a\\\"b.txt\"", "a\"b.txt" },
		{ "attachment; filename=\"=?utf-8?q?na=C3=AFve=0D=0A.txt?=\"", "naïve  .txt" },
		{ "attachment", NULL },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *msg = g_strdup_printf (
			"From: a@example.com\nSubject: f\nMIME-Version: 1.0\n"
			"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
			"--b\nContent-Type: text/plain\n\nbody\n"
			"--b\nContent-Type: application/pdf\nContent-Disposition: %s\n\ndata\n--b--\n",
			cases[i].disposition);
		g_autoptr (PdMail) mail = parse_ok (msg);
		PdAttachment *a;

		g_test_message ("case %s", cases[i].disposition);
		g_assert_cmpuint (mail->attachments->len, ==, 1);
		a = mail->attachments->pdata[0];
		g_assert_cmpstr (a->filename, ==, cases[i].want);
		if (a->filename != NULL) {
			g_assert_null (strchr (a->filename, '/'));
			g_assert_null (strchr (a->filename, '\n'));
			g_assert_null (strchr (a->filename, '\r'));
		}
	}
}

static void
test_broken_charset (void)
{
	static const char msg[] =
		"From: a@example.com\n"
		"Subject: =?x-unknown?b?/w==?= charset\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=x-unknown\n"
		"Content-Transfer-Encoding: 8bit\n"
		"\n"
		"Caf\xe9 \xff\xfe\xc3 ok\n"
		"second \x80 line\n";
	static const char msg_mislabelled[] =
		"From: a@example.com\n"
		"Subject: mislabelled\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"\n"
		"Caf\xe9 ok \xed\xa0\x80 surrogate \xc0\xaf overlong\n";
	static const char msg_nocharset[] =
		"From: a@example.com\n"
		"Subject: no charset\n"
		"Content-Type: text/plain\n"
		"\n"
		"8-bit \xe9\xe8 ok\n";
	const char *msgs[] = { msg, msg_mislabelled, msg_nocharset };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (msgs); i++) {
		g_autoptr (PdMail) mail = parse_ok (msgs[i]);

		g_test_message ("message %u: body \"%s\"", i, mail->body_text);
		g_assert_true (g_utf8_validate (mail->body_text, -1, NULL));
		g_assert_true (g_utf8_validate (mail->subject, -1, NULL));
		g_assert_nonnull (strstr (mail->body_text, "ok"));
		g_assert_null (strchr (mail->body_text, '\r'));
	}
}

static void
test_not_a_message (void)
{
	static const char *const bad[] = {
		"\n",
		"\n\n\n",
		"just some text\nwithout any headers\n",
		"X-Only: a header nobody needs\n\nbody\n",
		"From \n",
		":::::\n",
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (PdMail) mail = NULL;

		g_test_message ("case %u", i);
		mail = parse_len (bad[i], strlen (bad[i]), NULL, &error);
		g_assert_null (mail);
		g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
		g_assert_nonnull (error->message);
	}
}

/* Zero bytes (an empty file, an empty pipe): an error, and no GLib criticals on the way. */
static void
test_empty (void)
{
	if (g_test_subprocess ()) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
		g_autoptr (GBytes) empty2 = g_bytes_new ("", 0);
		g_autoptr (PdMail) mail = NULL;

		/* criticals not fatal here: see what production (no G_DEBUG) would do */
		g_log_set_always_fatal (G_LOG_FATAL_MASK);
		g_log_set_fatal_mask ("GMime", G_LOG_FATAL_MASK);
		g_log_set_fatal_mask ("gmime", G_LOG_FATAL_MASK);
		g_log_set_fatal_mask ("GLib-GObject", G_LOG_FATAL_MASK);
		mail = pd_mail_parse (empty, NULL, &error);
		g_assert_null (mail);
		g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
		g_clear_error (&error);
		mail = pd_mail_parse (empty2, NULL, &error);
		g_assert_null (mail);
		g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
		return;
	}
	g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed ();
	/* the rest of the binary still runs if this fails */
	g_test_set_nonfatal_assertions ();
	g_test_trap_assert_stderr_unmatched ("*CRITICAL*");
}

/* Random bytes never crash the parser and never pass as a message. */
static void
test_random_bytes (void)
{
	guint round;

	for (round = 0; round < 300; round++) {
		guint32 seed = g_test_rand_int ();
		g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
		gsize len = g_rand_int_range (rand, 1, 4096), i; /* 0: test_empty */
		g_autofree guchar *buf = g_malloc (len + 1);
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) raw = NULL;
		g_autoptr (PdMail) mail = NULL;
		/* half of them printable, with line breaks, to get past the first bytes */
		gboolean text = round % 2 == 1;

		for (i = 0; i < len; i++)
			buf[i] = text ? (g_rand_int_range (rand, 0, 20) == 0 ? '\n'
			                                                     : g_rand_int_range (rand, 32, 127))
			              : g_rand_int_range (rand, 0, 256);
		raw = g_bytes_new (buf, len);
		mail = pd_mail_parse (raw, NULL, &error);
		if (mail != NULL)
			g_error ("seed %u (%s, %" G_GSIZE_FORMAT " bytes): parsed, want an error", seed,
			         text ? "text" : "binary", len);
		g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	}
}

static void
test_max_size (void)
{
	PdMailLimits limits = { .max_size = 100 };
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = NULL;
	gsize len = strlen (headers_msg);

	mail = parse_len (headers_msg, len, &limits, &error);
	g_assert_null (mail);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	g_clear_error (&error);

	/* exactly at the limit is fine */
	limits.max_size = len;
	mail = parse_len (headers_msg, len, &limits, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mail);
	g_clear_pointer (&mail, pd_mail_free);

	limits.max_size = len - 1;
	mail = parse_len (headers_msg, len, &limits, &error);
	g_assert_null (mail);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
}

/* N multiparts, each the only part of the one before. FOLD: the Content-Type header is folded
 * after its colon, which RFC 5322 allows. */
static char *
nested_message (guint n, gboolean fold)
{
	GString *s = g_string_new ("From: a@example.com\nSubject: deep\nMIME-Version: 1.0\n");
	guint i;

	for (i = 0; i < n; i++) {
		g_string_append_printf (s, "Content-Type:%smultipart/mixed; boundary=\"b%u\"\n\n",
		                        fold ? "\n " : " ", i);
		g_string_append_printf (s, "--b%u\n", i);
	}
	g_string_append (s, "Content-Type: text/plain\n\nthe bottom\n");
	for (i = n; i > 0; i--)
		g_string_append_printf (s, "--b%u--\n", i - 1);
	return g_string_free (s, FALSE);
}

static void
test_nesting (void)
{
	PdMailLimits limits = { .max_depth = 100 };
	g_autofree char *deep = nested_message (200, FALSE);
	g_autofree char *shallow = nested_message (50, FALSE);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = NULL;

	mail = parse_len (deep, strlen (deep), &limits, &error);
	g_assert_null (mail);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	g_clear_error (&error);

	mail = parse_len (shallow, strlen (shallow), &limits, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mail);
	g_assert_cmpuint (mail->depth, ==, 50);
	g_assert_cmpstr (mail->body_text, ==, "the bottom");
	g_clear_pointer (&mail, pd_mail_free);

	/* no limit: parsed */
	mail = parse_len (deep, strlen (deep), NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mail);
	g_assert_cmpuint (mail->depth, ==, 200);
}

/* The same 200-deep message with its Content-Type headers folded: still over the limit. */
static void
test_nesting_folded (void)
{
	PdMailLimits limits = { .max_depth = 100 };
	g_autofree char *deep = nested_message (200, TRUE);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = NULL;

	/* GMime reads the folded header as multipart/mixed */
	mail = parse_len (deep, strlen (deep), NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (mail->depth, ==, 200);
	g_clear_pointer (&mail, pd_mail_free);

	mail = parse_len (deep, strlen (deep), &limits, &error);
	if (mail != NULL)
		g_test_fail_printf ("200 nested multiparts with folded Content-Type and max_depth 100: "
		                    "got parsed (depth %u), want PD_ERROR_DATA", mail->depth);
	else
		g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
}

static void
test_max_parts (void)
{
	PdMailLimits limits = { .max_parts = 3 };
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = NULL;

	/* multipart/mixed, multipart/alternative, 2 texts, 4 attachments: 8 parts */
	mail = parse_len (attach_msg, strlen (attach_msg), &limits, &error);
	g_assert_null (mail);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	g_clear_error (&error);

	limits.max_parts = 100;
	mail = parse_len (attach_msg, strlen (attach_msg), &limits, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mail);
}

static void
check_invariants (const PdMail *mail)
{
	guint i;

	g_assert_nonnull (mail->subject);
	g_assert_true (g_utf8_validate (mail->subject, -1, NULL));
	g_assert_nonnull (mail->body_text);
	g_assert_true (g_utf8_validate (mail->body_text, -1, NULL));
	g_assert_nonnull (mail->references);
	g_assert_nonnull (mail->to);
	g_assert_nonnull (mail->cc);
	g_assert_nonnull (mail->attachments);
	for (i = 0; i < mail->attachments->len; i++) {
		PdAttachment *a = mail->attachments->pdata[i];
		g_assert_nonnull (a->content_type);
		g_assert_nonnull (a->sha256);
		g_assert_nonnull (a->data);
	}
	for (i = 0; i < mail->to->len; i++)
		g_assert_nonnull (((PdAddress *) mail->to->pdata[i])->addr);
}

/* Every prefix of a multipart message, LF and CRLF: parsed or refused, never a crash. */
static void
test_every_prefix (void)
{
	g_autofree char *crlf = to_crlf (attach_msg);
	const char *texts[] = { attach_msg, crlf, headers_msg };
	PdMailLimits limits = { .max_size = 1 << 20, .max_depth = 100, .max_parts = 100 };
	guint t;

	for (t = 0; t < G_N_ELEMENTS (texts); t++) {
		gsize n = strlen (texts[t]), len;
		guint parsed = 0;

		/* length 0 is test_empty's */
		for (len = 1; len <= n; len++) {
			g_autoptr (GError) error = NULL;
			g_autoptr (PdMail) mail = parse_len (texts[t], len, &limits, &error);

			if (mail == NULL) {
				g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
			} else {
				g_assert_no_error (error);
				check_invariants (mail);
				parsed++;
			}
		}
		g_test_message ("text %u: %u of %" G_GSIZE_FORMAT " prefixes parsed", t, parsed, n + 1);
		/* the whole message parses, and so do most prefixes that hold a From line */
		g_assert_cmpuint (parsed, >, n / 2);
	}
}

/* A NUL byte in the subject and the body: the text after it is kept, the NUL replaced. */
static void
test_nul_byte (void)
{
	static const char msg[] = "From: a@example.org\nTo: support@example.com\n"
	                          "Subject: left\0right\nMessage-ID: <n@example.org>\n\n"
	                          "before\0after\nline two\n";
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = parse_len (msg, sizeof msg - 1, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (mail);
	g_assert_cmpstr (mail->subject, ==, "left right");
	g_assert_cmpstr (mail->body_text, ==, "before\xef\xbf\xbd" "after\nline two\n");
	g_assert_cmpstr (mail->message_id, ==, "n@example.org");
	/* the raw bytes stay as received */
	g_assert_cmpuint (g_bytes_get_size (mail->raw), ==, sizeof msg - 1);

	/* in a base64 body, too */
	static const char b64[] = "From: a@example.org\nSubject: b\nContent-Transfer-Encoding: base64\n\n"
	                          "YQBiCg==\n"; /* "a\0b\n" */
	g_autoptr (PdMail) mail2 = parse_len (b64, sizeof b64 - 1, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (mail2->body_text, ==, "a\xef\xbf\xbd" "b\n");
}

/* A ':' inside an encoded word is text of a display name, not a group's colon. */
static void
test_colon_in_encoded_word (void)
{
	static const struct {
		const char *from;
		const char *name;
		const char *addr;
	} cases[] = {
		{ "=?utf-8?q?Evil:_group?= <customer@example.org>", "Evil: group", "customer@example.org" },
		{ "=?utf-8?b?RXZpbDogZ3JvdXA=?= <customer@example.org>", "Evil: group", "customer@example.org" },
		{ "=?utf-8?q?a:?= =?utf-8?q?b;c,d?= <x@example.org>", "a:b;c,d", "x@example.org" },
		{ "\"Quoted: name\" <q@example.org>", "Quoted: name", "q@example.org" },
		{ "=?utf-8?q?Evil:?= victim@example.net, <customer@example.org>", NULL, NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *msg = g_strdup_printf (
			"From: %s\nTo: =?utf-8?q?Team:?= <support@example.com>, b@example.com\n"
			"Subject: colon\n\nx\n", cases[i].from);
		g_autoptr (PdMail) mail = parse_ok (msg);

		g_test_message ("case %u: %s", i, cases[i].from);
		g_assert_cmpuint (mail->to->len, ==, 2);
		g_assert_cmpstr (((PdAddress *) mail->to->pdata[0])->addr, ==, "support@example.com");
		g_assert_cmpstr (((PdAddress *) mail->to->pdata[0])->name, ==, "Team:");
		g_assert_cmpstr (((PdAddress *) mail->to->pdata[1])->addr, ==, "b@example.com");
		if (cases[i].addr == NULL)
			continue;
		g_assert_nonnull (mail->from);
		g_assert_cmpstr (mail->from->addr, ==, cases[i].addr);
		g_assert_cmpstr (mail->from->name, ==, cases[i].name);
	}
}

/* The text body is bounded (PD_MAIL_TEXT_MAX): quote stripping, the classifier and
 * notifications see at most that much; the raw message is whole. */
static void
test_text_bounded (void)
{
	GString *msg = g_string_new ("From: a@example.org\nSubject: big\n\n");
	gsize head = msg->len;

	while (msg->len - head < 3 * PD_MAIL_TEXT_MAX)
		g_string_append (msg, "a line of text that repeats\n");
	g_autoptr (GBytes) raw = g_string_free_to_bytes (msg);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = pd_mail_parse (raw, NULL, &error);

	g_assert_no_error (error);
	g_assert_true (mail->body_truncated);
	g_assert_cmpuint (strlen (mail->body_text), <=, PD_MAIL_TEXT_MAX + 200);
	g_assert_cmpuint (strlen (mail->body_text), >=, PD_MAIL_TEXT_MAX - 100);
	g_assert_true (g_str_has_prefix (mail->body_text, "a line of text that repeats\n"));
	/* cut at a line end, with a note */
	g_assert_nonnull (strstr (mail->body_text, "repeats\n\n[text truncated"));
	g_assert_cmpuint (g_bytes_get_size (mail->raw), ==, g_bytes_get_size (raw));

	/* under the bound: whole, no note */
	g_autoptr (PdMail) small = parse_ok ("From: a@example.org\nSubject: s\n\nshort\n");
	g_assert_false (small->body_truncated);
	g_assert_cmpstr (small->body_text, ==, "short\n");

	/* HTML-only: the converted text is bounded too */
	GString *html = g_string_new ("From: a@example.org\nSubject: h\nContent-Type: text/html\n\n<p>");
	while (html->len < 6 * PD_MAIL_TEXT_MAX)
		g_string_append (html, "word <b>bold</b> ");
	g_string_append (html, "</p>\n");
	g_autoptr (GBytes) hraw = g_string_free_to_bytes (html);
	g_autoptr (PdMail) hmail = pd_mail_parse (hraw, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (hmail->body_from_html);
	g_assert_true (hmail->body_truncated);
	g_assert_cmpuint (strlen (hmail->body_text), <=, PD_MAIL_TEXT_MAX + 200);
}

/* issue 10: a UTF-8 or ASCII text part is read without converting it when it is valid as it
 * is; when it is not, it goes through the conversion as before: the text is the same either
 * way (CRs dropped, NULs as U+FFFD, an invalid byte dropped by the conversion, 8-bit bytes in
 * "us-ascii" text dropped too). */
static void
test_utf8_text_unconverted (void)
{
	static const struct {
		const char *charset, *body, *want;
	} cases[] = {
		{ "utf-8", "caf\xc3\xa9 cr\xc3\xa8me\r\nline two\r\n", "caf\xc3\xa9 cr\xc3\xa8me\nline two" },
		{ "UTF8", "plain ascii\r\n\r\nend\r\n", "plain ascii\n\nend" },
		{ "us-ascii", "plain ascii\r\n", "plain ascii" },
		{ "us-ascii", "caf\xc3\xa9\r\n", "caf" },
		{ "utf-8", "caf\xe9 ok \xc3\xa9\r\n", "caf ok \xc3\xa9" },
		{ "utf-8", "a\r\rb\r\n", "ab" }, /* a lone CR goes too */
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *text = g_strdup_printf ("From: a@b.c\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
		                                         "Content-Type: text/plain; charset=%s\r\n\r\n%s",
		                                         cases[i].charset, cases[i].body);
		g_autoptr (PdMail) mail = parse_ok (text);
		g_autofree char *got = g_strchomp (g_strdup (mail->body_text));

		g_assert_cmpstr (got, ==, cases[i].want);
	}
	{
		/* NULs inside the text, no CR at all: each becomes U+FFFD, the rest stays */
		static const char raw[] = "From: a@b.c\nContent-Type: text/plain; charset=utf-8\n\nab\0cd\0\0ef\n";
		g_autoptr (PdMail) mail = parse_len (raw, sizeof raw - 1, NULL, NULL);

		g_assert_nonnull (mail);
		g_assert_cmpstr (mail->body_text, ==, "ab\xef\xbf\xbd" "cd\xef\xbf\xbd\xef\xbf\xbd" "ef\n");
	}
}

/* issue 10, cpu: text without a charset is read as it is and made valid UTF-8; the ASCII
 * run before the first other byte is found a word at a time. At every offset around the
 * 32-byte steps: an 8-bit byte that is not UTF-8 becomes U+FFFD, valid UTF-8 stays, ASCII
 * stays; and a us-ascii part with such a byte still goes through the conversion */
static void
test_text_without_charset (void)
{
	static const char *const odd[] = { "\xc3\xa9", "\xe9", "\xe2\x82\xac", "\xe2\x82" };

	for (guint at = 0; at < 72; at++) {
		for (guint k = 0; k < G_N_ELEMENTS (odd); k++) {
			g_autoptr (GString) body = g_string_new (NULL);
			g_autofree char *text = NULL, *want = NULL;

			for (guint i = 0; i < at; i++)
				g_string_append_c (body, 'a' + i % 26);
			g_string_append (body, odd[k]);
			g_string_append (body, " and then more plain text after it, long enough\n");
			want = g_utf8_make_valid (body->str, body->len);
			text = g_strdup_printf ("From: a@b.c\r\nSubject: s\r\n\r\n%s", body->str);
			{
				g_autoptr (PdMail) mail = parse_ok (text);

				g_assert_cmpstr (mail->body_text, ==, want);
			}
			g_free (text);
			text = g_strdup_printf ("From: a@b.c\r\nContent-Type: text/plain; charset=us-ascii"
			                        "\r\n\r\n%s", body->str);
			{
				g_autoptr (PdMail) mail = parse_ok (text);

				/* us-ascii with 8-bit bytes: not read as it is, converted (as before) */
				g_assert_true (g_utf8_validate (mail->body_text, -1, NULL));
				g_assert_cmpstr (mail->body_text, !=, body->str);
				g_assert_cmpint (strncmp (mail->body_text, body->str, at), ==, 0);
			}
		}
	}
	{
		/* all ASCII, longer than a step: as it is */
		g_autoptr (PdMail) mail = parse_ok ("From: a@b.c\r\n\r\n"
		                                    "0123456789012345678901234567890123456789012345678901234567890123456789\r\n");

		g_assert_cmpstr (mail->body_text, ==,
		                 "0123456789012345678901234567890123456789012345678901234567890123456789\n");
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/mail/headers", test_headers);
	g_test_add_func ("/mail/headers-crlf", test_headers_crlf);
	g_test_add_func ("/mail/header-table", test_header_table);
	g_test_add_func ("/mail/ids-without-brackets", test_ids_without_brackets);
	g_test_add_func ("/mail/latin1-subject-raw", test_latin1_subject_raw);
	g_test_add_func ("/mail/alternative", test_alternative);
	g_test_add_func ("/mail/html-only", test_html_only);
	g_test_add_func ("/mail/attachments", test_attachments);
	g_test_add_func ("/mail/attachments-crlf", test_attachments_crlf);
	g_test_add_func ("/mail/filenames", test_filenames);
	g_test_add_func ("/mail/broken-charset", test_broken_charset);
	g_test_add_func ("/mail/not-a-message", test_not_a_message);
	g_test_add_func ("/mail/empty", test_empty);
	g_test_add_func ("/mail/random-bytes", test_random_bytes);
	g_test_add_func ("/mail/limits/max-size", test_max_size);
	g_test_add_func ("/mail/limits/nesting", test_nesting);
	g_test_add_func ("/mail/limits/nesting-folded", test_nesting_folded);
	g_test_add_func ("/mail/limits/max-parts", test_max_parts);
	g_test_add_func ("/mail/every-prefix", test_every_prefix);
	g_test_add_func ("/mail/nul-byte", test_nul_byte);
	g_test_add_func ("/mail/colon-in-encoded-word", test_colon_in_encoded_word);
	g_test_add_func ("/mail/limits/text-bounded", test_text_bounded);
	g_test_add_func ("/mail/utf8-text-unconverted", test_utf8_text_unconverted);
	g_test_add_func ("/mail/text-without-charset", test_text_without_charset); /* issue 10, cpu */
	return g_test_run ();
}
