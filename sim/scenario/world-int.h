/* wisim world builder, inside view: the problem reporting shared by
 * world.c (wired network, flows, events) and world-radio.c (cells, UEs and
 * the radio: [radio], [cell], [layout], [ue], full-buffer flows, cell
 * events, the cells' and UEs' rows). Used by sim/scenario only. */
#ifndef WISIM_WORLD_INT_H
#define WISIM_WORLD_INT_H

#include <glib.h>

#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/scenario.h"
#include "wisim/traffic.h"
#include "wisim/world.h"

/* Appends "FILE:LINE: [group] key: message" to errors (key NULL: the
 * group's header line), in the loader's format. */
G_GNUC_PRINTF(5, 6)
void ws_world_error(GString *errors, const ws_scenario *sc, const ws_group *g, const char *key,
                    const char *fmt, ...);
/* Adds "FILE:LINE: warning: [group] key: message" to warnings (char *,
 * owned) unless the same text is there already. */
G_GNUC_PRINTF(5, 6)
void ws_world_warn(GPtrArray *warnings, const ws_scenario *sc, const ws_group *g, const char *key,
                   const char *fmt, ...);

/* A file a scenario names (a trace), relative to the scenario's folder
 * unless absolute. Caller frees with g_free. */
char *ws_world_resolve_path(const ws_scenario *sc, const char *file);

/* ---- the radio part (world-radio.c) ------------------------------------- */

typedef struct ws_world_radio ws_world_radio;

/* Builds the cells ([cell], [layout]), their routers and backhaul links,
 * the UEs ([ue]) with their radio links, the medium and the cell engine,
 * in net after its hosts and routers and [link]s, before its routes.
 * Returns NULL when the scenario has neither cells nor UEs (errors may
 * have been added all the same). The flows are scanned here already, to
 * know whether the uplink is needed. */
ws_world_radio *ws_world_radio_new(ws_sim *sim, const ws_scenario *sc, ws_net *net, uint64_t seed,
                                   uint64_t run, GString *errors, GPtrArray *warnings);
void ws_world_radio_free(ws_world_radio *r);

/* True when n is a UE. */
bool ws_world_radio_is_ue(const ws_world_radio *r, const ws_node *n);
/* A full-buffer flow (traffic t of group g, from src to dst): puts the
 * UE's direction in full-buffer mode. False after adding an error (no UE
 * at either end, or a UE at both). r may be NULL (then: an error). */
bool ws_world_radio_full_buffer(ws_world_radio *r, const ws_scenario *sc, const ws_group *g,
                                ws_node *src, ws_node *dst, ws_traffic *t, GString *errors);
/* An [event] cell-off or cell-on: schedules it for every cell target
 * names. False after adding an error (not a cell). r may be NULL. */
bool ws_world_radio_event(ws_world_radio *r, const ws_scenario *sc, const ws_group *g, bool on,
                          ws_time at, const char *target, GString *errors);

/* Starts the slots at time 0 (after the routes are built). */
void ws_world_radio_start(ws_world_radio *r);
/* End of warmup: the radio's counters restart. */
void ws_world_radio_warmup(ws_world_radio *r);
/* The radio's time-series rows at now for the interval that ends there
 * (per UE: sinr_db, throughput_dl_bps, throughput_ul_bps; per cell: ues,
 * rb_utilisation_dl, throughput_dl_bps), and the full-buffer flows' bytes. */
void ws_world_radio_sample(ws_world_radio *r, ws_series *series, ws_time now, ws_time interval_ns);
/* Closes the books at end: credits full-buffer flows, fills the rows and
 * the coverage map. */
void ws_world_radio_finish(ws_world_radio *r, ws_time end);

const ws_cell_stats *ws_world_radio_cells(const ws_world_radio *r, unsigned *n);
const ws_ue_stats *ws_world_radio_ues(const ws_world_radio *r, unsigned *n);
const ws_coverage *ws_world_radio_coverage(const ws_world_radio *r);
const ws_handover_row *ws_world_radio_handovers(const ws_world_radio *r, unsigned *n);
void ws_world_radio_set_handover_tap(ws_world_radio *r, ws_world_handover_fn fn, void *ctx);
/* The backhaul link of cell i, NULL past the last cell (or without cells). */
ws_link *ws_world_radio_backhaul(const ws_world_radio *r, unsigned i);

#endif
