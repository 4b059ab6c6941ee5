/* command.h - the agent commands at the top of a reply's new text ("#status resolved",
 * "#take"...): parsed and checked for syntax, split from the text that goes to the customer.
 * Pure: it neither checks the workflow nor looks agents or queues up; the caller applies the
 * commands in order. The block and everything in it belong to the block. */
#ifndef PD_COMMAND_H
#define PD_COMMAND_H

#include <glib.h>

/* Command names as the agent types them after '#' (case-insensitive). The string table and
 * the "known:" list of error texts are generated from this one list. */
#define PD_AGENT_COMMAND_LIST(X) \
	X (STATUS, "status")     /* arg: stored state name; number: PdState */ \
	X (TAKE, "take")         /* no argument */ \
	X (ASSIGN, "assign")     /* arg: an address (no <>) or a name token */ \
	X (PRIORITY, "priority") /* arg: low|normal|high|urgent, lower case; number: 0..3 */ \
	X (QUEUE, "queue")       /* arg: queue name token, as typed */ \
	X (COMMENT, "comment")   /* arg: text after #comment on its line, or NULL */ \
	X (KB, "kb")             /* number: the article id (> 0), or 0 and arg: a slug or words */ \
	X (AGREE, "agree")       /* no argument */

#define PD_AGENT_COMMAND_ENUM(id, str) PD_AGENT_COMMAND_##id,
typedef enum {
	PD_AGENT_COMMAND_LIST (PD_AGENT_COMMAND_ENUM) PD_AGENT_COMMAND_COUNT
} PdAgentCommandKind;
#undef PD_AGENT_COMMAND_ENUM

/* Priorities, lowest first; `number` of a #priority command is the index. */
#define PD_PRIORITY_LIST(X) \
	X (LOW, "low") \
	X (NORMAL, "normal") \
	X (HIGH, "high") \
	X (URGENT, "urgent")

#define PD_PRIORITY_ENUM(id, str) PD_PRIORITY_##id,
typedef enum { PD_PRIORITY_LIST (PD_PRIORITY_ENUM) PD_PRIORITY_COUNT } PdPriority;
#undef PD_PRIORITY_ENUM

typedef struct {
	PdAgentCommandKind kind;
	char *arg;     /* normalised argument, or NULL (see the list above) */
	gint64 number; /* see the list above; 0 otherwise */
	guint line;    /* 1-based line in the new text */
} PdAgentCommand;

typedef struct {
	GPtrArray *commands; /* PdAgentCommand*, in the order given */
	GPtrArray *errors;   /* char*, "line N: what was wrong; what is allowed" */
	char *rest;          /* the text after the commands, from its first non-blank line,
	                      * byte for byte (CRLF stays CRLF); "" if none. Never NULL. */
} PdAgentCommandBlock;

/* The command name ("status"), "?" for an invalid value. (transfer none) */
const char *pd_agent_command_name (PdAgentCommandKind kind);
/* Priority name ("urgent"), "?" for an invalid value. (transfer none) */
const char *pd_priority_name (PdPriority priority);

/* Split NEW_TEXT (may be NULL, LF or CRLF) into the leading command block and the rest.
 *
 * The block is every line, from the top, that is blank or whose first non-blank character
 * is '#'; the first other line ends it, and '#' lines after that are plain text. Inside the
 * block EVERY '#' line is a command: "#1 priority for us..." or "#hashtag" as the first line
 * is an error ("unknown command #1; known: ..."), not text, so that an agent's typo never
 * reaches the customer. A reply that really starts with '#' text needs another line first.
 *
 * Errors (never fatal; parsing goes on so that all are reported at once): an unknown
 * command, a missing, extra or bad argument, the same #take/#assign, #priority, #queue,
 * #comment or #agree twice, or both #take and #assign. If errors is not empty the caller
 * must not send anything to the customer. #status and #kb may repeat (applied in order).
 *
 * #comment: the mail is an internal note: the note is the comment's arg (if any), then
 * rest. (transfer full: free with pd_agent_command_block_free) */
PdAgentCommandBlock *pd_agent_command_parse (const char *new_text);
void pd_agent_command_block_free (PdAgentCommandBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAgentCommandBlock, pd_agent_command_block_free)

#endif /* PD_COMMAND_H */
