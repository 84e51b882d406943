/* wisim world builder: turns a validated scenario into nodes, links and
 * flows in one ws_sim, wires the drop tap to the flows' in-flight counts,
 * and schedules the warmup reset and the time-series sampler. The only code
 * that knows both the scenario vocabulary and the models' APIs. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/net.h"
#include "wisim/packet.h"
#include "wisim/traffic.h"
#include "wisim/world.h"
#include "world-int.h"

/* First UDP ports: receivers count up from 5001 per receiving node, senders
 * from 49152 (the IANA dynamic range, RFC 6335) per sending node. */
enum { FIRST_DST_PORT = 5001, FIRST_SRC_PORT = 49152, LAST_PORT = 65535 };

typedef struct {
  ws_traffic *traffic;  /* owned */
  char *entity;         /* "flow NAME", for the time series */
  uint64_t prev_rx_bytes;
} world_flow;

typedef struct {
  ws_link *link;        /* owned by the network */
  unsigned dir;
  char *entity;         /* "link NAME A->B" */
  ws_time prev_busy_ns;
  double prev_area;     /* integral of packets in system at the last sample */
} world_link_dir;

struct ws_world {
  ws_sim *sim;
  const ws_scenario *sc;
  ws_time duration_ns, warmup_ns, interval_ns;
  ws_packet_pool *pool;
  ws_net *net;
  GArray *flows;        /* world_flow */
  GArray *link_dirs;    /* world_link_dir: per link, A->B then B->A */
  GPtrArray *flow_stats;  /* ws_flow_stats *, borrowed from the flows */
  GPtrArray *link_stats;  /* ws_link_stats *, borrowed from the links */
  ws_series *series;
  GPtrArray *warnings;  /* char *, owned, NULL-terminated */
  GPtrArray *traces;    /* ws_traffic_trace *, owned: the trace flows' rows */
  ws_world_radio *radio; /* cells and UEs, NULL when there are none */
  bool has_tcp;         /* some flow runs over TCP: count its segments */
  bool routes_valid;    /* no node or link errors: route checks mean something */
  bool finished;
};

/* ---- errors --------------------------------------------------------------- */

/* "[kind NAME]" or "[kind]". Caller frees. */
static char *group_label(const ws_group *g) {
  const char *name = ws_group_name(g);
  return name ? g_strdup_printf("[%s %s]", ws_group_kind(g), name)
              : g_strdup_printf("[%s]", ws_group_kind(g));
}

/* Appends "FILE:LINE: [warning: ][group] key: message" (key may be NULL: the
 * group's header line) to out, in the loader's format. */
static void vadd_problem(GString *out, bool warning, const ws_scenario *sc, const ws_group *g,
                         const char *key, const char *fmt, va_list ap) {
  int line = key ? ws_group_key_line(g, key) : 0;
  if (line <= 0) line = ws_group_line(g);
  char *label = group_label(g);
  char *msg = g_strdup_vprintf(fmt, ap);
  if (out->len) g_string_append_c(out, '\n');
  g_string_append_printf(out, "%s:%d: %s%s %s%s%s", ws_scenario_path(sc), line,
                         warning ? "warning: " : "", label, key ? key : "", key ? ": " : "", msg);
  g_free(msg);
  g_free(label);
}

G_GNUC_PRINTF(5, 6)
static void add_error(GString *errors, const ws_scenario *sc, const ws_group *g, const char *key,
                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vadd_problem(errors, false, sc, g, key, fmt, ap);
  va_end(ap);
}

void ws_world_error(GString *errors, const ws_scenario *sc, const ws_group *g, const char *key,
                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vadd_problem(errors, false, sc, g, key, fmt, ap);
  va_end(ap);
}

void ws_world_warn(GPtrArray *warnings, const ws_scenario *sc, const ws_group *g, const char *key,
                   const char *fmt, ...) {
  GString *msg = g_string_new(NULL);
  va_list ap;
  va_start(ap, fmt);
  vadd_problem(msg, true, sc, g, key, fmt, ap);
  va_end(ap);
  for (unsigned i = 0; i < warnings->len; i++)
    if (strcmp(g_ptr_array_index(warnings, i), msg->str) == 0) {
      g_string_free(msg, TRUE);
      return;
    }
  g_ptr_array_add(warnings, g_string_free(msg, FALSE));
}


/* End of warmup: every collector restarts (flows count packets by their
 * send time, so theirs are still empty; links restart here). */
static void warmup_end(ws_sim *sim, void *ctx) {
  ws_world *w = ctx;
  ws_time now = ws_sim_now(sim);
  for (unsigned i = 0; i < ws_net_n_links(w->net); i++)
    ws_link_reset_stats(ws_net_link(w->net, i), now);
  /* TCP segments count when made from now on: packet ids grow by one per
   * packet, so the next id marks the boundary (a probe packet takes it). */
  uint64_t first_id = 0;
  if (w->has_tcp) {
    ws_packet *probe = ws_packet_new(w->pool);
    first_id = probe->id + 1;
    ws_packet_free(w->pool, probe);
  }
  for (unsigned i = 0; i < w->flows->len; i++) {
    world_flow *f = &g_array_index(w->flows, world_flow, i);
    f->prev_rx_bytes = ws_traffic_rx_bytes(f->traffic);
    ws_traffic_warmup(f->traffic, first_id);
  }
  for (unsigned i = 0; i < w->link_dirs->len; i++) {
    world_link_dir *d = &g_array_index(w->link_dirs, world_link_dir, i);
    d->prev_busy_ns = 0;
    d->prev_area = 0;
  }
  if (w->radio) ws_world_radio_warmup(w->radio);
}

/* One row per flow and per link direction and metric, every interval after
 * warmup; each value covers the interval that ends at the sample time. */
static void sample(ws_sim *sim, void *ctx) {
  ws_world *w = ctx;
  ws_time now = ws_sim_now(sim);
  double interval_s = ws_time_to_s(w->interval_ns);
  /* The radio first: it credits the full-buffer flows for the interval. */
  if (w->radio) ws_world_radio_sample(w->radio, w->series, now, w->interval_ns);
  for (unsigned i = 0; i < w->flows->len; i++) {
    world_flow *f = &g_array_index(w->flows, world_flow, i);
    uint64_t rx = ws_traffic_rx_bytes(f->traffic);
    ws_series_add(w->series, now, f->entity, "throughput_bps",
                  (double)(rx - f->prev_rx_bytes) * 8.0 / interval_s);
    f->prev_rx_bytes = rx;
    ws_traffic_sample(f->traffic, w->series, now, f->entity);
  }
  for (unsigned i = 0; i < w->link_dirs->len; i++) {
    world_link_dir *d = &g_array_index(w->link_dirs, world_link_dir, i);
    ws_link_stats *s = ws_link_get_stats(d->link, d->dir);
    double area = ws_tavg_integral(&s->queue_packets, now);
    ws_time busy = ws_link_busy_ns(d->link, d->dir, now);
    ws_series_add(w->series, now, d->entity, "queue_packets",
                  MAX(0.0, area - d->prev_area) / (double)w->interval_ns);
    ws_series_add(w->series, now, d->entity, "utilisation",
                  (double)(busy - d->prev_busy_ns) / (double)w->interval_ns);
    d->prev_area = area;
    d->prev_busy_ns = busy;
  }
  if (now + w->interval_ns <= w->duration_ns) ws_sim_schedule(sim, w->interval_ns, sample, w);
}

/* The drop tap: a counted packet leaves its flow's in-flight count. */
static void on_drop(void *ctx, const ws_packet *p, ws_drop_reason why) {
  ws_world *w = ctx;
  if (p->flow >= w->flows->len) return;
  ws_traffic *t = g_array_index(w->flows, world_flow, p->flow).traffic;
  ws_traffic_on_drop(t, p);
  if (why == WS_DROP_DETACH) ws_traffic_on_handover_loss(t, p);
}

/* The RECEIVE tap, set when a flow runs over TCP: a segment of a TCP flow
 * arriving at the node it is addressed to counts as received. */
static void on_tap(void *ctx, const ws_tap_event *ev) {
  ws_world *w = ctx;
  const ws_packet *p = ev->packet;
  if (ev->kind != WS_TAP_RECEIVE || p->protocol != WS_IP_PROTO_TCP || p->flow >= w->flows->len)
    return;
  ws_traffic *t = g_array_index(w->flows, world_flow, p->flow).traffic;
  if (ws_traffic_is_tcp(t) && ws_node_addr(ev->node) != 0 &&
      ws_net_node_by_addr(w->net, p->dst_addr) == ev->node)
    ws_traffic_on_arrival(t, p);
}

/* ---- building ------------------------------------------------------------- */

/* True when ref names a group with count (its members are NAME/i). */
static bool is_counted_group(const ws_scenario *sc, const char *ref) {
  const ws_group *g = ws_scenario_entity_group(sc, ref);
  return g && ws_group_count(g) > 0 && ws_group_name(g) && strcmp(ws_group_name(g), ref) == 0;
}

static void add_nodes(ws_world *w, const ws_group *g, ws_node_kind kind, GString *errors) {
  const char *name = ws_group_name(g);
  int count = ws_group_count(g);
  for (int i = 0; i < (count > 0 ? count : 1); i++) {
    char *member = count > 0 ? g_strdup_printf("%s/%d", name, i) : g_strdup(name);
    if (!ws_net_add_node(w->net, member, kind) && strcmp(member, "core") != 0)
      add_error(errors, w->sc, g, NULL, "the name %s is already taken", member);
    g_free(member);
  }
}

/* Resolves a reference to wired nodes. Returns the members (caller frees
 * the array, not the nodes) or NULL after adding an error. */
static GPtrArray *resolve(ws_world *w, const ws_group *g, const char *key, const char *ref,
                          GString *errors) {
  char **names = ws_scenario_expand(w->sc, ref);
  if (!names || !names[0]) {
    add_error(errors, w->sc, g, key, "expected the name of a host or router, found \"%s\"", ref);
    g_strfreev(names);
    return NULL;
  }
  GPtrArray *nodes = g_ptr_array_new();
  for (char **n = names; *n; n++) {
    ws_node *node = ws_net_find_node(w->net, *n);
    if (!node) {
      add_error(errors, w->sc, g, key, "%s is not a host, router or UE", *n);
      g_ptr_array_free(nodes, TRUE);
      nodes = NULL;
      break;
    }
    g_ptr_array_add(nodes, node);
  }
  g_strfreev(names);
  return nodes;
}

/* RED and CoDel parameters of a [link] (docs/queues.md): RED's thresholds
 * are in queue_limit's unit, min_th < max_th; CoDel's target < interval;
 * keys of another discipline are warnings. (ecn = yes on a drop-tail link
 * marks nothing but tells TCP the path is ECN-capable.) */
static void queue_params(ws_world *w, const ws_group *g, ws_queue_config *q, GString *errors) {
  bool red = !strcmp(q->discipline, "red"), codel = !strcmp(q->discipline, "codel");
  static const char *const red_keys[] = {"red_min", "red_max", "red_pmax"};
  static const char *const codel_keys[] = {"codel_target", "codel_interval"};
  for (size_t i = 0; i < G_N_ELEMENTS(red_keys); i++)
    if (!red && ws_group_has(g, red_keys[i]))
      ws_world_warn(w->warnings, w->sc, g, red_keys[i], "has no effect: the queue is %s, not red", q->discipline);
  for (size_t i = 0; i < G_N_ELEMENTS(codel_keys); i++)
    if (!codel && ws_group_has(g, codel_keys[i]))
      ws_world_warn(w->warnings, w->sc, g, codel_keys[i], "has no effect: the queue is %s, not codel", q->discipline);
  if (red) {
    const char *unit = q->limit_in_bytes ? "bytes, such as 15kB" : "packets, such as 15p";
    const char *keys[2] = {"red_min", "red_max"};
    double th[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
      if (!ws_group_has(g, keys[i])) continue;
      ws_quantity v = ws_group_quantity(g, keys[i]);
      if ((v.kind == WS_UNIT_SIZE) != q->limit_in_bytes)
        add_error(errors, w->sc, g, keys[i], "expected %s (the unit of queue_limit)", unit);
      else th[i] = (double)v.exact;
    }
    /* Defaults: min_th 5 full-size packets, max_th 3 min_th (docs/queues.md). */
    double unit_size = q->limit_in_bytes ? 1500.0 : 1.0;
    if (th[0] == 0) th[0] = th[1] > 0 ? th[1] / 3.0 : 5.0 * unit_size;
    if (th[1] == 0) th[1] = 3.0 * th[0];
    if (th[0] >= th[1])
      add_error(errors, w->sc, g, ws_group_has(g, "red_max") ? "red_max" : "red_min",
                "expected red_max above red_min (%g%s)", th[0], q->limit_in_bytes ? "B" : "p");
    else if (th[1] > (double)q->limit)
      ws_world_warn(w->warnings, w->sc, g, ws_group_has(g, "red_max") ? "red_max" : "queue_limit",
                   "red_max (%g) is above queue_limit (%" G_GUINT64_FORMAT "): the queue "
                   "overflows before RED's average reaches it", th[1], q->limit);
    q->red_min = th[0];
    q->red_max = th[1];
    q->red_pmax = ws_group_quantity(g, "red_pmax").value;
  }
  q->codel_target_ns = ws_group_time(g, "codel_target");
  q->codel_interval_ns = ws_group_time(g, "codel_interval");
  if (codel && q->codel_target_ns >= q->codel_interval_ns)
    add_error(errors, w->sc, g, ws_group_has(g, "codel_target") ? "codel_target" : "codel_interval",
              "expected codel_target below codel_interval (RFC 8289 suggests 5-10%% of it)");
}

static bool link_config(ws_world *w, const ws_group *g, ws_link_config *cfg, GString *errors) {
  size_t before = errors->len;
  memset(cfg, 0, sizeof *cfg);
  ws_quantity rate = ws_group_quantity(g, "rate");
  if (rate.kind != WS_UNIT_RATE || rate.exact <= 0)
    add_error(errors, w->sc, g, "rate", "expected a data rate above 0 such as 10Mbit/s");
  cfg->rate_bps = rate.exact;
  cfg->delay_ns = ws_group_time(g, "delay");
  cfg->loss = ws_group_quantity(g, "loss").value;
  ws_quantity mtu = ws_group_quantity(g, "mtu");
  /* An MTU must at least carry the headers of an empty UDP datagram. */
  if (mtu.exact < (int64_t)ws_packet_udp_ip_bytes(0))
    add_error(errors, w->sc, g, "mtu", "expected at least 28B (the UDP and IPv4 headers)");
  cfg->mtu_bytes = (uint32_t)MIN(mtu.exact, (int64_t)UINT32_MAX);
  const char *queue = ws_group_enum(g, "queue");
  cfg->queue.discipline = queue ? queue : "droptail";
  /* The loader accepts only supported disciplines, and every supported one
   * is registered (tests/unit/test-scenario.c, schema-matches-registries). */
  g_assert(ws_queue_known(cfg->queue.discipline));
  ws_quantity limit = ws_group_quantity(g, "queue_limit");
  cfg->queue.limit_in_bytes = limit.kind == WS_UNIT_SIZE;
  cfg->queue.limit = limit.exact > 0 ? (uint64_t)limit.exact : 0;
  cfg->queue.ecn = ws_group_bool(g, "ecn");
  queue_params(w, g, &cfg->queue, errors);
  return errors->len == before;
}

static void add_link_dir(ws_world *w, ws_link *l, unsigned dir) {
  world_link_dir d = {.link = l, .dir = dir};
  d.entity = g_strdup_printf("link %s %s->%s", ws_link_name(l), ws_node_name(ws_link_end(l, dir)),
                             ws_node_name(ws_link_end(l, 1 - dir)));
  g_array_append_val(w->link_dirs, d);
  g_ptr_array_add(w->link_stats, ws_link_get_stats(l, dir));
}

static void add_links(ws_world *w, const ws_group *g, uint64_t seed, uint64_t run,
                      GString *errors) {
  char **ends = ws_group_list(g, "between");
  if (!ends || g_strv_length(ends) != 2) {
    add_error(errors, w->sc, g, "between", "expected two ends such as server, core");
    g_strfreev(ends);
    return;
  }
  GPtrArray *a = resolve(w, g, "between", ends[0], errors);
  GPtrArray *b = resolve(w, g, "between", ends[1], errors);
  ws_link_config cfg;
  bool ok = link_config(w, g, &cfg, errors) && a && b;
  if (ok && a->len > 1 && b->len > 1) {
    add_error(errors, w->sc, g, "between",
              "a link joins one node to one node or to each member of one group, not two groups");
    ok = false;
  }
  if (ok) {
    /* One side a group: one link per member, named LINK/i (as flows). */
    bool grouped = is_counted_group(w->sc, ends[0]) || is_counted_group(w->sc, ends[1]);
    unsigned n = MAX(a->len, b->len);
    for (unsigned i = 0; i < n; i++) {
      ws_node *na = g_ptr_array_index(a, a->len > 1 ? i : 0);
      ws_node *nb = g_ptr_array_index(b, b->len > 1 ? i : 0);
      char *name = grouped ? g_strdup_printf("%s/%u", ws_group_name(g), i)
                           : g_strdup(ws_group_name(g));
      if (na == nb) {
        add_error(errors, w->sc, g, "between", "a link cannot join %s to itself", ws_node_name(na));
      } else if (ws_net_n_links(w->net) >= WS_NET_MAX_LINKS) {
        add_error(errors, w->sc, g, NULL, "more than %u links (the address plan's limit)",
                  WS_NET_MAX_LINKS);
      } else {
        ws_link *l = ws_net_add_link(w->net, name, na, nb, &cfg, seed, run);
        g_assert(l != NULL);
        add_link_dir(w, l, 0);
        add_link_dir(w, l, 1);
      }
      g_free(name);
    }
  }
  if (a) g_ptr_array_free(a, TRUE);
  if (b) g_ptr_array_free(b, TRUE);
  g_strfreev(ends);
}

/* Largest payload the size distribution can draw, or -1 when unbounded. */
static double max_payload(const ws_dist *d) {
  switch (d->kind) {
  case WS_DIST_FIXED: return d->a.value;
  case WS_DIST_UNIFORM: return d->b.value;
  default: return -1;
  }
}

/* Probability that one payload drawn from an unbounded distribution is
 * rounded to more than max_payload bytes (exp: e^(-x/mean); Pareto with
 * scale xm = mean (a - 1)/a: (xm/x)^a). */
static double p_above(const ws_dist *d, double max_payload) {
  double x = max_payload + 0.5, mean = d->a.value;
  if (d->kind == WS_DIST_EXP) return exp(-x / mean);
  double xm = mean * (d->shape - 1) / d->shape;
  return x <= xm ? 1.0 : pow(xm / x, d->shape);
}

/* Checks that the largest datagram fits the MTU of every link on the route:
 * an error for a fixed or bounded size that does not. Unbounded sizes (exp,
 * pareto) cannot be bounded: a datagram too large for a link is dropped
 * there (WS_DROP_MTU), with a warning when that is more than 1 in 1000. */
static void check_mtu(ws_world *w, const ws_group *g, ws_node *from, ws_node *to,
                      const ws_dist *size, GString *errors) {
  double payload = max_payload(size);
  uint64_t ip_bytes = ws_packet_udp_ip_bytes(0) + (uint64_t)llround(MAX(payload, 0));
  uint32_t path_mtu = WS_IPV4_MAX_BYTES;
  const ws_link *narrowest = NULL;
  for (ws_node *cur = from; cur != to;) {
    unsigned dir;
    ws_link *l = ws_net_first_link(w->net, cur, to, &dir);
    g_assert(l != NULL);
    uint32_t mtu = MIN(ws_link_get_config(l)->mtu_bytes, WS_IPV4_MAX_BYTES);
    if (mtu < path_mtu) {
      path_mtu = mtu;
      narrowest = l;
    }
    cur = ws_link_end(l, 1 - dir);
  }
  if (payload >= 0 && ip_bytes > path_mtu) {
    add_error(errors, w->sc, g, "packet_size",
              "a %" G_GUINT64_FORMAT "B datagram (payload + 28B of UDP/IPv4 headers) does not "
              "fit the %uB mtu of link %s; wisim does not fragment",
              ip_bytes, path_mtu, narrowest ? ws_link_name(narrowest) : "?");
  } else if (payload < 0) {
    double p = p_above(size, (double)path_mtu - ws_packet_udp_ip_bytes(0));
    /* Members of a group behind the same narrow link: said once. */
    if (p > 1e-3)
      ws_world_warn(w->warnings, w->sc, g, "packet_size",
                    "%.3g%% of the datagrams (%s) exceed the %uB mtu of link %s%s and will be "
                    "dropped there (wisim does not fragment); raise its mtu, up to 65535B, to "
                    "carry them",
                    100 * p, ws_group_string(g, "packet_size") ? ws_group_string(g, "packet_size") : "",
                    path_mtu, narrowest ? ws_link_name(narrowest) : "",
                    narrowest ? "" : " (the IPv4 maximum)");
  }
}

/* What a [flow] group asks for: the traffic type, its transport and keys. */
typedef struct {
  const char *type;
  bool tcp;
  ws_traffic_params params;
  ws_tcp_config tcp_cfg;
  ws_time start, stop;
} flow_spec;

char *ws_world_resolve_path(const ws_scenario *sc, const char *file) {
  char *dir = g_path_get_dirname(ws_scenario_path(sc));
  char *path = g_path_is_absolute(file) || !strcmp(dir, ".") ? g_strdup(file)
                                                            : g_build_filename(dir, file, NULL);
  g_free(dir);
  return path;
}

/* Reads the trace file of a trace flow, relative to the scenario file's
 * folder unless absolute; the world keeps the rows. */
static const ws_traffic_trace *load_trace(ws_world *w, const ws_group *g, GString *errors) {
  const char *file = ws_group_string(g, "trace");
  if (!file || !*file) {
    add_error(errors, w->sc, g, NULL, "missing key trace (a trace flow needs trace = FILE.csv)");
    return NULL;
  }
  char *path = ws_world_resolve_path(w->sc, file);
  GError *err = NULL;
  ws_traffic_trace *tr = ws_traffic_trace_load(path, &err);
  if (!tr) {
    add_error(errors, w->sc, g, "trace", "%s", err->message);
    g_error_free(err);
  } else {
    g_ptr_array_add(w->traces, tr);
  }
  g_free(path);
  return tr;
}

/* A size key that every request-response flow needs. */
static ws_dist needed_size(ws_world *w, const ws_group *g, const char *key, GString *errors) {
  if (!ws_group_has(g, key))
    add_error(errors, w->sc, g, NULL, "missing key %s (a request-response flow needs one, e.g. "
              "%s)", key, strcmp(key, "request_size") ? "20kB" : "400B");
  return ws_group_dist(g, key);
}

static bool flow_params(ws_world *w, const ws_group *g, flow_spec *f, GString *errors) {
  size_t before = errors->len;
  memset(f, 0, sizeof *f);
  ws_traffic_params *p = &f->params;
  f->type = ws_group_enum(g, "type");
  if (!f->type) f->type = "cbr";
  const char *transport = ws_group_enum(g, "transport");
  f->tcp = transport && !strcmp(transport, "tcp");
  bool udp_ok = false, tcp_ok = false;
  bool known = ws_traffic_type_info(f->type, &udp_ok, &tcp_ok);
  bool ping = !strcmp(f->type, "ping");
  /* As for queues: the loader and the registry agree (test-scenario). */
  g_assert(known);
  if (ping && ws_group_has(g, "transport")) {
    add_error(errors, w->sc, g, "transport", "a ping flow runs over ICMP: remove transport");
  } else if (!ping && !(f->tcp ? tcp_ok : udp_ok)) {
    add_error(errors, w->sc, g, f->tcp || ws_group_has(g, "transport") ? "transport" : "type",
              "a %s flow runs over %s only%s", f->type, f->tcp ? "udp" : "tcp",
              f->tcp ? "" : " (add transport = tcp)");
  }
  bool uses_rate = !strcmp(f->type, "cbr") || !strcmp(f->type, "poisson") ||
                   !strcmp(f->type, "onoff");
  if (uses_rate && !ws_group_has(g, "rate")) {
    add_error(errors, w->sc, g, NULL, "missing key rate (a %s flow needs one, e.g. 2Mbit/s)",
              f->type);
  } else if (uses_rate) {
    ws_quantity rate = ws_group_quantity(g, "rate");
    p->rate_in_packets = rate.kind == WS_UNIT_PKT_RATE;
    p->rate = rate.value;
    p->rate_bps = p->rate_in_packets ? 0 : rate.exact;
    if (!(rate.value > 0))
      add_error(errors, w->sc, g, "rate", "expected a rate above 0 such as 2Mbit/s or 100pkt/s");
  }
  /* ping's payload defaults to ping(8)'s 56 B, not the 1200 B of the
   * scenario default (docs/traffic.md). */
  if (ping && !ws_group_has(g, "packet_size"))
    ws_units_parse_dist("56B", WS_UNIT_SIZE, &p->size);
  else
    p->size = ws_group_dist(g, "packet_size");
  if (uses_rate && !p->rate_in_packets && p->rate > 0 && !(ws_dist_mean(&p->size) > 0))
    add_error(errors, w->sc, g, "packet_size",
              "a rate in bit/s needs a mean packet size above 0B");
  p->on_time = ws_group_dist(g, "on_time");
  p->off_time = ws_group_dist(g, "off_time");
  if (!strcmp(f->type, "bulk") && !ws_group_word(g, "size"))
    p->bulk_bytes = (uint64_t)MAX(ws_group_quantity(g, "size").exact, 1);
  if (!strcmp(f->type, "request-response")) {
    p->request_size = needed_size(w, g, "request_size", errors);
    p->response_size = needed_size(w, g, "response_size", errors);
  }
  if (ws_group_has(g, "think_time")) p->think_time = ws_group_dist(g, "think_time");
  else ws_units_parse_dist("0s", WS_UNIT_TIME, &p->think_time);
  p->interval_ns = ws_group_time(g, "interval");
  if (!strcmp(f->type, "trace")) p->trace = load_trace(w, g, errors);
  if (f->tcp) {
    ws_tcp_config_default(&f->tcp_cfg);
    f->tcp_cfg.congestion = ws_group_enum(g, "congestion");
    if (!f->tcp_cfg.congestion) f->tcp_cfg.congestion = "cubic";
    f->tcp_cfg.sack = ws_group_bool(g, "sack");
    f->tcp_cfg.delayed_ack = ws_group_bool(g, "delayed_ack");
  }
  f->start = ws_group_time(g, "start");
  f->stop = ws_group_time(g, "stop"); /* "end" (the default) gives the duration */
  if (f->stop <= f->start) {
    if (ws_group_has(g, "stop"))
      add_error(errors, w->sc, g, "stop", "expected a stop time after start");
    else
      add_error(errors, w->sc, g, "start", "expected a start before the end of the run");
  }
  return errors->len == before;
}

/* True when every link from a to b has ecn = yes (RFC 3168 needs the
 * routers on the path to mark; docs/traffic.md). */
static bool path_ecn(ws_world *w, ws_node *from, ws_node *to) {
  for (ws_node *cur = from; cur != to;) {
    unsigned dir;
    ws_link *l = ws_net_first_link(w->net, cur, to, &dir);
    g_assert(l != NULL);
    if (!ws_link_get_config(l)->queue.ecn) return false;
    cur = ws_link_end(l, 1 - dir);
  }
  return true;
}

/* A fixed size of bytes, for the MTU check of fixed-size types. */
static ws_dist fixed_bytes(uint32_t bytes) {
  ws_dist d;
  memset(&d, 0, sizeof d);
  d.kind = WS_DIST_FIXED;
  d.a.kind = WS_UNIT_SIZE;
  d.a.value = bytes;
  d.a.exact = bytes;
  return d;
}

/* The MTU checks of a datagram flow (UDP or ICMP, both 28 B of headers):
 * what each direction carries must fit its path. TCP segments follow the
 * MSS, nothing to check. */
static void check_flow_mtu(ws_world *w, const ws_group *g, const flow_spec *f, ws_node *src,
                           ws_node *dst, GString *errors) {
  if (f->tcp) return;
  if (!strcmp(f->type, "voip")) {
    ws_dist d = fixed_bytes(WS_VOIP_PAYLOAD_BYTES);
    check_mtu(w, g, src, dst, &d, errors);
  } else if (!strcmp(f->type, "trace")) {
    ws_dist d = fixed_bytes(f->params.trace ? ws_traffic_trace_max_bytes(f->params.trace) : 0);
    check_mtu(w, g, src, dst, &d, errors);
  } else if (!strcmp(f->type, "request-response")) {
    check_mtu(w, g, src, dst, &f->params.request_size, errors);
    check_mtu(w, g, dst, src, &f->params.response_size, errors);
  } else {
    check_mtu(w, g, src, dst, &f->params.size, errors);
  }
}

static void add_flows(ws_world *w, const ws_group *g, uint64_t seed, uint64_t run,
                      uint32_t *dst_ports, uint32_t *src_ports, GString *errors) {
  const char *from_ref = ws_group_string(g, "from"), *to_ref = ws_group_string(g, "to");
  if (!from_ref || !to_ref) {
    add_error(errors, w->sc, g, NULL, "a flow needs both from and to");
    return;
  }
  GPtrArray *from = resolve(w, g, "from", from_ref, errors);
  GPtrArray *to = resolve(w, g, "to", to_ref, errors);
  flow_spec spec;
  bool ok = flow_params(w, g, &spec, errors) && from && to;
  if (ok && from->len > 1 && to->len > 1 && from->len != to->len) {
    add_error(errors, w->sc, g, "to", "groups of unequal size (%u and %u) cannot be paired",
              from->len, to->len);
    ok = false;
  }
  if (ok) {
    bool grouped = is_counted_group(w->sc, from_ref) || is_counted_group(w->sc, to_ref);
    unsigned n = MAX(from->len, to->len);
    for (unsigned i = 0; i < n; i++) {
      ws_node *src = g_ptr_array_index(from, from->len > 1 ? i : 0);
      ws_node *dst = g_ptr_array_index(to, to->len > 1 ? i : 0);
      if (src == dst) {
        add_error(errors, w->sc, g, "to", "a flow from %s to itself", ws_node_name(src));
        continue;
      }
      if (!w->routes_valid) continue; /* errors in nodes or links say why already */
      bool full_buffer = !strcmp(spec.type, "full-buffer");
      /* A full-buffer flow's data exists only in its radio buffer. */
      if (!full_buffer && ws_net_hops(w->net, src, dst) < 0) {
        add_error(errors, w->sc, g, NULL,
                  "no route from %s to %s (routes cross routers only; hosts do not forward)",
                  ws_node_name(src), ws_node_name(dst));
        continue;
      }
      size_t before = errors->len;
      if (!full_buffer) check_flow_mtu(w, g, &spec, src, dst, errors); /* no packets */
      if (errors->len != before) continue;
      uint32_t *dport = &dst_ports[ws_node_index(dst)], *sport = &src_ports[ws_node_index(src)];
      if (*dport > LAST_PORT || *sport > LAST_PORT) {
        add_error(errors, w->sc, g, NULL, "too many flows at %s (ports exhausted)",
                  ws_node_name(*dport > LAST_PORT ? dst : src));
        continue;
      }
      char *name = grouped ? g_strdup_printf("%s/%u", ws_group_name(g), i)
                           : g_strdup(ws_group_name(g));
      ws_traffic_config cfg = {
          .name = name,
          .type = spec.type,
          .transport = spec.tcp ? WS_TRAFFIC_TCP : WS_TRAFFIC_UDP,
          .tcp = spec.tcp_cfg,
          .index = w->flows->len,
          .from = src,
          .to = dst,
          .src_port = (uint16_t)(*sport)++,
          .dst_port = (uint16_t)(*dport)++,
          .params = spec.params,
          .start_ns = spec.start,
          .stop_ns = MIN(spec.stop, w->duration_ns),
          .warmup_ns = w->warmup_ns,
      };
      if (spec.tcp) {
        cfg.tcp.ecn = path_ecn(w, src, dst) && path_ecn(w, dst, src);
        w->has_tcp = true;
      }
      world_flow f = {.traffic = ws_traffic_new(w->net, &cfg, seed, run)};
      g_assert(f.traffic != NULL);
      if (full_buffer &&
          !ws_world_radio_full_buffer(w->radio, w->sc, g, src, dst, f.traffic, errors)) {
        ws_traffic_free(f.traffic);
        g_free(name);
        continue;
      }
      if (w->interval_ns > 0) ws_traffic_set_series(f.traffic, w->series);
      f.entity = g_strdup_printf("flow %s", name);
      g_array_append_val(w->flows, f);
      g_ptr_array_add(w->flow_stats, ws_traffic_get_stats(f.traffic));
      g_free(name);
    }
  }
  if (from) g_ptr_array_free(from, TRUE);
  if (to) g_ptr_array_free(to, TRUE);
}

/* [event] link-down / link-up: the link's own callbacks, so that the event
 * needs no context of its own (docs/network.md, "Link failures"). */
static void event_link_down(ws_sim *sim, void *ctx) {
  ws_link *l = ctx;
  g_info("%.9f s: link %s goes down", ws_time_to_s(ws_sim_now(sim)), ws_link_name(l));
  ws_net_set_link_up(ws_link_get_net(l), l, false);
}

static void event_link_up(ws_sim *sim, void *ctx) {
  ws_link *l = ctx;
  g_info("%.9f s: link %s comes back up", ws_time_to_s(ws_sim_now(sim)), ws_link_name(l));
  ws_net_set_link_up(ws_link_get_net(l), l, true);
}

/* Schedules every [event] group at its `at` (in file order for equal
 * times). The target is a link, or a link group meaning all its members. */
static void add_events(ws_world *w, GString *errors) {
  unsigned n_groups = ws_scenario_n_groups(w->sc);
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(w->sc, i);
    if (strcmp(ws_group_kind(g), "event") != 0) continue;
    const char *action = ws_group_enum(g, "action");
    const char *target = ws_group_string(g, "target");
    ws_time at = ws_group_time(g, "at");
    bool down = action && !strcmp(action, "link-down");
    if (at > w->duration_ns)
      ws_world_warn(w->warnings, w->sc, g, "at", "is after the end of the run: the event never happens");
    if (action && (!strcmp(action, "cell-off") || !strcmp(action, "cell-on"))) {
      ws_world_radio_event(w->radio, w->sc, g, !strcmp(action, "cell-on"), at, target, errors);
      continue;
    }
    /* The loader accepts only the actions built. */
    g_assert(action && (down || !strcmp(action, "link-up")));
    char **names = target ? ws_scenario_expand(w->sc, target) : NULL;
    unsigned found = 0;
    for (char **n = names; n && *n; n++)
      for (unsigned k = 0; k < ws_net_n_links(w->net); k++) {
        ws_link *l = ws_net_link(w->net, k);
        const char *name = ws_link_name(l);
        size_t len = strlen(*n);
        /* A link between a node and a group is LINK/i per member. */
        bool member = !strncmp(name, *n, len) && name[len] == '/';
        if (strcmp(name, *n) != 0 && !member) continue;
        found++;
        if (at <= w->duration_ns)
          ws_sim_schedule_at(w->sim, at, down ? event_link_down : event_link_up, l);
      }
    if (!found)
      add_error(errors, w->sc, g, "target", "expected the name of a [link], found \"%s\"",
                target ? target : "");
    g_strfreev(names);
  }
}

/* Kinds that world-radio.c builds. */
static bool is_radio_kind(const char *kind) {
  return !strcmp(kind, "cell") || !strcmp(kind, "layout") || !strcmp(kind, "ue");
}

/* Kinds that describe no entity of the wired network: nothing to build. */
static bool is_settings_kind(const char *kind) {
  return !strcmp(kind, "simulation") || !strcmp(kind, "radio") || !strcmp(kind, "handover") ||
         !strcmp(kind, "trace");
}

/* Networks up to this size list every route at debug level. */
#define LOG_ROUTES_MAX_NODES 64u

/* Diagnostics for `--log scenario=info|debug`: what was built, the address
 * plan and the routes, so a user can see why a packet goes where it goes. */
static void log_world(const ws_world *w) {
  unsigned n_nodes = ws_net_n_nodes(w->net);
  g_info("built %u nodes, %u links, %u flows", n_nodes, ws_net_n_links(w->net), w->flows->len);
  if (n_nodes > LOG_ROUTES_MAX_NODES)
    g_debug("routes not listed: %u nodes (more than %u)", n_nodes, LOG_ROUTES_MAX_NODES);
  for (unsigned i = 0; i < n_nodes; i++) {
    const ws_node *n = ws_net_node(w->net, i);
    char addr[16];
    GString *line = g_string_new(NULL);
    for (unsigned k = 0; k < ws_node_n_ifaces(n); k++)
      g_string_append_printf(line, " %s", ws_ipv4_format(ws_node_iface_addr(n, k), addr));
    g_info("node %s (%s):%s", ws_node_name(n),
           ws_node_get_kind(n) == WS_NODE_HOST ? "host" : "router",
           line->len ? line->str : " no interface");
    g_string_free(line, TRUE);
    /* Every pair costs n^2 route lookups even when debug is off (the
     * command's log handler filters, not the caller): small networks only. */
    if (n_nodes > LOG_ROUTES_MAX_NODES) continue;
    for (unsigned j = 0; j < n_nodes; j++) {
      const ws_node *to = ws_net_node(w->net, j);
      if (i != j)
        g_debug("route %s -> %s: %d hops", ws_node_name(n), ws_node_name(to),
                ws_net_hops(w->net, n, to));
    }
  }
}

ws_world *ws_world_new(ws_sim *sim, const ws_scenario *sc, uint64_t seed, uint64_t run,
                       GError **error) {
  g_return_val_if_fail(sim != NULL && sc != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  ws_world *w = g_new0(ws_world, 1);
  w->sim = sim;
  w->sc = sc;
  w->pool = ws_packet_pool_new();
  w->net = ws_net_new(sim, w->pool);
  w->flows = g_array_new(FALSE, TRUE, sizeof(world_flow));
  w->link_dirs = g_array_new(FALSE, TRUE, sizeof(world_link_dir));
  w->flow_stats = g_ptr_array_new();
  w->link_stats = g_ptr_array_new();
  w->series = ws_series_new();
  w->warnings = g_ptr_array_new_with_free_func(g_free);
  w->traces = g_ptr_array_new_with_free_func((GDestroyNotify)ws_traffic_trace_free);
  GString *errors = g_string_new(NULL);

  const ws_group *simg = ws_scenario_find(sc, "simulation", NULL);
  g_return_val_if_fail(simg != NULL, NULL);
  w->duration_ns = ws_group_time(simg, "duration");
  w->warmup_ns = ws_group_time(simg, "warmup");
  w->interval_ns = ws_group_time(simg, "metrics_interval");
  if (w->duration_ns <= 0)
    add_error(errors, sc, simg, "duration", "expected a duration above 0s");
  else if (w->warmup_ns >= w->duration_ns)
    add_error(errors, sc, simg, "warmup", "expected a warmup shorter than the duration");

  /* Nodes first (core, then hosts and routers in file order), so that links
   * and flows may name any of them. */
  ws_net_add_node(w->net, "core", WS_NODE_ROUTER);
  unsigned n_groups = ws_scenario_n_groups(sc);
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(sc, i);
    const char *kind = ws_group_kind(g);
    if (!strcmp(kind, "host")) add_nodes(w, g, WS_NODE_HOST, errors);
    else if (!strcmp(kind, "router")) add_nodes(w, g, WS_NODE_ROUTER, errors);
    else if (strcmp(kind, "link") && strcmp(kind, "flow") && strcmp(kind, "event") &&
             !is_radio_kind(kind) && !is_settings_kind(kind))
      add_error(errors, sc, g, NULL, "%s groups are not supported yet", kind);
  }
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(sc, i);
    if (!strcmp(ws_group_kind(g), "link")) add_links(w, g, seed, run, errors);
  }
  /* Cells and UEs after the wired links: their backhaul and radio links
   * take the next subnets of the address plan. */
  if (errors->len == 0)
    w->radio = ws_world_radio_new(sim, sc, w->net, seed, run, errors, w->warnings);
  /* Backhauls are wired links: links.csv and the time series show them. */
  ws_link *bh;
  for (unsigned i = 0; (bh = ws_world_radio_backhaul(w->radio, i)) != NULL; i++) {
    add_link_dir(w, bh, 0);
    add_link_dir(w, bh, 1);
  }
  ws_net_build_routes(w->net);
  w->routes_valid = errors->len == 0;
  add_events(w, errors);
  unsigned n_nodes = ws_net_n_nodes(w->net);
  uint32_t *dst_ports = g_new(uint32_t, n_nodes), *src_ports = g_new(uint32_t, n_nodes);
  for (unsigned i = 0; i < n_nodes; i++) {
    dst_ports[i] = FIRST_DST_PORT;
    src_ports[i] = FIRST_SRC_PORT;
  }
  for (unsigned i = 0; i < n_groups; i++) {
    const ws_group *g = ws_scenario_group(sc, i);
    if (!strcmp(ws_group_kind(g), "flow")) add_flows(w, g, seed, run, dst_ports, src_ports, errors);
  }
  g_free(dst_ports);
  g_free(src_ports);

  if (errors->len) {
    g_set_error_literal(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID, errors->str);
    g_string_free(errors, TRUE);
    ws_world_free(w);
    return NULL;
  }
  g_string_free(errors, TRUE);
  g_ptr_array_add(w->warnings, NULL);

  log_world(w);
  ws_net_set_drop_hook(w->net, on_drop, w);
  if (w->has_tcp) ws_net_add_tap(w->net, on_tap, w);
  /* The warmup reset is scheduled first so that at time warmup it runs
   * before any other event of that time (ties go by insertion order). */
  if (w->warmup_ns > 0) ws_sim_schedule_at(sim, w->warmup_ns, warmup_end, w);
  for (unsigned i = 0; i < w->flows->len; i++)
    ws_traffic_start(g_array_index(w->flows, world_flow, i).traffic);
  if (w->radio) ws_world_radio_start(w->radio);
  if (w->interval_ns > 0 && w->warmup_ns + w->interval_ns <= w->duration_ns)
    ws_sim_schedule_at(sim, w->warmup_ns + w->interval_ns, sample, w);
  return w;
}

void ws_world_free(ws_world *w) {
  if (!w) return;
  for (unsigned i = 0; i < w->flows->len; i++) {
    world_flow *f = &g_array_index(w->flows, world_flow, i);
    ws_traffic_free(f->traffic);
    g_free(f->entity);
  }
  for (unsigned i = 0; i < w->link_dirs->len; i++)
    g_free(g_array_index(w->link_dirs, world_link_dir, i).entity);
  g_array_free(w->flows, TRUE);
  g_array_free(w->link_dirs, TRUE);
  g_ptr_array_free(w->flow_stats, TRUE);
  g_ptr_array_free(w->link_stats, TRUE);
  ws_world_radio_free(w->radio); /* its cells hold packets of the pool */
  ws_net_free(w->net);
  g_ptr_array_free(w->traces, TRUE);
  ws_packet_pool_free(w->pool);
  ws_series_free(w->series);
  g_ptr_array_free(w->warnings, TRUE);
  g_free(w);
}

ws_time ws_world_duration(const ws_world *w) { return w->duration_ns; }
ws_time ws_world_warmup(const ws_world *w) { return w->warmup_ns; }

void ws_world_finish(ws_world *w, ws_time end) {
  g_return_if_fail(w != NULL && !w->finished);
  w->finished = true;
  for (unsigned i = 0; i < w->flows->len; i++) {
    ws_traffic *t = g_array_index(w->flows, world_flow, i).traffic;
    ws_flow_stats *s = ws_traffic_get_stats(t);
    ws_time stop = ws_traffic_get_config(t)->stop_ns;
    /* Active from max(start, warmup) to min(stop, end); never negative. */
    s->active_end = MAX(s->active_start, MIN(stop, end));
    ws_traffic_finish(t, end);
  }
  for (unsigned i = 0; i < ws_net_n_links(w->net); i++)
    ws_link_finish(ws_net_link(w->net, i), end);
  if (w->radio) ws_world_radio_finish(w->radio, end);
}

ws_flow_stats *const *ws_world_flows(const ws_world *w, unsigned *n) {
  g_return_val_if_fail(w != NULL, NULL);
  if (n) *n = w->flow_stats->len;
  return (ws_flow_stats *const *)w->flow_stats->pdata;
}

ws_link_stats *const *ws_world_links(const ws_world *w, unsigned *n) {
  g_return_val_if_fail(w != NULL, NULL);
  if (n) *n = w->link_stats->len;
  return (ws_link_stats *const *)w->link_stats->pdata;
}

const ws_series *ws_world_series(const ws_world *w) {
  g_return_val_if_fail(w != NULL, NULL);
  return w->series;
}

ws_net *ws_world_net(const ws_world *w) {
  g_return_val_if_fail(w != NULL, NULL);
  return w->net;
}

unsigned ws_world_n_traffic(const ws_world *w) { return w->flows->len; }

ws_traffic *ws_world_traffic(const ws_world *w, unsigned i) {
  g_return_val_if_fail(w != NULL && i < w->flows->len, NULL);
  return g_array_index(w->flows, world_flow, i).traffic;
}

const char *const *ws_world_warnings(const ws_world *w) {
  g_return_val_if_fail(w != NULL, NULL);
  return (const char *const *)w->warnings->pdata;
}

const ws_cell_stats *ws_world_cells(const ws_world *w, unsigned *n) {
  g_return_val_if_fail(w != NULL, NULL);
  return ws_world_radio_cells(w->radio, n);
}

const ws_ue_stats *ws_world_ues(const ws_world *w, unsigned *n) {
  g_return_val_if_fail(w != NULL, NULL);
  return ws_world_radio_ues(w->radio, n);
}

const ws_handover_row *ws_world_handovers(const ws_world *w, unsigned *n) {
  g_return_val_if_fail(w != NULL, NULL);
  return ws_world_radio_handovers(w->radio, n);
}

void ws_world_set_handover_tap(ws_world *w, ws_world_handover_fn fn, void *ctx) {
  g_return_if_fail(w != NULL);
  ws_world_radio_set_handover_tap(w->radio, fn, ctx);
}

const ws_coverage *ws_world_coverage(const ws_world *w) {
  g_return_val_if_fail(w != NULL, NULL);
  return ws_world_radio_coverage(w->radio);
}
