/* k-ary fat-tree, after M. Al-Fares, A. Loukissas, A. Vahdat, "A
 * Scalable, Commodity Data Center Network Architecture", SIGCOMM 2008:
 * k pods, each with k/2 edge and k/2 aggregation switches of k ports;
 * every edge switch links to every aggregation switch of its pod and to
 * k/2 hosts; (k/2)^2 core switches, aggregation switch j (0..k/2-1) of
 * every pod linking to cores j*(k/2) .. j*(k/2)+k/2-1, so that each core
 * has one port to each pod.  That is k^3/4 hosts, 5k^2/4 switches and
 * 3k^3/4 links, with full bisection bandwidth when every link has the
 * same rate.
 *
 * Nodes: hosts h0.. numbered edge switch by edge switch, then edge0..,
 * agg0.., core0.. (edge i of pod p is edge<p * k/2 + i>, likewise agg).
 * Links: host links in host order, then edge-aggregation by edge switch,
 * then aggregation-core by aggregation switch. */
#include <inttypes.h>

#include "fabric/topo-provider.h"
#include "sim/util.h"

static int
topo_fat_tree_build(const struct topo_spec *spec, struct topo_graph *g,
                    char **err, struct src_loc *err_loc)
{
    const struct topo_fat_tree *p = &spec->fat_tree;
    int error;
    if (p->k < 2 || p->k % 2)
        return topo_fail(err, err_loc, spec->loc,
                         "fat-tree topology: k must be even and at least 2, "
                         "not %" PRIu32,
                         p->k);
    /* Every switch has k ports. */
    if ((error = topo_check_ports(spec, "switch", p->k, err, err_loc)) ||
        (error = topo_need_positive(spec, "server_link rate",
                                    p->server_link.rate_bps, err, err_loc)) ||
        (error = topo_need_positive(spec, "fabric_link rate",
                                    p->fabric_link.rate_bps, err, err_loc)))
        return error;

    uint32_t k = p->k, half = k / 2;
    uint32_t hosts = k * half * half;          /* k^3 / 4 */
    uint32_t n_edges = k * half, n_aggs = k * half, n_cores = half * half;
    uint32_t edge0 = hosts, agg0 = edge0 + n_edges, core0 = agg0 + n_aggs;
    uint32_t n_links = 3 * hosts;              /* 3k^3 / 4 */
    topo_graph_alloc(g, core0 + n_cores, hosts, n_links);
    g->tier_names[0] = "host";
    g->tier_names[1] = "edge";
    g->tier_names[2] = "aggregation";
    g->tier_names[3] = "core";

    topo_graph_name_run(g, 0, hosts, "h", 0);
    topo_graph_name_run(g, edge0, n_edges, "edge", 1);
    topo_graph_name_run(g, agg0, n_aggs, "agg", 2);
    topo_graph_name_run(g, core0, n_cores, "core", 3);

    for (uint32_t h = 0; h < hosts; h++)
        topo_graph_add_link(g, h, edge0 + h / half, &p->server_link);
    for (uint32_t e = 0; e < n_edges; e++) {
        uint32_t pod = e / half;
        for (uint32_t j = 0; j < half; j++)
            topo_graph_add_link(g, edge0 + e, agg0 + pod * half + j,
                                &p->fabric_link);
    }
    for (uint32_t a = 0; a < n_aggs; a++) {
        uint32_t j = a % half;   /* Position of the switch in its pod. */
        for (uint32_t m = 0; m < half; m++)
            topo_graph_add_link(g, agg0 + a, core0 + j * half + m,
                                &p->fabric_link);
    }
    sim_assert(g->n_links == n_links);
    return 0;
}

const struct topo_class topo_fat_tree_class = {
    .name = "fat-tree",
    .build = topo_fat_tree_build,
};
