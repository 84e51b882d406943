/* Tests of the named random streams (sim/core/rng.c): Philox known answers,
 * the frozen key derivation, independence of streams from one another, and
 * goodness of fit of every variate (Kolmogorov-Smirnov, chi-square, moments).
 *
 * Statistical tests use fixed keys, so each is a deterministic computation:
 * it cannot flake. The significance level (0.001 unless said) is the chance
 * that a correct generator would fail at a key picked at random; a bug in a
 * variate (wrong scale, wrong tail, bias) moves the statistic far beyond it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>

#include "wisim/rng.h"

#define ALPHA 0.001

/* ---- Philox known answers ------------------------------------------------ */

/* The Philox4x32-10 vectors of Random123's kat_vectors file. */
static void
test_philox_kat(void)
{
  static const struct {
    uint32_t ctr[4], key[2], out[4];
  } kat[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(kat); i++) {
    uint32_t out[4];
    ws_rng_philox4x32(kat[i].ctr, kat[i].key, out);
    for (int j = 0; j < 4; j++)
      g_assert_cmphex(out[j], ==, kat[i].out[j]);
  }
}

/* The stream of a given key is frozen forever (rng.c's header): these are the
 * outputs of this implementation when the derivation was fixed. If this test
 * fails, every published wisim result has silently changed. */
static void
test_golden(void)
{
  static const uint32_t golden_a[8] = {0x58c98720, 0x0a6c6f97, 0xa6c9fb9b, 0xaf478158,
                                        0x8b321108, 0x904f2c73, 0x408b326f, 0xcfb89584};
  static const uint32_t golden_b[4] = {0x65eab548, 0x00ae1e90, 0x08c5fc26, 0x3757b535};
  ws_rng rng;

  ws_rng_init(&rng, 1, 0, "host server", "traffic");
  for (int i = 0; i < 8; i++)
    g_assert_cmphex(ws_rng_u32(&rng), ==, golden_a[i]);

  ws_rng_init(&rng, UINT64_C(0xfedcba9876543210), 41, "ue walkers/3", "mobility");
  for (int i = 0; i < 4; i++)
    g_assert_cmphex(ws_rng_u32(&rng), ==, golden_b[i]);

  /* How each variate consumes outputs is frozen too. Values through log,
   * pow and sqrt are compared to 1e-13 relative: the C library's last bit
   * may differ between platforms, the number of outputs consumed may not
   * (the final u32 checks the stream's position). */
  ws_rng_init(&rng, 1, 0, "host server", "golden variates");
  g_assert_cmpfloat(ws_rng_uniform(&rng), ==, 0x1.c80f3b245d54ap-1);
  g_assert_cmpuint(ws_rng_below(&rng, 1000000), ==, 449233);
  g_assert_cmpfloat_with_epsilon(ws_rng_exp(&rng, 1.0), 0.45431458792375234, 1e-13);
  g_assert_cmpfloat_with_epsilon(ws_rng_pareto(&rng, 1.0, 2.0), 1.8449899720565655, 1e-13);
  g_assert_cmpfloat_with_epsilon(ws_rng_normal(&rng, 0.0, 1.0), -1.5768996112724649, 1e-13);
  g_assert_cmphex(ws_rng_u32(&rng), ==, 0xd1680e29);
}

/* ---- keys and independence ----------------------------------------------- */

static void
fill_u32(ws_rng *rng, uint32_t *out, int n)
{
  for (int i = 0; i < n; i++)
    out[i] = ws_rng_u32(rng);
}

static void
test_same_key(void)
{
  ws_rng a, b;
  uint32_t xa[100], xb[100];

  ws_rng_init(&a, 7, 3, "ue walkers/3", "mobility");
  ws_rng_init(&b, 7, 3, "ue walkers/3", "mobility");
  fill_u32(&a, xa, 100);
  fill_u32(&b, xb, 100);
  g_assert_cmpmem(xa, sizeof xa, xb, sizeof xb);

  /* A copy forks the stream: both continue identically. */
  ws_rng c = a;
  for (int i = 0; i < 10; i++)
    g_assert_cmpfloat(ws_rng_normal(&a, 0, 1), ==, ws_rng_normal(&c, 0, 1));

  /* Strings are read by content, not by address. */
  char entity[] = "ue walkers/3";
  ws_rng_init(&b, 7, 3, entity, "mobility");
  g_assert_cmpuint(ws_rng_u32(&b), ==, xa[0]);
}

/* Counts positions where two sequences agree; for independent 32-bit words
 * any agreement at all has probability about n / 2^32. */
static int
agreements(const uint32_t *x, const uint32_t *y, int n)
{
  int k = 0;
  for (int i = 0; i < n; i++)
    k += x[i] == y[i];
  return k;
}

static void
test_different_keys(void)
{
  static const struct {
    uint64_t seed, run;
    const char *entity, *purpose;
  } keys[] = {
    {7, 3, "ue walkers/3", "mobility"}, /* the reference */
    {8, 3, "ue walkers/3", "mobility"}, /* seed */
    {7, 4, "ue walkers/3", "mobility"}, /* run */
    {3, 7, "ue walkers/3", "mobility"}, /* seed and run swapped */
    {7, 3, "ue walkers/4", "mobility"}, /* entity */
    {7, 3, "ue walkers/3", "traffic"},  /* purpose */
    {7, 3, "ue walkers/", "3mobility"}, /* same bytes, other split */
    {7, 3, "ue walkers/3mobility", ""}, /* same bytes, other split */
    {7, 3, "", "ue walkers/3mobility"}, /* same bytes, other split */
    {7, 3, "mobility", "ue walkers/3"}, /* entity and purpose swapped */
    {0, 0, "", ""},
    {7, 3, "ue walkers/3 ", "mobility"}, /* a trailing space counts */
  };
  enum { N = G_N_ELEMENTS(keys), LEN = 64 };
  uint32_t x[N][LEN];

  for (int i = 0; i < N; i++) {
    ws_rng rng;
    ws_rng_init(&rng, keys[i].seed, keys[i].run, keys[i].entity, keys[i].purpose);
    fill_u32(&rng, x[i], LEN);
  }
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      /* Neither equal nor merely shifted copies of each other. */
      for (int lag = 0; lag < 8; lag++) {
        g_assert_cmpint(agreements(x[i] + lag, x[j], LEN - lag), ==, 0);
        g_assert_cmpint(agreements(x[i], x[j] + lag, LEN - lag), ==, 0);
      }
    }
}

/* DESIGN.md principle 4: a stream's draws do not depend on which other
 * streams exist, when they were created or how draws interleave. */
static void
test_independent_of_others(void)
{
  enum { N = 300 };
  double alone[N], together[N];
  ws_rng a;

  ws_rng_init(&a, 11, 0, "flow video/0", "arrivals");
  for (int i = 0; i < N; i++)
    alone[i] = ws_rng_exp(&a, 1.0);

  /* The same entity in a "bigger scenario": other streams are created before
   * and after it, and draws of mixed variates interleave with its own. */
  ws_rng others[5];
  ws_rng_init(&others[0], 11, 0, "flow video/1", "arrivals");
  ws_rng_init(&a, 11, 0, "flow video/0", "arrivals");
  ws_rng_init(&others[1], 11, 0, "flow video/0", "sizes");
  for (int i = 0; i < N; i++) {
    if (i == 100) {
      ws_rng_init(&others[2], 11, 0, "host new", "arrivals");
      ws_rng_init(&others[3], 11, 1, "flow video/0", "arrivals"); /* other run */
      ws_rng_init(&others[4], 12, 0, "flow video/0", "arrivals"); /* other seed */
    }
    int live = i < 100 ? 2 : 5;
    for (int k = 0; k < live; k++) {
      (void)ws_rng_normal(&others[k], 0, 1);
      (void)ws_rng_below(&others[k], 1000);
    }
    together[i] = ws_rng_exp(&a, 1.0);
    (void)ws_rng_u64(&others[i % live]);
  }
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat(alone[i], ==, together[i]);
}

/* Streams of neighbouring entities (names differing in one character) are
 * uncorrelated: the sample correlation of n independent uniform pairs is
 * about N(0, 1/n), so |r| < 4/sqrt(n) fails a correct generator with
 * probability 6e-5. */
static void
test_neighbours_uncorrelated(void)
{
  enum { N = 20000 };
  static const char *pairs[][4] = {
    {"ue walkers/0", "mobility", "ue walkers/1", "mobility"},
    {"ue walkers/0", "mobility", "ue walkers/0", "mobilitz"},
    {"a", "b", "b", "a"},
  };
  for (gsize p = 0; p < G_N_ELEMENTS(pairs); p++) {
    ws_rng x, y;
    ws_rng_init(&x, 1, 0, pairs[p][0], pairs[p][1]);
    ws_rng_init(&y, 1, 0, pairs[p][2], pairs[p][3]);
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < N; i++) {
      double u = ws_rng_uniform(&x) - 0.5, v = ws_rng_uniform(&y) - 0.5;
      sxy += u * v;
      sxx += u * u;
      syy += v * v;
    }
    double r = sxy / sqrt(sxx * syy);
    g_assert_cmpfloat(fabs(r), <, 4.0 / sqrt(N));
  }
  /* Consecutive seeds, same names. */
  ws_rng x, y;
  ws_rng_init(&x, 1, 0, "cell A", "fading");
  ws_rng_init(&y, 2, 0, "cell A", "fading");
  double sxy = 0;
  for (int i = 0; i < N; i++)
    sxy += (ws_rng_uniform(&x) - 0.5) * (ws_rng_uniform(&y) - 0.5);
  /* Var(u - 1/2) = 1/12, so r = 12 sxy / N. */
  g_assert_cmpfloat(fabs(12.0 * sxy / N), <, 4.0 / sqrt(N));
}

/* ---- goodness of fit ----------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic D of a sample (sorted in place) against a
 * continuous CDF. */
static double
ks_statistic(double *x, int n, double (*cdf)(double x, const void *params),
             const void *params)
{
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  double d = 0;
  for (int i = 0; i < n; i++) {
    double f = cdf(x[i], params);
    d = fmax(d, fmax((i + 1.0) / n - f, f - (double)i / n));
  }
  return d;
}

/* Critical value of D at level alpha, from Kolmogorov's limit law:
 * P(sqrt(n) D > c) ~ 2 exp(-2 c^2) (the first term of the series, accurate
 * to well under 1% at these alpha), so c = sqrt(-ln(alpha/2) / 2). For
 * n >= 10^4 the finite-n correction is below 1%. */
static double
ks_critical(int n, double alpha)
{
  return sqrt(-0.5 * log(alpha / 2)) / sqrt(n);
}

static double
cdf_uniform(double x, const void *params)
{
  (void)params;
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

static double
cdf_exp(double x, const void *params)
{
  double mean = *(const double *)params;
  return x <= 0 ? 0 : -expm1(-x / mean);
}

/* params: {mean, shape} */
static double
cdf_pareto(double x, const void *params)
{
  const double *p = params;
  double scale = p[0] * (p[1] - 1) / p[1];
  return x <= scale ? 0 : 1 - pow(scale / x, p[1]);
}

/* params: {mu, sigma} */
static double
cdf_normal(double x, const void *params)
{
  const double *p = params;
  return gsl_cdf_gaussian_P(x - p[0], p[1]);
}

enum { KS_N = 20000 };

static void
test_uniform_ks(void)
{
  double *x = g_new(double, KS_N);
  static const char *entities[] = {"host a", "host b", "ue walkers/0", "ue walkers/1"};

  for (gsize e = 0; e < G_N_ELEMENTS(entities); e++) {
    ws_rng rng;
    ws_rng_init(&rng, 1, 0, entities[e], "test");
    for (int i = 0; i < KS_N; i++) {
      x[i] = ws_rng_uniform(&rng);
      g_assert_cmpfloat(x[i], >, 0.0);
      g_assert_cmpfloat(x[i], <, 1.0);
      /* 53 bits: a multiple of 2^-53. */
      g_assert_cmpfloat(x[i] * 0x1.0p53, ==, floor(x[i] * 0x1.0p53));
    }
    g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_uniform, NULL), <, ks_critical(KS_N, ALPHA));
  }

  /* The test has power: U^1.1, a mild distortion, is rejected. */
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "host a", "test");
  for (int i = 0; i < KS_N; i++)
    x[i] = pow(ws_rng_uniform(&rng), 1.1);
  g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_uniform, NULL), >, ks_critical(KS_N, ALPHA));
  g_free(x);
}

/* Low-order bits are as good as high ones: each of the 32 bits of u32 is 1
 * with frequency 1/2 within 5 standard deviations (sd = 0.5 / sqrt(n)). */
static void
test_bits(void)
{
  enum { N = 40000 };
  int ones[32] = {0};
  ws_rng rng;

  ws_rng_init(&rng, 5, 0, "bits", "test");
  for (int i = 0; i < N; i++) {
    uint32_t x = ws_rng_u32(&rng);
    for (int b = 0; b < 32; b++)
      ones[b] += (x >> b) & 1;
  }
  for (int b = 0; b < 32; b++)
    g_assert_cmpfloat(fabs((double)ones[b] / N - 0.5), <, 5 * 0.5 / sqrt(N));

  /* u64 = two u32 outputs, low half first. */
  ws_rng a, b;
  ws_rng_init(&a, 5, 0, "bits", "test");
  ws_rng_init(&b, 5, 0, "bits", "test");
  for (int i = 0; i < 10; i++) {
    uint64_t lo = ws_rng_u32(&b);
    uint64_t hi = ws_rng_u32(&b);
    g_assert_cmphex(ws_rng_u64(&a), ==, lo | hi << 32);
  }
}

static void
test_range(void)
{
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "range", "test");
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  enum { N = 20000 };
  for (int i = 0; i < N; i++) {
    double x = ws_rng_range(&rng, -3.0, 5.0);
    g_assert_cmpfloat(x, >=, -3.0);
    g_assert_cmpfloat(x, <, 5.0);
    lo = fmin(lo, x);
    hi = fmax(hi, x);
    sum += x;
  }
  /* Mean 1, sd of the mean 8 / sqrt(12 N) = 0.016: 5 sd. The extremes of
   * 20000 draws are within 0.01 of the ends with probability 1 - 1e-10. */
  g_assert_cmpfloat(fabs(sum / N - 1.0), <, 5 * 8 / sqrt(12.0 * N));
  g_assert_cmpfloat(lo, <, -2.99);
  g_assert_cmpfloat(hi, >, 4.99);
  g_assert_cmpfloat(ws_rng_range(&rng, 2.5, 2.5), ==, 2.5);
  /* A range so narrow that rounding could reach b stays half-open. */
  double b = nextafter(1.0, 2.0);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpfloat(ws_rng_range(&rng, 1.0, b), ==, 1.0);
}

static void
test_exp_ks(void)
{
  double *x = g_new(double, KS_N);
  static const double means[] = {1.0, 0.002, 350.0};

  for (gsize m = 0; m < G_N_ELEMENTS(means); m++) {
    ws_rng rng;
    ws_rng_init(&rng, 3, 0, "flow f", "arrivals");
    double sum = 0;
    for (int i = 0; i < KS_N; i++) {
      x[i] = ws_rng_exp(&rng, means[m]);
      g_assert_true(isfinite(x[i]) && x[i] > 0);
      sum += x[i];
    }
    g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_exp, &means[m]), <, ks_critical(KS_N, ALPHA));
    /* sd of the mean = mean / sqrt(n): within 5 sd. */
    g_assert_cmpfloat(fabs(sum / KS_N - means[m]), <, 5 * means[m] / sqrt(KS_N));
  }
  /* Power: a mean 10% off (D about 0.1/e = 0.037, against a critical 0.014)
   * is rejected. */
  ws_rng rng;
  ws_rng_init(&rng, 3, 0, "flow f", "arrivals");
  for (int i = 0; i < KS_N; i++)
    x[i] = ws_rng_exp(&rng, 1.1);
  g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_exp, &means[0]), >, ks_critical(KS_N, ALPHA));
  g_free(x);
}

static void
test_pareto(void)
{
  double *x = g_new(double, KS_N);
  static const double params[][2] = {{1.0, 1.2}, {1200.0, 2.5}, {2.0, 4.0}};
  ws_rng rng;

  for (gsize p = 0; p < G_N_ELEMENTS(params); p++) {
    ws_rng_init(&rng, 3, 0, "flow f", "sizes");
    double scale = params[p][0] * (params[p][1] - 1) / params[p][1];
    for (int i = 0; i < KS_N; i++) {
      x[i] = ws_rng_pareto(&rng, params[p][0], params[p][1]);
      g_assert_cmpfloat(x[i], >=, scale);
    }
    g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_pareto, params[p]), <, ks_critical(KS_N, ALPHA));
  }
  g_free(x);

  /* Mean, where the variance is finite (shape 4, mean 2: scale 1.5,
   * variance scale^2 a / ((a-1)^2 (a-2)) = 0.5): within 5 sd of the mean. */
  enum { N = 100000 };
  double sum = 0;
  ws_rng_init(&rng, 3, 0, "flow f", "pareto mean");
  for (int i = 0; i < N; i++)
    sum += ws_rng_pareto(&rng, 2.0, 4.0);
  g_assert_cmpfloat(fabs(sum / N - 2.0), <, 5 * sqrt(0.5 / N));
}

static void
test_normal(void)
{
  double *x = g_new(double, KS_N);
  static const double params[][2] = {{0.0, 1.0}, {-70.0, 8.0}};
  ws_rng rng;

  for (gsize p = 0; p < G_N_ELEMENTS(params); p++) {
    ws_rng_init(&rng, 9, 0, "cell A", "shadowing");
    for (int i = 0; i < KS_N; i++)
      x[i] = ws_rng_normal(&rng, params[p][0], params[p][1]);
    g_assert_cmpfloat(ks_statistic(x, KS_N, cdf_normal, params[p]), <, ks_critical(KS_N, ALPHA));
  }
  g_free(x);

  /* Moments of N = 10^5 draws of N(2, 3^2): the mean has sd 3/sqrt(N) =
   * 0.0095 and the sample variance sd sqrt(2/(N-1)) 9 = 0.040; 5 sd each. */
  enum { N = 100000 };
  double sum = 0, sum2 = 0;
  ws_rng_init(&rng, 9, 0, "cell A", "moments");
  for (int i = 0; i < N; i++) {
    double v = ws_rng_normal(&rng, 2.0, 3.0);
    sum += v;
    sum2 += v * v;
  }
  double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
  g_assert_cmpfloat(fabs(mean - 2.0), <, 5 * 3.0 / sqrt(N));
  g_assert_cmpfloat(fabs(var - 9.0), <, 5 * 9.0 * sqrt(2.0 / (N - 1)));
  g_assert_cmpfloat(ws_rng_normal(&rng, 4.0, 0.0), ==, 4.0);
}

static void
test_bernoulli(void)
{
  enum { N = 100000 };
  ws_rng rng;
  int hits = 0;

  ws_rng_init(&rng, 1, 0, "link l", "loss");
  for (int i = 0; i < N; i++)
    hits += ws_rng_bernoulli(&rng, 0.3);
  /* Binomial: sd of the frequency sqrt(p (1-p) / N) = 0.00145; 5 sd. */
  g_assert_cmpfloat(fabs((double)hits / N - 0.3), <, 5 * sqrt(0.3 * 0.7 / N));

  /* Rare events: p = 10^-3 over 10^5 trials, mean 100, sd 10. */
  hits = 0;
  for (int i = 0; i < N; i++)
    hits += ws_rng_bernoulli(&rng, 1e-3);
  g_assert_cmpint(abs(hits - 100), <, 50);

  for (int i = 0; i < 1000; i++) {
    g_assert_false(ws_rng_bernoulli(&rng, 0.0));
    g_assert_true(ws_rng_bernoulli(&rng, 1.0));
  }

  /* One uniform per call whatever p: the stream stays aligned. */
  ws_rng a, b;
  ws_rng_init(&a, 1, 0, "link l", "loss");
  ws_rng_init(&b, 1, 0, "link l", "loss");
  (void)ws_rng_bernoulli(&a, 0.0);
  (void)ws_rng_bernoulli(&a, 1.0);
  (void)ws_rng_uniform(&b);
  (void)ws_rng_uniform(&b);
  g_assert_cmphex(ws_rng_u32(&a), ==, ws_rng_u32(&b));
}

/* Chi-square of draws of below(n) falling into nbins equal bins
 * (bin = x / (n / nbins), n divisible by nbins). */
static double
below_chisq(ws_rng *rng, uint64_t n, int nbins, int draws)
{
  int *count = g_new0(int, nbins);
  uint64_t width = n / (uint64_t)nbins;
  for (int i = 0; i < draws; i++) {
    uint64_t x = ws_rng_below(rng, n);
    g_assert_cmpuint(x, <, n);
    count[x / width]++;
  }
  double expected = (double)draws / nbins, chisq = 0;
  for (int b = 0; b < nbins; b++)
    chisq += (count[b] - expected) * (count[b] - expected) / expected;
  g_free(count);
  return chisq;
}

static void
test_below(void)
{
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "below", "test");

  /* Small n: every value is a bin (df = n - 1). */
  static const int small[] = {2, 7, 10, 100};
  for (gsize i = 0; i < G_N_ELEMENTS(small); i++) {
    int n = small[i];
    g_assert_cmpfloat(below_chisq(&rng, (uint64_t)n, n, 1000 * n), <,
                      gsl_cdf_chisq_Qinv(ALPHA, n - 1));
  }

  /* Large n where x mod n would be biased: for n = 3 2^30, 2^32 mod n = 2^30,
   * so the first third of the range would have probability 1/2, not 1/3.
   * The same holds for n = 3 2^62 with 64-bit draws. 30000 draws in 3 bins
   * see such a bias as a chi-square in the thousands. */
  static const uint64_t large[] = {UINT64_C(3) << 30, UINT64_C(3) << 62, UINT64_C(3) * 1000000007};
  for (gsize i = 0; i < G_N_ELEMENTS(large); i++)
    g_assert_cmpfloat(below_chisq(&rng, large[i], 3, 30000), <, gsl_cdf_chisq_Qinv(ALPHA, 2));

  /* 2^32 exactly takes the 64-bit path; UINT64_MAX the widest. */
  g_assert_cmpfloat(below_chisq(&rng, UINT64_C(1) << 32, 4, 20000), <, gsl_cdf_chisq_Qinv(ALPHA, 3));
  for (int i = 0; i < 1000; i++) {
    g_assert_cmpuint(ws_rng_below(&rng, 1), ==, 0);
    (void)ws_rng_below(&rng, UINT64_MAX);
  }
}

/* Two simulations in two threads share nothing: each thread's stream gives
 * what the same stream gives alone. */
static gpointer
thread_draws(gpointer data)
{
  uint32_t *out = data;
  ws_rng rng;
  ws_rng_init(&rng, 2, 0, "thread", "test");
  for (int i = 0; i < 10000; i++)
    out[i] = ws_rng_u32(&rng);
  return NULL;
}

static void
test_threads(void)
{
  uint32_t *a = g_new(uint32_t, 10000), *b = g_new(uint32_t, 10000);
  GThread *ta = g_thread_new("a", thread_draws, a);
  GThread *tb = g_thread_new("b", thread_draws, b);
  g_thread_join(ta);
  g_thread_join(tb);
  g_assert_cmpmem(a, 10000 * sizeof *a, b, 10000 * sizeof *b);
  g_free(a);
  g_free(b);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rng/philox-kat", test_philox_kat);
  g_test_add_func("/rng/golden", test_golden);
  g_test_add_func("/rng/same-key", test_same_key);
  g_test_add_func("/rng/different-keys", test_different_keys);
  g_test_add_func("/rng/independent-of-others", test_independent_of_others);
  g_test_add_func("/rng/neighbours-uncorrelated", test_neighbours_uncorrelated);
  g_test_add_func("/rng/uniform-ks", test_uniform_ks);
  g_test_add_func("/rng/bits", test_bits);
  g_test_add_func("/rng/range", test_range);
  g_test_add_func("/rng/exp-ks", test_exp_ks);
  g_test_add_func("/rng/pareto", test_pareto);
  g_test_add_func("/rng/normal", test_normal);
  g_test_add_func("/rng/bernoulli", test_bernoulli);
  g_test_add_func("/rng/below", test_below);
  g_test_add_func("/rng/threads", test_threads);
  return g_test_run();
}
