/* template.h - outgoing mail templates: a header block, a blank line, a body, with
 * {{var}}, {{#section}}..{{/section}} (a list, or shown when the value is non-empty) and
 * {{^section}}..{{/section}} (shown when empty). No HTML escaping: templates are text mail;
 * values put into headers lose their line breaks. */
#ifndef PD_TEMPLATE_H
#define PD_TEMPLATE_H

#include <glib.h>

typedef struct PdTemplateData PdTemplateData;

PdTemplateData *pd_template_data_new (void);
void pd_template_data_free (PdTemplateData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdTemplateData, pd_template_data_free)
void pd_template_data_set (PdTemplateData *data, const char *key, const char *value);
void pd_template_data_set_int (PdTemplateData *data, const char *key, gint64 value);
/* Append an item to list SECTION and return it to be filled. (transfer none) */
PdTemplateData *pd_template_data_add_item (PdTemplateData *data, const char *section);

/* Expand TEXT with DATA. ONE_LINE: CR/LF in values become spaces (for headers).
 * FALSE with PD_ERROR_CONFIG on an unclosed or mismatched section. (transfer full) */
char *pd_template_expand (const char *text, const PdTemplateData *data, gboolean one_line,
                          GError **error);

typedef struct {
	GPtrArray *headers; /* char*: "Name", "value", "Name", "value", ... */
	char *body;
} PdRendered;
void pd_rendered_free (PdRendered *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdRendered, pd_rendered_free)
/* The header NAME of R, or NULL. (transfer none) */
const char *pd_rendered_header (const PdRendered *r, const char *name);

/* Render template NAME ("ack") for LOCALE: HOME/templates/LOCALE/NAME.txt, then the
 * built-in templates/LOCALE/NAME.txt, then the same for "en". (transfer full) */
PdRendered *pd_template_render (const char *home, const char *locale, const char *name,
                                const PdTemplateData *data, GError **error);

#endif
