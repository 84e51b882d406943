/* wisim congestion-control registry and the helpers the algorithms share
 * (Reno slow start, FlightSize, HyStart++ of RFC 9406). Each algorithm is
 * one file, sim/net/tcp-<name>.c, that defines `const ws_tcp_cc_ops
 * ws_tcp_cc_<name>`, plus one line in ALGORITHMS below (docs/tcp.md). */
#include <glib.h>
#include <string.h>

#include "wisim/tcp.h"

/* The registry: one line per algorithm, in the order `wisim list models`
 * shows them. The ops' name field must equal the line's name (a unit test
 * checks it). */
#define ALGORITHMS(X) \
  X(newreno)          \
  X(cubic)

#define DECLARE(n) extern const ws_tcp_cc_ops ws_tcp_cc_##n;
ALGORITHMS(DECLARE)
#undef DECLARE

#define OPS(n) &ws_tcp_cc_##n,
static const ws_tcp_cc_ops *const algorithms[] = {ALGORITHMS(OPS)};
#undef OPS

#define NAME(n) #n,
static const char *const algorithm_names[] = {ALGORITHMS(NAME) NULL};
#undef NAME

const ws_tcp_cc_ops *ws_tcp_cc_find(const char *name) {
  g_return_val_if_fail(name != NULL, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(algorithms); i++)
    if (strcmp(algorithm_names[i], name) == 0) return algorithms[i];
  return NULL;
}

const char *const *ws_tcp_cc_names(void) { return algorithm_names; }

/* ---- helpers shared by the algorithms ------------------------------------- */

uint32_t ws_tcp_cc_slow_start(ws_tcp_cc_view *v, uint32_t acked) {
  g_return_val_if_fail(v != NULL && v->cwnd < v->ssthresh, acked);
  /* RFC 3465 2.2: L = 2 SMSS, so that delayed ACKs (2 segments per ACK)
   * still double cwnd per RTT, as per-segment ACKs do with eq. 2. */
  uint64_t inc = MIN((uint64_t)acked, 2 * (uint64_t)v->mss);
  uint64_t room = (uint64_t)v->ssthresh - v->cwnd;
  if (inc < room) {
    v->cwnd += (uint32_t)inc;
    return 0;
  }
  v->cwnd = v->ssthresh;
  return acked > room ? acked - (uint32_t)room : 0;
}

uint32_t ws_tcp_cc_flight_size(const ws_tcp_cc_view *v) {
  g_return_val_if_fail(v != NULL, 0);
  return v->flight_size ? v->flight_size : v->bytes_in_flight;
}

/* ---- HyStart++ (RFC 9406) -------------------------------------------------- */

/* RFC 9406 section 4.3, the recommended constants. */
#define HS_MIN_RTT_THRESH_NS (4 * WS_MS)
#define HS_MAX_RTT_THRESH_NS (16 * WS_MS)
#define HS_MIN_RTT_DIVISOR 8
#define HS_N_RTT_SAMPLE 8u
#define HS_CSS_GROWTH_DIVISOR 4u
#define HS_CSS_ROUNDS 5u

enum { HS_SLOW_START, HS_CSS, HS_DONE };

uint32_t ws_tcp_hystart_slow_start(ws_tcp_hystart *h, ws_tcp_cc_view *v, uint32_t acked,
                                   ws_time rtt_ns) {
  g_return_val_if_fail(h != NULL && v != NULL && v->cwnd < v->ssthresh, acked);
  if (h->phase == HS_DONE) return ws_tcp_cc_slow_start(v, acked);
  h->acked_bytes += acked;
  /* A round ends when everything sent before it began is acknowledged (RFC
   * 9406 4.2: windowEnd = SND.NXT): acked_bytes + FlightSize is the offset
   * of SND.NXT in the same count. */
  if (h->acked_bytes >= h->window_end) {
    if (h->phase == HS_CSS && ++h->css_rounds >= HS_CSS_ROUNDS) {
      /* 4.2: after CSS_ROUNDS rounds of CSS, congestion avoidance. */
      v->ssthresh = v->cwnd;
      h->phase = HS_DONE;
      return acked;
    }
    h->last_round_min_rtt_ns = h->round_min_rtt_ns;
    h->round_min_rtt_ns = 0;
    h->rtt_samples = 0;
    h->window_end = h->acked_bytes + ws_tcp_cc_flight_size(v);
  }
  uint32_t left;
  if (h->phase == HS_CSS) {
    /* CSS: a quarter of slow start's growth, never past ssthresh. */
    uint64_t inc = MIN((uint64_t)acked, 2 * (uint64_t)v->mss) / HS_CSS_GROWTH_DIVISOR;
    v->cwnd = (uint32_t)MIN((uint64_t)v->cwnd + inc, (uint64_t)v->ssthresh);
    left = 0;
  } else {
    left = ws_tcp_cc_slow_start(v, acked);
  }
  if (rtt_ns > 0) {
    if (h->round_min_rtt_ns == 0 || rtt_ns < h->round_min_rtt_ns) h->round_min_rtt_ns = rtt_ns;
    h->rtt_samples++;
  }
  if (h->rtt_samples < HS_N_RTT_SAMPLE) return left;
  if (h->phase == HS_SLOW_START && h->last_round_min_rtt_ns > 0) {
    ws_time thresh = CLAMP(h->last_round_min_rtt_ns / HS_MIN_RTT_DIVISOR, HS_MIN_RTT_THRESH_NS,
                           HS_MAX_RTT_THRESH_NS);
    if (h->round_min_rtt_ns >= h->last_round_min_rtt_ns + thresh) {
      h->css_baseline_ns = h->round_min_rtt_ns;
      h->phase = HS_CSS;
      h->css_rounds = 0;
    }
  } else if (h->phase == HS_CSS && h->round_min_rtt_ns < h->css_baseline_ns) {
    /* The RTT came back down: the increase was spurious, slow start again. */
    h->css_baseline_ns = 0;
    h->phase = HS_SLOW_START;
  }
  return left;
}

void ws_tcp_hystart_stop(ws_tcp_hystart *h) {
  g_return_if_fail(h != NULL);
  h->phase = HS_DONE;
}
