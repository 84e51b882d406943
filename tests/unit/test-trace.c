/* Tests of sim/trace: the Internet checksum against RFC 1071's worked
 * example, header bytes against known layouts and hand-computed checksums
 * (IPv4, UDP, TCP with Linux-ordered options and SACK blocks, ICMP echo),
 * pcap files read back with libpcap, the ascii lines byte for byte, the
 * per-node / per-link-end file set, and, when tshark is installed, that
 * Wireshark decodes every packet with good checksums and the same TCP
 * sequence and acknowledgment numbers as were written. */
#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <string.h>

#include "wisim/link.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/trace.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- helpers --------------------------------------------------------------- */

static ws_packet udp_packet(uint32_t payload) {
  ws_packet p = {0};
  p.id = 1;
  p.flow = 0;
  p.seq = 7;
  p.payload_bytes = payload;
  p.protocol = WS_IP_PROTO_UDP;
  p.ttl = 64;
  p.ip_bytes = ws_packet_udp_ip_bytes(payload);
  p.src_addr = IP(10, 0, 0, 1);
  p.dst_addr = IP(10, 0, 1, 2);
  p.src_port = 49152;
  p.dst_port = 5001;
  p.tcp_wscale = WS_TCP_NO_WSCALE;
  return p;
}

/* A TCP segment of payload bytes with no options; callers add them. */
static ws_packet tcp_packet(uint32_t payload, uint8_t options_bytes) {
  ws_packet p = udp_packet(payload);
  p.protocol = WS_IP_PROTO_TCP;
  p.tcp_options_bytes = options_bytes;
  p.ip_bytes = payload + WS_TCP_HEADER_BYTES + options_bytes + WS_IPV4_HEADER_BYTES;
  p.src_port = 40000;
  p.dst_port = 80;
  return p;
}

static char *hex(const uint8_t *b, size_t n) {
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < n; i++) g_string_append_printf(s, "%s%02x", i ? " " : "", b[i]);
  return g_string_free(s, FALSE);
}

/* Asserts that the n bytes at b are the hex string want ("45 00 ..."). */
static void assert_bytes(const uint8_t *b, size_t n, const char *want) {
  char *got = hex(b, n);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
}

/* The transport checksum verifies: the sum over the pseudo-header and the
 * segment including its checksum field (zero payload) is all ones, so the
 * checksum of it all is 0 (RFC 1071 section 1, "to check a checksum"). */
static void assert_transport_verifies(const ws_packet *p, const uint8_t *t, size_t hdr) {
  uint32_t len = p->ip_bytes - WS_IPV4_HEADER_BYTES;
  uint8_t pseudo[12] = {
      (uint8_t)(p->src_addr >> 24), (uint8_t)(p->src_addr >> 16), (uint8_t)(p->src_addr >> 8),
      (uint8_t)p->src_addr,         (uint8_t)(p->dst_addr >> 24), (uint8_t)(p->dst_addr >> 16),
      (uint8_t)(p->dst_addr >> 8),  (uint8_t)p->dst_addr,         0,
      p->protocol,                  (uint8_t)(len >> 8),          (uint8_t)len};
  uint8_t *all = g_malloc0(12 + len);
  memcpy(all, pseudo, 12);
  memcpy(all + 12, t, hdr);
  g_assert_cmpuint(ws_trace_checksum(all, 12 + len, 0), ==, 0);
  g_free(all);
}

static bool have_tshark(void) {
  char *path = g_find_program_in_path("tshark");
  g_free(path);
  return path != NULL;
}

/* Runs tshark -r file with extra arguments; returns its stdout (caller
 * frees) and asserts it exited 0. */
static char *tshark(const char *file, const char *const *args) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, "tshark");
  g_ptr_array_add(argv, "-n");
  g_ptr_array_add(argv, "-r");
  g_ptr_array_add(argv, (char *)file);
  for (const char *const *a = args; *a; a++) g_ptr_array_add(argv, (char *)*a);
  g_ptr_array_add(argv, NULL);
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             &err, &status, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  if (!g_spawn_check_wait_status(status, NULL)) g_test_message("tshark stderr: %s", err);
  g_assert_true(g_spawn_check_wait_status(status, NULL));
  g_free(err);
  g_ptr_array_free(argv, TRUE);
  return out;
}

static char *tmp_dir(void) {
  GError *error = NULL;
  char *dir = g_dir_make_tmp("wisim-trace-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

/* Removes dir and the files (and one level of folders) in it. */
static void rm_tree(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return;
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) rm_tree(path);
    else g_unlink(path);
    g_free(path);
  }
  g_dir_close(d);
  g_rmdir(dir);
}

/* ---- checksum and headers ------------------------------------------------------ */

/* RFC 1071 section 3's example: the words 0001 f203 f4f5 f6f7 sum to ddf2
 * (with the carries folded), whose complement 220d is the checksum. */
static void test_checksum(void) {
  const uint8_t words[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  g_assert_cmpuint(ws_trace_checksum(words, sizeof words, 0), ==, 0x220d);
  /* Byte order independence is about the sum; an odd last byte is padded
   * with a zero on its right: 0001 f200 -> f201 -> 0dfe. */
  g_assert_cmpuint(ws_trace_checksum(words, 3, 0), ==, 0x0dfe);
  /* A partial sum is folded in: splitting the data changes nothing. */
  g_assert_cmpuint(ws_trace_checksum(words + 4, 4, 0x0001 + 0xf203), ==, 0x220d);
  g_assert_cmpuint(ws_trace_checksum(NULL, 0, 0), ==, 0xffff);
}

/* The classic worked example of the IPv4 header checksum (Wikipedia,
 * "Internet checksum"): 4500 0073 0000 4000 4011 ____ c0a8 0001 c0a8 00c7
 * gives b861. */
static void test_ipv4_known(void) {
  ws_packet p = udp_packet(115 - 28);
  p.id = 0x10000; /* the low 16 bits are the IP id: 0 */
  p.src_addr = IP(192, 168, 0, 1);
  p.dst_addr = IP(192, 168, 0, 199);
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 28);
  assert_bytes(b, 20, "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7");
  /* The header verifies to zero. */
  g_assert_cmpuint(ws_trace_checksum(b, 20, 0), ==, 0);
}

/* ECN in the low two bits of the second byte, TTL and id as in the packet. */
static void test_ipv4_fields(void) {
  ws_packet p = udp_packet(100);
  p.ecn = WS_ECN_CE;
  p.ttl = 61;
  p.id = 0x12345;
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  ws_trace_headers(&p, b);
  g_assert_cmpuint(b[1], ==, 3);
  g_assert_cmpuint(b[8], ==, 61);
  g_assert_cmpuint(b[4] << 8 | b[5], ==, 0x2345);
  g_assert_cmpuint(b[2] << 8 | b[3], ==, 128);
  g_assert_cmpuint(ws_trace_checksum(b, 20, 0), ==, 0);
}

/* UDP 10.0.0.1:49152 -> 10.0.1.2:5001, 1200 B of zeros (length 1208 =
 * 04b8). By hand: pseudo-header 0a00 + 0001 + 0a00 + 0102 + 0011 + 04b8,
 * header c000 + 1389 + 04b8 = f20d, no carry; complement 0df2. */
static void test_udp(void) {
  ws_packet p = udp_packet(1200);
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 28);
  assert_bytes(b + 20, 8, "c0 00 13 89 04 b8 0d f2");
  assert_transport_verifies(&p, b + 20, 8);
}

/* Linux's SYN: MSS 1460, SACK-permitted + timestamps, NOP + window scale 7,
 * 20 B of options (data offset 10 words), exactly the bytes of a Linux SYN
 * seen in Wireshark. */
static void test_tcp_syn(void) {
  ws_packet p = tcp_packet(0, 20);
  p.tcp_seq = 0x01020304;
  p.tcp_ack = 0;
  p.tcp_flags = WS_TCP_SYN;
  p.tcp_window = 64240;
  p.tcp_mss = 1460;
  p.tcp_sack_permitted = true;
  p.tcp_has_ts = true;
  p.tcp_tsval = 1;
  p.tcp_tsecr = 0;
  p.tcp_wscale = 7;
  g_assert_cmpuint(ws_trace_tcp_options_bytes(&p), ==, 20);
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 60);
  g_assert_cmpuint(b[9], ==, 6);
  g_assert_cmpuint(b[2] << 8 | b[3], ==, 60);
  assert_bytes(b + 20, 16, "9c 40 00 50 01 02 03 04 00 00 00 00 a0 02 fa f0");
  assert_bytes(b + 40, 20, "02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 03 07");
  assert_transport_verifies(&p, b + 20, 40);

  /* Without timestamps: MSS, NOP NOP SACK-permitted, NOP WS (12 B). */
  p.tcp_has_ts = false;
  p.tcp_options_bytes = 12;
  p.ip_bytes = 52;
  g_assert_cmpuint(ws_trace_tcp_options_bytes(&p), ==, 12);
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 52);
  g_assert_cmpuint(b[32], ==, 0x80);
  assert_bytes(b + 40, 12, "02 04 05 b4 01 01 04 02 01 03 03 07");
  assert_transport_verifies(&p, b + 20, 32);
}

/* A data segment with timestamps and three SACK blocks: NOP NOP TS, NOP
 * NOP SACK(26): 40 B of options, the most TCP has; payload 1000 B. */
static void test_tcp_sack(void) {
  ws_packet p = tcp_packet(1000, 40);
  p.tcp_seq = 1001;
  p.tcp_ack = 0xfffffff0u;
  p.tcp_flags = WS_TCP_ACK | WS_TCP_PSH | WS_TCP_ECE;
  p.tcp_window = 502;
  p.tcp_has_ts = true;
  p.tcp_tsval = 0xa1b2c3d4u;
  p.tcp_tsecr = 0x00000102u;
  p.tcp_n_sack = 3;
  p.tcp_sack[0].left = 0x100, p.tcp_sack[0].right = 0x200;
  p.tcp_sack[1].left = 0x300, p.tcp_sack[1].right = 0x400;
  p.tcp_sack[2].left = 0xfffffff8u, p.tcp_sack[2].right = 0x8;
  g_assert_cmpuint(ws_trace_tcp_options_bytes(&p), ==, 40);
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 80);
  g_assert_cmpuint(b[2] << 8 | b[3], ==, 1080);
  g_assert_cmpuint(b[32], ==, 0xf0);
  g_assert_cmpuint(b[33], ==, 0x58);
  assert_bytes(b + 40, 40,
               "01 01 08 0a a1 b2 c3 d4 00 00 01 02 01 01 05 1a 00 00 01 00 00 00 02 00 "
               "00 00 03 00 00 00 04 00 ff ff ff f8 00 00 00 08");
  assert_transport_verifies(&p, b + 20, 60);

  /* No timestamps, one block: NOP NOP SACK(10), 12 B. */
  p.tcp_has_ts = false;
  p.tcp_n_sack = 1;
  p.tcp_options_bytes = 12;
  p.ip_bytes = 1000 + 52;
  g_assert_cmpuint(ws_trace_tcp_options_bytes(&p), ==, 12);
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 52);
  assert_bytes(b + 40, 12, "01 01 05 0a 00 00 01 00 00 00 02 00");
  assert_transport_verifies(&p, b + 20, 32);
}

/* Options the endpoint gave too little room keep the header consistent:
 * SACK blocks are left out, the rest padded with EOL (0); room to spare is
 * EOL too. The data offset always follows tcp_options_bytes, because
 * ip_bytes counts them. */
static void test_tcp_fit(void) {
  ws_packet p = tcp_packet(0, 24);
  p.tcp_flags = WS_TCP_ACK;
  p.tcp_has_ts = true;
  p.tcp_n_sack = 2; /* needs 12 + 4 + 16 = 32 */
  p.tcp_sack[0].left = 1, p.tcp_sack[0].right = 2;
  p.tcp_sack[1].left = 3, p.tcp_sack[1].right = 4;
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 64);
  g_assert_cmpuint(b[32], ==, 0xb0);
  assert_bytes(b + 40, 24,
               "01 01 08 0a 00 00 00 00 00 00 00 00 01 01 05 0a 00 00 00 01 00 00 00 02");
  assert_transport_verifies(&p, b + 20, 44);

  ws_packet q = tcp_packet(0, 8);
  q.tcp_flags = WS_TCP_ACK;
  q.tcp_mss = 536; /* 4 B, 4 B of EOL after it */
  g_assert_cmpuint(ws_trace_headers(&q, b), ==, 48);
  assert_bytes(b + 40, 8, "02 04 02 18 00 00 00 00");
  assert_transport_verifies(&q, b + 20, 28);
}

/* Echo request id 1234 seq 1, 56 B of zeros: 0800 + 1234 + 0001 = 1a35,
 * complement e5ca. */
static void test_icmp(void) {
  ws_packet p = udp_packet(0);
  p.protocol = WS_IP_PROTO_ICMP;
  p.ip_bytes = 56 + 8 + 20;
  p.icmp_type = WS_ICMP_ECHO_REQUEST;
  p.icmp_id = 0x1234;
  p.icmp_seq = 1;
  uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
  g_assert_cmpuint(ws_trace_headers(&p, b), ==, 28);
  g_assert_cmpuint(b[9], ==, 1);
  assert_bytes(b + 20, 8, "08 00 e5 ca 12 34 00 01");
}

/* A packet whose ip_bytes cannot hold its headers is a caller's bug. */
static void test_headers_too_short(void) {
  if (g_test_subprocess()) {
    ws_packet p = tcp_packet(0, 12);
    p.ip_bytes = 40;
    uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
    ws_trace_headers(&p, b);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*cannot hold*");
}

/* ---- pcap files ------------------------------------------------------------------ */

/* A little session: ICMP echo, a UDP datagram, and a TCP handshake, two
 * data segments and a SACK, as a capture point between the hosts sees it. */
enum { N_SESSION = 9 };
static void session(ws_packet *pk, ws_time *t) {
  memset(pk, 0, N_SESSION * sizeof *pk);
  ws_packet req = udp_packet(0);
  req.protocol = WS_IP_PROTO_ICMP;
  req.ip_bytes = 84;
  req.icmp_type = WS_ICMP_ECHO_REQUEST;
  req.icmp_id = 77;
  req.icmp_seq = 0;
  req.flow = WS_PACKET_NO_FLOW;
  ws_packet rep = req;
  rep.icmp_type = WS_ICMP_ECHO_REPLY;
  rep.src_addr = req.dst_addr, rep.dst_addr = req.src_addr;
  ws_packet udp = udp_packet(1200);

  ws_packet syn = tcp_packet(0, 20);
  syn.tcp_seq = 4294966000u; /* the second data segment wraps past 2^32 */
  syn.tcp_flags = WS_TCP_SYN;
  syn.tcp_window = 65535;
  syn.tcp_mss = 1460, syn.tcp_sack_permitted = true, syn.tcp_wscale = 7;
  syn.tcp_has_ts = true, syn.tcp_tsval = 1000, syn.tcp_tsecr = 0;
  syn.ecn = WS_ECN_NOT_ECT;
  ws_packet synack = syn;
  synack.src_addr = syn.dst_addr, synack.dst_addr = syn.src_addr;
  synack.src_port = syn.dst_port, synack.dst_port = syn.src_port;
  synack.tcp_seq = 123456;
  synack.tcp_ack = syn.tcp_seq + 1;
  synack.tcp_flags = WS_TCP_SYN | WS_TCP_ACK;
  synack.tcp_tsval = 2000, synack.tcp_tsecr = 1000;

  ws_packet ack = tcp_packet(0, 12);
  ack.tcp_seq = syn.tcp_seq + 1;
  ack.tcp_ack = synack.tcp_seq + 1;
  ack.tcp_flags = WS_TCP_ACK;
  ack.tcp_window = 502;
  ack.tcp_has_ts = true, ack.tcp_tsval = 1040, ack.tcp_tsecr = 2000;
  ws_packet d1 = ack;
  d1.payload_bytes = 1448;
  d1.ip_bytes = 1448 + 52;
  d1.tcp_flags = WS_TCP_ACK | WS_TCP_PSH;
  d1.ecn = WS_ECN_ECT0;
  ws_packet d2 = d1;
  d2.tcp_seq = d1.tcp_seq + 1448; /* 153: wrapped */
  d2.ecn = WS_ECN_CE;
  ws_packet sack = synack;
  sack.tcp_flags = WS_TCP_ACK | WS_TCP_ECE;
  sack.tcp_seq = synack.tcp_seq + 1;
  sack.tcp_ack = d1.tcp_seq; /* d1 lost: SACK d2 */
  sack.tcp_mss = 0, sack.tcp_sack_permitted = false, sack.tcp_wscale = WS_TCP_NO_WSCALE;
  sack.tcp_tsval = 2080, sack.tcp_tsecr = 1040;
  sack.tcp_n_sack = 1;
  sack.tcp_sack[0].left = d2.tcp_seq, sack.tcp_sack[0].right = d2.tcp_seq + 1448;
  sack.tcp_options_bytes = 24;
  sack.ip_bytes = 64;
  sack.tcp_window = 501;

  ws_packet all[N_SESSION] = {req, rep, udp, syn, synack, ack, d1, d2, sack};
  for (unsigned i = 0; i < N_SESSION; i++) {
    pk[i] = all[i];
    pk[i].id = 100 + i;
    /* 1.000000001 s, then steps of 1.25 ms: nanoseconds survive. */
    t[i] = WS_S + 1 + (ws_time)i * 1250000;
  }
}

static char *write_session(const char *dir, uint32_t snaplen, ws_packet *pk, ws_time *t) {
  session(pk, t);
  char *path = g_build_filename(dir, "session.pcap", NULL);
  GError *error = NULL;
  ws_pcap *w = ws_pcap_open(path, snaplen, &error);
  g_assert_no_error(error);
  for (unsigned i = 0; i < N_SESSION; i++) ws_pcap_write(w, t[i], &pk[i]);
  g_assert_cmpuint(ws_pcap_packets(w), ==, N_SESSION);
  g_assert_true(ws_pcap_commit(w, &error));
  g_assert_no_error(error);
  return path;
}

/* libpcap reads back the count, link type, snaplen, caplen = min(snaplen,
 * len), len = ip_bytes, nanosecond timestamps and the header bytes. */
static void test_pcap_readback(void) {
  char *dir = tmp_dir();
  ws_packet pk[N_SESSION];
  ws_time t[N_SESSION];
  char *path = write_session(dir, 0, pk, t);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *r = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  g_assert_nonnull(r);
  g_assert_cmpint(pcap_datalink(r), ==, DLT_IPV4);
  g_assert_cmpint(pcap_snapshot(r), ==, WS_TRACE_DEFAULT_SNAPLEN);
  struct pcap_pkthdr *h;
  const u_char *data;
  unsigned n = 0;
  while (pcap_next_ex(r, &h, &data) == 1) {
    g_assert_cmpuint(n, <, N_SESSION);
    g_assert_cmpuint(h->len, ==, pk[n].ip_bytes);
    g_assert_cmpuint(h->caplen, ==, MIN(pk[n].ip_bytes, WS_TRACE_DEFAULT_SNAPLEN));
    g_assert_cmpint((ws_time)h->ts.tv_sec * WS_S + h->ts.tv_usec, ==, t[n]);
    uint8_t b[WS_TRACE_MAX_HEADER_BYTES];
    size_t hdr = ws_trace_headers(&pk[n], b);
    g_assert_cmpmem(data, hdr, b, hdr);
    for (size_t i = hdr; i < h->caplen; i++) g_assert_cmpuint(data[i], ==, 0);
    n++;
  }
  g_assert_cmpuint(n, ==, N_SESSION);
  pcap_close(r);
  /* Deterministic: the same packets give the same bytes. */
  char *first = NULL, *second = NULL;
  gsize first_len = 0, second_len = 0;
  g_assert_true(g_file_get_contents(path, &first, &first_len, NULL));
  g_free(write_session(dir, 0, pk, t));
  g_assert_true(g_file_get_contents(path, &second, &second_len, NULL));
  g_assert_cmpmem(first, first_len, second, second_len);
  /* 24 B file header, then 16 B per record + caplen. */
  gsize want_len = 24;
  for (unsigned i = 0; i < N_SESSION; i++) want_len += 16 + MIN(pk[i].ip_bytes, WS_TRACE_DEFAULT_SNAPLEN);
  g_assert_cmpuint(first_len, ==, want_len);
  /* The nanosecond pcap magic, written in host order (little-endian here). */
  g_assert_cmpuint(*(const uint32_t *)(const void *)first, ==, 0xa1b23c4du);
  g_free(first);
  g_free(second);
  /* No temporary is left next to it. */
  GDir *d = g_dir_open(dir, 0, NULL);
  unsigned files = 0;
  while (g_dir_read_name(d)) files++;
  g_dir_close(d);
  g_assert_cmpuint(files, ==, 1);
  g_free(path);
  rm_tree(dir);
  g_free(dir);
}

/* Abort leaves nothing, and an unwritable folder is an error, not a crash. */
static void test_pcap_abort(void) {
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "x.pcap", NULL);
  ws_pcap *w = ws_pcap_open(path, 0, NULL);
  g_assert_nonnull(w);
  ws_packet p = udp_packet(10);
  ws_pcap_write(w, 0, &p);
  ws_pcap_abort(w);
  g_assert_true(g_rmdir(dir) == 0); /* empty */
  GError *error = NULL;
  g_assert_null(ws_pcap_open(path, 0, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_error_free(error);
  g_free(path);
  g_free(dir);
}

/* Wireshark decodes the session: no malformed packet and no expert error,
 * every IPv4/UDP/TCP/ICMP checksum verified good (full snaplen), the TCP
 * sequence and ACK numbers and SACK edges exactly as written, the ECN
 * field, nanosecond times. With the default snaplen, still no malformed
 * packet (the payload is cut, never a header). */
static void test_tshark(void) {
  if (!have_tshark()) {
    g_test_skip("tshark is not installed (make deps installs it)");
    return;
  }
  char *dir = tmp_dir();
  ws_packet pk[N_SESSION];
  ws_time t[N_SESSION];
  char *path = write_session(dir, 65535, pk, t);
  const char *const fields[] = {
      "-o", "tcp.relative_sequence_numbers:FALSE", "-o", "ip.check_checksum:TRUE",
      "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
      "-T", "fields", "-E", "separator=;",
      "-e", "frame.time_epoch", "-e", "ip.len", "-e", "ip.id", "-e", "ip.dsfield.ecn",
      "-e", "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status",
      "-e", "icmp.checksum.status", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.options.sack_le",
      "-e", "tcp.options.sack_re", "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift",
      "-e", "tcp.options.timestamp.tsval", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
      NULL};
  char *out = tshark(path, fields);
  char **lines = g_strsplit(g_strchomp(out), "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, N_SESSION);
  for (unsigned i = 0; i < N_SESSION; i++) {
    const ws_packet *p = &pk[i];
    g_test_message("tshark: %s", lines[i]);
    char **f = g_strsplit(lines[i], ";", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 17);
    char *want = g_strdup_printf("%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, t[i] / WS_S,
                                 t[i] % WS_S);
    g_assert_cmpstr(f[0], ==, want);
    g_free(want);
    g_assert_cmpuint(g_ascii_strtoull(f[1], NULL, 10), ==, p->ip_bytes);
    g_assert_cmpuint(g_ascii_strtoull(f[2], NULL, 16), ==, (uint16_t)p->id);
    g_assert_cmpuint(g_ascii_strtoull(f[3], NULL, 10), ==, p->ecn);
    /* Checksum status 1 is "Good" (0 bad, 2 unverified). */
    g_assert_cmpstr(f[4], ==, "1");
    g_assert_cmpstr(f[5], ==, p->protocol == WS_IP_PROTO_UDP ? "1" : "");
    g_assert_cmpstr(f[6], ==, p->protocol == WS_IP_PROTO_TCP ? "1" : "");
    g_assert_cmpstr(f[7], ==, p->protocol == WS_IP_PROTO_ICMP ? "1" : "");
    if (p->protocol == WS_IP_PROTO_TCP) {
      g_assert_cmpuint(g_ascii_strtoull(f[8], NULL, 10), ==, p->tcp_seq);
      /* Wireshark shows no ack number without the ACK flag. */
      if (p->tcp_flags & WS_TCP_ACK) g_assert_cmpuint(g_ascii_strtoull(f[9], NULL, 10), ==, p->tcp_ack);
      if (p->tcp_n_sack) {
        g_assert_cmpuint(g_ascii_strtoull(f[10], NULL, 10), ==, p->tcp_sack[0].left);
        g_assert_cmpuint(g_ascii_strtoull(f[11], NULL, 10), ==, p->tcp_sack[0].right);
      } else {
        g_assert_cmpstr(f[10], ==, "");
      }
      if (p->tcp_mss) g_assert_cmpuint(g_ascii_strtoull(f[12], NULL, 10), ==, p->tcp_mss);
      if (p->tcp_wscale != WS_TCP_NO_WSCALE)
        g_assert_cmpuint(g_ascii_strtoull(f[13], NULL, 10), ==, p->tcp_wscale);
      g_assert_cmpuint(g_ascii_strtoull(f[14], NULL, 10), ==, p->tcp_tsval);
    }
    g_assert_cmpstr(f[15], ==, "");
    /* Expert infos of this clean session are chats and notes (SYN, window
     * update), never a warning (0x600000) or an error (0x800000). */
    char **sev = g_strsplit(f[16], ",", -1);
    for (char **v = sev; *v; v++)
      if (**v) g_assert_cmpuint(g_ascii_strtoull(*v, NULL, 10), <, 0x600000);
    g_strfreev(sev);
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(out);
  g_free(path);

  /* Headers only (the default snaplen): every packet decodes, none is
   * malformed, the TCP numbers are the same. */
  path = write_session(dir, 0, pk, t);
  const char *const short_fields[] = {"-o", "tcp.relative_sequence_numbers:FALSE",
                                      "-T", "fields", "-E", "separator=;",
                                      "-e", "ip.len", "-e", "tcp.seq", "-e", "tcp.ack",
                                      "-e", "_ws.malformed", "-e", "_ws.expert.severity", NULL};
  out = tshark(path, short_fields);
  lines = g_strsplit(g_strchomp(out), "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, N_SESSION);
  for (unsigned i = 0; i < N_SESSION; i++) {
    g_test_message("tshark, snaplen %u: %s", WS_TRACE_DEFAULT_SNAPLEN, lines[i]);
    char **f = g_strsplit(lines[i], ";", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 5);
    g_assert_cmpuint(g_ascii_strtoull(f[0], NULL, 10), ==, pk[i].ip_bytes);
    if (pk[i].protocol == WS_IP_PROTO_TCP)
      g_assert_cmpuint(g_ascii_strtoull(f[1], NULL, 10), ==, pk[i].tcp_seq);
    g_assert_cmpstr(f[3], ==, "");
    char **sev = g_strsplit(f[4], ",", -1);
    for (char **v = sev; *v; v++)
      if (**v) g_assert_cmpuint(g_ascii_strtoull(*v, NULL, 10), <, 0x600000);
    g_strfreev(sev);
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(out);
  g_free(path);
  rm_tree(dir);
  g_free(dir);
}

/* ---- ascii --------------------------------------------------------------------- */

/* alice - core - bob: links ab (alice, core) and cb (core, bob), and the
 * groups clients/0, clients/1 behind links up/0, up/1 (member first). */
typedef struct {
  ws_sim *sim;
  ws_packet_pool *pool;
  ws_net *net;
  ws_node *alice, *core, *bob, *c0, *c1;
  ws_link *ab, *cb, *up0, *up1;
} network;

static void net_init(network *n) {
  memset(n, 0, sizeof *n);
  n->sim = ws_sim_new();
  n->pool = ws_packet_pool_new();
  n->net = ws_net_new(n->sim, n->pool);
  n->alice = ws_net_add_node(n->net, "alice", WS_NODE_HOST);
  n->core = ws_net_add_node(n->net, "core", WS_NODE_ROUTER);
  n->bob = ws_net_add_node(n->net, "bob", WS_NODE_HOST);
  n->c0 = ws_net_add_node(n->net, "clients/0", WS_NODE_HOST);
  n->c1 = ws_net_add_node(n->net, "clients/1", WS_NODE_HOST);
  ws_link_config cfg = {.rate_bps = 10000000, .delay_ns = WS_MS, .mtu_bytes = 1500,
                        .queue = {.discipline = "droptail", .limit = 100}};
  n->ab = ws_net_add_link(n->net, "ab", n->alice, n->core, &cfg, 1, 0);
  n->cb = ws_net_add_link(n->net, "cb", n->core, n->bob, &cfg, 1, 0);
  n->up0 = ws_net_add_link(n->net, "up/0", n->c0, n->core, &cfg, 1, 0);
  n->up1 = ws_net_add_link(n->net, "up/1", n->c1, n->core, &cfg, 1, 0);
  g_assert_nonnull(n->up1);
  ws_net_build_routes(n->net);
}

static void net_clear(network *n) {
  ws_net_free(n->net);
  ws_packet_pool_free(n->pool);
  ws_sim_free(n->sim);
}

static char *read_text(const char *path) {
  char *text = NULL;
  GError *error = NULL;
  g_file_get_contents(path, &text, NULL, &error);
  g_assert_no_error(error);
  return text;
}

/* Every kind of line, byte for byte as docs/traces.md describes them. */
static void test_ascii(void) {
  network n;
  net_init(&n);
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "trace.txt", NULL);
  const char *const flows[] = {"video", "bulk"};
  GError *error = NULL;
  ws_ascii *a = ws_ascii_open(path, flows, 2, &error);
  g_assert_no_error(error);

  ws_packet udp = udp_packet(1200);
  udp.id = 41;
  ws_tap_event ev = {.kind = WS_TAP_ENQUEUE, .time_ns = 1500000000, .node = n.alice,
                     .link = n.ab, .dir = 0, .packet = &udp};
  ws_ascii_write(a, &ev);
  ev.kind = WS_TAP_DEQUEUE, ev.time_ns += 1;
  ws_ascii_write(a, &ev);
  ev.kind = WS_TAP_RECEIVE, ev.time_ns = 2 * WS_S + 123, ev.node = n.core;
  ws_ascii_write(a, &ev);
  ev.kind = WS_TAP_DROP, ev.node = n.core, ev.link = n.cb, ev.dir = 0,
  ev.reason = WS_DROP_QUEUE;
  ws_ascii_write(a, &ev);

  ws_packet tcp = tcp_packet(0, 0);
  tcp.id = 42;
  tcp.flow = 1;
  tcp.tcp_seq = 4294967295u, tcp.tcp_ack = 17;
  tcp.tcp_flags = WS_TCP_SYN | WS_TCP_ACK | WS_TCP_ECE | WS_TCP_CWR;
  tcp.ecn = WS_ECN_CE;
  ev = (ws_tap_event){.kind = WS_TAP_DROP, .time_ns = 0, .node = n.core, .link = NULL,
                      .packet = &tcp, .reason = WS_DROP_NO_ROUTE};
  ws_ascii_write(a, &ev);
  tcp.flow = 9, tcp.tcp_flags = 0, tcp.ecn = WS_ECN_ECT0;
  ev.kind = WS_TAP_RECEIVE, ev.node = n.c1, ev.link = n.up1, ev.dir = 1,
  ev.time_ns = 12 * WS_S + 5;
  ws_ascii_write(a, &ev);

  ws_packet ping = udp_packet(56);
  ping.id = 43;
  ping.flow = WS_PACKET_NO_FLOW;
  ping.protocol = WS_IP_PROTO_ICMP;
  ping.icmp_type = WS_ICMP_ECHO_REPLY;
  ping.icmp_seq = 3;
  ping.ip_bytes = 84;
  ev = (ws_tap_event){.kind = WS_TAP_DEQUEUE, .time_ns = 3 * WS_S, .node = n.core,
                      .link = n.ab, .dir = 1, .packet = &ping};
  ws_ascii_write(a, &ev);
  ping.icmp_type = 11;
  ping.ecn = WS_ECN_ECT1;
  ws_ascii_write(a, &ev);
  g_assert_cmpuint(ws_ascii_lines(a), ==, 8);
  g_assert_true(ws_ascii_commit(a, &error));
  g_assert_no_error(error);

  char *text = read_text(path);
  g_assert_cmpstr(
      text, ==,
      "+ 1.500000000 alice ab alice>core 41 1228 udp video 10.0.0.1:49152 10.0.1.2:5001 7 - - - -\n"
      "- 1.500000001 alice ab alice>core 41 1228 udp video 10.0.0.1:49152 10.0.1.2:5001 7 - - - -\n"
      "r 2.000000123 core ab alice>core 41 1228 udp video 10.0.0.1:49152 10.0.1.2:5001 7 - - - -\n"
      "d 2.000000123 core cb core>bob 41 1228 udp video 10.0.0.1:49152 10.0.1.2:5001 7 - - - queue\n"
      "d 0.000000000 core - - 42 40 tcp bulk 10.0.0.1:40000 10.0.1.2:80 4294967295 17 SEW. ce no-route\n"
      "r 12.000000005 clients/1 up/1 core>clients/1 42 40 tcp 9 10.0.0.1:40000 10.0.1.2:80 4294967295 17 - ect0 -\n"
      "- 3.000000000 core ab core>alice 43 84 icmp - 10.0.0.1 10.0.1.2 3 - echo-reply - -\n"
      "- 3.000000000 core ab core>alice 43 84 icmp - 10.0.0.1 10.0.1.2 3 - type-11 ect1 -\n");
  g_free(text);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  net_clear(&n);
}

/* ---- the set of traces of a network ------------------------------------------------ */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir joined by ' '. */
static char *listing(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return g_strdup("(none)");
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) g_ptr_array_add(names, g_strdup(name));
  g_dir_close(d);
  g_ptr_array_sort(names, cmp_names);
  g_ptr_array_add(names, NULL);
  char *s = g_strjoinv(" ", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return s;
}

/* Packets in a pcap file, and their ids (IP id = packet id here). */
static unsigned pcap_count(const char *dir, const char *file, unsigned *ids) {
  char *path = g_build_filename(dir, "pcap", file, NULL);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *r = pcap_open_offline(path, errbuf);
  if (!r) g_error("%s: %s", path, errbuf);
  struct pcap_pkthdr *h;
  const u_char *data;
  unsigned n = 0;
  while (pcap_next_ex(r, &h, &data) == 1) {
    if (ids) ids[n] = (unsigned)(data[4] << 8 | data[5]);
    n++;
  }
  pcap_close(r);
  g_free(path);
  return n;
}

/* A node's file holds what it sends (DEQUEUE) and receives (RECEIVE) on
 * all its links; a link end's file the same on that link; enqueues and
 * drops are in no pcap; a group name means every member; stale files of an
 * earlier run are removed. */
static void test_set(void) {
  network n;
  net_init(&n);
  char *dir = tmp_dir();
  char *pcap_dir = g_build_filename(dir, "pcap", NULL);
  g_mkdir(pcap_dir, 0755);
  char *stale = g_build_filename(pcap_dir, "old.pcap", NULL);
  char *keep = g_build_filename(pcap_dir, "notes.txt", NULL);
  g_file_set_contents(stale, "x", 1, NULL);
  g_file_set_contents(keep, "x", 1, NULL);

  const char *const targets[] = {"clients", "ab", "bob", NULL};
  const char *const flows[] = {"f"};
  ws_trace_config cfg = {.pcap = targets, .ascii = true, .flow_names = flows, .n_flows = 1};
  GError *error = NULL;
  ws_trace *t = ws_trace_new(n.net, dir, &cfg, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(ws_trace_n_pcap(t), ==, 5);

  ws_packet p = udp_packet(100);
  struct {
    ws_tap_kind kind;
    ws_node *node;
    ws_link *link;
    unsigned dir;
  } evs[] = {
      {WS_TAP_ENQUEUE, n.alice, n.ab, 0},  /* 1: ascii only */
      {WS_TAP_DEQUEUE, n.alice, n.ab, 0},  /* 2: ab.alice */
      {WS_TAP_RECEIVE, n.core, n.ab, 0},   /* 3: ab.core */
      {WS_TAP_DEQUEUE, n.core, n.cb, 0},   /* 4: bob does not send it */
      {WS_TAP_DROP, n.core, n.cb, 0},      /* 5: ascii only */
      {WS_TAP_RECEIVE, n.bob, n.cb, 0},    /* 6: bob */
      {WS_TAP_DEQUEUE, n.bob, n.cb, 1},    /* 7: bob */
      {WS_TAP_RECEIVE, n.core, n.cb, 1},   /* 8: none */
      {WS_TAP_DEQUEUE, n.core, n.up1, 1},  /* 9: none */
      {WS_TAP_RECEIVE, n.c1, n.up1, 1},    /* 10: clients.1 */
      {WS_TAP_DEQUEUE, n.c0, n.up0, 0},    /* 11: clients.0 */
      {WS_TAP_DEQUEUE, n.core, n.ab, 1},   /* 12: ab.core */
      {WS_TAP_RECEIVE, n.alice, n.ab, 1},  /* 13: ab.alice */
      {WS_TAP_DROP, n.core, NULL, 0},      /* 14: ascii only */
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(evs); i++) {
    p.id = i + 1;
    ws_tap_event ev = {.kind = evs[i].kind, .time_ns = (ws_time)i * WS_MS, .node = evs[i].node,
                       .link = evs[i].link, .dir = evs[i].dir, .packet = &p,
                       .reason = WS_DROP_QUEUE};
    ws_trace_tap(t, &ev);
  }
  g_assert_true(ws_trace_commit(t, &error));
  g_assert_no_error(error);
  /* After commit (the network being freed, say) events are ignored. */
  ws_tap_event late = {.kind = WS_TAP_DEQUEUE, .node = n.alice, .link = n.ab, .packet = &p};
  ws_trace_tap(t, &late);
  ws_trace_free(t);

  char *top = listing(dir), *files = listing(pcap_dir);
  g_assert_cmpstr(top, ==, "pcap trace.txt");
  g_assert_cmpstr(files, ==, "ab.alice.pcap ab.core.pcap bob.pcap clients.0.pcap clients.1.pcap notes.txt");
  g_free(top);
  g_free(files);
  unsigned ids[16];
  g_assert_cmpuint(pcap_count(dir, "ab.alice.pcap", ids), ==, 2);
  g_assert_cmpuint(ids[0], ==, 2);
  g_assert_cmpuint(ids[1], ==, 13);
  g_assert_cmpuint(pcap_count(dir, "ab.core.pcap", ids), ==, 2);
  g_assert_cmpuint(ids[0], ==, 3);
  g_assert_cmpuint(ids[1], ==, 12);
  g_assert_cmpuint(pcap_count(dir, "bob.pcap", ids), ==, 2);
  g_assert_cmpuint(ids[0], ==, 6);
  g_assert_cmpuint(ids[1], ==, 7);
  g_assert_cmpuint(pcap_count(dir, "clients.0.pcap", ids), ==, 1);
  g_assert_cmpuint(ids[0], ==, 11);
  g_assert_cmpuint(pcap_count(dir, "clients.1.pcap", ids), ==, 1);
  g_assert_cmpuint(ids[0], ==, 10);
  char *trace_path = g_build_filename(dir, "trace.txt", NULL);
  char *text = read_text(trace_path);
  char **lines = g_strsplit(g_strchomp(text), "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, G_N_ELEMENTS(evs));
  g_assert_true(g_str_has_prefix(lines[13], "d 0.013000000 core - - 14 128 udp f "));
  g_strfreev(lines);
  g_free(text);

  /* pcap = all: one file per node. Then nothing at all: the stale pcap
   * files and trace.txt go, the folder stays for the file that is not ours. */
  cfg = (ws_trace_config){.pcap_all = true};
  t = ws_trace_new(n.net, dir, &cfg, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(ws_trace_n_pcap(t), ==, 5);
  g_assert_true(ws_trace_commit(t, &error));
  ws_trace_free(t);
  files = listing(pcap_dir);
  g_assert_cmpstr(files, ==, "alice.pcap bob.pcap clients.0.pcap clients.1.pcap core.pcap notes.txt");
  g_free(files);
  g_assert_false(g_file_test(trace_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint(pcap_count(dir, "core.pcap", NULL), ==, 0);

  cfg = (ws_trace_config){0};
  t = ws_trace_new(n.net, dir, &cfg, &error);
  g_assert_cmpuint(ws_trace_n_pcap(t), ==, 0);
  g_assert_true(ws_trace_commit(t, &error));
  ws_trace_free(t);
  files = listing(pcap_dir);
  g_assert_cmpstr(files, ==, "notes.txt");
  g_free(files);
  g_unlink(keep);
  t = ws_trace_new(n.net, dir, &cfg, &error);
  g_assert_true(ws_trace_commit(t, &error));
  ws_trace_free(t);
  g_assert_false(g_file_test(pcap_dir, G_FILE_TEST_EXISTS));

  g_free(trace_path);
  g_free(stale);
  g_free(keep);
  g_free(pcap_dir);
  rm_tree(dir);
  g_free(dir);
  net_clear(&n);
}

/* A name that is no node or link is an error, and nothing is created; a
 * trace freed without commit leaves no temporary. */
static void test_set_errors(void) {
  network n;
  net_init(&n);
  char *dir = tmp_dir();
  const char *const bad[] = {"alice", "clients/7", NULL};
  ws_trace_config cfg = {.pcap = bad};
  GError *error = NULL;
  g_assert_null(ws_trace_new(n.net, dir, &cfg, &error));
  g_assert_nonnull(error);
  g_assert_nonnull(strstr(error->message, "\"clients/7\""));
  g_clear_error(&error);
  /* "client" is not a group of "clients/0": names match whole. */
  const char *const prefix[] = {"client", NULL};
  cfg.pcap = prefix;
  g_assert_null(ws_trace_new(n.net, dir, &cfg, &error));
  g_clear_error(&error);
  char *files = listing(dir);
  g_assert_cmpstr(files, ==, "");
  g_free(files);

  const char *const good[] = {"up/1", NULL};
  cfg = (ws_trace_config){.pcap = good, .ascii = true};
  ws_trace *t = ws_trace_new(n.net, dir, &cfg, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(ws_trace_n_pcap(t), ==, 2);
  ws_trace_free(t);
  char *pcap_dir = g_build_filename(dir, "pcap", NULL);
  files = listing(pcap_dir);
  g_assert_cmpstr(files, ==, "");
  g_free(files);
  g_free(pcap_dir);
  rm_tree(dir);
  g_free(dir);
  net_clear(&n);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/trace/checksum", test_checksum);
  g_test_add_func("/trace/ipv4-known", test_ipv4_known);
  g_test_add_func("/trace/ipv4-fields", test_ipv4_fields);
  g_test_add_func("/trace/udp", test_udp);
  g_test_add_func("/trace/tcp-syn", test_tcp_syn);
  g_test_add_func("/trace/tcp-sack", test_tcp_sack);
  g_test_add_func("/trace/tcp-fit", test_tcp_fit);
  g_test_add_func("/trace/icmp", test_icmp);
  g_test_add_func("/trace/headers-too-short", test_headers_too_short);
  g_test_add_func("/trace/pcap-readback", test_pcap_readback);
  g_test_add_func("/trace/pcap-abort", test_pcap_abort);
  g_test_add_func("/trace/tshark", test_tshark);
  g_test_add_func("/trace/ascii", test_ascii);
  g_test_add_func("/trace/set", test_set);
  g_test_add_func("/trace/set-errors", test_set_errors);
  return g_test_run();
}
