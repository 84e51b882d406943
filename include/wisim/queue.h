/* wisim queue disciplines: the device queue in front of a transmitter, as a
 * small interface (enqueue, dequeue, length in packets and bytes) so that a
 * new discipline (RED, CoDel) is one function table plus one registry line.
 * The packet being transmitted is NOT in the queue (as ns-3's PointToPoint). */
#ifndef WISIM_QUEUE_H
#define WISIM_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/packet.h"

typedef struct ws_queue ws_queue;

/* Called by a discipline that drops a packet it had accepted (at dequeue,
 * e.g. CoDel); takes ownership of p. ctx is ws_queue.drop_ctx. */
typedef void (*ws_queue_drop_fn)(void *ctx, ws_packet *p);

/* What a discipline implements. */
typedef struct {
  const char *name; /* as written in a scenario: "droptail" */
  /* Offers p at time now. Returns true when p was accepted (the queue owns
   * it), false when refused (the caller still owns p and counts the drop). */
  bool (*enqueue)(ws_queue *q, ws_packet *p, ws_time now);
  /* The next packet to transmit at time now, or NULL when empty; the caller
   * owns it. Packets dropped on the way go to q->drop_fn. */
  ws_packet *(*dequeue)(ws_queue *q, ws_time now);
  /* Frees the discipline's own state (not the queued packets: see
   * ws_queue_free). */
  void (*destroy)(ws_queue *q);
  /* Removes the head packet with no AQM decision and no state change, or
   * NULL when empty (link down, freeing). */
  ws_packet *(*pop)(ws_queue *q);
  /* True for an active queue: every arrival goes through enqueue and
   * dequeue, even one that finds the transmitter idle, so that RED's
   * average and CoDel's state see every packet. A passive queue (drop-tail)
   * is bypassed by a packet that finds the transmitter idle. */
  bool active;
} ws_queue_ops;

/* The part every discipline shares; a discipline's state embeds it first.
 * packets/bytes are maintained by the discipline and read by anyone. */
struct ws_queue {
  const ws_queue_ops *ops;
  uint64_t packets;         /* packets waiting (not the one in service) */
  uint64_t bytes;           /* IP bytes waiting */
  ws_queue_drop_fn drop_fn; /* for dequeue-time drops; set by the owner */
  void *drop_ctx;
  uint64_t aqm_drops;       /* packets the AQM chose to drop (early, or at
                               dequeue), since the queue was made; overflow
                               refusals are not counted here */
  uint64_t ecn_marks;       /* packets the AQM marked CE instead of dropping */
  ws_packet *head, *tail;   /* the FIFO of waiting packets (ws_queue_fifo_*) */
};

/* How to build a queue, from a link's `queue` and `queue_limit` keys. */
typedef struct {
  const char *discipline; /* "droptail" (NULL means droptail) */
  bool limit_in_bytes;    /* limit counts IP bytes, else packets */
  uint64_t limit;         /* most packets (or IP bytes) waiting, excluding the
                             one in service; 0 = nothing may wait */
  bool ecn;               /* AQM marks ECN-capable packets CE instead of
                             dropping them (RFC 3168 section 5) */
  /* RED (Floyd & Jacobson 1993): thresholds in the unit of limit (packets
   * or IP bytes); 0 = the default. */
  double red_min;         /* min_th [5 packets, or 5 x 1500 B] */
  double red_max;         /* max_th [3 x min_th] */
  double red_pmax;        /* max_p, (0, 1] [0.1] */
  double red_wq;          /* EWMA weight w_q, (0, 1] [0.002] */
  bool red_gentle_off;    /* original RED: drop all above max_th (gentle mode,
                             Floyd 2000, is on unless this is set) */
  uint32_t red_mean_packet_bytes; /* s of the idle correction = this many bytes
                             at the link rate [500, as ns-2] */
  uint64_t red_seed, red_run; /* the random stream (seed, run, red_entity, red_purpose) */
  const char *red_entity; /* e.g. "link uplink"; borrowed during ws_queue_new */
  const char *red_purpose;/* e.g. "red A->B" */
  /* CoDel (RFC 8289); 0 = the default. */
  ws_time codel_target_ns;   /* [5 ms] */
  ws_time codel_interval_ns; /* [100 ms] */
  /* Set by the link: its rate and MTU (RED's idle correction and byte mode,
   * CoDel's "less than one MTU queued"); 0 = unknown. */
  int64_t rate_bps;
  uint32_t mtu_bytes;
} ws_queue_config;

/* A new queue, or NULL when cfg->discipline names no discipline of this
 * build. Caller frees with ws_queue_free. */
ws_queue *ws_queue_new(const ws_queue_config *cfg);
/* Frees q; packets still queued go back to pool (which may be NULL when the
 * queue is known to be empty). */
void ws_queue_free(ws_queue *q, ws_packet_pool *pool);
/* True when name is a discipline of this build. */
bool ws_queue_known(const char *name);
/* Names of the disciplines of this build, NULL-terminated, static. */
const char *const *ws_queue_disciplines(void);

/* Constructors of the disciplines in their own files (registered in
 * queue.c; use ws_queue_new). NULL when a parameter is impossible. */
ws_queue *ws_queue_red_new(const ws_queue_config *cfg);
ws_queue *ws_queue_codel_new(const ws_queue_config *cfg);
/* RED's state for tests and time series: the average queue (in the unit of
 * the limit) and the probabilities p_b and p_a of the last arrival. */
double ws_queue_red_avg(const ws_queue *q);
void ws_queue_red_last_p(const ws_queue *q, double *p_b, double *p_a);
/* CoDel's state: whether it is in its dropping state and its count. */
bool ws_queue_codel_dropping(const ws_queue *q, uint32_t *count);

/* The FIFO every discipline keeps its packets in (head, tail, packets,
 * bytes of the shared part). */
static inline void ws_queue_fifo_push(ws_queue *q, ws_packet *p) {
  p->next = NULL;
  if (q->tail) q->tail->next = p;
  else q->head = p;
  q->tail = p;
  q->packets++;
  q->bytes += p->ip_bytes;
}
static inline ws_packet *ws_queue_fifo_pop(ws_queue *q) {
  ws_packet *p = q->head;
  if (!p) return NULL;
  q->head = p->next;
  if (!q->head) q->tail = NULL;
  p->next = NULL;
  q->packets--;
  q->bytes -= p->ip_bytes;
  return p;
}

/* Shorthands for the function table. */
static inline bool ws_queue_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  return q->ops->enqueue(q, p, now);
}
static inline ws_packet *ws_queue_dequeue(ws_queue *q, ws_time now) {
  return q->ops->dequeue(q, now);
}
/* Removes the head packet without any AQM decision (see ws_queue_ops.pop). */
static inline ws_packet *ws_queue_pop(ws_queue *q) { return q->ops->pop(q); }
static inline uint64_t ws_queue_packets(const ws_queue *q) { return q->packets; }
static inline uint64_t ws_queue_bytes(const ws_queue *q) { return q->bytes; }

#endif
