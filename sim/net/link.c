/* wisim wired link: two independent directions, each a device queue in
 * front of a transmitter. A packet is transmitted in ceil(bits x 1e9 / rate)
 * ns, then either lost (one Bernoulli draw from the direction's stream) or
 * handed to the far node's IP layer `delay` ns later. Two events per packet
 * and hop (end of transmission, arrival; one when delay is 0), no allocation. */
#include <glib.h>

#include "net-int.h"
#include "wisim/link.h"
#include "wisim/rng.h"

typedef struct {
  ws_link *link;
  unsigned index;          /* 0: end 0 -> end 1 */
  ws_node *rx_node;
  ws_queue *queue;         /* owned */
  ws_packet *in_service;   /* being transmitted, owned; NULL when idle */
  ws_time tx_start_ns;     /* when in_service started */
  ws_event_id tx_event;    /* its end of transmission (cancelled on link-down) */
  uint64_t aqm_base, ecn_base; /* the queue's counters at the last reset */
  ws_time busy_origin_ns;  /* busy time counts from here (the last reset) */
  ws_rng loss_rng;         /* (seed, run, "link NAME", "loss A->B") */
  ws_link_stats stats;
} link_dir;

struct ws_link {
  ws_net *net;
  ws_sim *sim;
  char *name;
  ws_node *ends[2];
  ws_link_config cfg;
  uint32_t mtu_bytes;      /* cfg.mtu_bytes capped at the IPv4 maximum */
  bool up;                 /* in service (false after a link-down event) */
  const ws_net_taps *taps; /* the network's observers (borrowed) */
  link_dir dir[2];
};

/* Reports a tap event of this direction (callers test l->taps->n first). */
static void tap(const link_dir *d, ws_tap_kind kind, const ws_packet *p, ws_time now) {
  const ws_link *l = d->link;
  ws_tap_event ev = {.kind = kind, .time_ns = now, .link = l, .dir = d->index, .packet = p,
                     .node = kind == WS_TAP_RECEIVE ? d->rx_node : l->ends[d->index]};
  ws_net_taps_emit(l->taps, &ev);
}

/* Drops p at this direction (the transmitting end) for why. */
static void drop_here(link_dir *d, ws_packet *p, ws_drop_reason why) {
  ws_net_drop_at(d->link->net, p, why, d->link->ends[d->index], d->link, d->index);
}

ws_time ws_link_tx_ns(int64_t rate_bps, uint32_t ip_bytes) {
  g_return_val_if_fail(rate_bps > 0 && ip_bytes <= WS_IPV4_MAX_BYTES, 0);
  /* ip_bytes * 8e9 <= 5.3e14: exact in 64 bits; round up. */
  uint64_t bit_ns = (uint64_t)ip_bytes * 8u * 1000000000u;
  return (ws_time)((bit_ns + (uint64_t)rate_bps - 1) / (uint64_t)rate_bps);
}

/* Tap point "queue length": packets and bytes in the system, counting the
 * packet in service. Called after every change. */
static void note_occupancy(link_dir *d, ws_time now) {
  uint64_t packets = d->queue->packets, bytes = d->queue->bytes;
  if (d->in_service) {
    packets++;
    bytes += d->in_service->ip_bytes;
  }
  ws_tavg_set(&d->stats.queue_packets, now, (double)packets);
  ws_tavg_set(&d->stats.queue_bytes, now, (double)bytes);
  d->stats.aqm_drops = d->queue->aqm_drops - d->aqm_base;
  d->stats.ecn_marks = d->queue->ecn_marks - d->ecn_base;
}

/* An AQM dropped an accepted packet at dequeue. */
static void queue_dropped(void *ctx, ws_packet *p) {
  link_dir *d = ctx;
  d->stats.queue_drops++;
  drop_here(d, p, WS_DROP_QUEUE);
}

static void tx_end(ws_sim *sim, void *ctx);

static void start_tx(link_dir *d, ws_packet *p, ws_time now) {
  d->in_service = p;
  d->tx_start_ns = now;
  if (d->link->taps->n) tap(d, WS_TAP_DEQUEUE, p, now);
  d->tx_event =
      ws_sim_schedule(d->link->sim, ws_link_tx_ns(d->link->cfg.rate_bps, p->ip_bytes), tx_end, d);
}

/* The last bit reached the far end's propagation: hand p up. */
static void arrive(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_packet *p = ctx;
  link_dir *d = p->hop;
  p->hop = NULL;
  if (d->link->taps->n) tap(d, WS_TAP_RECEIVE, p, ws_sim_now(sim));
  ws_net_ip_input(d->link->net, d->rx_node, p);
}

static void tx_end(ws_sim *sim, void *ctx) {
  link_dir *d = ctx;
  ws_link *l = d->link;
  ws_time now = ws_sim_now(sim);
  ws_packet *p = d->in_service;
  g_assert(p != NULL);
  d->stats.busy_ns += now - MAX(d->tx_start_ns, d->busy_origin_ns);
  d->stats.tx_packets++;
  d->stats.tx_bytes += p->ip_bytes;
  d->in_service = NULL;
  d->tx_event = 0;
  ws_packet *next = ws_queue_dequeue(d->queue, now);
  if (next) start_tx(d, next, now);
  note_occupancy(d, now);
  if (l->cfg.loss > 0 && ws_rng_bernoulli(&d->loss_rng, l->cfg.loss)) {
    d->stats.loss_drops++;
    drop_here(d, p, WS_DROP_LOSS);
    return;
  }
  if (l->cfg.delay_ns == 0) { /* no propagation: arrive now, one event saved */
    if (l->taps->n) tap(d, WS_TAP_RECEIVE, p, now);
    ws_net_ip_input(l->net, d->rx_node, p);
    return;
  }
  p->hop = d;
  ws_sim_schedule(sim, l->cfg.delay_ns, arrive, p);
}

void ws_link_send(ws_link *l, unsigned dir, ws_packet *p) {
  g_return_if_fail(l != NULL && dir < 2 && p != NULL);
  link_dir *d = &l->dir[dir];
  ws_time now = ws_sim_now(l->sim);
  if (!l->up) {
    d->stats.down_drops++;
    drop_here(d, p, WS_DROP_LINK_DOWN);
    return;
  }
  if (p->ip_bytes > l->mtu_bytes) {
    d->stats.mtu_drops++;
    drop_here(d, p, WS_DROP_MTU);
    return;
  }
  p->enqueue_ns = now;
  if (l->cfg.device) {
    d->stats.tx_packets++;
    d->stats.tx_bytes += p->ip_bytes;
    if (l->taps->n) {
      tap(d, WS_TAP_ENQUEUE, p, now);
      tap(d, WS_TAP_DEQUEUE, p, now);
    }
    l->cfg.device(l->cfg.device_ctx, l, dir, p);
    return;
  }
  if (!d->in_service && !d->queue->ops->active) {
    g_assert(d->queue->packets == 0);
    if (l->taps->n) tap(d, WS_TAP_ENQUEUE, p, now);
    start_tx(d, p, now);
  } else {
    if (!ws_queue_enqueue(d->queue, p, now)) {
      d->stats.queue_drops++;
      drop_here(d, p, WS_DROP_QUEUE);
      note_occupancy(d, now); /* an early drop still moves the AQM counters */
      return;
    }
    if (l->taps->n) tap(d, WS_TAP_ENQUEUE, p, now);
    if (!d->in_service) { /* an active queue: the packet passes through it */
      ws_packet *next = ws_queue_dequeue(d->queue, now);
      if (next) start_tx(d, next, now);
    }
  }
  note_occupancy(d, now);
}

void ws_link_device_deliver(ws_link *l, unsigned dir, ws_packet *p) {
  g_return_if_fail(l != NULL && dir < 2 && p != NULL && l->cfg.device != NULL);
  link_dir *d = &l->dir[dir];
  if (l->taps->n) tap(d, WS_TAP_RECEIVE, p, ws_sim_now(l->sim));
  ws_net_ip_input(l->net, d->rx_node, p);
}

ws_link *ws_link_new(ws_net *net, const char *name, ws_node *a, ws_node *b,
                     const ws_link_config *cfg, uint64_t seed, uint64_t run) {
  g_return_val_if_fail(net != NULL && name != NULL && a != NULL && b != NULL, NULL);
  g_return_val_if_fail(cfg != NULL && cfg->rate_bps > 0 && cfg->delay_ns >= 0, NULL);
  g_return_val_if_fail(cfg->loss >= 0 && cfg->loss <= 1, NULL);
  ws_queue *queues[2] = {NULL, NULL};
  char *entity = g_strdup_printf("link %s", name);
  for (unsigned i = 0; i < 2; i++) {
    ws_queue_config qc = cfg->queue;
    qc.rate_bps = cfg->rate_bps;
    qc.mtu_bytes = MIN(cfg->mtu_bytes, WS_IPV4_MAX_BYTES);
    char *purpose = g_strdup_printf("red %s->%s", ws_node_name(i ? b : a), ws_node_name(i ? a : b));
    qc.red_seed = seed;
    qc.red_run = run;
    qc.red_entity = entity;
    qc.red_purpose = purpose;
    queues[i] = ws_queue_new(&qc);
    g_free(purpose);
  }
  if (!queues[0] || !queues[1]) {
    ws_queue_free(queues[0], NULL);
    ws_queue_free(queues[1], NULL);
    g_free(entity);
    return NULL;
  }
  ws_link *l = g_new0(ws_link, 1);
  l->net = net;
  l->sim = ws_net_sim(net);
  l->name = g_strdup(name);
  l->ends[0] = a;
  l->ends[1] = b;
  l->cfg = *cfg;
  l->cfg.queue.discipline = NULL; /* not owned; the queues were made from it */
  l->mtu_bytes = MIN(cfg->mtu_bytes, WS_IPV4_MAX_BYTES);
  l->up = true;
  l->taps = ws_net_get_taps(net);
  for (unsigned i = 0; i < 2; i++) {
    link_dir *d = &l->dir[i];
    d->link = l;
    d->index = i;
    d->rx_node = l->ends[1 - i];
    d->queue = queues[i];
    d->queue->drop_fn = queue_dropped;
    d->queue->drop_ctx = d;
    const char *from = ws_node_name(l->ends[i]), *to = ws_node_name(l->ends[1 - i]);
    char *purpose = g_strdup_printf("loss %s->%s", from, to);
    ws_rng_init(&d->loss_rng, seed, run, entity, purpose);
    g_free(purpose);
    ws_link_stats_init(&d->stats, name, from, to, (double)cfg->rate_bps);
    ws_time now = ws_sim_now(l->sim);
    ws_tavg_reset(&d->stats.queue_packets, now);
    ws_tavg_reset(&d->stats.queue_bytes, now);
    d->busy_origin_ns = now;
  }
  g_free(entity);
  return l;
}

void ws_link_free(ws_link *l) {
  if (!l) return;
  ws_packet_pool *pool = ws_net_pool(l->net);
  for (unsigned i = 0; i < 2; i++) {
    link_dir *d = &l->dir[i];
    if (d->in_service) ws_packet_free(pool, d->in_service);
    ws_queue_free(d->queue, pool);
    ws_link_stats_clear(&d->stats);
  }
  g_free(l->name);
  g_free(l);
}

const char *ws_link_name(const ws_link *l) { return l->name; }
ws_net *ws_link_get_net(const ws_link *l) { return l->net; }

ws_node *ws_link_end(const ws_link *l, unsigned end) {
  g_return_val_if_fail(l != NULL && end < 2, NULL);
  return l->ends[end];
}

const ws_link_config *ws_link_get_config(const ws_link *l) { return &l->cfg; }

ws_link_stats *ws_link_get_stats(ws_link *l, unsigned dir) {
  g_return_val_if_fail(l != NULL && dir < 2, NULL);
  return &l->dir[dir].stats;
}

const ws_queue *ws_link_get_queue(const ws_link *l, unsigned dir) {
  g_return_val_if_fail(l != NULL && dir < 2, NULL);
  return l->dir[dir].queue;
}

uint64_t ws_link_mtu_drops(const ws_link *l, unsigned dir) {
  g_return_val_if_fail(l != NULL && dir < 2, 0);
  return l->dir[dir].stats.mtu_drops;
}

ws_time ws_link_busy_ns(const ws_link *l, unsigned dir, ws_time now) {
  g_return_val_if_fail(l != NULL && dir < 2, 0);
  const link_dir *d = &l->dir[dir];
  ws_time busy = d->stats.busy_ns;
  if (d->in_service && now > MAX(d->tx_start_ns, d->busy_origin_ns))
    busy += now - MAX(d->tx_start_ns, d->busy_origin_ns);
  return busy;
}

void ws_link_reset_stats(ws_link *l, ws_time now) {
  g_return_if_fail(l != NULL);
  for (unsigned i = 0; i < 2; i++) {
    link_dir *d = &l->dir[i];
    ws_link_stats *s = &d->stats;
    s->busy_ns = 0;
    s->tx_packets = s->tx_bytes = 0;
    s->queue_drops = s->loss_drops = s->down_drops = s->mtu_drops = 0;
    s->aqm_drops = s->ecn_marks = 0;
    d->aqm_base = d->queue->aqm_drops;
    d->ecn_base = d->queue->ecn_marks;
    ws_tavg_reset(&s->queue_packets, now);
    ws_tavg_reset(&s->queue_bytes, now);
    d->busy_origin_ns = now;
  }
}

void ws_link_finish(ws_link *l, ws_time end) {
  g_return_if_fail(l != NULL);
  for (unsigned i = 0; i < 2; i++) {
    link_dir *d = &l->dir[i];
    d->stats.busy_ns = ws_link_busy_ns(l, i, end);
    d->busy_origin_ns = MAX(d->busy_origin_ns, end);
    note_occupancy(d, end);
  }
}

void ws_link_set_up(ws_link *l, bool up) {
  g_return_if_fail(l != NULL);
  if (l->up == up) return;
  l->up = up;
  if (up) return;
  /* Going down: what is queued or being transmitted is lost; what is
   * already propagating arrives. */
  ws_time now = ws_sim_now(l->sim);
  for (unsigned i = 0; i < 2; i++) {
    link_dir *d = &l->dir[i];
    if (d->in_service) {
      ws_packet *p = d->in_service;
      ws_sim_cancel(l->sim, d->tx_event);
      d->tx_event = 0;
      d->stats.busy_ns += MAX(0, now - MAX(d->tx_start_ns, d->busy_origin_ns));
      d->in_service = NULL;
      d->stats.down_drops++;
      drop_here(d, p, WS_DROP_LINK_DOWN);
    }
    ws_packet *p;
    while ((p = ws_queue_pop(d->queue)) != NULL) {
      d->stats.down_drops++;
      drop_here(d, p, WS_DROP_LINK_DOWN);
    }
    /* The transmitter finds the queue empty: RED's idle time starts, CoDel
     * leaves its dropping state. */
    p = ws_queue_dequeue(d->queue, now);
    g_assert(p == NULL);
    note_occupancy(d, now);
  }
}

bool ws_link_is_up(const ws_link *l) { return l->up; }

void ws_link_set_end(ws_link *l, unsigned end, ws_node *n) {
  g_return_if_fail(l != NULL && end < 2 && n != NULL);
  l->ends[end] = n;
  l->dir[1 - end].rx_node = n;
}
