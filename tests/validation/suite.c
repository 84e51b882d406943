/* The validation experiments as g_test cases: one case per experiment of
 * the registry (tests/validation/registry.c), "/validation/NAME", asserting
 * that every result passes, through the very functions `wisim validate`
 * runs. Slow experiments are skipped unless `-m slow` or
 * WISIM_VALIDATE_SLOW=1. */
#include <math.h>
#include <string.h>

#include "wisim/validate.h"

static void run_experiment(gconstpointer data) {
  const ws_validation *v = data;
  const char *env = g_getenv("WISIM_VALIDATE_SLOW");
  bool slow_on = g_test_slow() || (env && *env && strcmp(env, "0") != 0);
  if (!v->quick && !slow_on) {
    g_test_skip("slow experiment: run with -m slow or WISIM_VALIDATE_SLOW=1 "
                "(or `wisim validate`)");
    return;
  }
  GPtrArray *results = ws_validation_run(v);
  unsigned failed = 0;
  for (unsigned i = 0; i < results->len; i++) {
    const ws_validation_result *r = results->pdata[i];
    char *rule = ws_validation_rule_text(r);
    g_test_message("%s %s | %s: simulated %.6g %s (95%% CI +-%.3g, n = %u) vs %.6g (%s); "
                   "error %+.2f%%; rule %s%s%s",
                   r->pass ? "PASS" : "FAIL", r->model, r->quantity, r->simulated, r->unit,
                   r->ci95, r->n, r->reference, r->source, r->rel_error * 100, rule,
                   r->note ? "; " : "", r->note ? r->note : "");
    g_free(rule);
    if (!r->pass) failed++;
  }
  g_ptr_array_unref(results);
  g_assert_cmpuint(failed, ==, 0);
}

/* ---- the registry and the judging rules themselves ---------------------- */

/* Names are unique, lower-case words joined by '-' (shell-friendly), each
 * found by ws_validation_find; typos and prefixes get a suggestion, far
 * names none. */
static void test_registry(void) {
  unsigned n;
  const ws_validation *list = ws_validation_list(&n);
  g_assert_cmpuint(n, >=, 15);
  for (unsigned i = 0; i < n; i++) {
    g_assert_true(ws_validation_find(list[i].name) == &list[i]);
    for (const char *c = list[i].name; *c; c++)
      g_assert_true(g_ascii_islower(*c) || g_ascii_isdigit(*c) || *c == '-' || *c == '.');
    g_assert_nonnull(list[i].title);
    g_assert_nonnull(list[i].run);
  }
  g_assert_null(ws_validation_find("tcp-mathis"));
  g_assert_cmpstr(ws_validation_suggest("tcp-mathis-1pc"), ==, "tcp-mathis-1pct");
  g_assert_cmpstr(ws_validation_suggest("codel-standing-dealy"), ==, "codel-standing-delay");
  g_assert_cmpstr(ws_validation_suggest("tcp-mathis"), ==, "tcp-mathis-0.1pct");
  g_assert_null(ws_validation_suggest("quantum-chromodynamics"));
}

/* The rules: relative within tolerance (both signs, the edge included),
 * bounds, NaN never passing, and the CI limit. */
static void test_rules(void) {
  GPtrArray *out = g_ptr_array_new_with_free_func(ws_validation_result_free);
  ws_validation_result *r;
  r = ws_validation_add_relative(out, "m", "q", "ms", 2.0, "s", 2.05, NAN, 1, 0.03, NULL);
  g_assert_true(r->pass);
  g_assert_cmpfloat(fabs(r->rel_error - 0.025), <, 1e-12);
  g_assert_true(isnan(r->ci95));
  r = ws_validation_add_relative(out, "m", "q", "ms", 2.0, "s", 1.9, 0.01, 4, 0.03, NULL);
  g_assert_false(r->pass);
  r = ws_validation_add_relative(out, "m", "q", "", 2.0, "s", NAN, NAN, 1, 0.03, NULL);
  g_assert_false(r->pass);
  r = ws_validation_add_relative(out, "m", "q", "", 2.0, "s", 2.0, 0.1, 8, 0.03, NULL);
  g_assert_true(r->pass);
  ws_validation_require_ci(r, 0.03); /* 0.1 > 3% of 2 */
  g_assert_false(r->pass);
  r = ws_validation_add_bound(out, "m", "q", "", 1.0, "s", 0.9, NAN, 1, WS_VCHECK_AT_LEAST, 0.9,
                              NULL);
  g_assert_true(r->pass);
  char *rule = ws_validation_rule_text(r);
  g_assert_cmpstr(rule, ==, ">= 0.9");
  g_free(rule);
  r = ws_validation_add_bound(out, "m", "q", "ms", NAN, "s", 16, NAN, 1, WS_VCHECK_AT_MOST, 15,
                              NULL);
  g_assert_false(r->pass);
  g_assert_true(isnan(r->rel_error));
  rule = ws_validation_rule_text(r);
  g_assert_cmpstr(rule, ==, "<= 15 ms");
  g_free(rule);
  ws_validation_add_error(out, "m", "broken");
  r = out->pdata[out->len - 1];
  g_assert_false(r->pass);
  g_assert_cmpstr(r->note, ==, "broken");
  g_ptr_array_unref(out);
}

/* The command on top of the registry (when make test gives its path in
 * WISIM): one experiment passes with status 0 and prints its reference's
 * source; an unknown name is status 2 with a did-you-mean and the list;
 * the results do not depend on the number of threads. */
static void test_command(void) {
  const char *wisim = g_getenv("WISIM");
  if (!wisim || !*wisim) {
    g_test_skip("WISIM (the wisim binary) not set");
    return;
  }
  char *argv_ok[] = {(char *)wisim, "validate", "red-steady-state", NULL};
  char *out = NULL, *err = NULL;
  int status;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, argv_ok, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                             &status, &error));
  g_assert_no_error(error);
  g_assert_true(g_spawn_check_wait_status(status, NULL));
  g_assert_nonnull(strstr(out, "Floyd & Jacobson 1993"));
  g_assert_nonnull(strstr(out, "PASS"));
  g_assert_null(strstr(out, "FAIL"));
  g_free(out);
  g_free(err);
  char *argv_bad[] = {(char *)wisim, "validate", "red-stedy-state", NULL};
  g_assert_true(g_spawn_sync(NULL, argv_bad, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                             &status, &error));
  g_assert_false(g_spawn_check_wait_status(status, &error));
  g_assert_true(g_error_matches(error, G_SPAWN_EXIT_ERROR, 2));
  g_clear_error(&error);
  g_assert_nonnull(strstr(err, "did you mean \"red-steady-state\""));
  g_assert_nonnull(strstr(err, "voip-emodel"));
  g_free(out);
  g_free(err);
  /* Threads change nothing: the same table with one thread and with two
   * (--markdown has no wall times; the summary goes to stderr). */
  char *tables[2];
  for (int k = 0; k < 2; k++) {
    char *argv_j[] = {(char *)wisim, "validate", "--markdown", "-j", k ? "2" : "1",
                      "red-overload", "mg1-md1-0.5", "voip-emodel", NULL};
    g_assert_true(g_spawn_sync(NULL, argv_j, NULL, G_SPAWN_DEFAULT, NULL, NULL, &tables[k], &err,
                               &status, &error));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_free(err);
  }
  g_assert_nonnull(strstr(tables[0], "| red-overload |"));
  g_assert_cmpstr(tables[0], ==, tables[1]);
  g_free(tables[0]);
  g_free(tables[1]);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  unsigned n;
  const ws_validation *list = ws_validation_list(&n);
  for (unsigned i = 0; i < n; i++) {
    char *path = g_strdup_printf("/validation/%s", list[i].name);
    g_test_add_data_func(path, &list[i], run_experiment);
    g_free(path);
  }
  g_test_add_func("/validation-registry/names", test_registry);
  g_test_add_func("/validation-registry/rules", test_rules);
  g_test_add_func("/validation-registry/command", test_command);
  return g_test_run();
}
