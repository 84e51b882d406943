/* wisim uplink power control of a cell (sim/cell/powerctl.c): open-loop
 * fractional power control (TS 38.213 7.1.1, simplified as issue 4 says).
 * Model: docs/cells.md. */
#ifndef WISIM_POWERCTL_H
#define WISIM_POWERCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/core.h"

/* ---- uplink power control ------------------------------------------------ */

/* Open-loop power control parameters of a cell and one UE's maximum. */
typedef struct {
  double p0_dbm;   /* P0: target received power per RB (`pc_p0`, -90 dBm) */
  double alpha;    /* path loss compensation factor in [0, 1] (`pc_alpha`, 0.8) */
  double pmax_dbm; /* the UE's maximum output power (its `tx_power`, 23 dBm) */
} ws_powerctl_config;

/* PUSCH transmit power in dBm over n_rb >= 1 resource blocks at path loss
 * pathloss_db (the downlink estimate, antenna gains included as the UE
 * measures them): min(Pmax, P0 + 10 log10(M) + alpha * PL), TS 38.213
 * 7.1.1 without the closed-loop term f, the transport-format term Delta_TF
 * and the 2^mu scaling of M (issue 4's simplification). */
double ws_powerctl_pusch_dbm(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db);
/* The same per resource block: the total spread evenly over the n_rb RBs
 * (P - 10 log10(M)); equals P0 + alpha * PL until Pmax binds. */
double ws_powerctl_per_rb_dbm(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db);
/* True when Pmax binds for n_rb RBs at this path loss (power-limited UE). */
bool ws_powerctl_limited(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db);
/* The most RBs a UE can be given at this path loss without Pmax binding:
 * floor(10^((Pmax - P0 - alpha PL) / 10)), clamped to [0, max_rb]. A
 * scheduler may use it to keep a cell-edge UE's power per RB at its target. */
unsigned ws_powerctl_max_unlimited_rbs(const ws_powerctl_config *cfg, double pathloss_db,
                                       unsigned max_rb);

#endif
