/* markdown.h - the knowledge base's Markdown subset: paragraphs, headings (#..######),
 * lists (- * + and 1.), fenced code (```), inline code, links [text](url), *em* and **strong**.
 * Rendered to plain text (mail) and to safe HTML: everything is escaped, only p h1-h6 ul ol li
 * pre code a em strong are emitted, and links only to http(s), mailto or relative URLs. */
#ifndef PD_KB_MARKDOWN_H
#define PD_KB_MARKDOWN_H

#include <glib.h>

/* (transfer full) */
char *pd_kb_markdown_to_html (const char *md);
/* (transfer full) */
char *pd_kb_markdown_to_text (const char *md);

#endif
