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
#define WS_IP_PROTO_ICMP 1u
#define WS_IP_PROTO_TCP 6u
#define WS_IP_PROTO_UDP 17u

/* The IPv4 ECN field (RFC 3168 section 5). */
#define WS_ECN_NOT_ECT 0u
#define WS_ECN_ECT1 1u
#define WS_ECN_ECT0 2u
#define WS_ECN_CE 3u

/* TCP flags (RFC 793, RFC 3168 for ECE and CWR), bit values of the header. */
#define WS_TCP_FIN 0x01u
#define WS_TCP_SYN 0x02u
#define WS_TCP_RST 0x04u
#define WS_TCP_PSH 0x08u
#define WS_TCP_ACK 0x10u
#define WS_TCP_URG 0x20u
#define WS_TCP_ECE 0x40u
#define WS_TCP_CWR 0x80u
/* packet.tcp_wscale when the SYN carries no window-scale option. */
#define WS_TCP_NO_WSCALE 0xffu
/* At most 4 SACK blocks fit the 40 bytes of options (RFC 2018 section 3);
 * 3 when timestamps are also present. */
#define WS_TCP_MAX_SACK 4u

/* ICMP message types (RFC 792). */
#define WS_ICMP_ECHO_REPLY 0u
#define WS_ICMP_ECHO_REQUEST 8u
#define WS_ICMP_HEADER_BYTES 8u

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
  uint8_t ecn;            /* IPv4 ECN field: WS_ECN_NOT_ECT, _ECT0/1, _CE */
  /* transport: UDP (RFC 768) and TCP share the ports */
  uint16_t src_port;
  uint16_t dst_port;
  /* TCP header (RFC 793; options RFC 7323, RFC 2018), valid when protocol is
   * WS_IP_PROTO_TCP. ip_bytes = payload + 20 + tcp_options_bytes + 20. */
  uint32_t tcp_seq;
  uint32_t tcp_ack;
  uint8_t tcp_flags;         /* WS_TCP_SYN | WS_TCP_ACK ... */
  uint8_t tcp_options_bytes; /* option bytes including padding: a multiple of 4, <= 40 */
  uint16_t tcp_window;       /* the 16-bit window field as sent (already scaled down) */
  uint16_t tcp_mss;          /* MSS option (SYN only), 0 when absent */
  uint8_t tcp_wscale;        /* window-scale shift (SYN only), WS_TCP_NO_WSCALE when absent */
  bool tcp_sack_permitted;   /* SACK-permitted option (SYN only) */
  bool tcp_has_ts;           /* timestamps option present */
  uint32_t tcp_tsval;
  uint32_t tcp_tsecr;
  uint8_t tcp_n_sack;        /* SACK blocks present, <= WS_TCP_MAX_SACK */
  struct {
    uint32_t left, right;    /* [left, right) in sequence space */
  } tcp_sack[WS_TCP_MAX_SACK];
  /* ICMP echo (RFC 792), valid when protocol is WS_IP_PROTO_ICMP.
   * ip_bytes = payload + 8 + 20. */
  uint8_t icmp_type;
  uint8_t icmp_code;
  uint16_t icmp_id;
  uint16_t icmp_seq;
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
