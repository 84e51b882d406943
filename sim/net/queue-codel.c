/* wisim CoDel queue discipline (RFC 8289, "Controlled Delay Active Queue
 * Management"): a FIFO whose dequeue drops (or, with ECN, marks) packets
 * while the sojourn time has stayed above `target` for at least `interval`,
 * at intervals shrinking as interval / sqrt(count). The state machine is the
 * RFC's pseudocode of section 5; ECN marking follows Linux's codel.h, which
 * RFC 8289 section 5 names as the reference implementation. */
#include <glib.h>
#include <math.h>

#include "wisim/queue.h"

typedef struct {
  ws_queue base;            /* first: a ws_queue * is a codel * */
  bool in_bytes;
  uint64_t limit;
  ws_time target_ns, interval_ns;
  uint32_t maxpacket_bytes; /* "less than one MTU queued" never drops (5.3) */
  bool ecn;
  /* RFC 8289 section 5.2's state */
  ws_time first_above_time_ns; /* 0: sojourn below target (or not yet long enough) */
  ws_time drop_next_ns;
  uint32_t count, lastcount;
  bool dropping;
} codel;

/* RFC 8289 section 4.2 (defaults): target 5 ms, interval 100 ms. */
#define CODEL_TARGET_NS (5 * WS_MS)
#define CODEL_INTERVAL_NS (100 * WS_MS)

/* Control law (5.4): the next drop comes interval / sqrt(count) after t. */
static ws_time control_law(const codel *c, ws_time t, uint32_t count) {
  return t + (ws_time)llround((double)c->interval_ns / sqrt((double)count));
}

/* dodequeue of 5.5: the head packet and whether the sojourn time has been
 * above target for an interval. */
static ws_packet *dodequeue(codel *c, ws_time now, bool *ok_to_drop) {
  *ok_to_drop = false;
  ws_packet *p = ws_queue_fifo_pop(&c->base);
  if (!p) {
    c->first_above_time_ns = 0;
    return NULL;
  }
  ws_time sojourn_ns = now - p->enqueue_ns;
  if (sojourn_ns < c->target_ns || c->base.bytes <= c->maxpacket_bytes) {
    /* Went below target: stay out of (or leave) the dropping state. */
    c->first_above_time_ns = 0;
  } else if (c->first_above_time_ns == 0) {
    /* Just went above target: an interval from now, dropping is allowed.
     * (now + interval is never 0 after time 0; at time 0 use 1 ns.) */
    c->first_above_time_ns = MAX(now + c->interval_ns, 1);
  } else if (now >= c->first_above_time_ns) {
    *ok_to_drop = true;
  }
  return p;
}

/* Drops an accepted packet: through the owner's drop_fn, counted. */
static void codel_drop(codel *c, ws_packet *p) {
  c->base.aqm_drops++;
  c->base.drop_fn(c->base.drop_ctx, p);
}

/* Marks p CE instead of dropping it when ECN is on and p is ECN-capable
 * (RFC 3168 section 5; a CE packet stays CE). True when marked. */
static bool codel_mark(codel *c, ws_packet *p) {
  if (!c->ecn || p->ecn == WS_ECN_NOT_ECT) return false;
  if (p->ecn != WS_ECN_CE) c->base.ecn_marks++;
  p->ecn = WS_ECN_CE;
  return true;
}

/* dequeue of 5.6 and 5.7. */
static ws_packet *codel_dequeue(ws_queue *q, ws_time now) {
  codel *c = (codel *)q;
  bool ok_to_drop;
  ws_packet *p = dodequeue(c, now, &ok_to_drop);
  if (c->dropping) {
    if (!ok_to_drop) {
      c->dropping = false; /* sojourn time below target: leave dropping state */
    }
    /* Time for the next drop: drop (or mark), then schedule the next one
     * by the control law. Several drops may be due at once. */
    while (c->dropping && now >= c->drop_next_ns) {
      c->count++;
      if (codel_mark(c, p)) {
        c->drop_next_ns = control_law(c, c->drop_next_ns, c->count);
        return p;
      }
      codel_drop(c, p);
      p = dodequeue(c, now, &ok_to_drop);
      if (!ok_to_drop) c->dropping = false;
      else c->drop_next_ns = control_law(c, c->drop_next_ns, c->count);
    }
  } else if (ok_to_drop) {
    /* Enter the dropping state: drop (or mark) this packet. */
    if (!codel_mark(c, p)) {
      codel_drop(c, p);
      p = dodequeue(c, now, &ok_to_drop);
    }
    c->dropping = true;
    /* If we were dropping recently, start from the drop rate that was
     * controlling the queue rather than from 1 (5.6). */
    uint32_t delta = c->count - c->lastcount;
    c->count = 1;
    if (delta > 1 && now - c->drop_next_ns < 16 * c->interval_ns) c->count = delta;
    c->drop_next_ns = control_law(c, now, c->count);
    c->lastcount = c->count;
  }
  return p;
}

static bool codel_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  (void)now; /* the link stamped p->enqueue_ns */
  codel *c = (codel *)q;
  if (c->in_bytes ? q->bytes + p->ip_bytes > c->limit : q->packets + 1 > c->limit)
    return false; /* the queue is full: tail drop (5.1's "queue size limit") */
  ws_queue_fifo_push(q, p);
  return true;
}

static ws_packet *codel_pop(ws_queue *q) { return ws_queue_fifo_pop(q); }

static void codel_destroy(ws_queue *q) { g_free(q); }

static const ws_queue_ops codel_ops = {
    .name = "codel",
    .enqueue = codel_enqueue,
    .dequeue = codel_dequeue,
    .destroy = codel_destroy,
    .pop = codel_pop,
    .active = true,
};

ws_queue *ws_queue_codel_new(const ws_queue_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  codel *c = g_new0(codel, 1);
  c->base.ops = &codel_ops;
  c->in_bytes = cfg->limit_in_bytes;
  c->limit = cfg->limit;
  c->target_ns = cfg->codel_target_ns > 0 ? cfg->codel_target_ns : CODEL_TARGET_NS;
  c->interval_ns = cfg->codel_interval_ns > 0 ? cfg->codel_interval_ns : CODEL_INTERVAL_NS;
  /* maxpacket_ = the MTU (5.3); 1500 B when the owner does not say. */
  c->maxpacket_bytes = cfg->mtu_bytes ? cfg->mtu_bytes : 1500u;
  c->ecn = cfg->ecn;
  if (c->target_ns >= c->interval_ns) {
    g_free(c);
    return NULL;
  }
  return &c->base;
}

bool ws_queue_codel_dropping(const ws_queue *q, uint32_t *count) {
  g_return_val_if_fail(q != NULL && q->ops == &codel_ops, false);
  const codel *c = (const codel *)q;
  if (count) *count = c->count;
  return c->dropping;
}
