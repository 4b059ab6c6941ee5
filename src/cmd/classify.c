/* classify.c - `postdesk classify [--json] [--explain] FILE...`: parse each file and run the
 * filter chain without a database, storing nothing. One line (JSON Lines with --json) per
 * file; --explain adds every rule that fired or nearly fired, and what the reply extractor cut. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "mail/quote.h"

static void
print_json (const char *file, const PdContext *ctx, const PdMail *mail, const char *error_text)
{
	PdJson *j = pd_json_new ();

	pd_json_object_begin (j);
	pd_json_member_string (j, "file", file);
	if (error_text != NULL) {
		pd_json_member_string (j, "class", NULL);
		pd_json_member_string (j, "error", error_text);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return;
	}
	pd_json_member_string (j, "class", pd_class_name (ctx->klass));
	pd_json_member_string (j, "reason", ctx->reason);
	pd_json_key (j, "bounce");
	if (ctx->klass == PD_CLASS_BOUNCE || ctx->klass == PD_CLASS_DELAYED ||
	    ctx->klass == PD_CLASS_FEEDBACK) {
		pd_json_object_begin (j);
		pd_json_member_string (j, "recipient", ctx->bounce_recipient);
		pd_json_member_string (j, "kind", ctx->klass == PD_CLASS_BOUNCE
		                                          ? (ctx->bounce_hard ? "hard" : "soft")
		                                          : NULL);
		pd_json_member_string (j, "status", ctx->bounce_status);
		pd_json_member_string (j, "diagnostic", ctx->bounce_diagnostic);
		pd_json_object_end (j);
	} else {
		pd_json_null (j);
	}
	pd_json_member_string (j, "from", mail->from ? mail->from->addr : NULL);
	pd_json_member_string (j, "subject", mail->subject);
	{
		g_autofree char *new_text = pd_quote_new_text (mail->body_text, NULL);
		pd_json_member_string (j, "new_text", new_text);
	}
	pd_json_object_end (j);
	pd_cli_print_json (pd_json_free_to_string (j));
}

static guint
count_lines (const char *text)
{
	guint n = *text != '\0';
	for (const char *p = text; *p; p++)
		n += *p == '\n' && p[1] != '\0';
	return n;
}

/* The notes of an explaining run, one per line, and the reply extractor's cut. */
static void
print_explain (const PdContext *ctx, const PdMail *mail)
{
	g_autofree char *removed = NULL;
	g_autofree char *new_text = pd_quote_new_text (mail->body_text != NULL ? mail->body_text : "",
	                                               &removed);

	for (guint n = 0; ctx->notes != NULL && n < ctx->notes->len; n++)
		printf ("  %s\n", (char *) ctx->notes->pdata[n]);
	printf ("  answered: %s\n", ctx->klass == PD_CLASS_HUMAN ? "may be (human mail)"
	                                                         : "never (automatic mail)");
	printf ("  reply text: %u line(s) kept, %u line(s) cut as quote or signature\n",
	        count_lines (new_text), count_lines (removed));
}

gboolean
pd_cmd_classify (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	gboolean explain = FALSE;
	g_autoptr (PdApp) app = NULL;
	guint failures = 0;
	int i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object per line", NULL },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
		  "every rule that fired or nearly fired, and what the reply extractor cut", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "FILE...",
	                   "Run the filter chain over message files without storing anything.",
	                   entries, error))
		return FALSE;
	if (argc < 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "which files? see --help");
		return FALSE;
	}
	app = pd_app_open (PD_APP_NO_STORE, error);
	if (app == NULL)
		return FALSE;
	for (i = 1; i < argc; i++) {
		g_autofree char *data = NULL;
		gsize len;
		g_autoptr (GError) local = NULL;
		g_autoptr (PdMail) mail = NULL;
		g_autoptr (GBytes) raw = NULL;
		PdMailLimits limits = { app->settings->max_message_size, app->settings->max_mime_depth,
			                app->settings->max_mime_parts };
		PdContext ctx;

		if (!g_file_get_contents (argv[i], &data, &len, &local)) {
			failures++;
			json ? print_json (argv[i], NULL, NULL, local->message)
			     : (void) fprintf (stderr, "%s: %s\n", argv[i], local->message);
			continue;
		}
		raw = g_bytes_new_take (g_steal_pointer (&data), len);
		mail = pd_mail_parse (raw, &limits, &local);
		if (mail == NULL) {
			failures++;
			json ? print_json (argv[i], NULL, NULL, local->message)
			     : (void) printf ("%s: unparsable: %s\n", argv[i], local->message);
			continue;
		}
		pd_app_context (app, &ctx, NULL, NULL);
		ctx.explain = explain;
		if (!pd_chain_run (&ctx, mail, &local)) {
			failures++;
			json ? print_json (argv[i], NULL, NULL, local->message)
			     : (void) printf ("%s: %s\n", argv[i], local->message);
		} else if (json) {
			print_json (argv[i], &ctx, mail, NULL);
		} else {
			printf ("%s: %s (%s)%s%s\n", argv[i], pd_class_name (ctx.klass), ctx.reason,
			        ctx.bounce_recipient ? " recipient " : "",
			        ctx.bounce_recipient ? ctx.bounce_recipient : "");
			if (explain)
				print_explain (&ctx, mail);
		}
		pd_context_clear (&ctx);
	}
	if (failures > 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%u of %d files could not be classified",
		             failures, argc - 1);
		return FALSE;
	}
	return TRUE;
}
