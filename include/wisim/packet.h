/* wisim packets: one IPv4 datagram with its transport header, carried by
 * pointer from the application down to a device and up again at the far end,
 * and the pool they come from (a free list owned by the world: no malloc per
 * packet in steady state). Headers are struct fields, not bytes on a wire. */
#ifndef WISIM_PACKET_H
#define WISIM_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/core.h"

/* Header sizes in bytes (RFC 791 without options, RFC 768, RFC 793 without
 * options). A wired link adds no framing of its own (SCENARIO-FORMAT.md). */
#define WS_IPV4_HEADER_BYTES 20u
#define WS_UDP_HEADER_BYTES 8u
#define WS_TCP_HEADER_BYTES 20u
/* IPv4 total length is a 16-bit field: no datagram is larger. */
#define WS_IPV4_MAX_BYTES 65535u
/* Initial TTL of packets sent by a node (Linux's default, RFC 1700). */
#define WS_IPV4_DEFAULT_TTL 64u

/* IANA protocol numbers (the IPv4 protocol field). */
#define WS_IP_PROTO_TCP 6u
#define WS_IP_PROTO_UDP 17u

/* packet.flow of a packet that belongs to no flow. */
#define WS_PACKET_NO_FLOW UINT32_MAX

typedef struct ws_packet ws_packet;

/* One packet. Fields are public so that every layer reads and writes its own
 * header directly; whoever holds the pointer owns the packet until it hands
 * it to the next layer or frees it with ws_packet_free. */
struct ws_packet {
  ws_packet *next;        /* intrusive link: the pool's free list, a queue's FIFO */
  uint64_t id;            /* unique in its pool (one pool per simulation), from 1: for traces */
  /* application */
  uint32_t flow;          /* index of the sending flow, or WS_PACKET_NO_FLOW */
  uint32_t payload_bytes; /* application payload */
  uint64_t seq;           /* sequence number within the flow, from 0 */
  ws_time app_sent_ns;    /* when the sending application handed it to UDP */
  bool counted;           /* sent at or after warmup: counts in its flow's statistics */
  /* IPv4 (RFC 791) */
  uint8_t protocol;       /* WS_IP_PROTO_UDP (TCP: issue 3) */
  uint8_t ttl;            /* decremented by every router that forwards it */
  uint32_t ip_bytes;      /* total length: payload + transport header + 20 */
  uint32_t src_addr;      /* host byte order, e.g. 10.0.0.1 = 0x0a000001 */
  uint32_t dst_addr;
  /* transport: UDP (RFC 768) today; the ports are shared with TCP, whose
   * sequence/ack/flags fields will join them here in issue 3. */
  uint16_t src_port;
  uint16_t dst_port;
  /* in the network: private to sim/net */
  void *hop;              /* while on a wire: the link direction carrying it */
  ws_time enqueue_ns;     /* when it entered its current device queue (AQM sojourn) */
};

/* IP bytes of a UDP datagram carrying payload_bytes (payload + 8 + 20). */
static inline uint32_t ws_packet_udp_ip_bytes(uint32_t payload_bytes) {
  return payload_bytes + WS_UDP_HEADER_BYTES + WS_IPV4_HEADER_BYTES;
}

/* A pool of packets: slabs of packets carved once, recycled through a free
 * list. One pool per simulation (the world owns it); not thread-safe. */
typedef struct ws_packet_pool ws_packet_pool;

/* A new, empty pool. Caller frees with ws_packet_pool_free. */
ws_packet_pool *ws_packet_pool_new(void);
/* Frees the pool and every packet it ever handed out, returned or not. */
void ws_packet_pool_free(ws_packet_pool *pool);

/* A packet from the pool: every field zero except id (the pool's next id)
 * and ttl (WS_IPV4_DEFAULT_TTL), flow (WS_PACKET_NO_FLOW). O(1); grows the
 * pool by a slab when the free list is empty. Free with ws_packet_free. */
ws_packet *ws_packet_new(ws_packet_pool *pool);
/* Returns p to its pool. O(1). p must come from this pool. */
void ws_packet_free(ws_packet_pool *pool, ws_packet *p);

/* Packets handed out and not yet freed. */
size_t ws_packet_pool_in_use(const ws_packet_pool *pool);
/* Packets the pool has carved so far (in use + free). */
size_t ws_packet_pool_capacity(const ws_packet_pool *pool);

#endif
