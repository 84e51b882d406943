/* wisim NewReno congestion control (RFC 5681 section 3.1, RFC 6582): slow
 * start with appropriate byte counting (RFC 3465, L = 2), congestion
 * avoidance by eq. 3 per ACK, halving on loss (eq. 4), one segment after a
 * timeout. The endpoint does the fast-recovery bookkeeping (inflation, pipe);
 * this file only sets cwnd and ssthresh at the entry and exit of recovery. */
#include <glib.h>

#include "wisim/tcp.h"

typedef struct {
  /* Sum of SMSS*SMSS numerators of eq. 3 not yet turned into whole bytes of
   * cwnd (always < cwnd): keeps the growth exact, where integer division per
   * ACK would lose up to one byte per ACK (3% at 40 segments). */
  uint64_t ca_credit;
  /* An RTO happened and no new data was acknowledged since: a further RTO
   * keeps ssthresh (RFC 5681 section 3.1, note after eq. 4), since by then
   * FlightSize is the one retransmitted segment, not the load of the path. */
  bool rto_pending;
} newreno_state;

/* RFC 5681 eq. 4: ssthresh = max(FlightSize / 2, 2 SMSS). */
static uint32_t half_flight(const ws_tcp_cc_view *v) {
  return MAX(ws_tcp_cc_flight_size(v) / 2, 2 * v->mss);
}

static void newreno_on_ack(void *state, ws_tcp_cc_view *v, uint32_t acked, ws_time rtt_ns) {
  newreno_state *st = state;
  (void)rtt_ns;
  st->rto_pending = false;
  if (v->cwnd < v->ssthresh) {
    if (ws_tcp_cc_slow_start(v, acked) == 0) return;
    /* This ACK took cwnd to ssthresh: its remainder counts as one ACK in
     * congestion avoidance. */
  }
  /* RFC 5681 eq. 3: cwnd += SMSS*SMSS/cwnd per ACK, about one SMSS per RTT
   * with an ACK per segment, half of it with delayed ACKs: the b of
   * Mathis et al. (1997). */
  st->ca_credit += (uint64_t)v->mss * v->mss;
  if (st->ca_credit >= v->cwnd) {
    uint64_t inc = st->ca_credit / v->cwnd;
    st->ca_credit %= v->cwnd;
    v->cwnd = (uint32_t)MIN((uint64_t)v->cwnd + inc, (uint64_t)UINT32_MAX);
  }
}

/* Entering fast recovery (or an ECN echo, RFC 3168 6.1.2): eq. 4, then cwnd
 * = ssthresh. RFC 6582 3.2 step 2 adds 3 SMSS for the three duplicate ACKs:
 * that inflation, and the one per further duplicate ACK, are the
 * endpoint's (it knows the duplicates; with SACK it uses the pipe of RFC
 * 6675 instead). */
static void newreno_on_loss(void *state, ws_tcp_cc_view *v) {
  newreno_state *st = state;
  v->ssthresh = half_flight(v);
  v->cwnd = v->ssthresh;
  st->ca_credit = 0;
}

/* RFC 6582 3.2 step 3, full acknowledgment, option 2: cwnd = ssthresh
 * (deflating whatever the endpoint added during recovery). */
static void newreno_on_recovery_end(void *state, ws_tcp_cc_view *v) {
  newreno_state *st = state;
  v->cwnd = v->ssthresh;
  st->ca_credit = 0;
}

/* RFC 5681 3.1: eq. 4 for ssthresh (held on a repeated timeout), cwnd = the
 * loss window, one SMSS. */
static void newreno_on_rto(void *state, ws_tcp_cc_view *v) {
  newreno_state *st = state;
  /* Inside fast recovery the recovery already set ssthresh for this
   * congestion event (the endpoint keeps it, RFC 5681 3.1). */
  if (!st->rto_pending && !v->in_recovery) v->ssthresh = half_flight(v);
  st->rto_pending = true;
  v->cwnd = v->mss;
  st->ca_credit = 0;
}

/* Registered in tcp-cc.c. */
const ws_tcp_cc_ops ws_tcp_cc_newreno = {
    .name = "newreno",
    .state_size = sizeof(newreno_state),
    .init = NULL,
    .on_ack = newreno_on_ack,
    .on_loss = newreno_on_loss,
    .on_recovery_end = newreno_on_recovery_end,
    .on_rto = newreno_on_rto,
};
