/* json.h - a small JSON writer over GString for --json output: objects, arrays, strings
 * (escaped, invalid UTF-8 replaced), numbers, booleans, null. Commas are managed here. */
#ifndef PD_JSON_H
#define PD_JSON_H

#include <glib.h>

typedef struct PdJson PdJson;

PdJson *pd_json_new (void);
/* Finish and return the text. (transfer full) */
char *pd_json_free_to_string (PdJson *json);
void pd_json_object_begin (PdJson *json);
void pd_json_object_end (PdJson *json);
void pd_json_array_begin (PdJson *json);
void pd_json_array_end (PdJson *json);
void pd_json_key (PdJson *json, const char *key);
void pd_json_string (PdJson *json, const char *value); /* NULL writes null */
void pd_json_int (PdJson *json, gint64 value);
void pd_json_bool (PdJson *json, gboolean value);
void pd_json_null (PdJson *json);
/* key + value shorthands */
void pd_json_member_string (PdJson *json, const char *key, const char *value);
void pd_json_member_int (PdJson *json, const char *key, gint64 value);

/* A number already formatted as JSON ("66.7"); the caller vouches for its syntax (reports). */
void pd_json_number (PdJson *json, const char *literal);

#endif
