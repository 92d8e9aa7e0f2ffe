/* TCP internals shared by the connection machinery (tcp.c) and the
 * congestion-control modules (tcp-newreno.c, tcp-cubic.c, tcp-dctcp.c).
 *
 * A connection is one flow: the sender on the flow's source host, the
 * receiver on its destination.  Both ends live in one `struct tcp_conn`
 * because the simulator owns both; they share nothing but the packets
 * between them.  Sequence numbers are kept internally as 64-bit byte
 * offsets from the first data byte and put on the wire as 32-bit numbers
 * from a random initial sequence number, so they wrap as on a real
 * connection; each end maps a received 32-bit number back to the offset
 * nearest its own window edge.
 *
 * Congestion control is a class table, as Linux's tcp_congestion_ops:
 * the connection calls its class on every ACK, on loss and on ECN echo,
 * and the class changes cwnd and ssthresh (in bytes). */
#ifndef DCSIM_TCP_H
#define DCSIM_TCP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "host/host.h"
#include "sim/sim.h"

struct flow;
struct net;
struct tcp_spec;
struct tcp_conn;

/* Why the window is being cut. */
enum tcp_cut {
    TCP_CUT_LOSS,     /* Fast retransmit (a loss detected by dupacks). */
    TCP_CUT_ECN,      /* ECN-Echo, at most once per window. */
    TCP_CUT_RTO,      /* Retransmission timeout. */
};

struct tcp_cc_class {
    const char *name;
    bool ecn;                   /* Always negotiates ECN (DCTCP). */
    /* The receiver echoes each packet's CE, acknowledging at once when it
     * changes (RFC 8257 3.2), instead of latching ECE until CWR. */
    bool ece_per_packet;
    /* Sets up the class's state at connection start.  Required. */
    void (*init)(struct tcp_conn *);
    /* New data acknowledged (ACKED bytes) outside loss recovery and CWR:
     * grow cwnd.  Required. */
    void (*cong_avoid)(struct tcp_conn *, uint64_t acked);
    /* Every ACK that advances snd_una, before any window change, with
     * whether it echoed CE.  Optional (DCTCP's alpha). */
    void (*on_ack)(struct tcp_conn *, uint64_t acked, bool ece);
    /* The new ssthresh (bytes) for a cut of kind WHY.  Required. */
    uint64_t (*ssthresh)(struct tcp_conn *, enum tcp_cut why);
};

const struct tcp_cc_class *tcp_cc_find(const char *name);

extern const struct tcp_cc_class tcp_cc_newreno;
extern const struct tcp_cc_class tcp_cc_cubic;
extern const struct tcp_cc_class tcp_cc_dctcp;

/* Reno's additive increase, shared by the classes that fall back on it:
 * slow start below ssthresh (cwnd grows by the bytes acknowledged), then
 * one MSS per window of bytes acknowledged. */
void tcp_reno_cong_avoid(struct tcp_conn *, uint64_t acked);

/* A contiguous range of bytes held out of order by the receiver. */
struct tcp_range {
    uint64_t start, end;
};

/* What a stream's message is.  On TCP only bytes; on iWARP an RDMAP
 * message (RFC 5040) in DDP segments (RFC 5041), tagged or untagged. */
enum tcp_msg_kind {
    TCP_MSG_BYTES,            /* TCP: bytes; iWARP: an RDMA Write. */
    TCP_MSG_SEND,             /* iWARP Send (untagged, queue 0). */
    TCP_MSG_READ_REQ,         /* iWARP RDMA Read Request (untagged, queue
                               * 1): its Read Response comes back on the
                               * peer stream, and it completes then. */
    TCP_MSG_READ_RESP,        /* iWARP RDMA Read Response (tagged), made
                               * by the responder's RNIC for the peer
                               * stream's Read Request. */
};

/* A message of a stream: its end in the byte stream, its tag. */
struct tcp_msg {
    uint64_t end, tag;
    uint64_t read_bytes;      /* TCP_MSG_READ_REQ: the bytes it reads. */
    uint8_t kind;             /* enum tcp_msg_kind */
};

/* An ACK waiting for the receiver's NIC. */
struct tcp_ack {
    uint64_t ack;               /* Cumulative: next byte expected. */
    bool ece;
    uint8_t flags;              /* Extra flags (SYN for a SYN-ACK). */
};

/* Laid out by who reads what per packet (the connection is allocated on
 * a cache line): the sender's pull reads its tx_source, the two lines
 * after it and the data template after them, which the host's prefetch
 * hook fetches before the NIC pulls (TX_SOURCE_HOT_LINES, host.h); an
 * ACK's processing reads lines 1, 2 and 5 and the congestion control's
 * state; the receiver's, its tx_source, the lines after it and the ACK
 * template. */
struct tcp_conn {
    /* Line 0. */
    struct tx_source data_src;  /* The sender's. */
    /* Line 1: the sender, per segment. */
    struct flow *flow;
    const struct tcp_spec *cfg;
    const struct tcp_cc_class *cc;
    uint64_t snd_una;           /* Oldest unacknowledged byte. */
    uint64_t snd_nxt;           /* Next byte to send. */
    uint64_t snd_max;           /* Highest byte ever sent + 1. */
    uint64_t cwnd;              /* Bytes. */
    uint64_t rwnd;              /* Receiver's advertised window. */
    /* Line 2. */
    uint32_t mss;               /* Payload bytes per full segment. */
    uint32_t isn_snd;           /* Sender's initial sequence number. */
    uint32_t isn_peer;          /* The receiver's, as the sender knows it. */
    uint32_t dupacks;
    uint8_t wscale;             /* Window scale of rcv_buf (RFC 7323). */
    bool ecn;                   /* ECN in use on this connection. */
    bool established;           /* Handshake done (or not modelled). */
    bool aborted;               /* Gave up after max_retries timeouts. */
    bool iwarp;                 /* iWARP's framing (transport_iwarp). */
    bool in_recovery;           /* NewReno fast recovery (RFC 6582). */
    bool rtx_pending;           /* Send the segment at rtx_off next. */
    bool in_cwr;                /* Window cut for ECE this window. */
    bool send_cwr;              /* Set CWR on the next data segment. */
    bool syn_pending;           /* Handshake: SYN to (re)send. */
    bool rtt_valid;
    bool timing;                /* A segment is being timed... */
    uint32_t backoff;           /* RTO doublings since the last ACK. */
    uint64_t rtx_off;
    uint64_t timed_end;         /* ...whose last byte + 1 is this... */
    uint64_t timed_at_ps;       /* ...sent at this time. */
    uint64_t rto_deadline_ps;   /* TIME_NEVER when stopped. */
    /* Lines 3-4. */
    struct pkt data_proto;      /* Header template, sender to receiver. */
    /* Line 5: the sender, per ACK. */
    uint64_t ssthresh;          /* Bytes. */
    uint64_t cwnd_cnt;          /* Bytes acked toward the next +MSS. */
    uint64_t recover;           /* snd_max when recovery began. */
    uint64_t cwr_end;
    /* RTT estimation (RFC 6298), one segment timed at a time. */
    uint64_t srtt_ps, rttvar_ps, rto_ps;
    uint64_t last_data_ps;      /* When a data segment last left (Linux's
                                 * lsndtime), or the connection opened. */
    struct event rto_ev;        /* Lazily re-armed: see tcp.c. */
    const struct sim *sim;      /* For the time, in congestion control. */
    struct tcp_conn *next_free;  /* In the pool while unused. */

    /* Congestion-control private state. */
    union {
        struct {
            double alpha;
            uint64_t win_end;       /* Alpha is updated when snd_una
                                     * passes this. */
            uint64_t acked, acked_ce;
        } dctcp;
        struct {
            double w_max;           /* Segments. */
            double k_s;             /* Seconds from epoch to w_max. */
            double w_est;           /* Reno-friendly estimate, segments. */
            double cwnd_seg;        /* Fractional cwnd, segments. */
            uint64_t epoch_ps;      /* TIME_NEVER: no epoch yet. */
        } cubic;
    } ccs;

    /* A message stream (transport_open_stream()): the messages posted
     * and not yet delivered, oldest first: msgs[msg_head] on; on iWARP
     * the last n_posted of them are not in the byte stream yet, their
     * `end` holding their size until then: the first n_started of those
     * have had their work request run (`start`) and wait only for the
     * ORD; and the first n_rcvd messages are delivered but kept until
     * acknowledged, for the sender's segmentation. */
    bool stream;
    struct tcp_msg *msgs;
    uint32_t msg_head, n_msgs, cap_msgs;
    uint32_t n_posted, n_started, n_rcvd;
    /* iWARP: the stream the other way on the same connection
     * (transport_pair_streams()), which carries the Read Responses to
     * this one's Read Requests; and those outstanding, at most rd_max
     * (the ORD; 0: no limit). */
    struct flow *peer;
    uint32_t reads_out, rd_max;

    /* Receiver. */
    _Alignas(64) struct tx_source ack_src;
    uint64_t rcv_nxt;           /* Next byte expected in order. */
    uint32_t isn_rcv;           /* The sender's ISN, as received. */
    struct tcp_range *ooo;      /* Out-of-order ranges, sorted, disjoint. */
    uint32_t n_ooo, cap_ooo;
    uint64_t ooo_bytes;
    uint32_t unacked_segs;      /* In-order segments not yet acked. */
    uint32_t quickacks;         /* Left to acknowledge without delay. */
    bool ce_state;              /* DCTCP receiver: last data was CE. */
    bool ece_latch;             /* RFC 3168 receiver: echo until CWR. */
    struct sim_timer delack;    /* Re-armed by the first segment of each
                                 * ACK's worth without moving (sim.h). */
    struct tcp_ack *acks;       /* Ring of ACKs for the NIC. */
    uint32_t ack_head, n_acks, cap_acks;
    struct pkt ack_proto;       /* Receiver to sender. */
};

#endif
