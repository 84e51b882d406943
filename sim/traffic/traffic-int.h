/* wisim traffic, shared inside sim/traffic only: the flow object and the
 * interface of the applications (bulk, ping, request-response) and of the
 * generators added in their own files (onoff, voip, trace), so that each
 * type is one file plus one line in traffic.c's registry. */
#ifndef WISIM_TRAFFIC_INT_H
#define WISIM_TRAFFIC_INT_H

#include <glib.h>

#include "wisim/traffic.h"

/* An application: a type that runs its own exchange instead of sending at
 * the times of a generator. Hooks may be NULL. */
typedef struct {
  /* Makes t->app (the application's state) and binds what it needs;
   * false on a programmer error (port taken, key missing). */
  bool (*init)(ws_traffic *t);
  void (*start)(ws_traffic *t);
  void (*stop)(ws_traffic *t);
  void (*free)(ws_traffic *t);
  /* TCP callbacks, with the endpoint that calls */
  void (*connected)(ws_traffic *t, ws_tcp *tcp);
  void (*received)(ws_traffic *t, ws_tcp *tcp, uint64_t bytes);
  void (*acked)(ws_traffic *t, ws_tcp *tcp, uint64_t bytes);
  /* UDP datagrams at the server (to) and at the client (from) */
  void (*udp_server)(ws_traffic *t, ws_packet *p);
  void (*udp_client)(ws_traffic *t, ws_packet *p);
  /* One of the flow's packets dropped in the network (borrowed). */
  void (*on_drop)(ws_traffic *t, const ws_packet *p);
} ws_traffic_app_ops;

/* One registered type: a generator or an application. */
typedef struct {
  const char *name;
  const ws_traffic_gen_ops *gen; /* timed generator, or NULL */
  const ws_traffic_app_ops *app; /* application, or NULL */
  bool udp_ok, tcp_ok;
} ws_traffic_type;

struct ws_traffic {
  ws_net *net;
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_traffic_config cfg;   /* name and type point into this struct's own copies */
  char *name;
  char *entity;            /* "flow NAME" */
  const ws_traffic_type *type;
  const ws_traffic_gen_ops *gen;
  void *state;             /* the generator's, owned */
  void *app;               /* the application's, owned by its ops */
  ws_rng arrivals;         /* (seed, run, "flow NAME", "arrivals") */
  ws_rng size_rng;         /* (seed, run, "flow NAME", "size") */
  uint64_t seed, run;
  uint32_t dst_addr, src_addr;
  uint64_t next_seq;
  ws_event_id pending;     /* the next send, 0 when none */
  ws_event_id connect_event; /* the client's connect at start, 0 when none */
  ws_flow_stats stats;
  uint64_t rx_bytes;       /* every payload byte delivered, counted or not */
  ws_series *series;       /* borrowed, may be NULL */
  bool udp_bound, udp_client_bound;
  /* TCP */
  ws_tcp *client, *server;
  uint64_t backlog_bytes;  /* client bytes its send buffer has not taken yet */
  uint64_t server_backlog_bytes; /* the same at the server (responses) */
  bool warm;               /* warmup passed: counters below are deltas from here */
  uint64_t first_counted_id;
  uint64_t warm_segments, warm_retx, warm_rto; /* both endpoints at warmup */
  uint64_t seg_received, seg_lost;             /* counted data segments */
};

/* Registered elsewhere in sim/traffic. */
extern const ws_traffic_gen_ops ws_traffic_onoff_ops;
extern const ws_traffic_gen_ops ws_traffic_voip_ops;
extern const ws_traffic_gen_ops ws_traffic_trace_ops;
extern const ws_traffic_app_ops ws_traffic_bulk_ops;
extern const ws_traffic_app_ops ws_traffic_ping_ops;
extern const ws_traffic_app_ops ws_traffic_reqresp_ops;

/* Helpers of traffic.c for the applications. */
/* True when now is at or after warmup (the flow's stats count it). */
bool ws_traffic_counting(const ws_traffic *t);
/* Hands bytes to an endpoint's TCP send buffer (what does not fit waits in
 * its backlog and is pushed as ACKs free space); counts sent_bytes. */
void ws_traffic_tcp_write(ws_traffic *t, ws_tcp *tcp, uint64_t bytes);
/* Schedules the client's active open at max(start, now) (before stop). */
void ws_traffic_connect_at_start(ws_traffic *t);
/* Sends a UDP datagram of payload bytes from `from` (to_server) or `to`. */
void ws_traffic_udp_send(ws_traffic *t, bool to_server, uint32_t payload, uint64_t seq);
/* Cbr interval as an exact rational number of ns (see cbr_new). */
typedef struct {
  int64_t q_ns, r, den, acc;
} ws_traffic_grid;
void ws_traffic_grid_init(ws_traffic_grid *g, const ws_traffic_params *p);
ws_time ws_traffic_grid_next(ws_traffic_grid *g, ws_time prev_ns);

#endif
