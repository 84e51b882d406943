/* Unit tests of sim/metrics: the statistics primitives against closed forms
 * and exact computations, the atomic output files, and every writer's output
 * byte for byte on small hand-made inputs (docs/outputs.md is the spec). */
#include "wisim/metrics.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

static int cmp_str_ptr(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names in dir, joined by '|': what a reader of the folder sees. */
static char *dir_listing_sorted(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    g_ptr_array_add(names, g_strdup(name));
  g_dir_close(d);
  g_ptr_array_sort(names, cmp_str_ptr);
  GString *s = g_string_new(NULL);
  for (unsigned i = 0; i < names->len; i++) {
    if (i > 0)
      g_string_append_c(s, '|');
    g_string_append(s, g_ptr_array_index(names, i));
  }
  g_ptr_array_free(names, TRUE);
  return g_string_free(s, FALSE);
}

static char *read_all(const char *path)
{
  char *text = NULL;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, &error));
  g_assert_no_error(error);
  return text;
}

/* Removes every file of a g_dir_make_tmp folder, then the folder. */
static void remove_tmp_dir(char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    char *p = g_build_filename(dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      g_rmdir(p);
    else
      g_unlink(p);
    g_free(p);
  }
  g_dir_close(d);
  g_assert_cmpint(g_rmdir(dir), ==, 0);
  g_free(dir);
}

static char *make_tmp_dir(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("wisim-test-metrics-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

/* ---- ws_stat ------------------------------------------------------------- */

/* Welford against the two-pass formula (mean first, then squared deviations),
 * which is the textbook-accurate reference. Data sit on a large offset
 * (1e6 + U(0,1)), where the naive sum-of-squares formula loses every digit:
 * both accurate methods agree to ~n * eps relative; 1e-9 leaves margin. */
static void test_stat_welford(void)
{
  GRand *rand = g_rand_new_with_seed(42);
  enum { N = 10000 };
  double *x = g_new(double, N);
  ws_stat s = { 0 };
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < N; i++) {
    x[i] = 1e6 + g_rand_double(rand);
    ws_stat_add(&s, x[i]);
    lo = fmin(lo, x[i]);
    hi = fmax(hi, x[i]);
  }
  double sum = 0.0;
  for (int i = 0; i < N; i++)
    sum += x[i];
  double mean = sum / N;
  double ss = 0.0;
  for (int i = 0; i < N; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  double var = ss / (N - 1);
  g_assert_cmpuint(s.n, ==, N);
  g_assert_cmpfloat(fabs(s.mean - mean), <=, 1e-9 * mean);
  g_assert_cmpfloat(fabs(ws_stat_variance(&s) - var), <=, 1e-9 * var);
  /* U(0,1) has variance 1/12: a sanity check on the reference itself. */
  g_assert_cmpfloat(fabs(var - 1.0 / 12.0), <, 0.005);
  g_assert_cmpfloat(s.min, ==, lo);
  g_assert_cmpfloat(s.max, ==, hi);
  g_free(x);
  g_rand_free(rand);

  /* Degenerate sizes. */
  ws_stat one = { 0 };
  g_assert_cmpfloat(ws_stat_variance(&one), ==, 0.0);
  ws_stat_add(&one, -3.5);
  g_assert_cmpfloat(one.mean, ==, -3.5);
  g_assert_cmpfloat(one.min, ==, -3.5);
  g_assert_cmpfloat(one.max, ==, -3.5);
  g_assert_cmpfloat(ws_stat_variance(&one), ==, 0.0);
  g_assert_true(isnan(ws_stat_ci95(&one)));
}

/* Student t against tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2):
 * t_{0.975,9} = 2.262157, t_{0.975,1} = 12.706205, t_{0.95,30} = 1.697261;
 * tables give 6 decimals, so 1e-6. The CI of 1..10: mean 5.5, s^2 = 55/6,
 * half-width = t_{0.975,9} * sqrt(55/6 / 10) = 2.165851 (hand-computed). */
static void test_stat_ci(void)
{
  g_assert_cmpfloat_with_epsilon(ws_student_t_quantile(0.975, 9), 2.262157, 1e-6);
  g_assert_cmpfloat_with_epsilon(ws_student_t_quantile(0.975, 1), 12.706205, 1e-6);
  g_assert_cmpfloat_with_epsilon(ws_student_t_quantile(0.95, 30), 1.697261, 1e-6);
  /* Large dof: the normal quantile 1.959964. */
  g_assert_cmpfloat_with_epsilon(ws_student_t_quantile(0.975, 1e7), 1.959964, 1e-6);
  ws_stat s = { 0 };
  for (int i = 1; i <= 10; i++)
    ws_stat_add(&s, i);
  g_assert_cmpfloat_with_epsilon(s.mean, 5.5, 1e-15);
  g_assert_cmpfloat_with_epsilon(ws_stat_variance(&s), 55.0 / 6.0, 1e-13);
  g_assert_cmpfloat_with_epsilon(ws_stat_ci95(&s), 2.165851, 1e-6);
}

/* ---- ws_hist ------------------------------------------------------------- */

/* The bound of the histogram: half a bucket of 2^e/1024 over a value of at
 * least 2^e, i.e. 1/2048 = 0.049% (stricter than the 0.1% promised). */
#define HIST_REL_ERR (1.0 / 2048.0)

static int cmp_double(gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Checks every quantile k/den (k = 0..den) of the histogram of x[0..n)
 * against the exact nearest-rank value of the sorted data. Returns the
 * worst relative error seen. */
static double check_quantiles(double *x, unsigned n, unsigned den)
{
  ws_hist *h = ws_hist_new();
  for (unsigned i = 0; i < n; i++)
    ws_hist_add(h, x[i]);
  g_assert_cmpuint(ws_hist_count(h), ==, n);
  qsort(x, n, sizeof *x, cmp_double);
  double worst = 0.0;
  for (unsigned k = 0; k <= den; k++) {
    /* Exact rank in integers: ceil(k n / den), at least 1. */
    uint64_t rank = ((uint64_t)k * n + den - 1) / den;
    if (rank < 1)
      rank = 1;
    double exact = x[rank - 1];
    double got = ws_hist_quantile(h, (double)k / den);
    if (exact < 1e-9) {
      /* Below the floor: counted as 0, reported within [min, 1e-9). */
      g_assert_cmpfloat(got, >=, x[0]);
      g_assert_cmpfloat(got, <, 1e-9);
      continue;
    }
    double rel = fabs(got - exact) / exact;
    if (rel > worst)
      worst = rel;
    if (rel > HIST_REL_ERR * (1 + 1e-12))
      g_error("q=%u/%u: got %.17g, exact %.17g (rel %.3g)", k, den, got, exact, rel);
  }
  /* The extremes are exact. */
  g_assert_cmpfloat(ws_hist_quantile(h, 0.0), ==, x[0]);
  g_assert_cmpfloat(ws_hist_quantile(h, 1.0), ==, x[n - 1]);
  ws_hist_free(h);
  return worst;
}

static void test_hist_random(void)
{
  GRand *rand = g_rand_new_with_seed(7);
  enum { N = 100000 };
  double *x = g_new(double, N);
  /* Log-uniform over the whole delay range, 1e-9 .. 1e4 s. */
  for (int i = 0; i < N; i++)
    x[i] = pow(10.0, g_rand_double_range(rand, -9.0, 4.0));
  double worst = check_quantiles(x, N, 1000);
  /* Random data must actually exercise the bucket error, else the check is
   * vacuous: over 1000 quantiles the worst is near the bound. */
  g_assert_cmpfloat(worst, >, HIST_REL_ERR / 4);
  /* Exponential delays around 20 ms, the common case. */
  for (int i = 0; i < N; i++)
    x[i] = -0.02 * log(1.0 - g_rand_double(rand));
  check_quantiles(x, N, 1000);
  g_free(x);
  g_rand_free(rand);
}

/* Data chosen to hit the bucket arithmetic where it can go wrong: exact
 * powers of two (bucket 0 of a group), the doubles just below them (the
 * last bucket of the previous group), constant data, two far-apart masses,
 * values straddling the 1e-9 floor, and the integers 1..100 where an
 * off-by-one rank shows as a 1% error. */
static void test_hist_adversarial(void)
{
  enum { N = 4000 };
  double *x = g_new(double, N);
  unsigned n = 0;
  for (int e = -29; e <= 13; e++) {
    x[n++] = ldexp(1.0, e);
    x[n++] = nextafter(ldexp(1.0, e), 0.0);
    x[n++] = nextafter(ldexp(1.0, e), INFINITY);
  }
  check_quantiles(x, n, 997);

  for (n = 0; n < 1000; n++)
    x[n] = 0.0123;
  check_quantiles(x, n, 100);

  for (n = 0; n < 1000; n++)
    x[n] = (n % 3 == 0) ? 1e-9 : 1e4;
  check_quantiles(x, n, 999);

  for (n = 0; n < 1000; n++)
    x[n] = (n % 2 == 0) ? 1e-12 * n : 1e-9 * (1.0 + n / 1000.0);
  check_quantiles(x, n, 500);

  for (n = 0; n < 100; n++)
    x[n] = n + 1.0;
  check_quantiles(x, n, 100);
  g_free(x);

  /* Nearest rank by hand: p95 of 1..100 is 95, p7 is 7 (0.07 * 100 is
   * 7.000000000000001 in binary: not rank 8), p50 is 50. */
  ws_hist *h = ws_hist_new();
  g_assert_true(isnan(ws_hist_quantile(h, 0.5)));
  for (int i = 100; i >= 1; i--)
    ws_hist_add(h, i);
  g_assert_cmpfloat(fabs(ws_hist_quantile(h, 0.95) - 95.0), <=, 95.0 * HIST_REL_ERR);
  g_assert_cmpfloat(fabs(ws_hist_quantile(h, 0.07) - 7.0), <=, 7.0 * HIST_REL_ERR);
  g_assert_cmpfloat(fabs(ws_hist_quantile(h, 0.50) - 50.0), <=, 50.0 * HIST_REL_ERR);
  g_assert_cmpfloat(fabs(ws_hist_quantile(h, 0.501) - 51.0), <=, 51.0 * HIST_REL_ERR);
  ws_hist_free(h);

  /* Beyond the top group: shares the top bucket, but the max stays exact. */
  h = ws_hist_new();
  ws_hist_add(h, 1.0);
  ws_hist_add(h, 1e12);
  ws_hist_add(h, INFINITY);
  g_assert_cmpfloat(ws_hist_quantile(h, 1.0), ==, INFINITY);
  g_assert_cmpfloat(ws_hist_quantile(h, 0.0), ==, 1.0);
  ws_hist_free(h);
  ws_hist_free(NULL);
}

/* ---- ws_tavg, ws_jitter -------------------------------------------------- */

/* Signal: 0 on [0,10), 2 on [10,30), 5 on [30,35), 0 after. By hand, over
 * [0,50]: (2*20 + 5*5)/50 = 1.3; restarted at 20: (2*10 + 5*5)/30 = 1.5. */
static void test_tavg(void)
{
  ws_tavg a = { 0 };
  ws_tavg_reset(&a, 0);
  g_assert_cmpfloat(ws_tavg_mean(&a, 0), ==, 0.0);
  ws_tavg_set(&a, 10, 2.0);
  ws_tavg_set(&a, 30, 5.0);
  ws_tavg_set(&a, 35, 0.0);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&a, 50), 1.3, 1e-15);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&a, 35), 65.0 / 35.0, 1e-15);

  ws_tavg b = { 0 };
  ws_tavg_set(&b, 10, 2.0);
  ws_tavg_reset(&b, 20); /* end of warmup: the current value 2 carries on */
  g_assert_cmpfloat(ws_tavg_mean(&b, 20), ==, 2.0);
  ws_tavg_set(&b, 30, 5.0);
  ws_tavg_set(&b, 35, 0.0);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&b, 50), 1.5, 1e-15);
  /* Same-time changes: only the last value counts. */
  ws_tavg_set(&b, 50, 7.0);
  ws_tavg_set(&b, 50, 1.0);
  g_assert_cmpfloat_with_epsilon(ws_tavg_mean(&b, 80), (45.0 + 30.0) / 60.0, 1e-15);
}

/* RFC 3550 6.4.1 by hand. Transit times 10, 12, 11, 15 ms give |D| = 2, 1,
 * 4 ms; J = 2/16 = 0.125; 0.125 + (1 - 0.125)/16 = 0.1796875;
 * 0.1796875 + (4 - 0.1796875)/16 = 0.41845703125 ms. A constant |D| = d
 * gives J_k = d (1 - (15/16)^k). Tolerance: the ms-to-s conversions round
 * at ~1e-18 s; 1e-15 s is ample and still catches any formula change. */
static void test_jitter(void)
{
  ws_jitter j = { 0 };
  const double sent_ms[] = { 0, 20, 40, 60 };
  const double transit_ms[] = { 10, 12, 11, 15 };
  const double expect_ms[] = { 0, 0.125, 0.1796875, 0.41845703125 };
  for (int i = 0; i < 4; i++) {
    ws_jitter_add(&j, sent_ms[i] / 1e3, (sent_ms[i] + transit_ms[i]) / 1e3);
    g_assert_cmpfloat_with_epsilon(j.jitter_s, expect_ms[i] / 1e3, 1e-15);
  }
  ws_jitter k = { 0 };
  for (int i = 0; i <= 40; i++)
    ws_jitter_add(&k, i * 0.1, i * 0.1 + ((i % 2) ? 0.003 : 0.001));
  g_assert_cmpfloat_with_epsilon(k.jitter_s, 0.002 * (1.0 - pow(15.0 / 16.0, 40)), 1e-15);
}

/* ---- ws_series ----------------------------------------------------------- */

static void test_series(void)
{
  ws_series *s = ws_series_new();
  char entity[16];
  for (int i = 0; i < 1000; i++) {
    g_snprintf(entity, sizeof entity, "link%d", i % 3);
    ws_series_add(s, (ws_time)i * WS_MS, entity, (i % 2) ? "utilisation" : "queue", i * 0.5);
  }
  g_assert_cmpuint(ws_series_rows(s), ==, 1000);
  ws_time t;
  const char *e0, *m0, *e3, *m3;
  double v;
  g_assert_true(ws_series_row(s, 0, &t, &e0, &m0, &v));
  g_assert_cmpint(t, ==, 0);
  g_assert_cmpstr(e0, ==, "link0");
  g_assert_cmpstr(m0, ==, "queue");
  g_assert_true(ws_series_row(s, 3, &t, &e3, &m3, &v));
  g_assert_cmpint(t, ==, 3 * WS_MS);
  g_assert_cmpstr(m3, ==, "utilisation");
  g_assert_cmpfloat(v, ==, 1.5);
  g_assert_true(e3 == e0); /* interned: one copy per distinct string */
  g_assert_true(ws_series_row(s, 999, NULL, NULL, NULL, &v));
  g_assert_cmpfloat(v, ==, 499.5);
  g_assert_false(ws_series_row(s, 1000, &t, NULL, NULL, NULL));
  ws_series_free(s);
  ws_series_free(NULL);
}

/* ---- ws_outfile ---------------------------------------------------------- */

static void test_outfile(void)
{
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "flows.csv", NULL);
  GError *error = NULL;

  /* Commit: while open only the temporary exists; after, only the file. */
  ws_outfile *o = ws_outfile_open(path, &error);
  g_assert_no_error(error);
  g_assert_nonnull(o);
  fputs("hello\n", ws_outfile_fp(o));
  char *listing = dir_listing_sorted(dir);
  g_assert_true(g_str_has_prefix(listing, "flows.csv.tmp-"));
  g_assert_null(strchr(listing, '|'));
  g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  g_free(listing);
  g_assert_true(ws_outfile_commit(o, &error));
  g_assert_no_error(error);
  listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "flows.csv");
  g_free(listing);
  char *text = read_all(path);
  g_assert_cmpstr(text, ==, "hello\n");
  g_free(text);

  /* Abort: the earlier file stays as it was, no temporary is left. */
  o = ws_outfile_open(path, &error);
  g_assert_no_error(error);
  ws_outfile_set_fsync(o, true);
  fputs("half a fi", ws_outfile_fp(o));
  ws_outfile_abort(o);
  listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "flows.csv");
  g_free(listing);
  text = read_all(path);
  g_assert_cmpstr(text, ==, "hello\n");
  g_free(text);

  /* Commit over an existing file replaces it (with fsync on). */
  o = ws_outfile_open(path, &error);
  ws_outfile_set_fsync(o, true);
  fputs("second\n", ws_outfile_fp(o));
  g_assert_true(ws_outfile_commit(o, &error));
  g_assert_no_error(error);
  text = read_all(path);
  g_assert_cmpstr(text, ==, "second\n");
  g_free(text);

  /* A rename that fails (the final name is a folder): error, no leftovers. */
  char *sub = g_build_filename(dir, "busy", NULL);
  g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
  o = ws_outfile_open(sub, &error);
  g_assert_no_error(error);
  fputs("x", ws_outfile_fp(o));
  g_assert_false(ws_outfile_commit(o, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_clear_error(&error);
  listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "busy|flows.csv");
  g_free(listing);
  g_free(sub);

  /* A missing folder is the caller's to create: an error, not a crash. */
  char *missing = g_build_filename(dir, "no-such-dir", "x.csv", NULL);
  g_assert_null(ws_outfile_open(missing, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error(&error);
  g_assert_false(ws_metrics_write_summary(missing, &(ws_run_info){ 0 }, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error(&error);
  g_free(missing);
  ws_outfile_abort(NULL);

  g_free(path);
  remove_tmp_dir(dir);
}

/* ---- writers ------------------------------------------------------------- */

/* Four flows: one with traffic (delays 10, 20, 30, 40 ms sent 100 ms apart),
 * one that lost everything, one that sent nothing and has names needing
 * RFC 4180 quoting, and one with a zero-length active time. Expected by hand:
 * loss 5/10; throughput 4800 B * 8 / 2 s = 19200 bit/s; mean delay 25 ms;
 * p50 = rank 2 = 0.020 s, reported at its bucket's midpoint
 * (1 + 286.5/1024) * 2^-6 = 0.019996643 s (0.020 = 1.28 * 2^-6, bucket
 * floor(0.28 * 1024) = 286); p95 and p99 are rank 4 = the exact max; jitter
 * with |D| = 10 ms three times: 0.01 (1 - (15/16)^3) = 0.001760254 s. */
static void test_write_flows(void)
{
  ws_flow_stats f[5];
  ws_flow_stats_init(&f[0], "video", "server", "client", "udp", "cbr");
  f[0].active_start = 0;
  f[0].active_end = 2 * WS_S;
  f[0].sent_packets = 10;
  f[0].sent_bytes = 12000;
  f[0].in_flight_packets = 1;
  for (int i = 0; i < 4; i++) {
    double sent_s = 0.1 * i, delay_s = 0.01 * (i + 1);
    f[0].received_packets++;
    f[0].received_bytes += 1200;
    ws_stat_add(&f[0].delay, delay_s);
    ws_hist_add(f[0].delay_hist, delay_s);
    ws_jitter_add(&f[0].jitter, sent_s, sent_s + delay_s);
  }
  ws_flow_stats_init(&f[1], "silent/0", "a", "b", "udp", "poisson");
  f[1].active_start = 1 * WS_S;
  f[1].active_end = 3 * WS_S;
  f[1].sent_packets = 3;
  f[1].sent_bytes = 3600;
  ws_flow_stats_init(&f[2], "idle", "x,y", "say \"hi\"", "udp", "cbr");
  f[2].active_start = 5 * WS_S;
  f[2].active_end = 5 * WS_S;
  ws_flow_stats_init(&f[3], "late", "a", "b", "udp", "cbr");
  f[3].active_start = 5 * WS_S;
  f[3].active_end = 5 * WS_S;
  f[3].sent_packets = 1;
  f[3].sent_bytes = 100;
  f[3].received_packets = 1;
  f[3].received_bytes = 100;
  ws_stat_add(&f[3].delay, 0.5e-3);
  ws_hist_add(f[3].delay_hist, 0.5e-3);
  ws_jitter_add(&f[3].jitter, 4.9995, 5.0);
  /* A TCP request-response flow with a voice score: every optional column. */
  ws_flow_stats_init(&f[4], "web", "a", "b", "tcp", "request-response");
  f[4].active_start = 0;
  f[4].active_end = WS_S;
  f[4].retransmissions = 7;
  f[4].completion_ns = 1500 * WS_MS;
  for (int i = 1; i <= 4; i++) {
    ws_stat_add(&f[4].response, 0.1 * i);
    ws_hist_add(f[4].response_hist, 0.1 * i);
  }
  f[4].mos = 4.4;

  ws_flow_stats *const list[] = { &f[0], &f[1], &f[2], &f[3], &f[4] };
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "flows.csv", NULL);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_flows(path, list, 5, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  g_assert_cmpstr(text, ==,
                  "flow,from,to,transport,type,sent_packets,sent_bytes,received_packets,"
                  "received_bytes,lost_packets,in_flight_packets,loss_ratio,throughput_bps,"
                  "delay_mean_s,delay_p50_s,delay_p95_s,delay_p99_s,delay_max_s,jitter_s,"
                  "retransmissions,rto_count,completion_time_s,response_mean_s,response_p50_s,"
                  "response_p95_s,response_p99_s,mos,handover_lost_packets\n"
                  "video,server,client,udp,cbr,10,12000,4,4800,5,1,0.5,19200.000,"
                  "0.025000000,0.019996643,0.040000000,0.040000000,0.040000000,0.001760254,"
                  ",,,,,,,,0\n"
                  "silent/0,a,b,udp,poisson,3,3600,0,0,3,0,1,0.000,,,,,,,,,,,,,,,0\n"
                  "idle,\"x,y\",\"say \"\"hi\"\"\",udp,cbr,0,0,0,0,0,0,,0.000,,,,,,,,,,,,,,,0\n"
                  "late,a,b,udp,cbr,1,100,1,100,0,0,0,0.000,"
                  "0.000500000,0.000500000,0.000500000,0.000500000,0.000500000,0.000000000,"
                  ",,,,,,,,0\n"
                  "web,a,b,tcp,request-response,0,0,0,0,0,0,,0.000,,,,,,,7,0,1.500000000,"
                  "0.250000000,0.200012207,0.400000000,0.400000000,4.400,0\n");
  g_free(text);
  char *listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "flows.csv");
  g_free(listing);

  /* No flows: the header alone. */
  g_assert_true(ws_metrics_write_flows(path, NULL, 0, &error));
  text = read_all(path);
  g_assert_cmpstr(text, ==,
                  "flow,from,to,transport,type,sent_packets,sent_bytes,received_packets,"
                  "received_bytes,lost_packets,in_flight_packets,loss_ratio,throughput_bps,"
                  "delay_mean_s,delay_p50_s,delay_p95_s,delay_p99_s,delay_max_s,jitter_s,"
                  "retransmissions,rto_count,completion_time_s,response_mean_s,response_p50_s,"
                  "response_p95_s,response_p99_s,mos,handover_lost_packets\n");
  g_free(text);

  for (int i = 0; i < 5; i++)
    ws_flow_stats_clear(&f[i]);
  g_assert_null(f[0].name);
  g_assert_null(f[0].delay_hist);
  g_free(path);
  remove_tmp_dir(dir);
}

/* A collector that received more than it sent is a bug elsewhere: reported
 * (critical) and written with lost = 0 rather than wrapped to 2^64 - 1. */
static void test_write_flows_inconsistent(void)
{
  ws_flow_stats f;
  ws_flow_stats_init(&f, "bad", "a", "b", "udp", "cbr");
  f.sent_packets = 1;
  f.received_packets = 1;
  f.in_flight_packets = 1;
  ws_flow_stats *const list[] = { &f };
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "flows.csv", NULL);
  g_test_expect_message("metrics", G_LOG_LEVEL_CRITICAL, "flow bad:*");
  g_assert_true(ws_metrics_write_flows(path, list, 1, NULL));
  g_test_assert_expected_messages();
  char *text = read_all(path);
  g_assert_nonnull(strstr(text, "\nbad,a,b,udp,cbr,1,0,1,0,0,1,0,"));
  g_free(text);
  ws_flow_stats_clear(&f);
  g_free(path);
  remove_tmp_dir(dir);
}

/* One link, both directions, over a 1 s window after a 1 s warmup. a->b:
 * busy 0.5 s -> utilisation 0.5; 1 packet in the system over [1, 1.25) s,
 * 2 over [1.25, 1.5), then empty: (0.25 + 0.5)/1 = 0.75 packet; in bytes
 * (1250 * 0.25 + 2500 * 0.25)/1 = 937.5 B. b->a: idle. */
static void test_write_links(void)
{
  ws_link_stats l[2];
  ws_link_stats_init(&l[0], "ab", "a", "b", 1e6);
  ws_link_stats_init(&l[1], "ab", "b", "a", 2.5e6 / 3.0);
  ws_link_stats *la = &l[0];
  ws_tavg_set(&la->queue_packets, WS_S / 2, 3.0); /* before warmup: forgotten */
  ws_tavg_set(&la->queue_packets, WS_S, 1.0);
  ws_tavg_reset(&la->queue_packets, WS_S);
  ws_tavg_reset(&la->queue_bytes, WS_S);
  ws_tavg_set(&la->queue_bytes, WS_S, 1250.0);
  ws_tavg_set(&la->queue_packets, WS_S + WS_S / 4, 2.0);
  ws_tavg_set(&la->queue_bytes, WS_S + WS_S / 4, 2500.0);
  ws_tavg_set(&la->queue_packets, WS_S + WS_S / 2, 0.0);
  ws_tavg_set(&la->queue_bytes, WS_S + WS_S / 2, 0.0);
  la->busy_ns = WS_S / 2;
  la->tx_packets = 100;
  la->tx_bytes = 62500;
  la->queue_drops = 1;
  la->loss_drops = 2;
  la->down_drops = 3;
  la->mtu_drops = 4;
  ws_tavg_reset(&l[1].queue_packets, WS_S);
  ws_tavg_reset(&l[1].queue_bytes, WS_S);
  l[1].busy_ns = 1234;

  ws_link_stats *const list[] = { &l[0], &l[1] };
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "links.csv", NULL);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_links(path, list, 2, WS_S, 2 * WS_S, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  g_assert_cmpstr(text, ==,
                  "link,from,to,rate_bps,tx_packets,tx_bytes,utilisation,queue_drops,"
                  "loss_drops,down_drops,mtu_drops,mean_queue_packets,mean_queue_bytes,"
                  "aqm_drops,ecn_marks\n"
                  "ab,a,b,1000000.000,100,62500,0.5,1,2,3,4,0.750000,937.500,0,0\n"
                  "ab,b,a,833333.333,0,0,1.234e-06,0,0,0,0,0.000000,0.000,0,0\n");
  g_free(text);

  /* An empty window (warmup = end): no utilisation; queues at their value. */
  ws_tavg_reset(&la->queue_packets, 2 * WS_S);
  ws_tavg_reset(&la->queue_bytes, 2 * WS_S);
  g_assert_true(ws_metrics_write_links(path, list, 1, 0, 2 * WS_S, &error));
  text = read_all(path);
  g_assert_true(g_str_has_suffix(text, "\nab,a,b,1000000.000,100,62500,,1,2,3,4,0.000000,0.000,0,0\n"));
  g_free(text);

  ws_link_stats_clear(&l[0]);
  ws_link_stats_clear(&l[1]);
  g_assert_null(l[0].link);
  char *listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "links.csv");
  g_free(listing);
  g_free(path);
  remove_tmp_dir(dir);
}

/* Times are exact from integer nanoseconds; values %.12g; NaN is empty;
 * -0 prints as 0. */
static void test_write_series(void)
{
  ws_series *s = ws_series_new();
  ws_series_add(s, WS_S, "ab", "utilisation", 0.5);
  ws_series_add(s, WS_S, "video", "throughput_bps", 19200.0);
  ws_series_add(s, 2 * WS_S, "ab", "utilisation", 0.123456789012345);
  ws_series_add(s, 2500000001, "video", "throughput_bps", NAN);
  ws_series_add(s, 3 * WS_S, "ab", "queue_packets", -0.0);
  ws_series_add(s, 9007199254740993, "ab", "queue_bytes", 1e20);
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "timeseries.csv", NULL);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_series(path, s, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  g_assert_cmpstr(text, ==,
                  "time_s,entity,metric,value\n"
                  "1.000000000,ab,utilisation,0.5\n"
                  "1.000000000,video,throughput_bps,19200\n"
                  "2.000000000,ab,utilisation,0.123456789012\n"
                  "2.500000001,video,throughput_bps,\n"
                  "3.000000000,ab,queue_packets,0\n"
                  "9007199.254740993,ab,queue_bytes,1e+20\n");
  g_free(text);
  ws_series_free(s);
  g_free(path);
  remove_tmp_dir(dir);
}

static JsonObject *parse_object(JsonParser *parser, const char *path)
{
  GError *error = NULL;
  g_assert_true(json_parser_load_from_file(parser, path, &error));
  g_assert_no_error(error);
  JsonNode *root = json_parser_get_root(parser);
  g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
  return json_node_get_object(root);
}

static void test_write_summary(void)
{
  const char *overrides[] = { "link ab.rate=2Mbit/s", "simulation.seed=9", NULL };
  ws_run_info info = {
    .wisim_version = "0.1.0",
    .build_flags = "-O2",
    .scenario_name = "default",
    .scenario_path = "scenarios/default.ini",
    .scenario_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    .overrides = overrides,
    .seed = 7,
    .run_index = 2,
    .simulated_ns = 12 * WS_S + WS_S / 2,
    .warmup_ns = WS_S,
    .wall_s = 0.25,
    .events = 1000000,
    .complete = true,
    .n_flows = 3,
    .total_throughput_bps = 1.5e6,
    .mean_delay_s = NAN,
    .loss_ratio = 0.125,
  };
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "summary.json", NULL);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_summary(path, &info, &error));
  g_assert_no_error(error);

  char *text = read_all(path);
  g_assert_true(g_str_has_suffix(text, "}\n"));
  g_assert_null(strstr(text, "nan"));
  g_free(text);

  JsonParser *parser = json_parser_new();
  JsonObject *o = parse_object(parser, path);
  g_assert_cmpstr(json_object_get_string_member(o, "wisim_version"), ==, "0.1.0");
  g_assert_cmpstr(json_object_get_string_member(o, "build_flags"), ==, "-O2");
  g_assert_cmpstr(json_object_get_string_member(o, "scenario_name"), ==, "default");
  g_assert_cmpstr(json_object_get_string_member(o, "scenario_path"), ==, "scenarios/default.ini");
  g_assert_cmpstr(json_object_get_string_member(o, "scenario_sha256"), ==, info.scenario_sha256);
  JsonArray *ov = json_object_get_array_member(o, "overrides");
  g_assert_cmpuint(json_array_get_length(ov), ==, 2);
  g_assert_cmpstr(json_array_get_string_element(ov, 0), ==, "link ab.rate=2Mbit/s");
  g_assert_cmpstr(json_array_get_string_element(ov, 1), ==, "simulation.seed=9");
  g_assert_cmpint(json_object_get_int_member(o, "seed"), ==, 7);
  g_assert_cmpint(json_object_get_int_member(o, "run_index"), ==, 2);
  g_assert_cmpfloat(json_object_get_double_member(o, "simulated_s"), ==, 12.5);
  g_assert_cmpfloat(json_object_get_double_member(o, "warmup_s"), ==, 1.0);
  g_assert_cmpfloat(json_object_get_double_member(o, "wall_s"), ==, 0.25);
  g_assert_cmpint(json_object_get_int_member(o, "events"), ==, 1000000);
  g_assert_cmpfloat(json_object_get_double_member(o, "events_per_s"), ==, 4e6);
  g_assert_true(json_object_get_boolean_member(o, "complete"));
  JsonObject *hl = json_object_get_object_member(o, "headline");
  g_assert_nonnull(hl);
  g_assert_cmpint(json_object_get_int_member(hl, "flows"), ==, 3);
  g_assert_cmpfloat(json_object_get_double_member(hl, "total_throughput_bps"), ==, 1.5e6);
  g_assert_true(json_object_has_member(hl, "mean_delay_s"));
  g_assert_true(json_object_get_null_member(hl, "mean_delay_s"));
  g_assert_cmpfloat(json_object_get_double_member(hl, "loss_ratio"), ==, 0.125);
  g_object_unref(parser);

  /* No overrides, a seed beyond int64, no wall time, an incomplete run. */
  info.overrides = NULL;
  info.seed = UINT64_MAX;
  info.wall_s = 0.0;
  info.complete = false;
  info.scenario_path = NULL;
  g_assert_true(ws_metrics_write_summary(path, &info, &error));
  g_assert_no_error(error);
  parser = json_parser_new();
  o = parse_object(parser, path);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "overrides")), ==, 0);
  g_assert_cmpstr(json_object_get_string_member(o, "seed"), ==, "18446744073709551615");
  g_assert_true(json_object_get_null_member(o, "events_per_s"));
  g_assert_true(json_object_get_null_member(o, "scenario_path"));
  g_assert_false(json_object_get_boolean_member(o, "complete"));
  g_object_unref(parser);

  char *listing = dir_listing_sorted(dir);
  g_assert_cmpstr(listing, ==, "summary.json");
  g_free(listing);
  g_free(path);
  remove_tmp_dir(dir);
}

/* Under a locale whose decimal separator is ',', the files are unchanged.
 * Only runs where such a locale is installed (skipped otherwise). */
static void test_locale(void)
{
  static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                       "fr_FR.utf8", "nl_NL.UTF-8", NULL };
  const char *found = NULL;
  for (int i = 0; names[i] && !found; i++)
    if (setlocale(LC_NUMERIC, names[i]) != NULL)
      found = names[i];
  if (found == NULL) {
    g_test_skip("no locale with a decimal comma installed");
    return;
  }
  ws_series *s = ws_series_new();
  ws_series_add(s, WS_S / 2, "ab", "utilisation", 0.25);
  char *dir = make_tmp_dir();
  char *path = g_build_filename(dir, "timeseries.csv", NULL);
  g_assert_true(ws_metrics_write_series(path, s, NULL));
  setlocale(LC_NUMERIC, "C");
  char *text = read_all(path);
  g_assert_cmpstr(text, ==, "time_s,entity,metric,value\n0.500000000,ab,utilisation,0.25\n");
  g_free(text);
  ws_series_free(s);
  g_free(path);
  remove_tmp_dir(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/metrics/stat-welford", test_stat_welford);
  g_test_add_func("/metrics/stat-ci", test_stat_ci);
  g_test_add_func("/metrics/hist-random", test_hist_random);
  g_test_add_func("/metrics/hist-adversarial", test_hist_adversarial);
  g_test_add_func("/metrics/tavg", test_tavg);
  g_test_add_func("/metrics/jitter", test_jitter);
  g_test_add_func("/metrics/series", test_series);
  g_test_add_func("/metrics/outfile", test_outfile);
  g_test_add_func("/metrics/write-flows", test_write_flows);
  g_test_add_func("/metrics/write-flows-inconsistent", test_write_flows_inconsistent);
  g_test_add_func("/metrics/write-links", test_write_links);
  g_test_add_func("/metrics/write-series", test_write_series);
  g_test_add_func("/metrics/write-summary", test_write_summary);
  g_test_add_func("/metrics/locale", test_locale);
  return g_test_run();
}
