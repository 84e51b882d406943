/* wisim link abstraction (sim/cell/phy.c): NR numerologies and carrier sizes
 * (TS 38.101-1), CQI and MCS tables and transport block sizes (TS 38.214),
 * EESM effective SINR, SINR-to-BLER curves per MCS, and HARQ with chase
 * combining. Pure functions of their arguments, except the HARQ entity.
 * Models, sources and assumptions: docs/link-abstraction.md. */
#ifndef WISIM_PHY_H
#define WISIM_PHY_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"

/* Numerologies mu = 0..2 (TS 38.211 4.2: SCS 15*2^mu kHz, 14 symbols per
 * slot with the normal cyclic prefix, slot 1 ms / 2^mu). */
#define WS_PHY_MAX_NUMEROLOGY 2
#define WS_PHY_SYMBOLS_PER_SLOT 14
#define WS_PHY_SUBCARRIERS_PER_RB 12
/* The largest N_RB of TS 38.101-1 Table 5.3.2-1 (100 MHz at 30 kHz). */
#define WS_PHY_MAX_RB 273

/* The fixed TBS assumptions of issue 4 (docs/link-abstraction.md):
 * 12 data symbols (14 minus 2 control), one DMRS symbol = 12 REs per PRB,
 * xOverhead 0, one layer: N'_RE = 12 * 12 - 12 = 132 REs per PRB per slot. */
#define WS_PHY_DATA_SYMBOLS 12
#define WS_PHY_DMRS_RE_PER_PRB 12
#define WS_PHY_RE_PER_PRB 132

/* CQI indices 0..15 (0 = out of range), TS 38.214 Table 5.2.2.1-2;
 * MCS indices 0..28, TS 38.214 Table 5.1.3.1-1 (29..31 are reserved for
 * retransmissions and not modelled). */
#define WS_PHY_N_CQI 16
#define WS_PHY_N_MCS 29

/* Transport block error probability at a CQI threshold (TS 38.214 5.2.2.1
 * with cqi-Table = table1: 0.1). */
#define WS_PHY_BLER_TARGET 0.1
/* SNR gap of the practical code to Shannon at the 10% BLER point, in dB:
 * threshold(eff) = 10 log10(2^eff - 1) + WS_PHY_GAP_DB
 * (why 2 dB: docs/link-abstraction.md). */
#define WS_PHY_GAP_DB 2.0

/* HARQ: 8 processes, up to 3 retransmissions (4 transmissions) per
 * transport block, chase combining. */
#define WS_PHY_HARQ_PROCESSES 8
#define WS_PHY_HARQ_MAX_RETX 3

/* ---- carriers ---------------------------------------------------------- */

/* A carrier: numerology and size. Filled by ws_phy_carrier_init. */
typedef struct {
  unsigned numerology;          /* mu, 0..2 */
  double scs_hz;                /* subcarrier spacing, 15e3 * 2^mu */
  ws_time slot_ns;              /* 1 ms / 2^mu */
  unsigned symbols_per_slot;    /* 14 */
  double bandwidth_hz;          /* the channel bandwidth as configured */
  unsigned n_rb;                /* resource blocks (transmission bandwidth) */
  double rb_bandwidth_hz;       /* 12 * scs_hz */
  double occupied_bandwidth_hz; /* n_rb * 12 * scs_hz (noise bandwidth) */
  bool lte;                     /* n_rb from the LTE table (mu = 0 only) */
} ws_phy_carrier;

/* Resource blocks of a carrier of the given numerology and channel
 * bandwidth: at mu = 0 the LTE bandwidths 1.4, 3, 5, 10, 15, 20 MHz give
 * 6, 15, 25, 50, 75, 100 (TS 36.101 Table 5.6-1, on purpose: SCENARIO-FORMAT
 * [cell]); every other pair follows TS 38.101-1 Table 5.3.2-1. bandwidth_hz
 * must match a table entry within 1 Hz. Returns 0 for any other pair. */
unsigned ws_phy_n_rb(unsigned numerology, double bandwidth_hz);

/* Fills c for (numerology, bandwidth_hz). Returns false when the pair is
 * not in the tables and then, if why is not NULL, sets *why to a message
 * for the user that names the allowed values (caller frees with g_free;
 * the loader prefixes file:line). c is untouched on failure. */
bool ws_phy_carrier_init(ws_phy_carrier *c, unsigned numerology, double bandwidth_hz, char **why);

/* ---- CQI and MCS tables ------------------------------------------------ */

/* One row of a CQI or MCS table. */
typedef struct {
  unsigned qm;              /* modulation order: 2 QPSK, 4 16QAM, 6 64QAM */
  unsigned code_rate_x1024; /* target code rate R x 1024 */
  double efficiency;        /* spectral efficiency as printed in the table
                               (4 decimals); exact value: qm * R / 1024 */
} ws_phy_row;

/* Row of MCS index mcs (0..28) of TS 38.214 Table 5.1.3.1-1, or NULL. */
const ws_phy_row *ws_phy_mcs(unsigned mcs);
/* Row of CQI index cqi (1..15) of TS 38.214 Table 5.2.2.1-2, or NULL (0 is
 * "out of range" and has no row). */
const ws_phy_row *ws_phy_cqi(unsigned cqi);
/* The MCS used for a reported CQI (1..15): the highest MCS whose spectral
 * efficiency does not exceed the CQI's; CQI 1 (below MCS 0) gives MCS 0.
 * Returns -1 for CQI 0 (out of range: do not schedule). */
int ws_phy_cqi_to_mcs(unsigned cqi);
/* Exact spectral efficiency qm * R / 1024 of an MCS, in bit per RE. */
double ws_phy_mcs_efficiency(unsigned mcs);
/* Information bits one PRB carries in one slot at an MCS, N_RE * R * Qm
 * with N_RE = 132 (before TBS quantisation; for schedulers' metrics). */
double ws_phy_mcs_bits_per_rb(unsigned mcs);

/* ---- transport block size (TS 38.214 5.1.3.2) --------------------------- */

/* TBS in bits for n_prb PRBs at MCS mcs under the fixed assumptions above
 * (N_RE = 132 n_prb, one layer). 0 when n_prb is 0 or mcs > 28. */
uint32_t ws_phy_tbs(unsigned mcs, unsigned n_prb);
/* The 5.1.3.2 procedure itself for N_RE resource elements (already capped
 * at 156 per PRB), modulation order qm, code rate R x 1024 and one layer,
 * in exact integer arithmetic. 0 when n_re or the rate is 0. */
uint32_t ws_phy_tbs_re(unsigned qm, unsigned code_rate_x1024, uint32_t n_re);
/* Code block segmentation of a transport block (TS 38.212 7.2.2 base graph
 * selection, 7.2.1 TB CRC, 5.2.2 segmentation): returns the number of code
 * blocks C and, if k_bits is not NULL, the bits per code block B'/C. */
unsigned ws_phy_code_blocks(uint32_t tbs_bits, unsigned code_rate_x1024, uint32_t *k_bits);

/* ---- effective SINR, CQI, BLER ----------------------------------------- */

/* EESM effective SINR (linear) of n >= 1 linear per-RB SINRs with parameter
 * beta: -beta ln((1/n) sum exp(-sinr_i / beta)), computed relative to the
 * smallest SINR so that no term underflows. Lies in [min, mean]; equals the
 * SINR when all are equal. */
double ws_phy_eesm(const double *sinr_lin, unsigned n, double beta);
/* The EESM beta of an MCS (5G-LENA's calibration for MCS Table 1). */
double ws_phy_eesm_beta(unsigned mcs);
/* SINR (dB) at which an MCS has 10% BLER: 10 log10(2^eff - 1) + gap. */
double ws_phy_mcs_threshold_db(unsigned mcs);
/* SINR (dB) at which a CQI (1..15) is reported (its 10% BLER point, same
 * formula with the CQI's efficiency); +infinity for other values. */
double ws_phy_cqi_threshold_db(unsigned cqi);
/* The same two thresholds as linear SINRs, (2^eff - 1) 10^(gap / 10)
 * (+infinity for an invalid MCS or a CQI outside 1..15). */
double ws_phy_mcs_threshold_lin(unsigned mcs);
double ws_phy_cqi_threshold_lin(unsigned cqi);

/* The CQI (0..15) a UE reports for the per-RB linear SINRs of the RBs it
 * measures over: the highest CQI whose EESM effective SINR (with the beta
 * of its MCS) reaches its threshold; 0 = out of range. Non-decreasing in
 * every SINR. n >= 1. */
unsigned ws_phy_cqi_from_sinr(const double *sinr_lin, unsigned n);
/* Ideal link adaptation: the highest MCS whose EESM effective SINR over
 * these RBs reaches its threshold, or -1 when even MCS 0 does not. */
int ws_phy_mcs_from_sinr(const double *sinr_lin, unsigned n);

/* Slope parameter (dB) of the BLER curve of an MCS for a transport block of
 * tbs_bits (from its code block length; docs/link-abstraction.md). */
double ws_phy_bler_sigma_db(unsigned mcs, uint32_t tbs_bits);
/* Transport block error probability at effective SINR sinr_db:
 * Q((sinr_db - threshold) / sigma + Q^-1(0.1)), so exactly 0.1 at the
 * MCS's threshold; decreasing in sinr_db. */
double ws_phy_bler(unsigned mcs, uint32_t tbs_bits, double sinr_db);
/* The same for per-RB linear SINRs (EESM with the MCS's beta first). */
double ws_phy_bler_rbs(unsigned mcs, uint32_t tbs_bits, const double *sinr_lin, unsigned n);
/* A block error draw: true (error) when uniform < BLER. The caller draws
 * uniform in (0, 1) from its own named stream (ws_rng_uniform). */
bool ws_phy_block_error(unsigned mcs, uint32_t tbs_bits, double sinr_db, double uniform);

/* ---- HARQ with chase combining ----------------------------------------- */

/* What became of a transport block after a transmission was decoded. */
typedef enum {
  WS_PHY_HARQ_ACK,  /* decoded: the process is idle again */
  WS_PHY_HARQ_NACK, /* not decoded: a retransmission is pending */
  WS_PHY_HARQ_DROP, /* not decoded after 1 + 3 transmissions: given up,
                       the process is idle again */
} ws_phy_harq_outcome;

/* One HARQ process, read-only for the caller (ws_phy_harq_process). */
typedef struct {
  bool busy;           /* holds a transport block (in flight or pending) */
  bool pending;        /* NACKed, waiting for its retransmission */
  bool ndi;            /* new data indicator, toggled by each new block */
  unsigned rv;         /* redundancy version: always 0 (chase combining
                          resends the same coded bits) */
  unsigned retx;       /* retransmissions made so far, 0..3 */
  unsigned mcs;        /* of the block (kept across retransmissions) */
  unsigned n_rb;       /* of the block (a retransmission uses as many) */
  uint32_t tbs_bits;   /* of the block */
  uint64_t nack_seq;   /* order of the last NACK, for oldest-first */
  const double *sinr_lin; /* combined per-RB linear SINR so far [n_rb],
                             owned by the entity */
} ws_phy_harq_process;

/* The HARQ entity of one link direction of one UE. Opaque. */
typedef struct ws_phy_harq ws_phy_harq;

/* A new entity with 8 idle processes for blocks of up to max_rb RBs
 * (1..WS_PHY_MAX_RB). Allocates once; caller frees with ws_phy_harq_free. */
ws_phy_harq *ws_phy_harq_new(unsigned max_rb);
void ws_phy_harq_free(ws_phy_harq *h);
/* Process pid (0..7). */
const ws_phy_harq_process *ws_phy_harq_process_get(const ws_phy_harq *h, unsigned pid);
/* The lowest idle process id, or -1 when all 8 are busy. */
int ws_phy_harq_idle(const ws_phy_harq *h);
/* The process with the oldest pending retransmission, or -1 (schedulers
 * serve these first). */
int ws_phy_harq_next_retx(const ws_phy_harq *h);
/* Starts a new transport block on idle process pid: toggles NDI, clears the
 * combining buffer, retx = 0. */
void ws_phy_harq_start(ws_phy_harq *h, unsigned pid, unsigned mcs, unsigned n_rb, uint32_t tbs_bits);
/* Marks the pending process pid as retransmitted (retx + 1). */
void ws_phy_harq_retransmit(ws_phy_harq *h, unsigned pid);
/* Chase combining: adds the per-RB linear SINRs of this transmission
 * (n_rb of them, the i-th RB of the allocation combines with the i-th of
 * the earlier ones) to the process's buffer and returns the combined EESM
 * effective SINR in dB (beta of the block's MCS). */
double ws_phy_harq_combine(ws_phy_harq *h, unsigned pid, const double *sinr_lin, unsigned n_rb);
/* Decoding result of the transmission just combined: ok = decoded. */
ws_phy_harq_outcome ws_phy_harq_feedback(ws_phy_harq *h, unsigned pid, bool ok);
/* Combine, draw (error when uniform < BLER of the combined SINR) and
 * feed back in one call; *bler (if not NULL) gets the BLER used. */
ws_phy_harq_outcome ws_phy_harq_receive(ws_phy_harq *h, unsigned pid, const double *sinr_lin,
                                        unsigned n_rb, double uniform, double *bler);

#endif
