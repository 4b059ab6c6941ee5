/* test-list-feedback.c - list feedback without a store: bounce scores (hard, soft at most once
 * a day, decay after quiet days by halving or reset, the threshold), campaign Message-IDs
 * naming a delivery, and the [lists] / [dkim] settings ("got X, want Y"). */
#include <string.h>
#include <glib.h>

#include "core/settings-dkim.h"
#include "core/settings-lists.h"
#include "lists/bounce-score.h"
#include "lists/feedback.h"

#define DAY 86400
#define T0 G_GINT64_CONSTANT (1800000000)

static void
test_hard_and_threshold (void)
{
	g_autoptr (PdListSettings) s = pd_list_settings_defaults ();
	PdBounceScore b = { 0 };
	gboolean disable = TRUE;

	/* defaults: hard 1.0, threshold 3.0 */
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0, &disable), ==, 1.0);
	g_assert_false (disable);
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0 + 60, &disable), ==, 1.0);
	g_assert_false (disable);
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0 + 120, &disable), ==, 1.0);
	g_assert_true (disable);
	g_assert_cmpfloat (b.score, ==, 3.0);
	g_assert_cmpint (b.last_bounce_at, ==, T0 + 120);
	g_assert_cmpint (b.last_soft_at, ==, 0);
}

static void
test_soft_once_a_day (void)
{
	g_autoptr (PdListSettings) s = pd_list_settings_defaults ();
	PdBounceScore b = { 0 };
	gboolean disable;

	g_assert_cmpfloat (pd_bounce_score_add (s, &b, FALSE, T0, &disable), ==, 0.5);
	/* the same day: recorded, scores nothing */
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, FALSE, T0 + 3600, &disable), ==, 0.0);
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, FALSE, T0 + DAY - 1, &disable), ==, 0.0);
	g_assert_cmpfloat (b.score, ==, 0.5);
	/* a day after the one that counted */
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, FALSE, T0 + DAY, &disable), ==, 0.5);
	g_assert_cmpfloat (b.score, ==, 1.0);
	g_assert_cmpint (b.last_soft_at, ==, T0 + DAY);
	/* a hard bounce is never held back by a soft one */
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0 + DAY + 1, &disable), ==, 1.0);
	g_assert_cmpfloat (b.score, ==, 2.0);
	/* six soft days in a row reach the threshold of 3 from 0 */
	PdBounceScore c = { 0 };
	for (int i = 0; i < 6; i++)
		pd_bounce_score_add (s, &c, FALSE, T0 + i * DAY, &disable);
	g_assert_cmpfloat (c.score, ==, 3.0);
	g_assert_true (disable);
}

static void
test_decay_halve (void)
{
	g_autoptr (PdListSettings) s = pd_list_settings_defaults ();
	PdBounceScore b = { 2.0, T0, 0 };
	gboolean disable;

	/* defaults: halve after 7 quiet days */
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 7 * DAY - 1), ==, 2.0);
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 7 * DAY), ==, 1.0);
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 14 * DAY), ==, 0.5);
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 21 * DAY), ==, 0.25);
	/* long quiet: nothing left, and no endless loop */
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 7000 * DAY), ==, 0.0);
	/* a bounce after 8 quiet days: 2 -> 1, + 1 */
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0 + 8 * DAY, &disable), ==, 1.0);
	g_assert_cmpfloat (b.score, ==, 2.0);
	g_assert_false (disable);
	/* two bounces 6 days apart keep everything (the quiet clock restarts at each) */
	PdBounceScore c = { 0 };
	pd_bounce_score_add (s, &c, TRUE, T0, &disable);
	pd_bounce_score_add (s, &c, TRUE, T0 + 6 * DAY, &disable);
	pd_bounce_score_add (s, &c, TRUE, T0 + 12 * DAY, &disable);
	g_assert_cmpfloat (c.score, ==, 3.0);
	g_assert_true (disable);
}

static void
test_decay_reset (void)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (PdListSettings) s = NULL;
	PdBounceScore b = { 2.5, T0, 0 };
	gboolean disable;

	g_assert_true (g_key_file_load_from_data (
		kf, "[lists]\nbounce_decay = reset\nbounce_decay_after = 3d\nbounce_threshold = 2\n"
		    "bounce_soft = 0.25\n", -1, G_KEY_FILE_NONE, NULL));
	s = pd_list_settings_load (kf, &error);
	g_assert_no_error (error);
	g_assert_cmpint (s->decay_after, ==, 3 * DAY);
	g_assert_cmpfloat (s->bounce_soft, ==, 0.25);
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 3 * DAY - 1), ==, 2.5);
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 3 * DAY), ==, 0.0);
	g_assert_cmpfloat (pd_bounce_score_add (s, &b, TRUE, T0 + 4 * DAY, &disable), ==, 1.0);
	g_assert_cmpfloat (b.score, ==, 1.0);
	g_assert_false (disable);
	pd_bounce_score_add (s, &b, TRUE, T0 + 4 * DAY + 1, &disable);
	g_assert_true (disable);
}

/* The decay pass stores a decayed score between bounces: decaying it again counts only the
 * time since, and settling and reading agree at every moment. */
static void
test_decay_settle (void)
{
	g_autoptr (PdListSettings) s = pd_list_settings_defaults ();
	PdBounceScore b = { 2.0, T0, 0, 0 };
	PdBounceScore never = { 1.0, T0, 0, 0 };
	gboolean disable;

	g_assert_false (pd_bounce_score_settle (s, &b, T0 + 7 * DAY - 1)); /* not quiet long enough */
	g_assert_cmpfloat (b.score, ==, 2.0);
	g_assert_cmpint (b.score_at, ==, 0);
	g_assert_true (pd_bounce_score_settle (s, &b, T0 + 8 * DAY));
	g_assert_cmpfloat (b.score, ==, 1.0);
	g_assert_cmpint (b.score_at, ==, T0 + 7 * DAY); /* the end of the period counted */
	g_assert_cmpint (b.last_bounce_at, ==, T0);       /* the last bounce stays what it was */
	/* 13 days after the bounce: 6 since score_at, no second halving */
	g_assert_false (pd_bounce_score_settle (s, &b, T0 + 13 * DAY));
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 13 * DAY), ==, 1.0);
	/* 15 days: as if never settled (2 periods from the bounce) */
	g_assert_cmpfloat (pd_bounce_score_decayed (s, &b, T0 + 15 * DAY), ==, 0.5);
	/* a bounce restarts the clock at itself */
	pd_bounce_score_add (s, &b, TRUE, T0 + 15 * DAY, &disable);
	g_assert_cmpfloat (b.score, ==, 1.5);
	g_assert_cmpint (b.score_at, ==, T0 + 15 * DAY);
	/* long quiet: 0, and settled at 0 nothing more changes */
	g_assert_true (pd_bounce_score_settle (s, &never, T0 + 7000 * DAY));
	g_assert_cmpfloat (never.score, ==, 0.0);
	g_assert_false (pd_bounce_score_settle (s, &never, T0 + 9000 * DAY));
	/* a clock that went back decays nothing */
	PdBounceScore back = { 1.0, T0, 0, 0 };
	g_assert_false (pd_bounce_score_settle (s, &back, T0 - DAY));
	g_assert_cmpfloat (back.score, ==, 1.0);
}

static void
test_settings_errors (void)
{
	static const char *const bad[] = {
		"[lists]\nbounce_hard = lots\n",
		"[lists]\nbounce_soft = -1\n",
		"[lists]\nbounce_threshold = 0\n",
		"[lists]\nbounce_decay = sometimes\n",
		"[lists]\nbounce_decay_after = 7w\n",
		"[lists]\ndigest_interval = 0\n",
	};

	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GKeyFile) kf = g_key_file_new ();
		g_autoptr (GError) error = NULL;
		PdListSettings *s;

		g_assert_true (g_key_file_load_from_data (kf, bad[i], -1, G_KEY_FILE_NONE, NULL));
		s = pd_list_settings_load (kf, &error);
		if (s != NULL)
			g_error ("got settings for %s, want an error", bad[i]);
		g_assert_nonnull (error);
		g_assert_nonnull (strstr (error->message, "[lists]"));
	}
}

static void
test_dkim_settings (void)
{
	static const struct {
		const char *conf;
		gboolean on;
		gboolean error;
	} cases[] = {
		{ "[postdesk]\n", FALSE, FALSE },
		{ "[dkim]\n", FALSE, FALSE },
		{ "[dkim]\ndomain = example.com\nselector = s1\nkey_file = /k.pem\n", TRUE, FALSE },
		{ "[dkim]\ndomain = example.com\nkey_file = /k.pem\n", FALSE, TRUE },
		{ "[dkim]\ndomain = e.com\nselector = s\nkey_file = /k\nheaders = To, Subject\n", FALSE, TRUE },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GKeyFile) kf = g_key_file_new ();
		g_autoptr (GError) error = NULL;
		PdDkimSettings *s;

		g_assert_true (g_key_file_load_from_data (kf, cases[i].conf, -1, G_KEY_FILE_NONE, NULL));
		s = pd_dkim_settings_load (kf, &error);
		if ((s != NULL) != cases[i].on || (error != NULL) != cases[i].error)
			g_error ("case %u: got on=%d error=%s", i, s != NULL, error ? error->message : "none");
		if (s != NULL) {
			const char *const *h = (const char *const *) s->headers;
			g_assert_true (g_strv_contains (h, "List-Unsubscribe"));
			g_assert_true (g_strv_contains (h, "List-Unsubscribe-Post"));
			g_assert_true (g_strv_contains (h, "List-Id"));
			g_assert_true (g_strv_contains (h, "Message-ID"));
		}
		pd_dkim_settings_free (s);
	}
}

static void
test_message_id (void)
{
	static const struct {
		const char *mid;
		gint64 campaign, delivery;
	} cases[] = {
		{ "c12.d345.k9f@example.com", 12, 345 },
		{ "c1.d2@example.com", 1, 2 },
		{ "x.c7.d8.abc@EXAMPLE.COM", 7, 8 },
		{ "c12.d345.k9f@other.example", 0, 0 },  /* not our domain */
		{ "abc12.d3@example.com", 0, 0 },        /* not at a dot */
		{ "c12.x345@example.com", 0, 0 },
		{ "c12.d@example.com", 0, 0 },
		{ "c0.d5@example.com", 0, 0 },
		{ "c12.d34x@example.com", 0, 0 },
		{ "c12.d34", 0, 0 },
		{ "", 0, 0 },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		gint64 c = -1, d = pd_list_message_id_delivery (cases[i].mid, "example.com", &c);

		if (d != cases[i].delivery || (d > 0 && c != cases[i].campaign))
			g_error ("%s: got c%" G_GINT64_FORMAT " d%" G_GINT64_FORMAT ", want c%" G_GINT64_FORMAT
			         " d%" G_GINT64_FORMAT, cases[i].mid, c, d, cases[i].campaign,
			         cases[i].delivery);
	}
	gint64 c;
	g_assert_cmpint (pd_list_message_id_delivery (NULL, "example.com", &c), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/list-feedback/hard-threshold", test_hard_and_threshold);
	g_test_add_func ("/list-feedback/soft-once-a-day", test_soft_once_a_day);
	g_test_add_func ("/list-feedback/decay-halve", test_decay_halve);
	g_test_add_func ("/list-feedback/decay-reset", test_decay_reset);
	g_test_add_func ("/list-feedback/decay-settle", test_decay_settle);
	g_test_add_func ("/list-feedback/settings-errors", test_settings_errors);
	g_test_add_func ("/list-feedback/dkim-settings", test_dkim_settings);
	g_test_add_func ("/list-feedback/message-id", test_message_id);
	return g_test_run ();
}
