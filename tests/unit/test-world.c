/* Tests of the world builder (sim/scenario/world.c) from in-memory
 * scenarios: expansion of groups into flows and links with their names,
 * counters that add up (sent = received + lost + in flight), determinism,
 * common random numbers across scenario variants, warmup, the time series,
 * and build errors with the flow's file:line; every traffic type built from
 * its keys (TCP flows with their segment accounting and time series, ping,
 * voip's MOS, trace files relative to the scenario) and their errors; the
 * radio part through scenario text: a UE's SINR, CQI and throughput by
 * hand, layout naming and drops, attachment, coverage, validity warnings,
 * full-buffer errors, outages, the uplink, determinism and warmup. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "wisim/layout.h"
#include "wisim/link.h"
#include "wisim/phy.h"
#include "wisim/world.h"

typedef struct {
  ws_scenario *sc;
  ws_sim *sim;
  ws_world *w;
} run;

static ws_scenario *load(const char *text) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("t.ini", text, strlen(text), NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* Loads, builds and runs text to its duration with (seed, run index). */
static run run_text(const char *text, uint64_t seed, uint64_t run_index) {
  run r;
  r.sc = load(text);
  r.sim = ws_sim_new();
  GError *error = NULL;
  r.w = ws_world_new(r.sim, r.sc, seed, run_index, &error);
  g_assert_no_error(error);
  g_assert_nonnull(r.w);
  ws_sim_run_until(r.sim, ws_world_duration(r.w));
  ws_world_finish(r.w, ws_sim_now(r.sim));
  return r;
}

static void run_free(run *r) {
  ws_world_free(r->w);
  ws_sim_free(r->sim);
  ws_scenario_free(r->sc);
}

/* The error text of a scenario that loads but cannot be built. */
static char *build_error(const char *text) {
  ws_scenario *sc = load(text);
  ws_sim *sim = ws_sim_new();
  GError *error = NULL;
  ws_world *w = ws_world_new(sim, sc, 1, 0, &error);
  g_assert_null(w);
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  ws_sim_free(sim);
  ws_scenario_free(sc);
  return msg;
}

static const ws_flow_stats *find_flow(const ws_world *w, const char *name) {
  unsigned n;
  ws_flow_stats *const *flows = ws_world_flows(w, &n);
  for (unsigned i = 0; i < n; i++)
    if (strcmp(flows[i]->name, name) == 0) return flows[i];
  g_assert_not_reached();
}

/* A small network: three clients and a server around core, a bottleneck
 * towards the server with loss, one cbr flow per client and a Poisson flow
 * back. */
static const char *const net_text =
    "[simulation]\nduration = 2s\nwarmup = 200ms\nmetrics_interval = 100ms\n"
    "[host clients]\ncount = 3\n"
    "[host server]\n"
    "[router edge]\n"
    "[link access]\nbetween = clients, core\nrate = 100Mbit/s\ndelay = 1ms\n"
    "[link up]\nbetween = core, edge\nrate = 10Mbit/s\ndelay = 5ms\n"
    "[link last]\nbetween = edge, server\nrate = 4Mbit/s\ndelay = 2ms\nloss = 1%\n"
    "queue_limit = 20p\n"
    "[flow video]\nfrom = clients\nto = server\ntype = cbr\nrate = 1.5Mbit/s\n"
    "[flow back]\nfrom = server\nto = clients/1\ntype = poisson\nrate = 200pkt/s\n"
    "packet_size = exp(500B)\nstart = 0.5s\nstop = 1.5s\n";

static void test_end_to_end(void) {
  run r = run_text(net_text, 1, 0);
  unsigned n_flows, n_links;
  ws_flow_stats *const *flows = ws_world_flows(r.w, &n_flows);
  ws_link_stats *const *links = ws_world_links(r.w, &n_links);
  g_assert_cmpuint(n_flows, ==, 4);
  g_assert_cmpstr(flows[0]->name, ==, "video/0");
  g_assert_cmpstr(flows[2]->name, ==, "video/2");
  g_assert_cmpstr(flows[2]->from, ==, "clients/2");
  g_assert_cmpstr(flows[2]->to, ==, "server");
  g_assert_cmpstr(flows[3]->name, ==, "back");
  g_assert_cmpstr(flows[3]->type, ==, "poisson");
  /* access/0..2, up, last: two directions each, A->B first. */
  g_assert_cmpuint(n_links, ==, 10);
  g_assert_cmpstr(links[0]->link, ==, "access/0");
  g_assert_cmpstr(links[0]->from, ==, "clients/0");
  g_assert_cmpstr(links[1]->from, ==, "core");
  g_assert_cmpstr(links[8]->link, ==, "last");
  g_assert_cmpstr(links[8]->from, ==, "edge");
  /* 4.5 Mbit/s of payload (4.6 of IP) into 4 Mbit/s: the last link drops. */
  g_assert_cmpuint(links[8]->queue_drops, >, 0);
  g_assert_cmpuint(links[8]->loss_drops, >, 0);
  for (unsigned i = 0; i < n_flows; i++) {
    const ws_flow_stats *f = flows[i];
    g_assert_cmpuint(f->sent_packets, >, 0);
    g_assert_cmpuint(f->received_packets + f->in_flight_packets, <=, f->sent_packets);
    g_assert_cmpuint(f->received_packets, ==, f->delay.n);
  }
  /* cbr 1.5 Mbit/s of 1200 B = one per 6.4 ms exactly, counted from warmup
   * (0.2 s) to the end (2 s): sends at k x 6.4 ms, k = 32..312. */
  g_assert_cmpuint(flows[0]->sent_packets, ==, 281);
  g_assert_cmpint(flows[0]->active_start, ==, 200 * WS_MS);
  g_assert_cmpint(flows[0]->active_end, ==, 2 * WS_S);
  g_assert_cmpint(flows[3]->active_start, ==, 500 * WS_MS);
  g_assert_cmpint(flows[3]->active_end, ==, 1500 * WS_MS);
  /* The reverse flow starts after warmup and is alone on the reverse
   * directions: what it lost is exactly what they dropped (loss 1% on the
   * last link, and exp(500B) payloads above 1472 B exceed the 1500 B mtu). */
  const ws_flow_stats *back = find_flow(r.w, "back");
  ws_net *net = ws_world_net(r.w);
  uint64_t dropped = 0, mtu = 0;
  for (unsigned i = 0; i < ws_net_n_links(net); i++) {
    ws_link *l = ws_net_link(net, i);
    ws_link_stats *s = ws_link_get_stats(l, 1);
    dropped += s->queue_drops + s->loss_drops + ws_link_mtu_drops(l, 1);
    mtu += ws_link_mtu_drops(l, 1);
  }
  g_assert_cmpuint(mtu, >, 0);
  /* ... which the build warned about: P(exp(500B) > 1472 B) = e^-2.945. */
  const char *const *warnings = ws_world_warnings(r.w);
  g_assert_nonnull(warnings[0]);
  g_assert_null(warnings[1]);
  g_assert_nonnull(strstr(warnings[0], "t.ini:33: warning: [flow back] packet_size: 5.26% of the datagrams"));
  g_assert_nonnull(strstr(warnings[0], "1500B mtu of link last"));
  g_assert_cmpuint(back->sent_packets - back->received_packets - back->in_flight_packets, ==,
                   dropped);
  run_free(&r);
}

/* Byte for byte the same counters for the same seed and run; other values
 * for another run index. */
static void flows_digest(const ws_world *w, GString *out) {
  unsigned n;
  ws_flow_stats *const *flows = ws_world_flows(w, &n);
  for (unsigned i = 0; i < n; i++) {
    const ws_flow_stats *f = flows[i];
    g_string_append_printf(out, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                           " %" G_GUINT64_FORMAT " %a %a %a\n", f->name, f->sent_packets,
                           f->sent_bytes, f->received_packets, f->in_flight_packets, f->delay.mean,
                           f->delay.max, f->jitter.jitter_s);
  }
  ws_link_stats *const *links = ws_world_links(w, &n);
  for (unsigned i = 0; i < n; i++)
    g_string_append_printf(out, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                           " %" G_GINT64_FORMAT "\n", links[i]->link, links[i]->tx_packets,
                           links[i]->queue_drops, links[i]->loss_drops, links[i]->busy_ns);
}

static char *digest_of(const char *text, uint64_t seed, uint64_t run_index) {
  run r = run_text(text, seed, run_index);
  GString *s = g_string_new(NULL);
  flows_digest(r.w, s);
  run_free(&r);
  return g_string_free(s, FALSE);
}

static void test_determinism(void) {
  char *a = digest_of(net_text, 1, 0), *b = digest_of(net_text, 1, 0);
  char *c = digest_of(net_text, 1, 1), *d = digest_of(net_text, 2, 0);
  g_assert_cmpstr(a, ==, b);
  g_assert_cmpstr(a, !=, c);
  g_assert_cmpstr(a, !=, d);
  g_free(a);
  g_free(b);
  g_free(c);
  g_free(d);
}

/* Two simulations side by side in two threads see nothing of each other:
 * each gives what it gives alone (no global mutable state, DESIGN.md 1). */
static gpointer digest_thread(gpointer data) {
  return digest_of(net_text, GPOINTER_TO_UINT(data), 0);
}

static void test_threads(void) {
  char *alone1 = digest_of(net_text, 1, 0), *alone2 = digest_of(net_text, 2, 0);
  GThread *t1 = g_thread_new("w1", digest_thread, GUINT_TO_POINTER(1));
  GThread *t2 = g_thread_new("w2", digest_thread, GUINT_TO_POINTER(2));
  char *d1 = g_thread_join(t1), *d2 = g_thread_join(t2);
  g_assert_cmpstr(d1, ==, alone1);
  g_assert_cmpstr(d2, ==, alone2);
  g_free(alone1);
  g_free(alone2);
  g_free(d1);
  g_free(d2);
}

/* Common random numbers: adding a flow changes nothing of another flow's
 * draws. On a path of its own the other flow is identical in every counter
 * and delay; sharing its path, it still sends the very same packets (count
 * and random sizes), only their fate may differ. */
static const char *const crn_base =
    "[simulation]\nduration = 1s\nmetrics_interval = 0s\n"
    "[host a]\n[host b]\n[host c]\n[host d]\n"
    "[link ab]\nbetween = a, core\nrate = 2Mbit/s\nloss = 2%\n"
    "[link bc]\nbetween = core, b\nrate = 2Mbit/s\nloss = 2%\n"
    "[link cc]\nbetween = c, core\nrate = 2Mbit/s\n"
    "[link dc]\nbetween = core, d\nrate = 2Mbit/s\n"
    "[flow main]\nfrom = a\nto = b\ntype = poisson\nrate = 1Mbit/s\npacket_size = exp(400B)\n";

static void test_common_random_numbers(void) {
  run base = run_text(crn_base, 5, 0);
  const ws_flow_stats *m0 = find_flow(base.w, "main");
  for (int shared = 0; shared < 2; shared++) {
    char *text = g_strconcat(crn_base, "[flow other]\nfrom = ", shared ? "a" : "c",
                             "\nto = ", shared ? "b" : "d",
                             "\ntype = poisson\nrate = 1.5Mbit/s\npacket_size = exp(800B)\n", NULL);
    run r = run_text(text, 5, 0);
    const ws_flow_stats *m1 = find_flow(r.w, "main");
    g_assert_cmpuint(m1->sent_packets, ==, m0->sent_packets);
    g_assert_cmpuint(m1->sent_bytes, ==, m0->sent_bytes);
    if (!shared) {
      g_assert_cmpuint(m1->received_packets, ==, m0->received_packets);
      g_assert_cmpfloat(m1->delay.mean, ==, m0->delay.mean);
      g_assert_cmpfloat(m1->jitter.jitter_s, ==, m0->jitter.jitter_s);
    } else {
      /* The shared 2 Mbit/s path is now overloaded: the fate differs. */
      g_assert_cmpfloat(m1->delay.mean, >, m0->delay.mean);
    }
    run_free(&r);
    g_free(text);
  }
  run_free(&base);
}

/* Groups on both sides pair members in order; a flow between single
 * entities keeps the flow's name; a group of count 1 still gives FLOW/0. */
static void test_pairing(void) {
  const char *text =
      "[simulation]\nduration = 100ms\nmetrics_interval = 0s\n"
      "[host src]\ncount = 2\n[host dst]\ncount = 2\n[host one]\ncount = 1\n[host solo]\n"
      "[link s]\nbetween = src, core\nrate = 1Gbit/s\n"
      "[link d]\nbetween = core, dst\nrate = 1Gbit/s\n"
      "[link o]\nbetween = one, core\nrate = 1Gbit/s\n"
      "[link x]\nbetween = solo, core\nrate = 1Gbit/s\n"
      "[flow pair]\nfrom = src\nto = dst\nrate = 100pkt/s\n"
      "[flow single]\nfrom = solo\nto = dst/1\nrate = 100pkt/s\n"
      "[flow counted]\nfrom = one\nto = solo\nrate = 100pkt/s\n";
  run r = run_text(text, 1, 0);
  unsigned n;
  ws_flow_stats *const *flows = ws_world_flows(r.w, &n);
  g_assert_cmpuint(n, ==, 4);
  g_assert_cmpstr(flows[0]->name, ==, "pair/0");
  g_assert_cmpstr(flows[0]->from, ==, "src/0");
  g_assert_cmpstr(flows[0]->to, ==, "dst/0");
  g_assert_cmpstr(flows[1]->name, ==, "pair/1");
  g_assert_cmpstr(flows[1]->from, ==, "src/1");
  g_assert_cmpstr(flows[1]->to, ==, "dst/1");
  g_assert_cmpstr(flows[2]->name, ==, "single");
  g_assert_cmpstr(flows[3]->name, ==, "counted/0");
  unsigned nl;
  ws_link_stats *const *links = ws_world_links(r.w, &nl);
  g_assert_cmpuint(nl, ==, 2 * 6);
  g_assert_cmpstr(links[2]->link, ==, "s/1");
  g_assert_cmpstr(links[2]->from, ==, "src/1");
  g_assert_cmpstr(links[8]->link, ==, "o/0");
  g_assert_cmpstr(links[10]->link, ==, "x");
  /* Both flows into dst/1 were delivered to their own port. */
  for (unsigned i = 0; i < n; i++) {
    g_assert_cmpuint(flows[i]->sent_packets, ==, 10);
    g_assert_cmpuint(flows[i]->received_packets, ==, 10);
  }
  run_free(&r);
}

/* The time series, every 100 ms of a 1 s run: one throughput row per flow
 * and two rows per link direction per sample. A 2 Mbit/s cbr flow of 1200 B
 * sends one packet per 4.8 ms, so an interval delivers 20 or 21 packets
 * (2 Mbit/s within one packet's 96 kbit/s); alone on its link, the system
 * holds exactly one packet while the link is busy, so each interval's mean
 * queue_packets equals its utilisation; the samples add up to the run's
 * busy time; the idle direction shows zeros. */
static void test_series(void) {
  const char *text =
      "[simulation]\nduration = 1s\nmetrics_interval = 100ms\n"
      "[host a]\n[host b]\n"
      "[link ab]\nbetween = a, b\nrate = 4Mbit/s\n"
      "[flow f]\nfrom = a\nto = b\nrate = 2Mbit/s\n";
  run r = run_text(text, 1, 0);
  const ws_series *s = ws_world_series(r.w);
  g_assert_cmpuint(ws_series_rows(s), ==, 10 * (1 + 2 * 2));
  g_assert_null(ws_world_warnings(r.w)[0]);
  char *dir = g_dir_make_tmp("wisim-world-XXXXXX", NULL);
  char *path = g_build_filename(dir, "timeseries.csv", NULL);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_series(path, s, &error));
  char *csv = NULL;
  g_assert_true(g_file_get_contents(path, &csv, NULL, NULL));
  char **lines = g_strsplit(csv, "\n", -1);
  g_assert_cmpstr(lines[0], ==, "time_s,entity,metric,value");
  double util_sum = 0, thr_sum = 0, queue_mean = -1;
  int n_thr = 0, n_util = 0, n_idle = 0;
  for (char **l = lines + 1; *l && **l; l++) {
    char **f = g_strsplit(*l, ",", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 4);
    double v = g_ascii_strtod(f[3], NULL);
    if (!strcmp(f[1], "flow f")) {
      g_assert_cmpstr(f[2], ==, "throughput_bps");
      n_thr++;
      thr_sum += v;
      if (n_thr > 1) g_assert_cmpfloat(fabs(v - 2e6), <=, 96000 + 1e-6);
    } else if (!strcmp(f[1], "link ab a->b")) {
      /* Per sample: queue_packets, then utilisation. */
      if (!strcmp(f[2], "queue_packets")) {
        queue_mean = v;
      } else {
        g_assert_cmpstr(f[2], ==, "utilisation");
        g_assert_cmpfloat(fabs(v - queue_mean), <, 1e-6);
        n_util++;
        util_sum += v;
      }
    } else {
      g_assert_cmpstr(f[1], ==, "link ab b->a");
      g_assert_cmpfloat(v, ==, 0);
      n_idle++;
    }
    g_strfreev(f);
  }
  g_assert_cmpint(n_thr, ==, 10);
  g_assert_cmpint(n_util, ==, 10);
  g_assert_cmpint(n_idle, ==, 20);
  unsigned nl, nf;
  ws_link_stats *const *links = ws_world_links(r.w, &nl);
  ws_flow_stats *const *flows = ws_world_flows(r.w, &nf);
  g_assert_cmpfloat(fabs(util_sum * 0.1 - (double)links[0]->busy_ns / 1e9), <, 1e-9);
  g_assert_cmpfloat(fabs(thr_sum * 0.1 - (double)flows[0]->received_bytes * 8), <, 1e-3);
  g_strfreev(lines);
  g_free(csv);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  run_free(&r);
}

/* Warmup resets the links: after a 0.5 s warmup of a 1 s run, the link has
 * carried only the packets of the second half (cbr 1 per 4.8 ms: k = 105..208
 * end their transmission after 0.5 s, 104 of them). */
static void test_warmup(void) {
  const char *text =
      "[simulation]\nduration = 1s\nwarmup = 0.5s\nmetrics_interval = 0s\n"
      "[host a]\n[host b]\n"
      "[link ab]\nbetween = a, b\nrate = 100Mbit/s\n"
      "[flow f]\nfrom = a\nto = b\nrate = 2Mbit/s\n";
  run r = run_text(text, 1, 0);
  unsigned n;
  ws_link_stats *const *links = ws_world_links(r.w, &n);
  ws_flow_stats *const *flows = ws_world_flows(r.w, &n);
  g_assert_cmpuint(links[0]->tx_packets, ==, 104);
  g_assert_cmpuint(flows[0]->sent_packets, ==, 104);
  g_assert_cmpuint(flows[0]->received_packets, ==, 104);
  /* 104 x 1228 B at 100 Mbit/s = 104 x 98240 ns of busy time. */
  g_assert_cmpint(links[0]->busy_ns, ==, 104 * 98240);
  run_free(&r);
}

/* Errors found only by building: the line of the flow, all of them. */
static void test_errors(void) {
  char *msg = build_error(
      "[simulation]\nduration = 1s\n"
      "[host a]\n[host b]\n[host c]\n"
      "[link ab]\nbetween = a, b\nrate = 1Mbit/s\nmtu = 1000B\n"
      "[link bc]\nbetween = b, c\nrate = 1Mbit/s\n"
      "[flow far]\nfrom = a\nto = c\nrate = 1Mbit/s\n"
      "[flow big]\nfrom = a\nto = b\nrate = 1Mbit/s\npacket_size = 1000B\n"
      "[flow fits]\nfrom = a\nto = b\nrate = 1Mbit/s\npacket_size = 972B\n");
  g_test_message("%s", msg);
  g_assert_nonnull(strstr(msg, "t.ini:13: [flow far] no route from a to c"));
  g_assert_nonnull(strstr(msg, "t.ini:21: [flow big] packet_size: a 1028B datagram"));
  g_assert_nonnull(strstr(msg, "mtu of link ab"));
  g_assert_null(strstr(msg, "fits"));
  g_assert_null(strstr(msg, "\n\n"));
  g_free(msg);
}


/* ---- every traffic type -------------------------------------------------------- */

/* A scenario in a temporary folder with a trace file next to it; returns
 * the folder (caller removes it with rm_tree). */
static char *write_files(const char *ini, const char *trace) {
  char *dir = g_dir_make_tmp("wisim-world-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *p = g_build_filename(dir, "t.ini", NULL);
  g_assert_true(g_file_set_contents(p, ini, -1, NULL));
  g_free(p);
  p = g_build_filename(dir, "tr.csv", NULL);
  g_assert_true(g_file_set_contents(p, trace, -1, NULL));
  g_free(p);
  return dir;
}

static void rm_tree(char *dir) {
  const char *names[] = {"t.ini", "tr.csv"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    char *p = g_build_filename(dir, names[i], NULL);
    g_unlink(p);
    g_free(p);
  }
  g_rmdir(dir);
  g_free(dir);
}

static const char *const types_text =
    "[simulation]\nduration = 3s\nwarmup = 0.5s\nmetrics_interval = 0.5s\n"
    "[host a]\n[host b]\n"
    "[link ab]\nbetween = a, b\nrate = 8Mbit/s\ndelay = 1ms\nloss = 0.5%\n"
    "[flow png]\nfrom = a\nto = b\ntype = ping\ninterval = 100ms\n"
    "[flow call]\nfrom = a\nto = b\ntype = voip\n"
    "[flow oo]\nfrom = b\nto = a\ntype = onoff\nrate = 1Mbit/s\non_time = exp(100ms)\n"
    "off_time = pareto(200ms, 2.5)\n"
    "[flow web]\nfrom = a\nto = b\ntype = request-response\ntransport = tcp\n"
    "request_size = 300B\nresponse_size = 20kB\nthink_time = exp(50ms)\n"
    "[flow rpc]\nfrom = b\nto = a\ntype = request-response\nrequest_size = 100B\n"
    "response_size = 1000B\n"
    "[flow dl]\nfrom = b\nto = a\ntype = bulk\ntransport = tcp\nsize = 200kB\n"
    "congestion = newreno\nsack = no\ndelayed_ack = no\nstart = 0.6s\n"
    "[flow bg]\nfrom = a\nto = b\ntype = cbr\ntransport = tcp\nrate = 500kbit/s\n"
    "[flow rep]\nfrom = a\nto = b\ntype = trace\ntrace = tr.csv\n";
static const char *const trace_csv = "time_s,bytes\n0,100\n0.6,200\n0.6,300\n# end\n2.5,400\n";

static run run_file(const char *dir, uint64_t seed) {
  run r;
  char *path = g_build_filename(dir, "t.ini", NULL);
  GError *error = NULL;
  r.sc = ws_scenario_load(path, NULL, &error);
  g_assert_no_error(error);
  g_free(path);
  r.sim = ws_sim_new();
  r.w = ws_world_new(r.sim, r.sc, seed, 0, &error);
  g_assert_no_error(error);
  ws_sim_run_until(r.sim, ws_world_duration(r.w));
  ws_world_finish(r.w, ws_sim_now(r.sim));
  return r;
}

static void test_traffic_types(void) {
  char *dir = write_files(types_text, trace_csv);
  run r = run_file(dir, 1);
  unsigned n;
  ws_flow_stats *const *flows = ws_world_flows(r.w, &n);
  g_assert_cmpuint(n, ==, 8);
  for (unsigned i = 0; i < n; i++) {
    const ws_flow_stats *f = flows[i];
    g_test_message("%s %s/%s sent %" G_GUINT64_FORMAT " recv %" G_GUINT64_FORMAT
                   " lost %" G_GUINT64_FORMAT " inflight %" G_GUINT64_FORMAT, f->name,
                   f->transport, f->type, f->sent_packets, f->received_packets,
                   ws_flow_stats_lost(f), f->in_flight_packets);
    g_assert_cmpuint(f->sent_packets, >, 0);
    g_assert_cmpuint(f->received_packets + f->in_flight_packets, <=, f->sent_packets);
  }
  const ws_flow_stats *png = find_flow(r.w, "png");
  g_assert_cmpstr(png->transport, ==, "icmp");
  /* Probes from 0.5 s (warmup) every 100 ms to 3 s: 25; the RTT of an idle
   * 8 Mbit/s hop with 56 B payloads: 2 x (84 us + 1 ms). */
  g_assert_cmpuint(png->sent_packets, ==, 25);
  g_assert_cmpfloat(png->delay.min, ==, ws_time_to_s(2 * (84 * WS_US + WS_MS)));
  const ws_flow_stats *call = find_flow(r.w, "call");
  g_assert_cmpuint(call->sent_packets, ==, 125);
  g_assert_false(isnan(call->mos));
  g_assert_cmpfloat(call->mos, <=, 4.41);
  const ws_flow_stats *web = find_flow(r.w, "web");
  g_assert_cmpstr(web->transport, ==, "tcp");
  g_assert_cmpuint(web->response.n, >, 5);
  const ws_flow_stats *rpc = find_flow(r.w, "rpc");
  g_assert_cmpstr(rpc->transport, ==, "udp");
  /* Each exchange lost on the link's random loss waits the 1 s UDP timeout,
   * so the count depends on the loss draws of every flow sharing the link
   * (60 with seed 1): above 50 shows exchanges resume after a loss. */
  g_assert_cmpuint(rpc->response.n, >, 50);
  const ws_flow_stats *dl = find_flow(r.w, "dl");
  g_assert_cmpint(dl->completion_ns, >, 0);
  const ws_flow_stats *rep = find_flow(r.w, "rep");
  /* Rows after warmup: 0.6 s (two) and 2.5 s. */
  g_assert_cmpuint(rep->sent_packets, ==, 3);
  g_assert_cmpuint(rep->sent_bytes, ==, 900);
  /* TCP flows have their four rows per interval; ping its rtt rows. */
  const ws_series *s = ws_world_series(r.w);
  unsigned cwnd = 0, rtt = 0, srtt = 0;
  for (unsigned i = 0; i < ws_series_rows(s); i++) {
    const char *entity, *metric;
    ws_series_row(s, i, NULL, &entity, &metric, NULL);
    if (!strcmp(metric, "cwnd_bytes")) cwnd++;
    if (!strcmp(metric, "srtt_s")) srtt++;
    if (!strcmp(metric, "rtt_s")) {
      g_assert_cmpstr(entity, ==, "flow png");
      rtt++;
    }
  }
  g_assert_cmpuint(cwnd, ==, 3 * 5); /* web, dl, bg at 1, 1.5, ..., 3 s */
  g_assert_cmpuint(srtt, ==, cwnd);
  g_assert_cmpuint(rtt, ==, png->received_packets);
  run_free(&r);
  rm_tree(dir);
}

/* Same seed, same everything, TCP flows included; another seed differs. */
static GString *fingerprint(const ws_world *w) {
  GString *g = g_string_new(NULL);
  unsigned n;
  ws_flow_stats *const *flows = ws_world_flows(w, &n);
  for (unsigned i = 0; i < n; i++) {
    const ws_flow_stats *f = flows[i];
    g_string_append_printf(g, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                           " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %.17g %.17g %.17g %"
                           G_GINT64_FORMAT "\n", f->name, f->sent_packets, f->sent_bytes,
                           f->received_packets, f->received_bytes, f->retransmissions,
                           f->delay.mean, f->response.mean, f->mos, f->completion_ns);
  }
  const ws_series *s = ws_world_series(w);
  for (unsigned i = 0; i < ws_series_rows(s); i++) {
    ws_time t;
    const char *entity, *metric;
    double v;
    ws_series_row(s, i, &t, &entity, &metric, &v);
    g_string_append_printf(g, "%" G_GINT64_FORMAT " %s %s %.17g\n", t, entity, metric, v);
  }
  return g;
}

static void test_traffic_determinism(void) {
  char *dir = write_files(types_text, trace_csv);
  GString *prints[3];
  for (int i = 0; i < 3; i++) {
    run r = run_file(dir, i < 2 ? 1 : 2);
    prints[i] = fingerprint(r.w);
    run_free(&r);
  }
  g_assert_cmpstr(prints[0]->str, ==, prints[1]->str);
  g_assert_cmpstr(prints[0]->str, !=, prints[2]->str);
  for (int i = 0; i < 3; i++) g_string_free(prints[i], TRUE);
  rm_tree(dir);
}

/* Type/transport mismatches, missing keys and bad trace files, each with
 * its line; the trace's own file:line inside the message. */
static void test_traffic_errors(void) {
  char *dir = write_files(
      "[simulation]\nduration = 1s\n"
      "[host a]\n[host b]\n"
      "[link ab]\nbetween = a, b\nrate = 1Mbit/s\n"
      "[flow f1]\nfrom = a\nto = b\ntype = bulk\n"                         /* 8 */
      "[flow f2]\nfrom = a\nto = b\ntype = voip\ntransport = tcp\n"        /* 12 */
      "[flow f3]\nfrom = a\nto = b\nrate = 1Mbit/s\n"                      /* 17: fine */
      "[flow f4]\nfrom = a\nto = b\ntype = request-response\n"             /* 21 */
      "[flow f5]\nfrom = a\nto = b\ntype = trace\ntrace = tr.csv\n"        /* 25 */
      "[flow f6]\nfrom = a\nto = b\ntype = trace\ntrace = nosuch.csv\n"    /* 30 */
      "[flow f7]\nfrom = a\nto = b\ntype = ping\ntransport = udp\n"         /* 35 */
      "[flow f8]\nfrom = a\nto = b\ntype = ping\npacket_size = 1473B\n",   /* 40 */
      "0,100\n0.5,abc\n");
  char *path = g_build_filename(dir, "t.ini", NULL);
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load(path, NULL, &error);
  g_assert_no_error(error);
  ws_sim *sim = ws_sim_new();
  g_assert_null(ws_world_new(sim, sc, 1, 0, &error));
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  const char *msg = error->message;
  g_test_message("%s", msg);
  g_assert_nonnull(strstr(msg, "t.ini:11: [flow f1] type: a bulk flow runs over tcp only"));
  g_assert_nonnull(strstr(msg, "t.ini:16: [flow f2] transport: a voip flow runs over udp only"));
  g_assert_null(strstr(msg, "[flow f3]"));
  g_assert_nonnull(strstr(msg, "t.ini:21: [flow f4] missing key request_size"));
  g_assert_nonnull(strstr(msg, "t.ini:21: [flow f4] missing key response_size"));
  g_assert_nonnull(strstr(msg, "t.ini:29: [flow f5] trace: "));
  g_assert_nonnull(strstr(msg, "tr.csv:2: expected a row time_s,bytes"));
  g_assert_nonnull(strstr(msg, "t.ini:34: [flow f6] trace: "));
  g_assert_nonnull(strstr(msg, "nosuch.csv: cannot read the trace"));
  g_assert_nonnull(strstr(msg, "t.ini:39: [flow f7] transport: a ping flow runs over ICMP"));
  g_assert_nonnull(strstr(msg, "[flow f8] packet_size: a 1501B datagram"));
  g_error_free(error);
  ws_sim_free(sim);
  ws_scenario_free(sc);
  g_free(path);
  rm_tree(dir);
}

/* ---- the radio part: [radio], [cell], [layout], [ue] ------------------------ */

static const ws_ue_stats *find_ue(const ws_world *w, const char *name) {
  unsigned n;
  const ws_ue_stats *ues = ws_world_ues(w, &n);
  for (unsigned i = 0; i < n; i++)
    if (strcmp(ues[i].name, name) == 0) return &ues[i];
  g_error("no UE %s", name);
}

static const ws_cell_stats *find_cell(const ws_world *w, const char *name) {
  unsigned n;
  const ws_cell_stats *cells = ws_world_cells(w, &n);
  for (unsigned i = 0; i < n; i++)
    if (strcmp(cells[i].name, name) == 0) return &cells[i];
  g_error("no cell %s", name);
}

/* The first build warning containing every one of the NULL-terminated
 * fragments, or NULL. */
static const char *find_warning(const ws_world *w, ...) {
  for (const char *const *wn = ws_world_warnings(w); *wn; wn++) {
    va_list ap;
    va_start(ap, w);
    bool all = true;
    for (const char *frag = va_arg(ap, const char *); frag; frag = va_arg(ap, const char *))
      all = all && strstr(*wn, frag) != NULL;
    va_end(ap);
    if (all) return *wn;
  }
  return NULL;
}

static void print_warnings(const ws_world *w) {
  for (const char *const *wn = ws_world_warnings(w); *wn; wn++) g_test_message("%s", *wn);
}

/* A full-buffer UE's throughput over a window of window_s from the start
 * (or from warmup) is a whole number of slots' transport blocks of tbs_bits,
 * one per 1 ms slot: exactly window_s / 1 ms of them (the slot that would
 * start at the end of the run is not run; an earlier version counted it:
 * 201 blocks over 200 ms). */
static void check_slots(double throughput_bps, uint32_t tbs_bits, double window_s) {
  double blocks = throughput_bps * window_s / tbs_bits;
  unsigned expected = (unsigned)lround(window_s / 1e-3);
  g_test_message("%.6f blocks of %u bits in %g s (expected %u)", blocks, tbs_bits, window_s,
                 expected);
  /* Whole blocks: the data bits are a multiple of the TBS (1e-6 of one
   * block is floating-point rounding of the division). */
  g_assert_cmpfloat(fabs(blocks - round(blocks)), <, 1e-6);
  g_assert_cmpint(lround(blocks), ==, expected);
}

/* Hand link budget of docs/radio.md for an omni 0 dBi cell at 25 m and a UE
 * at 1.5 m, 2.1 GHz, log-distance (d0 = 1 m, Friis at d0), 50 RBs of 180
 * kHz, kT at 290 K with the exact Boltzmann constant, UE noise figure 9 dB:
 * the SNR per RB with the cell's 46 dBm spread evenly over the 50 RBs. */
static double hand_snr_db(double d2d_m, double exponent) {
  const double c_m_s = 299792458.0, k_j_k = 1.380649e-23;
  double d3d = sqrt(d2d_m * d2d_m + (25.0 - 1.5) * (25.0 - 1.5));
  double pl = 20 * log10(4 * G_PI * 1.0 * 2.1e9 / c_m_s) + 10 * exponent * log10(d3d / 1.0);
  double noise_dbm = 10 * log10(k_j_k * 290.0 * 180e3 / 1e-3) + 9.0;
  return 46.0 - 10 * log10(50.0) - pl - noise_dbm;
}

/* One cell, one UE 300 m away, log-distance with exponent 3, no shadowing
 * or fading, a full-buffer downlink for 200 ms. */
static char *single_ue_text(double x_m) {
  return g_strdup_printf("[simulation]\nduration = 200ms\nmetrics_interval = 0s\n"
                         "[radio]\npathloss = log-distance\nexponent = 3\n"
                         "[cell A]\nposition = 0, 0\n"
                         "[ue u]\nplacement = points\npoints = %g, 0\n"
                         "[host server]\n"
                         "[flow fb]\nfrom = server\nto = u\ntype = full-buffer\n", x_m);
}

static void test_radio_single_ue(void) {
  char *text = single_ue_text(300);
  run r = run_text(text, 1, 0);
  g_free(text);
  print_warnings(r.w);
  g_assert_null(ws_world_warnings(r.w)[0]);
  unsigned n_ues, n_cells;
  const ws_ue_stats *ues = ws_world_ues(r.w, &n_ues);
  const ws_cell_stats *cells = ws_world_cells(r.w, &n_cells);
  g_assert_cmpuint(n_ues, ==, 1);
  g_assert_cmpuint(n_cells, ==, 1);
  const ws_ue_stats *u = &ues[0];
  const ws_cell_stats *c = &cells[0];
  double snr = hand_snr_db(300, 3);
  g_test_message("hand SNR %.6f dB; sinr %.9f geometry %.9f rsrp %.9f cqi %g thr %.1f "
                 "bler %g retx %" G_GUINT64_FORMAT, snr, u->sinr_db, u->geometry_sinr_db,
                 u->rsrp_dbm, u->cqi_mean, u->throughput_dl_bps, u->bler_dl, u->harq_retx_dl);
  g_assert_cmpstr(u->name, ==, "u");
  g_assert_cmpstr(u->cell, ==, "A");
  g_assert_false(u->out_of_coverage);
  g_assert_true(u->dl_active);
  g_assert_false(u->ul_active);
  /* Alone, the cell has no interference: SINR = SNR. The engine sums the
   * same terms in another order (linear, then dB): 1e-9 dB is rounding. */
  g_assert_cmpfloat(fabs(u->sinr_db - snr), <, 1e-9);
  g_assert_cmpfloat(fabs(u->geometry_sinr_db - snr), <, 1e-9);
  /* RSRP: power per resource element, 46 dBm over 600 REs (TS 36.214
   * 5.1.1), same path loss: the SNR + noise per RB - 10 log10(12). */
  double noise_rb = 10 * log10(1.380649e-23 * 290.0 * 180e3 / 1e-3) + 9.0;
  g_assert_cmpfloat(fabs(u->rsrp_dbm - (snr + noise_rb - 10 * log10(12.0))), <, 1e-9);
  /* 28.2 dB is 9.6 dB above CQI 15's threshold (38.214 Table 5.2.2.1-2's
   * top row, 10% BLER at 18.6 dB): every report is 15, and no block is in
   * error (the curve gives a BLER below double precision there). */
  g_assert_cmpfloat(snr, >, ws_phy_cqi_threshold_db(15) + 5);
  g_assert_cmpfloat(ws_phy_bler(28, 36896, snr), <, 1e-12);
  g_assert_cmpfloat(u->cqi_mean, ==, 15);
  g_assert_cmpfloat(u->bler_dl, ==, 0);
  g_assert_cmpuint(u->harq_retx_dl, ==, 0);
  /* CQI 15 -> MCS 28 (64QAM, R 948/1024: Table 5.1.3.1-1's row with CQI
   * 15's efficiency 5.5547); TBS (38.214 5.1.3.2) for 50 PRBs of 132 REs:
   * N_info = 6600 x 948/1024 x 6 = 36660.9; n = floor(log2(N_info - 24))
   * - 5 = 10; N'_info = 1024 round(36636.9 / 1024) = 36864; C = ceil(36888
   * / 8424) = 5; TBS = 8 C ceil(36888 / (8 C)) - 24 = 36896 bits per 1 ms
   * slot. Full buffer: the blocks carry data only (no IP or RLC headers),
   * so the UE's data throughput is that, every slot of the 200. */
  g_assert_cmpuint(ws_phy_tbs(28, 50), ==, 36896);
  g_assert_cmpfloat(fabs(c->throughput_dl_bps - u->throughput_dl_bps), <, 1e-6);
  g_assert_cmpfloat(fabs(c->spectral_efficiency_dl - c->throughput_dl_bps / 10e6), <, 1e-12);
  check_slots(u->throughput_dl_bps, 36896, 0.2);
  g_assert_cmpfloat(c->rb_utilisation_dl, ==, 1);
  g_assert_cmpuint(c->ues, ==, 1);
  g_assert_cmpuint(c->ues_out_of_coverage, ==, 0);
  g_assert_cmpfloat(c->on_fraction, ==, 1);
  g_assert_true(isnan(c->throughput_ul_bps)); /* no uplink: nobody sends */
  g_assert_true(isnan(u->throughput_ul_bps));
  /* flows.csv: the full-buffer flow is credited with what the radio
   * delivered, whole bytes (36896 bits = 4612 B per slot, so exactly). */
  const ws_flow_stats *f = find_flow(r.w, "fb");
  g_assert_cmpstr(f->transport, ==, "radio");
  g_assert_cmpstr(f->type, ==, "full-buffer");
  g_assert_cmpuint(f->sent_packets, ==, 0);
  g_assert_cmpuint(f->received_bytes % 4612, ==, 0);
  g_assert_cmpfloat(f->received_bytes * 8.0 / 0.2, ==, u->throughput_dl_bps);
  g_assert_cmpfloat(fabs(ws_flow_stats_throughput_bps(f) - u->throughput_dl_bps), <, 1e-6);
  /* The coverage map: squares of a round step (1, 2 or 5 x 10^k) over the
   * cell and the UE with a 50 m margin, [-50, 350] x [-50, 50] at most 100
   * per side: 5 m; every square served by A at the hand SNR of its centre
   * (the UE's height, 1.5 m). */
  const ws_coverage *cov = ws_world_coverage(r.w);
  g_assert_nonnull(cov);
  g_assert_cmpfloat(cov->step_m, ==, 5);
  g_assert_cmpfloat(cov->x0_m - cov->step_m / 2, <=, -50);
  g_assert_cmpfloat(cov->y0_m - cov->step_m / 2, <=, -50);
  g_assert_cmpfloat(cov->x0_m + (cov->nx - 0.5) * cov->step_m, >=, 350);
  g_assert_cmpfloat(cov->y0_m + (cov->ny - 0.5) * cov->step_m, >=, 50);
  g_assert_cmpstr(cov->cell_names[0], ==, "A");
  for (unsigned j = 0; j < cov->ny; j++)
    for (unsigned i = 0; i < cov->nx; i++) {
      size_t k = (size_t)j * cov->nx + i;
      double d = hypot(cov->x0_m + i * cov->step_m, cov->y0_m + j * cov->step_m);
      g_assert_cmpint(cov->cell[k], ==, 0);
      g_assert_cmpfloat(fabs(cov->sinr_db[k] - hand_snr_db(d, 3)), <, 1e-9);
    }
  run_free(&r);
}

/* Mid-range: 1.3 km away the SNR is 9.1 dB, between two CQI thresholds:
 * the reports give the CQI the table says, and the throughput is the TBS
 * of its MCS on all 50 PRBs. */
static void test_radio_mid_snr(void) {
  char *text = single_ue_text(1300);
  run r = run_text(text, 1, 0);
  g_free(text);
  const ws_ue_stats *u = find_ue(r.w, "u");
  double snr = hand_snr_db(1300, 3);
  unsigned cqi = 0;
  for (unsigned k = 1; k <= 15; k++)
    if (ws_phy_cqi_threshold_db(k) <= snr) cqi = k;
  int mcs = ws_phy_cqi_to_mcs(cqi);
  uint32_t tbs = ws_phy_tbs((unsigned)mcs, 50);
  g_test_message("hand SNR %.6f dB -> CQI %u (threshold %.3f, next %.3f) MCS %d TBS %u; "
                 "sinr %.9f cqi %g thr %.1f bler %g", snr, cqi, ws_phy_cqi_threshold_db(cqi),
                 ws_phy_cqi_threshold_db(cqi + 1), mcs, tbs, u->sinr_db, u->cqi_mean,
                 u->throughput_dl_bps, u->bler_dl);
  /* By the tables: CQI 9 is 16QAM at R 616/1024 (2.4063 bit/RE), MCS 15
   * the same row of Table 5.1.3.1-1; TBS for 50 PRBs: N_info = 6600 x
   * 616/1024 x 4 = 15881.25, n = 8, N'_info = 256 round(15857.25 / 256) =
   * 15872, C = ceil(15896 / 8424) = 2, TBS = 16 ceil(15896 / 16) - 24 =
   * 15880. */
  g_assert_cmpuint(cqi, ==, 9);
  g_assert_cmpint(mcs, ==, 15);
  g_assert_cmpuint(tbs, ==, 15880);
  /* Clear of both thresholds (0.78 dB above CQI 9's, 0.39 dB below CQI
   * 10's): no rounding can move the report. The MCS's own 10% point is
   * the same (MCS 15 has CQI 9's efficiency), and 0.78 dB above it the
   * curve gives 3e-23 per block: no error in 200 blocks. */
  g_assert_cmpfloat(snr - ws_phy_cqi_threshold_db(cqi), >, 0.3);
  g_assert_cmpfloat(ws_phy_cqi_threshold_db(cqi + 1) - snr, >, 0.3);
  g_assert_cmpfloat(ws_phy_bler((unsigned)mcs, tbs, snr), <, 1e-12);
  g_assert_cmpfloat(fabs(u->sinr_db - snr), <, 1e-9);
  g_assert_cmpfloat(u->cqi_mean, ==, cqi);
  g_assert_cmpfloat(u->bler_dl, ==, 0);
  check_slots(u->throughput_dl_bps, tbs, 0.2);
  run_free(&r);
}

/* [layout macro] rings = 1, sectors = 3: 7 sites x 3 sectors, cells named
 * macro/SITE.SECTOR with the docs' site positions and azimuths 30, 150,
 * 270; per-cell placement drops 2 UEs in each cell's hexagon, at least
 * TR 38.901's 35 m from the site for UMa. */
static void test_radio_layout(void) {
  const char *text =
      "[simulation]\nduration = 5ms\nmetrics_interval = 0s\n"
      "[radio]\npathloss = 3gpp-uma\n"
      "[layout macro]\nrings = 1\nsectors = 3\n"
      "[ue users]\nplacement = per-cell\nper_cell = 2\n";
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  unsigned n_cells, n_ues;
  const ws_cell_stats *cells = ws_world_cells(r.w, &n_cells);
  const ws_ue_stats *ues = ws_world_ues(r.w, &n_ues);
  g_assert_cmpuint(n_cells, ==, 21);
  g_assert_cmpuint(n_ues, ==, 42);
  /* docs/cells.md "Sites and their numbering", isd 500 m: a = 250 sqrt 3. */
  const double a = 250 * sqrt(3.0);
  const double site_xy[7][2] = {{0, 0}, {a, 250}, {0, 500}, {-a, 250}, {-a, -250}, {0, -500},
                                {a, -250}};
  ws_layout_config lc = {.rings = 1, .isd_m = 500, .sectors = 3};
  ws_layout *lay = ws_layout_new(&lc);
  unsigned attached = 0;
  for (unsigned c = 0; c < 21; c++) {
    char *name = g_strdup_printf("macro/%u.%u", c / 3, c % 3);
    g_assert_cmpstr(cells[c].name, ==, name);
    g_free(name);
    g_assert_cmpint(cells[c].site, ==, (int)(c / 3));
    g_assert_cmpfloat(fabs(cells[c].x_m - site_xy[c / 3][0]), <, 1e-9);
    g_assert_cmpfloat(fabs(cells[c].y_m - site_xy[c / 3][1]), <, 1e-9);
    g_assert_cmpfloat(cells[c].azimuth_deg, ==, 30 + 120 * (c % 3));
    g_assert_cmpfloat(cells[c].bandwidth_hz, ==, 10e6);
    attached += cells[c].ues;
    /* UEs users/2c and users/2c+1 were dropped in cell c's hexagon. */
    for (unsigned k = 2 * c; k < 2 * c + 2; k++) {
      char *ue = g_strdup_printf("users/%u", k);
      g_assert_cmpstr(ues[k].name, ==, ue);
      g_free(ue);
      g_assert_true(ws_layout_in_hexagon(lay, c, ues[k].x_m, ues[k].y_m));
      /* By hand: a sector's hexagon has circumradius isd / 3 and its
       * centre that far from the site along the boresight (docs/cells.md,
       * "Sectors, names and hexagons"), so the UE is within isd / 3 of it. */
      double az = cells[c].azimuth_deg * G_PI / 180, r3 = 500.0 / 3;
      g_assert_cmpfloat(hypot(ues[k].x_m - (cells[c].x_m + r3 * cos(az)),
                              ues[k].y_m - (cells[c].y_m + r3 * sin(az))), <=, r3 + 1e-9);
      g_assert_cmpfloat(hypot(ues[k].x_m - cells[c].x_m, ues[k].y_m - cells[c].y_m), >=, 35);
      /* Its hexagon lies within 60deg of the boresight, seen from the site. */
      double bearing = atan2(ues[k].y_m - cells[c].y_m, ues[k].x_m - cells[c].x_m) * 180 / G_PI;
      double off = fmod(fabs(bearing - cells[c].azimuth_deg), 360);
      if (off > 180) off = 360 - off;
      g_assert_cmpfloat(off, <=, 60 + 1e-9);
      g_assert_nonnull(ues[k].cell); /* attached to its strongest cell */
    }
  }
  g_assert_cmpuint(attached, ==, 42);
  ws_layout_free(lay);
  run_free(&r);
}

/* cell = NAME pins a UE to that cell; cell = LAYOUT to the strongest of
 * that layout's cells; auto to the strongest of all. Cell A at the origin,
 * B and a three-sector site 1 km east: the UEs 400 m east hear A best
 * (600 m to the site, and its sector 1 (150deg) is 30deg off boresight:
 * -12 (30/65)^2 = -2.6 dB), so pinning is what puts them elsewhere. */
static void test_radio_attachment(void) {
  const char *text =
      "[simulation]\nduration = 5ms\nmetrics_interval = 0s\n"
      "[radio]\npathloss = log-distance\n"
      "[cell A]\nposition = 0, 0\n"
      "[cell B]\nposition = 1000, -10\n"
      "[layout macro]\nrings = 0\nsectors = 3\ncenter = 1000, 0\n"
      "[ue free]\nplacement = points\npoints = 400, 0\n"
      "[ue pinned]\nplacement = points\npoints = 400, 0\ncell = B\n"
      "[ue site]\nplacement = points\npoints = 400, 0\ncell = macro\n";
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  g_assert_cmpstr(find_ue(r.w, "free")->cell, ==, "A");
  g_assert_cmpstr(find_ue(r.w, "pinned")->cell, ==, "B");
  g_assert_cmpstr(find_ue(r.w, "site")->cell, ==, "macro/0.1");
  g_assert_cmpuint(find_cell(r.w, "A")->ues, ==, 1);
  g_assert_cmpuint(find_cell(r.w, "B")->ues, ==, 1);
  g_assert_cmpuint(find_cell(r.w, "macro/0.1")->ues, ==, 1);
  g_assert_cmpuint(find_cell(r.w, "macro/0.0")->ues, ==, 0);
  /* The pinned UEs' RSRP is their serving cell's, weaker than A's. */
  g_assert_cmpfloat(find_ue(r.w, "pinned")->rsrp_dbm, <, find_ue(r.w, "free")->rsrp_dbm);
  g_assert_cmpfloat(find_ue(r.w, "site")->rsrp_dbm, <, find_ue(r.w, "free")->rsrp_dbm);
  run_free(&r);
}

/* A UE 50 km from the only cell (log-distance: SNR -45 dB) is out of
 * coverage: kept in ues.csv, flagged, counted by its cell, named in a
 * warning of its group; it gets nothing of its flow, the near UE all. */
static void test_radio_out_of_coverage(void) {
  const char *text =
      "[simulation]\nduration = 50ms\nmetrics_interval = 0s\n"
      "[radio]\npathloss = log-distance\n"
      "[cell A]\nposition = 0, 0\n"
      "[ue near]\nplacement = points\npoints = 100, 0\n"
      "[ue far]\ncount = 2\nplacement = points\npoints = 50000, 0; 200, 0\n"
      "[host server]\n"
      "[link l]\nbetween = server, core\nrate = 1Gbit/s\n"
      "[flow v]\nfrom = server\nto = far/0\nrate = 1Mbit/s\n"
      "[flow w]\nfrom = server\nto = far/1\nrate = 1Mbit/s\n";
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  unsigned n;
  ws_world_ues(r.w, &n);
  g_assert_cmpuint(n, ==, 3);
  const ws_ue_stats *far = find_ue(r.w, "far/0");
  g_assert_true(far->out_of_coverage);
  g_assert_false(find_ue(r.w, "far/1")->out_of_coverage);
  g_assert_false(find_ue(r.w, "near")->out_of_coverage);
  g_assert_cmpfloat(far->geometry_sinr_db, <, ws_phy_cqi_threshold_db(1));
  g_assert_cmpfloat(fabs(far->geometry_sinr_db - hand_snr_db(50000, 3)), <, 1e-9);
  g_assert_cmpfloat(far->throughput_dl_bps, ==, 0);
  g_assert_cmpuint(find_cell(r.w, "A")->ues_out_of_coverage, ==, 1);
  g_assert_nonnull(find_warning(r.w, "t.ini:", "[ue far]", "1 of 2 UEs are out of coverage",
                                NULL));
  g_assert_null(find_warning(r.w, "[ue near]", NULL));
  const ws_flow_stats *v = find_flow(r.w, "v"), *w = find_flow(r.w, "w");
  g_assert_cmpuint(v->sent_packets, >, 0);
  g_assert_cmpuint(v->received_packets, ==, 0);
  g_assert_cmpuint(w->received_packets, >, 0);
  run_free(&r);
}

/* Okumura-Hata is fitted for 1-20 km (Hata 1980): a UE at 50 m makes a
 * load-time warning at the pathloss key's line counting the links outside
 * the range; the one at 2 km is inside. 900 MHz, 30 m: otherwise valid. */
static void test_radio_validity(void) {
  const char *text =
      "[simulation]\nduration = 5ms\nmetrics_interval = 0s\n"
      "[radio]\npathloss = okumura-hata\n"
      "[cell A]\nposition = 0, 0\nfrequency = 900MHz\nheight = 30m\n"
      "[ue u]\ncount = 2\nplacement = points\npoints = 50, 0; 2000, 0\n";
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  g_assert_nonnull(find_warning(r.w, "t.ini:5: warning: [radio] pathloss: 1 of 2 UE-cell links "
                                "are outside the model's validity range (okumura-hata: distance "
                                "outside 1-20 km", NULL));
  g_assert_null(ws_world_warnings(r.w)[1]);
  run_free(&r);
  /* Both inside: no warning. */
  r = run_text("[simulation]\nduration = 5ms\nmetrics_interval = 0s\n"
               "[radio]\npathloss = okumura-hata\n"
               "[cell A]\nposition = 0, 0\nfrequency = 900MHz\nheight = 30m\n"
               "[ue u]\ncount = 2\nplacement = points\npoints = 1000, 0; 2000, 0\n", 1, 0);
  g_assert_null(ws_world_warnings(r.w)[0]);
  run_free(&r);
}

/* full-buffer flows need a UE at exactly one end, and the UE's direction
 * to themselves. */
static void test_radio_full_buffer_errors(void) {
  const char *head =
      "[simulation]\nduration = 50ms\n"
      "[cell A]\nposition = 0, 0\n"
      "[ue u]\nplacement = points\npoints = 100, 0\n"
      "[host a]\n[host b]\n"
      "[link ab]\nbetween = a, b\nrate = 1Gbit/s\n"
      "[link ac]\nbetween = a, core\nrate = 1Gbit/s\n";
  char *text = g_strconcat(head,
                           "[flow hosts]\nfrom = a\nto = b\ntype = full-buffer\n",
                           NULL);
  char *msg = build_error(text);
  g_test_message("%s", msg);
  g_assert_nonnull(strstr(msg, "t.ini:19: [flow hosts] type: a full-buffer flow runs over one "
                               "radio link: one end must be a UE, the other not (a to b)"));
  g_free(msg);
  g_free(text);
  text = g_strconcat(head,
                     "[flow fb]\nfrom = a\nto = u\ntype = full-buffer\n"
                     "[flow video]\nfrom = a\nto = u\nrate = 1Mbit/s\n", NULL);
  msg = build_error(text);
  g_test_message("%s", msg);
  g_assert_nonnull(strstr(msg, "t.ini:16: [flow fb] UE u also carries [flow video] downlink"));
  g_free(msg);
  g_free(text);
  /* The uplink is free for a packet flow: no error. */
  text = g_strconcat(head,
                     "[flow fb]\nfrom = a\nto = u\ntype = full-buffer\n"
                     "[flow up]\nfrom = u\nto = a\nrate = 1Mbit/s\n", NULL);
  run r = run_text(text, 1, 0);
  g_assert_cmpuint(find_flow(r.w, "up")->received_packets, >, 0);
  run_free(&r);
  g_free(text);
}

/* The value of a time-series row (entity, metric) at time t, NAN when
 * there is none. */
static double series_at(const ws_series *s, ws_time t, const char *entity, const char *metric) {
  for (unsigned i = 0; i < ws_series_rows(s); i++) {
    ws_time ti;
    const char *e, *m;
    double v;
    ws_series_row(s, i, &ti, &e, &m, &v);
    if (ti == t && !strcmp(e, entity) && !strcmp(m, metric)) return v;
  }
  return NAN;
}

/* The mean of a time series' (entity, metric) over the samples in
 * (from_ms, to_ms]; NAN when there is none. */
static double series_mean(const ws_series *s, int from_ms, int to_ms, const char *entity,
                          const char *metric) {
  double sum = 0;
  unsigned n = 0;
  for (unsigned i = 0; i < ws_series_rows(s); i++) {
    ws_time t;
    const char *e, *m;
    double v;
    ws_series_row(s, i, &t, &e, &m, &v);
    if (t > from_ms * WS_MS && t <= to_ms * WS_MS && !strcmp(e, entity) && !strcmp(m, metric)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NAN;
}

/* Field `column` (by header name) of the row whose first field is
 * `name` in ues.csv as ws_metrics_write_ues writes it for w; caller frees. */
static char *ues_csv_field(const ws_world *w, const char *name, const char *column) {
  char *dir = g_dir_make_tmp("wisim-world-XXXXXX", NULL);
  char *path = g_build_filename(dir, "ues.csv", NULL);
  unsigned n;
  const ws_ue_stats *ues = ws_world_ues(w, &n);
  GError *error = NULL;
  g_assert_true(ws_metrics_write_ues(path, ues, n, &error));
  g_assert_no_error(error);
  char *csv = NULL;
  g_assert_true(g_file_get_contents(path, &csv, NULL, NULL));
  char **lines = g_strsplit(csv, "\n", -1);
  char **head = g_strsplit(lines[0], ",", -1);
  int col = -1;
  for (int i = 0; head[i]; i++)
    if (!strcmp(head[i], column)) col = i;
  g_assert_cmpint(col, >=, 0);
  char *value = NULL;
  for (char **l = lines + 1; *l && **l && !value; l++) {
    char **f = g_strsplit(*l, ",", -1);
    g_assert_cmpuint(g_strv_length(f), ==, g_strv_length(head));
    if (!strcmp(f[0], name)) value = g_strdup(f[col]);
    g_strfreev(f);
  }
  g_assert_nonnull(value);
  g_strfreev(head);
  g_strfreev(lines);
  g_free(csv);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  return value;
}

/* An outage: cells A (0, 0) and B (500, 0), log-distance with exponent 4
 * (reach: SNR above CQI 1's -7.5 dB up to ~560 m). UE a (150 m from A,
 * 350 m from B) can re-establish on B; UE lone (300 m west of A, 800 m
 * from B: -13.6 dB) cannot. A is off from 200 to 500 ms; re-establishment
 * takes 50 ms. Each UE gets a 1 Mbit/s cbr flow (one 1200 B packet per
 * 9.6 ms). The run ends 200 ms after A's return: sooner than a handover
 * could take a back to A (time_to_trigger 256 ms by default, issue 5). */
static const char *const outage_text =
    "[simulation]\nduration = 700ms\nwarmup = 100ms\nmetrics_interval = 10ms\n"
    "[radio]\npathloss = log-distance\nexponent = 4\n"
    "[handover]\nreestablishment = 50ms\n"
    "[cell A]\nposition = 0, 0\n"
    "[cell B]\nposition = 500, 0\n"
    "[ue a]\nplacement = points\npoints = 150, 0\n"
    "[ue lone]\nplacement = points\npoints = -300, 0\n"
    "[host server]\n"
    "[link l]\nbetween = server, core\nrate = 1Gbit/s\n"
    "[flow va]\nfrom = server\nto = a\nrate = 1Mbit/s\n"
    "[flow vl]\nfrom = server\nto = lone\nrate = 1Mbit/s\n"
    "[event off]\nat = 200ms\naction = cell-off\ntarget = A\n";
static const char *const outage_on = "[event on]\nat = 500ms\naction = cell-on\ntarget = A\n";

static void test_radio_outage(void) {
  char *text = g_strconcat(outage_text, outage_on, NULL);
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  const ws_ue_stats *a = find_ue(r.w, "a"), *lone = find_ue(r.w, "lone");
  const ws_cell_stats *ca = find_cell(r.w, "A"), *cb = find_cell(r.w, "B");
  /* a re-established on B and stays there after A is back (moving it back
   * would be a handover, and there is no time for one); lone had nowhere
   * to go and came back to A. */
  g_assert_cmpstr(a->cell, ==, "B");
  g_assert_cmpstr(lone->cell, ==, "A");
  g_assert_false(a->out_of_coverage);
  g_assert_false(lone->out_of_coverage);
  g_assert_cmpuint(ca->ues, ==, 1);
  g_assert_cmpuint(cb->ues, ==, 1);
  /* Off 300 ms of the 600 ms measured after warmup: exactly 1/2. */
  g_assert_cmpfloat(fabs(ca->on_fraction - 0.5), <, 1e-12);
  g_assert_cmpfloat(cb->on_fraction, ==, 1);
  const ws_flow_stats *va = find_flow(r.w, "va"), *vl = find_flow(r.w, "vl");
  uint64_t lost_a = ws_flow_stats_lost(va), lost_l = ws_flow_stats_lost(vl);
  g_test_message("a: sent %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT "; lone: sent %"
                 G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT, va->sent_packets, lost_a,
                 vl->sent_packets, lost_l);
  /* Sent after warmup: at k x 9.6 ms for k = 11 (105.6 ms) ... 72 (691.2
   * ms), 62 each. */
  g_assert_cmpuint(va->sent_packets, ==, 62);
  g_assert_cmpuint(vl->sent_packets, ==, 62);
  /* a is without a cell from 200 to 250 ms: the 5 packets that reach the
   * radio in that window are lost (sent at 201.6 ... 240 ms; the one sent
   * at 249.6 ms crosses the 1 ms backhaul after a has re-established), and
   * at most the one waiting in A's buffer at the cut and one on the move.
   * Nothing else: no loss before or after. */
  g_assert_cmpuint(lost_a, >=, 5);
  g_assert_cmpuint(lost_a, <=, 7);
  /* lone is without service from 200 ms at least until A is back (500
   * ms): the 31 packets sent at 201.6 ... 489.6 ms are lost; at most until
   * 550 ms (a re-establishment delay after A's return; a UE that retries
   * every re-establishment period is back at 500 ms): the 37 sent up to
   * 547.2 ms, and the same two at the edges. */
  g_assert_cmpuint(lost_l, >=, 31);
  g_assert_cmpuint(lost_l, <=, 39);
  g_assert_cmpuint(va->received_packets + lost_a + va->in_flight_packets, ==, va->sent_packets);
  /* The time series every 10 ms: A loses both UEs at 200 ms; a is on B
   * from 250 ms (re-establishment 50 ms after the cut), lone back on A
   * by 550 ms (A's return + at most a re-establishment delay). Samples at
   * the very instants of the events are left out (same-time order is not
   * the point). */
  const ws_series *s = ws_world_series(r.w);
  static const struct {
    int ms;
    double a_ues, b_ues;
  } want[] = {{190, 2, 0}, {210, 0, 0}, {240, 0, 0}, {260, 0, 1},
              {490, 0, 1}, {560, 1, 1}, {700, 1, 1}};
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    g_assert_cmpfloat(series_at(s, want[i].ms * WS_MS, "cell A", "ues"), ==, want[i].a_ues);
    g_assert_cmpfloat(series_at(s, want[i].ms * WS_MS, "cell B", "ues"), ==, want[i].b_ues);
  }
  /* Throughputs over windows of whole samples: nothing reaches lone or
   * leaves A while A is off; lone gets its 1.023 Mbit/s of
   * IP again afterwards. a: 1.023 Mbit/s less the 50 ms without a cell in
   * (200, 300] ms (5 of its ~10 packets, give or take one: 0.39-0.62
   * Mbit/s), all of it on B after that. */
  g_assert_cmpfloat(series_mean(s, 200, 500, "ue lone", "throughput_dl_bps"), ==, 0);
  g_assert_cmpfloat(series_mean(s, 200, 500, "cell A", "throughput_dl_bps"), ==, 0);
  g_assert_cmpfloat(series_mean(s, 600, 700, "ue lone", "throughput_dl_bps"), >, 0.9e6);
  double thr_a = series_mean(s, 200, 300, "ue a", "throughput_dl_bps");
  g_assert_cmpfloat(thr_a, >, 0.39e6);
  g_assert_cmpfloat(thr_a, <, 0.62e6);
  g_assert_cmpfloat(series_mean(s, 300, 500, "ue a", "throughput_dl_bps"), >, 0.9e6);
  g_assert_cmpfloat(series_mean(s, 300, 700, "cell B", "throughput_dl_bps"), >, 0.9e6);
  run_free(&r);
  g_free(text);

  /* Without the cell-on: lone stays without a cell to the end (ues.csv:
   * no cell, out of coverage) and A reports no UE and 1/6 on. */
  r = run_text(outage_text, 1, 0);
  lone = find_ue(r.w, "lone");
  g_assert_null(lone->cell);
  g_assert_true(lone->out_of_coverage);
  g_assert_cmpstr(find_ue(r.w, "a")->cell, ==, "B");
  g_assert_cmpuint(find_cell(r.w, "A")->ues, ==, 0);
  g_assert_cmpfloat(fabs(find_cell(r.w, "A")->on_fraction - 1.0 / 6.0), <, 1e-12);
  char *cell = ues_csv_field(r.w, "lone", "cell");
  char *ooc = ues_csv_field(r.w, "lone", "out_of_coverage");
  g_assert_cmpstr(cell, ==, "");
  g_assert_cmpstr(ooc, ==, "1");
  g_free(cell);
  g_free(ooc);
  cell = ues_csv_field(r.w, "a", "cell");
  g_assert_cmpstr(cell, ==, "B");
  g_free(cell);
  run_free(&r);
}

/* The uplink through a scenario: a TCP download to a UE (its ACKs go up)
 * and a cbr flow from another UE to the server. Uplink timing (scheduling
 * requests, grants) is the cell engine's business and may change: only
 * that data flows both ways is asserted. */
static void test_radio_uplink(void) {
  const char *text =
      "[simulation]\nduration = 500ms\nmetrics_interval = 0s\n"
      "[radio]\npathloss = log-distance\n"
      "[cell A]\nposition = 0, 0\n"
      "[ue u]\ncount = 2\nplacement = points\npoints = 100, 0; -200, 50\n"
      "[host server]\n"
      "[link l]\nbetween = server, core\nrate = 1Gbit/s\ndelay = 5ms\n"
      "[flow dl]\nfrom = server\nto = u/0\ntransport = tcp\ntype = bulk\n"
      "[flow up]\nfrom = u/1\nto = server\nrate = 500kbit/s\n";
  run r = run_text(text, 1, 0);
  print_warnings(r.w);
  const ws_flow_stats *dl = find_flow(r.w, "dl"), *up = find_flow(r.w, "up");
  const ws_ue_stats *u0 = find_ue(r.w, "u/0"), *u1 = find_ue(r.w, "u/1");
  const ws_cell_stats *c = find_cell(r.w, "A");
  g_test_message("dl goodput %.0f bit/s; up sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT
                 "; u/0 ul %.0f dl %.0f; u/1 ul %.0f; cell ul %.0f util %g",
                 ws_flow_stats_throughput_bps(dl), up->sent_packets, up->received_packets,
                 u0->throughput_ul_bps, u0->throughput_dl_bps, u1->throughput_ul_bps,
                 c->throughput_ul_bps, c->rb_utilisation_ul);
  /* TCP needs its ACKs: without an uplink it would stall after the first
   * window (10 segments, 14 kB); 100 kB in 0.5 s shows the loop closes. */
  g_assert_cmpuint(dl->received_bytes, >, 100000);
  g_assert_true(u0->dl_active);
  g_assert_true(u0->ul_active);
  g_assert_cmpfloat(u0->throughput_ul_bps, >, 0);
  g_assert_cmpfloat(u0->throughput_dl_bps, >, u0->throughput_ul_bps);
  /* The cbr flow: one 1200 B packet per 19.2 ms from 0 to 499.2 ms, 27 of
   * them. Nothing may be lost on this path (no loss, unlimited buffers),
   * so all arrive but those still in flight at the end: the last few,
   * however long the uplink's scheduling requests and grants take (a few
   * ms to a few tens: 20 of 27 is generous). */
  g_assert_cmpuint(up->sent_packets, ==, 27);
  g_assert_cmpuint(up->received_packets + up->in_flight_packets, ==, up->sent_packets);
  g_assert_cmpuint(up->received_packets, >=, 20);
  g_assert_true(u1->ul_active);
  g_assert_false(u1->dl_active);
  g_assert_cmpfloat(u1->throughput_ul_bps, >, 0);
  /* ues.csv counts IP bits (1228 B per packet: 1200 of payload, 28 of
   * UDP/IPv4; RLC headers excluded) decoded at the cell: every packet the
   * server received, and at most those still on the 5 ms wire. */
  double ul_bits = u1->throughput_ul_bps * 0.5;
  g_assert_cmpfloat(ul_bits, >=, (double)up->received_packets * 1228 * 8 - 1e-6);
  double sent_bits = (double)(up->received_packets + up->in_flight_packets) * 1228 * 8;
  g_assert_cmpfloat(ul_bits, <=, sent_bits + 1e-6);
  g_assert_cmpfloat(c->throughput_ul_bps, >, 0);
  g_assert_cmpfloat(c->rb_utilisation_ul, >, 0);
  run_free(&r);
}

/* Two builds of the same radio scenario (shadowing, LOS draws, Rayleigh
 * fading, an outage) give the same rows, bit for bit; another run index
 * other ones. The time series has its radio rows at every interval. */
static GString *radio_digest(const ws_world *w) {
  GString *g = g_string_new(NULL);
  unsigned n;
  const ws_ue_stats *ues = ws_world_ues(w, &n);
  for (unsigned i = 0; i < n; i++) {
    const ws_ue_stats *u = &ues[i];
    g_string_append_printf(g, "%s %s %a %a %d %a %a %a %a %a %a %a %" G_GUINT64_FORMAT "\n",
                           u->name, u->cell ? u->cell : "-", u->x_m, u->y_m, u->out_of_coverage,
                           u->rsrp_dbm, u->geometry_sinr_db, u->sinr_db, u->cqi_mean,
                           u->throughput_dl_bps, u->throughput_ul_bps, u->bler_dl,
                           u->harq_retx_dl);
  }
  const ws_cell_stats *cells = ws_world_cells(w, &n);
  for (unsigned i = 0; i < n; i++)
    g_string_append_printf(g, "%s %u %a %a %a\n", cells[i].name, cells[i].ues,
                           cells[i].rb_utilisation_dl, cells[i].throughput_dl_bps,
                           cells[i].on_fraction);
  GString *f = fingerprint(w);
  g_string_append(g, f->str);
  g_string_free(f, TRUE);
  return g;
}

static void test_radio_determinism(void) {
  const char *text =
      "[simulation]\nduration = 300ms\nmetrics_interval = 50ms\n"
      "[radio]\npathloss = 3gpp-uma\nfading = rayleigh\n"
      "[handover]\nreestablishment = 20ms\n"
      "[layout macro]\nrings = 0\nsectors = 3\n"
      "[ue users]\nplacement = per-cell\nper_cell = 2\n"
      "[host server]\n"
      "[link l]\nbetween = server, core\nrate = 1Gbit/s\n"
      "[flow fb]\nfrom = server\nto = users/0\ntype = full-buffer\n"
      "[flow v]\nfrom = server\nto = users/3\nrate = 2Mbit/s\n"
      "[event off]\nat = 100ms\naction = cell-off\ntarget = macro/0.1\n";
  GString *d[3];
  for (int i = 0; i < 3; i++) {
    run r = run_text(text, 7, i < 2 ? 0 : 1);
    d[i] = radio_digest(r.w);
    if (i == 0) {
      /* Series rows at 50, 100, ..., 300 ms: per UE sinr_db and
       * throughput_dl_bps, per cell ues, rb_utilisation_dl and
       * throughput_dl_bps (no uplink here: nobody sends). */
      const ws_series *s = ws_world_series(r.w);
      unsigned ue_rows = 0, cell_rows = 0;
      for (unsigned k = 0; k < ws_series_rows(s); k++) {
        ws_time t;
        const char *e, *m;
        ws_series_row(s, k, &t, &e, &m, NULL);
        g_assert_cmpint(t % (50 * WS_MS), ==, 0);
        if (g_str_has_prefix(e, "ue ")) {
          ue_rows++;
          g_assert_true(!strcmp(m, "sinr_db") || !strcmp(m, "throughput_dl_bps"));
        } else if (g_str_has_prefix(e, "cell ")) {
          cell_rows++;
          g_assert_true(!strcmp(m, "ues") || !strcmp(m, "rb_utilisation_dl") ||
                        !strcmp(m, "throughput_dl_bps"));
        }
      }
      g_assert_cmpuint(ue_rows, ==, 6 * 6 * 2);
      g_assert_cmpuint(cell_rows, ==, 6 * 3 * 3);
      for (int k = 1; k <= 6; k++) {
        ws_time t = k * 50 * WS_MS;
        for (unsigned u = 0; u < 6; u++) {
          char *e = g_strdup_printf("ue users/%u", u);
          g_assert_false(isnan(series_at(s, t, e, "throughput_dl_bps")));
          /* Every attached UE measures CQI every 5 ms: a mean SINR. */
          if (!(u / 2 == 1 && k >= 3)) g_assert_false(isnan(series_at(s, t, e, "sinr_db")));
          g_free(e);
        }
        /* The full-buffer UE's cell is busy (nearly all RBs: under
         * Rayleigh fading a subband in a deep fade may report CQI 0 and
         * stay unused in a slot); the cell off has no UE. */
        g_assert_cmpfloat(series_at(s, t, "cell macro/0.0", "rb_utilisation_dl"), >, 0.9);
        if (k >= 3) g_assert_cmpfloat(series_at(s, t, "cell macro/0.1", "ues"), ==, 0);
      }
    }
    run_free(&r);
  }
  g_assert_cmpstr(d[0]->str, ==, d[1]->str);
  g_assert_cmpstr(d[0]->str, !=, d[2]->str);
  for (int i = 0; i < 3; i++) g_string_free(d[i], TRUE);
}

/* Warmup: cells.csv and ues.csv count from its end. A 20 Mbit/s burst
 * before warmup (stop = 150 ms), a 1 Mbit/s flow throughout; after the
 * 0.5 s warmup only the latter is counted: the rows equal the sum of the
 * time series over the measured window, and the UE's IP throughput is the
 * flow's payload rate times 1228/1200 (IP and UDP headers; the radio's
 * data bits are IP bits, RLC headers excluded). */
static void test_radio_warmup(void) {
  const char *text =
      "[simulation]\nduration = 1s\nwarmup = 0.5s\nmetrics_interval = 100ms\n"
      "[radio]\npathloss = log-distance\n"
      "[cell A]\nposition = 0, 0\n"
      "[ue u]\nplacement = points\npoints = 300, 0\n"
      "[host server]\n"
      "[link l]\nbetween = server, core\nrate = 1Gbit/s\n"
      "[flow burst]\nfrom = server\nto = u\nrate = 20Mbit/s\nstop = 150ms\n"
      "[flow steady]\nfrom = server\nto = u\nrate = 1Mbit/s\n";
  run r = run_text(text, 1, 0);
  const ws_cell_stats *c = find_cell(r.w, "A");
  const ws_ue_stats *u = find_ue(r.w, "u");
  const ws_series *s = ws_world_series(r.w);
  double cell_sum = 0, ue_sum = 0, util_sum = 0;
  unsigned samples = 0;
  for (int k = 6; k <= 10; k++) {
    ws_time t = k * 100 * WS_MS;
    cell_sum += series_at(s, t, "cell A", "throughput_dl_bps") * 0.1;
    ue_sum += series_at(s, t, "ue u", "throughput_dl_bps") * 0.1;
    util_sum += series_at(s, t, "cell A", "rb_utilisation_dl");
    samples++;
  }
  g_assert_cmpuint(samples, ==, 5);
  g_assert_true(isnan(series_at(s, 500 * WS_MS, "cell A", "throughput_dl_bps")));
  const ws_flow_stats *steady = find_flow(r.w, "steady");
  g_test_message("cell %.1f bit/s (series %.1f bit), ue %.1f bit/s (series %.1f bit), "
                 "util %g (series mean %g); steady received %" G_GUINT64_FORMAT " packets",
                 c->throughput_dl_bps, cell_sum, u->throughput_dl_bps, ue_sum,
                 c->rb_utilisation_dl, util_sum / 5, steady->received_packets);
  /* Sums of whole bits: exact up to the rounding of five products (1e-6
   * bit); the rows and the series cover the same slots (the slot that
   * would start at the end of the run is not run). */
  double ue_extra = u->throughput_dl_bps * 0.5 - ue_sum;
  double cell_extra = c->throughput_dl_bps * 0.5 - cell_sum;
  g_assert_cmpfloat(fabs(cell_extra), <, 1e-6);
  g_assert_cmpfloat(fabs(ue_extra), <, 1e-6);
  /* 1 Mbit/s of 1200 B payloads is 1.02333 Mbit/s of IP: the UE's
   * throughput within one packet (9824 bits) over 0.5 s either way, for
   * the packet crossing each edge of the window. The burst would add 20
   * Mbit/s. */
  double ip_bits = (double)steady->received_packets * 1228 * 8;
  g_assert_cmpfloat(fabs(u->throughput_dl_bps * 0.5 - ip_bits), <=, 2 * 1228 * 8);
  g_assert_cmpfloat(fabs(u->throughput_dl_bps - 1e6 * 1228 / 1200), <, 2 * 1228 * 8 / 0.5);
  /* Each interval offers the same 100 slots x 50 RBs: the row's
   * utilisation is the mean of the samples', but for the end slot above
   * (at most 50 of 25000 RBs: 0.002). */
  g_assert_cmpfloat(fabs(c->rb_utilisation_dl - util_sum / 5), <=, 0.002);
  /* The cell's decoded bits include RLC headers and TB padding: above the
   * UE's IP bits, but far below the burst's rate. */
  g_assert_cmpfloat(c->throughput_dl_bps, >=, u->throughput_dl_bps);
  g_assert_cmpfloat(c->throughput_dl_bps, <, 2e6);
  g_assert_cmpuint(find_flow(r.w, "burst")->sent_packets, ==, 0);
  run_free(&r);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/world/end-to-end", test_end_to_end);
  g_test_add_func("/world/determinism", test_determinism);
  g_test_add_func("/world/threads", test_threads);
  g_test_add_func("/world/common-random-numbers", test_common_random_numbers);
  g_test_add_func("/world/pairing", test_pairing);
  g_test_add_func("/world/series", test_series);
  g_test_add_func("/world/warmup", test_warmup);
  g_test_add_func("/world/errors", test_errors);
  g_test_add_func("/world/traffic-types", test_traffic_types);
  g_test_add_func("/world/traffic-determinism", test_traffic_determinism);
  g_test_add_func("/world/traffic-errors", test_traffic_errors);
  g_test_add_func("/world/radio/single-ue", test_radio_single_ue);
  g_test_add_func("/world/radio/mid-snr", test_radio_mid_snr);
  g_test_add_func("/world/radio/layout", test_radio_layout);
  g_test_add_func("/world/radio/attachment", test_radio_attachment);
  g_test_add_func("/world/radio/out-of-coverage", test_radio_out_of_coverage);
  g_test_add_func("/world/radio/validity", test_radio_validity);
  g_test_add_func("/world/radio/full-buffer-errors", test_radio_full_buffer_errors);
  g_test_add_func("/world/radio/outage", test_radio_outage);
  g_test_add_func("/world/radio/uplink", test_radio_uplink);
  g_test_add_func("/world/radio/determinism", test_radio_determinism);
  g_test_add_func("/world/radio/warmup", test_radio_warmup);
  return g_test_run();
}
