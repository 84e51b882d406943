/* libFuzzer target over ws_scenario_load_data: any bytes must either load or
 * fail with a message; never crash, leak, read out of bounds, hit undefined
 * behaviour or trip a g_return_if_fail (made fatal here). A first line
 * "@set GROUP.key=value" is taken as an override, to reach that code too.
 * Build: clang -fsanitize=fuzzer,address,undefined (see the report in the
 * Makefile's fuzz target); seeds: scenarios/ and tests/scenarios/bad/. */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../sim/scenario/scenario-int.h"
#include "wisim/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* A failed precondition is a bug the fuzzer must report. */
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* Reads every key of a loaded group through its typed getter. */
static void read_group(const ws_group *g) {
  const ws_kind_spec *spec = &ws_schema_kinds[ws_schema_kind_id(ws_group_kind(g))];
  for (unsigned i = 0; i < spec->n_keys; i++) {
    const ws_key_spec *k = &spec->keys[i];
    double coords[8];
    g_strfreev(ws_group_list(g, k->key));
    (void)ws_group_string(g, k->key);
    (void)ws_group_word(g, k->key);
    (void)ws_group_key_line(g, k->key);
    switch (k->type) {
    case WS_VAL_QUANTITY:
      (void)ws_group_quantity(g, k->key);
      (void)ws_group_number(g, k->key);
      (void)ws_group_dist(g, k->key);
      if (k->unit == WS_UNIT_TIME) (void)ws_group_time(g, k->key);
      break;
    case WS_VAL_DIST:
      (void)ws_group_dist(g, k->key);
      break;
    case WS_VAL_BOOL:
      (void)ws_group_bool(g, k->key);
      break;
    case WS_VAL_INT:
      (void)ws_group_int(g, k->key);
      break;
    case WS_VAL_NUMBER:
      (void)ws_group_number(g, k->key);
      break;
    case WS_VAL_ENUM:
      (void)ws_group_enum(g, k->key);
      break;
    case WS_VAL_POINT:
    case WS_VAL_AREA:
    case WS_VAL_POINTS:
    case WS_VAL_WAYPOINTS:
      (void)ws_group_coords(g, k->key, coords, G_N_ELEMENTS(coords));
      break;
    default:
      break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  char *set = NULL;
  if (size > 5 && memcmp(text, "@set ", 5) == 0) {
    const char *nl = memchr(text, '\n', size);
    if (nl) {
      set = g_strndup(text + 5, (gsize)(nl - text - 5));
      size -= (size_t)(nl + 1 - text);
      text = nl + 1;
    }
  }
  const char *sets[] = {set, NULL};
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("fuzz.ini", text, size, set ? sets : NULL, &error);
  if (sc) {
    g_assert_null(error);
    g_assert_cmpuint(strlen(ws_scenario_sha256(sc)), ==, 64);
    /* The text as run loads again to the same text. */
    const char *run = ws_scenario_text(sc);
    ws_scenario *again = ws_scenario_load_data("fuzz.ini", run, strlen(run), NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(ws_scenario_text(again), ==, run);
    ws_scenario_free(again);
    for (unsigned i = 0; i < ws_scenario_n_groups(sc); i++) {
      const ws_group *g = ws_scenario_group(sc, i);
      read_group(g);
      const char *name = ws_group_name(g);
      if (name) {
        char **members = ws_scenario_expand(sc, name);
        g_assert_nonnull(members);
        g_assert_true(ws_scenario_entity_group(sc, members[0]) == g);
        g_strfreev(members);
      }
    }
    (void)ws_scenario_warnings(sc);
    ws_scenario_free(sc);
  } else {
    g_assert_nonnull(error);
    g_assert_true(error->message[0] != '\0');
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_error_free(error);
  }
  g_free(set);
  return 0;
}
