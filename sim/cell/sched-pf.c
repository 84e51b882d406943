/* wisim proportional-fair scheduler: each free resource block group goes
 * to the UE with the largest r_k(g) / T_k, its achievable rate on the group
 * over its served-rate average (Jalali, Padovani & Pankaj, "Data throughput
 * of CDMA-HDR", VTC 2000; Kelly 1998 for the fairness it maximises, the sum
 * of log T_k). As ns-3 LENA's PfFfMacScheduler: T_k is the EWMA with time
 * constant pf_window kept by scheduler.c, held fixed within the slot. */
#include <glib.h>
#include <string.h>

#include "wisim/scheduler.h"

/* A UE never served yet (T = 0) outranks every served one; among several,
 * the best rate wins, which this floor preserves. */
#define PF_MIN_AVG_BPS 1e-9

/* The (group, UE) loop is the scheduler's hot path (n_rbg x n_ue per cell
 * per slot), so what it needs is gathered once per slot: the UEs that want
 * new data, in index order, with their floored averages (fixed within the
 * slot). Only a grant changes who wants (the granted UE alone), so that UE
 * is re-checked after each grant and dropped from the list when full. The
 * metric is the same division as ever: decisions are unchanged. */
static void pf_allocate(ws_scheduler *s, const ws_sched_input *in) {
  const uint32_t n_rb = ws_scheduler_get_config(s)->n_rb;
  const uint32_t n_rbg = ws_scheduler_n_rbg(s);
  uint32_t *cand = ws_scheduler_ue_scratch(s);
  double *avg = ws_scheduler_value_scratch(s);
  uint32_t n = 0;
  for (uint32_t k = 0; k < in->n_ue; k++) {
    if (!ws_scheduler_wants(s, k)) continue;
    cand[n] = k;
    double t = ws_scheduler_avg_bps(s, k);
    avg[n] = MAX(t, PF_MIN_AVG_BPS);
    n++;
  }
  for (uint32_t g = 0; g < n_rbg && n > 0; g++) {
    if (!ws_scheduler_rbg_free(s, g)) continue;
    uint32_t first, count;
    ws_scheduler_rbg_rbs(s, g, &first, &count);
    uint32_t best = UINT32_MAX;
    double best_metric = 0.0; /* a group nobody can use stays free */
    if (count == 1) { /* groups of one RB: the rate itself (0.0 + r as the sum) */
      const double *col = in->rate_bits + first;
      for (uint32_t i = 0; i < n; i++) {
        double metric = (0.0 + col[(size_t)cand[i] * n_rb]) / avg[i];
        if (metric > best_metric) best_metric = metric, best = i; /* ties: lowest k */
      }
    } else {
      for (uint32_t i = 0; i < n; i++) {
        const double *row = in->rate_bits + (size_t)cand[i] * n_rb;
        double metric = ws_sched_row_bits(row, first, count) / avg[i];
        if (metric > best_metric) best_metric = metric, best = i;
      }
    }
    if (best == UINT32_MAX) continue;
    uint32_t k = cand[best];
    ws_scheduler_grant(s, in, k, g);
    if (!ws_scheduler_wants(s, k)) { /* its buffer is covered: drop it, keeping the order */
      n--;
      memmove(cand + best, cand + best + 1, (n - best) * sizeof *cand);
      memmove(avg + best, avg + best + 1, (n - best) * sizeof *avg);
    }
  }
}

const ws_scheduler_ops ws_sched_pf_ops = {
    .name = "pf",
    .state_bytes = 0,
    .allocate = pf_allocate,
};
