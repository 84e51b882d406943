/* wisim cell engine (sim/cell/cell.c): the cells of one simulation over one
 * ws_medium, run slot by slot. Per slot every cell collects the CQI in force
 * for its UEs, schedules, forms transport blocks from the RLC buffers; then
 * the SINRs of this slot's allocations are computed, block errors drawn,
 * HARQ fed back and CQI reports measured. Uplink alike (cfg.uplink), on
 * the buffer the cell learns from scheduling requests and BSRs.
 * Model and simplifications: docs/cells.md, "The cell engine". */
#ifndef WISIM_CELL_H
#define WISIM_CELL_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/medium.h"
#include "wisim/packet.h"
#include "wisim/phy.h"

/* Default HARQ round trip in slots: a NACKed block may be retransmitted
 * this many slots after the slot it was sent in (LTE FDD: 8 ms RTT over 8
 * processes; with feedback known at the end of the slot, 4 slots keeps a
 * retransmission at roughly the LTE pace without modelling the exact k1). */
#define WS_CELLNET_HARQ_RTT_SLOTS_DEFAULT 4u

/* Outer-loop link adaptation (docs/cells.md, "Link adaptation"): the step
 * up of the offset on a first-transmission error, dB (the step down on a
 * success is a ninth of it: a 10% BLER target), and its bounds: never
 * below 0 (never above what the report vouches for, whose thresholds are
 * already the 10% BLER points). */
#define WS_CELLNET_OLLA_UP_DB 0.5
#define WS_CELLNET_OLLA_MIN_DB 0.0
#define WS_CELLNET_OLLA_MAX_DB 20.0

/* Default scheduling-request timing (TS 36.321 5.4.4; docs/cells.md, "Buffer
 * status reporting"): a UE may send an SR every 5 slots (its offset = its
 * index mod the period), and the cell learns its buffer and grants it 4
 * slots after the SR (LTE FDD's k = 4, TS 36.213 section 8). */
#define WS_CELLNET_SR_PERIOD_SLOTS_DEFAULT 5u
#define WS_CELLNET_GRANT_DELAY_SLOTS_DEFAULT 4u

/* Buffer status report levels (TS 36.321 Table 6.1.3.1-1): 64 indices, 0 =
 * empty, 63 = more than 150000 bytes. */
#define WS_CELLNET_BSR_LEVELS 64u

/* A reassembled IP packet for UE ue arrives at the UE; takes ownership. */
typedef void (*ws_cellnet_deliver_fn)(void *ctx, uint32_t ue, ws_packet *p);

/* How to build the engine. Zero fields take the defaults in brackets. */
typedef struct {
  ws_phy_carrier carrier;      /* of every cell of the medium (required:
                                  n_rb must equal ws_medium_n_rb) */
  const char *scheduler;       /* "rr", "pf", "maxci" [pf] */
  uint32_t rbg_size;           /* RBs per group [1] */
  ws_time pf_window_ns;        /* [100 ms] */
  ws_time cqi_period_ns;       /* [5 ms] */
  ws_time cqi_delay_ns;        /* [4 ms]; set cqi_no_delay for 0 */
  bool cqi_no_delay;           /* use reports measured in the same slot's
                                  previous slots only (delay 0) */
  unsigned harq_rtt_slots;     /* [WS_CELLNET_HARQ_RTT_SLOTS_DEFAULT] */
  bool no_olla;                /* turn outer-loop link adaptation off (the
                                  MCS is then the reports' alone) */
  uint64_t rlc_limit_bytes;    /* per UE DL buffer [0 = unlimited] */
  uint32_t rlc_header_bytes;   /* [WS_RLC_DEFAULT_HEADER_BYTES] */
  uint64_t seed, run;          /* of the UEs' named streams */
  ws_packet_pool *pool;        /* for dropped packets; required unless every
                                  UE is in full-buffer mode */
  ws_cellnet_deliver_fn deliver; /* NULL: delivered packets are freed */
  void *ctx;
  /* Uplink (off unless `uplink`; then the three power figures are used as
   * given, no defaults: pc_p0 -90 dBm, pc_alpha 0.8, tx_power 23 dBm). */
  bool uplink;
  double pc_p0_dbm, pc_alpha, ue_pmax_dbm;
  ws_cellnet_deliver_fn ul_deliver; /* packets reassembled at the cell */
  /* Buffer status reporting (uplink): SR period and SR-to-grant delay, in
   * slots [WS_CELLNET_SR_PERIOD_SLOTS_DEFAULT, _GRANT_DELAY_SLOTS_DEFAULT]. */
  unsigned sr_period_slots, grant_delay_slots;
} ws_cellnet_config;

/* Uplink counters of one UE (with cfg.uplink). */
typedef struct {
  uint64_t first_tx, first_tx_errors, retx, harq_drops;
  uint64_t decoded_tbs, decoded_bits, data_bits, rbs;
  uint64_t sinr_n;           /* transmissions measured */
  double sinr_db_sum;        /* their mean SINR over the allocated RBs, dB */
  uint64_t enqueued_packets, delivered_packets, buffer_drops, reassembly_drops;
  uint64_t detach_drops;     /* WS_CELLNET_DROP_DETACH */
  uint64_t bsrs;             /* buffer status reports the cell received (one
                                per decoded block, one per SR served) */
  uint64_t srs;              /* scheduling requests served (buffer learned) */
  uint64_t access_delays;    /* packets that arrived in an empty UL buffer
                                and have had their first grant since */
  ws_time access_delay_ns_sum; /* their time from arrival to that grant */
} ws_cellnet_ul_stats;

/* The serving cell of a detached UE in ws_cellnet_ue_stats.cell. */
#define WS_CELLNET_NO_CELL UINT32_MAX

/* Counters of one UE (downlink) from ws_cellnet_start. */
typedef struct {
  uint32_t cell;             /* serving cell; WS_CELLNET_NO_CELL while detached */
  bool out_of_coverage;      /* wideband SINR towards every cell that is on
                                below the CQI 1 threshold at its last
                                attachment (start or move; kept while
                                detached) */
  uint64_t cqi_reports;      /* CQI measurements */
  uint64_t cqi_zero_reports; /* of which wideband CQI 0 */
  double sinr_db_sum;        /* sum of the measured wideband SINRs, dB
                                (10 log10 of the mean linear SINR over RBs) */
  uint64_t cqi_sum;          /* sum of the measured wideband CQIs */
  uint64_t first_tx, first_tx_errors; /* new transport blocks, in error */
  uint64_t retx;             /* HARQ retransmissions sent */
  uint64_t harq_drops;       /* blocks given up after 1 + 3 transmissions */
  uint64_t decoded_tbs, decoded_bits; /* transport blocks ACKed, their bits */
  uint64_t data_bits;        /* SDU (IP) data bits in the ACKed blocks */
  uint64_t rbs;              /* RBs allocated (first + re-transmissions) */
  uint64_t enqueued_packets, delivered_packets;
  uint64_t buffer_drops, reassembly_drops; /* packets dropped by RLC */
  uint64_t detach_drops;     /* dropped by a move or detach
                                (WS_CELLNET_DROP_DETACH) */
  ws_cellnet_ul_stats ul;    /* uplink */
} ws_cellnet_ue_stats;

/* Counters of one cell from ws_cellnet_start. */
typedef struct {
  uint32_t ues;              /* attached UEs */
  uint32_t out_of_coverage;  /* of which out of coverage */
  uint64_t slots;            /* slots run */
  uint64_t rbs_used, rbs_available;
  uint64_t decoded_bits;     /* bits of ACKed transport blocks */
  uint64_t first_tx, first_tx_errors, retx, harq_drops;
  uint64_t ul_rbs_used, ul_decoded_bits; /* uplink */
} ws_cellnet_cell_stats;

typedef struct ws_cellnet ws_cellnet;

/* A new engine over medium m (already built with ws_medium_build; both
 * borrowed and must outlive it). Every UE of m is attached to its strongest
 * cell (RSRP) in packet mode; change with ws_cellnet_attach and
 * ws_cellnet_set_full_buffer before ws_cellnet_start. NULL (critical
 * warning) on a bad config (unknown scheduler). */
ws_cellnet *ws_cellnet_new(ws_sim *sim, ws_medium *m, const ws_cellnet_config *cfg);
/* Frees the engine and every packet it holds (to cfg->pool). */
void ws_cellnet_free(ws_cellnet *cn);

/* Attaches ue to cell (-1: the strongest by RSRP). Before start only. */
bool ws_cellnet_attach(ws_cellnet *cn, uint32_t ue, int32_t cell);
/* Puts ue's downlink in full-buffer mode (always backlogged). Before start. */
bool ws_cellnet_set_full_buffer(ws_cellnet *cn, uint32_t ue, bool full_buffer);

/* Puts ue's uplink in full-buffer mode. Before start; needs cfg.uplink. */
bool ws_cellnet_set_ul_full_buffer(ws_cellnet *cn, uint32_t ue, bool full_buffer);

/* Builds the cells' UE lists and schedulers, measures an initial CQI for
 * every UE (used until the first report is in force) and schedules the
 * first slot at time at_ns (>= now). */
void ws_cellnet_start(ws_cellnet *cn, ws_time at_ns);
/* Stops scheduling slots (the pending slot event is cancelled). */
void ws_cellnet_stop(ws_cellnet *cn);

/* An IP packet for ue arrives at its serving cell (takes ownership).
 * Returns false when the buffer refused it (counted as a buffer drop and
 * freed to the pool). Refused (critical warning) in full-buffer mode. */
bool ws_cellnet_dl_enqueue(ws_cellnet *cn, uint32_t ue, ws_packet *p);

/* An IP packet from ue towards the network enters its UL buffer (takes
 * ownership); false when refused (buffer drop). Needs cfg.uplink. */
bool ws_cellnet_ul_enqueue(ws_cellnet *cn, uint32_t ue, ws_packet *p);

/* ---- contract for the scenario wiring (issue 4) and mobility (issue 5) ---- */

/* A packet the engine gives up on (buffer full, reassembly failure, a
 * detached UE's buffer flushed): with cfg.drop set, handed to it instead of
 * being freed (takes ownership), so the network's drop tap sees it. dl says
 * which direction's buffer held it. */
typedef enum {
  WS_CELLNET_DROP_BUFFER,     /* the RLC buffer was full */
  WS_CELLNET_DROP_RADIO,      /* a segment was lost (HARQ gave up): reassembly failed */
  WS_CELLNET_DROP_DETACH,     /* flushed when its UE left the cell (outage,
                                 handover without forwarding) */
} ws_cellnet_drop_reason;
typedef void (*ws_cellnet_drop_fn)(void *ctx, uint32_t ue, bool dl, ws_packet *p,
                                   ws_cellnet_drop_reason why);
/* Sets the drop callback (before start); NULL: dropped packets are freed. */
void ws_cellnet_set_drop_fn(ws_cellnet *cn, ws_cellnet_drop_fn fn);

/* Per-cell settings (the [cell] keys); any cell not set uses the engine's
 * cfg. Zero fields take cfg's value. Before start. */
typedef struct {
  const char *scheduler;   /* "rr", "pf", "maxci" (must be known) */
  ws_time pf_window_ns;
  ws_time cqi_period_ns;
  ws_time cqi_delay_ns;    /* with cqi_no_delay for 0 */
  bool cqi_no_delay;
  bool set_pc;             /* pc_p0_dbm / pc_alpha below are meant (0 is legal) */
  double pc_p0_dbm, pc_alpha;
} ws_cellnet_cell_params;
bool ws_cellnet_set_cell_params(ws_cellnet *cn, uint32_t cell, const ws_cellnet_cell_params *p);
/* A UE's maximum transmit power (its [ue] tx_power) for UL power control
 * [cfg.ue_pmax_dbm]. Before start. */
bool ws_cellnet_set_ue_pmax(ws_cellnet *cn, uint32_t ue, double pmax_dbm);

/* The cell with the strongest RSRP among the cells that are on, or -1 when
 * none is on or the UE is out of coverage of all of them (wideband SINR
 * from the best one, with the cells that are on interfering, below the
 * CQI 1 threshold). */
int32_t ws_cellnet_best_cell(const ws_cellnet *cn, uint32_t ue);

/* Takes a cell out of service (on = false) or back (true) at the current
 * time, while running. Off: it transmits nothing (no DL interference,
 * receives no UL), every UE attached to it is detached as by
 * ws_cellnet_move_ue(cn, ue, -1, false). Attached UEs are not moved back
 * when it returns (that is the caller's or a handover's business). */
void ws_cellnet_set_cell_on(ws_cellnet *cn, uint32_t cell, bool on);
bool ws_cellnet_cell_is_on(const ws_cellnet *cn, uint32_t cell);
/* The same for every cell at once: [n_cells], owned by the engine, valid
 * until the next switch (for ws_medium_wideband_sinr_db and _rsrq_db). */
const bool *ws_cellnet_cells_on(const ws_cellnet *cn);

/* Moves ue to cell (>= 0, a cell that is on) or detaches it (cell = -1:
 * out of service, scheduled nowhere, its packets refused and counted as
 * buffer drops) at the current time, before or while running. HARQ
 * processes in flight are abandoned (their segments lost); the DL and UL
 * SDU buffers follow the UE when keep_buffers (X2-style forwarding), else
 * are flushed (WS_CELLNET_DROP_DETACH). The new cell measures a fresh CQI
 * at once (used until the first report in the new cell is in force), the
 * UE's CQI timing follows the new cell's cqi_period/cqi_delay, and its
 * proportional-fair average starts from 0. Returns false on a bad index
 * or a cell that is off. */
bool ws_cellnet_move_ue(ws_cellnet *cn, uint32_t ue, int32_t cell, bool keep_buffers);
/* The UE's serving cell, or -1 while detached. */
int32_t ws_cellnet_ue_cell(const ws_cellnet *cn, uint32_t ue);

/* Restarts every counter of ws_cellnet_ue_stats and ws_cellnet_cell_stats
 * at the current time (end of warmup), keeping the attachment fields (cell,
 * out_of_coverage, ues). Time-based figures count slots from here. */
void ws_cellnet_reset_stats(ws_cellnet *cn);

/* Wideband SINR (dB) of ue's last CQI measurement, NAN before the first
 * or while detached; and the engine's slot count (for interval figures). */
double ws_cellnet_ue_last_sinr_db(const ws_cellnet *cn, uint32_t ue);
uint64_t ws_cellnet_slots(const ws_cellnet *cn);

/* Counters. */
const ws_cellnet_ue_stats *ws_cellnet_ue_get_stats(const ws_cellnet *cn, uint32_t ue);
const ws_cellnet_cell_stats *ws_cellnet_cell_get_stats(const ws_cellnet *cn, uint32_t cell);
/* Packets of ue waiting or in flight in its DL RLC (for accounting). */
uint64_t ws_cellnet_ue_pending_packets(const ws_cellnet *cn, uint32_t ue);

/* Buffer status reporting (TS 36.321 6.1.3.1, Table 6.1.3.1-1): the index
 * of a buffer of `bytes` (0: empty; the smallest level whose upper bound
 * holds it; 63 above 150000 B), and the size the cell takes for an index
 * (the level's upper bound; 150000 for 63). */
unsigned ws_cellnet_bsr_index(uint64_t bytes);
uint64_t ws_cellnet_bsr_level_bytes(unsigned index);
/* The UL buffer the cell believes ue has (what it schedules new data on):
 * its last report minus the bytes granted since; 0 while detached. */
uint64_t ws_cellnet_ue_ul_known_bytes(const ws_cellnet *cn, uint32_t ue);
/* Mean UL access delay (arrival of a packet in an empty buffer to its first
 * grant), seconds; NAN when there was none. */
double ws_cellnet_ue_ul_access_delay_s(const ws_cellnet *cn, uint32_t ue);

/* Derived figures (SCENARIO-FORMAT.md, "What the outputs mean"); NAN when
 * their denominator is 0. Time is the slots run times the slot duration. */
double ws_cellnet_ue_mean_sinr_db(const ws_cellnet *cn, uint32_t ue);
double ws_cellnet_ue_mean_cqi(const ws_cellnet *cn, uint32_t ue);
double ws_cellnet_ue_dl_throughput_bps(const ws_cellnet *cn, uint32_t ue); /* data bits */
double ws_cellnet_ue_bler(const ws_cellnet *cn, uint32_t ue);
double ws_cellnet_ue_ul_throughput_bps(const ws_cellnet *cn, uint32_t ue); /* data bits */
double ws_cellnet_ue_ul_bler(const ws_cellnet *cn, uint32_t ue);
double ws_cellnet_cell_rb_utilisation(const ws_cellnet *cn, uint32_t cell);
double ws_cellnet_cell_throughput_bps(const ws_cellnet *cn, uint32_t cell); /* decoded TB bits */
/* The uplink's: RBs granted / RBs available, decoded TB bits / time; and
 * the cell's DL first-transmission BLER. */
double ws_cellnet_cell_ul_rb_utilisation(const ws_cellnet *cn, uint32_t cell);
double ws_cellnet_cell_ul_throughput_bps(const ws_cellnet *cn, uint32_t cell);
double ws_cellnet_cell_bler(const ws_cellnet *cn, uint32_t cell);
/* The share of the slots since the last reset in which the cell was on. */
double ws_cellnet_cell_on_fraction(const ws_cellnet *cn, uint32_t cell);
/* decoded TB bits / (time x channel bandwidth), bit/s/Hz. */
double ws_cellnet_cell_spectral_efficiency(const ws_cellnet *cn, uint32_t cell);

#endif
