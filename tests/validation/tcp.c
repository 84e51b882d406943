/* Validation of TCP congestion control end to end, through scenarios and the
 * world builder (bulk flows over the simulated network): NewReno's goodput
 * under random loss against Mathis et al. (CCR 1997), utilisation of a clean
 * path, Jain fairness of two flows (Jain, Chiu, Hawe 1984), and CUBIC
 * against NewReno on a long fat path (RFC 9438 section 5). */
#include <math.h>
#include <string.h>

#include "validation-int.h"
#include "wisim/tcp.h"
#include "wisim/traffic.h"

/* Runs text at (seed 1, run); on failure appends an error result for model
 * and returns false. */
static bool run_or_report(ws_vrun *r, const char *text, uint64_t run, const char *model,
                          GPtrArray *out) {
  GError *error = NULL;
  if (ws_vrun_text(r, "tcp.ini", text, 1, run, &error)) return true;
  ws_validation_add_error(out, model, error->message);
  g_error_free(error);
  return false;
}

/* Payload bytes per data segment of flow i's sender (the segment size the
 * connection really used: MSS less options such as timestamps); 0 when the
 * flow is not TCP or sent nothing. */
static double segment_bytes(const ws_vrun *r, unsigned i) {
  ws_tcp *client = ws_traffic_tcp_client(ws_world_traffic(r->world, i));
  if (!client) return 0;
  const ws_tcp_info *info = ws_tcp_get_info(client);
  return info->segments_sent ? (double)info->bytes_sent / (double)info->segments_sent : 0;
}

/* ---- (1) Mathis ------------------------------------------------------------ */

enum { MATHIS_RUNS = 5 };

/* Path: src -1 Gbit/s, 25 ms- router -1 Gbit/s, 25 ms, loss p- dst: RTT
 * 100 ms, and links far faster than the flow (at most 5 Mbit/s here), so
 * that the window, not the link, limits the rate and no queue builds: the
 * setting of Mathis et al. The loss applies to both directions of the last
 * link (wisim draws it per link direction); a lost ACK costs NewReno one
 * increment of eq. 3 in 1/p, i.e. at most 1% of the growth, and no loss.
 * Each run lasts for about 200 loss events (1/p segments each), after 5 s
 * of warmup for slow start and the first recoveries; 5 runs (run index
 * 0-4) give the mean and its CI.
 *
 * Tolerance: the 20%. Mathis' formula is the deterministic-loss
 * sawtooth (tests/unit/test-tcp-cc.c checks the algorithm alone against it
 * within 3%); random loss widens the window's distribution and, near 1%,
 * costs some retransmission timeouts (Padhye et al., SIGCOMM 1998), so the
 * real constant differs by some percent: the 5-run means have been within
 * 6% of the formula at 0.1% and 0.3%, and between 0% and -20% at 1% with
 * delayed ACKs as TCP's loss recovery changed (the case to watch: small
 * windows, where timeouts matter most); 200 loss cycles leave a
 * statistical error of about 5% per run, about 2-3% over five. */
static void mathis_case(double p, bool delayed_ack, GPtrArray *out) {
  const double rtt_s = 0.1;
  const double b = delayed_ack ? 2 : 1;
  double w_segments = sqrt(3 / (2 * b * p));
  double duration_s = 5 + 200 / (p * w_segments / rtt_s);
  char *model = g_strdup_printf("NewReno, p = %g%%, RTT 100 ms, %s", p * 100,
                                delayed_ack ? "delayed ACKs (b = 2)" : "ACK every segment (b = 1)");
  char *text = g_strdup_printf(
      "[simulation]\nduration = %.0fs\nwarmup = 5s\nmetrics_interval = 0s\n"
      "[host src]\n[router r]\n[host dst]\n"
      "[link access]\nbetween = src, r\nrate = 1Gbit/s\ndelay = 25ms\nqueue_limit = 1000p\n"
      "[link lossy]\nbetween = r, dst\nrate = 1Gbit/s\ndelay = 25ms\nqueue_limit = 1000p\n"
      "loss = %g\n"
      "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\n"
      "congestion = newreno\ndelayed_ack = %s\n",
      ceil(duration_s), p, delayed_ack ? "yes" : "no");
  ws_stat goodput = {0};
  double expected = NAN;
  uint64_t retrans = 0, rtos = 0;
  for (uint64_t run = 0; run < MATHIS_RUNS; run++) {
    ws_vrun r;
    if (!run_or_report(&r, text, run, model, out)) goto done;
    double mss = segment_bytes(&r, 0);
    if (mss <= 0 || r.links[0]->queue_drops != 0) {
      ws_validation_add_error(out, model, "no data segments, or drops at the access queue");
      ws_vrun_free(&r);
      goto done;
    }
    /* The round trip of a full segment and its ACK: 4 x 25 ms propagation
     * + the transmissions (12 us per 1500 B at 1 Gbit/s; no queue). */
    double rtt = rtt_s + 2 * (mss + 52) * 8 / 1e9 + 2 * 52 * 8 / 1e9;
    expected = mss * 8 / rtt * sqrt(3 / (2 * b * p)) / 1e6;
    ws_stat_add(&goodput, ws_vrun_goodput_bps(r.flows[0]) / 1e6);
    retrans += r.flows[0]->retransmissions;
    rtos += r.flows[0]->rto_count;
    ws_vrun_free(&r);
  }
  char *note = g_strdup_printf("%.0f s per run; per run %.3f-%.3f Mbit/s; %" G_GUINT64_FORMAT
                               " retransmissions, %" G_GUINT64_FORMAT " RTOs in all",
                               ceil(duration_s), goodput.min, goodput.max, retrans, rtos);
  ws_validation_add_relative(out, model, "goodput", "Mbit/s", expected,
                             "Mathis et al., CCR 1997: MSS/RTT sqrt(3/(2bp))", goodput.mean,
                             ws_stat_ci95(&goodput), MATHIS_RUNS, 0.20, note);
  g_free(note);
done:
  g_free(text);
  g_free(model);
}

void ws_vexp_mathis_01(GPtrArray *out) {
  mathis_case(0.001, true, out);
  mathis_case(0.001, false, out);
}

void ws_vexp_mathis_03(GPtrArray *out) {
  mathis_case(0.003, true, out);
  mathis_case(0.003, false, out);
}

void ws_vexp_mathis_1(GPtrArray *out) {
  mathis_case(0.01, true, out);
  mathis_case(0.01, false, out);
}

/* ---- (2) utilisation of a clean path --------------------------------------- */

/* One bulk flow, 10 Mbit/s bottleneck, 40 ms RTT, a drop-tail buffer of one
 * bandwidth-delay product (10 Mbit/s x 40 ms = 50 kB = 34 packets of 1500 B):
 * after a loss NewReno's window halves from BDP + buffer = 2 BDP to one BDP
 * and the link never idles (Villamizar and Song, CCR 1994): theory says
 * 100%; CUBIC's 0.7 keeps even more. The issue asks >= 90% of the
 * bottleneck's time busy, measured after 5 s (slow start and its
 * overshoot). Nothing here is random (no random loss), so one run says it
 * all. */
static void utilisation_case(const char *congestion, GPtrArray *out) {
  char *model = g_strdup_printf("%s, 10 Mbit/s, RTT 40 ms, buffer 1 BDP", congestion);
  char *text = g_strdup_printf(
      "[simulation]\nduration = 30s\nwarmup = 5s\nmetrics_interval = 0s\n"
      "[host src]\n[router r]\n[host dst]\n"
      "[link access]\nbetween = src, r\nrate = 100Mbit/s\ndelay = 1ms\n"
      "[link bottleneck]\nbetween = r, dst\nrate = 10Mbit/s\ndelay = 19ms\nqueue_limit = 34p\n"
      "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\ncongestion = %s\n",
      congestion);
  ws_vrun r;
  if (run_or_report(&r, text, 0, model, out)) {
    const ws_link_stats *bottleneck = r.links[2]; /* r -> dst */
    if (r.n_links != 4 || strcmp(bottleneck->from, "r") != 0) {
      ws_validation_add_error(out, model, "unexpected link order");
    } else {
      double util = ws_time_to_s(bottleneck->busy_ns) / 25.0;
      char *note = g_strdup_printf("goodput %.3f Mbit/s, %" G_GUINT64_FORMAT " queue drops, %"
                                   G_GUINT64_FORMAT " RTOs",
                                   ws_vrun_goodput_bps(r.flows[0]) / 1e6, bottleneck->queue_drops,
                                   r.flows[0]->rto_count);
      ws_validation_result *res = ws_validation_add_bound(
          out, model, "bottleneck utilisation", "", 1.0, "Villamizar & Song, CCR 1994 (buffer = BDP)",
          util, NAN, 1, WS_VCHECK_AT_LEAST, 0.90, note);
      /* busy time cannot exceed the window: an accounting bug otherwise */
      if (util > 1.0 + 1e-9) res->pass = false;
      g_free(note);
    }
    ws_vrun_free(&r);
  }
  g_free(text);
  g_free(model);
}

void ws_vexp_tcp_utilisation(GPtrArray *out) {
  utilisation_case("newreno", out);
  utilisation_case("cubic", out);
}

/* ---- (3) fairness ---------------------------------------------------------- */

enum { FAIRNESS_RUNS = 5 };

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
 * to the fair share (Chiu and Jain 1989): J = 1. A wholly deterministic
 * drop-tail run can instead lock into a phase pattern where one flow's
 * bursts always meet the full queue (Floyd and Jacobson, "On traffic phase
 * effects in packet-switched gateways", 1992: 6.0 vs 3.7 Mbit/s here at 50
 * packets); real paths have enough jitter to break it, and so does a
 * random loss of 0.01% on the bottleneck (1 loss in 10^4 packets, a tenth
 * of the congestion losses). Measured from 20 s to 120 s (about 50 loss
 * cycles), 5 runs. The issue asks J >= 0.95 (a split of at worst 61/39);
 * single runs measure 0.98 to 1.000. Together the flows must also fill the
 * link (as in tcp-utilisation): at least 90% of the goodput capacity,
 * 10 Mbit/s x 1448/1500. */
static void fairness_case(const char *queue_limit, GPtrArray *out) {
  char *model = g_strdup_printf("2 x NewReno, same RTT 40 ms, 10 Mbit/s, buffer %s", queue_limit);
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
  ws_stat index = {0}, total = {0};
  for (uint64_t run = 0; run < FAIRNESS_RUNS; run++) {
    ws_vrun r;
    if (!run_or_report(&r, text, run, model, out)) goto done;
    if (r.n_flows != 2) {
      ws_validation_add_error(out, model, "expected two flows");
      ws_vrun_free(&r);
      goto done;
    }
    double x[2] = {ws_vrun_goodput_bps(r.flows[0]), ws_vrun_goodput_bps(r.flows[1])};
    ws_stat_add(&index, jain(x, 2));
    ws_stat_add(&total, (x[0] + x[1]) / 1e6);
    ws_vrun_free(&r);
  }
  char *note = g_strdup_printf("per run %.4f-%.4f; together %.3f Mbit/s", index.min, index.max,
                               total.mean);
  ws_validation_add_bound(out, model, "Jain fairness index", "", 1.0,
                          "Chiu & Jain 1989 (AIMD converges to fair share)", index.mean,
                          ws_stat_ci95(&index), FAIRNESS_RUNS, WS_VCHECK_AT_LEAST, 0.95, note);
  double capacity = 10.0 * 1448 / 1500;
  ws_validation_add_bound(out, model, "sum of goodputs", "Mbit/s", capacity,
                          "link rate x payload share 1448/1500", total.mean, ws_stat_ci95(&total),
                          FAIRNESS_RUNS, WS_VCHECK_AT_LEAST, 0.9 * capacity, NULL);
  g_free(note);
done:
  g_free(text);
  g_free(model);
}

void ws_vexp_tcp_fairness(GPtrArray *out) {
  fairness_case("34p", out);
  fairness_case("50p", out);
}

/* ---- (4) CUBIC on a long fat path ------------------------------------------ */

enum { CUBIC_RUNS = 5 };

/* 100 Mbit/s, 100 ms RTT (a BDP of 833 packets), random loss 1e-5 on the
 * bottleneck, a 100-packet buffer. NewReno's response function caps it near
 * MSS/RTT sqrt(3/(4p)) = 31.7 Mbit/s in the long run (it regains 0.5 segment
 * per RTT, i.e. 40 s to refill the pipe after a halving); CUBIC's
 * (RFC 9438 5.1: average window ((C (3 + beta))/(4 (1 - beta)))^(1/4)
 * RTT^(3/4) / p^(3/4) = 1054 segments = 122 Mbit/s) exceeds the link, so
 * it stays near the link's 96.5 Mbit/s of goodput: a long-run ratio of 3.0
 * (printed in the note). The 25 s after warmup see about 2 loss events (1e-5 x 8300
 * packets/s x 25 s) besides the slow start's: not the long run, so the
 * measured ratio is lower (2 to 3). The loss draws are the same for both
 * algorithms in a run (common random numbers: the link's stream). The
 * issue asks CUBIC > NewReno; the margin asked here, 1.2, is far below the
 * factor measured in every run (1.9 to 2.9 over 6 runs). */
void ws_vexp_cubic_vs_newreno(GPtrArray *out) {
  const char *model = "CUBIC vs NewReno, 100 Mbit/s, RTT 100 ms, loss 1e-5";
  const char *const algorithms[] = {"newreno", "cubic"};
  ws_stat ratio = {0}, goodput[2] = {{0}, {0}};
  for (uint64_t run = 0; run < CUBIC_RUNS; run++) {
    double g[2];
    for (unsigned i = 0; i < 2; i++) {
      char *text = g_strdup_printf(
          "[simulation]\nduration = 30s\nwarmup = 5s\nmetrics_interval = 0s\n"
          "[host src]\n[router r]\n[host dst]\n"
          "[link access]\nbetween = src, r\nrate = 1Gbit/s\ndelay = 1ms\n"
          "[link wan]\nbetween = r, dst\nrate = 100Mbit/s\ndelay = 49ms\nqueue_limit = 100p\n"
          "loss = 0.00001\n"
          "[flow bulk]\nfrom = src\nto = dst\ntransport = tcp\ntype = bulk\ncongestion = %s\n",
          algorithms[i]);
      ws_vrun r;
      bool ok = run_or_report(&r, text, run, model, out);
      g_free(text);
      if (!ok) return;
      g[i] = ws_vrun_goodput_bps(r.flows[0]) / 1e6;
      ws_stat_add(&goodput[i], g[i]);
      ws_vrun_free(&r);
    }
    ws_stat_add(&ratio, g[1] / g[0]);
  }
  double newreno_long_run = 1448 * 8 / 0.1 * sqrt(3 / (4 * 1e-5)) / 1e6;
  double cubic_long_run = 100.0 * 1448 / 1500;
  /* The long-run ratio is no reference for 25 s runs: given in the note,
   * the check is the bound alone. */
  char *note = g_strdup_printf("mean goodput NewReno %.2f, CUBIC %.2f Mbit/s; per-run ratio "
                               "%.2f-%.2f; long-run response functions: %.2f",
                               goodput[0].mean, goodput[1].mean, ratio.min, ratio.max,
                               cubic_long_run / newreno_long_run);
  ws_validation_add_bound(out, model, "goodput ratio CUBIC / NewReno", "", NAN,
                          "RFC 9438 sec. 5: CUBIC > Reno on long fat paths", ratio.mean,
                          ws_stat_ci95(&ratio), CUBIC_RUNS, WS_VCHECK_AT_LEAST, 1.2, note);
  g_free(note);
}
