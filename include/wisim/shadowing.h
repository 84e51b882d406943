/* wisim log-normal shadowing: a Gaussian process in dB along each UE's path,
 * one process per (UE, cell) link, spatially correlated after Gudmundson
 * (Electronics Letters 27(23), 1991): R(dx) = exp(-|dx| / d_corr).
 * Standalone: the caller owns the state and feeds it positions. */
#ifndef WISIM_SHADOWING_H
#define WISIM_SHADOWING_H

#include <stdbool.h>

#include "wisim/rng.h"

/* The shadowing of one link. A small value: embed it in the link that owns
 * it. Fields are private to shadowing.c (read them through the functions). */
typedef struct ws_shadowing {
  double sigma_db;        /* standard deviation of the process, dB (>= 0) */
  double decorrelation_m; /* Gudmundson's d_corr, m (>= 0; 0: uncorrelated) */
  double value_db;        /* the current value, dB */
  double x_m, y_m;        /* where value_db holds (valid once placed) */
  bool placed;            /* a position has been given */
  ws_rng rng;             /* this link's own stream (a copy) */
} ws_shadowing;

/* Starts the process of one link: sigma_db >= 0, decorrelation_m >= 0, rng an
 * initialised stream, e.g. ws_rng_init(&r, seed, run, "ue walkers/3",
 * "shadowing cell A"), copied (the caller's stream does not advance). Draws
 * the first value, N(0, sigma_db^2): the stationary distribution, so the
 * process is stationary from its first value on. */
void ws_shadowing_init(ws_shadowing *sh, double sigma_db, double decorrelation_m, const ws_rng *rng);

/* The value, dB, after the UE moved to (x_m, y_m). The first call only
 * places the process (the value is the initial draw); later calls advance it
 * by the straight-line distance from the previous position (see _advance).
 * A UE that never moves keeps its value: that is the static draw. */
double ws_shadowing_at(ws_shadowing *sh, double x_m, double y_m);

/* Advances the process by a path length dx_m >= 0 and returns the new value,
 * dB: the AR(1) update S' = rho S + sqrt(1 - rho^2) sigma N(0,1) with
 * rho = exp(-dx / d_corr) (Gudmundson 1991, eq. 4). It is the exact
 * transition of the Gauss-Markov process whose correlation is exp(-|dx|/d),
 * so any split of a path into steps gives the same statistics. dx_m == 0
 * returns the current value without a draw. */
double ws_shadowing_advance(ws_shadowing *sh, double dx_m);

/* The current value, dB (no draw). */
double ws_shadowing_db(const ws_shadowing *sh);

/* One draw for a static UE without a process: N(0, sigma_db^2), from rng. */
double ws_shadowing_static_db(ws_rng *rng, double sigma_db);

/* Optional site-to-site correlation: sqrt(r) common_db + sqrt(1 - r) link_db
 * where common_db is a per-UE process and link_db a per-(UE, site) process of
 * the same sigma and d_corr. The sum has the same sigma and the same
 * exp(-dx/d_corr) correlation along the path, and two sites seen from one UE
 * correlate with coefficient r, 0 <= r <= 1 (3GPP TR 36.942 section 4.5 and
 * TR 25.814 A.2.1 use r = 0.5 between sites; the sectors of one site share
 * the site's process). */
double ws_shadowing_combine_db(double common_db, double link_db, double site_correlation);

#endif
