/* wisim — the command: dispatches `run`, `check` and `list`, prints the help
 * that teaches the tool, the version, and sets up diagnostics (--log, -v).
 * Exit status: 0 success, 1 runtime failure, 2 bad input. */
#include <ev.h>
#include <glib.h>
#include <gsl/gsl_version.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "cli-int.h"
#include "wisim/scenario.h"

#ifndef WS_VERSION
#define WS_VERSION "0.0.0"
#endif
#ifndef WS_PREFIX
#define WS_PREFIX "/usr/local"
#endif

static const char usage_text[] =
    "Usage: wisim COMMAND [OPTIONS]\n"
    "\n"
    "wisim simulates wired and wireless networks described in a plain scenario\n"
    "file (INI): no compile step, results you can reproduce to the bit.\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO.ini    run a scenario and write its results\n"
    "  check SCENARIO.ini  validate a scenario: every problem with file:line; runs nothing\n"
    "  sweep SCENARIO.ini --vary KEY=V1,V2,...  replications at every combination of values\n"
    "  merge DIR           aggregate the run folders of a sweep plan (docs/cluster.md)\n"
    "  validate [NAME]     run the validation experiments: model vs theory, PASS/FAIL\n"
    "  list models         the models a scenario can name (queues, traffic, ...)\n"
    "  list scenarios      the ready scenarios and what each teaches\n"
    "\n"
    "Options:\n"
    "  -h, --help          this text; `wisim COMMAND --help` explains a command\n"
    "  --version           version, build flags and library versions\n"
    "\n"
    "First steps:\n"
    "  wisim list scenarios\n"
    "  wisim run scenarios/default.ini          # results in results/default/\n"
    "  wisim run scenarios/queue-mm1.ini --set 'flow arrivals.rate=6Mbit/s'\n"
    "  wisim check my-lab.ini                   # find the typos before running\n"
    "\n"
    "Results (one folder per run): report.html (open it in a browser: map,\n"
    "charts, tables), flows.csv, links.csv, timeseries.csv, summary.json and\n"
    "scenario.ini (the scenario exactly as run). Every column is documented in\n"
    "docs/outputs.md; the scenario keys in docs/scenario-format.md.\n"
    "\n"
    "Exit status: 0 success, 1 the run failed, 2 bad input (nothing was run).\n";

/* ---- logging ---------------------------------------------------------------
 * Modules log through GLib with G_LOG_DOMAIN set to their folder ("net",
 * "core", ...). The CLI owns the only handler: a per-domain threshold, warnings
 * by default, everything on stderr and never in result files. */

typedef struct {
  GHashTable *domain_level; /* domain -> GLogLevelFlags threshold (as pointer) */
  GLogLevelFlags default_level;
} log_config;

static int level_rank(GLogLevelFlags level) {
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) return 0;
  if (level & G_LOG_LEVEL_WARNING) return 1;
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)) return 2;
  return 3; /* debug */
}

static void log_handler(const char *domain, GLogLevelFlags level, const char *message,
                        gpointer data) {
  const log_config *cfg = data;
  GLogLevelFlags threshold = cfg->default_level;
  if (domain && cfg->domain_level) {
    gpointer v = g_hash_table_lookup(cfg->domain_level, domain);
    if (v) threshold = (GLogLevelFlags)GPOINTER_TO_INT(v);
  }
  if (level_rank(level) > level_rank(threshold)) return;
  static const char *const names[] = {"error", "warning", "info", "debug"};
  fprintf(stderr, "wisim[%s] %s: %s\n", domain ? domain : "main", names[level_rank(level)],
          message);
}

static gboolean parse_level(const char *text, GLogLevelFlags *out) {
  static const struct {
    const char *name;
    GLogLevelFlags level;
  } levels[] = {{"error", G_LOG_LEVEL_CRITICAL},
                {"warning", G_LOG_LEVEL_WARNING},
                {"info", G_LOG_LEVEL_INFO},
                {"debug", G_LOG_LEVEL_DEBUG}};
  for (size_t i = 0; i < G_N_ELEMENTS(levels); i++)
    if (g_ascii_strcasecmp(text, levels[i].name) == 0) {
      *out = levels[i].level;
      return TRUE;
    }
  return FALSE;
}

gboolean ws_cli_setup_logging(char **log_items, gboolean verbose) {
  /* One configuration for the life of the process: the handler keeps it. */
  static log_config cfg;
  cfg.default_level = verbose ? G_LOG_LEVEL_INFO : G_LOG_LEVEL_WARNING;
  cfg.domain_level = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (char **item = log_items; item && *item; item++) {
    const char *eq = strchr(*item, '=');
    GLogLevelFlags level;
    if (!eq || eq == *item || !parse_level(eq + 1, &level)) {
      fprintf(stderr,
              "wisim: --log: expected MODULE=LEVEL such as net=debug (levels: error, warning, "
              "info, debug; modules: core, scenario, net, traffic, metrics, cli, all), "
              "found \"%s\"\n",
              *item);
      return FALSE;
    }
    char *domain = g_strndup(*item, (gsize)(eq - *item));
    if (strcmp(domain, "all") == 0) {
      cfg.default_level = level;
      g_free(domain);
    } else {
      g_hash_table_replace(cfg.domain_level, domain, GINT_TO_POINTER(level));
    }
  }
  g_log_set_default_handler(log_handler, &cfg);
  return TRUE;
}

/* ---- list ------------------------------------------------------------------ */

const char *ws_cli_scenarios_dir(void) {
  if (g_file_test("scenarios", G_FILE_TEST_IS_DIR)) return "scenarios";
  return WS_PREFIX "/share/wisim/scenarios";
}

/* First comment line of a scenario: what it teaches. */
static char *scenario_blurb(const char *path) {
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) return g_strdup("");
  char *blurb = g_strdup("");
  for (char *line = text; line && *line;) {
    char *end = strchr(line, '\n');
    if (end) *end = '\0';
    g_strstrip(line);
    if (line[0] == '#' || line[0] == ';') {
      g_free(blurb);
      blurb = g_strdup(g_strstrip(line + 1));
      if (*blurb) break;
    } else if (*line) {
      break;
    }
    line = end ? end + 1 : NULL;
  }
  g_free(text);
  return blurb;
}

static int compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : NULL;
  if (what && (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0)) {
    printf("Usage: wisim list models|scenarios\n\n"
           "  models     every model name a scenario can use, by key, with those not yet\n"
           "             available in this version marked\n"
           "  scenarios  the ready scenarios (%s) and the first line of each:\n"
           "             what it teaches\n",
           ws_cli_scenarios_dir());
    return WS_EXIT_OK;
  }
  if (what && strcmp(what, "models") == 0 && argc == 2) {
    char *text = ws_scenario_describe_models();
    fputs(text, stdout);
    g_free(text);
    return WS_EXIT_OK;
  }
  if (what && strcmp(what, "scenarios") == 0 && argc == 2) {
    const char *dir_path = ws_cli_scenarios_dir();
    GDir *dir = g_dir_open(dir_path, 0, NULL);
    if (!dir) {
      fprintf(stderr, "wisim list: no scenarios folder (looked for ./scenarios and %s)\n",
              dir_path);
      return WS_EXIT_RUNTIME;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *name; (name = g_dir_read_name(dir));)
      if (g_str_has_suffix(name, ".ini")) g_ptr_array_add(names, g_strdup(name));
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    for (unsigned i = 0; i < names->len; i++) {
      char *path = g_build_filename(dir_path, names->pdata[i], NULL);
      char *blurb = scenario_blurb(path);
      printf("%-28s %s\n", path, blurb);
      g_free(blurb);
      g_free(path);
    }
    g_ptr_array_free(names, TRUE);
    return WS_EXIT_OK;
  }
  fprintf(stderr, "wisim list: expected `models` or `scenarios`, found \"%s\"\n",
          what ? what : "");
  return WS_EXIT_INPUT;
}

static void print_version(void) {
  printf("wisim %s\n", WS_VERSION);
  printf("build: %s\n", WS_BUILD_FLAGS);
  printf("libraries: GLib %u.%u.%u, GSL %s, json-glib %s, libev %d.%d, %s\n", glib_major_version,
         glib_minor_version, glib_micro_version, GSL_VERSION, JSON_VERSION_S, ev_version_major(),
         ev_version_minor(), pcap_lib_version());
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return WS_EXIT_INPUT;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return WS_EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    print_version();
    return WS_EXIT_OK;
  }
  if (strcmp(cmd, "run") == 0) return ws_cli_run(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0) return ws_cli_check(argc - 1, argv + 1);
  if (strcmp(cmd, "list") == 0) return cmd_list(argc - 1, argv + 1);
  if (strcmp(cmd, "sweep") == 0) return ws_cli_sweep(argc - 1, argv + 1);
  if (strcmp(cmd, "merge") == 0) return ws_cli_merge(argc - 1, argv + 1);
  if (strcmp(cmd, "validate") == 0) return ws_cli_validate(argc - 1, argv + 1);
  fprintf(stderr, "wisim: unknown command \"%s\"; commands: run, check, sweep, merge, validate, list "
          "(see wisim --help)\n",
          cmd);
  return WS_EXIT_INPUT;
}
