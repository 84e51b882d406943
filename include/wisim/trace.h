/* wisim traces: observers attached to the network's tap points from outside
 * (the command line), never called by a model. pcap files through libpcap
 * with real IPv4/UDP/TCP/ICMP headers (zero payload, snaplen-truncated) and
 * an ns-2 style ascii event trace. Formats and file names: docs/traces.md. */
#ifndef WISIM_TRACE_H
#define WISIM_TRACE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/metrics.h"
#include "wisim/net.h"
#include "wisim/packet.h"

/* ---- header serialisation (sim/trace/pcap.c) ------------------------------- */

/* Largest header block written: IPv4 without options (20 B) + TCP with 40 B
 * of options (60 B). */
#define WS_TRACE_MAX_HEADER_BYTES 80u
/* Bytes of each packet a pcap file keeps by default: every header in full
 * (at most 80 B), the start of the (all-zero) payload. */
#define WS_TRACE_DEFAULT_SNAPLEN 128u
/* The pcap link type: raw IPv4, no link-layer header (LINKTYPE_IPV4, 228). */
#define WS_TRACE_LINKTYPE_IPV4 228

/* The Internet checksum (RFC 1071): the one's complement of the one's
 * complement sum of data as big-endian 16-bit words (an odd last byte padded
 * with a zero), folded with the partial sum `sum` of earlier words (0 to
 * start). Returns the 16-bit checksum in host order. */
uint16_t ws_trace_checksum(const void *data, size_t len, uint32_t sum);

/* Bytes of TCP options that the packet's option fields take in the layout
 * the writer uses (Linux's order: MSS, SACK-permitted with timestamps or
 * NOP NOP SACK-permitted, timestamps, NOP + window scale, NOP NOP + SACK
 * blocks), padded to a multiple of 4. A TCP endpoint may set
 * tcp_options_bytes from it so that traces show exactly its options. */
unsigned ws_trace_tcp_options_bytes(const ws_packet *p);

/* Writes p's IPv4 header and its transport header (UDP, TCP with options,
 * ICMP echo; none for another protocol) into buf, in network byte order,
 * with correct checksums over a zero payload of the length ip_bytes implies
 * (RFC 791 header checksum; UDP and TCP over the pseudo-header, RFC 768 and
 * RFC 793; ICMP over the message, RFC 792). The IP id is the low 16 bits of
 * the packet id; DF is set (wisim never fragments). TCP options that do not
 * fit tcp_options_bytes are left out (SACK blocks first) and the rest padded
 * with end-of-options bytes. Returns the header bytes written (<=
 * WS_TRACE_MAX_HEADER_BYTES), or 0 when ip_bytes is smaller than the
 * headers (a programmer error, reported with g_critical). */
size_t ws_trace_headers(const ws_packet *p, uint8_t buf[WS_TRACE_MAX_HEADER_BYTES]);

/* ---- one pcap file (sim/trace/pcap.c) ---------------------------------------- */

/* A pcap file (nanosecond timestamps, link type raw IPv4) written under a
 * temporary name in its folder and renamed into place by commit. Opaque. */
typedef struct ws_pcap ws_pcap;

/* Creates PATH.tmp-XXXXXX (the folder must exist) and writes the pcap file
 * header with snaplen (0: WS_TRACE_DEFAULT_SNAPLEN; at least
 * WS_TRACE_MAX_HEADER_BYTES, so that no header is ever cut). NULL with
 * error (G_FILE_ERROR) when it cannot. Finish with ws_pcap_commit or
 * ws_pcap_abort. */
ws_pcap *ws_pcap_open(const char *path, uint32_t snaplen, GError **error);
/* Appends p as seen at time t (>= 0): caplen = min(snaplen, ip_bytes) bytes
 * (headers, then zeros), len = ip_bytes. p is borrowed. */
void ws_pcap_write(ws_pcap *w, ws_time t, const ws_packet *p);
/* Packets written so far. */
uint64_t ws_pcap_packets(const ws_pcap *w);
/* Flushes, closes and renames into place; frees w. False (and error) on an
 * I/O failure, in which case the temporary is removed. */
bool ws_pcap_commit(ws_pcap *w, GError **error);
/* Closes and removes the temporary; frees w (NULL is a no-op). */
void ws_pcap_abort(ws_pcap *w);

/* ---- the ascii event trace (sim/trace/ascii.c) ------------------------------- */

/* One line per tap event, columns of docs/traces.md. Opaque. */
typedef struct ws_ascii ws_ascii;

/* Creates PATH.tmp-XXXXXX (the folder must exist) for an ascii trace of the
 * events of a network whose flows are named flow_names[0..n_flows-1]
 * (borrowed; they must outlive the trace; a packet of another flow index is
 * written with its number). NULL with error when it cannot. */
ws_ascii *ws_ascii_open(const char *path, const char *const *flow_names, unsigned n_flows,
                        GError **error);
/* Appends the line of ev (buffered: nothing is flushed per line). */
void ws_ascii_write(ws_ascii *a, const ws_tap_event *ev);
/* Appends the `h` line of a handover, radio link failure or
 * re-establishment (docs/traces.md). */
void ws_ascii_write_handover(ws_ascii *a, const ws_handover_row *r);
/* Lines written so far. */
uint64_t ws_ascii_lines(const ws_ascii *a);
/* As ws_pcap_commit / ws_pcap_abort. */
bool ws_ascii_commit(ws_ascii *a, GError **error);
void ws_ascii_abort(ws_ascii *a);

/* ---- the traces of a run (sim/trace/trace.c) --------------------------------- */

/* What a [trace] group asks for. */
typedef struct {
  bool pcap_all;                 /* a pcap file for every node */
  const char *const *pcap;       /* NULL-terminated names, or NULL: a node
                                    ("alice", "clients/3"), a link ("ab",
                                    "uplink/2") or a group's NAME (every
                                    member: "clients" for clients/0..) */
  bool ascii;                    /* write trace.txt */
  uint32_t snaplen;              /* 0: WS_TRACE_DEFAULT_SNAPLEN */
  const char *const *flow_names; /* for the ascii trace: the array is copied,
                                    the names are borrowed (they must
                                    outlive the trace) */
  unsigned n_flows;
} ws_trace_config;

/* Every trace file of a run. Opaque. */
typedef struct ws_trace ws_trace;

/* Opens the trace files of cfg for the nodes and links of net (borrowed; it
 * must outlive the trace) in the results folder dir (which must exist):
 * dir/pcap/NODE.pcap for each traced node (every packet the node starts
 * sending on any of its links, and every packet it receives from one),
 * dir/pcap/LINK.NODE.pcap for each end of a traced link (the same, on that
 * link only), `/` in names written `.`; dir/trace.txt for the ascii trace.
 * A name that matches no node or link is an error (the loader checks
 * scenarios; this catches other callers). NULL with error when a file
 * cannot be created. Attach with ws_net_add_tap(net, ws_trace_tap, trace);
 * finish with ws_trace_commit (the files are complete), then ws_trace_free. */
ws_trace *ws_trace_new(const ws_net *net, const char *dir, const ws_trace_config *cfg,
                       GError **error);
/* The tap observer (a ws_tap_fn): ctx is the ws_trace. */
void ws_trace_tap(void *ctx, const ws_tap_event *ev);
/* The ascii trace's line for a handover event (a ws_world_handover_fn:
 * ctx is the ws_trace); nothing without the ascii trace. */
void ws_trace_handover(void *ctx, const ws_handover_row *row);
/* pcap files open (0 when none is asked for). */
unsigned ws_trace_n_pcap(const ws_trace *t);
/* Commits every file, removes the *.pcap files in dir/pcap that this run
 * did not write and dir/trace.txt when the ascii trace is off (stale ones
 * from an earlier run would mislead). False with error on the first I/O
 * failure (the other files are still committed or removed). t stays valid,
 * its tap ignoring later events (e.g. drops while the network is freed),
 * until ws_trace_free. */
bool ws_trace_commit(ws_trace *t, GError **error);
/* Removes every temporary not committed yet and frees t (NULL is a no-op).
 * Free it after the network it is attached to. */
void ws_trace_free(ws_trace *t);

#endif
