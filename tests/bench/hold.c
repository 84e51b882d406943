/* Hold-model benchmark of the event core (Vaucher & Duval, CACM 18(4),
 * 1975): P events pending; each executed event schedules one more at
 * now + Exp(mean 1 us). Usage: bench-hold P EVENTS [MEAN_NS]. Prints one
 * line: hold P=... events=... wall_s=... events_per_s=...  It reports, never
 * fails. MEAN_NS (default 1000) probes other time scales: at P = 10^6 and
 * 1 us the queue sees ~1000 events per ns, at 1 ms a sparse spread. */

#include "wisim/core.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  uint64_t rng_state; /* splitmix64 state */
  double mean_ns;     /* mean of the exponential delays */
  uint64_t remaining; /* events still to run in the timed phase */
} hold;

/* splitmix64 (Steele, Lea, Flood, OOPSLA 2014). The benchmark measures the
 * queue, not the RNG: a tiny local generator keeps the draw cheap. */
static inline uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Exp(mean) in ns by inversion: -ln(U) * mean, U in (0, 1]. */
static inline ws_time exp_delay_ns(hold *h) {
  double u = ((double)(splitmix64(&h->rng_state) >> 11) + 1.0) * 0x1.0p-53;
  return (ws_time)(-log(u) * h->mean_ns);
}

static void on_event(ws_sim *sim, void *ctx) {
  hold *h = ctx;
  ws_sim_schedule(sim, exp_delay_ns(h), on_event, h);
  if (--h->remaining == 0)
    ws_sim_stop(sim);
}

static uint64_t parse_count(const char *text) {
  char *end = NULL;
  double value = g_ascii_strtod(text, &end);  /* accepts 1e6 as well as 1000000 */
  if (end == text || *end != '\0' || !(value >= 1.0) || value > 1e15) {
    fprintf(stderr, "bench-hold: not a positive count: '%s'\n", text);
    exit(2);
  }
  return (uint64_t)value;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: bench-hold P EVENTS [MEAN_NS]\n");
    return 2;
  }
  uint64_t pending = parse_count(argv[1]);
  uint64_t events = parse_count(argv[2]);
  double mean_ns = argc == 4 ? (double)parse_count(argv[3]) : 1000.0;
  hold h = {.rng_state = 12345, .mean_ns = mean_ns, .remaining = events};
  ws_sim *sim = ws_sim_new();
  for (uint64_t k = 0; k < pending; k++)
    ws_sim_schedule(sim, exp_delay_ns(&h), on_event, &h);
  gint64 start_us = g_get_monotonic_time();
  uint64_t ran = ws_sim_run(sim);
  gint64 end_us = g_get_monotonic_time();
  double wall_s = (double)(end_us - start_us) / 1e6;
  if (wall_s <= 0)
    wall_s = 1e-6;
  printf("hold P=%" G_GUINT64_FORMAT " events=%" G_GUINT64_FORMAT, pending, ran);
  if (argc == 4)
    printf(" mean_ns=%.0f", mean_ns);
  printf(" wall_s=%.2f events_per_s=%.0f\n", wall_s, (double)ran / wall_s);
  ws_sim_free(sim);
  return 0;
}
