/* Benchmark of the radio medium (sim/radio/medium.c) at issue 4's speed
 * target: 7 sites x 3 sectors (wrap-around, 3GPP UMa, Rayleigh, 10 MHz = 50
 * RBs), 10 UEs per cell, full buffer. Reports build time, per-slot cost of
 * the DL SINR of every UE (the worst case), of the UL SINR of every cell, and
 * of the moves. Usage: bench-medium [rings ues_per_cell slots]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "wisim/medium.h"

int
main(int argc, char **argv)
{
  uint32_t rings = argc > 1 ? (uint32_t)atoi(argv[1]) : 1;
  int per_cell = argc > 2 ? atoi(argv[2]) : 10;
  int slots = argc > 3 ? atoi(argv[3]) : 200;
  ws_layout_config lc = {.rings = rings, .isd_m = 500, .sectors = 3, .wrap_around = true};
  ws_layout *lay = ws_layout_new(&lc);
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "radio", "fading table");
  gint64 t0 = g_get_monotonic_time();
  ws_fading_table *table = ws_fading_table_new(&rng, 0);
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  cfg.shadowing_sigma_db = -1;
  cfg.fading = WS_FADING_RAYLEIGH;
  cfg.layout = lay;
  cfg.wrap_around = true;
  ws_medium *m = ws_medium_new(&cfg, table);
  uint32_t nc = ws_layout_n_cells(lay);
  for (uint32_t i = 0; i < nc; i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(lay, i);
    char *name = ws_layout_cell_name("macro", lcell);
    ws_medium_cell c = {.name = name, .x_m = lcell->x_m, .y_m = lcell->y_m, .height_m = 25,
                        .tx_power_dbm = 46, .noise_figure_db = 5, .frequency_hz = 2e9};
    ws_antenna_init(&c.antenna, WS_ANTENNA_SECTOR);
    c.antenna.gain_dbi = 8;
    c.antenna.azimuth_deg = lcell->azimuth_deg;
    ws_phy_carrier_init(&c.carrier, 0, 10e6, NULL);
    ws_medium_add_cell(m, &c);
    g_free(name);
  }
  uint32_t nu = nc * (uint32_t)per_cell;
  uint32_t *serving = g_new(uint32_t, nu);
  double *ux = g_new(double, nu), *uy = g_new(double, nu);
  for (uint32_t u = 0; u < nu; u++) {
    char name[32];
    g_snprintf(name, sizeof name, "bench/%u", u);
    ws_rng r;
    ws_rng_init(&r, 1, 0, name, "placement");
    ws_layout_drop_hexagon(lay, u / (uint32_t)per_cell, 35, &r, &ux[u], &uy[u]);
    ws_medium_ue ue = {.name = name, .x_m = ux[u], .y_m = uy[u], .height_m = 1.5,
                       .tx_power_dbm = 23, .noise_figure_db = NAN, .speed_mps = 3.0 / 3.6};
    ws_medium_add_ue(m, &ue);
  }
  ws_medium_build(m, 0);
  gint64 t1 = g_get_monotonic_time();
  uint64_t kept = 0;
  for (uint32_t u = 0; u < nu; u++) {
    serving[u] = ws_medium_best_cell(m, u);
    kept += ws_medium_n_interferers(m, u);
  }
  uint32_t n_rb = ws_medium_n_rb(m);
  double *sinr = g_new(double, (size_t)MAX(nc, 1) * n_rb);
  int32_t *rb_ue = g_new(int32_t, (size_t)nc * n_rb);
  double *power = g_new(double, nu);
  for (uint32_t u = 0; u < nu; u++)
    power[u] = 23;
  /* UL: each cell gives 5 RBs to each of its first 10 UEs (full buffer). */
  for (uint32_t c = 0; c < nc; c++)
    for (uint32_t r = 0; r < n_rb; r++)
      rb_ue[c * n_rb + r] = -1;
  for (uint32_t u = 0; u < nu; u++) {
    uint32_t c = serving[u];
    for (uint32_t r = 0; r < n_rb; r++)
      if (rb_ue[c * n_rb + r] < 0) {
        for (uint32_t k = r; k < MIN(r + 5, n_rb); k++)
          rb_ue[c * n_rb + k] = (int32_t)u;
        break;
      }
  }
  double checksum = 0;
  gint64 dl_us = 0, ul_us = 0, mv_us = 0;
  for (int s = 0; s < slots; s++) {
    int64_t t_ns = (int64_t)s * 1000000;
    gint64 a = g_get_monotonic_time();
    for (uint32_t u = 0; u < nu; u++) {
      ws_medium_dl_sinr(m, u, serving[u], t_ns, NULL, sinr, NULL);
      checksum += sinr[0];
    }
    gint64 b = g_get_monotonic_time();
    ws_medium_ul_sinr(m, t_ns, rb_ue, power, sinr);
    checksum += sinr[0];
    gint64 c = g_get_monotonic_time();
    /* every UE walks at 3 km/h: a recomputation every 1.2 s */
    for (uint32_t u = 0; u < nu; u++)
      ws_medium_move_ue(m, u, ux[u] + 3.0 / 3.6 * s * 1e-3, uy[u], 3.0 / 3.6, t_ns);
    gint64 d = g_get_monotonic_time();
    dl_us += b - a;
    ul_us += c - b;
    mv_us += d - c;
  }
  printf("medium: %u cells, %u UEs, %u RBs, %u subbands, %d slots\n", nc, nu, n_rb,
         ws_medium_n_subbands(m), slots);
  printf("  build (incl. fading table): %.1f ms; kept DL interferers per UE: %.1f of %u\n",
         (t1 - t0) / 1e3, (double)kept / nu, nc);
  printf("  per slot: DL SINR of every UE %.3f ms (%.2f us per UE), UL SINR of every cell "
         "%.3f ms, moves %.3f ms\n",
         dl_us / 1e3 / slots, (double)dl_us / slots / nu, ul_us / 1e3 / slots, mv_us / 1e3 / slots);
  printf("  10 s of 1 ms slots: DL every UE %.1f s, UL %.1f s (checksum %g, recomputations %llu)\n",
         dl_us / 1e6 / slots * 1e4, ul_us / 1e6 / slots * 1e4, checksum,
         (unsigned long long)ws_medium_recomputations(m));
  g_free(sinr);
  g_free(rb_ue);
  g_free(power);
  g_free(serving);
  g_free(ux);
  g_free(uy);
  ws_medium_free(m);
  ws_fading_table_free(table);
  ws_layout_free(lay);
  return 0;
}
