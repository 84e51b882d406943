/* wisim handover decision of one UE (sim/cell/handover.c): layer-3 filtered
 * RSRP/RSRQ per cell (TS 36.331 5.5.3.2), event A3 with time-to-trigger
 * (5.5.4.4), radio link failure by T310 (5.3.11.1), and ping-pong detection.
 * Pure logic: the caller measures, schedules and executes. docs/handover.md. */
#ifndef WISIM_HANDOVER_H
#define WISIM_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"

/* Qin above Qout when the scenario does not say (docs/handover.md). */
#define WS_HANDOVER_QIN_ABOVE_QOUT_DB 2.0

/* The [handover] section. Fill with ws_handover_config_default, then
 * override. The first block drives this module; the second is carried for
 * the caller (execution, measurement timing, metrics) so that one struct
 * holds the whole section. */
typedef struct {
  bool a3;                     /* `algorithm`: a3 (true) or none (false:
                                  never hands over; RLF still applies) [a3] */
  double hysteresis_db;        /* Hys of A3, >= 0 [3 dB] */
  double offset_db;            /* Off of A3; Ofn, Ocn, Ofp, Ocp are 0 [0 dB] */
  ws_time time_to_trigger_ns;  /* >= 0 [256 ms] */
  unsigned filter_coefficient; /* k of the L3 filter, 0 = none [4] */
  double rlf_threshold_db;     /* Qout on the serving wideband SINR [-6 dB] */
  double rlf_qin_db;           /* Qin, >= Qout; NAN: Qout + 2 dB [NAN] */
  ws_time t310_ns;             /* >= 0 [1 s] */

  ws_time measurement_interval_ns; /* [40 ms] the caller measures this often */
  ws_time interruption_ns;         /* [30 ms] no reception during execution */
  bool forwarding;                 /* [yes] buffered DL data follows the UE */
  ws_time reestablishment_ns;      /* [100 ms] RLF to re-establishment */
  ws_time pingpong_window_ns;      /* [1 s] see ws_handover_pingpong */
} ws_handover_config;

/* What a measurement decided. */
typedef enum {
  WS_HO_NONE = 0,  /* stay */
  WS_HO_HANDOVER,  /* A3 held for time-to-trigger: hand over to *target */
  WS_HO_RLF,       /* T310 expired: radio link failure */
} ws_handover_decision;

/* The decision state of one UE (opaque). */
typedef struct ws_handover ws_handover;

/* Fills cfg with the SCENARIO-FORMAT.md defaults listed above. */
void ws_handover_config_default(ws_handover_config *cfg);

/* The L3 filter weight a = 1/2^(k/4) of TS 36.331 5.5.3.2 (k = 0: 1). */
double ws_handover_filter_weight(unsigned filter_coefficient);

/* A new decision state for a UE that can measure n_cells >= 1 cells; cfg
 * is copied. It serves no cell until ws_handover_reset. NULL (critical
 * warning) on a bad config (negative hysteresis, times or Qin < Qout).
 * Caller frees with ws_handover_free. */
ws_handover *ws_handover_new(const ws_handover_config *cfg, uint32_t n_cells);
void ws_handover_free(ws_handover *h);

/* The UE is (again) connected to `serving` at now: after an attachment, a
 * handover or a re-establishment. Every filter restarts (the next
 * measurement initialises it, TS 36.331 5.5.3.2), every time-to-trigger
 * and T310 stop, the RLF state is cleared. */
void ws_handover_reset(ws_handover *h, uint32_t serving, ws_time now);

/* One measurement at time t (non-decreasing, >= the last reset):
 * rsrp_dbm[n_cells] the measured RSRP of every cell (NAN: not measurable,
 * e.g. the cell is off: its filter restarts and it is never a target),
 * rsrq_db[n_cells] or NULL (only filtered, for the accessors), and the
 * serving cell's unfiltered wideband SINR (NAN or -INFINITY: no signal,
 * below Qout). Updates the filters, then
 *  - RLF: T310 starts when the SINR is below Qout, stops when it is above
 *    Qin; it expires at the first measurement at or after its start +
 *    t310: returns WS_HO_RLF (the caller re-establishes and resets; until
 *    then every measurement returns WS_HO_NONE);
 *  - A3 (a3 only, the serving cell measurable): a neighbour whose filtered
 *    RSRP meets Mn - Hys > Mp + Off starts (or keeps) its time-to-trigger;
 *    one that does not stops it; a neighbour that has met it at every
 *    measurement for time_to_trigger is triggered: returns WS_HO_HANDOVER
 *    with *target = the strongest newly triggered neighbour. A triggered
 *    neighbour is not reported again until it meets the leaving condition
 *    Mn + Hys < Mp + Off (only matters when the caller does not reset).
 * RLF wins over a handover at the same measurement. Before the first reset:
 * WS_HO_NONE. target may be NULL. */
ws_handover_decision ws_handover_measure(ws_handover *h, ws_time t, const double *rsrp_dbm,
                                         const double *rsrq_db, double serving_sinr_db,
                                         uint32_t *target);

/* The serving cell (UINT32_MAX before the first reset) and the cell count. */
uint32_t ws_handover_serving(const ws_handover *h);
uint32_t ws_handover_n_cells(const ws_handover *h);
/* The layer-3 filtered RSRP (dBm) and RSRQ (dB) of a cell; NAN when it has
 * no measurement since the last reset (or its last one was NAN). */
double ws_handover_filtered_rsrp_dbm(const ws_handover *h, uint32_t cell);
double ws_handover_filtered_rsrq_db(const ws_handover *h, uint32_t cell);
/* True when the time-to-trigger of a neighbour runs (its entering condition
 * held at every measurement since *since_ns, which gets the first one). */
bool ws_handover_ttt_running(const ws_handover *h, uint32_t cell, ws_time *since_ns);
/* True when T310 runs; *since_ns (may be NULL) gets its start. */
bool ws_handover_t310_running(const ws_handover *h, ws_time *since_ns);
/* True after WS_HO_RLF was returned, until the next reset. */
bool ws_handover_failed(const ws_handover *h);
/* The effective Qin, dB (the config's, or Qout + 2 dB). */
double ws_handover_qin_db(const ws_handover *h);

/* ---- ping-pong --------------------------------------------------------- */

/* A move to new_cell at now is a ping-pong when it returns to the cell the
 * UE left (previous_cell, at previous_ns: the time it arrived in the cell it
 * leaves now) less than window_ns ago: its time of stay was too short (the
 * minimum time-of-stay definition of 3GPP TR 36.839). previous_cell < 0:
 * no previous cell. */
bool ws_handover_pingpong(int64_t previous_cell, ws_time previous_ns, uint32_t new_cell,
                          ws_time now, ws_time window_ns);

/* A UE's last two cells, for ws_handover_pingpong. Public value struct. */
typedef struct {
  int64_t cell;          /* the current cell, -1 before the first */
  int64_t previous_cell; /* the cell before it, -1 if none */
  ws_time arrived_ns;    /* when the UE arrived in `cell` */
  uint64_t changes;      /* cell changes recorded */
  uint64_t pingpongs;    /* of which ping-pongs */
} ws_handover_history;

/* No cell yet. */
void ws_handover_history_init(ws_handover_history *hist);
/* The UE is in new_cell from now (an attachment, a handover or a
 * re-establishment). A first cell or the same cell again is no change.
 * Returns true when the change is a ping-pong within window_ns. */
bool ws_handover_history_move(ws_handover_history *hist, uint32_t new_cell, ws_time now,
                              ws_time window_ns);

#endif
