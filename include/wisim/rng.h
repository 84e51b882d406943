/* wisim named random streams: every draw comes from a stream keyed by
 * (seed, run index, entity name, purpose), so adding an entity to a scenario
 * never changes another entity's numbers (common random numbers).
 * Generator: Philox4x32-10 (Salmon et al., SC'11), counter-based. */
#ifndef WISIM_RNG_H
#define WISIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

/* One stream. A small value: embed it in the entity that owns it. The
 * fields are private to rng.c; copying a ws_rng forks the stream. */
typedef struct ws_rng {
  uint32_t key[2];  /* Philox key, from (seed, run index) */
  uint32_t ctr[4];  /* ctr[0..1]: block counter; ctr[2..3]: (entity, purpose) */
  uint32_t out[4];  /* the current block's outputs */
  uint32_t used;    /* outputs of out[] already consumed (0..4) */
} ws_rng;

/* Initialises the stream for (seed, run, entity, purpose). entity and
 * purpose are NUL-terminated, e.g. ("ue walkers/3", "mobility"); they are
 * read during the call only (borrowed). The same four always give the same
 * sequence, on every platform; how the key is derived is documented (and
 * frozen) at the top of sim/core/rng.c. */
void ws_rng_init(ws_rng *rng, uint64_t seed, uint64_t run, const char *entity, const char *purpose);

/* 32 and 64 uniformly distributed bits (a u64 is two u32 outputs, the
 * first one in the low half). */
uint32_t ws_rng_u32(ws_rng *rng);
uint64_t ws_rng_u64(ws_rng *rng);
/* Uniform on the open interval (0, 1), 53 bits: never 0, never 1, so that
 * log() of it is always finite. */
double ws_rng_uniform(ws_rng *rng);
/* Uniform on [a, b); a <= b (returns a when a == b). */
double ws_rng_range(ws_rng *rng, double a, double b);
/* Uniform integer on [0, n), without modulo bias; n > 0. */
uint64_t ws_rng_below(ws_rng *rng, uint64_t n);
/* True with probability p (p <= 0: never, p >= 1: always). Consumes one
 * uniform whatever p is. */
bool ws_rng_bernoulli(ws_rng *rng, double p);
/* Exponential with the given mean >= 0 (inverse transform). */
double ws_rng_exp(ws_rng *rng, double mean);
/* Pareto with the given mean and shape alpha > 1 (scale = mean (alpha-1)/alpha). */
double ws_rng_pareto(ws_rng *rng, double mean, double shape);
/* Normal with mean mu and standard deviation sigma >= 0 (Marsaglia's polar
 * method; a variable number of outputs per draw). */
double ws_rng_normal(ws_rng *rng, double mu, double sigma);

/* The bare Philox4x32-10 block function (Salmon et al., SC'11): out =
 * Philox(ctr, key). Exposed for the known-answer tests of Random123. */
void ws_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
