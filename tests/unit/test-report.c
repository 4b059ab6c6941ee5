/* test-report.c - the pure parts of reports and follow-the-sun: nearest-rank percentiles,
 * percentages, durations, the renderers (CSV quoting, JSON numbers and nulls, SVG bar
 * counts), daily shifts in a time zone (overnight, DST), and follow_the_sun settings. */
#include <string.h>

#include "core/settings-sun.h"
#include "core/shift.h"
#include "report/report.h"

static gint64
t (const char *iso)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

	g_assert_nonnull (dt);
	return g_date_time_to_unix (dt);
}

static void
test_percentile (void)
{
	const gint64 ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	const gint64 four[] = { 60, 120, 600, 3600 };
	const gint64 one[] = { 42 };
	const struct { const gint64 *v; guint n, pct; gint64 want; } cases[] = {
		{ ten, 10, 50, 5 }, { ten, 10, 90, 9 }, { ten, 10, 100, 10 }, { ten, 10, 1, 1 },
		{ four, 4, 50, 120 }, { four, 4, 90, 3600 }, { four, 4, 75, 600 },
		{ one, 1, 50, 42 }, { one, 1, 90, 42 }, { NULL, 0, 50, 0 },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		gint64 got = pd_report_percentile (cases[i].v, cases[i].n, cases[i].pct);

		if (got != cases[i].want)
			g_error ("case %u: p%u of %u values: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
			         i, cases[i].pct, cases[i].n, got, cases[i].want);
	}
}

static void
test_percent_duration (void)
{
	const struct { gint64 part, whole; const char *want; } pc[] = {
		{ 2, 3, "66.7" }, { 1, 3, "33.3" }, { 1, 1, "100.0" }, { 0, 5, "0.0" },
		{ 1, 8, "12.5" }, { 1, 16, "6.3" }, { 0, 0, NULL },
	};
	const struct { gint64 s; const char *want; } du[] = {
		{ 0, "0s" }, { 45, "45s" }, { 750, "12m 30s" }, { 7500, "2h 05m" }, { 273600, "3d 4h" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (pc); i++) {
		g_autofree char *got = pd_report_percent_text (pc[i].part, pc[i].whole);

		g_assert_cmpstr (got, ==, pc[i].want);
	}
	for (i = 0; i < G_N_ELEMENTS (du); i++) {
		g_autofree char *got = pd_report_duration_text (du[i].s);

		g_assert_cmpstr (got, ==, du[i].want);
	}
}

static PdReport *
sample (void)
{
	PdReportQuery q = { .since = 1796083200, .until = 1796169600, .now = 1796169600 };
	PdReport *r = pd_report_new ("demo", &q);
	PdReportSection *s = pd_report_section (r, "rows", "Rows, with \"quotes\" & <tags>", NULL);
	char **row;

	pd_report_column (s, "name", "Name", PD_REPORT_TEXT);
	pd_report_column (s, "n", "Count", PD_REPORT_INT);
	pd_report_column (s, "pct", "Share", PD_REPORT_PERCENT);
	pd_report_column (s, "wait", "Wait", PD_REPORT_DURATION);
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "a, \"b\"");
	pd_report_set_int (s, row, 1, 3);
	pd_report_set_percent (s, row, 2, 2, 3);
	pd_report_set_int (s, row, 3, 7500);
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "<c>");
	pd_report_set_int (s, row, 1, 0);
	pd_report_set_percent (s, row, 2, 0, 0);
	pd_report_chart (s, 0, 1, 3, -1);
	return r;
}

static guint
count (const char *hay, const char *needle)
{
	guint n = 0;

	for (hay = strstr (hay, needle); hay; hay = strstr (hay + 1, needle))
		n++;
	return n;
}

static void
test_render (void)
{
	g_autoptr (PdReport) r = sample ();
	g_autofree char *csv = pd_report_render (r, PD_REPORT_FORMAT_CSV);
	g_autofree char *json = pd_report_render (r, PD_REPORT_FORMAT_JSON);
	g_autofree char *html = pd_report_render (r, PD_REPORT_FORMAT_HTML);
	g_autofree char *text = pd_report_render (r, PD_REPORT_FORMAT_TEXT);

	g_assert_cmpstr (csv, ==, "section,name,n,pct,wait\r\nrows,\"a, \"\"b\"\"\",3,66.7,7500\r\nrows,<c>,0,,\r\n");
	g_assert_nonnull (strstr (json, "\"rows\":[{\"name\":\"a, \\\"b\\\"\",\"n\":3,\"pct\":66.7,\"wait\":7500},"
	                                "{\"name\":\"<c>\",\"n\":0,\"pct\":null,\"wait\":null}]"));
	g_assert_nonnull (strstr (json, "\"since\":\"2026-12-01T00:00:00Z\""));
	/* two rows of two series: four bars; escaped text; no script, no external reference */
	g_assert_cmpuint (count (html, "<rect class=\"bar "), ==, 4);
	g_assert_cmpuint (count (html, "<svg "), ==, 1);
	g_assert_nonnull (strstr (html, "<html lang=\"en\">"));
	g_assert_nonnull (strstr (html, "<title id=\"chart-rows-t\">Rows, with &quot;quotes&quot; &amp; &lt;tags&gt;</title>"));
	g_assert_null (strstr (html, "<c>"));
	g_assert_null (strstr (html, "<script"));
	g_assert_null (strstr (html, "src="));
	g_assert_null (strstr (html, "href="));
	g_assert_nonnull (strstr (html, ">2h 05m<"));
	g_assert_nonnull (strstr (text, "66.7%"));
	g_assert_nonnull (strstr (text, "2h 05m"));
}

static void
test_shift (void)
{
	PdShift day = { 0 }, night = { 0 }, bad = { 0 };

	g_assert_true (pd_shift_parse ("Europe/Berlin", "09:00-17:00", &day));
	/* winter: CET = UTC+1 */
	g_assert_true (pd_shift_on (&day, t ("2026-11-30T08:00:00Z")));
	g_assert_false (pd_shift_on (&day, t ("2026-11-30T16:00:00Z")));
	g_assert_false (pd_shift_on (&day, t ("2026-11-30T07:59:59Z")));
	g_assert_cmpint (pd_shift_last_end (&day, t ("2026-11-30T16:00:00Z")), ==, t ("2026-11-30T16:00:00Z"));
	g_assert_cmpint (pd_shift_last_end (&day, t ("2026-11-30T15:59:59Z")), ==, t ("2026-11-29T16:00:00Z"));
	/* summer: CEST = UTC+2; the day after the change in March */
	g_assert_cmpint (pd_shift_last_end (&day, t ("2026-03-30T20:00:00Z")), ==, t ("2026-03-30T15:00:00Z"));
	g_assert_true (pd_shift_on (&day, t ("2026-03-30T07:00:00Z")));
	pd_shift_clear (&day);

	g_assert_true (pd_shift_parse ("Asia/Tokyo", "22:00-06:00", &night)); /* UTC+9, overnight */
	g_assert_true (pd_shift_on (&night, t ("2026-11-30T14:00:00Z")));  /* 23:00 */
	g_assert_true (pd_shift_on (&night, t ("2026-11-30T20:59:00Z")));  /* 05:59 next day */
	g_assert_false (pd_shift_on (&night, t ("2026-11-30T21:00:00Z"))); /* 06:00 */
	g_assert_cmpint (pd_shift_last_end (&night, t ("2026-11-30T22:00:00Z")), ==, t ("2026-11-30T21:00:00Z"));
	pd_shift_clear (&night);

	g_assert_false (pd_shift_parse ("Europe/Berlin", "9-17", &bad));
	g_assert_false (pd_shift_parse ("Europe/Berlin", NULL, &bad));
	g_assert_false (pd_shift_parse ("Europe/Berlin", "09:00-09:00", &bad));
	g_assert_false (pd_shift_parse ("Europe/Berlin", "25:00-26:00", &bad));
}

/* the calendar's form for agents' hours: weekdays, several ranges, overnight (sla2) */
static void
test_shift_weekdays (void)
{
	PdShift week = { 0 }, split = { 0 }, night = { 0 }, bad = { 0 };

	/* 2026-12-04 is a Friday; Berlin is UTC+1 in winter */
	g_assert_true (pd_shift_parse ("Europe/Berlin", "Mon-Fri 09:00-17:00", &week));
	g_assert_true (pd_shift_on (&week, t ("2026-12-04T08:00:00Z")));  /* Fri 09:00 */
	g_assert_false (pd_shift_on (&week, t ("2026-12-05T10:00:00Z"))); /* Sat 11:00 */
	g_assert_false (pd_shift_on (&week, t ("2026-12-06T10:00:00Z"))); /* Sun */
	g_assert_true (pd_shift_on (&week, t ("2026-12-07T08:00:00Z")));  /* Mon */
	/* over the weekend the last end is Friday's */
	g_assert_cmpint (pd_shift_last_end (&week, t ("2026-12-06T12:00:00Z")), ==, t ("2026-12-04T16:00:00Z"));
	g_assert_cmpint (pd_shift_last_end (&week, t ("2026-12-07T07:00:00Z")), ==, t ("2026-12-04T16:00:00Z"));
	pd_shift_clear (&week);

	g_assert_true (pd_shift_parse ("Europe/Berlin", "Mon-Thu 09:00-12:00, 13:00-17:00; Fri 09:00-13:00", &split));
	g_assert_true (pd_shift_on (&split, t ("2026-12-03T10:00:00Z")));  /* Thu 11:00 */
	g_assert_false (pd_shift_on (&split, t ("2026-12-03T11:30:00Z"))); /* Thu 12:30: lunch */
	g_assert_true (pd_shift_on (&split, t ("2026-12-03T15:00:00Z")));  /* Thu 16:00 */
	g_assert_false (pd_shift_on (&split, t ("2026-12-04T13:00:00Z"))); /* Fri 14:00 */
	g_assert_cmpint (pd_shift_last_end (&split, t ("2026-12-03T11:30:00Z")), ==, t ("2026-12-03T11:00:00Z"));
	g_assert_cmpint (pd_shift_last_end (&split, t ("2026-12-05T12:00:00Z")), ==, t ("2026-12-04T12:00:00Z"));
	pd_shift_clear (&split);

	/* overnight on weekdays: Monday night to Saturday morning */
	g_assert_true (pd_shift_parse ("Europe/Berlin", "mon-fri 22:00-06:00", &night));
	g_assert_true (pd_shift_on (&night, t ("2026-12-05T02:00:00Z")));  /* Sat 03:00: Friday's */
	g_assert_false (pd_shift_on (&night, t ("2026-12-06T02:00:00Z"))); /* Sun 03:00 */
	g_assert_false (pd_shift_on (&night, t ("2026-12-07T02:00:00Z"))); /* Mon 03:00: Sunday has none */
	g_assert_true (pd_shift_on (&night, t ("2026-12-07T22:00:00Z")));  /* Mon 23:00 */
	g_assert_cmpint (pd_shift_last_end (&night, t ("2026-12-07T12:00:00Z")), ==, t ("2026-12-05T05:00:00Z"));
	pd_shift_clear (&night);

	/* DST: the Sunday of the change in March (02:00 -> 03:00) */
	g_assert_true (pd_shift_parse ("Europe/Berlin", "Sun 01:00-05:00", &night));
	g_assert_cmpint (pd_shift_last_end (&night, t ("2026-03-29T12:00:00Z")), ==, t ("2026-03-29T03:00:00Z"));
	pd_shift_clear (&night);

	g_assert_false (pd_shift_parse ("UTC", "Mon-Fri", &bad));
	g_assert_false (pd_shift_parse ("UTC", "Mon-Fro 09:00-17:00", &bad));
	g_assert_false (pd_shift_parse ("UTC", "Mon-Fri 9-5", &bad));
	g_assert_false (pd_shift_parse ("UTC", "Mon-Fri 09:00-17:00; ", &bad) == FALSE);
	pd_shift_clear (&bad);
	g_assert_false (pd_shift_parse ("Nowhere/City", "Mon-Fri 09:00-17:00", &bad));
}

static void
test_sun_settings (void)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) error = NULL;
	PdSunSettings *sun = NULL;

	g_assert_true (g_key_file_load_from_data (kf,
	                                          "[queue support]\nfollow_the_sun = yes   # comment\n"
	                                          "[queue sales]\nfollow_the_sun = no\n[queue billing]\n",
	                                          -1, G_KEY_FILE_NONE, NULL));
	g_assert_true (pd_settings_sun_load (kf, &sun, &error));
	g_assert_true (pd_settings_sun_queue (sun, "support"));
	g_assert_false (pd_settings_sun_queue (sun, "sales"));
	g_assert_false (pd_settings_sun_queue (sun, "billing"));
	g_assert_false (pd_settings_sun_queue (NULL, "support"));
	pd_settings_sun_free (sun);
	sun = NULL;
	g_assert_true (g_key_file_load_from_data (kf, "[queue support]\nfollow_the_sun = maybe\n", -1,
	                                          G_KEY_FILE_NONE, NULL));
	g_assert_false (pd_settings_sun_load (kf, &sun, &error));
	g_assert_nonnull (strstr (error->message, "follow_the_sun"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/report/percentile", test_percentile);
	g_test_add_func ("/report/percent-duration", test_percent_duration);
	g_test_add_func ("/report/render", test_render);
	g_test_add_func ("/report/shift", test_shift);
	g_test_add_func ("/report/shift-weekdays", test_shift_weekdays);
	g_test_add_func ("/report/sun-settings", test_sun_settings);
	return g_test_run ();
}
