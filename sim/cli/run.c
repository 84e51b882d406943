/* wisim run / wisim check: load and validate a scenario, build its world,
 * run it with a progress line on a terminal, and write the result files
 * (each under a temporary name, renamed into place when complete). */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli-int.h"
#include "wisim/core.h"
#include "wisim/metrics.h"
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
} run_options;

static void run_options_clear(run_options *o) {
  g_free(o->output_dir);
  g_strfreev(o->sets);
  g_strfreev(o->logs);
}

static gboolean seed_cb(const char *name, const char *value, gpointer data, GError **error) {
  run_options *o = data;
  char *end = NULL;
  guint64 v = g_ascii_strtoull(value, &end, 10);
  if (!*value || *end || value[0] == '-') {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s: expected a non-negative integer such as 7, found \"%s\"", name, value);
    return FALSE;
  }
  o->seed = (gint64)v;
  o->have_seed = TRUE;
  return TRUE;
}

/* Parses the options shared by run and check; with_output adds -o, --seed,
 * --quiet. Returns the scenario path or NULL (message printed). */
static const char *parse_options(int *argc, char ***argv, run_options *o, gboolean with_output) {
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
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  const char *cmd = (*argv)[0];
  GOptionContext *ctx = g_option_context_new("SCENARIO.ini");
  char *prog = g_strdup_printf("wisim %s", cmd);
  g_set_prgname(prog);
  g_free(prog);
  if (with_output) {
    g_option_context_set_summary(
        ctx, "Runs the scenario and writes its results: flows.csv, links.csv,\n"
             "timeseries.csv, summary.json and scenario.ini (the scenario as run),\n"
             "and the traces its [trace] group asks for (pcap/*.pcap, trace.txt).");
    g_option_context_set_description(
        ctx, "Examples:\n"
             "  wisim run scenarios/default.ini\n"
             "  wisim run scenarios/queue-mm1.ini -o /tmp/mm1 --seed 3\n"
             "  wisim run lab.ini --set 'simulation.duration=60s' --set 'link ab.delay=20ms'\n"
             "\n"
             "The same scenario, seed and run index always give byte-identical result\n"
             "files. A run longer than a second shows a progress line on a terminal.\n"
             "Columns are documented in docs/outputs.md. Exit status: 0 success,\n"
             "1 the run failed, 2 bad input (nothing was run).");
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
  if (*argc != 2) {
    fprintf(stderr, "wisim %s: expected one scenario file, found %d (see wisim %s --help)\n", cmd,
            *argc - 1, cmd);
    return NULL;
  }
  if (!ws_cli_setup_logging(o->logs, o->verbose)) return NULL;
  return (*argv)[1];
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
  const char *path = parse_options(&argc, &argv, &o, FALSE);
  if (!path) {
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
  fprintf(stderr, "\r\033[K  simulated %.3f s of %.3f s (%.0f%%)  %.2f M events/s  ETA %.0f s",
          sim_s, end_s, 100 * frac, (double)ws_sim_events_executed(sim) / wall_s / 1e6, eta_s);
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
    ws_time active = f->active_end - f->active_start;
    if (active > 0) thr += (double)f->received_bytes * 8 / ws_time_to_s(active);
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

static void print_summary(const char *dir, const ws_run_info *info, ws_flow_stats *const *flows,
                          unsigned n) {
  printf("%s: %.3f s simulated in %.2f s wall, %" G_GUINT64_FORMAT " events (%.2f M events/s)\n",
         info->scenario_name, ws_time_to_s(info->simulated_ns), info->wall_s, info->events,
         info->wall_s > 0 ? (double)info->events / info->wall_s / 1e6 : 0.0);
  if (n) {
    printf("  %-20s %10s %10s %8s %16s %12s\n", "flow", "sent", "received", "lost", "throughput",
           "delay mean");
    unsigned shown = n < 20 ? n : 20;
    for (unsigned i = 0; i < shown; i++) {
      const ws_flow_stats *f = flows[i];
      char rate[32];
      ws_time active = f->active_end - f->active_start;
      format_rate(active > 0 ? (double)f->received_bytes * 8 / ws_time_to_s(active) : 0, rate,
                  sizeof rate);
      char delay[32] = "-";
      if (f->delay.n) g_snprintf(delay, sizeof delay, "%.3f ms", f->delay.mean * 1e3);
      printf("  %-20s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
             " %16s %12s\n",
             f->name, f->sent_packets, f->received_packets, ws_flow_stats_lost(f), rate, delay);
    }
    if (shown < n) printf("  ... and %u more flows in flows.csv\n", n - shown);
  }
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

/* One replication into dir. Returns an exit status. */
static int run_one(const ws_scenario *sc, const run_options *o, uint64_t seed, uint64_t run_index,
                   const char *dir) {
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

  progress prog = {.enabled = !o->quiet && isatty(STDERR_FILENO)};
  prog.wall_start_us = g_get_monotonic_time();
  ws_time end = ws_world_duration(world);
  /* Slices of simulated time let the progress line refresh without the core
   * knowing about it; ws_sim_run_until leaves the clock at the slice end. */
  ws_time slice = end / 1000 > 0 ? end / 1000 : 1;
  while (ws_sim_now(sim) < end) {
    ws_time next = ws_sim_now(sim) + slice;
    ws_sim_run_until(sim, next < end ? next : end);
    progress_update(&prog, sim, end);
  }
  progress_done(&prog);
  double wall_s = (double)(g_get_monotonic_time() - prog.wall_start_us) / 1e6;
  ws_world_finish(world, ws_sim_now(sim));

  unsigned n_flows, n_links;
  ws_flow_stats *const *flows = ws_world_flows(world, &n_flows);
  ws_link_stats *const *links = ws_world_links(world, &n_links);
  const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
  ws_time warmup = ws_world_warmup(world);
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
      .complete = TRUE,
  };
  fill_headline(&info, flows, n_flows);

  char *p_scenario = g_build_filename(dir, "scenario.ini", NULL);
  char *p_flows = g_build_filename(dir, "flows.csv", NULL);
  char *p_links = g_build_filename(dir, "links.csv", NULL);
  char *p_series = g_build_filename(dir, "timeseries.csv", NULL);
  char *p_summary = g_build_filename(dir, "summary.json", NULL);
  gboolean ok = write_text_file(p_scenario, ws_scenario_text(sc), &error) &&
                ws_metrics_write_flows(p_flows, flows, n_flows, &error) &&
                ws_metrics_write_links(p_links, links, n_links, ws_sim_now(sim) - warmup,
                                       ws_sim_now(sim), &error);
  if (ok) {
    if (ws_time_to_s(ws_group_time(simg, "metrics_interval")) > 0)
      ok = ws_metrics_write_series(p_series, ws_world_series(world), &error);
    else
      g_unlink(p_series); /* a stale series from an earlier run would mislead */
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
  } else if (!o->quiet) {
    print_summary(dir, &info, flows, n_flows);
  }
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

int ws_cli_run(int argc, char **argv) {
  run_options o = {0};
  const char *path = parse_options(&argc, &argv, &o, TRUE);
  if (!path) {
    run_options_clear(&o);
    return WS_EXIT_INPUT;
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
  int64_t runs = ws_group_int(simg, "runs");
  int status = WS_EXIT_OK;
  if (runs <= 1) {
    status = run_one(sc, &o, seed, 0, dir);
  } else {
    /* Replications one after the other, run index r in every stream key. */
    for (int64_t r = 0; r < runs && status == WS_EXIT_OK; r++) {
      char sub[32];
      g_snprintf(sub, sizeof sub, "%03" G_GINT64_FORMAT, r);
      char *run_dir = g_build_filename(dir, "runs", sub, NULL);
      status = run_one(sc, &o, seed, (uint64_t)r, run_dir);
      g_free(run_dir);
    }
  }
  g_free(dir);
  ws_scenario_free(sc);
  run_options_clear(&o);
  return status;
}
