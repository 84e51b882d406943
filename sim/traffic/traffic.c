/* wisim traffic generators and the UDP sink. cbr sends at a constant packet
 * rate (rate / (8 x mean payload) for a bit/s rate, so that it is constant
 * bit rate on average when sizes are random), on an exact rational grid of
 * nanoseconds; poisson draws exponential gaps with the same mean. Every draw
 * comes from the flow's own streams ("flow NAME", "arrivals" / "size"). */
#include <glib.h>
#include <math.h>

#include "wisim/traffic.h"

struct ws_traffic {
  ws_net *net;
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_traffic_config cfg;   /* name and type point into this struct's own copies */
  char *name;
  const ws_traffic_gen_ops *gen;
  void *state;             /* the generator's, owned */
  ws_rng arrivals;         /* (seed, run, "flow NAME", "arrivals") */
  ws_rng size_rng;         /* (seed, run, "flow NAME", "size") */
  uint32_t dst_addr;
  uint64_t next_seq;
  ws_event_id pending;     /* the next send, 0 when none */
  ws_flow_stats stats;
  uint64_t rx_bytes;       /* every payload byte delivered, counted or not */
};

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
typedef struct {
  int64_t q_ns;  /* whole ns of the interval */
  int64_t r;     /* remainder, in 1/den ns */
  int64_t den;
  int64_t acc;   /* accumulated remainder, < den */
} cbr_state;

static void *cbr_new(const ws_traffic_params *p) {
  cbr_state *s = g_new0(cbr_state, 1);
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
  return s;
}

static ws_time cbr_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  (void)arrivals;
  ((cbr_state *)state)->acc = 0;
  return start_ns;
}

static ws_time cbr_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  (void)arrivals;
  cbr_state *s = state;
  ws_time t = prev_ns + s->q_ns;
  s->acc += s->r;
  if (s->acc >= s->den) {
    s->acc -= s->den;
    t++;
  }
  return t;
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

/* One line per generator. */
static const ws_traffic_gen_ops *const generators[] = {&cbr_ops, &poisson_ops};
static const char *const generator_names[] = {"cbr", "poisson", NULL};

const ws_traffic_gen_ops *ws_traffic_find_gen(const char *name) {
  g_return_val_if_fail(name != NULL, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(generators); i++)
    if (g_str_equal(generators[i]->name, name)) return generators[i];
  return NULL;
}

const char *const *ws_traffic_types(void) { return generator_names; }

/* ---- the flow ----------------------------------------------------------- */

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

static void send_packet(ws_sim *sim, void *ctx) {
  ws_traffic *t = ctx;
  ws_time now = ws_sim_now(sim);
  t->pending = 0;
  ws_packet *p = ws_packet_new(t->pool);
  p->flow = t->cfg.index;
  p->seq = t->next_seq++;
  p->app_sent_ns = now;
  p->payload_bytes = next_size(t);
  p->src_port = t->cfg.src_port;
  p->dst_port = t->cfg.dst_port;
  p->dst_addr = t->dst_addr;
  p->counted = now >= t->cfg.warmup_ns;
  if (p->counted) {
    t->stats.sent_packets++;
    t->stats.sent_bytes += p->payload_bytes;
    t->stats.in_flight_packets++;
  }
  ws_time next = t->gen->next(t->state, now, &t->arrivals);
  g_assert(next >= now);
  if (next < t->cfg.stop_ns) t->pending = ws_sim_schedule_at(sim, next, send_packet, t);
  ws_net_udp_send(t->net, t->cfg.from, p);
}

/* The sink: what the receiving application sees (SCENARIO-FORMAT.md "What
 * the outputs mean": delay application to application, RFC 3550 jitter). */
static void sink_receive(ws_net *net, ws_packet *p, void *ctx) {
  ws_traffic *t = ctx;
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
  ws_packet_free(ws_net_pool(net), p);
}

ws_traffic *ws_traffic_new(ws_net *net, const ws_traffic_config *cfg, uint64_t seed,
                           uint64_t run) {
  g_return_val_if_fail(net != NULL && cfg != NULL && cfg->name != NULL, NULL);
  g_return_val_if_fail(cfg->from != NULL && cfg->to != NULL && cfg->type != NULL, NULL);
  g_return_val_if_fail(cfg->params.rate > 0, NULL);
  const ws_traffic_gen_ops *gen = ws_traffic_find_gen(cfg->type);
  g_return_val_if_fail(gen != NULL, NULL);
  ws_traffic *t = g_new0(ws_traffic, 1);
  if (!ws_net_udp_bind(net, cfg->to, cfg->dst_port, sink_receive, t)) {
    g_free(t);
    g_return_val_if_reached(NULL);
  }
  t->net = net;
  t->sim = ws_net_sim(net);
  t->pool = ws_net_pool(net);
  t->cfg = *cfg;
  t->name = g_strdup(cfg->name);
  t->cfg.name = t->name;
  t->cfg.type = gen->name;
  t->gen = gen;
  t->state = gen->new_state(&cfg->params);
  char *entity = g_strdup_printf("flow %s", cfg->name);
  ws_rng_init(&t->arrivals, seed, run, entity, "arrivals");
  ws_rng_init(&t->size_rng, seed, run, entity, "size");
  g_free(entity);
  t->dst_addr = ws_node_addr(cfg->to);
  ws_flow_stats_init(&t->stats, cfg->name, ws_node_name(cfg->from), ws_node_name(cfg->to), "udp",
                     gen->name);
  t->stats.active_start = MAX(cfg->start_ns, cfg->warmup_ns);
  t->stats.active_end = MAX(t->stats.active_start, cfg->stop_ns);
  return t;
}

void ws_traffic_free(ws_traffic *t) {
  if (!t) return;
  ws_traffic_stop(t);
  t->gen->free_state(t->state);
  ws_flow_stats_clear(&t->stats);
  g_free(t->name);
  g_free(t);
}

void ws_traffic_start(ws_traffic *t) {
  g_return_if_fail(t != NULL && t->pending == 0);
  ws_time now = ws_sim_now(t->sim);
  ws_time first = t->gen->first(t->state, MAX(t->cfg.start_ns, now), &t->arrivals);
  if (first < t->cfg.stop_ns) t->pending = ws_sim_schedule_at(t->sim, first, send_packet, t);
}

void ws_traffic_stop(ws_traffic *t) {
  g_return_if_fail(t != NULL);
  if (t->pending) ws_sim_cancel(t->sim, t->pending);
  t->pending = 0;
}

ws_flow_stats *ws_traffic_get_stats(ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return &t->stats;
}

const ws_traffic_config *ws_traffic_get_config(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, NULL);
  return &t->cfg;
}

uint64_t ws_traffic_rx_bytes(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, 0);
  return t->rx_bytes;
}

double ws_traffic_mean_interval_ns(const ws_traffic *t) {
  g_return_val_if_fail(t != NULL, 0);
  return mean_interval_ns(&t->cfg.params);
}

void ws_traffic_on_drop(ws_traffic *t, const ws_packet *p) {
  g_return_if_fail(t != NULL && p != NULL);
  if (!p->counted) return;
  g_assert(t->stats.in_flight_packets > 0);
  t->stats.in_flight_packets--;
}
