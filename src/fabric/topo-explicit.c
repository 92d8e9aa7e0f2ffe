/* Explicit topologies: nodes and links listed one by one in the scenario.
 *
 * The scenario parser resolves names to indices and rejects duplicates
 * and self loops; this class copies its nodes and links into the graph,
 * moving hosts to the front as topo.h requires (stably: hosts in file
 * order, then switches in file order) and renumbering link endpoints to
 * match.  It trusts nothing: a dangling endpoint, a self loop, a zero
 * rate or an impossible tier is reported at the offending node or link.
 * Hosts keep their file order, so unlike the generated topologies they
 * are numbered rack by rack only if the file lists them that way.
 * Switches declared with tier 0 get one inferred by topo.c. */
#include <inttypes.h>
#include <stdlib.h>

#include "fabric/topo-provider.h"
#include "sim/util.h"

static struct src_loc
topo_explicit_loc(const struct topo_spec *spec, struct src_loc loc)
{
    return loc.line ? loc : spec->loc;
}

static int
topo_explicit_check(const struct topo_spec *spec, char **err,
                    struct src_loc *err_loc)
{
    const struct topo_explicit *x = &spec->explicit_;
    uint64_t hosts = 0;
    if (x->n_nodes && !x->nodes)
        return topo_fail(err, err_loc, spec->loc,
                         "explicit topology: nodes are missing");
    if (x->n_links && !x->links)
        return topo_fail(err, err_loc, spec->loc,
                         "explicit topology: links are missing");
    for (uint32_t i = 0; i < x->n_nodes; i++) {
        const struct topo_node *n = &x->nodes[i];
        struct src_loc loc = topo_explicit_loc(spec, n->loc);
        if (!n->name || !n->name[0])
            return topo_fail(err, err_loc, loc,
                             "explicit topology: node %" PRIu32
                             " has no name",
                             i);
        if (n->is_host && n->tier != 0)
            return topo_fail(err, err_loc, loc,
                             "host '%s' has tier %u; hosts are tier 0",
                             n->name, (unsigned)n->tier);
        if (!n->is_host && n->tier >= TOPO_MAX_TIERS)
            return topo_fail(err, err_loc, loc,
                             "switch '%s' has tier %u; expected 1..%d, or 0 "
                             "to infer it",
                             n->name, (unsigned)n->tier, TOPO_MAX_TIERS - 1);
        hosts += n->is_host;
    }
    int error = topo_check_hosts(spec, hosts, err, err_loc);
    if (error)
        return error;
    for (uint32_t i = 0; i < x->n_links; i++) {
        const struct topo_link *l = &x->links[i];
        struct src_loc loc = topo_explicit_loc(spec, l->loc);
        if (l->a >= x->n_nodes || l->b >= x->n_nodes)
            return topo_fail(err, err_loc, loc,
                             "link %" PRIu32 " joins node %" PRIu32
                             " to node %" PRIu32 ", but there are only %"
                             PRIu32 " nodes",
                             i, l->a, l->b, x->n_nodes);
        if (l->a == l->b)
            return topo_fail(err, err_loc, loc,
                             "link %" PRIu32 " joins '%s' to itself", i,
                             x->nodes[l->a].name);
        if (l->rate_bps == 0)
            return topo_fail(err, err_loc, loc,
                             "link %" PRIu32 " between '%s' and '%s' has "
                             "rate 0",
                             i, x->nodes[l->a].name, x->nodes[l->b].name);
    }
    return 0;
}

static int
topo_explicit_build(const struct topo_spec *spec, struct topo_graph *g,
                    char **err, struct src_loc *err_loc)
{
    const struct topo_explicit *x = &spec->explicit_;
    int error = topo_explicit_check(spec, err, err_loc);
    if (error)
        return error;

    uint32_t hosts = 0;
    for (uint32_t i = 0; i < x->n_nodes; i++)
        hosts += x->nodes[i].is_host;

    /* NEW_INDEX[i]: where file node I goes. */
    uint32_t *new_index = xmalloc(((size_t)x->n_nodes + 1) *
                                  sizeof *new_index);
    uint32_t next_host = 0, next_switch = hosts;
    for (uint32_t i = 0; i < x->n_nodes; i++)
        new_index[i] = x->nodes[i].is_host ? next_host++ : next_switch++;

    topo_graph_alloc(g, x->n_nodes, hosts, x->n_links);
    g->tier_names[0] = "host";
    g->tier_names[1] = "tier1";
    g->tier_names[2] = "tier2";
    g->tier_names[3] = "tier3";
    for (uint32_t i = 0; i < x->n_nodes; i++) {
        const struct topo_node *n = &x->nodes[i];
        uint32_t j = new_index[i];
        topo_graph_set_node(g, j, xstrdup(n->name), n->tier);
        g->nodes[j].loc = n->loc;
    }
    for (uint32_t i = 0; i < x->n_links; i++) {
        const struct topo_link *l = &x->links[i];
        struct link_spec ls = { .rate_bps = l->rate_bps,
                                .delay_ps = l->delay_ps };
        topo_graph_add_link(g, new_index[l->a], new_index[l->b], &ls);
        g->links[i].loc = l->loc;
    }
    free(new_index);
    return 0;
}

const struct topo_class topo_explicit_class = {
    .name = "explicit",
    .build = topo_explicit_build,
};
