/* libFuzzer harness for the mobility trace parser (sim/mobility/mobility.c):
 * any byte string gives either a trace whose rows are in time order with
 * finite coordinates, which a trace model then follows continuously, or an
 * error "NAME:LINE: ..." in valid UTF-8.
 * Build: clang -fsanitize=fuzzer,address,undefined (see the Makefile). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

#include "wisim/mobility.h"
#include "wisim/rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: abort so that libFuzzer keeps the input. */
#define CHECK(cond)                                          \
  do {                                                       \
    if (!(cond)) {                                           \
      g_printerr("fuzz-mobility: %s failed\n", #cond);       \
      abort();                                               \
    }                                                        \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  ws_mobility_trace *tr = ws_mobility_trace_parse("m.csv", (const char *)data, size, &error);
  if (!tr) {
    CHECK(error != NULL && g_str_has_prefix(error->message, "m.csv:"));
    CHECK(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
    return 0;
  }
  CHECK(error == NULL);
  unsigned n = ws_mobility_trace_n_rows(tr);
  CHECK(n > 0);
  ws_time prev = 0;
  for (unsigned i = 0; i < n; i++) {
    ws_time t;
    double x, y;
    ws_mobility_trace_row(tr, i, &t, &x, &y);
    CHECK(t >= prev && isfinite(x) && isfinite(y));
    prev = t;
  }
  /* Follow it: every change of course in order, positions finite. */
  ws_mobility_config cfg = {.kind = WS_MOBILITY_TRACE, .trace = tr};
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "ue fuzz", "mobility");
  ws_mobility *m = ws_mobility_new(&cfg, &rng, 0);
  CHECK(m != NULL);
  for (unsigned k = 0; k <= n + 1; k++) {
    ws_time next = ws_mobility_next_change(m);
    double px, py;
    ws_mobility_state(m, ws_mobility_leg_start(m), &px, &py, NULL, NULL);
    CHECK(isfinite(px) && isfinite(py));
    if (next == WS_TIME_MAX) break;
    ws_mobility_advance(m, next);
  }
  ws_mobility_free(m);
  ws_mobility_trace_free(tr);
  return 0;
}
