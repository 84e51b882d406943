/* wisim CQI report timing: reports measured every period and used a delay
 * later (TS 38.214 5.2.1.4 periodic reporting, simplified), kept in a small
 * ring so that the report in force at any time is found without allocation. */
#include <glib.h>
#include <string.h>

#include "wisim/cqi.h"

/* A ring of the newest reports: slot i holds measured_ns[i] and values
 * [i * n_values, (i + 1) * n_values). oldest is the index of the oldest. */
struct ws_cqi_reports {
  ws_time period_ns, delay_ns, offset_ns;
  unsigned n_values;
  size_t cap, count, oldest;
  uint64_t pushed; /* reports ever pushed: > count means some were overwritten */
  ws_time *measured_ns;
  uint8_t *values;
};

ws_cqi_reports *ws_cqi_reports_new(ws_time period_ns, ws_time delay_ns, ws_time offset_ns,
                                   unsigned n_values) {
  g_return_val_if_fail(period_ns > 0 && delay_ns >= 0, NULL);
  g_return_val_if_fail(offset_ns >= 0 && offset_ns < period_ns && n_values >= 1, NULL);
  ws_cqi_reports *c = g_new0(ws_cqi_reports, 1);
  c->period_ns = period_ns;
  c->delay_ns = delay_ns;
  c->offset_ns = offset_ns;
  c->n_values = n_values;
  /* With reports every period, the one in force at any t >= newest - delay
   * is at most ceil(delay / period) + 1 reports old; one more for safety
   * against reports pushed slightly off their instants. */
  c->cap = (size_t)((delay_ns + period_ns - 1) / period_ns) + 2;
  c->measured_ns = g_new0(ws_time, c->cap);
  c->values = g_new0(uint8_t, c->cap * n_values);
  return c;
}

void ws_cqi_reports_free(ws_cqi_reports *c) {
  if (c == NULL)
    return;
  g_free(c->measured_ns);
  g_free(c->values);
  g_free(c);
}

bool ws_cqi_reports_due(const ws_cqi_reports *c, ws_time now) {
  g_return_val_if_fail(c != NULL, false);
  return now >= c->offset_ns && (now - c->offset_ns) % c->period_ns == 0;
}

ws_time ws_cqi_reports_next_ns(const ws_cqi_reports *c, ws_time now) {
  g_return_val_if_fail(c != NULL, WS_TIME_MAX);
  if (now <= c->offset_ns)
    return c->offset_ns;
  ws_time k = (now - c->offset_ns + c->period_ns - 1) / c->period_ns;
  return c->offset_ns + k * c->period_ns;
}

void ws_cqi_reports_push(ws_cqi_reports *c, ws_time measured_ns, const uint8_t *values) {
  g_return_if_fail(c != NULL && values != NULL);
  if (c->count > 0) {
    size_t newest = (c->oldest + c->count - 1) % c->cap;
    g_return_if_fail(measured_ns > c->measured_ns[newest]);
  }
  size_t slot;
  if (c->count < c->cap) {
    slot = (c->oldest + c->count) % c->cap;
    c->count++;
  } else {
    slot = c->oldest;
    c->oldest = (c->oldest + 1) % c->cap;
  }
  c->measured_ns[slot] = measured_ns;
  memcpy(&c->values[slot * c->n_values], values, c->n_values);
  c->pushed++;
}

const uint8_t *ws_cqi_reports_in_force(const ws_cqi_reports *c, ws_time t, ws_time *measured_ns) {
  g_return_val_if_fail(c != NULL, NULL);
  /* t - delay cannot overflow: both are ns of a run, delay >= 0. */
  ws_time usable_ns = t - c->delay_ns;
  for (size_t i = c->count; i-- > 0;) {
    size_t slot = (c->oldest + i) % c->cap;
    if (c->measured_ns[slot] <= usable_ns) {
      if (measured_ns != NULL)
        *measured_ns = c->measured_ns[slot];
      return &c->values[slot * c->n_values];
    }
  }
  return NULL;
}
