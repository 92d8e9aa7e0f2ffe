/* The state of one RDMA queue pair, shared by the files of the RC
 * transport: rdma.c (requester, responder, message streams, HPCC's glue)
 * and rdma-dcqcn.c (DCQCN's reaction and notification points).  Private
 * to src/transport/. */
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
 * (line 5 only while DCQCN has cut the rate); the responder's receive
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
    uint64_t hold_until_ps;      /* After an RNR NAK: wait until then. */
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
    struct event rto;
    uint64_t una;                /* Oldest not acknowledged. */
    /* DCQCN or HPCC reaction point (requester). */
    uint64_t line_bps;
    double rate;                 /* Rc in bit/s (HPCC: rate W / T). */
    /* Lines 3-4. */
    struct pkt data_proto;       /* Template of data packets. */
    /* Line 5. */
    uint64_t inc_bytes;          /* Bytes sent toward the byte counter. */
    uint32_t t_stage, b_stage;   /* Rate-increase events since the cut. */
    bool cnp_alpha, cnp_dec;     /* CNPs since the last alpha update and
                                  * since the last decrease check. */
    double target;               /* Rt in bit/s. */
    double alpha;
    uint32_t rnr_retries;        /* RNR NAKs in a row. */
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
    /* Cold: DCQCN's timers, the pool. */
    struct event alpha_timer, dec_timer, inc_timer;
    struct rdma_qp *next_free;   /* In edge->rdma_free once released. */
};

static inline uint32_t
psn_of(const struct rdma_qp *qp, uint64_t idx)
{
    return (uint32_t)((qp->isn + idx) & IB_PSN_MASK);
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
    sim_schedule(&net->sim, &qp->rto, net->sim.now_ps + qp->cfg->timeout_ps);
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

/* DCQCN (rdma-dcqcn.c).  Reaction point: timers (event_init()ed with the
 * QP), bytes sent toward the byte counter, a CNP received, a stream's
 * new data after idling. */
void dcqcn_alpha_timer(struct sim *, struct event *);
void dcqcn_dec_timer(struct sim *, struct event *);
void dcqcn_inc_timer(struct sim *, struct event *);
void dcqcn_sent(struct net *, struct rdma_qp *, uint32_t wire_bytes);
void dcqcn_cnp(struct net *, struct rdma_qp *);
void dcqcn_resume_idle(struct net *, struct rdma_qp *);
/* Notification point: a CE-marked data packet arrived; its CNPs leave
 * through cnp_src, of this class. */
void dcqcn_marked(struct net *, struct rdma_qp *);
extern const struct tx_source_class rdma_cnp_class;

#endif
