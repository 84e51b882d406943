/* Statistics over replications, from the run folders' CSV files alone: per
 * (file, entity, numeric column) a running ws_stat fed in run order, then
 * mean, sd, Student-t 95% half-width and n (aggregate.csv, sweep.csv rows).
 * Reading files rather than collectors lets `wisim merge` reuse it. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "wisim/aggregate.h"

typedef struct {
  char *name;
  GPtrArray *stats; /* ws_stat *, indexed like the file's columns; NULL = never defined */
} agg_entity;

typedef struct {
  char *name;              /* "flows.csv" */
  GPtrArray *columns;      /* char * names, in order of first appearance */
  GHashTable *col_index;   /* name -> index + 1 */
  GArray *text;            /* gboolean per column: a non-numeric value was seen */
  GPtrArray *entities;     /* agg_entity *, in order of first appearance */
  GHashTable *entity_by_name;
} agg_file;

struct ws_agg {
  GPtrArray *files; /* agg_file * */
  GHashTable *file_by_name;
  unsigned n_runs;
};

static void entity_free(gpointer p) {
  agg_entity *e = p;
  g_free(e->name);
  g_ptr_array_free(e->stats, TRUE);
  g_free(e);
}

static void file_free(gpointer p) {
  agg_file *f = p;
  g_free(f->name);
  g_ptr_array_free(f->columns, TRUE);
  g_hash_table_destroy(f->col_index);
  g_array_free(f->text, TRUE);
  g_ptr_array_free(f->entities, TRUE);
  g_hash_table_destroy(f->entity_by_name);
  g_free(f);
}

ws_agg *ws_agg_new(void) {
  ws_agg *a = g_new0(ws_agg, 1);
  a->files = g_ptr_array_new_with_free_func(file_free);
  a->file_by_name = g_hash_table_new(g_str_hash, g_str_equal);
  return a;
}

void ws_agg_free(ws_agg *a) {
  if (!a) return;
  g_hash_table_destroy(a->file_by_name);
  g_ptr_array_free(a->files, TRUE);
  g_free(a);
}

unsigned ws_agg_n_runs(const ws_agg *a) {
  g_return_val_if_fail(a != NULL, 0);
  return a->n_runs;
}

/* ---- CSV reading ------------------------------------------------------------ */

/* Splits one RFC 4180 record starting at *p into fields; advances *p past
 * its line end. NULL at the end of the text. */
static GPtrArray *csv_record(const char **p) {
  const char *s = *p;
  if (!*s) return NULL;
  GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
  GString *field = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (;;) {
    char c = *s;
    if (quoted) {
      if (!c) break; /* unterminated quote: take what there is */
      if (c == '"' && s[1] == '"') {
        g_string_append_c(field, '"');
        s += 2;
      } else if (c == '"') {
        quoted = FALSE;
        s++;
      } else {
        g_string_append_c(field, c);
        s++;
      }
      continue;
    }
    if (c == '"') {
      quoted = TRUE;
      s++;
    } else if (c == ',') {
      g_ptr_array_add(fields, g_string_free(field, FALSE));
      field = g_string_new(NULL);
      s++;
    } else if (!c || c == '\n' || c == '\r') {
      if (c == '\r') s++;
      if (*s == '\n') s++;
      break;
    } else {
      g_string_append_c(field, c);
      s++;
    }
  }
  g_ptr_array_add(fields, g_string_free(field, FALSE));
  *p = s;
  return fields;
}

static gboolean parse_number(const char *text, double *out) {
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(text, &end);
  if (end == text || *end || errno == ERANGE || !isfinite(v)) return FALSE;
  *out = v;
  return TRUE;
}

static agg_file *file_get(ws_agg *a, const char *name) {
  agg_file *f = g_hash_table_lookup(a->file_by_name, name);
  if (f) return f;
  f = g_new0(agg_file, 1);
  f->name = g_strdup(name);
  f->columns = g_ptr_array_new_with_free_func(g_free);
  f->col_index = g_hash_table_new(g_str_hash, g_str_equal);
  f->text = g_array_new(FALSE, TRUE, sizeof(gboolean));
  f->entities = g_ptr_array_new_with_free_func(entity_free);
  f->entity_by_name = g_hash_table_new(g_str_hash, g_str_equal);
  g_ptr_array_add(a->files, f);
  g_hash_table_insert(a->file_by_name, f->name, f);
  return f;
}

static unsigned column_get(agg_file *f, const char *name) {
  gpointer v = g_hash_table_lookup(f->col_index, name);
  if (v) return (unsigned)GPOINTER_TO_UINT(v) - 1;
  g_ptr_array_add(f->columns, g_strdup(name));
  gboolean no = FALSE;
  g_array_append_val(f->text, no);
  unsigned i = f->columns->len - 1;
  g_hash_table_insert(f->col_index, f->columns->pdata[i], GUINT_TO_POINTER(i + 1));
  return i;
}

static agg_entity *entity_get(agg_file *f, const char *name) {
  agg_entity *e = g_hash_table_lookup(f->entity_by_name, name);
  if (e) return e;
  e = g_new0(agg_entity, 1);
  e->name = g_strdup(name);
  e->stats = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(f->entities, e);
  g_hash_table_insert(f->entity_by_name, e->name, e);
  return e;
}

/* The entity a row describes: the first column, or for a link direction
 * "LINK FROM->TO" (both directions share the link's name). */
static char *row_key(GPtrArray *header, GPtrArray *row) {
  const char *first = row->len > 0 ? row->pdata[0] : "";
  if (header->len >= 3 && row->len >= 3 && strcmp(header->pdata[0], "link") == 0 &&
      strcmp(header->pdata[1], "from") == 0 && strcmp(header->pdata[2], "to") == 0)
    return g_strdup_printf("%s %s->%s", first, (char *)row->pdata[1], (char *)row->pdata[2]);
  return g_strdup(first);
}

static void add_csv(ws_agg *a, const char *name, const char *text) {
  agg_file *f = file_get(a, name);
  const char *p = text;
  GPtrArray *header = csv_record(&p);
  if (!header) return;
  unsigned *cols = g_new(unsigned, header->len);
  for (unsigned i = 0; i < header->len; i++) cols[i] = column_get(f, header->pdata[i]);
  /* A key repeated inside one file (no key column) gets "#k" appended. */
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (GPtrArray *row; (row = csv_record(&p));) {
    if (row->len == 1 && !*(char *)row->pdata[0]) { /* blank line */
      g_ptr_array_free(row, TRUE);
      continue;
    }
    char *key = row_key(header, row);
    unsigned count = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key));
    g_hash_table_replace(seen, g_strdup(key), GUINT_TO_POINTER(count + 1));
    if (count > 0) {
      char *k2 = g_strdup_printf("%s#%u", key, count);
      g_free(key);
      key = k2;
    }
    agg_entity *e = entity_get(f, key);
    g_free(key);
    for (unsigned i = 1; i < row->len && i < header->len; i++) {
      const char *v = row->pdata[i];
      if (!*v) continue; /* not defined: not a zero */
      unsigned c = cols[i];
      double x;
      if (!parse_number(v, &x)) {
        g_array_index(f->text, gboolean, c) = TRUE;
        continue;
      }
      if (e->stats->len <= c) g_ptr_array_set_size(e->stats, (int)c + 1);
      ws_stat *s = e->stats->pdata[c];
      if (!s) s = e->stats->pdata[c] = g_new0(ws_stat, 1);
      ws_stat_add(s, x);
    }
    g_ptr_array_free(row, TRUE);
  }
  g_hash_table_destroy(seen);
  g_free(cols);
  g_ptr_array_free(header, TRUE);
}

/* Files with one row per entity, its name in the first column (flows.csv,
 * links.csv, cells.csv, ues.csv, ...); not the time series, the aggregates
 * themselves, nor coverage.csv (one row per grid square, keyed by its x)
 * nor handovers.csv (one row per event, keyed by its time: ues.csv has the
 * per-UE counts). */
static gboolean is_entity_csv(const char *name) {
  return g_str_has_suffix(name, ".csv") && strcmp(name, "timeseries.csv") != 0 &&
         strcmp(name, "aggregate.csv") != 0 && strcmp(name, "sweep.csv") != 0 &&
         strcmp(name, "coverage.csv") != 0 && strcmp(name, "handovers.csv") != 0;
}

static int compare_str(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir matching keep, sorted. NULL with error. */
static GPtrArray *sorted_names(const char *dir, gboolean (*keep)(const char *), GError **error) {
  GDir *d = g_dir_open(dir, 0, error);
  if (!d) return NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (const char *n; (n = g_dir_read_name(d));)
    if (keep(n)) g_ptr_array_add(names, g_strdup(n));
  g_dir_close(d);
  g_ptr_array_sort(names, compare_str);
  return names;
}

bool ws_agg_add_run(ws_agg *a, const char *run_dir, GError **error) {
  g_return_val_if_fail(a != NULL && run_dir != NULL, false);
  GPtrArray *names = sorted_names(run_dir, is_entity_csv, error);
  if (!names) return false;
  /* Read every file first: a run is added whole or not at all. */
  GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
  bool ok = true;
  for (unsigned i = 0; i < names->len && ok; i++) {
    char *path = g_build_filename(run_dir, names->pdata[i], NULL);
    char *text = NULL;
    ok = g_file_get_contents(path, &text, NULL, error);
    g_ptr_array_add(texts, text);
    g_free(path);
  }
  if (ok) {
    for (unsigned i = 0; i < names->len; i++) add_csv(a, names->pdata[i], texts->pdata[i]);
    a->n_runs++;
  }
  g_ptr_array_free(texts, TRUE);
  g_ptr_array_free(names, TRUE);
  return ok;
}

static gboolean is_run_name(const char *name) {
  if (!*name) return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isdigit(*p)) return FALSE;
  return TRUE;
}

static int compare_index(gconstpointer a, gconstpointer b) {
  guint64 x = g_ascii_strtoull(*(char *const *)a, NULL, 10);
  guint64 y = g_ascii_strtoull(*(char *const *)b, NULL, 10);
  return x < y ? -1 : x > y;
}

/* True when dir/summary.json exists and says "complete": true. */
static gboolean run_complete(const char *dir) {
  char *path = g_build_filename(dir, "summary.json", NULL);
  JsonParser *parser = json_parser_new();
  gboolean complete = FALSE;
  if (json_parser_load_from_file(parser, path, NULL)) {
    JsonNode *root = json_parser_get_root(parser);
    if (root && JSON_NODE_HOLDS_OBJECT(root)) {
      JsonObject *o = json_node_get_object(root);
      complete = json_object_has_member(o, "complete") &&
                 json_object_get_boolean_member(o, "complete");
    }
  }
  g_object_unref(parser);
  g_free(path);
  return complete;
}

int ws_agg_add_runs_dir(ws_agg *a, const char *dir, unsigned limit, unsigned *n_incomplete,
                        GError **error) {
  g_return_val_if_fail(a != NULL && dir != NULL, -1);
  if (n_incomplete) *n_incomplete = 0;
  char *runs = g_build_filename(dir, "runs", NULL);
  if (!g_file_test(runs, G_FILE_TEST_IS_DIR)) {
    g_free(runs);
    return 0;
  }
  GPtrArray *names = sorted_names(runs, is_run_name, error);
  /* Index order: names of unequal length ("1000" after "999") sort by value. */
  if (names) g_ptr_array_sort(names, compare_index);
  int added = 0;
  for (unsigned i = 0; names && i < names->len; i++) {
    if (limit > 0 && g_ascii_strtoull(names->pdata[i], NULL, 10) >= limit) continue;
    char *run_dir = g_build_filename(runs, names->pdata[i], NULL);
    if (!run_complete(run_dir)) {
      if (n_incomplete) (*n_incomplete)++;
    } else if (ws_agg_add_run(a, run_dir, error)) {
      added++;
    } else {
      added = -1;
    }
    g_free(run_dir);
    if (added < 0) break;
  }
  if (!names) added = -1;
  if (names) g_ptr_array_free(names, TRUE);
  g_free(runs);
  return added;
}

static agg_file *file_find(const ws_agg *a, const char *file) {
  agg_file *f = g_hash_table_lookup(a->file_by_name, file);
  if (!f && !g_str_has_suffix(file, ".csv")) {
    char *n = g_strconcat(file, ".csv", NULL);
    f = g_hash_table_lookup(a->file_by_name, n);
    g_free(n);
  }
  return f;
}

bool ws_agg_get(const ws_agg *a, const char *file, const char *entity, const char *metric,
                ws_stat *out) {
  g_return_val_if_fail(a != NULL && file != NULL && entity != NULL && metric != NULL, false);
  agg_file *f = file_find(a, file);
  if (!f) return false;
  agg_entity *e = g_hash_table_lookup(f->entity_by_name, entity);
  gpointer ci = g_hash_table_lookup(f->col_index, metric);
  if (!e || !ci) return false;
  unsigned c = GPOINTER_TO_UINT(ci) - 1;
  if (g_array_index(f->text, gboolean, c) || c >= e->stats->len || !e->stats->pdata[c])
    return false;
  if (out) *out = *(ws_stat *)e->stats->pdata[c];
  return true;
}

bool ws_agg_parse_metric(const char *name, char **file, char **entity, char **column,
                         GError **error) {
  g_return_val_if_fail(name != NULL && file && entity && column, false);
  const char *first = strchr(name, ':');
  const char *last = strrchr(name, ':');
  if (!first || first == last || first == name || !last[1] || last == first + 1) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--metric: expected FILE:ENTITY:COLUMN such as flows.csv:video:throughput_bps, "
                "found \"%s\"",
                name);
    return false;
  }
  char *f = g_strndup(name, (gsize)(first - name));
  if (!g_str_has_suffix(f, ".csv")) {
    char *with = g_strconcat(f, ".csv", NULL);
    g_free(f);
    f = with;
  }
  *file = f;
  *entity = g_strndup(first + 1, (gsize)(last - first - 1));
  *column = g_strdup(last + 1);
  return true;
}

void ws_agg_csv_field(GString *out, const char *text) {
  if (!strpbrk(text, ",\"\r\n")) {
    g_string_append(out, text);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++) {
    if (*p == '"') g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

static void append_number(GString *out, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite(v)) return; /* not defined: empty */
  if (v == 0) v = 0;        /* no "-0" */
  g_ascii_formatd(buf, sizeof buf, "%.12g", v);
  g_string_append(out, buf);
}

/* flows.csv, links.csv, then the others by name. */
static int file_rank(const char *name) {
  if (strcmp(name, "flows.csv") == 0) return 0;
  if (strcmp(name, "links.csv") == 0) return 1;
  return 2;
}

static int compare_files(gconstpointer pa, gconstpointer pb) {
  const agg_file *a = *(agg_file *const *)pa, *b = *(agg_file *const *)pb;
  int ra = file_rank(a->name), rb = file_rank(b->name);
  if (ra != rb) return ra - rb;
  return strcmp(a->name, b->name);
}

void ws_agg_append_rows(const ws_agg *a, GString *out, const char *prefix) {
  g_return_if_fail(a != NULL && out != NULL);
  GPtrArray *files = g_ptr_array_new();
  for (unsigned i = 0; i < a->files->len; i++) g_ptr_array_add(files, a->files->pdata[i]);
  g_ptr_array_sort(files, compare_files);
  for (unsigned i = 0; i < files->len; i++) {
    const agg_file *f = files->pdata[i];
    for (unsigned j = 0; j < f->entities->len; j++) {
      const agg_entity *e = f->entities->pdata[j];
      for (unsigned c = 0; c < e->stats->len; c++) {
        const ws_stat *s = e->stats->pdata[c];
        if (!s || g_array_index(f->text, gboolean, c)) continue;
        if (prefix) g_string_append(out, prefix);
        ws_agg_csv_field(out, f->name);
        g_string_append_c(out, ',');
        ws_agg_csv_field(out, e->name);
        g_string_append_c(out, ',');
        ws_agg_csv_field(out, f->columns->pdata[c]);
        g_string_append_c(out, ',');
        append_number(out, s->mean);
        g_string_append_c(out, ',');
        if (s->n >= 2) append_number(out, sqrt(ws_stat_variance(s)));
        g_string_append_c(out, ',');
        if (s->n >= 2) append_number(out, ws_stat_ci95(s));
        g_string_append_printf(out, ",%" G_GUINT64_FORMAT "\n", s->n);
      }
    }
  }
  g_ptr_array_free(files, TRUE);
}

bool ws_agg_write(const ws_agg *a, const char *path, GError **error) {
  g_return_val_if_fail(a != NULL && path != NULL, false);
  GString *text = g_string_new("file,entity,metric,mean,sd,ci95,n\n");
  ws_agg_append_rows(a, text, NULL);
  ws_outfile *o = ws_outfile_open(path, error);
  bool ok = o != NULL;
  if (ok) {
    fwrite(text->str, 1, text->len, ws_outfile_fp(o));
    ok = ws_outfile_commit(o, error);
  }
  g_string_free(text, TRUE);
  return ok;
}
