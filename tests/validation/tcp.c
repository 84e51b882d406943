/* Validation of TCP congestion control end to end, through scenarios and the
 * world builder (bulk flows over the simulated network): NewReno's goodput
 * under random loss against Mathis et al. (CCR 1997), utilisation of a clean
 * path, Jain fairness of two flows (Jain, Chiu, Hawe 1984), and CUBIC
 * against NewReno on a long fat path (RFC 9438 section 5). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/core.h"
#include "wisim/link.h"
#include "wisim/metrics.h"
#include "wisim/scenario.h"
#include "wisim/tcp.h"
#include "wisim/traffic.h"
#include "wisim/world.h"

/* One finished run: the collectors and the world they belong to. */
typedef struct {
  ws_scenario *sc;
  ws_sim *sim;
  ws_world *world;
  ws_flow_stats *const *flows;
  ws_link_stats *const *links;
  unsigned n_flows, n_links;
} run_result;

static void run_text(const char *text, uint64_t seed, run_result *r) {
  GError *error = NULL;
  r->sc = ws_scenario_load_data("tcp.ini", text, strlen(text), NULL, &error);
  g_assert_no_error(error);
  r->sim = ws_sim_new();
  r->world = ws_world_new(r->sim, r->sc, seed, 0, &error);
  g_assert_no_error(error);
  ws_sim_run_until(r->sim, ws_world_duration(r->world));
  ws_world_finish(r->world, ws_sim_now(r->sim));
  r->flows = ws_world_flows(r->world, &r->n_flows);
  r->links = ws_world_links(r->world, &r->n_links);
}

static void run_free(run_result *r) {
  ws_world_free(r->world);
  ws_sim_free(r->sim);
  ws_scenario_free(r->sc);
}

/* Goodput of a flow: payload bits delivered in order to the receiving
 * application after warmup, over its active time (SCENARIO-FORMAT.md). */
static double goodput_bps(const ws_flow_stats *f) {
  return f->received_bytes * 8.0 / ws_time_to_s(f->active_end - f->active_start);
}

/* Payload bytes per data segment of flow i's sender (the segment size the
 * connection really used: MSS less options such as timestamps). */
static double segment_bytes(const run_result *r, unsigned i) {
  ws_tcp *client = ws_traffic_tcp_client(ws_world_traffic(r->world, i));
  g_assert_nonnull(client);
  const ws_tcp_info *info = ws_tcp_get_info(client);
  g_assert_cmpuint(info->segments_sent, >, 0);
  return (double)info->bytes_sent / (double)info->segments_sent;
}

/* ---- (1) Mathis ------------------------------------------------------------ */

typedef struct {
  const char *path;
  double p;         /* random loss probability of the data's link */
  bool delayed_ack; /* b = 2 with, 1 without */
} mathis_case;

/* Path: src -1 Gbit/s, 25 ms- router -1 Gbit/s, 25 ms, loss p- dst: RTT
 * 100 ms, and links far faster than the flow (at most 5 Mbit/s here), so
 * that the window, not the link, limits the rate and no queue builds: the
 * setting of Mathis et al. The loss applies to both directions of the last
 * link (wisim draws it per link direction); a lost ACK costs NewReno one
 * increment of eq. 3 in 1/p, i.e. at most 1% of the growth, and no loss.
 * The run lasts for about 200 loss events (1/p segments each), after 5 s of
 * warmup for slow start and the first recoveries.
 *
 * Tolerance: the 20%. Mathis' formula is the deterministic-loss
 * sawtooth (tests/unit/test-tcp-cc.c checks the algorithm alone against it
 * within 3%); random loss widens the window's distribution and, near 1%,
 * costs some retransmission timeouts (Padhye et al., SIGCOMM 1998), so the
 * real constant differs by some percent; 200 loss cycles leave a
 * statistical error of about 5%. Measured over seeds 1-6: ratios 0.92 to
 * 1.10. */
static void test_mathis(gconstpointer data) {
  const mathis_case *c = data;
  const double rtt_s = 0.1;
  const double b = c->delayed_ack ? 2 : 1;
  double w_segments = sqrt(3 / (2 * b * c->p));
  double duration_s = 5 + 200 / (c->p * w_segments / rtt_s);
  char *text = g_strdup_printf(
      "[simulation]\nduration = %.0fs\nwarmup = 5s\nmetrics_interval = 0s\n"
      "[host src]\n[router r]\n[host dst]\n"
      "[link access]\nbetween = src, r\nrate = 1Gbit/s\ndelay = 25ms\nqueue_limit = 1000p\n"
      "[link lossy]\nbetween = r, dst\nrate = 1Gbit/s\ndelay = 25ms\nqueue_limit = 1000p\n"
      "loss = %g\n"
      "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\n"
      "congestion = newreno\ndelayed_ack = %s\n",
      ceil(duration_s), c->p, c->delayed_ack ? "yes" : "no");
  run_result r;
  run_text(text, 1, &r);
  double mss = segment_bytes(&r, 0);
  /* The round trip of a full segment and its ACK: 4 x 25 ms propagation +
   * the transmissions (12 us per 1500 B at 1 Gbit/s; no queue). */
  double rtt = rtt_s + 2 * (mss + 52) * 8 / 1e9 + 2 * 52 * 8 / 1e9;
  double expected = mss * 8 / rtt * sqrt(3 / (2 * b * c->p));
  double got = goodput_bps(r.flows[0]);
  g_test_message("Mathis, NewReno, p = %.1f%%, b = %.0f: goodput %.3f Mbit/s, formula %.3f "
                 "Mbit/s (ratio %.3f; MSS %.0f B, %" G_GUINT64_FORMAT " retransmissions, "
                 "%" G_GUINT64_FORMAT " RTOs, %.0f s)",
                 c->p * 100, b, got / 1e6, expected / 1e6, got / expected, mss,
                 r.flows[0]->retransmissions, r.flows[0]->rto_count, duration_s);
  g_assert_cmpuint(r.links[0]->queue_drops, ==, 0);
  g_assert_cmpfloat(fabs(got / expected - 1), <, 0.20);
  run_free(&r);
  g_free(text);
}

/* ---- (2) utilisation of a clean path --------------------------------------- */

/* One bulk flow, 10 Mbit/s bottleneck, 40 ms RTT, a drop-tail buffer of one
 * bandwidth-delay product (10 Mbit/s x 40 ms = 50 kB = 34 packets of 1500 B):
 * after a loss NewReno's window halves from BDP + buffer = 2 BDP to one BDP
 * and the link never idles (Villamizar and Song, CCR 1994); CUBIC's 0.7
 * keeps even more. The issue asks >= 90% of the bottleneck's time busy,
 * measured after 5 s (slow start and its overshoot). */
static void test_utilisation(gconstpointer data) {
  const char *congestion = data;
  char *text = g_strdup_printf(
      "[simulation]\nduration = 30s\nwarmup = 5s\nmetrics_interval = 0s\n"
      "[host src]\n[router r]\n[host dst]\n"
      "[link access]\nbetween = src, r\nrate = 100Mbit/s\ndelay = 1ms\n"
      "[link bottleneck]\nbetween = r, dst\nrate = 10Mbit/s\ndelay = 19ms\nqueue_limit = 34p\n"
      "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\ncongestion = %s\n",
      congestion);
  run_result r;
  run_text(text, 1, &r);
  g_assert_cmpuint(r.n_links, ==, 4);
  const ws_link_stats *bottleneck = r.links[2]; /* r -> dst */
  g_assert_cmpstr(bottleneck->from, ==, "r");
  double util = ws_time_to_s(bottleneck->busy_ns) / 25.0;
  g_test_message("%s, 10 Mbit/s, 40 ms, buffer 1 BDP: utilisation %.4f, goodput %.3f Mbit/s, "
                 "%" G_GUINT64_FORMAT " queue drops, %" G_GUINT64_FORMAT " RTOs",
                 congestion, util, goodput_bps(r.flows[0]) / 1e6, bottleneck->queue_drops,
                 r.flows[0]->rto_count);
  g_assert_cmpfloat(util, >=, 0.90);
  g_assert_cmpfloat(util, <=, 1.0 + 1e-9);
  run_free(&r);
  g_free(text);
}

/* ---- (3) fairness ---------------------------------------------------------- */

/* Jain's fairness index (Jain, Chiu, Hawe, DEC-TR-301, 1984):
 * (sum x)^2 / (n sum x^2), 1 when all equal, 1/n when one takes all. */
static double jain(const double *x, unsigned n) {
  double s = 0, s2 = 0;
  for (unsigned i = 0; i < n; i++) {
    s += x[i];
    s2 += x[i] * x[i];
  }
  return s * s / (n * s2);
}

/* Two NewReno flows with the same 40 ms RTT through one 10 Mbit/s
 * bottleneck with a drop-tail buffer of 1 and 1.5 BDP (34 and 50 packets);
 * the second starts 1 s after the first and must catch up. AIMD converges
 * to the fair share (Chiu and Jain 1989). A wholly deterministic drop-tail
 * run can instead lock into a phase pattern where one flow's bursts always
 * meet the full queue (Floyd and Jacobson, "On traffic phase effects in
 * packet-switched gateways", 1992: 6.0 vs 3.7 Mbit/s here at 50 packets);
 * real paths have enough jitter to break it, and so does a random loss of
 * 0.01% on the bottleneck (1 loss in 10^4 packets, a tenth of the
 * congestion losses). Measured from 20 s to 120 s (about 50 loss cycles).
 * The issue asks J >= 0.95 (a split of at worst 61/39); over seeds 1-3
 * the index is 0.984 to 1.000. */
static void test_fairness(gconstpointer data) {
  const char *queue_limit = data;
  char *text = g_strdup_printf(
      "[simulation]\nduration = 120s\nwarmup = 20s\nmetrics_interval = 0s\n"
      "[host s1]\n[host s2]\n[router r1]\n[router r2]\n[host d]\n"
      "[link a1]\nbetween = s1, r1\nrate = 100Mbit/s\ndelay = 1ms\n"
      "[link a2]\nbetween = s2, r1\nrate = 100Mbit/s\ndelay = 1ms\n"
      "[link bottleneck]\nbetween = r1, r2\nrate = 10Mbit/s\ndelay = 18ms\nqueue_limit = %s\n"
      "loss = 0.01%%\n"
      "[link out]\nbetween = r2, d\nrate = 100Mbit/s\ndelay = 1ms\n"
      "[flow one]\nfrom = s1\nto = d\ntransport = tcp\ntype = bulk\ncongestion = newreno\n"
      "[flow two]\nfrom = s2\nto = d\ntransport = tcp\ntype = bulk\ncongestion = newreno\n"
      "start = 1s\n",
      queue_limit);
  run_result r;
  run_text(text, 1, &r);
  g_assert_cmpuint(r.n_flows, ==, 2);
  double x[2] = {goodput_bps(r.flows[0]), goodput_bps(r.flows[1])};
  double j = jain(x, 2);
  g_test_message("two NewReno flows, same RTT, buffer %s: %.3f and %.3f Mbit/s, Jain index %.4f",
                 queue_limit, x[0] / 1e6, x[1] / 1e6, j);
  g_assert_cmpfloat(j, >=, 0.95);
  /* and together they use the link (as in (2)) */
  g_assert_cmpfloat(x[0] + x[1], >, 0.9 * 10e6 * 1448 / 1500);
  run_free(&r);
  g_free(text);
}

/* ---- (4) CUBIC on a long fat path ------------------------------------------ */

/* 100 Mbit/s, 100 ms RTT (a BDP of 833 packets), random loss 1e-5 on the
 * bottleneck, a 100-packet buffer. NewReno's response function caps it near
 * MSS/RTT sqrt(3/(4p)) = 32 Mbit/s in the long run (it regains 0.5 segment
 * per RTT, i.e. 40 s to refill the pipe after a halving); CUBIC's
 * (RFC 9438 5.1) allows 1054 segments = 122 Mbit/s, so it stays near the
 * link rate. The loss draws are the same for both runs (common random
 * numbers: the link's stream), and the 25 s after warmup see about 2 loss
 * events (1e-5 x 8300 packets/s x 25 s) besides the slow start's. The
 * issue asks CUBIC > NewReno; the margin asked here, 20%, is far below the
 * factor measured over seeds 1-6 (1.9 to 2.9). */
static void test_cubic_vs_newreno(void) {
  double goodput[2];
  const char *const algorithms[] = {"newreno", "cubic"};
  for (unsigned i = 0; i < 2; i++) {
    char *text = g_strdup_printf(
        "[simulation]\nduration = 30s\nwarmup = 5s\nmetrics_interval = 0s\n"
        "[host src]\n[router r]\n[host dst]\n"
        "[link access]\nbetween = src, r\nrate = 1Gbit/s\ndelay = 1ms\n"
        "[link wan]\nbetween = r, dst\nrate = 100Mbit/s\ndelay = 49ms\nqueue_limit = 100p\n"
        "loss = 0.00001\n"
        "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\ncongestion = %s\n",
        algorithms[i]);
    run_result r;
    run_text(text, 1, &r);
    goodput[i] = goodput_bps(r.flows[0]);
    g_test_message("long fat path, %s: goodput %.2f Mbit/s, %" G_GUINT64_FORMAT
                   " retransmissions, %" G_GUINT64_FORMAT " RTOs, %" G_GUINT64_FORMAT
                   " random losses, %" G_GUINT64_FORMAT " queue drops",
                   algorithms[i], goodput[i] / 1e6, r.flows[0]->retransmissions,
                   r.flows[0]->rto_count, r.links[2]->loss_drops, r.links[2]->queue_drops);
    run_free(&r);
    g_free(text);
  }
  g_assert_cmpfloat(goodput[1], >, 1.2 * goodput[0]);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  static const mathis_case mathis[] = {
      {"/validation/tcp/mathis/delayed-ack/p-0.1%", 0.001, true},
      {"/validation/tcp/mathis/delayed-ack/p-0.3%", 0.003, true},
      {"/validation/tcp/mathis/delayed-ack/p-1%", 0.01, true},
      {"/validation/tcp/mathis/ack-every-segment/p-0.1%", 0.001, false},
      {"/validation/tcp/mathis/ack-every-segment/p-0.3%", 0.003, false},
      {"/validation/tcp/mathis/ack-every-segment/p-1%", 0.01, false},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(mathis); i++)
    g_test_add_data_func(mathis[i].path, &mathis[i], test_mathis);
  g_test_add_data_func("/validation/tcp/utilisation/newreno", "newreno", test_utilisation);
  g_test_add_data_func("/validation/tcp/utilisation/cubic", "cubic", test_utilisation);
  g_test_add_data_func("/validation/tcp/fairness/newreno-same-rtt/buffer-34p", "34p",
                       test_fairness);
  g_test_add_data_func("/validation/tcp/fairness/newreno-same-rtt/buffer-50p", "50p",
                       test_fairness);
  g_test_add_func("/validation/tcp/cubic-beats-newreno", test_cubic_vs_newreno);
  return g_test_run();
}
