/* links.c - signed links and addresses for subscribers (see links.h). */
#include "lists/links.h"

#include <string.h>

#include "core/token.h"

static char
link_kind (PdListLink page)
{
	return page == PD_LIST_LINK_CONFIRM ? 'k' : 'm';
}

static const char *
link_path (PdListLink page)
{
	switch (page) {
	case PD_LIST_LINK_CONFIRM:
		return "confirm";
	case PD_LIST_LINK_PREFS:
		return "prefs";
	case PD_LIST_LINK_UNSUBSCRIBE:
	default:
		return "unsubscribe";
	}
}

char *
pd_list_link (GBytes *secret, const char *public_url, PdListLink page, gint64 subscriber)
{
	g_autofree char *token = NULL;

	if (public_url == NULL || subscriber <= 0)
		return NULL;
	token = pd_token_make (secret, link_kind (page), subscriber);
	return g_strdup_printf ("%s/list/%s/%s", public_url, link_path (page), token);
}

gint64
pd_list_link_check (GBytes *secret, PdListLink page, const char *token)
{
	char kind = 0;
	gint64 id = 0;

	if (token == NULL || !pd_token_check (secret, token, &kind, &id))
		return 0;
	if (kind != link_kind (page) || id <= 0)
		return 0;
	return id;
}

char *
pd_list_request_address (const char *list_address)
{
	const char *at = strrchr (list_address, '@');

	if (at == NULL)
		return g_strdup_printf ("%s-request", list_address);
	return g_strdup_printf ("%.*s-request%s", (int) (at - list_address), list_address, at);
}

char *
pd_list_unsubscribe_address (GBytes *secret, const char *list_address, gint64 subscriber)
{
	g_autofree char *request = pd_list_request_address (list_address);

	return pd_token_address (secret, request, 'm', subscriber);
}

char *
pd_list_id (const char *name, const char *title, const char *list_address)
{
	const char *at = strrchr (list_address, '@');
	const char *domain = at != NULL ? at + 1 : "localhost";

	if (title != NULL && *title != '\0')
		return g_strdup_printf ("%s <%s.%s>", title, name, domain);
	return g_strdup_printf ("<%s.%s>", name, domain);
}
