/* Tests of the link abstraction (sim/cell/phy.c): carrier sizes against
 * TS 38.101-1 Table 5.3.2-1 and the LTE sizes, every row of the CQI and MCS
 * tables of TS 38.214, TBS against values worked out by hand from 5.1.3.2
 * (both branches), EESM bounds, CQI monotonicity, BLER = 10% at every
 * threshold, and HARQ chase combining. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wisim/phy.h"
#include "wisim/rng.h"

/* ---- carriers ---------------------------------------------------------- */

typedef struct {
  unsigned mu;
  double mhz;
  unsigned n_rb;
  bool lte;
} carrier_case;

/* TS 38.101-1 (V17) Table 5.3.2-1, FR1, typed row by row from the table;
 * at mu = 0 the LTE sizes of TS 36.101 Table 5.6-1 replace 10, 15, 20 MHz
 * (52, 79, 106 in NR) and add 1.4 and 3 MHz. */
static const carrier_case carriers[] = {
  /* mu = 0: LTE sizes */
  {0, 1.4, 6, true}, {0, 3, 15, true}, {0, 5, 25, true}, {0, 10, 50, true},
  {0, 15, 75, true}, {0, 20, 100, true},
  /* mu = 0, 15 kHz, NR above 20 MHz */
  {0, 25, 133, false}, {0, 30, 160, false}, {0, 35, 188, false}, {0, 40, 216, false},
  {0, 45, 242, false}, {0, 50, 270, false},
  /* mu = 1, 30 kHz */
  {1, 5, 11, false}, {1, 10, 24, false}, {1, 15, 38, false}, {1, 20, 51, false},
  {1, 25, 65, false}, {1, 30, 78, false}, {1, 35, 92, false}, {1, 40, 106, false},
  {1, 45, 119, false}, {1, 50, 133, false}, {1, 60, 162, false}, {1, 70, 189, false},
  {1, 80, 217, false}, {1, 90, 245, false}, {1, 100, 273, false},
  /* mu = 2, 60 kHz (5 MHz is N/A) */
  {2, 10, 11, false}, {2, 15, 18, false}, {2, 20, 24, false}, {2, 25, 31, false},
  {2, 30, 38, false}, {2, 35, 44, false}, {2, 40, 51, false}, {2, 45, 58, false},
  {2, 50, 65, false}, {2, 60, 79, false}, {2, 70, 93, false}, {2, 80, 107, false},
  {2, 90, 121, false}, {2, 100, 135, false},
};

static void test_carrier_table(void) {
  for (unsigned i = 0; i < G_N_ELEMENTS(carriers); i++) {
    const carrier_case *k = &carriers[i];
    double bw_hz = k->mhz * 1e6;
    g_assert_cmpuint(ws_phy_n_rb(k->mu, bw_hz), ==, k->n_rb);
    ws_phy_carrier c;
    char *why = NULL;
    g_assert_true(ws_phy_carrier_init(&c, k->mu, bw_hz, &why));
    g_assert_null(why);
    g_assert_cmpuint(c.numerology, ==, k->mu);
    g_assert_cmpuint(c.n_rb, ==, k->n_rb);
    g_assert_true(c.lte == k->lte);
    /* TS 38.211 4.2-4.3: SCS 15 * 2^mu kHz, slot 1 ms / 2^mu, 14 symbols. */
    g_assert_cmpfloat(c.scs_hz, ==, 15e3 * (1 << k->mu));
    g_assert_cmpint(c.slot_ns, ==, 1000000 / (1 << k->mu));
    g_assert_cmpuint(c.symbols_per_slot, ==, 14);
    g_assert_cmpfloat_with_epsilon(c.occupied_bandwidth_hz, k->n_rb * 12 * c.scs_hz, 1e-6);
    /* The transmission bandwidth fits in the channel (Table 5.3.2-1 leaves
     * guard bands; the LTE sizes use 90% of the channel, 1.4 MHz 77%). */
    g_assert_cmpfloat(c.occupied_bandwidth_hz, <=, bw_hz);
    g_assert_cmpfloat(c.occupied_bandwidth_hz, >=, 0.75 * bw_hz);
  }
  /* A parsed "1.4MHz" may be off by rounding: 1 Hz of tolerance. */
  g_assert_cmpuint(ws_phy_n_rb(0, 1399999.9999), ==, 6);
  /* The 10 MHz LTE-like cell of the issue: 50 RBs of 180 kHz. */
  ws_phy_carrier c;
  g_assert_true(ws_phy_carrier_init(&c, 0, 10e6, NULL));
  g_assert_cmpfloat_with_epsilon(c.occupied_bandwidth_hz, 9e6, 1e-6);
}

static void test_carrier_bad(void) {
  static const struct {
    unsigned mu;
    double mhz;
    const char *expect; /* substring of the message */
  } bad[] = {
    {0, 12, "1.4, 3, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50 MHz"},
    {0, 60, "or the LTE sizes"},
    {0, 100, "numerology 0 (15 kHz)"},
    {1, 1.4, "5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100 MHz"},
    {1, 3, "no carrier of 3 MHz"},
    {2, 5, "10, 15, 20"},
    {2, 0, "no carrier of 0 MHz"},
    {3, 10, "numerology 3 is not supported"},
    {7, 10, "expected 0, 1 or 2"},
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_cmpuint(ws_phy_n_rb(bad[i].mu, bad[i].mhz * 1e6), ==, 0);
    ws_phy_carrier c;
    memset(&c, 0xab, sizeof c);
    ws_phy_carrier before = c;
    char *why = NULL;
    g_assert_false(ws_phy_carrier_init(&c, bad[i].mu, bad[i].mhz * 1e6, &why));
    g_assert_nonnull(why);
    if (!strstr(why, bad[i].expect))
      g_error("message \"%s\" lacks \"%s\"", why, bad[i].expect);
    g_assert_true(memcmp(&c, &before, sizeof c) == 0);
    g_free(why);
    g_assert_false(ws_phy_carrier_init(&c, bad[i].mu, bad[i].mhz * 1e6, NULL));
  }
  g_assert_cmpuint(ws_phy_n_rb(0, 10.5e6), ==, 0);
  g_assert_cmpuint(ws_phy_n_rb(0, 10e6 + 2), ==, 0);
}

/* ---- tables ------------------------------------------------------------ */

typedef struct {
  const char *modulation;
  unsigned r_x1024;
  double efficiency;
} table_row;

static unsigned qm_of(const char *modulation) {
  return strcmp(modulation, "QPSK") == 0 ? 2 : strcmp(modulation, "16QAM") == 0 ? 4 : 6;
}

/* TS 38.214 Table 5.1.3.1-1, MCS 0..28, typed from the table. */
static const table_row mcs_rows[29] = {
  {"QPSK", 120, 0.2344},  {"QPSK", 157, 0.3066},  {"QPSK", 193, 0.3770},
  {"QPSK", 251, 0.4902},  {"QPSK", 308, 0.6016},  {"QPSK", 379, 0.7402},
  {"QPSK", 449, 0.8770},  {"QPSK", 526, 1.0273},  {"QPSK", 602, 1.1758},
  {"QPSK", 679, 1.3262},  {"16QAM", 340, 1.3281}, {"16QAM", 378, 1.4766},
  {"16QAM", 434, 1.6953}, {"16QAM", 490, 1.9141}, {"16QAM", 553, 2.1602},
  {"16QAM", 616, 2.4063}, {"16QAM", 658, 2.5703}, {"64QAM", 438, 2.5664},
  {"64QAM", 466, 2.7305}, {"64QAM", 517, 3.0293}, {"64QAM", 567, 3.3223},
  {"64QAM", 616, 3.6094}, {"64QAM", 666, 3.9023}, {"64QAM", 719, 4.2129},
  {"64QAM", 772, 4.5234}, {"64QAM", 822, 4.8164}, {"64QAM", 873, 5.1152},
  {"64QAM", 910, 5.3320}, {"64QAM", 948, 5.5547},
};

/* TS 38.214 Table 5.2.2.1-2 (CQI Table 1), CQI 1..15. */
static const table_row cqi_rows[16] = {
  {"out of range", 0, 0},
  {"QPSK", 78, 0.1523},   {"QPSK", 120, 0.2344},  {"QPSK", 193, 0.3770},
  {"QPSK", 308, 0.6016},  {"QPSK", 449, 0.8770},  {"QPSK", 602, 1.1758},
  {"16QAM", 378, 1.4766}, {"16QAM", 490, 1.9141}, {"16QAM", 616, 2.4063},
  {"64QAM", 466, 2.7305}, {"64QAM", 567, 3.3223}, {"64QAM", 666, 3.9023},
  {"64QAM", 772, 4.5234}, {"64QAM", 873, 5.1152}, {"64QAM", 948, 5.5547},
};

static void check_row(const ws_phy_row *got, const table_row *want) {
  g_assert_nonnull(got);
  g_assert_cmpuint(got->qm, ==, qm_of(want->modulation));
  g_assert_cmpuint(got->code_rate_x1024, ==, want->r_x1024);
  g_assert_cmpfloat(got->efficiency, ==, want->efficiency);
  /* The printed efficiency is Qm * R / 1024 rounded to 4 decimals. */
  g_assert_cmpfloat(fabs(got->qm * got->code_rate_x1024 / 1024.0 - got->efficiency), <=, 0.5e-4 + 1e-12);
}

static void test_mcs_table(void) {
  for (unsigned m = 0; m < 29; m++) {
    check_row(ws_phy_mcs(m), &mcs_rows[m]);
    g_assert_cmpfloat(ws_phy_mcs_efficiency(m), ==, ws_phy_mcs(m)->qm * ws_phy_mcs(m)->code_rate_x1024 / 1024.0);
    g_assert_cmpfloat_with_epsilon(ws_phy_mcs_bits_per_rb(m), 132 * ws_phy_mcs_efficiency(m), 1e-9);
    g_assert_cmpfloat(ws_phy_eesm_beta(m), >, 1.0);
  }
  g_assert_null(ws_phy_mcs(29));
  g_assert_null(ws_phy_mcs(31));
}

static void test_cqi_table(void) {
  g_assert_null(ws_phy_cqi(0));
  g_assert_null(ws_phy_cqi(16));
  for (unsigned c = 1; c < 16; c++) {
    check_row(ws_phy_cqi(c), &cqi_rows[c]);
    if (c > 1)
      g_assert_cmpfloat(ws_phy_cqi(c)->efficiency, >, ws_phy_cqi(c - 1)->efficiency);
  }
}

static void test_cqi_to_mcs(void) {
  /* Highest MCS with efficiency <= the CQI's: every CQI from 2 on has an MCS
   * of exactly its modulation and rate; CQI 1 (78/1024) is below MCS 0. */
  static const int want[16] = {-1, 0, 0, 2, 4, 6, 8, 11, 13, 15, 18, 20, 22, 24, 26, 28};
  for (unsigned c = 0; c < 16; c++)
    g_assert_cmpint(ws_phy_cqi_to_mcs(c), ==, want[c]);
  for (unsigned c = 2; c < 16; c++) {
    const ws_phy_row *m = ws_phy_mcs((unsigned)want[c]), *q = ws_phy_cqi(c);
    g_assert_cmpuint(m->qm, ==, q->qm);
    g_assert_cmpuint(m->code_rate_x1024, ==, q->code_rate_x1024);
    /* and no higher MCS fits */
    for (unsigned k = (unsigned)want[c] + 1; k < 29; k++)
      g_assert_cmpfloat(ws_phy_mcs_efficiency(k), >, q->qm * q->code_rate_x1024 / 1024.0);
    g_assert_cmpfloat(ws_phy_cqi_threshold_db(c), ==, ws_phy_mcs_threshold_db((unsigned)want[c]));
  }
}

/* ---- TBS --------------------------------------------------------------- */

/* Worked by hand from TS 38.214 5.1.3.2 with N_RE = 132 n_PRB (exact
 * fractions; cross-checked with a separate python3 Fraction script over all
 * 29 x 273 pairs during development). Example, MCS 28, 50 PRBs:
 * N_info = 6600 * 948/1024 * 6 = 36660.94 > 3824; n = floor(log2 36636.94)
 * - 5 = 10; N'_info = 1024 round(35.78) = 36864; R > 1/4 and N'_info > 8424:
 * C = ceil(36888 / 8424) = 5; TBS = 40 ceil(36888 / 40) - 24 = 36896.
 * MCS 0, 1 PRB: N_info = 30.94; n = 3; N'_info = 8 floor(3.87) = 24 -> 24. */
static const struct {
  unsigned mcs, n_prb;
  uint32_t tbs;
} tbs_cases[] = {
  /* N_info <= 3824: Table 5.1.3.2-1 */
  {0, 1, 24},      /* N_info 30.94 */
  {0, 10, 304},    /* 309.38: n = 3, N' = 304 */
  {5, 3, 288},     /* 293.13: N' = 288 */
  {9, 20, 3496},   /* 3501.09: n = 5, N' = 3488 -> 3496 */
  {10, 6, 1064},   /* 1051.88: n = 4, N' = 1040 -> 1064 */
  {20, 1, 432},    /* 438.54: n = 3, N' = 432 */
  {0, 50, 1544},   /* 1546.88: n = 4, N' = 1536 -> 1544 */
  {1, 60, 2408},   /* 2428.59: n = 5, N' = 2400 -> 2408 */
  /* N_info > 3824, one code block */
  {13, 32, 8064},  /* 8085: n = 7, N' = 8064, C = 1 */
  {24, 8, 4736},   /* 4776.75: n = 7, N' = 4736 */
  /* N_info > 3824, R > 1/4, N' > 8424: C code blocks */
  {4, 106, 8456},  /* 8417.06: N' = 8448 > 8424 -> C = 2 */
  {16, 25, 8456},  /* 8482.03: C = 2 */
  {17, 50, 16896}, /* 16938.28: C = 3 */
  {27, 14, 9736},  /* 9853.59: C = 2 */
  {28, 50, 36896}, /* the issue's 50 PRBs at the top MCS: C = 5 */
  {28, 52, 37896}, /* 38127.38: C = 5 */
  {28, 100, 73776},
  {28, 273, 200808},
  /* N_info > 3824, R <= 1/4: C = ceil((N' + 24) / 3816) */
  {0, 273, 8448},  /* 8445.94: N' = 8448, C = 3 */
  {2, 200, 9984},  /* 9951.56: R = 193/1024, C = 3 */
};

static void test_tbs_hand(void) {
  for (unsigned i = 0; i < G_N_ELEMENTS(tbs_cases); i++) {
    uint32_t got = ws_phy_tbs(tbs_cases[i].mcs, tbs_cases[i].n_prb);
    if (got != tbs_cases[i].tbs)
      g_error("TBS(MCS %u, %u PRB) = %u, want %u", tbs_cases[i].mcs, tbs_cases[i].n_prb, got,
              tbs_cases[i].tbs);
  }
  g_assert_cmpuint(ws_phy_tbs(0, 0), ==, 0);
  g_assert_cmpuint(ws_phy_tbs(5, 0), ==, 0);
}

static void test_tbs_issue_number(void) {
  /* Issue 4: "50 PRBs at the top MCS carry about 36.7 kbit per 1 ms slot":
   * N_info = 50 * 132 * 948/1024 * 6 = 36660.9 bits; the TBS, 36896 bits,
   * is within 1% of it. */
  double n_info = 50 * ws_phy_mcs_bits_per_rb(28);
  g_assert_cmpfloat_with_epsilon(n_info, 36660.9375, 1e-9);
  uint32_t tbs = ws_phy_tbs(28, 50);
  g_assert_cmpuint(tbs, ==, 36896);
  g_assert_cmpfloat(fabs(tbs - 36.7e3) / 36.7e3, <, 0.01);
  ws_phy_carrier c;
  g_assert_true(ws_phy_carrier_init(&c, 0, 10e6, NULL));
  g_assert_cmpuint(c.n_rb, ==, 50);
  g_assert_cmpint(c.slot_ns, ==, 1000000);
}

static void test_tbs_general(void) {
  /* The procedure on arbitrary (Qm, R, N_RE), by hand as above. */
  static const struct {
    unsigned qm, r, n_re;
    uint32_t tbs;
  } k[] = {
    {4, 512, 1912, 3824},  /* N_info = 3824 exactly: table branch */
    {4, 512, 1913, 3840},  /* 3826: formula branch, N' = max(3840, 3776) */
    {2, 256, 7648, 3824},  /* 3824 exactly */
    {2, 256, 7649, 3848},  /* 3824.5, R = 1/4 exactly: C = 2 */
    {2, 256, 8000, 3976},  /* 4000, R = 1/4: C = 2 */
    {2, 257, 8000, 3968},  /* 4015.6, R > 1/4: C = 1 */
    {4, 512, 2000, 3968},  /* 4000 */
    {2, 30, 100, 24},      /* 5.86: N' = max(24, 0) */
    {2, 120, 3000, 704},   /* 703.13 */
    {6, 1000, 100000, 590128}, /* 585937.5: C = 71 */
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(k); i++)
    g_assert_cmpuint(ws_phy_tbs_re(k[i].qm, k[i].r, k[i].n_re), ==, k[i].tbs);
  g_assert_cmpuint(ws_phy_tbs_re(2, 0, 100), ==, 0);
  g_assert_cmpuint(ws_phy_tbs_re(2, 120, 0), ==, 0);
}

static void test_tbs_shape(void) {
  /* Every TBS is a multiple of 8 and, above the table, TBS + 24 is
   * divisible by 8 C; TBS grows with the PRBs; it is near N_info: above
   * 3824 within half a quantisation step 2^(floor(log2 N) - 5) (1/64 of
   * N_info at worst) plus the 8 C alignment and the 24 CRC bits (2.5% in
   * all); below, within Table 5.1.3.2-1's step (<= 7%) or 24 bits. */
  for (unsigned m = 0; m < 29; m++) {
    uint32_t prev = 0;
    for (unsigned p = 1; p <= WS_PHY_MAX_RB; p++) {
      uint32_t t = ws_phy_tbs(m, p);
      g_assert_cmpuint(t % 8, ==, 0);
      g_assert_cmpuint(t, >=, prev);
      prev = t;
      double n_info = p * ws_phy_mcs_bits_per_rb(m);
      if (n_info > 3824) {
        unsigned c = ws_phy_code_blocks(t, ws_phy_mcs(m)->code_rate_x1024, NULL);
        g_assert_cmpuint((t + 24) % (8 * c), ==, 0);
        g_assert_cmpfloat(fabs(t - n_info) / n_info, <, 0.025);
      } else {
        g_assert_cmpfloat(fabs(t - n_info), <, MAX(24.0, 0.07 * n_info));
      }
    }
  }
}

static void test_code_blocks(void) {
  uint32_t k;
  /* BG1 (R = 948/1024 > 0.67): B = 36896 + 24, C = ceil(36920 / 8424) = 5,
   * B' = 36920 + 120 = 37040, K' = 7408. */
  g_assert_cmpuint(ws_phy_code_blocks(36896, 948, &k), ==, 5);
  g_assert_cmpuint(k, ==, 7408);
  /* BG2 (R <= 1/4): 8448 + 24 = 8472 > 3840: C = ceil(8472 / 3816) = 3. */
  g_assert_cmpuint(ws_phy_code_blocks(8448, 120, &k), ==, 3);
  g_assert_cmpuint(k, ==, (8472 + 72) / 3);
  /* small block: 16-bit CRC, one block */
  g_assert_cmpuint(ws_phy_code_blocks(24, 120, &k), ==, 1);
  g_assert_cmpuint(k, ==, 40);
  /* BG1 just fits: 8424 + 24 = 8448 -> one block */
  g_assert_cmpuint(ws_phy_code_blocks(8424, 948, &k), ==, 1);
  g_assert_cmpuint(k, ==, 8448);
  g_assert_cmpuint(ws_phy_code_blocks(8432, 948, NULL), ==, 2);
  /* A <= 3824 and R <= 0.67: BG2, 3824 + 16 = 3840 fits */
  g_assert_cmpuint(ws_phy_code_blocks(3824, 600, &k), ==, 1);
}

/* ---- EESM, CQI, BLER --------------------------------------------------- */

static double db_to_lin(double db) {
  return pow(10.0, db / 10.0);
}

static void test_eesm(void) {
  double flat[50];
  for (unsigned i = 0; i < 50; i++)
    flat[i] = 12.345;
  for (unsigned m = 0; m < 29; m++)
    g_assert_cmpfloat(ws_phy_eesm(flat, 50, ws_phy_eesm_beta(m)), ==, 12.345);
  /* Far above: no underflow (exp(-1e4 / 1.6) is 0 in doubles). */
  for (unsigned i = 0; i < 50; i++)
    flat[i] = 1e4;
  g_assert_cmpfloat(ws_phy_eesm(flat, 50, 1.6), ==, 1e4);

  ws_rng rng;
  ws_rng_init(&rng, 7, 0, "test-phy", "eesm");
  for (unsigned trial = 0; trial < 200; trial++) {
    unsigned n = 1 + (unsigned)ws_rng_below(&rng, 100);
    double s[100], lo = INFINITY, hi = 0, mean = 0;
    for (unsigned i = 0; i < n; i++) {
      s[i] = db_to_lin(ws_rng_range(&rng, -10, 30));
      lo = MIN(lo, s[i]);
      hi = MAX(hi, s[i]);
      mean += s[i] / n;
    }
    double prev = lo;
    for (unsigned m = 0; m < 29; m++) {
      double e = ws_phy_eesm(s, n, ws_phy_eesm_beta(m));
      /* min <= EESM <= arithmetic mean <= max (Jensen) */
      g_assert_cmpfloat(e, >=, lo * (1 - 1e-12));
      g_assert_cmpfloat(e, <=, mean * (1 + 1e-12));
      g_assert_cmpfloat(e, <=, hi);
      /* non-decreasing in beta (the betas grow with the MCS) */
      g_assert_cmpfloat(e, >=, prev * (1 - 1e-12));
      prev = e;
    }
    /* beta -> infinity gives the mean (first-order expansion) */
    g_assert_cmpfloat(fabs(ws_phy_eesm(s, n, 1e9) - mean) / mean, <, 1e-5);
  }
  /* Two RBs, by hand: -beta ln((e^{-1/b} + e^{-3/b}) / 2), beta = 2. */
  double two[2] = {1.0, 3.0};
  g_assert_cmpfloat_with_epsilon(ws_phy_eesm(two, 2, 2.0), -2.0 * log((exp(-0.5) + exp(-1.5)) / 2), 1e-14);
}

static void test_thresholds(void) {
  /* 10 log10(2^eff - 1) + 2 dB, by hand (python3) for three MCSs and CQIs. */
  g_assert_cmpfloat_with_epsilon(ws_phy_mcs_threshold_db(0), -5.535088257848301, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_mcs_threshold_db(11), 4.511145012482189, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_mcs_threshold_db(28), 18.62788173330556, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_cqi_threshold_db(1), -7.53218119035467, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_cqi_threshold_db(15), 18.62788173330556, 1e-12);
  g_assert_true(isinf(ws_phy_cqi_threshold_db(0)));
  g_assert_true(isinf(ws_phy_cqi_threshold_db(16)));
  for (unsigned c = 2; c < 16; c++)
    g_assert_cmpfloat(ws_phy_cqi_threshold_db(c), >, ws_phy_cqi_threshold_db(c - 1));
}

/* The threshold tables of phy.c are literals generated offline: each must
 * equal the formula 10 log10(2^eff - 1) + gap (dB) and (2^eff - 1)
 * 10^(gap / 10) (linear) evaluated here, to 1e-12 relative (the literals
 * are the shortest round-trip strings of the doubles, so any drift of the
 * table or of the formula shows up far above this). */
static void check_threshold(double got_db, double got_lin, double eff) {
  double want_db = 10.0 * log10(exp2(eff) - 1.0) + WS_PHY_GAP_DB;
  double want_lin = (exp2(eff) - 1.0) * pow(10.0, WS_PHY_GAP_DB / 10.0);
  g_assert_cmpfloat(fabs(got_db - want_db), <=, 1e-12 * fabs(want_db));
  g_assert_cmpfloat(fabs(got_lin - want_lin), <=, 1e-12 * want_lin);
  /* and the two tables agree with each other */
  g_assert_cmpfloat(fabs(10.0 * log10(got_lin) - got_db), <=, 1e-12 * MAX(1.0, fabs(got_db)));
}

static void test_threshold_tables(void) {
  for (unsigned m = 0; m < WS_PHY_N_MCS; m++) {
    const ws_phy_row *r = ws_phy_mcs(m);
    check_threshold(ws_phy_mcs_threshold_db(m), ws_phy_mcs_threshold_lin(m),
                    r->qm * (double)r->code_rate_x1024 / 1024.0);
  }
  for (unsigned c = 1; c < WS_PHY_N_CQI; c++) {
    const ws_phy_row *r = ws_phy_cqi(c);
    check_threshold(ws_phy_cqi_threshold_db(c), ws_phy_cqi_threshold_lin(c),
                    r->qm * (double)r->code_rate_x1024 / 1024.0);
  }
  g_assert_true(isinf(ws_phy_cqi_threshold_lin(0)));
  g_assert_true(isinf(ws_phy_cqi_threshold_lin(WS_PHY_N_CQI)));
}

/* The plain definitions of ws_phy_cqi_from_sinr and ws_phy_mcs_from_sinr:
 * the highest index whose EESM (dB) reaches its 10% point, no shortcut. */
static unsigned plain_cqi(const double *s, unsigned n) {
  for (unsigned c = 15; c >= 1; c--)
    if (10 * log10(ws_phy_eesm(s, n, ws_phy_eesm_beta((unsigned)ws_phy_cqi_to_mcs(c)))) >=
        ws_phy_cqi_threshold_db(c))
      return c;
  return 0;
}

static int plain_mcs(const double *s, unsigned n) {
  for (int m = 28; m >= 0; m--)
    if (10 * log10(ws_phy_eesm(s, n, ws_phy_eesm_beta((unsigned)m))) >= ws_phy_mcs_threshold_db((unsigned)m))
      return m;
  return -1;
}

static void test_cqi_from_sinr(void) {
  double s[25];
  /* Flat channel: CQI c exactly at its threshold, c - 1 just below. */
  for (unsigned c = 1; c < 16; c++) {
    double th = ws_phy_cqi_threshold_db(c);
    for (unsigned i = 0; i < 25; i++)
      s[i] = db_to_lin(th + 1e-9);
    g_assert_cmpuint(ws_phy_cqi_from_sinr(s, 25), ==, c);
    for (unsigned i = 0; i < 25; i++)
      s[i] = db_to_lin(th - 1e-6);
    g_assert_cmpuint(ws_phy_cqi_from_sinr(s, 25), ==, c - 1);
  }
  for (unsigned i = 0; i < 25; i++)
    s[i] = db_to_lin(60);
  g_assert_cmpuint(ws_phy_cqi_from_sinr(s, 25), ==, 15);
  g_assert_cmpint(ws_phy_mcs_from_sinr(s, 25), ==, 28);
  for (unsigned i = 0; i < 25; i++)
    s[i] = db_to_lin(-20);
  g_assert_cmpuint(ws_phy_cqi_from_sinr(s, 25), ==, 0);
  g_assert_cmpint(ws_phy_mcs_from_sinr(s, 25), ==, -1);

  /* Monotone: a sweep of a flat SINR, and random frequency-selective
   * channels raised step by step, never lower the CQI. */
  unsigned prev = 0;
  for (double db = -15; db <= 30; db += 0.05) {
    for (unsigned i = 0; i < 25; i++)
      s[i] = db_to_lin(db);
    unsigned c = ws_phy_cqi_from_sinr(s, 25);
    g_assert_cmpuint(c, >=, prev);
    prev = c;
  }
  g_assert_cmpuint(prev, ==, 15);
  ws_rng rng;
  ws_rng_init(&rng, 7, 0, "test-phy", "cqi");
  for (unsigned trial = 0; trial < 100; trial++) {
    double base[25];
    for (unsigned i = 0; i < 25; i++)
      base[i] = ws_rng_range(&rng, -15, 15);
    unsigned last = 0;
    int last_mcs = -1;
    for (double up = 0; up <= 25; up += 0.25) {
      for (unsigned i = 0; i < 25; i++)
        s[i] = db_to_lin(base[i] + up + (i == trial % 25 ? up : 0));
      unsigned c = ws_phy_cqi_from_sinr(s, 25);
      int mcs = ws_phy_mcs_from_sinr(s, 25);
      g_assert_cmpuint(c, >=, last);
      g_assert_cmpint(mcs, >=, last_mcs);
      last = c;
      last_mcs = mcs;
    }
  }
  /* The shortcuts of ws_phy_cqi_from_sinr/mcs_from_sinr give the result of
   * the plain definition: the highest index whose EESM reaches its 10% point. */
  for (unsigned trial = 0; trial < 300; trial++) {
    unsigned n = 1 + (unsigned)ws_rng_below(&rng, 25);
    double centre = ws_rng_range(&rng, -12, 25), spread = ws_rng_range(&rng, 0, 15);
    for (unsigned i = 0; i < n; i++)
      s[i] = db_to_lin(centre + ws_rng_range(&rng, -spread, spread));
    g_assert_cmpuint(ws_phy_cqi_from_sinr(s, n), ==, plain_cqi(s, n));
    g_assert_cmpint(ws_phy_mcs_from_sinr(s, n), ==, plain_mcs(s, n));
  }
  /* Where the shortcuts are at risk: SINRs within a few ulps, within the
   * 1e-9 linear margin and at the 1e-6 dB bound slack of every threshold,
   * flat (EESM = min = mean) and spread by 1e-7 relative. */
  for (unsigned t = 0; t < WS_PHY_N_CQI + WS_PHY_N_MCS; t++) {
    double th = t < WS_PHY_N_CQI ? ws_phy_cqi_threshold_lin(t) : ws_phy_mcs_threshold_lin(t - WS_PHY_N_CQI);
    if (isinf(th))
      continue;
    const double rel[] = {0, 1e-15, -1e-15, 5e-10, -5e-10, 1e-9, -1e-9, 2e-9, -2e-9, 2.3e-7, -2.3e-7};
    for (unsigned r = 0; r < G_N_ELEMENTS(rel); r++)
      for (int ulp = -3; ulp <= 3; ulp++) {
        double v = th * (1 + rel[r]);
        for (int j = 0; j < abs(ulp); j++)
          v = nextafter(v, ulp < 0 ? 0 : INFINITY);
        for (unsigned n = 1; n <= 4; n++) {
          for (unsigned i = 0; i < n; i++)
            s[i] = v * (i % 2 ? 1 + 1e-7 : 1);
          g_assert_cmpuint(ws_phy_cqi_from_sinr(s, n), ==, plain_cqi(s, n));
          g_assert_cmpint(ws_phy_mcs_from_sinr(s, n), ==, plain_mcs(s, n));
        }
      }
  }
  /* A faded channel reports less than its mean SINR would (EESM <= mean):
   * half the RBs at 20 dB, half at 0 dB, mean 13 dB. */
  for (unsigned i = 0; i < 24; i++)
    s[i] = db_to_lin(i % 2 ? 20 : 0);
  double mean = (db_to_lin(20) + 1) / 2;
  double flat[24];
  for (unsigned i = 0; i < 24; i++)
    flat[i] = mean;
  g_assert_cmpuint(ws_phy_cqi_from_sinr(s, 24), <, ws_phy_cqi_from_sinr(flat, 24));
}

static void test_bler(void) {
  static const uint32_t sizes[] = {24, 200, 1000, 3824, 8456, 36896, 200808};
  for (unsigned m = 0; m < 29; m++) {
    double th = ws_phy_mcs_threshold_db(m);
    for (unsigned k = 0; k < G_N_ELEMENTS(sizes); k++) {
      uint32_t tbs = sizes[k];
      /* exactly 10% at the threshold (erfc to ~1 ulp) */
      g_assert_cmpfloat(fabs(ws_phy_bler(m, tbs, th) - 0.1), <, 1e-12);
      double prev = 1.0;
      for (double d = -5; d <= 5; d += 0.01) {
        double e = ws_phy_bler(m, tbs, th + d);
        g_assert_cmpfloat(e, <=, prev);
        g_assert_cmpfloat(e, >=, 0.0);
        prev = e;
      }
      g_assert_cmpfloat(ws_phy_bler(m, tbs, th - 10), >, 0.999);
      g_assert_cmpfloat(ws_phy_bler(m, tbs, th + 10), <, 1e-6);
      if (k > 0) /* longer code blocks: steeper curve */
        g_assert_cmpfloat(ws_phy_bler_sigma_db(m, tbs), <=, ws_phy_bler_sigma_db(m, sizes[0]));
    }
    /* per-RB version on a flat channel = the scalar curve */
    double s[10];
    for (unsigned i = 0; i < 10; i++)
      s[i] = db_to_lin(th);
    g_assert_cmpfloat(fabs(ws_phy_bler_rbs(m, 3824, s, 10) - 0.1), <, 1e-9);
  }
  /* The slope, by hand (python3) from the finite-blocklength formula:
   * MCS 28, TBS 36896: 5 code blocks of 7408 bits; MCS 0, TBS 24: one of
   * 40; MCS 13, TBS 8064: one of 8088. */
  g_assert_cmpfloat_with_epsilon(ws_phy_bler_sigma_db(28, 36896), 0.12147997972290533, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_bler_sigma_db(0, 24), 1.1677057789513399, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_phy_bler_sigma_db(13, 8064), 0.08768074491549695, 1e-12);
  /* 1% BLER lies (Q^-1(0.01) - Q^-1(0.1)) sigma above the threshold. */
  double th = ws_phy_mcs_threshold_db(13), sg = ws_phy_bler_sigma_db(13, 8064);
  g_assert_cmpfloat_with_epsilon(ws_phy_bler(13, 8064, th + (2.3263478740408408 - 1.2815515655446004) * sg), 0.01, 1e-12);
  g_assert_cmpfloat(ws_phy_bler(13, 8064, NAN), ==, 1.0);
}

static void test_block_error(void) {
  double th = ws_phy_mcs_threshold_db(20);
  /* The draw is uniform < BLER: deterministic given the uniform. */
  g_assert_true(ws_phy_block_error(20, 5000, th, 0.0999));
  g_assert_false(ws_phy_block_error(20, 5000, th, 0.1001));
  g_assert_false(ws_phy_block_error(20, 5000, th + 20, 1e-9));
  g_assert_true(ws_phy_block_error(20, 5000, th - 20, 0.999999));
  /* Frequency over 20000 draws from a named stream at the threshold:
   * 0.1 +- 4.5 sigma, sigma = sqrt(0.09 / 20000) = 0.0021. */
  ws_rng rng;
  ws_rng_init(&rng, 3, 0, "test-phy", "block errors");
  unsigned errors = 0, n = 20000;
  for (unsigned i = 0; i < n; i++)
    errors += ws_phy_block_error(20, 5000, th, ws_rng_uniform(&rng));
  g_assert_cmpfloat(fabs(errors / (double)n - 0.1), <, 4.5 * sqrt(0.09 / n));
}

/* ---- HARQ -------------------------------------------------------------- */

static void test_harq_processes(void) {
  ws_phy_harq *h = ws_phy_harq_new(50);
  for (unsigned p = 0; p < WS_PHY_HARQ_PROCESSES; p++) {
    const ws_phy_harq_process *pr = ws_phy_harq_process_get(h, p);
    g_assert_false(pr->busy);
    g_assert_false(pr->ndi);
  }
  g_assert_cmpint(ws_phy_harq_next_retx(h), ==, -1);
  /* 8 blocks in flight: no idle process left. */
  for (unsigned p = 0; p < 8; p++) {
    g_assert_cmpint(ws_phy_harq_idle(h), ==, (int)p);
    ws_phy_harq_start(h, p, 10, 5, ws_phy_tbs(10, 5));
    g_assert_true(ws_phy_harq_process_get(h, p)->ndi);
  }
  g_assert_cmpint(ws_phy_harq_idle(h), ==, -1);
  /* NACKs on 5 then 2: oldest first. */
  double s[5] = {1, 1, 1, 1, 1};
  ws_phy_harq_combine(h, 5, s, 5);
  g_assert_cmpint(ws_phy_harq_feedback(h, 5, false), ==, WS_PHY_HARQ_NACK);
  ws_phy_harq_combine(h, 2, s, 5);
  g_assert_cmpint(ws_phy_harq_feedback(h, 2, false), ==, WS_PHY_HARQ_NACK);
  g_assert_cmpint(ws_phy_harq_next_retx(h), ==, 5);
  g_assert_true(ws_phy_harq_process_get(h, 5)->pending);
  ws_phy_harq_retransmit(h, 5);
  g_assert_cmpuint(ws_phy_harq_process_get(h, 5)->retx, ==, 1);
  g_assert_cmpint(ws_phy_harq_next_retx(h), ==, 2);
  /* ACK frees the process; a new block toggles the NDI back. */
  ws_phy_harq_combine(h, 5, s, 5);
  g_assert_cmpint(ws_phy_harq_feedback(h, 5, true), ==, WS_PHY_HARQ_ACK);
  g_assert_cmpint(ws_phy_harq_idle(h), ==, 5);
  ws_phy_harq_start(h, 5, 3, 4, ws_phy_tbs(3, 4));
  g_assert_false(ws_phy_harq_process_get(h, 5)->ndi);
  g_assert_cmpuint(ws_phy_harq_process_get(h, 5)->retx, ==, 0);
  g_assert_cmpuint(ws_phy_harq_process_get(h, 5)->rv, ==, 0);
  /* Process 2: 1 + 3 transmissions, then dropped. */
  for (unsigned r = 1; r <= 3; r++) {
    ws_phy_harq_retransmit(h, 2);
    g_assert_cmpuint(ws_phy_harq_process_get(h, 2)->retx, ==, r);
    ws_phy_harq_combine(h, 2, s, 5);
    g_assert_cmpint(ws_phy_harq_feedback(h, 2, false), ==, r < 3 ? WS_PHY_HARQ_NACK : WS_PHY_HARQ_DROP);
  }
  g_assert_false(ws_phy_harq_process_get(h, 2)->busy);
  g_assert_cmpint(ws_phy_harq_idle(h), ==, 2);
  g_assert_cmpint(ws_phy_harq_next_retx(h), ==, -1);
  ws_phy_harq_free(h);
}

static void test_harq_chase(void) {
  ws_phy_harq *h = ws_phy_harq_new(WS_PHY_MAX_RB);
  unsigned mcs = 15, n = 8;
  uint32_t tbs = ws_phy_tbs(mcs, n);
  double th_lin = db_to_lin(ws_phy_mcs_threshold_db(mcs));
  /* Per-RB sums: two transmissions over different SINRs. */
  double a[8], b[8], sum[8];
  for (unsigned i = 0; i < n; i++) {
    a[i] = 0.5 + i;
    b[i] = 2.0 * (8 - i);
    sum[i] = a[i] + b[i];
  }
  ws_phy_harq_start(h, 0, mcs, n, tbs);
  double e1 = ws_phy_harq_combine(h, 0, a, n);
  g_assert_cmpfloat_with_epsilon(e1, 10 * log10(ws_phy_eesm(a, n, ws_phy_eesm_beta(mcs))), 1e-12);
  ws_phy_harq_feedback(h, 0, false);
  ws_phy_harq_retransmit(h, 0);
  double e2 = ws_phy_harq_combine(h, 0, b, n);
  const ws_phy_harq_process *p = ws_phy_harq_process_get(h, 0);
  for (unsigned i = 0; i < n; i++)
    g_assert_cmpfloat(p->sinr_lin[i], ==, sum[i]);
  g_assert_cmpfloat_with_epsilon(e2, 10 * log10(ws_phy_eesm(sum, n, ws_phy_eesm_beta(mcs))), 1e-12);
  g_assert_cmpfloat(e2, >, e1);
  ws_phy_harq_feedback(h, 0, true);

  /* Half the threshold SINR twice = the threshold: BLER 10% at the second
   * transmission (3.01 dB of combining gain), first one much worse. */
  double half[8];
  for (unsigned i = 0; i < n; i++)
    half[i] = th_lin / 2;
  double bler;
  ws_phy_harq_start(h, 1, mcs, n, tbs);
  g_assert_cmpint(ws_phy_harq_receive(h, 1, half, n, 0.99999, &bler), ==, WS_PHY_HARQ_NACK);
  g_assert_cmpfloat(bler, >, 0.5);
  ws_phy_harq_retransmit(h, 1);
  g_assert_cmpint(ws_phy_harq_receive(h, 1, half, n, 0.2, &bler), ==, WS_PHY_HARQ_ACK);
  g_assert_cmpfloat(fabs(bler - 0.1), <, 1e-9);
  /* A new block starts from an empty buffer. */
  ws_phy_harq_start(h, 1, mcs, n, tbs);
  for (unsigned i = 0; i < n; i++)
    g_assert_cmpfloat(ws_phy_harq_process_get(h, 1)->sinr_lin[i], ==, 0.0);
  ws_phy_harq_free(h);
  ws_phy_harq_free(NULL);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/phy/carrier-table", test_carrier_table);
  g_test_add_func("/phy/carrier-bad", test_carrier_bad);
  g_test_add_func("/phy/mcs-table", test_mcs_table);
  g_test_add_func("/phy/cqi-table", test_cqi_table);
  g_test_add_func("/phy/cqi-to-mcs", test_cqi_to_mcs);
  g_test_add_func("/phy/tbs-hand", test_tbs_hand);
  g_test_add_func("/phy/tbs-issue-number", test_tbs_issue_number);
  g_test_add_func("/phy/tbs-general", test_tbs_general);
  g_test_add_func("/phy/tbs-shape", test_tbs_shape);
  g_test_add_func("/phy/code-blocks", test_code_blocks);
  g_test_add_func("/phy/eesm", test_eesm);
  g_test_add_func("/phy/thresholds", test_thresholds);
  g_test_add_func("/phy/threshold-tables", test_threshold_tables);
  g_test_add_func("/phy/cqi-from-sinr", test_cqi_from_sinr);
  g_test_add_func("/phy/bler", test_bler);
  g_test_add_func("/phy/block-error", test_block_error);
  g_test_add_func("/phy/harq-processes", test_harq_processes);
  g_test_add_func("/phy/harq-chase", test_harq_chase);
  return g_test_run();
}
