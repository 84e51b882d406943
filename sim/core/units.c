/* wisim units: parses the physical values of scenario files into SI values
 * (times in exact integer ns, sizes in exact bytes), parses random values
 * ("1..3m/s", "exp(1s)", "pareto(1200B, 1.5)") and draws from them.
 *
 * The syntax, as implemented (docs/scenario-format.md repeats it for users):
 *   value  = [spaces] number [spaces] unit [spaces]
 *   number = [+|-] digits [. digits] [(e|E) [+|-] digits]
 * Digits are required on both sides of a decimal point ("0.5", not ".5" or
 * "5.", so that "1..3" reads unambiguously). "nan", "inf", hexadecimal and
 * locale decimal commas are never numbers. Units are case-sensitive and
 * written without inner spaces ("Mbit/s"); a space between the number and its
 * unit is allowed ("10 ms"), as many tools print it that way.
 *
 * Exactness. Times, sizes and packet counts are computed from the decimal
 * digits with integer arithmetic, never through a double: "1.5ms" is
 * 1500000 ns exactly, "0.1s" 100000000. They accept no exponent, at most 19
 * significant digits, must come to an integer (no finer than 1 ns, 1 B) and
 * must fit in int64. Rates are computed the same way and rounded to the
 * nearest bit/s where the digits are finer. Every other value is the double
 * nearest to its decimal digits (the unit's power of ten is folded into the
 * exponent before one correctly rounded conversion, so "2.1GHz" is exactly
 * the double 2.1e9).
 *
 * Signs. A minus sign is accepted where a negative value is physical: power
 * in dBm, ratio in dB, gain in dBi, angle, and bare numbers. It is rejected
 * (even "-0") for time, distance, frequency, rates, sizes, packets, speed
 * (a magnitude: direction is its own key), temperature (kelvin) and
 * probability. W and mW must be > 0 (a power of 0 W has no dBm value).
 */
#include "wisim/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

/* How a unit turns its number into the SI value. */
typedef enum {
  CONV_LINEAR,  /* number x 10^dexp (x mult for the exact kinds) */
  CONV_MW_DBM,  /* number x 10^dexp is in mW; value is 10 log10 of it, dBm */
  CONV_KMH,     /* km/h: number / 3.6 m/s */
} conv_kind;

typedef struct {
  const char *symbol; /* as written after the number; "" for none */
  ws_unit_kind kind;  /* the kind of the result */
  int dexp;           /* decimal exponent of the unit (k = 3, M = 6, ...) */
  int64_t mult;       /* integer factor beyond 10^dexp (min = 6 x 10^10 ns) */
  conv_kind conv;
} unit_def;

/* Every accepted unit. A request for RATE also takes PKT_RATE units, one for
 * SIZE also PACKETS units (see accepts()). */
static const unit_def units[] = {
  {"ns", WS_UNIT_TIME, 0, 1, CONV_LINEAR},
  {"us", WS_UNIT_TIME, 3, 1, CONV_LINEAR},
  {"ms", WS_UNIT_TIME, 6, 1, CONV_LINEAR},
  {"s", WS_UNIT_TIME, 9, 1, CONV_LINEAR},
  {"min", WS_UNIT_TIME, 10, 6, CONV_LINEAR},
  {"h", WS_UNIT_TIME, 11, 36, CONV_LINEAR},
  {"m", WS_UNIT_DISTANCE, 0, 1, CONV_LINEAR},
  {"km", WS_UNIT_DISTANCE, 3, 1, CONV_LINEAR},
  {"dBm", WS_UNIT_POWER, 0, 1, CONV_LINEAR},
  {"mW", WS_UNIT_POWER, 0, 1, CONV_MW_DBM},
  {"W", WS_UNIT_POWER, 3, 1, CONV_MW_DBM},
  {"dB", WS_UNIT_RATIO, 0, 1, CONV_LINEAR},
  {"dBi", WS_UNIT_GAIN, 0, 1, CONV_LINEAR},
  {"Hz", WS_UNIT_FREQUENCY, 0, 1, CONV_LINEAR},
  {"kHz", WS_UNIT_FREQUENCY, 3, 1, CONV_LINEAR},
  {"MHz", WS_UNIT_FREQUENCY, 6, 1, CONV_LINEAR},
  {"GHz", WS_UNIT_FREQUENCY, 9, 1, CONV_LINEAR},
  {"bit/s", WS_UNIT_RATE, 0, 1, CONV_LINEAR},
  {"kbit/s", WS_UNIT_RATE, 3, 1, CONV_LINEAR},
  {"Mbit/s", WS_UNIT_RATE, 6, 1, CONV_LINEAR},
  {"Gbit/s", WS_UNIT_RATE, 9, 1, CONV_LINEAR},
  {"bps", WS_UNIT_RATE, 0, 1, CONV_LINEAR},
  {"kbps", WS_UNIT_RATE, 3, 1, CONV_LINEAR},
  {"Mbps", WS_UNIT_RATE, 6, 1, CONV_LINEAR},
  {"Gbps", WS_UNIT_RATE, 9, 1, CONV_LINEAR},
  {"pkt/s", WS_UNIT_PKT_RATE, 0, 1, CONV_LINEAR},
  {"B", WS_UNIT_SIZE, 0, 1, CONV_LINEAR},
  {"kB", WS_UNIT_SIZE, 3, 1, CONV_LINEAR},
  {"MB", WS_UNIT_SIZE, 6, 1, CONV_LINEAR},
  {"GB", WS_UNIT_SIZE, 9, 1, CONV_LINEAR},
  {"KiB", WS_UNIT_SIZE, 0, INT64_C(1) << 10, CONV_LINEAR},
  {"MiB", WS_UNIT_SIZE, 0, INT64_C(1) << 20, CONV_LINEAR},
  {"GiB", WS_UNIT_SIZE, 0, INT64_C(1) << 30, CONV_LINEAR},
  {"p", WS_UNIT_PACKETS, 0, 1, CONV_LINEAR},
  {"m/s", WS_UNIT_SPEED, 0, 1, CONV_LINEAR},
  {"km/h", WS_UNIT_SPEED, 0, 1, CONV_KMH},
  {"deg", WS_UNIT_ANGLE, 0, 1, CONV_LINEAR},
  {"K", WS_UNIT_TEMPERATURE, 0, 1, CONV_LINEAR},
  {"", WS_UNIT_PROBABILITY, 0, 1, CONV_LINEAR},
  {"%", WS_UNIT_PROBABILITY, -2, 1, CONV_LINEAR},
  {"", WS_UNIT_NUMBER, 0, 1, CONV_LINEAR},
};

/* What each kind allows, indexed by ws_unit_kind. */
typedef struct {
  const char *expected;
  bool negative_ok; /* a minus sign is meaningful */
  bool exact;       /* integer arithmetic only: no exponent, integer result */
} kind_info;

static const kind_info kinds[] = {
  [WS_UNIT_TIME] = {"a time such as 20ms or 1.5s", false, true},
  [WS_UNIT_DISTANCE] = {"a distance such as 500m or 1.2km", false, false},
  [WS_UNIT_POWER] = {"a power such as 46dBm or 20W", true, false},
  [WS_UNIT_RATIO] = {"a ratio such as 3dB", true, false},
  [WS_UNIT_GAIN] = {"an antenna gain such as 8dBi", true, false},
  [WS_UNIT_FREQUENCY] = {"a frequency such as 2.1GHz or 10MHz", false, false},
  [WS_UNIT_RATE] = {"a data rate such as 2Mbit/s or 100pkt/s", false, false},
  [WS_UNIT_PKT_RATE] = {"a packet rate such as 100pkt/s", false, false},
  [WS_UNIT_SIZE] = {"a size such as 1200B or 64KiB (or packets such as 100p)", false, true},
  [WS_UNIT_PACKETS] = {"a number of packets such as 100p", false, true},
  [WS_UNIT_SPEED] = {"a speed such as 3m/s or 30km/h", false, false},
  [WS_UNIT_ANGLE] = {"an angle such as 30deg", true, false},
  [WS_UNIT_TEMPERATURE] = {"a temperature such as 290K", false, false},
  [WS_UNIT_PROBABILITY] = {"a probability such as 0.01 or 1%", false, false},
  [WS_UNIT_NUMBER] = {"a number such as 3 or 0.8", true, false},
};

#define N_KINDS ((int)G_N_ELEMENTS(kinds))
#define MAX_EXACT_DIGITS 19 /* 10^19 - 1 < 2^64 */

static bool
valid_kind(ws_unit_kind kind)
{
  return (int)kind >= 0 && (int)kind < N_KINDS;
}

static bool
accepts(ws_unit_kind asked, ws_unit_kind found)
{
  return asked == found || (asked == WS_UNIT_RATE && found == WS_UNIT_PKT_RATE) ||
         (asked == WS_UNIT_SIZE && found == WS_UNIT_PACKETS);
}

static const unit_def *
find_unit(const char *symbol, size_t len, ws_unit_kind asked)
{
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
    if (strlen(units[i].symbol) == len && memcmp(units[i].symbol, symbol, len) == 0 &&
        accepts(asked, units[i].kind))
      return &units[i];
  return NULL;
}

static bool
is_space(char c)
{
  return c == ' ' || c == '\t';
}

static bool
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* A number as read: sign, significant digits, and the decimal exponent that
 * scales them (value = +-digits x 10^exp10). Borrowed pointers into text. */
typedef struct {
  bool negative;
  bool has_exponent;
  const char *int_digits; /* the digits before the point */
  size_t n_int;
  const char *frac_digits; /* after the point (n_frac = 0 when no point) */
  size_t n_frac;
  int64_t exponent; /* the written exponent, saturated at +-10^9 */
} number_lex;

/* Reads a number at the start of s; returns the number of characters it
 * took, or 0 when s does not start with a number. */
static size_t
lex_number(const char *s, number_lex *num)
{
  const char *p = s;
  memset(num, 0, sizeof *num);

  if (*p == '+' || *p == '-')
    num->negative = *p++ == '-';
  num->int_digits = p;
  while (is_digit(*p))
    p++;
  num->n_int = (size_t)(p - num->int_digits);
  if (num->n_int == 0)
    return 0;
  if (p[0] == '.' && is_digit(p[1])) {
    num->frac_digits = ++p;
    while (is_digit(*p))
      p++;
    num->n_frac = (size_t)(p - num->frac_digits);
  }
  /* An 'e' is an exponent only when digits follow; otherwise it is the start
   * of a (bad) unit. */
  const char *e = p;
  if (*e == 'e' || *e == 'E') {
    e++;
    bool exp_negative = false;
    if (*e == '+' || *e == '-')
      exp_negative = *e++ == '-';
    if (is_digit(*e)) {
      int64_t x = 0;
      while (is_digit(*e)) {
        if (x < 1000000000)
          x = x * 10 + (*e - '0');
        e++;
      }
      num->exponent = exp_negative ? -x : x;
      num->has_exponent = true;
      p = e;
    }
  }
  return (size_t)(p - s);
}

/* The significant digits of a number (no leading or trailing zeros) in a new
 * string, and their exponent: value = digits x 10^exp10. "" for zero. */
static char *
significant_digits(const number_lex *num, int64_t *exp10)
{
  GString *d = g_string_sized_new(num->n_int + num->n_frac + 1);
  g_string_append_len(d, num->int_digits, (gssize)num->n_int);
  if (num->n_frac > 0)
    g_string_append_len(d, num->frac_digits, (gssize)num->n_frac);
  *exp10 = num->exponent - (int64_t)num->n_frac;

  size_t lead = 0;
  while (lead < d->len && d->str[lead] == '0')
    lead++;
  g_string_erase(d, 0, (gssize)lead);
  while (d->len > 0 && d->str[d->len - 1] == '0') {
    g_string_truncate(d, d->len - 1);
    (*exp10)++;
  }
  if (d->len == 0)
    *exp10 = 0;
  return g_string_free(d, FALSE);
}

static bool
mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
  if (a != 0 && b > UINT64_MAX / a)
    return false;
  *out = a * b;
  return true;
}

/* digits x mult x 10^exp10 as an exact integer <= INT64_MAX. Fails when the
 * result overflows or is not an integer. A negative exponent is cancelled by
 * removing factors 2 and 5 from digits and mult: 10^k divides their product
 * exactly when 2^k and 5^k both do. */
static bool
exact_scale(const char *digits, int64_t mult, int64_t exp10, int64_t *out)
{
  size_t n = strlen(digits);
  if (n == 0) {
    *out = 0;
    return true;
  }
  if (n > MAX_EXACT_DIGITS)
    return false;
  uint64_t a = 0, b = (uint64_t)mult, r;
  for (size_t i = 0; i < n; i++)
    a = a * 10 + (uint64_t)(digits[i] - '0');

  if (exp10 >= 0) {
    if (!mul_u64(a, b, &r))
      return false;
    for (int64_t i = 0; i < exp10; i++)
      if (!mul_u64(r, 10, &r))
        return false;
  } else {
    static const uint64_t primes[2] = {2, 5};
    for (int pi = 0; pi < 2; pi++) {
      uint64_t p = primes[pi];
      for (int64_t i = 0; i < -exp10; i++) {
        if (a % p == 0)
          a /= p;
        else if (b % p == 0)
          b /= p;
        else
          return false; /* finer than the unit allows */
      }
    }
    if (!mul_u64(a, b, &r))
      return false;
  }
  if (r > (uint64_t)INT64_MAX)
    return false;
  *out = (int64_t)r;
  return true;
}

/* The double nearest to digits x 10^exp10 (one correctly rounded,
 * locale-independent conversion). */
static double
nearest_double(const char *digits, int64_t exp10)
{
  if (digits[0] == '\0')
    return 0.0;
  /* Beyond +-10^6 the result is 0 or infinite anyway; clamping keeps the
   * string short. */
  exp10 = CLAMP(exp10, -1000000, 1000000);
  char *text = g_strdup_printf("%se%" G_GINT64_FORMAT, digits, (gint64)exp10);
  double v = g_ascii_strtod(text, NULL);
  g_free(text);
  return v;
}

/* Parses one value; text is exactly the value (no surrounding spaces) of len
 * bytes, not necessarily NUL-terminated. */
static bool
parse_value(const char *text, size_t len, ws_unit_kind asked, ws_quantity *out)
{
  char *s = g_strndup(text, len); /* for the lexer's look-ahead */
  number_lex num;
  size_t n = lex_number(s, &num);
  bool ok = false;
  char *digits = NULL;

  if (n == 0)
    goto done;
  size_t u = n;
  while (is_space(s[u]))
    u++;
  const unit_def *unit = find_unit(s + u, len - u, asked);
  if (unit == NULL)
    goto done;

  const kind_info *info = &kinds[unit->kind];
  if (num.negative && !info->negative_ok)
    goto done;
  if (num.has_exponent && info->exact)
    goto done;

  int64_t exp10;
  digits = significant_digits(&num, &exp10);
  ws_quantity q = {.kind = unit->kind, .value = 0, .exact = 0};

  if (info->exact) {
    if (!exact_scale(digits, unit->mult, exp10 + unit->dexp, &q.exact))
      goto done;
    q.value = unit->kind == WS_UNIT_TIME ? (double)q.exact / 1e9 : (double)q.exact;
  } else {
    double v = nearest_double(digits, exp10 + unit->dexp);
    if (num.negative)
      v = -v;
    switch (unit->conv) {
    case CONV_LINEAR:
      break;
    case CONV_MW_DBM:
      if (!(v > 0))
        goto done;
      v = 10.0 * log10(v);
      break;
    case CONV_KMH:
      v = v / 3.6; /* 1 km/h = 1000 m / 3600 s */
      break;
    }
    if (!isfinite(v))
      goto done;
    q.value = v == 0 ? 0.0 : v; /* no "-0" */
    if (unit->kind == WS_UNIT_RATE) {
      /* Exact where the digits allow, else the nearest bit/s. */
      if (!exact_scale(digits, unit->mult, exp10 + unit->dexp, &q.exact)) {
        if (!(q.value < 0x1.0p63))
          goto done;
        q.exact = (int64_t)llround(q.value);
      }
    }
    if (unit->kind == WS_UNIT_PROBABILITY && !(q.value >= 0 && q.value <= 1))
      goto done;
  }
  *out = q;
  ok = true;
done:
  g_free(digits);
  g_free(s);
  return ok;
}

/* Trims spaces from both ends of [*begin, *end). */
static void
trim(const char **begin, const char **end)
{
  while (*begin < *end && is_space(**begin))
    (*begin)++;
  while (*end > *begin && is_space((*end)[-1]))
    (*end)--;
}

bool
ws_units_parse(const char *text, ws_unit_kind kind, ws_quantity *out)
{
  g_return_val_if_fail(text != NULL, false);
  g_return_val_if_fail(valid_kind(kind), false);
  g_return_val_if_fail(out != NULL, false);

  const char *begin = text, *end = text + strlen(text);
  trim(&begin, &end);
  return parse_value(begin, (size_t)(end - begin), kind, out);
}

const char *
ws_units_expected(ws_unit_kind kind)
{
  g_return_val_if_fail(valid_kind(kind), "a value");
  return kinds[kind].expected;
}

/* ---- random values ------------------------------------------------------- */

/* Value of a kind's quantity in its exact integer unit, as a double, for
 * comparisons; the SI value for the other kinds. */
static double
comparable(const ws_quantity *q)
{
  return kinds[q->kind].exact ? (double)q->exact : q->value;
}

static bool
positive(const ws_quantity *q)
{
  return kinds[q->kind].exact ? q->exact > 0 : q->value > 0;
}

/* If [begin, end) is "NAME ( INSIDE )", sets the inside and returns true. */
static bool
call_form(const char *begin, const char *end, const char *name, const char **in_begin,
          const char **in_end)
{
  size_t n = strlen(name);
  if ((size_t)(end - begin) < n + 2 || strncmp(begin, name, n) != 0)
    return false;
  const char *p = begin + n;
  while (p < end && is_space(*p))
    p++;
  if (p >= end || *p != '(' || end[-1] != ')')
    return false;
  *in_begin = p + 1;
  *in_end = end - 1;
  trim(in_begin, in_end);
  return true;
}

static bool
parse_range(const char *begin, const char *end, const char *dots, ws_unit_kind kind, ws_dist *out)
{
  const char *a_begin = begin, *a_end = dots, *b_begin = dots + 2, *b_end = end;
  trim(&a_begin, &a_end);
  trim(&b_begin, &b_end);
  if (!parse_value(b_begin, (size_t)(b_end - b_begin), kind, &out->b))
    return false;

  /* "1..3m/s": a bare A takes B's unit (whatever follows B's number). */
  char *a_text = g_strndup(a_begin, (size_t)(a_end - a_begin));
  char *b_text = g_strndup(b_begin, (size_t)(b_end - b_begin));
  number_lex num;
  size_t a_len = lex_number(a_text, &num), b_len = lex_number(b_text, &num);
  g_assert(b_len > 0); /* B parsed */
  if (a_len > 0 && a_text[a_len] == '\0') {
    const char *b_unit = b_text + b_len;
    while (is_space(*b_unit))
      b_unit++;
    char *joined = g_strconcat(a_text, b_unit, NULL);
    g_free(a_text);
    a_text = joined;
  }
  bool ok = parse_value(a_text, strlen(a_text), kind, &out->a);
  g_free(a_text);
  g_free(b_text);

  if (!ok || out->a.kind != out->b.kind || comparable(&out->a) > comparable(&out->b))
    return false;
  out->kind = WS_DIST_UNIFORM;
  return true;
}

bool
ws_units_parse_dist(const char *text, ws_unit_kind kind, ws_dist *out)
{
  g_return_val_if_fail(text != NULL, false);
  g_return_val_if_fail(valid_kind(kind), false);
  g_return_val_if_fail(out != NULL, false);

  ws_dist d;
  memset(&d, 0, sizeof d);
  const char *begin = text, *end = text + strlen(text), *in_begin, *in_end;
  trim(&begin, &end);

  if (call_form(begin, end, "exp", &in_begin, &in_end)) {
    if (!parse_value(in_begin, (size_t)(in_end - in_begin), kind, &d.a) || !positive(&d.a))
      return false;
    d.kind = WS_DIST_EXP;
  } else if (call_form(begin, end, "pareto", &in_begin, &in_end)) {
    const char *comma = memchr(in_begin, ',', (size_t)(in_end - in_begin));
    if (comma == NULL)
      return false;
    const char *m_begin = in_begin, *m_end = comma, *s_begin = comma + 1, *s_end = in_end;
    trim(&m_begin, &m_end);
    trim(&s_begin, &s_end);
    ws_quantity shape;
    if (!parse_value(m_begin, (size_t)(m_end - m_begin), kind, &d.a) || !positive(&d.a) ||
        !parse_value(s_begin, (size_t)(s_end - s_begin), WS_UNIT_NUMBER, &shape) ||
        !(shape.value > 1))
      return false;
    d.kind = WS_DIST_PARETO;
    d.shape = shape.value;
  } else {
    const char *dots = g_strstr_len(begin, end - begin, "..");
    if (dots != NULL) {
      if (!parse_range(begin, end, dots, kind, &d))
        return false;
    } else {
      if (!parse_value(begin, (size_t)(end - begin), kind, &d.a))
        return false;
      d.kind = WS_DIST_FIXED;
    }
  }
  *out = d;
  return true;
}

double
ws_dist_sample(const ws_dist *dist, ws_rng *rng)
{
  g_return_val_if_fail(dist != NULL && rng != NULL, 0);
  switch (dist->kind) {
  case WS_DIST_FIXED:
    return dist->a.value;
  case WS_DIST_UNIFORM:
    return ws_rng_range(rng, dist->a.value, dist->b.value);
  case WS_DIST_EXP:
    return ws_rng_exp(rng, dist->a.value);
  case WS_DIST_PARETO:
    return ws_rng_pareto(rng, dist->a.value, dist->shape);
  }
  g_return_val_if_reached(0);
}

/* Rounds a non-negative draw to int64, saturating (a Pareto tail can go
 * beyond 2^63). */
static int64_t
round_saturate(double x)
{
  if (!(x < 0x1.0p63))
    return INT64_MAX;
  return (int64_t)llround(x);
}

int64_t
ws_dist_sample_exact(const ws_dist *dist, ws_rng *rng)
{
  g_return_val_if_fail(dist != NULL && rng != NULL, 0);
  g_return_val_if_fail(dist->a.kind == WS_UNIT_TIME || dist->a.kind == WS_UNIT_SIZE ||
                           dist->a.kind == WS_UNIT_PACKETS || dist->a.kind == WS_UNIT_RATE,
                       0);
  switch (dist->kind) {
  case WS_DIST_FIXED:
    return dist->a.exact;
  case WS_DIST_UNIFORM:
    /* Every integer of [a, b] equally likely. */
    return dist->a.exact +
           (int64_t)ws_rng_below(rng, (uint64_t)(dist->b.exact - dist->a.exact) + 1);
  case WS_DIST_EXP:
    return round_saturate(ws_rng_exp(rng, (double)dist->a.exact));
  case WS_DIST_PARETO:
    return round_saturate(ws_rng_pareto(rng, (double)dist->a.exact, dist->shape));
  }
  g_return_val_if_reached(0);
}

double
ws_dist_mean(const ws_dist *dist)
{
  g_return_val_if_fail(dist != NULL, 0);
  if (dist->kind == WS_DIST_UNIFORM)
    return (dist->a.value + dist->b.value) / 2;
  return dist->a.value; /* the value, or the mean of exp and pareto */
}

/* ---- formatting ---------------------------------------------------------- */

/* Writes mag / unit_ns in decimal followed by symbol into out; returns false
 * when the decimal expansion does not terminate (1 s in hours). */
static bool
format_in_unit(uint64_t mag, uint64_t unit_ns, const char *symbol, GString *out)
{
  uint64_t rem = mag % unit_ns;
  g_string_printf(out, "%" G_GUINT64_FORMAT, mag / unit_ns);
  if (rem != 0) {
    g_string_append_c(out, '.');
    /* unit_ns < 2^42, so rem * 10 cannot overflow; a terminating expansion
     * of a fraction with denominator unit_ns has at most 13 digits. */
    for (int i = 0; i < 16 && rem != 0; i++) {
      rem *= 10;
      g_string_append_c(out, (char)('0' + rem / unit_ns));
      rem %= unit_ns;
    }
    if (rem != 0)
      return false;
  }
  g_string_append(out, symbol);
  return true;
}

char *
ws_units_format_time(ws_time t, char *buf, unsigned len)
{
  g_return_val_if_fail(buf != NULL && len > 0, buf);
  static const struct {
    const char *symbol;
    uint64_t ns;
  } order[] = {
    {"h", UINT64_C(3600000000000)}, {"min", UINT64_C(60000000000)}, {"s", UINT64_C(1000000000)},
    {"ms", UINT64_C(1000000)},      {"us", UINT64_C(1000)},         {"ns", 1},
  };
  uint64_t mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
  GString *best = NULL, *candidate = g_string_new(NULL);

  if (mag == 0) {
    best = g_string_new("0s");
  } else {
    /* Largest unit first, replaced only by a strictly shorter form: ties go
     * to the larger unit ("2min", not "120s"). */
    for (gsize i = 0; i < G_N_ELEMENTS(order); i++)
      if (format_in_unit(mag, order[i].ns, order[i].symbol, candidate) &&
          (best == NULL || candidate->len < best->len)) {
        if (best != NULL)
          g_string_free(best, TRUE);
        best = candidate;
        candidate = g_string_new(NULL);
      }
    g_assert(best != NULL); /* ns always terminates */
    if (t < 0)
      g_string_prepend_c(best, '-');
  }
  g_strlcpy(buf, best->str, len);
  g_string_free(best, TRUE);
  g_string_free(candidate, TRUE);
  return buf;
}
