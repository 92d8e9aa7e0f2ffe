/* InfiniBand credit-based link-level flow control; see ib.h. */
#include "fabric/ib.h"

#include <string.h>

#include "fabric/net.h"
#include "fabric/node.h"
#include "fabric/port.h"
#include "fabric/sched.h"
#include "sim/util.h"

#define IB_WINDOW (IB_CREDIT_MOD / 2)  /* Credits beyond FCTBS at most. */

void
ib_port_init(struct ib_port *ib, struct port *port, enum ib_port_kind kind,
             uint32_t cap_blocks, uint32_t peer_cap_blocks)
{
    sim_assert(cap_blocks <= IB_WINDOW && peer_cap_blocks <= IB_WINDOW);
    memset(ib, 0, sizeof *ib);
    ib->port = port;
    ib->cap_blocks = cap_blocks;
    for (int vl = 0; vl < N_TC; vl++)
        ib->fccl[vl] = (uint16_t)peer_cap_blocks;
    port_attach_ib(port, ib, (uint8_t)kind);
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

/* The classes of PORT whose head packet has the credits it needs; the
 * others start (or go on) waiting. */
static uint8_t
credited(struct ib_port *ib, const struct port *port, uint64_t now)
{
    uint8_t ok = 0;
    for (uint8_t m = port->eligible; m; m &= (uint8_t)(m - 1)) {
        int vl = __builtin_ctz(m);
        if (has_credits(ib, vl, ib_blocks(port->q[vl].head->frame_bytes)))
            ok |= (uint8_t)(1u << vl);
    }
    uint8_t blocked = port->eligible & (uint8_t)~ok;
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

struct pkt *
ib_next(struct net *net, struct port *port, int *tc)
{
    struct ib_port *ib = port->ibp;
    if (ib->fc_due) {
        int vl = __builtin_ctz(ib->fc_due);
        ib->fc_due &= (uint8_t)~(1u << vl);
        struct pkt *p = pkt_alloc(&net->pool);
        pkt_make_ib_fc(p, (uint8_t)vl, ib->fctbs[vl], fccl_of(ib, vl));
        net->st.ctrl_in_use++;
        ib->st[vl].fc_sent++;
        *tc = -1;
        return p;
    }
    uint64_t now = net->sim.now_ps;
    int vl = sched_pick(port->sched, port, credited(ib, port, now));
    if (vl < 0)
        return NULL;
    struct pkt *p = port_dequeue(port, vl, now);
    ib->fctbs[vl] = (uint16_t)((ib->fctbs[vl] + ib_blocks(p->frame_bytes)) %
                               IB_CREDIT_MOD);
    *tc = vl;
    return p;
}

/* A flow-control packet reached the port that sends data the other way. */
static void
fc_arrive(struct sim *sim, void *obj, uint64_t port_index)
{
    struct net *net = net_of(sim);
    struct pkt *p = obj;
    struct port *port = &net->ports[port_index];
    struct ib_port *ib = port->ibp;
    int vl = p->l4.fc.vl;
    ib->fccl[vl] = p->l4.fc.fccl;
    ib->st[vl].fc_rcvd++;
    net->st.ctrl_in_use--;
    pkt_free(&net->pool, p);
    if (ib->starved >> vl & 1 && port->q[vl].head &&
        has_credits(ib, vl, ib_blocks(port->q[vl].head->frame_bytes))) {
        wait_end(ib, vl, sim->now_ps);
        port_kick(net, port);
    }
}

void
ib_fc_sent(struct net *net, struct port *port, struct pkt *p,
           uint64_t end_of_packet_ps)
{
    const struct link *l = &port->link;
    struct port *peer = &l->peer->ports[l->peer_port];
    /* A link packet is consumed by the link layer: no forwarding
     * latency, only the cable. */
    sim_call(&net->sim, end_of_packet_ps + l->prop_ps, fc_arrive, p,
             (uint64_t)(peer - net->ports));
}

void
ib_arrive(struct net *net, struct port *port, const struct pkt *p)
{
    struct ib_port *ib = port->ibp;
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
    if (port->ib == IB_PORT_HCA && !net->cfg.hca_rx_queue)
        ib_free(net, port, vl, p->frame_bytes);
}

void
ib_free(struct net *net, struct port *port, uint8_t vl, uint32_t frame_bytes)
{
    struct ib_port *ib = port->ibp;
    uint32_t blocks = ib_blocks(frame_bytes);
    sim_assert(ib->used_blocks[vl] >= blocks);
    ib->used_blocks[vl] -= blocks;
    ib->fc_due |= (uint8_t)(1u << vl);
    port_kick(net, port);
}

uint64_t
ib_credit_loop_bytes(const struct port *port, uint32_t max_packet)
{
    const struct link *l = &port->link;
    const struct port *peer = &l->peer->ports[l->peer_port];
    uint64_t ps = ser_time_ps(max_packet, port->rate_bps) + l->delay_ps +
                  ser_time_ps(max_packet, peer->rate_bps) +
                  ser_time_ps(IB_FC_PACKET_BYTES, peer->rate_bps) +
                  peer->link.prop_ps;
    u128 bits = (u128)port->rate_bps * ps;
    return (uint64_t)((bits + 8 * PS_PER_S - 1) / (8 * PS_PER_S));
}

void
ib_finish(struct net *net, uint64_t end_ps)
{
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct ib_port *ib = net->ports[i].ibp;
        if (!ib)
            continue;
        /* Still waiting: count the wait up to the end of the run, and
         * leave the VL marked waiting for the reports. */
        for (uint8_t m = ib->starved; m; m &= (uint8_t)(m - 1))
            wait_account(ib, __builtin_ctz(m), end_ps);
    }
}
