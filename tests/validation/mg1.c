/* Validation: one wired link fed by a Poisson flow is an M/G/1 queue; its
 * mean delay and mean number in system must match the Pollaczek-Khinchine
 * formulas (Kleinrock, Queueing Systems vol. 1, 1975, eq. 5.105/5.106), for
 * the actual distribution of IP packet sizes: fixed payloads give M/D/1,
 * exponential payloads a shifted exponential service time. */
#include <math.h>
#include <string.h>

#include "validation-int.h"

enum { REPLICATIONS = 8 };

#define LINK_RATE_BPS 10e6
#define HEADER_BYTES 28.0     /* UDP 8 B + IPv4 20 B (SCENARIO-FORMAT.md) */
#define MEAN_PAYLOAD_BYTES 1222.0 /* so that the mean IP packet takes 1 ms */

typedef struct {
  const char *model;
  double load;           /* rho = lambda E[S] */
  bool exponential;      /* payload exp(1222B), else fixed 1222B */
  const char *duration;  /* per replication, after a 10 s warmup */
} mg1_case;

/* Moments of the service time S = (payload + 28 B) * 8 / rate. Fixed: S is
 * constant. Exponential payload X (mean m): S = c + Y with Y exponential of
 * mean m*8/rate, so E[S^2] = Var(Y) + E[S]^2 = y^2 + (c + y)^2. The payload is
 * a whole number of bytes; rounding a mean-1222 B draw moves E[S^2] by less
 * than 0.01%, far inside the tolerance. */
static void service_moments(const mg1_case *c, double *es, double *es2) {
  double header_s = HEADER_BYTES * 8 / LINK_RATE_BPS;
  double payload_s = MEAN_PAYLOAD_BYTES * 8 / LINK_RATE_BPS;
  *es = header_s + payload_s;
  *es2 = c->exponential ? payload_s * payload_s + *es * *es : *es * *es;
}

static void run_case(const mg1_case *c, GPtrArray *out) {
  double es, es2;
  service_moments(c, &es, &es2);
  double lambda = c->load / es;
  /* Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)); W = Wq + E[S];
   * L = lambda W (Little). */
  double wq = lambda * es2 / (2 * (1 - c->load));
  double w_expected = wq + es;
  double l_expected = lambda * w_expected;

  char *text = g_strdup_printf(
      "[simulation]\nduration = %s\nwarmup = 10s\nmetrics_interval = 0s\n"
      "[host src]\n[host dst]\n"
      /* A jumbo MTU, so that no exponential payload is dropped for size. */
      "[link wire]\nbetween = src, dst\nrate = 10Mbit/s\nqueue_limit = 1000000p\nmtu = 65535B\n"
      "[flow arrivals]\nfrom = src\nto = dst\ntype = poisson\nrate = %.6fpkt/s\n"
      "packet_size = %s\n",
      c->duration, lambda, c->exponential ? "exp(1222B)" : "1222B");

  ws_stat delay = {0}, in_system = {0};
  for (uint64_t run = 0; run < REPLICATIONS; run++) {
    GError *error = NULL;
    ws_vrun r;
    if (!ws_vrun_text(&r, "mg1.ini", text, 1, run, &error)) {
      ws_validation_add_error(out, c->model, error->message);
      g_error_free(error);
      g_free(text);
      return;
    }
    if (r.n_flows != 1 || r.n_links != 2 || strcmp(r.links[0]->from, "src") != 0 ||
        r.links[0]->queue_drops != 0) {
      ws_validation_add_error(out, c->model, "unexpected topology or queue drops");
      ws_vrun_free(&r);
      g_free(text);
      return;
    }
    ws_stat_add(&delay, r.flows[0]->delay.mean * 1e3);
    ws_stat_add(&in_system, ws_tavg_mean(&r.links[0]->queue_packets, ws_sim_now(r.sim)));
    ws_vrun_free(&r);
  }
  g_free(text);

  /* The tolerance is 3%. The runs are long enough to say so: the
   * 95% confidence interval over the replications must itself be narrower
   * than 3% (1-2% here), so a 3% miss is a model error, not noise. */
  char *note = g_strdup_printf("%s per run after 10 s warmup; seed 1, runs 0-%d", c->duration,
                               REPLICATIONS - 1);
  const char *source = "Pollaczek-Khinchine, Kleinrock 1975 eq. 5.105";
  ws_validation_result *r =
      ws_validation_add_relative(out, c->model, "mean delay W", "ms", w_expected * 1e3, source,
                                 delay.mean, ws_stat_ci95(&delay), REPLICATIONS, 0.03, note);
  ws_validation_require_ci(r, 0.03);
  r = ws_validation_add_relative(out, c->model, "mean number in system L", "packets", l_expected,
                                 "P-K + Little's law L = lambda W", in_system.mean,
                                 ws_stat_ci95(&in_system), REPLICATIONS, 0.03, note);
  ws_validation_require_ci(r, 0.03);
  g_free(note);
}

void ws_vexp_md1_05(GPtrArray *out) {
  static const mg1_case c = {"M/D/1 link, 1250 B, load 0.5", 0.5, false, "40s"};
  run_case(&c, out);
}

void ws_vexp_md1_08(GPtrArray *out) {
  static const mg1_case c = {"M/D/1 link, 1250 B, load 0.8", 0.8, false, "100s"};
  run_case(&c, out);
}

void ws_vexp_mg1_exp_05(GPtrArray *out) {
  static const mg1_case c = {"M/G/1 link, exp. payload, load 0.5", 0.5, true, "60s"};
  run_case(&c, out);
}

void ws_vexp_mg1_exp_08(GPtrArray *out) {
  static const mg1_case c = {"M/G/1 link, exp. payload, load 0.8", 0.8, true, "150s"};
  run_case(&c, out);
}
