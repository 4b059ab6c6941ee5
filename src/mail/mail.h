/* mail.h - a parsed incoming message (PdMail), built with GMime from raw bytes.
 * Parsing never touches the store or the file system; attachments are kept in memory
 * (their bytes and SHA-256) for actions.c to store. A PdMail owns everything it points to. */
#ifndef PD_MAIL_H
#define PD_MAIL_H

#include <glib.h>
#include <gmime/gmime.h>

typedef struct {
	char *name; /* display name, RFC 2047 decoded, UTF-8; may be NULL */
	char *addr; /* lower-cased addr-spec; never NULL */
} PdAddress;

typedef struct {
	char *filename;     /* may be NULL */
	char *content_type; /* "type/subtype" */
	char *sha256;       /* hex digest of the decoded content */
	GBytes *data;       /* decoded content */
} PdAttachment;

typedef struct {
	GBytes *raw;             /* the bytes as received */
	GMimeMessage *message;   /* the GMime tree, for filters that look at MIME parts */
	char *message_id;        /* without <>; NULL if absent */
	char *in_reply_to;       /* first msg-id of In-Reply-To, without <>; may be NULL */
	GPtrArray *references;   /* char*, msg-ids without <>, oldest first (never NULL) */
	char *subject;           /* decoded, UTF-8, unfolded; "" if absent */
	gint64 date;             /* Unix time of Date:, 0 if absent or unparsable */
	PdAddress *from;         /* may be NULL (no or unparsable From) */
	PdAddress *sender;       /* Sender:, may be NULL */
	PdAddress *reply_to;     /* first Reply-To address, may be NULL */
	GPtrArray *to;           /* PdAddress*, never NULL */
	GPtrArray *cc;           /* PdAddress*, never NULL */
	char *body_text;         /* best text body, UTF-8, LF line ends, NUL bytes replaced by
	                          * U+FFFD; "" if none. At most PD_MAIL_TEXT_MAX bytes (cut at a
	                          * line end, with a note): what quote stripping, the filters and
	                          * notifications read. RAW has the whole message. */
	gboolean body_truncated; /* body_text is the head of a longer text */
	gboolean body_from_html; /* body_text was converted from text/html */
	char *body_html;         /* the text/html part as UTF-8, if any (unsanitised!) */
	GPtrArray *attachments;  /* PdAttachment*, never NULL */
	guint depth;             /* deepest MIME nesting seen */
} PdMail;

/* The most text of a body a PdMail holds (and HTML converted: 4 times that of HTML). */
#define PD_MAIL_TEXT_MAX (256 * 1024)

typedef struct {
	gsize max_size;  /* bytes; 0 = no limit */
	guint max_depth; /* MIME nesting; 0 = no limit */
	guint max_parts; /* MIME parts; 0 = no limit */
} PdMailLimits;

/* Parse RAW. On failure (not a message, over a limit) returns NULL and sets ERROR in
 * PD_ERROR with code PD_ERROR_DATA and a message that says why (used as quarantine reason).
 * (transfer full) */
PdMail *pd_mail_parse (GBytes *raw, const PdMailLimits *limits, GError **error);
void pd_mail_free (PdMail *mail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdMail, pd_mail_free)

/* The first value of header NAME as GMime gives it (unfolded); NULL if absent.
 * (transfer none: valid while MAIL lives) */
const char *pd_mail_header (const PdMail *mail, const char *name);

/* The decoded text of PART in UTF-8, without CRs, NUL bytes as U+FFFD, at most MAX bytes
 * (cut at a line end where one is near, else at a character): decoded as a stream, so a huge
 * part never sits in memory whole. TRUNCATED_R (may be NULL): there was more.
 * (transfer full) */
char *pd_mail_part_text (GMimePart *part, gsize max, gboolean *truncated_r);

/* Is ADDR (case-insensitive) among the To and Cc addresses. */
gboolean pd_mail_addressed_to (const PdMail *mail, const char *addr);

#endif
