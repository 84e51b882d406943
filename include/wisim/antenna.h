/* wisim antennas and receiver noise: the two ends of a link budget that do
 * not depend on the path. Omni and 3GPP sector antennas (TR 38.901 Table
 * 7.3-1; horizontal cut, optionally the vertical cut with downtilt), and
 * the thermal noise floor kTB + noise figure. Pure functions, no state. */
#ifndef WISIM_ANTENNA_H
#define WISIM_ANTENNA_H

#include <stdbool.h>

/* The `antenna` key of [cell]. */
typedef enum {
  WS_ANTENNA_OMNI,   /* "omni": gain_dbi in every direction */
  WS_ANTENNA_SECTOR, /* "sector": TR 38.901 Table 7.3-1 pattern */
} ws_antenna_kind;

/* An antenna; fill with ws_antenna_init, then override from the scenario. */
typedef struct {
  ws_antenna_kind kind;
  double gain_dbi;         /* maximum (boresight) gain, `antenna_gain` [0 dBi] */
  double azimuth_deg;      /* boresight, counter-clockwise from +X, `azimuth` [0] */
  double beamwidth_deg;    /* horizontal 3 dB beamwidth phi_3dB, `beamwidth` [65] */
  double front_to_back_db; /* maximum attenuation A_max, `front_to_back` [30 dB] */
  bool vertical;           /* also apply the vertical cut and combine them as
                              Table 7.3-1 does [no: horizontal cut only] */
  double downtilt_deg;     /* boresight below the horizon, positive down [0] */
  double vertical_beamwidth_deg; /* theta_3dB [65] */
  double sla_v_db;         /* vertical side-lobe attenuation SLA_V [30 dB] */
} ws_antenna;

/* Fills a with kind's defaults (SCENARIO-FORMAT.md [cell], TR 38.901 Table
 * 7.3-1 for the vertical cut). */
void ws_antenna_init(ws_antenna *a, ws_antenna_kind kind);

/* The antenna kind named as in a scenario ("omni", "sector"), or -1. */
int ws_antenna_kind_from_name(const char *name);

/* angle_deg wrapped into (-180, 180]. */
double ws_antenna_wrap_deg(double angle_deg);

/* TR 38.901 Table 7.3-1 horizontal cut in dB (<= 0): -min(12 (phi /
 * phi_3dB)^2, A_max), phi wrapped into (-180, 180] first. */
double ws_antenna_horizontal_db(double phi_deg, double beamwidth_deg, double a_max_db);

/* TR 38.901 Table 7.3-1 vertical cut in dB (<= 0): -min(12 (v /
 * theta_3dB)^2, SLA_V), v = theta'' - 90 deg the angle below boresight. */
double ws_antenna_vertical_db(double v_deg, double theta_3db_deg, double sla_v_db);

/* The gain in dBi of a towards a point seen at azimuth_deg (counter-
 * clockwise from +X) and elevation_deg (above the horizontal, negative
 * below). Omni: gain_dbi. Sector: gain_dbi + the horizontal cut at
 * azimuth - boresight, or with `vertical` the 3D pattern -min(-(A_V + A_H),
 * A_max) of Table 7.3-1. */
double ws_antenna_gain_db(const ws_antenna *a, double azimuth_deg, double elevation_deg);

/* As ws_antenna_gain_db towards the point at offset (dx_m, dy_m, dz_m)
 * from the antenna. A zero horizontal offset counts as boresight azimuth. */
double ws_antenna_gain_towards_db(const ws_antenna *a, double dx_m, double dy_m, double dz_m);

/* ---- thermal noise ------------------------------------------------------ */

/* Boltzmann's constant, exact since the 2019 SI redefinition (J/K). */
#define WS_BOLTZMANN_J_PER_K 1.380649e-23
/* The rounded textbook/3GPP value of kT at 290 K in dBm/Hz. */
#define WS_NOISE_PSD_NOMINAL_DBM_HZ (-174.0)

/* Thermal noise density 10 log10(k T / 1 mW) in dBm/Hz (-173.975 at 290 K). */
double ws_antenna_thermal_psd_dbm_hz(double temperature_k);

/* Noise floor in dBm over bandwidth_hz for a receiver with noise_figure_db
 * at temperature_k: 10 log10(k T B / 1 mW) + NF (what wisim uses). */
double ws_antenna_noise_floor_dbm(double bandwidth_hz, double noise_figure_db,
                                  double temperature_k);

/* The same with the nominal -174 dBm/Hz: -174 + 10 log10(B) + NF (for
 * comparisons with 3GPP link budgets that use the rounded figure). */
double ws_antenna_noise_floor_nominal_dbm(double bandwidth_hz, double noise_figure_db);

#endif
