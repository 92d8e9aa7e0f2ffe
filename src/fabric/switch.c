/* Switch forwarding; see switch.h. */
#include "fabric/switch.h"

#include <string.h>

#include "fabric/fc.h"
#include "fabric/flood.h"
#include "fabric/net.h"
#include "fabric/ns3-ecmp.h"
#include "fabric/port.h"
#include "fabric/sw-cpu.h"
#include "fabric/tunnel.h"
#include "sim/crc32.h"
#include "sim/util.h"

uint32_t
ecmp_select(uint32_t h, uint32_t n)
{
    /* MurmurHash3 fmix32 (Appleby, public domain). */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h % n;
}

void
switch_init(struct sw *s, uint32_t id, const char *name, uint8_t tier,
            uint32_t ecmp_seed)
{
    memset(s, 0, sizeof *s);
    s->up.class = &switch_class;
    s->up.id = id;
    s->up.name = name;
    s->up.tier = tier;
    s->ecmp_seed = ecmp_seed;
    static const uint8_t zeros[13];
    s->ecmp_xor = crc32_update(ecmp_seed, zeros, sizeof zeros);
}

/* Port index, on switch node SWITCH_ID, of the cable to node N, or -1. */
static int
port_towards(const struct node *n, uint32_t switch_id)
{
    for (uint16_t i = 0; i < n->n_ports; i++)
        if (n->ports[i].link.peer->id == switch_id)
            return n->ports[i].link.peer_port;
    return -1;
}

/* switch_route(), inline on the forwarding path. */
static ALWAYS_INLINE int
route_port(const struct net *net, const struct sw *s, uint32_t src_host,
           uint32_t dst_host, uint32_t hash0)
{
    uint16_t g = sw_route(s, net->host_group[dst_host]);
    if (g == ROUTE_DIRECT) {
        uint8_t home = net->home_port[dst_host];
        return home != HOME_PORT_MULTI
                   ? home
                   : port_towards(net->nodes[dst_host], s->up.id);
    }
    const struct ecmp_group *grp = &s->groups[g];
    if (grp->n == 0)
        return -1;
    if (grp->n == 1)
        return s->group_ports[grp->first];
    if (UNLIKELY(net->ns3_ip != NULL))
        return s->group_ports[grp->first +
                              ns3_ecmp_hash(net->ns3_ip[src_host],
                                            net->ns3_ip[dst_host], hash0,
                                            s->ecmp_seed) % grp->n];
    uint32_t h = switch_ecmp_hash(s, hash0);
    return s->group_ports[grp->first + ecmp_select(h, grp->n)];
}

int
switch_route(const struct net *net, const struct sw *s, uint32_t src_host,
             uint32_t dst_host, uint32_t hash0)
{
    return route_port(net, s, src_host, dst_host, hash0);
}

/* The egress port by which S forwards P to its destination host, or -1
 * (no such host, or no route): what switch_forward() does and its
 * prefetch hook foresees. */
static ALWAYS_INLINE int
switch_out_port(const struct net *net, const struct sw *s,
                const struct pkt *p)
{
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    uint32_t src = net->ns3_ip ? net_host_of_ip(net, p->ip.src) : 0;
    return dst == UINT32_MAX || src == UINT32_MAX
               ? -1
               : route_port(net, s, src, dst, p->hash0);
}

/* Drops P inside S; under flow control that watches arrivals (IB) it
 * leaves the input buffer it filled. */
static void
switch_drop(struct net *net, struct sw *s, struct pkt *p,
            enum drop_reason why)
{
    fc_rx_leave(net, &s->up.ports[p->in_port], p);
    net_drop(net, p, why);
}

/* P cannot be forwarded (for WHY): it goes to S's control plane if it is
 * addressed to S and the net has one (sw-cpu.h), else it is dropped. */
static void __attribute__((noinline))
switch_unforwardable(struct net *net, struct sw *s, struct pkt *p,
                     enum drop_reason why)
{
    if (net->cpu && p->ip.dst == pkt_switch_ip(s->up.id - net->n_hosts)) {
        fc_rx_leave(net, &s->up.ports[p->in_port], p);
        net->cpu->class->receive(net->cpu, net, s, p);
        return;
    }
    if (net->sw_anchor && why == DROP_NO_ROUTE &&
        (p->ip.dst & PKT_SWITCH_MASK) == PKT_SWITCH_NET &&
        p->ip.dst - PKT_SWITCH_NET < net->n_switches) {
        /* Another switch's address, routed (multi-hop sessions). */
        int out = switch_route_switch(net, s, p->ip.dst - PKT_SWITCH_NET,
                                      p->hash0);
        if (out >= 0) {
            port_send(net, &s->up.ports[out], p, qos_classify(s->qos, p));
            return;
        }
    }
    switch_drop(net, s, p, why);
}

/* Whether port P of a switch leads to node N over a cable not withdrawn
 * (its switch has not detected it down). */
static bool
cable_to(const struct port *p, const struct node *n)
{
    return p->link.peer == n && !p->link.withdrawn;
}

int
switch_route_switch(const struct net *net, const struct sw *s, uint32_t x,
                    uint32_t hash0)
{
    const struct node *to = &net->switches[x].up;
    for (uint16_t i = 0; i < s->up.n_ports; i++)
        if (cable_to(&s->up.ports[i], to))
            return i;
    if (net->sw_anchor[x] != UINT32_MAX)
        /* The source host matters only to ns3's hash, which runs
         * without switch addresses (it is refused with an overlay). */
        return switch_route(net, s, 0, net->sw_anchor[x], hash0);
    /* No host hangs from X: through a neighbour cabled to it. */
    uint8_t via[256];
    uint32_t n = 0;
    for (uint16_t i = 0; i < s->up.n_ports && n < 256; i++) {
        const struct port *p = &s->up.ports[i];
        const struct node *y = p->link.peer;
        if (p->link.withdrawn || y->class != &switch_class)
            continue;
        for (uint16_t j = 0; j < y->n_ports; j++)
            if (cable_to(&y->ports[j], to)) {
                via[n++] = (uint8_t)i;
                break;
            }
    }
    if (!n)
        return -1;
    return via[ecmp_select(switch_ecmp_hash(s, hash0), n)];
}

void
net_route_switches(struct net *net)
{
    if (net->sw_anchor)
        return;
    net->sw_anchor = xmalloc(((size_t)net->n_switches + 1) *
                             sizeof *net->sw_anchor);
    for (uint32_t x = 0; x < net->n_switches; x++)
        net->sw_anchor[x] = UINT32_MAX;
    for (uint32_t h = net->n_hosts; h-- > 0;) {
        const struct node *n = net->nodes[h];
        if (net->home_port[h] == HOME_PORT_MULTI || n->n_ports != 1)
            continue;
        const struct node *to = n->ports[0].link.peer;
        net->sw_anchor[to->id - net->n_hosts] = h;
    }
}

void
sw_cpu_send(struct net *net, struct sw *s, uint8_t port, struct pkt *p,
            uint8_t tc)
{
    /* Its buffer accounting charges the egress port's own ingress: the
     * CPU's port has none of its own here. */
    p->in_port = port;
    net->st.ctrl_in_use++;
    port_send(net, &s->up.ports[port], p, tc);
}

/* Forwards P by S's tables, or by HINT, 1 + the egress port they give P
 * (0: none; switch_receive()). */
static ALWAYS_INLINE void
switch_forward_by(struct net *net, struct sw *s, struct pkt *p, uint8_t hint)
{
    if (p->ip.ttl <= 1) {
        switch_unforwardable(net, s, p, DROP_TTL);
        return;
    }
    p->ip.ttl--;
    int out = hint ? hint - 1 : switch_out_port(net, s, p);
    if (out < 0) {
        switch_unforwardable(net, s, p, DROP_NO_ROUTE);
        return;
    }
    port_send(net, &s->up.ports[out], p, qos_classify(s->qos, p));
}

static ALWAYS_INLINE void
switch_forward(struct net *net, struct sw *s, struct pkt *p)
{
    switch_forward_by(net, s, p, 0);
}

static void
forward_late(struct sim *sim, void *obj, uint64_t switch_index)
{
    struct net *net = net_of(sim);
    switch_forward(net, &net->switches[switch_index], obj);
}

/* Scenario `faults`: lose the packet, or hold it back so that packets
 * behind it overtake it.  Returns true if it took the packet. */
static bool
inject_fault(struct net *net, struct sw *s, struct pkt *p)
{
    const struct fault_spec *fs = net->cfg.faults;
    if (fs->loss > 0 && rng_uniform(&net->fault_rng) < fs->loss) {
        switch_drop(net, s, p, DROP_FAULT);
        return true;
    }
    if (fs->reorder > 0 && rng_uniform(&net->fault_rng) < fs->reorder) {
        sim_call(&net->sim, net->sim.now_ps + fs->reorder_delay_ps,
                 forward_late, p, (uint64_t)(s - net->switches));
        return true;
    }
    return false;
}

/* After the tunnel endpoint: the faults, then bridging (a BUM frame) or
 * forwarding. */
static void
switch_receive_rest(struct net *net, struct sw *s, struct pkt *p)
{
    if (net->faulty && inject_fault(net, s, p))
        return;
    if (p->bum) {
        /* A VLAN's broadcast or unknown unicast: bridged (flood.h). */
        enum drop_reason why = flood_forward(net, s, p);
        if (why != DROP_N_REASONS)
            switch_drop(net, s, p, why);
        return;
    }
    switch_forward(net, s, p);
}

/* A packet at a switch with a tunnel endpoint, faults or VLAN flooding:
 * the endpoint first (and after the packet, the replicas it made), then
 * the rest.  Kept out of line so that the common path below is a test
 * and a tail call. */
static void __attribute__((noinline))
switch_receive_slow(struct net *net, struct sw *s, struct pkt *p)
{
    if (!s->tunnel) {
        switch_receive_rest(net, s, p);
        return;
    }
    struct sw_tunnel_out out = { 0 };
    enum drop_reason why = sw_tunnel_receive(s->tunnel, net, s, p, &out);
    if (!out.taken && why != DROP_N_REASONS)
        switch_drop(net, s, p, why);
    else if (!out.taken)
        switch_receive_rest(net, s, p);
    while (out.copies) {
        struct pkt *c = out.copies;
        out.copies = c->next;
        c->next = NULL;
        net->st.flood_copies++;
        switch_receive_rest(net, s, c);
    }
}

/* 1 + the egress port the prefetch stage left P (switch_prefetch_rx()),
 * if S's tables still give it, else 0; P carries none onwards. */
static ALWAYS_INLINE uint8_t
take_hint(struct pkt *p)
{
    uint8_t hint = p->fwd_hint;
    p->fwd_hint = 0;
    return hint;
}

static void
switch_receive(struct net *net, struct node *node, struct pkt *p,
               uint8_t in_port)
{
    struct sw *s = sw_cast(node);
    p->in_port = in_port;
    uint8_t hint = take_hint(p);
    if (UNLIKELY(net->rx_slow | (s->tunnel != NULL))) {
        switch_receive_slow(net, s, p);
        return;
    }
    switch_forward_by(net, s, p, hint);
}

void
switch_forget_hints(struct sw *s)
{
    for (uint16_t i = 0; i < s->up.n_ports; i++) {
        const struct link *out = &s->up.ports[i].link;
        const struct link *in = &out->peer->ports[out->peer_port].link;
        if (in->head)
            in->head->fwd_hint = 0;
    }
}

/* P is to arrive on IN_PORT soon: fetch the lines its forwarding will
 * touch, the egress port's first three, the MMU's first line and the
 * ingress priority group's counters, by the same route switch_forward()
 * will take.  The one thing written is that route: 1 + the egress port
 * goes into p->fwd_hint (0: none; so does a port numbered 255) for the
 * next stage and for switch_receive(), which takes it without looking
 * it up again.
 * Nothing else reads it while the packet is on the link, the head of
 * the link's ring (link_arrive_fetch_rx()); a change to S's tables
 * before the packet arrives takes it back (switch_forget_hints()). */
static void
switch_prefetch_rx(const struct net *net, const struct node *node,
                   const struct pkt *p, uint8_t in_port)
{
    const struct sw *s = CONTAINER_OF(node, struct sw, up);
    /* The hint is stored once, after the reads: the packet's line, which
     * stage 1 fetched, is read first (a store first showed in cachegrind,
     * which does not model the prefetch, as 0.7 M more D1 write misses
     * at k=16 and as many fewer read misses: the same line's miss). */
    int out = UNLIKELY(net->rx_slow | (s->tunnel != NULL)) || p->ip.ttl <= 1
                  ? -1
                  : switch_out_port(net, s, p);
    ((struct pkt *)p)->fwd_hint = (uint8_t)(out + 1);
    if (out < 0)
        return;
    const struct port *port = &s->up.ports[out];
    uint8_t tc = qos_classify(s->qos, p);
    __builtin_prefetch(port);
    __builtin_prefetch(&port->link);
    /* Its queue's address is on a line of the port being fetched now:
     * the line that holds it, not the queue (stalling here would move
     * the miss, not hide it; switch_prefetch_rx_next() fetches it). */
    __builtin_prefetch(&port->qv);
    __builtin_prefetch(&s->mmu, 1);
    if (s->mmu.pg)
        __builtin_prefetch(mmu_pg_at(&s->mmu, in_port, tc), 1);
}

/* A stage later: the egress queue and the link slot the packet will take
 * if it leaves at once, by the port switch_prefetch_rx() left in
 * p->fwd_hint (whose lines it fetched).  Where that stage did not run,
 * the packet carries none (switch_receive() took the last). */
static void
switch_prefetch_rx_next(const struct net *net, const struct node *node,
                        const struct pkt *p, uint8_t in_port)
{
    (void)in_port;
    const struct sw *s = CONTAINER_OF(node, struct sw, up);
    unsigned out = p->fwd_hint - 1u;
    if (out >= s->up.n_ports)
        return;
    const struct port *port = &s->up.ports[out];
    /* Its queue, unless the port looks idle: a frame that leaves at once
     * does not touch the queue's line (port_send()). */
    if (port->eligible || port->busy_until_ps > net->sim.now_ps) {
        const struct port_queue *pq =
            port_queue_find(port, qos_classify(s->qos, p));
        if (pq)
            __builtin_prefetch(pq, 1);
    }
    const struct link *l = &port->link;
    if (l->cap)
        __builtin_prefetch(&l->ring[(l->first + l->n) & (l->cap - 1)], 1);
}

const struct node_class switch_class = {
    .kind = "switch",
    .receive = switch_receive,
    .prefetch_rx = switch_prefetch_rx,
    .prefetch_rx_next = switch_prefetch_rx_next,
};
