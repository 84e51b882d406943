/* Tests of the link control loops (sim/cell/powerctl.c): uplink fractional
 * power control against values worked out by hand from
 * min(Pmax, P0 + 10 log10(M) + alpha PL) (TS 38.213 7.1.1 as simplified by
 * issue 4), its saturation, full compensation at alpha = 1. */
#include <glib.h>
#include <math.h>

#include "wisim/powerctl.h"

/* Only double arithmetic on a few terms: 1e-9 dB is far above rounding
 * (~1e-14) and far below any meaningful power difference. */
#define TOL_DB 1e-9

static const ws_powerctl_config defaults = {.p0_dbm = -90.0, .alpha = 0.8, .pmax_dbm = 23.0};

/* Values by hand at the SCENARIO-FORMAT defaults (P0 -90 dBm, alpha 0.8,
 * Pmax 23 dBm): 10 log10 of 10, 25, 50, 51 = 10, 13.9794000867,
 * 16.9897000434, 17.0757017610. */
static void test_hand_values(void) {
  static const struct {
    unsigned m;
    double pl_db, want_dbm;
    bool limited;
  } cases[] = {
    {1, 100.0, -10.0, false},                 /* -90 + 0 + 80 */
    {10, 100.0, 0.0, false},                  /* -90 + 10 + 80 */
    {25, 80.0, -12.020599913279623, false},   /* -90 + 13.979 + 64 */
    {50, 120.0, 22.989700043360187, false},   /* -90 + 16.990 + 96: just under */
    {51, 120.0, 23.0, true},                  /* 23.076 > 23 */
    {100, 120.0, 23.0, true},                 /* 26 > 23 */
    {1, 140.0, 22.0, false},                  /* -90 + 0 + 112 */
    {2, 140.0, 23.0, true},                   /* 25.010 > 23 */
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
    double p = ws_powerctl_pusch_dbm(&defaults, cases[i].m, cases[i].pl_db);
    g_assert_cmpfloat_with_epsilon(p, cases[i].want_dbm, TOL_DB);
    g_assert_cmpint(ws_powerctl_limited(&defaults, cases[i].m, cases[i].pl_db), ==,
                    cases[i].limited);
    g_assert_cmpfloat_with_epsilon(ws_powerctl_per_rb_dbm(&defaults, cases[i].m, cases[i].pl_db),
                                   cases[i].want_dbm - 10.0 * log10(cases[i].m), TOL_DB);
  }
  /* At the edge (alpha 1, exact in binary): -90 + 113 = 23 is exactly Pmax,
   * not limited; 5 mdB more is. */
  ws_powerctl_config c = {.p0_dbm = -90.0, .alpha = 1.0, .pmax_dbm = 23.0};
  g_assert_false(ws_powerctl_limited(&c, 1, 113.0));
  g_assert_cmpfloat(ws_powerctl_pusch_dbm(&c, 1, 113.0), ==, 23.0);
  g_assert_true(ws_powerctl_limited(&c, 1, 113.005));
  g_assert_cmpfloat(ws_powerctl_pusch_dbm(&c, 1, 113.005), ==, 23.0);
  g_assert_cmpfloat_with_epsilon(ws_powerctl_pusch_dbm(&c, 1, 112.995), 22.995, TOL_DB);
  /* Another cell: P0 -100 dBm, alpha 0.5: M 20, PL 130 -> -100 + 13.0103 + 65. */
  c = (ws_powerctl_config){.p0_dbm = -100.0, .alpha = 0.5, .pmax_dbm = 23.0};
  g_assert_cmpfloat_with_epsilon(ws_powerctl_pusch_dbm(&c, 20, 130.0), -21.989700043360187, TOL_DB);
  /* alpha 0: no compensation, power independent of path loss. */
  c.alpha = 0.0;
  g_assert_cmpfloat_with_epsilon(ws_powerctl_pusch_dbm(&c, 10, 60.0), -90.0, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_powerctl_pusch_dbm(&c, 10, 160.0), -90.0, TOL_DB);
}

/* The min() saturates at Pmax: never above it, monotone in M and PL, and
 * per RB the power falls as 1/M once saturated. */
static void test_saturation(void) {
  for (double pl = 60.0; pl <= 160.0; pl += 2.5) {
    double prev = -INFINITY;
    for (unsigned m = 1; m <= 273; m++) {
      double p = ws_powerctl_pusch_dbm(&defaults, m, pl);
      g_assert_cmpfloat(p, <=, defaults.pmax_dbm);
      g_assert_cmpfloat(p, >=, prev);
      prev = p;
      if (ws_powerctl_limited(&defaults, m, pl)) {
        g_assert_cmpfloat(p, ==, defaults.pmax_dbm);
        g_assert_cmpfloat_with_epsilon(ws_powerctl_per_rb_dbm(&defaults, m, pl),
                                       23.0 - 10.0 * log10(m), TOL_DB);
      }
    }
  }
  /* The largest unsaturated allocation: headroom Pmax - P0 - alpha PL =
   * 17 dB at PL 120 -> 10^1.7 = 50.1 -> 50 RBs; 1 dB at 140 -> 1; -7 dB at
   * 150 -> 0; 73 dB at 50 -> capped at max_rb. */
  g_assert_cmpuint(ws_powerctl_max_unlimited_rbs(&defaults, 120.0, 273), ==, 50);
  g_assert_cmpuint(ws_powerctl_max_unlimited_rbs(&defaults, 140.0, 273), ==, 1);
  g_assert_cmpuint(ws_powerctl_max_unlimited_rbs(&defaults, 150.0, 273), ==, 0);
  g_assert_cmpuint(ws_powerctl_max_unlimited_rbs(&defaults, 50.0, 100), ==, 100);
  for (double pl = 100.0; pl <= 150.0; pl += 0.37) {
    unsigned n = ws_powerctl_max_unlimited_rbs(&defaults, pl, 273);
    if (n > 0)
      g_assert_false(ws_powerctl_limited(&defaults, n, pl));
    if (n < 273)
      g_assert_true(ws_powerctl_limited(&defaults, n + 1, pl));
  }
}

/* alpha = 1 compensates the path loss fully: every unsaturated UE arrives
 * with P0 per RB whatever its path loss; alpha = 0.8 leaves
 * P0 - 0.2 PL (fractional: cell-edge UEs arrive weaker). */
static void test_full_compensation(void) {
  ws_powerctl_config full = {.p0_dbm = -100.0, .alpha = 1.0, .pmax_dbm = 23.0};
  unsigned checked = 0;
  for (double pl = 50.0; pl <= 150.0; pl += 7.3) {
    for (unsigned m = 1; m <= 100; m += 11) {
      double rx_per_rb = ws_powerctl_per_rb_dbm(&full, m, pl) - pl;
      if (!ws_powerctl_limited(&full, m, pl)) {
        g_assert_cmpfloat_with_epsilon(rx_per_rb, -100.0, TOL_DB);
        checked++;
      } else {
        g_assert_cmpfloat(rx_per_rb, <, -100.0);
      }
      double frac = ws_powerctl_per_rb_dbm(&defaults, m, pl) - pl;
      if (!ws_powerctl_limited(&defaults, m, pl))
        g_assert_cmpfloat_with_epsilon(frac, -90.0 - 0.2 * pl, TOL_DB);
    }
  }
  g_assert_cmpuint(checked, >, 50);
}

/* Reports at 0, 5, 10 ms (period 5, delay 4) are in force from 4, 9, 14 ms:
 * checked on every 0.5 ms and 1 ns either side of each switch. */
int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/powerctl/hand-values", test_hand_values);
  g_test_add_func("/powerctl/saturation", test_saturation);
  g_test_add_func("/powerctl/full-compensation", test_full_compensation);
  return g_test_run();
}
