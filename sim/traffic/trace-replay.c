/* wisim trace replay: a flow that sends what a CSV file says, one packet (or
 * one TCP write) per row "time_s,bytes" at that time after the flow's start.
 * The parser is strict and total: any byte string gives either a trace or a
 * "NAME:LINE: expected ..., found ..." error, never a crash (fuzz-trace.c). */
#include <glib.h>
#include <string.h>

#include "traffic-int.h"
#include "wisim/csv.h"
#include "wisim/scenario.h"

/* The largest UDP payload of an IPv4 datagram: 65535 - 20 - 8. */
#define MAX_TRACE_BYTES 65507u

struct ws_traffic_trace {
  GArray *t_ns;    /* ws_time */
  GArray *bytes;   /* uint32_t */
  uint32_t max_bytes;
};

static bool parse_bytes(const char *s, uint32_t *out) {
  uint64_t v = 0;
  int n = 0;
  for (const char *p = s; *p; p++, n++) {
    if (!g_ascii_isdigit(*p) || n >= 6) return false;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  if (n == 0 || v > MAX_TRACE_BYTES) return false;
  *out = (uint32_t)v;
  return true;
}

ws_traffic_trace *ws_traffic_trace_parse(const char *name, const char *data, size_t len,
                                         GError **error) {
  g_return_val_if_fail(name != NULL && (data != NULL || len == 0), NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  ws_traffic_trace *tr = g_new0(ws_traffic_trace, 1);
  tr->t_ns = g_array_new(FALSE, FALSE, sizeof(ws_time));
  tr->bytes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, name, data, len, "time_s,bytes");
  char *text;
  ws_csv_status st;
  while ((st = ws_csv_reader_next(&rd, &text, error)) == WS_CSV_ROW) {
    char *comma = strchr(text, ',');
    ws_time t_ns = 0;
    uint32_t bytes = 0;
    bool ok = comma != NULL;
    if (ok) {
      *comma = '\0';
      ok = ws_csv_parse_time(g_strstrip(text), &t_ns) &&
           parse_bytes(g_strstrip(comma + 1), &bytes);
    }
    if (!ok) {
      char *q = ws_csv_quote(&rd);
      ws_csv_fail(&rd, error,
                  "expected a row time_s,bytes such as 0.020,172 (seconds >= 0 with at most 9 "
                  "decimals, a whole number of bytes up to %u), found \"%s\"",
                  MAX_TRACE_BYTES, q);
      g_free(q);
      goto bad;
    }
    if (!ws_csv_check_time(&rd, t_ns, error)) goto bad;
    g_array_append_val(tr->t_ns, t_ns);
    g_array_append_val(tr->bytes, bytes);
    tr->max_bytes = MAX(tr->max_bytes, bytes);
  }
  if (st == WS_CSV_ERROR) goto bad;
  if (tr->t_ns->len == 0) {
    ws_csv_fail(&rd, error, "expected at least one row time_s,bytes, found none");
    goto bad;
  }
  ws_csv_reader_clear(&rd);
  return tr;
bad:
  ws_csv_reader_clear(&rd);
  ws_traffic_trace_free(tr);
  return NULL;
}

ws_traffic_trace *ws_traffic_trace_load(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  char *data = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(path, &data, &len, &io)) {
    g_set_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO, "%s: cannot read the trace: %s",
                path, io->message);
    g_error_free(io);
    return NULL;
  }
  ws_traffic_trace *tr = ws_traffic_trace_parse(path, data, len, error);
  g_free(data);
  return tr;
}

void ws_traffic_trace_free(ws_traffic_trace *tr) {
  if (!tr) return;
  g_array_free(tr->t_ns, TRUE);
  g_array_free(tr->bytes, TRUE);
  g_free(tr);
}

unsigned ws_traffic_trace_n_rows(const ws_traffic_trace *tr) {
  g_return_val_if_fail(tr != NULL, 0);
  return tr->t_ns->len;
}

void ws_traffic_trace_row(const ws_traffic_trace *tr, unsigned i, ws_time *t_ns, uint32_t *bytes) {
  g_return_if_fail(tr != NULL && i < tr->t_ns->len);
  if (t_ns) *t_ns = g_array_index(tr->t_ns, ws_time, i);
  if (bytes) *bytes = g_array_index(tr->bytes, uint32_t, i);
}

uint32_t ws_traffic_trace_max_bytes(const ws_traffic_trace *tr) {
  g_return_val_if_fail(tr != NULL, 0);
  return tr->max_bytes;
}

/* ---- the generator: row k at start + time_k ------------------------------ */

typedef struct {
  const ws_traffic_trace *tr;
  ws_time start_ns;
  unsigned next;   /* row of the packet to send next */
} replay_state;

static void *replay_new(const ws_traffic_params *p) {
  replay_state *s = g_new0(replay_state, 1);
  s->tr = p->trace;
  return s;
}

static ws_time replay_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  (void)arrivals;
  replay_state *s = state;
  s->start_ns = start_ns;
  s->next = 0;
  return start_ns + g_array_index(s->tr->t_ns, ws_time, 0);
}

/* Called after size(): the row just sent is next - 1. */
static ws_time replay_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  (void)arrivals;
  replay_state *s = state;
  if (s->next >= s->tr->t_ns->len) return WS_TIME_MAX;
  return MAX(prev_ns, s->start_ns + g_array_index(s->tr->t_ns, ws_time, s->next));
}

static uint32_t replay_size(void *state, ws_rng *size_rng) {
  (void)size_rng;
  replay_state *s = state;
  g_assert(s->next < s->tr->bytes->len);
  return g_array_index(s->tr->bytes, uint32_t, s->next++);
}

const ws_traffic_gen_ops ws_traffic_trace_ops = {
    .name = "trace",
    .new_state = replay_new,
    .free_state = g_free,
    .first = replay_first,
    .next = replay_next,
    .size = replay_size,
};
