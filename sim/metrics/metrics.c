/* wisim metrics: running statistics (Welford, Student t), a log-linear
 * quantile histogram, time averages, RFC 3550 jitter, the per-flow/per-link
 * collectors and time series, the radio headline (cell spectral efficiency,
 * 5th-percentile UE throughput), and the atomic, locale-independent writers
 * of flows.csv, links.csv, cells.csv, ues.csv, coverage.csv, timeseries.csv
 * and summary.json (docs/outputs.md). */

#include "wisim/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* ---- ws_stat ---------------------------------------------------------------- */

/* Welford's online algorithm (B. P. Welford, "Note on a method for calculating
 * corrected sums of squares and products", Technometrics 4(3), 1962): no
 * catastrophic cancellation, unlike sum / sum of squares. */
void ws_stat_add(ws_stat *s, double x)
{
  g_return_if_fail(s != NULL);
  if (s->n == 0) {
    s->min = x;
    s->max = x;
  } else {
    if (x < s->min)
      s->min = x;
    if (x > s->max)
      s->max = x;
  }
  s->n++;
  double delta = x - s->mean;
  s->mean += delta / (double)s->n;
  s->m2 += delta * (x - s->mean);
}

double ws_stat_variance(const ws_stat *s)
{
  g_return_val_if_fail(s != NULL, NAN);
  if (s->n < 2)
    return 0.0;
  return s->m2 / (double)(s->n - 1);
}

double ws_student_t_quantile(double p, double dof)
{
  g_return_val_if_fail(p > 0.0 && p < 1.0, NAN);
  g_return_val_if_fail(dof > 0.0, NAN);
  return gsl_cdf_tdist_Pinv(p, dof);
}

double ws_stat_ci95(const ws_stat *s)
{
  g_return_val_if_fail(s != NULL, NAN);
  if (s->n < 2)
    return NAN;
  double t = ws_student_t_quantile(0.975, (double)(s->n - 1));
  return t * sqrt(ws_stat_variance(s) / (double)s->n);
}

/* ---- ws_hist ---------------------------------------------------------------- */

/* Bucket layout. A value x >= HIST_MIN_VALUE is written x = f * 2^e with f in
 * [1, 2) (frexp gives m in [0.5, 1), f = 2m); e selects a group, the top
 * HIST_SUB_BITS bits of f's fraction select one of 1024 linear buckets. A
 * bucket [L, L + 2^e/1024) with L >= 2^e reported by its midpoint is off by
 * at most 2^e/2048 / 2^e = 1/2048 (0.049%) relative, inside the promised 0.1%.
 * Groups run from 2^-30 (9.3e-10 s, below the 1e-9 floor) to 2^34 (544
 * years): delays of 1 ns to hours sit well inside. Memory is three lazy
 * levels (groups -> chunks of 64 buckets), so an unused histogram costs only
 * its header and a flow whose delays span a few percent allocates ~3 KiB. */
#define HIST_MIN_VALUE 1e-9
#define HIST_MIN_EXP (-30) /* exponent of the first group: 2^-30 <= 1e-9 */
#define HIST_GROUPS 64
#define HIST_SUB_BITS 10
#define HIST_SUB (1 << HIST_SUB_BITS) /* buckets per power of two */
#define HIST_CHUNK_BITS 6
#define HIST_CHUNK (1 << HIST_CHUNK_BITS)          /* buckets per chunk */
#define HIST_CHUNKS (HIST_SUB >> HIST_CHUNK_BITS) /* chunks per group */

typedef struct {
  uint64_t *chunk[HIST_CHUNKS]; /* each HIST_CHUNK counters or NULL, owned */
} hist_group;

struct ws_hist {
  uint64_t count;      /* every value added */
  uint64_t zeros;      /* values below HIST_MIN_VALUE */
  double min, max;     /* exact extremes, to clamp the reported quantiles */
  hist_group **groups; /* HIST_GROUPS pointers or NULL, allocated on first use */
};

ws_hist *ws_hist_new(void)
{
  return g_new0(ws_hist, 1);
}

void ws_hist_free(ws_hist *h)
{
  if (h == NULL)
    return;
  if (h->groups != NULL) {
    for (int g = 0; g < HIST_GROUPS; g++) {
      if (h->groups[g] == NULL)
        continue;
      for (int c = 0; c < HIST_CHUNKS; c++)
        g_free(h->groups[g]->chunk[c]);
      g_free(h->groups[g]);
    }
    g_free(h->groups);
  }
  g_free(h);
}

void ws_hist_add(ws_hist *h, double x)
{
  g_return_if_fail(h != NULL);
  g_return_if_fail(x >= 0.0); /* also rejects NaN */
  if (h->count == 0) {
    h->min = x;
    h->max = x;
  } else {
    if (x < h->min)
      h->min = x;
    if (x > h->max)
      h->max = x;
  }
  h->count++;
  if (x < HIST_MIN_VALUE) {
    h->zeros++;
    return;
  }
  int group, sub;
  if (x >= ldexp(1.0, HIST_MIN_EXP + HIST_GROUPS)) {
    /* Beyond the top group (or infinite): the top bucket; max stays exact. */
    group = HIST_GROUPS - 1;
    sub = HIST_SUB - 1;
  } else {
    int e;
    double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    group = e - 1 - HIST_MIN_EXP;
    /* 2m - 1 in [0, 1) and the scaling by 2^10 are exact: no rounding. */
    sub = (int)((2.0 * m - 1.0) * HIST_SUB);
    g_assert(group >= 0 && group < HIST_GROUPS && sub >= 0 && sub < HIST_SUB);
  }
  if (h->groups == NULL)
    h->groups = g_new0(hist_group *, HIST_GROUPS);
  if (h->groups[group] == NULL)
    h->groups[group] = g_new0(hist_group, 1);
  uint64_t **chunk = &h->groups[group]->chunk[sub >> HIST_CHUNK_BITS];
  if (*chunk == NULL)
    *chunk = g_new0(uint64_t, HIST_CHUNK);
  (*chunk)[sub & (HIST_CHUNK - 1)]++;
}

uint64_t ws_hist_count(const ws_hist *h)
{
  g_return_val_if_fail(h != NULL, 0);
  return h->count;
}

/* The midpoint of bucket (group, sub). */
static double hist_bucket_mid(int group, int sub)
{
  return ldexp(1.0 + ((double)sub + 0.5) / HIST_SUB, group + HIST_MIN_EXP);
}

static double clamp_range(double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Nearest rank: the smallest value with at least ceil(q n) values at or
 * below it (Hyndman & Fan 1996, definition 1). */
double ws_hist_quantile(const ws_hist *h, double q)
{
  g_return_val_if_fail(h != NULL, NAN);
  g_return_val_if_fail(q >= 0.0 && q <= 1.0, NAN);
  if (h->count == 0)
    return NAN;
  /* q n may come out a hair above an integer (0.07 * 100 = 7.000000000000001):
   * shave a relative 1e-12 so that p95 of 100 values is the 95th. */
  double r = q * (double)h->count;
  uint64_t rank = (uint64_t)ceil(r - r * 1e-12);
  if (rank < 1)
    rank = 1;
  if (rank > h->count)
    rank = h->count;
  /* The extremes are known exactly: no bucket error for them. */
  if (rank == 1)
    return h->min;
  if (rank == h->count)
    return h->max;
  uint64_t seen = h->zeros;
  if (rank <= seen)
    return h->min; /* below 1e-9: the exact minimum is as good as any */
  g_assert(h->groups != NULL);
  for (int g = 0; g < HIST_GROUPS; g++) {
    const hist_group *grp = h->groups[g];
    if (grp == NULL)
      continue;
    for (int c = 0; c < HIST_CHUNKS; c++) {
      const uint64_t *chunk = grp->chunk[c];
      if (chunk == NULL)
        continue;
      for (int i = 0; i < HIST_CHUNK; i++) {
        seen += chunk[i];
        if (seen >= rank)
          return clamp_range(hist_bucket_mid(g, c * HIST_CHUNK + i), h->min, h->max);
      }
    }
  }
  g_assert_not_reached();
  return NAN;
}

/* ---- ws_tavg ---------------------------------------------------------------- */

void ws_tavg_reset(ws_tavg *a, ws_time now)
{
  g_return_if_fail(a != NULL);
  a->start = now;
  a->last = now;
  a->area = 0.0;
}

void ws_tavg_set(ws_tavg *a, ws_time now, double v)
{
  g_return_if_fail(a != NULL);
  g_return_if_fail(now >= a->last);
  a->area += a->value * (double)(now - a->last);
  a->last = now;
  a->value = v;
}

double ws_tavg_integral(const ws_tavg *a, ws_time now)
{
  g_return_val_if_fail(a != NULL, NAN);
  g_return_val_if_fail(now >= a->last, NAN);
  return a->area + a->value * (double)(now - a->last);
}

double ws_tavg_mean(const ws_tavg *a, ws_time now)
{
  g_return_val_if_fail(a != NULL, NAN);
  g_return_val_if_fail(now >= a->last, NAN);
  if (now == a->start)
    return a->value;
  return ws_tavg_integral(a, now) / (double)(now - a->start);
}

/* ---- ws_jitter -------------------------------------------------------------- */

/* RFC 3550 section 6.4.1 (and the code of appendix A.8): with transit time
 * T = R - S, D(i-1, i) = T(i) - T(i-1) and J(i) = J(i-1) + (|D| - J(i-1))/16.
 * The first packet only sets the reference transit time. */
void ws_jitter_add(ws_jitter *j, double sent_s, double received_s)
{
  g_return_if_fail(j != NULL);
  double transit = received_s - sent_s;
  if (j->have_last) {
    double d = fabs(transit - j->last_transit);
    j->jitter_s += (d - j->jitter_s) / 16.0;
  }
  j->last_transit = transit;
  j->have_last = true;
}

/* ---- collectors ------------------------------------------------------------- */

void ws_flow_stats_init(ws_flow_stats *f, const char *name, const char *from, const char *to,
                        const char *transport, const char *type)
{
  g_return_if_fail(f != NULL && name != NULL && from != NULL && to != NULL);
  g_return_if_fail(transport != NULL && type != NULL);
  memset(f, 0, sizeof *f);
  f->name = g_strdup(name);
  f->from = g_strdup(from);
  f->to = g_strdup(to);
  f->transport = transport;
  f->type = type;
  f->delay_hist = ws_hist_new();
  f->response_hist = ws_hist_new();
  f->completion_ns = -1;
  f->mos = NAN;
}

void ws_flow_stats_clear(ws_flow_stats *f)
{
  if (f == NULL)
    return;
  g_free(f->name);
  g_free(f->from);
  g_free(f->to);
  ws_hist_free(f->delay_hist);
  ws_hist_free(f->response_hist);
  memset(f, 0, sizeof *f);
}

void ws_link_stats_init(ws_link_stats *l, const char *link, const char *from, const char *to,
                        double rate_bps)
{
  g_return_if_fail(l != NULL && link != NULL && from != NULL && to != NULL);
  memset(l, 0, sizeof *l);
  l->link = g_strdup(link);
  l->from = g_strdup(from);
  l->to = g_strdup(to);
  l->rate_bps = rate_bps;
}

void ws_link_stats_clear(ws_link_stats *l)
{
  if (l == NULL)
    return;
  g_free(l->link);
  g_free(l->from);
  g_free(l->to);
  memset(l, 0, sizeof *l);
}

/* ---- ws_series -------------------------------------------------------------- */

/* A row is 24 bytes: the strings are indices into the interned tables. */
typedef struct {
  ws_time t;
  uint32_t entity; /* index into strings */
  uint32_t metric; /* index into strings */
  double value;
} series_row;

struct ws_series {
  GArray *rows;         /* of series_row */
  GStringChunk *chunk;  /* owns every interned string */
  GPtrArray *strings;   /* index -> string (borrowed from chunk) */
  GHashTable *index_of; /* string -> index + 1 (keys borrowed from chunk) */
};

ws_series *ws_series_new(void)
{
  ws_series *s = g_new0(ws_series, 1);
  s->rows = g_array_new(FALSE, FALSE, sizeof(series_row));
  s->chunk = g_string_chunk_new(256);
  s->strings = g_ptr_array_new();
  s->index_of = g_hash_table_new(g_str_hash, g_str_equal);
  return s;
}

void ws_series_free(ws_series *s)
{
  if (s == NULL)
    return;
  g_array_free(s->rows, TRUE);
  g_hash_table_destroy(s->index_of);
  g_ptr_array_free(s->strings, TRUE);
  g_string_chunk_free(s->chunk);
  g_free(s);
}

static uint32_t series_intern(ws_series *s, const char *str)
{
  gpointer v = g_hash_table_lookup(s->index_of, str);
  if (v != NULL)
    return GPOINTER_TO_UINT(v) - 1;
  char *copy = g_string_chunk_insert(s->chunk, str);
  uint32_t idx = s->strings->len;
  g_ptr_array_add(s->strings, copy);
  g_hash_table_insert(s->index_of, copy, GUINT_TO_POINTER(idx + 1));
  return idx;
}

void ws_series_add(ws_series *s, ws_time t, const char *entity, const char *metric, double value)
{
  g_return_if_fail(s != NULL && entity != NULL && metric != NULL);
  series_row row = {
    .t = t,
    .entity = series_intern(s, entity),
    .metric = series_intern(s, metric),
    .value = value,
  };
  g_array_append_val(s->rows, row);
}

unsigned ws_series_rows(const ws_series *s)
{
  g_return_val_if_fail(s != NULL, 0);
  return s->rows->len;
}

bool ws_series_row(const ws_series *s, unsigned i, ws_time *t, const char **entity,
                   const char **metric, double *value)
{
  g_return_val_if_fail(s != NULL, false);
  if (i >= s->rows->len)
    return false;
  const series_row *row = &g_array_index(s->rows, series_row, i);
  if (t)
    *t = row->t;
  if (entity)
    *entity = g_ptr_array_index(s->strings, row->entity);
  if (metric)
    *metric = g_ptr_array_index(s->strings, row->metric);
  if (value)
    *value = row->value;
  return true;
}

/* ---- ws_outfile ------------------------------------------------------------- */

struct ws_outfile {
  char *path;     /* final name, owned */
  char *tmp_path; /* PATH.tmp-XXXXXX, owned */
  FILE *fp;       /* open on tmp_path */
  bool fsync;     /* fsync the file (and its folder) on commit */
};

static void set_errno_error(GError **error, int err, const char *what, const char *path)
{
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s %s: %s", what, path,
              g_strerror(err));
}

ws_outfile *ws_outfile_open(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL && *path != '\0', NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  char *tmp = g_strconcat(path, ".tmp-XXXXXX", NULL);
  /* 0666 before the umask, like any file a program creates (g_mkstemp's
   * 0600 would make results private to the user). */
  int fd = g_mkstemp_full(tmp, O_WRONLY, 0666);
  if (fd < 0) {
    int err = errno;
    set_errno_error(error, err, "cannot create", tmp);
    g_free(tmp);
    return NULL;
  }
  FILE *fp = fdopen(fd, "w");
  if (fp == NULL) {
    int err = errno;
    close(fd);
    g_unlink(tmp);
    set_errno_error(error, err, "cannot open", tmp);
    g_free(tmp);
    return NULL;
  }
  ws_outfile *o = g_new0(ws_outfile, 1);
  o->path = g_strdup(path);
  o->tmp_path = tmp;
  o->fp = fp;
  return o;
}

void ws_outfile_set_fsync(ws_outfile *o, bool on)
{
  g_return_if_fail(o != NULL);
  o->fsync = on;
}

FILE *ws_outfile_fp(ws_outfile *o)
{
  g_return_val_if_fail(o != NULL, NULL);
  return o->fp;
}

static void outfile_free(ws_outfile *o)
{
  g_free(o->path);
  g_free(o->tmp_path);
  g_free(o);
}

/* Makes the rename itself durable (POSIX: a rename is recorded in the
 * folder). Best effort: a folder that cannot be opened is not an error. */
static void fsync_parent(const char *path)
{
  char *dir = g_path_get_dirname(path);
  int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  g_free(dir);
}

bool ws_outfile_commit(ws_outfile *o, GError **error)
{
  g_return_val_if_fail(o != NULL, false);
  g_return_val_if_fail(error == NULL || *error == NULL, false);
  int err = 0;
  const char *what = "cannot write";
  /* ferror catches a failed earlier write (e.g. ENOSPC) whose errno is gone;
   * report it as EIO when the flush itself succeeds. */
  if (fflush(o->fp) != 0)
    err = errno;
  else if (ferror(o->fp))
    err = EIO;
  else if (o->fsync && fsync(fileno(o->fp)) != 0)
    err = errno;
  if (fclose(o->fp) != 0 && err == 0)
    err = errno;
  o->fp = NULL;
  if (err == 0 && g_rename(o->tmp_path, o->path) != 0) {
    err = errno;
    what = "cannot rename into";
  }
  if (err != 0) {
    g_unlink(o->tmp_path);
    set_errno_error(error, err, what, o->path);
    outfile_free(o);
    return false;
  }
  if (o->fsync)
    fsync_parent(o->path);
  outfile_free(o);
  return true;
}

void ws_outfile_abort(ws_outfile *o)
{
  if (o == NULL)
    return;
  if (o->fp != NULL)
    fclose(o->fp);
  g_unlink(o->tmp_path);
  outfile_free(o);
}

/* ---- number and field formatting ------------------------------------------ */

/* Every number goes through these, so the output never depends on the
 * user's locale (g_ascii_formatd always writes '.') and stays byte-stable.
 * A non-finite value is an empty field. */
static void put_double(GString *out, const char *format, double x)
{
  if (!isfinite(x))
    return;
  if (x == 0.0)
    x = 0.0; /* -0 prints as "-0.000": make it +0 */
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, format, x));
}

static void put_u64(GString *out, uint64_t v)
{
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
}

/* Exact seconds with 9 decimals from integer nanoseconds: no rounding. */
static void put_time_s(GString *out, ws_time t)
{
  uint64_t mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
  g_string_append_printf(out, "%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT, t < 0 ? "-" : "",
                         mag / 1000000000u, mag % 1000000000u);
}

/* RFC 4180 section 2: a field with a comma, quote or line break is quoted,
 * its quotes doubled. Names cannot hold them (scenario rules): defensive. */
static void put_field(GString *out, const char *s)
{
  if (s == NULL)
    return;
  if (strpbrk(s, ",\"\r\n") == NULL) {
    g_string_append(out, s);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

/* Column formats; docs/outputs.md documents each. */
#define FMT_SECONDS "%.9f" /* delays, jitter: nanosecond resolution */
#define FMT_RATE "%.3f"    /* bit/s */
#define FMT_RATIO "%.6g"   /* loss ratio, utilisation: 6 significant digits */
#define FMT_QPKT "%.6f"    /* mean queue in packets */
#define FMT_QBYTES "%.3f"  /* mean queue in bytes */
#define FMT_VALUE "%.12g"  /* time-series values, whatever their unit */
#define FMT_MOS "%.3f"     /* mean opinion score, 1..4.5 */
#define FMT_METRES "%.3f"  /* positions: millimetre resolution */
#define FMT_DEG "%.3f"     /* angles in degrees */
#define FMT_HZ "%.0f"      /* bandwidths: whole hertz */
#define FMT_DB "%.3f"      /* SINR in dB, RSRP in dBm */
#define FMT_SE "%.6g"      /* spectral efficiency, bit/s/Hz */
#define FMT_CQI "%.3f"     /* mean CQI index, 0..15 */

/* Writes the buffer to a new outfile at path and commits it. */
static bool write_whole(const char *path, const GString *text, GError **error)
{
  ws_outfile *o = ws_outfile_open(path, error);
  if (o == NULL)
    return false;
  if (text->len > 0 && fwrite(text->str, 1, text->len, ws_outfile_fp(o)) != text->len) {
    int err = errno;
    ws_outfile_abort(o);
    set_errno_error(error, err, "cannot write", path);
    return false;
  }
  return ws_outfile_commit(o, error);
}

/* ---- flows.csv ------------------------------------------------------------- */

uint64_t ws_flow_stats_lost(const ws_flow_stats *f)
{
  uint64_t accounted = f->received_packets + f->in_flight_packets;
  if (accounted <= f->sent_packets) return f->sent_packets - accounted;
  /* A collector bug, not user input: report it but keep the run's results. */
  g_critical("flow %s: received %" G_GUINT64_FORMAT " + in flight %" G_GUINT64_FORMAT
             " > sent %" G_GUINT64_FORMAT,
             f->name, f->received_packets, f->in_flight_packets, f->sent_packets);
  return 0;
}

double ws_flow_stats_throughput_bps(const ws_flow_stats *f)
{
  ws_time active_ns = f->active_end - f->active_start;
  return active_ns > 0 ? (double)f->received_bytes * 8.0 / ws_time_to_s(active_ns) : 0.0;
}

static void put_flow_row(GString *out, const ws_flow_stats *f)
{
  uint64_t lost = ws_flow_stats_lost(f);
  put_field(out, f->name);
  g_string_append_c(out, ',');
  put_field(out, f->from);
  g_string_append_c(out, ',');
  put_field(out, f->to);
  g_string_append_c(out, ',');
  put_field(out, f->transport);
  g_string_append_c(out, ',');
  put_field(out, f->type);
  const uint64_t counts[] = { f->sent_packets,     f->sent_bytes,        f->received_packets,
                              f->received_bytes,   lost,                 f->in_flight_packets };
  for (size_t i = 0; i < G_N_ELEMENTS(counts); i++) {
    g_string_append_c(out, ',');
    put_u64(out, counts[i]);
  }
  g_string_append_c(out, ',');
  if (f->sent_packets > 0)
    put_double(out, FMT_RATIO, (double)lost / (double)f->sent_packets);
  g_string_append_c(out, ',');
  put_double(out, FMT_RATE, ws_flow_stats_throughput_bps(f));
  /* Delays and jitter only mean something once a packet arrived: empty. */
  bool have_delay = f->delay.n > 0;
  double delays[] = {
    f->delay.mean,
    have_delay && f->delay_hist ? ws_hist_quantile(f->delay_hist, 0.50) : NAN,
    have_delay && f->delay_hist ? ws_hist_quantile(f->delay_hist, 0.95) : NAN,
    have_delay && f->delay_hist ? ws_hist_quantile(f->delay_hist, 0.99) : NAN,
    f->delay.max,
    f->jitter.jitter_s,
  };
  for (size_t i = 0; i < G_N_ELEMENTS(delays); i++) {
    g_string_append_c(out, ',');
    if (have_delay)
      put_double(out, FMT_SECONDS, delays[i]);
  }
  /* Columns of particular transports and types: empty where they do not
   * apply, so that a 0 always means a measured zero. */
  bool tcp = f->transport && strcmp(f->transport, "tcp") == 0;
  g_string_append_c(out, ',');
  if (tcp)
    put_u64(out, f->retransmissions);
  g_string_append_c(out, ',');
  if (tcp)
    put_u64(out, f->rto_count);
  g_string_append_c(out, ',');
  if (f->completion_ns >= 0)
    put_double(out, FMT_SECONDS, ws_time_to_s(f->completion_ns));
  bool have_response = f->response.n > 0;
  double responses[] = {
    f->response.mean,
    have_response && f->response_hist ? ws_hist_quantile(f->response_hist, 0.50) : NAN,
    have_response && f->response_hist ? ws_hist_quantile(f->response_hist, 0.95) : NAN,
    have_response && f->response_hist ? ws_hist_quantile(f->response_hist, 0.99) : NAN,
  };
  for (size_t i = 0; i < G_N_ELEMENTS(responses); i++) {
    g_string_append_c(out, ',');
    if (have_response)
      put_double(out, FMT_SECONDS, responses[i]);
  }
  g_string_append_c(out, ',');
  if (!isnan(f->mos))
    put_double(out, FMT_MOS, f->mos);
  g_string_append_c(out, ',');
  put_u64(out, f->handover_lost);
  g_string_append_c(out, '\n');
}

bool ws_metrics_write_flows(const char *path, ws_flow_stats *const *flows, unsigned n,
                            GError **error)
{
  g_return_val_if_fail(path != NULL, false);
  g_return_val_if_fail(flows != NULL || n == 0, false);
  GString *out = g_string_new(
      "flow,from,to,transport,type,sent_packets,sent_bytes,received_packets,"
      "received_bytes,lost_packets,in_flight_packets,loss_ratio,throughput_bps,"
      "delay_mean_s,delay_p50_s,delay_p95_s,delay_p99_s,delay_max_s,jitter_s,"
      "retransmissions,rto_count,completion_time_s,response_mean_s,response_p50_s,"
      "response_p95_s,response_p99_s,mos,handover_lost_packets\n");
  for (unsigned i = 0; i < n; i++)
    put_flow_row(out, flows[i]);
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

/* ---- links.csv ------------------------------------------------------------- */

bool ws_metrics_write_links(const char *path, ws_link_stats *const *links, unsigned n,
                            ws_time window_ns, ws_time end, GError **error)
{
  g_return_val_if_fail(path != NULL, false);
  g_return_val_if_fail(links != NULL || n == 0, false);
  g_return_val_if_fail(window_ns >= 0, false);
  GString *out = g_string_new("link,from,to,rate_bps,tx_packets,tx_bytes,utilisation,"
                              "queue_drops,loss_drops,down_drops,mtu_drops,mean_queue_packets,"
                              "mean_queue_bytes,aqm_drops,ecn_marks\n");
  for (unsigned i = 0; i < n; i++) {
    const ws_link_stats *l = links[i];
    put_field(out, l->link);
    g_string_append_c(out, ',');
    put_field(out, l->from);
    g_string_append_c(out, ',');
    put_field(out, l->to);
    g_string_append_c(out, ',');
    put_double(out, FMT_RATE, l->rate_bps);
    g_string_append_c(out, ',');
    put_u64(out, l->tx_packets);
    g_string_append_c(out, ',');
    put_u64(out, l->tx_bytes);
    g_string_append_c(out, ',');
    if (window_ns > 0)
      put_double(out, FMT_RATIO, (double)l->busy_ns / (double)window_ns);
    const uint64_t drops[] = { l->queue_drops, l->loss_drops, l->down_drops, l->mtu_drops };
    for (size_t k = 0; k < G_N_ELEMENTS(drops); k++) {
      g_string_append_c(out, ',');
      put_u64(out, drops[k]);
    }
    g_string_append_c(out, ',');
    put_double(out, FMT_QPKT, ws_tavg_mean(&l->queue_packets, end));
    g_string_append_c(out, ',');
    put_double(out, FMT_QBYTES, ws_tavg_mean(&l->queue_bytes, end));
    g_string_append_c(out, ',');
    put_u64(out, l->aqm_drops);
    g_string_append_c(out, ',');
    put_u64(out, l->ecn_marks);
    g_string_append_c(out, '\n');
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

/* ---- cells.csv, ues.csv, coverage.csv --------------------------------------- */

/* A comma, then the value (empty when not finite). */
static void col_double(GString *out, const char *format, double x)
{
  g_string_append_c(out, ',');
  put_double(out, format, x);
}

static void col_u64(GString *out, uint64_t v)
{
  g_string_append_c(out, ',');
  put_u64(out, v);
}

/* Booleans are 0/1 so that aggregate.csv averages them into a fraction of
 * the runs (docs/outputs.md). */
static void col_bool(GString *out, bool b)
{
  g_string_append(out, b ? ",1" : ",0");
}

bool ws_metrics_write_cells(const char *path, const ws_cell_stats *cells, unsigned n,
                            GError **error)
{
  g_return_val_if_fail(path != NULL, false);
  g_return_val_if_fail(cells != NULL || n == 0, false);
  GString *out = g_string_new(
      "cell,site,x_m,y_m,azimuth_deg,bandwidth_hz,ues,ues_out_of_coverage,rb_utilisation_dl,"
      "rb_utilisation_ul,throughput_dl_bps,throughput_ul_bps,spectral_efficiency_dl,"
      "spectral_efficiency_ul,bler_dl,harq_retx_dl,on_fraction\n");
  for (unsigned i = 0; i < n; i++) {
    const ws_cell_stats *c = &cells[i];
    put_field(out, c->name);
    g_string_append_c(out, ',');
    if (c->site >= 0) /* a [cell] group belongs to no layout site: empty */
      g_string_append_printf(out, "%d", c->site);
    col_double(out, FMT_METRES, c->x_m);
    col_double(out, FMT_METRES, c->y_m);
    col_double(out, FMT_DEG, c->azimuth_deg);
    col_double(out, FMT_HZ, c->bandwidth_hz);
    col_u64(out, c->ues);
    col_u64(out, c->ues_out_of_coverage);
    col_double(out, FMT_RATIO, c->rb_utilisation_dl);
    col_double(out, FMT_RATIO, c->rb_utilisation_ul);
    col_double(out, FMT_RATE, c->throughput_dl_bps);
    col_double(out, FMT_RATE, c->throughput_ul_bps);
    col_double(out, FMT_SE, c->spectral_efficiency_dl);
    col_double(out, FMT_SE, c->spectral_efficiency_ul);
    col_double(out, FMT_RATIO, c->bler_dl);
    col_u64(out, c->harq_retx_dl);
    col_double(out, FMT_RATIO, c->on_fraction);
    g_string_append_c(out, '\n');
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

bool ws_metrics_write_ues(const char *path, const ws_ue_stats *ues, unsigned n, GError **error)
{
  g_return_val_if_fail(path != NULL, false);
  g_return_val_if_fail(ues != NULL || n == 0, false);
  GString *out = g_string_new(
      "ue,cell,x_m,y_m,out_of_coverage,rsrp_dbm,geometry_sinr_db,sinr_db,cqi_mean,"
      "throughput_dl_bps,throughput_ul_bps,bler_dl,bler_ul,harq_retx_dl,harq_retx_ul,drops_dl,"
      "drops_ul,dl_active,ul_active,handovers,pingpongs,rlfs,reestablishments,"
      "interruption_s\n");
  for (unsigned i = 0; i < n; i++) {
    const ws_ue_stats *u = &ues[i];
    put_field(out, u->name);
    g_string_append_c(out, ',');
    put_field(out, u->cell); /* NULL: no serving cell, empty */
    col_double(out, FMT_METRES, u->x_m);
    col_double(out, FMT_METRES, u->y_m);
    col_bool(out, u->out_of_coverage);
    col_double(out, FMT_DB, u->rsrp_dbm);
    col_double(out, FMT_DB, u->geometry_sinr_db);
    col_double(out, FMT_DB, u->sinr_db);
    col_double(out, FMT_CQI, u->cqi_mean);
    /* A throughput is defined only in a direction with traffic: a 0 then
     * always means a UE that wanted data and got none. */
    col_double(out, FMT_RATE, u->dl_active ? u->throughput_dl_bps : NAN);
    col_double(out, FMT_RATE, u->ul_active ? u->throughput_ul_bps : NAN);
    col_double(out, FMT_RATIO, u->bler_dl);
    col_double(out, FMT_RATIO, u->bler_ul);
    col_u64(out, u->harq_retx_dl);
    col_u64(out, u->harq_retx_ul);
    col_u64(out, u->drops_dl);
    col_u64(out, u->drops_ul);
    col_bool(out, u->dl_active);
    col_bool(out, u->ul_active);
    col_u64(out, u->handovers);
    col_u64(out, u->pingpongs);
    col_u64(out, u->rlfs);
    col_u64(out, u->reestablishments);
    col_double(out, FMT_SECONDS, u->interruption_s);
    g_string_append_c(out, '\n');
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

bool ws_metrics_write_handovers(const char *path, const ws_handover_row *rows, unsigned n,
                                GError **error)
{
  g_return_val_if_fail(path != NULL, false);
  g_return_val_if_fail(rows != NULL || n == 0, false);
  GString *out = g_string_new(
      "time_s,ue,from_cell,to_cell,kind,x,y,serving_rsrp_dbm,target_rsrp_dbm\n");
  for (unsigned i = 0; i < n; i++) {
    const ws_handover_row *r = &rows[i];
    put_double(out, FMT_SECONDS, ws_time_to_s(r->time_ns));
    g_string_append_c(out, ',');
    put_field(out, r->ue);
    g_string_append_c(out, ',');
    put_field(out, r->from_cell);
    g_string_append_c(out, ',');
    put_field(out, r->to_cell);
    g_string_append_c(out, ',');
    put_field(out, r->kind);
    col_double(out, FMT_METRES, r->x_m);
    col_double(out, FMT_METRES, r->y_m);
    col_double(out, FMT_DB, r->serving_rsrp_dbm);
    col_double(out, FMT_DB, r->target_rsrp_dbm);
    g_string_append_c(out, '\n');
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

bool ws_metrics_write_coverage(const char *path, const ws_coverage *c, GError **error)
{
  g_return_val_if_fail(path != NULL && c != NULL, false);
  g_return_val_if_fail(c->nx == 0 || c->ny == 0 || c->step_m > 0, false);
  GString *out = g_string_new("x_m,y_m,cell,rsrp_dbm,sinr_db\n");
  for (unsigned row = 0; row < c->ny; row++) {
    /* Each centre from its integer index: no accumulated rounding. */
    double y = c->y0_m + (double)row * c->step_m;
    for (unsigned col = 0; col < c->nx; col++) {
      size_t k = (size_t)row * c->nx + col;
      put_double(out, FMT_METRES, c->x0_m + (double)col * c->step_m);
      col_double(out, FMT_METRES, y);
      g_string_append_c(out, ',');
      int32_t cell = c->cell != NULL ? c->cell[k] : -1;
      if (cell >= 0 && c->cell_names != NULL)
        put_field(out, c->cell_names[cell]);
      col_double(out, FMT_DB, c->rsrp_dbm != NULL ? c->rsrp_dbm[k] : NAN);
      col_double(out, FMT_DB, c->sinr_db != NULL ? c->sinr_db[k] : NAN);
      g_string_append_c(out, '\n');
    }
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

/* ---- radio headline ------------------------------------------------------- */

/* The mean and 5th percentile of the UEs' throughput in one direction, over
 * the UEs with traffic in it; a UE out of coverage (or with no defined
 * throughput) counts as 0, as in ITU-R M.2412 (cell-edge users are
 * counted, not dropped). The percentile is GSL's
 * gsl_stats_quantile_from_sorted_data: linear interpolation between order
 * statistics at rank (n - 1) q (Hyndman & Fan 1996 definition 7, the
 * default of R and numpy), so the 5th percentile of 1..100 is 5.95. */
static void ue_throughput_figures(const ws_ue_stats *ues, unsigned n, bool dl, double *p5,
                                  double *mean)
{
  double *v = g_new(double, n ? n : 1);
  size_t m = 0;
  for (unsigned i = 0; i < n; i++) {
    const ws_ue_stats *u = &ues[i];
    if (!(dl ? u->dl_active : u->ul_active))
      continue;
    double x = dl ? u->throughput_dl_bps : u->throughput_ul_bps;
    v[m++] = u->out_of_coverage || !isfinite(x) ? 0.0 : x;
  }
  if (m == 0) {
    *p5 = NAN;
    *mean = NAN;
  } else {
    gsl_sort(v, 1, m);
    *p5 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.05);
    /* Summed in sorted order: the same bytes whatever the UE order. */
    double sum = 0.0;
    for (size_t i = 0; i < m; i++)
      sum += v[i];
    *mean = sum / (double)m;
  }
  g_free(v);
}

/* Mean over the cells of their spectral efficiency in one direction
 * (SCENARIO-FORMAT.md: decoded bits / (time x bandwidth), per cell); a cell
 * whose value is not defined (NaN) is left out. NAN when no UE has traffic
 * in that direction (an unused uplink has no efficiency, not 0). */
static double cell_se_mean(const ws_cell_stats *cells, unsigned n_cells, const ws_ue_stats *ues,
                           unsigned n_ues, bool dl)
{
  bool traffic = false;
  for (unsigned i = 0; i < n_ues && !traffic; i++)
    traffic = dl ? ues[i].dl_active : ues[i].ul_active;
  if (!traffic)
    return NAN;
  double sum = 0.0;
  unsigned m = 0;
  for (unsigned i = 0; i < n_cells; i++) {
    double se = dl ? cells[i].spectral_efficiency_dl : cells[i].spectral_efficiency_ul;
    if (!isfinite(se))
      continue;
    sum += se;
    m++;
  }
  return m ? sum / (double)m : NAN;
}

void ws_radio_headline_compute(const ws_cell_stats *cells, unsigned n_cells,
                               const ws_ue_stats *ues, unsigned n_ues, ws_radio_headline *h)
{
  g_return_if_fail(h != NULL);
  g_return_if_fail(cells != NULL || n_cells == 0);
  g_return_if_fail(ues != NULL || n_ues == 0);
  memset(h, 0, sizeof *h);
  h->n_cells = n_cells;
  h->n_ues = n_ues;
  for (unsigned i = 0; i < n_ues; i++)
    h->n_ues_out_of_coverage += ues[i].out_of_coverage;
  h->cell_se_dl = cell_se_mean(cells, n_cells, ues, n_ues, true);
  h->cell_se_ul = cell_se_mean(cells, n_cells, ues, n_ues, false);
  ue_throughput_figures(ues, n_ues, true, &h->ue_p5_dl_bps, &h->ue_mean_dl_bps);
  ue_throughput_figures(ues, n_ues, false, &h->ue_p5_ul_bps, &h->ue_mean_ul_bps);
}

/* ---- timeseries.csv -------------------------------------------------------- */

bool ws_metrics_write_series(const char *path, const ws_series *s, GError **error)
{
  g_return_val_if_fail(path != NULL && s != NULL, false);
  GString *out = g_string_new("time_s,entity,metric,value\n");
  for (unsigned i = 0; i < s->rows->len; i++) {
    const series_row *row = &g_array_index(s->rows, series_row, i);
    put_time_s(out, row->t);
    g_string_append_c(out, ',');
    put_field(out, g_ptr_array_index(s->strings, row->entity));
    g_string_append_c(out, ',');
    put_field(out, g_ptr_array_index(s->strings, row->metric));
    g_string_append_c(out, ',');
    put_double(out, FMT_VALUE, row->value);
    g_string_append_c(out, '\n');
  }
  bool ok = write_whole(path, out, error);
  g_string_free(out, TRUE);
  return ok;
}

/* ---- summary.json ---------------------------------------------------------- */

static void json_string(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value != NULL)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

/* JSON has no NaN or infinity: null. */
static void json_double(JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name(b, name);
  if (isfinite(value))
    json_builder_add_double_value(b, value);
  else
    json_builder_add_null_value(b);
}

/* JSON integers beyond int64 (possible for a seed) are written as a decimal
 * string rather than silently wrapped. */
static void json_u64(JsonBuilder *b, const char *name, uint64_t value)
{
  json_builder_set_member_name(b, name);
  if (value <= (uint64_t)INT64_MAX) {
    json_builder_add_int_value(b, (gint64)value);
  } else {
    char buf[24];
    g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
    json_builder_add_string_value(b, buf);
  }
}

bool ws_metrics_write_summary(const char *path, const ws_run_info *info, GError **error)
{
  g_return_val_if_fail(path != NULL && info != NULL, false);
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_string(b, "wisim_version", info->wisim_version);
  json_string(b, "build_flags", info->build_flags);
  json_string(b, "scenario_name", info->scenario_name);
  json_string(b, "scenario_path", info->scenario_path);
  json_string(b, "scenario_sha256", info->scenario_sha256);
  json_builder_set_member_name(b, "overrides");
  json_builder_begin_array(b);
  for (const char *const *o = info->overrides; o != NULL && *o != NULL; o++)
    json_builder_add_string_value(b, *o);
  json_builder_end_array(b);
  json_u64(b, "seed", info->seed);
  json_u64(b, "run_index", info->run_index);
  json_double(b, "simulated_s", ws_time_to_s(info->simulated_ns));
  json_double(b, "warmup_s", ws_time_to_s(info->warmup_ns));
  json_double(b, "wall_s", info->wall_s);
  json_u64(b, "events", info->events);
  json_double(b, "events_per_s", info->wall_s > 0.0 ? (double)info->events / info->wall_s : NAN);
  json_builder_set_member_name(b, "complete");
  json_builder_add_boolean_value(b, info->complete);
  json_builder_set_member_name(b, "headline");
  json_builder_begin_object(b);
  json_u64(b, "flows", info->n_flows);
  json_double(b, "total_throughput_bps", info->total_throughput_bps);
  json_double(b, "mean_delay_s", info->mean_delay_s);
  json_double(b, "loss_ratio", info->loss_ratio);
  json_builder_end_object(b);
  if (info->radio.n_cells > 0) {
    const ws_radio_headline *r = &info->radio;
    json_builder_set_member_name(b, "radio");
    json_builder_begin_object(b);
    json_u64(b, "cells", r->n_cells);
    json_u64(b, "ues", r->n_ues);
    json_u64(b, "ues_out_of_coverage", r->n_ues_out_of_coverage);
    json_double(b, "cell_spectral_efficiency_dl_bit_s_hz", r->cell_se_dl);
    json_double(b, "cell_spectral_efficiency_ul_bit_s_hz", r->cell_se_ul);
    json_double(b, "ue_throughput_p5_dl_bps", r->ue_p5_dl_bps);
    json_double(b, "ue_throughput_p5_ul_bps", r->ue_p5_ul_bps);
    json_double(b, "ue_throughput_mean_dl_bps", r->ue_mean_dl_bps);
    json_double(b, "ue_throughput_mean_ul_bps", r->ue_mean_ul_bps);
    json_builder_end_object(b);
  }
  json_builder_end_object(b);

  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 2);
  json_generator_set_root(gen, root);
  gsize len = 0;
  char *data = json_generator_to_data(gen, &len);
  GString *text = g_string_new_len(data, (gssize)len);
  g_string_append_c(text, '\n');
  bool ok = write_whole(path, text, error);
  g_string_free(text, TRUE);
  g_free(data);
  g_object_unref(gen);
  json_node_unref(root);
  g_object_unref(b);
  return ok;
}
