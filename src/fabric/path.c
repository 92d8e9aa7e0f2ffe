/* Path tracing; see path.h. */
#include "fabric/path.h"

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"

void
path_trace(const struct net *net, uint32_t src, uint32_t dst, uint32_t hash0,
           struct path *path)
{
    const struct node *at = net->nodes[src];   /* Hosts come first. */
    const struct port *port = &at->ports[0];  /* Its NIC (host.h). */
    path->n_links = 0;
    path->node[0] = at->id;
    path->ns3_time = port->ns3_time;
    for (;;) {
        sim_assert(path->n_links < PATH_MAX_LINKS);
        path->rate_bps[path->n_links] = port->rate_bps;
        path->delay_ps[path->n_links] = port->link.delay_ps;
        at = port->link.peer;
        path->node[++path->n_links] = at->id;
        if (at->class != &switch_class) {
            sim_assert(at->id == dst);
            return;
        }
        const struct sw *s = CONTAINER_OF(at, const struct sw, up);
        int out = switch_route(net, s, src, dst, hash0);
        if (out < 0)
            return;
        port = &at->ports[out];
    }
}

uint64_t
path_latency_ps(const struct path *path, uint32_t wire_bytes)
{
    uint64_t t_ps = 0;
    for (uint32_t i = 0; i < path->n_links; i++)
        t_ps = sat_add_u64(t_ps,
                           sat_add_u64(ser_time_link_ps(wire_bytes,
                                                        path->rate_bps[i],
                                                        path->ns3_time),
                                       path->delay_ps[i]));
    return t_ps;
}
