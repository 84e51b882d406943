/* wisim request-response application: a closed loop between a client at
 * `from` and a server at `to`. The client sends request_size bytes; the
 * server answers response_size bytes once the whole request has arrived;
 * the client records the response time (request written -> last response
 * byte received), waits think_time, and repeats. Over TCP both messages are
 * byte counts on one connection; over UDP each is one datagram, and an
 * exchange is abandoned after WS_REQRESP_UDP_TIMEOUT_NS without a response. */
#include <glib.h>

#include "traffic-int.h"

typedef struct {
  ws_rng request_rng, response_rng, think_rng; /* "request size", "response size", "think" */
  ws_event_id pending;    /* next request, or the UDP timeout */
  uint64_t exchange;      /* number of the current exchange (UDP: datagram seq) */
  bool waiting;           /* a request is out, its response not complete */
  bool counted;           /* the current request was sent after warmup */
  ws_time request_ns;     /* when the current request was written */
  /* TCP: cumulative byte counts that end the current request / response */
  uint64_t server_rx, request_end;
  uint64_t client_rx, response_end;
  uint64_t response_written;
} reqresp_state;

static uint32_t draw_bytes(const ws_dist *d, ws_rng *rng) {
  int64_t b = ws_dist_sample_exact(d, rng);
  return (uint32_t)CLAMP(b, 1, (int64_t)UINT32_MAX);
}

static void send_request(ws_sim *sim, void *ctx);

static void schedule_next(ws_traffic *t, ws_time delay) {
  reqresp_state *s = t->app;
  ws_time at = ws_sim_now(t->sim) + delay;
  if (at < t->cfg.stop_ns) s->pending = ws_sim_schedule_at(t->sim, at, send_request, t);
}

static ws_time think(ws_traffic *t) {
  reqresp_state *s = t->app;
  int64_t ns = ws_dist_sample_exact(&t->cfg.params.think_time, &s->think_rng);
  return MAX(ns, 0);
}

/* The client has the whole response of the current exchange. */
static void complete(ws_traffic *t) {
  reqresp_state *s = t->app;
  s->waiting = false;
  if (s->pending) ws_sim_cancel(t->sim, s->pending); /* the UDP timeout */
  s->pending = 0;
  if (s->counted) {
    double rt_s = ws_time_to_s(ws_sim_now(t->sim) - s->request_ns);
    ws_stat_add(&t->stats.response, rt_s);
    ws_hist_add(t->stats.response_hist, rt_s);
  }
  schedule_next(t, think(t));
}

static void udp_timeout(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_traffic *t = ctx;
  reqresp_state *s = t->app;
  s->pending = 0;
  s->waiting = false;
  schedule_next(t, think(t));
}

static void send_request(ws_sim *sim, void *ctx) {
  ws_traffic *t = ctx;
  reqresp_state *s = t->app;
  s->pending = 0;
  uint32_t bytes = draw_bytes(&t->cfg.params.request_size, &s->request_rng);
  s->exchange++;
  s->waiting = true;
  s->request_ns = ws_sim_now(sim);
  s->counted = ws_traffic_counting(t);
  if (t->client) {
    s->request_end += bytes;
    ws_traffic_tcp_write(t, t->client, bytes);
  } else {
    s->pending = ws_sim_schedule(sim, WS_REQRESP_UDP_TIMEOUT_NS, udp_timeout, t);
    ws_traffic_udp_send(t, true, bytes, s->exchange);
  }
}

/* TCP: bytes delivered in order at either end. */
static void rr_received(ws_traffic *t, ws_tcp *tcp, uint64_t bytes) {
  reqresp_state *s = t->app;
  if (tcp == t->server) {
    s->server_rx += bytes;
    /* One request at a time: the whole of it is there, answer it. */
    if (s->server_rx >= s->request_end && s->response_written < s->request_end) {
      s->response_written = s->request_end;
      uint32_t resp = draw_bytes(&t->cfg.params.response_size, &s->response_rng);
      s->response_end += resp;
      ws_traffic_tcp_write(t, t->server, resp);
    }
  } else {
    s->client_rx += bytes;
    if (s->waiting && s->client_rx >= s->response_end && s->response_written == s->request_end)
      complete(t);
  }
}

/* UDP: the request at the server, the response at the client (the sink has
 * counted them already; p is borrowed). */
static void rr_udp_server(ws_traffic *t, ws_packet *p) {
  reqresp_state *s = t->app;
  uint32_t resp = draw_bytes(&t->cfg.params.response_size, &s->response_rng);
  ws_traffic_udp_send(t, false, resp, p->seq);
}

static void rr_udp_client(ws_traffic *t, ws_packet *p) {
  reqresp_state *s = t->app;
  if (s->waiting && p->seq == s->exchange) complete(t);
}

static bool rr_init(ws_traffic *t) {
  reqresp_state *s = g_new0(reqresp_state, 1);
  ws_rng_init(&s->request_rng, t->seed, t->run, t->entity, "request size");
  ws_rng_init(&s->response_rng, t->seed, t->run, t->entity, "response size");
  ws_rng_init(&s->think_rng, t->seed, t->run, t->entity, "think");
  t->app = s;
  return true;
}

static void rr_first(ws_sim *sim, void *ctx) {
  ws_traffic *t = ctx;
  if (t->client) ws_tcp_connect(t->client, t->dst_addr, t->cfg.dst_port);
  send_request(sim, t);
}

static void rr_start(ws_traffic *t) {
  reqresp_state *s = t->app;
  ws_time at = MAX(t->cfg.start_ns, ws_sim_now(t->sim));
  if (at < t->cfg.stop_ns) s->pending = ws_sim_schedule_at(t->sim, at, rr_first, t);
}

static void rr_stop(ws_traffic *t) {
  reqresp_state *s = t->app;
  if (s->pending) ws_sim_cancel(t->sim, s->pending);
  s->pending = 0;
}

static void rr_free(ws_traffic *t) {
  if (!t->app) return;
  rr_stop(t);
  g_free(t->app);
  t->app = NULL;
}

const ws_traffic_app_ops ws_traffic_reqresp_ops = {
    .init = rr_init,
    .start = rr_start,
    .stop = rr_stop,
    .free = rr_free,
    .received = rr_received,
    .udp_server = rr_udp_server,
    .udp_client = rr_udp_client,
};
