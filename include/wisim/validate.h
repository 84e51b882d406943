/* wisim validation experiments: a registry of named experiments, each of
 * which builds its own simulations, compares what they measure with a
 * closed form, a standard or a published figure, and returns the results.
 * `wisim validate` prints them; tests/validation/suite.c asserts them. */
#ifndef WISIM_VALIDATE_H
#define WISIM_VALIDATE_H

#include <glib.h>
#include <stdbool.h>

/* How a simulated value is judged against its reference. */
typedef enum {
  WS_VCHECK_RELATIVE, /* |simulated / reference - 1| <= tolerance */
  WS_VCHECK_AT_LEAST, /* simulated >= bound (the reference is what theory says) */
  WS_VCHECK_AT_MOST,  /* simulated <= bound */
} ws_vcheck;

/* One compared quantity. Strings are owned by the result. */
typedef struct {
  char *model;       /* what is simulated: "M/D/1 queue, load 0.8" */
  char *quantity;    /* what is compared: "mean delay W" */
  char *unit;        /* unit of reference, simulated, ci95, bound ("" if none) */
  double reference;  /* the theory's or the publication's value */
  char *source;      /* where the reference comes from (paper, RFC, standard) */
  double simulated;  /* the mean over the replications */
  double ci95;       /* half-width of its 95% Student-t CI; NAN when n < 2 */
  unsigned n;        /* replications behind simulated (1: a single run) */
  ws_vcheck check;
  double tolerance;  /* WS_VCHECK_RELATIVE: the relative tolerance */
  double bound;      /* WS_VCHECK_AT_LEAST / AT_MOST: the limit, in unit */
  double ci_limit;   /* > 0: the CI half-width must also be below ci_limit x
                      * |reference|, i.e. the run is long enough to say so */
  double rel_error;  /* simulated / reference - 1; NAN when reference is 0 */
  bool pass;
  char *note;        /* detail for the curious (counts, per-run range), or NULL */
} ws_validation_result;

/* One experiment of the registry. */
typedef struct {
  const char *name;  /* stable, lower-case, e.g. "mg1-md1-0.8" */
  const char *title; /* one line: what it checks */
  bool quick;        /* part of `make test` (seconds); the others run under
                      * `-m slow` or WISIM_VALIDATE_SLOW=1, and in `wisim validate` */
  /* Runs the experiment and appends its results (ws_validation_result *,
   * owned by the array) to out. Must touch no global state: every
   * experiment owns its ws_sim, so experiments may run in parallel threads. */
  void (*run)(GPtrArray *out);
} ws_validation;

/* The registry, in a stable order; n receives its length. Static. */
const ws_validation *ws_validation_list(unsigned *n);
/* The experiment called name, or NULL. */
const ws_validation *ws_validation_find(const char *name);
/* The registered name closest to name (edit distance), for a did-you-mean;
 * NULL when nothing is close. Static string. */
const char *ws_validation_suggest(const char *name);

/* Runs v and returns its results: a new array (caller frees with
 * g_ptr_array_unref, which frees the results). Never empty: an experiment
 * that returns nothing gets one failing result saying so. */
GPtrArray *ws_validation_run(const ws_validation *v);

/* ---- for the experiments ------------------------------------------------- */

/* Appends a result compared within a relative tolerance; the strings are
 * copied (note may be NULL); ci95 NAN when there is no interval. Fills
 * rel_error and pass. Returns the result (owned by out) for further fields. */
ws_validation_result *ws_validation_add_relative(GPtrArray *out, const char *model,
                                                 const char *quantity, const char *unit,
                                                 double reference, const char *source,
                                                 double simulated, double ci95, unsigned n,
                                                 double tolerance, const char *note);
/* Appends a result that must lie at or above (check WS_VCHECK_AT_LEAST) or
 * at or below (WS_VCHECK_AT_MOST) bound; reference is still what theory
 * says, for the relative error. */
ws_validation_result *ws_validation_add_bound(GPtrArray *out, const char *model,
                                              const char *quantity, const char *unit,
                                              double reference, const char *source,
                                              double simulated, double ci95, unsigned n,
                                              ws_vcheck check, double bound, const char *note);
/* Appends a failing result that reports an experiment that could not run
 * (a scenario that does not load, an invariant broken), with the message. */
void ws_validation_add_error(GPtrArray *out, const char *model, const char *message);
/* Sets r->ci_limit and re-judges r. */
void ws_validation_require_ci(ws_validation_result *r, double ci_limit);
/* Frees a result (a GDestroyNotify for the arrays). */
void ws_validation_result_free(gpointer r);

/* The acceptance rule as text: "±3%", "≥ 0.95", "≤ 15 ms", with
 * " (CI < 3%)" when ci_limit is set. Caller frees with g_free. */
char *ws_validation_rule_text(const ws_validation_result *r);

#endif
