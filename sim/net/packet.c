/* wisim packet pool: packets are carved from slabs and recycled through an
 * intrusive free list, so the steady state of a run allocates nothing per
 * packet. Ids are handed out in order, unique within the pool.
 * Invariant: in_use + length(free list) == capacity. */
#include <glib.h>
#include <string.h>

#include "wisim/packet.h"

/* Packets per slab: 256 x ~100 B = a few pages, amortised over many packets. */
enum { SLAB_PACKETS = 256 };

struct ws_packet_pool {
  GPtrArray *slabs;  /* ws_packet[SLAB_PACKETS] each, owned */
  ws_packet *free;   /* free list through ws_packet.next */
  uint64_t next_id;  /* id of the next packet handed out */
  size_t in_use;
  size_t capacity;
};

ws_packet_pool *ws_packet_pool_new(void) {
  ws_packet_pool *pool = g_new0(ws_packet_pool, 1);
  pool->slabs = g_ptr_array_new_with_free_func(g_free);
  pool->next_id = 1;
  return pool;
}

void ws_packet_pool_free(ws_packet_pool *pool) {
  if (!pool) return;
  g_ptr_array_free(pool->slabs, TRUE);
  g_free(pool);
}

/* Adds one slab to the free list, in address order so that the first
 * packets handed out are contiguous (cache friendly). */
static void pool_grow(ws_packet_pool *pool) {
  ws_packet *slab = g_new0(ws_packet, SLAB_PACKETS);
  g_ptr_array_add(pool->slabs, slab);
  for (int i = SLAB_PACKETS - 1; i >= 0; i--) {
    slab[i].next = pool->free;
    pool->free = &slab[i];
  }
  pool->capacity += SLAB_PACKETS;
}

ws_packet *ws_packet_new(ws_packet_pool *pool) {
  g_return_val_if_fail(pool != NULL, NULL);
  if (!pool->free) pool_grow(pool);
  ws_packet *p = pool->free;
  pool->free = p->next;
  memset(p, 0, sizeof *p);
  p->id = pool->next_id++;
  p->flow = WS_PACKET_NO_FLOW;
  p->ttl = WS_IPV4_DEFAULT_TTL;
  pool->in_use++;
  return p;
}

void ws_packet_free(ws_packet_pool *pool, ws_packet *p) {
  g_return_if_fail(pool != NULL && p != NULL);
  g_assert(pool->in_use > 0);
  /* A poisoned id makes a use after free visible in traces and asserts. */
  p->id = 0;
  p->next = pool->free;
  pool->free = p;
  pool->in_use--;
}

size_t ws_packet_pool_in_use(const ws_packet_pool *pool) {
  g_return_val_if_fail(pool != NULL, 0);
  return pool->in_use;
}

size_t ws_packet_pool_capacity(const ws_packet_pool *pool) {
  g_return_val_if_fail(pool != NULL, 0);
  return pool->capacity;
}
