/* Tests of the wired link (sim/net/link.c): transmission time rounding, the
 * exact arrival time of one packet, serialisation of back-to-back packets,
 * drop-tail limits in packets and bytes (the packet in service not counted),
 * the time-average occupancy and busy time against hand-computed values,
 * Bernoulli loss within a binomial tolerance, the MTU rule, the warmup
 * reset, and an active queue's drops and marks in the link's counters. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/net.h"

typedef struct {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
  ws_node *a, *b;
  ws_link *link;
  /* receiver at b:5001 */
  int received;
  ws_time arrivals[64];
  uint64_t ids[64];
} fixture;

static void rx(ws_net *net, ws_packet *p, void *ctx) {
  fixture *f = ctx;
  if (f->received < 64) {
    f->arrivals[f->received] = ws_sim_now(f->sim);
    f->ids[f->received] = p->id;
  }
  f->received++;
  ws_packet_free(ws_net_pool(net), p);
}

static void fx_init(fixture *f, const ws_link_config *cfg, uint64_t seed) {
  memset(f, 0, sizeof *f);
  f->sim = ws_sim_new();
  f->pool = ws_packet_pool_new();
  f->net = ws_net_new(f->sim, f->pool);
  f->a = ws_net_add_node(f->net, "a", WS_NODE_HOST);
  f->b = ws_net_add_node(f->net, "b", WS_NODE_HOST);
  f->link = ws_net_add_link(f->net, "ab", f->a, f->b, cfg, seed, 0);
  g_assert_nonnull(f->link);
  ws_net_build_routes(f->net);
  g_assert_true(ws_net_udp_bind(f->net, f->b, 5001, rx, f));
}

static void fx_clear(fixture *f) {
  ws_net_free(f->net);
  ws_packet_pool_free(f->pool);
  ws_sim_free(f->sim);
}

/* Sends one datagram of payload bytes from a to b now; returns its id. */
static uint64_t send(fixture *f, uint32_t payload) {
  ws_packet *p = ws_packet_new(f->pool);
  uint64_t id = p->id;
  p->payload_bytes = payload;
  p->dst_addr = ws_node_addr(f->b);
  p->dst_port = 5001;
  ws_net_udp_send(f->net, f->a, p);
  return id;
}

static ws_link_config config(int64_t rate_bps, ws_time delay_ns) {
  ws_link_config c = {.rate_bps = rate_bps, .delay_ns = delay_ns, .loss = 0, .mtu_bytes = 1500,
                      .queue = {.discipline = "droptail", .limit = 100}};
  return c;
}

/* ceil(bytes x 8e9 / rate): exact when it divides, else the next ns up. */
static void test_tx_time(void) {
  g_assert_cmpint(ws_link_tx_ns(1000000, 1228), ==, 9824000);
  g_assert_cmpint(ws_link_tx_ns(1000000000, 1500), ==, 12000);
  g_assert_cmpint(ws_link_tx_ns(7, 3), ==, 3428571429);          /* 3428571428.57 */
  g_assert_cmpint(ws_link_tx_ns(3000000000, 1), ==, 3);          /* 2.67 ns */
  g_assert_cmpint(ws_link_tx_ns(10000000, 1250), ==, 1000000);   /* exactly 1 ms */
  g_assert_cmpint(ws_link_tx_ns(INT64_MAX, 65535), ==, 1);
}

/* 1200 B of payload (1228 B IP) at 1 Mbit/s with 5 ms of delay arrives at
 * exactly 9.824 ms + 5 ms. */
static void test_one_packet(void) {
  ws_link_config cfg = config(1000000, 5 * WS_MS);
  fixture f;
  fx_init(&f, &cfg, 1);
  send(&f, 1200);
  ws_sim_run(f.sim);
  g_assert_cmpint(f.received, ==, 1);
  g_assert_cmpint(f.arrivals[0], ==, 9824000 + 5000000);
  ws_link_stats *s = ws_link_get_stats(f.link, 0);
  g_assert_cmpuint(s->tx_packets, ==, 1);
  g_assert_cmpuint(s->tx_bytes, ==, 1228);
  g_assert_cmpint(s->busy_ns, ==, 9824000);
  g_assert_cmpuint(ws_link_get_stats(f.link, 1)->tx_packets, ==, 0);
  fx_clear(&f);
}

/* Five packets handed over at once leave one after the other: the k-th
 * (from 1) arrives at k x T + delay, in order. */
static void test_back_to_back(void) {
  ws_link_config cfg = config(10000000, 2 * WS_MS);
  fixture f;
  fx_init(&f, &cfg, 1);
  uint64_t ids[5];
  for (int i = 0; i < 5; i++) ids[i] = send(&f, 1222); /* 1250 B: 1 ms at 10 Mbit/s */
  ws_sim_run(f.sim);
  g_assert_cmpint(f.received, ==, 5);
  for (int k = 0; k < 5; k++) {
    g_assert_cmpint(f.arrivals[k], ==, (k + 1) * WS_MS + 2 * WS_MS);
    g_assert_cmpuint(f.ids[k], ==, ids[k]);
  }
  fx_clear(&f);
}

/* A burst of 25 into a 10p queue: one goes into service at once (it never
 * waits), 10 wait, 14 are dropped. */
static void test_droptail_packets(void) {
  ws_link_config cfg = config(10000000, 0);
  cfg.queue.limit = 10;
  fixture f;
  fx_init(&f, &cfg, 1);
  for (int i = 0; i < 25; i++) send(&f, 1222);
  ws_sim_run(f.sim);
  ws_link_stats *s = ws_link_get_stats(f.link, 0);
  g_assert_cmpint(f.received, ==, 11);
  g_assert_cmpuint(s->queue_drops, ==, 14);
  g_assert_cmpuint(s->tx_packets, ==, 11);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_QUEUE), ==, 14);
  g_assert_cmpuint(ws_packet_pool_in_use(f.pool), ==, 0);
  fx_clear(&f);
}

/* A 5000 B queue takes four 1028 B packets (4112 B; a fifth makes 5140 B):
 * a burst of 10 gives 1 in service + 4 waiting + 5 drops. */
static void test_droptail_bytes(void) {
  ws_link_config cfg = config(10000000, 0);
  cfg.queue.limit_in_bytes = true;
  cfg.queue.limit = 5000;
  fixture f;
  fx_init(&f, &cfg, 1);
  for (int i = 0; i < 10; i++) send(&f, 1000);
  g_assert_cmpuint(ws_link_get_queue(f.link, 0)->bytes, ==, 4 * 1028);
  ws_sim_run(f.sim);
  g_assert_cmpint(f.received, ==, 5);
  g_assert_cmpuint(ws_link_get_stats(f.link, 0)->queue_drops, ==, 5);
  fx_clear(&f);
}

/* A burst of n = 10 packets of service time T: the system holds 10 during
 * the first T, then 9, ..., 1, so the time average over [0, 10 T] is
 * (10 + 9 + ... + 1) / 10 = 5.5 packets (and 5.5 x 1250 B); the link is
 * busy all along. */
static void test_occupancy(void) {
  ws_link_config cfg = config(10000000, 0);
  fixture f;
  fx_init(&f, &cfg, 1);
  for (int i = 0; i < 10; i++) send(&f, 1222);
  ws_sim_run(f.sim);
  ws_time end = 10 * WS_MS;
  g_assert_cmpint(ws_sim_now(f.sim), ==, end);
  ws_link_finish(f.link, end);
  ws_link_stats *s = ws_link_get_stats(f.link, 0);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&s->queue_packets, end), 5.5, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&s->queue_bytes, end), 5.5 * 1250, 1e-9);
  g_assert_cmpint(s->busy_ns, ==, end);
  g_assert_cmpint(ws_link_busy_ns(f.link, 0, end), ==, end);
  /* Idle afterwards: the average halves over twice the time. */
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&s->queue_packets, 2 * end), 2.75, 1e-12);
  fx_clear(&f);
}

/* Sends one packet every period until count packets were sent. */
typedef struct {
  fixture *f;
  int left;
  ws_time period;
} pacer;

static void pace(ws_sim *sim, void *ctx) {
  pacer *p = ctx;
  send(p->f, 100);
  if (--p->left > 0) ws_sim_schedule(sim, p->period, pace, p);
}

/* Loss 0.1 on N = 20000 packets: the number lost is Binomial(N, 0.1), mean
 * 2000, standard deviation sqrt(N p (1 - p)) = 42.4. A model bug (no draw,
 * wrong probability, a draw per byte) moves it by far more; 5 sigma (212)
 * bounds a correct model's miss with probability 6e-7 (and the streams are
 * fixed, so the test is deterministic). The other direction stays clean. */
static void test_loss(void) {
  enum { N = 20000 };
  uint64_t lost[2];
  for (uint64_t seed = 1; seed <= 2; seed++) {
    ws_link_config cfg = config(1000000000, 1000);
    cfg.loss = 0.1;
    fixture f;
    fx_init(&f, &cfg, seed);
    pacer p = {&f, N, 10 * WS_US};
    ws_sim_schedule(f.sim, 0, pace, &p);
    ws_sim_run(f.sim);
    ws_link_stats *s = ws_link_get_stats(f.link, 0);
    lost[seed - 1] = s->loss_drops;
    g_assert_cmpuint(s->loss_drops + (uint64_t)f.received, ==, N);
    g_assert_cmpuint(s->tx_packets, ==, N); /* lost packets were transmitted */
    g_assert_cmpfloat(fabs((double)s->loss_drops - 0.1 * N), <, 5 * sqrt(N * 0.1 * 0.9));
    g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_LOSS), ==, s->loss_drops);
    fx_clear(&f);
  }
  /* Another seed, other draws (equal counts would be a 1-in-100 fluke). */
  g_assert_cmpuint(lost[0], !=, lost[1]);
}

/* mtu 1000 B: a 972 B payload makes exactly 1000 B and passes; 973 B does
 * not (no fragmentation) and is counted. */
static void test_mtu(void) {
  ws_link_config cfg = config(1000000000, 0);
  cfg.mtu_bytes = 1000;
  fixture f;
  fx_init(&f, &cfg, 1);
  send(&f, 972);
  send(&f, 973);
  ws_sim_run(f.sim);
  g_assert_cmpint(f.received, ==, 1);
  g_assert_cmpuint(ws_link_mtu_drops(f.link, 0), ==, 1);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_MTU), ==, 1);
  g_assert_cmpuint(ws_link_get_stats(f.link, 0)->tx_packets, ==, 1);
  fx_clear(&f);
}

static void reset_at(ws_sim *sim, void *ctx) { ws_link_reset_stats(ctx, ws_sim_now(sim)); }

/* Reset at 2.5 ms into a 10-packet burst (T = 1 ms): 7 transmissions end
 * after it, busy time counts from the reset (7.5 ms), the occupancy
 * average restarts with the 8 packets present: over [2.5, 10] ms it is
 * (0.5 x 8 + 7 + 6 + ... + 1) / 7.5 = 32 / 7.5. */
static void test_reset(void) {
  ws_link_config cfg = config(10000000, 0);
  fixture f;
  fx_init(&f, &cfg, 1);
  for (int i = 0; i < 10; i++) send(&f, 1222);
  ws_sim_schedule(f.sim, 2500 * WS_US, reset_at, f.link);
  ws_sim_run(f.sim);
  ws_time end = 10 * WS_MS;
  ws_link_finish(f.link, end);
  ws_link_stats *s = ws_link_get_stats(f.link, 0);
  g_assert_cmpuint(s->tx_packets, ==, 8);
  g_assert_cmpint(s->busy_ns, ==, 7500 * WS_US);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&s->queue_packets, end), 32.0 / 7.5, 1e-12);
  fx_clear(&f);
}

/* An active queue on a link: CoDel's dequeue-time drops reach the link as
 * queue drops and AQM drops (with a DROP tap naming the link), its ECN marks
 * are counted, the counters restart at a reset, and a packet that finds the
 * transmitter idle passes through the discipline at once (no delay added).
 * 300 packets of 1250 B (1 ms each at 10 Mbit/s) sent at once with CoDel
 * (target 5 ms, interval 100 ms): the sojourn reaches 5 ms at the 6th
 * departure (t = 5 ms), dropping starts an interval later, while ~195
 * packets still wait; the first drops come at 105 ms and 205 ms, so at
 * least 2 before the queue drains at ~300 ms, all counted. */
static int link_drops_seen;
static void count_link_drops(void *ctx, const ws_tap_event *ev) {
  if (ev->kind == WS_TAP_DROP && ev->link == ctx && ev->reason == WS_DROP_QUEUE) link_drops_seen++;
}

static void test_active_queue(void) {
  for (int ecn = 0; ecn < 2; ecn++) {
    ws_link_config cfg = {.rate_bps = 10000000, .mtu_bytes = 1500,
                          .queue = {.discipline = "codel", .limit = 1000, .ecn = ecn}};
    fixture f;
    fx_init(&f, &cfg, 1);
    link_drops_seen = 0;
    ws_net_add_tap(f.net, count_link_drops, f.link);
    /* Idle link: the first packet arrives after exactly tx time. */
    send(&f, 1250 - 28);
    ws_sim_run(f.sim);
    g_assert_cmpint(f.arrivals[0], ==, WS_MS);
    ws_link_reset_stats(f.link, ws_sim_now(f.sim));
    for (int i = 0; i < 300; i++) {
      ws_packet *p = ws_packet_new(f.pool);
      p->payload_bytes = 1250 - 28;
      p->dst_addr = ws_node_addr(f.b);
      p->dst_port = 5001;
      p->ecn = ecn ? WS_ECN_ECT0 : WS_ECN_NOT_ECT;
      ws_net_udp_send(f.net, f.a, p);
    }
    ws_sim_run(f.sim);
    ws_link_stats *st = ws_link_get_stats(f.link, 0);
    g_test_message("ecn %d: received %d, aqm drops %" G_GUINT64_FORMAT ", marks %" G_GUINT64_FORMAT,
                   ecn, f.received, st->aqm_drops, st->ecn_marks);
    if (ecn) {
      g_assert_cmpuint(st->aqm_drops, ==, 0);
      g_assert_cmpuint(st->ecn_marks, >=, 2);
      g_assert_cmpint(f.received, ==, 301);
    } else {
      g_assert_cmpuint(st->aqm_drops, >=, 2);
      g_assert_cmpuint(st->queue_drops, ==, st->aqm_drops);
      g_assert_cmpint(link_drops_seen, ==, (int)st->aqm_drops);
      g_assert_cmpint(f.received, ==, 301 - (int)st->aqm_drops);
      g_assert_cmpuint(st->ecn_marks, ==, 0);
    }
    ws_link_reset_stats(f.link, ws_sim_now(f.sim));
    g_assert_cmpuint(st->aqm_drops + st->ecn_marks, ==, 0);
    fx_clear(&f);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/link/tx-time", test_tx_time);
  g_test_add_func("/link/one-packet", test_one_packet);
  g_test_add_func("/link/back-to-back", test_back_to_back);
  g_test_add_func("/link/droptail-packets", test_droptail_packets);
  g_test_add_func("/link/droptail-bytes", test_droptail_bytes);
  g_test_add_func("/link/occupancy", test_occupancy);
  g_test_add_func("/link/loss", test_loss);
  g_test_add_func("/link/mtu", test_mtu);
  g_test_add_func("/link/warmup-reset", test_reset);
  g_test_add_func("/link/active-queue", test_active_queue);
  return g_test_run();
}
