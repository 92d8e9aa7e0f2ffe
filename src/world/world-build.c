/* The world's builder: a validated scenario in, a world ready to run out
 * (world.h).  The fabric builds itself from the parts of the scenario it
 * is given (net_init(), net_connect(), net_finish()); this file makes
 * the hosts, their receive buffers and servers, the flows, and checks
 * what only a built world can tell (a flow that no transport can carry
 * here, a monitored flow that does not exist). */
#include "world/world.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "control/control.h"
#include "fabric/int.h"
#include "fabric/net.h"
#include "fabric/pfc.h"
#include "host/edge.h"
#include "host/host.h"
#include "host/server.h"
#include "overlay/vswitch.h"
#include "overlay/vtep.h"
#include "storage/storage.h"
#include "scenario/scenario.h"
#include "transport/flow.h"
#include "transport/transport.h"
#include "workload/workload.h"

/* The fabric's inputs, from the scenario. */
static struct net_config
fabric_config(const struct scenario *scn)
{
    return (struct net_config){
        .graph = &scn->graph,
        .file = scn->file,
        .seed = scn->seed,
        .mtu_bytes = scn->mtu_bytes,
        .infiniband = scn->fabric == FABRIC_INFINIBAND,
        .ppp = scn->fabric == FABRIC_NS3,
        .ib = &scn->ib,
        .ib_mtu_bytes = scn->rdma.mtu,
        .sw = &scn->sw,
        .host_scheduler = scn->host.scheduler,
        .host_ets = &scn->host.ets,
        .qos = &scn->qos,
        .qos_nodes = scn->qos_nodes,
        .n_qos_nodes = scn->n_qos_nodes,
        .pfc = &scn->pfc,
        .faults = &scn->faults,
        .hca_rx_queue = scn->host.rx_rate_bps != 0,
    };
}

/* The hosts, in the fabric's node table (hosts come first). */
static void
build_hosts(struct edge *edge, const struct topo_graph *g)
{
    struct net *net = &edge->net;
    /* On huge pages from 1 MiB (3 450 hosts) up: fabric/arena.h. */
    edge->hosts = arena_huge((net->n_hosts ? net->n_hosts : 1) *
                             sizeof *edge->hosts);
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        host_init(&edge->hosts[i], i, g->nodes[i].name);
        net->nodes[i] = &edge->hosts[i].up;
    }
}

struct workload_config
world_workload_config(const struct scenario *scn)
{
    return (struct workload_config){
        .file = scn->file,
        .seed = scn->seed,
        .graph = &scn->graph,
        .traffic = scn->traffic,
        .n_traffic = scn->n_traffic,
    };
}

/* The edge's inputs, from the scenario. */
static void
edge_config(struct world *w, const struct scenario *scn)
{
    w->entries = xcalloc(scn->n_traffic ? scn->n_traffic : 1,
                         sizeof *w->entries);
    for (size_t i = 0; i < scn->n_traffic; i++) {
        const struct traffic_spec *t = &scn->traffic[i];
        w->entries[i] = (struct edge_entry){
            .tcp = &t->tcp,
            .verb = t->verb,
            .recv_at_ps = t->recv_at_ps,
            .loc = t->loc,
            .release_done = t->pattern == PATTERN_FILE,
        };
    }
    w->edge.cfg = (struct edge_config){
        .file = scn->file,
        .seed = scn->seed,
        .mtu_bytes = scn->mtu_bytes,
        .infiniband = scn->fabric == FABRIC_INFINIBAND,
        .ppp = scn->fabric == FABRIC_NS3,
        .host = &scn->host,
        .rdma = &scn->rdma,
        .entries = w->entries,
        .server = &scn->server,
        .server_nodes = scn->server_nodes,
        .n_server_nodes = scn->n_server_nodes,
    };
}

/* Host NIC receive buffers (host.rx_rate).  With PFC, the top of the
 * buffer is headroom: what can still arrive after the NIC pauses, by the
 * same delay model as a switch port's. */
static bool
setup_host_rx(struct edge *edge, const struct scenario *scn, char **err)
{
    struct net *net = &edge->net;
    const struct host_spec *hs = &scn->host;
    /* Aligned: struct host_rx holds a cache-line aligned struct queue. */
    size_t size = (net->n_hosts ? net->n_hosts : 1) * sizeof *edge->host_rx;
    edge->host_rx = xmalloc_aligned(_Alignof(struct host_rx), size);
    memset(edge->host_rx, 0, size);
    for (uint32_t i = 0; i < net->n_hosts; i++) {
        struct host *h = &edge->hosts[i];
        struct host_rx *rx = &edge->host_rx[i];
        host_rx_init(h, rx, &net->sim);
        /* On IB the credits of each VL's buffer bound it instead. */
        rx->cap = rx->xoff = rx->xon = scn->fabric == FABRIC_INFINIBAND
                                           ? UINT64_MAX
                                           : hs->rx_buffer_bytes;
        rx->rate_bps = hs->rx_rate_bps;
        rx->qos = net_qos_of(net, i);
        if (scn->pfc.enabled) {
            uint64_t need = pfc_headroom_bytes(
                net, h->nic.port, scn->mtu_bytes,
                __builtin_popcount(scn->qos.lossless));
            if (sat_add_u64(need, scn->pfc.xon_offset_bytes) >= rx->cap) {
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
        struct host_rx *rx = &edge->host_rx[hs->stall_hosts[i]];
        rx->stall_from_ps = hs->stall_start_ps;
        rx->stall_to_ps = hs->stall_start_ps + hs->stall_ps;
    }
    return true;
}

static bool
is_rdma_flow(const struct flow *f)
{
    return !strncmp(f->transport->name, "roce", 4) ||
           f->transport == &transport_ib;
}

static bool
is_tcp_flow(const struct flow *f)
{
    return f->transport == &transport_tcp || f->transport == &transport_iwarp;
}

/* The N ids IDS of monitor.KEY (at LOC) name flows of the workload that
 * OK accepts; else *ERR says the first that does not (NOT_OK: what it is
 * then; EXPECTED: what it should be). */
static bool
check_flow_ids(const struct world *w, const struct scenario *scn,
               const char *key, const uint32_t *ids, size_t n,
               struct src_loc loc, bool (*ok)(const struct flow *),
               const char *not_ok, const char *expected, char **err)
{
    const struct edge *edge = &w->edge;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        if (id < edge->n_flows && ok(&edge->flows[id]))
            continue;
        *err = xasprintf("%s:%u:%u: monitor.%s.%zu: flow %u is %s; expected "
                         "the id (flows.csv) of %s",
                         scn->file, loc.line, loc.col, key, i, id,
                         id < edge->n_flows ? not_ok : "not in the workload",
                         expected);
        return false;
    }
    return true;
}

/* monitor.qps, monitor.tcp and monitor.breakdown name flows of the
 * workload. */
static bool
check_monitor(const struct world *w, const struct scenario *scn, char **err)
{
    const struct edge *edge = &w->edge;
    const struct monitor_spec *ms = &scn->monitor;
    if (!check_flow_ids(w, scn, "qps", ms->qps, ms->n_qps, ms->qps_loc,
                        is_rdma_flow, "not an RDMA flow",
                        "a roce, rocev1 or ib flow", err) ||
        !check_flow_ids(w, scn, "tcp", ms->tcp, ms->n_tcp, ms->tcp_loc,
                        is_tcp_flow, "not a TCP flow", "a tcp or iwarp flow",
                        err))
        return false;
    if (ms->breakdown && ms->breakdown_flow >= edge->n_flows) {
        *err = xasprintf("%s:%u:%u: monitor.breakdown: flow %u is not in "
                         "the workload (%u flows at the start); expected "
                         "the id (flows.csv) of one of them",
                         scn->file, ms->breakdown_loc.line,
                         ms->breakdown_loc.col, ms->breakdown_flow,
                         edge->n_flows);
        return false;
    }
    return true;
}

/* Traffic or a storage job that starts at or after the stop time never
 * runs: most likely a unit written wrong, so it is warned about, at its
 * place. */
static void
warn_late_starts(struct net *net, const struct scenario *scn)
{
    if (!scn->stop_ps)
        return;
    for (size_t i = 0; i < scn->n_traffic; i++) {
        const struct traffic_spec *t = &scn->traffic[i];
        if (t->pattern != PATTERN_FLOWS && t->start_ps >= scn->stop_ps)
            net_warn(net, "%s:%u:%u: traffic.%zu starts at %.6g us, at or "
                     "after stop (%.6g us): none of its flows will start",
                     scn->file, t->loc.line, t->loc.col, i,
                     (double)t->start_ps / 1e6, (double)scn->stop_ps / 1e6);
        for (size_t k = 0; k < t->n_flows; k++) {
            const struct flow_spec *fs = &t->flows[k];
            if (fs->start_ps >= scn->stop_ps)
                net_warn(net, "%s:%u:%u: traffic.%zu.flows.%zu starts at "
                         "%.6g us, at or after stop (%.6g us): it will not "
                         "start", scn->file, fs->loc.line, fs->loc.col, i, k,
                         (double)fs->start_ps / 1e6,
                         (double)scn->stop_ps / 1e6);
        }
    }
    for (size_t i = 0; scn->storage.on && i < scn->storage.n_jobs; i++) {
        const struct storage_job_spec *j = &scn->storage.jobs[i];
        if (j->start_ps >= scn->stop_ps)
            net_warn(net, "%s:%u:%u: storage.jobs.%zu starts at %.6g us, at "
                     "or after stop (%.6g us): it will issue no I/O",
                     scn->file, j->loc.line, j->loc.col, i,
                     (double)j->start_ps / 1e6, (double)scn->stop_ps / 1e6);
    }
}

bool
world_storage_cap(const struct scenario *scn, uint32_t *cap, char **err)
{
    const struct control_spec *c = &scn->control;
    uint32_t *moved = xmalloc((c->n_events ? c->n_events : 1) *
                              sizeof *moved);
    size_t n = 0;
    for (size_t i = 0; i < c->n_events; i++)
        if (c->events[i].kind == CTL_VM_MOVE)
            moved[n++] = c->events[i].a;
    bool ok = storage_flow_cap(&scn->storage, scn->file, moved, n, cap, err);
    free(moved);
    return ok;
}

/* The storage section: its messages' edge entries after the traffic
 * entries, room for its flows after the workload's, and its jobs. */
static int
build_storage(struct world *w, const struct scenario *scn, uint32_t *room,
              char **err)
{
    struct edge *edge = &w->edge;
    uint32_t cap, first = w->wl->flow_cap;
    if (!world_storage_cap(scn, &cap, err))
        return 2;
    *room = first + cap + 1;
    w->entries = xrealloc(w->entries, (scn->n_traffic + STORAGE_N_ENTRIES) *
                                          sizeof *w->entries);
    edge->cfg.entries = w->entries;
    edge->flows = xrealloc(edge->flows,
                           ((size_t)first + cap + 1) * sizeof *edge->flows);
    return storage_create(&w->storage, &edge->net, &scn->storage, scn->file,
                          first, cap, &scn->tcp, &w->entries[scn->n_traffic],
                          (uint16_t)scn->n_traffic, err);
}

/* ---- BGP EVPN's data plane: the vswitches (overlay/vswitch.h). ---- */

static struct vswitch *
evpn_vswitch(struct evpn_dp *dp, uint32_t h)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    struct vswitch *v = vswitch_of_host(w->overlay, h);
    sim_assert(v != NULL);
    return v;
}

static void
evpn_dp_mac(struct evpn_dp *dp, uint32_t v, uint32_t mac, uint32_t at)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    vswitch_evpn_mac(evpn_vswitch(dp, v), world_net(w), mac, at);
}

static void
evpn_dp_flood(struct evpn_dp *dp, uint32_t v, uint32_t vni, uint32_t at,
              bool on)
{
    (void)vni;                /* The vswitch's tenant's. */
    vswitch_evpn_flood(evpn_vswitch(dp, v), at, on);
}

static void
evpn_dp_gone(struct evpn_dp *dp, uint32_t v, uint32_t mac)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    vswitch_evpn_gone(evpn_vswitch(dp, v), world_net(w), mac);
}

/* The VMs of host MAC run on server TO now: the vswitch there admits
 * them, the ends of their flows (workload flows; their own flows'
 * state moves with them) send from TO, and their storage sessions drain
 * and open again from TO (storage_vm_moved()). */
static void
evpn_dp_moved(struct evpn_dp *dp, uint32_t mac, uint32_t to)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    struct net *net = world_net(w);
    struct edge *edge = &w->edge;
    if ((edge->runs_on ? edge->runs_on[mac] : mac) == to)
        return;             /* Already there: nothing moves. */
    if (!edge->runs_on) {
        edge->runs_on = xmalloc(net->n_hosts * sizeof *edge->runs_on);
        for (uint32_t h = 0; h < net->n_hosts; h++)
            edge->runs_on[h] = h;
    }
    edge->runs_on[mac] = to;
    vswitch_vm_arrive(evpn_vswitch(dp, to), net, mac);
    for (uint32_t i = 0; i < edge->n_flows; i++) {
        struct flow *f = &edge->flows[i];
        if (f->src == mac)
            transport_move_end(net, f, true, &edge->hosts[to]);
        else if (f->dst == mac)
            transport_move_end(net, f, false, &edge->hosts[to]);
    }
    if (w->storage)
        storage_vm_moved(w->storage, net, mac, to);
}

static const struct evpn_dp_class world_evpn_dp_class = {
    .mac = evpn_dp_mac,
    .flood = evpn_dp_flood,
    .gone = evpn_dp_gone,
    .moved = evpn_dp_moved,
};

/* ---- With leaf VTEPs: the leaves' tables (overlay/vtep.h). ---- */

static void
evpn_leaf_mac(struct evpn_dp *dp, uint32_t v, uint32_t mac, uint32_t at)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    overlay_evpn_mac(w->overlay, v, mac, at);
}

static void
evpn_leaf_flood(struct evpn_dp *dp, uint32_t v, uint32_t vni, uint32_t at,
                bool on)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    overlay_evpn_flood(w->overlay, v, vni, at, on);
}

static void
evpn_leaf_moved(struct evpn_dp *dp, uint32_t mac, uint32_t to)
{
    struct world *w = CONTAINER_OF(dp, struct world, evpn_dp);
    overlay_evpn_moved(w->overlay, mac, to);
}

static const struct evpn_dp_class world_evpn_leaf_dp_class = {
    .mac = evpn_leaf_mac,
    .flood = evpn_leaf_flood,
    .moved = evpn_leaf_moved,
};

/* BGP EVPN on the leaves: a speaker on every switch with a tenant host
 * attached (serving the tenants of its hosts, a MAC-VRF each), its
 * sessions the switches' own (no flows). */
static void
build_evpn_leaf(struct world *w, const struct scenario *scn)
{
    struct net *net = &w->edge.net;
    struct overlay *ov = w->overlay;
    const struct evpn_spec *spec = &scn->control.evpn;
    uint32_t *node_vni = xcalloc(net->n_nodes, sizeof *node_vni);
    uint32_t *mac_node = xmalloc((net->n_hosts + 1) * sizeof *mac_node);
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        mac_node[h] = ov->vteps[ov->host_vtep[h]].switch_id;
        if (ov->host_vni[h])
            node_vni[mac_node[h]] = ov->host_vni[h];
    }
    overlay_evpn_enable(ov, spec->arp_suppression,
                        spec->host_routes ? 0 : spec->mac_aging_ps);
    w->evpn_dp.class = &world_evpn_leaf_dp_class;
    struct evpn_config cfg = {
        .spec = spec,
        .host_vni = ov->host_vni,
        .node_vni = node_vni,
        .n_nodes = net->n_nodes,
        .mac_node = mac_node,
        .host_addr = ov->host_addr,
        .stop_ps = scn->stop_ps,
        .dp = &w->evpn_dp,
    };
    w->control->evpn = evpn_create(net, &cfg, &w->control->speakers);
    free(node_vni);
    free(mac_node);
}

/* BGP EVPN: its speakers' flows after everything else's, message streams
 * in an edge entry of their own (the scenario's tcp settings). */
static void
build_evpn(struct world *w, const struct scenario *scn, uint32_t room)
{
    struct edge *edge = &w->edge;
    struct net *net = &edge->net;
    const struct evpn_spec *spec = &scn->control.evpn;
    const uint32_t *host_vni = w->overlay->host_vni;
    if (spec->leaf) {
        build_evpn_leaf(w, scn);
        return;
    }
    uint32_t cap = evpn_flow_cap(spec, host_vni, net->n_hosts);
    size_t entry = scn->n_traffic + (scn->storage.on ? STORAGE_N_ENTRIES : 0);
    w->entries = xrealloc(w->entries, (entry + 1) * sizeof *w->entries);
    w->entries[entry] = (struct edge_entry){ .tcp = &scn->tcp,
                                             .stream = true };
    edge->cfg.entries = w->entries;
    edge->flows = xrealloc(edge->flows,
                           ((size_t)room + cap + 1) * sizeof *edge->flows);
    if (spec->arp_suppression)
        vswitches_evpn_suppress_arp(w->overlay);
    w->evpn_dp.class = &world_evpn_dp_class;
    struct evpn_config cfg = {
        .spec = spec,
        .host_vni = host_vni,
        .node_vni = host_vni,
        .n_nodes = net->n_hosts,
        .host_addr = w->overlay->host_addr,
        .first_flow = room,
        .entry = (uint16_t)entry,
        .stop_ps = scn->stop_ps,
        .dp = &w->evpn_dp,
    };
    w->control->evpn = evpn_create(net, &cfg, &w->control->speakers);
}

static int
build(struct world *w, const struct scenario *scn, char **err)
{
    struct edge *edge = &w->edge;
    struct net *net = &edge->net;
    struct net_config cfg = fabric_config(scn);
    net_init(net, &cfg, scn->stop_ps);
    world_own(w);
    w->scn = scn;
    edge_config(w, scn);
    /* HPCC's telemetry needs room beside each packet (pkt.h). */
    if (scn->rdma.cc == RDMA_CC_HPCC)
        int_enable(net);
    build_hosts(edge, &scn->graph);
    net_connect(net);
    for (uint32_t i = 0; i < net->n_hosts; i++)
        host_attach_nic(net, &edge->hosts[i]);
    if (net_finish(net, err) ||
        (scn->host.rx_rate_bps && !setup_host_rx(edge, scn, err)))
        return 2;
    if (scn->has_server && servers_create(net, err))
        return 2;
    if (scn->overlay.enabled) {
        w->overlay = overlay_create(&scn->overlay, net, scn->mtu_bytes);
        overlay_warn_mtu(w->overlay, net, scn->mtu_bytes);
        if (scn->overlay.vswitch.enabled)
            vswitches_create(w->overlay, net);
    }
    w->control = control_create(net, &scn->control);
    struct workload_config wcfg = world_workload_config(scn);
    if (workload_create(&wcfg, &w->wl, &edge->flows, &edge->n_flows, err))
        return 2;
    if (!check_monitor(w, scn, err))
        return 2;
    warn_late_starts(net, scn);
    uint32_t room = w->wl->flow_cap;
    if (scn->storage.on && build_storage(w, scn, &room, err))
        return 2;
    if (scn->control.evpn.enabled)
        build_evpn(w, scn, room);
    for (uint32_t i = 0; i < edge->n_flows; i++) {
        const struct flow *f = &edge->flows[i];
        if (f->transport->check && f->transport->check(net, f, err))
            return 2;
    }
    for (uint32_t i = 0; i < edge->n_flows; i++)
        transport_launch_flow(net, i);
    return workload_launch(w->wl, net, &wcfg, err);
}

int
world_create(struct world **out, const struct scenario *scn, char **err)
{
    struct world *w = xcalloc(1, sizeof *w);
    if (build(w, scn, err)) {
        world_destroy(w);
        *out = NULL;
        return 2;
    }
    *out = w;
    return 0;
}
