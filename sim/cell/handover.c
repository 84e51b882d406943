/* wisim handover decision of one UE: per-cell layer-3 filters, the A3
 * time-to-trigger state of every neighbour, T310, and ping-pong detection.
 * Invariants: a cell whose filter is empty (NAN) is idle; the serving cell
 * is never in a time-to-trigger; after an RLF nothing runs until a reset. */
#include "wisim/handover.h"

#include <math.h>

#include <glib.h>

/* Where a neighbour stands with respect to event A3 (TS 36.331 5.5.4.4). */
typedef enum {
  A3_IDLE,      /* entering condition not met at the last measurement */
  A3_TTT,       /* met at every measurement since ttt_since_ns */
  A3_TRIGGERED, /* reported; waits for the leaving condition */
} a3_state;

typedef struct {
  double rsrp_dbm; /* filtered F_n; NAN: empty */
  double rsrq_db;  /* filtered; NAN: empty */
  a3_state a3;
  ws_time ttt_since_ns;
} ho_cell;

struct ws_handover {
  ws_handover_config cfg;
  double a;      /* L3 filter weight */
  double qin_db; /* effective Qin */
  uint32_t n_cells;
  uint32_t serving; /* UINT32_MAX: none yet */
  ws_time last_ns;
  bool t310_running, failed;
  ws_time t310_since_ns;
  ho_cell *cells; /* [n_cells] */
};

void
ws_handover_config_default(ws_handover_config *cfg)
{
  g_return_if_fail(cfg != NULL);
  *cfg = (ws_handover_config){
    .a3 = true,
    .hysteresis_db = 3.0,
    .offset_db = 0.0,
    .time_to_trigger_ns = 256 * WS_MS,
    .filter_coefficient = 4,
    .rlf_threshold_db = -6.0,
    .rlf_qin_db = NAN,
    .t310_ns = 1 * WS_S,
    .measurement_interval_ns = 40 * WS_MS,
    .interruption_ns = 30 * WS_MS,
    .forwarding = true,
    .reestablishment_ns = 100 * WS_MS,
    .pingpong_window_ns = 1 * WS_S,
  };
}

double
ws_handover_filter_weight(unsigned filter_coefficient)
{
  /* TS 36.331 5.5.3.2: a = 1/2^(k/4); k = 0 disables filtering (a = 1). */
  return filter_coefficient == 0 ? 1.0 : pow(2.0, -(double)filter_coefficient / 4.0);
}

ws_handover *
ws_handover_new(const ws_handover_config *cfg, uint32_t n_cells)
{
  g_return_val_if_fail(cfg != NULL && n_cells >= 1, NULL);
  g_return_val_if_fail(cfg->hysteresis_db >= 0 && isfinite(cfg->offset_db), NULL);
  g_return_val_if_fail(cfg->time_to_trigger_ns >= 0 && cfg->t310_ns >= 0, NULL);
  g_return_val_if_fail(isfinite(cfg->rlf_threshold_db), NULL);
  g_return_val_if_fail(isnan(cfg->rlf_qin_db) || cfg->rlf_qin_db >= cfg->rlf_threshold_db, NULL);
  g_return_val_if_fail(cfg->filter_coefficient <= 19, NULL); /* 36.331 FilterCoefficient: fc0..fc19 */
  ws_handover *h = g_new0(ws_handover, 1);
  h->cfg = *cfg;
  h->a = ws_handover_filter_weight(cfg->filter_coefficient);
  h->qin_db = isnan(cfg->rlf_qin_db) ? cfg->rlf_threshold_db + WS_HANDOVER_QIN_ABOVE_QOUT_DB
                                     : cfg->rlf_qin_db;
  h->n_cells = n_cells;
  h->serving = UINT32_MAX;
  h->cells = g_new0(ho_cell, n_cells);
  for (uint32_t c = 0; c < n_cells; c++) {
    h->cells[c].rsrp_dbm = NAN;
    h->cells[c].rsrq_db = NAN;
    h->cells[c].a3 = A3_IDLE;
  }
  return h;
}

void
ws_handover_free(ws_handover *h)
{
  if (h == NULL)
    return;
  g_free(h->cells);
  g_free(h);
}

void
ws_handover_reset(ws_handover *h, uint32_t serving, ws_time now)
{
  g_return_if_fail(h != NULL && serving < h->n_cells);
  h->serving = serving;
  h->last_ns = now;
  h->t310_running = false;
  h->failed = false;
  for (uint32_t c = 0; c < h->n_cells; c++) {
    h->cells[c].rsrp_dbm = NAN;
    h->cells[c].rsrq_db = NAN;
    h->cells[c].a3 = A3_IDLE;
  }
}

/* One step of the layer-3 filter, TS 36.331 5.5.3.2: F_n = (1 - a) F_{n-1}
 * + a M_n on the dB value; the first measurement (F empty) sets F_1 = M_1; a
 * non-finite measurement empties the filter (the cell is not measurable). */
static double
l3_filter(double f, double m, double a)
{
  if (!isfinite(m))
    return NAN;
  if (isnan(f) || a == 1.0)
    return m;
  return (1.0 - a) * f + a * m;
}

/* Radio link monitoring with N310 = N311 = 1 (TS 36.331 5.3.11.1/5.3.11.2:
 * one out-of-sync indication starts T310, one in-sync stops it). Returns
 * true when T310 expires at t. */
static bool
rlf_step(ws_handover *h, ws_time t, double sinr_db)
{
  bool out_of_sync = isnan(sinr_db) || sinr_db < h->cfg.rlf_threshold_db;
  bool in_sync = !isnan(sinr_db) && sinr_db > h->qin_db;
  if (!h->t310_running && out_of_sync) {
    h->t310_running = true;
    h->t310_since_ns = t;
  } else if (h->t310_running && in_sync) {
    h->t310_running = false;
  }
  return h->t310_running && t - h->t310_since_ns >= h->cfg.t310_ns;
}

/* Event A3 over every neighbour (TS 36.331 5.5.4.4 with Ofn = Ocn = Ofp =
 * Ocp = 0): entering Mn - Hys > Mp + Off, leaving Mn + Hys < Mp + Off, on
 * the filtered RSRP. Returns the strongest neighbour triggered at t
 * (ties: the lowest index) or UINT32_MAX. */
static uint32_t
a3_step(ws_handover *h, ws_time t)
{
  double mp = h->cells[h->serving].rsrp_dbm;
  double hys = h->cfg.hysteresis_db, off = h->cfg.offset_db;
  if (!h->cfg.a3 || isnan(mp)) {
    /* Nothing to compare with: every running time-to-trigger stops. */
    for (uint32_t c = 0; c < h->n_cells; c++)
      if (h->cells[c].a3 == A3_TTT)
        h->cells[c].a3 = A3_IDLE;
    return UINT32_MAX;
  }
  uint32_t best = UINT32_MAX;
  double best_dbm = -INFINITY;
  for (uint32_t c = 0; c < h->n_cells; c++) {
    ho_cell *n = &h->cells[c];
    if (c == h->serving || isnan(n->rsrp_dbm)) {
      n->a3 = A3_IDLE;
      continue;
    }
    double mn = n->rsrp_dbm;
    bool entering = mn - hys > mp + off;
    bool leaving = mn + hys < mp + off;
    switch (n->a3) {
    case A3_TRIGGERED:
      if (leaving)
        n->a3 = A3_IDLE;
      break;
    case A3_IDLE:
      if (!entering)
        break;
      n->a3 = A3_TTT;
      n->ttt_since_ns = t;
      /* fall through - a time-to-trigger of 0 triggers at once */
    case A3_TTT:
      if (!entering) {
        n->a3 = A3_IDLE;
      } else if (t - n->ttt_since_ns >= h->cfg.time_to_trigger_ns) {
        n->a3 = A3_TRIGGERED;
        if (mn > best_dbm) {
          best_dbm = mn;
          best = c;
        }
      }
      break;
    }
  }
  return best;
}

ws_handover_decision
ws_handover_measure(ws_handover *h, ws_time t, const double *rsrp_dbm, const double *rsrq_db,
                    double serving_sinr_db, uint32_t *target)
{
  g_return_val_if_fail(h != NULL && rsrp_dbm != NULL, WS_HO_NONE);
  if (h->serving == UINT32_MAX || h->failed)
    return WS_HO_NONE;
  g_return_val_if_fail(t >= h->last_ns, WS_HO_NONE);
  h->last_ns = t;
  for (uint32_t c = 0; c < h->n_cells; c++) {
    ho_cell *cell = &h->cells[c];
    cell->rsrp_dbm = l3_filter(cell->rsrp_dbm, rsrp_dbm[c], h->a);
    cell->rsrq_db = rsrq_db ? l3_filter(cell->rsrq_db, rsrq_db[c], h->a) : NAN;
  }
  if (rlf_step(h, t, serving_sinr_db)) {
    /* The link is gone: no handover command can arrive any more. */
    h->failed = true;
    h->t310_running = false;
    for (uint32_t c = 0; c < h->n_cells; c++)
      h->cells[c].a3 = A3_IDLE;
    return WS_HO_RLF;
  }
  uint32_t best = a3_step(h, t);
  if (best == UINT32_MAX)
    return WS_HO_NONE;
  g_assert(best != h->serving && best < h->n_cells);
  if (target)
    *target = best;
  return WS_HO_HANDOVER;
}

uint32_t
ws_handover_serving(const ws_handover *h)
{
  g_return_val_if_fail(h != NULL, UINT32_MAX);
  return h->serving;
}

uint32_t
ws_handover_n_cells(const ws_handover *h)
{
  g_return_val_if_fail(h != NULL, 0);
  return h->n_cells;
}

double
ws_handover_filtered_rsrp_dbm(const ws_handover *h, uint32_t cell)
{
  g_return_val_if_fail(h != NULL && cell < h->n_cells, NAN);
  return h->cells[cell].rsrp_dbm;
}

double
ws_handover_filtered_rsrq_db(const ws_handover *h, uint32_t cell)
{
  g_return_val_if_fail(h != NULL && cell < h->n_cells, NAN);
  return h->cells[cell].rsrq_db;
}

bool
ws_handover_ttt_running(const ws_handover *h, uint32_t cell, ws_time *since_ns)
{
  g_return_val_if_fail(h != NULL && cell < h->n_cells, false);
  if (h->cells[cell].a3 != A3_TTT)
    return false;
  if (since_ns)
    *since_ns = h->cells[cell].ttt_since_ns;
  return true;
}

bool
ws_handover_t310_running(const ws_handover *h, ws_time *since_ns)
{
  g_return_val_if_fail(h != NULL, false);
  if (!h->t310_running)
    return false;
  if (since_ns)
    *since_ns = h->t310_since_ns;
  return true;
}

bool
ws_handover_failed(const ws_handover *h)
{
  g_return_val_if_fail(h != NULL, false);
  return h->failed;
}

double
ws_handover_qin_db(const ws_handover *h)
{
  g_return_val_if_fail(h != NULL, NAN);
  return h->qin_db;
}

bool
ws_handover_pingpong(int64_t previous_cell, ws_time previous_ns, uint32_t new_cell, ws_time now,
                     ws_time window_ns)
{
  /* TR 36.839's minimum time-of-stay: a return to the cell just left whose
   * stay in the cell in between lasted less than the window. */
  return previous_cell >= 0 && (uint32_t)previous_cell == new_cell &&
         now - previous_ns < window_ns;
}

void
ws_handover_history_init(ws_handover_history *hist)
{
  g_return_if_fail(hist != NULL);
  *hist = (ws_handover_history){.cell = -1, .previous_cell = -1};
}

bool
ws_handover_history_move(ws_handover_history *hist, uint32_t new_cell, ws_time now,
                         ws_time window_ns)
{
  g_return_val_if_fail(hist != NULL, false);
  if (hist->cell == (int64_t)new_cell)
    return false;
  bool pingpong = hist->cell >= 0 &&
                  ws_handover_pingpong(hist->previous_cell, hist->arrived_ns, new_cell, now,
                                       window_ns);
  if (hist->cell >= 0) {
    hist->changes++;
    if (pingpong)
      hist->pingpongs++;
  }
  hist->previous_cell = hist->cell;
  hist->cell = new_cell;
  hist->arrived_ns = now;
  return pingpong;
}
