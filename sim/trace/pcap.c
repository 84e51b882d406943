/* wisim pcap traces: a packet's header fields serialised as real IPv4, UDP,
 * TCP (with RFC 7323/2018 options) and ICMP headers with correct checksums
 * over an all-zero payload, and the pcap file they go to (libpcap dumper,
 * nanosecond timestamps, raw IPv4), renamed into place when complete. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wisim/trace.h"

/* ---- serialisation ---------------------------------------------------------- */

/* TCP option kinds (RFC 793, RFC 2018, RFC 7323). */
enum {
  OPT_EOL = 0,
  OPT_NOP = 1,
  OPT_MSS = 2,
  OPT_WSCALE = 3,
  OPT_SACK_PERMITTED = 4,
  OPT_SACK = 5,
  OPT_TIMESTAMPS = 8,
};

static void put16(uint8_t *b, uint16_t v) {
  b[0] = (uint8_t)(v >> 8);
  b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)(v >> 24);
  b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8);
  b[3] = (uint8_t)v;
}

uint16_t ws_trace_checksum(const void *data, size_t len, uint32_t sum) {
  g_return_val_if_fail(data != NULL || len == 0, 0);
  const uint8_t *b = data;
  /* RFC 1071 section 4.1: sum 16-bit words in a wide accumulator, fold the
   * carries back in at the end. 64 bits cannot overflow for any IP packet. */
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += (uint32_t)b[i] << 8 | b[i + 1];
  if (i < len) acc += (uint32_t)b[i] << 8;
  while (acc >> 16) acc = (acc & 0xffffu) + (acc >> 16);
  return (uint16_t)~acc;
}

/* The partial (unfolded, uncomplemented) sum of the pseudo-header of RFC 793
 * section 3.1 / RFC 768: source, destination, zero + protocol, length. */
static uint32_t pseudo_sum(const ws_packet *p, uint32_t transport_bytes) {
  return (p->src_addr >> 16) + (p->src_addr & 0xffffu) + (p->dst_addr >> 16) +
         (p->dst_addr & 0xffffu) + p->protocol + (transport_bytes >> 16) +
         (transport_bytes & 0xffffu);
}

/* Which options a segment carries; options are dropped from it one by one
 * when they do not fit the space the endpoint gave them. */
typedef struct {
  bool mss, sack_permitted, ts, wscale;
  unsigned n_sack;
} tcp_opts;

static tcp_opts opts_of(const ws_packet *p) {
  tcp_opts o = {
      .mss = p->tcp_mss != 0,
      .sack_permitted = p->tcp_sack_permitted,
      .ts = p->tcp_has_ts,
      .wscale = p->tcp_wscale != WS_TCP_NO_WSCALE,
      .n_sack = MIN(p->tcp_n_sack, WS_TCP_MAX_SACK),
  };
  return o;
}

/* Bytes of the layout written by write_opts (always a multiple of 4). */
static unsigned opts_bytes(const tcp_opts *o) {
  unsigned n = 0;
  if (o->mss) n += 4;
  if (o->ts) n += 12;                           /* SACKOK TS or NOP NOP TS */
  else if (o->sack_permitted) n += 4;           /* NOP NOP SACKOK */
  if (o->wscale) n += 4;                        /* NOP WS */
  if (o->n_sack) n += 4 + 8 * o->n_sack;        /* NOP NOP SACK(2 + 8n) */
  return n;
}

unsigned ws_trace_tcp_options_bytes(const ws_packet *p) {
  g_return_val_if_fail(p != NULL, 0);
  tcp_opts o = opts_of(p);
  return opts_bytes(&o);
}

/* Writes the options in Linux's order (tcp_options_write in
 * net/ipv4/tcp_output.c), which is what Wireshark users are used to seeing.
 * Returns the bytes written. */
static unsigned write_opts(const ws_packet *p, const tcp_opts *o, uint8_t *b) {
  uint8_t *start = b;
  if (o->mss) {
    b[0] = OPT_MSS, b[1] = 4;
    put16(b + 2, p->tcp_mss);
    b += 4;
  }
  if (o->ts) {
    if (o->sack_permitted) b[0] = OPT_SACK_PERMITTED, b[1] = 2;
    else b[0] = OPT_NOP, b[1] = OPT_NOP;
    b[2] = OPT_TIMESTAMPS, b[3] = 10;
    put32(b + 4, p->tcp_tsval);
    put32(b + 8, p->tcp_tsecr);
    b += 12;
  } else if (o->sack_permitted) {
    b[0] = OPT_NOP, b[1] = OPT_NOP, b[2] = OPT_SACK_PERMITTED, b[3] = 2;
    b += 4;
  }
  if (o->wscale) {
    b[0] = OPT_NOP, b[1] = OPT_WSCALE, b[2] = 3, b[3] = p->tcp_wscale;
    b += 4;
  }
  if (o->n_sack) {
    b[0] = OPT_NOP, b[1] = OPT_NOP, b[2] = OPT_SACK, b[3] = (uint8_t)(2 + 8 * o->n_sack);
    b += 4;
    for (unsigned i = 0; i < o->n_sack; i++, b += 8) {
      put32(b, p->tcp_sack[i].left);
      put32(b + 4, p->tcp_sack[i].right);
    }
  }
  return (unsigned)(b - start);
}

/* Leaves out what does not fit budget bytes: SACK blocks first (the
 * receiver sends fewer when space is short, RFC 2018 section 3), then the
 * SYN-only options, then timestamps. */
static void fit_opts(tcp_opts *o, unsigned budget) {
  while (opts_bytes(o) > budget) {
    if (o->n_sack) o->n_sack--;
    else if (o->wscale) o->wscale = false;
    else if (o->sack_permitted) o->sack_permitted = false;
    else if (o->ts) o->ts = false;
    else o->mss = false;
  }
}

static size_t write_tcp(const ws_packet *p, uint8_t *t, uint32_t transport_bytes) {
  unsigned opt_bytes = p->tcp_options_bytes;
  if (opt_bytes > 40 || opt_bytes % 4 != 0) {
    g_critical("packet %" G_GUINT64_FORMAT ": tcp_options_bytes %u is not a multiple of 4 up to 40",
               p->id, opt_bytes);
    opt_bytes = MIN(opt_bytes, 40u) & ~3u;
  }
  size_t hdr = WS_TCP_HEADER_BYTES + opt_bytes;
  memset(t, 0, hdr);
  put16(t, p->src_port);
  put16(t + 2, p->dst_port);
  put32(t + 4, p->tcp_seq);
  put32(t + 8, p->tcp_ack);
  t[12] = (uint8_t)((hdr / 4) << 4); /* data offset in 32-bit words */
  t[13] = p->tcp_flags;
  put16(t + 14, p->tcp_window);
  /* t[16..17] checksum, t[18..19] urgent pointer: 0 */
  tcp_opts o = opts_of(p);
  fit_opts(&o, opt_bytes);
  write_opts(p, &o, t + WS_TCP_HEADER_BYTES); /* the rest stays EOL (0) */
  put16(t + 16, ws_trace_checksum(t, hdr, pseudo_sum(p, transport_bytes)));
  return hdr;
}

static size_t write_udp(const ws_packet *p, uint8_t *u, uint32_t transport_bytes) {
  put16(u, p->src_port);
  put16(u + 2, p->dst_port);
  put16(u + 4, (uint16_t)transport_bytes);
  put16(u + 6, 0);
  uint16_t sum = ws_trace_checksum(u, WS_UDP_HEADER_BYTES, pseudo_sum(p, transport_bytes));
  /* RFC 768: a computed checksum of zero is sent as all ones (zero means
   * "no checksum"). */
  put16(u + 6, sum ? sum : 0xffffu);
  return WS_UDP_HEADER_BYTES;
}

static size_t write_icmp(const ws_packet *p, uint8_t *c) {
  c[0] = p->icmp_type;
  c[1] = p->icmp_code;
  put16(c + 2, 0);
  put16(c + 4, p->icmp_id);
  put16(c + 6, p->icmp_seq);
  /* RFC 792: over the whole message; the zero payload adds nothing. */
  put16(c + 2, ws_trace_checksum(c, WS_ICMP_HEADER_BYTES, 0));
  return WS_ICMP_HEADER_BYTES;
}

/* Transport header bytes p needs (0 for an unknown protocol). */
static size_t transport_bytes_needed(const ws_packet *p) {
  switch (p->protocol) {
  case WS_IP_PROTO_UDP: return WS_UDP_HEADER_BYTES;
  case WS_IP_PROTO_TCP: return WS_TCP_HEADER_BYTES + MIN(p->tcp_options_bytes, 40u);
  case WS_IP_PROTO_ICMP: return WS_ICMP_HEADER_BYTES;
  default: return 0;
  }
}

size_t ws_trace_headers(const ws_packet *p, uint8_t buf[WS_TRACE_MAX_HEADER_BYTES]) {
  g_return_val_if_fail(p != NULL && buf != NULL, 0);
  size_t need = WS_IPV4_HEADER_BYTES + transport_bytes_needed(p);
  if (p->ip_bytes < need || p->ip_bytes > WS_IPV4_MAX_BYTES) {
    g_critical("packet %" G_GUINT64_FORMAT ": ip_bytes %u cannot hold its %zu bytes of headers",
               p->id, p->ip_bytes, need);
    return 0;
  }
  uint8_t *ip = buf;
  memset(ip, 0, WS_IPV4_HEADER_BYTES);
  ip[0] = 0x45;                      /* version 4, IHL 5 words (no options) */
  ip[1] = (uint8_t)(p->ecn & 3u);    /* DSCP 0 (best effort), ECN (RFC 3168) */
  put16(ip + 2, (uint16_t)p->ip_bytes);
  put16(ip + 4, (uint16_t)p->id);    /* identification */
  put16(ip + 6, 0x4000);             /* DF, fragment offset 0 */
  ip[8] = p->ttl;
  ip[9] = p->protocol;
  put32(ip + 12, p->src_addr);
  put32(ip + 16, p->dst_addr);
  put16(ip + 10, ws_trace_checksum(ip, WS_IPV4_HEADER_BYTES, 0));

  uint32_t transport_bytes = p->ip_bytes - WS_IPV4_HEADER_BYTES;
  uint8_t *t = buf + WS_IPV4_HEADER_BYTES;
  size_t n = 0;
  switch (p->protocol) {
  case WS_IP_PROTO_UDP: n = write_udp(p, t, transport_bytes); break;
  case WS_IP_PROTO_TCP: n = write_tcp(p, t, transport_bytes); break;
  case WS_IP_PROTO_ICMP: n = write_icmp(p, t); break;
  default: break;
  }
  return WS_IPV4_HEADER_BYTES + n;
}

/* ---- the pcap file ------------------------------------------------------------ */

struct ws_pcap {
  char *path;
  char *tmp_path;
  pcap_t *dead;         /* the "capture" the dumper needs for its header */
  pcap_dumper_t *dumper;/* owns the FILE * of the temporary */
  uint32_t snaplen;
  uint64_t packets;
  uint8_t frame[WS_TRACE_DEFAULT_SNAPLEN > WS_TRACE_MAX_HEADER_BYTES
                    ? WS_TRACE_DEFAULT_SNAPLEN
                    : WS_TRACE_MAX_HEADER_BYTES]; /* only used when snaplen fits */
  uint8_t *big;         /* frame buffer when snaplen is larger, owned */
};

static void set_errno_error(GError **error, int err, const char *what, const char *path) {
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s %s: %s", what, path,
              g_strerror(err));
}

static void pcap_free(ws_pcap *w) {
  if (w->dead) pcap_close(w->dead);
  g_free(w->big);
  g_free(w->path);
  g_free(w->tmp_path);
  g_free(w);
}

ws_pcap *ws_pcap_open(const char *path, uint32_t snaplen, GError **error) {
  g_return_val_if_fail(path != NULL && *path != '\0', NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (snaplen == 0) snaplen = WS_TRACE_DEFAULT_SNAPLEN;
  snaplen = MAX(snaplen, WS_TRACE_MAX_HEADER_BYTES);
  snaplen = MIN(snaplen, WS_IPV4_MAX_BYTES);
  ws_pcap *w = g_new0(ws_pcap, 1);
  w->path = g_strdup(path);
  w->tmp_path = g_strconcat(path, ".tmp-XXXXXX", NULL);
  w->snaplen = snaplen;
  /* Nanosecond timestamps: simulated time is integer nanoseconds, and
   * Wireshark reads this variant (magic 0xa1b23c4d). */
  w->dead = pcap_open_dead_with_tstamp_precision(WS_TRACE_LINKTYPE_IPV4, (int)snaplen,
                                                 PCAP_TSTAMP_PRECISION_NANO);
  if (!w->dead) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libpcap cannot make a dead capture for %s",
                path);
    pcap_free(w);
    return NULL;
  }
  /* 0666 less the umask, as every result file (ws_outfile_open). */
  int fd = g_mkstemp_full(w->tmp_path, O_WRONLY, 0666);
  if (fd < 0) {
    set_errno_error(error, errno, "cannot create", w->tmp_path);
    pcap_free(w);
    return NULL;
  }
  FILE *fp = fdopen(fd, "w");
  if (!fp) {
    int err = errno;
    close(fd);
    g_unlink(w->tmp_path);
    set_errno_error(error, err, "cannot open", w->tmp_path);
    pcap_free(w);
    return NULL;
  }
  w->dumper = pcap_dump_fopen(w->dead, fp); /* writes the file header */
  if (!w->dumper) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write %s: %s", w->tmp_path,
                pcap_geterr(w->dead));
    fclose(fp);
    g_unlink(w->tmp_path);
    pcap_free(w);
    return NULL;
  }
  if (snaplen > sizeof w->frame) w->big = g_malloc0(snaplen);
  return w;
}

void ws_pcap_write(ws_pcap *w, ws_time t, const ws_packet *p) {
  g_return_if_fail(w != NULL && p != NULL && t >= 0);
  uint8_t *frame = w->big ? w->big : w->frame;
  size_t hdr = ws_trace_headers(p, frame);
  if (hdr == 0) return; /* reported */
  uint32_t caplen = MIN(w->snaplen, p->ip_bytes);
  /* Payload bytes are zeros (the simulator carries no data). */
  if (caplen > hdr) memset(frame + hdr, 0, caplen - hdr);
  struct pcap_pkthdr h = {.caplen = caplen, .len = p->ip_bytes};
  /* With nanosecond precision tv_usec carries nanoseconds (pcap(3PCAP)). */
  h.ts.tv_sec = (time_t)(t / 1000000000);
  h.ts.tv_usec = (suseconds_t)(t % 1000000000);
  pcap_dump((u_char *)w->dumper, &h, frame);
  w->packets++;
}

uint64_t ws_pcap_packets(const ws_pcap *w) {
  g_return_val_if_fail(w != NULL, 0);
  return w->packets;
}

bool ws_pcap_commit(ws_pcap *w, GError **error) {
  g_return_val_if_fail(w != NULL, false);
  g_return_val_if_fail(error == NULL || *error == NULL, false);
  FILE *fp = pcap_dump_file(w->dumper);
  int err = 0;
  const char *what = "cannot write";
  /* ferror catches an earlier failed write (pcap_dump reports nothing). */
  if (pcap_dump_flush(w->dumper) != 0) err = errno ? errno : EIO;
  else if (ferror(fp)) err = EIO;
  pcap_dump_close(w->dumper); /* closes fp; everything is flushed already */
  w->dumper = NULL;
  if (err == 0 && g_rename(w->tmp_path, w->path) != 0) {
    err = errno;
    what = "cannot rename into";
  }
  if (err != 0) {
    g_unlink(w->tmp_path);
    set_errno_error(error, err, what, w->path);
  }
  pcap_free(w);
  return err == 0;
}

void ws_pcap_abort(ws_pcap *w) {
  if (!w) return;
  if (w->dumper) pcap_dump_close(w->dumper);
  g_unlink(w->tmp_path);
  pcap_free(w);
}
