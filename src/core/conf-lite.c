/* conf-lite.c - see conf-lite.h. The defaults and limits are settings.c's. */
#include "core/conf-lite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the config file read at most: a bigger one goes to the full program */
#define MAX_CONFIG (256 * 1024)

static char *
join (const char *dir, const char *name)
{
	size_t n = strlen (dir) + strlen (name) + 2;
	char *s = malloc (n);

	if (s != NULL)
		snprintf (s, n, "%s/%s", dir, name);
	return s;
}

static char *
dir_of (const char *file)
{
	const char *slash = strrchr (file, '/');

	return slash == NULL ? strdup (".") : slash == file ? strdup ("/") : strndup (file, slash - file);
}

static int
is_space (char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* S without the white space around it, in place */
static char *
strip (char *s)
{
	char *end;

	while (is_space (*s))
		s++;
	end = s + strlen (s);
	while (end > s && is_space (end[-1]))
		*--end = '\0';
	return s;
}

typedef struct {
	const char *group, *key;
	char *value; /* the last one in the file, stripped; NULL: not there */
} Wanted;

/* Read FILE's WANTED keys as GKeyFile would, the last of a key winning. 0, -1 when the file
 * is not there (errno), or 1 with WHY when in doubt. */
static int
read_keys (const char *file, Wanted *wanted, char *why, size_t why_len)
{
	FILE *f = fopen (file, "re");
	char line[4096], group[256] = "";
	int have_group = 0;

	if (f == NULL)
		return -1;
	while (fgets (line, sizeof line, f) != NULL) {
		char *s = strip (line), *eq, *key, *value;
		Wanted *w;

		if (strlen (line) >= sizeof line - 1 || ftell (f) > MAX_CONFIG) {
			snprintf (why, why_len, "%s: a line or the file is longer than read here", file);
			fclose (f);
			return 1;
		}
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strrchr (s, ']');

			if (end == NULL || end - s - 1 >= (long) sizeof group) {
				snprintf (why, why_len, "%s: a group line GLib would refuse", file);
				fclose (f);
				return 1;
			}
			*end = '\0';
			snprintf (group, sizeof group, "%s", s + 1);
			have_group = 1;
			continue;
		}
		eq = strchr (s, '=');
		if (eq == NULL || eq == s || !have_group) {
			snprintf (why, why_len, "%s: a line that is not a key, a group or a comment", file);
			fclose (f);
			return 1;
		}
		*eq = '\0';
		key = strip (s);
		value = strip (eq + 1);
		for (w = wanted; w->group != NULL; w++) {
			if (strcmp (w->group, group) != 0 || strcmp (w->key, key) != 0)
				continue;
			if (strchr (value, '\\') != NULL) {
				snprintf (why, why_len, "%s: [%s] %s has an escape", file, group, key);
				fclose (f);
				return 1;
			}
			free (w->value);
			w->value = strdup (value);
		}
	}
	fclose (f);
	return 0;
}

/* [GROUP] KEY of W as a whole number >= MIN (DEF when absent), as settings.c's get_int */
static int
get_int (const Wanted *w, int64_t def, int64_t min, int64_t *out, char *why, size_t why_len)
{
	char *end;
	long long n;

	if (w->value == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtoll (w->value, &end, 10);
	if (*w->value == '\0' || *end != '\0' || errno != 0 || n < min) {
		snprintf (why, why_len, "[%s] %s is not a whole number >= %lld", w->group, w->key,
		          (long long) min);
		return 1;
	}
	*out = n;
	return 0;
}

void
pd_conf_lite_free (PdConfLite *conf)
{
	if (conf == NULL)
		return;
	free (conf->config);
	free (conf->home);
	free (conf->database);
	free (conf);
}

PdConfLite *
pd_conf_lite_load (const char *config_option, char *why, size_t why_len)
{
	const char *env_config = getenv ("POSTDESK_CONFIG");
	const char *env_home = getenv ("POSTDESK_HOME");
	const char *named = NULL; /* a config file that may name the home */
	Wanted wanted[] = {
		{ "postdesk", "home", NULL },         { "postdesk", "database", NULL },
		{ "postdesk", "busy_timeout", NULL }, { "limits", "message_size", NULL },
		{ "serve", "max_pending", NULL },     { NULL, NULL, NULL },
	};
	PdConfLite *conf = calloc (1, sizeof *conf);
	struct stat st;
	int64_t n;
	int i, rc;

	if (conf == NULL) {
		snprintf (why, why_len, "out of memory");
		return NULL;
	}
	/* the order of pd_settings_locate */
	if (config_option != NULL && *config_option != '\0')
		named = config_option;
	else if (env_config != NULL && *env_config != '\0')
		named = env_config;
	else if (env_home != NULL && *env_home != '\0') {
		conf->home = strdup (env_home);
		conf->config = join (env_home, "postdesk.conf");
	} else if (access (PD_SYSCONFDIR "/postdesk/postdesk.conf", F_OK) == 0)
		named = PD_SYSCONFDIR "/postdesk/postdesk.conf";
	else if (stat ("var", &st) == 0 && S_ISDIR (st.st_mode)) {
		conf->home = strdup ("./var");
		conf->config = strdup ("./var/postdesk.conf");
	} else {
		snprintf (why, why_len, "no postdesk home");
		goto doubt;
	}
	if (named != NULL)
		conf->config = strdup (named);
	rc = read_keys (conf->config, wanted, why, why_len);
	if (rc < 0)
		snprintf (why, why_len, "config %s: %s", conf->config, strerror (errno));
	if (rc != 0)
		goto doubt;
	if (named != NULL) {
		/* [postdesk] home, relative to the file's directory; by default that directory */
		char *dir = dir_of (named);

		conf->home = wanted[0].value == NULL || *wanted[0].value == '\0' ? strdup (dir)
		             : wanted[0].value[0] == '/'                          ? strdup (wanted[0].value)
		                                                                  : join (dir, wanted[0].value);
		free (dir);
	}
	conf->database = wanted[1].value != NULL && *wanted[1].value != '\0'
	                         ? strdup (wanted[1].value)
	                         : join (conf->home, "postdesk.db");
	if (get_int (&wanted[2], 30000, 0, &n, why, why_len) != 0)
		goto doubt;
	conf->busy_timeout = n > 0x7fffffff ? 0x7fffffff : (int) n;
	if (get_int (&wanted[3], 50 * 1024 * 1024, 1024, &conf->message_size, why, why_len) != 0 ||
	    get_int (&wanted[4], 10000, 1, &conf->max_pending, why, why_len) != 0)
		goto doubt;
	for (i = 0; wanted[i].group != NULL; i++)
		free (wanted[i].value);
	return conf;
doubt:
	for (i = 0; wanted[i].group != NULL; i++)
		free (wanted[i].value);
	pd_conf_lite_free (conf);
	return NULL;
}
