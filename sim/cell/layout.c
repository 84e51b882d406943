/* wisim hexagonal layouts: site positions ring by ring, sector cells and
 * their hexagons (3GPP TR 36.942 4.4.1.1: sites 3R apart, cell radius R),
 * the 3GPP/ITU wrap-around (ITU-R M.2135-1, 3GPP TR 36.814 Annex A: the
 * cluster plus 6 shifted copies, each link taken to the nearest copy), and
 * uniform UE drops. Geometry in docs/cells.md. */
#include <glib.h>
#include <math.h>

#include "wisim/layout.h"

struct ws_layout {
  ws_layout_config cfg;
  uint32_t n_sites, n_cells;
  double (*site_xy)[2];   /* [n_sites] */
  ws_layout_cell *cells;  /* [n_cells] */
  double shift[6][2];     /* wrap-around shifts */
  double hex_radius_m;    /* circumradius of a cell's hexagon */
};

static double deg2rad(double deg) { return deg * (G_PI / 180.0); }

uint32_t ws_layout_sites_for_rings(uint32_t rings) { return 3 * rings * (rings + 1) + 1; }

/* Site s of a grid centred at 0 with unit inter-site distance. Neighbours
 * of a site lie at 30 + 60k degrees (so each sector's boresight, 30, 150 or
 * 270 degrees, points at a neighbouring site, as in the 3GPP layouts).
 * Ring r (sites 1 + 3r(r-1) .. 3r(r+1)) starts at r u30, the corner on
 * sector 0's boresight, and walks its hexagon counter-clockwise: side k
 * (0..5) runs from corner r u(30 + 60k) towards the next corner in steps of
 * u(150 + 60k). */
static void unit_site(uint32_t s, double *x, double *y) {
  if (s == 0) {
    *x = *y = 0.0;
    return;
  }
  uint32_t r = 1;
  while (ws_layout_sites_for_rings(r) <= s) r++;
  uint32_t j = s - ws_layout_sites_for_rings(r - 1);
  uint32_t k = j / r, t = j % r;
  double corner = deg2rad(30.0 + 60.0 * k), step = deg2rad(150.0 + 60.0 * k);
  *x = r * cos(corner) + t * cos(step);
  *y = r * sin(corner) + t * sin(step);
}

ws_layout *ws_layout_new(const ws_layout_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  g_return_val_if_fail(cfg->rings <= WS_LAYOUT_MAX_RINGS, NULL);
  g_return_val_if_fail(cfg->isd_m > 0.0 && isfinite(cfg->isd_m), NULL);
  g_return_val_if_fail(cfg->sectors == 1 || cfg->sectors == 3, NULL);
  ws_layout *l = g_new0(ws_layout, 1);
  l->cfg = *cfg;
  l->n_sites = ws_layout_sites_for_rings(cfg->rings);
  l->n_cells = l->n_sites * cfg->sectors;
  l->site_xy = g_malloc_n(l->n_sites, sizeof *l->site_xy);
  l->cells = g_new0(ws_layout_cell, l->n_cells);
  l->hex_radius_m = cfg->sectors == 1 ? cfg->isd_m / sqrt(3.0) : cfg->isd_m / 3.0;
  for (uint32_t s = 0; s < l->n_sites; s++) {
    double ux, uy;
    unit_site(s, &ux, &uy);
    l->site_xy[s][0] = cfg->center_x_m + cfg->isd_m * ux;
    l->site_xy[s][1] = cfg->center_y_m + cfg->isd_m * uy;
    for (uint32_t sec = 0; sec < cfg->sectors; sec++) {
      ws_layout_cell *c = &l->cells[s * cfg->sectors + sec];
      c->site = s;
      c->sector = sec;
      c->x_m = l->site_xy[s][0];
      c->y_m = l->site_xy[s][1];
      if (cfg->sectors == 1) {
        c->azimuth_deg = 0.0;
        c->hex_x_m = c->x_m;
        c->hex_y_m = c->y_m;
      } else {
        /* The site is a corner of each of its three sector hexagons,
         * whose centres lie isd/3 along the boresights. */
        c->azimuth_deg = 30.0 + 120.0 * sec;
        double a = deg2rad(c->azimuth_deg);
        c->hex_x_m = c->x_m + l->hex_radius_m * cos(a);
        c->hex_y_m = c->y_m + l->hex_radius_m * sin(a);
      }
    }
  }
  /* The cluster of N = 3r^2 + 3r + 1 sites tiles the plane with the
   * translation (r+1) e1 + r e2 (e1 = u30, e2 = u90, in isd) and its turns
   * by 60 degrees; |shift|^2 = (r+1)^2 + r(r+1) + r^2 = N isd^2 (sqrt(7)
   * isd for 7 sites and sqrt(19) isd for 19, the copies of the ITU-R
   * M.2135 / 3GPP wrap-around). */
  double r = cfg->rings;
  double sx = cfg->isd_m * ((r + 1) * cos(deg2rad(30)) + r * cos(deg2rad(90)));
  double sy = cfg->isd_m * ((r + 1) * sin(deg2rad(30)) + r * sin(deg2rad(90)));
  for (int k = 0; k < 6; k++) {
    double a = deg2rad(60.0 * k);
    l->shift[k][0] = sx * cos(a) - sy * sin(a);
    l->shift[k][1] = sx * sin(a) + sy * cos(a);
  }
  return l;
}

void ws_layout_free(ws_layout *l) {
  if (!l) return;
  g_free(l->site_xy);
  g_free(l->cells);
  g_free(l);
}

uint32_t ws_layout_n_sites(const ws_layout *l) { return l->n_sites; }

uint32_t ws_layout_n_cells(const ws_layout *l) { return l->n_cells; }

const ws_layout_cell *ws_layout_get_cell(const ws_layout *l, uint32_t i) {
  g_return_val_if_fail(l != NULL && i < l->n_cells, NULL);
  return &l->cells[i];
}

void ws_layout_site_position(const ws_layout *l, uint32_t site, double *x_m, double *y_m) {
  g_return_if_fail(l != NULL && site < l->n_sites);
  *x_m = l->site_xy[site][0];
  *y_m = l->site_xy[site][1];
}

char *ws_layout_cell_name(const char *layout_name, const ws_layout_cell *cell) {
  g_return_val_if_fail(layout_name != NULL && cell != NULL, NULL);
  return g_strdup_printf("%s/%u.%u", layout_name, cell->site, cell->sector);
}

void ws_layout_wrap_shift(const ws_layout *l, uint32_t k, double *dx_m, double *dy_m) {
  g_return_if_fail(l != NULL && k < 6);
  *dx_m = l->shift[k][0];
  *dy_m = l->shift[k][1];
}

double ws_layout_distance(const ws_layout *l, double tx_x_m, double tx_y_m, double x_m, double y_m,
                          double *dx_m, double *dy_m) {
  double bx = x_m - tx_x_m, by = y_m - tx_y_m;
  double best = hypot(bx, by);
  if (l->cfg.wrap_around) {
    for (int k = 0; k < 6; k++) {
      double ex = x_m - (tx_x_m + l->shift[k][0]), ey = y_m - (tx_y_m + l->shift[k][1]);
      double d = hypot(ex, ey);
      if (d < best) best = d, bx = ex, by = ey;
    }
  }
  if (dx_m) *dx_m = bx;
  if (dy_m) *dy_m = by;
  return best;
}

void ws_layout_wrap_point(const ws_layout *l, double *x_m, double *y_m) {
  if (!l->cfg.wrap_around) return;
  /* The tile is the Voronoi cell of the copies' lattice, bounded by the 6
   * nearest copies: a point outside it is nearer one of them, so each step
   * moves to a strictly nearer image, and there are finitely many. */
  for (int iter = 0; iter < 10000; iter++) {
    double px = *x_m - l->cfg.center_x_m, py = *y_m - l->cfg.center_y_m;
    double best = hypot(px, py) * (1.0 - 1e-12);
    int best_k = -1;
    for (int k = 0; k < 6; k++) {
      double d = hypot(px - l->shift[k][0], py - l->shift[k][1]);
      if (d < best) best = d, best_k = k;
    }
    if (best_k < 0) return;
    *x_m -= l->shift[best_k][0];
    *y_m -= l->shift[best_k][1];
  }
  g_assert_not_reached();
}

double ws_layout_hex_radius(const ws_layout *l) { return l->hex_radius_m; }

/* In the hexagon of circumradius R centred at c whose apothems point at
 * apothem0_deg + 60k: inside iff the projection on every apothem direction
 * is at most R sqrt(3)/2. A site hexagon's apothems point at its 6
 * neighbours (30 + 60k); a sector hexagon has a corner on its site, so
 * its corners are at 30 + 60k and its apothems at 60k. */
bool ws_layout_in_hexagon(const ws_layout *l, uint32_t i, double x_m, double y_m) {
  g_return_val_if_fail(l != NULL && i < l->n_cells, false);
  const ws_layout_cell *c = &l->cells[i];
  double apothem0 = l->cfg.sectors == 1 ? 30.0 : 0.0;
  double h = l->hex_radius_m * sqrt(3.0) / 2.0;
  double px = x_m - c->hex_x_m, py = y_m - c->hex_y_m;
  for (int k = 0; k < 6; k++) {
    double a = deg2rad(apothem0 + 60.0 * k);
    if (px * cos(a) + py * sin(a) > h * (1.0 + 1e-12)) return false;
  }
  return true;
}

void ws_layout_drop_disc(double cx_m, double cy_m, double radius_m, double min_distance_m, ws_rng *rng,
                         double *x_m, double *y_m) {
  g_return_if_fail(rng != NULL && radius_m > 0.0 && min_distance_m >= 0.0 && min_distance_m < radius_m);
  /* The area inside radius r grows as r^2: r = sqrt(U(r0^2, R^2)) is
   * uniform over the annulus. */
  double angle = ws_rng_range(rng, 0.0, 2.0 * G_PI);
  double r = sqrt(ws_rng_range(rng, min_distance_m * min_distance_m, radius_m * radius_m));
  *x_m = cx_m + r * cos(angle);
  *y_m = cy_m + r * sin(angle);
}

void ws_layout_drop_hexagon(const ws_layout *l, uint32_t i, double min_distance_m, ws_rng *rng,
                            double *x_m, double *y_m) {
  g_return_if_fail(l != NULL && i < l->n_cells && rng != NULL);
  g_return_if_fail(min_distance_m >= 0.0 && min_distance_m < l->hex_radius_m * sqrt(3.0) / 2.0);
  const ws_layout_cell *c = &l->cells[i];
  /* Rejection from the circumscribed disc: uniform in the disc, kept when
   * in the hexagon (probability 3 sqrt(3) / (2 pi) = 0.83) and far enough
   * from the site; the kept points are uniform on what is left. */
  for (;;) {
    double x, y;
    ws_layout_drop_disc(c->hex_x_m, c->hex_y_m, l->hex_radius_m, 0.0, rng, &x, &y);
    if (!ws_layout_in_hexagon(l, i, x, y)) continue;
    if (min_distance_m > 0.0 && hypot(x - c->x_m, y - c->y_m) < min_distance_m) continue;
    *x_m = x;
    *y_m = y;
    return;
  }
}
