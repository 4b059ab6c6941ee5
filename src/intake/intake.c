/* intake.c - accept (commit the bytes), then process (parse, chain, actions). The two steps
 * are separate transactions on purpose: once accept returns, the mail is safe whatever
 * happens next, and a pending row is processed again after a crash. */
#include "intake/intake.h"

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"

gboolean
pd_intake_accept (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
                  const char *envelope_rcpt, gint64 *id_r, gboolean *duplicate_r, GError **error)
{
	g_autofree char *state = NULL;
	gint64 now = pd_now ();

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_intake_add (app->store, raw, source, envelope_from, envelope_rcpt, now, id_r,
	                          &state, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	*duplicate_r = state != NULL;
	return TRUE;
}

gboolean
pd_intake_quarantine (PdApp *app, gint64 id, const char *reason, GError **error)
{
	gint64 now = pd_now ();

	g_autoptr (PdIntakeRow) row = NULL;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	/* another process may have finished the row meanwhile: then it stays as it is */
	row = pd_store_intake_get (app->store, id, FALSE, error);
	if (row == NULL ||
	    (g_strcmp0 (row->state, "pending") == 0 &&
	     !pd_store_intake_finish (app->store, id, "quarantined", NULL, reason, now, error))) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return pd_store_commit (app->store, error);
}

gboolean
pd_intake_process (PdApp *app, gint64 id, PdOutcome *out, GError **error)
{
	g_autoptr (PdIntakeRow) row = pd_store_intake_get (app->store, id, TRUE, error);
	g_autoptr (PdMail) mail = NULL;
	g_autoptr (GError) parse_error = NULL;
	PdMailLimits limits = { app->settings->max_message_size, app->settings->max_mime_depth,
		                app->settings->max_mime_parts };
	PdContext ctx;
	gboolean ok;

	if (row == NULL)
		return FALSE;
	if (g_strcmp0 (row->state, "pending") != 0) {
		out->action = "already-done";
		return TRUE;
	}
	mail = pd_mail_parse (row->raw, &limits, &parse_error);
	if (mail == NULL) {
		out->action = "quarantined";
		out->note = g_strdup (parse_error->message);
		pd_log_info ("intake=%" G_GINT64_FORMAT " action=quarantined reason=\"%s\"", id,
		             out->note);
		return pd_intake_quarantine (app, id, out->note, error);
	}

	pd_app_context (app, &ctx, row->envelope_from, row->envelope_rcpt);
	ok = pd_chain_run (&ctx, mail, error) && pd_actions_apply (app, id, mail, &ctx, out, error);
	if (ok)
		pd_log_info ("intake=%" G_GINT64_FORMAT " class=%s reason=\"%s\" ticket=%" G_GINT64_FORMAT
		             " threaded_by=%s action=%s%s%s",
		             id, pd_class_name (ctx.klass), ctx.reason, out->ticket_id,
		             ctx.threaded_by ? ctx.threaded_by : "-", out->action,
		             out->note ? " note=" : "", out->note ? out->note : "");
	pd_context_clear (&ctx);
	return ok;
}
