/* wisim metrics: the collectors models update at their tap points (running
 * statistics, quantile histograms, time averages, RFC 3550 jitter, per-flow
 * and per-link counters) and the writers that turn them into result files
 * (flows.csv, links.csv, timeseries.csv, summary.json), atomically. */
#ifndef WISIM_METRICS_H
#define WISIM_METRICS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wisim/core.h"

/* ---- statistics primitives ---------------------------------------------- */

/* Running count, mean, variance (Welford), min and max. Zero-initialise. */
typedef struct {
  uint64_t n;
  double mean;
  double m2;   /* sum of squared deviations from the mean */
  double min;
  double max;
} ws_stat;

/* Adds one observation (Welford's update). */
void ws_stat_add(ws_stat *s, double x);
/* Sample variance (n - 1 denominator); 0 when n < 2. */
double ws_stat_variance(const ws_stat *s);
/* Half-width of the two-sided 95% confidence interval of the mean, Student t
 * with n - 1 degrees of freedom (GSL); NAN when n < 2. */
double ws_stat_ci95(const ws_stat *s);
/* Student t quantile: the value t with P(T <= t) = p for dof degrees. */
double ws_student_t_quantile(double p, double dof);

/* Quantiles of non-negative values with bounded relative error: log-linear
 * buckets (each power of two split in 1024 linear buckets, i.e. relative
 * error below 0.1%), values below 1e-9 counted as 0. Memory is bounded
 * whatever the number of samples. Opaque. */
typedef struct ws_hist ws_hist;
/* An empty histogram: a few dozen bytes; bucket blocks are allocated as
 * values land in them. Caller frees with ws_hist_free (NULL is a no-op). */
ws_hist *ws_hist_new(void);
void ws_hist_free(ws_hist *h);
/* Counts x (x >= 0; NaN or negative is a programmer error, ignored with a
 * critical). The exact min and max are kept; values at or above 2^34
 * (about 1.7e10, e.g. seconds: 544 years) share the top bucket. */
void ws_hist_add(ws_hist *h, double x);
/* Number of values added. */
uint64_t ws_hist_count(const ws_hist *h);
/* The q-quantile (0 <= q <= 1), by the nearest-rank definition (the
 * ceil(q n)-th smallest value, at least the first), to within the bucket's
 * relative error (1/2048, reported at the bucket's midpoint, clamped to the
 * exact [min, max], so q = 0 and q = 1 are exact); NAN when empty. */
double ws_hist_quantile(const ws_hist *h, double q);

/* Time average of a piecewise-constant signal (e.g. queue length). */
typedef struct {
  ws_time start;   /* when averaging began */
  ws_time last;    /* time of the last change */
  double value;    /* current value */
  double area;     /* integral of the value over [start, last], in value*ns */
} ws_tavg;

/* Starts (or restarts, e.g. at the end of warmup) averaging at now, keeping
 * the current value. */
void ws_tavg_reset(ws_tavg *a, ws_time now);
/* The signal takes value v from now on. */
void ws_tavg_set(ws_tavg *a, ws_time now, double v);
/* The average over [start, now]; the current value when now == start. */
/* The integral of the signal over [start, now], in value x ns (for averages
 * over sub-intervals: the difference of two integrals). */
double ws_tavg_integral(const ws_tavg *a, ws_time now);
double ws_tavg_mean(const ws_tavg *a, ws_time now);

/* RFC 3550 section 6.4.1 interarrival jitter estimate, J += (|D| - J)/16. */
typedef struct {
  double jitter_s;     /* current estimate, seconds */
  double last_transit; /* previous packet's transit time, seconds */
  bool have_last;
} ws_jitter;
/* Updates the estimate with a packet sent and received at these times (in
 * arrival order); the first packet only sets the reference. Zero-initialise. */
void ws_jitter_add(ws_jitter *j, double sent_s, double received_s);

/* ---- per-entity collectors ---------------------------------------------- */

/* What one flow did, with the meanings of SCENARIO-FORMAT.md "What the
 * outputs mean". Packets count after warmup by their send time. */
typedef struct {
  char *name;             /* flow name ("video" or "video/3"), owned */
  char *from;             /* sending entity, owned */
  char *to;               /* receiving entity, owned */
  const char *transport;  /* "udp", "tcp" or "icmp" (ping), static */
  const char *type;       /* "cbr", "poisson", ..., static */
  ws_time active_start;   /* max(start, warmup) */
  ws_time active_end;     /* min(stop, end of the run) */
  uint64_t sent_packets, sent_bytes;         /* application payload */
  uint64_t received_packets, received_bytes; /* application payload */
  uint64_t in_flight_packets; /* sent, not yet received nor dropped */
  ws_stat delay;          /* seconds, application to application */
  ws_hist *delay_hist;    /* seconds, for the percentiles */
  ws_jitter jitter;
  /* TCP flows (written empty for UDP flows) */
  uint64_t retransmissions; /* data segments retransmitted after warmup */
  uint64_t rto_count;       /* retransmission timeouts after warmup */
  /* bulk flows with a size: from start to the last byte delivered; -1 when
   * not applicable or not finished by the end */
  ws_time completion_ns;
  /* request-response flows: time from sending a request to receiving the
   * whole response, seconds, one sample per exchange */
  ws_stat response;
  ws_hist *response_hist;
  /* voip flows: E-model MOS (ITU-T G.107 / G.107.1 as documented in
   * docs/traffic.md); NAN when not applicable */
  double mos;
  /* packets dropped because their UE was changing cells or out of service
   * (drop reason "detach": a handover without forwarding, HARQ abandoned by
   * a handover, a radio link failure, an outage), counted by send time
   * after warmup: "lost around handovers"; 0 for flows without a UE */
  uint64_t handover_lost;
} ws_flow_stats;

/* Initialises (names are copied; transport and type are borrowed and must
 * be static; delay_hist is a new, empty histogram) and frees a flow's
 * collector (clear frees what init allocated and zeroes the struct). */
void ws_flow_stats_init(ws_flow_stats *f, const char *name, const char *from, const char *to,
                        const char *transport, const char *type);
void ws_flow_stats_clear(ws_flow_stats *f);
/* Packets lost: sent - received - in flight. A count that does not add up
 * is a collector bug: reported with g_critical, and 0 returned. */
uint64_t ws_flow_stats_lost(const ws_flow_stats *f);
/* Throughput (goodput for TCP): received payload bits / (active_end -
 * active_start) in s; 0 when the active time is 0 (SCENARIO-FORMAT.md). */
double ws_flow_stats_throughput_bps(const ws_flow_stats *f);

/* What one direction of a wired link did after warmup. */
typedef struct {
  char *link;            /* link name, owned */
  char *from;            /* transmitting end, owned */
  char *to;              /* receiving end, owned */
  double rate_bps;
  ws_time busy_ns;       /* time spent transmitting */
  uint64_t tx_packets, tx_bytes;   /* IP packets/bytes put on the wire */
  uint64_t queue_drops;  /* dropped at the queue (full) */
  uint64_t loss_drops;   /* lost on the wire (random loss) */
  uint64_t down_drops;   /* dropped because the link was down */
  uint64_t mtu_drops;    /* dropped at the sender: larger than the link's MTU */
  ws_tavg queue_packets; /* packets in the system, counting the one in service */
  ws_tavg queue_bytes;   /* IP bytes in the system, counting the one in service */
  uint64_t aqm_drops;    /* of queue_drops, those an AQM (RED, CoDel) chose */
  uint64_t ecn_marks;    /* packets an AQM marked CE instead of dropping */
} ws_link_stats;

/* Initialises (names are copied, counters zero) and frees a direction's
 * collector. */
void ws_link_stats_init(ws_link_stats *l, const char *link, const char *from, const char *to,
                        double rate_bps);
void ws_link_stats_clear(ws_link_stats *l);

/* What one cell (sector) did after warmup: a row of cells.csv
 * (docs/outputs.md). Strings are borrowed from the world. */
typedef struct {
  const char *name;           /* "A" or "macro/0.1" */
  int site;                   /* layout site index, -1 for a [cell] group */
  double x_m, y_m;            /* position */
  double azimuth_deg;         /* sector boresight (CCW from +X), NAN: omni */
  double bandwidth_hz;        /* channel bandwidth, for spectral efficiency */
  unsigned ues;               /* UEs attached at the end of the run */
  unsigned ues_out_of_coverage; /* UEs whose best cell it is, below CQI 1 */
  double rb_utilisation_dl;   /* RBs allocated / RBs available, DL */
  double rb_utilisation_ul;   /* the same, UL; NAN when the uplink is off */
  double throughput_dl_bps;   /* decoded transport-block bits / time */
  double throughput_ul_bps;
  double spectral_efficiency_dl; /* throughput_dl_bps / bandwidth_hz, bit/s/Hz */
  double spectral_efficiency_ul;
  double bler_dl;             /* first transmissions in error / first transmissions */
  uint64_t harq_retx_dl;      /* HARQ retransmissions sent */
  double on_fraction;         /* share of the measured time it was on (events) */
} ws_cell_stats;

/* What one UE did after warmup: a row of ues.csv (docs/outputs.md). */
typedef struct {
  const char *name;           /* "walkers/3" */
  const char *cell;           /* serving cell at the end, NULL: none (out of
                                 coverage or detached) */
  double x_m, y_m;            /* position at the end */
  bool out_of_coverage;       /* SINR below CQI 1 towards every cell */
  double rsrp_dbm;            /* RSRP of the serving (else best) cell */
  double geometry_sinr_db;    /* wideband SINR, large-scale only, every cell on */
  double sinr_db;             /* mean of the measured wideband SINRs (CQI reports) */
  double cqi_mean;
  double throughput_dl_bps;   /* IP bits delivered by the radio / time */
  double throughput_ul_bps;
  double bler_dl, bler_ul;    /* first transmissions in error / first transmissions */
  uint64_t harq_retx_dl, harq_retx_ul;
  uint64_t drops_dl, drops_ul; /* packets dropped at the radio (buffer, HARQ, detach) */
  bool dl_active, ul_active;  /* had traffic (full buffer or packets) in that direction */
  /* mobility management (after warmup) */
  uint64_t handovers;         /* handovers started */
  uint64_t pingpongs;         /* of which back to the previous cell within pingpong_window */
  uint64_t rlfs;              /* radio link failures (a cell-off included) */
  uint64_t reestablishments;  /* re-establishments after a failure */
  double interruption_s;      /* time without service: handover
                                 interruptions + failure to re-establishment */
} ws_ue_stats;

/* A best-server map over a regular grid: coverage.csv (docs/outputs.md). */
typedef struct {
  double x0_m, y0_m;          /* centre of the south-west square */
  double step_m;
  unsigned nx, ny;
  const double *sinr_db;      /* ny rows of nx, southern row first */
  const double *rsrp_dbm;
  const int32_t *cell;        /* best-server index into cell_names, -1 none */
  const char *const *cell_names;
} ws_coverage;

/* One handover, radio link failure or re-establishment: a row of
 * handovers.csv (issue 5). Strings are borrowed from the world. */
typedef struct {
  ws_time time_ns;
  const char *ue;
  const char *from_cell;      /* NULL: none (re-establishment) */
  const char *to_cell;        /* NULL: none (failure) */
  const char *kind;           /* "handover", "rlf", "reestablishment" */
  double x_m, y_m;            /* the UE's position */
  double serving_rsrp_dbm;    /* of from_cell (layer-3 filtered for a handover), NAN: none */
  double target_rsrp_dbm;     /* of to_cell, NAN: none */
} ws_handover_row;

/* The 3GPP headline figures (SCENARIO-FORMAT.md, "What the outputs mean";
 * TR 36.814 / M.2412 style): mean cell spectral efficiency over the cells
 * and the 5th percentile of the UEs' throughput among UEs with traffic in
 * that direction (a UE out of coverage with traffic counts as 0). NAN when
 * there is nothing to average. */
typedef struct {
  unsigned n_cells, n_ues, n_ues_out_of_coverage;
  double cell_se_dl, cell_se_ul;             /* bit/s/Hz/cell */
  double ue_p5_dl_bps, ue_p5_ul_bps;         /* 5th-percentile UE throughput */
  double ue_mean_dl_bps, ue_mean_ul_bps;
} ws_radio_headline;
void ws_radio_headline_compute(const ws_cell_stats *cells, unsigned n_cells,
                               const ws_ue_stats *ues, unsigned n_ues, ws_radio_headline *h);

/* A tidy time series: rows (time, entity, metric, value) appended in
 * simulation order; entity and metric strings are interned by the series. */
typedef struct ws_series ws_series;
/* An empty series; caller frees with ws_series_free (NULL is a no-op). */
ws_series *ws_series_new(void);
void ws_series_free(ws_series *s);
/* Appends a row; entity and metric are copied (interned), value is in the
 * metric's own unit. */
void ws_series_add(ws_series *s, ws_time t, const char *entity, const char *metric, double value);
/* Number of rows added. */
unsigned ws_series_rows(const ws_series *s);
/* Reads row i (in the order added): any output pointer may be NULL; the
 * strings are borrowed from the series. False when i >= the row count. */
bool ws_series_row(const ws_series *s, unsigned i, ws_time *t, const char **entity,
                   const char **metric, double *value);

/* ---- writers -------------------------------------------------------------- */

/* An output file written under a temporary name (PATH.tmp-XXXXXX in the same
 * folder) and renamed into place by commit, so a reader never sees half a
 * file. Abort (or free without commit) removes the temporary. */
typedef struct ws_outfile ws_outfile;
/* Creates PATH.tmp-XXXXXX (mode 0666 less the umask) in path's folder, which
 * must exist. NULL with error (G_FILE_ERROR) when it cannot. */
ws_outfile *ws_outfile_open(const char *path, GError **error);
/* Asks commit to fsync the file and its folder, so that the renamed file
 * survives a power cut (off by default: results are cheap to recompute). */
void ws_outfile_set_fsync(ws_outfile *o, bool on);
/* The stream to write to (borrowed: do not fclose it). */
FILE *ws_outfile_fp(ws_outfile *o);
/* Flushes, closes and renames into place; frees o. False (and error) on an
 * I/O failure, in which case nothing is left behind. */
bool ws_outfile_commit(ws_outfile *o, GError **error);
/* Closes and removes the temporary, leaving any existing file at the final
 * path untouched; frees o (NULL is a no-op). */
void ws_outfile_abort(ws_outfile *o);

/* The writers below each build the whole file and commit it through a
 * ws_outfile: true on success; false with error (G_FILE_ERROR) and nothing
 * left behind on an I/O failure. Numbers are formatted locale-independently
 * with the per-column formats of docs/outputs.md; a value that does not
 * exist (no packet received, nothing sent, NaN) is an empty field. */

/* flows.csv: one row per flow, the columns of docs/outputs.md. Each flow's
 * active_start/active_end and in_flight_packets must be set (world finish). */
bool ws_metrics_write_flows(const char *path, ws_flow_stats *const *flows, unsigned n,
                            GError **error);
/* links.csv: one row per link direction. window_ns is the measured time
 * (end - warmup), end the end of the run (closes the time averages). */
bool ws_metrics_write_links(const char *path, ws_link_stats *const *links, unsigned n,
                            ws_time window_ns, ws_time end, GError **error);
/* timeseries.csv: time_s,entity,metric,value, rows in the order added. */
bool ws_metrics_write_series(const char *path, const ws_series *s, GError **error);

/* What summary.json says about a run. */
typedef struct {
  const char *wisim_version;
  const char *build_flags;     /* compiler flags the binary was built with */
  const char *scenario_name;
  const char *scenario_path;
  const char *scenario_sha256;
  const char *const *overrides; /* NULL-terminated, may be NULL */
  uint64_t seed;
  uint64_t run_index;
  ws_time simulated_ns;        /* end of the run */
  ws_time warmup_ns;
  double wall_s;
  uint64_t events;
  bool complete;
  /* headline aggregates over the flows */
  unsigned n_flows;
  double total_throughput_bps;
  double mean_delay_s;         /* packet-weighted over all flows; NAN if none */
  double loss_ratio;           /* lost / sent over all flows; NAN if none sent */
  /* radio headline (n_cells 0: no cells; written as a "radio" object) */
  ws_radio_headline radio;
} ws_run_info;

/* cells.csv and ues.csv: one row per cell / UE, columns of docs/outputs.md. */
bool ws_metrics_write_cells(const char *path, const ws_cell_stats *cells, unsigned n,
                            GError **error);
bool ws_metrics_write_ues(const char *path, const ws_ue_stats *ues, unsigned n, GError **error);
/* handovers.csv: time_s,ue,from_cell,to_cell,kind,x,y,serving_rsrp_dbm,
 * target_rsrp_dbm, one row per event in time order. */
bool ws_metrics_write_handovers(const char *path, const ws_handover_row *rows, unsigned n,
                                GError **error);
/* coverage.csv: x_m,y_m,cell,rsrp_dbm,sinr_db, one row per square, the
 * southern row first, west to east. */
bool ws_metrics_write_coverage(const char *path, const ws_coverage *c, GError **error);

/* summary.json (json-glib, pretty): every field above, times in seconds,
 * events_per_s, the overrides as an array and a "headline" object; NaN is
 * null. */
bool ws_metrics_write_summary(const char *path, const ws_run_info *info, GError **error);

#endif
