/* wisim cell schedulers: once per slot, share a cell's resource blocks
 * among its UEs. Pending HARQ retransmissions are served first, then new
 * data by the chosen policy (round robin, proportional fair, max C/I). A
 * scheduler is a small function table, so a new one is one file plus one
 * registry line in sim/cell/scheduler.c. Independent of the phy tables: the
 * caller supplies the achievable bits per resource block of every UE. */
#ifndef WISIM_SCHEDULER_H
#define WISIM_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/core.h"

/* An RB nobody was given. */
#define WS_SCHED_NONE (-1)

typedef struct ws_scheduler ws_scheduler;

/* How to build a scheduler (from a [cell]'s keys and its carrier). */
typedef struct {
  const char *name;     /* "rr", "pf" or "maxci" (NULL means "pf") */
  uint32_t n_rb;        /* resource blocks of the carrier, > 0 */
  uint32_t rbg_size;    /* RBs per resource block group, the unit of
                           allocation (TS 38.214 5.1.2.2.1, type 0); the last
                           group may be smaller; 0 or 1 = per RB */
  uint32_t max_ues;     /* UE indices are 0..max_ues-1, > 0 */
  ws_time slot_ns;      /* slot duration, > 0 */
  ws_time pf_window_ns; /* time constant of the served-rate average,
                           >= slot_ns; 0 = 100 ms (`pf_window`) */
} ws_scheduler_config;

/* One UE's state at the start of a slot. */
typedef struct {
  uint64_t buffer_bytes; /* new data waiting; UINT64_MAX = full buffer */
  uint32_t retx_rbs;     /* RBs of a pending HARQ retransmission (those of its
                            original transmission); 0 = none */
  uint64_t retx_bits;    /* that transport block's size, for bookkeeping */
} ws_sched_ue;

/* What the scheduler sees in one slot. UE k keeps its index from slot to
 * slot (its averages live in the scheduler under that index). */
typedef struct {
  uint32_t n_ue;          /* UEs 0..n_ue-1 of the cell, <= max_ues */
  const ws_sched_ue *ue;  /* [n_ue], borrowed during the call */
  /* Achievable bits on RB b in this slot if UE k were given it, from the
   * link abstraction on its last usable CQI report (subband CQIs expanded
   * to RBs by the caller): rate_bits[k * n_rb + b] >= 0, borrowed. */
  const double *rate_bits;
} ws_sched_input;

/* The allocation of one slot; owned by the scheduler, valid until its next
 * ws_scheduler_run or ws_scheduler_free. Arrays by UE are [max_ues]; only
 * the first n_ue entries are meaningful. */
typedef struct {
  int32_t *rb_ue;       /* [n_rb]: the UE given each RB, or WS_SCHED_NONE */
  uint32_t *ue_rbs;     /* RBs given to each UE */
  double *ue_new_bits;  /* new-data bits: sum of rate_bits over its RBs,
                           capped at buffer_bytes * 8 (an estimate: the cell
                           sizes the transport block from the effective SINR) */
  bool *ue_retx;        /* true when the UE's retransmission was served */
  uint32_t used_rbs;    /* RBs given to anyone */
  uint32_t unused_rbs;  /* n_rb - used_rbs */
  uint32_t deferred_retx; /* retransmissions that found too few free RBs */
} ws_sched_result;

/* The scheduling policy's part. After the retransmission phase, allocate
 * gives the free resource block groups to UEs for new data through
 * ws_scheduler_grant; ws_scheduler_wants tells who may still take some. */
typedef struct {
  const char *name;      /* as written in a scenario: "rr" */
  size_t state_bytes;    /* private state, zeroed at creation
                            (ws_scheduler_state) */
  void (*allocate)(ws_scheduler *s, const ws_sched_input *in);
} ws_scheduler_ops;

/* A new scheduler, or NULL when cfg->name names no scheduler of this build
 * (also, with a critical warning, when cfg is impossible). Caller frees
 * with ws_scheduler_free. */
ws_scheduler *ws_scheduler_new(const ws_scheduler_config *cfg);
/* Frees s and its result (NULL is a no-op). */
void ws_scheduler_free(ws_scheduler *s);
/* True when name is a scheduler of this build. */
bool ws_scheduler_known(const char *name);
/* Names of the schedulers of this build, NULL-terminated, static. */
const char *const *ws_scheduler_names(void);
/* The scheduler's name ("rr"). */
const char *ws_scheduler_name(const ws_scheduler *s);

/* Schedules one slot: retransmissions first (in UE index order, each on the
 * free RBGs where that UE's rate is highest, as many RBs as its original
 * transmission), then new data by the policy, then the served-rate
 * averages of UEs 0..n_ue-1. Returns the allocation (owned by s). */
const ws_sched_result *ws_scheduler_run(ws_scheduler *s, const ws_sched_input *in);

/* The served-rate average of UE k in bit/s: the EWMA
 * T <- (1 - 1/N) T + (1/N) r, N = pf_window / slot, r = bits put on the air
 * for it in the slot (new + retransmitted) / slot duration; updated every
 * slot for UEs 0..n_ue-1, served or not. Starts at 0. */
double ws_scheduler_avg_bps(const ws_scheduler *s, uint32_t k);
/* Sets it (e.g. carried over by a handover); reset_ue sets it to 0 for a
 * new UE taking index k. */
void ws_scheduler_set_avg_bps(ws_scheduler *s, uint32_t k, double avg_bps);
void ws_scheduler_reset_ue(ws_scheduler *s, uint32_t k);

/* ---- for scheduler implementations (sched-*.c) -------------------------- */

/* Resource block groups and the RBs of group g ([first, first + count)). */
uint32_t ws_scheduler_n_rbg(const ws_scheduler *s);
void ws_scheduler_rbg_rbs(const ws_scheduler *s, uint32_t g, uint32_t *first, uint32_t *count);
/* True when group g is still free in the slot being scheduled. */
bool ws_scheduler_rbg_free(const ws_scheduler *s, uint32_t g);
/* True when UE k may take more RBs for new data in this slot: it has new
 * data not yet covered by its grants, no pending retransmission (one
 * transport block per UE per slot), and a non-zero rate on some RB. */
bool ws_scheduler_wants(const ws_scheduler *s, uint32_t k);
/* Bits UE k would carry on group g (sum over its RBs). */
double ws_scheduler_rbg_bits(const ws_scheduler *s, const ws_sched_input *in, uint32_t k, uint32_t g);
/* Bits of RBs [first, first + count) of one UE's rate row
 * (in->rate_bits + k * n_rb), summed in RB order: what
 * ws_scheduler_rbg_bits returns, inline for policies that walk rows. */
static inline double ws_sched_row_bits(const double *row, uint32_t first, uint32_t count) {
  double bits = 0.0;
  for (uint32_t b = first; b < first + count; b++) bits += row[b];
  return bits;
}
/* Two scratch arrays of max_ues entries for a policy's allocate (e.g. the
 * UEs it still considers and a value per UE computed once per slot); owned
 * by s, contents undefined on entry. */
uint32_t *ws_scheduler_ue_scratch(ws_scheduler *s);
double *ws_scheduler_value_scratch(ws_scheduler *s);
/* Gives free group g to UE k for new data. */
void ws_scheduler_grant(ws_scheduler *s, const ws_sched_input *in, uint32_t k, uint32_t g);
/* The policy's private state (ops->state_bytes, zeroed at creation). */
void *ws_scheduler_state(ws_scheduler *s);
/* The configuration it was made with (name borrowed from the registry). */
const ws_scheduler_config *ws_scheduler_get_config(const ws_scheduler *s);

/* The policies, in their own files (registered in scheduler.c). */
extern const ws_scheduler_ops ws_sched_rr_ops;
extern const ws_scheduler_ops ws_sched_pf_ops;
extern const ws_scheduler_ops ws_sched_maxci_ops;

#endif
