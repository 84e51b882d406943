/* wisim radio access network: binds the cell engine to the IP network.
 * Cells are routers behind a wired backhaul, UEs are hosts behind a radio
 * link whose device is the cell engine (downlink = direction 0). Packets the
 * engine gives up on go to the network's drop tap, so flows count them.
 * Mobility management: measurements, handover execution (interruption,
 * forwarding), radio link failure, outages and re-establishment, each
 * moving the UE's radio link to its new cell. */
#include <glib.h>
#include <math.h>

#include "wisim/ran.h"

/* Default re-establishment delay: the [handover] reestablishment default. */
#define REESTABLISHMENT_DEFAULT_NS (100 * WS_MS)

typedef struct {
  ws_ran *ran;
  uint32_t index;
  ws_event_id reest_event;  /* pending re-establishment, 0 when none */
  bool out_of_service;      /* detached by an outage or a failure */
  ws_time since_ns;         /* out of service since */
  /* handover */
  ws_handover *ho;          /* decision state, NULL without handover */
  ws_handover_history hist;
  bool in_handover;         /* between a handover's start and its end */
  uint32_t target;          /* its target cell */
  ws_event_id ho_event;     /* its end */
  GQueue held_dl, held_ul;  /* packets arriving during the interruption
                               (forwarding: delivered to the target after) */
  ws_ran_ue_stats st;
} ran_ue;

struct ws_ran {
  ws_net *net;
  ws_sim *sim;
  ws_medium *m;
  ws_cellnet *cn;
  uint32_t n_cells, n_ues;
  ws_node **cell_node;     /* [n_cells], owned by the net */
  ws_link **backhaul;      /* [n_cells] */
  ws_node **ue_node;       /* [n_ues] */
  ws_link **radio;         /* [n_ues] */
  ran_ue *ue;              /* [n_ues] */
  GHashTable *ue_of_node;  /* ws_node * -> ue index + 1 */
  ws_time reest_ns;
  bool uplink;
  bool handover;           /* ws_ran_enable_handover was called */
  ws_handover_config ho_cfg;
  double *rsrp, *rsrq;     /* [n_cells] scratch of a measurement */
  ws_ran_event_fn event_fn;
  void *event_ctx;
};

/* ---- the device ----------------------------------------------------------- */

/* ws_link_send on a radio link: DL into the cell's buffer for the UE, UL
 * into the UE's own. */
static void radio_send(void *ctx, ws_link *l, unsigned dir, ws_packet *p) {
  ran_ue *u = ctx;
  ws_ran *ran = u->ran;
  /* Out of service (an outage, a radio link failure): the link stays in
   * the routes, so what reaches it is lost here, counted as "detach". */
  if (ws_cellnet_ue_cell(ran->cn, u->index) < 0) {
    /* During a handover with forwarding, the target keeps what arrives
     * (X2 forwarding) and the UE what it sends, until the handover ends. */
    if (u->in_handover && ran->ho_cfg.forwarding && (dir == 0 || ran->uplink)) {
      g_queue_push_tail(dir == 0 ? &u->held_dl : &u->held_ul, p);
      return;
    }
    ws_net_drop_at(ran->net, p, WS_DROP_DETACH, ws_link_end(l, dir), l, dir);
    return;
  }
  if (dir == 0) {
    ws_cellnet_dl_enqueue(ran->cn, u->index, p);
  } else if (ran->uplink) {
    ws_cellnet_ul_enqueue(ran->cn, u->index, p);
  } else {
    /* The world turns the uplink on whenever a UE may send; a packet here
     * means it did not foresee one: say so rather than lose it silently. */
    g_warning("UE %s sent a packet but the scenario's uplink is off",
              ws_node_name(ran->ue_node[u->index]));
    ws_net_drop_at(ran->net, p, WS_DROP_NO_ROUTE, ws_link_end(l, 1), l, 1);
  }
}

static void on_deliver(void *ctx, uint32_t ue, ws_packet *p) {
  ws_ran *ran = ctx;
  ws_link_device_deliver(ran->radio[ue], 0, p);
}

static void on_ul_deliver(void *ctx, uint32_t ue, ws_packet *p) {
  ws_ran *ran = ctx;
  ws_link_device_deliver(ran->radio[ue], 1, p);
}

static void on_drop(void *ctx, uint32_t ue, bool dl, ws_packet *p, ws_cellnet_drop_reason why) {
  ws_ran *ran = ctx;
  ws_drop_reason r = why == WS_CELLNET_DROP_BUFFER  ? WS_DROP_QUEUE
                     : why == WS_CELLNET_DROP_RADIO ? WS_DROP_RADIO
                                                    : WS_DROP_DETACH;
  ws_link *l = ran->radio[ue];
  unsigned dir = dl ? 0 : 1;
  ws_net_drop_at(ran->net, p, r, ws_link_end(l, dir), l, dir);
}

/* ---- building ------------------------------------------------------------- */

ws_ran *ws_ran_new(ws_net *net, ws_medium *m, const ws_cellnet_config *cfg) {
  g_return_val_if_fail(net != NULL && m != NULL && cfg != NULL, NULL);
  ws_cellnet_config c = *cfg;
  ws_ran *ran = g_new0(ws_ran, 1);
  c.pool = ws_net_pool(net);
  c.deliver = on_deliver;
  c.ul_deliver = on_ul_deliver;
  c.ctx = ran;
  ran->cn = ws_cellnet_new(ws_net_sim(net), m, &c);
  if (!ran->cn) {
    g_free(ran);
    return NULL;
  }
  ws_cellnet_set_drop_fn(ran->cn, on_drop);
  ran->net = net;
  ran->sim = ws_net_sim(net);
  ran->m = m;
  ran->uplink = cfg->uplink;
  ran->n_cells = ws_medium_n_cells(m);
  ran->n_ues = ws_medium_n_ues(m);
  ran->cell_node = g_new0(ws_node *, ran->n_cells + 1);
  ran->backhaul = g_new0(ws_link *, ran->n_cells + 1);
  ran->ue_node = g_new0(ws_node *, ran->n_ues + 1);
  ran->radio = g_new0(ws_link *, ran->n_ues + 1);
  ran->ue = g_new0(ran_ue, ran->n_ues + 1);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran->ue[i].ran = ran;
    ran->ue[i].index = i;
    g_queue_init(&ran->ue[i].held_dl);
    g_queue_init(&ran->ue[i].held_ul);
    ws_handover_history_init(&ran->ue[i].hist);
  }
  ran->rsrp = g_new(double, ran->n_cells + 1);
  ran->rsrq = g_new(double, ran->n_cells + 1);
  ran->ue_of_node = g_hash_table_new(g_direct_hash, g_direct_equal);
  ran->reest_ns = REESTABLISHMENT_DEFAULT_NS;
  return ran;
}

void ws_ran_free(ws_ran *ran) {
  if (!ran) return;
  ws_packet_pool *pool = ws_net_pool(ran->net);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran_ue *u = &ran->ue[i];
    if (u->reest_event) ws_sim_cancel(ran->sim, u->reest_event);
    if (u->ho_event) ws_sim_cancel(ran->sim, u->ho_event);
    ws_packet *p;
    while ((p = g_queue_pop_head(&u->held_dl))) ws_packet_free(pool, p);
    while ((p = g_queue_pop_head(&u->held_ul))) ws_packet_free(pool, p);
    ws_handover_free(u->ho);
  }
  g_free(ran->rsrp);
  g_free(ran->rsrq);
  ws_cellnet_free(ran->cn);
  g_hash_table_destroy(ran->ue_of_node);
  g_free(ran->cell_node);
  g_free(ran->backhaul);
  g_free(ran->ue_node);
  g_free(ran->radio);
  g_free(ran->ue);
  g_free(ran);
}

ws_cellnet *ws_ran_cellnet(const ws_ran *ran) { return ran->cn; }

ws_node *ws_ran_add_cell(ws_ran *ran, uint32_t cell, const char *name, ws_node *uplink,
                         const ws_link_config *backhaul, uint64_t seed, uint64_t run) {
  g_return_val_if_fail(ran != NULL && cell < ran->n_cells && name && uplink && backhaul, NULL);
  g_return_val_if_fail(ran->cell_node[cell] == NULL, NULL);
  ws_node *n = ws_net_add_node(ran->net, name, WS_NODE_ROUTER);
  if (!n) return NULL;
  char *lname = g_strdup_printf("backhaul/%s", name);
  ws_link *l = ws_net_add_link(ran->net, lname, n, uplink, backhaul, seed, run);
  g_free(lname);
  if (!l) return NULL;
  ran->cell_node[cell] = n;
  ran->backhaul[cell] = l;
  return n;
}

ws_node *ws_ran_add_ue(ws_ran *ran, uint32_t ue, const char *name) {
  g_return_val_if_fail(ran != NULL && ue < ran->n_ues && name != NULL, NULL);
  g_return_val_if_fail(ran->ue_node[ue] == NULL, NULL);
  int32_t cell = ws_cellnet_ue_cell(ran->cn, ue);
  g_return_val_if_fail(cell >= 0 && ran->cell_node[cell] != NULL, NULL);
  ws_node *n = ws_net_add_node(ran->net, name, WS_NODE_HOST);
  if (!n) return NULL;
  /* The radio link's rate is nominal (the cell engine sets the pace); its
   * queue is unused. */
  ws_link_config lc = {.rate_bps = 1000000000,
                       .mtu_bytes = WS_RAN_MTU_BYTES,
                       .queue = {.discipline = "droptail", .limit = 1},
                       .device = radio_send,
                       .device_ctx = &ran->ue[ue]};
  char *lname = g_strdup_printf("radio/%s", name);
  ws_link *l = ws_net_add_link(ran->net, lname, ran->cell_node[cell], n, &lc, 0, 0);
  g_free(lname);
  if (!l) return NULL;
  ran->ue_node[ue] = n;
  ran->radio[ue] = l;
  g_hash_table_insert(ran->ue_of_node, n, GUINT_TO_POINTER(ue + 1));
  return n;
}

ws_node *ws_ran_cell_node(const ws_ran *ran, uint32_t cell) {
  g_return_val_if_fail(ran != NULL && cell < ran->n_cells, NULL);
  return ran->cell_node[cell];
}

ws_node *ws_ran_ue_node(const ws_ran *ran, uint32_t ue) {
  g_return_val_if_fail(ran != NULL && ue < ran->n_ues, NULL);
  return ran->ue_node[ue];
}

ws_link *ws_ran_backhaul(const ws_ran *ran, uint32_t cell) {
  g_return_val_if_fail(ran != NULL && cell < ran->n_cells, NULL);
  return ran->backhaul[cell];
}

int32_t ws_ran_ue_of_node(const ws_ran *ran, const ws_node *n) {
  g_return_val_if_fail(ran != NULL, -1);
  return (int32_t)GPOINTER_TO_UINT(g_hash_table_lookup(ran->ue_of_node, n)) - 1;
}

void ws_ran_set_reestablishment(ws_ran *ran, ws_time delay_ns) {
  g_return_if_fail(ran != NULL && delay_ns >= 0);
  ran->reest_ns = delay_ns;
}

void ws_ran_start(ws_ran *ran, ws_time at_ns) {
  g_return_if_fail(ran != NULL);
  ws_cellnet_start(ran->cn, at_ns);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    int32_t cell = ws_cellnet_ue_cell(ran->cn, i);
    if (cell < 0) continue;
    ws_handover_history_move(&ran->ue[i].hist, (uint32_t)cell, at_ns, 0);
    if (ran->ue[i].ho) ws_handover_reset(ran->ue[i].ho, (uint32_t)cell, at_ns);
  }
}

const char *ws_ran_event_kind_name(ws_ran_event_kind kind) {
  switch (kind) {
  case WS_RAN_HANDOVER: return "handover";
  case WS_RAN_RLF: return "rlf";
  case WS_RAN_REESTABLISHMENT: return "reestablishment";
  }
  return "?";
}

void ws_ran_set_event_fn(ws_ran *ran, ws_ran_event_fn fn, void *ctx) {
  g_return_if_fail(ran != NULL);
  ran->event_fn = fn;
  ran->event_ctx = ctx;
}

/* Tells the observer; rsrp NAN when not known. */
static void emit(ws_ran *ran, ws_ran_event_kind kind, uint32_t ue, int32_t from, int32_t to,
                 double from_rsrp, double to_rsrp) {
  if (!ran->event_fn) return;
  ws_ran_event ev = {.time_ns = ws_sim_now(ran->sim), .kind = kind, .ue = ue, .from = from,
                     .to = to, .serving_rsrp_dbm = from_rsrp, .target_rsrp_dbm = to_rsrp};
  ws_medium_ue_position(ran->m, ue, &ev.x_m, &ev.y_m);
  ran->event_fn(ran->event_ctx, &ev);
}

/* The UE arrived in cell at now (attachment after a handover or a
 * re-establishment): decision state and ping-pong history. */
static void arrived(ws_ran *ran, ran_ue *u, uint32_t cell) {
  ws_time now = ws_sim_now(ran->sim);
  if (u->ho) ws_handover_reset(u->ho, cell, now);
  ws_handover_history_move(&u->hist, cell, now, 0);
}

/* ---- outages -------------------------------------------------------------- */

static void schedule_reestablishment(ws_ran *ran, ran_ue *u);

/* `reestablishment` after losing its cell, the UE looks for the best cell
 * that is on (RRC re-establishment, TS 36.331 5.3.7, reduced to its delay). */
static void reestablish(ws_sim *sim, void *ctx) {
  ran_ue *u = ctx;
  ws_ran *ran = u->ran;
  u->reest_event = 0;
  int32_t best = ws_cellnet_best_cell(ran->cn, u->index);
  if (best < 0) {
    u->st.failures++;
    g_info("%.9f s: UE %s finds no cell to re-establish on", ws_time_to_s(ws_sim_now(sim)),
           ws_node_name(ran->ue_node[u->index]));
    /* With mobility management the UE keeps searching (it may walk back
     * into coverage); otherwise only a cell coming back on helps. */
    if (ran->handover) schedule_reestablishment(ran, u);
    return;
  }
  bool moved = ws_cellnet_move_ue(ran->cn, u->index, best, false);
  g_assert(moved);
  ws_net_move_link_end(ran->net, ran->radio[u->index], 0, ran->cell_node[best]);
  u->st.reestablishments++;
  u->st.out_of_service_ns += ws_sim_now(sim) - u->since_ns;
  u->out_of_service = false;
  arrived(ran, u, (uint32_t)best);
  emit(ran, WS_RAN_REESTABLISHMENT, u->index, -1, best, NAN,
       ws_medium_rsrp_dbm(ran->m, u->index, (uint32_t)best));
  g_info("%.9f s: UE %s re-established on cell %s", ws_time_to_s(ws_sim_now(sim)),
         ws_node_name(ran->ue_node[u->index]), ws_node_name(ran->cell_node[best]));
}

static void schedule_reestablishment(ws_ran *ran, ran_ue *u) {
  if (!u->reest_event) u->reest_event = ws_sim_schedule(ran->sim, ran->reest_ns, reestablish, u);
}

void ws_ran_set_cell_on(ws_ran *ran, uint32_t cell, bool on) {
  g_return_if_fail(ran != NULL && cell < ran->n_cells);
  if (ws_cellnet_cell_is_on(ran->cn, cell) == on) return;
  ws_time now = ws_sim_now(ran->sim);
  g_info("%.9f s: cell %s %s", ws_time_to_s(now), ws_node_name(ran->cell_node[cell]),
         on ? "comes back on" : "goes off");
  if (!on) {
    /* Who loses service: the cell's UEs, taken before it detaches them. */
    GArray *lost = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (uint32_t i = 0; i < ran->n_ues; i++)
      if (ws_cellnet_ue_cell(ran->cn, i) == (int32_t)cell) g_array_append_val(lost, i);
    ws_cellnet_set_cell_on(ran->cn, cell, false);
    for (unsigned k = 0; k < lost->len; k++) {
      ran_ue *u = &ran->ue[g_array_index(lost, uint32_t, k)];
      u->st.rlfs++;
      emit(ran, WS_RAN_RLF, u->index, (int32_t)cell, -1,
           ws_medium_rsrp_dbm(ran->m, u->index, cell), NAN);
      u->out_of_service = true;
      u->since_ns = now;
      schedule_reestablishment(ran, u);
    }
    g_array_free(lost, TRUE);
    return;
  }
  ws_cellnet_set_cell_on(ran->cn, cell, true);
  for (uint32_t i = 0; i < ran->n_ues; i++)
    if (ran->ue[i].out_of_service) schedule_reestablishment(ran, &ran->ue[i]);
}

/* ---- handover and radio link failure --------------------------------------- */

void ws_ran_enable_handover(ws_ran *ran, const ws_handover_config *cfg) {
  g_return_if_fail(ran != NULL && cfg != NULL && !ran->handover);
  ran->handover = true;
  ran->ho_cfg = *cfg;
  ran->reest_ns = cfg->reestablishment_ns;
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran->ue[i].ho = ws_handover_new(cfg, ran->n_cells);
    g_assert(ran->ue[i].ho != NULL); /* the world checked the keys */
  }
}

/* The UE loses service at now: a radio link failure (or a handover whose
 * target went off). Buffers are flushed; re-establishment follows. */
static void fail(ws_ran *ran, ran_ue *u, int32_t from, double from_rsrp) {
  ws_cellnet_move_ue(ran->cn, u->index, -1, false);
  u->st.rlfs++;
  u->out_of_service = true;
  u->since_ns = ws_sim_now(ran->sim);
  emit(ran, WS_RAN_RLF, u->index, from, -1, from_rsrp, NAN);
  schedule_reestablishment(ran, u);
}

/* Hands the packets held during the interruption to the cell engine, in
 * arrival order (or drops them when the handover failed). */
static void release_held(ws_ran *ran, ran_ue *u, bool deliver) {
  ws_packet *p;
  while ((p = g_queue_pop_head(&u->held_dl))) {
    if (deliver) ws_cellnet_dl_enqueue(ran->cn, u->index, p);
    else ws_net_drop_at(ran->net, p, WS_DROP_DETACH, ws_link_end(ran->radio[u->index], 0),
                        ran->radio[u->index], 0);
  }
  while ((p = g_queue_pop_head(&u->held_ul))) {
    if (deliver) ws_cellnet_ul_enqueue(ran->cn, u->index, p);
    else ws_net_drop_at(ran->net, p, WS_DROP_DETACH, ws_link_end(ran->radio[u->index], 1),
                        ran->radio[u->index], 1);
  }
}

/* The end of a handover's interruption: the UE attaches to its target
 * (with the buffers it kept), or fails when the target went off. */
static void handover_end(ws_sim *sim, void *ctx) {
  (void)sim;
  ran_ue *u = ctx;
  ws_ran *ran = u->ran;
  u->ho_event = 0;
  u->in_handover = false;
  if (!ws_cellnet_cell_is_on(ran->cn, u->target)) {
    release_held(ran, u, false);
    fail(ran, u, (int32_t)u->target, NAN);
    return;
  }
  bool moved = ws_cellnet_move_ue(ran->cn, u->index, (int32_t)u->target, ran->ho_cfg.forwarding);
  g_assert(moved);
  release_held(ran, u, true);
  ws_handover_reset(u->ho, u->target, ws_sim_now(ran->sim));
}

/* Starts a handover of u from its cell to target at now (TS 36.300
 * 10.1.2.1, reduced to its interruption): the UE stops receiving, its
 * radio link moves to the target at once (routes follow), HARQ is
 * abandoned, and the buffers follow it when forwarding. */
static void handover_start(ws_ran *ran, ran_ue *u, uint32_t from, uint32_t target) {
  ws_time now = ws_sim_now(ran->sim);
  emit(ran, WS_RAN_HANDOVER, u->index, (int32_t)from, (int32_t)target,
       ws_handover_filtered_rsrp_dbm(u->ho, from), ws_handover_filtered_rsrp_dbm(u->ho, target));
  u->st.handovers++;
  if (ws_handover_history_move(&u->hist, target, now, ran->ho_cfg.pingpong_window_ns))
    u->st.pingpongs++;
  u->st.interruption_ns += ran->ho_cfg.interruption_ns;
  ws_cellnet_move_ue(ran->cn, u->index, -1, ran->ho_cfg.forwarding);
  ws_net_move_link_end(ran->net, ran->radio[u->index], 0, ran->cell_node[target]);
  u->in_handover = true;
  u->target = target;
  u->ho_event = ws_sim_schedule(ran->sim, ran->ho_cfg.interruption_ns, handover_end, u);
}

void ws_ran_measure(ws_ran *ran) {
  g_return_if_fail(ran != NULL);
  if (!ran->handover) return;
  ws_time now = ws_sim_now(ran->sim);
  const bool *on = ws_cellnet_cells_on(ran->cn);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran_ue *u = &ran->ue[i];
    int32_t serving = ws_cellnet_ue_cell(ran->cn, i);
    if (u->in_handover || u->out_of_service || serving < 0) continue;
    /* Large-scale RSRP (TS 36.214 5.1.1) and RSRQ (5.1.3) of each cell
     * that is on, and the serving cell's wideband SINR against those. */
    ws_medium_measure(ran->m, i, on, ran->rsrp, ran->rsrq);
    double sinr_db = ws_medium_wideband_sinr_db(ran->m, i, (uint32_t)serving, on);
    uint32_t target = 0;
    ws_handover_decision d = ws_handover_measure(u->ho, now, ran->rsrp, ran->rsrq, sinr_db, &target);
    if (d == WS_HO_HANDOVER && on[target]) handover_start(ran, u, (uint32_t)serving, target);
    else if (d == WS_HO_RLF) fail(ran, u, serving, ran->rsrp[serving]);
  }
}

int32_t ws_ran_ue_cell(const ws_ran *ran, uint32_t ue) {
  g_return_val_if_fail(ran != NULL && ue < ran->n_ues, -1);
  const ran_ue *u = &ran->ue[ue];
  return u->in_handover ? (int32_t)u->target : ws_cellnet_ue_cell(ran->cn, ue);
}

const ws_ran_ue_stats *ws_ran_ue_get_stats(const ws_ran *ran, uint32_t ue) {
  g_return_val_if_fail(ran != NULL && ue < ran->n_ues, NULL);
  return &ran->ue[ue].st;
}

void ws_ran_reset_stats(ws_ran *ran) {
  g_return_if_fail(ran != NULL);
  ws_time now = ws_sim_now(ran->sim);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran_ue *u = &ran->ue[i];
    u->st = (ws_ran_ue_stats){0};
    if (u->out_of_service) u->since_ns = now;
  }
  ws_cellnet_reset_stats(ran->cn);
}

void ws_ran_finish(ws_ran *ran, ws_time end) {
  g_return_if_fail(ran != NULL);
  for (uint32_t i = 0; i < ran->n_ues; i++) {
    ran_ue *u = &ran->ue[i];
    if (!u->out_of_service) continue;
    u->st.out_of_service_ns += MAX(0, end - u->since_ns);
    u->since_ns = end;
  }
}
