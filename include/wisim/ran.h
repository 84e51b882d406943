/* wisim radio access network: the cells of ws_cellnet seen from IP. Each
 * cell is a router with a wired backhaul to its uplink router; each UE is a
 * host whose one interface is a radio link to its serving cell, carried by
 * the cell engine instead of a wire. Outages (cell-off, cell-on) detach and
 * re-attach UEs, moving their radio link to the new cell. docs/cells.md,
 * "Cells in a network". */
#ifndef WISIM_RAN_H
#define WISIM_RAN_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/cell.h"
#include "wisim/core.h"
#include "wisim/handover.h"
#include "wisim/link.h"
#include "wisim/medium.h"
#include "wisim/net.h"

/* The largest IP packet a radio link carries: the maximum PDCP SDU of
 * TS 36.323 section 4.3.1 (8188 bytes). */
#define WS_RAN_MTU_BYTES 8188u

typedef struct ws_ran ws_ran;

/* A new RAN over medium m (built, borrowed) in net (before its routes are
 * built): makes the cell engine from cfg (its deliver/ul_deliver/ctx/pool
 * fields are the RAN's own: leave them unset). Every UE starts attached to
 * its strongest cell; change with ws_cellnet_attach on ws_ran_cellnet
 * before ws_ran_add_ue. NULL on a bad cfg. */
ws_ran *ws_ran_new(ws_net *net, ws_medium *m, const ws_cellnet_config *cfg);
/* Frees the RAN and its engine (not the nodes and links: the net owns them). */
void ws_ran_free(ws_ran *ran);
ws_cellnet *ws_ran_cellnet(const ws_ran *ran);

/* Makes cell `cell`'s router (named after the cell) and its backhaul link
 * "backhaul/NAME" to uplink (cell router = end 0). NULL when the name is
 * taken or the address plan is full. Every cell, before any UE. */
ws_node *ws_ran_add_cell(ws_ran *ran, uint32_t cell, const char *name, ws_node *uplink,
                         const ws_link_config *backhaul, uint64_t seed, uint64_t run);
/* Makes UE `ue`'s host node and its radio link "radio/NAME" to its serving
 * cell (cell router = end 0, so direction 0 is the downlink). In UE index
 * order, after every cell. NULL when the name is taken. */
ws_node *ws_ran_add_ue(ws_ran *ran, uint32_t ue, const char *name);

ws_node *ws_ran_cell_node(const ws_ran *ran, uint32_t cell);
ws_node *ws_ran_ue_node(const ws_ran *ran, uint32_t ue);
ws_link *ws_ran_backhaul(const ws_ran *ran, uint32_t cell);
/* The UE of a host node, or -1 when n is not a UE. */
int32_t ws_ran_ue_of_node(const ws_ran *ran, const ws_node *n);

/* Re-establishment delay after an outage [100 ms: [handover] reestablishment]. */
void ws_ran_set_reestablishment(ws_ran *ran, ws_time delay_ns);
/* Starts the slots at at_ns (after ws_net_build_routes). */
void ws_ran_start(ws_ran *ran, ws_time at_ns);

/* [event] cell-off / cell-on at the current time. Off: the cell stops, its
 * UEs lose service (what reaches their radio link is dropped as
 * WS_DROP_DETACH) and, `reestablishment` later, re-attach
 * to the best cell that is on then, or stay out of service. On: the cell
 * serves again; UEs out of service try again `reestablishment` later. */
void ws_ran_set_cell_on(ws_ran *ran, uint32_t cell, bool on);

/* ---- mobility management (issue 5) --------------------------------------- */

/* Turns on measurements, handover and radio link failure with cfg ([handover]
 * keys; copied): one ws_handover per UE. Before ws_ran_start. Without it,
 * UEs stay on their first cell and never fail (outages still apply). */
void ws_ran_enable_handover(ws_ran *ran, const ws_handover_config *cfg);

/* One measurement round at the current time (the caller calls it every
 * measurement_interval, after moving the UEs in the medium): for every UE
 * in service and not in a handover, the RSRP and RSRQ of every cell that is
 * on (large-scale: no fast fading, as L3 measurements average it out), the
 * serving cell's wideband SINR with the cells that are on interfering, and
 * what ws_handover_measure decides: a handover (executed: the UE receives
 * nothing for `interruption`, its radio link moves to the target at once,
 * buffered and arriving data follows it when `forwarding`, else is dropped
 * as WS_DROP_DETACH; HARQ is not carried over) or a radio link failure
 * (the UE loses service and re-establishes on the best cell that is on
 * after `reestablishment`, as after an outage). */
void ws_ran_measure(ws_ran *ran);

/* What happened to a UE, for handovers.csv and the ascii trace. A cell-off
 * is a radio link failure for its UEs (from = the cell, to = -1). */
typedef enum {
  WS_RAN_HANDOVER,        /* from -> to (the handover's start) */
  WS_RAN_RLF,             /* from -> -1 */
  WS_RAN_REESTABLISHMENT, /* -1 -> to */
} ws_ran_event_kind;

typedef struct {
  ws_time time_ns;
  ws_ran_event_kind kind;
  uint32_t ue;
  int32_t from, to;           /* cell indices, -1 none */
  double x_m, y_m;            /* the UE's position in the medium */
  double serving_rsrp_dbm;    /* filtered RSRP of `from` (handover), else the
                                 measured one; NAN when none */
  double target_rsrp_dbm;     /* the same for `to` */
} ws_ran_event;

typedef void (*ws_ran_event_fn)(void *ctx, const ws_ran_event *ev);
/* Sets the observer of handovers, failures and re-establishments (one;
 * NULL removes it). ctx is borrowed. */
void ws_ran_set_event_fn(ws_ran *ran, ws_ran_event_fn fn, void *ctx);
/* The short name of a kind: "handover", "rlf", "reestablishment". */
const char *ws_ran_event_kind_name(ws_ran_event_kind kind);

/* The UE's cell: its serving cell, the target during a handover's
 * interruption, -1 while out of service. */
int32_t ws_ran_ue_cell(const ws_ran *ran, uint32_t ue);

/* A UE's mobility and outage bookkeeping since the last reset (ues.csv). */
typedef struct {
  uint64_t handovers;       /* handovers started */
  uint64_t pingpongs;       /* of which back to the previous cell within
                               pingpong_window (ws_handover_pingpong) */
  uint64_t rlfs;            /* radio link failures (a cell-off included) */
  uint64_t reestablishments;
  uint64_t failures;        /* re-establishment attempts that found no cell */
  ws_time interruption_ns;  /* handover interruptions */
  ws_time out_of_service_ns; /* from a failure to the re-establishment */
} ws_ran_ue_stats;
const ws_ran_ue_stats *ws_ran_ue_get_stats(const ws_ran *ran, uint32_t ue);
/* Restarts those counters at now (end of warmup). */
void ws_ran_reset_stats(ws_ran *ran);
/* Closes the books at end (out-of-service time up to end). */
void ws_ran_finish(ws_ran *ran, ws_time end);

#endif
