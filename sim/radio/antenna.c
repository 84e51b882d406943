/* wisim antennas and thermal noise (include/wisim/antenna.h): omni, the
 * 3GPP sector pattern of TR 38.901 Table 7.3-1, and kTB + NF. The sector
 * pattern is in dB relative to boresight; the maximum gain is added last. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/antenna.h"

#define RAD_TO_DEG (180.0 / G_PI)

void ws_antenna_init(ws_antenna *a, ws_antenna_kind kind) {
  g_return_if_fail(a != NULL);
  memset(a, 0, sizeof *a);
  a->kind = kind;
  a->gain_dbi = 0.0;         /* SCENARIO-FORMAT.md [cell] antenna_gain */
  a->azimuth_deg = 0.0;      /* azimuth */
  a->beamwidth_deg = 65.0;   /* beamwidth; also TR 38.901 Table 7.3-1 phi_3dB */
  a->front_to_back_db = 30.0; /* front_to_back; Table 7.3-1 A_max */
  a->vertical = false;
  a->downtilt_deg = 0.0;
  a->vertical_beamwidth_deg = 65.0; /* Table 7.3-1 theta_3dB */
  a->sla_v_db = 30.0;               /* Table 7.3-1 SLA_V */
}

int ws_antenna_kind_from_name(const char *name) {
  g_return_val_if_fail(name != NULL, -1);
  if (strcmp(name, "omni") == 0) return WS_ANTENNA_OMNI;
  if (strcmp(name, "sector") == 0) return WS_ANTENNA_SECTOR;
  return -1;
}

double ws_antenna_wrap_deg(double angle_deg) {
  double x = fmod(angle_deg, 360.0); /* (-360, 360), sign of angle_deg */
  if (x <= -180.0) x += 360.0;
  else if (x > 180.0) x -= 360.0;
  return x;
}

double ws_antenna_horizontal_db(double phi_deg, double beamwidth_deg, double a_max_db) {
  g_return_val_if_fail(beamwidth_deg > 0.0, 0.0);
  /* TR 38.901 Table 7.3-1: A_dB(theta''=90, phi'') = -min{12 (phi''/phi_3dB)^2, A_max}. */
  double r = ws_antenna_wrap_deg(phi_deg) / beamwidth_deg;
  return -fmin(12.0 * r * r, a_max_db);
}

double ws_antenna_vertical_db(double v_deg, double theta_3db_deg, double sla_v_db) {
  g_return_val_if_fail(theta_3db_deg > 0.0, 0.0);
  /* TR 38.901 Table 7.3-1: A_dB(theta'', phi''=0) = -min{12 ((theta'' - 90)
   * / theta_3dB)^2, SLA_V}; v_deg is theta'' - 90. */
  double r = v_deg / theta_3db_deg;
  return -fmin(12.0 * r * r, sla_v_db);
}

double ws_antenna_gain_db(const ws_antenna *a, double azimuth_deg, double elevation_deg) {
  g_return_val_if_fail(a != NULL, 0.0);
  if (a->kind != WS_ANTENNA_SECTOR) return a->gain_dbi;
  double horizontal_db =
      ws_antenna_horizontal_db(azimuth_deg - a->azimuth_deg, a->beamwidth_deg, a->front_to_back_db);
  if (!a->vertical) return a->gain_dbi + horizontal_db;
  /* Zenith angle theta = 90 - elevation; a boresight tilted down by beta
   * sits at theta = 90 + beta, so theta'' - 90 = -elevation - beta. This is
   * the 36.814 Table A.2.1.1-2 form: exact in the vertical plane through
   * the boresight; the full LCS rotation of 38.901 clause 7.1 is not done. */
  double vertical_db =
      ws_antenna_vertical_db(-elevation_deg - a->downtilt_deg, a->vertical_beamwidth_deg, a->sla_v_db);
  /* Table 7.3-1: A(theta'', phi'') = -min{-(A_V + A_H), A_max}. */
  return a->gain_dbi - fmin(-(vertical_db + horizontal_db), a->front_to_back_db);
}

double ws_antenna_gain_towards_db(const ws_antenna *a, double dx_m, double dy_m, double dz_m) {
  g_return_val_if_fail(a != NULL, 0.0);
  if (a->kind != WS_ANTENNA_SECTOR) return a->gain_dbi;
  double horizontal_m = hypot(dx_m, dy_m);
  double azimuth_deg = horizontal_m > 0.0 ? atan2(dy_m, dx_m) * RAD_TO_DEG : a->azimuth_deg;
  double elevation_deg = atan2(dz_m, horizontal_m) * RAD_TO_DEG;
  return ws_antenna_gain_db(a, azimuth_deg, elevation_deg);
}

double ws_antenna_thermal_psd_dbm_hz(double temperature_k) {
  g_return_val_if_fail(temperature_k > 0.0, WS_NOISE_PSD_NOMINAL_DBM_HZ);
  /* Johnson-Nyquist available noise power N = k T B (Nyquist, Phys. Rev.
   * 32, 1928); per hertz in dBm: 10 log10(k T / 1 mW). */
  return 10.0 * log10(WS_BOLTZMANN_J_PER_K * temperature_k * 1000.0);
}

double ws_antenna_noise_floor_dbm(double bandwidth_hz, double noise_figure_db,
                                  double temperature_k) {
  g_return_val_if_fail(bandwidth_hz > 0.0, 0.0);
  /* N = k T B F (Friis, "Noise Figures of Radio Receivers", Proc. IRE 32,
   * 1944, defines F referred to T0 = 290 K). */
  return ws_antenna_thermal_psd_dbm_hz(temperature_k) + 10.0 * log10(bandwidth_hz) +
         noise_figure_db;
}

double ws_antenna_noise_floor_nominal_dbm(double bandwidth_hz, double noise_figure_db) {
  g_return_val_if_fail(bandwidth_hz > 0.0, 0.0);
  return WS_NOISE_PSD_NOMINAL_DBM_HZ + 10.0 * log10(bandwidth_hz) + noise_figure_db;
}
