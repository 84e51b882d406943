/* Tests of the radio access network (sim/cell/ran.c): cells as routers
 * behind their backhaul, UEs as hosts behind a radio link carried by the
 * cell engine; routes, downlink and uplink delivery, drops reaching the
 * network's drop tap, and outages: a cell switched off detaches its UEs,
 * which re-establish on the other cell after the delay (their radio link
 * moves there and keeps its address), or wait for a cell to come back. */
#include <glib.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/ran.h"

#define UDP_PORT 5001

typedef struct {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
  ws_medium *m;
  ws_ran *ran;
  ws_node *core, *server, *cell[2], *ue[2];
  uint64_t rx[2];           /* datagrams received by each UE */
  uint64_t rx_server;       /* datagrams received by the server */
  uint64_t drops[WS_DROP_N_REASONS];
  ws_ran_event events[8];   /* the first ones the RAN reported */
  unsigned n_events;
} fx;

static void on_event(void *ctx, const ws_ran_event *ev) {
  fx *f = ctx;
  if (f->n_events < G_N_ELEMENTS(f->events)) f->events[f->n_events] = *ev;
  f->n_events++;
}

static void on_drop(void *ctx, const ws_packet *p, ws_drop_reason why) {
  (void)p;
  fx *f = ctx;
  f->drops[why]++;
}

static void ue_recv(ws_net *net, ws_packet *p, void *ctx) {
  uint64_t *count = ctx;
  (*count)++;
  ws_packet_free(ws_net_pool(net), p);
}

/* Cell A at (0, 0), cell B at (1000, 0), 10 MHz, log-distance, no fading;
 * UE 0 at 100 m from A, UE 1 at 300 m from B (each attaches to its own,
 * unless ue1_cell >= 0 forces UE 1's cell). With ho, handover is enabled
 * (ho copied, reestablishment_ns set into it). */
static void fx_init_ho(fx *f, ws_time reestablishment_ns, int32_t ue1_cell,
                       const ws_handover_config *ho) {
  memset(f, 0, sizeof *f);
  f->sim = ws_sim_new();
  f->pool = ws_packet_pool_new();
  f->net = ws_net_new(f->sim, f->pool);
  f->core = ws_net_add_node(f->net, "core", WS_NODE_ROUTER);
  f->server = ws_net_add_node(f->net, "server", WS_NODE_HOST);
  ws_link_config wire = {.rate_bps = 1000000000, .delay_ns = WS_MS, .mtu_bytes = 1500,
                         .queue = {.discipline = "droptail", .limit = 1000}};
  g_assert_nonnull(ws_net_add_link(f->net, "internet", f->server, f->core, &wire, 1, 0));
  ws_medium_config mc;
  ws_medium_config_default(&mc);
  f->m = ws_medium_new(&mc, NULL);
  ws_phy_carrier car;
  g_assert_true(ws_phy_carrier_init(&car, 0, 10e6, NULL));
  const char *cells[2] = {"A", "B"};
  for (int c = 0; c < 2; c++) {
    ws_medium_cell mcell = {.name = cells[c], .x_m = 1000.0 * c, .height_m = 25,
                            .tx_power_dbm = 46, .noise_figure_db = 5, .frequency_hz = 2e9,
                            .carrier = car};
    ws_antenna_init(&mcell.antenna, WS_ANTENNA_OMNI);
    g_assert_cmpint(ws_medium_add_cell(f->m, &mcell), ==, c);
  }
  const char *ues[2] = {"u0", "u1"};
  const double ux[2] = {100, 700};
  for (int u = 0; u < 2; u++) {
    ws_medium_ue mu = {.name = ues[u], .x_m = ux[u], .height_m = 1.5, .tx_power_dbm = 23,
                       .noise_figure_db = 9};
    g_assert_cmpint(ws_medium_add_ue(f->m, &mu), ==, u);
  }
  ws_medium_build(f->m, 0);
  ws_cellnet_config cc = {.carrier = car, .scheduler = "pf", .seed = 1, .uplink = true,
                          .pc_p0_dbm = -90, .pc_alpha = 0.8, .ue_pmax_dbm = 23};
  f->ran = ws_ran_new(f->net, f->m, &cc);
  g_assert_nonnull(f->ran);
  ws_ran_set_reestablishment(f->ran, reestablishment_ns);
  if (ue1_cell >= 0) g_assert_true(ws_cellnet_attach(ws_ran_cellnet(f->ran), 1, ue1_cell));
  if (ho) {
    ws_handover_config h = *ho;
    h.reestablishment_ns = reestablishment_ns;
    ws_ran_enable_handover(f->ran, &h);
    ws_ran_set_event_fn(f->ran, on_event, f);
  }
  for (int c = 0; c < 2; c++)
    f->cell[c] = ws_ran_add_cell(f->ran, (uint32_t)c, cells[c], f->core, &wire, 1, 0);
  for (int u = 0; u < 2; u++) f->ue[u] = ws_ran_add_ue(f->ran, (uint32_t)u, ues[u]);
  ws_net_build_routes(f->net);
  ws_net_set_drop_hook(f->net, on_drop, f);
  for (int u = 0; u < 2; u++)
    g_assert_true(ws_net_udp_bind(f->net, f->ue[u], UDP_PORT, ue_recv, &f->rx[u]));
  g_assert_true(ws_net_udp_bind(f->net, f->server, UDP_PORT, ue_recv, &f->rx_server));
  ws_ran_start(f->ran, 0);
}

static void fx_init(fx *f, ws_time reestablishment_ns) {
  fx_init_ho(f, reestablishment_ns, -1, NULL);
}

static void fx_clear(fx *f) {
  ws_ran_free(f->ran);
  ws_net_free(f->net);
  ws_medium_free(f->m);
  ws_packet_pool_free(f->pool);
  ws_sim_free(f->sim);
}

/* Sends count datagrams of 1000 B from `from` to `to` now. */
static void send_udp(fx *f, ws_node *from, ws_node *to, unsigned count) {
  for (unsigned i = 0; i < count; i++) {
    ws_packet *p = ws_packet_new(f->pool);
    p->payload_bytes = 1000;
    p->src_port = UDP_PORT;
    p->dst_port = UDP_PORT;
    p->dst_addr = ws_node_addr(to);
    ws_net_udp_send(f->net, from, p);
  }
}

typedef struct {
  fx *f;
  ws_node *from, *to;
  unsigned count;
} send_ev;

static void send_later(ws_sim *sim, void *ctx) {
  (void)sim;
  send_ev *e = ctx;
  send_udp(e->f, e->from, e->to, e->count);
}

typedef struct {
  ws_ran *ran;
  uint32_t cell;
  bool on;
} cell_ev;

static void switch_cell(ws_sim *sim, void *ctx) {
  (void)sim;
  cell_ev *e = ctx;
  ws_ran_set_cell_on(e->ran, e->cell, e->on);
}

/* The IP side: server -> core -> cell -> UE, the radio link in direction 0
 * for the downlink, the UE's address on its radio link's subnet. */
static void test_routes(void) {
  fx f;
  fx_init(&f, 100 * WS_MS);
  for (int u = 0; u < 2; u++) {
    g_assert_cmpint(ws_net_hops(f.net, f.server, f.ue[u]), ==, 3);
    unsigned dir;
    ws_link *l = ws_net_first_link(f.net, f.cell[u], f.ue[u], &dir);
    g_assert_cmpuint(dir, ==, 0);
    g_assert_true(ws_link_end(l, 0) == f.cell[u] && ws_link_end(l, 1) == f.ue[u]);
    g_assert_cmpint(ws_ran_ue_of_node(f.ran, f.ue[u]), ==, u);
    g_assert_true(ws_ran_ue_node(f.ran, (uint32_t)u) == f.ue[u]);
  }
  g_assert_cmpint(ws_ran_ue_of_node(f.ran, f.server), ==, -1);
  g_assert_cmpstr(ws_link_name(ws_ran_backhaul(f.ran, 1)), ==, "backhaul/B");
  fx_clear(&f);
}

/* Datagrams cross the cells both ways; nothing is dropped on a clean run. */
static void test_delivery(void) {
  fx f;
  fx_init(&f, 100 * WS_MS);
  send_udp(&f, f.server, f.ue[0], 20);
  send_udp(&f, f.server, f.ue[1], 20);
  send_udp(&f, f.ue[0], f.server, 5);
  send_udp(&f, f.ue[1], f.server, 5);
  ws_sim_run_until(f.sim, 200 * WS_MS);
  g_assert_cmpuint(f.rx[0], ==, 20);
  g_assert_cmpuint(f.rx[1], ==, 20);
  g_assert_cmpuint(f.rx_server, ==, 10);
  for (int r = 0; r < WS_DROP_N_REASONS; r++) g_assert_cmpuint(f.drops[r], ==, 0);
  fx_clear(&f);
}

/* Cell B goes off at 10 ms with UE 1's downlink backlogged: the backlog
 * reaches the drop tap as "detach", and so do datagrams sent to UE 1
 * during the outage (its radio link stays in the routes); 40 ms later UE 1
 * re-establishes on A (its link moves, its address stays) and datagrams
 * reach it again. UE 0 never notices. */
static void test_outage_reattach(void) {
  fx f;
  fx_init(&f, 40 * WS_MS);
  uint32_t addr = ws_node_addr(f.ue[1]);
  /* 200 x 1000 B at once: more than 10 ms of one UE's share can carry. */
  send_udp(&f, f.server, f.ue[1], 200);
  cell_ev off = {f.ran, 1, false};
  ws_sim_schedule_at(f.sim, 10 * WS_MS, switch_cell, &off);
  send_ev during = {&f, f.server, f.ue[1], 5}, after = {&f, f.server, f.ue[1], 5};
  send_ev steady = {&f, f.server, f.ue[0], 5};
  ws_sim_schedule_at(f.sim, 20 * WS_MS, send_later, &during);
  ws_sim_schedule_at(f.sim, 80 * WS_MS, send_later, &after);
  ws_sim_schedule_at(f.sim, 20 * WS_MS, send_later, &steady);
  ws_sim_run_until(f.sim, 15 * WS_MS);
  g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), 1), ==, -1);
  uint64_t detached = f.drops[WS_DROP_DETACH];
  g_assert_cmpuint(detached, >, 0); /* the backlog */
  ws_sim_run_until(f.sim, 45 * WS_MS);
  g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), 1), ==, -1);
  g_assert_cmpuint(f.drops[WS_DROP_DETACH], ==, detached + 5); /* the 5 sent at 20 ms */
  ws_link *radio;
  ws_sim_run_until(f.sim, 300 * WS_MS);
  g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), 1), ==, 0);
  unsigned dir;
  radio = ws_net_first_link(f.net, f.cell[0], f.ue[1], &dir);
  g_assert_nonnull(radio);
  g_assert_true(ws_link_end(radio, 0) == f.cell[0]);
  g_assert_cmpuint(ws_node_addr(f.ue[1]), ==, addr);
  g_assert_cmpint(ws_net_hops(f.net, f.server, f.ue[1]), ==, 3);
  /* What was delivered, dropped as detach and dropped at the link adds up. */
  g_assert_cmpuint(f.drops[WS_DROP_NO_ROUTE], ==, 0);
  g_assert_cmpuint(f.rx[1] + f.drops[WS_DROP_DETACH], ==, 210);
  g_assert_cmpuint(f.rx[0], ==, 5);
  const ws_ran_ue_stats *s = ws_ran_ue_get_stats(f.ran, 1);
  g_assert_cmpuint(s->reestablishments, ==, 1);
  g_assert_cmpuint(s->failures, ==, 0);
  g_assert_cmpint(s->out_of_service_ns, ==, 40 * WS_MS);
  g_assert_cmpuint(ws_ran_ue_get_stats(f.ran, 0)->reestablishments, ==, 0);
  fx_clear(&f);
}

/* Both cells off: the UEs find no cell at their attempt and wait; B back
 * on at 100 ms: both re-establish on B 30 ms later; out-of-service time
 * counts to then, and to the end for a UE that never gets back. */
static void test_outage_no_cell(void) {
  fx f;
  fx_init(&f, 30 * WS_MS);
  cell_ev a_off = {f.ran, 0, false}, b_off = {f.ran, 1, false}, b_on = {f.ran, 1, true};
  ws_sim_schedule_at(f.sim, 10 * WS_MS, switch_cell, &a_off);
  ws_sim_schedule_at(f.sim, 10 * WS_MS, switch_cell, &b_off);
  ws_sim_schedule_at(f.sim, 100 * WS_MS, switch_cell, &b_on);
  ws_sim_run_until(f.sim, 50 * WS_MS);
  for (uint32_t u = 0; u < 2; u++) {
    g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), u), ==, -1);
    g_assert_cmpuint(ws_ran_ue_get_stats(f.ran, u)->failures, ==, 1);
  }
  ws_sim_run_until(f.sim, 200 * WS_MS);
  ws_ran_finish(f.ran, 200 * WS_MS);
  for (uint32_t u = 0; u < 2; u++) {
    const ws_ran_ue_stats *s = ws_ran_ue_get_stats(f.ran, u);
    g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), u), ==, 1);
    g_assert_cmpuint(s->reestablishments, ==, 1);
    g_assert_cmpint(s->out_of_service_ns, ==, 120 * WS_MS); /* 10 ms .. 130 ms */
  }
  send_udp(&f, f.server, f.ue[0], 3);
  ws_sim_run_until(f.sim, 300 * WS_MS);
  g_assert_cmpuint(f.rx[0], ==, 3); /* via B now */
  fx_clear(&f);
}

typedef struct {
  ws_ran *ran;
  ws_time interval_ns;
} measure_ev;

static void measure(ws_sim *sim, void *ctx) {
  measure_ev *e = ctx;
  ws_ran_measure(e->ran);
  ws_sim_schedule(sim, e->interval_ns, measure, e);
}

/* UE 1 forced onto A (700 m away) while B is 300 m away: the first
 * measurement (at 10 ms, no filtering) meets A3 and, 20 ms of
 * time-to-trigger later (the measurements at 10, 20 and 30 ms), the
 * handover starts at 30 ms: its radio link moves to B, it receives nothing
 * for 15 ms, and what arrives meanwhile reaches it afterwards when
 * forwarding, or is dropped as "detach" when not. */
static void handover_case(bool forwarding) {
  ws_handover_config ho;
  ws_handover_config_default(&ho);
  ho.filter_coefficient = 0;
  ho.time_to_trigger_ns = 20 * WS_MS;
  ho.interruption_ns = 15 * WS_MS;
  ho.forwarding = forwarding;
  fx f;
  fx_init_ho(&f, 100 * WS_MS, 0, &ho);
  measure_ev me = {f.ran, 10 * WS_MS};
  ws_sim_schedule_at(f.sim, 10 * WS_MS, measure, &me);
  send_ev during = {&f, f.server, f.ue[1], 10};
  ws_sim_schedule_at(f.sim, 32 * WS_MS, send_later, &during); /* reaches B at ~34 ms */
  ws_sim_run_until(f.sim, 40 * WS_MS);
  g_assert_cmpuint(f.n_events, ==, 1);
  g_assert_cmpint(f.events[0].kind, ==, WS_RAN_HANDOVER);
  g_assert_cmpint(f.events[0].time_ns, ==, 30 * WS_MS);
  g_assert_cmpint(f.events[0].from, ==, 0);
  g_assert_cmpint(f.events[0].to, ==, 1);
  g_assert_cmpfloat(f.events[0].x_m, ==, 700);
  g_assert_true(f.events[0].target_rsrp_dbm > f.events[0].serving_rsrp_dbm);
  g_assert_true(ws_link_end(ws_net_first_link(f.net, f.cell[1], f.ue[1], NULL), 0) == f.cell[1]);
  g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), 1), ==, -1); /* interrupted */
  g_assert_cmpuint(f.rx[1], ==, 0);
  ws_sim_run_until(f.sim, 300 * WS_MS);
  g_assert_cmpint(ws_cellnet_ue_cell(ws_ran_cellnet(f.ran), 1), ==, 1);
  g_assert_cmpuint(f.rx[1], ==, forwarding ? 10 : 0);
  g_assert_cmpuint(f.drops[WS_DROP_DETACH], ==, forwarding ? 0 : 10);
  const ws_ran_ue_stats *s = ws_ran_ue_get_stats(f.ran, 1);
  g_assert_cmpuint(s->handovers, ==, 1);
  g_assert_cmpuint(s->pingpongs, ==, 0);
  g_assert_cmpint(s->interruption_ns, ==, 15 * WS_MS);
  g_assert_cmpuint(f.n_events, ==, 1); /* no return to A */
  fx_clear(&f);
}

static void test_handover_forwarding(void) { handover_case(true); }
static void test_handover_no_forwarding(void) { handover_case(false); }

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ran/routes", test_routes);
  g_test_add_func("/ran/delivery", test_delivery);
  g_test_add_func("/ran/outage-reattach", test_outage_reattach);
  g_test_add_func("/ran/outage-no-cell", test_outage_no_cell);
  g_test_add_func("/ran/handover-forwarding", test_handover_forwarding);
  g_test_add_func("/ran/handover-no-forwarding", test_handover_no_forwarding);
  return g_test_run();
}
