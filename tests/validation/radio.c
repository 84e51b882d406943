/* Validation of the radio medium and the cell engine (issue 4): path loss
 * models against their published formulas written out again here, the LOS
 * probabilities, the noise floor, TS 38.214 transport block sizes, one UE
 * computed by hand, and the schedulers' and sectorisation's system-level
 * claims. Uses the module APIs directly (medium, cellnet), no scenario. */
#include <math.h>
#include <string.h>

#include "validation-int.h"
#include "wisim/antenna.h"
#include "wisim/cell.h"
#include "wisim/fading.h"
#include "wisim/layout.h"
#include "wisim/medium.h"
#include "wisim/pathloss.h"
#include "wisim/phy.h"
#include "wisim/rng.h"

#define C_EXACT_MPS 299792458.0 /* SI; Friis and two-ray */
#define C_38901_MPS 3.0e8       /* TR 38.901 Table 7.4.1-1 Notes 1, 5 */
#define BOLTZMANN 1.380649e-23  /* J/K, exact since 2019 */

/* ---- pathloss-formulas ---------------------------------------------------- */

/* Each formula below is typed from its publication, independently of
 * sim/radio/pathloss.c; the model is reached through ws_pathloss_db (the
 * dispatcher the medium uses), so the geometry handling is checked too.
 * Nothing is random: the only admissible difference is floating-point
 * rounding, hence 0.01 dB (the loss values are 40-170 dB, so that is a
 * relative tolerance of 0.01 / PL, about 1e-4). */

static double hand_friis_db(double d_m, double f_hz) {
  /* Friis 1946: Pr/Pt = (lambda / (4 pi d))^2 for isotropic antennas. */
  double lambda = C_EXACT_MPS / f_hz;
  return -20 * log10(lambda / (4 * M_PI * d_m));
}

static double hand_log_distance_db(double d_m, double f_hz, double n, double d0_m) {
  /* Rappaport, Wireless Communications 2nd ed., eq. 4.69. */
  return hand_friis_db(d0_m, f_hz) + 10 * n * log10(d_m / d0_m);
}

static double hand_two_ray_db(double d_m, double f_hz, double ht_m, double hr_m) {
  /* Rappaport eq. 4.52 (Pr = Pt ht^2 hr^2 / d^4) beyond the crossover
   * d_c = 4 pi ht hr / lambda, where it meets Friis; Friis before it. */
  double dc = 4 * M_PI * ht_m * hr_m * f_hz / C_EXACT_MPS;
  if (d_m <= dc) return hand_friis_db(d_m, f_hz);
  return 10 * log10(pow(d_m, 4) / (ht_m * ht_m * hr_m * hr_m));
}

/* Hata 1980 eq. (3)-(6); f MHz, d km. kind: 0 urban small/medium city,
 * 1 urban large city, 2 suburban, 3 open. */
static double hand_hata_db(double d_km, double f_mhz, double hb, double hm, int kind) {
  double lf = log10(f_mhz);
  double a_hm = kind == 1 ? 3.2 * pow(log10(11.75 * hm), 2) - 4.97 /* f >= 400 MHz */
                          : (1.1 * lf - 0.7) * hm - (1.56 * lf - 0.8);
  double lu = 69.55 + 26.16 * lf - 13.82 * log10(hb) - a_hm +
              (44.9 - 6.55 * log10(hb)) * log10(d_km);
  if (kind == 2) return lu - 2 * pow(log10(f_mhz / 28), 2) - 5.4;
  if (kind == 3) return lu - 4.78 * lf * lf + 18.33 * lf - 40.94;
  return lu;
}

/* COST 231 final report (1999) eq. 4.4.3 with Hata's small-city a(hm). */
static double hand_cost231_db(double d_km, double f_mhz, double hb, double hm, double cm) {
  double lf = log10(f_mhz);
  double a_hm = (1.1 * lf - 0.7) * hm - (1.56 * lf - 0.8);
  return 46.3 + 33.9 * lf - 13.82 * log10(hb) - a_hm + (44.9 - 6.55 * log10(hb)) * log10(d_km) + cm;
}

/* TR 38.901 Table 7.4.1-1; fc in GHz, distances in m, h_E = 1 m. */
static double hand_uma_los(double d2d, double d3d, double fc, double hbs, double hut) {
  double dbp = 4 * (hbs - 1) * (hut - 1) * fc * 1e9 / C_38901_MPS;
  if (d2d <= dbp) return 28.0 + 22 * log10(d3d) + 20 * log10(fc);
  return 28.0 + 40 * log10(d3d) + 20 * log10(fc) - 9 * log10(dbp * dbp + (hbs - hut) * (hbs - hut));
}
static double hand_uma_nlos(double d2d, double d3d, double fc, double hbs, double hut) {
  double p = 13.54 + 39.08 * log10(d3d) + 20 * log10(fc) - 0.6 * (hut - 1.5);
  return fmax(hand_uma_los(d2d, d3d, fc, hbs, hut), p);
}
static double hand_umi_los(double d2d, double d3d, double fc, double hbs, double hut) {
  double dbp = 4 * (hbs - 1) * (hut - 1) * fc * 1e9 / C_38901_MPS;
  if (d2d <= dbp) return 32.4 + 21 * log10(d3d) + 20 * log10(fc);
  return 32.4 + 40 * log10(d3d) + 20 * log10(fc) -
         9.5 * log10(dbp * dbp + (hbs - hut) * (hbs - hut));
}
static double hand_umi_nlos(double d2d, double d3d, double fc, double hbs, double hut) {
  double p = 22.4 + 35.3 * log10(d3d) + 21.3 * log10(fc) - 0.3 * (hut - 1.5);
  return fmax(hand_umi_los(d2d, d3d, fc, hbs, hut), p);
}
/* RMa with h = 5 m, W = 20 m (the table's defaults). */
static double hand_rma_pl1(double d, double fc, double h) {
  return 20 * log10(40 * M_PI * d * fc / 3) + fmin(0.03 * pow(h, 1.72), 10) * log10(d) -
         fmin(0.044 * pow(h, 1.72), 14.77) + 0.002 * log10(h) * d;
}
static double hand_rma_los(double d2d, double d3d, double fc, double hbs, double hut) {
  double dbp = 2 * M_PI * hbs * hut * fc * 1e9 / C_38901_MPS;
  if (d2d <= dbp) return hand_rma_pl1(d3d, fc, 5);
  return hand_rma_pl1(dbp, fc, 5) + 40 * log10(d3d / dbp);
}
static double hand_rma_nlos(double d2d, double d3d, double fc, double hbs, double hut) {
  double w = 20, h = 5;
  double p = 161.04 - 7.1 * log10(w) + 7.5 * log10(h) -
             (24.37 - 3.7 * (h / hbs) * (h / hbs)) * log10(hbs) +
             (43.42 - 3.1 * log10(hbs)) * (log10(d3d) - 3) + 20 * log10(fc) -
             (3.2 * pow(log10(11.75 * hut), 2) - 4.97);
  return fmax(hand_rma_los(d2d, d3d, fc, hbs, hut), p);
}

typedef enum {
  PL_FRIIS, PL_LOGD, PL_TWORAY, PL_HATA_URBAN, PL_HATA_LARGE, PL_HATA_SUBURBAN, PL_HATA_OPEN,
  PL_COST, PL_COST_METRO, PL_UMA_LOS, PL_UMA_NLOS, PL_UMI_LOS, PL_UMI_NLOS, PL_RMA_LOS,
  PL_RMA_NLOS,
} pl_case_kind;

typedef struct {
  pl_case_kind kind;
  const char *model;  /* as printed */
  const char *source;
  double f_hz, h_bs_m, h_ut_m;
  double d2d_m[3];
} pl_case;

static const pl_case pl_cases[] = {
    {PL_FRIIS, "free-space, 2 GHz", "Friis 1946", 2e9, 10, 1.5, {10, 100, 1000}},
    {PL_LOGD, "log-distance n=3.5 d0=10m, 2 GHz", "Rappaport eq. 4.69", 2e9, 10, 1.5,
     {50, 500, 2000}},
    {PL_TWORAY, "two-ray, 900 MHz, 30 m/1.5 m", "Rappaport eq. 4.52 + Friis", 900e6, 30, 1.5,
     {500, 5000, 10000}},
    {PL_HATA_URBAN, "okumura-hata urban, 900 MHz", "Hata 1980 eq. 3, 4a", 900e6, 30, 1.5,
     {1000, 5000, 20000}},
    {PL_HATA_LARGE, "okumura-hata urban large city, 900 MHz", "Hata 1980 eq. 3, 4b", 900e6, 30,
     1.5, {1000, 5000, 20000}},
    {PL_HATA_SUBURBAN, "okumura-hata suburban, 900 MHz", "Hata 1980 eq. 5", 900e6, 30, 1.5,
     {1000, 5000, 20000}},
    {PL_HATA_OPEN, "okumura-hata open, 900 MHz", "Hata 1980 eq. 6", 900e6, 30, 1.5,
     {1000, 5000, 20000}},
    {PL_COST, "cost231-hata medium city, 1.8 GHz", "COST 231 final report eq. 4.4.3", 1.8e9, 30,
     1.5, {1000, 5000, 20000}},
    {PL_COST_METRO, "cost231-hata metropolitan (Cm 3 dB), 1.8 GHz",
     "COST 231 final report eq. 4.4.3", 1.8e9, 30, 1.5, {1000, 5000, 20000}},
    {PL_UMA_LOS, "3gpp-uma LOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 25, 1.5,
     {50, 500, 2000}},
    {PL_UMA_NLOS, "3gpp-uma NLOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 25, 1.5,
     {50, 500, 2000}},
    {PL_UMI_LOS, "3gpp-umi LOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 10, 1.5,
     {50, 500, 2000}},
    {PL_UMI_NLOS, "3gpp-umi NLOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 10, 1.5,
     {50, 500, 2000}},
    {PL_RMA_LOS, "3gpp-rma LOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 35, 1.5,
     {100, 1000, 5000}},
    {PL_RMA_NLOS, "3gpp-rma NLOS, 3.5 GHz", "TR 38.901 Table 7.4.1-1", 3.5e9, 35, 1.5,
     {100, 1000, 5000}},
};

static void pl_params(const pl_case *c, ws_pathloss_params *p, bool *los) {
  static const ws_pathloss_model models[] = {
      [PL_FRIIS] = WS_PATHLOSS_FREE_SPACE,       [PL_LOGD] = WS_PATHLOSS_LOG_DISTANCE,
      [PL_TWORAY] = WS_PATHLOSS_TWO_RAY,         [PL_HATA_URBAN] = WS_PATHLOSS_OKUMURA_HATA,
      [PL_HATA_LARGE] = WS_PATHLOSS_OKUMURA_HATA, [PL_HATA_SUBURBAN] = WS_PATHLOSS_OKUMURA_HATA,
      [PL_HATA_OPEN] = WS_PATHLOSS_OKUMURA_HATA, [PL_COST] = WS_PATHLOSS_COST231_HATA,
      [PL_COST_METRO] = WS_PATHLOSS_COST231_HATA, [PL_UMA_LOS] = WS_PATHLOSS_3GPP_UMA,
      [PL_UMA_NLOS] = WS_PATHLOSS_3GPP_UMA,      [PL_UMI_LOS] = WS_PATHLOSS_3GPP_UMI,
      [PL_UMI_NLOS] = WS_PATHLOSS_3GPP_UMI,      [PL_RMA_LOS] = WS_PATHLOSS_3GPP_RMA,
      [PL_RMA_NLOS] = WS_PATHLOSS_3GPP_RMA,
  };
  ws_pathloss_params_default(p, models[c->kind]);
  if (c->kind == PL_LOGD) {
    p->exponent = 3.5;
    p->reference_distance_m = 10;
  }
  if (c->kind == PL_HATA_LARGE || c->kind == PL_COST_METRO) p->large_city = true;
  if (c->kind == PL_HATA_SUBURBAN) p->environment = WS_PATHLOSS_SUBURBAN;
  if (c->kind == PL_HATA_OPEN) p->environment = WS_PATHLOSS_OPEN;
  *los = c->kind == PL_UMA_LOS || c->kind == PL_UMI_LOS || c->kind == PL_RMA_LOS;
}

/* The hand formula of a case. The Hata models take the 3D distance as
 * their d (docs/radio.md: as ns-3; the same to 0.001 dB at >= 1 km). */
static double pl_hand(const pl_case *c, double d2d, double d3d) {
  double f = c->f_hz, fc = f / 1e9, hb = c->h_bs_m, hm = c->h_ut_m;
  switch (c->kind) {
  case PL_FRIIS: return hand_friis_db(d3d, f);
  case PL_LOGD: return hand_log_distance_db(d3d, f, 3.5, 10);
  case PL_TWORAY: return hand_two_ray_db(d3d, f, hb, hm);
  case PL_HATA_URBAN: return hand_hata_db(d3d / 1e3, f / 1e6, hb, hm, 0);
  case PL_HATA_LARGE: return hand_hata_db(d3d / 1e3, f / 1e6, hb, hm, 1);
  case PL_HATA_SUBURBAN: return hand_hata_db(d3d / 1e3, f / 1e6, hb, hm, 2);
  case PL_HATA_OPEN: return hand_hata_db(d3d / 1e3, f / 1e6, hb, hm, 3);
  case PL_COST: return hand_cost231_db(d3d / 1e3, f / 1e6, hb, hm, 0);
  case PL_COST_METRO: return hand_cost231_db(d3d / 1e3, f / 1e6, hb, hm, 3);
  case PL_UMA_LOS: return hand_uma_los(d2d, d3d, fc, hb, hm);
  case PL_UMA_NLOS: return hand_uma_nlos(d2d, d3d, fc, hb, hm);
  case PL_UMI_LOS: return hand_umi_los(d2d, d3d, fc, hb, hm);
  case PL_UMI_NLOS: return hand_umi_nlos(d2d, d3d, fc, hb, hm);
  case PL_RMA_LOS: return hand_rma_los(d2d, d3d, fc, hb, hm);
  case PL_RMA_NLOS: return hand_rma_nlos(d2d, d3d, fc, hb, hm);
  }
  return NAN;
}

/* Every case of pl_cases at its three distances: ws_pathloss_db against the
 * hand formula, 0.01 dB. */
void ws_vexp_pathloss_formulas(GPtrArray *out) {
  for (size_t i = 0; i < G_N_ELEMENTS(pl_cases); i++) {
    const pl_case *c = &pl_cases[i];
    ws_pathloss_params p;
    bool los;
    pl_params(c, &p, &los);
    for (int k = 0; k < 3; k++) {
      double d2d = c->d2d_m[k], d3d = hypot(d2d, c->h_bs_m - c->h_ut_m);
      ws_pathloss_link l = {.d3d_m = d3d, .d2d_m = d2d, .freq_hz = c->f_hz,
                            .h_bs_m = c->h_bs_m, .h_ut_m = c->h_ut_m, .los = los};
      double ref = pl_hand(c, d2d, d3d), sim = ws_pathloss_db(&p, &l);
      char *q = g_strdup_printf("path loss at d2D = %g m", d2d);
      const char *warn = ws_pathloss_check(&p, &l);
      ws_validation_add_relative(out, c->model, q, "dB", ref, c->source, sim, NAN, 1,
                                 0.01 / fabs(ref), warn ? warn : "tolerance 0.01 dB (rounding)");
      g_free(q);
    }
  }
}

/* ---- pathloss-los-probability ---------------------------------------------- */

/* N UEs on a circle of radius d around one cell draw their LOS states in
 * the medium (each link from its own named stream); the LOS fraction is a
 * binomial proportion of mean p (TR 38.901 Table 7.4.2-1) and standard
 * deviation s = sqrt(p (1 - p) / N). The tolerance is 4 s (relative: 4 s
 * / p): a correct model fails it with probability 6e-5, and with the
 * seed fixed the verdict is deterministic. N = 4000 gives s <= 0.8%. The
 * models reuse the UE names, so the same uniforms: their deviations from
 * the formula are correlated (common random numbers). */
enum { LOS_UES = 4000 };

typedef struct {
  ws_pathloss_model model;
  const char *label;
  double h_bs_m, d2d_m[2];
} los_case;

/* Per model, one medium with LOS_UES UEs at each of two distances. */
void ws_vexp_pathloss_los_probability(GPtrArray *out) {
  static const los_case cases[] = {
      {WS_PATHLOSS_3GPP_UMA, "3gpp-uma LOS probability, h_UT 1.5 m", 25, {60, 200}},
      {WS_PATHLOSS_3GPP_UMI, "3gpp-umi LOS probability, h_UT 1.5 m", 10, {40, 150}},
      {WS_PATHLOSS_3GPP_RMA, "3gpp-rma LOS probability, h_UT 1.5 m", 35, {500, 1500}},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const los_case *c = &cases[i];
    ws_medium_config cfg;
    ws_medium_config_default(&cfg);
    ws_pathloss_params_default(&cfg.pathloss, c->model);
    cfg.shadowing_sigma_db = 0;
    cfg.seed = 11;
    ws_medium *m = ws_medium_new(&cfg, NULL);
    ws_medium_cell cell = {.name = "bs", .height_m = c->h_bs_m, .tx_power_dbm = 46,
                           .noise_figure_db = NAN, .frequency_hz = 3.5e9};
    ws_antenna_init(&cell.antenna, WS_ANTENNA_OMNI);
    ws_phy_carrier_init(&cell.carrier, 0, 10e6, NULL);
    ws_medium_add_cell(m, &cell);
    for (int k = 0; k < 2; k++)
      for (unsigned j = 0; j < LOS_UES; j++) {
        char name[32];
        g_snprintf(name, sizeof name, "d%d-%u", k, j);
        double a = 2 * M_PI * j / LOS_UES;
        ws_medium_ue u = {.name = name, .x_m = c->d2d_m[k] * cos(a),
                          .y_m = c->d2d_m[k] * sin(a), .height_m = 1.5, .tx_power_dbm = 23,
                          .noise_figure_db = NAN};
        ws_medium_add_ue(m, &u);
      }
    ws_medium_build(m, 0);
    for (int k = 0; k < 2; k++) {
      unsigned n_los = 0;
      for (unsigned j = 0; j < LOS_UES; j++) n_los += ws_medium_los(m, k * LOS_UES + j, 0);
      double d = c->d2d_m[k], frac = (double)n_los / LOS_UES;
      /* Table 7.4.2-1 written out (outdoor UT, h_UT <= 13 m: C' = 0). */
      double p;
      if (c->model == WS_PATHLOSS_3GPP_UMA)
        p = d <= 18 ? 1 : 18 / d + exp(-d / 63) * (1 - 18 / d);
      else if (c->model == WS_PATHLOSS_3GPP_UMI)
        p = d <= 18 ? 1 : 18 / d + exp(-d / 36) * (1 - 18 / d);
      else
        p = d <= 10 ? 1 : exp(-(d - 10) / 1000);
      double s = sqrt(p * (1 - p) / LOS_UES);
      char *q = g_strdup_printf("LOS fraction at d2D = %g m", d);
      char *note = g_strdup_printf("%u of %u links LOS; binomial sd %.4f, tolerance 4 sd", n_los,
                                   LOS_UES, s);
      /* ci95 of a proportion: 1.96 s (normal approximation, N p > 500). */
      ws_validation_add_relative(out, c->label, q, "", p, "TR 38.901 Table 7.4.2-1", frac,
                                 1.96 * s, LOS_UES, 4 * s / p, note);
      g_free(q);
      g_free(note);
    }
    ws_medium_free(m);
  }
}

/* ---- noise-floor ------------------------------------------------------------- */

/* The medium's noise per RB (kTB over 12 x 15 kHz at 290 K plus NF), summed
 * over the 50 RBs of a 10 MHz LTE-like carrier: the occupied bandwidth is
 * 50 x 180 kHz = 9 MHz (not the 10 MHz channel: guard bands carry no
 * signal and collect no noise in the receiver's filter). Against the
 * rounded -174 dBm/Hz the medium's exact kT (-173.975 dBm/Hz at 290 K) is
 * 0.025 dB higher: tolerance 0.03 dB. Against the exact kT it must agree to
 * rounding (0.001 dB). */
void ws_vexp_noise_floor(GPtrArray *out) {
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.shadowing_sigma_db = 0;
  ws_medium *m = ws_medium_new(&cfg, NULL);
  ws_medium_cell cell = {.name = "bs", .height_m = 25, .tx_power_dbm = 46, .noise_figure_db = 5,
                         .frequency_hz = 2e9};
  ws_antenna_init(&cell.antenna, WS_ANTENNA_OMNI);
  ws_phy_carrier_init(&cell.carrier, 0, 10e6, NULL);
  ws_medium_add_cell(m, &cell);
  ws_medium_ue ue = {.name = "u", .x_m = 100, .height_m = 1.5, .tx_power_dbm = 23,
                     .noise_figure_db = NAN /* the radio's 9 dB */};
  ws_medium_add_ue(m, &ue);
  ws_medium_build(m, 0);
  double n_rb = ws_medium_n_rb(m), b_hz = n_rb * 180e3;
  double dl = ws_medium_dl_noise_rb_dbm(m, 0) + 10 * log10(n_rb);
  double ul = ws_medium_ul_noise_rb_dbm(m, 0) + 10 * log10(n_rb);
  double kt = 10 * log10(BOLTZMANN * 290 / 1e-3);
  char *note = g_strdup_printf("%.0f RBs x 180 kHz = %.1f MHz occupied; kT(290 K) = %.3f dBm/Hz",
                               n_rb, b_hz / 1e6, kt);
  const char *model = "thermal noise, 10 MHz carrier (50 RB), 290 K";
  double ref = -174 + 10 * log10(b_hz) + 9;
  ws_validation_add_relative(out, model, "UE noise floor (NF 9 dB), nominal kT", "dBm", ref,
                             "-174 dBm/Hz + 10 log10(B) + NF", dl, NAN, 1, 0.03 / fabs(ref), note);
  ref = kt + 10 * log10(b_hz) + 9;
  ws_validation_add_relative(out, model, "UE noise floor (NF 9 dB), exact kT", "dBm", ref,
                             "10 log10(k T B / 1 mW) + NF", dl, NAN, 1, 0.001 / fabs(ref), note);
  ref = kt + 10 * log10(b_hz) + 5;
  ws_validation_add_relative(out, model, "cell noise floor (NF 5 dB), exact kT", "dBm", ref,
                             "10 log10(k T B / 1 mW) + NF", ul, NAN, 1, 0.001 / fabs(ref), note);
  ref = kt + 10 * log10(180e3) + 9;
  ws_validation_add_relative(out, model, "UE noise per RB (180 kHz)", "dBm", ref,
                             "10 log10(k T B / 1 mW) + NF", ws_medium_dl_noise_rb_dbm(m, 0), NAN,
                             1, 0.001 / fabs(ref), NULL);
  g_free(note);
  ws_medium_free(m);
}

/* ---- tbs-table ---------------------------------------------------------------- */

/* TS 38.214 Table 5.1.3.1-1 (MCS index table 1): Qm and R x 1024. */
static const unsigned mcs_qm[29] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4,
                                    4, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6};
static const unsigned mcs_r[29] = {120, 157, 193, 251, 308, 379, 449, 526, 602, 679,
                                   340, 378, 434, 490, 553, 616, 658, 438, 466, 517,
                                   567, 616, 666, 719, 772, 822, 873, 910, 948};

/* TS 38.214 Table 5.1.3.2-1: TBS for N_info <= 3824. */
static const unsigned tbs_small[] = {
    24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,
    136,  144,  152,  160,  168,  176,  184,  192,  208,  224,  240,  256,  272,  288,
    304,  320,  336,  352,  368,  384,  408,  432,  456,  480,  504,  528,  552,  576,
    608,  640,  672,  704,  736,  768,  808,  848,  888,  928,  984,  1032, 1064, 1128,
    1160, 1192, 1224, 1256, 1288, 1320, 1352, 1416, 1480, 1544, 1608, 1672, 1736, 1800,
    1864, 1928, 2024, 2088, 2152, 2216, 2280, 2408, 2472, 2536, 2600, 2664, 2728, 2792,
    2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824};

static unsigned floor_log2_u64(uint64_t x) {
  unsigned n = 0;
  while (x >>= 1) n++;
  return n;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* TS 38.214 5.1.3.2 steps 1-4 for one layer, N'_RE = 12 x 12 - 12 - 0 =
 * 132 REs per PRB (issue 4's assumptions), in integers: N_info =
 * num / 1024 with num = N_RE R_x1024 Qm exactly. */
static uint64_t hand_tbs(unsigned mcs, unsigned n_prb) {
  uint64_t n_re = 132ull * n_prb, num = n_re * mcs_r[mcs] * mcs_qm[mcs];
  if (num <= 3824ull * 1024) {
    /* n = max(3, floor(log2 N_info) - 6); N'_info = max(24, 2^n floor(N_info / 2^n)) */
    int n = (int)floor_log2_u64(num) - 10 - 6;
    if (n < 3) n = 3;
    /* floor(N_info / 2^n) = floor(floor(N_info) / 2^n) */
    uint64_t ninfo = ((num / 1024) >> n) << n;
    if (ninfo < 24) ninfo = 24;
    for (size_t i = 0; i < G_N_ELEMENTS(tbs_small); i++)
      if (tbs_small[i] >= ninfo) return tbs_small[i];
    return 0;
  }
  /* n = floor(log2(N_info - 24)) - 5; N'_info = max(3840, 2^n round((N_info - 24) / 2^n)) */
  uint64_t m = num - 24 * 1024;
  int n = (int)floor_log2_u64(m) - 10 - 5;
  uint64_t unit = 1024ull << n; /* 2^n in units of 1/1024 */
  uint64_t ninfo = ((2 * m + unit) / (2 * unit)) << n; /* round half up */
  if (ninfo < 3840) ninfo = 3840;
  if (mcs_r[mcs] <= 256) { /* R <= 1/4 */
    uint64_t c = ceil_div(ninfo + 24, 3816);
    return 8 * c * ceil_div(ninfo + 24, 8 * c) - 24;
  }
  if (ninfo > 8424) {
    uint64_t c = ceil_div(ninfo + 24, 8424);
    return 8 * c * ceil_div(ninfo + 24, 8 * c) - 24;
  }
  return 8 * ceil_div(ninfo + 24, 8) - 24;
}

/* Compared exactly (tolerance 0: integers). The first four pairs are also
 * worked out by hand here, so that the independent procedure is itself
 * checked:
 *  MCS 0, 1 PRB: N_info = 132 x 120/1024 x 2 = 30.94, n = 3, N' = 24 -> 24.
 *  MCS 10, 6 PRB: N_info = 792 x 340/1024 x 4 = 1051.9, n = 4, N' = 1040,
 *    next table entry 1064.
 *  MCS 17, 100 PRB: N_info = 13200 x 438/1024 x 6 = 33876.6, n = 10,
 *    N' = 1024 round(33.06) = 33792 > 8424: C = 5, TBS = 40 ceil(33816/40)
 *    - 24 = 33816.
 *  MCS 28, 50 PRB: N_info = 6600 x 948/1024 x 6 = 36660.9, n = 10,
 *    N' = 36864, C = 5, TBS = 40 ceil(36888/40) - 24 = 36896. */
void ws_vexp_tbs_table(GPtrArray *out) {
  static const struct {
    unsigned mcs, prb;
    uint64_t by_hand; /* 0: not worked out by hand */
  } pairs[] = {
      {0, 1, 24},      {10, 6, 1064},   {17, 100, 33816}, {28, 50, 36896}, {0, 50, 0},
      {2, 25, 0},      {4, 10, 0},      {9, 25, 0},       {16, 50, 0},     {20, 15, 0},
      {27, 75, 0},     {5, 100, 0},     {28, 273, 0},     {1, 273, 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
    uint64_t ref = hand_tbs(pairs[i].mcs, pairs[i].prb);
    char *model = g_strdup_printf("TBS, MCS %u (Qm %u, R %u/1024), %u PRB", pairs[i].mcs,
                                  mcs_qm[pairs[i].mcs], mcs_r[pairs[i].mcs], pairs[i].prb);
    if (pairs[i].by_hand && ref != pairs[i].by_hand) {
      ws_validation_add_error(out, model, "the test's own 5.1.3.2 procedure disagrees with "
                                          "the value worked out by hand");
      g_free(model);
      continue;
    }
    ws_validation_add_relative(out, model, "transport block size", "bit", (double)ref,
                               "TS 38.214 5.1.3.2 (132 RE/PRB, 1 layer)",
                               (double)ws_phy_tbs(pairs[i].mcs, pairs[i].prb), NAN, 1, 0,
                               pairs[i].by_hand ? "also worked out by hand" : NULL);
    g_free(model);
  }
}

/* ---- cells: shared set-up --------------------------------------------------------- */

/* One or more omni cells and UEs over a COST-231 Hata medium at 1.8 GHz
 * (30 m masts, 1.5 m UEs, 46 dBm, 10 MHz, mu = 0), all UEs full buffer. */
typedef struct {
  ws_sim *sim;
  ws_medium *m;
  ws_fading_table *table;
  ws_cellnet *cn;
  ws_packet_pool *pool;
} vnet;

#define CELL_F_HZ 1.8e9
#define CELL_H_BS 30.0
#define CELL_H_UT 1.5
#define CELL_P_DBM 46.0
#define UE_NF_DB 9.0

static void vnet_init(vnet *n, unsigned n_ues, const double *ux, const double *uy,
                      ws_fading_model fading, uint64_t seed, const char *sched) {
  memset(n, 0, sizeof *n);
  n->sim = ws_sim_new();
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_COST231_HATA);
  cfg.shadowing_sigma_db = 0;
  cfg.fading = fading;
  cfg.seed = seed;
  if (fading != WS_FADING_NONE) {
    ws_rng r;
    ws_rng_init(&r, seed, 0, "radio", "fading table");
    n->table = ws_fading_table_new(&r, 14);
  }
  n->m = ws_medium_new(&cfg, n->table);
  ws_medium_cell c = {.name = "bs", .height_m = CELL_H_BS, .tx_power_dbm = CELL_P_DBM,
                      .noise_figure_db = 5, .frequency_hz = CELL_F_HZ};
  ws_antenna_init(&c.antenna, WS_ANTENNA_OMNI);
  ws_phy_carrier_init(&c.carrier, 0, 10e6, NULL);
  ws_medium_add_cell(n->m, &c);
  for (unsigned j = 0; j < n_ues; j++) {
    char name[16];
    g_snprintf(name, sizeof name, "u%u", j);
    ws_medium_ue u = {.name = name, .x_m = ux[j], .y_m = uy ? uy[j] : 0, .height_m = CELL_H_UT,
                      .tx_power_dbm = 23, .noise_figure_db = UE_NF_DB};
    ws_medium_add_ue(n->m, &u);
  }
  ws_medium_build(n->m, 0);
  n->pool = ws_packet_pool_new();
  ws_cellnet_config cc = {.scheduler = sched, .seed = seed, .pool = n->pool};
  ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL);
  n->cn = ws_cellnet_new(n->sim, n->m, &cc);
  for (unsigned j = 0; j < n_ues; j++) ws_cellnet_set_full_buffer(n->cn, j, true);
}

/* Runs warmup_slots, restarts the counters, then runs slots more (1 ms
 * slots at mu = 0). */
static void vnet_run(vnet *n, unsigned warmup_slots, unsigned slots) {
  ws_cellnet_start(n->cn, 0);
  if (warmup_slots > 0) {
    ws_sim_run_until(n->sim, (ws_time)(warmup_slots - 1) * WS_MS);
    ws_cellnet_reset_stats(n->cn);
  }
  ws_sim_run_until(n->sim, (ws_time)(warmup_slots + slots - 1) * WS_MS);
}

static void vnet_free(vnet *n) {
  ws_cellnet_free(n->cn);
  ws_medium_free(n->m);
  ws_fading_table_free(n->table);
  ws_packet_pool_free(n->pool);
  ws_sim_free(n->sim);
}

/* ---- cell-single-ue ----------------------------------------------------------- */

/* TS 38.214 Table 5.2.2.1-2 (CQI table 1): Qm and R x 1024 of CQI 1..15. */
static const unsigned cqi_qm[16] = {0, 2, 2, 2, 2, 2, 2, 4, 4, 4, 6, 6, 6, 6, 6, 6};
static const unsigned cqi_r[16] = {0,   78,  120, 193, 308, 449, 602, 378,
                                   490, 616, 466, 567, 666, 772, 873, 948};

/* docs/link-abstraction.md: a CQI (an MCS) is usable at its 10% BLER
 * point, 10 log10(2^eff - 1) + 2 dB, eff = Qm R / 1024 (Shannon with a
 * 2 dB gap); the MCS of a CQI is the highest whose efficiency does not
 * exceed the CQI's. Written out from the tables above. */
static double hand_threshold_db(unsigned qm, unsigned r) {
  return 10 * log10(pow(2, qm * r / 1024.0) - 1) + 2.0;
}

static unsigned hand_cqi(double sinr_db) {
  unsigned q = 0;
  for (unsigned i = 1; i <= 15; i++)
    if (hand_threshold_db(cqi_qm[i], cqi_r[i]) <= sinr_db) q = i;
  return q;
}

static unsigned hand_mcs_of_cqi(unsigned cqi) {
  double eff = cqi_qm[cqi] * cqi_r[cqi] / 1024.0;
  unsigned best = 0;
  for (unsigned k = 0; k < 29; k++)
    if (mcs_qm[k] * mcs_r[k] / 1024.0 <= eff) best = k;
  return best;
}

/* SNR per RB of an omni 0 dBi cell at ground distance d: 46 dBm spread
 * over 50 RBs, COST-231 Hata (medium city) at d3D, kTB(180 kHz) + 9 dB. */
static double hand_snr_db(double d2d_m) {
  double d3d = hypot(d2d_m, CELL_H_BS - CELL_H_UT);
  double rx = CELL_P_DBM - 10 * log10(50) - hand_cost231_db(d3d / 1e3, CELL_F_HZ / 1e6, CELL_H_BS,
                                                             CELL_H_UT, 0);
  double noise = 10 * log10(BOLTZMANN * 290 * 180e3 / 1e-3) + UE_NF_DB;
  return rx - noise;
}

/* One UE, no fading or shadowing, full buffer, round robin: every slot
 * carries one transport block on all 50 PRBs at the MCS of the CQI of the
 * SNR; throughput = TBS x (1 - BLER) / 1 ms. The distances are chosen so
 * that the SNR lies well clear (>= 0.3 dB) of a CQI threshold, where the
 * BLER curve (docs/link-abstraction.md) gives < 1e-6: the run is then
 * deterministic and the throughput exact. Tolerance: 0.01 dB on the SINR
 * (rounding), 0 on the CQI, 0.1% on the throughput (one block error in
 * 2000 slots would cost 0.05%). */
void ws_vexp_cell_single_ue(GPtrArray *out) {
  static const double dists[] = {400, 700, 1350};
  enum { SLOTS = 2000 };
  for (size_t i = 0; i < G_N_ELEMENTS(dists); i++) {
    double d = dists[i], snr = hand_snr_db(d);
    unsigned cqi = hand_cqi(snr), mcs = hand_mcs_of_cqi(cqi);
    uint64_t tbs = hand_tbs(mcs, 50);
    double bler = ws_phy_bler(mcs, (uint32_t)tbs, snr);
    double thr_ref = (double)tbs * (1 - bler) / 1e-3;
    vnet n;
    vnet_init(&n, 1, &d, NULL, WS_FADING_NONE, 1, "rr");
    vnet_run(&n, 0, SLOTS);
    char *model = g_strdup_printf("one UE at %g m, cost231-hata 1.8 GHz, 46 dBm, 10 MHz", d);
    double margin = snr - hand_threshold_db(cqi_qm[cqi], cqi_r[cqi]);
    if (cqi < 15) margin = fmin(margin, hand_threshold_db(cqi_qm[cqi + 1], cqi_r[cqi + 1]) - snr);
    char *note = g_strdup_printf("CQI %u -> MCS %u, TBS %" G_GUINT64_FORMAT
                                 " bit (50 PRB), BLER %.2g; SNR %.2f dB from the nearest CQI "
                                 "threshold; %d slots",
                                 cqi, mcs, (guint64)tbs, bler, margin, SLOTS);
    ws_validation_add_relative(out, model, "SINR (= SNR)", "dB", snr,
                               "46 dBm - 10log10(50) - PL - kTB - NF",
                               ws_cellnet_ue_mean_sinr_db(n.cn, 0), NAN, 1, 0.01 / fabs(snr), NULL);
    ws_validation_add_relative(out, model, "mean reported CQI", "", cqi,
                               "TS 38.214 Table 5.2.2.1-2, 10% BLER points",
                               ws_cellnet_ue_mean_cqi(n.cn, 0), NAN, 1, 0, NULL);
    ws_validation_add_relative(out, model, "DL throughput", "Mbit/s", thr_ref / 1e6,
                               "TBS(MCS(CQI), 50 PRB) x (1 - BLER) / 1 ms",
                               ws_cellnet_ue_dl_throughput_bps(n.cn, 0) / 1e6, NAN, 1, 0.001, note);
    g_free(model);
    g_free(note);
    vnet_free(&n);
  }
}

/* ---- cell-rr-equal-shares ----------------------------------------------------- */

/* Round robin deals the free RBs to the backlogged UEs in cyclic order and
 * moves its start past the last UE served, so over n consecutive slots
 * every UE gets the same RBs, and after S slots each UE's count is within
 * one slot's deal (ceil(F/n) <= F RBs) of S F / n: a relative deviation
 * of at most n / S = 6 / 3000 = 0.2%, whatever the UEs' channels. The
 * tolerance is 0.5% (HARQ retransmissions, which take their RBs before
 * the deal, are absent at these SNRs: first_tx_errors is printed). */
void ws_vexp_cell_rr_equal_shares(GPtrArray *out) {
  enum { N = 6, SLOTS = 3000 };
  double ux[N], uy[N];
  for (int i = 0; i < N; i++) {
    double d = 600 + 200 * i; /* 600 m .. 1600 m: SNR 13 .. -1 dB */
    ux[i] = d * cos(2 * M_PI * i / N);
    uy[i] = d * sin(2 * M_PI * i / N);
  }
  vnet n;
  vnet_init(&n, N, ux, uy, WS_FADING_NONE, 1, "rr");
  vnet_run(&n, 0, SLOTS);
  uint64_t total = 0, errors = 0;
  for (int i = 0; i < N; i++) {
    total += ws_cellnet_ue_get_stats(n.cn, i)->rbs;
    errors += ws_cellnet_ue_get_stats(n.cn, i)->first_tx_errors;
  }
  for (int i = 0; i < N; i++) {
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, i);
    char *model = g_strdup_printf("RR, %d full-buffer UEs, UE %d at %d m", N, i, 600 + 200 * i);
    char *note = g_strdup_printf("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                 " RBs in %d slots; throughput %.2f Mbit/s; block errors "
                                 "(all UEs) %" G_GUINT64_FORMAT,
                                 (guint64)s->rbs, (guint64)total, SLOTS,
                                 ws_cellnet_ue_dl_throughput_bps(n.cn, i) / 1e6, (guint64)errors);
    ws_validation_add_relative(out, model, "share of the RBs", "", 1.0 / N,
                               "round robin: 1/N (ns-3 LENA RrFfMacScheduler)",
                               total ? (double)s->rbs / (double)total : NAN, NAN, 1, 0.005, note);
    g_free(model);
    g_free(note);
  }
  ws_validation_add_relative(out, "RR, 6 full-buffer UEs", "RB utilisation", "", 1.0,
                             "full buffer: every RB used", ws_cellnet_cell_rb_utilisation(n.cn, 0),
                             NAN, 1, 0, NULL);
  vnet_free(&n);
}

/* ---- cell-pf-vs-rr ------------------------------------------------------------- */

static double jain(const double *x, unsigned n) {
  double s = 0, s2 = 0;
  for (unsigned i = 0; i < n; i++) {
    s += x[i];
    s2 += x[i] * x[i];
  }
  return s2 > 0 ? s * s / (n * s2) : NAN;
}

/* 10 full-buffer UEs at 700..1600 m in one cell, Rayleigh fading (3 km/h,
 * per subband), PF (100 ms window) and RR on the same drop and seed
 * (common random numbers), 5 seeds, 200 ms warmup then 2 s. Multi-user
 * diversity: PF serves each UE near its own fading peaks, so its cell
 * throughput must exceed RR's (an AT_LEAST bound on the paired ratio,
 * whose CI is printed); PF keeps time shares roughly equal, so the Jain
 * index of the UEs' throughputs must not fall more than 10% below RR's
 * (issue 4's "within 10%", read one-sided: the claim is that PF does not
 * buy its throughput with fairness; PF being fairer is no defect. With
 * fading PF is in fact fairer here, because round robin's interleaved
 * allocation is sized on the worst subband's CQI of the whole band, which
 * costs the far UEs most: docs/validation.md). */
void ws_vexp_cell_pf_vs_rr(GPtrArray *out) {
  enum { N = 10, RUNS = 5, WARMUP = 200, SLOTS = 2000 };
  double ux[N], uy[N];
  for (int i = 0; i < N; i++) {
    double d = 700 + 100 * i;
    ux[i] = d * cos(2 * M_PI * i / N);
    uy[i] = d * sin(2 * M_PI * i / N);
  }
  ws_stat thr[2] = {{0}}, fair[2] = {{0}}, ratio = {0}, rr_sent = {0};
  static const char *const scheds[2] = {"rr", "pf"};
  for (uint64_t seed = 1; seed <= RUNS; seed++) {
    double cell[2];
    for (int s = 0; s < 2; s++) {
      vnet n;
      vnet_init(&n, N, ux, uy, WS_FADING_RAYLEIGH, seed, scheds[s]);
      vnet_run(&n, WARMUP, SLOTS);
      double t[N];
      uint64_t blocks = 0;
      for (int i = 0; i < N; i++) {
        t[i] = ws_cellnet_ue_dl_throughput_bps(n.cn, i);
        const ws_cellnet_ue_stats *st = ws_cellnet_ue_get_stats(n.cn, i);
        blocks += st->first_tx + st->retx;
      }
      /* RR gives every UE RBs in every slot (50 RBs, 10 UEs): the share of
       * those grants that carried a block (diagnostic, see above). */
      if (s == 0) ws_stat_add(&rr_sent, (double)blocks / ((double)N * SLOTS));
      cell[s] = ws_cellnet_cell_throughput_bps(n.cn, 0) / 1e6;
      ws_stat_add(&thr[s], cell[s]);
      ws_stat_add(&fair[s], jain(t, N));
      vnet_free(&n);
    }
    ws_stat_add(&ratio, cell[1] / cell[0]);
  }
  const char *model = "10 UEs, one cell, Rayleigh 3 km/h, full buffer";
  char *note = g_strdup_printf("RR %.2f +- %.2f Mbit/s, PF %.2f +- %.2f; seeds 1-%d, %d ms after "
                               "%d ms warmup",
                               thr[0].mean, ws_stat_ci95(&thr[0]), thr[1].mean,
                               ws_stat_ci95(&thr[1]), RUNS, SLOTS, WARMUP);
  ws_validation_add_bound(out, model, "PF cell throughput", "Mbit/s", thr[0].mean,
                          "RR's (multi-user diversity)", thr[1].mean, ws_stat_ci95(&thr[1]), RUNS,
                          WS_VCHECK_AT_LEAST, thr[0].mean, note);
  ws_validation_add_bound(out, model, "PF / RR cell throughput (paired)", "", 1.0,
                          "PF > RR with fading (Viswanath et al. 2002)", ratio.mean,
                          ws_stat_ci95(&ratio), RUNS, WS_VCHECK_AT_LEAST, 1.0, note);
  char *jnote = g_strdup_printf("RR's Jain index %.3f +- %.3f; PF/RR %.3f; RR's grants that "
                                "carried a block: %.0f%%",
                                fair[0].mean, ws_stat_ci95(&fair[0]), fair[1].mean / fair[0].mean,
                                100 * rr_sent.mean);
  ws_validation_add_bound(out, model, "Jain index of UE throughputs, PF", "", fair[0].mean,
                          "RR's index (issue 4: within 10%)", fair[1].mean, ws_stat_ci95(&fair[1]),
                          RUNS, WS_VCHECK_AT_LEAST, 0.9 * fair[0].mean, jnote);
  g_free(note);
  g_free(jnote);
}

/* ---- cell-sectors --------------------------------------------------------------- */

/* 7 sites (1 ring), ISD 500 m, wrap-around, TR 38.901 UMa at 2 GHz (25 m
 * masts), 46 dBm per cell, 10 MHz, PF, full buffer, no fading. The same 10
 * UEs per site (dropped uniformly in each site's hexagon, >= 35 m from the
 * mast) are served once by 7 omni cells and once by 21 sectors (TR 38.901
 * Table 7.3-1 pattern, 65 deg, 30 dB, same 0 dBi peak gain as the omni so
 * that only the spatial reuse differs). Site spectral efficiency = the
 * cells' decoded bits / (time x 10 MHz x 7 sites). Three sectors reuse
 * the band three times per site at a lower SINR, so the site figure must
 * rise (AT_LEAST the one-sector figure; 3GPP studies find about 2-2.5x).
 * Shadowing is off: the medium draws it (and the LOS state) per cell link,
 * so co-sited sectors would see independent shadowing, an artificial
 * selection gain; the LOS states still differ per sector (noted). */
static double sectors_run(uint32_t sectors, uint64_t seed, double *cell_se) {
  enum { PER_SITE = 10, WARMUP = 100, SLOTS = 1000 };
  ws_layout_config lc = {.rings = 1, .isd_m = 500, .sectors = sectors, .wrap_around = true};
  ws_layout *layout = ws_layout_new(&lc);
  ws_layout_config lc1 = lc;
  lc1.sectors = 1;
  ws_layout *drop = ws_layout_new(&lc1); /* the site hexagons, for the drops */
  ws_sim *sim = ws_sim_new();
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  ws_pathloss_params_default(&cfg.pathloss, WS_PATHLOSS_3GPP_UMA);
  cfg.shadowing_sigma_db = 0;
  cfg.seed = seed;
  cfg.layout = layout;
  cfg.wrap_around = true;
  ws_medium *m = ws_medium_new(&cfg, NULL);
  for (uint32_t i = 0; i < ws_layout_n_cells(layout); i++) {
    const ws_layout_cell *lcell = ws_layout_get_cell(layout, i);
    char *name = ws_layout_cell_name("hex", lcell);
    ws_medium_cell c = {.name = name, .x_m = lcell->x_m, .y_m = lcell->y_m, .height_m = 25,
                        .tx_power_dbm = 46, .noise_figure_db = 5, .frequency_hz = 2e9};
    ws_antenna_init(&c.antenna, sectors == 3 ? WS_ANTENNA_SECTOR : WS_ANTENNA_OMNI);
    c.antenna.gain_dbi = 0;
    c.antenna.azimuth_deg = lcell->azimuth_deg;
    ws_phy_carrier_init(&c.carrier, 0, 10e6, NULL);
    ws_medium_add_cell(m, &c);
    g_free(name);
  }
  for (uint32_t s = 0; s < ws_layout_n_sites(drop); s++)
    for (uint32_t k = 0; k < PER_SITE; k++) {
      char name[32];
      g_snprintf(name, sizeof name, "s%u-%u", s, k);
      ws_rng rng;
      ws_rng_init(&rng, seed, 0, name, "drop");
      ws_medium_ue u = {.name = name, .height_m = 1.5, .tx_power_dbm = 23, .noise_figure_db = 9};
      ws_layout_drop_hexagon(drop, s, 35, &rng, &u.x_m, &u.y_m);
      ws_medium_add_ue(m, &u);
    }
  ws_medium_build(m, 0);
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_cellnet_config cc = {.scheduler = "pf", .seed = seed, .pool = pool};
  ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL);
  ws_cellnet *cn = ws_cellnet_new(sim, m, &cc);
  for (uint32_t u = 0; u < ws_medium_n_ues(m); u++) ws_cellnet_set_full_buffer(cn, u, true);
  ws_cellnet_start(cn, 0);
  ws_sim_run_until(sim, (WARMUP - 1) * WS_MS);
  ws_cellnet_reset_stats(cn);
  ws_sim_run_until(sim, (WARMUP + SLOTS - 1) * WS_MS);
  double bits_per_s = 0, se_sum = 0;
  uint32_t n_cells = ws_layout_n_cells(layout);
  for (uint32_t c = 0; c < n_cells; c++) {
    bits_per_s += ws_cellnet_cell_throughput_bps(cn, c);
    double se = ws_cellnet_cell_spectral_efficiency(cn, c);
    if (isfinite(se)) se_sum += se;
  }
  *cell_se = se_sum / n_cells;
  double site_se = bits_per_s / (10e6 * ws_layout_n_sites(layout));
  ws_cellnet_free(cn);
  ws_packet_pool_free(pool);
  ws_medium_free(m);
  ws_sim_free(sim);
  ws_layout_free(drop);
  ws_layout_free(layout);
  return site_se;
}

/* 6 seeds, each drop run with 1 and with 3 sectors (paired). */
void ws_vexp_cell_sectors(GPtrArray *out) {
  enum { RUNS = 6 };
  ws_stat site[2] = {{0}}, cell[2] = {{0}}, ratio = {0};
  for (uint64_t seed = 1; seed <= RUNS; seed++) {
    double s1, s3, c1, c3;
    s1 = sectors_run(1, seed, &c1);
    s3 = sectors_run(3, seed, &c3);
    ws_stat_add(&site[0], s1);
    ws_stat_add(&site[1], s3);
    ws_stat_add(&cell[0], c1);
    ws_stat_add(&cell[1], c3);
    ws_stat_add(&ratio, s3 / s1);
  }
  const char *model = "7 sites wrap-around, ISD 500 m, UMa 2 GHz, 10 UEs/site, full buffer";
  char *note = g_strdup_printf("1 sector: %.3f +- %.3f bit/s/Hz/site (%.3f per cell); 3 "
                               "sectors: %.3f +- %.3f (%.3f per cell); seeds 1-%d",
                               site[0].mean, ws_stat_ci95(&site[0]), cell[0].mean, site[1].mean,
                               ws_stat_ci95(&site[1]), cell[1].mean, RUNS);
  ws_validation_add_bound(out, model, "site spectral efficiency, 3 sectors", "bit/s/Hz",
                          site[0].mean, "1 sector per site (3GPP: ~2-2.5x)", site[1].mean,
                          ws_stat_ci95(&site[1]), RUNS, WS_VCHECK_AT_LEAST, site[0].mean, note);
  ws_validation_add_bound(out, model, "3-sector / 1-sector site SE (paired)", "", 1.0,
                          "sectorisation gain > 1", ratio.mean, ws_stat_ci95(&ratio), RUNS,
                          WS_VCHECK_AT_LEAST, 1.0, note);
  g_free(note);
}
