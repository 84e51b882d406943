/* wisim world builder, radio part: turns [radio], [cell], [layout], [ue]
 * and [handover] into a medium, a cell engine and their IP side (ws_ran),
 * moves the UEs and runs the measurement rounds, wires full-buffer flows
 * and cell events, samples the radio's time series and fills the rows of
 * cells.csv, ues.csv, handovers.csv and the coverage map. Placement and
 * defaults: docs/cells.md "Cells in a scenario", docs/mobility.md and
 * docs/handover.md "In a scenario". */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/antenna.h"
#include "wisim/cell.h"
#include "wisim/fading.h"
#include "wisim/handover.h"
#include "wisim/layout.h"
#include "wisim/link.h"
#include "wisim/medium.h"
#include "wisim/mobility.h"
#include "wisim/pathloss.h"
#include "wisim/phy.h"
#include "wisim/ran.h"
#include "wisim/rng.h"
#include "world-int.h"

/* The coverage map has at most this many squares per side. */
#define COVERAGE_MAX_SQUARES 100u
/* Height of the coverage map's receiver: the [ue] height default. */
#define COVERAGE_HEIGHT_M 1.5
/* The medium keeps every UE-cell link (its gain, shadowing and fading
 * state, some 450 B): at most this many, about 1 GB (57 cells x 35 000
 * UEs), so that a scenario asks for its memory rather than running out. */
#define MAX_RADIO_LINKS 2000000u
/* Backhaul links: an Ethernet MTU and a queue deep enough not to be the
 * bottleneck unless backhaul_rate makes it one (docs/cells.md). */
#define BACKHAUL_MTU_BYTES 1500u
#define BACKHAUL_QUEUE_PACKETS 1000u

typedef struct {
  char *name;
  const ws_group *g;    /* where its keys are read: its [cell] or [layout] */
  int site;             /* layout site, -1 for a [cell] */
  const ws_layout *layout; /* its layout, NULL for a [cell] */
  uint32_t layout_index;   /* index in its layout */
  double x_m, y_m, azimuth_deg; /* NAN azimuth: omni */
} wr_cell;

typedef struct {
  char *name;
  const ws_group *g;
  double x_m, y_m;      /* where it starts */
  bool fb_dl, fb_ul;    /* full-buffer flows */
  ws_mobility *mob;     /* NULL: static */
  char *entity;         /* "ue NAME", its streams' entity and the time series' */
} wr_ue;

typedef struct {
  ws_traffic *t;
  uint32_t ue;
  bool dl;
  uint64_t prev_bits;
} wr_fb;

typedef struct {
  ws_world_radio *r;
  uint32_t cell;
  bool on;
} wr_event;

typedef struct {
  uint64_t dl_bits, ul_bits, cqi_reports;
  double sinr_db_sum;
  const char *entity;   /* "ue NAME" (the wr_ue's) */
} wr_ue_prev;

typedef struct {
  uint64_t rbs_used, rbs_available, bits;
  char *entity;         /* "cell NAME" */
} wr_cell_prev;

struct ws_world_radio {
  ws_sim *sim;
  const ws_scenario *sc;
  ws_net *net;
  uint64_t seed, run;
  GPtrArray *warnings;  /* the world's (borrowed) */
  GArray *cells;        /* wr_cell */
  GArray *ues;          /* wr_ue */
  GPtrArray *layouts;   /* ws_layout *, owned */
  ws_fading_table *table;
  ws_medium *m;
  ws_ran *ran;
  ws_phy_carrier carrier;
  bool uplink;
  GPtrArray *mob_traces; /* ws_mobility_trace *, owned */
  GPtrArray *mob_bufs;  /* waypoint arrays, owned */
  bool mobile;          /* some UE moves */
  bool managed;         /* measurements and handover run */
  ws_handover_config ho;
  GArray *handovers;    /* ws_handover_row, after warmup */
  ws_world_handover_fn ho_tap;
  void *ho_tap_ctx;
  GArray *fb;           /* wr_fb */
  GPtrArray *events;    /* wr_event *, owned */
  wr_ue_prev *ue_prev;
  wr_cell_prev *cell_prev;
  ws_time warmup_ns, duration_ns;
  ws_cell_stats *cell_rows;
  ws_ue_stats *ue_rows;
  bool finished;
  ws_coverage cov;
  double *cov_sinr, *cov_rsrp;
  int32_t *cov_cell;
  const char **cell_names;
};

/* ---- reading the groups ------------------------------------------------------ */

/* A value of a key that may be random, drawn once for the entity from its
 * stream (seed, run, entity, key): keys that describe the entity. */
static double draw_once(const ws_world_radio *r, const ws_group *g, const char *key,
                        const char *entity) {
  ws_dist d = ws_group_dist(g, key);
  ws_rng rng;
  ws_rng_init(&rng, r->seed, r->run, entity, key);
  return ws_dist_sample(&d, &rng);
}

static void add_layout_cells(ws_world_radio *r, const ws_group *g, GString *errors) {
  int64_t sectors = ws_group_int(g, "sectors");
  if (sectors != 1 && sectors != 3) {
    ws_world_error(errors, r->sc, g, "sectors", "expected 1 or 3 sectors per site, found %" G_GINT64_FORMAT,
                   sectors);
    return;
  }
  double c[2] = {0, 0};
  ws_group_coords(g, "center", c, 2);
  ws_layout_config lc = {.rings = (uint32_t)ws_group_int(g, "rings"),
                         .isd_m = ws_group_quantity(g, "isd").value,
                         .center_x_m = c[0],
                         .center_y_m = c[1],
                         .sectors = (uint32_t)sectors,
                         .wrap_around = ws_group_bool(g, "wrap_around")};
  if (lc.rings > WS_LAYOUT_MAX_RINGS) {
    ws_world_error(errors, r->sc, g, "rings", "expected at most %d rings", WS_LAYOUT_MAX_RINGS);
    return;
  }
  ws_layout *lay = ws_layout_new(&lc);
  g_assert(lay != NULL); /* the loader checked isd > 0 */
  g_ptr_array_add(r->layouts, lay);
  for (uint32_t i = 0; i < ws_layout_n_cells(lay); i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(lay, i);
    wr_cell cell = {.name = ws_layout_cell_name(ws_group_name(g), lcell),
                    .g = g,
                    .site = (int)lcell->site,
                    .layout = lay,
                    .layout_index = i,
                    .x_m = lcell->x_m,
                    .y_m = lcell->y_m,
                    .azimuth_deg = sectors > 1 ? lcell->azimuth_deg : NAN,
};
    g_array_append_val(r->cells, cell);
  }
  if (sectors > 1 && ws_group_has(g, "azimuth"))
    ws_world_warn(r->warnings, r->sc, g, "azimuth",
                  "has no effect: the layout points its sectors at 30, 150 and 270deg");
}

/* [radio] into the medium's configuration (defaults when there is no
 * [radio] group: the same as its keys' defaults). */
static void radio_config(ws_world_radio *r, ws_medium_config *mc, GString *errors) {
  ws_medium_config_default(mc);
  mc->seed = r->seed;
  mc->run = r->run;
  const ws_group *g = ws_scenario_find(r->sc, "radio", NULL);
  if (!g) return;
  int model = ws_pathloss_model_from_name(ws_group_enum(g, "pathloss"));
  g_assert(model >= 0); /* the loader accepts only the models of the table */
  ws_pathloss_params_default(&mc->pathloss, (ws_pathloss_model)model);
  mc->pathloss.exponent = ws_group_number(g, "exponent");
  mc->pathloss.reference_distance_m = ws_group_quantity(g, "reference_distance").value;
  const char *env = ws_group_enum(g, "environment");
  mc->pathloss.environment = !strcmp(env, "suburban") ? WS_PATHLOSS_SUBURBAN
                             : !strcmp(env, "open")   ? WS_PATHLOSS_OPEN
                                                      : WS_PATHLOSS_URBAN;
  mc->pathloss.large_city = ws_group_bool(g, "large_city");
  /* shadowing: the model's own sigma (TR 38.901 Table 7.4.1-1, by LOS
   * state) for the 3GPP models, else 0 dB, unless given. */
  if (ws_group_has(g, "shadowing")) mc->shadowing_sigma_db = ws_group_quantity(g, "shadowing").value;
  else mc->shadowing_sigma_db = ws_pathloss_has_los_state(mc->pathloss.model) ? -1 : 0;
  mc->shadowing_decorrelation_m = ws_group_has(g, "shadowing_decorrelation")
                                      ? ws_group_quantity(g, "shadowing_decorrelation").value
                                      : -1;
  const char *fading = ws_group_enum(g, "fading");
  mc->fading = !strcmp(fading, "rayleigh") ? WS_FADING_RAYLEIGH
               : !strcmp(fading, "rician") ? WS_FADING_RICIAN
                                           : WS_FADING_NONE;
  mc->rician_k_db = ws_group_quantity(g, "rician_k").value;
  mc->doppler_speed_mps = ws_group_quantity(g, "doppler_speed").value;
  if (!(mc->doppler_speed_mps > 0))
    ws_world_error(errors, r->sc, g, "doppler_speed",
                   "expected a speed above 0 such as 3km/h (a channel that never changes is "
                   "fading = none)");
  mc->noise_figure_db = ws_group_quantity(g, "noise_figure").value;
  mc->temperature_k = ws_group_quantity(g, "temperature").value;
  if (mc->fading == WS_FADING_NONE) {
    static const char *const fading_keys[] = {"rician_k", "doppler_speed"};
    for (size_t i = 0; i < G_N_ELEMENTS(fading_keys); i++)
      if (ws_group_has(g, fading_keys[i]))
        ws_world_warn(r->warnings, r->sc, g, fading_keys[i], "has no effect: fading is none");
  }
}

/* The line to blame for a cell's key: the key's own, else the group's. */
static const char *key_or_null(const ws_group *g, const char *key) {
  return ws_group_has(g, key) ? key : NULL;
}

/* One cell's radio part, checking its carrier against the first cell's. */
static bool cell_radio(ws_world_radio *r, const wr_cell *cell, bool first, ws_medium_cell *mc,
                       GString *errors) {
  const ws_group *g = cell->g;
  unsigned mu = (unsigned)ws_group_int(g, "numerology");
  double bw = ws_group_quantity(g, "bandwidth").value;
  ws_phy_carrier car;
  char *why = NULL;
  if (!ws_phy_carrier_init(&car, mu, bw, &why)) {
    ws_world_error(errors, r->sc, g, ws_group_has(g, "bandwidth") ? "bandwidth" : "numerology",
                   "%s", why);
    g_free(why);
    return false;
  }
  if (first) {
    r->carrier = car;
  } else if (car.n_rb != r->carrier.n_rb || car.numerology != r->carrier.numerology) {
    ws_world_error(errors, r->sc, g, key_or_null(g, "bandwidth") ? "bandwidth" : key_or_null(g, "numerology"),
                   "every cell of a scenario shares one carrier: %g MHz at numerology %u here, "
                   "%g MHz at numerology %u at the first cell",
                   bw / 1e6, mu, r->carrier.bandwidth_hz / 1e6, r->carrier.numerology);
    return false;
  }
  memset(mc, 0, sizeof *mc);
  mc->name = cell->name;
  mc->x_m = cell->x_m;
  mc->y_m = cell->y_m;
  char *entity = g_strdup_printf("cell %s", cell->name);
  mc->height_m = draw_once(r, g, "height", entity);
  mc->tx_power_dbm = draw_once(r, g, "tx_power", entity);
  g_free(entity);
  mc->noise_figure_db = NAN;
  mc->frequency_hz = ws_group_quantity(g, "frequency").value;
  mc->carrier = car;
  /* A layout with sectors points sector antennas unless told otherwise. */
  const char *ant = ws_group_has(g, "antenna") || !cell->layout || isnan(cell->azimuth_deg)
                        ? ws_group_enum(g, "antenna")
                        : "sector";
  int kind = ws_antenna_kind_from_name(ant);
  g_assert(kind >= 0);
  ws_antenna_init(&mc->antenna, (ws_antenna_kind)kind);
  mc->antenna.gain_dbi = ws_group_quantity(g, "antenna_gain").value;
  mc->antenna.azimuth_deg =
      isnan(cell->azimuth_deg) ? ws_group_quantity(g, "azimuth").value : cell->azimuth_deg;
  mc->antenna.beamwidth_deg = ws_group_quantity(g, "beamwidth").value;
  mc->antenna.front_to_back_db = ws_group_quantity(g, "front_to_back").value;
  if (mc->height_m <= 0)
    ws_world_error(errors, r->sc, g, "height", "expected a base station height above 0m");
  return true;
}

/* The cell engine's settings of a cell ([cell] keys). */
static ws_cellnet_cell_params cell_params(const ws_group *g) {
  ws_cellnet_cell_params p = {.scheduler = ws_group_enum(g, "scheduler"),
                              .pf_window_ns = ws_group_time(g, "pf_window"),
                              .cqi_period_ns = ws_group_time(g, "cqi_period"),
                              .cqi_delay_ns = ws_group_time(g, "cqi_delay"),
                              .set_pc = true,
                              .pc_p0_dbm = ws_group_quantity(g, "pc_p0").value,
                              .pc_alpha = ws_group_number(g, "pc_alpha")};
  p.cqi_no_delay = p.cqi_delay_ns == 0;
  return p;
}

/* The keys each mobility model reads (SCENARIO-FORMAT.md [ue]). */
static const char *const motion_keys[] = {"speed", "direction", "waypoints", "pause",
                                          "direction_change", "memory", "trace"};

static bool model_uses(ws_mobility_kind kind, const char *key) {
  switch (kind) {
  case WS_MOBILITY_LINEAR: return !strcmp(key, "speed") || !strcmp(key, "direction");
  case WS_MOBILITY_WAYPOINTS: return !strcmp(key, "waypoints");
  case WS_MOBILITY_RANDOM_WAYPOINT: return !strcmp(key, "speed") || !strcmp(key, "pause");
  case WS_MOBILITY_RANDOM_WALK:
    return !strcmp(key, "speed") || !strcmp(key, "direction") || !strcmp(key, "direction_change");
  case WS_MOBILITY_GAUSS_MARKOV:
    return !strcmp(key, "speed") || !strcmp(key, "direction") || !strcmp(key, "memory") ||
           !strcmp(key, "direction_change");
  case WS_MOBILITY_TRACE: return !strcmp(key, "trace");
  default: return false;
  }
}

/* A key the model needs: an error naming an example when absent. */
static bool need(ws_world_radio *r, const ws_group *g, const char *key, const char *example,
                 GString *errors) {
  if (ws_group_has(g, key)) return true;
  ws_world_error(errors, r->sc, g, "mobility", "%s mobility needs %s (e.g. %s = %s)",
                 ws_group_enum(g, "mobility"), key, key, example);
  return false;
}

/* A mobility trace file, relative to the scenario's folder unless absolute. */
static const ws_mobility_trace *load_mobility_trace(ws_world_radio *r, const ws_group *g,
                                                    GString *errors) {
  const char *file = ws_group_string(g, "trace");
  char *path = ws_world_resolve_path(r->sc, file);
  GError *err = NULL;
  ws_mobility_trace *tr = ws_mobility_trace_load(path, &err);
  if (!tr) {
    ws_world_error(errors, r->sc, g, "trace", "%s", err->message);
    g_error_free(err);
  } else {
    g_ptr_array_add(r->mob_traces, tr);
  }
  g_free(path);
  return tr;
}

/* The mobility model of a [ue] group (docs/mobility.md): needed keys,
 * keys of other models (warnings), random waypoint's placement (ignored:
 * it starts in its stationary regime). False after adding an error. */
static bool mobility_config(ws_world_radio *r, const ws_group *g, ws_mobility_config *mc,
                            GString *errors) {
  size_t before = errors->len;
  memset(mc, 0, sizeof *mc);
  int kind = ws_mobility_kind_from_name(ws_group_enum(g, "mobility"));
  g_assert(kind >= 0); /* the loader accepts only the models of the table */
  mc->kind = (ws_mobility_kind)kind;
  double area[4] = {-500, -500, 500, 500};
  ws_group_coords(g, "area", area, 4);
  memcpy(mc->area_m, area, sizeof area);
  for (size_t k = 0; k < G_N_ELEMENTS(motion_keys); k++)
    if (ws_group_has(g, motion_keys[k]) && !model_uses(mc->kind, motion_keys[k]))
      ws_world_warn(r->warnings, r->sc, g, motion_keys[k], "has no effect: mobility is %s",
                    ws_mobility_kind_name(mc->kind));
  if (ws_group_has(g, "speed")) mc->speed = ws_group_dist(g, "speed");
  if (ws_group_has(g, "direction")) mc->direction = ws_group_dist(g, "direction");
  if (ws_group_has(g, "pause")) mc->pause = ws_group_dist(g, "pause");
  if (ws_group_has(g, "direction_change")) mc->direction_change = ws_group_dist(g, "direction_change");
  mc->memory = ws_group_number(g, "memory");
  switch (mc->kind) {
  case WS_MOBILITY_STATIC: break;
  case WS_MOBILITY_LINEAR:
    need(r, g, "speed", "10m/s", errors);
    need(r, g, "direction", "0deg", errors);
    break;
  case WS_MOBILITY_WAYPOINTS:
    if (need(r, g, "waypoints", "0,0@0s; 1000,0@100s", errors)) {
      unsigned n = ws_group_coords(g, "waypoints", NULL, 0);
      double *wp = g_new(double, n + 1);
      ws_group_coords(g, "waypoints", wp, n);
      g_ptr_array_add(r->mob_bufs, wp);
      mc->waypoints = wp;
      mc->n_waypoints = n / 3;
    }
    break;
  case WS_MOBILITY_RANDOM_WAYPOINT:
    if (need(r, g, "speed", "1..3m/s", errors)) {
      const ws_dist *v = &mc->speed;
      /* A leg at speed 0 would never end (docs/mobility.md). */
      bool positive = (v->kind == WS_DIST_FIXED && v->a.value > 0) ||
                      (v->kind == WS_DIST_UNIFORM && v->a.value > 0) || v->kind == WS_DIST_PARETO;
      if (!positive)
        ws_world_error(errors, r->sc, g, "speed", "random waypoint needs a speed that cannot be "
                       "0 or near it, such as 1..3m/s or 1.4m/s");
    }
    if (!ws_group_has(g, "pause")) ws_units_parse_dist("0s", WS_UNIT_TIME, &mc->pause);
    if (ws_group_has(g, "placement"))
      ws_world_warn(r->warnings, r->sc, g, "placement", "is ignored: random waypoint starts in "
                    "its stationary regime, spread over the area (docs/mobility.md)");
    break;
  case WS_MOBILITY_RANDOM_WALK:
    need(r, g, "speed", "1..3m/s", errors);
    need(r, g, "direction_change", "10s", errors);
    break;
  case WS_MOBILITY_GAUSS_MARKOV:
    need(r, g, "speed", "1..3m/s", errors);
    need(r, g, "memory", "0.75", errors);
    if (mc->speed.kind == WS_DIST_PARETO && mc->speed.shape <= 2)
      ws_world_error(errors, r->sc, g, "speed", "Gauss-Markov needs a speed with a finite "
                     "variance: a Pareto shape above 2");
    break;
  case WS_MOBILITY_TRACE:
    if (need(r, g, "trace", "walk.csv", errors)) mc->trace = load_mobility_trace(r, g, errors);
    break;
  }
  bool own_path = mc->kind == WS_MOBILITY_WAYPOINTS || mc->kind == WS_MOBILITY_TRACE;
  if (own_path && ws_group_has(g, "placement"))
    ws_world_warn(r->warnings, r->sc, g, "placement", "is ignored: %s starts at its first point",
                  ws_mobility_kind_name(mc->kind));
  bool bounded = mc->kind == WS_MOBILITY_RANDOM_WAYPOINT || mc->kind == WS_MOBILITY_RANDOM_WALK ||
                 mc->kind == WS_MOBILITY_GAUSS_MARKOV;
  if (bounded && !(area[2] > area[0] && area[3] > area[1]))
    ws_world_error(errors, r->sc, g, "area", "expected XMIN, YMIN, XMAX, YMAX with XMIN < XMAX "
                   "and YMIN < YMAX");
  return errors->len == before;
}

/* 3GPP's minimum distance between a UE and a site when dropping UEs (TR
 * 38.901 Table 7.2-1: 35 m UMa and RMa, 10 m UMi); none otherwise. */
static double min_drop_distance_m(ws_pathloss_model model) {
  switch (model) {
  case WS_PATHLOSS_3GPP_UMA:
  case WS_PATHLOSS_3GPP_RMA: return 35.0;
  case WS_PATHLOSS_3GPP_UMI: return 10.0;
  default: return 0.0;
  }
}

/* Places the members of a [ue] group (docs/cells.md, "Placement"). Each
 * member draws from its own stream (seed, run, "ue NAME/i", "placement"). */
static void add_ue_group(ws_world_radio *r, const ws_group *g, ws_pathloss_model model,
                         GString *errors) {
  const char *name = ws_group_name(g);
  int count = ws_group_count(g);
  unsigned n = count > 0 ? (unsigned)count : 1;
  /* Random waypoint places its UEs itself (its stationary regime): the
   * placement keys are not read (a warning says so). */
  const char *placement = !strcmp(ws_group_enum(g, "mobility"), "random-waypoint")
                              ? "uniform"
                              : ws_group_enum(g, "placement");
  double area[4] = {-500, -500, 500, 500}, center[2] = {0, 0};
  ws_group_coords(g, "area", area, 4);
  ws_group_coords(g, "center", center, 2);
  double radius = ws_group_has(g, "radius") ? ws_group_quantity(g, "radius").value : 0;
  double *points = NULL;
  unsigned n_points = 0;
  if (!strcmp(placement, "disc") && radius <= 0) {
    ws_world_error(errors, r->sc, g, "placement", "disc placement needs radius (e.g. 200m)");
    return;
  }
  if (!strcmp(placement, "uniform") && !(area[2] > area[0] && area[3] > area[1])) {
    ws_world_error(errors, r->sc, g, "area", "expected XMIN, YMIN, XMAX, YMAX with XMIN < XMAX "
                   "and YMIN < YMAX");
    return;
  }
  if (!strcmp(placement, "points")) {
    n_points = ws_group_coords(g, "points", NULL, 0) / 2;
    if (n_points == 0) {
      ws_world_error(errors, r->sc, g, "placement", "points placement needs points = X,Y; X,Y");
      return;
    }
    if (n_points != n) {
      ws_world_error(errors, r->sc, g, "points", "%u points for %u UE%s: give one point per UE%s",
                     n_points, n, n == 1 ? "" : "s", count > 0 ? "" : " (and count)");
      return;
    }
    points = g_new(double, 2 * n_points);
    ws_group_coords(g, "points", points, 2 * n_points);
  }
  unsigned per_cell = ws_group_has(g, "per_cell") ? (unsigned)ws_group_int(g, "per_cell") : 0;
  if (!strcmp(placement, "per-cell")) {
    for (unsigned i = 0; i < r->cells->len; i++) {
      const wr_cell *c = &g_array_index(r->cells, wr_cell, i);
      if (!c->layout && radius <= 0) {
        ws_world_error(errors, r->sc, g, "placement", "per-cell placement around [cell %s] needs "
                       "radius (UEs are dropped in a disc around it)", c->name);
        return;
      }
    }
    g_assert(per_cell > 0 && n == per_cell * r->cells->len); /* the loader's count */
  }
  ws_mobility_config mc;
  if (!mobility_config(r, g, &mc, errors)) {
    g_free(points);
    return;
  }
  for (unsigned i = 0; i < n; i++) {
    wr_ue ue = {.name = count > 0 ? g_strdup_printf("%s/%u", name, i) : g_strdup(name), .g = g};
    ue.entity = g_strdup_printf("ue %s", ue.name);
    ws_rng rng;
    ws_rng_init(&rng, r->seed, r->run, ue.entity, "placement");
    if (!strcmp(placement, "uniform")) {
      ue.x_m = ws_rng_range(&rng, area[0], area[2]);
      ue.y_m = ws_rng_range(&rng, area[1], area[3]);
    } else if (!strcmp(placement, "disc")) {
      ws_layout_drop_disc(center[0], center[1], radius, 0, &rng, &ue.x_m, &ue.y_m);
    } else if (!strcmp(placement, "points")) {
      ue.x_m = points[2 * i];
      ue.y_m = points[2 * i + 1];
    } else { /* per-cell: per_cell UEs around each cell, cell by cell */
      const wr_cell *c = &g_array_index(r->cells, wr_cell, i / per_cell);
      /* At most half the hexagon's apothem, so that small cells keep room. */
      double dmin = c->layout ? MIN(min_drop_distance_m(model),
                                    0.25 * sqrt(3.0) * ws_layout_hex_radius(c->layout))
                              : min_drop_distance_m(model);
      if (c->layout && radius <= 0)
        ws_layout_drop_hexagon(c->layout, c->layout_index, dmin, &rng, &ue.x_m, &ue.y_m);
      else
        ws_layout_drop_disc(c->x_m, c->y_m, radius, MIN(dmin, radius / 2), &rng, &ue.x_m,
                            &ue.y_m);
    }
    if (mc.kind != WS_MOBILITY_STATIC) {
      mc.x0_m = ue.x_m;
      mc.y0_m = ue.y_m;
      bool walls = mc.kind == WS_MOBILITY_RANDOM_WALK || mc.kind == WS_MOBILITY_GAUSS_MARKOV;
      if (walls && (ue.x_m < mc.area_m[0] || ue.x_m > mc.area_m[2] || ue.y_m < mc.area_m[1] ||
                    ue.y_m > mc.area_m[3])) {
        ws_world_error(errors, r->sc, g, "area", "%s starts at %.1f, %.1f, outside its area: "
                       "place the UEs inside it", ue.name, ue.x_m, ue.y_m);
        g_free(ue.name);
        g_free(ue.entity);
        break;
      }
      ws_rng mrng;
      ws_rng_init(&mrng, r->seed, r->run, ue.entity, "mobility");
      ue.mob = ws_mobility_new(&mc, &mrng, 0);
      g_assert(ue.mob != NULL); /* mobility_config checked what it refuses */
      ws_mobility_state(ue.mob, 0, &ue.x_m, &ue.y_m, NULL, NULL);
      r->mobile = true;
    }
    g_array_append_val(r->ues, ue);
  }
  g_free(points);
}

/* Load-time warnings for links outside the path loss model's validity
 * range (SCENARIO-FORMAT.md: a warning, not a silent extrapolation): one
 * per distinct reason, with how many UE-cell links it concerns. */
static void check_validity(ws_world_radio *r, const ws_medium_config *mc,
                           const ws_medium_cell *cells, const double *ue_h) {
  const ws_group *g = ws_scenario_find(r->sc, "radio", NULL);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal); /* static msg -> count */
  GPtrArray *order = g_ptr_array_new();
  uint64_t links = 0;
  for (unsigned u = 0; u < r->ues->len; u++) {
    const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    for (unsigned c = 0; c < r->cells->len; c++) {
      double d2d = mc->wrap_around ? ws_layout_distance(mc->layout, cells[c].x_m, cells[c].y_m,
                                                        ue->x_m, ue->y_m, NULL, NULL)
                                   : hypot(ue->x_m - cells[c].x_m, ue->y_m - cells[c].y_m);
      double dz = cells[c].height_m - ue_h[u];
      ws_pathloss_link l = {.d2d_m = d2d, .d3d_m = fmax(sqrt(d2d * d2d + dz * dz), 1e-3),
                            .freq_hz = cells[c].frequency_hz, .h_bs_m = cells[c].height_m,
                            .h_ut_m = ue_h[u]};
      const char *why = ws_pathloss_check(&mc->pathloss, &l);
      links++;
      if (!why) continue;
      gpointer n = g_hash_table_lookup(seen, why);
      if (!n) g_ptr_array_add(order, (gpointer)why);
      g_hash_table_insert(seen, (gpointer)why, GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
    }
  }
  for (unsigned i = 0; i < order->len; i++) {
    const char *why = g_ptr_array_index(order, i);
    unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, why));
    char *msg = g_strdup_printf("%u of %" G_GUINT64_FORMAT " UE-cell links are outside the "
                                "model's validity range (%s); the formula is used as it is",
                                n, links, why);
    if (g) ws_world_warn(r->warnings, r->sc, g, key_or_null(g, "pathloss"), "%s", msg);
    else g_ptr_array_add(r->warnings, g_strdup_printf("%s: warning: [radio] pathloss: %s",
                                                      ws_scenario_path(r->sc), msg));
    g_free(msg);
  }
  g_ptr_array_free(order, TRUE);
  g_hash_table_destroy(seen);
}

/* True when flow g's receiver sends packets back: TCP acknowledgements,
 * echo replies, responses. */
static bool flow_answers(const ws_group *g) {
  const char *type = ws_group_enum(g, "type");
  return !strcmp(ws_group_enum(g, "transport"), "tcp") || !strcmp(type, "ping") ||
         !strcmp(type, "request-response");
}

/* True when one of the members that ref (may be NULL) names is a key of set. */
static bool ref_meets(const ws_scenario *sc, const char *ref, GHashTable *set) {
  if (!ref) return false;
  char **names = ws_scenario_expand(sc, ref);
  bool hit = false;
  for (char **n = names; n && *n && !hit; n++) hit = g_hash_table_contains(set, *n);
  g_strfreev(names);
  return hit;
}

/* Does any flow need the uplink: a UE that sends, or one that answers? */
static bool needs_uplink(const ws_world_radio *r, GHashTable *ue_names) {
  for (unsigned i = 0; i < ws_scenario_n_groups(r->sc); i++) {
    const ws_group *g = ws_scenario_group(r->sc, i);
    if (strcmp(ws_group_kind(g), "flow") != 0) continue;
    if (ref_meets(r->sc, ws_group_string(g, "from"), ue_names) ||
        (flow_answers(g) && ref_meets(r->sc, ws_group_string(g, "to"), ue_names)))
      return true;
  }
  return false;
}

/* The cell a UE's `cell` key names: -1 for auto, else the given cell or
 * the strongest cell of the given layout. */
static int32_t chosen_cell(const ws_world_radio *r, uint32_t u) {
  const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
  if (ws_group_word(ue->g, "cell")) return -1; /* auto */
  const char *ref = ws_group_string(ue->g, "cell");
  int32_t best = -1;
  double best_rsrp = -INFINITY;
  for (unsigned c = 0; c < r->cells->len; c++) {
    const wr_cell *cell = &g_array_index(r->cells, wr_cell, c);
    bool match = !strcmp(cell->name, ref) || (cell->layout && !strcmp(ws_group_name(cell->g), ref));
    if (!match) continue;
    double rsrp = ws_medium_rsrp_dbm(r->m, u, c);
    if (best < 0 || rsrp > best_rsrp) {
      best = (int32_t)c;
      best_rsrp = rsrp;
    }
  }
  return best;
}

/* [handover] (or its defaults when the group is absent). */
static void handover_config(const ws_group *g, ws_handover_config *h) {
  ws_handover_config_default(h);
  if (!g) return;
  h->a3 = !strcmp(ws_group_enum(g, "algorithm"), "a3");
  h->hysteresis_db = ws_group_quantity(g, "hysteresis").value;
  h->offset_db = ws_group_quantity(g, "offset").value;
  h->time_to_trigger_ns = ws_group_time(g, "time_to_trigger");
  h->filter_coefficient = (unsigned)ws_group_int(g, "filter_coefficient");
  h->rlf_threshold_db = ws_group_quantity(g, "rlf_threshold").value;
  h->t310_ns = ws_group_time(g, "t310");
  h->measurement_interval_ns = ws_group_time(g, "measurement_interval");
  h->interruption_ns = ws_group_time(g, "interruption");
  h->forwarding = ws_group_bool(g, "forwarding");
  h->reestablishment_ns = ws_group_time(g, "reestablishment");
  h->pingpong_window_ns = ws_group_time(g, "pingpong_window");
}

/* The RAN's handovers, failures and re-establishments: rows of
 * handovers.csv after warmup, and the tap (the ascii trace). */
static void on_ran_event(void *ctx, const ws_ran_event *ev) {
  ws_world_radio *r = ctx;
  ws_handover_row row = {
      .time_ns = ev->time_ns,
      .ue = g_array_index(r->ues, wr_ue, ev->ue).name,
      .from_cell = ev->from >= 0 ? g_array_index(r->cells, wr_cell, ev->from).name : NULL,
      .to_cell = ev->to >= 0 ? g_array_index(r->cells, wr_cell, ev->to).name : NULL,
      .kind = ws_ran_event_kind_name(ev->kind),
      .x_m = ev->x_m,
      .y_m = ev->y_m,
      .serving_rsrp_dbm = ev->serving_rsrp_dbm,
      .target_rsrp_dbm = ev->target_rsrp_dbm,
  };
  if (ev->time_ns >= r->warmup_ns) g_array_append_val(r->handovers, row);
  if (r->ho_tap) r->ho_tap(r->ho_tap_ctx, &row);
}

/* A UE's change of course (the end of a leg, a pause, a reflection ...). */
static void mobility_change(ws_sim *sim, void *ctx) {
  wr_ue *ue = ctx;
  ws_mobility_advance(ue->mob, ws_sim_now(sim));
  ws_time next = ws_mobility_next_change(ue->mob);
  if (next != WS_TIME_MAX) ws_sim_schedule_at(sim, next, mobility_change, ue);
}

/* Every measurement_interval: the moving UEs' positions into the medium,
 * then the RAN's measurement round (handover, radio link failure). */
static void measurement_round(ws_sim *sim, void *ctx) {
  ws_world_radio *r = ctx;
  ws_time now = ws_sim_now(sim);
  for (unsigned u = 0; u < r->ues->len; u++) {
    wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    if (!ue->mob) continue;
    double x, y, vx, vy;
    ws_mobility_state(ue->mob, now, &x, &y, &vx, &vy);
    ws_medium_move_ue(r->m, u, x, y, hypot(vx, vy), now);
  }
  if (r->managed) ws_ran_measure(r->ran);
  ws_sim_schedule(sim, r->ho.measurement_interval_ns, measurement_round, r);
}

ws_world_radio *ws_world_radio_new(ws_sim *sim, const ws_scenario *sc, ws_net *net, uint64_t seed,
                                   uint64_t run, GString *errors, GPtrArray *warnings) {
  ws_world_radio *r = g_new0(ws_world_radio, 1);
  r->sim = sim;
  r->sc = sc;
  r->net = net;
  r->seed = seed;
  r->run = run;
  r->warnings = warnings;
  const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
  r->warmup_ns = ws_group_time(simg, "warmup");
  r->duration_ns = ws_group_time(simg, "duration");
  r->cells = g_array_new(FALSE, TRUE, sizeof(wr_cell));
  r->ues = g_array_new(FALSE, TRUE, sizeof(wr_ue));
  r->layouts = g_ptr_array_new_with_free_func((GDestroyNotify)ws_layout_free);
  r->fb = g_array_new(FALSE, TRUE, sizeof(wr_fb));
  r->events = g_ptr_array_new_with_free_func(g_free);
  r->mob_traces = g_ptr_array_new_with_free_func((GDestroyNotify)ws_mobility_trace_free);
  r->mob_bufs = g_ptr_array_new_with_free_func(g_free);
  r->handovers = g_array_new(FALSE, TRUE, sizeof(ws_handover_row));
  size_t before = errors->len;

  unsigned n_groups = ws_scenario_n_groups(sc);
  const ws_group *first_ue_group = NULL, *wrap_group = NULL;
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(sc, i);
    const char *kind = ws_group_kind(g);
    if (!strcmp(kind, "cell")) {
      double xy[2] = {0, 0};
      ws_group_coords(g, "position", xy, 2);
      wr_cell c = {.name = g_strdup(ws_group_name(g)), .g = g, .site = -1, .x_m = xy[0],
                   .y_m = xy[1]};
      c.azimuth_deg = !strcmp(ws_group_enum(g, "antenna"), "sector")
                          ? ws_group_quantity(g, "azimuth").value
                          : NAN;
      g_array_append_val(r->cells, c);
    } else if (!strcmp(kind, "layout")) {
      add_layout_cells(r, g, errors);
      if (ws_group_bool(g, "wrap_around")) wrap_group = g;
    } else if (!strcmp(kind, "ue") && !first_ue_group) {
      first_ue_group = g;
    }
  }
  if (r->cells->len == 0 && !first_ue_group) {
    ws_world_radio_free(r);
    return NULL;
  }
  if (r->cells->len == 0) {
    ws_world_error(errors, sc, first_ue_group, NULL, "UEs need cells: add a [cell] or a [layout]");
    return r;
  }
  ws_medium_config mc;
  radio_config(r, &mc, errors);
  if (wrap_group) {
    /* Wrap-around repeats one cluster: it must hold every cell. */
    if (r->layouts->len != 1 || (guint)ws_layout_n_cells(g_ptr_array_index(r->layouts, 0)) !=
                                    r->cells->len)
      ws_world_error(errors, sc, wrap_group, "wrap_around",
                     "wrap-around needs this layout to be the scenario's only cells");
    mc.layout = g_ptr_array_index(r->layouts, 0);
    mc.wrap_around = true;
  }
  if (errors->len != before) return r;
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(sc, i);
    if (!strcmp(ws_group_kind(g), "ue")) add_ue_group(r, g, mc.pathloss.model, errors);
  }
  if (errors->len != before) return r;
  if ((uint64_t)r->ues->len * r->cells->len > MAX_RADIO_LINKS) {
    ws_world_error(errors, sc, first_ue_group, NULL, "%u UEs x %u cells make %" G_GUINT64_FORMAT
                   " radio links, more than the %u wisim holds (about 450 B each): fewer UEs "
                   "or cells", r->ues->len, r->cells->len,
                   (uint64_t)r->ues->len * r->cells->len, MAX_RADIO_LINKS);
    return r;
  }

  /* The medium: cells, then UEs. */
  if (mc.fading != WS_FADING_NONE) {
    ws_rng rng;
    ws_rng_init(&rng, seed, run, "radio", "fading table");
    r->table = ws_fading_table_new(&rng, 0);
  }
  /* A moving UE's gains follow it at every measurement round (the only
   * time its position is given to the medium): after speed x
   * measurement_interval, 4 cm at walking speed, 1.2 m at 30 m/s with the
   * default 40 ms (docs/mobility.md). */
  if (r->mobile) mc.move_threshold_m = 0;
  r->m = ws_medium_new(&mc, r->table);
  g_assert(r->m != NULL);
  ws_medium_cell *mcells = g_new0(ws_medium_cell, r->cells->len);
  const ws_group *bad = NULL; /* a layout's problem is said once, not per cell */
  for (unsigned c = 0; c < r->cells->len; c++) {
    const wr_cell *cell = &g_array_index(r->cells, wr_cell, c);
    if (cell->g == bad) continue;
    if (cell_radio(r, cell, c == 0, &mcells[c], errors)) ws_medium_add_cell(r->m, &mcells[c]);
    else bad = cell->g;
  }
  if (errors->len != before) {
    g_free(mcells);
    return r;
  }
  for (unsigned c = 1; c < r->cells->len; c++)
    if (mcells[c].frequency_hz != mcells[0].frequency_hz) {
      const ws_group *g = g_array_index(r->cells, wr_cell, c).g;
      ws_world_warn(warnings, sc, g, key_or_null(g, "frequency"),
                    "cells on different frequencies still interfere with each other: wisim "
                    "models one carrier, the frequency only enters path loss and Doppler");
    }
  double *ue_h = g_new0(double, r->ues->len + 1);
  double *ue_p = g_new0(double, r->ues->len + 1);
  for (unsigned u = 0; u < r->ues->len; u++) {
    const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    ue_h[u] = draw_once(r, ue->g, "height", ue->entity);
    ue_p[u] = draw_once(r, ue->g, "tx_power", ue->entity);
    double vx = 0, vy = 0;
    if (ue->mob) ws_mobility_state(ue->mob, 0, NULL, NULL, &vx, &vy);
    if (ue_h[u] <= 0)
      ws_world_error(errors, sc, ue->g, "height", "expected a UE height above 0m");
    ws_medium_ue mu = {.name = ue->name, .x_m = ue->x_m, .y_m = ue->y_m, .height_m = ue_h[u],
                       .tx_power_dbm = ue_p[u],
                       .noise_figure_db = ws_group_has(ue->g, "noise_figure")
                                              ? ws_group_quantity(ue->g, "noise_figure").value
                                              : NAN,
                       .speed_mps = hypot(vx, vy)};
    ws_medium_add_ue(r->m, &mu);
  }
  if (errors->len == before) check_validity(r, &mc, mcells, ue_h);
  g_free(mcells);
  g_free(ue_h);
  if (errors->len != before) {
    g_free(ue_p);
    return r;
  }
  ws_medium_build(r->m, 0);

  /* The cell engine and its IP side. */
  GHashTable *ue_names = g_hash_table_new(g_str_hash, g_str_equal);
  for (unsigned u = 0; u < r->ues->len; u++)
    g_hash_table_add(ue_names, g_array_index(r->ues, wr_ue, u).name);
  r->uplink = needs_uplink(r, ue_names);
  g_hash_table_destroy(ue_names);
  ws_cellnet_config cc = {.carrier = r->carrier, .scheduler = "pf", .seed = seed, .run = run,
                          .uplink = r->uplink, .pc_p0_dbm = -90, .pc_alpha = 0.8,
                          .ue_pmax_dbm = 23};
  r->ran = ws_ran_new(net, r->m, &cc);
  g_assert(r->ran != NULL);
  ws_cellnet *cn = ws_ran_cellnet(r->ran);
  for (unsigned c = 0; c < r->cells->len; c++) {
    ws_cellnet_cell_params p = cell_params(g_array_index(r->cells, wr_cell, c).g);
    bool ok = ws_cellnet_set_cell_params(cn, c, &p);
    g_assert(ok);
  }
  for (unsigned u = 0; u < r->ues->len; u++) {
    ws_cellnet_set_ue_pmax(cn, u, ue_p[u]);
    ws_cellnet_attach(cn, u, chosen_cell(r, u));
  }
  g_free(ue_p);
  for (unsigned c = 0; c < r->cells->len; c++) {
    const wr_cell *cell = &g_array_index(r->cells, wr_cell, c);
    const char *up = ws_group_string(cell->g, "uplink");
    ws_node *uplink = ws_net_find_node(net, up ? up : "core");
    g_assert(uplink != NULL); /* the loader checked that it names a router */
    ws_link_config bl = {.rate_bps = ws_group_quantity(cell->g, "backhaul_rate").exact,
                         .delay_ns = ws_group_time(cell->g, "backhaul_delay"),
                         .mtu_bytes = BACKHAUL_MTU_BYTES,
                         .queue = {.discipline = "droptail", .limit = BACKHAUL_QUEUE_PACKETS}};
    if (!ws_ran_add_cell(r->ran, c, cell->name, uplink, &bl, seed, run))
      ws_world_error(errors, sc, cell->g, NULL, "the name %s is already taken", cell->name);
  }
  if (errors->len != before) return r;
  for (unsigned u = 0; u < r->ues->len; u++) {
    const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    if (!ws_ran_add_ue(r->ran, u, ue->name))
      ws_world_error(errors, sc, ue->g, NULL, "the name %s is already taken", ue->name);
  }
  /* Mobility management runs with a [handover] group or moving UEs;
   * static UEs without one keep their first cell (docs/handover.md). */
  const ws_group *ho = ws_scenario_find(sc, "handover", NULL);
  handover_config(ho, &r->ho);
  ws_ran_set_reestablishment(r->ran, r->ho.reestablishment_ns);
  r->managed = ho != NULL || r->mobile;
  if (r->managed) ws_ran_enable_handover(r->ran, &r->ho);
  ws_ran_set_event_fn(r->ran, on_ran_event, r);

  /* UEs that no cell can serve are kept (ues.csv says so), with a warning
   * per group. */
  double cqi1_db = ws_phy_cqi_threshold_db(1);
  const ws_group *cur = NULL;
  unsigned out = 0, members = 0;
  for (unsigned u = 0; u <= r->ues->len; u++) {
    const wr_ue *ue = u < r->ues->len ? &g_array_index(r->ues, wr_ue, u) : NULL;
    if (!ue || ue->g != cur) {
      if (cur && out)
        ws_world_warn(warnings, sc, cur, NULL, "%u of %u UEs are out of coverage (wideband SINR "
                      "below %.1f dB, the CQI 1 threshold, towards every cell): they get no "
                      "service and ues.csv marks them out_of_coverage", out, members, cqi1_db);
      cur = ue ? ue->g : NULL;
      out = members = 0;
    }
    if (!ue) break;
    members++;
    uint32_t best = ws_medium_best_cell(r->m, u);
    if (ws_medium_wideband_sinr_db(r->m, u, best, NULL) < cqi1_db) out++;
  }
  r->ue_prev = g_new0(wr_ue_prev, r->ues->len + 1);
  r->cell_prev = g_new0(wr_cell_prev, r->cells->len + 1);
  for (unsigned u = 0; u < r->ues->len; u++)
    r->ue_prev[u].entity = g_array_index(r->ues, wr_ue, u).entity;
  for (unsigned c = 0; c < r->cells->len; c++)
    r->cell_prev[c].entity = g_strdup_printf("cell %s", g_array_index(r->cells, wr_cell, c).name);
  return r;
}

void ws_world_radio_free(ws_world_radio *r) {
  if (!r) return;
  ws_ran_free(r->ran); /* before the net: it returns its packets to the pool */
  ws_medium_free(r->m);
  ws_fading_table_free(r->table);
  for (unsigned c = 0; c < r->cells->len; c++) {
    g_free(g_array_index(r->cells, wr_cell, c).name);
    if (r->cell_prev) g_free(r->cell_prev[c].entity);
  }
  for (unsigned u = 0; u < r->ues->len; u++) {
    wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    g_free(ue->name);
    g_free(ue->entity);
    ws_mobility_free(ue->mob);
  }
  g_ptr_array_free(r->mob_traces, TRUE);
  g_ptr_array_free(r->mob_bufs, TRUE);
  g_array_free(r->handovers, TRUE);
  g_array_free(r->cells, TRUE);
  g_array_free(r->ues, TRUE);
  g_ptr_array_free(r->layouts, TRUE);
  g_array_free(r->fb, TRUE);
  g_ptr_array_free(r->events, TRUE);
  g_free(r->ue_prev);
  g_free(r->cell_prev);
  g_free(r->cell_rows);
  g_free(r->ue_rows);
  g_free(r->cov_sinr);
  g_free(r->cov_rsrp);
  g_free(r->cov_cell);
  g_free(r->cell_names);
  g_free(r);
}

/* The UE of a node, -1 for another node (or before the RAN exists). */
static int32_t ue_of(const ws_world_radio *r, const ws_node *n) {
  return r->ran ? ws_ran_ue_of_node(r->ran, n) : -1;
}

bool ws_world_radio_is_ue(const ws_world_radio *r, const ws_node *n) {
  return r && ue_of(r, n) >= 0;
}

/* The first packet flow that uses UE name's direction (dl: towards the UE)
 * besides the full-buffer flows, or NULL: the UE's buffer in that direction
 * is never empty, so there is no room for packets (TCP acknowledgements and
 * replies count on the way back). */
static const ws_group *packet_flow_sharing(const ws_world_radio *r, const char *name, bool dl) {
  GHashTable *ue = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_add(ue, (char *)name);
  const ws_group *found = NULL;
  for (unsigned i = 0; i < ws_scenario_n_groups(r->sc) && !found; i++) {
    const ws_group *g = ws_scenario_group(r->sc, i);
    if (strcmp(ws_group_kind(g), "flow") != 0 || !strcmp(ws_group_enum(g, "type"), "full-buffer"))
      continue;
    /* dl: packets reach the UE as the flow's `to`, or as answers to its `from` */
    const char *toward = ws_group_string(g, dl ? "to" : "from");
    const char *away = ws_group_string(g, dl ? "from" : "to");
    if (ref_meets(r->sc, toward, ue) || (flow_answers(g) && ref_meets(r->sc, away, ue)))
      found = g;
  }
  g_hash_table_destroy(ue);
  return found;
}

bool ws_world_radio_full_buffer(ws_world_radio *r, const ws_scenario *sc, const ws_group *g,
                                ws_node *src, ws_node *dst, ws_traffic *t, GString *errors) {
  int32_t us = r ? ue_of(r, src) : -1, ud = r ? ue_of(r, dst) : -1;
  if ((us >= 0) == (ud >= 0)) {
    ws_world_error(errors, sc, g, "type", "a full-buffer flow runs over one radio link: one end "
                   "must be a UE, the other not (%s to %s)", ws_node_name(src), ws_node_name(dst));
    return false;
  }
  bool dl = ud >= 0;
  uint32_t ue = (uint32_t)(dl ? ud : us);
  wr_ue *u = &g_array_index(r->ues, wr_ue, ue);
  if (dl ? u->fb_dl : u->fb_ul) {
    ws_world_error(errors, sc, g, NULL, "UE %s has a full-buffer flow in that direction already",
                   u->name);
    return false;
  }
  const ws_group *other = packet_flow_sharing(r, u->name, dl);
  if (other) {
    ws_world_error(errors, sc, g, NULL, "UE %s also carries [flow %s] %s: a full-buffer UE's "
                   "buffer is never empty, so packets would never leave; give that flow "
                   "another UE", u->name, ws_group_name(other), dl ? "downlink" : "uplink");
    return false;
  }
  ws_cellnet *cn = ws_ran_cellnet(r->ran);
  bool ok = dl ? ws_cellnet_set_full_buffer(cn, ue, true) : ws_cellnet_set_ul_full_buffer(cn, ue, true);
  g_assert(ok);
  if (dl) u->fb_dl = true;
  else u->fb_ul = true;
  wr_fb f = {.t = t, .ue = ue, .dl = dl};
  g_array_append_val(r->fb, f);
  return true;
}

static void cell_event(ws_sim *sim, void *ctx) {
  (void)sim;
  wr_event *e = ctx;
  ws_ran_set_cell_on(e->r->ran, e->cell, e->on);
}

bool ws_world_radio_event(ws_world_radio *r, const ws_scenario *sc, const ws_group *g, bool on,
                          ws_time at, const char *target, GString *errors) {
  char **names = r && target ? ws_scenario_expand(sc, target) : NULL;
  unsigned found = 0;
  for (char **n = names; n && *n; n++)
    for (unsigned c = 0; c < r->cells->len; c++) {
      if (strcmp(g_array_index(r->cells, wr_cell, c).name, *n) != 0) continue;
      found++;
      wr_event *e = g_new(wr_event, 1);
      *e = (wr_event){.r = r, .cell = c, .on = on};
      g_ptr_array_add(r->events, e);
      ws_sim_schedule_at(r->sim, at, cell_event, e);
    }
  g_strfreev(names);
  if (!found)
    ws_world_error(errors, sc, g, "target", "expected the name of a [cell] or [layout], found "
                   "\"%s\"", target ? target : "");
  return found > 0;
}

/* The end of the run: the slot that would start at that instant is not
 * run (slots 0 .. duration/slot - 1 cover [0, duration)). */
static void stop_slots(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_world_radio *r = ctx;
  ws_cellnet_stop(ws_ran_cellnet(r->ran));
}

void ws_world_radio_start(ws_world_radio *r) {
  g_return_if_fail(r != NULL);
  /* Scheduled before the first slot, so it runs before the slot of the
   * same instant (ties go in insertion order). */
  ws_sim_schedule_at(r->sim, r->duration_ns, stop_slots, r);
  ws_ran_start(r->ran, 0);
  for (unsigned u = 0; u < r->ues->len; u++) {
    wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    ws_time next = ue->mob ? ws_mobility_next_change(ue->mob) : WS_TIME_MAX;
    if (next != WS_TIME_MAX) ws_sim_schedule_at(r->sim, next, mobility_change, ue);
  }
  if (r->managed || r->mobile)
    ws_sim_schedule_at(r->sim, r->ho.measurement_interval_ns, measurement_round, r);
}

/* Credits the full-buffer flows with the data bits their UE's radio
 * delivered since the last call. */
static void credit_full_buffer(ws_world_radio *r) {
  ws_cellnet *cn = ws_ran_cellnet(r->ran);
  for (unsigned i = 0; i < r->fb->len; i++) {
    wr_fb *f = &g_array_index(r->fb, wr_fb, i);
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(cn, f->ue);
    uint64_t bits = f->dl ? s->data_bits : s->ul.data_bits;
    /* Whole bytes only; the remainder waits for the next call. */
    uint64_t bytes = (bits - f->prev_bits) / 8;
    ws_traffic_radio_delivered(f->t, bytes);
    f->prev_bits += bytes * 8;
  }
}

void ws_world_radio_warmup(ws_world_radio *r) {
  g_return_if_fail(r != NULL);
  ws_ran_reset_stats(r->ran);
  for (unsigned i = 0; i < r->fb->len; i++) g_array_index(r->fb, wr_fb, i).prev_bits = 0;
  for (unsigned u = 0; u < r->ues->len; u++) {
    wr_ue_prev *p = &r->ue_prev[u];
    p->dl_bits = p->ul_bits = p->cqi_reports = 0;
    p->sinr_db_sum = 0;
  }
  for (unsigned c = 0; c < r->cells->len; c++) {
    wr_cell_prev *p = &r->cell_prev[c];
    p->rbs_used = p->rbs_available = p->bits = 0;
  }
}

void ws_world_radio_sample(ws_world_radio *r, ws_series *series, ws_time now, ws_time interval_ns) {
  g_return_if_fail(r != NULL);
  credit_full_buffer(r);
  ws_cellnet *cn = ws_ran_cellnet(r->ran);
  double interval_s = ws_time_to_s(interval_ns);
  for (unsigned u = 0; u < r->ues->len; u++) {
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(cn, u);
    wr_ue_prev *p = &r->ue_prev[u];
    uint64_t reports = s->cqi_reports - p->cqi_reports;
    ws_series_add(series, now, p->entity, "sinr_db",
                  reports ? (s->sinr_db_sum - p->sinr_db_sum) / (double)reports : NAN);
    ws_series_add(series, now, p->entity, "throughput_dl_bps",
                  (double)(s->data_bits - p->dl_bits) / interval_s);
    if (r->uplink)
      ws_series_add(series, now, p->entity, "throughput_ul_bps",
                    (double)(s->ul.data_bits - p->ul_bits) / interval_s);
    wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    if (ue->mob) {
      double x, y, vx, vy;
      ws_mobility_state(ue->mob, now, &x, &y, &vx, &vy);
      ws_series_add(series, now, p->entity, "x_m", x);
      ws_series_add(series, now, p->entity, "y_m", y);
      ws_series_add(series, now, p->entity, "speed_mps", hypot(vx, vy));
    }
    p->cqi_reports = s->cqi_reports;
    p->sinr_db_sum = s->sinr_db_sum;
    p->dl_bits = s->data_bits;
    p->ul_bits = s->ul.data_bits;
  }
  for (unsigned c = 0; c < r->cells->len; c++) {
    const ws_cellnet_cell_stats *s = ws_cellnet_cell_get_stats(cn, c);
    wr_cell_prev *p = &r->cell_prev[c];
    uint64_t avail = s->rbs_available - p->rbs_available;
    ws_series_add(series, now, p->entity, "ues", (double)s->ues);
    ws_series_add(series, now, p->entity, "rb_utilisation_dl",
                  avail ? (double)(s->rbs_used - p->rbs_used) / (double)avail : NAN);
    ws_series_add(series, now, p->entity, "throughput_dl_bps",
                  (double)(s->decoded_bits - p->bits) / interval_s);
    p->rbs_used = s->rbs_used;
    p->rbs_available = s->rbs_available;
    p->bits = s->decoded_bits;
  }
}

/* A step of 1, 2 or 5 times a power of ten, at least span / max_squares. */
static double nice_step(double span_m, unsigned max_squares) {
  double raw = span_m / max_squares, p = pow(10, floor(log10(raw)));
  static const double mult[] = {1, 2, 5, 10};
  for (size_t i = 0; i < G_N_ELEMENTS(mult); i++)
    if (mult[i] * p >= raw) return mult[i] * p;
  return 10 * p;
}

/* The coverage map: a grid over the cells and UEs, a margin of a tenth of
 * the span (at least 50 m) around them, at most COVERAGE_MAX_SQUARES per
 * side; best server by ws_medium_probe with every cell on. */
static void make_coverage(ws_world_radio *r) {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (unsigned c = 0; c < r->cells->len; c++) {
    const wr_cell *cell = &g_array_index(r->cells, wr_cell, c);
    x0 = fmin(x0, cell->x_m), x1 = fmax(x1, cell->x_m);
    y0 = fmin(y0, cell->y_m), y1 = fmax(y1, cell->y_m);
  }
  for (unsigned u = 0; u < r->ues->len; u++) {
    const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    x0 = fmin(x0, ue->x_m), x1 = fmax(x1, ue->x_m);
    y0 = fmin(y0, ue->y_m), y1 = fmax(y1, ue->y_m);
  }
  double margin = fmax(50.0, 0.1 * fmax(x1 - x0, y1 - y0));
  x0 -= margin, y0 -= margin, x1 += margin, y1 += margin;
  double step = nice_step(fmax(x1 - x0, y1 - y0), COVERAGE_MAX_SQUARES);
  /* Squares on multiples of the step: maps of variants line up. */
  x0 = floor(x0 / step) * step;
  y0 = floor(y0 / step) * step;
  unsigned nx = (unsigned)ceil((x1 - x0) / step), ny = (unsigned)ceil((y1 - y0) / step);
  nx = CLAMP(nx, 1u, COVERAGE_MAX_SQUARES);
  ny = CLAMP(ny, 1u, COVERAGE_MAX_SQUARES);
  size_t n = (size_t)nx * ny;
  r->cov_sinr = g_new(double, n);
  r->cov_rsrp = g_new(double, n);
  r->cov_cell = g_new(int32_t, n);
  r->cell_names = g_new(const char *, r->cells->len + 1);
  for (unsigned c = 0; c < r->cells->len; c++)
    r->cell_names[c] = g_array_index(r->cells, wr_cell, c).name;
  for (unsigned j = 0; j < ny; j++)
    for (unsigned i = 0; i < nx; i++) {
      size_t k = (size_t)j * nx + i;
      ws_medium_probe(r->m, x0 + (i + 0.5) * step, y0 + (j + 0.5) * step, COVERAGE_HEIGHT_M, NULL,
                      &r->cov_cell[k], &r->cov_rsrp[k], &r->cov_sinr[k]);
    }
  r->cov = (ws_coverage){.x0_m = x0 + step / 2, .y0_m = y0 + step / 2, .step_m = step, .nx = nx,
                         .ny = ny, .sinr_db = r->cov_sinr, .rsrp_dbm = r->cov_rsrp,
                         .cell = r->cov_cell, .cell_names = r->cell_names};
}


void ws_world_radio_finish(ws_world_radio *r, ws_time end) {
  g_return_if_fail(r != NULL && !r->finished);
  r->finished = true;
  ws_ran_finish(r->ran, end);
  credit_full_buffer(r);
  ws_cellnet *cn = ws_ran_cellnet(r->ran);
  r->cell_rows = g_new0(ws_cell_stats, r->cells->len + 1);
  for (unsigned c = 0; c < r->cells->len; c++) {
    wr_cell *cell = &g_array_index(r->cells, wr_cell, c);
    const ws_cellnet_cell_stats *s = ws_cellnet_cell_get_stats(cn, c);
    ws_cell_stats *row = &r->cell_rows[c];
    row->name = cell->name;
    row->site = cell->site;
    row->x_m = cell->x_m;
    row->y_m = cell->y_m;
    row->azimuth_deg = cell->azimuth_deg;
    row->bandwidth_hz = r->carrier.bandwidth_hz;
    row->ues = s->ues;
    row->ues_out_of_coverage = s->out_of_coverage;
    /* The engine's figures: its slots since the last reset are the window. */
    row->rb_utilisation_dl = ws_cellnet_cell_rb_utilisation(cn, c);
    row->rb_utilisation_ul = r->uplink ? ws_cellnet_cell_ul_rb_utilisation(cn, c) : NAN;
    row->throughput_dl_bps = ws_cellnet_cell_throughput_bps(cn, c);
    row->throughput_ul_bps = r->uplink ? ws_cellnet_cell_ul_throughput_bps(cn, c) : NAN;
    row->spectral_efficiency_dl = row->throughput_dl_bps / row->bandwidth_hz;
    row->spectral_efficiency_ul = row->throughput_ul_bps / row->bandwidth_hz;
    row->bler_dl = ws_cellnet_cell_bler(cn, c);
    row->harq_retx_dl = s->retx;
    row->on_fraction = ws_cellnet_cell_on_fraction(cn, c);
  }
  r->ue_rows = g_new0(ws_ue_stats, r->ues->len + 1);
  for (unsigned u = 0; u < r->ues->len; u++) {
    const wr_ue *ue = &g_array_index(r->ues, wr_ue, u);
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(cn, u);
    ws_ue_stats *row = &r->ue_rows[u];
    int32_t cell = ws_ran_ue_cell(r->ran, u); /* a handover's target counts */
    uint32_t ref = cell >= 0 ? (uint32_t)cell : ws_medium_best_cell(r->m, u);
    row->name = ue->name;
    row->cell = cell >= 0 ? g_array_index(r->cells, wr_cell, cell).name : NULL;
    ws_medium_ue_position(r->m, u, &row->x_m, &row->y_m);
    if (ue->mob) ws_mobility_state(ue->mob, end, &row->x_m, &row->y_m, NULL, NULL);
    row->out_of_coverage = s->out_of_coverage || cell < 0;
    const ws_ran_ue_stats *ms = ws_ran_ue_get_stats(r->ran, u);
    row->handovers = ms->handovers;
    row->pingpongs = ms->pingpongs;
    row->rlfs = ms->rlfs;
    row->reestablishments = ms->reestablishments;
    row->interruption_s = ws_time_to_s(ms->interruption_ns + ms->out_of_service_ns);
    row->rsrp_dbm = ws_medium_rsrp_dbm(r->m, u, ref);
    row->geometry_sinr_db = ws_medium_wideband_sinr_db(r->m, u, ref, NULL);
    row->sinr_db = ws_cellnet_ue_mean_sinr_db(cn, u);
    row->cqi_mean = ws_cellnet_ue_mean_cqi(cn, u);
    row->throughput_dl_bps = ws_cellnet_ue_dl_throughput_bps(cn, u);
    row->throughput_ul_bps = r->uplink ? ws_cellnet_ue_ul_throughput_bps(cn, u) : NAN;
    row->bler_dl = ws_cellnet_ue_bler(cn, u);
    row->bler_ul = ws_cellnet_ue_ul_bler(cn, u);
    row->harq_retx_dl = s->retx;
    row->harq_retx_ul = s->ul.retx;
    row->drops_dl = s->buffer_drops + s->reassembly_drops;
    row->drops_ul = s->ul.buffer_drops + s->ul.reassembly_drops;
    row->dl_active = ue->fb_dl || s->enqueued_packets > 0;
    row->ul_active = ue->fb_ul || s->ul.enqueued_packets > 0;
  }
  make_coverage(r);
}

const ws_cell_stats *ws_world_radio_cells(const ws_world_radio *r, unsigned *n) {
  if (n) *n = r && r->cell_rows ? r->cells->len : 0;
  return r ? r->cell_rows : NULL;
}

const ws_ue_stats *ws_world_radio_ues(const ws_world_radio *r, unsigned *n) {
  if (n) *n = r && r->ue_rows ? r->ues->len : 0;
  return r ? r->ue_rows : NULL;
}

const ws_handover_row *ws_world_radio_handovers(const ws_world_radio *r, unsigned *n) {
  if (n) *n = r ? r->handovers->len : 0;
  return r ? (const ws_handover_row *)r->handovers->data : NULL;
}

void ws_world_radio_set_handover_tap(ws_world_radio *r, ws_world_handover_fn fn, void *ctx) {
  if (!r) return;
  r->ho_tap = fn;
  r->ho_tap_ctx = ctx;
}

ws_link *ws_world_radio_backhaul(const ws_world_radio *r, unsigned i) {
  return r && r->ran && i < r->cells->len ? ws_ran_backhaul(r->ran, i) : NULL;
}

const ws_coverage *ws_world_radio_coverage(const ws_world_radio *r) {
  return r && r->cov_sinr ? &r->cov : NULL;
}
