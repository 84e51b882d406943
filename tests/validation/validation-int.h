/* wisim validation experiments, shared inside tests/validation only: the
 * run functions the registry (registry.c) lists, and the helpers that run a
 * scenario text for n replications. */
#ifndef WISIM_VALIDATION_INT_H
#define WISIM_VALIDATION_INT_H

#include <glib.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/scenario.h"
#include "wisim/validate.h"
#include "wisim/world.h"

/* One finished run of a scenario text: its collectors and the world they
 * belong to. */
typedef struct {
  ws_scenario *sc;
  ws_sim *sim;
  ws_world *world;
  ws_flow_stats *const *flows;
  ws_link_stats *const *links;
  unsigned n_flows, n_links;
} ws_vrun;

/* Loads text (named filename in messages) and runs it to its duration at
 * (seed, run index). False with error when the scenario does not load or
 * build (then r holds nothing). Free a successful run with ws_vrun_free. */
bool ws_vrun_text(ws_vrun *r, const char *filename, const char *text, uint64_t seed,
                  uint64_t run, GError **error);
void ws_vrun_free(ws_vrun *r);
/* Goodput of a flow: payload bits delivered in order after warmup, over its
 * active time (SCENARIO-FORMAT.md), bit/s. */
double ws_vrun_goodput_bps(const ws_flow_stats *f);

/* mg1.c: Pollaczek-Khinchine */
void ws_vexp_md1_05(GPtrArray *out);
void ws_vexp_md1_08(GPtrArray *out);
void ws_vexp_mg1_exp_05(GPtrArray *out);
void ws_vexp_mg1_exp_08(GPtrArray *out);
/* tcp.c: Mathis, utilisation, fairness, CUBIC vs NewReno */
void ws_vexp_mathis_01(GPtrArray *out);
void ws_vexp_mathis_03(GPtrArray *out);
void ws_vexp_mathis_1(GPtrArray *out);
void ws_vexp_tcp_utilisation(GPtrArray *out);
void ws_vexp_tcp_fairness(GPtrArray *out);
void ws_vexp_cubic_vs_newreno(GPtrArray *out);
/* queues.c: RED and CoDel */
void ws_vexp_red_steady_state(GPtrArray *out);
void ws_vexp_red_overload(GPtrArray *out);
void ws_vexp_codel_standing_delay(GPtrArray *out);
void ws_vexp_codel_unresponsive(GPtrArray *out);
/* voip.c: the E-model end to end */
void ws_vexp_voip_emodel(GPtrArray *out);
/* radio.c: path loss, noise, TBS, the cell engine (issue 4) */
void ws_vexp_pathloss_formulas(GPtrArray *out);
void ws_vexp_pathloss_los_probability(GPtrArray *out);
void ws_vexp_noise_floor(GPtrArray *out);
void ws_vexp_tbs_table(GPtrArray *out);
void ws_vexp_cell_single_ue(GPtrArray *out);
void ws_vexp_cell_rr_equal_shares(GPtrArray *out);
void ws_vexp_cell_pf_vs_rr(GPtrArray *out);
void ws_vexp_cell_sectors(GPtrArray *out);
/* mobility.c: the random waypoint's stationary regime (issue 5) */
void ws_vexp_mobility_rwp_stationary(GPtrArray *out);
/* handover.c: A3 timing in closed form, ping-pongs against hysteresis (issue 5) */
void ws_vexp_handover_a3_timing(GPtrArray *out);
void ws_vexp_handover_pingpong_hysteresis(GPtrArray *out);

#endif
