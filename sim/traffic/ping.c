/* wisim ping application: an ICMP echo request (RFC 792) from `from` to `to`
 * every `interval`, answered by the IP layer of `to` (RFC 1122 3.2.2.6);
 * the round-trip time of each probe goes into the flow's delay columns and,
 * one row per reply, into the time series (metric rtt_s). A probe whose
 * request or reply is dropped is lost; one still out at the end is in flight. */
#include <glib.h>

#include "traffic-int.h"

enum { PROBE_OUT, PROBE_REPLIED, PROBE_LOST };

typedef struct {
  ws_time sent_ns;
  uint8_t state;
  bool counted;
} probe;

typedef struct {
  GArray *probes;         /* probe, by probe number (icmp_seq = number mod 2^16) */
  ws_event_id pending;
  uint16_t id;            /* ICMP identifier: the flow's source port */
} ping_state;

static void send_probe(ws_sim *sim, void *ctx) {
  ws_traffic *t = ctx;
  ping_state *s = t->app;
  ws_time now = ws_sim_now(sim);
  s->pending = 0;
  ws_time next = now + t->cfg.params.interval_ns;
  if (next < t->cfg.stop_ns) s->pending = ws_sim_schedule_at(sim, next, send_probe, t);
  /* At most what an IPv4 datagram carries after the ICMP header. */
  int64_t bytes = ws_dist_sample_exact(&t->cfg.params.size, &t->size_rng);
  uint32_t payload = (uint32_t)CLAMP(bytes, 0, 65507);
  probe pr = {.sent_ns = now, .state = PROBE_OUT, .counted = now >= t->cfg.warmup_ns};
  uint64_t k = s->probes->len;
  g_array_append_val(s->probes, pr);
  ws_packet *p = ws_packet_new(t->pool);
  p->flow = t->cfg.index;
  p->seq = k;
  p->app_sent_ns = now;
  p->payload_bytes = payload;
  p->counted = pr.counted;
  p->protocol = WS_IP_PROTO_ICMP;
  p->ip_bytes = payload + WS_ICMP_HEADER_BYTES + WS_IPV4_HEADER_BYTES;
  p->dst_addr = t->dst_addr;
  p->icmp_type = WS_ICMP_ECHO_REQUEST;
  p->icmp_id = s->id;
  p->icmp_seq = (uint16_t)(k & 0xffff);
  if (pr.counted) {
    t->stats.sent_packets++;
    t->stats.sent_bytes += payload;
    t->stats.in_flight_packets++;
  }
  ws_net_ip_send(t->net, t->cfg.from, p);
}

/* The probe an echo with this sequence number answers: the latest one sent
 * with that number modulo 2^16; NULL when none was. */
static probe *find_probe(ping_state *s, uint16_t seq) {
  uint64_t n = s->probes->len;
  if (n == 0) return NULL;
  uint64_t back = ((n - 1) - seq) & 0xffff;
  if (back > n - 1) return NULL;
  return &g_array_index(s->probes, probe, n - 1 - back);
}

static void on_reply(ws_net *net, ws_packet *p, void *ctx) {
  ws_traffic *t = ctx;
  ping_state *s = t->app;
  probe *pr = p->icmp_type == WS_ICMP_ECHO_REPLY ? find_probe(s, p->icmp_seq) : NULL;
  /* Duplicates and replies to a probe already counted lost are ignored. */
  if (pr && pr->state == PROBE_OUT) {
    ws_time now = ws_sim_now(t->sim);
    pr->state = PROBE_REPLIED;
    t->rx_bytes += p->payload_bytes;
    if (pr->counted) {
      ws_flow_stats *st = &t->stats;
      g_assert(st->in_flight_packets > 0);
      st->in_flight_packets--;
      st->received_packets++;
      st->received_bytes += p->payload_bytes;
      double rtt_s = ws_time_to_s(now - pr->sent_ns);
      ws_stat_add(&st->delay, rtt_s);
      ws_hist_add(st->delay_hist, rtt_s);
      ws_jitter_add(&st->jitter, 0.0, rtt_s);
      if (t->series) ws_series_add(t->series, now, t->entity, "rtt_s", rtt_s);
    }
  }
  ws_packet_free(ws_net_pool(net), p);
}

static void ping_on_drop(ws_traffic *t, const ws_packet *p) {
  ping_state *s = t->app;
  if (p->protocol != WS_IP_PROTO_ICMP || p->icmp_id != s->id) return;
  probe *pr = find_probe(s, p->icmp_seq);
  if (!pr || pr->state != PROBE_OUT) return;
  pr->state = PROBE_LOST;
  if (pr->counted) {
    g_assert(t->stats.in_flight_packets > 0);
    t->stats.in_flight_packets--;
  }
}

static bool ping_init(ws_traffic *t) {
  g_return_val_if_fail(t->cfg.params.interval_ns > 0, false);
  ping_state *s = g_new0(ping_state, 1);
  s->probes = g_array_new(FALSE, FALSE, sizeof(probe));
  s->id = t->cfg.src_port;
  t->app = s;
  return ws_net_icmp_bind(t->net, t->cfg.from, s->id, on_reply, t);
}

static void ping_start(ws_traffic *t) {
  ping_state *s = t->app;
  ws_time at = MAX(t->cfg.start_ns, ws_sim_now(t->sim));
  if (at < t->cfg.stop_ns) s->pending = ws_sim_schedule_at(t->sim, at, send_probe, t);
}

static void ping_stop(ws_traffic *t) {
  ping_state *s = t->app;
  if (s->pending) ws_sim_cancel(t->sim, s->pending);
  s->pending = 0;
}

static void ping_free(ws_traffic *t) {
  ping_state *s = t->app;
  if (!s) return;
  ping_stop(t);
  g_array_free(s->probes, TRUE);
  g_free(s);
  t->app = NULL;
}

const ws_traffic_app_ops ws_traffic_ping_ops = {
    .init = ping_init,
    .start = ping_start,
    .stop = ping_stop,
    .free = ping_free,
    .on_drop = ping_on_drop,
};
