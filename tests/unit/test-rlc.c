/* Tests of the RLC/MAC buffers (sim/cell/rlc.c): segmentation worked out by
 * hand (a packet over many blocks, many packets in one block, blocks smaller
 * than a header), byte conservation, in-order exactly-once delivery under
 * HARQ reordering, RLC UM loss (a lost block drops exactly the packets it
 * carried segments of), drop-tail limit, full-buffer mode, freeing,
 * re-establishment (flush). */
#include <glib.h>
#include <string.h>

#include "wisim/rlc.h"
#include "wisim/rng.h"

/* What the callbacks saw. */
typedef struct {
  ws_packet_pool *pool;
  GArray *delivered;   /* uint64 seq of delivered packets, in order */
  GArray *dropped;     /* uint64 seq of dropped packets, in order */
  unsigned drops[WS_RLC_DROP_N_REASONS];
} sink;

static void on_deliver(void *ctx, ws_packet *p) {
  sink *s = ctx;
  g_array_append_val(s->delivered, p->seq);
  ws_packet_free(s->pool, p);
}

static void on_drop(void *ctx, ws_packet *p, ws_rlc_drop_reason why) {
  sink *s = ctx;
  g_assert_cmpint(why, <, WS_RLC_DROP_N_REASONS);
  s->drops[why]++;
  g_array_append_val(s->dropped, p->seq);
  ws_packet_free(s->pool, p);
}

static void sink_init(sink *s) {
  memset(s, 0, sizeof *s);
  s->pool = ws_packet_pool_new();
  s->delivered = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  s->dropped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
}

static void sink_clear(sink *s) {
  g_assert_cmpuint(ws_packet_pool_in_use(s->pool), ==, 0);
  ws_packet_pool_free(s->pool);
  g_array_free(s->delivered, TRUE);
  g_array_free(s->dropped, TRUE);
}

static ws_rlc *make_rlc(sink *s, uint64_t limit_bytes, uint32_t header_bytes) {
  ws_rlc_config cfg = {.pool = s->pool, .limit_bytes = limit_bytes, .header_bytes = header_bytes,
                       .deliver = on_deliver, .drop = on_drop, .ctx = s};
  ws_rlc *r = ws_rlc_new(&cfg);
  g_assert_nonnull(r);
  return r;
}

static bool enqueue(sink *s, ws_rlc *r, uint64_t seq, uint32_t ip_bytes) {
  ws_packet *p = ws_packet_new(s->pool);
  p->seq = seq;
  p->ip_bytes = ip_bytes;
  return ws_rlc_enqueue(r, p);
}

static uint64_t seq_at(GArray *a, guint i) { return g_array_index(a, uint64_t, i); }

/* One 1500 B packet through 100 B blocks with a 2 B header: each block
 * carries 98 data bytes, so 15 full blocks (1470 B) and a 16th with the
 * last 30 B (+2 header, 68 B padding). Delivered once, after the 16th. */
static void test_large_packet(void) {
  sink s;
  sink_init(&s);
  ws_rlc *r = make_rlc(&s, 0, 2);
  g_assert_true(enqueue(&s, r, 7, 1500));
  g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, 1500);
  g_assert_cmpuint(ws_rlc_demand_bytes(r), ==, 1502);
  for (unsigned k = 0; k < 16; k++) {
    ws_rlc_tb *tb = ws_rlc_pull(r, 800);
    uint32_t n;
    const ws_rlc_segment *seg = ws_rlc_tb_segments(tb, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(seg[0].sn, ==, 0);
    g_assert_cmpuint(seg[0].offset, ==, 98 * k);
    g_assert_cmpuint(seg[0].bytes, ==, k < 15 ? 98 : 30);
    g_assert_cmpuint(ws_rlc_tb_bytes(tb), ==, 100);
    g_assert_cmpuint(ws_rlc_tb_header_bytes(tb), ==, 2);
    g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, k < 15 ? 1500 - 98 * (k + 1) : 0);
    g_assert_cmpuint(ws_rlc_buffer_packets(r), ==, k < 15 ? 1 : 0);
    ws_rlc_tb_received(r, tb);
    g_assert_cmpuint(s.delivered->len, ==, k < 15 ? 0 : 1);
    g_assert_true(ws_rlc_check(r));
  }
  g_assert_cmpuint(seq_at(s.delivered, 0), ==, 7);
  const ws_rlc_stats *st = ws_rlc_get_stats(r);
  g_assert_cmpuint(st->data_bytes, ==, 1500);
  g_assert_cmpuint(st->header_bytes, ==, 32);
  g_assert_cmpuint(st->padding_bytes, ==, 68);
  g_assert_cmpuint(st->tb_bytes, ==, 1600);
  g_assert_cmpuint(st->delivered_packets, ==, 1);
  g_assert_cmpuint(st->delivered_bytes, ==, 1500);
  g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 0);
  ws_rlc_free(r);
  sink_clear(&s);
}

/* 100 packets of 40 B (42 B each with header) in one 4600 B block: all 100
 * whole, 400 B padding, delivered in order when it is decoded. A block of
 * exactly the demand (4200 B) empties the buffer with no padding. */
static void test_many_small(void) {
  for (unsigned exact = 0; exact < 2; exact++) {
    sink s;
    sink_init(&s);
    ws_rlc *r = make_rlc(&s, 0, 2);
    for (unsigned i = 0; i < 100; i++)
      g_assert_true(enqueue(&s, r, i, 40));
    g_assert_cmpuint(ws_rlc_demand_bytes(r), ==, 4200);
    ws_rlc_tb *tb = ws_rlc_pull(r, exact ? 4200 * 8 : 4600 * 8);
    uint32_t n;
    const ws_rlc_segment *seg = ws_rlc_tb_segments(tb, &n);
    g_assert_cmpuint(n, ==, 100);
    for (unsigned i = 0; i < 100; i++) {
      g_assert_cmpuint(seg[i].sn, ==, i);
      g_assert_cmpuint(seg[i].offset, ==, 0);
      g_assert_cmpuint(seg[i].bytes, ==, 40);
    }
    g_assert_cmpuint(ws_rlc_tb_data_bytes(tb), ==, 4000);
    g_assert_cmpuint(ws_rlc_tb_header_bytes(tb), ==, 200);
    g_assert_cmpuint(ws_rlc_get_stats(r)->padding_bytes, ==, exact ? 0 : 400);
    g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, 0);
    g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 100);
    g_assert_cmpuint(s.delivered->len, ==, 0);
    ws_rlc_tb_received(r, tb);
    g_assert_cmpuint(s.delivered->len, ==, 100);
    for (unsigned i = 0; i < 100; i++)
      g_assert_cmpuint(seq_at(s.delivered, i), ==, i);
    g_assert_true(ws_rlc_check(r));
    ws_rlc_free(r);
    sink_clear(&s);
  }
}

/* Blocks too small for a header plus one byte carry nothing (all padding):
 * 0 bits, 15 bits (1 byte: TBS is floored to bytes), 16 bits (= the 2 B
 * header). 24 bits carry one data byte. The last segment of a packet is
 * never empty: a block ending exactly at the header boundary stops. */
static void test_tiny_blocks(void) {
  sink s;
  sink_init(&s);
  ws_rlc *r = make_rlc(&s, 0, 2);
  g_assert_true(enqueue(&s, r, 0, 30));
  static const uint32_t nothing_bits[] = {0, 7, 15, 16, 23};
  for (unsigned i = 0; i < G_N_ELEMENTS(nothing_bits); i++) {
    ws_rlc_tb *tb = ws_rlc_pull(r, nothing_bits[i]);
    uint32_t n;
    g_assert_null(ws_rlc_tb_segments(tb, &n));
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmpuint(ws_rlc_tb_bytes(tb), ==, nothing_bits[i] / 8);
    g_assert_cmpuint(ws_rlc_tb_data_bytes(tb), ==, 0);
    ws_rlc_tb_received(r, tb);
  }
  g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, 30);
  /* 3 B blocks: one data byte each, 30 of them. */
  for (unsigned k = 0; k < 30; k++) {
    ws_rlc_tb *tb = ws_rlc_pull(r, 24);
    g_assert_cmpuint(ws_rlc_tb_data_bytes(tb), ==, 1);
    ws_rlc_tb_received(r, tb);
  }
  g_assert_cmpuint(s.delivered->len, ==, 1);
  /* Two packets of 10 B in a 13 B block: the first takes 12, the 1 B left
   * cannot hold a header + 1 byte: padding. */
  g_assert_true(enqueue(&s, r, 1, 10));
  g_assert_true(enqueue(&s, r, 2, 10));
  ws_rlc_tb *tb = ws_rlc_pull(r, 13 * 8);
  uint32_t n;
  ws_rlc_tb_segments(tb, &n);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(ws_rlc_tb_data_bytes(tb), ==, 10);
  ws_rlc_tb_received(r, tb);
  /* 14 B: 12 B for packet 2, then 2 B = a header with no data: one
   * segment, 2 B padding. */
  tb = ws_rlc_pull(r, 14 * 8);
  ws_rlc_tb_segments(tb, &n);
  g_assert_cmpuint(n, ==, 1);
  ws_rlc_tb_received(r, tb);
  g_assert_cmpuint(s.delivered->len, ==, 3);
  g_assert_true(ws_rlc_check(r));
  ws_rlc_free(r);
  sink_clear(&s);
}

/* Packets A 100, B 300, C 100, D 50 B in 150 B blocks (2 B header):
 *   TB1: A 100 | B[0,46)       TB2: B[46,194)
 *   TB3: B[194,300) | C[0,40)  TB4: C[40,100) | D 50, 36 B padding.
 * Losing TB2 drops B only; losing TB3 drops B and C; A, D always arrive.
 * Completion out of order (TB4 first) delivers nothing until its turn. */
static void test_lost_block_hand(void) {
  for (unsigned lose = 2; lose <= 3; lose++) {
    sink s;
    sink_init(&s);
    ws_rlc *r = make_rlc(&s, 0, 2);
    static const uint32_t size[] = {100, 300, 100, 50};
    for (unsigned i = 0; i < 4; i++)
      g_assert_true(enqueue(&s, r, i, size[i]));
    ws_rlc_tb *tb[4];
    for (unsigned k = 0; k < 4; k++)
      tb[k] = ws_rlc_pull(r, 150 * 8);
    static const struct {
      unsigned n;
      uint64_t sn[2];
      uint32_t off[2], bytes[2];
    } want[4] = {
      {2, {0, 1}, {0, 0}, {100, 46}},
      {1, {1, 0}, {46, 0}, {148, 0}},
      {2, {1, 2}, {194, 0}, {106, 40}},
      {2, {2, 3}, {40, 0}, {60, 50}},
    };
    for (unsigned k = 0; k < 4; k++) {
      uint32_t n;
      const ws_rlc_segment *seg = ws_rlc_tb_segments(tb[k], &n);
      g_assert_cmpuint(n, ==, want[k].n);
      for (unsigned j = 0; j < n; j++) {
        g_assert_cmpuint(seg[j].sn, ==, want[k].sn[j]);
        g_assert_cmpuint(seg[j].offset, ==, want[k].off[j]);
        g_assert_cmpuint(seg[j].bytes, ==, want[k].bytes[j]);
      }
    }
    g_assert_cmpuint(ws_rlc_get_stats(r)->padding_bytes, ==, 36);
    /* HARQ order: TB4 decodes first, then TB1, the lost one, the other. */
    ws_rlc_tb_received(r, tb[3]);
    g_assert_cmpuint(s.delivered->len, ==, 0);
    ws_rlc_tb_received(r, tb[0]);
    g_assert_cmpuint(s.delivered->len, ==, 1); /* A only: B waits */
    ws_rlc_tb_lost(r, tb[lose - 1]);
    ws_rlc_tb_received(r, tb[lose == 2 ? 2 : 1]);
    g_assert_true(ws_rlc_check(r));
    if (lose == 2) {
      g_assert_cmpuint(s.delivered->len, ==, 3);
      g_assert_cmpuint(seq_at(s.delivered, 1), ==, 2);
      g_assert_cmpuint(seq_at(s.delivered, 2), ==, 3);
      g_assert_cmpuint(s.dropped->len, ==, 1);
      g_assert_cmpuint(seq_at(s.dropped, 0), ==, 1);
    } else {
      g_assert_cmpuint(s.delivered->len, ==, 2);
      g_assert_cmpuint(seq_at(s.delivered, 1), ==, 3);
      g_assert_cmpuint(s.dropped->len, ==, 2);
      g_assert_cmpuint(seq_at(s.dropped, 0), ==, 1);
      g_assert_cmpuint(seq_at(s.dropped, 1), ==, 2);
    }
    g_assert_cmpuint(seq_at(s.delivered, 0), ==, 0);
    const ws_rlc_stats *st = ws_rlc_get_stats(r);
    g_assert_cmpuint(s.drops[WS_RLC_DROP_REASSEMBLY], ==, s.dropped->len);
    g_assert_cmpuint(st->reassembly_drops, ==, s.dropped->len);
    g_assert_cmpuint(st->reassembly_drop_bytes, ==, lose == 2 ? 300 : 400);
    g_assert_cmpuint(st->lost_tbs, ==, 1);
    g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 0);
    ws_rlc_free(r);
    sink_clear(&s);
  }
}

/* Random packets (20..3000 B) and blocks (0..2000 B), up to 8 blocks in
 * flight completed in random order (HARQ reordering), 10% lost: every
 * packet comes out exactly once, delivered iff none of its segments was in
 * a lost block, in sequence order; segments tile each packet; bytes are
 * conserved (pulled data + headers = IP bytes + segments * header). */
static void test_random_exact(void) {
  enum { N = 3000, MAX_FLIGHT = 8 };
  for (uint32_t hdr = 0; hdr <= 5; hdr += 5) {
    sink s;
    sink_init(&s);
    ws_rlc *r = make_rlc(&s, 0, hdr);
    ws_rng rng;
    ws_rng_init(&rng, 1, hdr, "test", "rlc");
    uint32_t *size = g_new0(uint32_t, N);
    uint32_t *next_off = g_new0(uint32_t, N);
    bool *lost = g_new0(bool, N);
    ws_rlc_tb *flight[MAX_FLIGHT];
    unsigned n_flight = 0, enq = 0;
    uint64_t ip_total = 0, segs = 0, tb_total = 0, pulled_total = 0;
    while (enq < N || ws_rlc_buffer_packets(r) > 0 || n_flight > 0) {
      unsigned burst = (unsigned)ws_rng_below(&rng, 4);
      for (unsigned i = 0; i < burst && enq < N; i++, enq++) {
        size[enq] = 20 + (uint32_t)ws_rng_below(&rng, 2981);
        ip_total += size[enq];
        g_assert_true(enqueue(&s, r, enq, size[enq]));
      }
      if (n_flight < MAX_FLIGHT && (ws_rlc_buffer_packets(r) > 0 || enq < N)) {
        uint32_t bits = (uint32_t)ws_rng_below(&rng, 2001) * 8;
        ws_rlc_tb *tb = ws_rlc_pull(r, bits);
        uint32_t n;
        const ws_rlc_segment *seg = ws_rlc_tb_segments(tb, &n);
        uint64_t in_tb = 0;
        for (uint32_t j = 0; j < n; j++) {
          g_assert_cmpuint(seg[j].sn, <, enq);
          g_assert_cmpuint(seg[j].offset, ==, next_off[seg[j].sn]);
          g_assert_cmpuint(seg[j].bytes, >, 0);
          next_off[seg[j].sn] += seg[j].bytes;
          g_assert_cmpuint(next_off[seg[j].sn], <=, size[seg[j].sn]);
          in_tb += seg[j].bytes + hdr;
        }
        g_assert_cmpuint(in_tb, ==, ws_rlc_tb_data_bytes(tb) + ws_rlc_tb_header_bytes(tb));
        g_assert_cmpuint(in_tb, <=, bits / 8);
        segs += n;
        tb_total += bits / 8;
        pulled_total += in_tb;
        flight[n_flight++] = tb;
      } else {
        g_assert_cmpuint(n_flight, >, 0);
        unsigned k = (unsigned)ws_rng_below(&rng, n_flight);
        ws_rlc_tb *tb = flight[k];
        flight[k] = flight[--n_flight];
        if (ws_rng_uniform(&rng) < 0.1) {
          uint32_t n;
          const ws_rlc_segment *seg = ws_rlc_tb_segments(tb, &n);
          for (uint32_t j = 0; j < n; j++)
            lost[seg[j].sn] = true;
          ws_rlc_tb_lost(r, tb);
        } else {
          ws_rlc_tb_received(r, tb);
        }
      }
      g_assert_true(ws_rlc_check(r));
    }
    /* Expected outcome, worked out from the lost blocks' segments alone. */
    guint di = 0, xi = 0;
    for (unsigned i = 0; i < N; i++) {
      g_assert_cmpuint(next_off[i], ==, size[i]);
      if (lost[i]) {
        g_assert_cmpuint(xi, <, s.dropped->len);
        g_assert_cmpuint(seq_at(s.dropped, xi++), ==, i);
      } else {
        g_assert_cmpuint(di, <, s.delivered->len);
        g_assert_cmpuint(seq_at(s.delivered, di++), ==, i);
      }
    }
    g_assert_cmpuint(di, ==, s.delivered->len);
    g_assert_cmpuint(xi, ==, s.dropped->len);
    g_assert_cmpuint(xi, >, 50); /* losses did happen (about 10% of blocks) */
    const ws_rlc_stats *st = ws_rlc_get_stats(r);
    g_assert_cmpuint(st->data_bytes, ==, ip_total);
    g_assert_cmpuint(st->segments, ==, segs);
    g_assert_cmpuint(st->header_bytes, ==, segs * hdr);
    g_assert_cmpuint(pulled_total, ==, ip_total + segs * hdr);
    g_assert_cmpuint(st->tb_bytes, ==, tb_total);
    g_assert_cmpuint(st->delivered_bytes + st->reassembly_drop_bytes, ==, ip_total);
    g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 0);
    g_free(size);
    g_free(next_off);
    g_free(lost);
    ws_rlc_free(r);
    sink_clear(&s);
  }
}

/* Drop-tail on the IP bytes not yet sent: limit 3000 B, five 1000 B
 * packets: 3 in, 2 dropped; after 500 B leave in a block, a 1000 B packet
 * (3500 > 3000) is dropped and a 500 B one (= 3000) accepted. */
static void test_buffer_limit(void) {
  sink s;
  sink_init(&s);
  ws_rlc *r = make_rlc(&s, 3000, 2);
  for (unsigned i = 0; i < 5; i++)
    g_assert_cmpint(enqueue(&s, r, i, 1000), ==, i < 3);
  const ws_rlc_stats *st = ws_rlc_get_stats(r);
  g_assert_cmpuint(st->buffer_drops, ==, 2);
  g_assert_cmpuint(st->buffer_drop_bytes, ==, 2000);
  g_assert_cmpuint(s.drops[WS_RLC_DROP_BUFFER], ==, 2);
  g_assert_cmpuint(seq_at(s.dropped, 0), ==, 3);
  g_assert_cmpuint(seq_at(s.dropped, 1), ==, 4);
  ws_rlc_tb *tb = ws_rlc_pull(r, 502 * 8);
  g_assert_cmpuint(ws_rlc_tb_data_bytes(tb), ==, 500);
  g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, 2500);
  g_assert_false(enqueue(&s, r, 5, 1000));
  g_assert_true(enqueue(&s, r, 6, 500));
  g_assert_false(enqueue(&s, r, 7, 20));
  g_assert_cmpuint(st->buffer_drops, ==, 4);
  g_assert_cmpuint(st->enqueued_packets, ==, 4);
  g_assert_true(ws_rlc_check(r));
  /* Without a drop callback the packet goes back to the pool. */
  ws_rlc_tb_received(r, tb);
  ws_rlc_free(r);
  ws_rlc_config cfg = {.pool = s.pool, .limit_bytes = 100, .header_bytes = 2,
                       .deliver = on_deliver, .ctx = &s};
  r = ws_rlc_new(&cfg);
  g_assert_false(enqueue(&s, r, 8, 101));
  g_assert_cmpuint(ws_packet_pool_in_use(s.pool), ==, 0);
  ws_rlc_free(r);
  sink_clear(&s);
}

/* Full buffer: always backlogged, the whole block is data, bytes counted
 * on decoding, lost blocks counted; no packets involved. */
static void test_full_buffer(void) {
  ws_rlc_config cfg = {.full_buffer = true, .header_bytes = 2};
  ws_rlc *r = ws_rlc_new(&cfg);
  g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, UINT64_MAX);
  g_assert_cmpuint(ws_rlc_demand_bytes(r), ==, UINT64_MAX);
  ws_rlc_tb *a = ws_rlc_pull(r, 36696); /* 50 PRBs at MCS 28 */
  ws_rlc_tb *b = ws_rlc_pull(r, 1000);
  g_assert_cmpuint(ws_rlc_tb_data_bytes(a), ==, 4587);
  g_assert_cmpuint(ws_rlc_tb_data_bytes(b), ==, 125);
  g_assert_cmpuint(ws_rlc_tb_header_bytes(a), ==, 0);
  ws_rlc_tb_received(r, a);
  ws_rlc_tb_lost(r, b);
  const ws_rlc_stats *st = ws_rlc_get_stats(r);
  g_assert_cmpuint(st->delivered_bytes, ==, 4587);
  g_assert_cmpuint(st->lost_tbs, ==, 1);
  g_assert_cmpuint(st->delivered_packets, ==, 0);
  g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, UINT64_MAX);
  g_assert_true(ws_rlc_check(r));
  /* Blocks are recycled: the pool does not grow in steady state. */
  ws_rlc_tb *c = ws_rlc_pull(r, 8);
  g_assert_true(c == a || c == b);
  ws_rlc_tb_received(r, c);
  /* Packets are refused. */
  ws_packet_pool *pool = ws_packet_pool_new();
  ws_packet *p = ws_packet_new(pool);
  p->ip_bytes = 100;
  g_test_expect_message("cell", G_LOG_LEVEL_CRITICAL, "*full_buffer*");
  g_assert_false(ws_rlc_enqueue(r, p));
  g_test_assert_expected_messages();
  ws_packet_free(pool, p);
  ws_packet_pool_free(pool);
  ws_rlc_free(r);
}

/* Freeing with packets waiting, half-sent and in flight returns every
 * packet to the pool (the sink checks in_use == 0). */
static void test_free_in_flight(void) {
  sink s;
  sink_init(&s);
  ws_rlc *r = make_rlc(&s, 0, 2);
  for (unsigned i = 0; i < 10; i++)
    g_assert_true(enqueue(&s, r, i, 1000));
  ws_rlc_tb *a = ws_rlc_pull(r, 2500 * 8); /* 2 whole + part of the third */
  ws_rlc_tb *b = ws_rlc_pull(r, 100 * 8);
  ws_rlc_tb_received(r, b);
  (void)a; /* still in flight */
  g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 3);
  g_assert_cmpuint(ws_rlc_buffer_packets(r), ==, 8);
  g_assert_true(ws_rlc_check(r));
  g_assert_cmpuint(ws_packet_pool_in_use(s.pool), ==, 10);
  ws_rlc_free(r);
  g_assert_cmpuint(s.delivered->len, ==, 0);
  sink_clear(&s);
}

/* Re-establishment: packets 0..4 of 1000 B, one 2500 B block (packets 0, 1
 * whole, 2 B header each, and 494 B of packet 2) is lost, the next 300 B
 * block (packet 2's next 298 B) is in flight and lost too. Packets 0 and 1
 * are dropped as reassembly losses; flushing keeps 3 and 4 (untouched)
 * and discards packet 2 (partly sent: 208 of its bytes never sent); a
 * flush with waiting_too discards 3 and 4 too. Byte conservation holds
 * throughout (ws_rlc_check) and the rest flows on afterwards. */
static void test_flush(void) {
  for (unsigned all = 0; all < 2; all++) {
    sink s;
    sink_init(&s);
    ws_rlc *r = make_rlc(&s, 0, 2);
    for (uint64_t i = 0; i < 5; i++)
      g_assert_true(enqueue(&s, r, i, 1000));
    ws_rlc_tb *a = ws_rlc_pull(r, 2500 * 8);
    ws_rlc_tb *b = ws_rlc_pull(r, 300 * 8);
    ws_rlc_tb_lost(r, a);
    g_assert_cmpuint(s.drops[WS_RLC_DROP_REASSEMBLY], ==, 2);
    ws_rlc_tb_lost(r, b);
    g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, 208 + 2000);
    g_assert_cmpuint(ws_rlc_flush(r, all), ==, all ? 3 : 1);
    g_assert_true(ws_rlc_check(r));
    g_assert_cmpuint(s.drops[WS_RLC_DROP_FLUSH], ==, all ? 3 : 1);
    g_assert_cmpuint(seq_at(s.dropped, 2), ==, 2);
    const ws_rlc_stats *st = ws_rlc_get_stats(r);
    g_assert_cmpuint(st->flushed_packets, ==, all ? 3 : 1);
    g_assert_cmpuint(st->flushed_unsent_bytes, ==, all ? 2208 : 208);
    g_assert_cmpuint(ws_rlc_buffer_bytes(r), ==, all ? 0 : 2000);
    g_assert_cmpuint(ws_rlc_in_flight_packets(r), ==, 0);
    /* Afterwards packets flow in order (the survivors, then a new one). */
    g_assert_true(enqueue(&s, r, 9, 1000));
    ws_rlc_tb *c = ws_rlc_pull(r, 4000 * 8);
    ws_rlc_tb_received(r, c);
    g_assert_true(ws_rlc_check(r));
    g_assert_cmpuint(s.delivered->len, ==, all ? 1 : 3);
    if (!all) {
      g_assert_cmpuint(seq_at(s.delivered, 0), ==, 3);
      g_assert_cmpuint(seq_at(s.delivered, 1), ==, 4);
    }
    g_assert_cmpuint(seq_at(s.delivered, s.delivered->len - 1), ==, 9);
    ws_rlc_free(r);
    sink_clear(&s);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rlc/large-packet", test_large_packet);
  g_test_add_func("/rlc/many-small", test_many_small);
  g_test_add_func("/rlc/tiny-blocks", test_tiny_blocks);
  g_test_add_func("/rlc/lost-block-hand", test_lost_block_hand);
  g_test_add_func("/rlc/random-exact", test_random_exact);
  g_test_add_func("/rlc/buffer-limit", test_buffer_limit);
  g_test_add_func("/rlc/full-buffer", test_full_buffer);
  g_test_add_func("/rlc/free-in-flight", test_free_in_flight);
  g_test_add_func("/rlc/flush", test_flush);
  return g_test_run();
}
