/* wisim path loss models: free space, log-distance, two-ray ground,
 * Okumura-Hata, COST-231 Hata and the 3GPP TR 38.901 UMa, UMi-Street Canyon
 * and RMa models with their LOS probabilities and shadowing parameters.
 * Pure functions of the link geometry (no allocation, no RNG, no state):
 * random choices (LOS state, UMa's h_E) take the caller's uniform draw. */
#ifndef WISIM_PATHLOSS_H
#define WISIM_PATHLOSS_H

#include <stdbool.h>

/* The `pathloss` key of [radio] (SCENARIO-FORMAT.md). */
typedef enum {
  WS_PATHLOSS_FREE_SPACE,   /* "free-space": Friis */
  WS_PATHLOSS_LOG_DISTANCE, /* "log-distance" (the default) */
  WS_PATHLOSS_TWO_RAY,      /* "two-ray": two-ray ground reflection */
  WS_PATHLOSS_OKUMURA_HATA, /* "okumura-hata": Hata 1980 */
  WS_PATHLOSS_COST231_HATA, /* "cost231-hata": COST 231 final report 4.4 */
  WS_PATHLOSS_3GPP_UMA,     /* "3gpp-uma": TR 38.901 Table 7.4.1-1 UMa */
  WS_PATHLOSS_3GPP_UMI,     /* "3gpp-umi": UMi-Street Canyon */
  WS_PATHLOSS_3GPP_RMA,     /* "3gpp-rma": RMa */
  WS_PATHLOSS_N_MODELS
} ws_pathloss_model;

/* The `environment` key of [radio], for the Hata models. */
typedef enum {
  WS_PATHLOSS_URBAN,    /* "urban" */
  WS_PATHLOSS_SUBURBAN, /* "suburban" */
  WS_PATHLOSS_OPEN,     /* "open" (open/rural area) */
} ws_pathloss_env;

/* A model and its parameters; fill with ws_pathloss_params_default, then
 * override from the scenario. Fields a model does not use are ignored. */
typedef struct {
  ws_pathloss_model model;
  double exponent;             /* log-distance n [3.0] */
  double reference_distance_m; /* log-distance d0 [1 m], > 0 */
  ws_pathloss_env environment; /* Hata models [urban] */
  bool large_city;             /* Hata: large-city a(hm); COST-231: Cm = 3 dB [no] */
  double building_height_m;    /* RMa average building height h [5 m] */
  double street_width_m;       /* RMa average street width W [20 m] */
  double h_e_m;                /* UMa/UMi effective environment height h_E of
                                  the LOS breakpoint [1 m]; for UMa with
                                  h_UT >= 13 m the table draws it per link:
                                  see ws_pathloss_uma_draw_h_e */
} ws_pathloss_params;

/* One link's geometry. The base station is the higher end for the Hata and
 * 3GPP models (downlink and uplink alike); two-ray uses both heights as
 * antenna heights above a flat ground. */
typedef struct {
  double d3d_m;   /* straight-line distance between the antennas, > 0 */
  double d2d_m;   /* ground distance, >= 0 */
  double freq_hz; /* carrier frequency, > 0 */
  double h_bs_m;  /* base station antenna height above ground, > 0 */
  double h_ut_m;  /* user terminal antenna height above ground, > 0 */
  bool los;       /* the link's LOS state (3GPP models only; others ignore
                     it): draw it with ws_pathloss_los_draw */
} ws_pathloss_link;

/* Fills p with model's defaults (SCENARIO-FORMAT.md [radio], TR 38.901
 * Table 7.4.1-1 for RMa's h and W). */
void ws_pathloss_params_default(ws_pathloss_params *p, ws_pathloss_model model);

/* The model named as in a scenario ("3gpp-uma"), or -1 when unknown. */
int ws_pathloss_model_from_name(const char *name);

/* The scenario name of model ("3gpp-uma"); static storage. */
const char *ws_pathloss_model_name(ws_pathloss_model model);

/* True for the 3GPP models, whose loss depends on link->los. */
bool ws_pathloss_has_los_state(ws_pathloss_model model);

/* The path loss in dB (>= 0: a formula that would give a gain below its
 * near field is clamped to 0 dB) of p's model on link. Never extrapolates
 * silently: ws_pathloss_check says when the link is outside the model's
 * validity range; the value returned is then the formula's. */
double ws_pathloss_db(const ws_pathloss_params *p, const ws_pathloss_link *link);

/* NULL when link is inside p's validity range (frequency, heights,
 * distance, parameters), else a message in static storage naming the
 * violated range and its source, for a load-time warning. */
const char *ws_pathloss_check(const ws_pathloss_params *p, const ws_pathloss_link *link);

/* As ws_pathloss_check, without the distance checks: for the loader, which
 * knows frequency and heights before the UEs are placed. */
const char *ws_pathloss_check_setup(const ws_pathloss_params *p, double freq_hz, double h_bs_m,
                                    double h_ut_m);

/* ---- the models one by one (the formulas, no clamp) -------------------- */

/* Friis free-space loss 20 log10(4 pi d f / c), c = 299 792 458 m/s. */
double ws_pathloss_free_space_db(double d_m, double freq_hz);

/* Log-distance: free space at d0, then 10 n log10(d / d0); PL(d0) for
 * d < d0 (ns-3's LogDistancePropagationLossModel convention). */
double ws_pathloss_log_distance_db(double d_m, double freq_hz, double exponent,
                                   double reference_distance_m);

/* Two-ray ground crossover distance 4 pi ht hr / lambda, in metres. */
double ws_pathloss_two_ray_crossover_m(double freq_hz, double ht_m, double hr_m);

/* Two-ray ground: Friis up to the crossover distance, then
 * 40 log10 d - 20 log10(ht hr) (as ns-3's TwoRayGroundPropagationLossModel). */
double ws_pathloss_two_ray_db(double d_m, double freq_hz, double ht_m, double hr_m);

/* Hata's mobile antenna height correction a(hm) in dB: small/medium city,
 * or large city (f <= 200 MHz form below 200 MHz, else the f >= 400 MHz form). */
double ws_pathloss_hata_ahm_db(double freq_hz, double hm_m, bool large_city);

/* Okumura-Hata (Hata 1980) at ground distance d. */
double ws_pathloss_hata_db(double d_m, double freq_hz, double hb_m, double hm_m,
                           ws_pathloss_env env, bool large_city);

/* COST-231 Hata; Cm = 3 dB when large_city (metropolitan centres), else 0. */
double ws_pathloss_cost231_db(double d_m, double freq_hz, double hb_m, double hm_m,
                              bool large_city);

/* TR 38.901 breakpoint distance in metres of model (UMa/UMi: d'_BP with
 * effective heights h - h_e_m, Note 1; RMa: d_BP with actual heights,
 * Note 5); 0 for the other models. */
double ws_pathloss_breakpoint_m(const ws_pathloss_params *p, double freq_hz, double h_bs_m,
                                double h_ut_m);

/* TR 38.901 Table 7.4.1-1 LOS and NLOS losses of the 3GPP models (the NLOS
 * ones are max(PL_LOS, PL'_NLOS)). */
double ws_pathloss_uma_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link);
double ws_pathloss_uma_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link);
double ws_pathloss_umi_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link);
double ws_pathloss_umi_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link);
double ws_pathloss_rma_los_db(const ws_pathloss_params *p, const ws_pathloss_link *link);
double ws_pathloss_rma_nlos_db(const ws_pathloss_params *p, const ws_pathloss_link *link);

/* ---- LOS state, h_E, shadowing parameters ------------------------------ */

/* TR 38.901 Table 7.4.2-1 probability that an outdoor UT at ground distance
 * d2d_m (height h_ut_m) is in LOS of the BS; 1 for the models without a LOS
 * state. */
double ws_pathloss_los_probability(ws_pathloss_model model, double d2d_m, double h_ut_m);

/* The LOS state of a link from a uniform draw u in [0, 1) taken by the
 * caller from the link's named stream: u < ws_pathloss_los_probability. */
bool ws_pathloss_los_draw(ws_pathloss_model model, double d2d_m, double h_ut_m, double u);

/* UMa's h_E for one link (TR 38.901 Table 7.4.1-1 Note 1): 1 m with
 * probability 1 / (1 + C(d2D, h_UT)) (decided by u1 in [0, 1)), else
 * uniform on {12, 15, ..., h_UT - 1.5} (chosen by u2 in [0, 1)). Always
 * 1 m for h_UT < 13 m. Store it in params.h_e_m for that link. */
double ws_pathloss_uma_draw_h_e(double d2d_m, double h_ut_m, double u1, double u2);

/* Log-normal shadowing standard deviation in dB of the model in the link's
 * state (TR 38.901 Table 7.4.1-1 sigma_SF; RMa LOS depends on the side of
 * the breakpoint); 0 for the non-3GPP models (SCENARIO-FORMAT.md). */
double ws_pathloss_shadowing_sigma_db(const ws_pathloss_params *p, const ws_pathloss_link *link);

/* Shadowing decorrelation distance in metres (TR 38.901 Table 7.5-6 Part 1,
 * "SF" row); 50 m for the non-3GPP models (SCENARIO-FORMAT.md default). */
double ws_pathloss_shadowing_decorrelation_m(ws_pathloss_model model, bool los);
/* Correlation distance of the LOS state, m (TR 38.901 Table 7.6.3.1-2: 50 m
 * UMa and UMi, 60 m RMa); 0 for models without a LOS state. */
double ws_pathloss_los_decorrelation_m(ws_pathloss_model model);

#endif
