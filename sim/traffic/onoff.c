/* wisim onoff generator: alternating on and off periods, starting with an on
 * period at the flow's start, sending on the cbr grid of `rate` during on
 * periods only (ns-3's OnOffApplication). The grid runs on "on time": a
 * packet due when a period ends is sent that far into the next on period,
 * so the long-run rate is rate x E[on] / (E[on] + E[off]) exactly. */
#include <glib.h>

#include "traffic-int.h"

typedef struct {
  ws_dist on_time, off_time;
  ws_traffic_grid grid;   /* packet times in on-time ns */
  ws_time next_on_ns;     /* on-time of the next packet */
  ws_time period_start;   /* wall time the current on period began */
  ws_time period_end;     /* wall time it ends (exclusive) */
  ws_time period_on0;     /* on-time at period_start */
} onoff_state;

static void *onoff_new(const ws_traffic_params *p) {
  onoff_state *s = g_new0(onoff_state, 1);
  s->on_time = p->on_time;
  s->off_time = p->off_time;
  ws_traffic_grid_init(&s->grid, p);
  return s;
}

/* One period length in ns, drawn anew from the flow's arrivals stream. */
static ws_time draw(const ws_dist *d, ws_rng *rng) {
  int64_t ns = ws_dist_sample_exact(d, rng);
  return ns > 0 ? ns : 0;
}

/* The wall time of the packet due at on-time next_on_ns, drawing periods
 * until an on period contains it. Saturates instead of overflowing. */
static ws_time map(onoff_state *s, ws_rng *rng) {
  for (;;) {
    ws_time into = s->next_on_ns - s->period_on0;
    if (into < s->period_end - s->period_start) return s->period_start + into;
    s->period_on0 += s->period_end - s->period_start;
    ws_time off = draw(&s->off_time, rng), on = draw(&s->on_time, rng);
    if (s->period_end > WS_TIME_MAX / 2 - off - on) return WS_TIME_MAX;
    s->period_start = s->period_end + off;
    s->period_end = s->period_start + on;
  }
}

static ws_time onoff_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  onoff_state *s = state;
  s->grid.acc = 0;
  s->next_on_ns = 0;
  s->period_on0 = 0;
  s->period_start = start_ns;
  s->period_end = start_ns + draw(&s->on_time, arrivals);
  return map(s, arrivals);
}

static ws_time onoff_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  onoff_state *s = state;
  (void)prev_ns;
  s->next_on_ns = ws_traffic_grid_next(&s->grid, s->next_on_ns);
  return map(s, arrivals);
}

const ws_traffic_gen_ops ws_traffic_onoff_ops = {
    .name = "onoff",
    .new_state = onoff_new,
    .free_state = g_free,
    .first = onoff_first,
    .next = onoff_next,
};
