/* json.c - the JSON writer. Each container level remembers whether it has a member yet. */
#include "core/json.h"

struct PdJson {
	GString *out;
	GArray *first; /* gboolean per open container: no member written yet */
	gboolean after_key;
};

PdJson *
pd_json_new (void)
{
	PdJson *j = g_new0 (PdJson, 1);

	j->out = g_string_new (NULL);
	j->first = g_array_new (FALSE, FALSE, sizeof (gboolean));
	return j;
}

char *
pd_json_free_to_string (PdJson *j)
{
	char *s = g_string_free (j->out, FALSE);

	g_array_unref (j->first);
	g_free (j);
	return s;
}

/* Before any value: a comma unless it is the first in its container or follows a key. */
static void
separate (PdJson *j)
{
	if (j->after_key) {
		j->after_key = FALSE;
		return;
	}
	if (j->first->len > 0) {
		gboolean *first = &g_array_index (j->first, gboolean, j->first->len - 1);
		if (!*first)
			g_string_append_c (j->out, ',');
		*first = FALSE;
	}
}

static void
open_container (PdJson *j, char c)
{
	gboolean yes = TRUE;

	separate (j);
	g_string_append_c (j->out, c);
	g_array_append_val (j->first, yes);
}

static void
close_container (PdJson *j, char c)
{
	g_return_if_fail (j->first->len > 0);
	g_array_set_size (j->first, j->first->len - 1);
	g_string_append_c (j->out, c);
}

void pd_json_object_begin (PdJson *j) { open_container (j, '{'); }
void pd_json_object_end (PdJson *j) { close_container (j, '}'); }
void pd_json_array_begin (PdJson *j) { open_container (j, '['); }
void pd_json_array_end (PdJson *j) { close_container (j, ']'); }

static void
escape (GString *out, const char *s)
{
	g_autofree char *valid = g_utf8_make_valid (s, -1);
	const char *p;

	g_string_append_c (out, '"');
	for (p = valid; *p; p++) {
		guchar c = (guchar) *p;

		switch (c) {
		case '"': g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		default:
			if (c < 0x20)
				g_string_append_printf (out, "\\u%04x", c);
			else
				g_string_append_c (out, c);
		}
	}
	g_string_append_c (out, '"');
}

void
pd_json_key (PdJson *j, const char *key)
{
	separate (j);
	escape (j->out, key);
	g_string_append_c (j->out, ':');
	j->after_key = TRUE;
}

void
pd_json_string (PdJson *j, const char *value)
{
	separate (j);
	if (value == NULL)
		g_string_append (j->out, "null");
	else
		escape (j->out, value);
}

void
pd_json_int (PdJson *j, gint64 value)
{
	separate (j);
	g_string_append_printf (j->out, "%" G_GINT64_FORMAT, value);
}

void
pd_json_bool (PdJson *j, gboolean value)
{
	separate (j);
	g_string_append (j->out, value ? "true" : "false");
}

void
pd_json_null (PdJson *j)
{
	separate (j);
	g_string_append (j->out, "null");
}

void
pd_json_member_string (PdJson *j, const char *key, const char *value)
{
	pd_json_key (j, key);
	pd_json_string (j, value);
}

void
pd_json_member_int (PdJson *j, const char *key, gint64 value)
{
	pd_json_key (j, key);
	pd_json_int (j, value);
}

void
pd_json_number (PdJson *j, const char *literal)
{
	separate (j);
	g_string_append (j->out, literal);
}
