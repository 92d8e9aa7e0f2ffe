/* Spine-leaf (two-tier folded Clos): `leaves` leaf switches with
 * `servers_per_leaf` hosts each, every leaf linked to every one of
 * `spines` spine switches.
 *
 * Nodes: hosts h0..hN-1 numbered leaf by leaf (leaf L has hosts
 * L*servers_per_leaf ..), then leaf0.., then spine0...  Links: each
 * host's link to its leaf in host order, then for each leaf its uplinks
 * to spine0, spine1, ... */

#include "fabric/topo-provider.h"
#include "sim/util.h"

static int
topo_spine_leaf_build(const struct topo_spec *spec, struct topo_graph *g,
                      char **err, struct src_loc *err_loc)
{
    const struct topo_spine_leaf *p = &spec->spine_leaf;
    int error;
    if ((error = topo_need_positive(spec, "spines", p->spines, err,
                                    err_loc)) ||
        (error = topo_need_positive(spec, "leaves", p->leaves, err,
                                    err_loc)) ||
        (error = topo_need_positive(spec, "servers_per_leaf",
                                    p->servers_per_leaf, err, err_loc)) ||
        (error = topo_need_positive(spec, "server_link rate",
                                    p->server_link.rate_bps, err, err_loc)) ||
        (error = topo_need_positive(spec, "uplink rate", p->uplink.rate_bps,
                                    err, err_loc)) ||
        (error = topo_check_ports(spec, "leaf",
                                  (uint64_t)p->servers_per_leaf + p->spines,
                                  err, err_loc)) ||
        (error = topo_check_ports(spec, "spine", p->leaves, err, err_loc)))
        return error;
    /* With at most 255 ports per switch, every count below fits easily. */
    uint64_t n_hosts = (uint64_t)p->leaves * p->servers_per_leaf;
    if ((error = topo_check_hosts(spec, n_hosts, err, err_loc)))
        return error;

    uint32_t hosts = (uint32_t)n_hosts;
    uint32_t leaf0 = hosts, spine0 = leaf0 + p->leaves;
    uint32_t n_links = hosts + p->leaves * p->spines;
    topo_graph_alloc(g, spine0 + p->spines, hosts, n_links);
    g->tier_names[0] = "host";
    g->tier_names[1] = "leaf";
    g->tier_names[2] = "spine";

    topo_graph_name_run(g, 0, hosts, "h", 0);
    topo_graph_name_run(g, leaf0, p->leaves, "leaf", 1);
    topo_graph_name_run(g, spine0, p->spines, "spine", 2);

    for (uint32_t h = 0; h < hosts; h++)
        topo_graph_add_link(g, h, leaf0 + h / p->servers_per_leaf,
                            &p->server_link);
    for (uint32_t l = 0; l < p->leaves; l++)
        for (uint32_t s = 0; s < p->spines; s++)
            topo_graph_add_link(g, leaf0 + l, spine0 + s, &p->uplink);
    sim_assert(g->n_links == n_links);
    return 0;
}

const struct topo_class topo_spine_leaf_class = {
    .name = "spine-leaf",
    .build = topo_spine_leaf_build,
};
