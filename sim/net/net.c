/* wisim network layer: nodes, interfaces, the IPv4 address plan, static
 * shortest-path routing tables and IP forwarding / local UDP delivery.
 * Address plan: link k (from 0, in the order links are added) is the subnet
 * 10.(k/256).(k%256).0/24; its end a is .1 and its end b is .2, so an
 * address decodes to its interface in O(1). Interface 2k + e is end e of
 * link k. Routing: one BFS per node that must choose (routers and hosts with
 * several interfaces); a node with a single interface sends everything
 * through it. Only routers are expanded by the BFS: routes never cross a
 * host. The BFS visits a node's interfaces in link order, so each node's
 * route is, among the fewest-hop paths, the one whose links come first in
 * link order hop by hop from the source (lexicographic); the suffix of such
 * a path is the next node's own choice, so hop-by-hop forwarding follows it. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "net-int.h"
#include "wisim/link.h"
#include "wisim/net.h"

typedef struct {
  ws_node *node;  /* the node owning this interface */
  ws_link *link;
  unsigned dir;   /* direction of link used to send from here (= end index) */
  uint32_t addr;
  ws_node *peer;  /* the node at the other end */
} iface;

/* A UDP or TCP port, or an ICMP echo identifier, bound to a receiver. */
typedef struct {
  ws_ip_recv_fn fn;
  void *ctx;
} binding;

struct ws_node {
  char *name;
  ws_node_kind kind;
  unsigned index;
  GArray *ifaces;   /* unsigned: indices into ws_net.ifaces, in link order */
  int row;          /* row in the routing tables, -1 for single-interface hosts */
  GHashTable *udp;  /* port -> binding (owned), made on the first bind */
  GHashTable *tcp;  /* port -> binding (owned), made on the first bind */
  GHashTable *icmp; /* echo identifier -> binding (owned), made on the first bind */
};

struct ws_net {
  ws_sim *sim;
  ws_packet_pool *pool;
  GPtrArray *nodes;      /* ws_node *, owned */
  GHashTable *by_name;   /* name -> ws_node *, borrowed keys */
  GPtrArray *links;      /* ws_link *, owned */
  GArray *ifaces;        /* iface; 2k + e is end e of link k */
  bool routed;
  unsigned n_rows;
  int32_t *next_iface;   /* [row * n_nodes + dst]: interface index, -1 none */
  int32_t *dist;         /* [row * n_nodes + dst]: hops, -1 unreachable */
  ws_net_drop_fn drop_fn;
  void *drop_ctx;
  uint64_t drops[WS_DROP_N_REASONS];
  ws_net_taps taps;
  unsigned *bfs_queue;   /* scratch for route recomputation, n_nodes long */
};

static const char *const drop_names[WS_DROP_N_REASONS] = {
    [WS_DROP_QUEUE] = "queue",       [WS_DROP_LOSS] = "loss",
    [WS_DROP_MTU] = "mtu",           [WS_DROP_TTL] = "ttl",
    [WS_DROP_NO_ROUTE] = "no-route", [WS_DROP_NO_PORT] = "no-port",
    [WS_DROP_LINK_DOWN] = "link-down", [WS_DROP_RADIO] = "radio",
    [WS_DROP_DETACH] = "detach",
};

const char *ws_drop_reason_name(ws_drop_reason why) {
  g_return_val_if_fail((unsigned)why < WS_DROP_N_REASONS, "?");
  return drop_names[why];
}

static void node_free(gpointer data) {
  ws_node *n = data;
  g_free(n->name);
  g_array_free(n->ifaces, TRUE);
  if (n->udp) g_hash_table_destroy(n->udp);
  if (n->tcp) g_hash_table_destroy(n->tcp);
  if (n->icmp) g_hash_table_destroy(n->icmp);
  g_free(n);
}

static void link_free_cb(gpointer data) { ws_link_free(data); }

ws_net *ws_net_new(ws_sim *sim, ws_packet_pool *pool) {
  g_return_val_if_fail(sim != NULL && pool != NULL, NULL);
  ws_net *net = g_new0(ws_net, 1);
  net->sim = sim;
  net->pool = pool;
  net->nodes = g_ptr_array_new_with_free_func(node_free);
  net->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  net->links = g_ptr_array_new_with_free_func(link_free_cb);
  net->ifaces = g_array_new(FALSE, TRUE, sizeof(iface));
  return net;
}

void ws_net_free(ws_net *net) {
  if (!net) return;
  g_ptr_array_free(net->links, TRUE); /* links first: they return packets to the pool */
  g_hash_table_destroy(net->by_name);
  g_ptr_array_free(net->nodes, TRUE);
  g_array_free(net->ifaces, TRUE);
  g_free(net->next_iface);
  g_free(net->dist);
  g_free(net->taps.entries);
  g_free(net->bfs_queue);
  g_free(net);
}

ws_sim *ws_net_sim(const ws_net *net) { return net->sim; }
ws_packet_pool *ws_net_pool(const ws_net *net) { return net->pool; }

/* ---- nodes ---------------------------------------------------------------- */

ws_node *ws_net_add_node(ws_net *net, const char *name, ws_node_kind kind) {
  g_return_val_if_fail(net != NULL && name != NULL, NULL);
  g_return_val_if_fail(!net->routed, NULL);
  if (g_hash_table_contains(net->by_name, name)) return NULL;
  ws_node *n = g_new0(ws_node, 1);
  n->name = g_strdup(name);
  n->kind = kind;
  n->index = net->nodes->len;
  n->ifaces = g_array_new(FALSE, FALSE, sizeof(unsigned));
  n->row = -1;
  g_ptr_array_add(net->nodes, n);
  g_hash_table_insert(net->by_name, n->name, n);
  return n;
}

ws_node *ws_net_find_node(const ws_net *net, const char *name) {
  g_return_val_if_fail(net != NULL && name != NULL, NULL);
  return g_hash_table_lookup(net->by_name, name);
}

unsigned ws_net_n_nodes(const ws_net *net) { return net->nodes->len; }

ws_node *ws_net_node(const ws_net *net, unsigned i) {
  g_return_val_if_fail(i < net->nodes->len, NULL);
  return g_ptr_array_index(net->nodes, i);
}

const char *ws_node_name(const ws_node *n) { return n->name; }
ws_node_kind ws_node_get_kind(const ws_node *n) { return n->kind; }
unsigned ws_node_index(const ws_node *n) { return n->index; }
unsigned ws_node_n_ifaces(const ws_node *n) { return n->ifaces->len; }

static const iface *iface_at(const ws_net *net, unsigned i) {
  return &g_array_index(net->ifaces, iface, i);
}

uint32_t ws_node_iface_addr(const ws_node *n, unsigned i) {
  g_return_val_if_fail(i < n->ifaces->len, 0);
  /* The address is a function of the interface index alone (see the plan). */
  unsigned g = g_array_index(n->ifaces, unsigned, i);
  return (10u << 24) | ((g / 2) << 8) | (g % 2 + 1);
}

uint32_t ws_node_addr(const ws_node *n) {
  return n->ifaces->len ? ws_node_iface_addr(n, 0) : 0;
}

/* Interface index of an address of the plan, or -1. */
static int64_t addr_iface(const ws_net *net, uint32_t addr) {
  if (addr >> 24 != 10) return -1;
  unsigned k = (addr >> 8) & 0xffff, host = addr & 0xff;
  if ((host != 1 && host != 2) || k >= net->links->len) return -1;
  return 2 * (int64_t)k + host - 1;
}

ws_node *ws_net_node_by_addr(const ws_net *net, uint32_t addr) {
  int64_t i = addr_iface(net, addr);
  return i < 0 ? NULL : iface_at(net, (unsigned)i)->node;
}

char *ws_ipv4_format(uint32_t addr, char *buf) {
  snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
           addr & 0xff);
  return buf;
}

/* ---- links ---------------------------------------------------------------- */

ws_link *ws_net_add_link(ws_net *net, const char *name, ws_node *a, ws_node *b,
                         const ws_link_config *cfg, uint64_t seed, uint64_t run) {
  g_return_val_if_fail(net != NULL && name != NULL && a != NULL && b != NULL && cfg, NULL);
  g_return_val_if_fail(!net->routed, NULL);
  if (a == b || net->links->len >= WS_NET_MAX_LINKS) return NULL;
  ws_link *l = ws_link_new(net, name, a, b, cfg, seed, run);
  if (!l) return NULL;
  unsigned k = net->links->len;
  g_ptr_array_add(net->links, l);
  ws_node *ends[2] = {a, b};
  for (unsigned e = 0; e < 2; e++) {
    iface ifc = {.node = ends[e], .link = l, .dir = e, .peer = ends[1 - e],
                 .addr = (10u << 24) | (k << 8) | (e + 1)};
    unsigned idx = net->ifaces->len;
    g_assert(idx == 2 * k + e);
    g_array_append_val(net->ifaces, ifc);
    g_array_append_val(ends[e]->ifaces, idx);
  }
  return l;
}

unsigned ws_net_n_links(const ws_net *net) { return net->links->len; }

ws_link *ws_net_link(const ws_net *net, unsigned i) {
  g_return_val_if_fail(i < net->links->len, NULL);
  return g_ptr_array_index(net->links, i);
}

/* ---- routing -------------------------------------------------------------- */

/* Does node n choose among interfaces (and so own a table row)? */
static bool needs_row(const ws_node *n) {
  return n->kind == WS_NODE_ROUTER || n->ifaces->len > 1;
}

/* BFS from src over nodes that forward (routers) and links that are up,
 * interfaces in link order; fills src's row of dist and next_iface. queue
 * has room for n_nodes. */
static void bfs_row(ws_net *net, const ws_node *src, unsigned *queue) {
  unsigned n_nodes = net->nodes->len;
  int32_t *dist = net->dist + (size_t)src->row * n_nodes;
  int32_t *first = net->next_iface + (size_t)src->row * n_nodes;
  for (unsigned i = 0; i < n_nodes; i++) dist[i] = first[i] = -1;
  unsigned head = 0, tail = 0;
  dist[src->index] = 0;
  queue[tail++] = src->index;
  while (head < tail) {
    const ws_node *x = g_ptr_array_index(net->nodes, queue[head++]);
    if (x != src && x->kind != WS_NODE_ROUTER) continue; /* hosts do not forward */
    for (unsigned j = 0; j < x->ifaces->len; j++) {
      unsigned gi = g_array_index(x->ifaces, unsigned, j);
      const iface *ifc = iface_at(net, gi);
      if (!ws_link_is_up(ifc->link)) continue;
      const ws_node *y = ifc->peer;
      if (dist[y->index] >= 0) continue;
      dist[y->index] = dist[x->index] + 1;
      first[y->index] = x == src ? (int32_t)gi : first[x->index];
      queue[tail++] = y->index;
    }
  }
}

/* Fills every row from the links that are up now. */
static void compute_routes(ws_net *net) {
  unsigned n_nodes = net->nodes->len;
  for (unsigned i = 0; i < n_nodes; i++) {
    ws_node *n = g_ptr_array_index(net->nodes, i);
    if (n->row >= 0) bfs_row(net, n, net->bfs_queue);
  }
}

void ws_net_build_routes(ws_net *net) {
  g_return_if_fail(net != NULL && !net->routed);
  unsigned n_nodes = net->nodes->len;
  net->n_rows = 0;
  for (unsigned i = 0; i < n_nodes; i++) {
    ws_node *n = g_ptr_array_index(net->nodes, i);
    n->row = needs_row(n) ? (int)net->n_rows++ : -1;
  }
  /* Rows only for nodes that choose: a star of 10,000 hosts around one
   * router needs one row, not 10,000. */
  net->dist = g_new(int32_t, (size_t)net->n_rows * n_nodes);
  net->next_iface = g_new(int32_t, (size_t)net->n_rows * n_nodes);
  net->bfs_queue = g_new(unsigned, n_nodes ? n_nodes : 1);
  compute_routes(net);
  net->routed = true;
}

/* The single interface of a one-link node, or -1 when it has none or its
 * link is down. */
static int64_t only_iface(const ws_net *net, const ws_node *n) {
  if (n->ifaces->len != 1) return -1;
  unsigned gi = g_array_index(n->ifaces, unsigned, 0);
  return ws_link_is_up(iface_at(net, gi)->link) ? (int64_t)gi : -1;
}

/* Interface index by which `from` sends towards `to` (from != to), or -1. */
static int64_t route_iface(const ws_net *net, const ws_node *from, const ws_node *to) {
  if (from->row >= 0)
    return net->next_iface[(size_t)from->row * net->nodes->len + to->index];
  return only_iface(net, from);
}

int ws_net_hops(const ws_net *net, const ws_node *from, const ws_node *to) {
  g_return_val_if_fail(net != NULL && from != NULL && to != NULL && net->routed, -1);
  if (from == to) return 0;
  if (from->row >= 0) return net->dist[(size_t)from->row * net->nodes->len + to->index];
  int64_t gi = only_iface(net, from);
  if (gi < 0) return -1;
  const ws_node *peer = iface_at(net, (unsigned)gi)->peer;
  if (peer == to) return 1;
  if (peer->kind != WS_NODE_ROUTER) return -1;
  int d = net->dist[(size_t)peer->row * net->nodes->len + to->index];
  return d < 0 ? -1 : d + 1;
}

ws_link *ws_net_first_link(const ws_net *net, const ws_node *from, const ws_node *to,
                           unsigned *dir) {
  g_return_val_if_fail(net != NULL && from != NULL && to != NULL && net->routed, NULL);
  if (from == to || ws_net_hops(net, from, to) < 0) return NULL;
  const iface *ifc = iface_at(net, (unsigned)route_iface(net, from, to));
  if (dir) *dir = ifc->dir;
  return ifc->link;
}

void ws_net_set_link_up(ws_net *net, ws_link *l, bool up) {
  g_return_if_fail(net != NULL && l != NULL && net->routed);
  if (ws_link_is_up(l) == up) return;
  ws_link_set_up(l, up);
  compute_routes(net);
}

void ws_net_move_link_end(ws_net *net, ws_link *l, unsigned end, ws_node *to) {
  g_return_if_fail(net != NULL && l != NULL && end < 2 && to != NULL && net->routed);
  g_return_if_fail(to->kind == WS_NODE_ROUTER && to->row >= 0);
  ws_node *from = ws_link_end(l, end);
  if (from == to) return;
  g_return_if_fail(ws_link_end(l, 1 - end) != to);
  /* Interface 2k + e is end e of link k (the address plan). */
  unsigned k = 0;
  while (g_ptr_array_index(net->links, k) != l) k++;
  unsigned gi = 2 * k + end;
  for (unsigned j = 0; j < from->ifaces->len; j++)
    if (g_array_index(from->ifaces, unsigned, j) == gi) {
      g_array_remove_index(from->ifaces, j);
      break;
    }
  /* Interfaces stay in link order at the new node (the routing tie-break). */
  unsigned pos = 0;
  while (pos < to->ifaces->len && g_array_index(to->ifaces, unsigned, pos) < gi) pos++;
  g_array_insert_val(to->ifaces, pos, gi);
  g_array_index(net->ifaces, iface, gi).node = to;
  g_array_index(net->ifaces, iface, 2 * k + (1 - end)).peer = to;
  ws_link_set_end(l, end, to);
  /* A node that chose no route before must not start to need one. */
  g_assert(from->row >= 0 || from->ifaces->len <= 1);
  compute_routes(net);
}

bool ws_net_link_is_up(const ws_net *net, const ws_link *l) {
  g_return_val_if_fail(net != NULL && l != NULL, false);
  return ws_link_is_up(l);
}

/* ---- taps and drops ------------------------------------------------------- */

void ws_net_add_tap(ws_net *net, ws_tap_fn fn, void *ctx) {
  g_return_if_fail(net != NULL && fn != NULL);
  net->taps.entries = g_renew(ws_net_tap_entry, net->taps.entries, net->taps.n + 1);
  net->taps.entries[net->taps.n++] = (ws_net_tap_entry){.fn = fn, .ctx = ctx};
}

void ws_net_remove_tap(ws_net *net, ws_tap_fn fn, void *ctx) {
  g_return_if_fail(net != NULL);
  for (unsigned i = 0; i < net->taps.n; i++)
    if (net->taps.entries[i].fn == fn && net->taps.entries[i].ctx == ctx) {
      memmove(&net->taps.entries[i], &net->taps.entries[i + 1],
              (net->taps.n - i - 1) * sizeof net->taps.entries[0]);
      net->taps.n--;
      return;
    }
}

const ws_net_taps *ws_net_get_taps(const ws_net *net) { return &net->taps; }

void ws_net_set_drop_hook(ws_net *net, ws_net_drop_fn fn, void *ctx) {
  g_return_if_fail(net != NULL);
  net->drop_fn = fn;
  net->drop_ctx = ctx;
}

void ws_net_drop_at(ws_net *net, ws_packet *p, ws_drop_reason why, const ws_node *node,
                    const ws_link *link, unsigned dir) {
  g_return_if_fail(net != NULL && p != NULL && (unsigned)why < WS_DROP_N_REASONS);
  net->drops[why]++;
  if (net->taps.n) {
    ws_tap_event ev = {.kind = WS_TAP_DROP, .time_ns = ws_sim_now(net->sim), .node = node,
                       .link = link, .dir = dir, .packet = p, .reason = why};
    ws_net_taps_emit(&net->taps, &ev);
  }
  if (net->drop_fn) net->drop_fn(net->drop_ctx, p, why);
  ws_packet_free(net->pool, p);
}

void ws_net_drop(ws_net *net, ws_packet *p, ws_drop_reason why) {
  ws_net_drop_at(net, p, why, NULL, NULL, 0);
}

uint64_t ws_net_drops(const ws_net *net, ws_drop_reason why) {
  g_return_val_if_fail(net != NULL && (unsigned)why < WS_DROP_N_REASONS, 0);
  return net->drops[why];
}

/* ---- bindings ------------------------------------------------------------- */

/* Binds key in *table (made on first use) to fn/ctx; false when taken. */
static bool bind(GHashTable **table, unsigned key, ws_ip_recv_fn fn, void *ctx) {
  if (!*table) *table = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  gpointer k = GUINT_TO_POINTER(key);
  if (g_hash_table_contains(*table, k)) return false;
  binding *b = g_new(binding, 1);
  b->fn = fn;
  b->ctx = ctx;
  g_hash_table_insert(*table, k, b);
  return true;
}

static binding *lookup(GHashTable *table, unsigned key) {
  return table ? g_hash_table_lookup(table, GUINT_TO_POINTER(key)) : NULL;
}

bool ws_net_udp_bind(ws_net *net, ws_node *n, uint16_t port, ws_udp_recv_fn fn, void *ctx) {
  g_return_val_if_fail(net != NULL && n != NULL && fn != NULL, false);
  return bind(&n->udp, port, fn, ctx);
}

bool ws_net_tcp_bind(ws_net *net, ws_node *n, uint16_t port, ws_ip_recv_fn fn, void *ctx) {
  g_return_val_if_fail(net != NULL && n != NULL && fn != NULL, false);
  return bind(&n->tcp, port, fn, ctx);
}

void ws_net_tcp_unbind(ws_net *net, ws_node *n, uint16_t port) {
  g_return_if_fail(net != NULL && n != NULL);
  if (n->tcp) g_hash_table_remove(n->tcp, GUINT_TO_POINTER((unsigned)port));
}

bool ws_net_icmp_bind(ws_net *net, ws_node *n, uint16_t id, ws_ip_recv_fn fn, void *ctx) {
  g_return_val_if_fail(net != NULL && n != NULL && fn != NULL, false);
  return bind(&n->icmp, id, fn, ctx);
}

/* ---- sending and receiving ----------------------------------------------- */

static void deliver_local(ws_net *net, ws_node *n, ws_packet *p);

/* Routes p (src_addr 0: fill it with the outgoing interface's address). */
static void ip_output(ws_net *net, ws_node *n, ws_packet *p) {
  ws_node *dst = ws_net_node_by_addr(net, p->dst_addr);
  if (dst == n) { /* loopback: no device in between */
    if (!p->src_addr) p->src_addr = p->dst_addr;
    deliver_local(net, n, p);
    return;
  }
  int64_t out = dst ? route_iface(net, n, dst) : -1;
  if (out < 0) {
    if (!p->src_addr) p->src_addr = ws_node_addr(n);
    ws_net_drop_at(net, p, WS_DROP_NO_ROUTE, n, NULL, 0);
    return;
  }
  const iface *ifc = iface_at(net, (unsigned)out);
  if (!p->src_addr) p->src_addr = ifc->addr;
  ws_link_send(ifc->link, ifc->dir, p);
}

/* RFC 792 / RFC 1122 3.2.2.6: an echo request addressed to n is answered
 * by n's IP layer with an echo reply carrying the same identifier, sequence
 * number and data, from the address the request was sent to. The reply is
 * a new packet (its own id for traces) that keeps the request's application
 * fields (flow, seq, send time), so a ping flow can match it. */
static void echo_reply(ws_net *net, ws_node *n, ws_packet *req) {
  ws_packet *r = ws_packet_new(net->pool);
  r->flow = req->flow;
  r->payload_bytes = req->payload_bytes;
  r->seq = req->seq;
  r->app_sent_ns = req->app_sent_ns;
  r->counted = req->counted;
  r->protocol = WS_IP_PROTO_ICMP;
  r->ip_bytes = req->payload_bytes + WS_ICMP_HEADER_BYTES + WS_IPV4_HEADER_BYTES;
  r->src_addr = req->dst_addr;
  r->dst_addr = req->src_addr;
  r->icmp_type = WS_ICMP_ECHO_REPLY;
  r->icmp_code = 0;
  r->icmp_id = req->icmp_id;
  r->icmp_seq = req->icmp_seq;
  ws_packet_free(net->pool, req);
  ip_output(net, n, r);
}

/* Local delivery: the transport demultiplexes by destination port (UDP,
 * TCP) or echo identifier (ICMP replies); echo requests are answered here. */
static void deliver_local(ws_net *net, ws_node *n, ws_packet *p) {
  binding *b = NULL;
  switch (p->protocol) {
  case WS_IP_PROTO_UDP: b = lookup(n->udp, p->dst_port); break;
  case WS_IP_PROTO_TCP: b = lookup(n->tcp, p->dst_port); break;
  case WS_IP_PROTO_ICMP:
    if (p->icmp_type == WS_ICMP_ECHO_REQUEST) {
      echo_reply(net, n, p);
      return;
    }
    if (p->icmp_type == WS_ICMP_ECHO_REPLY) b = lookup(n->icmp, p->icmp_id);
    break;
  default: break;
  }
  if (!b) {
    ws_net_drop_at(net, p, WS_DROP_NO_PORT, n, NULL, 0);
    return;
  }
  b->fn(net, p, b->ctx);
}

void ws_net_ip_send(ws_net *net, ws_node *n, ws_packet *p) {
  g_return_if_fail(net != NULL && n != NULL && p != NULL);
  g_return_if_fail(net->routed);
  /* A source that is one of n's addresses is kept (a TCP connection keeps
   * its local address when its route changes interface); else filled. */
  if (ws_net_node_by_addr(net, p->src_addr) != n) p->src_addr = 0;
  ip_output(net, n, p);
}

void ws_net_udp_send(ws_net *net, ws_node *n, ws_packet *p) {
  g_return_if_fail(net != NULL && n != NULL && p != NULL);
  g_return_if_fail(net->routed);
  p->protocol = WS_IP_PROTO_UDP;
  p->ip_bytes = ws_packet_udp_ip_bytes(p->payload_bytes);
  p->src_addr = 0;
  ip_output(net, n, p);
}

void ws_net_ip_input(ws_net *net, ws_node *n, ws_packet *p) {
  g_return_if_fail(net != NULL && n != NULL && p != NULL);
  ws_node *dst = ws_net_node_by_addr(net, p->dst_addr);
  if (dst == n) {
    deliver_local(net, n, p);
    return;
  }
  if (n->kind != WS_NODE_ROUTER || !dst) {
    ws_net_drop_at(net, p, WS_DROP_NO_ROUTE, n, NULL, 0);
    return;
  }
  /* RFC 1812 5.3.1: a router decrements the TTL and discards a packet whose
   * TTL would reach 0. */
  if (p->ttl <= 1) {
    ws_net_drop_at(net, p, WS_DROP_TTL, n, NULL, 0);
    return;
  }
  p->ttl--;
  int64_t out = route_iface(net, n, dst);
  if (out < 0) {
    ws_net_drop_at(net, p, WS_DROP_NO_ROUTE, n, NULL, 0);
    return;
  }
  const iface *ifc = iface_at(net, (unsigned)out);
  ws_link_send(ifc->link, ifc->dir, p);
}
