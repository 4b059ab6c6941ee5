/* campaign-owner.c - the holder of a lease on ledger rows, named and judged
 * (campaign-owner.h). Shared by the sender (outbound/campaign-lease.c reclaims the rows of a
 * holder that is gone), a cancel (lists/campaign.c skips them) and the one sender's part
 * (campaign-sender.c), so that all three judge a holder the same way. */
#include "lists/campaign-owner.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

const char *
pd_campaign_pidns (void)
{
	static char *ns;
	static gsize once;

	if (g_once_init_enter (&once)) {
		ns = g_file_read_link ("/proc/self/ns/pid", NULL);
		g_once_init_leave (&once, 1);
	}
	return ns;
}

/* The number of this process's pid namespace ("4026531836" of "pid:[4026531836]"), NULL
 * where it cannot be read: the form an owner name carries (no ':' in it). (transfer none) */
static const char *
pidns_number (void)
{
	static char *number;
	static gsize once;

	if (g_once_init_enter (&once)) {
		const char *ns = pd_campaign_pidns ();
		const char *open = ns ? strchr (ns, '[') : NULL;
		const char *close = open ? strchr (open, ']') : NULL;

		if (close != NULL && close > open + 1) {
			number = g_strndup (open + 1, (gsize) (close - open - 1));
			for (const char *p = number; *p; p++)
				if (!g_ascii_isdigit (*p))
					g_clear_pointer (&number, g_free);
		}
		g_once_init_leave (&once, 1);
	}
	return number;
}

char *
pd_campaign_owner_new (void)
{
	const char *ns = pidns_number ();

	return ns ? g_strdup_printf ("%s:%d:%08x:%s", g_get_host_name (), (int) getpid (),
	                             g_random_int (), ns)
	          : g_strdup_printf ("%s:%d:%08x", g_get_host_name (), (int) getpid (),
	                             g_random_int ());
}

gboolean
pd_campaign_owner_gone (const char *owner)
{
	g_auto (GStrv) parts = g_strsplit (owner, ":", 4);
	const char *ns = pidns_number ();
	gint64 pid;

	/* another host, another pid namespace, or not known: only the expiry can tell */
	if (g_strv_length (parts) != 4 || ns == NULL ||
	    g_strcmp0 (parts[0], g_get_host_name ()) != 0 || g_strcmp0 (parts[3], ns) != 0)
		return FALSE;
	pid = g_ascii_strtoll (parts[1], NULL, 10);
	return pid > 0 && kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}
