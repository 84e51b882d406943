/* wisim fast fading: Rayleigh and Rician complex channel gains, time-
 * correlated with the Doppler of the UE's speed (Clarke/Jakes spectrum),
 * independent per subband. One precomputed table of Rayleigh traces, in units
 * of Doppler cycles, serves every Doppler: links read it at random offsets. */
#ifndef WISIM_FADING_H
#define WISIM_FADING_H

#include <stddef.h>
#include <stdint.h>

#include "wisim/rng.h"

/* The fading model of a [radio] section ("fading = ..."). */
typedef enum ws_fading_model {
  WS_FADING_NONE,     /* |h|^2 = 1 always */
  WS_FADING_RAYLEIGH, /* diffuse only: h ~ CN(0, 1) */
  WS_FADING_RICIAN    /* a line-of-sight ray plus a diffuse part, K = LOS/diffuse */
} ws_fading_model;

/* The table: WS_FADING_LANES independent traces (lanes), each of 2^16
 * samples by default, 32 per Doppler cycle, i.e. 2048 Doppler cycles per
 * lane (4 MB of floats in all; docs/radio.md, "Fast fading"). */
#define WS_FADING_TABLE_LOG2_DEFAULT 16
#define WS_FADING_SAMPLES_PER_CYCLE 32
#define WS_FADING_LANES 8
/* The speed for the fading of a UE at rest when none is given (3 km/h, the
 * speed of 3GPP's pedestrian evaluations), m/s. */
#define WS_FADING_DOPPLER_SPEED_DEFAULT_MPS (3.0 / 3.6)
/* The speed of light, m/s, for f_D = v f_c / c. */
#define WS_SPEED_OF_LIGHT_MPS 299792458.0

/* WS_FADING_LANES Rayleigh traces h_l[n], n = 0..2^log2-1, sampled every
 * 1/32 Doppler cycle, periodic (read modulo their length), each normalised
 * to mean power 1, stored lane-interleaved so that 8 subbands of a link read
 * one cache line; links interpolate linearly between samples (rescaled to
 * unit power). Read-only once built: one per simulation, shared by all
 * links. Opaque. */
typedef struct ws_fading_table ws_fading_table;

/* The parameters of one link's fading (small value struct). */
typedef struct ws_fading_config {
  ws_fading_model model;
  double rician_k_db;       /* Rician K factor, dB (the LOS/diffuse power ratio) */
  double carrier_hz;        /* carrier frequency, Hz, for f_D = v f_c / c */
  double doppler_speed_mps; /* the speed used for a UE at rest, m/s (> 0) */
} ws_fading_config;

/* The fading of one link (one UE seen from one cell): one process per
 * subband. Opaque; ws_fading_link_free frees it. */
typedef struct ws_fading_link ws_fading_link;

/* Builds each lane by the inverse-DFT method (Smith 1975; Young & Beaulieu,
 * IEEE Trans. Commun. 48(7), 2000): complex Gaussian spectral lines weighted
 * by the Clarke/Jakes Doppler spectrum, then one inverse FFT. log2_samples
 * (per lane) in 10..22 (0: WS_FADING_TABLE_LOG2_DEFAULT); rng, e.g. (seed,
 * run, "radio", "fading table"), is advanced. Caller frees with
 * ws_fading_table_free. Takes about 50 ms at the default size. */
ws_fading_table *ws_fading_table_new(ws_rng *rng, unsigned log2_samples);
void ws_fading_table_free(ws_fading_table *table);
/* The samples of one lane (its period), that period in Doppler cycles, and
 * the bytes the whole table holds (for memory reports). */
size_t ws_fading_table_samples(const ws_fading_table *table);
double ws_fading_table_cycles(const ws_fading_table *table);
size_t ws_fading_table_bytes(const ws_fading_table *table);
/* Sample n (taken modulo the period) of lane `lane` (< WS_FADING_LANES). */
void ws_fading_table_sample(const ws_fading_table *table, unsigned lane, uint64_t n, double *re,
                            double *im);

/* The maximum Doppler shift f_D = v f_c / c, Hz (Clarke 1968), for a speed
 * in m/s and a carrier in Hz. */
double ws_fading_doppler_hz(double speed_mps, double carrier_hz);

/* The fading of one link with n_subbands >= 1 independent processes. table is
 * borrowed (it must outlive the link; it may be NULL only for
 * WS_FADING_NONE); cfg is copied; rng, e.g. (seed, run, "ue walkers/3",
 * "fading cell A"), draws the offsets into the trace (and the Rician LOS
 * angle and phases) and is not kept. The link starts at the Doppler of a UE
 * at rest. Returns NULL on a bad config (K not finite, carrier or
 * doppler_speed not > 0). */
ws_fading_link *ws_fading_link_new(const ws_fading_table *table, const ws_fading_config *cfg,
                                   uint32_t n_subbands, ws_rng *rng);
void ws_fading_link_free(ws_fading_link *link);
uint32_t ws_fading_link_subbands(const ws_fading_link *link);

/* From t_ns on, the link fades at the Doppler of speed_mps (a speed of 0 is a
 * UE at rest: cfg->doppler_speed_mps). The trace position accumulated so far
 * is kept, so the gain is continuous when the speed changes. Calls must come
 * in non-decreasing t_ns. */
void ws_fading_link_set_speed(ws_fading_link *link, int64_t t_ns, double speed_mps);
/* The same with the Doppler frequency itself, Hz (>= 0). */
void ws_fading_link_set_doppler_hz(ws_fading_link *link, int64_t t_ns, double doppler_hz);
double ws_fading_link_doppler_hz(const ws_fading_link *link);

/* The complex gain h of one subband at t_ns (E|h|^2 = 1). */
void ws_fading_link_gain(const ws_fading_link *link, uint32_t subband, int64_t t_ns, double *re,
                         double *im);
/* The power gain |h|^2 of one subband at t_ns: linear (mean 1), and dB. */
double ws_fading_link_power(const ws_fading_link *link, uint32_t subband, int64_t t_ns);
/* Asks the CPU to start loading the table rows ws_fading_link_powers(link,
 * t_ns) will read (a hint: no effect on results). Issued for the next link
 * while the current one is computed, it overlaps their cache misses, which
 * dominate at high Doppler (the rows move on every slot). */
void ws_fading_link_prefetch(const ws_fading_link *link, int64_t t_ns);
double ws_fading_link_power_db(const ws_fading_link *link, uint32_t subband, int64_t t_ns);
/* The power gains of every subband at t_ns into gain_lin[0..n_subbands-1]:
 * the fast path for a scheduler's slot (two neighbouring table samples per
 * subband; 8 subbands share a cache line). */
void ws_fading_link_powers(const ws_fading_link *link, int64_t t_ns, float *gain_lin);

#endif
