/* test-calendar.c - business-hour arithmetic: weekends, holidays (config list and
 * iCalendar), Europe/Berlin's DST changes, business days, the cut-off at 13:59 and 14:01,
 * several ranges per day, and malformed calendars. */
#include "core/calendar.h"
#include "core/error.h"

static gint64
t (const char *iso)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

	g_assert_nonnull (dt);
	return g_date_time_to_unix (dt);
}

static char *
iso (gint64 u)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (u);

	return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static PdCalendar *
office (void)
{
	g_autoptr (GError) error = NULL;
	PdCalendar *cal = pd_calendar_new ("Europe/Berlin", "Mon-Fri 09:00-17:00",
	                                   "2026-12-24;2026-12-25", NULL, NULL, &error);

	g_assert_no_error (error);
	return cal;
}

typedef struct {
	const char *start;
	gint64 seconds;
	const char *want; /* UTC */
} AddCase;

static void
test_add_seconds (void)
{
	static const AddCase cases[] = {
		{ "2026-11-30T10:00:00+01:00", 4 * 3600, "2026-11-30T13:00:00Z" }, /* same day */
		{ "2026-11-30T10:00:00+01:00", 7 * 3600, "2026-11-30T16:00:00Z" }, /* exactly at close */
		{ "2026-11-30T10:00:00+01:00", 7 * 3600 + 1, "2026-12-01T08:00:01Z" },
		{ "2026-12-04T16:00:00+01:00", 4 * 3600, "2026-12-07T11:00:00Z" }, /* weekend */
		{ "2026-12-23T15:00:00+01:00", 4 * 3600, "2026-12-28T10:00:00Z" }, /* holidays + weekend */
		{ "2026-03-27T16:00:00+01:00", 4 * 3600, "2026-03-30T10:00:00Z" }, /* into CEST */
		{ "2026-10-23T16:00:00+02:00", 4 * 3600, "2026-10-26T11:00:00Z" }, /* back to CET */
		{ "2026-12-05T12:00:00+01:00", 3600, "2026-12-07T09:00:00Z" },     /* Saturday */
		{ "2026-11-30T07:00:00+01:00", 1800, "2026-11-30T08:30:00Z" },     /* before opening */
		{ "2026-11-30T20:00:00+01:00", 0, "2026-12-01T08:00:00Z" },        /* after close, 0 */
		{ "2026-11-30T10:00:00+01:00", 0, "2026-11-30T09:00:00Z" },
		{ "2026-11-30T10:00:00+01:00", 40 * 3600, "2026-12-07T09:00:00Z" }, /* a whole week */
	};
	g_autoptr (PdCalendar) cal = office ();
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = iso (pd_calendar_add_seconds (cal, t (cases[i].start), cases[i].seconds));

		g_test_message ("%s + %" G_GINT64_FORMAT " s: got %s, want %s", cases[i].start,
		                cases[i].seconds, got, cases[i].want);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_add_days (void)
{
	static const AddCase cases[] = {
		{ "2026-11-30T10:00:00+01:00", 3, "2026-12-03T09:00:00Z" },
		{ "2026-12-04T16:00:00+01:00", 1, "2026-12-07T15:00:00Z" }, /* over the weekend */
		{ "2026-12-22T10:00:00+01:00", 3, "2026-12-29T09:00:00Z" }, /* over the holidays */
		{ "2026-03-27T10:00:00+01:00", 1, "2026-03-30T08:00:00Z" }, /* same wall time, CEST */
		{ "2026-10-23T10:00:00+02:00", 1, "2026-10-26T09:00:00Z" }, /* same wall time, CET */
		{ "2026-12-05T12:00:00+01:00", 1, "2026-12-08T08:00:00Z" }, /* Saturday: from Mon 09:00 */
		{ "2026-11-30T18:00:00+01:00", 2, "2026-12-03T08:00:00Z" }, /* after close */
	};
	g_autoptr (PdCalendar) cal = office ();
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = iso (pd_calendar_add_days (cal, t (cases[i].start), cases[i].seconds));

		g_test_message ("%s + %" G_GINT64_FORMAT " d: got %s, want %s", cases[i].start,
		                cases[i].seconds, got, cases[i].want);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_between (void)
{
	g_autoptr (PdCalendar) cal = office ();

	g_assert_cmpint (pd_calendar_between (cal, t ("2026-12-04T16:00:00+01:00"),
	                                      t ("2026-12-07T12:00:00+01:00")), ==, 4 * 3600);
	g_assert_cmpint (pd_calendar_between (cal, t ("2026-03-27T16:00:00+01:00"),
	                                      t ("2026-03-30T12:00:00+02:00")), ==, 4 * 3600);
	g_assert_cmpint (pd_calendar_between (cal, t ("2026-12-23T09:00:00+01:00"),
	                                      t ("2026-12-28T17:00:00+01:00")), ==, 16 * 3600);
	g_assert_cmpint (pd_calendar_between (cal, t ("2026-12-05T09:00:00+01:00"),
	                                      t ("2026-12-06T17:00:00+01:00")), ==, 0);
	g_assert_cmpint (pd_calendar_between (cal, 100, 50), ==, 0);
}

static void
test_cutoff (void)
{
	static const AddCase cases[] = {
		{ "2026-11-30T13:59:00+01:00", 0, "2026-11-30T16:00:00Z" }, /* same day, at close */
		{ "2026-11-30T14:01:00+01:00", 0, "2026-12-01T10:00:00Z" }, /* next day 11:00 */
		{ "2026-11-30T14:00:00+01:00", 0, "2026-12-01T10:00:00Z" }, /* at the cut-off: after */
		{ "2026-11-30T07:30:00+01:00", 0, "2026-11-30T16:00:00Z" }, /* before opening */
		{ "2026-12-04T14:01:00+01:00", 0, "2026-12-07T10:00:00Z" }, /* Friday: Monday */
		{ "2026-12-23T14:01:00+01:00", 0, "2026-12-28T10:00:00Z" }, /* before the holidays */
		{ "2026-12-05T10:00:00+01:00", 0, "2026-12-07T16:00:00Z" }, /* Saturday */
		{ "2026-03-27T14:01:00+01:00", 0, "2026-03-30T09:00:00Z" }, /* Monday is CEST */
	};
	g_autoptr (PdCalendar) cal = office ();
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = iso (pd_calendar_cutoff_due (cal, t (cases[i].start)));

		g_test_message ("cut-off %s: got %s, want %s", cases[i].start, got, cases[i].want);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_cutoff_configured (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdCalendar) cal = pd_calendar_new ("UTC", "Mon-Fri 08:00-18:00", NULL, "12:00",
	                                              "10:00", &error);

	g_assert_no_error (error);
	g_assert_cmpint (pd_calendar_cutoff_due (cal, t ("2026-11-30T11:59:00Z")), ==,
	                 t ("2026-11-30T18:00:00Z"));
	g_assert_cmpint (pd_calendar_cutoff_due (cal, t ("2026-11-30T12:01:00Z")), ==,
	                 t ("2026-12-01T10:00:00Z"));
}

static void
test_ical (void)
{
	static const char ics[] =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
		"BEGIN:VEVENT\r\nUID:1@test\r\nSUMMARY:New Year's Eve and a very long summary that is\r\n"
		"  folded\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:2@test\r\nDTSTART;VALUE=DATE:\r\n 20261208\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:3@test\r\nDTSTART:20261209T100000Z\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	g_autoptr (PdCalendar) cal = office ();
	g_autoptr (GError) error = NULL;

	g_assert_true (pd_calendar_add_ical (cal, ics, &error));
	g_assert_no_error (error);
	g_assert_true (pd_calendar_is_holiday (cal, 2026, 12, 31));
	g_assert_true (pd_calendar_is_holiday (cal, 2027, 1, 1));
	g_assert_false (pd_calendar_is_holiday (cal, 2027, 1, 2)); /* DTEND is exclusive */
	g_assert_true (pd_calendar_is_holiday (cal, 2026, 12, 8)); /* folded value */
	g_assert_false (pd_calendar_is_holiday (cal, 2026, 12, 9)); /* a timed event is no holiday */
	g_assert_true (pd_calendar_is_holiday (cal, 2026, 12, 24)); /* the config's list stays */
	/* Wed 30 Dec 16:00 + 2h: 1h Wed, 31 + 1 Jan off, weekend, Mon 4 Jan 10:00 CET */
	g_assert_cmpint (pd_calendar_add_seconds (cal, t ("2026-12-30T16:00:00+01:00"), 7200), ==,
	                 t ("2027-01-04T10:00:00+01:00"));
	/* Mon 7 Dec 16:00 + 2h: Tue 8 is a holiday now */
	g_assert_cmpint (pd_calendar_add_seconds (cal, t ("2026-12-07T16:00:00+01:00"), 7200), ==,
	                 t ("2026-12-09T10:00:00+01:00"));
	g_clear_error (&error);
	g_assert_false (pd_calendar_add_ical (cal, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026AB01\nEND:VEVENT\n", &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_clear_error (&error);
	g_assert_false (pd_calendar_add_ical (cal, "hello", &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_clear_error (&error);
	g_assert_false (pd_calendar_add_ical_file (cal, "/nonexistent/holidays.ics", &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
}

static void
test_several_ranges (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdCalendar) cal = pd_calendar_new ("Europe/Berlin",
	                                              "Mon-Thu 09:00-17:00; Fri 09:00-13:00", NULL,
	                                              NULL, NULL, &error);
	g_autoptr (PdCalendar) lunch = pd_calendar_new ("UTC", "Mon-Fri 09:00-12:00,13:00-17:00",
	                                                NULL, NULL, NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpint (pd_calendar_add_seconds (cal, t ("2026-12-04T12:00:00+01:00"), 7200), ==,
	                 t ("2026-12-07T10:00:00+01:00"));
	g_assert_cmpint (pd_calendar_add_days (cal, t ("2026-12-03T16:00:00+01:00"), 1), ==,
	                 t ("2026-12-04T13:00:00+01:00")); /* Friday closes at 13:00 */
	g_assert_cmpint (pd_calendar_cutoff_due (cal, t ("2026-12-04T13:30:00+01:00")), ==,
	                 t ("2026-12-07T11:00:00+01:00")); /* after Friday's close */
	g_assert_cmpint (pd_calendar_add_seconds (lunch, t ("2026-11-30T11:00:00Z"), 7200), ==,
	                 t ("2026-11-30T14:00:00Z"));
	g_assert_cmpint (pd_calendar_add_days (lunch, t ("2026-11-30T12:30:00Z"), 1), ==,
	                 t ("2026-12-01T13:00:00Z")); /* the lunch gap: the next opening */
}

static void
test_bad (void)
{
	static const char *const bad_hours[] = {
		"Mon-Fri 9-17", "Xyz 09:00-17:00", "Mon-Fri 17:00-09:00", "Mon-Fri",
		"Mon 09:00-12:00,11:00-13:00", "", "Mon-Fri 09:00-25:00",
	};
	g_autoptr (GError) error = NULL;
	PdCalendar *cal;
	guint i;

	for (i = 0; i < G_N_ELEMENTS (bad_hours); i++) {
		cal = pd_calendar_new ("UTC", bad_hours[i], NULL, NULL, NULL, &error);
		g_test_message ("hours \"%s\"", bad_hours[i]);
		g_assert_null (cal);
		g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
		g_clear_error (&error);
	}
	g_assert_null (pd_calendar_new ("Mars/Olympus", "Mon-Fri 09:00-17:00", NULL, NULL, NULL, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_clear_error (&error);
	g_assert_null (pd_calendar_new ("UTC", "Mon-Fri 09:00-17:00", "2026-13-01", NULL, NULL, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_clear_error (&error);
	g_assert_null (pd_calendar_new ("UTC", "Mon-Fri 09:00-17:00", NULL, "2pm", NULL, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
}

/* the zone a calendar counts in, for reports' days (sla2) */
static void
test_zone (void)
{
	g_autoptr (PdCalendar) tokyo = pd_calendar_new ("Asia/Tokyo", "Mon-Fri 09:00-17:00", NULL,
	                                                NULL, NULL, NULL);
	g_autoptr (PdCalendar) utc = pd_calendar_new (NULL, "Mon-Fri 09:00-17:00", NULL, NULL, NULL, NULL);

	g_assert_nonnull (tokyo);
	g_assert_cmpstr (pd_calendar_zone_name (tokyo), ==, "Asia/Tokyo");
	int i = g_time_zone_find_interval (pd_calendar_zone (tokyo), G_TIME_TYPE_UNIVERSAL,
	                                   t ("2026-11-30T00:00:00Z"));

	g_assert_cmpint (i, >=, 0);
	g_assert_cmpint (g_time_zone_get_offset (pd_calendar_zone (tokyo), i), ==, 9 * 3600);
	g_assert_cmpstr (pd_calendar_zone_name (utc), ==, "UTC");
	g_assert_cmpint (g_time_zone_get_offset (pd_calendar_zone (utc), 0), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/calendar/add-seconds", test_add_seconds);
	g_test_add_func ("/calendar/add-days", test_add_days);
	g_test_add_func ("/calendar/between", test_between);
	g_test_add_func ("/calendar/cutoff", test_cutoff);
	g_test_add_func ("/calendar/cutoff-configured", test_cutoff_configured);
	g_test_add_func ("/calendar/ical", test_ical);
	g_test_add_func ("/calendar/several-ranges", test_several_ranges);
	g_test_add_func ("/calendar/bad", test_bad);
	g_test_add_func ("/calendar/zone", test_zone);
	return g_test_run ();
}
