/* wisim wired links: full-duplex point-to-point links. Each direction has
 * its own device queue, transmitter, random-loss stream and ws_link_stats.
 * A packet takes ceil(IP bytes x 8 x 1e9 / rate) ns to transmit, then
 * `delay` to propagate; loss is one Bernoulli draw per transmitted packet. */
#ifndef WISIM_LINK_H
#define WISIM_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/packet.h"
#include "wisim/queue.h"

/* A device that carries a link's packets itself (a cell's radio): it takes
 * ownership of p, sent from end dir to end 1 - dir, and later either hands
 * it over with ws_link_device_deliver or drops it with ws_net_drop_at. */
typedef void (*ws_link_device_fn)(void *ctx, ws_link *l, unsigned dir, ws_packet *p);

/* The keys of a [link] group, in internal units. */
typedef struct ws_link_config {
  int64_t rate_bps;      /* > 0 */
  ws_time delay_ns;      /* propagation delay, >= 0 */
  double loss;           /* probability that a transmitted packet is lost, [0, 1] */
  uint32_t mtu_bytes;    /* largest IP packet; larger ones are dropped (no
                            fragmentation); values above 65535 act as 65535 */
  ws_queue_config queue; /* discipline and limit of each direction's queue */
  /* NULL for a wire. Set: ws_link_send checks that the link is up and the
   * MTU, counts the packet in tx_packets/tx_bytes, reports ENQUEUE and
   * DEQUEUE and hands it to device; rate, delay, loss and queue are unused
   * (rate_bps stays > 0 for reports). */
  ws_link_device_fn device;
  void *device_ctx;
} ws_link_config;

/* Transmission time of ip_bytes at rate_bps in ns, rounded up so that a
 * packet never leaves before its last bit: ceil(ip_bytes * 8e9 / rate_bps).
 * ip_bytes <= WS_IPV4_MAX_BYTES, rate_bps > 0. */
ws_time ws_link_tx_ns(int64_t rate_bps, uint32_t ip_bytes);

/* A new link between a and b of net; use ws_net_add_link, which also makes
 * the interfaces. Returns NULL when the queue discipline is unknown. The
 * network owns the link and frees it with ws_link_free. */
ws_link *ws_link_new(ws_net *net, const char *name, ws_node *a, ws_node *b,
                     const ws_link_config *cfg, uint64_t seed, uint64_t run);
void ws_link_free(ws_link *l);

const char *ws_link_name(const ws_link *l);
/* The network the link belongs to (borrowed). */
ws_net *ws_link_get_net(const ws_link *l);
/* End 0 (a) or 1 (b). Direction d goes from end d to end 1 - d. */
ws_node *ws_link_end(const ws_link *l, unsigned end);
const ws_link_config *ws_link_get_config(const ws_link *l);

/* Device enqueue: hands p to direction dir for transmission at the current
 * time. Takes ownership of p. A packet larger than the MTU is dropped
 * (WS_DROP_MTU); one that finds the transmitter idle starts at once (it
 * never waits in the queue); otherwise the queue takes it or refuses it
 * (WS_DROP_QUEUE). */
void ws_link_send(ws_link *l, unsigned dir, ws_packet *p);

/* A device link's end of transmission: p (sent in direction dir) reaches
 * the far end: RECEIVE tap, then that node's IP input. Takes ownership. */
void ws_link_device_deliver(ws_link *l, unsigned dir, ws_packet *p);

/* The collector of direction dir (0: a->b, 1: b->a). Owned by the link. */
ws_link_stats *ws_link_get_stats(ws_link *l, unsigned dir);
/* The direction's queue (packets waiting, not the one in service). */
const ws_queue *ws_link_get_queue(const ws_link *l, unsigned dir);
/* Packets dropped for exceeding the MTU since the last reset (ws_link_stats
 * has no column for them yet). */
uint64_t ws_link_mtu_drops(const ws_link *l, unsigned dir);
/* Time spent transmitting since the last reset, up to now, counting the part
 * of a transmission in progress. */
ws_time ws_link_busy_ns(const ws_link *l, unsigned dir, ws_time now);
/* Restarts both directions' collectors at now (the end of warmup): counters
 * to zero, time averages from now with the current queue, busy time from now
 * (a transmission in progress counts from now). */
void ws_link_reset_stats(ws_link *l, ws_time now);
/* Closes the books at end: folds a transmission in progress into busy_ns
 * up to end and brings the time averages to end. */
void ws_link_finish(ws_link *l, ws_time end);

#endif
