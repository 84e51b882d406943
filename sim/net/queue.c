/* wisim queue disciplines: the registry and drop-tail. Drop-tail refuses a
 * packet when accepting it would take the waiting packets (or IP bytes) over
 * the limit; the packet in service is not counted (as ns-3's PointToPoint
 * device queue). FIFO through the packets' intrusive next pointer. */
#include <glib.h>
#include <string.h>

#include "wisim/queue.h"

/* ---- drop-tail ---------------------------------------------------------- */

typedef struct {
  ws_queue base; /* first: a ws_queue * is a droptail * */
  bool limit_in_bytes;
  uint64_t limit;
  ws_packet *head, *tail;
} droptail;

static bool droptail_enqueue(ws_queue *q, ws_packet *p, ws_time now) {
  (void)now;
  droptail *d = (droptail *)q;
  if (d->limit_in_bytes ? q->bytes + p->ip_bytes > d->limit : q->packets + 1 > d->limit)
    return false;
  p->next = NULL;
  if (d->tail) d->tail->next = p;
  else d->head = p;
  d->tail = p;
  q->packets++;
  q->bytes += p->ip_bytes;
  return true;
}

static ws_packet *droptail_dequeue(ws_queue *q, ws_time now) {
  (void)now;
  droptail *d = (droptail *)q;
  ws_packet *p = d->head;
  if (!p) return NULL;
  d->head = p->next;
  if (!d->head) d->tail = NULL;
  p->next = NULL;
  g_assert(q->packets > 0 && q->bytes >= p->ip_bytes);
  q->packets--;
  q->bytes -= p->ip_bytes;
  return p;
}

static void droptail_destroy(ws_queue *q) { g_free(q); }

static const ws_queue_ops droptail_ops = {
    .name = "droptail",
    .enqueue = droptail_enqueue,
    .dequeue = droptail_dequeue,
    .destroy = droptail_destroy,
};

static ws_queue *droptail_new(const ws_queue_config *cfg) {
  droptail *d = g_new0(droptail, 1);
  d->base.ops = &droptail_ops;
  d->limit_in_bytes = cfg->limit_in_bytes;
  d->limit = cfg->limit;
  return &d->base;
}

/* ---- registry ----------------------------------------------------------- */

/* One line per discipline (RED and CoDel join here). */
static const struct {
  const char *name;
  ws_queue *(*make)(const ws_queue_config *cfg);
} registry[] = {
    {"droptail", droptail_new},
};

static const char *const discipline_names[] = {"droptail", NULL};

ws_queue *ws_queue_new(const ws_queue_config *cfg) {
  g_return_val_if_fail(cfg != NULL, NULL);
  const char *name = cfg->discipline ? cfg->discipline : "droptail";
  for (size_t i = 0; i < G_N_ELEMENTS(registry); i++)
    if (strcmp(registry[i].name, name) == 0) return registry[i].make(cfg);
  return NULL;
}

/* While a queue is being freed, packets an AQM drops on dequeue go straight
 * back to the pool: nobody is listening to drops any more. */
static void drop_to_pool(void *ctx, ws_packet *p) { ws_packet_free(ctx, p); }

void ws_queue_free(ws_queue *q, ws_packet_pool *pool) {
  if (!q) return;
  q->drop_fn = drop_to_pool;
  q->drop_ctx = pool;
  ws_packet *p;
  while ((p = ws_queue_dequeue(q, 0)) != NULL) {
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
