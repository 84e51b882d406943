/* wisim RED queue discipline: Random Early Detection (Floyd & Jacobson,
 * "Random Early Detection Gateways for Congestion Avoidance", IEEE/ACM ToN
 * 1(4), 1993, Fig. 2) with gentle mode (Floyd, "Recommendation on using the
 * gentle_ variant of RED", 2000) and ECN marking (RFC 3168 section 5).
 * The average and the decision are made at every arrival, before the FIFO. */
#include <glib.h>
#include <math.h>

#include "wisim/queue.h"
#include "wisim/rng.h"

typedef struct {
  ws_queue base;            /* first: a ws_queue * is a red * */
  bool in_bytes;            /* limit, thresholds and q count IP bytes */
  uint64_t limit;
  double min_th, max_th, max_p, w_q;
  bool gentle, ecn;
  double s_ns;              /* typical transmission time of the idle correction */
  uint32_t max_packet_bytes; /* byte mode's MaximumPacketSize (the MTU) */
  double avg;               /* the EWMA of the queue, in packets or bytes */
  int64_t count;            /* arrivals since the last mark/drop, -1 outside [min_th, max_th) */
  bool idle;                /* the transmitter found the queue empty */
  ws_time idle_since_ns;    /* q_time of the paper */
  double last_pb, last_pa;  /* of the last arrival, for tests */
  ws_rng rng;               /* the link direction's "red A->B" stream */
} red;

/* Defaults (docs/queues.md): min_th 5 packets (Floyd & Jacobson section 11,
 * ns-2's thresh_), max_th = 3 min_th (Floyd, "RED: discussions of setting
 * parameters", 1997: at least twice min_th; ns-2's 15), max_p 0.1 (ns-2's
 * linterm_ 10), w_q 0.002 (the paper's section 11), s = 500 B at the link
 * rate (ns-2's mean_pktsize_). */
#define RED_MIN_PACKETS 5.0
#define RED_FULL_PACKET_BYTES 1500.0
#define RED_MAX_P 0.1
#define RED_W_Q 0.002
#define RED_MEAN_PACKET_BYTES 500u

/* Sets the average for an arrival seeing q waiting (section 4, Fig. 2):
 * after an idle period, the average decays as if m = idle / s small packets
 * had arrived to an empty queue, then the arrival's own update. */
static void update_avg(red *r, double q, ws_time now) {
  if (r->idle) {
    double m = r->s_ns > 0 ? (double)(now - r->idle_since_ns) / r->s_ns : 0;
    r->avg *= pow(1.0 - r->w_q, m);
    r->idle = false;
  }
  r->avg = (1.0 - r->w_q) * r->avg + r->w_q * q;
}

/* The early-drop decision for one arrival of size bytes. Returns 0 to
 * accept, 1 to drop or mark (random, p_a), 2 to drop whatever the ECN
 * field (forced: above max_th, or above 2 max_th in gentle mode). */
static int decide(red *r, uint32_t bytes) {
  double avg = r->avg, p_b;
  r->last_pb = r->last_pa = 0;
  if (avg < r->min_th) {
    r->count = -1;
    return 0;
  }
  if (avg < r->max_th) {
    p_b = r->max_p * (avg - r->min_th) / (r->max_th - r->min_th);
  } else if (r->gentle && avg < 2 * r->max_th) {
    /* Gentle RED: p_b rises linearly from max_p at max_th to 1 at 2 max_th. */
    p_b = r->max_p + (1.0 - r->max_p) * (avg - r->max_th) / r->max_th;
  } else {
    r->count = 0;
    r->last_pb = r->last_pa = 1;
    return 2;
  }
  /* Byte mode (section 4): p_b scaled by PacketSize / MaximumPacketSize. */
  if (r->in_bytes && r->max_packet_bytes) p_b = p_b * bytes / r->max_packet_bytes;
  r->count++;
  /* Spacing of the marks (section 7): p_a = p_b / (1 - count p_b), so that
   * the number of arrivals between marks is roughly uniform on 1..1/p_b. */
  double denom = 1.0 - (double)r->count * p_b;
  double p_a = denom <= 0 ? 1.0 : MIN(1.0, p_b / denom);
  r->last_pb = p_b;
  r->last_pa = p_a;
  if (ws_rng_uniform(&r->rng) < p_a) {
    r->count = 0;
    return 1;
  }
  return 0;
}

static bool red_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  red *r = (red *)q;
  update_avg(r, r->in_bytes ? (double)q->bytes : (double)q->packets, now);
  int verdict = decide(r, p->ip_bytes);
  if (verdict == 1 && r->ecn && p->ecn != WS_ECN_NOT_ECT) {
    /* RFC 3168 section 5: an ECN-capable packet is marked, not dropped (a CE
     * packet stays CE); it still needs room in the queue. */
    if (p->ecn != WS_ECN_CE) q->ecn_marks++;
    p->ecn = WS_ECN_CE;
    verdict = 0;
  }
  if (verdict != 0) {
    q->aqm_drops++;
    /* An arrival dropped at an empty queue leaves the link idle: the idle
     * period goes on from now (the decay up to now is applied), else the
     * average would stay frozen high until the next packet is accepted and
     * RED would drop every lone packet, e.g. each retransmission after a
     * timeout. If the transmitter is still sending, this counts at most one
     * transmission time of extra decay. */
    if (q->packets == 0) {
      r->idle = true;
      r->idle_since_ns = now;
    }
    return false;
  }
  if (r->in_bytes ? q->bytes + p->ip_bytes > r->limit : q->packets + 1 > r->limit) {
    r->count = 0; /* a drop all the same: the spacing restarts (as ns-2) */
    return false; /* overflow: the physical limit, not RED's choice */
  }
  ws_queue_fifo_push(q, p);
  return true;
}

static ws_packet *red_pop(ws_queue *q) { return ws_queue_fifo_pop(q); }

static ws_packet *red_dequeue(ws_queue *q, ws_time now) {
  red *r = (red *)q;
  ws_packet *p = ws_queue_fifo_pop(q);
  if (!p && !r->idle) { /* the transmitter goes idle: q_time of Fig. 2 */
    r->idle = true;
    r->idle_since_ns = now;
  }
  return p;
}

static void red_destroy(ws_queue *q) { g_free(q); }

static const ws_queue_ops red_ops = {
    .name = "red",
    .enqueue = red_enqueue,
    .dequeue = red_dequeue,
    .destroy = red_destroy,
    .pop = red_pop,
    .active = true,
};

ws_queue *ws_queue_red_new(const ws_queue_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  red *r = g_new0(red, 1);
  r->base.ops = &red_ops;
  r->in_bytes = cfg->limit_in_bytes;
  r->limit = cfg->limit;
  double unit = r->in_bytes ? RED_FULL_PACKET_BYTES : 1.0;
  r->min_th = cfg->red_min > 0 ? cfg->red_min
              : cfg->red_max > 0 ? cfg->red_max / 3.0 : RED_MIN_PACKETS * unit;
  r->max_th = cfg->red_max > 0 ? cfg->red_max : 3.0 * r->min_th;
  r->max_p = cfg->red_pmax > 0 ? cfg->red_pmax : RED_MAX_P;
  r->w_q = cfg->red_wq > 0 ? cfg->red_wq : RED_W_Q;
  r->gentle = !cfg->red_gentle_off;
  r->ecn = cfg->ecn;
  uint32_t s_bytes = cfg->red_mean_packet_bytes ? cfg->red_mean_packet_bytes : RED_MEAN_PACKET_BYTES;
  r->s_ns = cfg->rate_bps > 0 ? (double)s_bytes * 8e9 / (double)cfg->rate_bps : 0;
  r->max_packet_bytes = cfg->mtu_bytes ? cfg->mtu_bytes : (uint32_t)RED_FULL_PACKET_BYTES;
  r->count = -1;
  r->idle = true; /* empty since time 0: the first arrival decays nothing */
  r->idle_since_ns = 0;
  ws_rng_init(&r->rng, cfg->red_seed, cfg->red_run, cfg->red_entity ? cfg->red_entity : "red",
              cfg->red_purpose ? cfg->red_purpose : "red");
  if (!(r->min_th < r->max_th) || r->max_p > 1 || r->w_q > 1) {
    g_free(r);
    return NULL;
  }
  return &r->base;
}

double ws_queue_red_avg(const ws_queue *q) {
  g_return_val_if_fail(q != NULL && q->ops == &red_ops, 0);
  return ((const red *)q)->avg;
}

void ws_queue_red_last_p(const ws_queue *q, double *p_b, double *p_a) {
  g_return_if_fail(q != NULL && q->ops == &red_ops);
  const red *r = (const red *)q;
  if (p_b) *p_b = r->last_pb;
  if (p_a) *p_a = r->last_pa;
}
