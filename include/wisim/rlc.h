/* wisim RLC/MAC buffers of a cell (sim/cell/rlc.c): one entity per UE and
 * direction holds the IP packets waiting for the radio, cuts them into
 * transport blocks (segments with a fixed header each) and, at the receiving
 * end, reassembles them and hands them on in order. RLC UM semantics: no ARQ,
 * a packet with a lost segment is dropped. Model: docs/cells.md. */
#ifndef WISIM_RLC_H
#define WISIM_RLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/packet.h"

/* Header bytes charged per SDU segment in a transport block: a documented
 * approximation of the RLC UM header + MAC subheader (docs/cells.md,
 * "Buffers, segmentation and power control"; the exact NR figure is 3..7 B,
 * TS 38.322 6.2.2.3 and TS 38.321 6.1.2). */
#define WS_RLC_DEFAULT_HEADER_BYTES 2u

/* Why the entity dropped a packet. */
typedef enum {
  WS_RLC_DROP_BUFFER,     /* transmission buffer full (drop-tail at enqueue) */
  WS_RLC_DROP_REASSEMBLY, /* a transport block carrying one of its segments
                             was lost (HARQ gave up): RLC UM, no ARQ */
  WS_RLC_DROP_FLUSH,      /* discarded by ws_rlc_flush (re-establishment) */
  WS_RLC_DROP_N_REASONS
} ws_rlc_drop_reason;

/* Hands a reassembled packet on (to IP at the far end); takes ownership. */
typedef void (*ws_rlc_deliver_fn)(void *ctx, ws_packet *p);
/* Called for each dropped packet; takes ownership (e.g. counts it for its
 * flow, then ws_packet_free). When NULL the entity frees it to the pool. */
typedef void (*ws_rlc_drop_fn)(void *ctx, ws_packet *p, ws_rlc_drop_reason why);

/* How to build an entity. */
typedef struct {
  ws_packet_pool *pool;       /* where dropped/flushed packets go back; borrowed,
                                 may be NULL only in full-buffer mode */
  uint64_t limit_bytes;       /* transmission buffer limit in IP bytes not yet
                                 sent (drop-tail); 0 = unlimited */
  uint32_t header_bytes;      /* per SDU segment; 0 = none (use
                                 WS_RLC_DEFAULT_HEADER_BYTES for the default) */
  bool full_buffer;           /* always backlogged: no packets, bytes only
                                 (`type = full-buffer` flows) */
  ws_rlc_deliver_fn deliver;  /* required unless full_buffer */
  ws_rlc_drop_fn drop;        /* optional */
  void *ctx;                  /* for deliver and drop */
} ws_rlc_config;

/* Counters of one entity, from its creation. Bytes are IP (SDU) bytes
 * unless named otherwise. */
typedef struct {
  uint64_t enqueued_packets, enqueued_bytes;   /* accepted by ws_rlc_enqueue */
  uint64_t buffer_drops, buffer_drop_bytes;    /* refused: buffer full */
  uint64_t tbs, tb_bytes;                      /* transport blocks pulled, their size */
  uint64_t segments;                           /* SDU segments put in them */
  uint64_t data_bytes, header_bytes;           /* SDU and header bytes in them */
  uint64_t padding_bytes;                      /* the rest of their size */
  uint64_t delivered_packets, delivered_bytes; /* handed on in order */
  uint64_t lost_tbs;                           /* reported by ws_rlc_tb_lost */
  uint64_t reassembly_drops, reassembly_drop_bytes; /* packets with a lost segment */
  uint64_t flushed_packets, flushed_bytes;     /* discarded by ws_rlc_flush */
  uint64_t flushed_unsent_bytes;               /* of which never put in a block */
} ws_rlc_stats;

/* One SDU segment in a transport block: bytes [offset, offset + bytes) of
 * the packet with RLC sequence number sn (numbered from 0 at enqueue). */
typedef struct {
  uint64_t sn;
  uint32_t offset;
  uint32_t bytes; /* SDU bytes, without the header */
} ws_rlc_segment;

/* An entity (opaque) and a transport block it built (opaque, pooled by the
 * entity, valid until handed back with ws_rlc_tb_received or _lost). */
typedef struct ws_rlc ws_rlc;
typedef struct ws_rlc_tb ws_rlc_tb;

/* A new entity. Returns NULL (critical warning) on a bad config. Caller
 * frees with ws_rlc_free. */
ws_rlc *ws_rlc_new(const ws_rlc_config *cfg);
/* Frees the entity, its transport blocks (in flight or not) and returns
 * every packet it still holds to the pool (not counted as drops). */
void ws_rlc_free(ws_rlc *r);

/* Offers an IP packet for transmission; takes ownership. Returns true when
 * queued; false when the buffer limit refused it (drop-tail): it is then
 * counted and handed to the drop callback (or freed). In full-buffer mode
 * packets are refused (critical warning). O(1). */
bool ws_rlc_enqueue(ws_rlc *r, ws_packet *p);

/* IP bytes waiting for transmission (not yet put in a transport block);
 * UINT64_MAX in full-buffer mode. */
uint64_t ws_rlc_buffer_bytes(const ws_rlc *r);
/* Bytes a transport block needs to empty the buffer: the waiting IP bytes
 * plus one header per waiting packet (what the scheduler's buffer_bytes and
 * an uplink buffer status report should carry); UINT64_MAX in full-buffer
 * mode. */
uint64_t ws_rlc_demand_bytes(const ws_rlc *r);
/* Packets waiting, including a head packet already partly sent. */
size_t ws_rlc_buffer_packets(const ws_rlc *r);

/* Builds one transport block of tbs_bits (floor(tbs_bits / 8) bytes): takes
 * SDU segments of the head packets in order, each costing header_bytes
 * plus at least 1 data byte; whatever cannot hold another segment is
 * padding (so a block of header_bytes or less carries nothing). In
 * full-buffer mode the whole block is data (no header: no SDUs). Never
 * NULL; the caller hands it back exactly once with ws_rlc_tb_received or
 * ws_rlc_tb_lost. Allocation-free once the pools have grown. */
ws_rlc_tb *ws_rlc_pull(ws_rlc *r, uint32_t tbs_bits);

/* The transport block's size in bytes, its SDU data bytes, header bytes
 * and segments (*n gets their count; NULL in full-buffer mode or empty). */
uint32_t ws_rlc_tb_bytes(const ws_rlc_tb *tb);
uint32_t ws_rlc_tb_data_bytes(const ws_rlc_tb *tb);
uint32_t ws_rlc_tb_header_bytes(const ws_rlc_tb *tb);
const ws_rlc_segment *ws_rlc_tb_segments(const ws_rlc_tb *tb, uint32_t *n);

/* The transport block was decoded: its segments join their packets; every
 * packet now complete and next in sequence is delivered (in order), as is
 * every later one that is complete; a packet known to miss a segment is
 * dropped when its turn comes. Recycles tb. The callbacks must not free r. */
void ws_rlc_tb_received(ws_rlc *r, ws_rlc_tb *tb);
/* The transport block was lost (HARQ gave up): every packet it carried a
 * segment of is dropped (WS_RLC_DROP_REASSEMBLY) once all its segments are
 * accounted for, and nothing else; later packets then flow on. Recycles tb. */
void ws_rlc_tb_lost(ws_rlc *r, ws_rlc_tb *tb);

/* Re-establishment (TS 38.322 5.1.2: a UM entity discards its SDU
 * segments; the SDUs not yet sent may be forwarded, as PDCP does over X2):
 * every packet of the reassembly window (at least partly sent) and, when
 * waiting_too, every packet waiting untouched is handed to the drop
 * callback (WS_RLC_DROP_FLUSH) or freed. Every transport block must have
 * been handed back first (ws_rlc_tb_lost). Returns the packets discarded
 * (0 in full-buffer mode). */
size_t ws_rlc_flush(ws_rlc *r, bool waiting_too);

/* Packets put (at least partly) in transport blocks and not yet delivered
 * or dropped: the reassembly window. */
size_t ws_rlc_in_flight_packets(const ws_rlc *r);
/* Counters. */
const ws_rlc_stats *ws_rlc_get_stats(const ws_rlc *r);
/* Checks the invariants (byte conservation, window, pools); for tests. */
bool ws_rlc_check(const ws_rlc *r);

#endif
