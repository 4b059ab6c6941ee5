/* render.c - a PdReport as text, CSV, JSON or one self-contained HTML page (render of
 * report.h). The HTML has no script, no external style, image or font: charts are inline
 * SVG drawn from the same rows as the tables beside them (a mail client that drops SVG still
 * shows every number), with <title>/<desc> and ARIA labels for screen readers. */
#include "report/report.h"

#include <string.h>

#include "core/json.h"

gboolean
pd_report_format_from_name (const char *name, PdReportFormat *format_r)
{
	static const char *const names[] = { "text", "csv", "json", "html" };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (names); i++)
		if (g_strcmp0 (name, names[i]) == 0) {
			*format_r = (PdReportFormat) i;
			return TRUE;
		}
	return FALSE;
}

static char *
iso (gint64 t)
{
	g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);

	return g_date_time_format (d, "%Y-%m-%dT%H:%M:%SZ");
}

/* A cell as people read it: durations spelled out, percentages with '%', null as '-'. */
static char *
human (const PdReportColumn *c, const char *v)
{
	if (v == NULL)
		return g_strdup ("-");
	if (c->type == PD_REPORT_DURATION)
		return pd_report_duration_text (g_ascii_strtoll (v, NULL, 10));
	if (c->type == PD_REPORT_PERCENT)
		return g_strconcat (v, "%", NULL);
	return g_strdup (v);
}

/* ---- text ---- */
static void
render_text (const PdReport *r, GString *out)
{
	g_autofree char *since = iso (r->since), *until = iso (r->until);
	guint i, c, k;

	g_string_append_printf (out, "%s (report %s)\n%s .. %s, queue %s\n", r->title, r->name, since,
	                        until, r->queue ? r->queue : "(all)");
	for (i = 0; i < r->sections->len; i++) {
		const PdReportSection *s = r->sections->pdata[i];
		g_autofree gsize *width = g_new0 (gsize, s->columns->len);

		g_string_append_printf (out, "\n%s\n", s->title);
		if (s->note)
			g_string_append_printf (out, "%s\n", s->note);
		for (c = 0; c < s->columns->len; c++)
			width[c] = g_utf8_strlen (((PdReportColumn *) s->columns->pdata[c])->key, -1);
		for (k = 0; k < s->rows->len; k++)
			for (c = 0; c < s->columns->len; c++) {
				g_autofree char *v = human (s->columns->pdata[c], ((char **) s->rows->pdata[k])[c]);
				width[c] = MAX (width[c], (gsize) g_utf8_strlen (v, -1));
			}
		for (c = 0; c < s->columns->len; c++) {
			const char *key = ((PdReportColumn *) s->columns->pdata[c])->key;

			g_string_append_printf (out, "  %-*s", (int) width[c], key);
		}
		g_string_append_c (out, '\n');
		for (k = 0; k < s->rows->len; k++) {
			for (c = 0; c < s->columns->len; c++) {
				const PdReportColumn *col = s->columns->pdata[c];
				g_autofree char *v = human (col, ((char **) s->rows->pdata[k])[c]);
				int pad = (int) (width[c] - g_utf8_strlen (v, -1));

				g_string_append (out, "  ");
				if (col->type == PD_REPORT_TEXT)
					g_string_append_printf (out, "%s%*s", v, pad, "");
				else
					g_string_append_printf (out, "%*s%s", pad, "", v);
			}
			g_string_append_c (out, '\n');
		}
		if (s->rows->len == 0)
			g_string_append (out, "  (nothing in this window)\n");
	}
}

/* ---- CSV (RFC 4180): per section a header line and its rows, the section id first;
 * sections apart by an empty line ---- */
static void
csv_field (GString *out, const char *v)
{
	if (v == NULL)
		return;
	if (strpbrk (v, ",\"\r\n") == NULL) {
		g_string_append (out, v);
		return;
	}
	g_string_append_c (out, '"');
	for (; *v; v++) {
		if (*v == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *v);
	}
	g_string_append_c (out, '"');
}

static void
render_csv (const PdReport *r, GString *out)
{
	guint i, c, k;

	for (i = 0; i < r->sections->len; i++) {
		const PdReportSection *s = r->sections->pdata[i];

		if (i > 0)
			g_string_append (out, "\r\n");
		g_string_append (out, "section");
		for (c = 0; c < s->columns->len; c++) {
			g_string_append_c (out, ',');
			csv_field (out, ((PdReportColumn *) s->columns->pdata[c])->key);
		}
		g_string_append (out, "\r\n");
		for (k = 0; k < s->rows->len; k++) {
			csv_field (out, s->id);
			for (c = 0; c < s->columns->len; c++) {
				g_string_append_c (out, ',');
				csv_field (out, ((char **) s->rows->pdata[k])[c]);
			}
			g_string_append (out, "\r\n");
		}
	}
}

/* ---- JSON: {report, title, since, until, queue, generated, SECTION: [{column: value}]} ---- */
static char *
render_json (const PdReport *r)
{
	PdJson *j = pd_json_new ();
	g_autofree char *since = iso (r->since), *until = iso (r->until), *gen = iso (r->generated);
	guint i, c, k;

	pd_json_object_begin (j);
	pd_json_member_string (j, "report", r->name);
	pd_json_member_string (j, "title", r->title);
	pd_json_member_string (j, "since", since);
	pd_json_member_string (j, "until", until);
	pd_json_member_string (j, "queue", r->queue);
	pd_json_member_string (j, "generated", gen);
	for (i = 0; i < r->sections->len; i++) {
		const PdReportSection *s = r->sections->pdata[i];

		pd_json_key (j, s->id);
		pd_json_array_begin (j);
		for (k = 0; k < s->rows->len; k++) {
			char **row = s->rows->pdata[k];

			pd_json_object_begin (j);
			for (c = 0; c < s->columns->len; c++) {
				const PdReportColumn *col = s->columns->pdata[c];

				pd_json_key (j, col->key);
				if (row[c] == NULL)
					pd_json_null (j);
				else if (col->type == PD_REPORT_TEXT)
					pd_json_string (j, row[c]);
				else
					pd_json_number (j, row[c]);
			}
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
	}
	pd_json_object_end (j);
	return pd_json_free_to_string (j);
}

/* ---- HTML ---- */
static const char *const palette[] = { "#1f5f99", "#c2571a", "#5b4b9a", "#1b7a5a" };

#define SVG_WIDTH 720
#define LABEL_W 240
#define BAR_MAX 390
#define BAR_H 16
#define LEGEND_H 28

static void
esc (GString *out, const char *s)
{
	g_autofree char *e = g_markup_escape_text (s ? s : "", -1);

	g_string_append (out, e);
}

static double
cell_value (const char *v)
{
	return v ? g_ascii_strtod (v, NULL) : 0.0;
}

/* One horizontal grouped bar chart: a group per row, a bar per charted column, each bar a
 * <rect class="bar"> with its own <title>; the numbers are written beside the bars too. */
static void
render_svg (const PdReportSection *s, GString *out)
{
	guint nser = s->chart_values->len, k, v;
	guint group_h = nser * (BAR_H + 2) + 10;
	guint height = LEGEND_H + s->rows->len * group_h + 6;
	double max = 0;
	GString *desc = g_string_new (NULL);
	g_autofree char *desc_text = NULL;

	for (k = 0; k < s->rows->len; k++)
		for (v = 0; v < nser; v++)
			max = MAX (max, cell_value (((char **) s->rows->pdata[k])[g_array_index (s->chart_values, int, v)]));
	g_string_append (desc, "Bars per ");
	g_string_append (desc, ((PdReportColumn *) s->columns->pdata[s->chart_label])->label);
	g_string_append (desc, ": ");
	for (v = 0; v < nser; v++) {
		const PdReportColumn *col = s->columns->pdata[g_array_index (s->chart_values, int, v)];
		g_string_append_printf (desc, "%s%s", v ? ", " : "", col->label);
	}
	g_string_append (desc, ". The table below has the same numbers.");
	desc_text = g_string_free (desc, FALSE);

	g_string_append_printf (out,
	                        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-%s\" "
	                        "role=\"img\" aria-labelledby=\"chart-%s-t chart-%s-d\" width=\"%d\" "
	                        "height=\"%u\" viewBox=\"0 0 %d %u\" "
	                        "style=\"max-width:100%%;height:auto;font-family:sans-serif;font-size:12px\">\n",
	                        s->id, s->id, s->id, SVG_WIDTH, height, SVG_WIDTH, height);
	g_string_append_printf (out, "<title id=\"chart-%s-t\">", s->id);
	esc (out, s->title);
	g_string_append_printf (out, "</title>\n<desc id=\"chart-%s-d\">", s->id);
	esc (out, desc_text);
	g_string_append (out, "</desc>\n<rect class=\"background\" x=\"0\" y=\"0\" width=\"100%\" "
	                      "height=\"100%\" fill=\"#ffffff\"/>\n");
	/* legend */
	for (v = 0; v < nser; v++) {
		const PdReportColumn *col = s->columns->pdata[g_array_index (s->chart_values, int, v)];
		guint x = LABEL_W + v * ((SVG_WIDTH - LABEL_W) / nser);

		g_string_append_printf (out,
		                        "<rect class=\"legend\" x=\"%u\" y=\"8\" width=\"12\" height=\"12\" "
		                        "fill=\"%s\"/><text x=\"%u\" y=\"18\" fill=\"#1a1a1a\">",
		                        x, palette[v % G_N_ELEMENTS (palette)], x + 16);
		esc (out, col->label);
		g_string_append (out, "</text>\n");
	}
	for (k = 0; k < s->rows->len; k++) {
		char **row = s->rows->pdata[k];
		guint y0 = LEGEND_H + k * group_h;

		g_string_append_printf (out, "<g class=\"group\"><text x=\"%d\" y=\"%u\" text-anchor=\"end\" "
		                             "fill=\"#1a1a1a\">",
		                        LABEL_W - 8, y0 + (nser * (BAR_H + 2)) / 2 + 4);
		esc (out, row[s->chart_label] ? row[s->chart_label] : "-");
		g_string_append (out, "</text>\n");
		for (v = 0; v < nser; v++) {
			int ci = g_array_index (s->chart_values, int, v);
			const PdReportColumn *col = s->columns->pdata[ci];
			double val = cell_value (row[ci]);
			double w = max > 0 ? val / max * BAR_MAX : 0;
			guint y = y0 + v * (BAR_H + 2);
			g_autofree char *shown = human (col, row[ci]);
			char wbuf[G_ASCII_DTOSTR_BUF_SIZE];

			g_ascii_formatd (wbuf, sizeof wbuf, "%.1f", w);
			g_string_append_printf (out,
			                        "<rect class=\"bar s%u\" x=\"%d\" y=\"%u\" width=\"%s\" "
			                        "height=\"%d\" fill=\"%s\"><title>",
			                        v, LABEL_W, y, wbuf, BAR_H, palette[v % G_N_ELEMENTS (palette)]);
			esc (out, row[s->chart_label]);
			g_string_append (out, ", ");
			esc (out, col->label);
			g_string_append (out, ": ");
			esc (out, shown);
			g_string_append_printf (out, "</title></rect><text x=\"%d\" y=\"%u\" fill=\"#1a1a1a\">",
			                        LABEL_W + (int) w + 4, y + BAR_H - 4);
			esc (out, shown);
			g_string_append (out, "</text>\n");
		}
		g_string_append (out, "</g>\n");
	}
	g_string_append (out, "</svg>\n");
}

static void
render_table (const PdReportSection *s, GString *out)
{
	guint c, k;

	g_string_append_printf (out, "<div style=\"overflow-x:auto\"><table id=\"table-%s\" style=\"border-collapse:collapse;margin:0.5em 0 1.5em\">\n<caption style=\"text-align:left;font-weight:bold;padding:0.3em 0\">", s->id);
	esc (out, s->title);
	g_string_append (out, "</caption>\n<thead><tr>");
	for (c = 0; c < s->columns->len; c++) {
		const PdReportColumn *col = s->columns->pdata[c];

		g_string_append_printf (out, "<th scope=\"col\" style=\"text-align:%s;border-bottom:2px solid #444;padding:0.25em 0.6em\">",
		                        col->type == PD_REPORT_TEXT ? "left" : "right");
		esc (out, col->label);
		g_string_append (out, "</th>");
	}
	g_string_append (out, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < s->rows->len; k++) {
		char **row = s->rows->pdata[k];

		g_string_append (out, "<tr>");
		for (c = 0; c < s->columns->len; c++) {
			const PdReportColumn *col = s->columns->pdata[c];
			g_autofree char *v = human (col, row[c]);
			const char *tag = c == 0 ? "th" : "td";

			g_string_append_printf (out, "<%s%s style=\"text-align:%s;border-bottom:1px solid #ccc;padding:0.25em 0.6em;white-space:nowrap%s\">",
			                        tag, c == 0 ? " scope=\"row\"" : "",
			                        col->type == PD_REPORT_TEXT ? "left" : "right",
			                        c == 0 ? ";font-weight:normal" : "");
			esc (out, v);
			g_string_append_printf (out, "</%s>", tag);
		}
		g_string_append (out, "</tr>\n");
	}
	if (s->rows->len == 0)
		g_string_append_printf (out, "<tr><td colspan=\"%u\">Nothing in this window.</td></tr>\n",
		                        s->columns->len);
	g_string_append (out, "</tbody>\n</table></div>\n");
}

static void
render_html (const PdReport *r, GString *out)
{
	g_autofree char *since = iso (r->since), *until = iso (r->until), *gen = iso (r->generated);
	guint i;

	g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                      "<title>");
	esc (out, r->title);
	g_string_append (out, " - postdesk report</title>\n</head>\n"
	                      "<body style=\"font-family:sans-serif;color:#1a1a1a;background:#ffffff;"
	                      "margin:1.5em;line-height:1.4\">\n<main>\n<h1 style=\"font-size:1.5em\">");
	esc (out, r->title);
	g_string_append (out, "</h1>\n<p>From ");
	esc (out, since);
	g_string_append (out, " to ");
	esc (out, until);
	g_string_append (out, ", queue ");
	esc (out, r->queue ? r->queue : "(all)");
	g_string_append (out, ". Generated ");
	esc (out, gen);
	g_string_append (out, ".</p>\n");
	for (i = 0; i < r->sections->len; i++) {
		const PdReportSection *s = r->sections->pdata[i];

		g_string_append_printf (out, "<section aria-labelledby=\"h-%s\">\n<h2 id=\"h-%s\" style=\"font-size:1.2em;margin-top:1.5em\">", s->id, s->id);
		esc (out, s->title);
		g_string_append (out, "</h2>\n");
		if (s->note) {
			g_string_append (out, "<p>");
			esc (out, s->note);
			g_string_append (out, "</p>\n");
		}
		if (s->chart_label >= 0 && s->chart_values->len > 0 && s->rows->len > 0)
			render_svg (s, out);
		render_table (s, out);
		g_string_append (out, "</section>\n");
	}
	g_string_append (out, "</main>\n</body>\n</html>\n");
}

char *
pd_report_render (const PdReport *r, PdReportFormat format)
{
	GString *out = g_string_new (NULL);

	switch (format) {
	case PD_REPORT_FORMAT_TEXT:
		render_text (r, out);
		break;
	case PD_REPORT_FORMAT_CSV:
		render_csv (r, out);
		break;
	case PD_REPORT_FORMAT_JSON:
		g_string_free (out, TRUE);
		return render_json (r);
	case PD_REPORT_FORMAT_HTML:
		render_html (r, out);
		break;
	}
	return g_string_free (out, FALSE);
}
