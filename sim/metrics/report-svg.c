/* wisim report drawing: charts (lines, staircase CDFs, error bars) and the
 * topology map as inline SVG, with "nice" 1-2-5 axis ticks, the Okabe-Ito
 * colour-blind-safe palette plus dash patterns, and the page's inline CSS.
 * Everything is computed in a fixed order: same data, same bytes. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "report-int.h"

/* Okabe & Ito, "Color Universal Design" (2008): distinguishable under the
 * common colour-vision deficiencies; yellow (#F0E442, too pale on white) is
 * left out, black closes the list. Dashes tell lines apart in grey too. */
static const char *const palette[RP_MAX_LINES] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C6D1F",
};
static const char *const dashes[4] = {"", "7 4", "2 3", "9 3 2 3"};

/* ---- text and numbers ------------------------------------------------------ */

void rp_escape(GString *out, const char *text) {
  if (!text) return;
  char *valid = g_utf8_make_valid(text, -1);
  for (const char *p = valid; *p; p++) {
    switch (*p) {
    case '&':
      g_string_append(out, "&amp;");
      break;
    case '<':
      g_string_append(out, "&lt;");
      break;
    case '>':
      g_string_append(out, "&gt;");
      break;
    case '"':
      g_string_append(out, "&quot;");
      break;
    case '\'':
      g_string_append(out, "&#39;");
      break;
    default:
      if ((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t') g_string_append_c(out, *p);
    }
  }
  g_free(valid);
}

void rp_num(GString *out, const char *fmt, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite(v)) v = 0;
  g_ascii_formatd(buf, sizeof buf, fmt, v);
  /* "-0.0" and "0.0" are the same coordinate: write one of them. */
  if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
  g_string_append(out, buf);
}

/* ---- the chart model -------------------------------------------------------- */

rp_chart *rp_chart_new(const char *id, const char *title, const char *x_label,
                       const char *y_label) {
  rp_chart *c = g_new0(rp_chart, 1);
  c->id = g_strdup(id);
  c->title = g_strdup(title);
  c->x_label = g_strdup(x_label);
  c->y_label = g_strdup(y_label);
  c->lines = g_ptr_array_new();
  return c;
}

static void line_free(rp_line *l) {
  g_free(l->label);
  g_free(l->x);
  g_free(l->y);
  g_free(l->err);
  g_free(l);
}

void rp_chart_free(rp_chart *c) {
  if (!c) return;
  for (unsigned i = 0; i < c->lines->len; i++)
    line_free(g_ptr_array_index(c->lines, i));
  g_ptr_array_free(c->lines, TRUE);
  g_strfreev(c->x_categories);
  g_free(c->id);
  g_free(c->title);
  g_free(c->x_label);
  g_free(c->y_label);
  g_free(c->note);
  g_free(c);
}

void rp_chart_note(rp_chart *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *joined = c->note ? g_strconcat(c->note, " ", text, NULL) : g_strdup(text);
  g_free(c->note);
  g_free(text);
  c->note = joined;
}

void rp_chart_add_line(rp_chart *c, const char *label, const double *x, const double *y,
                       const double *err, unsigned n) {
  rp_line *l = g_new0(rp_line, 1);
  l->label = g_strdup(label);
  if (err || n <= RP_MAX_POINTS) {
    l->x = g_memdup2(x, n * sizeof *x);
    l->y = g_memdup2(y, n * sizeof *y);
    l->err = err ? g_memdup2(err, n * sizeof *err) : NULL;
    l->n = n;
  } else {
    /* Thinning keeps the lowest and highest point of each bucket, in
     * order, so that peaks and troughs survive (a "min-max" decimation). */
    unsigned per = (n + RP_MAX_POINTS / 2 - 1) / (RP_MAX_POINTS / 2);
    l->x = g_new(double, RP_MAX_POINTS + 2);
    l->y = g_new(double, RP_MAX_POINTS + 2);
    unsigned k = 0;
    for (unsigned start = 0; start < n; start += per) {
      unsigned end = start + per < n ? start + per : n;
      unsigned lo = end, hi = end;
      bool gap = false;
      for (unsigned i = start; i < end; i++) {
        if (!isfinite(y[i])) {
          gap = true;
          continue;
        }
        if (lo == end || y[i] < y[lo]) lo = i;
        if (hi == end || y[i] > y[hi]) hi = i;
      }
      unsigned first = lo < hi ? lo : hi, second = lo < hi ? hi : lo;
      if (first != end) {
        l->x[k] = x[first];
        l->y[k++] = y[first];
      }
      if (second != end && second != first) {
        l->x[k] = x[second];
        l->y[k++] = y[second];
      }
      if (gap) {
        l->x[k] = x[end - 1];
        l->y[k++] = NAN;
      }
      g_assert(k <= RP_MAX_POINTS + 2);
    }
    l->n = k;
  }
  g_ptr_array_add(c->lines, l);
}

bool rp_chart_has_data(const rp_chart *c) {
  for (unsigned i = 0; i < c->lines->len; i++) {
    const rp_line *l = g_ptr_array_index(c->lines, i);
    for (unsigned j = 0; j < l->n; j++)
      if (isfinite(l->x[j]) && isfinite(l->y[j])) return true;
  }
  return false;
}

static int cmp_score_desc(const void *a, const void *b, void *ctx) {
  const double *score = ctx;
  unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
  if (score[i] != score[j]) return score[i] > score[j] ? -1 : 1;
  return i < j ? -1 : i > j ? 1 : 0;
}

unsigned rp_pick_top(const double *score, unsigned n, bool *keep) {
  /* A sort, not a scan per candidate: a flow group may have 1e5 members. */
  unsigned *order = g_new(unsigned, n ? n : 1);
  for (unsigned i = 0; i < n; i++) {
    order[i] = i;
    keep[i] = false;
  }
  g_qsort_with_data(order, (gint)n, sizeof *order, cmp_score_desc, (gpointer)score);
  unsigned kept = n < RP_MAX_LINES ? n : RP_MAX_LINES;
  for (unsigned k = 0; k < kept; k++)
    keep[order[k]] = true;
  g_free(order);
  return kept;
}

/* ---- axes ------------------------------------------------------------------- */

/* A step of 1, 2 or 5 times a power of ten giving about target intervals
 * over range (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990). */
static double nice_step(double range, int target) {
  double raw = range / target;
  double mag = pow(10, floor(log10(raw)));
  double f = raw / mag;
  double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * mag;
}

typedef struct {
  double lo, hi, step;
  int decimals;
} axis;

static axis make_axis(double lo, double hi, int target) {
  if (!(hi > lo)) {
    double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
    hi = lo + pad;
    if (lo != 0) lo -= pad;
  }
  axis a;
  a.step = nice_step(hi - lo, target);
  /* A small tolerance keeps 9.9999999 from adding a whole empty step. */
  a.lo = floor(lo / a.step + 1e-9) * a.step;
  a.hi = ceil(hi / a.step - 1e-9) * a.step;
  int d = -(int)floor(log10(a.step) + 1e-9);
  a.decimals = d > 0 ? d : 0;
  return a;
}

static void tick_label(GString *out, const axis *a, double v) {
  char fmt[16];
  if (fabs(v) < a->step * 1e-6) v = 0;
  if (a->hi >= 1e7 || (a->step < 1e-6 && a->hi != 0))
    g_snprintf(fmt, sizeof fmt, "%%.3g");
  else
    g_snprintf(fmt, sizeof fmt, "%%.%df", a->decimals);
  rp_num(out, fmt, v);
}

/* Chart geometry (SVG user units; the page scales the SVG to its width). */
#define CHART_W 900.0
#define CHART_H 380.0
#define PLOT_L 78.0
#define PLOT_T 46.0
#define PLOT_R (CHART_W - 232.0)
#define PLOT_B (CHART_H - 58.0)
#define LEGEND_CHARS 30

static double px(const axis *a, double v) {
  return PLOT_L + (v - a->lo) / (a->hi - a->lo) * (PLOT_R - PLOT_L);
}
static double py(const axis *a, double v) {
  return PLOT_B - (v - a->lo) / (a->hi - a->lo) * (PLOT_B - PLOT_T);
}

static void put_xy(GString *out, double x, double y) {
  rp_num(out, "%.1f", x);
  g_string_append_c(out, ' ');
  rp_num(out, "%.1f", y);
}

static void text_el(GString *out, double x, double y, const char *cls, const char *anchor,
                    const char *text) {
  g_string_append(out, "<text x=\"");
  rp_num(out, "%.1f", x);
  g_string_append(out, "\" y=\"");
  rp_num(out, "%.1f", y);
  g_string_append_printf(out, "\" class=\"%s\" text-anchor=\"%s\">", cls, anchor);
  rp_escape(out, text);
  g_string_append(out, "</text>");
}

/* <line class="cls" x1 x2 y1 y2/> with coordinates at 0.1 px. */
static void line_el(GString *out, const char *cls, double x1, double y1, double x2, double y2) {
  g_string_append_printf(out, "<line class=\"%s\" x1=\"", cls);
  rp_num(out, "%.1f", x1);
  g_string_append(out, "\" x2=\"");
  rp_num(out, "%.1f", x2);
  g_string_append(out, "\" y1=\"");
  rp_num(out, "%.1f", y1);
  g_string_append(out, "\" y2=\"");
  rp_num(out, "%.1f", y2);
  g_string_append(out, "\"/>");
}

static void draw_axes(GString *out, const rp_chart *c, const axis *ax, const axis *ay) {
  /* Grid and y ticks. */
  for (double v = ay->lo; v <= ay->hi + ay->step * 1e-6; v += ay->step) {
    double y = py(ay, v);
    line_el(out, "grid", PLOT_L, y, PLOT_R, y);
    GString *lab = g_string_new(NULL);
    tick_label(lab, ay, v);
    text_el(out, PLOT_L - 7, y + 4, "tick", "end", lab->str);
    g_string_free(lab, TRUE);
  }
  /* x ticks: categories or numbers. */
  if (c->x_categories) {
    for (unsigned i = 0; c->x_categories[i]; i++) {
      double x = px(ax, i);
      line_el(out, "axis", x, PLOT_B, x, PLOT_B + 5);
      text_el(out, x, PLOT_B + 19, "tick", "middle", c->x_categories[i]);
    }
  } else {
    for (double v = ax->lo; v <= ax->hi + ax->step * 1e-6; v += ax->step) {
      double x = px(ax, v);
      line_el(out, "axis", x, PLOT_B, x, PLOT_B + 5);
      GString *lab = g_string_new(NULL);
      tick_label(lab, ax, v);
      text_el(out, x, PLOT_B + 19, "tick", "middle", lab->str);
      g_string_free(lab, TRUE);
    }
  }
  /* The frame's left and bottom axes. */
  g_string_append(out, "<path class=\"axis\" d=\"M");
  put_xy(out, PLOT_L, PLOT_T);
  g_string_append(out, " L");
  put_xy(out, PLOT_L, PLOT_B);
  g_string_append(out, " L");
  put_xy(out, PLOT_R, PLOT_B);
  g_string_append(out, "\"/>");
  text_el(out, (PLOT_L + PLOT_R) / 2, CHART_H - 16, "label", "middle", c->x_label);
  g_string_append(out, "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(20 ");
  rp_num(out, "%.1f", (PLOT_T + PLOT_B) / 2);
  g_string_append(out, ") rotate(-90)\">");
  rp_escape(out, c->y_label);
  g_string_append(out, "</text>");
}

static void line_style(GString *out, unsigned i) {
  g_string_append_printf(out, " stroke=\"%s\"", palette[i % RP_MAX_LINES]);
  if (*dashes[i % 4]) g_string_append_printf(out, " stroke-dasharray=\"%s\"", dashes[i % 4]);
}

static void draw_line(GString *out, const rp_chart *c, const rp_line *l, unsigned i, const axis *ax,
                      const axis *ay) {
  g_string_append(out, "<path class=\"series\"");
  line_style(out, i);
  g_string_append(out, " d=\"");
  bool pen = false;
  double last_y = 0;
  unsigned finite = 0;
  for (unsigned j = 0; j < l->n; j++) {
    if (!isfinite(l->x[j]) || !isfinite(l->y[j])) {
      pen = false;
      continue;
    }
    finite++;
    double x = px(ax, l->x[j]), y = py(ay, l->y[j]);
    if (!pen) {
      g_string_append(out, out->str[out->len - 1] == '"' ? "M" : " M");
      put_xy(out, x, y);
      pen = true;
    } else if (c->step) {
      g_string_append(out, " L");
      put_xy(out, x, last_y);
      g_string_append(out, " L");
      put_xy(out, x, y);
    } else {
      g_string_append(out, " L");
      put_xy(out, x, y);
    }
    last_y = y;
  }
  g_string_append(out, "\"><title>");
  rp_escape(out, l->label);
  g_string_append(out, "</title></path>");
  /* A line of few points gets markers (a single point is otherwise
   * invisible), and its error bars. */
  if (!c->step && finite <= 60) {
    for (unsigned j = 0; j < l->n; j++) {
      if (!isfinite(l->x[j]) || !isfinite(l->y[j])) continue;
      double x = px(ax, l->x[j]), y = py(ay, l->y[j]);
      if (l->err && isfinite(l->err[j]) && l->err[j] > 0) {
        double y_lo = py(ay, l->y[j] - l->err[j]), y_hi = py(ay, l->y[j] + l->err[j]);
        g_string_append_printf(out, "<path class=\"errbar\" stroke=\"%s\" d=\"M",
                               palette[i % RP_MAX_LINES]);
        put_xy(out, x, y_lo);
        g_string_append(out, " L");
        put_xy(out, x, y_hi);
        g_string_append(out, " M");
        put_xy(out, x - 5, y_lo);
        g_string_append(out, " h10 M");
        put_xy(out, x - 5, y_hi);
        g_string_append(out, " h10\"/>");
      }
      g_string_append(out, "<circle r=\"3.5\" cx=\"");
      rp_num(out, "%.1f", x);
      g_string_append(out, "\" cy=\"");
      rp_num(out, "%.1f", y);
      g_string_append_printf(out, "\" fill=\"%s\"/>", palette[i % RP_MAX_LINES]);
    }
  }
}

static void draw_legend(GString *out, const rp_chart *c) {
  double x = PLOT_R + 22, y = PLOT_T + 6;
  for (unsigned i = 0; i < c->lines->len; i++, y += 22) {
    const rp_line *l = g_ptr_array_index(c->lines, i);
    g_string_append(out, "<g class=\"legend\"><path class=\"series\"");
    line_style(out, i);
    g_string_append(out, " d=\"M");
    put_xy(out, x, y);
    g_string_append(out, " h28\"/>");
    glong len = g_utf8_strlen(l->label, -1);
    char *shown =
        len > LEGEND_CHARS ? g_utf8_substring(l->label, 0, LEGEND_CHARS - 1) : g_strdup(l->label);
    if (len > LEGEND_CHARS) {
      char *t = g_strconcat(shown, "\u2026", NULL);
      g_free(shown);
      shown = t;
    }
    text_el(out, x + 36, y + 4, "legend", "start", shown);
    g_free(shown);
    g_string_append(out, "<title>");
    rp_escape(out, l->label);
    g_string_append(out, "</title></g>");
  }
}

/* True when every finite point of every line is at y = 0 without an error
 * bar: a sentence says it better than a flat line. */
static bool all_zero(const rp_chart *c) {
  for (unsigned i = 0; i < c->lines->len; i++) {
    const rp_line *l = g_ptr_array_index(c->lines, i);
    for (unsigned j = 0; j < l->n; j++) {
      if (!isfinite(l->x[j]) || !isfinite(l->y[j])) continue;
      if (l->y[j] != 0 || (l->err && isfinite(l->err[j]) && l->err[j] != 0)) return false;
    }
  }
  return true;
}

void rp_chart_render(GString *out, const rp_chart *c) {
  g_string_append(out, "<figure class=\"chart\">");
  bool data = rp_chart_has_data(c);
  if (!data || (!c->y_unit_interval && all_zero(c))) {
    g_string_append_printf(out, "<h3>");
    rp_escape(out, c->title);
    g_string_append(out, data ? "</h3><p class=\"nodata\">0 everywhere, for every line: "
                                "nothing to draw.</p>"
                              : "</h3><p class=\"nodata\">no data</p>");
    /* The caption describes the drawing: without one, it would mislead. */
    g_string_append(out, "</figure>\n");
    return;
  }
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (unsigned i = 0; i < c->lines->len; i++) {
    const rp_line *l = g_ptr_array_index(c->lines, i);
    for (unsigned j = 0; j < l->n; j++) {
      if (!isfinite(l->x[j]) || !isfinite(l->y[j])) continue;
      double e = l->err && isfinite(l->err[j]) ? fabs(l->err[j]) : 0;
      x_lo = fmin(x_lo, l->x[j]);
      x_hi = fmax(x_hi, l->x[j]);
      y_lo = fmin(y_lo, l->y[j] - e);
      y_hi = fmax(y_hi, l->y[j] + e);
    }
  }
  axis ax, ay;
  if (c->x_categories) {
    guint k = g_strv_length(c->x_categories);
    ax = (axis){.lo = -0.5, .hi = k - 0.5, .step = 1, .decimals = 0};
  } else {
    ax = make_axis(x_lo, x_hi, 7);
  }
  if (c->y_unit_interval) {
    ay = (axis){.lo = 0, .hi = 1, .step = 0.2, .decimals = 1};
  } else {
    /* Magnitudes read best from zero; values of one sign keep zero in view. */
    if (y_lo > 0) y_lo = 0;
    if (y_hi < 0) y_hi = 0;
    ay = make_axis(y_lo, y_hi, 5);
  }
  g_string_append(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"");
  rp_escape(out, c->id);
  g_string_append_printf(out, "\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", (int)CHART_W,
                         (int)CHART_H);
  rp_escape(out, c->title);
  g_string_append(out, "\">");
  text_el(out, PLOT_L, 26, "title", "start", c->title);
  draw_axes(out, c, &ax, &ay);
  for (unsigned i = 0; i < c->lines->len; i++)
    draw_line(out, c, g_ptr_array_index(c->lines, i), i, &ax, &ay);
  draw_legend(out, c);
  g_string_append(out, "</svg>");
  if (c->note) {
    g_string_append(out, "<figcaption>");
    rp_escape(out, c->note);
    g_string_append(out, "</figcaption>");
  }
  g_string_append(out, "</figure>\n");
}

/* ---- metric names and units --------------------------------------------------- */

typedef enum { U_NONE, U_BPS, U_S, U_BYTES, U_PACKETS, U_RATIO, U_DB, U_DBM, U_M } unit_kind;

/* The scaled units of a quantity family, largest first: the first whose
 * threshold the largest value reaches is used (values below every
 * threshold take the last row). Seconds scale down, the others up. */
typedef struct {
  double at_least; /* smallest |value| shown in this unit */
  const char *unit;
  double factor;   /* displayed value = value x factor */
} scaled_unit;

static void pick_scaled_unit(unit_kind family, double m, const char **unit, double *factor) {
  static const scaled_unit metres[] = {{1e4, "km", 1e-3}, {0, "m", 1}};
  static const scaled_unit rates[] = {
      {1e9, "Gbit/s", 1e-9}, {1e6, "Mbit/s", 1e-6}, {1e3, "kbit/s", 1e-3}, {0, "bit/s", 1}};
  static const scaled_unit bytes[] = {
      {1e9, "GB", 1e-9}, {1e6, "MB", 1e-6}, {1e3, "kB", 1e-3}, {0, "B", 1}};
  static const scaled_unit seconds[] = {{1, "s", 1}, {1e-3, "ms", 1e3}, {0, "\u00b5s", 1e6}};
  const scaled_unit *rows;
  size_t n;
  switch (family) {
  case U_M: rows = metres; n = G_N_ELEMENTS(metres); break;
  case U_BPS: rows = rates; n = G_N_ELEMENTS(rates); break;
  case U_BYTES: rows = bytes; n = G_N_ELEMENTS(bytes); break;
  default:
    rows = seconds;
    n = G_N_ELEMENTS(seconds);
    if (m == 0) m = 1; /* an all-zero axis is in seconds */
    break;
  }
  size_t i = 0;
  while (i + 1 < n && m < rows[i].at_least) i++;
  *unit = rows[i].unit;
  *factor = rows[i].factor;
}

static const struct {
  const char *metric;
  const char *quantity;
  unit_kind unit;
} known_metrics[] = {
    {"throughput_bps", "Throughput", U_BPS},
    {"rate_bps", "Link rate", U_BPS},
    {"queue_packets", "Queue length", U_PACKETS},
    {"mean_queue_packets", "Mean queue length", U_PACKETS},
    {"mean_queue_bytes", "Mean queue length", U_BYTES},
    {"utilisation", "Utilisation", U_RATIO},
    {"loss_ratio", "Loss", U_RATIO},
    {"cwnd_bytes", "Congestion window", U_BYTES},
    {"ssthresh_bytes", "Slow-start threshold", U_BYTES},
    {"bytes_in_flight", "Bytes in flight", U_BYTES},
    {"srtt_s", "Smoothed round-trip time", U_S},
    {"rtt_s", "Round-trip time", U_S},
    {"delay_mean_s", "Mean delay", U_S},
    {"delay_p50_s", "Median delay", U_S},
    {"delay_p95_s", "95th percentile delay", U_S},
    {"delay_p99_s", "99th percentile delay", U_S},
    {"delay_max_s", "Maximum delay", U_S},
    {"jitter_s", "Jitter", U_S},
    {"completion_time_s", "Completion time", U_S},
    {"response_mean_s", "Mean response time", U_S},
    {"response_p50_s", "Median response time", U_S},
    {"response_p95_s", "95th percentile response time", U_S},
    {"response_p99_s", "99th percentile response time", U_S},
    {"mos", "Mean opinion score", U_NONE},
    {"sent_packets", "Packets sent", U_PACKETS},
    {"received_packets", "Packets received", U_PACKETS},
    {"lost_packets", "Packets lost", U_PACKETS},
    {"in_flight_packets", "Packets in flight", U_PACKETS},
    {"tx_packets", "Packets transmitted", U_PACKETS},
    {"queue_drops", "Queue drops", U_PACKETS},
    {"loss_drops", "Wire losses", U_PACKETS},
    {"aqm_drops", "AQM drops", U_PACKETS},
    {"ecn_marks", "ECN marks", U_PACKETS},
    {"retransmissions", "Retransmissions", U_PACKETS},
    {"rto_count", "Retransmission timeouts", U_NONE},
    {"sinr_db", "SINR", U_DB},
};

static const struct {
  const char *suffix;
  unit_kind unit;
} suffixes[] = {
    {"_bps", U_BPS},     {"_s", U_S},   {"_bytes", U_BYTES}, {"_packets", U_PACKETS},
    {"_ratio", U_RATIO}, {"_db", U_DB}, {"_dbm", U_DBM},     {"_m", U_M},
};

char *rp_metric_display(const char *metric, double max_abs, const char **unit, double *factor) {
  unit_kind u = U_NONE;
  char *quantity = NULL;
  for (unsigned i = 0; i < G_N_ELEMENTS(known_metrics); i++)
    if (strcmp(metric, known_metrics[i].metric) == 0) {
      quantity = g_strdup(known_metrics[i].quantity);
      u = known_metrics[i].unit;
    }
  if (!quantity) {
    /* Unknown metric: the unit from the suffix, the words from the rest. */
    size_t len = strlen(metric), cut = len;
    for (unsigned i = 0; i < G_N_ELEMENTS(suffixes); i++) {
      size_t sl = strlen(suffixes[i].suffix);
      if (len > sl && strcmp(metric + len - sl, suffixes[i].suffix) == 0) {
        u = suffixes[i].unit;
        cut = len - sl;
        break;
      }
    }
    quantity = g_strndup(metric, cut);
    g_strdelimit(quantity, "_", ' ');
    if (quantity[0]) quantity[0] = g_ascii_toupper(quantity[0]);
  }
  double m = isfinite(max_abs) ? fabs(max_abs) : 0;
  *factor = 1;
  switch (u) {
  case U_NONE:
    *unit = "";
    break;
  case U_PACKETS:
    *unit = "packets";
    break;
  case U_DB:
    *unit = "dB";
    break;
  case U_DBM:
    *unit = "dBm";
    break;
  case U_RATIO:
    *unit = "%";
    *factor = 100;
    break;
  case U_M:
  case U_BPS:
  case U_S:
  case U_BYTES:
    pick_scaled_unit(u, m, unit, factor);
    break;
  }
  return quantity;
}

char *rp_axis_label(const char *quantity, const char *unit) {
  return unit && *unit ? g_strdup_printf("%s (%s)", quantity, unit) : g_strdup(quantity);
}

/* ---- the map ------------------------------------------------------------------ */

#define MAP_W 900.0
#define MAP_H 460.0
#define MAP_MARGIN 70.0
#define MAP_MAX_EDGE_LABELS 16u
#define MAP_MAX_HOST_LABELS 24u

typedef struct {
  double x, y;
} point;

/* Lays out the unpositioned nodes (mask true) of one connected component
 * radially around its root: each node on the ring of its BFS depth, in the
 * middle of a wedge of its parent's, wedges proportional to the number of
 * leaves below (a radial tree layout, as in Eades, "Drawing free trees",
 * 1992). Edges outside the BFS tree are drawn but do not shape the layout. */
static void layout_component(unsigned root, const GPtrArray *adj, const bool *mask, int *comp,
                             int comp_id, point *pos, unsigned n) {
  unsigned *order = g_new(unsigned, n), *parent = g_new(unsigned, n);
  unsigned *depth = g_new0(unsigned, n);
  double *weight = g_new0(double, n), *wedge_lo = g_new0(double, n), *wedge_hi = g_new0(double, n);
  unsigned head = 0, tail = 0;
  order[tail++] = root;
  comp[root] = comp_id;
  parent[root] = root;
  while (head < tail) {
    unsigned v = order[head++];
    GArray *nb = g_ptr_array_index(adj, v);
    for (unsigned k = 0; k < nb->len; k++) {
      unsigned u = g_array_index(nb, unsigned, k);
      if (!mask[u] || comp[u] >= 0) continue;
      comp[u] = comp_id;
      parent[u] = v;
      depth[u] = depth[v] + 1;
      order[tail++] = u;
    }
  }
  for (unsigned k = tail; k-- > 0;) {
    unsigned v = order[k];
    if (weight[v] == 0) weight[v] = 1;
    if (v != root) weight[parent[v]] += weight[v];
  }
  /* The root's first subtree faces left (its wedge centred on angle pi),
   * so that a chain such as host - router - core reads outwards from it. */
  double first_w = tail > 1 ? weight[order[1]] : 1;
  wedge_lo[root] = M_PI - M_PI * first_w / weight[root];
  wedge_hi[root] = wedge_lo[root] + 2 * M_PI;
  /* cursor[v]: where the next child of v starts in v's wedge. */
  double *cursor = g_new(double, n);
  cursor[root] = wedge_lo[root];
  for (unsigned k = 0; k < tail; k++) {
    unsigned v = order[k];
    if (v == root) {
      pos[v] = (point){0, 0};
      continue;
    }
    unsigned p = parent[v];
    /* weight[p] is the sum of its children's weights. */
    double share = (wedge_hi[p] - wedge_lo[p]) * weight[v] / weight[p];
    wedge_lo[v] = cursor[p];
    wedge_hi[v] = cursor[p] + share;
    cursor[p] += share;
    cursor[v] = wedge_lo[v];
    double angle = (wedge_lo[v] + wedge_hi[v]) / 2;
    pos[v] = (point){depth[v] * cos(angle), depth[v] * sin(angle)};
  }
  g_free(cursor);
  g_free(order);
  g_free(parent);
  g_free(depth);
  g_free(weight);
  g_free(wedge_lo);
  g_free(wedge_hi);
}

static int kind_rank(const ws_report_node *nd) { return strcmp(nd->kind, "router") == 0 ? 1 : 0; }

static void force_layout(point *pos, const bool *mask, unsigned n, const ws_report_edge *edges,
                         unsigned n_edges);

/* Positions in abstract units for the nodes without one; components side
 * by side, left to right in the order of their first node. */
static void layout_graph(const ws_report_node *nodes, unsigned n, const ws_report_edge *edges,
                         unsigned n_edges, const bool *mask, point *pos) {
  GPtrArray *adj = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
  for (unsigned i = 0; i < n; i++)
    g_ptr_array_add(adj, g_array_new(FALSE, FALSE, sizeof(unsigned)));
  for (unsigned e = 0; e < n_edges; e++) {
    unsigned a = edges[e].a, b = edges[e].b;
    if (a == b || !mask[a] || !mask[b]) continue;
    g_array_append_val(g_ptr_array_index(adj, a), b);
    g_array_append_val(g_ptr_array_index(adj, b), a);
  }
  int *comp = g_new(int, n);
  for (unsigned i = 0; i < n; i++)
    comp[i] = -1;
  double x_offset = 0;
  int comp_id = 0;
  for (unsigned first = 0; first < n; first++) {
    if (!mask[first] || comp[first] >= 0) continue;
    /* The component of first: find its members to choose the root. */
    int *seen = g_new(int, n);
    for (unsigned i = 0; i < n; i++)
      seen[i] = -1;
    point *tmp = g_new0(point, n);
    layout_component(first, adj, mask, seen, 0, tmp, n);
    /* Root: `core` when present, else the router of highest degree, else
     * the node of highest degree (first in order on ties). */
    unsigned root = first;
    int best = -1;
    for (unsigned i = 0; i < n; i++) {
      if (seen[i] != 0) continue;
      if (strcmp(nodes[i].name, "core") == 0) {
        root = i;
        break;
      }
      unsigned deg = ((GArray *)g_ptr_array_index(adj, i))->len;
      int score = (int)deg * 2 + kind_rank(&nodes[i]) * 1000;
      if (score > best) {
        best = score;
        root = i;
      }
    }
    g_free(seen);
    g_free(tmp);
    layout_component(root, adj, mask, comp, comp_id, pos, n);
    double lo = INFINITY, hi = -INFINITY;
    for (unsigned i = 0; i < n; i++)
      if (comp[i] == comp_id) {
        lo = fmin(lo, pos[i].x);
        hi = fmax(hi, pos[i].x);
      }
    for (unsigned i = 0; i < n; i++)
      if (comp[i] == comp_id) pos[i].x += x_offset - lo;
    x_offset += hi - lo + 1.2;
    comp_id++;
  }
  g_free(comp);
  g_ptr_array_free(adj, TRUE);
  force_layout(pos, mask, n, edges, n_edges);
}

/* Refines the layout of the unpositioned nodes with Fruchterman & Reingold's
 * force-directed method ("Graph drawing by force-directed placement",
 * Software: Practice and Experience 21(11), 1991): repulsion k^2/d between
 * every pair, attraction d^2/k along edges, moves capped by a temperature
 * falling linearly, in a 2:1 frame. Fixed start (the radial layout), fixed
 * iteration count and order: deterministic. O(n^2) per iteration, so larger
 * graphs keep the radial layout. */
#define FORCE_MAX_NODES 300u
#define FORCE_ITERATIONS 400

static void force_layout(point *pos, const bool *mask, unsigned n, const ws_report_edge *edges,
                         unsigned n_edges) {
  unsigned m = 0;
  for (unsigned i = 0; i < n; i++)
    m += mask[i];
  if (m < 3 || m > FORCE_MAX_NODES) return;
  const double frame_w = 2.0, frame_h = 1.0;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (unsigned i = 0; i < n; i++)
    if (mask[i]) {
      x_lo = fmin(x_lo, pos[i].x);
      x_hi = fmax(x_hi, pos[i].x);
      y_lo = fmin(y_lo, pos[i].y);
      y_hi = fmax(y_hi, pos[i].y);
    }
  for (unsigned i = 0; i < n; i++)
    if (mask[i]) {
      pos[i].x = (pos[i].x - x_lo) / fmax(x_hi - x_lo, 1e-9) * frame_w;
      pos[i].y = (pos[i].y - y_lo) / fmax(y_hi - y_lo, 1e-9) * frame_h;
    }
  double k = 0.9 * sqrt(frame_w * frame_h / m);
  point *disp = g_new(point, n);
  for (int it = 0; it < FORCE_ITERATIONS; it++) {
    for (unsigned i = 0; i < n; i++)
      disp[i] = (point){0, 0};
    for (unsigned i = 0; i < n; i++) {
      if (!mask[i]) continue;
      for (unsigned j = i + 1; j < n; j++) {
        if (!mask[j]) continue;
        double dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        double d = sqrt(dx * dx + dy * dy);
        if (d < 1e-9) {
          /* Coincident nodes: part them along a fixed direction. */
          dx = 1e-3;
          dy = 1e-3 * (double)((i + j) % 7);
          d = sqrt(dx * dx + dy * dy);
        }
        double f = k * k / d;
        disp[i].x += dx / d * f;
        disp[i].y += dy / d * f;
        disp[j].x -= dx / d * f;
        disp[j].y -= dy / d * f;
      }
    }
    for (unsigned e = 0; e < n_edges; e++) {
      unsigned a = edges[e].a, b = edges[e].b;
      if (a == b || !mask[a] || !mask[b]) continue;
      double dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y;
      double d = sqrt(dx * dx + dy * dy);
      if (d < 1e-9) continue;
      double f = d * d / k;
      disp[a].x -= dx / d * f;
      disp[a].y -= dy / d * f;
      disp[b].x += dx / d * f;
      disp[b].y += dy / d * f;
    }
    double t = frame_w / 10 * (1 - (double)it / FORCE_ITERATIONS);
    for (unsigned i = 0; i < n; i++) {
      if (!mask[i]) continue;
      double len = sqrt(disp[i].x * disp[i].x + disp[i].y * disp[i].y);
      if (len > 1e-12) {
        double step = fmin(len, t);
        pos[i].x += disp[i].x / len * step;
        pos[i].y += disp[i].y / len * step;
      }
      pos[i].x = fmin(frame_w, fmax(0, pos[i].x));
      pos[i].y = fmin(frame_h, fmax(0, pos[i].y));
    }
  }
  g_free(disp);
}

static const char *group_colour(int group) {
  return group < 0 ? "#777777" : palette[(unsigned)group % RP_MAX_LINES];
}

/* A cell: a black triangle at its site and, when it has an orientation, a
 * translucent 60-degree wedge towards it (clockwise from north). */
static void draw_cell(GString *out, double x, double y, const ws_report_node *nd) {
  if (isfinite(nd->azimuth_deg)) {
    double a0 = (nd->azimuth_deg - 30 - 90) * M_PI / 180;
    double a1 = (nd->azimuth_deg + 30 - 90) * M_PI / 180;
    g_string_append_printf(out, "<path class=\"sector\" fill=\"%s\" d=\"M",
                           group_colour(nd->group));
    put_xy(out, x, y);
    g_string_append(out, " L");
    put_xy(out, x + 34 * cos(a0), y + 34 * sin(a0));
    g_string_append(out, " A34 34 0 0 1 ");
    put_xy(out, x + 34 * cos(a1), y + 34 * sin(a1));
    g_string_append(out, " Z\"/>");
  }
  g_string_append(out, "<path class=\"cell\" d=\"M");
  put_xy(out, x, y - 9);
  g_string_append(out, " L");
  put_xy(out, x + 8, y + 6);
  g_string_append(out, " L");
  put_xy(out, x - 8, y + 6);
  g_string_append(out, " Z\"/>");
}

/* Widens [*lo, *hi] on both axes by the tracks' and marks' points, in the
 * map's frame before fitting (x, -y: north up). */
static void extend_mobility(double *x_lo, double *x_hi, double *y_lo, double *y_hi,
                            const rp_track *tracks, unsigned n_tracks, const rp_mark *marks,
                            unsigned n_marks) {
  for (unsigned t = 0; t < n_tracks; t++)
    for (unsigned i = 0; i < tracks[t].n; i++) {
      if (!isfinite(tracks[t].x_m[i]) || !isfinite(tracks[t].y_m[i])) continue;
      *x_lo = fmin(*x_lo, tracks[t].x_m[i]);
      *x_hi = fmax(*x_hi, tracks[t].x_m[i]);
      *y_lo = fmin(*y_lo, -tracks[t].y_m[i]);
      *y_hi = fmax(*y_hi, -tracks[t].y_m[i]);
    }
  for (unsigned i = 0; i < n_marks; i++) {
    if (!isfinite(marks[i].x_m) || !isfinite(marks[i].y_m)) continue;
    *x_lo = fmin(*x_lo, marks[i].x_m);
    *x_hi = fmax(*x_hi, marks[i].x_m);
    *y_lo = fmin(*y_lo, -marks[i].y_m);
    *y_hi = fmax(*y_hi, -marks[i].y_m);
  }
}

void rp_map_render(GString *out, const ws_report_node *nodes, unsigned n,
                   const ws_report_edge *edges, unsigned n_edges) {
  rp_map_render_mobility(out, nodes, n, edges, n_edges, NULL, 0, NULL, 0);
}

void rp_map_render_mobility(GString *out, const ws_report_node *nodes, unsigned n,
                            const ws_report_edge *edges, unsigned n_edges, const rp_track *tracks,
                            unsigned n_tracks, const rp_mark *marks, unsigned n_marks) {
  point *pos = g_new0(point, n);
  bool *mask = g_new0(bool, n);
  unsigned n_free = 0, n_fixed = 0;
  for (unsigned i = 0; i < n; i++) {
    mask[i] = !nodes[i].positioned;
    if (mask[i])
      n_free++;
    else {
      n_fixed++;
      /* Screen y grows downwards; north is up. */
      pos[i] = (point){nodes[i].x_m, -nodes[i].y_m};
    }
  }
  if (n_free) layout_graph(nodes, n, edges, n_edges, mask, pos);
  if (n_free && n_fixed) {
    /* The wired part goes to the right of the positioned part, at a quarter
     * of its size: its positions are abstract, not metres. */
    double fx_lo = INFINITY, fx_hi = -INFINITY, fy_lo = INFINITY, fy_hi = -INFINITY;
    double gx_lo = INFINITY, gx_hi = -INFINITY, gy_lo = INFINITY, gy_hi = -INFINITY;
    for (unsigned i = 0; i < n; i++) {
      if (mask[i]) {
        gx_lo = fmin(gx_lo, pos[i].x);
        gx_hi = fmax(gx_hi, pos[i].x);
        gy_lo = fmin(gy_lo, pos[i].y);
        gy_hi = fmax(gy_hi, pos[i].y);
      } else {
        fx_lo = fmin(fx_lo, pos[i].x);
        fx_hi = fmax(fx_hi, pos[i].x);
        fy_lo = fmin(fy_lo, pos[i].y);
        fy_hi = fmax(fy_hi, pos[i].y);
      }
    }
    extend_mobility(&fx_lo, &fx_hi, &fy_lo, &fy_hi, tracks, n_tracks, marks, n_marks);
    double size = fmax(fmax(fx_hi - fx_lo, fy_hi - fy_lo), 1);
    double graph_size = fmax(fmax(gx_hi - gx_lo, gy_hi - gy_lo), 1);
    double k = size * 0.25 / graph_size;
    for (unsigned i = 0; i < n; i++)
      if (mask[i]) {
        pos[i].x = fx_hi + size * 0.15 + (pos[i].x - gx_lo) * k;
        pos[i].y = (fy_lo + fy_hi) / 2 + (pos[i].y - (gy_lo + gy_hi) / 2) * k;
      }
  }
  /* Fit into the drawing, same scale on both axes, centred. */
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (unsigned i = 0; i < n; i++) {
    x_lo = fmin(x_lo, pos[i].x);
    x_hi = fmax(x_hi, pos[i].x);
    y_lo = fmin(y_lo, pos[i].y);
    y_hi = fmax(y_hi, pos[i].y);
  }
  /* Tracks and marks are in metres: meaningless without positioned nodes. */
  if (!n_fixed) n_tracks = n_marks = 0;
  extend_mobility(&x_lo, &x_hi, &y_lo, &y_hi, tracks, n_tracks, marks, n_marks);
  double w = fmax(x_hi - x_lo, 1e-9), h = fmax(y_hi - y_lo, 1e-9);
  double scale = fmin((MAP_W - 2 * MAP_MARGIN) / w, (MAP_H - 2 * MAP_MARGIN) / h);
  /* A wired graph of two nodes should not span the page. */
  if (!n_fixed && n <= 2 && scale > 220) scale = 220;
  double cx = (x_lo + x_hi) / 2, cy = (y_lo + y_hi) / 2;
  for (unsigned i = 0; i < n; i++) {
    pos[i].x = MAP_W / 2 + (pos[i].x - cx) * scale;
    pos[i].y = MAP_H / 2 + (pos[i].y - cy) * scale;
  }

  g_string_append_printf(out,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" id=\"map\" "
                         "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Map of the topology\">",
                         (int)MAP_W, (int)MAP_H);
  for (unsigned e = 0; e < n_edges; e++) {
    point a = pos[edges[e].a], b = pos[edges[e].b];
    g_string_append(out, "<path class=\"edge\" d=\"M");
    put_xy(out, a.x, a.y);
    g_string_append(out, " L");
    put_xy(out, b.x, b.y);
    g_string_append(out, "\"><title>");
    rp_escape(out, edges[e].name);
    if (edges[e].detail) {
      g_string_append(out, ": ");
      rp_escape(out, edges[e].detail);
    }
    g_string_append(out, "</title></path>");
  }
  /* Tracks under the marks under the nodes: a UE's dot ends its track. */
  if (n_tracks) g_string_append(out, "<g id=\"map-tracks\">");
  for (unsigned t = 0; t < n_tracks; t++) {
    g_string_append_printf(out, "<path class=\"track\" stroke=\"%s\" d=\"",
                           group_colour(tracks[t].group));
    bool pen = false;
    for (unsigned i = 0; i < tracks[t].n; i++) {
      if (!isfinite(tracks[t].x_m[i]) || !isfinite(tracks[t].y_m[i])) {
        pen = false;
        continue;
      }
      g_string_append(out, pen ? " L" : (i ? " M" : "M"));
      put_xy(out, MAP_W / 2 + (tracks[t].x_m[i] - cx) * scale,
             MAP_H / 2 + (-tracks[t].y_m[i] - cy) * scale);
      pen = true;
    }
    g_string_append(out, "\"><title>");
    rp_escape(out, tracks[t].name ? tracks[t].name : "");
    g_string_append(out, " (track)</title></path>");
  }
  if (n_tracks) g_string_append(out, "</g>");
  bool has_ho = false, has_rlf = false;
  if (n_marks) g_string_append(out, "<g id=\"map-handovers\">");
  for (unsigned i = 0; i < n_marks; i++) {
    if (!isfinite(marks[i].x_m) || !isfinite(marks[i].y_m)) continue;
    double x = MAP_W / 2 + (marks[i].x_m - cx) * scale;
    double y = MAP_H / 2 + (-marks[i].y_m - cy) * scale;
    if (marks[i].failure) {
      has_rlf = true;
      g_string_append(out, "<path class=\"rlf\" d=\"M");
      put_xy(out, x - 3.5, y - 3.5);
      g_string_append(out, " l7 7 m0 -7 l-7 7\">");
    } else {
      has_ho = true;
      g_string_append(out, "<path class=\"ho\" d=\"M");
      put_xy(out, x, y - 4.5);
      g_string_append(out, " l4.5 4.5 l-4.5 4.5 l-4.5 -4.5 Z\">");
    }
    g_string_append(out, "<title>");
    rp_escape(out, marks[i].title ? marks[i].title : "");
    g_string_append(out, "</title></path>");
  }
  if (n_marks) g_string_append(out, "</g>");
  /* Labels stay readable up to a few dozen; beyond, names are in the
   * tooltips (hover) and the drawing says so. */
  unsigned n_hosts = 0;
  for (unsigned i = 0; i < n; i++)
    if (strcmp(nodes[i].kind, "router") != 0 && strcmp(nodes[i].kind, "cell") != 0 &&
        strcmp(nodes[i].kind, "ue") != 0)
      n_hosts++;
  bool label_edges = n_edges <= MAP_MAX_EDGE_LABELS;
  bool label_hosts = n_hosts <= MAP_MAX_HOST_LABELS;
  /* Edge labels above the lines, after all of them, so no line covers one. */
  for (unsigned e = 0; label_edges && e < n_edges; e++) {
    point a = pos[edges[e].a], b = pos[edges[e].b];
    double mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    text_el(out, mx, my - 4, "edge-label", "middle", edges[e].name);
    if (edges[e].detail) text_el(out, mx, my + 12, "edge-detail", "middle", edges[e].detail);
  }
  bool has_kind[4] = {false, false, false, false};
  for (unsigned i = 0; i < n; i++) {
    const ws_report_node *nd = &nodes[i];
    double x = pos[i].x, y = pos[i].y;
    g_string_append(out, "<g class=\"node\">");
    if (strcmp(nd->kind, "router") == 0) {
      has_kind[1] = true;
      g_string_append(out, "<rect class=\"router\" width=\"20\" height=\"20\" rx=\"4\" x=\"");
      rp_num(out, "%.1f", x - 10);
      g_string_append(out, "\" y=\"");
      rp_num(out, "%.1f", y - 10);
      g_string_append(out, "\"/>");
    } else if (strcmp(nd->kind, "cell") == 0) {
      has_kind[2] = true;
      draw_cell(out, x, y, nd);
    } else if (strcmp(nd->kind, "ue") == 0) {
      has_kind[3] = true;
      g_string_append(out, "<circle class=\"ue\" r=\"4.5\" cx=\"");
      rp_num(out, "%.1f", x);
      g_string_append(out, "\" cy=\"");
      rp_num(out, "%.1f", y);
      g_string_append_printf(out, "\" fill=\"%s\"/>", group_colour(nd->group));
    } else {
      has_kind[0] = true;
      g_string_append(out, "<circle class=\"host\" r=\"10\" cx=\"");
      rp_num(out, "%.1f", x);
      g_string_append(out, "\" cy=\"");
      rp_num(out, "%.1f", y);
      g_string_append(out, "\"/>");
    }
    /* UEs are many and small: their names are in the tooltip only. */
    bool always = strcmp(nd->kind, "router") == 0 || strcmp(nd->kind, "cell") == 0;
    if (strcmp(nd->kind, "ue") != 0 && (always || label_hosts))
      text_el(out, x, y + 28, "node-label", "middle", nd->name);
    g_string_append(out, "<title>");
    rp_escape(out, nd->name);
    g_string_append(out, " (");
    rp_escape(out, nd->kind);
    g_string_append(out, ")</title></g>");
  }
  if (!label_edges || !label_hosts)
    text_el(out, MAP_W - 14, MAP_H - 15, "legend", "end",
            !label_edges && !label_hosts ? "Too many to label: hover for host and link names"
            : !label_hosts               ? "Too many to label: hover for host names"
                                         : "Too many to label: hover for link names");
  /* Key of the shapes in use. */
  double kx = 16, ky = MAP_H - 16;
  if (has_kind[0]) {
    g_string_append(out, "<circle class=\"host\" r=\"7\" cx=\"");
    rp_num(out, "%.1f", kx + 7);
    g_string_append(out, "\" cy=\"");
    rp_num(out, "%.1f", ky - 4);
    g_string_append(out, "\"/>");
    text_el(out, kx + 20, ky + 1, "legend", "start", "host");
    kx += 70;
  }
  if (has_kind[1]) {
    g_string_append(out, "<rect class=\"router\" width=\"14\" height=\"14\" rx=\"3\" x=\"");
    rp_num(out, "%.1f", kx);
    g_string_append(out, "\" y=\"");
    rp_num(out, "%.1f", ky - 11);
    g_string_append(out, "\"/>");
    text_el(out, kx + 20, ky + 1, "legend", "start", "router");
    kx += 80;
  }
  if (has_kind[2]) {
    g_string_append(out, "<path class=\"cell\" d=\"M");
    put_xy(out, kx + 7, ky - 12);
    g_string_append(out, " l7 12 h-14 Z\"/>");
    text_el(out, kx + 20, ky + 1, "legend", "start", "cell");
    kx += 60;
  }
  if (has_kind[3]) {
    g_string_append(out, "<circle class=\"ue\" r=\"4.5\" fill=\"#777777\" cx=\"");
    rp_num(out, "%.1f", kx + 5);
    g_string_append(out, "\" cy=\"");
    rp_num(out, "%.1f", ky - 4);
    g_string_append(out, "\"/>");
    text_el(out, kx + 16, ky + 1, "legend", "start", "UE (colour: serving cell)");
  }
  /* The mobility key on a row of its own, above: the bottom row may end
   * with the "too many to label" text. */
  kx = 16;
  ky = MAP_H - 36;
  if (n_tracks) {
    g_string_append(out, "<path class=\"track\" stroke=\"#777777\" d=\"M");
    put_xy(out, kx, ky - 4);
    g_string_append(out, " h16\"/>");
    text_el(out, kx + 22, ky + 1, "legend", "start", "track");
    kx += 70;
  }
  if (has_ho) {
    g_string_append(out, "<path class=\"ho\" d=\"M");
    put_xy(out, kx + 5, ky - 9);
    g_string_append(out, " l4.5 4.5 l-4.5 4.5 l-4.5 -4.5 Z\"/>");
    text_el(out, kx + 16, ky + 1, "legend", "start", "handover");
    kx += 90;
  }
  if (has_rlf) {
    g_string_append(out, "<path class=\"rlf\" d=\"M");
    put_xy(out, kx + 1.5, ky - 7.5);
    g_string_append(out, " l7 7 m0 -7 l-7 7\"/>");
    text_el(out, kx + 16, ky + 1, "legend", "start", "radio link failure, re-establishment");
  }
  g_string_append(out, "</svg>\n");
  g_free(pos);
  g_free(mask);
}

/* ---- grids (coverage maps) ------------------------------------------------------ */

/* viridis (van der Walt & Smith, matplotlib 2015): perceptually uniform,
 * readable with the common colour-vision deficiencies and in grey; nine
 * stops, interpolated linearly. */
static const unsigned char viridis[9][3] = {
    {0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3e, 0x49, 0x89},
    {0x31, 0x68, 0x8e}, {0x26, 0x82, 0x8e}, {0x1f, 0x9e, 0x89},
    {0x35, 0xb7, 0x79}, {0x6e, 0xce, 0x58}, {0xfd, 0xe7, 0x25},
};
/* Colours are quantised to this many levels: neighbouring squares of one
 * level merge into one rectangle, which keeps the page small. */
#define GRID_LEVELS 48

static void level_colour(unsigned level, char buf[8]) {
  double t = (double)level / (GRID_LEVELS - 1) * 8;
  unsigned k = t >= 8 ? 7 : (unsigned)t;
  double f = t - k;
  unsigned rgb[3];
  for (unsigned c = 0; c < 3; c++)
    rgb[c] = (unsigned)lround(viridis[k][c] + (viridis[k + 1][c] - viridis[k][c]) * f);
  g_snprintf(buf, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

#define GRID_W 900.0
#define GRID_H 560.0
#define GRID_L 78.0
#define GRID_T 46.0
#define GRID_R (GRID_W - 150.0)
#define GRID_B (GRID_H - 58.0)

void rp_grid_render(GString *out, const rp_grid *g, const ws_report_node *nodes, unsigned n) {
  double lo = INFINITY, hi = -INFINITY;
  for (unsigned i = 0; i < g->nx * g->ny; i++)
    if (isfinite(g->values[i])) {
      lo = fmin(lo, g->values[i]);
      hi = fmax(hi, g->values[i]);
    }
  g_string_append(out, "<figure class=\"chart\">");
  if (!(lo <= hi)) {
    g_string_append(out, "<h3>");
    rp_escape(out, g->title);
    g_string_append(out, "</h3><p class=\"nodata\">no data</p></figure>\n");
    return;
  }
  /* Same scale on both axes, the grid fitted into the plot area. */
  double w_m = g->nx * g->step_m, h_m = g->ny * g->step_m;
  double scale = fmin((GRID_R - GRID_L) / w_m, (GRID_B - GRID_T) / h_m);
  double left = GRID_L, bottom = GRID_B;
  const char *unit;
  double factor;
  g_free(rp_metric_display("extent_m", fmax(fabs(g->x0_m) + w_m, fabs(g->y0_m) + h_m), &unit,
                           &factor));
  axis ax = make_axis(g->x0_m * factor, (g->x0_m + w_m) * factor, 6);
  axis ay = make_axis(g->y0_m * factor, (g->y0_m + h_m) * factor, 5);
  /* The axes cover the grid exactly; ticks inside it. */
  ax.lo = g->x0_m * factor;
  ax.hi = (g->x0_m + w_m) * factor;
  ay.lo = g->y0_m * factor;
  ay.hi = (g->y0_m + h_m) * factor;
  double sx = scale / factor; /* pixels per display unit */
#define GX(v) (left + ((v)-ax.lo) * sx)
#define GY(v) (bottom - ((v)-ay.lo) * sx)

  g_string_append(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart grid\" id=\"");
  rp_escape(out, g->id);
  g_string_append_printf(out, "\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", (int)GRID_W,
                         (int)GRID_H);
  rp_escape(out, g->title);
  g_string_append(out, "\">");
  text_el(out, GRID_L, 26, "title", "start", g->title);
  /* Squares, row by row from the south, runs of one level merged; crisp
   * edges, or antialiasing draws faint seams between them. */
  g_string_append(out, "<g shape-rendering=\"crispEdges\">");
  for (unsigned row = 0; row < g->ny; row++) {
    for (unsigned col = 0; col < g->nx;) {
      double v = g->values[row * g->nx + col];
      if (!isfinite(v)) {
        col++;
        continue;
      }
      unsigned level = hi > lo ? (unsigned)lround((v - lo) / (hi - lo) * (GRID_LEVELS - 1)) : 0;
      unsigned end = col + 1;
      while (end < g->nx) {
        double u = g->values[row * g->nx + end];
        if (!isfinite(u)) break;
        unsigned l2 = hi > lo ? (unsigned)lround((u - lo) / (hi - lo) * (GRID_LEVELS - 1)) : 0;
        if (l2 != level) break;
        end++;
      }
      char colour[8];
      level_colour(level, colour);
      g_string_append(out, "<rect x=\"");
      rp_num(out, "%.1f", left + col * g->step_m * scale);
      g_string_append(out, "\" y=\"");
      rp_num(out, "%.1f", bottom - (row + 1) * g->step_m * scale);
      g_string_append(out, "\" width=\"");
      /* A hair wider and taller, so no seam shows between squares. */
      rp_num(out, "%.2f", (end - col) * g->step_m * scale + 0.3);
      g_string_append(out, "\" height=\"");
      rp_num(out, "%.2f", g->step_m * scale + 0.3);
      g_string_append_printf(out, "\" fill=\"%s\"/>", colour);
      col = end;
    }
  }
  g_string_append(out, "</g>");
  /* Axes and ticks. */
  double right = left + w_m * scale, top = bottom - h_m * scale;
  g_string_append(out, "<path class=\"axis\" d=\"M");
  put_xy(out, left, top);
  g_string_append(out, " L");
  put_xy(out, left, bottom);
  g_string_append(out, " L");
  put_xy(out, right, bottom);
  g_string_append(out, "\"/>");
  for (double v = ceil(ax.lo / ax.step - 1e-9) * ax.step; v <= ax.hi + ax.step * 1e-6;
       v += ax.step) {
    GString *lab = g_string_new(NULL);
    tick_label(lab, &ax, v);
    text_el(out, GX(v), bottom + 19, "tick", "middle", lab->str);
    g_string_free(lab, TRUE);
  }
  for (double v = ceil(ay.lo / ay.step - 1e-9) * ay.step; v <= ay.hi + ay.step * 1e-6;
       v += ay.step) {
    GString *lab = g_string_new(NULL);
    tick_label(lab, &ay, v);
    text_el(out, left - 7, GY(v) + 4, "tick", "end", lab->str);
    g_string_free(lab, TRUE);
  }
  char *xl = g_strdup_printf("x, east (%s)", unit), *yl = g_strdup_printf("y, north (%s)", unit);
  text_el(out, (left + right) / 2, GRID_H - 16, "label", "middle", xl);
  g_string_append(out, "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(20 ");
  rp_num(out, "%.1f", (top + bottom) / 2);
  g_string_append(out, ") rotate(-90)\">");
  rp_escape(out, yl);
  g_string_append(out, "</text>");
  g_free(xl);
  g_free(yl);
  /* The cells on top, where they stand. */
  for (unsigned i = 0; i < n; i++) {
    if (!nodes[i].positioned || strcmp(nodes[i].kind, "cell") != 0) continue;
    double x = left + (nodes[i].x_m - g->x0_m) * scale,
           y = bottom - (nodes[i].y_m - g->y0_m) * scale;
    if (x < left || x > right || y < top || y > bottom) continue;
    g_string_append(out, "<g class=\"node\">");
    draw_cell(out, x, y, &nodes[i]);
    g_string_append(out, "<title>");
    rp_escape(out, nodes[i].name);
    g_string_append(out, "</title></g>");
  }
  /* The colour bar. */
  double bx = GRID_R + 40, bw = 18, bt = GRID_T + 10, bb = GRID_B - 10;
  g_string_append(out, "<g shape-rendering=\"crispEdges\">");
  for (unsigned k = 0; k < GRID_LEVELS; k++) {
    char colour[8];
    level_colour(k, colour);
    double y1 = bb - (bb - bt) * (k + 1) / GRID_LEVELS;
    g_string_append(out, "<rect x=\"");
    rp_num(out, "%.1f", bx);
    g_string_append(out, "\" y=\"");
    rp_num(out, "%.2f", y1);
    g_string_append(out, "\" width=\"");
    rp_num(out, "%.1f", bw);
    g_string_append(out, "\" height=\"");
    rp_num(out, "%.2f", (bb - bt) / GRID_LEVELS + 0.3);
    g_string_append_printf(out, "\" fill=\"%s\"/>", colour);
  }
  g_string_append(out, "</g>");
  axis ac = make_axis(lo, hi > lo ? hi : lo + 1, 5);
  double span = hi > lo ? hi - lo : 1;
  for (double v = ceil(lo / ac.step - 1e-9) * ac.step; v <= hi + ac.step * 1e-6; v += ac.step) {
    double y = bb - (v - lo) / span * (bb - bt);
    GString *lab = g_string_new(NULL);
    tick_label(lab, &ac, v);
    text_el(out, bx + bw + 6, y + 4, "tick", "start", lab->str);
    g_string_free(lab, TRUE);
  }
  text_el(out, bx + bw / 2, bt - 10, "label", "middle", g->value_label);
  g_string_append(out, "</svg>");
  g_string_append(out, "<figcaption>Each square is coloured by its value, from the lowest (dark "
                       "violet) to the highest (yellow); blank squares have none.</figcaption>");
  g_string_append(out, "</figure>\n");
#undef GX
#undef GY
}

/* ---- the page --------------------------------------------------------------------- */

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;"
    "font-size:15px;line-height:1.45;color:#1a1a1a;background:#fff;margin:0}"
    "main{max-width:1180px;margin:0 auto;padding:16px 24px 48px}"
    "h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:32px 0 8px;"
    "border-bottom:2px solid #d8d8d8;padding-bottom:4px}h3{font-size:16px;margin:16px 0 4px}"
    "nav{font-size:14px;margin:4px 0 12px}nav a{margin-right:14px;color:#0060a0}"
    ".desc p{margin:6px 0}.desc pre,pre.scenario{background:#f5f5f5;padding:8px 10px;"
    "overflow-x:auto;font-size:13px;border-radius:4px}"
    "code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 12px}"
    "th,td{border:1px solid #d0d0d0;padding:3px 7px;text-align:left;vertical-align:top}"
    "td{white-space:nowrap}#run-table td{white-space:normal;word-break:break-all}"
    "th{background:#eef2f6}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr:nth-child(even) td{background:#fafafa}.wide{overflow-x:auto}"
    "figure{margin:12px 0 20px}figcaption,.note{font-size:13px;color:#444}"
    "svg.chart,svg.map{width:100%;max-width:900px;height:auto;display:block;"
    "border:1px solid #e2e2e2;border-radius:4px;background:#fff}"
    ".nodata{color:#666;font-style:italic;margin:4px 0}"
    "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;"
    "fill:#1a1a1a}"
    "svg .title{font-size:17px;font-weight:600}svg .label{font-size:14px}"
    "svg .tick{font-size:13px;fill:#333}svg .legend{font-size:13px}"
    "svg .grid{stroke:#e6e6e6;stroke-width:1}svg .axis{stroke:#333;stroke-width:1.2;fill:none}"
    "svg .series{fill:none;stroke-width:2.2;stroke-linejoin:round}"
    "svg .errbar{stroke-width:1.6;fill:none}"
    "svg .edge{stroke:#666;stroke-width:2.5;fill:none}"
    "svg "
    ".edge-label{font-size:13px;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px}"
    "svg .edge-detail{font-size:12px;fill:#444;paint-order:stroke;stroke:#fff;stroke-width:4px}"
    "svg .node-label{font-size:14px;paint-order:stroke;stroke:#fff;stroke-width:4px}"
    "svg .host{fill:#0072B2;stroke:#fff;stroke-width:2}"
    "svg .router{fill:#D55E00;stroke:#fff;stroke-width:2}"
    "svg .cell{fill:#1a1a1a}svg .sector{fill-opacity:.35;stroke:#333;stroke-width:1}"
    "svg .ue{stroke:#fff;stroke-width:1}"
    "svg .track{fill:none;stroke-width:1.2;stroke-opacity:.8;stroke-linejoin:round}"
    "svg .ho{fill:#fff;stroke:#1a1a1a;stroke-width:1.3}"
    "svg .rlf{fill:none;stroke:#D55E00;stroke-width:2}"
    "@media print{nav{display:none}figure,tr{break-inside:avoid}main{max-width:none}}";

void rp_page_begin(GString *out, const char *title) {
  g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>");
  rp_escape(out, title);
  g_string_append_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
}

void rp_page_end(GString *out) { g_string_append(out, "</main>\n</body>\n</html>\n"); }
