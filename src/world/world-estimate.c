/* What a run will cost, from the scenario alone (world.h,
 * world_estimate()): `validate` prints it, `run` refuses a scenario whose
 * memory would not fit in the machine, and both can tell before building
 * a world of millions of nodes or flows.
 *
 * Memory is counted from the sizes of the structures the builder makes:
 * a struct host (and host_rx) per host, a struct sw per switch, two
 * struct port per cable, a route entry per switch and destination group
 * (at most one group per switch that hosts attach to), the flow array
 * with each flow's transport state, and the engine's 40 B per registered
 * event.  Queued packets are bounded by the buffers: every switch buffer
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

#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/host.h"
#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "storage/storage.h"
#include "transport/flow.h"
#include "transport/tcp.h"
#include "transport/transport.h"

/* A flow's transport state: TCP's connection, or for the others (a UDP
 * sender, an RDMA queue pair) an allowance of two packet templates; plus
 * the allocator's overhead. */
#define TCP_STATE_BYTES sizeof(struct tcp_conn)
#define OTHER_STATE_BYTES (2 * sizeof(struct pkt) + 64)
#define MALLOC_OVERHEAD_BYTES 32
/* Events registered per port, host and flow, and the engine's bytes per
 * registered event (sim.h). */
#define EVENTS_PER_PORT 2
#define EVENTS_PER_HOST 4
#define EVENTS_PER_FLOW 2
#define EVENT_BYTES 40
#define MIN_FRAME_BYTES 64
/* Events per packet-hop, as measured on the scaling set
 * (docs/performance.md). */
#define EVENTS_PER_HOP 1.5
#define MONITOR_SAMPLE_BYTES (N_TC * (sizeof(uint64_t) + sizeof(uint32_t)))

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
    double ports = 2.0 * g->n_links;
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
    double bytes = 0, flow_mem = 0;
    uint64_t last_start_ps = 0;
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
        flow_mem += n * (sizeof(struct flow) + sizeof(uint32_t) +
                         EVENTS_PER_FLOW * EVENT_BYTES +
                         MALLOC_OVERHEAD_BYTES +
                         (strcmp(scn->traffic[i].protocol, "tcp")
                              ? OTHER_STATE_BYTES : TCP_STATE_BYTES));
    }

    /* Storage's messages: a flow record each, with its transport's
     * state (a storage section too large is refused at build). */
    uint32_t sto_cap;
    char *sto_err = NULL;
    if (scn->storage.on &&
        storage_flow_cap(&scn->storage, scn->file, &sto_cap, &sto_err))
        flow_mem += (double)sto_cap *
                    (sizeof(struct flow) + sizeof(void *) +
                     EVENTS_PER_FLOW * EVENT_BYTES + MALLOC_OVERHEAD_BYTES +
                     TCP_STATE_BYTES);
    free(sto_err);

    e->static_bytes = hosts * (sizeof(struct host) + sizeof(struct host_rx) +
                               EVENTS_PER_HOST * EVENT_BYTES) +
                      switches * sizeof(struct sw) +
                      ports * (sizeof(struct port) +
                               EVENTS_PER_PORT * EVENT_BYTES) +
                      switches * (groups + 1) * sizeof(uint16_t) + flow_mem;

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
