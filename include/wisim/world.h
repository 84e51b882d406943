/* wisim world builder: turns a validated scenario into the entities of one
 * simulation (nodes, links, flows and their collectors), wires the tap
 * points to the metrics collectors, and schedules the starts. */
#ifndef WISIM_WORLD_H
#define WISIM_WORLD_H

#include <glib.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/scenario.h"
#include "wisim/traffic.h"

typedef struct ws_world ws_world;

/* Builds every entity of sc in sim for (seed, run index): random streams are
 * keyed by them. Schedules flow starts, the end of warmup (collectors reset)
 * and, when metrics_interval > 0, the time-series sampler. Returns NULL with
 * error (domain WS_SCENARIO_ERROR, "FILE:LINE: ..." messages) when the
 * scenario cannot be built (e.g. no route between a flow's ends). sc and sim
 * are borrowed and must outlive the world. Caller frees with ws_world_free. */
ws_world *ws_world_new(ws_sim *sim, const ws_scenario *sc, uint64_t seed, uint64_t run,
                       GError **error);
void ws_world_free(ws_world *w);

/* [simulation] duration and warmup. */
ws_time ws_world_duration(const ws_world *w);
ws_time ws_world_warmup(const ws_world *w);

/* Closes the books at time end (normally ws_sim_now after running to the
 * duration): sets the flows' active ends and in-flight counts. Call once,
 * before reading the collectors. */
void ws_world_finish(ws_world *w, ws_time end);

/* The collectors, in scenario order (flows by group then member; links by
 * group, then direction A->B before B->A). Owned by the world. */
ws_flow_stats *const *ws_world_flows(const ws_world *w, unsigned *n);
ws_link_stats *const *ws_world_links(const ws_world *w, unsigned *n);
/* The time series (empty when metrics_interval is 0). Owned by the world.
 * Rows at warmup + k x metrics_interval (k >= 1, up to the duration), each
 * covering the interval that ends there: per flow, entity "flow NAME",
 * metric throughput_bps (payload bits delivered in the interval / interval);
 * per link direction, entity "link NAME A->B", metrics queue_packets (time
 * average of packets in the system, counting the one in service) and
 * utilisation (busy fraction); per TCP flow also cwnd_bytes, ssthresh_bytes,
 * srtt_s and bytes_in_flight; per ping flow one rtt_s row per reply, at the
 * reply time (docs/traffic.md). */
const ws_series *ws_world_series(const ws_world *w);

/* Warnings found while building ("FILE:LINE: [flow X] packet_size: 23% of
 * the datagrams exceed the mtu ..."), NULL-terminated, owned by the world.
 * The command prints them like the loader's. */
const char *const *ws_world_warnings(const ws_world *w);

/* Cells and UEs (after ws_world_finish: their rows; NULL and *n = 0 when
 * the scenario has none). Owned by the world. */
const ws_cell_stats *ws_world_cells(const ws_world *w, unsigned *n);
const ws_ue_stats *ws_world_ues(const ws_world *w, unsigned *n);
/* Handovers, radio link failures and re-establishments after warmup, in
 * time order (handovers.csv); NULL and *n = 0 without cells. */
const ws_handover_row *ws_world_handovers(const ws_world *w, unsigned *n);
/* A tap point for those events as they happen (e.g. the ascii trace's
 * `h` lines); one observer, NULL removes it; ctx borrowed. */
typedef void (*ws_world_handover_fn)(void *ctx, const ws_handover_row *row);
void ws_world_set_handover_tap(ws_world *w, ws_world_handover_fn fn, void *ctx);
/* The coverage map (best server on a grid over the cells and UEs), or NULL
 * without cells. Owned by the world. */
const ws_coverage *ws_world_coverage(const ws_world *w);

/* The network (nodes, links, routes), for observers such as traces. Owned
 * by the world. */
ws_net *ws_world_net(const ws_world *w);
/* The flows' traffic objects, in the order of ws_world_flows. Owned by the
 * world. */
unsigned ws_world_n_traffic(const ws_world *w);
ws_traffic *ws_world_traffic(const ws_world *w, unsigned i);

#endif
