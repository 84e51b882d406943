/* Unit tests of the event core (sim/core/sim.c): ordering by (time,
 * insertion), cancellation, stop/resume, run_until, next_time, a random
 * interleaving checked against a GTree reference model, large and
 * degenerate queues, steady-state allocation, and two sims in two threads. */

#include "wisim/core.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* ---- a recorder: events append their tag to a log ------------------------ */

typedef struct recorder recorder;

typedef struct {
  recorder *rec;
  int tag;
  ws_event_id self;    /* this event's own handle, when a test needs it */
  ws_event_id victim;  /* another event this one cancels, or 0 */
  bool victim_was_pending; /* result of that cancel */
  bool self_cancel_result;
  bool stop;           /* calls ws_sim_stop */
  ws_time reschedule_delay; /* >= 0: schedules follow_tag at now + delay */
  int follow_tag;
} probe;

struct recorder {
  ws_sim *sim;
  GArray *tags;   /* int, in execution order */
  GArray *times;  /* ws_time of each execution */
  probe probes[64];
};

static void recorder_init(recorder *r) {
  memset(r, 0, sizeof *r);
  r->sim = ws_sim_new();
  r->tags = g_array_new(FALSE, FALSE, sizeof(int));
  r->times = g_array_new(FALSE, FALSE, sizeof(ws_time));
  for (int k = 0; k < 64; k++) {
    r->probes[k].rec = r;
    r->probes[k].tag = k;
    r->probes[k].reschedule_delay = -1;
  }
}

static void recorder_clear(recorder *r) {
  ws_sim_check(r->sim);
  ws_sim_free(r->sim);
  g_array_unref(r->tags);
  g_array_unref(r->times);
}

static void on_probe(ws_sim *sim, void *ctx) {
  probe *p = ctx;
  g_assert_true(sim == p->rec->sim);
  ws_time now = ws_sim_now(sim);
  g_array_append_val(p->rec->tags, p->tag);
  g_array_append_val(p->rec->times, now);
  if (p->self) {
    /* Inside its own callback the event has run: not pending. */
    g_assert_false(ws_sim_is_pending(sim, p->self));
    p->self_cancel_result = ws_sim_cancel(sim, p->self);
  }
  if (p->victim)
    p->victim_was_pending = ws_sim_cancel(sim, p->victim);
  if (p->reschedule_delay >= 0)
    ws_sim_schedule(sim, p->reschedule_delay, on_probe, &p->rec->probes[p->follow_tag]);
  if (p->stop)
    ws_sim_stop(sim);
}

static ws_event_id at(recorder *r, ws_time t, int tag) {
  ws_event_id id = ws_sim_schedule_at(r->sim, t, on_probe, &r->probes[tag]);
  g_assert_cmpuint(id, !=, 0);
  return id;
}

static void assert_tags(recorder *r, const int *expected, guint n) {
  g_assert_cmpuint(r->tags->len, ==, n);
  for (guint k = 0; k < n; k++)
    if (g_array_index(r->tags, int, k) != expected[k])
      g_error("execution %u: tag %d, expected %d", k, g_array_index(r->tags, int, k), expected[k]);
}

/* ---- basic ordering -------------------------------------------------------- */

static void test_order_by_time(void) {
  recorder r;
  recorder_init(&r);
  /* Times spread over many powers of two, scheduled out of order. */
  static const ws_time times[] = {700, 3, WS_S, 0, 65536, 65535, 5 * WS_S, 1, 2, 1000000};
  static const int expected[] = {3, 7, 8, 1, 0, 5, 4, 9, 2, 6};
  for (int k = 0; k < 10; k++)
    at(&r, times[k], k);
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 10);
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run(r.sim), ==, 10);
  assert_tags(&r, expected, 10);
  for (guint k = 1; k < r.times->len; k++)
    g_assert_cmpint(g_array_index(r.times, ws_time, k - 1), <, g_array_index(r.times, ws_time, k));
  g_assert_cmpint(ws_sim_now(r.sim), ==, 5 * WS_S);
  g_assert_cmpuint(ws_sim_events_executed(r.sim), ==, 10);
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 0);
  g_assert_false(ws_sim_stopped(r.sim));
  recorder_clear(&r);

  /* The far end of the time line, where the top byte is in use. */
  recorder_init(&r);
  static const ws_time far[] = {WS_TIME_MAX, (ws_time)1 << 62, WS_TIME_MAX - 1, 0,
                                ((ws_time)1 << 62) - 1, WS_TIME_MAX, (ws_time)1 << 56};
  static const int far_expected[] = {3, 6, 4, 1, 2, 0, 5};
  for (int k = 0; k < 7; k++)
    at(&r, far[k], k);
  ws_sim_check(r.sim);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 0);
  g_assert_cmpuint(ws_sim_run_until(r.sim, WS_TIME_MAX - 2), ==, 4);
  g_assert_cmpint(ws_sim_now(r.sim), ==, WS_TIME_MAX - 2);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, WS_TIME_MAX - 1);
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run(r.sim), ==, 3);
  g_assert_cmpint(ws_sim_now(r.sim), ==, WS_TIME_MAX);
  assert_tags(&r, far_expected, 7);
  recorder_clear(&r);
}

static void test_ties_insertion_order(void) {
  recorder r;
  recorder_init(&r);
  /* From time 0: tags 0 and 1 at 1000, tag 2 at 999, tag 3 at 500. */
  at(&r, 1000, 0);
  at(&r, 1000, 1);
  at(&r, 999, 2);
  at(&r, 500, 3);
  /* At 500, tag 3 schedules tag 4 at 1000: its tie with 0 and 1 is created
   * after a redistribution moved the queue's reference point. */
  r.probes[3].reschedule_delay = 500;
  r.probes[3].follow_tag = 4;
  /* At 999, after 1000's entries moved to a lower bucket, tag 2 schedules
   * tag 5 at 1000 too. */
  r.probes[2].reschedule_delay = 1;
  r.probes[2].follow_tag = 5;
  /* At 1000, tag 0 (first of the tie) adds tag 6 at the same time: it runs
   * after everything already due then (zero delay goes to the back). */
  r.probes[0].reschedule_delay = 0;
  r.probes[0].follow_tag = 6;
  /* And tag 6 adds tag 7 at zero delay once more. */
  r.probes[6].reschedule_delay = 0;
  r.probes[6].follow_tag = 7;
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run_until(r.sim, 999), ==, 2);
  ws_sim_check(r.sim);
  /* Between runs, at 999: tag 8 at 1000 must follow 5. */
  at(&r, 1000, 8);
  ws_sim_check(r.sim);
  ws_sim_run(r.sim);
  static const int expected[] = {3, 2, 0, 1, 4, 5, 8, 6, 7};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  recorder_clear(&r);
}

static void test_ties_at_now(void) {
  recorder r;
  recorder_init(&r);
  /* Ties at the current time, at time 0 and after the clock moved. */
  for (int k = 0; k < 5; k++)
    at(&r, 0, k);
  for (int k = 5; k < 10; k++)
    at(&r, 77, k);
  ws_sim_run_until(r.sim, 40);
  for (int k = 10; k < 13; k++)
    at(&r, 77, k);
  for (int k = 13; k < 15; k++)
    at(&r, 40, k);
  ws_sim_check(r.sim);
  ws_sim_run(r.sim);
  static const int expected[] = {0, 1, 2, 3, 4, 13, 14, 5, 6, 7, 8, 9, 10, 11, 12};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  recorder_clear(&r);
}

/* ---- cancellation ---------------------------------------------------------- */

static void test_cancel(void) {
  recorder r;
  recorder_init(&r);
  g_assert_false(ws_sim_cancel(r.sim, 0));
  g_assert_false(ws_sim_is_pending(r.sim, 0));
  /* A handle that names no record at all. */
  g_assert_false(ws_sim_cancel(r.sim, ((uint64_t)1 << 32) | 12345));

  ws_event_id a = at(&r, 10, 0);
  ws_event_id b = at(&r, 20, 1);
  ws_event_id c = at(&r, 20, 2);
  g_assert_true(ws_sim_is_pending(r.sim, a));
  g_assert_true(ws_sim_cancel(r.sim, b));
  g_assert_false(ws_sim_is_pending(r.sim, b));
  g_assert_false(ws_sim_cancel(r.sim, b)); /* twice */
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 2);
  ws_sim_check(r.sim);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 10);
  g_assert_cmpuint(ws_sim_run(r.sim), ==, 2);
  static const int expected[] = {0, 2};
  assert_tags(&r, expected, 2);
  /* Already run. */
  g_assert_false(ws_sim_is_pending(r.sim, a));
  g_assert_false(ws_sim_cancel(r.sim, a));
  g_assert_false(ws_sim_cancel(r.sim, c));
  g_assert_cmpuint(ws_sim_events_executed(r.sim), ==, 2);

  /* Stale handles after their record was reused: the records of a, b and
   * c are all free now, so new events take the same slots. */
  ws_event_id d = at(&r, 30, 3);
  ws_event_id e = at(&r, 30, 4);
  ws_event_id f = at(&r, 30, 5);
  ws_event_id old[] = {a, b, c};
  ws_event_id fresh[] = {d, e, f};
  int reused = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      if ((uint32_t)old[i] == (uint32_t)fresh[j]) {
        g_assert_cmpuint(old[i], !=, fresh[j]);
        reused++;
      }
  g_assert_cmpint(reused, ==, 3); /* else this part tests nothing */
  for (int i = 0; i < 3; i++) {
    g_assert_false(ws_sim_cancel(r.sim, old[i]));
    g_assert_false(ws_sim_is_pending(r.sim, old[i]));
  }
  for (int j = 0; j < 3; j++)
    g_assert_true(ws_sim_is_pending(r.sim, fresh[j]));
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 3);

  /* A cancelled record is reused only after the queue drops its entry;
   * either way its old handle stays dead. */
  g_assert_true(ws_sim_cancel(r.sim, e));
  ws_event_id g = at(&r, 40, 6);
  g_assert_false(ws_sim_cancel(r.sim, e));
  g_assert_true(ws_sim_is_pending(r.sim, g));
  ws_sim_check(r.sim);
  ws_sim_run(r.sim);
  static const int expected2[] = {0, 2, 3, 5, 6};
  assert_tags(&r, expected2, G_N_ELEMENTS(expected2));
  g_assert_false(ws_sim_cancel(r.sim, e));
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 0);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, WS_TIME_MAX);
  recorder_clear(&r);
}

static void test_cancel_in_callback(void) {
  recorder r;
  recorder_init(&r);
  /* Tag 0 cancels itself: false, it is running. */
  r.probes[0].self = at(&r, 100, 0);
  /* Tag 1 cancels tag 2, due at the same time and already queued after it;
   * tag 3, also at 100, runs. */
  ws_event_id one = at(&r, 100, 1);
  r.probes[1].victim = at(&r, 100, 2);
  at(&r, 100, 3);
  /* Tag 3 cancels tag 4, due later, and tag 5 cancels tag 1, already run. */
  r.probes[3].victim = at(&r, 5000, 4);
  r.probes[5].victim = one;
  at(&r, 6000, 5);
  /* Tag 6 at 100 cancels tag 0 (already run): false. */
  r.probes[6].victim = r.probes[0].self;
  at(&r, 100, 6);
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 7);
  ws_sim_run(r.sim);
  static const int expected[] = {0, 1, 3, 6, 5};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  g_assert_false(r.probes[0].self_cancel_result);
  g_assert_true(r.probes[1].victim_was_pending);
  g_assert_true(r.probes[3].victim_was_pending);
  g_assert_false(r.probes[5].victim_was_pending);
  g_assert_false(r.probes[6].victim_was_pending);
  g_assert_cmpuint(ws_sim_events_executed(r.sim), ==, 5);
  recorder_clear(&r);
}

/* The event a callback cancels may also be the next in bucket 0, or a
 * zero-delay event the same callback scheduled a moment ago. */
typedef struct {
  ws_event_id later;
  int runs;
} cancel_fresh_state;

static void on_count(ws_sim *sim, void *ctx) {
  (void)sim;
  ((cancel_fresh_state *)ctx)->runs++;
}

static void on_cancel_fresh(ws_sim *sim, void *ctx) {
  cancel_fresh_state *s = ctx;
  ws_event_id zero = ws_sim_schedule(sim, 0, on_count, s);
  g_assert_true(ws_sim_is_pending(sim, zero));
  g_assert_true(ws_sim_cancel(sim, zero));
  g_assert_true(ws_sim_cancel(sim, s->later));
  ws_sim_check(sim); /* inside a callback, with dead entries in bucket 0 */
  g_assert_cmpint(ws_sim_next_time(sim), ==, 50); /* the third event */
  ws_sim_check(sim);
  /* No nested runs. */
  g_test_expect_message("core", G_LOG_LEVEL_CRITICAL, "*!sim->running*");
  g_assert_cmpuint(ws_sim_run(sim), ==, 0);
  g_test_assert_expected_messages();
}

static void test_cancel_fresh(void) {
  ws_sim *sim = ws_sim_new();
  cancel_fresh_state s = {0, 0};
  ws_sim_schedule_at(sim, 50, on_cancel_fresh, &s);
  s.later = ws_sim_schedule_at(sim, 50, on_count, &s);
  ws_sim_schedule_at(sim, 50, on_count, &s);
  g_assert_cmpuint(ws_sim_run(sim), ==, 2);
  g_assert_cmpint(s.runs, ==, 1);
  g_assert_cmpuint(ws_sim_pending(sim), ==, 0);
  ws_sim_check(sim);
  ws_sim_free(sim);
}

/* ---- stop, run_until, next_time -------------------------------------------- */

static void test_stop_resume(void) {
  recorder r;
  recorder_init(&r);
  at(&r, 100, 0);
  at(&r, 100, 1);
  at(&r, 200, 2);
  r.probes[0].stop = true;
  ws_sim_stop(r.sim); /* outside a run: no effect */
  g_assert_cmpuint(ws_sim_run(r.sim), ==, 1);
  g_assert_true(ws_sim_stopped(r.sim));
  g_assert_cmpint(ws_sim_now(r.sim), ==, 100);
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 2);
  ws_sim_check(r.sim);
  /* Schedule between the stop and the resume, at the stopped time. */
  at(&r, 100, 3);
  r.probes[2].stop = true;
  /* A stop in run_until leaves the clock at the event, not at until. */
  g_assert_cmpuint(ws_sim_run_until(r.sim, 1000), ==, 3);
  g_assert_true(ws_sim_stopped(r.sim));
  g_assert_cmpint(ws_sim_now(r.sim), ==, 200);
  g_assert_cmpuint(ws_sim_run_until(r.sim, 1000), ==, 0);
  g_assert_false(ws_sim_stopped(r.sim));
  g_assert_cmpint(ws_sim_now(r.sim), ==, 1000);
  static const int expected[] = {0, 1, 3, 2};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  recorder_clear(&r);
}

static void test_run_until(void) {
  recorder r;
  recorder_init(&r);
  at(&r, 100, 0);
  at(&r, 200, 1);
  at(&r, 300, 2);
  at(&r, WS_S, 3);
  /* Events at exactly until run; the clock ends at until. */
  g_assert_cmpuint(ws_sim_run_until(r.sim, 200), ==, 2);
  g_assert_cmpint(ws_sim_now(r.sim), ==, 200);
  g_assert_cmpuint(ws_sim_run_until(r.sim, 250), ==, 0);
  g_assert_cmpint(ws_sim_now(r.sim), ==, 250);
  /* Scheduled between calls, before and after the remaining events, and
   * at the current time. */
  at(&r, 260, 4);
  at(&r, 250, 5);
  at(&r, 2 * WS_S, 6);
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run_until(r.sim, 300), ==, 3);
  g_assert_cmpint(ws_sim_now(r.sim), ==, 300);
  /* The run stopped short of 1 s; an event before it must still come
   * first (the queue must not have advanced past the clock). */
  at(&r, 301, 7);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 301);
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run(r.sim), ==, 3);
  g_assert_cmpint(ws_sim_now(r.sim), ==, 2 * WS_S);
  static const int expected[] = {0, 1, 5, 4, 2, 7, 3, 6};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  /* run_until on an empty queue only moves the clock. */
  g_assert_cmpuint(ws_sim_run_until(r.sim, 3 * WS_S), ==, 0);
  g_assert_cmpint(ws_sim_now(r.sim), ==, 3 * WS_S);
  /* Going back in time is misuse. */
  g_test_expect_message("core", G_LOG_LEVEL_CRITICAL, "*until >= sim->now*");
  g_assert_cmpuint(ws_sim_run_until(r.sim, WS_S), ==, 0);
  g_test_assert_expected_messages();
  g_test_expect_message("core", G_LOG_LEVEL_CRITICAL, "*at >= sim->now*");
  g_assert_cmpuint(ws_sim_schedule_at(r.sim, WS_S, on_probe, &r.probes[8]), ==, 0);
  g_test_assert_expected_messages();
  g_test_expect_message("core", G_LOG_LEVEL_CRITICAL, "*delay >= 0*");
  g_assert_cmpuint(ws_sim_schedule(r.sim, -1, on_probe, &r.probes[8]), ==, 0);
  g_test_assert_expected_messages();
  g_assert_cmpint(ws_sim_now(r.sim), ==, 3 * WS_S);
  g_assert_cmpuint(ws_sim_pending(r.sim), ==, 0);
  recorder_clear(&r);
}

static void test_next_time(void) {
  recorder r;
  recorder_init(&r);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, WS_TIME_MAX);
  ws_event_id far = at(&r, 1 << 20, 0);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 1 << 20);
  /* Peeking must not move the queue: an earlier event still comes first. */
  ws_event_id near = at(&r, 5, 1);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 5);
  at(&r, 7, 2);
  /* Cancelled events are not "next". */
  g_assert_true(ws_sim_cancel(r.sim, near));
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 7);
  ws_sim_check(r.sim);
  g_assert_cmpuint(ws_sim_run_until(r.sim, 7), ==, 1);
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 1 << 20);
  g_assert_true(ws_sim_cancel(r.sim, far));
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, WS_TIME_MAX);
  /* A cancelled event at the current time (bucket 0). */
  ws_event_id now_a = at(&r, 7, 3);
  at(&r, 9, 4);
  g_assert_true(ws_sim_cancel(r.sim, now_a));
  g_assert_cmpint(ws_sim_next_time(r.sim), ==, 9);
  ws_sim_check(r.sim);
  ws_sim_run(r.sim);
  static const int expected[] = {2, 4};
  assert_tags(&r, expected, G_N_ELEMENTS(expected));
  recorder_clear(&r);
}

/* ---- random interleaving against a reference model ------------------------- */

/* Both worlds give event number `tag` the same behaviour, a pure function
 * of the tag, so that identical execution orders give identical runs. */
static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdu;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53u;
  return x ^ (x >> 33);
}

/* Delays from zero to 2^40 ns, many ties and many powers of two apart. */
static ws_time mixed_delay(uint64_t h) {
  uint64_t v = h >> 8;
  switch (h & 7) {
  case 0: return 0;
  case 1:
  case 2: return (ws_time)(v % 16);
  case 3:
  case 4: return (ws_time)(v % 1000);
  case 5: return (ws_time)(v % 100000);
  case 6: return (ws_time)(v % 10000000);
  default: return (ws_time)(v % ((uint64_t)1 << 40));
  }
}

typedef struct {
  bool schedule;  /* schedule a follow-up */
  ws_time delay;
  bool cancel;    /* cancel an earlier tag */
  uint32_t victim_hash;
  bool stop;
} behaviour;

static behaviour behaviour_of(uint32_t tag) {
  uint64_t h = mix64(tag + 0x1234567u);
  uint64_t h2 = mix64(h);
  return (behaviour){
    .schedule = (h & 3) < 2,
    .delay = mixed_delay(h2),
    .cancel = ((h >> 2) & 7) == 0,
    .victim_hash = (uint32_t)(h >> 32),
    .stop = ((h >> 5) % 211) == 0,
  };
}

#define LOG_CANCEL_FALSE (-1)
#define LOG_CANCEL_TRUE (-2)

/* The wisim world. */
typedef struct real_world real_world;
typedef struct {
  real_world *world;
  uint32_t tag;
} real_ctx;

struct real_world {
  ws_sim *sim;
  GArray *ids;    /* tag -> ws_event_id */
  real_ctx *ctxs; /* tag -> callback context; max_tags of them */
  uint32_t max_tags;
  GArray *log;    /* int64: executed tag, or LOG_CANCEL_* */
};

static void real_event(ws_sim *sim, void *ctx);

static uint32_t real_schedule(real_world *w, ws_time at_ns) {
  uint32_t tag = w->ids->len;
  g_assert_cmpuint(tag, <, w->max_tags);
  w->ctxs[tag] = (real_ctx){w, tag};
  ws_event_id id = ws_sim_schedule_at(w->sim, at_ns, real_event, &w->ctxs[tag]);
  g_array_append_val(w->ids, id);
  return tag;
}

static bool real_cancel(real_world *w, uint32_t tag) {
  return ws_sim_cancel(w->sim, g_array_index(w->ids, ws_event_id, tag));
}

static void real_event(ws_sim *sim, void *ctx) {
  real_ctx *c = ctx;
  real_world *w = c->world;
  gint64 entry = c->tag;
  g_array_append_val(w->log, entry);
  behaviour b = behaviour_of(c->tag);
  if (b.schedule)
    real_schedule(w, ws_sim_now(sim) + b.delay);
  if (b.cancel) {
    gint64 res = real_cancel(w, b.victim_hash % w->ids->len) ? LOG_CANCEL_TRUE : LOG_CANCEL_FALSE;
    g_array_append_val(w->log, res);
  }
  if (b.stop)
    ws_sim_stop(sim);
}

/* The reference: a GTree of (time, tag), tag being the insertion order. */
typedef struct {
  ws_time time;
  uint32_t tag;
} ref_key;

typedef struct {
  GTree *tree;      /* ref_key* -> NULL; owns the keys */
  GPtrArray *keys;  /* tag -> ref_key* while pending, else NULL */
  GArray *log;
  ws_time now;
} ref_world;

static gint ref_key_cmp(gconstpointer a, gconstpointer b, gpointer unused) {
  (void)unused;
  const ref_key *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->tag < y->tag ? -1 : x->tag > y->tag;
}

static void ref_schedule(ref_world *w, ws_time at_ns) {
  ref_key *k = g_new(ref_key, 1);
  *k = (ref_key){at_ns, w->keys->len};
  g_ptr_array_add(w->keys, k);
  g_tree_insert(w->tree, k, NULL);
}

static bool ref_cancel(ref_world *w, uint32_t tag) {
  ref_key *k = g_ptr_array_index(w->keys, tag);
  if (!k)
    return false;
  g_ptr_array_index(w->keys, tag) = NULL;
  g_tree_remove(w->tree, k);
  return true;
}

static ws_time ref_next_time(ref_world *w) {
  GTreeNode *first = g_tree_node_first(w->tree);
  return first ? ((ref_key *)g_tree_node_key(first))->time : WS_TIME_MAX;
}

static void ref_run_until(ref_world *w, ws_time until) {
  for (;;) {
    GTreeNode *first = g_tree_node_first(w->tree);
    if (!first)
      break;
    ref_key *k = g_tree_node_key(first);
    if (k->time > until)
      break;
    uint32_t tag = k->tag;
    w->now = k->time;
    g_ptr_array_index(w->keys, tag) = NULL;
    g_tree_remove(w->tree, k);
    gint64 entry = tag;
    g_array_append_val(w->log, entry);
    behaviour b = behaviour_of(tag);
    if (b.schedule)
      ref_schedule(w, w->now + b.delay);
    if (b.cancel) {
      gint64 res = ref_cancel(w, b.victim_hash % w->keys->len) ? LOG_CANCEL_TRUE : LOG_CANCEL_FALSE;
      g_array_append_val(w->log, res);
    }
    if (b.stop)
      return;
  }
  if (until != WS_TIME_MAX)
    w->now = until;
}

/* Compares the logs from entry *checked on (earlier entries are already
 * known equal), then advances *checked. */
static void assert_logs_equal(real_world *rw, ref_world *fw, guint *checked) {
  g_assert_cmpuint(rw->log->len, ==, fw->log->len);
  for (guint k = *checked; k < rw->log->len; k++)
    if (g_array_index(rw->log, gint64, k) != g_array_index(fw->log, gint64, k))
      g_error("log entry %u: wisim %" G_GINT64_FORMAT ", reference %" G_GINT64_FORMAT, k,
              g_array_index(rw->log, gint64, k), g_array_index(fw->log, gint64, k));
  *checked = rw->log->len;
}

static void test_random_vs_reference(void) {
  enum { OPS = 200000 };
  real_world rw = {
      .sim = ws_sim_new(),
      .ids = g_array_new(FALSE, FALSE, sizeof(ws_event_id)),
      .max_tags = 4 * OPS,
      .log = g_array_new(FALSE, FALSE, sizeof(gint64)),
  };
  rw.ctxs = g_new(real_ctx, rw.max_tags);
  ref_world fw = {
      .tree = g_tree_new_full(ref_key_cmp, NULL, g_free, NULL),
      .keys = g_ptr_array_new(),
      .log = g_array_new(FALSE, FALSE, sizeof(gint64)),
      .now = 0,
  };
  GRand *rand = g_rand_new_with_seed(20240601);
  uint64_t stops = 0, true_cancels = 0;
  guint checked = 0;
  for (int op = 0; op < OPS; op++) {
    guint32 dice = g_rand_int_range(rand, 0, 100);
    uint64_t h = ((uint64_t)g_rand_int(rand) << 32) | g_rand_int(rand);
    uint32_t ntags = rw.ids->len;
    if (dice < 45 || ntags == 0) {
      ws_time t = ws_sim_now(rw.sim) + mixed_delay(h);
      real_schedule(&rw, t);
      ref_schedule(&fw, t);
    } else if (dice < 60) {
      /* Any tag (pending, run, cancelled, long gone), or a recent one,
       * which is more likely still pending. */
      uint32_t tag = (h & 1) ? (uint32_t)((h >> 1) % ntags)
                             : ntags - 1 - (uint32_t)((h >> 1) % MIN(ntags, 32u));
      bool pending = g_ptr_array_index(fw.keys, tag) != NULL;
      g_assert_cmpint(ws_sim_is_pending(rw.sim, g_array_index(rw.ids, ws_event_id, tag)), ==, pending);
      bool got = real_cancel(&rw, tag);
      g_assert_cmpint(got, ==, ref_cancel(&fw, tag));
      true_cancels += got;
    } else if (dice < 88) {
      ws_time until = ws_sim_now(rw.sim) + mixed_delay(h);
      ws_sim_run_until(rw.sim, until);
      ref_run_until(&fw, until);
      stops += ws_sim_stopped(rw.sim);
      assert_logs_equal(&rw, &fw, &checked);
    } else if (dice < 94) {
      g_assert_cmpint(ws_sim_next_time(rw.sim), ==, ref_next_time(&fw));
    } else {
      uint32_t tag = (uint32_t)(h % ntags);
      bool pending = g_ptr_array_index(fw.keys, tag) != NULL;
      g_assert_cmpint(ws_sim_is_pending(rw.sim, g_array_index(rw.ids, ws_event_id, tag)), ==, pending);
    }
    g_assert_cmpint(ws_sim_now(rw.sim), ==, fw.now);
    g_assert_cmpuint(ws_sim_pending(rw.sim), ==, (guint)g_tree_nnodes(fw.tree));
    if (op % 5000 == 0)
      ws_sim_check(rw.sim);
  }
  ws_sim_check(rw.sim);
  while (ws_sim_pending(rw.sim) > 0) {
    ws_sim_run(rw.sim);
    ref_run_until(&fw, WS_TIME_MAX);
  }
  g_assert_cmpuint(g_tree_nnodes(fw.tree), ==, 0);
  assert_logs_equal(&rw, &fw, &checked);
  ws_sim_check(rw.sim);
  /* The run must have exercised what it claims to. */
  g_assert_cmpuint(ws_sim_events_executed(rw.sim), >, OPS / 2);
  g_assert_cmpuint(stops, >, 10);
  g_assert_cmpuint(true_cancels, >, 1000);
  g_test_message("executed %" G_GUINT64_FORMAT ", stops %" G_GUINT64_FORMAT ", cancels %" G_GUINT64_FORMAT,
                 ws_sim_events_executed(rw.sim), stops, true_cancels);

  g_rand_free(rand);
  g_tree_destroy(fw.tree);
  g_ptr_array_unref(fw.keys);
  g_array_unref(fw.log);
  ws_sim_free(rw.sim);
  g_free(rw.ctxs);
  g_array_unref(rw.ids);
  g_array_unref(rw.log);
}

/* ---- large and degenerate queues ------------------------------------------- */

typedef struct order_checker order_checker;
typedef struct {
  order_checker *checker;
  uint32_t seq; /* insertion order */
} order_ctx;

struct order_checker {
  ws_time last_time;
  uint32_t last_seq;
  uint64_t runs;
  uint64_t follow_ups;   /* events that still schedule a follow-up */
  uint32_t next_seq;
  order_ctx *ctxs;
  uint64_t rng;
  ws_time spread_ns;     /* follow-up delays in [0, spread_ns) */
};

static void on_ordered(ws_sim *sim, void *ctx) {
  order_ctx *c = ctx;
  order_checker *ck = c->checker;
  ws_time now = ws_sim_now(sim);
  if (ck->runs > 0 && (now < ck->last_time || (now == ck->last_time && c->seq <= ck->last_seq)))
    g_error("event seq %u at %" G_GINT64_FORMAT " after seq %u at %" G_GINT64_FORMAT, c->seq, now,
            ck->last_seq, ck->last_time);
  ck->last_time = now;
  ck->last_seq = c->seq;
  ck->runs++;
  if (ck->follow_ups > 0) {
    ck->follow_ups--;
    ck->rng = mix64(ck->rng);
    order_ctx *f = &ck->ctxs[ck->next_seq];
    *f = (order_ctx){ck, ck->next_seq++};
    ws_sim_schedule(sim, (ws_time)(ck->rng % (uint64_t)ck->spread_ns), on_ordered, f);
  }
}

static void test_million_pending(void) {
  enum { P = 1000000, FOLLOW = 200000 };
  order_checker ck = {.follow_ups = FOLLOW, .rng = 99, .spread_ns = 200000};
  ck.ctxs = g_new(order_ctx, P + FOLLOW);
  ws_sim *sim = ws_sim_new();
  /* 10^6 events over 200 us: about five per nanosecond value, so ties
   * are everywhere; times drawn at random, scheduled in seq order. */
  for (uint32_t k = 0; k < P; k++) {
    ck.rng = mix64(ck.rng);
    ck.ctxs[k] = (order_ctx){&ck, ck.next_seq++};
    ws_sim_schedule_at(sim, (ws_time)(ck.rng % 200000), on_ordered, &ck.ctxs[k]);
  }
  g_assert_cmpuint(ws_sim_pending(sim), ==, P);
  g_assert_cmpuint(ws_sim_run_until(sim, 100000), >, 0);
  ws_sim_check(sim); /* half-way, with ~600000 queued */
  ws_sim_run(sim);
  g_assert_cmpuint(ck.runs, ==, P + FOLLOW);
  g_assert_cmpuint(ws_sim_events_executed(sim), ==, P + FOLLOW);
  g_assert_cmpuint(ws_sim_pending(sim), ==, 0);
  g_assert_cmpint(ws_sim_next_time(sim), ==, WS_TIME_MAX);
  ws_sim_free(sim);
  g_free(ck.ctxs);
}

static void test_equal_time_burst(void) {
  enum { BURST = 100000, ZERO = 20000 };
  order_checker ck = {.follow_ups = 0, .rng = 7, .spread_ns = 1};
  ck.ctxs = g_new(order_ctx, 2 * BURST + ZERO + 4);
  ws_sim *sim = ws_sim_new();
  /* A burst in the future, with a few neighbours around it. */
  ck.ctxs[0] = (order_ctx){&ck, ck.next_seq++};
  ws_sim_schedule_at(sim, 4999, on_ordered, &ck.ctxs[0]);
  for (uint32_t k = 1; k <= BURST; k++) {
    ck.ctxs[k] = (order_ctx){&ck, ck.next_seq++};
    ws_sim_schedule_at(sim, 5000, on_ordered, &ck.ctxs[k]);
  }
  ck.ctxs[BURST + 1] = (order_ctx){&ck, ck.next_seq++};
  ws_sim_schedule_at(sim, 5001, on_ordered, &ck.ctxs[BURST + 1]);
  ws_sim_check(sim);
  g_assert_cmpuint(ws_sim_run_until(sim, 4999), ==, 1);
  /* The first ZERO events of the burst each add a zero-delay event (spread
   * 1 ns means delay 0): those go after the whole burst. */
  ck.follow_ups = ZERO;
  g_assert_cmpuint(ws_sim_run(sim), ==, BURST + 1 + ZERO);
  g_assert_cmpuint(ck.runs, ==, BURST + 2 + ZERO);
  ws_sim_check(sim);
  /* A burst at the current time (straight into bucket 0). */
  uint32_t base = ck.next_seq;
  for (uint32_t k = 0; k < BURST; k++) {
    order_ctx *c = &ck.ctxs[base + k];
    *c = (order_ctx){&ck, ck.next_seq++};
    ws_sim_schedule(sim, 0, on_ordered, c);
  }
  g_assert_cmpuint(ws_sim_run(sim), ==, BURST);
  g_assert_cmpint(ws_sim_now(sim), ==, 5001);
  ws_sim_check(sim);
  ws_sim_free(sim);
  g_free(ck.ctxs);
}

/* ---- steady state: the event loop allocates nothing ------------------------ */

typedef struct {
  uint64_t rng;
  ws_event_id *timeouts; /* per-slot pending timeout, or NULL: plain hold */
  uint32_t nslots;
} hold_state;

static ws_time hold_delay_ns(hold_state *h) {
  h->rng = mix64(h->rng);
  /* Exp(1 us) by inversion, U in (0, 1]. */
  double u = ((double)(h->rng >> 11) + 1.0) * 0x1.0p-53;
  return (ws_time)(-log(u) * 1000.0);
}

static void on_timeout(ws_sim *sim, void *ctx) {
  (void)sim;
  (void)ctx;
}

static void on_hold(ws_sim *sim, void *ctx) {
  hold_state *h = ctx;
  ws_sim_schedule(sim, hold_delay_ns(h), on_hold, h);
  if (h->timeouts) {
    /* A retransmission-timer pattern: re-arm one slot's timeout. */
    uint32_t slot = (uint32_t)(h->rng % h->nslots);
    ws_sim_cancel(sim, h->timeouts[slot]);
    h->timeouts[slot] = ws_sim_schedule(sim, 5 * WS_US, on_timeout, h);
  }
}

static void test_steady_state(void) {
  enum { P = 1000 };
  hold_state h = {.rng = 3};
  ws_sim *sim = ws_sim_new();
  for (int k = 0; k < P; k++)
    ws_sim_schedule(sim, hold_delay_ns(&h), on_hold, &h);
  g_assert_cmpuint(ws_sim_event_capacity(sim), ==, P);
  /* P = 1000 events of mean delay 1 us: 1000 events per simulated us.
   * Each executed event frees its record before its callback schedules
   * the next, so the hold model never needs a record beyond the first P. */
  ws_sim_run_until(sim, 20 * WS_US);
  size_t warm_bytes = ws_sim_queue_bytes(sim);
  ws_sim_run_until(sim, 220 * WS_US);
  g_assert_cmpuint(ws_sim_events_executed(sim), >, 150000);
  g_assert_cmpuint(ws_sim_event_capacity(sim), ==, P);
  g_test_message("queue bytes after warm-up %zu, after 200 us more %zu", warm_bytes,
                 ws_sim_queue_bytes(sim));
  g_assert_cmpuint(ws_sim_queue_bytes(sim), ==, warm_bytes);
  g_assert_cmpuint(ws_sim_pending(sim), ==, P);
  ws_sim_check(sim);
  ws_sim_free(sim);

  /* With re-armed timeouts (5 us), every executed event also cancels one.
   * About 5 us x 1000 events/us = 5000 cancelled timeouts are in flight
   * at any time, so the records needed plateau near P + 64 + 5000; were
   * cancelled records never reclaimed, 200000 more events would need
   * 200000 more records. */
  enum { SLOTS = 64 };
  ws_event_id timeouts[SLOTS] = {0};
  hold_state t = {.rng = 5, .timeouts = timeouts, .nslots = SLOTS};
  sim = ws_sim_new();
  for (int k = 0; k < P; k++)
    ws_sim_schedule(sim, hold_delay_ns(&t), on_hold, &t);
  ws_sim_run_until(sim, 100 * WS_US);
  size_t warm = ws_sim_event_capacity(sim);
  uint64_t warm_events = ws_sim_events_executed(sim);
  ws_sim_run_until(sim, 300 * WS_US);
  g_assert_cmpuint(ws_sim_events_executed(sim) - warm_events, >, 150000);
  g_test_message("capacity after warm-up %zu, after 200 us more %zu", warm,
                 ws_sim_event_capacity(sim));
  g_assert_cmpuint(ws_sim_event_capacity(sim), <=, warm + warm / 4);
  g_assert_cmpuint(ws_sim_event_capacity(sim), <, P + SLOTS + 2 * 5000);
  ws_sim_check(sim);
  ws_sim_free(sim);

  /* Queue storage follows the number of queued events, not the number of
   * times run through: at P = 10^4 (10 events per simulated ns), 10^6
   * events sweep every bucket of a 65 us block several times over; a
   * queue keeping each bucket's largest size would grow here. */
  enum { P4 = 10000 };
  hold_state b = {.rng = 11};
  sim = ws_sim_new();
  for (int k = 0; k < P4; k++)
    ws_sim_schedule(sim, hold_delay_ns(&b), on_hold, &b);
  ws_sim_run_until(sim, 20 * WS_US);
  size_t bytes_warm = ws_sim_queue_bytes(sim);
  ws_sim_run_until(sim, 120 * WS_US);
  g_assert_cmpuint(ws_sim_events_executed(sim), >, 1000000);
  g_test_message("P=10^4: queue bytes after warm-up %zu, after 10^6 events %zu", bytes_warm,
                 ws_sim_queue_bytes(sim));
  g_assert_cmpuint(ws_sim_queue_bytes(sim), ==, bytes_warm);
  ws_sim_check(sim);
  ws_sim_free(sim);
}

/* ---- two simulations in two threads ---------------------------------------- */

typedef struct {
  uint64_t seed;
  uint64_t digest; /* FNV-1a over (tag, time) of every execution */
} thread_job;

/* A self-driving workload: the random world above without a reference. */
static uint64_t run_workload(uint64_t seed) {
  enum { START = 2000, CAP = 200000 };
  real_world w = {
      .sim = ws_sim_new(),
      .ids = g_array_new(FALSE, FALSE, sizeof(ws_event_id)),
      .max_tags = START + CAP,
      .log = g_array_new(FALSE, FALSE, sizeof(gint64)),
  };
  w.ctxs = g_new(real_ctx, w.max_tags);
  uint64_t h = seed;
  for (int k = 0; k < START; k++) {
    h = mix64(h);
    real_schedule(&w, mixed_delay(h) % WS_MS);
  }
  uint64_t digest = 0xcbf29ce484222325u;
  while (ws_sim_pending(w.sim) > 0 && w.ids->len < w.max_tags - 1000) {
    ws_sim_run_until(w.sim, ws_sim_now(w.sim) + 10 * WS_US);
    h = mix64(h);
    real_schedule(&w, ws_sim_now(w.sim) + mixed_delay(h) % WS_MS);
    digest = (digest ^ (uint64_t)ws_sim_now(w.sim)) * 0x100000001b3u;
  }
  for (guint k = 0; k < w.log->len; k++)
    digest = (digest ^ (uint64_t)g_array_index(w.log, gint64, k)) * 0x100000001b3u;
  digest = (digest ^ ws_sim_events_executed(w.sim)) * 0x100000001b3u;
  g_assert_cmpuint(ws_sim_events_executed(w.sim), >, 10000);
  ws_sim_check(w.sim);
  ws_sim_free(w.sim);
  g_free(w.ctxs);
  g_array_unref(w.ids);
  g_array_unref(w.log);
  return digest;
}

static gpointer thread_main(gpointer data) {
  thread_job *job = data;
  job->digest = run_workload(job->seed);
  return NULL;
}

static void test_two_threads(void) {
  uint64_t alone1 = run_workload(1);
  uint64_t alone2 = run_workload(2);
  g_assert_cmpuint(alone1, !=, alone2); /* else the comparison proves little */
  thread_job jobs[2] = {{1, 0}, {2, 0}};
  GThread *t1 = g_thread_new("sim-1", thread_main, &jobs[0]);
  GThread *t2 = g_thread_new("sim-2", thread_main, &jobs[1]);
  g_thread_join(t1);
  g_thread_join(t2);
  g_assert_cmpuint(jobs[0].digest, ==, alone1);
  g_assert_cmpuint(jobs[1].digest, ==, alone2);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/core/order-by-time", test_order_by_time);
  g_test_add_func("/core/ties-insertion-order", test_ties_insertion_order);
  g_test_add_func("/core/ties-at-now", test_ties_at_now);
  g_test_add_func("/core/cancel", test_cancel);
  g_test_add_func("/core/cancel-in-callback", test_cancel_in_callback);
  g_test_add_func("/core/cancel-fresh", test_cancel_fresh);
  g_test_add_func("/core/stop-resume", test_stop_resume);
  g_test_add_func("/core/run-until", test_run_until);
  g_test_add_func("/core/next-time", test_next_time);
  g_test_add_func("/core/random-vs-reference", test_random_vs_reference);
  g_test_add_func("/core/million-pending", test_million_pending);
  g_test_add_func("/core/equal-time-burst", test_equal_time_burst);
  g_test_add_func("/core/steady-state", test_steady_state);
  g_test_add_func("/core/two-threads", test_two_threads);
  return g_test_run();
}
