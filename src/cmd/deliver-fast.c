/* deliver-fast.c - postdesk-deliver, the intake-only `deliver` for an MTA's pipe transport
 * (issue 10): it takes one message on stdin for its recipients, commits the intake rows
 * durably (synchronous=FULL), wakes `serve`, whose worker processes them, and exits 0. It
 * links SQLite and libc only, so it costs a process start, not GLib's and GMime's, and it
 * writes the rows with the code every intake path shares (store/intake-row.c).
 *
 * Anything else is left to `postdesk deliver`, exec'd with the same arguments and the same
 * bytes on stdin (those already read go in an unlinked temporary file in the home):
 *  - an option this program does not know (or --help);
 *  - a config it cannot read as GLib would, or with a value out of range; no home, no config,
 *    no secret key, no database (the full program says what is wrong, and exits 75);
 *  - POSTDESK_NOW set (a test clock);
 *  - a database whose schema version is not the one this binary was built with (the full
 *    program migrates it);
 *  - no serve running on the home: the full program processes the mail itself, as before,
 *    so a home without serve still gets its tickets (and its exit status is the MTA's);
 *  - a message over [limits] message_size (the full program quarantines it at once, or
 *    refuses one four times over);
 *  - serve gone between the check and the commit: the full program finds the rows stored and
 *    processes them.
 * Exit 75 (EX_TEMPFAIL) when a retry may help: a database busy past busy_timeout, a full disk,
 * stdin unreadable. Nothing is half-written: the rows of all recipients are one transaction.
 * POSTDESK_DEBUG=1 says on stderr which way the mail went. */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "core/conf-lite.h"
#include "core/sha256.h"
#include "intake/handover-proto.h"
#include "intake/wake-proto.h"
#include "schema-version.h"
#include "store/intake-lite.h"
#include "store/intake-row.h"

/* bytes kept in memory (intake/spool.h's PD_SPOOL_MEMORY); more go to a temporary file */
#define MEMORY (1024 * 1024)
#define CHUNK (64 * 1024)

/* ---- messages on stderr, in log.c's form ---- */

static void say (const char *level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
say (const char *level, const char *fmt, ...)
{
	char text[2048];
	char line[2200];
	va_list ap;
	int n;

	if (strcmp (level, "debug") == 0 && getenv ("POSTDESK_DEBUG") == NULL)
		return;
	va_start (ap, fmt);
	vsnprintf (text, sizeof text, fmt, ap);
	va_end (ap);
	n = snprintf (line, sizeof line, "postdesk[%d]: %s: %s\n", (int) getpid (), level, text);
	if (write (STDERR_FILENO, line, n < (int) sizeof line ? n : (int) sizeof line - 1) < 0) {
		/* nowhere left to report it */
	}
}

/* ---- the command line: deliver's options, as GOption reads them (-r ADDR, --recipient ADDR,
 * --recipient=ADDR, -f, --sender, --config, recipients after them, --) ---- */

typedef struct {
	const char *config;
	const char *sender;
	const char **rcpts;
	int n_rcpts;
} Args;

/* the value of option SHORT/LONG at ARGV[*I] (advancing *I), or NULL if it is not that one;
 * *MISSING when it is, without a value */
static const char *
option_value (char **argv, int argc, int *i, char short_name, const char *long_name,
              int *missing)
{
	const char *a = argv[*i];
	size_t len = strlen (long_name);

	/* GOption takes -r ADDR, not -rADDR: that one goes to the full program, which refuses it */
	if (short_name && a[0] == '-' && a[1] == short_name && a[2] == '\0') {
	} else if (strncmp (a, "--", 2) == 0 && strncmp (a + 2, long_name, len) == 0) {
		if (a[2 + len] == '=')
			return a + 3 + len;
		if (a[2 + len] != '\0')
			return NULL;
	} else
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/* 0, or 1 when the command line is one for the full program. The recipients in deliver's
 * order (the rows' ids, and so which one speaks for a queue): every -r first, then the others. */
static int
parse_args (int argc, char **argv, Args *args)
{
	const char **positional = calloc (argc, sizeof (char *));
	int i, n = 0, rest = 0, missing = 0;

	args->rcpts = calloc (argc, sizeof (char *));
	for (i = 1; i < argc; i++) {
		const char *v;

		if (rest || argv[i][0] != '-' || strcmp (argv[i], "-") == 0)
			positional[n++] = argv[i];
		else if (strcmp (argv[i], "--") == 0)
			rest = 1;
		else if ((v = option_value (argv, argc, &i, 'r', "recipient", &missing)) != NULL)
			args->rcpts[args->n_rcpts++] = v;
		else if (!missing && (v = option_value (argv, argc, &i, 'f', "sender", &missing)) != NULL)
			args->sender = v;
		else if (!missing && (v = option_value (argv, argc, &i, 0, "config", &missing)) != NULL)
			args->config = v;
		else {
			free (positional);
			return 1;
		}
	}
	memcpy (args->rcpts + args->n_rcpts, positional, n * sizeof (char *));
	args->n_rcpts += n;
	free (positional);
	return 0;
}

/* ---- the message ---- */

typedef struct {
	unsigned char *mem; /* the first MEMORY bytes, or all of them */
	size_t len;
	int fd;             /* -1, or an unlinked file holding every byte read */
	size_t size;
	PdSha256 sum;
	int mem_hashed;     /* the bytes in MEM are in SUM */
	char sha256[65];    /* "" until input_digest */
} Input;

/* an unlinked temporary file in DIR, or -1 */
static int
temp_file (const char *dir)
{
	char path[PATH_MAX];
	int fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	/* file systems without O_TMPFILE */
	snprintf (path, sizeof path, "%s/.spool-XXXXXX", dir);
	fd = mkostemp (path, O_CLOEXEC);
	if (fd >= 0)
		unlink (path);
	return fd;
}

static int
write_all (int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0) {
		ssize_t n = write (fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* read(2) of stdin, past EINTR */
static ssize_t
read_stdin (void *buf, size_t len)
{
	ssize_t n;

	while ((n = read (STDIN_FILENO, buf, len)) < 0 && errno == EINTR)
		;
	return n;
}

/* From memory to a file in HOME (from now on every byte goes there): 0, or -1 */
static int
to_file (Input *in, const char *home)
{
	if (in->fd >= 0)
		return 0;
	if ((in->fd = temp_file (home)) < 0)
		return -1;
	return write_all (in->fd, in->mem, in->len);
}

/* Add LEN bytes of DATA: in memory up to MEMORY, then all in a file in HOME. */
static int
input_add (Input *in, const char *home, const void *data, size_t len)
{
	if (in->fd < 0 && in->len + len <= MEMORY) {
		memcpy (in->mem + in->len, data, len);
		in->len += len;
		return 0;
	}
	if (to_file (in, home) < 0)
		return -1;
	return write_all (in->fd, data, len);
}

/* Read stdin to its end, or until it is over LIMIT bytes (OVER_R: then not all of it was read).
 * 0, or -1 with errno. A message kept in memory is hashed only if input_digest is called: a
 * hand-over to serve never needs it (serve hashes what it stores; 5 % of this process's CPU
 * went there). One that goes to a file is hashed as it is read. */
static int
input_read (Input *in, const char *home, size_t limit, int *over_r)
{
	unsigned char buf[CHUNK];

	*over_r = 0;
	pd_sha256_init (&in->sum);
	for (;;) {
		ssize_t n = read_stdin (buf, sizeof buf);

		if (n <= 0) {
			if (n < 0)
				return -1;
			break;
		}
		if (input_add (in, home, buf, n) < 0)
			return -1;
		in->size += n;
		if (in->size > limit) {
			*over_r = 1;
			return 0;
		}
		if (in->fd >= 0) {
			if (!in->mem_hashed)
				pd_sha256_update (&in->sum, in->mem, in->len);
			in->mem_hashed = 1;
			pd_sha256_update (&in->sum, buf, n);
		}
	}
	return 0;
}

/* The message's SHA-256 (hex) in IN->sha256, once it is read whole (input_read). */
static void
input_digest (Input *in)
{
	if (in->sha256[0] != '\0')
		return;
	if (!in->mem_hashed)
		pd_sha256_update (&in->sum, in->mem, in->len);
	in->mem_hashed = 1;
	pd_sha256_hex (&in->sum, in->sha256);
}

/* PdRowRead over the file, from its start */
typedef struct {
	int fd;
	off_t pos;
} FileReader;

static long
file_read (void *data, void *buf, size_t len)
{
	FileReader *r = data;

	for (;;) {
		ssize_t n = pread (r->fd, buf, len, r->pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			r->pos += n;
		return n;
	}
}

/* ---- handing over to `postdesk deliver` ---- */

/* Make stdin what it was for the full program: the bytes read so far and the rest of it, at
 * most HARD_MAX + 1 in all (deliver refuses more and reads no further). */
static int
restore_stdin (Input *in, const char *home, size_t hard_max)
{
	unsigned char buf[CHUNK];

	if (in->size == 0 && in->fd < 0)
		return 0; /* nothing read: stdin is as it was */
	if (to_file (in, home) < 0)
		return -1;
	while (in->size <= hard_max) {
		ssize_t n = read_stdin (buf, sizeof buf);

		if (n == 0)
			break;
		if (n < 0 || write_all (in->fd, buf, n) < 0)
			return -1;
		in->size += n;
	}
	if (lseek (in->fd, 0, SEEK_SET) < 0 || dup2 (in->fd, STDIN_FILENO) < 0)
		return -1;
	return 0;
}

/* exec `postdesk deliver ARGV[1..]`: the postdesk beside this binary, else PD_BINDIR's */
static int
exec_full (char **argv, int argc, const char *why)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
	char **args = calloc (argc + 2, sizeof (char *));
	char *slash;

	say ("debug", "postdesk deliver takes this mail: %s", why);
	snprintf (path, sizeof path, "%s", PD_BINDIR "/postdesk");
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr (self, '/')) != NULL) {
			snprintf (path, sizeof path, "%.*s/postdesk", (int) (slash - self), self);
			if (access (path, X_OK) != 0)
				snprintf (path, sizeof path, "%s", PD_BINDIR "/postdesk");
		}
	}
	if (args == NULL)
		return EX_TEMPFAIL;
	args[0] = path;
	args[1] = "deliver";
	memcpy (args + 2, argv + 1, (argc - 1) * sizeof (char *));
	execv (path, args);
	say ("error", "cannot run %s: %s", path, strerror (errno));
	return EX_TEMPFAIL;
}

/* ---- the rows ---- */

static int64_t
now_s (void)
{
	return (int64_t) time (NULL);
}

/* One transaction: a row per recipient (none: one without). IDS_R gets the rows serve is to
 * process (new, or pending since an earlier try). 0, or 1 with WHAT_R and the SQLite code. */
static int
add_rows (PdLiteStore *st, Input *in, const Args *args, int64_t *ids_r, int *n_ids_r,
          const char **what_r)
{
	PdRowDb rdb = pd_lite_rows (st);
	char *from = pd_row_sender (args->sender);
	int i, n = args->n_rcpts > 0 ? args->n_rcpts : 1;
	int64_t now = now_s ();
	int rc;

	*n_ids_r = 0;
	*what_r = "beginning a transaction";
	if ((rc = pd_lite_begin (st)) != SQLITE_OK) {
		free (from);
		return rc;
	}
	for (i = 0; i < n; i++) {
		char *rcpt = pd_row_recipient (args->n_rcpts > 0 ? args->rcpts[i] : NULL);
		FileReader reader = { in->fd, 0 };
		char *state = NULL;
		int64_t id = 0;

		rc = pd_row_add (&rdb, in->sha256, in->size, in->fd < 0 ? in->mem : NULL, file_read,
		                 &reader, "deliver", from, rcpt, NULL, now, &id, &state, what_r);
		if (rc == SQLITE_OK && state != NULL)
			say ("info", "intake=%lld rcpt=%s source=deliver action=duplicate state=%s: the same"
			     " message for the same recipient is stored already; %s", (long long) id,
			     rcpt ? rcpt : "-", state,
			     strcmp (state, "pending") == 0 ? "processing the stored one" : "skipped");
		if (rc == SQLITE_OK && (state == NULL || strcmp (state, "pending") == 0))
			ids_r[(*n_ids_r)++] = id;
		free (state);
		free (rcpt);
		if (rc != SQLITE_OK) {
			if (rc == PD_ROW_READ_FAILED || rc == PD_ROW_SHORT)
				*what_r = "reading the spooled message";
			pd_lite_rollback (st);
			free (from);
			return rc;
		}
	}
	free (from);
	*what_r = "committing";
	if ((rc = pd_lite_commit (st)) != SQLITE_OK)
		pd_lite_rollback (st);
	return rc;
}

/* Past [serve] max_pending rows waiting the listeners refuse mail; this takes it, and says so. */
static void
say_backlog (PdLiteStore *st, const PdConfLite *conf, int64_t id)
{
	PdRowDb rdb = pd_lite_rows (st);
	int64_t pending;

	/* this message's own row is pending too: the others are PENDING - 1 */
	if (pd_row_pending_count (&rdb, conf->max_pending + 1, &pending) == SQLITE_OK &&
	    pending - 1 >= conf->max_pending)
		say ("warning", "intake=%lld taken although %lld or more messages wait to be processed"
		     " ([serve] max_pending %lld, where the listeners answer 451): processing is behind",
		     (long long) id, (long long) (pending - 1), (long long) conf->max_pending);
}

/* Hand the message to serve's group commit (intake/handover-proto.h): 1 when serve replied
 * that the rows of every recipient are committed, else 0 (said with POSTDESK_DEBUG). */
static int
handover (const PdConfLite *conf, const Args *args, const Input *in)
{
	int n = args->n_rcpts > 0 ? args->n_rcpts : 1;
	int64_t *ids = calloc (n, sizeof *ids);
	int *dup = calloc (n, sizeof *dup);
	char why[256];
	int i, ok = 0;

	if (ids != NULL && dup != NULL &&
	    pd_handover_send (conf->home, conf->busy_timeout > 0 ? conf->busy_timeout : 5000,
	                      args->sender, args->rcpts, args->n_rcpts, in->mem, in->len, ids, dup,
	                      why, sizeof why) == 0) {
		ok = 1;
		for (i = 0; i < n; i++) {
			char *rcpt = pd_row_recipient (args->n_rcpts > 0 ? args->rcpts[i] : NULL);

			if (dup[i])
				say ("info", "intake=%lld rcpt=%s source=deliver action=duplicate: the same message"
				     " for the same recipient is stored already (serve's log has its state)",
				     (long long) ids[i], rcpt ? rcpt : "-");
			say ("debug", "intake=%lld committed by serve's group commit", (long long) ids[i]);
			free (rcpt);
		}
	} else
		say ("debug", "committing the rows itself: %s", ids != NULL && dup != NULL ? why :
		     "out of memory");
	free (ids);
	free (dup);
	return ok;
}

int
main (int argc, char **argv)
{
	char why[512] = "";
	Args args = { 0 };
	PdConfLite *conf = NULL;
	PdLiteStore st = { 0 };
	Input in = { .fd = -1 };
	int64_t *ids;
	int n_ids, over, wake = -1, rc;
	const char *what;
	size_t hard_max;

	if (parse_args (argc, argv, &args) != 0)
		return exec_full (argv, argc, "an option postdesk-deliver does not take");
	if (getenv ("POSTDESK_NOW") != NULL)
		return exec_full (argv, argc, "POSTDESK_NOW is set");
	conf = pd_conf_lite_load (args.config, why, sizeof why);
	if (conf == NULL)
		return exec_full (argv, argc, why);
	{
		char key[PATH_MAX];

		snprintf (key, sizeof key, "%s/secret.key", conf->home);
		if (access (conf->home, R_OK | W_OK | X_OK) != 0 || access (key, R_OK) != 0 ||
		    access (conf->database, F_OK) != 0)
			return exec_full (argv, argc, "no home, secret key or database to use");
	}
	if (pd_lite_open (&st, conf->database, conf->busy_timeout, PD_SCHEMA_VERSION, why,
	                  sizeof why) != 0) {
		pd_lite_close (&st);
		return exec_full (argv, argc, why);
	}
	/* nobody to process the rows: the full program does it all, as without this binary */
	wake = pd_wake_connect (conf->home);
	if (wake < 0) {
		snprintf (why, sizeof why, "no serve running on %s (%s)", conf->home, strerror (errno));
		pd_lite_close (&st);
		return exec_full (argv, argc, why);
	}

	in.mem = malloc (MEMORY);
	ids = calloc (args.n_rcpts + 1, sizeof *ids);
	hard_max = pd_row_hard_max (conf->message_size);
	if (in.mem == NULL || ids == NULL || input_read (&in, conf->home, conf->message_size, &over) < 0) {
		say ("error", "reading the message from stdin: %s", strerror (errno));
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (over || in.size == 0) {
		pd_lite_close (&st);
		snprintf (why, sizeof why, over ? "over [limits] message_size (%lld bytes)" : "no message",
		          (long long) conf->message_size);
		if (restore_stdin (&in, conf->home, hard_max) < 0) {
			say ("error", "spooling the message in %s: %s", conf->home, strerror (errno));
			rc = EX_TEMPFAIL;
			goto out;
		}
		return exec_full (argv, argc, why);
	}

	/* serve's group commit shares one fsync between the mails of several processes; only a
	 * committed reply counts, anything else leaves the rows to this process (a row serve did
	 * commit is then recognised as the same message for the same recipient) */
	if (in.fd < 0 && handover (conf, &args, &in)) {
		rc = EX_OK;
		goto out;
	}
	/* the PRAGMAs of the open, which the hand-over did not need; if they fail, the full program
	 * says why, as when the open fails */
	if (pd_lite_ready (&st, why, sizeof why) != 0) {
		pd_lite_close (&st);
		if (restore_stdin (&in, conf->home, hard_max) < 0) {
			say ("error", "spooling the message in %s: %s", conf->home, strerror (errno));
			rc = EX_TEMPFAIL;
			goto out;
		}
		return exec_full (argv, argc, why);
	}
	input_digest (&in);
	rc = add_rows (&st, &in, &args, ids, &n_ids, &what);
	if (rc != SQLITE_OK) {
		/* a retry may succeed (deliver maps every fault but bad data so: pd_error_exit_code_mta) */
		say ("error", "database %s: %s: %s (%s); the MTA keeps the mail and retries", st.path,
		     what, sqlite3_errmsg (st.db), rc > 0 ? sqlite3_errstr (rc) : "spool");
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (n_ids > 0)
		say_backlog (&st, conf, ids[0]);
	pd_lite_close (&st);
	rc = EX_OK;
	if (n_ids > 0 && pd_wake_send (wake, ids, n_ids) < 0) {
		if (errno == EAGAIN) {
			say ("warning", "serve's wake queue is full: its next scan finds intake=%lld",
			     (long long) ids[0]);
			goto out;
		}
		/* serve has gone since: the full program finds the rows stored and processes them */
		snprintf (why, sizeof why, "serve stopped (%s)", strerror (errno));
		if (restore_stdin (&in, conf->home, hard_max) < 0) {
			say ("error", "spooling the message in %s: %s; it is stored and waits for serve",
			     conf->home, strerror (errno));
			goto out;
		}
		return exec_full (argv, argc, why);
	}
	for (n_ids--; n_ids >= 0; n_ids--)
		say ("debug", "intake=%lld stored; serve processes it", (long long) ids[n_ids]);
out:
	pd_lite_close (&st);
	close (wake);
	if (in.fd >= 0)
		close (in.fd);
	free (in.mem);
	free (ids);
	free (args.rcpts);
	pd_conf_lite_free (conf);
	return rc;
}
