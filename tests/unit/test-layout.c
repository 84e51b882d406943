/* Tests of the hexagonal layouts (sim/cell/layout.c): exact site positions
 * for 1 and 2 rings at ISD 500 m, sector azimuths and names (SCENARIO-
 * FORMAT.md), the cell hexagons tiling the plane, the wrap-around shifts
 * (ITU-R M.2135 / 3GPP TR 36.814: |shift| = sqrt(N) isd, the 7 copies tile
 * without overlap) and its symmetry (every site sees the same neighbour
 * distances), and uniform drops against closed forms (mean distance from a
 * hexagon's centre (1/3 + ln(3)/4) R, from a disc's 2R/3; chi-square). */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "wisim/layout.h"

#define A 433.01270189221932 /* 250 sqrt(3) = 500 cos 30 */

static ws_layout *make(uint32_t rings, uint32_t sectors, bool wrap) {
  ws_layout_config cfg = {.rings = rings, .isd_m = 500.0, .sectors = sectors, .wrap_around = wrap};
  ws_layout *l = ws_layout_new(&cfg);
  g_assert_nonnull(l);
  return l;
}

/* Site 0 at the centre; ring 1 from 30 degrees counter-clockwise; ring 2
 * from its corner at 30 degrees, corners and mid-side sites alternating. */
static void test_sites(void) {
  static const double expect[19][2] = {
      {0, 0},       {A, 250},      {0, 500},      {-A, 250},     {-A, -250},
      {0, -500},    {A, -250},     {2 * A, 500},  {A, 750},      {0, 1000},
      {-A, 750},    {-2 * A, 500}, {-2 * A, 0},   {-2 * A, -500}, {-A, -750},
      {0, -1000},   {A, -750},     {2 * A, -500}, {2 * A, 0},
  };
  g_assert_cmpuint(ws_layout_sites_for_rings(0), ==, 1);
  g_assert_cmpuint(ws_layout_sites_for_rings(1), ==, 7);
  g_assert_cmpuint(ws_layout_sites_for_rings(2), ==, 19);
  g_assert_cmpuint(ws_layout_sites_for_rings(3), ==, 37);
  for (uint32_t rings = 1; rings <= 2; rings++) {
    ws_layout *l = make(rings, 3, false);
    g_assert_cmpuint(ws_layout_n_sites(l), ==, rings == 1 ? 7 : 19);
    g_assert_cmpuint(ws_layout_n_cells(l), ==, 3 * ws_layout_n_sites(l));
    for (uint32_t s = 0; s < ws_layout_n_sites(l); s++) {
      double x, y;
      ws_layout_site_position(l, s, &x, &y);
      g_assert_cmpfloat(fabs(x - expect[s][0]), <, 1e-9);
      g_assert_cmpfloat(fabs(y - expect[s][1]), <, 1e-9);
    }
    ws_layout_free(l);
  }
  /* 3 rings: 37 distinct sites, each at least isd from every other, and
   * the centre offset moves them all. */
  ws_layout_config cfg = {.rings = 3, .isd_m = 500.0, .sectors = 1, .center_x_m = 1000, .center_y_m = -20};
  ws_layout *l = ws_layout_new(&cfg);
  for (uint32_t i = 0; i < 37; i++) {
    double xi, yi;
    ws_layout_site_position(l, i, &xi, &yi);
    if (i < 19) {
      g_assert_cmpfloat(fabs(xi - 1000 - expect[i][0]), <, 1e-9);
      g_assert_cmpfloat(fabs(yi + 20 - expect[i][1]), <, 1e-9);
    }
    for (uint32_t j = 0; j < i; j++) {
      double xj, yj;
      ws_layout_site_position(l, j, &xj, &yj);
      g_assert_cmpfloat(hypot(xi - xj, yi - yj), >, 500.0 - 1e-9);
    }
  }
  ws_layout_free(l);
}

static void test_sectors_names(void) {
  ws_layout *l = make(1, 3, false);
  for (uint32_t i = 0; i < ws_layout_n_cells(l); i++) {
    const ws_layout_cell *c = ws_layout_get_cell(l, i);
    g_assert_cmpuint(c->site, ==, i / 3);
    g_assert_cmpuint(c->sector, ==, i % 3);
    g_assert_cmpfloat(c->azimuth_deg, ==, 30.0 + 120.0 * (i % 3));
    double sx, sy;
    ws_layout_site_position(l, c->site, &sx, &sy);
    g_assert_cmpfloat(c->x_m, ==, sx);
    g_assert_cmpfloat(c->y_m, ==, sy);
    /* The hexagon's centre: isd/3 along the boresight. */
    double a = c->azimuth_deg * G_PI / 180;
    g_assert_cmpfloat(fabs(c->hex_x_m - sx - 500.0 / 3 * cos(a)), <, 1e-9);
    g_assert_cmpfloat(fabs(c->hex_y_m - sy - 500.0 / 3 * sin(a)), <, 1e-9);
  }
  char *name = ws_layout_cell_name("macro", ws_layout_get_cell(l, 3 * 4 + 1));
  g_assert_cmpstr(name, ==, "macro/4.1");
  g_free(name);
  name = ws_layout_cell_name("macro", ws_layout_get_cell(l, 0));
  g_assert_cmpstr(name, ==, "macro/0.0");
  g_free(name);
  g_assert_cmpfloat(fabs(ws_layout_hex_radius(l) - 500.0 / 3), <, 1e-12);
  ws_layout_free(l);
  l = make(2, 1, false);
  g_assert_cmpuint(ws_layout_n_cells(l), ==, 19);
  const ws_layout_cell *c = ws_layout_get_cell(l, 18);
  g_assert_cmpuint(c->site, ==, 18);
  g_assert_cmpuint(c->sector, ==, 0);
  g_assert_cmpfloat(c->azimuth_deg, ==, 0.0);
  name = ws_layout_cell_name("omni", c);
  g_assert_cmpstr(name, ==, "omni/18.0");
  g_free(name);
  g_assert_cmpfloat(fabs(ws_layout_hex_radius(l) - 500.0 / sqrt(3.0)), <, 1e-12);
  ws_layout_free(l);
}

/* The cells' hexagons tile the plane: a point near the centre (within 0.6
 * isd, well inside the rings) is in exactly one hexagon, for 1 and 3
 * sectors; and a 1-sector hexagon is the Voronoi cell of its site (a point
 * is in the hexagon of its nearest site). */
static void test_hexagons_tile(void) {
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "test-layout", "tile");
  for (uint32_t sectors = 1; sectors <= 3; sectors += 2) {
    ws_layout *l = make(1, sectors, false);
    for (int n = 0; n < 5000; n++) {
      double x, y;
      ws_layout_drop_disc(0, 0, 300.0, 0.0, &rng, &x, &y);
      int inside = 0, nearest = -1;
      double best = INFINITY;
      for (uint32_t i = 0; i < ws_layout_n_cells(l); i++) {
        if (ws_layout_in_hexagon(l, i, x, y)) inside++;
        const ws_layout_cell *c = ws_layout_get_cell(l, i);
        double d = hypot(x - c->hex_x_m, y - c->hex_y_m);
        if (d < best) best = d, nearest = (int)i;
      }
      g_assert_cmpint(inside, ==, 1);
      g_assert_true(ws_layout_in_hexagon(l, (uint32_t)nearest, x, y));
    }
    ws_layout_free(l);
  }
}

/* Shift 0 is (r+1) u30 + r u90 in isd: (866.03, 1000) for 1 ring,
 * (1299.04, 1750) for 2; the others turn by 60 degrees; |shift| =
 * sqrt(7) isd and sqrt(19) isd. The cluster and its 6 copies tile: no two
 * of the 49 (133) sites closer than isd, and every site of the original
 * cluster has exactly 6 sites at isd among them. */
static void test_wrap_shifts(void) {
  for (uint32_t rings = 1; rings <= 2; rings++) {
    ws_layout *l = make(rings, 3, true);
    uint32_t n = ws_layout_n_sites(l);
    double dx, dy;
    ws_layout_wrap_shift(l, 0, &dx, &dy);
    g_assert_cmpfloat(fabs(dx - (rings == 1 ? 2 * A : 3 * A)), <, 1e-9);
    g_assert_cmpfloat(fabs(dy - (rings == 1 ? 1000 : 1750)), <, 1e-9);
    double xy[7 * 19][2];
    for (uint32_t s = 0; s < n; s++) ws_layout_site_position(l, s, &xy[s][0], &xy[s][1]);
    for (uint32_t k = 0; k < 6; k++) {
      ws_layout_wrap_shift(l, k, &dx, &dy);
      g_assert_cmpfloat(fabs(hypot(dx, dy) - 500.0 * sqrt((double)n)), <, 1e-9);
      double a0 = atan2(1000.0 + 750 * (rings - 1), rings == 1 ? 2 * A : 3 * A) + k * G_PI / 3;
      g_assert_cmpfloat(fabs(dx - hypot(dx, dy) * cos(a0)), <, 1e-9);
      g_assert_cmpfloat(fabs(dy - hypot(dx, dy) * sin(a0)), <, 1e-9);
      for (uint32_t s = 0; s < n; s++) {
        xy[n * (k + 1) + s][0] = xy[s][0] + dx;
        xy[n * (k + 1) + s][1] = xy[s][1] + dy;
      }
    }
    for (uint32_t i = 0; i < 7 * n; i++)
      for (uint32_t j = 0; j < i; j++)
        g_assert_cmpfloat(hypot(xy[i][0] - xy[j][0], xy[i][1] - xy[j][1]), >, 500.0 - 1e-6);
    for (uint32_t i = 0; i < n; i++) {
      int at_isd = 0;
      for (uint32_t j = 0; j < 7 * n; j++)
        if (fabs(hypot(xy[i][0] - xy[j][0], xy[i][1] - xy[j][1]) - 500.0) < 1e-6) at_isd++;
      g_assert_cmpint(at_isd, ==, 6);
    }
    ws_layout_free(l);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorted wrap-around distances from every other site to site i. */
static void neighbour_distances(const ws_layout *l, uint32_t i, double *d) {
  uint32_t n = ws_layout_n_sites(l), m = 0;
  double xi, yi;
  ws_layout_site_position(l, i, &xi, &yi);
  for (uint32_t j = 0; j < n; j++) {
    if (j == i) continue;
    double xj, yj;
    ws_layout_site_position(l, j, &xj, &yj);
    d[m++] = ws_layout_distance(l, xj, yj, xi, yi, NULL, NULL);
  }
  qsort(d, m, sizeof *d, cmp_double);
}

/* With wrap-around every site sees the same multiset of neighbour
 * distances as the centre: 7 sites: 6 at isd; 19 sites: 6 at isd, 6 at
 * sqrt(3) isd, 6 at 2 isd. Without it an edge site does not (so the test
 * can fail). */
static void test_wrap_symmetry(void) {
  for (uint32_t rings = 1; rings <= 2; rings++) {
    ws_layout *l = make(rings, 3, true);
    uint32_t n = ws_layout_n_sites(l);
    double d0[18], di[18];
    neighbour_distances(l, 0, d0);
    for (uint32_t m = 0; m < n - 1; m++) {
      double expect = rings == 1 ? 500.0 : (m < 6 ? 500.0 : m < 12 ? 500.0 * sqrt(3.0) : 1000.0);
      g_assert_cmpfloat(fabs(d0[m] - expect), <, 1e-9);
    }
    for (uint32_t i = 1; i < n; i++) {
      neighbour_distances(l, i, di);
      for (uint32_t m = 0; m < n - 1; m++) g_assert_cmpfloat(fabs(di[m] - d0[m]), <, 1e-9);
    }
    /* The displacement is to the nearest copy: from site 1 (ring 1) to
     * site 4 (opposite) without wrap is 2 isd, with wrap isd. */
    double x1, y1, x4, y4, dx, dy;
    ws_layout_site_position(l, rings == 1 ? 1 : 7, &x1, &y1);
    ws_layout_site_position(l, rings == 1 ? 4 : 13, &x4, &y4);
    double d = ws_layout_distance(l, x4, y4, x1, y1, &dx, &dy);
    g_assert_cmpfloat(fabs(hypot(dx, dy) - d), <, 1e-9);
    g_assert_cmpfloat(d, <, hypot(x1 - x4, y1 - y4) - 1.0);
    ws_layout_free(l);
    l = make(rings, 3, false);
    neighbour_distances(l, n - 1, di);
    g_assert_cmpfloat(di[n - 2], >, d0[n - 2] + 1.0);
    g_assert_cmpfloat(ws_layout_distance(l, x4, y4, x1, y1, NULL, NULL), ==, hypot(x1 - x4, y1 - y4));
    ws_layout_free(l);
  }
  /* wrap_point brings a point from a far copy home. */
  ws_layout *l = make(2, 3, true);
  double sx, sy, dx0, dy0, dx1, dy1;
  ws_layout_site_position(l, 5, &sx, &sy);
  ws_layout_wrap_shift(l, 2, &dx0, &dy0);
  ws_layout_wrap_shift(l, 3, &dx1, &dy1);
  double x = sx + 3 * dx0 - 2 * dx1 + 12.5, y = sy + 3 * dy0 - 2 * dy1 - 7.0;
  ws_layout_wrap_point(l, &x, &y);
  g_assert_cmpfloat(fabs(x - (sx + 12.5)), <, 1e-6);
  g_assert_cmpfloat(fabs(y - (sy - 7.0)), <, 1e-6);
  ws_layout_free(l);
}

/* Equal-probability bins of a hexagon centred at (cx, cy) with apothems at
 * apothem0 + 60k: its 6 triangles from the centre, each cut in 4 by the
 * depth u = projection / apothem, in u^2 quarters (the area of a triangle
 * below depth u grows as u^2): 24 bins. */
static int hex_bin(double px, double py, double apothem0_deg, double h) {
  int best_k = 0;
  double best = -INFINITY;
  for (int k = 0; k < 6; k++) {
    double a = (apothem0_deg + 60.0 * k) * G_PI / 180;
    double p = px * cos(a) + py * sin(a);
    if (p > best) best = p, best_k = k;
  }
  double u2 = (best / h) * (best / h);
  int q = (int)(u2 * 4);
  return best_k * 4 + MIN(q, 3);
}

/* Drops in cell hexagons (3 sectors and 1): inside, uniform (chi-square over
 * 24 equal-area bins, 23 degrees of freedom: below 49.73, the 0.1% point),
 * mean distance from the hexagon's centre (1/3 + ln(3)/4) R = 0.60799 R
 * (integral of r over the hexagon / its area; sd 0.2168 R, so over 20000
 * drops a standard error of 0.0015 R; tolerance 0.006 R). Min distance
 * honoured; same stream, same points. */
static void test_drop_hexagon(void) {
  for (uint32_t sectors = 1; sectors <= 3; sectors += 2) {
    ws_layout *l = make(1, sectors, false);
    uint32_t cell = sectors == 3 ? 3 * 2 + 1 : 2;
    const ws_layout_cell *c = ws_layout_get_cell(l, cell);
    double R = ws_layout_hex_radius(l), h = R * sqrt(3.0) / 2;
    ws_rng rng, again;
    ws_rng_init(&rng, 3, 0, "ue test/0", "placement");
    ws_rng_init(&again, 3, 0, "ue test/0", "placement");
    enum { N = 20000 };
    double sum_r = 0, bins[24] = {0};
    for (int n = 0; n < N; n++) {
      double x, y, x2, y2;
      ws_layout_drop_hexagon(l, cell, 0.0, &rng, &x, &y);
      ws_layout_drop_hexagon(l, cell, 0.0, &again, &x2, &y2);
      g_assert_cmpfloat(x, ==, x2);
      g_assert_cmpfloat(y, ==, y2);
      g_assert_true(ws_layout_in_hexagon(l, cell, x, y));
      sum_r += hypot(x - c->hex_x_m, y - c->hex_y_m);
      bins[hex_bin(x - c->hex_x_m, y - c->hex_y_m, sectors == 1 ? 30.0 : 0.0, h)]++;
    }
    double chi2 = 0;
    for (int b = 0; b < 24; b++) chi2 += (bins[b] - N / 24.0) * (bins[b] - N / 24.0) / (N / 24.0);
    double mean = sum_r / N / R, expect = 1.0 / 3 + log(3.0) / 4;
    g_test_message("%u sectors: mean distance %.5f R (closed form %.5f), chi2 %.1f", sectors, mean, expect, chi2);
    g_assert_cmpfloat(fabs(mean - expect), <, 0.006);
    g_assert_cmpfloat(chi2, <, 49.73);
    for (int n = 0; n < 2000; n++) {
      double x, y;
      ws_layout_drop_hexagon(l, cell, 35.0, &rng, &x, &y);
      g_assert_true(ws_layout_in_hexagon(l, cell, x, y));
      g_assert_cmpfloat(hypot(x - c->x_m, y - c->y_m), >=, 35.0);
    }
    ws_layout_free(l);
  }
}

/* Disc drops: mean distance 2R/3 for a disc, (2/3)(R^3 - r0^3)/(R^2 - r0^2)
 * for an annulus (sd about R/4: standard error R/4/sqrt(20000) = 0.0018 R;
 * tolerance 0.007 R); chi-square over 8 angle x 4 r^2 bins (31 degrees of
 * freedom: below 61.1, the 0.1% point). */
static void test_drop_disc(void) {
  const double R = 200.0;
  for (int annulus = 0; annulus <= 1; annulus++) {
    double r0 = annulus ? 50.0 : 0.0;
    ws_rng rng;
    ws_rng_init(&rng, 1, 0, "ue disc/0", "placement");
    enum { N = 20000 };
    double sum_r = 0, bins[32] = {0};
    for (int n = 0; n < N; n++) {
      double x, y;
      ws_layout_drop_disc(100.0, -40.0, R, r0, &rng, &x, &y);
      double r = hypot(x - 100.0, y + 40.0);
      g_assert_cmpfloat(r, <=, R + 1e-9);
      g_assert_cmpfloat(r, >=, r0 - 1e-9);
      sum_r += r;
      double ang = atan2(y + 40.0, x - 100.0) + G_PI;
      int ab = MIN((int)(ang / (2 * G_PI) * 8), 7);
      int rb = MIN((int)((r * r - r0 * r0) / (R * R - r0 * r0) * 4), 3);
      bins[ab * 4 + rb]++;
    }
    double chi2 = 0;
    for (int b = 0; b < 32; b++) chi2 += (bins[b] - N / 32.0) * (bins[b] - N / 32.0) / (N / 32.0);
    double expect = 2.0 / 3 * (R * R * R - r0 * r0 * r0) / (R * R - r0 * r0);
    g_test_message("disc r0 %.0f: mean distance %.2f (closed form %.2f), chi2 %.1f", r0, sum_r / N, expect, chi2);
    g_assert_cmpfloat(fabs(sum_r / N - expect), <, 0.007 * R);
    g_assert_cmpfloat(chi2, <, 61.1);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/layout/sites", test_sites);
  g_test_add_func("/layout/sectors-names", test_sectors_names);
  g_test_add_func("/layout/hexagons-tile", test_hexagons_tile);
  g_test_add_func("/layout/wrap-shifts", test_wrap_shifts);
  g_test_add_func("/layout/wrap-symmetry", test_wrap_symmetry);
  g_test_add_func("/layout/drop-hexagon", test_drop_hexagon);
  g_test_add_func("/layout/drop-disc", test_drop_disc);
  return g_test_run();
}
