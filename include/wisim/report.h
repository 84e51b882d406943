/* wisim report: the self-contained report.html of a run (scenario, map of
 * the topology and coverage grids, time series, CDFs, tables of flows and
 * links) and of a sweep (each headline metric against the varied parameter
 * with 95% CI error bars). Inline CSS and SVG drawn here: no script, font
 * or network access. An observer: it reads the collectors, never changes a
 * model. */
#ifndef WISIM_REPORT_H
#define WISIM_REPORT_H

#include <glib.h>
#include <stdbool.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/scenario.h"
#include "wisim/world.h"

/* A report being assembled: sections are drawn in a fixed order (header,
 * run, map and grids, time series, distributions, tables, scenario) whatever the
 * order of the calls; within a section, in the order added. Opaque. */
typedef struct ws_report ws_report;

/* A node of the map. Nodes with a position are drawn at it (metres, the
 * frame of the scenario's positions); the others (wired hosts and routers)
 * are laid out from the graph of edges, deterministically. */
typedef struct {
  const char *name; /* label; copied */
  const char *kind; /* "host", "router", "cell", "ue": its shape;
                       unknown kinds are drawn as hosts; copied */
  bool positioned;  /* x_m and y_m hold a position */
  double x_m, y_m;
  double azimuth_deg; /* sector orientation, clockwise from north (cells),
                         NAN when none: drawn as a wedge */
  int group;          /* colour group (e.g. a UE's serving cell), -1 none */
} ws_report_node;

/* An edge of the map between nodes a and b (indices returned by
 * ws_report_map_add_node). */
typedef struct {
  const char *name;   /* label, copied */
  const char *detail; /* second label line ("8 Mbit/s, 10 ms"), or NULL; copied */
  unsigned a, b;
} ws_report_edge;

/* One line of a chart (borrowed for the call; the report copies it). */
typedef struct {
  const char *label;   /* legend text */
  const double *x, *y; /* n points in display units; NaN y breaks the line */
  const double *y_err; /* 95% CI half-widths (error bars), or NULL */
  unsigned n;
} ws_report_line;

/* Where a chart added by ws_report_add_chart goes. */
typedef enum {
  WS_REPORT_TIME_SERIES,   /* against simulated time */
  WS_REPORT_DISTRIBUTIONS, /* CDFs */
} ws_report_section;

/* A chart for ws_report_add_chart (strings borrowed for the call). Lines
 * beyond the eighth are dropped with a note saying so. */
typedef struct {
  const char *id; /* unique in the report, [a-z0-9_-]: the svg's id is
                     "chart-ID" */
  const char *title;
  const char *x_label; /* with the unit: "Time (s)" */
  const char *y_label;
  const char *note; /* caption, or NULL */
  bool cdf;         /* a staircase with y in [0, 1] */
  const ws_report_line *lines;
  unsigned n_lines;
} ws_report_chart;

/* An empty report titled title (the scenario's name). Caller frees with
 * ws_report_free (NULL is a no-op). */
ws_report *ws_report_new(const char *title);
void ws_report_free(ws_report *r);

/* The scenario as run: its leading comment block becomes the description,
 * the whole text the parameters section. */
void ws_report_set_scenario(ws_report *r, const char *scenario_text);
/* Adds a row to the "Run" facts table (copied). */
void ws_report_add_fact(ws_report *r, const char *key, const char *value);
/* The deterministic facts of a run (version, seed, run index, SHA-256,
 * overrides, simulated time, warmup, events): not the wall-clock time, so
 * that the same run gives the same report byte for byte. */
void ws_report_add_run_info(ws_report *r, const ws_run_info *info);

/* Adds a node to the map; returns its index. */
unsigned ws_report_map_add_node(ws_report *r, const ws_report_node *node);
/* Adds an edge between two nodes already added. */
void ws_report_map_add_edge(ws_report *r, const ws_report_edge *edge);
/* Adds the wired network: its hosts and routers (the built-in `core` only
 * when linked) and one edge per link labelled with its rate and delay. */
void ws_report_map_add_net(ws_report *r, const ws_net *net);

/* The flows: the flows table and the delay (one-way), round-trip time
 * (ping) and response time (request-response) CDFs from their histograms. */
void ws_report_add_flows(ws_report *r, ws_flow_stats *const *flows, unsigned n);
/* The link directions: the links table, figures over the window
 * (window_ns = end - warmup) as in links.csv. */
void ws_report_add_links(ws_report *r, ws_link_stats *const *links, unsigned n, ws_time window_ns,
                         ws_time end);
/* The time series: one chart per metric (throughput per flow, queue length
 * and utilisation per link direction, TCP cwnd, ...; any other metric gets
 * a chart of its own, its unit read from its name's suffix), and the CDF
 * of each flow's throughput over the intervals. */
void ws_report_add_series(ws_report *r, const ws_series *s);
/* Adds a chart of the caller's (e.g. SINR CDFs of the cells). */
void ws_report_add_chart(ws_report *r, ws_report_section section, const ws_report_chart *chart);

/* A value per square of a regular grid over the map's frame (e.g. the
 * best-server SINR of a coverage map), borrowed for the call. */
typedef struct {
  const char *id;          /* unique, [a-z0-9_-]: the svg's id is "grid-ID" */
  const char *title;       /* "Coverage: best-server SINR" */
  const char *value_label; /* with the unit: "SINR (dB)" */
  double x0_m, y0_m;       /* south-west corner of the grid */
  double step_m;           /* side of a square, > 0 */
  unsigned nx, ny;         /* squares west to east, south to north */
  const double *values;    /* ny rows of nx, the southern row first; NaN: no
                              value (drawn blank) */
} ws_report_grid;

/* Adds a grid as a figure after the map: squares coloured on the viridis
 * scale (perceptually uniform, colour-blind safe) from the lowest to the
 * highest value, a colour bar, axes in metres, and the map's cells on top. */
void ws_report_add_grid(ws_report *r, const ws_report_grid *grid);

/* The cells and UEs of a run with cells (rows as in cells.csv and ues.csv,
 * borrowed for the call): the cells on the map at their positions (a wedge
 * towards each sector's azimuth) and the UEs as dots coloured like their
 * serving cell; with coverage (may be NULL) two grids, the best-server SINR
 * and the best server's index; the CDF of the UEs' throughput (downlink,
 * and uplink when some UE has uplink traffic; UEs with traffic only, out of
 * coverage counted as 0, as in the headline); and the cells table. */
void ws_report_add_radio(ws_report *r, const ws_cell_stats *cells, unsigned n_cells,
                         const ws_ue_stats *ues, unsigned n_ues, const ws_coverage *coverage);

/* The mobility of a run with moving UEs (borrowed for the call): in the run
 * facts, the handovers, ping-pongs, radio link failures, re-establishments
 * and interruption summed over the UEs (rows as in ues.csv) when any is
 * non-zero; the handovers table (rows as in handovers.csv; the first 100,
 * a note saying how many more); on the map, the track of each moving UE
 * from the series' "ue NAME" x_m and y_m rows (s may be NULL; the first
 * 100 UEs, a note when more), in the colour of the UE's node, and a mark
 * where each handover row happened (a diamond; failures and
 * re-establishments a cross). Call after ws_report_add_radio. */
void ws_report_add_mobility(ws_report *r, const ws_ue_stats *ues, unsigned n_ues,
                            const ws_handover_row *rows, unsigned n_rows, const ws_series *s);

/* The HTML page; caller frees with g_free. */
char *ws_report_html(const ws_report *r);
/* Writes the page to path atomically (ws_outfile). False with error
 * (G_FILE_ERROR) and nothing left behind on failure. */
bool ws_report_write(const ws_report *r, const char *path, GError **error);

/* The report of one finished run (after ws_world_finish): everything
 * above from the world, the scenario and the run info, written to path. */
bool ws_report_write_run(const char *path, const ws_scenario *sc, const ws_world *w,
                         const ws_run_info *info, GError **error);

/* The report of a sweep from its sweep.csv (docs/outputs.md: one row per
 * point, file, entity and metric; a column per varied key, then file,
 * entity, metric, mean, sd, ci95, n): each headline metric against the
 * first varied key, one line per entity (and per value of the other keys),
 * with 95% CI error bars. False with error (G_FILE_ERROR for I/O,
 * G_FILE_ERROR_INVAL with "FILE:LINE: ..." for a malformed file). */
bool ws_report_write_sweep(const char *sweep_csv_path, const char *html_path, GError **error);

#endif
