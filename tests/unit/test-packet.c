/* Tests of the packet pool (sim/net/packet.c): recycling without growth,
 * fresh fields on reuse, unique ids per pool, and the UDP/IPv4 size rule of
 * SCENARIO-FORMAT.md (payload + 8 + 20, no framing). */
#include <glib.h>

#include "wisim/packet.h"

enum { N = 1000 };

/* Freed packets are handed out again: a second wave of the same size finds
 * them all on the free list, so the pool does not grow (no malloc per packet
 * in steady state), and every id is new. */
static void test_pool_reuse(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_packet *first[N];
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (int i = 0; i < N; i++) {
    first[i] = ws_packet_new(pool);
    g_assert_cmpuint(first[i]->id, ==, (uint64_t)i + 1);
    g_hash_table_add(seen, first[i]);
  }
  size_t capacity = ws_packet_pool_capacity(pool);
  g_assert_cmpuint(capacity, >=, N);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, N);
  for (int i = 0; i < N; i++) ws_packet_free(pool, first[i]);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, 0);
  uint64_t last_id = N;
  for (int i = 0; i < N; i++) {
    ws_packet *p = ws_packet_new(pool);
    g_assert_true(g_hash_table_contains(seen, p));
    g_assert_cmpuint(p->id, ==, last_id + 1);
    last_id = p->id;
  }
  g_assert_cmpuint(ws_packet_pool_capacity(pool), ==, capacity);
  g_assert_cmpuint(ws_packet_pool_in_use(pool), ==, N);
  g_hash_table_destroy(seen);
  ws_packet_pool_free(pool); /* frees packets still out, too (ASan checks) */
}

/* A recycled packet carries nothing of its previous life. */
static void test_fresh_fields(void) {
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_packet *p = ws_packet_new(pool);
  g_assert_cmpuint(p->ttl, ==, WS_IPV4_DEFAULT_TTL);
  g_assert_cmpuint(p->flow, ==, WS_PACKET_NO_FLOW);
  p->payload_bytes = 1200;
  p->ttl = 3;
  p->flow = 7;
  p->counted = true;
  p->dst_addr = 0x0a000001;
  p->seq = 99;
  ws_packet_free(pool, p);
  ws_packet *q = ws_packet_new(pool);
  g_assert_true(q == p);
  g_assert_cmpuint(q->payload_bytes, ==, 0);
  g_assert_cmpuint(q->ttl, ==, WS_IPV4_DEFAULT_TTL);
  g_assert_cmpuint(q->flow, ==, WS_PACKET_NO_FLOW);
  g_assert_false(q->counted);
  g_assert_cmpuint(q->dst_addr, ==, 0);
  g_assert_cmpuint(q->seq, ==, 0);
  g_assert_cmpuint(q->id, ==, 2);
  ws_packet_free(pool, q);
  ws_packet_pool_free(pool);
}

/* Ids are per pool (per simulation): two pools do not share a counter. */
static void test_ids_per_pool(void) {
  ws_packet_pool *a = ws_packet_pool_new(), *b = ws_packet_pool_new();
  ws_packet *pa = ws_packet_new(a), *pb = ws_packet_new(b);
  g_assert_cmpuint(pa->id, ==, 1);
  g_assert_cmpuint(pb->id, ==, 1);
  ws_packet_free(a, pa);
  ws_packet_free(b, pb);
  ws_packet_pool_free(a);
  ws_packet_pool_free(b);
}

/* SCENARIO-FORMAT.md: a link carries payload + UDP (8 B) + IPv4 (20 B). */
static void test_sizes(void) {
  g_assert_cmpuint(ws_packet_udp_ip_bytes(1200), ==, 1228);
  g_assert_cmpuint(ws_packet_udp_ip_bytes(0), ==, 28);
  g_assert_cmpuint(ws_packet_udp_ip_bytes(1472), ==, 1500);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/packet/pool-reuse", test_pool_reuse);
  g_test_add_func("/packet/fresh-fields", test_fresh_fields);
  g_test_add_func("/packet/ids-per-pool", test_ids_per_pool);
  g_test_add_func("/packet/sizes", test_sizes);
  return g_test_run();
}
