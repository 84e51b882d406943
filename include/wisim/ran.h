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
 * UEs lose their radio link (down) and, `reestablishment` later, re-attach
 * to the best cell that is on then, or stay out of service. On: the cell
 * serves again; UEs out of service try again `reestablishment` later. */
void ws_ran_set_cell_on(ws_ran *ran, uint32_t cell, bool on);

/* Outage bookkeeping of a UE: re-establishments done, times it found no
 * cell, and time without service (up to now), for ues.csv. */
typedef struct {
  uint64_t reestablishments;
  uint64_t failures;        /* attempts that found no cell */
  ws_time out_of_service_ns;
} ws_ran_ue_stats;
const ws_ran_ue_stats *ws_ran_ue_get_stats(const ws_ran *ran, uint32_t ue);
/* Restarts those counters at now (end of warmup). */
void ws_ran_reset_stats(ws_ran *ran);
/* Closes the books at end (out-of-service time up to end). */
void ws_ran_finish(ws_ran *ran, ws_time end);

#endif
