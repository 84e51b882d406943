/* wisim command line, shared inside sim/cli only: the subcommands and the
 * small helpers they share (exit statuses, logging set-up). The command is
 * an edge of the program: it may print, read files and look at the clock. */
#ifndef WISIM_CLI_INT_H
#define WISIM_CLI_INT_H

#include <glib.h>

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

/* Sets up diagnostics on stderr from --log MODULE=LEVEL items (NULL-terminated
 * or NULL) and -v. Returns false, with a message on stderr, on a bad item. */
gboolean ws_cli_setup_logging(char **log_items, gboolean verbose);

/* The directory of ready scenarios: ./scenarios when it exists, else the
 * installed share/wisim/scenarios. Static string. */
const char *ws_cli_scenarios_dir(void);

#endif
