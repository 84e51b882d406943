/* Tests of the cell engine (sim/cell/cell.c): one full-buffer UE at a known
 * distance against the hand computation (SINR, CQI, MCS, TBS, throughput),
 * round robin sharing, a cell-edge UE between two cells, BLER at the CQI
 * threshold, HARQ recovery, exact packet accounting, determinism, and PF
 * against RR with Rayleigh fading. Closed forms from the log-distance
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
  net_cellnet(&n, "rr", 7, true);
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
  g_test_add_func("/cell/packets", test_packets);
  g_test_add_func("/cell/determinism", test_determinism);
  g_test_add_func("/cell/pf-vs-rr", test_pf_vs_rr);
  g_test_add_func("/cell/ul-single", test_ul_single);
  g_test_add_func("/cell/ul-interference", test_ul_interference);
  g_test_add_func("/cell/ul-packets", test_ul_packets);
  return g_test_run();
}
