/* wisim log-normal shadowing along each UE's path: a Gauss-Markov process in
 * dB with Gudmundson's exponential spatial correlation, advanced by the AR(1)
 * update; one stream per link, no other state. */
#include "wisim/shadowing.h"

#include <math.h>

#include <glib.h>

void
ws_shadowing_init(ws_shadowing *sh, double sigma_db, double decorrelation_m, const ws_rng *rng)
{
  g_return_if_fail(sh != NULL && rng != NULL);
  g_return_if_fail(sigma_db >= 0 && decorrelation_m >= 0);
  sh->sigma_db = sigma_db;
  sh->decorrelation_m = decorrelation_m;
  sh->rng = *rng;
  sh->placed = false;
  sh->x_m = sh->y_m = 0;
  /* The stationary law from the start: a process begun at 0 would show a
   * smaller spread near every UE's starting point. */
  sh->value_db = ws_rng_normal(&sh->rng, 0, sigma_db);
}

double
ws_shadowing_advance(ws_shadowing *sh, double dx_m)
{
  g_return_val_if_fail(sh != NULL, 0);
  g_return_val_if_fail(dx_m >= 0, sh->value_db);
  if (dx_m == 0)
    return sh->value_db;
  /* Gudmundson 1991, eq. (4): rho = exp(-dx / d_corr); d_corr = 0 means
   * no memory at all, so any move gives a fresh draw. */
  double rho = sh->decorrelation_m > 0 ? exp(-dx_m / sh->decorrelation_m) : 0;
  double innovation = ws_rng_normal(&sh->rng, 0, sh->sigma_db);
  sh->value_db = rho * sh->value_db + sqrt(1 - rho * rho) * innovation;
  return sh->value_db;
}

double
ws_shadowing_at(ws_shadowing *sh, double x_m, double y_m)
{
  g_return_val_if_fail(sh != NULL, 0);
  if (!sh->placed) {
    sh->placed = true;
    sh->x_m = x_m;
    sh->y_m = y_m;
    return sh->value_db;
  }
  double dx_m = hypot(x_m - sh->x_m, y_m - sh->y_m);
  sh->x_m = x_m;
  sh->y_m = y_m;
  return ws_shadowing_advance(sh, dx_m);
}

double
ws_shadowing_db(const ws_shadowing *sh)
{
  g_return_val_if_fail(sh != NULL, 0);
  return sh->value_db;
}

double
ws_shadowing_static_db(ws_rng *rng, double sigma_db)
{
  g_return_val_if_fail(rng != NULL && sigma_db >= 0, 0);
  return ws_rng_normal(rng, 0, sigma_db);
}

double
ws_shadowing_combine_db(double common_db, double link_db, double site_correlation)
{
  g_return_val_if_fail(site_correlation >= 0 && site_correlation <= 1, link_db);
  /* Var = r sigma^2 + (1 - r) sigma^2 = sigma^2; Cov between two sites that
   * share common_db = r sigma^2 (TR 36.942 section 4.5, a = b = 1/sqrt 2 for r = 0.5). */
  return sqrt(site_correlation) * common_db + sqrt(1 - site_correlation) * link_db;
}
