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
} ws_queue_ops;

/* The part every discipline shares; a discipline's state embeds it first.
 * packets/bytes are maintained by the discipline and read by anyone. */
struct ws_queue {
  const ws_queue_ops *ops;
  uint64_t packets;         /* packets waiting (not the one in service) */
  uint64_t bytes;           /* IP bytes waiting */
  ws_queue_drop_fn drop_fn; /* for dequeue-time drops; set by the owner */
  void *drop_ctx;
};

/* How to build a queue, from a link's `queue` and `queue_limit` keys. */
typedef struct {
  const char *discipline; /* "droptail" (NULL means droptail) */
  bool limit_in_bytes;    /* limit counts IP bytes, else packets */
  uint64_t limit;         /* most packets (or IP bytes) waiting, excluding the
                             one in service; 0 = nothing may wait */
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

/* Shorthands for the function table. */
static inline bool ws_queue_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  return q->ops->enqueue(q, p, now);
}
static inline ws_packet *ws_queue_dequeue(ws_queue *q, ws_time now) {
  return q->ops->dequeue(q, now);
}
static inline uint64_t ws_queue_packets(const ws_queue *q) { return q->packets; }
static inline uint64_t ws_queue_bytes(const ws_queue *q) { return q->bytes; }

#endif
