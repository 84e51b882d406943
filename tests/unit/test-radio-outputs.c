/* Unit tests of the radio outputs: cells.csv, ues.csv and coverage.csv byte
 * for byte on hand-made rows, the 3GPP headline (cell spectral efficiency,
 * 5th-percentile UE throughput) against values computed by hand, the
 * summary.json "radio" object, aggregation of the radio files, and the
 * radio parts of report.html (map, grids, CDF, cells table, facts). */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "wisim/aggregate.h"
#include "wisim/metrics.h"
#include "wisim/report.h"

/* ---- helpers ------------------------------------------------------------- */

static char *read_all(const char *path)
{
  char *text = NULL;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, &error));
  g_assert_no_error(error);
  return text;
}

static void remove_tmp_dir(char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
    g_free(p);
  }
  g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

static unsigned count(const char *hay, const char *needle)
{
  unsigned n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

/* Two cells: a layout sector with an uplink, a [cell] omni without one. */
static void two_cells(ws_cell_stats c[2])
{
  memset(c, 0, 2 * sizeof *c);
  c[0] = (ws_cell_stats){
      .name = "macro/0.1", .site = 0, .x_m = 0, .y_m = 0, .azimuth_deg = 30,
      .bandwidth_hz = 10e6, .ues = 3, .ues_out_of_coverage = 0,
      .rb_utilisation_dl = 0.75, .rb_utilisation_ul = 0.5,
      .throughput_dl_bps = 12345678.9, .throughput_ul_bps = 2e6,
      .spectral_efficiency_dl = 1.23456789, .spectral_efficiency_ul = 0.2,
      .bler_dl = 0.1, .harq_retx_dl = 42, .on_fraction = 1,
  };
  c[1] = (ws_cell_stats){
      .name = "A", .site = -1, .x_m = 500.25, .y_m = -12.5, .azimuth_deg = NAN,
      .bandwidth_hz = 5e6, .ues = 1, .ues_out_of_coverage = 1,
      .rb_utilisation_dl = 0, .rb_utilisation_ul = NAN,
      .throughput_dl_bps = 0, .throughput_ul_bps = NAN,
      .spectral_efficiency_dl = 0, .spectral_efficiency_ul = NAN,
      .bler_dl = NAN, .harq_retx_dl = 0, .on_fraction = 0.5,
  };
}

/* ---- writers ------------------------------------------------------------- */

static void test_cells_csv(void)
{
  char *dir = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
  char *path = g_build_filename(dir, "cells.csv", NULL);
  ws_cell_stats c[2];
  two_cells(c);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_cells(path, c, 2, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  /* Empty fields: site of a [cell] group, azimuth of an omni cell, the
   * uplink that is off, a BLER with no transmission. */
  g_assert_cmpstr(text, ==,
                  "cell,site,x_m,y_m,azimuth_deg,bandwidth_hz,ues,ues_out_of_coverage,"
                  "rb_utilisation_dl,rb_utilisation_ul,throughput_dl_bps,throughput_ul_bps,"
                  "spectral_efficiency_dl,spectral_efficiency_ul,bler_dl,harq_retx_dl,"
                  "on_fraction\n"
                  "macro/0.1,0,0.000,0.000,30.000,10000000,3,0,0.75,0.5,12345678.900,"
                  "2000000.000,1.23457,0.2,0.1,42,1\n"
                  "A,,500.250,-12.500,,5000000,1,1,0,,0.000,,0,,,0,0.5\n");
  g_free(text);
  /* No cells: the header alone. */
  g_assert_true(ws_metrics_write_cells(path, NULL, 0, &error));
  text = read_all(path);
  g_assert_true(g_str_has_suffix(text, "on_fraction\n"));
  g_assert_cmpuint(count(text, "\n"), ==, 1);
  g_free(text);
  g_free(path);
  remove_tmp_dir(dir);
}

static void test_ues_csv(void)
{
  char *dir = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
  char *path = g_build_filename(dir, "ues.csv", NULL);
  ws_ue_stats u[2] = {
      {.name = "walkers/0", .cell = "macro/0.1", .x_m = 10, .y_m = 20.5, .rsrp_dbm = -85.25,
       .geometry_sinr_db = 12.5, .sinr_db = 11.0625, .cqi_mean = 9.5,
       .throughput_dl_bps = 1.5e6, .throughput_ul_bps = 123, .bler_dl = 0.09, .bler_ul = 0.125,
       .harq_retx_dl = 7, .harq_retx_ul = 1, .drops_dl = 2, .drops_ul = 0,
       .dl_active = true, .ul_active = false},
      {.name = "walkers/1", .cell = NULL, .x_m = -3000, .y_m = 0, .out_of_coverage = true,
       .rsrp_dbm = -140, .geometry_sinr_db = -12.3456, .sinr_db = NAN, .cqi_mean = NAN,
       .throughput_dl_bps = 0, .throughput_ul_bps = 0, .bler_dl = NAN, .bler_ul = NAN,
       .dl_active = true, .ul_active = true},
  };
  GError *error = NULL;
  g_assert_true(ws_metrics_write_ues(path, u, 2, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  /* walkers/0 has no uplink traffic: its UL throughput is empty though the
   * struct holds 123; walkers/1 is out of coverage: no cell, throughput 0. */
  g_assert_cmpstr(text, ==,
                  "ue,cell,x_m,y_m,out_of_coverage,rsrp_dbm,geometry_sinr_db,sinr_db,cqi_mean,"
                  "throughput_dl_bps,throughput_ul_bps,bler_dl,bler_ul,harq_retx_dl,"
                  "harq_retx_ul,drops_dl,drops_ul,dl_active,ul_active,handovers,pingpongs,rlfs,"
      "reestablishments,interruption_s\n"
                  "walkers/0,macro/0.1,10.000,20.500,0,-85.250,12.500,11.062,9.500,"
                  "1500000.000,,0.09,0.125,7,1,2,0,1,0,0,0,0,0,0.000000000\n"
                  "walkers/1,,-3000.000,0.000,1,-140.000,-12.346,,,0.000,0.000,,,0,0,0,0,1,1,0,0,0,0,"
      "0.000000000\n");
  g_free(text);
  g_free(path);
  remove_tmp_dir(dir);
}

static void test_coverage_csv(void)
{
  char *dir = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
  char *path = g_build_filename(dir, "coverage.csv", NULL);
  const double sinr[6] = {10, 5.5, -1, NAN, 20, 0.125};
  const double rsrp[6] = {-70, -80, -90, NAN, -60, -75.5};
  const int32_t cell[6] = {0, 0, 1, -1, 1, 0};
  const char *const names[2] = {"A", "B"};
  ws_coverage c = {.x0_m = -100, .y0_m = 50, .step_m = 25, .nx = 3, .ny = 2,
                   .sinr_db = sinr, .rsrp_dbm = rsrp, .cell = cell, .cell_names = names};
  GError *error = NULL;
  g_assert_true(ws_metrics_write_coverage(path, &c, &error));
  g_assert_no_error(error);
  char *text = read_all(path);
  /* Southern row first, west to east; a square reaching no cell is empty. */
  g_assert_cmpstr(text, ==,
                  "x_m,y_m,cell,rsrp_dbm,sinr_db\n"
                  "-100.000,50.000,A,-70.000,10.000\n"
                  "-75.000,50.000,A,-80.000,5.500\n"
                  "-50.000,50.000,B,-90.000,-1.000\n"
                  "-100.000,75.000,,,\n"
                  "-75.000,75.000,B,-60.000,20.000\n"
                  "-50.000,75.000,A,-75.500,0.125\n");
  g_free(text);
  g_free(path);
  remove_tmp_dir(dir);
}

/* The writers do not depend on the locale (a decimal comma would break
 * every CSV reader). */
static void test_locale(void)
{
  if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
      setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL) {
    g_test_skip("no locale with a decimal comma installed");
    return;
  }
  char *dir = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
  char *path = g_build_filename(dir, "cells.csv", NULL);
  ws_cell_stats c[2];
  two_cells(c);
  g_assert_true(ws_metrics_write_cells(path, c, 2, NULL));
  char *text = read_all(path);
  g_assert_nonnull(strstr(text, ",500.250,-12.500,"));
  g_free(text);
  setlocale(LC_NUMERIC, "C");
  g_free(path);
  remove_tmp_dir(dir);
}

/* ---- headline ------------------------------------------------------------ */

/* 100 UEs with DL throughputs 1..100 (in a scrambled order), plus UEs
 * without DL traffic that must not count. GSL's quantile (Hyndman & Fan
 * definition 7) of sorted x(0..99) at q = 0.05: rank (n - 1) q = 4.95,
 * x(4) + 0.95 (x(5) - x(4)) = 5 + 0.95 = 5.95. Mean 50.5. */
static void test_headline_p5(void)
{
  ws_ue_stats u[110];
  memset(u, 0, sizeof u);
  for (unsigned i = 0; i < 100; i++) {
    u[i].dl_active = true;
    u[i].throughput_dl_bps = (double)((i * 37) % 100 + 1); /* 37 is prime to 100 */
    u[i].throughput_ul_bps = NAN;
  }
  for (unsigned i = 100; i < 110; i++) {
    u[i].throughput_dl_bps = 1e9; /* no traffic: excluded, whatever it says */
    u[i].ul_active = true;
    u[i].throughput_ul_bps = (double)(i - 99); /* 1..10 */
  }
  ws_cell_stats c[2];
  two_cells(c);
  ws_radio_headline h;
  ws_radio_headline_compute(c, 2, u, 110, &h);
  g_assert_cmpuint(h.n_cells, ==, 2);
  g_assert_cmpuint(h.n_ues, ==, 110);
  g_assert_cmpuint(h.n_ues_out_of_coverage, ==, 0);
  g_assert_cmpfloat_with_epsilon(h.ue_p5_dl_bps, 5.95, 1e-12);
  g_assert_cmpfloat_with_epsilon(h.ue_mean_dl_bps, 50.5, 1e-12);
  /* UL, 1..10: rank 9 x 0.05 = 0.45, 1 + 0.45 = 1.45; mean 5.5. */
  g_assert_cmpfloat_with_epsilon(h.ue_p5_ul_bps, 1.45, 1e-12);
  g_assert_cmpfloat_with_epsilon(h.ue_mean_ul_bps, 5.5, 1e-12);
  /* Cell SE: mean over the cells, a cell without a value (NaN) left out:
   * DL (1.23456789 + 0) / 2; UL only the first cell's 0.2. */
  g_assert_cmpfloat_with_epsilon(h.cell_se_dl, 1.23456789 / 2, 1e-15);
  g_assert_cmpfloat_with_epsilon(h.cell_se_ul, 0.2, 1e-15);
}

/* A UE out of coverage with traffic counts as 0: with 19 UEs at 1..19 and
 * one out of coverage (its throughput field ignored), the values are
 * 0, 1, ..., 19: rank 19 x 0.05 = 0.95, p5 = 0 + 0.95 (1 - 0) = 0.95, and
 * the mean 190 / 20 = 9.5. Without UL traffic nothing UL is defined. */
static void test_headline_out_of_coverage(void)
{
  ws_ue_stats u[20];
  memset(u, 0, sizeof u);
  for (unsigned i = 0; i < 19; i++) {
    u[i].dl_active = true;
    u[i].throughput_dl_bps = i + 1;
  }
  u[19].dl_active = true;
  u[19].out_of_coverage = true;
  u[19].throughput_dl_bps = 1000;
  ws_cell_stats c[2];
  two_cells(c);
  ws_radio_headline h;
  ws_radio_headline_compute(c, 2, u, 20, &h);
  g_assert_cmpuint(h.n_ues_out_of_coverage, ==, 1);
  g_assert_cmpfloat_with_epsilon(h.ue_p5_dl_bps, 0.95, 1e-12);
  g_assert_cmpfloat_with_epsilon(h.ue_mean_dl_bps, 9.5, 1e-12);
  g_assert_true(isnan(h.ue_p5_ul_bps));
  g_assert_true(isnan(h.ue_mean_ul_bps));
  g_assert_true(isnan(h.cell_se_ul)); /* the cell's 0.2 is not used: no UL traffic */
  g_assert_false(isnan(h.cell_se_dl));
  /* Nothing at all: NaN everywhere, counts 0. */
  ws_radio_headline_compute(NULL, 0, NULL, 0, &h);
  g_assert_cmpuint(h.n_cells, ==, 0);
  g_assert_true(isnan(h.cell_se_dl) && isnan(h.ue_p5_dl_bps) && isnan(h.ue_mean_dl_bps));
  /* A single UE: its own value is every percentile. */
  ws_radio_headline_compute(c, 1, u, 1, &h);
  g_assert_cmpfloat(h.ue_p5_dl_bps, ==, 1.0);
}

/* ---- summary.json -------------------------------------------------------- */

static JsonObject *summary_object(const char *path, JsonParser **parser)
{
  *parser = json_parser_new();
  GError *error = NULL;
  g_assert_true(json_parser_load_from_file(*parser, path, &error));
  g_assert_no_error(error);
  return json_node_get_object(json_parser_get_root(*parser));
}

static void test_summary_radio(void)
{
  char *dir = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
  char *path = g_build_filename(dir, "summary.json", NULL);
  ws_run_info info = {.scenario_name = "hex", .simulated_ns = 1000000000, .complete = true,
                      .mean_delay_s = NAN, .loss_ratio = NAN};
  GError *error = NULL;
  /* Without cells: no "radio" member, the rest as before. */
  g_assert_true(ws_metrics_write_summary(path, &info, &error));
  JsonParser *parser;
  JsonObject *o = summary_object(path, &parser);
  g_assert_false(json_object_has_member(o, "radio"));
  g_assert_true(json_object_has_member(o, "headline"));
  g_object_unref(parser);

  info.radio = (ws_radio_headline){.n_cells = 21, .n_ues = 210, .n_ues_out_of_coverage = 3,
                                   .cell_se_dl = 2.25, .cell_se_ul = NAN,
                                   .ue_p5_dl_bps = 1.5e6, .ue_p5_ul_bps = NAN,
                                   .ue_mean_dl_bps = 8e6, .ue_mean_ul_bps = NAN};
  g_assert_true(ws_metrics_write_summary(path, &info, &error));
  g_assert_no_error(error);
  o = summary_object(path, &parser);
  JsonObject *r = json_object_get_object_member(o, "radio");
  g_assert_nonnull(r);
  g_assert_cmpint(json_object_get_int_member(r, "cells"), ==, 21);
  g_assert_cmpint(json_object_get_int_member(r, "ues"), ==, 210);
  g_assert_cmpint(json_object_get_int_member(r, "ues_out_of_coverage"), ==, 3);
  g_assert_cmpfloat(json_object_get_double_member(r, "cell_spectral_efficiency_dl_bit_s_hz"),
                    ==, 2.25);
  g_assert_true(json_object_get_null_member(r, "cell_spectral_efficiency_ul_bit_s_hz"));
  g_assert_cmpfloat(json_object_get_double_member(r, "ue_throughput_p5_dl_bps"), ==, 1.5e6);
  g_assert_true(json_object_get_null_member(r, "ue_throughput_p5_ul_bps"));
  g_assert_cmpfloat(json_object_get_double_member(r, "ue_throughput_mean_dl_bps"), ==, 8e6);
  g_assert_true(json_object_get_null_member(r, "ue_throughput_mean_ul_bps"));
  g_assert_cmpuint(json_object_get_size(r), ==, 9);
  g_object_unref(parser);
  g_free(path);
  remove_tmp_dir(dir);
}

/* ---- aggregate ------------------------------------------------------------ */

/* cells.csv and ues.csv aggregate by their first column like flows.csv;
 * the text column (a UE's serving cell) is left out; coverage.csv is not
 * an entity file (its first column is a coordinate) and is skipped. */
static void test_aggregate(void)
{
  char *dirs[2];
  ws_agg *a = ws_agg_new();
  for (int run = 0; run < 2; run++) {
    dirs[run] = g_dir_make_tmp("wisim-radio-XXXXXX", NULL);
    ws_cell_stats c[2];
    two_cells(c);
    c[0].throughput_dl_bps = run ? 3e6 : 1e6;
    ws_ue_stats u[1] = {{.name = "u/0", .cell = "A", .x_m = 1, .y_m = 2, .rsrp_dbm = -80,
                         .geometry_sinr_db = 3, .sinr_db = 3, .cqi_mean = 7,
                         .throughput_dl_bps = 5, .bler_dl = NAN, .bler_ul = NAN,
                         .out_of_coverage = run == 1, .dl_active = true}};
    const double v[1] = {1};
    const int32_t cl[1] = {0};
    const char *const nm[1] = {"A"};
    ws_coverage cov = {.step_m = 1, .nx = 1, .ny = 1, .sinr_db = v, .rsrp_dbm = v, .cell = cl,
                       .cell_names = nm};
    char *p = g_build_filename(dirs[run], "cells.csv", NULL);
    g_assert_true(ws_metrics_write_cells(p, c, 2, NULL));
    g_free(p);
    p = g_build_filename(dirs[run], "ues.csv", NULL);
    g_assert_true(ws_metrics_write_ues(p, u, 1, NULL));
    g_free(p);
    p = g_build_filename(dirs[run], "coverage.csv", NULL);
    g_assert_true(ws_metrics_write_coverage(p, &cov, NULL));
    g_free(p);
    GError *error = NULL;
    g_assert_true(ws_agg_add_run(a, dirs[run], &error));
    g_assert_no_error(error);
  }
  ws_stat s;
  g_assert_true(ws_agg_get(a, "cells.csv", "macro/0.1", "throughput_dl_bps", &s));
  g_assert_cmpuint(s.n, ==, 2);
  g_assert_cmpfloat(s.mean, ==, 2e6);
  /* The 0/1 flag averages into the fraction of runs out of coverage. */
  g_assert_true(ws_agg_get(a, "ues", "u/0", "out_of_coverage", &s));
  g_assert_cmpfloat(s.mean, ==, 0.5);
  g_assert_false(ws_agg_get(a, "ues.csv", "u/0", "cell", &s));
  g_assert_false(ws_agg_get(a, "coverage.csv", "0.000", "sinr_db", &s));
  GString *rows = g_string_new(NULL);
  ws_agg_append_rows(a, rows, NULL);
  g_assert_null(strstr(rows->str, "coverage.csv"));
  g_assert_nonnull(strstr(rows->str, "cells.csv,A,on_fraction,0.5,0,0,2\n"));
  g_string_free(rows, TRUE);
  ws_agg_free(a);
  remove_tmp_dir(dirs[0]);
  remove_tmp_dir(dirs[1]);
}

/* ---- report ---------------------------------------------------------------- */

/* The section of html from the element with this id to the end of its svg. */
static char *svg_of(const char *html, const char *id)
{
  char *needle = g_strdup_printf("id=\"%s\"", id);
  const char *start = strstr(html, needle);
  g_free(needle);
  if (!start)
    return NULL;
  const char *end = strstr(start, "</svg>");
  g_assert_nonnull(end);
  return g_strndup(start, (gsize)(end - start));
}

/* The first point after "M" of the first sector wedge in svg, and its
 * second point (after " L"): the wedge's apex and one arc end. */
static void first_wedge(const char *svg, double *x0, double *y0, double *x1, double *y1)
{
  const char *p = strstr(svg, "<path class=\"sector\"");
  g_assert_nonnull(p);
  p = strstr(p, "d=\"M");
  g_assert_nonnull(p);
  char *end;
  *x0 = g_ascii_strtod(p + 4, &end);
  *y0 = g_ascii_strtod(end, &end);
  g_assert_true(g_str_has_prefix(end, " L"));
  *x1 = g_ascii_strtod(end + 2, &end);
  *y1 = g_ascii_strtod(end, &end);
}

static void test_report_radio(void)
{
  ws_cell_stats c[2];
  two_cells(c);
  c[0].azimuth_deg = 0; /* east, counter-clockwise from +X: bearing 90 */
  ws_ue_stats u[4];
  memset(u, 0, sizeof u);
  const char *names[4] = {"ue/0", "ue/1", "ue/2", "ue/3"};
  for (unsigned i = 0; i < 4; i++) {
    u[i].name = names[i];
    u[i].cell = i < 3 ? "macro/0.1" : NULL;
    u[i].x_m = 100.0 * i;
    u[i].y_m = 50;
    u[i].dl_active = true;
    u[i].throughput_dl_bps = 1e6 * (i + 1);
    u[i].bler_dl = u[i].bler_ul = u[i].sinr_db = u[i].cqi_mean = NAN;
  }
  u[3].out_of_coverage = true;
  double sinr[6] = {1, 2, 3, 4, 5, NAN};
  int32_t cell[6] = {0, 0, 1, 1, 0, -1};
  const char *const cn[2] = {"macro/0.1", "A"};
  ws_coverage cov = {.x0_m = -50, .y0_m = -50, .step_m = 100, .nx = 3, .ny = 2, .sinr_db = sinr,
                     .cell = cell, .cell_names = cn};
  ws_report *r = ws_report_new("radio");
  ws_run_info info = {.scenario_name = "radio", .mean_delay_s = NAN, .loss_ratio = NAN};
  ws_radio_headline_compute(c, 2, u, 4, &info.radio);
  ws_report_add_run_info(r, &info);
  ws_report_add_radio(r, c, 2, u, 4, &cov);
  char *html = ws_report_html(r);
  char *again = ws_report_html(r);
  g_assert_cmpstr(html, ==, again); /* deterministic */
  g_free(again);

  /* Run facts: the headline. UE DL values 1, 2, 3 Mbit/s and 0 (out of
   * coverage): sorted 0, 1, 2, 3 Mbit/s, rank 3 x 0.05 = 0.15, p5 = 0.15
   * Mbit/s = 150 kbit/s; mean 1.5 Mbit/s; cell SE DL (0 + 1.23456789)/2. */
  g_assert_nonnull(strstr(html, "<th>Cells</th><td>2 (4 UEs, 1 out of coverage)</td>"));
  g_assert_nonnull(strstr(html, "<td>DL 0.617 bit/s/Hz/cell</td>")); /* no UL traffic */
  g_assert_nonnull(strstr(html, "5th-percentile UE throughput (cell edge)</th><td>DL 150 kbit/s"));
  g_assert_nonnull(strstr(html, "Mean UE throughput</th><td>DL 1.5 Mbit/s"));

  /* Map: 2 cells and 4 UEs; ue/3 (no serving cell) is grey, the others
   * take the colour of the wedge of macro/0.1 (group 0). */
  char *map = svg_of(html, "map");
  g_assert_nonnull(map);
  g_assert_cmpuint(count(map, "<circle class=\"ue\""), ==, 4 + 1); /* + legend */
  g_assert_cmpuint(count(map, "fill=\"#777777\""), >=, 1);
  /* The wedge of macro/0.1 (azimuth 0 = east) opens to the right of its
   * apex: both arc ends have a larger x; the apex is at mid-height. */
  double x0, y0, x1, y1;
  first_wedge(map, &x0, &y0, &x1, &y1);
  g_assert_cmpfloat(x1, >, x0 + 20); /* 34 cos(30 deg) = 29.4 px east */
  g_assert_cmpfloat(fabs(y1 - y0), <, 20);
  g_free(map);

  /* Grids: SINR and serving cell. */
  char *g1 = svg_of(html, "grid-coverage-sinr");
  char *g2 = svg_of(html, "grid-coverage-server");
  g_assert_nonnull(g1);
  g_assert_nonnull(g2);
  g_assert_nonnull(strstr(g1, "SINR (dB)"));
  g_assert_nonnull(strstr(g2, "Cell #"));
  g_free(g1);
  g_free(g2);

  /* CDF of UE throughput: DL only (no UE has uplink traffic). */
  char *cdf = svg_of(html, "chart-cdf-ue-throughput");
  g_assert_nonnull(cdf);
  g_assert_nonnull(strstr(cdf, "downlink"));
  g_assert_null(strstr(cdf, "uplink"));
  g_free(cdf);

  /* Cells table: a row per cell, UL columns (macro/0.1 has an uplink). */
  g_assert_nonnull(strstr(html, "<a href=\"#cells\">Cells</a>"));
  const char *t = strstr(html, "<table id=\"cells-table\">");
  g_assert_nonnull(t);
  g_assert_nonnull(strstr(t, "RB utilisation UL"));
  g_assert_nonnull(strstr(t, "<td>macro/0.1</td>"));
  g_assert_nonnull(strstr(t, "<td>A</td>"));
  /* The section comes before the flows/scenario sections, after the map. */
  g_assert_true(strstr(html, "id=\"cells\"") > strstr(html, "id=\"map-section\""));
  g_free(html);
  ws_report_free(r);
}

/* Without coverage and without traffic: no grid, no CDF, still the table
 * and the map. */
static void test_report_radio_minimal(void)
{
  ws_cell_stats c[2];
  two_cells(c);
  ws_report *r = ws_report_new("radio");
  ws_report_add_radio(r, c, 2, NULL, 0, NULL);
  char *html = ws_report_html(r);
  g_assert_null(strstr(html, "grid-coverage"));
  g_assert_null(strstr(html, "chart-cdf-ue-throughput"));
  g_assert_nonnull(strstr(html, "<table id=\"cells-table\">"));
  g_assert_cmpuint(count(html, "<path class=\"cell\""), >=, 2);
  g_free(html);
  ws_report_free(r);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/radio-outputs/cells-csv", test_cells_csv);
  g_test_add_func("/radio-outputs/ues-csv", test_ues_csv);
  g_test_add_func("/radio-outputs/coverage-csv", test_coverage_csv);
  g_test_add_func("/radio-outputs/locale", test_locale);
  g_test_add_func("/radio-outputs/headline-p5", test_headline_p5);
  g_test_add_func("/radio-outputs/headline-out-of-coverage", test_headline_out_of_coverage);
  g_test_add_func("/radio-outputs/summary", test_summary_radio);
  g_test_add_func("/radio-outputs/aggregate", test_aggregate);
  g_test_add_func("/radio-outputs/report", test_report_radio);
  g_test_add_func("/radio-outputs/report-minimal", test_report_radio_minimal);
  return g_test_run();
}
