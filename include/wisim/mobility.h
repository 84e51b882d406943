/* wisim mobility: where a node is and how fast it goes, for the models of
 * SCENARIO-FORMAT.md [ue] `mobility` (static, linear, waypoints, random
 * waypoint, random walk, Gauss-Markov, trace). A model is a sequence of legs
 * (straight, constant-velocity pieces); positions are computed on demand from
 * the current leg and only the ends of legs ("changes of course") are events.
 * docs/mobility.md describes every model, its parameters and its sources. */
#ifndef WISIM_MOBILITY_H
#define WISIM_MOBILITY_H

#include <glib.h>
#include <stdbool.h>

#include "wisim/core.h"
#include "wisim/rng.h"
#include "wisim/units.h"

typedef enum {
  WS_MOBILITY_STATIC,
  WS_MOBILITY_LINEAR,
  WS_MOBILITY_WAYPOINTS,
  WS_MOBILITY_RANDOM_WAYPOINT,
  WS_MOBILITY_RANDOM_WALK,
  WS_MOBILITY_GAUSS_MARKOV,
  WS_MOBILITY_TRACE,
} ws_mobility_kind;

/* The kind of a scenario name ("static", "linear", "waypoints",
 * "random-waypoint", "random-walk", "gauss-markov", "trace"); -1 when
 * unknown. */
int ws_mobility_kind_from_name(const char *name);
/* The scenario name of a kind (static string). */
const char *ws_mobility_kind_name(ws_mobility_kind kind);

/* A loaded `trace = FILE.csv`: rows time_s,x,y (immutable; may be shared by
 * many nodes). */
typedef struct ws_mobility_trace ws_mobility_trace;

/* Parses a CSV trace: optional header line `time_s,x,y`, then rows
 * "time_s,x,y" (time in seconds >= 0 with at most 9 decimals, exact in ns;
 * x and y in metres, any finite decimal numbers); blank lines and lines
 * starting with '#' are skipped; CRLF is accepted; times must not decrease;
 * at least one row. Errors are WS_SCENARIO_ERROR_INVALID "NAME:LINE:
 * expected ..., found ..." (name is the file name used in messages). */
ws_mobility_trace *ws_mobility_trace_parse(const char *name, const char *data, size_t len,
                                           GError **error);
/* Reads and parses the file at path (WS_SCENARIO_ERROR_IO when unreadable). */
ws_mobility_trace *ws_mobility_trace_load(const char *path, GError **error);
void ws_mobility_trace_free(ws_mobility_trace *tr);
unsigned ws_mobility_trace_n_rows(const ws_mobility_trace *tr);
/* Row i: time in ns from the model's start, x and y in m (any may be NULL). */
void ws_mobility_trace_row(const ws_mobility_trace *tr, unsigned i, ws_time *t_ns, double *x_m,
                           double *y_m);

/* What a model needs; the loader fills it from a [ue] section. Which
 * fields each kind reads (the others are ignored):
 *   STATIC           x0_m, y0_m
 *   LINEAR           x0_m, y0_m, speed and direction (each drawn once)
 *   WAYPOINTS        waypoints, n_waypoints
 *   RANDOM_WAYPOINT  area_m, speed and pause (drawn anew per leg); the start
 *                    is drawn from the stationary regime: x0_m/y0_m ignored
 *   RANDOM_WALK      x0_m, y0_m, area_m, speed and direction (drawn anew per
 *                    period; direction uniform in [0, 360) deg when not
 *                    given), direction_change (the period)
 *   GAUSS_MARKOV     x0_m, y0_m, area_m, speed, direction (optional), memory,
 *                    direction_change (the time step; 1 s when not given)
 *   TRACE            trace
 * A ws_dist is "given" when its a.kind is the kind ws_units_parse_dist
 * gives it (WS_UNIT_SPEED, WS_UNIT_ANGLE, WS_UNIT_TIME with a.exact > 0 for
 * direction_change): a zeroed ws_dist is "not given" (speed 0). Times of
 * waypoints and traces count from the model's start (start_ns). */
typedef struct {
  ws_mobility_kind kind;
  double x0_m, y0_m;     /* start position */
  double area_m[4];      /* XMIN, YMIN, XMAX, YMAX (SCENARIO-FORMAT.md `area`) */
  ws_dist speed;         /* m/s (WS_UNIT_SPEED) */
  ws_dist direction;     /* degrees counter-clockwise from +X (WS_UNIT_ANGLE) */
  ws_dist pause;         /* s (WS_UNIT_TIME), random waypoint */
  ws_dist direction_change; /* s (WS_UNIT_TIME): random walk period, Gauss-Markov step */
  double memory;         /* Gauss-Markov alpha in [0, 1] */
  const double *waypoints; /* n_waypoints triples x_m, y_m, t_s (copied by _new) */
  unsigned n_waypoints;
  const ws_mobility_trace *trace; /* borrowed: must outlive the model */
} ws_mobility_config;

typedef struct ws_mobility ws_mobility;

/* Creates the model, valid from start_ns on. rng is copied: pass the node's
 * own stream, ws_rng_init(seed, run, "ue NAME", "mobility"); the model draws
 * from nothing else, so the same stream gives the same path. Returns NULL
 * with a g_critical for a configuration no checked scenario can give:
 *   - kind out of range; speed, pause or direction_change of a kind other
 *     than its unit's (when given), or a negative speed or pause value;
 *   - RANDOM_WAYPOINT, RANDOM_WALK, GAUSS_MARKOV: area with XMIN >= XMAX or
 *     YMIN >= YMAX, or a non-finite area;
 *   - RANDOM_WALK, GAUSS_MARKOV: start outside the area;
 *   - RANDOM_WAYPOINT: a speed that can be 0 or arbitrarily close to it
 *     (it must be FIXED > 0, UNIFORM with a > 0, or PARETO; EXP and a speed
 *     not given are refused): a leg at speed 0 would never end;
 *   - GAUSS_MARKOV: a speed without a finite standard deviation (PARETO
 *     with shape <= 2);
 *   - RANDOM_WALK: direction_change not given;
 *   - GAUSS_MARKOV: memory outside [0, 1];
 *   - WAYPOINTS: n_waypoints == 0, a non-finite value, or times not strictly
 *     increasing or negative;
 *   - TRACE: trace NULL. */
ws_mobility *ws_mobility_new(const ws_mobility_config *cfg, const ws_rng *rng, ws_time start_ns);
void ws_mobility_free(ws_mobility *m);

/* Position (m) and velocity (m/s) at t, from the current leg. t must lie in
 * [start of the current leg, ws_mobility_next_change(m)]: call
 * ws_mobility_advance at each change first (programmer error otherwise).
 * Any output pointer may be NULL. */
void ws_mobility_state(ws_mobility *m, ws_time t, double *x_m, double *y_m, double *vx_mps,
                       double *vy_mps);
/* Time of the next change of course: the end of a leg or a pause, a
 * direction change, a wall reflection (random walk, Gauss-Markov), a
 * Gauss-Markov step, the next waypoint or trace sample. WS_TIME_MAX when
 * nothing will change any more (static, linear, after the last waypoint or
 * trace row). */
ws_time ws_mobility_next_change(const ws_mobility *m);
/* Starts the next leg; t must equal ws_mobility_next_change(m). Draws the
 * new leg's random values from the model's stream. The position is
 * continuous across the change. */
void ws_mobility_advance(ws_mobility *m, ws_time t);
/* Start time of the current leg. */
ws_time ws_mobility_leg_start(const ws_mobility *m);

/* The model's long-run (time-averaged) mean speed in m/s where a closed form
 * is known, NAN otherwise:
 *   STATIC 0; LINEAR E[speed]; RANDOM_WALK E[speed];
 *   RANDOM_WAYPOINT E[D] / (E[D] E[1/V] + E[pause]) with E[D] the mean
 *     distance of two uniform points of the area (Ghosh 1951), which for
 *     pause 0 and speed uniform on [vmin, vmax] is
 *     (vmax - vmin) / ln(vmax / vmin) (Navidi & Camp 2004);
 *   GAUSS_MARKOV with memory < 1: E[max(0, S)], S ~ N(E[speed], sd(speed))
 *     (its stationary speed; negative draws stand still); memory 1: E[speed];
 *   WAYPOINTS, TRACE: path length / duration between the first and last
 *     point (0 for one point). */
double ws_mobility_mean_speed(const ws_mobility_config *cfg);

/* Mean distance (m) between two points drawn uniformly in a w x h rectangle
 * (Ghosh 1951); used by the random waypoint's stationary regime. */
double ws_mobility_rect_mean_distance(double w_m, double h_m);

#endif
