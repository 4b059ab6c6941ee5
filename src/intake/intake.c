/* intake.c - accept (commit the bytes, a row per recipient), then process (parse, chain,
 * actions). The two steps are separate transactions on purpose: once accept returns, the mail
 * is safe whatever happens next, and a pending row is processed again after a crash.
 * pd_intake_settle is the one recovery path: done, quarantined, or pending for a retry. */
#include "intake/intake.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "core/strutil.h"
#include "intake/spool.h"
#include "store/intake-row.h"

/* both as store/intake-row.c says, which postdesk-deliver shares */
static char *
to_glib (char *s)
{
	char *copy = g_strdup (s);

	free (s);
	return copy;
}

char *
pd_intake_sender (const char *envelope_from)
{
	return to_glib (pd_row_sender (envelope_from));
}

char *
pd_intake_recipient (const char *envelope_rcpt)
{
	return to_glib (pd_row_recipient (envelope_rcpt));
}

gboolean
pd_intake_add (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
               const char *envelope_rcpt, gint64 now, gint64 *id_r, gboolean *duplicate_r,
               GError **error)
{
	g_autofree char *from = pd_intake_sender (envelope_from);
	g_autofree char *rcpt = pd_intake_recipient (envelope_rcpt);
	g_autofree char *state = NULL;
	/* a big message from a listener is a mapping of its spool file: read the file instead,
	 * in pieces, so its pages never become this process's memory */
	PdSpool *spool = pd_spool_from_bytes (raw);

	if (spool != NULL ? !pd_spool_add (spool, app, source, envelope_from, envelope_rcpt, NULL,
	                                   now, id_r, &state, error)
	                  : !pd_store_intake_add (app->store, raw, source, from, rcpt, now, id_r,
	                                          &state, error))
		return FALSE;
	*duplicate_r = state != NULL;
	if (state != NULL)
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s source=%s action=duplicate state=%s:"
		             " the same message for the same recipient is stored already; %s",
		             *id_r, rcpt ? rcpt : "-", source, state,
		             strcmp (state, "pending") == 0 ? "processing the stored one"
		                                            : "skipped");
	return TRUE;
}

gboolean
pd_intake_accept (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
                  const char *envelope_rcpt, gint64 *id_r, gboolean *duplicate_r, GError **error)
{
	gint64 now = pd_now ();

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_intake_add (app, raw, source, envelope_from, envelope_rcpt, now, id_r, duplicate_r,
	                    error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return pd_store_commit (app->store, error);
}

/* Give row ID STATE and REASON if it is still pending (another process may have finished it
 * meanwhile: then it stays as it is). */
static gboolean
finish_pending (PdApp *app, gint64 id, const char *state, const char *reason, GError **error)
{
	gint64 now = pd_now ();

	g_autoptr (PdIntakeRow) row = NULL;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	row = pd_store_intake_get (app->store, id, FALSE, error);
	if (row == NULL ||
	    (g_strcmp0 (row->state, "pending") == 0 &&
	     !pd_store_intake_finish (app->store, id, state, NULL, reason, now, error))) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return pd_store_commit (app->store, error);
}

gboolean
pd_intake_quarantine (PdApp *app, gint64 id, const char *reason, GError **error)
{
	return finish_pending (app, id, "quarantined", reason, error);
}

/* Did ROW's message also go to a +extension of ROW's recipient (support+t12-SIG@ beside
 * support@)? Then that row speaks for the queue and ROW is not processed on its own: one
 * mail to a queue is one ticket. BY_R (transfer full) gets that row, or NULL. */
static gboolean
covered_by (PdApp *app, const PdIntakeRow *row, PdIntakeRow **by_r, GError **error)
{
	g_autoptr (GPtrArray) siblings = NULL;
	guint i;

	*by_r = NULL;
	if (row->envelope_rcpt == NULL)
		return TRUE;
	siblings = pd_store_intake_siblings (app->store, row->id, error);
	if (siblings == NULL)
		return FALSE;
	for (i = 0; i < siblings->len; i++) {
		PdIntakeRow *s = siblings->pdata[i];

		if (s->envelope_rcpt != NULL && g_strcmp0 (s->envelope_rcpt, row->envelope_rcpt) != 0 &&
		    pd_address_has_base (row->envelope_rcpt, s->envelope_rcpt)) {
			*by_r = g_ptr_array_steal_index (siblings, i);
			return TRUE;
		}
	}
	return TRUE;
}

void
pd_intake_prepare (PdApp *app, gint64 id, PdIntakePrepared *p)
{
	PdMailLimits limits = { app->settings->max_message_size, app->settings->max_mime_depth,
		                app->settings->max_mime_parts };

	memset (p, 0, sizeof *p);
	p->id = id;
	/* the bytes only once the row is known to need them: a re-delivery or a row another
	 * recipient speaks for costs no copy of a big message */
	p->row = pd_store_intake_get (app->store, id, FALSE, &p->error);
	if (p->row == NULL || g_strcmp0 (p->row->state, "pending") != 0)
		return;
	/* the siblings are written together with the row, by the same commit: no lock needed */
	if (!covered_by (app, p->row, &p->by, &p->error) || p->by != NULL)
		return;
	{
		/* the bytes of the row just read (reading the row again cost a statement per mail) */
		g_autoptr (GBytes) raw = pd_store_intake_raw (app->store, p->row, &p->error);

		if (raw == NULL)
			return;
		/* the mail holds its own reference to the bytes */
		p->mail = pd_mail_parse (raw, &limits, &p->parse_error);
	}
}

void
pd_intake_prepared_clear (PdIntakePrepared *p)
{
	g_clear_pointer (&p->row, pd_intake_row_free);
	g_clear_pointer (&p->by, pd_intake_row_free);
	g_clear_pointer (&p->mail, pd_mail_free);
	g_clear_error (&p->error);
	g_clear_error (&p->parse_error);
}

/* The part of processing that writes: under the caller's write lock, if any. */
static gboolean
process_prepared (PdApp *app, PdIntakePrepared *p, PdOutcome *out, GError **error)
{
	const PdIntakeRow *row = p->row;
	gint64 id = p->id;
	PdContext ctx;
	gboolean ok;

	if (p->error != NULL) {
		g_propagate_error (error, g_steal_pointer (&p->error));
		return FALSE;
	}
	if (g_strcmp0 (row->state, "pending") != 0) {
		out->action = "already-done";
		return TRUE;
	}
	if (p->by != NULL) {
		out->action = "skipped";
		out->note = g_strdup_printf ("the same message went to %s (intake %" G_GINT64_FORMAT
		                             "), which is processed for this queue",
		                             p->by->envelope_rcpt, p->by->id);
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s action=skipped reason=\"%s\"", id,
		             row->envelope_rcpt, out->note);
		return finish_pending (app, id, "done", out->note, error);
	}
	if (p->mail == NULL) {
		out->action = "quarantined";
		out->note = g_strdup (p->parse_error->message);
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s action=quarantined reason=\"%s\"", id,
		             row->envelope_rcpt ? row->envelope_rcpt : "-", out->note);
		return pd_intake_quarantine (app, id, out->note, error);
	}

	/* the chain runs inside pd_actions_apply's transaction, so its lookups see what it writes */
	pd_app_context (app, &ctx, row->envelope_from, row->envelope_rcpt);
	ctx.received_at = row->received_at;
	ok = pd_actions_apply (app, id, p->mail, &ctx, out, error);
	if (ok)
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s class=%s reason=\"%s\" ticket=%" G_GINT64_FORMAT
		             " threaded_by=%s action=%s%s%s",
		             id, row->envelope_rcpt ? row->envelope_rcpt : "-", pd_class_name (ctx.klass),
		             ctx.reason, out->ticket_id, ctx.threaded_by ? ctx.threaded_by : "-",
		             out->action, out->note ? " note=" : "", out->note ? out->note : "");
	pd_context_clear (&ctx);
	return ok;
}

gboolean
pd_intake_process (PdApp *app, gint64 id, PdOutcome *out, GError **error)
{
	PdIntakePrepared p;
	gboolean ok;

	pd_intake_prepare (app, id, &p);
	ok = process_prepared (app, &p, out, error);
	pd_intake_prepared_clear (&p);
	return ok;
}

gboolean
pd_intake_settle (PdApp *app, gint64 id, PdOutcome *out, GError **error)
{
	PdIntakePrepared p;
	gboolean ok;

	pd_intake_prepare (app, id, &p);
	ok = pd_intake_settle_prepared (app, &p, out, error);
	pd_intake_prepared_clear (&p);
	return ok;
}

gboolean
pd_intake_settle_prepared (PdApp *app, PdIntakePrepared *p, PdOutcome *out, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autofree char *reason = NULL;
	gint64 id = p->id;

	if (process_prepared (app, p, out, &local))
		return TRUE;
	if (g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
		/* no such row: nothing to quarantine */
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
		pd_log_warn ("intake=%" G_GINT64_FORMAT ": %s; left pending, a retry may succeed", id,
		             local->message);
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	/* a retry cannot help: keep the mail in quarantine with the reason */
	reason = g_strdup_printf ("processing failed: %s", local->message);
	pd_log_error ("intake=%" G_GINT64_FORMAT " %s; quarantined", id, reason);
	if (!pd_intake_quarantine (app, id, reason, error))
		return FALSE;
	out->action = "quarantined";
	g_free (out->note);
	out->note = g_steal_pointer (&reason);
	return TRUE;
}
