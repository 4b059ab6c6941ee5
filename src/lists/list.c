/* list.c - list names, subscriber addresses, the join policy and topic lists (see list.h). */
#include "lists/list.h"

#include <string.h>

static const char *const policy_names[] = { "open", "confirm", "customers", "closed" };

gboolean
pd_list_policy_from_name (const char *name, PdListPolicy *policy_r)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (policy_names); i++)
		if (g_strcmp0 (name, policy_names[i]) == 0) {
			*policy_r = (PdListPolicy) i;
			return TRUE;
		}
	return FALSE;
}

gboolean
pd_list_name_valid (const char *name)
{
	const char *p;

	if (name == NULL || *name == '\0' || strlen (name) > 64 || *name == '.' || *name == '-')
		return FALSE;
	for (p = name; *p; p++)
		if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '.' || *p == '_' || *p == '-'))
			return FALSE;
	return TRUE;
}

gboolean
pd_list_address_valid (const char *addr)
{
	const char *at, *p;

	if (addr == NULL || strlen (addr) > 254)
		return FALSE;
	at = strchr (addr, '@');
	if (at == NULL || at == addr || strchr (at + 1, '@') != NULL)
		return FALSE;
	for (p = addr; *p; p++)
		if ((guchar) *p <= ' ' || *p == 0x7f || strchr ("<>\"(),;:[]\\", *p) != NULL)
			return FALSE;
	/* a domain with a dot, neither at its start nor its end */
	p = strchr (at + 1, '.');
	return p != NULL && p != at + 1 && addr[strlen (addr) - 1] != '.';
}

static gboolean
domain_allowed (const char *allowed_domains, const char *addr)
{
	const char *at = strrchr (addr, '@');
	g_auto (GStrv) domains = NULL;
	guint i;

	if (at == NULL || allowed_domains == NULL)
		return FALSE;
	domains = g_strsplit (allowed_domains, ",", -1);
	for (i = 0; domains[i]; i++) {
		const char *d = g_strstrip (domains[i]);
		const char *dom = at + 1;
		gsize dl = strlen (d), al = strlen (dom);

		if (*d == '@')
			d++, dl--;
		if (dl == 0)
			continue;
		if (g_ascii_strcasecmp (dom, d) == 0)
			return TRUE;
		/* a subdomain: "x.example.org" for "example.org", never "badexample.org" */
		if (al > dl && dom[al - dl - 1] == '.' && g_ascii_strcasecmp (dom + al - dl, d) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
pd_list_may_join (PdListPolicy policy, const char *allowed_domains, const char *addr,
                  gboolean known_customer)
{
	switch (policy) {
	case PD_LIST_OPEN:
	case PD_LIST_CONFIRM:
		return TRUE;
	case PD_LIST_CUSTOMERS:
		return known_customer || domain_allowed (allowed_domains, addr);
	case PD_LIST_CLOSED:
	default:
		return FALSE;
	}
}

char *
pd_list_topics_normalise (const char *topics, const char *allowed)
{
	g_auto (GStrv) parts = g_strsplit (topics ? topics : "", ",", -1);
	g_auto (GStrv) allow = allowed ? g_strsplit (allowed, ",", -1) : NULL;
	g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
	GString *out = g_string_new (NULL);
	guint i, k;

	for (i = 0; allow && allow[i]; i++) {
		char *l = g_ascii_strdown (g_strstrip (allow[i]), -1);

		g_free (allow[i]);
		allow[i] = l;
	}
	for (i = 0; parts[i]; i++) {
		g_autofree char *t = g_ascii_strdown (g_strstrip (parts[i]), -1);
		gboolean dup = FALSE;

		if (*t == '\0')
			continue;
		for (k = 0; k < seen->len; k++)
			dup = dup || strcmp (seen->pdata[k], t) == 0;
		if (dup || (allow != NULL && !g_strv_contains ((const char *const *) allow, t)))
			continue;
		if (out->len)
			g_string_append_c (out, ',');
		g_string_append (out, t);
		g_ptr_array_add (seen, g_steal_pointer (&t));
	}
	return g_string_free (out, FALSE);
}
