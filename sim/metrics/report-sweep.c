/* wisim sweep report: reads a sweep's sweep.csv (one row per point, file,
 * entity and metric: docs/outputs.md) and draws each headline metric
 * against the first varied key, one line per entity, with 95% confidence
 * interval error bars, into a self-contained report.html. */
#include <math.h>
#include <string.h>

#include "report-int.h"
#include "wisim/units.h"

/* ---- reading the CSV ---------------------------------------------------------- */

/* One RFC 4180 record from *p (advanced past it); NULL at the end of the
 * text. Fields are unquoted ("a ""b""" gives a "b"). */
static GPtrArray *csv_record(const char **p) {
  const char *s = *p;
  if (!*s) return NULL;
  GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
  GString *field = g_string_new(NULL);
  for (;;) {
    if (*s == '"') {
      s++;
      while (*s) {
        if (*s == '"' && s[1] == '"') {
          g_string_append_c(field, '"');
          s += 2;
        } else if (*s == '"') {
          s++;
          break;
        } else
          g_string_append_c(field, *s++);
      }
    }
    while (*s && *s != ',' && *s != '\n' && *s != '\r')
      g_string_append_c(field, *s++);
    g_ptr_array_add(fields, g_string_free(field, FALSE));
    field = g_string_new(NULL);
    if (*s == ',') {
      s++;
      continue;
    }
    if (*s == '\r') s++;
    if (*s == '\n') s++;
    break;
  }
  g_string_free(field, TRUE);
  *p = s;
  return fields;
}

typedef struct {
  unsigned point;               /* index into points */
  char *file, *entity, *metric; /* owned */
  double mean, ci95;
  uint64_t n;
} sweep_row;

typedef struct {
  GPtrArray *keys;   /* char *: the varied keys, in column order */
  GPtrArray *points; /* char **: each point's key values (NULL-terminated) */
  GArray *rows;      /* sweep_row */
} sweep_data;

static void sweep_data_clear(sweep_data *d) {
  for (unsigned i = 0; i < d->rows->len; i++) {
    sweep_row *r = &g_array_index(d->rows, sweep_row, i);
    g_free(r->file);
    g_free(r->entity);
    g_free(r->metric);
  }
  g_array_free(d->rows, TRUE);
  g_ptr_array_free(d->points, TRUE);
  g_ptr_array_free(d->keys, TRUE);
}

static int column(GPtrArray *header, const char *name) {
  for (unsigned i = 0; i < header->len; i++)
    if (strcmp(g_ptr_array_index(header, i), name) == 0) return (int)i;
  return -1;
}

/* A number field: empty is NAN (not defined); anything else must parse. */
static bool parse_number(const char *text, double *out) {
  if (!*text) {
    *out = NAN;
    return true;
  }
  char *end = NULL;
  *out = g_ascii_strtod(text, &end);
  return end && end != text && !*end;
}

static bool read_sweep(const char *path, sweep_data *d, GError **error) {
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error)) return false;
  d->keys = g_ptr_array_new_with_free_func(g_free);
  d->points = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  d->rows = g_array_new(FALSE, TRUE, sizeof(sweep_row));
  const char *p = text;
  GPtrArray *header = csv_record(&p);
  int c_point = header ? column(header, "point") : -1,
      c_file = header ? column(header, "file") : -1;
  int c_entity = header ? column(header, "entity") : -1;
  int c_metric = header ? column(header, "metric") : -1;
  int c_mean = header ? column(header, "mean") : -1, c_ci = header ? column(header, "ci95") : -1;
  int c_n = header ? column(header, "n") : -1;
  bool ok = true;
  if (c_file < 0 || c_entity < 0 || c_metric < 0 || c_mean < 0 || c_ci < 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s:1: expected a sweep.csv header with the columns file, entity, metric, "
                "mean, ci95 (docs/outputs.md)",
                path);
    ok = false;
  }
  /* Varied keys: every column before `file` but `point`. */
  for (int i = 0; ok && i < c_file; i++)
    if (i != c_point) g_ptr_array_add(d->keys, g_strdup(g_ptr_array_index(header, i)));
  GHashTable *point_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  unsigned line = 1;
  for (GPtrArray *rec; ok && (rec = csv_record(&p)); g_ptr_array_free(rec, TRUE)) {
    line++;
    if (rec->len == 1 && !*(char *)g_ptr_array_index(rec, 0)) continue; /* blank line */
    if (rec->len != header->len) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: expected %u fields, found %u",
                  path, line, header->len, rec->len);
      ok = false;
      g_ptr_array_free(rec, TRUE);
      break;
    }
    /* The point: its tuple of key values (the point column, when present,
     * only names it). */
    GString *tuple = g_string_new(NULL);
    char **values = g_new0(char *, d->keys->len + 1);
    unsigned k = 0;
    for (int i = 0; i < c_file; i++) {
      if (i == c_point) continue;
      values[k++] = g_strdup(g_ptr_array_index(rec, i));
      g_string_append_printf(tuple, "%s\x1f", (char *)g_ptr_array_index(rec, i));
    }
    gpointer found;
    unsigned point;
    if (g_hash_table_lookup_extended(point_of, tuple->str, NULL, &found)) {
      point = GPOINTER_TO_UINT(found);
      g_strfreev(values);
    } else {
      point = d->points->len;
      g_ptr_array_add(d->points, values);
      g_hash_table_insert(point_of, g_strdup(tuple->str), GUINT_TO_POINTER(point));
    }
    g_string_free(tuple, TRUE);
    sweep_row row = {.point = point};
    double n = NAN;
    if (!parse_number(g_ptr_array_index(rec, c_mean), &row.mean) ||
        !parse_number(g_ptr_array_index(rec, c_ci), &row.ci95) ||
        (c_n >= 0 && !parse_number(g_ptr_array_index(rec, c_n), &n))) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                  "%s:%u: mean, ci95 and n must be numbers (or empty)", path, line);
      ok = false;
      g_ptr_array_free(rec, TRUE);
      break;
    }
    row.n = isfinite(n) && n > 0 ? (uint64_t)n : 0;
    row.file = g_strdup(g_ptr_array_index(rec, c_file));
    row.entity = g_strdup(g_ptr_array_index(rec, c_entity));
    row.metric = g_strdup(g_ptr_array_index(rec, c_metric));
    g_array_append_val(d->rows, row);
  }
  g_hash_table_destroy(point_of);
  if (header) g_ptr_array_free(header, TRUE);
  g_free(text);
  if (!ok) sweep_data_clear(d);
  return ok;
}

/* ---- the x axis: numbers with a unit when every value has the same kind ---- */

static const ws_unit_kind x_kinds[] = {
    WS_UNIT_TIME,     WS_UNIT_RATE,  WS_UNIT_SIZE,   WS_UNIT_PACKETS,
    WS_UNIT_DISTANCE, WS_UNIT_POWER, WS_UNIT_RATIO,  WS_UNIT_FREQUENCY,
    WS_UNIT_SPEED,    WS_UNIT_ANGLE, WS_UNIT_NUMBER, WS_UNIT_PROBABILITY,
};

/* A metric name whose suffix gives the kind's display unit (see
 * rp_metric_display), or NULL for kinds shown in their SI unit. */
static const char *kind_metric(ws_unit_kind kind, const char **si_unit) {
  *si_unit = "";
  switch (kind) {
  case WS_UNIT_TIME:
    return "x_s";
  case WS_UNIT_RATE:
    return "x_bps";
  case WS_UNIT_SIZE:
    return "x_bytes";
  case WS_UNIT_PACKETS:
    return "x_packets";
  case WS_UNIT_DISTANCE:
    return "x_m";
  case WS_UNIT_POWER:
    return "x_dbm";
  case WS_UNIT_RATIO:
    return "x_db";
  case WS_UNIT_PROBABILITY:
    return "x_ratio";
  case WS_UNIT_FREQUENCY:
    *si_unit = "Hz";
    return NULL;
  case WS_UNIT_SPEED:
    *si_unit = "m/s";
    return NULL;
  case WS_UNIT_ANGLE:
    *si_unit = "deg";
    return NULL;
  case WS_UNIT_GAIN:
    *si_unit = "dBi";
    return NULL;
  default:
    return NULL;
  }
}

/* Numeric x values of the distinct values of key 0 (x[i] for values[i]);
 * false when they are not all quantities of one kind. */
static bool numeric_x(char **values, unsigned n, double *x, double *factor, char **unit_label) {
  for (unsigned k = 0; k < G_N_ELEMENTS(x_kinds); k++) {
    bool all = n > 0;
    ws_unit_kind found = x_kinds[k];
    for (unsigned i = 0; all && i < n; i++) {
      ws_quantity q;
      if (!ws_units_parse(values[i], x_kinds[k], &q) || (i > 0 && q.kind != found))
        all = false;
      else {
        found = q.kind;
        x[i] = q.value;
      }
    }
    if (!all) continue;
    double max_abs = 0;
    for (unsigned i = 0; i < n; i++)
      max_abs = fmax(max_abs, fabs(x[i]));
    const char *si;
    const char *metric = kind_metric(found, &si);
    const char *unit = si;
    *factor = 1;
    if (metric) g_free(rp_metric_display(metric, max_abs, &unit, factor));
    *unit_label = g_strdup(unit);
    return true;
  }
  return false;
}

/* ---- charts ------------------------------------------------------------------- */

/* The metrics worth a chart in each file; files not listed get all of theirs. */
static const char *const flows_headline[] = {
    "throughput_bps",    "delay_mean_s",    "delay_p95_s", "loss_ratio", "jitter_s",
    "completion_time_s", "response_mean_s", "mos",         NULL,
};
static const char *const links_headline[] = {
    "utilisation",
    "mean_queue_packets",
    "queue_drops",
    NULL,
};

static bool is_headline(const char *file, const char *metric) {
  const char *const *list = strcmp(file, "flows.csv") == 0   ? flows_headline
                            : strcmp(file, "links.csv") == 0 ? links_headline
                                                             : NULL;
  if (!list) return true;
  for (unsigned i = 0; list[i]; i++)
    if (strcmp(list[i], metric) == 0) return true;
  return false;
}

static int headline_rank(const char *file, const char *metric) {
  const char *const *list = strcmp(file, "flows.csv") == 0   ? flows_headline
                            : strcmp(file, "links.csv") == 0 ? links_headline
                                                             : NULL;
  for (unsigned i = 0; list && list[i]; i++)
    if (strcmp(list[i], metric) == 0) return (int)i;
  return 1000;
}

/* A line being gathered: an entity and the values of keys 1.. */
typedef struct {
  char *label;
  double *mean, *ci; /* per distinct value of key 0 */
  double score;      /* mean |mean|, to choose lines when there are too many */
} sweep_line;

typedef struct {
  const sweep_data *d;
  char **x_values; /* distinct values of key 0, in order of appearance */
  unsigned n_x;
  unsigned *x_of_point; /* point -> index in x_values */
  double *x_num;        /* numeric x, or NULL (categorical) */
  unsigned *x_order;    /* indices of x_values sorted by x_num */
  double x_factor;
  char *x_label;
} sweep_axis;

static int cmp_by_x(const void *a, const void *b, void *ctx) {
  const double *x = ctx;
  double xa = x[*(const unsigned *)a], xb = x[*(const unsigned *)b];
  return xa < xb ? -1 : xa > xb ? 1 : 0;
}

static void axis_init(sweep_axis *ax, const sweep_data *d) {
  ax->d = d;
  unsigned np = d->points->len;
  ax->x_values = g_new0(char *, np + 1);
  ax->x_of_point = g_new0(unsigned, np ? np : 1);
  ax->n_x = 0;
  for (unsigned p = 0; p < np; p++) {
    char **values = g_ptr_array_index(d->points, p);
    const char *v = d->keys->len ? values[0] : "";
    unsigned i = 0;
    while (i < ax->n_x && strcmp(ax->x_values[i], v) != 0)
      i++;
    if (i == ax->n_x) ax->x_values[ax->n_x++] = g_strdup(v);
    ax->x_of_point[p] = i;
  }
  ax->x_num = g_new0(double, ax->n_x ? ax->n_x : 1);
  ax->x_order = g_new0(unsigned, ax->n_x ? ax->n_x : 1);
  for (unsigned i = 0; i < ax->n_x; i++)
    ax->x_order[i] = i;
  char *unit = NULL;
  const char *key = d->keys->len ? g_ptr_array_index(d->keys, 0) : "point";
  if (d->keys->len && numeric_x(ax->x_values, ax->n_x, ax->x_num, &ax->x_factor, &unit)) {
    g_qsort_with_data(ax->x_order, ax->n_x, sizeof(unsigned), cmp_by_x, ax->x_num);
    ax->x_label = *unit ? g_strdup_printf("%s (%s)", key, unit) : g_strdup(key);
  } else {
    g_free(ax->x_num);
    ax->x_num = NULL;
    ax->x_label = g_strdup(key);
  }
  g_free(unit);
}

static void axis_clear(sweep_axis *ax) {
  g_strfreev(ax->x_values);
  g_free(ax->x_of_point);
  g_free(ax->x_num);
  g_free(ax->x_order);
  g_free(ax->x_label);
}

/* The line label of a row: the entity, and the other keys' values. */
static char *line_label(const sweep_data *d, const sweep_row *r) {
  char **parts = g_strsplit(r->entity, "->", -1);
  GString *s = g_string_new(NULL);
  char *entity = g_strjoinv("\u2192", parts);
  g_string_append(s, entity);
  g_free(entity);
  g_strfreev(parts);
  char **values = g_ptr_array_index(d->points, r->point);
  for (unsigned k = 1; k < d->keys->len; k++)
    g_string_append_printf(s, ", %s=%s", (char *)g_ptr_array_index(d->keys, k), values[k]);
  return g_string_free(s, FALSE);
}

static rp_chart *metric_chart(const sweep_axis *ax, const char *file, const char *metric,
                              unsigned index) {
  const sweep_data *d = ax->d;
  GPtrArray *lines = g_ptr_array_new();
  GHashTable *by_label = g_hash_table_new(g_str_hash, g_str_equal);
  double max_abs = 0;
  for (unsigned i = 0; i < d->rows->len; i++) {
    const sweep_row *r = &g_array_index(d->rows, sweep_row, i);
    if (strcmp(r->file, file) != 0 || strcmp(r->metric, metric) != 0) continue;
    char *label = line_label(d, r);
    sweep_line *l = g_hash_table_lookup(by_label, label);
    if (!l) {
      l = g_new0(sweep_line, 1);
      l->label = label;
      l->mean = g_new(double, ax->n_x);
      l->ci = g_new(double, ax->n_x);
      for (unsigned k = 0; k < ax->n_x; k++)
        l->mean[k] = l->ci[k] = NAN;
      g_hash_table_insert(by_label, l->label, l);
      g_ptr_array_add(lines, l);
    } else {
      g_free(label);
    }
    unsigned x = ax->x_of_point[r->point];
    l->mean[x] = r->mean;
    l->ci[x] = r->ci95;
    if (isfinite(r->mean)) {
      max_abs = fmax(max_abs, fabs(r->mean) + (isfinite(r->ci95) ? fabs(r->ci95) : 0));
      l->score += fabs(r->mean);
    }
  }
  const char *unit;
  double factor;
  char *quantity = rp_metric_display(metric, max_abs, &unit, &factor);
  char *y_label = rp_axis_label(quantity, unit);
  char *title = g_strdup_printf("%s (%s, %s)", quantity, file, metric);
  char *id = g_strdup_printf("chart-sweep-%u-%s", index, metric);
  g_strcanon(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
  rp_chart *c = rp_chart_new(id, title, ax->x_label, y_label);
  if (!ax->x_num) {
    c->x_categories = g_new0(char *, ax->n_x + 1);
    for (unsigned k = 0; k < ax->n_x; k++)
      c->x_categories[k] = g_strdup(ax->x_values[k]);
  }
  /* Lines without any value (e.g. a delay of TCP flows) are left out; then
   * at most RP_MAX_LINES, the largest by mean. */
  unsigned n_with_data = 0;
  for (unsigned i = 0; i < lines->len; i++) {
    sweep_line *l = g_ptr_array_index(lines, i);
    bool any = false;
    for (unsigned k = 0; k < ax->n_x; k++)
      any |= isfinite(l->mean[k]);
    if (!any)
      l->score = -1;
    else
      n_with_data++;
  }
  unsigned shown = 0;
  double *score = g_new(double, lines->len ? lines->len : 1);
  bool *keep = g_new(bool, lines->len ? lines->len : 1);
  for (unsigned i = 0; i < lines->len; i++)
    score[i] = ((sweep_line *)g_ptr_array_index(lines, i))->score;
  rp_pick_top(score, lines->len, keep);
  for (unsigned i = 0; i < lines->len; i++) {
    sweep_line *l = g_ptr_array_index(lines, i);
    if (l->score < 0 || !keep[i]) continue;
    double *x = g_new(double, ax->n_x), *y = g_new(double, ax->n_x), *e = g_new(double, ax->n_x);
    for (unsigned k = 0; k < ax->n_x; k++) {
      unsigned v = ax->x_order[k];
      x[k] = ax->x_num ? ax->x_num[v] * ax->x_factor : (double)v;
      y[k] = l->mean[v] * factor;
      e[k] = l->ci[v] * factor;
    }
    rp_chart_add_line(c, l->label, x, y, e, ax->n_x);
    shown++;
    g_free(x);
    g_free(y);
    g_free(e);
  }
  g_free(score);
  g_free(keep);
  rp_chart_note(c, "Mean over the replications; error bars: 95%% confidence interval (Student t).");
  if (shown < n_with_data)
    rp_chart_note(c, "Showing the %u of %u lines with the largest mean; all are in sweep.csv.",
                  shown, n_with_data);
  for (unsigned i = 0; i < lines->len; i++) {
    sweep_line *l = g_ptr_array_index(lines, i);
    g_free(l->label);
    g_free(l->mean);
    g_free(l->ci);
    g_free(l);
  }
  g_ptr_array_free(lines, TRUE);
  g_hash_table_destroy(by_label);
  g_free(quantity);
  g_free(y_label);
  g_free(title);
  g_free(id);
  return c;
}

/* ---- the page ---------------------------------------------------------------------- */

typedef struct {
  const char *file, *metric; /* borrowed from the rows */
  unsigned file_order;       /* the file's first appearance */
  int rank;                  /* headline order within the file */
  unsigned appearance;       /* the metric's first row */
} chart_key;

/* Files in order of appearance (flows.csv first, as the aggregate writes
 * it), then headline order, then appearance. */
static int cmp_chart_key(const void *a, const void *b) {
  const chart_key *x = a, *y = b;
  if (x->file_order != y->file_order) return x->file_order < y->file_order ? -1 : 1;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return x->appearance < y->appearance ? -1 : x->appearance > y->appearance ? 1 : 0;
}

bool ws_report_write_sweep(const char *sweep_csv_path, const char *html_path, GError **error) {
  g_return_val_if_fail(sweep_csv_path != NULL && html_path != NULL, false);
  sweep_data d;
  if (!read_sweep(sweep_csv_path, &d, error)) return false;
  sweep_axis ax;
  axis_init(&ax, &d);

  /* The charts: each (file, headline metric), in a fixed order. */
  GArray *keys = g_array_new(FALSE, FALSE, sizeof(chart_key));
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *file_order = g_hash_table_new(g_str_hash, g_str_equal);
  uint64_t n_min = UINT64_MAX, n_max = 0;
  for (unsigned i = 0; i < d.rows->len; i++) {
    const sweep_row *r = &g_array_index(d.rows, sweep_row, i);
    /* A metric without a value in any run (n = 0) says nothing of the
     * replications. */
    if (r->n && r->n < n_min) n_min = r->n;
    if (r->n > n_max) n_max = r->n;
    if (!g_hash_table_contains(file_order, r->file))
      g_hash_table_insert(file_order, r->file, GUINT_TO_POINTER(g_hash_table_size(file_order)));
    if (!is_headline(r->file, r->metric)) continue;
    char *k = g_strdup_printf("%s\x1f%s", r->file, r->metric);
    if (g_hash_table_contains(seen, k)) {
      g_free(k);
      continue;
    }
    g_hash_table_add(seen, k);
    chart_key ck = {r->file, r->metric, GPOINTER_TO_UINT(g_hash_table_lookup(file_order, r->file)),
                    headline_rank(r->file, r->metric), i};
    g_array_append_val(keys, ck);
  }
  g_array_sort(keys, cmp_chart_key);

  GString *out = g_string_new(NULL);
  char *absolute = g_canonicalize_filename(sweep_csv_path, NULL);
  char *folder = g_path_get_dirname(absolute);
  char *base = g_path_get_basename(folder);
  char *csv_name = g_path_get_basename(sweep_csv_path);
  char *title = g_strdup_printf("Sweep: %s", base);
  rp_page_begin(out, title);
  g_string_append(out, "<header>\n<h1>");
  rp_escape(out, title);
  g_string_append(out, "</h1>\n<nav><a href=\"#points\">Points</a><a href=\"#metrics\">"
                       "Headline metrics</a></nav>\n</header>\n");
  g_string_append(out, "<section id=\"points\">\n<h2>Points</h2>\n<p>");
  g_string_append_printf(out, "%u point%s", d.points->len, d.points->len == 1 ? "" : "s");
  if (n_max) {
    if (n_min == n_max)
      g_string_append_printf(out, ", %" G_GUINT64_FORMAT " replications each", n_min);
    else
      g_string_append_printf(out, ", %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " replications",
                             n_min, n_max);
  }
  g_string_append(out, ". The points share their random streams (common random numbers), so "
                       "the differences between points are the model's, not noise. Every "
                       "metric of every entity is in ");
  rp_escape(out, csv_name);
  g_string_append(out, ".</p>\n<table id=\"points-table\"><thead><tr><th>point</th>");
  for (unsigned k = 0; k < d.keys->len; k++) {
    g_string_append(out, "<th>");
    rp_escape(out, g_ptr_array_index(d.keys, k));
    g_string_append(out, "</th>");
  }
  g_string_append(out, "</tr></thead><tbody>\n");
  for (unsigned p = 0; p < d.points->len; p++) {
    g_string_append_printf(out, "<tr><td class=\"n\">%u</td>", p);
    char **values = g_ptr_array_index(d.points, p);
    for (unsigned k = 0; values[k]; k++) {
      g_string_append(out, "<td>");
      rp_escape(out, values[k]);
      g_string_append(out, "</td>");
    }
    g_string_append(out, "</tr>\n");
  }
  g_string_append(out, "</tbody></table>\n</section>\n");

  g_string_append(out, "<section id=\"metrics\">\n<h2>Headline metrics against ");
  rp_escape(out, d.keys->len ? (const char *)g_ptr_array_index(d.keys, 0) : "the point");
  g_string_append(out, "</h2>\n");
  if (d.keys->len > 1)
    g_string_append(out, "<p class=\"note\">One line per entity and combination of the other "
                         "varied keys.</p>\n");
  if (!keys->len) g_string_append(out, "<p class=\"nodata\">no data</p>\n");
  for (unsigned i = 0; i < keys->len; i++) {
    const chart_key *ck = &g_array_index(keys, chart_key, i);
    rp_chart *c = metric_chart(&ax, ck->file, ck->metric, i);
    rp_chart_render(out, c);
    rp_chart_free(c);
  }
  g_string_append(out, "</section>\n<footer class=\"note\">Written by wisim. This page is "
                       "self-contained: no script, font or network access.</footer>\n");
  rp_page_end(out);

  bool ok = false;
  ws_outfile *o = ws_outfile_open(html_path, error);
  if (o) {
    fwrite(out->str, 1, out->len, ws_outfile_fp(o));
    ok = ws_outfile_commit(o, error);
  }
  g_string_free(out, TRUE);
  g_free(title);
  g_free(base);
  g_free(folder);
  g_free(absolute);
  g_free(csv_name);
  g_hash_table_destroy(seen);
  g_hash_table_destroy(file_order);
  g_array_free(keys, TRUE);
  axis_clear(&ax);
  sweep_data_clear(&d);
  return ok;
}
