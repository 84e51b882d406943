/* Tests of the path loss models (sim/radio/pathloss.c) against values
 * computed by hand from the published formulas (python3, double precision;
 * the formula is written next to each number), the breakpoint and max rules
 * of TR 38.901 Table 7.4.1-1, the LOS probabilities of Table 7.4.2-1, the
 * validity-range checks, and monotonicity in distance for every model.
 * Tolerance: the same formula in double precision on both sides differs
 * only by libm rounding (~1e-13 dB); 1e-9 dB leaves room for that and still
 * catches any wrong constant (the smallest, 0.002 in RMa, moves ~1e-3 dB). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/pathloss.h"

#define TOL_DB 1e-9

static ws_pathloss_params params(ws_pathloss_model m) {
  ws_pathloss_params p;
  ws_pathloss_params_default(&p, m);
  return p;
}

/* A link at ground distance d2d between antennas at h_bs and h_ut. */
static ws_pathloss_link link_at(double d2d, double freq_hz, double h_bs, double h_ut, bool los) {
  double dh = h_bs - h_ut;
  return (ws_pathloss_link){.d3d_m = sqrt(d2d * d2d + dh * dh), .d2d_m = d2d, .freq_hz = freq_hz,
                            .h_bs_m = h_bs, .h_ut_m = h_ut, .los = los};
}

static double loss(ws_pathloss_model m, double d2d, double f, double hb, double hu, bool los) {
  ws_pathloss_params p = params(m);
  ws_pathloss_link l = link_at(d2d, f, hb, hu, los);
  return ws_pathloss_db(&p, &l);
}

static void test_names(void) {
  for (int m = 0; m < WS_PATHLOSS_N_MODELS; m++)
    g_assert_cmpint(ws_pathloss_model_from_name(ws_pathloss_model_name(m)), ==, m);
  g_assert_cmpint(ws_pathloss_model_from_name("3gpp-uma"), ==, WS_PATHLOSS_3GPP_UMA);
  g_assert_cmpint(ws_pathloss_model_from_name("log-distance"), ==, WS_PATHLOSS_LOG_DISTANCE);
  g_assert_cmpint(ws_pathloss_model_from_name("hata"), ==, -1);
  g_assert_true(ws_pathloss_has_los_state(WS_PATHLOSS_3GPP_RMA));
  g_assert_false(ws_pathloss_has_los_state(WS_PATHLOSS_OKUMURA_HATA));
  ws_pathloss_params p = params(WS_PATHLOSS_LOG_DISTANCE);
  g_assert_cmpfloat(p.exponent, ==, 3.0);
  g_assert_cmpfloat(p.reference_distance_m, ==, 1.0);
  g_assert_cmpfloat(p.h_e_m, ==, 1.0);
}

static void test_free_space(void) {
  /* 20 log10(4 pi d f / c), c = 299792458 m/s */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_free_space_db(1000.0, 2.1e9), 98.89216911656176, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_free_space_db(10.0, 28e9), 81.39094384872776, TOL_DB);
  /* the textbook form 32.45 + 20 log10(d_km) + 20 log10(f_MHz) (rounded
   * constant 32.4478: agreement to 1e-3 dB) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_free_space_db(1000.0, 2.1e9),
                                 32.4478 + 20.0 * log10(2100.0), 1e-3);
  /* 6 dB per doubling of distance and of frequency */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_free_space_db(200.0, 1e9) -
                                     ws_pathloss_free_space_db(100.0, 1e9),
                                 20.0 * log10(2.0), TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_FREE_SPACE, 1000.0, 2.1e9, 25.0, 25.0, true),
                                 98.89216911656176, TOL_DB);
  /* near field: the formula goes negative below lambda / (4 pi); clamped */
  ws_pathloss_params p = params(WS_PATHLOSS_FREE_SPACE);
  ws_pathloss_link l = {.d3d_m = 0.001, .d2d_m = 0.001, .freq_hz = 2.1e9, .h_bs_m = 1, .h_ut_m = 1};
  g_assert_cmpfloat(ws_pathloss_free_space_db(0.001, 2.1e9), <, 0.0);
  g_assert_cmpfloat(ws_pathloss_db(&p, &l), ==, 0.0);
}

static void test_log_distance(void) {
  /* PL(d0) + 10 n log10(d / d0), PL(d0) = Friis at d0; n = 3, d0 = 1 m:
   * 38.89216911656176 + 30 log10(100) at 100 m */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_log_distance_db(100.0, 2.1e9, 3.0, 1.0),
                                 98.89216911656176, TOL_DB);
  /* the defaults through the dispatcher (n 3, d0 1 m) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_LOG_DISTANCE, 100.0, 2.1e9, 1.5, 1.5, true),
                                 98.89216911656176, TOL_DB);
  /* below d0: PL(d0) = 20 log10(4 pi 1 m f / c) = 38.89216911656176 */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_log_distance_db(0.5, 2.1e9, 3.0, 1.0),
                                 38.89216911656176, TOL_DB);
  /* d0 = 10 m, n = 3.5, 500 m, 900 MHz: Friis(10 m) + 35 log10(50) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_log_distance_db(500.0, 0.9e9, 3.5, 10.0),
                                 110.99658356243053, TOL_DB);
  /* n = 2 is free space at every distance */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_log_distance_db(1234.0, 2e9, 2.0, 1.0),
                                 ws_pathloss_free_space_db(1234.0, 2e9), 1e-9);
}

static void test_two_ray(void) {
  /* d_c = 4 pi ht hr / lambda, lambda = c / 2.1 GHz, ht 25 m, hr 1.5 m */
  double dc = ws_pathloss_two_ray_crossover_m(2.1e9, 25.0, 1.5);
  g_assert_cmpfloat_with_epsilon(dc, 3300.9559095738987, 1e-6);
  /* below: Friis */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_two_ray_db(1000.0, 2.1e9, 25.0, 1.5),
                                 98.89216911656176, TOL_DB);
  /* beyond: 40 log10(5000) - 20 log10(25 x 1.5) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_two_ray_db(5000.0, 2.1e9, 25.0, 1.5),
                                 116.47817481888637, TOL_DB);
  /* continuous at d_c: both 109.2649635876779 */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_two_ray_db(dc, 2.1e9, 25.0, 1.5), 109.2649635876779,
                                 1e-6);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_two_ray_db(dc * (1 + 1e-9), 2.1e9, 25.0, 1.5),
                                 109.2649635876779, 1e-6);
  /* 12 dB per doubling beyond d_c (not Friis' 6) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_two_ray_db(16000.0, 2.1e9, 25.0, 1.5) -
                                     ws_pathloss_two_ray_db(8000.0, 2.1e9, 25.0, 1.5),
                                 40.0 * log10(2.0), TOL_DB);
  /* the dispatcher uses d3D and both heights */
  ws_pathloss_params p = params(WS_PATHLOSS_TWO_RAY);
  ws_pathloss_link l = {.d3d_m = 5000.0, .d2d_m = 4999.9, .freq_hz = 2.1e9, .h_bs_m = 25.0,
                        .h_ut_m = 1.5};
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p, &l), 116.47817481888637, TOL_DB);
}

static void test_hata(void) {
  /* Hata 1980 eq. (3), f MHz, d km: 69.55 + 26.16 log f - 13.82 log hb -
   * a(hm) + (44.9 - 6.55 log hb) log d; a(hm) small/medium city eq. (4a)
   * (1.1 log f - 0.7) hm - (1.56 log f - 0.8) */
  /* the classic sanity point: 900 MHz, hb 30 m, hm 1.5 m, 1 km: 126.40 dB */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(1000.0, 900e6, 30.0, 1.5, WS_PATHLOSS_URBAN, false), 126.40328648085746,
      TOL_DB);
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(10000.0, 900e6, 50.0, 1.5, WS_PATHLOSS_URBAN, false),
      157.10908323275848, TOL_DB);
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(5000.0, 450e6, 100.0, 3.0, WS_PATHLOSS_URBAN, false),
      130.22869572427928, TOL_DB);
  /* large city, f >= 400 MHz: a(hm) = 3.2 (log 11.75 hm)^2 - 4.97 */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(1000.0, 900e6, 30.0, 1.5, WS_PATHLOSS_URBAN, true), 126.42008735366149,
      TOL_DB);
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(2000.0, 900e6, 30.0, 5.0, WS_PATHLOSS_URBAN, true), 131.978862178027,
      TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_hata_ahm_db(900e6, 5.0, true), 5.0440443118752745,
                                 TOL_DB);
  /* large city, f <= 200 MHz: a(hm) = 8.29 (log 1.54 hm)^2 - 1.1 */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(4000.0, 150e6, 30.0, 2.0, WS_PATHLOSS_URBAN, true), 126.39153581956465,
      TOL_DB);
  /* suburban eq. (5): L_urban - 2 (log(f/28))^2 - 5.4 */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(5000.0, 900e6, 30.0, 1.5, WS_PATHLOSS_SUBURBAN, false),
      141.08179683100596, TOL_DB);
  /* open eq. (6): L_urban - 4.78 (log f)^2 + 18.33 log f - 40.94 */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(5000.0, 900e6, 30.0, 1.5, WS_PATHLOSS_OPEN, false), 122.5179859913867,
      TOL_DB);
  /* large_city does not change the suburban value */
  g_assert_cmpfloat_with_epsilon(
      ws_pathloss_hata_db(5000.0, 900e6, 30.0, 1.5, WS_PATHLOSS_SUBURBAN, true),
      141.08179683100596, TOL_DB);
  /* through the dispatcher with the parameters */
  ws_pathloss_params p = params(WS_PATHLOSS_OKUMURA_HATA);
  p.environment = WS_PATHLOSS_OPEN;
  ws_pathloss_link l = {.d3d_m = 5000.0, .d2d_m = 5000.0, .freq_hz = 900e6, .h_bs_m = 30.0,
                        .h_ut_m = 1.5};
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p, &l), 122.5179859913867, TOL_DB);
}

static void test_cost231(void) {
  /* COST 231 eq. (4.4.3): 46.3 + 33.9 log f - 13.82 log hb - a(hm) + (44.9 -
   * 6.55 log hb) log d + Cm, a(hm) small/medium city */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_cost231_db(1000.0, 1800e6, 30.0, 1.5, false),
                                 136.19694765731703, TOL_DB);
  /* metropolitan centre: Cm = 3 dB */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_cost231_db(1000.0, 1800e6, 30.0, 1.5, true),
                                 139.19694765731703, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_cost231_db(5000.0, 2000e6, 50.0, 2.0, false),
                                 156.8179299735488, TOL_DB);
  ws_pathloss_params p = params(WS_PATHLOSS_COST231_HATA);
  p.large_city = true;
  ws_pathloss_link l = {.d3d_m = 1000.0, .d2d_m = 1000.0, .freq_hz = 1800e6, .h_bs_m = 30.0,
                        .h_ut_m = 1.5};
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p, &l), 139.19694765731703, TOL_DB);
}

static void test_uma(void) {
  ws_pathloss_params p = params(WS_PATHLOSS_3GPP_UMA);
  /* d'BP = 4 (25 - 1)(1.5 - 1) 3.5e9 / 3e8 = 560 m (h_E = 1 m) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_breakpoint_m(&p, 3.5e9, 25.0, 1.5), 560.0, 1e-9);
  /* PL1 = 28 + 22 log10(d3D) + 20 log10(fc), d3D = sqrt(d2D^2 + 23.5^2) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 100, 3.5e9, 25, 1.5, true),
                                 83.13815667685238, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 560, 3.5e9, 25, 1.5, true),
                                 99.34990280691983, TOL_DB); /* d2D = d'BP: PL1 */
  /* PL2 = 28 + 40 log10(d3D) + 20 log10(fc) - 9 log10(d'BP^2 + 23.5^2) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 560.0001, 3.5e9, 25, 1.5, true),
                                 99.34990590356978, TOL_DB); /* continuous */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 1000, 3.5e9, 25, 1.5, true),
                                 109.41189477469499, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 3000, 3.5e9, 25, 1.5, true),
                                 128.49248246444088, TOL_DB);
  /* NLOS = max(LOS, PL'), PL' = 13.54 + 39.08 log10(d3D) + 20 log10(fc) -
   * 0.6 (hUT - 1.5); PL' wins at ordinary distances */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 100, 3.5e9, 25, 1.5, false),
                                 103.03752359006074, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 1000, 3.5e9, 25, 1.5, false),
                                 141.66604604998784, TOL_DB);
  /* the max rule binding: hUT 22.5 m at 20 m, LOS 67.578 > PL' 62.797 */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 20, 3.5e9, 25, 22.5, false),
                                 67.57808800086175, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMA, 20, 3.5e9, 25, 22.5, true),
                                 67.57808800086175, TOL_DB);
  /* h_E = 12 m moves d'BP from 21280 m to 4 x 13 x 8 x 3.5e9/3e8 = 4853.3 m,
   * so 5 km is on PL2 (120.49144) instead of PL1 (120.25871) */
  ws_pathloss_link l = link_at(5000, 3.5e9, 25, 20, true);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p, &l), 120.25870575963484, TOL_DB);
  p.h_e_m = 12.0;
  g_assert_cmpfloat_with_epsilon(ws_pathloss_breakpoint_m(&p, 3.5e9, 25, 20), 4853.333333333333,
                                 1e-6);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p, &l), 120.49144343324438, TOL_DB);
}

static void test_umi(void) {
  ws_pathloss_params p = params(WS_PATHLOSS_3GPP_UMI);
  /* d'BP = 4 (10 - 1)(1.5 - 1) 3.5e9 / 3e8 = 210 m */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_breakpoint_m(&p, 3.5e9, 10.0, 1.5), 210.0, 1e-9);
  /* PL1 = 32.4 + 21 log10(d3D) + 20 log10(fc), d3D = sqrt(d2D^2 + 8.5^2) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 50, 3.5e9, 10, 1.5, true),
                                 79.08964923389806, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 210, 3.5e9, 10, 1.5, true),
                                 92.05543086234786, TOL_DB);
  /* PL2 = 32.4 + 40 log10(d3D) + 20 log10(fc) - 9.5 log10(d'BP^2 + 8.5^2) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 500, 3.5e9, 10, 1.5, true),
                                 107.11375046601326, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 1000, 3.5e9, 10, 1.5, true),
                                 119.15306796598135, TOL_DB);
  /* NLOS: PL' = 35.3 log10(d3D) + 22.4 + 21.3 log10(fc) - 0.3 (hUT - 1.5) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 50, 3.5e9, 10, 1.5, false),
                                 94.18067689919928, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 500, 3.5e9, 10, 1.5, false),
                                 129.26450544868536, TOL_DB);
  /* the max rule binding: 0.5 GHz (d'BP 30 m), 10 km: LOS 157.996 > PL' 157.188 */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_UMI, 10000, 0.5e9, 10, 1.5, false),
                                 157.99551581998813, TOL_DB);
}

static void test_rma(void) {
  ws_pathloss_params p = params(WS_PATHLOSS_3GPP_RMA);
  /* dBP = 2 pi 35 1.5 0.7e9 / 3e8 (actual heights, Note 5) */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_breakpoint_m(&p, 0.7e9, 35.0, 1.5), 769.6902001294993,
                                 1e-9);
  /* PL1 = 20 log10(40 pi d3D fc / 3) + min(0.03 h^1.72, 10) log10(d3D) -
   * min(0.044 h^1.72, 14.77) + 0.002 log10(h) d3D, h = 5 m */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_RMA, 500, 0.7e9, 35, 1.5, true),
                                 84.63252172087466, TOL_DB);
  /* PL2 = PL1(dBP) + 40 log10(d3D / dBP) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_RMA, 2000, 0.7e9, 35, 1.5, true),
                                 105.41550111909314, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_RMA, 8000, 0.7e9, 35, 1.5, true),
                                 129.49561648618902, TOL_DB);
  /* the min caps: h = 40 m gives 0.03 h^1.72 = 17.09 > 10 and 0.044 h^1.72 =
   * 25.06 > 14.77, so PL1 uses 10 and 14.77 */
  ws_pathloss_params p40 = p;
  p40.building_height_m = 40.0;
  ws_pathloss_link l = link_at(300, 0.7e9, 35, 1.5, true);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p40, &l), 89.93530997637426, TOL_DB);
  l.los = false; /* PL' with h = 40, W = 20 */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&p40, &l), 110.45740674360434, TOL_DB);
  /* NLOS PL' = 161.04 - 7.1 log10 W + 7.5 log10 h - (24.37 - 3.7 (h/hBS)^2)
   * log10 hBS + (43.42 - 3.1 log10 hBS)(log10 d3D - 3) + 20 log10 fc -
   * (3.2 (log10(11.75 hUT))^2 - 4.97) */
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_RMA, 500, 0.7e9, 35, 1.5, false),
                                 104.84326216960586, TOL_DB);
  g_assert_cmpfloat_with_epsilon(loss(WS_PATHLOSS_3GPP_RMA, 2000, 0.7e9, 35, 1.5, false),
                                 128.0676588510967, TOL_DB);
  /* non-default h = 10, W = 30, hBS 50, hUT 3, 2 GHz, 1.5 km */
  ws_pathloss_params q = p;
  q.building_height_m = 10.0;
  q.street_width_m = 30.0;
  l = link_at(1500, 2e9, 50, 3, true);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&q, &l), 107.68162312429159, TOL_DB);
  l.los = false;
  g_assert_cmpfloat_with_epsilon(ws_pathloss_db(&q, &l), 126.9573169420732, TOL_DB);
}

/* Loss never decreases with distance, and NLOS >= LOS, for every model on a
 * 10 m - 5 km sweep (the physics; it would catch a wrong sign or branch). */
static void test_monotone(void) {
  for (int m = 0; m < WS_PATHLOSS_N_MODELS; m++) {
    ws_pathloss_params p = params(m);
    double f = m == WS_PATHLOSS_COST231_HATA ? 1.8e9 : m == WS_PATHLOSS_OKUMURA_HATA ? 0.9e9 : 3.5e9;
    double hb = m == WS_PATHLOSS_3GPP_UMI ? 10.0 : m == WS_PATHLOSS_3GPP_RMA ? 35.0 : 30.0;
    double prev = -1.0;
    for (double d = 10.0; d <= 5000.0; d *= 1.05) {
      ws_pathloss_link los = link_at(d, f, hb, 1.5, true), nlos = los;
      nlos.los = false;
      double a = ws_pathloss_db(&p, &los), b = ws_pathloss_db(&p, &nlos);
      g_assert_cmpfloat(a, >=, prev);
      g_assert_cmpfloat(b, >=, a);
      prev = a;
    }
  }
}

static void test_los_probability(void) {
  /* Table 7.4.2-1 UMi: 18/d + exp(-d/36)(1 - 18/d) */
  g_assert_cmpfloat(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMI, 18.0, 1.5), ==, 1.0);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMI, 50, 1.5),
                                 0.5195854136174696, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMI, 100, 1.5),
                                 0.23098474969813537, 1e-12);
  /* UMa: [18/d + exp(-d/63)(1 - 18/d)] [1 + C'(hUT) 5/4 (d/100)^3 exp(-d/150)] */
  g_assert_cmpfloat(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 10.0, 1.5), ==, 1.0);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 50, 1.5),
                                 0.6494021903337921, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 100, 1.5),
                                 0.3476708368442312, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 300, 1.5),
                                 0.06803635091090489, 1e-12);
  /* the h_UT correction, C'(20 m) = 0.7^1.5 */
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 50, 20),
                                 0.6919832051741173, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 100, 20),
                                 0.47834679144940695, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 300, 20),
                                 0.2500369786110799, 1e-12);
  /* C' = 0 up to 13 m */
  g_assert_cmpfloat(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 300, 13.0), ==,
                    ws_pathloss_los_probability(WS_PATHLOSS_3GPP_UMA, 300, 1.5));
  /* RMa: exp(-(d - 10)/1000) */
  g_assert_cmpfloat(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_RMA, 10, 1.5), ==, 1.0);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_RMA, 1010, 1.5),
                                 exp(-1.0), 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_pathloss_los_probability(WS_PATHLOSS_3GPP_RMA, 500, 1.5),
                                 0.6126263941844161, 1e-12);
  /* models without a LOS state */
  g_assert_cmpfloat(ws_pathloss_los_probability(WS_PATHLOSS_OKUMURA_HATA, 5000, 1.5), ==, 1.0);
  /* the draw: u < P is LOS */
  g_assert_true(ws_pathloss_los_draw(WS_PATHLOSS_3GPP_UMI, 50, 1.5, 0.5195));
  g_assert_false(ws_pathloss_los_draw(WS_PATHLOSS_3GPP_UMI, 50, 1.5, 0.5196));
  g_assert_true(ws_pathloss_los_draw(WS_PATHLOSS_3GPP_UMA, 10, 1.5, 0.999999));
  g_assert_true(ws_pathloss_los_draw(WS_PATHLOSS_FREE_SPACE, 1e4, 1.5, 0.999999));
  /* a uniform grid of draws gives the probability (to the grid step) */
  int n = 10000, hits = 0;
  for (int i = 0; i < n; i++)
    hits += ws_pathloss_los_draw(WS_PATHLOSS_3GPP_UMA, 100, 1.5, (i + 0.5) / n);
  g_assert_cmpfloat_with_epsilon(hits / (double)n, 0.3476708368442312, 1.0 / n);
}

static void test_uma_h_e(void) {
  /* h_UT < 13 m: always 1 m */
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 1.5, 0.999, 0.5), ==, 1.0);
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 12.9, 0.999, 0.5), ==, 1.0);
  /* d2D <= 18 m: g = 0, always 1 m */
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(18, 20, 0.999, 0.5), ==, 1.0);
  /* hUT 20 m, d2D 100 m: g = 5/4 exp(-2/3), C = 0.7^1.5 g, P(1 m) =
   * 1 / (1 + C) = 0.7268175371068694; else uniform on {12, 15, 18} */
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 20, 0.7268, 0.0), ==, 1.0);
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 20, 0.7269, 0.0), ==, 12.0);
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 20, 0.9, 0.34), ==, 15.0);
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 20, 0.9, 0.99), ==, 18.0);
  /* hUT 22.5: {12, ..., 21} has 4 values */
  g_assert_cmpfloat(ws_pathloss_uma_draw_h_e(100, 22.5, 0.99, 0.99), ==, 21.0);
}

static void test_shadowing(void) {
  ws_pathloss_link los = link_at(100, 3.5e9, 25, 1.5, true), nlos = los;
  nlos.los = false;
  /* Table 7.4.1-1 sigma_SF */
  ws_pathloss_params p = params(WS_PATHLOSS_3GPP_UMA);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &los), ==, 4.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &nlos), ==, 6.0);
  p = params(WS_PATHLOSS_3GPP_UMI);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &los), ==, 4.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &nlos), ==, 7.82);
  p = params(WS_PATHLOSS_3GPP_RMA);
  ws_pathloss_link near = link_at(500, 0.7e9, 35, 1.5, true), far = link_at(2000, 0.7e9, 35, 1.5, true);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &near), ==, 4.0); /* below dBP 770 m */
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &far), ==, 6.0);
  far.los = false;
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &far), ==, 8.0);
  p = params(WS_PATHLOSS_LOG_DISTANCE);
  g_assert_cmpfloat(ws_pathloss_shadowing_sigma_db(&p, &los), ==, 0.0);
  /* Table 7.5-6 Part 1 SF correlation distances */
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_UMA, true), ==, 37.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_UMA, false), ==, 50.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_UMI, true), ==, 10.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_UMI, false), ==, 13.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_RMA, true), ==, 37.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_3GPP_RMA, false), ==, 120.0);
  g_assert_cmpfloat(ws_pathloss_shadowing_decorrelation_m(WS_PATHLOSS_TWO_RAY, true), ==, 50.0);
}

/* Asserts that check on (m, link) is NULL (want == NULL) or a message
 * containing want. */
static void check_is(const ws_pathloss_params *p, ws_pathloss_link l, const char *want) {
  const char *msg = ws_pathloss_check(p, &l);
  if (want == NULL) {
    if (msg != NULL) g_error("unexpected warning for %s: %s", ws_pathloss_model_name(p->model), msg);
  } else {
    g_assert_nonnull(msg);
    g_assert_nonnull(strstr(msg, want));
  }
}

static void test_check(void) {
  ws_pathloss_params p = params(WS_PATHLOSS_OKUMURA_HATA);
  check_is(&p, link_at(1000, 900e6, 30, 1.5, true), NULL);
  check_is(&p, link_at(19999, 150e6, 200, 10, true), NULL); /* limits are inside (d3D 19999.9 m) */
  check_is(&p, link_at(1000, 1800e6, 30, 1.5, true), "150-1500 MHz");
  check_is(&p, link_at(1000, 140e6, 30, 1.5, true), "150-1500 MHz");
  check_is(&p, link_at(1000, 900e6, 25, 1.5, true), "30-200 m");
  check_is(&p, link_at(1000, 900e6, 30, 0.5, true), "1-10 m");
  check_is(&p, link_at(500, 900e6, 30, 1.5, true), "1-20 km");
  check_is(&p, link_at(25000, 900e6, 30, 1.5, true), "1-20 km");
  p.large_city = true;
  check_is(&p, link_at(1000, 300e6, 30, 1.5, true), "200 MHz");
  check_is(&p, link_at(1000, 900e6, 30, 1.5, true), NULL);
  p.environment = WS_PATHLOSS_SUBURBAN;
  check_is(&p, link_at(1000, 900e6, 30, 1.5, true), "urban environment only");

  p = params(WS_PATHLOSS_COST231_HATA);
  check_is(&p, link_at(1000, 1800e6, 30, 1.5, true), NULL);
  check_is(&p, link_at(1000, 2100e6, 30, 1.5, true), "1500-2000 MHz");
  check_is(&p, link_at(900, 1800e6, 30, 1.5, true), "1-20 km");
  p.environment = WS_PATHLOSS_OPEN;
  check_is(&p, link_at(1000, 1800e6, 30, 1.5, true), "open");

  p = params(WS_PATHLOSS_3GPP_UMA);
  check_is(&p, link_at(100, 3.5e9, 25, 1.5, true), NULL);
  check_is(&p, link_at(5, 3.5e9, 25, 1.5, true), "10 m-5 km");
  check_is(&p, link_at(6000, 3.5e9, 25, 1.5, false), "10 m-5 km");
  check_is(&p, link_at(100, 3.5e9, 30, 1.5, true), "h_BS = 25 m");
  check_is(&p, link_at(100, 3.5e9, 25, 30, true), "1.5-22.5 m");
  check_is(&p, link_at(100, 0.4e9, 25, 1.5, true), "0.5-100 GHz");
  p = params(WS_PATHLOSS_3GPP_UMI);
  check_is(&p, link_at(100, 3.5e9, 10, 1.5, true), NULL);
  check_is(&p, link_at(100, 3.5e9, 25, 1.5, true), "h_BS = 10 m");
  p = params(WS_PATHLOSS_3GPP_RMA);
  check_is(&p, link_at(8000, 0.7e9, 35, 1.5, true), NULL);                 /* LOS to 10 km */
  check_is(&p, link_at(8000, 0.7e9, 35, 1.5, false), "NLOS 2D distance"); /* NLOS to 5 km */
  check_is(&p, link_at(1000, 40e9, 35, 1.5, true), "0.5-30 GHz");
  check_is(&p, link_at(1000, 0.7e9, 200, 1.5, true), "10-150 m");
  check_is(&p, link_at(1000, 0.7e9, 35, 12, true), "1-10 m");
  p.street_width_m = 60;
  check_is(&p, link_at(1000, 0.7e9, 35, 1.5, true), "street width");
  p = params(WS_PATHLOSS_3GPP_RMA);
  p.building_height_m = 2;
  check_is(&p, link_at(1000, 0.7e9, 35, 1.5, true), "building height");

  p = params(WS_PATHLOSS_LOG_DISTANCE);
  check_is(&p, link_at(100, 2e9, 25, 1.5, true), NULL);
  p.reference_distance_m = 200;
  check_is(&p, link_at(100, 2e9, 25, 1.5, true), "reference_distance");
  p = params(WS_PATHLOSS_LOG_DISTANCE);
  p.exponent = 7;
  check_is(&p, link_at(100, 2e9, 25, 1.5, true), "exponent");
  p = params(WS_PATHLOSS_FREE_SPACE);
  check_is(&p, link_at(100, 2e9, 25, 1.5, true), NULL);
  ws_pathloss_link near = {.d3d_m = 0.1, .d2d_m = 0.1, .freq_hz = 2e9, .h_bs_m = 1, .h_ut_m = 1};
  check_is(&p, near, "near field");
  /* the setup check alone */
  p = params(WS_PATHLOSS_3GPP_UMA);
  g_assert_null(ws_pathloss_check_setup(&p, 3.5e9, 25, 1.5));
  g_assert_nonnull(ws_pathloss_check_setup(&p, 3.5e9, 25, 0));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/pathloss/names", test_names);
  g_test_add_func("/pathloss/free-space", test_free_space);
  g_test_add_func("/pathloss/log-distance", test_log_distance);
  g_test_add_func("/pathloss/two-ray", test_two_ray);
  g_test_add_func("/pathloss/hata", test_hata);
  g_test_add_func("/pathloss/cost231", test_cost231);
  g_test_add_func("/pathloss/uma", test_uma);
  g_test_add_func("/pathloss/umi", test_umi);
  g_test_add_func("/pathloss/rma", test_rma);
  g_test_add_func("/pathloss/monotone", test_monotone);
  g_test_add_func("/pathloss/los-probability", test_los_probability);
  g_test_add_func("/pathloss/uma-h-e", test_uma_h_e);
  g_test_add_func("/pathloss/shadowing", test_shadowing);
  g_test_add_func("/pathloss/check", test_check);
  return g_test_run();
}
