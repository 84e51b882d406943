/* wisim scenario loader: reads a scenario file (GLib key-file syntax) with
 * its own line index, checks every group, key, value and reference against
 * the vocabulary of docs/scenario-format.md, applies --set overrides, and
 * gives typed, already-validated values to the world builder. */
#ifndef WISIM_SCENARIO_H
#define WISIM_SCENARIO_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/units.h"

#define WS_SCENARIO_ERROR (ws_scenario_error_quark())
GQuark ws_scenario_error_quark(void);

typedef enum {
  WS_SCENARIO_ERROR_IO,      /* the file cannot be read */
  WS_SCENARIO_ERROR_INVALID, /* one or more problems in the scenario */
} ws_scenario_error_code;

/* The largest count = N of a group (documented limit; more is an error). */
#define WS_SCENARIO_MAX_COUNT 100000

/* A loaded, validated scenario. Opaque; immutable after loading. */
typedef struct ws_scenario ws_scenario;
/* One group of the file: [kind] or [kind NAME]. Owned by its scenario. */
typedef struct ws_group ws_group;

/* Loads and validates the scenario at path, after applying overrides (a
 * NULL-terminated array of "GROUP.key=value" strings, or NULL). On any
 * problem returns NULL and sets error: message = every problem, one per line,
 * each "FILE:LINE: [group] key: expected ..., found \"...\"" (did-you-mean
 * suggestions included). Caller frees with ws_scenario_free. */
ws_scenario *ws_scenario_load(const char *path, const char *const *overrides, GError **error);
/* Same, from memory; filename is used in messages and for the default name. */
ws_scenario *ws_scenario_load_data(const char *filename, const char *data, size_t len,
                                   const char *const *overrides, GError **error);
void ws_scenario_free(ws_scenario *sc);

/* Warnings (legal values outside a model's validity range...), each
 * "FILE:LINE: warning: [group] key: ..." (the word "warning: " included);
 * NULL-terminated, owned by the scenario. */
const char *const *ws_scenario_warnings(const ws_scenario *sc);
/* The overrides as given (NULL-terminated, owned by the scenario). */
const char *const *ws_scenario_overrides(const ws_scenario *sc);
/* The file path as given. */
const char *ws_scenario_path(const ws_scenario *sc);
/* [simulation] name, or the file's stem. */
const char *ws_scenario_name(const ws_scenario *sc);
/* The scenario as run: the original text with overridden values replaced on
 * their lines and added keys appended to their group. Owned by the scenario. */
const char *ws_scenario_text(const ws_scenario *sc);
/* SHA-256 of ws_scenario_text, 64 lowercase hex digits. Owned by the scenario. */
const char *ws_scenario_sha256(const ws_scenario *sc);

/* Groups in file order. */
unsigned ws_scenario_n_groups(const ws_scenario *sc);
const ws_group *ws_scenario_group(const ws_scenario *sc, unsigned i);
/* The group of that kind and name (name NULL for [simulation], [radio],
 * [handover], [trace]), or NULL. [simulation] always exists after a load. */
const ws_group *ws_scenario_find(const ws_scenario *sc, const char *kind, const char *name);
/* The group that defines an entity (by group name or member name "NAME/i"),
 * whatever its kind, or NULL. "core" always gives a group: the file's
 * [router core], else a built-in one (line 0, no keys) that is not among
 * ws_scenario_group()'s; ws_scenario_find(sc, "router", "core") too. */
const ws_group *ws_scenario_entity_group(const ws_scenario *sc, const char *ref);

/* Expands an entity reference into member names: "NAME" of a group with
 * count N gives NAME/0..NAME/N-1, without count gives NAME; "NAME/i" gives
 * itself. The built-in router "core" expands to "core". NULL when ref names
 * nothing. Caller frees with g_strfreev. */
char **ws_scenario_expand(const ws_scenario *sc, const char *ref);

const char *ws_group_kind(const ws_group *g);  /* "simulation", "link", ... */
const char *ws_group_name(const ws_group *g);  /* NULL for singleton kinds */
int ws_group_line(const ws_group *g);          /* line of the [header] */
/* count = N, or 0 when the group has no count key (one entity named NAME). */
int ws_group_count(const ws_group *g);
/* True when the key is given in the file or by an override. */
bool ws_group_has(const ws_group *g, const char *key);
/* Line of the key (0 when not given); overridden keys keep their file line,
 * keys added by an override give their group's header line. */
int ws_group_key_line(const ws_group *g, const char *key);

/* Typed values, already validated: the value given, else the documented
 * default. Asking for an unknown key or one of another type is a programmer
 * error (g_return_val_if_fail). Strings are owned by the scenario.
 * Keys whose default depends on the model (no default in the table) give 0
 * when absent: test ws_group_has. A key set to a special word (stop = end,
 * rate = auto, ...: see ws_group_word) gives 0, except a time "end", which
 * gives the [simulation] duration. Leniency: ws_group_number also reads int
 * and unit keys (SI value), ws_group_quantity also number keys, and
 * ws_group_dist also plain unit keys (as a FIXED value). */
const char *ws_group_string(const ws_group *g, const char *key); /* raw text; NULL when absent, no default */
bool ws_group_bool(const ws_group *g, const char *key);
int64_t ws_group_int(const ws_group *g, const char *key);        /* bare integers: count, seed, runs */
double ws_group_number(const ws_group *g, const char *key);      /* bare numbers: exponent, memory */
ws_time ws_group_time(const ws_group *g, const char *key);
ws_quantity ws_group_quantity(const ws_group *g, const char *key); /* any unit kind */
ws_dist ws_group_dist(const ws_group *g, const char *key);        /* keys that may be random */
/* A list value split at ',' (or ';' for point lists), items trimmed.
 * Caller frees with g_strfreev. */
char **ws_group_list(const ws_group *g, const char *key);

/* The value of an enum key (queue, transport, type, ...): the choice given,
 * else the default (NULL when the key has none). Owned by the scenario or
 * static. */
const char *ws_group_enum(const ws_group *g, const char *key);
/* The special word a key is set to, given or by default ("end" for stop,
 * "auto", "off", "none", "all", "unlimited"), or NULL when it holds a value.
 * Owned by the scenario or static. */
const char *ws_group_word(const ws_group *g, const char *key);
/* Coordinates in metres of a point-like key (position, center: x y; area:
 * xmin ymin xmax ymax; points: x y per point; waypoints: x y t_s per point),
 * given or default. Copies up to max of them into out; returns how many
 * there are (0 when absent without default). */
unsigned ws_group_coords(const ws_group *g, const char *key, double *out, unsigned max);

/* Human-readable list of the model names a scenario can use (kinds, keys
 * with a fixed set of values and which of them are supported in this
 * build), for `wisim list models`. Caller frees with g_free. */
char *ws_scenario_describe_models(void);

#endif
