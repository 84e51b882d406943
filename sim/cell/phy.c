/* wisim link abstraction: carrier sizes (TS 38.101-1 Table 5.3.2-1, LTE
 * sizes at mu = 0), CQI/MCS tables and TBS (TS 38.214), EESM effective SINR
 * (5G-LENA betas), BLER curves per MCS and HARQ chase combining.
 * Every number below cites its table or clause; docs/link-abstraction.md
 * explains the choices (gap, curve slope, CQI->MCS mapping). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/phy.h"

/* ---- carriers ---------------------------------------------------------- */

/* Channel bandwidths (kHz) of the columns of TS 38.101-1 (V17) Table
 * 5.3.2-1 "Maximum transmission bandwidth configuration N_RB" (FR1). */
static const unsigned nr_bw_khz[] = {5000,  10000, 15000, 20000, 25000, 30000, 35000, 40000,
                                     45000, 50000, 60000, 70000, 80000, 90000, 100000};
#define N_NR_BW (sizeof nr_bw_khz / sizeof nr_bw_khz[0])

/* N_RB per SCS (rows: 15, 30, 60 kHz) and bandwidth; 0 = N/A in the table. */
static const unsigned nr_n_rb[WS_PHY_MAX_NUMEROLOGY + 1][N_NR_BW] = {
  {25, 52, 79, 106, 133, 160, 188, 216, 242, 270, 0, 0, 0, 0, 0},
  {11, 24, 38, 51, 65, 78, 92, 106, 119, 133, 162, 189, 217, 245, 273},
  {0, 11, 18, 24, 31, 38, 44, 51, 58, 65, 79, 93, 107, 121, 135},
};

/* LTE channel bandwidths and their N_RB (TS 36.101 Table 5.6-1), used at
 * mu = 0 in place of the NR row for the same bandwidth (SCENARIO-FORMAT
 * [cell]: 10 MHz at mu = 0 is an LTE-like 50-RB cell, not NR's 52). */
static const unsigned lte_bw_khz[] = {1400, 3000, 5000, 10000, 15000, 20000};
static const unsigned lte_n_rb[] = {6, 15, 25, 50, 75, 100};
#define N_LTE_BW (sizeof lte_bw_khz / sizeof lte_bw_khz[0])

static bool bw_is(double bandwidth_hz, unsigned khz) {
  return fabs(bandwidth_hz - 1e3 * khz) <= 1.0;
}

static unsigned n_rb_lookup(unsigned numerology, double bandwidth_hz, bool *lte) {
  *lte = false;
  if (numerology > WS_PHY_MAX_NUMEROLOGY || !(bandwidth_hz > 0))
    return 0;
  if (numerology == 0)
    for (unsigned i = 0; i < N_LTE_BW; i++)
      if (bw_is(bandwidth_hz, lte_bw_khz[i])) {
        *lte = true;
        return lte_n_rb[i];
      }
  for (unsigned i = 0; i < N_NR_BW; i++)
    if (bw_is(bandwidth_hz, nr_bw_khz[i]))
      return nr_n_rb[numerology][i];
  return 0;
}

unsigned ws_phy_n_rb(unsigned numerology, double bandwidth_hz) {
  bool lte;
  return n_rb_lookup(numerology, bandwidth_hz, &lte);
}

/* "1.4, 3, 5, ... MHz": the bandwidths allowed at a numerology, in order. */
static char *allowed_bandwidths(unsigned numerology) {
  unsigned khz[N_LTE_BW + N_NR_BW];
  unsigned n = 0;
  if (numerology == 0)
    for (unsigned i = 0; i < N_LTE_BW; i++)
      khz[n++] = lte_bw_khz[i];
  for (unsigned i = 0; i < N_NR_BW; i++) {
    bool dup = false;
    for (unsigned j = 0; j < n; j++)
      dup = dup || khz[j] == nr_bw_khz[i];
    if (!dup && nr_n_rb[numerology][i] > 0)
      khz[n++] = nr_bw_khz[i];
  }
  GString *s = g_string_new(NULL);
  for (unsigned i = 0; i < n; i++)
    g_string_append_printf(s, "%s%g", i ? ", " : "", khz[i] / 1000.0);
  g_string_append(s, " MHz");
  return g_string_free(s, FALSE);
}

bool ws_phy_carrier_init(ws_phy_carrier *c, unsigned numerology, double bandwidth_hz, char **why) {
  g_return_val_if_fail(c != NULL, false);
  if (numerology > WS_PHY_MAX_NUMEROLOGY) {
    if (why)
      *why = g_strdup_printf("numerology %u is not supported: expected 0, 1 or 2 "
                             "(subcarrier spacing 15, 30 or 60 kHz)", numerology);
    return false;
  }
  bool lte;
  unsigned n_rb = n_rb_lookup(numerology, bandwidth_hz, &lte);
  if (n_rb == 0) {
    if (why) {
      char *allowed = allowed_bandwidths(numerology);
      *why = g_strdup_printf("no carrier of %g MHz at numerology %u (%u kHz) in TS 38.101-1 "
                             "Table 5.3.2-1%s: expected one of %s",
                             bandwidth_hz / 1e6, numerology, 15u << numerology,
                             numerology == 0 ? " or the LTE sizes" : "", allowed);
      g_free(allowed);
    }
    return false;
  }
  /* TS 38.211 4.2 (Table 4.2-1) and 4.3.2: SCS 15 * 2^mu kHz, 14 symbols
   * per slot (normal CP), 2^mu slots per 1 ms subframe. */
  c->numerology = numerology;
  c->scs_hz = 15e3 * (double)(1u << numerology);
  c->slot_ns = WS_MS >> numerology;
  c->symbols_per_slot = WS_PHY_SYMBOLS_PER_SLOT;
  c->bandwidth_hz = bandwidth_hz;
  c->n_rb = n_rb;
  c->rb_bandwidth_hz = WS_PHY_SUBCARRIERS_PER_RB * c->scs_hz;
  c->occupied_bandwidth_hz = n_rb * c->rb_bandwidth_hz;
  c->lte = lte;
  return true;
}

/* ---- CQI and MCS tables ------------------------------------------------ */

/* TS 38.214 Table 5.1.3.1-1 "MCS index table 1 for PDSCH" (64QAM),
 * indices 0..28: Qm, target code rate R x 1024, spectral efficiency. */
static const ws_phy_row mcs_table[WS_PHY_N_MCS] = {
  {2, 120, 0.2344}, {2, 157, 0.3066}, {2, 193, 0.3770}, {2, 251, 0.4902}, {2, 308, 0.6016},
  {2, 379, 0.7402}, {2, 449, 0.8770}, {2, 526, 1.0273}, {2, 602, 1.1758}, {2, 679, 1.3262},
  {4, 340, 1.3281}, {4, 378, 1.4766}, {4, 434, 1.6953}, {4, 490, 1.9141}, {4, 553, 2.1602},
  {4, 616, 2.4063}, {4, 658, 2.5703}, {6, 438, 2.5664}, {6, 466, 2.7305}, {6, 517, 3.0293},
  {6, 567, 3.3223}, {6, 616, 3.6094}, {6, 666, 3.9023}, {6, 719, 4.2129}, {6, 772, 4.5234},
  {6, 822, 4.8164}, {6, 873, 5.1152}, {6, 910, 5.3320}, {6, 948, 5.5547},
};

/* TS 38.214 Table 5.2.2.1-2 "4-bit CQI Table 1" (64QAM), CQI 1..15
 * (index 0 = out of range, no row). */
static const ws_phy_row cqi_table[WS_PHY_N_CQI] = {
  {0, 0, 0.0},
  {2, 78, 0.1523},  {2, 120, 0.2344}, {2, 193, 0.3770}, {2, 308, 0.6016}, {2, 449, 0.8770},
  {2, 602, 1.1758}, {4, 378, 1.4766}, {4, 490, 1.9141}, {4, 616, 2.4063}, {6, 466, 2.7305},
  {6, 567, 3.3223}, {6, 666, 3.9023}, {6, 772, 4.5234}, {6, 873, 5.1152}, {6, 948, 5.5547},
};

/* EESM beta per MCS of Table 5.1.3.1-1, from 5G-LENA (ns-3 NR module,
 * model/nr-eesm-t1.cc, BetaTable1), calibrated against LDPC link-level
 * results by Lagen et al., "New Radio Physical Layer Abstraction for
 * System-Level Simulations of 5G Networks", IEEE ICC 2020. */
static const double eesm_beta[WS_PHY_N_MCS] = {
  1.6,   1.61,  1.63,  1.65,  1.67,  1.7,   1.73,  1.76,  1.79,  1.82,
  3.97,  4.27,  4.71,  5.16,  5.66,  6.16,  6.5,   9.95,  10.97, 12.92,
  14.96, 17.06, 19.33, 21.85, 24.51, 27.14, 29.94, 32.05, 34.28,
};

const ws_phy_row *ws_phy_mcs(unsigned mcs) {
  return mcs < WS_PHY_N_MCS ? &mcs_table[mcs] : NULL;
}

const ws_phy_row *ws_phy_cqi(unsigned cqi) {
  return cqi >= 1 && cqi < WS_PHY_N_CQI ? &cqi_table[cqi] : NULL;
}

/* Exact efficiency qm * R / 1024 of a row (the tables print it rounded). */
static double row_efficiency(const ws_phy_row *r) {
  return r->qm * (double)r->code_rate_x1024 / 1024.0;
}

double ws_phy_mcs_efficiency(unsigned mcs) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, 0.0);
  return row_efficiency(&mcs_table[mcs]);
}

double ws_phy_mcs_bits_per_rb(unsigned mcs) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, 0.0);
  return WS_PHY_RE_PER_PRB * row_efficiency(&mcs_table[mcs]);
}

/* ---- transport block size ---------------------------------------------- */

/* TS 38.214 Table 5.1.3.2-1 "TBS for N_info <= 3824" (93 entries). */
static const uint16_t tbs_small[] = {
  24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,  136,  144,
  152,  160,  168,  176,  184,  192,  208,  224,  240,  256,  272,  288,  304,  320,  336,  352,
  368,  384,  408,  432,  456,  480,  504,  528,  552,  576,  608,  640,  672,  704,  736,  768,
  808,  848,  888,  928,  984,  1032, 1064, 1128, 1160, 1192, 1224, 1256, 1288, 1320, 1352, 1416,
  1480, 1544, 1608, 1672, 1736, 1800, 1864, 1928, 2024, 2088, 2152, 2216, 2280, 2408, 2472, 2536,
  2600, 2664, 2728, 2792, 2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824,
};
#define N_TBS_SMALL (sizeof tbs_small / sizeof tbs_small[0])

/* floor(log2(x)) for x >= 1. */
static int floor_log2_u64(uint64_t x) {
  int k = -1;
  while (x) {
    x >>= 1;
    k++;
  }
  return k;
}

static uint64_t ceil_div_u64(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

uint32_t ws_phy_tbs_re(unsigned qm, unsigned code_rate_x1024, uint32_t n_re) {
  g_return_val_if_fail(qm >= 1 && qm <= 8 && code_rate_x1024 <= 1024, 0);
  if (n_re == 0 || code_rate_x1024 == 0)
    return 0;
  /* TS 38.214 5.1.3.2 step 2: N_info = N_RE * R * Qm * v (v = 1 layer),
   * kept exact as the integer num = N_info * 1024. */
  const uint64_t num = (uint64_t)n_re * code_rate_x1024 * qm;
  if (num <= (uint64_t)3824 * 1024) {
    /* Step 3: n = max(3, floor(log2 N_info) - 6);
     * N'_info = max(24, 2^n floor(N_info / 2^n)); the smallest TBS of
     * Table 5.1.3.2-1 not less than N'_info. floor(log2(num / 2^10)) =
     * floor(log2 num) - 10 exactly, as 1024 is a power of two. */
    int n = floor_log2_u64(num) - 10 - 6;
    if (n < 3)
      n = 3;
    uint64_t n_info_q = (num >> (n + 10)) << n;
    if (n_info_q < 24)
      n_info_q = 24;
    for (unsigned i = 0; i < N_TBS_SMALL; i++)
      if (tbs_small[i] >= n_info_q)
        return tbs_small[i];
    g_assert_not_reached(); /* N'_info <= N_info <= 3824 */
  }
  /* Step 4: n = floor(log2(N_info - 24)) - 5;
   * N'_info = max(3840, 2^n round((N_info - 24) / 2^n)), ties upwards. */
  const uint64_t d = num - (uint64_t)24 * 1024; /* (N_info - 24) * 1024 > 0 */
  int n = floor_log2_u64(d) - 10 - 5;
  g_assert(n >= 6);
  uint64_t q = (d + ((uint64_t)1 << (n + 9))) >> (n + 10); /* round half up */
  uint64_t n_info_q = q << n;
  if (n_info_q < 3840)
    n_info_q = 3840;
  uint64_t tbs;
  if (code_rate_x1024 <= 256) { /* R <= 1/4 */
    uint64_t c = ceil_div_u64(n_info_q + 24, 3816);
    tbs = 8 * c * ceil_div_u64(n_info_q + 24, 8 * c) - 24;
  } else if (n_info_q > 8424) {
    uint64_t c = ceil_div_u64(n_info_q + 24, 8424);
    tbs = 8 * c * ceil_div_u64(n_info_q + 24, 8 * c) - 24;
  } else {
    tbs = 8 * ceil_div_u64(n_info_q + 24, 8) - 24;
  }
  g_assert(tbs <= UINT32_MAX);
  return (uint32_t)tbs;
}

uint32_t ws_phy_tbs(unsigned mcs, unsigned n_prb) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, 0);
  /* Step 1: N'_RE = 12 * N_symb - N_DMRS - N_oh = 12 * 12 - 12 - 0 = 132,
   * N_RE = min(156, N'_RE) * n_PRB. */
  uint32_t n_re = (uint32_t)MIN(156, WS_PHY_RE_PER_PRB) * n_prb;
  return ws_phy_tbs_re(mcs_table[mcs].qm, mcs_table[mcs].code_rate_x1024, n_re);
}

unsigned ws_phy_code_blocks(uint32_t tbs_bits, unsigned code_rate_x1024, uint32_t *k_bits) {
  g_return_val_if_fail(tbs_bits > 0 && code_rate_x1024 > 0 && code_rate_x1024 <= 1024, 0);
  /* TS 38.212 7.2.2: LDPC base graph 2 when A <= 292, or A <= 3824 and
   * R <= 0.67, or R <= 0.25; else base graph 1. Max code block size
   * K_cb = 8448 (BG1) or 3840 (BG2). R <= 0.67 as R x 1024 <= 686.08. */
  const uint64_t a = tbs_bits;
  const bool bg2 = a <= 292 || (a <= 3824 && code_rate_x1024 * 100 <= 67 * 1024) ||
                   code_rate_x1024 * 4 <= 1024;
  const uint64_t k_cb = bg2 ? 3840 : 8448;
  /* TS 38.212 7.2.1: transport block CRC of L = 24 bits when A > 3824,
   * else 16. 5.2.2: B = A + L; one code block when B <= K_cb, else
   * C = ceil(B / (K_cb - 24)) blocks with a 24-bit CRC each. */
  const uint64_t b = a + (a > 3824 ? 24 : 16);
  uint64_t c = 1, b_prime = b;
  if (b > k_cb) {
    c = ceil_div_u64(b, k_cb - 24);
    b_prime = b + 24 * c;
  }
  if (k_bits)
    *k_bits = (uint32_t)(b_prime / c);
  return (unsigned)c;
}

/* ---- effective SINR, CQI, BLER ----------------------------------------- */

double ws_phy_eesm(const double *sinr_lin, unsigned n, double beta) {
  g_return_val_if_fail(sinr_lin != NULL && n > 0 && beta > 0, 0.0);
  /* EESM (Ericsson, 3GPP R1-031303, 2003; Brueninghaus et al., PIMRC
   * 2005): sinr_eff = -beta ln((1/n) sum_i exp(-sinr_i / beta)).
   * With m = min_i sinr_i: sinr_eff = m - beta ln((1/n) sum_i
   * exp(-(sinr_i - m) / beta)); every term is in (0, 1] and one is 1, so the
   * sum neither underflows nor overflows, and equal SINRs give m exactly. */
  double m = sinr_lin[0];
  for (unsigned i = 1; i < n; i++)
    m = MIN(m, sinr_lin[i]);
  double sum = 0.0;
  for (unsigned i = 0; i < n; i++)
    sum += exp(-(sinr_lin[i] - m) / beta);
  return m - beta * log(sum / n);
}

double ws_phy_eesm_beta(unsigned mcs) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, 1.0);
  return eesm_beta[mcs];
}

/* The 10% BLER thresholds 10 log10((2^eff - 1) Gamma), Gamma =
 * WS_PHY_GAP_DB = 2 dB: the Shannon SNR of the efficiency eff = Qm R / 1024
 * plus the code's gap (docs/link-abstraction.md), in dB and linear
 * ((2^eff - 1) 10^(gap / 10)). Constant tables rather than the formula per
 * call: CQI measurement is the hot path of a cell simulation. Generated
 * offline by python3 (repr: the shortest literal that reads back as the same
 * double; glibc's log10/exp2 give the same doubles):
 *   db = 10 * math.log10(math.exp2(qm * r / 1024) - 1) + 2
 *   lin = (math.exp2(qm * r / 1024) - 1) * 10 ** (2 / 10)
 * over the rows of mcs_table and cqi_table; test-phy
 * (/phy/threshold-tables) checks every literal against the formula. */
static const double mcs_threshold_db[WS_PHY_N_MCS] = {
  -5.535088257848301,  -4.255736503115488, -3.2491541953158922, -1.9289571166682,
  -0.8620795692159846, 0.2636457592532164, 1.224621311981277,   2.163094657401501,
  3.0007811036015646,  3.7821835130025407, 3.791959128454027,   4.511145012482189,
  5.4995133079834275,  6.422740745647512,  7.402834904919768,   8.335640476802958,
  8.93672497245387,    8.922581448241635,  9.510258741147158,   10.551626757725932,
  11.543554042924576,  12.494035355911127, 13.446613665764012,  14.441318192180582,
  15.423835127842763,  16.34189073414716,  17.27124844650312,   17.941836637964474,
  18.62788173330556,
};
static const double mcs_threshold_lin[WS_PHY_N_MCS] = {
  0.2795703912371506, 0.3753412964042952, 0.47324341590565566, 0.6413635705001454,
  0.8199588224532594, 1.0625871898753416, 1.3257515123077346,  1.6455438727174825,
  1.9956212066441887, 2.3890121104858544, 2.394395639049111,   2.825624849509647,
  3.5477362930672673, 4.388075330743032,  5.498997098017606,   6.816540944114455,
  7.828390788540959,  7.802937796604788,  8.93358706092914,    11.354360417662877,
  14.267747151083473, 17.758387795909147, 22.113697608234926,  27.80557108192526,
  34.86450574136121,  43.0714084340997,   53.34882328716279,   62.25635125612525,
  72.91018048879775,
};
/* Index 0 (out of range) is never reached: +infinity. */
static const double cqi_threshold_db[WS_PHY_N_CQI] = {
  INFINITY,           -7.53218119035467,  -5.535088257848301, -3.2491541953158922,
  -0.8620795692159846, 1.224621311981277, 3.0007811036015646, 4.511145012482189,
  6.422740745647512,  8.335640476802958,  9.510258741147158,  11.543554042924576,
  13.446613665764012, 15.423835127842763, 17.27124844650312,  18.62788173330556,
};
static const double cqi_threshold_lin[WS_PHY_N_CQI] = {
  INFINITY,           0.1765151072717464, 0.2795703912371506, 0.47324341590565566,
  0.8199588224532594, 1.3257515123077346, 1.9956212066441887, 2.825624849509647,
  4.388075330743032,  6.816540944114455,  8.93358706092914,   14.267747151083473,
  22.113697608234926, 34.86450574136121,  53.34882328716279,  72.91018048879775,
};

double ws_phy_mcs_threshold_db(unsigned mcs) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, INFINITY);
  return mcs_threshold_db[mcs];
}

double ws_phy_cqi_threshold_db(unsigned cqi) {
  if (cqi < 1 || cqi >= WS_PHY_N_CQI)
    return INFINITY;
  return cqi_threshold_db[cqi];
}

double ws_phy_mcs_threshold_lin(unsigned mcs) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS, INFINITY);
  return mcs_threshold_lin[mcs];
}

double ws_phy_cqi_threshold_lin(unsigned cqi) {
  if (cqi < 1 || cqi >= WS_PHY_N_CQI)
    return INFINITY;
  return cqi_threshold_lin[cqi];
}

static double lin_to_db(double x) {
  return 10.0 * log10(x);
}

/* The decisions below are "10 log10(x) >= th_db" exactly as written (the
 * dB threshold is the reference). Comparing x with the linear threshold
 * decides the same whenever x is off it by more than THRESHOLD_MARGIN
 * (relative): 1e-9 is 4e-9 dB, millions of times the rounding of log10 and
 * of the literals; only the rare x within the margin pays for the log10. */
#define THRESHOLD_MARGIN 1e-9
static bool reaches(double x, double th_lin, double th_db) {
  if (x >= th_lin * (1.0 + THRESHOLD_MARGIN))
    return true;
  if (x <= th_lin * (1.0 - THRESHOLD_MARGIN))
    return false;
  return lin_to_db(x) >= th_db;
}

/* Bounds every EESM of these SINRs obeys: min <= EESM <= mean, with the
 * mean up to rounding: a threshold above mean * (1 + BOUND_SLACK) cannot be
 * reached (BOUND_SLACK = 2.3e-7, i.e. 1e-6 dB: skipping is only a shortcut,
 * so it must never be taken where EESM's rounding could decide otherwise).
 * A threshold the minimum reaches is reached (EESM >= min holds exactly in
 * floating point: each term of its sum is <= 1). */
#define BOUND_SLACK 2.3e-7
static void eesm_bounds(const double *sinr_lin, unsigned n, double *lo, double *mean) {
  double m = sinr_lin[0], sum = 0.0;
  for (unsigned i = 0; i < n; i++) {
    m = MIN(m, sinr_lin[i]);
    sum += sinr_lin[i];
  }
  *lo = m;
  *mean = sum / n;
}

/* True when a threshold th_lin cannot be reached by an EESM of SINRs whose
 * mean is `mean` (false for a NaN or negative mean: no shortcut). */
static bool above_mean(double th_lin, double mean) {
  return mean >= 0.0 && th_lin > mean * (1.0 + BOUND_SLACK);
}

/* The MCS that carries each CQI (ws_phy_cqi_to_mcs's rule, as a table:
 * test-phy /phy/cqi-mcs checks it against the rule); -1 for CQI 0. */
static const int8_t cqi_mcs[WS_PHY_N_CQI] = {-1, 0,  0,  2,  4,  6,  8,  11,
                                             13, 15, 18, 20, 22, 24, 26, 28};

int ws_phy_cqi_to_mcs(unsigned cqi) {
  g_return_val_if_fail(cqi < WS_PHY_N_CQI, -1);
  return cqi_mcs[cqi];
}

unsigned ws_phy_cqi_from_sinr(const double *sinr_lin, unsigned n) {
  g_return_val_if_fail(sinr_lin != NULL && n > 0, 0);
  /* TS 38.214 5.2.2.1: the highest CQI whose block would be received with
   * error probability <= 0.1, i.e. whose effective SINR (EESM with the
   * beta of the MCS that carries it) reaches its 10% point. Since
   * min <= EESM <= mean, CQIs above the mean cannot pass and one at or
   * below the minimum passes without computing its EESM: usually one or
   * two EESMs per report instead of fifteen, with the same result. */
  double lo, mean;
  eesm_bounds(sinr_lin, n, &lo, &mean);
  for (unsigned cqi = WS_PHY_N_CQI - 1; cqi >= 1; cqi--) {
    double th_lin = cqi_threshold_lin[cqi], th_db = cqi_threshold_db[cqi];
    if (above_mean(th_lin, mean))
      continue;
    if (reaches(lo, th_lin, th_db))
      return cqi;
    double beta = eesm_beta[cqi_mcs[cqi]];
    if (reaches(ws_phy_eesm(sinr_lin, n, beta), th_lin, th_db))
      return cqi;
  }
  return 0;
}

int ws_phy_mcs_from_sinr(const double *sinr_lin, unsigned n) {
  g_return_val_if_fail(sinr_lin != NULL && n > 0, -1);
  double lo, mean;
  eesm_bounds(sinr_lin, n, &lo, &mean);
  for (int mcs = WS_PHY_N_MCS - 1; mcs >= 0; mcs--) {
    double th_lin = mcs_threshold_lin[mcs], th_db = mcs_threshold_db[mcs];
    if (above_mean(th_lin, mean))
      continue;
    if (reaches(lo, th_lin, th_db) ||
        reaches(ws_phy_eesm(sinr_lin, n, eesm_beta[mcs]), th_lin, th_db))
      return mcs;
  }
  return -1;
}

/* Q^-1(0.1): the standard normal quantile of 0.9. */
#define Z_BLER_TARGET 1.2815515655446004

double ws_phy_bler_sigma_db(unsigned mcs, uint32_t tbs_bits) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS && tbs_bits > 0, 1.0);
  /* Normal approximation of the finite-blocklength error probability
   * (Polyanskiy, Poor, Verdu, IEEE Trans. IT 56(5), 2010, eq. (1) with the
   * complex AWGN capacity and dispersion): eps = Q((n C(g) - k) /
   * sqrt(n V(g))). Linearised in g_dB around the Shannon SNR g* of the
   * MCS's efficiency, eps = Q((g_dB - g50_dB) / sigma) with
   *   sigma = sqrt(V(g*) / n) / (dC/dg_dB)(g*),
   *   C = log2(1 + g), dC/dg_dB = g / (1 + g) * ln(10) / (10 ln 2),
   *   V = g (g + 2) / (g + 1)^2 * log2(e)^2,
   * n = k / eff channel uses of one code block of k bits. Longer code
   * blocks give steeper curves; the 10% point itself is the threshold. */
  const ws_phy_row *r = &mcs_table[mcs];
  uint32_t k_bits;
  ws_phy_code_blocks(tbs_bits, r->code_rate_x1024, &k_bits);
  const double eff = row_efficiency(r);
  const double g = exp2(eff) - 1.0;
  const double n_uses = k_bits / eff;
  const double dc_ddb = g / (1.0 + g) * log(10.0) / (10.0 * log(2.0));
  const double v = g * (g + 2.0) / ((g + 1.0) * (g + 1.0)) * (M_LOG2E * M_LOG2E);
  return sqrt(v / n_uses) / dc_ddb;
}

double ws_phy_bler(unsigned mcs, uint32_t tbs_bits, double sinr_db) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS && tbs_bits > 0, 1.0);
  if (isnan(sinr_db))
    return 1.0;
  const double sigma = ws_phy_bler_sigma_db(mcs, tbs_bits);
  const double x = (sinr_db - ws_phy_mcs_threshold_db(mcs)) / sigma + Z_BLER_TARGET;
  /* Q(x) = erfc(x / sqrt 2) / 2, accurate in both tails. */
  return 0.5 * erfc(x * M_SQRT1_2);
}

double ws_phy_bler_rbs(unsigned mcs, uint32_t tbs_bits, const double *sinr_lin, unsigned n) {
  g_return_val_if_fail(mcs < WS_PHY_N_MCS && sinr_lin != NULL && n > 0, 1.0);
  return ws_phy_bler(mcs, tbs_bits, lin_to_db(ws_phy_eesm(sinr_lin, n, eesm_beta[mcs])));
}

bool ws_phy_block_error(unsigned mcs, uint32_t tbs_bits, double sinr_db, double uniform) {
  return uniform < ws_phy_bler(mcs, tbs_bits, sinr_db);
}

/* ---- HARQ with chase combining ----------------------------------------- */

struct ws_phy_harq {
  unsigned max_rb;
  uint64_t nack_count;                       /* orders NACKs: oldest first */
  ws_phy_harq_process proc[WS_PHY_HARQ_PROCESSES];
  double *buf;                               /* [PROCESSES * max_rb] */
};

ws_phy_harq *ws_phy_harq_new(unsigned max_rb) {
  g_return_val_if_fail(max_rb >= 1 && max_rb <= WS_PHY_MAX_RB, NULL);
  ws_phy_harq *h = g_new0(ws_phy_harq, 1);
  h->max_rb = max_rb;
  h->buf = g_new0(double, (size_t)WS_PHY_HARQ_PROCESSES * max_rb);
  for (unsigned p = 0; p < WS_PHY_HARQ_PROCESSES; p++)
    h->proc[p].sinr_lin = h->buf + (size_t)p * max_rb;
  return h;
}

void ws_phy_harq_free(ws_phy_harq *h) {
  if (!h)
    return;
  g_free(h->buf);
  g_free(h);
}

const ws_phy_harq_process *ws_phy_harq_process_get(const ws_phy_harq *h, unsigned pid) {
  g_return_val_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES, NULL);
  return &h->proc[pid];
}

int ws_phy_harq_idle(const ws_phy_harq *h) {
  g_return_val_if_fail(h != NULL, -1);
  for (unsigned p = 0; p < WS_PHY_HARQ_PROCESSES; p++)
    if (!h->proc[p].busy)
      return (int)p;
  return -1;
}

int ws_phy_harq_next_retx(const ws_phy_harq *h) {
  g_return_val_if_fail(h != NULL, -1);
  int best = -1;
  for (unsigned p = 0; p < WS_PHY_HARQ_PROCESSES; p++)
    if (h->proc[p].pending && (best < 0 || h->proc[p].nack_seq < h->proc[best].nack_seq))
      best = (int)p;
  return best;
}

static double *proc_buf(ws_phy_harq *h, unsigned pid) {
  return h->buf + (size_t)pid * h->max_rb;
}

void ws_phy_harq_start(ws_phy_harq *h, unsigned pid, unsigned mcs, unsigned n_rb, uint32_t tbs_bits) {
  g_return_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES && !h->proc[pid].busy);
  g_return_if_fail(mcs < WS_PHY_N_MCS && n_rb >= 1 && n_rb <= h->max_rb && tbs_bits > 0);
  ws_phy_harq_process *p = &h->proc[pid];
  p->busy = true;
  p->pending = false;
  p->ndi = !p->ndi; /* TS 38.212 7.3.1.2: a toggled NDI marks new data */
  p->rv = 0;
  p->retx = 0;
  p->mcs = mcs;
  p->n_rb = n_rb;
  p->tbs_bits = tbs_bits;
  memset(proc_buf(h, pid), 0, sizeof(double) * n_rb);
}

void ws_phy_harq_retransmit(ws_phy_harq *h, unsigned pid) {
  g_return_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES && h->proc[pid].pending);
  ws_phy_harq_process *p = &h->proc[pid];
  g_assert(p->retx < WS_PHY_HARQ_MAX_RETX);
  p->pending = false;
  p->retx++;
}

double ws_phy_harq_combine(ws_phy_harq *h, unsigned pid, const double *sinr_lin, unsigned n_rb) {
  g_return_val_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES && sinr_lin != NULL, -INFINITY);
  ws_phy_harq_process *p = &h->proc[pid];
  g_return_val_if_fail(p->busy && !p->pending && n_rb == p->n_rb, -INFINITY);
  /* Chase combining (Chase, IEEE Trans. Commun. 33(5), 1985): identical
   * retransmissions combined by maximum-ratio combining, so the SINRs of
   * each resource add (as 5G-LENA's NrEesmCc does per RB before EESM). */
  double *buf = proc_buf(h, pid);
  for (unsigned i = 0; i < n_rb; i++)
    buf[i] += sinr_lin[i];
  return lin_to_db(ws_phy_eesm(buf, n_rb, eesm_beta[p->mcs]));
}

ws_phy_harq_outcome ws_phy_harq_feedback(ws_phy_harq *h, unsigned pid, bool ok) {
  g_return_val_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES, WS_PHY_HARQ_DROP);
  ws_phy_harq_process *p = &h->proc[pid];
  g_return_val_if_fail(p->busy && !p->pending, WS_PHY_HARQ_DROP);
  if (ok) {
    p->busy = false;
    return WS_PHY_HARQ_ACK;
  }
  if (p->retx >= WS_PHY_HARQ_MAX_RETX) {
    p->busy = false;
    return WS_PHY_HARQ_DROP;
  }
  p->pending = true;
  p->nack_seq = ++h->nack_count;
  return WS_PHY_HARQ_NACK;
}

ws_phy_harq_outcome ws_phy_harq_receive(ws_phy_harq *h, unsigned pid, const double *sinr_lin,
                                        unsigned n_rb, double uniform, double *bler) {
  g_return_val_if_fail(h != NULL && pid < WS_PHY_HARQ_PROCESSES, WS_PHY_HARQ_DROP);
  double sinr_db = ws_phy_harq_combine(h, pid, sinr_lin, n_rb);
  const ws_phy_harq_process *p = &h->proc[pid];
  double e = ws_phy_bler(p->mcs, p->tbs_bits, sinr_db);
  if (bler)
    *bler = e;
  return ws_phy_harq_feedback(h, pid, !(uniform < e));
}
