/* campaign.c - creating campaigns, their state machine and their staged release
 * (campaign.h). Every change is one short transaction that re-reads the row, so the
 * scheduler, `serve`'s sender and the CLI may act on one campaign at once. */
#include "lists/campaign.h"

#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "lists/campaign-owner.h"
#include "mail/compose.h"

/* ---- stages ---- */

gboolean
pd_campaign_stages_parse (const char *stages, GArray **pcts_r, GError **error)
{
	g_autoptr (GArray) pcts = g_array_new (FALSE, FALSE, sizeof (double));
	g_auto (GStrv) parts = NULL;
	double last = 0;
	guint i;

	if (stages == NULL || *stages == '\0')
		stages = "100%";
	parts = g_strsplit (stages, ",", -1);
	for (i = 0; parts[i]; i++) {
		char *p = g_strstrip (parts[i]), *end;
		double v = g_ascii_strtod (p, &end);

		if (*end == '%')
			end++;
		if (end == p || *end != '\0' || !(v > last) || v > 100) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
			             "stages \"%s\": want rising shares up to 100%%, like 1%%,10%%,100%%",
			             stages);
			return FALSE;
		}
		last = v;
		v /= 100;
		g_array_append_val (pcts, v);
	}
	if (last != 100) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "stages \"%s\": the last stage must be 100%%", stages);
		return FALSE;
	}
	*pcts_r = g_steal_pointer (&pcts);
	return TRUE;
}

guint
pd_campaign_stage_count (const char *stages)
{
	g_autoptr (GArray) pcts = NULL;

	if (!pd_campaign_stages_parse (stages, &pcts, NULL))
		return 1;
	return pcts->len;
}

gint64
pd_campaign_stage_cutoff (const char *stages, gint64 total, gint64 stage)
{
	g_autoptr (GArray) pcts = NULL;
	double want;
	gint64 cut;

	if (stage < 0 || total <= 0)
		return 0;
	if (!pd_campaign_stages_parse (stages, &pcts, NULL) || stage >= (gint64) pcts->len - 1)
		return total;
	/* 10% of 5000 is 500, not 501 from rounding noise */
	want = total * g_array_index (pcts, double, stage);
	cut = (gint64) want;
	if ((double) cut < want - 1e-9)
		cut++; /* rounded up: a stage of 1% of 50 is one message, not none */
	return CLAMP (cut, 1, total);
}

/* ---- the state machine ---- */

static const struct {
	const char *from, *to;
} moves[] = {
	{ "draft", "running" },     { "draft", "scheduled" },   { "scheduled", "running" },
	{ "running", "paused" },    { "paused", "running" },    { "running", "done" },
	{ "draft", "cancelled" },   { "scheduled", "cancelled" }, { "running", "cancelled" },
	{ "paused", "cancelled" },
};

gboolean
pd_campaign_can (const char *from, const char *to)
{
	for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
		if (!g_strcmp0 (moves[i].from, from) && !g_strcmp0 (moves[i].to, to))
			return TRUE;
	return FALSE;
}

/* The states TO may be reached from, comma-separated, for the store's guarded UPDATE.
 * (transfer full) */
static char *
sources (const char *to)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
		if (!strcmp (moves[i].to, to))
			g_string_append_printf (s, "%s%s", s->len ? "," : "", moves[i].from);
	return g_string_free (s, FALSE);
}

gboolean
pd_campaign_create (PdApp *app, const PdCampaignSpec *spec, gint64 *id_r, GError **error)
{
	g_autoptr (GArray) pcts = NULL;
	gint64 list_id = 0, total = 0;

	if (!pd_campaign_stages_parse (spec->stages, &pcts, error))
		return FALSE;
	if (spec->subject == NULL || *spec->subject == '\0') {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "a campaign needs a subject");
		return FALSE;
	}
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_campaign_list_id (app->store, spec->list, &list_id, error))
		goto fail;
	if (list_id == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no list %s", spec->list);
		goto fail;
	}
	if (!pd_store_campaign_insert (app->store, list_id, spec->kind, spec->article_id, spec->subject,
	                               spec->body ? NULL : (spec->template ? spec->template : "default"),
	                               spec->body, spec->start_at, spec->rate, spec->per_domain,
	                               spec->connections, spec->stages ? spec->stages : "100%",
	                               spec->created_by, pd_now (), id_r, error) ||
	    !pd_store_campaign_fill (app->store, *id_r, &total, error))
		goto fail;
	{
		/* a template that is not there fails now, not at every sender pass */
		g_autoptr (PdCampaignRow) c = pd_store_campaign_get (app->store, *id_r, error);
		g_autoptr (PdCampaignMail) m = NULL;

		if (c == NULL || (m = pd_campaign_mail_new (app->settings, app->secret, c, error)) == NULL)
			goto fail;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	pd_log_info ("campaign=%" G_GINT64_FORMAT " list=%s recipients=%" G_GINT64_FORMAT
	             " state=draft", *id_r, spec->list, total);
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

/* A cancel: campaign ID's unsent rows become 'skipped', with the rows leased by a sender of
 * this host and pid namespace that is gone (kill -9: nobody would give them back, since
 * senders reclaim rows of running campaigns only) or whose lease ran out. */
static gboolean
skip_unsent (PdApp *app, gint64 id, gint64 now, gint64 *count_r, GError **error)
{
	g_autoptr (GPtrArray) owners = pd_store_delivery_owners (app->store, id, error);
	gint64 n = 0;

	*count_r = 0;
	if (owners == NULL || !pd_store_campaign_skip_unsent (app->store, id, now, NULL, count_r, error))
		return FALSE;
	for (guint i = 0; i < owners->len; i++) {
		/* this host and pid namespace only (campaign-owner.h) */
		if (!pd_campaign_owner_gone (owners->pdata[i]))
			continue;
		if (!pd_store_campaign_skip_unsent (app->store, id, now, owners->pdata[i], &n, error))
			return FALSE;
		*count_r += n;
	}
	return TRUE;
}

/* Move ID to TO in a transaction of its own; the error names the state it was in. */
static gboolean
move (PdApp *app, gint64 id, const char *to, GError **error)
{
	g_autoptr (PdCampaignRow) c = NULL;
	g_autofree char *from = sources (to);
	gboolean changed = FALSE;
	gint64 now = pd_now (), skipped = 0;
	const char *target = to;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if ((c = pd_store_campaign_get (app->store, id, error)) == NULL)
		goto fail;
	if (!strcmp (to, "running") && !strcmp (c->state, "draft") && c->start_at > now)
		target = "scheduled";
	if (!pd_campaign_can (c->state, target)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "campaign %" G_GINT64_FORMAT " is %s: it cannot become %s",
		             id, c->state, target);
		goto fail;
	}
	/* a resume after a pause the campaign made itself accepts the stage that caused it */
	if (!strcmp (c->state, "paused") && c->paused_reason != NULL && c->stage_done_at != 0 &&
	    !pd_store_campaign_set_stage (app->store, id, c->stage + 1, 0, error))
		goto fail;
	g_free (from);
	from = sources (target);
	if (!pd_store_campaign_transition (app->store, id, from, target, NULL, now, &changed, error))
		goto fail;
	/* nothing of a cancelled campaign goes out later: its unsent rows are settled now, in
	 * this transaction (rows a sender holds follow when it gives them back: db/029) */
	if (!strcmp (target, "cancelled") && !skip_unsent (app, id, now, &skipped, error))
		goto fail;
	if (!pd_store_commit (app->store, error))
		return FALSE;
	pd_log_info ("campaign=%" G_GINT64_FORMAT " state=%s (was %s)", id, target, c->state);
	if (skipped > 0)
		pd_log_info ("campaign=%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " unsent rows skipped",
		             id, skipped);
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

gboolean
pd_campaign_start (PdApp *app, gint64 id, GError **error)
{
	return move (app, id, "running", error);
}

gboolean
pd_campaign_pause (PdApp *app, gint64 id, GError **error)
{
	return move (app, id, "paused", error);
}

gboolean
pd_campaign_resume (PdApp *app, gint64 id, GError **error)
{
	g_autoptr (PdCampaignRow) c = pd_store_campaign_get (app->store, id, error);

	if (c == NULL)
		return FALSE;
	if (strcmp (c->state, "paused") != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "campaign %" G_GINT64_FORMAT " is %s, not paused", id, c->state);
		return FALSE;
	}
	return move (app, id, "running", error);
}

gboolean
pd_campaign_cancel (PdApp *app, gint64 id, GError **error)
{
	return move (app, id, "cancelled", error);
}

/* ---- the clock ---- */

/* Queue the mail telling the owner why campaign C paused itself. Inside the transaction. */
static gboolean
mail_owner (PdApp *app, const PdCampaignRow *c, const char *reason, gint64 now, GError **error)
{
	const PdCampaignSettings *cs = app->settings->campaign;
	const char *owner = c->list_owner ? c->list_owner : cs->owner;
	const char *from = cs->from ? cs->from : c->list_address;
	g_autofree char *subject = NULL, *body = NULL, *mid = NULL;
	g_autoptr (GBytes) raw = NULL;
	PdComposeSpec spec = { 0 };
	gint64 outbox_id;

	if (owner == NULL) {
		pd_log_warn ("campaign=%" G_GINT64_FORMAT " paused (%s); nobody to tell: the list has no "
		             "owner and [campaign] owner is not set", c->id, reason);
		return TRUE;
	}
	subject = g_strdup_printf ("Campaign %" G_GINT64_FORMAT " to %s paused: %s", c->id,
	                           c->list_name, reason);
	body = g_strdup_printf (
		"The announcement \"%s\" (campaign %" G_GINT64_FORMAT ") to the list %s paused itself\n"
		"after stage %" G_GINT64_FORMAT " of \"%s\": %s.\n\n"
		"Nothing more goes out until someone decides. To go on with the next stage:\n"
		"  postdesk announce resume %" G_GINT64_FORMAT "\n"
		"To stop it for good:\n"
		"  postdesk announce cancel %" G_GINT64_FORMAT "\n",
		c->subject, c->id, c->list_name, c->stage + 1, c->stages, reason, c->id, c->id);
	mid = pd_compose_message_id (app->settings->domain);
	spec.from_addr = from;
	spec.from_name = "postdesk";
	spec.to_addr = owner;
	spec.subject = subject;
	spec.message_id = mid;
	spec.auto_submitted = "auto-generated";
	spec.body = body;
	if ((raw = pd_compose (&spec, error)) == NULL)
		return FALSE;
	return pd_store_outbox_add (app->store, "campaign", 0, owner, mid, raw, FALSE, now,
	                            &outbox_id, error);
}

/* The stage of C finished STAGE_WAIT ago: go on, or pause with a reason. */
static gboolean
judge_stage (PdApp *app, const PdCampaignRow *c, gint64 now, GError **error)
{
	const PdCampaignSettings *cs = app->settings->campaign;
	gint64 lo = pd_campaign_stage_cutoff (c->stages, c->total, c->stage - 1);
	gint64 hi = pd_campaign_stage_cutoff (c->stages, c->total, c->stage);
	gint64 n = 0, bounced = 0, complaints = 0;
	g_autofree char *reason = NULL;
	gboolean changed;

	if (!pd_store_campaign_stage_rates (app->store, c->id, lo, hi, &n, &bounced, &complaints,
	                                    error))
		return FALSE;
	if (n > 0 && (double) bounced / n > cs->max_bounce_rate)
		reason = g_strdup_printf ("bounce rate %.1f%% (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
		                          ") over %.1f%%", 100.0 * bounced / n, bounced, n,
		                          100 * cs->max_bounce_rate);
	else if (n > 0 && (double) complaints / n > cs->max_complaint_rate)
		reason = g_strdup_printf ("complaint rate %.2f%% (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
		                          ") over %.2f%%", 100.0 * complaints / n, complaints, n,
		                          100 * cs->max_complaint_rate);
	if (reason == NULL) {
		pd_log_info ("campaign=%" G_GINT64_FORMAT " stage=%" G_GINT64_FORMAT " passed: %" G_GINT64_FORMAT
		             " bounced, %" G_GINT64_FORMAT " complaints of %" G_GINT64_FORMAT "; releasing the next",
		             c->id, c->stage + 1, bounced, complaints, n);
		return pd_store_campaign_set_stage (app->store, c->id, c->stage + 1, 0, error);
	}
	if (!pd_store_campaign_transition (app->store, c->id, "running", "paused", reason, now,
	                                   &changed, error))
		return FALSE;
	if (!changed)
		return TRUE;
	pd_log_warn ("campaign=%" G_GINT64_FORMAT " stage=%" G_GINT64_FORMAT " paused: %s", c->id,
	             c->stage + 1, reason);
	return mail_owner (app, c, reason, now, error);
}

/* One step of campaign ID's clock, in its own transaction. */
static gboolean
tick_one (PdApp *app, gint64 id, gint64 now, GError **error)
{
	g_autoptr (PdCampaignRow) c = NULL;
	gboolean changed, ok = TRUE;
	gint64 open = 0, cutoff;
	guint stages;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if ((c = pd_store_campaign_get (app->store, id, error)) == NULL)
		goto fail;
	if (!strcmp (c->state, "scheduled") && c->start_at <= now) {
		ok = pd_store_campaign_transition (app->store, id, "scheduled", "running", NULL, now,
		                                   &changed, error);
		if (ok && changed)
			pd_log_info ("campaign=%" G_GINT64_FORMAT " state=running (its time came)", id);
	} else if (!strcmp (c->state, "running")) {
		stages = pd_campaign_stage_count (c->stages);
		cutoff = pd_campaign_stage_cutoff (c->stages, c->total, c->stage);
		if (!pd_store_campaign_open (app->store, id, cutoff, &open, error))
			goto fail;
		if (open > 0)
			; /* the stage is still going out */
		else if (c->stage >= (gint64) stages - 1) {
			ok = pd_store_campaign_transition (app->store, id, "running", "done", NULL, now,
			                                   &changed, error);
			if (ok && changed)
				pd_log_info ("campaign=%" G_GINT64_FORMAT " state=done", id);
		} else if (c->stage_done_at == 0) {
			ok = pd_store_campaign_set_stage (app->store, id, c->stage, now, error);
			pd_log_info ("campaign=%" G_GINT64_FORMAT " stage=%" G_GINT64_FORMAT
			             " sent; waiting %" G_GINT64_FORMAT " s for its bounces",
			             id, c->stage + 1, app->settings->campaign->stage_wait);
		} else if (now >= c->stage_done_at + app->settings->campaign->stage_wait)
			ok = judge_stage (app, c, now, error);
	}
	if (!ok)
		goto fail;
	return pd_store_commit (app->store, error);
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

gboolean
pd_campaign_tick (PdApp *app, gint64 now, GError **error)
{
	const char *states[] = { "scheduled", "running" };

	for (guint s = 0; s < G_N_ELEMENTS (states); s++) {
		g_autoptr (GPtrArray) list = pd_store_campaign_list (app->store, states[s], error);

		if (list == NULL)
			return FALSE;
		for (guint i = 0; i < list->len; i++) {
			const PdCampaignRow *c = list->pdata[i];

			if (!tick_one (app, c->id, now, error))
				return FALSE;
		}
	}
	/* a cancelled campaign's rows whose sender died after the cancel: nobody gives them back */
	{
		gint64 n = 0;

		if (!pd_store_campaign_skip_stale (app->store, now, &n, error))
			return FALSE;
		if (n > 0)
			pd_log_info ("%" G_GINT64_FORMAT " rows of cancelled campaigns left leased: skipped", n);
	}
	return TRUE;
}
