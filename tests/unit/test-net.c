/* Tests of the network layer (sim/net/net.c): the address plan, static
 * shortest-path routes on small topologies (line, star, cycles with the
 * documented tie-break, unreachable, hosts that do not forward), TTL at
 * routers, UDP and TCP port demultiplexing, the ICMP echo responder, the
 * tap points, and link-down/up with route recomputation. */
#include <glib.h>

#include "wisim/link.h"
#include "wisim/net.h"

typedef struct {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
} fixture;

static void fx_init(fixture *f) {
  f->sim = ws_sim_new();
  f->pool = ws_packet_pool_new();
  f->net = ws_net_new(f->sim, f->pool);
}

static void fx_clear(fixture *f) {
  ws_net_free(f->net);
  g_assert_cmpuint(ws_packet_pool_in_use(f->pool), ==, 0);
  ws_packet_pool_free(f->pool);
  ws_sim_free(f->sim);
}

static const ws_link_config fast = {
    .rate_bps = 1000000000, .delay_ns = 1000, .loss = 0, .mtu_bytes = 1500,
    .queue = {.discipline = "droptail", .limit = 100}};

static ws_link *connect(fixture *f, const char *name, ws_node *a, ws_node *b) {
  ws_link *l = ws_net_add_link(f->net, name, a, b, &fast, 1, 0);
  g_assert_nonnull(l);
  return l;
}

static ws_node *node(fixture *f, const char *name, ws_node_kind kind) {
  ws_node *n = ws_net_add_node(f->net, name, kind);
  g_assert_nonnull(n);
  return n;
}

/* The node at the far end of the first link of the route. */
static ws_node *next_node(fixture *f, ws_node *from, ws_node *to) {
  unsigned dir;
  ws_link *l = ws_net_first_link(f->net, from, to, &dir);
  g_assert_nonnull(l);
  g_assert_true(ws_link_end(l, dir) == from);
  return ws_link_end(l, 1 - dir);
}

/* Link k gets 10.(k/256).(k%256).0/24, end a .1 and end b .2; addresses
 * decode back to their node; anything outside the plan names nothing. */
static void test_addresses(void) {
  fixture f;
  fx_init(&f);
  ws_node *core = node(&f, "core", WS_NODE_ROUTER);
  ws_node *hosts[258];
  for (int i = 0; i < 258; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "h/%d", i);
    hosts[i] = node(&f, name, WS_NODE_HOST);
    connect(&f, name, hosts[i], core);
  }
  char buf[16];
  g_assert_cmpstr(ws_ipv4_format(ws_node_addr(hosts[0]), buf), ==, "10.0.0.1");
  g_assert_cmpstr(ws_ipv4_format(ws_node_iface_addr(core, 0), buf), ==, "10.0.0.2");
  g_assert_cmpstr(ws_ipv4_format(ws_node_addr(hosts[1]), buf), ==, "10.0.1.1");
  g_assert_cmpstr(ws_ipv4_format(ws_node_iface_addr(core, 1), buf), ==, "10.0.1.2");
  g_assert_cmpstr(ws_ipv4_format(ws_node_addr(hosts[255]), buf), ==, "10.0.255.1");
  g_assert_cmpstr(ws_ipv4_format(ws_node_addr(hosts[256]), buf), ==, "10.1.0.1");
  g_assert_cmpstr(ws_ipv4_format(ws_node_iface_addr(core, 257), buf), ==, "10.1.1.2");
  g_assert_cmpuint(ws_node_n_ifaces(core), ==, 258);
  g_assert_cmpuint(ws_node_addr(core), ==, 0x0a000002);
  for (int i = 0; i < 258; i++) {
    g_assert_true(ws_net_node_by_addr(f.net, ws_node_addr(hosts[i])) == hosts[i]);
    g_assert_true(ws_net_node_by_addr(f.net, ws_node_iface_addr(core, (unsigned)i)) == core);
  }
  g_assert_null(ws_net_node_by_addr(f.net, 0x0a000003));   /* 10.0.0.3 */
  g_assert_null(ws_net_node_by_addr(f.net, 0x0a000000));   /* 10.0.0.0 */
  g_assert_null(ws_net_node_by_addr(f.net, 0x0b000001));   /* 11.0.0.1 */
  g_assert_null(ws_net_node_by_addr(f.net, 0x0a010201));   /* link 258: none */
  /* A node without links has no address. */
  ws_node *alone = node(&f, "alone", WS_NODE_HOST);
  g_assert_cmpuint(ws_node_addr(alone), ==, 0);
  /* A link to itself is refused; names are unique. */
  g_assert_null(ws_net_add_link(f.net, "self", core, core, &fast, 1, 0));
  g_assert_null(ws_net_add_node(f.net, "core", WS_NODE_HOST));
  fx_clear(&f);
}

/* h0 - r1 - r2 - h3: every pair's hop count and next node. */
static void test_line(void) {
  fixture f;
  fx_init(&f);
  ws_node *h0 = node(&f, "h0", WS_NODE_HOST), *r1 = node(&f, "r1", WS_NODE_ROUTER);
  ws_node *r2 = node(&f, "r2", WS_NODE_ROUTER), *h3 = node(&f, "h3", WS_NODE_HOST);
  connect(&f, "a", h0, r1);
  connect(&f, "b", r1, r2);
  connect(&f, "c", r2, h3);
  ws_net_build_routes(f.net);
  g_assert_cmpint(ws_net_hops(f.net, h0, h3), ==, 3);
  g_assert_cmpint(ws_net_hops(f.net, h3, h0), ==, 3);
  g_assert_cmpint(ws_net_hops(f.net, r1, h3), ==, 2);
  g_assert_cmpint(ws_net_hops(f.net, h0, r1), ==, 1);
  g_assert_cmpint(ws_net_hops(f.net, h0, h0), ==, 0);
  g_assert_true(next_node(&f, h0, h3) == r1);
  g_assert_true(next_node(&f, r1, h3) == r2);
  g_assert_true(next_node(&f, r2, h3) == h3);
  g_assert_true(next_node(&f, h3, h0) == r2);
  g_assert_null(ws_net_first_link(f.net, h0, h0, NULL));
  fx_clear(&f);
}

/* Hosts around one router: every host reaches every other in 2 hops. */
static void test_star(void) {
  fixture f;
  fx_init(&f);
  ws_node *core = node(&f, "core", WS_NODE_ROUTER);
  ws_node *h[6];
  for (int i = 0; i < 6; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "h%d", i);
    h[i] = node(&f, name, WS_NODE_HOST);
    connect(&f, name, h[i], core);
  }
  ws_net_build_routes(f.net);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      g_assert_cmpint(ws_net_hops(f.net, h[i], h[j]), ==, i == j ? 0 : 2);
      if (i != j) g_assert_true(next_node(&f, h[i], h[j]) == core);
    }
  fx_clear(&f);
}

/* A square of routers r0..r3 has two 2-hop paths between opposite corners.
 * The tie goes to the path whose first link comes first in link order. With
 * links added r0-r1, r1-r2, r2-r3, r3-r0, r0 reaches r2 through r1 (link 0
 * before link 3) and r1 reaches r3 through r0 (link 0 before link 2); with
 * the first link moved to the end (r1-r2, r2-r3, r3-r0, r0-r1), r0 goes
 * through r3 (link 2 before 3) and r1 through r2. A packet follows it. */
static void test_cycle_tie_break(void) {
  for (int variant = 0; variant < 2; variant++) {
    fixture f;
    fx_init(&f);
    ws_node *r[4];
    for (int i = 0; i < 4; i++) {
      char name[8];
      g_snprintf(name, sizeof name, "r%d", i);
      r[i] = node(&f, name, WS_NODE_ROUTER);
    }
    ws_link *l01 = NULL;
    if (variant == 0) l01 = connect(&f, "l01", r[0], r[1]);
    connect(&f, "l12", r[1], r[2]);
    ws_link *l23 = connect(&f, "l23", r[2], r[3]);
    ws_link *l30 = connect(&f, "l30", r[3], r[0]);
    if (variant == 1) l01 = connect(&f, "l01", r[0], r[1]);
    ws_net_build_routes(f.net);
    g_assert_cmpint(ws_net_hops(f.net, r[0], r[2]), ==, 2);
    g_assert_cmpint(ws_net_hops(f.net, r[1], r[3]), ==, 2);
    g_assert_true(next_node(&f, r[0], r[2]) == (variant == 0 ? r[1] : r[3]));
    g_assert_true(next_node(&f, r[1], r[3]) == (variant == 0 ? r[0] : r[2]));
    g_assert_true(next_node(&f, r[0], r[1]) == r[1]);
    /* A datagram from r0 to r2 (unbound port: dropped there) crosses
     * exactly the chosen links. */
    ws_packet *p = ws_packet_new(f.pool);
    p->dst_addr = ws_node_addr(r[2]);
    p->dst_port = 9;
    ws_net_udp_send(f.net, r[0], p);
    ws_sim_run(f.sim);
    g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_PORT), ==, 1);
    uint64_t via_r1 = ws_link_get_stats(l01, 0)->tx_packets;
    uint64_t via_r3 = ws_link_get_stats(l30, 1)->tx_packets;
    g_assert_cmpuint(via_r1, ==, variant == 0 ? 1 : 0);
    g_assert_cmpuint(via_r3, ==, variant == 0 ? 0 : 1);
    g_assert_cmpuint(ws_link_get_stats(l23, 1)->tx_packets, ==, variant == 0 ? 0 : 1);
    fx_clear(&f);
  }
}

/* Two components: no route, and a datagram sent anyway is dropped with the
 * reason no-route (and the drop tap sees it). */
typedef struct {
  int calls;
  ws_drop_reason last;
  uint64_t last_id;
} drop_log;

static void log_drop(void *ctx, const ws_packet *p, ws_drop_reason why) {
  drop_log *d = ctx;
  d->calls++;
  d->last = why;
  d->last_id = p->id;
}

static void test_unreachable(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *r = node(&f, "r", WS_NODE_ROUTER);
  ws_node *b = node(&f, "b", WS_NODE_HOST), *s = node(&f, "s", WS_NODE_ROUTER);
  ws_node *lonely = node(&f, "lonely", WS_NODE_HOST);
  connect(&f, "ar", a, r);
  connect(&f, "bs", b, s);
  ws_net_build_routes(f.net);
  g_assert_cmpint(ws_net_hops(f.net, a, b), ==, -1);
  g_assert_cmpint(ws_net_hops(f.net, r, s), ==, -1);
  g_assert_cmpint(ws_net_hops(f.net, lonely, a), ==, -1);
  g_assert_cmpint(ws_net_hops(f.net, a, lonely), ==, -1);
  g_assert_null(ws_net_first_link(f.net, a, b, NULL));
  drop_log log = {0};
  ws_net_set_drop_hook(f.net, log_drop, &log);
  ws_packet *p = ws_packet_new(f.pool);
  uint64_t id = p->id;
  p->dst_addr = ws_node_addr(b);
  ws_net_udp_send(f.net, r, p); /* r has a table: no entry for b */
  g_assert_cmpint(log.calls, ==, 1);
  g_assert_cmpint(log.last, ==, WS_DROP_NO_ROUTE);
  g_assert_cmpuint(log.last_id, ==, id);
  /* a has one interface and sends everything there; r drops it. */
  p = ws_packet_new(f.pool);
  p->dst_addr = ws_node_addr(b);
  ws_net_udp_send(f.net, a, p);
  ws_sim_run(f.sim);
  g_assert_cmpint(log.calls, ==, 2);
  g_assert_cmpint(log.last, ==, WS_DROP_NO_ROUTE);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_ROUTE), ==, 2);
  g_assert_cmpstr(ws_drop_reason_name(WS_DROP_NO_ROUTE), ==, "no-route");
  fx_clear(&f);
}

/* h0 - h1 - h2, all hosts: h1 does not forward, so h0 cannot reach h2; a
 * router in h1's place makes the route. A multi-homed host still reaches
 * both its neighbours. */
static void test_hosts_do_not_forward(void) {
  for (int with_router = 0; with_router < 2; with_router++) {
    fixture f;
    fx_init(&f);
    ws_node *h0 = node(&f, "h0", WS_NODE_HOST);
    ws_node *mid = node(&f, "mid", with_router ? WS_NODE_ROUTER : WS_NODE_HOST);
    ws_node *h2 = node(&f, "h2", WS_NODE_HOST);
    connect(&f, "a", h0, mid);
    connect(&f, "b", mid, h2);
    ws_net_build_routes(f.net);
    g_assert_cmpint(ws_net_hops(f.net, h0, h2), ==, with_router ? 2 : -1);
    g_assert_cmpint(ws_net_hops(f.net, mid, h2), ==, 1);
    g_assert_cmpint(ws_net_hops(f.net, mid, h0), ==, 1);
    g_assert_true(next_node(&f, mid, h2) == h2);
    fx_clear(&f);
  }
}

typedef struct {
  int received;
  uint8_t ttl;
  uint16_t port;
} rx_log;

static void rx(ws_net *net, ws_packet *p, void *ctx) {
  rx_log *r = ctx;
  r->received++;
  r->ttl = p->ttl;
  r->port = p->dst_port;
  ws_packet_free(ws_net_pool(net), p);
}

/* h0 - r1 - r2 - r3 - h4: each router decrements the TTL and drops a packet
 * whose TTL would reach 0 (RFC 1812 5.3.1). Sent with TTL 4 it arrives with
 * TTL 1; with TTL 3 it dies at r3. */
static void test_ttl(void) {
  fixture f;
  fx_init(&f);
  ws_node *n[5];
  for (int i = 0; i < 5; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "n%d", i);
    n[i] = node(&f, name, i == 0 || i == 4 ? WS_NODE_HOST : WS_NODE_ROUTER);
    if (i) connect(&f, name, n[i - 1], n[i]);
  }
  ws_net_build_routes(f.net);
  rx_log log = {0};
  g_assert_true(ws_net_udp_bind(f.net, n[4], 5001, rx, &log));
  for (uint8_t ttl = 3; ttl <= 4; ttl++) {
    ws_packet *p = ws_packet_new(f.pool);
    p->ttl = ttl;
    p->dst_addr = ws_node_addr(n[4]);
    p->dst_port = 5001;
    ws_net_udp_send(f.net, n[0], p);
  }
  ws_sim_run(f.sim);
  g_assert_cmpint(log.received, ==, 1);
  g_assert_cmpuint(log.ttl, ==, 1);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_TTL), ==, 1);
  fx_clear(&f);
}

/* Datagrams go to the socket of their destination port; an unbound port
 * drops them (no-port); a port binds once. Loopback needs no link. */
static void test_udp_demux(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *b = node(&f, "b", WS_NODE_HOST);
  connect(&f, "ab", a, b);
  ws_net_build_routes(f.net);
  rx_log p1 = {0}, p2 = {0};
  g_assert_true(ws_net_udp_bind(f.net, b, 5001, rx, &p1));
  g_assert_true(ws_net_udp_bind(f.net, b, 5002, rx, &p2));
  g_assert_false(ws_net_udp_bind(f.net, b, 5001, rx, &p2));
  const uint16_t ports[] = {5001, 5002, 5002, 7};
  for (size_t i = 0; i < G_N_ELEMENTS(ports); i++) {
    ws_packet *p = ws_packet_new(f.pool);
    p->dst_addr = ws_node_addr(b);
    p->dst_port = ports[i];
    p->payload_bytes = 100;
    ws_net_udp_send(f.net, a, p);
    g_assert_cmpuint(p->ip_bytes, ==, 128);
    g_assert_cmpuint(p->protocol, ==, WS_IP_PROTO_UDP);
    g_assert_cmpuint(p->src_addr, ==, ws_node_addr(a));
  }
  ws_sim_run(f.sim);
  g_assert_cmpint(p1.received, ==, 1);
  g_assert_cmpint(p2.received, ==, 2);
  g_assert_cmpuint(p2.port, ==, 5002);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_PORT), ==, 1);
  /* b to itself: delivered at once, at time now. */
  ws_packet *p = ws_packet_new(f.pool);
  p->dst_addr = ws_node_addr(b);
  p->dst_port = 5001;
  ws_net_udp_send(f.net, b, p);
  g_assert_cmpint(p1.received, ==, 2);
  fx_clear(&f);
}

/* TCP segments go to the endpoint bound to their destination port, whatever
 * their source; an unbound port drops them (no-port), also after an unbind.
 * ws_net_ip_send keeps the caller's size and protocol and fills the source
 * address (the interface it leaves by). */
static void test_tcp_demux(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *r = node(&f, "r", WS_NODE_ROUTER);
  ws_node *b = node(&f, "b", WS_NODE_HOST);
  connect(&f, "ar", a, r);
  connect(&f, "rb", r, b);
  ws_net_build_routes(f.net);
  rx_log web = {0}, udp = {0};
  g_assert_true(ws_net_tcp_bind(f.net, b, 80, rx, &web));
  g_assert_false(ws_net_tcp_bind(f.net, b, 80, rx, &udp));
  /* UDP port 80 is another namespace. */
  g_assert_true(ws_net_udp_bind(f.net, b, 80, rx, &udp));
  const uint16_t ports[] = {80, 80, 81};
  for (size_t i = 0; i < G_N_ELEMENTS(ports); i++) {
    ws_packet *p = ws_packet_new(f.pool);
    p->protocol = WS_IP_PROTO_TCP;
    p->dst_addr = ws_node_addr(b);
    p->src_port = (uint16_t)(40000 + i);
    p->dst_port = ports[i];
    p->payload_bytes = 1000;
    p->ip_bytes = 1000 + WS_TCP_HEADER_BYTES + 12 + WS_IPV4_HEADER_BYTES;
    ws_net_ip_send(f.net, a, p);
    g_assert_cmpuint(p->src_addr, ==, ws_node_addr(a));
    g_assert_cmpuint(p->ip_bytes, ==, 1052);
    g_assert_cmpuint(p->protocol, ==, WS_IP_PROTO_TCP);
  }
  ws_sim_run(f.sim);
  g_assert_cmpint(web.received, ==, 2);
  g_assert_cmpint(udp.received, ==, 0);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_PORT), ==, 1);
  ws_net_tcp_unbind(f.net, b, 80);
  ws_packet *p = ws_packet_new(f.pool);
  p->protocol = WS_IP_PROTO_TCP;
  p->dst_addr = ws_node_addr(b);
  p->dst_port = 80;
  p->ip_bytes = 40;
  ws_net_ip_send(f.net, a, p);
  ws_sim_run(f.sim);
  g_assert_cmpint(web.received, ==, 2);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_PORT), ==, 2);
  g_assert_true(ws_net_tcp_bind(f.net, b, 80, rx, &web)); /* free again */
  /* A source set to one of the sender's own addresses is kept (r sends to
   * b from its address on link ar, not from that of rb); another is not. */
  for (int own = 0; own < 2; own++) {
    p = ws_packet_new(f.pool);
    p->protocol = WS_IP_PROTO_TCP;
    p->dst_addr = ws_node_addr(b);
    p->dst_port = 80;
    p->ip_bytes = 40;
    p->src_addr = own ? ws_node_iface_addr(r, 0) : ws_node_addr(a);
    ws_net_ip_send(f.net, r, p);
    g_assert_cmpuint(p->src_addr, ==, ws_node_iface_addr(r, own ? 0 : 1));
  }
  ws_sim_run(f.sim);
  g_assert_cmpint(web.received, ==, 4);
  fx_clear(&f);
}

typedef struct {
  int replies;
  ws_packet copy; /* the last reply's header fields */
  ws_time at_ns;
} echo_log;

static void on_echo_reply(ws_net *net, ws_packet *p, void *ctx) {
  echo_log *e = ctx;
  e->replies++;
  e->copy = *p;
  e->at_ns = ws_sim_now(ws_net_sim(net));
  ws_packet_free(ws_net_pool(net), p);
}

static void send_echo(fixture *f, ws_node *from, uint32_t dst, uint16_t id, uint16_t seq) {
  ws_packet *p = ws_packet_new(f->pool);
  p->protocol = WS_IP_PROTO_ICMP;
  p->icmp_type = WS_ICMP_ECHO_REQUEST;
  p->icmp_id = id;
  p->icmp_seq = seq;
  p->payload_bytes = 56;
  p->ip_bytes = 56 + WS_ICMP_HEADER_BYTES + WS_IPV4_HEADER_BYTES;
  p->flow = 3;
  p->seq = seq;
  p->app_sent_ns = ws_sim_now(f->sim);
  p->dst_addr = dst;
  ws_net_ip_send(f->net, from, p);
}

/* RFC 792 / RFC 1122 3.2.2.6: every node answers an echo request addressed
 * to it with an echo reply (addresses swapped, same identifier, sequence
 * number and data, 56 + 8 + 20 = 84 B), routers included, with no binding.
 * The round trip over two 1 us-delay, 1 Gbit/s hops is 2 x (2 x 672 ns + 2 x
 * 1 us) exactly. Replies with an unbound identifier are dropped (no-port). */
static void test_icmp_echo(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *r = node(&f, "r", WS_NODE_ROUTER);
  ws_node *b = node(&f, "b", WS_NODE_HOST);
  connect(&f, "ar", a, r);
  connect(&f, "rb", r, b);
  ws_net_build_routes(f.net);
  echo_log log = {0};
  g_assert_true(ws_net_icmp_bind(f.net, a, 7, on_echo_reply, &log));
  g_assert_false(ws_net_icmp_bind(f.net, a, 7, on_echo_reply, &log));
  send_echo(&f, a, ws_node_addr(b), 7, 1);
  ws_sim_run(f.sim);
  g_assert_cmpint(log.replies, ==, 1);
  g_assert_cmpuint(log.copy.icmp_type, ==, WS_ICMP_ECHO_REPLY);
  g_assert_cmpuint(log.copy.icmp_code, ==, 0);
  g_assert_cmpuint(log.copy.icmp_id, ==, 7);
  g_assert_cmpuint(log.copy.icmp_seq, ==, 1);
  g_assert_cmpuint(log.copy.payload_bytes, ==, 56);
  g_assert_cmpuint(log.copy.ip_bytes, ==, 84);
  g_assert_cmpuint(log.copy.protocol, ==, WS_IP_PROTO_ICMP);
  g_assert_cmpuint(log.copy.src_addr, ==, ws_node_addr(b));
  g_assert_cmpuint(log.copy.dst_addr, ==, ws_node_addr(a));
  g_assert_cmpuint(log.copy.flow, ==, 3);
  g_assert_cmpint(log.copy.app_sent_ns, ==, 0);
  g_assert_cmpint(log.at_ns, ==, 2 * (2 * ws_link_tx_ns(1000000000, 84) + 2 * 1000));
  /* The router answers for its own address (that of its interface on rb):
   * the reply comes from that address. */
  uint32_t r_far = ws_node_iface_addr(r, 1);
  send_echo(&f, a, r_far, 7, 2);
  ws_sim_run(f.sim);
  g_assert_cmpint(log.replies, ==, 2);
  g_assert_cmpuint(log.copy.src_addr, ==, r_far);
  g_assert_cmpuint(log.copy.icmp_seq, ==, 2);
  /* Identifier 8 is not bound at a: its reply is dropped there. */
  send_echo(&f, a, ws_node_addr(b), 8, 1);
  ws_sim_run(f.sim);
  g_assert_cmpint(log.replies, ==, 2);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_PORT), ==, 1);
  /* Loopback: a pings itself. */
  send_echo(&f, a, ws_node_addr(a), 7, 3);
  g_assert_cmpint(log.replies, ==, 3);
  fx_clear(&f);
}

#define MAX_TAPS 64
typedef struct {
  int n;
  ws_tap_event ev[MAX_TAPS];
  uint64_t id[MAX_TAPS];
} tap_log;

static void on_tap(void *ctx, const ws_tap_event *ev) {
  tap_log *t = ctx;
  g_assert_cmpint(t->n, <, MAX_TAPS);
  t->ev[t->n] = *ev;
  t->id[t->n] = ev->packet->id;
  t->ev[t->n].packet = NULL; /* borrowed only during the call */
  t->n++;
}

/* The tap points, in order, on a - r - b with a slow first link (1 Mbit/s,
 * 1 ms delay) whose queue holds 1 packet: of three datagrams sent at once,
 * the first starts at once (ENQUEUE, DEQUEUE at 0), the second waits
 * (ENQUEUE at 0, DEQUEUE when the first is sent), the third is dropped at a
 * (DROP queue, link ar, direction 0). Arrivals are RECEIVEs at the node at
 * the end of propagation; the unbound port drops at b with no link. A
 * second observer sees the same; a removed one sees nothing more. */
static void test_taps(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *r = node(&f, "r", WS_NODE_ROUTER);
  ws_node *b = node(&f, "b", WS_NODE_HOST);
  ws_link_config slow = {.rate_bps = 1000000, .delay_ns = WS_MS, .mtu_bytes = 1500,
                         .queue = {.discipline = "droptail", .limit = 1}};
  ws_link *ar = ws_net_add_link(f.net, "ar", a, r, &slow, 1, 0);
  ws_link *rb = connect(&f, "rb", r, b);
  ws_net_build_routes(f.net);
  tap_log log = {0}, log2 = {0};
  ws_net_add_tap(f.net, on_tap, &log);
  ws_net_add_tap(f.net, on_tap, &log2);
  uint64_t ids[3];
  for (int i = 0; i < 3; i++) {
    ws_packet *p = ws_packet_new(f.pool);
    ids[i] = p->id;
    p->dst_addr = ws_node_addr(b);
    p->dst_port = 9;
    p->payload_bytes = 97; /* 125 B: 1 ms at 1 Mbit/s */
    ws_net_udp_send(f.net, a, p);
  }
  ws_sim_run(f.sim);
  const ws_time tx = WS_MS, fast_tx = ws_link_tx_ns(1000000000, 125);
  const struct {
    ws_tap_kind kind;
    int packet;
    const ws_node *node;
    const ws_link *link;
    ws_time t;
    ws_drop_reason why;
  } want[] = {
      {WS_TAP_ENQUEUE, 0, a, ar, 0, 0},
      {WS_TAP_DEQUEUE, 0, a, ar, 0, 0},
      {WS_TAP_ENQUEUE, 1, a, ar, 0, 0},
      {WS_TAP_DROP, 2, a, ar, 0, WS_DROP_QUEUE},
      {WS_TAP_DEQUEUE, 1, a, ar, tx, 0},
      {WS_TAP_RECEIVE, 0, r, ar, tx + WS_MS, 0},
      {WS_TAP_ENQUEUE, 0, r, rb, tx + WS_MS, 0},
      {WS_TAP_DEQUEUE, 0, r, rb, tx + WS_MS, 0},
      {WS_TAP_RECEIVE, 0, b, rb, tx + WS_MS + fast_tx + 1000, 0},
      {WS_TAP_DROP, 0, b, NULL, tx + WS_MS + fast_tx + 1000, WS_DROP_NO_PORT},
      {WS_TAP_RECEIVE, 1, r, ar, 2 * tx + WS_MS, 0},
      {WS_TAP_ENQUEUE, 1, r, rb, 2 * tx + WS_MS, 0},
      {WS_TAP_DEQUEUE, 1, r, rb, 2 * tx + WS_MS, 0},
      {WS_TAP_RECEIVE, 1, b, rb, 2 * tx + WS_MS + fast_tx + 1000, 0},
      {WS_TAP_DROP, 1, b, NULL, 2 * tx + WS_MS + fast_tx + 1000, WS_DROP_NO_PORT},
  };
  g_assert_cmpint(log.n, ==, (int)G_N_ELEMENTS(want));
  for (int i = 0; i < log.n; i++) {
    const ws_tap_event *e = &log.ev[i];
    g_test_message("tap %d: kind %d packet %" G_GUINT64_FORMAT " t %" G_GINT64_FORMAT, i,
                   e->kind, log.id[i], e->time_ns);
    g_assert_cmpint(e->kind, ==, want[i].kind);
    g_assert_cmpuint(log.id[i], ==, ids[want[i].packet]);
    g_assert_true(e->node == want[i].node);
    g_assert_true(e->link == want[i].link);
    g_assert_cmpint(e->time_ns, ==, want[i].t);
    if (e->link) g_assert_cmpuint(e->dir, ==, 0);
    if (e->kind == WS_TAP_DROP) g_assert_cmpint(e->reason, ==, want[i].why);
  }
  g_assert_cmpint(log2.n, ==, log.n);
  g_assert_cmpmem(log2.id, sizeof(uint64_t) * (size_t)log.n, log.id, sizeof(uint64_t) * (size_t)log.n);
  /* Removed: no more calls. */
  ws_net_remove_tap(f.net, on_tap, &log2);
  ws_packet *p = ws_packet_new(f.pool);
  p->dst_addr = 0x0b000001; /* nowhere: no-route at a, no link */
  ws_net_udp_send(f.net, a, p);
  g_assert_cmpint(log.n, ==, (int)G_N_ELEMENTS(want) + 1);
  g_assert_cmpint(log.ev[log.n - 1].reason, ==, WS_DROP_NO_ROUTE);
  g_assert_true(log.ev[log.n - 1].node == a);
  g_assert_null(log.ev[log.n - 1].link);
  g_assert_cmpint(log2.n, ==, (int)G_N_ELEMENTS(want));
  fx_clear(&f);
}

/* A sender on h0 sends one 1228 B datagram to h2 every ms from 0 to 99 ms,
 * across a ring of routers r0-r1-r2-r3-r0 (h0 on r0, h2 on r2); the route
 * goes r0-r1-r2 (link order). At 30.5 ms r0-r1 goes down: what it holds is
 * dropped (link-down, counted in down_drops), routes move to r0-r3-r2; at 60.5
 * ms it comes back and routes return. At 80.5 ms h0's only link goes down
 * for good: h0 has no route and its datagrams are dropped (no-route). Every
 * datagram is delivered or counted as dropped. */
typedef struct {
  fixture *f;
  ws_node *from;
  uint32_t dst;
  int sent;
} ring_sender;

static void ring_send(ws_sim *sim, void *ctx) {
  ring_sender *s = ctx;
  ws_packet *p = ws_packet_new(s->f->pool);
  p->dst_addr = s->dst;
  p->dst_port = 5001;
  p->payload_bytes = 1200;
  s->sent++;
  ws_net_udp_send(s->f->net, s->from, p);
  if (s->sent < 100) ws_sim_schedule(sim, WS_MS, ring_send, s);
}

typedef struct {
  fixture *f;
  ws_link *link;
  bool up;
} link_event;

static void ring_event(ws_sim *sim, void *ctx) {
  (void)sim;
  link_event *e = ctx;
  ws_net_set_link_up(e->f->net, e->link, e->up);
}

static void test_link_down_reroute(void) {
  fixture f;
  fx_init(&f);
  ws_node *h0 = node(&f, "h0", WS_NODE_HOST), *h2 = node(&f, "h2", WS_NODE_HOST);
  ws_node *r[4];
  for (int i = 0; i < 4; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "r%d", i);
    r[i] = node(&f, name, WS_NODE_ROUTER);
  }
  ws_link *access = connect(&f, "h0r0", h0, r[0]);
  connect(&f, "h2r2", h2, r[2]);
  /* r0-r1 is slow (10 Mbit/s: 982.4 us per packet, 2 ms delay), so that it
   * holds a packet in transmission and some in propagation when cut. */
  ws_link_config slow = fast;
  slow.rate_bps = 10000000;
  slow.delay_ns = 2 * WS_MS;
  ws_link *l01 = ws_net_add_link(f.net, "r0r1", r[0], r[1], &slow, 1, 0);
  ws_link *l12 = connect(&f, "r1r2", r[1], r[2]);
  ws_link *l23 = connect(&f, "r2r3", r[2], r[3]);
  ws_link *l30 = connect(&f, "r3r0", r[3], r[0]);
  ws_net_build_routes(f.net);
  g_assert_true(next_node(&f, r[0], h2) == r[1]);
  rx_log got = {0};
  g_assert_true(ws_net_udp_bind(f.net, h2, 5001, rx, &got));
  ring_sender s = {.f = &f, .from = h0, .dst = ws_node_addr(h2)};
  ws_sim_schedule(f.sim, 0, ring_send, &s);
  link_event down = {&f, l01, false}, up = {&f, l01, true}, cut = {&f, access, false};
  ws_sim_schedule_at(f.sim, 30 * WS_MS + 500 * WS_US, ring_event, &down);
  ws_sim_schedule_at(f.sim, 60 * WS_MS + 500 * WS_US, ring_event, &up);
  ws_sim_schedule_at(f.sim, 80 * WS_MS + 500 * WS_US, ring_event, &cut);
  ws_sim_run_until(f.sim, 31 * WS_MS);
  /* While r0-r1 is down: r0 goes round the other way, at the same cost. */
  g_assert_false(ws_net_link_is_up(f.net, l01));
  g_assert_true(next_node(&f, r[0], h2) == r[3]);
  g_assert_cmpint(ws_net_hops(f.net, h0, h2), ==, 4);
  g_assert_true(next_node(&f, r[1], r[0]) == r[2]);
  ws_sim_run_until(f.sim, 61 * WS_MS);
  g_assert_true(next_node(&f, r[0], h2) == r[1]);
  ws_sim_run(f.sim);
  g_assert_cmpint(s.sent, ==, 100);
  /* The packet in transmission at 30.5 ms (sent at 30 ms, done at 30.98
   * ms) is the only one dropped at the cut; those already sent arrive. */
  uint64_t down_drops = ws_link_get_stats(l01, 0)->down_drops;
  g_assert_cmpuint(down_drops, ==, 1);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_LINK_DOWN), ==, 1);
  /* Sent at 31..60 ms: 30 datagrams round r3 (on r3r0 direction 1, r2r3
   * direction 1). From 61 ms to 80 ms: 20 back on r0-r1. */
  g_assert_cmpuint(ws_link_get_stats(l30, 1)->tx_packets, ==, 30);
  g_assert_cmpuint(ws_link_get_stats(l23, 1)->tx_packets, ==, 30);
  g_assert_cmpuint(ws_link_get_stats(l01, 0)->tx_packets, ==, 30 + 20);
  g_assert_cmpuint(ws_link_get_stats(l12, 0)->tx_packets, ==, 30 + 20);
  /* From 81 ms to 99 ms h0 has no route: 19 dropped at h0 (no-route). */
  g_assert_cmpint(ws_net_hops(f.net, h0, h2), ==, -1);
  g_assert_null(ws_net_first_link(f.net, h0, h2, NULL));
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_NO_ROUTE), ==, 19);
  g_assert_cmpint(got.received, ==, 100 - 1 - 19);
  /* A packet handed straight to a link that is down is refused. */
  ws_packet *p = ws_packet_new(f.pool);
  p->ip_bytes = 100;
  ws_link_send(access, 0, p);
  g_assert_cmpuint(ws_link_get_stats(access, 0)->down_drops, ==, 1);
  g_assert_cmpuint(ws_net_drops(f.net, WS_DROP_LINK_DOWN), ==, 2);
  fx_clear(&f);
}

/* Link down drops what waits in the queue too, in both directions, and the
 * busy time stops at the cut. */
static void test_link_down_queue(void) {
  fixture f;
  fx_init(&f);
  ws_node *a = node(&f, "a", WS_NODE_HOST), *b = node(&f, "b", WS_NODE_HOST);
  ws_link_config slow = fast;
  slow.rate_bps = 1000000; /* 125 B: 1 ms */
  ws_link *l = ws_net_add_link(f.net, "ab", a, b, &slow, 1, 0);
  ws_net_build_routes(f.net);
  tap_log log = {0};
  ws_net_add_tap(f.net, on_tap, &log);
  for (int i = 0; i < 5; i++)
    for (int d = 0; d < 2; d++) {
      ws_packet *p = ws_packet_new(f.pool);
      p->dst_addr = ws_node_addr(d ? a : b);
      p->payload_bytes = 97;
      ws_net_udp_send(f.net, d ? b : a, p);
    }
  ws_sim_run_until(f.sim, 1500 * WS_US); /* 1 sent each way, 1 in service, 3 waiting */
  ws_net_set_link_up(f.net, l, false);
  g_assert_cmpuint(ws_queue_packets(ws_link_get_queue(l, 0)), ==, 0);
  ws_sim_run(f.sim);
  for (unsigned d = 0; d < 2; d++) {
    g_assert_cmpuint(ws_link_get_stats(l, d)->down_drops, ==, 4);
    g_assert_cmpuint(ws_link_get_stats(l, d)->tx_packets, ==, 1);
    g_assert_cmpint(ws_link_busy_ns(l, d, ws_sim_now(f.sim)), ==, 1500 * WS_US);
  }
  int drops = 0;
  for (int i = 0; i < log.n; i++)
    if (log.ev[i].kind == WS_TAP_DROP && log.ev[i].reason == WS_DROP_LINK_DOWN) {
      drops++;
      g_assert_true(log.ev[i].link == l);
      g_assert_true(log.ev[i].node == ws_link_end(l, log.ev[i].dir));
    }
  g_assert_cmpint(drops, ==, 8);
  /* Up again: it carries packets. */
  ws_net_set_link_up(f.net, l, true);
  ws_packet *p = ws_packet_new(f.pool);
  p->dst_addr = ws_node_addr(b);
  p->payload_bytes = 97;
  ws_net_udp_send(f.net, a, p);
  ws_sim_run(f.sim);
  g_assert_cmpuint(ws_link_get_stats(l, 0)->tx_packets, ==, 2);
  fx_clear(&f);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/net/addresses", test_addresses);
  g_test_add_func("/net/routing-line", test_line);
  g_test_add_func("/net/routing-star", test_star);
  g_test_add_func("/net/routing-cycle-tie-break", test_cycle_tie_break);
  g_test_add_func("/net/unreachable", test_unreachable);
  g_test_add_func("/net/hosts-do-not-forward", test_hosts_do_not_forward);
  g_test_add_func("/net/ttl", test_ttl);
  g_test_add_func("/net/udp-demux", test_udp_demux);
  g_test_add_func("/net/tcp-demux", test_tcp_demux);
  g_test_add_func("/net/icmp-echo", test_icmp_echo);
  g_test_add_func("/net/taps", test_taps);
  g_test_add_func("/net/link-down-reroute", test_link_down_reroute);
  g_test_add_func("/net/link-down-queue", test_link_down_queue);
  return g_test_run();
}
