/* Tests of the mobility models (sim/mobility/mobility.c): linear and
 * waypoints against their closed forms, trace interpolation and the trace
 * parser's errors, continuity at every change of course, random walk and
 * Gauss-Markov inside their area with specular reflections, Gauss-Markov's
 * memory, the random waypoint's stationary start and mean speed, and
 * determinism. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/mobility.h"
#include "wisim/scenario.h"

static ws_dist dist(const char *text, ws_unit_kind unit) {
  ws_dist d;
  gboolean ok = ws_units_parse_dist(text, unit, &d);
  g_assert_true(ok);
  return d;
}

static ws_rng stream(const char *entity) {
  ws_rng r;
  ws_rng_init(&r, 42, 0, entity, "mobility");
  return r;
}

static ws_mobility *make(const ws_mobility_config *c, const char *entity, ws_time start) {
  ws_rng r = stream(entity);
  ws_mobility *m = ws_mobility_new(c, &r, start);
  g_assert_nonnull(m);
  return m;
}

/* Called for each leg [t0, t1] the walk passes (t1 clipped to until). */
typedef void (*leg_fn)(ws_mobility *m, ws_time t0, ws_time t1, void *ud);

/* Drives m through its changes of course as the world's events would, up
 * to until or max_changes changes, and checks that the position is
 * continuous at each one (within 1 nm: by construction a new leg starts at
 * the old one's end point exactly, so anything larger is a jump) and that
 * time moves forward. Returns the number of changes. */
static unsigned walk(ws_mobility *m, ws_time until, unsigned max_changes, leg_fn fn, void *ud) {
  unsigned n = 0;
  for (;;) {
    ws_time t0 = ws_mobility_leg_start(m), t1 = ws_mobility_next_change(m);
    if (fn) fn(m, t0, MIN(t1, until), ud);
    if (t1 > until || n >= max_changes) break;
    double xb, yb, xa, ya;
    ws_mobility_state(m, t1, &xb, &yb, NULL, NULL);
    ws_mobility_advance(m, t1);
    ws_mobility_state(m, t1, &xa, &ya, NULL, NULL);
    g_assert_cmpfloat(hypot(xa - xb, ya - yb), <=, 1e-9);
    g_assert_cmpint(ws_mobility_leg_start(m), ==, t1);
    g_assert_cmpint(ws_mobility_next_change(m), >, t1);
    n++;
  }
  return n;
}

static void test_names(void) {
  const char *names[] = {"static", "linear", "waypoints", "random-waypoint", "random-walk",
                         "gauss-markov", "trace"};
  for (int i = 0; i < 7; i++) {
    g_assert_cmpint(ws_mobility_kind_from_name(names[i]), ==, i);
    g_assert_cmpstr(ws_mobility_kind_name((ws_mobility_kind)i), ==, names[i]);
  }
  g_assert_cmpint(ws_mobility_kind_from_name("random_waypoint"), ==, -1);
  g_assert_cmpint(ws_mobility_kind_from_name(""), ==, -1);
}

static void test_static(void) {
  ws_mobility_config c = {.kind = WS_MOBILITY_STATIC, .x0_m = 3, .y0_m = -4};
  ws_mobility *m = make(&c, "ue s", 0);
  double x, y, vx, vy;
  ws_mobility_state(m, 1000 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 3);
  g_assert_cmpfloat(y, ==, -4);
  g_assert_cmpfloat(hypot(vx, vy), ==, 0);
  g_assert_cmpint(ws_mobility_next_change(m), ==, WS_TIME_MAX);
  g_assert_cmpfloat(ws_mobility_mean_speed(&c), ==, 0);
  ws_mobility_free(m);
}

/* x(t) = x0 + v cos(theta) t, y(t) = y0 + v sin(theta) t, angles
 * counter-clockwise from +X. Tolerance 1e-9 m on positions of ~100 m:
 * double rounding of a few operations (1e-14 relative). */
static void test_linear(void) {
  ws_mobility_config c = {.kind = WS_MOBILITY_LINEAR, .x0_m = 1, .y0_m = 2,
                          .speed = dist("36km/h", WS_UNIT_SPEED),
                          .direction = dist("120deg", WS_UNIT_ANGLE)};
  ws_mobility *m = make(&c, "ue l", 2 * WS_S);
  double x, y, vx, vy;
  ws_mobility_state(m, 9500 * WS_MS, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(x, 1 + 10 * cos(2 * M_PI / 3) * 7.5, 1e-9);
  g_assert_cmpfloat_with_epsilon(y, 2 + 10 * sin(2 * M_PI / 3) * 7.5, 1e-9);
  g_assert_cmpfloat_with_epsilon(vx, -5, 1e-12);
  g_assert_cmpfloat_with_epsilon(vy, 10 * sqrt(3) / 2, 1e-12);
  g_assert_cmpint(ws_mobility_next_change(m), ==, WS_TIME_MAX);
  g_assert_cmpfloat_with_epsilon(ws_mobility_mean_speed(&c), 10, 1e-12);
  ws_mobility_free(m);

  /* no direction: uniform, but the speed is the one given; a 0 direction
   * is 0, not "none" */
  ws_mobility_config u = {.kind = WS_MOBILITY_LINEAR, .speed = dist("3m/s", WS_UNIT_SPEED)};
  m = make(&u, "ue u", 0);
  ws_mobility_state(m, 0, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(hypot(vx, vy), 3, 1e-12);
  g_assert_cmpfloat(vy, !=, 0);
  ws_mobility_free(m);
  u.direction = dist("0deg", WS_UNIT_ANGLE);
  m = make(&u, "ue u", 0);
  ws_mobility_state(m, 0, &x, &y, &vx, &vy);
  g_assert_cmpfloat(vx, ==, 3);
  g_assert_cmpfloat(vy, ==, 0);
  ws_mobility_free(m);
}

/* Waypoints (0,0)@10s (100,0)@20s (100,50)@30s from start 3 s: wait at the
 * first point until 13 s, 10 m/s east, 5 m/s north, then stay. */
static void test_waypoints(void) {
  const double wp[] = {0, 0, 10, 100, 0, 20, 100, 50, 30};
  ws_mobility_config c = {.kind = WS_MOBILITY_WAYPOINTS, .waypoints = wp, .n_waypoints = 3};
  ws_time s = 3 * WS_S;
  ws_mobility *m = make(&c, "ue w", s);
  double x, y, vx, vy;
  ws_mobility_state(m, s + 5 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 0);
  g_assert_cmpfloat(y, ==, 0);
  g_assert_cmpfloat(vx, ==, 0);
  g_assert_cmpint(ws_mobility_next_change(m), ==, s + 10 * WS_S);
  ws_mobility_advance(m, s + 10 * WS_S);
  ws_mobility_state(m, s + 15 * WS_S + 500 * WS_MS, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(x, 55, 1e-9);
  g_assert_cmpfloat(y, ==, 0);
  g_assert_cmpfloat_with_epsilon(vx, 10, 1e-12);
  g_assert_cmpint(ws_mobility_next_change(m), ==, s + 20 * WS_S);
  ws_mobility_advance(m, s + 20 * WS_S);
  ws_mobility_state(m, s + 25 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(x, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon(y, 25, 1e-9);
  g_assert_cmpfloat_with_epsilon(vy, 5, 1e-12);
  ws_mobility_advance(m, s + 30 * WS_S);
  g_assert_cmpint(ws_mobility_next_change(m), ==, WS_TIME_MAX);
  ws_mobility_state(m, s + 1000 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 100);
  g_assert_cmpfloat(y, ==, 50);
  g_assert_cmpfloat(hypot(vx, vy), ==, 0);
  /* 150 m in 20 s */
  g_assert_cmpfloat_with_epsilon(ws_mobility_mean_speed(&c), 7.5, 1e-12);
  ws_mobility_free(m);
}

static ws_mobility_trace *parse(const char *text, GError **error) {
  return ws_mobility_trace_parse("tr.csv", text, strlen(text), error);
}

static void test_trace_parse(void) {
  GError *error = NULL;
  ws_mobility_trace *tr = parse("# walk\r\ntime_s,x,y\r\n\r\n2, 0,0\r\n 4.5 , -10 , 2.5e1 \r\n"
                                "4.5,100,-1E2\n6.000000001,0,0", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(ws_mobility_trace_n_rows(tr), ==, 4);
  struct { ws_time t; double x, y; } want[] = {
      {2 * WS_S, 0, 0}, {4500 * WS_MS, -10, 25}, {4500 * WS_MS, 100, -100}, {6 * WS_S + 1, 0, 0}};
  for (unsigned i = 0; i < 4; i++) {
    ws_time t;
    double x, y;
    ws_mobility_trace_row(tr, i, &t, &x, &y);
    g_assert_cmpint(t, ==, want[i].t);
    g_assert_cmpfloat(x, ==, want[i].x);
    g_assert_cmpfloat(y, ==, want[i].y);
  }
  ws_mobility_trace_free(tr);
}

/* Every bad input is an error naming tr.csv and the line. */
static void test_trace_errors(void) {
  struct { const char *text; const char *where; } cases[] = {
      {"", "tr.csv:1: expected at least one row"},
      {"time_s,x,y\n# nothing\n", "tr.csv:2: expected at least one row"},
      {"0,1\n", "tr.csv:1: expected a row time_s,x,y"},
      {"0,1,2,3\n", "tr.csv:1: expected a row time_s,x,y"},
      {"0,1,2\n1,a,2\n", "tr.csv:2: expected a row"},
      {"0,1,2\n1,nan,2\n", "tr.csv:2: expected a row"},
      {"0,1,2\n1,1,inf\n", "tr.csv:2: expected a row"},
      {"0,1,2\n1,1,0x10\n", "tr.csv:2: expected a row"},
      {"0,1,2\n1,1,1e999\n", "tr.csv:2: expected a row"},
      {"-1,1,2\n", "tr.csv:1: expected a row"},
      {"0.0000000001,1,2\n", "tr.csv:1: expected a row"},
      {"\n\n5,1,2\n4,1,2\n", "tr.csv:4: expected times in non-decreasing order"},
      {"0,1,2\ntime_s,x,y\n", "tr.csv:2: expected a row"},
      {"0,1,2\n1,1\0,2\n", "tr.csv:2: expected a row time_s,x,y, found a NUL byte"},
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    size_t len = strlen(cases[i].text);
    if (strstr(cases[i].where, "NUL")) len = 13;
    ws_mobility_trace *tr = ws_mobility_trace_parse("tr.csv", cases[i].text, len, &error);
    g_assert_null(tr);
    g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
    if (!g_str_has_prefix(error->message, cases[i].where))
      g_error("case %u: \"%s\" does not start with \"%s\"", i, error->message, cases[i].where);
    g_error_free(error);
  }
  GError *error = NULL;
  g_assert_null(ws_mobility_trace_load("/nonexistent/walk.csv", &error));
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO);
  g_assert_nonnull(strstr(error->message, "/nonexistent/walk.csv"));
  g_error_free(error);
}

/* Linear between samples, held before the first and after the last, and a
 * jump at two rows of the same time (the later one wins). */
static void test_trace_replay(void) {
  ws_mobility_trace *tr = parse("2,0,0\n4,20,-10\n4,100,100\n6,100,200\n", NULL);
  g_assert_nonnull(tr);
  ws_mobility_config c = {.kind = WS_MOBILITY_TRACE, .trace = tr};
  g_assert_cmpfloat_with_epsilon(ws_mobility_mean_speed(&c), (hypot(20, 10) + 100) / 4, 1e-12);
  ws_time s = 1 * WS_S;
  ws_mobility *m = make(&c, "ue t", s);
  double x, y, vx, vy;
  ws_mobility_state(m, s + WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 0);
  g_assert_cmpfloat(vx, ==, 0);
  g_assert_cmpint(ws_mobility_next_change(m), ==, s + 2 * WS_S);
  ws_mobility_advance(m, s + 2 * WS_S);
  ws_mobility_state(m, s + 3500 * WS_MS, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(x, 15, 1e-9);
  g_assert_cmpfloat_with_epsilon(y, -7.5, 1e-9);
  g_assert_cmpfloat_with_epsilon(vx, 10, 1e-12);
  g_assert_cmpfloat_with_epsilon(vy, -5, 1e-12);
  ws_mobility_advance(m, s + 4 * WS_S);
  ws_mobility_state(m, s + 4 * WS_S, &x, &y, NULL, NULL);
  g_assert_cmpfloat(x, ==, 100);
  g_assert_cmpfloat(y, ==, 100);
  ws_mobility_state(m, s + 5 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat_with_epsilon(y, 150, 1e-9);
  g_assert_cmpfloat_with_epsilon(vy, 50, 1e-12);
  ws_mobility_advance(m, s + 6 * WS_S);
  g_assert_cmpint(ws_mobility_next_change(m), ==, WS_TIME_MAX);
  ws_mobility_state(m, s + 60 * WS_S, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 100);
  g_assert_cmpfloat(y, ==, 200);
  g_assert_cmpfloat(vy, ==, 0);
  ws_mobility_free(m);
  ws_mobility_trace_free(tr);
}

typedef struct {
  const double *area;
  unsigned outside;   /* samples outside the area */
  unsigned samples;
  double moved_m;
  ws_rng pick;        /* where inside a leg to sample */
} inside_ctx;

/* Samples each leg at its ends and at a random instant. */
static void check_inside(ws_mobility *m, ws_time t0, ws_time t1, void *ud) {
  inside_ctx *c = ud;
  ws_time ts[3] = {t0, t1, t0 + (ws_time)ws_rng_below(&c->pick, (uint64_t)(t1 - t0) + 1)};
  for (int i = 0; i < 3; i++) {
    double x, y, vx, vy;
    ws_mobility_state(m, ts[i], &x, &y, &vx, &vy);
    c->samples++;
    if (!(x >= c->area[0] && x <= c->area[2] && y >= c->area[1] && y <= c->area[3])) c->outside++;
    if (i == 0) c->moved_m += hypot(vx, vy) * ws_time_to_s(t1 - t0);
  }
}

/* Continuity (walk's check) for every model that changes course, and the
 * bounded models inside their area at every sampled instant. */
static void test_continuity(void) {
  const double area[4] = {-100, 0, 300, 200};
  const double wp[] = {0, 0, 1, 10, 10, 2, 10, 10, 5, -40, 30, 7.25};
  ws_mobility_trace *tr = parse("0,0,0\n1,5,5\n1.5,7,-3\n10,0,0\n", NULL);
  ws_mobility_config cs[] = {
      {.kind = WS_MOBILITY_WAYPOINTS, .waypoints = wp, .n_waypoints = 4},
      {.kind = WS_MOBILITY_TRACE, .trace = tr},
      {.kind = WS_MOBILITY_RANDOM_WAYPOINT, .speed = dist("1..20m/s", WS_UNIT_SPEED),
       .pause = dist("0..5s", WS_UNIT_TIME)},
      {.kind = WS_MOBILITY_RANDOM_WAYPOINT, .speed = dist("pareto(3m/s, 3)", WS_UNIT_SPEED),
       .pause = dist("exp(2s)", WS_UNIT_TIME)},
      {.kind = WS_MOBILITY_RANDOM_WALK, .x0_m = 0, .y0_m = 100,
       .speed = dist("0..30m/s", WS_UNIT_SPEED), .direction_change = dist("exp(10s)", WS_UNIT_TIME)},
      {.kind = WS_MOBILITY_GAUSS_MARKOV, .x0_m = 299, .y0_m = 1, .memory = 0.8,
       .speed = dist("5..15m/s", WS_UNIT_SPEED)},
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cs); i++) {
    memcpy(cs[i].area_m, area, sizeof area);
    ws_mobility *m = make(&cs[i], "ue c", 0);
    inside_ctx ctx = {.area = area, .pick = stream("pick")};
    unsigned n = walk(m, 100000 * WS_S, 3000, check_inside, &ctx);
    bool bounded = i >= 2;
    g_assert_cmpuint(n, >=, bounded ? 3000 : 3);
    if (bounded) g_assert_cmpuint(ctx.outside, ==, 0);
    g_assert_cmpfloat(ctx.moved_m, >, 0);
    ws_mobility_free(m);
  }
  ws_mobility_trace_free(tr);
}

typedef struct {
  double last_vx, last_vy;
  unsigned walls;
  const double *area;
} reflect_ctx;

/* At a wall the velocity's normal component changes sign and its
 * tangential component stays (specular reflection): checked at every
 * change that is not a period end, i.e. with the same speed. */
static void check_reflection(ws_mobility *m, ws_time t0, ws_time t1, void *ud) {
  (void)t1;
  reflect_ctx *c = ud;
  double x, y, vx, vy;
  ws_mobility_state(m, t0, &x, &y, &vx, &vy);
  bool on_x = x == c->area[0] || x == c->area[2], on_y = y == c->area[1] || y == c->area[3];
  if (t0 > 0 && fabs(hypot(vx, vy) - hypot(c->last_vx, c->last_vy)) < 1e-12 && (on_x || on_y)) {
    c->walls++;
    /* the velocity is recomputed from the reflected angle: equal within
     * the rounding of cos and sin (1e-15 relative of <= 30 m/s) */
    g_assert_cmpfloat_with_epsilon(vx, (on_x ? -c->last_vx : c->last_vx), 1e-12);
    g_assert_cmpfloat_with_epsilon(vy, (on_y ? -c->last_vy : c->last_vy), 1e-12);
  }
  c->last_vx = vx;
  c->last_vy = vy;
}

static void test_random_walk_reflection(void) {
  /* by hand: from (90, 10) at 10 m/s, 30 deg, in [0, 100]^2 the node meets
   * x = 100 after 10 / (10 cos 30) = 1.1547 s at y = 10 + 5 * 1.1547 and
   * leaves at 150 deg (angle of incidence = angle of reflection: 30 deg
   * from the wall's normal on both sides) */
  ws_mobility_config c = {.kind = WS_MOBILITY_RANDOM_WALK, .x0_m = 90, .y0_m = 10,
                          .area_m = {0, 0, 100, 100}, .speed = dist("10m/s", WS_UNIT_SPEED),
                          .direction = dist("30deg", WS_UNIT_ANGLE),
                          .direction_change = dist("100s", WS_UNIT_TIME)};
  ws_mobility *m = make(&c, "ue r", 0);
  double hit_s = 1 / cos(M_PI / 6);
  ws_time hit = ws_mobility_next_change(m);
  /* the wall time is rounded up to the next ns */
  g_assert_cmpint(hit, >=, (ws_time)(hit_s * 1e9));
  g_assert_cmpint(hit, <=, (ws_time)(hit_s * 1e9) + 2);
  double x, y, vx, vy;
  ws_mobility_state(m, hit, &x, &y, &vx, &vy);
  g_assert_cmpfloat(x, ==, 100);
  g_assert_cmpfloat_with_epsilon(y, 10 + 5 * hit_s, 1e-6);
  double in_deg = atan2(vy, vx) * 180 / M_PI;
  ws_mobility_advance(m, hit);
  ws_mobility_state(m, hit, &x, &y, &vx, &vy);
  double out_deg = atan2(vy, vx) * 180 / M_PI;
  g_assert_cmpfloat_with_epsilon(in_deg, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon(out_deg, 150, 1e-9);
  /* next wall: x = 0 after crossing the 100 m width in 100 / (10 cos 30)
   * s, which is shorter than the 84 m to y = 100 at 5 m/s */
  ws_time t2 = ws_mobility_next_change(m);
  ws_mobility_state(m, t2, &x, &y, NULL, NULL);
  g_assert_cmpfloat(x, ==, 0);
  g_assert_cmpfloat_with_epsilon(y, 10 + 5 * hit_s + 5 * 10 * hit_s, 1e-6);
  ws_mobility_free(m);

  /* and at every wall of a long random walk */
  ws_mobility_config r = {.kind = WS_MOBILITY_RANDOM_WALK, .x0_m = 50, .y0_m = 20,
                          .area_m = {0, 0, 100, 40}, .speed = dist("1..30m/s", WS_UNIT_SPEED),
                          .direction_change = dist("5..60s", WS_UNIT_TIME)};
  m = make(&r, "ue r2", 0);
  reflect_ctx rc = {.area = r.area_m};
  walk(m, WS_TIME_MAX - 1, 20000, check_reflection, &rc);
  g_assert_cmpuint(rc.walls, >, 5000);
  ws_mobility_free(m);
}

/* Lag-1 sample autocorrelation. */
static double lag1(const double *v, unsigned n) {
  double mean = 0, num = 0, den = 0;
  for (unsigned i = 0; i < n; i++) mean += v[i] / n;
  for (unsigned i = 0; i < n; i++) den += (v[i] - mean) * (v[i] - mean);
  for (unsigned i = 1; i < n; i++) num += (v[i] - mean) * (v[i - 1] - mean);
  return num / den;
}

static double sample_sd(const double *v, unsigned n) {
  double mean = 0, m2 = 0;
  for (unsigned i = 0; i < n; i++) mean += v[i] / n;
  for (unsigned i = 0; i < n; i++) m2 += (v[i] - mean) * (v[i] - mean);
  return sqrt(m2 / (n - 1));
}

#define GM_STEPS 10000

/* Speeds and directions (deviation from the mean direction 0) of GM_STEPS
 * successive steps, far from any border. */
static void gm_series(double memory, double *speed, double *dev) {
  ws_mobility_config c = {.kind = WS_MOBILITY_GAUSS_MARKOV, .area_m = {-1e7, -1e7, 1e7, 1e7},
                          .memory = memory, .speed = dist("10..20m/s", WS_UNIT_SPEED),
                          .direction = dist("-30..30deg", WS_UNIT_ANGLE)};
  ws_mobility *m = make(&c, "ue g", 0);
  for (unsigned i = 0; i < GM_STEPS; i++) {
    ws_time t = ws_mobility_next_change(m);
    /* no direction_change: steps of 1 s, and no wall anywhere near */
    g_assert_cmpint(t - ws_mobility_leg_start(m), ==, WS_S);
    double vx, vy;
    ws_mobility_state(m, t, NULL, NULL, &vx, &vy);
    speed[i] = hypot(vx, vy);
    dev[i] = remainder(atan2(vy, vx), 2 * M_PI);
    ws_mobility_advance(m, t);
  }
  ws_mobility_free(m);
}

/* memory 1 keeps speed and direction; memory 0 draws independent ones (the
 * sample lag-1 autocorrelation of an i.i.d. series has standard error
 * 1/sqrt(N) = 0.01: bound 0.05 = 5 se); memory 0.9 gives an AR(1) with
 * lag-1 autocorrelation 0.9 (se sqrt((1 - 0.81)/N) = 0.0044: bound 0.03,
 * which also covers the O(1/N) bias of the estimator). The speed's and the
 * direction's stationary means and deviations follow the given ranges. */
static void test_gauss_markov_memory(void) {
  double *s = g_new(double, GM_STEPS), *d = g_new(double, GM_STEPS);
  gm_series(1, s, d);
  for (unsigned i = 1; i < GM_STEPS; i++) {
    g_assert_cmpfloat(s[i], ==, s[0]);
    g_assert_cmpfloat(d[i], ==, d[0]);
  }
  gm_series(0, s, d);
  g_assert_cmpfloat(fabs(lag1(s, GM_STEPS)), <, 0.05);
  g_assert_cmpfloat(fabs(lag1(d, GM_STEPS)), <, 0.05);
  double ms = 0, md = 0;
  for (unsigned i = 0; i < GM_STEPS; i++) {
    ms += s[i] / GM_STEPS;
    md += d[i] / GM_STEPS;
  }
  /* means 15 m/s and 0 deg, sd 2.89 m/s and 17.3 deg: 5 se = 0.14, 0.015 rad */
  g_assert_cmpfloat(fabs(ms - 15), <, 0.15);
  g_assert_cmpfloat(fabs(md), <, 0.016);
  /* the sqrt(1 - a^2) factor keeps the stationary deviation that of the
   * given range, whatever the memory: 2.887 m/s for 10..20 m/s (se of a
   * sample sd over N_eff = N (1 - a) / (1 + a) values: sd / sqrt(2 N_eff),
   * 0.7% at a = 0 and 3.1% at a = 0.9: bounds 5% and 15%) */
  g_assert_cmpfloat(fabs(sample_sd(s, GM_STEPS) / (10 / sqrt(12)) - 1), <, 0.05);
  gm_series(0.9, s, d);
  g_assert_cmpfloat(fabs(lag1(s, GM_STEPS) - 0.9), <, 0.03);
  g_assert_cmpfloat(fabs(lag1(d, GM_STEPS) - 0.9), <, 0.03);
  g_assert_cmpfloat(fabs(sample_sd(s, GM_STEPS) / (10 / sqrt(12)) - 1), <, 0.15);
  g_free(s);
  g_free(d);
}

typedef struct {
  const double *area;
  double zone_m;
  double in_zone_s, total_s;
} zone_ctx;

static void time_in_zone(ws_mobility *m, ws_time t0, ws_time t1, void *ud) {
  zone_ctx *c = ud;
  double x, y;
  ws_mobility_state(m, t0 + (t1 - t0) / 2, &x, &y, NULL, NULL);
  double dt = ws_time_to_s(t1 - t0);
  bool near = x < c->area[0] + c->zone_m || x > c->area[2] - c->zone_m ||
              y < c->area[1] + c->zone_m || y > c->area[3] - c->zone_m;
  c->in_zone_s += near ? dt : 0;
  c->total_s += dt;
}

/* With strong memory and a mean direction pointing at a wall, only the
 * border rule brings the node back: without it the node hugs the wall
 * (99.8% of its time in the 10% band, tried). With it 51%; the band is 36%
 * of the area. Bound: 70%. */
static void test_gauss_markov_border(void) {
  const double area[4] = {0, 0, 1000, 1000};
  ws_mobility_config c = {.kind = WS_MOBILITY_GAUSS_MARKOV, .x0_m = 500, .y0_m = 500,
                          .memory = 0.9, .speed = dist("5..15m/s", WS_UNIT_SPEED),
                          .direction = dist("-10..10deg", WS_UNIT_ANGLE)};
  memcpy(c.area_m, area, sizeof area);
  ws_mobility *m = make(&c, "ue b", 0);
  zone_ctx z = {.area = area, .zone_m = 100};
  walk(m, 20000 * WS_S, 100000, time_in_zone, &z);
  g_assert_cmpfloat(z.total_s, >=, 20000);
  g_test_message("share of time in the border band: %.3f", z.in_zone_s / z.total_s);
  g_assert_cmpfloat(z.in_zone_s / z.total_s, <, 0.7);
  ws_mobility_free(m);
}

typedef struct {
  double dist_m, time_s;
} speed_ctx;

static void accumulate(ws_mobility *m, ws_time t0, ws_time t1, void *ud) {
  speed_ctx *c = ud;
  double vx, vy;
  ws_mobility_state(m, t0, NULL, NULL, &vx, &vy);
  c->dist_m += hypot(vx, vy) * ws_time_to_s(t1 - t0);
  c->time_s += ws_time_to_s(t1 - t0);
}

/* Random waypoint with pauses on a 500 x 300 m area: the long-run speed of
 * 40 nodes against E[D] / (E[D] E[1/V] + E[P]); the stationary start: the
 * share of nodes paused at t = 0 against E[P] / (E[P] + E[T]) and their
 * mean speed at t = 0 against the same mean speed. Bounds: 4 standard
 * errors, estimated from the nodes (each run is independent). */
static void test_rwp_with_pause(void) {
  ws_mobility_config c = {.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 500, 300},
                          .speed = dist("1..10m/s", WS_UNIT_SPEED),
                          .pause = dist("2..8s", WS_UNIT_TIME)};
  double ed = ws_mobility_rect_mean_distance(500, 300);
  double et = ed * log(10) / 9, p_pause = 5 / (5 + et);
  double want = ws_mobility_mean_speed(&c);
  g_assert_cmpfloat_with_epsilon(want, ed / (et + 5), 1e-12);
  double sum = 0, sum2 = 0;
  unsigned nodes = 40;
  for (unsigned i = 0; i < nodes; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "ue rwp/%u", i);
    ws_mobility *m = make(&c, name, 0);
    speed_ctx sc = {0};
    walk(m, 20000 * WS_S, 1000000, accumulate, &sc);
    double v = sc.dist_m / sc.time_s;
    sum += v;
    sum2 += v * v;
    ws_mobility_free(m);
  }
  double mean = sum / nodes, se = sqrt((sum2 / nodes - mean * mean) / (nodes - 1));
  g_assert_cmpfloat(fabs(mean - want), <, 4 * se);
  g_assert_cmpfloat(se / want, <, 0.01); /* long enough to mean something */

  unsigned n0 = 20000, paused = 0;
  double v0 = 0;
  for (unsigned i = 0; i < n0; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "ue rwp/%u", i);
    ws_mobility *m = make(&c, name, 0);
    double vx, vy;
    ws_mobility_state(m, 0, NULL, NULL, &vx, &vy);
    paused += hypot(vx, vy) == 0;
    v0 += hypot(vx, vy) / n0;
    ws_mobility_free(m);
  }
  double se_p = sqrt(p_pause * (1 - p_pause) / n0);
  g_assert_cmpfloat(fabs((double)paused / n0 - p_pause), <, 4 * se_p);
  /* speed at t = 0: 0 with p_pause, else 1/v-weighted on [1, 10]: sd < 3.5 */
  g_assert_cmpfloat(fabs(v0 - want), <, 4 * 3.5 / sqrt(n0));
}

/* The stationary start puts a moving node on a leg chosen with probability
 * proportional to its length, at a uniform point of it: the distance left
 * to the destination, speed x time to the next change, then has the mean
 * E[D^2] / (2 E[D]) (renewal theory: the length-biased leg, halved), with
 * E[D^2] = (w^2 + h^2) / 6 for two uniform points of a w x h rectangle;
 * without the length bias it would be E[D] / 2, 19% less here. 20 000
 * nodes; the remaining distance has sd < 150 m: 4 se = 4.3 m, 2% of the
 * mean. */
static void test_rwp_stationary_leg(void) {
  ws_mobility_config c = {.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 500, 300},
                          .speed = dist("1..10m/s", WS_UNIT_SPEED)};
  double ed = ws_mobility_rect_mean_distance(500, 300);
  double want = (500.0 * 500 + 300 * 300) / 6 / (2 * ed);
  unsigned n = 20000;
  double sum = 0;
  for (unsigned i = 0; i < n; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "ue rwp/%u", i);
    ws_mobility *m = make(&c, name, 0);
    double vx, vy;
    ws_mobility_state(m, 0, NULL, NULL, &vx, &vy);
    sum += hypot(vx, vy) * ws_time_to_s(ws_mobility_next_change(m));
    ws_mobility_free(m);
  }
  g_assert_cmpfloat(fabs(sum / n - want), <, 4.3);
}

/* Ghosh's closed form against its known value for the unit square and
 * against a Monte-Carlo mean on a 2 x 1 rectangle (200 000 pairs, sd of
 * the distance < 0.6: 4 se = 0.0054). */
static void test_rect_mean_distance(void) {
  g_assert_cmpfloat_with_epsilon(ws_mobility_rect_mean_distance(1, 1),
                                 (2 + sqrt(2) + 5 * log(1 + sqrt(2))) / 15, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_mobility_rect_mean_distance(1, 1), 0.5214054, 1e-7);
  g_assert_cmpfloat_with_epsilon(ws_mobility_rect_mean_distance(500, 500), 260.7027, 1e-4);
  ws_rng r = stream("mc");
  double sum = 0;
  unsigned n = 200000;
  for (unsigned i = 0; i < n; i++) {
    double x1 = ws_rng_range(&r, 0, 2), y1 = ws_rng_uniform(&r);
    double x2 = ws_rng_range(&r, 0, 2), y2 = ws_rng_uniform(&r);
    sum += hypot(x2 - x1, y2 - y1);
  }
  g_assert_cmpfloat(fabs(sum / n - ws_mobility_rect_mean_distance(2, 1)), <, 0.0054);
  g_assert_cmpfloat_with_epsilon(ws_mobility_rect_mean_distance(2, 1),
                                 ws_mobility_rect_mean_distance(1, 2), 1e-12);
}

typedef struct {
  GArray *pts; /* double t, x, y */
} record_ctx;

static void record(ws_mobility *m, ws_time t0, ws_time t1, void *ud) {
  (void)t1;
  record_ctx *c = ud;
  double p[3] = {(double)t0, 0, 0};
  ws_mobility_state(m, t0, &p[1], &p[2], NULL, NULL);
  g_array_append_vals(c->pts, p, 3);
}

static GArray *path(const ws_mobility_config *c, const char *entity) {
  ws_mobility *m = make(c, entity, 0);
  record_ctx rc = {g_array_new(FALSE, FALSE, sizeof(double))};
  walk(m, WS_TIME_MAX - 1, 500, record, &rc);
  ws_mobility_free(m);
  return rc.pts;
}

/* The same stream gives the same path, bit for bit; another stream another. */
static void test_determinism(void) {
  ws_mobility_config cs[] = {
      {.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 100, 100},
       .speed = dist("1..3m/s", WS_UNIT_SPEED), .pause = dist("exp(3s)", WS_UNIT_TIME)},
      {.kind = WS_MOBILITY_RANDOM_WALK, .area_m = {0, 0, 100, 100}, .x0_m = 1, .y0_m = 1,
       .speed = dist("1..3m/s", WS_UNIT_SPEED), .direction_change = dist("1..9s", WS_UNIT_TIME)},
      {.kind = WS_MOBILITY_GAUSS_MARKOV, .area_m = {0, 0, 100, 100}, .x0_m = 1, .y0_m = 1,
       .memory = 0.5, .speed = dist("1..3m/s", WS_UNIT_SPEED)},
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cs); i++) {
    GArray *a = path(&cs[i], "ue d/1"), *b = path(&cs[i], "ue d/1"), *o = path(&cs[i], "ue d/2");
    g_assert_cmpuint(a->len, ==, b->len);
    g_assert_cmpint(memcmp(a->data, b->data, a->len * sizeof(double)), ==, 0);
    g_assert_true(a->len != o->len || memcmp(a->data, o->data, a->len * sizeof(double)) != 0);
    g_array_free(a, TRUE);
    g_array_free(b, TRUE);
    g_array_free(o, TRUE);
  }
}

/* Impossible configurations are refused with a critical, not a crash. */
static void test_bad_config(void) {
  const double bad_wp[] = {0, 0, 5, 1, 1, 5};
  struct { ws_mobility_config c; const char *msg; } cases[] = {
      {{.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 0, 10},
        .speed = dist("1m/s", WS_UNIT_SPEED)}, "*area*"},
      {{.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 10, 10},
        .speed = dist("0..1m/s", WS_UNIT_SPEED)}, "*bounded away from 0*"},
      {{.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 10, 10},
        .speed = dist("exp(1m/s)", WS_UNIT_SPEED)}, "*bounded away from 0*"},
      {{.kind = WS_MOBILITY_RANDOM_WAYPOINT, .area_m = {0, 0, 10, 10}}, "*bounded away from 0*"},
      {{.kind = WS_MOBILITY_RANDOM_WALK, .area_m = {0, 0, 10, 10},
        .speed = dist("1m/s", WS_UNIT_SPEED)}, "*direction_change*"},
      {{.kind = WS_MOBILITY_RANDOM_WALK, .area_m = {0, 0, 10, 10}, .x0_m = 11,
        .direction_change = dist("1s", WS_UNIT_TIME)}, "*outside*"},
      {{.kind = WS_MOBILITY_GAUSS_MARKOV, .area_m = {0, 0, 10, 10}, .memory = 1.5}, "*memory*"},
      {{.kind = WS_MOBILITY_GAUSS_MARKOV, .area_m = {0, 0, 10, 10},
        .speed = dist("pareto(1m/s, 1.5)", WS_UNIT_SPEED)}, "*deviation*"},
      {{.kind = WS_MOBILITY_WAYPOINTS, .waypoints = bad_wp, .n_waypoints = 2}, "*increase*"},
      {{.kind = WS_MOBILITY_WAYPOINTS}, "*at least one*"},
      {{.kind = WS_MOBILITY_TRACE}, "*trace*"},
      {{.kind = WS_MOBILITY_LINEAR, .speed = dist("1s", WS_UNIT_TIME)}, "*speed*unit*"},
      {{.kind = (ws_mobility_kind)99}, "*kind*"},
  };
  ws_rng r = stream("bad");
  for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_expect_message("mobility", G_LOG_LEVEL_CRITICAL, cases[i].msg);
    g_assert_null(ws_mobility_new(&cases[i].c, &r, 0));
    g_test_assert_expected_messages();
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/mobility/names", test_names);
  g_test_add_func("/mobility/static", test_static);
  g_test_add_func("/mobility/linear", test_linear);
  g_test_add_func("/mobility/waypoints", test_waypoints);
  g_test_add_func("/mobility/trace-parse", test_trace_parse);
  g_test_add_func("/mobility/trace-errors", test_trace_errors);
  g_test_add_func("/mobility/trace-replay", test_trace_replay);
  g_test_add_func("/mobility/continuity", test_continuity);
  g_test_add_func("/mobility/random-walk-reflection", test_random_walk_reflection);
  g_test_add_func("/mobility/gauss-markov-memory", test_gauss_markov_memory);
  g_test_add_func("/mobility/gauss-markov-border", test_gauss_markov_border);
  g_test_add_func("/mobility/rwp-with-pause", test_rwp_with_pause);
  g_test_add_func("/mobility/rwp-stationary-leg", test_rwp_stationary_leg);
  g_test_add_func("/mobility/rect-mean-distance", test_rect_mean_distance);
  g_test_add_func("/mobility/determinism", test_determinism);
  g_test_add_func("/mobility/bad-config", test_bad_config);
  return g_test_run();
}
