/* wisim ascii event trace: one line per tap event (enqueue, dequeue, drop,
 * receive), ns-2 style, 16 space-separated columns that grep and awk read
 * (docs/traces.md documents each). Written through a buffered stream, never
 * flushed per line, under a temporary name renamed into place at commit. */
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "wisim/link.h"
#include "wisim/metrics.h"
#include "wisim/trace.h"

/* Stream buffer: large writes amortise the system calls of a big trace. */
enum { ASCII_BUFFER_BYTES = 1 << 16 };

struct ws_ascii {
  ws_outfile *out;
  FILE *fp;                      /* borrowed from out */
  const char *const *flow_names; /* borrowed */
  unsigned n_flows;
  uint64_t lines;
};

ws_ascii *ws_ascii_open(const char *path, const char *const *flow_names, unsigned n_flows,
                        GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(flow_names != NULL || n_flows == 0, NULL);
  ws_outfile *out = ws_outfile_open(path, error);
  if (!out) return NULL;
  ws_ascii *a = g_new0(ws_ascii, 1);
  a->out = out;
  a->fp = ws_outfile_fp(out);
  setvbuf(a->fp, NULL, _IOFBF, ASCII_BUFFER_BYTES); /* before any output */
  a->flow_names = flow_names;
  a->n_flows = n_flows;
  return a;
}

static char event_letter(ws_tap_kind kind) {
  switch (kind) {
  case WS_TAP_ENQUEUE: return '+';
  case WS_TAP_DEQUEUE: return '-';
  case WS_TAP_DROP: return 'd';
  case WS_TAP_RECEIVE: return 'r';
  }
  return '?';
}

static const char *proto_name(uint8_t protocol, char *buf, size_t len) {
  switch (protocol) {
  case WS_IP_PROTO_UDP: return "udp";
  case WS_IP_PROTO_TCP: return "tcp";
  case WS_IP_PROTO_ICMP: return "icmp";
  default: g_snprintf(buf, len, "%u", protocol); return buf;
  }
}

/* tcpdump's flag letters: S F R P U E (ECE) W (CWR), '.' for ACK. */
static const char *tcp_flags(uint8_t f, char *buf) {
  char *b = buf;
  if (f & WS_TCP_SYN) *b++ = 'S';
  if (f & WS_TCP_FIN) *b++ = 'F';
  if (f & WS_TCP_RST) *b++ = 'R';
  if (f & WS_TCP_PSH) *b++ = 'P';
  if (f & WS_TCP_URG) *b++ = 'U';
  if (f & WS_TCP_ECE) *b++ = 'E';
  if (f & WS_TCP_CWR) *b++ = 'W';
  if (f & WS_TCP_ACK) *b++ = '.';
  if (b == buf) *b++ = '-';
  *b = '\0';
  return buf;
}

static const char *ecn_name(uint8_t ecn) {
  switch (ecn & 3u) {
  case WS_ECN_ECT0: return "ect0";
  case WS_ECN_ECT1: return "ect1";
  case WS_ECN_CE: return "ce";
  default: return "-";
  }
}

/* "10.0.0.1:5000", or the bare address for a protocol without ports. */
static const char *endpoint(uint32_t addr, uint16_t port, bool ports, char *buf, size_t len) {
  char quad[16];
  ws_ipv4_format(addr, quad);
  if (ports) g_snprintf(buf, len, "%s:%u", quad, port);
  else g_snprintf(buf, len, "%s", quad);
  return buf;
}

void ws_ascii_write_handover(ws_ascii *a, const ws_handover_row *r) {
  g_return_if_fail(a != NULL && r != NULL);
  /* 16 fields as every line: h, time, UE, its radio link, FROM>TO, then the
   * position and the two RSRPs where a packet line has its addresses. */
  int64_t t = r->time_ns;
  /* "-" for an RSRP that does not exist (a failure has no target), as in
   * the CSV's empty field. */
  char rsrp[48], from[24], to[24];
  g_snprintf(from, sizeof from, "%.3f", r->serving_rsrp_dbm);
  g_snprintf(to, sizeof to, "%.3f", r->target_rsrp_dbm);
  g_snprintf(rsrp, sizeof rsrp, "%s,%s", isnan(r->serving_rsrp_dbm) ? "-" : from,
             isnan(r->target_rsrp_dbm) ? "-" : to);
  fprintf(a->fp, "h %" PRId64 ".%09" PRId64 " %s radio/%s %s>%s - - - - %.3f,%.3f %s - - - - %s\n",
          t / 1000000000, t % 1000000000, r->ue, r->ue, r->from_cell ? r->from_cell : "-",
          r->to_cell ? r->to_cell : "-", r->x_m, r->y_m, rsrp, r->kind);
  a->lines++;
}

void ws_ascii_write(ws_ascii *a, const ws_tap_event *ev) {
  g_return_if_fail(a != NULL && ev != NULL && ev->packet != NULL);
  const ws_packet *p = ev->packet;
  char proto_buf[8], flow_buf[16], src[24], dst[24], seq[24], ack[16], flags[16];
  /* The direction "from>to", or "-" when not at a link. */
  const char *link = "-", *dir_from = "-", *dir_sep = "", *dir_to = "";
  if (ev->link) {
    unsigned d = ev->dir & 1u;
    link = ws_link_name(ev->link);
    dir_from = ws_node_name(ws_link_end(ev->link, d));
    dir_sep = ">";
    dir_to = ws_node_name(ws_link_end(ev->link, 1 - d));
  }
  const char *flow = "-";
  if (p->flow < a->n_flows) {
    flow = a->flow_names[p->flow];
  } else if (p->flow != WS_PACKET_NO_FLOW) {
    g_snprintf(flow_buf, sizeof flow_buf, "%" PRIu32, p->flow);
    flow = flow_buf;
  }
  bool ports = p->protocol == WS_IP_PROTO_UDP || p->protocol == WS_IP_PROTO_TCP;
  const char *ack_text = "-", *flag_text = "-";
  switch (p->protocol) {
  case WS_IP_PROTO_TCP:
    g_snprintf(seq, sizeof seq, "%" PRIu32, p->tcp_seq);
    g_snprintf(ack, sizeof ack, "%" PRIu32, p->tcp_ack);
    ack_text = ack;
    flag_text = tcp_flags(p->tcp_flags, flags);
    break;
  case WS_IP_PROTO_ICMP:
    g_snprintf(seq, sizeof seq, "%u", p->icmp_seq);
    if (p->icmp_type == WS_ICMP_ECHO_REQUEST) flag_text = "echo-request";
    else if (p->icmp_type == WS_ICMP_ECHO_REPLY) flag_text = "echo-reply";
    else g_snprintf(flags, sizeof flags, "type-%u", p->icmp_type), flag_text = flags;
    break;
  default:
    g_snprintf(seq, sizeof seq, "%" PRIu64, p->seq);
    break;
  }
  /* Time as integer seconds and nanoseconds: exact, locale-free. */
  int64_t t = ev->time_ns;
  fprintf(a->fp, "%c %" PRId64 ".%09" PRId64 " %s %s %s%s%s %" PRIu64 " %" PRIu32 " %s %s %s %s %s %s %s %s %s\n",
          event_letter(ev->kind), t / 1000000000, t % 1000000000,
          ev->node ? ws_node_name(ev->node) : "-", link, dir_from, dir_sep, dir_to, p->id, p->ip_bytes,
          proto_name(p->protocol, proto_buf, sizeof proto_buf), flow,
          endpoint(p->src_addr, p->src_port, ports, src, sizeof src),
          endpoint(p->dst_addr, p->dst_port, ports, dst, sizeof dst), seq, ack_text, flag_text,
          ecn_name(p->ecn), ev->kind == WS_TAP_DROP ? ws_drop_reason_name(ev->reason) : "-");
  a->lines++;
}

uint64_t ws_ascii_lines(const ws_ascii *a) {
  g_return_val_if_fail(a != NULL, 0);
  return a->lines;
}

bool ws_ascii_commit(ws_ascii *a, GError **error) {
  g_return_val_if_fail(a != NULL, false);
  bool ok = ws_outfile_commit(a->out, error);
  g_free(a);
  return ok;
}

void ws_ascii_abort(ws_ascii *a) {
  if (!a) return;
  ws_outfile_abort(a->out);
  g_free(a);
}
