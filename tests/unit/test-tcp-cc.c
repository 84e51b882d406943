/* Unit tests of the congestion-control algorithms against their formulas
 * (RFC 5681, RFC 6582, RFC 9438), through the ws_tcp_cc_ops interface only:
 * no network. A window-limited sender is modelled by an ACK clock that
 * acknowledges one window per round trip, spread evenly over it. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/tcp.h"

#define MSS 1000u
#define SEG(x) ((uint32_t)((x) * MSS))

/* One connection's congestion control, driven by hand. */
typedef struct {
  const ws_tcp_cc_ops *ops;
  void *state;
  ws_tcp_cc_view v;
  uint64_t carry_bytes; /* part of a segment of window not yet acked (rounds
                           carry it, so that a fractional window is acked
                           exactly on average) */
} cc;

static void cc_open(cc *c, const char *name, double cwnd_segments, double ssthresh_segments) {
  memset(c, 0, sizeof *c);
  c->ops = ws_tcp_cc_find(name);
  g_assert_nonnull(c->ops);
  c->state = g_malloc0(c->ops->state_size);
  c->v.mss = MSS;
  c->v.cwnd = SEG(cwnd_segments);
  c->v.ssthresh = ssthresh_segments > 0 ? SEG(ssthresh_segments) : UINT32_MAX;
  c->v.now = 0;
  if (c->ops->init) c->ops->init(c->state, &c->v);
}

static void cc_close(cc *c) { g_free(c->state); }

/* A window-limited sender keeps a full window in flight. */
static void fill_pipe(cc *c) {
  c->v.bytes_in_flight = c->v.cwnd;
  c->v.flight_size = c->v.cwnd;
}

/* One round trip: the window present at its start is acknowledged by ACKs of
 * segs_per_ack segments, evenly spaced over rtt. */
static void cc_round(cc *c, ws_time rtt, unsigned segs_per_ack) {
  c->v.srtt_ns = rtt;
  c->v.min_rtt_ns = rtt;
  uint64_t window = c->v.cwnd + c->carry_bytes;
  uint64_t ack_bytes = (uint64_t)segs_per_ack * MSS;
  uint64_t n_acks = window / ack_bytes;
  c->carry_bytes = window - n_acks * ack_bytes;
  ws_time start = c->v.now;
  for (uint64_t i = 1; i <= n_acks; i++) {
    c->v.now = start + (ws_time)(i * (uint64_t)rtt / n_acks);
    fill_pipe(c);
    c->ops->on_ack(c->state, &c->v, (uint32_t)ack_bytes, rtt);
  }
  c->v.now = start + rtt;
}

static double cwnd_segments(const cc *c) { return (double)c->v.cwnd / MSS; }

/* A loss detected by duplicate ACKs with a full window in flight, followed
 * one round trip later by the end of recovery. */
static void cc_loss_and_recovery(cc *c, ws_time rtt) {
  fill_pipe(c);
  c->ops->on_loss(c->state, &c->v);
  c->v.in_recovery = true;
  c->v.now += rtt;
  c->ops->on_recovery_end(c->state, &c->v);
  c->v.in_recovery = false;
  c->carry_bytes = 0;
}

/* ---- registry -------------------------------------------------------------- */

static void test_registry(void) {
  const char *const *names = ws_tcp_cc_names();
  unsigned n = 0;
  for (; names[n]; n++) {
    const ws_tcp_cc_ops *ops = ws_tcp_cc_find(names[n]);
    g_assert_nonnull(ops);
    /* The registry line and the file's name field must agree. */
    g_assert_cmpstr(ops->name, ==, names[n]);
    g_assert_cmpuint(ops->state_size, >, 0);
    g_assert_nonnull(ops->on_ack);
    g_assert_nonnull(ops->on_loss);
    g_assert_nonnull(ops->on_recovery_end);
    g_assert_nonnull(ops->on_rto);
  }
  g_assert_cmpuint(n, ==, 2);
  g_assert_nonnull(ws_tcp_cc_find("newreno"));
  g_assert_nonnull(ws_tcp_cc_find("cubic"));
  g_assert_null(ws_tcp_cc_find("reno"));
  g_assert_null(ws_tcp_cc_find(""));
}

/* ---- NewReno --------------------------------------------------------------- */

/* RFC 5681 eq. 2: one SMSS per ACK of a segment doubles cwnd every RTT.
 * With delayed ACKs (2 segments per ACK) RFC 3465's L = 2 keeps the
 * doubling; a stretch ACK of 3 segments still counts only 2 (the L cap). */
static void test_newreno_slow_start(void) {
  static const struct {
    unsigned segs_per_ack;
    double factor;
  } cases[] = {{1, 2.0}, {2, 2.0}, {3, 1.0 + 2.0 / 3.0}};
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    cc c;
    cc_open(&c, "newreno", 12, 0);
    double expected = 12;
    for (int r = 0; r < 5; r++) {
      cc_round(&c, 50 * WS_MS, cases[k].segs_per_ack);
      expected *= cases[k].factor;
      /* Exact while the window is a multiple of the ACK size: always with 1
       * and 2 segments per ACK, in the first round with 3; later rounds of
       * the 3-segment case carry up to 2 segments of window to the next
       * round (no ACK for them yet), under 10% at these windows. */
      if (cases[k].segs_per_ack < 3 || r == 0)
        g_assert_cmpfloat(cwnd_segments(&c), ==, expected);
      else
        g_assert_cmpfloat(fabs(cwnd_segments(&c) / expected - 1), <, 0.10);
    }
    g_test_message("slow start, %u segment(s) per ACK: cwnd %.1f segments after 5 RTTs "
                   "(expected %.1f)",
                   cases[k].segs_per_ack, cwnd_segments(&c), expected);
    cc_close(&c);
  }
}

/* Slow start stops at ssthresh: the ACK that crosses it is cut there, its
 * remainder being one ACK of congestion avoidance. */
static void test_newreno_slow_start_to_ssthresh(void) {
  cc c;
  cc_open(&c, "newreno", 10, 15);
  cc_round(&c, 50 * WS_MS, 1);
  /* 5 ACKs reach 15 segments; the other 5 grow it by about 5/15 segment. */
  g_assert_cmpuint(c.v.cwnd, >=, SEG(15));
  g_assert_cmpfloat(cwnd_segments(&c), <, 15.0 + 5.0 / 15.0 + 1e-9);
  cc_close(&c);
}

/* RFC 5681 eq. 3, cwnd += SMSS^2/cwnd per ACK: W ACKs of one segment in a
 * round of a W-segment window add W * SMSS/cwnd, between W/(W+1) and 1
 * SMSS (cwnd grows within the round); delayed ACKs give half (Mathis' b). */
static void test_newreno_avoidance(void) {
  for (unsigned segs_per_ack = 1; segs_per_ack <= 2; segs_per_ack++) {
    cc c;
    cc_open(&c, "newreno", 40, 40);
    for (int r = 0; r < 10; r++) cc_round(&c, 50 * WS_MS, segs_per_ack);
    double per_rtt = (cwnd_segments(&c) - 40) / 10;
    double expected = 1.0 / segs_per_ack;
    g_test_message("congestion avoidance, %u segment(s) per ACK: %.4f segments per RTT "
                   "(expected %.4f x [40/51, 1])",
                   segs_per_ack, per_rtt, expected);
    g_assert_cmpfloat(per_rtt, <=, expected);
    /* cwnd reaches at most 50 segments in these 10 rounds: W/(W+1) >= 40/51 */
    g_assert_cmpfloat(per_rtt, >=, expected * 40.0 / 51.0);
    cc_close(&c);
  }
}

/* RFC 5681 eq. 4: ssthresh = max(FlightSize/2, 2 SMSS), cwnd = ssthresh on
 * entering recovery, cwnd = ssthresh again at its end (RFC 6582 3.2 step 3,
 * whatever inflation the endpoint added). */
static void test_newreno_loss(void) {
  cc c;
  cc_open(&c, "newreno", 100, 50);
  fill_pipe(&c);
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(50));
  g_assert_cmpuint(c.v.cwnd, ==, SEG(50));
  /* endpoint inflation (3 duplicates + 7 more), then the full ACK */
  c.v.cwnd += SEG(10);
  c.ops->on_recovery_end(c.state, &c.v);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(50));

  /* FlightSize, not cwnd: a receive-window-limited sender with 30 segments
   * out of 50 allowed. */
  c.v.cwnd = SEG(50);
  c.v.flight_size = SEG(30);
  c.v.bytes_in_flight = SEG(26); /* the pipe: 4 segments SACKed or lost */
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(15));
  /* without flight_size, the pipe stands in for it */
  c.v.cwnd = SEG(50);
  c.v.flight_size = 0;
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(13));
  /* the floor of 2 SMSS */
  c.v.flight_size = SEG(3);
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(2));
  g_assert_cmpuint(c.v.cwnd, ==, SEG(2));
  cc_close(&c);
}

/* RFC 5681 3.1: an RTO sets ssthresh by eq. 4 and cwnd to one SMSS; a
 * second RTO before any new ACK keeps ssthresh (FlightSize is then one
 * segment); a new ACK re-arms it. Then slow start from one segment. */
static void test_newreno_rto(void) {
  cc c;
  cc_open(&c, "newreno", 100, 0);
  fill_pipe(&c);
  c.ops->on_rto(c.state, &c.v);
  g_assert_cmpuint(c.v.cwnd, ==, MSS);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(50));
  fill_pipe(&c); /* the one retransmitted segment */
  c.ops->on_rto(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(50));
  g_assert_cmpuint(c.v.cwnd, ==, MSS);
  cc_round(&c, 50 * WS_MS, 1);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(2));
  c.v.flight_size = SEG(2);
  c.ops->on_rto(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(2));
  cc_close(&c);
}

/* The sawtooth with one loss every 1/p segments (the deterministic model of
 * Mathis et al., CCR 1997): mean window sqrt(3 / (2 b p)) segments. The
 * derivation counts the window in whole rounds of a continuous sawtooth; at
 * W ~ 40 segments the discrete one is within 3% (measured below 1.5%). */
static void test_newreno_sawtooth(void) {
  for (unsigned b = 1; b <= 2; b++) {
    const double p = 1e-3;
    cc c;
    cc_open(&c, "newreno", 10, 0);
    double since_loss = 0, window_sum = 0;
    int rounds = 0;
    for (int r = 0; r < 3000; r++) {
      double w = cwnd_segments(&c);
      if (r >= 500) { /* past the first cycles */
        window_sum += w;
        rounds++;
      }
      cc_round(&c, 50 * WS_MS, b);
      since_loss += w;
      if (since_loss >= 1 / p) {
        since_loss = 0;
        cc_loss_and_recovery(&c, 0);
      }
    }
    double mean = window_sum / rounds, expected = sqrt(3 / (2 * b * p));
    g_test_message("NewReno sawtooth, b = %u, p = %g: mean window %.2f segments, "
                   "Mathis %.2f",
                   b, p, mean, expected);
    g_assert_cmpfloat(fabs(mean / expected - 1), <, 0.03);
    cc_close(&c);
  }
}

/* ---- CUBIC ----------------------------------------------------------------- */

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

/* RFC 9438 eq. 1 and 2. */
static double rfc_k(double w_max, double cwnd_epoch) {
  return cbrt((w_max - cwnd_epoch) / CUBIC_C);
}
static double rfc_w_cubic(double t_s, double k_s, double w_max) {
  return CUBIC_C * pow(t_s - k_s, 3) + w_max;
}

/* 4.6: beta_cubic = 0.7 on loss, ssthresh at least 2 segments; recovery
 * ends at ssthresh; 4.8 on RTO: ssthresh as on loss, cwnd = 1 segment. */
static void test_cubic_decrease(void) {
  cc c;
  cc_open(&c, "cubic", 100, 50);
  fill_pipe(&c);
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(70));
  g_assert_cmpuint(c.v.cwnd, ==, SEG(70));
  c.v.cwnd += SEG(5);
  c.ops->on_recovery_end(c.state, &c.v);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(70));
  c.v.cwnd = SEG(2);
  fill_pipe(&c);
  c.ops->on_loss(c.state, &c.v);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(2));

  c.v.cwnd = SEG(100);
  fill_pipe(&c);
  c.ops->on_rto(c.state, &c.v);
  g_assert_cmpuint(c.v.cwnd, ==, MSS);
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(70));
  fill_pipe(&c);
  c.ops->on_rto(c.state, &c.v); /* repeated: ssthresh kept */
  g_assert_cmpuint(c.v.ssthresh, ==, SEG(70));
  /* slow start as Reno (4.10) */
  cc_round(&c, 100 * WS_MS, 1);
  cc_round(&c, 100 * WS_MS, 1);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(4));
  cc_close(&c);
}

/* The worked example: W_max = 1000 segments (a 100 Mbit/s x 100 ms path),
 * RTT = 100 ms. After the loss cwnd = 700 = W_cubic(0) and K = cbrt(1000 x
 * 0.3 / 0.4) = cbrt(750) = 9.086 s. (At this size the Reno-friendly W_est,
 * 700 + 0.53 per RTT, stays below W_cubic for the 16 s looked at.) cwnd
 * chases W_cubic(t + RTT) with a time constant of one RTT, so it tracks
 * W_cubic(t) with an error below the curve's growth over one RTT (+ 0.5
 * segment for the per-ACK steps). Returns the cwnd samples, one per RTT. */
static GArray *cubic_worked_example(double seconds) {
  const ws_time rtt = 100 * WS_MS;
  cc c;
  cc_open(&c, "cubic", 1000, 500);
  c.v.srtt_ns = rtt;
  cc_loss_and_recovery(&c, rtt);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(700));
  double k = rfc_k(1000, 700);
  g_assert_cmpfloat(fabs(k - 9.0856030), <, 1e-6);
  g_assert_cmpfloat(fabs(rfc_w_cubic(0, k, 1000) - 700), <, 1e-9);
  GArray *samples = g_array_new(FALSE, FALSE, sizeof(double));
  ws_time epoch = c.v.now; /* the first ACK comes rtt/700 later: 0.14 ms */
  for (int r = 0; r * 0.1 < seconds; r++) {
    double t = ws_time_to_s(c.v.now - epoch);
    double w = cwnd_segments(&c);
    g_array_append_val(samples, w);
    double expected = rfc_w_cubic(t, k, 1000);
    double slack = fabs(rfc_w_cubic(t + 0.1, k, 1000) - expected) + 0.5;
    if (fabs(w - expected) > slack)
      g_error("t = %.1f s: cwnd %.3f, W_cubic %.3f (tolerance %.3f)", t, w, expected, slack);
    cc_round(&c, rtt, 1);
  }
  cc_close(&c);
  return samples;
}

static void test_cubic_w_cubic(void) {
  GArray *s = cubic_worked_example(16);
  g_assert_cmpuint(s->len, >, 150);
  double *w = (double *)s->data;
  double k = rfc_k(1000, 700);
  /* Half way (t = 4.5 s) W_cubic = 961.4 (a K 10% larger would give 950);
   * at t = K (sample 91, 9.1 s) back at W_max = 1000. Within one segment:
   * the curve moves 1.3 segments per RTT at 4.5 s, 0 at K. */
  g_test_message("CUBIC W_max = 1000, RTT 100 ms, K = %.3f s: cwnd(4.5 s) = %.2f (W_cubic "
                 "%.2f), cwnd(9.1 s) = %.2f (1000), cwnd(15 s) = %.2f (W_cubic %.2f)",
                 k, w[45], rfc_w_cubic(4.5, k, 1000), w[91], w[150], rfc_w_cubic(15, k, 1000));
  g_assert_cmpfloat(fabs(w[45] - rfc_w_cubic(4.5, k, 1000)), <, 1.0);
  g_assert_cmpfloat(fabs(w[91] - 1000), <, 1.0);
  g_assert_cmpfloat(fabs(w[150] - rfc_w_cubic(15, k, 1000)), <, 0.02 * 1000);
  g_array_free(s, TRUE);
}

/* 4.4 / 4.5: the growth per 2 s falls before K (concave) and rises after it
 * (convex), with the plateau at W_max. */
static void test_cubic_concave_convex(void) {
  GArray *s = cubic_worked_example(16.5);
  g_assert_cmpuint(s->len, >, 160);
  double *w = (double *)s->data;
#define GROWTH(a, b) (w[b] - w[a])
  double g0 = GROWTH(0, 20), g1 = GROWTH(30, 50), g2 = GROWTH(60, 80);
  double g3 = GROWTH(100, 120), g4 = GROWTH(120, 140), g5 = GROWTH(140, 160);
#undef GROWTH
  g_test_message("CUBIC growth per 2 s: %.1f %.1f %.1f (concave) | %.1f %.1f %.1f (convex)", g0,
                 g1, g2, g3, g4, g5);
  g_assert_cmpfloat(g0, >, g1);
  g_assert_cmpfloat(g1, >, g2);
  g_assert_cmpfloat(g3, <, g4);
  g_assert_cmpfloat(g4, <, g5);
  for (guint i = 1; i < s->len; i++) g_assert_cmpfloat(w[i], >=, w[i - 1]);
  g_array_free(s, TRUE);
}

/* 4.7: a loss below the previous W_max lowers W_max to cwnd (1 + beta)/2:
 * 800 -> 680, so the curve now flattens at 680 at K = cbrt((680 - 560) /
 * 0.4) = 6.694 s, where without fast convergence it would be at 797.9 on
 * its way to 800. */
static void test_cubic_fast_convergence(void) {
  const ws_time rtt = 100 * WS_MS;
  cc c;
  cc_open(&c, "cubic", 1000, 500);
  c.v.srtt_ns = rtt;
  cc_loss_and_recovery(&c, rtt); /* W_max = 1000 */
  cc_round(&c, rtt, 1);
  c.v.cwnd = SEG(800);           /* the window met a loss at 800 < W_max */
  cc_loss_and_recovery(&c, rtt);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(560));
  double w_max = 800 * (1 + CUBIC_BETA) / 2, k = rfc_k(w_max, 560);
  g_assert_cmpfloat(fabs(w_max - 680), <, 1e-9);
  for (int r = 0; r < 67; r++) cc_round(&c, rtt, 1);
  double at_k = cwnd_segments(&c);
  g_test_message("fast convergence: W_max %.1f, K %.3f s, cwnd(6.7 s) = %.2f "
                 "(%.2f without fast convergence)",
                 w_max, k, at_k, rfc_w_cubic(6.7, rfc_k(800, 560), 800));
  g_assert_cmpfloat(fabs(at_k - 680), <, 1.0);

  /* A loss at or above W_max sets W_max = cwnd (no fast convergence). */
  c.v.cwnd = SEG(900);
  cc_loss_and_recovery(&c, rtt);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(630));
  for (int r = 0; r < 88; r++) cc_round(&c, rtt, 1);
  g_assert_cmpfloat(fabs(cwnd_segments(&c) - 900), <, 1.0);
  cc_close(&c);
}

/* 4.3: with a small window and a short RTT (W_max = 10 segments, 10 ms),
 * W_cubic stays near 10 for K = 1.96 s = 196 RTTs, while Reno would add a
 * segment per RTT: cwnd follows W_est = 7 + alpha_cubic per RTT, alpha =
 * 3 (1 - 0.7) / 1.7 = 0.529, then + 1 per RTT once W_est reaches
 * cwnd_prior = 10 (after 3 / 0.529 = 5.67 RTTs). */
static void test_cubic_reno_friendly(void) {
  const ws_time rtt = 10 * WS_MS;
  const double alpha = 3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);
  cc c;
  cc_open(&c, "cubic", 10, 5);
  c.v.srtt_ns = rtt;
  cc_loss_and_recovery(&c, rtt);
  g_assert_cmpuint(c.v.cwnd, ==, SEG(7));
  double k = rfc_k(10, 7);
  for (int r = 0; r < 5; r++) cc_round(&c, rtt, 1);
  double w5 = cwnd_segments(&c);
  for (int r = 5; r < 20; r++) cc_round(&c, rtt, 1);
  double w20 = cwnd_segments(&c);
  double e5 = 7 + 5 * alpha, e20 = 10 + (20 - 3 / alpha);
  g_test_message("Reno-friendly: cwnd after 5 RTTs %.3f (W_est %.3f), after 20 RTTs %.3f "
                 "(W_est %.3f, W_cubic %.3f)",
                 w5, e5, w20, e20, rfc_w_cubic(0.2, k, 10));
  /* The fluid W_est is an upper bound: a round of W ACKs adds alpha / cwnd
   * each while cwnd grows from W to W + alpha, i.e. between alpha W / (W + 1)
   * and alpha: at most alpha / 8 short per round at W >= 7 (5 rounds: 0.33
   * segment), at most 1 / 11 at W >= 10 (14.3 rounds: 1.3 segments). */
  g_assert_cmpfloat(w5, <=, e5 + 1e-9);
  g_assert_cmpfloat(w5, >=, e5 - 5 * alpha / 8);
  g_assert_cmpfloat(w20, <=, e20 + 1e-9);
  g_assert_cmpfloat(w20, >=, e20 - 5 * alpha / 8 - 14.33 / 11);
  g_assert_cmpfloat(w20, >, rfc_w_cubic(0.2, k, 10) + 10);
  cc_close(&c);
}

/* RFC 9438 section 5, Figure 6: with one loss every 1/p segments CUBIC's
 * mean window is (C (3 + beta) / (4 (1 - beta)))^(1/4) RTT^(3/4) / p^(3/4)
 * segments (RTT in seconds) when that exceeds the Reno-friendly one; at
 * 100 ms and p = 1e-5 that is 1054 segments against Reno's sqrt(3/(2p)) =
 * 387 (the RFC's Table 1, and the long fat path of the validation). The
 * RFC's derivation is a fluid model; the per-ACK one is within 5%
 * (measured 1.3%). */
static void test_cubic_response_function(void) {
  const double p = 1e-5, rtt_s = 0.1;
  cc c;
  cc_open(&c, "cubic", 1000, 500);
  double since_loss = 0, window_sum = 0;
  int rounds = 0;
  for (int r = 0; r < 1500; r++) {
    double w = cwnd_segments(&c);
    if (r >= 300) {
      window_sum += w;
      rounds++;
    }
    cc_round(&c, (ws_time)(rtt_s * 1e9), 1);
    since_loss += w;
    if (since_loss >= 1 / p) {
      since_loss = 0;
      cc_loss_and_recovery(&c, 0);
    }
  }
  double mean = window_sum / rounds;
  double expected = pow(CUBIC_C * (3 + CUBIC_BETA) / (4 * (1 - CUBIC_BETA)), 0.25) *
                    pow(rtt_s, 0.75) / pow(p, 0.75);
  g_test_message("CUBIC response function, p = %g, RTT %.0f ms: mean window %.1f segments, "
                 "RFC 9438 5.1: %.1f (Reno %.1f)",
                 p, rtt_s * 1e3, mean, expected, sqrt(1.5 / p));
  g_assert_cmpfloat(fabs(mean / expected - 1), <, 0.05);
  cc_close(&c);
}

/* ---- HyStart++ (RFC 9406), through CUBIC's first slow start --------------- */

/* Runs CUBIC's first slow start for `rounds` round trips of the given RTTs
 * (ms, one per round) and returns cwnd (segments) after each. */
static void hystart_run(const double *rtt_ms, unsigned rounds, double *cwnd_out, cc *c) {
  cc_open(c, "cubic", 10, 0);
  for (unsigned r = 0; r < rounds; r++) {
    cc_round(c, (ws_time)(rtt_ms[r] * WS_MS), 1);
    cwnd_out[r] = cwnd_segments(c);
  }
}

/* A constant RTT: no exit, slow start doubles per round as Reno's. */
static void test_hystart_constant_rtt(void) {
  double rtt[6] = {40, 40, 40, 40, 40, 40}, w[6];
  cc c;
  hystart_run(rtt, 6, w, &c);
  g_assert_cmpfloat(w[5], ==, 640);
  g_assert_cmpuint(c.v.ssthresh, ==, UINT32_MAX);
  cc_close(&c);
}

/* The RTT grows by 10 ms per round from round 3 (a queue building): the
 * round minimum exceeds the last one by more than clamp(40 / 8, 4, 16) = 5
 * ms, so slow start gives way to CSS (a quarter of the growth: x1.25 per
 * round instead of x2) and, after 5 rounds of CSS, to congestion
 * avoidance with ssthresh = cwnd (RFC 9406 4.2). */
static void test_hystart_exit(void) {
  double rtt[12] = {40, 40, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130}, w[12];
  cc c;
  hystart_run(rtt, 12, w, &c);
  g_test_message("HyStart++ with a rising RTT: cwnd per round %.0f %.0f %.0f %.0f %.0f %.0f %.0f "
                 "%.0f %.0f %.0f %.0f %.0f, ssthresh %.0f",
                 w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11],
                 (double)c.v.ssthresh / MSS);
  g_assert_cmpfloat(w[2], ==, 80);           /* slow start: 10 -> 80 */
  g_assert_cmpfloat(w[3], <, 2 * w[2]);      /* exit during round 3 */
  g_assert_cmpfloat(w[5] / w[4], <, 1.3);    /* CSS: x1.25 */
  g_assert_cmpfloat(w[5] / w[4], >, 1.2);
  g_assert_cmpuint(c.v.ssthresh, <, UINT32_MAX); /* in congestion avoidance */
  g_assert_cmpfloat(fabs((double)c.v.ssthresh / MSS - w[9]), <, w[9] * 0.3);
  /* plain slow start would be at 10 x 2^12 = 40960 segments */
  g_assert_cmpfloat(w[11], <, 1000);
  cc_close(&c);
}

/* A one-round rise of the RTT (a transient queue) moves to CSS; the next
 * round's minimum below the CSS baseline resumes slow start (RFC 9406 4.2). */
static void test_hystart_spurious(void) {
  double rtt[7] = {40, 40, 40, 60, 40, 40, 40}, w[7];
  cc c;
  hystart_run(rtt, 7, w, &c);
  g_test_message("HyStart++ with a transient RTT rise: cwnd per round %.0f %.0f %.0f %.0f %.0f "
                 "%.0f %.0f",
                 w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
  g_assert_cmpfloat(w[3], <, 2 * w[2]);
  g_assert_cmpfloat(w[6] / w[5], >, 1.9); /* doubling again */
  g_assert_cmpuint(c.v.ssthresh, ==, UINT32_MAX);
  cc_close(&c);
}

/* Only the first slow start uses HyStart++ (RFC 9406 4.3): after an RTO the
 * same rising RTT does not stop slow start before ssthresh. */
static void test_hystart_first_only(void) {
  cc c;
  cc_open(&c, "cubic", 100, 0);
  fill_pipe(&c);
  c.ops->on_rto(c.state, &c.v); /* ssthresh 70, cwnd 1 */
  double rtt[5] = {40, 50, 60, 70, 80};
  for (unsigned r = 0; r < 5; r++) cc_round(&c, (ws_time)(rtt[r] * WS_MS), 1);
  g_assert_cmpfloat(cwnd_segments(&c), ==, 32);
  cc_close(&c);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tcp-cc/registry", test_registry);
  g_test_add_func("/tcp-cc/newreno/slow-start", test_newreno_slow_start);
  g_test_add_func("/tcp-cc/newreno/slow-start-to-ssthresh", test_newreno_slow_start_to_ssthresh);
  g_test_add_func("/tcp-cc/newreno/avoidance", test_newreno_avoidance);
  g_test_add_func("/tcp-cc/newreno/loss", test_newreno_loss);
  g_test_add_func("/tcp-cc/newreno/rto", test_newreno_rto);
  g_test_add_func("/tcp-cc/newreno/sawtooth", test_newreno_sawtooth);
  g_test_add_func("/tcp-cc/cubic/decrease", test_cubic_decrease);
  g_test_add_func("/tcp-cc/cubic/w-cubic", test_cubic_w_cubic);
  g_test_add_func("/tcp-cc/cubic/concave-convex", test_cubic_concave_convex);
  g_test_add_func("/tcp-cc/cubic/fast-convergence", test_cubic_fast_convergence);
  g_test_add_func("/tcp-cc/cubic/reno-friendly", test_cubic_reno_friendly);
  g_test_add_func("/tcp-cc/cubic/response-function", test_cubic_response_function);
  g_test_add_func("/tcp-cc/hystart/constant-rtt", test_hystart_constant_rtt);
  g_test_add_func("/tcp-cc/hystart/exit", test_hystart_exit);
  g_test_add_func("/tcp-cc/hystart/spurious", test_hystart_spurious);
  g_test_add_func("/tcp-cc/hystart/first-slow-start-only", test_hystart_first_only);
  return g_test_run();
}
