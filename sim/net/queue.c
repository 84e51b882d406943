/* wisim queue disciplines: the registry and drop-tail. Drop-tail refuses a
 * packet when accepting it would take the waiting packets (or IP bytes) over
 * the limit; the packet in service is not counted (as ns-3's PointToPoint
 * device queue). FIFO through the packets' intrusive next pointer. RED and
 * CoDel live in queue-red.c and queue-codel.c and register below. */
#include <glib.h>
#include <string.h>

#include "wisim/queue.h"

/* ---- drop-tail ---------------------------------------------------------- */

typedef struct {
  ws_queue base; /* first: a ws_queue * is a droptail * */
  bool limit_in_bytes;
  uint64_t limit;
} droptail;

static bool droptail_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  (void)now;
  droptail *d = (droptail *)q;
  if (d->limit_in_bytes ? q->bytes + p->ip_bytes > d->limit : q->packets + 1 > d->limit)
    return false;
  ws_queue_fifo_push(q, p);
  return true;
}

static ws_packet *droptail_pop(ws_queue *q) {
  g_assert(q->head == NULL || (q->packets > 0 && q->bytes >= q->head->ip_bytes));
  return ws_queue_fifo_pop(q);
}

static ws_packet *droptail_dequeue(ws_queue *q, ws_time now) {
  (void)now;
  return droptail_pop(q);
}

static void droptail_destroy(ws_queue *q) { g_free(q); }

static const ws_queue_ops droptail_ops = {
    .name = "droptail",
    .enqueue = droptail_enqueue,
    .dequeue = droptail_dequeue,
    .destroy = droptail_destroy,
    .pop = droptail_pop,
    .active = false,
};

static ws_queue *droptail_new(const ws_queue_config *cfg) {
  droptail *d = g_new0(droptail, 1);
  d->base.ops = &droptail_ops;
  d->limit_in_bytes = cfg->limit_in_bytes;
  d->limit = cfg->limit;
  return &d->base;
}

/* ---- registry ----------------------------------------------------------- */

/* One line per discipline. */
static const struct {
  const char *name;
  ws_queue *(*make)(const ws_queue_config *cfg);
} registry[] = {
    {"droptail", droptail_new},
    {"red", ws_queue_red_new},
    {"codel", ws_queue_codel_new},
};

static const char *const discipline_names[] = {"droptail", "red", "codel", NULL};

ws_queue *ws_queue_new(const ws_queue_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  const char *name = cfg->discipline ? cfg->discipline : "droptail";
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
    if (strcmp(registry[i].name, name) == 0) return registry[i].make(cfg);
  return NULL;
}

void ws_queue_free(ws_queue *q, ws_packet_pool *pool) {
  if (!q) return;
  ws_packet *p;
  while ((p = ws_queue_pop(q)) != NULL) {
    g_return_if_fail(pool != NULL);
    ws_packet_free(pool, p);
  }
  q->ops->destroy(q);
}

bool ws_queue_known(const char *name) {
  g_return_val_if_fail(name != NULL, false);
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
    if (strcmp(registry[i].name, name) == 0) return true;
  return false;
}

const char *const *ws_queue_disciplines(void) { return discipline_names; }
