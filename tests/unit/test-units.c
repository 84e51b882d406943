/* Tests of units parsing (sim/core/units.c): a table of good and bad values
 * for every kind with exact expected results, exactness of times and sizes,
 * the examples of ws_units_expected, random values (parsing, sampling means)
 * and the formatting of times. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "wisim/units.h"

#define T WS_UNIT_TIME
#define D WS_UNIT_DISTANCE
#define P WS_UNIT_POWER
#define R WS_UNIT_RATIO
#define G WS_UNIT_GAIN
#define F WS_UNIT_FREQUENCY
#define RATE WS_UNIT_RATE
#define PKT WS_UNIT_PKT_RATE
#define SZ WS_UNIT_SIZE
#define PK WS_UNIT_PACKETS
#define SP WS_UNIT_SPEED
#define AN WS_UNIT_ANGLE
#define TK WS_UNIT_TEMPERATURE
#define PR WS_UNIT_PROBABILITY
#define NUM WS_UNIT_NUMBER

static const ws_unit_kind all_kinds[] = {T, D, P, R, G, F, RATE, PKT, SZ, PK, SP, AN, TK, PR, NUM};

/* A value that must parse. tol = 0: value must be exactly the double given
 * (the double nearest to the decimal written); otherwise within tol. */
typedef struct {
  const char *text;
  ws_unit_kind asked, found;
  double value;
  int64_t exact;
  double tol;
} good_case;

static const good_case good[] = {
  /* time: exact integer ns, value in s */
  {"1.5ms", T, T, 1.5e-3, 1500000, 0},
  {"0.1s", T, T, 0.1, 100000000, 0},
  {"2h", T, T, 7200, INT64_C(7200000000000), 0},
  {"1min", T, T, 60, INT64_C(60000000000), 0},
  {"0.5min", T, T, 30, INT64_C(30000000000), 0},
  {"0.25h", T, T, 900, INT64_C(900000000000), 0},
  {"1ns", T, T, 1e-9, 1, 0},
  {"2.5us", T, T, 2.5e-6, 2500, 0},
  {"20ms", T, T, 0.02, 20000000, 0},
  {"  20ms\t", T, T, 0.02, 20000000, 0},
  {"10 ms", T, T, 0.01, 10000000, 0},
  {"10\tms", T, T, 0.01, 10000000, 0},
  {"0s", T, T, 0, 0, 0},
  {"0.000ms", T, T, 0, 0, 0},
  {"+5s", T, T, 5, INT64_C(5000000000), 0},
  {"0001.500ms", T, T, 1.5e-3, 1500000, 0},
  {"1.500000000000000000000000000s", T, T, 1.5, INT64_C(1500000000), 0},
  {"0.000000001s", T, T, 1e-9, 1, 0},
  {"1.000000001s", T, T, 1.000000001, INT64_C(1000000001), 0},
  {"0.000001ms", T, T, 1e-9, 1, 0},
  {"9223372036854775807ns", T, T, 9223372036.854775807, INT64_MAX, 0},
  {"9223372036.854775807s", T, T, 9223372036.854775807, INT64_MAX, 0},
  {"2562047h", T, T, 9223369200.0, INT64_C(9223369200000000000), 0},
  /* distance */
  {"500m", D, D, 500, 0, 0},
  {"1.2km", D, D, 1200, 0, 0},
  {"0m", D, D, 0, 0, 0},
  {"1e3m", D, D, 1000, 0, 0},
  {"2.5E-1km", D, D, 250, 0, 0},
  {"1.5 m", D, D, 1.5, 0, 0},
  /* power, in dBm */
  {"46dBm", P, P, 46, 0, 0},
  {"-90dBm", P, P, -90, 0, 0},
  {"20W", P, P, 43.01029995663981, 0, 1e-12},  /* 10 log10(20000) */
  {"1mW", P, P, 0, 0, 1e-15},
  {"1W", P, P, 30, 0, 1e-12},
  {"100mW", P, P, 20, 0, 1e-12},
  {"0.5W", P, P, 26.989700043360187, 0, 1e-12}, /* 10 log10(500) */
  {"0.001mW", P, P, -30, 0, 1e-12},
  {"-0dBm", P, P, 0, 0, 0},
  /* ratio, gain */
  {"3dB", R, R, 3, 0, 0},
  {"-6dB", R, R, -6, 0, 0},
  {"0.5dB", R, R, 0.5, 0, 0},
  {"8dBi", G, G, 8, 0, 0},
  {"-3dBi", G, G, -3, 0, 0},
  /* frequency: the unit's power of ten folded in, so 2.1GHz is the double 2.1e9 */
  {"2.1GHz", F, F, 2.1e9, 0, 0},
  {"10MHz", F, F, 1e7, 0, 0},
  {"1.4MHz", F, F, 1.4e6, 0, 0},
  {"15kHz", F, F, 15000, 0, 0},
  {"50Hz", F, F, 50, 0, 0},
  /* data rate: exact bit/s too */
  {"2Mbit/s", RATE, RATE, 2e6, 2000000, 0},
  {"2Mbps", RATE, RATE, 2e6, 2000000, 0},
  {"1Gbit/s", RATE, RATE, 1e9, 1000000000, 0},
  {"10Gbps", RATE, RATE, 1e10, INT64_C(10000000000), 0},
  {"64kbps", RATE, RATE, 64000, 64000, 0},
  {"64kbit/s", RATE, RATE, 64000, 64000, 0},
  {"100bit/s", RATE, RATE, 100, 100, 0},
  {"100bps", RATE, RATE, 100, 100, 0},
  {"1.5bit/s", RATE, RATE, 1.5, 2, 0}, /* rounded to the nearest bit/s */
  {"1e3bit/s", RATE, RATE, 1000, 1000, 0},
  {"0.001Mbit/s", RATE, RATE, 1000, 1000, 0},
  {"1.544Mbit/s", RATE, RATE, 1.544e6, 1544000, 0},
  {"100pkt/s", RATE, PKT, 100, 0, 0},
  {"0.5pkt/s", PKT, PKT, 0.5, 0, 0},
  /* size: decimal and binary prefixes, exact bytes */
  {"1200B", SZ, SZ, 1200, 1200, 0},
  {"64KiB", SZ, SZ, 65536, 65536, 0},
  {"1.5kB", SZ, SZ, 1500, 1500, 0},
  {"1MB", SZ, SZ, 1e6, 1000000, 0},
  {"1GB", SZ, SZ, 1e9, 1000000000, 0},
  {"1MiB", SZ, SZ, 1048576, 1048576, 0},
  {"1GiB", SZ, SZ, 1073741824, 1073741824, 0},
  {"0.5KiB", SZ, SZ, 512, 512, 0},
  {"0.25MiB", SZ, SZ, 262144, 262144, 0},
  {"100p", SZ, PK, 100, 100, 0},
  {"100p", PK, PK, 100, 100, 0},
  {"0p", PK, PK, 0, 0, 0},
  /* speed */
  {"3m/s", SP, SP, 3, 0, 0},
  {"3km/h", SP, SP, 0.8333333333333334, 0, 1e-15},
  {"36km/h", SP, SP, 10, 0, 1e-14},
  /* angle, temperature */
  {"30deg", AN, AN, 30, 0, 0},
  {"-45deg", AN, AN, -45, 0, 0},
  {"370deg", AN, AN, 370, 0, 0},
  {"290K", TK, TK, 290, 0, 0},
  {"0K", TK, TK, 0, 0, 0},
  /* probability: "1%" is the same double as "0.01" */
  {"0.01", PR, PR, 0.01, 0, 0},
  {"1%", PR, PR, 0.01, 0, 0},
  {"0.1%", PR, PR, 0.001, 0, 0},
  {"50 %", PR, PR, 0.5, 0, 0},
  {"100%", PR, PR, 1, 0, 0},
  {"0", PR, PR, 0, 0, 0},
  {"1", PR, PR, 1, 0, 0},
  {"1e-3", PR, PR, 0.001, 0, 0},
  /* bare numbers */
  {"3", NUM, NUM, 3, 0, 0},
  {"-2.5", NUM, NUM, -2.5, 0, 0},
  {"+4", NUM, NUM, 4, 0, 0},
  {"0.8", NUM, NUM, 0.8, 0, 0},
  {"1e-3", NUM, NUM, 0.001, 0, 0},
  {"6.02214076e23", NUM, NUM, 6.02214076e23, 0, 0},
  {"3.14159265358979323846264338327950288", NUM, NUM, 3.141592653589793, 0, 0},
};

/* A value that must be refused when asked as the given kind. */
typedef struct {
  const char *text;
  ws_unit_kind asked;
} bad_case;

static const bad_case bad[] = {
  /* time */
  {"1.5", T}, {"0", T}, {"", T}, {"  ", T}, {"ms", T}, {"-1s", T}, {"-0s", T},
  {"1e3ms", T},                 /* no exponent for exact kinds */
  {"1E3ms", T}, {"0.5ns", T},   /* finer than 1 ns */
  {"1.0000000001s", T},         /* finer than 1 ns */
  {"0.1us5", T},                /* trailing garbage */
  {"9223372036854775808ns", T}, /* INT64_MAX + 1 */
  {"9223372036.854775808s", T}, /* INT64_MAX + 1 */
  {"2562048h", T},              /* beyond INT64_MAX ns */
  {"10000000000000000000000ns", T}, {"12345678901234567890ns", T}, /* 20 digits */
  {"1.5 m s", T}, {"1.5msx", T}, {"1.5Ms", T}, {"1.5MS", T}, {"nans", T}, {"infs", T},
  {"inf s", T}, {"nan", T}, {"1..2s", T}, {"1.s", T}, {".5s", T}, {"1,5ms", T},
  {"0x10s", T}, {"1 s s", T}, {"s1", T}, {"1.5 ms garbage", T}, {"1 .5s", T},
  {"5km", T}, {"20dBm", T}, {"1sec", T}, {"1 h 30min", T}, {"1d", T}, {"exp(1s)", T},
  {"--1s", T}, {"+-1s", T}, {"1e", T}, {"1ms\n2ms", T},
  /* distance */
  {"-1m", D}, {"500", D}, {"500 meters", D}, {"1.2Km", D}, {"1e999m", D},
  {"1e", D}, {"1e+", D}, {"1e+m", D}, {"1em", D},
  /* power */
  {"0W", P}, {"-1W", P}, {"0mW", P}, {"-0W", P}, {"46", P}, {"46dB", P},
  {"46 dbm", P}, {"46dBW", P}, {"1e400W", P},
  /* ratio, gain */
  {"3", R}, {"3dBm", R}, {"3dBi", R}, {"8dB", G}, {"8", G},
  /* frequency */
  {"-1MHz", F}, {"2.1", F}, {"2.1ghz", F}, {"2.1 G Hz", F}, {"2.1GHZ", F},
  /* data rate */
  {"-1Mbit/s", RATE}, {"2Mb/s", RATE}, {"2MBps", RATE}, {"2", RATE},
  {"2 Mbit / s", RATE}, {"1e19bit/s", RATE}, /* beyond int64 bit/s */
  {"2MBit/s", RATE}, {"100pkt/s", T}, {"2Mbit/s", PKT},
  {"100p/s", RATE}, {"-5pkt/s", PKT},
  /* size */
  {"0.3KiB", SZ},  /* 307.2 B */
  {"1.5B", SZ}, {"1e3B", SZ}, {"-1B", SZ}, {"1200", SZ}, {"1kb", SZ}, {"1KB", SZ},
  {"10000000000GB", SZ}, /* 10^19 B */
  {"1.5p", SZ}, {"1200B", PK}, {"100", PK}, {"1kp", PK}, {"8GiB8", SZ},
  {"9000000000GiB", SZ},
  /* speed */
  {"-1m/s", SP}, {"3", SP}, {"3 km/hr", SP}, {"3kmh", SP}, {"3 m /s", SP},
  /* angle, temperature */
  {"30", AN}, {"30\xc2\xb0", AN}, {"30rad", AN}, {"-1K", TK}, {"290", TK}, {"290k", TK},
  /* probability */
  {"1.01", PR}, {"101%", PR}, {"100.1%", PR}, {"-0.1", PR}, {"-1%", PR}, {"%", PR},
  {"1%%", PR}, {"0.5p", PR}, {"nan", PR}, {"inf", PR}, {"1 %%", PR}, {"2e0", PR},
  {"-0", PR},
  /* numbers */
  {"3s", NUM}, {"nan", NUM}, {"NaN", NUM}, {"inf", NUM}, {"-inf", NUM}, {"infinity", NUM},
  {"1e", NUM}, {"1e+", NUM}, {"", NUM}, {"3 4", NUM}, {"0x10", NUM}, {"1e99999", NUM},
  {"1e999999999999999999999", NUM}, {".5", NUM}, {"5.", NUM}, {"+", NUM}, {"-", NUM},
  {"1,5", NUM}, {"1_000", NUM}, {"\xef\xbc\x91", NUM}, /* fullwidth digit one */
  {"3%", NUM},
};

static void
test_good(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
    const good_case *c = &good[i];
    ws_quantity q = {0};
    if (!ws_units_parse(c->text, c->asked, &q))
      g_error("\"%s\" (kind %d) was refused", c->text, c->asked);
    g_assert_cmpint(q.kind, ==, c->found);
    if (c->tol == 0)
      g_assert_cmpfloat(q.value, ==, c->value);
    else
      g_assert_cmpfloat_with_epsilon(q.value, c->value, c->tol);
    g_assert_cmpint(q.exact, ==, c->exact);
    g_assert_false(signbit(q.value) && q.value == 0); /* no -0 */
  }
}

static void
test_bad(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    ws_quantity q = {.kind = NUM, .value = 12345, .exact = 6789};
    if (ws_units_parse(bad[i].text, bad[i].asked, &q))
      g_error("\"%s\" (kind %d) was accepted as %g (exact %" G_GINT64_FORMAT ")", bad[i].text,
              bad[i].asked, q.value, q.exact);
    /* out is untouched on failure */
    g_assert_cmpfloat(q.value, ==, 12345);
    g_assert_cmpint(q.exact, ==, 6789);
  }
}

/* Every kind refuses every unit of another kind (except its siblings), and
 * every kind accepts the examples its ws_units_expected string gives. */
static void
test_kinds_and_expected(void)
{
  static const char *one_of_each[] = {"1s",     "1m",  "1dBm", "1dB", "1dBi", "1Hz",
                                      "1bit/s", "1pkt/s", "1B", "1p", "1m/s",  "1deg",
                                      "1K",     "1%",  "1"};
  G_STATIC_ASSERT(G_N_ELEMENTS(one_of_each) == G_N_ELEMENTS(all_kinds));
  for (gsize a = 0; a < G_N_ELEMENTS(all_kinds); a++)
    for (gsize u = 0; u < G_N_ELEMENTS(one_of_each); u++) {
      ws_quantity q;
      ws_unit_kind asked = all_kinds[a], of = all_kinds[u];
      bool sibling = asked == of || (asked == RATE && of == PKT) || (asked == SZ && of == PK) ||
                     (asked == PR && of == NUM); /* "1" is a probability too */
      if (ws_units_parse(one_of_each[u], asked, &q) != sibling)
        g_error("\"%s\" asked as kind %d: expected %s", one_of_each[u], asked,
                sibling ? "accepted" : "refused");
    }

  for (gsize k = 0; k < G_N_ELEMENTS(all_kinds); k++) {
    const char *expected = ws_units_expected(all_kinds[k]);
    g_assert_true(g_str_has_prefix(expected, "a ") || g_str_has_prefix(expected, "an "));
    g_assert_nonnull(strstr(expected, "such as "));
    char **words = g_strsplit(expected, " ", -1);
    int examples = 0;
    for (char **w = words; *w; w++) {
      char *example = g_strdelimit(g_strdup(*w), "()", ' ');
      g_strstrip(example);
      if (g_ascii_isdigit(example[0])) {
        ws_quantity q;
        if (!ws_units_parse(example, all_kinds[k], &q))
          g_error("example \"%s\" of \"%s\" does not parse", example, expected);
        examples++;
      }
      g_free(example);
    }
    g_strfreev(words);
    g_assert_cmpint(examples, >=, 1);
  }
  g_assert_cmpstr(ws_units_expected(T), ==, "a time such as 20ms or 1.5s");
  g_assert_cmpstr(ws_units_expected(P), ==, "a power such as 46dBm or 20W");
  g_assert_cmpstr(ws_units_expected(RATE), ==, "a data rate such as 2Mbit/s or 100pkt/s");
  g_assert_cmpstr(ws_units_expected(SZ), ==,
                  "a size such as 1200B or 64KiB (or packets such as 100p)");
  g_assert_cmpstr(ws_units_expected(PR), ==, "a probability such as 0.01 or 1%");
}

/* Exactness: decimal times written in every unit come back to the integer ns
 * they denote, over the whole int64 range; a double-based parser fails this
 * (e.g. 0.3s x 1e9 = 299999999.99999994). */
static void
test_exact_times(void)
{
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "test-units", "exact times");
  char text[64];
  ws_quantity q;

  for (int i = 0; i < 20000; i++) {
    /* Magnitudes spread over 0 .. 2^63 - 1. */
    int bits = (int)ws_rng_below(&rng, 63) + 1;
    int64_t t = (int64_t)(ws_rng_u64(&rng) >> (64 - bits));
    snprintf(text, sizeof text, "%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT "s", t / WS_S,
             t % WS_S);
    g_assert_true(ws_units_parse(text, T, &q));
    g_assert_cmpint(q.exact, ==, t);
    snprintf(text, sizeof text, "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " ms", t / WS_MS,
             t % WS_MS);
    g_assert_true(ws_units_parse(text, T, &q));
    g_assert_cmpint(q.exact, ==, t);
    snprintf(text, sizeof text, "%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT "us", t / WS_US,
             t % WS_US);
    g_assert_true(ws_units_parse(text, T, &q));
    g_assert_cmpint(q.exact, ==, t);
    /* The value in seconds is the double nearest to t / 10^9 (within 1 ulp). */
    g_assert_cmpfloat(fabs(q.value - (double)t / 1e9), <=, ldexp(fabs(q.value), -52));
  }
  g_assert_true(ws_units_parse("0.3s", T, &q));
  g_assert_cmpint(q.exact, ==, 300000000);
  g_assert_true(ws_units_parse("1.005ms", T, &q));
  g_assert_cmpint(q.exact, ==, 1005000);
  g_assert_true(ws_units_parse("4.35s", T, &q)); /* 4.35 x 1e9 is 4349999999.9999995 */
  g_assert_cmpint(q.exact, ==, INT64_C(4350000000));
}

static void
test_format_time(void)
{
  static const struct {
    ws_time t;
    const char *text;
  } cases[] = {
    {0, "0s"},
    {1, "1ns"},
    {1500, "1.5us"},
    {1500000, "1.5ms"},
    {1234567, "1234567ns"}, /* shorter than 1.234567ms */
    {1234500, "1.2345ms"},
    {2 * WS_S, "2s"},
    {60 * WS_S, "60s"},    /* shorter than 1min */
    {90 * WS_S, "90s"},    /* shorter than 1.5min */
    {120 * WS_S, "2min"},  /* a tie with 120s: the larger unit */
    {3600 * WS_S, "1h"},
    {5400 * WS_S, "1.5h"}, /* shorter than 90min */
    {20 * WS_S + 1, "20.000000001s"},
    {-1500000, "-1.5ms"},
    {INT64_MAX, "9223372036.854775807s"},
    {INT64_MIN, "-9223372036.854775808s"},
  };
  char buf[WS_UNITS_TIME_STRLEN];
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_assert_true(ws_units_format_time(cases[i].t, buf, sizeof buf) == buf);
    g_assert_cmpstr(buf, ==, cases[i].text);
  }
  /* Truncation keeps a NUL. */
  char small[4];
  ws_units_format_time(1500000, small, sizeof small);
  g_assert_cmpstr(small, ==, "1.5");

  /* Round trip for times of every magnitude and of every unit's grid. */
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "test-units", "format");
  static const int64_t grid[] = {1, 1000, 1000000, 1000000000, INT64_C(60000000000),
                                 INT64_C(3600000000000)};
  for (int i = 0; i < 20000; i++) {
    int bits = (int)ws_rng_below(&rng, 63) + 1;
    int64_t t = (int64_t)(ws_rng_u64(&rng) >> (64 - bits));
    if (i % 2) /* a multiple of one of the units */
      t = t / grid[(i / 2) % 6] * grid[(i / 2) % 6];
    ws_quantity q;
    ws_units_format_time(t, buf, sizeof buf);
    if (!ws_units_parse(buf, T, &q) || q.exact != t)
      g_error("%" G_GINT64_FORMAT " formatted as \"%s\" does not parse back", t, buf);
    /* Never longer than the plain ns form. */
    char plain[WS_UNITS_TIME_STRLEN];
    snprintf(plain, sizeof plain, "%" G_GINT64_FORMAT "ns", t);
    g_assert_cmpuint(strlen(buf), <=, strlen(plain));
  }
}

/* ---- random values ------------------------------------------------------- */

static void
test_dist_parse(void)
{
  ws_dist d;

  g_assert_true(ws_units_parse_dist("1..3m/s", SP, &d));
  g_assert_cmpint(d.kind, ==, WS_DIST_UNIFORM);
  g_assert_cmpfloat(d.a.value, ==, 1);
  g_assert_cmpfloat(d.b.value, ==, 3);
  g_assert_cmpint(d.a.kind, ==, SP);
  g_assert_cmpfloat(ws_dist_mean(&d), ==, 2);

  static const char *same[] = {"1m/s..3m/s", " 1 .. 3 m/s ", "1 m/s .. 3m/s", "3.6km/h..3m/s"};
  for (gsize i = 0; i < G_N_ELEMENTS(same); i++) {
    g_assert_true(ws_units_parse_dist(same[i], SP, &d));
    g_assert_cmpint(d.kind, ==, WS_DIST_UNIFORM);
    g_assert_cmpfloat_with_epsilon(d.a.value, 1, 1e-15);
    g_assert_cmpfloat(d.b.value, ==, 3);
  }

  g_assert_true(ws_units_parse_dist("500ms..2s", T, &d));
  g_assert_cmpint(d.a.exact, ==, 500000000);
  g_assert_cmpint(d.b.exact, ==, 2000000000);
  g_assert_true(ws_units_parse_dist("-3..3dB", R, &d));
  g_assert_cmpfloat(d.a.value, ==, -3);
  g_assert_true(ws_units_parse_dist("1..5%", PR, &d)); /* 1%, not 1 */
  g_assert_cmpfloat(d.a.value, ==, 0.01);
  g_assert_cmpfloat(d.b.value, ==, 0.05);
  g_assert_true(ws_units_parse_dist("0.1..0.5", PR, &d));
  g_assert_cmpfloat(d.b.value, ==, 0.5);
  g_assert_true(ws_units_parse_dist("2..2s", T, &d));
  g_assert_cmpint(d.kind, ==, WS_DIST_UNIFORM);
  g_assert_true(ws_units_parse_dist("10dBm..1W", P, &d));
  g_assert_cmpfloat_with_epsilon(d.b.value, 30, 1e-12);
  g_assert_true(ws_units_parse_dist("100..1500B", SZ, &d));
  g_assert_cmpint(d.a.exact, ==, 100);
  g_assert_cmpint(d.b.exact, ==, 1500);
  g_assert_true(ws_units_parse_dist("1..2Mbit/s", RATE, &d));
  g_assert_cmpint(d.a.exact, ==, 1000000);

  static const char *exps[] = {"exp(1s)", "exp( 1s )", "exp (1s)", " exp(1000ms) "};
  for (gsize i = 0; i < G_N_ELEMENTS(exps); i++) {
    g_assert_true(ws_units_parse_dist(exps[i], T, &d));
    g_assert_cmpint(d.kind, ==, WS_DIST_EXP);
    g_assert_cmpint(d.a.exact, ==, 1000000000);
    g_assert_cmpfloat(ws_dist_mean(&d), ==, 1);
  }

  g_assert_true(ws_units_parse_dist("pareto(1200B, 1.5)", SZ, &d));
  g_assert_cmpint(d.kind, ==, WS_DIST_PARETO);
  g_assert_cmpint(d.a.exact, ==, 1200);
  g_assert_cmpfloat(d.shape, ==, 1.5);
  g_assert_cmpfloat(ws_dist_mean(&d), ==, 1200);
  g_assert_true(ws_units_parse_dist("pareto( 1s ,2 )", T, &d));
  g_assert_cmpfloat(d.shape, ==, 2);

  g_assert_true(ws_units_parse_dist("20ms", T, &d));
  g_assert_cmpint(d.kind, ==, WS_DIST_FIXED);
  g_assert_cmpint(d.a.exact, ==, 20000000);
  g_assert_cmpfloat(ws_dist_mean(&d), ==, 0.02);

  static const struct {
    const char *text;
    ws_unit_kind kind;
  } bad_dists[] = {
    {"3..1m/s", SP},          /* a > b */
    {"1m/s..3", SP},          /* the unit only on A */
    {"1..3", SP},             /* no unit */
    {"1B..10p", SZ},          /* bytes to packets */
    {"1Mbit/s..10pkt/s", RATE},
    {"2s..1999ms", T},
    {"exp(0s)", T},           /* mean must be > 0 */
    {"exp(-1s)", T},
    {"exp(1)", T},
    {"exp(1s", T},
    {"exp1s)", T},
    {"exp()", T},
    {"exp(1s..2s)", T},
    {"exp(1s))", T},
    {"pareto(1200B)", SZ},
    {"pareto(1200B, 1)", SZ}, /* shape must be > 1 */
    {"pareto(1200B, 0.5)", SZ},
    {"pareto(1200B, 1.5s)", SZ},
    {"pareto(1200B, 1.5, 2)", SZ},
    {"pareto(0B, 2)", SZ},
    {"pareto(1200B, nan)", SZ},
    {"pareto(1200B, 1e999)", SZ},
    {"pareto(, 2)", SZ},
    {"1...3s", T},
    {"1..2..3s", T},
    {"..3s", T},
    {"1..", T},
    {"..", T},
    {"", T},
    {"uniform(1s, 2s)", T},
    {"1..3m/s x", SP},
    {"20", T},
    {"-1..3s", T},
    {"EXP(1s)", T},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad_dists); i++) {
    d.kind = WS_DIST_PARETO;
    d.shape = 99;
    if (ws_units_parse_dist(bad_dists[i].text, bad_dists[i].kind, &d))
      g_error("\"%s\" was accepted as a random value", bad_dists[i].text);
    g_assert_cmpfloat(d.shape, ==, 99); /* untouched */
  }
}

/* Sample means of N draws within 5 standard deviations of the mean, with the
 * standard deviation of each law: uniform (b-a)/sqrt(12), exponential =
 * mean, Pareto with shape 4 and mean m: scale 3m/4 and variance
 * scale^2 a / ((a-1)^2 (a-2)) = m^2 / 8. Fixed stream: deterministic. */
static void
test_dist_sample(void)
{
  enum { N = 40000 };
  ws_rng rng;
  ws_dist d;
  ws_rng_init(&rng, 1, 0, "test-units", "sample");

  g_assert_true(ws_units_parse_dist("1..3m/s", SP, &d));
  double sum = 0;
  for (int i = 0; i < N; i++) {
    double x = ws_dist_sample(&d, &rng);
    g_assert_cmpfloat(x, >=, 1);
    g_assert_cmpfloat(x, <, 3);
    sum += x;
  }
  g_assert_cmpfloat(fabs(sum / N - ws_dist_mean(&d)), <, 5 * (2 / sqrt(12.0)) / sqrt(N));

  g_assert_true(ws_units_parse_dist("exp(20ms)", T, &d));
  sum = 0;
  for (int i = 0; i < N; i++)
    sum += ws_dist_sample(&d, &rng);
  g_assert_cmpfloat(fabs(sum / N - 0.02), <, 5 * 0.02 / sqrt(N));

  g_assert_true(ws_units_parse_dist("pareto(1200B, 4)", SZ, &d));
  sum = 0;
  for (int i = 0; i < N; i++) {
    double x = ws_dist_sample(&d, &rng);
    g_assert_cmpfloat(x, >=, 900);
    sum += x;
  }
  g_assert_cmpfloat(fabs(sum / N - 1200), <, 5 * 1200 / sqrt(8.0) / sqrt(N));

  /* Exact draws: integers of [100, 1500], every one equally likely, both
   * ends reached (each has 1/1401 per draw: missing one in 40000 draws has
   * probability e^-28). */
  g_assert_true(ws_units_parse_dist("100..1500B", SZ, &d));
  int64_t lo = INT64_MAX, hi = 0, isum = 0;
  for (int i = 0; i < N; i++) {
    int64_t x = ws_dist_sample_exact(&d, &rng);
    lo = MIN(lo, x);
    hi = MAX(hi, x);
    isum += x;
  }
  g_assert_cmpint(lo, ==, 100);
  g_assert_cmpint(hi, ==, 1500);
  /* Discrete uniform on 1401 values: sd sqrt((1401^2 - 1) / 12) = 404.4. */
  g_assert_cmpfloat(fabs((double)isum / N - 800), <, 5 * 404.4 / sqrt(N));

  g_assert_true(ws_units_parse_dist("exp(1ms)", T, &d));
  double dsum = 0;
  for (int i = 0; i < N; i++)
    dsum += (double)ws_dist_sample_exact(&d, &rng);
  g_assert_cmpfloat(fabs(dsum / N - 1e6), <, 5 * 1e6 / sqrt(N));

  /* Heavy Pareto tails saturate instead of overflowing: with mean 3.6e18 ns
   * and shape 1.01 the scale is 3.56e16 ns, and a draw exceeds INT64_MAX
   * when U < (3.56e16 / 9.22e18)^1.01 = 0.0036, about 73 times in 20000. */
  g_assert_true(ws_units_parse_dist("pareto(1000000h, 1.01)", T, &d));
  int saturated = 0;
  for (int i = 0; i < 20000; i++) {
    int64_t x = ws_dist_sample_exact(&d, &rng);
    g_assert_cmpint(x, >=, INT64_C(35643564356435643));
    saturated += x == INT64_MAX;
  }
  g_assert_cmpint(saturated, >, 20);
  g_assert_cmpint(saturated, <, 200);

  /* A fixed value draws nothing from the stream. */
  g_assert_true(ws_units_parse_dist("1200B", SZ, &d));
  ws_rng copy = rng;
  g_assert_cmpfloat(ws_dist_sample(&d, &rng), ==, 1200);
  g_assert_cmpint(ws_dist_sample_exact(&d, &rng), ==, 1200);
  g_assert_cmphex(ws_rng_u32(&rng), ==, ws_rng_u32(&copy));
}

static void
test_misuse(void)
{
  ws_quantity q;
  if (g_test_undefined()) {
    g_test_expect_message("core", G_LOG_LEVEL_CRITICAL, "*valid_kind*");
    g_assert_false(ws_units_parse("1s", (ws_unit_kind)99, &q));
    g_test_assert_expected_messages();
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/units/good", test_good);
  g_test_add_func("/units/bad", test_bad);
  g_test_add_func("/units/kinds-and-expected", test_kinds_and_expected);
  g_test_add_func("/units/exact-times", test_exact_times);
  g_test_add_func("/units/format-time", test_format_time);
  g_test_add_func("/units/dist-parse", test_dist_parse);
  g_test_add_func("/units/dist-sample", test_dist_sample);
  g_test_add_func("/units/misuse", test_misuse);
  return g_test_run();
}
