/* libFuzzer harness for the trace-replay parser (sim/traffic/trace-replay.c):
 * any byte string gives either a trace whose rows are in order and within
 * the documented limits, or an error "NAME:LINE: ..." in valid UTF-8.
 * Build: clang -fsanitize=fuzzer,address,undefined (see the Makefile). */
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

#include "wisim/scenario.h"
#include "wisim/traffic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: abort so that libFuzzer keeps the input. */
#define CHECK(cond)                                          \
  do {                                                       \
    if (!(cond)) {                                           \
      g_printerr("fuzz-trace: %s failed\n", #cond);          \
      abort();                                               \
    }                                                        \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  ws_traffic_trace *tr = ws_traffic_trace_parse("f.csv", (const char *)data, size, &error);
  if (!tr) {
    CHECK(error != NULL && g_str_has_prefix(error->message, "f.csv:"));
    CHECK(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
    return 0;
  }
  CHECK(error == NULL);
  unsigned n = ws_traffic_trace_n_rows(tr);
  CHECK(n > 0);
  ws_time prev = 0;
  uint32_t max = 0;
  for (unsigned i = 0; i < n; i++) {
    ws_time t;
    uint32_t b;
    ws_traffic_trace_row(tr, i, &t, &b);
    CHECK(t >= prev && t < 1000000000 * WS_S);
    CHECK(b <= 65507);
    prev = t;
    max = b > max ? b : max;
  }
  CHECK(max == ws_traffic_trace_max_bytes(tr));
  ws_traffic_trace_free(tr);
  return 0;
}
