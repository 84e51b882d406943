/* wisim cell engine: the per-slot loop of every cell over one radio medium
 * (downlink). Phase 1 schedules every cell on the CQI in force; phase 2
 * computes this slot's SINRs with every cell's RB activity, draws block
 * errors, feeds HARQ and RLC back and measures CQI reports. The uplink
 * runs alongside: its own scheduler per cell on the buffer each UE reported
 * (scheduling requests and BSRs, TS 36.321 5.4.4-5.4.5, simplified),
 * ws_medium_ul_sinr once per slot.
 * Cells can be switched off and UEs moved or detached while running (their
 * cells' UE lists are dynamic). Model: docs/cells.md, "The cell engine". */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "wisim/cell.h"
#include "wisim/cqi.h"
#include "wisim/powerctl.h"
#include "wisim/rlc.h"
#include "wisim/rng.h"
#include "wisim/scheduler.h"

typedef struct ws_cellnet ws_cellnet;

/* One UE's downlink state. */
typedef struct {
  ws_cellnet *cn;
  uint32_t index;      /* in the medium */
  uint32_t cell;       /* serving cell, WS_CELLNET_NO_CELL: detached */
  uint32_t local;      /* index among the cell's UEs (the scheduler's k) */
  bool full_buffer;
  bool leaving;        /* in a move: RLC drops are WS_CELLNET_DROP_DETACH */
  double pmax_dbm;     /* UL power control's Pmax */
  double last_sinr_db; /* wideband SINR of the last CQI measurement */
  ws_rlc *rlc;
  ws_phy_harq *harq;
  ws_rlc_tb *tb[WS_PHY_HARQ_PROCESSES];         /* block of each process */
  uint64_t retx_ready_slot[WS_PHY_HARQ_PROCESSES]; /* NACKed: eligible from */
  ws_cqi_reports *cqi;
  uint8_t *cqi_init;   /* [1 + n_sb]: in force before the first report */
  uint8_t *cqi_now;    /* [1 + n_sb]: scratch for a measurement */
  ws_rng rng;          /* block error draws */
  /* this slot */
  int32_t slot_pid;    /* process transmitted on, -1: not scheduled */
  const uint8_t *slot_cqi; /* the report in force (valid in phase 1) */
  bool slot_retx;
  /* uplink */
  bool ul_full_buffer;
  ws_rlc *ul_rlc;
  ws_phy_harq *ul_harq;
  ws_rlc_tb *ul_tb[WS_PHY_HARQ_PROCESSES];
  uint64_t ul_retx_ready_slot[WS_PHY_HARQ_PROCESSES];
  double olla_db;        /* outer-loop offset of DL link adaptation, dB */
  double ul_olla_db;     /* the same, UL */
  uint8_t ul_cqi;        /* the cell's estimate for the next grant */
  uint64_t ul_cqi_slot;  /* slot it was made in */
  double ul_cqi_rb_dbm;  /* the UE's power per RB when it was measured */
  double pl_db;          /* path loss to the serving cell (minus its gain) */
  int32_t ul_slot_pid;
  bool ul_slot_retx;
  ws_rng ul_rng;
  /* buffer status reporting (docs/cells.md, "Buffer status reporting") */
  uint64_t ul_granted;   /* bytes of new UL blocks granted in this cell */
  uint64_t bsr_bytes;    /* the cell's last accepted report (level bound) */
  uint64_t bsr_granted;  /* ul_granted when the UE made that report */
  uint64_t bsr_seq;      /* its number (0: none yet) */
  uint64_t report_seq;   /* reports made by the UE in this cell */
  uint64_t tb_bsr_bytes[WS_PHY_HARQ_PROCESSES]; /* BSR piggybacked on each */
  uint64_t tb_bsr_granted[WS_PHY_HARQ_PROCESSES]; /* process's block */
  uint64_t tb_bsr_seq[WS_PHY_HARQ_PROCESSES];
  bool sr_pending;       /* a regular BSR waits for the cell (via an SR) */
  uint64_t sr_slot;      /* the SR's slot */
  uint64_t sr_learn_slot; /* the cell learns the buffer and may grant */
  bool access_waiting;   /* data arrived in an empty buffer, no grant yet */
  ws_time access_arrival_ns;
  ws_cellnet_ue_stats st;
} cn_ue;

/* One cell. */
typedef struct {
  /* its settings (cfg's unless ws_cellnet_set_cell_params) */
  const char *sched_name; /* the registry's string */
  ws_time pf_window_ns, cqi_period_ns, cqi_delay_ns;
  ws_powerctl_config pc;  /* p0 and alpha (pmax is the UE's) */
  uint32_t n_ue;
  uint32_t cap;         /* room in the arrays below and the schedulers' max_ues */
  uint32_t *ues;        /* [cap] medium indices, n_ue of them */
  ws_scheduler *sched;
  ws_sched_ue *sue;     /* [cap] */
  double *rate_bits;    /* [cap * n_rb] */
  const ws_sched_result *res; /* this slot's allocation */
  ws_scheduler *ul_sched;
  ws_sched_ue *ul_sue;
  double *ul_rate;
  const ws_sched_result *ul_res;
  ws_cellnet_cell_stats st;
} cn_cell;

struct ws_cellnet {
  ws_sim *sim;
  ws_medium *m;
  ws_cellnet_config cfg;
  uint32_t n_cells, n_ues, n_rb, n_sb, words;
  cn_cell *cells;
  cn_ue *ues;
  uint64_t *active;     /* [n_cells * words] this slot's RB activity */
  double *sinr;         /* [n_rb] scratch */
  double *alloc_sinr;   /* [n_rb] scratch */
  int32_t *ul_rb_ue;    /* [n_cells * n_rb] this slot's UL grants (medium UE) */
  double *ul_power;     /* [n_ues] UL transmit power this slot, dBm */
  double *ul_sinr;      /* [n_cells * n_rb] */
  uint64_t *on_mask;    /* [n_cells * words] all ones for cells that are on */
  bool *cell_on;        /* [n_cells] the cells that are on */
  uint32_t n_off;       /* cells that are off */
  ws_cellnet_drop_fn drop_fn;
  double cqi_bits[WS_PHY_N_CQI]; /* bits per RB at the MCS of each CQI */
  double cqi_thr_lin[WS_PHY_N_CQI]; /* SINR at each CQI's threshold (CQI 0:
                                       30 dB below CQI 1's), for link adaptation */
  uint32_t *rb_sb;      /* [n_rb] subband of each RB */
  uint64_t slot;        /* slots run */
  uint64_t slot0;       /* slot count at the last ws_cellnet_reset_stats */
  uint64_t ul_next_slot; /* the first slot whose UL grants are not yet made */
  bool started;
  bool in_slot;         /* inside slot_event (moves are refused) */
  ws_event_id next_ev;
  bool ev_pending;
};

static int32_t strongest_on(const ws_cellnet *cn, uint32_t ue);

/* The registry's string of a known scheduler name (outlives the caller's). */
static const char *
registry_name(const char *name)
{
  for (const char *const *n = ws_scheduler_names(); *n; n++)
    if (strcmp(*n, name) == 0)
      return *n;
  g_assert_not_reached();
}

/* ---- RLC callbacks ------------------------------------------------------ */

static void
on_deliver(void *ctx, ws_packet *p)
{
  cn_ue *u = ctx;
  u->st.delivered_packets++;
  if (u->cn->cfg.deliver)
    u->cn->cfg.deliver(u->cn->cfg.ctx, u->index, p);
  else if (u->cn->cfg.pool)
    ws_packet_free(u->cn->cfg.pool, p);
}

/* Hands a packet the engine gives up on to the drop callback, or frees it. */
static void
give_up(ws_cellnet *cn, uint32_t ue, bool dl, ws_packet *p, ws_cellnet_drop_reason why)
{
  if (cn->drop_fn)
    cn->drop_fn(cn->cfg.ctx, ue, dl, p, why);
  else if (cn->cfg.pool)
    ws_packet_free(cn->cfg.pool, p);
}

/* The engine's reason for an RLC drop: whatever a move discards (blocks
 * abandoned in flight, flushed buffers) is a detach drop. */
static ws_cellnet_drop_reason
drop_reason(const cn_ue *u, ws_rlc_drop_reason why)
{
  if (why == WS_RLC_DROP_FLUSH || u->leaving)
    return WS_CELLNET_DROP_DETACH;
  return why == WS_RLC_DROP_BUFFER ? WS_CELLNET_DROP_BUFFER : WS_CELLNET_DROP_RADIO;
}

static void
on_drop(void *ctx, ws_packet *p, ws_rlc_drop_reason why)
{
  cn_ue *u = ctx;
  ws_cellnet_drop_reason r = drop_reason(u, why);
  if (r == WS_CELLNET_DROP_DETACH)
    u->st.detach_drops++;
  else if (r == WS_CELLNET_DROP_BUFFER)
    u->st.buffer_drops++;
  else
    u->st.reassembly_drops++;
  give_up(u->cn, u->index, true, p, r);
}

static void
on_ul_deliver(void *ctx, ws_packet *p)
{
  cn_ue *u = ctx;
  u->st.ul.delivered_packets++;
  if (u->cn->cfg.ul_deliver)
    u->cn->cfg.ul_deliver(u->cn->cfg.ctx, u->index, p);
  else if (u->cn->cfg.pool)
    ws_packet_free(u->cn->cfg.pool, p);
}

static void
on_ul_drop(void *ctx, ws_packet *p, ws_rlc_drop_reason why)
{
  cn_ue *u = ctx;
  ws_cellnet_drop_reason r = drop_reason(u, why);
  if (r == WS_CELLNET_DROP_DETACH)
    u->st.ul.detach_drops++;
  else if (r == WS_CELLNET_DROP_BUFFER)
    u->st.ul.buffer_drops++;
  else
    u->st.ul.reassembly_drops++;
  give_up(u->cn, u->index, false, p, r);
}

static ws_rlc *
make_ul_rlc(ws_cellnet *cn, cn_ue *u)
{
  ws_rlc_config rc = {.pool = cn->cfg.pool,
                      .limit_bytes = cn->cfg.rlc_limit_bytes,
                      .header_bytes = cn->cfg.rlc_header_bytes,
                      .full_buffer = u->ul_full_buffer,
                      .deliver = on_ul_deliver,
                      .drop = on_ul_drop,
                      .ctx = u};
  return ws_rlc_new(&rc);
}

static ws_rlc *
make_rlc(ws_cellnet *cn, cn_ue *u)
{
  ws_rlc_config rc = {.pool = cn->cfg.pool,
                      .limit_bytes = cn->cfg.rlc_limit_bytes,
                      .header_bytes = cn->cfg.rlc_header_bytes,
                      .full_buffer = u->full_buffer,
                      .deliver = on_deliver,
                      .drop = on_drop,
                      .ctx = u};
  return ws_rlc_new(&rc);
}

/* ---- creation ----------------------------------------------------------- */

/* Creates the engine; see cell.h. */
ws_cellnet *
ws_cellnet_new(ws_sim *sim, ws_medium *m, const ws_cellnet_config *cfg)
{
  g_return_val_if_fail(sim && m && cfg, NULL);
  g_return_val_if_fail(cfg->carrier.n_rb == ws_medium_n_rb(m), NULL);
  const char *sname = cfg->scheduler ? cfg->scheduler : "pf";
  if (!ws_scheduler_known(sname)) {
    g_critical("ws_cellnet_new: unknown scheduler '%s'", sname);
    return NULL;
  }
  ws_cellnet *cn = g_new0(ws_cellnet, 1);
  cn->sim = sim;
  cn->m = m;
  cn->cfg = *cfg;
  cn->cfg.scheduler = sname;
  if (cn->cfg.rbg_size == 0)
    cn->cfg.rbg_size = 1;
  if (cn->cfg.cqi_period_ns <= 0)
    cn->cfg.cqi_period_ns = 5 * WS_MS;
  if (cn->cfg.cqi_delay_ns <= 0)
    cn->cfg.cqi_delay_ns = cfg->cqi_no_delay ? 0 : 4 * WS_MS;
  if (cn->cfg.harq_rtt_slots == 0)
    cn->cfg.harq_rtt_slots = WS_CELLNET_HARQ_RTT_SLOTS_DEFAULT;
  if (cn->cfg.rlc_header_bytes == 0)
    cn->cfg.rlc_header_bytes = WS_RLC_DEFAULT_HEADER_BYTES;
  if (cn->cfg.sr_period_slots == 0)
    cn->cfg.sr_period_slots = WS_CELLNET_SR_PERIOD_SLOTS_DEFAULT;
  if (cn->cfg.grant_delay_slots == 0)
    cn->cfg.grant_delay_slots = WS_CELLNET_GRANT_DELAY_SLOTS_DEFAULT;
  cn->n_cells = ws_medium_n_cells(m);
  cn->n_ues = ws_medium_n_ues(m);
  cn->n_rb = ws_medium_n_rb(m);
  cn->n_sb = ws_medium_n_subbands(m);
  cn->words = WS_MEDIUM_RB_WORDS(cn->n_rb);
  cn->cells = g_new0(cn_cell, cn->n_cells);
  cn->ues = g_new0(cn_ue, cn->n_ues);
  cn->active = g_new0(uint64_t, (size_t)cn->n_cells * cn->words);
  cn->sinr = g_new0(double, cn->n_rb);
  cn->alloc_sinr = g_new0(double, cn->n_rb);
  cn->ul_rb_ue = g_new0(int32_t, (size_t)cn->n_cells * cn->n_rb);
  cn->ul_power = g_new0(double, cn->n_ues ? cn->n_ues : 1);
  cn->ul_sinr = g_new0(double, (size_t)cn->n_cells * cn->n_rb);
  /* Per-slot lookups precomputed once (the hot path: cells x UEs x RBs). */
  for (unsigned q = 0; q < WS_PHY_N_CQI; q++) {
    int mcs = ws_phy_cqi_to_mcs(q);
    cn->cqi_bits[q] = mcs < 0 ? 0.0 : ws_phy_mcs_bits_per_rb((unsigned)mcs);
    cn->cqi_thr_lin[q] = q == 0 ? ws_phy_cqi_threshold_lin(1) * 1e-3 : ws_phy_cqi_threshold_lin(q);
  }
  cn->rb_sb = g_new0(uint32_t, cn->n_rb);
  for (uint32_t r = 0; r < cn->n_rb; r++)
    cn->rb_sb[r] = ws_medium_subband_of_rb(m, r);
  cn->on_mask = g_new0(uint64_t, (size_t)cn->n_cells * cn->words);
  cn->cell_on = g_new0(bool, cn->n_cells + 1);
  for (uint32_t c = 0; c < cn->n_cells; c++) {
    cn_cell *cl = &cn->cells[c];
    cn->cell_on[c] = true;
    for (uint32_t r = 0; r < cn->n_rb; r++)
      cn->on_mask[(size_t)c * cn->words + r / 64] |= UINT64_C(1) << (r % 64);
    cl->sched_name = registry_name(sname);
    cl->pf_window_ns = cn->cfg.pf_window_ns;
    cl->cqi_period_ns = cn->cfg.cqi_period_ns;
    cl->cqi_delay_ns = cn->cfg.cqi_delay_ns;
    cl->pc = (ws_powerctl_config){.p0_dbm = cfg->pc_p0_dbm, .alpha = cfg->pc_alpha,
                                  .pmax_dbm = cfg->ue_pmax_dbm};
  }
  for (uint32_t i = 0; i < cn->n_ues; i++) {
    cn_ue *u = &cn->ues[i];
    u->cn = cn;
    u->index = i;
    u->cell = ws_medium_best_cell(m, i);
    u->st.cell = u->cell;
    u->pmax_dbm = cfg->ue_pmax_dbm;
    u->last_sinr_db = NAN;
    u->harq = ws_phy_harq_new(cn->n_rb);
    u->cqi_init = g_new0(uint8_t, 1 + cn->n_sb);
    u->cqi_now = g_new0(uint8_t, 1 + cn->n_sb);
    u->slot_pid = -1;
    char ent[48];
    g_snprintf(ent, sizeof ent, "ue %u", i);
    ws_rng_init(&u->rng, cn->cfg.seed, cn->cfg.run, ent, "harq block errors");
    ws_rng_init(&u->ul_rng, cn->cfg.seed, cn->cfg.run, ent, "ul harq block errors");
    u->ul_slot_pid = -1;
    if (cn->cfg.uplink)
      u->ul_harq = ws_phy_harq_new(cn->n_rb);
  }
  return cn;
}

/* Frees the engine; see cell.h. */
void
ws_cellnet_free(ws_cellnet *cn)
{
  if (!cn)
    return;
  if (cn->ev_pending)
    ws_sim_cancel(cn->sim, cn->next_ev);
  for (uint32_t i = 0; i < cn->n_ues; i++) {
    cn_ue *u = &cn->ues[i];
    ws_rlc_free(u->rlc); /* frees its blocks in flight too */
    ws_rlc_free(u->ul_rlc);
    ws_phy_harq_free(u->ul_harq);
    ws_phy_harq_free(u->harq);
    ws_cqi_reports_free(u->cqi);
    g_free(u->cqi_init);
    g_free(u->cqi_now);
  }
  for (uint32_t c = 0; c < cn->n_cells; c++) {
    ws_scheduler_free(cn->cells[c].sched);
    g_free(cn->cells[c].ues);
    g_free(cn->cells[c].sue);
    g_free(cn->cells[c].rate_bits);
    ws_scheduler_free(cn->cells[c].ul_sched);
    g_free(cn->cells[c].ul_sue);
    g_free(cn->cells[c].ul_rate);
  }
  g_free(cn->cells);
  g_free(cn->ues);
  g_free(cn->active);
  g_free(cn->sinr);
  g_free(cn->alloc_sinr);
  g_free(cn->ul_rb_ue);
  g_free(cn->ul_power);
  g_free(cn->ul_sinr);
  g_free(cn->rb_sb);
  g_free(cn->on_mask);
  g_free(cn->cell_on);
  g_free(cn);
}

/* Attaches a UE; see cell.h. */
bool
ws_cellnet_attach(ws_cellnet *cn, uint32_t ue, int32_t cell)
{
  g_return_val_if_fail(cn && !cn->started && ue < cn->n_ues, false);
  g_return_val_if_fail(cell < 0 || (uint32_t)cell < cn->n_cells, false);
  if (cell < 0) /* out of coverage or not: reported as such at start */
    cell = strongest_on(cn, ue);
  if (cell >= 0 && !cn->cell_on[cell])
    return false;
  cn->ues[ue].cell = cell < 0 ? WS_CELLNET_NO_CELL : (uint32_t)cell;
  cn->ues[ue].st.cell = cn->ues[ue].cell;
  return true;
}

/* Full-buffer mode; see cell.h. */
bool
ws_cellnet_set_full_buffer(ws_cellnet *cn, uint32_t ue, bool full_buffer)
{
  g_return_val_if_fail(cn && !cn->started && ue < cn->n_ues, false);
  cn_ue *u = &cn->ues[ue];
  u->full_buffer = full_buffer;
  if (u->rlc) {
    ws_rlc_free(u->rlc);
    u->rlc = NULL;
  }
  return true;
}

/* UL full-buffer mode; see cell.h. */
bool
ws_cellnet_set_ul_full_buffer(ws_cellnet *cn, uint32_t ue, bool full_buffer)
{
  g_return_val_if_fail(cn && cn->cfg.uplink && !cn->started && ue < cn->n_ues, false);
  cn_ue *u = &cn->ues[ue];
  u->ul_full_buffer = full_buffer;
  if (u->ul_rlc) {
    ws_rlc_free(u->ul_rlc);
    u->ul_rlc = NULL;
  }
  return true;
}

/* The cell's UL CQI estimate of u from its sounding (no interference): the
 * SNR of one RB at the power control's power per RB. Used at start and to
 * probe again a UE whose last measured UL CQI was 0 (docs/cells.md). */
static uint8_t
ul_probe_cqi(ws_cellnet *cn, const cn_ue *u)
{
  ws_powerctl_config pc = cn->cells[u->cell].pc;
  pc.pmax_dbm = u->pmax_dbm;
  double snr_db = ws_powerctl_per_rb_dbm(&pc, 1, u->pl_db) - u->pl_db -
                  ws_medium_ul_noise_rb_dbm(cn->m, u->cell);
  double lin = pow(10, snr_db / 10);
  return (uint8_t)ws_phy_cqi_from_sinr(&lin, 1);
}

/* The UE's power per RB with n RBs under its serving cell's power
 * control (at Pmax it spreads the same power over more RBs). */
static double
ul_rb_dbm(const ws_cellnet *cn, const cn_ue *u, unsigned n)
{
  ws_powerctl_config pc = cn->cells[u->cell].pc;
  pc.pmax_dbm = u->pmax_dbm;
  return ws_powerctl_per_rb_dbm(&pc, n, u->pl_db);
}

/* The UL CQI for a grant of n RBs: the last estimate shifted by the change
 * of power per RB since it was made (a power-limited UE's SINR per RB
 * falls as 1/n: link adaptation with the power headroom, TS 36.213
 * 5.1.1.1 / 36.321 5.4.6), at least CQI 1 (the grant is made). */
static unsigned
ul_grant_cqi(const ws_cellnet *cn, const cn_ue *u, unsigned n)
{
  double delta_db = ul_rb_dbm(cn, u, n) - u->ul_cqi_rb_dbm - u->ul_olla_db;
  if (u->ul_cqi == 0 || fabs(delta_db) < 1e-9)
    return MAX(u->ul_cqi, 1u);
  double lin = ws_phy_cqi_threshold_lin(u->ul_cqi) * pow(10, delta_db / 10);
  return MAX(ws_phy_cqi_from_sinr(&lin, 1), 1u);
}

/* Outer-loop link adaptation (Nakamura, Awad, Vadgama, WPMC 2002; the
 * OLLA of LTE system-level simulators): the first transmission's outcome
 * moves an offset subtracted from the reported SINR, up by
 * WS_CELLNET_OLLA_UP_DB on an error, down by UP x BLER/(1 - BLER) on a
 * success, so that in steady state the first-transmission BLER is the 10%
 * target the CQI tables assume, whatever biases the reports (CQI measured
 * while the neighbours were idle, stale under fast fading). Bounded to
 * [WS_CELLNET_OLLA_MIN_DB, WS_CELLNET_OLLA_MAX_DB]. */
static double
olla_update(double offset_db, bool error)
{
  static const double down_db = WS_CELLNET_OLLA_UP_DB * 0.1 / 0.9;
  offset_db += error ? WS_CELLNET_OLLA_UP_DB : -down_db;
  return CLAMP(offset_db, WS_CELLNET_OLLA_MIN_DB, WS_CELLNET_OLLA_MAX_DB);
}

/* ---- buffer status reporting -------------------------------------------- */

/* TS 36.321 Table 6.1.3.1-1, the upper bound of each Buffer Size level in
 * bytes (index i: bsr_table[i-1] < BS <= bsr_table[i]); index 63 is "BS >
 * 150000", taken as 150000 (the largest level). */
static const uint32_t bsr_table[WS_CELLNET_BSR_LEVELS] = {
    0,     10,    12,    14,    17,    19,    22,    26,    31,    36,    42,
    49,    57,    67,    78,    91,    107,   125,   146,   171,   200,   234,
    274,   321,   376,   440,   515,   603,   706,   826,   967,   1132,  1326,
    1552,  1817,  2127,  2490,  2915,  3413,  3995,  4677,  5476,  6411,  7505,
    8787,  10287, 12043, 14099, 16507, 19325, 22624, 26487, 31009, 36304, 42502,
    49759, 58255, 68201, 79846, 93479, 109439, 128125, 150000, 150000};

/* The BSR index of a buffer; see cell.h. */
unsigned
ws_cellnet_bsr_index(uint64_t bytes)
{
  unsigned lo = 0, hi = WS_CELLNET_BSR_LEVELS - 2; /* the smallest i with bytes <= bound */
  if (bytes > bsr_table[hi])
    return WS_CELLNET_BSR_LEVELS - 1;
  while (lo < hi) {
    unsigned mid = (lo + hi) / 2;
    if (bytes <= bsr_table[mid])
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* The size the cell takes for a BSR index; see cell.h. */
uint64_t
ws_cellnet_bsr_level_bytes(unsigned index)
{
  g_return_val_if_fail(index < WS_CELLNET_BSR_LEVELS, 0);
  return bsr_table[index];
}

/* What u reports of its UL buffer now: the upper bound of its level
 * (the demand: IP bytes plus one RLC/MAC header per packet waiting). */
static uint64_t
bsr_now(const cn_ue *u)
{
  return bsr_table[ws_cellnet_bsr_index(ws_rlc_demand_bytes(u->ul_rlc))];
}

/* The UL buffer the cell believes u has: its last report minus what it
 * granted since the UE made it (so the same bytes are not granted twice). */
static uint64_t
ul_known(const cn_ue *u)
{
  uint64_t since = u->ul_granted - u->bsr_granted;
  return u->bsr_bytes > since ? u->bsr_bytes - since : 0;
}

/* The cell receives a report made when ul_granted was `granted`; a report
 * older than the one it holds (a block decoded late by HARQ) is ignored. */
static void
bsr_receive(cn_ue *u, uint64_t bytes, uint64_t granted, uint64_t seq)
{
  u->st.ul.bsrs++;
  if (seq <= u->bsr_seq)
    return;
  u->bsr_bytes = bytes;
  u->bsr_granted = granted;
  u->bsr_seq = seq;
}

/* A regular BSR is triggered without a grant to carry it: the UE sends a
 * scheduling request at its next SR opportunity (slots n with n mod
 * sr_period = index mod sr_period) from the first slot whose grants are
 * not yet made, and the cell learns the buffer grant_delay slots after
 * the SR (TS 36.321 5.4.4, 5.4.5; the grant's own BSR folded in). */
static void
sr_trigger(ws_cellnet *cn, cn_ue *u)
{
  if (u->sr_pending || u->cell == WS_CELLNET_NO_CELL)
    return;
  uint64_t a = cn->ul_next_slot, per = cn->cfg.sr_period_slots;
  uint64_t off = u->index % per;
  u->sr_slot = a + (off + per - a % per) % per;
  u->sr_learn_slot = u->sr_slot + cn->cfg.grant_delay_slots;
  u->sr_pending = true;
}

/* Whether some UL block of u is in a HARQ process (its BSR may still reach
 * the cell). */
static bool
ul_blocks_in_flight(const cn_ue *u)
{
  for (unsigned pid = 0; pid < WS_PHY_HARQ_PROCESSES; pid++)
    if (u->ul_tb[pid])
      return true;
  return false;
}

/* The cell's knowledge of u's UL buffer starts afresh in a new cell: a
 * full-buffer UE is known backlogged at once (top level; it stands for a
 * UE that has always had data), a UE with data waiting sends an SR. */
static void
bsr_join(ws_cellnet *cn, cn_ue *u)
{
  u->ul_granted = u->bsr_granted = u->bsr_bytes = 0;
  u->bsr_seq = u->report_seq = 0;
  u->sr_pending = false;
  if (!u->ul_rlc)
    return;
  if (u->ul_full_buffer) {
    u->bsr_bytes = bsr_now(u);
    u->bsr_seq = ++u->report_seq;
  } else if (ws_rlc_demand_bytes(u->ul_rlc) > 0) {
    sr_trigger(cn, u);
  }
}

/* ---- CQI measurement ---------------------------------------------------- */

/* Wideband and per-subband CQI of the per-RB SINRs in cn->sinr into out. */
static void
measure_cqi(ws_cellnet *cn, uint8_t *out)
{
  out[0] = (uint8_t)ws_phy_cqi_from_sinr(cn->sinr, cn->n_rb);
  uint32_t first = 0;
  for (uint32_t sb = 0; sb < cn->n_sb; sb++) {
    uint32_t end = first;
    while (end < cn->n_rb && cn->rb_sb[end] == sb)
      end++;
    out[1 + sb] = end > first ? (uint8_t)ws_phy_cqi_from_sinr(cn->sinr + first, end - first) : 0;
    first = end;
  }
}

/* Measures and stores a CQI report of u from cn->sinr at now. */
static void
report_cqi(ws_cellnet *cn, cn_ue *u, ws_time now)
{
  measure_cqi(cn, u->cqi_now);
  ws_cqi_reports_push(u->cqi, now, u->cqi_now);
  u->st.cqi_reports++;
  u->st.cqi_sum += u->cqi_now[0];
  if (u->cqi_now[0] == 0)
    u->st.cqi_zero_reports++;
  u->last_sinr_db = ws_medium_mean_sinr_db(cn->sinr, cn->n_rb);
  u->st.sinr_db_sum += u->last_sinr_db;
}

/* ---- cells' UE lists ---------------------------------------------------- */

/* A scheduler of cell cl for UE indices 0..cap-1 carrying the served-rate
 * averages of UEs 0..n_ue-1 of old (freed). The policy's private state
 * (round robin's rotation) restarts. */
static ws_scheduler *
regrow_scheduler(ws_cellnet *cn, const cn_cell *cl, ws_scheduler *old, uint32_t cap)
{
  ws_scheduler_config sc = {.name = cl->sched_name,
                            .n_rb = cn->n_rb,
                            .rbg_size = cn->cfg.rbg_size,
                            .max_ues = cap,
                            .slot_ns = cn->cfg.carrier.slot_ns,
                            .pf_window_ns = cl->pf_window_ns};
  ws_scheduler *s = ws_scheduler_new(&sc);
  g_assert(s);
  if (old) {
    for (uint32_t k = 0; k < cl->n_ue; k++)
      ws_scheduler_set_avg_bps(s, k, ws_scheduler_avg_bps(old, k));
    ws_scheduler_free(old);
  }
  return s;
}

/* Gives cell cl room for cap UEs (its arrays and schedulers). */
static void
cell_reserve(ws_cellnet *cn, cn_cell *cl, uint32_t cap)
{
  cl->ues = g_renew(uint32_t, cl->ues, cap);
  cl->sue = g_renew(ws_sched_ue, cl->sue, cap);
  cl->rate_bits = g_renew(double, cl->rate_bits, (size_t)cap * cn->n_rb);
  cl->sched = regrow_scheduler(cn, cl, cl->sched, cap);
  if (cn->cfg.uplink) {
    cl->ul_sue = g_renew(ws_sched_ue, cl->ul_sue, cap);
    cl->ul_rate = g_renew(double, cl->ul_rate, (size_t)cap * cn->n_rb);
    cl->ul_sched = regrow_scheduler(cn, cl, cl->ul_sched, cap);
  }
  cl->cap = cap;
}

/* New CQI report timing for u from its serving cell's period and delay.
 * Offsets spread the UEs' reports over the period (by slot). */
static void
ue_cqi_timing(ws_cellnet *cn, cn_ue *u)
{
  const cn_cell *cl = &cn->cells[u->cell];
  ws_cqi_reports_free(u->cqi);
  ws_time slots_per_period = cl->cqi_period_ns / cn->cfg.carrier.slot_ns;
  if (slots_per_period < 1)
    slots_per_period = 1;
  ws_time off = (ws_time)(u->index % (uint64_t)slots_per_period) * cn->cfg.carrier.slot_ns;
  if (off >= cl->cqi_period_ns)
    off = 0;
  u->cqi = ws_cqi_reports_new(cl->cqi_period_ns, cl->cqi_delay_ns, off, 1 + cn->n_sb);
}

/* Appends u to cell c's list (running engine) at now: a fresh PF average,
 * CQI timing, UL path loss and probe, coverage flag and an initial CQI
 * measured with every cell that is on transmitting on every RB (a
 * pessimistic start, as an idle-mode measurement would be). */
static void
ue_join(ws_cellnet *cn, cn_ue *u, uint32_t c, ws_time now)
{
  cn_cell *cl = &cn->cells[c];
  if (cl->n_ue == cl->cap) {
    uint32_t cap = MIN(MAX(2 * cl->cap, 4u), cn->n_ues);
    g_assert(cap > cl->n_ue);
    cell_reserve(cn, cl, cap);
  }
  uint32_t k = cl->n_ue++;
  cl->ues[k] = u->index;
  u->local = k;
  ws_scheduler_reset_ue(cl->sched, k);
  if (cl->ul_sched)
    ws_scheduler_reset_ue(cl->ul_sched, k);
  cl->st.ues++;
  u->cell = c;
  u->st.cell = c;
  u->slot_pid = -1;
  u->ul_slot_pid = -1;
  ue_cqi_timing(cn, u);
  if (cn->cfg.uplink) {
    u->pl_db = -ws_medium_gain_db(cn->m, u->index, c);
    u->ul_cqi = ul_probe_cqi(cn, u);
    u->ul_cqi_slot = cn->slot;
    u->ul_cqi_rb_dbm = ul_rb_dbm(cn, u, 1);
    bsr_join(cn, u);
  }
  u->st.out_of_coverage = ws_cellnet_best_cell(cn, u->index) < 0;
  if (u->st.out_of_coverage)
    cl->st.out_of_coverage++;
  ws_medium_dl_sinr(cn->m, u->index, c, now, cn->n_off ? cn->on_mask : NULL, cn->sinr, NULL);
  measure_cqi(cn, u->cqi_init);
  u->last_sinr_db = ws_medium_mean_sinr_db(cn->sinr, cn->n_rb);
}

/* Takes u out of its cell's list (running engine): the last UE of the list
 * takes its index, with its PF averages. */
static void
ue_leave(ws_cellnet *cn, cn_ue *u)
{
  cn_cell *cl = &cn->cells[u->cell];
  uint32_t k = u->local, last = --cl->n_ue;
  g_assert(cl->ues[k] == u->index);
  if (k != last) {
    uint32_t moved = cl->ues[last];
    cl->ues[k] = moved;
    cn->ues[moved].local = k;
    ws_scheduler_set_avg_bps(cl->sched, k, ws_scheduler_avg_bps(cl->sched, last));
    if (cl->ul_sched)
      ws_scheduler_set_avg_bps(cl->ul_sched, k, ws_scheduler_avg_bps(cl->ul_sched, last));
  }
  cl->st.ues--;
  if (u->st.out_of_coverage)
    cl->st.out_of_coverage--;
  u->cell = WS_CELLNET_NO_CELL;
  u->st.cell = WS_CELLNET_NO_CELL;
  u->last_sinr_db = NAN;
  u->slot_pid = -1;
  u->ul_slot_pid = -1;
  u->sr_pending = false;
}

/* Abandons the HARQ processes of one direction: each block in flight is
 * lost to its RLC; the entity restarts idle. */
static ws_phy_harq *
abandon_harq(ws_cellnet *cn, ws_phy_harq *h, ws_rlc *rlc, ws_rlc_tb **tb, uint64_t *ready)
{
  bool busy = false;
  for (unsigned pid = 0; pid < WS_PHY_HARQ_PROCESSES; pid++) {
    busy |= ws_phy_harq_process_get(h, pid)->busy;
    if (tb[pid]) {
      ws_rlc_tb_lost(rlc, tb[pid]);
      tb[pid] = NULL;
    }
    ready[pid] = 0;
  }
  if (!busy)
    return h;
  ws_phy_harq_free(h);
  return ws_phy_harq_new(cn->n_rb);
}

/* What a move does to u's link state: HARQ abandoned, the segments it held
 * lost, the RLC re-established (waiting packets kept when keep_buffers). */
static void
ue_reset_link(ws_cellnet *cn, cn_ue *u, bool keep_buffers)
{
  u->leaving = true;
  u->harq = abandon_harq(cn, u->harq, u->rlc, u->tb, u->retx_ready_slot);
  if (u->ul_harq)
    u->ul_harq = abandon_harq(cn, u->ul_harq, u->ul_rlc, u->ul_tb, u->ul_retx_ready_slot);
  if (u->rlc)
    ws_rlc_flush(u->rlc, !keep_buffers);
  if (u->ul_rlc)
    ws_rlc_flush(u->ul_rlc, !keep_buffers);
  u->leaving = false;
}

/* ---- the slot ----------------------------------------------------------- */

static void slot_event(ws_sim *sim, void *ctx);

/* Starts the engine; see cell.h. */
void
ws_cellnet_start(ws_cellnet *cn, ws_time at_ns)
{
  g_return_if_fail(cn && !cn->started);
  cn->started = true;
  /* Room for the attached UEs plus a few arrivals (grown by doubling). */
  for (uint32_t i = 0; i < cn->n_ues; i++)
    if (cn->ues[i].cell != WS_CELLNET_NO_CELL)
      cn->cells[cn->ues[i].cell].n_ue++;
  for (uint32_t c = 0; c < cn->n_cells; c++) {
    cn_cell *cl = &cn->cells[c];
    uint32_t n = cl->n_ue;
    cl->n_ue = 0;
    cell_reserve(cn, cl, MAX(MIN(n + n / 8 + 2, cn->n_ues), 1u));
  }
  for (uint32_t i = 0; i < cn->n_ues; i++) {
    cn_ue *u = &cn->ues[i];
    if (!u->rlc)
      u->rlc = make_rlc(cn, u);
    if (cn->cfg.uplink && !u->ul_rlc)
      u->ul_rlc = make_ul_rlc(cn, u);
    if (u->cell != WS_CELLNET_NO_CELL)
      ue_join(cn, u, u->cell, at_ns);
  }
  cn->next_ev = ws_sim_schedule_at(cn->sim, at_ns, slot_event, cn);
  cn->ev_pending = true;
}

/* Stops the slots; see cell.h. */
void
ws_cellnet_stop(ws_cellnet *cn)
{
  g_return_if_fail(cn);
  if (cn->ev_pending)
    ws_sim_cancel(cn->sim, cn->next_ev);
  cn->ev_pending = false;
}

/* Phase 1 for one cell: CQI in force, rate matrix, scheduling, transport
 * blocks, RB activity. */
static void
schedule_cell(ws_cellnet *cn, uint32_t c, ws_time now)
{
  cn_cell *cl = &cn->cells[c];
  uint64_t *act = cn->active + (size_t)c * cn->words;
  memset(act, 0, cn->words * sizeof *act);
  cl->res = NULL;
  cl->st.slots++;
  if (!cn->cell_on[c])
    return; /* no UEs (detached when it went off), no RBs available */
  cl->st.rbs_available += cn->n_rb;
  if (cl->n_ue == 0)
    return;
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    cn_ue *u = &cn->ues[cl->ues[k]];
    u->slot_pid = -1;
    const uint8_t *cqi = ws_cqi_reports_in_force(u->cqi, now, NULL);
    if (!cqi)
      cqi = u->cqi_init;
    u->slot_cqi = cqi;
    double *rate = cl->rate_bits + (size_t)k * cn->n_rb;
    for (uint32_t r = 0; r < cn->n_rb; r++)
      rate[r] = cn->cqi_bits[cqi[1 + cn->rb_sb[r]]];
    ws_sched_ue *s = &cl->sue[k];
    s->retx_rbs = 0;
    s->retx_bits = 0;
    int pid = ws_phy_harq_next_retx(u->harq);
    if (pid >= 0 && u->retx_ready_slot[pid] <= cn->slot) {
      const ws_phy_harq_process *p = ws_phy_harq_process_get(u->harq, (unsigned)pid);
      s->retx_rbs = p->n_rb;
      s->retx_bits = p->tbs_bits;
    }
    /* New data needs an idle HARQ process. */
    s->buffer_bytes = ws_phy_harq_idle(u->harq) >= 0 ? ws_rlc_demand_bytes(u->rlc) : 0;
  }
  ws_sched_input in = {.n_ue = cl->n_ue, .ue = cl->sue, .rate_bits = cl->rate_bits};
  const ws_sched_result *res = ws_scheduler_run(cl->sched, &in);
  cl->res = res;
  cl->st.rbs_used += res->used_rbs;
  for (uint32_t r = 0; r < cn->n_rb; r++)
    if (res->rb_ue[r] != WS_SCHED_NONE)
      act[r / 64] |= UINT64_C(1) << (r % 64);
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    uint32_t n = res->ue_rbs[k];
    if (n == 0)
      continue;
    cn_ue *u = &cn->ues[cl->ues[k]];
    u->st.rbs += n;
    if (res->ue_retx[k]) {
      int pid = ws_phy_harq_next_retx(u->harq);
      g_assert(pid >= 0);
      ws_phy_harq_retransmit(u->harq, (unsigned)pid);
      u->slot_pid = pid;
      u->slot_retx = true;
      u->st.retx++;
      cl->st.retx++;
      continue;
    }
    /* New block: link adaptation on the reported subband CQIs of its RBs.
     * Each RB stands for the SINR at its CQI's threshold (the least the
     * report vouches for); the block gets the MCS of the highest CQI whose
     * EESM over them reaches its threshold (docs/cells.md, "Link
     * adaptation"): one CQI everywhere gives that CQI, a spread of CQIs
     * something between their lowest and their mean. */
    uint32_t m = 0;
    double olla_lin = u->olla_db != 0 ? pow(10, -u->olla_db / 10) : 1.0;
    for (uint32_t r = 0; r < cn->n_rb; r++)
      if (res->rb_ue[r] == (int32_t)k)
        cn->alloc_sinr[m++] = cn->cqi_thr_lin[u->slot_cqi[1 + cn->rb_sb[r]]] * olla_lin;
    g_assert(m == n);
    int mcs = ws_phy_cqi_to_mcs(ws_phy_cqi_from_sinr(cn->alloc_sinr, m));
    int pid = ws_phy_harq_idle(u->harq);
    if (mcs < 0 || pid < 0)
      continue; /* cannot happen: rate > 0 and an idle process were required */
    uint32_t tbs = ws_phy_tbs((unsigned)mcs, n);
    ws_phy_harq_start(u->harq, (unsigned)pid, (unsigned)mcs, n, tbs);
    u->tb[pid] = ws_rlc_pull(u->rlc, tbs);
    u->slot_pid = pid;
    u->slot_retx = false;
    u->st.first_tx++;
    cl->st.first_tx++;
  }
}

/* Phase 2 for one cell: SINRs of this slot, block errors, HARQ and RLC
 * feedback, CQI reports due now. */
static void
receive_cell(ws_cellnet *cn, uint32_t c, ws_time now)
{
  cn_cell *cl = &cn->cells[c];
  const ws_sched_result *res = cl->res;
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    cn_ue *u = &cn->ues[cl->ues[k]];
    bool due = ws_cqi_reports_due(u->cqi, now);
    if (u->slot_pid < 0 && !due)
      continue;
    ws_medium_dl_sinr(cn->m, u->index, c, now, cn->active, cn->sinr, NULL);
    if (u->slot_pid >= 0) {
      unsigned pid = (unsigned)u->slot_pid;
      uint32_t n = 0;
      for (uint32_t r = 0; r < cn->n_rb; r++)
        if (res->rb_ue[r] == (int32_t)k)
          cn->alloc_sinr[n++] = cn->sinr[r];
      g_assert(n == ws_phy_harq_process_get(u->harq, pid)->n_rb);
      double uni = ws_rng_uniform(&u->rng);
      ws_phy_harq_outcome o = ws_phy_harq_receive(u->harq, pid, cn->alloc_sinr, n, uni, NULL);
      if (!u->slot_retx && o != WS_PHY_HARQ_ACK) {
        u->st.first_tx_errors++;
        cl->st.first_tx_errors++;
      }
      if (!u->slot_retx && !cn->cfg.no_olla)
        u->olla_db = olla_update(u->olla_db, o != WS_PHY_HARQ_ACK);
      ws_rlc_tb *tb = u->tb[pid];
      if (o == WS_PHY_HARQ_ACK) {
        uint32_t bits = ws_phy_harq_process_get(u->harq, pid)->tbs_bits;
        u->st.decoded_tbs++;
        u->st.decoded_bits += bits;
        cl->st.decoded_bits += bits;
        u->st.data_bits += (uint64_t)ws_rlc_tb_data_bytes(tb) * 8;
        u->tb[pid] = NULL;
        ws_rlc_tb_received(u->rlc, tb);
      } else if (o == WS_PHY_HARQ_DROP) {
        u->st.harq_drops++;
        cl->st.harq_drops++;
        u->tb[pid] = NULL;
        ws_rlc_tb_lost(u->rlc, tb);
      } else {
        u->retx_ready_slot[pid] = cn->slot + cn->cfg.harq_rtt_slots;
      }
    }
    if (due)
      report_cqi(cn, u, now);
  }
}

/* Uplink phase 1 for one cell: the buffers the cell knows (SRs served,
 * BSRs), the UL CQI estimate, scheduling, blocks with their BSRs, powers,
 * grants. */
static void
schedule_cell_ul(ws_cellnet *cn, uint32_t c, ws_time now)
{
  cn_cell *cl = &cn->cells[c];
  int32_t *grant = cn->ul_rb_ue + (size_t)c * cn->n_rb;
  for (uint32_t r = 0; r < cn->n_rb; r++)
    grant[r] = -1;
  cl->ul_res = NULL;
  if (cl->n_ue == 0)
    return;
  uint64_t probe_slots = (uint64_t)(cl->cqi_period_ns / cn->cfg.carrier.slot_ns);
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    cn_ue *u = &cn->ues[cl->ues[k]];
    u->ul_slot_pid = -1;
    /* The path loss of power control follows a moving UE (the medium
     * recomputes its gains as it moves). */
    u->pl_db = -ws_medium_gain_db(cn->m, u->index, u->cell);
    if (u->ul_cqi == 0 && cn->slot >= u->ul_cqi_slot + probe_slots) {
      u->ul_cqi = ul_probe_cqi(cn, u);
      u->ul_cqi_slot = cn->slot;
      u->ul_cqi_rb_dbm = ul_rb_dbm(cn, u, 1);
    }
    double bits = cn->cqi_bits[u->ul_cqi];
    double *rate = cl->ul_rate + (size_t)k * cn->n_rb;
    for (uint32_t r = 0; r < cn->n_rb; r++)
      rate[r] = bits;
    ws_sched_ue *s = &cl->ul_sue[k];
    s->retx_rbs = 0;
    s->retx_bits = 0;
    int pid = ws_phy_harq_next_retx(u->ul_harq);
    if (pid >= 0 && u->ul_retx_ready_slot[pid] <= cn->slot) {
      const ws_phy_harq_process *p = ws_phy_harq_process_get(u->ul_harq, (unsigned)pid);
      s->retx_rbs = p->n_rb;
      s->retx_bits = p->tbs_bits;
    }
    if (u->sr_pending && cn->slot >= u->sr_learn_slot) {
      u->sr_pending = false;
      u->st.ul.srs++;
      bsr_receive(u, bsr_now(u), u->ul_granted, ++u->report_seq);
    }
    uint64_t known = ul_known(u);
    /* Data the cell believes absent, no SR pending and no block whose BSR
     * could still arrive (a report lost with its block, the buffer
     * underestimated): a regular BSR again (as retxBSR-Timer would). */
    if (known == 0 && !u->sr_pending && ws_rlc_demand_bytes(u->ul_rlc) > 0 &&
        !ul_blocks_in_flight(u))
      sr_trigger(cn, u);
    s->buffer_bytes = ws_phy_harq_idle(u->ul_harq) >= 0 ? known : 0;
  }
  ws_sched_input in = {.n_ue = cl->n_ue, .ue = cl->ul_sue, .rate_bits = cl->ul_rate};
  const ws_sched_result *res = ws_scheduler_run(cl->ul_sched, &in);
  cl->ul_res = res;
  cl->st.ul_rbs_used += res->used_rbs;
  for (uint32_t r = 0; r < cn->n_rb; r++)
    if (res->rb_ue[r] != WS_SCHED_NONE)
      grant[r] = (int32_t)cl->ues[res->rb_ue[r]];
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    uint32_t n = res->ue_rbs[k];
    if (n == 0)
      continue;
    cn_ue *u = &cn->ues[cl->ues[k]];
    u->st.ul.rbs += n;
    int pid;
    if (res->ue_retx[k]) {
      pid = ws_phy_harq_next_retx(u->ul_harq);
      g_assert(pid >= 0);
      ws_phy_harq_retransmit(u->ul_harq, (unsigned)pid);
      u->ul_slot_retx = true;
      u->st.ul.retx++;
    } else {
      int mcs = ws_phy_cqi_to_mcs(ul_grant_cqi(cn, u, n));
      pid = ws_phy_harq_idle(u->ul_harq);
      g_assert(mcs >= 0 && pid >= 0);
      uint32_t tbs = ws_phy_tbs((unsigned)mcs, n);
      ws_phy_harq_start(u->ul_harq, (unsigned)pid, (unsigned)mcs, n, tbs);
      u->ul_tb[pid] = ws_rlc_pull(u->ul_rlc, tbs);
      u->ul_slot_retx = false;
      u->st.ul.first_tx++;
      /* The block carries a BSR of the buffer left after it; it stands for
       * a pending SR not yet sent (TS 36.321 5.4.4: cancelled). */
      u->ul_granted += tbs / 8;
      u->tb_bsr_bytes[pid] = bsr_now(u);
      u->tb_bsr_granted[pid] = u->ul_granted;
      u->tb_bsr_seq[pid] = ++u->report_seq;
      if (u->sr_pending && u->sr_slot > cn->slot)
        u->sr_pending = false;
      if (u->access_waiting) {
        u->access_waiting = false;
        u->st.ul.access_delays++;
        u->st.ul.access_delay_ns_sum += now - u->access_arrival_ns;
      }
    }
    u->ul_slot_pid = pid;
    ws_powerctl_config pc = cl->pc;
    pc.pmax_dbm = u->pmax_dbm;
    cn->ul_power[u->index] = ws_powerctl_pusch_dbm(&pc, n, u->pl_db);
  }
}

/* Uplink phase 2 for one cell (after ws_medium_ul_sinr): block errors,
 * HARQ and RLC feedback, the UL CQI estimate from this transmission. */
static void
receive_cell_ul(ws_cellnet *cn, uint32_t c)
{
  cn_cell *cl = &cn->cells[c];
  const ws_sched_result *res = cl->ul_res;
  const double *sinr = cn->ul_sinr + (size_t)c * cn->n_rb;
  for (uint32_t k = 0; k < cl->n_ue; k++) {
    cn_ue *u = &cn->ues[cl->ues[k]];
    if (u->ul_slot_pid < 0)
      continue;
    unsigned pid = (unsigned)u->ul_slot_pid;
    uint32_t n = 0;
    for (uint32_t r = 0; r < cn->n_rb; r++)
      if (res->rb_ue[r] == (int32_t)k)
        cn->alloc_sinr[n++] = sinr[r];
    g_assert(n == ws_phy_harq_process_get(u->ul_harq, pid)->n_rb);
    u->st.ul.sinr_n++;
    u->st.ul.sinr_db_sum += ws_medium_mean_sinr_db(cn->alloc_sinr, n);
    u->ul_cqi = (uint8_t)ws_phy_cqi_from_sinr(cn->alloc_sinr, n);
    u->ul_cqi_slot = cn->slot;
    u->ul_cqi_rb_dbm = ul_rb_dbm(cn, u, n);
    double uni = ws_rng_uniform(&u->ul_rng);
    ws_phy_harq_outcome o = ws_phy_harq_receive(u->ul_harq, pid, cn->alloc_sinr, n, uni, NULL);
    if (!u->ul_slot_retx && o != WS_PHY_HARQ_ACK)
      u->st.ul.first_tx_errors++;
    if (!u->ul_slot_retx && !cn->cfg.no_olla)
      u->ul_olla_db = olla_update(u->ul_olla_db, o != WS_PHY_HARQ_ACK);
    ws_rlc_tb *tb = u->ul_tb[pid];
    if (o == WS_PHY_HARQ_ACK) {
      uint32_t bits = ws_phy_harq_process_get(u->ul_harq, pid)->tbs_bits;
      u->st.ul.decoded_tbs++;
      u->st.ul.decoded_bits += bits;
      cl->st.ul_decoded_bits += bits;
      u->st.ul.data_bits += (uint64_t)ws_rlc_tb_data_bytes(tb) * 8;
      u->ul_tb[pid] = NULL;
      bsr_receive(u, u->tb_bsr_bytes[pid], u->tb_bsr_granted[pid], u->tb_bsr_seq[pid]);
      ws_rlc_tb_received(u->ul_rlc, tb);
    } else if (o == WS_PHY_HARQ_DROP) {
      u->st.ul.harq_drops++;
      u->ul_tb[pid] = NULL;
      ws_rlc_tb_lost(u->ul_rlc, tb);
    } else {
      u->ul_retx_ready_slot[pid] = cn->slot + cn->cfg.harq_rtt_slots;
    }
  }
}

static void
slot_event(ws_sim *sim, void *ctx)
{
  ws_cellnet *cn = ctx;
  ws_time now = ws_sim_now(sim);
  cn->ev_pending = false;
  cn->in_slot = true;
  for (uint32_t c = 0; c < cn->n_cells; c++)
    schedule_cell(cn, c, now);
  for (uint32_t c = 0; c < cn->n_cells; c++)
    receive_cell(cn, c, now);
  if (cn->cfg.uplink) {
    for (uint32_t c = 0; c < cn->n_cells; c++)
      schedule_cell_ul(cn, c, now);
    cn->ul_next_slot = cn->slot + 1; /* data arriving from now waits a slot */
    ws_medium_ul_sinr(cn->m, now, cn->ul_rb_ue, cn->ul_power, cn->ul_sinr);
    for (uint32_t c = 0; c < cn->n_cells; c++)
      receive_cell_ul(cn, c);
  }
  cn->in_slot = false;
  cn->slot++;
  cn->ul_next_slot = cn->slot;
  cn->next_ev = ws_sim_schedule(sim, cn->cfg.carrier.slot_ns, slot_event, cn);
  cn->ev_pending = true;
}

/* ---- packets and counters ----------------------------------------------- */

/* Enqueues a DL packet; see cell.h. */
bool
ws_cellnet_dl_enqueue(ws_cellnet *cn, uint32_t ue, ws_packet *p)
{
  g_return_val_if_fail(cn && ue < cn->n_ues && p, false);
  cn_ue *u = &cn->ues[ue];
  if (!u->rlc)
    u->rlc = make_rlc(cn, u);
  g_return_val_if_fail(!u->full_buffer, false);
  u->st.enqueued_packets++;
  if (u->cell == WS_CELLNET_NO_CELL) {
    u->st.buffer_drops++;
    give_up(cn, ue, true, p, WS_CELLNET_DROP_BUFFER);
    return false;
  }
  return ws_rlc_enqueue(u->rlc, p);
}

/* Enqueues an UL packet; see cell.h. */
bool
ws_cellnet_ul_enqueue(ws_cellnet *cn, uint32_t ue, ws_packet *p)
{
  g_return_val_if_fail(cn && cn->cfg.uplink && ue < cn->n_ues && p, false);
  cn_ue *u = &cn->ues[ue];
  if (!u->ul_rlc)
    u->ul_rlc = make_ul_rlc(cn, u);
  g_return_val_if_fail(!u->ul_full_buffer, false);
  u->st.ul.enqueued_packets++;
  if (u->cell == WS_CELLNET_NO_CELL) {
    u->st.ul.buffer_drops++;
    give_up(cn, ue, false, p, WS_CELLNET_DROP_BUFFER);
    return false;
  }
  bool was_empty = ws_rlc_demand_bytes(u->ul_rlc) == 0;
  if (!ws_rlc_enqueue(u->ul_rlc, p))
    return false;
  /* A regular BSR (TS 36.321 5.4.5): data in an empty buffer, or while the
   * cell believes it empty; it needs an SR unless a grant comes first. */
  if (was_empty && !u->access_waiting) {
    u->access_waiting = true;
    u->access_arrival_ns = ws_sim_now(cn->sim);
  }
  if (was_empty || ul_known(u) == 0)
    sr_trigger(cn, u);
  return true;
}

/* Counters; see cell.h. */
const ws_cellnet_ue_stats *
ws_cellnet_ue_get_stats(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, NULL);
  return &cn->ues[ue].st;
}

const ws_cellnet_cell_stats *
ws_cellnet_cell_get_stats(const ws_cellnet *cn, uint32_t cell)
{
  g_return_val_if_fail(cn && cell < cn->n_cells, NULL);
  return &cn->cells[cell].st;
}

/* Packets waiting or in flight; see cell.h. */
uint64_t
ws_cellnet_ue_pending_packets(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, 0);
  const ws_rlc *r = cn->ues[ue].rlc;
  if (!r || cn->ues[ue].full_buffer)
    return 0;
  /* Accepted and neither delivered nor dropped (a packet partly sent is
   * both waiting and in flight, so the RLC's two counts overlap). */
  const ws_rlc_stats *s = ws_rlc_get_stats(r);
  uint64_t pend =
      s->enqueued_packets - s->delivered_packets - s->reassembly_drops - s->flushed_packets;
  return pend;
}

/* Measured time: slots since the last reset (every cell counts every
 * slot, on or off, so the cells' count is the engine's). */
static double
elapsed_s(const ws_cellnet *cn)
{
  return (double)(cn->slot - cn->slot0) * (double)cn->cfg.carrier.slot_ns * 1e-9;
}

/* Derived figures; see cell.h. */
double
ws_cellnet_ue_mean_sinr_db(const ws_cellnet *cn, uint32_t ue)
{
  const ws_cellnet_ue_stats *s = &cn->ues[ue].st;
  return s->cqi_reports ? s->sinr_db_sum / (double)s->cqi_reports : NAN;
}

double
ws_cellnet_ue_mean_cqi(const ws_cellnet *cn, uint32_t ue)
{
  const ws_cellnet_ue_stats *s = &cn->ues[ue].st;
  return s->cqi_reports ? (double)s->cqi_sum / (double)s->cqi_reports : NAN;
}

double
ws_cellnet_ue_dl_throughput_bps(const ws_cellnet *cn, uint32_t ue)
{
  double t = elapsed_s(cn);
  return t > 0 ? (double)cn->ues[ue].st.data_bits / t : NAN;
}

double
ws_cellnet_ue_bler(const ws_cellnet *cn, uint32_t ue)
{
  const ws_cellnet_ue_stats *s = &cn->ues[ue].st;
  return s->first_tx ? (double)s->first_tx_errors / (double)s->first_tx : NAN;
}

double
ws_cellnet_ue_ul_throughput_bps(const ws_cellnet *cn, uint32_t ue)
{
  double t = elapsed_s(cn);
  return t > 0 ? (double)cn->ues[ue].st.ul.data_bits / t : NAN;
}

double
ws_cellnet_ue_ul_bler(const ws_cellnet *cn, uint32_t ue)
{
  const ws_cellnet_ul_stats *s = &cn->ues[ue].st.ul;
  return s->first_tx ? (double)s->first_tx_errors / (double)s->first_tx : NAN;
}

/* The UL buffer the cell knows; see cell.h. */
uint64_t
ws_cellnet_ue_ul_known_bytes(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, 0);
  const cn_ue *u = &cn->ues[ue];
  return u->cell == WS_CELLNET_NO_CELL ? 0 : ul_known(u);
}

/* Mean UL access delay; see cell.h. */
double
ws_cellnet_ue_ul_access_delay_s(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, NAN);
  const ws_cellnet_ul_stats *s = &cn->ues[ue].st.ul;
  return s->access_delays ? (double)s->access_delay_ns_sum * 1e-9 / (double)s->access_delays : NAN;
}

double
ws_cellnet_cell_rb_utilisation(const ws_cellnet *cn, uint32_t cell)
{
  const ws_cellnet_cell_stats *s = &cn->cells[cell].st;
  return s->rbs_available ? (double)s->rbs_used / (double)s->rbs_available : NAN;
}

double
ws_cellnet_cell_throughput_bps(const ws_cellnet *cn, uint32_t cell)
{
  double t = elapsed_s(cn);
  return t > 0 ? (double)cn->cells[cell].st.decoded_bits / t : NAN;
}

double
ws_cellnet_cell_ul_rb_utilisation(const ws_cellnet *cn, uint32_t cell)
{
  const ws_cellnet_cell_stats *s = &cn->cells[cell].st;
  return s->rbs_available ? (double)s->ul_rbs_used / (double)s->rbs_available : NAN;
}

double
ws_cellnet_cell_ul_throughput_bps(const ws_cellnet *cn, uint32_t cell)
{
  double t = elapsed_s(cn);
  return t > 0 ? (double)cn->cells[cell].st.ul_decoded_bits / t : NAN;
}

double
ws_cellnet_cell_on_fraction(const ws_cellnet *cn, uint32_t cell)
{
  /* A cell has RBs available exactly in the slots it is on. */
  const ws_cellnet_cell_stats *s = &cn->cells[cell].st;
  return s->slots ? (double)s->rbs_available / ((double)s->slots * cn->n_rb) : NAN;
}

double
ws_cellnet_cell_bler(const ws_cellnet *cn, uint32_t cell)
{
  const ws_cellnet_cell_stats *s = &cn->cells[cell].st;
  return s->first_tx ? (double)s->first_tx_errors / (double)s->first_tx : NAN;
}

double
ws_cellnet_cell_spectral_efficiency(const ws_cellnet *cn, uint32_t cell)
{
  return ws_cellnet_cell_throughput_bps(cn, cell) / cn->cfg.carrier.bandwidth_hz;
}

/* ---- the dynamic API (scenario wiring, mobility) ------------------------ */

/* Sets the drop callback; see cell.h. Its ctx is cfg.ctx. */
void
ws_cellnet_set_drop_fn(ws_cellnet *cn, ws_cellnet_drop_fn fn)
{
  g_return_if_fail(cn && !cn->started);
  cn->drop_fn = fn;
}

/* Per-cell settings; see cell.h. */
bool
ws_cellnet_set_cell_params(ws_cellnet *cn, uint32_t cell, const ws_cellnet_cell_params *p)
{
  g_return_val_if_fail(cn && !cn->started && cell < cn->n_cells && p, false);
  g_return_val_if_fail(!p->scheduler || ws_scheduler_known(p->scheduler), false);
  cn_cell *cl = &cn->cells[cell];
  if (p->scheduler)
    cl->sched_name = registry_name(p->scheduler);
  if (p->pf_window_ns > 0)
    cl->pf_window_ns = p->pf_window_ns;
  if (p->cqi_period_ns > 0)
    cl->cqi_period_ns = p->cqi_period_ns;
  if (p->cqi_no_delay)
    cl->cqi_delay_ns = 0;
  else if (p->cqi_delay_ns > 0)
    cl->cqi_delay_ns = p->cqi_delay_ns;
  if (p->set_pc) {
    cl->pc.p0_dbm = p->pc_p0_dbm;
    cl->pc.alpha = p->pc_alpha;
  }
  return true;
}

/* A UE's Pmax; see cell.h. */
bool
ws_cellnet_set_ue_pmax(ws_cellnet *cn, uint32_t ue, double pmax_dbm)
{
  g_return_val_if_fail(cn && !cn->started && ue < cn->n_ues && isfinite(pmax_dbm), false);
  cn->ues[ue].pmax_dbm = pmax_dbm;
  return true;
}

/* The cell that is on with the strongest RSRP at ue (ties: the lowest
 * index), or -1 when every cell is off. */
static int32_t
strongest_on(const ws_cellnet *cn, uint32_t ue)
{
  int32_t best = -1;
  double best_dbm = -INFINITY;
  for (uint32_t c = 0; c < cn->n_cells; c++) {
    if (!cn->cell_on[c])
      continue;
    double p = ws_medium_rsrp_dbm(cn->m, ue, c);
    if (best < 0 || p > best_dbm) { /* ties: the lowest index */
      best_dbm = p;
      best = (int32_t)c;
    }
  }
  return best;
}

/* The best cell that is on; see cell.h. */
int32_t
ws_cellnet_best_cell(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, -1);
  int32_t best = strongest_on(cn, ue);
  /* The best cell by RSRP has the best geometry SINR (the total received
   * power is the same for every choice), so checking it suffices. */
  if (best >= 0 &&
      ws_medium_wideband_sinr_db(cn->m, ue, (uint32_t)best, cn->cell_on) < ws_phy_cqi_threshold_db(1))
    return -1;
  return best;
}

/* Switches a cell off or on; see cell.h. */
void
ws_cellnet_set_cell_on(ws_cellnet *cn, uint32_t cell, bool on)
{
  g_return_if_fail(cn && cell < cn->n_cells && !cn->in_slot);
  cn_cell *cl = &cn->cells[cell];
  if (cn->cell_on[cell] == on)
    return;
  cn->cell_on[cell] = on;
  cn->n_off += on ? -1u : 1u;
  uint64_t *mask = cn->on_mask + (size_t)cell * cn->words;
  memset(mask, 0, cn->words * sizeof *mask);
  if (on) {
    for (uint32_t r = 0; r < cn->n_rb; r++)
      mask[r / 64] |= UINT64_C(1) << (r % 64);
    return;
  }
  if (cn->started) {
    while (cl->n_ue > 0) /* from the end: no UE changes index */
      ws_cellnet_move_ue(cn, cl->ues[cl->n_ue - 1], -1, false);
  } else {
    for (uint32_t i = 0; i < cn->n_ues; i++)
      if (cn->ues[i].cell == cell)
        ws_cellnet_move_ue(cn, i, -1, false);
  }
}

/* Whether a cell is on; see cell.h. */
const bool *
ws_cellnet_cells_on(const ws_cellnet *cn)
{
  g_return_val_if_fail(cn, NULL);
  return cn->cell_on;
}

bool
ws_cellnet_cell_is_on(const ws_cellnet *cn, uint32_t cell)
{
  g_return_val_if_fail(cn && cell < cn->n_cells, false);
  return cn->cell_on[cell];
}

/* Moves or detaches a UE; see cell.h. Not from inside the engine's own
 * callbacks (deliver, drop), which run in the middle of a slot. */
bool
ws_cellnet_move_ue(ws_cellnet *cn, uint32_t ue, int32_t cell, bool keep_buffers)
{
  g_return_val_if_fail(cn && ue < cn->n_ues && !cn->in_slot, false);
  g_return_val_if_fail(cell < 0 || (uint32_t)cell < cn->n_cells, false);
  if (cell >= 0 && !cn->cell_on[cell])
    return false;
  cn_ue *u = &cn->ues[ue];
  ue_reset_link(cn, u, keep_buffers);
  if (u->ul_rlc && ws_rlc_demand_bytes(u->ul_rlc) == 0)
    u->access_waiting = false; /* flushed: nothing waits for access */
  if (!cn->started) {
    u->cell = cell < 0 ? WS_CELLNET_NO_CELL : (uint32_t)cell;
    u->st.cell = u->cell;
    return true;
  }
  if (u->cell != WS_CELLNET_NO_CELL)
    ue_leave(cn, u);
  if (cell >= 0)
    ue_join(cn, u, (uint32_t)cell, ws_sim_now(cn->sim));
  return true;
}

/* The serving cell; see cell.h. */
int32_t
ws_cellnet_ue_cell(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, -1);
  uint32_t c = cn->ues[ue].cell;
  return c == WS_CELLNET_NO_CELL ? -1 : (int32_t)c;
}

/* Restarts the counters; see cell.h. */
void
ws_cellnet_reset_stats(ws_cellnet *cn)
{
  g_return_if_fail(cn);
  for (uint32_t i = 0; i < cn->n_ues; i++) {
    ws_cellnet_ue_stats *s = &cn->ues[i].st;
    *s = (ws_cellnet_ue_stats){.cell = s->cell, .out_of_coverage = s->out_of_coverage};
  }
  for (uint32_t c = 0; c < cn->n_cells; c++) {
    ws_cellnet_cell_stats *s = &cn->cells[c].st;
    *s = (ws_cellnet_cell_stats){.ues = s->ues, .out_of_coverage = s->out_of_coverage};
  }
  cn->slot0 = cn->slot;
}

/* The last measured wideband SINR; see cell.h. */
double
ws_cellnet_ue_last_sinr_db(const ws_cellnet *cn, uint32_t ue)
{
  g_return_val_if_fail(cn && ue < cn->n_ues, NAN);
  return cn->ues[ue].cell == WS_CELLNET_NO_CELL ? NAN : cn->ues[ue].last_sinr_db;
}

/* Slots run since start; see cell.h. */
uint64_t
ws_cellnet_slots(const ws_cellnet *cn)
{
  g_return_val_if_fail(cn, 0);
  return cn->slot;
}
