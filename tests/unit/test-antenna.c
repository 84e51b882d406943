/* Tests of the antennas and the noise floor (sim/radio/antenna.c): the TR
 * 38.901 Table 7.3-1 sector pattern at 0, +-32.5 (the 3 dB points), 60, 90
 * and 180 degrees for beamwidth 65 and A_max 30, with boresight azimuths
 * and angle wrapping, the vertical cut with downtilt and the 3D
 * combination, and the thermal noise floor in both -174 forms. Expected
 * values were computed with python3 from the formulas written beside them;
 * tolerance 1e-9 dB covers libm rounding only. */
#include <glib.h>
#include <math.h>

#include "wisim/antenna.h"

#define TOL_DB 1e-9

static void test_wrap(void) {
  g_assert_cmpfloat(ws_antenna_wrap_deg(0.0), ==, 0.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(180.0), ==, 180.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(-180.0), ==, 180.0); /* (-180, 180] */
  g_assert_cmpfloat(ws_antenna_wrap_deg(540.0), ==, 180.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(-540.0), ==, 180.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(270.0), ==, -90.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(-190.0), ==, 170.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(370.0), ==, 10.0);
  g_assert_cmpfloat(ws_antenna_wrap_deg(-360.0), ==, 0.0);
}

static void test_horizontal(void) {
  /* -min(12 (phi / 65)^2, 30) */
  g_assert_cmpfloat(ws_antenna_horizontal_db(0.0, 65, 30), ==, 0.0);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(32.5, 65, 30), -3.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(-32.5, 65, 30), -3.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(60, 65, 30), -10.22485207100592, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(90, 65, 30), -23.00591715976331, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(-90, 65, 30), -23.00591715976331, TOL_DB);
  g_assert_cmpfloat(ws_antenna_horizontal_db(180, 65, 30), ==, -30.0); /* capped at A_max */
  g_assert_cmpfloat(ws_antenna_horizontal_db(120, 65, 30), ==, -30.0); /* 12 (120/65)^2 = 40.9 */
  /* wrapping: 270 deg is -90 deg, 350 deg is -10 deg */
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(270, 65, 30), -23.00591715976331, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(350, 65, 30),
                                 -12.0 * (10.0 / 65.0) * (10.0 / 65.0), TOL_DB);
  /* another beamwidth / front-to-back: 70 deg, 25 dB: -3 dB at 35 deg, cap 25 */
  g_assert_cmpfloat_with_epsilon(ws_antenna_horizontal_db(35, 70, 25), -3.0, TOL_DB);
  g_assert_cmpfloat(ws_antenna_horizontal_db(180, 70, 25), ==, -25.0);
}

static void test_sector(void) {
  ws_antenna a;
  ws_antenna_init(&a, WS_ANTENNA_SECTOR);
  g_assert_cmpfloat(a.beamwidth_deg, ==, 65.0);
  g_assert_cmpfloat(a.front_to_back_db, ==, 30.0);
  a.gain_dbi = 8.0;
  a.azimuth_deg = 30.0; /* the first sector of a 3-sector site */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 30.0, 0.0), 8.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 62.5, 0.0), 5.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, -2.5, 0.0), 5.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 120.0, 0.0), 8.0 - 23.00591715976331,
                                 TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 210.0, 0.0), 8.0 - 30.0, TOL_DB);
  /* boresight 270 deg: a target at -90 deg is on boresight */
  a.azimuth_deg = 270.0;
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, -90.0, 0.0), 8.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 302.5, 0.0), 5.0, TOL_DB);
  /* boresight 150 deg, target at 330 deg = -30 deg: the back, 180 deg off */
  a.azimuth_deg = 150.0;
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, -30.0, 0.0), -22.0, TOL_DB);
  /* boresight -170, target 200 (= -160): 10 deg off across the +-180 seam */
  a.azimuth_deg = -170.0;
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 200.0, 0.0),
                                 8.0 - 12.0 * (10.0 / 65.0) * (10.0 / 65.0), TOL_DB);
  /* the elevation does nothing without the vertical cut */
  g_assert_cmpfloat(ws_antenna_gain_db(&a, 200.0, -40.0), ==, ws_antenna_gain_db(&a, 200.0, 0.0));
  /* towards a point: boresight +Y (90 deg), target at (0, 100) and (100, 0) */
  a.azimuth_deg = 90.0;
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 0, 100, -23.5), 8.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 100, 0, -23.5),
                                 8.0 - 23.00591715976331, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, -100, -100 * tan(G_PI / 3), 0),
                                 8.0 - 30.0, TOL_DB); /* 240 deg: 150 deg off */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 0, 0, -20), 8.0, TOL_DB);
}

static void test_omni(void) {
  ws_antenna a;
  g_assert_cmpint(ws_antenna_kind_from_name("omni"), ==, WS_ANTENNA_OMNI);
  g_assert_cmpint(ws_antenna_kind_from_name("sector"), ==, WS_ANTENNA_SECTOR);
  g_assert_cmpint(ws_antenna_kind_from_name("patch"), ==, -1);
  ws_antenna_init(&a, WS_ANTENNA_OMNI);
  g_assert_cmpfloat(ws_antenna_gain_db(&a, 123.0, -10.0), ==, 0.0);
  a.gain_dbi = 2.15;
  a.vertical = true;
  g_assert_cmpfloat(ws_antenna_gain_db(&a, -77.0, 45.0), ==, 2.15);
  g_assert_cmpfloat(ws_antenna_gain_towards_db(&a, 1, 2, 3), ==, 2.15);
}

static void test_vertical(void) {
  /* -min(12 ((theta'' - 90) / 65)^2, 30) */
  g_assert_cmpfloat(ws_antenna_vertical_db(0.0, 65, 30), ==, 0.0);
  g_assert_cmpfloat_with_epsilon(ws_antenna_vertical_db(32.5, 65, 30), -3.0, TOL_DB);
  g_assert_cmpfloat(ws_antenna_vertical_db(-120.0, 65, 30), ==, -30.0); /* 12 (120/65)^2 = 40.9 */
  g_assert_cmpfloat_with_epsilon(ws_antenna_vertical_db(-90.0, 65, 30), -23.00591715976331, TOL_DB);
  ws_antenna a;
  ws_antenna_init(&a, WS_ANTENNA_SECTOR);
  a.vertical = true;
  a.downtilt_deg = 10.0;
  a.gain_dbi = 8.0;
  /* BS 25 m, UE 1.5 m at 100 m, 20 deg off boresight: elevation
   * atan2(-23.5, 100) = -13.2246 deg, theta'' - 90 = 13.2246 - 10 = 3.2246:
   * A_V = -0.02953201531230018, A_H = -1.136094674556213, A = A_V + A_H */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 100 * cos(G_PI / 9),
                                                            100 * sin(G_PI / 9), -23.5),
                                 8.0 - 1.1656266898685133, TOL_DB);
  /* on boresight in both planes: elevation -10 deg */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 0.0, -10.0), 8.0, TOL_DB);
  /* 3 dB below boresight vertically: elevation -42.5 deg */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_db(&a, 0.0, -42.5), 5.0, TOL_DB);
  /* the 3D combination is capped at A_max: 10 m away, 120 deg off:
   * A_V = -9.2113, A_H = -30, -min(39.2, 30) = -30 */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 10 * cos(2 * G_PI / 3),
                                                            10 * sin(2 * G_PI / 3), -23.5),
                                 8.0 - 30.0, TOL_DB);
  /* vertical alone at 10 m, on boresight azimuth: A_V = -9.211325900041013 */
  g_assert_cmpfloat_with_epsilon(ws_antenna_gain_towards_db(&a, 10, 0, -23.5),
                                 8.0 - 9.211325900041013, TOL_DB);
}

static void test_noise(void) {
  /* 10 log10(k T 1000), k = 1.380649e-23 J/K */
  g_assert_cmpfloat_with_epsilon(ws_antenna_thermal_psd_dbm_hz(290.0), -173.97518719422808, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_antenna_thermal_psd_dbm_hz(300.0), -173.82795462602104, TOL_DB);
  /* 10 MHz, NF 9 dB, 290 K: -173.975 + 70 + 9 = -94.975 dBm */
  g_assert_cmpfloat_with_epsilon(ws_antenna_noise_floor_dbm(10e6, 9.0, 290.0), -94.97518719422808,
                                 TOL_DB);
  /* the nominal form: -174 + 70 + 9 = -95.0 dBm exactly */
  g_assert_cmpfloat_with_epsilon(ws_antenna_noise_floor_nominal_dbm(10e6, 9.0), -95.0, TOL_DB);
  /* the two differ by 10 log10(k 290 1000) + 174 = 0.0248 dB at any bandwidth */
  g_assert_cmpfloat_with_epsilon(ws_antenna_noise_floor_dbm(1e6, 0.0, 290.0) -
                                     ws_antenna_noise_floor_nominal_dbm(1e6, 0.0),
                                 0.02481280577192, 1e-9);
  /* 20 MHz, NF 7 dB, 300 K */
  g_assert_cmpfloat_with_epsilon(ws_antenna_noise_floor_dbm(20e6, 7.0, 300.0), -93.81765466938123,
                                 TOL_DB);
  /* one LTE resource block (180 kHz), NF 5 dB, nominal: -116.447 dBm */
  g_assert_cmpfloat_with_epsilon(ws_antenna_noise_floor_nominal_dbm(180e3, 5.0), -116.44727494896694,
                                 TOL_DB);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/antenna/wrap", test_wrap);
  g_test_add_func("/antenna/horizontal", test_horizontal);
  g_test_add_func("/antenna/sector", test_sector);
  g_test_add_func("/antenna/omni", test_omni);
  g_test_add_func("/antenna/vertical", test_vertical);
  g_test_add_func("/antenna/noise", test_noise);
  return g_test_run();
}
