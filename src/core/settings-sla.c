/* settings-sla.c - service levels: the [calendar NAME] sections (business hours, holidays,
 * cut-off) and the SLA keys of a [queue NAME] section (targets per priority, reminder,
 * escalation). The rest of a queue's keys are settings-queues.c's. */
#include <string.h>

#include "core/calendar.h"
#include "core/error.h"
#include "core/settings-private.h"
#include "core/strutil.h"

void
pd_calendar_settings_free (PdCalendarSettings *c)
{
	g_free (c->name);
	pd_calendar_free (c->calendar);
	g_free (c);
}

void
pd_sla_settings_free (PdSlaSettings *sla)
{
	if (sla == NULL)
		return;
	g_free (sla->calendar_name);
	g_free (sla->escalation);
	g_free (sla);
}

int
pd_sla_priority_index (const char *priority)
{
	static const char *const names[PD_SLA_PRIORITIES] = { "low", "normal", "high", "urgent" };
	int i;

	for (i = 0; priority != NULL && i < PD_SLA_PRIORITIES; i++)
		if (!strcmp (priority, names[i]))
			return i;
	return -1;
}

gboolean
pd_settings_calendars_load (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;

	for (i = 0; groups && groups[i]; i++) {
		const char *g = groups[i];
		g_autofree char *tz = NULL, *hours = NULL, *holidays = NULL, *file = NULL, *cutoff = NULL,
		                *cutoff_due = NULL;
		PdCalendarSettings *c;

		if (!g_str_has_prefix (g, "calendar "))
			continue;
		c = g_new0 (PdCalendarSettings, 1);
		c->name = g_strstrip (g_strdup (g + 9));
		g_ptr_array_add (s->calendars, c);
		tz = pd_settings_get_plain (kf, g, "timezone");
		hours = pd_settings_get_plain (kf, g, "hours");
		holidays = pd_settings_get_plain (kf, g, "holidays");
		file = pd_settings_get_plain (kf, g, "holidays_file");
		cutoff = pd_settings_get_plain (kf, g, "cutoff");
		cutoff_due = pd_settings_get_plain (kf, g, "cutoff_due");
		c->calendar = pd_calendar_new (tz, hours ? hours : "Mon-Fri 09:00-17:00", holidays, cutoff,
		                               cutoff_due, error);
		if (c->calendar != NULL && file != NULL) {
			if (!g_path_is_absolute (file)) {
				char *abs = g_build_filename (s->home, file, NULL);
				g_free (file);
				file = abs;
			}
			if (!pd_calendar_add_ical_file (c->calendar, file, error)) {
				g_prefix_error (error, "[%s] ", g);
				return FALSE;
			}
		}
		if (c->calendar == NULL) {
			g_prefix_error (error, "[%s] ", g);
			return FALSE;
		}
	}
	return TRUE;
}

const PdCalendar *
pd_settings_calendar (const PdSettings *s, const char *name)
{
	guint i;

	for (i = 0; s->calendars && i < s->calendars->len; i++) {
		const PdCalendarSettings *c = s->calendars->pdata[i];
		if (g_strcmp0 (c->name, name) == 0)
			return c->calendar;
	}
	return NULL;
}

/* "4h", "30m", "90s", "3d" (business days with a calendar, else 72 h), "cutoff". */
static gboolean
sla_target (GKeyFile *kf, const char *group, const char *key, const PdSlaSettings *sla,
            PdSlaTarget *out, GError **error)
{
	g_autofree char *v = pd_settings_get_plain (kf, group, key);
	char *end;
	gint64 n;

	if (v == NULL)
		return TRUE;
	if (!strcmp (v, "cutoff")) {
		if (sla->calendar == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] %s = cutoff needs a calendar (calendar = NAME)", group, key);
			return FALSE;
		}
		out->unit = PD_SLA_CUTOFF;
		out->amount = 0;
		return TRUE;
	}
	n = g_ascii_strtoll (v, &end, 10);
	if (end == v || n <= 0 || (*end != '\0' && end[1] != '\0') || !strchr ("smhd", *end)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[%s] %s: want 30m, 4h, 3d or cutoff, got \"%s\"", group, key, v);
		return FALSE;
	}
	out->unit = PD_SLA_SECONDS;
	switch (*end) {
	case 'm': out->amount = n * 60; break;
	case 'h': out->amount = n * 3600; break;
	case 'd':
		if (sla->calendar != NULL) {
			out->unit = PD_SLA_DAYS;
			out->amount = n;
		} else {
			out->amount = n * 86400;
		}
		break;
	default: out->amount = n; break;
	}
	return TRUE;
}

/* The SLA keys of queue group G: calendar, first_response[.PRIORITY], resolution[.PRIORITY],
 * reminder = N%, escalation = ADDRESS, pause_when_waiting. */
gboolean
pd_settings_sla_load (PdSettings *s, GKeyFile *kf, const char *g, PdQueueSettings *q,
                      GError **error)
{
	static const char *const prio[PD_SLA_PRIORITIES] = { "low", "normal", "high", "urgent" };
	PdSlaSettings *sla = q->sla = g_new0 (PdSlaSettings, 1);
	PdSlaTarget first = { 0 }, resolution = { 0 };
	g_autofree char *reminder = NULL;
	int i;

	sla->calendar_name = pd_settings_get_plain (kf, g, "calendar");
	if (sla->calendar_name != NULL &&
	    (sla->calendar = pd_settings_calendar (s, sla->calendar_name)) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] calendar: no [calendar %s] section",
		             g, sla->calendar_name);
		return FALSE;
	}
	if (!sla_target (kf, g, "first_response", sla, &first, error) ||
	    !sla_target (kf, g, "resolution", sla, &resolution, error))
		return FALSE;
	for (i = 0; i < PD_SLA_PRIORITIES; i++) {
		g_autofree char *fk = g_strdup_printf ("first_response.%s", prio[i]);
		g_autofree char *rk = g_strdup_printf ("resolution.%s", prio[i]);

		sla->first_response[i] = first;
		sla->resolution[i] = resolution;
		if (!sla_target (kf, g, fk, sla, &sla->first_response[i], error) ||
		    !sla_target (kf, g, rk, sla, &sla->resolution[i], error))
			return FALSE;
	}
	reminder = pd_settings_get_plain (kf, g, "reminder");
	if (reminder != NULL) {
		char *end;
		gint64 pct = g_ascii_strtoll (reminder, &end, 10);

		if (end == reminder || strcmp (end, "%") != 0 || pct < 1 || pct > 99) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] reminder: want a share of the target like 75%%, got \"%s\"", g,
			             reminder);
			return FALSE;
		}
		sla->reminder_pct = pct;
	}
	sla->escalation = pd_settings_get_plain (kf, g, "escalation");
	if (sla->escalation != NULL) {
		pd_ascii_lower (sla->escalation);
		if (!pd_settings_valid_address (sla->escalation)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] escalation: not an address: %s",
			             g, sla->escalation);
			return FALSE;
		}
	}
	return pd_settings_get_bool (kf, g, "pause_when_waiting", FALSE, &sla->pause_when_waiting, error);
}
