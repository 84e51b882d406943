/* wisim scenario loader, shared inside sim/scenario only: the schema (every
 * group kind and key of SCENARIO-FORMAT.md with its value type, default,
 * limits and whether this build supports it) and the one value parser used
 * for values and defaults alike. The table lives in schema.c. */
#ifndef WISIM_SCENARIO_INT_H
#define WISIM_SCENARIO_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/scenario.h"
#include "wisim/units.h"

/* Every group kind, in the order of SCENARIO-FORMAT.md. */
typedef enum {
  WS_KIND_SIMULATION,
  WS_KIND_RADIO,
  WS_KIND_HANDOVER,
  WS_KIND_TRACE,
  WS_KIND_CELL,
  WS_KIND_LAYOUT,
  WS_KIND_UE,
  WS_KIND_AP,
  WS_KIND_STATION,
  WS_KIND_NODE,
  WS_KIND_HOST,
  WS_KIND_ROUTER,
  WS_KIND_LINK,
  WS_KIND_FLOW,
  WS_KIND_EVENT,
  WS_KIND_N
} ws_kind_id;

#define WS_KMASK(k) (1u << (k))

/* What a value looks like. */
typedef enum {
  WS_VAL_QUANTITY,  /* one value of .unit (ws_units_parse) */
  WS_VAL_DIST,      /* a value of .unit that may be random (ws_units_parse_dist) */
  WS_VAL_BOOL,      /* yes/no, on/off, true/false */
  WS_VAL_INT,       /* a bare whole number */
  WS_VAL_NUMBER,    /* a bare real number */
  WS_VAL_ENUM,      /* one of .choices */
  WS_VAL_REF,       /* one entity name (NAME, NAME/i, core) of .ref_kinds */
  WS_VAL_REF_PAIR,  /* exactly two entity names, "A, B" */
  WS_VAL_REF_LIST,  /* one or more entity names, "A, B, C" */
  WS_VAL_POINT,     /* "x, y" in metres */
  WS_VAL_AREA,      /* "XMIN, YMIN, XMAX, YMAX" in metres */
  WS_VAL_POINTS,    /* "x,y; x,y; ..." */
  WS_VAL_WAYPOINTS, /* "x,y@TIME; ..." with non-decreasing times */
  WS_VAL_NAME,      /* a name usable as a folder: letters, digits, - _ . */
  WS_VAL_TEXT,      /* free text or a file name, not empty */
} ws_val_type;

/* Limits on the value (in the SI unit of its kind; on both bounds of a
 * uniform range and on the mean of other random values). */
typedef enum {
  WS_LIMIT_NONE,
  WS_LIMIT_POSITIVE, /* > 0 */
  WS_LIMIT_NONNEG,   /* >= 0 */
  WS_LIMIT_RANGE,    /* min <= v <= max */
  WS_LIMIT_ABOVE,    /* min < v <= max */
} ws_limit;

/* One value of an enum key. why: what is missing when not supported. */
typedef struct {
  const char *name;
  bool supported;
  const char *why;
} ws_choice;

enum {
  WS_KEY_REQUIRED = 1u << 0,         /* must be given (reported at the header) */
  WS_KEY_UNSUPPORTED = 1u << 1,      /* the model behind the key is not built yet */
  WS_KEY_PRIMARY_UNIT = 1u << 2,     /* only .unit itself: bit/s not pkt/s, bytes not p */
  WS_KEY_YES_UNSUPPORTED = 1u << 3,  /* BOOL whose "yes" is not built yet (ecn) */
};

typedef struct {
  const char *key;
  ws_val_type type;
  ws_unit_kind unit;          /* QUANTITY and DIST */
  unsigned flags;             /* WS_KEY_* */
  const char *def;            /* the default as text (parsed by ws_schema_parse), or
                                 NULL: none, or one that depends on the model */
  const char *words;          /* special words accepted instead of a value,
                                 '|'-separated ("end", "none|all"), or NULL */
  ws_limit limit;
  double min, max;            /* for WS_LIMIT_RANGE / ABOVE */
  const ws_choice *choices;   /* ENUM: terminated by a {NULL} entry */
  unsigned ref_kinds;         /* REF*: WS_KMASK of the kinds it may name */
  const char *why;            /* UNSUPPORTED, YES_UNSUPPORTED: what is missing */
  const char *doc;            /* one line for `wisim list models` */
} ws_key_spec;

typedef struct {
  const char *kind;
  bool named;                  /* [kind NAME] (else a singleton [kind]) */
  bool countable;              /* has a count key: members NAME/0..N-1 */
  bool supported;              /* built in this version */
  const char *why;             /* what is missing when not supported */
  const ws_key_spec *keys;
  unsigned n_keys;
  /* More keys accepted as defaults for generated entities (a layout takes
   * every [cell] key but the required ones). */
  const ws_key_spec *more_keys;
  unsigned n_more_keys;
} ws_kind_spec;

/* Upper bound of count = N (scenario.h's WS_SCENARIO_MAX_COUNT). */
#define WS_SCHEMA_MAX_COUNT WS_SCENARIO_MAX_COUNT

/* The table, indexed by ws_kind_id. */
extern const ws_kind_spec ws_schema_kinds[WS_KIND_N];

/* The kind named kind, or -1. */
int ws_schema_kind_id(const char *kind);
/* The spec of key in kind (own keys, then more_keys but the required ones),
 * or NULL when the kind has no such key. */
const ws_key_spec *ws_schema_key(const ws_kind_spec *kind, const char *key);

/* A parsed value. Which fields are set depends on the key's type. */
typedef struct {
  bool word;         /* the text is one of the key's special words */
  bool b;            /* BOOL */
  int64_t i;         /* INT */
  double x;          /* NUMBER */
  ws_quantity q;     /* QUANTITY */
  ws_dist d;         /* DIST */
  unsigned n_coords; /* POINT 2, AREA 4, POINTS 2 per point, WAYPOINTS 3 per
                        point (x m, y m, t s) */
  double *coords;    /* owned: free with ws_schema_value_clear */
} ws_value;

/* Parses text as a value of key k into out (cleared first). On failure
 * returns false and, when expected is not NULL, sets *expected to what was
 * expected ("a power such as 46dBm or 20W"; caller frees with g_free).
 * References are only checked for their syntax here. */
bool ws_schema_parse(const ws_key_spec *k, const char *text, ws_value *out, char **expected);
/* NULL when v is within k's limits, else what is wrong ("must be more than
 * 0"); caller frees with g_free. */
char *ws_schema_check_limit(const ws_key_spec *k, const ws_value *v);
/* What a value of key k looks like, for messages. Caller frees with g_free. */
char *ws_schema_expected(const ws_key_spec *k);
/* The kinds of mask in words: "host or router" ("a host or router" with
 * article). Caller frees with g_free. */
char *ws_schema_kinds_phrase(unsigned mask, bool article);
/* True when text is one of k's special words. */
bool ws_schema_is_word(const ws_key_spec *k, const char *text);
/* Frees what a parsed value owns and zeroes it. */
void ws_schema_value_clear(ws_value *v);

#endif
