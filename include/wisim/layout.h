/* wisim hexagonal layouts: the sites and sector cells of a [layout] of type
 * hex (rings of sites at inter-site distance isd, 1 or 3 sectors), the
 * 3GPP wrap-around (the cluster surrounded by 6 shifted copies of itself;
 * distances to the nearest copy of a site), and uniform UE drops in a
 * cell's hexagon or a disc, drawn from a caller's named stream. Geometry
 * only: the cells themselves are made elsewhere. docs/cells.md, "Layouts". */
#ifndef WISIM_LAYOUT_H
#define WISIM_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/rng.h"

/* How to build a layout (the [layout] keys). */
typedef struct {
  uint32_t rings;         /* rings of sites around site 0: 0 -> 1 site,
                             1 -> 7, 2 -> 19 (3 r (r + 1) + 1); <= WS_LAYOUT_MAX_RINGS */
  double isd_m;           /* inter-site distance, > 0 */
  double center_x_m;      /* position of site 0 */
  double center_y_m;
  uint32_t sectors;       /* 1 (omni) or 3 (azimuths 30, 150, 270 deg) */
  bool wrap_around;       /* distances to the nearest of 7 copies of a site */
} ws_layout_config;

#define WS_LAYOUT_MAX_RINGS 20

/* One cell (sector) of the layout; cell index = site * sectors + sector. */
typedef struct {
  uint32_t site;          /* 0 = centre, then ring by ring counter-clockwise */
  uint32_t sector;        /* 0 .. sectors-1 */
  double x_m, y_m;        /* the site's position (the antenna's) */
  double azimuth_deg;     /* boresight, counter-clockwise from +X: 30, 150,
                             270 for sectors 0, 1, 2; 0 for an omni cell */
  double hex_x_m, hex_y_m;/* centre of the cell's hexagon (its coverage
                             area): the site for 1 sector, isd/3 along the
                             boresight for 3 */
} ws_layout_cell;

typedef struct ws_layout ws_layout;

/* A new layout, or NULL with a critical warning when cfg is impossible
 * (the loader checks user input first). Caller frees with ws_layout_free. */
ws_layout *ws_layout_new(const ws_layout_config *cfg);
/* Frees l and its cells (NULL is a no-op). */
void ws_layout_free(ws_layout *l);

/* Sites of a layout with this many rings: 3 rings (rings + 1) + 1. */
uint32_t ws_layout_sites_for_rings(uint32_t rings);
/* Sites of l, and its cells (sites x sectors). */
uint32_t ws_layout_n_sites(const ws_layout *l);
uint32_t ws_layout_n_cells(const ws_layout *l);
/* Cell i (0 .. n_cells-1), borrowed from l. */
const ws_layout_cell *ws_layout_get_cell(const ws_layout *l, uint32_t i);
/* The position of a site. */
void ws_layout_site_position(const ws_layout *l, uint32_t site, double *x_m, double *y_m);
/* The cell's scenario name NAME/SITE.SECTOR (SCENARIO-FORMAT.md), e.g.
 * "macro/3.1". Caller frees with g_free. */
char *ws_layout_cell_name(const char *layout_name, const ws_layout_cell *cell);

/* The 6 wrap-around shifts (k = 0..5): the cluster's copies sit at
 * centre + shift_k. Shift 0 is isd ((r+1) u30 + r u90) (u_a: the unit
 * vector at a degrees), length isd sqrt(3r^2 + 3r + 1); shift k is shift 0
 * turned by 60k degrees. Defined whether or not wrap_around is on. */
void ws_layout_wrap_shift(const ws_layout *l, uint32_t k, double *dx_m, double *dy_m);
/* Distance from a transmitter at (tx_x, tx_y) to the point (x, y): with
 * wrap_around, the minimum over the transmitter and its 6 shifted copies
 * (ties: the first in the order none, shift 0..5); otherwise the plain
 * distance. *dx_m, *dy_m (may be NULL) get (x, y) minus the copy used, for
 * the antenna's angle. */
double ws_layout_distance(const ws_layout *l, double tx_x_m, double tx_y_m, double x_m, double y_m,
                          double *dx_m, double *dy_m);
/* Moves a point to its image nearest the centre (inside the cluster's
 * tile), e.g. for a UE that walked out; no-op without wrap_around. */
void ws_layout_wrap_point(const ws_layout *l, double *x_m, double *y_m);

/* True when (x, y) is in cell i's hexagon (boundary included). */
bool ws_layout_in_hexagon(const ws_layout *l, uint32_t i, double x_m, double y_m);
/* Circumradius of a cell's hexagon: isd / sqrt(3) for 1 sector, isd / 3
 * for 3. */
double ws_layout_hex_radius(const ws_layout *l);
/* A point uniform in cell i's hexagon, at least min_distance_m from its
 * site (3GPP's minimum UE distance, e.g. 35 m in TR 38.901 UMa; 0 = none;
 * below the hexagon's apothem, radius x sqrt(3)/2), drawn from rng (the
 * UE's named stream) by rejection: a variable number of draws. */
void ws_layout_drop_hexagon(const ws_layout *l, uint32_t i, double min_distance_m, ws_rng *rng,
                            double *x_m, double *y_m);
/* A point uniform in the disc of radius radius_m around (cx, cy), at least
 * min_distance_m from it (0 <= min_distance_m < radius_m): inverse
 * transform of the radius, r = sqrt(U(r0^2, R^2)); one angle, one radius. */
void ws_layout_drop_disc(double cx_m, double cy_m, double radius_m, double min_distance_m, ws_rng *rng,
                         double *x_m, double *y_m);

#endif
