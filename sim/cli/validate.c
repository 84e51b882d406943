/* wisim validate: runs the validation experiments of the registry
 * (include/wisim/validate.h, tests/validation/) — all, the quick ones, or
 * those named — J at a time in threads, and prints each result beside its
 * reference and source; exit status 1 when any fails. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-int.h"
#include "wisim/validate.h"

static const char validate_help[] =
    "Usage: wisim validate [NAME...] [OPTIONS]\n"
    "\n"
    "Runs wisim's validation experiments and prints, for each result, the model,\n"
    "the quantity, the reference value (theory, paper, RFC or standard: the\n"
    "source is printed under it), the simulated value as a mean with its 95%\n"
    "confidence interval (Student t over n replications; none when n = 1),\n"
    "the relative error, the acceptance rule and PASS or FAIL. Each experiment\n"
    "builds its own simulations: nothing is read from or written to disk.\n"
    "The same experiments run in `make test` (the quick ones; the others with\n"
    "build/tests/validate-suite -m slow), so the two cannot drift apart.\n"
    "\n"
    "Arguments:\n"
    "  NAME...           run only these experiments (see --list); default: all\n"
    "\n"
    "Options:\n"
    "  -l, --list        list the experiments, [quick] marking those of `make test`\n"
    "  --quick           run only the quick experiments\n"
    "  -j, --jobs J      experiments run J at a time in threads [number of cores]\n"
    "  -v, --verbose     also print each result's note (per-run ranges, counts)\n"
    "  --markdown        print one Markdown table (what docs/validation.md shows)\n"
    "  -h, --help        this text\n"
    "\n"
    "Rules: +-X% means |simulated / reference - 1| <= X; `>= B` and `<= B` bound\n"
    "the simulated value where theory gives a limit rather than a number (the\n"
    "reference is then what the theory predicts); `CI < X%` also asks that the\n"
    "confidence interval be narrower than X of the reference, i.e. that the run\n"
    "is long enough for the comparison to mean something.\n"
    "\n"
    "Examples:\n"
    "  wisim validate                      # everything (well under a minute)\n"
    "  wisim validate tcp-mathis-1pct -v   # one experiment, with its notes\n"
    "  wisim validate --list\n"
    "\n"
    "Exit status: 0 every result passes, 1 a result fails, 2 bad usage or an\n"
    "unknown experiment name.\n";

typedef struct {
  const ws_validation *v;
  GPtrArray *results; /* NULL until done */
  double wall_s;
} job;

typedef struct {
  GMutex lock;
  GCond done;
} job_sync;

typedef struct {
  job *jobs;
  job_sync *sync;
} pool_ctx;

static void run_job(gpointer data, gpointer user_data) {
  job *j = data;
  pool_ctx *ctx = user_data;
  gint64 t0 = g_get_monotonic_time();
  GPtrArray *results = ws_validation_run(j->v);
  g_mutex_lock(&ctx->sync->lock);
  j->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
  j->results = results;
  g_cond_broadcast(&ctx->sync->done);
  g_mutex_unlock(&ctx->sync->lock);
}

static void print_list(FILE *f) {
  unsigned n;
  const ws_validation *list = ws_validation_list(&n);
  int width = 0; /* the longest name sets the column */
  for (unsigned i = 0; i < n; i++) width = MAX(width, (int)strlen(list[i].name));
  for (unsigned i = 0; i < n; i++)
    fprintf(f, "  %-*s %-8s %s\n", width, list[i].name, list[i].quick ? "[quick]" : "",
            list[i].title);
}

/* "3.026 +- 0.05" or "3.026" when there is no interval. */
static char *value_text(const ws_validation_result *r) {
  if (r->n >= 2 && !isnan(r->ci95)) return g_strdup_printf("%.4g +- %.2g", r->simulated, r->ci95);
  return g_strdup_printf("%.4g", r->simulated);
}

static char *error_text(const ws_validation_result *r) {
  if (isnan(r->rel_error)) return g_strdup("-");
  return g_strdup_printf("%+.2f%%", r->rel_error * 100);
}

static char *quantity_text(const ws_validation_result *r) {
  if (*r->unit) return g_strdup_printf("%s (%s)", r->quantity, r->unit);
  return g_strdup(r->quantity);
}

/* One result per line under its model; the header names the columns. */
#define ROW_FORMAT "       %-36s %10s  %-20s %4u %9s  %-17s %s\n"
#define HEADER_FORMAT "       %-36s %10s  %-20s %4s %9s  %-17s %s\n"

static void print_header(void) {
  printf("status experiment: what it checks (wall time)\n     model\n");
  printf(HEADER_FORMAT, "quantity (unit)", "reference", "simulated +- 95% CI", "n", "error", "rule",
         "result");
  printf("         reference: its source\n\n");
}

static void print_block(const job *j, bool verbose) {
  unsigned failed = 0;
  for (unsigned i = 0; i < j->results->len; i++)
    failed += !((ws_validation_result *)j->results->pdata[i])->pass;
  printf("%s %s: %s (%.2f s)\n", failed ? "FAIL" : "ok  ", j->v->name, j->v->title, j->wall_s);
  const char *last_model = NULL;
  for (unsigned i = 0; i < j->results->len; i++) {
    const ws_validation_result *r = j->results->pdata[i];
    if (!last_model || strcmp(last_model, r->model) != 0) {
      printf("     %s\n", r->model);
      last_model = r->model;
    }
    char *q = quantity_text(r), *val = value_text(r), *err = error_text(r);
    char *rule = ws_validation_rule_text(r);
    char ref[32];
    if (isnan(r->reference)) g_strlcpy(ref, "-", sizeof ref);
    else g_snprintf(ref, sizeof ref, "%.4g", r->reference);
    printf(ROW_FORMAT, q, ref, val, r->n, err, rule,
           r->pass ? "PASS" : "FAIL");
    printf("         reference: %s\n", r->source);
    if (r->note && (verbose || !r->pass)) printf("         note: %s\n", r->note);
    g_free(q);
    g_free(val);
    g_free(err);
    g_free(rule);
  }
  fflush(stdout);
}

/* Markdown cells must not contain a bare '|'. */
static char *md(const char *s) {
  char **parts = g_strsplit(s ? s : "", "|", -1);
  char *joined = g_strjoinv("\\|", parts);
  g_strfreev(parts);
  return joined;
}

static void print_markdown_header(void) {
  printf("| experiment | model | quantity | reference | source | simulated (95%% CI) | n | error "
         "| rule | result |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|\n");
}

static void print_markdown(const job *j) {
  for (unsigned i = 0; i < j->results->len; i++) {
    const ws_validation_result *r = j->results->pdata[i];
    char *q = quantity_text(r), *val = value_text(r), *err = error_text(r);
    char *rule = ws_validation_rule_text(r);
    char *cells[] = {md(r->model), md(q), md(r->source), md(val), md(err), md(rule)};
    char *ref = isnan(r->reference) ? g_strdup("-") : g_strdup_printf("%.4g", r->reference);
    printf("| %s | %s | %s | %s | %s | %s | %u | %s | %s | %s |\n", j->v->name, cells[0],
           cells[1], ref, cells[2], cells[3], r->n, cells[4], cells[5],
           r->pass ? "PASS" : "**FAIL**");
    for (size_t k = 0; k < G_N_ELEMENTS(cells); k++) g_free(cells[k]);
    g_free(ref);
    g_free(q);
    g_free(val);
    g_free(err);
    g_free(rule);
  }
  fflush(stdout);
}

/* `wisim validate [NAME...]`: argv[0] is "validate". Returns 0 when every
 * result passes, 1 when one fails, 2 on bad usage or an unknown name. */
int ws_cli_validate(int argc, char **argv) {
  gboolean list = FALSE, quick = FALSE, verbose = FALSE, markdown = FALSE, help = FALSE;
  gint jobs = 0;
  GOptionEntry entries[] = {
      {"list", 'l', 0, G_OPTION_ARG_NONE, &list, NULL, NULL},
      {"quick", 0, 0, G_OPTION_ARG_NONE, &quick, NULL, NULL},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, NULL, NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, NULL, NULL},
      {"markdown", 0, 0, G_OPTION_ARG_NONE, &markdown, NULL, NULL},
      {"help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  /* Our own --help text: GOption's would list the options without the
   * explanation of the rules. */
  GOptionContext *octx = g_option_context_new(NULL);
  g_option_context_set_help_enabled(octx, FALSE);
  g_option_context_add_main_entries(octx, entries, NULL);
  GError *error = NULL;
  gboolean parsed = g_option_context_parse(octx, &argc, &argv, &error);
  g_option_context_free(octx);
  if (!parsed) {
    fprintf(stderr, "wisim validate: %s (see wisim validate --help)\n", error->message);
    g_error_free(error);
    return WS_EXIT_INPUT;
  }
  if (help) {
    fputs(validate_help, stdout);
    return WS_EXIT_OK;
  }
  if (list) {
    print_list(stdout);
    return WS_EXIT_OK;
  }
  if (jobs < 0) {
    fprintf(stderr, "wisim validate: --jobs: expected a positive number, found %d\n", jobs);
    return WS_EXIT_INPUT;
  }
  if (!ws_cli_setup_logging(NULL, FALSE)) return WS_EXIT_INPUT;

  /* The experiments to run, in registry order or as named. */
  unsigned n_all;
  const ws_validation *all = ws_validation_list(&n_all);
  GPtrArray *chosen = g_ptr_array_new();
  if (argc > 1) {
    int unknown = 0;
    for (int i = 1; i < argc; i++) {
      const ws_validation *v = ws_validation_find(argv[i]);
      if (v) {
        g_ptr_array_add(chosen, (gpointer)v);
        continue;
      }
      const char *near = ws_validation_suggest(argv[i]);
      if (near)
        fprintf(stderr, "wisim validate: no experiment named \"%s\"; did you mean \"%s\"?\n",
                argv[i], near);
      else
        fprintf(stderr, "wisim validate: no experiment named \"%s\"\n", argv[i]);
      unknown++;
    }
    if (unknown) {
      fprintf(stderr, "The experiments:\n");
      print_list(stderr);
      g_ptr_array_free(chosen, TRUE);
      return WS_EXIT_INPUT;
    }
  } else {
    for (unsigned i = 0; i < n_all; i++)
      if (!quick || all[i].quick) g_ptr_array_add(chosen, (gpointer)&all[i]);
  }

  unsigned n = chosen->len;
  job *js = g_new0(job, n);
  for (unsigned i = 0; i < n; i++) js[i].v = chosen->pdata[i];
  g_ptr_array_free(chosen, TRUE);
  if (jobs == 0) jobs = (gint)g_get_num_processors();
  jobs = MAX(1, MIN(jobs, (gint)n));

  job_sync sync;
  g_mutex_init(&sync.lock);
  g_cond_init(&sync.done);
  pool_ctx ctx = {js, &sync};
  gint64 t0 = g_get_monotonic_time();
  /* Every experiment owns its simulations (no global state), so they run
   * side by side; results are printed in order as they complete. */
  GThreadPool *pool = g_thread_pool_new(run_job, &ctx, jobs, TRUE, NULL);
  for (unsigned i = 0; i < n; i++) g_thread_pool_push(pool, &js[i], NULL);

  if (markdown) print_markdown_header();
  else print_header();
  unsigned results = 0, failures = 0, failed_experiments = 0;
  for (unsigned i = 0; i < n; i++) {
    g_mutex_lock(&sync.lock);
    while (!js[i].results) g_cond_wait(&sync.done, &sync.lock);
    g_mutex_unlock(&sync.lock);
    if (markdown) print_markdown(&js[i]);
    else print_block(&js[i], verbose);
    unsigned f = 0;
    for (unsigned k = 0; k < js[i].results->len; k++)
      f += !((ws_validation_result *)js[i].results->pdata[k])->pass;
    results += js[i].results->len;
    failures += f;
    failed_experiments += f > 0;
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  double wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
  FILE *summary = markdown ? stderr : stdout;
  fprintf(summary, "\n%u experiment%s, %u result%s: %u passed, %u failed (%.1f s wall, %d thread%s)\n",
          n, n == 1 ? "" : "s", results, results == 1 ? "" : "s", results - failures, failures,
          wall_s, jobs, jobs == 1 ? "" : "s");
  if (failed_experiments) {
    fprintf(summary, "failed:");
    for (unsigned i = 0; i < n; i++) {
      bool bad = false;
      for (unsigned k = 0; k < js[i].results->len; k++)
        bad |= !((ws_validation_result *)js[i].results->pdata[k])->pass;
      if (bad) fprintf(summary, " %s", js[i].v->name);
    }
    fprintf(summary, "\n");
  }
  for (unsigned i = 0; i < n; i++) g_ptr_array_unref(js[i].results);
  g_free(js);
  g_mutex_clear(&sync.lock);
  g_cond_clear(&sync.done);
  return failures ? WS_EXIT_RUNTIME : WS_EXIT_OK;
}
