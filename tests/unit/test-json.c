/* test-json.c - the JSON writer: nesting and commas, string escaping (quotes, backslash,
 * control characters), invalid UTF-8 made valid, null; each output checked byte for byte
 * ("got X, want Y") and, where the text is a document, parsed back by a tiny validator. */
#include <string.h>
#include <glib.h>
#include "core/json.h"

/* ---- a minimal strict JSON validator (RFC 8259), enough to say "this parses" ---- */

static gboolean value (const char **p);

static void
ws (const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static gboolean
string (const char **p)
{
	const char *s = *p;

	if (*s++ != '"')
		return FALSE;
	while (*s != '"') {
		if ((guchar) *s < 0x20)
			return FALSE;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (!g_ascii_isxdigit (s[i]))
						return FALSE;
				s += 4;
			} else if (strchr ("\"\\/bfnrt", *s) == NULL || *s == '\0') {
				return FALSE;
			}
		}
		s++;
	}
	*p = s + 1;
	return TRUE;
}

static gboolean
number (const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (g_ascii_isdigit (*s))
		while (g_ascii_isdigit (*s))
			s++;
	else
		return FALSE;
	*p = s;
	return TRUE;
}

static gboolean
members (const char **p, char close, gboolean keyed)
{
	(*p)++;
	ws (p);
	if (**p == close) {
		(*p)++;
		return TRUE;
	}
	for (;;) {
		ws (p);
		if (keyed) {
			if (!string (p))
				return FALSE;
			ws (p);
			if (*(*p)++ != ':')
				return FALSE;
		}
		if (!value (p))
			return FALSE;
		ws (p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (**p == close) {
			(*p)++;
			return TRUE;
		}
		return FALSE;
	}
}

static gboolean
value (const char **p)
{
	ws (p);
	switch (**p) {
	case '{': return members (p, '}', TRUE);
	case '[': return members (p, ']', FALSE);
	case '"': return string (p);
	case 't': return strncmp (*p, "true", 4) == 0 && (*p += 4, TRUE);
	case 'f': return strncmp (*p, "false", 5) == 0 && (*p += 5, TRUE);
	case 'n': return strncmp (*p, "null", 4) == 0 && (*p += 4, TRUE);
	default: return number (p);
	}
}

static gboolean
json_valid (const char *text)
{
	const char *p = text;

	if (!g_utf8_validate (text, -1, NULL) || !value (&p))
		return FALSE;
	ws (&p);
	return *p == '\0';
}

static void
test_validator (void)
{
	/* the validator itself: it must be able to say no */
	g_assert_true (json_valid ("{\"a\":[1,-2,true,false,null,\"x\\u0001\"],\"b\":{}}"));
	g_assert_false (json_valid ("{\"a\":1,}"));
	g_assert_false (json_valid ("[1,,2]"));
	g_assert_false (json_valid ("[1 2]"));
	g_assert_false (json_valid ("{\"a\"1}"));
	g_assert_false (json_valid ("\"a\nb\""));
	g_assert_false (json_valid ("\"\\x\""));
	g_assert_false (json_valid ("[1]]"));
}

/* ---- the writer ---- */

static char *
escaped (const char *s)
{
	PdJson *j = pd_json_new ();

	pd_json_string (j, s);
	return pd_json_free_to_string (j);
}

static void
test_strings (void)
{
	static const struct {
		const char *name;
		const char *in;
		const char *want;
	} cases[] = {
		{ "empty", "", "\"\"" },
		{ "plain", "hello world", "\"hello world\"" },
		{ "quote", "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "backslash", "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
		{ "backslash quote", "\\\"", "\"\\\\\\\"\"" },
		{ "newline", "a\nb", "\"a\\nb\"" },
		{ "crlf", "a\r\nb", "\"a\\r\\nb\"" },
		{ "tab", "a\tb", "\"a\\tb\"" },
		{ "control chars", "\x01\x08\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"" },
		{ "slash not escaped", "</script>", "\"</script>\"" },
		{ "del kept", "\x7f", "\"\x7f\"" },
		{ "utf-8 kept", "Grüße, 日本, 😀", "\"Grüße, 日本, 😀\"" },
		{ "invalid byte", "a\xffz", "\"a\xef\xbf\xbdz\"" },
		{ "latin-1 byte", "caf\xe9", "\"caf\xef\xbf\xbd\"" },
		{ "truncated sequence", "x\xe2\x82", "\"x\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "overlong slash", "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "surrogate", "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	g_autoptr (GString) failures = g_string_new (NULL);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = escaped (cases[i].in);

		if (g_strcmp0 (got, cases[i].want) != 0) {
			g_autofree char *got_esc = g_strescape (got, NULL);
			g_autofree char *want_esc = g_strescape (cases[i].want, NULL);

			g_string_append_printf (failures, " [case %s: got %s, want %s]", cases[i].name,
			                        got_esc, want_esc);
		}
		if (!json_valid (got))
			g_string_append_printf (failures, " [case %s: output is not valid JSON]",
			                        cases[i].name);
	}
	if (failures->len > 0)
		g_test_fail_printf ("%s", failures->str);
}

/* Every byte value in a string: the output is valid JSON and valid UTF-8. */
static void
test_all_bytes (void)
{
	char in[256];
	g_autofree char *got = NULL;
	int i;

	for (i = 1; i < 256; i++)
		in[i - 1] = (char) i;
	in[255] = '\0';
	got = escaped (in);
	g_assert_true (g_utf8_validate (got, -1, NULL));
	g_assert_true (json_valid (got));
	g_assert_true (g_str_has_prefix (got, "\"\\u0001\\u0002"));
}

static void
test_scalars (void)
{
	static const struct {
		const char *want;
		int which;
		gint64 n;
	} cases[] = {
		{ "null", 0, 0 },
		{ "true", 1, 1 },
		{ "false", 1, 0 },
		{ "0", 2, 0 },
		{ "-1", 2, -1 },
		{ "9223372036854775807", 2, G_MAXINT64 },
		{ "-9223372036854775808", 2, G_MININT64 },
		{ "null", 3, 0 },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		PdJson *j = pd_json_new ();
		g_autofree char *got = NULL;

		switch (cases[i].which) {
		case 0: pd_json_null (j); break;
		case 1: pd_json_bool (j, (gboolean) cases[i].n); break;
		case 2: pd_json_int (j, cases[i].n); break;
		case 3: pd_json_string (j, NULL); break;
		}
		got = pd_json_free_to_string (j);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_empty_containers (void)
{
	PdJson *j = pd_json_new ();
	g_autofree char *got = NULL;

	pd_json_object_begin (j);
	pd_json_key (j, "o");
	pd_json_object_begin (j);
	pd_json_object_end (j);
	pd_json_key (j, "a");
	pd_json_array_begin (j);
	pd_json_array_end (j);
	pd_json_key (j, "aa");
	pd_json_array_begin (j);
	pd_json_array_begin (j);
	pd_json_array_end (j);
	pd_json_array_begin (j);
	pd_json_array_end (j);
	pd_json_array_end (j);
	pd_json_object_end (j);
	got = pd_json_free_to_string (j);
	g_assert_cmpstr (got, ==, "{\"o\":{},\"a\":[],\"aa\":[[],[]]}");
	g_assert_true (json_valid (got));
}

static void
test_nesting (void)
{
	PdJson *j = pd_json_new ();
	g_autofree char *got = NULL;
	const char *want =
		"{\"id\":42,\"subject\":\"Re: \\\"quoted\\\"\",\"customer\":null,"
		"\"tags\":[\"a\",\"b\"],"
		"\"messages\":[{\"id\":1,\"seen\":true,\"to\":[\"x@y\"]},{\"id\":2,\"seen\":false,\"to\":[]}],"
		"\"nested\":[[1,2],[[3]],{\"k\":[null,{}]}],"
		"\"last\":\"end\"}";

	pd_json_object_begin (j);
	pd_json_member_int (j, "id", 42);
	pd_json_member_string (j, "subject", "Re: \"quoted\"");
	pd_json_member_string (j, "customer", NULL);
	pd_json_key (j, "tags");
	pd_json_array_begin (j);
	pd_json_string (j, "a");
	pd_json_string (j, "b");
	pd_json_array_end (j);
	pd_json_key (j, "messages");
	pd_json_array_begin (j);
	pd_json_object_begin (j);
	pd_json_member_int (j, "id", 1);
	pd_json_key (j, "seen");
	pd_json_bool (j, TRUE);
	pd_json_key (j, "to");
	pd_json_array_begin (j);
	pd_json_string (j, "x@y");
	pd_json_array_end (j);
	pd_json_object_end (j);
	pd_json_object_begin (j);
	pd_json_member_int (j, "id", 2);
	pd_json_key (j, "seen");
	pd_json_bool (j, FALSE);
	pd_json_key (j, "to");
	pd_json_array_begin (j);
	pd_json_array_end (j);
	pd_json_object_end (j);
	pd_json_array_end (j);
	pd_json_key (j, "nested");
	pd_json_array_begin (j);
	pd_json_array_begin (j);
	pd_json_int (j, 1);
	pd_json_int (j, 2);
	pd_json_array_end (j);
	pd_json_array_begin (j);
	pd_json_array_begin (j);
	pd_json_int (j, 3);
	pd_json_array_end (j);
	pd_json_array_end (j);
	pd_json_object_begin (j);
	pd_json_key (j, "k");
	pd_json_array_begin (j);
	pd_json_null (j);
	pd_json_object_begin (j);
	pd_json_object_end (j);
	pd_json_array_end (j);
	pd_json_object_end (j);
	pd_json_array_end (j);
	pd_json_member_string (j, "last", "end");
	pd_json_object_end (j);
	got = pd_json_free_to_string (j);
	g_assert_cmpstr (got, ==, want);
	g_assert_true (json_valid (got));
}

static void
test_keys_escaped (void)
{
	PdJson *j = pd_json_new ();
	g_autofree char *got = NULL;

	pd_json_object_begin (j);
	pd_json_member_string (j, "we\"ird\\key\n", "v");
	pd_json_member_int (j, "bad\xff", 1);
	pd_json_object_end (j);
	got = pd_json_free_to_string (j);
	g_assert_cmpstr (got, ==, "{\"we\\\"ird\\\\key\\n\":\"v\",\"bad\xef\xbf\xbd\":1}");
	g_assert_true (json_valid (got));
}

/* Many elements and deep nesting: commas stay right at every level. */
static void
test_deep (void)
{
	PdJson *j = pd_json_new ();
	g_autofree char *got = NULL;
	guint i;

	for (i = 0; i < 500; i++) {
		pd_json_array_begin (j);
		pd_json_int (j, i);
		pd_json_object_begin (j);
		pd_json_member_int (j, "i", i);
		pd_json_object_end (j);
	}
	for (i = 0; i < 500; i++) {
		pd_json_string (j, "x");
		pd_json_array_end (j);
	}
	got = pd_json_free_to_string (j);
	g_assert_true (json_valid (got));
	g_assert_true (g_str_has_prefix (got, "[0,{\"i\":0},[1,{\"i\":1},[2,"));
	/* the innermost level, then 499 closings */
	g_assert_nonnull (strstr (got, "[499,{\"i\":499},\"x\"],\"x\"],\"x\"]"));
	g_assert_true (g_str_has_suffix (got, "\"x\"],\"x\"],\"x\"]"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/json/validator", test_validator);
	g_test_add_func ("/json/strings", test_strings);
	g_test_add_func ("/json/all-bytes", test_all_bytes);
	g_test_add_func ("/json/scalars", test_scalars);
	g_test_add_func ("/json/empty-containers", test_empty_containers);
	g_test_add_func ("/json/nesting", test_nesting);
	g_test_add_func ("/json/keys-escaped", test_keys_escaped);
	g_test_add_func ("/json/deep", test_deep);
	return g_test_run ();
}
