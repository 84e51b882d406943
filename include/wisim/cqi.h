/* wisim CQI report timing of a UE (sim/cell/cqi.c): a report every
 * cqi_period, used cqi_delay later; which report is in force at time t
 * (TS 38.214 5.2.1.4 periodic reporting, simplified). Model: docs/cells.md. */
#ifndef WISIM_CQI_H
#define WISIM_CQI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/core.h"

/* The CQI reports of one UE (opaque): reports are measured at
 * offset + k * period (k = 0, 1, ...) and a report measured at t is in force
 * from t + delay until the next one is. Each report is n_values small
 * numbers (e.g. wideband CQI then one CQI per subband), copied in. */
typedef struct ws_cqi_reports ws_cqi_reports;

/* A new report store: period_ns > 0, delay_ns >= 0, 0 <= offset_ns <
 * period_ns (spreads UEs' reports over the period), n_values >= 1. Keeps the
 * last ceil(delay / period) + 2 reports, enough to answer for any time
 * after the newest report minus the delay. Allocates once; caller frees
 * with ws_cqi_reports_free. NULL (critical warning) on bad arguments. */
ws_cqi_reports *ws_cqi_reports_new(ws_time period_ns, ws_time delay_ns, ws_time offset_ns,
                                   unsigned n_values);
void ws_cqi_reports_free(ws_cqi_reports *c);

/* True when now is a report instant (offset + k * period). */
bool ws_cqi_reports_due(const ws_cqi_reports *c, ws_time now);
/* The first report instant at or after now. */
ws_time ws_cqi_reports_next_ns(const ws_cqi_reports *c, ws_time now);

/* Stores the report measured at measured_ns (values: n_values of them,
 * copied). Reports must come in increasing time order (critical warning
 * and ignored otherwise); a report need not fall on a report instant (the
 * caller decides when to measure: ws_cqi_reports_due). O(n_values). */
void ws_cqi_reports_push(ws_cqi_reports *c, ws_time measured_ns, const uint8_t *values);

/* The report in force at time t: the latest stored report measured at or
 * before t - delay. Returns its values (borrowed, valid until the next push)
 * and, if measured_ns is not NULL, its measurement time; NULL when no report
 * is in force yet (before the first one arrives: the caller's initial
 * value), or when t is so old that its report was already overwritten. */
const uint8_t *ws_cqi_reports_in_force(const ws_cqi_reports *c, ws_time t, ws_time *measured_ns);

#endif
