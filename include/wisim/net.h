/* wisim network layer: nodes (hosts and routers), their interfaces, IPv4
 * addresses assigned from the link order, static shortest-path routes
 * computed once from the links, forwarding with TTL, and local delivery to a
 * UDP port. The plan and the tie-breaking rule are in docs/network.md. */
#ifndef WISIM_NET_H
#define WISIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/packet.h"

typedef struct ws_net ws_net;
typedef struct ws_node ws_node;
typedef struct ws_link ws_link;
struct ws_link_config;

/* Hosts are end points: they send and receive but never forward, so no
 * route crosses a host. Routers forward. The built-in `core` is a router. */
typedef enum {
  WS_NODE_HOST,
  WS_NODE_ROUTER,
} ws_node_kind;

/* Why a packet left the network before reaching its application. */
typedef enum {
  WS_DROP_QUEUE,     /* the device queue refused it (full) */
  WS_DROP_LOSS,      /* random loss on the wire */
  WS_DROP_MTU,       /* larger than the link's MTU: wisim does not fragment */
  WS_DROP_TTL,       /* TTL expired at a router (RFC 1812 5.3.1) */
  WS_DROP_NO_ROUTE,  /* no route, or a host asked to forward */
  WS_DROP_NO_PORT,   /* nothing bound to the destination UDP/TCP port or
                        ICMP echo identifier */
  WS_DROP_LINK_DOWN, /* the link was down ([event] link-down) */
  WS_DROP_RADIO,     /* lost on a radio link: HARQ gave up on a segment */
  WS_DROP_DETACH,    /* flushed from a cell's buffer when its UE left the
                        cell (outage, handover without forwarding) */
  WS_DROP_N_REASONS
} ws_drop_reason;

/* Short name of a reason ("queue", "loss", "mtu", "ttl", "no-route",
 * "no-port", "link-down", "radio", "detach"). Static string. */
const char *ws_drop_reason_name(ws_drop_reason why);

/* Tap point "drop": called for every packet dropped anywhere in the
 * network, before the packet goes back to the pool. p is borrowed. */
typedef void (*ws_net_drop_fn)(void *ctx, const ws_packet *p, ws_drop_reason why);

/* Delivery of a UDP datagram to the socket bound to its destination port.
 * The callback takes ownership of p (free it with ws_packet_free on
 * ws_net_pool(net)). */
typedef void (*ws_udp_recv_fn)(ws_net *net, ws_packet *p, void *ctx);

/* A new network in sim, taking its packets from pool (both borrowed; they
 * must outlive the network). Free with ws_net_free. */
ws_net *ws_net_new(ws_sim *sim, ws_packet_pool *pool);
/* Frees the network with its nodes and links (packets still queued go back
 * to the pool). */
void ws_net_free(ws_net *net);
ws_sim *ws_net_sim(const ws_net *net);
ws_packet_pool *ws_net_pool(const ws_net *net);

/* Adds a node. Returns NULL when the name is taken. Owned by the network. */
ws_node *ws_net_add_node(ws_net *net, const char *name, ws_node_kind kind);
/* The node of that name, or NULL. */
ws_node *ws_net_find_node(const ws_net *net, const char *name);
unsigned ws_net_n_nodes(const ws_net *net);
/* Nodes in the order they were added. */
ws_node *ws_net_node(const ws_net *net, unsigned i);

/* Adds a full-duplex link between a and b (direction 0 is a->b, 1 is b->a)
 * and gives each end an interface and an address: the k-th link (from 0)
 * gets the subnet 10.(k / 256).(k % 256).0/24, a = .1 and b = .2. Random
 * loss draws come from the stream (seed, run, "link NAME", "loss A->B").
 * Returns NULL when a == b, the plan is full (WS_NET_MAX_LINKS) or the
 * queue discipline is unknown. Must be
 * called before ws_net_build_routes. Owned by the network. */
ws_link *ws_net_add_link(ws_net *net, const char *name, ws_node *a, ws_node *b,
                         const struct ws_link_config *cfg, uint64_t seed, uint64_t run);
#define WS_NET_MAX_LINKS 65536u
unsigned ws_net_n_links(const ws_net *net);
/* Links in the order they were added. */
ws_link *ws_net_link(const ws_net *net, unsigned i);

/* Computes every routing table from the links: fewest hops, routes cross
 * routers only, ties broken for the path whose links come first in link
 * order, hop by hop from the source (docs/network.md). Call once, after the
 * last link; sending before it is a programmer error. */
void ws_net_build_routes(ws_net *net);
/* Hops on the route from a to b: 0 when a == b, -1 when unreachable. */
int ws_net_hops(const ws_net *net, const ws_node *from, const ws_node *to);
/* The first link on the route from a to b (NULL when a == b or
 * unreachable), and the direction it is used in (0: a->b as added). */
ws_link *ws_net_first_link(const ws_net *net, const ws_node *from, const ws_node *to,
                           unsigned *dir);

const char *ws_node_name(const ws_node *n);
ws_node_kind ws_node_get_kind(const ws_node *n);
/* Position in ws_net_node order. */
unsigned ws_node_index(const ws_node *n);
/* Interfaces, one per link end, in link order. */
unsigned ws_node_n_ifaces(const ws_node *n);
/* Address of interface i (host byte order). */
uint32_t ws_node_iface_addr(const ws_node *n, unsigned i);
/* The node's address: that of its first interface; 0 when it has none. */
uint32_t ws_node_addr(const ws_node *n);
/* The node owning addr, or NULL. O(1). */
ws_node *ws_net_node_by_addr(const ws_net *net, uint32_t addr);
/* Dotted quad of addr into buf (at least 16 bytes); returns buf. */
char *ws_ipv4_format(uint32_t addr, char *buf);

/* Sets the drop tap (one per network; fn NULL removes it). */
void ws_net_set_drop_hook(ws_net *net, ws_net_drop_fn fn, void *ctx);
/* Drops p: counts it, calls the drop tap, frees p. For links and sockets. */
void ws_net_drop(ws_net *net, ws_packet *p, ws_drop_reason why);
/* Packets dropped for that reason since the network was made. */
uint64_t ws_net_drops(const ws_net *net, ws_drop_reason why);
/* ws_net_drop with the place for the DROP tap: node is the node that
 * dropped p (the transmitting end at a link), link and dir the link
 * direction involved (link NULL when none). */
void ws_net_drop_at(ws_net *net, ws_packet *p, ws_drop_reason why, const ws_node *node,
                    const ws_link *link, unsigned dir);

/* Binds a UDP port of node n to fn(net, packet, ctx). Returns false when the
 * port is taken. ctx is borrowed. */
bool ws_net_udp_bind(ws_net *net, ws_node *n, uint16_t port, ws_udp_recv_fn fn, void *ctx);
/* Sends a UDP datagram from node n: p carries payload_bytes, src_port,
 * dst_port and dst_addr; this fills protocol, ip_bytes and src_addr (the
 * address of the interface it leaves by) and routes it. Takes ownership of
 * p (dropped with WS_DROP_NO_ROUTE when there is no route). */
void ws_net_udp_send(ws_net *net, ws_node *n, ws_packet *p);
/* ---- contract for issue 3 (network stack) -------------------------------- */

/* Delivery of a TCP segment or an ICMP message, as for UDP. */
typedef void (*ws_ip_recv_fn)(ws_net *net, ws_packet *p, void *ctx);

/* Binds TCP port `port` of node n to fn: every segment addressed to (n,
 * port) is handed to fn, whatever its source (the TCP endpoint
 * demultiplexes). Returns false when the port is taken. */
bool ws_net_tcp_bind(ws_net *net, ws_node *n, uint16_t port, ws_ip_recv_fn fn, void *ctx);
void ws_net_tcp_unbind(ws_net *net, ws_node *n, uint16_t port);
/* Receives the ICMP echo replies with identifier id arriving at node n.
 * Echo requests are answered by every node's IP layer itself (RFC 1122
 * 3.2.2.6), without any binding. Returns false when id is taken at n. */
bool ws_net_icmp_bind(ws_net *net, ws_node *n, uint16_t id, ws_ip_recv_fn fn, void *ctx);
/* Sends an IP packet from node n whose protocol, ip_bytes, transport fields
 * and dst_addr are already set by the caller (TCP, ICMP); fills src_addr
 * (the address of the interface it leaves by, unless the caller set it to
 * one of n's own addresses, which is kept) and routes it. Takes ownership
 * of p (dropped with WS_DROP_NO_ROUTE when there is no route). */
void ws_net_ip_send(ws_net *net, ws_node *n, ws_packet *p);

/* Moves end `end` of link l to node `to` at the current time (a UE's radio
 * link following it to another cell), then recomputes every route. The
 * interface keeps its address, so the far end's address does not change.
 * to must be a router (it forwards for the far end). */
void ws_net_move_link_end(ws_net *net, ws_link *l, unsigned end, ws_node *to);

/* Takes a link out of service (up = false) or back (up = true) at the
 * current time, then recomputes every route. Going down, the packets queued
 * and in transmission in both directions are dropped (WS_DROP_LINK_DOWN,
 * counted in down_drops) and packets sent onto it later are dropped too
 * until it is up again; packets already propagating arrive. */
void ws_net_set_link_up(ws_net *net, ws_link *l, bool up);
bool ws_net_link_is_up(const ws_net *net, const ws_link *l);

/* Tap points for observers (traces, live views): models call them, never a
 * writer. ENQUEUE: a device accepted p for transmission (or started it at
 * once); DEQUEUE: p starts transmission on the wire (its time is the pcap
 * time of a sent packet); DROP: p leaves the network (reason set; link NULL
 * when not at a link); RECEIVE: p arrived at node from link (end of
 * propagation), before IP input. */
typedef enum {
  WS_TAP_ENQUEUE,
  WS_TAP_DEQUEUE,
  WS_TAP_DROP,
  WS_TAP_RECEIVE,
} ws_tap_kind;

typedef struct {
  ws_tap_kind kind;
  ws_time time_ns;
  const ws_node *node;     /* the transmitting node (ENQUEUE, DEQUEUE, DROP at a
                              link), the receiving node (RECEIVE), the node
                              that dropped it (other DROPs) */
  const ws_link *link;     /* the link involved, or NULL */
  unsigned dir;            /* its direction (0: end 0 -> end 1) */
  const ws_packet *packet; /* borrowed for the duration of the call */
  ws_drop_reason reason;   /* DROP only */
} ws_tap_event;

typedef void (*ws_tap_fn)(void *ctx, const ws_tap_event *ev);
/* Adds an observer called at every tap point, in the order added. Costs
 * nothing on the packet path when no tap is set. ctx is borrowed. */
void ws_net_add_tap(ws_net *net, ws_tap_fn fn, void *ctx);
/* Removes the observer added with this fn and ctx (no-op when absent). */
void ws_net_remove_tap(ws_net *net, ws_tap_fn fn, void *ctx);

/* IP input: a device hands p up at node n. Delivers it locally when it is
 * addressed to n, else forwards it (routers only: TTL - 1, dropped at 0).
 * Takes ownership of p. */
void ws_net_ip_input(ws_net *net, ws_node *n, ws_packet *p);

#endif
