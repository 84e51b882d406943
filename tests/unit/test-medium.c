/* Tests of the radio medium (sim/radio/medium.c) against hand computations:
 * received power and SNR of one cell (log-distance formula + antenna + kTB +
 * NF), SINR with an equal interferer, an idle or partly active one, sector
 * patterns, the culling bound, the movement threshold, wrap-around
 * distances, uplink SINR with one interfering UE, and determinism.
 * Closed forms are computed here from the formulas, independently of
 * pathloss.c/antenna.c; tolerance 1e-9 dB (double rounding of a few log10s
 * and pow()s, ~1e-13 relative, is far below it). */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "wisim/medium.h"

#define C_MPS 299792458.0
#define F_HZ 2e9
#define RB_HZ 180e3
#define N_RB 50
#define TOL_DB 1e-9

/* Log-distance, n = 3, d0 = 1 m: Friis at d0 then 30 log10(d). */
static double
hand_pl_db(double d3d_m)
{
  return 20 * log10(4 * M_PI * 1.0 * F_HZ / C_MPS) + 30 * log10(d3d_m);
}

/* kTB at 290 K over one RB plus NF, dBm. */
static double
hand_noise_dbm(double nf_db)
{
  return 10 * log10(1.380649e-23 * 290 * RB_HZ / 1e-3) + nf_db;
}

static double
lin(double db)
{
  return pow(10, db / 10);
}

static double
db(double x)
{
  return 10 * log10(x);
}

static ws_medium_cell
mk_cell(const char *name, double x, double y, double gain_dbi)
{
  ws_medium_cell c = {.name = name, .x_m = x, .y_m = y, .height_m = 25, .tx_power_dbm = 46,
                      .noise_figure_db = 5, .frequency_hz = F_HZ};
  ws_antenna_init(&c.antenna, WS_ANTENNA_OMNI);
  c.antenna.gain_dbi = gain_dbi;
  g_assert_true(ws_phy_carrier_init(&c.carrier, 0, 10e6, NULL));
  g_assert_cmpuint(c.carrier.n_rb, ==, N_RB);
  return c;
}

static ws_medium_ue
mk_ue(const char *name, double x, double y)
{
  ws_medium_ue u = {.name = name, .x_m = x, .y_m = y, .height_m = 1.5, .tx_power_dbm = 23,
                    .noise_figure_db = 7, .speed_mps = 0};
  return u;
}

static ws_medium *
mk_medium(double cull_db)
{
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.cull_db = cull_db;
  return ws_medium_new(&cfg, NULL);
}

/* Per-RB received power of a 46 dBm cell with gain_dbi at ground distance d. */
static double
hand_rx_rb_dbm(double d2d_m, double ant_db)
{
  double d3d = hypot(d2d_m, 25 - 1.5);
  return 46 - 10 * log10(N_RB) + ant_db - hand_pl_db(d3d);
}

static void
test_single_cell(void)
{
  ws_medium *m = mk_medium(WS_MEDIUM_CULL_DB_DEFAULT);
  ws_medium_cell c = mk_cell("A", 0, 0, 5);
  ws_medium_ue u = mk_ue("u", 100, 0), v = mk_ue("v", 100, 0);
  v.noise_figure_db = NAN; /* the radio's: 9 dB */
  g_assert_cmpint(ws_medium_add_cell(m, &c), ==, 0);
  g_assert_cmpint(ws_medium_add_ue(m, &u), ==, 0);
  g_assert_cmpint(ws_medium_add_ue(m, &v), ==, 1);
  ws_medium_build(m, 0);
  g_assert_cmpfloat_with_epsilon(ws_medium_dl_noise_rb_dbm(m, 1), hand_noise_dbm(9), TOL_DB);
  double rx = hand_rx_rb_dbm(100, 5), noise = hand_noise_dbm(7);
  g_assert_cmpfloat_with_epsilon(ws_medium_dl_noise_rb_dbm(m, 0), noise, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_medium_ul_noise_rb_dbm(m, 0), hand_noise_dbm(5), TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_medium_dl_rx_rb_dbm(m, 0, 0, 17, 0), rx, TOL_DB);
  /* RSRP per RE: 12 subcarriers per RB. */
  g_assert_cmpfloat_with_epsilon(ws_medium_rsrp_dbm(m, 0, 0), rx - 10 * log10(12), TOL_DB);
  double sinr[N_RB], rx_mw[N_RB];
  ws_medium_dl_sinr(m, 0, 0, 1000000, NULL, sinr, rx_mw);
  for (int r = 0; r < N_RB; r++) {
    g_assert_cmpfloat_with_epsilon(db(sinr[r]), rx - noise, TOL_DB);
    g_assert_cmpfloat_with_epsilon(db(rx_mw[r]), rx, TOL_DB);
  }
  g_assert_cmpfloat_with_epsilon(ws_medium_wideband_sinr_db(m, 0, 0, NULL), rx - noise, TOL_DB);
  g_assert_cmpfloat_with_epsilon(ws_medium_mean_sinr_db(sinr, N_RB), rx - noise, TOL_DB);
  /* 10 MHz at mu = 0: 50 RBs, 9 subbands of 6 (TS 36.213 Table 7.2.1-3). */
  g_assert_cmpuint(ws_medium_n_subbands(m), ==, 9);
  g_assert_cmpuint(ws_medium_subband_of_rb(m, 49), ==, 8);
  ws_medium_free(m);
}

/* Two equal omni cells at +-200 m, the UE midway: S = I exactly. */
static ws_medium *
two_cells(double gain0, double gain1)
{
  ws_medium *m = mk_medium(WS_MEDIUM_CULL_DB_DEFAULT);
  ws_medium_cell a = mk_cell("A", -200, 0, gain0), b = mk_cell("B", 200, 0, gain1);
  ws_medium_ue u = mk_ue("u", 0, 0);
  ws_medium_add_cell(m, &a);
  ws_medium_add_cell(m, &b);
  ws_medium_add_ue(m, &u);
  return m;
}

static void
test_two_cells(void)
{
  ws_medium *m = two_cells(0, 0);
  ws_medium_build(m, 0);
  double s = lin(hand_rx_rb_dbm(200, 0)), n = lin(hand_noise_dbm(7));
  double sinr[N_RB];
  ws_medium_dl_sinr(m, 0, 0, 0, NULL, sinr, NULL);
  for (int r = 0; r < N_RB; r++)
    g_assert_cmpfloat_with_epsilon(db(sinr[r]), db(s / (s + n)), TOL_DB);
  /* S/(S+N) is just below 0 dB here (S >> N). */
  g_assert_cmpfloat(db(sinr[0]), <, 0);
  g_assert_cmpfloat(db(sinr[0]), >, -0.01);
  g_assert_cmpfloat_with_epsilon(ws_medium_wideband_sinr_db(m, 0, 1, NULL), db(s / (s + n)), TOL_DB);

  /* Cell B idle: the SNR. Then active on RBs 0..9 and 40..49 only. */
  uint64_t active[2 * WS_MEDIUM_RB_WORDS(N_RB)];
  memset(active, 0xff, sizeof active);
  active[1] = 0;
  ws_medium_dl_sinr(m, 0, 0, 0, active, sinr, NULL);
  for (int r = 0; r < N_RB; r++)
    g_assert_cmpfloat_with_epsilon(db(sinr[r]), db(s / n), TOL_DB);
  active[1] = 0x3ffULL | (0x3ffULL << 40);
  ws_medium_dl_sinr(m, 0, 0, 0, active, sinr, NULL);
  for (int r = 0; r < N_RB; r++) {
    bool on = r < 10 || r >= 40;
    g_assert_cmpfloat_with_epsilon(db(sinr[r]), db(on ? s / (s + n) : s / n), TOL_DB);
  }
  /* Cell A's own bits are not read when A serves. */
  active[0] = 0;
  active[1] = ~0ULL;
  ws_medium_dl_sinr(m, 0, 0, 0, active, sinr, NULL);
  g_assert_cmpfloat_with_epsilon(db(sinr[3]), db(s / (s + n)), TOL_DB);
  ws_medium_free(m);
}

/* Sector antennas: A at -200 points at the UE (boresight, full gain); B at
 * +200 is turned away: the UE is at 180 deg, B's boresight at az. TR 38.901
 * Table 7.3-1: attenuation min(12 (phi/65)^2, 30). */
static void
check_sector(double az_b_deg, double atten_db)
{
  ws_medium *m = mk_medium(WS_MEDIUM_CULL_DB_DEFAULT);
  ws_medium_cell a = mk_cell("A", -200, 0, 8), b = mk_cell("B", 200, 0, 8);
  ws_antenna_init(&a.antenna, WS_ANTENNA_SECTOR);
  ws_antenna_init(&b.antenna, WS_ANTENNA_SECTOR);
  a.antenna.gain_dbi = b.antenna.gain_dbi = 8;
  a.antenna.azimuth_deg = 0;
  b.antenna.azimuth_deg = az_b_deg;
  ws_medium_ue u = mk_ue("u", 0, 0);
  ws_medium_add_cell(m, &a);
  ws_medium_add_cell(m, &b);
  ws_medium_add_ue(m, &u);
  ws_medium_build(m, 0);
  double s = lin(hand_rx_rb_dbm(200, 8)), i = lin(hand_rx_rb_dbm(200, 8 - atten_db));
  double n = lin(hand_noise_dbm(7));
  double sinr[N_RB];
  ws_medium_dl_sinr(m, 0, 0, 0, NULL, sinr, NULL);
  g_assert_cmpfloat_with_epsilon(db(sinr[0]), db(s / (i + n)), TOL_DB);
  g_assert_cmpfloat_with_epsilon(db(sinr[N_RB - 1]), db(s / (i + n)), TOL_DB);
  ws_medium_free(m);
}

static void
test_sector(void)
{
  check_sector(0, 30);                                    /* back lobe: A_max */
  check_sector(120, 12 * (60.0 / 65) * (60.0 / 65));     /* 60 deg off: 10.22 dB */
  check_sector(180, 0);                                   /* both at boresight */
}

/* Culling, noise reference (cull_relative off): two interferers ~27.6 dB
 * below noise at 25 km, culled (their sum is 24.6 dB below noise); without
 * culling they are kept; the SINR changes by less than 10 log10(1 + eps),
 * eps = 10^(-20/10), and by more than 0 (the test can fail). */
static void
test_culling(void)
{
  double sinr_cull[N_RB], sinr_all[N_RB];
  uint32_t kept[2];
  for (int pass = 0; pass < 2; pass++) {
    ws_medium_config cfg;
    ws_medium_config_default(&cfg);
    cfg.cull_db = pass == 0 ? 20.0 : INFINITY;
    cfg.cull_relative = false;
    ws_medium *m = ws_medium_new(&cfg, NULL);
    ws_medium_cell a = mk_cell("A", 0, 0, 0), b = mk_cell("B", 25000, 0, 0),
                   c = mk_cell("C", -25000, 0, 0);
    ws_medium_ue u = mk_ue("u", 100, 0);
    ws_medium_add_cell(m, &a);
    ws_medium_add_cell(m, &b);
    ws_medium_add_cell(m, &c);
    ws_medium_add_ue(m, &u);
    ws_medium_build(m, 0);
    double i_n = ws_medium_dl_rx_rb_dbm(m, 0, 1, 0, 0) - ws_medium_dl_noise_rb_dbm(m, 0);
    g_assert_cmpfloat(i_n, <, -23.1); /* two of them: sum below -20 dB */
    g_assert_cmpfloat(i_n, >, -30);
    kept[pass] = ws_medium_n_interferers(m, 0);
    ws_medium_dl_sinr(m, 0, 0, 0, NULL, pass == 0 ? sinr_cull : sinr_all, NULL);
    ws_medium_free(m);
  }
  g_assert_cmpuint(kept[0], ==, 1); /* the serving cell only */
  g_assert_cmpuint(kept[1], ==, 3);
  double diff_db = db(sinr_cull[0]) - db(sinr_all[0]);
  double bound_db = 10 * log10(1 + 1 / 100.0);
  g_test_message("culling 2 interferers: SINR +%.5f dB (bound %.5f dB)", diff_db, bound_db);
  g_assert_cmpfloat(diff_db, >, 0.01);
  g_assert_cmpfloat(diff_db, <, bound_db);
}

/* Relative culling (the default): B at 300 m from the UE dominates; C at
 * 2 km is 5.6 dB above noise but 25 dB below B: culled, with the SINR
 * raised by less than 10 log10(1.01); with cull_relative off it is kept. */
static void
test_culling_relative(void)
{
  double sinr[2][N_RB];
  uint32_t kept[2];
  for (int pass = 0; pass < 2; pass++) {
    ws_medium_config cfg;
    ws_medium_config_default(&cfg);
    cfg.cull_relative = pass == 0;
    ws_medium *m = ws_medium_new(&cfg, NULL);
    ws_medium_cell a = mk_cell("A", 0, 0, 0), b = mk_cell("B", 400, 0, 0),
                   c = mk_cell("C", -1900, 0, 0);
    ws_medium_ue u = mk_ue("u", 100, 0);
    ws_medium_add_cell(m, &a);
    ws_medium_add_cell(m, &b);
    ws_medium_add_cell(m, &c);
    ws_medium_add_ue(m, &u);
    ws_medium_build(m, 0);
    double i_n = ws_medium_dl_rx_rb_dbm(m, 0, 2, 0, 0) - ws_medium_dl_noise_rb_dbm(m, 0);
    g_assert_cmpfloat(i_n, >, 3); /* above noise: the noise rule keeps it */
    kept[pass] = ws_medium_n_interferers(m, 0);
    ws_medium_dl_sinr(m, 0, 0, 0, NULL, sinr[pass], NULL);
    ws_medium_free(m);
  }
  g_assert_cmpuint(kept[0], ==, 2);
  g_assert_cmpuint(kept[1], ==, 3);
  double diff_db = db(sinr[0][0]) - db(sinr[1][0]);
  g_assert_cmpfloat(diff_db, >, 0.001);
  g_assert_cmpfloat(diff_db, <, 10 * log10(1.01));
}

/* Partial activity inside subbands (6 RBs each): interference per RB
 * exactly where the bitmap says, across the 64-bit word boundary too. */
static void
test_bitmap(void)
{
  ws_medium *m = two_cells(0, 0);
  ws_medium_build(m, 0);
  double s = lin(hand_rx_rb_dbm(200, 0)), n = lin(hand_noise_dbm(7));
  uint64_t active[2 * WS_MEDIUM_RB_WORDS(N_RB)] = {0};
  const int on[] = {1, 2, 6, 7, 8, 9, 10, 11, 31, 47, 49};
  for (size_t k = 0; k < G_N_ELEMENTS(on); k++)
    active[1] |= 1ULL << on[k];
  double sinr[N_RB];
  ws_medium_dl_sinr(m, 0, 0, 0, active, sinr, NULL);
  for (int r = 0; r < N_RB; r++) {
    bool is_on = false;
    for (size_t k = 0; k < G_N_ELEMENTS(on); k++)
      is_on = is_on || on[k] == r;
    g_assert_cmpfloat_with_epsilon(db(sinr[r]), db(is_on ? s / (s + n) : s / n), TOL_DB);
  }
  ws_medium_free(m);
}

static void
test_move_threshold(void)
{
  ws_medium *m = mk_medium(WS_MEDIUM_CULL_DB_DEFAULT);
  ws_medium_cell c = mk_cell("A", 0, 0, 0);
  ws_medium_ue u = mk_ue("u", 100, 0);
  ws_medium_add_cell(m, &c);
  ws_medium_add_ue(m, &u);
  ws_medium_build(m, 0);
  double g0 = ws_medium_gain_db(m, 0, 0);
  g_assert_false(ws_medium_move_ue(m, 0, 100.5, 0, 1, 1000000));
  g_assert_cmpfloat(ws_medium_gain_db(m, 0, 0), ==, g0);
  g_assert_false(ws_medium_move_ue(m, 0, 101.0, 0, 1, 2000000)); /* exactly 1 m: not past */
  g_assert_cmpuint(ws_medium_recomputations(m), ==, 0);
  g_assert_true(ws_medium_move_ue(m, 0, 101.1, 0, 1, 3000000));
  g_assert_cmpuint(ws_medium_recomputations(m), ==, 1);
  g_assert_cmpfloat_with_epsilon(ws_medium_gain_db(m, 0, 0),
                                 -hand_pl_db(hypot(101.1, 23.5)), TOL_DB);
  /* The anchor moved with the recomputation: 0.9 m further is not enough. */
  g_assert_false(ws_medium_move_ue(m, 0, 102.0, 0, 1, 4000000));
  g_assert_cmpuint(ws_medium_recomputations(m), ==, 1);
  ws_medium_free(m);
}

/* With wrap-around, a UE at the far edge of a 7-site cluster sees the site
 * on the opposite edge through its nearest copy. */
static void
test_wrap_around(void)
{
  ws_layout_config lc = {.rings = 1, .isd_m = 500, .sectors = 1, .wrap_around = true};
  ws_layout *lay = ws_layout_new(&lc);
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.layout = lay;
  cfg.wrap_around = true;
  ws_medium *m = ws_medium_new(&cfg, NULL);
  for (uint32_t i = 0; i < ws_layout_n_cells(lay); i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(lay, i);
    char *name = ws_layout_cell_name("macro", lcell);
    ws_medium_cell c = mk_cell(name, lcell->x_m, lcell->y_m, 0);
    ws_medium_add_cell(m, &c);
    g_free(name);
  }
  const ws_layout_cell *edge = ws_layout_get_cell(lay, 1);
  double ux = edge->x_m * 1.3, uy = edge->y_m * 1.3;
  ws_medium_ue u = mk_ue("u", ux, uy);
  ws_medium_add_ue(m, &u);
  ws_medium_build(m, 0);
  int checked_far = 0;
  for (uint32_t i = 0; i < ws_layout_n_cells(lay); i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(lay, i);
    double d = ws_layout_distance(lay, lcell->x_m, lcell->y_m, ux, uy, NULL, NULL);
    double plain = hypot(ux - lcell->x_m, uy - lcell->y_m);
    if (plain - d > 100)
      checked_far++;
    g_assert_cmpfloat_with_epsilon(ws_medium_gain_db(m, 0, i), -hand_pl_db(hypot(d, 23.5)),
                                   TOL_DB);
  }
  g_assert_cmpint(checked_far, >, 0); /* some site really is nearer wrapped */
  ws_medium_free(m);
  ws_layout_free(lay);
}

/* UL: UE a (100 m from A) on RBs 0..9 of A at 23 dBm, UE b (600 m from A,
 * 400 m from B) on RBs 0..4 of B at 20 dBm: at A, RBs 0..4 see b. */
static void
test_uplink(void)
{
  ws_medium *m = mk_medium(WS_MEDIUM_CULL_DB_DEFAULT);
  ws_medium_cell a = mk_cell("A", 0, 0, 0), b = mk_cell("B", 1000, 0, 0);
  ws_medium_ue ua = mk_ue("a", 100, 0), ub = mk_ue("b", 600, 0);
  ws_medium_add_cell(m, &a);
  ws_medium_add_cell(m, &b);
  ws_medium_add_ue(m, &ua);
  ws_medium_add_ue(m, &ub);
  ws_medium_build(m, 0);
  int32_t rb_ue[2 * N_RB];
  for (int r = 0; r < 2 * N_RB; r++)
    rb_ue[r] = -1;
  for (int r = 0; r < 10; r++)
    rb_ue[r] = 0;
  for (int r = 0; r < 5; r++)
    rb_ue[N_RB + r] = 1;
  double power[2] = {23, 20}, sinr[2 * N_RB];
  ws_medium_ul_sinr(m, 0, rb_ue, power, sinr);
  double pa = 23 - 10 * log10(10), pb = 20 - 10 * log10(5), n = lin(hand_noise_dbm(5));
  double s_aA = lin(pa - hand_pl_db(hypot(100, 23.5)));
  double i_bA = lin(pb - hand_pl_db(hypot(600, 23.5)));
  double s_bB = lin(pb - hand_pl_db(hypot(400, 23.5)));
  double i_aB = lin(pa - hand_pl_db(hypot(900, 23.5)));
  for (int r = 0; r < N_RB; r++) {
    double want_a = r < 5 ? s_aA / (n + i_bA) : r < 10 ? s_aA / n : 0;
    double want_b = r < 5 ? s_bB / (n + i_aB) : 0;
    if (want_a > 0)
      g_assert_cmpfloat_with_epsilon(db(sinr[r]), db(want_a), TOL_DB);
    else
      g_assert_cmpfloat(sinr[r], ==, 0);
    if (want_b > 0)
      g_assert_cmpfloat_with_epsilon(db(sinr[N_RB + r]), db(want_b), TOL_DB);
    else
      g_assert_cmpfloat(sinr[N_RB + r], ==, 0);
  }
  /* the interference is not negligible: the test distinguishes the cases */
  g_assert_cmpfloat(db(sinr[5]) - db(sinr[0]), >, 1);
  ws_medium_free(m);
}

static void
test_rsrp_attach(void)
{
  ws_medium *m = two_cells(0, 0);
  ws_medium_ue u = mk_ue("v", 50, 0);
  ws_medium_add_ue(m, &u);
  ws_medium_build(m, 0);
  g_assert_cmpuint(ws_medium_best_cell(m, 1), ==, 1);
  g_assert_cmpuint(ws_medium_best_cell(m, 0), ==, 0); /* tie at the midpoint: lowest */
  g_assert_cmpfloat_with_epsilon(ws_medium_rsrp_dbm(m, 1, 1),
                                 hand_rx_rb_dbm(150, 0) - 10 * log10(12), TOL_DB);
  ws_medium_free(m);
}

/* 3GPP UMa with its shadowing, Rayleigh fading: the same (seed, run) gives
 * the same bits; another run gives other numbers. */
static void
sinr_trace(uint64_t run, const ws_fading_table *table, double *out, bool *los_mix)
{
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  cfg.shadowing_sigma_db = -1;
  cfg.fading = WS_FADING_RAYLEIGH;
  cfg.run = run;
  ws_medium *m = ws_medium_new(&cfg, table);
  const char *cn[3] = {"A", "B", "C"};
  for (int c = 0; c < 3; c++) {
    ws_medium_cell cell = mk_cell(cn[c], 400.0 * c, 0, 0);
    cell.frequency_hz = 3.5e9;
    ws_medium_add_cell(m, &cell);
  }
  for (int u = 0; u < 6; u++) {
    char name[8];
    g_snprintf(name, sizeof name, "u%d", u);
    ws_medium_ue ue = mk_ue(name, 60.0 + 130 * u, 40.0 * (u % 3));
    ue.speed_mps = u;
    ws_medium_add_ue(m, &ue);
  }
  ws_medium_build(m, 0);
  int los = 0;
  for (int u = 0; u < 6; u++)
    for (int c = 0; c < 3; c++)
      los += ws_medium_los(m, (uint32_t)u, (uint32_t)c);
  *los_mix = los > 0 && los < 18;
  for (int t = 0; t < 4; t++)
    for (int u = 0; u < 6; u++) {
      ws_medium_move_ue(m, (uint32_t)u, 60.0 + 130 * u + 3.0 * t, 40.0 * (u % 3), u, t * 1000000LL);
      ws_medium_dl_sinr(m, (uint32_t)u, ws_medium_best_cell(m, (uint32_t)u), t * 1000000LL, NULL,
                        out + (t * 6 + u) * N_RB, NULL);
    }
  ws_medium_free(m);
}

static void
test_determinism(void)
{
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "radio", "fading table");
  ws_fading_table *table = ws_fading_table_new(&rng, 10);
  size_t n = 4 * 6 * N_RB;
  double *a = g_new(double, n), *b = g_new(double, n), *c = g_new(double, n);
  bool mix_a, mix_b, mix_c;
  sinr_trace(0, table, a, &mix_a);
  sinr_trace(0, table, b, &mix_b);
  sinr_trace(1, table, c, &mix_c);
  g_assert_true(memcmp(a, b, n * sizeof *a) == 0);
  g_assert_false(memcmp(a, c, n * sizeof *a) == 0);
  /* fading makes the RBs differ within a slot (subbands are independent) */
  g_assert_cmpfloat(a[0], !=, a[N_RB - 1]);
  for (size_t i = 0; i < n; i++)
    g_assert_true(isfinite(a[i]) && a[i] > 0);
  g_test_message("LOS states mixed: %d %d %d", mix_a, mix_b, mix_c);
  g_free(a);
  g_free(b);
  g_free(c);
  ws_fading_table_free(table);
}

/* The fading term: P_rx(r) = hand power + 10 log10 |h|^2 of the link's own
 * process, rebuilt here from its named stream ("ue u", "fading cell A") with the
 * same speed history (at rest, then 10 m/s from 5 ms): the medium adds the
 * right process on the right subband at the right Doppler. */
static void
test_fading_term(void)
{
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "radio", "fading table");
  ws_fading_table *table = ws_fading_table_new(&rng, 10);
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.fading = WS_FADING_RAYLEIGH;
  ws_medium *m = ws_medium_new(&cfg, table);
  ws_medium_cell c = mk_cell("A", 0, 0, 0);
  ws_medium_ue u = mk_ue("u", 100, 0);
  ws_medium_add_cell(m, &c);
  ws_medium_add_ue(m, &u);
  ws_medium_build(m, 0);
  ws_fading_config fc = {.model = WS_FADING_RAYLEIGH, .rician_k_db = 6, .carrier_hz = F_HZ,
                         .doppler_speed_mps = WS_FADING_DOPPLER_SPEED_DEFAULT_MPS};
  ws_rng_init(&rng, 1, 0, "ue u", "fading cell A");
  ws_fading_link *ref = ws_fading_link_new(table, &fc, 9, &rng);
  ws_fading_link_set_speed(ref, 0, 0);
  ws_medium_move_ue(m, 0, 100, 0, 10, 5000000);
  ws_fading_link_set_speed(ref, 5000000, 10);
  double base = hand_rx_rb_dbm(100, 0), n = hand_noise_dbm(7), sinr[N_RB];
  int distinct = 0;
  for (int64_t t = 0; t < 40000000; t += 7000000) {
    ws_medium_dl_sinr(m, 0, 0, t, NULL, sinr, NULL);
    for (uint32_t r = 0; r < N_RB; r += 5) {
      double h2_db = ws_fading_link_power_db(ref, r / 6, t);
      /* the medium stores |h|^2 as float in its per-slot buffer: 1e-6 dB */
      g_assert_cmpfloat_with_epsilon(ws_medium_dl_rx_rb_dbm(m, 0, 0, r, t), base + h2_db, TOL_DB);
      g_assert_cmpfloat_with_epsilon(db(sinr[r]), base + h2_db - n, 1e-6);
      distinct += fabs(h2_db) > 0.1;
    }
  }
  g_assert_cmpint(distinct, >, 0);
  ws_fading_link_free(ref);
  ws_medium_free(m);
  ws_fading_table_free(table);
}

/* The sectors of a site share a UE's LOS state and shadowing (TR 38.901
 * 7.5: per BS-UT pair), while a cell elsewhere draws its own: three omni
 * cells at one position have equal gains towards every UE, exactly; a
 * fourth cell at the mirror position with the same geometry differs (8 dB
 * shadowing: equal values would be a coincidence of probability ~0). */
static void
test_site_shared_draws(void)
{
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.shadowing_sigma_db = 8;
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  ws_medium *m = ws_medium_new(&cfg, NULL);
  ws_medium_cell c[4] = {mk_cell("s/0", 0, 0, 0), mk_cell("s/1", 0, 0, 0), mk_cell("s/2", 0, 0, 0),
                         mk_cell("t", 400, 0, 0)};
  for (int i = 0; i < 4; i++)
    ws_medium_add_cell(m, &c[i]);
  const char *names[] = {"a", "b", "c", "d", "e"};
  for (int u = 0; u < 5; u++) {
    ws_medium_ue ue = mk_ue(names[u], 200, -100 + 50 * u); /* equidistant from both sites */
    ws_medium_add_ue(m, &ue);
  }
  ws_medium_build(m, 0);
  int differ = 0;
  for (uint32_t u = 0; u < 5; u++) {
    g_assert_cmpfloat(ws_medium_gain_db(m, u, 1), ==, ws_medium_gain_db(m, u, 0));
    g_assert_cmpfloat(ws_medium_gain_db(m, u, 2), ==, ws_medium_gain_db(m, u, 0));
    g_assert_true(ws_medium_los(m, u, 1) == ws_medium_los(m, u, 0));
    differ += ws_medium_gain_db(m, u, 3) != ws_medium_gain_db(m, u, 0);
  }
  g_assert_cmpint(differ, ==, 5);
  ws_medium_free(m);
}

/* The LOS state along a path (TR 38.901 7.6.3.3, redrawn each time a UE
 * is 50 m from its last draw, UMa). 400 UEs walk 60 m along x = 70 m past a
 * site (from y = -30 to +30: P_LOS 0.50 at the start, 0.47 at the end): one
 * redraw each, so the state changes for a fraction p1 (1 - p2) + p2 (1 -
 * p1) ~ 0.50 of them (a state kept along the path would give 0; binomial
 * sd 0.025: bounds 0.35..0.65 are 6 sd); within the first 50 m nothing
 * changes; and the two co-sited sectors always agree. */
static void
test_los_along_path(void)
{
  enum { N = 400 };
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  cfg.move_threshold_m = 0;
  ws_medium *m = ws_medium_new(&cfg, NULL);
  ws_medium_cell c[2] = {mk_cell("s/0", 0, 0, 0), mk_cell("s/1", 0, 0, 0)};
  for (int i = 0; i < 2; i++)
    ws_medium_add_cell(m, &c[i]);
  for (int u = 0; u < N; u++) {
    char name[16];
    g_snprintf(name, sizeof name, "w%d", u);
    ws_medium_ue ue = mk_ue(name, 70, -30);
    ws_medium_add_ue(m, &ue);
  }
  ws_medium_build(m, 0);
  bool first[N];
  for (uint32_t u = 0; u < N; u++)
    first[u] = ws_medium_los(m, u, 0);
  unsigned changed = 0;
  for (int step = 1; step <= 60; step++) {
    for (uint32_t u = 0; u < N; u++) {
      ws_medium_move_ue(m, u, 70, -30 + step, 1, (int64_t)step * 1000000000);
      g_assert_true(ws_medium_los(m, u, 1) == ws_medium_los(m, u, 0));
      if (step <= 50)
        g_assert_true(ws_medium_los(m, u, 0) == first[u]);
    }
  }
  for (uint32_t u = 0; u < N; u++)
    changed += ws_medium_los(m, u, 0) != first[u];
  g_test_message("LOS state changed for %u of %d UEs after 60 m", changed, N);
  g_assert_cmpfloat((double)changed / N, >, 0.35);
  g_assert_cmpfloat((double)changed / N, <, 0.65);
  ws_medium_free(m);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/medium/single-cell", test_single_cell);
  g_test_add_func("/medium/two-cells", test_two_cells);
  g_test_add_func("/medium/sector", test_sector);
  g_test_add_func("/medium/culling", test_culling);
  g_test_add_func("/medium/culling-relative", test_culling_relative);
  g_test_add_func("/medium/bitmap", test_bitmap);
  g_test_add_func("/medium/move-threshold", test_move_threshold);
  g_test_add_func("/medium/wrap-around", test_wrap_around);
  g_test_add_func("/medium/uplink", test_uplink);
  g_test_add_func("/medium/rsrp-attach", test_rsrp_attach);
  g_test_add_func("/medium/fading-term", test_fading_term);
  g_test_add_func("/medium/determinism", test_determinism);
  g_test_add_func("/medium/site-shared-draws", test_site_shared_draws);
  g_test_add_func("/medium/los-along-path", test_los_along_path);
  return g_test_run();
}
