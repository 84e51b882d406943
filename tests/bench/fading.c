/* Benchmark of fast fading (sim/radio/fading.c) at the scale of issue 4's
 * speed target: every (UE, cell) link's power gains on every subband, every
 * 1 ms slot. Reports the table's build time and memory, and the cost per
 * gain and per slot. Usage: bench-fading [ues cells subbands slots log2]. */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "wisim/fading.h"

static void
run(const ws_fading_table *table, ws_fading_model model, int ues, int cells, int subbands, int slots)
{
  int n_links = ues * cells;
  ws_fading_config cfg = {.model = model,
                          .rician_k_db = 6,
                          .carrier_hz = 2e9,
                          .doppler_speed_mps = WS_FADING_DOPPLER_SPEED_DEFAULT_MPS};
  ws_fading_link **links = g_new(ws_fading_link *, n_links);
  for (int u = 0; u < ues; u++)
    for (int c = 0; c < cells; c++) {
      char entity[32], purpose[32];
      ws_rng rng;
      g_snprintf(entity, sizeof entity, "ue bench/%d", u);
      g_snprintf(purpose, sizeof purpose, "fading cell %d", c);
      ws_rng_init(&rng, 1, 0, entity, purpose);
      links[u * cells + c] = ws_fading_link_new(table, &cfg, (uint32_t)subbands, &rng);
      ws_fading_link_set_speed(links[u * cells + c], 0, (u % 4) * 10.0); /* 0..30 m/s */
    }
  float *gain = g_new(float, subbands);
  double checksum = 0;
  gint64 t0 = g_get_monotonic_time();
  for (int s = 0; s < slots; s++) {
    int64_t t_ns = (int64_t)s * 1000000;
    for (int l = 0; l < n_links; l++) {
      ws_fading_link_powers(links[l], t_ns, gain);
      checksum += gain[s % subbands];
    }
  }
  double wall_s = (g_get_monotonic_time() - t0) * 1e-6;
  double gains = (double)n_links * subbands * slots;
  /* sizeof(ws_fading_link) is 96 B + 12 B per subband, plus ~16 B of malloc. */
  size_t link_bytes = (size_t)n_links * (112 + (size_t)subbands * 12);
  printf("%-8s %d UEs x %d cells x %d subbands, %d slots: %.3f s wall, %.2f ns/gain, "
         "%.3f ms/slot, links ~%.1f MB (mean gain %.3f)\n",
         model == WS_FADING_RICIAN ? "rician" : "rayleigh", ues, cells, subbands, slots, wall_s,
         wall_s / gains * 1e9, wall_s / slots * 1e3, link_bytes / 1e6,
         checksum / ((double)n_links * slots));
  for (int l = 0; l < n_links; l++)
    ws_fading_link_free(links[l]);
  g_free(links);
  g_free(gain);
}

int
main(int argc, char **argv)
{
  int ues = argc > 1 ? atoi(argv[1]) : 210, cells = argc > 2 ? atoi(argv[2]) : 21;
  int subbands = argc > 3 ? atoi(argv[3]) : 50, slots = argc > 4 ? atoi(argv[4]) : 200;
  unsigned log2_samples = argc > 5 ? (unsigned)atoi(argv[5]) : 0;
  if (ues < 1 || cells < 1 || subbands < 1 || slots < 1) {
    fprintf(stderr, "usage: bench-fading [ues cells subbands slots [log2 samples]]\n");
    return 2;
  }
  ws_rng rng;
  ws_rng_init(&rng, 1, 0, "radio", "fading table");
  gint64 t0 = g_get_monotonic_time();
  ws_fading_table *table = ws_fading_table_new(&rng, log2_samples);
  printf("table: %zu samples, %.0f Doppler cycles, %.2f MB, built in %.1f ms\n",
         ws_fading_table_samples(table), ws_fading_table_cycles(table),
         ws_fading_table_bytes(table) / 1e6, (g_get_monotonic_time() - t0) * 1e-3);
  run(table, WS_FADING_RAYLEIGH, ues, cells, subbands, slots);
  run(table, WS_FADING_RICIAN, ues, cells, subbands, slots);
  ws_fading_table_free(table);
  return 0;
}
