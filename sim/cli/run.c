/* wisim run / wisim check: load and validate a scenario, build its world,
 * run it (replications J at a time in threads, sequential stopping on a
 * metric's precision, replay of a folder, one task of a sweep plan), and
 * write the result files atomically; SIGINT/SIGTERM stop at an event
 * boundary and keep what completed. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli-int.h"
#include "wisim/aggregate.h"
#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/report.h"
#include "wisim/scenario.h"
#include "wisim/trace.h"
#include "wisim/world.h"

#ifndef WS_VERSION
#define WS_VERSION "0.0.0"
#endif
#ifndef WS_BUILD_FLAGS
#define WS_BUILD_FLAGS ""
#endif

typedef struct {
  char *output_dir;
  gint64 seed;
  gboolean have_seed;
  gboolean quiet;
  gboolean verbose;
  char **sets;
  char **logs;
  gint runs;       /* --runs, 0 when not given */
  gint jobs;       /* --jobs, 0 when not given */
  char *precision; /* --precision text */
  char *metric;    /* --metric FILE:ENTITY:COLUMN */
  gint max_runs;   /* --max-runs, 0 when not given */
  char *replay;    /* --replay DIR */
  char *task;      /* --task FILE */
} run_options;

static void run_options_clear(run_options *o) {
  g_free(o->output_dir);
  g_strfreev(o->sets);
  g_strfreev(o->logs);
  g_free(o->precision);
  g_free(o->metric);
  g_free(o->replay);
  g_free(o->task);
}

gboolean ws_cli_parse_seed(const char *text, uint64_t *out) {
  char *end = NULL;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (!*text || *end || text[0] == '-') return FALSE;
  *out = v;
  return TRUE;
}

static gboolean seed_cb(const char *name, const char *value, gpointer data, GError **error) {
  run_options *o = data;
  uint64_t v;
  if (!ws_cli_parse_seed(value, &v)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s: expected a non-negative integer such as 7, found \"%s\"", name, value);
    return FALSE;
  }
  o->seed = (gint64)v;
  o->have_seed = TRUE;
  return TRUE;
}

static const char run_description[] =
    "Examples:\n"
    "  wisim run scenarios/default.ini\n"
    "  wisim run scenarios/queue-mm1.ini -o /tmp/mm1 --seed 3\n"
    "  wisim run lab.ini --set 'simulation.duration=60s' --set 'link ab.delay=20ms'\n"
    "  wisim run scenarios/default.ini --runs 20 --jobs 2     # 20 replications\n"
    "  wisim run scenarios/default.ini --precision 5% --metric flows.csv:video:delay_mean_s\n"
    "  wisim run --replay results/default/runs/007            # reproduce a run\n"
    "  wisim run --task study/tasks/12                        # one task of a sweep --plan\n"
    "\n"
    "Replications. --runs R (default: [simulation] runs) runs R independent\n"
    "replications: run index 0..R-1 enters every random stream's key, so run r\n"
    "is the same whatever else runs. They run --jobs J at a time in threads\n"
    "(default: the number of cores); the results do not depend on J. Each run\n"
    "has its folder DIR/runs/NNN/, and DIR/aggregate.csv holds, for every\n"
    "numeric column of every per-entity CSV file (flows.csv, links.csv, ...),\n"
    "one row per (file, entity, metric): mean, sd, ci95 (half-width of the 95%\n"
    "confidence interval of the mean, Student t with n-1 degrees of freedom)\n"
    "and n (the runs where the value is defined: empty fields do not count).\n"
    "\n"
    "Sequential stopping. --precision 5% --metric FILE:ENTITY:COLUMN adds\n"
    "replications (first max(R, J, 5), then J at a time) until the ci95 of that\n"
    "metric is within 5% of its mean, or --max-runs N (default 100) runs; it\n"
    "says how many it took and records it in DIR/study.json. The entity of\n"
    "links.csv is \"LINK FROM->TO\", for example\n"
    "  --metric 'links.csv:bottleneck edge->core:mean_queue_packets'\n"
    "The run count may depend on J (batches); the runs themselves do not.\n"
    "\n"
    "Provenance. Every run folder has scenario.ini (the scenario as run) and\n"
    "summary.json (wisim version, build flags, SHA-256 of the scenario as run,\n"
    "overrides, seed, run index, events, events/s, \"complete\"). --replay DIR\n"
    "runs that folder's scenario again with its seed and run index into -o OUT\n"
    "(default DIR/replay): every result file is byte-identical (summary.json\n"
    "up to its wall-clock fields).\n"
    "\n"
    "Interrupting. Ctrl-C (SIGINT) or SIGTERM stops the run in progress at an\n"
    "event boundary and writes its files with \"complete\": false in\n"
    "summary.json; replications not yet started are not started; aggregate.csv\n"
    "covers the complete runs. Exit status 130 (SIGINT) or 143 (SIGTERM). A\n"
    "second Ctrl-C kills wisim at once (files already written stay whole).\n"
    "\n"
    "The same scenario, seed and run index always give byte-identical result\n"
    "files. A run longer than a second shows a progress line on a terminal.\n"
    "Columns are documented in docs/outputs.md; clusters in docs/cluster.md.\n"
    "Exit status: 0 success, 1 the run failed, 2 bad input (nothing was run),\n"
    "130/143 interrupted.";

/* Parses the options shared by run and check; with_output adds -o, --seed,
 * --quiet and the replication options. Returns the scenario path (NULL for
 * --replay and --task, which name none) with *ok TRUE, or sets *ok FALSE
 * (message printed). */
static const char *parse_options(int *argc, char ***argv, run_options *o, gboolean with_output,
                                 gboolean *ok_out) {
  *ok_out = FALSE;
  GOptionEntry common[] = {
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->sets,
       "Override a key of a group: --set 'link ab.rate=2Mbit/s' (repeatable)", "GROUP.KEY=VALUE"},
      {"log", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->logs,
       "Diagnostics on stderr: MODULE=LEVEL, e.g. net=debug or all=info (repeatable)",
       "MODULE=LEVEL"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "Same as --log all=info", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry run_only[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output_dir,
       "Write results into DIR (default: results/NAME, or [simulation] output)", "DIR"},
      {"seed", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)seed_cb,
       "Seed of every random stream (default: [simulation] seed, else 1)", "N"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line and no summary", NULL},
      {"runs", 0, 0, G_OPTION_ARG_INT, &o->runs,
       "Number of replications (default: [simulation] runs)", "R"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
       "Replications run at the same time (default: number of cores)", "J"},
      {"precision", 0, 0, G_OPTION_ARG_STRING, &o->precision,
       "Add runs until the metric's 95% CI half-width is within this fraction of its mean",
       "5%"},
      {"metric", 0, 0, G_OPTION_ARG_STRING, &o->metric,
       "The metric of --precision, e.g. flows.csv:video:throughput_bps", "FILE:ENTITY:COLUMN"},
      {"max-runs", 0, 0, G_OPTION_ARG_INT, &o->max_runs,
       "Most runs --precision may take (default 100)", "N"},
      {"replay", 0, 0, G_OPTION_ARG_FILENAME, &o->replay,
       "Re-run the run folder DIR (its scenario.ini, seed and run index) into -o (default DIR/replay)",
       "DIR"},
      {"task", 0, 0, G_OPTION_ARG_FILENAME, &o->task,
       "Run one task FILE of a `wisim sweep --plan` (docs/cluster.md)", "FILE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  const char *cmd = (*argv)[0];
  GOptionContext *ctx = g_option_context_new(with_output ? "SCENARIO.ini | --replay DIR | --task FILE"
                                                         : "SCENARIO.ini");
  char *prog = g_strdup_printf("wisim %s", cmd);
  g_set_prgname(prog);
  g_free(prog);
  if (with_output) {
    g_option_context_set_summary(
        ctx, "Runs the scenario and writes its results: report.html (map, charts,\n"
             "tables: docs/report.md), flows.csv, links.csv, timeseries.csv,\n"
             "with cells also cells.csv, ues.csv, handovers.csv and coverage.csv,\n"
             "summary.json and scenario.ini (the scenario as run),\n"
             "and the traces its [trace] group asks for (pcap/*.pcap, trace.txt);\n"
             "with replications, one folder per run and aggregate.csv.");
    g_option_context_set_description(ctx, run_description);
  } else {
    g_option_context_set_summary(
        ctx, "Validates a scenario without running it: syntax, groups, keys, units,\n"
             "references; every problem is reported with its file:line.");
    g_option_context_set_description(ctx, "Example:\n  wisim check lab.ini --set 'link ab.rate=2Mbit/s'\n\n"
                                          "Exit status: 0 valid, 2 problems found.");
  }
  GOptionGroup *group = g_option_group_new("run", "", "", o, NULL);
  g_option_group_add_entries(group, common);
  if (with_output) g_option_group_add_entries(group, run_only);
  g_option_context_set_main_group(ctx, group);

  GError *error = NULL;
  gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
  if (!ok) {
    fprintf(stderr, "wisim %s: %s (see wisim %s --help)\n", cmd, error->message, cmd);
    g_error_free(error);
    g_option_context_free(ctx);
    return NULL;
  }
  g_option_context_free(ctx);
  gboolean no_scenario = o->replay || o->task;
  if (o->replay && o->task) {
    fprintf(stderr, "wisim %s: --replay and --task exclude each other\n", cmd);
    return NULL;
  }
  if (no_scenario ? *argc != 1 : *argc != 2) {
    if (no_scenario)
      fprintf(stderr, "wisim %s: --%s names what to run: no scenario file expected\n", cmd,
              o->replay ? "replay" : "task");
    else
      fprintf(stderr, "wisim %s: expected one scenario file, found %d (see wisim %s --help)\n",
              cmd, *argc - 1, cmd);
    return NULL;
  }
  if (o->runs < 0 || o->jobs < 0 || o->max_runs < 0) {
    fprintf(stderr, "wisim %s: --runs, --jobs and --max-runs take a positive count\n", cmd);
    return NULL;
  }
  if ((o->precision != NULL) != (o->metric != NULL)) {
    fprintf(stderr, "wisim %s: --precision and --metric go together (see wisim %s --help)\n", cmd,
            cmd);
    return NULL;
  }
  if (!ws_cli_setup_logging(o->logs, o->verbose)) return NULL;
  *ok_out = TRUE;
  return no_scenario ? NULL : (*argv)[1];
}

static unsigned count_lines(const char *text) {
  unsigned n = 0;
  for (const char *p = text; *p; p++)
    if (*p == '\n') n++;
  return n + (*text && text[strlen(text) - 1] != '\n');
}

/* Prints a scenario error (every problem, one per line) and the verdict. */
static void print_input_error(const char *path, const GError *error) {
  fprintf(stderr, "%s\n", error->message);
  if (error->domain == WS_SCENARIO_ERROR && error->code == WS_SCENARIO_ERROR_INVALID) {
    unsigned n = count_lines(error->message);
    fprintf(stderr, "wisim: %u problem%s in %s; nothing was run\n", n, n == 1 ? "" : "s", path);
  }
}

static void print_warnings(const char *const *warnings) {
  for (const char *const *w = warnings; w && *w; w++) fprintf(stderr, "%s\n", *w);
}

static ws_scenario *load(const char *path, const run_options *o) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load(path, (const char *const *)o->sets, &error);
  if (!sc) {
    print_input_error(path, error);
    g_error_free(error);
    return NULL;
  }
  print_warnings(ws_scenario_warnings(sc));
  return sc;
}

int ws_cli_check(int argc, char **argv) {
  run_options o = {0};
  gboolean parsed;
  const char *path = parse_options(&argc, &argv, &o, FALSE, &parsed);
  if (!parsed) {
    run_options_clear(&o);
    return WS_EXIT_INPUT;
  }
  ws_scenario *sc = load(path, &o);
  int status = WS_EXIT_INPUT;
  if (sc) {
    /* Building the world finds what only the whole network shows (routes). */
    ws_sim *sim = ws_sim_new();
    GError *error = NULL;
    const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
    ws_world *world = ws_world_new(sim, sc, (uint64_t)ws_group_int(simg, "seed"), 0, &error);
    if (world) {
      print_warnings(ws_world_warnings(world));
      unsigned n_flows, n_links;
      ws_world_flows(world, &n_flows);
      ws_world_links(world, &n_links);
      printf("%s: valid (%u group%s; %u flow%s, %u link direction%s)\n", path,
             ws_scenario_n_groups(sc), ws_scenario_n_groups(sc) == 1 ? "" : "s", n_flows,
             n_flows == 1 ? "" : "s", n_links, n_links == 1 ? "" : "s");
      ws_world_free(world);
      status = WS_EXIT_OK;
    } else {
      print_input_error(path, error);
      g_error_free(error);
    }
    ws_sim_free(sim);
    ws_scenario_free(sc);
  }
  run_options_clear(&o);
  return status;
}

/* ---- running ------------------------------------------------------------ */

typedef struct {
  gboolean enabled; /* on a terminal and not --quiet */
  gboolean shown;   /* a line is on screen */
  gint64 wall_start_us;
  gint64 last_us;
} progress;


/* A count per second with k or M (a cell run's one event per slot makes
 * thousands per second, a packet run millions). */
static const char *format_count_rate(char *buf, size_t len, double per_s) {
  if (per_s >= 1e6) g_snprintf(buf, len, "%.2f M", per_s / 1e6);
  else if (per_s >= 1e3) g_snprintf(buf, len, "%.1f k", per_s / 1e3);
  else g_snprintf(buf, len, "%.0f", per_s);
  return buf;
}

static void progress_update(progress *p, ws_sim *sim, ws_time end) {
  if (!p->enabled) return;
  gint64 now_us = g_get_monotonic_time();
  /* Only runs longer than a second get a line; refresh 4 times a second. */
  if (now_us - p->wall_start_us < G_USEC_PER_SEC || now_us - p->last_us < G_USEC_PER_SEC / 4)
    return;
  p->last_us = now_us;
  double wall_s = (double)(now_us - p->wall_start_us) / 1e6;
  double sim_s = ws_time_to_s(ws_sim_now(sim));
  double end_s = ws_time_to_s(end);
  double frac = end_s > 0 ? sim_s / end_s : 1;
  double eta_s = frac > 0 ? wall_s * (1 - frac) / frac : 0;
  char eps[32];
  fprintf(stderr, "\r\033[K  simulated %.3f s of %.3f s (%.0f%%)  %s events/s  ETA %.0f s",
          sim_s, end_s, 100 * frac,
          format_count_rate(eps, sizeof eps, (double)ws_sim_events_executed(sim) / wall_s), eta_s);
  p->shown = TRUE;
}

static void progress_done(progress *p) {
  if (p->shown) fputs("\r\033[K", stderr);
}

static gboolean write_text_file(const char *path, const char *text, GError **error) {
  ws_outfile *out = ws_outfile_open(path, error);
  if (!out) return FALSE;
  fputs(text, ws_outfile_fp(out));
  return ws_outfile_commit(out, error);
}

static void fill_headline(ws_run_info *info, ws_flow_stats *const *flows, unsigned n) {
  double thr = 0, delay_sum = 0;
  uint64_t delay_n = 0, sent = 0, lost = 0;
  for (unsigned i = 0; i < n; i++) {
    const ws_flow_stats *f = flows[i];
    thr += ws_flow_stats_throughput_bps(f);
    delay_sum += f->delay.mean * (double)f->delay.n;
    delay_n += f->delay.n;
    sent += f->sent_packets;
    lost += ws_flow_stats_lost(f);
  }
  info->n_flows = n;
  info->total_throughput_bps = thr;
  info->mean_delay_s = delay_n ? delay_sum / (double)delay_n : NAN;
  info->loss_ratio = sent ? (double)lost / (double)sent : NAN;
}

static void format_rate(double bps, char *buf, size_t len) {
  if (bps >= 1e9) g_snprintf(buf, len, "%.3f Gbit/s", bps / 1e9);
  else if (bps >= 1e6) g_snprintf(buf, len, "%.3f Mbit/s", bps / 1e6);
  else if (bps >= 1e3) g_snprintf(buf, len, "%.3f kbit/s", bps / 1e3);
  else g_snprintf(buf, len, "%.0f bit/s", bps);
}

/* The 3GPP headline of a run with cells (ws_radio_headline), two lines:
 * nothing without cells; a direction without traffic is left out. */
static void print_radio_headline(const ws_radio_headline *h) {
  if (h->n_cells == 0) return;
  GString *se = g_string_new(NULL), *p5 = g_string_new(NULL);
  const char *dir_name[2] = {"DL", "UL"};
  const double se_v[2] = {h->cell_se_dl, h->cell_se_ul};
  const double p5_v[2] = {h->ue_p5_dl_bps, h->ue_p5_ul_bps};
  for (int d = 0; d < 2; d++) {
    if (isfinite(se_v[d]))
      g_string_append_printf(se, "%s %s %.2f", se->len ? "," : "", dir_name[d], se_v[d]);
    if (isfinite(p5_v[d])) {
      char rate[32];
      format_rate(p5_v[d], rate, sizeof rate);
      g_string_append_printf(p5, "%s %s %s", p5->len ? "," : "", dir_name[d], rate);
    }
  }
  printf("  cells: %u, UEs: %u (%u out of coverage)\n", h->n_cells, h->n_ues,
         h->n_ues_out_of_coverage);
  if (se->len || p5->len)
    printf("  cell spectral efficiency%s bit/s/Hz/cell; 5th-percentile UE throughput%s\n",
           se->len ? se->str : " -", p5->len ? p5->str : " -");
  else
    printf("  no UE had traffic: no spectral efficiency or UE throughput to report\n");
  g_string_free(se, TRUE);
  g_string_free(p5, TRUE);
}

static void print_summary(const char *dir, const ws_run_info *info, ws_flow_stats *const *flows,
                          unsigned n) {
  char eps[32];
  printf("%s: %.3f s simulated in %.2f s wall, %" G_GUINT64_FORMAT " events (%s events/s)\n",
         info->scenario_name, ws_time_to_s(info->simulated_ns), info->wall_s, info->events,
         format_count_rate(eps, sizeof eps, info->wall_s > 0 ? (double)info->events / info->wall_s : 0));
  if (n) {
    printf("  %-20s %10s %10s %8s %16s %12s\n", "flow", "sent", "received", "lost", "throughput",
           "delay mean");
    unsigned shown = n < 20 ? n : 20;
    for (unsigned i = 0; i < shown; i++) {
      const ws_flow_stats *f = flows[i];
      char rate[32];
      format_rate(ws_flow_stats_throughput_bps(f), rate, sizeof rate);
      char delay[32] = "-";
      if (f->delay.n) g_snprintf(delay, sizeof delay, "%.3f ms", f->delay.mean * 1e3);
      printf("  %-20s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
             " %16s %12s\n",
             f->name, f->sent_packets, f->received_packets, ws_flow_stats_lost(f), rate, delay);
    }
    if (shown < n) printf("  ... and %u more flows in flows.csv\n", n - shown);
  }
  print_radio_headline(&info->radio);
  printf("results: %s/\n", dir);
}

/* Opens the traces the [trace] group asks for in dir (none when there is
 * no group: the trace still removes stale files of an earlier run at
 * commit). Traces are observers attached at the network's tap points from
 * here, the edge: no model knows about them. NULL with error on failure. */
static ws_trace *open_traces(const ws_scenario *sc, ws_world *world, const char *dir,
                             GError **error) {
  const ws_group *tg = ws_scenario_find(sc, "trace", NULL);
  const char *word = tg ? ws_group_word(tg, "pcap") : "none";
  char **names = word ? NULL : ws_group_list(tg, "pcap");
  unsigned n_flows;
  ws_flow_stats *const *flows = ws_world_flows(world, &n_flows);
  const char **flow_names = g_new0(const char *, n_flows + 1);
  for (unsigned i = 0; i < n_flows; i++) flow_names[i] = flows[i]->name;
  ws_trace_config cfg = {
      .pcap_all = word && strcmp(word, "all") == 0,
      .pcap = (const char *const *)names,
      .ascii = tg && ws_group_bool(tg, "ascii"),
      .flow_names = flow_names,
      .n_flows = n_flows,
  };
  ws_net *net = ws_world_net(world);
  if (cfg.pcap_all || names) {
    /* One descriptor per pcap file: lift the soft limit to the hard one so
     * that "pcap = all" on a large network does not run out. */
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
      lim.rlim_cur = lim.rlim_max;
      setrlimit(RLIMIT_NOFILE, &lim);
    }
  }
  ws_trace *trace = ws_trace_new(net, dir, &cfg, error);
  /* Without a file to write, no tap: the packet path stays free. */
  if (trace && (ws_trace_n_pcap(trace) > 0 || cfg.ascii)) ws_net_add_tap(net, ws_trace_tap, trace);
  g_strfreev(names);
  g_free(flow_names); /* copied by the trace; the names stay the world's */
  return trace;
}

/* ---- interruption ------------------------------------------------------------
 * The signal handler may only touch a lock-free atomic: it stores the signal
 * number, and the run loops read it between slices. This is the command's
 * state (the edge of the program), never the library's. */

static atomic_int stop_signal;

static void on_stop_signal(int sig) { atomic_store(&stop_signal, sig); }

void ws_cli_catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  /* A second Ctrl-C gets the default action: kill at once. */
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int ws_cli_stop_signal(void) { return atomic_load(&stop_signal); }

int ws_cli_interrupted_status(void) {
  int sig = ws_cli_stop_signal();
  return 128 + (sig ? sig : SIGINT);
}

/* One replication into job->dir; stops early when stop points to a non-zero
 * signal number. Returns an exit status. */
static int run_one(ws_cli_job *job, const atomic_int *stop, gboolean show_progress,
                   gboolean full_summary, gboolean quiet) {
  const ws_scenario *sc = job->sc;
  const uint64_t seed = job->seed, run_index = job->run_index;
  const char *dir = job->dir;
  ws_sim *sim = ws_sim_new();
  GError *error = NULL;
  ws_world *world = ws_world_new(sim, sc, seed, run_index, &error);
  if (!world) {
    print_input_error(ws_scenario_path(sc), error);
    g_error_free(error);
    ws_sim_free(sim);
    return WS_EXIT_INPUT;
  }
  /* Warnings that only the built network shows, once per invocation. */
  if (run_index == 0) print_warnings(ws_world_warnings(world));
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    fprintf(stderr, "wisim run: cannot create the results folder %s: %s\n", dir,
            g_strerror(errno));
    ws_world_free(world);
    ws_sim_free(sim);
    return WS_EXIT_RUNTIME;
  }
  ws_trace *trace = open_traces(sc, world, dir, &error);
  if (!trace) {
    fprintf(stderr, "wisim run: cannot open the traces in %s: %s\n", dir, error->message);
    g_error_free(error);
    ws_world_free(world); /* no tap was added */
    ws_sim_free(sim);
    return WS_EXIT_RUNTIME;
  }
  ws_world_set_handover_tap(world, ws_trace_handover, trace);

  progress prog = {.enabled = show_progress && !quiet && isatty(STDERR_FILENO)};
  prog.wall_start_us = g_get_monotonic_time();
  ws_time end = ws_world_duration(world);
  /* Slices of simulated time let the progress line refresh, and a stop
   * request be seen, without the core knowing about either;
   * ws_sim_run_until leaves the clock at the slice end, an event boundary. */
  ws_time slice = end / 1000 > 0 ? end / 1000 : 1;
  gboolean stopped = FALSE;
  while (ws_sim_now(sim) < end) {
    if (atomic_load(stop)) {
      stopped = TRUE;
      break;
    }
    ws_time next = ws_sim_now(sim) + slice;
    ws_sim_run_until(sim, next < end ? next : end);
    progress_update(&prog, sim, end);
  }
  progress_done(&prog);
  job->interrupted = stopped;
  double wall_s = (double)(g_get_monotonic_time() - prog.wall_start_us) / 1e6;
  ws_world_finish(world, ws_sim_now(sim));

  unsigned n_flows, n_links;
  ws_flow_stats *const *flows = ws_world_flows(world, &n_flows);
  ws_link_stats *const *links = ws_world_links(world, &n_links);
  const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
  ws_time warmup = ws_world_warmup(world);
  /* A run stopped during warmup measured nothing: an empty window. */
  ws_time window = ws_sim_now(sim) > warmup ? ws_sim_now(sim) - warmup : 0;
  ws_run_info info = {
      .wisim_version = WS_VERSION,
      .build_flags = WS_BUILD_FLAGS,
      .scenario_name = ws_scenario_name(sc),
      .scenario_path = ws_scenario_path(sc),
      .scenario_sha256 = ws_scenario_sha256(sc),
      .overrides = ws_scenario_overrides(sc),
      .seed = seed,
      .run_index = run_index,
      .simulated_ns = ws_sim_now(sim),
      .warmup_ns = warmup,
      .wall_s = wall_s,
      .events = ws_sim_events_executed(sim),
      .complete = !stopped,
  };
  fill_headline(&info, flows, n_flows);
  unsigned n_cells, n_ues;
  const ws_cell_stats *cells = ws_world_cells(world, &n_cells);
  const ws_ue_stats *ues = ws_world_ues(world, &n_ues);
  const ws_coverage *coverage = ws_world_coverage(world);
  ws_radio_headline_compute(cells, n_cells, ues, n_ues, &info.radio);

  char *p_scenario = g_build_filename(dir, "scenario.ini", NULL);
  char *p_flows = g_build_filename(dir, "flows.csv", NULL);
  char *p_links = g_build_filename(dir, "links.csv", NULL);
  char *p_series = g_build_filename(dir, "timeseries.csv", NULL);
  char *p_summary = g_build_filename(dir, "summary.json", NULL);
  gboolean ok = write_text_file(p_scenario, ws_scenario_text(sc), &error) &&
                ws_metrics_write_flows(p_flows, flows, n_flows, &error) &&
                ws_metrics_write_links(p_links, links, n_links, window, ws_sim_now(sim), &error);
  if (ok) {
    if (ws_time_to_s(ws_group_time(simg, "metrics_interval")) > 0)
      ok = ws_metrics_write_series(p_series, ws_world_series(world), &error);
    else
      g_unlink(p_series); /* a stale series from an earlier run would mislead */
  }
  /* Cells, UEs and the coverage map; stale ones removed likewise. */
  char *p_cells = g_build_filename(dir, "cells.csv", NULL);
  char *p_ues = g_build_filename(dir, "ues.csv", NULL);
  char *p_coverage = g_build_filename(dir, "coverage.csv", NULL);
  char *p_handovers = g_build_filename(dir, "handovers.csv", NULL);
  if (ok && n_cells > 0) {
    unsigned n_ho;
    const ws_handover_row *ho = ws_world_handovers(world, &n_ho);
    ok = ws_metrics_write_cells(p_cells, cells, n_cells, &error) &&
         ws_metrics_write_ues(p_ues, ues, n_ues, &error) &&
         ws_metrics_write_handovers(p_handovers, ho, n_ho, &error);
  } else if (ok) {
    g_unlink(p_cells);
    g_unlink(p_ues);
    g_unlink(p_handovers);
  }
  if (ok && coverage)
    ok = ws_metrics_write_coverage(p_coverage, coverage, &error);
  else if (ok)
    g_unlink(p_coverage);
  g_free(p_cells);
  g_free(p_ues);
  g_free(p_coverage);
  g_free(p_handovers);
  /* report.html: the run at a glance, drawn from the same collectors. */
  if (ok) {
    char *p_report = g_build_filename(dir, "report.html", NULL);
    ok = ws_report_write_run(p_report, sc, world, &info, &error);
    g_free(p_report);
  }
  /* The traces are complete once the run is: rename them into place. */
  if (ok) ok = ws_trace_commit(trace, &error);
  /* summary.json last: its presence says the folder is complete. */
  if (ok) ok = ws_metrics_write_summary(p_summary, &info, &error);
  int status = WS_EXIT_OK;
  if (!ok) {
    fprintf(stderr, "wisim run: writing results in %s failed: %s\n", dir, error->message);
    g_error_free(error);
    status = WS_EXIT_RUNTIME;
  } else if (!quiet && full_summary) {
    print_summary(dir, &info, flows, n_flows);
  } else if (!quiet) {
    /* One printf per line: lines of parallel runs do not interleave. */
    printf("%s%s%s: %.3f s simulated in %.2f s wall, %" G_GUINT64_FORMAT " events%s\n",
           job->label ? job->label : "", job->label ? " " : "", dir,
           ws_time_to_s(info.simulated_ns), info.wall_s, info.events,
           stopped ? " (interrupted: \"complete\": false)" : "");
  }
  if (ok && stopped && full_summary && !quiet)
    printf("interrupted at %.3f s: results so far, \"complete\": false in summary.json\n",
           ws_time_to_s(info.simulated_ns));
  g_free(p_scenario);
  g_free(p_flows);
  g_free(p_links);
  g_free(p_series);
  g_free(p_summary);
  ws_world_free(world);
  ws_trace_free(trace); /* after the network: its tap may see drops while it is freed */
  ws_sim_free(sim);
  return status;
}

/* ---- replications in threads ------------------------------------------------ */

typedef struct {
  gboolean quiet;
  gboolean single; /* one job alone: progress line and full summary */
} pool_ctx;

static void job_run(gpointer data, gpointer user_data) {
  ws_cli_job *job = data;
  const pool_ctx *ctx = user_data;
  /* Replications not yet started when a stop was asked are not started. */
  if (atomic_load(&stop_signal)) {
    job->status = -1;
    return;
  }
  job->status = run_one(job, &stop_signal, ctx->single, ctx->single, ctx->quiet);
}

static int worse(int a, int b) {
  int rank_a = a == WS_EXIT_INPUT ? 2 : a == WS_EXIT_RUNTIME ? 1 : 0;
  int rank_b = b == WS_EXIT_INPUT ? 2 : b == WS_EXIT_RUNTIME ? 1 : 0;
  return rank_a >= rank_b ? a : b;
}

int ws_cli_run_jobs(ws_cli_job *jobs, unsigned n, unsigned n_threads, gboolean quiet,
                    gboolean alone) {
  g_return_val_if_fail(jobs != NULL || n == 0, WS_EXIT_RUNTIME);
  pool_ctx ctx = {.quiet = quiet, .single = alone && n == 1};
  if (n_threads < 1) n_threads = 1;
  if (n_threads > n) n_threads = n;
  for (unsigned i = 0; i < n; i++) jobs[i].status = -1;
  if (n_threads <= 1) {
    for (unsigned i = 0; i < n; i++) job_run(&jobs[i], &ctx);
  } else {
    /* Each thread builds its own ws_sim and ws_world; the scenario is
     * shared read-only. Jobs start in the order pushed. */
    GError *error = NULL;
    GThreadPool *pool = g_thread_pool_new(job_run, &ctx, (gint)n_threads, TRUE, &error);
    if (!pool) {
      fprintf(stderr, "wisim: cannot start %u threads: %s\n", n_threads, error->message);
      g_error_free(error);
      return WS_EXIT_RUNTIME;
    }
    for (unsigned i = 0; i < n; i++) g_thread_pool_push(pool, &jobs[i], NULL);
    g_thread_pool_free(pool, FALSE, TRUE); /* waits for every job */
  }
  int status = WS_EXIT_OK;
  for (unsigned i = 0; i < n; i++)
    if (jobs[i].status >= 0) status = worse(status, jobs[i].status);
  return status;
}

/* ---- sequential stopping ------------------------------------------------------ */

gboolean ws_cli_parse_precision(const char *text, double *out) {
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  gboolean percent = end && *end == '%';
  if (percent) end++;
  if (end == text || *end || !isfinite(v)) v = NAN;
  if (percent) v /= 100;
  if (!(v > 0 && v < 1)) {
    fprintf(stderr, "wisim: --precision: expected a fraction of the mean such as 5%% or 0.05, "
                    "found \"%s\"\n",
            text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

int ws_cli_precise_enough(const char *const *dirs, unsigned limit, const char *metric,
                          double precision, double *worst) {
  char *file, *entity, *column;
  GError *error = NULL;
  *worst = 0;
  if (!ws_agg_parse_metric(metric, &file, &entity, &column, &error)) {
    fprintf(stderr, "wisim: %s\n", error->message);
    g_error_free(error);
    return -1;
  }
  int verdict = 1;
  for (const char *const *d = dirs; *d && verdict >= 0; d++) {
    ws_agg *a = ws_agg_new();
    ws_stat s;
    if (ws_agg_add_runs_dir(a, *d, limit, NULL, &error) < 0) {
      fprintf(stderr, "wisim: reading the runs of %s: %s\n", *d, error->message);
      g_clear_error(&error);
      verdict = -1;
    } else if (!ws_agg_get(a, file, entity, column, &s)) {
      if (ws_agg_n_runs(a) > 0) {
        fprintf(stderr,
                "wisim: --metric %s: no such numeric value in the runs of %s (file %s, entity "
                "\"%s\", column %s; see its aggregate.csv for the names)\n",
                metric, *d, file, entity, column);
        verdict = -1;
      } else {
        verdict = 0; /* no complete run yet (interrupted) */
        *worst = INFINITY;
      }
    } else {
      double hw = ws_stat_ci95(&s);
      double ratio = s.n >= 2 && fabs(s.mean) > 0 ? hw / fabs(s.mean)
                     : s.n >= 2 && hw == 0        ? 0
                                                  : INFINITY;
      if (!(ratio <= *worst)) *worst = ratio;
      if (!(ratio <= precision)) verdict = 0;
    }
    ws_agg_free(a);
  }
  g_free(file);
  g_free(entity);
  g_free(column);
  return verdict;
}

gboolean ws_cli_write_study(const char *dir, unsigned runs, const char *metric, double precision,
                            double achieved, gboolean reached, gboolean interrupted) {
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "runs");
  json_builder_add_int_value(b, runs);
  json_builder_set_member_name(b, "complete");
  json_builder_add_boolean_value(b, !interrupted);
  if (metric) {
    json_builder_set_member_name(b, "metric");
    json_builder_add_string_value(b, metric);
    json_builder_set_member_name(b, "precision");
    json_builder_add_double_value(b, precision);
    json_builder_set_member_name(b, "half_width_over_mean");
    if (isfinite(achieved))
      json_builder_add_double_value(b, achieved);
    else
      json_builder_add_null_value(b);
    json_builder_set_member_name(b, "precision_reached");
    json_builder_add_boolean_value(b, reached);
  }
  json_builder_end_object(b);
  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, root);
  char *text = json_generator_to_data(gen, NULL);
  char *full = g_strconcat(text, "\n", NULL);
  char *path = g_build_filename(dir, "study.json", NULL);
  GError *error = NULL;
  gboolean ok = write_text_file(path, full, &error);
  if (!ok) {
    fprintf(stderr, "wisim: writing %s failed: %s\n", path, error->message);
    g_error_free(error);
  }
  g_free(path);
  g_free(full);
  g_free(text);
  g_object_unref(gen);
  json_node_unref(root);
  g_object_unref(b);
  return ok;
}

/* ---- replay and tasks: a run described by a file ------------------------------ */

/* The JSON object in path: a new parser holds it. NULL with a message. */
static JsonParser *read_json(const char *path, JsonObject **obj) {
  JsonParser *parser = json_parser_new();
  GError *error = NULL;
  if (!json_parser_load_from_file(parser, path, &error)) {
    fprintf(stderr, "wisim run: cannot read %s: %s\n", path, error->message);
    g_error_free(error);
    g_object_unref(parser);
    return NULL;
  }
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    fprintf(stderr, "wisim run: %s: expected a JSON object\n", path);
    g_object_unref(parser);
    return NULL;
  }
  *obj = json_node_get_object(root);
  return parser;
}

/* An unsigned member: a JSON integer, or a decimal string (seeds past
 * int64, as summary.json writes them). */
static gboolean json_u64_member(JsonObject *o, const char *name, uint64_t *out) {
  JsonNode *n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n)) return FALSE;
  if (json_node_get_value_type(n) == G_TYPE_INT64) {
    gint64 v = json_node_get_int(n);
    if (v < 0) return FALSE;
    *out = (uint64_t)v;
    return TRUE;
  }
  if (json_node_get_value_type(n) == G_TYPE_STRING) {
    const char *s = json_node_get_string(n);
    char *end = NULL;
    *out = g_ascii_strtoull(s, &end, 10);
    return *s && !*end;
  }
  return FALSE;
}

static char **json_strv_member(JsonObject *o, const char *name) {
  JsonArray *arr = json_object_has_member(o, name) ? json_object_get_array_member(o, name) : NULL;
  guint n = arr ? json_array_get_length(arr) : 0;
  char **v = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) v[i] = g_strdup(json_array_get_string_element(arr, i));
  return v;
}

static const char *json_str_member(JsonObject *o, const char *name) {
  JsonNode *n = json_object_get_member(o, name);
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
             ? json_node_get_string(n)
             : NULL;
}

/* Loads a scenario from its text as run, under its original path (names,
 * relative files and messages as in the original run), with the original
 * overrides re-applied: the same text, hence the same SHA-256. */
static ws_scenario *load_text(const char *path, const char *text, char **overrides) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data(path, text, strlen(text),
                                          (const char *const *)overrides, &error);
  if (!sc) {
    print_input_error(path, error);
    g_error_free(error);
  }
  return sc;
}

static int run_described(ws_scenario *sc, uint64_t seed, uint64_t run_index, const char *out,
                         const run_options *o) {
  ws_cli_job job = {.sc = sc, .seed = seed, .run_index = run_index, .dir = (char *)out};
  ws_cli_catch_signals();
  int status = ws_cli_run_jobs(&job, 1, 1, o->quiet, TRUE);
  if (ws_cli_stop_signal()) return ws_cli_interrupted_status();
  return status;
}

/* wisim run --replay DIR */
static int replay(const run_options *o) {
  char *summary = g_build_filename(o->replay, "summary.json", NULL);
  char *ini = g_build_filename(o->replay, "scenario.ini", NULL);
  JsonObject *obj = NULL;
  JsonParser *parser = read_json(summary, &obj);
  char *text = NULL;
  int status = WS_EXIT_INPUT;
  uint64_t seed = 0, run_index = 0;
  GError *error = NULL;
  if (!parser) {
    /* message printed */
  } else if (!json_u64_member(obj, "seed", &seed) ||
             !json_u64_member(obj, "run_index", &run_index) ||
             !json_str_member(obj, "scenario_path")) {
    fprintf(stderr, "wisim run: %s lacks seed, run_index or scenario_path\n", summary);
  } else if (!g_file_get_contents(ini, &text, NULL, &error)) {
    fprintf(stderr, "wisim run: --replay: %s\n", error->message);
    g_error_free(error);
  } else {
    char **overrides = json_strv_member(obj, "overrides");
    ws_scenario *sc = load_text(json_str_member(obj, "scenario_path"), text, overrides);
    if (sc) {
      char *out = o->output_dir ? g_strdup(o->output_dir)
                                : g_build_filename(o->replay, "replay", NULL);
      status = run_described(sc, seed, run_index, out, o);
      if (status == WS_EXIT_OK && !o->quiet)
        printf("replayed %s (seed %" G_GUINT64_FORMAT ", run %" G_GUINT64_FORMAT ") into %s/\n",
               o->replay, seed, run_index, out);
      g_free(out);
      ws_scenario_free(sc);
    }
    g_strfreev(overrides);
  }
  g_free(text);
  if (parser) g_object_unref(parser);
  g_free(summary);
  g_free(ini);
  return status;
}

/* wisim run --task PLAN/tasks/N: the task's JSON (written by sweep --plan)
 * holds the original scenario text, overrides, seed, run index and the
 * folder, relative to PLAN. */
static int run_task(const run_options *o) {
  JsonObject *obj = NULL;
  JsonParser *parser = read_json(o->task, &obj);
  if (!parser) return WS_EXIT_INPUT;
  int status = WS_EXIT_INPUT;
  uint64_t seed = 0, run_index = 0;
  const char *path = json_str_member(obj, "scenario_path");
  const char *text = json_str_member(obj, "scenario");
  const char *output = json_str_member(obj, "output");
  if (!path || !text || !output || !json_u64_member(obj, "seed", &seed) ||
      !json_u64_member(obj, "run_index", &run_index)) {
    fprintf(stderr, "wisim run: %s is not a task of `wisim sweep --plan`\n", o->task);
  } else {
    char **overrides = json_strv_member(obj, "overrides");
    ws_scenario *sc = load_text(path, text, overrides);
    if (sc) {
      char *tasks_dir = g_path_get_dirname(o->task);
      char *plan_dir = g_path_get_dirname(tasks_dir);
      char *out = o->output_dir ? g_strdup(o->output_dir)
                                : g_build_filename(plan_dir, output, NULL);
      status = run_described(sc, seed, run_index, out, o);
      g_free(out);
      g_free(plan_dir);
      g_free(tasks_dir);
      ws_scenario_free(sc);
    }
    g_strfreev(overrides);
  }
  g_object_unref(parser);
  return status;
}

/* ---- wisim run ------------------------------------------------------------------ */

/* Replications of sc into dir/runs/NNN, with sequential stopping when asked,
 * then aggregate.csv (and study.json). Returns an exit status. */
static int run_replications(const ws_scenario *sc, const run_options *o, uint64_t seed,
                            unsigned runs, unsigned jobs, const char *dir, double precision) {
  unsigned max_runs = o->max_runs > 0 ? (unsigned)o->max_runs : 100;
  unsigned target = runs;
  if (o->metric) {
    target = MAX(MAX(runs, jobs), WS_CLI_PRECISION_PILOT_RUNS);
    if (target > max_runs) target = max_runs;
  }
  unsigned done = 0;
  int status = WS_EXIT_OK;
  double achieved = INFINITY;
  gboolean reached = FALSE;
  while (status == WS_EXIT_OK && !ws_cli_stop_signal()) {
    unsigned n = target - done;
    ws_cli_job *batch = g_new0(ws_cli_job, n);
    for (unsigned i = 0; i < n; i++) {
      char sub[32];
      g_snprintf(sub, sizeof sub, "%03u", done + i);
      batch[i] = (ws_cli_job){.sc = sc, .seed = seed, .run_index = done + i,
                              .dir = g_build_filename(dir, "runs", sub, NULL)};
    }
    status = ws_cli_run_jobs(batch, n, jobs, o->quiet, FALSE);
    for (unsigned i = 0; i < n; i++) g_free(batch[i].dir);
    g_free(batch);
    done = target;
    if (!o->metric || status != WS_EXIT_OK || ws_cli_stop_signal()) break;
    const char *dirs[] = {dir, NULL};
    int verdict = ws_cli_precise_enough(dirs, done, o->metric, precision, &achieved);
    if (verdict < 0) {
      status = WS_EXIT_INPUT;
      break;
    }
    if (verdict == 1) {
      reached = TRUE;
      break;
    }
    if (done >= max_runs) break;
    target = MIN(done + jobs, max_runs);
  }
  gboolean interrupted = ws_cli_stop_signal() != 0;

  /* The aggregate over the complete runs below the count run now (a folder
   * may hold more from an earlier, longer study). */
  ws_agg *agg = ws_agg_new();
  GError *error = NULL;
  unsigned incomplete = 0;
  char *p_agg = g_build_filename(dir, "aggregate.csv", NULL);
  int added = ws_agg_add_runs_dir(agg, dir, done, &incomplete, &error);
  if (added < 0 || !ws_agg_write(agg, p_agg, &error)) {
    fprintf(stderr, "wisim run: writing %s failed: %s\n", p_agg, error->message);
    g_error_free(error);
    if (status == WS_EXIT_OK) status = WS_EXIT_RUNTIME;
  }
  ws_cli_write_study(dir, (unsigned)MAX(added, 0), o->metric, precision, achieved, reached,
                     interrupted);
  if (!o->quiet) {
    printf("%d complete run%s in %s/runs/; statistics in %s\n", added, added == 1 ? "" : "s",
           dir, p_agg);
    if (o->metric)
      printf("--precision %g%% of %s: %s after %u runs (ci95 = %.3g%% of the mean)\n",
             precision * 100, o->metric, reached ? "reached" : "NOT reached", done,
             achieved * 100);
  }
  g_free(p_agg);
  ws_agg_free(agg);
  return status;
}

int ws_cli_run(int argc, char **argv) {
  run_options o = {0};
  gboolean parsed;
  const char *path = parse_options(&argc, &argv, &o, TRUE, &parsed);
  if (!parsed) {
    run_options_clear(&o);
    return WS_EXIT_INPUT;
  }
  double precision = 0;
  if (o.precision && !ws_cli_parse_precision(o.precision, &precision)) {
    run_options_clear(&o);
    return WS_EXIT_INPUT;
  }
  if (o.replay || o.task) {
    int status = o.replay ? replay(&o) : run_task(&o);
    run_options_clear(&o);
    return status;
  }
  ws_scenario *sc = load(path, &o);
  if (!sc) {
    run_options_clear(&o);
    return WS_EXIT_INPUT;
  }
  const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
  uint64_t seed = o.have_seed ? (uint64_t)o.seed : (uint64_t)ws_group_int(simg, "seed");
  char *dir = o.output_dir ? g_strdup(o.output_dir)
              : ws_group_has(simg, "output")
                  ? g_strdup(ws_group_string(simg, "output"))
                  : g_build_filename("results", ws_scenario_name(sc), NULL);
  int64_t runs = o.runs > 0 ? o.runs : ws_group_int(simg, "runs");
  if (runs < 1) runs = 1;
  unsigned jobs = o.jobs > 0 ? (unsigned)o.jobs : g_get_num_processors();
  ws_cli_catch_signals();
  int status;
  if (runs <= 1 && !o.metric) {
    ws_cli_job job = {.sc = sc, .seed = seed, .run_index = 0, .dir = dir};
    status = ws_cli_run_jobs(&job, 1, 1, o.quiet, TRUE);
  } else {
    status = run_replications(sc, &o, seed, (unsigned)runs, jobs, dir, precision);
  }
  if (ws_cli_stop_signal()) status = ws_cli_interrupted_status();
  g_free(dir);
  ws_scenario_free(sc);
  run_options_clear(&o);
  return status;
}
