/* Tests of the TCP endpoint (sim/net/tcp.c) on two hosts and one link:
 * handshake and close, exact in-order delivery across the 32-bit wrap,
 * RFC 6298 arithmetic by hand, delayed-ACK counts, window scaling on a
 * long-fat path, fast retransmit (NewReno and SACK), RTO backoff in a black
 * hole, RACK-TLP (a lost retransmission, tail losses, reordering; each
 * against the same run without RACK), ECN and determinism. Segments are
 * intercepted at the receiving port (ws_tcp_input) to drop, delay or
 * CE-mark them by sequence number. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/tcp.h"

/* ---- a local Reno, so that these tests do not depend on tcp-newreno.c ---- */

typedef struct {
  uint64_t credit;
} reno_state;

static void reno_on_ack(void *state, ws_tcp_cc_view *v, uint32_t acked, ws_time rtt_ns) {
  reno_state *st = state;
  (void)rtt_ns;
  if (v->cwnd < v->ssthresh) { /* RFC 5681 eq. 2 with RFC 3465 L = 2 */
    v->cwnd += MIN(acked, 2 * v->mss);
    return;
  }
  st->credit += (uint64_t)v->mss * v->mss; /* RFC 5681 eq. 3 */
  v->cwnd += (uint32_t)(st->credit / v->cwnd);
  st->credit %= v->cwnd;
}

static void reno_on_loss(void *state, ws_tcp_cc_view *v) {
  (void)state;
  v->ssthresh = MAX(v->flight_size / 2, 2 * v->mss); /* RFC 5681 eq. 4 */
  v->cwnd = v->ssthresh;
}

static void reno_on_recovery_end(void *state, ws_tcp_cc_view *v) {
  (void)state;
  v->cwnd = v->ssthresh;
}

static void reno_on_rto(void *state, ws_tcp_cc_view *v) {
  (void)state;
  v->ssthresh = MAX(v->flight_size / 2, 2 * v->mss);
  v->cwnd = v->mss;
}

static const ws_tcp_cc_ops test_reno = {
    .name = "test-reno", .state_size = sizeof(reno_state), .on_ack = reno_on_ack,
    .on_loss = reno_on_loss, .on_recovery_end = reno_on_recovery_end, .on_rto = reno_on_rto};

/* ---- fixture: client a:49152 -> server b:80 over one link ---------------- */

enum { MAX_MARKS = 16, MAX_TIMES = 64 };
#define CPORT 49152
#define SPORT 80

typedef struct fx fx;
struct fx {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
  ws_node *a, *b;
  ws_link *link;
  ws_tcp *c, *s;
  /* application */
  uint64_t total;     /* bytes the client sends, then closes if close_at_end */
  uint64_t handed;
  bool close_at_end;
  uint64_t received;
  ws_time done_ns;    /* when the server had all total bytes */
  int c_closed, s_closed, c_connected, s_connected;
  /* filters */
  uint64_t drop_seq[MAX_MARKS]; /* data offsets (packet seq) dropped once */
  unsigned drop_n[MAX_MARKS];   /* ... or this many times (0: once) */
  unsigned drops_done[MAX_MARKS];
  bool dropped[MAX_MARKS];
  ws_time drop_at[MAX_MARKS];   /* when the last copy was dropped */
  ws_time srtt_at_drop[MAX_MARKS]; /* the sender's SRTT then */
  ws_time rexmit_at[MAX_MARKS]; /* when the retransmission arrived */
  unsigned n_drop;
  uint64_t reorder_every;       /* data offsets multiple of this (not 0) are */
  ws_time reorder_delay;        /* held this long, once each */
  uint64_t reorder_last;
  unsigned reordered;
  uint32_t ssthresh_seen[8];    /* the client's ssthresh after each change */
  unsigned n_ssthresh;
  uint64_t mark_seq[MAX_MARKS]; /* data offsets CE-marked (first transmission) */
  unsigned n_mark;
  ws_time hole_from, hole_to;   /* black hole for data towards the server */
  ws_time hole_times[MAX_TIMES];
  uint64_t hole_seqs[MAX_TIMES];
  unsigned n_hole;
  /* counters */
  unsigned data_segs, ect_segs, cwr_segs, acks_to_client, pure_acks, ece_acks;
  uint32_t max_flight, last_cwnd, cwnd_drops;
  double min_cwnd_ratio;
  bool wrapped;       /* a data segment's wire seq was below the ISN */
  uint32_t isn;
  ws_packet syn, synack, first_data, sack_ack; /* copies for inspection */
  unsigned syn_seen, synack_seen;
  unsigned drop_syns; /* SYNs towards the server to drop */
  /* request-response: the server answers each request_bytes with
   * response_bytes; the client sends the next request on a full answer */
  uint64_t request_bytes, response_bytes, c_received;
  unsigned requests, answered, responses;
  ws_time asked_at, max_response_ns;
  uint8_t max_sack_blocks;
  bool sack_first_is_latest; /* every SACK's first block held the latest arrival */
  uint64_t latest_ooo_wire; /* wire seq of the last out-of-order arrival */
};

static void refill(fx *f) {
  while (f->handed < f->total) {
    uint64_t n = ws_tcp_send(f->c, f->total - f->handed);
    if (n == 0) break;
    f->handed += n;
  }
  if (f->handed == f->total && f->close_at_end) ws_tcp_close(f->c);
}

static void c_connected(ws_tcp *t, void *ctx) {
  (void)t;
  fx *f = ctx;
  f->c_connected++;
  refill(f);
}

static void c_acked(ws_tcp *t, uint64_t bytes, void *ctx) {
  (void)bytes;
  fx *f = ctx;
  const ws_tcp_info *i = ws_tcp_get_info(t);
  if (i->bytes_in_flight > f->max_flight) f->max_flight = i->bytes_in_flight;
  refill(f);
}

static void c_closed(ws_tcp *t, void *ctx) {
  (void)t;
  ((fx *)ctx)->c_closed++;
}

static void s_connected(ws_tcp *t, void *ctx) {
  (void)t;
  ((fx *)ctx)->s_connected++;
}

static void ask(fx *f) {
  f->asked_at = ws_sim_now(f->sim);
  g_assert_cmpuint(ws_tcp_send(f->c, f->request_bytes), ==, f->request_bytes);
}

static void c_received(ws_tcp *t, uint64_t bytes, void *ctx) {
  (void)t;
  fx *f = ctx;
  f->c_received += bytes;
  if (f->c_received == (f->responses + 1) * f->response_bytes) {
    f->responses++;
    f->max_response_ns = MAX(f->max_response_ns, ws_sim_now(f->sim) - f->asked_at);
    if (f->responses < f->requests) ask(f);
  }
}

static void s_received(ws_tcp *t, uint64_t bytes, void *ctx) {
  fx *f = ctx;
  f->received += bytes;
  while (f->request_bytes && f->received >= (f->answered + 1) * f->request_bytes) {
    f->answered++;
    g_assert_cmpuint(ws_tcp_send(t, f->response_bytes), ==, f->response_bytes);
  }
  if (f->received == f->total && f->done_ns == 0) f->done_ns = ws_sim_now(f->sim);
}

static void s_peer_closed(ws_tcp *t, void *ctx) {
  (void)ctx;
  ws_tcp_close(t);
}

static void s_closed(ws_tcp *t, void *ctx) {
  (void)t;
  ((fx *)ctx)->s_closed++;
}

static const ws_tcp_callbacks client_cb = {
    .connected = c_connected, .acked = c_acked, .closed = c_closed, .received = c_received};
static const ws_tcp_callbacks server_cb = {.connected = s_connected, .received = s_received,
                                           .peer_closed = s_peer_closed, .closed = s_closed};

/* A segment held back, then handed to the server. */
typedef struct {
  fx *f;
  ws_packet *p;
} late;

static void deliver_late(ws_sim *sim, void *ctx) {
  (void)sim;
  late *l = ctx;
  ws_tcp_input(l->f->s, l->p);
  g_free(l);
}

/* Segments towards the server: record, drop, mark. */
static void to_server(ws_net *net, ws_packet *p, void *ctx) {
  fx *f = ctx;
  ws_time now = ws_sim_now(f->sim);
  if (p->tcp_flags & WS_TCP_SYN && f->syn_seen++ == 0) f->syn = *p;
  if ((p->tcp_flags & WS_TCP_SYN) && f->drop_syns) {
    f->drop_syns--;
    ws_net_drop(net, p, WS_DROP_LOSS);
    return;
  }
  if (p->payload_bytes > 0) {
    if (f->data_segs == 0) f->first_data = *p;
    f->data_segs++;
    if (p->ecn == WS_ECN_ECT0) f->ect_segs++;
    if (p->tcp_flags & WS_TCP_CWR) f->cwr_segs++;
    if (p->tcp_seq < f->isn) f->wrapped = true;
    if (now >= f->hole_from && now < f->hole_to) {
      /* a ring: the last MAX_TIMES segments swallowed */
      f->hole_times[f->n_hole % MAX_TIMES] = now;
      f->hole_seqs[f->n_hole % MAX_TIMES] = p->seq;
      f->n_hole++;
      ws_net_drop(net, p, WS_DROP_LOSS);
      return;
    }
    for (unsigned i = 0; i < f->n_drop; i++) {
      if (p->seq != f->drop_seq[i]) continue;
      if (f->drops_done[i] < MAX(f->drop_n[i], 1u)) {
        f->dropped[i] = true;
        f->drops_done[i]++;
        f->drop_at[i] = now;
        f->srtt_at_drop[i] = ws_tcp_get_info(f->c)->srtt_ns;
        ws_net_drop(net, p, WS_DROP_LOSS);
        return;
      }
      if (!f->rexmit_at[i]) f->rexmit_at[i] = now;
    }
    if (f->reorder_every && p->seq % f->reorder_every == 0 && p->seq > f->reorder_last) {
      /* the first copy of such a segment arrives reorder_delay late */
      f->reorder_last = p->seq;
      f->reordered++;
      late *l = g_new(late, 1);
      l->f = f;
      l->p = p;
      ws_sim_schedule(f->sim, f->reorder_delay, deliver_late, l);
      return;
    }
    for (unsigned i = 0; i < f->n_mark; i++)
      if (p->seq == f->mark_seq[i] && p->ecn == WS_ECN_ECT0) p->ecn = WS_ECN_CE;
  }
  ws_tcp_input(f->s, p);
}

/* Segments towards the client: count ACKs, look at SACK blocks. */
static void to_client(ws_net *net, ws_packet *p, void *ctx) {
  (void)net;
  fx *f = ctx;
  if ((p->tcp_flags & WS_TCP_SYN) && f->synack_seen++ == 0) f->synack = *p;
  if (!(p->tcp_flags & WS_TCP_SYN)) {
    f->acks_to_client++;
    if (p->payload_bytes == 0 && !(p->tcp_flags & WS_TCP_FIN)) f->pure_acks++;
    if (p->tcp_flags & WS_TCP_ECE) f->ece_acks++;
    if (p->tcp_n_sack > f->max_sack_blocks) {
      f->max_sack_blocks = p->tcp_n_sack;
      f->sack_ack = *p;
    }
  }
  ws_tcp_input(f->c, p);
  const ws_tcp_info *i = ws_tcp_get_info(f->c);
  uint32_t last_ss = f->n_ssthresh ? f->ssthresh_seen[f->n_ssthresh - 1] : UINT32_MAX;
  if (i->ssthresh != last_ss && f->n_ssthresh < G_N_ELEMENTS(f->ssthresh_seen))
    f->ssthresh_seen[f->n_ssthresh++] = i->ssthresh;
  if (f->last_cwnd && i->cwnd < f->last_cwnd) {
    f->cwnd_drops++;
    double r = (double)i->cwnd / f->last_cwnd;
    if (f->min_cwnd_ratio == 0 || r < f->min_cwnd_ratio) f->min_cwnd_ratio = r;
  }
  f->last_cwnd = i->cwnd;
}

/* A link of rate, one-way delay, queue limit (packets) and MTU. */
static void fx_init(fx *f, int64_t rate_bps, ws_time delay_ns, uint64_t queue_packets,
                    double loss, uint64_t seed) {
  memset(f, 0, sizeof *f);
  f->sim = ws_sim_new();
  f->pool = ws_packet_pool_new();
  f->net = ws_net_new(f->sim, f->pool);
  f->a = ws_net_add_node(f->net, "a", WS_NODE_HOST);
  f->b = ws_net_add_node(f->net, "b", WS_NODE_HOST);
  ws_link_config lc = {.rate_bps = rate_bps, .delay_ns = delay_ns, .loss = loss,
                       .mtu_bytes = 1500,
                       .queue = {.discipline = "droptail", .limit = queue_packets}};
  f->link = ws_net_add_link(f->net, "ab", f->a, f->b, &lc, seed, 0);
  g_assert_nonnull(f->link);
  ws_net_build_routes(f->net);
  f->hole_from = f->hole_to = -1;
}

static ws_tcp_config base_cfg(void) {
  ws_tcp_config cfg;
  ws_tcp_config_default(&cfg);
  cfg.cc_ops = &test_reno;
  cfg.flow = 7;
  return cfg;
}

/* Makes both endpoints (client and server options) and their
 * interception, then connects. */
static void fx_start2(fx *f, const ws_tcp_config *cfg, const ws_tcp_config *scfg,
                      uint64_t total, bool close_at_end) {
  f->total = total;
  f->close_at_end = close_at_end;
  f->isn = cfg->initial_seq;
  f->s = ws_tcp_new(f->net, f->b, SPORT, scfg, &server_cb, f);
  f->c = ws_tcp_new(f->net, f->a, CPORT, cfg, &client_cb, f);
  g_assert_nonnull(f->s);
  g_assert_nonnull(f->c);
  g_assert_null(ws_tcp_new(f->net, f->b, SPORT, cfg, &server_cb, f)); /* port taken */
  ws_net_tcp_unbind(f->net, f->b, SPORT);
  ws_net_tcp_unbind(f->net, f->a, CPORT);
  g_assert_true(ws_net_tcp_bind(f->net, f->b, SPORT, to_server, f));
  g_assert_true(ws_net_tcp_bind(f->net, f->a, CPORT, to_client, f));
  ws_tcp_listen(f->s);
  ws_tcp_connect(f->c, ws_node_addr(f->b), SPORT);
}

static void fx_start(fx *f, const ws_tcp_config *cfg, uint64_t total, bool close_at_end) {
  fx_start2(f, cfg, cfg, total, close_at_end);
}

static void fx_clear(fx *f) {
  ws_tcp_free(f->c);
  ws_tcp_free(f->s);
  ws_net_free(f->net);
  /* Once both ends closed nothing is on a wire: every packet came back. */
  if (f->c_closed && f->s_closed) g_assert_cmpuint(ws_packet_pool_in_use(f->pool), ==, 0);
  ws_packet_pool_free(f->pool);
  ws_sim_free(f->sim);
}

/* ---- tests ------------------------------------------------------------------ */

/* SYN, SYN-ACK, ACK; options and their sizes; FIN both ways; the states. */
static void test_handshake_close(void) {
  fx f;
  fx_init(&f, 10000000, 10 * WS_MS, 100, 0, 1);
  ws_tcp_config cfg = base_cfg();
  fx_start(&f, &cfg, 3000, true);
  g_assert_cmpstr(ws_tcp_state_name(f.c), ==, "SYN-SENT");
  g_assert_cmpstr(ws_tcp_state_name(f.s), ==, "LISTEN");
  ws_sim_run_until(f.sim, 15 * WS_MS); /* the SYN has arrived, not the SYN-ACK */
  g_assert_cmpstr(ws_tcp_state_name(f.s), ==, "SYN-RECEIVED");
  ws_sim_run_until(f.sim, 2 * WS_S);
  g_assert_cmpint(f.c_connected, ==, 1);
  g_assert_cmpint(f.s_connected, ==, 1);
  /* SYN: MSS 4 + NOP/WS 4 + SACK-permitted 2 + timestamps 10 = 20 B of
   * options (Linux's layout), window unscaled, ISN 0, no ACK. */
  g_assert_cmpuint(f.syn.tcp_flags, ==, WS_TCP_SYN);
  g_assert_cmpuint(f.syn.tcp_options_bytes, ==, 20);
  g_assert_cmpuint(f.syn.ip_bytes, ==, 60);
  g_assert_cmpuint(f.syn.tcp_mss, ==, 1460);
  g_assert_cmpuint(f.syn.tcp_wscale, ==, 7); /* 4 MiB >> 7 = 32768 <= 65535 */
  g_assert_cmpuint(f.syn.tcp_window, ==, 65535);
  g_assert_true(f.syn.tcp_sack_permitted && f.syn.tcp_has_ts);
  g_assert_cmpuint(f.syn.tcp_seq, ==, 0);
  g_assert_cmpuint(f.syn.flow, ==, 7);
  g_assert_cmpuint(f.synack.tcp_flags, ==, WS_TCP_SYN | WS_TCP_ACK);
  g_assert_cmpuint(f.synack.tcp_ack, ==, 1);
  g_assert_cmpuint(f.synack.ip_bytes, ==, 60);
  /* Data: 1460 - 12 (timestamps) = 1448 B of payload in a 1500 B packet;
   * seq 1, window scaled down by 7. */
  g_assert_cmpuint(ws_tcp_get_info(f.c)->mss, ==, 1448);
  g_assert_cmpuint(f.first_data.tcp_seq, ==, 1);
  g_assert_cmpuint(f.first_data.payload_bytes, ==, 1448);
  g_assert_cmpuint(f.first_data.ip_bytes, ==, 1500);
  g_assert_cmpuint(f.first_data.tcp_options_bytes, ==, 12);
  g_assert_cmpuint(f.first_data.tcp_window, ==, (4u << 20) >> 7);
  g_assert_cmpuint(f.first_data.ecn, ==, WS_ECN_NOT_ECT); /* ECN off by default */
  /* Close: the client's FIN after its 3000 B, the server's FIN on
   * peer_closed; both report closed once. */
  g_assert_cmpuint(f.received, ==, 3000);
  g_assert_cmpint(f.c_closed, ==, 1);
  g_assert_cmpint(f.s_closed, ==, 1);
  g_assert_cmpstr(ws_tcp_state_name(f.c), ==, "TIME-WAIT");
  g_assert_cmpstr(ws_tcp_state_name(f.s), ==, "CLOSED");
  g_assert_cmpuint(ws_tcp_get_info(f.c)->retransmissions, ==, 0);
  g_assert_cmpuint(ws_tcp_send(f.c, 100), ==, 0); /* closed: nothing accepted */
  fx_clear(&f);

  /* Without timestamps and window scaling: MSS 4 + SACK-permitted 2 -> 8 B,
   * and the full 1460 B payload. */
  fx_init(&f, 10000000, 10 * WS_MS, 100, 0, 1);
  cfg.timestamps = false;
  cfg.window_scaling = false;
  fx_start(&f, &cfg, 5000, true);
  ws_sim_run_until(f.sim, 2 * WS_S);
  g_assert_cmpuint(f.syn.tcp_options_bytes, ==, 8);
  g_assert_cmpuint(f.syn.tcp_wscale, ==, WS_TCP_NO_WSCALE);
  g_assert_cmpuint(f.first_data.payload_bytes, ==, 1460);
  g_assert_cmpuint(f.first_data.ip_bytes, ==, 1500);
  g_assert_cmpuint(f.first_data.tcp_window, ==, 65535);
  g_assert_cmpuint(f.received, ==, 5000);
  g_assert_cmpint(f.c_closed + f.s_closed, ==, 2);
  fx_clear(&f);
}

/* Data both ways (request-response): 20 requests of 300 B, answers of
 * 30 kB (21 segments: IW 10, then 2 RTTs of slow start at most). ACKs ride
 * on the data; no 200 ms delayed-ACK stall appears. RTT = 40 ms. */
static void test_request_response(void) {
  fx f;
  fx_init(&f, 100000000, 20 * WS_MS, 1000, 0, 1);
  ws_tcp_config cfg = base_cfg();
  fx_start(&f, &cfg, 0, false);
  f.request_bytes = 300;
  f.response_bytes = 30000;
  f.requests = 20;
  ws_sim_run_until(f.sim, 100 * WS_MS);
  ask(&f);
  ws_sim_run_until(f.sim, 10 * WS_S);
  g_assert_cmpuint(f.responses, ==, 20);
  g_assert_cmpuint(f.received, ==, 20 * 300);
  g_assert_cmpuint(f.c_received, ==, 20 * 30000);
  g_test_message("max response %.1f ms", f.max_response_ns / 1e6);
  g_assert_cmpint(f.max_response_ns, >=, 40 * WS_MS);
  g_assert_cmpint(f.max_response_ns, <, 3 * 40 * WS_MS + 10 * WS_MS);
  g_assert_cmpuint(ws_tcp_get_info(f.s)->retransmissions, ==, 0);
  g_assert_cmpuint(ws_tcp_get_info(f.s)->bytes_acked, ==, 20 * 30000);
  fx_clear(&f);
}

/* Two lost SYNs: retransmitted after 1 s and 2 s more (RFC 6298 2.1, 5.5),
 * then IW = 1 segment (RFC 6928 2) and an RTO of 3 s until a sample. */
static void test_syn_loss(void) {
  fx f;
  fx_init(&f, 10000000, 10 * WS_MS, 100, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.timestamps = false;
  fx_start(&f, &cfg, 0, false);
  f.drop_syns = 2;
  ws_sim_run_until(f.sim, 2900 * WS_MS);
  g_assert_cmpint(f.c_connected, ==, 0);
  ws_sim_run_until(f.sim, 3100 * WS_MS);
  g_assert_cmpint(f.c_connected, ==, 1);
  g_assert_cmpuint(f.syn_seen, ==, 3);
  const ws_tcp_info *i = ws_tcp_get_info(f.c);
  g_assert_cmpuint(i->rto_count, ==, 2);
  g_assert_cmpuint(i->cwnd, ==, i->mss);
  g_assert_cmpint(i->rto_ns, ==, 3 * WS_S);
  f.total = 100000;
  refill(&f);
  ws_sim_run_until(f.sim, 10 * WS_S);
  g_assert_cmpuint(f.received, ==, 100000);
  fx_clear(&f);
}

/* 20 MB arrive exactly once, in order, with the sequence numbers crossing
 * 2^32 (ISN 2^32 - 10^6), without a retransmission on a clean path. */
static void test_transfer(void) {
  fx f;
  fx_init(&f, 100000000, 5 * WS_MS, 1000, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.initial_seq = UINT32_MAX - 1000000;
  /* A 1 MB window (690 segments) stays below BDP + queue (86 + 1000
   * packets): slow start never overflows the queue. */
  cfg.recv_buffer_bytes = 1000000;
  const uint64_t n = 20000000;
  fx_start(&f, &cfg, n, true);
  ws_sim_run_until(f.sim, 10 * WS_S);
  const ws_tcp_info *ci = ws_tcp_get_info(f.c), *si = ws_tcp_get_info(f.s);
  g_assert_true(f.wrapped);
  g_assert_cmpuint(f.received, ==, n);
  g_assert_cmpuint(si->bytes_delivered, ==, n);
  g_assert_cmpuint(ci->bytes_acked, ==, n);
  g_test_message("sent %" G_GUINT64_FORMAT " rtx %" G_GUINT64_FORMAT " fr %" G_GUINT64_FORMAT " rto %" G_GUINT64_FORMAT " done %.3f", ci->bytes_sent, ci->retransmissions, ci->fast_retransmits, ci->rto_count, ws_time_to_s(f.done_ns));
  g_assert_cmpuint(ci->bytes_sent, ==, n);
  g_assert_cmpuint(ci->retransmissions, ==, 0);
  g_assert_cmpuint(ci->segments_sent, ==, (n + 1447) / 1448);
  g_assert_cmpint(f.c_closed, ==, 1);
  g_assert_cmpint(f.s_closed, ==, 1);
  /* 20 MB at 100 Mbit/s (1448/1500 of it is goodput) take 1.66 s; slow
   * start and the handshake add a few RTTs. */
  g_assert_cmpint(f.done_ns, >, 1650 * WS_MS);
  g_assert_cmpint(f.done_ns, <, 2000 * WS_MS);
  fx_clear(&f);
}

/* RFC 6298 2.2/2.3 by hand. Timestamps off (Karn timing, exact ns) and
 * delayed ACKs off, a 1 Mbit/s link so that segment sizes change the RTT:
 * R = tx(segment) + tx(ACK) + 2 D. */
static void test_rto_arithmetic(void) {
  fx f;
  const ws_time d = 20 * WS_MS;
  fx_init(&f, 1000000, d, 100, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.timestamps = false;
  cfg.delayed_ack = false;
  cfg.min_rto_ns = 1 * WS_MS; /* so that the estimate shows through */
  fx_start(&f, &cfg, 0, false);
  ws_sim_run_until(f.sim, WS_S);
  /* SYN (48 B: MSS + WS + SACK-permitted = 12 B of options) and SYN-ACK. */
  double r[3];
  r[0] = (double)(2 * ws_link_tx_ns(1000000, 52) + 2 * d);
  uint32_t sizes[2] = {1000, 100};
  double srtt = r[0], rttvar = r[0] / 2;
  const ws_tcp_info *i = ws_tcp_get_info(f.c);
  g_assert_cmpfloat(fabs((double)i->srtt_ns - srtt), <=, 1);
  g_assert_cmpfloat(fabs((double)i->rttvar_ns - rttvar), <=, 1);
  g_assert_cmpint(i->rto_ns, ==, i->srtt_ns + 4 * i->rttvar_ns);
  for (int k = 0; k < 2; k++) {
    f.total += sizes[k];
    refill(&f);
    ws_sim_run_until(f.sim, (2 + k) * WS_S);
    /* data: payload + 40; ACK: 40 (no options without timestamps) */
    r[k + 1] = (double)(ws_link_tx_ns(1000000, sizes[k] + 40) + ws_link_tx_ns(1000000, 40) + 2 * d);
    rttvar = 0.75 * rttvar + 0.25 * fabs(srtt - r[k + 1]);
    srtt = 0.875 * srtt + 0.125 * r[k + 1];
    /* Integer ns arithmetic truncates each step: within a few ns. */
    g_assert_cmpfloat(fabs((double)i->srtt_ns - srtt), <=, 3);
    g_assert_cmpfloat(fabs((double)i->rttvar_ns - rttvar), <=, 3);
    g_assert_cmpint(i->rto_ns, ==, i->srtt_ns + MAX(WS_MS, 4 * i->rttvar_ns));
  }
  g_assert_cmpuint(f.received, ==, 1100);
  fx_clear(&f);

  /* min_rto bounds it from below (RFC 6298 2.4). */
  fx_init(&f, 1000000, d, 100, 0, 1);
  cfg.min_rto_ns = WS_S;
  fx_start(&f, &cfg, 0, false);
  ws_sim_run_until(f.sim, WS_S);
  g_assert_cmpint(ws_tcp_get_info(f.c)->rto_ns, ==, WS_S);
  fx_clear(&f);
}

/* RFC 1122 4.2.3.2 / RFC 5681 4.2: one ACK per two full segments; without
 * delayed ACKs one per segment. */
static void test_delayed_ack(void) {
  for (int delayed = 0; delayed < 2; delayed++) {
    fx f;
    fx_init(&f, 100000000, 5 * WS_MS, 1000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.delayed_ack = delayed;
    const uint64_t n = 1448 * 2000;
    fx_start(&f, &cfg, n, false);
    ws_sim_run_until(f.sim, 5 * WS_S);
    g_assert_cmpuint(f.received, ==, n);
    g_assert_cmpuint(f.data_segs, ==, 2000);
    /* Pure ACKs from the server: 1000 (2000 with no delay); a flight
     * ending on an odd segment has it ACKed alone by the timer, at most
     * once per flight (a dozen flights here). */
    unsigned expect = delayed ? 1000 : 2000;
    g_assert_cmpuint(f.pure_acks, >=, expect);
    g_assert_cmpuint(f.pure_acks, <=, expect + (delayed ? 20 : 0));
    fx_clear(&f);
  }
}

/* RFC 7323 2: with a 2 MB receive buffer the window (scale 5) fills a
 * 100 Mbit/s x 200 ms path (BDP 2.5 MB); without scaling flight stays at
 * 64 KB. */
static void test_window_scaling(void) {
  for (int scale = 0; scale < 2; scale++) {
    fx f;
    fx_init(&f, 100000000, 100 * WS_MS, 5000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.window_scaling = scale;
    cfg.recv_buffer_bytes = 2000000;
    cfg.send_buffer_bytes = 8000000;
    fx_start(&f, &cfg, UINT64_MAX / 2, false);
    ws_sim_run_until(f.sim, 3 * WS_S);
    if (scale) {
      g_assert_cmpuint(f.syn.tcp_wscale, ==, 5); /* 2e6 >> 5 = 62500 */
      g_assert_cmpuint(f.max_flight, >, 1900000);
      g_assert_cmpuint(f.max_flight, <=, 2000000);
    } else {
      g_assert_cmpuint(f.max_flight, <=, 65535);
      g_assert_cmpuint(f.max_flight, >, 60000);
    }
    g_assert_cmpuint(ws_tcp_get_info(f.c)->retransmissions, ==, 0);
    fx_clear(&f);
  }
}

/* One loss (NewReno, then SACK): three duplicate ACKs, one fast retransmit,
 * no timeout, everything delivered. */
static void test_one_loss(void) {
  for (int sack = 0; sack < 2; sack++) {
    fx f;
    fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.sack = sack;
    const uint64_t n = 3000000;
    fx_start(&f, &cfg, n, true);
    f.drop_seq[0] = 1448 * 100; /* the 101st segment */
    f.n_drop = 1;
    ws_sim_run_until(f.sim, 10 * WS_S);
    const ws_tcp_info *i = ws_tcp_get_info(f.c);
    g_assert_true(f.dropped[0]);
    g_assert_cmpint(f.rexmit_at[0], >, 0);
    g_assert_cmpuint(f.received, ==, n);
    g_assert_cmpuint(i->fast_retransmits, ==, 1);
    g_assert_cmpuint(i->rto_count, ==, 0);
    g_assert_cmpuint(i->retransmissions, ==, 1);
    g_assert_cmpint(f.c_closed, ==, 1);
    /* The halving: ssthresh = FlightSize / 2 of the local Reno. */
    g_assert_cmpuint(i->ssthresh, <, UINT32_MAX);
    if (sack) g_assert_cmpuint(f.max_sack_blocks, >=, 1);
    else g_assert_cmpuint(f.max_sack_blocks, ==, 0);
    fx_clear(&f);
  }
}

/* Four losses in one window. SACK (RFC 6675) retransmits all four within
 * about one RTT; NewReno (RFC 6582) one per RTT (a partial ACK each); no
 * timeout in either. RTT = 2 x 20 ms + queueing. */
static void test_many_losses(void) {
  ws_time span[2];
  for (int sack = 0; sack < 2; sack++) {
    fx f;
    fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.sack = sack;
    const uint64_t n = 3000000;
    fx_start(&f, &cfg, n, true);
    for (unsigned k = 0; k < 4; k++) f.drop_seq[k] = 1448 * (uint64_t)(100 + 3 * k);
    f.n_drop = 4;
    ws_sim_run_until(f.sim, 20 * WS_S);
    const ws_tcp_info *i = ws_tcp_get_info(f.c);
    g_assert_cmpuint(f.received, ==, n);
    g_assert_cmpuint(i->fast_retransmits, ==, 1);
    g_assert_cmpuint(i->rto_count, ==, 0);
    g_assert_cmpuint(i->retransmissions, ==, 4);
    for (unsigned k = 0; k < 4; k++) g_assert_cmpint(f.rexmit_at[k], >, 0);
    span[sack] = f.rexmit_at[3] - f.rexmit_at[0];
    g_assert_cmpint(i->srtt_ns, >, 40 * WS_MS);
    if (sack) {
      g_assert_cmpint(span[1], <, i->srtt_ns);
      g_assert_cmpuint(f.max_sack_blocks, ==, 3); /* 3 with timestamps */
      g_assert_cmpuint(f.sack_ack.tcp_options_bytes, ==, 12 + 4 + 24);
    } else {
      /* three more round trips after the first retransmission */
      g_assert_cmpint(span[0], >, 3 * 40 * WS_MS);
    }
    fx_clear(&f);
  }
  g_assert_cmpint(span[1] * 3, <, span[0]);
}

/* RFC 2018 4: the first SACK block holds the latest out-of-order arrival;
 * 4 blocks fit without timestamps (36 B of options). */
static void test_sack_blocks(void) {
  fx f;
  fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.timestamps = false;
  fx_start(&f, &cfg, 2000000, true);
  for (unsigned k = 0; k < 5; k++) f.drop_seq[k] = 1460 * (uint64_t)(100 + 2 * k);
  f.n_drop = 5;
  ws_sim_run_until(f.sim, 20 * WS_S);
  g_assert_cmpuint(f.received, ==, 2000000);
  g_assert_cmpuint(f.max_sack_blocks, ==, 4);
  g_assert_cmpuint(f.sack_ack.tcp_options_bytes, ==, 4 + 32);
  g_assert_cmpuint(f.sack_ack.ip_bytes, ==, 40 + 36);
  /* When 4 blocks were first reported, the 4th hole's right neighbour
   * (segment 107) had just arrived: block 1 = [107, 108) segments, and the
   * older ones follow, newest first. */
  g_assert_cmpuint(f.sack_ack.tcp_sack[0].left, ==, 1 + 1460 * 107);
  g_assert_cmpuint(f.sack_ack.tcp_sack[1].left, ==, 1 + 1460 * 105);
  g_assert_cmpuint(f.sack_ack.tcp_sack[2].left, ==, 1 + 1460 * 103);
  g_assert_cmpuint(f.sack_ack.tcp_sack[3].left, ==, 1 + 1460 * 101);
  g_assert_cmpuint(ws_tcp_get_info(f.c)->rto_count, ==, 0);
  fx_clear(&f);
}

/* A black hole for 5 s: RTOs at RTO, 2 RTO, 4 RTO ... (RFC 6298 5.5),
 * then the transfer completes. */
static void test_black_hole(void) {
  fx f;
  fx_init(&f, 10000000, 10 * WS_MS, 100, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.min_rto_ns = 200 * WS_MS;
  const uint64_t n = 5000000;
  fx_start(&f, &cfg, n, true);
  f.hole_from = 1 * WS_S;
  f.hole_to = 12 * WS_S;
  ws_sim_run_until(f.sim, 30 * WS_S);
  const ws_tcp_info *i = ws_tcp_get_info(f.c);
  g_assert_cmpuint(f.received, ==, n);
  g_assert_cmpuint(i->rto_count, >=, 4);
  /* The retransmissions of the first unacked segment inside the hole. */
  ws_time t[MAX_TIMES] = {0};
  unsigned m = 0;
  uint64_t first = f.hole_seqs[(f.n_hole - 1) % MAX_TIMES];
  for (unsigned k = f.n_hole > MAX_TIMES ? f.n_hole - MAX_TIMES : 0; k < f.n_hole; k++)
    if (f.hole_seqs[k % MAX_TIMES] == first) t[m++] = f.hole_times[k % MAX_TIMES];
  /* Times are arrivals: the first retransmission may wait behind the
   * queue; the later ones find it empty, so their spacing is the RTO. */
  g_assert_cmpuint(m, >=, 4);
  for (unsigned k = 3; k < m; k++) g_assert_cmpint(t[k] - t[k - 1], ==, 2 * (t[k - 1] - t[k - 2]));
  g_assert_cmpint(t[2] - t[1], >=, 2 * 200 * WS_MS);
  g_assert_cmpuint(i->rto_count, >=, m);
  g_assert_cmpint(f.c_closed, ==, 1);
  fx_clear(&f);
}

/* RFC 3168: ECN negotiated, data ECT(0); CE marks on three segments of one
 * window: one ECE response (cwnd halved once), CWR once, no loss, and the
 * receiver stops echoing. */
static void test_ecn(void) {
  fx f;
  fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
  ws_tcp_config cfg = base_cfg();
  cfg.ecn = true;
  const uint64_t n = 3000000;
  fx_start(&f, &cfg, n, true);
  for (unsigned k = 0; k < 3; k++) f.mark_seq[k] = 1448 * (uint64_t)(200 + k);
  f.n_mark = 3;
  ws_sim_run_until(f.sim, 10 * WS_S);
  const ws_tcp_info *i = ws_tcp_get_info(f.c);
  g_assert_cmpuint(f.syn.tcp_flags, ==, WS_TCP_SYN | WS_TCP_ECE | WS_TCP_CWR);
  g_assert_cmpuint(f.synack.tcp_flags, ==, WS_TCP_SYN | WS_TCP_ACK | WS_TCP_ECE);
  g_assert_cmpuint(f.received, ==, n);
  g_assert_cmpuint(f.ect_segs, ==, f.data_segs);
  g_assert_cmpuint(i->ecn_echoes, ==, 1);
  g_assert_cmpuint(i->retransmissions, ==, 0);
  g_assert_cmpuint(i->fast_retransmits, ==, 0);
  g_assert_cmpuint(f.cwr_segs, ==, 1);
  g_assert_cmpuint(f.cwnd_drops, ==, 1);
  /* cwnd = FlightSize / 2, and flight was about cwnd. */
  g_assert_cmpfloat(f.min_cwnd_ratio, >, 0.4);
  g_assert_cmpfloat(f.min_cwnd_ratio, <, 0.6);
  /* ECE on the ACKs of about one RTT (delayed ACKs: up to ~1 window / 2). */
  g_assert_cmpuint(f.ece_acks, >=, 1);
  g_assert_cmpuint(f.ece_acks, <, 200);
  fx_clear(&f);

  /* Without ECN at the receiver: not negotiated, data Not-ECT. */
  fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
  ws_tcp_config plain = cfg;
  plain.ecn = false;
  fx_start2(&f, &cfg, &plain, 100000, true);
  ws_sim_run_until(f.sim, 5 * WS_S);
  g_assert_cmpuint(f.synack.tcp_flags, ==, WS_TCP_SYN | WS_TCP_ACK);
  g_assert_cmpuint(f.received, ==, 100000);
  g_assert_cmpuint(f.ect_segs, ==, 0);
  fx_clear(&f);
}


/* RACK (RFC 8985 6.2): a retransmission lost again. Segment 101 and its
 * first retransmission are dropped; RACK sees the retransmission lost when
 * a segment sent after it is SACKed, and sends it again: about one RTT
 * after the drop (the ACK of a later segment travels back in half an RTT,
 * the new copy forward in the other half), in the same recovery, with one
 * window reduction and no timeout. The RTT of the moment is above SRTT
 * (slow start has just built a queue, and SRTT lags): the bound is 2 SRTT.
 * (RACK needs segments sent after the retransmission: a sender held by
 * the receive window has none, and waits for the RTO as Linux does.)
 * Without RACK (RFC 6675 alone) the same
 * drops wait for the RTO (1 s at least), and the timeout keeps the
 * ssthresh the recovery set. */
static void test_lost_retransmit(void) {
  for (int rack = 1; rack >= 0; rack--) {
    fx f;
    fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.rack = rack;
    const uint64_t n = 3000000;
    fx_start(&f, &cfg, n, true);
    f.drop_seq[0] = 1448 * 100;
    f.drop_n[0] = 2;
    f.n_drop = 1;
    ws_sim_run_until(f.sim, 20 * WS_S);
    const ws_tcp_info *i = ws_tcp_get_info(f.c);
    g_assert_cmpuint(f.received, ==, n);
    g_assert_cmpuint(f.drops_done[0], ==, 2);
    g_assert_cmpuint(i->retransmissions, ==, 2);
    g_assert_cmpuint(i->fast_retransmits, ==, 1);
    ws_time gap = f.rexmit_at[0] - f.drop_at[0];
    g_test_message("rack %d: second retransmission %.1f ms after the first was lost (srtt %.1f ms)",
                   rack, gap / 1e6, f.srtt_at_drop[0] / 1e6);
    /* One reduction in the episode (the local Reno's halving); the RTO
     * without RACK leaves it as it was. */
    g_assert_cmpuint(f.n_ssthresh, ==, 1);
    if (rack) {
      g_assert_cmpuint(i->rto_count, ==, 0);
      g_assert_cmpuint(i->lost_retransmits, ==, 1);
      g_assert_cmpint(gap, <, 2 * f.srtt_at_drop[0]);
    } else {
      g_assert_cmpuint(i->rto_count, ==, 1);
      g_assert_cmpuint(i->lost_retransmits, ==, 0);
      /* the RTO runs 1 s from the last partial ACK, which came before */
      g_assert_cmpint(gap, >, WS_S / 2);
    }
    g_assert_cmpint(f.c_closed, ==, 1);
    fx_clear(&f);
  }
}

/* TLP (RFC 8985 7): the last segment of a transfer (1000 B after 60 full
 * ones), or the last two, are lost and no ACK is left to tell. The probe
 * timeout (2 SRTT, + the 200 ms delayed-ACK allowance when one segment is
 * in flight) retransmits the last segment; with two lost, its SACK lets
 * RACK find the other at once and fast recovery repairs it. All before
 * the RTO (1 s after the last ACK), which is what repairs it without RACK. */
static void test_tail_loss(void) {
  for (int rack = 1; rack >= 0; rack--) {
    for (unsigned lost = 1; lost <= 2; lost++) {
      fx f;
      fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
      ws_tcp_config cfg = base_cfg();
      cfg.rack = rack;
      const uint64_t n = 1448 * 60 + 1000;
      fx_start(&f, &cfg, n, false);
      for (unsigned k = 0; k < lost; k++) f.drop_seq[k] = 1448 * (uint64_t)(60 - k);
      f.n_drop = lost;
      ws_sim_run_until(f.sim, 10 * WS_S);
      const ws_tcp_info *i = ws_tcp_get_info(f.c);
      g_assert_cmpuint(f.received, ==, n);
      ws_time late_ns = f.done_ns - f.drop_at[0];
      g_test_message("rack %d, %u lost: repaired %.1f ms after the loss, %" G_GUINT64_FORMAT
                     " probe(s)", rack, lost, late_ns / 1e6, i->tlp_probes);
      if (rack) {
        g_assert_cmpuint(i->rto_count, ==, 0);
        g_assert_cmpuint(i->tlp_probes, ==, 1);
        g_assert_cmpuint(i->fast_retransmits, ==, lost - 1);
        g_assert_cmpuint(i->retransmissions, ==, lost);
        g_assert_cmpint(late_ns, <, 500 * WS_MS);
      } else {
        g_assert_cmpuint(i->rto_count, ==, 1);
        g_assert_cmpuint(i->tlp_probes, ==, 0);
        g_assert_cmpint(late_ns, >, WS_S);
      }
      fx_clear(&f);
    }
  }
}

/* RACK's reordering window (RFC 8985 6.2 step 4): every 40th segment
 * arrives 6 ms late, overtaken by ~5 others (10 Mbit/s: 1.2 ms each). The
 * window (40 kB) keeps the queue empty, so the RTT is ~41 ms and reo_wnd
 * = min_RTT / 4 ~ 10 ms covers the delay. The first event looks like a
 * loss (no reordering seen yet: DupThresh SACKs mark it, RFC 8985 6.2);
 * its original then arrives before the retransmission, which the
 * timestamps show, and from there on no reordering is taken for a loss.
 * RFC 6675 alone retransmits at every event. */
static void test_reordering(void) {
  unsigned rtx[2];
  for (int rack = 1; rack >= 0; rack--) {
    fx f;
    fx_init(&f, 10000000, 20 * WS_MS, 1000, 0, 1);
    ws_tcp_config cfg = base_cfg();
    cfg.rack = rack;
    cfg.recv_buffer_bytes = 40000;
    const uint64_t n = 2000000;
    fx_start(&f, &cfg, n, true);
    f.reorder_every = 1448 * 40;
    f.reorder_delay = 6 * WS_MS;
    ws_sim_run_until(f.sim, 60 * WS_S);
    const ws_tcp_info *i = ws_tcp_get_info(f.c);
    g_assert_cmpuint(f.received, ==, n);
    g_assert_cmpuint(f.reordered, ==, n / f.reorder_every);
    g_assert_cmpuint(i->rto_count, ==, 0);
    rtx[rack] = (unsigned)i->retransmissions;
    g_test_message("rack %d: %u reordered, %u retransmitted", rack, f.reordered, rtx[rack]);
    g_assert_cmpint(f.c_closed, ==, 1);
    fx_clear(&f);
  }
  g_assert_cmpuint(rtx[1], <=, 1);
  g_assert_cmpuint(rtx[0], >=, (unsigned)(2000000 / (1448 * 40)) / 2);
}

/* The same lossy run twice (1% random loss, the real algorithms when they
 * are registered): identical counters and timings. */
static void run_lossy(const char *cc, ws_tcp_info *out, ws_time *done) {
  fx f;
  fx_init(&f, 10000000, 10 * WS_MS, 100, 0.01, 42);
  ws_tcp_config cfg = base_cfg();
  const ws_tcp_cc_ops *ops = ws_tcp_cc_find(cc);
  if (ops) cfg.cc_ops = ops;
  fx_start(&f, &cfg, 2000000, true);
  ws_sim_run_until(f.sim, 60 * WS_S);
  g_assert_cmpuint(f.received, ==, 2000000);
  *out = *ws_tcp_get_info(f.c);
  *done = f.done_ns;
  g_assert_cmpuint(out->retransmissions, >, 0);
  fx_clear(&f);
}

static void test_determinism(void) {
  const char *ccs[] = {"newreno", "cubic"};
  for (unsigned k = 0; k < 2; k++) {
    ws_tcp_info a, b;
    ws_time da, db;
    run_lossy(ccs[k], &a, &da);
    run_lossy(ccs[k], &b, &db);
    g_assert_true(memcmp(&a, &b, sizeof a) == 0);
    g_assert_cmpint(da, ==, db);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tcp/handshake-close", test_handshake_close);
  g_test_add_func("/tcp/syn-loss", test_syn_loss);
  g_test_add_func("/tcp/request-response", test_request_response);
  g_test_add_func("/tcp/transfer", test_transfer);
  g_test_add_func("/tcp/rto-arithmetic", test_rto_arithmetic);
  g_test_add_func("/tcp/delayed-ack", test_delayed_ack);
  g_test_add_func("/tcp/window-scaling", test_window_scaling);
  g_test_add_func("/tcp/one-loss", test_one_loss);
  g_test_add_func("/tcp/many-losses", test_many_losses);
  g_test_add_func("/tcp/sack-blocks", test_sack_blocks);
  g_test_add_func("/tcp/black-hole", test_black_hole);
  g_test_add_func("/tcp/rack-lost-retransmit", test_lost_retransmit);
  g_test_add_func("/tcp/tlp-tail-loss", test_tail_loss);
  g_test_add_func("/tcp/rack-reordering", test_reordering);
  g_test_add_func("/tcp/ecn", test_ecn);
  g_test_add_func("/tcp/determinism", test_determinism);
  return g_test_run();
}
