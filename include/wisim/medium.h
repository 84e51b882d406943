/* wisim radio medium: received power and SINR per resource block between
 * cells and UEs. Holds the large-scale gain of every (UE, cell) link (antenna,
 * path loss with a LOS state drawn once, shadowing), recomputed only when a
 * UE has moved far enough, and combines it per slot with fast fading and the
 * caller's RB activity into DL and UL SINRs. docs/radio.md, "The medium". */
#ifndef WISIM_MEDIUM_H
#define WISIM_MEDIUM_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/antenna.h"
#include "wisim/fading.h"
#include "wisim/layout.h"
#include "wisim/pathloss.h"
#include "wisim/phy.h"

/* Defaults of the medium's own knobs (docs/radio.md, "The medium"). */
#define WS_MEDIUM_CULL_DB_DEFAULT 20.0 /* interferers this far below noise are skipped */
#define WS_MEDIUM_MOVE_M_DEFAULT 1.0   /* large-scale gains follow a UE every metre */

/* 64-bit words of one cell's RB activity bitmap (bit r of word r / 64). */
#define WS_MEDIUM_RB_WORDS(n_rb) (((n_rb) + 63u) / 64u)

/* The radio-wide parameters ([radio] plus the medium's knobs). Fill with
 * ws_medium_config_default, then override. */
typedef struct {
  ws_pathloss_params pathloss;
  double shadowing_sigma_db;        /* < 0: the model's own (by LOS state) */
  double shadowing_decorrelation_m; /* < 0: the model's own */
  ws_fading_model fading;           /* [none] */
  double rician_k_db;               /* [6 dB] */
  double doppler_speed_mps;         /* speed used for fading at rest [3 km/h] */
  double noise_figure_db;           /* default for cells and UEs [9 dB] */
  double temperature_k;             /* [290 K] */
  uint64_t seed, run;               /* of the named streams */
  unsigned rb_per_subband;          /* RBs sharing one fading process;
                                       0: by n_rb (docs/radio.md); <= 64 */
  double cull_db;                   /* [20 dB]; +INFINITY: never cull */
  bool cull_relative;               /* [yes] culled sum <= eps (noise + the
                                       remaining interference); no: eps noise */
  double move_threshold_m;          /* [1 m]; 0: at every change of position */
  const ws_layout *layout;          /* with wrap_around: distances via
                                       ws_layout_distance (borrowed) */
  bool wrap_around;                 /* use layout's distances */
} ws_medium_config;

/* One cell (strings are copied). */
typedef struct {
  const char *name;
  double x_m, y_m, height_m;
  double tx_power_dbm;    /* total over the carrier */
  double noise_figure_db; /* NAN: the radio's */
  double frequency_hz;
  ws_antenna antenna;
  ws_phy_carrier carrier; /* every cell of one medium has the same n_rb and SCS */
} ws_medium_cell;

/* One UE (strings are copied). */
typedef struct {
  const char *name;
  double x_m, y_m, height_m;
  double tx_power_dbm;    /* its maximum (used for UL culling) */
  double noise_figure_db; /* NAN: the radio's */
  double speed_mps;       /* for the Doppler of its fading */
} ws_medium_ue;

typedef struct ws_medium ws_medium;

/* Fills cfg with the [radio] defaults (log-distance, no shadowing override,
 * no fading, NF 9 dB, 290 K) and the medium's (cull 20 dB, 1 m). */
void ws_medium_config_default(ws_medium_config *cfg);

/* A new, empty medium; cfg is copied. table (borrowed, must outlive the
 * medium) is needed unless cfg->fading is none. NULL on a bad config. */
ws_medium *ws_medium_new(const ws_medium_config *cfg, const ws_fading_table *table);
void ws_medium_free(ws_medium *m);

/* Adds a cell or a UE before ws_medium_build; returns its index (0, 1, ...)
 * or -1 (a carrier that differs from the first cell's, after build). */
int ws_medium_add_cell(ws_medium *m, const ws_medium_cell *cell);
int ws_medium_add_ue(ws_medium *m, const ws_medium_ue *ue);

/* Makes every (UE, cell) link at t_ns: draws its LOS state (stream entity
 * "ue UE", purpose "los cell CELL"), starts its shadowing ("shadowing cell
 * CELL") and fading ("fading cell CELL"), computes the gains and the culled
 * interferer lists. */
void ws_medium_build(ws_medium *m, int64_t t_ns);

uint32_t ws_medium_n_cells(const ws_medium *m);
uint32_t ws_medium_n_ues(const ws_medium *m);
uint32_t ws_medium_n_rb(const ws_medium *m);
uint32_t ws_medium_n_subbands(const ws_medium *m);
/* The subband (fading process) of a resource block. */
uint32_t ws_medium_subband_of_rb(const ws_medium *m, uint32_t rb);

/* A UE moved to (x, y) with this speed at now_ns (non-decreasing). The
 * fading's Doppler follows speed at once; the large-scale gains (and culled
 * lists) are recomputed only when the UE is more than move_threshold_m from
 * where they were last computed. Returns true when they were. */
bool ws_medium_move_ue(ws_medium *m, uint32_t ue, double x_m, double y_m, double speed_mps,
                       int64_t now_ns);
/* The UE's position as last given (add or move). x_m, y_m may be NULL. */
void ws_medium_ue_position(const ws_medium *m, uint32_t ue, double *x_m, double *y_m);
/* How many times gains were recomputed by moves (for tests). */
uint64_t ws_medium_recomputations(const ws_medium *m);

/* Large-scale gain of link (ue, cell), dB: antenna towards the UE - path
 * loss - shadowing (tx power excluded, no fading). */
double ws_medium_gain_db(const ws_medium *m, uint32_t ue, uint32_t cell);
/* The LOS state drawn for the link. */
bool ws_medium_los(const ws_medium *m, uint32_t ue, uint32_t cell);
/* Noise per RB, dBm: at the UE (DL, the UE's NF) and at the cell (UL). */
double ws_medium_dl_noise_rb_dbm(const ws_medium *m, uint32_t ue);
double ws_medium_ul_noise_rb_dbm(const ws_medium *m, uint32_t cell);
/* DL received power of one RB of cell at ue at t_ns, dBm: P_tx - 10 log10(n_rb)
 * + gain + fading of the RB's subband. */
double ws_medium_dl_rx_rb_dbm(const ws_medium *m, uint32_t ue, uint32_t cell, uint32_t rb,
                              int64_t t_ns);
/* RSRP, dBm: large-scale power per resource element (P_tx - 10 log10(12
 * n_rb) + gain), no fading; and the cell with the highest (attachment). */
double ws_medium_rsrp_dbm(const ws_medium *m, uint32_t ue, uint32_t cell);
uint32_t ws_medium_best_cell(const ws_medium *m, uint32_t ue);
/* Cells kept as DL interferers of ue (not culled; the strongest cell is
 * always kept), and their indices in increasing order. */
uint32_t ws_medium_n_interferers(const ws_medium *m, uint32_t ue);
const uint32_t *ws_medium_interferers(const ws_medium *m, uint32_t ue);

/* Per-slot DL SINR (linear) of ue served by `serving` on every RB at t_ns
 * into sinr_lin[0..n_rb-1]: S_r / (N + sum over kept cells c != serving
 * whose bit r is set in active[c * WS_MEDIUM_RB_WORDS(n_rb) ...] of I_c,r).
 * active NULL: every cell transmits on every RB (full buffer). The serving
 * cell's own bits are not read. rx_mw (may be NULL) gets S_r in mW. No
 * allocation; not reentrant (uses the medium's scratch). */
void ws_medium_dl_sinr(ws_medium *m, uint32_t ue, uint32_t serving, int64_t t_ns,
                       const uint64_t *active, double *sinr_lin, double *rx_mw);

/* Per-slot UL SINR (linear) at every cell on every RB at t_ns.
 * rb_ue[c * n_rb + r] is the UE cell c receives on RB r (-1: none; a UE
 * appears in its serving cell's row only); ue_power_dbm[u] is UE u's total
 * transmit power this slot, spread equally over its RBs in that row.
 * sinr_lin[c * n_rb + r] gets S / (N_c + sum of the UEs other cells receive
 * on r, as heard at c), 0 where rb_ue is -1. No allocation; not reentrant. */
void ws_medium_ul_sinr(ws_medium *m, int64_t t_ns, const int32_t *rb_ue, const double *ue_power_dbm,
                       double *sinr_lin);

/* Wideband (geometry) SINR of ue from serving, dB: large-scale powers, no
 * fading, every other cell with on[c] (on NULL: every cell) transmitting on
 * every RB, culling ignored. */
double ws_medium_wideband_sinr_db(const ws_medium *m, uint32_t ue, uint32_t serving,
                                  const bool *on);
/* The best server at a point, for coverage maps: a receiver at (x, y) and
 * height_m with the radio's noise figure, large-scale powers without
 * shadowing or fading (3GPP models: the more likely LOS state there), every
 * cell with on[c] (on NULL: all) transmitting on every RB. *best gets the
 * strongest cell (-1 when none is on), *rsrp_dbm its RSRP, *sinr_db the
 * wideband SINR against the others and noise (NAN when none). After build. */
void ws_medium_probe(const ws_medium *m, double x_m, double y_m, double height_m, const bool *on,
                     int32_t *best, double *rsrp_dbm, double *sinr_db);

/* 10 log10 of the mean of n linear SINRs (n >= 1). */
double ws_medium_mean_sinr_db(const double *sinr_lin, uint32_t n);

/* RSRQ of cell at ue, dB (TS 36.214 5.1.3): N x RSRP / RSSI with RSSI the
 * total large-scale power over the N RBs from every cell with on[c] (on
 * NULL: all) at full load plus noise; no fading, no culling. NAN when the
 * cell itself is off. After build. */
double ws_medium_rsrq_db(const ws_medium *m, uint32_t ue, uint32_t cell, const bool *on);
/* The RSRP (dBm) and RSRQ (dB) of every cell at ue, with the cells that are
 * on (on NULL: all): rsrp_dbm[n_cells], rsrq_db[n_cells], NAN for a cell
 * that is off. One pass: what a measurement round needs. */
void ws_medium_measure(const ws_medium *m, uint32_t ue, const bool *on, double *rsrp_dbm,
                       double *rsrq_db);

#endif
