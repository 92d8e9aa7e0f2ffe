/* Building the fabric from its configuration (net.h), and what every
 * part of the fabric shares: drops, warnings, PFC events, observers. */
#include "fabric/net.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/fc.h"
#include "fabric/flood.h"
#include "fabric/ib.h"
#include "fabric/ns3-ecmp.h"
#include "fabric/observer.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "fabric/route.h"
#include "fabric/sched.h"
#include "fabric/switch.h"
#include "fabric/topo.h"
#include "sim/rng.h"

/* Port ends from which the sim's prefetch pipeline runs (net_finish()).
 * Measured on the scaling set (docs/performance.md): at 6 144 (k=16) it
 * halves user CPU per hop; at 768 (k=8), where the ports and queues stay
 * in cache, it costs 0-25%. */
#define NET_PREFETCH_MIN_PORTS 2048u

void
net_pfc_event(struct net *net, const struct port *port, uint8_t tc,
              const char *what)
{
    if (net->n_pfc_events == net->cap_pfc_events) {
        net->cap_pfc_events = net->cap_pfc_events ? 2 * net->cap_pfc_events
                                                  : 16;
        net->pfc_events = xrealloc(net->pfc_events, net->cap_pfc_events *
                                                        sizeof *net->pfc_events);
    }
    struct pfc_event *e = &net->pfc_events[net->n_pfc_events++];
    e->t_ps = net->sim.now_ps;
    e->port = (uint32_t)(port - net->ports);
    e->tc = tc;
    e->what = what;
}

void
net_warn(struct net *net, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *w = xvasprintf(fmt, ap);
    va_end(ap);
    net->warnings = xrealloc(net->warnings,
                             (net->n_warnings + 1) * sizeof *net->warnings);
    net->warnings[net->n_warnings++] = w;
}

void
net_observe(struct net *net, uint8_t hook, struct net_observer *obs)
{
    sim_assert(hook && !(hook & (hook - 1)));
    unsigned bit = (unsigned)__builtin_ctz(hook);
    sim_assert(!net->observers[bit]);
    net->observers[bit] = obs;
}

void
net_capture(struct net *net, struct port *port, struct net_observer *obs)
{
    sim_assert(obs && obs->class->depart);
    sim_assert(!net->capture || net->capture == obs);
    net->capture = obs;
    port->link.capture = 1;
}

void
net_observe_depart(struct net *net, const struct port *port, struct pkt *p,
                   uint64_t ser_ps)
{
    for (unsigned h = p->hooks; h; h &= h - 1) {
        struct net_observer *o = net->observers[__builtin_ctz(h)];
        if (o && o->class->depart)
            o->class->depart(o, net, port, p, ser_ps);
    }
    if (port->link.capture)
        net->capture->class->depart(net->capture, net, port, p, ser_ps);
}

void
net_drop(struct net *net, struct pkt *p, enum drop_reason why)
{
    for (unsigned h = p->hooks; UNLIKELY(h); h &= h - 1) {
        struct net_observer *o = net->observers[__builtin_ctz(h)];
        if (o && o->class->drop)
            o->class->drop(o, net, p, why);
    }
    net->st.drops[why]++;
    net->st.bytes_lost += p->payload_bytes;
    net->owner->dropped(net, p);
    pkt_free(&net->pool, p);
}

const struct qos_spec *
net_qos_of(const struct net *net, uint32_t id)
{
    const struct net_config *cfg = &net->cfg;
    for (size_t i = 0; i < cfg->n_qos_nodes; i++)
        if (cfg->qos_nodes[i].node == id)
            return &cfg->qos_nodes[i].qos;
    return cfg->qos;
}

static uint32_t
switch_seed(const struct net_config *cfg, const char *name)
{
    if (cfg->sw->ecmp_hash == ECMP_HASH_NS3)
        return ns3_node_id(name, 's');   /* Checked by the scenario. */
    if (cfg->sw->ecmp_seed_mode == ECMP_SEED_SAME)
        return cfg->sw->ecmp_seed;
    char buf[96];
    snprintf(buf, sizeof buf, "ecmp/%s", name);
    return (uint32_t)rng_mix64(cfg->seed ^ rng_stream_id(buf));
}

void
net_init(struct net *net, const struct net_config *cfg, uint64_t stop_ps)
{
    sim_init(&net->sim, cfg->seed);
    pkt_pool_init(&net->pool);
    if (stop_ps)
        net->sim.end_ps = stop_ps;
    net->cfg = *cfg;
    const struct topo_graph *g = cfg->graph;
    const struct switch_spec *sw = cfg->sw;
    net->n_nodes = g->n_nodes;
    net->n_hosts = g->n_hosts;
    net->n_switches = g->n_nodes - g->n_hosts;
    net->nodes = xcalloc(g->n_nodes, sizeof *net->nodes);
    /* Aligned as struct sw asks, so that forwarding reads two lines. */
    net->switches = arena_huge(net->n_switches * sizeof *net->switches);
    for (uint32_t i = g->n_hosts; i < g->n_nodes; i++) {
        const struct topo_node *tn = &g->nodes[i];
        sim_assert(!tn->is_host);
        struct sw *s = &net->switches[i - g->n_hosts];
        switch_init(s, i, tn->name, tn->tier, switch_seed(cfg, tn->name));
        s->qos = net_qos_of(net, i);
        mmu_init(&s->mmu, sw->mmu, sw->queue_bytes, sw->buffer_bytes);
        s->ecn.spec = &sw->ecn;
        s->ecn.rng = &s->ecn_rng;
        s->ecn.ns3 = cfg->ppp;
        if (sw->ecn.n_by_rate) {
            s->ecn_by_rate = xcalloc(sw->ecn.n_by_rate, sizeof *s->ecn_by_rate);
            for (size_t k = 0; k < sw->ecn.n_by_rate; k++) {
                s->ecn_by_rate[k].spec = &sw->ecn.by_rate[k].spec;
                s->ecn_by_rate[k].rng = &s->ecn_rng;
                s->ecn_by_rate[k].ns3 = cfg->ppp;
            }
        }
        char stream[96];
        snprintf(stream, sizeof stream, "ecn/%s", tn->name);
        rng_init(&s->ecn_rng, cfg->seed, rng_stream_id(stream));
        net->nodes[i] = &s->up;
    }
    if (sw->ecmp_hash == ECMP_HASH_NS3) {
        net->ns3_ip = xcalloc(g->n_hosts ? g->n_hosts : 1,
                              sizeof *net->ns3_ip);
        for (uint32_t i = 0; i < g->n_hosts; i++)
            net->ns3_ip[i] = ns3_node_ip(ns3_node_id(g->nodes[i].name, 'h'));
    }
    net->faulty = cfg->faults->loss > 0 || cfg->faults->reorder > 0;
    net->rx_slow = net->faulty;
    rng_init(&net->fault_rng, cfg->seed, rng_stream_id("faults"));
}

/* S's marker for its ports whose link runs at RATE_BPS. */
static struct ecn_marker *
ecn_marker_for(struct sw *s, const struct ecn_spec *e, uint64_t rate_bps)
{
    for (size_t k = 0; k < e->n_by_rate; k++)
        if (e->by_rate[k].rate_bps == rate_bps)
            return &s->ecn_by_rate[k];
    return &s->ecn;
}

/* The slowest host NIC: the rate that pfc.alpha_by_rate compares switch
 * ports with (the HPCC simulator takes its first server's, the same when
 * every NIC has one rate). */
static uint64_t
slowest_nic_bps(const struct net *net)
{
    uint64_t r = UINT64_MAX;
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        const struct node *h = net->nodes[i];
        for (uint16_t k = 0; k < h->n_ports; k++)
            if (h->ports[k].rate_bps < r)
                r = h->ports[k].rate_bps;
    }
    return r;
}

void
net_connect(struct net *net)
{
    const struct net_config *cfg = &net->cfg;
    const struct topo_graph *g = cfg->graph;
    for (uint32_t i = 0; i < g->n_hosts; i++)
        sim_assert(net->nodes[i] && g->nodes[i].is_host);

    /* Ports: one per cable end, numbered in link order per node. */
    uint32_t *deg = xcalloc(g->n_nodes, sizeof *deg);
    for (uint32_t l = 0; l < g->n_links; l++) {
        deg[g->links[l].a]++;
        deg[g->links[l].b]++;
    }
    net->n_ports = 2 * g->n_links;
    /* Aligned as struct port asks, so that its hot fields share a line. */
    size_t ports_size = (net->n_ports ? net->n_ports : 1) * sizeof *net->ports;
    net->ports = arena_huge(ports_size);
    uint32_t off = 0;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        sim_assert(deg[i] <= 255);
        net->nodes[i]->ports = &net->ports[off];
        off += deg[i];
    }
    free(deg);

    const struct sched_class *sw_sched = sched_find(cfg->sw->scheduler);
    const struct sched_class *host_sched = sched_find(cfg->host_scheduler);
    sim_assert(sw_sched && host_sched);
    for (uint32_t l = 0; l < g->n_links; l++) {
        const struct topo_link *tl = &g->links[l];
        struct node *a = net->nodes[tl->a], *b = net->nodes[tl->b];
        struct port *pa = &a->ports[a->n_ports];
        struct port *pb = &b->ports[b->n_ports];
        struct node *ends[2] = { a, b };
        struct port *ps[2] = { pa, pb };
        for (int e = 0; e < 2; e++) {
            struct node *me = ends[e], *peer = ends[!e];
            bool sw = me->class == &switch_class;
            /* IB switches have no MMU: credits fill their input buffers
             * (setup_ib()). */
            bool mmu = sw && !cfg->infiniband;
            port_init(ps[e], &net->sim, me, (uint8_t)me->n_ports,
                      tl->rate_bps, sw ? sw_sched : host_sched,
                      mmu ? &sw_cast(me)->mmu : NULL);
            if (cfg->ppp)
                port_set_ns3(ps[e]);
            ps[e]->ets = sw ? &cfg->sw->ets : cfg->host_ets;
            if (sw && cfg->sw->ecn.mode != ECN_MARK_OFF) {
                ps[e]->ecn = ecn_marker_for(sw_cast(me), &cfg->sw->ecn,
                                            tl->rate_bps);
                ps[e]->ecn_at_enqueue = cfg->sw->ecn.at_enqueue;
            }
            ps[e]->link.peer = peer;
            ps[e]->link.peer_port = (uint8_t)peer->n_ports;
            /* A switch's forwarding latency is spent between the last bit
             * arriving and the packet joining an egress queue; adding it
             * to the delay of the links into the switch models exactly
             * that without an event per packet. */
            ps[e]->link.delay_ps =
                tl->delay_ps +
                (peer->class == &switch_class ? cfg->sw->latency_ps : 0);
        }
        a->n_ports++;
        b->n_ports++;
    }
    if (!strcmp(cfg->sw->mmu, "shared")) {
        /* Every switch's groups in one array, on huge pages at scale. */
        size_t n_pg = 0;
        for (uint32_t i = 0; i < net->n_switches; i++)
            n_pg += (size_t)net->switches[i].up.n_ports * 8;
        net->mmu_pg = arena_huge((n_pg + 1) * sizeof *net->mmu_pg);
        n_pg = 0;
        for (uint32_t i = 0; i < net->n_switches; i++) {
            struct sw *s = &net->switches[i];
            mmu_shared_setup(&s->mmu, &net->mmu_pg[n_pg], s->up.n_ports,
                             cfg->sw->reserve_bytes,
                             cfg->pfc->enabled ? cfg->qos->lossless : 0,
                             cfg->qos->alpha, cfg->pfc->xoff_bytes,
                             cfg->pfc->xon_offset_bytes);
            n_pg += (size_t)s->up.n_ports * 8;
        }
    }
    if (cfg->pfc->enabled && cfg->pfc->alpha_by_rate &&
        !strcmp(cfg->sw->mmu, "shared")) {
        uint64_t nic_bps = slowest_nic_bps(net);
        for (uint32_t i = 0; i < net->n_switches; i++) {
            struct sw *s = &net->switches[i];
            for (uint16_t k = 0; k < s->up.n_ports; k++)
                mmu_scale_alpha(&s->mmu, k, s->up.ports[k].rate_bps, nic_bps);
        }
    }
    net->home_port = xmalloc(net->n_hosts ? net->n_hosts : 1);
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        const struct node *h = net->nodes[i];
        net->home_port[i] = h->n_ports == 1 ? h->ports[0].link.peer_port
                                            : HOME_PORT_MULTI;
    }
}

/* PFC state on every port, and each switch port's headroom: the delay
 * model's value (fc-pfc.c), or the scenario's, with a warning when that is
 * smaller. */
static void
setup_pfc(struct net *net, const struct net_config *cfg)
{
    const struct pfc_spec *spec = cfg->pfc;
    uint8_t lossless = cfg->qos->lossless;
    int n_lossless = __builtin_popcount(lossless);
    net->fc = &fc_pfc;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct port *port = &net->ports[i];
        uint64_t resp = spec->response_ps != PFC_RESPONSE_AUTO
                            ? spec->response_ps
                            : pfc_default_response_ps(port->rate_bps);
        pfc_port_create(&net->sim, port, spec,
                        net_qos_of(net, port->node->id), lossless, resp);
    }
    uint64_t worst_need = 0, worst_have = 0;
    uint32_t short_ports = 0;
    const struct port *worst = NULL;
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        for (uint16_t k = 0; k < s->up.n_ports; k++) {
            struct port *port = &s->up.ports[k];
            uint64_t need = pfc_headroom_bytes(net, port, cfg->mtu_bytes,
                                               n_lossless);
            uint64_t have = spec->headroom_bytes ? spec->headroom_bytes
                            : spec->headroom_ns3
                                ? pfc_headroom_ns3_bytes(net, port)
                                : need;
            if (have > UINT32_MAX)
                have = UINT32_MAX;
            if (have < need) {
                short_ports++;
                if (!worst || need - have > worst_need - worst_have) {
                    worst = port;
                    worst_need = need;
                    worst_have = have;
                }
            }
            mmu_set_headroom(&s->mmu, k, (uint32_t)have);
        }
    }
    if (short_ports && spec->headroom_ns3)
        net_warn(net,
                 "pfc.headroom ns3 (3 x rate x propagation) is below what "
                 "%" PRIu32 " switch port(s) need; lossless classes may drop "
                 "(e.g. %s port %u to %s has %" PRIu64 " B, needs %" PRIu64
                 " B)",
                 short_ports, worst->node->name, worst->index,
                 worst->link.peer->name, worst_have, worst_need);
    else if (short_ports)
        net_warn(net,
                 "pfc.headroom %" PRIu64 " B is below what %" PRIu32
                 " switch port(s) need; lossless classes may drop (e.g. %s "
                 "port %u to %s needs %" PRIu64 " B)",
                 spec->headroom_bytes, short_ports, worst->node->name,
                 worst->index, worst->link.peer->name, worst_need);
}

/* Credit state on every port of an IB fabric, each receive buffer
 * ib.vl_buffer per VL; a warning names the ports whose buffer is below
 * their credit round trip (they cannot keep their link busy on one VL). */
static void
setup_ib(struct net *net, const struct net_config *cfg)
{
    uint32_t cap = (uint32_t)(cfg->ib->vl_buffer_bytes / IB_CREDIT_BYTES);
    uint32_t max_packet = ib_packet_bytes(IB_LRH_BYTES + IB_BTH_BYTES +
                                              IB_ICRC_BYTES + IB_VCRC_BYTES,
                                          cfg->ib_mtu_bytes);
    /* A host with host.rx_rate frees its HCA's buffer as it takes packets
     * from its receive queue (setup_host_rx()), else as they arrive. */
    enum ib_port_kind hca = cfg->hca_rx_queue ? IB_PORT_HCA_RX : IB_PORT_HCA;
    net->fc = &fc_ib;
    uint32_t short_ports = 0;
    uint64_t worst_need = 0;
    const struct port *worst = NULL;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct port *port = &net->ports[i];
        bool sw = port->node->class == &switch_class;
        ib_port_create(port, sw ? IB_PORT_SWITCH : hca, cap, cap);
        uint64_t need = ib_credit_loop_bytes(net, port, max_packet);
        if (need > cfg->ib->vl_buffer_bytes) {
            short_ports++;
            if (need > worst_need) {
                worst_need = need;
                worst = port;
            }
        }
    }
    if (short_ports)
        net_warn(net,
                 "ib.vl_buffer %" PRIu64 " B is below the credit round trip "
                 "of %" PRIu32 " port(s); one VL cannot keep their link busy "
                 "(e.g. %s port %u to %s needs %" PRIu64 " B)",
                 cfg->ib->vl_buffer_bytes, short_ports, worst->node->name,
                 worst->index, worst->link.peer->name, worst_need);
}

/* Sizes each shared-buffer switch's shared pool: what its buffer leaves
 * after the reserves and (with PFC) the headroom.  Returns false with
 * *ERR if they do not fit. */
static bool
commit_buffers(struct net *net, const struct net_config *cfg, char **err)
{
    if (strcmp(cfg->sw->mmu, "shared"))
        return true;
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        uint64_t over = mmu_shared_commit(&s->mmu);
        if (over) {
            *err = xasprintf(
                "%s: switch %s: its buffer of %" PRIu64 " B cannot hold "
                "its reserves%s (%" PRIu64 " B more is needed); expected a "
                "larger switch.buffer, a smaller switch.reserve%s",
                cfg->sw->where ? cfg->sw->where : cfg->file, s->up.name,
                s->mmu.buffer_bytes,
                cfg->pfc->enabled ? " and PFC headroom" : "", over,
                cfg->pfc->enabled ? " or pfc.headroom, or fewer lossless "
                                   "classes"
                                 : "");
            return false;
        }
    }
    return true;
}


int
net_finish(struct net *net, char **err)
{
    const struct net_config *cfg = &net->cfg;
    if (cfg->pfc->enabled)
        setup_pfc(net, cfg);
    if (cfg->infiniband)
        setup_ib(net, cfg);
    if (!commit_buffers(net, cfg, err))
        return 2;
    route_compute(net);
    net->sim.prefetch = net->n_ports >= NET_PREFETCH_MIN_PORTS;
    return 0;
}

void
net_uninit(struct net *net)
{
    flood_destroy(net);
    for (uint32_t i = 0; i < net->n_switches; i++) {
        mmu_free(&net->switches[i].mmu);
        free(net->switches[i].ecn_by_rate);
    }
    route_free(net);
    free(net->switches);
    free(net->nodes);
    for (uint32_t i = 0; i < net->n_ports; i++) {
        fc_port_destroy(&net->ports[i]);
        port_uninit(&net->arena, &net->ports[i]);
    }
    arena_uninit(&net->arena);
    free(net->ports);
    free(net->mmu_pg);
    free(net->sw_anchor);
    free(net->home_port);
    free(net->ns3_ip);
    free(net->pfc_events);
    for (size_t i = 0; i < net->n_warnings; i++)
        free(net->warnings[i]);
    free(net->warnings);
    pkt_pool_uninit(&net->pool);
    sim_uninit(&net->sim);
}
