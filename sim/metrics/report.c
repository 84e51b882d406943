/* wisim run report: assembles report.html from what a run leaves behind
 * (the scenario text, the run info, the network, the flow and link
 * collectors, the time series) without changing any of it, and writes it
 * atomically. Drawing is in report-svg.c; the sweep report in report-sweep.c. */
#include <math.h>
#include <string.h>

#include "report-int.h"
#include "wisim/link.h"
#include "wisim/queue.h"
#include "wisim/units.h"

/* Beyond these a page becomes too large to open comfortably (a flow group
 * may have 1e5 members); the CSV files hold everything. */
#define REPORT_MAX_ROWS 500u
#define REPORT_MAX_MAP_NODES 2000u
/* Mobility: the handovers table, the tracks and the marks drawn (the CSV
 * files hold everything); a track is thinned to this many points. */
#define REPORT_MAX_HANDOVER_ROWS 100u
#define REPORT_MAX_TRACKS 100u
#define REPORT_MAX_MARKS 2000u
#define REPORT_MAX_TRACK_POINTS 400u

struct ws_report {
  char *title;
  char *scenario_text;    /* NULL until set */
  GPtrArray *facts;       /* char *: key, value, key, value, ... */
  GArray *nodes;          /* ws_report_node, strings owned */
  GArray *edges;          /* ws_report_edge, strings owned */
  GPtrArray *ts_charts;   /* rp_chart * */
  GPtrArray *dist_charts; /* rp_chart * */
  GPtrArray *grids;       /* rp_grid * */
  GString *flows_table;   /* HTML, or NULL */
  GString *links_table;   /* HTML, or NULL */
  GString *cells_table;   /* HTML, or NULL */
  GString *handovers_table; /* HTML, or NULL */
  GPtrArray *tracks;      /* mob_track *, at most REPORT_MAX_TRACKS */
  unsigned n_tracks_total; /* moving UEs in the series */
  GArray *marks;          /* rp_mark, titles owned, at most REPORT_MAX_MARKS */
  unsigned n_marks_total;
};

/* A moving UE's positions, in the order of the series. */
typedef struct {
  char *name; /* the UE's name (the entity without "ue "), owned */
  GArray *x_m, *y_m; /* double */
  ws_time last_ns;   /* time of the last point */
} mob_track;

static void mob_track_free(mob_track *t) {
  g_free(t->name);
  g_array_free(t->x_m, TRUE);
  g_array_free(t->y_m, TRUE);
  g_free(t);
}

static void grid_free(rp_grid *g) {
  g_free(g->id);
  g_free(g->title);
  g_free(g->value_label);
  g_free(g->values);
  g_free(g);
}

ws_report *ws_report_new(const char *title) {
  g_return_val_if_fail(title != NULL, NULL);
  ws_report *r = g_new0(ws_report, 1);
  r->title = g_strdup(title);
  r->facts = g_ptr_array_new_with_free_func(g_free);
  r->nodes = g_array_new(FALSE, TRUE, sizeof(ws_report_node));
  r->edges = g_array_new(FALSE, TRUE, sizeof(ws_report_edge));
  r->ts_charts = g_ptr_array_new_with_free_func((GDestroyNotify)rp_chart_free);
  r->dist_charts = g_ptr_array_new_with_free_func((GDestroyNotify)rp_chart_free);
  r->grids = g_ptr_array_new_with_free_func((GDestroyNotify)grid_free);
  r->tracks = g_ptr_array_new_with_free_func((GDestroyNotify)mob_track_free);
  r->marks = g_array_new(FALSE, TRUE, sizeof(rp_mark));
  return r;
}

void ws_report_free(ws_report *r) {
  if (!r) return;
  for (unsigned i = 0; i < r->nodes->len; i++) {
    ws_report_node *nd = &g_array_index(r->nodes, ws_report_node, i);
    g_free((char *)nd->name);
    g_free((char *)nd->kind);
  }
  for (unsigned i = 0; i < r->edges->len; i++) {
    ws_report_edge *e = &g_array_index(r->edges, ws_report_edge, i);
    g_free((char *)e->name);
    g_free((char *)e->detail);
  }
  g_array_free(r->nodes, TRUE);
  g_array_free(r->edges, TRUE);
  g_ptr_array_free(r->facts, TRUE);
  g_ptr_array_free(r->ts_charts, TRUE);
  g_ptr_array_free(r->dist_charts, TRUE);
  g_ptr_array_free(r->grids, TRUE);
  if (r->flows_table) g_string_free(r->flows_table, TRUE);
  if (r->links_table) g_string_free(r->links_table, TRUE);
  if (r->cells_table) g_string_free(r->cells_table, TRUE);
  if (r->handovers_table) g_string_free(r->handovers_table, TRUE);
  g_ptr_array_free(r->tracks, TRUE);
  for (unsigned i = 0; i < r->marks->len; i++)
    g_free((char *)g_array_index(r->marks, rp_mark, i).title);
  g_array_free(r->marks, TRUE);
  g_free(r->scenario_text);
  g_free(r->title);
  g_free(r);
}

void ws_report_set_scenario(ws_report *r, const char *scenario_text) {
  g_return_if_fail(r != NULL && scenario_text != NULL);
  g_free(r->scenario_text);
  r->scenario_text = g_strdup(scenario_text);
}

void ws_report_add_fact(ws_report *r, const char *key, const char *value) {
  g_return_if_fail(r != NULL && key != NULL && value != NULL);
  g_ptr_array_add(r->facts, g_strdup(key));
  g_ptr_array_add(r->facts, g_strdup(value));
}

/* ---- formatting ------------------------------------------------------------ */

static char *fmt_time(ws_time t) {
  char buf[64];
  return g_strdup(ws_units_format_time(t, buf, sizeof buf));
}

static char *fmt_rate(double bps) {
  const char *unit;
  double factor;
  g_free(rp_metric_display("throughput_bps", bps, &unit, &factor));
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(num, sizeof num, "%.6g", bps * factor);
  return g_strdup_printf("%s %s", num, unit);
}

/* A table cell's number with four significant figures or so, fixed point
 * (no exponent), the same whatever the locale. */
static void put_sig(GString *out, double v) {
  double a = fabs(v);
  rp_num(out, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
}

static void put_u64(GString *out, uint64_t v) {
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
}

/* "DL x, UL y" of the two directions that are defined, each formatted by
 * put (value, out); "not defined" when neither is. Caller frees. */
static char *fmt_dl_ul(double dl, double ul, void (*put)(GString *, double)) {
  GString *s = g_string_new(NULL);
  if (isfinite(dl)) {
    g_string_append(s, "DL ");
    put(s, dl);
  }
  if (isfinite(ul)) {
    g_string_append(s, s->len ? ", UL " : "UL ");
    put(s, ul);
  }
  if (!s->len) g_string_append(s, "not defined (no UE with traffic)");
  return g_string_free(s, FALSE);
}

static void put_se(GString *out, double v) {
  rp_num(out, "%.3f", v);
  g_string_append(out, " bit/s/Hz/cell");
}

static void put_rate(GString *out, double bps) {
  char *v = fmt_rate(bps);
  g_string_append(out, v);
  g_free(v);
}

/* The 3GPP headline of a run with cells (ws_radio_headline). */
static void add_radio_facts(ws_report *r, const ws_radio_headline *h) {
  if (h->n_cells == 0) return;
  char *v = g_strdup_printf("%u (%u UEs, %u out of coverage)", h->n_cells, h->n_ues,
                            h->n_ues_out_of_coverage);
  ws_report_add_fact(r, "Cells", v);
  g_free(v);
  v = fmt_dl_ul(h->cell_se_dl, h->cell_se_ul, put_se);
  ws_report_add_fact(r, "Mean cell spectral efficiency", v);
  g_free(v);
  v = fmt_dl_ul(h->ue_p5_dl_bps, h->ue_p5_ul_bps, put_rate);
  ws_report_add_fact(r, "5th-percentile UE throughput (cell edge)", v);
  g_free(v);
  v = fmt_dl_ul(h->ue_mean_dl_bps, h->ue_mean_ul_bps, put_rate);
  ws_report_add_fact(r, "Mean UE throughput", v);
  g_free(v);
}

void ws_report_add_run_info(ws_report *r, const ws_run_info *info) {
  g_return_if_fail(r != NULL && info != NULL);
  char *v;
  if (info->scenario_path) ws_report_add_fact(r, "Scenario file", info->scenario_path);
  if (info->scenario_sha256) ws_report_add_fact(r, "Scenario SHA-256", info->scenario_sha256);
  GString *ov = g_string_new(NULL);
  for (const char *const *o = info->overrides; o && *o; o++)
    g_string_append_printf(ov, "%s%s", ov->len ? "\n" : "", *o);
  ws_report_add_fact(r, "Overrides (--set)", ov->len ? ov->str : "none");
  g_string_free(ov, TRUE);
  if (info->wisim_version) ws_report_add_fact(r, "wisim version", info->wisim_version);
  v = g_strdup_printf("%" G_GUINT64_FORMAT, info->seed);
  ws_report_add_fact(r, "Seed", v);
  g_free(v);
  v = g_strdup_printf("%" G_GUINT64_FORMAT, info->run_index);
  ws_report_add_fact(r, "Run index", v);
  g_free(v);
  v = fmt_time(info->simulated_ns);
  ws_report_add_fact(r, "Simulated time", v);
  g_free(v);
  v = fmt_time(info->warmup_ns);
  ws_report_add_fact(r, "Warmup (not measured)", v);
  g_free(v);
  v = g_strdup_printf("%" G_GUINT64_FORMAT, info->events);
  ws_report_add_fact(r, "Events executed", v);
  g_free(v);
  ws_report_add_fact(r, "Complete", info->complete ? "yes" : "no (interrupted)");
  v = g_strdup_printf("%u", info->n_flows);
  ws_report_add_fact(r, "Flows", v);
  g_free(v);
  if (info->n_flows) {
    v = fmt_rate(info->total_throughput_bps);
    ws_report_add_fact(r, "Total throughput", v);
    g_free(v);
    if (isfinite(info->mean_delay_s)) {
      const char *unit;
      double factor;
      g_free(rp_metric_display("delay_mean_s", info->mean_delay_s, &unit, &factor));
      GString *s = g_string_new(NULL);
      put_sig(s, info->mean_delay_s * factor);
      g_string_append_printf(s, " %s (packet-weighted over the flows)", unit);
      ws_report_add_fact(r, "Mean delay", s->str);
      g_string_free(s, TRUE);
    }
    if (isfinite(info->loss_ratio)) {
      GString *s = g_string_new(NULL);
      rp_num(s, "%.4g", info->loss_ratio * 100);
      g_string_append(s, " %");
      ws_report_add_fact(r, "Packets lost", s->str);
      g_string_free(s, TRUE);
    }
  }
  add_radio_facts(r, &info->radio);
}

/* ---- the map ------------------------------------------------------------------ */

unsigned ws_report_map_add_node(ws_report *r, const ws_report_node *node) {
  g_return_val_if_fail(r != NULL && node != NULL && node->name != NULL, 0);
  ws_report_node copy = *node;
  copy.name = g_strdup(node->name);
  copy.kind = g_strdup(node->kind ? node->kind : "host");
  g_array_append_val(r->nodes, copy);
  return r->nodes->len - 1;
}

void ws_report_map_add_edge(ws_report *r, const ws_report_edge *edge) {
  g_return_if_fail(r != NULL && edge != NULL);
  g_return_if_fail(edge->a < r->nodes->len && edge->b < r->nodes->len);
  ws_report_edge copy = *edge;
  copy.name = g_strdup(edge->name ? edge->name : "");
  copy.detail = g_strdup(edge->detail);
  g_array_append_val(r->edges, copy);
}

/* ws_report_map_add_net; a network node whose name is already on the map
 * (a cell or UE placed by ws_report_add_radio; placed: name -> index + 1,
 * or NULL) is not added again, its links drawn to the placed node. */
static void map_add_net_with(ws_report *r, const ws_net *net, GHashTable *placed) {
  unsigned n = ws_net_n_nodes(net);
  unsigned *index = g_new(unsigned, n);
  for (unsigned i = 0; i < n; i++) {
    const ws_node *nd = ws_net_node(net, i);
    index[i] = G_MAXUINT;
    unsigned at = placed ? GPOINTER_TO_UINT(g_hash_table_lookup(placed, ws_node_name(nd))) : 0;
    if (at) {
      index[i] = at - 1;
      continue;
    }
    /* The built-in core exists in every network: drawn only when used. */
    if (strcmp(ws_node_name(nd), "core") == 0 && ws_node_n_ifaces(nd) == 0) continue;
    ws_report_node rn = {
        .name = ws_node_name(nd),
        .kind = ws_node_get_kind(nd) == WS_NODE_ROUTER ? "router" : "host",
        .azimuth_deg = NAN,
        .group = -1,
    };
    index[i] = ws_report_map_add_node(r, &rn);
  }
  for (unsigned i = 0; i < ws_net_n_links(net); i++) {
    const ws_link *l = ws_net_link(net, i);
    const ws_link_config *cfg = ws_link_get_config(l);
    char *rate = fmt_rate((double)cfg->rate_bps);
    char *delay = fmt_time(cfg->delay_ns);
    /* The link keeps no discipline name in its config: ask its queue. */
    const ws_queue *q = ws_link_get_queue(l, 0);
    const char *disc = q && q->ops ? q->ops->name : NULL;
    char *detail = disc && strcmp(disc, "droptail") != 0
                       ? g_strdup_printf("%s, %s, %s", rate, delay, disc)
                       : g_strdup_printf("%s, %s", rate, delay);
    ws_report_edge e = {
        .name = ws_link_name(l),
        .detail = detail,
        .a = index[ws_node_index(ws_link_end(l, 0))],
        .b = index[ws_node_index(ws_link_end(l, 1))],
    };
    if (e.a != G_MAXUINT && e.b != G_MAXUINT) ws_report_map_add_edge(r, &e);
    g_free(rate);
    g_free(delay);
    g_free(detail);
  }
  g_free(index);
}

void ws_report_map_add_net(ws_report *r, const ws_net *net) {
  g_return_if_fail(r != NULL && net != NULL);
  map_add_net_with(r, net, NULL);
}

/* ---- charts --------------------------------------------------------------------- */

void ws_report_add_chart(ws_report *r, ws_report_section section, const ws_report_chart *chart) {
  g_return_if_fail(r != NULL && chart != NULL && chart->id != NULL && chart->title != NULL);
  char *id = g_strconcat("chart-", chart->id, NULL);
  rp_chart *c = rp_chart_new(id, chart->title, chart->x_label ? chart->x_label : "",
                             chart->y_label ? chart->y_label : "");
  g_free(id);
  c->step = chart->cdf;
  c->y_unit_interval = chart->cdf;
  unsigned shown = chart->n_lines < RP_MAX_LINES ? chart->n_lines : RP_MAX_LINES;
  for (unsigned i = 0; i < shown; i++) {
    const ws_report_line *l = &chart->lines[i];
    rp_chart_add_line(c, l->label, l->x, l->y, l->y_err, l->n);
  }
  if (chart->note) rp_chart_note(c, "%s", chart->note);
  if (shown < chart->n_lines)
    rp_chart_note(c, "Showing the first %u of %u lines.", shown, chart->n_lines);
  g_ptr_array_add(section == WS_REPORT_TIME_SERIES ? r->ts_charts : r->dist_charts, c);
}

void ws_report_add_grid(ws_report *r, const ws_report_grid *grid) {
  g_return_if_fail(r != NULL && grid != NULL && grid->id != NULL && grid->title != NULL);
  g_return_if_fail(grid->step_m > 0 && grid->nx > 0 && grid->ny > 0 && grid->values != NULL);
  rp_grid *g = g_new0(rp_grid, 1);
  g->id = g_strconcat("grid-", grid->id, NULL);
  g->title = g_strdup(grid->title);
  g->value_label = g_strdup(grid->value_label ? grid->value_label : "");
  g->x0_m = grid->x0_m;
  g->y0_m = grid->y0_m;
  g->step_m = grid->step_m;
  g->nx = grid->nx;
  g->ny = grid->ny;
  g->values = g_memdup2(grid->values, (gsize)grid->nx * grid->ny * sizeof(double));
  g_ptr_array_add(r->grids, g);
}

/* "flow video" -> "video"; "link bottleneck edge->core" -> "bottleneck
 * edge→core". Caller frees. */
static char *entity_label(const char *entity) {
  const char *sp = strchr(entity, ' ');
  const char *rest =
      sp && (g_str_has_prefix(entity, "flow ") || g_str_has_prefix(entity, "link ") ||
             g_str_has_prefix(entity, "cell ") || g_str_has_prefix(entity, "ue "))
          ? sp + 1
          : entity;
  char **parts = g_strsplit(rest, "->", -1);
  char *label = g_strjoinv("\u2192", parts);
  g_strfreev(parts);
  return label;
}

/* Plural noun of an entity kind, from the first word of its name. */
static const char *entity_noun(const char *entity) {
  if (g_str_has_prefix(entity, "flow ")) return "flow";
  if (g_str_has_prefix(entity, "link ")) return "link direction";
  if (g_str_has_prefix(entity, "cell ")) return "cell";
  if (g_str_has_prefix(entity, "ue ")) return "UE";
  return NULL;
}

/* One time-series line being gathered. */
typedef struct {
  const char *entity; /* interned by the series */
  GArray *t_s, *v;
  double sum_abs;
  bool nonzero;
} ts_line;

typedef struct {
  const char *metric; /* interned by the series */
  GPtrArray *lines;   /* ts_line *, in order of first appearance */
  GHashTable *by_entity;
} ts_family;

static void ts_line_free(ts_line *l) {
  g_array_free(l->t_s, TRUE);
  g_array_free(l->v, TRUE);
  g_free(l);
}

static void ts_family_free(ts_family *f) {
  g_ptr_array_free(f->lines, TRUE);
  g_hash_table_destroy(f->by_entity);
  g_free(f);
}

/* The order of the charts: the network's own metrics first, in a reading
 * order; any other in the order of first appearance after them. */
static const char *const ts_order[] = {
    "throughput_bps",  "queue_packets", "utilisation", "cwnd_bytes",
    "bytes_in_flight", "srtt_s",        "rtt_s",       "ssthresh_bytes",
};

static int ts_rank(const char *metric) {
  for (unsigned i = 0; i < G_N_ELEMENTS(ts_order); i++)
    if (strcmp(metric, ts_order[i]) == 0) return (int)i;
  return (int)G_N_ELEMENTS(ts_order);
}

/* A chart of family f: lines capped at RP_MAX_LINES (lines that are zero
 * throughout are left out first, then the smallest by mean), the unit
 * scaled to the largest value. */
static rp_chart *family_chart(const ts_family *f) {
  unsigned n = f->lines->len;
  double max_abs = 0;
  unsigned n_nonzero = 0;
  for (unsigned i = 0; i < n; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    for (unsigned j = 0; j < l->v->len; j++)
      max_abs = fmax(max_abs, fabs(g_array_index(l->v, double, j)));
    if (l->nonzero) n_nonzero++;
  }
  const char *unit;
  double factor;
  char *quantity = rp_metric_display(f->metric, max_abs, &unit, &factor);
  const char *noun = NULL;
  for (unsigned i = 0; i < n; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    const char *nn = entity_noun(l->entity);
    if (i == 0)
      noun = nn;
    else if (!nn || !noun || strcmp(nn, noun) != 0)
      noun = NULL;
  }
  char *title = noun ? g_strdup_printf("%s per %s", quantity, noun) : g_strdup(quantity);
  char *id = g_strdup_printf("chart-ts-%s", f->metric);
  g_strcanon(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
  char *y_label = rp_axis_label(quantity, unit);
  rp_chart *c = rp_chart_new(id, title, "Simulated time (s)", y_label);
  g_free(id);
  g_free(y_label);

  /* Which lines: zero-throughout ones only when nothing else moves. */
  bool drop_zero = n_nonzero > 0 && n_nonzero < n;
  double *score = g_new(double, n);
  bool *keep = g_new(bool, n);
  for (unsigned i = 0; i < n; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    score[i] = drop_zero && !l->nonzero ? -1 : l->v->len ? l->sum_abs / l->v->len : 0;
  }
  unsigned kept = rp_pick_top(score, n, keep);
  unsigned n_zero_dropped = 0;
  GString *zero_names = g_string_new(NULL);
  for (unsigned i = 0; i < n; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    if (drop_zero && !l->nonzero && keep[i]) {
      keep[i] = false;
      kept--;
    }
    if (drop_zero && !l->nonzero) {
      if (n_zero_dropped < 6) {
        char *lab = entity_label(l->entity);
        g_string_append_printf(zero_names, "%s%s", n_zero_dropped ? ", " : "", lab);
        g_free(lab);
      }
      n_zero_dropped++;
    }
  }
  for (unsigned i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const ts_line *l = g_ptr_array_index(f->lines, i);
    double *y = g_new(double, l->v->len);
    for (unsigned j = 0; j < l->v->len; j++)
      y[j] = g_array_index(l->v, double, j) * factor;
    char *label = entity_label(l->entity);
    rp_chart_add_line(c, label, (const double *)(void *)l->t_s->data, y, NULL, l->v->len);
    g_free(label);
    g_free(y);
  }
  if (strcmp(f->metric, "throughput_bps") == 0 || strcmp(f->metric, "queue_packets") == 0 ||
      strcmp(f->metric, "utilisation") == 0)
    rp_chart_note(c, "Each point is the average over the metrics interval that ends at its time.");
  if (n_zero_dropped)
    rp_chart_note(c, "Zero throughout, not drawn (%u): %s%s.", n_zero_dropped, zero_names->str,
                  n_zero_dropped > 6 ? ", \u2026" : "");
  unsigned n_candidates = n - n_zero_dropped;
  if (kept < n_candidates)
    rp_chart_note(c, "Showing the %u of %u %ss with the largest mean; all are in timeseries.csv.",
                  kept, n_candidates, noun ? noun : "line");
  g_string_free(zero_names, TRUE);
  g_free(score);
  g_free(keep);
  g_free(quantity);
  g_free(title);
  return c;
}

static int sort_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* The empirical CDF of each flow's throughput over the intervals. */
static rp_chart *throughput_cdf(const ts_family *f) {
  unsigned n = 0;
  double max_abs = 0;
  for (unsigned i = 0; i < f->lines->len; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    if (!g_str_has_prefix(l->entity, "flow ")) continue;
    n++;
    for (unsigned j = 0; j < l->v->len; j++)
      max_abs = fmax(max_abs, fabs(g_array_index(l->v, double, j)));
  }
  if (!n) return NULL;
  const char *unit;
  double factor;
  char *quantity = rp_metric_display("throughput_bps", max_abs, &unit, &factor);
  char *x_label = g_strdup_printf("Throughput over one metrics interval (%s)", unit);
  rp_chart *c = rp_chart_new("chart-cdf-throughput", "CDF of throughput per flow", x_label,
                             "Fraction of intervals \u2264 x");
  c->step = true;
  c->y_unit_interval = true;
  double *score = g_new0(double, f->lines->len);
  bool *keep = g_new0(bool, f->lines->len);
  for (unsigned i = 0; i < f->lines->len; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    score[i] = !g_str_has_prefix(l->entity, "flow ") ? -INFINITY
               : l->v->len                           ? l->sum_abs / l->v->len
                                                     : 0;
  }
  unsigned kept = rp_pick_top(score, f->lines->len, keep);
  for (unsigned i = 0; i < f->lines->len; i++) {
    const ts_line *l = g_ptr_array_index(f->lines, i);
    if (!keep[i] || !g_str_has_prefix(l->entity, "flow ")) {
      if (keep[i]) kept--;
      continue;
    }
    unsigned m = 0;
    double *v = g_new(double, l->v->len + 1);
    for (unsigned j = 0; j < l->v->len; j++) {
      double x = g_array_index(l->v, double, j);
      if (isfinite(x)) v[m++] = x * factor;
    }
    qsort(v, m, sizeof *v, sort_double);
    double *x = g_new(double, m + 1), *y = g_new(double, m + 1);
    if (m) {
      x[0] = v[0];
      y[0] = 0;
    }
    for (unsigned j = 0; j < m; j++) {
      x[j + 1] = v[j];
      y[j + 1] = (double)(j + 1) / m;
    }
    char *label = entity_label(l->entity);
    rp_chart_add_line(c, label, x, y, NULL, m ? m + 1 : 0);
    g_free(label);
    g_free(v);
    g_free(x);
    g_free(y);
  }
  if (kept < n)
    rp_chart_note(c, "Showing the %u of %u flows with the largest mean throughput.", kept, n);
  g_free(score);
  g_free(keep);
  g_free(quantity);
  g_free(x_label);
  return c;
}

void ws_report_add_series(ws_report *r, const ws_series *s) {
  g_return_if_fail(r != NULL && s != NULL);
  GHashTable *families = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *order = g_ptr_array_new_with_free_func((GDestroyNotify)ts_family_free);
  unsigned rows = ws_series_rows(s);
  for (unsigned i = 0; i < rows; i++) {
    ws_time t;
    const char *entity, *metric;
    double value;
    ws_series_row(s, i, &t, &entity, &metric, &value);
    /* Positions against time say little: the map draws them as tracks. */
    if (!strcmp(metric, "x_m") || !strcmp(metric, "y_m")) continue;
    ts_family *f = g_hash_table_lookup(families, metric);
    if (!f) {
      f = g_new0(ts_family, 1);
      f->metric = metric;
      f->lines = g_ptr_array_new_with_free_func((GDestroyNotify)ts_line_free);
      f->by_entity = g_hash_table_new(g_str_hash, g_str_equal);
      g_hash_table_insert(families, (char *)metric, f);
      g_ptr_array_add(order, f);
    }
    ts_line *l = g_hash_table_lookup(f->by_entity, entity);
    if (!l) {
      l = g_new0(ts_line, 1);
      l->entity = entity;
      l->t_s = g_array_new(FALSE, FALSE, sizeof(double));
      l->v = g_array_new(FALSE, FALSE, sizeof(double));
      g_hash_table_insert(f->by_entity, (char *)entity, l);
      g_ptr_array_add(f->lines, l);
    }
    double t_s = ws_time_to_s(t);
    g_array_append_val(l->t_s, t_s);
    g_array_append_val(l->v, value);
    if (isfinite(value)) {
      l->sum_abs += fabs(value);
      if (value != 0) l->nonzero = true;
    }
  }
  /* Stable order: known metrics by rank, the others as they came. */
  for (int rank = 0; rank <= (int)G_N_ELEMENTS(ts_order); rank++)
    for (unsigned i = 0; i < order->len; i++) {
      const ts_family *f = g_ptr_array_index(order, i);
      if (ts_rank(f->metric) == rank) g_ptr_array_add(r->ts_charts, family_chart(f));
    }
  ts_family *thr = g_hash_table_lookup(families, "throughput_bps");
  if (thr) {
    rp_chart *c = throughput_cdf(thr);
    if (c) g_ptr_array_add(r->dist_charts, c);
  }
  g_ptr_array_free(order, TRUE);
  g_hash_table_destroy(families);
}

/* ---- flows ---------------------------------------------------------------------- */

/* A CDF chart of one kind of flow histogram: lines from the quantiles at
 * q = 0, 0.005, ..., 1 (the histogram's relative error is below 0.05%,
 * docs/outputs.md, far below a pixel). which: 0 delay, 1 response. */
#define CDF_STEPS 200

static rp_chart *hist_cdf(ws_flow_stats *const *flows, unsigned n, const bool *include, int which,
                          const char *id, const char *title, const char *metric,
                          const char *x_what) {
  unsigned m = 0;
  double max_abs = 0;
  double *score = g_new0(double, n);
  for (unsigned i = 0; i < n; i++) {
    const ws_hist *h = which ? flows[i]->response_hist : flows[i]->delay_hist;
    score[i] = -INFINITY;
    if (!include[i] || !h || !ws_hist_count(h)) continue;
    m++;
    max_abs = fmax(max_abs, ws_hist_quantile(h, 1));
    score[i] = which ? flows[i]->response.mean : flows[i]->delay.mean;
  }
  if (!m) {
    g_free(score);
    return NULL;
  }
  bool *keep = g_new0(bool, n);
  unsigned kept = rp_pick_top(score, n, keep);
  const char *unit;
  double factor;
  g_free(rp_metric_display(metric, max_abs, &unit, &factor));
  char *x_label = g_strdup_printf("%s (%s)", x_what, unit);
  rp_chart *c = rp_chart_new(id, title, x_label, "Fraction \u2264 x");
  c->step = true;
  c->y_unit_interval = true;
  double x[CDF_STEPS + 1], y[CDF_STEPS + 1];
  for (unsigned i = 0; i < n; i++) {
    const ws_hist *h = which ? flows[i]->response_hist : flows[i]->delay_hist;
    if (!keep[i] || score[i] == -INFINITY) {
      if (keep[i]) kept--;
      continue;
    }
    for (unsigned k = 0; k <= CDF_STEPS; k++) {
      y[k] = (double)k / CDF_STEPS;
      x[k] = ws_hist_quantile(h, y[k]) * factor;
    }
    rp_chart_add_line(c, flows[i]->name, x, y, NULL, CDF_STEPS + 1);
  }
  if (kept < m) rp_chart_note(c, "Showing the %u of %u flows with the largest mean.", kept, m);
  g_free(x_label);
  g_free(score);
  g_free(keep);
  return c;
}

static void th(GString *out, const char *text) {
  g_string_append(out, "<th>");
  rp_escape(out, text);
  g_string_append(out, "</th>");
}

static void td_text(GString *out, const char *text) {
  g_string_append(out, "<td>");
  rp_escape(out, text);
  g_string_append(out, "</td>");
}

static void td_u64(GString *out, uint64_t v) {
  g_string_append(out, "<td class=\"n\">");
  put_u64(out, v);
  g_string_append(out, "</td>");
}

/* A number in display units, or "–" (not defined) when not finite. */
static void td_num(GString *out, double v, double factor) {
  g_string_append(out, "<td class=\"n\">");
  if (isfinite(v))
    put_sig(out, v * factor);
  else
    g_string_append(out, "\u2013");
  g_string_append(out, "</td>");
}

/* A column header "Name (unit)" with the unit for values up to max_abs. */
static double th_metric(GString *out, const char *name, const char *metric, double max_abs) {
  const char *unit;
  double factor;
  g_free(rp_metric_display(metric, max_abs, &unit, &factor));
  char *text = *unit ? g_strdup_printf("%s (%s)", name, unit) : g_strdup(name);
  th(out, text);
  g_free(text);
  return factor;
}

static double flow_q(const ws_flow_stats *f, double q) {
  return f->delay.n && f->delay_hist ? ws_hist_quantile(f->delay_hist, q) : NAN;
}

void ws_report_add_flows(ws_report *r, ws_flow_stats *const *flows, unsigned n) {
  g_return_if_fail(r != NULL && (flows != NULL || n == 0));
  /* Columns that apply to no flow are left out. */
  bool tcp = false, completion = false, response = false, mos = false;
  double max_thr = 0, max_delay = 0, max_jitter = 0, max_completion = 0, max_response = 0;
  for (unsigned i = 0; i < n; i++) {
    const ws_flow_stats *f = flows[i];
    if (strcmp(f->transport, "tcp") == 0) tcp = true;
    if (f->completion_ns >= 0) {
      completion = true;
      max_completion = fmax(max_completion, ws_time_to_s(f->completion_ns));
    }
    if (f->response.n) {
      response = true;
      max_response = fmax(max_response, f->response.max);
    }
    if (isfinite(f->mos)) mos = true;
    max_thr = fmax(max_thr, ws_flow_stats_throughput_bps(f));
    if (f->delay.n) {
      max_delay = fmax(max_delay, f->delay.max);
      max_jitter = fmax(max_jitter, f->jitter.jitter_s);
    }
  }
  GString *t = g_string_new("<div class=\"wide\"><table id=\"flows-table\"><thead><tr>");
  th(t, "Flow");
  th(t, "From \u2192 to");
  th(t, "Transport / type");
  th(t, "Sent (packets)");
  th(t, "Received (packets)");
  th(t, "Lost (packets)");
  double f_loss = th_metric(t, "Loss", "loss_ratio", 1);
  double f_thr = th_metric(t, "Throughput", "throughput_bps", max_thr);
  double f_delay = th_metric(t, "Delay mean", "delay_mean_s", max_delay);
  th_metric(t, "p50", "delay_p50_s", max_delay);
  th_metric(t, "p95", "delay_p95_s", max_delay);
  th_metric(t, "p99", "delay_p99_s", max_delay);
  th_metric(t, "Max", "delay_max_s", max_delay);
  double f_jitter = th_metric(t, "Jitter", "jitter_s", max_jitter);
  if (tcp) {
    th(t, "Retransmissions");
    th(t, "Timeouts");
  }
  double f_completion =
      completion ? th_metric(t, "Completion", "completion_time_s", max_completion) : 1;
  double f_response = 1;
  if (response) {
    f_response = th_metric(t, "Response mean", "response_mean_s", max_response);
    th_metric(t, "Response p95", "response_p95_s", max_response);
  }
  if (mos) th(t, "MOS");
  g_string_append(t, "</tr></thead><tbody>\n");
  unsigned rows = n < REPORT_MAX_ROWS ? n : REPORT_MAX_ROWS;
  for (unsigned i = 0; i < rows; i++) {
    const ws_flow_stats *f = flows[i];
    g_string_append(t, "<tr>");
    td_text(t, f->name);
    char *ends = g_strdup_printf("%s \u2192 %s", f->from, f->to);
    td_text(t, ends);
    g_free(ends);
    char *tt = g_strdup_printf("%s / %s", f->transport, f->type);
    td_text(t, tt);
    g_free(tt);
    td_u64(t, f->sent_packets);
    td_u64(t, f->received_packets);
    uint64_t lost = ws_flow_stats_lost(f);
    td_u64(t, lost);
    td_num(t, f->sent_packets ? (double)lost / (double)f->sent_packets : NAN, f_loss);
    td_num(t, ws_flow_stats_throughput_bps(f), f_thr);
    td_num(t, f->delay.n ? f->delay.mean : NAN, f_delay);
    td_num(t, flow_q(f, 0.50), f_delay);
    td_num(t, flow_q(f, 0.95), f_delay);
    td_num(t, flow_q(f, 0.99), f_delay);
    td_num(t, f->delay.n ? f->delay.max : NAN, f_delay);
    td_num(t, f->delay.n ? f->jitter.jitter_s : NAN, f_jitter);
    bool is_tcp = strcmp(f->transport, "tcp") == 0;
    if (tcp) {
      td_num(t, is_tcp ? (double)f->retransmissions : NAN, 1);
      td_num(t, is_tcp ? (double)f->rto_count : NAN, 1);
    }
    if (completion)
      td_num(t, f->completion_ns >= 0 ? ws_time_to_s(f->completion_ns) : NAN, f_completion);
    if (response) {
      td_num(t, f->response.n ? f->response.mean : NAN, f_response);
      td_num(t, f->response.n && f->response_hist ? ws_hist_quantile(f->response_hist, 0.95) : NAN,
             f_response);
    }
    if (mos) td_num(t, f->mos, 1);
    g_string_append(t, "</tr>\n");
  }
  g_string_append(t, "</tbody></table></div>\n");
  if (rows < n)
    g_string_append_printf(t,
                           "<p class=\"note\">The first %u of %u flows; all are in "
                           "flows.csv.</p>\n",
                           rows, n);
  if (r->flows_table) g_string_free(r->flows_table, TRUE);
  r->flows_table = t;

  /* CDFs: one-way delay (UDP), round-trip time (ping), response time. */
  bool *one_way = g_new0(bool, n ? n : 1), *ping = g_new0(bool, n ? n : 1),
       *all = g_new0(bool, n ? n : 1);
  for (unsigned i = 0; i < n; i++) {
    ping[i] = strcmp(flows[i]->transport, "icmp") == 0;
    one_way[i] = !ping[i];
    all[i] = true;
  }
  rp_chart *c = hist_cdf(flows, n, one_way, 0, "chart-cdf-delay", "CDF of one-way delay per flow",
                         "delay_mean_s", "One-way delay, application to application");
  if (c) g_ptr_array_add(r->dist_charts, c);
  c = hist_cdf(flows, n, ping, 0, "chart-cdf-rtt", "CDF of ping round-trip time", "rtt_s",
               "Round-trip time");
  if (c) g_ptr_array_add(r->dist_charts, c);
  c = hist_cdf(flows, n, all, 1, "chart-cdf-response", "CDF of response time per flow",
               "response_mean_s", "Response time, request sent to response received");
  if (c) g_ptr_array_add(r->dist_charts, c);
  g_free(one_way);
  g_free(ping);
  g_free(all);
}

/* ---- links ---------------------------------------------------------------------- */

void ws_report_add_links(ws_report *r, ws_link_stats *const *links, unsigned n, ws_time window_ns,
                         ws_time end) {
  g_return_if_fail(r != NULL && (links != NULL || n == 0));
  bool aqm = false, ecn = false, loss = false, down = false, mtu = false;
  for (unsigned i = 0; i < n; i++) {
    const ws_link_stats *l = links[i];
    aqm |= l->aqm_drops > 0;
    ecn |= l->ecn_marks > 0;
    loss |= l->loss_drops > 0;
    down |= l->down_drops > 0;
    mtu |= l->mtu_drops > 0;
  }
  GString *t = g_string_new("<div class=\"wide\"><table id=\"links-table\"><thead><tr>");
  th(t, "Link");
  th(t, "Direction");
  th(t, "Rate");
  th(t, "Sent (packets)");
  double f_util = th_metric(t, "Utilisation", "utilisation", 1);
  th(t, "Mean queue (packets)");
  th(t, "Queue drops");
  if (aqm) th(t, "of which AQM");
  if (ecn) th(t, "ECN marks");
  if (loss) th(t, "Wire losses");
  if (down) th(t, "Link-down drops");
  if (mtu) th(t, "MTU drops");
  g_string_append(t, "</tr></thead><tbody>\n");
  unsigned rows = n < REPORT_MAX_ROWS ? n : REPORT_MAX_ROWS;
  for (unsigned i = 0; i < rows; i++) {
    const ws_link_stats *l = links[i];
    g_string_append(t, "<tr>");
    td_text(t, l->link);
    char *dir = g_strdup_printf("%s \u2192 %s", l->from, l->to);
    td_text(t, dir);
    g_free(dir);
    /* Rates differ by orders of magnitude: each in its own unit. */
    char *rate = fmt_rate(l->rate_bps);
    g_string_append(t, "<td class=\"n\">");
    rp_escape(t, rate);
    g_string_append(t, "</td>");
    g_free(rate);
    td_u64(t, l->tx_packets);
    td_num(t, window_ns > 0 ? (double)l->busy_ns / (double)window_ns : NAN, f_util);
    g_string_append(t, "<td class=\"n\">");
    rp_num(t, "%.3f", ws_tavg_mean(&l->queue_packets, end));
    g_string_append(t, "</td>");
    td_u64(t, l->queue_drops);
    if (aqm) td_u64(t, l->aqm_drops);
    if (ecn) td_u64(t, l->ecn_marks);
    if (loss) td_u64(t, l->loss_drops);
    if (down) td_u64(t, l->down_drops);
    if (mtu) td_u64(t, l->mtu_drops);
    g_string_append(t, "</tr>\n");
  }
  g_string_append(t, "</tbody></table></div>\n");
  if (rows < n)
    g_string_append_printf(t,
                           "<p class=\"note\">The first %u of %u link directions; all "
                           "are in links.csv.</p>\n",
                           rows, n);
  if (r->links_table) g_string_free(r->links_table, TRUE);
  r->links_table = t;
}

/* ---- cells and UEs -------------------------------------------------------------- */

/* Scenario angles are counter-clockwise from +X (east); the map's are
 * clockwise from north: 90 - a, in [0, 360). NAN stays NAN (omni). */
static double azimuth_to_bearing(double ccw_from_x_deg) {
  if (!isfinite(ccw_from_x_deg)) return NAN;
  double b = fmod(90.0 - ccw_from_x_deg, 360.0);
  return b < 0 ? b + 360.0 : b;
}

/* The UEs' throughput in one direction as the headline counts it (UEs with
 * traffic in it; out of coverage or undefined: 0), sorted; *m of them. */
static double *ue_throughputs(const ws_ue_stats *ues, unsigned n, bool dl, unsigned *m) {
  double *v = g_new(double, n ? n : 1);
  *m = 0;
  for (unsigned i = 0; i < n; i++) {
    if (!(dl ? ues[i].dl_active : ues[i].ul_active)) continue;
    double x = dl ? ues[i].throughput_dl_bps : ues[i].throughput_ul_bps;
    v[(*m)++] = ues[i].out_of_coverage || !isfinite(x) ? 0.0 : x;
  }
  qsort(v, *m, sizeof *v, sort_double);
  return v;
}

/* The empirical CDF of the UEs' throughput, a line per direction with
 * traffic; NULL when no UE has any. */
static rp_chart *ue_throughput_cdf(const ws_ue_stats *ues, unsigned n) {
  unsigned m[2];
  double *v[2] = {ue_throughputs(ues, n, true, &m[0]), ue_throughputs(ues, n, false, &m[1])};
  rp_chart *c = NULL;
  if (m[0] || m[1]) {
    double max_abs = 0;
    for (int d = 0; d < 2; d++)
      if (m[d]) max_abs = fmax(max_abs, v[d][m[d] - 1]);
    const char *unit;
    double factor;
    g_free(rp_metric_display("throughput_bps", max_abs, &unit, &factor));
    char *x_label = g_strdup_printf("UE throughput over the measured window (%s)", unit);
    c = rp_chart_new("chart-cdf-ue-throughput", "CDF of UE throughput", x_label,
                     "Fraction of UEs \u2264 x");
    g_free(x_label);
    c->step = true;
    c->y_unit_interval = true;
    const char *label[2] = {"downlink", "uplink"};
    for (int d = 0; d < 2; d++) {
      if (!m[d]) continue;
      double *x = g_new(double, m[d] + 1), *y = g_new(double, m[d] + 1);
      x[0] = v[d][0] * factor;
      y[0] = 0;
      for (unsigned j = 0; j < m[d]; j++) {
        x[j + 1] = v[d][j] * factor;
        y[j + 1] = (double)(j + 1) / m[d];
      }
      rp_chart_add_line(c, label[d], x, y, NULL, m[d] + 1);
      g_free(x);
      g_free(y);
    }
    rp_chart_note(c,
                  "UEs with traffic in that direction; a UE out of coverage counts as 0. The "
                  "5th percentile of this distribution is the cell-edge throughput of the "
                  "run facts.");
  }
  g_free(v[0]);
  g_free(v[1]);
  return c;
}

/* The cells table: one row per cell, UL columns only when some cell has an
 * uplink. The # column is the index of the serving-cell grid. */
static GString *cells_table(const ws_cell_stats *cells, unsigned n) {
  bool ul = false;
  double max_thr = 0;
  for (unsigned i = 0; i < n; i++) {
    if (isfinite(cells[i].rb_utilisation_ul) ||
        (isfinite(cells[i].throughput_ul_bps) && cells[i].throughput_ul_bps > 0))
      ul = true;
    if (isfinite(cells[i].throughput_dl_bps)) max_thr = fmax(max_thr, cells[i].throughput_dl_bps);
    if (isfinite(cells[i].throughput_ul_bps)) max_thr = fmax(max_thr, cells[i].throughput_ul_bps);
  }
  GString *t = g_string_new("<div class=\"wide\"><table id=\"cells-table\"><thead><tr>");
  th(t, "#");
  th(t, "Cell");
  th(t, "UEs");
  th(t, "Out of coverage");
  double f_util = th_metric(t, "RB utilisation DL", "utilisation", 1);
  if (ul) th_metric(t, "RB utilisation UL", "utilisation", 1);
  double f_thr = th_metric(t, "Throughput DL", "throughput_bps", max_thr);
  if (ul) th_metric(t, "Throughput UL", "throughput_bps", max_thr);
  th(t, "Spectral efficiency DL (bit/s/Hz)");
  if (ul) th(t, "Spectral efficiency UL (bit/s/Hz)");
  double f_bler = th_metric(t, "BLER DL", "bler_ratio", 1);
  th(t, "HARQ retx DL");
  g_string_append(t, "</tr></thead><tbody>\n");
  unsigned rows = n < REPORT_MAX_ROWS ? n : REPORT_MAX_ROWS;
  for (unsigned i = 0; i < rows; i++) {
    const ws_cell_stats *c = &cells[i];
    g_string_append(t, "<tr>");
    td_u64(t, i);
    td_text(t, c->name ? c->name : "");
    td_u64(t, c->ues);
    td_u64(t, c->ues_out_of_coverage);
    td_num(t, c->rb_utilisation_dl, f_util);
    if (ul) td_num(t, c->rb_utilisation_ul, f_util);
    td_num(t, c->throughput_dl_bps, f_thr);
    if (ul) td_num(t, c->throughput_ul_bps, f_thr);
    td_num(t, c->spectral_efficiency_dl, 1);
    if (ul) td_num(t, c->spectral_efficiency_ul, 1);
    td_num(t, c->bler_dl, f_bler);
    td_u64(t, c->harq_retx_dl);
    g_string_append(t, "</tr>\n");
  }
  g_string_append(t, "</tbody></table></div>\n");
  if (rows < n)
    g_string_append_printf(t,
                           "<p class=\"note\">The first %u of %u cells; all are in "
                           "cells.csv.</p>\n",
                           rows, n);
  return t;
}

/* Adds the cells and UEs to the map; placed (may be NULL) gets name ->
 * index + 1 of each. */
static void map_add_radio(ws_report *r, const ws_cell_stats *cells, unsigned n_cells,
                          const ws_ue_stats *ues, unsigned n_ues, GHashTable *placed) {
  GHashTable *cell_index = g_hash_table_new(g_str_hash, g_str_equal);
  for (unsigned i = 0; i < n_cells; i++) {
    if (!cells[i].name) continue;
    ws_report_node nd = {
        .name = cells[i].name,
        .kind = "cell",
        .positioned = isfinite(cells[i].x_m) && isfinite(cells[i].y_m),
        .x_m = cells[i].x_m,
        .y_m = cells[i].y_m,
        .azimuth_deg = azimuth_to_bearing(cells[i].azimuth_deg),
        .group = (int)i, /* the wedge takes the colour of its UEs */
    };
    unsigned at = ws_report_map_add_node(r, &nd);
    g_hash_table_insert(cell_index, (gpointer)cells[i].name, GUINT_TO_POINTER(i + 1));
    if (placed) g_hash_table_insert(placed, (gpointer)cells[i].name, GUINT_TO_POINTER(at + 1));
  }
  for (unsigned i = 0; i < n_ues; i++) {
    if (!ues[i].name) continue;
    unsigned serving = ues[i].cell ? GPOINTER_TO_UINT(g_hash_table_lookup(cell_index, ues[i].cell))
                                   : 0;
    ws_report_node nd = {
        .name = ues[i].name,
        .kind = "ue",
        .positioned = isfinite(ues[i].x_m) && isfinite(ues[i].y_m),
        .x_m = ues[i].x_m,
        .y_m = ues[i].y_m,
        .azimuth_deg = NAN,
        .group = serving ? (int)serving - 1 : -1, /* grey: no serving cell */
    };
    unsigned at = ws_report_map_add_node(r, &nd);
    if (placed) g_hash_table_insert(placed, (gpointer)ues[i].name, GUINT_TO_POINTER(at + 1));
  }
  g_hash_table_destroy(cell_index);
}

/* ws_report_add_radio, recording the placed nodes for map_add_net_with. */
static void add_radio_with(ws_report *r, const ws_cell_stats *cells, unsigned n_cells,
                           const ws_ue_stats *ues, unsigned n_ues, const ws_coverage *coverage,
                           GHashTable *placed) {
  map_add_radio(r, cells, n_cells, ues, n_ues, placed);
  if (coverage && coverage->nx > 0 && coverage->ny > 0 && coverage->step_m > 0) {
    size_t k = (size_t)coverage->nx * coverage->ny;
    /* ws_coverage gives the centre of the south-west square, the grid its
     * corner. */
    ws_report_grid g = {
        .x0_m = coverage->x0_m - coverage->step_m / 2,
        .y0_m = coverage->y0_m - coverage->step_m / 2,
        .step_m = coverage->step_m,
        .nx = coverage->nx,
        .ny = coverage->ny,
    };
    if (coverage->sinr_db) {
      g.id = "coverage-sinr";
      g.title = "Coverage: best-server SINR (every cell on, no fading)";
      g.value_label = "SINR (dB)";
      g.values = coverage->sinr_db;
      ws_report_add_grid(r, &g);
    }
    if (coverage->cell) {
      double *idx = g_new(double, k);
      for (size_t i = 0; i < k; i++) idx[i] = coverage->cell[i] >= 0 ? coverage->cell[i] : NAN;
      g.id = "coverage-server";
      g.title = "Coverage: best server (the # column of the cells table)";
      g.value_label = "Cell #";
      g.values = idx;
      ws_report_add_grid(r, &g);
      g_free(idx);
    }
  }
  rp_chart *c = ue_throughput_cdf(ues, n_ues);
  if (c) g_ptr_array_add(r->dist_charts, c);
  if (r->cells_table) g_string_free(r->cells_table, TRUE);
  r->cells_table = cells_table(cells, n_cells);
}

void ws_report_add_radio(ws_report *r, const ws_cell_stats *cells, unsigned n_cells,
                         const ws_ue_stats *ues, unsigned n_ues, const ws_coverage *coverage) {
  g_return_if_fail(r != NULL && (cells != NULL || n_cells == 0) && (ues != NULL || n_ues == 0));
  add_radio_with(r, cells, n_cells, ues, n_ues, coverage, NULL);
}

/* ---- mobility ------------------------------------------------------------------- */

/* The run facts of mobility: sums over the UEs, when any is non-zero. */
static void add_mobility_facts(ws_report *r, const ws_ue_stats *ues, unsigned n) {
  uint64_t ho = 0, pp = 0, rlf = 0, re = 0;
  double intr_s = 0;
  for (unsigned i = 0; i < n; i++) {
    ho += ues[i].handovers;
    pp += ues[i].pingpongs;
    rlf += ues[i].rlfs;
    re += ues[i].reestablishments;
    if (isfinite(ues[i].interruption_s)) intr_s += ues[i].interruption_s;
  }
  if (!ho && !pp && !rlf && !re && !(intr_s > 0)) return;
  const char *key[4] = {"Handovers", "Ping-pong handovers (of the handovers)",
                        "Radio link failures", "Re-establishments"};
  uint64_t v[4] = {ho, pp, rlf, re};
  for (int k = 0; k < 4; k++) {
    char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v[k]);
    ws_report_add_fact(r, key[k], s);
    g_free(s);
  }
  GString *s = g_string_new(NULL);
  put_sig(s, intr_s);
  g_string_append(s, " s (summed over the UEs: handover interruptions and failure to "
                     "re-establishment)");
  ws_report_add_fact(r, "Service interruption", s->str);
  g_string_free(s, TRUE);
}

/* The handovers table: the first REPORT_MAX_HANDOVER_ROWS rows. */
static GString *handovers_table(const ws_handover_row *rows, unsigned n) {
  GString *t = g_string_new("<div class=\"wide\"><table id=\"handovers-table\"><thead><tr>");
  th(t, "Time (s)");
  th(t, "UE");
  th(t, "From");
  th(t, "To");
  th(t, "Kind");
  th(t, "x (m)");
  th(t, "y (m)");
  th(t, "Serving RSRP (dBm)");
  th(t, "Target RSRP (dBm)");
  g_string_append(t, "</tr></thead><tbody>\n");
  unsigned m = n < REPORT_MAX_HANDOVER_ROWS ? n : REPORT_MAX_HANDOVER_ROWS;
  for (unsigned i = 0; i < m; i++) {
    const ws_handover_row *h = &rows[i];
    g_string_append(t, "<tr><td class=\"n\">");
    rp_num(t, "%.3f", (double)h->time_ns / 1e9);
    g_string_append(t, "</td>");
    td_text(t, h->ue ? h->ue : "");
    td_text(t, h->from_cell ? h->from_cell : "\u2013");
    td_text(t, h->to_cell ? h->to_cell : "\u2013");
    td_text(t, h->kind ? h->kind : "");
    g_string_append(t, "<td class=\"n\">");
    rp_num(t, "%.1f", h->x_m);
    g_string_append(t, "</td><td class=\"n\">");
    rp_num(t, "%.1f", h->y_m);
    g_string_append(t, "</td>");
    td_num(t, h->serving_rsrp_dbm, 1);
    td_num(t, h->target_rsrp_dbm, 1);
    g_string_append(t, "</tr>\n");
  }
  g_string_append(t, "</tbody></table></div>\n");
  if (m < n)
    g_string_append_printf(t,
                           "<p class=\"note\">The first %u of %u rows; the other %u are in "
                           "handovers.csv.</p>\n",
                           m, n, n - m);
  return t;
}

/* The tracks of the moving UEs from the series' "ue NAME" x_m and y_m
 * rows, in the order the UEs first appear. */
static void add_tracks(ws_report *r, const ws_series *s) {
  GHashTable *by_entity = g_hash_table_new(g_str_hash, g_str_equal); /* -> index + 1, 0: skipped */
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  unsigned rows = s ? ws_series_rows(s) : 0;
  for (unsigned i = 0; i < rows; i++) {
    ws_time t;
    const char *entity, *metric;
    double v;
    ws_series_row(s, i, &t, &entity, &metric, &v);
    bool is_x = strcmp(metric, "x_m") == 0;
    if (!g_str_has_prefix(entity, "ue ") || (!is_x && strcmp(metric, "y_m") != 0)) continue;
    if (!g_hash_table_contains(seen, entity)) {
      g_hash_table_add(seen, (gpointer)entity);
      r->n_tracks_total++;
      if (r->tracks->len < REPORT_MAX_TRACKS) {
        mob_track *tr = g_new0(mob_track, 1);
        tr->name = g_strdup(entity + 3);
        tr->x_m = g_array_new(FALSE, FALSE, sizeof(double));
        tr->y_m = g_array_new(FALSE, FALSE, sizeof(double));
        tr->last_ns = -1;
        g_ptr_array_add(r->tracks, tr);
        g_hash_table_insert(by_entity, (gpointer)entity, GUINT_TO_POINTER(r->tracks->len));
      }
    }
    unsigned at = GPOINTER_TO_UINT(g_hash_table_lookup(by_entity, entity));
    if (!at) continue;
    mob_track *tr = g_ptr_array_index(r->tracks, at - 1);
    if (tr->x_m->len == 0 || t != tr->last_ns) {
      /* A new instant: x and y of it may come in either order. */
      double nan = NAN;
      g_array_append_val(tr->x_m, nan);
      g_array_append_val(tr->y_m, nan);
      tr->last_ns = t;
    }
    g_array_index(is_x ? tr->x_m : tr->y_m, double, tr->x_m->len - 1) = v;
  }
  g_hash_table_destroy(seen);
  g_hash_table_destroy(by_entity);
}

void ws_report_add_mobility(ws_report *r, const ws_ue_stats *ues, unsigned n_ues,
                            const ws_handover_row *rows, unsigned n_rows, const ws_series *s) {
  g_return_if_fail(r != NULL && (ues != NULL || n_ues == 0) && (rows != NULL || n_rows == 0));
  add_mobility_facts(r, ues, n_ues);
  if (n_rows) {
    if (r->handovers_table) g_string_free(r->handovers_table, TRUE);
    r->handovers_table = handovers_table(rows, n_rows);
  }
  for (unsigned i = 0; i < n_rows; i++) {
    r->n_marks_total++;
    if (r->marks->len >= REPORT_MAX_MARKS) continue;
    const ws_handover_row *h = &rows[i];
    GString *title = g_string_new(NULL);
    rp_num(title, "%.3f", (double)h->time_ns / 1e9);
    g_string_append_printf(title, " s: %s %s, %s \u2192 %s", h->kind ? h->kind : "",
                           h->ue ? h->ue : "", h->from_cell ? h->from_cell : "\u2013",
                           h->to_cell ? h->to_cell : "\u2013");
    rp_mark m = {
        .x_m = h->x_m,
        .y_m = h->y_m,
        .failure = !h->kind || strcmp(h->kind, "handover") != 0,
        .title = g_string_free(title, FALSE),
    };
    g_array_append_val(r->marks, m);
  }
  add_tracks(r, s);
}

/* The tracks in the drawing's form: each thinned to at most
 * REPORT_MAX_TRACK_POINTS points (every k-th and the last), coloured like
 * the UE's node on the map (grey when not on it). Caller frees the array
 * and each x_m (x_m and y_m share one block). */
static rp_track *tracks_for_map(const ws_report *r) {
  GHashTable *group = g_hash_table_new(g_str_hash, g_str_equal);
  for (unsigned i = 0; i < r->nodes->len; i++) {
    const ws_report_node *nd = &g_array_index(r->nodes, ws_report_node, i);
    if (strcmp(nd->kind, "ue") == 0)
      g_hash_table_insert(group, (gpointer)nd->name, GINT_TO_POINTER(nd->group + 2));
  }
  rp_track *out = g_new0(rp_track, r->tracks->len ? r->tracks->len : 1);
  for (unsigned t = 0; t < r->tracks->len; t++) {
    const mob_track *tr = g_ptr_array_index(r->tracks, t);
    unsigned n = tr->x_m->len;
    unsigned k = n > REPORT_MAX_TRACK_POINTS ? (n + REPORT_MAX_TRACK_POINTS - 2) /
                                                   (REPORT_MAX_TRACK_POINTS - 1)
                                             : 1;
    double *xy = g_new(double, 2 * (n ? n : 1));
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
      if (i % k != 0 && i != n - 1) continue;
      xy[m] = g_array_index(tr->x_m, double, i);
      xy[n + m] = g_array_index(tr->y_m, double, i);
      m++;
    }
    int g = GPOINTER_TO_INT(g_hash_table_lookup(group, tr->name));
    out[t] = (rp_track){.name = tr->name, .x_m = xy, .y_m = xy + n, .n = m, .group = g ? g - 2 : -1};
  }
  g_hash_table_destroy(group);
  return out;
}

/* ---- the page ------------------------------------------------------------------- */

/* Inline `code` spans of a description line. */
static void put_inline(GString *out, const char *text) {
  const char *p = text;
  while (*p) {
    const char *open = strchr(p, '`');
    const char *close = open ? strchr(open + 1, '`') : NULL;
    if (!close) {
      rp_escape(out, p);
      return;
    }
    char *before = g_strndup(p, open - p), *code = g_strndup(open + 1, close - open - 1);
    rp_escape(out, before);
    g_string_append(out, "<code>");
    rp_escape(out, code);
    g_string_append(out, "</code>");
    g_free(before);
    g_free(code);
    p = close + 1;
  }
}

/* The leading comment block of the scenario ('#' or ';' lines, blank lines
 * between them), as paragraphs; comment lines indented further are
 * commands or examples, kept as preformatted text. */
static void put_description(GString *out, const char *text) {
  char **lines = g_strsplit(text, "\n", -1);
  GString *para = g_string_new(NULL), *pre = g_string_new(NULL);
  for (unsigned i = 0;; i++) {
    const char *line = lines[i];
    const char *body = NULL;
    bool end = line == NULL;
    if (!end) {
      const char *s = line;
      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == '#' || *s == ';')
        body = s + 1;
      else if (*s && *s != '\r')
        end = true;
    }
    char *trimmed = body ? g_strchomp(g_strdup(body)) : NULL;
    bool blank = !end && (!trimmed || strspn(trimmed, " \t\r") == strlen(trimmed));
    bool code = !blank && trimmed && (g_str_has_prefix(trimmed, "   ") || trimmed[0] == '\t');
    /* Flush what a change of kind ends. */
    if ((end || blank || code) && para->len) {
      g_string_append(out, "<p>");
      put_inline(out, para->str);
      g_string_append(out, "</p>\n");
      g_string_truncate(para, 0);
    }
    if ((end || blank || !code) && pre->len) {
      g_string_append(out, "<pre>");
      rp_escape(out, pre->str);
      g_string_append(out, "</pre>\n");
      g_string_truncate(pre, 0);
    }
    if (end) {
      g_free(trimmed);
      break;
    }
    if (code) {
      g_string_append_printf(pre, "%s%s", pre->len ? "\n" : "", g_strstrip(trimmed));
    } else if (!blank) {
      g_string_append_printf(para, "%s%s", para->len ? " " : "", g_strstrip(trimmed));
    }
    g_free(trimmed);
  }
  g_string_free(para, TRUE);
  g_string_free(pre, TRUE);
  g_strfreev(lines);
}

static void section_begin(GString *out, const char *id, const char *title) {
  g_string_append_printf(out, "<section id=\"%s\">\n<h2>", id);
  rp_escape(out, title);
  g_string_append(out, "</h2>\n");
}

/* A section holding a prepared table (nothing when table is NULL), with
 * its note above. */
static void table_section(GString *out, const GString *table, const char *id, const char *title,
                          const char *note) {
  if (!table) return;
  section_begin(out, id, title);
  g_string_append_printf(out, "<p class=\"note\">%s</p>\n", note);
  g_string_append_len(out, table->str, table->len);
  g_string_append(out, "</section>\n");
}

char *ws_report_html(const ws_report *r) {
  g_return_val_if_fail(r != NULL, NULL);
  GString *out = g_string_new(NULL);
  char *page_title = g_strdup_printf("%s \u2014 wisim report", r->title);
  rp_page_begin(out, page_title);
  g_free(page_title);
  g_string_append(out, "<header>\n<h1>");
  rp_escape(out, r->title);
  g_string_append(out, "</h1>\n<nav>");
  if (r->facts->len) g_string_append(out, "<a href=\"#run\">Run</a>");
  if (r->nodes->len || r->grids->len) g_string_append(out, "<a href=\"#map-section\">Map</a>");
  if (r->ts_charts->len) g_string_append(out, "<a href=\"#timeseries\">Time series</a>");
  if (r->dist_charts->len) g_string_append(out, "<a href=\"#distributions\">Distributions</a>");
  if (r->cells_table) g_string_append(out, "<a href=\"#cells\">Cells</a>");
  if (r->handovers_table) g_string_append(out, "<a href=\"#handovers\">Handovers</a>");
  if (r->flows_table) g_string_append(out, "<a href=\"#flows\">Flows</a>");
  if (r->links_table) g_string_append(out, "<a href=\"#links\">Links</a>");
  if (r->scenario_text) g_string_append(out, "<a href=\"#scenario\">Scenario</a>");
  g_string_append(out, "</nav>\n</header>\n");
  if (r->scenario_text) {
    GString *desc = g_string_new(NULL);
    put_description(desc, r->scenario_text);
    if (desc->len)
      g_string_append_printf(out, "<section id=\"description\" class=\"desc\">\n%s</section>\n",
                             desc->str);
    g_string_free(desc, TRUE);
  }
  if (r->facts->len) {
    section_begin(out, "run", "Run");
    g_string_append(out, "<table id=\"run-table\"><tbody>\n");
    for (unsigned i = 0; i + 1 < r->facts->len; i += 2) {
      g_string_append(out, "<tr><th>");
      rp_escape(out, g_ptr_array_index(r->facts, i));
      g_string_append(out, "</th><td>");
      char **parts = g_strsplit(g_ptr_array_index(r->facts, i + 1), "\n", -1);
      for (unsigned k = 0; parts[k]; k++) {
        if (k) g_string_append(out, "<br>");
        rp_escape(out, parts[k]);
      }
      g_strfreev(parts);
      g_string_append(out, "</td></tr>\n");
    }
    g_string_append(out, "</tbody></table>\n</section>\n");
  }
  if (r->nodes->len || r->grids->len) {
    section_begin(out, "map-section", "Map of the topology");
    bool wired = false, placed = false;
    for (unsigned i = 0; i < r->nodes->len; i++) {
      if (g_array_index(r->nodes, ws_report_node, i).positioned)
        placed = true;
      else
        wired = true;
    }
    if (r->nodes->len > REPORT_MAX_MAP_NODES)
      g_string_append_printf(out,
                             "<p class=\"nodata\">%u nodes: too many to draw (at most "
                             "%u).</p>\n",
                             r->nodes->len, REPORT_MAX_MAP_NODES);
    else if (r->nodes->len) {
      rp_track *tracks = tracks_for_map(r);
      rp_map_render_mobility(out, (const ws_report_node *)(void *)r->nodes->data, r->nodes->len,
                             (const ws_report_edge *)(void *)r->edges->data, r->edges->len,
                             tracks, placed ? r->tracks->len : 0,
                             (const rp_mark *)(void *)r->marks->data, placed ? r->marks->len : 0);
      for (unsigned i = 0; i < r->tracks->len; i++)
        g_free((double *)tracks[i].x_m);
      g_free(tracks);
    }
    if (placed && r->tracks->len)
      g_string_append(out, "<p class=\"note\">Thin lines: the track of each moving UE (its "
                           "position every metrics interval), in its colour; its dot is where "
                           "it ended.</p>\n");
    if (placed && r->n_tracks_total > r->tracks->len)
      g_string_append_printf(out,
                             "<p class=\"note\">The tracks of the first %u of %u moving UEs "
                             "are drawn; every position is in timeseries.csv.</p>\n",
                             r->tracks->len, r->n_tracks_total);
    if (placed && r->marks->len)
      g_string_append(out, "<p class=\"note\">Diamonds: where a handover started; crosses: "
                           "radio link failures and re-establishments (the rows of the "
                           "handovers table).</p>\n");
    if (placed && r->n_marks_total > r->marks->len)
      g_string_append_printf(out,
                             "<p class=\"note\">The first %u of %u handover rows are marked; "
                             "all are in handovers.csv.</p>\n",
                             r->marks->len, r->n_marks_total);
    if (placed)
      g_string_append(out, "<p class=\"note\">Positioned nodes are drawn where they are, north "
                           "up, at the same scale on both axes.</p>\n");
    if (wired)
      g_string_append(out, "<p class=\"note\">Wired nodes have no position: the drawing "
                           "places them by their links only (distances mean nothing). Each "
                           "link is labelled with its name, rate and propagation delay, and "
                           "its queue discipline when not drop-tail.</p>\n");
    for (unsigned i = 0; i < r->grids->len; i++)
      rp_grid_render(out, g_ptr_array_index(r->grids, i),
                     (const ws_report_node *)(void *)r->nodes->data, r->nodes->len);
    g_string_append(out, "</section>\n");
  }
  if (r->ts_charts->len) {
    section_begin(out, "timeseries", "Time series");
    for (unsigned i = 0; i < r->ts_charts->len; i++)
      rp_chart_render(out, g_ptr_array_index(r->ts_charts, i));
    g_string_append(out, "</section>\n");
  }
  if (r->dist_charts->len) {
    section_begin(out, "distributions", "Distributions");
    for (unsigned i = 0; i < r->dist_charts->len; i++)
      rp_chart_render(out, g_ptr_array_index(r->dist_charts, i));
    g_string_append(out, "</section>\n");
  }
  table_section(out, r->cells_table, "cells", "Cells",
                "Over the measured window; UEs attached at the end of the run. Every column, "
                "and one row per UE, is in cells.csv and ues.csv (docs/outputs.md).");
  table_section(out, r->handovers_table, "handovers", "Handovers",
                "Handovers, radio link failures and re-establishments in time order, as in "
                "handovers.csv; RSRPs of the serving cell (layer-3 filtered for a handover) "
                "and of the target. \u2013: none.");
  table_section(out, r->flows_table, "flows", "Flows",
                "Over the measured window (after warmup); every column, at full precision, is "
                "in flows.csv (docs/outputs.md). \u2013 means not defined (e.g. no packet "
                "received).");
  table_section(out, r->links_table, "links", "Links",
                "One row per direction, over the measured window; the mean queue counts the "
                "packet being transmitted. Every column is in links.csv.");
  if (r->scenario_text) {
    section_begin(out, "scenario", "Scenario as run");
    g_string_append(out, "<pre class=\"scenario\">");
    rp_escape(out, r->scenario_text);
    g_string_append(out, "</pre>\n</section>\n");
  }
  g_string_append(out, "<footer class=\"note\">Written by wisim. This page is self-contained: "
                       "no script, font or network access.</footer>\n");
  rp_page_end(out);
  return g_string_free(out, FALSE);
}

bool ws_report_write(const ws_report *r, const char *path, GError **error) {
  g_return_val_if_fail(r != NULL && path != NULL, false);
  ws_outfile *o = ws_outfile_open(path, error);
  if (!o) return false;
  char *html = ws_report_html(r);
  fputs(html, ws_outfile_fp(o));
  g_free(html);
  return ws_outfile_commit(o, error);
}

bool ws_report_write_run(const char *path, const ws_scenario *sc, const ws_world *w,
                         const ws_run_info *info, GError **error) {
  g_return_val_if_fail(path != NULL && sc != NULL && w != NULL && info != NULL, false);
  ws_report *r = ws_report_new(ws_scenario_name(sc));
  ws_report_set_scenario(r, ws_scenario_text(sc));
  ws_report_add_run_info(r, info);
  unsigned n_cells, n_ues;
  const ws_cell_stats *cells = ws_world_cells(w, &n_cells);
  const ws_ue_stats *ues = ws_world_ues(w, &n_ues);
  /* Cells and UEs first, where they stand; network nodes of the same name
   * (a UE is also an IP host) are not drawn twice. */
  GHashTable *placed = g_hash_table_new(g_str_hash, g_str_equal);
  if (n_cells > 0) {
    add_radio_with(r, cells, n_cells, ues, n_ues, ws_world_coverage(w), placed);
    unsigned n_ho;
    const ws_handover_row *ho = ws_world_handovers(w, &n_ho);
    ws_report_add_mobility(r, ues, n_ues, ho, n_ho, ws_world_series(w));
  }
  map_add_net_with(r, ws_world_net(w), placed);
  g_hash_table_destroy(placed);
  unsigned n_flows, n_links;
  ws_flow_stats *const *flows = ws_world_flows(w, &n_flows);
  ws_link_stats *const *links = ws_world_links(w, &n_links);
  ws_report_add_flows(r, flows, n_flows);
  /* A run stopped during warmup measured nothing: an empty window. */
  ws_time window = info->simulated_ns > info->warmup_ns ? info->simulated_ns - info->warmup_ns : 0;
  ws_report_add_links(r, links, n_links, window, info->simulated_ns);
  ws_report_add_series(r, ws_world_series(w));
  bool ok = ws_report_write(r, path, error);
  ws_report_free(r);
  return ok;
}
