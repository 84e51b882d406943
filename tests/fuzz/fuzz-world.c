/* libFuzzer target over the world builder: any scenario that loads must
 * either build (then run for a few simulated milliseconds and close its
 * books) or fail with file:line messages; never crash, hang on a
 * placement, exhaust memory or trip a g_return_if_fail (made fatal). It
 * reaches what the loader cannot judge alone: cells, layouts, UE
 * placement, carriers, routes, flows and events together.
 * Seeds: scenarios/ and tests/scenarios/bad/ (the loader's own corpus). */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wisim/core.h"
#include "wisim/scenario.h"
#include "wisim/world.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Simulated time each built world runs: enough for slots, packets and
 * events at the start of a run, short enough for thousands of execs/s. */
#define FUZZ_RUN_NS (20 * WS_MS)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("fuzz.ini", (const char *)data, size, NULL, &error);
  if (!sc) {
    g_error_free(error);
    return 0;
  }
  ws_sim *sim = ws_sim_new();
  ws_world *w = ws_world_new(sim, sc, 1, 0, &error);
  if (w) {
    g_assert_no_error(error);
    ws_time end = MIN(ws_world_duration(w), FUZZ_RUN_NS);
    ws_sim_run_until(sim, end);
    ws_world_finish(w, ws_sim_now(sim));
    unsigned n;
    (void)ws_world_cells(w, &n);
    (void)ws_world_ues(w, &n);
    (void)ws_world_coverage(w);
    ws_world_free(w);
  } else {
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(error->message, "fuzz.ini:"));
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
  }
  ws_sim_free(sim);
  ws_scenario_free(sc);
  return 0;
}
