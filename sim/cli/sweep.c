/* wisim sweep / wisim merge: the cartesian product of --vary values, each
 * point with R replications on common random numbers (same seeds and run
 * indices at every point), run in threads or written as a plan of tasks for
 * a cluster; merge turns the run folders into aggregate.csv and sweep.csv. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-int.h"
#include "wisim/aggregate.h"
#include "wisim/metrics.h"
#include "wisim/report.h"
#include "wisim/scenario.h"

typedef struct {
  char **vary;
  char **sets;
  char **logs;
  char *output_dir;
  char *plan_dir;
  gint runs;
  gint jobs;
  gint max_runs;
  char *precision;
  char *metric;
  char *seed_text;
  gboolean independent;
  gboolean quiet;
  gboolean verbose;
} sweep_options;

static void sweep_options_clear(sweep_options *o) {
  g_strfreev(o->vary);
  g_strfreev(o->sets);
  g_strfreev(o->logs);
  g_free(o->output_dir);
  g_free(o->plan_dir);
  g_free(o->precision);
  g_free(o->metric);
  g_free(o->seed_text);
}

/* One varied key and its values. */
typedef struct {
  char *key;
  char **values;
  unsigned n;
} varied;

static const char sweep_description[] =
    "Examples:\n"
    "  wisim sweep scenarios/default.ini --vary 'flow upload.rate=1Mbit/s,2Mbit/s,3Mbit/s' "
    "--runs 10\n"
    "  wisim sweep lab.ini --vary 'link ab.queue_limit=20p,50p' --vary 'flow f.type=cbr,poisson'\n"
    "  wisim sweep lab.ini --vary 'cell B.position=500,0|1000,0' --runs 5   # values with commas\n"
    "  wisim sweep lab.ini --vary 'link ab.rate=1Mbit/s,2Mbit/s' --precision 5% \\\n"
    "        --metric flows.csv:video:delay_mean_s\n"
    "  wisim sweep lab.ini --vary 'link ab.rate=1Mbit/s,2Mbit/s' --runs 20 --plan study/\n"
    "  parallel wisim run --task ::: study/tasks/*  &&  wisim merge study/\n"
    "\n"
    "--vary KEY=V1,V2,... names a key as --set does (GROUP.KEY, split at the\n"
    "last '.' before '='); values are split at ',' or, when the list contains a\n"
    "'|', at '|'. Several --vary give the cartesian product, the first varying\n"
    "slowest. Point p (000, 001, ...) runs R replications into\n"
    "DIR/points/NNN/runs/MMM/ (default DIR: results/NAME-sweep).\n"
    "\n"
    "Common random numbers: every point uses the same seed and run indices\n"
    "0..R-1, so run r of two points draws the same random numbers wherever the\n"
    "models do the same thing, and the difference between two points is mostly\n"
    "the model's: compare points run by run (paired), and the confidence\n"
    "interval of a difference is much narrower than with independent seeds.\n"
    "--independent gives point p the seed SEED+p instead (for comparison).\n"
    "\n"
    "Outputs: DIR/points/NNN/aggregate.csv per point, and DIR/sweep.csv with\n"
    "one row per (point, file, entity, metric): point, a column per varied key\n"
    "(named by the key) with its value, file, entity, metric, mean, sd, ci95\n"
    "(95% half-width, Student t), n. DIR/sweep.json describes the points.\n"
    "\n"
    "--precision 5% --metric FILE:ENTITY:COLUMN adds replications to every\n"
    "point (first max(R, J, 5), then J at a time, the same count everywhere so\n"
    "runs stay paired) until the ci95 of the metric is within 5% of its mean at\n"
    "every point, or --max-runs.\n"
    "\n"
    "Scale-out: --plan DIR writes DIR/tasks/0, 1, ... (one per point and run,\n"
    "each self-contained) and runs nothing; `wisim run --task DIR/tasks/N` runs\n"
    "one (anywhere wisim is installed), `wisim merge DIR` writes sweep.csv:\n"
    "byte-identical to a threaded sweep. See docs/cluster.md (GNU parallel,\n"
    "Slurm job arrays).\n"
    "\n"
    "Ctrl-C stops like `wisim run` does (exit 130). Exit status: 0 success,\n"
    "1 a run failed, 2 bad input (nothing was run).";

static int parse_sweep_options(int *argc, char ***argv, sweep_options *o) {
  GOptionEntry entries[] = {
      {"vary", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->vary,
       "A key and its values: 'link ab.rate=1Mbit/s,2Mbit/s' (repeatable: cartesian product)",
       "KEY=V1,V2,..."},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->sets,
       "Override a key at every point (repeatable)", "GROUP.KEY=VALUE"},
      {"runs", 0, 0, G_OPTION_ARG_INT, &o->runs,
       "Replications per point (default: [simulation] runs)", "R"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
       "Runs at the same time (default: number of cores)", "J"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output_dir,
       "Write the sweep into DIR (default: results/NAME-sweep)", "DIR"},
      {"seed", 0, 0, G_OPTION_ARG_STRING, &o->seed_text,
       "Seed of every point (default: [simulation] seed)", "N"},
      {"independent", 0, 0, G_OPTION_ARG_NONE, &o->independent,
       "Seed SEED+p at point p instead of common random numbers", NULL},
      {"precision", 0, 0, G_OPTION_ARG_STRING, &o->precision,
       "Add runs until the metric's 95% CI half-width is within this fraction of its mean",
       "5%"},
      {"metric", 0, 0, G_OPTION_ARG_STRING, &o->metric,
       "The metric of --precision, e.g. flows.csv:video:throughput_bps", "FILE:ENTITY:COLUMN"},
      {"max-runs", 0, 0, G_OPTION_ARG_INT, &o->max_runs,
       "Most runs per point --precision may take (default 100)", "N"},
      {"plan", 0, 0, G_OPTION_ARG_FILENAME, &o->plan_dir,
       "Write one task per (point, run) into DIR/tasks/ and run nothing", "DIR"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Nothing on stdout", NULL},
      {"log", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->logs, "Diagnostics: MODULE=LEVEL",
       "MODULE=LEVEL"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "Same as --log all=info", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = g_option_context_new("SCENARIO.ini --vary KEY=V1,V2,...");
  g_set_prgname("wisim sweep");
  g_option_context_set_summary(
      ctx, "Runs a scenario at every combination of the --vary values, R replications\n"
           "each, and writes sweep.csv: mean, sd and 95% confidence interval of every\n"
           "metric at every point.");
  g_option_context_set_description(ctx, sweep_description);
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
  g_option_context_free(ctx);
  if (!ok) {
    fprintf(stderr, "wisim sweep: %s (see wisim sweep --help)\n", error->message);
    g_error_free(error);
    return FALSE;
  }
  if (*argc != 2) {
    fprintf(stderr, "wisim sweep: expected one scenario file, found %d (see wisim sweep --help)\n",
            *argc - 1);
    return FALSE;
  }
  if (!o->vary || !o->vary[0]) {
    fprintf(stderr, "wisim sweep: give at least one --vary KEY=V1,V2,... (see wisim sweep --help)\n");
    return FALSE;
  }
  if (o->runs < 0 || o->jobs < 0 || o->max_runs < 0) {
    fprintf(stderr, "wisim sweep: --runs, --jobs and --max-runs take a positive count\n");
    return FALSE;
  }
  if ((o->precision != NULL) != (o->metric != NULL)) {
    fprintf(stderr, "wisim sweep: --precision and --metric go together\n");
    return FALSE;
  }
  if (o->plan_dir && o->precision) {
    fprintf(stderr, "wisim sweep: --precision needs the results as they come: not with --plan\n");
    return FALSE;
  }
  if (o->plan_dir && o->output_dir) {
    fprintf(stderr, "wisim sweep: --plan DIR is the sweep's folder: no -o with it\n");
    return FALSE;
  }
  return ws_cli_setup_logging(o->logs, o->verbose);
}

/* Parses one --vary item; FALSE with a message. */
static gboolean parse_vary(const char *item, varied *v) {
  const char *eq = strchr(item, '=');
  if (!eq || eq == item || !eq[1]) {
    fprintf(stderr, "wisim sweep: --vary: expected KEY=V1,V2,... such as 'link ab.rate=1Mbit/s,"
                    "2Mbit/s', found \"%s\"\n",
            item);
    return FALSE;
  }
  v->key = g_strstrip(g_strndup(item, (gsize)(eq - item)));
  v->values = g_strsplit(eq + 1, strchr(eq + 1, '|') ? "|" : ",", -1);
  v->n = g_strv_length(v->values);
  for (unsigned i = 0; i < v->n; i++) {
    g_strstrip(v->values[i]);
    if (!*v->values[i]) {
      fprintf(stderr, "wisim sweep: --vary %s: value %u is empty\n", v->key, i + 1);
      return FALSE;
    }
  }
  return TRUE;
}

/* ---- sweep.json: what the points are ------------------------------------------ */

typedef struct {
  char *scenario_path;
  char *scenario_text; /* the file as given, before any override */
  GPtrArray *keys;     /* char *, varied keys */
  GPtrArray *points;   /* char ** values per point (one per key) */
  GPtrArray *overrides; /* char ** full override list per point (--set then the point's) */
  uint64_t seed;
  gboolean independent;
  unsigned runs;
} sweep_plan;

static void plan_clear(sweep_plan *p) {
  g_free(p->scenario_path);
  g_free(p->scenario_text);
  if (p->keys) g_ptr_array_free(p->keys, TRUE);
  if (p->points) g_ptr_array_free(p->points, TRUE);
  if (p->overrides) g_ptr_array_free(p->overrides, TRUE);
}

static void plan_init(sweep_plan *p) {
  memset(p, 0, sizeof *p);
  p->keys = g_ptr_array_new_with_free_func(g_free);
  p->points = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  p->overrides = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
}

static uint64_t point_seed(const sweep_plan *p, unsigned point) {
  return p->independent ? p->seed + point : p->seed;
}

static void add_strv(JsonBuilder *b, const char *name, char **v) {
  json_builder_set_member_name(b, name);
  json_builder_begin_array(b);
  for (char **s = v; s && *s; s++) json_builder_add_string_value(b, *s);
  json_builder_end_array(b);
}

static void add_str(JsonBuilder *b, const char *name, const char *v) {
  json_builder_set_member_name(b, name);
  json_builder_add_string_value(b, v);
}

static void add_int(JsonBuilder *b, const char *name, gint64 v) {
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

/* Writes a JSON tree atomically; FALSE with a message. */
static gboolean write_json(const char *path, JsonBuilder *b) {
  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  char *text = json_generator_to_data(gen, NULL);
  GError *error = NULL;
  ws_outfile *out = ws_outfile_open(path, &error);
  gboolean ok = out != NULL;
  if (ok) {
    fputs(text, ws_outfile_fp(out));
    fputc('\n', ws_outfile_fp(out));
    ok = ws_outfile_commit(out, &error);
  }
  if (!ok) {
    fprintf(stderr, "wisim: writing %s failed: %s\n", path, error->message);
    g_error_free(error);
  }
  g_free(text);
  g_object_unref(gen);
  json_node_unref(root);
  return ok;
}

static gboolean plan_write(const sweep_plan *p, const char *dir) {
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  add_str(b, "scenario_path", p->scenario_path);
  add_str(b, "scenario", p->scenario_text);
  json_builder_set_member_name(b, "varied");
  json_builder_begin_array(b);
  for (unsigned k = 0; k < p->keys->len; k++) json_builder_add_string_value(b, p->keys->pdata[k]);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "points");
  json_builder_begin_array(b);
  for (unsigned i = 0; i < p->points->len; i++) {
    json_builder_begin_object(b);
    add_int(b, "point", i);
    add_strv(b, "values", p->points->pdata[i]);
    add_strv(b, "overrides", p->overrides->pdata[i]);
    add_int(b, "seed", (gint64)point_seed(p, i));
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  add_int(b, "seed", (gint64)p->seed);
  json_builder_set_member_name(b, "independent");
  json_builder_add_boolean_value(b, p->independent);
  add_int(b, "runs", p->runs);
  json_builder_end_object(b);
  char *path = g_build_filename(dir, "sweep.json", NULL);
  gboolean ok = write_json(path, b);
  g_free(path);
  g_object_unref(b);
  return ok;
}

static char **strv_of(JsonArray *arr) {
  guint n = arr ? json_array_get_length(arr) : 0;
  char **v = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) v[i] = g_strdup(json_array_get_string_element(arr, i));
  return v;
}

/* Reads DIR/sweep.json; FALSE (with error) when absent or malformed. */
static gboolean plan_read(sweep_plan *p, const char *dir, GError **error) {
  char *path = g_build_filename(dir, "sweep.json", NULL);
  JsonParser *parser = json_parser_new();
  gboolean ok = json_parser_load_from_file(parser, path, error);
  JsonNode *root = ok ? json_parser_get_root(parser) : NULL;
  if (ok && (!root || !JSON_NODE_HOLDS_OBJECT(root))) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a sweep description", path);
    ok = FALSE;
  }
  if (ok) {
    JsonObject *o = json_node_get_object(root);
    JsonArray *keys = json_object_get_array_member(o, "varied");
    JsonArray *points = json_object_get_array_member(o, "points");
    if (!keys || !points) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no varied keys or points", path);
      ok = FALSE;
    } else {
      for (guint i = 0; i < json_array_get_length(keys); i++)
        g_ptr_array_add(p->keys, g_strdup(json_array_get_string_element(keys, i)));
      for (guint i = 0; i < json_array_get_length(points); i++) {
        JsonObject *pt = json_array_get_object_element(points, i);
        g_ptr_array_add(p->points, strv_of(json_object_get_array_member(pt, "values")));
        g_ptr_array_add(p->overrides, strv_of(json_object_get_array_member(pt, "overrides")));
      }
      p->runs = (unsigned)json_object_get_int_member(o, "runs");
    }
  }
  g_object_unref(parser);
  g_free(path);
  return ok;
}

/* ---- merging ---------------------------------------------------------------- */

static char *point_dir(const char *dir, unsigned point) {
  char sub[32];
  g_snprintf(sub, sizeof sub, "%03u", point);
  return g_build_filename(dir, "points", sub, NULL);
}

/* Writes every point's aggregate.csv and DIR/sweep.csv from the run folders
 * below limit (0: all). Returns an exit status; message printed. */
static int merge_sweep(const sweep_plan *p, const char *dir, unsigned limit, gboolean quiet) {
  GString *csv = g_string_new("point,");
  for (unsigned k = 0; k < p->keys->len; k++) {
    ws_agg_csv_field(csv, p->keys->pdata[k]);
    g_string_append_c(csv, ',');
  }
  g_string_append(csv, "file,entity,metric,mean,sd,ci95,n\n");
  int status = WS_EXIT_OK;
  unsigned min_runs = G_MAXUINT, total_incomplete = 0;
  for (unsigned i = 0; i < p->points->len && status == WS_EXIT_OK; i++) {
    char *pdir = point_dir(dir, i);
    ws_agg *agg = ws_agg_new();
    GError *error = NULL;
    unsigned incomplete = 0;
    int added = ws_agg_add_runs_dir(agg, pdir, limit, &incomplete, &error);
    char *p_agg = g_build_filename(pdir, "aggregate.csv", NULL);
    if (added >= 0 && g_mkdir_with_parents(pdir, 0755) != 0) {
      g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                  pdir, g_strerror(errno));
      added = -1;
    }
    if (added < 0 || !ws_agg_write(agg, p_agg, &error)) {
      fprintf(stderr, "wisim: merging %s failed: %s\n", pdir, error->message);
      g_error_free(error);
      status = WS_EXIT_RUNTIME;
    } else {
      if ((unsigned)added < min_runs) min_runs = (unsigned)added;
      total_incomplete += incomplete;
      GString *prefix = g_string_new(NULL);
      g_string_append_printf(prefix, "%u,", i);
      char **values = p->points->pdata[i];
      for (unsigned k = 0; values[k]; k++) {
        ws_agg_csv_field(prefix, values[k]);
        g_string_append_c(prefix, ',');
      }
      ws_agg_append_rows(agg, csv, prefix->str);
      g_string_free(prefix, TRUE);
    }
    g_free(p_agg);
    ws_agg_free(agg);
    g_free(pdir);
  }
  if (status == WS_EXIT_OK) {
    char *path = g_build_filename(dir, "sweep.csv", NULL);
    GError *error = NULL;
    ws_outfile *out = ws_outfile_open(path, &error);
    gboolean ok = out != NULL;
    if (ok) {
      fwrite(csv->str, 1, csv->len, ws_outfile_fp(out));
      ok = ws_outfile_commit(out, &error);
    }
    if (!ok) {
      fprintf(stderr, "wisim: writing %s failed: %s\n", path, error->message);
      g_error_free(error);
      status = WS_EXIT_RUNTIME;
    } else if (!quiet) {
      printf("%u point%s, %u complete run%s per point at least%s: %s\n", p->points->len,
             p->points->len == 1 ? "" : "s", min_runs == G_MAXUINT ? 0 : min_runs,
             min_runs == 1 ? "" : "s",
             total_incomplete ? " (incomplete runs left out)" : "", path);
    }
    /* The sweep's report: each headline metric against the varied value,
     * with its CI. A report that cannot be drawn does not fail the sweep:
     * sweep.csv holds the results. */
    if (ok) {
      char *html = g_build_filename(dir, "report.html", NULL);
      if (!ws_report_write_sweep(path, html, &error) && error) {
        fprintf(stderr, "wisim: warning: %s not written: %s\n", html, error->message);
        g_clear_error(&error);
      }
      g_free(html);
    }
    g_free(path);
  }
  g_string_free(csv, TRUE);
  return status;
}

int ws_cli_merge(int argc, char **argv) {
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    printf("Usage: wisim merge DIR\n\n"
           "Aggregates the run folders of a sweep (DIR/sweep.json, from `wisim sweep`\n"
           "or `wisim sweep --plan`) into DIR/points/NNN/aggregate.csv and\n"
           "DIR/sweep.csv, or those of a replicated run (DIR/runs/NNN) into\n"
           "DIR/aggregate.csv. Only complete runs count (summary.json says\n"
           "\"complete\": true). Reads files only: run it after the tasks of a plan\n"
           "have finished, on any machine that sees DIR (docs/cluster.md).\n\n"
           "Example:\n  wisim sweep lab.ini --vary 'link ab.rate=1Mbit/s,2Mbit/s' --runs 10 --plan st\n"
           "  parallel wisim run --task ::: st/tasks/*\n  wisim merge st\n\n"
           "Exit status: 0 success, 1 a file could not be read or written, 2 usage.\n");
    return WS_EXIT_OK;
  }
  if (argc != 2) {
    fprintf(stderr, "wisim merge: expected one folder (see wisim merge --help)\n");
    return WS_EXIT_INPUT;
  }
  const char *dir = argv[1];
  char *json = g_build_filename(dir, "sweep.json", NULL);
  gboolean is_sweep = g_file_test(json, G_FILE_TEST_EXISTS);
  g_free(json);
  if (is_sweep) {
    sweep_plan p;
    plan_init(&p);
    GError *error = NULL;
    int status;
    if (!plan_read(&p, dir, &error)) {
      fprintf(stderr, "wisim merge: %s\n", error->message);
      g_error_free(error);
      status = WS_EXIT_INPUT;
    } else {
      status = merge_sweep(&p, dir, 0, FALSE);
    }
    plan_clear(&p);
    return status;
  }
  char *runs = g_build_filename(dir, "runs", NULL);
  gboolean has_runs = g_file_test(runs, G_FILE_TEST_IS_DIR);
  g_free(runs);
  if (!has_runs) {
    fprintf(stderr, "wisim merge: %s has neither sweep.json nor runs/: nothing to merge\n", dir);
    return WS_EXIT_INPUT;
  }
  ws_agg *agg = ws_agg_new();
  GError *error = NULL;
  char *path = g_build_filename(dir, "aggregate.csv", NULL);
  int added = ws_agg_add_runs_dir(agg, dir, 0, NULL, &error);
  int status = WS_EXIT_OK;
  if (added < 0 || !ws_agg_write(agg, path, &error)) {
    fprintf(stderr, "wisim merge: %s\n", error->message);
    g_error_free(error);
    status = WS_EXIT_RUNTIME;
  } else {
    printf("%d complete run%s: %s\n", added, added == 1 ? "" : "s", path);
  }
  g_free(path);
  ws_agg_free(agg);
  return status;
}

/* ---- sweep -------------------------------------------------------------------- */

/* Writes DIR/tasks/N for every (point, run): self-contained JSON a
 * `wisim run --task` turns into DIR/points/NNN/runs/MMM. */
static int write_tasks(const sweep_plan *p, const char *dir, gboolean quiet) {
  char *tasks = g_build_filename(dir, "tasks", NULL);
  if (g_mkdir_with_parents(tasks, 0755) != 0) {
    fprintf(stderr, "wisim sweep: cannot create %s: %s\n", tasks, g_strerror(errno));
    g_free(tasks);
    return WS_EXIT_RUNTIME;
  }
  unsigned n = 0;
  gboolean ok = TRUE;
  for (unsigned i = 0; i < p->points->len && ok; i++)
    for (unsigned r = 0; r < p->runs && ok; r++, n++) {
      JsonBuilder *b = json_builder_new();
      json_builder_begin_object(b);
      add_str(b, "scenario_path", p->scenario_path);
      add_str(b, "scenario", p->scenario_text);
      add_strv(b, "overrides", p->overrides->pdata[i]);
      add_int(b, "seed", (gint64)point_seed(p, i));
      add_int(b, "run_index", r);
      add_int(b, "point", i);
      char *out = g_strdup_printf("points/%03u/runs/%03u", i, r);
      add_str(b, "output", out);
      g_free(out);
      json_builder_end_object(b);
      char name[32];
      g_snprintf(name, sizeof name, "%u", n);
      char *path = g_build_filename(tasks, name, NULL);
      ok = write_json(path, b);
      g_free(path);
      g_object_unref(b);
    }
  if (ok && !quiet) {
    printf("%u tasks in %s/ (%u points x %u runs). Run them, then merge:\n", n, tasks,
           p->points->len, p->runs);
    printf("  parallel wisim run --quiet --task ::: %s/*\n", tasks);
    printf("  sbatch --array=0-%u run-task.sh     # Slurm: see docs/cluster.md\n", n ? n - 1 : 0);
    printf("  wisim merge %s\n", dir);
  }
  g_free(tasks);
  return ok ? WS_EXIT_OK : WS_EXIT_RUNTIME;
}

/* Runs every point's runs [from, to) J at a time. */
static int run_points(const sweep_plan *p, ws_scenario **scs, const char *dir, unsigned from,
                      unsigned to, unsigned jobs, gboolean quiet) {
  unsigned n_points = p->points->len, per = to - from;
  ws_cli_job *batch = g_new0(ws_cli_job, (gsize)n_points * per);
  unsigned n = 0;
  for (unsigned i = 0; i < n_points; i++) {
    char *pdir = point_dir(dir, i);
    for (unsigned r = from; r < to; r++, n++) {
      char sub[32];
      g_snprintf(sub, sizeof sub, "%03u", r);
      batch[n] = (ws_cli_job){.sc = scs[i], .seed = point_seed(p, i), .run_index = r,
                              .dir = g_build_filename(pdir, "runs", sub, NULL),
                              .label = g_strdup_printf("point %u run %u", i, r)};
    }
    g_free(pdir);
  }
  int status = ws_cli_run_jobs(batch, n, jobs, quiet, FALSE);
  for (unsigned i = 0; i < n; i++) {
    g_free(batch[i].dir);
    g_free(batch[i].label);
  }
  g_free(batch);
  return status;
}

int ws_cli_sweep(int argc, char **argv) {
  sweep_options o = {0};
  if (!parse_sweep_options(&argc, &argv, &o)) {
    sweep_options_clear(&o);
    return WS_EXIT_INPUT;
  }
  const char *path = argv[1];
  double precision = 0;
  int status = WS_EXIT_INPUT;
  sweep_plan p;
  plan_init(&p);
  unsigned n_keys = g_strv_length(o.vary);
  varied *vs = g_new0(varied, n_keys);
  ws_scenario **scs = NULL;
  unsigned n_points = 1;
  GError *error = NULL;
  gboolean ok = !o.precision || ws_cli_parse_precision(o.precision, &precision);
  for (unsigned k = 0; k < n_keys && ok; k++) {
    ok = parse_vary(o.vary[k], &vs[k]);
    for (unsigned j = 0; j < k && ok; j++)
      if (strcmp(vs[j].key, vs[k].key) == 0) {
        fprintf(stderr, "wisim sweep: --vary %s is given twice\n", vs[k].key);
        ok = FALSE;
      }
    if (ok) {
      n_points *= vs[k].n;
      g_ptr_array_add(p.keys, g_strdup(vs[k].key));
    }
  }
  if (ok && n_points > 100000) {
    fprintf(stderr, "wisim sweep: %u points: more than 100000\n", n_points);
    ok = FALSE;
  }
  if (ok && !g_file_get_contents(path, &p.scenario_text, NULL, &error)) {
    fprintf(stderr, "wisim sweep: %s\n", error->message);
    g_clear_error(&error);
    ok = FALSE;
  }
  /* Every point's scenario, loaded (and so validated) before anything runs. */
  if (ok) {
    p.scenario_path = g_strdup(path);
    scs = g_new0(ws_scenario *, n_points);
    unsigned n_sets = o.sets ? g_strv_length(o.sets) : 0;
    for (unsigned i = 0; i < n_points && ok; i++) {
      char **values = g_new0(char *, n_keys + 1);
      char **overrides = g_new0(char *, n_sets + n_keys + 1);
      for (unsigned s = 0; s < n_sets; s++) overrides[s] = g_strdup(o.sets[s]);
      /* Odometer: the last --vary turns fastest. */
      unsigned rest = i;
      for (unsigned k = n_keys; k-- > 0;) {
        unsigned v = rest % vs[k].n;
        rest /= vs[k].n;
        values[k] = g_strdup(vs[k].values[v]);
        overrides[n_sets + k] = g_strdup_printf("%s=%s", vs[k].key, vs[k].values[v]);
      }
      g_ptr_array_add(p.points, values);
      g_ptr_array_add(p.overrides, overrides);
      scs[i] = ws_scenario_load_data(path, p.scenario_text, strlen(p.scenario_text),
                                     (const char *const *)overrides, &error);
      if (!scs[i]) {
        fprintf(stderr, "%s\nwisim sweep: point %u (%s) is not a valid scenario; nothing was run\n",
                error->message, i, strchr(overrides[n_sets], '=') ? overrides[n_sets] : "");
        g_clear_error(&error);
        ok = FALSE;
      } else if (i == 0) {
        for (const char *const *w = ws_scenario_warnings(scs[i]); w && *w; w++)
          fprintf(stderr, "%s\n", *w);
      }
    }
  }
  char *dir = NULL;
  if (ok) {
    const ws_group *simg = ws_scenario_find(scs[0], "simulation", NULL);
    p.seed = (uint64_t)ws_group_int(simg, "seed");
    if (o.seed_text) {
      if (!ws_cli_parse_seed(o.seed_text, &p.seed)) {
        fprintf(stderr, "wisim sweep: --seed: expected a non-negative integer, found \"%s\"\n",
                o.seed_text);
        ok = FALSE;
      }
    }
    p.independent = o.independent;
    int64_t runs = o.runs > 0 ? o.runs : ws_group_int(simg, "runs");
    p.runs = runs > 0 ? (unsigned)runs : 1;
    dir = o.plan_dir     ? g_strdup(o.plan_dir)
          : o.output_dir ? g_strdup(o.output_dir)
                         : g_strdup_printf("results/%s-sweep", ws_scenario_name(scs[0]));
  }
  if (ok && g_mkdir_with_parents(dir, 0755) != 0) {
    fprintf(stderr, "wisim sweep: cannot create %s: %s\n", dir, g_strerror(errno));
    ok = FALSE;
    status = WS_EXIT_RUNTIME;
  }
  if (ok && o.plan_dir) {
    status = plan_write(&p, dir) ? write_tasks(&p, dir, o.quiet) : WS_EXIT_RUNTIME;
  } else if (ok) {
    unsigned jobs = o.jobs > 0 ? (unsigned)o.jobs : g_get_num_processors();
    unsigned max_runs = o.max_runs > 0 ? (unsigned)o.max_runs : 100;
    unsigned target = p.runs, done = 0;
    if (o.metric) target = MIN(MAX(MAX(p.runs, jobs), WS_CLI_PRECISION_PILOT_RUNS), max_runs);
    double achieved = INFINITY;
    gboolean reached = FALSE;
    ws_cli_catch_signals();
    status = WS_EXIT_OK;
    char **pdirs = g_new0(char *, n_points + 1);
    for (unsigned i = 0; i < n_points; i++) pdirs[i] = point_dir(dir, i);
    while (status == WS_EXIT_OK && !ws_cli_stop_signal()) {
      status = run_points(&p, scs, dir, done, target, jobs, o.quiet);
      done = target;
      if (!o.metric || status != WS_EXIT_OK || ws_cli_stop_signal()) break;
      int verdict =
          ws_cli_precise_enough((const char *const *)pdirs, done, o.metric, precision, &achieved);
      if (verdict < 0) status = WS_EXIT_INPUT;
      if (verdict != 0 || done >= max_runs) {
        reached = verdict == 1;
        break;
      }
      /* Every point gets the same runs: they stay paired by run index. */
      target = MIN(done + MAX(1u, jobs / n_points), max_runs);
    }
    p.runs = done;
    gboolean interrupted = ws_cli_stop_signal() != 0;
    if (plan_write(&p, dir)) {
      int merged = merge_sweep(&p, dir, done, o.quiet);
      if (status == WS_EXIT_OK) status = merged;
    } else if (status == WS_EXIT_OK) {
      status = WS_EXIT_RUNTIME;
    }
    ws_cli_write_study(dir, done, o.metric, precision, achieved, reached, interrupted);
    if (o.metric && !o.quiet)
      printf("--precision %g%% of %s: %s after %u runs per point (worst ci95 = %.3g%% of the "
             "mean)\n",
             precision * 100, o.metric, reached ? "reached" : "NOT reached", done,
             achieved * 100);
    if (interrupted) status = ws_cli_interrupted_status();
    g_strfreev(pdirs);
  }
  for (unsigned i = 0; scs && i < n_points; i++)
    if (scs[i]) ws_scenario_free(scs[i]);
  g_free(scs);
  for (unsigned k = 0; k < n_keys; k++) {
    g_free(vs[k].key);
    g_strfreev(vs[k].values);
  }
  g_free(vs);
  g_free(dir);
  plan_clear(&p);
  sweep_options_clear(&o);
  return status;
}
