/* Tests of the traffic applications (sim/traffic/ping.c, reqresp.c,
 * bulk.c) and of generators over TCP (traffic.c): ping's RTT on an idle
 * path exactly and its loss accounting, request-response exchange counts
 * and response times against the closed form (UDP exactly, TCP within a
 * header's transmission time), a bulk transfer's completion time against
 * size/rate + handshake, and the TCP segment accounting. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/tcp.h"
#include "wisim/traffic.h"

typedef struct {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
  ws_node *a, *b;
  ws_link *link;
  ws_traffic *t;
} fixture;

/* 8 Mbit/s: one byte takes exactly 1 us on the wire. */
static ws_link_config link_8m(ws_time delay_ns, double loss) {
  ws_link_config c = {.rate_bps = 8000000, .delay_ns = delay_ns, .loss = loss,
                      .mtu_bytes = 1500, .queue = {.discipline = "droptail", .limit = 1000}};
  return c;
}

static void drop_tap(void *ctx, const ws_packet *p, ws_drop_reason why) {
  (void)why;
  fixture *f = ctx;
  if (f->t && p->flow == 0) ws_traffic_on_drop(f->t, p);
}

/* What the world's RECEIVE tap does for TCP flows. */
static void recv_tap(void *ctx, const ws_tap_event *ev) {
  fixture *f = ctx;
  if (ev->kind == WS_TAP_RECEIVE && f->t && ev->packet->flow == 0 &&
      ws_net_node_by_addr(f->net, ev->packet->dst_addr) == ev->node)
    ws_traffic_on_arrival(f->t, ev->packet);
}

static void fx_init(fixture *f, const ws_link_config *cfg) {
  memset(f, 0, sizeof *f);
  f->sim = ws_sim_new();
  f->pool = ws_packet_pool_new();
  f->net = ws_net_new(f->sim, f->pool);
  f->a = ws_net_add_node(f->net, "a", WS_NODE_HOST);
  f->b = ws_net_add_node(f->net, "b", WS_NODE_HOST);
  f->link = ws_net_add_link(f->net, "ab", f->a, f->b, cfg, 1, 0);
  ws_net_build_routes(f->net);
  ws_net_set_drop_hook(f->net, drop_tap, f);
  ws_net_add_tap(f->net, recv_tap, f);
}

static void fx_clear(fixture *f) {
  ws_traffic_free(f->t);
  ws_net_free(f->net);
  ws_packet_pool_free(f->pool);
  ws_sim_free(f->sim);
}

static ws_dist fixed(ws_unit_kind kind, int64_t exact, double value) {
  ws_dist d;
  memset(&d, 0, sizeof d);
  d.kind = WS_DIST_FIXED;
  d.a.kind = kind;
  d.a.value = value;
  d.a.exact = exact;
  return d;
}

static ws_dist bytes(int64_t b) { return fixed(WS_UNIT_SIZE, b, (double)b); }
static ws_dist time_ns(ws_time ns) { return fixed(WS_UNIT_TIME, ns, ws_time_to_s(ns)); }

static ws_traffic_config base(fixture *f, const char *type, ws_time stop_ns) {
  ws_traffic_config c = {.name = "x", .type = type, .index = 0, .from = f->a, .to = f->b,
                         .src_port = 49152, .dst_port = 5001, .start_ns = 0,
                         .stop_ns = stop_ns, .warmup_ns = 0};
  ws_tcp_config_default(&c.tcp);
  return c;
}

static ws_flow_stats *start_run(fixture *f, const ws_traffic_config *c, ws_time until) {
  f->t = ws_traffic_new(f->net, c, 1, 0);
  g_assert_nonnull(f->t);
  ws_traffic_start(f->t);
  if (until) ws_sim_run_until(f->sim, until);
  else ws_sim_run(f->sim);
  ws_traffic_finish(f->t, ws_sim_now(f->sim));
  return ws_traffic_get_stats(f->t);
}

/* ---- ping ------------------------------------------------------------------- */

/* Idle path, 56 B payload: the request and the reply are 84 B IP packets
 * (56 + 8 + 20), 84 us each at 8 Mbit/s, plus 1 ms each way: RTT =
 * 2 x (84 us + 1 ms) = 2.168 ms exactly, for each of the 10 probes sent at
 * 0, 1, ..., 9 s; the time series has one rtt_s row per reply, at the reply. */
static void test_ping_rtt(void) {
  ws_link_config lc = link_8m(WS_MS, 0);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "ping", 10 * WS_S);
  c.params.size = bytes(56);
  c.params.interval_ns = WS_S;
  ws_series *series = ws_series_new();
  f.t = ws_traffic_new(f.net, &c, 1, 0);
  ws_traffic_set_series(f.t, series);
  ws_traffic_start(f.t);
  ws_sim_run(f.sim);
  ws_flow_stats *s = ws_traffic_get_stats(f.t);
  g_assert_cmpstr(s->transport, ==, "icmp");
  g_assert_cmpuint(s->sent_packets, ==, 10);
  g_assert_cmpuint(s->received_packets, ==, 10);
  g_assert_cmpuint(s->sent_bytes, ==, 560);
  g_assert_cmpuint(s->received_bytes, ==, 560);
  g_assert_cmpuint(s->in_flight_packets, ==, 0);
  double rtt = ws_time_to_s(2 * (84 * WS_US + WS_MS));
  g_assert_cmpfloat(s->delay.min, ==, rtt);
  g_assert_cmpfloat(s->delay.max, ==, rtt);
  g_assert_cmpuint(ws_series_rows(series), ==, 10);
  for (unsigned i = 0; i < 10; i++) {
    ws_time t;
    const char *entity, *metric;
    double v;
    g_assert_true(ws_series_row(series, i, &t, &entity, &metric, &v));
    g_assert_cmpint(t, ==, (ws_time)i * WS_S + 2 * (84 * WS_US + WS_MS));
    g_assert_cmpstr(entity, ==, "flow x");
    g_assert_cmpstr(metric, ==, "rtt_s");
    g_assert_cmpfloat(v, ==, rtt);
  }
  fx_clear(&f);
  ws_series_free(series);
}

/* A lossy path (20% per packet each way): every probe is either answered
 * or lost (request or reply dropped), none stays in flight after the run,
 * and the loss ratio is near 1 - 0.8^2 = 0.36: over 1000 probes the count
 * is binomial with sd sqrt(1000 x 0.36 x 0.64) = 15.2, 5 sigma = 76. A
 * probe still out when the run stops is in flight, not lost. */
static void test_ping_loss(void) {
  ws_link_config lc = link_8m(WS_MS, 0.2);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "ping", 100 * WS_S);
  c.params.size = bytes(56);
  c.params.interval_ns = 100 * WS_MS;
  ws_flow_stats *s = start_run(&f, &c, 0);
  g_assert_cmpuint(s->sent_packets, ==, 1000);
  g_assert_cmpuint(s->in_flight_packets, ==, 0);
  uint64_t lost = ws_flow_stats_lost(s);
  g_assert_cmpuint(lost + s->received_packets, ==, 1000);
  g_assert_cmpfloat(fabs((double)lost - 360.0), <, 76.0);
  fx_clear(&f);

  ws_link_config idle = link_8m(WS_MS, 0);
  fx_init(&f, &idle);
  c = base(&f, "ping", 10 * WS_S);
  c.params.size = bytes(56);
  c.params.interval_ns = WS_S;
  s = start_run(&f, &c, 9 * WS_S + WS_MS); /* the last probe's reply is out */
  g_assert_cmpuint(s->sent_packets, ==, 10);
  g_assert_cmpuint(s->received_packets, ==, 9);
  g_assert_cmpuint(s->in_flight_packets, ==, 1);
  g_assert_cmpuint(ws_flow_stats_lost(s), ==, 0);
  fx_clear(&f);
}

/* ---- request-response --------------------------------------------------------- */

/* UDP, 100 B requests and 1000 B responses, think time 10 ms, 1 ms each
 * way: response time = (128 + 1028) us of transmission + 2 ms = 3.156 ms
 * exactly; one exchange per 13.156 ms, so requests at k x 13.156 ms for
 * k = 0..76 before stop = 1 s: 77 exchanges, all answered. */
static void test_reqresp_udp(void) {
  ws_link_config lc = link_8m(WS_MS, 0);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "request-response", WS_S);
  c.params.request_size = bytes(100);
  c.params.response_size = bytes(1000);
  c.params.think_time = time_ns(10 * WS_MS);
  ws_flow_stats *s = start_run(&f, &c, 0);
  g_assert_cmpuint(s->response.n, ==, 77);
  g_assert_cmpfloat(s->response.min, ==, 3.156e-3);
  g_assert_cmpfloat(fabs(s->response.max - 3.156e-3), <, 1e-15);
  g_assert_cmpuint(s->sent_packets, ==, 2 * 77);
  g_assert_cmpuint(s->received_packets, ==, 2 * 77);
  g_assert_cmpuint(s->sent_bytes, ==, 77 * 1100);
  g_assert_cmpuint(ws_hist_count(s->response_hist), ==, 77);
  fx_clear(&f);
}

/* UDP with loss: a lost request or response abandons its exchange after
 * the 1 s timeout; the loop goes on (exchanges = responses + timeouts). */
static void test_reqresp_udp_loss(void) {
  ws_link_config lc = link_8m(WS_MS, 0.3);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "request-response", 60 * WS_S);
  c.params.request_size = bytes(100);
  c.params.response_size = bytes(1000);
  c.params.think_time = time_ns(100 * WS_MS);
  ws_flow_stats *s = start_run(&f, &c, 0);
  uint64_t requests = (s->sent_packets + ws_flow_stats_lost(s) - s->received_packets) / 1;
  (void)requests;
  g_assert_cmpuint(s->response.n, >, 0);
  g_assert_cmpuint(ws_flow_stats_lost(s), >, 0);
  /* Every answered exchange took the idle-path time exactly. */
  g_assert_cmpfloat(fabs(s->response.max - 3.156e-3), <, 1e-15);
  /* A timeout costs 1 s + think: far fewer exchanges than 60 / 0.103. */
  g_assert_cmpuint(s->response.n, <, 60.0 / 0.103156 * 0.7);
  fx_clear(&f);
}

/* TCP, the same exchange: after the first (which also waits for the
 * handshake), each request and response fits the initial window and goes
 * out at once, so a response takes 2 ms + the transmission of both
 * segments: (100 + 40 + options) + (1000 + 40 + options) us, options at
 * most 40 B each way: between 3.196 and 3.276 ms. The median of the
 * exchanges is such an exchange; the first one is one RTT longer or more. */
static void test_reqresp_tcp(void) {
  ws_link_config lc = link_8m(WS_MS, 0);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "request-response", WS_S);
  c.transport = WS_TRAFFIC_TCP;
  c.params.request_size = bytes(100);
  c.params.response_size = bytes(1000);
  c.params.think_time = time_ns(10 * WS_MS);
  ws_flow_stats *s = start_run(&f, &c, 2 * WS_S);
  g_assert_cmpstr(s->transport, ==, "tcp");
  double p50 = ws_hist_quantile(s->response_hist, 0.5);
  g_assert_cmpfloat(p50, >=, 3.196e-3 * (1 - 1e-3));
  g_assert_cmpfloat(p50, <=, 3.276e-3 * (1 + 1e-3));
  g_assert_cmpfloat(s->response.max, >=, p50 + 2e-3);
  /* About 1 s / 13.2 ms exchanges (the first costs an extra RTT). */
  g_assert_cmpuint(s->response.n, >=, 70);
  g_assert_cmpuint(s->response.n, <=, 77);
  g_assert_cmpuint(s->sent_bytes, ==, s->response.n * 1100);
  g_assert_cmpuint(s->received_bytes, ==, s->sent_bytes);
  fx_clear(&f);
}

/* A response larger than the 4 MiB send buffer waits in the application
 * and is written as ACKs free space: 5 MB answers complete, each at least
 * its transmission time (5e6 x 8 / 100 Mbit/s = 0.4 s). */
static void test_reqresp_tcp_large(void) {
  ws_link_config lc = {.rate_bps = 100000000, .delay_ns = WS_MS, .mtu_bytes = 1500,
                       .queue = {.discipline = "droptail", .limit = 1000}};
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "request-response", WS_S);
  c.transport = WS_TRAFFIC_TCP;
  c.params.request_size = bytes(100);
  c.params.response_size = bytes(5000000);
  c.params.think_time = time_ns(0);
  ws_flow_stats *s = start_run(&f, &c, 5 * WS_S);
  g_test_message("%" G_GUINT64_FORMAT " responses, %.3f s to %.3f s", s->response.n,
                 s->response.min, s->response.max);
  g_assert_cmpuint(s->response.n, >=, 2);
  g_assert_cmpfloat(s->response.min, >=, 0.4);
  g_assert_cmpuint(s->received_bytes, ==, s->response.n * 5000100);
  fx_clear(&f);
}

/* ---- bulk --------------------------------------------------------------------- */

/* 1 MB over 10 Mbit/s, 10 ms each way: the bytes take at least size x
 * (MSS + 52) / MSS x 8 / rate (headers: 20 IP + 20 TCP + 12 timestamps)
 * plus the handshake (1 RTT) and the last segment's propagation; slow start
 * from 10 segments adds a few RTTs (log2(bdp / IW) = 1) but never doubles
 * it: completion in [lower, 1.25 x lower + 5 RTT]. Every byte delivered. */
static void test_bulk_completion(void) {
  ws_link_config lc = {.rate_bps = 10000000, .delay_ns = 10 * WS_MS, .mtu_bytes = 1500,
                       .queue = {.discipline = "droptail", .limit = 1000}};
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "bulk", 100 * WS_S);
  c.transport = WS_TRAFFIC_TCP;
  c.params.bulk_bytes = 1000000;
  ws_flow_stats *s = start_run(&f, &c, 100 * WS_S);
  double mss = 1500 - 52;
  double lower = 1e6 * (mss + 52) / mss * 8 / 1e7 + 0.020 + 0.010;
  g_test_message("sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT " done %" G_GINT64_FORMAT,
                 s->sent_bytes, s->received_bytes, s->completion_ns);
  g_assert_cmpint(s->completion_ns, >, 0);
  double done = ws_time_to_s(s->completion_ns);
  g_assert_cmpfloat(done, >=, lower);
  g_assert_cmpfloat(done, <=, 1.25 * lower + 5 * 0.020);
  g_assert_cmpuint(s->received_bytes, ==, 1000000);
  g_assert_cmpuint(s->sent_bytes, ==, 1000000);
  g_assert_cmpuint(s->retransmissions, ==, 0);
  /* Data segments: about 1e6 / 1448 = 691, all arrived. */
  g_assert_cmpuint(s->sent_packets, >=, 691);
  g_assert_cmpuint(s->received_packets, ==, s->sent_packets);
  g_assert_cmpuint(s->in_flight_packets, ==, 0);
  g_assert_true(ws_traffic_is_tcp(f.t));
  fx_clear(&f);
}

/* Unlimited bulk over a lossy path, stopped mid-run: data segments add up
 * (sent = arrived + dropped + in flight), retransmissions happen, goodput
 * is what arrived in order, and the TCP time-series rows are there. */
static void test_bulk_accounting(void) {
  ws_link_config lc = {.rate_bps = 10000000, .delay_ns = 10 * WS_MS, .mtu_bytes = 1500,
                       .loss = 0.01, .queue = {.discipline = "droptail", .limit = 50}};
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "bulk", 100 * WS_S);
  c.transport = WS_TRAFFIC_TCP;
  f.t = ws_traffic_new(f.net, &c, 1, 0);
  ws_traffic_start(f.t);
  ws_sim_run_until(f.sim, 5 * WS_S);
  ws_series *series = ws_series_new();
  ws_traffic_sample(f.t, series, 5 * WS_S, "flow x");
  ws_traffic_finish(f.t, 5 * WS_S);
  ws_flow_stats *s = ws_traffic_get_stats(f.t);
  g_assert_cmpuint(s->retransmissions, >, 0);
  g_assert_cmpuint(s->sent_packets, >, s->received_packets);
  g_assert_cmpuint(s->received_packets + ws_flow_stats_lost(s) + s->in_flight_packets, ==,
                   s->sent_packets);
  g_assert_cmpuint(ws_flow_stats_lost(s), >, 0);
  g_assert_cmpuint(s->received_bytes, ==, ws_traffic_rx_bytes(f.t));
  g_assert_cmpint(s->completion_ns, ==, -1);
  g_assert_cmpuint(ws_series_rows(series), ==, 4);
  const char *metric;
  double v;
  ws_series_row(series, 0, NULL, NULL, &metric, &v);
  g_assert_cmpstr(metric, ==, "cwnd_bytes");
  g_assert_cmpfloat(v, >, 0);
  ws_series_row(series, 2, NULL, NULL, &metric, &v);
  g_assert_cmpstr(metric, ==, "srtt_s");
  g_assert_cmpfloat(v, >=, 0.020);
  ws_series_free(series);
  fx_clear(&f);
}

/* cbr over TCP: the generator's bytes are written into the socket: 1 Mbit/s
 * of 1000 B for 1 s = 125 writes, 125000 bytes, all delivered on an idle
 * path; the same over UDP sends 125 datagrams. */
static void test_cbr_over_tcp(void) {
  ws_link_config lc = link_8m(WS_MS, 0);
  fixture f;
  fx_init(&f, &lc);
  ws_traffic_config c = base(&f, "cbr", WS_S);
  c.transport = WS_TRAFFIC_TCP;
  c.params.rate = 1e6;
  c.params.rate_bps = 1000000;
  c.params.size = bytes(1000);
  ws_flow_stats *s = start_run(&f, &c, 3 * WS_S);
  g_assert_cmpuint(s->sent_bytes, ==, 125000);
  g_assert_cmpuint(s->received_bytes, ==, 125000);
  g_assert_cmpuint(s->received_packets, ==, s->sent_packets);
  fx_clear(&f);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/apps/ping-rtt", test_ping_rtt);
  g_test_add_func("/apps/ping-loss", test_ping_loss);
  g_test_add_func("/apps/reqresp-udp", test_reqresp_udp);
  g_test_add_func("/apps/reqresp-udp-loss", test_reqresp_udp_loss);
  g_test_add_func("/apps/reqresp-tcp", test_reqresp_tcp);
  g_test_add_func("/apps/reqresp-tcp-large", test_reqresp_tcp_large);
  g_test_add_func("/apps/bulk-completion", test_bulk_completion);
  g_test_add_func("/apps/bulk-accounting", test_bulk_accounting);
  g_test_add_func("/apps/cbr-over-tcp", test_cbr_over_tcp);
  return g_test_run();
}
