/* wisim fast fading: eight periodic Rayleigh traces (lanes) with the
 * Clarke/Jakes Doppler spectrum, in units of Doppler cycles, built once by
 * the inverse-DFT method; each (link, subband) reads a lane at its own random
 * offset, advancing f_D * t cycles; Rician links add a rotating LOS ray. */
#include "wisim/fading.h"

#include <math.h>

#include <glib.h>
#include <gsl/gsl_fft_complex.h>

struct ws_fading_table {
  unsigned log2_samples; /* per lane */
  uint64_t lane_mask;    /* samples per lane - 1 */
  uint64_t total_mask;   /* samples * WS_FADING_LANES - 1 */
  /* Row n holds sample n of every lane: iq[2 (n L + lane) + {0, 1}] = re, im,
   * one 64-byte cache line per row. Row `samples` repeats row 0, so that
   * interpolation between rows n and n + 1 needs no wrap test. */
  float *iq;
  double rho1; /* Re E[h[n] h*[n+1]], averaged over the lanes */
};

/* One subband's place in the table and (Rician) its LOS phase. */
typedef struct subband_state {
  uint32_t element;       /* offset * WS_FADING_LANES + lane, see diffuse_at */
  float los_cos, los_sin; /* cos, sin of the LOS ray's phase on this subband */
} subband_state;

struct ws_fading_link {
  const ws_fading_table *table; /* borrowed */
  ws_fading_config cfg;
  uint32_t n_subbands;
  double los_amp, diffuse_amp; /* sqrt(K/(K+1)), sqrt(1/(K+1)); 0 and 1 for Rayleigh */
  double los_cos_aoa;          /* cos of the LOS ray's angle to the motion */
  double doppler_hz;
  double cycles_at_ref; /* Doppler cycles travelled up to t_ref_ns */
  int64_t t_ref_ns;
  subband_state sub[]; /* n_subbands, in the same block (one cache miss less) */
};

/* ---- the trace ------------------------------------------------------------ */

/* The power of the Clarke/Jakes spectrum S(f) = 1 / (pi f_D sqrt(1 - (f/f_D)^2))
 * (Jakes, "Microwave Mobile Communications", 1974, eq. 1.2-11) on the bin
 * [k - 1/2, k + 1/2] of a spectrum whose edge f_D is bin k_max. Integrating
 * exactly (the spectrum's CDF is 1/2 + asin(f/f_D)/pi) handles the integrable
 * singularity at +-f_D, and the bins sum to 1 exactly. */
static double
jakes_bin_power(int64_t k, int64_t k_max)
{
  double lo = ((double)k - 0.5) / (double)k_max, hi = ((double)k + 0.5) / (double)k_max;
  lo = lo < -1 ? -1 : lo > 1 ? 1 : lo;
  hi = hi < -1 ? -1 : hi > 1 ? 1 : hi;
  return (asin(hi) - asin(lo)) / M_PI;
}

/* One lane: n samples of a Rayleigh process with the Jakes spectrum, by the
 * inverse-DFT method (Young & Beaulieu 2000, section III): independent
 * CN(0, S_k) lines, then x[m] = sum_k X[k] e^{+j 2 pi k m / n}. Each x[m] is
 * a sum of Gaussians, so exactly complex Gaussian, with autocorrelation
 * sum_k S_k e^{j 2 pi k d / n}, which tends to J0(2 pi d / 32) (Clarke 1968).
 * Written into the lane's column of table->iq, normalised to mean power 1. */
static void
build_lane(ws_fading_table *table, unsigned lane, ws_rng *rng, double *spectrum)
{
  size_t n = (size_t)table->lane_mask + 1;
  /* The lane spans n / 32 Doppler cycles, so its DFT bin k is the frequency
   * k * 32 / n f_D: the Doppler edge f_D falls on bin k_max = n / 32. */
  int64_t k_max = (int64_t)(n / WS_FADING_SAMPLES_PER_CYCLE);
  for (size_t m = 0; m < 2 * n; m++)
    spectrum[m] = 0;
  for (int64_t k = -k_max; k <= k_max; k++) {
    double sd = sqrt(jakes_bin_power(k, k_max) / 2);
    size_t bin = (size_t)(k < 0 ? (int64_t)n + k : k);
    spectrum[2 * bin] = ws_rng_normal(rng, 0, sd);
    spectrum[2 * bin + 1] = ws_rng_normal(rng, 0, sd);
  }
  gsl_fft_complex_radix2_backward(spectrum, 1, n);

  /* Normalise this realisation to mean power exactly 1: a subband reads its
   * whole periodic lane in the long run, so its mean power is 1. */
  double sum = 0;
  for (size_t m = 0; m < n; m++)
    sum += spectrum[2 * m] * spectrum[2 * m] + spectrum[2 * m + 1] * spectrum[2 * m + 1];
  g_assert(sum > 0);
  double scale = sqrt((double)n / sum);
  for (size_t m = 0; m <= n; m++) {
    size_t from = m == n ? 0 : m, to = 2 * (m * WS_FADING_LANES + lane);
    table->iq[to] = (float)(spectrum[2 * from] * scale);
    table->iq[to + 1] = (float)(spectrum[2 * from + 1] * scale);
  }
}

ws_fading_table *
ws_fading_table_new(ws_rng *rng, unsigned log2_samples)
{
  g_return_val_if_fail(rng != NULL, NULL);
  if (log2_samples == 0)
    log2_samples = WS_FADING_TABLE_LOG2_DEFAULT;
  g_return_val_if_fail(log2_samples >= 10 && log2_samples <= 22, NULL);

  size_t n = (size_t)1 << log2_samples;
  ws_fading_table *table = g_new0(ws_fading_table, 1);
  table->log2_samples = log2_samples;
  table->lane_mask = n - 1;
  table->total_mask = n * WS_FADING_LANES - 1;
  table->iq = g_aligned_alloc((n + 1) * WS_FADING_LANES, 2 * sizeof(float), 64);
  double *spectrum = g_new(double, 2 * n);
  for (unsigned lane = 0; lane < WS_FADING_LANES; lane++)
    build_lane(table, lane, rng, spectrum);
  g_free(spectrum);

  double rho1 = 0;
  for (size_t e = 0; e < n * WS_FADING_LANES; e++)
    rho1 += (double)table->iq[2 * e] * table->iq[2 * (e + WS_FADING_LANES)] +
            (double)table->iq[2 * e + 1] * table->iq[2 * (e + WS_FADING_LANES) + 1];
  table->rho1 = rho1 / (double)(n * WS_FADING_LANES);
  return table;
}

void
ws_fading_table_free(ws_fading_table *table)
{
  if (table == NULL)
    return;
  g_aligned_free(table->iq);
  g_free(table);
}

size_t
ws_fading_table_samples(const ws_fading_table *table)
{
  g_return_val_if_fail(table != NULL, 0);
  return (size_t)table->lane_mask + 1;
}

double
ws_fading_table_cycles(const ws_fading_table *table)
{
  g_return_val_if_fail(table != NULL, 0);
  return (double)(table->lane_mask + 1) / WS_FADING_SAMPLES_PER_CYCLE;
}

size_t
ws_fading_table_bytes(const ws_fading_table *table)
{
  g_return_val_if_fail(table != NULL, 0);
  return sizeof *table + (size_t)(table->lane_mask + 2) * WS_FADING_LANES * 2 * sizeof(float);
}

void
ws_fading_table_sample(const ws_fading_table *table, unsigned lane, uint64_t n, double *re,
                       double *im)
{
  g_return_if_fail(table != NULL && re != NULL && im != NULL && lane < WS_FADING_LANES);
  size_t e = (size_t)(n & table->lane_mask) * WS_FADING_LANES + lane;
  *re = table->iq[2 * e];
  *im = table->iq[2 * e + 1];
}

double
ws_fading_doppler_hz(double speed_mps, double carrier_hz)
{
  /* Clarke 1968: the largest Doppler shift, of a ray arriving head-on. */
  return fabs(speed_mps) * carrier_hz / WS_SPEED_OF_LIGHT_MPS;
}

/* ---- links ----------------------------------------------------------------- */

ws_fading_link *
ws_fading_link_new(const ws_fading_table *table, const ws_fading_config *cfg, uint32_t n_subbands,
                   ws_rng *rng)
{
  g_return_val_if_fail(cfg != NULL && rng != NULL && n_subbands >= 1, NULL);
  g_return_val_if_fail(table != NULL || cfg->model == WS_FADING_NONE, NULL);
  if (!(cfg->doppler_speed_mps > 0) || !isfinite(cfg->doppler_speed_mps) || !(cfg->carrier_hz > 0) ||
      (cfg->model == WS_FADING_RICIAN && !isfinite(cfg->rician_k_db)))
    return NULL;

  ws_fading_link *link = g_malloc0(sizeof *link + n_subbands * sizeof(subband_state));
  link->table = table;
  link->cfg = *cfg;
  link->n_subbands = n_subbands;
  link->los_amp = 0;
  link->diffuse_amp = 1;
  if (cfg->model == WS_FADING_NONE)
    return link;

  /* Subband s reads lane (first_lane + s) mod 8, so 8 neighbouring subbands
   * read 8 independent lanes in one cache line (a group). The groups of a
   * link are spread evenly over the lane's period from a random base, each
   * with a random jitter of up to half the spacing: two subbands on the same
   * lane are at least (period / groups) / 2 samples apart, where the trace's
   * correlation is negligible (docs/radio.md), however many subbands there
   * are. Links differ by their random lanes, bases and jitters. */
  uint64_t samples = table->lane_mask + 1;
  uint32_t groups = (n_subbands + WS_FADING_LANES - 1) / WS_FADING_LANES;
  double stride = (double)samples / groups;
  uint64_t base = ws_rng_below(rng, samples);
  uint32_t first_lane = (uint32_t)ws_rng_below(rng, WS_FADING_LANES);
  for (uint32_t g = 0; g < groups; g++) {
    uint64_t offset = (base + (uint64_t)(g * stride + ws_rng_range(rng, 0, stride / 2))) & table->lane_mask;
    for (uint32_t s = g * WS_FADING_LANES; s < n_subbands && s < (g + 1) * WS_FADING_LANES; s++)
      link->sub[s].element = (uint32_t)(offset * WS_FADING_LANES + (first_lane + s) % WS_FADING_LANES);
  }

  if (cfg->model == WS_FADING_RICIAN) {
    /* h = sqrt(K/(K+1)) e^{j(2 pi f_D cos(aoa) t + phi_s)} + sqrt(1/(K+1)) h_diffuse
     * (Rice; e.g. Stueber, "Principles of Mobile Communication", 2.1.2): mean
     * power 1, and a LOS ray arriving at a random angle to the motion with a
     * random phase per subband. */
    double k_lin = pow(10, cfg->rician_k_db / 10);
    link->los_amp = sqrt(k_lin / (k_lin + 1));
    link->diffuse_amp = sqrt(1 / (k_lin + 1));
    link->los_cos_aoa = cos(ws_rng_range(rng, 0, 2 * M_PI));
    for (uint32_t s = 0; s < n_subbands; s++) {
      double phi = ws_rng_range(rng, 0, 2 * M_PI);
      link->sub[s].los_cos = (float)cos(phi);
      link->sub[s].los_sin = (float)sin(phi);
    }
  }
  ws_fading_link_set_speed(link, 0, 0);
  return link;
}

void
ws_fading_link_free(ws_fading_link *link)
{
  g_free(link);
}

uint32_t
ws_fading_link_subbands(const ws_fading_link *link)
{
  g_return_val_if_fail(link != NULL, 0);
  return link->n_subbands;
}

/* Doppler cycles travelled by t_ns: the trace's time axis. */
static double
cycles_at(const ws_fading_link *link, int64_t t_ns)
{
  return link->cycles_at_ref + link->doppler_hz * ((double)(t_ns - link->t_ref_ns) * 1e-9);
}

void
ws_fading_link_set_doppler_hz(ws_fading_link *link, int64_t t_ns, double doppler_hz)
{
  g_return_if_fail(link != NULL && doppler_hz >= 0 && isfinite(doppler_hz));
  link->cycles_at_ref = cycles_at(link, t_ns);
  link->t_ref_ns = t_ns;
  link->doppler_hz = doppler_hz;
}

void
ws_fading_link_set_speed(ws_fading_link *link, int64_t t_ns, double speed_mps)
{
  g_return_if_fail(link != NULL);
  /* A UE at rest still fades (people and cars move around it): 3GPP
   * evaluations give such UEs 3 km/h (the pedestrian speed of TR 36.814
   * Annex A's evaluation assumptions). */
  double v = speed_mps != 0 ? fabs(speed_mps) : link->cfg.doppler_speed_mps;
  ws_fading_link_set_doppler_hz(link, t_ns, ws_fading_doppler_hz(v, link->cfg.carrier_hz));
}

double
ws_fading_link_doppler_hz(const ws_fading_link *link)
{
  g_return_val_if_fail(link != NULL, 0);
  return link->doppler_hz;
}

/* Where the link is in the trace at t_ns: the sample index before the
 * subband's offset, the fraction a in [0, 1) towards the next sample, and
 * the factor that restores unit power after interpolating there. */
typedef struct trace_pos {
  uint64_t index;
  float a;
  float unit_power; /* 1 / E|(1 - a) h[n] + a h[n + 1]|^2 */
} trace_pos;

/* Linear interpolation between samples 1/32 cycle apart keeps the deep,
 * short fades that sample-and-hold would skip (Rice's fade rate at -20 dB
 * is off by 18% without it). The mix of two correlated unit-power Gaussians
 * has power (1 - a)^2 + a^2 + 2a(1 - a) rho1 <= 1, so it is rescaled to keep
 * the marginal exactly CN(0, 1). */
static trace_pos
trace_position(const ws_fading_link *link, int64_t t_ns)
{
  double pos = cycles_at(link, t_ns) * WS_FADING_SAMPLES_PER_CYCLE;
  double whole = floor(pos), a = pos - whole;
  double power = (1 - a) * (1 - a) + a * a + 2 * a * (1 - a) * link->table->rho1;
  return (trace_pos){.index = (uint64_t)(int64_t)whole, .a = (float)a, .unit_power = (float)(1 / power)};
}

/* The diffuse gain of a subband whose table element is `element` (its
 * offset * 8 + lane) at trace index `index` and fraction a, before the
 * unit-power factor: element (index * 8 + element) mod (samples * 8) is
 * sample (index + offset) mod samples of that lane, and the next sample of
 * the lane is 8 elements on. */
static inline void
diffuse_at(const ws_fading_table *table, uint64_t index, uint32_t element, float a, float *re,
           float *im)
{
  const float *h = &table->iq[2 * ((index * WS_FADING_LANES + element) & table->total_mask)];
  const float *next = h + 2 * WS_FADING_LANES;
  *re = h[0] + a * (next[0] - h[0]);
  *im = h[1] + a * (next[1] - h[1]);
}

/* cos, sin of the LOS ray's Doppler rotation at t_ns (common to all subbands). */
static void
los_rotation(const ws_fading_link *link, int64_t t_ns, double *c, double *s)
{
  double turns = cycles_at(link, t_ns) * link->los_cos_aoa;
  turns -= floor(turns); /* keep the argument small: sin/cos stay exact */
  *c = cos(2 * M_PI * turns);
  *s = sin(2 * M_PI * turns);
}

void
ws_fading_link_gain(const ws_fading_link *link, uint32_t subband, int64_t t_ns, double *re,
                    double *im)
{
  g_return_if_fail(link != NULL && re != NULL && im != NULL && subband < link->n_subbands);
  if (link->cfg.model == WS_FADING_NONE) {
    *re = 1;
    *im = 0;
    return;
  }
  trace_pos at = trace_position(link, t_ns);
  float h_re, h_im;
  diffuse_at(link->table, at.index, link->sub[subband].element, at.a, &h_re, &h_im);
  double amp = link->diffuse_amp * sqrt(at.unit_power);
  *re = amp * h_re;
  *im = amp * h_im;
  if (link->cfg.model == WS_FADING_RICIAN) {
    double c, s;
    los_rotation(link, t_ns, &c, &s);
    const subband_state *p = &link->sub[subband];
    *re += link->los_amp * (c * p->los_cos - s * p->los_sin);
    *im += link->los_amp * (s * p->los_cos + c * p->los_sin);
  }
}

/* Prefetch; see fading.h. One row per group of 8 subbands (and the next
 * row, for the interpolation: usually the next cache line). */
void
ws_fading_link_prefetch(const ws_fading_link *link, int64_t t_ns)
{
  if (link->cfg.model == WS_FADING_NONE)
    return;
  const ws_fading_table *table = link->table;
  uint64_t index = trace_position(link, t_ns).index;
  for (uint32_t s = 0; s < link->n_subbands; s += WS_FADING_LANES) {
    const float *h = &table->iq[2 * ((index * WS_FADING_LANES + link->sub[s].element) &
                                     table->total_mask)];
    __builtin_prefetch(h);
    __builtin_prefetch(h + 2 * WS_FADING_LANES);
  }
}

double
ws_fading_link_power(const ws_fading_link *link, uint32_t subband, int64_t t_ns)
{
  g_return_val_if_fail(link != NULL && subband < link->n_subbands, 1);
  double re, im;
  ws_fading_link_gain(link, subband, t_ns, &re, &im);
  return re * re + im * im;
}

double
ws_fading_link_power_db(const ws_fading_link *link, uint32_t subband, int64_t t_ns)
{
  return 10 * log10(ws_fading_link_power(link, subband, t_ns));
}

void
ws_fading_link_powers(const ws_fading_link *link, int64_t t_ns, float *gain_lin)
{
  g_return_if_fail(link != NULL && gain_lin != NULL);
  uint32_t n_sub = link->n_subbands;
  if (link->cfg.model == WS_FADING_NONE) {
    for (uint32_t s = 0; s < n_sub; s++)
      gain_lin[s] = 1;
    return;
  }
  const ws_fading_table *table = link->table;
  trace_pos at = trace_position(link, t_ns);
  if (link->cfg.model == WS_FADING_RAYLEIGH) {
    for (uint32_t s = 0; s < n_sub; s++) {
      float h_re, h_im;
      diffuse_at(table, at.index, link->sub[s].element, at.a, &h_re, &h_im);
      gain_lin[s] = (h_re * h_re + h_im * h_im) * at.unit_power;
    }
    return;
  }
  /* Rician: |a e^{j psi} + b h|^2 = a^2 + b^2 |h|^2 + 2ab Re(e^{-j psi} h).
   * In chunks, table reads first: a loop of loads alone keeps many cache
   * misses in flight, where the arithmetic in between would stall them. */
  double c, si;
  los_rotation(link, t_ns, &c, &si);
  double los = link->los_amp, diffuse = link->diffuse_amp * sqrt(at.unit_power);
  enum { CHUNK = 64 };
  float h_re[CHUNK], h_im[CHUNK];
  for (uint32_t first = 0; first < n_sub; first += CHUNK) {
    uint32_t end = n_sub - first < CHUNK ? n_sub : first + CHUNK;
    for (uint32_t s = first; s < end; s++)
      diffuse_at(table, at.index, link->sub[s].element, at.a, &h_re[s - first], &h_im[s - first]);
    for (uint32_t s = first; s < end; s++) {
      const subband_state *p = &link->sub[s];
      double los_re = c * p->los_cos - si * p->los_sin, los_im = si * p->los_cos + c * p->los_sin;
      double hr = diffuse * h_re[s - first], hi = diffuse * h_im[s - first];
      double re = los * los_re + hr, im = los * los_im + hi;
      gain_lin[s] = (float)(re * re + im * im);
    }
  }
}
