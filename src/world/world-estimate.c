/* What a run will cost, from the scenario alone (world.h,
 * world_estimate()): `validate` prints it, `run` refuses a scenario whose
 * memory would not fit in the machine, and both can tell before building
 * a world of millions of nodes or flows.
 *
 * Memory is counted from the sizes of the structures the builder makes
 * (the process holds ~4.2 MiB besides, its program, libraries and parsed
 * scenario, which the estimate leaves out): a struct host (and host_rx
 * with host.rx_rate) per host, with a server section its server (cores
 * and their TLBs, VMs and their vCPUs, IOTLBs and drives), a struct sw
 * per switch and its shared
 * MMU's groups (eight struct mmu_pg and a headroom per switch port), a
 * struct port per cable end with its flow-control state (struct pfc_port
 * with PFC, struct ib_port on InfiniBand) and a queue per class it will
 * carry (struct port_queue, made at the class's first packet: one per
 * traffic class the traffic entries name, and one for acknowledgements
 * and CNPs), the topology graph, a route entry per switch and
 * destination group (at most one group per switch that hosts attach
 * to; a bound: route.c keeps a range of each switch's entries, a leaf's
 * few), the flow array with each flow's transport state, and the engine's
 * 12 B per registered event (sim.h), its arrays grown by half when full,
 * and with overlay.vswitch each tenant server's vswitch: its megaflow
 * cache's buckets (written at build), its first slab of megaflows and
 * those the flows install, and the pages of its microflow cache that the
 * flows' keys land on (scenarios/evpn-failover.yaml was estimated 32% low
 * of its peak RSS without them, 6% with), and with a storage section its
 * jobs' workers, their iodepth I/O slots each and the latency of every
 * I/O they can complete (storage_job_bytes()).
 * docs/performance.md (Memory per host) compares this with measured peak
 * RSS.  Queued packets are bounded by the buffers: every switch buffer
 * (switch.buffer, or queue_bytes x classes x ports without one, or on
 * InfiniBand ib.vl_buffer x lanes x ports) and host receive buffer full
 * of minimum-size (64 B) frames, each a struct pkt.  Monitor series grow
 * with the run: one sample of every selected port (and QP) per interval,
 * over the stop time or, without one, the time to carry every byte
 * through the slowest host link after the last start.
 *
 * Events are an estimate, not a bound: about six per data packet and hop
 * (enqueue, transmission end, arrival, and as many for its
 * acknowledgement), with the packets of every flow's bytes at the MTU
 * (capped by what the hosts' links can send before the stop time) and
 * the hops of the longest host-to-host path (twice the highest tier). */
#include "world/world.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/ib.h"
#include "fabric/mmu.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/blk.h"
#include "host/cpu.h"
#include "host/host.h"
#include "host/server.h"
#include "overlay/vswitch.h"
#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "storage/storage.h"
#include "transport/flow.h"
#include "transport/rdma-qp.h"
#include "transport/tcp.h"
#include "transport/transport.h"

/* A flow's transport state: TCP's connection (iWARP's too), an RDMA queue
 * pair, or for a UDP sender an allowance of two packet templates; plus
 * the allocator's overhead. */
#define TCP_STATE_BYTES sizeof(struct tcp_conn)
#define RDMA_STATE_BYTES sizeof(struct rdma_qp)
#define UDP_STATE_BYTES (2 * sizeof(struct pkt) + 64)
#define MALLOC_OVERHEAD_BYTES 32
/* Events registered per port (end of transmission, link arrival), per
 * port with PFC (pause expiry, refresh; the watchdog's with
 * pfc.watchdog), per host and per flow; the engine's bytes per registered
 * event (its pointer and position, sim.h), and how much larger than the
 * registered events its arrays may be (they grow by half when full). */
#define EVENTS_PER_PORT 2
#define EVENTS_PER_PFC_PORT 2
#define EVENTS_PER_HOST 4
#define EVENTS_PER_FLOW 2
#define EVENT_BYTES 12
#define EVENT_SLACK 1.5
#define MIN_FRAME_BYTES 64
/* Events per packet-hop, as measured on the scaling set
 * (docs/performance.md). */
#define EVENTS_PER_HOP 1.5
#define MONITOR_SAMPLE_BYTES (N_TC * (sizeof(uint64_t) + sizeof(uint32_t)))

/* A server of SPEC: its cores, each with its TLB (a page tag and an age
 * per entry, server.c), and its VMs, each with its vCPUs' core
 * pointers, its IOTLB (made for every VM) and its virtio-blk drive. */
static double
server_bytes(const struct server_spec *spec)
{
    const size_t tlb_entry = sizeof(uint64_t) + sizeof(uint32_t);
    double sets = MAX(spec->tlb_entries / TLB_WAYS, 1u);
    double bytes = sizeof(struct server) +
                   (double)spec->sockets * spec->cores_per_socket *
                       (sizeof(struct core) + sets * TLB_WAYS * tlb_entry);
    if (spec->has_vm) {
        const struct vm_spec *v = &spec->vm;
        double iotlb_sets = MAX(v->iotlb_entries / TLB_WAYS, 1u);
        double vm = sizeof(struct vm) + (double)v->vcpus *
                                            sizeof(struct core *) +
                    iotlb_sets * TLB_WAYS * tlb_entry;
        if (v->blk.on)
            vm += sizeof(struct vblk) +
                  (double)v->blk.iodepth * sizeof(struct blk_req);
        bytes += (double)v->count * vm;
    }
    return bytes;
}

/* Page size: how much of a zeroed cache one entry written makes
 * resident. */
#define PAGE_BYTES 4096
/* Cache lookups per flow in vswitches: its data at the sender's and
 * the receiver's, its acknowledgements likewise. */
#define VSW_KEYS_PER_FLOW 4

/* The vswitches (overlay.vswitch) of a run of FLOWS flows: one per tenant
 * host whose server has VMs, each with its megaflow cache's buckets and
 * first slab (vswitch_build_bytes()), its microflow cache's pages that
 * the flows' keys land on (at most one each), and the megaflow entries
 * they install (with the slabs' doubling). */
static double
vswitch_mem(const struct scenario *scn, double flows)
{
    const struct overlay_spec *o = &scn->overlay;
    const struct vswitch_spec *vs = &o->vswitch;
    uint32_t n_hosts = scn->graph.n_hosts;
    if (!o->enabled || !vs->enabled || !scn->has_server)
        return 0;
    double n = 0;
    for (uint32_t h = 0; h < n_hosts; h++) {
        const struct server_spec *s = &scn->server;
        for (size_t i = 0; i < scn->n_server_nodes; i++)
            if (scn->server_nodes[i].host == h)
                s = &scn->server_nodes[i].spec;
        n += o->host_tenant[h] && s->has_vm && s->vm.count;
    }
    double keys = VSW_KEYS_PER_FLOW * flows;
    double micro = MIN(n * vs->microflow_entries * sizeof(struct vsw_micro),
                       keys * PAGE_BYTES);
    double mega = 2 * MIN(keys, n * vs->megaflow_entries) *
                  sizeof(struct vsw_megaflow);
    return (double)n_hosts * sizeof(struct vswitch) +
           n * vswitch_build_bytes(vs, n_hosts) + micro + mega;
}

/* Egress ports a monitor.queues selection samples: one per cable at its
 * node (to its peer only, with one). */
static double
monitor_ports(const struct topo_graph *g, const struct monitor_select *sel)
{
    double n = 0;
    for (uint32_t l = 0; l < g->n_links; l++) {
        const struct topo_link *tl = &g->links[l];
        if ((tl->a == sel->node && (sel->peer == MONITOR_ALL_PORTS ||
                                    tl->b == sel->peer)) ||
            (tl->b == sel->node && (sel->peer == MONITOR_ALL_PORTS ||
                                    tl->a == sel->peer)))
            n++;
    }
    return n;
}

void
world_estimate(const struct scenario *scn, struct world_estimate *e)
{
    const struct topo_graph *g = &scn->graph;
    double hosts = g->n_hosts, switches = g->n_nodes - g->n_hosts;
    double ports = 2.0 * g->n_links, host_ports = 0;
    /* Destination groups: switches with a host on them. */
    bool *homes = calloc(g->n_nodes ? g->n_nodes : 1, 1);
    double groups = 0, min_host_bps = 0;
    uint8_t top_tier = 1;
    for (uint32_t i = g->n_hosts; i < g->n_nodes; i++)
        top_tier = MAX(top_tier, g->nodes[i].tier);
    for (uint32_t l = 0; l < g->n_links; l++) {
        const struct topo_link *tl = &g->links[l];
        uint32_t sw = tl->a < g->n_hosts ? tl->b : tl->a;
        if ((tl->a < g->n_hosts) == (tl->b < g->n_hosts))
            continue;
        host_ports++;
        if (homes && !homes[sw]) {
            homes[sw] = true;
            groups++;
        }
        if (!min_host_bps || (double)tl->rate_bps < min_host_bps)
            min_host_bps = (double)tl->rate_bps;
    }
    free(homes);
    if (!homes || groups > hosts)
        groups = hosts;

    /* The flows, entry by entry (their state depends on the protocol). */
    double bytes = 0, flow_mem = 0, flow_events = 0;
    uint64_t last_start_ps = 0;
    uint8_t classes = 0;
    e->flows = 0;
    for (size_t i = 0; i < scn->n_traffic; i++) {
        struct workload_config wcfg = world_workload_config(scn);
        double n, b;
        uint64_t last;
        wcfg.traffic = &scn->traffic[i];
        wcfg.n_traffic = 1;
        workload_estimate(&wcfg, &n, &b, &last);
        e->flows += n;
        bytes += b;
        last_start_ps = MAX(last_start_ps, last);
        const char *proto = scn->traffic[i].protocol;
        flow_mem += n * (sizeof(struct flow) + sizeof(uint32_t) +
                         MALLOC_OVERHEAD_BYTES +
                         (!strcmp(proto, "tcp") || !strcmp(proto, "iwarp")
                              ? TCP_STATE_BYTES
                          : !strcmp(proto, "udp") ? UDP_STATE_BYTES
                                                  : RDMA_STATE_BYTES));
        flow_events += n * EVENTS_PER_FLOW;
        classes |= (uint8_t)(1u << (scn->traffic[i].tc & (N_TC - 1)));
    }

    /* Storage's messages: a flow record each, with its transport's
     * state (a storage section too large is refused at build). */
    uint32_t sto_cap;
    char *sto_err = NULL;
    if (scn->storage.on &&
        world_storage_cap(scn, &sto_cap, &sto_err)) {
        flow_mem += (double)sto_cap *
                    (sizeof(struct flow) + sizeof(void *) +
                     MALLOC_OVERHEAD_BYTES + TCP_STATE_BYTES);
        flow_events += (double)sto_cap * EVENTS_PER_FLOW;
    }
    free(sto_err);
    /* Its jobs' workers, I/O slots and latency records. */
    double sto_bytes = 0;
    for (size_t i = 0; scn->storage.on && i < scn->storage.n_jobs; i++)
        sto_bytes += storage_job_bytes(&scn->storage, i,
                                       MALLOC_OVERHEAD_BYTES);

    /* The built world. */
    bool ib = scn->fabric == FABRIC_INFINIBAND;
    bool pfc = !ib && scn->pfc.enabled;
    double port_bytes = sizeof(struct port) +
                        (__builtin_popcount(classes) + 1) *
                            sizeof(struct port_queue);
    double events = hosts * EVENTS_PER_HOST + ports * EVENTS_PER_PORT +
                    flow_events;
    if (pfc) {
        port_bytes += sizeof(struct pfc_port) + MALLOC_OVERHEAD_BYTES;
        events += ports * (EVENTS_PER_PFC_PORT + scn->pfc.watchdog);
    }
    if (ib)
        port_bytes += sizeof(struct ib_port) + MALLOC_OVERHEAD_BYTES;
    double mmu_bytes = !ib && !strcmp(scn->sw.mmu, "shared")
                           ? (ports - host_ports) *
                                 (N_TC * sizeof(struct mmu_pg) +
                                  sizeof(uint32_t))
                           : 0;
    e->static_bytes =
        hosts * (sizeof(struct host) +
                 (scn->host.rx_rate_bps ? sizeof(struct host_rx) : 0)) +
        switches * sizeof(struct sw) + mmu_bytes + ports * port_bytes +
        g->n_nodes * (sizeof(struct topo_node) + sizeof(void *)) +
        g->n_links * sizeof(struct topo_link) +
        switches * (groups + 1) * sizeof(uint16_t) + flow_mem +
        events * EVENT_BYTES * EVENT_SLACK;
    e->server_bytes = 0;
    if (scn->has_server) {
        double others = hosts - (double)scn->n_server_nodes;
        for (size_t i = 0; i < scn->n_server_nodes; i++)
            e->server_bytes += server_bytes(&scn->server_nodes[i].spec);
        e->server_bytes += MAX(others, 0) * server_bytes(&scn->server);
    }
    e->storage_bytes = sto_bytes;
    e->static_bytes += e->server_bytes + vswitch_mem(scn, e->flows) +
                       sto_bytes;

    /* Packets the buffers can hold. */
    double buffered;
    if (scn->fabric == FABRIC_INFINIBAND)
        buffered = ports * N_TC * (double)scn->ib.vl_buffer_bytes;
    else if (scn->sw.buffer_bytes)
        buffered = switches * (double)scn->sw.buffer_bytes;
    else
        buffered = ports * N_TC * (double)scn->sw.queue_bytes;
    if (scn->host.rx_rate_bps)
        buffered += hosts * (double)scn->host.rx_buffer_bytes;
    e->queue_bytes = buffered / MIN_FRAME_BYTES * sizeof(struct pkt);

    /* The run's length, and the data packets sent in it. */
    double mtu = scn->mtu_bytes ? scn->mtu_bytes : 1500;
    double pkts = ceil(bytes / mtu) + e->flows;
    double length_ps = scn->stop_ps;
    if (!length_ps)
        length_ps = (double)last_start_ps +
                    (min_host_bps ? bytes * 8 * 1e12 / min_host_bps : 0);
    if (scn->stop_ps)
        pkts = MIN(pkts, (double)scn->stop_ps / 1e12 * hosts *
                             (min_host_bps ? min_host_bps : 1e11) /
                             (8 * MIN_FRAME_BYTES));
    e->events = pkts * 2 * EVENTS_PER_HOP * 2 * top_tier;

    /* Monitor series. */
    double mon = 0;
    const struct monitor_spec *ms = &scn->monitor;
    if (ms->interval_ps) {
        double row = (double)ms->n_qps * sizeof(struct rdma_qp_sample);
        for (size_t i = 0; i < ms->n_select; i++)
            row += monitor_ports(g, &ms->select[i]) * MONITOR_SAMPLE_BYTES;
        mon = (length_ps / (double)ms->interval_ps + 1) * row;
    }
    e->series_bytes = mon;
    e->length_ps = length_ps;
}
