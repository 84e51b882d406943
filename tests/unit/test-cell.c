/* Tests of the cell engine (sim/cell/cell.c): one full-buffer UE at a known
 * distance against the hand computation (SINR, CQI, MCS, TBS, throughput),
 * round robin sharing, a cell-edge UE between two cells, BLER at the CQI
 * threshold, HARQ recovery, exact packet accounting, determinism, PF
 * against RR with Rayleigh fading, and UL buffer status reporting (BSR
 * levels, SR timing by hand, piggybacked BSRs, lost reports). Closed forms from the log-distance
 * formula, kTB + NF, and the phy functions. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "wisim/cell.h"
#include "wisim/fading.h"
#include "wisim/rng.h"

#define C_MPS 299792458.0
#define F_HZ 2e9
#define RB_HZ 180e3
#define N_RB 50
#define H_CELL 25.0
#define H_UE 1.5

/* Log-distance, n = 3, d0 = 1 m (the [radio] default): Friis at d0 then
 * 30 log10(d). Per-RB received power of a 46 dBm omni 0 dBi cell. */
static double
hand_rx_rb_dbm(double d2d_m)
{
  double d3d = hypot(d2d_m, H_CELL - H_UE);
  return 46 - 10 * log10(N_RB) - (20 * log10(4 * M_PI * F_HZ / C_MPS) + 30 * log10(d3d));
}

/* kTB at 290 K over one RB plus the UE's NF of 7 dB, dBm. */
static double
hand_noise_dbm(void)
{
  return 10 * log10(1.380649e-23 * 290 * RB_HZ / 1e-3) + 7;
}

/* The ground distance at which the SNR is snr_db (inverse of the above). */
static double
dist_for_snr(double snr_db)
{
  double pl = 46 - 10 * log10(N_RB) - hand_noise_dbm() - snr_db;
  double d3d = pow(10, (pl - 20 * log10(4 * M_PI * F_HZ / C_MPS)) / 30);
  return sqrt(d3d * d3d - (H_CELL - H_UE) * (H_CELL - H_UE));
}

typedef struct {
  ws_sim *sim;
  ws_medium *m;
  ws_fading_table *table;
  ws_cellnet *cn;
  ws_packet_pool *pool;
  uint64_t delivered;
  uint64_t drops[3];        /* by ws_cellnet_drop_reason, from the callback */
  uint64_t drops_ul;        /* of which uplink */
} net;

/* A medium with cells at (cx[i], 0) and UEs at (ux[j], uy[j]). */
static void
net_init(net *n, unsigned n_cells, const double *cx, unsigned n_ues, const double *ux,
         const double *uy, ws_fading_model fading, uint64_t seed)
{
  memset(n, 0, sizeof *n);
  n->sim = ws_sim_new();
  ws_medium_config cfg;
  ws_medium_config_default(&cfg);
  cfg.shadowing_sigma_db = 0;
  cfg.fading = fading;
  cfg.seed = seed;
  if (fading != WS_FADING_NONE) {
    ws_rng r;
    ws_rng_init(&r, seed, 0, "radio", "fading table");
    n->table = ws_fading_table_new(&r, 12);
  }
  n->m = ws_medium_new(&cfg, n->table);
  for (unsigned i = 0; i < n_cells; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "C%u", i);
    ws_medium_cell c = {.name = name, .x_m = cx[i], .y_m = 0, .height_m = H_CELL,
                        .tx_power_dbm = 46, .noise_figure_db = 5, .frequency_hz = F_HZ};
    ws_antenna_init(&c.antenna, WS_ANTENNA_OMNI);
    g_assert_true(ws_phy_carrier_init(&c.carrier, 0, 10e6, NULL));
    g_assert_cmpint(ws_medium_add_cell(n->m, &c), ==, (int)i);
  }
  for (unsigned j = 0; j < n_ues; j++) {
    char name[8];
    g_snprintf(name, sizeof name, "u%u", j);
    ws_medium_ue u = {.name = name, .x_m = ux[j], .y_m = uy ? uy[j] : 0, .height_m = H_UE,
                      .tx_power_dbm = 23, .noise_figure_db = 7, .speed_mps = 0};
    g_assert_cmpint(ws_medium_add_ue(n->m, &u), ==, (int)j);
  }
  ws_medium_build(n->m, 0);
  n->pool = ws_packet_pool_new();
}

static void
on_deliver(void *ctx, uint32_t ue, ws_packet *p)
{
  net *n = ctx;
  (void)ue;
  n->delivered++;
  ws_packet_free(n->pool, p);
}

/* The drop callback: counts by reason and frees (takes ownership). */
static void
on_drop_cb(void *ctx, uint32_t ue, bool dl, ws_packet *p, ws_cellnet_drop_reason why)
{
  net *n = ctx;
  (void)ue;
  g_assert_cmpint(why, <, 3);
  n->drops[why]++;
  if (!dl)
    n->drops_ul++;
  ws_packet_free(n->pool, p);
}

static void
net_cellnet(net *n, const char *sched, uint64_t seed, bool full_buffer)
{
  ws_cellnet_config cc = {.scheduler = sched, .seed = seed, .pool = n->pool,
                          .deliver = on_deliver, .ctx = n};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n->cn = ws_cellnet_new(n->sim, n->m, &cc);
  g_assert_nonnull(n->cn);
  for (uint32_t u = 0; u < ws_medium_n_ues(n->m); u++)
    ws_cellnet_set_full_buffer(n->cn, u, full_buffer);
}

/* Runs slots 0 .. n_slots-1 (1 ms each at mu = 0). */
static void
net_run(net *n, unsigned n_slots)
{
  ws_cellnet_start(n->cn, 0);
  ws_sim_run_until(n->sim, (ws_time)(n_slots - 1) * WS_MS);
}

static void
net_free(net *n)
{
  ws_cellnet_free(n->cn);
  ws_medium_free(n->m);
  ws_fading_table_free(n->table);
  ws_packet_pool_free(n->pool);
  ws_sim_free(n->sim);
}

/* The CQI of a flat SINR by the definition: the highest CQI whose 10% BLER
 * threshold it reaches (EESM of equal SINRs is that SINR). */
static unsigned
hand_cqi(double sinr_db)
{
  unsigned q = 0;
  for (unsigned i = 1; i <= 15; i++)
    if (ws_phy_cqi_threshold_db(i) <= sinr_db)
      q = i;
  return q;
}

/* One UE, 25 dB SNR: CQI 15, MCS 28, 50 PRBs: TBS 36896 bits per 1 ms slot
 * (38.214 5.1.3.2 by hand: N_info = 6600 * 948/1024 * 6 = 36660.9, n = 10,
 * N'_info = 36864, C = 5, TBS = 40 ceil(36888 / 40) - 24 = 36896), no
 * block errors (BLER < 1e-9 at 6 dB above threshold): 36.896 Mbit/s. */
static void
test_single_ue(void)
{
  double cx = 0, ux = dist_for_snr(25);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "rr", 1, true);
  double snr = hand_rx_rb_dbm(ux) - hand_noise_dbm();
  g_assert_cmpfloat(fabs(snr - 25), <, 1e-9);
  unsigned cqi = hand_cqi(snr);
  g_assert_cmpuint(cqi, ==, 15);
  g_assert_cmpint(ws_phy_cqi_to_mcs(cqi), ==, 28);
  g_assert_cmpuint(ws_phy_tbs(28, N_RB), ==, 36896);
  g_assert_cmpfloat(ws_phy_bler(28, 36896, snr), <, 1e-9);
  net_run(&n, 1000);
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  const ws_cellnet_cell_stats *c = ws_cellnet_cell_get_stats(n.cn, 0);
  g_assert_cmpuint(c->slots, ==, 1000);
  g_assert_cmpuint(s->cqi_reports, ==, 200); /* every 5 ms */
  g_assert_cmpfloat(fabs(ws_cellnet_ue_mean_sinr_db(n.cn, 0) - snr), <, 1e-9);
  g_assert_cmpfloat(ws_cellnet_ue_mean_cqi(n.cn, 0), ==, 15);
  g_assert_cmpuint(s->first_tx, ==, 1000);
  g_assert_cmpuint(s->first_tx_errors, ==, 0);
  g_assert_cmpuint(s->rbs, ==, 1000 * N_RB);
  g_assert_cmpuint(s->decoded_bits, ==, 1000 * 36896ull);
  /* Full buffer: the whole block is data. */
  g_assert_cmpuint(s->data_bits, ==, 1000 * 36896ull);
  g_assert_cmpfloat(fabs(ws_cellnet_ue_dl_throughput_bps(n.cn, 0) - 36.896e6), <, 1e-3);
  g_assert_cmpfloat(fabs(ws_cellnet_cell_throughput_bps(n.cn, 0) - 36.896e6), <, 1e-3);
  g_assert_cmpfloat(ws_cellnet_cell_rb_utilisation(n.cn, 0), ==, 1.0);
  /* 36.896 Mbit/s over a 10 MHz channel. */
  g_assert_cmpfloat(fabs(ws_cellnet_cell_spectral_efficiency(n.cn, 0) - 3.6896), <, 1e-9);
  g_assert_cmpfloat(ws_cellnet_ue_bler(n.cn, 0), ==, 0.0);
  g_assert_false(s->out_of_coverage);
  net_free(&n);
}

/* A mid-range UE (SNR 7.3 dB): its CQI, MCS and TBS per slot equal the
 * phy functions' on the hand SINR. */
static void
test_mid_cqi(void)
{
  double cx = 0, ux = dist_for_snr(7.3);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  unsigned cqi = hand_cqi(7.3);
  g_assert_cmpuint(cqi, >, 1);
  g_assert_cmpuint(cqi, <, 15);
  int mcs = ws_phy_cqi_to_mcs(cqi);
  uint32_t tbs = ws_phy_tbs((unsigned)mcs, N_RB);
  net_run(&n, 200);
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  g_assert_cmpfloat(ws_cellnet_ue_mean_cqi(n.cn, 0), ==, cqi);
  /* Every block is the same size: decoded bits are a multiple of it. */
  g_assert_cmpuint(s->decoded_tbs, >, 0);
  g_assert_cmpuint(s->decoded_bits, ==, s->decoded_tbs * tbs);
  net_free(&n);
}

/* Round robin, 5 equal full-buffer UEs: each gets 1/5 of the RBs, within
 * one slot's worth (50 RBs) of RR's rotation. */
static void
test_rr_share(void)
{
  double cx = 0, ux[5], uy[5];
  for (int i = 0; i < 5; i++) {
    ux[i] = 300 * cos(2 * M_PI * i / 5);
    uy[i] = 300 * sin(2 * M_PI * i / 5);
  }
  net n;
  net_init(&n, 1, &cx, 5, ux, uy, WS_FADING_NONE, 1);
  net_cellnet(&n, "rr", 1, true);
  net_run(&n, 1000);
  uint64_t total = 0;
  for (uint32_t u = 0; u < 5; u++)
    total += ws_cellnet_ue_get_stats(n.cn, u)->rbs;
  g_assert_cmpuint(total, ==, 1000 * N_RB);
  for (uint32_t u = 0; u < 5; u++) {
    double got = (double)ws_cellnet_ue_get_stats(n.cn, u)->rbs;
    g_assert_cmpfloat(fabs(got - total / 5.0), <=, N_RB);
  }
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->ues, ==, 5);
  net_free(&n);
}

/* Two cells at -+200 m, both loaded (a full-buffer UE near B): the UE
 * midway sees S = I, SINR = S / (S + N), just below 0 dB, and reports
 * CQI 4 (threshold -0.86 dB <= SINR < CQI 5's 1.22 dB). */
static void
test_cell_edge(void)
{
  double cx[2] = {-200, 200}, ux[2] = {0, 190};
  net n;
  net_init(&n, 2, cx, 2, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "rr", 1, true);
  g_assert_true(ws_cellnet_attach(n.cn, 0, 0));
  net_run(&n, 100);
  double s = pow(10, hand_rx_rb_dbm(200) / 10), no = pow(10, hand_noise_dbm() / 10);
  double sinr = 10 * log10(s / (s + no));
  g_assert_cmpfloat(sinr, <, 0);
  g_assert_cmpfloat(sinr, >, -0.01);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 0)->cell, ==, 0);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 1)->cell, ==, 1);
  g_assert_cmpfloat(fabs(ws_cellnet_ue_mean_sinr_db(n.cn, 0) - sinr), <, 1e-9);
  g_assert_cmpuint(hand_cqi(sinr), ==, 4);
  g_assert_cmpfloat(ws_cellnet_ue_mean_cqi(n.cn, 0), ==, 4);
  g_assert_cmpfloat(ws_cellnet_cell_rb_utilisation(n.cn, 1), ==, 1.0);
  net_free(&n);
}

/* A UE far beyond the lowest CQI threshold is counted out of coverage and
 * never scheduled, but stays in the counters. */
static void
test_out_of_coverage(void)
{
  double cx = 0, ux = dist_for_snr(-15);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  net_run(&n, 50);
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  g_assert_true(s->out_of_coverage);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->out_of_coverage, ==, 1);
  g_assert_cmpuint(s->cqi_zero_reports, ==, s->cqi_reports);
  g_assert_cmpuint(s->rbs, ==, 0);
  g_assert_cmpfloat(ws_cellnet_cell_rb_utilisation(n.cn, 0), ==, 0.0);
  net_free(&n);
}

/* At SNR = CQI 4's threshold + 1e-4 dB (the curve is steep: +0.01 dB
 * already gives 8.6%) the UE reports CQI 4 and is served
 * at MCS 4 (same efficiency 0.6016), so first transmissions fail with the
 * BLER of the curve there, just under 10%. 4000 slots: ~4000 first
 * transmissions, binomial sd sqrt(0.09 / 4000) = 0.0047; 4 sd = 0.019.
 * HARQ: a retransmission combines to +3 dB, so nearly every error is
 * recovered (drops < 1/10 of the errors). */
static void
test_bler_harq(void)
{
  double snr = ws_phy_cqi_threshold_db(4) + 1e-4;
  double cx = 0, ux = dist_for_snr(snr);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 7);
  /* The bare curve: outer-loop link adaptation off (it would back off
   * after each error; test_olla). */
  ws_cellnet_config cc = {.scheduler = "rr", .seed = 7, .pool = n.pool, .deliver = on_deliver,
                          .ctx = &n, .no_olla = true};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n.cn = ws_cellnet_new(n.sim, n.m, &cc);
  g_assert_nonnull(n.cn);
  ws_cellnet_set_full_buffer(n.cn, 0, true);
  g_assert_cmpuint(hand_cqi(snr), ==, 4);
  g_assert_cmpint(ws_phy_cqi_to_mcs(4), ==, 4);
  uint32_t tbs = ws_phy_tbs(4, N_RB);
  double p = ws_phy_bler(4, tbs, snr);
  g_assert_cmpfloat(p, <, 0.1);
  g_assert_cmpfloat(p, >, 0.095);
  net_run(&n, 4000);
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  g_assert_cmpuint(s->first_tx, >, 3000);
  g_test_message("BLER %.4f (curve %.4f), errors %" G_GUINT64_FORMAT ", retx %" G_GUINT64_FORMAT
                 ", drops %" G_GUINT64_FORMAT, ws_cellnet_ue_bler(n.cn, 0), p,
                 (guint64)s->first_tx_errors, (guint64)s->retx, (guint64)s->harq_drops);
  g_assert_cmpfloat(fabs(ws_cellnet_ue_bler(n.cn, 0) - p), <, 0.019);
  g_assert_cmpuint(s->retx, >=, s->first_tx_errors - 8); /* up to 8 still pending */
  g_assert_cmpuint(s->harq_drops * 10, <, s->first_tx_errors);
  /* Every block is decoded, dropped or still in a HARQ process (<= 8). */
  g_assert_cmpuint(s->decoded_tbs + s->harq_drops, <=, s->first_tx);
  g_assert_cmpuint(s->decoded_tbs + s->harq_drops + 8, >=, s->first_tx);
  net_free(&n);
}

/* Packet mode: packets offered = delivered + dropped (buffer, reassembly)
 * + pending, exactly, mid-run and at the end; everything drains. A 100 kB
 * buffer limit forces buffer drops. */
static void
test_packets(void)
{
  double cx = 0, ux = dist_for_snr(3);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 3);
  ws_cellnet_config cc = {.scheduler = "pf", .seed = 3, .pool = n.pool, .deliver = on_deliver,
                          .ctx = &n, .rlc_limit_bytes = 100000};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n.cn = ws_cellnet_new(n.sim, n.m, &cc);
  const unsigned n_pkt = 200;
  uint64_t refused = 0;
  for (unsigned i = 0; i < n_pkt; i++) {
    ws_packet *p = ws_packet_new(n.pool);
    p->ip_bytes = 1500;
    p->payload_bytes = 1472;
    if (!ws_cellnet_dl_enqueue(n.cn, 0, p))
      refused++;
  }
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  g_assert_cmpuint(refused, >, 0);
  g_assert_cmpuint(s->buffer_drops, ==, refused);
  ws_cellnet_start(n.cn, 0);
  ws_sim_run_until(n.sim, 5 * WS_MS);
  uint64_t pend = ws_cellnet_ue_pending_packets(n.cn, 0);
  g_assert_cmpuint(pend, >, 0);
  g_assert_cmpuint(s->enqueued_packets, ==, n_pkt);
  g_assert_cmpuint(n_pkt, ==, s->delivered_packets + s->buffer_drops + s->reassembly_drops + pend);
  ws_sim_run_until(n.sim, 2000 * WS_MS);
  pend = ws_cellnet_ue_pending_packets(n.cn, 0);
  g_assert_cmpuint(pend, ==, 0);
  g_assert_cmpuint(n_pkt, ==, s->delivered_packets + s->buffer_drops + s->reassembly_drops);
  g_assert_cmpuint(n.delivered, ==, s->delivered_packets);
  g_assert_cmpuint(s->delivered_packets, >, 0);
  /* Data bits are the delivered IP bytes (nothing was lost). */
  if (s->reassembly_drops == 0)
    g_assert_cmpuint(s->data_bits, ==, s->delivered_packets * 1500 * 8);
  net_free(&n);
}

/* Same seed: identical counters; another seed: other block errors. */
static void
run_bler(uint64_t seed, ws_cellnet_ue_stats *out)
{
  double snr = ws_phy_cqi_threshold_db(6) + 0.01;
  double cx = 0, ux = dist_for_snr(snr);
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, seed);
  net_cellnet(&n, "pf", seed, true);
  net_run(&n, 500);
  *out = *ws_cellnet_ue_get_stats(n.cn, 0);
  net_free(&n);
}

static void
test_determinism(void)
{
  ws_cellnet_ue_stats a, b, c;
  run_bler(11, &a);
  run_bler(11, &b);
  run_bler(12, &c);
  g_assert_cmpuint(a.first_tx_errors, ==, b.first_tx_errors);
  g_assert_cmpuint(a.decoded_bits, ==, b.decoded_bits);
  g_assert_cmpuint(a.retx, ==, b.retx);
  g_assert_cmpfloat(a.sinr_db_sum, ==, b.sinr_db_sum);
  g_assert_cmpuint(a.first_tx_errors, >, 0);
  /* 500 draws at p ~ 0.1: two streams giving the same error count and the
   * same decoded bits is possible but unlikely (~5%); the pattern differs. */
  g_assert_true(a.first_tx_errors != c.first_tx_errors || a.retx != c.retx ||
                a.decoded_bits != c.decoded_bits);
}

/* PF against RR with Rayleigh fading: 10 UEs at different distances; PF
 * rides each UE's subband peaks and carries more. */
static double
run_sched(const char *sched)
{
  double cx = 0, ux[10], uy[10];
  for (int i = 0; i < 10; i++) {
    double d = 80 + 40 * i;
    ux[i] = d * cos(2 * M_PI * i / 10);
    uy[i] = d * sin(2 * M_PI * i / 10);
  }
  net n;
  net_init(&n, 1, &cx, 10, ux, uy, WS_FADING_RAYLEIGH, 5);
  net_cellnet(&n, sched, 5, true);
  net_run(&n, 1000);
  double t = ws_cellnet_cell_throughput_bps(n.cn, 0);
  net_free(&n);
  return t;
}

static void
test_pf_vs_rr(void)
{
  double pf = run_sched("pf"), rr = run_sched("rr");
  g_test_message("cell throughput PF %.2f Mbit/s, RR %.2f Mbit/s", pf / 1e6, rr / 1e6);
  g_assert_cmpfloat(pf, >, rr);
}

/* Uplink: kTB at 290 K over one RB plus the cell's NF of 5 dB, dBm, and the
 * path loss of the log-distance model. */
static double
hand_ul_noise_dbm(void)
{
  return 10 * log10(1.380649e-23 * 290 * RB_HZ / 1e-3) + 5;
}

static double
hand_pl_db(double d2d_m)
{
  return 46 - 10 * log10(N_RB) - hand_rx_rb_dbm(d2d_m);
}

static void
net_cellnet_ul(net *n, double p0, double alpha, bool full_buffer)
{
  ws_cellnet_config cc = {.scheduler = "rr", .seed = 1, .pool = n->pool, .deliver = on_deliver,
                          .ul_deliver = on_deliver, .ctx = n, .uplink = true,
                          .pc_p0_dbm = p0, .pc_alpha = alpha, .ue_pmax_dbm = 23};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n->cn = ws_cellnet_new(n->sim, n->m, &cc);
  g_assert_nonnull(n->cn);
  for (uint32_t u = 0; u < ws_medium_n_ues(n->m); u++)
    ws_cellnet_set_ul_full_buffer(n->cn, u, full_buffer);
}

/* Uplink, one UE at 50 m with full path loss compensation (alpha = 1) and
 * Pmax not binding (P0 + 10 log10(50) + PL < 23 dBm, checked): every RB
 * arrives at P0 whatever the distance (TS 38.213 7.1.1 open loop), so
 * SNR = P0 - (kTB + 5 dB). At P0 = -95 dBm: SNR 21.4 dB, CQI 15, MCS 28,
 * 36896 bits per slot, no errors (BLER < 1e-9). */
static void
test_ul_single(void)
{
  double cx = 0, ux = 50;
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  double p0 = -95;
  g_assert_cmpfloat(p0 + 10 * log10(N_RB) + hand_pl_db(ux), <, 23); /* Pmax not bound */
  net_cellnet_ul(&n, p0, 1.0, true);
  net_run(&n, 500);
  double snr = p0 - hand_ul_noise_dbm();
  g_assert_cmpuint(hand_cqi(snr), ==, 15);
  g_assert_cmpfloat(ws_phy_bler(28, 36896, snr), <, 1e-9);
  const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, 0)->ul;
  g_assert_cmpuint(s->sinr_n, ==, 500);
  g_assert_cmpfloat(fabs(s->sinr_db_sum / (double)s->sinr_n - snr), <, 1e-9);
  g_assert_cmpuint(s->rbs, ==, 500 * N_RB);
  g_assert_cmpuint(s->first_tx_errors, ==, 0);
  g_assert_cmpuint(s->decoded_bits, ==, 500 * 36896ull);
  g_assert_cmpfloat(fabs(ws_cellnet_ue_ul_throughput_bps(n.cn, 0) - 36.896e6), <, 1e-3);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->ul_rbs_used, ==, 500 * N_RB);
  /* Full buffer: known backlogged from the start (no SR), a BSR of the
   * top level (150000 B) in each of the 500 blocks. */
  g_assert_cmpuint(s->srs, ==, 0);
  g_assert_cmpuint(s->bsrs, ==, 500);
  g_assert_cmpuint(ws_cellnet_ue_ul_known_bytes(n.cn, 0), ==, 150000);
  /* The downlink is idle: packet mode with nothing queued. */
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 0)->rbs, ==, 0);
  net_free(&n);
}

/* Uplink interference: cells at -+200 m, UE0 at -150 (cell 0), UE1 at +150
 * (cell 1), both full buffer on every RB, alpha = 1, P0 = -95 dBm. At cell 0:
 * S = P0, I = P0 + PL(50 m) - PL(350 m) (UE1's power per RB, attenuated
 * towards cell 0); SINR = S / (N + I) in every slot. */
static void
test_ul_interference(void)
{
  double cx[2] = {-200, 200}, ux[2] = {-150, 150};
  net n;
  net_init(&n, 2, cx, 2, ux, NULL, WS_FADING_NONE, 1);
  double p0 = -95;
  net_cellnet_ul(&n, p0, 1.0, true);
  net_run(&n, 100);
  double i_dbm = p0 + hand_pl_db(50) - hand_pl_db(350);
  double sinr = p0 - 10 * log10(pow(10, hand_ul_noise_dbm() / 10) + pow(10, i_dbm / 10));
  for (uint32_t u = 0; u < 2; u++) {
    const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, u)->ul;
    g_assert_cmpuint(s->sinr_n, ==, 100);
    g_assert_cmpfloat(fabs(s->sinr_db_sum / (double)s->sinr_n - sinr), <, 1e-9);
  }
  /* The interferer costs real SINR here (more than 1 dB below the SNR). */
  g_assert_cmpfloat(sinr, <, p0 - hand_ul_noise_dbm() - 1);
  net_free(&n);
}

/* Uplink packets: offered = delivered + dropped once drained. */
static void
test_ul_packets(void)
{
  double cx = 0, ux = 200;
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet_ul(&n, -90, 0.8, false);
  for (unsigned i = 0; i < 300; i++) {
    ws_packet *p = ws_packet_new(n.pool);
    p->ip_bytes = 1200;
    ws_cellnet_ul_enqueue(n.cn, 0, p);
  }
  net_run(&n, 1000);
  const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, 0)->ul;
  g_assert_cmpuint(s->enqueued_packets, ==, 300);
  g_assert_cmpuint(s->delivered_packets, >, 0);
  g_assert_cmpuint(300, ==, s->delivered_packets + s->buffer_drops + s->reassembly_drops);
  g_assert_cmpuint(n.delivered, ==, s->delivered_packets);
  net_free(&n);
}

/* ---- buffer status reporting ---------------------------------------------- */

/* BSR levels against rows of TS 36.321 Table 6.1.3.1-1 (index: range):
 * 0: BS = 0; 1: 0 < BS <= 10; 2: 10 < BS <= 12; 4: 14 < BS <= 17;
 * 31: 967 < BS <= 1132; 40: 3995 < BS <= 4677; 62: 128125 < BS <= 150000;
 * 63: BS > 150000. The cell takes the upper bound (150000 for 63). */
static void
test_bsr_table(void)
{
  static const struct {
    uint64_t bytes;
    unsigned index;
  } rows[] = {{0, 0},        {1, 1},        {10, 1},       {11, 2},          {12, 2},
              {15, 4},       {17, 4},       {968, 31},     {1132, 31},       {1133, 32},
              {3996, 40},    {4677, 40},    {128126, 62},  {150000, 62},     {150001, 63},
              {UINT64_MAX, 63}};
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
    g_assert_cmpuint(ws_cellnet_bsr_index(rows[i].bytes), ==, rows[i].index);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(0), ==, 0);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(1), ==, 10);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(4), ==, 17);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(31), ==, 1132);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(40), ==, 4677);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(62), ==, 150000);
  g_assert_cmpuint(ws_cellnet_bsr_level_bytes(63), ==, 150000);
  /* Every level is the upper bound of its own index and one byte more is
   * the next index: the table is strictly increasing and self-consistent. */
  for (unsigned i = 1; i < 62; i++) {
    uint64_t b = ws_cellnet_bsr_level_bytes(i);
    g_assert_cmpuint(ws_cellnet_bsr_index(b), ==, i);
    g_assert_cmpuint(ws_cellnet_bsr_index(b + 1), ==, i + 1);
  }
}

/* A UL engine for the BSR tests: RR, alpha = 1, P0 as given, one seed and
 * run, SR period and grant delay (0: defaults). */
static void
net_cellnet_bsr(net *n, double p0, uint64_t seed, uint64_t run, unsigned sr_period,
                unsigned grant_delay)
{
  ws_cellnet_config cc = {.scheduler = "rr", .seed = seed, .run = run, .pool = n->pool,
                          .deliver = on_deliver, .ul_deliver = on_deliver, .ctx = n,
                          .uplink = true, .pc_p0_dbm = p0, .pc_alpha = 1.0, .ue_pmax_dbm = 23,
                          .sr_period_slots = sr_period, .grant_delay_slots = grant_delay,
                          /* block sizes by hand: the MCS of the reports alone */
                          .no_olla = true};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n->cn = ws_cellnet_new(n->sim, n->m, &cc);
  g_assert_nonnull(n->cn);
}

/* Enqueues k UL packets of `bytes` for a UE at a given time. */
typedef struct {
  net *n;
  uint32_t ue;
  unsigned k;
  uint32_t bytes;
} ul_burst;

static void
on_ul_burst(ws_sim *sim, void *ctx)
{
  (void)sim;
  ul_burst *b = ctx;
  for (unsigned i = 0; i < b->k; i++) {
    ws_packet *p = ws_packet_new(b->n->pool);
    p->ip_bytes = b->bytes;
    g_assert_true(ws_cellnet_ul_enqueue(b->n->cn, b->ue, p));
  }
}

/* One small UL packet in an empty buffer, by hand. The packet arrives at
 * 0.5 ms, so slot 1 (at 1 ms) is the first whose grants are not made. UE
 * u's SR opportunities are the slots n with n mod P = u mod P; the cell
 * grants G slots after the SR. Defaults P = 5, G = 4: UE 0 sends its SR
 * in slot 5 and is granted in slot 9 (access delay 8.5 ms), UE 1 in slot 1
 * and slot 5 (4.5 ms). With P = 10, G = 2: UE 0 slots 10 and 12 (11.5 ms),
 * UE 1 slots 1 and 3 (2.5 ms). Before that the cell schedules nothing
 * although the buffer holds 102 B (it never looks at the true buffer);
 * after the block, its BSR (0) leaves nothing to grant. */
static void
test_ul_sr_delay(void)
{
  static const struct {
    unsigned period, delay;
    uint64_t grant_slot[2];
  } cases[] = {{0, 0, {9, 5}}, {10, 2, {12, 3}}};
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    double cx = 0, ux[2] = {50, -50};
    net n;
    net_init(&n, 1, &cx, 2, ux, NULL, WS_FADING_NONE, 1);
    net_cellnet_bsr(&n, -95, 1, 0, cases[c].period, cases[c].delay);
    ul_burst b[2] = {{&n, 0, 1, 100}, {&n, 1, 1, 100}};
    ws_sim_schedule_at(n.sim, WS_MS / 2, on_ul_burst, &b[0]);
    ws_sim_schedule_at(n.sim, WS_MS / 2, on_ul_burst, &b[1]);
    ws_cellnet_start(n.cn, 0);
    uint64_t first[2] = {0, 0};
    for (uint64_t slot = 0; slot < 40; slot++) {
      ws_sim_run_until(n.sim, (ws_time)slot * WS_MS + WS_MS / 2); /* after slot */
      for (uint32_t u = 0; u < 2; u++) {
        const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, u)->ul;
        if (slot < cases[c].grant_slot[u]) {
          g_assert_cmpuint(s->first_tx, ==, 0);
        } else {
          g_assert_cmpuint(s->first_tx, ==, 1); /* one block, then nothing */
          if (!first[u])
            first[u] = slot;
        }
        if (slot >= 1 && slot + 1 < cases[c].grant_slot[u])
          g_assert_cmpuint(ws_cellnet_ue_ul_known_bytes(n.cn, u), ==, 0);
      }
    }
    for (uint32_t u = 0; u < 2; u++) {
      const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, u)->ul;
      g_assert_cmpuint(first[u], ==, cases[c].grant_slot[u]);
      g_assert_cmpuint(s->srs, ==, 1);
      g_assert_cmpuint(s->bsrs, ==, 2); /* the SR's and the block's */
      g_assert_cmpuint(s->delivered_packets, ==, 1);
      g_assert_cmpuint(s->access_delays, ==, 1);
      double hand_s = ((double)cases[c].grant_slot[u] - 0.5) * 1e-3;
      g_assert_cmpfloat(fabs(ws_cellnet_ue_ul_access_delay_s(n.cn, u) - hand_s), <, 1e-12);
      g_assert_cmpuint(ws_cellnet_ue_ul_known_bytes(n.cn, u), ==, 0);
    }
    net_free(&n);
  }
}

/* A UE streaming: 20 packets of 1500 B at 0.5 ms, 20 more at 12.5 ms while
 * the buffer still holds data (no new SR). CQI 15 without errors (50 m,
 * alpha = 1, P0 = -95 dBm: test_ul_single): 4612 B per slot on 50 RBs. The
 * SR gets the first grant in slot 9; from then the piggybacked BSRs keep
 * the cell informed and it grants in every slot until the 40 x 1502 B =
 * 60080 B are through: 14 slots (13.03 full blocks), then nothing. */
static void
test_ul_bsr_stream(void)
{
  double cx = 0, ux = 50;
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet_bsr(&n, -95, 1, 0, 0, 0);
  ul_burst b[2] = {{&n, 0, 20, 1500}, {&n, 0, 20, 1500}};
  ws_sim_schedule_at(n.sim, WS_MS / 2, on_ul_burst, &b[0]);
  ws_sim_schedule_at(n.sim, 12 * WS_MS + WS_MS / 2, on_ul_burst, &b[1]);
  ws_cellnet_start(n.cn, 0);
  const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, 0)->ul;
  uint64_t last_slot = 0;
  for (uint64_t slot = 0; slot < 60; slot++) {
    uint64_t before = s->first_tx;
    ws_sim_run_until(n.sim, (ws_time)slot * WS_MS + WS_MS / 4);
    bool granted = s->first_tx == before + 1;
    if (slot >= 9 && s->delivered_packets < 40)
      g_assert_true(granted); /* continuous while data waits */
    if (granted)
      last_slot = slot;
    if (slot < 9 || s->delivered_packets == 40)
      g_assert_true(!granted || slot == last_slot);
  }
  g_assert_cmpuint(s->delivered_packets, ==, 40);
  g_assert_cmpuint(s->first_tx_errors, ==, 0);
  g_assert_cmpuint(s->srs, ==, 1);
  g_assert_cmpuint(s->first_tx, ==, 14);
  g_assert_cmpuint(last_slot, ==, 22);
  g_assert_cmpuint(s->bsrs, ==, 15);
  net_free(&n);
}

/* A lost block delays the cell's knowledge. SNR at CQI 15's threshold
 * (alpha = 1: SNR = P0 - noise), so each first transmission fails with
 * ~10% probability. 10 packets of 1000 B at 0.5 ms (10020 B with headers:
 * level 10287 learned by the SR in slot 9); slot 9 sends 4612 B (BSR
 * 5408 -> 5476); 3 more packets at 9.5 ms (buffer not empty: no SR);
 * slot 10 sends 4612 B with a BSR of 5408 + 3006 - 4612 = 3802 -> 3995.
 * After slot 10 the cell knows 3995 B exactly when that block was decoded
 * at once; when it was not, only the stale estimate: 5476 - 4612 = 864
 * (slot 9 decoded) or 10287 - 2 x 4612 = 1063 (slot 9 lost too), blind to
 * the 3 new packets until a later block's BSR is decoded. Over 60 runs
 * both cases occur (P(no loss in 60) = 0.9^60 < 0.2%) and every packet
 * gets through without another SR. */
static void
test_ul_bsr_lost(void)
{
  double p0 = ws_phy_cqi_threshold_db(15) + hand_ul_noise_dbm() + 1e-6;
  g_assert_cmpuint(hand_cqi(p0 - hand_ul_noise_dbm()), ==, 15);
  unsigned lost = 0, decoded = 0;
  for (uint64_t run = 0; run < 60; run++) {
    double cx = 0, ux = 50;
    net n;
    net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
    net_cellnet_bsr(&n, p0, 1, run, 0, 0);
    ul_burst b[2] = {{&n, 0, 10, 1000}, {&n, 0, 3, 1000}};
    ws_sim_schedule_at(n.sim, WS_MS / 2, on_ul_burst, &b[0]);
    ws_sim_schedule_at(n.sim, 9 * WS_MS + WS_MS / 2, on_ul_burst, &b[1]);
    ws_cellnet_start(n.cn, 0);
    const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, 0)->ul;
    ws_sim_run_until(n.sim, 9 * WS_MS + WS_MS / 4);
    g_assert_cmpuint(s->first_tx, ==, 1);
    uint64_t err9 = s->first_tx_errors;
    ws_sim_run_until(n.sim, 10 * WS_MS + WS_MS / 2);
    g_assert_cmpuint(s->first_tx, ==, 2);
    bool lost10 = s->first_tx_errors > err9;
    uint64_t known = ws_cellnet_ue_ul_known_bytes(n.cn, 0);
    if (lost10) {
      lost++;
      g_assert_cmpuint(known, ==, err9 ? 1063 : 864);
    } else {
      decoded++;
      g_assert_cmpuint(known, ==, 3995);
    }
    ws_sim_run_until(n.sim, 200 * WS_MS);
    g_assert_cmpuint(s->srs, ==, 1);
    g_assert_cmpuint(s->delivered_packets + s->reassembly_drops, ==, 13);
    g_assert_cmpuint(ws_cellnet_ue_ul_known_bytes(n.cn, 0), ==, 0);
    net_free(&n);
  }
  g_test_message("slot-10 block lost in %u of 60 runs", lost);
  g_assert_cmpuint(lost, >, 0);
  g_assert_cmpuint(decoded, >, 0);
}

/* A periodic UL arrival for a UE (every period_ns, n times). */
typedef struct {
  net *n;
  uint32_t ue;
  ws_time period_ns;
  unsigned left;
} ul_tick;

static void
on_ul_tick(ws_sim *sim, void *ctx)
{
  ul_tick *t = ctx;
  ws_packet *p = ws_packet_new(t->n->pool);
  p->ip_bytes = 200 + 400 * t->ue;
  ws_cellnet_ul_enqueue(t->n->cn, t->ue, p);
  if (--t->left)
    ws_sim_schedule(sim, t->period_ns, on_ul_tick, t);
}

/* Three UEs with Rayleigh fading sending packets every 3.3, 4.1 and 7 ms:
 * SRs, BSRs and access delays; two runs give identical counters. */
static void
run_ul_bsr(uint64_t seed, ws_cellnet_ul_stats out[3])
{
  double cx = 0, ux[3] = {100, 300, 600}, uy[3] = {0, 50, -80};
  net n;
  net_init(&n, 1, &cx, 3, ux, uy, WS_FADING_RAYLEIGH, seed);
  net_cellnet_bsr(&n, -90, seed, 0, 0, 0);
  ul_tick t[3] = {{&n, 0, 3300 * WS_US, 90}, {&n, 1, 4100 * WS_US, 70}, {&n, 2, 7 * WS_MS, 40}};
  for (unsigned u = 0; u < 3; u++)
    ws_sim_schedule_at(n.sim, 100 * WS_US * (u + 1), on_ul_tick, &t[u]);
  net_run(&n, 400);
  for (uint32_t u = 0; u < 3; u++)
    out[u] = ws_cellnet_ue_get_stats(n.cn, u)->ul;
  net_free(&n);
}

static void
test_ul_bsr_determinism(void)
{
  ws_cellnet_ul_stats a[3], b[3];
  memset(a, 0, sizeof a); /* padding compared by memcmp */
  memset(b, 0, sizeof b);
  run_ul_bsr(7, a);
  run_ul_bsr(7, b);
  g_assert_cmpint(memcmp(a, b, sizeof a), ==, 0);
  for (unsigned u = 0; u < 3; u++) {
    g_assert_cmpuint(a[u].srs, >, 0);
    g_assert_cmpuint(a[u].access_delays, >, 0);
    g_assert_cmpuint(a[u].bsrs, >=, a[u].decoded_tbs);
    /* Each access waits at least for an SR opportunity's grant delay. */
    g_assert_cmpint(a[u].access_delay_ns_sum, >=,
                    (ws_time)a[u].access_delays * WS_CELLNET_GRANT_DELAY_SLOTS_DEFAULT * WS_MS);
  }
}

/* ---- the dynamic API ------------------------------------------------------ */

/* Enqueues k DL packets of 1500 B for ue; returns how many were accepted. */
static unsigned
enqueue_n(net *n, uint32_t ue, unsigned k)
{
  unsigned ok = 0;
  for (unsigned i = 0; i < k; i++) {
    ws_packet *p = ws_packet_new(n->pool);
    p->ip_bytes = 1500;
    p->payload_bytes = 1472;
    ok += ws_cellnet_dl_enqueue(n->cn, ue, p);
  }
  return ok;
}

/* Outer-loop link adaptation. Two cells 400 m apart, a UE of each at 150
 * m from its cell, both fed a burst of packets every 20 ms in the same
 * slot (two VoIP-like flows): the CQI is mostly measured while the other
 * cell is idle, so it promises the SNR where the bursts meet the other
 * cell's interference. Without OLLA most first transmissions fail; with it
 * the offset climbs until the BLER is near the 10% target: within 0.05 of
 * it over ~500 blocks (binomial sd 0.013 at 10%; the offset's walk adds
 * its own spread, 0.5 dB up per error). */
typedef struct {
  net *n;
} burst_ctx;

static void
burst(ws_sim *sim, void *ctx)
{
  burst_ctx *b = ctx;
  for (uint32_t ue = 0; ue < 2; ue++)
    enqueue_n(b->n, ue, 1);
  ws_sim_schedule(sim, 20 * WS_MS, burst, b);
}

static double
olla_bler(bool olla)
{
  double cx[2] = {0, 400}, ux[2] = {150, 250};
  net n;
  net_init(&n, 2, cx, 2, ux, NULL, WS_FADING_NONE, 3);
  ws_cellnet_config cc = {.scheduler = "pf", .seed = 3, .pool = n.pool, .deliver = on_deliver,
                          .ctx = &n, .no_olla = !olla};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n.cn = ws_cellnet_new(n.sim, n.m, &cc);
  g_assert_nonnull(n.cn);
  burst_ctx b = {&n};
  ws_sim_schedule_at(n.sim, 0, burst, &b);
  net_run(&n, 10000);
  uint64_t tx = 0, err = 0;
  for (uint32_t ue = 0; ue < 2; ue++) {
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, ue);
    tx += s->first_tx;
    err += s->first_tx_errors;
  }
  net_free(&n);
  g_assert_cmpuint(tx, >, 400);
  return (double)err / (double)tx;
}

static void
test_olla(void)
{
  double without = olla_bler(false), with = olla_bler(true);
  g_test_message("first-transmission BLER without OLLA %.3f, with %.3f", without, with);
  g_assert_cmpfloat(without, >, 0.5);
  g_assert_cmpfloat(fabs(with - 0.1), <, 0.05);
}

/* An action at a given time (ws_sim_schedule_at). */
typedef enum { ACT_MOVE, ACT_OFF, ACT_ENQUEUE_MOVE, ACT_RESET } act_kind;
typedef struct {
  net *n;
  act_kind kind;
  uint32_t ue;
  int32_t cell;
  bool keep;
  unsigned n_pkt;
} action;

static void
on_action(ws_sim *sim, void *ctx)
{
  (void)sim;
  action *a = ctx;
  switch (a->kind) {
  case ACT_ENQUEUE_MOVE:
    g_assert_cmpuint(enqueue_n(a->n, a->ue, a->n_pkt), ==, a->n_pkt);
    /* fall through */
  case ACT_MOVE:
    g_assert_true(ws_cellnet_move_ue(a->n->cn, a->ue, a->cell, a->keep));
    break;
  case ACT_OFF:
    ws_cellnet_set_cell_on(a->n->cn, (uint32_t)a->cell, false);
    break;
  case ACT_RESET:
    ws_cellnet_reset_stats(a->n->cn);
    break;
  }
}

/* Buffer-full packets reach the drop callback (WS_CELLNET_DROP_BUFFER),
 * one per refusal, and the per-UE counter still counts them. */
static void
test_drop_fn(void)
{
  double cx = 0, ux = 100;
  net n;
  net_init(&n, 1, &cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  ws_cellnet_config cc = {.seed = 1, .pool = n.pool, .deliver = on_deliver, .ctx = &n,
                          .rlc_limit_bytes = 15000};
  g_assert_true(ws_phy_carrier_init(&cc.carrier, 0, 10e6, NULL));
  n.cn = ws_cellnet_new(n.sim, n.m, &cc);
  ws_cellnet_set_drop_fn(n.cn, on_drop_cb);
  unsigned ok = enqueue_n(&n, 0, 30); /* room for 10 */
  g_assert_cmpuint(ok, ==, 10);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_BUFFER], ==, 20);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 0)->buffer_drops, ==, 20);
  net_run(&n, 50);
  g_assert_cmpuint(n.delivered, ==, 10);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_RADIO] + n.drops[WS_CELLNET_DROP_DETACH], ==, 0);
  net_free(&n);
}

/* Per-cell settings: the engine's default is max C/I; cell 0 runs round
 * robin with a 10 ms CQI period, cell 1 proportional fair with 5 ms. Each
 * cell has a near UE (CQI 15) and a far one (CQI ~5). Cells 10 km apart
 * do not interfere (> 50 dB below noise). RR gives the two UEs of cell 0
 * exactly 25 RBs each per slot (50 RBs, 2 always-backlogged UEs); under
 * max C/I the far UE would get nothing, which PF avoids in cell 1. */
static void
test_cell_params(void)
{
  double cx[2] = {0, 10000};
  double ux[4] = {dist_for_snr(25), dist_for_snr(5), 10000 + dist_for_snr(25),
                  10000 + dist_for_snr(5)};
  net n;
  net_init(&n, 2, cx, 4, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "maxci", 1, true);
  ws_cellnet_cell_params rr = {.scheduler = "rr", .cqi_period_ns = 10 * WS_MS};
  ws_cellnet_cell_params pf = {.scheduler = "pf"};
  g_assert_true(ws_cellnet_set_cell_params(n.cn, 0, &rr));
  g_assert_true(ws_cellnet_set_cell_params(n.cn, 1, &pf));
  net_run(&n, 1000);
  const ws_cellnet_ue_stats *s[4];
  for (uint32_t u = 0; u < 4; u++) {
    s[u] = ws_cellnet_ue_get_stats(n.cn, u);
    g_assert_cmpuint(s[u]->cell, ==, u / 2);
  }
  g_assert_cmpuint(s[0]->rbs, ==, 1000 * N_RB / 2);
  g_assert_cmpuint(s[1]->rbs, ==, 1000 * N_RB / 2);
  g_assert_cmpuint(s[2]->rbs + s[3]->rbs, ==, 1000 * N_RB);
  g_assert_cmpuint(s[3]->rbs, >, 1000 * N_RB / 10);
  /* CQI timing from the serving cell: 100 reports in 1 s against 200. */
  g_assert_cmpuint(s[0]->cqi_reports, ==, 100);
  g_assert_cmpuint(s[2]->cqi_reports, ==, 200);
  net_free(&n);
}

/* Uplink power control per cell and Pmax per UE: three isolated cells
 * (10 km apart), one full-buffer UE at 150 m each, all 50 RBs every slot.
 * The received power per RB is min(Pmax - 10 log10(50), P0 + alpha PL)
 * - PL (TS 38.213 7.1.1 open loop), so the UL SNRs differ by exactly the
 * differences of those powers (same path loss): cell 1's P0 is 10 dB up;
 * UE 2's Pmax of 5 dBm binds. */
static void
test_ul_params(void)
{
  double cx[3] = {0, 10000, 20000}, ux[3] = {150, 10150, 20150};
  net n;
  net_init(&n, 3, cx, 3, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet_ul(&n, -90, 0.8, true);
  ws_cellnet_cell_params pc = {.set_pc = true, .pc_p0_dbm = -80, .pc_alpha = 0.8};
  g_assert_true(ws_cellnet_set_cell_params(n.cn, 1, &pc));
  g_assert_true(ws_cellnet_set_ue_pmax(n.cn, 2, 5));
  net_run(&n, 200);
  double pl = hand_pl_db(150);
  double per_rb[3] = {-90 + 0.8 * pl, -80 + 0.8 * pl,
                      MIN(5 - 10 * log10(N_RB), -90 + 0.8 * pl)};
  g_assert_cmpfloat(per_rb[2], <, per_rb[0] - 1); /* Pmax binds */
  double mean[3];
  for (uint32_t u = 0; u < 3; u++) {
    const ws_cellnet_ul_stats *s = &ws_cellnet_ue_get_stats(n.cn, u)->ul;
    g_assert_cmpuint(s->rbs, ==, 200 * N_RB);
    mean[u] = s->sinr_db_sum / (double)s->sinr_n;
  }
  /* 1e-6 dB: the interference from 10 km is ~60 dB below noise. */
  g_assert_cmpfloat(fabs((mean[1] - mean[0]) - (per_rb[1] - per_rb[0])), <, 1e-3);
  g_assert_cmpfloat(fabs((mean[2] - mean[0]) - (per_rb[2] - per_rb[0])), <, 1e-3);
  net_free(&n);
}

/* A cell switched off: cells at 0 and 600 m, UE0 at 200 m (cell 0), UE1
 * at 400 m (cell 1, full buffer, so cell 1 interferes on every RB), UE2
 * at 500 m (cell 1, packet mode). At 100.5 ms cell 1 goes off: from then
 * UE0's SINR is its SNR (hand computation), UE1 and UE2 are detached,
 * scheduled nowhere, and UE2's packets are refused into the callback. */
static void
test_cell_off(void)
{
  double cx[2] = {0, 600}, ux[3] = {200, 400, 500};
  net n;
  net_init(&n, 2, cx, 3, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  ws_cellnet_set_full_buffer(n.cn, 2, false);
  ws_cellnet_set_drop_fn(n.cn, on_drop_cb);
  action off = {.n = &n, .kind = ACT_OFF, .cell = 1};
  g_assert_cmpuint(enqueue_n(&n, 2, 5), ==, 5);
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 100 * WS_MS + WS_MS / 2, on_action, &off);
  ws_sim_run_until(n.sim, 99 * WS_MS);
  double snr = hand_rx_rb_dbm(200) - hand_noise_dbm();
  double before = ws_cellnet_ue_last_sinr_db(n.cn, 0);
  g_assert_cmpfloat(before, <, snr - 3);
  ws_sim_run_until(n.sim, 200 * WS_MS);
  g_assert_false(ws_cellnet_cell_is_on(n.cn, 1));
  g_assert_cmpfloat(fabs(ws_cellnet_ue_last_sinr_db(n.cn, 0) - snr), <, 1e-6);
  const ws_cellnet_cell_stats *c1 = ws_cellnet_cell_get_stats(n.cn, 1);
  uint64_t used = c1->rbs_used, ue1_rbs = ws_cellnet_ue_get_stats(n.cn, 1)->rbs;
  g_assert_cmpuint(c1->ues, ==, 0);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->ues, ==, 1);
  for (uint32_t u = 1; u < 3; u++) {
    g_assert_cmpint(ws_cellnet_ue_cell(n.cn, u), ==, -1);
    g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, u)->cell, ==, WS_CELLNET_NO_CELL);
    g_assert_true(isnan(ws_cellnet_ue_last_sinr_db(n.cn, u)));
  }
  uint64_t drops = n.drops[WS_CELLNET_DROP_BUFFER];
  g_assert_cmpuint(enqueue_n(&n, 2, 3), ==, 0);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_BUFFER], ==, drops + 3);
  g_assert_cmpuint(ws_cellnet_ue_pending_packets(n.cn, 2), ==, 0);
  /* Its five packets were delivered before the outage (tiny load). */
  g_assert_cmpuint(n.delivered, ==, 5);
  ws_sim_run_until(n.sim, 300 * WS_MS);
  g_assert_cmpuint(c1->rbs_used, ==, used);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 1)->rbs, ==, ue1_rbs);
  /* A detached UE's throughput still divides by the measured time. */
  double t = ws_cellnet_ue_dl_throughput_bps(n.cn, 1);
  g_assert_cmpfloat(fabs(t - ws_cellnet_ue_get_stats(n.cn, 1)->data_bits / 0.301), <, 1e-6 * t);
  g_assert_false(ws_cellnet_move_ue(n.cn, 1, 1, true)); /* cell 1 is off */
  net_free(&n);
}

/* Moves with queued packets: 50 packets queued at 10.5 ms for UE0 (cell 0)
 * and moved at once to cell 1. With keep_buffers all 50 arrive through
 * cell 1 (which then carries all the bits); without they are all dropped
 * as WS_CELLNET_DROP_DETACH. */
static void
run_move(bool keep, net *n)
{
  double cx[2] = {0, 600}, ux[1] = {250};
  net_init(n, 2, cx, 1, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(n, "pf", 1, false);
  ws_cellnet_set_drop_fn(n->cn, on_drop_cb);
  action a = {.n = n, .kind = ACT_ENQUEUE_MOVE, .ue = 0, .cell = 1, .keep = keep, .n_pkt = 50};
  ws_cellnet_start(n->cn, 0);
  ws_sim_schedule_at(n->sim, 10 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_run_until(n->sim, 500 * WS_MS);
  g_assert_cmpint(ws_cellnet_ue_cell(n->cn, 0), ==, 1);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n->cn, 0)->cell, ==, 1);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n->cn, 0)->ues, ==, 0);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n->cn, 1)->ues, ==, 1);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n->cn, 0)->decoded_bits, ==, 0);
  g_assert_cmpuint(ws_cellnet_ue_pending_packets(n->cn, 0), ==, 0);
}

static void
test_move_keep(void)
{
  net n;
  run_move(true, &n);
  g_assert_cmpuint(n.delivered, ==, 50);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_DETACH], ==, 0);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 1)->decoded_bits, >=, 50 * 1500 * 8);
  net_free(&n);
  run_move(false, &n);
  g_assert_cmpuint(n.delivered, ==, 0);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_DETACH], ==, 50);
  g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, 0)->detach_drops, ==, 50);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 1)->decoded_bits, ==, 0);
  net_free(&n);
}

/* A move in the middle of a transfer (200 packets, moved at 5.5 ms while
 * blocks are in flight and a packet is partly sent): every packet is
 * delivered or dropped as a detach, none is left pending or counted twice;
 * with keep_buffers only the packets already (partly) sent are lost. */
static void
test_move_midflight(void)
{
  double cx[2] = {0, 600}, ux[1] = {300};
  net n;
  net_init(&n, 2, cx, 1, ux, NULL, WS_FADING_RAYLEIGH, 4);
  net_cellnet(&n, "pf", 4, false);
  ws_cellnet_set_drop_fn(n.cn, on_drop_cb);
  g_assert_cmpuint(enqueue_n(&n, 0, 200), ==, 200);
  action a = {.n = &n, .kind = ACT_MOVE, .ue = 0, .cell = 1, .keep = true};
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 5 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_run_until(n.sim, 1000 * WS_MS);
  const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, 0);
  g_assert_cmpuint(ws_cellnet_ue_pending_packets(n.cn, 0), ==, 0);
  g_assert_cmpuint(n.delivered + n.drops[WS_CELLNET_DROP_DETACH] + n.drops[WS_CELLNET_DROP_RADIO],
                   ==, 200);
  g_assert_cmpuint(s->detach_drops, ==, n.drops[WS_CELLNET_DROP_DETACH]);
  g_assert_cmpuint(s->reassembly_drops, ==, n.drops[WS_CELLNET_DROP_RADIO]);
  g_assert_cmpuint(s->delivered_packets, ==, n.delivered);
  g_assert_cmpuint(n.drops[WS_CELLNET_DROP_DETACH], <=, 10);
  g_assert_cmpuint(n.delivered, >=, 150);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->decoded_bits, >, 0);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 1)->decoded_bits, >, 0);
  net_free(&n);
}

/* The cells' UE lists after a move out of the middle: round robin cell 0
 * with three full-buffer UEs; UE0 (index 0 in the list) leaves for cell 1
 * at 20.5 ms. From then UE1 and UE2 share cell 0 at exactly 25 RBs per
 * slot each and UE0 has cell 1's 50 (every UE keeps a CQI >= 1 whatever
 * the interference: its SINR stays above 30 log10(280/320) dB). */
static void
test_move_list(void)
{
  double cx[2] = {0, 600}, ux[3] = {280, 200, 250};
  net n;
  net_init(&n, 2, cx, 3, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "rr", 1, true);
  for (uint32_t u = 0; u < 3; u++)
    g_assert_cmpuint(ws_cellnet_ue_get_stats(n.cn, u)->cell, ==, 0);
  ws_cellnet_cell_params slow = {.cqi_period_ns = 10 * WS_MS};
  g_assert_true(ws_cellnet_set_cell_params(n.cn, 1, &slow));
  action a = {.n = &n, .kind = ACT_MOVE, .ue = 0, .cell = 1, .keep = false};
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 20 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_run_until(n.sim, 20 * WS_MS);
  uint64_t rbs[3], reports[3];
  for (uint32_t u = 0; u < 3; u++) {
    rbs[u] = ws_cellnet_ue_get_stats(n.cn, u)->rbs;
    reports[u] = ws_cellnet_ue_get_stats(n.cn, u)->cqi_reports;
  }
  ws_sim_run_until(n.sim, 120 * WS_MS);
  for (uint32_t u = 0; u < 3; u++) {
    rbs[u] = ws_cellnet_ue_get_stats(n.cn, u)->rbs - rbs[u];
    reports[u] = ws_cellnet_ue_get_stats(n.cn, u)->cqi_reports - reports[u];
  }
  /* CQI timing follows the new cell: every 10 ms (30, 40, ..., 120 ms)
   * against cell 0's 5 ms. */
  g_assert_cmpuint(reports[0], ==, 10);
  g_assert_cmpuint(reports[1], ==, 20);
  g_assert_cmpuint(rbs[0], ==, 100 * N_RB);
  g_assert_cmpuint(rbs[1], ==, 100 * N_RB / 2);
  g_assert_cmpuint(rbs[2], ==, 100 * N_RB / 2);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 0)->ues, ==, 2);
  g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, 1)->ues, ==, 1);
  net_free(&n);
}

/* The PF average follows a UE to its new index: PF cell 0 with UE0 idle
 * (packet mode, nothing queued: average 0) at index 0 and two full-buffer
 * UEs at the same distance (equal rates); after 300 ms their averages are
 * equal and they alternate. UE0 leaves: UE2 takes index 0 with its own
 * average, so the two keep sharing equally (within one slot's 50 RBs over
 * 20 slots); had UE2 inherited index 0's average (0), PF would give it
 * every RB for tens of slots. */
static void
test_move_pf_average(void)
{
  double cx[2] = {0, 10000}, ux[3] = {100, 0, 0}, uy[3] = {0, 200, -200};
  net n;
  net_init(&n, 2, cx, 3, ux, uy, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  ws_cellnet_set_full_buffer(n.cn, 0, false);
  action a = {.n = &n, .kind = ACT_MOVE, .ue = 0, .cell = 1, .keep = false};
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 300 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_run_until(n.sim, 300 * WS_MS);
  uint64_t r1 = ws_cellnet_ue_get_stats(n.cn, 1)->rbs, r2 = ws_cellnet_ue_get_stats(n.cn, 2)->rbs;
  g_assert_cmpfloat(fabs((double)r1 - (double)r2), <=, N_RB);
  ws_sim_run_until(n.sim, 320 * WS_MS);
  r1 = ws_cellnet_ue_get_stats(n.cn, 1)->rbs - r1;
  r2 = ws_cellnet_ue_get_stats(n.cn, 2)->rbs - r2;
  g_assert_cmpuint(r1 + r2, ==, 20 * N_RB);
  g_assert_cmpfloat(fabs((double)r1 - (double)r2), <=, N_RB);
  g_assert_cmpint(ws_cellnet_ue_cell(n.cn, 0), ==, 1);
  net_free(&n);
}

/* best_cell: eight co-located cells and a UE at 100 m: every cell has the
 * same RSRP, so the wideband SINR is S / (N + 7 S) < 1/7 = -8.45 dB, below
 * CQI 1's -7.5 dB: out of coverage (-1). With six of them off only two
 * interfere (SINR ~0 dB): the lowest index that is on. All off: -1. */
static void
test_best_cell(void)
{
  double cx[8] = {0}, ux = 100;
  net n;
  net_init(&n, 8, cx, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  g_assert_cmpfloat(ws_phy_cqi_threshold_db(1), >, 10 * log10(1.0 / 7));
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, -1);
  for (uint32_t c = 0; c < 6; c++)
    ws_cellnet_set_cell_on(n.cn, c, false);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, 6);
  ws_cellnet_set_cell_on(n.cn, 6, false);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, 7);
  ws_cellnet_set_cell_on(n.cn, 7, false);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, -1);
  ws_cellnet_set_cell_on(n.cn, 2, true);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, 2);
  net_free(&n);
  /* A nearer cell wins; off, the other one. */
  double cx2[2] = {0, 600};
  net_init(&n, 2, cx2, 1, &ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, 0);
  ws_cellnet_set_cell_on(n.cn, 0, false);
  g_assert_cmpint(ws_cellnet_best_cell(n.cn, 0), ==, 1);
  net_free(&n);
}

/* reset_stats at 50.5 ms: counters restart (attachment kept), time-based
 * figures count from there: after 100 more slots the throughput is the
 * data bits over exactly 0.1 s. */
static void
test_reset_stats(void)
{
  double cx[2] = {0, 600}, ux[2] = {100, 500};
  net n;
  net_init(&n, 2, cx, 2, ux, NULL, WS_FADING_NONE, 1);
  net_cellnet(&n, "pf", 1, true);
  action a = {.n = &n, .kind = ACT_RESET};
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 50 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_run_until(n.sim, 50 * WS_MS + WS_MS / 2);
  g_assert_cmpuint(ws_cellnet_slots(n.cn), ==, 51);
  for (uint32_t u = 0; u < 2; u++) {
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, u);
    g_assert_cmpuint(s->cell, ==, u);
    g_assert_cmpuint(s->first_tx + s->rbs + s->cqi_reports + s->decoded_bits, ==, 0);
    g_assert_true(isnan(ws_cellnet_ue_dl_throughput_bps(n.cn, u)));
    const ws_cellnet_cell_stats *c = ws_cellnet_cell_get_stats(n.cn, u);
    g_assert_cmpuint(c->ues, ==, 1);
    g_assert_cmpuint(c->slots + c->rbs_used + c->decoded_bits, ==, 0);
    g_assert_false(isnan(ws_cellnet_ue_last_sinr_db(n.cn, u)));
  }
  ws_sim_run_until(n.sim, 150 * WS_MS);
  g_assert_cmpuint(ws_cellnet_slots(n.cn), ==, 151);
  for (uint32_t u = 0; u < 2; u++) {
    const ws_cellnet_ue_stats *s = ws_cellnet_ue_get_stats(n.cn, u);
    g_assert_cmpuint(ws_cellnet_cell_get_stats(n.cn, u)->slots, ==, 100);
    g_assert_cmpuint(s->rbs, ==, 100 * N_RB);
    g_assert_cmpfloat(ws_cellnet_ue_dl_throughput_bps(n.cn, u), ==, s->data_bits / 0.1);
  }
  net_free(&n);
}

/* Two identical runs with fading, packets and a move (with and without
 * buffers) in the middle give identical counters. */
static void
run_moving(ws_cellnet_ue_stats *out, ws_cellnet_cell_stats *cout, uint64_t *drops)
{
  double cx[2] = {0, 500}, ux[4] = {100, 200, 300, 400};
  net n;
  net_init(&n, 2, cx, 4, ux, NULL, WS_FADING_RAYLEIGH, 9);
  net_cellnet(&n, "pf", 9, false);
  ws_cellnet_set_full_buffer(n.cn, 3, true);
  ws_cellnet_set_drop_fn(n.cn, on_drop_cb);
  for (uint32_t u = 0; u < 3; u++)
    enqueue_n(&n, u, 100);
  action a = {.n = &n, .kind = ACT_MOVE, .ue = 1, .cell = 1, .keep = true};
  action b = {.n = &n, .kind = ACT_MOVE, .ue = 3, .cell = 0, .keep = false};
  ws_cellnet_start(n.cn, 0);
  ws_sim_schedule_at(n.sim, 30 * WS_MS + WS_MS / 2, on_action, &a);
  ws_sim_schedule_at(n.sim, 60 * WS_MS + WS_MS / 2, on_action, &b);
  ws_sim_run_until(n.sim, 300 * WS_MS);
  for (uint32_t u = 0; u < 4; u++)
    out[u] = *ws_cellnet_ue_get_stats(n.cn, u);
  for (uint32_t c = 0; c < 2; c++)
    cout[c] = *ws_cellnet_cell_get_stats(n.cn, c);
  memcpy(drops, n.drops, sizeof n.drops);
  net_free(&n);
}

static void
test_move_determinism(void)
{
  ws_cellnet_ue_stats a[4], b[4];
  ws_cellnet_cell_stats ca[2], cb[2];
  uint64_t da[3], db[3];
  memset(a, 0, sizeof a); /* padding too: compared with memcmp */
  memset(b, 0, sizeof b);
  memset(ca, 0, sizeof ca);
  memset(cb, 0, sizeof cb);
  run_moving(a, ca, da);
  run_moving(b, cb, db);
  for (uint32_t u = 0; u < 4; u++) {
    g_assert_cmpuint(a[u].decoded_bits, ==, b[u].decoded_bits);
    g_assert_cmpuint(a[u].first_tx_errors, ==, b[u].first_tx_errors);
    g_assert_cmpfloat(a[u].sinr_db_sum, ==, b[u].sinr_db_sum);
    g_assert_cmpuint(a[u].delivered_packets, ==, b[u].delivered_packets);
    g_assert_cmpuint(a[u].detach_drops, ==, b[u].detach_drops);
  }
  g_assert_true(memcmp(ca, cb, sizeof ca) == 0);
  g_assert_true(memcmp(da, db, sizeof da) == 0);
  g_assert_cmpuint(a[1].cell, ==, 1);
  g_assert_cmpuint(a[3].cell, ==, 0);
  /* fading gives block errors to compare */
  g_assert_cmpuint(a[0].first_tx_errors + a[1].first_tx_errors + a[3].first_tx_errors, >, 0);
  g_assert_cmpuint(a[1].delivered_packets, ==, 100 - a[1].detach_drops - a[1].reassembly_drops);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cell/single-ue", test_single_ue);
  g_test_add_func("/cell/mid-cqi", test_mid_cqi);
  g_test_add_func("/cell/rr-share", test_rr_share);
  g_test_add_func("/cell/cell-edge", test_cell_edge);
  g_test_add_func("/cell/out-of-coverage", test_out_of_coverage);
  g_test_add_func("/cell/bler-harq", test_bler_harq);
  g_test_add_func("/cell/olla", test_olla);
  g_test_add_func("/cell/packets", test_packets);
  g_test_add_func("/cell/determinism", test_determinism);
  g_test_add_func("/cell/pf-vs-rr", test_pf_vs_rr);
  g_test_add_func("/cell/ul-single", test_ul_single);
  g_test_add_func("/cell/ul-interference", test_ul_interference);
  g_test_add_func("/cell/ul-packets", test_ul_packets);
  g_test_add_func("/cell/bsr-table", test_bsr_table);
  g_test_add_func("/cell/ul-sr-delay", test_ul_sr_delay);
  g_test_add_func("/cell/ul-bsr-stream", test_ul_bsr_stream);
  g_test_add_func("/cell/ul-bsr-lost", test_ul_bsr_lost);
  g_test_add_func("/cell/ul-bsr-determinism", test_ul_bsr_determinism);
  g_test_add_func("/cell/drop-fn", test_drop_fn);
  g_test_add_func("/cell/cell-params", test_cell_params);
  g_test_add_func("/cell/ul-params", test_ul_params);
  g_test_add_func("/cell/cell-off", test_cell_off);
  g_test_add_func("/cell/move-keep", test_move_keep);
  g_test_add_func("/cell/move-midflight", test_move_midflight);
  g_test_add_func("/cell/move-list", test_move_list);
  g_test_add_func("/cell/move-pf-average", test_move_pf_average);
  g_test_add_func("/cell/best-cell", test_best_cell);
  g_test_add_func("/cell/reset-stats", test_reset_stats);
  g_test_add_func("/cell/move-determinism", test_move_determinism);
  return g_test_run();
}
