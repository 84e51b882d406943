/* Tests of the CQI report timing (sim/cell/cqi.c): the report in force
 * follows cqi_period and cqi_delay to the nanosecond, also over a long run
 * and with a delay longer than the period. */
#include <glib.h>
#include <math.h>

#include "wisim/cqi.h"

static void test_cqi_period_delay(void) {
  ws_cqi_reports *c = ws_cqi_reports_new(5 * WS_MS, 4 * WS_MS, 0, 2);
  g_assert_true(ws_cqi_reports_due(c, 0));
  g_assert_true(ws_cqi_reports_due(c, 10 * WS_MS));
  g_assert_false(ws_cqi_reports_due(c, 4 * WS_MS));
  g_assert_false(ws_cqi_reports_due(c, 5 * WS_MS + 1));
  static const uint8_t rep[3][2] = {{3, 30}, {7, 70}, {11, 110}};
  for (unsigned k = 0; k < 3; k++)
    ws_cqi_reports_push(c, (ws_time)k * 5 * WS_MS, rep[k]);
  for (ws_time t = 0; t <= 20 * WS_MS; t += WS_MS / 2) {
    ws_time at;
    const uint8_t *v = ws_cqi_reports_in_force(c, t, &at);
    int want = t < 4 * WS_MS ? -1 : t < 9 * WS_MS ? 0 : t < 14 * WS_MS ? 1 : 2;
    if (want < 0) {
      g_assert_null(v);
    } else {
      g_assert_nonnull(v);
      g_assert_cmpuint(v[0], ==, rep[want][0]);
      g_assert_cmpuint(v[1], ==, rep[want][1]);
      g_assert_cmpint(at, ==, (ws_time)want * 5 * WS_MS);
    }
  }
  g_assert_null(ws_cqi_reports_in_force(c, 4 * WS_MS - 1, NULL));
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 9 * WS_MS - 1, NULL)[0], ==, 3);
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 9 * WS_MS, NULL)[0], ==, 7);
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 14 * WS_MS - 1, NULL)[0], ==, 7);
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 14 * WS_MS, NULL)[0], ==, 11);
  /* Out-of-order reports are refused. */
  g_test_expect_message("cell", G_LOG_LEVEL_CRITICAL, "*measured_ns*");
  ws_cqi_reports_push(c, 10 * WS_MS, rep[0]);
  g_test_assert_expected_messages();
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 30 * WS_MS, NULL)[0], ==, 11);
  ws_cqi_reports_free(c);
}

/* A long run with a delay longer than the period (period 5, delay 12,
 * offset 2 ms; the ring keeps ceil(12/5) + 2 = 5): reports pushed at their
 * instants, queried every 0.25 ms; the one in force is report
 * k = floor((t - 12 - 2) / 5), none before 14 ms. Delay 0: in force at once. */
static void test_cqi_long_run(void) {
  ws_cqi_reports *c = ws_cqi_reports_new(5 * WS_MS, 12 * WS_MS, 2 * WS_MS, 1);
  g_assert_cmpint(ws_cqi_reports_next_ns(c, 0), ==, 2 * WS_MS);
  g_assert_cmpint(ws_cqi_reports_next_ns(c, 2 * WS_MS), ==, 2 * WS_MS);
  g_assert_cmpint(ws_cqi_reports_next_ns(c, 2 * WS_MS + 1), ==, 7 * WS_MS);
  for (ws_time t = 0; t <= 2000 * WS_MS; t += WS_MS / 4) {
    if (ws_cqi_reports_due(c, t)) {
      uint8_t v = (uint8_t)(((t - 2 * WS_MS) / (5 * WS_MS)) % 251);
      ws_cqi_reports_push(c, t, &v);
    }
    const uint8_t *got = ws_cqi_reports_in_force(c, t, NULL);
    if (t < 14 * WS_MS) {
      g_assert_null(got);
    } else {
      ws_time k = (t - 14 * WS_MS) / (5 * WS_MS);
      g_assert_nonnull(got);
      g_assert_cmpuint(got[0], ==, (unsigned)(k % 251));
    }
  }
  ws_cqi_reports_free(c);
  c = ws_cqi_reports_new(WS_MS, 0, 0, 1);
  uint8_t v = 9;
  ws_cqi_reports_push(c, 3 * WS_MS, &v);
  g_assert_null(ws_cqi_reports_in_force(c, 3 * WS_MS - 1, NULL));
  g_assert_cmpuint(ws_cqi_reports_in_force(c, 3 * WS_MS, NULL)[0], ==, 9);
  ws_cqi_reports_free(c);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cqi/period-delay", test_cqi_period_delay);
  g_test_add_func("/cqi/long-run", test_cqi_long_run);
  return g_test_run();
}
