/* settings-route.c - the routing keys: [queue NAME] addresses and priority, and the
 * [route NAME] sections (see settings-route.h). Unknown keys are left alone, as elsewhere. */
#include "core/settings-route.h"

#include <string.h>

#include "core/error.h"
#include "core/settings-retention.h"
#include "core/settings.h"
#include "core/strutil.h"

static void
queue_routing_free (PdQueueRouting *q)
{
	g_free (q->queue);
	g_strfreev (q->addresses);
	g_free (q->priority);
	g_free (q);
}

static void
rule_free (PdRouteRule *r)
{
	g_free (r->name);
	g_strfreev (r->recipients);
	g_strfreev (r->sender_domains);
	g_strfreev (r->subject_words);
	g_strfreev (r->body_words);
	g_free (r->queue);
	g_free (r->priority);
	g_free (r);
}

void
pd_route_settings_free (PdRouteSettings *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref (r->queues);
	g_ptr_array_unref (r->rules);
	g_free (r);
}

char **
pd_route_split_list (const char *value)
{
	g_auto (GStrv) parts = NULL;
	GPtrArray *out = g_ptr_array_new ();
	guint i;

	if (value != NULL) {
		g_autofree char *v = g_strdup (value);

		if (strstr (v, " #") != NULL)
			*strstr (v, " #") = '\0'; /* a trailing comment */
		g_strdelimit (v, ";", ',');
		parts = g_strsplit (v, ",", -1);
		for (i = 0; parts[i] != NULL; i++) {
			char *p = g_strstrip (parts[i]);

			if (*p != '\0')
				g_ptr_array_add (out, g_utf8_casefold (p, -1));
		}
	}
	g_ptr_array_add (out, NULL);
	return (char **) g_ptr_array_free (out, FALSE);
}

static char **
get_list (GKeyFile *kf, const char *group, const char *key)
{
	g_autofree char *v = g_key_file_get_value (kf, group, key, NULL);
	char **list;

	if (v == NULL)
		return NULL;
	list = pd_route_split_list (v);
	if (list[0] == NULL)
		g_clear_pointer (&list, g_strfreev);
	return list;
}

static char *
get_word (GKeyFile *kf, const char *group, const char *key)
{
	g_autofree char *v = g_key_file_get_value (kf, group, key, NULL);

	if (v == NULL)
		return NULL;
	if (strstr (v, " #") != NULL)
		*strstr (v, " #") = '\0';
	g_strstrip (v);
	return *v ? pd_ascii_lower (g_steal_pointer (&v)) : NULL;
}

static gboolean
address_ok (const char *a)
{
	const char *at = strchr (a, '@');

	return at && at != a && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
	       strpbrk (a, " \t\r\n<>\"") == NULL;
}

const PdQueueRouting *
pd_route_queue (const PdRouteSettings *r, const char *name)
{
	guint i;

	for (i = 0; r && i < r->queues->len; i++) {
		const PdQueueRouting *q = r->queues->pdata[i];

		if (g_strcmp0 (q->queue, name) == 0)
			return q;
	}
	return NULL;
}

const PdQueueRouting *
pd_route_queue_for_address (const PdRouteSettings *r, const char *addr)
{
	guint i, j;

	for (i = 0; r && addr && i < r->queues->len; i++) {
		const PdQueueRouting *q = r->queues->pdata[i];

		for (j = 0; q->addresses[j] != NULL; j++)
			if (pd_address_has_base (q->addresses[j], addr))
				return q;
	}
	return NULL;
}

/* Each run of blanks (space, tab, line ends) in S becomes one space, in place. */
static char *
collapse_blanks (char *s)
{
	char *r = s, *w = s;
	gboolean blank = FALSE;

	for (; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n') {
			blank = TRUE;
			continue;
		}
		if (blank && w != s)
			*w++ = ' ';
		blank = FALSE;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

gboolean
pd_route_has_words (const char *text, const char *words)
{
	g_autofree char *hay = NULL, *needle = NULL;
	gsize n;
	const char *p;

	if (text == NULL || words == NULL || *words == '\0')
		return FALSE;
	/* a phrase matches across a line break or a run of blanks */
	hay = collapse_blanks (g_utf8_casefold (text, -1));
	needle = collapse_blanks (g_strdup (words));
	n = strlen (needle);
	for (p = strstr (hay, needle); p != NULL; p = strstr (p + 1, needle)) {
		/* whole words: no letter or digit just before or after (UTF-8 aware) */
		gboolean start = p == hay ||
		                 !g_unichar_isalnum (g_utf8_get_char (g_utf8_find_prev_char (hay, p)));
		gboolean end = p[n] == '\0' || !g_unichar_isalnum (g_utf8_get_char (p + n));

		if (start && end)
			return TRUE;
	}
	return FALSE;
}

static gboolean
priority_ok (const char *p)
{
	return g_strcmp0 (p, "low") == 0 || g_strcmp0 (p, "normal") == 0 ||
	       g_strcmp0 (p, "high") == 0 || g_strcmp0 (p, "urgent") == 0;
}

static gboolean
load_queue (PdRouteSettings *r, const PdQueueSettings *qs, GKeyFile *kf, GError **error)
{
	g_autofree char *group = g_strdup_printf ("queue %s", qs->name);
	g_auto (GStrv) extra = get_list (kf, group, "addresses");
	PdQueueRouting *q = g_new0 (PdQueueRouting, 1);
	GPtrArray *all = g_ptr_array_new ();
	guint i, j;

	g_ptr_array_add (r->queues, q);
	q->queue = g_strdup (qs->name);
	g_ptr_array_add (all, g_strdup (qs->address));
	for (i = 0; extra && extra[i]; i++) {
		if (!address_ok (extra[i])) {
			g_ptr_array_add (all, NULL);
			q->addresses = (char **) g_ptr_array_free (all, FALSE);
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] addresses: not an address: %s",
			             group, extra[i]);
			return FALSE;
		}
		if (strcmp (extra[i], qs->address) != 0)
			g_ptr_array_add (all, g_strdup (extra[i]));
	}
	g_ptr_array_add (all, NULL);
	q->addresses = (char **) g_ptr_array_free (all, FALSE);
	q->priority = get_word (kf, group, "priority");
	if (q->priority == NULL)
		q->priority = g_strdup ("normal");
	if (!priority_ok (q->priority)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[%s] priority: want low, normal, high or urgent, got \"%s\"", group, q->priority);
		return FALSE;
	}
	/* an address belongs to one queue, or routing by address would depend on file order */
	for (i = 0; i + 1 < r->queues->len; i++) {
		const PdQueueRouting *o = r->queues->pdata[i];

		for (j = 0; q->addresses[j]; j++)
			if (g_strv_contains ((const char *const *) o->addresses, q->addresses[j])) {
				g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
				             "[%s] addresses: %s is an address of [queue %s] already", group,
				             q->addresses[j], o->queue);
				return FALSE;
			}
	}
	return TRUE;
}

static gboolean
load_rule (PdRouteSettings *r, const char *group, GKeyFile *kf, GError **error)
{
	PdRouteRule *rule = g_new0 (PdRouteRule, 1);

	g_ptr_array_add (r->rules, rule);
	rule->name = g_strstrip (g_strdup (group + 6));
	rule->recipients = get_list (kf, group, "recipient");
	rule->sender_domains = get_list (kf, group, "sender_domain");
	rule->subject_words = get_list (kf, group, "subject");
	rule->body_words = get_list (kf, group, "body");
	rule->queue = get_word (kf, group, "queue");
	rule->priority = get_word (kf, group, "priority");
	if (rule->queue != NULL && pd_route_queue (r, rule->queue) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] queue: no [queue %s]", group,
		             rule->queue);
		return FALSE;
	}
	if (rule->priority != NULL && !priority_ok (rule->priority)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[%s] priority: want low, normal, high or urgent, got \"%s\"", group,
		             rule->priority);
		return FALSE;
	}
	if (rule->queue == NULL && rule->priority == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s]: a route needs queue or priority",
		             group);
		return FALSE;
	}
	return TRUE;
}

/* [route] (no name) same_mail_window = 1h: a duration as for [retention]. */
static gboolean
load_window (PdRouteSettings *r, GKeyFile *kf, GError **error)
{
	g_autofree char *v = g_key_file_get_value (kf, "route", "same_mail_window", NULL);

	r->same_mail_window = PD_SAME_MAIL_WINDOW;
	if (v != NULL && !pd_retention_parse (v, &r->same_mail_window)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[route] same_mail_window: want a duration like 1h, 90m or 2d (0 = never), "
		             "got \"%s\"", v);
		return FALSE;
	}
	return TRUE;
}

PdRouteSettings *
pd_settings_route_load (const PdSettings *s, GKeyFile *kf, GError **error)
{
	PdRouteSettings *r = g_new0 (PdRouteSettings, 1);
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;

	r->queues = g_ptr_array_new_with_free_func ((GDestroyNotify) queue_routing_free);
	r->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
	if (!load_window (r, kf, error))
		goto fail;
	for (i = 0; i < s->queues->len; i++)
		if (!load_queue (r, s->queues->pdata[i], kf, error))
			goto fail;
	for (i = 0; groups && groups[i]; i++)
		if (g_str_has_prefix (groups[i], "route ") && !load_rule (r, groups[i], kf, error))
			goto fail;
	return r;
fail:
	pd_route_settings_free (r);
	return NULL;
}
