/* Tests of the queue disciplines (sim/net/queue.c): drop-tail limits in
 * packets and in bytes with exact refusals, FIFO order, lengths, the
 * registry, and freeing a queue that still holds packets. */
#include <glib.h>

#include "wisim/queue.h"

static ws_packet *make(ws_packet_pool *pool, uint32_t ip_bytes) {
  ws_packet *p = ws_packet_new(pool);
  p->ip_bytes = ip_bytes;
  return p;
}

/* limit 3p: of 5 offers the first 3 wait, the last 2 are refused; they come
 * out in order; the lengths follow. */
static void test_droptail_packets(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "droptail", .limit_in_bytes = false, .limit = 3};
  ws_queue *q = ws_queue_new(&cfg);
  g_assert_nonnull(q);
  uint64_t accepted[5];
  int n_acc = 0, refused = 0;
  for (int i = 0; i < 5; i++) {
    ws_packet *p = make(pool, 100 + (uint32_t)i);
    uint64_t id = p->id;
    if (ws_queue_enqueue(q, p, 0)) accepted[n_acc++] = id;
    else {
      refused++;
      ws_packet_free(pool, p);
    }
  }
  g_assert_cmpint(n_acc, ==, 3);
  g_assert_cmpint(refused, ==, 2);
  g_assert_cmpuint(ws_queue_packets(q), ==, 3);
  g_assert_cmpuint(ws_queue_bytes(q), ==, 100 + 101 + 102);
  for (int i = 0; i < 3; i++) {
    ws_packet *p = ws_queue_dequeue(q, 0);
    g_assert_nonnull(p);
    g_assert_cmpuint(p->id, ==, accepted[i]);
    ws_packet_free(pool, p);
  }
  g_assert_null(ws_queue_dequeue(q, 0));
  g_assert_cmpuint(ws_queue_packets(q), ==, 0);
  g_assert_cmpuint(ws_queue_bytes(q), ==, 0);
  ws_queue_free(q, pool);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

/* limit 3000 B: 1000 + 1500 fit, 600 would make 3100 (refused), 500 makes
 * exactly 3000 (accepted: the limit is inclusive), then even 1 B is refused. */
static void test_droptail_bytes(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = "droptail", .limit_in_bytes = true, .limit = 3000};
  ws_queue *q = ws_queue_new(&cfg);
  const uint32_t sizes[] = {1000, 1500, 600, 500, 1};
  const bool expect[] = {true, true, false, true, false};
  for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
    ws_packet *p = make(pool, sizes[i]);
    bool ok = ws_queue_enqueue(q, p, 0);
    g_assert_cmpint(ok, ==, expect[i]);
    if (!ok) ws_packet_free(pool, p);
  }
  g_assert_cmpuint(ws_queue_bytes(q), ==, 3000);
  g_assert_cmpuint(ws_queue_packets(q), ==, 3);
  /* Packets still queued go back to the pool with the queue. */
  ws_queue_free(q, pool);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  ws_packet_pool_free(pool);
}

/* A limit of 0 lets nothing wait (only a packet in service would exist). */
static void test_zero_limit(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_queue_config cfg = {.discipline = NULL, .limit = 0};
  ws_queue *q = ws_queue_new(&cfg); /* NULL discipline = droptail */
  g_assert_nonnull(q);
  ws_packet *p = make(pool, 28);
  g_assert_false(ws_queue_enqueue(q, p, 0));
  ws_packet_free(pool, p);
  ws_queue_free(q, NULL);
  ws_packet_pool_free(pool);
}

static void test_registry(void) {
  g_assert_true(ws_queue_known("droptail"));
  g_assert_true(ws_queue_known("red"));
  g_assert_true(ws_queue_known("codel"));
  g_assert_false(ws_queue_known("sfq"));
  ws_queue_config cfg = {.discipline = "sfq", .limit = 10};
  g_assert_null(ws_queue_new(&cfg));
  /* Impossible parameters make no queue: RED with min_th >= max_th, CoDel
   * with target >= interval. */
  ws_queue_config bad_red = {.discipline = "red", .limit = 10, .red_min = 8, .red_max = 8};
  g_assert_null(ws_queue_new(&bad_red));
  ws_queue_config bad_codel = {.discipline = "codel", .limit = 10,
                               .codel_target_ns = 100 * WS_MS, .codel_interval_ns = 100 * WS_MS};
  g_assert_null(ws_queue_new(&bad_codel));
  const char *const *names = ws_queue_disciplines();
  g_assert_cmpstr(names[0], ==, "droptail");
  g_assert_cmpstr(names[1], ==, "red");
  g_assert_cmpstr(names[2], ==, "codel");
  g_assert_null(names[3]);
  /* Every discipline of the registry is FIFO when it has no reason to drop,
   * and pop empties it without decisions. */
  ws_packet_pool *pool = ws_packet_pool_new();
  for (const char *const *n = names; *n; n++) {
    ws_queue_config c = {.discipline = *n, .limit = 10, .rate_bps = 1000000000};
    ws_queue *q = ws_queue_new(&c);
    g_assert_nonnull(q);
    g_assert_cmpstr(q->ops->name, ==, *n);
    uint64_t ids[3];
    for (int i = 0; i < 3; i++) {
      ws_packet *p = make(pool, 100);
      ids[i] = p->id;
      g_assert_true(ws_queue_enqueue(q, p, 0));
    }
    ws_packet *p = ws_queue_dequeue(q, 0);
    g_assert_cmpuint(p->id, ==, ids[0]);
    ws_packet_free(pool, p);
    p = ws_queue_pop(q);
    g_assert_cmpuint(p->id, ==, ids[1]);
    ws_packet_free(pool, p);
    g_assert_cmpuint(ws_queue_packets(q), ==, 1);
    ws_queue_free(q, pool); /* the last one goes back to the pool */
    g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  }
  ws_packet_pool_free(pool);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/queue/droptail-packets", test_droptail_packets);
  g_test_add_func("/queue/droptail-bytes", test_droptail_bytes);
  g_test_add_func("/queue/zero-limit", test_zero_limit);
  g_test_add_func("/queue/registry", test_registry);
  return g_test_run();
}
