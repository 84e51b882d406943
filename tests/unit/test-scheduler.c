/* Tests of the cell schedulers (sim/cell/scheduler.c, sched-rr.c,
 * sched-pf.c, sched-maxci.c): round robin's exact equal shares, the
 * proportional-fair properties (equal time shares, throughput ratio = rate
 * ratio; Jalali et al. 2000, Kelly 1998), multi-user diversity against the
 * closed form E[max of K Exp(1)] = H_K, max C/I starvation, HARQ
 * retransmissions first, buffer awareness and the served-rate EWMA. */
#include <glib.h>
#include <math.h>

#include "wisim/rng.h"
#include "wisim/scheduler.h"

#define MAX_UES 16

static ws_scheduler *make(const char *name, uint32_t n_rb, uint32_t rbg_size) {
  ws_scheduler_config cfg = {.name = name, .n_rb = n_rb, .rbg_size = rbg_size, .max_ues = MAX_UES,
                             .slot_ns = WS_MS, .pf_window_ns = 100 * WS_MS};
  ws_scheduler *s = ws_scheduler_new(&cfg);
  g_assert_nonnull(s);
  return s;
}

/* Every UE full buffer, no retransmission. */
static void full_buffer(ws_sched_ue *ue, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) ue[k] = (ws_sched_ue){.buffer_bytes = UINT64_MAX};
}

/* The result's own consistency: rb_ue agrees with ue_rbs, used + unused =
 * n_rb. */
static void check_result(const ws_sched_result *r, uint32_t n_rb, uint32_t n_ue) {
  uint32_t count[MAX_UES] = {0}, used = 0;
  for (uint32_t b = 0; b < n_rb; b++) {
    if (r->rb_ue[b] == WS_SCHED_NONE) continue;
    g_assert_cmpint(r->rb_ue[b], >=, 0);
    g_assert_cmpint(r->rb_ue[b], <, (int)n_ue);
    count[r->rb_ue[b]]++;
    used++;
  }
  for (uint32_t k = 0; k < n_ue; k++) g_assert_cmpuint(count[k], ==, r->ue_rbs[k]);
  g_assert_cmpuint(used, ==, r->used_rbs);
  g_assert_cmpuint(used + r->unused_rbs, ==, n_rb);
}

static void test_registry(void) {
  g_assert_true(ws_scheduler_known("rr"));
  g_assert_true(ws_scheduler_known("pf"));
  g_assert_true(ws_scheduler_known("maxci"));
  g_assert_false(ws_scheduler_known("fifo"));
  g_assert_false(ws_scheduler_known(NULL));
  const char *const *names = ws_scheduler_names();
  int n = 0;
  for (; names[n]; n++) g_assert_true(ws_scheduler_known(names[n]));
  g_assert_cmpint(n, ==, 3);
  ws_scheduler_config cfg = {.name = "fifo", .n_rb = 10, .max_ues = 2, .slot_ns = WS_MS};
  g_assert_null(ws_scheduler_new(&cfg));
  cfg.name = NULL; /* the default is pf */
  ws_scheduler *s = ws_scheduler_new(&cfg);
  g_assert_cmpstr(ws_scheduler_name(s), ==, "pf");
  g_assert_cmpint(ws_scheduler_get_config(s)->pf_window_ns, ==, 100 * WS_MS);
  ws_scheduler_free(s);
}

/* 3 full-buffer UEs, 50 RBs: 17, 17, 16 in every slot (never more than one
 * apart), the extra RB rotating, so over 3 slots (and any multiple) each
 * gets exactly 50 per 3 slots, whatever the rates (round robin is
 * channel-blind). */
static void test_rr_equal(void) {
  ws_scheduler *s = make("rr", 50, 1);
  ws_sched_ue ue[3];
  full_buffer(ue, 3);
  double rate[3 * 50];
  for (uint32_t i = 0; i < 3 * 50; i++) rate[i] = 100.0 * (1 + i / 50); /* 100, 200, 300 */
  ws_sched_input in = {.n_ue = 3, .ue = ue, .rate_bits = rate};
  uint64_t total[3] = {0};
  for (int slot = 1; slot <= 300; slot++) {
    const ws_sched_result *r = ws_scheduler_run(s, &in);
    check_result(r, 50, 3);
    g_assert_cmpuint(r->unused_rbs, ==, 0);
    uint32_t lo = 50, hi = 0;
    for (int k = 0; k < 3; k++) {
      total[k] += r->ue_rbs[k];
      lo = MIN(lo, r->ue_rbs[k]);
      hi = MAX(hi, r->ue_rbs[k]);
      g_assert_cmpfloat(r->ue_new_bits[k], ==, 100.0 * (k + 1) * r->ue_rbs[k]);
    }
    g_assert_cmpuint(hi - lo, <=, 1);
    if (slot % 3 == 0)
      for (int k = 0; k < 3; k++) g_assert_cmpuint(total[k], ==, 50u * (uint32_t)slot / 3);
  }
  ws_scheduler_free(s);
}

/* A group where a UE reported CQI 0 (rate 0) goes to the next UE: UE 0
 * can use only the even RBs, UE 1 every RB. Every RB is used, UE 0 never
 * gets an odd one, and a group nobody can use stays free. */
static void test_rr_skips_zero_rate(void) {
  ws_scheduler *s = make("rr", 10, 1);
  ws_sched_ue ue[2];
  full_buffer(ue, 2);
  double rate[2 * 10];
  for (int b = 0; b < 10; b++) {
    rate[b] = b % 2 ? 0.0 : 100.0;
    rate[10 + b] = b == 9 ? 0.0 : 100.0;
  }
  ws_sched_input in = {.n_ue = 2, .ue = ue, .rate_bits = rate};
  for (int slot = 0; slot < 4; slot++) {
    const ws_sched_result *r = ws_scheduler_run(s, &in);
    check_result(r, 10, 2);
    for (int b = 0; b < 10; b++) {
      if (b % 2) g_assert_cmpint(r->rb_ue[b], !=, 0);
      if (b == 9) g_assert_cmpint(r->rb_ue[b], ==, WS_SCHED_NONE);
      else g_assert_cmpint(r->rb_ue[b], !=, WS_SCHED_NONE);
    }
    g_assert_cmpuint(r->used_rbs, ==, 9);
  }
  ws_scheduler_free(s);
}

/* More UEs than RBs: 7 UEs, 3 RBs; each slot serves the next 3 in cyclic
 * order, so over 7 slots each UE gets exactly 3 RBs. With RBGs of 4 RBs (48
 * RBs = 12 groups) and 5 UEs: over 5 slots each gets 12 groups = 48 RBs. */
static void test_rr_rotation(void) {
  ws_scheduler *s = make("rr", 3, 1);
  ws_sched_ue ue[7];
  full_buffer(ue, 7);
  double rate[7 * 3];
  for (int i = 0; i < 7 * 3; i++) rate[i] = 50.0;
  ws_sched_input in = {.n_ue = 7, .ue = ue, .rate_bits = rate};
  uint32_t total[7] = {0};
  for (int slot = 0; slot < 7; slot++) {
    const ws_sched_result *r = ws_scheduler_run(s, &in);
    check_result(r, 3, 7);
    for (int k = 0; k < 7; k++) {
      g_assert_cmpuint(r->ue_rbs[k], <=, 1);
      total[k] += r->ue_rbs[k];
    }
  }
  for (int k = 0; k < 7; k++) g_assert_cmpuint(total[k], ==, 3);
  ws_scheduler_free(s);

  s = make("rr", 48, 4);
  g_assert_cmpuint(ws_scheduler_n_rbg(s), ==, 12);
  ws_sched_ue ue5[5];
  full_buffer(ue5, 5);
  double rate5[5 * 48];
  for (int i = 0; i < 5 * 48; i++) rate5[i] = 10.0;
  ws_sched_input in5 = {.n_ue = 5, .ue = ue5, .rate_bits = rate5};
  uint32_t total5[5] = {0};
  for (int slot = 0; slot < 10; slot++) {
    const ws_sched_result *r = ws_scheduler_run(s, &in5);
    check_result(r, 48, 5);
    for (uint32_t b = 0; b < 48; b++) g_assert_cmpint(r->rb_ue[b], ==, r->rb_ue[b - b % 4]);
    for (int k = 0; k < 5; k++) total5[k] += r->ue_rbs[k];
  }
  for (int k = 0; k < 5; k++) g_assert_cmpuint(total5[k], ==, 2 * 48);
  ws_scheduler_free(s);
}

/* Empty buffers get nothing; a small buffer gets just the RBs it needs and
 * bits capped at its size; what nobody needs is reported unused; a UE with
 * a zero rate everywhere (out of coverage) gets nothing. All schedulers. */
static void test_buffers(void) {
  const char *names[] = {"rr", "pf", "maxci"};
  for (int i = 0; i < 3; i++) {
    ws_scheduler *s = make(names[i], 20, 1);
    /* UE 0 empty, UE 1 100 B = 800 bits at 300 bits/RB: 3 RBs, UE 2 zero
     * rate, UE 3 empty. */
    ws_sched_ue ue[4] = {{.buffer_bytes = 0}, {.buffer_bytes = 100}, {.buffer_bytes = UINT64_MAX}, {0}};
    double rate[4 * 20];
    for (int b = 0; b < 20; b++) {
      rate[0 * 20 + b] = 1000.0;
      rate[1 * 20 + b] = 300.0;
      rate[2 * 20 + b] = 0.0;
      rate[3 * 20 + b] = 5000.0;
    }
    ws_sched_input in = {.n_ue = 4, .ue = ue, .rate_bits = rate};
    for (int slot = 0; slot < 5; slot++) {
      const ws_sched_result *r = ws_scheduler_run(s, &in);
      check_result(r, 20, 4);
      g_assert_cmpuint(r->ue_rbs[0], ==, 0);
      g_assert_cmpuint(r->ue_rbs[1], ==, 3);
      g_assert_cmpfloat(r->ue_new_bits[1], ==, 800.0);
      g_assert_cmpuint(r->ue_rbs[2], ==, 0);
      g_assert_cmpuint(r->ue_rbs[3], ==, 0);
      g_assert_cmpuint(r->unused_rbs, ==, 17);
      g_assert_cmpfloat(r->ue_new_bits[0], ==, 0.0);
    }
    ws_scheduler_free(s);
  }
}

/* HARQ retransmissions come first, on as many RBs as the original
 * transmission, on the free RBs where that UE's rate is best, and the UE
 * gets no new data in that slot; one that does not fit is deferred and
 * takes nothing. All schedulers (max C/I would otherwise give UE 0
 * everything). */
static void test_harq_first(void) {
  const char *names[] = {"rr", "pf", "maxci"};
  for (int i = 0; i < 3; i++) {
    ws_scheduler *s = make(names[i], 50, 1);
    ws_sched_ue ue[3];
    full_buffer(ue, 3);
    ue[2].retx_rbs = 10;
    ue[2].retx_bits = 4000;
    double rate[3 * 50];
    for (int b = 0; b < 50; b++) {
      rate[0 * 50 + b] = 1000.0;
      rate[1 * 50 + b] = 500.0;
      rate[2 * 50 + b] = b >= 30 && b < 40 ? 400.0 : 100.0; /* best on RBs 30..39 */
    }
    ws_sched_input in = {.n_ue = 3, .ue = ue, .rate_bits = rate};
    const ws_sched_result *r = ws_scheduler_run(s, &in);
    check_result(r, 50, 3);
    g_assert_true(r->ue_retx[2]);
    g_assert_cmpuint(r->ue_rbs[2], ==, 10);
    g_assert_cmpfloat(r->ue_new_bits[2], ==, 0.0);
    for (int b = 30; b < 40; b++) g_assert_cmpint(r->rb_ue[b], ==, 2);
    g_assert_false(r->ue_retx[0]);
    g_assert_cmpuint(r->unused_rbs, ==, 0);
    g_assert_cmpuint(r->deferred_retx, ==, 0);
    /* Two retransmissions of 30 RBs: UE 0 (lowest index) is served, UE 1
     * deferred; UE 2 (full buffer) takes the 20 RBs left. */
    ue[0].retx_rbs = 30;
    ue[1].retx_rbs = 30;
    ue[2].retx_rbs = 0;
    r = ws_scheduler_run(s, &in);
    check_result(r, 50, 3);
    g_assert_true(r->ue_retx[0]);
    g_assert_cmpuint(r->ue_rbs[0], ==, 30);
    g_assert_false(r->ue_retx[1]);
    g_assert_cmpuint(r->ue_rbs[1], ==, 0);
    g_assert_cmpuint(r->deferred_retx, ==, 1);
    g_assert_cmpuint(r->ue_rbs[2], ==, 20);
    ws_scheduler_free(s);
  }
  /* With RBGs of 3 RBs, a 6-RB retransmission takes 2 whole groups. */
  ws_scheduler *s = make("pf", 50, 3);
  ws_sched_ue ue[2] = {{.buffer_bytes = UINT64_MAX, .retx_rbs = 6}, {.buffer_bytes = UINT64_MAX}};
  double rate[2 * 50];
  for (int i = 0; i < 100; i++) rate[i] = 100.0;
  ws_sched_input in = {.n_ue = 2, .ue = ue, .rate_bits = rate};
  const ws_sched_result *r = ws_scheduler_run(s, &in);
  check_result(r, 50, 2);
  g_assert_cmpuint(r->ue_rbs[0], ==, 6);
  g_assert_cmpuint(r->ue_rbs[1], ==, 44);
  ws_scheduler_free(s);
}

/* The served-rate average is the EWMA with N = pf_window / slot = 100: a UE
 * served r bits every slot reaches r/slot (1 - (1 - 1/N)^n) after n slots
 * (closed form of the recursion from 0). */
static void test_ewma(void) {
  ws_scheduler *s = make("pf", 10, 1);
  ws_sched_ue ue[1] = {{.buffer_bytes = UINT64_MAX}};
  double rate[10];
  for (int b = 0; b < 10; b++) rate[b] = 100.0; /* 1000 bits per 1 ms slot: 1 Mbit/s */
  ws_sched_input in = {.n_ue = 1, .ue = ue, .rate_bits = rate};
  for (int n = 1; n <= 250; n++) {
    ws_scheduler_run(s, &in);
    double expect = 1e6 * (1.0 - pow(1.0 - 1.0 / 100.0, n));
    g_assert_cmpfloat(fabs(ws_scheduler_avg_bps(s, 0) - expect), <, 1e-6 * 1e6);
  }
  ws_scheduler_reset_ue(s, 0);
  g_assert_cmpfloat(ws_scheduler_avg_bps(s, 0), ==, 0.0);
  ws_scheduler_set_avg_bps(s, 0, 5e5);
  g_assert_cmpfloat(ws_scheduler_avg_bps(s, 0), ==, 5e5);
  ws_scheduler_free(s);
}

/* Runs n_slots of constant rates (UE k: rate_k bits per RB on every RB) on
 * full buffers; returns the RB share and bits of each UE. */
static void run_constant(const char *name, uint32_t n_ue, const double *rate_k, int n_slots,
                         double *share, double *bits) {
  enum { N_RB = 25 };
  ws_scheduler *s = make(name, N_RB, 1);
  ws_sched_ue ue[MAX_UES];
  full_buffer(ue, n_ue);
  double rate[MAX_UES * N_RB];
  for (uint32_t k = 0; k < n_ue; k++)
    for (int b = 0; b < N_RB; b++) rate[k * N_RB + b] = rate_k[k];
  ws_sched_input in = {.n_ue = n_ue, .ue = ue, .rate_bits = rate};
  uint64_t rbs[MAX_UES] = {0};
  for (uint32_t k = 0; k < n_ue; k++) bits[k] = 0.0;
  for (int slot = 0; slot < n_slots; slot++) {
    const ws_sched_result *r = ws_scheduler_run(s, &in);
    g_assert_cmpuint(r->unused_rbs, ==, 0);
    for (uint32_t k = 0; k < n_ue; k++) {
      rbs[k] += r->ue_rbs[k];
      bits[k] += r->ue_new_bits[k];
    }
  }
  for (uint32_t k = 0; k < n_ue; k++) share[k] = (double)rbs[k] / ((double)N_RB * n_slots);
  ws_scheduler_free(s);
}

/* PF on equal, constant channels equals round robin on average: every UE
 * 1/4 of the RBs. PF gives whole slots (the metric is the same on every
 * RB) and its averages are within about 1/N = 1% of each other, so shares
 * over 4000 slots are 1/4 to within 1%. */
static void test_pf_equal_is_rr(void) {
  double rate_k[4] = {200, 200, 200, 200}, pf[4], rr[4], bits[4];
  run_constant("pf", 4, rate_k, 4000, pf, bits);
  run_constant("rr", 4, rate_k, 4000, rr, bits);
  g_test_message("pf shares %.4f %.4f %.4f %.4f", pf[0], pf[1], pf[2], pf[3]);
  for (int k = 0; k < 4; k++) {
    g_assert_cmpfloat(fabs(rr[k] - 0.25), <, 1e-12);
    g_assert_cmpfloat(fabs(pf[k] - 0.25), <, 0.0025);
  }
}

/* Proportional fairness with two constant rates 100 and 400 bits/RB: PF
 * maximises log T_1 + log T_2 under x_1 + x_2 = 1 (Kelly 1998), whose
 * optimum is x_1 = x_2 = 1/2, so T_2 / T_1 = 400/100 = 4. The EWMA's slot
 * granularity leaves a deviation of order 1/N = 1%; over 10000 slots: share
 * within 0.01 of 1/2, throughput ratio within 2% of 4. Max C/I starves the
 * weak UE completely. */
static void test_pf_two_rates(void) {
  double rate_k[2] = {100, 400}, share[2], bits[2];
  run_constant("pf", 2, rate_k, 10000, share, bits);
  g_test_message("pf shares %.4f %.4f, throughput ratio %.4f", share[0], share[1], bits[1] / bits[0]);
  g_assert_cmpfloat(fabs(share[0] - 0.5), <, 0.01);
  g_assert_cmpfloat(fabs(share[1] - 0.5), <, 0.01);
  g_assert_cmpfloat(fabs(bits[1] / bits[0] / 4.0 - 1.0), <, 0.02);
  run_constant("maxci", 2, rate_k, 1000, share, bits);
  g_assert_cmpfloat(share[0], ==, 0.0);
  g_assert_cmpfloat(share[1], ==, 1.0);
  g_assert_cmpfloat(bits[0], ==, 0.0);
}

static double jain(const double *x, int n) {
  double sum = 0, sq = 0;
  for (int i = 0; i < n; i++) sum += x[i], sq += x[i] * x[i];
  return sum * sum / (n * sq);
}

/* Multi-user diversity: K = 4 full-buffer UEs with i.i.d. exponential rates
 * per RB and slot (mean 100 bits, Rayleigh-like). Round robin is
 * channel-blind: E[bits per RB] = 100. Max C/I takes the best of 4:
 * E = 100 H_4 = 100 (1 + 1/2 + 1/3 + 1/4) = 208.33. With equal means PF's
 * averages stay equal to within ~1/N, so it tracks max C/I. 2000 slots x
 * 10 RBs = 20000 samples: the standard errors are 100/sqrt(20000) = 0.71
 * (RR) and 100 sqrt(sum 1/i^2 = 1.424)/sqrt(20000) = 0.84 (max C/I), so
 * 3% tolerances are > 3.5 standard errors; PF > 1.5 RR is a margin of ~55
 * standard errors on an expected gain of ~2.08. */
static void test_diversity(void) {
  enum { K = 4, N_RB = 10, SLOTS = 2000 };
  const char *names[3] = {"rr", "pf", "maxci"};
  ws_scheduler *s[3];
  for (int i = 0; i < 3; i++) s[i] = make(names[i], N_RB, 1);
  ws_sched_ue ue[K];
  full_buffer(ue, K);
  double rate[K * N_RB], total[3] = {0};
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "test-scheduler", "fading");
  ws_sched_input in = {.n_ue = K, .ue = ue, .rate_bits = rate};
  for (int slot = 0; slot < SLOTS; slot++) {
    for (int i = 0; i < K * N_RB; i++) rate[i] = ws_rng_exp(&rng, 100.0);
    for (int i = 0; i < 3; i++) {
      const ws_sched_result *r = ws_scheduler_run(s[i], &in);
      for (int k = 0; k < K; k++) total[i] += r->ue_new_bits[k];
    }
  }
  double per_rb[3];
  for (int i = 0; i < 3; i++) per_rb[i] = total[i] / ((double)SLOTS * N_RB);
  double h4 = 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4;
  g_test_message("bits per RB: rr %.2f pf %.2f maxci %.2f (closed forms 100, -, %.2f)", per_rb[0],
                 per_rb[1], per_rb[2], 100 * h4);
  g_assert_cmpfloat(fabs(per_rb[0] / 100.0 - 1.0), <, 0.03);
  g_assert_cmpfloat(fabs(per_rb[2] / (100.0 * h4) - 1.0), <, 0.03);
  g_assert_cmpfloat(per_rb[1], >, 1.5 * per_rb[0]);
  g_assert_cmpfloat(per_rb[1], <=, per_rb[2]);
  for (int i = 0; i < 3; i++) ws_scheduler_free(s[i]);
}

/* Fairness with unequal means (UEs 0, 1 mean 100 bits/RB, UEs 2, 3 mean
 * 300; i.i.d. exponential per RB and slot): PF selects the largest r/T, and
 * with exponential rates r_k / mean_k are i.i.d., so each UE wins a quarter
 * of the RBs with the same gain H_4: throughputs stay proportional to the
 * means, as under round robin, so Jain's index of the two stays within 10%
 * (issue 4; both near 64/80 = 0.8 here), while PF's total is higher. Max
 * C/I gives a weak UE an RB only when it beats the other three:
 * P(E1 > E2, E1 > 3 E3, E1 > 3 E4) for i.i.d. Exp(1), by expanding
 * (1 - e^-x)(1 - e^-x/3)^2 under e^-x: 1 - 3/2 + 3/5 - 1/2 + 6/7 - 3/8 =
 * 0.08214, far below round robin's 1/4. 30000 RBs: standard error
 * sqrt(0.082 x 0.918 / 30000) = 0.0016, tolerance 0.01 (6 standard
 * errors); PF's shares 1/4 within 0.02 (the EWMA noise of ~1/N plus 5
 * standard errors of 0.0025). */
static void test_fairness(void) {
  enum { K = 4, N_RB = 10, SLOTS = 3000 };
  const char *names[3] = {"rr", "pf", "maxci"};
  ws_scheduler *s[3];
  for (int i = 0; i < 3; i++) s[i] = make(names[i], N_RB, 1);
  ws_sched_ue ue[K];
  full_buffer(ue, K);
  double mean[K] = {100, 100, 300, 300}, rate[K * N_RB], thr[3][K] = {{0}}, rbs[3][K] = {{0}};
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "test-scheduler", "fairness");
  ws_sched_input in = {.n_ue = K, .ue = ue, .rate_bits = rate};
  for (int slot = 0; slot < SLOTS; slot++) {
    for (int k = 0; k < K; k++)
      for (int b = 0; b < N_RB; b++) rate[k * N_RB + b] = ws_rng_exp(&rng, mean[k]);
    for (int i = 0; i < 3; i++) {
      const ws_sched_result *r = ws_scheduler_run(s[i], &in);
      for (int k = 0; k < K; k++) thr[i][k] += r->ue_new_bits[k], rbs[i][k] += r->ue_rbs[k];
    }
  }
  double j_rr = jain(thr[0], K), j_pf = jain(thr[1], K);
  double sum_rr = 0, sum_pf = 0;
  for (int k = 0; k < K; k++) sum_rr += thr[0][k], sum_pf += thr[1][k];
  g_test_message("Jain rr %.3f pf %.3f; total pf/rr %.3f; maxci weak share %.3f", j_rr, j_pf,
                 sum_pf / sum_rr, rbs[2][0] / (SLOTS * N_RB));
  g_assert_cmpfloat(fabs(j_pf / j_rr - 1.0), <, 0.10);
  g_assert_cmpfloat(sum_pf, >, 1.5 * sum_rr);
  for (int k = 0; k < K; k++) g_assert_cmpfloat(fabs(rbs[1][k] / (SLOTS * N_RB) - 0.25), <, 0.02);
  double p_weak = 1.0 - 3.0 / 2 + 3.0 / 5 - 1.0 / 2 + 6.0 / 7 - 3.0 / 8;
  g_assert_cmpfloat(fabs(rbs[2][0] / (SLOTS * N_RB) - p_weak), <, 0.01);
  g_assert_cmpfloat(fabs(rbs[2][1] / (SLOTS * N_RB) - p_weak), <, 0.01);
  for (int i = 0; i < 3; i++) ws_scheduler_free(s[i]);
}

/* Same input, same allocation: two schedulers fed the same slots agree RB
 * for RB (no hidden state beyond the documented one). */
static void test_deterministic(void) {
  enum { K = 5, N_RB = 15 };
  ws_scheduler *a = make("pf", N_RB, 1), *b = make("pf", N_RB, 1);
  ws_sched_ue ue[K];
  full_buffer(ue, K);
  ue[3].buffer_bytes = 40;
  double rate[K * N_RB];
  ws_rng rng;
  ws_rng_init(&rng, 7, 0, "test-scheduler", "determinism");
  ws_sched_input in = {.n_ue = K, .ue = ue, .rate_bits = rate};
  for (int slot = 0; slot < 200; slot++) {
    for (int i = 0; i < K * N_RB; i++) rate[i] = floor(ws_rng_exp(&rng, 3.0)) * 50.0; /* ties, zeros */
    const ws_sched_result *ra = ws_scheduler_run(a, &in);
    const ws_sched_result *rb = ws_scheduler_run(b, &in);
    check_result(ra, N_RB, K);
    for (int r = 0; r < N_RB; r++) g_assert_cmpint(ra->rb_ue[r], ==, rb->rb_ue[r]);
  }
  ws_scheduler_free(a);
  ws_scheduler_free(b);
}

/* Proportional fair against its definition, written out here without the
 * scheduler's per-slot shortcuts (candidate list, cached averages): each
 * free group, in order, to the wanting UE of largest rate / max(T, 1e-9),
 * ties to the lowest index; a grant adds the group's bits, capped at the
 * buffer. Finite buffers (UEs dropping out mid-slot), zero rates, ties and
 * groups of 1 and 3 RBs; no retransmission, so every group starts free. */
static void test_pf_reference(void) {
  enum { K = 7, N_RB = 25 };
  ws_rng rng;
  ws_rng_init(&rng, 3, 0, "test-scheduler", "pf reference");
  for (uint32_t rbg = 1; rbg <= 3; rbg += 2) {
    ws_scheduler *s = make("pf", N_RB, rbg);
    uint32_t n_rbg = ws_scheduler_n_rbg(s);
    double rate[K * N_RB];
    ws_sched_ue ue[K];
    for (int slot = 0; slot < 300; slot++) {
      for (int i = 0; i < K * N_RB; i++) rate[i] = floor(ws_rng_exp(&rng, 2.0)) * 100.0;
      double avg[K], need[K], got[K] = {0};
      int32_t want_rb[N_RB];
      for (int k = 0; k < K; k++) {
        uint32_t kind = (uint32_t)ws_rng_below(&rng, 3);
        ue[k] = (ws_sched_ue){.buffer_bytes = kind == 0 ? UINT64_MAX : ws_rng_below(&rng, kind == 1 ? 30 : 400)};
        need[k] = ue[k].buffer_bytes == UINT64_MAX ? INFINITY : (double)ue[k].buffer_bytes * 8.0;
        avg[k] = ws_scheduler_avg_bps(s, (uint32_t)k);
      }
      for (uint32_t g = 0; g < n_rbg; g++) {
        uint32_t first = g * rbg, end = MIN(first + rbg, N_RB);
        int best = -1;
        double best_metric = 0.0;
        for (int k = 0; k < K; k++) {
          bool any = false;
          for (int b = 0; b < N_RB; b++) any = any || rate[k * N_RB + b] > 0;
          if (!any || !(got[k] < need[k])) continue;
          double bits = 0.0;
          for (uint32_t b = first; b < end; b++) bits += rate[k * N_RB + b];
          double metric = bits / MAX(avg[k], 1e-9);
          if (metric > best_metric) best_metric = metric, best = k;
        }
        for (uint32_t b = first; b < end; b++) want_rb[b] = best;
        if (best < 0) continue;
        double bits = got[best];
        for (uint32_t b = first; b < end; b++) bits += rate[best * N_RB + b];
        got[best] = MIN(bits, need[best]);
      }
      ws_sched_input in = {.n_ue = K, .ue = ue, .rate_bits = rate};
      const ws_sched_result *r = ws_scheduler_run(s, &in);
      check_result(r, N_RB, K);
      for (int b = 0; b < N_RB; b++) g_assert_cmpint(r->rb_ue[b], ==, want_rb[b]);
      for (int k = 0; k < K; k++) g_assert_cmpfloat(r->ue_new_bits[k], ==, got[k]);
    }
    ws_scheduler_free(s);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scheduler/registry", test_registry);
  g_test_add_func("/scheduler/rr-equal", test_rr_equal);
  g_test_add_func("/scheduler/rr-rotation", test_rr_rotation);
  g_test_add_func("/scheduler/rr-skips-zero-rate", test_rr_skips_zero_rate);
  g_test_add_func("/scheduler/buffers", test_buffers);
  g_test_add_func("/scheduler/harq-first", test_harq_first);
  g_test_add_func("/scheduler/ewma", test_ewma);
  g_test_add_func("/scheduler/pf-equal-is-rr", test_pf_equal_is_rr);
  g_test_add_func("/scheduler/pf-two-rates", test_pf_two_rates);
  g_test_add_func("/scheduler/diversity", test_diversity);
  g_test_add_func("/scheduler/fairness", test_fairness);
  g_test_add_func("/scheduler/deterministic", test_deterministic);
  g_test_add_func("/scheduler/pf-reference", test_pf_reference);
  return g_test_run();
}
