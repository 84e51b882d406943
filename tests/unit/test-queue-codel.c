/* Tests of CoDel (sim/net/queue-codel.c) against RFC 8289: the drop times
 * of the section 5 state machine worked out by hand for a standing queue,
 * re-entry with the remembered count, ECN marking instead of dropping. The
 * headline claim on an overloaded link (CoDel holds the standing delay near
 * its target where drop-tail's grows to the limit) is a validation
 * experiment: tests/validation/queues.c. */
#include <glib.h>
#include <math.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/queue.h"
#include "wisim/rng.h"

#define T0 WS_S /* the hand-driven queue starts at 1 s */

static ws_packet *stamped(ws_packet_pool *pool, ws_time t, uint8_t ecn) {
  ws_packet *p = ws_packet_new(pool);
  p->ip_bytes = 1000;
  p->ecn = ecn;
  p->enqueue_ns = t; /* as the link stamps it */
  return p;
}

typedef struct {
  ws_packet_pool *pool;
  int drops;
  ws_time drop_at[64];
  ws_time now;
} drop_log;

static void on_drop(void *ctx, ws_packet *p) {
  drop_log *d = ctx;
  if (d->drops < 64) d->drop_at[d->drops] = d->now;
  d->drops++;
  ws_packet_free(d->pool, p);
}

/* A queue with 10 packets stamped 1 ms apart, then one arrival and one
 * departure every ms: every departure sees 10 ms of sojourn until CoDel
 * drops; each drop shortens the standing queue (and the sojourn) by 1 ms.
 * Section 5 by hand (target 5 ms, interval 100 ms, times from T0):
 * 0 ms: above target, first_above_time = 100 ms;
 * 100 ms: drop, enter dropping, count 1, drop_next = 200 ms (sojourn 9);
 * 200 ms: count 2, drop, next = 200 + 100/sqrt 2 = 270.71 (sojourn 8);
 * 271 ms: count 3, next = 270.71 + 57.74 = 328.45 (sojourn 7);
 * 329 ms: count 4, next = 378.45 (sojourn 6);
 * 379 ms: count 5, next = 378.45 + 44.72 = 423.17 (sojourn 5: not below target);
 * 424 ms: count 6, drop; the next packet's 4 ms is below target: leave.
 * With ECN-capable packets and ecn on, the same instants are marks, nothing
 * is dropped, the sojourn stays at 10 ms and the marks go on at
 * interval / sqrt(count). */
static void run_standing(bool ecn, drop_log *log, ws_time *marks, int *n_marks, ws_queue **out_q,
                         ws_time until_ms) {
  ws_queue_config cfg = {.discipline = "codel", .limit = 1000, .ecn = ecn, .mtu_bytes = 1500};
  ws_queue *q = ws_queue_new(&cfg);
  g_assert_nonnull(q);
  q->drop_fn = on_drop;
  q->drop_ctx = log;
  uint8_t e = ecn ? WS_ECN_ECT0 : WS_ECN_NOT_ECT;
  for (int i = 10; i >= 1; i--) g_assert_true(ws_queue_enqueue(q, stamped(log->pool, T0 - i * WS_MS, e), T0 - i * WS_MS));
  *n_marks = 0;
  for (ws_time k = 0; k <= until_ms; k++) {
    ws_time t = T0 + k * WS_MS;
    log->now = t - T0;
    g_assert_true(ws_queue_enqueue(q, stamped(log->pool, t, e), t));
    ws_packet *p = ws_queue_dequeue(q, t);
    g_assert_nonnull(p);
    if (p->ecn == WS_ECN_CE) marks[(*n_marks)++] = t - T0;
    ws_packet_free(log->pool, p);
  }
  *out_q = q;
}

static void test_state_machine(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  drop_log log = {.pool = pool};
  ws_time marks[1024];
  int n_marks;
  ws_queue *q;
  run_standing(false, &log, marks, &n_marks, &q, 1000);
  const ws_time want[] = {100, 200, 271, 329, 379, 424};
  g_assert_cmpint(log.drops, ==, (int)G_N_ELEMENTS(want));
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) g_assert_cmpint(log.drop_at[i], ==, want[i] * WS_MS);
  g_assert_cmpint(n_marks, ==, 0);
  g_assert_cmpuint(q->aqm_drops, ==, 6);
  uint32_t count;
  g_assert_false(ws_queue_codel_dropping(q, &count));
  g_assert_cmpuint(count, ==, 6);
  /* Re-entry (5.6): three extra packets push the sojourn back to 7 ms; an
   * interval later CoDel drops again and, having dropped recently, starts
   * from count - lastcount = 6 - 1 = 5 instead of 1. */
  ws_time t = T0 + 1001 * WS_MS;
  for (int i = 0; i < 3; i++) g_assert_true(ws_queue_enqueue(q, stamped(pool, t, 0), t));
  for (ws_time k = 1; k <= 110; k++) {
    ws_time now = t + k * WS_MS;
    log.now = now - T0;
    g_assert_true(ws_queue_enqueue(q, stamped(pool, now, 0), now));
    ws_packet_free(pool, ws_queue_dequeue(q, now));
    if (log.drops > 6) break;
  }
  g_assert_cmpint(log.drops, ==, 7);
  g_assert_true(ws_queue_codel_dropping(q, &count));
  g_assert_cmpuint(count, ==, 5);
  ws_queue_free(q, pool);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

static void test_ecn_marks(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  drop_log log = {.pool = pool};
  ws_time marks[1024];
  int n_marks;
  ws_queue *q;
  run_standing(true, &log, marks, &n_marks, &q, 1000);
  g_assert_cmpint(log.drops, ==, 0);
  g_assert_cmpuint(q->aqm_drops, ==, 0);
  g_assert_cmpuint(q->ecn_marks, ==, (uint64_t)n_marks);
  /* The marks follow drop_next = previous + interval / sqrt(count),
   * rounded up to the 1 ms departures: recompute the law independently. */
  double next_ms = 200;
  g_assert_cmpint(marks[0], ==, 100 * WS_MS);
  for (int i = 1; i < n_marks; i++) {
    g_assert_cmpint(marks[i], ==, (ws_time)ceil(next_ms - 1e-9) * WS_MS);
    next_ms += 100.0 / sqrt((double)(i + 1));
  }
  /* ... and no mark is missing: the law's next instant is past the run
   * (sum of 100/sqrt(k) ~ 200 sqrt(n) - 146 ms = 900 ms: n ~ 27). */
  g_assert_cmpfloat(next_ms, >, 1000.0);
  g_assert_cmpint(n_marks, ==, 27);
  ws_queue_free(q, pool);
  /* Not-ECT packets are dropped even with ecn on. */
  drop_log log2 = {.pool = pool};
  run_standing(true, &log2, marks, &n_marks, &q, 0);
  ws_queue_free(q, pool);
  ws_queue_config cfg = {.discipline = "codel", .limit = 1000, .ecn = true, .mtu_bytes = 1500};
  q = ws_queue_new(&cfg);
  q->drop_fn = on_drop;
  q->drop_ctx = &log2;
  for (int i = 10; i >= 1; i--) ws_queue_enqueue(q, stamped(pool, T0 - i * WS_MS, 0), T0);
  for (ws_time k = 0; k <= 150; k++) {
    ws_time now = T0 + k * WS_MS;
    log2.now = now - T0;
    ws_queue_enqueue(q, stamped(pool, now, 0), now);
    ws_packet_free(pool, ws_queue_dequeue(q, now));
  }
  g_assert_cmpint(log2.drops, ==, 1);
  g_assert_cmpuint(q->ecn_marks, ==, 0);
  ws_queue_free(q, pool);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

/* The experiments on an overloaded link (CoDel's standing delay against a
 * responsive sender, and against unresponsive Poisson overload, beside
 * drop-tail) are validation experiments: tests/validation/queues.c,
 * codel-standing-delay and codel-unresponsive, run by `make test` through
 * build/tests/validate-suite and by `wisim validate`. */

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/queue-codel/state-machine", test_state_machine);
  g_test_add_func("/queue-codel/ecn-marks", test_ecn_marks);
  return g_test_run();
}
