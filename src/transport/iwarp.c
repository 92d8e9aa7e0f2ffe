/* iWARP (RFC 5040 RDMAP, 5041 DDP, 5044 MPA) over dcsim's TCP: the
 * RNIC's message streams, its queue of work requests bounded by the ORD
 * (outstanding RDMA Read Requests), and Read Responses that the
 * responder's RNIC sends by itself on the connection's other direction.
 * The connection is TCP's (tcp.c), which cuts each segment as one FPDU
 * with the framing of iwarp.h; this file is what iWARP adds above it. */
#include "transport/iwarp.h"

#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"

#define IWARP_READ_REQ_BYTES 28

/* iWARP: the messages whose work requests have run join C's byte
 * stream, in order; a Read Request beyond the ORD (rd_max outstanding)
 * waits, and so does every message behind it, until a Read Response
 * ends one (the RNIC's send queue, RFC 5040's ORD as MPA's connection
 * setup negotiates it, RFC 6581). */
static void
iwarp_join(struct net *net, struct tcp_conn *c)
{
    struct flow *f = c->flow;
    while (c->n_started) {
        struct tcp_msg *m = &c->msgs[c->msg_head + c->n_msgs - c->n_posted];
        if (m->kind == TCP_MSG_READ_REQ) {
            if (c->rd_max && c->reads_out >= c->rd_max)
                break;
            c->reads_out++;
        }
        restart_after_idle(net, c);
        f->size_bytes += m->end;
        m->end = f->size_bytes;
        c->n_posted--;
        c->n_started--;
    }
    sender_wake(net, c);
}

/* iWARP: Read Request M of stream C is here whole; the responder's RNIC
 * answers it with its Read Response on the connection's other direction
 * (the peer stream), ahead of the messages whose work requests it has
 * not had yet.  No CPU takes part (RFC 5040: the Data Source's RNIC
 * reads the source buffer and sends the response itself). */
void
iwarp_read_respond(struct net *net, struct tcp_conn *c,
                   const struct tcp_msg *m)
{
    sim_assert(c->peer && c->peer->tp);
    struct flow *pf = c->peer;
    struct tcp_conn *r = pf->tp;
    msgs_room(r);
    struct tcp_msg *at = &r->msgs[r->msg_head + r->n_msgs - r->n_posted];
    memmove(at + 1, at, r->n_posted * sizeof *at);
    r->n_msgs++;
    restart_after_idle(net, r);
    pf->size_bytes += m->read_bytes;
    *at = (struct tcp_msg){ .end = pf->size_bytes, .tag = m->tag,
                            .kind = TCP_MSG_READ_RESP };
    sender_wake(net, r);
}

/* iWARP: a Read Response is here whole on stream C: its Read Request,
 * on the peer stream, is over (completed there, where it was posted)
 * and frees a place in the peer's ORD. */
void
iwarp_read_done(struct net *net, struct tcp_conn *c, uint64_t tag)
{
    struct flow *rf = c->peer;
    struct tcp_conn *q = rf->tp;
    sim_assert(q->reads_out > 0);
    q->reads_out--;
    iwarp_join(net, q);
    transport_msg_done(net, rf, tag);
}

/* Stream C: an RDMAP message of VERB, BYTES long (a READ's request its
 * 28 B, the BYTES coming back on the peer stream), queued to join the
 * byte stream once its work request has run (iwarp_start()); tcp_post()
 * has made room for it. */
void
iwarp_post(struct tcp_conn *c, uint64_t bytes, enum rdma_verb verb,
           uint64_t tag)
{
    uint8_t kind = verb == RDMA_VERB_SEND   ? TCP_MSG_SEND
                   : verb == RDMA_VERB_READ ? TCP_MSG_READ_REQ
                                            : TCP_MSG_BYTES;
    bool rd = kind == TCP_MSG_READ_REQ;
    c->msgs[c->msg_head + c->n_msgs++] = (struct tcp_msg){
        .end = rd ? IWARP_READ_REQ_BYTES : bytes, .tag = tag,
        .read_bytes = rd ? bytes : 0, .kind = kind };
    c->n_posted++;
}

/* iWARP message streams: the RNIC's connection is open from the stream's
 * opening (transport_open_stream() calls `setup` only, for a NIC-run
 * transport); `start` is then called once per posted message, when its
 * work request has run, and lets it join the byte stream. */
static void
iwarp_setup(struct net *net, struct flow *f)
{
    tcp_setup(net, f);
    if (edge_of(net)->cfg.entries[f->entry].stream)
        tcp_start(net, f);
}

static void
iwarp_start(struct net *net, struct flow *f)
{
    struct tcp_conn *c = f->tp;
    if (!c || !c->stream) {
        tcp_start(net, f);
        return;
    }
    sim_assert(c->n_posted > c->n_started);
    c->n_started++;
    iwarp_join(net, c);
}

/* Streams A and B are the two directions of one iWARP connection. */
static void
iwarp_pair(struct net *net, struct flow *a, struct flow *b)
{
    (void)net;
    struct tcp_conn *ca = a->tp, *cb = b->tp;
    sim_assert(ca && cb && ca->stream && cb->stream);
    ca->peer = b;
    cb->peer = a;
}

const struct transport_class transport_iwarp = {
    .name = "iwarp",
    /* An RNIC runs TCP, MPA and DDP itself (RFC 5040-5044). */
    .nic_offload = true,
    .setup = iwarp_setup,
    .start = iwarp_start,
    .sources = tcp_sources,
    .receive = tcp_receive,
    .prefetch_rx = tcp_prefetch_rx,
    .post = tcp_post,
    .pair = iwarp_pair,
};
