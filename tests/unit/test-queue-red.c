/* Tests of RED (sim/net/queue-red.c) against Floyd & Jacobson 1993: the
 * EWMA of a constant queue in closed form, the idle-time correction (also
 * after arrivals dropped at an empty queue), p_b in
 * the linear and gentle regions, the spacing of drops by count (uniform
 * inter-drop gaps, in the gentle region), forced drops and ECN marking
 * (RFC 3168 section 5). The steady state and the overloaded link are
 * validation experiments (tests/validation/queues.c). */
#include <glib.h>
#include <math.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/queue.h"
#include "wisim/rng.h"

static ws_packet *make(ws_packet_pool *pool, uint32_t ip_bytes, uint8_t ecn) {
  ws_packet *p = ws_packet_new(pool);
  p->ip_bytes = ip_bytes;
  p->ecn = ecn;
  return p;
}

typedef struct {
  uint64_t offered, refused, marked;
  uint64_t gaps, gap_sum, gap_max, since_last; /* arrivals between refusals */
} hold_stats;

/* Offers n packets to q, each seeing exactly `level` waiting packets: an
 * accepted arrival is followed by one departure, a refused one by none
 * (so the instantaneous queue stays at level whatever RED decides). The
 * first call must find q holding level packets. */
static void hold(ws_queue *q, ws_packet_pool *pool, uint64_t level, uint64_t n, uint8_t ecn,
                 ws_time *now, hold_stats *st) {
  for (uint64_t i = 0; i < n; i++) {
    g_assert_cmpuint(ws_queue_packets(q), ==, level);
    ws_packet *p = make(pool, 1000, ecn);
    *now += WS_US;
    st->offered++;
    st->since_last++;
    if (ws_queue_enqueue(q, p, *now)) {
      if (p->ecn == WS_ECN_CE && ecn != WS_ECN_CE) st->marked++;
      ws_packet *out = ws_queue_dequeue(q, *now);
      g_assert_nonnull(out);
      ws_packet_free(pool, out);
    } else {
      ws_packet_free(pool, p);
      st->refused++;
      st->gaps++;
      st->gap_sum += st->since_last;
      st->gap_max = MAX(st->gap_max, st->since_last);
      st->since_last = 0;
    }
  }
}

/* Fills q with level packets at time now (arrivals see 0..level-1). */
static void fill(ws_queue *q, ws_packet_pool *pool, uint64_t level, ws_time now) {
  for (uint64_t i = 0; i < level; i++) g_assert_true(ws_queue_enqueue(q, make(pool, 1000, 0), now));
}

static ws_queue *red(const ws_queue_config *cfg) {
  ws_queue *q = ws_queue_new(cfg);
  g_assert_nonnull(q);
  return q;
}

/* Below min_th RED is a FIFO, and its average is the EWMA of the queue seen
 * by arrivals (section 4): after the fill (arrivals seeing 0..L-1) it is
 * sum_k w (1-w)^(L-1-k) k, then with the queue held at L for n arrivals
 * avg_n = L + (avg_0 - L)(1-w)^n. Tolerance 1e-9 relative: rounding only. */
static void test_avg_constant_queue(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "red", .limit = 1000, .red_min = 100, .red_max = 300,
                         .rate_bps = 10000000};
  ws_queue *q = red(&cfg);
  const uint64_t level = 50;
  const double w = 0.002;
  fill(q, pool, level, 0);
  double avg0 = 0;
  for (uint64_t k = 0; k < level; k++) avg0 += w * pow(1 - w, (double)(level - 1 - k)) * (double)k;
  g_assert_cmpfloat_with_epsilon(ws_queue_red_avg(q), avg0, 1e-9 * level);
  ws_time now = 0;
  hold_stats st = {0};
  const uint64_t n = 1000;
  hold(q, pool, level, n, WS_ECN_NOT_ECT, &now, &st);
  double want = (double)level + (avg0 - (double)level) * pow(1 - w, (double)n);
  g_assert_cmpfloat_with_epsilon(ws_queue_red_avg(q), want, 1e-9 * level);
  g_assert_cmpuint(st.refused, ==, 0); /* avg < min_th: no early drop */
  double pb, pa;
  ws_queue_red_last_p(q, &pb, &pa);
  g_assert_cmpfloat(pb, ==, 0);
  ws_queue_free(q, pool);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

/* The idle correction (section 4, Fig. 2): when the transmitter finds the
 * queue empty at t0 and the next packet arrives at t0 + D, the average
 * first decays as if m = D / s packets had arrived to an empty queue (s =
 * 500 B at 10 Mbit/s = 400 us; D = 40 ms: m = 100), then takes the arrival's
 * own update with q = 0: avg = avg_before (1-w)^m (1-w). */
static void test_idle_correction(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "red", .limit = 1000, .red_min = 100, .red_max = 300,
                         .rate_bps = 10000000};
  ws_queue *q = red(&cfg);
  fill(q, pool, 20, 0);
  ws_time now = 0;
  hold_stats st = {0};
  hold(q, pool, 20, 3000, WS_ECN_NOT_ECT, &now, &st);
  double before = ws_queue_red_avg(q);
  ws_packet *p;
  while ((p = ws_queue_dequeue(q, now)) != NULL) ws_packet_free(pool, p); /* idle from now */
  g_assert_cmpfloat(ws_queue_red_avg(q), ==, before); /* departures do not move it */
  g_assert_true(ws_queue_enqueue(q, make(pool, 1000, 0), now + 40 * WS_MS));
  double want = before * pow(0.998, 100.0) * 0.998;
  g_assert_cmpfloat_with_epsilon(ws_queue_red_avg(q), want, 1e-9 * before);
  /* A queue that is empty while the transmitter is busy (no dequeue found
   * it empty) is not idle: no decay beyond the update itself. */
  p = ws_queue_dequeue(q, now + 40 * WS_MS);
  ws_packet_free(pool, p);
  double b2 = ws_queue_red_avg(q);
  g_assert_true(ws_queue_enqueue(q, make(pool, 1000, 0), now + 80 * WS_MS));
  g_assert_cmpfloat_with_epsilon(ws_queue_red_avg(q), b2 * 0.998, 1e-12);
  ws_queue_free(q, pool);
  ws_packet_pool_free(pool);
}

/* An arrival that RED drops at an empty queue leaves the link idle: the
 * idle period goes on from the drop, so a lone packet arriving a second
 * later finds an average decayed by (1-w)^m with m = 1 s / 400 us = 2500
 * and is accepted. (Before this was kept, the drop cleared the idle state
 * and the average stayed frozen above max_th: every lone packet, e.g. each
 * TCP retransmission after a timeout, was dropped.) */
static void test_idle_after_early_drop(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "red", .limit = 1000, .rate_bps = 10000000};
  ws_queue *q = red(&cfg); /* min 5, max 15, gentle: forced drops above 30 */
  fill(q, pool, 40, 0);
  ws_time now = 0;
  hold_stats st = {0};
  hold(q, pool, 40, 5000, WS_ECN_NOT_ECT, &now, &st);
  g_assert_cmpfloat(ws_queue_red_avg(q), >, 30.0);
  ws_packet *p;
  while ((p = ws_queue_dequeue(q, now)) != NULL) ws_packet_free(pool, p); /* idle from now */
  /* 1 ms later (m = 2.5): the average is still above 2 max_th: forced drop. */
  now += WS_MS;
  p = make(pool, 1000, 0);
  g_assert_false(ws_queue_enqueue(q, p, now));
  ws_packet_free(pool, p);
  double after_drop = ws_queue_red_avg(q);
  g_assert_cmpfloat(after_drop, >, 30.0);
  g_assert_cmpuint(ws_queue_packets(q), ==, 0);
  /* 1 s later: decayed from the drop's time, then the q = 0 update. */
  now += WS_S;
  g_assert_true(ws_queue_enqueue(q, make(pool, 1000, 0), now));
  double want = after_drop * pow(0.998, 2500.0) * 0.998;
  g_assert_cmpfloat_with_epsilon(ws_queue_red_avg(q), want, 1e-9 * after_drop);
  ws_queue_free(q, pool);
  ws_packet_pool_free(pool);
}

/* The steady state (queue held at 10 packets: avg, p_b, the drop fraction
 * 2 p_b and the longest gap) is a validation experiment:
 * tests/validation/queues.c, red-steady-state (`wisim validate`). */

/* Gentle mode (Floyd 2000): for max_th <= avg < 2 max_th, p_b = max_p +
 * (1 - max_p)(avg - max_th)/max_th: at avg 16 (min 5, max 15, max_p 0.1)
 * p_b = 0.1 + 0.9 / 15 = 0.16, and the count spacing still applies: gaps n
 * = 1..5 each with probability p_b/(1 - p_b) = 0.190476, n = 6 with the rest
 * (0.047619), mean gap 3.1429 (100,000 arrivals, ~32,000 gaps of sd 1.5:
 * standard error 0.008, 1% = 4 sigma). Without gentle, everything above
 * max_th is dropped; with gentle, everything above 2 max_th. */
static void test_gentle_and_forced(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  for (int gentle_off = 0; gentle_off < 2; gentle_off++) {
    ws_queue_config cfg = {.discipline = "red", .limit = 100, .red_min = 5, .red_max = 15,
                           .red_pmax = 0.1, .red_gentle_off = gentle_off, .rate_bps = 10000000};
    ws_queue *q = red(&cfg);
    fill(q, pool, 16, 0);
    ws_time now = 0;
    hold_stats warm = {0}, st = {0};
    hold(q, pool, 16, 20000, WS_ECN_NOT_ECT, &now, &warm);
    hold(q, pool, 16, 100000, WS_ECN_NOT_ECT, &now, &st);
    double pb, pa;
    ws_queue_red_last_p(q, &pb, &pa);
    if (gentle_off) {
      g_assert_cmpuint(st.refused, ==, st.offered);
      g_assert_cmpfloat(pb, ==, 1);
    } else {
      g_assert_cmpfloat_with_epsilon(pb, 0.16, 1e-9);
      double mean_gap = (double)st.gap_sum / (double)st.gaps;
      g_test_message("gentle: mean gap %.4f, max %" G_GUINT64_FORMAT, mean_gap, st.gap_max);
      g_assert_cmpfloat(fabs(mean_gap - 3.142857) / 3.142857, <, 0.01);
      g_assert_cmpuint(st.gap_max, <=, 6);
    }
    ws_queue_free(q, pool);
    /* Above 2 max_th, gentle RED drops everything too. */
    q = red(&cfg);
    fill(q, pool, 40, 0);
    now = 0;
    hold_stats w2 = {0}, s2 = {0};
    hold(q, pool, 40, 20000, WS_ECN_NOT_ECT, &now, &w2);
    hold(q, pool, 40, 100, WS_ECN_NOT_ECT, &now, &s2);
    g_assert_cmpuint(s2.refused, ==, s2.offered);
    ws_queue_free(q, pool);
  }
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

/* ECN (RFC 3168 section 5): with ecn on, an ECN-capable packet that RED
 * would drop at random is marked CE and queued; the marks follow the same
 * law as the drops did (fraction 2 p_b = 0.1, same tolerance as above), and
 * nothing is dropped. Not-ECT packets are still dropped. In the forced
 * region (above 2 max_th in gentle mode) even ECT packets are dropped. */
static void test_ecn_marking(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "red", .limit = 100, .red_min = 5, .red_max = 15,
                         .red_pmax = 0.1, .ecn = true, .rate_bps = 10000000};
  ws_queue *q = red(&cfg);
  fill(q, pool, 10, 0);
  ws_time now = 0;
  hold_stats warm = {0}, st = {0}, plain = {0};
  hold(q, pool, 10, 20000, WS_ECN_ECT0, &now, &warm);
  hold(q, pool, 10, 100000, WS_ECN_ECT0, &now, &st);
  g_assert_cmpuint(warm.refused + st.refused, ==, 0);
  g_assert_cmpfloat(fabs((double)st.marked / (double)st.offered - 0.1), <, 0.003);
  g_assert_cmpuint(q->ecn_marks, ==, warm.marked + st.marked);
  g_assert_cmpuint(q->aqm_drops, ==, 0);
  /* A packet already CE stays CE and is not counted again. */
  hold_stats ce = {0};
  uint64_t marks = q->ecn_marks;
  hold(q, pool, 10, 1000, WS_ECN_CE, &now, &ce);
  g_assert_cmpuint(ce.refused, ==, 0);
  g_assert_cmpuint(q->ecn_marks, ==, marks);
  hold(q, pool, 10, 100000, WS_ECN_NOT_ECT, &now, &plain);
  g_assert_cmpfloat(fabs((double)plain.refused / (double)plain.offered - 0.1), <, 0.003);
  ws_queue_free(q, pool);
  q = red(&cfg);
  fill(q, pool, 40, 0);
  now = 0;
  hold_stats w2 = {0}, s2 = {0};
  hold(q, pool, 40, 20000, WS_ECN_ECT1, &now, &w2);
  hold(q, pool, 40, 100, WS_ECN_ECT1, &now, &s2);
  g_assert_cmpuint(s2.refused, ==, s2.offered);
  ws_queue_free(q, pool);
  ws_packet_pool_free(pool);
}

/* RED on a link overloaded by Poisson arrivals (drop fraction = excess
 * load) is a validation experiment: tests/validation/queues.c, red-overload. */

/* The same seed gives the same drops; another seed's stream differs. */
static void test_deterministic(void) {
  uint64_t refused[3];
  for (int i = 0; i < 3; i++) {
    ws_packet_pool *pool = ws_packet_pool_new();
    ws_queue_config cfg = {.discipline = "red", .limit = 100, .red_min = 5, .red_max = 15,
                           .red_seed = i == 2 ? 2 : 1, .red_entity = "link x",
                           .red_purpose = "red a->b", .rate_bps = 10000000};
    ws_queue *q = red(&cfg);
    fill(q, pool, 10, 0);
    ws_time now = 0;
    hold_stats st = {0};
    hold(q, pool, 10, 30000, WS_ECN_NOT_ECT, &now, &st);
    refused[i] = st.refused * 1000003u + st.gap_sum;
    ws_queue_free(q, pool);
    ws_packet_pool_free(pool);
  }
  g_assert_cmpuint(refused[0], ==, refused[1]);
  g_assert_cmpuint(refused[0], !=, refused[2]);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/queue-red/avg-constant-queue", test_avg_constant_queue);
  g_test_add_func("/queue-red/idle-correction", test_idle_correction);
  g_test_add_func("/queue-red/idle-after-early-drop", test_idle_after_early_drop);
  g_test_add_func("/queue-red/gentle-and-forced", test_gentle_and_forced);
  g_test_add_func("/queue-red/ecn-marking", test_ecn_marking);
  g_test_add_func("/queue-red/deterministic", test_deterministic);
  return g_test_run();
}
