/* Tests of the aggregate module: statistics over run folders written by
 * hand, checked against closed forms (mean, sample sd, Student t 95%
 * half-width with the tabulated t quantile), empty fields not counted,
 * text columns ignored, incomplete runs skipped, the exact CSV written. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "wisim/aggregate.h"

typedef struct {
  char *root;
} fixture;

static void write_file(const char *dir, const char *name, const char *text) {
  g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_free(path);
}

/* runs/NNN with a flows.csv, a links.csv and a summary.json. */
static void write_run(const char *root, unsigned r, const char *flows, const char *links,
                      gboolean complete) {
  char sub[16];
  g_snprintf(sub, sizeof sub, "%03u", r);
  char *dir = g_build_filename(root, "runs", sub, NULL);
  write_file(dir, "flows.csv", flows);
  if (links) write_file(dir, "links.csv", links);
  write_file(dir, "timeseries.csv", "time_s,entity,metric,value\n1,flow a,x,5\n");
  write_file(dir, "summary.json", complete ? "{\"complete\": true}\n" : "{\"complete\": false}\n");
  g_free(dir);
}

static void fixture_setup(fixture *f, gconstpointer data) {
  (void)data;
  f->root = g_dir_make_tmp("test-aggregate-XXXXXX", NULL);
  g_assert_nonnull(f->root);
  /* Three complete runs: video throughput 1, 2, 6; delay defined in two
   * runs only (empty = not defined); "type" is text. */
  write_run(f->root, 0, "flow,type,thr,delay\nvideo,cbr,1,0.5\nvoice,cbr,10,\n",
            "link,from,to,rate_bps,drops\nab,a,b,8,1\nab,b,a,8,3\n", TRUE);
  write_run(f->root, 1, "flow,type,thr,delay\nvideo,cbr,2,\nvoice,cbr,10,\n",
            "link,from,to,rate_bps,drops\nab,a,b,8,2\nab,b,a,8,3\n", TRUE);
  write_run(f->root, 2, "flow,type,thr,delay\nvideo,cbr,6,1.5\nvoice,cbr,10,\n",
            "link,from,to,rate_bps,drops\nab,a,b,8,6\nab,b,a,8,3\n", TRUE);
  /* An interrupted run: never counted. */
  write_run(f->root, 3, "flow,type,thr,delay\nvideo,cbr,1000,9\nvoice,cbr,10,\n", NULL, FALSE);
}

static void rm_rf(const char *path) {
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    GDir *d = g_dir_open(path, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name(d));) {
      char *p = g_build_filename(path, n, NULL);
      rm_rf(p);
      g_free(p);
    }
    if (d) g_dir_close(d);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void fixture_teardown(fixture *f, gconstpointer data) {
  (void)data;
  rm_rf(f->root);
  g_free(f->root);
}

/* t(0.975, 2 dof) = 4.302652729911275 (any Student t table). */
#define T975_2 4.302652729911275

static void test_stats(fixture *f, gconstpointer data) {
  (void)data;
  ws_agg *a = ws_agg_new();
  unsigned incomplete = 0;
  GError *error = NULL;
  g_assert_cmpint(ws_agg_add_runs_dir(a, f->root, 0, &incomplete, &error), ==, 3);
  g_assert_no_error(error);
  g_assert_cmpuint(incomplete, ==, 1);
  g_assert_cmpuint(ws_agg_n_runs(a), ==, 3);
  ws_stat s;
  /* 1, 2, 6: mean 3, sample variance ((4 + 1 + 9) / 2) = 7. */
  g_assert_true(ws_agg_get(a, "flows.csv", "video", "thr", &s));
  g_assert_cmpuint(s.n, ==, 3);
  g_assert_cmpfloat_with_epsilon(s.mean, 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_stat_variance(&s), 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(ws_stat_ci95(&s), T975_2 * sqrt(7.0 / 3.0), 1e-9);
  /* Empty fields are not zeros: n = 2, mean of 0.5 and 1.5. */
  g_assert_true(ws_agg_get(a, "flows", "video", "delay", &s));
  g_assert_cmpuint(s.n, ==, 2);
  g_assert_cmpfloat_with_epsilon(s.mean, 1.0, 1e-12);
  /* Never defined, text, unknown: no statistic. */
  g_assert_false(ws_agg_get(a, "flows.csv", "voice", "delay", &s));
  g_assert_false(ws_agg_get(a, "flows.csv", "video", "type", &s));
  g_assert_false(ws_agg_get(a, "flows.csv", "nosuch", "thr", &s));
  g_assert_false(ws_agg_get(a, "timeseries.csv", "1", "value", &s));
  /* Link directions are told apart by "LINK FROM->TO". */
  g_assert_true(ws_agg_get(a, "links.csv", "ab a->b", "drops", &s));
  g_assert_cmpfloat_with_epsilon(s.mean, 3.0, 1e-12);
  g_assert_true(ws_agg_get(a, "links.csv", "ab b->a", "drops", &s));
  g_assert_cmpfloat_with_epsilon(s.mean, 3.0, 1e-12);
  g_assert_cmpfloat(ws_stat_variance(&s), ==, 0.0);
  ws_agg_free(a);

  /* limit: only runs 000 and 001. */
  a = ws_agg_new();
  g_assert_cmpint(ws_agg_add_runs_dir(a, f->root, 2, NULL, &error), ==, 2);
  g_assert_true(ws_agg_get(a, "flows.csv", "video", "thr", &s));
  g_assert_cmpfloat_with_epsilon(s.mean, 1.5, 1e-12);
  ws_agg_free(a);
}

static void test_write(fixture *f, gconstpointer data) {
  (void)data;
  ws_agg *a = ws_agg_new();
  g_assert_cmpint(ws_agg_add_runs_dir(a, f->root, 0, NULL, NULL), ==, 3);
  char *path = g_build_filename(f->root, "aggregate.csv", NULL);
  GError *error = NULL;
  g_assert_true(ws_agg_write(a, path, &error));
  g_assert_no_error(error);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  char *ci = g_strdup_printf("%.12g", T975_2 * sqrt(7.0 / 3.0));
  char *sd1 = g_strdup_printf("%.12g", sqrt(0.5));
  char *ci1 = g_strdup_printf("%.12g", 12.7062047361747 * sqrt(0.5 / 2));
  char *sd2 = g_strdup_printf("%.12g", sqrt(7.0));
  char *want = g_strdup_printf(
      "file,entity,metric,mean,sd,ci95,n\n"
      "flows.csv,video,thr,3,%s,%s,3\n"
      "flows.csv,video,delay,1,%s,%s,2\n"
      "flows.csv,voice,thr,10,0,0,3\n"
      "links.csv,ab a->b,rate_bps,8,0,0,3\n"
      "links.csv,ab a->b,drops,3,%s,%s,3\n"
      "links.csv,ab b->a,rate_bps,8,0,0,3\n"
      "links.csv,ab b->a,drops,3,0,0,3\n",
      sd2, ci, sd1, ci1, sd2, ci);
  /* GSL's t quantile (gsl_cdf_tdist_Pinv) agrees with the tabulated values
   * to about 1e-10 relative: the ci95 field is compared to 1e-9 relative,
   * every other field exactly. */
  char **got_lines = g_strsplit(text, "\n", -1);
  char **want_lines = g_strsplit(want, "\n", -1);
  g_assert_cmpuint(g_strv_length(got_lines), ==, g_strv_length(want_lines));
  for (unsigned i = 0; want_lines[i]; i++) {
    char **g = g_strsplit(got_lines[i], ",", -1), **w = g_strsplit(want_lines[i], ",", -1);
    g_assert_cmpuint(g_strv_length(g), ==, g_strv_length(w));
    for (unsigned k = 0; w[k]; k++) {
      if (k == 5 && i > 0 && *w[k]) {
        double gv = g_ascii_strtod(g[k], NULL), wv = g_ascii_strtod(w[k], NULL);
        g_assert_cmpfloat(fabs(gv - wv), <=, 1e-9 * fabs(wv));
      } else {
        g_assert_cmpstr(g[k], ==, w[k]);
      }
    }
    g_strfreev(g);
    g_strfreev(w);
  }
  g_strfreev(got_lines);
  g_strfreev(want_lines);
  /* No temporary left behind. */
  GDir *d = g_dir_open(f->root, 0, NULL);
  for (const char *n; (n = g_dir_read_name(d));) g_assert_null(strstr(n, ".tmp-"));
  g_dir_close(d);
  g_free(want);
  g_free(ci);
  g_free(sd1);
  g_free(ci1);
  g_free(sd2);
  g_free(text);
  g_free(path);
  ws_agg_free(a);
}

/* One run: n = 1, sd and ci95 are not defined (empty fields). A value with a
 * comma in the entity is quoted (RFC 4180) and read back. */
static void test_single_and_quoting(void) {
  char *root = g_dir_make_tmp("test-aggregate-XXXXXX", NULL);
  char *run = g_build_filename(root, "r", NULL);
  write_file(run, "cells.csv", "cell,sinr_db\n\"x,y\",3.5\n\"say \"\"hi\"\"\",-0\n");
  ws_agg *a = ws_agg_new();
  g_assert_true(ws_agg_add_run(a, run, NULL));
  ws_stat s;
  g_assert_true(ws_agg_get(a, "cells.csv", "x,y", "sinr_db", &s));
  g_assert_cmpfloat(s.mean, ==, 3.5);
  g_assert_true(ws_agg_get(a, "cells", "say \"hi\"", "sinr_db", &s));
  GString *out = g_string_new(NULL);
  ws_agg_append_rows(a, out, "7,");
  g_assert_cmpstr(out->str, ==,
                  "7,cells.csv,\"x,y\",sinr_db,3.5,,,1\n"
                  "7,cells.csv,\"say \"\"hi\"\"\",sinr_db,0,,,1\n");
  g_string_free(out, TRUE);
  ws_agg_free(a);
  rm_rf(root);
  g_free(run);
  g_free(root);
}

static void test_metric_name(void) {
  char *file, *entity, *column;
  g_assert_true(ws_agg_parse_metric("flows.csv:video:throughput_bps", &file, &entity, &column,
                                    NULL));
  g_assert_cmpstr(file, ==, "flows.csv");
  g_assert_cmpstr(entity, ==, "video");
  g_assert_cmpstr(column, ==, "throughput_bps");
  g_free(file);
  g_free(entity);
  g_free(column);
  g_assert_true(ws_agg_parse_metric("links:bottleneck edge->core:utilisation", &file, &entity,
                                    &column, NULL));
  g_assert_cmpstr(file, ==, "links.csv");
  g_assert_cmpstr(entity, ==, "bottleneck edge->core");
  g_free(file);
  g_free(entity);
  g_free(column);
  GError *error = NULL;
  g_assert_false(ws_agg_parse_metric("throughput_bps", &file, &entity, &column, &error));
  g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error(&error);
  g_assert_false(ws_agg_parse_metric("flows::x", &file, &entity, &column, &error));
  g_clear_error(&error);
  g_assert_false(ws_agg_parse_metric("flows:video:", &file, &entity, &column, &error));
  g_clear_error(&error);
}

static void test_missing_dir(void) {
  ws_agg *a = ws_agg_new();
  GError *error = NULL;
  /* No runs/ folder: nothing to add, not an error. */
  g_assert_cmpint(ws_agg_add_runs_dir(a, "/nonexistent-wisim-dir", 0, NULL, &error), ==, 0);
  g_assert_no_error(error);
  g_assert_false(ws_agg_add_run(a, "/nonexistent-wisim-dir", &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  ws_agg_free(a);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add("/aggregate/stats", fixture, NULL, fixture_setup, test_stats, fixture_teardown);
  g_test_add("/aggregate/write", fixture, NULL, fixture_setup, test_write, fixture_teardown);
  g_test_add_func("/aggregate/single-and-quoting", test_single_and_quoting);
  g_test_add_func("/aggregate/metric-name", test_metric_name);
  g_test_add_func("/aggregate/missing-dir", test_missing_dir);
  return g_test_run();
}
