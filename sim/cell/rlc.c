/* wisim RLC/MAC buffers: drop-tail transmission buffer of IP packets,
 * segmentation into transport blocks with a fixed per-segment header, and
 * in-order reassembly with RLC UM loss semantics (TS 38.322 section 5.2.2:
 * UM has no ARQ; a segment lost with its transport block loses its SDU).
 * Pools: transport blocks and the reassembly window grow to their peak once. */
#include <glib.h>
#include <string.h>

#include "wisim/rlc.h"

/* A transport block: the segments it carries (a grow-only array reused
 * each time the block is recycled). */
struct ws_rlc_tb {
  ws_rlc_tb *next_free; /* free list of the entity */
  bool in_use;          /* between ws_rlc_pull and its hand-back */
  uint32_t bytes, data_bytes, header_bytes;
  uint32_t n_seg, cap_seg;
  ws_rlc_segment *seg;
};

/* One packet of the reassembly window: put (at least partly) into transport
 * blocks and not yet delivered or dropped. The window owns the packet.
 * Invariant: received + lost <= pulled <= total; only the newest entry may
 * have pulled < total (the packet being segmented). */
typedef struct {
  ws_packet *pkt;
  uint32_t total;    /* ip_bytes */
  uint32_t pulled;   /* bytes put in transport blocks so far */
  uint32_t received; /* bytes of segments in decoded blocks */
  uint32_t lost;     /* bytes of segments in lost blocks */
} rx_entry;

struct ws_rlc {
  ws_rlc_config cfg;
  /* transmission buffer: FIFO of untouched packets (intrusive next) */
  ws_packet *tx_head, *tx_tail;
  size_t tx_packets;
  uint64_t tx_bytes;    /* IP bytes of the FIFO */
  uint64_t tx_next_sn;  /* sn of the next packet to leave the FIFO */
  /* reassembly window: sn rx_next_sn .. rx_next_sn + win_count - 1 at
   * index sn & (win_cap - 1) */
  rx_entry *win;
  size_t win_cap, win_count;
  uint64_t rx_next_sn;
  /* transport blocks: every block ever made (for ws_rlc_free), free list */
  GPtrArray *all_tbs;
  ws_rlc_tb *free_tbs;
  size_t tbs_out;
  ws_rlc_stats stats;
};

ws_rlc *ws_rlc_new(const ws_rlc_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  g_return_val_if_fail(cfg->full_buffer || (cfg->pool != NULL && cfg->deliver != NULL), NULL);
  ws_rlc *r = g_new0(ws_rlc, 1);
  r->cfg = *cfg;
  r->win_cap = 16;
  r->win = g_new0(rx_entry, r->win_cap);
  r->all_tbs = g_ptr_array_new();
  return r;
}

static void free_packet(ws_rlc *r, ws_packet *p) {
  if (r->cfg.pool != NULL)
    ws_packet_free(r->cfg.pool, p);
}

void ws_rlc_free(ws_rlc *r) {
  if (r == NULL)
    return;
  for (ws_packet *p = r->tx_head, *next; p != NULL; p = next) {
    next = p->next;
    free_packet(r, p);
  }
  for (size_t i = 0; i < r->win_count; i++) {
    rx_entry *e = &r->win[(r->rx_next_sn + i) & (r->win_cap - 1)];
    free_packet(r, e->pkt);
  }
  for (guint i = 0; i < r->all_tbs->len; i++) {
    ws_rlc_tb *tb = g_ptr_array_index(r->all_tbs, i);
    g_free(tb->seg);
    g_free(tb);
  }
  g_ptr_array_free(r->all_tbs, TRUE);
  g_free(r->win);
  g_free(r);
}

static void drop(ws_rlc *r, ws_packet *p, ws_rlc_drop_reason why) {
  if (r->cfg.drop != NULL)
    r->cfg.drop(r->cfg.ctx, p, why);
  else
    free_packet(r, p);
}

/* The packet being segmented (newest window entry with bytes left), or NULL. */
static rx_entry *partial_entry(ws_rlc *r) {
  if (r->win_count == 0)
    return NULL;
  rx_entry *e = &r->win[(r->rx_next_sn + r->win_count - 1) & (r->win_cap - 1)];
  return e->pulled < e->total ? e : NULL;
}

static const rx_entry *partial_entry_c(const ws_rlc *r) {
  return partial_entry((ws_rlc *)r);
}

bool ws_rlc_enqueue(ws_rlc *r, ws_packet *p) {
  g_return_val_if_fail(r != NULL && p != NULL, false);
  g_return_val_if_fail(!r->cfg.full_buffer, false);
  g_return_val_if_fail(p->ip_bytes > 0, false);
  if (r->cfg.limit_bytes > 0 && ws_rlc_buffer_bytes(r) + p->ip_bytes > r->cfg.limit_bytes) {
    r->stats.buffer_drops++;
    r->stats.buffer_drop_bytes += p->ip_bytes;
    drop(r, p, WS_RLC_DROP_BUFFER);
    return false;
  }
  p->next = NULL;
  if (r->tx_tail != NULL)
    r->tx_tail->next = p;
  else
    r->tx_head = p;
  r->tx_tail = p;
  r->tx_packets++;
  r->tx_bytes += p->ip_bytes;
  r->stats.enqueued_packets++;
  r->stats.enqueued_bytes += p->ip_bytes;
  return true;
}

uint64_t ws_rlc_buffer_bytes(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, 0);
  if (r->cfg.full_buffer)
    return UINT64_MAX;
  const rx_entry *e = partial_entry_c(r);
  return r->tx_bytes + (e != NULL ? e->total - e->pulled : 0);
}

size_t ws_rlc_buffer_packets(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, 0);
  return r->tx_packets + (partial_entry_c(r) != NULL ? 1 : 0);
}

uint64_t ws_rlc_demand_bytes(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, 0);
  if (r->cfg.full_buffer)
    return UINT64_MAX;
  return ws_rlc_buffer_bytes(r) + (uint64_t)r->cfg.header_bytes * ws_rlc_buffer_packets(r);
}

/* Makes room for one more window entry (doubles the ring; amortised, and
 * only until the window reaches its peak size). */
static void window_grow(ws_rlc *r) {
  size_t cap = r->win_cap * 2;
  rx_entry *win = g_new0(rx_entry, cap);
  for (size_t i = 0; i < r->win_count; i++) {
    uint64_t sn = r->rx_next_sn + i;
    win[sn & (cap - 1)] = r->win[sn & (r->win_cap - 1)];
  }
  g_free(r->win);
  r->win = win;
  r->win_cap = cap;
}

static ws_rlc_tb *tb_get(ws_rlc *r) {
  ws_rlc_tb *tb = r->free_tbs;
  if (tb != NULL) {
    r->free_tbs = tb->next_free;
  } else {
    tb = g_new0(ws_rlc_tb, 1);
    tb->cap_seg = 4;
    tb->seg = g_new(ws_rlc_segment, tb->cap_seg);
    g_ptr_array_add(r->all_tbs, tb);
  }
  tb->next_free = NULL;
  tb->in_use = true;
  tb->bytes = tb->data_bytes = tb->header_bytes = 0;
  tb->n_seg = 0;
  r->tbs_out++;
  return tb;
}

static void tb_put(ws_rlc *r, ws_rlc_tb *tb) {
  tb->in_use = false;
  tb->next_free = r->free_tbs;
  r->free_tbs = tb;
  r->tbs_out--;
}

static void tb_add_segment(ws_rlc_tb *tb, uint64_t sn, uint32_t offset, uint32_t bytes) {
  if (tb->n_seg == tb->cap_seg) {
    tb->cap_seg *= 2;
    tb->seg = g_renew(ws_rlc_segment, tb->seg, tb->cap_seg);
  }
  tb->seg[tb->n_seg++] = (ws_rlc_segment){.sn = sn, .offset = offset, .bytes = bytes};
}

ws_rlc_tb *ws_rlc_pull(ws_rlc *r, uint32_t tbs_bits) {
  g_return_val_if_fail(r != NULL, NULL);
  ws_rlc_tb *tb = tb_get(r);
  tb->bytes = tbs_bits / 8;
  r->stats.tbs++;
  r->stats.tb_bytes += tb->bytes;
  if (r->cfg.full_buffer) {
    tb->data_bytes = tb->bytes;
    r->stats.data_bytes += tb->bytes;
    return tb;
  }
  uint32_t hdr = r->cfg.header_bytes;
  uint32_t avail = tb->bytes;
  /* A segment costs its header plus at least one data byte. */
  while (avail > hdr) {
    rx_entry *e = partial_entry(r);
    uint64_t sn;
    if (e != NULL) {
      sn = r->rx_next_sn + r->win_count - 1;
    } else {
      ws_packet *p = r->tx_head;
      if (p == NULL)
        break;
      r->tx_head = p->next;
      if (r->tx_head == NULL)
        r->tx_tail = NULL;
      p->next = NULL;
      r->tx_packets--;
      r->tx_bytes -= p->ip_bytes;
      if (r->win_count == r->win_cap)
        window_grow(r);
      sn = r->tx_next_sn++;
      g_assert(sn == r->rx_next_sn + r->win_count);
      e = &r->win[sn & (r->win_cap - 1)];
      *e = (rx_entry){.pkt = p, .total = p->ip_bytes};
      r->win_count++;
    }
    uint32_t take = MIN(e->total - e->pulled, avail - hdr);
    tb_add_segment(tb, sn, e->pulled, take);
    e->pulled += take;
    avail -= hdr + take;
    tb->data_bytes += take;
    tb->header_bytes += hdr;
  }
  r->stats.segments += tb->n_seg;
  r->stats.data_bytes += tb->data_bytes;
  r->stats.header_bytes += tb->header_bytes;
  r->stats.padding_bytes += avail;
  return tb;
}

uint32_t ws_rlc_tb_bytes(const ws_rlc_tb *tb) {
  g_return_val_if_fail(tb != NULL, 0);
  return tb->bytes;
}

uint32_t ws_rlc_tb_data_bytes(const ws_rlc_tb *tb) {
  g_return_val_if_fail(tb != NULL, 0);
  return tb->data_bytes;
}

uint32_t ws_rlc_tb_header_bytes(const ws_rlc_tb *tb) {
  g_return_val_if_fail(tb != NULL, 0);
  return tb->header_bytes;
}

const ws_rlc_segment *ws_rlc_tb_segments(const ws_rlc_tb *tb, uint32_t *n) {
  g_return_val_if_fail(tb != NULL && n != NULL, NULL);
  *n = tb->n_seg;
  return tb->n_seg > 0 ? tb->seg : NULL;
}

/* Hands on, in sequence order, every head packet whose segments are all
 * accounted for: delivered when none was lost, dropped otherwise. Each entry
 * leaves the window before its callback runs (callbacks may enqueue). */
static void window_advance(ws_rlc *r) {
  while (r->win_count > 0) {
    rx_entry *e = &r->win[r->rx_next_sn & (r->win_cap - 1)];
    if (e->received + e->lost < e->total)
      return;
    rx_entry done = *e;
    *e = (rx_entry){0};
    r->rx_next_sn++;
    r->win_count--;
    if (done.lost == 0) {
      r->stats.delivered_packets++;
      r->stats.delivered_bytes += done.total;
      r->cfg.deliver(r->cfg.ctx, done.pkt);
    } else {
      r->stats.reassembly_drops++;
      r->stats.reassembly_drop_bytes += done.total;
      drop(r, done.pkt, WS_RLC_DROP_REASSEMBLY);
    }
  }
}

/* Credits tb's segments as received or lost, recycles tb, then advances. */
static void tb_done(ws_rlc *r, ws_rlc_tb *tb, bool ok) {
  g_return_if_fail(r != NULL && tb != NULL && tb->in_use);
  if (r->cfg.full_buffer) {
    if (ok)
      r->stats.delivered_bytes += tb->data_bytes;
    else
      r->stats.lost_tbs++;
    tb_put(r, tb);
    return;
  }
  for (uint32_t i = 0; i < tb->n_seg; i++) {
    const ws_rlc_segment *s = &tb->seg[i];
    g_assert(s->sn >= r->rx_next_sn && s->sn < r->rx_next_sn + r->win_count);
    rx_entry *e = &r->win[s->sn & (r->win_cap - 1)];
    if (ok)
      e->received += s->bytes;
    else
      e->lost += s->bytes;
    g_assert(e->received + e->lost <= e->pulled);
  }
  if (!ok)
    r->stats.lost_tbs++;
  tb_put(r, tb);
  window_advance(r);
}

void ws_rlc_tb_received(ws_rlc *r, ws_rlc_tb *tb) { tb_done(r, tb, true); }

void ws_rlc_tb_lost(ws_rlc *r, ws_rlc_tb *tb) { tb_done(r, tb, false); }

/* Counts a discarded packet (unsent of its bytes never sent) and drops it. */
static void flush_one(ws_rlc *r, ws_packet *p, uint32_t unsent) {
  r->stats.flushed_packets++;
  r->stats.flushed_bytes += p->ip_bytes;
  r->stats.flushed_unsent_bytes += unsent;
  drop(r, p, WS_RLC_DROP_FLUSH);
}

size_t ws_rlc_flush(ws_rlc *r, bool waiting_too) {
  g_return_val_if_fail(r != NULL, 0);
  if (r->cfg.full_buffer)
    return 0;
  g_return_val_if_fail(r->tbs_out == 0, 0);
  size_t n = 0;
  /* Each entry leaves the window before its callback runs (the callback
   * may enqueue), as in window_advance. */
  while (r->win_count > 0) {
    rx_entry *e = &r->win[r->rx_next_sn & (r->win_cap - 1)];
    rx_entry done = *e;
    *e = (rx_entry){0};
    r->rx_next_sn++;
    r->win_count--;
    flush_one(r, done.pkt, done.total - done.pulled);
    n++;
  }
  if (waiting_too) {
    ws_packet *p = r->tx_head;
    r->tx_head = r->tx_tail = NULL;
    r->tx_packets = 0;
    r->tx_bytes = 0;
    for (ws_packet *next; p != NULL; p = next, n++) {
      next = p->next;
      p->next = NULL;
      flush_one(r, p, p->ip_bytes);
    }
  }
  return n;
}

size_t ws_rlc_in_flight_packets(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, 0);
  return r->win_count;
}

const ws_rlc_stats *ws_rlc_get_stats(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, NULL);
  return &r->stats;
}

bool ws_rlc_check(const ws_rlc *r) {
  g_return_val_if_fail(r != NULL, false);
  const ws_rlc_stats *s = &r->stats;
  if (s->tb_bytes != s->data_bytes + s->header_bytes + s->padding_bytes)
    return false;
  size_t free_tbs = 0;
  for (const ws_rlc_tb *tb = r->free_tbs; tb != NULL; tb = tb->next_free, free_tbs++)
    if (tb->in_use)
      return false;
  if (free_tbs + r->tbs_out != r->all_tbs->len)
    return false;
  if (r->cfg.full_buffer)
    return r->tx_head == NULL && r->win_count == 0;
  /* The FIFO agrees with its counters. */
  size_t n = 0;
  uint64_t bytes = 0;
  for (const ws_packet *p = r->tx_head; p != NULL; p = p->next) {
    n++;
    bytes += p->ip_bytes;
    if (p->next == NULL && p != r->tx_tail)
      return false;
  }
  if (n != r->tx_packets || bytes != r->tx_bytes)
    return false;
  /* The window: bounds, and only the newest entry partly pulled. */
  if (r->win_count > r->win_cap || r->rx_next_sn + r->win_count != r->tx_next_sn)
    return false;
  uint64_t window_pulled = 0;
  for (size_t i = 0; i < r->win_count; i++) {
    const rx_entry *e = &r->win[(r->rx_next_sn + i) & (r->win_cap - 1)];
    if (e->pkt == NULL || e->total != e->pkt->ip_bytes || e->pulled > e->total ||
        e->received + e->lost > e->pulled)
      return false;
    if (e->pulled < e->total && i + 1 != r->win_count)
      return false;
    window_pulled += e->pulled;
  }
  /* Byte conservation: every accepted byte is waiting, in flight, delivered
   * or dropped at reassembly. */
  if (s->data_bytes != s->delivered_bytes + s->reassembly_drop_bytes + window_pulled +
                          (s->flushed_bytes - s->flushed_unsent_bytes))
    return false;
  if (s->enqueued_bytes != ws_rlc_buffer_bytes(r) + s->data_bytes + s->flushed_unsent_bytes)
    return false;
  return true;
}
