/* wisim mobility models: each model is a sequence of straight legs with a
 * constant velocity; the position is interpolated from the current leg on
 * demand, and only the end of a leg is an event for the caller. Random
 * values come from the node's own stream, in a fixed order, so the same
 * stream always gives the same path. Sources are cited at each model. */
#include <math.h>
#include <string.h>

#include "wisim/csv.h"
#include "wisim/mobility.h"
#include "wisim/scenario.h"

#define TWO_PI (2 * M_PI)
/* Gauss-Markov's border zone, as a fraction of the area's smaller side
 * (docs/mobility.md): inside it the mean direction points back inside. */
#define GM_BORDER_FRACTION 0.1

/* ---- names ------------------------------------------------------------------ */

static const char *const kind_names[] = {
    [WS_MOBILITY_STATIC] = "static",
    [WS_MOBILITY_LINEAR] = "linear",
    [WS_MOBILITY_WAYPOINTS] = "waypoints",
    [WS_MOBILITY_RANDOM_WAYPOINT] = "random-waypoint",
    [WS_MOBILITY_RANDOM_WALK] = "random-walk",
    [WS_MOBILITY_GAUSS_MARKOV] = "gauss-markov",
    [WS_MOBILITY_TRACE] = "trace",
};

int ws_mobility_kind_from_name(const char *name) {
  g_return_val_if_fail(name != NULL, -1);
  for (unsigned i = 0; i < G_N_ELEMENTS(kind_names); i++)
    if (strcmp(name, kind_names[i]) == 0) return (int)i;
  return -1;
}

const char *ws_mobility_kind_name(ws_mobility_kind kind) {
  g_return_val_if_fail((unsigned)kind < G_N_ELEMENTS(kind_names), NULL);
  return kind_names[kind];
}

/* ---- the trace file ------------------------------------------------------------ */

struct ws_mobility_trace {
  GArray *t_ns; /* ws_time, non-decreasing */
  GArray *x_m;  /* double */
  GArray *y_m;  /* double */
};

/* A coordinate: a finite decimal number (sign, digits, '.', exponent), and
 * nothing else: no "nan", "inf" or hexadecimal forms. */
static bool parse_coord(const char *s, double *out) {
  if (!*s) return false;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit(*p) && !strchr("+-.eE", *p)) return false;
  char *end = NULL;
  double v = g_ascii_strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(v)) return false;
  *out = v;
  return true;
}

/* Splits "t,x,y" in place into exactly three stripped fields. */
static bool split3(char *text, char *field[3]) {
  field[0] = text;
  for (int i = 1; i < 3; i++) {
    char *comma = strchr(field[i - 1], ',');
    if (!comma) return false;
    *comma = '\0';
    field[i] = comma + 1;
  }
  if (strchr(field[2], ',')) return false;
  for (int i = 0; i < 3; i++) g_strstrip(field[i]);
  return true;
}

ws_mobility_trace *ws_mobility_trace_parse(const char *name, const char *data, size_t len,
                                           GError **error) {
  g_return_val_if_fail(name != NULL && (data != NULL || len == 0), NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  ws_mobility_trace *tr = g_new0(ws_mobility_trace, 1);
  tr->t_ns = g_array_new(FALSE, FALSE, sizeof(ws_time));
  tr->x_m = g_array_new(FALSE, FALSE, sizeof(double));
  tr->y_m = g_array_new(FALSE, FALSE, sizeof(double));
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, name, data, len, "time_s,x,y");
  char *text;
  ws_csv_status st;
  while ((st = ws_csv_reader_next(&rd, &text, error)) == WS_CSV_ROW) {
    char *field[3];
    ws_time t_ns = 0;
    double x = 0, y = 0;
    bool ok = split3(text, field) && ws_csv_parse_time(field[0], &t_ns) &&
              parse_coord(field[1], &x) && parse_coord(field[2], &y);
    if (!ok) {
      char *q = ws_csv_quote(&rd);
      ws_csv_fail(&rd, error,
                  "expected a row time_s,x,y such as 1.5,-20,310.25 (seconds >= 0 with at most 9 "
                  "decimals, x and y in metres), found \"%s\"", q);
      g_free(q);
      goto bad;
    }
    if (!ws_csv_check_time(&rd, t_ns, error)) goto bad;
    g_array_append_val(tr->t_ns, t_ns);
    g_array_append_val(tr->x_m, x);
    g_array_append_val(tr->y_m, y);
  }
  if (st == WS_CSV_ERROR) goto bad;
  if (tr->t_ns->len == 0) {
    ws_csv_fail(&rd, error, "expected at least one row time_s,x,y, found none");
    goto bad;
  }
  ws_csv_reader_clear(&rd);
  return tr;
bad:
  ws_csv_reader_clear(&rd);
  ws_mobility_trace_free(tr);
  return NULL;
}

ws_mobility_trace *ws_mobility_trace_load(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  char *data = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(path, &data, &len, &io)) {
    g_set_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO,
                "%s: cannot read the mobility trace: %s", path, io->message);
    g_error_free(io);
    return NULL;
  }
  ws_mobility_trace *tr = ws_mobility_trace_parse(path, data, len, error);
  g_free(data);
  return tr;
}

void ws_mobility_trace_free(ws_mobility_trace *tr) {
  if (!tr) return;
  g_array_free(tr->t_ns, TRUE);
  g_array_free(tr->x_m, TRUE);
  g_array_free(tr->y_m, TRUE);
  g_free(tr);
}

unsigned ws_mobility_trace_n_rows(const ws_mobility_trace *tr) {
  g_return_val_if_fail(tr != NULL, 0);
  return tr->t_ns->len;
}

void ws_mobility_trace_row(const ws_mobility_trace *tr, unsigned i, ws_time *t_ns, double *x_m,
                           double *y_m) {
  g_return_if_fail(tr != NULL && i < tr->t_ns->len);
  if (t_ns) *t_ns = g_array_index(tr->t_ns, ws_time, i);
  if (x_m) *x_m = g_array_index(tr->x_m, double, i);
  if (y_m) *y_m = g_array_index(tr->y_m, double, i);
}

/* ---- the model ------------------------------------------------------------------ */

/* One leg: from (x0, y0) at t0 with velocity (vx, vy). A bounded leg
 * (t1 < WS_TIME_MAX) also knows its end point (x1, y1) and is interpolated
 * between the two, so that it ends exactly there whatever the rounding of
 * t1 to a whole ns; an unbounded leg is x0 + v (t - t0). */
typedef struct {
  ws_time t0, t1;
  double x0, y0, x1, y1;
  double vx, vy; /* m/s, as reported */
} leg;

struct ws_mobility {
  ws_mobility_config cfg; /* waypoints and trace cleared: copied below */
  ws_rng rng;
  ws_time start_ns;
  leg cur;
  /* waypoints and trace: points (t, x, y), t absolute and non-decreasing */
  unsigned n_pts;
  ws_time *pt_t;
  double *pt_x, *pt_y;
  unsigned seg; /* the last point at or before the current leg's start */
  /* random walk and Gauss-Markov */
  ws_time period_end; /* end of the current period / step */
  double speed_mps;   /* speed of the current period (>= 0) */
  double dir_rad;     /* direction of the current period */
  bool dir_given;
  /* Gauss-Markov */
  double gm_s;        /* speed state s_n (may be negative: then at rest) */
  double gm_mean_s, gm_sd_s, gm_mean_d, gm_sd_d;
  /* random waypoint */
  bool paused;
};

/* t + dt_s in ns, at least one ns later, saturating at WS_TIME_MAX. */
static ws_time later(ws_time t, double dt_s) {
  double dt_ns = ceil(dt_s * 1e9);
  if (!(dt_ns < (double)(WS_TIME_MAX - t))) return WS_TIME_MAX;
  return t + MAX((ws_time)dt_ns, (ws_time)1);
}

static ws_time add_ns(ws_time t, ws_time dt_ns) {
  return dt_ns >= WS_TIME_MAX - t ? WS_TIME_MAX : t + dt_ns;
}

static void leg_unbounded(leg *l, ws_time t0, double x, double y, double vx, double vy) {
  *l = (leg){.t0 = t0, .t1 = WS_TIME_MAX, .x0 = x, .y0 = y, .x1 = x, .y1 = y, .vx = vx, .vy = vy};
}

static void leg_bounded(leg *l, ws_time t0, double x0, double y0, ws_time t1, double x1, double y1,
                        double vx, double vy) {
  g_assert(t1 > t0);
  *l = (leg){.t0 = t0, .t1 = t1, .x0 = x0, .y0 = y0, .x1 = x1, .y1 = y1, .vx = vx, .vy = vy};
}

/* a + f (b - a) for f in [0, 1], kept between a and b despite rounding. */
static double lerp(double a, double b, double f) {
  double v = a + f * (b - a);
  return CLAMP(v, MIN(a, b), MAX(a, b));
}

static void leg_at(const leg *l, ws_time t, double *x, double *y) {
  if (l->t1 == WS_TIME_MAX) {
    double dt_s = ws_time_to_s(t - l->t0);
    *x = l->x0 + l->vx * dt_s;
    *y = l->y0 + l->vy * dt_s;
  } else if (t == l->t1) {
    *x = l->x1;
    *y = l->y1;
  } else {
    double f = (double)(t - l->t0) / (double)(l->t1 - l->t0);
    *x = lerp(l->x0, l->x1, f);
    *y = lerp(l->y0, l->y1, f);
  }
}

/* ---- distributions: what the models need beyond ws_dist_sample ------------- */

/* A ws_dist counts as given when ws_units_parse_dist made it for unit; a
 * zeroed one (not given) reads as 0. */
static bool dist_given(const ws_dist *d, ws_unit_kind unit) {
  return d->a.kind == unit && !(unit == WS_UNIT_TIME && d->kind == WS_DIST_FIXED && d->a.exact == 0);
}

static bool dist_zero(const ws_dist *d) {
  return d->kind == WS_DIST_FIXED && d->a.value == 0;
}

/* Standard deviation of a distribution (INFINITY for Pareto shape <= 2). */
static double dist_sd(const ws_dist *d) {
  switch (d->kind) {
  case WS_DIST_FIXED:
    return 0;
  case WS_DIST_UNIFORM:
    return (d->b.value - d->a.value) / sqrt(12);
  case WS_DIST_EXP:
    return d->a.value;
  case WS_DIST_PARETO: {
    double k = d->shape, xm = d->a.value * (k - 1) / k;
    return k > 2 ? xm / (k - 1) * sqrt(k / (k - 2)) : INFINITY;
  }
  }
  g_return_val_if_reached(NAN);
}

/* E[1/V] of a speed that stays away from 0 (FIXED > 0, UNIFORM a > 0,
 * PARETO): Pareto(xm, k) has E[1/V] = k / ((k + 1) xm). */
static double inverse_speed_mean(const ws_dist *v) {
  double a = v->a.value, b = v->b.value;
  switch (v->kind) {
  case WS_DIST_FIXED:
    return 1 / a;
  case WS_DIST_UNIFORM:
    return b > a ? log(b / a) / (b - a) : 1 / a;
  case WS_DIST_PARETO: {
    double k = v->shape, xm = a * (k - 1) / k;
    return k / ((k + 1) * xm);
  }
  case WS_DIST_EXP:
    break;
  }
  return INFINITY;
}

/* A speed from the random waypoint's stationary speed density, which is
 * proportional to f(v) / v (Navidi & Camp 2004, sec. 3: time spent on a leg
 * is proportional to 1/v): for uniform on [a, b] the density is
 * 1 / (v ln(b/a)), sampled as a (b/a)^U; Pareto(xm, k) becomes
 * Pareto(xm, k + 1). */
static double stationary_speed(const ws_dist *v, ws_rng *rng) {
  double a = v->a.value, b = v->b.value;
  switch (v->kind) {
  case WS_DIST_FIXED:
    return a;
  case WS_DIST_UNIFORM:
    return b > a ? a * pow(b / a, ws_rng_uniform(rng)) : a;
  case WS_DIST_PARETO: {
    double k = v->shape, xm = a * (k - 1) / k;
    return xm * pow(ws_rng_uniform(rng), -1 / (k + 1));
  }
  case WS_DIST_EXP:
    break;
  }
  g_return_val_if_reached(a);
}

/* The remaining time of the pause a node is in at a random instant: the
 * pause it is in is length-biased (density p f(p) / E[P]) and the instant
 * is uniform within it (Navidi & Camp 2004, sec. 3; the residual life of a
 * renewal process). Seconds. */
static double residual_pause_s(const ws_dist *p, ws_rng *rng) {
  double a = p->a.value, b = p->b.value;
  switch (p->kind) {
  case WS_DIST_FIXED:
    return ws_rng_uniform(rng) * a;
  case WS_DIST_UNIFORM: {
    /* density proportional to p on [a, b]: inverse transform of p^2 */
    double biased = sqrt(a * a + ws_rng_uniform(rng) * (b * b - a * a));
    return ws_rng_uniform(rng) * biased;
  }
  case WS_DIST_EXP:
    return ws_rng_exp(rng, a); /* memoryless: the residual is the same law */
  case WS_DIST_PARETO: {
    /* p * p^-(k+1) = p^-k: Pareto(xm, k - 1) */
    double k = p->shape, xm = a * (k - 1) / k;
    double biased = xm * pow(ws_rng_uniform(rng), -1 / (k - 1));
    return ws_rng_uniform(rng) * biased;
  }
  }
  g_return_val_if_reached(0);
}

double ws_mobility_rect_mean_distance(double w_m, double h_m) {
  g_return_val_if_fail(w_m > 0 && h_m > 0, NAN);
  /* Ghosh, "Random distances within a rectangle and between two
   * rectangles", Bull. Calcutta Math. Soc. 43 (1951); for the unit square
   * (2 + sqrt 2 + 5 ln(1 + sqrt 2)) / 15 = 0.5214. */
  double a = w_m, b = h_m, d = hypot(a, b);
  return (a * a * a / (b * b) + b * b * b / (a * a) + d * (3 - a * a / (b * b) - b * b / (a * a))) /
             15 +
         (b * b / a * log((a + d) / b) + a * a / b * log((b + d) / a)) / 6;
}

/* ---- piecewise models: waypoints and trace ------------------------------------ */

/* The leg in force at t >= start: before the first point, wait there; then
 * the segment from the last point at or before t (the later one of equal
 * times) to the next; after the last point, stay there. */
static void piece_leg(ws_mobility *m, ws_time t) {
  unsigned n = m->n_pts;
  if (t < m->pt_t[0]) {
    leg_bounded(&m->cur, t, m->pt_x[0], m->pt_y[0], m->pt_t[0], m->pt_x[0], m->pt_y[0], 0, 0);
    return;
  }
  unsigned i = m->seg;
  while (i + 1 < n && m->pt_t[i + 1] <= t) i++;
  m->seg = i;
  if (i + 1 == n) {
    leg_unbounded(&m->cur, t, m->pt_x[i], m->pt_y[i], 0, 0);
    return;
  }
  double dt_s = ws_time_to_s(m->pt_t[i + 1] - m->pt_t[i]);
  leg_bounded(&m->cur, m->pt_t[i], m->pt_x[i], m->pt_y[i], m->pt_t[i + 1], m->pt_x[i + 1],
              m->pt_y[i + 1], (m->pt_x[i + 1] - m->pt_x[i]) / dt_s,
              (m->pt_y[i + 1] - m->pt_y[i]) / dt_s);
}

/* ---- random waypoint -------------------------------------------------------------- */

static void uniform_point(ws_mobility *m, double *x, double *y) {
  const double *ar = m->cfg.area_m;
  *x = ws_rng_range(&m->rng, ar[0], ar[2]);
  *y = ws_rng_range(&m->rng, ar[1], ar[3]);
}

/* A moving leg from (x, y) at t to (dx, dy) at speed v > 0. */
static void rwp_move(ws_mobility *m, ws_time t, double x, double y, double dx, double dy, double v) {
  double d = hypot(dx - x, dy - y);
  double vx = d > 0 ? (dx - x) / d * v : 0, vy = d > 0 ? (dy - y) / d * v : 0;
  leg_bounded(&m->cur, t, x, y, later(t, d / v), dx, dy, vx, vy);
  m->paused = false;
}

/* Johnson & Maltz 1996: a destination uniform in the area, a speed drawn
 * anew for every leg. */
static void rwp_new_leg(ws_mobility *m, ws_time t, double x, double y) {
  double dx, dy;
  uniform_point(m, &dx, &dy);
  double v = ws_dist_sample(&m->cfg.speed, &m->rng);
  rwp_move(m, t, x, y, dx, dy, v);
}

static void rwp_pause(ws_mobility *m, ws_time t, double x, double y, ws_time pause_ns) {
  leg_bounded(&m->cur, t, x, y, add_ns(t, pause_ns), x, y, 0, 0);
  m->paused = true;
}

/* The first leg, drawn from the stationary regime (Navidi & Camp, IEEE TMC
 * 3(1), 2004, sec. 4): paused with probability E[P] / (E[P] + E[T]) where
 * E[T] = E[D] E[1/V] is a leg's mean travel time, at a uniform point with
 * the residual of a length-biased pause; otherwise on a leg whose endpoints
 * have a density proportional to their distance (rejection against the
 * diagonal), at a uniform point of it, at a speed from the stationary
 * speed density. */
static void rwp_start(ws_mobility *m, ws_time t) {
  const double *ar = m->cfg.area_m;
  double w = ar[2] - ar[0], h = ar[3] - ar[1];
  double e_travel_s = ws_mobility_rect_mean_distance(w, h) * inverse_speed_mean(&m->cfg.speed);
  double e_pause_s = ws_dist_mean(&m->cfg.pause);
  double p_pause = e_pause_s > 0 ? e_pause_s / (e_pause_s + e_travel_s) : 0;
  if (ws_rng_bernoulli(&m->rng, p_pause)) {
    double x, y;
    uniform_point(m, &x, &y);
    double res_s = residual_pause_s(&m->cfg.pause, &m->rng);
    ws_time res_ns = res_s * 1e9 < (double)WS_TIME_MAX ? (ws_time)llround(res_s * 1e9) : WS_TIME_MAX;
    if (res_ns > 0) {
      rwp_pause(m, t, x, y, res_ns);
      return;
    }
    rwp_new_leg(m, t, x, y);
    return;
  }
  double diag = hypot(w, h), sx, sy, dx, dy;
  for (;;) {
    uniform_point(m, &sx, &sy);
    uniform_point(m, &dx, &dy);
    if (ws_rng_uniform(&m->rng) * diag <= hypot(dx - sx, dy - sy)) break;
  }
  double f = ws_rng_uniform(&m->rng);
  double x = CLAMP(sx + f * (dx - sx), ar[0], ar[2]), y = CLAMP(sy + f * (dy - sy), ar[1], ar[3]);
  rwp_move(m, t, x, y, dx, dy, stationary_speed(&m->cfg.speed, &m->rng));
}

static void rwp_advance(ws_mobility *m, ws_time t) {
  double x = m->cur.x1, y = m->cur.y1;
  if (m->paused) {
    rwp_new_leg(m, t, x, y);
    return;
  }
  ws_time pause_ns = ws_dist_sample_exact(&m->cfg.pause, &m->rng);
  if (pause_ns > 0)
    rwp_pause(m, t, x, y, pause_ns);
  else
    rwp_new_leg(m, t, x, y); /* pause 0: no zero-length leg */
}

/* ---- bounded movement: random walk and Gauss-Markov ------------------------------ */

/* A leg at (speed_mps, dir_rad) from (x, y) at t until the period's end or
 * the first wall, whichever comes first. A velocity pointing out of a wall
 * the node stands on is mirrored first: specular reflection, the angle of
 * reflection equals the angle of incidence (Camp et al. 2002, sec. 2.2). */
static void bounded_leg(ws_mobility *m, ws_time t, double x, double y) {
  const double *ar = m->cfg.area_m;
  double vx = m->speed_mps * cos(m->dir_rad), vy = m->speed_mps * sin(m->dir_rad);
  if ((x <= ar[0] && vx < 0) || (x >= ar[2] && vx > 0)) {
    vx = -vx;
    m->dir_rad = M_PI - m->dir_rad;
  }
  if ((y <= ar[1] && vy < 0) || (y >= ar[3] && vy > 0)) {
    vy = -vy;
    m->dir_rad = -m->dir_rad;
  }
  m->dir_rad = fmod(m->dir_rad, TWO_PI);
  if (m->dir_rad < 0) m->dir_rad += TWO_PI;
  double tx = vx > 0 ? (ar[2] - x) / vx : vx < 0 ? (ar[0] - x) / vx : INFINITY;
  double ty = vy > 0 ? (ar[3] - y) / vy : vy < 0 ? (ar[1] - y) / vy : INFINITY;
  double hit_s = MIN(tx, ty);
  ws_time t1 = m->period_end;
  double x1, y1;
  if (hit_s * 1e9 < (double)(m->period_end - t) && later(t, hit_s) < m->period_end) {
    t1 = later(t, hit_s);
    x1 = tx <= ty ? (vx > 0 ? ar[2] : ar[0]) : x + vx * hit_s;
    y1 = ty <= tx ? (vy > 0 ? ar[3] : ar[1]) : y + vy * hit_s;
  } else {
    double dt_s = ws_time_to_s(t1 - t);
    x1 = x + vx * dt_s;
    y1 = y + vy * dt_s;
  }
  x1 = CLAMP(x1, ar[0], ar[2]);
  y1 = CLAMP(y1, ar[1], ar[3]);
  if (t1 == WS_TIME_MAX)
    leg_unbounded(&m->cur, t, x, y, vx, vy);
  else
    leg_bounded(&m->cur, t, x, y, t1, x1, y1, vx, vy);
}

static ws_time period_ns(ws_mobility *m) {
  if (!dist_given(&m->cfg.direction_change, WS_UNIT_TIME)) return WS_S; /* Gauss-Markov default */
  return MAX(ws_dist_sample_exact(&m->cfg.direction_change, &m->rng), (ws_time)1);
}

static double deg_to_rad(double deg) {
  return deg * M_PI / 180;
}

/* Random walk (Camp et al. 2002, sec. 2.1): every period a new speed and a
 * new direction, uniform unless `direction` is given. */
static void rw_new_period(ws_mobility *m, ws_time t, double x, double y) {
  m->speed_mps = ws_dist_sample(&m->cfg.speed, &m->rng);
  m->dir_rad = m->dir_given ? deg_to_rad(ws_dist_sample(&m->cfg.direction, &m->rng))
                            : ws_rng_range(&m->rng, 0, TWO_PI);
  m->period_end = add_ns(t, period_ns(m));
  bounded_leg(m, t, x, y);
}

/* Gauss-Markov (Liang & Haas, INFOCOM 1999; Camp et al. 2002, sec. 2.5):
 * s_n = a s_{n-1} + (1 - a) s_mean + sqrt(1 - a^2) N(0, sigma_s), the same
 * for the direction. Within GM_BORDER_FRACTION of a border the mean
 * direction points back inside (Camp et al. 2002, Fig. 9: 0 deg near the
 * left edge, 45 deg near the bottom-left corner, ...); elsewhere it is the
 * node's own. The mean is taken on the branch nearest the current
 * direction, so that 350 deg and 0 deg blend to about 355 deg. */
static void gm_step(ws_mobility *m, ws_time t, double x, double y) {
  const double *ar = m->cfg.area_m;
  double a = m->cfg.memory, noise = sqrt(1 - a * a);
  double zone = GM_BORDER_FRACTION * MIN(ar[2] - ar[0], ar[3] - ar[1]);
  double nx = (x < ar[0] + zone) - (x > ar[2] - zone), ny = (y < ar[1] + zone) - (y > ar[3] - zone);
  double mean_d = nx != 0 || ny != 0 ? atan2(ny, nx) : m->gm_mean_d;
  mean_d = m->dir_rad + remainder(mean_d - m->dir_rad, TWO_PI);
  /* the two normal draws always happen, in this order, whatever a is */
  double zs = ws_rng_normal(&m->rng, 0, m->gm_sd_s), zd = ws_rng_normal(&m->rng, 0, m->gm_sd_d);
  m->gm_s = a * m->gm_s + (1 - a) * m->gm_mean_s + noise * zs;
  m->dir_rad = a * m->dir_rad + (1 - a) * mean_d + noise * zd;
  m->speed_mps = MAX(m->gm_s, 0);
  m->period_end = add_ns(t, period_ns(m));
  bounded_leg(m, t, x, y);
}

/* ---- life cycle ------------------------------------------------------------------- */

static bool check_dist(const char *what, const ws_dist *d, ws_unit_kind unit) {
  if (!dist_given(d, unit) && !dist_zero(d)) {
    g_critical("mobility: %s has the wrong unit", what);
    return false;
  }
  if (d->a.value < 0 || (d->kind == WS_DIST_UNIFORM && d->b.value < d->a.value) ||
      !isfinite(d->a.value)) {
    g_critical("mobility: %s is negative or not a valid range", what);
    return false;
  }
  return true;
}

static bool check_config(const ws_mobility_config *c) {
  if ((unsigned)c->kind >= G_N_ELEMENTS(kind_names)) {
    g_critical("mobility: unknown kind %d", (int)c->kind);
    return false;
  }
  if (!check_dist("speed", &c->speed, WS_UNIT_SPEED) ||
      !check_dist("pause", &c->pause, WS_UNIT_TIME) ||
      !check_dist("direction_change", &c->direction_change, WS_UNIT_TIME))
    return false;
  if (!dist_given(&c->direction, WS_UNIT_ANGLE) && !dist_zero(&c->direction)) {
    g_critical("mobility: direction has the wrong unit");
    return false;
  }
  bool bounded = c->kind == WS_MOBILITY_RANDOM_WAYPOINT || c->kind == WS_MOBILITY_RANDOM_WALK ||
                 c->kind == WS_MOBILITY_GAUSS_MARKOV;
  const double *ar = c->area_m;
  if (bounded && !(isfinite(ar[0]) && isfinite(ar[1]) && isfinite(ar[2]) && isfinite(ar[3]) &&
                   ar[0] < ar[2] && ar[1] < ar[3])) {
    g_critical("mobility: %s needs an area with XMIN < XMAX and YMIN < YMAX",
               kind_names[c->kind]);
    return false;
  }
  if ((c->kind == WS_MOBILITY_RANDOM_WALK || c->kind == WS_MOBILITY_GAUSS_MARKOV) &&
      !(c->x0_m >= ar[0] && c->x0_m <= ar[2] && c->y0_m >= ar[1] && c->y0_m <= ar[3])) {
    g_critical("mobility: %s starts at (%g, %g), outside its area", kind_names[c->kind], c->x0_m,
               c->y0_m);
    return false;
  }
  if (!isfinite(c->x0_m) || !isfinite(c->y0_m)) {
    g_critical("mobility: the start position is not finite");
    return false;
  }
  switch (c->kind) {
  case WS_MOBILITY_RANDOM_WAYPOINT:
    if (!dist_given(&c->speed, WS_UNIT_SPEED) || c->speed.kind == WS_DIST_EXP ||
        c->speed.a.value <= 0) {
      g_critical("mobility: random-waypoint needs a speed bounded away from 0 "
                 "(a fixed speed > 0, A..B with A > 0, or pareto)");
      return false;
    }
    break;
  case WS_MOBILITY_RANDOM_WALK:
    if (!dist_given(&c->direction_change, WS_UNIT_TIME)) {
      g_critical("mobility: random-walk needs direction_change");
      return false;
    }
    break;
  case WS_MOBILITY_GAUSS_MARKOV:
    if (!(c->memory >= 0 && c->memory <= 1)) {
      g_critical("mobility: gauss-markov memory %g is outside [0, 1]", c->memory);
      return false;
    }
    if (!isfinite(dist_sd(&c->speed)) ||
        (dist_given(&c->direction, WS_UNIT_ANGLE) && !isfinite(dist_sd(&c->direction)))) {
      g_critical("mobility: gauss-markov needs a speed and direction with a finite deviation");
      return false;
    }
    break;
  case WS_MOBILITY_WAYPOINTS:
    if (c->n_waypoints == 0 || c->waypoints == NULL) {
      g_critical("mobility: waypoints needs at least one point");
      return false;
    }
    for (unsigned i = 0; i < c->n_waypoints; i++) {
      const double *w = c->waypoints + 3 * i;
      if (!isfinite(w[0]) || !isfinite(w[1]) || !(w[2] >= 0 && w[2] < 9.2e9) ||
          (i > 0 && !(w[2] > w[-1]))) {
        g_critical("mobility: waypoint %u is not finite, or its time does not increase", i);
        return false;
      }
    }
    break;
  case WS_MOBILITY_TRACE:
    if (c->trace == NULL) {
      g_critical("mobility: trace needs a loaded trace");
      return false;
    }
    break;
  default:
    break;
  }
  return true;
}

ws_mobility *ws_mobility_new(const ws_mobility_config *cfg, const ws_rng *rng, ws_time start_ns) {
  g_return_val_if_fail(cfg != NULL && rng != NULL && start_ns >= 0, NULL);
  if (!check_config(cfg)) return NULL;
  ws_mobility *m = g_new0(ws_mobility, 1);
  m->cfg = *cfg;
  m->cfg.waypoints = NULL;
  m->cfg.trace = NULL;
  m->rng = *rng;
  m->start_ns = start_ns;
  m->dir_given = dist_given(&cfg->direction, WS_UNIT_ANGLE);
  switch (cfg->kind) {
  case WS_MOBILITY_STATIC:
    leg_unbounded(&m->cur, start_ns, cfg->x0_m, cfg->y0_m, 0, 0);
    break;
  case WS_MOBILITY_LINEAR: {
    double v = ws_dist_sample(&cfg->speed, &m->rng);
    double d = m->dir_given ? deg_to_rad(ws_dist_sample(&cfg->direction, &m->rng))
                            : ws_rng_range(&m->rng, 0, TWO_PI);
    leg_unbounded(&m->cur, start_ns, cfg->x0_m, cfg->y0_m, v * cos(d), v * sin(d));
    break;
  }
  case WS_MOBILITY_WAYPOINTS:
  case WS_MOBILITY_TRACE: {
    bool wp = cfg->kind == WS_MOBILITY_WAYPOINTS;
    m->n_pts = wp ? cfg->n_waypoints : ws_mobility_trace_n_rows(cfg->trace);
    m->pt_t = g_new(ws_time, m->n_pts);
    m->pt_x = g_new(double, m->n_pts);
    m->pt_y = g_new(double, m->n_pts);
    for (unsigned i = 0; i < m->n_pts; i++) {
      ws_time t_ns;
      if (wp) {
        m->pt_x[i] = cfg->waypoints[3 * i];
        m->pt_y[i] = cfg->waypoints[3 * i + 1];
        t_ns = (ws_time)llround(cfg->waypoints[3 * i + 2] * 1e9);
      } else {
        ws_mobility_trace_row(cfg->trace, i, &t_ns, &m->pt_x[i], &m->pt_y[i]);
      }
      m->pt_t[i] = add_ns(start_ns, t_ns);
    }
    piece_leg(m, start_ns);
    break;
  }
  case WS_MOBILITY_RANDOM_WAYPOINT:
    rwp_start(m, start_ns);
    break;
  case WS_MOBILITY_RANDOM_WALK:
    rw_new_period(m, start_ns, cfg->x0_m, cfg->y0_m);
    break;
  case WS_MOBILITY_GAUSS_MARKOV:
    m->gm_mean_s = ws_dist_mean(&cfg->speed);
    m->gm_sd_s = dist_sd(&cfg->speed);
    m->gm_s = ws_dist_sample(&cfg->speed, &m->rng);
    if (m->dir_given) {
      m->gm_mean_d = deg_to_rad(ws_dist_mean(&cfg->direction));
      m->gm_sd_d = deg_to_rad(dist_sd(&cfg->direction));
      m->dir_rad = deg_to_rad(ws_dist_sample(&cfg->direction, &m->rng));
    } else {
      /* no direction given: the node's own heading, uniform, is both its
       * start and its mean; the spread is that of a uniform angle */
      m->dir_rad = ws_rng_range(&m->rng, 0, TWO_PI);
      m->gm_mean_d = m->dir_rad;
      m->gm_sd_d = TWO_PI / sqrt(12);
    }
    m->speed_mps = MAX(m->gm_s, 0);
    m->period_end = add_ns(start_ns, period_ns(m));
    bounded_leg(m, start_ns, cfg->x0_m, cfg->y0_m);
    break;
  }
  return m;
}

void ws_mobility_free(ws_mobility *m) {
  if (!m) return;
  g_free(m->pt_t);
  g_free(m->pt_x);
  g_free(m->pt_y);
  g_free(m);
}

void ws_mobility_state(ws_mobility *m, ws_time t, double *x_m, double *y_m, double *vx_mps,
                       double *vy_mps) {
  g_return_if_fail(m != NULL);
  g_return_if_fail(t >= m->cur.t0 && t <= m->cur.t1);
  double x, y;
  leg_at(&m->cur, t, &x, &y);
  if (x_m) *x_m = x;
  if (y_m) *y_m = y;
  if (vx_mps) *vx_mps = m->cur.vx;
  if (vy_mps) *vy_mps = m->cur.vy;
}

ws_time ws_mobility_next_change(const ws_mobility *m) {
  g_return_val_if_fail(m != NULL, WS_TIME_MAX);
  return m->cur.t1;
}

ws_time ws_mobility_leg_start(const ws_mobility *m) {
  g_return_val_if_fail(m != NULL, 0);
  return m->cur.t0;
}

void ws_mobility_advance(ws_mobility *m, ws_time t) {
  g_return_if_fail(m != NULL);
  g_return_if_fail(t == m->cur.t1 && t != WS_TIME_MAX);
  double x = m->cur.x1, y = m->cur.y1;
  switch (m->cfg.kind) {
  case WS_MOBILITY_WAYPOINTS:
  case WS_MOBILITY_TRACE:
    piece_leg(m, t);
    break;
  case WS_MOBILITY_RANDOM_WAYPOINT:
    rwp_advance(m, t);
    break;
  case WS_MOBILITY_RANDOM_WALK:
    if (t == m->period_end)
      rw_new_period(m, t, x, y);
    else
      bounded_leg(m, t, x, y); /* a wall: reflect */
    break;
  case WS_MOBILITY_GAUSS_MARKOV:
    if (t == m->period_end)
      gm_step(m, t, x, y);
    else
      bounded_leg(m, t, x, y);
    break;
  case WS_MOBILITY_STATIC:
  case WS_MOBILITY_LINEAR:
    g_assert_not_reached(); /* their leg never ends */
  }
}

/* ---- mean speed --------------------------------------------------------------------- */

/* Path length over duration of points (t_ns, x, y). */
static double path_speed(unsigned n, const ws_time *t, const double *x, const double *y) {
  if (n < 2 || t[n - 1] == t[0]) return 0;
  double len = 0;
  for (unsigned i = 1; i < n; i++)
    if (t[i] > t[i - 1]) len += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
  return len / ws_time_to_s(t[n - 1] - t[0]);
}

double ws_mobility_mean_speed(const ws_mobility_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NAN);
  switch (cfg->kind) {
  case WS_MOBILITY_STATIC:
    return 0;
  case WS_MOBILITY_LINEAR:
  case WS_MOBILITY_RANDOM_WALK:
    /* the speed of a period does not depend on its length (nor on the
     * reflections), so the time average is the mean of the draws */
    return ws_dist_mean(&cfg->speed);
  case WS_MOBILITY_RANDOM_WAYPOINT: {
    /* renewal-reward over legs: E[D] / (E[D] E[1/V] + E[P]) (Navidi &
     * Camp 2004, sec. 3); pause 0, uniform speeds: (b - a) / ln(b / a) */
    const double *ar = cfg->area_m;
    if (!(ar[2] > ar[0] && ar[3] > ar[1])) return NAN;
    double ed = ws_mobility_rect_mean_distance(ar[2] - ar[0], ar[3] - ar[1]);
    return ed / (ed * inverse_speed_mean(&cfg->speed) + ws_dist_mean(&cfg->pause));
  }
  case WS_MOBILITY_GAUSS_MARKOV: {
    double mu = ws_dist_mean(&cfg->speed), sd = dist_sd(&cfg->speed);
    if (cfg->memory >= 1) return mu;
    if (sd == 0) return MAX(mu, 0);
    /* E[max(0, S)], S ~ N(mu, sd): mu Phi(mu/sd) + sd phi(mu/sd) */
    double z = mu / sd;
    return mu * 0.5 * erfc(-z / sqrt(2)) + sd * exp(-z * z / 2) / sqrt(TWO_PI);
  }
  case WS_MOBILITY_WAYPOINTS: {
    unsigned n = cfg->n_waypoints;
    if (n == 0 || !cfg->waypoints) return NAN;
    ws_time *t = g_new(ws_time, n);
    double *x = g_new(double, n), *y = g_new(double, n);
    for (unsigned i = 0; i < n; i++) {
      x[i] = cfg->waypoints[3 * i];
      y[i] = cfg->waypoints[3 * i + 1];
      t[i] = (ws_time)llround(cfg->waypoints[3 * i + 2] * 1e9);
    }
    double v = path_speed(n, t, x, y);
    g_free(t);
    g_free(x);
    g_free(y);
    return v;
  }
  case WS_MOBILITY_TRACE: {
    const ws_mobility_trace *tr = cfg->trace;
    if (!tr) return NAN;
    return path_speed(tr->t_ns->len, (const ws_time *)(void *)tr->t_ns->data,
                      (const double *)(void *)tr->x_m->data, (const double *)(void *)tr->y_m->data);
  }
  }
  return NAN;
}
