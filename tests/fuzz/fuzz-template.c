/* fuzz-template.c - libFuzzer target for the template renderer (src/core/template.c). The
 * input is "TEMPLATE" or "TEMPLATE\0VALUE\0VALUE...": the template is expanded with data whose
 * values come from the input (the names the built-in templates use, then "a", "b"), lists
 * "articles" (two items, the first with a nested list) and "errors"; then each built-in
 * template is rendered with the same data, and no header may carry a line break. */
#include "fuzz-common.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/template.h"

static const char *const keys[] = {
	"subject", "customer_name", "text", "ticket", "tag", "signature", "customer", "state",
	"priority", "queue", "assignee", "sla", "next_states", "first_error", "new_ticket",
	"has_articles", "queue_address", "title", "url", "error", "a", "b",
};

static const char *const builtin[] = { "ack", "notify", "reply", "command-error" };

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_quiet_logs ();
	pd_log_set_quiet (TRUE);
	return 0;
}

static PdTemplateData *
make_data (GPtrArray *values)
{
	PdTemplateData *d = pd_template_data_new ();
	PdTemplateData *item;
	guint i;

	for (i = 0; i < G_N_ELEMENTS (keys); i++)
		pd_template_data_set (d, keys[i], i < values->len ? values->pdata[i] : "v");
	item = pd_template_data_add_item (d, "articles");
	pd_template_data_set (item, "title", values->len > 0 ? values->pdata[values->len - 1] : "T1");
	pd_template_data_set (pd_template_data_add_item (item, "a"), "url", "inner");
	item = pd_template_data_add_item (d, "articles");
	pd_template_data_set (item, "title", "T2");
	pd_template_data_set (item, "url", "");
	pd_template_data_set (pd_template_data_add_item (d, "errors"), "error", "line 1: bad");
	return d;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const char *p = (const char *) data, *end = p + size;
	const char *nul = memchr (p, '\0', size);
	g_autofree char *text = g_strndup (p, nul ? (gsize) (nul - p) : size);
	g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (PdTemplateData) d = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	guint i, h;

	/* the values: the NUL-separated pieces after the template */
	for (p = nul; p != NULL && p < end;) {
		const char *next;

		p++;
		next = memchr (p, '\0', end - p);
		g_ptr_array_add (values, g_strndup (p, (next ? next : end) - p));
		p = next;
	}
	d = make_data (values);

	out = pd_template_expand (text, d, size % 2, &error);
	if (out == NULL && (error == NULL || error->domain != PD_ERROR))
		abort ();
	if (out != NULL && size % 2 && nul != NULL && strchr (text, '\n') == NULL &&
	    strchr (text, '\r') == NULL && strpbrk (out, "\r\n") != NULL)
		abort (); /* one_line: no line break may come from a value */
	g_clear_error (&error);

	for (i = 0; i < G_N_ELEMENTS (builtin); i++) {
		g_autoptr (PdRendered) r = pd_template_render ("/nonexistent", "en", builtin[i], d, &error);

		if (r == NULL)
			abort (); /* the built-in templates render whatever the values */
		for (h = 0; h < r->headers->len; h++)
			if (strpbrk (r->headers->pdata[h], "\r\n") != NULL)
				abort (); /* header injection */
	}
	return 0;
}
