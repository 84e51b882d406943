/* Tests of the network layer (sim/net/net.c): the address plan, static
 * shortest-path routes on small topologies (line, star, cycles with the
 * documented tie-break, unreachable, hosts that do not forward), TTL at
 * routers, UDP port demultiplexing and the drop tap. */
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
  return g_test_run();
}
