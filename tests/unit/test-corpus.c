/* test-corpus.c - the real filter chain over ../shared/corpus (sisimai-bounces,
 * discourse-autogen, autoreply): prints a confusion matrix and the figures, and fails below
 * the floors of issue 4. The corpus is found via $POSTDESK_CORPUS, else ../shared/corpus
 * beside the source tree ($G_TEST_SRCDIR) or above the test binary. A missing corpus FAILS. */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "mail/mail.h"
#include "filters/chain.h"

typedef struct {
	guint matrix[8][PD_CLASS_COUNT]; /* label row x got column */
	guint bounce_total, bounce_detected;
	guint rcpt_total, rcpt_exact;
	guint kind_total, kind_agree;         /* by DSN class digit */
	guint sisimai_kind_total, sisimai_kind_agree; /* by Sisimai's hard/soft label */
	guint auto_total, auto_detected, auto_exact;
	guint human_total, human_wrong;
	guint feedback_total, feedback_ok;
	guint list_total, list_ok;
} Figures;

static const char *const labels[] = { "bounce", "autoreply", "vacation", "human", "list",
	                              "feedback", "delivered", "other" };

static guint
label_index (const char *label)
{
	for (guint i = 0; i < 7; i++)
		if (g_str_equal (labels[i], label))
			return i;
	return 7;
}

static char *
corpus_dir (void)
{
	const char *env = g_getenv ("POSTDESK_CORPUS");
	if (env != NULL && *env != '\0')
		return g_strdup (env);
	const char *srcdir = g_getenv ("G_TEST_SRCDIR");
	if (srcdir != NULL) {
		char *p = g_build_filename (srcdir, "..", "shared", "corpus", NULL);
		if (g_file_test (p, G_FILE_TEST_IS_DIR))
			return p;
		g_free (p);
	}
	const char *dist = g_test_get_dir (G_TEST_DIST);
	for (guint up = 1; up <= 4; up++) {
		GString *rel = g_string_new (dist);
		for (guint i = 0; i < up; i++)
			g_string_append (rel, G_DIR_SEPARATOR_S "..");
		g_string_append (rel, G_DIR_SEPARATOR_S "shared" G_DIR_SEPARATOR_S "corpus");
		if (g_file_test (rel->str, G_FILE_TEST_IS_DIR))
			return g_string_free (rel, FALSE);
		g_string_free (rel, TRUE);
	}
	return NULL;
}

static int
column (char **header, const char *name)
{
	for (int i = 0; header[i] != NULL; i++)
		if (g_str_equal (header[i], name))
			return i;
	return -1;
}

static const char *
field (char **row, int col)
{
	if (col < 0 || (guint) col >= g_strv_length (row))
		return NULL;
	return row[col];
}

static int
index_in (char **list, const char *addr)
{
	for (int i = 0; list != NULL && list[i] != NULL; i++)
		if (addr != NULL && g_ascii_strcasecmp (list[i], addr) == 0)
			return i;
	return -1;
}

static const char *const own[] = { "support@example.com", NULL };
static const PdQueueInfo queue = { "support", "support@example.com", "SUPPORT" };

static void
run_one (Figures *fig, const char *dir, char **header, char **row)
{
	const char *file = field (row, column (header, "file"));
	const char *label = field (row, column (header, "class"));
	if (file == NULL || label == NULL || g_str_equal (label, "?"))
		return;
	g_autofree char *path = g_build_filename (dir, "messages", file, NULL);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;
	if (!g_file_get_contents (path, &data, &len, &error))
		g_error ("corpus file %s: %s", path, error->message);
	g_autoptr (GBytes) raw = g_bytes_new_take (g_steal_pointer (&data), len);
	PdMailLimits limits = { 0, 0, 0 };
	g_autoptr (PdMail) mail = pd_mail_parse (raw, &limits, &error);
	if (mail == NULL)
		g_error ("corpus file %s does not parse: %s", path, error->message);

	PdContext ctx;
	pd_context_init (&ctx);
	ctx.domain = "example.com";
	ctx.queues = &queue;
	ctx.n_queues = 1;
	ctx.own_addresses = own;
	ctx.query = NULL;
	g_autoptr (GBytes) secret = g_bytes_new_static ("corpus-test-secret", 18);
	ctx.secret = secret;
	if (!pd_chain_run (&ctx, mail, &error))
		g_error ("%s: chain failed: %s", file, error->message);

	guint li = label_index (label);
	fig->matrix[li][ctx.klass]++;
	gboolean miss = FALSE;
	g_autofree char *note = NULL;

	if (g_str_equal (label, "bounce")) {
		fig->bounce_total++;
		gboolean det = ctx.klass == PD_CLASS_BOUNCE || ctx.klass == PD_CLASS_DELAYED;
		fig->bounce_detected += det;
		miss |= !det;
		g_auto (GStrv) rcpts = g_strsplit (field (row, column (header, "recipient")) ?: "?", ",", -1);
		gboolean labelled = FALSE;
		for (guint i = 0; rcpts[i] != NULL; i++)
			labelled |= !g_str_equal (rcpts[i], "?") && !g_str_equal (rcpts[i], "-");
		int at = index_in (rcpts, ctx.bounce_recipient);
		if (labelled) {
			fig->rcpt_total++;
			fig->rcpt_exact += at >= 0;
			if (at < 0) {
				miss = TRUE;
				note = g_strdup_printf ("recipient got %s, want %s", ctx.bounce_recipient,
				                        field (row, column (header, "recipient")));
			}
		}
		int pos = at >= 0 ? at : 0;
		/* hard/soft by the DSN class digit */
		const char *dsn_class = field (row, column (header, "dsn_class"));
		g_auto (GStrv) classes = NULL;
		if (dsn_class != NULL) {
			classes = g_strsplit (dsn_class, ",", -1);
		} else {
			const char *st = field (row, column (header, "dsn_status"));
			g_auto (GStrv) sts = g_strsplit (st ?: "-", ",", -1);
			GPtrArray *c = g_ptr_array_new ();
			for (guint i = 0; sts[i] != NULL; i++)
				g_ptr_array_add (c, g_strndup (sts[i], 1));
			g_ptr_array_add (c, NULL);
			classes = (GStrv) g_ptr_array_free (c, FALSE);
		}
		if (det && (guint) pos < g_strv_length (classes) &&
		    (g_str_equal (classes[pos], "4") || g_str_equal (classes[pos], "5"))) {
			gboolean want_hard = g_str_equal (classes[pos], "5");
			fig->kind_total++;
			fig->kind_agree += want_hard == ctx.bounce_hard;
			if (want_hard != ctx.bounce_hard && note == NULL)
				note = g_strdup_printf ("hard got %d (status %s), want dsn class %s",
				                        ctx.bounce_hard, ctx.bounce_status, classes[pos]);
			miss |= want_hard != ctx.bounce_hard;
		}
		g_auto (GStrv) kinds = g_strsplit (field (row, column (header, "bounce_kind")) ?: "?", ",", -1);
		if (det && (guint) pos < g_strv_length (kinds) &&
		    (g_str_equal (kinds[pos], "hard") || g_str_equal (kinds[pos], "soft"))) {
			fig->sisimai_kind_total++;
			fig->sisimai_kind_agree += g_str_equal (kinds[pos], "hard") == ctx.bounce_hard;
		}
	} else if (g_str_equal (label, "autoreply") || g_str_equal (label, "vacation")) {
		fig->auto_total++;
		gboolean det = ctx.klass == PD_CLASS_AUTOREPLY || ctx.klass == PD_CLASS_VACATION;
		fig->auto_detected += det;
		miss |= !det;
		fig->auto_exact += (g_str_equal (label, "vacation") && ctx.klass == PD_CLASS_VACATION) ||
		                   (g_str_equal (label, "autoreply") && ctx.klass == PD_CLASS_AUTOREPLY);
	} else if (g_str_equal (label, "human")) {
		fig->human_total++;
		fig->human_wrong += ctx.klass != PD_CLASS_HUMAN;
		miss |= ctx.klass != PD_CLASS_HUMAN;
	} else if (g_str_equal (label, "feedback")) {
		fig->feedback_total++;
		fig->feedback_ok += ctx.klass == PD_CLASS_FEEDBACK;
		miss |= ctx.klass != PD_CLASS_FEEDBACK;
	} else if (g_str_equal (label, "list")) {
		fig->list_total++;
		fig->list_ok += ctx.klass == PD_CLASS_LIST;
		miss |= ctx.klass != PD_CLASS_LIST;
	} else if (g_str_equal (label, "delivered")) {
		miss |= ctx.klass == PD_CLASS_HUMAN || ctx.klass == PD_CLASS_BOUNCE;
	}
	if (miss)
		g_print ("# miss %s: want %s, got %s (%s)%s%s\n", file, label, pd_class_name (ctx.klass),
		         ctx.reason != NULL ? ctx.reason : "no rule", note != NULL ? "; " : "",
		         note != NULL ? note : "");
	pd_context_clear (&ctx);
}

static void
run_corpus (Figures *fig, const char *root, const char *name)
{
	g_autofree char *dir = g_build_filename (root, name, NULL);
	g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;
	if (!g_file_get_contents (manifest, &text, NULL, &error))
		g_error ("corpus %s missing: %s", name, error->message);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	g_auto (GStrv) header = g_strsplit (lines[0], "\t", -1);
	g_assert_cmpint (column (header, "file"), >=, 0);
	g_assert_cmpint (column (header, "class"), >=, 0);
	for (guint i = 1; lines[i] != NULL; i++) {
		if (*lines[i] == '\0')
			continue;
		g_auto (GStrv) row = g_strsplit (lines[i], "\t", -1);
		run_one (fig, dir, header, row);
	}
}

/* A share in percent; nothing measured is 0 %, so a floor fails on an empty manifest. */
static double
pct (guint a, guint b)
{
	return b == 0 ? 0.0 : 100.0 * a / b;
}

static void
test_corpus (void)
{
	g_autofree char *root = corpus_dir ();
	if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
		g_error ("corpus not found: set POSTDESK_CORPUS to the shared/corpus folder");
	Figures fig = { 0 };
	run_corpus (&fig, root, "sisimai-bounces");
	run_corpus (&fig, root, "discourse-autogen");
	run_corpus (&fig, root, "autoreply");

	g_print ("# confusion matrix (rows: label, columns: class got)\n# %-10s", "");
	for (guint c = 0; c < PD_CLASS_COUNT; c++)
		g_print (" %9s", pd_class_name (c));
	g_print ("\n");
	for (guint l = 0; l < 8; l++) {
		guint n = 0;
		for (guint c = 0; c < PD_CLASS_COUNT; c++)
			n += fig.matrix[l][c];
		if (n == 0)
			continue;
		g_print ("# %-10s", labels[l]);
		for (guint c = 0; c < PD_CLASS_COUNT; c++)
			g_print (" %9u", fig.matrix[l][c]);
		g_print ("\n");
	}
	g_print ("# bounce detection (bounce or delayed): %u/%u = %.1f%% (floor 98)\n",
	         fig.bounce_detected, fig.bounce_total, pct (fig.bounce_detected, fig.bounce_total));
	g_print ("# failed recipient exact: %u/%u = %.1f%% (floor 95)\n", fig.rcpt_exact,
	         fig.rcpt_total, pct (fig.rcpt_exact, fig.rcpt_total));
	g_print ("# hard/soft by DSN class: %u/%u = %.1f%% (floor 90)\n", fig.kind_agree,
	         fig.kind_total, pct (fig.kind_agree, fig.kind_total));
	g_print ("# hard/soft vs Sisimai's reason-based label (information): %u/%u = %.1f%%\n",
	         fig.sisimai_kind_agree, fig.sisimai_kind_total,
	         pct (fig.sisimai_kind_agree, fig.sisimai_kind_total));
	g_print ("# autoreply/vacation detection: %u/%u = %.1f%% (floor 95); exact sub-class %u\n",
	         fig.auto_detected, fig.auto_total, pct (fig.auto_detected, fig.auto_total),
	         fig.auto_exact);
	g_print ("# human classed as something else: %u of %u (must be 0)\n", fig.human_wrong,
	         fig.human_total);
	g_print ("# feedback: %u/%u; list: %u/%u (information)\n", fig.feedback_ok,
	         fig.feedback_total, fig.list_ok, fig.list_total);

	g_assert_cmpfloat (pct (fig.bounce_detected, fig.bounce_total), >=, 98.0);
	g_assert_cmpfloat (pct (fig.rcpt_exact, fig.rcpt_total), >=, 95.0);
	g_assert_cmpfloat (pct (fig.kind_agree, fig.kind_total), >=, 90.0);
	g_assert_cmpfloat (pct (fig.auto_detected, fig.auto_total), >=, 95.0);
	g_assert_cmpuint (fig.human_wrong, ==, 0);
}

/* Manifests with a header and no rows measure nothing: the test must fail, not pass. */
static void
test_empty_manifest_fails (void)
{
	static const char *const names[] = { "sisimai-bounces", "discourse-autogen", "autoreply" };
	g_autoptr (GError) error = NULL;
	g_autofree char *root = NULL, *saved = NULL;

	if (g_test_subprocess ()) {
		test_corpus ();
		return;
	}
	root = g_dir_make_tmp ("pd-corpus.XXXXXX", &error);
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *dir = g_build_filename (root, names[i], NULL);
		g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);

		g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
		g_assert_true (g_file_set_contents (manifest, "file\tclass\n", -1, &error));
	}
	saved = g_strdup (g_getenv ("POSTDESK_CORPUS"));
	g_setenv ("POSTDESK_CORPUS", root, TRUE);
	g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	if (saved != NULL)
		g_setenv ("POSTDESK_CORPUS", saved, TRUE);
	else
		g_unsetenv ("POSTDESK_CORPUS");
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *dir = g_build_filename (root, names[i], NULL);
		g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);

		g_unlink (manifest);
		g_rmdir (dir);
	}
	g_rmdir (root);
	g_test_trap_assert_failed ();
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	g_test_add_func ("/classify/corpus", test_corpus);
	g_test_add_func ("/classify/corpus/empty-manifest-fails", test_empty_manifest_fails);
	return g_test_run ();
}
