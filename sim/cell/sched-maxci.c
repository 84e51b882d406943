/* wisim max C/I scheduler: each free resource block group goes to the UE
 * with the highest achievable rate on it. It maximises the cell's
 * throughput and starves UEs that are never the best: the textbook
 * opposite of round robin (Dahlman, Parkvall & Skold, "4G LTE/LTE-Advanced
 * for Mobile Broadband", on channel-dependent scheduling). */
#include <glib.h>

#include "wisim/scheduler.h"

static void maxci_allocate(ws_scheduler *s, const ws_sched_input *in) {
  uint32_t n_rbg = ws_scheduler_n_rbg(s);
  for (uint32_t g = 0; g < n_rbg; g++) {
    if (!ws_scheduler_rbg_free(s, g)) continue;
    int64_t best = -1;
    double best_bits = 0.0; /* a group nobody can use stays free */
    for (uint32_t k = 0; k < in->n_ue; k++) {
      if (!ws_scheduler_wants(s, k)) continue;
      double bits = ws_scheduler_rbg_bits(s, in, k, g);
      if (bits > best_bits) best_bits = bits, best = k; /* ties: lowest k */
    }
    if (best >= 0) ws_scheduler_grant(s, in, (uint32_t)best, g);
  }
}

const ws_scheduler_ops ws_sched_maxci_ops = {
    .name = "maxci",
    .state_bytes = 0,
    .allocate = maxci_allocate,
};
