/* wisim TCP: one endpoint of a connection over the simulated IP layer, with
 * the RFCs a protocol experiment expects (793/9293, 1122, 5681, 6298, 6582,
 * 2018/6675, 8985, 6937, 7323, 3168, 6928) and congestion control as a small interface,
 * so that a new algorithm is one file (sim/net/tcp-<name>.c) plus one line
 * in the registry. Application bytes are counted, not stored. */
#ifndef WISIM_TCP_H
#define WISIM_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "wisim/core.h"
#include "wisim/net.h"
#include "wisim/packet.h"

/* ---- congestion control ---------------------------------------------------- */

/* What the connection shows a congestion control, and what it may change:
 * cwnd and ssthresh (bytes). Everything else is read-only. */
typedef struct {
  uint32_t cwnd;            /* congestion window, bytes (the algorithm sets it) */
  uint32_t ssthresh;        /* slow-start threshold, bytes (the algorithm sets it) */
  uint32_t mss;             /* sender maximum segment size, bytes (payload) */
  uint32_t bytes_in_flight; /* RFC 6675 pipe, or snd_nxt - snd_una without SACK */
  ws_time now;
  ws_time srtt_ns;          /* 0 before the first sample */
  ws_time min_rtt_ns;       /* smallest RTT sample so far, 0 before the first */
  bool in_recovery;         /* in fast recovery (RFC 6582 / 6675) */
  uint32_t flight_size;     /* RFC 5681 FlightSize: snd_nxt - snd_una, at most
                               cwnd (3.2: data sent on duplicate ACKs does not
                               count), bytes: the base of ssthresh in
                               on_loss/on_rto. 0 = not filled: the
                               algorithms then use bytes_in_flight */
} ws_tcp_cc_view;

/* A congestion control algorithm. state is state_size bytes, zeroed, owned
 * by the connection. Hooks may be NULL when the algorithm has nothing to do. */
typedef struct {
  const char *name;  /* as written in a scenario: "newreno", "cubic" */
  size_t state_size;
  /* The connection starts (after the handshake): set the initial cwnd and
   * ssthresh are already set by the connection (RFC 6928 IW, ssthresh
   * infinite); the algorithm may adjust them. */
  void (*init)(void *state, ws_tcp_cc_view *v);
  /* New data acknowledged outside recovery: acked bytes newly covered by
   * the cumulative ACK; rtt_ns the sample of this ACK or -1. Grows cwnd
   * (slow start, congestion avoidance). */
  void (*on_ack)(void *state, ws_tcp_cc_view *v, uint32_t acked, ws_time rtt_ns);
  /* A loss detected by duplicate ACKs/SACK/RACK (entering fast recovery),
   * an ECN echo (RFC 3168 6.1.2), or a loss a tail loss probe repaired
   * (RFC 8985 7.4, followed at once by on_recovery_end): set ssthresh and
   * cwnd. At most once per window of data. */
  void (*on_loss)(void *state, ws_tcp_cc_view *v);
  /* Fast recovery ends (the recovery point is acknowledged). */
  void (*on_recovery_end)(void *state, ws_tcp_cc_view *v);
  /* The retransmission timer expired (RFC 5681 eq. 4 for ssthresh; cwnd to
   * the loss window, one segment). v->in_recovery: inside a fast recovery,
   * whose ssthresh the endpoint keeps (the episode was reduced once). */
  void (*on_rto)(void *state, ws_tcp_cc_view *v);
} ws_tcp_cc_ops;

/* The algorithm registered under name, or NULL. */
const ws_tcp_cc_ops *ws_tcp_cc_find(const char *name);
/* Names of the algorithms of this build, NULL-terminated, static. */
const char *const *ws_tcp_cc_names(void);

/* Helpers for algorithms (sim/net/tcp-cc.c). Reno slow start: RFC 5681
 * eq. 2 with RFC 3465 appropriate byte counting, L = 2: cwnd += min(acked,
 * 2 SMSS), never past ssthresh (requires cwnd < ssthresh). Returns the acked
 * bytes left over once cwnd reached ssthresh (they belong to congestion
 * avoidance), 0 while still in slow start. */
uint32_t ws_tcp_cc_slow_start(ws_tcp_cc_view *v, uint32_t acked);
/* RFC 5681 FlightSize: v->flight_size, or v->bytes_in_flight when the
 * connection leaves flight_size 0. */
uint32_t ws_tcp_cc_flight_size(const ws_tcp_cc_view *v);

/* HyStart++ (RFC 9406): slow start that leaves early, into Conservative
 * Slow Start (growth / 4), when the round's minimum RTT rises by
 * clamp(RTT / 8, 4 ms, 16 ms), and into congestion avoidance (ssthresh =
 * cwnd) after 5 rounds of it, so that the first slow start does not
 * overshoot the path by a factor of 2. Embed one in an algorithm's state
 * (zero = ready); only the first slow start uses it (RFC 9406 4.3). */
typedef struct {
  uint64_t acked_bytes;          /* bytes acknowledged through it so far */
  uint64_t window_end;           /* acked_bytes at which the current round ends */
  ws_time last_round_min_rtt_ns; /* 0 = none (infinity in RFC 9406) */
  ws_time round_min_rtt_ns;      /* 0 = none */
  ws_time css_baseline_ns;       /* 0 = none */
  uint32_t rtt_samples;          /* in the current round */
  uint32_t css_rounds;           /* rounds completed in CSS */
  uint8_t phase;                 /* 0 slow start, 1 CSS, 2 done */
} ws_tcp_hystart;
/* Slow start through HyStart++ while h is not done (else as
 * ws_tcp_cc_slow_start); same precondition and return value. rtt_ns is the
 * ACK's RTT sample or -1. */
uint32_t ws_tcp_hystart_slow_start(ws_tcp_hystart *h, ws_tcp_cc_view *v, uint32_t acked,
                                   ws_time rtt_ns);
/* A loss, an ECN echo or an RTO: HyStart++ is over for this connection. */
void ws_tcp_hystart_stop(ws_tcp_hystart *h);

/* ---- the endpoint ---------------------------------------------------------- */

/* Options of one endpoint (both ends of a flow are made from the same). */
typedef struct {
  const char *congestion;        /* registered name: "cubic" (default), "newreno" */
  bool sack;                     /* offer/accept SACK (RFC 2018), recovery by RFC 6675 */
  bool delayed_ack;              /* RFC 1122 4.2.3.2 / RFC 5681 4.2: ACK every
                                    second full segment, or after the timeout */
  ws_time delayed_ack_timeout_ns;/* 200 ms (ns-3's and the common default) */
  bool timestamps;               /* RFC 7323 timestamps (RTTM, PAWS) */
  bool window_scaling;           /* RFC 7323 window scale */
  bool ecn;                      /* request ECN (RFC 3168): segments sent ECT(0) */
  uint32_t send_buffer_bytes;    /* most unacknowledged + unsent bytes held */
  uint32_t recv_buffer_bytes;    /* advertised window = free receive buffer */
  uint32_t initial_cwnd_segments;/* RFC 6928: 10 */
  ws_time min_rto_ns;            /* RFC 6298 2.4: 1 s */
  ws_time initial_rto_ns;        /* RFC 6298 2.1: 1 s */
  ws_time max_rto_ns;            /* RFC 6298 2.5: at least 60 s */
  uint32_t flow;                 /* written in every packet's flow field */
  /* Added by sim/net/tcp.c (defaults 0/NULL): */
  const ws_tcp_cc_ops *cc_ops;   /* when set, used instead of looking up
                                    `congestion` (tests, plugins); borrowed */
  uint32_t initial_seq;          /* ISN (RFC 9293 3.4.1 wants it random; a fixed
                                    0 keeps traces readable; tests use one near
                                    2^32 to cross the wrap-around) */
  bool rack;                     /* RACK-TLP loss detection (RFC 8985) and
                                    proportional rate reduction (RFC 6937) on
                                    SACK connections; default on, as Linux.
                                    Off: RFC 6675 DupThresh recovery alone */
} ws_tcp_config;

/* Fills cfg with the defaults above (cubic, SACK, RACK-TLP, delayed ACKs,
 * timestamps, window scaling on, ECN off, 4 MiB buffers). */
void ws_tcp_config_default(ws_tcp_config *cfg);

typedef struct ws_tcp ws_tcp;

/* What the application hears. Every callback may be NULL. */
typedef struct {
  void (*connected)(ws_tcp *tcp, void *ctx);               /* ESTABLISHED */
  void (*received)(ws_tcp *tcp, uint64_t bytes, void *ctx);/* in-order bytes delivered */
  void (*acked)(ws_tcp *tcp, uint64_t bytes, void *ctx);   /* bytes acknowledged: send
                                                              buffer space freed */
  void (*closed)(ws_tcp *tcp, void *ctx);                  /* both FINs acknowledged, or reset */
  void (*peer_closed)(ws_tcp *tcp, void *ctx);             /* the peer's FIN arrived after
                                                              all its data: call
                                                              ws_tcp_close to finish */
} ws_tcp_callbacks;

/* What a connection has done, for metrics and time series. */
typedef struct {
  uint32_t cwnd, ssthresh;   /* bytes */
  uint32_t bytes_in_flight;
  ws_time srtt_ns, rttvar_ns, rto_ns;
  uint32_t mss;
  uint64_t bytes_sent;       /* payload bytes put on the wire, retransmissions included */
  uint64_t bytes_acked;      /* payload bytes cumulatively acknowledged */
  uint64_t bytes_delivered;  /* payload bytes delivered in order to the application */
  uint64_t segments_sent;    /* data segments, retransmissions included */
  uint64_t retransmissions;  /* data segments retransmitted */
  uint64_t fast_retransmits; /* recoveries entered on duplicate ACKs / SACK */
  uint64_t rto_count;        /* retransmission timeouts */
  uint64_t ecn_echoes;       /* congestion responses to ECE */
  uint64_t tlp_probes;       /* tail loss probes sent (RFC 8985 7.3) */
  uint64_t lost_retransmits; /* retransmissions RACK found lost again (RFC 8985 6.2) */
} ws_tcp_info;

/* A new endpoint at node n, local port (bound at once), with cfg copied and
 * callbacks/ctx borrowed. Returns NULL when the port is taken. Free with
 * ws_tcp_free (before the network; not from inside its own callbacks). */
ws_tcp *ws_tcp_new(ws_net *net, ws_node *n, uint16_t port, const ws_tcp_config *cfg,
                   const ws_tcp_callbacks *cb, void *ctx);
void ws_tcp_free(ws_tcp *tcp);

/* Passive open: accept the first SYN that arrives (one connection per
 * endpoint). */
void ws_tcp_listen(ws_tcp *tcp);
/* Active open towards (addr, port): sends the SYN now. */
void ws_tcp_connect(ws_tcp *tcp, uint32_t remote_addr, uint16_t remote_port);
/* Hands up to bytes application bytes to the send buffer (before or after
 * the handshake). Returns how many were accepted (send buffer space). */
uint64_t ws_tcp_send(ws_tcp *tcp, uint64_t bytes);
/* Free send-buffer space, bytes. */
uint64_t ws_tcp_send_space(const ws_tcp *tcp);
/* Sends FIN after the buffered data. */
void ws_tcp_close(ws_tcp *tcp);
bool ws_tcp_is_established(const ws_tcp *tcp);
const ws_tcp_info *ws_tcp_get_info(const ws_tcp *tcp);

/* Segment input: what the port binding calls; takes ownership of p. Public
 * so that a test can bind the port itself and drop, delay or CE-mark
 * segments before handing them on. */
void ws_tcp_input(ws_tcp *tcp, ws_packet *p);
/* RFC 9293 state name ("LISTEN", "ESTABLISHED", "TIME-WAIT", ...). */
const char *ws_tcp_state_name(const ws_tcp *tcp);
/* The node and local port of the endpoint. */
ws_node *ws_tcp_node(const ws_tcp *tcp);
uint16_t ws_tcp_port(const ws_tcp *tcp);

#endif
