/* wisim event core: the clock and the pending-event set of one simulation.
 * The pending set is a monotone multi-level bucket queue (a radix heap of
 * radix 256) keyed on event time, kept stable so that equal times pop in
 * insertion order; cancellation is O(1) and lazy. */


#include "wisim/core.h"

#include <glib.h>
#include <stdlib.h>

/*
 * Layout. An event is a record (fn, ctx, time, generation) in one growable
 * array, recycled through a LIFO free list, so that the steady state
 * allocates nothing and a freshly freed, cache-hot record is reused first.
 * The queue holds small (time, record, seq) entries in a multi-level bucket
 * structure, a radix heap of radix 256 (Denardo & Fox, "Shortest-route
 * methods: 1. Reaching, pruning, and buckets", Oper. Res. 27(1), 1979;
 * Cherkassky, Goldberg & Silverstein, "Buckets, heaps, lists, and monotone
 * priority queues", SIAM J. Comput. 28(4), 1999). Level L (0..7) has 256
 * buckets, one per value of byte L of the time. An entry of time t sits at
 * level L = the highest byte in which t differs from `last` (0 when t ==
 * last), in bucket byte_L(t). A level-0 bucket thus holds one exact time,
 * and an entry moves down at most once per level: about once per event in
 * the hold model, against five times in a binary radix heap. A bucket is a
 * list of fixed-size chunks from a pool shared by all buckets, so memory
 * follows the number of queued entries, not the sum of every bucket's
 * largest size, and recycled chunks make the steady state allocation-free.
 *
 * Invariants (ws_sim_check verifies each):
 *  1. last <= now, and every queued entry has time >= last. `last` is the
 *     time of the current level-0 bucket (index byte_0(last)), which is
 *     also the base of the bucket most recently redistributed or later.
 *  2. An entry of time t sits in bucket locate(t, last). Moving `last`
 *     within level 0, or to the base (lower bytes 0) of the lowest
 *     non-empty bucket of level L when every lower level is empty, leaves
 *     the bytes above the changed one alone, so only that bucket's entries
 *     change bucket; hence all entries of one time are in one bucket.
 *  3. Within a bucket, entries of equal time are in insertion order. A
 *     push appends (it is the newest of its time); a bucket is
 *     redistributed only when every lower level is empty, front to back,
 *     so each lower bucket receives an in-order subsequence. The current
 *     bucket is consumed from its head (head0 in its first chunk), FIFO.
 *     So ties need no sequence number in any comparison; entries carry
 *     the low 32 bits of one only so that ws_sim_check can verify this.
 *  4. A record is free (on the free list, fn == NULL), live (fn != NULL,
 *     exactly one entry names it) or cancelled (fn == NULL, exactly one
 *     entry names it, counted in dead[] of that entry's bucket). Cancel is
 *     O(1): it marks the record; the entry is dropped, and the record
 *     reclaimed, when the entry is popped or its bucket is redistributed
 *     or compacted.
 *  5. A bucket has chunks exactly when its bit in `bits` is set, and every
 *     chunk but the tail is full; bit L of level_mask is set exactly when
 *     level L has a set bit. Level-0 buckets below the current one are
 *     empty. Every chunk is in exactly one bucket or in the pool.
 * An event handle is (generation << 32) | record index. The generation is
 * bumped whenever a record is freed, so old handles stop matching; it is
 * never 0, so no handle is 0. A stale handle could match again only after
 * 2^32 reuses of the same record, which is accepted.
 */

#define LEVELS 8
#define FANOUT 256
#define NBUCKETS (LEVELS * FANOUT)
#define NO_RECORD UINT32_MAX
#define NO_BUCKET (-1)
#define CHUNK_ENTRIES 63 /* a chunk is then 1 KiB */
#define CHUNKS_PER_SLAB 64
/* How many entries ahead of the one being run to prefetch the record of:
 * large queues are bound by one cache miss per record, and fetching ahead
 * overlaps them (the hold model at 10^6 pending runs about 3x faster). */
#define PREFETCH_AHEAD 6
/* Records prefetched when a bucket is redistributed (see redistribute). */
#define PREFETCH_REDISTRIBUTED 256

typedef struct {
  ws_time time;       /* when the event is due */
  ws_event_fn fn;     /* NULL when free or cancelled */
  void *ctx;          /* borrowed from the caller of ws_sim_schedule */
  uint32_t gen;       /* generation, part of the handle; never 0 */
  uint32_t next_free; /* free-list link while free */
} event_rec;

typedef struct {
  ws_time time; /* copy of the record's time, so buckets need no record */
  uint32_t rec; /* record index */
  uint32_t seq; /* low bits of the insertion sequence, for ws_sim_check */
} entry;

typedef struct chunk {
  struct chunk *next; /* next chunk of the bucket, or of the pool */
  uint32_t n;         /* entries used */
  uint32_t unused;
  entry items[CHUNK_ENTRIES];
} chunk;

typedef struct {
  chunk *head; /* NULL when empty */
  chunk *tail;
} bucket;

struct ws_sim {
  ws_time now;
  ws_time last;        /* invariant 1 */
  uint32_t head0;      /* next entry to run in the current bucket's head chunk */
  uint32_t seq;        /* insertion counter (low 32 bits) */
  uint32_t level_mask; /* invariant 5 */
  uint64_t bits[NBUCKETS / 64]; /* invariant 5; level L is words 4L..4L+3 */
  bucket buckets[NBUCKETS];     /* index L * FANOUT + byte */
  uint32_t dead[NBUCKETS];      /* cancelled entries per bucket (invariant 4) */
  chunk *free_chunks;  /* the pool */
  chunk **slabs;       /* owned, each of CHUNKS_PER_SLAB chunks */
  size_t nslabs;
  event_rec *recs;     /* owned; recs_cap slots, nrecs ever handed out */
  uint32_t nrecs;
  uint32_t recs_cap;
  uint32_t free_head;  /* NO_RECORD when the free list is empty */
  size_t npending;
  uint64_t executed;
  bool running;
  bool stop_requested;
  bool stopped;
};

/* Index of the bucket of an entry of time t, given last <= t. */
static inline unsigned locate(ws_time t, ws_time last) {
  uint64_t diff = (uint64_t)t ^ (uint64_t)last;
  unsigned level = diff ? (63u - (unsigned)__builtin_clzll(diff)) >> 3 : 0u;
  return level * FANOUT + (unsigned)(((uint64_t)t >> (8 * level)) & 0xff);
}

/* First non-empty bucket of `level` at byte >= from (0..256), or NO_BUCKET. */
static inline int level_next(const ws_sim *sim, unsigned level, unsigned from) {
  if (from >= FANOUT)
    return NO_BUCKET;
  const uint64_t *words = &sim->bits[level * 4];
  unsigned w = from >> 6;
  uint64_t m = words[w] & (~(uint64_t)0 << (from & 63));
  while (m == 0) {
    if (++w == 4)
      return NO_BUCKET;
    m = words[w];
  }
  return (int)(w * 64 + (unsigned)__builtin_ctzll(m));
}

/* `last` with byte `level` set to v and the bytes below it cleared: the
 * smallest time bucket (level, v) can hold. */
static inline ws_time bucket_base(ws_time last, unsigned level, unsigned v) {
  uint64_t keep = level == LEVELS - 1 ? 0 : ~(uint64_t)0 << (8 * (level + 1));
  return (ws_time)(((uint64_t)last & keep) | ((uint64_t)v << (8 * level)));
}

static inline ws_event_id make_id(uint32_t gen, uint32_t rec) {
  return ((uint64_t)gen << 32) | rec;
}

/* ---- chunk pool and buckets ------------------------------------------------ */

/* Out of line: runs only while the queue grows to its working size. */
static G_GNUC_NO_INLINE void pool_grow(ws_sim *sim) {
  chunk *slab = g_new(chunk, CHUNKS_PER_SLAB);
  sim->slabs = g_renew(chunk *, sim->slabs, sim->nslabs + 1);
  sim->slabs[sim->nslabs++] = slab;
  for (unsigned k = 0; k < CHUNKS_PER_SLAB; k++) {
    slab[k].next = sim->free_chunks;
    sim->free_chunks = &slab[k];
  }
}

static inline chunk *chunk_get(ws_sim *sim) {
  if (G_UNLIKELY(sim->free_chunks == NULL))
    pool_grow(sim);
  chunk *c = sim->free_chunks;
  sim->free_chunks = c->next;
  c->next = NULL;
  c->n = 0;
  return c;
}

static inline void chunk_put(ws_sim *sim, chunk *c) {
  c->next = sim->free_chunks;
  sim->free_chunks = c;
}

/* Gives the tail of bucket bi a free slot (a new chunk). */
static inline chunk *bucket_extend(ws_sim *sim, unsigned bi) {
  bucket *bk = &sim->buckets[bi];
  chunk *c = chunk_get(sim);
  if (bk->tail) {
    bk->tail->next = c;
  } else {
    bk->head = c;
    sim->bits[bi >> 6] |= (uint64_t)1 << (bi & 63);
    sim->level_mask |= 1u << (bi / FANOUT);
  }
  bk->tail = c;
  return c;
}

static inline void bucket_append(ws_sim *sim, unsigned bi, entry e) {
  chunk *t = sim->buckets[bi].tail;
  if (G_UNLIKELY(t == NULL || t->n == CHUNK_ENTRIES))
    t = bucket_extend(sim, bi);
  t->items[t->n++] = e;
}

/* Marks bucket bi empty (its chunks must already be back in the pool). */
static inline void bucket_emptied(ws_sim *sim, unsigned bi) {
  sim->buckets[bi].head = sim->buckets[bi].tail = NULL;
  sim->bits[bi >> 6] &= ~((uint64_t)1 << (bi & 63));
  const uint64_t *words = &sim->bits[(bi / FANOUT) * 4];
  if ((words[0] | words[1] | words[2] | words[3]) == 0)
    sim->level_mask &= ~(1u << (bi / FANOUT));
}

/* ---- records ---------------------------------------------------------------- */

static G_GNUC_NO_INLINE void recs_grow(ws_sim *sim) {
  g_assert(sim->recs_cap < UINT32_MAX / 2);
  sim->recs_cap = sim->recs_cap ? sim->recs_cap * 2 : 256;
  sim->recs = g_renew(event_rec, sim->recs, sim->recs_cap);
}

static inline uint32_t rec_alloc(ws_sim *sim) {
  uint32_t r = sim->free_head;
  if (r != NO_RECORD) {
    sim->free_head = sim->recs[r].next_free;
    return r;
  }
  if (G_UNLIKELY(sim->nrecs == sim->recs_cap))
    recs_grow(sim);
  r = sim->nrecs++;
  sim->recs[r].gen = 1;
  return r;
}

static inline void rec_free(ws_sim *sim, uint32_t r) {
  event_rec *rec = &sim->recs[r];
  rec->fn = NULL;
  rec->gen = rec->gen + 1 ? rec->gen + 1 : 1;
  rec->next_free = sim->free_head;
  sim->free_head = r;
}

/* ---- the public face ---------------------------------------------------------- */

ws_sim *ws_sim_new(void) {
  ws_sim *sim = g_new0(ws_sim, 1);
  sim->free_head = NO_RECORD;
  return sim;
}

void ws_sim_free(ws_sim *sim) {
  if (!sim)
    return;
  for (size_t k = 0; k < sim->nslabs; k++)
    g_free(sim->slabs[k]);
  g_free(sim->slabs);
  g_free(sim->recs);
  g_free(sim);
}

ws_time ws_sim_now(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, 0);
  return sim->now;
}

ws_event_id ws_sim_schedule_at(ws_sim *sim, ws_time at, ws_event_fn fn, void *ctx) {
  g_return_val_if_fail(sim != NULL, 0);
  g_return_val_if_fail(fn != NULL, 0);
  g_return_val_if_fail(at >= sim->now, 0);
  uint32_t r = rec_alloc(sim);
  event_rec *rec = &sim->recs[r];
  rec->time = at;
  rec->fn = fn;
  rec->ctx = ctx;
  bucket_append(sim, locate(at, sim->last), (entry){at, r, sim->seq++});
  sim->npending++;
  return make_id(rec->gen, r);
}

ws_event_id ws_sim_schedule(ws_sim *sim, ws_time delay, ws_event_fn fn, void *ctx) {
  g_return_val_if_fail(sim != NULL, 0);
  g_return_val_if_fail(delay >= 0 && delay <= WS_TIME_MAX - sim->now, 0);
  return ws_sim_schedule_at(sim, sim->now + delay, fn, ctx);
}

/* The record named by id when it is live, else NULL. */
static event_rec *live_record(const ws_sim *sim, ws_event_id id) {
  uint32_t r = (uint32_t)id;
  if (r >= sim->nrecs)
    return NULL;
  event_rec *rec = &sim->recs[r];
  if (rec->gen != (uint32_t)(id >> 32) || rec->fn == NULL)
    return NULL;
  return rec;
}

bool ws_sim_cancel(ws_sim *sim, ws_event_id id) {
  g_return_val_if_fail(sim != NULL, false);
  event_rec *rec = live_record(sim, id);
  if (!rec)
    return false;
  rec->fn = NULL;
  sim->dead[locate(rec->time, sim->last)]++;
  sim->npending--;
  return true;
}

bool ws_sim_is_pending(const ws_sim *sim, ws_event_id id) {
  g_return_val_if_fail(sim != NULL, false);
  return live_record(sim, id) != NULL;
}

/* ---- moving through the queue ------------------------------------------------- */

/* Empties bucket bi (level >= 1, the lowest non-empty one; every lower
 * level is empty) into the lower levels, front to back (invariant 3),
 * after moving `last` to its base. Drops its cancelled entries on the
 * way when it holds any. */
static void redistribute(ws_sim *sim, unsigned bi, ws_time base) {
  chunk *c = sim->buckets[bi].head;
  bool filter = sim->dead[bi] > 0;
  g_assert(bi >= FANOUT && base >= sim->last);
  sim->last = base;
  sim->head0 = 0;
  sim->dead[bi] = 0;
  bucket_emptied(sim, bi);
  /* This bucket's events run next. When there are few, fetch their
   * records now, so that the pops do not stall on one miss after another
   * (sparse queues, where the current bucket is too short to look ahead
   * in). From a large bucket, the first few fetched are merely wasted. */
  uint32_t prefetch_left = PREFETCH_REDISTRIBUTED;
  while (c) {
    /* Done with c before it goes back to the pool, where an append
     * below may take it again. */
    chunk *next = c->next;
    for (uint32_t k = 0; k < c->n; k++) {
      if (prefetch_left) {
        prefetch_left--;
        __builtin_prefetch(&sim->recs[c->items[k].rec]);
      }
      if (filter && sim->recs[c->items[k].rec].fn == NULL)
        rec_free(sim, c->items[k].rec);
      else
        bucket_append(sim, locate(c->items[k].time, base), c->items[k]);
    }
    chunk_put(sim, c);
    c = next;
  }
}

/* Removes the cancelled entries of bucket bi (not the current one) in
 * order, without moving `last`. */
static void compact(ws_sim *sim, unsigned bi) {
  chunk *c = sim->buckets[bi].head;
  sim->dead[bi] = 0;
  bucket_emptied(sim, bi);
  while (c) {
    chunk *next = c->next;
    for (uint32_t k = 0; k < c->n; k++) {
      if (sim->recs[c->items[k].rec].fn == NULL)
        rec_free(sim, c->items[k].rec);
      else
        bucket_append(sim, bi, c->items[k]);
    }
    chunk_put(sim, c);
    c = next;
  }
}

/* The next entry of the current bucket, not yet consumed, or NULL when the
 * bucket is drained (it is then emptied). Frees consumed head chunks. */
static inline entry *current_peek(ws_sim *sim, unsigned cur) {
  bucket *cb = &sim->buckets[cur];
  for (;;) {
    chunk *h = cb->head;
    if (G_LIKELY(h != NULL && sim->head0 < h->n))
      return &h->items[sim->head0];
    sim->head0 = 0;
    if (h == NULL)
      return NULL;
    cb->head = h->next;
    chunk_put(sim, h);
    if (cb->head == NULL) {
      bucket_emptied(sim, cur);
      return NULL;
    }
  }
}

/* The lowest non-empty bucket above level 0, or NO_BUCKET. */
static inline int lowest_upper_bucket(const ws_sim *sim) {
  uint32_t upper = sim->level_mask & ~1u;
  if (upper == 0)
    return NO_BUCKET;
  unsigned level = (unsigned)__builtin_ctz(upper);
  int v = level_next(sim, level, 0);
  g_assert(v != NO_BUCKET);
  return (int)(level * FANOUT) + v;
}

ws_time ws_sim_next_time(ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, WS_TIME_MAX);
  /* Peeking never moves `last` (events may still be scheduled before the
   * next one); it only drops cancelled entries on the way. */
  for (;;) {
    unsigned cur = (unsigned)(sim->last & 0xff);
    entry *e;
    while ((e = current_peek(sim, cur)) != NULL) {
      if (sim->recs[e->rec].fn != NULL)
        return sim->last;
      sim->head0++;
      sim->dead[cur]--;
      rec_free(sim, e->rec);
    }
    int v = level_next(sim, 0, cur + 1);
    if (v != NO_BUCKET) {
      if (sim->dead[v] == 0)
        return bucket_base(sim->last, 0, (unsigned)v);
      compact(sim, (unsigned)v);
      continue;
    }
    int bi = lowest_upper_bucket(sim);
    if (bi == NO_BUCKET)
      return WS_TIME_MAX;
    if (sim->dead[bi] > 0) {
      compact(sim, (unsigned)bi);
      continue;
    }
    ws_time min = WS_TIME_MAX;
    for (const chunk *c = sim->buckets[bi].head; c; c = c->next)
      for (uint32_t k = 0; k < c->n; k++)
        if (c->items[k].time < min)
          min = c->items[k].time;
    return min;
  }
}

uint64_t ws_sim_run_until(ws_sim *sim, ws_time until) {
  g_return_val_if_fail(sim != NULL, 0);
  g_return_val_if_fail(!sim->running, 0);
  g_return_val_if_fail(until >= sim->now, 0);
  uint64_t n = 0;
  sim->running = true;
  sim->stop_requested = false;
  for (;;) {
    unsigned cur = (unsigned)(sim->last & 0xff);
    entry *next = current_peek(sim, cur);
    if (G_LIKELY(next != NULL)) {
      /* Entries of the current bucket are due at last <= now <= until. */
      entry e = *next;
      const chunk *h = sim->buckets[cur].head;
      if (sim->head0 + PREFETCH_AHEAD < h->n)
        __builtin_prefetch(&sim->recs[h->items[sim->head0 + PREFETCH_AHEAD].rec]);
      sim->head0++;
      event_rec *rec = &sim->recs[e.rec];
      ws_event_fn fn = rec->fn;
      void *ctx = rec->ctx;
      /* Freed before the call: the event is no longer pending inside its
       * own callback, and its hot record serves the callback's schedule. */
      rec_free(sim, e.rec);
      if (fn == NULL) {
        sim->dead[cur]--;
        continue;
      }
      sim->npending--;
      sim->now = e.time;
      sim->executed++;
      n++;
      fn(sim, ctx);
      if (G_UNLIKELY(sim->stop_requested))
        break;
      continue;
    }
    /* Never move `last` past until: the clock stops there, and later
     * schedules must not fall below `last` (invariant 1). */
    int v = level_next(sim, 0, cur + 1);
    if (v != NO_BUCKET) {
      ws_time t = bucket_base(sim->last, 0, (unsigned)v);
      if (t > until)
        break;
      sim->last = t;
      continue;
    }
    int bi = lowest_upper_bucket(sim);
    if (bi == NO_BUCKET)
      break;
    ws_time base = bucket_base(sim->last, (unsigned)bi / FANOUT, (unsigned)bi % FANOUT);
    if (base > until)
      break;
    redistribute(sim, (unsigned)bi, base);
  }
  sim->running = false;
  sim->stopped = sim->stop_requested;
  sim->stop_requested = false;
  if (!sim->stopped && until != WS_TIME_MAX)
    sim->now = until;
  return n;
}

uint64_t ws_sim_run(ws_sim *sim) {
  return ws_sim_run_until(sim, WS_TIME_MAX);
}

void ws_sim_stop(ws_sim *sim) {
  g_return_if_fail(sim != NULL);
  if (sim->running)
    sim->stop_requested = true;
}

bool ws_sim_stopped(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, false);
  return sim->stopped;
}

uint64_t ws_sim_events_executed(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, 0);
  return sim->executed;
}

size_t ws_sim_pending(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, 0);
  return sim->npending;
}

size_t ws_sim_event_capacity(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, 0);
  return sim->nrecs;
}

size_t ws_sim_queue_bytes(const ws_sim *sim) {
  g_return_val_if_fail(sim != NULL, 0);
  return sim->nslabs * CHUNKS_PER_SLAB * sizeof(chunk) + (size_t)sim->recs_cap * sizeof(event_rec);
}

/* ---- invariant checker ------------------------------------------------------- */

typedef struct {
  ws_time time;
  uint32_t seq;
  uint32_t pos;
} check_key;

static int check_key_cmp(const void *a, const void *b) {
  const check_key *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void ws_sim_check(ws_sim *sim) {
  g_assert(sim != NULL);
  g_assert_cmpint(sim->last, <=, sim->now);
  unsigned cur = (unsigned)(sim->last & 0xff);
  guint8 *seen = g_new0(guint8, sim->nrecs ? sim->nrecs : 1); /* 1: accounted for */
  GHashTable *chunks = g_hash_table_new(NULL, NULL);
  GArray *keys = g_array_new(FALSE, FALSE, sizeof(check_key));
  size_t live = 0;
  uint32_t level_mask = 0;
  for (unsigned bi = 0; bi < NBUCKETS; bi++) {
    const bucket *bk = &sim->buckets[bi];
    bool bit = (sim->bits[bi >> 6] >> (bi & 63)) & 1;
    g_assert(bit == (bk->head != NULL));
    g_assert((bk->head == NULL) == (bk->tail == NULL));
    if (bit)
      level_mask |= 1u << (bi / FANOUT);
    if (bi < cur)
      g_assert(bk->head == NULL);
    uint32_t dead = 0, pos = 0;
    g_array_set_size(keys, 0);
    for (const chunk *c = bk->head; c; c = c->next) {
      g_assert(g_hash_table_add(chunks, (gpointer)c)); /* in one bucket only */
      g_assert_cmpuint(c->n, <=, CHUNK_ENTRIES);
      g_assert(c->next == NULL ? c == bk->tail : c->n == CHUNK_ENTRIES);
      uint32_t first = bi == cur && c == bk->head ? sim->head0 : 0;
      g_assert_cmpuint(first, <=, c->n);
      for (uint32_t k = first; k < c->n; k++, pos++) {
        entry e = c->items[k];
        g_assert_cmpuint(e.rec, <, sim->nrecs);
        g_assert_cmpint(e.time, >=, sim->last);
        if (locate(e.time, sim->last) != bi)
          g_error("ws_sim_check: entry of time %" G_GINT64_FORMAT " in bucket %u, not %u", e.time,
                  bi, locate(e.time, sim->last));
        const event_rec *rec = &sim->recs[e.rec];
        g_assert_cmpint(rec->time, ==, e.time);
        g_assert_cmpuint(rec->gen, !=, 0);
        if (seen[e.rec])
          g_error("ws_sim_check: record %u named by two entries", e.rec);
        seen[e.rec] = 1;
        if (rec->fn == NULL)
          dead++;
        else
          live++;
        check_key key = {e.time, e.seq, pos};
        g_array_append_val(keys, key);
      }
    }
    g_assert_cmpuint(dead, ==, sim->dead[bi]);
    /* Invariant 3: equal times in insertion order (seq compared modulo
     * 2^32, exact while ties are fewer than 2^31 insertions apart). */
    if (keys->len > 1)
      qsort(keys->data, keys->len, sizeof(check_key), check_key_cmp);
    for (guint k = 1; k < keys->len; k++) {
      const check_key *a = &g_array_index(keys, check_key, k - 1);
      const check_key *b = &g_array_index(keys, check_key, k);
      if (a->time == b->time && (int32_t)(b->seq - a->seq) <= 0)
        g_error("ws_sim_check: ties at %" G_GINT64_FORMAT " out of insertion order", b->time);
    }
  }
  g_assert_cmpuint(level_mask, ==, sim->level_mask);
  g_assert_cmpuint(live, ==, sim->npending);
  for (const chunk *c = sim->free_chunks; c; c = c->next) {
    g_assert(g_hash_table_add(chunks, (gpointer)c));
  }
  g_assert_cmpuint(g_hash_table_size(chunks), ==, sim->nslabs * CHUNKS_PER_SLAB);
  uint32_t nfree = 0;
  for (uint32_t r = sim->free_head; r != NO_RECORD; r = sim->recs[r].next_free) {
    g_assert_cmpuint(r, <, sim->nrecs);
    if (seen[r])
      g_error("ws_sim_check: record %u both free and queued (or free twice)", r);
    seen[r] = 1;
    g_assert(sim->recs[r].fn == NULL);
    g_assert_cmpuint(sim->recs[r].gen, !=, 0);
    nfree++;
  }
  for (uint32_t r = 0; r < sim->nrecs; r++)
    if (!seen[r])
      g_error("ws_sim_check: record %u lost (neither free nor queued)", r);
  g_array_unref(keys);
  g_hash_table_unref(chunks);
  g_free(seen);
}
