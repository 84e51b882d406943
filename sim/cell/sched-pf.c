/* wisim proportional-fair scheduler: each free resource block group goes
 * to the UE with the largest r_k(g) / T_k, its achievable rate on the group
 * over its served-rate average (Jalali, Padovani & Pankaj, "Data throughput
 * of CDMA-HDR", VTC 2000; Kelly 1998 for the fairness it maximises, the sum
 * of log T_k). As ns-3 LENA's PfFfMacScheduler: T_k is the EWMA with time
 * constant pf_window kept by scheduler.c, held fixed within the slot. */
#include <glib.h>

#include "wisim/scheduler.h"

/* A UE never served yet (T = 0) outranks every served one; among several,
 * the best rate wins, which this floor preserves. */
#define PF_MIN_AVG_BPS 1e-9

static void pf_allocate(ws_scheduler *s, const ws_sched_input *in) {
  uint32_t n_rbg = ws_scheduler_n_rbg(s);
  for (uint32_t g = 0; g < n_rbg; g++) {
    if (!ws_scheduler_rbg_free(s, g)) continue;
    int64_t best = -1;
    double best_metric = 0.0; /* a group nobody can use stays free */
    for (uint32_t k = 0; k < in->n_ue; k++) {
      if (!ws_scheduler_wants(s, k)) continue;
      double avg = MAX(ws_scheduler_avg_bps(s, k), PF_MIN_AVG_BPS);
      double metric = ws_scheduler_rbg_bits(s, in, k, g) / avg;
      if (metric > best_metric) best_metric = metric, best = k; /* ties: lowest k */
    }
    if (best >= 0) ws_scheduler_grant(s, in, (uint32_t)best, g);
  }
}

const ws_scheduler_ops ws_sched_pf_ops = {
    .name = "pf",
    .state_bytes = 0,
    .allocate = pf_allocate,
};
