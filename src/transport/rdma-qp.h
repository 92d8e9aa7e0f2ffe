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

struct rdma_qp {
    struct flow *flow;
    struct rdma_qp *next_free;   /* In edge->rdma_free once released. */
    const struct rdma_spec *cfg;
    struct tx_source data_src;   /* At the requester. */
    struct tx_source ack_src;    /* At the responder. */
    struct tx_source cnp_src;    /* At the responder (DCQCN NP). */
    struct event rto;
    /* DCQCN or HPCC reaction point (requester). */
    uint64_t line_bps;
    double rate, target;         /* Rc, Rt in bit/s (HPCC: rate W / T). */
    double alpha;
    bool cnp_alpha, cnp_dec;     /* CNPs since the last alpha update and
                                  * since the last decrease check. */
    uint32_t t_stage, b_stage;   /* Rate-increase events since the cut. */
    uint64_t inc_bytes;          /* Bytes sent toward the byte counter. */
    struct event alpha_timer, dec_timer, inc_timer;
    struct rdma_hpcc *hpcc;      /* HPCC's state; NULL without HPCC. */
    struct rdma_stream *stream;  /* A message stream's messages; NULL for
                                  * a one-message flow. */
    /* DCQCN notification point (responder). */
    uint64_t last_cnp_ps;
    bool cnp_ever;
    uint32_t cnp_pending;        /* CNPs owed: at most 1 unless the CNP
                                  * interval is 0. */
    bool ack_becn;               /* With cnp_on_ack: the next ACK or NAK
                                  * carries a CNP. */
    uint64_t recv_at_ps;         /* SEND: the receive is posted then. */
    struct pkt data_proto;       /* Template of data packets. */
    struct pkt ctl_proto;        /* Template of ACKs, CNPs, READ requests:
                                  * the reverse direction. */
    uint32_t isn;                /* PSN of packet 0. */
    uint64_t n_pkts;
    /* Requester, in packet indices 0..n_pkts. */
    uint64_t next;               /* Next to send. */
    uint64_t una;                /* Oldest not acknowledged. */
    uint64_t high;               /* One past the highest ever sent. */
    uint32_t retries;            /* Timeouts in a row. */
    uint32_t rnr_retries;        /* RNR NAKs in a row. */
    uint64_t hold_until_ps;      /* After an RNR NAK: wait until then. */
    enum rdma_verb verb;
    uint64_t wqe_idx;            /* The packet that consumes the posted
                                  * receive (SEND: the first; WRITE with
                                  * immediate: the last); UINT64_MAX: none. */
    bool read;                   /* Verb READ: data flows from the flow's
                                  * destination (responder) back to its
                                  * source (requester), which asks for it
                                  * with READ requests. */
    uint64_t req_from;           /* READ: the next request asks from here. */
    bool req_pending;
    bool failed;
    /* Responder. */
    uint64_t expected;           /* Next in-order packet. */
    uint32_t since_ack;          /* In-order packets not yet ACKed. */
    bool nak_sent;               /* For `expected`, until it arrives... */
    uint64_t ooo_high;           /* ...or the requester is seen going back
                                  * (an out-of-order PSN at or below the
                                  * highest one since the NAK). */
    bool ack_pending;
    uint8_t ack_syndrome;
    uint64_t ack_idx;            /* ACK: newest in order; NAK: expected. */
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
    return qp->data_proto.framing == PKT_PPP;
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
