/* Message streams on an RC queue pair (transport_open_stream()): a QP
 * that stays open and carries messages posted one after another, SENDs,
 * WRITEs and READs in any mix, their packets one PSN sequence (IBTA 9.5,
 * ordering rules).  Here are the stream's bookkeeping (which message a
 * packet belongs to, when each completes, forgetting those done) and its
 * RDMA READs: the requester's READ requests, the responder's READ
 * responses from a source of their own, with DCQCN for them, and the
 * requester's receipt of them.  The queue pair's state and the stream's
 * structs are in rdma-qp.h; rdma.c's requester and responder call in
 * here for a stream's packets, and this file calls back into them
 * (rdma_data_paced(), rdma_queue_ack(), rdma_acked_to(), ...). */
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "host/edge.h"
#include "host/host.h"
#include "transport/flow.h"
#include "transport/rdma-qp.h"
#include "transport/transport.h"
/* ---- Message streams: the messages posted on a stream QP, oldest
 * first, each sendable once its work request has been posted (`start`),
 * its packets numbered on from the message before it (the structs are
 * in rdma-qp.h). ---- */

/* The sendable message holding packet IDX (< qp->n_pkts). */
struct rdma_msg *
rdma_stream_msg(const struct rdma_stream *st, uint64_t idx)
{
    uint32_t lo = 0, hi = st->ready;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (st->m[mid].first <= idx)
            lo = mid;
        else
            hi = mid;
    }
    sim_assert(lo < st->ready && idx >= st->m[lo].first &&
               idx < st->m[lo].end);
    return &st->m[lo];
}

void
rdma_post(struct net *net, struct flow *f, uint64_t bytes,
          enum rdma_verb verb, uint64_t tag)
{
    struct rdma_stream *st = ((struct rdma_qp *)f->tp)->stream;
    (void)net;
    sim_assert(st && bytes > 0 &&
               (verb == RDMA_VERB_SEND || verb == RDMA_VERB_WRITE ||
                verb == RDMA_VERB_READ));
    if (st->n == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 8;
        st->m = xrealloc(st->m, st->cap * sizeof *st->m);
    }
    st->m[st->n++] = (struct rdma_msg){ .bytes = bytes, .tag = tag,
                                        .verb = verb };
}

/* `start` on a stream: the oldest message not yet sendable becomes so,
 * its packets after the last message's. */
void
rdma_stream_ready(struct net *net, struct rdma_qp *qp)
{
    struct rdma_stream *st = qp->stream;
    sim_assert(st->ready < st->n);
    struct rdma_msg *m = &st->m[st->ready++];
    m->first = qp->n_pkts;
    m->bytes_before = qp->flow->size_bytes;
    qp->n_pkts += (m->bytes + qp->cfg->mtu - 1) / qp->cfg->mtu;
    m->end = qp->n_pkts;
    qp->flow->size_bytes += m->bytes;
    if (qp->failed)
        return;
    dcqcn_resume_idle(net, qp);
    nic_activate(net, &qp->data_src);
}

/* The responder's in-order packets reach qp->expected: the messages now
 * whole complete, in order. */
void
rdma_stream_delivered(struct net *net, struct rdma_qp *qp)
{
    struct rdma_stream *st = qp->stream;
    while (st->rx < st->ready && st->m[st->rx].end <= qp->expected) {
        const struct rdma_msg *m = &st->m[st->rx++];
        /* A READ completes when its data is back (rdma_stream_read_resp()). */
        if (m->verb != RDMA_VERB_READ)
            transport_msg_done(net, qp->flow, m->tag);
    }
}

/* Forgets the messages delivered and acknowledged. */
void
rdma_stream_retire(struct rdma_qp *qp)
{
    struct rdma_stream *st = qp->stream;
    uint32_t k = 0;
    while (k < st->rx && st->m[k].end <= qp->una &&
           (st->m[k].verb != RDMA_VERB_READ ||
            st->m[k].got == st->m[k].end - st->m[k].first))
        k++;
    if (!k)
        return;
    memmove(st->m, st->m + k, (st->n - k) * sizeof *st->m);
    st->n -= k;
    st->ready -= k;
    st->rx -= k;
}

void
rdma_stream_free(struct net *net, struct rdma_qp *qp)
{
    if (qp->stream) {
        sim_cancel(&net->sim, &qp->stream->resp_src.wake);
        struct rdma_read_cc *cc = qp->stream->cc;
        if (cc) {
            sim_cancel(&net->sim, &cc->qp.alpha_timer);
            sim_cancel(&net->sim, &cc->qp.dec_timer);
            sim_cancel(&net->sim, &cc->qp.inc_timer);
            sim_cancel(&net->sim, &cc->qp.cnp_src.wake);
            free(cc);
        }
        free(qp->stream->m);
    }
    free(qp->stream);
    qp->stream = NULL;
}

/* ---- RDMA READs on a stream (IBTA 9.4.3, 9.5, 9.7.4.1.4): the
 * requester sends one READ request (BTH + RETH) naming the first PSN of
 * the message's responses, which take as many PSNs as they have
 * packets; the responder answers with READ response packets (AETH on
 * the first and last), which acknowledge everything before them.  At
 * most rd_max READs are outstanding (the ORD): a READ beyond it, and
 * every message behind it, waits in the send queue.  A response found
 * missing makes the requester ask again from it, and go back N. ---- */

/* The first packet not yet acknowledged by a READ's responses: ACKs of
 * later messages do not pass it. */
uint64_t
rdma_stream_read_floor(const struct rdma_stream *st)
{
    for (uint32_t k = 0; k < st->ready; k++) {
        const struct rdma_msg *m = &st->m[k];
        if (m->verb == RDMA_VERB_READ && m->requested &&
            m->got < m->end - m->first)
            return m->first + m->got;
    }
    return UINT64_MAX;
}

/* The requester's next packet is READ M's (from qp->next on): its
 * request, unless the ORD is reached by others. */
struct pkt *
rdma_stream_read_request(struct net *net, struct rdma_qp *qp,
                         struct rdma_msg *m, uint64_t *next_ready)
{
    struct rdma_stream *st = qp->stream;
    if (!m->requested) {
        if (st->rd_max && st->rd_out >= st->rd_max) {
            *next_ready = TIME_NEVER;   /* A READ's end wakes it. */
            return NULL;
        }
        m->requested = true;
        st->rd_out++;
    }
    uint64_t i = qp->next;
    qp->next = m->end;
    struct pkt *p = pkt_alloc(&net->pool);
    *p = qp->data_proto;
    p->payload_bytes = 0;
    p->seq = (uint32_t)i;
    p->l4.roce.opcode = IB_OP_READ_REQUEST;
    p->l4.roce.psn = psn_of(qp, i);
    p->l4.roce.ack_req = true;
    p->l4_extra = ns3_headers(qp) ? NS3_SEQTS_BYTES + int_bytes(qp)
                                  : IB_BTH_BYTES + IB_RETH_BYTES +
                                        IB_ICRC_BYTES + int_bytes(qp);
    pkt_set_lengths(p);
    qp->flow->pkts_sent++;
    if (i < qp->high)
        qp->flow->retx_pkts++;
    qp->high = MAX(qp->high, m->end);
    if (!event_is_scheduled(&net->sim, &qp->rto.ev))
        arm_rto(net, qp);
    return rdma_data_paced(net, qp, p, next_ready);
}

/* The first READ of QP's stream under DCQCN: its responses' reaction
 * point (the responder's end, on its NIC's rate) and notification point
 * (CNPs from the requester, in rdma.cnp_tc, to the responder's queue
 * pair number). */
static void
read_cc_create(struct net *net, struct rdma_qp *qp)
{
    struct rdma_read_cc *cc = xcalloc(1, sizeof *cc);
    struct rdma_qp *rq = &cc->qp;
    struct flow *f = qp->flow;
    cc->cfg = *qp->cfg;
    cc->cfg.dcqcn.cnp_on_ack = false;
    rq->cfg = &cc->cfg;
    rq->flow = f;
    rq->n_pkts = 1;
    rq->una = 1;
    rq->line_bps = edge_of(net)->hosts[f->dst].nic.port->rate_bps;
    rq->rate = rq->target = (double)rq->line_bps;
    rq->alpha = cc->cfg.dcqcn.alpha0;
    cc->min_rate_bps = rq->rate;
    event_init(&net->sim, &rq->alpha_timer, dcqcn_alpha_timer);
    event_init(&net->sim, &rq->dec_timer, dcqcn_dec_timer);
    event_init(&net->sim, &rq->inc_timer, dcqcn_inc_timer);
    /* A CNP goes the way the requester's data does. */
    rq->data_proto = qp->data_proto;
    rq->ctl_proto = qp->data_proto;
    rq->ctl_proto.ip.ecn = ECN_NOT_ECT;
    rq->ctl_proto.l4.roce.dest_qp = qp->data_proto.l4.roce.dest_qp ^ 0x800000;
    tx_source_init(&rq->cnp_src, &net->sim, &rdma_cnp_class,
                   host_running(net, f->src), qp->cfg->cnp_tc);
    rq->cnp_src.flow_id = f->id;
    rq->cnp_src.first = qp->cfg->ack_first;
    qp->stream->cc = cc;
}

/* READ response P (WIRE bytes) leaves the responder now: the next may
 * at its DCQCN rate. */
static uint64_t
read_cc_paced(struct net *net, struct rdma_read_cc *cc, const struct pkt *p)
{
    struct rdma_qp *rq = &cc->qp;
    uint32_t wire = pkt_wire_bytes(p);
    dcqcn_sent(net, rq, wire);
    if (rq->rate < cc->min_rate_bps)
        cc->min_rate_bps = rq->rate;
    uint64_t now = net->sim.now_ps;
    return (uint64_t)rq->rate < rq->line_bps
               ? now + ser_time_ps(wire, (uint64_t)rq->rate)
               : now;
}

/* Responder: the READ responses owed, one packet a turn. */
static struct pkt *
stream_pull_resp(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct rdma_stream *st = CONTAINER_OF(src, struct rdma_stream, resp_src);
    struct rdma_qp *qp = st->qp;
    *next_ready = TIME_NEVER;
    struct pkt *p = NULL;
    uint64_t next_ps = net->sim.now_ps;
    while (!p && st->n && st->resp_next < st->resp_limit) {
        st->resp_next = MAX(st->resp_next, st->m[0].first);
        const struct rdma_msg *m = rdma_stream_msg(st, st->resp_next);
        if (m->verb != RDMA_VERB_READ) {
            st->resp_next = m->end;
            continue;
        }
        uint64_t i = st->resp_next++;
        uint32_t mtu = qp->cfg->mtu;
        p = pkt_alloc(&net->pool);
        *p = st->resp_proto;
        p->seq = (uint32_t)i;
        p->payload_bytes = i + 1 < m->end
                               ? mtu
                               : (uint32_t)(m->bytes - (i - m->first) * mtu);
        bool last = i + 1 == m->end;
        int pos = i == m->first ? (last ? PKT_ONLY : PKT_FIRST)
                                : (last ? PKT_LAST : PKT_MIDDLE);
        p->l4.roce.opcode = rdma_verb_pkts[RDMA_VERB_READ].opcode[pos];
        p->l4.roce.psn = psn_of(qp, i);
        p->l4_extra = ns3_headers(qp)
                          ? NS3_SEQTS_BYTES
                          : IB_BTH_BYTES +
                                rdma_verb_pkts[RDMA_VERB_READ].ext_bytes[pos] +
                                IB_ICRC_BYTES;
        p->ip.id = (uint16_t)i;
        pkt_set_lengths(p);
        qp->flow->pkts_sent++;
        if (st->cc)
            next_ps = read_cc_paced(net, st->cc, p);
    }
    /* Skip to the next READ, so that an ACK behind none goes. */
    while (st->n && st->resp_next < st->resp_limit) {
        const struct rdma_msg *m = rdma_stream_msg(st, st->resp_next);
        if (m->verb == RDMA_VERB_READ)
            break;
        st->resp_next = m->end;
    }
    if (st->cc)
        st->cc->qp.una = st->resp_next < st->resp_limit ? 0 : 1;
    if (st->resp_next < st->resp_limit)
        *next_ready = next_ps;
    else if (qp->ack_pending && !qp->ack_src.ready)
        sim_schedule(&net->sim, &qp->ack_src.wake, net->sim.now_ps);
    return p;
}

const struct tx_source_class rdma_stream_resp_class = {
    .name = "roce-read-resp",
    .pull = stream_pull_resp,
};

/* Responder: a READ request for packets from IDX on arrived. */
void
rdma_stream_read_asked(struct net *net, struct rdma_qp *qp, struct pkt *p)
{
    struct rdma_stream *st = qp->stream;
    uint64_t i = idx_of(qp, p->l4.roce.psn, qp->expected);
    if (p->ip.ecn == ECN_CE && qp->cfg->cc == RDMA_CC_DCQCN)
        dcqcn_marked(net, qp);
    if (i > qp->expected) {
        /* Ahead of a lost packet: a sequence error, as for data. */
        rdma_sequence_error(net, qp, i, p);
    } else if (st->n && i >= st->m[0].first) {
        const struct rdma_msg *m = rdma_stream_msg(st, i);
        if (i == qp->expected) {
            qp->expected = m->end;
            qp->nak_sent = false;
        }
        if (m->verb == RDMA_VERB_READ) {
            /* New, or asked again (responses lost): send from I. */
            if (st->resp_next >= st->resp_limit || i < st->resp_next)
                st->resp_next = i;
            st->resp_limit = MAX(st->resp_limit, m->end);
            if (!st->cc && qp->cfg->cc == RDMA_CC_DCQCN)
                read_cc_create(net, qp);
            if (st->cc && st->cc->qp.una) {
                st->cc->qp.una = 0;
                dcqcn_resume_idle(net, &st->cc->qp);
            }
            nic_activate(net, &st->resp_src);
        } else if (i < qp->expected) {
            rdma_queue_ack(net, qp, IB_AETH_ACK, qp->expected - 1, p);
        }
        rdma_stream_delivered(net, qp);
    }
    pkt_free(&net->pool, p);
}

/* Requester: a READ response arrived. */
void
rdma_stream_read_resp(struct net *net, struct rdma_qp *qp, struct pkt *p)
{
    struct rdma_stream *st = qp->stream;
    struct flow *f = qp->flow;
    uint64_t j = idx_of(qp, p->l4.roce.psn, qp->una);
    uint32_t bytes = p->payload_bytes;
    if (p->ip.ecn == ECN_CE && st->cc) {
        st->cc->marked++;
        dcqcn_marked(net, &st->cc->qp);
    }
    pkt_free(&net->pool, p);
    if (qp->failed || j >= qp->high || !st->n || j < st->m[0].first)
        return;
    struct rdma_msg *m = rdma_stream_msg(st, j);
    uint64_t want = m->first + m->got;
    if (m->verb != RDMA_VERB_READ || j < want)
        return;                         /* A duplicate. */
    if (j > want) {
        /* One lost: ask again from it, once per loss. */
        if (st->rd_gap != want) {
            st->rd_gap = want;
            f->naks++;
            go_back(net, qp, want);
        }
        return;
    }
    m->got++;
    st->rd_gap = UINT64_MAX;
    f->bytes_delivered += bytes;
    edge_of(net)->st.bytes_delivered += bytes;
    uint64_t tag = m->tag;
    bool whole = j + 1 == m->end;
    if (whole)
        st->rd_out--;
    rdma_acked_to(net, qp, MIN(j + 1, rdma_stream_read_floor(st)));
    if (!whole)
        return;
    /* The ORD has room again. */
    if (qp->next < qp->n_pkts && !qp->failed)
        nic_activate(net, &qp->data_src);
    transport_msg_done(net, f, tag);
}
