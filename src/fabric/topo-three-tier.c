/* Classic three-tier tree (access / aggregation / core), as in the
 * enterprise designs that predate Clos fabrics: `pods` pods, each with
 * `access_per_pod` access switches and `aggs_per_pod` aggregation
 * switches; every access switch links to every aggregation switch of its
 * pod, every aggregation switch to every one of `cores` core switches;
 * `servers_per_access` hosts hang off each access switch.
 *
 * Nodes: hosts h0.. numbered access switch by access switch, then
 * access0.., agg0.., core0.. (global numbering: access switch j of pod p
 * is access<p * access_per_pod + j>, likewise agg).  Links: host links in
 * host order, then access-aggregation by access switch, then
 * aggregation-core by aggregation switch. */

#include "fabric/topo-provider.h"
#include "sim/util.h"

static int
topo_three_tier_check(const struct topo_spec *spec, char **err,
                      struct src_loc *err_loc)
{
    const struct topo_three_tier *p = &spec->three_tier;
    int error;
    if ((error = topo_need_positive(spec, "cores", p->cores, err, err_loc)) ||
        (error = topo_need_positive(spec, "pods", p->pods, err, err_loc)) ||
        (error = topo_need_positive(spec, "aggs_per_pod", p->aggs_per_pod,
                                    err, err_loc)) ||
        (error = topo_need_positive(spec, "access_per_pod",
                                    p->access_per_pod, err, err_loc)) ||
        (error = topo_need_positive(spec, "servers_per_access",
                                    p->servers_per_access, err, err_loc)) ||
        (error = topo_need_positive(spec, "server_link rate",
                                    p->server_link.rate_bps, err, err_loc)) ||
        (error = topo_need_positive(spec, "access_uplink rate",
                                    p->access_uplink.rate_bps, err,
                                    err_loc)) ||
        (error = topo_need_positive(spec, "agg_uplink rate",
                                    p->agg_uplink.rate_bps, err, err_loc)))
        return error;
    if ((error = topo_check_ports(
             spec, "access switch",
             (uint64_t)p->servers_per_access + p->aggs_per_pod, err,
             err_loc)) ||
        (error = topo_check_ports(spec, "aggregation switch",
                                  (uint64_t)p->access_per_pod + p->cores, err,
                                  err_loc)) ||
        (error = topo_check_ports(spec, "core switch",
                                  (uint64_t)p->pods * p->aggs_per_pod, err,
                                  err_loc)))
        return error;
    /* Now pods <= 255 and the per-pod counts are below 255, so the
     * product cannot overflow 64 bits. */
    return topo_check_hosts(spec,
                            (uint64_t)p->pods * p->access_per_pod *
                                p->servers_per_access,
                            err, err_loc);
}

static int
topo_three_tier_build(const struct topo_spec *spec, struct topo_graph *g,
                      char **err, struct src_loc *err_loc)
{
    const struct topo_three_tier *p = &spec->three_tier;
    int error = topo_three_tier_check(spec, err, err_loc);
    if (error)
        return error;

    uint32_t n_access = p->pods * p->access_per_pod;
    uint32_t n_aggs = p->pods * p->aggs_per_pod;
    uint32_t hosts = n_access * p->servers_per_access;
    uint32_t access0 = hosts, agg0 = access0 + n_access;
    uint32_t core0 = agg0 + n_aggs;
    uint32_t n_links = hosts + p->pods * p->access_per_pod * p->aggs_per_pod +
                       n_aggs * p->cores;
    topo_graph_alloc(g, core0 + p->cores, hosts, n_links);
    g->tier_names[0] = "host";
    g->tier_names[1] = "access";
    g->tier_names[2] = "aggregation";
    g->tier_names[3] = "core";

    topo_graph_name_run(g, 0, hosts, "h", 0);
    topo_graph_name_run(g, access0, n_access, "access", 1);
    topo_graph_name_run(g, agg0, n_aggs, "agg", 2);
    topo_graph_name_run(g, core0, p->cores, "core", 3);

    for (uint32_t h = 0; h < hosts; h++)
        topo_graph_add_link(g, h, access0 + h / p->servers_per_access,
                            &p->server_link);
    for (uint32_t a = 0; a < n_access; a++) {
        uint32_t pod = a / p->access_per_pod;
        for (uint32_t j = 0; j < p->aggs_per_pod; j++)
            topo_graph_add_link(g, access0 + a,
                                agg0 + pod * p->aggs_per_pod + j,
                                &p->access_uplink);
    }
    for (uint32_t a = 0; a < n_aggs; a++)
        for (uint32_t c = 0; c < p->cores; c++)
            topo_graph_add_link(g, agg0 + a, core0 + c, &p->agg_uplink);
    sim_assert(g->n_links == n_links);
    return 0;
}

const struct topo_class topo_three_tier_class = {
    .name = "three-tier",
    .build = topo_three_tier_build,
};
