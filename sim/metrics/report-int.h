/* wisim report, shared inside sim/metrics only: the chart model and the SVG
 * renderers (line charts, CDFs, error-bar charts, the topology map) that the
 * run report (report.c) and the sweep report (report-sweep.c) both draw
 * with, and the HTML escaping and number formatting they share. */
#ifndef WISIM_REPORT_INT_H
#define WISIM_REPORT_INT_H

#include <glib.h>
#include <stdbool.h>

#include "wisim/report.h"

/* At most this many lines per chart: the palette has eight colours that
 * stay distinguishable with colour-vision deficiencies (Okabe & Ito). */
#define RP_MAX_LINES 8u
/* Lines longer than this are thinned (keeping each bucket's extremes). */
#define RP_MAX_POINTS 1200u

typedef struct {
  char *label;   /* legend text, owned */
  double *x, *y; /* n points, owned; NaN y breaks the line */
  double *err;   /* 95% CI half-widths (error bars) or NULL, owned */
  unsigned n;
} rp_line;

typedef struct {
  char *id;             /* the svg element's id, owned */
  char *title;          /* owned */
  char *x_label;        /* with its unit, owned */
  char *y_label;        /* with its unit, owned */
  char *note;           /* caption under the chart, or NULL, owned */
  GPtrArray *lines;     /* rp_line *, owned */
  bool step;            /* draw as a staircase (CDFs) */
  bool y_unit_interval; /* y axis fixed to [0, 1] (CDFs) */
  char **x_categories;  /* categorical x axis: x values are indices, or NULL */
} rp_chart;

rp_chart *rp_chart_new(const char *id, const char *title, const char *x_label, const char *y_label);
void rp_chart_free(rp_chart *c);
/* Copies n points (err may be NULL); thins lines without error bars longer
 * than RP_MAX_POINTS. */
void rp_chart_add_line(rp_chart *c, const char *label, const double *x, const double *y,
                       const double *err, unsigned n);
/* Appends a note (sentence) to the chart's caption. */
void rp_chart_note(rp_chart *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* True when some line has a finite point. */
bool rp_chart_has_data(const rp_chart *c);
/* Appends the chart: a <figure> holding an <svg id=ID> with a title, axes
 * with ticks and labels, one <path> per line (and <circle> markers on short
 * lines), a legend; or, without data, the title and "no data". */
void rp_chart_render(GString *out, const rp_chart *c);

/* Chooses at most RP_MAX_LINES of n candidates: those with the largest
 * score (ties: the earlier; NaN scores must not be given); keep[i] says
 * which. Returns how many were kept. O(n log n). */
unsigned rp_pick_top(const double *score, unsigned n, bool *keep);

/* The topology map: nodes (positioned or laid out from the graph) and
 * edges, as <svg id="map">. */
void rp_map_render(GString *out, const ws_report_node *nodes, unsigned n_nodes,
                   const ws_report_edge *edges, unsigned n_edges);

/* The track of a moving UE on the map (borrowed for the call): n points in
 * metres, the scenario's frame; drawn in the colour of group. */
typedef struct {
  const char *name;
  const double *x_m, *y_m;
  unsigned n;
  int group;
} rp_track;

/* A handover (or, failure set, a radio link failure or re-establishment)
 * where it happened; title is its tooltip (borrowed). */
typedef struct {
  double x_m, y_m;
  bool failure;
  const char *title;
} rp_mark;

/* rp_map_render with the tracks as thin polylines (<g id="map-tracks">)
 * and the marks as small symbols (<g id="map-handovers">) under the nodes;
 * tracks and marks count in the fit only when some node is positioned. */
void rp_map_render_mobility(GString *out, const ws_report_node *nodes, unsigned n_nodes,
                            const ws_report_edge *edges, unsigned n_edges, const rp_track *tracks,
                            unsigned n_tracks, const rp_mark *marks, unsigned n_marks);

/* A grid figure (ws_report_grid, copied). */
typedef struct {
  char *id, *title, *value_label; /* owned */
  double x0_m, y0_m, step_m;
  unsigned nx, ny;
  double *values; /* owned, nx x ny */
} rp_grid;

/* Appends the grid as <svg id=ID>, the positioned cells among nodes drawn
 * on top; "no data" when every value is NaN. */
void rp_grid_render(GString *out, const rp_grid *g, const ws_report_node *nodes, unsigned n);

/* HTML-escapes text (& < > " '), replacing invalid UTF-8 and dropping
 * control characters other than tab and newline. */
void rp_escape(GString *out, const char *text);
/* Appends v with printf format fmt ("%.1f"), whatever the locale; "NaN"
 * never appears: non-finite values append "0". */
void rp_num(GString *out, const char *fmt, double v);

/* How to show a metric named like a CSV column or time-series metric
 * ("throughput_bps", "delay_p95_s", "queue_packets", "sinr_db"): returns a
 * readable quantity ("Throughput"; caller frees with g_free), and gives the
 * display unit and factor for values up to max_abs (bit/s -> "Mbit/s" and
 * 1e-6, seconds -> "ms" and 1e3, ratios -> "%" and 100); unit is a static
 * string, "" for counts without a unit. */
char *rp_metric_display(const char *metric, double max_abs, const char **unit, double *factor);
/* "Quantity (unit)" or "Quantity": caller frees with g_free. */
char *rp_axis_label(const char *quantity, const char *unit);

/* A page: the shared <head> (inline CSS) and the page end. */
void rp_page_begin(GString *out, const char *title);
void rp_page_end(GString *out);

#endif
