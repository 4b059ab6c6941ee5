/* settings-kb.c - the [kb] section (settings-kb.h). Kept apart from settings.c so that the
 * knowledge base's keys stay in one place. */
#include "core/settings-kb.h"

#include <string.h>

#include "core/error.h"
#include "core/settings.h"
#include "core/strutil.h"

static char *
plain (GKeyFile *kf, const char *key)
{
	char *v = g_key_file_get_string (kf, "kb", key, NULL);

	if (v != NULL && *g_strstrip (v) == '\0')
		g_clear_pointer (&v, g_free);
	return v;
}

PdKbSettings *
pd_kb_settings_load (GKeyFile *kf, GPtrArray *queues, GError **error)
{
	PdKbSettings *kb = g_new0 (PdKbSettings, 1);
	const char *at;
	guint i;

	kb->address = plain (kf, "address");
	kb->queue = plain (kf, "queue");
	if (kb->address != NULL) {
		pd_ascii_lower (kb->address);
		at = strchr (kb->address, '@');
		if (at == NULL || at == kb->address || at[1] == '\0' || strchr (at + 1, '@') != NULL ||
		    strpbrk (kb->address, " \t\r\n<>,;\"") != NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[kb] address: not an address: %s",
			             kb->address);
			goto fail;
		}
		/* a question to the kb address must not also open a ticket by its queue address */
		for (i = 0; i < queues->len; i++)
			if (g_strcmp0 (((PdQueueSettings *) queues->pdata[i])->address, kb->address) == 0) {
				g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
				             "[kb] address %s is also the address of [queue %s]",
				             kb->address, ((PdQueueSettings *) queues->pdata[i])->name);
				goto fail;
			}
	}
	if (kb->queue != NULL) {
		for (i = 0; i < queues->len; i++)
			if (g_strcmp0 (((PdQueueSettings *) queues->pdata[i])->name, kb->queue) == 0)
				break;
		if (i == queues->len) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[kb] queue: no [queue %s] section",
			             kb->queue);
			goto fail;
		}
	}
	return kb;
fail:
	pd_kb_settings_free (kb);
	return NULL;
}

void
pd_kb_settings_free (PdKbSettings *kb)
{
	if (kb == NULL)
		return;
	g_free (kb->address);
	g_free (kb->queue);
	g_free (kb);
}
