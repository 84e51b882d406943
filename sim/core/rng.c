/* wisim named random streams: Philox4x32-10 keyed by (seed, run index,
 * entity name, purpose), and the variates drawn from it (uniform, integer,
 * Bernoulli, exponential, Pareto, normal). Every stream is a pure function of
 * its four names and of how many numbers it has already given.
 *
 * How a stream is derived. THIS IS FROZEN: changing any step below, any
 * constant, or the way a variate consumes outputs changes every result ever
 * published with wisim, so it is pinned by a golden test (tests/unit/test-rng.c).
 *
 *   key[0..1] = the low and high 32 bits of
 *               mix64(mix64(seed ^ SEED_SALT) ^ run)
 *     For a fixed seed, distinct runs give distinct keys, and for a fixed run
 *     distinct seeds do (mix64 is a bijection); two different (seed, run)
 *     pairs share a key only by a 2^-64 accident.
 *   ctr[2..3] = the low and high 32 bits of name_hash(entity, purpose): the
 *     bytes of entity, one NUL byte, the bytes of purpose, one NUL byte (a
 *     NUL cannot occur inside a C string, so the encoding is prefix-free and
 *     ("ab","c") differs from ("a","bc")), zero-padded to a multiple of 8 and
 *     read as little-endian 64-bit words w[i] explicitly byte by byte (no
 *     dependence on the host's byte order or on pointer values);
 *     h = NAME_IV; h = mix64(h ^ w[i]) for each word; h = mix64(h ^ nbytes).
 *   ctr[0..1] = the index of the next 128-bit block (ctr[0] low word), from 0:
 *     2^64 blocks per stream, never exhausted in practice.
 *   mix64 is the 64-bit finaliser of SplitMix64 (Steele, Lea, Flood, "Fast
 *   splittable pseudorandom number generators", OOPSLA 2014; constants from
 *   D. Stafford's "Mix13").
 *
 * Because a stream depends on nothing but its own names, creating, using or
 * dropping another stream (another entity, another purpose) never moves it:
 * this is what gives common random numbers between variants of a scenario.
 * Outputs of a block are consumed in the order out[0], out[1], out[2], out[3].
 */
#include "wisim/rng.h"

#include <math.h>

#include <glib.h>

/* Philox4x32 multipliers and Weyl key increments (Salmon et al., SC'11,
 * section 4.2; the values of Random123's philox.h). */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_ROUNDS 10

/* Arbitrary fixed constants that only separate the hash inputs. */
#define SEED_SALT UINT64_C(0x77697369D5EED001) /* "wisi" + "seed" */
#define NAME_IV UINT64_C(0x9E3779B97F4A7C15)   /* 2^64 / golden ratio */

static uint64_t
mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Feeds one byte into the 8-byte little-endian word being assembled. */
static void
hash_byte(uint64_t *h, uint64_t *word, unsigned *fill, unsigned char byte)
{
  *word |= (uint64_t)byte << (8 * *fill);
  if (++*fill == 8) {
    *h = mix64(*h ^ *word);
    *word = 0;
    *fill = 0;
  }
}

static uint64_t
name_hash(const char *entity, const char *purpose)
{
  uint64_t h = NAME_IV, word = 0, nbytes = 0;
  unsigned fill = 0;
  const char *parts[2] = {entity, purpose};

  for (int i = 0; i < 2; i++) {
    for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++, nbytes++)
      hash_byte(&h, &word, &fill, *p);
    hash_byte(&h, &word, &fill, 0); /* the separator / terminator */
    nbytes++;
  }
  if (fill > 0)
    h = mix64(h ^ word); /* zero padding */
  return mix64(h ^ nbytes);
}

/* Philox4x32-10 block function: out = bijection_key(ctr). (Salmon et al.,
 * SC'11, section 4.2: each round multiplies ctr[0] and ctr[2], swaps the
 * words and xors in the key; the key is bumped by the Weyl constants between
 * rounds.) */
void
ws_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];

  for (int round = 0; round < PHILOX_ROUNDS; round++) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
    uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    uint32_t n1 = (uint32_t)p1;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    uint32_t n3 = (uint32_t)p0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void
ws_rng_init(ws_rng *rng, uint64_t seed, uint64_t run, const char *entity, const char *purpose)
{
  g_return_if_fail(rng != NULL);
  g_return_if_fail(entity != NULL);
  g_return_if_fail(purpose != NULL);

  uint64_t key = mix64(mix64(seed ^ SEED_SALT) ^ run);
  uint64_t name = name_hash(entity, purpose);

  rng->key[0] = (uint32_t)key;
  rng->key[1] = (uint32_t)(key >> 32);
  rng->ctr[0] = 0;
  rng->ctr[1] = 0;
  rng->ctr[2] = (uint32_t)name;
  rng->ctr[3] = (uint32_t)(name >> 32);
  rng->out[0] = rng->out[1] = rng->out[2] = rng->out[3] = 0;
  rng->used = 4; /* nothing generated yet: the first draw makes block 0 */
}

static void
refill(ws_rng *rng)
{
  ws_rng_philox4x32(rng->ctr, rng->key, rng->out);
  rng->used = 0;
  if (++rng->ctr[0] == 0)
    rng->ctr[1]++;
}

uint32_t
ws_rng_u32(ws_rng *rng)
{
  g_assert(rng->used <= 4);
  if (rng->used == 4)
    refill(rng);
  return rng->out[rng->used++];
}

/* The first output is the low half, the second the high half. */
uint64_t
ws_rng_u64(ws_rng *rng)
{
  uint64_t lo = ws_rng_u32(rng);
  uint64_t hi = ws_rng_u32(rng);
  return lo | hi << 32;
}

/* k / 2^53 for a 53-bit k drawn from the top of a u64, redrawing k = 0
 * (probability 2^-53): every value is a multiple of 2^-53 in (0, 1), all
 * equally likely, and each is exactly representable. */
double
ws_rng_uniform(ws_rng *rng)
{
  uint64_t k;
  do
    k = ws_rng_u64(rng) >> 11;
  while (k == 0);
  return (double)k * 0x1.0p-53;
}

double
ws_rng_range(ws_rng *rng, double a, double b)
{
  g_return_val_if_fail(a <= b, a);
  double x = a + (b - a) * ws_rng_uniform(rng);
  /* Rounding of the sum may reach b; the interval is half-open. */
  if (x >= b && a < b)
    x = nextafter(b, a);
  return x;
}

/* 64 x 64 -> 128-bit product, portable (no __int128). */
static void
mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
  uint64_t a_lo = (uint32_t)a, a_hi = a >> 32;
  uint64_t b_lo = (uint32_t)b, b_hi = b >> 32;
  uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
  *lo = (mid << 32) | (uint32_t)ll;
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Lemire's multiply-and-reject ("Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019): x * n / 2^w is in [0, n); the products
 * whose low word falls below 2^w mod n are rejected, which removes the bias
 * exactly. n < 2^32 uses one 32-bit output per try, larger n a 64-bit one. */
uint64_t
ws_rng_below(ws_rng *rng, uint64_t n)
{
  g_return_val_if_fail(n > 0, 0);

  if (n <= UINT32_MAX) {
    uint32_t n32 = (uint32_t)n;
    uint64_t m = (uint64_t)ws_rng_u32(rng) * n32;
    if ((uint32_t)m < n32) {
      uint32_t threshold = (uint32_t)(-n32) % n32; /* 2^32 mod n */
      while ((uint32_t)m < threshold)
        m = (uint64_t)ws_rng_u32(rng) * n32;
    }
    return m >> 32;
  }

  uint64_t hi, lo;
  mul64(ws_rng_u64(rng), n, &hi, &lo);
  if (lo < n) {
    uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
    while (lo < threshold)
      mul64(ws_rng_u64(rng), n, &hi, &lo);
  }
  return hi;
}

/* Always consumes one uniform, whatever p, so that a stream's position does
 * not depend on the probability it was asked about. */
bool
ws_rng_bernoulli(ws_rng *rng, double p)
{
  return ws_rng_uniform(rng) < p;
}

/* Inverse transform: -mean ln U; U in (0, 1) keeps the log finite. */
double
ws_rng_exp(ws_rng *rng, double mean)
{
  g_return_val_if_fail(mean >= 0, 0);
  return -mean * log(ws_rng_uniform(rng));
}

/* Pareto type I, inverse transform: F(x) = 1 - (xm/x)^alpha for x >= xm, so
 * x = xm U^(-1/alpha) (U and 1 - U have the same law); the mean of that law
 * is alpha xm / (alpha - 1), hence xm = mean (alpha - 1) / alpha. */
double
ws_rng_pareto(ws_rng *rng, double mean, double shape)
{
  g_return_val_if_fail(shape > 1, mean);
  g_return_val_if_fail(mean >= 0, 0);
  double scale = mean * (shape - 1) / shape;
  return scale * pow(ws_rng_uniform(rng), -1.0 / shape);
}

/* Marsaglia's polar method (Marsaglia & Bray, SIAM Review 6(3), 1964): a
 * point uniform in the unit disc gives v1 sqrt(-2 ln s / s), standard
 * normal. Only one of the pair is used, so a ws_rng needs no cached value
 * and a normal draw's effect on the stream is self-contained. No
 * trigonometry: only log and sqrt. */
double
ws_rng_normal(ws_rng *rng, double mu, double sigma)
{
  g_return_val_if_fail(sigma >= 0, mu);
  double v1, v2, s;
  do {
    v1 = 2.0 * ws_rng_uniform(rng) - 1.0;
    v2 = 2.0 * ws_rng_uniform(rng) - 1.0;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1.0 || s == 0.0);
  return mu + sigma * v1 * sqrt(-2.0 * log(s) / s);
}
