/* Tests of trace replay (sim/traffic/trace-replay.c): the CSV parser on good
 * input (header, comments, blank lines, CRLF, exact decimal times) and on
 * every kind of bad row, each reported with the file's name and line, and
 * the replay itself: one datagram per row at start + time_s exactly, with
 * that row's payload, over UDP; over TCP, the rows' bytes written. */
#include <glib.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/scenario.h"
#include "wisim/traffic.h"

static ws_traffic_trace *parse(const char *text, GError **error) {
  return ws_traffic_trace_parse("tr.csv", text, strlen(text), error);
}

static void test_parse_good(void) {
  GError *error = NULL;
  ws_traffic_trace *tr =
      parse("# a comment\r\ntime_s,bytes\r\n\r\n0,172\r\n 0.020 , 172 \r\n0.020,0\r\n"
            "1.000000001,65507\r\n31536000,1", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(ws_traffic_trace_n_rows(tr), ==, 5);
  ws_time t;
  uint32_t b;
  struct { ws_time t; uint32_t b; } want[] = {
      {0, 172}, {20 * WS_MS, 172}, {20 * WS_MS, 0}, {WS_S + 1, 65507}, {31536000 * WS_S, 1}};
  for (unsigned i = 0; i < 5; i++) {
    ws_traffic_trace_row(tr, i, &t, &b);
    g_assert_cmpint(t, ==, want[i].t);
    g_assert_cmpuint(b, ==, want[i].b);
  }
  g_assert_cmpuint(ws_traffic_trace_max_bytes(tr), ==, 65507);
  ws_traffic_trace_free(tr);
}

/* Every bad input is an error naming tr.csv and the line, never a crash. */
static void test_parse_bad(void) {
  struct { const char *text; const char *where; } cases[] = {
      {"", "tr.csv:1: expected at least one row"},
      {"time_s,bytes\n# nothing\n", "tr.csv:2: expected at least one row"},
      {"0,100\n0.5,abc\n", "tr.csv:2: expected a row"},
      {"0,100\n-1,10\n", "tr.csv:2:"},
      {"0,100\n1,2,3\n", "tr.csv:2:"},
      {"0,100\n1e3,10\n", "tr.csv:2:"},
      {"0.0000000001,1\n", "tr.csv:1:"},          /* finer than 1 ns */
      {"1000000000,1\n", "tr.csv:1:"},            /* 10 digits of seconds */
      {"0,65508\n", "tr.csv:1:"},                 /* larger than a datagram */
      {"0,\n", "tr.csv:1:"},
      {",5\n", "tr.csv:1:"},
      {"1,10\n0.5,10\n", "tr.csv:2: expected times in non-decreasing order"},
      {"nan,1\n", "tr.csv:1:"},
      {"0,100\ntime_s,bytes\n", "tr.csv:2:"},     /* a header only first */
      {"\xff\xfe,1\n", "tr.csv:1:"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    g_assert_null(parse(cases[i].text, &error));
    g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, cases[i].where));
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
  }
  /* A NUL byte inside a line. */
  GError *error = NULL;
  g_assert_null(ws_traffic_trace_parse("tr.csv", "0,1\n1\0,2\n", 9, &error));
  g_assert_true(g_str_has_prefix(error->message, "tr.csv:2:"));
  g_clear_error(&error);
  g_assert_null(ws_traffic_trace_load("/nonexistent/tr.csv", &error));
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO);
  g_error_free(error);
}

/* Replay: each row leaves `a` (idle link: transmission starts at once) at
 * start + time_s exactly with its payload; rows at or after stop are not
 * sent. */
typedef struct {
  GArray *times;
  GArray *sizes;
} seen;

static void tap(void *ctx, const ws_tap_event *ev) {
  seen *s = ctx;
  if (ev->kind != WS_TAP_DEQUEUE || ev->dir != 0) return;
  g_array_append_val(s->times, ev->time_ns);
  uint32_t b = ev->packet->payload_bytes;
  g_array_append_val(s->sizes, b);
}

static void test_replay(void) {
  GError *error = NULL;
  ws_traffic_trace *tr = parse("0,100\n0.25,200\n0.25,300\n1.5,400\n3,500\n", &error);
  g_assert_no_error(error);
  ws_link_config lc = {.rate_bps = 1000000000, .delay_ns = WS_MS, .mtu_bytes = 1500,
                       .queue = {.discipline = "droptail", .limit = 100}};
  ws_sim *sim = ws_sim_new();
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_net *net = ws_net_new(sim, pool);
  ws_node *a = ws_net_add_node(net, "a", WS_NODE_HOST);
  ws_node *b = ws_net_add_node(net, "b", WS_NODE_HOST);
  ws_net_add_link(net, "ab", a, b, &lc, 1, 0);
  ws_net_build_routes(net);
  seen s = {g_array_new(FALSE, FALSE, sizeof(ws_time)), g_array_new(FALSE, FALSE, sizeof(uint32_t))};
  ws_net_add_tap(net, tap, &s);
  ws_traffic_config c = {.name = "rep", .type = "trace", .from = a, .to = b, .src_port = 49152,
                         .dst_port = 5001, .params = {.trace = tr}, .start_ns = 100 * WS_MS,
                         .stop_ns = 3100 * WS_MS};
  ws_traffic *t = ws_traffic_new(net, &c, 1, 0);
  ws_traffic_start(t);
  ws_sim_run(sim);
  ws_time want_t[] = {100 * WS_MS, 350 * WS_MS, 350 * WS_MS + 1824 /* behind row 2: 228 B at 1 Gbit/s */,
                      1600 * WS_MS};
  uint32_t want_b[] = {100, 200, 300, 400};
  /* Row 5 (3 s + 0.1 s start = 3.1 s) is at stop: not sent. */
  g_assert_cmpuint(s.times->len, ==, 4);
  for (unsigned i = 0; i < 4; i++) {
    g_assert_cmpint(g_array_index(s.times, ws_time, i), ==, want_t[i]);
    g_assert_cmpuint(g_array_index(s.sizes, uint32_t, i), ==, want_b[i]);
  }
  ws_flow_stats *st = ws_traffic_get_stats(t);
  g_assert_cmpuint(st->sent_packets, ==, 4);
  g_assert_cmpuint(st->received_bytes, ==, 1000);
  ws_traffic_free(t);
  ws_net_free(net);
  ws_packet_pool_free(pool);
  ws_sim_free(sim);
  g_array_free(s.times, TRUE);
  g_array_free(s.sizes, TRUE);
  ws_traffic_trace_free(tr);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/trace-replay/parse-good", test_parse_good);
  g_test_add_func("/trace-replay/parse-bad", test_parse_bad);
  g_test_add_func("/trace-replay/replay", test_replay);
  return g_test_run();
}
