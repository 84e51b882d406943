/* wisim aggregate: statistics over replications. Reads the entity CSV files
 * (flows.csv, links.csv, cells.csv, ues.csv, ...) of run folders and gives,
 * per (file, entity, numeric column), the mean, standard deviation, 95%
 * Student-t confidence half-width and n; writes aggregate.csv and the rows
 * of sweep.csv. Works from files alone, so `wisim merge` can reuse it. */
#ifndef WISIM_AGGREGATE_H
#define WISIM_AGGREGATE_H

#include <glib.h>
#include <stdbool.h>

#include "wisim/metrics.h"

/* The statistics of one study: opaque. */
typedef struct ws_agg ws_agg;

/* An empty aggregate. Caller frees with ws_agg_free (NULL is a no-op). */
ws_agg *ws_agg_new(void);
void ws_agg_free(ws_agg *a);

/* Adds one run folder: every *.csv in it with one row per entity (all but
 * timeseries.csv, aggregate.csv and sweep.csv), in name order. The entity of
 * a row is its first column (links.csv: "LINK FROM->TO", the name the time
 * series uses); a column is numeric when every non-empty value of it parses
 * as a number; empty fields are "not defined" and do not count. Runs must be
 * added in run-index order: the result then does not depend on the order in
 * which they were computed. False with error (G_FILE_ERROR) when a file
 * cannot be read. */
bool ws_agg_add_run(ws_agg *a, const char *run_dir, GError **error);

/* Adds every complete run folder DIR/runs/NNN (summary.json present and
 * "complete": true) with NNN < limit (limit 0: all), in index order;
 * *n_incomplete (may be NULL) counts the folders skipped as incomplete.
 * Returns the number of runs added, or -1 with error (no runs/ folder
 * gives 0). */
int ws_agg_add_runs_dir(ws_agg *a, const char *dir, unsigned limit, unsigned *n_incomplete,
                        GError **error);

/* Number of runs added. */
unsigned ws_agg_n_runs(const ws_agg *a);

/* The statistic of one metric (observations in run order); false when the
 * (file, entity, metric) triple was never seen or is not numeric. file is
 * "flows.csv" or "flows"; entity as above. */
bool ws_agg_get(const ws_agg *a, const char *file, const char *entity, const char *metric,
                ws_stat *out);

/* Parses a metric name FILE:ENTITY:COLUMN (e.g. "flows.csv:video:throughput_bps";
 * ".csv" may be omitted; the entity may contain ':' or spaces, the column is
 * after the last ':'). Each output is a new string; false with error
 * (G_OPTION_ERROR_BAD_VALUE) on a malformed name. */
bool ws_agg_parse_metric(const char *name, char **file, char **entity, char **column,
                         GError **error);

/* Appends the aggregate's rows to out as CSV, each "PREFIX" followed by
 * "file,entity,metric,mean,sd,ci95,n\n" (prefix may be NULL or ""; it is
 * copied verbatim and must end in ',' when not empty). Files in name order
 * (flows.csv and links.csv first), entities in order of first appearance,
 * metrics in column order; a metric an entity never defined is left out.
 * Numbers %.12g; sd and ci95 are empty when n < 2. */
void ws_agg_append_rows(const ws_agg *a, GString *out, const char *prefix);

/* aggregate.csv: header "file,entity,metric,mean,sd,ci95,n" and the rows
 * above, written atomically. False with error on an I/O failure. */
bool ws_agg_write(const ws_agg *a, const char *path, GError **error);

/* Appends one CSV field to out, quoted as RFC 4180 when it contains ',',
 * '"' or a line break. */
void ws_agg_csv_field(GString *out, const char *text);

#endif
