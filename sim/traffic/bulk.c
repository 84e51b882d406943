/* wisim bulk application (TCP only): the client at `from` connects at start
 * and keeps its send buffer full until `size` bytes are written (or for
 * ever: size unlimited, the classic long-lived "FTP" flow of TCP studies);
 * the completion time runs from start to the last byte delivered in order
 * at `to`. */
#include <glib.h>

#include "traffic-int.h"

typedef struct {
  uint64_t remaining;   /* bytes still to write; UINT64_MAX = unlimited */
  ws_event_id start_event;
  bool done;
} bulk_state;

/* Writes as much as the send buffer takes, until stop. */
static void fill(ws_traffic *t) {
  bulk_state *b = t->app;
  if (ws_sim_now(t->sim) >= t->cfg.stop_ns) return;
  while (b->remaining > 0) {
    uint64_t space = ws_tcp_send_space(t->client);
    if (space == 0) break;
    uint64_t took = ws_tcp_send(t->client, MIN(space, b->remaining));
    if (took == 0) break;
    if (b->remaining != UINT64_MAX) b->remaining -= took;
    if (ws_traffic_counting(t)) t->stats.sent_bytes += took;
  }
}

static bool bulk_init(ws_traffic *t) {
  g_return_val_if_fail(t->client != NULL, false);
  bulk_state *b = g_new0(bulk_state, 1);
  b->remaining = t->cfg.params.bulk_bytes ? t->cfg.params.bulk_bytes : UINT64_MAX;
  t->app = b;
  return true;
}

static void bulk_begin(ws_sim *sim, void *ctx) {
  (void)sim;
  ws_traffic *t = ctx;
  ((bulk_state *)t->app)->start_event = 0;
  ws_tcp_connect(t->client, t->dst_addr, t->cfg.dst_port);
  fill(t);
}

static void bulk_start(ws_traffic *t) {
  bulk_state *b = t->app;
  ws_time at = MAX(t->cfg.start_ns, ws_sim_now(t->sim));
  if (at < t->cfg.stop_ns) b->start_event = ws_sim_schedule_at(t->sim, at, bulk_begin, t);
}

static void bulk_stop(ws_traffic *t) {
  bulk_state *b = t->app;
  if (b->start_event) ws_sim_cancel(t->sim, b->start_event);
  b->start_event = 0;
  b->remaining = 0;
}

static void bulk_free(ws_traffic *t) {
  if (!t->app) return;
  bulk_stop(t);
  g_free(t->app);
  t->app = NULL;
}

static void bulk_connected(ws_traffic *t, ws_tcp *tcp) {
  if (tcp == t->client) fill(t);
}

static void bulk_acked(ws_traffic *t, ws_tcp *tcp, uint64_t bytes) {
  (void)bytes;
  if (tcp == t->client) fill(t);
}

static void bulk_received(ws_traffic *t, ws_tcp *tcp, uint64_t bytes) {
  (void)bytes;
  bulk_state *b = t->app;
  if (tcp != t->server || b->done || !t->cfg.params.bulk_bytes) return;
  if (t->rx_bytes >= t->cfg.params.bulk_bytes) {
    b->done = true;
    t->stats.completion_ns = ws_sim_now(t->sim) - t->cfg.start_ns;
    ws_tcp_close(t->client);
  }
}

const ws_traffic_app_ops ws_traffic_bulk_ops = {
    .init = bulk_init,
    .start = bulk_start,
    .stop = bulk_stop,
    .free = bulk_free,
    .connected = bulk_connected,
    .received = bulk_received,
    .acked = bulk_acked,
};
