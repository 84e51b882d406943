/* wisim units: parses the physical values of a scenario file ("46dBm",
 * "1.5ms", "2Mbit/s", "100p", "1..3m/s", "exp(1s)", "1%") into SI values,
 * exactly where exactness matters (times in integer ns, sizes in bytes). */
#ifndef WISIM_UNITS_H
#define WISIM_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/rng.h"

/* What a value measures. A parse asks for one kind; the result's kind may
 * be a sibling where the format allows two (RATE or PKT_RATE, SIZE or
 * PACKETS). */
typedef enum {
  WS_UNIT_TIME,        /* ns us ms s min h          -> .exact in ns, .value in s */
  WS_UNIT_DISTANCE,    /* m km                       -> m */
  WS_UNIT_POWER,       /* dBm W mW                   -> dBm */
  WS_UNIT_RATIO,       /* dB                         -> dB */
  WS_UNIT_GAIN,        /* dBi                        -> dBi */
  WS_UNIT_FREQUENCY,   /* Hz kHz MHz GHz             -> Hz */
  WS_UNIT_RATE,        /* bit/s kbit/s Mbit/s Gbit/s bps kbps Mbps Gbps -> bit/s (.exact too) */
  WS_UNIT_PKT_RATE,    /* pkt/s                      -> packets per second */
  WS_UNIT_SIZE,        /* B kB MB GB KiB MiB GiB     -> bytes (.exact too) */
  WS_UNIT_PACKETS,     /* p                          -> packets (.exact too) */
  WS_UNIT_SPEED,       /* m/s km/h                   -> m/s */
  WS_UNIT_ANGLE,       /* deg                        -> degrees */
  WS_UNIT_TEMPERATURE, /* K                          -> kelvin */
  WS_UNIT_PROBABILITY, /* 0.01 or 1%                 -> [0, 1] */
  WS_UNIT_NUMBER,      /* a bare number (count, exponent, coefficient) */
} ws_unit_kind;

/* A parsed value. */
typedef struct {
  ws_unit_kind kind; /* what was found (see above for sibling kinds) */
  double value;      /* in the SI unit listed above */
  int64_t exact;     /* exact integer: ns for TIME, bytes for SIZE, packets for
                        PACKETS, bit/s for RATE (rounded to nearest bit/s);
                        0 for other kinds */
} ws_quantity;

/* Parses text (surrounding spaces allowed, and spaces between the number and
 * its unit: "10 ms") as a value of the given kind. RATE also accepts pkt/s
 * (kind PKT_RATE in the result) and SIZE also accepts p (kind PACKETS).
 * Times, sizes and packets are exact decimal integers (no exponent, at most
 * 19 significant digits, nothing finer than 1 ns or 1 B, at most INT64_MAX);
 * negative values only for power in dBm, dB, dBi, deg and bare numbers; W
 * and mW > 0; probability in [0, 1]; only PROBABILITY and NUMBER take a
 * number without a unit. The full syntax is at the top of sim/core/units.c.
 * Returns false (out untouched) when text is not such a value. */
bool ws_units_parse(const char *text, ws_unit_kind kind, ws_quantity *out);

/* What a value of this kind looks like, for error messages, e.g.
 * "a power such as 46dBm or 20W". Static string. */
const char *ws_units_expected(ws_unit_kind kind);

/* A value that may be random (SCENARIO-FORMAT.md "Random values"). */
typedef enum {
  WS_DIST_FIXED,   /* a */
  WS_DIST_UNIFORM, /* a..b, uniform on [a, b] */
  WS_DIST_EXP,     /* exp(a): exponential with mean a */
  WS_DIST_PARETO,  /* pareto(a, shape): Pareto with mean a */
} ws_dist_kind;

typedef struct {
  ws_dist_kind kind;
  ws_quantity a;  /* the value, the lower bound or the mean */
  ws_quantity b;  /* the upper bound (UNIFORM only) */
  double shape;   /* Pareto shape (> 1) */
} ws_dist;

/* Parses "A", "A..B" (the unit may be given once, after B: "1..3m/s"),
 * "exp(MEAN)" or "pareto(MEAN, SHAPE)" with values of the given kind.
 * Requires a <= b (A and B of the same result kind), MEAN > 0 and a bare
 * number SHAPE > 1. Returns false (out untouched) when text is none of these. */
bool ws_units_parse_dist(const char *text, ws_unit_kind kind, ws_dist *out);

/* Draws one value (in the SI unit of its kind) from the given stream. A FIXED
 * value draws nothing from the stream. */
double ws_dist_sample(const ws_dist *dist, ws_rng *rng);
/* Draws one value in the exact integer unit of its kind (ns for TIME, bytes
 * for SIZE, packets for PACKETS, bit/s for RATE; other kinds are misuse).
 * FIXED returns a.exact without drawing; UNIFORM gives every integer of
 * [a, b] the same chance; EXP and PARETO are rounded to the nearest integer
 * (so they can give 0) and saturate at INT64_MAX. */
int64_t ws_dist_sample_exact(const ws_dist *dist, ws_rng *rng);
/* The distribution's mean, in the SI unit of its kind. */
double ws_dist_mean(const ws_dist *dist);

/* Formats a time in ns the way users write it: the shortest exact form over
 * ns us ms s min h, the larger unit on a tie ("1.5ms", "2s", "2min", "0s";
 * "-" before negative times). ws_units_parse gives t back for t >= 0. Writes
 * at most len > 0 bytes including the NUL (truncating); returns buf.
 * WS_UNITS_TIME_STRLEN bytes always suffice. */
char *ws_units_format_time(ws_time t, char *buf, unsigned len);
#define WS_UNITS_TIME_STRLEN 32

#endif
