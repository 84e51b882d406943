/* libFuzzer harness for the units parser (sim/core/units.c): feeds every input
 * to ws_units_parse for every kind and to ws_units_parse_dist, and checks the
 * invariants of what comes back (finite values, exact times that format and
 * parse back to themselves, a <= b, draws inside the law's support).
 * Build: clang -fsanitize=fuzzer,address,undefined (see the Makefile). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wisim/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: abort so that libFuzzer keeps the input. */
#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      g_printerr("fuzz-units: %s failed\n", #cond);                                                \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

static bool
exact_kind(ws_unit_kind kind)
{
  return kind == WS_UNIT_TIME || kind == WS_UNIT_SIZE || kind == WS_UNIT_PACKETS;
}

static void
check_quantity(const ws_quantity *q, ws_unit_kind asked)
{
  CHECK(isfinite(q->value));
  CHECK(q->kind == asked || (asked == WS_UNIT_RATE && q->kind == WS_UNIT_PKT_RATE) ||
        (asked == WS_UNIT_SIZE && q->kind == WS_UNIT_PACKETS));
  if (exact_kind(q->kind) || q->kind == WS_UNIT_RATE)
    CHECK(q->exact >= 0);
  if (q->kind == WS_UNIT_PROBABILITY)
    CHECK(q->value >= 0 && q->value <= 1);
  if (q->kind == WS_UNIT_TIME) {
    char buf[WS_UNITS_TIME_STRLEN];
    ws_quantity back;
    ws_units_format_time(q->exact, buf, sizeof buf);
    CHECK(ws_units_parse(buf, WS_UNIT_TIME, &back));
    CHECK(back.exact == q->exact);
  }
  if (q->kind == WS_UNIT_SIZE || q->kind == WS_UNIT_PACKETS)
    CHECK(q->value == (double)q->exact);
}

static void
check_dist(const ws_dist *d, ws_unit_kind asked)
{
  check_quantity(&d->a, asked);
  double mean = ws_dist_mean(d);
  CHECK(!isnan(mean));
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "fuzz", "units");
  double x = ws_dist_sample(d, &rng);
  switch (d->kind) {
  case WS_DIST_FIXED:
    CHECK(x == d->a.value);
    break;
  case WS_DIST_UNIFORM:
    check_quantity(&d->b, asked);
    CHECK(d->a.kind == d->b.kind);
    CHECK(d->a.value <= d->b.value);
    CHECK(x >= d->a.value && (x < d->b.value || d->a.value == d->b.value));
    break;
  case WS_DIST_EXP:
    CHECK(d->a.value > 0 && x >= 0);
    break;
  case WS_DIST_PARETO:
    CHECK(d->a.value > 0 && d->shape > 1 && isfinite(d->shape));
    CHECK(x >= 0);
    break;
  }
  if (exact_kind(d->a.kind) || d->a.kind == WS_UNIT_RATE) {
    int64_t e = ws_dist_sample_exact(d, &rng);
    CHECK(e >= 0);
    if (d->kind == WS_DIST_UNIFORM)
      CHECK(e >= d->a.exact && e <= d->b.exact);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  char *text = g_malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';

  for (int k = WS_UNIT_TIME; k <= WS_UNIT_NUMBER; k++) {
    ws_quantity q;
    ws_dist d;
    bool single = ws_units_parse(text, (ws_unit_kind)k, &q);
    if (single)
      check_quantity(&q, (ws_unit_kind)k);
    bool dist = ws_units_parse_dist(text, (ws_unit_kind)k, &d);
    if (dist)
      check_dist(&d, (ws_unit_kind)k);
    /* A plain value is a fixed random value too, with the same result. */
    if (single) {
      CHECK(dist && d.kind == WS_DIST_FIXED);
      CHECK(d.a.value == q.value && d.a.exact == q.exact && d.a.kind == q.kind);
    } else {
      CHECK(!dist || d.kind != WS_DIST_FIXED);
    }
    CHECK(ws_units_expected((ws_unit_kind)k)[0] != '\0');
  }
  g_free(text);
  return 0;
}
