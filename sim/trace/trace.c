/* wisim traces of a run: resolves a [trace] group's pcap list to nodes and
 * link ends, opens one pcap file per traced node or link end and the ascii
 * trace, and dispatches tap events to them. Attached from outside (the
 * command line) through ws_net_add_tap; models never see it. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/trace.h"

struct ws_trace {
  const ws_net *net;  /* borrowed */
  char *dir;          /* results folder */
  char *pcap_dir;     /* dir/pcap */
  ws_pcap **node_files;  /* [n_nodes], NULL when the node is not traced */
  ws_pcap **end_files;   /* [2 n_links]: link i end e at 2i + e, or NULL */
  GHashTable *link_index;/* ws_link * -> index + 1, when any end is traced */
  unsigned n_nodes, n_links;
  unsigned n_pcap;
  GPtrArray *written;    /* base names of the pcap files, owned */
  ws_ascii *ascii;
  bool ascii_on;
  const char **flow_names; /* copy of the config's array, owned; names borrowed */
  bool closed;             /* committed: later events are ignored */
};

/* True when name is ref itself or a member of the group ref ("ref/..."). */
static bool name_matches(const char *name, const char *ref) {
  size_t n = strlen(ref);
  return strncmp(name, ref, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

/* "clients/3" -> "clients.3" (SCENARIO-FORMAT.md: in file names `/` is
 * written `.`). Caller frees. */
static char *file_stem(const char *name) {
  char *s = g_strdup(name);
  g_strdelimit(s, "/", '.');
  return s;
}

/* Marks the nodes and link ends cfg asks for. False with error when a name
 * matches nothing. */
static bool select_targets(ws_trace *t, const ws_trace_config *cfg, bool *node_on, bool *end_on,
                           GError **error) {
  if (cfg->pcap_all)
    for (unsigned i = 0; i < t->n_nodes; i++) node_on[i] = true;
  for (const char *const *ref = cfg->pcap; ref && *ref; ref++) {
    bool found = false;
    for (unsigned i = 0; i < t->n_nodes; i++)
      if (name_matches(ws_node_name(ws_net_node(t->net, i)), *ref)) node_on[i] = found = true;
    for (unsigned i = 0; i < t->n_links; i++)
      if (name_matches(ws_link_name(ws_net_link(t->net, i)), *ref))
        end_on[2 * i] = end_on[2 * i + 1] = found = true;
    if (!found) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                  "[trace] pcap: no node or link named \"%s\"", *ref);
      return false;
    }
  }
  return true;
}

/* Opens dir/pcap/STEM.pcap. */
static ws_pcap *open_pcap(ws_trace *t, const char *stem, uint32_t snaplen, GError **error) {
  char *base = g_strconcat(stem, ".pcap", NULL);
  char *path = g_build_filename(t->pcap_dir, base, NULL);
  ws_pcap *w = ws_pcap_open(path, snaplen, error);
  if (w) {
    g_ptr_array_add(t->written, base);
    t->n_pcap++;
  } else {
    g_free(base);
  }
  g_free(path);
  return w;
}

ws_trace *ws_trace_new(const ws_net *net, const char *dir, const ws_trace_config *cfg,
                       GError **error) {
  g_return_val_if_fail(net != NULL && dir != NULL && cfg != NULL, NULL);
  g_return_val_if_fail(cfg->flow_names != NULL || cfg->n_flows == 0, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  ws_trace *t = g_new0(ws_trace, 1);
  t->net = net;
  t->dir = g_strdup(dir);
  t->pcap_dir = g_build_filename(dir, "pcap", NULL);
  t->n_nodes = ws_net_n_nodes(net);
  t->n_links = ws_net_n_links(net);
  t->node_files = g_new0(ws_pcap *, t->n_nodes ? t->n_nodes : 1);
  t->end_files = g_new0(ws_pcap *, t->n_links ? 2 * t->n_links : 1);
  t->written = g_ptr_array_new_with_free_func(g_free);
  t->ascii_on = cfg->ascii;

  bool *node_on = g_new0(bool, t->n_nodes + 1);
  bool *end_on = g_new0(bool, 2 * t->n_links + 1);
  bool ok = select_targets(t, cfg, node_on, end_on, error);
  bool any = false;
  for (unsigned i = 0; ok && i < t->n_nodes; i++) any |= node_on[i];
  for (unsigned i = 0; ok && i < 2 * t->n_links; i++) any |= end_on[i];
  if (ok && any && g_mkdir_with_parents(t->pcap_dir, 0755) != 0) {
    int err = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "cannot create %s: %s",
                t->pcap_dir, g_strerror(err));
    ok = false;
  }
  /* Nodes then link ends, each in network order: a deterministic set. */
  for (unsigned i = 0; ok && i < t->n_nodes; i++) {
    if (!node_on[i]) continue;
    char *stem = file_stem(ws_node_name(ws_net_node(net, i)));
    t->node_files[i] = open_pcap(t, stem, cfg->snaplen, error);
    ok = t->node_files[i] != NULL;
    g_free(stem);
  }
  for (unsigned i = 0; ok && i < 2 * t->n_links; i++) {
    if (!end_on[i]) continue;
    const ws_link *l = ws_net_link(net, i / 2);
    char *name = g_strdup_printf("%s/%s", ws_link_name(l), ws_node_name(ws_link_end(l, i % 2)));
    char *stem = file_stem(name);
    t->end_files[i] = open_pcap(t, stem, cfg->snaplen, error);
    ok = t->end_files[i] != NULL;
    g_free(stem);
    g_free(name);
    if (ok && !t->link_index) t->link_index = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (ok) g_hash_table_insert(t->link_index, (gpointer)l, GUINT_TO_POINTER(i / 2 + 1));
  }
  if (ok && cfg->ascii) {
    char *path = g_build_filename(dir, "trace.txt", NULL);
    t->flow_names = g_new0(const char *, cfg->n_flows + 1);
    if (cfg->n_flows) memcpy(t->flow_names, cfg->flow_names, cfg->n_flows * sizeof *t->flow_names);
    t->ascii = ws_ascii_open(path, t->flow_names, cfg->n_flows, error);
    ok = t->ascii != NULL;
    g_free(path);
  }
  g_free(node_on);
  g_free(end_on);
  if (!ok) {
    ws_trace_free(t);
    return NULL;
  }
  return t;
}

void ws_trace_tap(void *ctx, const ws_tap_event *ev) {
  ws_trace *t = ctx;
  if (t->closed) return;
  if (t->ascii) ws_ascii_write(t->ascii, ev);
  if (t->n_pcap == 0 || !ev->link) return;
  /* What a capture on the node's interface sees: packets leaving on the
   * wire (DEQUEUE) and packets arriving from it (RECEIVE). */
  unsigned end;
  if (ev->kind == WS_TAP_DEQUEUE) end = ev->dir & 1u;
  else if (ev->kind == WS_TAP_RECEIVE) end = 1u - (ev->dir & 1u);
  else return;
  const ws_node *node = ws_link_end(ev->link, end);
  ws_pcap *w = t->node_files[ws_node_index(node)];
  if (w) ws_pcap_write(w, ev->time_ns, ev->packet);
  if (t->link_index) {
    unsigned i = GPOINTER_TO_UINT(g_hash_table_lookup(t->link_index, ev->link));
    if (i && (w = t->end_files[2 * (i - 1) + end])) ws_pcap_write(w, ev->time_ns, ev->packet);
  }
}

void ws_trace_handover(void *ctx, const ws_handover_row *row) {
  ws_trace *t = ctx;
  g_return_if_fail(t != NULL && row != NULL);
  if (t->ascii) ws_ascii_write_handover(t->ascii, row);
}

unsigned ws_trace_n_pcap(const ws_trace *t) {
  g_return_val_if_fail(t != NULL, 0);
  return t->n_pcap;
}

/* Removes the *.pcap files of dir/pcap that this run did not write, and the
 * folder itself when nothing is left in it. */
static void remove_stale(ws_trace *t) {
  GDir *d = g_dir_open(t->pcap_dir, 0, NULL);
  if (!d) return;
  const char *name;
  GPtrArray *stale = g_ptr_array_new_with_free_func(g_free);
  while ((name = g_dir_read_name(d)) != NULL) {
    if (!g_str_has_suffix(name, ".pcap")) continue;
    bool ours = false;
    for (unsigned i = 0; i < t->written->len && !ours; i++)
      ours = strcmp(name, t->written->pdata[i]) == 0;
    if (!ours) g_ptr_array_add(stale, g_build_filename(t->pcap_dir, name, NULL));
  }
  g_dir_close(d);
  for (unsigned i = 0; i < stale->len; i++) g_unlink(stale->pdata[i]);
  g_ptr_array_free(stale, TRUE);
  if (t->n_pcap == 0) g_rmdir(t->pcap_dir); /* fails, harmlessly, when not empty */
}

bool ws_trace_commit(ws_trace *t, GError **error) {
  g_return_val_if_fail(t != NULL && !t->closed, false);
  g_return_val_if_fail(error == NULL || *error == NULL, false);
  t->closed = true;
  GError *first = NULL;
  for (unsigned i = 0; i < t->n_nodes; i++) {
    if (!t->node_files[i]) continue;
    ws_pcap_commit(t->node_files[i], first ? NULL : &first);
    t->node_files[i] = NULL;
  }
  for (unsigned i = 0; i < 2 * t->n_links; i++) {
    if (!t->end_files[i]) continue;
    ws_pcap_commit(t->end_files[i], first ? NULL : &first);
    t->end_files[i] = NULL;
  }
  if (t->ascii) {
    ws_ascii_commit(t->ascii, first ? NULL : &first);
    t->ascii = NULL;
  } else if (!t->ascii_on) {
    /* A stale trace from an earlier run in this folder would mislead. */
    char *path = g_build_filename(t->dir, "trace.txt", NULL);
    g_unlink(path);
    g_free(path);
  }
  remove_stale(t);
  if (first) g_propagate_error(error, first);
  return first == NULL;
}

void ws_trace_free(ws_trace *t) {
  if (!t) return;
  for (unsigned i = 0; i < t->n_nodes; i++) ws_pcap_abort(t->node_files[i]);
  for (unsigned i = 0; i < 2 * t->n_links; i++) ws_pcap_abort(t->end_files[i]);
  ws_ascii_abort(t->ascii);
  if (t->link_index) g_hash_table_destroy(t->link_index);
  g_ptr_array_free(t->written, TRUE);
  g_free(t->flow_names);
  g_free(t->node_files);
  g_free(t->end_files);
  g_free(t->pcap_dir);
  g_free(t->dir);
  g_free(t);
}
