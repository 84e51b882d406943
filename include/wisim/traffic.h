/* wisim traffic: one flow = an application at the sending node and its peer
 * at the receiving node, over UDP, TCP or ICMP. Timed generators (cbr,
 * poisson, onoff, voip, trace) say when to send how much; applications
 * (bulk, ping, request-response) run their own exchange. Both kinds are
 * registered by name in traffic.c; docs/traffic.md documents every type. */
#ifndef WISIM_TRAFFIC_H
#define WISIM_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/packet.h"
#include "wisim/rng.h"
#include "wisim/tcp.h"
#include "wisim/units.h"

/* What a generator is asked to produce (the keys of a [flow] group). */
typedef struct {
  bool rate_in_packets; /* rate given in pkt/s, else in bit/s of payload */
  double rate;          /* payload bit/s, or packets/s; > 0 */
  int64_t rate_bps;     /* the bit/s rate exactly (units.h .exact); 0 for pkt/s */
  ws_dist size;         /* payload bytes per packet (fixed or random) */
  /* onoff: on and off periods (seconds), drawn anew per period */
  ws_dist on_time, off_time;
  /* bulk: application bytes to send, 0 = unlimited */
  uint64_t bulk_bytes;
  /* request-response: bytes per request and response, pause between them */
  ws_dist request_size, response_size, think_time;
  /* ping: time between echo requests */
  ws_time interval_ns;
  /* trace: the rows to replay (borrowed; must outlive the flow) */
  const struct ws_traffic_trace *trace;
} ws_traffic_params;

/* A parsed trace file: rows (time since the flow's start, payload bytes). */
typedef struct ws_traffic_trace ws_traffic_trace;
/* Parses CSV text "time_s,bytes" (one row per packet; an optional header
 * line "time_s,bytes", blank lines and lines starting with # are skipped):
 * times non-negative decimal seconds, non-decreasing; bytes a whole number
 * 0..65507. name is used in messages "NAME:LINE: ...". NULL with error
 * (WS_SCENARIO_ERROR_INVALID) on the first bad row or an empty trace. */
ws_traffic_trace *ws_traffic_trace_parse(const char *name, const char *data, size_t len,
                                         GError **error);
/* Reads and parses the file at path (error names the file as given). */
ws_traffic_trace *ws_traffic_trace_load(const char *path, GError **error);
void ws_traffic_trace_free(ws_traffic_trace *tr);
unsigned ws_traffic_trace_n_rows(const ws_traffic_trace *tr);
/* Row i: time since the flow's start (ns) and payload bytes. */
void ws_traffic_trace_row(const ws_traffic_trace *tr, unsigned i, ws_time *t_ns, uint32_t *bytes);
/* The largest payload of the trace. */
uint32_t ws_traffic_trace_max_bytes(const ws_traffic_trace *tr);

/* ITU-T G.107 E-model (06/2015) for a G.711 call, as docs/traffic.md says:
 * R = 93.2 (Ro - Is with the default values) - Idd(Ta) - Ie,eff, with Idd
 * of G.107 eq. 7-28 from the one-way delay Ta, and Ie,eff of eq. 7-29 with
 * G.711's Ie = 0, Bpl = 4.3 (G.113 Appendix I, no packet-loss concealment).
 * loss_ratio in [0, 1]; burst_r 1 for random loss. */
double ws_emodel_idd(double ta_s);
double ws_emodel_ie_eff(double ie, double bpl, double loss_ratio, double burst_r);
double ws_emodel_r(double ta_s, double loss_ratio, double burst_r);
/* G.107 eq. B-4: MOS (1 .. 4.5) from R. */
double ws_emodel_mos(double r);
/* The voip generator's constants: G.711 at 64 kbit/s in 20 ms packets of
 * 160 B of speech + 12 B of RTP header (RFC 3550), 50 packets/s. */
#define WS_VOIP_PAYLOAD_BYTES 172u
#define WS_VOIP_INTERVAL_NS 20000000
/* The UDP request-response client gives up on an exchange after this long
 * without its whole response (a lost request or response). */
#define WS_REQRESP_UDP_TIMEOUT_NS 1000000000

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

/* The generator registered under name, or NULL (also NULL for the types
 * that are applications rather than timed generators: bulk, ping,
 * request-response). */
const ws_traffic_gen_ops *ws_traffic_find_gen(const char *name);
/* Names of the traffic types of this build, NULL-terminated, static. */
const char *const *ws_traffic_types(void);
/* True when type is registered; *udp_ok / *tcp_ok (may be NULL) say which
 * transports it runs over (ping: neither, it is ICMP). */
bool ws_traffic_type_info(const char *type, bool *udp_ok, bool *tcp_ok);

typedef enum {
  WS_TRAFFIC_UDP,
  WS_TRAFFIC_TCP,
} ws_traffic_transport;

/* One flow from node `from` to node `to`. */
typedef struct {
  const char *name;     /* "video" or "video/3": stream entity "flow NAME" */
  const char *type;     /* type name: "cbr", "poisson", "bulk", ... */
  ws_traffic_transport transport; /* ping ignores it (ICMP) */
  ws_tcp_config tcp;    /* both endpoints' options when transport is TCP
                           (tcp.flow is set to index by the flow) */
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

/* Makes the flow in net: binds its sink (UDP), its two TCP endpoints (the
 * server listening at cfg->to, cfg->dst_port; the client at cfg->from,
 * cfg->src_port) or its ICMP identifier (ping: cfg->src_port at from), and
 * opens the streams (seed, run, "flow NAME", "arrivals" / "size" / ...,
 * docs/traffic.md). Does not schedule anything until ws_traffic_start.
 * Returns NULL (programmer error) when the type is unknown, the transport
 * not one of the type's, a key the type needs is missing or the port is
 * taken. Free with ws_traffic_free (before the network). */
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
/* A full-buffer flow's application payload delivered by the cell engine
 * (which owns its data: no packets exist): counts as sent and received. */
void ws_traffic_radio_delivered(ws_traffic *t, uint64_t bytes);
/* Mean time between packets in ns (1e9 / packet rate). */
double ws_traffic_mean_interval_ns(const ws_traffic *t);
/* Tells the flow that one of its packets was dropped in the network:
 * a counted packet leaves the in-flight count. p is borrowed. */
void ws_traffic_on_drop(ws_traffic *t, const ws_packet *p);
/* The same drop was one "around a handover" (reason detach: its UE was
 * changing cells or out of service): counted in handover_lost when the
 * packet counts in the flow's statistics. p is borrowed. */
void ws_traffic_on_handover_loss(ws_traffic *t, const ws_packet *p);

/* ---- TCP flows, time series and the end of the run --------------------- */

/* True when the flow runs over TCP. */
bool ws_traffic_is_tcp(const ws_traffic *t);
/* The flow's TCP endpoints (NULL for other flows): the client at `from`
 * (the data sender of bulk and of the generators) and the server at `to`. */
ws_tcp *ws_traffic_tcp_client(const ws_traffic *t);
ws_tcp *ws_traffic_tcp_server(const ws_traffic *t);
/* End of warmup: TCP counters restart (segments, retransmissions, RTOs);
 * packets with an id >= first_counted_id (made from now on) count. */
void ws_traffic_warmup(ws_traffic *t, uint64_t first_counted_id);
/* A TCP segment of this flow arrived at its destination node (the world's
 * RECEIVE tap): counts data segments. p is borrowed. */
void ws_traffic_on_arrival(ws_traffic *t, const ws_packet *p);
/* Rows to add to series in the metric's own time series (ping adds one row
 * per reply: entity "flow NAME", metric rtt_s). NULL: none. Borrowed. */
void ws_traffic_set_series(ws_traffic *t, ws_series *series);
/* The per-interval TCP rows at now (cwnd_bytes, ssthresh_bytes, srtt_s,
 * bytes_in_flight of the client endpoint) for entity; nothing for other
 * flows. */
void ws_traffic_sample(ws_traffic *t, ws_series *series, ws_time now, const char *entity);
/* Closes the books at end: TCP segment counts and in-flight, voip MOS.
 * Call once, before reading the stats. */
void ws_traffic_finish(ws_traffic *t, ws_time end);

#endif
