/* wisim network layer, inside view: the tap list that links read without a
 * function call (so an untapped network pays one load and one branch per
 * tap point), shared by net.c and link.c only. */
#ifndef WISIM_NET_INT_H
#define WISIM_NET_INT_H

#include "wisim/net.h"

typedef struct {
  ws_tap_fn fn;
  void *ctx;
} ws_net_tap_entry;

/* The observers of one network; lives inside ws_net, so a pointer to it
 * stays valid for the network's life. */
typedef struct {
  unsigned n;               /* observers set; 0 on the fast path */
  ws_net_tap_entry *entries; /* n of them, in the order added */
} ws_net_taps;

/* The network's tap list (borrowed; valid until ws_net_free). */
const ws_net_taps *ws_net_get_taps(const ws_net *net);

/* Calls every observer with ev. Callers test taps->n first. */
static inline void ws_net_taps_emit(const ws_net_taps *taps, const ws_tap_event *ev) {
  for (unsigned i = 0; i < taps->n; i++) taps->entries[i].fn(taps->entries[i].ctx, ev);
}

/* Takes a link direction in or out of service (link.c); net.c's
 * ws_net_set_link_up calls it and then recomputes the routes. */
void ws_link_set_up(ws_link *l, bool up);
/* Rewires end `end` to node n (net.c's ws_net_move_link_end). */
void ws_link_set_end(ws_link *l, unsigned end, ws_node *n);
bool ws_link_is_up(const ws_link *l);

#endif
