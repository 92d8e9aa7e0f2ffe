/* Topologies: the table of classes, topo_build(), and the checks and
 * derived fields every built graph gets whatever its class.
 *
 * topo_build() looks the scenario's `topology.type` up in the table
 * below, lets the class lay out nodes and links (topo-spine-leaf.c,
 * topo-three-tier.c, topo-fattree.c, topo-explicit.c), then checks that
 * the graph can carry traffic (every host has a link, no node has more
 * ports than a packet can name, every host reaches every other) and fills
 * in what classes leave to it: the tier of switches an explicit topology
 * leaves at 0, and each host's rack.  The analyses of `dcsim topo` are in
 * topo-report.c. */
#include "fabric/topo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/topo-provider.h"
#include "sim/util.h"

static const struct topo_class *const topo_classes[] = {
    &topo_spine_leaf_class,
    &topo_three_tier_class,
    &topo_fat_tree_class,
    &topo_explicit_class,
};

const char *
topo_type_names(void)
{
    /* Keep in the order of topo_classes[]; test-topo.c checks that every
     * name listed here builds. */
    return "spine-leaf, three-tier, fat-tree, explicit";
}

static const struct topo_class *
topo_class_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(topo_classes); i++)
        if (!strcmp(topo_classes[i]->name, name))
            return topo_classes[i];
    return NULL;
}

int
topo_fail(char **err, struct src_loc *err_loc, struct src_loc loc,
          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    free(*err);
    *err = msg;
    *err_loc = loc;
    return EINVAL;
}

int
topo_need_positive(const struct topo_spec *spec, const char *field,
                   uint64_t value, char **err, struct src_loc *err_loc)
{
    if (value > 0)
        return 0;
    return topo_fail(err, err_loc, spec->loc,
                     "%s topology: %s must be positive, not 0", spec->type,
                     field);
}

int
topo_check_ports(const struct topo_spec *spec, const char *what,
                 uint64_t ports, char **err, struct src_loc *err_loc)
{
    if (ports <= TOPO_MAX_PORTS)
        return 0;
    return topo_fail(err, err_loc, spec->loc,
                     "%s topology: each %s would have %" PRIu64 " links; a "
                     "node has at most %d ports",
                     spec->type, what, ports, TOPO_MAX_PORTS);
}

int
topo_check_hosts(const struct topo_spec *spec, uint64_t n_hosts, char **err,
                 struct src_loc *err_loc)
{
    if (n_hosts <= TOPO_MAX_HOSTS)
        return 0;
    return topo_fail(err, err_loc, spec->loc,
                     "%s topology: %" PRIu64 " hosts; at most %" PRIu64
                     " hosts have addresses",
                     spec->type, n_hosts, TOPO_MAX_HOSTS);
}

void
topo_graph_alloc(struct topo_graph *g, uint32_t n_nodes, uint32_t n_hosts,
                 uint32_t n_links)
{
    sim_assert(n_hosts <= n_nodes);
    g->nodes = xcalloc(n_nodes, sizeof *g->nodes);
    g->n_nodes = n_nodes;
    g->n_hosts = n_hosts;
    for (uint32_t i = 0; i < n_nodes; i++) {
        g->nodes[i].is_host = i < n_hosts;
        g->nodes[i].rack = -1;
    }
    g->links = xcalloc(n_links, sizeof *g->links);
    g->n_links = 0;
}

void
topo_graph_set_node(struct topo_graph *g, uint32_t i, char *name,
                    uint8_t tier)
{
    sim_assert(i < g->n_nodes);
    free(g->nodes[i].name);
    g->nodes[i].name = name;
    g->nodes[i].tier = tier;
}

void
topo_graph_name_run(struct topo_graph *g, uint32_t first, uint32_t count,
                    const char *prefix, uint8_t tier)
{
    for (uint32_t i = 0; i < count; i++)
        topo_graph_set_node(g, first + i, xasprintf("%s%" PRIu32, prefix, i),
                            tier);
}

void
topo_graph_add_link(struct topo_graph *g, uint32_t a, uint32_t b,
                    const struct link_spec *ls)
{
    sim_assert(a < g->n_nodes && b < g->n_nodes && a != b);
    struct topo_link *l = &g->links[g->n_links++];
    memset(l, 0, sizeof *l);
    l->a = a;
    l->b = b;
    l->rate_bps = ls->rate_bps;
    l->delay_ps = ls->delay_ps;
}

void
topo_graph_free(struct topo_graph *g)
{
    if (!g)
        return;
    if (g->nodes)
        for (uint32_t i = 0; i < g->n_nodes; i++)
            free(g->nodes[i].name);
    free(g->nodes);
    free(g->links);
    memset(g, 0, sizeof *g);
}

int64_t
topo_find(const struct topo_graph *g, const char *name)
{
    /* Fast path for generated host names, "h<index>", so that resolving
     * many flows' endpoints stays cheap on large fabrics. */
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '9') {
        uint64_t i = 0;
        const char *p = name + 1;
        while (*p >= '0' && *p <= '9' && i < UINT32_MAX)
            i = i * 10 + (uint64_t)(*p++ - '0');
        if (!*p && i < g->n_hosts && !strcmp(g->nodes[i].name, name))
            return (int64_t)i;
    }
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i].name, name))
            return i;
    return -1;
}

void
topo_adj_init(struct topo_adj *adj, const struct topo_graph *g)
{
    /* Counting sort of link ends by node; links are visited in index
     * order, so each node's list is sorted by link index. */
    adj->start = xcalloc((size_t)g->n_nodes + 1, sizeof *adj->start);
    adj->link = xmalloc(((size_t)g->n_links * 2 + 1) * sizeof *adj->link);
    for (uint32_t i = 0; i < g->n_links; i++) {
        adj->start[g->links[i].a + 1]++;
        adj->start[g->links[i].b + 1]++;
    }
    for (uint32_t n = 0; n < g->n_nodes; n++)
        adj->start[n + 1] += adj->start[n];
    uint32_t *fill = xmalloc(((size_t)g->n_nodes + 1) * sizeof *fill);
    memcpy(fill, adj->start, (size_t)g->n_nodes * sizeof *fill);
    for (uint32_t i = 0; i < g->n_links; i++) {
        adj->link[fill[g->links[i].a]++] = i;
        adj->link[fill[g->links[i].b]++] = i;
    }
    free(fill);
}

void
topo_adj_uninit(struct topo_adj *adj)
{
    free(adj->start);
    free(adj->link);
    adj->start = adj->link = NULL;
}

void
topo_bfs(const struct topo_graph *g, const struct topo_adj *adj, uint32_t src,
         uint32_t *dist, uint32_t *parent_link, uint32_t *queue)
{
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        dist[n] = TOPO_UNREACHED;
        if (parent_link)
            parent_link[n] = UINT32_MAX;
    }
    uint32_t head = 0, tail = 0;
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        uint32_t n = queue[head++];
        if (n != src && g->nodes[n].is_host)
            continue;
        for (uint32_t k = adj->start[n]; k < adj->start[n + 1]; k++) {
            uint32_t li = adj->link[k];
            uint32_t m = topo_link_peer(&g->links[li], n);
            if (dist[m] != TOPO_UNREACHED)
                continue;
            dist[m] = dist[n] + 1;
            if (parent_link)
                parent_link[m] = li;
            queue[tail++] = m;
        }
    }
}

/* A node's place in the scenario file, or the topology's. */
static struct src_loc
topo_node_loc(const struct topo_spec *spec, const struct topo_node *node)
{
    return node->loc.line ? node->loc : spec->loc;
}

/* Gives each switch whose class left its tier at 0 the tier of its hop
 * distance to the nearest host (a switch next to a host is tier 1),
 * clamped to 3; a switch no host reaches is tier 3 too.  Multi-source
 * BFS from every host. */
static void
topo_infer_tiers(struct topo_graph *g, const struct topo_adj *adj,
                 uint32_t *dist, uint32_t *queue)
{
    bool any = false;
    for (uint32_t n = g->n_hosts; n < g->n_nodes; n++)
        any |= g->nodes[n].tier == 0;
    if (!any)
        return;

    uint32_t head = 0, tail = 0;
    for (uint32_t n = 0; n < g->n_nodes; n++)
        dist[n] = TOPO_UNREACHED;
    for (uint32_t h = 0; h < g->n_hosts; h++) {
        dist[h] = 0;
        queue[tail++] = h;
    }
    while (head < tail) {
        uint32_t n = queue[head++];
        for (uint32_t k = adj->start[n]; k < adj->start[n + 1]; k++) {
            uint32_t m = topo_link_peer(&g->links[adj->link[k]], n);
            if (dist[m] == TOPO_UNREACHED) {
                dist[m] = dist[n] + 1;
                queue[tail++] = m;
            }
        }
    }
    for (uint32_t n = g->n_hosts; n < g->n_nodes; n++)
        if (g->nodes[n].tier == 0)
            g->nodes[n].tier = (uint8_t)MIN(dist[n], TOPO_MAX_TIERS - 1);
}

/* Racks are numbered densely from 0 in order of first appearance over
 * hosts 0..n_hosts-1; a host's rack is the first switch (by link index) it
 * is linked to.  A host linked to no switch (only to other hosts, in an
 * explicit topology) is a rack of its own. */
static void
topo_assign_racks(struct topo_graph *g, const struct topo_adj *adj,
                  uint32_t *rack_of_node)
{
    int32_t next = 0;
    for (uint32_t n = 0; n < g->n_nodes; n++)
        rack_of_node[n] = UINT32_MAX;
    for (uint32_t h = 0; h < g->n_hosts; h++) {
        uint32_t sw = UINT32_MAX;
        for (uint32_t k = adj->start[h]; k < adj->start[h + 1]; k++) {
            uint32_t m = topo_link_peer(&g->links[adj->link[k]], h);
            if (!g->nodes[m].is_host) {
                sw = m;
                break;
            }
        }
        if (sw == UINT32_MAX) {
            g->nodes[h].rack = next++;
            continue;
        }
        if (rack_of_node[sw] == UINT32_MAX)
            rack_of_node[sw] = (uint32_t)next++;
        g->nodes[h].rack = (int32_t)rack_of_node[sw];
    }
}

/* The class contract (topo-provider.h); a violation is a bug in the
 * class, not bad input. */
static void
topo_assert_contract(const struct topo_graph *g)
{
    sim_assert(g->n_hosts <= g->n_nodes);
    for (uint32_t n = 0; n < g->n_nodes; n++) {
        sim_assert(g->nodes[n].name);
        sim_assert(g->nodes[n].is_host == (n < g->n_hosts));
        sim_assert(g->nodes[n].tier < TOPO_MAX_TIERS);
        sim_assert(!g->nodes[n].is_host || g->nodes[n].tier == 0);
    }
    for (uint32_t i = 0; i < g->n_links; i++) {
        const struct topo_link *l = &g->links[i];
        sim_assert(l->a < g->n_nodes && l->b < g->n_nodes && l->a != l->b);
        sim_assert(l->rate_bps > 0);
    }
}

/* Whether host X has a link to a switch of component C (COMP). */
static bool
topo_host_in(const struct topo_graph *g, const struct topo_adj *adj,
             const uint32_t *comp, uint32_t x, uint32_t c)
{
    for (uint32_t k = adj->start[x]; k < adj->start[x + 1]; k++) {
        uint32_t m = topo_link_peer(&g->links[adj->link[k]], x);
        if (!g->nodes[m].is_host && comp[m] == c)
            return true;
    }
    return false;
}

/* Every host reaches every other through its NIC, its first link
 * (host.c): hosts do not forward, so a NIC cabled to a switch reaches
 * the hosts cabled to the switches joined to that one by switches (its
 * component, COMP: the first switch of it in graph order), and a NIC
 * cabled to a host that host alone.  The search from host 0 in
 * topo_check() goes out on all of its links, so it passes a host with
 * several links whose first leads to too few hosts (a packet from it
 * then met a host that is not its destination: path.c asserted).
 * HOSTS and LAST are scratch arrays of a count per node. */
static int
topo_check_nics(const struct topo_spec *spec, const struct topo_graph *g,
                const struct topo_adj *adj, uint32_t *comp, uint32_t *queue,
                char **err, struct src_loc *err_loc)
{
    uint32_t n = g->n_nodes;
    uint32_t *hosts = xcalloc(n, sizeof *hosts);   /* Hosts at each comp. */
    uint32_t *last = xmalloc(n * sizeof *last);    /* Host counted last. */
    int error = 0;
    for (uint32_t i = 0; i < n; i++) {
        comp[i] = UINT32_MAX;
        last[i] = UINT32_MAX;
    }
    for (uint32_t s = g->n_hosts; s < n; s++) {
        if (comp[s] != UINT32_MAX)
            continue;
        uint32_t head = 0, tail = 0;
        comp[s] = s;
        queue[tail++] = s;
        while (head < tail) {
            uint32_t x = queue[head++];
            for (uint32_t k = adj->start[x]; k < adj->start[x + 1]; k++) {
                uint32_t m = topo_link_peer(&g->links[adj->link[k]], x);
                if (!g->nodes[m].is_host && comp[m] == UINT32_MAX) {
                    comp[m] = s;
                    queue[tail++] = m;
                }
            }
        }
    }
    for (uint32_t h = 0; h < g->n_hosts; h++)
        for (uint32_t k = adj->start[h]; k < adj->start[h + 1]; k++) {
            uint32_t m = topo_link_peer(&g->links[adj->link[k]], h);
            if (!g->nodes[m].is_host && last[comp[m]] != h) {
                last[comp[m]] = h;
                hosts[comp[m]]++;
            }
        }
    for (uint32_t h = 0; h < g->n_hosts && !error; h++) {
        uint32_t p = topo_link_peer(&g->links[adj->link[adj->start[h]]], h);
        bool to_host = g->nodes[p].is_host;
        if (to_host ? g->n_hosts == 2 : hosts[comp[p]] == g->n_hosts)
            continue;
        uint32_t x = 0;
        while (x == h || (to_host ? x == p
                                  : topo_host_in(g, adj, comp, x, comp[p])))
            x++;
        error = topo_fail(err, err_loc, topo_node_loc(spec, &g->nodes[h]),
                          "host '%s' cannot reach host '%s' from its NIC, "
                          "its first link (to '%s'); hosts do not forward",
                          g->nodes[h].name, g->nodes[x].name,
                          g->nodes[p].name);
    }
    free(hosts);
    free(last);
    return error;
}

static int
topo_check(const struct topo_spec *spec, struct topo_graph *g, char **err,
           struct src_loc *err_loc)
{
    topo_assert_contract(g);
    if (g->n_hosts == 0)
        return topo_fail(err, err_loc, spec->loc, "topology has no hosts");

    struct topo_adj adj;
    topo_adj_init(&adj, g);
    uint32_t *dist = xmalloc((size_t)g->n_nodes * sizeof *dist);
    uint32_t *queue = xmalloc((size_t)g->n_nodes * sizeof *queue);
    int error = 0;

    for (uint32_t n = 0; n < g->n_nodes && !error; n++) {
        uint32_t ports = adj.start[n + 1] - adj.start[n];
        if (ports > TOPO_MAX_PORTS)
            error = topo_fail(err, err_loc, topo_node_loc(spec, &g->nodes[n]),
                              "node '%s' has %" PRIu32 " links; a node has "
                              "at most %d ports",
                              g->nodes[n].name, ports, TOPO_MAX_PORTS);
    }
    for (uint32_t h = 0; h < g->n_hosts && !error; h++)
        if (adj.start[h + 1] == adj.start[h])
            error = topo_fail(err, err_loc, topo_node_loc(spec, &g->nodes[h]),
                              "host '%s' has no link", g->nodes[h].name);
    if (!error) {
        /* Links are full duplex, so reaching every host from host 0 means
         * every host reaches every other. */
        topo_bfs(g, &adj, 0, dist, NULL, queue);
        for (uint32_t h = 1; h < g->n_hosts && !error; h++)
            if (dist[h] == TOPO_UNREACHED)
                error = topo_fail(err, err_loc,
                                  topo_node_loc(spec, &g->nodes[h]),
                                  "host '%s' cannot reach host '%s'",
                                  g->nodes[h].name, g->nodes[0].name);
    }
    if (!error)
        error = topo_check_nics(spec, g, &adj, dist, queue, err, err_loc);
    if (!error) {
        topo_infer_tiers(g, &adj, dist, queue);
        topo_assign_racks(g, &adj, dist);
    }

    free(dist);
    free(queue);
    topo_adj_uninit(&adj);
    return error;
}

int
topo_build(const struct topo_spec *spec, struct topo_graph *out, char **err,
           struct src_loc *err_loc)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    *err_loc = spec->loc;
    if (!spec->type)
        return topo_fail(err, err_loc, spec->loc,
                         "topology has no type; expected one of: %s",
                         topo_type_names());
    const struct topo_class *cls = topo_class_find(spec->type);
    if (!cls)
        return topo_fail(err, err_loc, spec->loc,
                         "unknown topology type '%s'; expected one of: %s",
                         spec->type, topo_type_names());

    int error = cls->build(spec, out, err, err_loc);
    if (!error) {
        out->type = cls->name;
        error = topo_check(spec, out, err, err_loc);
    }
    if (error) {
        sim_assert(*err);
        topo_graph_free(out);
    }
    return error;
}
