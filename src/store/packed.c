/* packed.c - deflate long text for the store, inflate it back. GIO's zlib converters, one
 * shot per value; level 3: most of the saving (text of mail deflates 3-4x) at a fraction of
 * the time of the default level, since processing does this for every message. */
#include "store/packed.h"

#include <gio/gio.h>
#include <string.h>

#include "core/log.h"

#define MAGIC "PDz1"
#define MAGIC_LEN 4
/* below this deflate saves too little to pay for itself */
#define MIN_PACK 256

static GByteArray *
convert_all (GConverter *conv, const guint8 *in, gsize len, GByteArray *out, GError **error)
{
	gsize pos = 0;

	for (;;) {
		guint8 buf[16384];
		gsize nread = 0, nwritten = 0;
		GConverterResult r = g_converter_convert (conv, in + pos, len - pos, buf, sizeof buf,
		                                          G_CONVERTER_INPUT_AT_END, &nread,
		                                          &nwritten, error);

		if (r == G_CONVERTER_ERROR) {
			g_byte_array_unref (out);
			return NULL;
		}
		pos += nread;
		g_byte_array_append (out, buf, (guint) nwritten);
		if (r == G_CONVERTER_FINISHED)
			return out;
		if (nread == 0 && nwritten == 0 && pos >= len) {
			/* the input ended before the stream did */
			g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
			                     "truncated deflate stream");
			g_byte_array_unref (out);
			return NULL;
		}
	}
}

/* TEXT deflated behind the magic, or NULL when it is short or does not shrink. */
static GByteArray *
pack (const char *text, gsize len)
{
	g_autoptr (GZlibCompressor) z = NULL;
	GByteArray *out;

	if (text == NULL || len < MIN_PACK)
		return NULL;
	z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 3);
	out = g_byte_array_sized_new ((guint) (len / 3 + 64));
	g_byte_array_append (out, (const guint8 *) MAGIC, MAGIC_LEN);
	out = convert_all (G_CONVERTER (z), (const guint8 *) text, len, out, NULL);
	if (out != NULL && out->len >= len) {
		/* incompressible: plain text it is */
		g_byte_array_unref (out);
		return NULL;
	}
	return out;
}

void
pd_bind_packed_text (sqlite3_stmt *stmt, int i, const char *text)
{
	GByteArray *out = pack (text, text ? strlen (text) : 0);

	if (out == NULL) {
		sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
		return;
	}
	sqlite3_bind_blob (stmt, i, out->data, (int) out->len, SQLITE_TRANSIENT);
	g_byte_array_unref (out);
}

char *
pd_col_packed_text (sqlite3_stmt *stmt, int i)
{
	const guint8 *p;
	int n;
	g_autoptr (GZlibDecompressor) z = NULL;
	g_autoptr (GError) error = NULL;
	GByteArray *out;

	switch (sqlite3_column_type (stmt, i)) {
	case SQLITE_NULL:
		return NULL;
	case SQLITE_BLOB:
		p = sqlite3_column_blob (stmt, i);
		n = sqlite3_column_bytes (stmt, i);
		if (n >= MAGIC_LEN && memcmp (p, MAGIC, MAGIC_LEN) == 0)
			break;
		/* a BLOB that is not packed is read as text */
		G_GNUC_FALLTHROUGH;
	default:
		return g_strdup ((const char *) sqlite3_column_text (stmt, i));
	}
	z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
	out = convert_all (G_CONVERTER (z), p + MAGIC_LEN, (gsize) n - MAGIC_LEN,
	                   g_byte_array_sized_new ((guint) n * 4), &error);
	if (out == NULL) {
		pd_log_warn ("a packed text column does not inflate: %s", error->message);
		return NULL;
	}
	g_byte_array_append (out, (const guint8 *) "", 1);
	return (char *) g_byte_array_free (out, FALSE);
}

/* pd_text(X): X as text, inflated when it is packed (SQL that must read a packed column,
 * e.g. erasure scrubbing an address from every message's text). */
static void
text_func (sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	const guint8 *p;
	int n;
	g_autoptr (GZlibDecompressor) z = NULL;
	GByteArray *out;

	(void) argc;
	if (sqlite3_value_type (argv[0]) != SQLITE_BLOB) {
		sqlite3_result_value (sc, argv[0]);
		return;
	}
	p = sqlite3_value_blob (argv[0]);
	n = sqlite3_value_bytes (argv[0]);
	if (n < MAGIC_LEN || memcmp (p, MAGIC, MAGIC_LEN) != 0) {
		sqlite3_result_text (sc, (const char *) p, n, SQLITE_TRANSIENT);
		return;
	}
	z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
	out = convert_all (G_CONVERTER (z), p + MAGIC_LEN, (gsize) n - MAGIC_LEN,
	                   g_byte_array_sized_new ((guint) n * 4), NULL);
	if (out == NULL) {
		sqlite3_result_null (sc);
		return;
	}
	sqlite3_result_text (sc, (const char *) out->data, (int) out->len, SQLITE_TRANSIENT);
	g_byte_array_unref (out);
}

/* pd_pack(X): text X as it is stored, deflated when that is worth it (a message's text
 * written by SQL, e.g. kept before its raw bytes go). */
static void
pack_func (sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	GByteArray *out;

	(void) argc;
	if (sqlite3_value_type (argv[0]) == SQLITE_NULL) {
		sqlite3_result_null (sc);
		return;
	}
	out = pack ((const char *) sqlite3_value_text (argv[0]), (gsize) sqlite3_value_bytes (argv[0]));
	if (out == NULL) {
		sqlite3_result_value (sc, argv[0]);
		return;
	}
	sqlite3_result_blob (sc, out->data, (int) out->len, SQLITE_TRANSIENT);
	g_byte_array_unref (out);
}

/* pd_derived_text(RAW): the text of the mail RAW, as processing stored it (NULL for NULL). */
static void
derived_func (sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	g_autoptr (GBytes) raw = NULL;
	char *text;

	(void) argc;
	if (sqlite3_value_type (argv[0]) == SQLITE_NULL) {
		sqlite3_result_null (sc);
		return;
	}
	raw = g_bytes_new (sqlite3_value_blob (argv[0]), (gsize) sqlite3_value_bytes (argv[0]));
	text = pd_store_derive_text (raw);
	if (text == NULL)
		sqlite3_result_null (sc);
	else
		sqlite3_result_text (sc, text, -1, g_free);
}

int
pd_packed_register (sqlite3 *db)
{
	int rc = sqlite3_create_function (db, "pd_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                                  text_func, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function (db, "pd_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
		                              pack_func, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function (db, "pd_derived_text", 1,
		                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, derived_func,
		                              NULL, NULL);
	return rc;
}

/* Incoming mail's text (issue 10): derived from its raw bytes by the function the app set. */
static PdTextDeriver deriver;

void
pd_store_set_text_deriver (PdTextDeriver fn)
{
	deriver = fn;
}

gboolean
pd_store_derives_text (void)
{
	return deriver != NULL;
}

char *
pd_store_derive_text (GBytes *raw)
{
	return deriver != NULL && raw != NULL ? deriver (raw) : NULL;
}
