/* wisim TCP endpoint: handshake and close (RFC 9293), cumulative and delayed
 * ACKs (RFC 1122 4.2.3.2, RFC 5681 4.2), window scaling and timestamps
 * (RFC 7323), RTO (RFC 6298), NewReno (RFC 6582), SACK (RFC 2018, 6675),
 * RACK-TLP loss detection (RFC 8985) with PRR (RFC 6937), ECN (RFC 3168);
 * congestion control through ws_tcp_cc_ops. Bytes are counted, not stored.
 *
 * Choices (for docs/tcp.md):
 * - ISN = cfg.initial_seq, 0 by default: traces read seq 1, 1449, ...
 * - TIME-WAIT has no timer: ports are never reused within a run, so the
 *   endpoint stays in TIME-WAIT (re-ACKing a retransmitted FIN) until freed;
 *   `closed` fires when it enters TIME-WAIT (or CLOSED after LAST-ACK).
 * - No RST is ever sent (a segment for no connection is dropped, no-port,
 *   by the IP layer, or ignored here); a received RST closes.
 * - MSS: the SYN announces first-hop MTU - 40; the sender's MSS is the
 *   smaller announcement, less 12 when timestamps are on (Linux: 1448).
 * - The application reads at once, so the advertised window is the whole
 *   receive buffer (scaled by the smallest shift that fits it in 16 bits);
 *   no persist timer is needed and none exists. No Nagle (ns-3's default),
 *   sender-side SWS avoidance only; limited transmit (RFC 3042) without SACK.
 * - RTT: without timestamps one timed segment per RTT (Karn); with them a
 *   sample per ACK (RTTM) with RFC 7323 appendix G's gains; PAWS is not
 *   checked. RTO after a lost SYN: 3 s (RFC 6298 5.7), IW one segment.
 * - Timers are lazy: one event per timer, kept while it fires no later than
 *   the deadline; an early firing reschedules itself (no cancel per ACK).
 * - RACK-TLP (cfg.rack, on with SACK): per-segment records; RACK alone
 *   finds losses (no DupThresh count: reo_wnd = 0 until reordering is seen
 *   plays its part); reordering is seen by RFC 8985's rule or, with
 *   timestamps, when an ACK echoes a time older than the retransmission it
 *   covers (Eifel, RFC 3522; the receiver sends no D-SACK); reo_wnd =
 *   min_RTT / 4 (at most SRTT), not adapted (6.2's D-SACK multiplier stays
 *   1); the RACK timer is armed for the earliest pending segment; no
 *   RFC 6675 rule-3 retransmissions. Recovery sends by PRR (RFC 6937,
 *   RecoverFS = the pipe at the start, PRR-SSRB); after an RTO, RTO
 *   recovery sends the segments RACK deems lost (RFC 8985 6.3) under
 *   slow start instead of going back N. A timeout inside a fast recovery
 *   keeps that recovery's ssthresh.
 * - FlightSize for the congestion control is min(snd_max - snd_una, cwnd)
 *   (RFC 5681 3.2: data sent on duplicate ACKs does not count). */
#include <glib.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/tcp.h"

/* Sequence numbers. Inside, both directions use 64-bit offsets from the
 * initial sequence number (the SYN is 0, the first data byte 1), so no
 * comparison ever wraps; on the wire they are ISN + offset modulo 2^32, and
 * an incoming 32-bit number is unwrapped to the offset nearest a reference
 * (RFC 9293 3.4's modular comparison, done once at the edge). */
static inline uint64_t unwrap(uint64_t ref, uint32_t isn, uint32_t wire) {
  int32_t delta = (int32_t)(wire - (isn + (uint32_t)ref));
  int64_t v = (int64_t)ref + delta;
  return v < 0 ? 0 : (uint64_t)v;
}

/* RFC 6675 DupThresh. */
enum { DUP_THRESH = 3 };
/* RFC 6298 G: the clock granularity (and that of the timestamps). */
static const ws_time CLOCK_G_NS = WS_MS;
/* RFC 9293 3.7.1: MSS assumed when the SYN carries none. */
enum { DEFAULT_MSS = 536 };
/* RFC 7323 2.3: the largest window-scale shift. */
enum { MAX_WSCALE = 14 };
/* Bytes of option space taken by the timestamps option with its two NOPs. */
enum { TS_OPTION_BYTES = 12 };

typedef enum {
  ST_CLOSED, ST_LISTEN, ST_SYN_SENT, ST_SYN_RCVD, ST_ESTABLISHED, ST_FIN_WAIT_1,
  ST_FIN_WAIT_2, ST_CLOSING, ST_TIME_WAIT, ST_CLOSE_WAIT, ST_LAST_ACK,
  ST_N
} tcp_state;

static const char *const state_names[ST_N] = {
    "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSING", "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK"};

/* A set of disjoint, sorted, non-adjacent ranges [left, right) of sequence
 * offsets: the sender's SACK scoreboard and the receiver's out-of-order
 * queue. An array grown by doubling: no allocation in steady state, and
 * the number of ranges (holes) stays small. */
typedef struct {
  uint64_t left, right;
} seq_range;

typedef struct {
  seq_range *r;
  unsigned n, cap;
  uint64_t bytes; /* total length of the ranges */
} range_set;

static void rs_clear(range_set *rs) {
  g_free(rs->r);
  memset(rs, 0, sizeof *rs);
}

/* Index of the first range whose right end is > x (n when none). */
static unsigned rs_first_after(const range_set *rs, uint64_t x) {
  unsigned lo = 0, hi = rs->n;
  while (lo < hi) {
    unsigned mid = (lo + hi) / 2;
    if (rs->r[mid].right > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* Index of the range containing x, or -1. */
static int rs_find(const range_set *rs, uint64_t x) {
  unsigned i = rs_first_after(rs, x);
  return i < rs->n && rs->r[i].left <= x ? (int)i : -1;
}

/* Adds [l, r), merging what it touches. Returns the bytes newly covered. */
static uint64_t rs_add(range_set *rs, uint64_t l, uint64_t r) {
  if (l >= r) return 0;
  /* First range that ends at or after l (touching counts: merge adjacent). */
  unsigned i = rs_first_after(rs, l ? l - 1 : 0);
  unsigned j = i; /* ranges i..j-1 overlap or touch [l, r) */
  uint64_t nl = l, nr = r, covered = 0;
  while (j < rs->n && rs->r[j].left <= r) {
    nl = MIN(nl, rs->r[j].left);
    nr = MAX(nr, rs->r[j].right);
    covered += rs->r[j].right - rs->r[j].left;
    j++;
  }
  uint64_t added = (nr - nl) - covered;
  if (j == i) { /* a new range at i */
    if (rs->n == rs->cap) {
      rs->cap = rs->cap ? 2 * rs->cap : 8;
      rs->r = g_renew(seq_range, rs->r, rs->cap);
    }
    memmove(rs->r + i + 1, rs->r + i, (rs->n - i) * sizeof *rs->r);
    rs->n++;
  } else if (j > i + 1) { /* several merged into i */
    memmove(rs->r + i + 1, rs->r + j, (rs->n - j) * sizeof *rs->r);
    rs->n -= j - i - 1;
  }
  rs->r[i].left = nl;
  rs->r[i].right = nr;
  rs->bytes += added;
  return added;
}

/* Forgets everything below x. */
static void rs_trim(range_set *rs, uint64_t x) {
  unsigned i = 0;
  while (i < rs->n && rs->r[i].right <= x) {
    rs->bytes -= rs->r[i].right - rs->r[i].left;
    i++;
  }
  if (i) {
    memmove(rs->r, rs->r + i, (rs->n - i) * sizeof *rs->r);
    rs->n -= i;
  }
  if (rs->n && rs->r[0].left < x) {
    rs->bytes -= x - rs->r[0].left;
    rs->r[0].left = x;
  }
}

/* Bytes of the set inside [a, b). */
static uint64_t rs_bytes_in(const range_set *rs, uint64_t a, uint64_t b) {
  if (a >= b || rs->n == 0) return 0;
  if (a <= rs->r[0].left && b >= rs->r[rs->n - 1].right) return rs->bytes;
  uint64_t sum = 0;
  for (unsigned i = rs_first_after(rs, a); i < rs->n && rs->r[i].left < b; i++)
    sum += MIN(b, rs->r[i].right) - MAX(a, rs->r[i].left);
  return sum;
}

/* The sender's per-segment record (RACK-TLP, RFC 8985 5.2): what each
 * transmitted segment covers, when it last left, and its state on the
 * scoreboard. Records lie in sequence order in a ring indexed by absolute
 * numbers (the first unacknowledged one is `head`), so that an index stays
 * valid while the ring grows. Kept only when RACK is on. */
enum {
  SEG_SACKED = 1,       /* selectively acknowledged */
  SEG_LOST = 2,         /* deemed lost (RACK, or the RTO) */
  SEG_RETRANS = 4,      /* a retransmission of it is in flight (counts in the pipe) */
  SEG_EVER_RETRANS = 8  /* retransmitted at least once (RACK's ambiguity rule) */
};

typedef struct {
  uint64_t seq, end;  /* offsets [seq, end); a FIN counts one */
  ws_time xmit_ts;    /* RFC 8985 Segment.xmit_ts: the latest (re)transmission */
  uint8_t flags;
} seg_rec;

typedef struct {
  seg_rec *r;
  uint64_t head, tail, cap; /* absolute indices; cap a power of 2 */
} seg_queue;

/* A retransmission, in the order they left (RACK walks them by time). */
typedef struct {
  uint64_t abs;
  ws_time xmit_ts; /* stale once the record was retransmitted again */
} rxt_entry;

typedef struct {
  rxt_entry *e;
  uint64_t head, tail, cap;
} rxt_fifo;

static inline seg_rec *sq_at(const seg_queue *q, uint64_t abs) { return &q->r[abs & (q->cap - 1)]; }

static seg_rec *sq_push(seg_queue *q) {
  if (q->tail - q->head == q->cap) {
    uint64_t cap = q->cap ? 2 * q->cap : 64;
    seg_rec *r = g_new(seg_rec, cap);
    for (uint64_t a = q->head; a < q->tail; a++) r[a & (cap - 1)] = *sq_at(q, a);
    g_free(q->r);
    q->r = r;
    q->cap = cap;
  }
  return sq_at(q, q->tail++);
}

/* Absolute index of the first record whose end is > x (tail when none). */
static uint64_t sq_find(const seg_queue *q, uint64_t x) {
  uint64_t lo = q->head, hi = q->tail;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (sq_at(q, mid)->end > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

static void rf_push(rxt_fifo *f, uint64_t abs, ws_time ts) {
  if (f->tail - f->head == f->cap) {
    uint64_t cap = f->cap ? 2 * f->cap : 64;
    rxt_entry *e = g_new(rxt_entry, cap);
    for (uint64_t a = f->head; a < f->tail; a++) e[a & (cap - 1)] = f->e[a & (f->cap - 1)];
    g_free(f->e);
    f->e = e;
    f->cap = cap;
  }
  f->e[f->tail & (f->cap - 1)] = (rxt_entry){abs, ts};
  f->tail++;
}

struct ws_tcp {
  ws_net *net;
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_node *node;
  uint16_t port;
  ws_tcp_config cfg;
  ws_tcp_callbacks cb;
  void *ctx;
  const ws_tcp_cc_ops *cc;
  void *cc_state;
  tcp_state state;
  uint32_t raddr;
  uint16_t rport;
  bool in_input;   /* inside ws_tcp_input or a timer: sends wait for its end */
  bool ack_now;    /* an ACK must leave before the input returns */

  /* negotiated on the SYNs */
  uint32_t mss;          /* sender MSS: payload bytes of a full segment */
  uint32_t mss_option;   /* what our SYN announces: first-hop MTU - 40 */
  uint8_t snd_wscale;    /* shift applied to the peer's window field */
  uint8_t rcv_wscale;    /* shift applied to ours */
  bool ws_ok, sack_ok, ts_ok, ecn_ok;

  /* send side (offsets from iss) */
  uint32_t iss;
  uint64_t snd_una, snd_nxt, snd_max;
  uint64_t app_end;      /* offset after the last byte the application gave */
  bool fin_queued;       /* ws_tcp_close: the FIN is at offset app_end */
  uint64_t snd_wnd;      /* the peer's window, bytes */
  uint32_t cwnd, ssthresh;
  int64_t inflation;     /* RFC 6582 window inflation during NewReno recovery */
  unsigned dupacks;
  bool in_recovery;
  uint64_t recover;      /* RFC 6582 recover / RFC 6675 RecoveryPoint (exclusive end) */
  uint64_t high_rxt;     /* RFC 6675 HighRxt (exclusive end of retransmissions) */
  range_set sacked;      /* RFC 6675 scoreboard, above snd_una */
  bool syn_retransmitted;

  /* RTT and RTO (RFC 6298) */
  bool have_rtt;
  ws_time srtt_ns, rttvar_ns, rto_ns, min_rtt_ns;
  bool timing;           /* Karn: one segment timed at a time (no timestamps) */
  uint64_t timed_end;
  ws_time timed_at_ns;

  /* timers, re-armed lazily: an event is kept while its time is at or before
   * the deadline, and reschedules itself when it fires early */
  ws_event_id rto_ev, dack_ev;
  ws_time rto_ev_at, dack_ev_at;
  ws_time rto_deadline, dack_deadline; /* 0: not armed */

  /* ECN (RFC 3168) */
  bool ece_pending;      /* receiver: echo ECE until a CWR arrives */
  bool cwr_pending;      /* sender: set CWR on the next new data segment */
  uint64_t ecn_recover;  /* sender: no second response before this is acked */

  /* receive side (offsets from irs) */
  uint32_t irs;
  uint64_t rcv_nxt;
  range_set ooo;         /* out-of-order data held */
  uint64_t recent[WS_TCP_MAX_SACK]; /* RFC 2018 4: latest blocks first (a byte in each) */
  unsigned n_recent;
  bool peer_fin_known, fin_received;
  uint64_t peer_fin_seq;
  uint32_t unacked_bytes; /* in-order bytes received since the last ACK sent */
  uint32_t ts_recent;     /* RFC 7323 TS.Recent */
  uint64_t last_ack_sent;

  /* RACK-TLP (RFC 8985) and PRR (RFC 6937), with SACK and cfg.rack */
  bool rack_on;
  seg_queue segs;        /* per-segment records above snd_una */
  rxt_fifo rxts;         /* retransmissions in time order */
  uint64_t sq_sacked, sq_lost, sq_retrans; /* bytes: SACKed; lost and not
                                              SACKed; retransmitted in flight */
  unsigned segs_sacked;  /* RACK.segs_sacked */
  uint64_t rack_scan;    /* first record that may still be an unretransmitted,
                            un-SACKed, not-lost original (time order = seq order) */
  uint64_t lost_scan;    /* first record that may be lost and not retransmitted */
  bool rto_recovery;     /* after an RTO, until `recover` is acknowledged */
  bool rack_valid;       /* RACK.xmit_ts and RACK.end_seq are set */
  ws_time rack_xmit_ts, rack_rtt_ns;
  uint64_t rack_end_seq, rack_fack;
  bool reordering_seen;  /* RACK.reordering_seen */
  /* the ACK being processed: its most recently sent delivered segment */
  bool ack_rack_any;
  ws_time ack_rack_ts;
  uint64_t ack_rack_end, ack_fack;
  ws_event_id rack_ev, tlp_ev;
  ws_time rack_ev_at, tlp_ev_at, rack_deadline, tlp_deadline;
  uint64_t tlp_end_seq;  /* TLP.end_seq, 0 = none */
  bool tlp_is_retrans;
  bool tlp_rearm;        /* new data sent or acknowledged: PTO may restart */
  uint64_t prr_delivered, prr_out, recover_fs; /* RFC 6937 */

  ws_tcp_info info;
};

/* ---- configuration -------------------------------------------------------- */

void ws_tcp_config_default(ws_tcp_config *cfg) {
  g_return_if_fail(cfg != NULL);
  memset(cfg, 0, sizeof *cfg);
  cfg->congestion = "cubic";
  cfg->sack = true;
  cfg->delayed_ack = true;
  cfg->delayed_ack_timeout_ns = 200 * WS_MS;
  cfg->timestamps = true;
  cfg->window_scaling = true;
  cfg->ecn = false;
  cfg->send_buffer_bytes = 4u << 20;
  cfg->recv_buffer_bytes = 4u << 20;
  cfg->initial_cwnd_segments = 10;
  cfg->min_rto_ns = WS_S;
  cfg->initial_rto_ns = WS_S;
  cfg->max_rto_ns = 60 * WS_S;
  cfg->flow = WS_PACKET_NO_FLOW;
  cfg->rack = true;
}

/* ---- small helpers -------------------------------------------------------- */

static ws_time now_ns(const ws_tcp *t) { return ws_sim_now(t->sim); }

/* RFC 7323 3: TSval is the sender's clock in ms. */
static uint32_t ts_clock(const ws_tcp *t) { return (uint32_t)(now_ns(t) / WS_MS); }

/* The window we announce: the receive buffer. The application reads every
 * in-order byte at once, and out-of-order bytes lie inside the window, so
 * the free buffer is the whole buffer and the right edge never shrinks. */
static uint32_t rcv_window(const ws_tcp *t) { return t->cfg.recv_buffer_bytes; }

/* Data bytes (not SYN, not FIN) in offsets [a, b). */
static uint64_t data_in(const ws_tcp *t, uint64_t a, uint64_t b) {
  uint64_t lo = CLAMP(a, 1, t->app_end), hi = CLAMP(b, 1, t->app_end);
  return hi > lo ? hi - lo : 0;
}

/* Bytes sent and not yet SACKed or cumulatively acknowledged, below snd_nxt. */
static uint64_t flight_size(const ws_tcp *t) {
  uint64_t f = t->snd_nxt - t->snd_una;
  if (t->sacked.n) f -= rs_bytes_in(&t->sacked, t->snd_una, t->snd_nxt);
  return f;
}

/* RFC 6675 IsLost, as one boundary: every un-SACKed byte below the returned
 * offset is lost (DupThresh discontiguous SACKed ranges, or more than
 * (DupThresh - 1) * SMSS SACKed bytes, above it); none above. */
static uint64_t lost_end(const ws_tcp *t) {
  uint64_t above = 0;
  for (unsigned k = t->sacked.n; k-- > 0;) {
    above += t->sacked.r[k].right - t->sacked.r[k].left;
    if (t->sacked.n - k >= DUP_THRESH || above > (uint64_t)(DUP_THRESH - 1) * t->mss)
      return t->sacked.r[k].left;
  }
  return t->snd_una;
}

/* RFC 6675 SetPipe: un-SACKed bytes not deemed lost, plus the retransmitted
 * ones (below HighRxt: retransmissions go out in order, so that is where
 * they are). */
static uint64_t pipe_bytes(const ws_tcp *t) {
  uint64_t una = t->snd_una, lost = MAX(lost_end(t), una), rxt = MAX(t->high_rxt, una);
  uint64_t out = (t->snd_max - una) - t->sacked.bytes;
  out -= (lost - una) - rs_bytes_in(&t->sacked, una, lost);
  out += (rxt - una) - rs_bytes_in(&t->sacked, una, rxt);
  return out;
}

/* ---- RACK-TLP scoreboard (RFC 8985) ---------------------------------------- */

/* Adds (sign 1) or removes (sign -1) a record's bytes to the counters its
 * flags say. */
static void rec_account(ws_tcp *t, const seg_rec *r, int sign) {
  uint64_t len = r->end - r->seq;
  if (sign < 0) len = (uint64_t)0 - len; /* modular: subtracts */
  if (r->flags & SEG_SACKED) {
    t->sq_sacked += len;
    t->segs_sacked += (unsigned)sign;
    return;
  }
  if (r->flags & SEG_LOST) t->sq_lost += len;
  if (r->flags & SEG_RETRANS) t->sq_retrans += len;
}

static void rec_flags(ws_tcp *t, seg_rec *r, uint8_t set, uint8_t clear) {
  rec_account(t, r, -1);
  r->flags = (uint8_t)((r->flags | set) & ~clear);
  rec_account(t, r, 1);
}

/* RFC 6675 pipe from the records, as Linux's packets_out - (sacked_out +
 * lost_out) + retrans_out: bytes neither SACKed nor deemed lost, plus
 * retransmissions in flight. */
static uint64_t rack_pipe(const ws_tcp *t) {
  g_assert(t->sq_sacked + t->sq_lost <= t->snd_max - t->snd_una);
  return (t->snd_max - t->snd_una) - t->sq_sacked - t->sq_lost + t->sq_retrans;
}

/* RFC 8985 6.2 step 5: Segment.lost = TRUE. A retransmission found lost
 * again leaves the pipe and waits to be sent once more. */
static void rec_mark_lost(ws_tcp *t, uint64_t abs) {
  seg_rec *r = sq_at(&t->segs, abs);
  rec_flags(t, r, SEG_LOST, SEG_RETRANS);
  if (abs < t->lost_scan) t->lost_scan = abs;
}

/* RFC 8985 6.2 RACK_sent_after: later transmission time, ties broken by
 * the higher sequence (segments sent in one burst share a time). */
static bool sent_after(ws_time t1, uint64_t seq1, ws_time t2, uint64_t seq2) {
  return t1 > t2 || (t1 == t2 && seq1 > seq2);
}

/* A record newly acknowledged (cumulatively or by SACK) by the ACK being
 * processed: RFC 8985 6.2 steps 2 (RACK_update) and 3 (reordering). The
 * ACK's results are folded in by rack_ack_done. */
static void rack_delivered(ws_tcp *t, const seg_rec *r) {
  /* Step 3: delivered below the highest sequence delivered before, and
   * never retransmitted: the network reordered it. */
  if (r->end < t->rack_fack && !(r->flags & SEG_EVER_RETRANS)) t->reordering_seen = true;
  if (r->end > t->ack_fack) t->ack_fack = r->end;
  /* Step 2: a retransmitted segment acknowledged sooner than the minimum
   * RTT after its retransmission was delivered by an earlier copy: its
   * time says nothing (Linux's test; the TSecr test of the RFC does not
   * work for SACKed segments, whose ACKs echo TS.Recent, RFC 7323 4.3). */
  ws_time now = now_ns(t);
  if ((r->flags & SEG_EVER_RETRANS) && now - r->xmit_ts < t->min_rtt_ns) return;
  if (!t->ack_rack_any || sent_after(r->xmit_ts, r->end, t->ack_rack_ts, t->ack_rack_end)) {
    t->ack_rack_any = true;
    t->ack_rack_ts = r->xmit_ts;
    t->ack_rack_end = r->end;
  }
}

/* RFC 8985 6.2 step 2, end: RACK.rtt from the most recently sent segment
 * this ACK delivered, RACK.xmit_ts/end_seq advanced to it. */
static void rack_ack_done(ws_tcp *t) {
  if (t->ack_fack > t->rack_fack) t->rack_fack = t->ack_fack;
  t->ack_fack = 0;
  if (!t->ack_rack_any) return;
  t->ack_rack_any = false;
  t->rack_rtt_ns = now_ns(t) - t->ack_rack_ts;
  if (!t->rack_valid || sent_after(t->ack_rack_ts, t->ack_rack_end, t->rack_xmit_ts, t->rack_end_seq)) {
    t->rack_valid = true;
    t->rack_xmit_ts = t->ack_rack_ts;
    t->rack_end_seq = t->ack_rack_end;
  }
}

/* RFC 8985 6.2 step 4, without the DSACK adaptation (no D-SACK here; the
 * multiplier stays 1): 0 until reordering is seen, once in recovery or
 * DupThresh segments are SACKed (RFC 6675's rule in time form); else
 * min_RTT / 4, at most SRTT. */
static ws_time rack_reo_wnd(const ws_tcp *t) {
  if (!t->reordering_seen &&
      (t->in_recovery || t->rto_recovery || t->segs_sacked >= DUP_THRESH))
    return 0;
  return MIN(t->min_rtt_ns / 4, t->have_rtt ? t->srtt_ns : t->min_rtt_ns / 4);
}

/* RFC 8985 6.2 step 5, RACK_detect_loss: every un-SACKed segment sent
 * before RACK.xmit_ts more than RACK.rtt + reo_wnd ago is lost. Returns the
 * time until the next one would be (0: none). The originals are walked in
 * sequence order, which is their time order, and the retransmissions in
 * the order they left; each walk stops at the first segment that is sent
 * after RACK.xmit_ts or not yet due, so an ACK costs O(1) amortised. The
 * timer is armed for the earliest pending segment (the RFC arms it for the
 * latest; an earlier firing re-arms, and marks each segment on time). */
static ws_time rack_detect_loss(ws_tcp *t) {
  if (!t->rack_valid) return 0;
  ws_time now = now_ns(t), wait = t->rack_rtt_ns + rack_reo_wnd(t), timeout = 0;
  seg_queue *q = &t->segs;
  if (t->rack_scan < q->head) t->rack_scan = q->head;
  while (t->rack_scan < q->tail) {
    seg_rec *r = sq_at(q, t->rack_scan);
    if (r->flags & (SEG_SACKED | SEG_LOST | SEG_EVER_RETRANS)) {
      t->rack_scan++;
      continue;
    }
    if (!sent_after(t->rack_xmit_ts, t->rack_end_seq, r->xmit_ts, r->end)) break;
    ws_time remaining = r->xmit_ts + wait - now;
    if (remaining > 0) {
      timeout = remaining;
      break;
    }
    rec_mark_lost(t, t->rack_scan++);
  }
  rxt_fifo *f = &t->rxts;
  for (uint64_t i = f->head; i < f->tail; i++) {
    rxt_entry e = f->e[i & (f->cap - 1)];
    seg_rec *r = e.abs >= q->head && e.abs < q->tail ? sq_at(q, e.abs) : NULL;
    bool live = r && r->xmit_ts == e.xmit_ts && (r->flags & SEG_RETRANS) &&
                !(r->flags & SEG_SACKED);
    if (live) {
      if (!sent_after(t->rack_xmit_ts, t->rack_end_seq, r->xmit_ts, r->end)) break;
      ws_time remaining = r->xmit_ts + wait - now;
      if (remaining > 0) {
        timeout = timeout ? MIN(timeout, remaining) : remaining;
        break;
      }
      t->info.lost_retransmits++;
      rec_mark_lost(t, e.abs);
    }
    if (i == f->head) f->head++; /* dead or done: drop from the front */
  }
  return timeout;
}

/* The first record deemed lost and not retransmitted since, or NULL. */
static seg_rec *next_lost(ws_tcp *t, uint64_t *abs) {
  seg_queue *q = &t->segs;
  if (t->sq_lost == 0) return NULL;
  if (t->lost_scan < q->head) t->lost_scan = q->head;
  for (; t->lost_scan < q->tail; t->lost_scan++) {
    seg_rec *r = sq_at(q, t->lost_scan);
    if ((r->flags & (SEG_LOST | SEG_RETRANS | SEG_SACKED)) == SEG_LOST) {
      *abs = t->lost_scan;
      return r;
    }
  }
  return NULL;
}

static uint32_t in_flight(const ws_tcp *t) {
  if (t->rack_on && (t->in_recovery || t->rto_recovery))
    return (uint32_t)MIN(rack_pipe(t), UINT32_MAX);
  uint64_t f = t->in_recovery && t->sack_ok ? pipe_bytes(t) : flight_size(t);
  return (uint32_t)MIN(f, UINT32_MAX);
}

static void cc_view(const ws_tcp *t, ws_tcp_cc_view *v) {
  v->cwnd = t->cwnd;
  v->ssthresh = t->ssthresh;
  v->mss = t->mss;
  v->bytes_in_flight = in_flight(t);
  v->now = now_ns(t);
  v->srtt_ns = t->have_rtt ? t->srtt_ns : 0;
  v->min_rtt_ns = t->min_rtt_ns;
  v->in_recovery = t->in_recovery;
  /* RFC 5681 FlightSize, snd_nxt - snd_una, at most cwnd. 3.2 step 2:
   * data sent on duplicate ACKs (limited transmit, or with SACK the room
   * SACKed bytes leave) MUST NOT count, and that is what lies beyond cwnd
   * when a loss is found. The cap also keeps a recovery that went on
   * sending while its losses were repaired from feeding snd_max - snd_una,
   * several windows of SACKed data, into ssthresh (it would grow with the
   * loss rate). Linux bases ssthresh on cwnd alone. */
  uint64_t flight = t->snd_max - t->snd_una;
  flight = MIN(flight, (uint64_t)t->cwnd);
  v->flight_size = (uint32_t)MIN(flight, UINT32_MAX);
}

static void cc_apply(ws_tcp *t, const ws_tcp_cc_view *v) {
  /* Never below the loss window (RFC 5681 3.1): a zero window would stall. */
  t->cwnd = MAX(v->cwnd, t->mss);
  t->ssthresh = MAX(v->ssthresh, 2 * t->mss);
}

typedef void (*cc_hook)(void *state, ws_tcp_cc_view *v);

static void cc_call(ws_tcp *t, cc_hook hook) {
  if (!hook) return;
  ws_tcp_cc_view v;
  cc_view(t, &v);
  hook(t->cc_state, &v);
  cc_apply(t, &v);
}

static void update_info(ws_tcp *t) {
  ws_tcp_info *i = &t->info;
  i->cwnd = t->cwnd;
  i->ssthresh = t->ssthresh;
  i->bytes_in_flight = in_flight(t);
  i->srtt_ns = t->have_rtt ? t->srtt_ns : 0;
  i->rttvar_ns = t->have_rtt ? t->rttvar_ns : 0;
  i->rto_ns = t->rto_ns;
  i->mss = t->mss;
}

/* ---- timers ---------------------------------------------------------------- */

static void rto_fire(ws_sim *sim, void *ctx);
static void dack_fire(ws_sim *sim, void *ctx);
static void rack_fire(ws_sim *sim, void *ctx);
static void tlp_fire(ws_sim *sim, void *ctx);

/* Schedules *ev at `at` unless an event already pending fires no later
 * (it will then reschedule itself for the deadline). */
static void timer_arm(ws_tcp *t, ws_event_id *ev, ws_time *ev_at, ws_time at, ws_event_fn fn) {
  if (ws_sim_is_pending(t->sim, *ev)) {
    if (*ev_at <= at) return;
    ws_sim_cancel(t->sim, *ev);
  }
  *ev = ws_sim_schedule_at(t->sim, at, fn, t);
  *ev_at = at;
}

/* The common start of a lazily re-armed timer's callback: the event has
 * fired (*ev cleared). Returns true when its deadline has come: the caller
 * acts; false when the timer was stopped (deadline 0) or moved later, in
 * which case it is re-armed for the new deadline. */
static bool timer_due(ws_tcp *t, ws_event_id *ev, ws_time *ev_at, ws_time deadline,
                      ws_event_fn fn) {
  *ev = 0;
  if (deadline == 0) return false;
  if (now_ns(t) < deadline) {
    timer_arm(t, ev, ev_at, deadline, fn);
    return false;
  }
  return true;
}

/* RFC 6298 5.1/5.3: (re)start the retransmission timer at now + RTO. */
static void rto_restart(ws_tcp *t) {
  t->rto_deadline = now_ns(t) + t->rto_ns;
  timer_arm(t, &t->rto_ev, &t->rto_ev_at, t->rto_deadline, rto_fire);
}

static void rto_stop(ws_tcp *t) { t->rto_deadline = 0; }

/* ---- RTT (RFC 6298 2, RFC 7323 4) ------------------------------------------ */

static void rto_from_estimate(ws_tcp *t) {
  /* RFC 6298 2.3: RTO = SRTT + max(G, K * RTTVAR), K = 4; 2.4 and 2.5 bound it. */
  ws_time rto = t->srtt_ns + MAX(CLOCK_G_NS, 4 * t->rttvar_ns);
  t->rto_ns = CLAMP(rto, t->cfg.min_rto_ns, t->cfg.max_rto_ns);
}

/* One RTT measurement r. samples_per_rtt > 1 scales the gains down as RFC
 * 7323 appendix G suggests when every ACK gives a sample (timestamps):
 * alpha' = alpha / ExpectedSamples, beta' = beta / ExpectedSamples. */
static void rtt_sample(ws_tcp *t, ws_time r, int64_t samples_per_rtt) {
  if (r < 0) return;
  if (t->min_rtt_ns == 0 || r < t->min_rtt_ns) t->min_rtt_ns = r;
  if (!t->have_rtt) { /* RFC 6298 2.2 */
    t->srtt_ns = r;
    t->rttvar_ns = r / 2;
    t->have_rtt = true;
  } else { /* RFC 6298 2.3: beta = 1/4, alpha = 1/8, RTTVAR first */
    ws_time err = t->srtt_ns > r ? t->srtt_ns - r : r - t->srtt_ns;
    t->rttvar_ns += (err - t->rttvar_ns) / (4 * samples_per_rtt);
    t->srtt_ns += (r - t->srtt_ns) / (8 * samples_per_rtt);
  }
  rto_from_estimate(t);
}

/* ---- output ---------------------------------------------------------------- */

/* Option bytes of a segment, padded as a real stack lays them out: MSS 4,
 * NOP + window scale 4, SACK-permitted 2 + timestamps 10 (or NOP NOP +
 * timestamps 12), NOP NOP + SACK 2 + 8n. */
static uint8_t syn_options_bytes(bool wscale, bool sack_ok, bool ts) {
  unsigned raw = 4 + (wscale ? 3 : 0) + (sack_ok ? 2 : 0) + (ts ? 10 : 0);
  return (uint8_t)((raw + 3) / 4 * 4);
}

/* Fills the SACK blocks of an ACK (RFC 2018 4): the block holding the
 * latest arrival first, then the blocks most recently reported. */
static void fill_sack(ws_tcp *t, ws_packet *p) {
  unsigned max = t->ts_ok ? 3 : WS_TCP_MAX_SACK, n = 0;
  int used[WS_TCP_MAX_SACK];
  unsigned keep = 0, i = 0;
  for (; i < t->n_recent && n < max; i++) {
    int k = rs_find(&t->ooo, t->recent[i]);
    if (k < 0) continue; /* acknowledged since: forget it */
    bool dup = false;
    for (unsigned j = 0; j < n; j++) dup |= used[j] == k;
    if (dup) continue;   /* merged into a block already reported */
    used[n] = k;
    t->recent[keep++] = t->recent[i];
    p->tcp_sack[n].left = t->irs + (uint32_t)t->ooo.r[k].left;
    p->tcp_sack[n].right = t->irs + (uint32_t)t->ooo.r[k].right;
    n++;
  }
  for (; i < t->n_recent; i++) t->recent[keep++] = t->recent[i]; /* not looked at */
  t->n_recent = keep;
  p->tcp_n_sack = (uint8_t)n;
}

/* RACK: a segment [seq, end) leaves now. New data gets a record; a
 * retransmission stamps its record(s) and joins the retransmission FIFO. */
static void rec_sent(ws_tcp *t, uint64_t seq, uint64_t end) {
  ws_time now = now_ns(t);
  seg_queue *q = &t->segs;
  if (t->in_recovery) t->prr_out += end - seq; /* RFC 6937 prr_out */
  if (seq >= t->snd_max) {
    g_assert(q->head == q->tail || sq_at(q, q->tail - 1)->end == seq);
    *sq_push(q) = (seg_rec){.seq = seq, .end = end, .xmit_ts = now, .flags = 0};
    t->tlp_rearm = true; /* RFC 8985 7.2: new data sent */
    return;
  }
  for (uint64_t a = sq_find(q, seq); a < q->tail && sq_at(q, a)->seq < end; a++) {
    seg_rec *r = sq_at(q, a);
    if (r->flags & SEG_SACKED) continue;
    r->xmit_ts = now;
    rec_flags(t, r, SEG_RETRANS | SEG_EVER_RETRANS, 0);
    rf_push(&t->rxts, a, now);
  }
}

/* Sends one segment: offset seq, len payload bytes, flags. Every segment
 * but the first SYN carries ACK. */
static void emit(ws_tcp *t, uint64_t seq, uint32_t len, uint8_t flags) {
  ws_packet *p = ws_packet_new(t->pool);
  ws_time now = now_ns(t);
  bool syn = flags & WS_TCP_SYN;
  bool retx = seq < t->snd_max;
  p->flow = t->cfg.flow;
  p->payload_bytes = len;
  p->seq = seq ? seq - 1 : 0; /* the first data byte is 0, as a UDP flow's */
  p->app_sent_ns = now;
  p->protocol = WS_IP_PROTO_TCP;
  p->dst_addr = t->raddr;
  p->src_port = t->port;
  p->dst_port = t->rport;
  p->tcp_seq = t->iss + (uint32_t)seq;
  p->tcp_wscale = WS_TCP_NO_WSCALE;
  if (t->state != ST_SYN_SENT || !syn) flags |= WS_TCP_ACK;
  if (flags & WS_TCP_ACK) {
    p->tcp_ack = t->irs + (uint32_t)t->rcv_nxt;
    if (t->ece_pending && !syn) flags |= WS_TCP_ECE;
  }
  uint32_t wnd = rcv_window(t);
  unsigned opt = 0;
  if (syn) {
    /* RFC 7323 2.2: the window of a SYN is never scaled. */
    p->tcp_window = (uint16_t)MIN(wnd, 65535u);
    p->tcp_mss = (uint16_t)MIN(t->mss_option, 65535u);
    /* The SYN offers what the configuration asks; the SYN-ACK (RFC 7323
     * 1.3, RFC 2018 2) only what the SYN offered too. */
    bool listener_reply = flags & WS_TCP_ACK;
    bool ws = listener_reply ? t->ws_ok : t->cfg.window_scaling;
    bool sack = listener_reply ? t->sack_ok : t->cfg.sack;
    bool ts = listener_reply ? t->ts_ok : t->cfg.timestamps;
    if (ws) p->tcp_wscale = t->rcv_wscale;
    p->tcp_sack_permitted = sack;
    p->tcp_has_ts = ts;
    opt = syn_options_bytes(ws, sack, ts);
    /* RFC 3168 6.1.1: ECN-setup SYN has ECE and CWR, the SYN-ACK ECE. */
    if (listener_reply ? t->ecn_ok : t->cfg.ecn)
      flags |= listener_reply ? WS_TCP_ECE : (WS_TCP_ECE | WS_TCP_CWR);
  } else {
    p->tcp_window = (uint16_t)MIN(wnd >> t->rcv_wscale, 65535u);
    if (t->ts_ok) {
      p->tcp_has_ts = true;
      opt += TS_OPTION_BYTES;
    }
    if (t->sack_ok && t->ooo.n && (flags & WS_TCP_ACK)) {
      fill_sack(t, p);
      if (p->tcp_n_sack) opt += 4 + 8u * p->tcp_n_sack;
    }
    if (len > 0 && t->ecn_ok && !retx) {
      /* RFC 3168 6.1.5: never ECT on retransmissions; 6.1.2: CWR on the
       * first new data segment after a response. */
      p->ecn = WS_ECN_ECT0;
      if (t->cwr_pending) {
        flags |= WS_TCP_CWR;
        t->cwr_pending = false;
      }
    }
  }
  if (p->tcp_has_ts) {
    p->tcp_tsval = ts_clock(t);
    p->tcp_tsecr = (flags & WS_TCP_ACK) ? t->ts_recent : 0;
  }
  g_assert(opt <= 40 && opt % 4 == 0);
  p->tcp_options_bytes = (uint8_t)opt;
  p->tcp_flags = flags;
  p->ip_bytes = len + WS_TCP_HEADER_BYTES + opt + WS_IPV4_HEADER_BYTES;

  uint64_t end = seq + len + (syn ? 1 : 0) + ((flags & WS_TCP_FIN) ? 1 : 0);
  if (len > 0) {
    t->info.segments_sent++;
    t->info.bytes_sent += len;
    if (retx) t->info.retransmissions++;
  }
  if (retx && end > seq) t->timing = false; /* Karn: no sample across a retransmission */
  else if (end > seq && !t->timing && !t->ts_ok) {
    t->timing = true;
    t->timed_end = end;
    t->timed_at_ns = now;
  }
  if (t->rack_on && end > seq && !syn) rec_sent(t, seq, end);
  if (end > seq) {
    if (end > t->snd_max) t->snd_max = end;
    if (t->rto_deadline == 0) rto_restart(t); /* RFC 6298 5.1 */
  }
  if (flags & WS_TCP_ACK) { /* this carries our ACK: nothing left to delay */
    t->last_ack_sent = t->rcv_nxt;
    t->unacked_bytes = 0;
    t->dack_deadline = 0;
    t->ack_now = false;
  }
  ws_net_ip_send(t->net, t->node, p);
}

static void send_syn(ws_tcp *t) {
  emit(t, 0, 0, WS_TCP_SYN);
  if (t->snd_nxt < 1) t->snd_nxt = 1;
}

/* Length of a retransmission starting at s (not SACKed): up to one MSS,
 * stopping at the next SACKed range and at snd_max. */
static uint32_t rxt_len(const ws_tcp *t, uint64_t s) {
  uint64_t stop = t->snd_max;
  unsigned k = rs_first_after(&t->sacked, s);
  if (k < t->sacked.n) stop = MIN(stop, t->sacked.r[k].left);
  if (t->fin_queued) stop = MIN(stop, t->app_end); /* the FIN goes alone, below */
  return (uint32_t)MIN((uint64_t)t->mss, stop - s);
}

/* Retransmits the segment at s (the FIN when s is its offset). */
static void retransmit(ws_tcp *t, uint64_t s) {
  if (t->fin_queued && s == t->app_end) {
    emit(t, s, 0, WS_TCP_FIN);
    return;
  }
  uint32_t len = rxt_len(t, s);
  if (len == 0) return;
  bool fin = t->fin_queued && s + len == t->app_end && t->snd_max > t->app_end;
  emit(t, s, len, fin ? WS_TCP_FIN : 0);
}

static bool can_send_data(const ws_tcp *t) {
  switch (t->state) {
  case ST_ESTABLISHED: case ST_CLOSE_WAIT: case ST_FIN_WAIT_1: case ST_CLOSING:
  case ST_LAST_ACK:
    return true;
  default:
    return false;
  }
}

/* New data (or the FIN) at snd_nxt == snd_max within room bytes of
 * congestion window. Returns false when nothing was sent. */
static bool send_new(ws_tcp *t, uint64_t room) {
  uint64_t s = t->snd_nxt;
  if (s > t->app_end) return false; /* the FIN is out */
  uint64_t avail = t->app_end - s;
  uint64_t wnd_edge = t->snd_una + t->snd_wnd;
  uint64_t rwnd_room = wnd_edge > s ? wnd_edge - s : 0;
  uint32_t len = (uint32_t)MIN(avail, (uint64_t)t->mss);
  if (len > 0) {
    if (room < len || rwnd_room < len) {
      /* Sender silly-window avoidance (RFC 1122 4.2.3.4): only a whole
       * segment, unless nothing is in flight and the peer's window is small. */
      uint64_t r = MIN(room, rwnd_room);
      if (t->snd_max > t->snd_una || r == 0 || rwnd_room >= len) return false;
      len = (uint32_t)r;
    }
    bool fin = t->fin_queued && s + len == t->app_end;
    emit(t, s, len, fin ? WS_TCP_FIN : 0);
    t->snd_nxt = s + len + (fin ? 1 : 0);
    return true;
  }
  if (t->fin_queued && s == t->app_end) {
    emit(t, s, 0, WS_TCP_FIN);
    t->snd_nxt = s + 1;
    return true;
  }
  return false;
}

/* RFC 6675 NextSeg and the transmission loop of recovery: while cwnd - pipe
 * >= 1 SMSS, (1) the first lost un-SACKed bytes above HighRxt, (2) new data,
 * (3) un-SACKed bytes above HighRxt below the highest SACKed byte. */
static void send_sack_recovery(ws_tcp *t) {
  for (;;) {
    uint64_t pipe = pipe_bytes(t);
    if (pipe + t->mss > t->cwnd) return;
    uint64_t s = MAX(t->high_rxt, t->snd_una);
    int k = rs_find(&t->sacked, s);
    if (k >= 0) s = t->sacked.r[k].right;
    uint64_t lost = lost_end(t);
    if (s < lost && s < t->snd_max) {
      uint32_t len = rxt_len(t, s);
      retransmit(t, s);
      t->high_rxt = s + MAX(len, 1u);
      continue;
    }
    if (t->snd_nxt == t->snd_max && send_new(t, t->cwnd - pipe)) continue;
    uint64_t high_sacked = t->sacked.n ? t->sacked.r[t->sacked.n - 1].right : 0;
    if (s < high_sacked) {
      uint32_t len = rxt_len(t, s);
      retransmit(t, s);
      t->high_rxt = s + MAX(len, 1u);
      continue;
    }
    return;
  }
}

/* Sends a record again, whole (records keep segment boundaries, so SACK
 * blocks always cover whole records); the FIN with it when it holds it. */
static void rec_retransmit(ws_tcp *t, const seg_rec *r) {
  bool fin = t->fin_queued && r->end == t->app_end + 1;
  emit(t, r->seq, (uint32_t)((fin ? r->end - 1 : r->end) - r->seq), fin ? WS_TCP_FIN : 0);
}

/* Recovery with RACK (fast or after an RTO): while the pipe leaves a
 * segment of room in cwnd (PRR's in fast recovery), the first segment
 * deemed lost, else new data (RFC 6675 NextSeg rules 1 and 2; rule 3's
 * speculative retransmissions are left to RACK's timer and TLP). */
static void rack_send(ws_tcp *t) {
  for (;;) {
    uint64_t pipe = rack_pipe(t);
    if (pipe + t->mss > t->cwnd) return;
    uint64_t abs;
    seg_rec *r = next_lost(t, &abs);
    if (r) {
      rec_retransmit(t, r);
      continue;
    }
    if (!send_new(t, t->cwnd - pipe)) return;
  }
}

/* RFC 8985 7.2: after new data is sent or acknowledged, in the open state
 * with nothing SACKed and no probe out, the probe timeout: PTO = 2 SRTT,
 * plus the peer's delayed-ACK time (WCDelAckT; both ends share the
 * configuration here) when one segment is in flight; 1 s before any RTT
 * sample; never later than the RTO. */
static void tlp_consider(ws_tcp *t) {
  if (!t->tlp_rearm) return;
  t->tlp_rearm = false;
  if (t->in_recovery || t->rto_recovery || t->tlp_end_seq || t->segs_sacked ||
      t->snd_una >= t->snd_max || !can_send_data(t)) {
    t->tlp_deadline = 0;
    return;
  }
  ws_time pto = WS_S;
  if (t->have_rtt) {
    pto = 2 * t->srtt_ns;
    if (t->snd_max - t->snd_una <= (uint64_t)t->mss + 1 && t->cfg.delayed_ack)
      pto += t->cfg.delayed_ack_timeout_ns;
  }
  ws_time at = now_ns(t) + pto;
  if (t->rto_deadline && at > t->rto_deadline) at = t->rto_deadline;
  t->tlp_deadline = at;
  timer_arm(t, &t->tlp_ev, &t->tlp_ev_at, at, tlp_fire);
}

static void try_send_windows(ws_tcp *t);

/* Sends what the windows allow, then (RACK) looks at the probe timer. */
static void try_send(ws_tcp *t) {
  try_send_windows(t);
  if (t->rack_on) tlp_consider(t);
}

static void try_send_windows(ws_tcp *t) {
  if (!can_send_data(t)) return;
  if (t->rack_on && (t->in_recovery || t->rto_recovery)) {
    rack_send(t);
    return;
  }
  if (t->in_recovery && t->sack_ok) {
    send_sack_recovery(t);
    return;
  }
  int64_t wnd = (int64_t)t->cwnd + (t->in_recovery ? t->inflation : 0);
  /* RFC 3042 limited transmit: the first two duplicate ACKs each let one
   * new segment out (with SACK the pipe already excludes SACKed data). */
  if (!t->in_recovery && !t->sack_ok && t->dupacks < DUP_THRESH)
    wnd += (int64_t)t->dupacks * t->mss;
  if (wnd < (int64_t)t->mss) wnd = t->mss;
  for (;;) {
    uint64_t flight = flight_size(t);
    if ((int64_t)flight >= wnd) return;
    uint64_t room = (uint64_t)wnd - flight;
    if (t->snd_nxt < t->snd_max) { /* after an RTO: go back N, skipping SACKed data */
      int k = rs_find(&t->sacked, t->snd_nxt);
      if (k >= 0) {
        t->snd_nxt = MIN(t->sacked.r[k].right, t->snd_max);
        continue;
      }
      uint64_t s = t->snd_nxt;
      uint32_t len = rxt_len(t, s);
      if (len > room && flight > 0) return;
      retransmit(t, s);
      t->snd_nxt = s + (len ? len : 1);
      if (t->fin_queued && t->snd_nxt == t->app_end && t->snd_max > t->app_end) t->snd_nxt++;
      continue;
    }
    if (!send_new(t, room)) return;
  }
}

static void send_ack(ws_tcp *t) { emit(t, t->snd_nxt, 0, 0); }

/* ---- timers' work ---------------------------------------------------------- */

static void finish_input(ws_tcp *t) {
  try_send(t);
  if (t->ack_now) send_ack(t);
  update_info(t);
  t->in_input = false;
}

static void rto_fire(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_tcp *t = ctx;
  if (!timer_due(t, &t->rto_ev, &t->rto_ev_at, t->rto_deadline, rto_fire)) return;
  ws_time now = now_ns(t);
  t->rto_deadline = 0;
  t->in_input = true;
  /* RFC 6298 5.5: back off; 5.6: restart with the new value. */
  t->rto_ns = MIN(2 * t->rto_ns, t->cfg.max_rto_ns);
  t->timing = false;
  if (t->state == ST_SYN_SENT || t->state == ST_SYN_RCVD) {
    t->info.rto_count++;
    t->syn_retransmitted = true;
    emit(t, 0, 0, WS_TCP_SYN);
    update_info(t);
    t->in_input = false;
    return;
  }
  if (t->snd_una >= t->snd_max) {
    t->in_input = false;
    return;
  }
  t->info.rto_count++;
  /* RFC 5681 eq. 4 and cwnd = loss window, by the algorithm. A timeout
   * inside a fast recovery keeps the ssthresh that recovery set: the
   * episode has had its reduction (as Linux's tcp_enter_loss), and its
   * FlightSize (snd_max - snd_una, with the SACKed data sent during the
   * recovery) would raise it. */
  bool was_fast = t->in_recovery;
  uint32_t ssthresh = t->ssthresh;
  cc_call(t, t->cc->on_rto);
  if (was_fast) t->ssthresh = ssthresh;
  /* RFC 6582 / 6675 5.1: recovery ends; none starts again before
   * everything sent so far is acknowledged. */
  t->in_recovery = false;
  t->inflation = 0;
  t->dupacks = 0;
  t->recover = t->snd_max;
  t->ecn_recover = t->snd_max;
  t->high_rxt = t->snd_una;
  if (t->rack_on) {
    /* RFC 8985 6.3: the first unacknowledged segment, and every one sent
     * more than RACK.rtt + reo_wnd ago, is lost; RTO recovery sends them
     * in order under the loss window (RFC 6298 5.4: the first at once). */
    t->rto_recovery = true;
    t->tlp_end_seq = 0;
    t->tlp_deadline = 0;
    t->rack_deadline = 0;
    ws_time wait = t->rack_rtt_ns + rack_reo_wnd(t);
    for (uint64_t a = t->segs.head; a < t->segs.tail; a++) {
      seg_rec *r = sq_at(&t->segs, a);
      if (r->flags & SEG_SACKED) continue;
      if (a == t->segs.head || (t->rack_valid && r->xmit_ts + wait <= now)) rec_mark_lost(t, a);
    }
    uint64_t abs;
    seg_rec *r = next_lost(t, &abs);
    if (r) rec_retransmit(t, r);
  } else {
    t->snd_nxt = t->snd_una; /* go back N, skipping SACKed data */
  }
  try_send(t);
  rto_restart(t);
  finish_input(t);
}

/* RACK: loss detection, its reordering timer, and fast recovery when it
 * finds a loss (RFC 8985 6.2 steps 5-6; RFC 6675 5 entry). */
static void enter_recovery(ws_tcp *t);
static void prr_ack(ws_tcp *t, uint64_t delivered);

static void rack_run(ws_tcp *t) {
  ws_time timeout = rack_detect_loss(t);
  if (timeout > 0) {
    t->rack_deadline = now_ns(t) + timeout;
    timer_arm(t, &t->rack_ev, &t->rack_ev_at, t->rack_deadline, rack_fire);
  } else {
    t->rack_deadline = 0;
  }
  if (t->sq_lost && !t->in_recovery && !t->rto_recovery) enter_recovery(t);
}

static void rack_fire(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_tcp *t = ctx;
  if (!timer_due(t, &t->rack_ev, &t->rack_ev_at, t->rack_deadline, rack_fire)) return;
  t->rack_deadline = 0;
  t->in_input = true;
  rack_run(t);
  if (t->in_recovery) prr_ack(t, 0);
  finish_input(t);
}

/* RFC 8985 7.3: the probe timeout. One new segment if the receive window
 * allows, else the last segment again; then the RTO, not the PTO, runs. */
static void tlp_fire(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_tcp *t = ctx;
  if (!timer_due(t, &t->tlp_ev, &t->tlp_ev_at, t->tlp_deadline, tlp_fire)) return;
  t->tlp_deadline = 0;
  if (t->in_recovery || t->rto_recovery || t->tlp_end_seq || t->snd_una >= t->snd_max ||
      !can_send_data(t))
    return;
  t->in_input = true;
  bool sent = t->snd_nxt == t->snd_max && send_new(t, UINT64_MAX);
  t->tlp_is_retrans = !sent;
  for (uint64_t a = t->segs.tail; !sent && a-- > t->segs.head;) {
    seg_rec *r = sq_at(&t->segs, a);
    if (r->flags & SEG_SACKED) continue;
    rec_retransmit(t, r);
    sent = true;
  }
  if (sent) {
    t->tlp_end_seq = t->snd_max;
    t->info.tlp_probes++;
  }
  t->tlp_rearm = false;
  rto_restart(t);
  finish_input(t);
}

static void dack_fire(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_tcp *t = ctx;
  if (!timer_due(t, &t->dack_ev, &t->dack_ev_at, t->dack_deadline, dack_fire)) return;
  t->in_input = true;
  send_ack(t);
  finish_input(t);
}

/* ---- input ----------------------------------------------------------------- */

static uint32_t path_mss(const ws_tcp *t, uint32_t addr);

/* Reads the options of the peer's SYN and settles what both ends use. */
static void negotiate(ws_tcp *t, const ws_packet *p) {
  uint32_t peer_mss = p->tcp_mss ? p->tcp_mss : DEFAULT_MSS;
  bool ws = t->cfg.window_scaling && p->tcp_wscale != WS_TCP_NO_WSCALE;
  t->ws_ok = ws;
  t->snd_wscale = ws ? (uint8_t)MIN(p->tcp_wscale, MAX_WSCALE) : 0;
  if (!ws) t->rcv_wscale = 0;
  t->sack_ok = t->cfg.sack && p->tcp_sack_permitted;
  t->rack_on = t->sack_ok && t->cfg.rack;
  t->ts_ok = t->cfg.timestamps && p->tcp_has_ts;
  if (t->ts_ok) t->ts_recent = p->tcp_tsval;
  /* Effective sender MSS: the smaller announcement, less the timestamps
   * option carried by every segment (as Linux: 1448 B on a 1500 B MTU). */
  t->mss = MIN(peer_mss, t->mss_option) - (t->ts_ok ? TS_OPTION_BYTES : 0);
  t->snd_wnd = p->tcp_window; /* never scaled on a SYN */
}

/* The connection is set up: congestion control starts (RFC 6928 IW,
 * RFC 5681 3.1 ssthresh infinite; one segment if a SYN was lost). */
static void established(ws_tcp *t) {
  t->state = t->fin_queued ? ST_FIN_WAIT_1 : ST_ESTABLISHED;
  t->cwnd = t->syn_retransmitted ? t->mss : t->cfg.initial_cwnd_segments * t->mss;
  t->ssthresh = UINT32_MAX;
  /* RFC 6298 5.7: after a lost SYN the RTO restarts at 3 s for data. */
  if (t->syn_retransmitted && !t->have_rtt)
    t->rto_ns = MIN(MAX(t->cfg.initial_rto_ns, 3 * WS_S), t->cfg.max_rto_ns);
  else if (!t->have_rtt) t->rto_ns = t->cfg.initial_rto_ns;
  cc_call(t, t->cc->init);
  if (t->snd_una >= t->snd_max) rto_stop(t);
  if (t->cb.connected) t->cb.connected(t, t->ctx);
}

/* Our FIN is acknowledged. */
static void fin_acked(ws_tcp *t) {
  switch (t->state) {
  case ST_FIN_WAIT_1: t->state = ST_FIN_WAIT_2; break;
  case ST_CLOSING:
    /* TIME-WAIT lasts until the endpoint is freed: ports are never reused
     * in a run, and it keeps answering a retransmitted FIN. */
    t->state = ST_TIME_WAIT;
    if (t->cb.closed) t->cb.closed(t, t->ctx);
    break;
  case ST_LAST_ACK:
    t->state = ST_CLOSED;
    if (t->cb.closed) t->cb.closed(t, t->ctx);
    break;
  default: break;
  }
}

static void enter_recovery(ws_tcp *t) {
  t->info.fast_retransmits++;
  t->in_recovery = true;
  t->recover = t->snd_max;
  /* One reduction per window (RFC 3168 6.1.2, RFC 5681 3.2): none when an
   * ECN echo or a loss probe already reduced for data still outstanding. */
  bool reduced = t->snd_una < t->ecn_recover;
  t->ecn_recover = t->snd_max;
  if (!reduced) cc_call(t, t->cc->on_loss);
  if (t->rack_on) {
    /* The one reduction of this episode is made; a probe's outcome no
     * longer matters (RFC 8985 7.4). RFC 6937: PRR starts with RecoverFS =
     * the pipe (as draft-ietf-tcpm-prr-rfc6937bis), and the first lost
     * segment goes at once (RFC 6675 5 step 3). */
    t->tlp_end_seq = 0;
    t->prr_delivered = 0;
    t->prr_out = 0;
    t->recover_fs = MAX(rack_pipe(t), (uint64_t)t->mss);
    uint64_t abs;
    seg_rec *r = next_lost(t, &abs);
    if (r) rec_retransmit(t, r);
    return;
  }
  /* RFC 6582 3.2 step 2 / RFC 6675 5 (3): retransmit the first unacked
   * segment at once. */
  uint32_t len = rxt_len(t, t->snd_una);
  retransmit(t, t->snd_una);
  t->high_rxt = t->snd_una + MAX(len, 1u);
  t->inflation = t->sack_ok ? 0 : (int64_t)DUP_THRESH * t->mss;
}

/* RACK: the records a SACK block [l, r) covers newly. SACKed runs are
 * skipped a range at a time (the scoreboard before this block is added),
 * so a block reported again costs O(ranges), not O(segments). */
static void rack_sack_block(ws_tcp *t, uint64_t l, uint64_t r) {
  seg_queue *q = &t->segs;
  uint64_t a = sq_find(q, l);
  while (a < q->tail) {
    seg_rec *s = sq_at(q, a);
    if (s->seq >= r) break;
    if (s->flags & SEG_SACKED) {
      int k = rs_find(&t->sacked, s->seq);
      a = MAX(k >= 0 ? sq_find(q, t->sacked.r[k].right) : 0, a + 1);
      continue;
    }
    if (s->seq >= l && s->end <= r) {
      rack_delivered(t, s);
      rec_flags(t, s, SEG_SACKED, 0);
    }
    a++;
  }
}

/* RACK: records cumulatively acknowledged up to ack leave the ring. */
static void rack_cum_ack(ws_tcp *t, uint64_t ack, const ws_packet *p) {
  seg_queue *q = &t->segs;
  while (q->head < q->tail) {
    seg_rec *r = sq_at(q, q->head);
    if (r->seq >= ack) break;
    if (!(r->flags & SEG_SACKED)) {
      rack_delivered(t, r);
      /* With timestamps an ACK that echoes a time before the last
       * retransmission was caused by an earlier copy (Eifel, RFC 3522):
       * the retransmission was spurious, the original late. That is
       * reordering too (RFC 8985 6.2 lets a sender detect it by other
       * means than D-SACK, which wisim's receiver does not send). */
      if ((r->flags & SEG_EVER_RETRANS) && t->ts_ok && p->tcp_has_ts &&
          (int32_t)(p->tcp_tsecr - (uint32_t)(r->xmit_ts / WS_MS)) < 0)
        t->reordering_seen = true;
    }
    rec_account(t, r, -1);
    if (r->end > ack) { /* partly acknowledged (segments arrive whole: not expected) */
      r->seq = ack;
      rec_account(t, r, 1);
      break;
    }
    q->head++;
  }
}

/* RFC 6937: the sending allowance of one ACK in fast recovery, as cwnd =
 * pipe + sndcnt. Proportional while the pipe is above ssthresh, then
 * slow start up to it, bounded by what was delivered (PRR-SSRB). */
static void prr_ack(ws_tcp *t, uint64_t delivered) {
  t->prr_delivered += delivered;
  uint64_t pipe = rack_pipe(t), ss = t->ssthresh;
  int64_t sndcnt;
  if (pipe > ss) {
    uint64_t want = (t->prr_delivered * ss + t->recover_fs - 1) / t->recover_fs;
    sndcnt = (int64_t)want - (int64_t)t->prr_out;
  } else {
    uint64_t credit = t->prr_delivered > t->prr_out ? t->prr_delivered - t->prr_out : 0;
    sndcnt = (int64_t)MIN(ss - pipe, MAX(credit, delivered) + t->mss);
  }
  if (sndcnt < 0) sndcnt = 0;
  t->cwnd = (uint32_t)MIN(pipe + (uint64_t)sndcnt, UINT32_MAX);
}

/* RFC 8985 7.4: what became of a loss probe. A probe of new data, or one
 * whose both copies arrived (a pure duplicate ACK), ends the episode; a
 * retransmitted probe followed by an ACK beyond it repaired a loss: one
 * congestion response, as a recovery that ended at once. */
static void tlp_ack(ws_tcp *t, uint64_t ack, uint64_t una0, const ws_packet *p) {
  if (!t->tlp_end_seq || ack < t->tlp_end_seq) return;
  if (!t->tlp_is_retrans) {
    t->tlp_end_seq = 0;
  } else if (ack > t->tlp_end_seq) {
    t->tlp_end_seq = 0;
    if (!t->in_recovery && !t->rto_recovery && t->snd_una >= t->ecn_recover) {
      t->ecn_recover = t->snd_max;
      cc_call(t, t->cc->on_loss);
      cc_call(t, t->cc->on_recovery_end);
    }
  } else if (ack == una0 && p->tcp_n_sack == 0 && p->payload_bytes == 0) {
    t->tlp_end_seq = 0;
  }
}

/* The peer's SACK blocks into the scoreboard. */
static void take_sack(ws_tcp *t, const ws_packet *p) {
  for (unsigned i = 0; i < p->tcp_n_sack && i < WS_TCP_MAX_SACK; i++) {
    uint64_t l = unwrap(t->snd_una, t->iss, p->tcp_sack[i].left);
    uint64_t r = unwrap(t->snd_una, t->iss, p->tcp_sack[i].right);
    if (l <= t->snd_una || r <= l || r > t->snd_max) continue; /* stale or bogus */
    if (t->rack_on) rack_sack_block(t, l, r);
    rs_add(&t->sacked, l, r);
  }
}

static void process_ack(ws_tcp *t, const ws_packet *p, uint64_t ack) {
  if (ack > t->snd_max) { /* acknowledges what we never sent: ACK and drop */
    t->ack_now = true;
    return;
  }
  t->snd_wnd = (uint64_t)p->tcp_window << t->snd_wscale;
  uint64_t una0 = t->snd_una, sacked0 = t->sq_sacked;
  if (t->sack_ok && p->tcp_n_sack) take_sack(t, p);
  ws_time now = now_ns(t);
  if (ack > t->snd_una) {
    uint64_t acked = ack - t->snd_una;
    uint64_t data_acked = data_in(t, t->snd_una, ack);
    ws_time rtt = -1;
    if (t->ts_ok && p->tcp_has_ts) {
      /* RFC 7323 4.1 RTTM: the echoed TSval. The clock ticks in ms, so a
       * sample is up to 1 ms (G) above the true RTT. */
      uint32_t back_ms = ts_clock(t) - p->tcp_tsecr;
      rtt = now - ((now / WS_MS) - (ws_time)back_ms) * WS_MS;
      int64_t expected = (int64_t)((t->snd_max - t->snd_una + 2 * t->mss - 1) / (2 * t->mss));
      rtt_sample(t, rtt, MAX(expected, 1));
    } else if (t->timing && ack >= t->timed_end) {
      rtt = now - t->timed_at_ns;
      t->timing = false;
      rtt_sample(t, rtt, 1);
    }
    if (t->rack_on) {
      rack_cum_ack(t, ack, p);
      t->tlp_rearm = true; /* RFC 8985 7.2: new data acknowledged */
    }
    t->snd_una = ack;
    if (t->snd_nxt < ack) t->snd_nxt = ack;
    if (t->high_rxt < ack) t->high_rxt = ack;
    rs_trim(&t->sacked, ack);
    t->info.bytes_acked += data_acked;
    t->dupacks = 0;
    if (t->rto_recovery && ack >= t->recover) t->rto_recovery = false;
    if (t->in_recovery) {
      if (ack >= t->recover) { /* full ACK: RFC 6582 3.2 step 3, RFC 6675 5 */
        t->in_recovery = false;
        t->inflation = 0;
        cc_call(t, t->cc->on_recovery_end);
      } else if (!t->sack_ok) {
        /* RFC 6582 3.2 step 3, partial ACK: retransmit the next hole,
         * deflate by the amount acked, add back one SMSS if >= SMSS. */
        retransmit(t, t->snd_una);
        t->inflation -= (int64_t)acked;
        if (acked >= t->mss) t->inflation += t->mss;
      }
    } else if (t->cc->on_ack) {
      ws_tcp_cc_view v;
      cc_view(t, &v);
      t->cc->on_ack(t->cc_state, &v, (uint32_t)MIN(acked, UINT32_MAX), rtt);
      cc_apply(t, &v);
    }
    /* RFC 6298 5.2 / 5.3 (with RFC 6582's slow-but-steady: every partial
     * ACK restarts the timer). */
    if (t->snd_una >= t->snd_max) rto_stop(t);
    else rto_restart(t);
    if (t->fin_queued && ack > t->app_end) fin_acked(t);
    if (data_acked && t->cb.acked) t->cb.acked(t, data_acked, t->ctx);
  } else if (ack == t->snd_una && t->snd_max > t->snd_una && p->payload_bytes == 0 &&
             !(p->tcp_flags & (WS_TCP_SYN | WS_TCP_FIN))) {
    /* RFC 5681 2 duplicate ACK (the window never changes here). */
    t->dupacks++;
    if (t->in_recovery) {
      if (!t->sack_ok) t->inflation += t->mss; /* RFC 6582 3.2 step 4 */
    } else if (!t->rack_on &&
               (t->dupacks >= DUP_THRESH || (t->sack_ok && lost_end(t) > t->snd_una)) &&
               t->snd_una >= t->recover) {
      /* RFC 6582 3.2 step 2, the careful variant: not for duplicates of
       * a window already recovered (snd_una below recover). */
      enter_recovery(t);
    }
  }
  if (t->rack_on) {
    /* RFC 8985 6.2: RACK after every ACK; PRR's allowance in recovery
     * (DeliveredData = the change in snd_una + the change in SACKed
     * bytes, RFC 6937); the probe's outcome. */
    rack_ack_done(t);
    rack_run(t);
    if (t->in_recovery) {
      int64_t delivered = (int64_t)(t->snd_una - una0) + (int64_t)(t->sq_sacked - sacked0);
      prr_ack(t, delivered > 0 ? (uint64_t)delivered : 0);
    }
    tlp_ack(t, ack, una0, p);
  }
  /* RFC 3168 6.1.2: one response to ECE per window of data, none inside
   * a loss recovery (that already reduced the window). */
  if ((p->tcp_flags & WS_TCP_ECE) && t->ecn_ok && !t->in_recovery && ack > t->ecn_recover) {
    t->info.ecn_echoes++;
    t->ecn_recover = t->snd_max;
    cc_call(t, t->cc->on_loss);
    t->cwr_pending = true;
  }
}

static void peer_fin(ws_tcp *t) {
  t->fin_received = true;
  t->rcv_nxt++;
  t->ack_now = true;
  switch (t->state) {
  case ST_ESTABLISHED: t->state = ST_CLOSE_WAIT; break;
  case ST_FIN_WAIT_1: t->state = ST_CLOSING; break;
  case ST_FIN_WAIT_2:
    t->state = ST_TIME_WAIT;
    if (t->cb.closed) t->cb.closed(t, t->ctx);
    break;
  default: break;
  }
  if (t->cb.peer_closed) t->cb.peer_closed(t, t->ctx);
}

/* Data (and FIN) of a segment at offset seq. */
static void process_data(ws_tcp *t, const ws_packet *p, uint64_t seq) {
  uint32_t len = p->payload_bytes;
  uint64_t end = seq + len;
  if (p->tcp_flags & WS_TCP_FIN) {
    t->peer_fin_known = true;
    t->peer_fin_seq = end;
  }
  /* RFC 3168 6.1.3: CWR stops the echo; CE (on this very packet too)
   * starts it; a CE mark is reported at once. */
  if (p->tcp_flags & WS_TCP_CWR) t->ece_pending = false;
  if (t->ecn_ok && p->ecn == WS_ECN_CE) {
    if (!t->ece_pending) t->ack_now = true;
    t->ece_pending = true;
  }
  uint64_t edge = t->rcv_nxt + rcv_window(t);
  if (end > edge) end = edge; /* beyond the window: not kept */
  if (len == 0 || end <= t->rcv_nxt) {
    /* Nothing new: a duplicate gets an immediate ACK (RFC 5681 4.2). */
    if (len > 0) t->ack_now = true;
  } else if (seq > t->rcv_nxt) {
    /* Out of order: keep it, ACK at once with SACK (RFC 5681 4.2). */
    rs_add(&t->ooo, seq, end);
    if (t->n_recent == WS_TCP_MAX_SACK) t->n_recent--;
    memmove(t->recent + 1, t->recent, t->n_recent * sizeof t->recent[0]);
    t->recent[0] = seq;
    t->n_recent++;
    t->ack_now = true;
  } else {
    uint64_t before = t->rcv_nxt;
    t->rcv_nxt = end;
    if (t->ooo.n && t->ooo.r[0].left <= t->rcv_nxt) {
      /* Fills (part of) a hole: RFC 5681 4.2 wants an immediate ACK. */
      t->rcv_nxt = MAX(t->rcv_nxt, t->ooo.r[0].right);
      rs_trim(&t->ooo, t->rcv_nxt);
      t->ack_now = true;
    } else if (t->ooo.n) {
      t->ack_now = true;
    }
    uint64_t delivered = t->rcv_nxt - before;
    t->unacked_bytes += (uint32_t)MIN(delivered, UINT32_MAX);
    t->info.bytes_delivered += delivered;
    /* RFC 5681 4.2: an ACK for at least every second full-sized segment;
     * otherwise within the delayed-ACK timeout. */
    if (!t->cfg.delayed_ack || t->unacked_bytes >= 2 * t->mss) {
      t->ack_now = true;
    } else if (t->dack_deadline == 0) {
      t->dack_deadline = now_ns(t) + t->cfg.delayed_ack_timeout_ns;
      timer_arm(t, &t->dack_ev, &t->dack_ev_at, t->dack_deadline, dack_fire);
    }
    if (t->cb.received) t->cb.received(t, delivered, t->ctx);
  }
  if (t->peer_fin_known && !t->fin_received && t->rcv_nxt == t->peer_fin_seq) peer_fin(t);
  else if (t->fin_received && (p->tcp_flags & WS_TCP_FIN)) t->ack_now = true; /* FIN again */
}

void ws_tcp_input(ws_tcp *t, ws_packet *p) {
  g_return_if_fail(t != NULL && p != NULL);
  if (p->protocol != WS_IP_PROTO_TCP || t->in_input) {
    ws_packet_free(t->pool, p);
    return;
  }
  uint8_t flags = p->tcp_flags;
  t->in_input = true;
  if (t->state == ST_LISTEN) {
    if ((flags & WS_TCP_SYN) && !(flags & (WS_TCP_ACK | WS_TCP_RST))) {
      t->raddr = p->src_addr;
      t->rport = p->src_port;
      t->irs = p->tcp_seq;
      t->rcv_nxt = 1;
      t->last_ack_sent = 1;
      t->mss_option = path_mss(t, p->src_addr);
      negotiate(t, p);
      t->ecn_ok = t->cfg.ecn && (flags & WS_TCP_ECE) && (flags & WS_TCP_CWR);
      t->state = ST_SYN_RCVD;
      t->rto_ns = t->cfg.initial_rto_ns;
      t->timing = false;
      send_syn(t);
    }
    ws_packet_free(t->pool, p);
    t->in_input = false;
    return;
  }
  if (t->state == ST_CLOSED || p->src_addr != t->raddr || p->src_port != t->rport) {
    ws_packet_free(t->pool, p); /* not ours; no RST is sent */
    t->in_input = false;
    return;
  }
  if (flags & WS_TCP_RST) {
    tcp_state was = t->state;
    t->state = ST_CLOSED;
    rto_stop(t);
    t->dack_deadline = 0;
    ws_packet_free(t->pool, p);
    t->in_input = false;
    if (was != ST_TIME_WAIT && t->cb.closed) t->cb.closed(t, t->ctx);
    return;
  }
  uint64_t ack = unwrap(t->snd_una, t->iss, p->tcp_ack);
  if (t->state == ST_SYN_SENT) {
    if ((flags & WS_TCP_SYN) && (flags & WS_TCP_ACK) && ack == 1) {
      t->irs = p->tcp_seq;
      t->rcv_nxt = 1;
      t->last_ack_sent = 1;
      negotiate(t, p);
      /* RFC 3168 6.1.1: an ECN-setup SYN-ACK has ECE without CWR. */
      t->ecn_ok = t->cfg.ecn && (flags & WS_TCP_ECE) && !(flags & WS_TCP_CWR);
      t->snd_una = 1;
      if (t->ts_ok && p->tcp_has_ts) {
        uint32_t back_ms = ts_clock(t) - p->tcp_tsecr;
        ws_time now = now_ns(t);
        rtt_sample(t, now - ((now / WS_MS) - (ws_time)back_ms) * WS_MS, 1);
      } else if (!t->syn_retransmitted && t->timing) {
        rtt_sample(t, now_ns(t) - t->timed_at_ns, 1);
      }
      t->timing = false;
      rto_stop(t);
      t->ack_now = true;
      established(t);
    }
    ws_packet_free(t->pool, p);
    finish_input(t);
    return;
  }
  if (flags & WS_TCP_SYN) {
    /* A retransmitted SYN (our SYN-ACK was lost) or SYN-ACK (our ACK
     * was): answer it again. */
    if (t->state == ST_SYN_RCVD) emit(t, 0, 0, WS_TCP_SYN);
    else t->ack_now = true;
    ws_packet_free(t->pool, p);
    finish_input(t);
    return;
  }
  if (!(flags & WS_TCP_ACK)) { /* RFC 9293 3.10.7.4: no ACK, no business */
    ws_packet_free(t->pool, p);
    finish_input(t);
    return;
  }
  if (t->state == ST_SYN_RCVD) {
    if (ack < 1 || ack > t->snd_max) {
      ws_packet_free(t->pool, p);
      finish_input(t);
      return;
    }
    t->snd_una = 1;
    if (t->ts_ok && p->tcp_has_ts) {
      uint32_t back_ms = ts_clock(t) - p->tcp_tsecr;
      ws_time now = now_ns(t);
      rtt_sample(t, now - ((now / WS_MS) - (ws_time)back_ms) * WS_MS, 1);
    } else if (!t->syn_retransmitted && t->timing) {
      rtt_sample(t, now_ns(t) - t->timed_at_ns, 1);
    }
    t->timing = false;
    rto_stop(t);
    established(t);
  }
  uint64_t seq = unwrap(t->rcv_nxt, t->irs, p->tcp_seq);
  /* RFC 7323 4.3: TS.Recent from a segment that covers Last.ACK.sent. */
  if (t->ts_ok && p->tcp_has_ts && seq <= t->last_ack_sent &&
      (int32_t)(p->tcp_tsval - t->ts_recent) >= 0)
    t->ts_recent = p->tcp_tsval;
  process_ack(t, p, ack);
  if (p->payload_bytes > 0 || (flags & WS_TCP_FIN)) process_data(t, p, seq);
  ws_packet_free(t->pool, p);
  finish_input(t);
}

static void port_input(ws_net *net, ws_packet *p, void *ctx) {
  (void)net;
  ws_tcp_input(ctx, p);
}

/* ---- the application's side ------------------------------------------------ */

ws_tcp *ws_tcp_new(ws_net *net, ws_node *n, uint16_t port, const ws_tcp_config *cfg,
                   const ws_tcp_callbacks *cb, void *ctx) {
  g_return_val_if_fail(net != NULL && n != NULL && cfg != NULL, NULL);
  const ws_tcp_cc_ops *cc = cfg->cc_ops;
  if (!cc) cc = ws_tcp_cc_find(cfg->congestion ? cfg->congestion : "cubic");
  g_return_val_if_fail(cc != NULL, NULL);
  g_return_val_if_fail(cfg->recv_buffer_bytes > 0 && cfg->send_buffer_bytes > 0, NULL);
  g_return_val_if_fail(cfg->min_rto_ns > 0 && cfg->max_rto_ns >= cfg->min_rto_ns, NULL);
  ws_tcp *t = g_new0(ws_tcp, 1);
  if (!ws_net_tcp_bind(net, n, port, port_input, t)) {
    g_free(t);
    return NULL;
  }
  t->net = net;
  t->sim = ws_net_sim(net);
  t->pool = ws_net_pool(net);
  t->node = n;
  t->port = port;
  t->cfg = *cfg;
  t->cfg.cc_ops = cc;
  if (cb) t->cb = *cb;
  t->ctx = ctx;
  t->cc = cc;
  t->cc_state = cc->state_size ? g_malloc0(cc->state_size) : NULL;
  t->state = ST_CLOSED;
  t->iss = cfg->initial_seq;
  t->app_end = 1;
  t->rto_ns = CLAMP(cfg->initial_rto_ns, cfg->min_rto_ns, cfg->max_rto_ns);
  /* RFC 7323 2.3: the smallest shift that lets the buffer be announced. */
  uint8_t shift = 0;
  while (shift < MAX_WSCALE && (cfg->recv_buffer_bytes >> shift) > 65535u) shift++;
  t->rcv_wscale = cfg->window_scaling ? shift : 0;
  t->snd_wscale = WS_TCP_NO_WSCALE; /* until the peer's SYN says */
  t->mss = DEFAULT_MSS;
  t->mss_option = DEFAULT_MSS;
  t->cwnd = t->cfg.initial_cwnd_segments * DEFAULT_MSS;
  t->ssthresh = UINT32_MAX;
  update_info(t);
  return t;
}

void ws_tcp_free(ws_tcp *t) {
  if (!t) return;
  ws_sim_cancel(t->sim, t->rto_ev);
  ws_sim_cancel(t->sim, t->dack_ev);
  ws_sim_cancel(t->sim, t->rack_ev);
  ws_sim_cancel(t->sim, t->tlp_ev);
  ws_net_tcp_unbind(t->net, t->node, t->port);
  g_free(t->segs.r);
  g_free(t->rxts.e);
  rs_clear(&t->sacked);
  rs_clear(&t->ooo);
  g_free(t->cc_state);
  g_free(t);
}

/* MSS from the first link towards the peer: its MTU less 40 (RFC 9293 3.7.1);
 * DEFAULT_MSS when the peer is not reachable (the SYN will be dropped). */
static uint32_t path_mss(const ws_tcp *t, uint32_t addr) {
  ws_node *peer = ws_net_node_by_addr(t->net, addr);
  ws_link *l = peer ? ws_net_first_link(t->net, t->node, peer, NULL) : NULL;
  if (!l) return DEFAULT_MSS;
  uint32_t mtu = MIN(ws_link_get_config(l)->mtu_bytes, WS_IPV4_MAX_BYTES);
  return mtu > 40 + TS_OPTION_BYTES + 1 ? mtu - 40 : DEFAULT_MSS;
}

void ws_tcp_listen(ws_tcp *t) {
  g_return_if_fail(t != NULL && t->state == ST_CLOSED);
  t->state = ST_LISTEN;
}

void ws_tcp_connect(ws_tcp *t, uint32_t remote_addr, uint16_t remote_port) {
  g_return_if_fail(t != NULL && t->state == ST_CLOSED);
  t->raddr = remote_addr;
  t->rport = remote_port;
  t->mss_option = path_mss(t, remote_addr);
  t->state = ST_SYN_SENT;
  t->in_input = true;
  send_syn(t);
  t->in_input = false;
}

uint64_t ws_tcp_send_space(const ws_tcp *t) {
  g_return_val_if_fail(t != NULL, 0);
  if (t->fin_queued) return 0;
  uint64_t held = t->app_end - MAX(t->snd_una, 1);
  return held >= t->cfg.send_buffer_bytes ? 0 : t->cfg.send_buffer_bytes - held;
}

uint64_t ws_tcp_send(ws_tcp *t, uint64_t bytes) {
  g_return_val_if_fail(t != NULL, 0);
  uint64_t n = MIN(bytes, ws_tcp_send_space(t));
  if (n == 0) return 0;
  t->app_end += n;
  if (!t->in_input) {
    try_send(t);
    update_info(t);
  }
  return n;
}

void ws_tcp_close(ws_tcp *t) {
  g_return_if_fail(t != NULL);
  if (t->fin_queued) return;
  t->fin_queued = true;
  switch (t->state) {
  case ST_ESTABLISHED: t->state = ST_FIN_WAIT_1; break;
  case ST_CLOSE_WAIT: t->state = ST_LAST_ACK; break;
  case ST_LISTEN: case ST_CLOSED: t->state = ST_CLOSED; return;
  default: break; /* SYN states: FIN-WAIT-1 once established */
  }
  if (!t->in_input) {
    try_send(t);
    update_info(t);
  }
}

bool ws_tcp_is_established(const ws_tcp *t) {
  g_return_val_if_fail(t != NULL, false);
  return t->state == ST_ESTABLISHED;
}

const ws_tcp_info *ws_tcp_get_info(const ws_tcp *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return &t->info;
}

const char *ws_tcp_state_name(const ws_tcp *t) {
  g_return_val_if_fail(t != NULL, "?");
  return state_names[t->state];
}

ws_node *ws_tcp_node(const ws_tcp *t) { return t->node; }
uint16_t ws_tcp_port(const ws_tcp *t) { return t->port; }
