/* wisim path loss models (include/wisim/pathloss.h). Each formula cites its
 * source next to it; docs/radio.md gathers them with their validity ranges.
 * Everything here is a pure function of its arguments: cheap enough for the
 * per-(UE, cell) precomputation at every mobility update. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/pathloss.h"

/* Speed of light for Friis and two-ray (exact SI value). */
#define SPEED_OF_LIGHT_M_S 299792458.0
/* TR 38.901 Table 7.4.1-1 Notes 1 and 5 fix c = 3.0e8 m/s for d_BP. */
#define C_38901_M_S 3.0e8
/* Slack on range limits so that a value written exactly at a limit
 * ("150MHz", "1km") is inside despite unit conversions. */
#define RANGE_EPS 1e-9

static const char *const model_names[WS_PATHLOSS_N_MODELS] = {
    [WS_PATHLOSS_FREE_SPACE] = "free-space",     [WS_PATHLOSS_LOG_DISTANCE] = "log-distance",
    [WS_PATHLOSS_TWO_RAY] = "two-ray",           [WS_PATHLOSS_OKUMURA_HATA] = "okumura-hata",
    [WS_PATHLOSS_COST231_HATA] = "cost231-hata", [WS_PATHLOSS_3GPP_UMA] = "3gpp-uma",
    [WS_PATHLOSS_3GPP_UMI] = "3gpp-umi",         [WS_PATHLOSS_3GPP_RMA] = "3gpp-rma",
};

void ws_pathloss_params_default(ws_pathloss_params *p, ws_pathloss_model model) {
  g_return_if_fail(p != NULL);
  memset(p, 0, sizeof *p);
  p->model = model;
  p->exponent = 3.0;             /* SCENARIO-FORMAT.md [radio] exponent */
  p->reference_distance_m = 1.0; /* reference_distance */
  p->environment = WS_PATHLOSS_URBAN;
  p->large_city = false;
  p->building_height_m = 5.0; /* TR 38.901 Table 7.4.1-1 RMa: h = 5 m, W = 20 m */
  p->street_width_m = 20.0;
  p->h_e_m = 1.0; /* Table 7.4.1-1 Note 1 (UMi; UMa for h_UT < 13 m) */
}

int ws_pathloss_model_from_name(const char *name) {
  g_return_val_if_fail(name != NULL, -1);
  for (int m = 0; m < WS_PATHLOSS_N_MODELS; m++)
    if (strcmp(name, model_names[m]) == 0) return m;
  return -1;
}

const char *ws_pathloss_model_name(ws_pathloss_model model) {
  g_return_val_if_fail((unsigned)model < WS_PATHLOSS_N_MODELS, "?");
  return model_names[model];
}

bool ws_pathloss_has_los_state(ws_pathloss_model model) {
  return model == WS_PATHLOSS_3GPP_UMA || model == WS_PATHLOSS_3GPP_UMI ||
         model == WS_PATHLOSS_3GPP_RMA;
}

/* ---- free space, log-distance, two-ray --------------------------------- */

double ws_pathloss_free_space_db(double d_m, double freq_hz) {
  /* Friis, "A Note on a Simple Transmission Formula", Proc. IRE 34, 1946:
   * Pr/Pt = Gt Gr (lambda / (4 pi d))^2, so L = 20 log10(4 pi d f / c). */
  return 20.0 * log10(4.0 * G_PI * d_m * freq_hz / SPEED_OF_LIGHT_M_S);
}

double ws_pathloss_log_distance_db(double d_m, double freq_hz, double exponent,
                                   double reference_distance_m) {
  /* Rappaport, "Wireless Communications", 2nd ed., eq. (4.69):
   * PL(d) = PL(d0) + 10 n log10(d / d0), PL(d0) by Friis (eq. 4.5). Below d0
   * the loss stays PL(d0), as ns-3's LogDistancePropagationLossModel. */
  double d = d_m > reference_distance_m ? d_m : reference_distance_m;
  return ws_pathloss_free_space_db(reference_distance_m, freq_hz) +
         10.0 * exponent * log10(d / reference_distance_m);
}

double ws_pathloss_two_ray_crossover_m(double freq_hz, double ht_m, double hr_m) {
  /* Crossover where the two-ray asymptote meets Friis: d_c = 4 pi ht hr /
   * lambda (Rappaport eq. 4.52 regime; ns-3 TwoRayGroundPropagationLossModel
   * "dCross"). At d_c both forms give 40 log10 d_c - 20 log10(ht hr). */
  double lambda_m = SPEED_OF_LIGHT_M_S / freq_hz;
  return 4.0 * G_PI * ht_m * hr_m / lambda_m;
}

double ws_pathloss_two_ray_db(double d_m, double freq_hz, double ht_m, double hr_m) {
  if (d_m <= ws_pathloss_two_ray_crossover_m(freq_hz, ht_m, hr_m))
    return ws_pathloss_free_space_db(d_m, freq_hz);
  /* Rappaport eq. (4.52): Pr = Pt Gt Gr ht^2 hr^2 / d^4 (system loss 1). */
  return 40.0 * log10(d_m) - 20.0 * log10(ht_m * hr_m);
}

/* ---- Okumura-Hata and COST-231 Hata ------------------------------------ */

double ws_pathloss_hata_ahm_db(double freq_hz, double hm_m, bool large_city) {
  double f_mhz = freq_hz / 1e6;
  /* M. Hata, "Empirical Formula for Propagation Loss in Land Mobile Radio
   * Services", IEEE Trans. Veh. Tech. VT-29(3), 1980, eqs. (4a)-(4b). */
  if (!large_city) return (1.1 * log10(f_mhz) - 0.7) * hm_m - (1.56 * log10(f_mhz) - 0.8);
  /* Large city: the f <= 200 MHz form below 200 MHz, the f >= 400 MHz form
   * above (Hata leaves 200-400 MHz open; ns-3 OkumuraHata splits at 200). */
  if (f_mhz <= 200.0) {
    double l = log10(1.54 * hm_m);
    return 8.29 * l * l - 1.1;
  }
  double l = log10(11.75 * hm_m);
  return 3.2 * l * l - 4.97;
}

/* Hata 1980 eq. (3)'s terms shared with COST-231: -13.82 log hb - a(hm) +
 * (44.9 - 6.55 log hb) log d, d in km. */
static double hata_common_db(double d_m, double hb_m, double ahm_db) {
  double log_hb = log10(hb_m);
  return -13.82 * log_hb - ahm_db + (44.9 - 6.55 * log_hb) * log10(d_m / 1000.0);
}

double ws_pathloss_hata_db(double d_m, double freq_hz, double hb_m, double hm_m,
                           ws_pathloss_env env, bool large_city) {
  double f_mhz = freq_hz / 1e6, log_f = log10(f_mhz);
  /* The large-city correction is urban only: Hata's suburban and open
   * formulas start from the small/medium-city urban loss. */
  bool large = large_city && env == WS_PATHLOSS_URBAN;
  /* Hata 1980 eq. (3): L_urban = 69.55 + 26.16 log f - 13.82 log hb - a(hm)
   * + (44.9 - 6.55 log hb) log d   (f in MHz, d in km). */
  double urban = 69.55 + 26.16 * log_f + hata_common_db(d_m, hb_m,
                                                        ws_pathloss_hata_ahm_db(freq_hz, hm_m, large));
  switch (env) {
  case WS_PATHLOSS_SUBURBAN: {
    /* Hata eq. (5): L_su = L_urban - 2 [log(f / 28)]^2 - 5.4. */
    double l = log10(f_mhz / 28.0);
    return urban - 2.0 * l * l - 5.4;
  }
  case WS_PATHLOSS_OPEN:
    /* Hata eq. (6): L_o = L_urban - 4.78 (log f)^2 + 18.33 log f - 40.94. */
    return urban - 4.78 * log_f * log_f + 18.33 * log_f - 40.94;
  case WS_PATHLOSS_URBAN:
  default:
    return urban;
  }
}

double ws_pathloss_cost231_db(double d_m, double freq_hz, double hb_m, double hm_m,
                              bool large_city) {
  double f_mhz = freq_hz / 1e6;
  /* COST 231 Final Report ("Digital mobile radio towards future generation
   * systems", 1999), section 4.4.1, eq. (4.4.3): L = 46.3 + 33.9 log f -
   * 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d + Cm, with a(hm) of
   * eq. (4.4.2) (Hata's small/medium city) and Cm = 0 dB for medium-sized
   * cities and suburban centres, 3 dB for metropolitan centres. */
  double cm_db = large_city ? 3.0 : 0.0;
  return 46.3 + 33.9 * log10(f_mhz) +
         hata_common_db(d_m, hb_m, ws_pathloss_hata_ahm_db(freq_hz, hm_m, false)) + cm_db;
}

/* ---- 3GPP TR 38.901 Table 7.4.1-1 -------------------------------------- */

double ws_pathloss_breakpoint_m(const ws_pathloss_params *p, double freq_hz, double h_bs_m,
                                double h_ut_m) {
  g_return_val_if_fail(p != NULL, 0.0);
  switch (p->model) {
  case WS_PATHLOSS_3GPP_UMA:
  case WS_PATHLOSS_3GPP_UMI: {
    /* Note 1: d'_BP = 4 h'_BS h'_UT fc / c, h' = h - h_E, fc in Hz. An
     * effective height <= 0 (UT at or below h_E) gives d'_BP = 0: PL2. */
    double hb = h_bs_m - p->h_e_m, hu = h_ut_m - p->h_e_m;
    if (hb <= 0.0 || hu <= 0.0) return 0.0;
    return 4.0 * hb * hu * freq_hz / C_38901_M_S;
  }
  case WS_PATHLOSS_3GPP_RMA:
    /* Note 5: d_BP = 2 pi h_BS h_UT fc / c with the actual heights. */
    return 2.0 * G_PI * h_bs_m * h_ut_m * freq_hz / C_38901_M_S;
  default:
    return 0.0;
  }
}

/* UMa and UMi LOS share a shape: PL1 = a + b1 log10(d3D) + 20 log10(fc)
 * up to d'_BP, PL2 = a + 40 log10(d3D) + 20 log10(fc) - k log10(d'_BP^2 +
 * (h_BS - h_UT)^2) beyond (fc in GHz, Note 2). */
static double los_two_slope_db(const ws_pathloss_params *p, const ws_pathloss_link *l, double a,
                               double b1, double k) {
  double dbp = ws_pathloss_breakpoint_m(p, l->freq_hz, l->h_bs_m, l->h_ut_m);
  double fc_term = 20.0 * log10(l->freq_hz / 1e9);
  if (l->d2d_m <= dbp) return a + b1 * log10(l->d3d_m) + fc_term;
  double dh = l->h_bs_m - l->h_ut_m;
  return a + 40.0 * log10(l->d3d_m) + fc_term - k * log10(dbp * dbp + dh * dh);
}

double ws_pathloss_uma_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  /* Table 7.4.1-1 UMa LOS: PL1 = 28.0 + 22 log10(d3D) + 20 log10(fc);
   * PL2 = 28.0 + 40 log10(d3D) + 20 log10(fc) - 9 log10(d'BP^2 + (hBS-hUT)^2). */
  return los_two_slope_db(p, link, 28.0, 22.0, 9.0);
}

double ws_pathloss_uma_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  /* Table 7.4.1-1 UMa NLOS: max(PL_UMa-LOS, PL'_UMa-NLOS), PL' = 13.54 +
   * 39.08 log10(d3D) + 20 log10(fc) - 0.6 (hUT - 1.5). */
  double nlos = 13.54 + 39.08 * log10(link->d3d_m) + 20.0 * log10(link->freq_hz / 1e9) -
                0.6 * (link->h_ut_m - 1.5);
  return fmax(ws_pathloss_uma_los_db(p, link), nlos);
}

double ws_pathloss_umi_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  /* Table 7.4.1-1 UMi-Street Canyon LOS: PL1 = 32.4 + 21 log10(d3D) + 20
   * log10(fc); PL2 = 32.4 + 40 log10(d3D) + 20 log10(fc) - 9.5 log10(d'BP^2
   * + (hBS - hUT)^2). */
  return los_two_slope_db(p, link, 32.4, 21.0, 9.5);
}

double ws_pathloss_umi_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  /* Table 7.4.1-1 UMi-Street Canyon NLOS: max(PL_UMi-LOS, PL'), PL' = 35.3
   * log10(d3D) + 22.4 + 21.3 log10(fc) - 0.3 (hUT - 1.5). */
  double nlos = 35.3 * log10(link->d3d_m) + 22.4 + 21.3 * log10(link->freq_hz / 1e9) -
                0.3 * (link->h_ut_m - 1.5);
  return fmax(ws_pathloss_umi_los_db(p, link), nlos);
}

/* Table 7.4.1-1 RMa PL1 at 3D distance d: 20 log10(40 pi d fc / 3) +
 * min(0.03 h^1.72, 10) log10(d) - min(0.044 h^1.72, 14.77) + 0.002 log10(h) d. */
static double rma_pl1_db(double d_m, double fc_ghz, double h_m) {
  double h172 = pow(h_m, 1.72);
  return 20.0 * log10(40.0 * G_PI * d_m * fc_ghz / 3.0) + fmin(0.03 * h172, 10.0) * log10(d_m) -
         fmin(0.044 * h172, 14.77) + 0.002 * log10(h_m) * d_m;
}

double ws_pathloss_rma_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  double fc_ghz = link->freq_hz / 1e9, h = p->building_height_m;
  double dbp = ws_pathloss_breakpoint_m(p, link->freq_hz, link->h_bs_m, link->h_ut_m);
  if (link->d2d_m <= dbp) return rma_pl1_db(link->d3d_m, fc_ghz, h);
  /* PL2 = PL1(d_BP) + 40 log10(d3D / d_BP), PL1 taken at distance d_BP (as
   * ns-3's ThreeGppRmaPropagationLossModel). */
  return rma_pl1_db(dbp, fc_ghz, h) + 40.0 * log10(link->d3d_m / dbp);
}

double ws_pathloss_rma_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link) {
  double w = p->street_width_m, h = p->building_height_m, hbs = link->h_bs_m;
  double hh = h / hbs, log_hbs = log10(hbs), lu = log10(11.75 * link->h_ut_m);
  /* Table 7.4.1-1 RMa NLOS: max(PL_RMa-LOS, PL'), PL' = 161.04 - 7.1 log10(W)
   * + 7.5 log10(h) - (24.37 - 3.7 (h/hBS)^2) log10(hBS) + (43.42 - 3.1
   * log10(hBS)) (log10(d3D) - 3) + 20 log10(fc) - (3.2 (log10(11.75 hUT))^2
   * - 4.97). */
  double nlos = 161.04 - 7.1 * log10(w) + 7.5 * log10(h) - (24.37 - 3.7 * hh * hh) * log_hbs +
                (43.42 - 3.1 * log_hbs) * (log10(link->d3d_m) - 3.0) +
                20.0 * log10(link->freq_hz / 1e9) - (3.2 * lu * lu - 4.97);
  return fmax(ws_pathloss_rma_los_db(p, link), nlos);
}

/* ---- dispatch ----------------------------------------------------------- */

double ws_pathloss_db(const ws_pathloss_params *p, const ws_pathloss_link *l) {
  g_return_val_if_fail(p != NULL && l != NULL, 0.0);
  g_return_val_if_fail(l->d3d_m > 0.0 && l->freq_hz > 0.0, 0.0);
  double loss_db;
  switch (p->model) {
  case WS_PATHLOSS_FREE_SPACE:
    loss_db = ws_pathloss_free_space_db(l->d3d_m, l->freq_hz);
    break;
  case WS_PATHLOSS_LOG_DISTANCE:
    loss_db = ws_pathloss_log_distance_db(l->d3d_m, l->freq_hz, p->exponent,
                                          p->reference_distance_m);
    break;
  case WS_PATHLOSS_TWO_RAY:
    loss_db = ws_pathloss_two_ray_db(l->d3d_m, l->freq_hz, l->h_bs_m, l->h_ut_m);
    break;
  case WS_PATHLOSS_OKUMURA_HATA:
    /* d3D (as ns-3): finite under the mast, ~ d2D over Hata's 1-20 km. */
    loss_db = ws_pathloss_hata_db(l->d3d_m, l->freq_hz, l->h_bs_m, l->h_ut_m, p->environment,
                                  p->large_city);
    break;
  case WS_PATHLOSS_COST231_HATA:
    loss_db = ws_pathloss_cost231_db(l->d3d_m, l->freq_hz, l->h_bs_m, l->h_ut_m, p->large_city);
    break;
  case WS_PATHLOSS_3GPP_UMA:
    loss_db = l->los ? ws_pathloss_uma_los_db(p, l) : ws_pathloss_uma_nlos_db(p, l);
    break;
  case WS_PATHLOSS_3GPP_UMI:
    loss_db = l->los ? ws_pathloss_umi_los_db(p, l) : ws_pathloss_umi_nlos_db(p, l);
    break;
  case WS_PATHLOSS_3GPP_RMA:
    loss_db = l->los ? ws_pathloss_rma_los_db(p, l) : ws_pathloss_rma_nlos_db(p, l);
    break;
  default:
    g_return_val_if_reached(0.0);
  }
  /* A loss below 0 dB (a gain) is the near-field breakdown of a far-field
   * formula; ws_pathloss_check reports the range. */
  return loss_db > 0.0 ? loss_db : 0.0;
}

/* ---- validity ranges ---------------------------------------------------- */

static bool outside(double x, double lo, double hi) {
  return x < lo * (1.0 - RANGE_EPS) || x > hi * (1.0 + RANGE_EPS);
}

const char *ws_pathloss_check_setup(const ws_pathloss_params *p, double freq_hz, double h_bs_m,
                                    double h_ut_m) {
  g_return_val_if_fail(p != NULL, NULL);
  if (!(freq_hz > 0.0)) return "the carrier frequency must be positive";
  if (!(h_bs_m > 0.0) || !(h_ut_m > 0.0)) return "antenna heights must be positive";
  switch (p->model) {
  case WS_PATHLOSS_LOG_DISTANCE:
    if (!(p->reference_distance_m > 0.0)) return "log-distance: reference_distance must be positive";
    /* Rappaport 2nd ed. Table 4.2: measured exponents span 1.6 (in-building
     * LOS) to 6 (obstructed in building). */
    if (outside(p->exponent, 1.6, 6.0))
      return "log-distance: exponent outside 1.6-6, the measured span of Rappaport Table 4.2";
    return NULL;
  case WS_PATHLOSS_OKUMURA_HATA:
    if (outside(freq_hz, 150e6, 1500e6))
      return "okumura-hata: frequency outside 150-1500 MHz (Hata 1980)";
    if (outside(h_bs_m, 30.0, 200.0))
      return "okumura-hata: base station height outside 30-200 m (Hata 1980)";
    if (outside(h_ut_m, 1.0, 10.0)) return "okumura-hata: mobile height outside 1-10 m (Hata 1980)";
    if (p->large_city && p->environment != WS_PATHLOSS_URBAN)
      return "okumura-hata: large_city applies to the urban environment only; ignored";
    if (p->large_city && freq_hz > 200e6 && freq_hz < 400e6)
      return "okumura-hata: large-city a(hm) is defined for f <= 200 MHz and f >= 400 MHz "
             "(Hata 1980 eq. 4b); the f >= 400 MHz form is used";
    return NULL;
  case WS_PATHLOSS_COST231_HATA:
    if (outside(freq_hz, 1500e6, 2000e6))
      return "cost231-hata: frequency outside 1500-2000 MHz (COST 231 Final Report 4.4.1)";
    if (outside(h_bs_m, 30.0, 200.0))
      return "cost231-hata: base station height outside 30-200 m (COST 231 Final Report 4.4.1)";
    if (outside(h_ut_m, 1.0, 10.0))
      return "cost231-hata: mobile height outside 1-10 m (COST 231 Final Report 4.4.1)";
    if (p->environment == WS_PATHLOSS_OPEN)
      return "cost231-hata: no open-area correction in COST 231 Hata; computed as a medium city";
    if (p->large_city && p->environment != WS_PATHLOSS_URBAN)
      return "cost231-hata: large_city (Cm = 3 dB) applies to the urban environment only";
    return NULL;
  case WS_PATHLOSS_3GPP_UMA:
    if (outside(freq_hz, 0.5e9, 100e9)) return "3gpp-uma: frequency outside 0.5-100 GHz (TR 38.901)";
    if (fabs(h_bs_m - 25.0) > 1e-6) return "3gpp-uma: TR 38.901 Table 7.4.1-1 assumes h_BS = 25 m";
    if (outside(h_ut_m, 1.5, 22.5))
      return "3gpp-uma: UT height outside 1.5-22.5 m (TR 38.901 Table 7.4.1-1)";
    return NULL;
  case WS_PATHLOSS_3GPP_UMI:
    if (outside(freq_hz, 0.5e9, 100e9)) return "3gpp-umi: frequency outside 0.5-100 GHz (TR 38.901)";
    if (fabs(h_bs_m - 10.0) > 1e-6) return "3gpp-umi: TR 38.901 Table 7.4.1-1 assumes h_BS = 10 m";
    if (outside(h_ut_m, 1.5, 22.5))
      return "3gpp-umi: UT height outside 1.5-22.5 m (TR 38.901 Table 7.4.1-1)";
    return NULL;
  case WS_PATHLOSS_3GPP_RMA:
    if (outside(freq_hz, 0.5e9, 30e9)) return "3gpp-rma: frequency outside 0.5-30 GHz (TR 38.901)";
    if (outside(h_bs_m, 10.0, 150.0))
      return "3gpp-rma: BS height outside 10-150 m (TR 38.901 Table 7.4.1-1)";
    if (outside(h_ut_m, 1.0, 10.0))
      return "3gpp-rma: UT height outside 1-10 m (TR 38.901 Table 7.4.1-1)";
    if (outside(p->building_height_m, 5.0, 50.0))
      return "3gpp-rma: building height h outside 5-50 m (TR 38.901 Table 7.4.1-1)";
    if (outside(p->street_width_m, 5.0, 50.0))
      return "3gpp-rma: street width W outside 5-50 m (TR 38.901 Table 7.4.1-1)";
    return NULL;
  case WS_PATHLOSS_FREE_SPACE:
  case WS_PATHLOSS_TWO_RAY:
  default:
    return NULL;
  }
}

const char *ws_pathloss_check(const ws_pathloss_params *p, const ws_pathloss_link *l) {
  g_return_val_if_fail(p != NULL && l != NULL, NULL);
  const char *msg = ws_pathloss_check_setup(p, l->freq_hz, l->h_bs_m, l->h_ut_m);
  if (msg != NULL) return msg;
  if (!(l->d3d_m > 0.0)) return "distance must be positive";
  double lambda_m = SPEED_OF_LIGHT_M_S / l->freq_hz;
  switch (p->model) {
  case WS_PATHLOSS_FREE_SPACE:
  case WS_PATHLOSS_TWO_RAY:
    /* Far field: ns-3's Friis model warns below 3 wavelengths. */
    if (l->d3d_m < 3.0 * lambda_m) return "distance inside the near field (< 3 wavelengths)";
    return NULL;
  case WS_PATHLOSS_LOG_DISTANCE:
    if (l->d3d_m < p->reference_distance_m)
      return "log-distance: distance below reference_distance (PL(d0) is used)";
    return NULL;
  case WS_PATHLOSS_OKUMURA_HATA:
    if (outside(l->d3d_m, 1000.0, 20000.0))
      return "okumura-hata: distance outside 1-20 km (Hata 1980)";
    return NULL;
  case WS_PATHLOSS_COST231_HATA:
    if (outside(l->d3d_m, 1000.0, 20000.0))
      return "cost231-hata: distance outside 1-20 km (COST 231 Final Report 4.4.1)";
    return NULL;
  case WS_PATHLOSS_3GPP_UMA:
  case WS_PATHLOSS_3GPP_UMI:
    if (outside(l->d2d_m, 10.0, 5000.0))
      return "3gpp: 2D distance outside 10 m-5 km (TR 38.901 Table 7.4.1-1)";
    return NULL;
  case WS_PATHLOSS_3GPP_RMA:
    if (l->los ? outside(l->d2d_m, 10.0, 10000.0) : outside(l->d2d_m, 10.0, 5000.0))
      return l->los ? "3gpp-rma: LOS 2D distance outside 10 m-10 km (TR 38.901 Table 7.4.1-1)"
                    : "3gpp-rma: NLOS 2D distance outside 10 m-5 km (TR 38.901 Table 7.4.1-1)";
    return NULL;
  default:
    return NULL;
  }
}

/* ---- LOS probability, h_E, shadowing ------------------------------------ */

double ws_pathloss_los_probability(ws_pathloss_model model, double d2d_m, double h_ut_m) {
  /* TR 38.901 Table 7.4.2-1, outdoor UTs (d2D-out = d2D). */
  switch (model) {
  case WS_PATHLOSS_3GPP_RMA:
    /* 1 for d2D <= 10 m, else exp(-(d2D - 10) / 1000). */
    if (d2d_m <= 10.0) return 1.0;
    return exp(-(d2d_m - 10.0) / 1000.0);
  case WS_PATHLOSS_3GPP_UMI:
    /* 1 for d2D <= 18 m, else 18/d2D + exp(-d2D/36) (1 - 18/d2D). */
    if (d2d_m <= 18.0) return 1.0;
    return 18.0 / d2d_m + exp(-d2d_m / 36.0) * (1.0 - 18.0 / d2d_m);
  case WS_PATHLOSS_3GPP_UMA: {
    /* 1 for d2D <= 18 m, else [18/d2D + exp(-d2D/63) (1 - 18/d2D)]
     * [1 + C'(hUT) 5/4 (d2D/100)^3 exp(-d2D/150)], C'(hUT) = 0 for hUT <=
     * 13 m, ((hUT - 13) / 10)^1.5 for 13 m < hUT <= 23 m. */
    if (d2d_m <= 18.0) return 1.0;
    double c = h_ut_m <= 13.0 ? 0.0 : pow((h_ut_m - 13.0) / 10.0, 1.5);
    double r = d2d_m / 100.0;
    double pr = (18.0 / d2d_m + exp(-d2d_m / 63.0) * (1.0 - 18.0 / d2d_m)) *
                (1.0 + c * 1.25 * r * r * r * exp(-d2d_m / 150.0));
    return pr < 1.0 ? pr : 1.0; /* the product stays below 1 for hUT <= 23 m */
  }
  default:
    return 1.0;
  }
}

bool ws_pathloss_los_draw(ws_pathloss_model model, double d2d_m, double h_ut_m, double u) {
  return u < ws_pathloss_los_probability(model, d2d_m, h_ut_m);
}

double ws_pathloss_uma_draw_h_e(double d2d_m, double h_ut_m, double u1, double u2) {
  /* TR 38.901 Table 7.4.1-1 Note 1: g(d2D) = 0 for d2D <= 18 m, else
   * 5/4 (d2D/100)^3 exp(-d2D/150); C(d2D, hUT) = 0 for hUT < 13 m, else
   * ((hUT - 13) / 10)^1.5 g(d2D). */
  double g = 0.0;
  if (d2d_m > 18.0) {
    double r = d2d_m / 100.0;
    g = 1.25 * r * r * r * exp(-d2d_m / 150.0);
  }
  double c = h_ut_m < 13.0 ? 0.0 : pow((h_ut_m - 13.0) / 10.0, 1.5) * g;
  if (u1 < 1.0 / (1.0 + c)) return 1.0;
  /* uniform on {12, 15, ..., hUT - 1.5}; {12} when hUT - 1.5 < 12 */
  int n = (int)floor((h_ut_m - 1.5 - 12.0) / 3.0) + 1;
  if (n < 1) n = 1;
  int k = (int)floor(u2 * n);
  if (k >= n) k = n - 1;
  if (k < 0) k = 0;
  return 12.0 + 3.0 * k;
}

double ws_pathloss_shadowing_sigma_db(const ws_pathloss_params *p, const ws_pathloss_link *l) {
  g_return_val_if_fail(p != NULL && l != NULL, 0.0);
  /* TR 38.901 Table 7.4.1-1, column sigma_SF. */
  switch (p->model) {
  case WS_PATHLOSS_3GPP_UMA:
    return l->los ? 4.0 : 6.0;
  case WS_PATHLOSS_3GPP_UMI:
    return l->los ? 4.0 : 7.82;
  case WS_PATHLOSS_3GPP_RMA:
    if (!l->los) return 8.0;
    return l->d2d_m <= ws_pathloss_breakpoint_m(p, l->freq_hz, l->h_bs_m, l->h_ut_m) ? 4.0 : 6.0;
  default:
    return 0.0;
  }
}

double ws_pathloss_los_decorrelation_m(ws_pathloss_model model) {
  /* TR 38.901 Table 7.6.3.1-2, correlation distance of the LOS state
   * (spatial consistency, 7.6.3.3). */
  switch (model) {
  case WS_PATHLOSS_3GPP_UMA:
  case WS_PATHLOSS_3GPP_UMI: return 50.0;
  case WS_PATHLOSS_3GPP_RMA: return 60.0;
  default: return 0.0;
  }
}

double ws_pathloss_shadowing_decorrelation_m(ws_pathloss_model model, bool los) {
  /* TR 38.901 Table 7.5-6 Part 1, "Correlation distance ... SF". */
  switch (model) {
  case WS_PATHLOSS_3GPP_UMA:
    return los ? 37.0 : 50.0;
  case WS_PATHLOSS_3GPP_UMI:
    return los ? 10.0 : 13.0;
  case WS_PATHLOSS_3GPP_RMA:
    return los ? 37.0 : 120.0;
  default:
    return 50.0; /* SCENARIO-FORMAT.md shadowing_decorrelation default */
  }
}
