/* mbox.h - reading old archives for `postdesk import`: an mbox file (messages after
 * "From " separator lines, mboxrd/mboxo ">From " unescaped) or a maildir (the files of cur/
 * and new/, in name order, which begins with the delivery time). */
#ifndef PD_MBOX_H
#define PD_MBOX_H

#include <glib.h>

typedef struct PdMbox PdMbox;

/* Open the mbox at PATH and read from byte START (the start of a message, or 0).
 * (transfer full) */
PdMbox *pd_mbox_open (const char *path, gint64 start, GError **error);
/* The next message: its bytes without the separator line and with ">From " lines unescaped
 * (MSG_R), the sender the separator names ("" for MAILER-DAEMON, NULL if none) (SENDER_R),
 * and the offset just past it (END_R), where the next one starts. FALSE at the end. */
gboolean pd_mbox_next (PdMbox *mbox, GBytes **msg_r, char **sender_r, gint64 *end_r);
/* The file's size, for progress. */
gint64 pd_mbox_size (const PdMbox *mbox);
void pd_mbox_close (PdMbox *mbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdMbox, pd_mbox_close)

/* The body of one mbox message DATA (LEN bytes) with one '>' taken from every line that is
 * '>'s followed by "From " (mboxrd). (transfer full) */
GBytes *pd_mbox_unescape (const char *data, gsize len);

/* The files of maildir PATH (cur/ and new/, skipping dot files), sorted by name, as full
 * paths. A directory without cur/ and new/ is PD_ERROR_DATA. (transfer full) */
GPtrArray *pd_maildir_list (const char *path, GError **error);

#endif
