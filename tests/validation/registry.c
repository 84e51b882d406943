/* The registry of validation experiments and the helpers they share: the
 * table `wisim validate` and tests/validation/suite.c both walk (so the two
 * cannot drift apart), result construction and judging, and running a
 * scenario text for one replication. */
#include <math.h>
#include <string.h>

#include "validation-int.h"

/* The table of contents. Quick experiments take well under a second each
 * at -O2 (a few under ASan) and run in `make test`; the others run in
 * `wisim validate` and under `-m slow`. Order: the foundation's queueing
 * checks, then TCP, queues, applications. */
static const ws_validation registry[] = {
    {"mg1-md1-0.5", "M/D/1 link at load 0.5 against Pollaczek-Khinchine", true, ws_vexp_md1_05},
    {"mg1-md1-0.8", "M/D/1 link at load 0.8 against Pollaczek-Khinchine", true, ws_vexp_md1_08},
    {"mg1-exp-0.5", "M/G/1 (exponential payloads) at load 0.5 against Pollaczek-Khinchine", true,
     ws_vexp_mg1_exp_05},
    {"mg1-exp-0.8", "M/G/1 (exponential payloads) at load 0.8 against Pollaczek-Khinchine", true,
     ws_vexp_mg1_exp_08},
    {"tcp-mathis-0.1pct", "NewReno goodput at 0.1% random loss against Mathis et al. 1997", false,
     ws_vexp_mathis_01},
    {"tcp-mathis-0.3pct", "NewReno goodput at 0.3% random loss against Mathis et al. 1997", true,
     ws_vexp_mathis_03},
    {"tcp-mathis-1pct", "NewReno goodput at 1% random loss against Mathis et al. 1997", true,
     ws_vexp_mathis_1},
    {"tcp-utilisation", "one bulk flow fills a clean 10 Mbit/s, 40 ms path (buffer 1 BDP)", true,
     ws_vexp_tcp_utilisation},
    {"tcp-fairness", "two NewReno flows with the same RTT share a bottleneck (Jain index)", true,
     ws_vexp_tcp_fairness},
    {"tcp-cubic-vs-newreno", "CUBIC beats NewReno on a long fat path (100 Mbit/s, 100 ms, 1e-5)",
     false, ws_vexp_cubic_vs_newreno},
    {"red-steady-state", "RED's average queue, p_b and drop spacing at a held queue length", true,
     ws_vexp_red_steady_state},
    {"red-overload", "RED on a link overloaded by Poisson arrivals drops the excess load", true,
     ws_vexp_red_overload},
    {"codel-standing-delay", "CoDel holds a responsive sender's queue near target; drop-tail fills",
     true, ws_vexp_codel_standing_delay},
    {"codel-unresponsive", "CoDel against unresponsive Poisson overload, drop-tail at its limit",
     true, ws_vexp_codel_unresponsive},
    {"voip-emodel", "a G.711 call's MOS in flows.csv against the ITU-T G.107 E-model", true,
     ws_vexp_voip_emodel},
    {"pathloss-formulas", "every path loss model against its published formula (0.01 dB)",
     true, ws_vexp_pathloss_formulas},
    {"pathloss-los-probability", "LOS fraction of many drawn links against TR 38.901 7.4.2-1",
     true, ws_vexp_pathloss_los_probability},
    {"noise-floor", "the medium's noise over 50 RBs against -174 dBm/Hz + 10 log B + NF", true,
     ws_vexp_noise_floor},
    {"tbs-table", "TBS of several (MCS, PRB) pairs against the TS 38.214 5.1.3.2 procedure", true,
     ws_vexp_tbs_table},
    {"cell-single-ue", "one UE, no fading: SINR, CQI and throughput computed by hand", true,
     ws_vexp_cell_single_ue},
    {"cell-rr-equal-shares", "round robin gives full-buffer UEs equal RB shares", true,
     ws_vexp_cell_rr_equal_shares},
    {"cell-pf-vs-rr", "PF beats RR's cell throughput with Rayleigh fading, Jain at least 90% of RR's", true,
     ws_vexp_cell_pf_vs_rr},
    {"cell-sectors", "3 sectors per site beat 1 in site spectral efficiency (7 sites, UMa)", true,
     ws_vexp_cell_sectors},
    {"mobility-rwp-stationary", "random waypoint starts stationary: mean speed, centre density",
     true, ws_vexp_mobility_rwp_stationary},
    {"handover-a3-timing", "A3 handover on a straight drive: closed-form entry + TTT, 1 ms",
     true, ws_vexp_handover_a3_timing},
    {"handover-pingpong-hysteresis", "more hysteresis, fewer ping-pongs on a shadowed cell border",
     true, ws_vexp_handover_pingpong_hysteresis},
};

const ws_validation *ws_validation_list(unsigned *n) {
  g_return_val_if_fail(n != NULL, NULL);
  *n = G_N_ELEMENTS(registry);
  return registry;
}

const ws_validation *ws_validation_find(const char *name) {
  g_return_val_if_fail(name != NULL, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
    if (strcmp(registry[i].name, name) == 0) return &registry[i];
  return NULL;
}

/* Levenshtein distance, two rows; names are short. */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t *prev = g_new(size_t, lb + 1), *cur = g_new(size_t, lb + 1);
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t sub = prev[j - 1] + (g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]));
      cur[j] = MIN(sub, MIN(prev[j] + 1, cur[j - 1] + 1));
    }
    size_t *t = prev;
    prev = cur;
    cur = t;
  }
  size_t d = prev[lb];
  g_free(prev);
  g_free(cur);
  return d;
}

const char *ws_validation_suggest(const char *name) {
  g_return_val_if_fail(name != NULL, NULL);
  /* A prefix of a name ("tcp-mathis") suggests its first completion. */
  if (*name)
    for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
      if (g_str_has_prefix(registry[i].name, name)) return registry[i].name;
  const char *best = NULL;
  size_t best_d = SIZE_MAX;
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++) {
    size_t d = edit_distance(name, registry[i].name);
    if (d < best_d) {
      best_d = d;
      best = registry[i].name;
    }
  }
  /* Close means a typo or two, or a third of the word. */
  return best_d <= MAX(2u, strlen(name) / 3) ? best : NULL;
}

GPtrArray *ws_validation_run(const ws_validation *v) {
  g_return_val_if_fail(v != NULL && v->run != NULL, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func(ws_validation_result_free);
  v->run(out);
  if (out->len == 0) ws_validation_add_error(out, v->name, "the experiment returned no result");
  return out;
}

/* ---- results ------------------------------------------------------------- */

static void judge(ws_validation_result *r) {
  r->rel_error = r->reference != 0 ? r->simulated / r->reference - 1 : NAN;
  switch (r->check) {
  case WS_VCHECK_RELATIVE:
    r->pass = isfinite(r->rel_error) && fabs(r->rel_error) <= r->tolerance;
    break;
  case WS_VCHECK_AT_LEAST:
    r->pass = r->simulated >= r->bound;
    break;
  case WS_VCHECK_AT_MOST:
    r->pass = r->simulated <= r->bound;
    break;
  }
  /* NaN never passes (the comparisons above are false for it, except
   * through a NaN reference, hence the explicit test). */
  if (!isfinite(r->simulated)) r->pass = false;
  if (r->ci_limit > 0 && !(r->ci95 < r->ci_limit * fabs(r->reference))) r->pass = false;
}

static ws_validation_result *add(GPtrArray *out, const char *model, const char *quantity,
                                 const char *unit, double reference, const char *source,
                                 double simulated, double ci95, unsigned n, const char *note) {
  ws_validation_result *r = g_new0(ws_validation_result, 1);
  r->model = g_strdup(model);
  r->quantity = g_strdup(quantity);
  r->unit = g_strdup(unit ? unit : "");
  r->reference = reference;
  r->source = g_strdup(source);
  r->simulated = simulated;
  r->ci95 = n >= 2 ? ci95 : NAN;
  r->n = n;
  r->note = g_strdup(note);
  g_ptr_array_add(out, r);
  return r;
}

ws_validation_result *ws_validation_add_relative(GPtrArray *out, const char *model,
                                                 const char *quantity, const char *unit,
                                                 double reference, const char *source,
                                                 double simulated, double ci95, unsigned n,
                                                 double tolerance, const char *note) {
  g_return_val_if_fail(out != NULL && tolerance >= 0, NULL);
  ws_validation_result *r =
      add(out, model, quantity, unit, reference, source, simulated, ci95, n, note);
  r->check = WS_VCHECK_RELATIVE;
  r->tolerance = tolerance;
  judge(r);
  return r;
}

ws_validation_result *ws_validation_add_bound(GPtrArray *out, const char *model,
                                              const char *quantity, const char *unit,
                                              double reference, const char *source,
                                              double simulated, double ci95, unsigned n,
                                              ws_vcheck check, double bound, const char *note) {
  g_return_val_if_fail(out != NULL, NULL);
  g_return_val_if_fail(check == WS_VCHECK_AT_LEAST || check == WS_VCHECK_AT_MOST, NULL);
  ws_validation_result *r =
      add(out, model, quantity, unit, reference, source, simulated, ci95, n, note);
  r->check = check;
  r->bound = bound;
  judge(r);
  return r;
}

void ws_validation_add_error(GPtrArray *out, const char *model, const char *message) {
  g_return_if_fail(out != NULL);
  ws_validation_result *r = add(out, model, "experiment could not run", "", NAN, "-", NAN, NAN,
                                0, message);
  r->check = WS_VCHECK_RELATIVE;
  r->rel_error = NAN;
  r->pass = false;
}

void ws_validation_require_ci(ws_validation_result *r, double ci_limit) {
  g_return_if_fail(r != NULL && ci_limit > 0);
  r->ci_limit = ci_limit;
  judge(r);
}

void ws_validation_result_free(gpointer data) {
  ws_validation_result *r = data;
  if (!r) return;
  g_free(r->model);
  g_free(r->quantity);
  g_free(r->unit);
  g_free(r->source);
  g_free(r->note);
  g_free(r);
}

char *ws_validation_rule_text(const ws_validation_result *r) {
  g_return_val_if_fail(r != NULL, NULL);
  char *rule;
  const char *sep = *r->unit ? " " : "";
  switch (r->check) {
  case WS_VCHECK_AT_LEAST:
    rule = g_strdup_printf(">= %.4g%s%s", r->bound, sep, r->unit);
    break;
  case WS_VCHECK_AT_MOST:
    rule = g_strdup_printf("<= %.4g%s%s", r->bound, sep, r->unit);
    break;
  default:
    rule = g_strdup_printf("+-%.3g%%", r->tolerance * 100);
    break;
  }
  if (r->ci_limit > 0) {
    char *with = g_strdup_printf("%s, CI < %.3g%%", rule, r->ci_limit * 100);
    g_free(rule);
    rule = with;
  }
  return rule;
}

/* ---- running a scenario text ----------------------------------------------- */

bool ws_vrun_text(ws_vrun *r, const char *filename, const char *text, uint64_t seed,
                  uint64_t run, GError **error) {
  memset(r, 0, sizeof *r);
  r->sc = ws_scenario_load_data(filename, text, strlen(text), NULL, error);
  if (!r->sc) return false;
  r->sim = ws_sim_new();
  r->world = ws_world_new(r->sim, r->sc, seed, run, error);
  if (!r->world) {
    ws_sim_free(r->sim);
    ws_scenario_free(r->sc);
    memset(r, 0, sizeof *r);
    return false;
  }
  ws_sim_run_until(r->sim, ws_world_duration(r->world));
  ws_world_finish(r->world, ws_sim_now(r->sim));
  r->flows = ws_world_flows(r->world, &r->n_flows);
  r->links = ws_world_links(r->world, &r->n_links);
  return true;
}

void ws_vrun_free(ws_vrun *r) {
  if (!r->world) return;
  ws_world_free(r->world);
  ws_sim_free(r->sim);
  ws_scenario_free(r->sc);
  memset(r, 0, sizeof *r);
}

double ws_vrun_goodput_bps(const ws_flow_stats *f) {
  double active_s = ws_time_to_s(f->active_end - f->active_start);
  return active_s > 0 ? f->received_bytes * 8.0 / active_s : NAN;
}
