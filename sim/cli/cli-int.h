/* wisim command line, shared inside sim/cli only: the subcommands and the
 * small helpers they share (exit statuses, logging set-up). The command is
 * an edge of the program: it may print, read files and look at the clock. */
#ifndef WISIM_CLI_INT_H
#define WISIM_CLI_INT_H

#include <glib.h>
#include <stdint.h>

#include "wisim/scenario.h"

/* Exit statuses (DESIGN.md "The command"). */
enum {
  WS_EXIT_OK = 0,
  WS_EXIT_RUNTIME = 1, /* the run failed: results could not be written, ... */
  WS_EXIT_INPUT = 2,   /* bad input: usage or scenario; nothing was run */
};

/* `wisim run` and `wisim check`; argv[0] is the subcommand's name. Return
 * an exit status. */
int ws_cli_run(int argc, char **argv);
int ws_cli_check(int argc, char **argv);
/* `wisim validate` (sim/cli/validate.c): the validation experiments. */
int ws_cli_validate(int argc, char **argv);
/* `wisim sweep` and `wisim merge` (sweep.c). */
int ws_cli_sweep(int argc, char **argv);
int ws_cli_merge(int argc, char **argv);

/* ---- replications, shared by run and sweep (run.c) ----------------------- */

/* Installs the SIGINT/SIGTERM handlers: they only set the stop flag (the
 * signal number), which the run loops read between slices of simulated
 * time. The flag is the command's, not the library's: it is passed down. */
void ws_cli_catch_signals(void);
/* The signal that asked to stop, 0 while none did. */
int ws_cli_stop_signal(void);
/* Exit status of an interrupted command: 128 + the signal (130 for SIGINT,
 * 143 for SIGTERM), as shells report a process killed by it. */
int ws_cli_interrupted_status(void);

/* One replication to run: a scenario (shared read-only between threads:
 * its getters keep no caches), the seed and run index of its streams, its
 * folder. status is set when it ran: WS_EXIT_*, or -1 when it was never
 * started (interrupted before). */
typedef struct {
  const ws_scenario *sc;
  uint64_t seed;
  uint64_t run_index;
  char *dir;
  int status;
  gboolean interrupted; /* stopped early: written with "complete": false */
  char *label;          /* printed before the one-line summary, may be NULL */
} ws_cli_job;

/* Runs jobs[0..n), at most n_threads at a time (each its own ws_sim and
 * ws_world), started in index order. quiet: nothing on stdout; else alone
 * (one job, a plain `wisim run`) gives the progress line and the summary
 * table, and otherwise each run prints one line. Returns the worst status
 * (input > runtime > ok) of the jobs that ran. */
int ws_cli_run_jobs(ws_cli_job *jobs, unsigned n, unsigned n_threads, gboolean quiet,
                    gboolean alone);

/* Replications run before sequential stopping first looks at the interval:
 * a standard deviation estimated from two or three runs that happen to
 * agree would stop a study on noise (Law, "Simulation Modeling and
 * Analysis", sequential procedure: a pilot of n0 >= 5 runs). */
#define WS_CLI_PRECISION_PILOT_RUNS 5u

/* A --seed value: a non-negative decimal integer. False when text is not. */
gboolean ws_cli_parse_seed(const char *text, uint64_t *out);

/* Parses --precision: "5%" or "0.05" (0 < value < 1). False with a message. */
gboolean ws_cli_parse_precision(const char *text, double *out);

/* Sequential stopping: 1 when the metric (FILE:ENTITY:COLUMN) over the
 * complete runs below limit of each folder in dirs (NULL-terminated) has a
 * 95% half-width within precision x |mean| (n >= 2) in every folder, 0 when
 * not yet, -1 when some folder has no such metric (message printed). *worst
 * gets the largest half-width / |mean| found (INFINITY when undefined). */
int ws_cli_precise_enough(const char *const *dirs, unsigned limit, const char *metric,
                               double precision, double *worst);

/* Writes DIR/study.json: what the sequential stopping did (NULL metric: no
 * stopping, only the run count). */
gboolean ws_cli_write_study(const char *dir, unsigned runs, const char *metric, double precision,
                            double achieved, gboolean reached, gboolean interrupted);

/* Sets up diagnostics on stderr from --log MODULE=LEVEL items (NULL-terminated
 * or NULL) and -v. Returns false, with a message on stderr, on a bad item. */
gboolean ws_cli_setup_logging(char **log_items, gboolean verbose);

/* The directory of ready scenarios: ./scenarios when it exists, else the
 * installed share/wisim/scenarios. Static string. */
const char *ws_cli_scenarios_dir(void);

#endif
