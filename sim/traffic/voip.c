/* wisim voip generator and the E-model: one G.711 call leg at 64 kbit/s in
 * 20 ms packets (160 B of speech + 12 B of RTP header, RFC 3550 5.1, as UDP
 * payload: 50 pkt/s), and the ITU-T G.107 (06/2015) E-model that turns the
 * flow's mean one-way delay and loss into a MOS for flows.csv. */
#include <glib.h>
#include <math.h>

#include "traffic-int.h"

static void *voip_new(const ws_traffic_params *p) {
  (void)p;
  return g_new0(char, 1);
}

static ws_time voip_first(void *state, ws_time start_ns, ws_rng *arrivals) {
  (void)state;
  (void)arrivals;
  return start_ns;
}

static ws_time voip_next(void *state, ws_time prev_ns, ws_rng *arrivals) {
  (void)state;
  (void)arrivals;
  return prev_ns + WS_VOIP_INTERVAL_NS;
}

static uint32_t voip_size(void *state, ws_rng *size_rng) {
  (void)state;
  (void)size_rng;
  return WS_VOIP_PAYLOAD_BYTES;
}

const ws_traffic_gen_ops ws_traffic_voip_ops = {
    .name = "voip",
    .new_state = voip_new,
    .free_state = g_free,
    .first = voip_first,
    .next = voip_next,
    .size = voip_size,
};

/* ---- E-model ------------------------------------------------------------- */

/* R with every parameter at its G.107 default (Table 3) and no delay nor
 * loss: Ro - Is - Idte - Idle at T = 0 + A = 93.2 (G.107 clause 7.7). */
#define R_DEFAULT 93.2
/* G.113 Appendix I (Table I.3): G.711 without packet-loss concealment. */
#define G711_IE 0.0
#define G711_BPL 4.3

/* G.107 eq. 7-28 (delay impairment Idd, default mT = 100 ms, sT = 1):
 * 0 up to 100 ms, then 25 ((1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2)
 * with X = log2(Ta / 100 ms). */
double ws_emodel_idd(double ta_s) {
  double ta_ms = ta_s * 1e3;
  if (!(ta_ms > 100.0)) return 0.0;
  double x = log10(ta_ms / 100.0) / log10(2.0);
  return 25.0 * (pow(1.0 + pow(x, 6), 1.0 / 6) - 3.0 * pow(1.0 + pow(x / 3.0, 6), 1.0 / 6) + 2.0);
}

/* G.107 eq. 7-29: Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl), with
 * Ppl in percent. */
double ws_emodel_ie_eff(double ie, double bpl, double loss_ratio, double burst_r) {
  g_return_val_if_fail(bpl > 0 && burst_r > 0, NAN);
  double ppl = 100.0 * CLAMP(loss_ratio, 0.0, 1.0);
  return ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl);
}

/* The default R less the two impairments a wired network changes: the
 * delay (Idd: Idte and Idle keep their default-value contributions, i.e.
 * echo is assumed cancelled) and the equipment impairment with loss. */
double ws_emodel_r(double ta_s, double loss_ratio, double burst_r) {
  return R_DEFAULT - ws_emodel_idd(ta_s) - ws_emodel_ie_eff(G711_IE, G711_BPL, loss_ratio, burst_r);
}

/* G.107 Annex B, eq. B-4. */
double ws_emodel_mos(double r) {
  if (r <= 0) return 1.0;
  if (r >= 100) return 4.5;
  return 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
}
