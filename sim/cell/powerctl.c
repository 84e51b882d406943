/* wisim uplink open-loop fractional power control (TS 38.213 section
 * 7.1.1, simplified: no closed loop, no Delta_TF, M in RBs of the carrier's
 * own numerology). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/powerctl.h"

/* ---- uplink power control ------------------------------------------------ */

/* The unsaturated power P0 + 10 log10(M) + alpha * PL (TS 38.213 7.1.1,
 * eq. for P_PUSCH with f = 0, Delta_TF = 0, 2^mu omitted). */
static double open_loop_dbm(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db) {
  return cfg->p0_dbm + 10.0 * log10((double)n_rb) + cfg->alpha * pathloss_db;
}

double ws_powerctl_pusch_dbm(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db) {
  g_return_val_if_fail(cfg != NULL && n_rb >= 1, -INFINITY);
  return fmin(cfg->pmax_dbm, open_loop_dbm(cfg, n_rb, pathloss_db));
}

double ws_powerctl_per_rb_dbm(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db) {
  g_return_val_if_fail(cfg != NULL && n_rb >= 1, -INFINITY);
  return ws_powerctl_pusch_dbm(cfg, n_rb, pathloss_db) - 10.0 * log10((double)n_rb);
}

bool ws_powerctl_limited(const ws_powerctl_config *cfg, unsigned n_rb, double pathloss_db) {
  g_return_val_if_fail(cfg != NULL && n_rb >= 1, false);
  return open_loop_dbm(cfg, n_rb, pathloss_db) > cfg->pmax_dbm;
}

unsigned ws_powerctl_max_unlimited_rbs(const ws_powerctl_config *cfg, double pathloss_db,
                                       unsigned max_rb) {
  g_return_val_if_fail(cfg != NULL, 0);
  double headroom_db = cfg->pmax_dbm - cfg->p0_dbm - cfg->alpha * pathloss_db;
  double m = floor(pow(10.0, headroom_db / 10.0));
  if (!(m >= 0.0)) /* NaN guard */
    return 0;
  unsigned n = m >= (double)max_rb ? max_rb : (unsigned)m;
  /* Agree with ws_powerctl_limited at the boundary despite rounding. */
  while (n > 0 && ws_powerctl_limited(cfg, n, pathloss_db))
    n--;
  while (n < max_rb && !ws_powerctl_limited(cfg, n + 1, pathloss_db))
    n++;
  return n;
}
