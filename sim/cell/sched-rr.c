/* wisim round-robin scheduler: the free resource block groups are dealt one
 * at a time, in frequency order, to the backlogged UEs in cyclic index
 * order, starting where the previous slot stopped (ns-3 LENA's
 * RrFfMacScheduler keeps the same rotation), so over time every backlogged
 * UE gets the same number of RBs whatever its channel. */
#include <glib.h>

#include "wisim/scheduler.h"

typedef struct {
  uint32_t next; /* the UE index the next slot starts from */
} rr_state;

/* Next free group at or after g (n_rbg when none). */
static uint32_t next_free(const ws_scheduler *s, uint32_t g) {
  uint32_t n_rbg = ws_scheduler_n_rbg(s);
  while (g < n_rbg && !ws_scheduler_rbg_free(s, g)) g++;
  return g;
}

/* With F free groups and n backlogged UEs, the n UEs from the start each
 * get floor(F/n) and the first F mod n one more; the start then moves past
 * the last UE served, so the extra group rotates: over n slots each UE gets
 * exactly F. A UE whose buffer is covered leaves its share to the others
 * (the deal simply skips it), and so does a UE that can carry nothing on
 * the group at hand (reported CQI 0 there: its rate is 0), which leaves it
 * to the next UE. Groups are interleaved across UEs, which spreads each UE
 * over the band (frequency diversity); beyond that, rates do not steer
 * round robin. */
static void rr_allocate(ws_scheduler *s, const ws_sched_input *in) {
  rr_state *st = ws_scheduler_state(s);
  uint32_t n = in->n_ue, n_rbg = ws_scheduler_n_rbg(s);
  if (n == 0) return;
  uint32_t k = st->next < n ? st->next : 0;
  uint32_t g = next_free(s, 0);
  int64_t last = -1;
  uint32_t idle = 0; /* UEs visited since the last grant */
  while (g < n_rbg) {
    if (ws_scheduler_wants(s, k) && ws_scheduler_rbg_bits(s, in, k, g) > 0) {
      ws_scheduler_grant(s, in, k, g);
      last = k;
      idle = 0;
      g = next_free(s, g + 1);
    } else if (++idle >= n) {
      /* A full turn without a taker: nobody wants more, or nobody can use
       * this group; then the next group gets its own turn. */
      bool wanted = false;
      for (uint32_t j = 0; j < n && !wanted; j++) wanted = ws_scheduler_wants(s, j);
      if (!wanted) break;
      idle = 0;
      g = next_free(s, g + 1);
    }
    k = (k + 1) % n;
  }
  if (g >= n_rbg && last >= 0) st->next = (uint32_t)((last + 1) % n);
}

const ws_scheduler_ops ws_sched_rr_ops = {
    .name = "rr",
    .state_bytes = sizeof(rr_state),
    .allocate = rr_allocate,
};
