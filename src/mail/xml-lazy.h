/* xml-lazy.h - libxml2, loaded with dlopen the first time an HTML part or an XML import needs it.
 * Linked in, libxml2 drags ICU and libstdc++ into every process (about half of the dynamic
 * loader's work at start-up), while most mail is plain text and most commands never parse XML.
 * The headers still give the types and struct layouts; only the calls go through this table.
 * The table is loaded once per process and never unloaded (transfer none, valid until exit). */
#ifndef PD_XML_LAZY_H
#define PD_XML_LAZY_H

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

/* The soname opened; POSTDESK_LIBXML2 in the environment names another file (tests simulate a
 * missing library with it; an unusual installation may point it at its own copy). */
#define PD_XML_SONAME "libxml2.so.2"

/* The libxml2 functions postdesk calls, named as in libxml2. Add one here and in xml-lazy.c's
 * list when a caller needs it. */
typedef struct {
	/* mail/html.c */
	void (*xmlInitParser) (void);
	htmlParserCtxtPtr (*htmlCreateMemoryParserCtxt) (const char *buffer, int size);
	int (*htmlCtxtUseOptions) (htmlParserCtxtPtr ctxt, int options);
	int (*xmlSwitchEncoding) (xmlParserCtxtPtr ctxt, xmlCharEncoding enc);
	int (*htmlParseDocument) (htmlParserCtxtPtr ctxt);
	void (*htmlFreeParserCtxt) (htmlParserCtxtPtr ctxt);
	int (*xmlStrEqual) (const xmlChar *a, const xmlChar *b);
	void (*xmlFreeDoc) (xmlDocPtr doc);
	/* kb/import.c */
	xmlParserCtxtPtr (*xmlNewParserCtxt) (void);
	xmlDocPtr (*xmlCtxtReadMemory) (xmlParserCtxtPtr ctxt, const char *buffer, int size,
	                                const char *url, const char *encoding, int options);
	xmlErrorPtr (*xmlCtxtGetLastError) (void *ctx);
	void (*xmlFreeParserCtxt) (xmlParserCtxtPtr ctxt);
	xmlSchemaParserCtxtPtr (*xmlSchemaNewMemParserCtxt) (const char *buffer, int size);
	xmlSchemaPtr (*xmlSchemaParse) (xmlSchemaParserCtxtPtr ctxt);
	xmlSchemaValidCtxtPtr (*xmlSchemaNewValidCtxt) (xmlSchemaPtr schema);
	void (*xmlSchemaSetValidStructuredErrors) (xmlSchemaValidCtxtPtr ctxt,
	                                           xmlStructuredErrorFunc serror, void *ctx);
	int (*xmlSchemaValidateDoc) (xmlSchemaValidCtxtPtr ctxt, xmlDocPtr doc);
	void (*xmlSchemaFreeValidCtxt) (xmlSchemaValidCtxtPtr ctxt);
	void (*xmlSchemaFree) (xmlSchemaPtr schema);
	void (*xmlSchemaFreeParserCtxt) (xmlSchemaParserCtxtPtr ctxt);
	xmlNodePtr (*xmlDocGetRootElement) (const xmlDoc *doc);
	long (*xmlGetLineNo) (const xmlNode *node);
	xmlChar *(*xmlNodeGetContent) (const xmlNode *cur);
	xmlChar *(*xmlGetProp) (const xmlNode *node, const xmlChar *name);
	/* libxml2's xmlFree is a variable holding the deallocator: this calls its current value */
	void (*free) (void *mem);
} PdXml;

/* libxml2's functions, loading the library on the first call (thread-safe). NULL, with a
 * PD_ERROR_INTERNAL naming the library and what failed, when it cannot be loaded or lacks a
 * function; every later call gives the same error. (transfer none) */
const PdXml *pd_xml (GError **error);

#endif
