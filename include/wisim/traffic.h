/* wisim traffic: one UDP flow = a generator at the sending node (when to send
 * the next packet, how big) and a sink at the receiving node that records
 * delay, jitter and counts in the flow's ws_flow_stats. Generators are a
 * small interface (cbr, poisson today) registered by name in traffic.c. */
#ifndef WISIM_TRAFFIC_H
#define WISIM_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/packet.h"
#include "wisim/rng.h"
#include "wisim/units.h"

/* What a generator is asked to produce (the keys of a [flow] group). */
typedef struct {
  bool rate_in_packets; /* rate given in pkt/s, else in bit/s of payload */
  double rate;          /* payload bit/s, or packets/s; > 0 */
  int64_t rate_bps;     /* the bit/s rate exactly (units.h .exact); 0 for pkt/s */
  ws_dist size;         /* payload bytes per packet (fixed or random) */
} ws_traffic_params;

/* A generator: a function table over a private state. A new generator is one
 * table plus one line in traffic.c's registry. Every draw comes from the
 * streams given (the flow's own), never from anywhere else. */
typedef struct {
  const char *name; /* as written in a scenario: "cbr" */
  /* Makes the state for params (validated by the caller). */
  void *(*new_state)(const ws_traffic_params *params);
  void (*free_state)(void *state);
  /* Send time of the first packet of a flow that starts at start_ns. */
  ws_time (*first)(void *state, ws_time start_ns, ws_rng *arrivals);
  /* Send time of the packet after one sent at prev_ns (>= prev_ns). */
  ws_time (*next)(void *state, ws_time prev_ns, ws_rng *arrivals);
  /* Payload of the next packet, or NULL to draw it from params.size. */
  uint32_t (*size)(void *state, ws_rng *size_rng);
} ws_traffic_gen_ops;

/* The generator registered under name, or NULL. */
const ws_traffic_gen_ops *ws_traffic_find_gen(const char *name);
/* Names of the generators of this build, NULL-terminated, static. */
const char *const *ws_traffic_types(void);

/* One UDP flow from node `from` to node `to`. */
typedef struct {
  const char *name;     /* "video" or "video/3": stream entity "flow NAME" */
  const char *type;     /* generator name: "cbr", "poisson" */
  uint32_t index;       /* written in each packet's flow field */
  ws_node *from, *to;   /* borrowed */
  uint16_t src_port;    /* UDP source port at from */
  uint16_t dst_port;    /* UDP port bound at to (must be free) */
  ws_traffic_params params;
  ws_time start_ns;     /* first packet at or after start */
  ws_time stop_ns;      /* no packet sent at or after stop */
  ws_time warmup_ns;    /* packets sent at or after warmup count in the stats */
} ws_traffic_config;

typedef struct ws_traffic ws_traffic;

/* Makes the flow in net: binds its sink to cfg->dst_port at cfg->to and
 * opens the streams (seed, run, "flow NAME", "arrivals" / "size"). Does not
 * schedule anything until ws_traffic_start. Returns NULL (programmer error)
 * when the type is unknown or the port is taken. Free with ws_traffic_free
 * (before the network). */
ws_traffic *ws_traffic_new(ws_net *net, const ws_traffic_config *cfg, uint64_t seed,
                           uint64_t run);
void ws_traffic_free(ws_traffic *t);

/* Schedules the first packet (at cfg->start_ns or later). */
void ws_traffic_start(ws_traffic *t);
/* Cancels the next packet: the flow sends nothing more. */
void ws_traffic_stop(ws_traffic *t);

/* The flow's collector (after-warmup counts, delay, jitter). Owned by the
 * flow. active_start/active_end are left to the caller. */
ws_flow_stats *ws_traffic_get_stats(ws_traffic *t);
const ws_traffic_config *ws_traffic_get_config(const ws_traffic *t);
/* Payload bytes delivered to the sink since the flow was made, whenever
 * they were sent (for time series of throughput). */
uint64_t ws_traffic_rx_bytes(const ws_traffic *t);
/* Mean time between packets in ns (1e9 / packet rate). */
double ws_traffic_mean_interval_ns(const ws_traffic *t);
/* Tells the flow that one of its packets was dropped in the network:
 * a counted packet leaves the in-flight count. p is borrowed. */
void ws_traffic_on_drop(ws_traffic *t, const ws_packet *p);

#endif
