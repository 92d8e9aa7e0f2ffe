/* InfiniBand credit-based link-level flow control, the "ib" flow-control
 * provider; see ib.h for the model and fc-provider.h for the contract. */
#include "fabric/ib.h"

#include <stdlib.h>

#include "fabric/fc.h"
#include "fabric/net.h"
#include "fabric/node.h"
#include "fabric/port.h"
#include "sim/util.h"

#define IB_WINDOW (IB_CREDIT_MOD / 2)  /* Credits beyond FCTBS at most. */

/* FC as IB state, in the members of fc_ib: they are only ever called
 * through fc->class, so the class is known (ib_port_cast() checks it
 * where it is not). */
static inline struct ib_port *
ib_of(struct fc_port *fc)
{
    return CONTAINER_OF(fc, struct ib_port, up);
}

struct ib_port *
ib_port_create(struct port *port, enum ib_port_kind kind, uint32_t cap_blocks,
               uint32_t peer_cap_blocks)
{
    sim_assert(cap_blocks <= IB_WINDOW && peer_cap_blocks <= IB_WINDOW);
    struct ib_port *ib = xcalloc(1, sizeof *ib);
    ib->kind = (uint8_t)kind;
    ib->cap_blocks = cap_blocks;
    for (int vl = 0; vl < N_TC; vl++)
        ib->fccl[vl] = (uint16_t)peer_cap_blocks;
    port->framing_bytes = 0;
    fc_port_attach(&ib->up, &fc_ib, port);
    return ib;
}

/* May VL start a packet of BLOCKS (IBTA 7.9.4)? */
static bool
has_credits(const struct ib_port *ib, int vl, uint32_t blocks)
{
    uint32_t left = (uint32_t)(ib->fccl[vl] - (ib->fctbs[vl] + blocks)) %
                    IB_CREDIT_MOD;
    return left <= IB_WINDOW;
}

/* The credit limit PORT grants on VL now: blocks received + blocks free. */
static uint32_t
fccl_of(const struct ib_port *ib, int vl)
{
    return (ib->abr[vl] + ib->cap_blocks - ib->used_blocks[vl]) %
           IB_CREDIT_MOD;
}

/* Counts VL's wait for credits from its start to NOW. */
static void
wait_account(struct ib_port *ib, int vl, uint64_t now)
{
    struct ib_vl_stats *st = &ib->st[vl];
    uint64_t d = now - ib->starved_since_ps[vl];
    st->wait_ps += d;
    if (d > st->longest_wait_ps)
        st->longest_wait_ps = d;
}

static void
wait_end(struct ib_port *ib, int vl, uint64_t now)
{
    ib->starved &= (uint8_t)~(1u << vl);
    wait_account(ib, vl, now);
}

/* The classes of the port, among READY, whose head packet has the
 * credits it needs; the others start (or go on) waiting. */
static uint8_t
ib_tx_gate(struct net *net, struct fc_port *fc, uint8_t ready)
{
    struct ib_port *ib = ib_of(fc);
    const struct port *port = fc->port;
    uint64_t now = net->sim.now_ps;
    uint8_t ok = 0;
    for (uint8_t m = ready; m; m &= (uint8_t)(m - 1)) {
        int vl = __builtin_ctz(m);
        if (has_credits(ib, vl, ib_blocks(port_q(port, (unsigned)vl)->head->frame_bytes)))
            ok |= (uint8_t)(1u << vl);
    }
    uint8_t blocked = ready & (uint8_t)~ok;
    for (uint8_t m = blocked & (uint8_t)~ib->starved; m;
         m &= (uint8_t)(m - 1)) {
        int vl = __builtin_ctz(m);
        ib->starved_since_ps[vl] = now;
        ib->st[vl].stalls++;
    }
    for (uint8_t m = ib->starved & (uint8_t)~blocked; m;
         m &= (uint8_t)(m - 1))
        wait_end(ib, __builtin_ctz(m), now);
    ib->starved = blocked;
    return ok;
}

/* The flow-control packet owed for the lowest VL, carrying the credit
 * limit current as it starts. */
static struct pkt *
ib_ctrl_next(struct net *net, struct fc_port *fc)
{
    struct ib_port *ib = ib_of(fc);
    struct port *port = fc->port;
    int vl = __builtin_ctz(port->fc_ctrl);
    port->fc_ctrl &= (uint8_t)~(1u << vl);
    struct pkt *p = pkt_alloc(&net->pool);
    pkt_make_ib_fc(p, (uint8_t)vl, ib->fctbs[vl], fccl_of(ib, vl));
    net->st.ctrl_in_use++;
    ib->st[vl].fc_sent++;
    return p;
}

static void ib_free(struct net *, struct ib_port *, uint8_t vl,
                    uint32_t frame_bytes);

/* A data packet started: its blocks are charged against the peer's
 * credits, and at a switch they leave the input buffer they filled. */
static void
ib_tx_sent(struct net *net, struct fc_port *fc, uint8_t vl, uint8_t in_port,
           uint32_t frame_bytes)
{
    struct ib_port *ib = ib_of(fc);
    ib->fctbs[vl] = (uint16_t)((ib->fctbs[vl] + ib_blocks(frame_bytes)) %
                               IB_CREDIT_MOD);
    if (ib->kind == IB_PORT_SWITCH)
        ib_free(net, ib_of(fc->port->node->ports[in_port].fc), vl,
                frame_bytes);
}

/* A flow-control packet reached the port that sends data the other way. */
static void
fc_arrive(struct sim *sim, void *obj, uint64_t port_index)
{
    struct net *net = net_of(sim);
    struct pkt *p = obj;
    struct port *port = &net->ports[port_index];
    struct ib_port *ib = ib_port_cast(port->fc);
    int vl = p->l4.fc.vl;
    ib->fccl[vl] = p->l4.fc.fccl;
    ib->st[vl].fc_rcvd++;
    net->st.ctrl_in_use--;
    pkt_free(&net->pool, p);
    const struct port_queue *pq = port_queue_find(port, (unsigned)vl);
    if (ib->starved >> vl & 1 && pq && pq->q.head &&
        has_credits(ib, vl, ib_blocks(pq->q.head->frame_bytes))) {
        wait_end(ib, vl, sim->now_ps);
        port_kick(net, port);
    }
}

static void
ib_ctrl_sent(struct net *net, struct fc_port *fc, struct pkt *p,
             uint64_t end_ps)
{
    const struct link *l = &fc->port->link;
    struct port *peer = &l->peer->ports[l->peer_port];
    /* A link packet is consumed by the link layer: no forwarding
     * latency, only the cable. */
    sim_call(&net->sim, end_ps + link_prop_ps(net, l), fc_arrive, p,
             (uint64_t)(peer - net->ports));
}

/* Data packet P arrived: its blocks fill the buffer of its VL, always
 * within the buffer since the sender held the credits. */
static void
ib_rx_arrive(struct net *net, struct fc_port *fc, const struct pkt *p)
{
    struct ib_port *ib = ib_of(fc);
    uint8_t vl = p->lrh.vl;
    uint32_t blocks = ib_blocks(p->frame_bytes);
    ib->used_blocks[vl] += blocks;
    /* The conservation of credits: a sender never overruns a buffer. */
    sim_assert(ib->used_blocks[vl] <= ib->cap_blocks);
    if (ib->used_blocks[vl] > ib->st[vl].peak_blocks)
        ib->st[vl].peak_blocks = ib->used_blocks[vl];
    ib->abr[vl] = (uint16_t)((ib->abr[vl] + blocks) % IB_CREDIT_MOD);
    ib->st[vl].packets_rcvd++;
    /* An HCA without a receive queue hands the packet to its host as it
     * arrives: the blocks are free again at once. */
    if (ib->kind == IB_PORT_HCA)
        ib_free(net, ib, vl, p->frame_bytes);
}

/* A packet of FRAME_BYTES on VL left IB's receive buffer: give the
 * blocks back and owe the peer a flow-control packet. */
static void
ib_free(struct net *net, struct ib_port *ib, uint8_t vl, uint32_t frame_bytes)
{
    struct port *port = ib->up.port;
    uint32_t blocks = ib_blocks(frame_bytes);
    sim_assert(ib->used_blocks[vl] >= blocks);
    ib->used_blocks[vl] -= blocks;
    port->fc_ctrl |= (uint8_t)(1u << vl);
    port_kick(net, port);
}

/* Dropped inside a switch, or taken by the host from its receive queue
 * (the packet left at its HCA port, p->in_port). */
static void
ib_rx_leave(struct net *net, struct fc_port *fc, const struct pkt *p)
{
    ib_free(net, ib_of(fc), p->lrh.vl, p->frame_bytes);
}

uint64_t
ib_credit_loop_bytes(const struct net *net, const struct port *port,
                     uint32_t max_packet)
{
    const struct link *l = &port->link;
    const struct port *peer = &l->peer->ports[l->peer_port];
    uint64_t ps = ser_time_ps(max_packet, port->rate_bps) + l->delay_ps +
                  ser_time_ps(max_packet, peer->rate_bps) +
                  ser_time_ps(IB_FC_PACKET_BYTES, peer->rate_bps) +
                  link_prop_ps(net, &peer->link);
    u128 bits = (u128)port->rate_bps * ps;
    u128 bytes = (bits + 8 * PS_PER_S - 1) / (8 * PS_PER_S);
    return bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes;
}

/* Still waiting at the end: count the wait up to the end of the run, and
 * leave the VL marked waiting for the reports. */
static void
ib_finish(struct fc_port *fc, uint64_t end_ps)
{
    struct ib_port *ib = ib_of(fc);
    for (uint8_t m = ib->starved; m; m &= (uint8_t)(m - 1))
        wait_account(ib, __builtin_ctz(m), end_ps);
}

static void
ib_destroy(struct fc_port *fc)
{
    free(ib_of(fc));
}

const struct fc_class fc_ib = {
    .name = "ib",
    .ctrl_next = ib_ctrl_next,
    .ctrl_sent = ib_ctrl_sent,
    .tx_gate = ib_tx_gate,
    .tx_sent = ib_tx_sent,
    .rx_arrive = ib_rx_arrive,
    .rx_leave = ib_rx_leave,
    .finish = ib_finish,
    .destroy = ib_destroy,
};
