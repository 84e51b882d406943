/* wisim cell schedulers: the interface, the registry, and what every policy
 * shares: resource block groups, the HARQ retransmission phase (served
 * first, same number of RBs as the original transmission), buffer-aware
 * grants, and the served-rate average used by proportional fair.
 * Policies: sched-rr.c, sched-pf.c, sched-maxci.c. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "wisim/scheduler.h"

/* One line per policy. */
static const ws_scheduler_ops *const registry[] = {
    &ws_sched_rr_ops,
    &ws_sched_pf_ops,
    &ws_sched_maxci_ops,
};

static const char *const scheduler_names[] = {"rr", "pf", "maxci", NULL};

struct ws_scheduler {
  const ws_scheduler_ops *ops;
  ws_scheduler_config cfg;
  uint32_t n_rbg;
  double ewma_n;      /* N = pf_window / slot >= 1 */
  double *avg_bps;    /* [max_ues] served-rate average */
  bool *retx_pending; /* [max_ues] in the slot being scheduled */
  bool *has_rate;     /* [max_ues] some RB with a non-zero rate, this slot */
  double *need_bits;  /* [max_ues] buffer_bytes * 8 (INFINITY: full buffer) */
  bool *rbg_taken;    /* [n_rbg] */
  double *rbg_bits;   /* [n_rbg] the retransmitting UE's bits per group */
  uint32_t *ue_scratch;  /* [max_ues] for the policy */
  double *value_scratch; /* [max_ues] for the policy */
  ws_sched_result res;
  void *state;
};

static const ws_scheduler_ops *lookup(const char *name) {
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
    if (strcmp(registry[i]->name, name) == 0) return registry[i];
  return NULL;
}

ws_scheduler *ws_scheduler_new(const ws_scheduler_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  g_return_val_if_fail(cfg->n_rb > 0 && cfg->max_ues > 0 && cfg->slot_ns > 0, NULL);
  ws_time window_ns = cfg->pf_window_ns ? cfg->pf_window_ns : 100 * WS_MS;
  g_return_val_if_fail(window_ns >= cfg->slot_ns, NULL);
  const ws_scheduler_ops *ops = lookup(cfg->name ? cfg->name : "pf");
  if (!ops) return NULL;
  ws_scheduler *s = g_new0(ws_scheduler, 1);
  s->ops = ops;
  s->cfg = *cfg;
  s->cfg.name = ops->name;
  s->cfg.rbg_size = cfg->rbg_size ? cfg->rbg_size : 1;
  s->cfg.pf_window_ns = window_ns;
  s->n_rbg = (cfg->n_rb + s->cfg.rbg_size - 1) / s->cfg.rbg_size;
  s->ewma_n = (double)window_ns / (double)cfg->slot_ns;
  s->avg_bps = g_new0(double, cfg->max_ues);
  s->retx_pending = g_new0(bool, cfg->max_ues);
  s->has_rate = g_new0(bool, cfg->max_ues);
  s->need_bits = g_new0(double, cfg->max_ues);
  s->rbg_taken = g_new0(bool, s->n_rbg);
  s->rbg_bits = g_new0(double, s->n_rbg);
  s->ue_scratch = g_new0(uint32_t, cfg->max_ues);
  s->value_scratch = g_new0(double, cfg->max_ues);
  s->res.rb_ue = g_new(int32_t, cfg->n_rb);
  s->res.ue_rbs = g_new0(uint32_t, cfg->max_ues);
  s->res.ue_new_bits = g_new0(double, cfg->max_ues);
  s->res.ue_retx = g_new0(bool, cfg->max_ues);
  s->state = ops->state_bytes ? g_malloc0(ops->state_bytes) : NULL;
  return s;
}

void ws_scheduler_free(ws_scheduler *s) {
  if (!s) return;
  g_free(s->avg_bps);
  g_free(s->retx_pending);
  g_free(s->has_rate);
  g_free(s->need_bits);
  g_free(s->rbg_taken);
  g_free(s->rbg_bits);
  g_free(s->ue_scratch);
  g_free(s->value_scratch);
  g_free(s->res.rb_ue);
  g_free(s->res.ue_rbs);
  g_free(s->res.ue_new_bits);
  g_free(s->res.ue_retx);
  g_free(s->state);
  g_free(s);
}

bool ws_scheduler_known(const char *name) { return name && lookup(name) != NULL; }

const char *const *ws_scheduler_names(void) { return scheduler_names; }

const char *ws_scheduler_name(const ws_scheduler *s) {
  g_return_val_if_fail(s != NULL, NULL);
  return s->ops->name;
}

uint32_t ws_scheduler_n_rbg(const ws_scheduler *s) { return s->n_rbg; }

void ws_scheduler_rbg_rbs(const ws_scheduler *s, uint32_t g, uint32_t *first, uint32_t *count) {
  g_assert(g < s->n_rbg);
  uint32_t f = g * s->cfg.rbg_size;
  *first = f;
  *count = MIN(s->cfg.rbg_size, s->cfg.n_rb - f);
}

bool ws_scheduler_rbg_free(const ws_scheduler *s, uint32_t g) {
  g_assert(g < s->n_rbg);
  return !s->rbg_taken[g];
}

bool ws_scheduler_wants(const ws_scheduler *s, uint32_t k) {
  g_assert(k < s->cfg.max_ues);
  return s->has_rate[k] && !s->retx_pending[k] && s->res.ue_new_bits[k] < s->need_bits[k];
}

double ws_scheduler_rbg_bits(const ws_scheduler *s, const ws_sched_input *in, uint32_t k, uint32_t g) {
  uint32_t first, count;
  ws_scheduler_rbg_rbs(s, g, &first, &count);
  return ws_sched_row_bits(in->rate_bits + (size_t)k * s->cfg.n_rb, first, count);
}

/* Marks group g as UE k's. */
static void take(ws_scheduler *s, uint32_t k, uint32_t g) {
  g_assert(!s->rbg_taken[g]);
  uint32_t first, count;
  ws_scheduler_rbg_rbs(s, g, &first, &count);
  s->rbg_taken[g] = true;
  for (uint32_t b = first; b < first + count; b++) s->res.rb_ue[b] = (int32_t)k;
  s->res.ue_rbs[k] += count;
  s->res.used_rbs += count;
}

void ws_scheduler_grant(ws_scheduler *s, const ws_sched_input *in, uint32_t k, uint32_t g) {
  g_return_if_fail(k < in->n_ue && g < s->n_rbg);
  g_return_if_fail(!s->rbg_taken[g] && ws_scheduler_wants(s, k));
  take(s, k, g);
  double bits = s->res.ue_new_bits[k] + ws_scheduler_rbg_bits(s, in, k, g);
  s->res.ue_new_bits[k] = MIN(bits, s->need_bits[k]);
}

void *ws_scheduler_state(ws_scheduler *s) { return s->state; }

uint32_t *ws_scheduler_ue_scratch(ws_scheduler *s) { return s->ue_scratch; }

double *ws_scheduler_value_scratch(ws_scheduler *s) { return s->value_scratch; }

const ws_scheduler_config *ws_scheduler_get_config(const ws_scheduler *s) { return &s->cfg; }

/* Serves UE k's retransmission on the free groups where its rate is highest
 * (ties: the lowest group), until they hold at least retx_rbs RBs (exactly
 * retx_rbs at RBG size 1; with larger groups the original was made of whole
 * groups too, so the count matches unless the short last group is
 * involved). Deferred, taking nothing, when the free RBs are too few. */
static void serve_retx(ws_scheduler *s, const ws_sched_input *in, uint32_t k) {
  uint32_t need = in->ue[k].retx_rbs;
  uint32_t free_rbs = s->cfg.n_rb - s->res.used_rbs;
  if (free_rbs < need) {
    s->res.deferred_retx++;
    return;
  }
  /* A group's bits do not change while groups are taken: sum them once. */
  for (uint32_t g = 0; g < s->n_rbg; g++)
    if (!s->rbg_taken[g]) s->rbg_bits[g] = ws_scheduler_rbg_bits(s, in, k, g);
  uint32_t got = 0;
  while (got < need) {
    uint32_t best = UINT32_MAX;
    double best_bits = -1.0;
    for (uint32_t g = 0; g < s->n_rbg; g++) {
      if (s->rbg_taken[g]) continue;
      if (s->rbg_bits[g] > best_bits) best_bits = s->rbg_bits[g], best = g;
    }
    g_assert(best != UINT32_MAX);
    uint32_t before = s->res.ue_rbs[k];
    take(s, k, best);
    got += s->res.ue_rbs[k] - before;
  }
  s->res.ue_retx[k] = true;
}

const ws_sched_result *ws_scheduler_run(ws_scheduler *s, const ws_sched_input *in) {
  g_return_val_if_fail(s != NULL && in != NULL, NULL);
  g_return_val_if_fail(in->n_ue <= s->cfg.max_ues, NULL);
  g_return_val_if_fail(in->n_ue == 0 || (in->ue != NULL && in->rate_bits != NULL), NULL);
  uint32_t n_rb = s->cfg.n_rb;
  memset(s->rbg_taken, 0, s->n_rbg * sizeof *s->rbg_taken);
  for (uint32_t b = 0; b < n_rb; b++) s->res.rb_ue[b] = WS_SCHED_NONE;
  s->res.used_rbs = 0;
  s->res.deferred_retx = 0;
  for (uint32_t k = 0; k < s->cfg.max_ues; k++) {
    s->res.ue_rbs[k] = 0;
    s->res.ue_new_bits[k] = 0.0;
    s->res.ue_retx[k] = false;
    s->retx_pending[k] = false;
    s->has_rate[k] = false;
    s->need_bits[k] = 0.0;
  }
  for (uint32_t k = 0; k < in->n_ue; k++) {
    const ws_sched_ue *u = &in->ue[k];
    s->need_bits[k] = u->buffer_bytes == UINT64_MAX ? INFINITY : (double)u->buffer_bytes * 8.0;
    s->retx_pending[k] = u->retx_rbs > 0;
    const double *row = in->rate_bits + (size_t)k * n_rb;
    bool any = false;
    for (uint32_t b = 0; b < n_rb; b++) {
      if (row[b] > 0.0)
        any = true;
      else
        g_assert(row[b] == 0.0); /* refuses negative rates and NaN */
    }
    s->has_rate[k] = any;
  }
  /* HARQ retransmissions first (issue 4: "retransmission priority"). */
  for (uint32_t k = 0; k < in->n_ue; k++)
    if (s->retx_pending[k]) serve_retx(s, in, k);
  s->ops->allocate(s, in);
  s->res.unused_rbs = n_rb - s->res.used_rbs;
  /* The served-rate average, every UE every slot (served or not), as the
   * classic proportional fair of Jalali, Padovani & Pankaj (VTC 2000) and
   * ns-3 LENA's PfFfMacScheduler. */
  double slot_s = ws_time_to_s(s->cfg.slot_ns);
  double w = 1.0 / s->ewma_n;
  for (uint32_t k = 0; k < in->n_ue; k++) {
    double bits = s->res.ue_new_bits[k] + (s->res.ue_retx[k] ? (double)in->ue[k].retx_bits : 0.0);
    s->avg_bps[k] = (1.0 - w) * s->avg_bps[k] + w * (bits / slot_s);
  }
  return &s->res;
}

double ws_scheduler_avg_bps(const ws_scheduler *s, uint32_t k) {
  g_return_val_if_fail(s != NULL && k < s->cfg.max_ues, 0.0);
  return s->avg_bps[k];
}

void ws_scheduler_set_avg_bps(ws_scheduler *s, uint32_t k, double avg_bps) {
  g_return_if_fail(s != NULL && k < s->cfg.max_ues && avg_bps >= 0.0);
  s->avg_bps[k] = avg_bps;
}

void ws_scheduler_reset_ue(ws_scheduler *s, uint32_t k) { ws_scheduler_set_avg_bps(s, k, 0.0); }
