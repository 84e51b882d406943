/* wisim traffic: the type registry, the cbr and poisson generators, the
 * UDP sink, and the flow object that runs a generator over UDP or TCP (or
 * hands over to an application). cbr sends on an exact rational grid of
 * nanoseconds; poisson draws exponential gaps with the same mean. Every draw
 * comes from the flow's own streams ("flow NAME", "arrivals" / "size"). */
#include <glib.h>
#include <math.h>

#include "traffic-int.h"

/* Mean time between packets, ns: 1e9 / packet rate. */
static double mean_interval_ns(const ws_traffic_params *p) {
  if (p->rate_in_packets) return 1e9 / p->rate;
  return ws_dist_mean(&p->size) * 8.0 * 1e9 / p->rate;
}

/* ---- cbr ---------------------------------------------------------------- */

/* Send k (from 0) happens at start + floor(k x num / den) ns, exactly: the
 * interval num/den ns is kept as a quotient and a remainder (Bresenham), so
 * the grid never drifts however long the run. For a bit/s rate the interval
 * is mean payload bits x 1e9 / rate_bps; for pkt/s it is 1e9 / rate, with
 * the rate taken to 1e-6 pkt/s. */
typedef ws_traffic_grid cbr_state;

void ws_traffic_grid_init(ws_traffic_grid *s, const ws_traffic_params *p) {
  double num, den;
  if (!p->rate_in_packets && p->rate_bps > 0) {
    num = round(ws_dist_mean(&p->size) * 8.0 * 1e9); /* exact for whole-bit means */
    den = (double)p->rate_bps;
  } else if (p->rate_in_packets) {
    num = 1e15;
    den = MAX(1.0, round(p->rate * 1e6));
  } else {
    num = round(mean_interval_ns(p) * 1e3);
    den = 1e3;
  }
  /* Both below 2^63 for any payload a datagram can carry and any rate. */
  g_assert(num >= 0 && num < 9e18 && den >= 1 && den < 9e18);
  int64_t n = (int64_t)num;
  s->den = (int64_t)den;
  s->q_ns = n / s->den;
  s->r = n % s->den;
  s->acc = 0;
}

/* The grid point after prev_ns. */
ws_time ws_traffic_grid_next(ws_traffic_grid *s, ws_time prev_ns) {
  ws_time t = prev_ns + s->q_ns;
  s->acc += s->r;
  if (s->acc >= s->den) {
    s->acc -= s->den;
    t++;
  }
  return t;
}

static void *cbr_new(const ws_traffic_params *p) {
  cbr_state *s = g_new0(cbr_state, 1);
  ws_traffic_grid_init(s, p);
  return s;
}

static ws_time cbr_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  (void)arrivals;
  ((cbr_state *)state)->acc = 0;
  return start_ns;
}

static ws_time cbr_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  (void)arrivals;
  return ws_traffic_grid_next(state, prev_ns);
}

static const ws_traffic_gen_ops cbr_ops = {
    .name = "cbr",
    .new_state = cbr_new,
    .free_state = g_free,
    .first = cbr_first,
    .next = cbr_next,
};

/* ---- poisson ------------------------------------------------------------ */

/* Exponential gaps of mean 1e9 / packet rate (a Poisson process: Kleinrock,
 * Queueing Systems vol. 1, 2.2), the first one counted from start. Each gap
 * is cut to whole ns and the cut fraction carried into the next gap, so the
 * sum of the gaps is the sum of the draws to within 1 ns: no rounding bias
 * in the rate. */
typedef struct {
  double mean_ns;
  double frac_ns; /* carried fraction, in [0, 1) */
} poisson_state;

static void *poisson_new(const ws_traffic_params *p) {
  poisson_state *s = g_new0(poisson_state, 1);
  s->mean_ns = mean_interval_ns(p);
  return s;
}

static ws_time poisson_gap(poisson_state *s, ws_rng *arrivals) {
  double gap = ws_rng_exp(arrivals, s->mean_ns) + s->frac_ns;
  double whole = floor(gap);
  s->frac_ns = gap - whole;
  return (ws_time)whole;
}

static ws_time poisson_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  poisson_state *s = state;
  s->frac_ns = 0;
  return start_ns + poisson_gap(s, arrivals);
}

static ws_time poisson_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  return prev_ns + poisson_gap(state, arrivals);
}

static const ws_traffic_gen_ops poisson_ops = {
    .name = "poisson",
    .new_state = poisson_new,
    .free_state = g_free,
    .first = poisson_first,
    .next = poisson_next,
};

/* ---- registry ----------------------------------------------------------- */

/* full-buffer: the cell engine keeps the flow's radio buffer always full
 * (3GPP full-buffer model); no packet exists, so the application does
 * nothing and the world credits what the radio delivered
 * (ws_traffic_radio_delivered). */
static const ws_traffic_app_ops full_buffer_ops = {0};

/* One line per type: its generator or application, and its transports. */
static const ws_traffic_type types[] = {
    {"cbr", &cbr_ops, NULL, true, true},
    {"poisson", &poisson_ops, NULL, true, true},
    {"onoff", &ws_traffic_onoff_ops, NULL, true, true},
    {"voip", &ws_traffic_voip_ops, NULL, true, false},
    {"trace", &ws_traffic_trace_ops, NULL, true, true},
    {"bulk", NULL, &ws_traffic_bulk_ops, false, true},
    {"request-response", NULL, &ws_traffic_reqresp_ops, true, true},
    {"ping", NULL, &ws_traffic_ping_ops, false, false},
    {"full-buffer", NULL, &full_buffer_ops, true, false},
};
static const char *const type_names[] = {"cbr",  "poisson",          "onoff", "voip",        "trace",
                                         "bulk", "request-response", "ping",  "full-buffer", NULL};

static const ws_traffic_type *find_type(const char *name) {
  for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
    if (g_str_equal(types[i].name, name)) return &types[i];
  return NULL;
}

const ws_traffic_gen_ops *ws_traffic_find_gen(const char *name) {
  g_return_val_if_fail(name != NULL, NULL);
  const ws_traffic_type *ty = find_type(name);
  return ty ? ty->gen : NULL;
}

const char *const *ws_traffic_types(void) { return type_names; }

bool ws_traffic_type_info(const char *type, bool *udp_ok, bool *tcp_ok) {
  g_return_val_if_fail(type != NULL, false);
  const ws_traffic_type *ty = find_type(type);
  if (udp_ok) *udp_ok = ty && ty->udp_ok;
  if (tcp_ok) *tcp_ok = ty && ty->tcp_ok;
  return ty != NULL;
}

/* ---- the flow ----------------------------------------------------------- */

bool ws_traffic_counting(const ws_traffic *t) { return ws_sim_now(t->sim) >= t->cfg.warmup_ns; }

/* Payload of the next packet: a draw rounded to the nearest byte (a payload
 * is a whole number of bytes), never negative. */
static uint32_t next_size(ws_traffic *t) {
  if (t->gen->size) return t->gen->size(t->state, &t->size_rng);
  double bytes = ws_dist_sample(&t->cfg.params.size, &t->size_rng);
  if (!(bytes > 0)) return 0;
  /* Far above any MTU: the link drops it, the counters stay exact. */
  if (bytes > (double)(UINT32_MAX - 64)) return UINT32_MAX - 64;
  return (uint32_t)llround(bytes);
}

void ws_traffic_udp_send(ws_traffic *t, bool to_server, uint32_t payload, uint64_t seq) {
  ws_time now = ws_sim_now(t->sim);
  ws_packet *p = ws_packet_new(t->pool);
  p->flow = t->cfg.index;
  p->seq = seq;
  p->app_sent_ns = now;
  p->payload_bytes = payload;
  p->src_port = to_server ? t->cfg.src_port : t->cfg.dst_port;
  p->dst_port = to_server ? t->cfg.dst_port : t->cfg.src_port;
  p->dst_addr = to_server ? t->dst_addr : t->src_addr;
  p->counted = now >= t->cfg.warmup_ns;
  if (p->counted) {
    t->stats.sent_packets++;
    t->stats.sent_bytes += p->payload_bytes;
    t->stats.in_flight_packets++;
  }
  ws_net_udp_send(t->net, to_server ? t->cfg.from : t->cfg.to, p);
}

/* Pushes an endpoint's backlog into its send buffer as far as it has room. */
static void tcp_push(ws_traffic *t, ws_tcp *tcp) {
  uint64_t *backlog = tcp == t->client ? &t->backlog_bytes : &t->server_backlog_bytes;
  if (!*backlog) return;
  *backlog -= ws_tcp_send(tcp, *backlog);
}

void ws_traffic_tcp_write(ws_traffic *t, ws_tcp *tcp, uint64_t bytes) {
  if (ws_traffic_counting(t)) t->stats.sent_bytes += bytes;
  if (tcp == t->client) t->backlog_bytes += bytes;
  else t->server_backlog_bytes += bytes;
  tcp_push(t, tcp);
}

static void send_packet(ws_sim *sim, void *ctx) {
  ws_traffic *t = ctx;
  ws_time now = ws_sim_now(sim);
  t->pending = 0;
  uint32_t payload = next_size(t);
  uint64_t seq = t->next_seq++;
  ws_time next = t->gen->next(t->state, now, &t->arrivals);
  g_assert(next >= now);
  if (next < t->cfg.stop_ns) t->pending = ws_sim_schedule_at(sim, next, send_packet, t);
  if (t->client) ws_traffic_tcp_write(t, t->client, payload);
  else ws_traffic_udp_send(t, true, payload, seq);
}

/* Counts a datagram at its receiving application (SCENARIO-FORMAT.md "What
 * the outputs mean": delay application to application, RFC 3550 jitter). */
static void count_udp(ws_traffic *t, const ws_packet *p) {
  ws_time now = ws_sim_now(t->sim);
  t->rx_bytes += p->payload_bytes;
  if (p->counted) {
    ws_flow_stats *s = &t->stats;
    g_assert(s->in_flight_packets > 0);
    s->received_packets++;
    s->received_bytes += p->payload_bytes;
    s->in_flight_packets--;
    double delay_s = ws_time_to_s(now - p->app_sent_ns);
    ws_stat_add(&s->delay, delay_s);
    ws_hist_add(s->delay_hist, delay_s);
    /* The transit time from the exact integer difference: subtracting two
     * large times in seconds would add rounding noise to the jitter. */
    ws_jitter_add(&s->jitter, 0.0, delay_s);
  }
}

static void sink_receive(ws_net *net, ws_packet *p, void *ctx) {
  ws_traffic *t = ctx;
  count_udp(t, p);
  if (t->type->app && t->type->app->udp_server) t->type->app->udp_server(t, p);
  ws_packet_free(ws_net_pool(net), p);
}

static void client_receive(ws_net *net, ws_packet *p, void *ctx) {
  ws_traffic *t = ctx;
  count_udp(t, p);
  if (t->type->app && t->type->app->udp_client) t->type->app->udp_client(t, p);
  ws_packet_free(ws_net_pool(net), p);
}

/* ---- TCP callbacks: bytes delivered in order are the goodput ------------- */

static void tcp_connected(ws_tcp *tcp, void *ctx) {
  ws_traffic *t = ctx;
  if (t->type->app && t->type->app->connected) t->type->app->connected(t, tcp);
}

static void tcp_received(ws_tcp *tcp, uint64_t bytes, void *ctx) {
  ws_traffic *t = ctx;
  t->rx_bytes += bytes;
  if (ws_traffic_counting(t)) t->stats.received_bytes += bytes;
  if (t->type->app && t->type->app->received) t->type->app->received(t, tcp, bytes);
}

static void tcp_acked(ws_tcp *tcp, uint64_t bytes, void *ctx) {
  ws_traffic *t = ctx;
  tcp_push(t, tcp);
  if (t->type->app && t->type->app->acked) t->type->app->acked(t, tcp, bytes);
}

/* The peer sent FIN after all its data: close our side too (RFC 9293
 * CLOSE-WAIT -> LAST-ACK), so that both ends finish. */
static void tcp_peer_closed(ws_tcp *tcp, void *ctx) {
  (void)ctx;
  ws_tcp_close(tcp);
}

static const ws_tcp_callbacks tcp_callbacks = {
    .connected = tcp_connected,
    .received = tcp_received,
    .acked = tcp_acked,
    .peer_closed = tcp_peer_closed,
};

ws_traffic *ws_traffic_new(ws_net *net, const ws_traffic_config *cfg, uint64_t seed,
                           uint64_t run) {
  g_return_val_if_fail(net != NULL && cfg != NULL && cfg->name != NULL, NULL);
  g_return_val_if_fail(cfg->from != NULL && cfg->to != NULL && cfg->type != NULL, NULL);
  const ws_traffic_type *ty = find_type(cfg->type);
  g_return_val_if_fail(ty != NULL, NULL);
  bool tcp = cfg->transport == WS_TRAFFIC_TCP && ty->app != &ws_traffic_ping_ops;
  g_return_val_if_fail(ty->app == &ws_traffic_ping_ops || (tcp ? ty->tcp_ok : ty->udp_ok), NULL);
  if (ty->gen == &cbr_ops || ty->gen == &poisson_ops || ty->gen == &ws_traffic_onoff_ops)
    g_return_val_if_fail(cfg->params.rate > 0, NULL);
  if (ty->gen == &ws_traffic_trace_ops) g_return_val_if_fail(cfg->params.trace != NULL, NULL);
  ws_traffic *t = g_new0(ws_traffic, 1);
  t->net = net;
  t->sim = ws_net_sim(net);
  t->pool = ws_net_pool(net);
  t->cfg = *cfg;
  t->cfg.transport = tcp ? WS_TRAFFIC_TCP : WS_TRAFFIC_UDP;
  t->name = g_strdup(cfg->name);
  t->cfg.name = t->name;
  t->cfg.type = ty->name;
  t->type = ty;
  t->gen = ty->gen;
  t->seed = seed;
  t->run = run;
  t->entity = g_strdup_printf("flow %s", cfg->name);
  ws_rng_init(&t->arrivals, seed, run, t->entity, "arrivals");
  ws_rng_init(&t->size_rng, seed, run, t->entity, "size");
  t->dst_addr = ws_node_addr(cfg->to);
  t->src_addr = ws_node_addr(cfg->from);
  const char *transport = ty->app == &ws_traffic_ping_ops ? "icmp"
                          : ty->app == &full_buffer_ops  ? "radio"
                          : tcp                          ? "tcp"
                                                         : "udp";
  ws_flow_stats_init(&t->stats, cfg->name, ws_node_name(cfg->from), ws_node_name(cfg->to),
                     transport, ty->name);
  t->stats.active_start = MAX(cfg->start_ns, cfg->warmup_ns);
  t->stats.active_end = MAX(t->stats.active_start, cfg->stop_ns);
  /* Without warmup every packet counts from the start. */
  t->warm = cfg->warmup_ns <= 0;
  bool ok = true;
  if (tcp) {
    t->cfg.tcp.flow = cfg->index;
    t->server = ws_tcp_new(net, cfg->to, cfg->dst_port, &t->cfg.tcp, &tcp_callbacks, t);
    t->client = ws_tcp_new(net, cfg->from, cfg->src_port, &t->cfg.tcp, &tcp_callbacks, t);
    ok = t->server && t->client;
  } else if (ty->app != &ws_traffic_ping_ops && ty->app != &full_buffer_ops) {
    ok = t->udp_bound = ws_net_udp_bind(net, cfg->to, cfg->dst_port, sink_receive, t);
    if (ok && ty->app)
      ok = t->udp_client_bound = ws_net_udp_bind(net, cfg->from, cfg->src_port, client_receive, t);
  }
  if (ok && ty->gen) t->state = ty->gen->new_state(&t->cfg.params);
  if (ok && ty->app && ty->app->init) ok = ty->app->init(t);
  if (!ok) {
    ws_traffic_free(t);
    g_return_val_if_reached(NULL);
  }
  return t;
}

void ws_traffic_free(ws_traffic *t) {
  if (!t) return;
  if (t->pending) ws_sim_cancel(t->sim, t->pending);
  if (t->connect_event) ws_sim_cancel(t->sim, t->connect_event);
  t->pending = 0;
  if (t->type->app && t->type->app->free) t->type->app->free(t);
  if (t->state) t->gen->free_state(t->state);
  if (t->client) ws_tcp_free(t->client);
  if (t->server) ws_tcp_free(t->server);
  ws_flow_stats_clear(&t->stats);
  g_free(t->entity);
  g_free(t->name);
  g_free(t);
}

static void connect_now(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_traffic *t = ctx;
  t->connect_event = 0;
  ws_tcp_connect(t->client, t->dst_addr, t->cfg.dst_port);
}

void ws_traffic_connect_at_start(ws_traffic *t) {
  ws_time at = MAX(t->cfg.start_ns, ws_sim_now(t->sim));
  if (at < t->cfg.stop_ns) t->connect_event = ws_sim_schedule_at(t->sim, at, connect_now, t);
}

void ws_traffic_start(ws_traffic *t) {
  g_return_if_fail(t != NULL && t->pending == 0);
  if (t->server) ws_tcp_listen(t->server);
  if (t->type->app) {
    if (t->type->app->start) t->type->app->start(t);
    return;
  }
  /* The client connects at start, before the first write of that time;
   * bytes written before the handshake completes wait in its send buffer. */
  if (t->client) ws_traffic_connect_at_start(t);
  ws_time now = ws_sim_now(t->sim);
  ws_time first = t->gen->first(t->state, MAX(t->cfg.start_ns, now), &t->arrivals);
  if (first < t->cfg.stop_ns) t->pending = ws_sim_schedule_at(t->sim, first, send_packet, t);
}

void ws_traffic_stop(ws_traffic *t) {
  g_return_if_fail(t != NULL);
  if (t->pending) ws_sim_cancel(t->sim, t->pending);
  t->pending = 0;
  if (t->type->app && t->type->app->stop) t->type->app->stop(t);
}

ws_flow_stats *ws_traffic_get_stats(ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return &t->stats;
}

const ws_traffic_config *ws_traffic_get_config(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return &t->cfg;
}

void ws_traffic_radio_delivered(ws_traffic *t, uint64_t bytes) {
  g_return_if_fail(t != NULL && t->type->app == &full_buffer_ops);
  t->rx_bytes += bytes;
  if (!ws_traffic_counting(t)) return;
  /* Nothing waits outside the radio: what it delivered is what was sent. */
  t->stats.sent_bytes += bytes;
  t->stats.received_bytes += bytes;
}

uint64_t ws_traffic_rx_bytes(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, 0);
  return t->rx_bytes;
}

double ws_traffic_mean_interval_ns(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, 0);
  if (t->gen == &ws_traffic_voip_ops) return WS_VOIP_INTERVAL_NS;
  if (t->cfg.params.rate > 0) return mean_interval_ns(&t->cfg.params);
  return 0;
}

void ws_traffic_on_drop(ws_traffic *t, const ws_packet *p) {
  g_return_if_fail(t != NULL && p != NULL);
  if (t->cfg.transport == WS_TRAFFIC_TCP) {
    if (p->protocol == WS_IP_PROTO_TCP && p->payload_bytes > 0 && t->warm &&
        p->id >= t->first_counted_id)
      t->seg_lost++;
    return;
  }
  if (t->type->app && t->type->app->on_drop) {
    t->type->app->on_drop(t, p); /* the application keeps its own counts */
    return;
  }
  if (!p->counted) return;
  g_assert(t->stats.in_flight_packets > 0);
  t->stats.in_flight_packets--;
}

void ws_traffic_on_handover_loss(ws_traffic *t, const ws_packet *p) {
  g_return_if_fail(t != NULL && p != NULL);
  /* The same packets as the flow's other counts: TCP data segments made
   * after warmup, else packets sent after warmup. */
  bool counts = t->cfg.transport == WS_TRAFFIC_TCP
                    ? p->protocol == WS_IP_PROTO_TCP && p->payload_bytes > 0 && t->warm &&
                          p->id >= t->first_counted_id
                    : p->counted;
  if (counts) t->stats.handover_lost++;
}

/* ---- TCP flows, time series, end of run --------------------------------- */

bool ws_traffic_is_tcp(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, false);
  return t->client != NULL;
}

ws_tcp *ws_traffic_tcp_client(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return t->client;
}

ws_tcp *ws_traffic_tcp_server(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return t->server;
}

/* Sums of both endpoints' counters. */
static void tcp_totals(const ws_traffic *t, uint64_t *segments, uint64_t *retx, uint64_t *rto) {
  const ws_tcp_info *a = ws_tcp_get_info(t->client), *b = ws_tcp_get_info(t->server);
  *segments = a->segments_sent + b->segments_sent;
  *retx = a->retransmissions + b->retransmissions;
  *rto = a->rto_count + b->rto_count;
}

void ws_traffic_warmup(ws_traffic *t, uint64_t first_counted_id) {
  g_return_if_fail(t != NULL);
  t->first_counted_id = first_counted_id;
  t->warm = true;
  t->seg_received = t->seg_lost = 0;
  if (t->client) tcp_totals(t, &t->warm_segments, &t->warm_retx, &t->warm_rto);
}

void ws_traffic_on_arrival(ws_traffic *t, const ws_packet *p) {
  g_return_if_fail(t != NULL && p != NULL);
  if (t->client && p->protocol == WS_IP_PROTO_TCP && p->payload_bytes > 0 && t->warm &&
      p->id >= t->first_counted_id)
    t->seg_received++;
}

void ws_traffic_set_series(ws_traffic *t, ws_series *series) {
  g_return_if_fail(t != NULL);
  t->series = series;
}

/* ssthresh at or above this is the initial "infinite" value (RFC 5681 3.1:
 * "arbitrarily high"): written as an empty value. */
#define SSTHRESH_INFINITE 0x7fffffffu

void ws_traffic_sample(ws_traffic *t, ws_series *series, ws_time now, const char *entity) {
  g_return_if_fail(t != NULL && series != NULL && entity != NULL);
  if (!t->client) return;
  const ws_tcp_info *i = ws_tcp_get_info(t->client);
  ws_series_add(series, now, entity, "cwnd_bytes", i->cwnd);
  ws_series_add(series, now, entity, "ssthresh_bytes",
                i->ssthresh >= SSTHRESH_INFINITE ? NAN : (double)i->ssthresh);
  ws_series_add(series, now, entity, "srtt_s", i->srtt_ns > 0 ? ws_time_to_s(i->srtt_ns) : NAN);
  ws_series_add(series, now, entity, "bytes_in_flight", i->bytes_in_flight);
}

void ws_traffic_finish(ws_traffic *t, ws_time end) {
  g_return_if_fail(t != NULL);
  (void)end;
  ws_flow_stats *s = &t->stats;
  if (t->client) {
    uint64_t seg, retx, rto;
    tcp_totals(t, &seg, &retx, &rto);
    s->sent_packets = seg - t->warm_segments;
    s->retransmissions = retx - t->warm_retx;
    s->rto_count = rto - t->warm_rto;
    s->received_packets = MIN(t->seg_received, s->sent_packets);
    uint64_t gone = s->received_packets + t->seg_lost;
    s->in_flight_packets = s->sent_packets > gone ? s->sent_packets - gone : 0;
    /* A segment counted as arrived or lost but not as sent would be a
     * counting bug: keep lost = sent - received - in flight consistent. */
    if (gone > s->sent_packets) {
      g_warning("flow %s: %" G_GUINT64_FORMAT " segments arrived or lost, %" G_GUINT64_FORMAT
                " sent", t->name, gone, s->sent_packets);
      s->received_packets = s->sent_packets - MIN(t->seg_lost, s->sent_packets);
    }
  }
  if (t->gen == &ws_traffic_voip_ops && s->sent_packets > s->in_flight_packets) {
    /* Loss among the packets whose fate is known. */
    uint64_t lost = ws_flow_stats_lost(s);
    double loss = (double)lost / (double)(s->sent_packets - s->in_flight_packets);
    double ta_s = s->delay.n > 0 ? s->delay.mean : 0.0;
    s->mos = ws_emodel_mos(ws_emodel_r(ta_s, loss, 1.0));
  }
}
