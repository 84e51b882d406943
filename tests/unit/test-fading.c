/* Tests of fast fading (sim/radio/fading.c) against closed forms: Rayleigh
 * power exponential with mean 1, Rician power noncentral chi-square with
 * mean 1 and variance (1 + 2K)/(1 + K)^2, the complex autocorrelation
 * J0(2 pi f_D tau) of Clarke's model, Rice's level crossing rate and average
 * fade duration, independent subbands and links, determinism.
 *
 * Each statistic is computed at fixed seeds, so it is deterministic; the
 * tolerance of each check is justified where it is made: the sampling error
 * of the estimator plus, where the estimate reads the whole trace, the error
 * of the trace being one realisation of the process (measured over 20
 * independently seeded tables when the tolerance was set). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_bessel.h>

#include "wisim/fading.h"

#define N_LINKS 10000
#define MS 1000000LL /* ns */

static ws_fading_table *
make_table(uint64_t seed)
{
  ws_rng rng;
  ws_rng_init(&rng, seed, 0, "radio", "fading table");
  ws_fading_table *table = ws_fading_table_new(&rng, 0);
  g_assert_nonnull(table);
  return table;
}

static ws_fading_link *
make_link(const ws_fading_table *table, ws_fading_model model, double k_db, uint32_t n_sub,
          int ue, const char *purpose)
{
  ws_fading_config cfg = {.model = model,
                          .rician_k_db = k_db,
                          .carrier_hz = 2e9,
                          .doppler_speed_mps = WS_FADING_DOPPLER_SPEED_DEFAULT_MPS};
  char entity[32];
  ws_rng rng;
  g_snprintf(entity, sizeof entity, "ue walkers/%d", ue);
  ws_rng_init(&rng, 42, 0, entity, purpose);
  ws_fading_link *link = ws_fading_link_new(table, &cfg, n_sub, &rng);
  g_assert_nonnull(link);
  return link;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov distance of x[] (sorted in place) from cdf(., param). */
static double
ks_distance(double *x, int n, double (*cdf)(double, const void *), const void *param)
{
  qsort(x, n, sizeof *x, cmp_double);
  double d = 0;
  for (int i = 0; i < n; i++) {
    double f = cdf(x[i], param);
    d = fmax(d, fmax(fabs(f - (double)i / n), fabs((double)(i + 1) / n - f)));
  }
  return d;
}

static double
exp_cdf(double x, const void *param)
{
  (void)param;
  return gsl_cdf_exponential_P(x, 1);
}

/* CDF of the power of a Rician gain of mean power 1 and factor K (linear):
 * 2 (K + 1) |h|^2 is noncentral chi-square with 2 degrees of freedom and
 * noncentrality 2K, i.e. a Poisson(K) mixture of central chi-squares with
 * 2 + 2j degrees of freedom (Johnson, Kotz, Balakrishnan, "Continuous
 * Univariate Distributions" vol. 2, eq. 29.2); equal to 1 - Q1(sqrt(2K),
 * sqrt(2(K+1)x)) with Marcum's Q. */
static double
rician_power_cdf(double x, const void *param)
{
  double k = *(const double *)param, sum = 0;
  for (unsigned j = 0; j < 200; j++) {
    double w = gsl_ran_poisson_pdf(j, k);
    sum += w * gsl_cdf_chisq_P(2 * (k + 1) * x, 2 + 2.0 * j);
    if (j > k && w < 1e-16)
      break;
  }
  return sum;
}

/* KS critical value at alpha = 0.001 (Smirnov, large n). */
static double
ks_critical(int n)
{
  return 1.949 / sqrt(n);
}

/* ---- the trace ------------------------------------------------------------- */

/* Each lane is complex Gaussian with independent, equal-power I and Q:
 * mean power 1 (normalised), E[I] = E[Q] = 0, E[I^2] = E[Q^2] = 1/2,
 * E[IQ] = 0, within 0.05 (one lane's realisation of 2048 Doppler cycles put
 * these means within 0.032 of their values over 20 seeds x 8 lanes; a
 * missing 1/sqrt(2) on I/Q is off by 0.5). Lanes are independent of one
 * another: cross-correlation at lag 0 within 0.05 (same spread). The table
 * has the documented size and memory, and wraps. */
static void
test_table(void)
{
  ws_fading_table *table = make_table(1);
  size_t n = ws_fading_table_samples(table);
  g_assert_cmpuint(n, ==, (size_t)1 << WS_FADING_TABLE_LOG2_DEFAULT);
  g_assert_cmpfloat(ws_fading_table_cycles(table), ==, 2048);
  g_assert_cmpuint(ws_fading_table_bytes(table), >=, n * WS_FADING_LANES * 8);
  g_assert_cmpuint(ws_fading_table_bytes(table), <, (n + 1) * WS_FADING_LANES * 8 + 1024);
  for (unsigned lane = 0; lane < WS_FADING_LANES; lane++) {
    double si = 0, sq = 0, sii = 0, sqq = 0, siq = 0, cross = 0;
    for (size_t m = 0; m < n; m++) {
      double re, im, re2, im2;
      ws_fading_table_sample(table, lane, m, &re, &im);
      ws_fading_table_sample(table, (lane + 1) % WS_FADING_LANES, m, &re2, &im2);
      si += re;
      sq += im;
      sii += re * re;
      sqq += im * im;
      siq += re * im;
      cross += re * re2 + im * im2;
    }
    g_assert_cmpfloat(fabs((sii + sqq) / n - 1), <, 1e-6);
    g_assert_cmpfloat(fabs(si / n), <, 0.05);
    g_assert_cmpfloat(fabs(sq / n), <, 0.05);
    g_assert_cmpfloat(fabs(sii / n - 0.5), <, 0.05);
    g_assert_cmpfloat(fabs(sqq / n - 0.5), <, 0.05);
    g_assert_cmpfloat(fabs(siq / n), <, 0.05);
    g_assert_cmpfloat(fabs(cross / n), <, 0.05);
  }
  /* Periodic: reading past the end wraps. */
  double r0, i0, r1, i1;
  ws_fading_table_sample(table, 3, 5, &r0, &i0);
  ws_fading_table_sample(table, 3, n + 5, &r1, &i1);
  g_assert_cmpfloat(r0, ==, r1);
  g_assert_cmpfloat(i0, ==, i1);
  ws_fading_table_free(table);
}

/* ---- distributions ---------------------------------------------------------- */

/* Rayleigh: |h|^2 ~ Exp(1). One draw per link, 10000 links at one time
 * (each at its own random lane and offset: a pair of draws is dependent,
 * same lane and within a Doppler cycle, with probability 1/8 * 2/2048 =
 * 1.2e-4, too rare to move the mean or the KS distance). Mean: s.e. 1/sqrt(N) = 0.01,
 * tolerance 0.05. KS at alpha 0.001 plus 0.01 for the realisation of the
 * trace itself (one lane's own KS distance from Exp(1) stayed below 0.014
 * over 20 seeds x 8 lanes). A power off by 10% (e.g. a missing 1/2 in I/Q) fails both. */
static void
test_rayleigh_distribution(void)
{
  ws_fading_table *table = make_table(1);
  double *p = g_new(double, N_LINKS);
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < N_LINKS; i++) {
      ws_fading_link *link = make_link(table, WS_FADING_RAYLEIGH, 0, 1, i, "fading cell A");
      ws_fading_link_set_speed(link, 0, 30);
      p[i] = ws_fading_link_power(link, 0, t * 5000 * MS);
      ws_fading_link_free(link);
    }
    double mean = 0;
    for (int i = 0; i < N_LINKS; i++)
      mean += p[i] / N_LINKS;
    double d = ks_distance(p, N_LINKS, exp_cdf, NULL);
    if (g_test_verbose())
      printf("# rayleigh: mean %.4f, KS D %.4f (critical %.4f)\n", mean, d, ks_critical(N_LINKS));
    g_assert_cmpfloat(fabs(mean - 1), <, 0.05);
    g_assert_cmpfloat(d, <, ks_critical(N_LINKS) + 0.01);
  }

  /* And along one link's path: the time average of its power over the
   * trace's period is the trace's mean, 1. */
  ws_fading_link *link = make_link(table, WS_FADING_RAYLEIGH, 0, 2, 1, "fading cell A");
  ws_fading_link_set_doppler_hz(link, 0, 31.25); /* 1 ms = one sample */
  double sum = 0;
  size_t n = ws_fading_table_samples(table);
  for (size_t m = 0; m < n; m++)
    sum += ws_fading_link_power(link, 1, (int64_t)m * MS);
  g_assert_cmpfloat(fabs(sum / n - 1), <, 1e-6);

  /* Halfway between samples too: interpolation is rescaled to unit power
   * (without it the mean is 1/2 (1 + rho1) = 0.995 here). The rescaling
   * uses the neighbour correlation rho1 averaged over the lanes, which
   * differs from this lane's by ~1e-4: tolerance 1e-3. */
  sum = 0;
  for (size_t m = 0; m < n; m++)
    sum += ws_fading_link_power(link, 1, (int64_t)m * MS + MS / 2);
  g_assert_cmpfloat(fabs(sum / n - 1), <, 1e-3);
  ws_fading_link_free(link);
  g_free(p);
  ws_fading_table_free(table);
}

/* Rician at K = 0, 6 (the SCENARIO-FORMAT default) and 10 dB: mean power 1
 * (s.e. sqrt(var/N) <= 0.01, tolerance 0.05), variance (1 + 2K)/(1 + K)^2
 * (tolerance 5 s.e. of the sample variance, sqrt((m4 - var^2)/N), from the
 * sample's own fourth moment), and KS against the noncentral chi-square CDF
 * (alpha 0.001, plus 0.01 for the trace's realisation). At 6 dB the variance
 * is 0.36 against 1 for Rayleigh: a K applied in linear instead of dB, or
 * to amplitudes, fails. */
static void
test_rician_distribution(void)
{
  static const double k_db[] = {0, 6, 10};
  ws_fading_table *table = make_table(2);
  double *p = g_new(double, N_LINKS);
  for (gsize j = 0; j < G_N_ELEMENTS(k_db); j++) {
    double k = pow(10, k_db[j] / 10);
    for (int i = 0; i < N_LINKS; i++) {
      ws_fading_link *link = make_link(table, WS_FADING_RICIAN, k_db[j], 1, i, "fading cell A");
      ws_fading_link_set_speed(link, 0, 10);
      p[i] = ws_fading_link_power(link, 0, 1234 * MS);
      ws_fading_link_free(link);
    }
    double mean = 0, var = 0, m4 = 0;
    for (int i = 0; i < N_LINKS; i++)
      mean += p[i] / N_LINKS;
    for (int i = 0; i < N_LINKS; i++) {
      double d2 = (p[i] - mean) * (p[i] - mean);
      var += d2 / (N_LINKS - 1);
      m4 += d2 * d2 / N_LINKS;
    }
    double var_expect = (1 + 2 * k) / ((1 + k) * (1 + k));
    double var_tol = 5 * sqrt((m4 - var * var) / N_LINKS);
    double d = ks_distance(p, N_LINKS, rician_power_cdf, &k);
    if (g_test_verbose())
      printf("# rician K %2.0f dB: mean %.4f, var %.4f (expect %.4f +- %.4f), KS D %.4f\n", k_db[j],
             mean, var, var_expect, var_tol, d);
    g_assert_cmpfloat(fabs(mean - 1), <, 0.05);
    g_assert_cmpfloat(fabs(var - var_expect), <, var_tol);
    g_assert_cmpfloat(d, <, ks_critical(N_LINKS) + 0.01);
  }
  g_free(p);
  ws_fading_table_free(table);
}

/* ---- time correlation -------------------------------------------------------- */

/* The normalised autocorrelation Re E[h(t) h*(t + tau)] of links read every
 * 1 ms at f_D = 100 Hz (3.2 samples per read, so the Doppler scaling of the
 * time axis is exercised), against J0(2 pi f_D tau) (Clarke 1968; Jakes 1974
 * eq. 1.3-12) at lags across the first two lobes, including the first zero
 * (tau = 3.83 ms) and the first minimum (-0.40 at 6.1 ms). Averaged over
 * 128 links x 4000 ms (links spread over the 8 lanes, 6 times each
 * lane's period), it is essentially the lanes' mean autocorrelation, whose
 * realisation error stayed below 0.016 over 20 seeds (lags up to 12 cycles;
 * one lane alone: 0.062); linear interpolation between
 * samples 1/32 cycle apart smooths J0 by < 0.002. Tolerance 0.04. The same links at half
 * the Doppler must follow J0 at the halved argument: a time axis not scaled
 * by f_D fails by more than 0.2 at the 2 ms lag. */
static void
check_autocorrelation(ws_fading_model model, double k_db, double doppler_hz, const char *label)
{
  enum { LINKS = 128, SLOTS = 4000, MAX_LAG = 12 };
  ws_fading_table *table = make_table(3);
  double *re = g_new(double, SLOTS), *im = g_new(double, SLOTS);
  double r[MAX_LAG + 1] = {0};
  for (int i = 0; i < LINKS; i++) {
    ws_fading_link *link = make_link(table, model, k_db, 1, i, "fading cell A");
    ws_fading_link_set_doppler_hz(link, 0, doppler_hz);
    for (int t = 0; t < SLOTS; t++)
      ws_fading_link_gain(link, 0, t * MS, &re[t], &im[t]);
    for (int lag = 0; lag <= MAX_LAG; lag++)
      for (int t = 0; t + lag < SLOTS; t++)
        r[lag] += (re[t] * re[t + lag] + im[t] * im[t + lag]) / (double)(SLOTS - lag) / LINKS;
    ws_fading_link_free(link);
  }
  for (int lag = 1; lag <= MAX_LAG; lag++) {
    double expect = gsl_sf_bessel_J0(2 * M_PI * doppler_hz * lag * 1e-3);
    if (g_test_verbose())
      printf("# %s f_D %.0f Hz lag %2d ms: R %.4f, J0 %.4f\n", label, doppler_hz, lag, r[lag] / r[0],
             expect);
    g_assert_cmpfloat(fabs(r[lag] / r[0] - expect), <, 0.04);
  }
  g_free(re);
  g_free(im);
  ws_fading_table_free(table);
}

static void
test_autocorrelation(void)
{
  check_autocorrelation(WS_FADING_RAYLEIGH, 0, 100, "rayleigh");
  check_autocorrelation(WS_FADING_RAYLEIGH, 0, 50, "rayleigh");
}

/* Rician with the LOS ray at a uniformly random angle to the motion: per
 * link R = J0/(K+1) + K/(K+1) cos(2 pi f_D cos(aoa) tau); averaged over the
 * angle the LOS term is J0 too (J0(x) is the mean of cos(x cos(aoa)) over a
 * uniform aoa), so the ensemble follows J0. At K = 6 dB the LOS term weighs
 * 0.8; over 2048 angles its mean has s.e. <= 0.8 * 0.71/sqrt(2048) = 0.013,
 * plus the diffuse part's 0.2 * 0.016: tolerance 0.05. A LOS ray that does
 * not rotate (R -> 0.8 + 0.2 J0) misses by more than 0.3 from 3 ms on. */
static void
test_rician_autocorrelation(void)
{
  enum { LINKS = 2048, SLOTS = 400, MAX_LAG = 12 };
  const double doppler_hz = 100, k_db = 6;
  ws_fading_table *table = make_table(4);
  double *re = g_new(double, SLOTS), *im = g_new(double, SLOTS);
  double r[MAX_LAG + 1] = {0};
  for (int i = 0; i < LINKS; i++) {
    ws_fading_link *link = make_link(table, WS_FADING_RICIAN, k_db, 1, i, "fading cell B");
    ws_fading_link_set_doppler_hz(link, 0, doppler_hz);
    for (int t = 0; t < SLOTS; t++)
      ws_fading_link_gain(link, 0, t * MS, &re[t], &im[t]);
    for (int lag = 0; lag <= MAX_LAG; lag++)
      for (int t = 0; t + lag < SLOTS; t++)
        r[lag] += (re[t] * re[t + lag] + im[t] * im[t + lag]) / (double)(SLOTS - lag) / LINKS;
    ws_fading_link_free(link);
  }
  for (int lag = 1; lag <= MAX_LAG; lag++) {
    double expect = gsl_sf_bessel_J0(2 * M_PI * doppler_hz * lag * 1e-3);
    if (g_test_verbose())
      printf("# rician 6 dB lag %2d ms: R %.4f, J0 %.4f\n", lag, r[lag] / r[0], expect);
    g_assert_cmpfloat(fabs(r[lag] / r[0] - expect), <, 0.05);
  }
  g_free(re);
  g_free(im);
  ws_fading_table_free(table);
}

/* Level crossing rate and average fade duration of the envelope r = |h|
 * over the whole period of the 8 subbands of one link (8 lanes, 16384
 * Doppler cycles), read 4 times per sample (f_D = 31.25 Hz, every 0.25 ms),
 * against Rice's closed forms for Clarke's model (Jakes 1974, eqs. 1.3-33
 * and 1.3-41): N_R = sqrt(2 pi) f_D rho e^{-rho^2} and
 * AFD = (e^{rho^2} - 1) / (rho f_D sqrt(2 pi)), rho = threshold / rms.
 * There are ~15000 up-crossings at 0 dB, ~12000 at -10 dB and ~4000 at
 * -20 dB, so the count's error is about 1/sqrt(n) <= 1.6% (the realisation
 * error of one table, over 20 seeds, stayed within 4.1%). Tolerance 6%.
 * Without interpolation between samples the -20 dB rate is 18% low (fades
 * of 1.3 ms, 1.3 samples, are skipped): this test caught it. */
static void
test_level_crossing(void)
{
  enum { SUB = WS_FADING_LANES };
  static const double rho_db[] = {0, -10, -20};
  ws_fading_table *table = make_table(5);
  ws_fading_link *link = make_link(table, WS_FADING_RAYLEIGH, 0, SUB, 0, "fading cell A");
  const double fd = 31.25;
  const int64_t step_ns = MS / 4;
  ws_fading_link_set_doppler_hz(link, 0, fd);
  size_t n = 4 * ws_fading_table_samples(table);
  double seconds = SUB * n * (step_ns * 1e-9);
  float(*p)[SUB] = g_malloc(sizeof(float[SUB]) * (n + 1));
  for (size_t m = 0; m <= n; m++)
    ws_fading_link_powers(link, ((int64_t)m - 1) * step_ns, p[m]);
  for (gsize j = 0; j < G_N_ELEMENTS(rho_db); j++) {
    double rho2 = pow(10, rho_db[j] / 10), rho = sqrt(rho2);
    size_t up = 0, below = 0;
    for (size_t m = 1; m <= n; m++)
      for (int s = 0; s < SUB; s++) {
        up += p[m - 1][s] < rho2 && p[m][s] >= rho2;
        below += p[m][s] < rho2;
      }
    double lcr = up / seconds, lcr_expect = sqrt(2 * M_PI) * fd * rho * exp(-rho2);
    double afd = (below * step_ns * 1e-9) / up, afd_expect = (exp(rho2) - 1) / (rho * fd * sqrt(2 * M_PI));
    if (g_test_verbose())
      printf("# rho %3.0f dB: LCR %.3f/s (Rice %.3f), AFD %.3f ms (Rice %.3f)\n", rho_db[j], lcr,
             lcr_expect, afd * 1e3, afd_expect * 1e3);
    g_assert_cmpfloat(fabs(lcr / lcr_expect - 1), <, 0.06);
    g_assert_cmpfloat(fabs(afd / afd_expect - 1), <, 0.06);
  }
  g_free(p);
  ws_fading_link_free(link);
  ws_fading_table_free(table);
}

/* ---- independence -------------------------------------------------------------- */

/* Subbands of one link, and the links of one UE to two cells, are
 * independent: the power correlation across 10000 links at one time is
 * within 5/sqrt(N) = 0.05 of 0 for every pair tested, while the same
 * subband 1 ms later (f_D = 5.6 Hz: J0^2 = 0.999) correlates above 0.95, so
 * the estimator can see correlation when it is there. Along one link over
 * the trace's whole period, 16 subbands pairwise correlate below 0.05 too
 * (each on its own lane, or, on a shared lane, >= 512 cycles apart, where
 * |J0|^2 < 0.001; the time average's own error is ~0.01). */
static void
test_independence(void)
{
  enum { SUB = 8 };
  ws_fading_table *table = make_table(6);
  double (*p)[SUB] = g_malloc(sizeof(double[SUB]) * N_LINKS);
  double *q = g_new(double, N_LINKS), *later = g_new(double, N_LINKS);
  for (int i = 0; i < N_LINKS; i++) {
    ws_fading_link *a = make_link(table, WS_FADING_RAYLEIGH, 0, SUB, i, "fading cell A");
    ws_fading_link *b = make_link(table, WS_FADING_RAYLEIGH, 0, SUB, i, "fading cell B");
    float g[SUB];
    ws_fading_link_powers(a, 777 * MS, g);
    for (int s = 0; s < SUB; s++)
      p[i][s] = g[s];
    q[i] = ws_fading_link_power(b, 0, 777 * MS);
    later[i] = ws_fading_link_power(a, 0, 778 * MS);
    ws_fading_link_free(a);
    ws_fading_link_free(b);
  }
  double *x = g_new(double, N_LINKS), *y = g_new(double, N_LINKS);
  for (int s = 0; s < SUB; s++)
    for (int u = s; u < SUB + 2; u++) {
      for (int i = 0; i < N_LINKS; i++) {
        x[i] = p[i][s];
        y[i] = u < SUB ? p[i][u] : u == SUB ? q[i] : later[i];
      }
      double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
      for (int i = 0; i < N_LINKS; i++) {
        mx += x[i] / N_LINKS;
        my += y[i] / N_LINKS;
      }
      for (int i = 0; i < N_LINKS; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
      }
      double r = sxy / sqrt(sxx * syy);
      if (u == s)
        g_assert_cmpfloat(r, >, 0.9999);
      else if (u == SUB + 1 && s == 0)
        g_assert_cmpfloat(r, >, 0.95);
      else if (u < SUB + 1)
        g_assert_cmpfloat(fabs(r), <, 5 / sqrt(N_LINKS));
    }

  /* Along one link's whole period. */
  enum { SUB_LONG = 16 };
  ws_fading_link *link = make_link(table, WS_FADING_RAYLEIGH, 0, SUB_LONG, 3, "fading cell C");
  ws_fading_link_set_doppler_hz(link, 0, 31.25);
  size_t n = ws_fading_table_samples(table);
  double sum[SUB_LONG] = {0}, cross[SUB_LONG][SUB_LONG] = {{0}};
  for (size_t m = 0; m < n; m++) {
    float g[SUB_LONG];
    ws_fading_link_powers(link, (int64_t)m * MS, g);
    for (int s = 0; s < SUB_LONG; s++) {
      sum[s] += g[s];
      for (int u = s; u < SUB_LONG; u++)
        cross[s][u] += (double)g[s] * g[u];
    }
  }
  for (int s = 0; s < SUB_LONG; s++)
    for (int u = s + 1; u < SUB_LONG; u++) {
      double ms = sum[s] / n, mu = sum[u] / n;
      double cov = cross[s][u] / n - ms * mu;
      double r = cov / sqrt((cross[s][s] / n - ms * ms) * (cross[u][u] / n - mu * mu));
      g_assert_cmpfloat(fabs(r), <, 0.05);
    }
  ws_fading_link_free(link);
  g_free(x);
  g_free(y);
  g_free(p);
  g_free(q);
  g_free(later);
  ws_fading_table_free(table);
}

/* ---- API behaviour ------------------------------------------------------------- */

/* Same names, same gains; another table seed, other gains; the batch call
 * equals the per-subband calls; a speed change keeps the gain continuous;
 * a UE at rest fades at doppler_speed (3 km/h at 2 GHz: 5.56 Hz); f_D =
 * v f_c / c; `none` is exactly 1; bad configs are refused. */
static void
test_api(void)
{
  ws_fading_table *t1 = make_table(7), *t1b = make_table(7), *t2 = make_table(8);
  ws_fading_link *a = make_link(t1, WS_FADING_RICIAN, 6, 4, 5, "fading cell A");
  ws_fading_link *b = make_link(t1b, WS_FADING_RICIAN, 6, 4, 5, "fading cell A");
  ws_fading_link *c = make_link(t2, WS_FADING_RICIAN, 6, 4, 5, "fading cell A");
  gboolean differs = FALSE;
  for (int t = 0; t < 200; t++)
    for (uint32_t s = 0; s < 4; s++) {
      double pa = ws_fading_link_power(a, s, t * MS);
      g_assert_cmpfloat(pa, ==, ws_fading_link_power(b, s, t * MS));
      differs |= pa != ws_fading_link_power(c, s, t * MS);
    }
  g_assert_true(differs);

  /* Batch vs single (float vs double: relative 1e-6). */
  float g[4];
  for (int t = 0; t < 50; t++) {
    ws_fading_link_powers(a, t * 3 * MS, g);
    for (uint32_t s = 0; s < 4; s++) {
      double single = ws_fading_link_power(a, s, t * 3 * MS);
      g_assert_cmpfloat(fabs(g[s] - single), <, 1e-5 * (1 + single));
      g_assert_cmpfloat(fabs(ws_fading_link_power_db(a, s, t * 3 * MS) - 10 * log10(single)), <, 1e-9);
    }
  }

  /* Doppler. */
  g_assert_cmpfloat(fabs(ws_fading_doppler_hz(30, 2e9) - 30 * 2e9 / 299792458.0), <, 1e-9);
  g_assert_cmpfloat(fabs(ws_fading_link_doppler_hz(a) - 5.5593), <, 1e-3); /* at rest: 3 km/h */
  ws_fading_link_set_speed(a, 10 * MS, 0);
  g_assert_cmpfloat(fabs(ws_fading_link_doppler_hz(a) - 5.5593), <, 1e-3);
  ws_fading_link_set_speed(a, 10 * MS, 120 / 3.6);
  g_assert_cmpfloat(fabs(ws_fading_link_doppler_hz(a) - 222.37), <, 0.01);

  /* Continuity: changing the speed at t keeps the value at t. */
  double re0, im0, re1, im1;
  ws_fading_link_gain(b, 2, 500 * MS, &re0, &im0);
  ws_fading_link_set_speed(b, 500 * MS, 50);
  ws_fading_link_gain(b, 2, 500 * MS, &re1, &im1);
  g_assert_cmpfloat(fabs(re0 - re1), <, 1e-12);
  g_assert_cmpfloat(fabs(im0 - im1), <, 1e-12);

  /* none. */
  ws_fading_link *none = make_link(NULL, WS_FADING_NONE, 0, 3, 1, "fading cell A");
  ws_fading_link_powers(none, 5 * MS, g);
  for (int s = 0; s < 3; s++)
    g_assert_cmpfloat(g[s], ==, 1);
  g_assert_cmpfloat(ws_fading_link_power_db(none, 1, 0), ==, 0);
  ws_fading_link_free(none);

  /* A bad config is refused. */
  ws_fading_config bad = {.model = WS_FADING_RAYLEIGH, .carrier_hz = 2e9, .doppler_speed_mps = 0};
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "ue x", "fading");
  g_assert_null(ws_fading_link_new(t1, &bad, 1, &rng));
  bad.doppler_speed_mps = 1;
  bad.model = WS_FADING_RICIAN;
  bad.rician_k_db = NAN;
  g_assert_null(ws_fading_link_new(t1, &bad, 1, &rng));

  ws_fading_link_free(a);
  ws_fading_link_free(b);
  ws_fading_link_free(c);
  ws_fading_table_free(t1);
  ws_fading_table_free(t1b);
  ws_fading_table_free(t2);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/fading/table", test_table);
  g_test_add_func("/fading/rayleigh-distribution", test_rayleigh_distribution);
  g_test_add_func("/fading/rician-distribution", test_rician_distribution);
  g_test_add_func("/fading/autocorrelation", test_autocorrelation);
  g_test_add_func("/fading/rician-autocorrelation", test_rician_autocorrelation);
  g_test_add_func("/fading/level-crossing", test_level_crossing);
  g_test_add_func("/fading/independence", test_independence);
  g_test_add_func("/fading/api", test_api);
  return g_test_run();
}
