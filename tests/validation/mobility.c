/* Validation of the random waypoint model's stationary start (issue 5):
 * with pause 0 and speeds uniform on [vmin, vmax] the mean speed, over time
 * and over nodes at any instant, is (vmax - vmin) / ln(vmax / vmin) (Navidi
 * & Camp 2004), and nodes crowd the centre of the area (Bettstetter et al.
 * 2003). Uses the mobility API directly, as the world's events would. */
#include <math.h>

#include "validation-int.h"
#include "wisim/mobility.h"
#include "wisim/rng.h"

#define RWP_SIDE_M 1000.0
#define RWP_VMIN 1.0
#define RWP_VMAX 20.0
enum {
  LONG_NODES = 100,       /* nodes of the long run */
  ENSEMBLE_NODES = 20000, /* nodes looked at at one instant */
};
#define LONG_RUN_NS (100000 * WS_S) /* ~1200 legs per node */
#define SAMPLE_NS (10 * WS_S)       /* position samples of the long run */
#define LATER_NS (600 * WS_S)       /* the second instant of the ensemble */

static bool in_centre(double x, double y) {
  return x > RWP_SIDE_M / 3 && x < 2 * RWP_SIDE_M / 3 && y > RWP_SIDE_M / 3 &&
         y < 2 * RWP_SIDE_M / 3;
}

static ws_mobility *rwp_node(const ws_mobility_config *c, unsigned i) {
  char name[32];
  g_snprintf(name, sizeof name, "ue rwp/%u", i);
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, name, "mobility");
  return ws_mobility_new(c, &rng, 0);
}

/* Moves m to t through its changes of course (the world's event would). */
static void run_to(ws_mobility *m, ws_time t) {
  while (ws_mobility_next_change(m) <= t) ws_mobility_advance(m, ws_mobility_next_change(m));
}

/* A node's time-averaged speed over [0, LONG_RUN_NS] (leg by leg, exact)
 * and the share of its position samples in the central ninth. */
static void long_run(ws_mobility *m, double *speed, double *centre) {
  double dist = 0;
  unsigned in = 0, n = 0;
  ws_time next_sample = 0;
  for (;;) {
    ws_time t0 = ws_mobility_leg_start(m), t1 = MIN(ws_mobility_next_change(m), LONG_RUN_NS);
    double x, y, vx, vy;
    ws_mobility_state(m, t0, NULL, NULL, &vx, &vy);
    dist += hypot(vx, vy) * ws_time_to_s(t1 - t0);
    for (; next_sample <= t1 && next_sample < LONG_RUN_NS; next_sample += SAMPLE_NS) {
      ws_mobility_state(m, next_sample, &x, &y, NULL, NULL);
      in += in_centre(x, y);
      n++;
    }
    if (t1 >= LONG_RUN_NS) break;
    ws_mobility_advance(m, t1);
  }
  *speed = dist / ws_time_to_s(LONG_RUN_NS);
  *centre = (double)in / n;
}

/* Bettstetter, Resta & Santi, "The node distribution of the random
 * waypoint mobility model for wireless ad hoc networks", IEEE TMC 2(3),
 * 2003, eq. 12: f(x, y) ~ 36/a^6 (x^2 - a^2/4)(y^2 - a^2/4) on the square
 * [-a/2, a/2]^2 (pause 0), integrated over the central ninth
 * [-a/6, a/6]^2: 36 (52/648)^2 = 0.2318. An approximation (the paper
 * gives its error as a few per cent), hence only a bound is claimed. */
#define BETTSTETTER_CENTRE (36 * (52.0 / 648) * (52.0 / 648))

/* mobility-rwp-stationary. A 1 km square, speeds uniform on 1..20 m/s
 * (a wide range, where the decay of a non-stationary start is largest: a
 * uniform start would give 10.5 m/s instead of 6.34), pause 0.
 * - Time average: 100 nodes over 100 000 s each (~1200 legs per node); the
 *   per-node averages give a mean and a 95% CI (< 1% of the reference is
 *   required, so that a 3% bias cannot hide); tolerance 3% (issue 5).
 * - Ensemble: 20 000 nodes at t = 0 (the stationary start alone) and at
 *   t = 600 s (about 7 legs later): the speed at an instant has sd 5.1 m/s,
 *   so the mean of 20 000 has se 0.036 m/s (0.6%): 3% is 5 se.
 * - Centre: the share of time (samples every 10 s) and of nodes at t = 0
 *   in the central ninth of the square must exceed the uniform 1/9; the
 *   two must agree (they are the same stationary probability; se about
 *   0.003 each), within 5%. */
void ws_vexp_mobility_rwp_stationary(GPtrArray *out) {
  const char *model = "random waypoint, 1 km square, 1..20 m/s, pause 0";
  ws_mobility_config c = {.kind = WS_MOBILITY_RANDOM_WAYPOINT,
                          .area_m = {0, 0, RWP_SIDE_M, RWP_SIDE_M}};
  if (!ws_units_parse_dist("1..20m/s", WS_UNIT_SPEED, &c.speed) ||
      !ws_units_parse_dist("0s", WS_UNIT_TIME, &c.pause)) {
    ws_validation_add_error(out, model, "cannot parse the speed or the pause");
    return;
  }
  double ref = (RWP_VMAX - RWP_VMIN) / log(RWP_VMAX / RWP_VMIN);
  const char *source = "Navidi & Camp, IEEE TMC 2004: (vmax - vmin) / ln(vmax / vmin)";

  ws_stat speed = {0}, centre_time = {0};
  for (unsigned i = 0; i < LONG_NODES; i++) {
    ws_mobility *m = rwp_node(&c, i);
    if (!m) {
      ws_validation_add_error(out, model, "the model refused the configuration");
      return;
    }
    double v, share;
    long_run(m, &v, &share);
    ws_stat_add(&speed, v);
    ws_stat_add(&centre_time, share);
    ws_mobility_free(m);
  }

  ws_stat v0 = {0}, v_later = {0}, centre0 = {0};
  for (unsigned i = 0; i < ENSEMBLE_NODES; i++) {
    ws_mobility *m = rwp_node(&c, LONG_NODES + i);
    double x, y, vx, vy;
    ws_mobility_state(m, 0, &x, &y, &vx, &vy);
    ws_stat_add(&v0, hypot(vx, vy));
    ws_stat_add(&centre0, in_centre(x, y));
    run_to(m, LATER_NS);
    ws_mobility_state(m, LATER_NS, NULL, NULL, &vx, &vy);
    ws_stat_add(&v_later, hypot(vx, vy));
    ws_mobility_free(m);
  }

  ws_validation_result *r = ws_validation_add_relative(
      out, model, "time-averaged speed, 100 nodes x 100 000 s", "m/s", ref, source,
      speed.mean, ws_stat_ci95(&speed), LONG_NODES, 0.03, NULL);
  ws_validation_require_ci(r, 0.01);
  ws_validation_add_relative(out, model, "mean speed of 20 000 nodes at t = 0", "m/s", ref,
                             source, v0.mean, ws_stat_ci95(&v0), ENSEMBLE_NODES, 0.03,
                             "the stationary start alone");
  ws_validation_add_relative(out, model, "mean speed of 20 000 nodes at t = 600 s", "m/s",
                             ref, source, v_later.mean, ws_stat_ci95(&v_later), ENSEMBLE_NODES,
                             0.03, "no decay after the start");
  const char *bsource = "Bettstetter et al., IEEE TMC 2003, eq. 12 (approx.); uniform = 1/9";
  ws_validation_add_bound(out, model, "share of time in the central 1/9 of the square", "",
                          BETTSTETTER_CENTRE, bsource, centre_time.mean,
                          ws_stat_ci95(&centre_time), LONG_NODES, WS_VCHECK_AT_LEAST, 1.0 / 9,
                          "denser than uniform at the centre");
  char *note = g_strdup_printf("long-run share %.4f", centre_time.mean);
  ws_validation_add_bound(out, model, "share of nodes in the central 1/9 at t = 0", "",
                          BETTSTETTER_CENTRE, bsource, centre0.mean, ws_stat_ci95(&centre0),
                          ENSEMBLE_NODES, WS_VCHECK_AT_LEAST, 1.0 / 9, note);
  g_free(note);
  ws_validation_add_relative(out, model, "centre share at t = 0 / long-run centre share", "", 1,
                             "stationary start: the same distribution at t = 0",
                             centre0.mean / centre_time.mean, NAN, 1, 0.05, NULL);
}
