/* The state of one RDMA queue pair, shared by the files of the RC
 * transport: rdma.c (requester, responder, HPCC's glue), rdma-stream.c
 * (message streams and their READs) and rdma-dcqcn.c (DCQCN's reaction
 * and notification points), and the functions that cross between them.
 * Private to src/transport/. */
#ifndef DCSIM_RDMA_QP_H
#define DCSIM_RDMA_QP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/net.h"
#include "host/host.h"
#include "transport/rdma-hpcc.h"
#include "transport/transport.h"

/* An HPCC queue pair's own state, apart so that others do not carry it. */
struct rdma_hpcc {
    struct hpcc hp;              /* Requester: the window. */
    uint64_t next_tx_ps;         /* Paced: the next packet waits until
                                  * then, the last one's start... */
    uint64_t last_tx_ps;
    uint32_t last_wire;          /* ...plus its serialization at `rate`. */
    struct int_hdr ack_int;      /* Responder: the INT the next ACK
                                  * echoes. */
};

/* Laid out by who reads what per packet (the queue pair is allocated on
 * cache line, see qp_alloc()): the requester's send path reads its
 * tx_source, the two lines after it and the data template after them
 * (DCQCN's byte counter among them, counted per packet while the rate
 * is cut), and an ACK lines 1 and 2; the responder's receive
 * path and its ACK's pull read the flow, the configuration and the PSN
 * base in lines 1 and 2, then its tx_source, its own line and the
 * control template.  The host's prefetch hook
 * fetches a ready source's line and the TX_SOURCE_HOT_LINES after it
 * before the NIC pulls from it (host.h), so each source's per-packet
 * state follows it.  Timers, DCQCN's slow path and the pool link come
 * last. */
struct rdma_qp {
    /* Line 0: the requester's source. */
    struct tx_source data_src;   /* At the requester. */
    /* Line 1: both ends, per packet. */
    struct flow *flow;
    const struct rdma_spec *cfg;
    struct rdma_hpcc *hpcc;      /* HPCC's state; NULL without HPCC. */
    struct rdma_stream *stream;  /* A message stream's messages; NULL for
                                  * a one-message flow. */
    uint64_t n_pkts;
    /* Requester, in packet indices 0..n_pkts. */
    uint64_t next;               /* Next to send. */
    uint64_t high;               /* One past the highest ever sent. */
    uint64_t hold_until_ps;      /* After an RNR NAK, or under `fabric:
                                  * ns3` its pacing time: wait until
                                  * then (rdma_data_paced()). */
    /* Line 2. */
    uint32_t isn;                /* PSN of packet 0. */
    enum rdma_verb verb;
    bool read;                   /* Verb READ: data flows from the flow's
                                  * destination (responder) back to its
                                  * source (requester), which asks for it
                                  * with READ requests. */
    bool failed;
    bool ns3;                    /* `fabric: ns3`: the templates' framing
                                  * is PKT_PPP (ns3_headers()). */
    uint32_t retries;            /* Timeouts in a row. */
    uint64_t una;                /* Oldest not acknowledged. */
    /* DCQCN or HPCC reaction point (requester). */
    uint64_t line_bps;
    double rate;                 /* Rc in bit/s (HPCC: rate W / T). */
    uint64_t inc_bytes;          /* Bytes sent toward the byte counter
                                  * (DCQCN), per packet while the rate is
                                  * cut: here, not with the rest of the
                                  * reaction point in line 5, which the
                                  * send path then need not touch. */
    uint32_t rnr_retries;        /* RNR NAKs in a row, reset by every ACK
                                  * that advances (in the line the ACK
                                  * reads anyway). */
    /* Lines 3-4. */
    struct pkt data_proto;       /* Template of data packets. */
    /* Line 5: DCQCN's reaction point but for its rate (CNPs, timers,
     * a byte counter's increase event), a READ's request. */
    uint32_t t_stage, b_stage;   /* Rate-increase events since the cut. */
    bool cnp_alpha, cnp_dec;     /* CNPs since the last alpha update and
                                  * since the last decrease check. */
    double target;               /* Rt in bit/s. */
    double alpha;
    bool req_pending;
    uint64_t req_from;           /* READ: the next request asks from here. */
    /* Line 6: the responder's source. */
    _Alignas(64) struct tx_source ack_src;  /* At the responder. */
    /* Line 7: the responder, per packet. */
    uint64_t expected;           /* Next in-order packet. */
    uint64_t ooo_high;           /* After a NAK: the highest out-of-order
                                  * PSN since (nak_sent). */
    uint64_t ack_idx;            /* ACK: newest in order; NAK: expected. */
    uint32_t since_ack;          /* In-order packets not yet ACKed. */
    bool nak_sent;               /* For `expected`, until it arrives or
                                  * the requester is seen going back (an
                                  * out-of-order PSN at or below
                                  * ooo_high). */
    bool ack_pending;
    uint8_t ack_syndrome;
    bool ack_becn;               /* With cnp_on_ack: the next ACK or NAK
                                  * carries a CNP. */
    /* DCQCN notification point (responder). */
    uint64_t last_cnp_ps;
    uint32_t cnp_pending;        /* CNPs owed: at most 1 unless the CNP
                                  * interval is 0. */
    bool cnp_ever;
    uint64_t wqe_idx;            /* The packet that consumes the posted
                                  * receive (SEND: the first; WRITE with
                                  * immediate: the last); UINT64_MAX: none. */
    uint64_t recv_at_ps;         /* SEND: the receive is posted then. */
    /* Lines 8-9. */
    struct pkt ctl_proto;        /* Template of ACKs, CNPs, READ requests:
                                  * the reverse direction. */
    /* Line 10. */
    _Alignas(64) struct tx_source cnp_src;  /* At the responder (DCQCN
                                             * NP). */
    /* Cold: the timers, the pool. */
    struct sim_timer rto;        /* Re-armed by every ACK without moving
                                  * (sim.h), so its line is not read per
                                  * packet. */
    struct event alpha_timer, dec_timer, inc_timer;
    struct rdma_qp *next_free;   /* In edge->rdma_free once released. */
};

static inline uint32_t
psn_of(const struct rdma_qp *qp, uint64_t idx)
{
    return (uint32_t)((qp->isn + idx) & IB_PSN_MASK);
}

/* A control packet of QP's (an ACK or NAK, a CNP, a READ request) of
 * OPCODE, from its template and with no payload; the caller sets the
 * rest and its lengths. */
static inline struct pkt *
rdma_ctl_packet(struct net *net, const struct rdma_qp *qp, uint8_t opcode)
{
    struct pkt *p = pkt_alloc(&net->pool);
    *p = qp->ctl_proto;
    p->payload_bytes = 0;
    p->l4.roce.opcode = opcode;
    return p;
}

/* The packet index of PSN, taken as the one nearest to REF (24-bit
 * serial arithmetic). */
static inline uint64_t
idx_of(const struct rdma_qp *qp, uint32_t psn, uint64_t ref)
{
    int32_t d = (int32_t)(((psn - psn_of(qp, ref)) & IB_PSN_MASK) << 8) >> 8;
    return d < 0 && (uint64_t)-d > ref ? 0 : ref + (uint64_t)(int64_t)d;
}

static inline void
arm_rto(struct net *net, struct rdma_qp *qp)
{
    sim_timer_arm(&net->sim, &qp->rto, net->sim.now_ps + qp->cfg->timeout_ps);
}

/* Bytes of INT header on the QP's data packets and ACKs. */
static inline uint32_t
int_bytes(const struct rdma_qp *qp)
{
    return qp->hpcc ? INT_HDR_BYTES : 0;
}

/* `fabric: ns3`: the simulator's headers in place of RoCE's (pkt.h). */
static inline bool
ns3_headers(const struct rdma_qp *qp)
{
    return qp->ns3;
}

/* Header bytes after the UDP header of a control packet (ACK, NAK, CNP,
 * READ request) under `fabric: ns3`: the simulator's qbbHeader (+ INT),
 * padded to its minimum datagram, less the UDP header dcsim counts
 * (the simulator's ACK has none). */
static inline uint8_t
ns3_ctl_extra(const struct rdma_qp *qp)
{
    uint32_t ip_payload = NS3_QBB_BYTES + int_bytes(qp);
    if (ip_payload < NS3_ACK_MIN_IP_BYTES - IPV4_HDR_BYTES)
        ip_payload = NS3_ACK_MIN_IP_BYTES - IPV4_HDR_BYTES;
    return (uint8_t)(ip_payload - UDP_HDR_BYTES);
}

/* Whether the QP still has packets to get acknowledged. */
static inline bool
qp_active(const struct rdma_qp *qp)
{
    return !qp->failed && qp->una < qp->n_pkts;
}

/* Per verb, the opcode and the extended headers (besides BTH and ICRC)
 * of a message's only, first, middle and last packet (IBTA 9.2-9.4, table
 * 38): RETH opens a WRITE, 4 B of immediate data close a WRITE with
 * immediate, AETH opens and closes a READ response. */
enum { PKT_ONLY, PKT_FIRST, PKT_MIDDLE, PKT_LAST };
struct rdma_pkt_layout {
    uint8_t opcode[4];
    uint8_t ext_bytes[4];
};
extern const struct rdma_pkt_layout rdma_verb_pkts[];  /* By verb (rdma.c). */

/* Message streams (rdma-stream.c): the messages posted on a stream QP,
 * oldest first, each sendable once its work request has been posted
 * (`start`), its packets numbered on from the message before it. */

struct rdma_msg {
    uint64_t first, end;         /* Its packets [first, end), once
                                  * sendable. */
    uint64_t bytes_before;       /* Stream bytes before its first. */
    uint64_t bytes;
    uint64_t tag;                /* transport_msg_done()'s. */
    enum rdma_verb verb;
    /* READ: its request sent (it counts against the ORD until done), and
     * its response packets received in order at the requester. */
    bool requested;
    uint64_t got;
};

/* DCQCN for a stream's READ responses (RoCEv2 with DCQCN: they are
 * ECN-capable data like any other).  A switch marks them; the requester,
 * which receives them, is their notification point and sends CNPs to
 * the responder, whose queue pair is their reaction point and paces its
 * responses at its own rate.  That end of the connection is a queue pair
 * of its own here (its rate, alpha, timers and, at the requester, the
 * CNPs it is owed), made at the stream's first READ. */
struct rdma_read_cc {
    struct rdma_qp qp;           /* The responder's end: una 0 while
                                  * responses are owed, 1 when not (its
                                  * timers run while it has some). */
    struct rdma_spec cfg;        /* The QP's, CNPs always packets of their
                                  * own: no ACK goes to the responder to
                                  * carry them. */
    uint64_t marked;             /* CE-marked responses received. */
    uint64_t cnps;               /* CNPs received by the responder. */
    double min_rate_bps;         /* Its lowest rate. */
};

struct rdma_stream {
    struct rdma_qp *qp;
    struct rdma_msg *m;          /* Not yet both delivered and
                                  * acknowledged, oldest first: n of
                                  * them, */
    uint32_t n, cap;
    uint32_t ready;              /* the first `ready` sendable, */
    uint32_t rx;                 /* the first `rx` delivered (a READ:
                                  * its request). */
    /* RDMA READs (the requester the stream's source, the data coming
     * back from its destination): */
    uint32_t rd_out;             /* requested and not yet whole, */
    uint32_t rd_max;             /* at most this many (the QP's ORD;
                                  * 0: no limit); */
    uint64_t rd_gap;             /* a response missing here has been
                                  * asked for again (UINT64_MAX: none). */
    /* The responder's READ responses: packets [resp_next, resp_limit)
     * still to send (those of READ messages among them), from
     * resp_src in the stream's class; an ACK naming a later packet
     * waits for them (IBTA 9.5: a responder answers in PSN order). */
    uint64_t resp_next, resp_limit;
    struct tx_source resp_src;
    struct pkt resp_proto;       /* Template of READ responses. */
    struct rdma_read_cc *cc;     /* DCQCN's for them; NULL until the
                                  * first READ under DCQCN. */
};

/* Go back to packet IDX and resend from there. */
static inline void
go_back(struct net *net, struct rdma_qp *qp, uint64_t idx)
{
    if (idx < qp->next) {
        qp->next = idx;
        nic_activate(net, &qp->data_src);
    }
}

/* Whether CNP P is for the READ responses' reaction point. */
static inline bool
read_cc_cnp(const struct rdma_qp *qp, const struct pkt *p)
{
    const struct rdma_read_cc *cc = qp->stream ? qp->stream->cc : NULL;
    return cc && p->l4.roce.dest_qp == cc->qp.ctl_proto.l4.roce.dest_qp;
}

/* The requester and responder (rdma.c), for a stream's READs. */
/* Data packet P (or a stream's READ request), its lengths set
 * (pkt_set_lengths()), leaves now: when may the next?  Returns P. */
struct pkt *rdma_data_paced(struct net *, struct rdma_qp *, struct pkt *,
                            uint64_t *next_ready);
/* The responder owes an ACK (or NAK) naming IDX, for data packet P. */
void rdma_queue_ack(struct net *, struct rdma_qp *, uint8_t syndrome,
                    uint64_t idx, struct pkt *p);
/* The responder got packet P of index I, beyond the one it expects. */
void rdma_sequence_error(struct net *, struct rdma_qp *, uint64_t i,
                         struct pkt *p);
/* The requester's packets before ACKED have been acknowledged. */
void rdma_acked_to(struct net *, struct rdma_qp *, uint64_t acked);

/* Message streams and their READs (rdma-stream.c). */
/* The sendable message holding packet IDX (< qp->n_pkts). */
struct rdma_msg *rdma_stream_msg(const struct rdma_stream *, uint64_t idx);
/* transport_class's post: a message posted on F's stream. */
void rdma_post(struct net *, struct flow *f, uint64_t bytes,
               enum rdma_verb verb, uint64_t tag);
/* `start` on a stream: the oldest message not yet posted becomes sendable. */
void rdma_stream_ready(struct net *, struct rdma_qp *);
/* The responder's in-order packets reach qp->expected: whole messages
 * complete. */
void rdma_stream_delivered(struct net *, struct rdma_qp *);
/* Forgets the messages delivered and acknowledged. */
void rdma_stream_retire(struct rdma_qp *);
/* Frees QP's stream, if any, and cancels its events. */
void rdma_stream_free(struct net *, struct rdma_qp *);
/* The first packet not yet acknowledged by a READ's responses. */
uint64_t rdma_stream_read_floor(const struct rdma_stream *);
/* The requester's next packet is READ M's: its request, or NULL while the
 * ORD is reached. */
struct pkt *rdma_stream_read_request(struct net *, struct rdma_qp *,
                                     struct rdma_msg *m, uint64_t *next_ready);
/* Responder: a READ request P arrived. */
void rdma_stream_read_asked(struct net *, struct rdma_qp *, struct pkt *p);
/* Requester: a READ response P arrived. */
void rdma_stream_read_resp(struct net *, struct rdma_qp *, struct pkt *p);
/* The responder's READ responses leave through resp_src, of this class. */
extern const struct tx_source_class rdma_stream_resp_class;

/* DCQCN (rdma-dcqcn.c).  Reaction point: timers (event_init()ed with the
 * QP), bytes sent toward the byte counter, a CNP received, a stream's
 * new data after idling. */
void dcqcn_alpha_timer(struct sim *, struct event *);
void dcqcn_dec_timer(struct sim *, struct event *);
void dcqcn_inc_timer(struct sim *, struct event *);
void dcqcn_count_bytes(struct net *, struct rdma_qp *, uint32_t wire_bytes);
void dcqcn_cnp(struct net *, struct rdma_qp *);
void dcqcn_resume_idle(struct net *, struct rdma_qp *);
/* Notification point: a CE-marked data packet arrived; its CNPs leave
 * through cnp_src, of this class. */
void dcqcn_marked(struct net *, struct rdma_qp *);
extern const struct tx_source_class rdma_cnp_class;

/* A data packet of WIRE_BYTES left a DCQCN reaction point: the byte
 * counter's increase events, while the rate is cut.  Inline, as every
 * data packet sent at line rate asks only the first test. */
static inline void
dcqcn_sent(struct net *net, struct rdma_qp *qp, uint32_t wire_bytes)
{
    if (qp->rate >= (double)qp->line_bps || !qp->cfg->dcqcn.byte_counter)
        return;
    dcqcn_count_bytes(net, qp, wire_bytes);
}

#endif
