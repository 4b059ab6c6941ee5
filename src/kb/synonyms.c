/* synonyms.c - the search synonyms the team manages (db/038, `kb synonym`): a phrase is met
 * in a question when its words, stemmed like the question's (words.c), stand there in a row;
 * stop words count for the row ("sign in" is not "sign"), not as content. */
#include <string.h>

#include "core/error.h"
#include "kb/synonyms.h"
#include "kb/words.h"

typedef struct {
	char **seq;       /* every word of the phrase, stemmed */
	guint n;
	GPtrArray *terms; /* its content stems (pd_kb_terms) */
	guint group;
} Phrase;

struct _PdKbSynonyms {
	GPtrArray *phrases; /* Phrase* */
	GHashTable *first;  /* first stem -> GPtrArray* of Phrase* (borrowed) */
	guint groups;
};

/* every word of TEXT stemmed, the mark of a number joined to a unit dropped */
static GPtrArray *
stems_in_row (const char *text)
{
	g_autoptr (GPtrArray) ws = pd_kb_words (text);
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	guint i;

	for (i = 0; i < ws->len; i++) {
		const char *w = ws->pdata[i];

		if (w[0] == '#')
			w++;
		g_ptr_array_add (out, g_ascii_isdigit (w[0]) ? g_strdup (w) : pd_kb_stem (w));
	}
	return out;
}

char *
pd_kb_synonym_normalise (const char *const *phrases, guint n, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GString *joined;
	guint i;

	for (i = 0; i < n; i++) {
		g_autofree char *lower = g_utf8_strdown (phrases[i], -1);
		g_auto (GStrv) parts = g_strsplit_set (lower, " \t\r\n", -1);
		g_autoptr (GPtrArray) content = NULL;
		GString *p = g_string_new (NULL);
		char **q;

		for (q = parts; *q; q++)
			if (**q)
				g_string_append_printf (p, "%s%s", p->len ? " " : "", *q);
		if (strchr (p->str, ',') != NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "\"%s\": a phrase holds no comma", p->str);
			g_string_free (p, TRUE);
			return NULL;
		}
		content = pd_kb_terms (p->str);
		if (content->len == 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
			             "\"%s\" has no word a question is searched by (only stop words or short numbers)",
			             p->str);
			g_string_free (p, TRUE);
			return NULL;
		}
		if (!g_hash_table_add (seen, g_strdup (p->str))) {
			g_string_free (p, TRUE);
			continue;
		}
		g_ptr_array_add (out, g_string_free (p, FALSE));
	}
	if (out->len < 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "synonyms need two different phrases or more");
		return NULL;
	}
	joined = g_string_new (NULL);
	for (i = 0; i < out->len; i++)
		g_string_append_printf (joined, "%s%s", i ? ", " : "", (char *) out->pdata[i]);
	return g_string_free (joined, FALSE);
}

static void
phrase_free (Phrase *p)
{
	g_strfreev (p->seq);
	g_ptr_array_unref (p->terms);
	g_free (p);
}

PdKbSynonyms *
pd_kb_synonyms_new (const char *const *groups, guint n)
{
	PdKbSynonyms *s = g_new0 (PdKbSynonyms, 1);
	guint g, i;

	s->phrases = g_ptr_array_new_with_free_func ((GDestroyNotify) phrase_free);
	s->first = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
	s->groups = n;
	for (g = 0; g < n; g++) {
		g_auto (GStrv) parts = g_strsplit (groups[g], ",", -1);

		for (i = 0; parts[i]; i++) {
			g_autoptr (GPtrArray) row = stems_in_row (parts[i]);
			Phrase *p;
			GPtrArray *list;

			if (row->len == 0)
				continue;
			p = g_new0 (Phrase, 1);
			p->n = row->len;
			g_ptr_array_add (row, NULL);
			p->seq = (char **) g_ptr_array_steal (row, NULL);
			p->terms = pd_kb_terms (parts[i]);
			p->group = g;
			g_ptr_array_add (s->phrases, p);
			list = g_hash_table_lookup (s->first, p->seq[0]);
			if (list == NULL) {
				list = g_ptr_array_new ();
				g_hash_table_insert (s->first, p->seq[0], list);
			}
			g_ptr_array_add (list, p);
		}
	}
	return s;
}

void
pd_kb_synonyms_free (PdKbSynonyms *s)
{
	if (s == NULL)
		return;
	g_hash_table_unref (s->first);
	g_ptr_array_unref (s->phrases);
	g_free (s);
}

guint
pd_kb_synonyms_size (const PdKbSynonyms *s)
{
	return s ? s->groups : 0;
}

void
pd_kb_synonym_match_free (PdKbSynonymMatch *m)
{
	if (m == NULL)
		return;
	g_ptr_array_unref (m->origin);
	g_ptr_array_unref (m->alts);
	g_free (m);
}

static GPtrArray *
copy_strings (GPtrArray *a)
{
	GPtrArray *out = g_ptr_array_new_full (a->len, g_free);
	guint i;

	for (i = 0; i < a->len; i++)
		g_ptr_array_add (out, g_strdup (a->pdata[i]));
	return out;
}

static gboolean
same_terms (GPtrArray *a, GPtrArray *b)
{
	guint i;

	if (a->len != b->len)
		return FALSE;
	for (i = 0; i < a->len; i++)
		if (strcmp (a->pdata[i], b->pdata[i]) != 0)
			return FALSE;
	return TRUE;
}

GPtrArray *
pd_kb_synonyms_find (const PdKbSynonyms *s, const char *question)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_synonym_match_free);
	g_autoptr (GPtrArray) row = NULL;
	g_autoptr (GHashTable) met = NULL;
	guint i, j, k;

	if (s == NULL || s->phrases->len == 0)
		return out;
	row = stems_in_row (question ? question : "");
	met = g_hash_table_new (g_direct_hash, g_direct_equal);
	for (i = 0; i < row->len; i++) {
		GPtrArray *list = g_hash_table_lookup (s->first, row->pdata[i]);

		for (j = 0; list != NULL && j < list->len; j++) {
			Phrase *p = list->pdata[j];

			if (i + p->n > row->len || g_hash_table_contains (met, p))
				continue;
			for (k = 1; k < p->n && strcmp (p->seq[k], row->pdata[i + k]) == 0; k++)
				;
			if (k == p->n)
				g_hash_table_add (met, p);
		}
	}
	/* in the list's order, so that the outcome does not depend on the question's */
	for (i = 0; i < s->phrases->len; i++) {
		Phrase *p = s->phrases->pdata[i];
		PdKbSynonymMatch *m;

		if (!g_hash_table_contains (met, p) || p->terms->len == 0)
			continue;
		m = g_new0 (PdKbSynonymMatch, 1);
		m->origin = copy_strings (p->terms);
		m->alts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
		for (j = 0; j < s->phrases->len; j++) {
			Phrase *o = s->phrases->pdata[j];

			if (o->group == p->group && o != p && o->terms->len > 0 && !same_terms (o->terms, p->terms))
				g_ptr_array_add (m->alts, copy_strings (o->terms));
		}
		if (m->alts->len == 0)
			pd_kb_synonym_match_free (m);
		else
			g_ptr_array_add (out, m);
	}
	return out;
}
