/* settings-queues.c - the [queue NAME] sections (address, subject tag, locale, display name;
 * "support" when there is none) and finding a queue by name. The SLA keys of a queue are
 * settings-sla.c's; routing between queues is settings-route.c's. */
#include <string.h>

#include "core/error.h"
#include "core/settings-private.h"
#include "core/strutil.h"

void
pd_queue_settings_free (PdQueueSettings *q)
{
	g_free (q->name);
	g_free (q->address);
	g_free (q->tag);
	g_free (q->locale);
	g_free (q->display_name);
	pd_sla_settings_free (q->sla);
	g_free (q);
}

gboolean
pd_settings_queues_load (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;

	for (i = 0; groups && groups[i]; i++) {
		PdQueueSettings *q;

		if (!g_str_has_prefix (groups[i], "queue "))
			continue;
		q = g_new0 (PdQueueSettings, 1);
		q->name = g_strstrip (g_strdup (groups[i] + 6));
		g_ptr_array_add (s->queues, q);
		if (*q->name == '\0' || strpbrk (q->name, " ,") != NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s]: a queue name is one word", groups[i]);
			return FALSE;
		}
		q->address = pd_settings_get_str (kf, groups[i], "address", NULL);
		if (q->address == NULL)
			q->address = g_strdup_printf ("%s@%s", q->name, s->domain);
		pd_ascii_lower (q->address);
		if (!pd_settings_valid_address (q->address)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] address: not an address: %s",
			             groups[i], q->address);
			return FALSE;
		}
		q->tag = pd_settings_get_str (kf, groups[i], "tag", NULL);
		if (q->tag == NULL)
			q->tag = g_ascii_strup (q->name, -1);
		q->locale = pd_settings_get_str (kf, groups[i], "locale", s->locale);
		q->display_name = pd_settings_get_str (kf, groups[i], "name", NULL);
		if (!pd_settings_get_bool (kf, groups[i], "agent_name_in_from", FALSE,
		                          &q->agent_name_in_from, error) ||
		    !pd_settings_get_duration (kf, groups[i], "first_response", &q->first_response, error) ||
		    !pd_settings_get_duration (kf, groups[i], "resolution", &q->resolution, error) ||
		    !pd_settings_sla_load (s, kf, groups[i], q, error))
			return FALSE;
	}
	if (s->queues->len == 0) {
		PdQueueSettings *q = g_new0 (PdQueueSettings, 1);

		q->name = g_strdup ("support");
		q->address = g_strdup_printf ("support@%s", s->domain);
		q->tag = g_strdup ("SUPPORT");
		q->locale = g_strdup (s->locale);
		q->sla = g_new0 (PdSlaSettings, 1);
		g_ptr_array_add (s->queues, q);
	}
	return TRUE;
}

const PdQueueSettings *
pd_settings_queue (const PdSettings *s, const char *name)
{
	guint i;

	for (i = 0; i < s->queues->len; i++) {
		const PdQueueSettings *q = s->queues->pdata[i];
		if (g_strcmp0 (q->name, name) == 0)
			return q;
	}
	return NULL;
}
