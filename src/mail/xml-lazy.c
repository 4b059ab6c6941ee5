/* xml-lazy.c - pd_xml: dlopen libxml2 on first use and fill the table of its functions.
 * Nothing is ever unloaded: libxml2 keeps global state (its parser initialisation, the
 * deallocator variable) that outlives any one call. */
#include "mail/xml-lazy.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "core/error.h"

/* Each function of the table, by the name dlsym finds it under, and where it goes. */
#define FN(name) { #name, offsetof (PdXml, name) }
static const struct {
	const char *name;
	size_t offset;
} functions[] = {
	FN (xmlInitParser),
	FN (htmlCreateMemoryParserCtxt),
	FN (htmlCtxtUseOptions),
	FN (xmlSwitchEncoding),
	FN (htmlParseDocument),
	FN (htmlFreeParserCtxt),
	FN (xmlStrEqual),
	FN (xmlFreeDoc),
	FN (xmlNewParserCtxt),
	FN (xmlCtxtReadMemory),
	FN (xmlCtxtGetLastError),
	FN (xmlFreeParserCtxt),
	FN (xmlSchemaNewMemParserCtxt),
	FN (xmlSchemaParse),
	FN (xmlSchemaNewValidCtxt),
	FN (xmlSchemaSetValidStructuredErrors),
	FN (xmlSchemaValidateDoc),
	FN (xmlSchemaFreeValidCtxt),
	FN (xmlSchemaFree),
	FN (xmlSchemaFreeParserCtxt),
	FN (xmlDocGetRootElement),
	FN (xmlGetLineNo),
	FN (xmlNodeGetContent),
	FN (xmlGetProp),
};
#undef FN

static PdXml table;
static char *load_error; /* why loading failed, for every later caller; NULL once loaded */
static xmlFreeFunc *free_variable;

static void
call_xml_free (void *mem)
{
	(*free_variable) (mem);
}

/* Fill TABLE, or say in LOAD_ERROR why not. Runs once. */
static void
load (void)
{
	const char *file = g_getenv ("POSTDESK_LIBXML2");
	void *lib;
	guint i;

	if (file == NULL || *file == '\0')
		file = PD_XML_SONAME;
	/* LOCAL: its symbols (and ICU's) stay out of the global scope, where nothing wants them */
	lib = dlopen (file, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		load_error = g_strdup_printf ("libxml2 cannot be loaded (%s); HTML parts and XML import"
		                              " need it (Debian: the libxml2 package)", dlerror ());
		return;
	}
	for (i = 0; i < G_N_ELEMENTS (functions); i++) {
		void *fn = dlsym (lib, functions[i].name);

		if (fn == NULL) {
			load_error = g_strdup_printf ("%s has no %s: not a libxml2 postdesk can use", file,
			                              functions[i].name);
			return;
		}
		/* POSIX guarantees a function pointer survives the round trip through void * */
		memcpy ((char *) &table + functions[i].offset, &fn, sizeof fn);
	}
	free_variable = dlsym (lib, "xmlFree");
	if (free_variable == NULL || *free_variable == NULL) {
		load_error = g_strdup_printf ("%s has no xmlFree: not a libxml2 postdesk can use", file);
		return;
	}
	table.free = call_xml_free;
	table.xmlInitParser ();
}

const PdXml *
pd_xml (GError **error)
{
	static gsize loaded = 0;

	if (g_once_init_enter (&loaded)) {
		load ();
		g_once_init_leave (&loaded, 1);
	}
	if (load_error != NULL) {
		g_set_error_literal (error, PD_ERROR, PD_ERROR_CONFIG, load_error);
		return NULL;
	}
	return &table;
}
