/* Hosts and their NIC's transmit scheduling; see host.h. */
#include "host/host.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/fc.h"
#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/server.h"
#include "host/host-observer.h"
#include "transport/transport.h"
#include "transport/flow.h"

static void source_wake(struct sim *, struct event *);
static void ring_leave(struct tx_source *);

void
host_init(struct host *h, uint32_t index, const char *name)
{
    memset(h, 0, sizeof *h);
    h->up.class = &host_class;
    h->up.id = index;
    h->up.name = name;
    h->up.tier = 0;
    h->index = index;
    h->ip = pkt_host_ip(index);
    pkt_host_mac(index, h->mac);
}

/* The host port's end of transmission is near (sim.h's prefetch
 * pipeline): the port's own stages, and what host_tx_ready() will read
 * when the port pulls its next frame.  Stage 1 fetches the NIC's ready
 * lists (the host's first line, which holds ready_mask, comes with the
 * port's stage 1), stage 2 the head source of each class the port
 * will pull from, the lines after it that its pull() reads
 * (TX_SOURCE_HOT_LINES) and the class's queue, which the packet pulled
 * goes to (the port's own hook fetches only the queues that have
 * packets). */
static void
host_tx_fetch_ready(const struct sim *s, const struct event *ev)
{
    port_tx_fetch_queues(s, ev);
    const struct port *port = CONTAINER_OF(ev, struct port, tx_done);
    const struct nic *nic = &host_cast(port->node)->nic;
    __builtin_prefetch(&nic->ready_head[0]);
    __builtin_prefetch(&nic->ready_head[N_TC - 1]);
    __builtin_prefetch(&nic->ready_tail[N_TC - 1]);
}

/* A ready source's line and the TX_SOURCE_HOT_LINES after it, which
 * its pull() reads (host.h). */
static ALWAYS_INLINE void
fetch_source_lines(const struct tx_source *src)
{
    for (unsigned i = 0; i <= TX_SOURCE_HOT_LINES; i++)
        __builtin_prefetch((const char *)src + 64 * i);
}

/* PORT's queue of class TC, which a packet pulled for TC goes to
 * (port_push()) or passes (port_send_pulled()), if it has one yet. */
static ALWAYS_INLINE void
fetch_class_queue(const struct port *port, unsigned tc)
{
    const struct port_queue *q = port_queue_find(port, tc);
    if (q)
        __builtin_prefetch(q, 1);
}

/* The head sources and their queues, for stage 2.  Inlined: a
 * function that only prefetches may be taken for one without effects,
 * and its calls dropped (GCC does). */
static ALWAYS_INLINE void
host_tx_fetch_sources(const struct port *port)
{
    const struct nic *nic = &host_cast(port->node)->nic;
    for (unsigned want = nic->ready_mask & ~(port->eligible | port->paused);
         want; want &= want - 1) {
        unsigned tc = (unsigned)__builtin_ctz(want);
        fetch_source_lines(nic->ready_head[tc]);
        fetch_class_queue(port, tc);
    }
}

static void
host_tx_fetch_heads(const struct sim *s, const struct event *ev)
{
    port_tx_fetch_heads(s, ev);
    host_tx_fetch_sources(CONTAINER_OF(ev, struct port, tx_done));
}

static const struct event_prefetch host_tx_prefetch = {
    .stage = { port_tx_fetch_port, host_tx_fetch_ready, host_tx_fetch_heads,
               port_tx_fetch_groups },
};

/* The sender's fields of the flow SRC sends for, at the head of struct
 * flow (flow.h): its pull reads the flow's size and counts what it sent
 * there, a load further than the source's own lines, which hold its id.
 * For a wake-up only: a fourth stage of host_tx_prefetch for it cost 1%
 * more instructions at every end of transmission and measured no faster
 * (ft32-roce-pfc; docs/performance.md).  Every source's transport sets
 * its flow's id; the bound keeps the fetch inside the array all the
 * same. */
static ALWAYS_INLINE void
fetch_flow(const struct sim *s, const struct tx_source *src)
{
    const struct edge *edge =
        edge_of_const(CONTAINER_OF(s, const struct net, sim));
    if (src->flow_id < edge->n_flows) {
        const struct flow *f = &edge->flows[src->flow_id];
        /* Its fields may straddle two lines: the array's entries are
         * not aligned on lines. */
        __builtin_prefetch(&f->size_bytes, 1);
        __builtin_prefetch(&f->pkts_sent, 1);
    }
}

/* A paced source's wake-up is near (a queue pair held to DCQCN's rate or
 * a flow's, a paced TCP connection): source_wake() puts the source on its
 * NIC's ready list (the host's first line, the list's head and tail, the
 * tail source's `next`) and kicks the port, which, idle, pulls from the
 * source at once (host_tx_ready()): the source's hot lines, the port's,
 * its queue and link slot, which host_tx_prefetch fetches before an end
 * of transmission; here nothing did, and each was a miss in turn.  The
 * source's own line holds the event and comes with it; stage 0 fetches
 * the host's lines, stage 1 the tail source, the source's hot lines, its
 * flow's and the port's, stage 2 what the port's own stage 1 fetches and
 * the queue the packet goes to.  A source whose wake-up is filed has a
 * host, which source_wake() reads as well. */
static void
source_wake_fetch_host(const struct sim *s, const struct event *ev)
{
    const struct tx_source *src = CONTAINER_OF(ev, struct tx_source, wake);
    const struct host *h = src->host;
    __builtin_prefetch(&h->srv);
    __builtin_prefetch(&h->nic.port);
    __builtin_prefetch(&h->nic.ready_head[src->tc], 1);
    __builtin_prefetch(&h->nic.ready_tail[src->tc], 1);
    (void)s;
}

static void
source_wake_fetch_port(const struct sim *s, const struct event *ev)
{
    const struct tx_source *src = CONTAINER_OF(ev, struct tx_source, wake);
    const struct host *h = src->host;
    const struct tx_source *tail = h->nic.ready_tail[src->tc];
    if (tail)
        __builtin_prefetch(&tail->next, 1);
    fetch_source_lines(src);
    fetch_flow(s, src);
    port_tx_fetch_port(s, &h->nic.port->tx_done);
}

static void
source_wake_fetch_queues(const struct sim *s, const struct event *ev)
{
    const struct tx_source *src = CONTAINER_OF(ev, struct tx_source, wake);
    const struct port *port = src->host->nic.port;
    port_tx_fetch_queues(s, &port->tx_done);
    fetch_class_queue(port, src->tc);
}

static const struct event_prefetch source_wake_prefetch = {
    .stage = { source_wake_fetch_host, source_wake_fetch_port,
               source_wake_fetch_queues, NULL },
};

void
host_attach_nic(struct net *net, struct host *h)
{
    sim_assert(h->up.n_ports >= 1);
    h->nic.port = &h->up.ports[0];
    h->nic.ns3_ring = edge_of(net)->cfg.ppp;
    event_set_prefetch(&net->sim, &h->nic.port->tx_done, &host_tx_prefetch);
}

void
host_uninit(struct host *h)
{
    free(h->nic.ring);
}

void
tx_source_init(struct tx_source *src, struct sim *sim,
               const struct tx_source_class *class, struct host *h, uint8_t tc)
{
    memset(src, 0, sizeof *src);
    src->class = class;
    src->host = h;
    src->tc = tc;
    event_init(sim, &src->wake, source_wake);
    event_set_prefetch(sim, &src->wake, &source_wake_prefetch);
}

void
tx_source_reinit(struct tx_source *src, const struct tx_source_class *class,
                 struct host *h, uint8_t tc)
{
    struct event wake = src->wake;
    sim_assert(!src->ready);
    ring_leave(src);
    memset(src, 0, sizeof *src);
    src->wake = wake;
    src->class = class;
    src->host = h;
    src->tc = tc;
}

void
tx_source_rebind(struct tx_source *src, struct host *h, uint8_t tc)
{
    sim_assert(!src->ready);
    ring_leave(src);
    src->host = h;
    src->tc = tc;
}

/* Takes SRC, ready, off NIC's ready list of its class.  first_tail may
 * still name it: a source no longer ready leads nothing
 * (ready_insert_first()). */
static void
nic_unlink(struct nic *nic, struct tx_source *src)
{
    uint8_t tc = src->tc;
    tx_list_remove(&nic->ready_head[tc], &nic->ready_tail[tc],
                   tx_list_prev(nic->ready_head[tc], src), src);
    if (!nic->ready_head[tc])
        nic->ready_mask &= (uint8_t)~(1u << tc);
}

struct host *
host_running(struct net *net, uint32_t h)
{
    struct edge *edge = edge_of(net);
    return &edge->hosts[edge_runs_on(edge, h)];
}

void
tx_source_move(struct net *net, struct tx_source *src, struct host *to)
{
    if (!src->host || src->host == to)
        return;
    bool ready = src->ready;
    if (ready) {
        if (src->host->srv &&
            !edge_of(net)->flows[src->flow_id].transport->nic_offload)
            server_deactivate(net, src);
        else
            nic_unlink(&src->host->nic, src);
    }
    ring_leave(src);
    src->host = to;
    if (ready)
        nic_activate(net, src);
}

/* SRC, marked `first`, joins its ready list behind the other `first`
 * sources and ahead of the rest.  first_tail is the last of them, and
 * pull_next() takes sources off the head without updating it: when it
 * is no longer ready (or is SRC itself, not ready until now), every
 * `first` source ahead of it has been taken too, and SRC leads.  A
 * source taken off may also be reinitialised for another host or class
 * (a released queue pair's, reused) and be ready in that list: it then
 * no longer leads this one either. */
static void __attribute__((noinline))
ready_insert_first(struct nic *nic, struct tx_source *src)
{
    uint8_t tc = src->tc;
    struct tx_source *after = nic->first_tail[tc];
    if (after && after != src && after->ready && after->host == src->host &&
        after->tc == tc) {
        src->next = after->next;
        after->next = src;
    } else {
        src->next = nic->ready_head[tc];
        nic->ready_head[tc] = src;
    }
    if (!src->next)
        nic->ready_tail[tc] = src;
    nic->first_tail[tc] = src;
    nic->ready_mask |= (uint8_t)(1u << tc);
}

static ALWAYS_INLINE void
ready_append(struct nic *nic, struct tx_source *src)
{
    src->ready = true;
    if (UNLIKELY(src->first)) {
        ready_insert_first(nic, src);
        return;
    }
    src->next = NULL;
    if (nic->ready_tail[src->tc])
        nic->ready_tail[src->tc]->next = src;
    else
        nic->ready_head[src->tc] = src;
    nic->ready_tail[src->tc] = src;
    nic->ready_mask |= (uint8_t)(1u << src->tc);
}

/* SRC takes the NIC's next ring slot (the simulator's AddQp, from
 * RdmaHw::AddQueuePair: a new QP goes last). */
static void
ring_join(struct nic *nic, struct tx_source *src)
{
    if (nic->ring_n == nic->ring_cap) {
        nic->ring_cap = nic->ring_cap ? 2 * nic->ring_cap : 8;
        nic->ring = xrealloc(nic->ring, nic->ring_cap * sizeof *nic->ring);
    }
    nic->ring[nic->ring_n++] = src;
    src->in_ring = true;
}

/* SRC leaves its host's ring at once: it is moving to another host or
 * being reused for another flow (a released queue pair), which the
 * simulator never does.  The slots after it move up one, as a scan's
 * removal moves them (ring_pick()); ring_last stays. */
static void
ring_leave(struct tx_source *src)
{
    if (!src->in_ring)
        return;
    struct nic *nic = &src->host->nic;
    uint32_t i = 0;
    while (nic->ring[i] != src)
        i++;
    memmove(&nic->ring[i], &nic->ring[i + 1],
            (nic->ring_n - i - 1) * sizeof *nic->ring);
    nic->ring_n--;
    src->in_ring = false;
}

/* The slot of the ring source of class TC to serve next, as
 * RdmaEgressQueue::GetNextQindex (qbb-net-device.cc lines 93-129) picks
 * it: the first ready one in the slots after ring_last, wrapping round;
 * a source not ready (paced, out of data, paused) is passed over.  On
 * the way, as there, the finished sources from the lowest-numbered one
 * the scan passed leave the ring and the slots after them close up.  TC
 * must have a ready ring source. */
static uint32_t
ring_pick(struct nic *nic, uint8_t tc)
{
    uint32_t n = nic->ring_n, res = UINT32_MAX, min_done = UINT32_MAX;
    /* Slot (ring_last + i) % n for i = 1..n, one division in all. */
    uint32_t idx = (1 + nic->ring_last) % n;
    for (uint32_t i = 1; i <= n; i++, idx = idx + 1 < n ? idx + 1 : 0) {
        const struct tx_source *src = nic->ring[idx];
        if (src->ready) {
            if (src->tc == tc) {
                res = idx;
                break;
            }
        } else if (idx < min_done && src->class->finished(src)) {
            min_done = idx;
        }
    }
    sim_assert(res != UINT32_MAX);
    if (min_done != UINT32_MAX) {
        uint32_t next = min_done;
        nic->ring[min_done]->in_ring = false;
        for (uint32_t i = min_done + 1; i < n; i++) {
            struct tx_source *src = nic->ring[i];
            if (src->ready || !src->class->finished(src)) {
                if (i == res)
                    res = next;
                nic->ring[next++] = src;
            } else {
                src->in_ring = false;
            }
        }
        nic->ring_n = next;
    }
    return res;
}

/* A scan of the ring that finds no source to send (GetNextQindex
 * passing every slot, qbb-net-device.cc lines 93-129): as ring_pick()'s,
 * it drops the finished sources, here all of them, and the later slots
 * close up; ring_last stays, so it may now name the slot of a later
 * source, and the next scan starts one further on. */
static void
ring_sweep(struct nic *nic)
{
    uint32_t next = 0;
    for (uint32_t i = 0; i < nic->ring_n; i++) {
        struct tx_source *src = nic->ring[i];
        if (src->ready || !src->class->finished(src))
            nic->ring[next++] = src;
        else
            src->in_ring = false;
    }
    nic->ring_n = next;
}

void
nic_trigger(struct net *net, struct host *h)
{
    /* A frame whose end is still to fire, at this instant too, keeps
     * the simulator's device BUSY: it looks when that end fires. */
    if (!event_is_scheduled(&net->sim, &h->nic.port->tx_done))
        port_kick(net, h->nic.port);
}

/* nic_activate(), or with WOKEN for a source whose wake-up is firing:
 * that wake-up is no longer scheduled, so there is nothing to cancel,
 * and the queue need not be asked (sim_cancel()'s call and its look at
 * the position table, at every packet of a paced queue pair). */
static ALWAYS_INLINE void
activate(struct net *net, struct tx_source *src, bool woken)
{
    if (UNLIKELY(src->host->srv) &&
        !edge_of(net)->flows[src->flow_id].transport->nic_offload) {
        server_activate(net, src);
        return;
    }
    if (src->ready)
        return;
    /* Asked inline first: most sources activated (an ACK's, a data
     * source after an ACK) have no wake-up filed, and sim_cancel() is a
     * call into sim.c. */
    if (!woken && event_is_scheduled(&net->sim, &src->wake))
        sim_cancel(&net->sim, &src->wake);
    if (UNLIKELY(src->host->nic.ns3_ring) && src->class->finished &&
        !src->in_ring)
        ring_join(&src->host->nic, src);
    ready_append(&src->host->nic, src);
    port_kick(net, src->host->nic.port);
}

void
nic_activate(struct net *net, struct tx_source *src)
{
    activate(net, src, false);
}

static void
source_wake(struct sim *s, struct event *ev)
{
    activate(net_of(s), CONTAINER_OF(ev, struct tx_source, wake), true);
}

/* Puts SRC, just asked for a packet, back at the tail of its ready list
 * if it stays ready (NEXT_PS now), or schedules its wake-up. */
static ALWAYS_INLINE void
after_pull(struct net *net, struct nic *nic, struct tx_source *src,
           uint64_t next_ps)
{
    if (next_ps <= net->sim.now_ps)
        ready_append(nic, src);
    else if (next_ps != TIME_NEVER)
        sim_schedule(&net->sim, &src->wake, next_ps);
}

/* pull_next() when a ring source heads ready list TC (`fabric: ns3`):
 * the simulator's scan picks which ring source sends. */
static struct pkt * __attribute__((noinline))
pull_ring(struct net *net, struct nic *nic, int tc)
{
    uint32_t k = ring_pick(nic, (uint8_t)tc);
    struct tx_source *src = nic->ring[k];
    nic_unlink(nic, src);
    uint64_t next_ps;
    struct pkt *p = src->class->pull(net, src, &next_ps);
    if (p)
        nic->ring_last = k;
    after_pull(net, nic, src, next_ps);
    return p;
}

/* Takes the head source of ready list TC off the list and asks it for a
 * packet; puts it back at the tail if it stays ready. */
static struct pkt *
pull_next(struct net *net, struct nic *nic, int tc)
{
    struct tx_source *src = nic->ready_head[tc];
    if (UNLIKELY(src->in_ring))
        return pull_ring(net, nic, tc);
    nic->ready_head[tc] = src->next;
    if (!src->next) {
        nic->ready_tail[tc] = NULL;
        nic->ready_mask &= (uint8_t)~(1u << tc);
    }
    src->ready = false;
    uint64_t next_ps;
    struct pkt *p = src->class->pull(net, src, &next_ps);
    after_pull(net, nic, src, next_ps);
    return p;
}

/* Before the port chooses a frame: for every class with a ready source and
 * an empty queue, pull one packet from the next source in round robin. */
static void
host_tx_ready(struct net *net, struct node *node, struct port *port)
{
    struct nic *nic = &host_cast(node)->nic;
    if (UNLIKELY(host_cast(node)->srv))
        server_tx_ready(net, host_cast(node)->srv);
    uint8_t want = nic->ready_mask & (uint8_t)~(port->eligible | port->paused);
    bool sent = false;
    while (want) {
        int tc = __builtin_ctz(want);
        want &= (uint8_t)(want - 1);
        struct pkt *p = NULL;
        while (!p && nic->ready_head[tc])
            p = pull_next(net, nic, tc);
        if (p) {
            host_observe_begin(net, p, BD_NIC);
            edge_of(net)->st.pkts_sent++;
            /* The last class pulled for (strict priority's pick among
             * them all), with nothing queued before: it leaves now. */
            if (!want && port_pulled_leaves_at_once(port, net->sim.now_ps)) {
                port_send_pulled(net, port, p, (uint8_t)tc);
                sent = true;
            } else {
                port_push(net, port, p, (uint8_t)tc);
            }
        }
    }
    /* Under `fabric: ns3` the simulator's NIC scans its QPs whenever its
     * link is free and no ACK waits (QbbNetDevice::DequeueAndTransmit,
     * qbb-net-device.cc lines 257-296), also when none may send: at the
     * end of a frame, at a resume, at each ACK received
     * (nic_trigger()).  A frame sent at once (SENT) is one the port
     * would have found queued. */
    if (UNLIKELY(nic->ns3_ring) && nic->ring_n && !sent &&
        !(port->eligible & ~port->paused))
        ring_sweep(nic);
}

/* host_deliver(), kept inline on the receive path of hosts without a
 * server (every packet of most runs). */
static inline void
deliver(struct net *net, struct pkt *p)
{
    /* Demultiplexing by flow id stands in for a socket lookup on the
     * 5-tuple; both name the same endpoint. */
    struct flow *f = &edge_of(net)->flows[p->flow_id];
    if (UNLIKELY(pkt_traced(p)))
        host_observe_end(net, p);
    edge_of(net)->st.pkts_delivered++;
    if (UNLIKELY(p->flood_copy)) {
        /* A copy of a frame flooded to every host of its VNI (a leaf
         * VTEP's, overlay/vtep.c): addressed to another MAC, discarded
         * as a NIC's filter discards it. */
        pkt_free(&net->pool, p);
        return;
    }
    edge_of(net)->st.last_delivery_ps = net->sim.now_ps;
    f->transport->receive(net, f, p);
}

void
host_deliver(struct net *net, struct pkt *p)
{
    deliver(net, p);
}

static void host_rx_drain(struct sim *, struct event *);

void
host_rx_init(struct host *h, struct host_rx *rx, struct sim *sim)
{
    h->rx = rx;
    rx->host = h;
    event_init(sim, &rx->drain, host_rx_drain);
}

/* The receive buffer is back at XON (PFC's node class method). */
static bool
host_rx_at_xon(const struct node *node)
{
    const struct host *h = CONTAINER_OF(node, const struct host, up);
    return h->rx->q.bytes <= h->rx->xon;
}

static void
host_mac(const struct node *node, uint8_t mac[6])
{
    memcpy(mac, CONTAINER_OF(node, const struct host, up)->mac, 6);
}

/* Schedules the end of the head frame's transfer, starting now or at the
 * end of a stall. */
static void
rx_start(struct net *net, struct host_rx *rx)
{
    uint64_t t = net->sim.now_ps;
    if (t >= rx->stall_from_ps && t < rx->stall_to_ps)
        t = rx->stall_to_ps;
    sim_schedule(&net->sim, &rx->drain,
                 t + ser_time_ps(rx->q.head->frame_bytes, rx->rate_bps));
}

static void
host_rx_drain(struct sim *sim, struct event *ev)
{
    struct host_rx *rx = CONTAINER_OF(ev, struct host_rx, drain);
    struct net *net = net_of(sim);
    struct pkt *p = queue_pop(&rx->q, sim->now_ps);
    if (rx->q.head)
        rx_start(net, rx);
    if (rx->lossless && rx->q.bytes <= rx->xon)
        fc_rx_resume(net, rx->host->nic.port, rx->lossless);
    /* The packet leaves the receive buffer of the port it came by
     * (p->in_port, set on arrival), where flow control watches it (IB). */
    fc_rx_leave(net, &rx->host->up.ports[p->in_port], p);
    deliver(net, p);
}

static void
host_rx_arrive(struct net *net, struct host *h, struct pkt *p)
{
    struct host_rx *rx = h->rx;
    uint8_t c = qos_classify(rx->qos, p);
    bool lossless = rx->lossless >> c & 1;
    if (rx->q.bytes + p->frame_bytes > (lossless ? rx->cap : rx->xoff)) {
        net_drop(net, p, DROP_HOST_RX);
        return;
    }
    queue_push(&rx->q, p, net->sim.now_ps);
    if (lossless && rx->q.bytes >= rx->xoff)
        fc_rx_pause(net, h->nic.port, c);
    if (rx->q.head == p)
        rx_start(net, rx);
}

static void
host_receive(struct net *net, struct node *node, struct pkt *p,
             uint8_t in_port)
{
    (void)in_port;
    /* The edge's host_rx, not h->rx: the edge's line is hot, the host's
     * not. */
    if (UNLIKELY(edge_of(net)->servers))
        server_receive(net, host_cast(node)->srv, p);
    else if (UNLIKELY(edge_of(net)->host_rx))
        host_rx_arrive(net, host_cast(node), p);
    else
        deliver(net, p);
}

/* P is to arrive soon (the link's prefetch hook, after the packet's
 * line): fetch the host's port and NIC lists, which an answer (an ACK)
 * queued on the way touches, and what the transport's receive will
 * read.  That state hangs off the flow, a load further than the
 * pipeline's stages reach: the hook reads the flow's line here, which
 * may wait for memory, but what follows it in the loop need not wait
 * for the hook. */
static void
host_prefetch_rx(const struct net *net, const struct node *node,
                 const struct pkt *p, uint8_t in_port)
{
    (void)in_port;
    const struct host *h = CONTAINER_OF(node, const struct host, up);
    __builtin_prefetch(&h->nic.ready_head[0]);
    __builtin_prefetch(h->nic.port);
    /* The packet's second line: its transport header. */
    __builtin_prefetch((const char *)p + 64);
    const struct edge *edge = edge_of_const(net);
    /* Not a flow's (a PFC frame, a BGP message: pkt.c). */
    if (UNLIKELY(edge->servers != NULL) || p->flow_id == UINT32_MAX)
        return;
    const struct flow *f = &edge->flows[p->flow_id];
    if (f->tp && f->transport->prefetch_rx)
        f->transport->prefetch_rx(f, p);
}

const struct node_class host_class = {
    .kind = "host",
    .receive = host_receive,
    .tx_ready = host_tx_ready,
    .prefetch_rx = host_prefetch_rx,
    .mac = host_mac,
    .rx_at_xon = host_rx_at_xon,
};
