/* Tests of the HTML report (sim/metrics/report*.c): the run report of a
 * small world holds the expected map, charts (one line per flow or link
 * direction), CDFs and tables; it is self-contained, deterministic, escapes
 * what it is given; charts cap their lines, thin long ones, say "no data";
 * axes and units; coverage grids; size limits; the sweep report from a
 * hand-made sweep.csv. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "../../sim/metrics/report-int.h"
#include "wisim/report.h"
#include "wisim/world.h"

/* ---- helpers ------------------------------------------------------------------ */

static unsigned count(const char *hay, const char *needle) {
  unsigned n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* The text of the <svg> element with this id (caller frees), or NULL. */
static char *svg_by_id(const char *html, const char *id) {
  char *attr = g_strdup_printf("id=\"%s\"", id);
  const char *at = strstr(html, attr);
  g_free(attr);
  if (!at) return NULL;
  const char *start = at;
  while (start > html && strncmp(start, "<svg", 4) != 0)
    start--;
  const char *end = strstr(at, "</svg>");
  g_assert_nonnull(end);
  return g_strndup(start, end + 6 - start);
}

/* Lines drawn in a chart: its series paths less the legend's samples. */
static unsigned chart_lines(const char *html, const char *id) {
  char *svg = svg_by_id(html, id);
  g_assert_nonnull(svg);
  unsigned legend = count(svg, "<g class=\"legend\">");
  unsigned paths = count(svg, "<path class=\"series\"");
  g_assert_cmpuint(paths, ==, 2 * legend); /* each line has its legend entry */
  g_free(svg);
  return legend;
}

static char *read_text(const char *path) {
  char *text = NULL;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, &error));
  g_assert_no_error(error);
  return text;
}

/* A small network: two senders share a bottleneck through a router to a
 * server, a CBR, a Poisson and a ping flow; one link with CoDel. */
static const char *const scenario_text =
    "# A tiny study network: two senders & one <bottleneck>.\n"
    "#\n"
    "# Second paragraph with `code`.\n"
    "#   wisim run tiny.ini\n"
    "\n"
    "[simulation]\nname = tiny\nduration = 3s\nwarmup = 500ms\nmetrics_interval = 250ms\n"
    "[host a]\n[host b]\n[host server]\n[router edge]\n"
    "[link a-edge]\nbetween = a, edge\nrate = 100Mbit/s\ndelay = 1ms\n"
    "[link b-edge]\nbetween = b, edge\nrate = 100Mbit/s\ndelay = 1ms\n"
    "[link bottleneck]\nbetween = edge, server\nrate = 4Mbit/s\ndelay = 5ms\nqueue = codel\n"
    "[flow video]\nfrom = a\nto = server\ntype = cbr\nrate = 2Mbit/s\npacket_size = 1000B\n"
    "[flow upload]\nfrom = b\nto = server\ntype = poisson\nrate = 1.5Mbit/s\npacket_size = 800B\n"
    "[flow probe]\nfrom = a\nto = server\ntype = ping\ninterval = 50ms\n";

typedef struct {
  ws_scenario *sc;
  ws_sim *sim;
  ws_world *w;
  ws_run_info info;
} run;

static run run_scenario_seed(const char *text, uint64_t seed) {
  run r = {0};
  GError *error = NULL;
  r.sc = ws_scenario_load_data("tiny.ini", text, strlen(text), NULL, &error);
  g_assert_no_error(error);
  r.sim = ws_sim_new();
  r.w = ws_world_new(r.sim, r.sc, seed, 0, &error);
  g_assert_no_error(error);
  ws_sim_run_until(r.sim, ws_world_duration(r.w));
  ws_world_finish(r.w, ws_sim_now(r.sim));
  r.info = (ws_run_info){
      .wisim_version = "test",
      .scenario_name = ws_scenario_name(r.sc),
      .scenario_path = ws_scenario_path(r.sc),
      .scenario_sha256 = ws_scenario_sha256(r.sc),
      .overrides = ws_scenario_overrides(r.sc),
      .seed = seed,
      .simulated_ns = ws_sim_now(r.sim),
      .warmup_ns = ws_world_warmup(r.w),
      .wall_s = 0.123, /* must not show: it differs from run to run */
      .events = ws_sim_events_executed(r.sim),
      .complete = true,
      .n_flows = 3,
      .total_throughput_bps = 3.5e6,
      .mean_delay_s = 0.012,
      .loss_ratio = 0,
  };
  return r;
}

static run run_scenario(const char *text) { return run_scenario_seed(text, 1); }

static void run_free(run *r) {
  ws_world_free(r->w);
  ws_sim_free(r->sim);
  ws_scenario_free(r->sc);
}

/* Writes the run's report into a new temporary folder; returns its text. */
static char *run_report(run *r, char **dir_out) {
  char *dir = g_dir_make_tmp("wisim-report-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *path = g_build_filename(dir, "report.html", NULL);
  GError *error = NULL;
  g_assert_true(ws_report_write_run(path, r->sc, r->w, &r->info, &error));
  g_assert_no_error(error);
  char *html = read_text(path);
  /* Written atomically: nothing but the report is left in the folder. */
  GDir *d = g_dir_open(dir, 0, NULL);
  unsigned files = 0;
  for (const char *name; (name = g_dir_read_name(d));)
    files++;
  g_dir_close(d);
  g_assert_cmpuint(files, ==, 1);
  g_free(path);
  if (dir_out)
    *dir_out = dir;
  else {
    char *p = g_build_filename(dir, "report.html", NULL);
    g_unlink(p);
    g_free(p);
    g_rmdir(dir);
    g_free(dir);
  }
  return html;
}

/* ---- the run report -------------------------------------------------------------- */

static void test_run_contents(void) {
  run r = run_scenario(scenario_text);
  char *html = run_report(&r, NULL);

  /* Name, description (paragraphs, an example as preformatted text, code
   * spans), parameters; escaped. */
  g_assert_nonnull(strstr(html, "<h1>tiny</h1>"));
  g_assert_nonnull(
      strstr(html, "<p>A tiny study network: two senders &amp; one &lt;bottleneck&gt;.</p>"));
  g_assert_nonnull(strstr(html, "<p>Second paragraph with <code>code</code>.</p>"));
  g_assert_nonnull(strstr(html, "<pre>wisim run tiny.ini</pre>"));
  g_assert_nonnull(strstr(html, "<pre class=\"scenario\">"));
  g_assert_nonnull(strstr(html, "queue = codel"));

  /* The run facts, without the wall-clock time. */
  g_assert_nonnull(strstr(html, ws_scenario_sha256(r.sc)));
  g_assert_null(strstr(html, "0.123"));

  /* The map: 3 hosts (circles), 1 router (rect); core is not linked, so
   * not drawn; 3 links, CoDel named on its label. */
  char *map = svg_by_id(html, "map");
  g_assert_nonnull(map);
  g_assert_cmpuint(count(map, "<circle class=\"host\""), ==, 3 + 1); /* + the key */
  g_assert_cmpuint(count(map, "<rect class=\"router\""), ==, 1 + 1);
  g_assert_cmpuint(count(map, "<path class=\"edge\""), ==, 3);
  g_assert_nonnull(strstr(map, "4 Mbit/s, 5ms, codel"));
  g_assert_null(strstr(map, ">core<"));
  g_free(map);

  /* Time series: one line per flow, per link direction (zero lines left
   * out, with a note), the ping RTT. */
  g_assert_cmpuint(chart_lines(html, "chart-ts-throughput_bps"), ==, 3);
  unsigned queue_lines = chart_lines(html, "chart-ts-queue_packets");
  g_assert_cmpuint(queue_lines, >=, 1);
  g_assert_cmpuint(queue_lines, <=, 6);
  g_assert_cmpuint(chart_lines(html, "chart-ts-utilisation"), >=, 3);
  g_assert_cmpuint(chart_lines(html, "chart-ts-rtt_s"), ==, 1);
  g_assert_nonnull(strstr(html, "Throughput (Mbit/s)"));
  g_assert_nonnull(strstr(html, "Simulated time (s)"));

  /* CDFs: one-way delay of the two UDP flows, RTT of the ping flow, and
   * the throughput of the three flows over the intervals. */
  g_assert_cmpuint(chart_lines(html, "chart-cdf-delay"), ==, 2);
  g_assert_cmpuint(chart_lines(html, "chart-cdf-rtt"), ==, 1);
  g_assert_cmpuint(chart_lines(html, "chart-cdf-throughput"), ==, 3);
  g_assert_null(strstr(html, "chart-cdf-response"));
  /* A CDF line is a staircase of the 201 quantiles: 1 M + 2 x 200 L. */
  char *cdf = svg_by_id(html, "chart-cdf-delay");
  const char *d = strstr(strstr(cdf, "<path class=\"series\""), " d=\"M");
  g_assert_nonnull(d);
  const char *d_end = strchr(d + 4, '"');
  char *path = g_strndup(d, d_end - d);
  g_assert_cmpuint(count(path, " L"), ==, 400);
  g_free(path);
  g_free(cdf);

  /* Tables: a row per flow, a row per link direction. */
  const char *flows = strstr(html, "<table id=\"flows-table\">");
  const char *links = strstr(html, "<table id=\"links-table\">");
  g_assert_nonnull(flows);
  g_assert_nonnull(links);
  char *flows_t = g_strndup(flows, strstr(flows, "</table>") - flows);
  char *links_t = g_strndup(links, strstr(links, "</table>") - links);
  g_assert_cmpuint(count(flows_t, "<tr>"), ==, 1 + 3);
  g_assert_cmpuint(count(links_t, "<tr>"), ==, 1 + 6);
  g_assert_nonnull(strstr(flows_t, "<td>video</td><td>a \u2192 server</td><td>udp / cbr</td>"));
  g_assert_nonnull(strstr(links_t, "<td>bottleneck</td><td>edge \u2192 server</td>"));
  g_free(flows_t);
  g_free(links_t);

  /* Self-contained: no script, no external resource of any kind. */
  g_assert_null(strstr(html, "<script"));
  g_assert_null(strstr(html, "<link"));
  g_assert_null(strstr(html, "<img"));
  g_assert_null(strstr(html, "url("));
  g_assert_null(strstr(html, "@import"));
  g_assert_null(strstr(html, "href=\"http"));
  g_assert_null(strstr(html, "src="));
  /* The only URL is the SVG namespace name, which is never fetched. */
  g_assert_cmpuint(count(html, "http"), ==, count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  g_assert_null(strstr(html, "NaN"));
  g_assert_null(strstr(html, "nan"));
  g_assert_null(strstr(html, "inf\""));
  g_free(html);
  run_free(&r);
}

static void test_run_deterministic(void) {
  /* Two runs of the same scenario give the same bytes; a different seed
   * changes the data, hence the page. */
  run a = run_scenario(scenario_text), b = run_scenario(scenario_text);
  char *ha = run_report(&a, NULL), *hb = run_report(&b, NULL);
  g_assert_cmpstr(ha, ==, hb);
  /* Writing again from the same world gives the same bytes too. */
  char *again = run_report(&a, NULL);
  g_assert_cmpstr(ha, ==, again);
  g_free(again);
  run c = run_scenario_seed(scenario_text, 2);
  char *hc = run_report(&c, NULL);
  g_assert_cmpstr(ha, !=, hc);
  g_free(hc);
  run_free(&c);
  g_free(ha);
  g_free(hb);
  run_free(&a);
  run_free(&b);
}

/* ---- the builder's own API ---------------------------------------------------------- */

static void test_escaping(void) {
  ws_report *r = ws_report_new("<b>bold</b> & \"quoted\" 'single'");
  ws_report_set_scenario(r, "# Say <script>alert('x')</script> & bye\n[simulation]\n");
  ws_report_add_fact(r, "key <k>", "value & <v>");
  ws_report_node n1 = {.name = "a<b", .kind = "host", .azimuth_deg = NAN, .group = -1};
  ws_report_node n2 = {.name = "c&d", .kind = "router", .azimuth_deg = NAN, .group = -1};
  unsigned i1 = ws_report_map_add_node(r, &n1), i2 = ws_report_map_add_node(r, &n2);
  ws_report_map_add_edge(r, &(ws_report_edge){.name = "l\"1", .detail = "x>y", .a = i1, .b = i2});
  double x[2] = {0, 1}, y[2] = {1, 2};
  ws_report_line line = {.label = "<line>", .x = x, .y = y, .n = 2};
  ws_report_add_chart(r, WS_REPORT_TIME_SERIES,
                      &(ws_report_chart){.id = "custom",
                                         .title = "T<i>",
                                         .x_label = "x (s)",
                                         .y_label = "y & z",
                                         .lines = &line,
                                         .n_lines = 1});
  char *html = ws_report_html(r);
  g_assert_null(strstr(html, "<script"));
  g_assert_null(strstr(html, "<b>"));
  g_assert_null(strstr(html, "<line>"));
  g_assert_null(strstr(html, "<i>"));
  g_assert_nonnull(
      strstr(html, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;single&#39;"));
  g_assert_nonnull(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  g_assert_nonnull(strstr(html, "key &lt;k&gt;"));
  g_assert_nonnull(strstr(html, "value &amp; &lt;v&gt;"));
  g_assert_nonnull(strstr(html, ">a&lt;b<"));
  g_assert_nonnull(strstr(html, ">c&amp;d<"));
  g_assert_nonnull(strstr(html, ">l&quot;1<"));
  g_assert_nonnull(strstr(html, ">x&gt;y<"));
  g_assert_nonnull(strstr(html, "&lt;line&gt;"));
  g_assert_nonnull(strstr(html, "y &amp; z"));
  /* Invalid UTF-8 is replaced, control characters dropped. */
  GString *s = g_string_new(NULL);
  rp_escape(s, "a\xff"
               "b\x01"
               "c");
  g_assert_true(g_utf8_validate(s->str, -1, NULL));
  g_assert_null(strchr(s->str, '\x01'));
  g_string_free(s, TRUE);
  g_free(html);
  ws_report_free(r);
}

static void test_chart_rules(void) {
  ws_report *r = ws_report_new("charts");
  /* No points: the title and "no data", no svg. */
  ws_report_line empty = {.label = "nothing", .x = NULL, .y = NULL, .n = 0};
  ws_report_add_chart(r, WS_REPORT_DISTRIBUTIONS,
                      &(ws_report_chart){.id = "empty",
                                         .title = "Empty chart",
                                         .x_label = "x",
                                         .y_label = "y",
                                         .cdf = true,
                                         .lines = &empty,
                                         .n_lines = 1});
  /* Twelve lines: eight drawn, a note says so. */
  double x[3] = {0, 1, 2}, y[12][3];
  ws_report_line lines[12];
  char labels[12][16];
  for (unsigned i = 0; i < 12; i++) {
    for (unsigned k = 0; k < 3; k++)
      y[i][k] = i + k;
    g_snprintf(labels[i], sizeof labels[i], "line %u", i);
    lines[i] = (ws_report_line){.label = labels[i], .x = x, .y = y[i], .n = 3};
  }
  ws_report_add_chart(r, WS_REPORT_TIME_SERIES,
                      &(ws_report_chart){.id = "many",
                                         .title = "Many",
                                         .x_label = "Time (s)",
                                         .y_label = "v",
                                         .lines = lines,
                                         .n_lines = 12});
  /* All zero: said in words. */
  double zero[3] = {0, 0, 0};
  ws_report_line flat = {.label = "flat", .x = x, .y = zero, .n = 3};
  ws_report_add_chart(r, WS_REPORT_TIME_SERIES,
                      &(ws_report_chart){.id = "flat",
                                         .title = "Flat",
                                         .x_label = "Time (s)",
                                         .y_label = "v",
                                         .lines = &flat,
                                         .n_lines = 1});
  char *html = ws_report_html(r);
  g_assert_null(strstr(html, "id=\"chart-empty\""));
  g_assert_nonnull(strstr(html, "<h3>Empty chart</h3><p class=\"nodata\">no data</p>"));
  g_assert_cmpuint(chart_lines(html, "chart-many"), ==, RP_MAX_LINES);
  g_assert_nonnull(strstr(html, "Showing the first 8 of 12 lines."));
  /* Short lines get a marker per point. */
  char *svg = svg_by_id(html, "chart-many");
  g_assert_cmpuint(count(svg, "<circle"), ==, RP_MAX_LINES * 3);
  g_free(svg);
  g_assert_null(strstr(html, "id=\"chart-flat\""));
  g_assert_nonnull(strstr(html, "0 everywhere"));
  g_free(html);
  ws_report_free(r);
}

static void test_series_cap(void) {
  /* Twelve flows in the series: the eight with the largest mean are drawn,
   * in series order; the others are named in the note's count. */
  ws_series *s = ws_series_new();
  for (unsigned k = 1; k <= 4; k++)
    for (unsigned i = 0; i < 12; i++) {
      char entity[32];
      g_snprintf(entity, sizeof entity, "flow f%u", i);
      ws_series_add(s, (ws_time)k * 1000000000, entity, "throughput_bps", (i + 1) * 1e5);
      ws_series_add(s, (ws_time)k * 1000000000, entity, "cwnd_bytes", 0);
    }
  ws_report *r = ws_report_new("cap");
  ws_report_add_series(r, s);
  char *html = ws_report_html(r);
  g_assert_cmpuint(chart_lines(html, "chart-ts-throughput_bps"), ==, 8);
  char *svg = svg_by_id(html, "chart-ts-throughput_bps");
  g_assert_null(strstr(svg, ">f3<")); /* among the four smallest */
  g_assert_nonnull(strstr(svg, ">f4<"));
  g_assert_nonnull(strstr(svg, ">f11<"));
  g_free(svg);
  g_assert_nonnull(strstr(html, "Showing the 8 of 12 flows with the largest mean"));
  /* 1.2 Mbit/s at most: the axis is in Mbit/s. */
  g_assert_nonnull(strstr(html, "Throughput (Mbit/s)"));
  /* cwnd zero for every flow: no chart, a sentence. */
  g_assert_null(strstr(html, "id=\"chart-ts-cwnd_bytes\""));
  g_assert_nonnull(strstr(html, "Congestion window per flow"));
  g_free(html);
  ws_report_free(r);
  ws_series_free(s);
}

static void test_thinning(void) {
  /* 100000 points become at most RP_MAX_POINTS + 2, keeping the extremes. */
  enum { N = 100000 };
  double *x = g_new(double, N), *y = g_new(double, N);
  for (unsigned i = 0; i < N; i++) {
    x[i] = i;
    y[i] = sin(i * 0.001) + (i == 77777 ? 10 : 0) - (i == 12345 ? 10 : 0);
  }
  rp_chart *c = rp_chart_new("t", "t", "x", "y");
  rp_chart_add_line(c, "l", x, y, NULL, N);
  const rp_line *l = g_ptr_array_index(c->lines, 0);
  g_assert_cmpuint(l->n, <=, RP_MAX_POINTS + 2);
  double lo = INFINITY, hi = -INFINITY;
  for (unsigned i = 0; i < l->n; i++) {
    lo = fmin(lo, l->y[i]);
    hi = fmax(hi, l->y[i]);
    if (i) g_assert_cmpfloat(l->x[i], >, l->x[i - 1]); /* still in order */
  }
  g_assert_cmpfloat(hi, ==, y[77777]);
  g_assert_cmpfloat(lo, ==, y[12345]);
  rp_chart_free(c);
  g_free(x);
  g_free(y);
}

static void test_units(void) {
  const char *unit;
  double f;
  struct {
    const char *metric;
    double max;
    const char *quantity, *unit;
    double factor;
  } cases[] = {
      {"throughput_bps", 9.9e6, "Throughput", "Mbit/s", 1e-6},
      {"throughput_bps", 999, "Throughput", "bit/s", 1},
      {"throughput_bps", 2.5e9, "Throughput", "Gbit/s", 1e-9},
      {"delay_p95_s", 0.042, "95th percentile delay", "ms", 1e3},
      {"delay_p95_s", 4e-5, "95th percentile delay", "\u00b5s", 1e6},
      {"srtt_s", 1.5, "Smoothed round-trip time", "s", 1},
      {"cwnd_bytes", 64000, "Congestion window", "kB", 1e-3},
      {"utilisation", 1, "Utilisation", "%", 100},
      {"queue_packets", 3, "Queue length", "packets", 1},
      {"mos", 4.4, "Mean opinion score", "", 1},
      /* Unknown metrics: the unit from the suffix. */
      {"rx_power_dbm", -80, "Rx power", "dBm", 1},
      {"handover_count", 3, "Handover count", "", 1},
      {"cell_range_m", 25000, "Cell range", "km", 1e-3},
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *q = rp_metric_display(cases[i].metric, cases[i].max, &unit, &f);
    g_assert_cmpstr(q, ==, cases[i].quantity);
    g_assert_cmpstr(unit, ==, cases[i].unit);
    g_assert_cmpfloat(f, ==, cases[i].factor);
    g_free(q);
  }
  char *label = rp_axis_label("Throughput", "Mbit/s");
  g_assert_cmpstr(label, ==, "Throughput (Mbit/s)");
  g_free(label);
  /* Locale-independent numbers, no "-0". */
  GString *s = g_string_new(NULL);
  rp_num(s, "%.1f", -0.01);
  g_string_append_c(s, ' ');
  rp_num(s, "%.2f", 1.5);
  g_string_append_c(s, ' ');
  rp_num(s, "%.1f", NAN);
  g_assert_cmpstr(s->str, ==, "0.0 1.50 0.0");
  g_string_free(s, TRUE);
}

static void test_axes(void) {
  /* Ticks at 1-2-5 steps that cover the data, labelled with just enough
   * decimals: data 0..0.37 -> 0, 0.1, ..., 0.4. */
  double x[2] = {0, 10}, y[2] = {0.05, 0.37};
  ws_report *r = ws_report_new("axes");
  ws_report_line line = {.label = "l", .x = x, .y = y, .n = 2};
  ws_report_add_chart(r, WS_REPORT_TIME_SERIES,
                      &(ws_report_chart){.id = "a",
                                         .title = "A",
                                         .x_label = "Time (s)",
                                         .y_label = "Loss (%)",
                                         .lines = &line,
                                         .n_lines = 1});
  char *html = ws_report_html(r);
  char *svg = svg_by_id(html, "chart-a");
  for (unsigned i = 0; i <= 4; i++) {
    char tick[32];
    g_snprintf(tick, sizeof tick, "text-anchor=\"end\">0.%u<", i);
    if (i == 0) g_snprintf(tick, sizeof tick, "text-anchor=\"end\">0.0<");
    g_assert_nonnull(strstr(svg, tick));
  }
  g_assert_null(strstr(svg, ">0.5<"));
  /* x: 0..10 in steps of 2. */
  g_assert_nonnull(strstr(svg, "text-anchor=\"middle\">10<"));
  g_assert_nonnull(strstr(svg, "text-anchor=\"middle\">2<"));
  g_assert_nonnull(strstr(svg, ">Time (s)<"));
  g_assert_nonnull(strstr(svg, ">Loss (%)<"));
  g_free(svg);
  g_free(html);
  ws_report_free(r);
}

static void test_map_positions(void) {
  /* Positioned nodes (cells, UEs) are drawn where they are, north up; the
   * wired part beside them; every mark inside the drawing. */
  ws_report *r = ws_report_new("radio");
  unsigned c0 = ws_report_map_add_node(r, &(ws_report_node){.name = "site/0",
                                                            .kind = "cell",
                                                            .positioned = true,
                                                            .x_m = 0,
                                                            .y_m = 0,
                                                            .azimuth_deg = 90,
                                                            .group = 0});
  ws_report_map_add_node(r, &(ws_report_node){.name = "ue/0",
                                              .kind = "ue",
                                              .positioned = true,
                                              .x_m = 500,
                                              .y_m = 500,
                                              .azimuth_deg = NAN,
                                              .group = 0});
  ws_report_map_add_node(r, &(ws_report_node){.name = "ue/1",
                                              .kind = "ue",
                                              .positioned = true,
                                              .x_m = -500,
                                              .y_m = -500,
                                              .azimuth_deg = NAN,
                                              .group = 1});
  unsigned core = ws_report_map_add_node(
      r, &(ws_report_node){.name = "core", .kind = "router", .azimuth_deg = NAN, .group = -1});
  ws_report_map_add_edge(r, &(ws_report_edge){.name = "backhaul", .a = c0, .b = core});
  char *html = ws_report_html(r);
  char *map = svg_by_id(html, "map");
  g_assert_cmpuint(count(map, "<circle class=\"ue\""), ==, 2 + 1);
  g_assert_cmpuint(count(map, "<path class=\"sector\""), ==, 1);
  g_assert_nonnull(strstr(map, "UE (colour: serving cell)"));
  /* ue/0 (north-east) is above and right of ue/1: smaller y, larger x. */
  const char *u0 = strstr(map, "<circle class=\"ue\" r=\"4.5\" cx=\"");
  const char *u1 = strstr(u0 + 1, "<circle class=\"ue\" r=\"4.5\" cx=\"");
  double x0 = g_ascii_strtod(u0 + strlen("<circle class=\"ue\" r=\"4.5\" cx=\""), NULL);
  double x1 = g_ascii_strtod(u1 + strlen("<circle class=\"ue\" r=\"4.5\" cx=\""), NULL);
  double y0 = g_ascii_strtod(strstr(u0, "cy=\"") + 4, NULL);
  double y1 = g_ascii_strtod(strstr(u1, "cy=\"") + 4, NULL);
  g_assert_cmpfloat(x0, >, x1);
  g_assert_cmpfloat(y0, <, y1);
  for (const char *p = strstr(map, "cx=\""); p; p = strstr(p + 1, "cx=\"")) {
    double v = g_ascii_strtod(p + 4, NULL);
    g_assert_cmpfloat(v, >=, 0);
    g_assert_cmpfloat(v, <=, 900);
  }
  g_free(map);
  g_free(html);
  ws_report_free(r);
}

static void test_grid(void) {
  /* A coverage-like grid: 1 km x 750 m in 25 m squares, SINR falling with
   * the distance from a cell at the centre, no value in the south-west
   * corner. Squares of one colour level merge along rows. */
  enum { NX = 40, NY = 30 };
  double values[NX * NY];
  unsigned n_nan = 0;
  for (unsigned row = 0; row < NY; row++)
    for (unsigned col = 0; col < NX; col++) {
      double x = -500 + (col + 0.5) * 25, y = -375 + (row + 0.5) * 25;
      bool corner = row < 4 && col < 4;
      values[row * NX + col] = corner ? NAN : 30 - 20 * log10(1 + hypot(x, y) / 50);
      n_nan += corner;
    }
  ws_report *r = ws_report_new("coverage");
  ws_report_map_add_node(
      r, &(ws_report_node){
             .name = "site/0", .kind = "cell", .positioned = true, .azimuth_deg = 120, .group = 0});
  ws_report_add_grid(r, &(ws_report_grid){.id = "sinr",
                                          .title = "Coverage: best-server SINR",
                                          .value_label = "SINR (dB)",
                                          .x0_m = -500,
                                          .y0_m = -375,
                                          .step_m = 25,
                                          .nx = NX,
                                          .ny = NY,
                                          .values = values});
  double none[4] = {NAN, NAN, NAN, NAN};
  ws_report_add_grid(r, &(ws_report_grid){.id = "empty",
                                          .title = "Empty grid",
                                          .value_label = "x",
                                          .step_m = 1,
                                          .nx = 2,
                                          .ny = 2,
                                          .values = none});
  char *html = ws_report_html(r);
  char *svg = svg_by_id(html, "grid-sinr");
  g_assert_nonnull(svg);
  unsigned rects = count(svg, "<rect");
  /* 48 in the colour bar; the squares merged into fewer rectangles than
   * squares, but at least one per row. */
  g_assert_cmpuint(rects - 48, <, NX * NY - n_nan);
  g_assert_cmpuint(rects - 48, >=, NY);
  g_assert_nonnull(strstr(svg, ">SINR (dB)<"));
  g_assert_nonnull(strstr(svg, "<path class=\"sector\""));
  /* The darkest and the brightest viridis colours: the lowest and highest
   * values are both there. */
  g_assert_nonnull(strstr(svg, "fill=\"#440154\""));
  g_assert_nonnull(strstr(svg, "fill=\"#fde725\""));
  g_assert_nonnull(strstr(svg, ">x, east (m)<"));
  g_free(svg);
  g_assert_null(strstr(html, "id=\"grid-empty\""));
  g_assert_nonnull(strstr(html, "<h3>Empty grid</h3><p class=\"nodata\">no data</p>"));
  g_free(html);
  ws_report_free(r);
}

static void test_limits(void) {
  /* A large network: no map beyond 2000 nodes, tables cut at 500 rows with
   * a note; the page stays small enough to open. */
  ws_report *r = ws_report_new("big");
  for (unsigned i = 0; i < 2100; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "h/%u", i);
    ws_report_map_add_node(
        r, &(ws_report_node){.name = name, .kind = "host", .azimuth_deg = NAN, .group = -1});
  }
  enum { N = 600 };
  ws_flow_stats *stats = g_new0(ws_flow_stats, N);
  ws_flow_stats **flows = g_new(ws_flow_stats *, N);
  for (unsigned i = 0; i < N; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "f/%u", i);
    ws_flow_stats_init(&stats[i], name, "a", "b", "udp", "cbr");
    stats[i].completion_ns = -1;
    stats[i].mos = NAN;
    flows[i] = &stats[i];
  }
  ws_report_add_flows(r, flows, N);
  char *html = ws_report_html(r);
  g_assert_null(strstr(html, "id=\"map\""));
  g_assert_nonnull(strstr(html, "2100 nodes: too many to draw"));
  g_assert_nonnull(strstr(html, "<td>f/499</td>"));
  g_assert_null(strstr(html, "<td>f/500</td>"));
  g_assert_nonnull(strstr(html, "The first 500 of 600 flows"));
  /* Nothing received: delays not defined, no delay CDF drawn. */
  g_assert_null(strstr(html, "chart-cdf-delay"));
  g_assert_cmpuint(strlen(html), <, 1000000);
  g_free(html);
  for (unsigned i = 0; i < N; i++)
    ws_flow_stats_clear(&stats[i]);
  g_free(stats);
  g_free(flows);
  ws_report_free(r);
}

static void test_no_series(void) {
  /* metrics_interval = 0s: no time series section, the CDFs of delay stay. */
  char *text = g_strdup(scenario_text);
  char *at = strstr(text, "metrics_interval = 250ms");
  memcpy(at, "metrics_interval = 0s   ", strlen("metrics_interval = 250ms"));
  run r = run_scenario(text);
  char *html = run_report(&r, NULL);
  g_assert_null(strstr(html, "id=\"timeseries\""));
  g_assert_null(strstr(html, "chart-cdf-throughput"));
  g_assert_cmpuint(chart_lines(html, "chart-cdf-delay"), ==, 2);
  g_free(html);
  run_free(&r);
  g_free(text);
}

/* ---- mobility ---------------------------------------------------------------------- */

/* The numbers after `after` in "M<x> <y>" form: the first point of a path. */
static void first_xy(const char *after, double *x, double *y) {
  const char *m = strstr(after, "d=\"M");
  g_assert_nonnull(m);
  char *end;
  *x = g_ascii_strtod(m + 4, &end);
  *y = g_ascii_strtod(end, NULL);
}

static void test_mobility(void) {
  /* Two cells 1 km apart on the x axis, ue/0 walking east from (100, 0) to
   * (900, 0) and handing over at (500, 0), ue/1 static; 150 rows in
   * handovers.csv (140 handovers, 10 failures): the run facts sum the UE
   * rows, the table holds 100 rows and says 50 more are in the CSV, the
   * track and the marks are drawn in the map's frame. */
  ws_cell_stats cells[2] = {
      {.name = "A", .site = -1, .x_m = 0, .y_m = 0, .azimuth_deg = NAN},
      {.name = "B", .site = -1, .x_m = 1000, .y_m = 0, .azimuth_deg = NAN},
  };
  ws_ue_stats ues[2] = {
      {.name = "ue/0", .cell = "B", .x_m = 900, .y_m = 0, .handovers = 140, .pingpongs = 7,
       .rlfs = 10, .reestablishments = 9, .interruption_s = 1.5},
      {.name = "ue/1", .cell = "A", .x_m = 100, .y_m = 300, .handovers = 0},
  };
  enum { ROWS = 150 };
  ws_handover_row rows[ROWS];
  for (unsigned i = 0; i < ROWS; i++) {
    bool ho = i < 140;
    rows[i] = (ws_handover_row){.time_ns = (ws_time)(i + 1) * 1000000,
                                .ue = "ue/0",
                                .from_cell = ho ? "A" : NULL,
                                .to_cell = ho ? "B" : NULL,
                                .kind = ho ? "handover" : "rlf",
                                .x_m = ho ? 500 : 100, /* failures where ue/1 stands */
                                .y_m = ho ? 0 : 300,
                                .serving_rsrp_dbm = -90,
                                .target_rsrp_dbm = ho ? -85 : NAN};
  }
  ws_series *s = ws_series_new();
  for (unsigned t = 0; t <= 8; t++) {
    ws_time at = (ws_time)t * 1000000000;
    ws_series_add(s, at, "ue ue/0", "sinr_db", 3);
    /* x and y of one instant in either order. */
    if (t % 2) {
      ws_series_add(s, at, "ue ue/0", "y_m", 0);
      ws_series_add(s, at, "ue ue/0", "x_m", 100 + 100.0 * t);
    } else {
      ws_series_add(s, at, "ue ue/0", "x_m", 100 + 100.0 * t);
      ws_series_add(s, at, "ue ue/0", "y_m", 0);
    }
    ws_series_add(s, at, "ue ue/1", "sinr_db", 5); /* static: no track */
  }
  ws_report *r = ws_report_new("mobility");
  ws_report_add_fact(r, "Seed", "1");
  ws_report_add_radio(r, cells, 2, ues, 2, NULL);
  ws_report_add_mobility(r, ues, 2, rows, ROWS, s);
  char *html = ws_report_html(r);
  g_assert_nonnull(strstr(html, "<tr><th>Handovers</th><td>140</td></tr>"));
  g_assert_nonnull(strstr(html, "<th>Ping-pong handovers (of the handovers)</th><td>7</td>"));
  g_assert_nonnull(strstr(html, "<th>Radio link failures</th><td>10</td>"));
  g_assert_nonnull(strstr(html, "<th>Re-establishments</th><td>9</td>"));
  g_assert_nonnull(strstr(html, "<th>Service interruption</th><td>1.500 s"));
  g_assert_nonnull(strstr(html, "<a href=\"#handovers\">Handovers</a>"));
  /* The table: 100 rows, the first at 1 ms, the last at 100 ms. */
  const char *tab = strstr(html, "<table id=\"handovers-table\">");
  g_assert_nonnull(tab);
  char *table = g_strndup(tab, strstr(tab, "</table>") - tab);
  g_assert_cmpuint(count(table, "<tr>"), ==, 1 + 100);
  g_assert_nonnull(strstr(table, "<tr><td class=\"n\">0.001</td><td>ue/0</td><td>A</td><td>B</td>"
                                 "<td>handover</td><td class=\"n\">500.0</td>"));
  g_assert_nonnull(strstr(table, "<td class=\"n\">0.100</td>"));
  g_assert_null(strstr(table, "<td class=\"n\">0.101</td>"));
  g_free(table);
  g_assert_nonnull(strstr(html, "The first 100 of 150 rows; the other 50 are in handovers.csv."));
  /* The map: one track (ue/0, coloured like its serving cell B, group 1)
   * and 150 marks, with their key. */
  char *map = svg_by_id(html, "map");
  const char *tracks = strstr(map, "<g id=\"map-tracks\">");
  g_assert_nonnull(tracks);
  g_assert_cmpuint(count(map, "<path class=\"track\""), ==, 1 + 1);
  g_assert_cmpuint(count(tracks, " L"), >=, 8);
  g_assert_nonnull(strstr(map, "<title>ue/0 (track)</title>"));
  g_assert_null(strstr(map, "ue/1 (track)"));
  const char *ue0 = strstr(map, "<circle class=\"ue\" r=\"4.5\" cx=\"");
  g_assert_nonnull(ue0);
  char *fill0 = g_strdup_printf("stroke=\"%.7s\"", strstr(ue0, "fill=\"") + 6);
  g_assert_nonnull(strstr(tracks, fill0));
  g_free(fill0);
  g_assert_cmpuint(count(map, "<path class=\"ho\""), ==, 140 + 1);
  g_assert_cmpuint(count(map, "<path class=\"rlf\""), ==, 10 + 1);
  g_assert_nonnull(strstr(map, "<g id=\"map-handovers\">"));
  /* Same frame as the nodes: the track starts west of where it ends (ue/0's
   * dot, x = 900) and the handover diamond is half-way between the cells,
   * on their line. */
  double tx, ty, hx, hy;
  first_xy(tracks, &tx, &ty);
  first_xy(strstr(map, "<path class=\"ho\""), &hx, &hy);
  double ux = g_ascii_strtod(ue0 + strlen("<circle class=\"ue\" r=\"4.5\" cx=\""), NULL);
  double uy = g_ascii_strtod(strstr(ue0, "cy=\"") + 4, NULL);
  const char *cell_a = strstr(map, "<path class=\"cell\" d=\"M");
  const char *cell_b = strstr(cell_a + 1, "<path class=\"cell\" d=\"M");
  double ax, ay, bx, by;
  first_xy(cell_a, &ax, &ay);
  first_xy(cell_b, &bx, &by);
  /* Positions are written to 0.1 px. */
  g_assert_cmpfloat(fabs(ty - uy), <, 0.11);
  g_assert_cmpfloat(tx, <, ux);
  g_assert_cmpfloat(fabs(hx - (ax + bx) / 2), <, 0.11);
  g_assert_cmpfloat(fabs((hy + 4.5) - (ay + 9)), <, 0.11); /* diamond top, triangle apex */
  /* North is up for the marks too: the failures' crosses are centred on
   * ue/1's dot (100, 300). */
  const char *ue1 = strstr(ue0 + 1, "<circle class=\"ue\" r=\"4.5\" cx=\"");
  double u1x = g_ascii_strtod(ue1 + strlen("<circle class=\"ue\" r=\"4.5\" cx=\""), NULL);
  double u1y = g_ascii_strtod(strstr(ue1, "cy=\"") + 4, NULL);
  double rx, ry;
  first_xy(strstr(map, "<path class=\"rlf\""), &rx, &ry);
  g_assert_cmpfloat(u1y, <, uy - 50);
  g_assert_cmpfloat(fabs(rx + 3.5 - u1x), <, 0.11);
  g_assert_cmpfloat(fabs(ry + 3.5 - u1y), <, 0.11);
  g_free(map);
  g_free(html);
  ws_report_free(r);
  ws_series_free(s);

  /* Nobody moved: no facts, no table, no tracks or marks. */
  ues[0].handovers = ues[0].pingpongs = ues[0].rlfs = ues[0].reestablishments = 0;
  ues[0].interruption_s = 0;
  r = ws_report_new("static");
  ws_report_add_fact(r, "Seed", "1");
  ws_report_add_radio(r, cells, 2, ues, 2, NULL);
  ws_report_add_mobility(r, ues, 2, NULL, 0, NULL);
  html = ws_report_html(r);
  g_assert_null(strstr(html, "<th>Handovers</th>"));
  g_assert_null(strstr(html, "handovers-table"));
  g_assert_null(strstr(html, "map-tracks"));
  g_assert_null(strstr(html, "map-handovers"));
  g_free(html);
  ws_report_free(r);
}

static void test_mobility_limits(void) {
  /* 105 moving UEs of 500 positions each: 100 tracks drawn, a note saying
   * so, each thinned to at most 400 points (keeping its last). */
  enum { N = 105, T = 500 };
  ws_series *s = ws_series_new();
  for (unsigned t = 0; t < T; t++)
    for (unsigned u = 0; u < N; u++) {
      char entity[32];
      g_snprintf(entity, sizeof entity, "ue w/%u", u);
      ws_series_add(s, (ws_time)t * 1000000, entity, "x_m", t);
      ws_series_add(s, (ws_time)t * 1000000, entity, "y_m", u);
    }
  ws_cell_stats cell = {.name = "A", .site = -1, .azimuth_deg = NAN};
  ws_report *r = ws_report_new("many");
  ws_report_add_radio(r, &cell, 1, NULL, 0, NULL);
  ws_report_add_mobility(r, NULL, 0, NULL, 0, s);
  char *html = ws_report_html(r);
  char *map = svg_by_id(html, "map");
  g_assert_cmpuint(count(map, "<path class=\"track\""), ==, 100 + 1);
  g_assert_nonnull(strstr(map, "<title>w/99 (track)</title>"));
  g_assert_null(strstr(map, "<title>w/100 (track)</title>"));
  g_assert_nonnull(strstr(html, "The tracks of the first 100 of 105 moving UEs are drawn"));
  const char *t0 = strstr(map, "<path class=\"track\"");
  char *path = g_strndup(t0, strstr(t0, "\">") - t0);
  g_assert_cmpuint(count(path, " L") + 1, <=, 400);
  g_assert_cmpuint(count(path, " L") + 1, >=, 250);
  g_free(path);
  g_assert_cmpuint(strlen(html), <, 2000000);
  g_free(map);
  g_free(html);
  ws_report_free(r);
  ws_series_free(s);
}

/* ---- the sweep report -------------------------------------------------------------- */

static char *write_tmp(const char *dir, const char *name, const char *text) {
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  return path;
}

static void test_sweep(void) {
  /* Three rates (given out of order: drawn sorted), two flows, a link;
   * sent_packets is not a headline metric; upload's delay has no value at
   * 1Mbit/s (empty field). The key is CSV-quoted as the aggregate does when
   * needed. */
  const char *csv = "point,\"flow upload.rate\",file,entity,metric,mean,sd,ci95,n\n"
                    "0,2Mbit/s,flows.csv,video,throughput_bps,3990000,1000,800,10\n"
                    "0,2Mbit/s,flows.csv,upload,throughput_bps,1995000,9000,7000,10\n"
                    "0,2Mbit/s,flows.csv,video,sent_packets,3750,0,0,10\n"
                    "0,2Mbit/s,flows.csv,video,delay_mean_s,0.0172,0.0001,0.00008,10\n"
                    "0,2Mbit/s,flows.csv,upload,delay_mean_s,0.0175,0.0002,0.0001,10\n"
                    "0,2Mbit/s,links.csv,bottleneck edge->core,utilisation,0.78,0.01,0.007,10\n"
                    "1,1Mbit/s,flows.csv,video,throughput_bps,3991000,1000,800,10\n"
                    "1,1Mbit/s,flows.csv,upload,throughput_bps,998000,9000,7000,10\n"
                    "1,1Mbit/s,flows.csv,video,sent_packets,3750,0,0,10\n"
                    "1,1Mbit/s,flows.csv,video,delay_mean_s,0.0170,0.0001,0.00008,10\n"
                    "1,1Mbit/s,flows.csv,upload,delay_mean_s,,,,0\n"
                    "1,1Mbit/s,links.csv,bottleneck edge->core,utilisation,0.65,0.01,0.007,10\n"
                    "2,3Mbit/s,flows.csv,video,throughput_bps,3989000,1000,800,10\n"
                    "2,3Mbit/s,flows.csv,upload,throughput_bps,2990000,9000,7000,10\n"
                    "2,3Mbit/s,flows.csv,video,sent_packets,3750,0,0,10\n"
                    "2,3Mbit/s,flows.csv,video,delay_mean_s,0.0195,0.0003,0.0002,10\n"
                    "2,3Mbit/s,flows.csv,upload,delay_mean_s,0.0199,0.0003,0.0002,10\n"
                    "2,3Mbit/s,links.csv,bottleneck edge->core,utilisation,0.91,0.01,0.007,10\n";
  char *dir = g_dir_make_tmp("wisim-sweep-XXXXXX", NULL);
  char *in = write_tmp(dir, "sweep.csv", csv);
  char *out = g_build_filename(dir, "report.html", NULL);
  GError *error = NULL;
  g_assert_true(ws_report_write_sweep(in, out, &error));
  g_assert_no_error(error);
  char *html = read_text(out);

  g_assert_nonnull(strstr(html, "3 points, 10 replications each"));
  g_assert_nonnull(strstr(html, "<th>flow upload.rate</th>"));
  /* One chart per headline metric, none for sent_packets. */
  g_assert_cmpuint(chart_lines(html, "chart-sweep-0-throughput_bps"), ==, 2);
  g_assert_cmpuint(chart_lines(html, "chart-sweep-1-delay_mean_s"), ==, 2);
  g_assert_cmpuint(chart_lines(html, "chart-sweep-2-utilisation"), ==, 1);
  g_assert_null(strstr(html, "sent_packets"));
  /* x is the rate in Mbit/s, sorted; y with its unit; error bars where a
   * CI exists (3 + 3 throughput, 3 + 2 delay). */
  g_assert_nonnull(strstr(html, ">flow upload.rate (Mbit/s)<"));
  g_assert_nonnull(strstr(html, ">Throughput (Mbit/s)<"));
  g_assert_nonnull(strstr(html, ">Mean delay (ms)<"));
  char *thr = svg_by_id(html, "chart-sweep-0-throughput_bps");
  g_assert_cmpuint(count(thr, "class=\"errbar\""), ==, 6);
  g_assert_cmpuint(count(thr, "<circle"), ==, 6);
  /* The upload line rises left to right: sorted by rate, its y (screen)
   * falls. */
  const char *up = strstr(thr, "<path class=\"series\" stroke=\"#D55E00\"");
  g_assert_nonnull(up);
  double ys[3];
  const char *p = strstr(up, "d=\"M") + 4;
  for (unsigned k = 0; k < 3; k++) {
    char *end;
    g_ascii_strtod(p, &end);
    ys[k] = g_ascii_strtod(end, &end);
    p = strchr(end, 'L');
    if (p)
      p++;
    else
      g_assert_cmpuint(k, ==, 2);
  }
  g_assert_cmpfloat(ys[0], >, ys[1]);
  g_assert_cmpfloat(ys[1], >, ys[2]);
  g_free(thr);
  char *delay = svg_by_id(html, "chart-sweep-1-delay_mean_s");
  g_assert_cmpuint(count(delay, "class=\"errbar\""), ==, 5);
  g_free(delay);
  g_assert_nonnull(strstr(html, "bottleneck edge\u2192core"));

  /* Deterministic. */
  char *out2 = g_build_filename(dir, "report2.html", NULL);
  g_assert_true(ws_report_write_sweep(in, out2, &error));
  char *html2 = read_text(out2);
  g_assert_cmpstr(html, ==, html2);
  g_free(html2);
  g_free(html);
  g_unlink(out2);
  g_free(out2);

  /* Categorical values (queue disciplines) and a second key: one line per
   * entity and value of the second key. */
  const char *csv2 = "point,link l.queue,link l.rate,file,entity,metric,mean,sd,ci95,n\n"
                     "0,droptail,1Mbit/s,flows.csv,f,delay_mean_s,0.5,0.1,0.05,5\n"
                     "1,droptail,2Mbit/s,flows.csv,f,delay_mean_s,0.3,0.1,0.05,5\n"
                     "2,codel,1Mbit/s,flows.csv,f,delay_mean_s,0.05,0.01,0.005,5\n"
                     "3,codel,2Mbit/s,flows.csv,f,delay_mean_s,0.04,0.01,0.005,5\n";
  char *in2 = write_tmp(dir, "sweep2.csv", csv2);
  g_assert_true(ws_report_write_sweep(in2, out, &error));
  html = read_text(out);
  g_assert_cmpuint(chart_lines(html, "chart-sweep-0-delay_mean_s"), ==, 2);
  g_assert_nonnull(strstr(html, "f, link l.rate=1Mbit/s"));
  g_assert_nonnull(strstr(html, "text-anchor=\"middle\">droptail<"));
  g_assert_nonnull(strstr(html, "text-anchor=\"middle\">codel<"));
  g_free(html);

  /* Malformed: the line is named; nothing is written. */
  g_unlink(out);
  char *bad = write_tmp(dir, "bad.csv",
                        "point,k,file,entity,metric,mean,sd,ci95,n\n"
                        "0,1,flows.csv,f,throughput_bps,1,0,0,2\n"
                        "1,2,flows.csv,f,throughput_bps,abc,0,0,2\n");
  g_assert_false(ws_report_write_sweep(bad, out, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull(strstr(error->message, "bad.csv:3:"));
  g_clear_error(&error);
  g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  char *bad2 = write_tmp(dir, "bad2.csv", "a,b,c\n1,2,3\n");
  g_assert_false(ws_report_write_sweep(bad2, out, &error));
  g_assert_nonnull(strstr(error->message, "bad2.csv:1:"));
  g_clear_error(&error);
  char *missing = g_build_filename(dir, "missing.csv", NULL);
  g_assert_false(ws_report_write_sweep(missing, out, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error(&error);

  const char *names[] = {"sweep.csv", "sweep2.csv", "bad.csv", "bad2.csv"};
  for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
    char *pth = g_build_filename(dir, names[i], NULL);
    g_unlink(pth);
    g_free(pth);
  }
  g_rmdir(dir);
  g_free(missing);
  g_free(bad);
  g_free(bad2);
  g_free(in);
  g_free(in2);
  g_free(out);
  g_free(dir);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/report/run-contents", test_run_contents);
  g_test_add_func("/report/run-deterministic", test_run_deterministic);
  g_test_add_func("/report/escaping", test_escaping);
  g_test_add_func("/report/chart-rules", test_chart_rules);
  g_test_add_func("/report/series-cap", test_series_cap);
  g_test_add_func("/report/thinning", test_thinning);
  g_test_add_func("/report/units", test_units);
  g_test_add_func("/report/axes", test_axes);
  g_test_add_func("/report/map-positions", test_map_positions);
  g_test_add_func("/report/grid", test_grid);
  g_test_add_func("/report/limits", test_limits);
  g_test_add_func("/report/no-series", test_no_series);
  g_test_add_func("/report/sweep", test_sweep);
  g_test_add_func("/report/mobility", test_mobility);
  g_test_add_func("/report/mobility-limits", test_mobility_limits);
  return g_test_run();
}
