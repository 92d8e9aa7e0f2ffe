/* RoCEv2 reliable connection (RC): one queue pair per flow, the flow's
 * bytes one RDMA WRITE message.  The same state machine carries RoCEv1
 * (GRH in Ethernet) and native InfiniBand (LRH ... VCRC); only the
 * framing of the packet templates differs (rdma_setup()).
 *
 * Requester (the flow's source): cuts the message into packets of the
 * path MTU (`rdma.mtu`) of payload, each with BTH + ICRC and the first
 * with RETH (IBTA 9.2-9.4), numbered by a 24-bit PSN from a random initial
 * PSN.  It sends at line rate (or the flow's `rate`: the QP's rate
 * limiter), one packet per NIC turn: the NIC round-robins among ready
 * QPs of a class (host.c).  A NAK (PSN sequence error) makes it go back
 * to the NAKed PSN and resend everything from there (go-back-N); a
 * retransmission timeout does the same from the oldest unacknowledged
 * PSN, and after `retry_cnt` timeouts in a row the QP fails (IBTA
 * 9.7.6.1.3: the flow stays incomplete).
 *
 * Responder (the destination): accepts only the expected PSN.  In order,
 * it takes the payload and ACKs every `ack_every` packets and the
 * message's last (coalesced: one ACK names the newest PSN); out of order
 * ahead, it sends one NAK for the expected PSN and drops the packet
 * until the expected one arrives, or until it sees the requester going
 * back (an out-of-order PSN no higher than one already seen: the resent
 * expected packet was lost too), which starts a new NAK; a duplicate is
 * re-ACKed.  ACKs carry
 * BTH + AETH + ICRC and travel in the flow's class.  Under `fabric: ns3`
 * the packets carry the HPCC ns-3 simulator's headers instead (pkt.h).
 *
 * The flow completes when the responder has the whole message (as for
 * the other transports); `acked_ps` records when the requester saw the
 * last ACK, i.e. the WRITE's completion.
 *
 * A message stream (transport_open_stream()) is a QP that stays open and
 * carries messages posted one after another, SENDs and WRITEs in any
 * mix: their packets follow each other in one PSN sequence, so a SEND
 * posted behind a WRITE leaves right behind its last packet and
 * completes after it, in QP order (IBTA 9.5, ordering rules); each
 * message completes when the responder has it all in order (streams
 * and their READs are in rdma-stream.c).
 *
 * The queue pair's state is in rdma-qp.h; DCQCN's reaction and
 * notification points are in rdma-dcqcn.c, HPCC's window arithmetic in
 * rdma-hpcc.c. */
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "fabric/path.h"
#include "fabric/port.h"
#include "host/host.h"
#include "transport/flow.h"
#include "transport/rdma-hpcc.h"
#include "transport/rdma-qp.h"
#include "transport/transport.h"

/* Per verb, its packets' opcodes and extended headers (rdma-qp.h). */
const struct rdma_pkt_layout rdma_verb_pkts[] = {
    [RDMA_VERB_WRITE] = {
        { IB_OP_WRITE_ONLY, IB_OP_WRITE_FIRST, IB_OP_WRITE_MIDDLE,
          IB_OP_WRITE_LAST },
        { IB_RETH_BYTES, IB_RETH_BYTES, 0, 0 },
    },
    [RDMA_VERB_SEND] = {
        { IB_OP_SEND_ONLY, IB_OP_SEND_FIRST, IB_OP_SEND_MIDDLE,
          IB_OP_SEND_LAST },
        { 0, 0, 0, 0 },
    },
    [RDMA_VERB_READ] = {
        { IB_OP_READ_RESP_ONLY, IB_OP_READ_RESP_FIRST,
          IB_OP_READ_RESP_MIDDLE, IB_OP_READ_RESP_LAST },
        { IB_AETH_BYTES, IB_AETH_BYTES, 0, IB_AETH_BYTES },
    },
    [RDMA_VERB_WRITE_IMM] = {
        { IB_OP_WRITE_ONLY_IMM, IB_OP_WRITE_FIRST, IB_OP_WRITE_MIDDLE,
          IB_OP_WRITE_LAST_IMM },
        { IB_RETH_BYTES + IB_IMMDT_BYTES, IB_RETH_BYTES, 0, IB_IMMDT_BYTES },
    },
};

/* ---- HPCC (rdma-hpcc.h): the requester's window and pacing; the
 * switches fill the INT (port.c), the responder echoes it. ---- */

/* Payload bytes of the packets before index IDX. */
static ALWAYS_INLINE uint64_t
bytes_before(const struct rdma_qp *qp, uint64_t idx)
{
    if (qp->stream) {
        if (idx >= qp->n_pkts)
            return qp->flow->size_bytes;
        const struct rdma_msg *m = rdma_stream_msg(qp->stream, idx);
        return m->bytes_before + (idx - m->first) * qp->cfg->mtu;
    }
    uint64_t b = idx * qp->cfg->mtu;
    return b < qp->flow->size_bytes ? b : qp->flow->size_bytes;
}

/* Unacknowledged payload has reached the window: W, line rate x T with
 * a fixed window, none without (the simulator's IsWinBound and GetWin:
 * it may overshoot by the last packet).  Inline: an HPCC queue pair asks
 * it for every packet it sends. */
static ALWAYS_INLINE bool
hpcc_window_full(const struct rdma_qp *qp)
{
    enum hpcc_window mode = qp->cfg->hpcc.window;
    if (mode == HPCC_WINDOW_OFF)
        return false;
    uint64_t inflight = qp->next > qp->una ? bytes_before(qp, qp->next) -
                                                 bytes_before(qp, qp->una)
                                           : 0;
    return (double)inflight >= (mode == HPCC_WINDOW_FIXED
                                    ? qp->hpcc->hp.w_max
                                    : qp->hpcc->hp.w);
}

/* May the QP send now?  If not, *NEXT_READY says when to ask again:
 * its pacing time, or never (an ACK will open the window). */
static bool
hpcc_may_send(const struct net *net, const struct rdma_qp *qp,
              uint64_t *next_ready)
{
    if (net->sim.now_ps < qp->hpcc->next_tx_ps) {
        *next_ready = qp->hpcc->next_tx_ps;
        return false;
    }
    if (hpcc_window_full(qp)) {
        *next_ready = TIME_NEVER;
        return false;
    }
    return true;
}

/* Data packet P of WIRE bytes leaves now, paced to leave the next at
 * NEXT_PS: its INT starts empty, and the pacing is kept for a change of
 * rate.  Returns when to send again: NEXT_PS, or never with the window
 * full. */
static uint64_t
hpcc_sent(struct rdma_qp *qp, struct pkt *p, uint64_t now, uint32_t wire,
          uint64_t next_ps)
{
    pkt_int(p)->nhop = 0;
    qp->hpcc->last_tx_ps = now;
    qp->hpcc->last_wire = wire;
    qp->hpcc->next_tx_ps = next_ps;
    return hpcc_window_full(qp) ? TIME_NEVER : next_ps;
}

/* Under `fabric: ns3`, hpcc_resume() as the simulator's NIC does it
 * (RdmaHw::ChangeRate, QbbNetDevice::UpdateNextAvail and
 * TriggerTransmit): a wake-up already filed moves only to an earlier
 * time, so that it keeps its place among the events of its instant
 * (filed when the frame before ended: rdma_data_paced()); with none
 * filed the NIC looks now, window full or not, and sends, or files the
 * wake-up at the pacing time, or, busy, does either when its frame ends
 * (pull_next()). */
static void
hpcc_resume_ns3(struct net *net, struct rdma_qp *qp)
{
    struct event *wake = &qp->data_src.wake;
    uint64_t next_ps = qp->hpcc->next_tx_ps;
    if (event_is_scheduled(&net->sim, wake)) {
        if (next_ps >= wake->time_ps)
            return;
        if (next_ps > net->sim.now_ps) {
            sim_schedule(&net->sim, wake, next_ps);
            return;
        }
    }
    nic_activate(net, &qp->data_src);
}

/* After an ACK changed the window: the rate applies to the gap after the
 * last packet (the simulator's ChangeRate), and a QP that waited for the
 * window or for its pacing time is woken when it may send. */
static void
hpcc_resume(struct net *net, struct rdma_qp *qp)
{
    struct rdma_hpcc *h = qp->hpcc;
    qp->rate = hpcc_rate_bps(&h->hp);
    uint64_t rate = (uint64_t)qp->rate;
    if (qp->flow->rate_bps && qp->flow->rate_bps < rate)
        rate = qp->flow->rate_bps;
    h->next_tx_ps = rate < qp->line_bps
                        ? h->last_tx_ps + ser_time_link_ps(h->last_wire, rate,
                                                           ns3_headers(qp))
                        : h->last_tx_ps;
    if (qp->data_src.ready || qp->failed || qp->next >= qp->n_pkts)
        return;
    if (UNLIKELY(qp->ns3)) {
        hpcc_resume_ns3(net, qp);
        return;
    }
    if (hpcc_window_full(qp))
        return;
    if (h->next_tx_ps <= net->sim.now_ps)
        nic_activate(net, &qp->data_src);
    else
        sim_schedule(&net->sim, &qp->data_src.wake, h->next_tx_ps);
}

/* Data packet P (or a stream's READ request) leaves the requester now:
 * when may the next?  The QP's rate limit, DCQCN's rate, HPCC's
 * pacing and window.  Inline in rdma_pull_data(), its caller for every
 * data packet. */
static ALWAYS_INLINE struct pkt *
data_paced(struct net *net, struct rdma_qp *qp, struct pkt *p,
           uint64_t *next_ready)
{
    struct flow *f = qp->flow;
    uint32_t wire = pkt_wire_bytes_of_frame(p);
    uint64_t rate = f->rate_bps;
    if (qp->cfg->cc != RDMA_CC_NONE) {
        if (qp->cfg->cc == RDMA_CC_DCQCN)
            dcqcn_sent(net, qp, wire);
        if ((uint64_t)qp->rate < qp->line_bps &&
            (!rate || (uint64_t)qp->rate < rate))
            rate = (uint64_t)qp->rate;
    }
    uint64_t now = net->sim.now_ps;
    uint64_t next =
        rate ? now + ser_time_link_ps(wire, rate, ns3_headers(qp)) : now;
    if (UNLIKELY(qp->hpcc)) {
        next = hpcc_sent(qp, p, now, wire, next);
        /* The simulator's NIC files its next send when this frame ends
         * and nothing may go (QbbNetDevice::DequeueAndTransmit), for the
         * pacing time, window or not: the QP stays ready, and is asked
         * again then (hpcc_may_send()). */
        if (UNLIKELY(qp->ns3) && next > now)
            next = now;
    } else if (UNLIKELY(qp->ns3) && next > now) {
        /* So for DCQCN's rate and a flow's rate limit: the simulator's
         * NIC files the next send at this frame's end, when no QP may
         * send (DequeueAndTransmit, qbb-net-device.cc 283-294), and a
         * DCQCN rate change leaves it (RdmaHw::*Mlx set m_rate alone;
         * only HPCC's ChangeRate moves m_nextAvail).  The QP stays ready
         * and is held until its pacing time; the NIC asks it when this
         * frame ends and files its wake-up then (rdma_pull_data()). */
        qp->hold_until_ps = next;
        next = now;
    }
    *next_ready = qp->next >= qp->n_pkts ? TIME_NEVER : next;
    return p;
}

static struct pkt *
rdma_pull_data(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct rdma_qp *qp = CONTAINER_OF(src, struct rdma_qp, data_src);
    struct flow *f = qp->flow;
    if (qp->failed || qp->next >= qp->n_pkts) {
        *next_ready = TIME_NEVER;
        return NULL;
    }
    if (net->sim.now_ps < qp->hold_until_ps) {
        *next_ready = qp->hold_until_ps;
        return NULL;
    }
    if (UNLIKELY(qp->hpcc) && !hpcc_may_send(net, qp, next_ready))
        return NULL;
    if (UNLIKELY(qp->stream)) {
        struct rdma_msg *m = rdma_stream_msg(qp->stream, qp->next);
        if (m->verb == RDMA_VERB_READ)
            return rdma_stream_read_request(net, qp, m, next_ready);
    }
    uint64_t i = qp->next++;
    uint32_t mtu = qp->cfg->mtu;
    struct pkt *p = pkt_alloc(&net->pool);
    *p = qp->data_proto;
    p->seq = (uint32_t)i;
    /* The message it belongs to: the flow's, or a stream's. */
    enum rdma_verb verb = qp->verb;
    uint64_t first = 0, end = qp->n_pkts, bytes = f->size_bytes;
    if (qp->stream) {
        const struct rdma_msg *m = rdma_stream_msg(qp->stream, i);
        verb = m->verb;
        first = m->first;
        end = m->end;
        bytes = m->bytes;
    }
    p->payload_bytes = i + 1 < end
                           ? mtu
                           : (uint32_t)(bytes - (i - first) * mtu);
    bool last = i + 1 == end;
    int pos = i == first ? (last ? PKT_ONLY : PKT_FIRST)
                         : (last ? PKT_LAST : PKT_MIDDLE);
    p->l4.roce.opcode = rdma_verb_pkts[verb].opcode[pos];
    p->l4.roce.psn = psn_of(qp, i);
    /* An ACK for every packet (ack_every 1, the default) needs no
     * division. */
    p->l4.roce.ack_req = last || qp->cfg->ack_every == 1 ||
                         (i + 1) % qp->cfg->ack_every == 0;
    p->l4_extra = ns3_headers(qp)
                      ? NS3_SEQTS_BYTES + int_bytes(qp)
                      : IB_BTH_BYTES + rdma_verb_pkts[verb].ext_bytes[pos] +
                            IB_ICRC_BYTES + int_bytes(qp);
    p->ip.id = (uint16_t)i;
    pkt_set_lengths(p);
    f->pkts_sent++;
    /* While packets are outstanding the timeout is scheduled: armed at
     * the first send, re-armed by every ACK that leaves some outstanding
     * (rdma_acked_to()) and by the timeout itself, cancelled only when
     * every packet is acknowledged or the QP fails.  So only a send with
     * none outstanding asks the queue (whose lines, the timer's and the
     * engine's, a send would otherwise read for nothing). */
    bool outstanding = qp->una < qp->high;
    if (i < qp->high) {
        f->retx_pkts++;
    } else {
        qp->high = i + 1;
        f->bytes_sent += p->payload_bytes;
    }
    /* The requester times out; a READ responder does not. */
    if (!qp->read && !outstanding &&
        !event_is_scheduled(&net->sim, &qp->rto.ev))
        arm_rto(net, qp);
    return data_paced(net, qp, p, next_ready);
}

/* rdma-qp.h's, for a stream's READ requests and responses. */
struct pkt *
rdma_data_paced(struct net *net, struct rdma_qp *qp, struct pkt *p,
                uint64_t *next_ready)
{
    return data_paced(net, qp, p, next_ready);
}

static struct pkt *
rdma_pull_ack(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct rdma_qp *qp = CONTAINER_OF(src, struct rdma_qp, ack_src);
    *next_ready = TIME_NEVER;
    if (qp->read) {
        if (!qp->req_pending)
            return NULL;
        qp->req_pending = false;
        struct pkt *p = rdma_ctl_packet(net, qp, IB_OP_READ_REQUEST);
        p->l4.roce.psn = psn_of(qp, qp->req_from);
        p->l4_extra = ns3_headers(qp)
                          ? ns3_ctl_extra(qp)
                          : IB_BTH_BYTES + IB_RETH_BYTES + IB_ICRC_BYTES;
        pkt_set_lengths(p);
        return p;
    }
    if (!qp->ack_pending)
        return NULL;
    /* Behind READ responses still to send, it waits for them. */
    if (UNLIKELY(qp->stream) && qp->stream->resp_next < qp->stream->resp_limit &&
        qp->ack_idx >= qp->stream->resp_next)
        return NULL;
    qp->ack_pending = false;
    struct pkt *p = rdma_ctl_packet(net, qp, IB_OP_ACK);
    p->l4.roce.psn = psn_of(qp, qp->ack_idx);
    p->l4.roce.syndrome = qp->ack_syndrome;
    p->l4.roce.msn = qp->expected == qp->n_pkts ? 1 : 0;
    p->l4.roce.becn = qp->ack_becn;
    qp->ack_becn = false;
    p->l4_extra = ns3_headers(qp) ? ns3_ctl_extra(qp)
                                  : IB_BTH_BYTES + IB_AETH_BYTES +
                                        IB_ICRC_BYTES + int_bytes(qp);
    if (UNLIKELY(qp->hpcc))
        *pkt_int(p) = qp->hpcc->ack_int;
    pkt_set_lengths(p);
    return p;
}

/* Everything sent is acknowledged (the simulator's
 * RdmaQueuePair::IsFinished), or the queue pair failed or was released:
 * it leaves its NIC's ring under `fabric: ns3` (host.h). */
static bool
rdma_data_finished(const struct tx_source *src)
{
    const struct rdma_qp *qp = CONTAINER_OF(src, const struct rdma_qp,
                                            data_src);
    return !qp->flow || qp->failed || qp->una >= qp->n_pkts;
}

static const struct tx_source_class rdma_data_class = {
    .name = "roce",
    .pull = rdma_pull_data,
    .finished = rdma_data_finished,
};

static const struct tx_source_class rdma_ack_class = {
    .name = "roce-ack",
    .pull = rdma_pull_ack,
};


/* READ requester: ask for the data from packet FROM on (IBTA 9.7.4.1.4:
 * a READ re-issued from the first missing PSN). */
static void
read_request(struct net *net, struct rdma_qp *qp, uint64_t from)
{
    qp->req_from = from;
    qp->req_pending = true;
    nic_activate(net, &qp->ack_src);
    arm_rto(net, qp);
}

static void
rdma_timeout(struct sim *sim, struct event *ev)
{
    struct rdma_qp *qp = CONTAINER_OF(ev, struct rdma_qp, rto.ev);
    struct net *net = net_of(sim);
    /* The first packet not yet had: for a READ requester the response it
     * expects, for a sender the oldest unacknowledged one. */
    uint64_t from = qp->read ? qp->expected : qp->una;
    if (from >= qp->n_pkts || qp->failed)
        return;
    qp->flow->timeouts++;
    if (++qp->retries > qp->cfg->retry_cnt) {
        /* Retry count exceeded: the QP goes to the error state. */
        qp->failed = true;
        return;
    }
    if (qp->read) {
        read_request(net, qp, from);
    } else {
        go_back(net, qp, from);
        arm_rto(net, qp);
    }
}

/* The responder owes an ACK (or NAK) naming IDX, for data packet P. */
void
rdma_queue_ack(struct net *net, struct rdma_qp *qp, uint8_t syndrome,
               uint64_t idx, struct pkt *p)
{
    /* A NAK not yet sent for the same point is not downgraded. */
    if (qp->ack_pending && qp->ack_syndrome != IB_AETH_ACK &&
        syndrome == IB_AETH_ACK && idx + 1 == qp->ack_idx)
        return;
    /* HPCC: the ACK echoes the INT of the newest packet it answers. */
    if (UNLIKELY(qp->hpcc))
        qp->hpcc->ack_int = *pkt_int(p);
    qp->ack_pending = true;
    qp->ack_syndrome = syndrome;
    qp->ack_idx = idx;
    nic_activate(net, &qp->ack_src);
}

/* The responder got packet P of index I, beyond the one it expects.
 * One NAK per sequence error (a READ requester: a READ request again);
 * a requester that went back and lost `expected` again starts a new
 * one. */
void
rdma_sequence_error(struct net *net, struct rdma_qp *qp, uint64_t i,
                    struct pkt *p)
{
    if (!qp->nak_sent || i <= qp->ooo_high) {
        qp->nak_sent = true;
        qp->ooo_high = i;
        if (qp->read) {
            qp->flow->naks++;
            read_request(net, qp, qp->expected);
        } else {
            rdma_queue_ack(net, qp, IB_AETH_NAK_SEQ, qp->expected, p);
        }
    } else {
        qp->ooo_high = i;
    }
}

static void
responder_receive(struct net *net, struct rdma_qp *qp, struct pkt *p)
{
    struct flow *f = qp->flow;
    uint64_t i = idx_of(qp, p->l4.roce.psn, qp->expected);
    if (p->ip.ecn == ECN_CE && qp->cfg->cc == RDMA_CC_DCQCN)
        dcqcn_marked(net, qp);
    bool ack_req = p->l4.roce.ack_req;
    if (qp->expected == qp->wqe_idx && net->sim.now_ps < qp->recv_at_ps) {
        /* The packet that needs a receive finds none posted: RNR NAK for
         * it, then silence for the rest of the message until it comes
         * back (IBTA 9.7.5.2.8). */
        if (i == qp->wqe_idx)
            rdma_queue_ack(net, qp, IB_AETH_RNR, i, p);
        pkt_free(&net->pool, p);
        return;
    }
    if (i == qp->expected) {
        f->bytes_delivered += p->payload_bytes;
        edge_of(net)->st.bytes_delivered += p->payload_bytes;
        qp->expected++;
        qp->nak_sent = false;
        if (qp->read) {
            /* READ responses are not acknowledged; the requester's own
             * progress resets its timeout. */
            qp->retries = 0;
            if (qp->expected == qp->n_pkts) {
                sim_cancel(&net->sim, &qp->rto.ev);
                f->acked_ps = net->sim.now_ps;
                transport_flow_done(net, f);
            } else {
                arm_rto(net, qp);
            }
        } else if (ack_req || ++qp->since_ack >= qp->cfg->ack_every) {
            qp->since_ack = 0;
            rdma_queue_ack(net, qp, IB_AETH_ACK, i, p);
        }
        if (qp->stream)
            rdma_stream_delivered(net, qp);
        else if (qp->expected == qp->n_pkts && !f->completed)
            transport_flow_done(net, f);
    } else if (i > qp->expected) {
        rdma_sequence_error(net, qp, i, p);
    } else if (qp->expected > 0 && !qp->read) {
        rdma_queue_ack(net, qp, IB_AETH_ACK, qp->expected - 1, p);
    }
    pkt_free(&net->pool, p);
}

/* The requester's packets before ACKED have been acknowledged. */
void
rdma_acked_to(struct net *net, struct rdma_qp *qp, uint64_t acked)
{
    if (acked <= qp->una)
        return;
    qp->una = acked;
    qp->retries = 0;
    qp->rnr_retries = 0;
    if (qp->una >= qp->n_pkts) {
        sim_cancel(&net->sim, &qp->rto.ev);
        qp->flow->acked_ps = net->sim.now_ps;
    } else {
        arm_rto(net, qp);
    }
    if (qp->stream) {
        /* Going back N, it need not resend what is acknowledged (and a
         * stream has forgotten the messages acknowledged whole). */
        qp->next = MAX(qp->next, qp->una);
        rdma_stream_retire(qp);
    }
}


static void
requester_receive(struct net *net, struct rdma_qp *qp, struct pkt *p)
{
    struct flow *f = qp->flow;
    uint64_t i = idx_of(qp, p->l4.roce.psn, qp->una);
    uint8_t syndrome = p->l4.roce.syndrome;
    if (qp->failed || i > qp->high) {
        pkt_free(&net->pool, p);
        return;
    }
    uint64_t acked = syndrome == IB_AETH_ACK ? i + 1 : i;
    /* An ACK or NAK alike carries INT (the simulator's HandleAckHp). */
    if (qp->hpcc)
        hpcc_ack(&qp->hpcc->hp, pkt_int(p), acked, qp->next);
    pkt_free(&net->pool, p);
    /* A READ is acknowledged by its own responses only. */
    if (UNLIKELY(qp->stream) && qp->stream->rd_out)
        acked = MIN(acked, rdma_stream_read_floor(qp->stream));
    rdma_acked_to(net, qp, acked);
    if (syndrome == IB_AETH_RNR) {
        f->naks++;
        /* rnr_retry 7 means forever (IBTA 9.7.5.2.8). */
        if (qp->cfg->rnr_retry < 7 && ++qp->rnr_retries > qp->cfg->rnr_retry) {
            qp->failed = true;
            sim_cancel(&net->sim, &qp->rto.ev);
            return;
        }
        qp->hold_until_ps = net->sim.now_ps + qp->cfg->rnr_timer_ps;
        /* The timeout would fire while we wait on purpose. */
        sim_timer_arm(&net->sim, &qp->rto,
                     qp->hold_until_ps + qp->cfg->timeout_ps);
        go_back(net, qp, i);
    } else if (syndrome != IB_AETH_ACK) {
        f->naks++;
        go_back(net, qp, i);
    }
    if (qp->hpcc)
        hpcc_resume(net, qp);
}

static void rdma_release(struct net *, struct flow *);

/* With its traffic entry's release_done, frees F's queue pair once the
 * message is whole at the responder and acknowledged at the requester
 * and nothing of it is queued or scheduled to send: its later packets
 * (duplicates, CNPs) find f->tp NULL and are discarded, as those of a
 * closed TCP connection are. */
static void
rdma_maybe_release(struct net *net, struct flow *f)
{
    const struct rdma_qp *qp = f->tp;
    if (!qp || !edge_of(net)->cfg.entries[f->entry].release_done ||
        !f->completed || !f->acked_ps || qp->data_src.ready ||
        qp->ack_src.ready || qp->cnp_src.ready ||
        event_is_scheduled(&net->sim, &qp->data_src.wake) ||
        event_is_scheduled(&net->sim, &qp->ack_src.wake) ||
        event_is_scheduled(&net->sim, &qp->cnp_src.wake))
        return;
    rdma_release(net, f);
}

static void
rdma_receive(struct net *net, struct flow *f, struct pkt *p)
{
    struct rdma_qp *qp = f->tp;
    uint8_t op = p->l4.roce.opcode;
    if (!qp) {
        pkt_free(&net->pool, p);
        return;
    }
    if (op == IB_OP_CNP) {
        if (UNLIKELY(read_cc_cnp(qp, p))) {
            qp->stream->cc->cnps++;
            dcqcn_cnp(net, &qp->stream->cc->qp);
        } else {
            dcqcn_cnp(net, qp);
        }
        pkt_free(&net->pool, p);
    } else if (op == IB_OP_ACK) {
        if (p->l4.roce.becn)
            dcqcn_cnp(net, qp);
        requester_receive(net, qp, p);
        if (UNLIKELY(qp->ns3) && qp->data_src.host)
            nic_trigger(net, qp->data_src.host);
    } else if (qp->stream && op == IB_OP_READ_REQUEST) {
        rdma_stream_read_asked(net, qp, p);
    } else if (qp->stream && op >= IB_OP_READ_RESP_FIRST &&
               op <= IB_OP_READ_RESP_ONLY) {
        rdma_stream_read_resp(net, qp, p);
    } else if (op == IB_OP_READ_REQUEST) {
        /* Responder: send (again) from the PSN asked for. */
        uint64_t k = idx_of(qp, p->l4.roce.psn, qp->next);
        pkt_free(&net->pool, p);
        if (k <= qp->next && k < qp->n_pkts) {
            qp->next = k;
            nic_activate(net, &qp->data_src);
        }
    } else {
        responder_receive(net, qp, p);
    }
    rdma_maybe_release(net, f);
}

/* P is to arrive (host.c's prefetch hook): for data (it carries
 * payload) the responder's lines, from the shared ones through its ACK's
 * source and template (an ACK is queued and pulled on the way); for an
 * ACK or a CNP the requester's shared lines. */
static void
rdma_prefetch_rx(const struct flow *f, const struct pkt *p)
{
    const struct rdma_qp *qp = f->tp;
    __builtin_prefetch(&qp->flow);
    __builtin_prefetch(&qp->isn);
    if (p->payload_bytes) {
        const char *from = (const char *)&qp->ack_src;
        const char *to = (const char *)(&qp->ctl_proto + 1);
        for (; from < to; from += 64)
            __builtin_prefetch(from);
    }
}

/* HPCC's T unless rdma.hpcc.t sets it: the flow's own base round trip,
 * a full data packet out and its ACK back, alone on the paths they take
 * (HDR: a data packet's bytes besides payload after the L2 header;
 * ACK_HDR: an ACK's).  The simulator's pairRtt is the same trip but for the ACK's
 * serialization. */
static uint64_t
base_rtt_ps(const struct net *net, const struct rdma_qp *qp, uint32_t from,
            uint32_t to, uint32_t hdr, uint32_t ack_hdr)
{
    bool vlan = edge_of_const(net)->cfg.host->vlan;
    bool ppp = ns3_headers(qp);
    struct path path;
    path_trace(net, from, to, qp->data_proto.hash0, &path);
    uint64_t t_ps = path_latency_ps(
        &path, ppp ? PPP_HDR_BYTES + hdr + qp->cfg->mtu
                   : wire_bytes_for_ip(hdr + qp->cfg->mtu, vlan));
    path_trace(net, to, from, qp->ctl_proto.hash0, &path);
    return t_ps + path_latency_ps(&path, ppp ? PPP_HDR_BYTES + ack_hdr
                                             : wire_bytes_for_ip(ack_hdr,
                                                                 vlan));
}

/* A queue pair for a new flow: a released one, whose events stay
 * registered with the engine (*REUSED), or a new one. */
static struct rdma_qp *
qp_alloc(struct net *net, bool *reused)
{
    struct rdma_qp *qp = edge_of(net)->rdma_free;
    *reused = qp != NULL;
    if (!qp) {
        /* On a cache line, as its layout asks (rdma-qp.h), in the net's
         * arena beside the others (on huge pages: fabric/arena.h). */
        qp = arena_carve(&net->arena, sizeof *qp);
        memset(qp, 0, sizeof *qp);
        return qp;
    }
    edge_of(net)->rdma_free = qp->next_free;
    struct sim_timer rto = qp->rto;
    struct event keep[3] = { qp->alpha_timer, qp->dec_timer, qp->inc_timer };
    struct tx_source src[3] = { qp->data_src, qp->ack_src, qp->cnp_src };
    memset(qp, 0, sizeof *qp);
    qp->rto = rto;
    qp->alpha_timer = keep[0];
    qp->dec_timer = keep[1];
    qp->inc_timer = keep[2];
    qp->data_src = src[0];
    qp->ack_src = src[1];
    qp->cnp_src = src[2];
    return qp;
}

/* tx_source_init(), or for a reused queue pair tx_source_reinit(). */
static void
qp_source_init(struct net *net, bool reused, struct tx_source *src,
               const struct tx_source_class *class, struct host *h,
               uint8_t tc)
{
    if (reused)
        tx_source_reinit(src, class, h, tc);
    else
        tx_source_init(src, &net->sim, class, h, tc);
}

/* The data sender is the flow's source end but for READ; the acks and
 * CNPs come from the other end. */
static size_t
rdma_sources(struct flow *f, struct tx_source **out, bool *at_src)
{
    struct rdma_qp *qp = f->tp;
    size_t n = 0;
    out[n] = &qp->data_src;
    at_src[n++] = !qp->read;
    out[n] = &qp->ack_src;
    at_src[n++] = qp->read;
    if (qp->cfg->cc == RDMA_CC_DCQCN) {
        out[n] = &qp->cnp_src;
        at_src[n++] = qp->read;
    }
    return n;
}

static void
rdma_setup(struct net *net, struct flow *f)
{
    bool reused;
    struct rdma_qp *qp = qp_alloc(net, &reused);
    f->tp = qp;
    qp->flow = f;
    qp->cfg = edge_of(net)->cfg.rdma;
    const struct edge_entry *ts = &edge_of(net)->cfg.entries[f->entry];
    qp->verb = ts->verb;
    qp->read = ts->verb == RDMA_VERB_READ;
    /* The data sender and receiver: the flow's ends, swapped for READ. */
    uint32_t from = qp->read ? f->dst : f->src;
    uint32_t to = qp->read ? f->src : f->dst;
    qp->recv_at_ps = ts->recv_at_ps;
    uint32_t mtu = qp->cfg->mtu;
    qp->n_pkts = (f->size_bytes + mtu - 1) / mtu;
    qp->wqe_idx = qp->verb == RDMA_VERB_SEND        ? 0
                  : qp->verb == RDMA_VERB_WRITE_IMM ? qp->n_pkts - 1
                                                    : UINT64_MAX;
    /* A stream's receives are always posted (no RNR). */
    if (ts->stream) {
        sim_assert(!qp->read);
        qp->stream = xcalloc(1, sizeof *qp->stream);
        qp->stream->qp = qp;
        qp->stream->rd_max = ts->rd_max;
        qp->stream->rd_gap = UINT64_MAX;
        qp->wqe_idx = UINT64_MAX;
    }
    /* The initial PSN, per QP, from the flow's own stream. */
    struct rng r;
    rng_init(&r, edge_of(net)->cfg.seed, rng_stream_id("rdma/isn") ^ f->id);
    qp->isn = (uint32_t)rng_below(&r, IB_PSN_MASK + 1);
    qp_source_init(net, reused, &qp->data_src, &rdma_data_class,
                   host_running(net, from), f->tc);
    uint8_t ack_tc = qp->cfg->ack_tc == RDMA_ACK_TC_DATA ? f->tc
                                                          : qp->cfg->ack_tc;
    qp_source_init(net, reused, &qp->ack_src, &rdma_ack_class,
                   host_running(net, to), ack_tc);
    qp->ack_src.first = qp->cfg->ack_first;
    qp->data_src.flow_id = qp->ack_src.flow_id = f->id;
    if (!reused)
        sim_timer_init(&net->sim, &qp->rto, rdma_timeout);
    f->cc = qp->cfg->cc_name;
    qp->line_bps = edge_of(net)->hosts[from].nic.port->rate_bps;
    qp->rate = qp->target = (double)qp->line_bps;
    if (qp->cfg->cc == RDMA_CC_DCQCN) {
        qp_source_init(net, reused, &qp->cnp_src, &rdma_cnp_class,
                       host_running(net, to), qp->cfg->cnp_tc);
        qp->cnp_src.flow_id = f->id;
        qp->cnp_src.first = qp->cfg->ack_first;
        if (!reused) {
            event_init(&net->sim, &qp->alpha_timer, dcqcn_alpha_timer);
            event_init(&net->sim, &qp->dec_timer, dcqcn_dec_timer);
            event_init(&net->sim, &qp->inc_timer, dcqcn_inc_timer);
        }
        qp->alpha = qp->cfg->dcqcn.alpha0;
    }

    transport_proto_pkt(net, f, IPPROTO_NUM_UDP, &qp->data_proto);
    qp->ns3 = qp->data_proto.framing == PKT_PPP;
    struct pkt *d = &qp->data_proto, *a = &qp->ctl_proto;
    d->l4.udp.dport = ROCE_UDP_PORT;
    bool v1 = f->transport == &transport_rocev1;
    bool ib = f->transport == &transport_ib;
    if (v1)
        d->eth.ethertype = ETHERTYPE_ROCEV1;
    if (ib)
        pkt_make_ib(d, f->src, f->dst, f->tc);
    /* QP numbers 0 and 1 are the subnet management and general services
     * QPs (IBTA 3.5.1): data QPs start at 2. */
    d->l4.roce.dest_qp = 2 + f->id % (IB_PSN_MASK - 1);
    *a = *d;
    /* Data (READ responses) travel from the flow's destination. */
    pkt_reverse(qp->read ? d : a);
    /* Only data is ECN-capable.  RoCEv2 control packets go to port 4791
     * too; the source port stays the flow's entropy. */
    if (qp->cfg->cc == RDMA_CC_DCQCN)
        d->ip.ecn = ECN_ECT0;
    a->ip.ecn = ECN_NOT_ECT;
    /* ACKs, NAKs and READ requests in their own class (rdma.ack_tc), as
     * the HPCC simulator's ACK_HIGH_PRIO puts them in its queue 0. */
    if (ack_tc != f->tc) {
        a->ip.dscp = (uint8_t)(ack_tc << 3);
        if (a->eth.vlan)
            a->eth.pcp = ack_tc;
        if (ib)
            a->lrh.sl = a->lrh.vl = ack_tc;
    }
    /* The simulator's ECMP key has the flow's ports, not 4791. */
    uint16_t sp = qp->read ? f->dport : f->sport;
    uint16_t dp = qp->read ? f->sport : f->dport;
    transport_route_hash(net, d, sp, dp);
    transport_route_hash(net, a, dp, sp);
    /* A stream's READ responses: data from its destination, in its class,
     * ECN-capable under DCQCN as the data (struct rdma_read_cc); no INT
     * (docs/models.md: no ACK would echo it). */
    if (qp->stream) {
        struct pkt *rp = &qp->stream->resp_proto;
        *rp = *d;
        pkt_reverse(rp);
        transport_route_hash(net, rp, dp, sp);
        tx_source_init(&qp->stream->resp_src, &net->sim,
                       &rdma_stream_resp_class,
                       &edge_of(net)->hosts[to], f->tc);
        qp->stream->resp_src.flow_id = f->id;
    }
    /* HPCC: switches fill the data packets' INT; ACKs carry it back. */
    if (qp->cfg->cc == RDMA_CC_HPCC) {
        sim_assert(!qp->read);  /* Refused by the parser: no ACKs. */
        qp->hpcc = xcalloc(1, sizeof *qp->hpcc);
        d->hooks |= PKT_HOOK_INT;
    }

    uint32_t hdr = (v1   ? IB_GRH_BYTES
                    : ib ? IB_LRH_BYTES + IB_VCRC_BYTES
                         : IPV4_HDR_BYTES + UDP_HDR_BYTES) +
                   IB_BTH_BYTES + IB_ICRC_BYTES + int_bytes(qp);
    uint32_t ack_hdr = hdr + IB_AETH_BYTES;
    if (ns3_headers(qp)) {
        hdr = IPV4_HDR_BYTES + UDP_HDR_BYTES + NS3_SEQTS_BYTES + int_bytes(qp);
        ack_hdr = IPV4_HDR_BYTES + UDP_HDR_BYTES + ns3_ctl_extra(qp);
    }
    if (qp->hpcc) {
        uint64_t t = qp->cfg->hpcc.t_ps;
        hpcc_init(&qp->hpcc->hp, &qp->cfg->hpcc, qp->line_bps,
                  t ? t : base_rtt_ps(net, qp, from, to, hdr, ack_hdr));
    }
    f->ideal_fct_ps = transport_ideal_fct(net, from, to, f->size_bytes, mtu,
                                          hdr, f->rate_bps, d->hash0);
    f->route_hash = d->hash0;
    f->route_reversed = qp->read;
    f->route_set = true;
    if (qp->read)  /* The request's trip comes first. */
        f->ideal_fct_ps += transport_ideal_fct(
            net, f->src, f->dst, 0, mtu,
            ns3_headers(qp) ? ack_hdr : hdr + IB_RETH_BYTES, 0, a->hash0);
    else  /* The last ACK's trip back, which the requester waits for. */
        f->ideal_ack_ps = transport_ideal_fct(net, to, from, 0, mtu, ack_hdr,
                                              0, a->hash0);
}

static void
rdma_start(struct net *net, struct flow *f)
{
    struct rdma_qp *qp = f->tp;
    if (qp->stream)
        rdma_stream_ready(net, qp);
    else if (qp->read)
        read_request(net, qp, 0);
    else
        nic_activate(net, &qp->data_src);
}

/* Cancels F's queue pair's timers and frees what only it uses. */
static struct rdma_qp *
qp_stop(struct net *net, struct flow *f)
{
    struct rdma_qp *qp = f->tp;
    sim_cancel(&net->sim, &qp->rto.ev);
    if (qp->cfg->cc == RDMA_CC_DCQCN) {
        sim_cancel(&net->sim, &qp->alpha_timer);
        sim_cancel(&net->sim, &qp->dec_timer);
        sim_cancel(&net->sim, &qp->inc_timer);
    }
    free(qp->hpcc);
    qp->hpcc = NULL;
    rdma_stream_free(net, qp);
    f->tp = NULL;
    return qp;
}

/* The queue pair's memory stays in the net's arena until it goes. */
static void
rdma_teardown(struct net *net, struct flow *f)
{
    (void)qp_stop(net, f);
}

/* F's queue pair to the free list, its events still registered. */
static void
rdma_release(struct net *net, struct flow *f)
{
    struct rdma_qp *qp = qp_stop(net, f);
    qp->flow = NULL;
    qp->next_free = edge_of(net)->rdma_free;
    edge_of(net)->rdma_free = qp;
}

void
rdma_pool_free(struct net *net)
{
    /* Their memory is the net's arena's. */
    edge_of(net)->rdma_free = NULL;
}

const struct transport_class transport_roce = {
    .name = "roce",
    .nic_offload = true,
    .setup = rdma_setup,
    .sources = rdma_sources,
    .start = rdma_start,
    .receive = rdma_receive,
    .prefetch_rx = rdma_prefetch_rx,
    .teardown = rdma_teardown,
    .post = rdma_post,
};

/* RoCEv1 carries the IB transport straight in Ethernet frames (EtherType
 * 0x8915, a GRH where RoCEv2 has IPv4 + UDP), so it cannot cross an IP
 * router: both hosts must hang off the same switch.  (dcsim's switches
 * still look up the destination by its host address; in one L2 domain
 * that is the port its MAC address is learnt on.  The GRH's traffic
 * class stands in for the DSCP.) */
static int
rocev1_check(const struct net *net, const struct flow *f, char **err)
{
    const struct edge *edge = edge_of_const(net);
    const struct node *sa = edge->hosts[f->src].nic.port->link.peer;
    const struct node *sb = edge->hosts[f->dst].nic.port->link.peer;
    if (sa == sb)
        return 0;
    const struct edge_entry *ts = &edge->cfg.entries[f->entry];
    *err = xasprintf(
        "%s:%u:%u: traffic.%u: protocol rocev1 cannot carry %s -> %s: they "
        "hang off different switches (%s, %s) and a RoCEv1 frame (EtherType "
        "0x8915, no IP header) cannot cross a router; expected protocol roce "
        "(RoCEv2, over UDP/IP) or both hosts on one switch",
        edge->cfg.file, ts->loc.line, ts->loc.col, (unsigned)f->entry,
        edge->hosts[f->src].up.name, edge->hosts[f->dst].up.name, sa->name,
        sb->name);
    return 2;
}

const struct transport_class transport_rocev1 = {
    .name = "rocev1",
    .nic_offload = true,
    .setup = rdma_setup,
    .sources = rdma_sources,
    .start = rdma_start,
    .receive = rdma_receive,
    .prefetch_rx = rdma_prefetch_rx,
    .teardown = rdma_teardown,
    .check = rocev1_check,
    .post = rdma_post,
};

/* Native InfiniBand (protocol ib, on a `fabric: infiniband`): the same
 * RC transport in IB's own packets, LRH + BTH (+ RETH/AETH/ImmDt) +
 * payload + ICRC + VCRC, with no Ethernet, IP or UDP (pkt_make_ib()).
 * The links' credits keep it lossless (fabric/ib.h). */
const struct transport_class transport_ib = {
    .name = "ib",
    .setup = rdma_setup,
    .sources = rdma_sources,
    .start = rdma_start,
    .receive = rdma_receive,
    .prefetch_rx = rdma_prefetch_rx,
    .teardown = rdma_teardown,
    .post = rdma_post,
};

bool
rdma_qp_sample(const struct flow *f, struct rdma_qp_sample *out)
{
    const struct rdma_qp *qp = f->tp;
    if (!qp || (f->transport != &transport_roce &&
                f->transport != &transport_rocev1 &&
                f->transport != &transport_ib))
        return false;
    memset(out, 0, sizeof *out);
    switch (qp->cfg->cc) {
    case RDMA_CC_DCQCN:
        out->rate_bps = qp->rate;
        out->target_bps = qp->target;
        out->alpha = qp->alpha;
        break;
    case RDMA_CC_HPCC:
        out->rate_bps = qp->rate;
        out->target_bps = qp->hpcc->hp.w_c * 8.0 * (double)PS_PER_S /
                          (double)qp->hpcc->hp.t_ps;
        out->window_bytes = qp->hpcc->hp.w;
        out->util = qp->hpcc->hp.u;
        break;
    case RDMA_CC_NONE:
        out->rate_bps = out->target_bps = (double)f->rate_bps;
        break;
    }
    const struct rdma_read_cc *cc = qp->stream ? qp->stream->cc : NULL;
    if (cc) {
        out->read_rate_bps = cc->qp.rate;
        out->read_min_rate_bps = cc->min_rate_bps;
        out->read_marked = cc->marked;
        out->read_cnps = cc->cnps;
    }
    return true;
}
