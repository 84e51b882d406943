/* Benchmark of the cell engine (sim/cell/cell.c over sim/radio/medium.c) at
 * issue 4's speed target: hex layout with wrap-around, ISD 500 m, 3 sectors,
 * 3GPP TR 38.901 UMa with LOS draws and shadowing, 10 MHz at 2.1 GHz (mu 0,
 * 50 RBs), Rayleigh fading at 3 km/h, PF, full buffer. Prints one line per
 * run with wall time, events/s, peak memory and the 3GPP headline figures.
 * Usage: bench-cell SIM_SECONDS [RINGS [UES_PER_CELL [dl|dlul|both]]]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "wisim/cell.h"
#include "wisim/fading.h"
#include "wisim/layout.h"
#include "wisim/rng.h"

/* Peak resident set of the process so far, MB (Linux: ru_maxrss in kB). */
static double
maxrss_mb(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return NAN;
  return ru.ru_maxrss / 1024.0;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The p-quantile (0..1) of v[0..n-1] (sorted in place), by the nearest-rank
 * method: the value at rank ceil(p n). */
static double
quantile(double *v, uint32_t n, double p)
{
  if (n == 0)
    return NAN;
  qsort(v, n, sizeof *v, cmp_double);
  uint32_t k = (uint32_t)ceil(p * n);
  return v[k > 0 ? k - 1 : 0];
}

/* One run: builds the layout, medium and engine, runs sim_s seconds. */
static void
run(double sim_s, uint32_t rings, uint32_t per_cell, bool uplink)
{
  gint64 t0 = g_get_monotonic_time();
  ws_layout_config lc = {.rings = rings, .isd_m = 500, .sectors = 3, .wrap_around = true};
  ws_layout *lay = ws_layout_new(&lc);
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "radio", "fading table");
  ws_fading_table *table = ws_fading_table_new(&rng, 0);
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  cfg.shadowing_sigma_db = -1; /* the model's own: 4 dB LOS, 6 dB NLOS */
  cfg.shadowing_decorrelation_m = -1;
  cfg.fading = WS_FADING_RAYLEIGH;
  cfg.doppler_speed_mps = 3.0 / 3.6;
  cfg.noise_figure_db = 9; /* UE NF, TR 36.814 Table A.2.1.1-2 */
  cfg.seed = 1;
  cfg.layout = lay;
  cfg.wrap_around = true;
  ws_medium *m = ws_medium_new(&cfg, table);
  uint32_t nc = ws_layout_n_cells(lay);
  ws_phy_carrier car;
  ws_phy_carrier_init(&car, 0, 10e6, NULL);
  for (uint32_t i = 0; i < nc; i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(lay, i);
    char *name = ws_layout_cell_name("macro", lcell);
    /* TR 36.814 Table A.2.1.1-2 case 1: 46 dBm, 25 m, 14 dBi, 5 dB NF. */
    ws_medium_cell c = {.name = name, .x_m = lcell->x_m, .y_m = lcell->y_m, .height_m = 25,
                        .tx_power_dbm = 46, .noise_figure_db = 5, .frequency_hz = 2.1e9,
                        .carrier = car};
    ws_antenna_init(&c.antenna, WS_ANTENNA_SECTOR);
    c.antenna.gain_dbi = 14;
    c.antenna.azimuth_deg = lcell->azimuth_deg;
    c.antenna.beamwidth_deg = 65;
    c.antenna.front_to_back_db = 30;
    ws_medium_add_cell(m, &c);
    g_free(name);
  }
  uint32_t nu = nc * per_cell;
  for (uint32_t u = 0; u < nu; u++) {
    char name[32];
    g_snprintf(name, sizeof name, "ue/%u", u);
    ws_rng r;
    ws_rng_init(&r, 1, 0, name, "placement");
    double x, y;
    /* uniform in its cell's hexagon, >= 35 m from the site (TR 38.901 UMa) */
    ws_layout_drop_hexagon(lay, u / per_cell, 35, &r, &x, &y);
    ws_medium_ue ue = {.name = name, .x_m = x, .y_m = y, .height_m = 1.5, .tx_power_dbm = 23,
                       .noise_figure_db = NAN, .speed_mps = 3.0 / 3.6};
    ws_medium_add_ue(m, &ue);
  }
  ws_medium_build(m, 0);

  ws_sim *sim = ws_sim_new();
  ws_cellnet_config cc = {.carrier = car, .scheduler = "pf", .seed = 1, .uplink = uplink,
                          .pc_p0_dbm = -90, .pc_alpha = 0.8, .ue_pmax_dbm = 23};
  ws_cellnet *cn = ws_cellnet_new(sim, m, &cc);
  if (!cn) {
    printf("cell cells=%u ues=%u error=engine-refused-config\n", nc, nu);
    goto out;
  }
  for (uint32_t u = 0; u < nu; u++) {
    ws_cellnet_set_full_buffer(cn, u, true);
    if (uplink)
      ws_cellnet_set_ul_full_buffer(cn, u, true);
  }
  gint64 t1 = g_get_monotonic_time();
  uint64_t ev0 = ws_sim_events_executed(sim);
  uint64_t n_slots = (uint64_t)llround(sim_s * (double)WS_S / (double)car.slot_ns);
  if (n_slots < 1)
    n_slots = 1;
  ws_cellnet_start(cn, 0);
  ws_sim_run_until(sim, (ws_time)(n_slots - 1) * car.slot_ns); /* slots 0 .. n-1 */
  gint64 t2 = g_get_monotonic_time();
  uint64_t events = ws_sim_events_executed(sim) - ev0;

  /* Headline figures (SCENARIO-FORMAT.md): mean over cells of decoded bits
   * / (time x bandwidth); 5th percentile of the UEs' data throughput. */
  double se = 0, ul_se = 0, time_s = (double)n_slots * (double)car.slot_ns / WS_S;
  for (uint32_t c = 0; c < nc; c++) {
    double s = ws_cellnet_cell_spectral_efficiency(cn, c);
    se += isnan(s) ? 0 : s;
    ul_se += (double)ws_cellnet_cell_get_stats(cn, c)->ul_decoded_bits / (time_s * 10e6);
  }
  se /= nc;
  ul_se /= nc;
  double *tp = g_new(double, nu);
  uint32_t ooc = 0;
  for (uint32_t u = 0; u < nu; u++) {
    double v = ws_cellnet_ue_dl_throughput_bps(cn, u);
    tp[u] = isnan(v) ? 0 : v;
    ooc += ws_cellnet_ue_get_stats(cn, u)->out_of_coverage;
  }
  double ue5 = quantile(tp, nu, 0.05), ue50 = quantile(tp, nu, 0.5);
  /* Geometry (wideband SINR without fading, every cell on every RB): the
   * CDF 3GPP calibrations compare first (TR 38.802 Annex A.2). */
  for (uint32_t u = 0; u < nu; u++)
    tp[u] = ws_medium_wideband_sinr_db(m, u, ws_cellnet_ue_get_stats(cn, u)->cell, NULL);
  double geo5 = quantile(tp, nu, 0.05), geo50 = quantile(tp, nu, 0.5);
  double ul_ue5 = NAN;
  if (uplink) {
    for (uint32_t u = 0; u < nu; u++) {
      double v = ws_cellnet_ue_ul_throughput_bps(cn, u);
      tp[u] = isnan(v) ? 0 : v;
    }
    ul_ue5 = quantile(tp, nu, 0.05);
  }
  g_free(tp);
  double wall_s = (t2 - t1) / 1e6;
  printf("cell cells=%u ues=%u link=%s sim_s=%g wall_s=%.3f setup_s=%.3f sim_s_per_wall_s=%.3f "
         "events=%llu events_per_s=%.0f maxrss_mb=%.1f cell_se_bps_hz=%.3f ue5_mbps=%.3f "
         "ue5_se_bps_hz=%.4f ue50_mbps=%.3f geometry5_db=%.1f geometry50_db=%.1f out_of_coverage=%u",
         nc, nu, uplink ? "dl+ul" : "dl", time_s, wall_s, (t1 - t0) / 1e6,
         wall_s > 0 ? time_s / wall_s : INFINITY, (unsigned long long)events,
         wall_s > 0 ? events / wall_s : INFINITY, maxrss_mb(), se, ue5 / 1e6, ue5 / 10e6,
         ue50 / 1e6, geo5, geo50, ooc);
  if (uplink)
    printf(" ul_cell_se_bps_hz=%.3f ul_ue5_mbps=%.3f", ul_se, ul_ue5 / 1e6);
  printf("\n");
  fflush(stdout);
  ws_cellnet_free(cn);
out:
  ws_sim_free(sim);
  ws_medium_free(m);
  ws_fading_table_free(table);
  ws_layout_free(lay);
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: bench-cell SIM_SECONDS [RINGS [UES_PER_CELL [dl|dlul|both]]]\n");
    return 0; /* benchmarks report, never fail */
  }
  double sim_s = atof(argv[1]);
  uint32_t rings = argc > 2 ? (uint32_t)atoi(argv[2]) : 1;
  uint32_t per_cell = argc > 3 ? (uint32_t)atoi(argv[3]) : 10;
  const char *mode = argc > 4 ? argv[4] : "both";
  if (!(sim_s > 0) || rings > WS_LAYOUT_MAX_RINGS || per_cell < 1) {
    fprintf(stderr, "bench-cell: bad arguments\n");
    return 0;
  }
  if (strcmp(mode, "dlul") != 0)
    run(sim_s, rings, per_cell, false);
  if (strcmp(mode, "dl") != 0)
    run(sim_s, rings, per_cell, true);
  return 0;
}
