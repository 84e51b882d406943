/* Validation of the voip flow's MOS end to end: a G.711 call through a
 * scenario (generator, link delay and random loss, the flow's collectors)
 * against the ITU-T G.107 (06/2015) E-model evaluated here by hand from the
 * path as configured, not from what the simulation measured. */
#include <math.h>

#include "validation-int.h"

/* G.107 written out again from the standard, independently of
 * sim/traffic/voip.c, so that a slip in either shows: default R = 93.2
 * (clause 7.7, every Table 3 default), Idd eq. 7-28 (mT = 100 ms), Ie,eff
 * eq. 7-29 with G.711's Ie = 0 and Bpl = 4.3 (G.113 Appendix I, random loss,
 * BurstR = 1), MOS from R by Annex B eq. B-4. */
static double reference_mos(double ta_ms, double loss_percent) {
  double idd = 0;
  if (ta_ms > 100) {
    double x = log2(ta_ms / 100);
    idd = 25 * (pow(1 + pow(x, 6), 1.0 / 6) - 3 * pow(1 + pow(x / 3, 6), 1.0 / 6) + 2);
  }
  double ie_eff = 95 * loss_percent / (loss_percent + 4.3);
  double r = 93.2 - idd - ie_eff;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/* One call leg from a to b over a 100 Mbit/s link; returns the flow's MOS
 * (flows.csv's mos), NAN with an error result on failure. */
static double call_mos(const char *model, const char *delay, const char *loss,
                       const char *duration, uint64_t run, GPtrArray *out) {
  char *text = g_strdup_printf("[simulation]\nduration = %s\nwarmup = 0s\nmetrics_interval = 0s\n"
                               "[host a]\n[host b]\n"
                               "[link ab]\nbetween = a, b\nrate = 100Mbit/s\ndelay = %s\n"
                               "loss = %s\n"
                               "[flow call]\nfrom = a\nto = b\ntype = voip\n",
                               duration, delay, loss);
  ws_vrun r;
  GError *error = NULL;
  double mos = NAN;
  if (ws_vrun_text(&r, "voip.ini", text, 1, run, &error)) {
    mos = r.flows[0]->mos;
    ws_vrun_free(&r);
  } else {
    ws_validation_add_error(out, model, error->message);
    g_error_free(error);
  }
  g_free(text);
  return mos;
}

enum { LOSS_RUNS = 20 };

/* Three calls: an idle path (1 ms: R = 93.2, MOS 4.41, G.107's own
 * figure), a 300 ms path (the delay impairment alone: Idd = 14.7, MOS
 * 3.96) and 2% random loss on a 20 ms path (Ie,eff = 30.2, MOS 3.25). The
 * first two are deterministic and must match to 0.5% (the transmission
 * time of a 200 B packet, 16 us, moves Ta by 0.01%; 0.5% is the rounding
 * of a MOS printed to two decimals). The third depends on the measured
 * loss: over 120 s (6000 packets) its binomial sd is 0.18%, i.e. 1.9 R or
 * 0.095 MOS per run; the mean of 20 runs has an sd of 0.021 (0.65%), and
 * Jensen's bias (Ie,eff is concave in the loss) about +0.006: 3% is over
 * 4 sigma. */
void ws_vexp_voip_emodel(GPtrArray *out) {
  const char *source = "ITU-T G.107 eq. 7-28, 7-29, B-4; G.113 App. I";
  const char *idle = "G.711 call, 1 ms path, no loss";
  double mos = call_mos(idle, "1ms", "0", "20s", 0, out);
  if (!isnan(mos))
    ws_validation_add_relative(out, idle, "MOS", "", reference_mos(1.016, 0), source, mos, NAN, 1,
                               0.005, NULL);
  const char *far = "G.711 call, 300 ms path, no loss";
  mos = call_mos(far, "300ms", "0", "20s", 0, out);
  if (!isnan(mos))
    ws_validation_add_relative(out, far, "MOS", "", reference_mos(300.016, 0), source, mos, NAN,
                               1, 0.005, NULL);
  const char *lossy = "G.711 call, 20 ms path, 2% random loss";
  ws_stat lossy_mos = {0};
  for (uint64_t run = 0; run < LOSS_RUNS; run++) {
    mos = call_mos(lossy, "20ms", "2%", "120s", run, out);
    if (isnan(mos)) return;
    ws_stat_add(&lossy_mos, mos);
  }
  char *note = g_strdup_printf("120 s calls; per run %.3f-%.3f", lossy_mos.min, lossy_mos.max);
  ws_validation_add_relative(out, lossy, "MOS", "", reference_mos(20.016, 2.0), source,
                             lossy_mos.mean, ws_stat_ci95(&lossy_mos), LOSS_RUNS, 0.03, note);
  g_free(note);
}
