/* wisim radio medium: large-scale gains of every (UE, cell) link, kept
 * linear in contiguous arrays and refreshed only past a movement threshold,
 * and the per-slot DL/UL SINR per resource block with fast fading, the
 * caller's RB activity and culling of interferers far below noise. */
#include "wisim/medium.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "wisim/shadowing.h"

/* One (UE, cell) link: the slow state. The hot values live in flat arrays
 * of struct ws_medium so that the per-slot loops stream through memory. */
typedef struct {
  bool los;
  uint32_t los_k;       /* LOS draws so far - 1 (a redraw every d_corr moved) */
  double los_x_m, los_y_m; /* where the LOS state was last drawn */
  double h_e_m;         /* UMa's effective environment height of this link */
  double gain_db;       /* antenna - path loss - shadowing */
  ws_shadowing sh;
  ws_fading_link *fad;  /* NULL without fading */
} medium_link;

typedef struct {
  char *name;
  double x_m, y_m, height_m, tx_power_dbm, noise_figure_db, frequency_hz;
  ws_antenna antenna;
  double tx_rb_mw;      /* tx power per RB: total / n_rb (equal split) */
  double noise_rb_mw;   /* UL noise per RB */
} medium_cell;

typedef struct {
  char *name;
  double x_m, y_m, height_m, tx_power_dbm, noise_figure_db, speed_mps;
  double anchor_x_m, anchor_y_m; /* where the gains were last computed */
  double noise_rb_mw;   /* DL noise per RB */
  uint32_t n_intf;      /* kept DL interferers */
  uint32_t *intf;       /* [n_cells] capacity */
} medium_ue;

struct ws_medium {
  ws_medium_config cfg;
  const ws_fading_table *table;
  ws_phy_carrier carrier;
  bool have_carrier, built;
  GArray *cells;        /* medium_cell */
  GArray *ues;          /* medium_ue */
  uint32_t nc, nu, n_rb, n_sub, rb_per_sub;
  medium_link *links;   /* [u * nc + c] */
  double *gain_lin;     /* [u * nc + c] large-scale power gain */
  double *dl_rb_mw;     /* [u * nc + c] tx_rb_mw * gain_lin */
  uint8_t *ul_kept;     /* [u * nc + c] UE u is a relevant UL interferer at c */
  uint16_t *sb_of_rb;   /* [n_rb] */
  uint32_t *order;      /* [nc] scratch of cull_dl */
  uint8_t *culled;      /* [nc] scratch of cull_dl */
  double *interf_sb;    /* [n_sub] scratch: interference common to a subband */
  double cull_lin;      /* 10^(-cull_db / 10) */
  uint64_t recomputations;
  /* scratch, sized at build: no allocation per slot */
  double *interf;       /* [n_rb] */
  float *fad_s, *fad_i; /* [n_sub] */
  uint32_t *ul_count;   /* [nu] */
  double *ul_rb_mw;     /* [nu] */
  int32_t *row_ues;     /* [nc * n_rb] distinct UEs of each UL row */
  uint32_t *row_n;      /* [nc] */
  uint32_t *site_of;    /* [nc] first cell at the same position (its site) */
};

static double
db_to_lin(double db)
{
  return pow(10.0, db / 10.0);
}

void
ws_medium_config_default(ws_medium_config *cfg)
{
  g_return_if_fail(cfg != NULL);
  memset(cfg, 0, sizeof *cfg);
  ws_pathloss_params_default(&cfg->pathloss, WS_PATHLOSS_LOG_DISTANCE);
  cfg->shadowing_sigma_db = 0;
  cfg->shadowing_decorrelation_m = -1;
  cfg->fading = WS_FADING_NONE;
  cfg->rician_k_db = 6;
  cfg->doppler_speed_mps = WS_FADING_DOPPLER_SPEED_DEFAULT_MPS;
  cfg->noise_figure_db = 9;
  cfg->temperature_k = 290;
  cfg->seed = 1;
  cfg->cull_db = WS_MEDIUM_CULL_DB_DEFAULT;
  cfg->cull_relative = true;
  cfg->move_threshold_m = WS_MEDIUM_MOVE_M_DEFAULT;
}

ws_medium *
ws_medium_new(const ws_medium_config *cfg, const ws_fading_table *table)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  g_return_val_if_fail(cfg->fading == WS_FADING_NONE || table != NULL, NULL);
  g_return_val_if_fail(cfg->cull_db >= 0 && cfg->move_threshold_m >= 0, NULL);
  g_return_val_if_fail(cfg->temperature_k > 0 && cfg->doppler_speed_mps > 0, NULL);
  g_return_val_if_fail(!cfg->wrap_around || cfg->layout != NULL, NULL);
  ws_medium *m = g_new0(ws_medium, 1);
  m->cfg = *cfg;
  m->table = table;
  m->cells = g_array_new(FALSE, TRUE, sizeof(medium_cell));
  m->ues = g_array_new(FALSE, TRUE, sizeof(medium_ue));
  m->cull_lin = isinf(cfg->cull_db) ? 0.0 : db_to_lin(-cfg->cull_db);
  return m;
}

void
ws_medium_free(ws_medium *m)
{
  if (m == NULL)
    return;
  for (uint32_t i = 0; i < m->cells->len; i++)
    g_free(g_array_index(m->cells, medium_cell, i).name);
  for (uint32_t i = 0; i < m->ues->len; i++) {
    g_free(g_array_index(m->ues, medium_ue, i).name);
    g_free(g_array_index(m->ues, medium_ue, i).intf);
  }
  if (m->links != NULL)
    for (size_t i = 0; i < (size_t)m->nu * m->nc; i++)
      ws_fading_link_free(m->links[i].fad);
  g_array_free(m->cells, TRUE);
  g_array_free(m->ues, TRUE);
  g_free(m->links);
  g_free(m->gain_lin);
  g_free(m->dl_rb_mw);
  g_free(m->ul_kept);
  g_free(m->sb_of_rb);
  g_free(m->interf);
  g_free(m->interf_sb);
  g_free(m->order);
  g_free(m->culled);
  g_free(m->fad_s);
  g_free(m->fad_i);
  g_free(m->ul_count);
  g_free(m->ul_rb_mw);
  g_free(m->row_ues);
  g_free(m->row_n);
  g_free(m->site_of);
  g_free(m);
}

int
ws_medium_add_cell(ws_medium *m, const ws_medium_cell *cell)
{
  g_return_val_if_fail(m != NULL && cell != NULL && cell->name != NULL, -1);
  g_return_val_if_fail(!m->built, -1);
  g_return_val_if_fail(cell->carrier.n_rb > 0 && cell->frequency_hz > 0 && cell->height_m > 0, -1);
  if (m->have_carrier) {
    /* Per-RB interference needs one RB grid for every cell. */
    g_return_val_if_fail(cell->carrier.n_rb == m->carrier.n_rb &&
                             cell->carrier.rb_bandwidth_hz == m->carrier.rb_bandwidth_hz,
                         -1);
  } else {
    m->carrier = cell->carrier;
    m->have_carrier = true;
  }
  medium_cell c = {.name = g_strdup(cell->name),
                   .x_m = cell->x_m,
                   .y_m = cell->y_m,
                   .height_m = cell->height_m,
                   .tx_power_dbm = cell->tx_power_dbm,
                   .noise_figure_db = isnan(cell->noise_figure_db) ? m->cfg.noise_figure_db
                                                                   : cell->noise_figure_db,
                   .frequency_hz = cell->frequency_hz,
                   .antenna = cell->antenna};
  g_array_append_val(m->cells, c);
  return (int)m->cells->len - 1;
}

int
ws_medium_add_ue(ws_medium *m, const ws_medium_ue *ue)
{
  g_return_val_if_fail(m != NULL && ue != NULL && ue->name != NULL, -1);
  g_return_val_if_fail(!m->built && ue->height_m > 0 && ue->speed_mps >= 0, -1);
  medium_ue u = {.name = g_strdup(ue->name),
                 .x_m = ue->x_m,
                 .y_m = ue->y_m,
                 .height_m = ue->height_m,
                 .tx_power_dbm = ue->tx_power_dbm,
                 .noise_figure_db = isnan(ue->noise_figure_db) ? m->cfg.noise_figure_db
                                                               : ue->noise_figure_db,
                 .speed_mps = ue->speed_mps};
  g_array_append_val(m->ues, u);
  return (int)m->ues->len - 1;
}

/* The subband size when the config gives none: the CQI subband size k of
 * TS 36.213 Table 7.2.1-3 (8-26 RBs: 4, 27-63: 6, 64-110: 8; fewer than 8:
 * one wideband process), and 16 above 110 RBs (TS 38.214 Table 5.2.1.4-2,
 * 145-275 PRBs, smaller option). */
static unsigned
default_rb_per_subband(unsigned n_rb)
{
  if (n_rb < 8)
    return MIN(n_rb, 64u);
  if (n_rb <= 26)
    return 4;
  if (n_rb <= 63)
    return 6;
  if (n_rb <= 110)
    return 8;
  return 16;
}

/* Draws the LOS state (and UMa's h_E) of a link from the stream ("ue
 * UE", "los cell SITE") for the first draw, "los cell SITE #k" for the
 * k-th redraw (the site's first cell names the site: sectors agree). */
static void
draw_los(const ws_medium *m, medium_link *l, const char *ue_name, const char *site_name,
         const ws_pathloss_link *pl)
{
  char *entity = g_strdup_printf("ue %s", ue_name);
  char *purpose = l->los_k == 0 ? g_strdup_printf("los cell %s", site_name)
                                : g_strdup_printf("los cell %s #%u", site_name, l->los_k);
  ws_rng rng;
  ws_rng_init(&rng, m->cfg.seed, m->cfg.run, entity, purpose);
  ws_pathloss_model model = m->cfg.pathloss.model;
  l->los = ws_pathloss_los_draw(model, pl->d2d_m, pl->h_ut_m, ws_rng_uniform(&rng));
  l->h_e_m = m->cfg.pathloss.h_e_m;
  if (model == WS_PATHLOSS_3GPP_UMA) {
    double u1 = ws_rng_uniform(&rng), u2 = ws_rng_uniform(&rng);
    l->h_e_m = ws_pathloss_uma_draw_h_e(pl->d2d_m, pl->h_ut_m, u1, u2);
  }
  g_free(purpose);
  g_free(entity);
}

/* Link geometry of UE u to cell c: the horizontal offset (x_ue - x_cell,
 * through the nearest wrap-around copy when asked) and the ws_pathloss_link. */
static void
geometry(const ws_medium *m, const medium_ue *u, const medium_cell *c, double *dx, double *dy,
         ws_pathloss_link *pl)
{
  double d2d;
  if (m->cfg.wrap_around)
    d2d = ws_layout_distance(m->cfg.layout, c->x_m, c->y_m, u->x_m, u->y_m, dx, dy);
  else {
    *dx = u->x_m - c->x_m;
    *dy = u->y_m - c->y_m;
    d2d = hypot(*dx, *dy);
  }
  double dz = u->height_m - c->height_m;
  pl->d2d_m = d2d;
  /* A co-located UE (d3D = 0) would be outside every model; 1 mm keeps the
   * formulas finite (and far below any validity range, so checks warn). */
  pl->d3d_m = fmax(sqrt(d2d * d2d + dz * dz), 1e-3);
  pl->freq_hz = c->frequency_hz;
  pl->h_bs_m = c->height_m;
  pl->h_ut_m = u->height_m;
  pl->los = false;
}

/* The DL interferers of a UE worth summing per slot (docs/radio.md, "The
 * medium"): the weakest cells are culled, weakest first, as long as their
 * summed per-RB power C stays within eps = 10^(-cull_db/10) of the noise
 * plus the interference of the cells that remain, the strongest cell (the
 * likely server) excluded: C <= eps (N + I_rest). Any serving cell then
 * sees its SINR raised by at most a factor 1 + eps (0.043 dB at 20 dB).
 * Without cull_relative, the reference is N alone. The kept list is in
 * cell order and includes the strongest cell. */
static void
cull_dl(ws_medium *m, medium_ue *u, const double *p)
{
  uint32_t nc = m->nc, *order = m->order;
  if (nc == 0) {
    u->n_intf = 0;
    return;
  }
  uint32_t strongest = 0;
  for (uint32_t c = 1; c < nc; c++)
    if (p[c] > p[strongest])
      strongest = c;
  double rest = 0;
  uint32_t n = 0;
  for (uint32_t c = 0; c < nc; c++)
    if (c != strongest) {
      rest += p[c];
      /* insertion sort, ascending power (ties: cell order): nc is small */
      uint32_t j = n++;
      while (j > 0 && p[order[j - 1]] > p[c]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = c;
    }
  memset(m->culled, 0, nc);
  double culled = 0;
  for (uint32_t i = 0; i < n; i++) {
    double pc = p[order[i]];
    double ref = u->noise_rb_mw + (m->cfg.cull_relative ? rest - culled - pc : 0);
    if (culled + pc > m->cull_lin * ref)
      break;
    culled += pc;
    m->culled[order[i]] = 1;
  }
  u->n_intf = 0;
  for (uint32_t c = 0; c < nc; c++)
    if (!m->culled[c])
      u->intf[u->n_intf++] = c;
}

/* Recomputes every link of UE ui: gain, linear gains, culled lists. */
static void
recompute_ue(ws_medium *m, uint32_t ui)
{
  medium_ue *u = &g_array_index(m->ues, medium_ue, ui);
  u->n_intf = 0;
  for (uint32_t ci = 0; ci < m->nc; ci++) {
    const medium_cell *c = &g_array_index(m->cells, medium_cell, ci);
    size_t k = (size_t)ui * m->nc + ci;
    medium_link *l = &m->links[k];
    double dx, dy;
    ws_pathloss_link pl;
    geometry(m, u, c, &dx, &dy, &pl);
    /* Spatially consistent LOS state (TR 38.901 7.6.3.3), reduced to a
     * redraw from the link's next stream once the UE is d_corr from where
     * it was last drawn: a moving UE does not keep its first LOS state for
     * kilometres. The shadowing's sigma stays that of the first state. */
    double los_dcorr = ws_pathloss_los_decorrelation_m(m->cfg.pathloss.model);
    if (los_dcorr > 0 && hypot(u->x_m - l->los_x_m, u->y_m - l->los_y_m) > los_dcorr) {
      l->los_k++;
      l->los_x_m = u->x_m;
      l->los_y_m = u->y_m;
      const medium_cell *sc = &g_array_index(m->cells, medium_cell, m->site_of[ci]);
      draw_los(m, l, u->name, sc->name, &pl);
    }
    pl.los = l->los;
    ws_pathloss_params params = m->cfg.pathloss;
    params.h_e_m = l->h_e_m;
    double ant_db = ws_antenna_gain_towards_db(&c->antenna, dx, dy, u->height_m - c->height_m);
    double sh_db = ws_shadowing_at(&l->sh, u->x_m, u->y_m);
    /* docs/radio.md: rx = tx + G - PL - shadowing - fading. */
    l->gain_db = ant_db - ws_pathloss_db(&params, &pl) - sh_db;
    m->gain_lin[k] = db_to_lin(l->gain_db);
    m->dl_rb_mw[k] = c->tx_rb_mw * m->gain_lin[k];
    /* UL: culled when even the UE's whole maximum power on one RB stays
     * cull_db below the cell's noise (any actual allocation is weaker). */
    m->ul_kept[k] = db_to_lin(u->tx_power_dbm) * m->gain_lin[k] >= c->noise_rb_mw * m->cull_lin;
  }
  cull_dl(m, u, m->dl_rb_mw + (size_t)ui * m->nc);
  u->anchor_x_m = u->x_m;
  u->anchor_y_m = u->y_m;
}

void
ws_medium_build(ws_medium *m, int64_t t_ns)
{
  g_return_if_fail(m != NULL && !m->built && m->have_carrier);
  m->built = true;
  m->nc = m->cells->len;
  m->nu = m->ues->len;
  m->n_rb = m->carrier.n_rb;
  /* At most 64 RBs per subband: one bitmap word per subband test. */
  m->rb_per_sub = m->cfg.rb_per_subband ? MIN(MIN(m->cfg.rb_per_subband, m->n_rb), 64u)
                                        : default_rb_per_subband(m->n_rb);
  m->n_sub = (m->n_rb + m->rb_per_sub - 1) / m->rb_per_sub;
  m->sb_of_rb = g_new(uint16_t, m->n_rb);
  for (uint32_t r = 0; r < m->n_rb; r++)
    m->sb_of_rb[r] = (uint16_t)(r / m->rb_per_sub);
  size_t n = (size_t)m->nu * m->nc;
  m->links = g_new0(medium_link, n);
  m->gain_lin = g_new(double, n);
  m->dl_rb_mw = g_new(double, n);
  m->ul_kept = g_new(uint8_t, n);
  m->interf = g_new(double, m->n_rb);
  m->interf_sb = g_new(double, m->n_sub);
  m->order = g_new(uint32_t, MAX(m->nc, 1));
  m->culled = g_new(uint8_t, MAX(m->nc, 1));
  m->fad_s = g_new(float, m->n_sub);
  m->fad_i = g_new(float, m->n_sub);
  m->ul_count = g_new(uint32_t, MAX(m->nu, 1));
  m->ul_rb_mw = g_new(double, MAX(m->nu, 1));
  m->row_ues = g_new(int32_t, (size_t)MAX(m->nc, 1) * m->n_rb);
  m->row_n = g_new(uint32_t, MAX(m->nc, 1));

  /* Sites: cells at the same position and height (a layout's sectors). */
  m->site_of = g_new(uint32_t, MAX(m->nc, 1));
  for (uint32_t ci = 0; ci < m->nc; ci++) {
    const medium_cell *c = &g_array_index(m->cells, medium_cell, ci);
    m->site_of[ci] = ci;
    for (uint32_t cj = 0; cj < ci; cj++) {
      const medium_cell *d = &g_array_index(m->cells, medium_cell, cj);
      if (d->x_m == c->x_m && d->y_m == c->y_m && d->height_m == c->height_m) {
        m->site_of[ci] = m->site_of[cj];
        break;
      }
    }
  }
  double rb_hz = m->carrier.rb_bandwidth_hz;
  for (uint32_t ci = 0; ci < m->nc; ci++) {
    medium_cell *c = &g_array_index(m->cells, medium_cell, ci);
    c->tx_rb_mw = db_to_lin(c->tx_power_dbm - 10 * log10((double)m->n_rb));
    c->noise_rb_mw = db_to_lin(ws_antenna_noise_floor_dbm(rb_hz, c->noise_figure_db,
                                                          m->cfg.temperature_k));
  }
  ws_pathloss_model model = m->cfg.pathloss.model;
  for (uint32_t ui = 0; ui < m->nu; ui++) {
    medium_ue *u = &g_array_index(m->ues, medium_ue, ui);
    u->noise_rb_mw = db_to_lin(ws_antenna_noise_floor_dbm(rb_hz, u->noise_figure_db,
                                                          m->cfg.temperature_k));
    u->intf = g_new(uint32_t, MAX(m->nc, 1));
    char *entity = g_strdup_printf("ue %s", u->name);
    for (uint32_t ci = 0; ci < m->nc; ci++) {
      const medium_cell *c = &g_array_index(m->cells, medium_cell, ci);
      medium_link *l = &m->links[(size_t)ui * m->nc + ci];
      double dx, dy;
      ws_pathloss_link pl;
      geometry(m, u, c, &dx, &dy, &pl);
      /* LOS state, h_E and shadowing belong to the site, not the sector
       * (TR 38.901 7.4.4 and 7.5: large-scale parameters are per BS-UT
       * pair, the sectors of a site share its position): co-sited cells
       * draw them from the first cell of the site's streams, so a UE sees
       * the same shadowing towards each sector of a site (independent
       * draws would hand it a free selection gain between sectors). */
      const medium_cell *sc = &g_array_index(m->cells, medium_cell, m->site_of[ci]);
      /* LOS state drawn at its initial distance; redrawn as the UE moves
       * (recompute_ue). */
      draw_los(m, l, u->name, sc->name, &pl);
      l->los_x_m = u->x_m;
      l->los_y_m = u->y_m;
      pl.los = l->los;
      ws_rng rng;
      ws_pathloss_params params = m->cfg.pathloss;
      params.h_e_m = l->h_e_m;
      double sigma = m->cfg.shadowing_sigma_db >= 0 ? m->cfg.shadowing_sigma_db
                                                    : ws_pathloss_shadowing_sigma_db(&params, &pl);
      double dcorr = m->cfg.shadowing_decorrelation_m >= 0
                         ? m->cfg.shadowing_decorrelation_m
                         : ws_pathloss_shadowing_decorrelation_m(model, l->los);
      char *purpose = g_strdup_printf("shadowing cell %s", sc->name);
      ws_rng_init(&rng, m->cfg.seed, m->cfg.run, entity, purpose);
      ws_shadowing_init(&l->sh, sigma, dcorr, &rng);
      g_free(purpose);
      if (m->cfg.fading != WS_FADING_NONE) {
        purpose = g_strdup_printf("fading cell %s", c->name);
        ws_rng_init(&rng, m->cfg.seed, m->cfg.run, entity, purpose);
        ws_fading_config fc = {.model = m->cfg.fading,
                               .rician_k_db = m->cfg.rician_k_db,
                               .carrier_hz = c->frequency_hz,
                               .doppler_speed_mps = m->cfg.doppler_speed_mps};
        l->fad = ws_fading_link_new(m->table, &fc, m->n_sub, &rng);
        g_assert(l->fad != NULL);
        ws_fading_link_set_speed(l->fad, t_ns, u->speed_mps);
        g_free(purpose);
      }
    }
    g_free(entity);
    recompute_ue(m, ui);
  }
}

uint32_t
ws_medium_n_cells(const ws_medium *m)
{
  g_return_val_if_fail(m != NULL, 0);
  return m->cells->len;
}

uint32_t
ws_medium_n_ues(const ws_medium *m)
{
  g_return_val_if_fail(m != NULL, 0);
  return m->ues->len;
}

uint32_t
ws_medium_n_rb(const ws_medium *m)
{
  g_return_val_if_fail(m != NULL, 0);
  return m->carrier.n_rb;
}

uint32_t
ws_medium_n_subbands(const ws_medium *m)
{
  g_return_val_if_fail(m != NULL && m->built, 0);
  return m->n_sub;
}

uint32_t
ws_medium_subband_of_rb(const ws_medium *m, uint32_t rb)
{
  g_return_val_if_fail(m != NULL && m->built && rb < m->n_rb, 0);
  return m->sb_of_rb[rb];
}

bool
ws_medium_move_ue(ws_medium *m, uint32_t ue, double x_m, double y_m, double speed_mps,
                  int64_t now_ns)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && speed_mps >= 0, false);
  medium_ue *u = &g_array_index(m->ues, medium_ue, ue);
  if (speed_mps != u->speed_mps) {
    u->speed_mps = speed_mps;
    for (uint32_t ci = 0; ci < m->nc; ci++) {
      ws_fading_link *f = m->links[(size_t)ue * m->nc + ci].fad;
      if (f != NULL)
        ws_fading_link_set_speed(f, now_ns, speed_mps);
    }
  }
  u->x_m = x_m;
  u->y_m = y_m;
  if (hypot(x_m - u->anchor_x_m, y_m - u->anchor_y_m) <= m->cfg.move_threshold_m)
    return false;
  recompute_ue(m, ue);
  m->recomputations++;
  return true;
}

uint64_t
ws_medium_recomputations(const ws_medium *m)
{
  g_return_val_if_fail(m != NULL, 0);
  return m->recomputations;
}

double
ws_medium_gain_db(const ws_medium *m, uint32_t ue, uint32_t cell)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && cell < m->nc, NAN);
  return m->links[(size_t)ue * m->nc + cell].gain_db;
}

bool
ws_medium_los(const ws_medium *m, uint32_t ue, uint32_t cell)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && cell < m->nc, false);
  return m->links[(size_t)ue * m->nc + cell].los;
}

double
ws_medium_dl_noise_rb_dbm(const ws_medium *m, uint32_t ue)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu, NAN);
  return 10 * log10(g_array_index(m->ues, medium_ue, ue).noise_rb_mw);
}

double
ws_medium_ul_noise_rb_dbm(const ws_medium *m, uint32_t cell)
{
  g_return_val_if_fail(m != NULL && m->built && cell < m->nc, NAN);
  return 10 * log10(g_array_index(m->cells, medium_cell, cell).noise_rb_mw);
}

/* Fading power gain of link k on subband sb at t_ns (1 without fading). */
static double
fading_power(const ws_medium *m, size_t k, uint32_t sb, int64_t t_ns)
{
  const ws_fading_link *f = m->links[k].fad;
  return f == NULL ? 1.0 : ws_fading_link_power(f, sb, t_ns);
}

double
ws_medium_dl_rx_rb_dbm(const ws_medium *m, uint32_t ue, uint32_t cell, uint32_t rb, int64_t t_ns)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && cell < m->nc && rb < m->n_rb, NAN);
  size_t k = (size_t)ue * m->nc + cell;
  return 10 * log10(m->dl_rb_mw[k] * fading_power(m, k, m->sb_of_rb[rb], t_ns));
}

double
ws_medium_rsrp_dbm(const ws_medium *m, uint32_t ue, uint32_t cell)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && cell < m->nc, NAN);
  const medium_cell *c = &g_array_index(m->cells, medium_cell, cell);
  /* Per resource element: 12 subcarriers per RB (TS 36.214 5.1.1 defines
   * RSRP as the average power of one RE carrying reference signals). */
  return c->tx_power_dbm - 10 * log10(12.0 * m->n_rb) + ws_medium_gain_db(m, ue, cell);
}

uint32_t
ws_medium_best_cell(const ws_medium *m, uint32_t ue)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && m->nc > 0, 0);
  uint32_t best = 0;
  double best_dbm = -INFINITY;
  for (uint32_t c = 0; c < m->nc; c++) {
    double p = ws_medium_rsrp_dbm(m, ue, c);
    if (p > best_dbm) { /* ties: the lowest index */
      best_dbm = p;
      best = c;
    }
  }
  return best;
}

uint32_t
ws_medium_n_interferers(const ws_medium *m, uint32_t ue)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu, 0);
  return g_array_index(m->ues, medium_ue, ue).n_intf;
}

const uint32_t *
ws_medium_interferers(const ws_medium *m, uint32_t ue)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu, NULL);
  return g_array_index(m->ues, medium_ue, ue).intf;
}

/* The len (<= 64) bits of a bitmap from bit r0 on, in the low bits. */
static uint64_t
bits_range(const uint64_t *bits, uint32_t r0, uint32_t len)
{
  uint32_t w = r0 >> 6, sh = r0 & 63;
  uint64_t v = bits[w] >> sh;
  if (sh != 0 && sh + len > 64)
    v |= bits[w + 1] << (64 - sh);
  return len == 64 ? v : v & ((1ULL << len) - 1);
}

void
ws_medium_dl_sinr(ws_medium *m, uint32_t ue, uint32_t serving, int64_t t_ns,
                  const uint64_t *active, double *sinr_lin, double *rx_mw)
{
  g_return_if_fail(m != NULL && m->built && ue < m->nu && serving < m->nc && sinr_lin != NULL);
  const medium_ue *u = &g_array_index(m->ues, medium_ue, ue);
  const uint32_t n_rb = m->n_rb, n_sub = m->n_sub, per = m->rb_per_sub;
  const uint32_t words = WS_MEDIUM_RB_WORDS(n_rb);
  const uint16_t *sb = m->sb_of_rb;
  const size_t row = (size_t)ue * m->nc;
  /* Interference is summed per subband where a cell is on over the whole
   * subband (always under full buffer: n_sub terms instead of n_rb), and
   * per RB only where its bitmap is mixed inside a subband. */
  double *interf = m->interf, *interf_sb = m->interf_sb;
  memset(interf, 0, sizeof(double) * n_rb);
  memset(interf_sb, 0, sizeof(double) * n_sub);
  float *g = m->fad_i;
  /* The serving link's rows and the first interferer's start loading now;
   * each interferer then prefetches the next one's. */
  if (m->links[row + serving].fad != NULL) {
    ws_fading_link_prefetch(m->links[row + serving].fad, t_ns);
    if (u->n_intf > 0)
      ws_fading_link_prefetch(m->links[row + u->intf[0]].fad, t_ns);
  }
  for (uint32_t i = 0; i < u->n_intf; i++) {
    uint32_t c = u->intf[i];
    if (i + 1 < u->n_intf && m->links[row + u->intf[i + 1]].fad != NULL)
      ws_fading_link_prefetch(m->links[row + u->intf[i + 1]].fad, t_ns);
    if (c == serving)
      continue;
    const double p = m->dl_rb_mw[row + c];
    const ws_fading_link *f = m->links[row + c].fad;
    if (f != NULL)
      ws_fading_link_powers(f, t_ns, g);
    const uint64_t *bits = active != NULL ? active + (size_t)c * words : NULL;
    for (uint32_t b = 0; b < n_sub; b++) {
      const double pg = f != NULL ? p * g[b] : p;
      const uint32_t r0 = b * per, len = MIN(per, n_rb - r0);
      uint64_t on = bits != NULL ? bits_range(bits, r0, len) : ~0ULL;
      uint64_t all = len == 64 ? ~0ULL : (1ULL << len) - 1;
      if ((on & all) == all)
        interf_sb[b] += pg;
      else
        for (; on != 0; on &= on - 1)
          interf[r0 + (uint32_t)__builtin_ctzll(on)] += pg;
    }
  }
  const double s = m->dl_rb_mw[row + serving];
  const ws_fading_link *fs = m->links[row + serving].fad;
  if (fs != NULL)
    ws_fading_link_powers(fs, t_ns, m->fad_s);
  for (uint32_t r = 0; r < n_rb; r++) {
    double sr = fs != NULL ? s * m->fad_s[sb[r]] : s;
    sinr_lin[r] = sr / (u->noise_rb_mw + interf_sb[sb[r]] + interf[r]);
    if (rx_mw != NULL)
      rx_mw[r] = sr;
  }
}

void
ws_medium_ul_sinr(ws_medium *m, int64_t t_ns, const int32_t *rb_ue, const double *ue_power_dbm,
                  double *sinr_lin)
{
  g_return_if_fail(m != NULL && m->built && rb_ue != NULL && ue_power_dbm != NULL &&
                   sinr_lin != NULL);
  const uint32_t n_rb = m->n_rb, nc = m->nc;
  const uint16_t *sb = m->sb_of_rb;
  /* Each UE's power per RB (its total over the RBs of its row), and the
   * distinct UEs of each row (consecutive repeats merged). */
  memset(m->ul_count, 0, sizeof(uint32_t) * m->nu);
  for (uint32_t j = 0; j < nc; j++) {
    const int32_t *row = rb_ue + (size_t)j * n_rb;
    int32_t *list = m->row_ues + (size_t)j * n_rb;
    uint32_t n = 0;
    for (uint32_t r = 0; r < n_rb; r++)
      if (row[r] >= 0) {
        g_return_if_fail((uint32_t)row[r] < m->nu);
        m->ul_count[row[r]]++;
        if (n == 0 || list[n - 1] != row[r])
          list[n++] = row[r];
      }
    m->row_n[j] = n;
  }
  for (uint32_t u = 0; u < m->nu; u++)
    if (m->ul_count[u] > 0)
      m->ul_rb_mw[u] = db_to_lin(ue_power_dbm[u]) / m->ul_count[u];
  double *interf = m->interf;
  for (uint32_t c = 0; c < nc; c++) {
    memset(interf, 0, sizeof(double) * n_rb);
    for (uint32_t j = 0; j < nc; j++) {
      if (j == c)
        continue;
      /* Skip rows none of whose UEs is heard at c (culled). */
      const int32_t *list = m->row_ues + (size_t)j * n_rb;
      bool any = false;
      for (uint32_t k = 0; k < m->row_n[j] && !any; k++)
        any = m->ul_kept[(size_t)list[k] * nc + c];
      if (!any)
        continue;
      /* Contiguous allocations: the fading of one (UE, subband) is read
       * once for its run of RBs. */
      const int32_t *row = rb_ue + (size_t)j * n_rb;
      int32_t last_ue = -1;
      uint32_t last_sb = UINT32_MAX;
      double pg = 0;
      for (uint32_t r = 0; r < n_rb; r++) {
        int32_t ui = row[r];
        if (ui < 0)
          continue;
        size_t k = (size_t)ui * nc + c;
        if (!m->ul_kept[k])
          continue;
        if (ui != last_ue || sb[r] != last_sb) {
          last_ue = ui;
          last_sb = sb[r];
          pg = m->ul_rb_mw[ui] * m->gain_lin[k] * fading_power(m, k, sb[r], t_ns);
        }
        interf[r] += pg;
      }
    }
    const double noise = g_array_index(m->cells, medium_cell, c).noise_rb_mw;
    const int32_t *own = rb_ue + (size_t)c * n_rb;
    double *out = sinr_lin + (size_t)c * n_rb;
    int32_t last_ue = -1;
    uint32_t last_sb = UINT32_MAX;
    double s = 0;
    for (uint32_t r = 0; r < n_rb; r++) {
      int32_t us = own[r];
      if (us < 0) {
        out[r] = 0;
        continue;
      }
      if (us != last_ue || sb[r] != last_sb) {
        last_ue = us;
        last_sb = sb[r];
        size_t k = (size_t)us * nc + c;
        s = m->ul_rb_mw[us] * m->gain_lin[k] * fading_power(m, k, sb[r], t_ns);
      }
      out[r] = s / (noise + interf[r]);
    }
  }
}

double
ws_medium_wideband_sinr_db(const ws_medium *m, uint32_t ue, uint32_t serving, const bool *on)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && serving < m->nc, NAN);
  size_t row = (size_t)ue * m->nc;
  double interf = 0;
  for (uint32_t c = 0; c < m->nc; c++)
    if (c != serving && (!on || on[c]))
      interf += m->dl_rb_mw[row + c];
  double noise = g_array_index(m->ues, medium_ue, ue).noise_rb_mw;
  return 10 * log10(m->dl_rb_mw[row + serving] / (noise + interf));
}

double
ws_medium_mean_sinr_db(const double *sinr_lin, uint32_t n)
{
  g_return_val_if_fail(sinr_lin != NULL && n >= 1, NAN);
  double sum = 0;
  for (uint32_t i = 0; i < n; i++)
    sum += sinr_lin[i];
  return 10 * log10(sum / n);
}

/* Best server at a point; see medium.h. The LOS state of the 3GPP models
 * is the more likely one at that distance (P_LOS >= 1/2), and UMa's h_E its
 * value for a 1.5 m terminal (1 m): a median map, not one drawn realisation. */
void
ws_medium_probe(const ws_medium *m, double x_m, double y_m, double height_m, const bool *on,
                int32_t *best, double *rsrp_dbm, double *sinr_db)
{
  g_return_if_fail(m != NULL && m->built && best && rsrp_dbm && sinr_db);
  medium_ue probe = {.x_m = x_m, .y_m = y_m, .height_m = height_m};
  double noise_mw = db_to_lin(ws_antenna_noise_floor_dbm(m->carrier.rb_bandwidth_hz,
                                                         m->cfg.noise_figure_db,
                                                         m->cfg.temperature_k));
  double total_mw = 0, best_mw = -1;
  *best = -1;
  for (uint32_t ci = 0; ci < m->nc; ci++) {
    if (on && !on[ci])
      continue;
    const medium_cell *c = &g_array_index(m->cells, medium_cell, ci);
    double dx, dy;
    ws_pathloss_link pl;
    geometry(m, &probe, c, &dx, &dy, &pl);
    pl.los = ws_pathloss_los_probability(m->cfg.pathloss.model, pl.d2d_m, height_m) >= 0.5;
    double ant_db = ws_antenna_gain_towards_db(&c->antenna, dx, dy, height_m - c->height_m);
    double rb_mw = c->tx_rb_mw * db_to_lin(ant_db - ws_pathloss_db(&m->cfg.pathloss, &pl));
    total_mw += rb_mw;
    if (rb_mw > best_mw) {
      best_mw = rb_mw;
      *best = (int32_t)ci;
    }
  }
  if (*best < 0) {
    *rsrp_dbm = NAN;
    *sinr_db = NAN;
    return;
  }
  /* Per RE: an RB carries 12 subcarriers at equal power. */
  *rsrp_dbm = 10 * log10(best_mw / 12.0);
  *sinr_db = 10 * log10(best_mw / (noise_mw + total_mw - best_mw));
}

/* RSSI per RB of a UE (TS 36.214 5.1.3): its noise plus every cell that
 * is on at full load. */
static double
rssi_rb_mw(const ws_medium *m, uint32_t ue, const bool *on)
{
  size_t row = (size_t)ue * m->nc;
  double rssi = g_array_index(m->ues, medium_ue, ue).noise_rb_mw;
  for (uint32_t c = 0; c < m->nc; c++)
    if (!on || on[c])
      rssi += m->dl_rb_mw[row + c];
  return rssi;
}

/* RSRQ at full load, TS 36.214 5.1.3: N x RSRP / RSSI over N RBs. Every RE
 * of every cell that is on carries power, so RSSI = N (sum of the per-RB
 * powers + noise per RB) and RSRP = P_RB / 12: RSRQ = P_RB / (12 (sum +
 * N_RB)), at most 1/12 (-10.8 dB) alone. Large-scale, no culling. */
double
ws_medium_rsrq_db(const ws_medium *m, uint32_t ue, uint32_t cell, const bool *on)
{
  g_return_val_if_fail(m != NULL && m->built && ue < m->nu && cell < m->nc, NAN);
  if (on && !on[cell])
    return NAN;
  size_t row = (size_t)ue * m->nc;
  return 10 * log10(m->dl_rb_mw[row + cell] / (12.0 * rssi_rb_mw(m, ue, on)));
}

/* Every cell's RSRP and RSRQ at once; see medium.h. */
void
ws_medium_measure(const ws_medium *m, uint32_t ue, const bool *on, double *rsrp_dbm, double *rsrq_db)
{
  g_return_if_fail(m != NULL && m->built && ue < m->nu && rsrp_dbm != NULL && rsrq_db != NULL);
  size_t row = (size_t)ue * m->nc;
  double rssi = 12.0 * rssi_rb_mw(m, ue, on);
  for (uint32_t c = 0; c < m->nc; c++) {
    bool off = on && !on[c];
    rsrp_dbm[c] = off ? NAN : ws_medium_rsrp_dbm(m, ue, c);
    rsrq_db[c] = off ? NAN : 10 * log10(m->dl_rb_mw[row + c] / rssi);
  }
}

/* A UE's position as last given; see medium.h. */
void
ws_medium_ue_position(const ws_medium *m, uint32_t ue, double *x_m, double *y_m)
{
  g_return_if_fail(m != NULL && ue < m->ues->len);
  const medium_ue *u = &g_array_index(m->ues, medium_ue, ue);
  if (x_m)
    *x_m = u->x_m;
  if (y_m)
    *y_m = u->y_m;
}
