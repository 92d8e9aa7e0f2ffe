/* Building the network model from a scenario; see net.h. */
#include "fabric/net.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/fc.h"
#include "fabric/ib.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "fabric/route.h"
#include "fabric/sched.h"
#include "report/breakdown.h"
#include "fabric/switch.h"
#include "host/host.h"
#include "host/server.h"
#include "scenario/scenario.h"
#include "sim/rng.h"
#include "transport/transport.h"
#include "workload/flow.h"
#include "workload/workload.h"

uint32_t
net_host_of_ip(const struct net *net, uint32_t ip)
{
    /* Inverse of pkt_host_ip(): 10.<net hi>.<net lo>.<1..250>. */
    uint32_t x = ip & 0xFF;
    if (ip >> 24 != 10 || x < 1 || x > 250)
        return UINT32_MAX;
    uint32_t h = ((ip >> 8) & 0xFFFF) * 250 + x - 1;
    return h < net->n_hosts ? h : UINT32_MAX;
}

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

static void PRINTF_FMT(2, 3)
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
net_drop(struct net *net, struct pkt *p, enum drop_reason why)
{
    if (UNLIKELY(pkt_traced(p)))
        bd_drop(net, p, why);
    net->st.drops[why]++;
    net->st.bytes_lost += p->payload_bytes;
    if (p->flow_id < net->n_flows) {
        struct flow *f = &net->flows[p->flow_id];
        f->pkts_dropped++;
        f->bytes_lost += p->payload_bytes;
    }
    pkt_free(&net->pool, p);
}

/* Node ID's classification: its own (qos.nodes) or the common one. */
static const struct qos_spec *
qos_for(const struct scenario *scn, uint32_t id)
{
    for (size_t i = 0; i < scn->n_qos_nodes; i++)
        if (scn->qos_nodes[i].node == id)
            return &scn->qos_nodes[i].qos;
    return &scn->qos;
}

static uint32_t
switch_seed(const struct scenario *scn, const char *name)
{
    if (scn->sw.ecmp_seed_mode == ECMP_SEED_SAME)
        return scn->sw.ecmp_seed;
    char buf[96];
    snprintf(buf, sizeof buf, "ecmp/%s", name);
    return (uint32_t)rng_mix64(scn->seed ^ rng_stream_id(buf));
}

static void
flow_start(struct sim *s, void *obj, uint64_t arg)
{
    struct net *net = net_of(s);
    struct flow *f = &net->flows[arg];
    (void)obj;
    net->st.flows_started++;
    /* An RDMA message starts when its work request has been posted. */
    if (UNLIKELY(net->servers) && f->transport->nic_offload)
        server_rdma_post(net, f);
    else
        f->transport->start(net, f);
}

static void
build_nodes(struct net *net, const struct scenario *scn)
{
    const struct topo_graph *g = &scn->graph;
    net->n_nodes = g->n_nodes;
    net->n_hosts = g->n_hosts;
    net->n_switches = g->n_nodes - g->n_hosts;
    net->nodes = xcalloc(g->n_nodes, sizeof *net->nodes);
    net->hosts = xcalloc(net->n_hosts, sizeof *net->hosts);
    net->switches = xcalloc(net->n_switches, sizeof *net->switches);
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        const struct topo_node *tn = &g->nodes[i];
        if (tn->is_host) {
            sim_assert(i < g->n_hosts);
            host_init(&net->hosts[i], i, tn->name);
            net->nodes[i] = &net->hosts[i].up;
        } else {
            struct sw *s = &net->switches[i - g->n_hosts];
            switch_init(s, i, tn->name, tn->tier, switch_seed(scn, tn->name));
            s->qos = qos_for(scn, i);
            mmu_init(&s->mmu, scn->sw.mmu, scn->sw.queue_bytes,
                     scn->sw.buffer_bytes);
            s->ecn.spec = &scn->sw.ecn;
            char stream[96];
            snprintf(stream, sizeof stream, "ecn/%s", tn->name);
            rng_init(&s->ecn.rng, scn->seed, rng_stream_id(stream));
            net->nodes[i] = &s->up;
        }
    }

    /* Ports: one per cable end, numbered in link order per node. */
    uint32_t *deg = xcalloc(g->n_nodes, sizeof *deg);
    for (uint32_t l = 0; l < g->n_links; l++) {
        deg[g->links[l].a]++;
        deg[g->links[l].b]++;
    }
    net->n_ports = 2 * g->n_links;
    /* Aligned as struct port asks, so that its hot fields share a line. */
    size_t ports_size = (net->n_ports ? net->n_ports : 1) * sizeof *net->ports;
    net->ports = xmalloc_aligned(_Alignof(struct port), ports_size);
    memset(net->ports, 0, ports_size);
    uint32_t off = 0;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        sim_assert(deg[i] <= 255);
        net->nodes[i]->ports = &net->ports[off];
        off += deg[i];
    }
    free(deg);

    const struct sched_class *sw_sched = sched_find(scn->sw.scheduler);
    const struct sched_class *host_sched = sched_find(scn->host.scheduler);
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
            bool mmu = sw && scn->fabric != FABRIC_INFINIBAND;
            port_init(ps[e], &net->sim, me, (uint8_t)me->n_ports,
                      tl->rate_bps, sw ? sw_sched : host_sched,
                      mmu ? &sw_cast(me)->mmu : NULL);
            ps[e]->ets = sw ? &scn->sw.ets : &scn->host.ets;
            if (sw && scn->sw.ecn.mode != ECN_MARK_OFF) {
                ps[e]->ecn = &sw_cast(me)->ecn;
                ps[e]->ecn_at_enqueue = scn->sw.ecn.at_enqueue;
            }
            ps[e]->link.peer = peer;
            ps[e]->link.peer_port = (uint8_t)peer->n_ports;
            ps[e]->link.prop_ps = tl->delay_ps;
            /* A switch's forwarding latency is spent between the last bit
             * arriving and the packet joining an egress queue; adding it
             * to the delay of the links into the switch models exactly
             * that without an event per packet. */
            ps[e]->link.delay_ps =
                tl->delay_ps +
                (peer->class == &switch_class ? scn->sw.latency_ps : 0);
        }
        a->n_ports++;
        b->n_ports++;
    }
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        if (!strcmp(scn->sw.mmu, "shared"))
            mmu_shared_setup(&s->mmu, s->up.n_ports, scn->sw.reserve_bytes,
                             scn->pfc.enabled ? scn->qos.lossless : 0,
                             scn->qos.alpha, scn->pfc.xoff_bytes,
                             scn->pfc.xon_offset_bytes);
    }
    net->home_port = xmalloc(net->n_hosts ? net->n_hosts : 1);
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        struct host *h = &net->hosts[i];
        host_attach_nic(h);
        net->home_port[i] = h->up.n_ports == 1 ? h->up.ports[0].link.peer_port
                                               : HOME_PORT_MULTI;
    }
}

/* PFC state on every port, and each switch port's headroom: the delay
 * model's value (fc-pfc.c), or the scenario's, with a warning when that is
 * smaller. */
static void
setup_pfc(struct net *net, const struct scenario *scn)
{
    const struct pfc_spec *spec = &scn->pfc;
    uint8_t lossless = scn->qos.lossless;
    int n_lossless = __builtin_popcount(lossless);
    net->fc = &fc_pfc;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct port *port = &net->ports[i];
        uint64_t resp = spec->response_ps
                            ? spec->response_ps
                            : pfc_default_response_ps(port->rate_bps);
        pfc_port_create(&net->sim, port, spec, qos_for(scn, port->node->id),
                        lossless, resp);
    }
    uint64_t worst_need = 0, worst_have = 0;
    uint32_t short_ports = 0;
    const struct port *worst = NULL;
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        for (uint16_t k = 0; k < s->up.n_ports; k++) {
            struct port *port = &s->up.ports[k];
            uint64_t need = pfc_headroom_bytes(port, scn->mtu_bytes,
                                               n_lossless);
            uint64_t have = spec->headroom_bytes ? spec->headroom_bytes : need;
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
    if (short_ports)
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
setup_ib(struct net *net, const struct scenario *scn)
{
    uint32_t cap = (uint32_t)(scn->ib.vl_buffer_bytes / IB_CREDIT_BYTES);
    uint32_t max_packet = ib_packet_bytes(IB_LRH_BYTES + IB_BTH_BYTES +
                                              IB_ICRC_BYTES + IB_VCRC_BYTES,
                                          scn->rdma.mtu);
    /* A host with host.rx_rate frees its HCA's buffer as it takes packets
     * from its receive queue (setup_host_rx()), else as they arrive. */
    enum ib_port_kind hca = scn->host.rx_rate_bps ? IB_PORT_HCA_RX
                                                  : IB_PORT_HCA;
    net->fc = &fc_ib;
    uint32_t short_ports = 0;
    uint64_t worst_need = 0;
    const struct port *worst = NULL;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct port *port = &net->ports[i];
        bool sw = port->node->class == &switch_class;
        ib_port_create(port, sw ? IB_PORT_SWITCH : hca, cap, cap);
        uint64_t need = ib_credit_loop_bytes(port, max_packet);
        if (need > scn->ib.vl_buffer_bytes) {
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
                 scn->ib.vl_buffer_bytes, short_ports, worst->node->name,
                 worst->index, worst->link.peer->name, worst_need);
}

/* Sizes each shared-buffer switch's shared pool: what its buffer leaves
 * after the reserves and (with PFC) the headroom.  Returns false with
 * *ERR if they do not fit. */
static bool
commit_buffers(struct net *net, const struct scenario *scn, char **err)
{
    if (strcmp(scn->sw.mmu, "shared"))
        return true;
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        uint64_t over = mmu_shared_commit(&s->mmu);
        if (over) {
            *err = xasprintf(
                "%s: switch %s: its buffer of %" PRIu64 " B cannot hold "
                "its reserves%s (%" PRIu64 " B more is needed); expected a "
                "larger switch.buffer, a smaller switch.reserve%s",
                scn->sw.where ? scn->sw.where : scn->file, s->up.name,
                s->mmu.buffer_bytes,
                scn->pfc.enabled ? " and PFC headroom" : "", over,
                scn->pfc.enabled ? " or pfc.headroom, or fewer lossless "
                                   "classes"
                                 : "");
            return false;
        }
    }
    return true;
}

/* Host NIC receive buffers (host.rx_rate).  With PFC, the top of the
 * buffer is headroom: what can still arrive after the NIC pauses, by the
 * same delay model as a switch port's. */
static bool
setup_host_rx(struct net *net, const struct scenario *scn, char **err)
{
    const struct host_spec *hs = &scn->host;
    /* Aligned: struct host_rx holds a cache-line aligned struct queue. */
    size_t size = (net->n_hosts ? net->n_hosts : 1) * sizeof *net->host_rx;
    net->host_rx = xmalloc_aligned(_Alignof(struct host_rx), size);
    memset(net->host_rx, 0, size);
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        struct host *h = &net->hosts[i];
        struct host_rx *rx = &net->host_rx[i];
        host_rx_init(h, rx, &net->sim);
        /* On IB the credits of each VL's buffer bound it instead. */
        rx->cap = rx->xoff = rx->xon = scn->fabric == FABRIC_INFINIBAND
                                           ? UINT64_MAX
                                           : hs->rx_buffer_bytes;
        rx->rate_bps = hs->rx_rate_bps;
        rx->qos = qos_for(scn, i);
        if (scn->pfc.enabled) {
            uint64_t need = pfc_headroom_bytes(
                h->nic.port, scn->mtu_bytes,
                __builtin_popcount(scn->qos.lossless));
            if (need + scn->pfc.xon_offset_bytes >= rx->cap) {
                *err = xasprintf(
                    "%s:%u:%u: host.rx_buffer %" PRIu64 " B leaves no room "
                    "below the PFC headroom host %s needs (%" PRIu64
                    " B, plus pfc.xon_offset %" PRIu64 " B); expected a "
                    "larger host.rx_buffer",
                    scn->file, hs->rx_loc.line, hs->rx_loc.col, rx->cap,
                    h->up.name, need, scn->pfc.xon_offset_bytes);
                return false;
            }
            rx->xoff = rx->cap - need;
            rx->xon = rx->xoff - scn->pfc.xon_offset_bytes;
            rx->lossless = scn->qos.lossless;
        }
    }
    for (size_t i = 0; i < hs->n_stall_hosts; i++) {
        struct host_rx *rx = &net->host_rx[hs->stall_hosts[i]];
        rx->stall_from_ps = hs->stall_start_ps;
        rx->stall_to_ps = hs->stall_start_ps + hs->stall_ps;
    }
    return true;
}

int
net_create(struct net **out, const struct scenario *scn, char **err)
{
    struct net *net = xcalloc(1, sizeof *net);
    sim_init(&net->sim, scn->seed);
    pkt_pool_init(&net->pool);
    /* HPCC's telemetry needs room beside each packet (pkt.h). */
    if (scn->rdma.cc == RDMA_CC_HPCC)
        pkt_pool_enable_int(&net->pool);
    net->scn = scn;
    if (scn->stop_ps)
        net->sim.end_ps = scn->stop_ps;
    build_nodes(net, scn);
    net->faulty = scn->faults.loss > 0 || scn->faults.reorder > 0;
    rng_init(&net->fault_rng, scn->seed, rng_stream_id("faults"));
    if (scn->pfc.enabled)
        setup_pfc(net, scn);
    if (scn->fabric == FABRIC_INFINIBAND)
        setup_ib(net, scn);
    if (!commit_buffers(net, scn, err) ||
        (scn->host.rx_rate_bps && !setup_host_rx(net, scn, err))) {
        net_destroy(net);
        *out = NULL;
        return 2;
    }
    route_compute(net);
    if (scn->has_server && servers_create(net, err)) {
        net_destroy(net);
        *out = NULL;
        return 2;
    }

    if (workload_create(scn, &net->wl, &net->flows, &net->n_flows, err)) {
        net_destroy(net);
        *out = NULL;
        return 2;
    }
    const struct monitor_spec *ms = &scn->monitor;
    for (size_t i = 0; i < ms->n_qps; i++) {
        uint32_t id = ms->qps[i];
        if (id < net->n_flows && (!strncmp(net->flows[id].transport->name,
                                           "roce", 4) ||
                                  net->flows[id].transport == &transport_ib))
            continue;
        *err = xasprintf("%s:%u:%u: monitor.qps.%zu: flow %u is %s; expected "
                         "the id (flows.csv) of a roce, rocev1 or ib flow",
                         scn->file, ms->qps_loc.line, ms->qps_loc.col, i, id,
                         id < net->n_flows ? "not an RDMA flow"
                                           : "not in the workload");
        net_destroy(net);
        *out = NULL;
        return 2;
    }
    if (ms->breakdown) {
        if (ms->breakdown_flow >= net->n_flows) {
            *err = xasprintf("%s:%u:%u: monitor.breakdown: flow %u is not in "
                             "the workload (%u flows at the start); expected "
                             "the id (flows.csv) of one of them",
                             scn->file, ms->breakdown_loc.line,
                             ms->breakdown_loc.col, ms->breakdown_flow,
                             net->n_flows);
            net_destroy(net);
            *out = NULL;
            return 2;
        }
        net->bd = breakdown_create(ms->breakdown_flow);
    }
    for (uint32_t i = 0; i < net->n_flows; i++) {
        const struct flow *f = &net->flows[i];
        if (f->transport->check && f->transport->check(net, f, err)) {
            net_destroy(net);
            *out = NULL;
            return 2;
        }
    }
    for (uint32_t i = 0; i < net->n_flows; i++)
        net_launch_flow(net, i);
    *out = net;
    return 0;
}

void
net_launch_flow(struct net *net, uint32_t id)
{
    struct flow *f = &net->flows[id];
    f->transport->setup(net, f);
    net->total_flow_bytes += f->size_bytes;
    sim_call(&net->sim, f->start_ps, flow_start, NULL, id);
}

void
net_destroy(struct net *net)
{
    if (!net)
        return;
    for (uint32_t i = 0; i < net->n_flows; i++)
        /* Flows never set up (a build error) have no state. */
        if (net->flows[i].transport->teardown && net->flows[i].tp)
            net->flows[i].transport->teardown(net, &net->flows[i]);
    tcp_pool_free(net);
    servers_destroy(net);
    breakdown_destroy(net->bd);
    free(net->flows);
    workload_destroy(net->wl);
    for (uint32_t i = 0; i < net->n_switches; i++) {
        mmu_free(&net->switches[i].mmu);
        free(net->switches[i].route);
        free(net->switches[i].groups);
        free(net->switches[i].group_ports);
    }
    free(net->switches);
    free(net->hosts);
    free(net->nodes);
    for (uint32_t i = 0; i < net->n_ports; i++)
        fc_port_destroy(&net->ports[i]);
    free(net->ports);
    free(net->host_group);
    free(net->home_port);
    free(net->host_rx);
    free(net->pfc_events);
    for (size_t i = 0; i < net->n_warnings; i++)
        free(net->warnings[i]);
    free(net->warnings);
    pkt_pool_uninit(&net->pool);
    sim_uninit(&net->sim);
    free(net);
}
