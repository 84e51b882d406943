/* wisim CUBIC congestion control (RFC 9438): window W_cubic(t) = C (t - K)^3
 * + W_max after each reduction, Reno-friendly estimate, concave and convex
 * regions, fast convergence, beta = 0.7; the first slow start by HyStart++
 * (RFC 9406), later ones as Reno. Windows are kept in segments (doubles)
 * inside, as the RFC writes them; the connection sees bytes. */
#include <glib.h>
#include <math.h>

#include "wisim/tcp.h"

/* RFC 9438 constants: C in segments/s^3 (4.2), beta_cubic (4.6), and the
 * Reno-friendly additive increase alpha_cubic = 3 (1 - beta) / (1 + beta)
 * (4.3), which gives the same average window as Reno's AIMD(1, 0.5). */
#define CUBIC_C 0.4
#define CUBIC_BETA 0.7
#define CUBIC_ALPHA (3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

typedef struct {
  double w_max;        /* segments: cwnd before the last reduction (4.6, 4.7) */
  double cwnd_prior;   /* segments: cwnd at the last congestion event (4.3: alpha
                          becomes 1 once W_est reaches it); 0 before any */
  double k_s;          /* seconds from the epoch start to W_max (eq. 2) */
  double w_est;        /* segments: the Reno-friendly estimate (4.3) */
  double cwnd_frac;    /* bytes of growth below one byte, not yet in cwnd */
  ws_time epoch_start; /* start of the current congestion-avoidance stage */
  bool in_epoch;       /* epoch_start, k_s and w_est are valid */
  bool after_rto;      /* the next epoch has K = 0 and W_max = cwnd (4.8) */
  bool rto_pending;    /* RTO with no new ACK since: a repeated RTO keeps ssthresh */
  ws_tcp_hystart hystart; /* the first slow start (RFC 9438 4.10: SHOULD) */
} cubic_state;

/* RFC 9438 eq. 1: W_cubic(t) = C (t - K)^3 + W_max, segments. */
static double w_cubic(const cubic_state *st, double t_s) {
  double d = t_s - st->k_s;
  return CUBIC_C * d * d * d + st->w_max;
}

/* Sets cwnd to want_bytes, keeping the fraction for the next ACK. */
static void set_cwnd(cubic_state *st, ws_tcp_cc_view *v, double want_bytes) {
  want_bytes = fmin(want_bytes, (double)UINT32_MAX);
  double whole = floor(want_bytes);
  v->cwnd = (uint32_t)whole;
  st->cwnd_frac = want_bytes - whole;
}

/* The first ACK of a congestion-avoidance stage starts the epoch (4.2):
 * cwnd_epoch = cwnd, K from eq. 2 with cwnd_epoch, W_est = cwnd_epoch.
 * After a timeout (4.8) or a slow start ended without loss (4.10), K = 0
 * and W_max = cwnd_epoch; so too when cwnd is already above W_max, where
 * eq. 2 has no real root (Linux's origin point does the same). */
static void start_epoch(cubic_state *st, const ws_tcp_cc_view *v, double cwnd_seg) {
  st->in_epoch = true;
  st->epoch_start = v->now;
  if (st->after_rto || st->w_max <= cwnd_seg) {
    st->w_max = cwnd_seg;
    st->k_s = 0;
  } else {
    st->k_s = cbrt((st->w_max - cwnd_seg) / CUBIC_C);
  }
  st->after_rto = false;
  st->w_est = cwnd_seg;
  /* 4.10: leaving the first slow start without a loss (HyStart++),
   * cwnd_prior = cwnd. */
  if (st->cwnd_prior == 0) st->cwnd_prior = cwnd_seg;
}

static void cubic_on_ack(void *state, ws_tcp_cc_view *v, uint32_t acked, ws_time rtt_ns) {
  cubic_state *st = state;
  st->rto_pending = false;
  if (v->cwnd < v->ssthresh) {
    /* 4.10: slow start, the first one through HyStart++: with beta = 0.7 a
     * slow start that overshoots the path twofold leaves cwnd at 1.4 times
     * what it holds, and the recovery loses its retransmissions. The epoch
     * starts when cwnd reaches ssthresh. */
    acked = ws_tcp_hystart_slow_start(&st->hystart, v, acked, rtt_ns);
    if (acked == 0) return;
  }
  double mss = v->mss;
  double cwnd_seg = (v->cwnd + st->cwnd_frac) / mss;
  if (!st->in_epoch) start_epoch(st, v, cwnd_seg);
  double segments_acked = acked / mss;
  double t_s = ws_time_to_s(v->now - st->epoch_start);

  /* 4.3: W_est grows by alpha_cubic per RTT (segments_acked / cwnd per
   * ACK), and like Reno (alpha = 1) once it has reached cwnd_prior. */
  double alpha = st->w_est >= st->cwnd_prior ? 1.0 : CUBIC_ALPHA;
  st->w_est += alpha * segments_acked / cwnd_seg;

  if (w_cubic(st, t_s) < st->w_est) {
    /* Reno-friendly region: cwnd = W_est (never a decrease outside a
     * congestion event). */
    if (st->w_est > cwnd_seg) set_cwnd(st, v, st->w_est * mss);
    return;
  }
  /* 4.4 (concave) and 4.5 (convex): target = W_cubic(t + RTT) clamped to
   * [cwnd, 1.5 cwnd] (4.2); cwnd grows by (target - cwnd) / cwnd per ACK,
   * here per segment acknowledged (as Linux), so delayed ACKs do not halve
   * the growth. RTT is the smoothed RTT (the minimum before any sample). */
  ws_time rtt = v->srtt_ns > 0 ? v->srtt_ns : v->min_rtt_ns;
  double target = w_cubic(st, t_s + ws_time_to_s(rtt));
  target = fmin(fmax(target, cwnd_seg), 1.5 * cwnd_seg);
  double grow_seg = (target - cwnd_seg) / cwnd_seg * segments_acked;
  set_cwnd(st, v, (cwnd_seg + grow_seg) * mss);
}

/* 4.6 and 4.7: fast convergence lowers W_max when the window did not come
 * back to the last W_max (a new flow is taking a share); ssthresh =
 * FlightSize * beta_cubic, at least 2 segments; cwnd = ssthresh (the
 * endpoint inflates it during recovery as for Reno). */
static void reduce(cubic_state *st, ws_tcp_cc_view *v) {
  double cwnd_seg = (v->cwnd + st->cwnd_frac) / (double)v->mss;
  st->w_max = cwnd_seg < st->w_max ? cwnd_seg * (1.0 + CUBIC_BETA) / 2.0 : cwnd_seg;
  st->cwnd_prior = cwnd_seg;
  double ssthresh = fmax(ws_tcp_cc_flight_size(v) * CUBIC_BETA, 2.0 * v->mss);
  v->ssthresh = (uint32_t)fmin(ssthresh, (double)UINT32_MAX);
  st->in_epoch = false;
  st->cwnd_frac = 0;
  ws_tcp_hystart_stop(&st->hystart);
}

static void cubic_on_loss(void *state, ws_tcp_cc_view *v) {
  cubic_state *st = state;
  reduce(st, v);
  v->cwnd = v->ssthresh;
}

/* End of fast recovery: cwnd = ssthresh, as NewReno (RFC 6582 3.2 step 3);
 * the next ACK starts a new epoch. */
static void cubic_on_recovery_end(void *state, ws_tcp_cc_view *v) {
  cubic_state *st = state;
  v->cwnd = v->ssthresh;
  st->cwnd_frac = 0;
  st->in_epoch = false;
}

/* 4.8: on a timeout ssthresh as in 4.6 (kept on a repeated timeout, RFC
 * 5681 3.1), cwnd = one segment, and the first epoch after it uses K = 0
 * and W_max = the cwnd at its start. */
static void cubic_on_rto(void *state, ws_tcp_cc_view *v) {
  cubic_state *st = state;
  /* A timeout inside fast recovery: the recovery already reduced W_max and
   * ssthresh for this congestion event (the endpoint keeps that ssthresh,
   * RFC 5681 3.1 / Linux), so only the window collapses. */
  if (!st->rto_pending && !v->in_recovery) reduce(st, v);
  st->rto_pending = true;
  st->after_rto = true;
  ws_tcp_hystart_stop(&st->hystart);
  st->in_epoch = false;
  st->cwnd_frac = 0;
  v->cwnd = v->mss;
}

/* Registered in tcp-cc.c. */
const ws_tcp_cc_ops ws_tcp_cc_cubic = {
    .name = "cubic",
    .state_size = sizeof(cubic_state),
    .init = NULL,
    .on_ack = cubic_on_ack,
    .on_loss = cubic_on_loss,
    .on_recovery_end = cubic_on_recovery_end,
    .on_rto = cubic_on_rto,
};
