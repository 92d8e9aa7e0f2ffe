/* The world as the fabric's and the edge's owner, and its teardown; the
 * builder is world-build.c.  See world.h. */
#include "world/world.h"

#include <stdlib.h>

#include "control/control.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "host/host.h"
#include "host/server.h"
#include "overlay/vtep.h"
#include "storage/storage.h"
#include "transport/flow.h"
#include "transport/transport.h"
#include "workload/workload.h"

/* A packet of a flow was dropped: the flow's loss counters (a vswitch's
 * flood copy is not the flow's). */
static void
world_dropped(struct net *net, const struct pkt *p)
{
    struct edge *edge = edge_of(net);
    if (p->flow_id < edge->n_flows && !p->flood_copy) {
        struct flow *f = &edge->flows[p->flow_id];
        f->pkts_dropped++;
        f->bytes_lost += p->payload_bytes;
    }
}

static const struct net_owner_class world_net_owner = {
    .dropped = world_dropped,
};

/* A flow completed: the workload may start the next round.  (Storage's
 * and EVPN's flows are streams, which never complete.) */
static void
world_flow_done(struct edge *edge, struct flow *f)
{
    struct world *w = CONTAINER_OF(edge, struct world, edge);
    workload_flow_done(w->wl, &edge->net, f);
}

/* A message of a stream was delivered: storage's streams and BGP EVPN's
 * sessions have them. */
static void
world_msg_done(struct edge *edge, struct flow *f, uint64_t tag)
{
    struct world *w = CONTAINER_OF(edge, struct world, edge);
    if (storage_owns_flow(w->storage, f)) {
        storage_msg_done(w->storage, &edge->net, f, tag);
        return;
    }
    sim_assert(w->control && evpn_owns_flow(w->control->evpn, f));
    evpn_msg_done(w->control->evpn, &edge->net, f, tag);
}

static const struct edge_owner_class world_edge_owner = {
    .flow_done = world_flow_done,
    .msg_done = world_msg_done,
};

void
world_own(struct world *w)
{
    w->edge.net.owner = &world_net_owner;
    w->edge.owner = &world_edge_owner;
}

void
world_destroy(struct world *w)
{
    if (!w)
        return;
    struct edge *edge = &w->edge;
    struct net *net = &edge->net;
    for (uint32_t i = 0; i < edge->n_flows; i++)
        /* Flows never set up (a build error) have no state. */
        if (edge->flows[i].transport->teardown && edge->flows[i].tp)
            edge->flows[i].transport->teardown(net, &edge->flows[i]);
    storage_destroy(w->storage, net);
    tcp_pool_free(net);
    rdma_pool_free(net);
    servers_destroy(net);
    free(edge->flows);
    free(edge->runs_on);
    workload_destroy(w->wl);
    for (uint32_t i = 0; edge->hosts && i < net->n_hosts; i++)
        host_uninit(&edge->hosts[i]);
    free(edge->hosts);
    free(edge->host_rx);
    free(w->entries);
    overlay_destroy(w->overlay);
    control_destroy(w->control);
    net_uninit(net);
    free(w);
}
