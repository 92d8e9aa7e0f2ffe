/* Egress queues, serialization and links; see port.h. */
#include "fabric/port.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/arena.h"
#include "fabric/ecn.h"
#include "fabric/fc.h"
#include "fabric/mmu-admit.h"
#include "fabric/mmu.h"
#include "fabric/net.h"
#include "fabric/node.h"
#include "fabric/observer.h"
#include "fabric/sched.h"
#include "fabric/switch.h"

static void port_tx_done(struct sim *, struct event *);
static void link_arrive(struct sim *, struct event *);
static void link_arrive_ns3(struct sim *, struct event *);
static const struct event_prefetch link_arrive_prefetch;
static inline void port_end_ns3_due(struct sim *, struct port *);

void
port_init(struct port *port, struct sim *sim, struct node *node, uint8_t index,
          uint64_t rate_bps, const struct sched_class *sched, struct mmu *mmu)
{
    memset(port, 0, sizeof *port);
    port->node = node;
    port->index = index;
    port->rate_bps = rate_bps;
    uint64_t ps_per_byte = 8 * PS_PER_S % rate_bps ? 0 : 8 * PS_PER_S / rate_bps;
    port->ps_per_byte = ps_per_byte <= UINT32_MAX ? (uint32_t)ps_per_byte : 0;
    port->framing_bytes = ETH_PREAMBLE_BYTES + ETH_IFG_BYTES;
    port->sched = sched;
    port->tx_bits = (uint8_t)((sched != &sched_strict ? PORT_NOT_STRICT : 0) |
                              (node->class->tx_ready ? PORT_PULLS : 0));
    port->mmu = mmu;
    event_init(sim, &port->tx_done, port_tx_done);
    event_init(sim, &port->link.arrive, link_arrive);
    event_set_prefetch(sim, &port->tx_done, &port_tx_prefetch);
    event_set_prefetch(sim, &port->link.arrive, &link_arrive_prefetch);
}

void
port_set_ns3(struct port *port)
{
    port->framing_bytes = 0;
    port->ps_per_byte = 0;
    port->ns3_time = true;
    port->link.arrive.fn = link_arrive_ns3;
}

/* The end of a transmission is near (sim.h's prefetch pipeline): stage 0
 * fetches the port's first two lines (its struct event is in the third),
 * stage 1 the queues that may send next, the link's slot the frame will
 * take, the node and its MMU's hot line, stage 2 their head packets,
 * stage 3 the MMU group
 * each head packet's release will charge back (by its ingress port). */
void
port_tx_fetch_port(const struct sim *s, const struct event *ev)
{
    const struct port *port = CONTAINER_OF(ev, struct port, tx_done);
    __builtin_prefetch(port);
    __builtin_prefetch(&port->link);
    __builtin_prefetch(&port->qv);
    (void)s;
}

void
port_tx_fetch_queues(const struct sim *s, const struct event *ev)
{
    const struct port *port = CONTAINER_OF(ev, struct port, tx_done);
    for (unsigned e = port->eligible; e; e &= e - 1)
        __builtin_prefetch(port_q(port, (unsigned)__builtin_ctz(e)));
    const struct link *l = &port->link;
    if (l->cap)
        __builtin_prefetch(&l->ring[(l->first + l->n) & (l->cap - 1)], 1);
    __builtin_prefetch(port->node);
    if (port->mmu)
        __builtin_prefetch(port->mmu, 1);
    (void)s;
}

void
port_tx_fetch_heads(const struct sim *s, const struct event *ev)
{
    const struct port *port = CONTAINER_OF(ev, struct port, tx_done);
    /* The head packets: port_dequeue() reads their sizes, their ingress
     * ports and their successors. */
    for (unsigned e = port->eligible; e; e &= e - 1)
        __builtin_prefetch(port_q(port, (unsigned)__builtin_ctz(e))->head);
    (void)s;
}

void
port_tx_fetch_groups(const struct sim *s, const struct event *ev)
{
    const struct port *port = CONTAINER_OF(ev, struct port, tx_done);
    if (port->mmu && port->mmu->pg) {
        for (unsigned e = port->eligible; e; e &= e - 1) {
            unsigned tc = (unsigned)__builtin_ctz(e);
            const struct pkt *p = port_q(port, tc)->head;
            if (p)
                __builtin_prefetch(mmu_pg_at(port->mmu, p->in_port,
                                             (uint8_t)tc),
                                   1);
        }
    }
    (void)s;
}

const struct event_prefetch port_tx_prefetch = {
    .stage = { port_tx_fetch_port, port_tx_fetch_queues, port_tx_fetch_heads,
               port_tx_fetch_groups },
};

/* A packet's arrival is near: stage 0 fetches the packet (the link's
 * head: one load, where the ring slot it was read from cost a stage of
 * its own), the node it arrives at and the ring slot of the packet after
 * it, whose arrival the handler files; stages 1 and 2 what the node's
 * prefetch_rx and prefetch_rx_next ask for, which then have four events'
 * time to come (docs/performance.md). */
static void
link_arrive_fetch_pkt(const struct sim *s, const struct event *ev)
{
    const struct link *l = CONTAINER_OF(ev, struct link, arrive);
    __builtin_prefetch(l->head);
    /* A node's first two lines: a switch's forwarding state. */
    __builtin_prefetch(l->peer);
    __builtin_prefetch((const char *)l->peer + 64);
    if (l->n > 1)
        __builtin_prefetch(&l->ring[(l->first + 1) & (l->cap - 1)]);
    (void)s;
}

static void
link_arrive_fetch_rx(const struct sim *s, const struct event *ev)
{
    const struct link *l = CONTAINER_OF(ev, struct link, arrive);
    const struct node_class *c = l->peer->class;
    if (c->prefetch_rx)
        c->prefetch_rx(net_of((struct sim *)s), l->peer, l->head,
                       l->peer_port);
}

static void
link_arrive_fetch_rx_next(const struct sim *s, const struct event *ev)
{
    const struct link *l = CONTAINER_OF(ev, struct link, arrive);
    const struct node_class *c = l->peer->class;
    if (c->prefetch_rx_next)
        c->prefetch_rx_next(net_of((struct sim *)s), l->peer, l->head,
                            l->peer_port);
}

static const struct event_prefetch link_arrive_prefetch = {
    .stage = { link_arrive_fetch_pkt, link_arrive_fetch_rx,
               link_arrive_fetch_rx_next, NULL },
};

/* Queues a port has, by its qmap. */
static unsigned
port_n_queues(const struct port *port)
{
    unsigned n = 0;
    for (unsigned c = 0; c < N_TC; c++)
        n += (port->qmap >> (4 * c) & 15) != 0;
    return n;
}

/* Bytes per slot of a link's ring: its struct link_slot, and under
 * `fabric: ns3` the sequence number of the frame's start after the ring
 * (link_ns3_seq()). */
static inline size_t
link_slot_bytes(bool ns3)
{
    return sizeof(struct link_slot) + (ns3 ? sizeof(uint64_t) : 0);
}

/* Under `fabric: ns3`: by ring slot, the engine sequence number taken
 * when the frame in it started (sim_take_seq()), stored after L's ring
 * so that the port spends no line of its own on it. */
static inline uint64_t *
link_ns3_seq(struct link *l)
{
    return (uint64_t *)(l->ring + l->cap);
}

void
port_uninit(struct arena *arena, struct port *port)
{
    arena_free(arena, port->link.ring,
               port->link.cap * link_slot_bytes(port->ns3_time));
    arena_free(arena, port->qv, port_n_queues(port) * sizeof *port->qv);
}

const struct port_queue port_queue_none;

struct port_queue *
port_queue_make(struct arena *arena, struct port *port, unsigned tc)
{
    unsigned n = port_n_queues(port);
    struct port_queue *qv = arena_alloc(arena, (n + 1) * sizeof *qv);
    if (n)
        memcpy(qv, port->qv, n * sizeof *qv);
    memset(&qv[n], 0, sizeof qv[n]);
    arena_free(arena, port->qv, n * sizeof *qv);
    port->qv = qv;
    port->qmap |= (n + 1) << (4 * tc);
    return &qv[n];
}

/* Doubles L's ring (full, or never used), keeping the order from slot 0;
 * under `fabric: ns3` the sequence numbers after it too. */
static void __attribute__((noinline))
link_grow(struct arena *arena, struct link *l)
{
    bool ns3 = CONTAINER_OF(l, struct port, link)->ns3_time;
    uint32_t cap = l->cap ? 2 * l->cap : 16;
    struct link_slot *ring = arena_alloc(arena, cap * link_slot_bytes(ns3));
    for (uint32_t i = 0; i < l->n; i++)
        ring[i] = l->ring[(l->first + i) & (l->cap - 1)];
    if (ns3) {
        uint64_t *seq = (uint64_t *)(ring + cap), *old = link_ns3_seq(l);
        for (uint32_t i = 0; i < l->n; i++)
            seq[i] = old[(l->first + i) & (l->cap - 1)];
    }
    arena_free(arena, l->ring, l->cap * link_slot_bytes(ns3));
    l->ring = ring;
    l->cap = cap;
    l->first = 0;
}

/* Puts P on L, to arrive at ARRIVE_PS.  With NS3 (`fabric: ns3`,
 * port_set_ns3()) P's arrival keeps the sequence number of this moment,
 * its start, after L's ring (link_ns3_seq()).  Callers pass a constant
 * where the path is hot, so that the inlined copy has no test of it. */
static ALWAYS_INLINE void
link_put(struct sim *s, struct link *l, struct pkt *p, uint64_t arrive_ps,
         bool ns3)
{
    if (UNLIKELY(l->n == l->cap))
        link_grow(&net_of(s)->arena, l);
    uint32_t i = (l->first + l->n) & (l->cap - 1);
    struct link_slot *slot = &l->ring[i];
    slot->p = p;
    slot->arrive_ps = arrive_ps;
    uint64_t *seq = ns3 ? link_ns3_seq(l) : NULL;
    if (ns3)
        seq[i] = sim_take_seq(s);
    /* The link was empty: P is the head and needs the event. */
    if (!l->n++) {
        l->head = p;
        if (ns3)
            sim_schedule_seq(s, &l->arrive, arrive_ps, seq[i]);
        else
            sim_schedule(s, &l->arrive, arrive_ps);
    }
}

/* Takes the arriving head packet off L and schedules the next arrival
 * (NS3 as for link_put()). */
static ALWAYS_INLINE struct pkt *
link_pop(struct sim *s, struct link *l, bool ns3)
{
    struct pkt *p = l->head;
    l->first = (l->first + 1) & (l->cap - 1);
    if (--l->n) {
        const struct link_slot *next = &l->ring[l->first];
        l->head = next->p;
        uint64_t t_ps = next->arrive_ps;
        /* Under `fabric: ns3` that may be now: a frame shorter than a
         * nanosecond takes none (ser_time_ns3_ps(): 50 B at 400 Gb/s).
         * Its sequence, taken when it started, after this frame's, files
         * it after this event, as sim_schedule_seq() asks. */
        if (ns3)
            sim_schedule_seq(s, &l->arrive, t_ps,
                             link_ns3_seq(l)[l->first]);
        else
            sim_schedule(s, &l->arrive, t_ps);
    } else {
        l->head = NULL;
    }
    return p;
}

static void
link_arrive(struct sim *s, struct event *ev)
{
    struct link *l = CONTAINER_OF(ev, struct link, arrive);
    struct pkt *p = link_pop(s, l, false);
    l->peer->class->receive(net_of(s), l->peer, p, l->peer_port);
}

static void
link_arrive_ns3(struct sim *s, struct event *ev)
{
    struct link *l = CONTAINER_OF(ev, struct link, arrive);
    struct pkt *p = link_pop(s, l, true);
    l->peer->class->receive(net_of(s), l->peer, p, l->peer_port);
}

/* Into a port whose flow control watches arrivals (an IB port fills its
 * VL's buffer): the provider sees the packet before the node does. */
static void
link_arrive_fc(struct sim *s, struct event *ev)
{
    struct link *l = CONTAINER_OF(ev, struct link, arrive);
    struct net *net = net_of(s);
    struct pkt *p = link_pop(s, l, false);
    p->in_port = l->peer_port;
    fc_rx_arrive(net, &l->peer->ports[l->peer_port], p);
    l->peer->class->receive(net, l->peer, p, l->peer_port);
}

/* Into a cut cable: the frame is lost at the far end. */
static void
link_arrive_dead(struct sim *s, struct event *ev)
{
    struct link *l = CONTAINER_OF(ev, struct link, arrive);
    bool ns3 = CONTAINER_OF(l, struct port, link)->ns3_time;
    net_drop(net_of(s), link_pop(s, l, ns3), DROP_LINK_DOWN);
}

void
port_link_set_down(struct net *net, struct port *port, bool down)
{
    struct link *l = &port->link;
    if (l->down == down)
        return;
    /* The frames on the wire go, and with them the sequence number of
     * the last one's start, which its end still to come needs. */
    if (port->ns3_time)
        port_end_ns3_due(&net->sim, port);
    l->down = down;
    sim_cancel(&net->sim, &l->arrive);
    while (l->n) {
        struct pkt *p = l->ring[l->first].p;
        l->first = (l->first + 1) & (l->cap - 1);
        l->n--;
        net_drop(net, p, DROP_LINK_DOWN);
    }
    l->head = NULL;
    const struct port *peer = &l->peer->ports[l->peer_port];
    if (down)
        l->arrive.fn = link_arrive_dead;
    else if (peer->fc && peer->fc->class->rx_arrive)
        l->arrive.fn = link_arrive_fc;
    else if (port->ns3_time)
        l->arrive.fn = link_arrive_ns3;
    else
        l->arrive.fn = link_arrive;
}

uint64_t
link_prop_ps(const struct net *net, const struct link *l)
{
    return l->delay_ps -
           (l->peer->class == &switch_class ? net->cfg.sw->latency_ps : 0);
}

void
port_attach_fc(struct port *port, struct fc_port *fc)
{
    port->fc = fc;
    port->tx_bits = (uint8_t)((port->tx_bits &
                               ~(PORT_FC_GATE | PORT_FC_SENT)) |
                              (fc->class->tx_gate ? PORT_FC_GATE : 0) |
                              (fc->class->tx_sent ? PORT_FC_SENT : 0));
    if (fc->class->rx_arrive) {
        struct port *peer = &port->link.peer->ports[port->link.peer_port];
        /* InfiniBand's credits; never on the ns-3 simulator's links. */
        sim_assert(!peer->ns3_time);
        peer->link.arrive.fn = link_arrive_fc;
    }
}

/* A frame that entered by IN_PORT left queue TC: give its buffer back,
 * and let the ingress it came by resume its upstream if it may.  Inlined
 * into port_kick: out of line it cost 1.7-1.9% of all instructions on
 * the k=8 scaling runs (callgrind). */
static ALWAYS_INLINE void
port_release(struct net *net, struct port *port, uint8_t tc, uint8_t in_port,
             uint32_t frame)
{
    if (UNLIKELY(mmu_release_inline(port->mmu, port, tc, in_port, frame)))
        fc_rx_released(net, &port->node->ports[in_port], tc);
}

/* Under `fabric: ns3` the end of every transmission is an event
 * (port_set_ns3()): a control frame's is filed as it starts. */
static NOINLINE void
port_end_ns3(struct sim *s, struct port *port)
{
    if (!event_is_scheduled(s, &port->tx_done))
        sim_schedule(s, &port->tx_done, port->busy_until_ps);
}

/* A data frame's end is filed only when something could tell
 * (port_end_ns3_due()), with the sequence number of the frame's start
 * its arrival keeps, the last in the link's ring: nothing takes a number
 * between the two, so the end orders against every other event as one
 * filed as the frame started would, and before its own arrival (an
 * earlier event id).  Filed only if still to come: due later than now,
 * or now after the event firing. */
static NOINLINE void
port_end_ns3_file(struct sim *s, struct port *port)
{
    struct link *l = &port->link;
    /* A cut cable keeps no frame, but its end was filed as it was cut. */
    if (!l->n)
        return;
    uint64_t seq = link_ns3_seq(l)[(l->first + l->n - 1) & (l->cap - 1)];
    if (port->busy_until_ps > s->now_ps || seq > sim_now_seq(s))
        sim_schedule_seq(s, &port->tx_done, port->busy_until_ps, seq);
}

/* Under `fabric: ns3`: files the end of PORT's frame if it may be still
 * to come and is not filed (a data frame's, port_transmit()), before
 * anything that tells an end still to come from one passed: a frame
 * offered to the port (port_send()), a kick (port_kick()), a cut.  From
 * then on the port runs as if the end had been filed as the frame
 * started; where nothing asks (most frames from a switch port that
 * nothing waits behind), the end, which would have found nothing to
 * send, costs no event. */
static inline void
port_end_ns3_due(struct sim *s, struct port *port)
{
    if (port->busy_until_ps >= s->now_ps &&
        !event_is_scheduled(s, &port->tx_done))
        port_end_ns3_file(s, port);
}

/* Puts P, of class TC (-1: a control frame of the port's flow
 * control), on PORT's wire now: what port_kick() does once it has
 * chosen P, and port_send() with a frame that leaves at once.  IDLE (a
 * constant): the caller has seen that nothing waits to follow, no class
 * queued, no control frame, a node that pulls nothing
 * (port_leaves_at_once()); the observers of the departure only watch,
 * so it stays so. */
static ALWAYS_INLINE void
port_transmit(struct net *net, struct port *port, struct pkt *p, int tc,
              uint64_t now, bool idle)
{
    uint32_t frame = p->frame_bytes;
    uint8_t in_port = p->in_port;

    uint32_t wire = port_wire_bytes(port, frame);
    uint64_t ser = port_ser_ps(port, wire);
    /* port->ns3_time, read only where ps_per_byte is 0. */
    bool ns3 = !port->ps_per_byte && port->ns3_time;
    if (UNLIKELY(p->hooks | port->link.capture))
        net_observe_depart(net, port, p, ser);
    port->busy_until_ps = now + ser;
    /* Wake up at the end of this frame only if something may follow
     * (under `fabric: ns3` a control frame's always, a data frame's when
     * something asks: port_end_ns3_due()). */
    if (!idle &&
        (port->eligible || (port->tx_bits & PORT_PULLS) || port->fc_ctrl))
        sim_schedule(&net->sim, &port->tx_done, now + ser);
    port->link.wire_bytes += wire;
    port->link.packets++;
    net->st.packet_hops++;
    if (tc < 0) {
        if (UNLIKELY(ns3))
            port_end_ns3(&net->sim, port);
        fc_ctrl_sent(net, port->fc, p, now + ser);
        return;
    }
    if (UNLIKELY(ns3))
        link_put(&net->sim, &port->link, p, now + ser + port->link.delay_ps,
                 true);
    else
        link_put(&net->sim, &port->link, p, now + ser + port->link.delay_ps,
                 false);
    /* After the frame is on its way: a resume or a credit update sent
     * from here may start on this very port. */
    if (port->mmu)
        port_release(net, port, (uint8_t)tc, in_port, frame);
    if (UNLIKELY(port->tx_bits & PORT_FC_SENT))
        fc_tx_sent(net, port->fc, (uint8_t)tc, in_port, frame);
}

/* port_pull() on a port whose last frame has left (NOW, the clock, is
 * not before busy_until_ps): out of line, so that a pull that finds the
 * port busy (a frame queued behind one on the wire, half of all pulls
 * on the k=16 scaling runs) saves no registers. */
static NOINLINE void
port_pull_idle(struct net *net, struct port *port, uint64_t now)
{
    if (port->tx_bits & PORT_PULLS)
        port->node->class->tx_ready(net, port->node, port);
    struct pkt *p;
    int tc = -1;
    if (UNLIKELY(port->fc_ctrl)) {
        p = fc_ctrl_next(net, port->fc);
    } else {
        uint8_t ready = port->eligible & (uint8_t)~port->paused;
        if (UNLIKELY(port->tx_bits & PORT_FC_GATE))
            ready = fc_tx_gate(net, port->fc, ready);
        tc = sched_pick(port->sched, port, ready);
        if (tc < 0)
            return;
        p = port_dequeue(port, tc, now);
        if (port->ecn && !port->ecn_at_enqueue) {
            struct port_queue *pq = port_queue_find(port, tc);
            ecn_consider(port->ecn, &pq->st.ecn_marked, p, pq->q.bytes);
        }
    }
    port_transmit(net, port, p, tc, now, false);
}

/* port_kick() once any end under `fabric: ns3` that a kick could pass
 * is filed: from port_send(), which files it first, and from the end
 * itself.  That end may be one passed by a frame started at its instant
 * (port_kick() from another event), which leaves it filed (port_end_ns3(),
 * or port_transmit()'s test of what may follow): it finds the port busy
 * and files the new frame's end afresh. */
static ALWAYS_INLINE void
port_pull(struct net *net, struct port *port)
{
    uint64_t now = net->sim.now_ps;
    if (now < port->busy_until_ps) {
        if (!event_is_scheduled(&net->sim, &port->tx_done))
            sim_schedule(&net->sim, &port->tx_done, port->busy_until_ps);
        return;
    }
    port_pull_idle(net, port, now);
}

void
port_kick(struct net *net, struct port *port)
{
    /* port->ns3_time, read only where ps_per_byte is 0. */
    if (UNLIKELY(!port->ps_per_byte && port->ns3_time))
        port_end_ns3_due(&net->sim, port);
    port_pull(net, port);
}

uint64_t
port_flush(struct net *net, struct port *port, uint8_t tc, int why)
{
    struct port_queue *pq = port_queue_find(port, tc);
    uint64_t n = 0;
    while (pq && pq->q.head) {
        struct pkt *p = queue_pop(&pq->q, net->sim.now_ps);
        if (port->mmu)
            port_release(net, port, tc, p->in_port, p->frame_bytes);
        pq->st.drops++;
        net_drop(net, p, (enum drop_reason)why);
        n++;
    }
    port->eligible &= (uint8_t)~(1u << tc);
    return n;
}

bool
port_ns3_end_pending(struct net *net, struct port *port)
{
    port_end_ns3_due(&net->sim, port);
    return event_is_scheduled(&net->sim, &port->tx_done);
}

static void
port_tx_done(struct sim *s, struct event *ev)
{
    port_pull(net_of(s), CONTAINER_OF(ev, struct port, tx_done));
}

void
port_push(struct net *net, struct port *port, struct pkt *p, uint8_t tc)
{
    queue_push(&port_queue_get(&net->arena, port, tc)->q, p, net->sim.now_ps);
    port->eligible |= (uint8_t)(1u << tc);
}

/* Adds the frames PORT passed straight through (port.pass_n) to their
 * class's queue counters, where they would have been counted had they
 * gone through the queue, and starts counting afresh. */
static NOINLINE void
port_pass_fold(struct port *port)
{
    if (port->pass_n) {
        struct queue *q = port_q(port, port->pass_tc);
        q->enqueued += port->pass_n;
        if (port->pass_max_bytes > q->max_bytes)
            q->max_bytes = port->pass_max_bytes;
    }
    port->pass_n = 0;
    port->pass_max_bytes = 0;
}

/* Counts P, of class TC, which goes through PORT's idle queue without
 * waiting: as a push and a pop at once would, one packet enqueued and a
 * peak of at least its size, and nothing else (the queue, empty before
 * and after, adds nothing to its occupancy integral).  Counted in the
 * port's third line, which the transmission writes anyway, so that the
 * hop (most hops in an uncongested fabric) does not touch the queue's
 * line: 2.9% of the L2 misses of ft16-roce-pfc cut at 100 us
 * (docs/performance.md).  A frame of another class, or a count about to
 * overflow, folds the count into the queue first. */
static ALWAYS_INLINE void
port_pass(struct port *port, uint8_t tc, struct pkt *p)
{
    if (UNLIKELY(port->pass_tc != tc || port->pass_n == UINT32_MAX)) {
        port_pass_fold(port);
        port->pass_tc = tc;
    }
    port->pass_n++;
    if (p->frame_bytes > port->pass_max_bytes)
        port->pass_max_bytes = p->frame_bytes;
    p->next = NULL;
}

void
port_send_pulled(struct net *net, struct port *port, struct pkt *p, uint8_t tc)
{
    /* The class has a queue, which port_pass_fold() counts into. */
    (void)port_queue_get(&net->arena, port, tc);
    port_pass(port, tc, p);
    port_transmit(net, port, p, tc, net->sim.now_ps, false);
}

/* Whether a frame of class TC offered to PORT now, with nothing queued,
 * would leave at once by port_kick(): the port is idle with no control
 * frame waiting, TC is not paused or gated, strict priority picks it
 * (the only class eligible), the node pulls nothing first, and under
 * ns-3's order (port_send()) no end of transmission is due.  Then
 * port_send() skips the queue's push and pop (a switch forwarding
 * through an idle port: most hops in an uncongested fabric). */
static ALWAYS_INLINE bool
port_leaves_at_once(const struct net *net, const struct port *port,
                    uint8_t tc, uint64_t now)
{
    return !port->eligible && now >= port->busy_until_ps &&
           !port->fc_ctrl && !(port->paused >> tc & 1) &&
           !(port->tx_bits & (PORT_FC_GATE | PORT_PULLS | PORT_NOT_STRICT)) &&
           !(port->ns3_time && event_is_scheduled(&net->sim, &port->tx_done));
}

void
port_send(struct net *net, struct port *port, struct pkt *p, uint8_t tc)
{
    /* A frame ending now leaves before this one is admitted: departures
     * precede arrivals at the same instant, whether or not the port had
     * an event scheduled for its end of transmission.  Not on the ns-3
     * simulator's links (`fabric: ns3`): there the end of transmission
     * is an event like the arrival, and of two due at one instant the one
     * whose frame started first fires first (port_set_ns3()); a frame
     * arriving before the end joins the queue, and the queue the
     * departure sees (HPCC's INT, ECN marking) counts it. */
    if (port->eligible && net->sim.now_ps >= port->busy_until_ps &&
        !port->ns3_time)
        port_pull_idle(net, port, net->sim.now_ps);
    struct port_queue *pq = port_queue_get(&net->arena, port, tc);
    if (UNLIKELY(port->fc_drop >> tc & 1)) {
        pq->st.drops++;
        net_drop(net, p, (enum drop_reason)fc_tx_refuse(port->fc, tc));
        return;
    }
    if (port->mmu) {
        int why = mmu_admit_inline(port->mmu, port, tc, p->in_port,
                                   p->frame_bytes);
        if (UNLIKELY(why != MMU_ADMITTED)) {
            if (why >= 0) {
                pq->st.drops++;
                net_drop(net, p, (enum drop_reason)why);
                return;
            }
            /* MMU_ADMITTED_PAUSE. */
            fc_rx_admitted(net, &port->node->ports[p->in_port], tc);
        }
    }
    if (port->ecn && port->ecn_at_enqueue)
        ecn_consider(port->ecn, &pq->st.ecn_marked, p, pq->q.bytes);
    uint64_t now = net->sim.now_ps;
    /* ns-3's order (above): an end still to come is an event. */
    if (UNLIKELY(!port->ps_per_byte && port->ns3_time))
        port_end_ns3_due(&net->sim, port);
    if (port_leaves_at_once(net, port, tc, now)) {
        /* The marking at dequeue sees the queue empty, which neither
         * rule marks (ecn.h): no call. */
        port_pass(port, tc, p);
        port_transmit(net, port, p, tc, now, true);
        return;
    }
    queue_push(&pq->q, p, now);
    port->eligible |= (uint8_t)(1u << tc);
    /* ns-3's order (above): the end of transmission due now sends. */
    if (UNLIKELY(port->ns3_time) &&
        event_is_scheduled(&net->sim, &port->tx_done))
        return;
    port_pull(net, port);
}

_Static_assert(offsetof(struct port, tx_bits) < 64,
               "port_kick's fields must fit the first cache line");
_Static_assert(offsetof(struct port, link.arrive) + sizeof(struct event) <= 128,
               "the link's ring and event must fit the second cache line");
_Static_assert(offsetof(struct port, index) < 192,
               "the transmit path's fields must fit three cache lines");
_Static_assert(sizeof(struct port) <= 256, "a port is four cache lines");
_Static_assert(N_TC * 4 <= 32 && N_TC <= 15, "qmap holds a slot per class");
