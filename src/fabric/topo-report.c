/* Analyses of a topology graph and the report `dcsim topo` prints: node
 * counts per tier, link counts per tier pair, oversubscription per switch
 * tier, bisection bandwidth, and hop counts and minimum latencies for a
 * same-rack and a cross-rack host pair.
 *
 * Everything works on the plain graph of topo.h (no simulation is built)
 * in time and memory linear in its size, except the max flow behind the
 * bisection bandwidth (Dinic's algorithm: O(V^2 E) in general, a handful
 * of phases on a Clos fabric). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/topo-provider.h"
#include "fabric/topo.h"
#include "pkt/pkt.h"
#include "sim/util.h"

/* Frames of the report's latency figures: the minimum Ethernet frame (a
 * 28-byte IP datagram, the smallest that IPv4 + UDP headers allow, pads
 * to 64 B) and a full-MTU datagram. */
#define TOPO_MIN_FRAME_IP_BYTES 28

uint32_t
topo_hops(const struct topo_graph *g, uint32_t a, uint32_t b)
{
    sim_assert(a < g->n_nodes && b < g->n_nodes);
    struct topo_adj adj;
    topo_adj_init(&adj, g);
    uint32_t *dist = xmalloc((size_t)g->n_nodes * sizeof *dist);
    uint32_t *queue = xmalloc((size_t)g->n_nodes * sizeof *queue);
    topo_bfs(g, &adj, a, dist, NULL, queue);
    uint32_t hops = dist[b];
    free(dist);
    free(queue);
    topo_adj_uninit(&adj);
    return hops;
}

/* Latency of WIRE_BYTES from the BFS source to B along PARENT_LINK. */
static uint64_t
topo_path_latency_ps(const struct topo_graph *g, const uint32_t *parent_link,
                     uint32_t b, uint32_t wire_bytes)
{
    uint64_t t_ps = 0;
    for (uint32_t n = b; parent_link[n] != UINT32_MAX;) {
        const struct topo_link *l = &g->links[parent_link[n]];
        t_ps = sat_add_u64(t_ps, sat_add_u64(ser_time_ps(wire_bytes,
                                                         l->rate_bps),
                                             l->delay_ps));
        n = topo_link_peer(l, n);
    }
    return t_ps;
}

uint64_t
topo_min_latency_ps(const struct topo_graph *g, uint32_t a, uint32_t b,
                    uint32_t wire_bytes)
{
    sim_assert(a < g->n_nodes && b < g->n_nodes);
    struct topo_adj adj;
    topo_adj_init(&adj, g);
    uint32_t *dist = xmalloc((size_t)g->n_nodes * sizeof *dist);
    uint32_t *parent = xmalloc((size_t)g->n_nodes * sizeof *parent);
    uint32_t *queue = xmalloc((size_t)g->n_nodes * sizeof *queue);
    topo_bfs(g, &adj, a, dist, parent, queue);
    uint64_t t_ps = dist[b] == TOPO_UNREACHED
                        ? UINT64_MAX
                        : topo_path_latency_ps(g, parent, b, wire_bytes);
    free(dist);
    free(parent);
    free(queue);
    topo_adj_uninit(&adj);
    return t_ps;
}

int
topo_oversubscription(const struct topo_graph *g, int tier, double *min,
                      double *max)
{
    if (tier < 1 || tier >= TOPO_MAX_TIERS)
        return EINVAL;
    uint64_t *down = xcalloc(g->n_nodes, sizeof *down);
    uint64_t *up = xcalloc(g->n_nodes, sizeof *up);
    for (uint32_t i = 0; i < g->n_links; i++) {
        const struct topo_link *l = &g->links[i];
        uint8_t ta = g->nodes[l->a].tier, tb = g->nodes[l->b].tier;
        if (ta < tb) {
            up[l->a] += l->rate_bps;
            down[l->b] += l->rate_bps;
        } else if (tb < ta) {
            up[l->b] += l->rate_bps;
            down[l->a] += l->rate_bps;
        }
    }
    bool found = false;
    for (uint32_t n = g->n_hosts; n < g->n_nodes; n++) {
        if (g->nodes[n].tier != tier || up[n] == 0)
            continue;
        double r = (double)down[n] / (double)up[n];
        if (!found || r < *min)
            *min = r;
        if (!found || r > *max)
            *max = r;
        found = true;
    }
    free(down);
    free(up);
    return found ? 0 : ENOENT;
}

/* Max flow by Dinic's algorithm (E. A. Dinic, "Algorithm for solution of
 * a problem of maximum flow in networks with power estimation", Soviet
 * Math. Doklady 11, 1970).  Vertices are the graph's nodes plus a source
 * and a sink.  A cable is a pair of arcs, each the other's reverse, both
 * of capacity rate_bps: the usual form of an undirected edge, giving each
 * direction its own rate.  The source feeds the first half of the hosts
 * and the second half drains into the sink through arcs of unbounded
 * capacity.
 *
 * Unlike the paths above, flow may pass through a host.  That cannot
 * change the result: every host is tied to the source or the sink by an
 * unbounded arc, so no finite cut separates a host from its side, and the
 * minimum cut (= the maximum flow) is the same whether hosts forward or
 * not. */
struct topo_flow {
    uint32_t n;            /* Vertices: nodes, then source, then sink. */
    uint32_t *first;       /* n + 1 offsets into `arcs`. */
    uint32_t *arcs;        /* Arc ids grouped by tail vertex. */
    uint32_t *head;        /* Arc -> its head; arc ^ 1 is its reverse. */
    uint64_t *cap;         /* Residual capacity, bits/s. */
    int32_t *level;        /* BFS level in the residual graph, -1 none. */
    uint32_t *it;          /* Current arc of each vertex in a phase. */
    uint32_t *queue;
    uint32_t *path;        /* Arcs of the path being grown. */
};

#define TOPO_FLOW_INF (UINT64_MAX / 4)

static void
topo_flow_init(struct topo_flow *f, const struct topo_graph *g)
{
    uint32_t src = g->n_nodes, sink = g->n_nodes + 1, half = g->n_hosts / 2;
    size_t n_arcs = 2 * ((size_t)g->n_links + g->n_hosts);
    f->n = g->n_nodes + 2;
    f->first = xcalloc((size_t)f->n + 1, sizeof *f->first);
    f->arcs = xmalloc(n_arcs * sizeof *f->arcs);
    f->head = xmalloc(n_arcs * sizeof *f->head);
    f->cap = xmalloc(n_arcs * sizeof *f->cap);
    f->level = xmalloc((size_t)f->n * sizeof *f->level);
    f->it = xmalloc((size_t)f->n * sizeof *f->it);
    f->queue = xmalloc((size_t)f->n * sizeof *f->queue);
    f->path = xmalloc((size_t)f->n * sizeof *f->path);

    size_t e = 0;
    for (uint32_t i = 0; i < g->n_links; i++, e += 2) {
        const struct topo_link *l = &g->links[i];
        f->head[e] = l->b;
        f->head[e + 1] = l->a;
        f->cap[e] = f->cap[e + 1] = l->rate_bps;
    }
    for (uint32_t h = 0; h < g->n_hosts; h++, e += 2) {
        bool first_half = h < half;
        f->head[e] = first_half ? h : sink;
        f->head[e + 1] = first_half ? src : h;
        f->cap[e] = TOPO_FLOW_INF;
        f->cap[e + 1] = 0;
    }
    sim_assert(e == n_arcs);

    /* Group arcs by tail (the head of the reverse arc). */
    for (size_t a = 0; a < n_arcs; a++)
        f->first[f->head[a ^ 1] + 1]++;
    for (uint32_t v = 0; v < f->n; v++)
        f->first[v + 1] += f->first[v];
    memcpy(f->it, f->first, (size_t)f->n * sizeof *f->it);
    for (size_t a = 0; a < n_arcs; a++)
        f->arcs[f->it[f->head[a ^ 1]]++] = (uint32_t)a;
}

static void
topo_flow_uninit(struct topo_flow *f)
{
    free(f->first);
    free(f->arcs);
    free(f->head);
    free(f->cap);
    free(f->level);
    free(f->it);
    free(f->queue);
    free(f->path);
}

/* Levels from SRC over arcs with residual capacity; true if SINK is
 * reached. */
static bool
topo_flow_levels(struct topo_flow *f, uint32_t src, uint32_t sink)
{
    for (uint32_t v = 0; v < f->n; v++)
        f->level[v] = -1;
    uint32_t head = 0, tail = 0;
    f->level[src] = 0;
    f->queue[tail++] = src;
    while (head < tail) {
        uint32_t v = f->queue[head++];
        for (uint32_t k = f->first[v]; k < f->first[v + 1]; k++) {
            uint32_t a = f->arcs[k], w = f->head[a];
            if (f->cap[a] > 0 && f->level[w] < 0) {
                f->level[w] = f->level[v] + 1;
                f->queue[tail++] = w;
            }
        }
    }
    return f->level[sink] >= 0;
}

/* One phase: augments along shortest paths of the level graph until it
 * has none left (a blocking flow).  The depth-first search is iterative,
 * so a long chain of switches cannot overflow the stack.  Returns the
 * flow added. */
static uint64_t
topo_flow_block(struct topo_flow *f, uint32_t src, uint32_t sink)
{
    uint64_t added = 0;
    memcpy(f->it, f->first, (size_t)f->n * sizeof *f->it);
    for (;;) {
        uint32_t len = 0, v = src;
        while (v != sink) {
            uint32_t arc = UINT32_MAX;
            for (; f->it[v] < f->first[v + 1]; f->it[v]++) {
                uint32_t a = f->arcs[f->it[v]];
                if (f->cap[a] > 0 && f->level[f->head[a]] == f->level[v] + 1) {
                    arc = a;
                    break;
                }
            }
            if (arc != UINT32_MAX) {
                f->path[len++] = arc;
                v = f->head[arc];
                continue;
            }
            if (v == src)
                return added;
            /* Dead end: drop V from the level graph and back up. */
            f->level[v] = -1;
            v = f->head[f->path[--len] ^ 1];
            f->it[v]++;
        }
        uint64_t push = UINT64_MAX;
        for (uint32_t i = 0; i < len; i++)
            push = MIN(push, f->cap[f->path[i]]);
        for (uint32_t i = 0; i < len; i++) {
            f->cap[f->path[i]] -= push;
            f->cap[f->path[i] ^ 1] += push;
        }
        added += push;
    }
}

uint64_t
topo_bisection_bps(const struct topo_graph *g)
{
    if (g->n_hosts < 2)
        return 0;
    struct topo_flow f;
    topo_flow_init(&f, g);
    uint32_t src = g->n_nodes, sink = g->n_nodes + 1;
    uint64_t total = 0;
    while (topo_flow_levels(&f, src, sink))
        total += topo_flow_block(&f, src, sink);
    topo_flow_uninit(&f);
    return total;
}

/* Report formatting. */

static const char *
topo_tier_name(const struct topo_graph *g, unsigned tier)
{
    static const char *const fallback[TOPO_MAX_TIERS] = {
        "host", "tier1", "tier2", "tier3",
    };
    sim_assert(tier < TOPO_MAX_TIERS);
    return g->tier_names[tier] ? g->tier_names[tier] : fallback[tier];
}

/* "25 Gb/s", "6.4 Tb/s", "2.5 Mb/s": at most three decimals, trailing
 * zeros dropped. */
static char *
topo_format_rate(char *buf, size_t size, uint64_t bps)
{
    static const struct {
        uint64_t scale;
        const char *unit;
    } units[] = {
        { UINT64_C(1000000000000000), "Pb/s" },
        { UINT64_C(1000000000000), "Tb/s" },
        { UINT64_C(1000000000), "Gb/s" },
        { UINT64_C(1000000), "Mb/s" },
        { UINT64_C(1000), "kb/s" },
        { 1, "b/s" },
    };
    size_t u = 0;
    while (u + 1 < ARRAY_SIZE(units) && bps < units[u].scale)
        u++;
    uint64_t scale = units[u].scale;
    uint64_t whole = bps / scale;
    uint64_t milli = ((bps % scale) * 1000 + scale / 2) / scale;
    if (milli == 1000) {
        whole++;
        milli = 0;
    }
    if (milli == 0) {
        snprintf(buf, size, "%" PRIu64 " %s", whole, units[u].unit);
    } else {
        char frac[4];
        snprintf(frac, sizeof frac, "%03" PRIu64, milli);
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        snprintf(buf, size, "%" PRIu64 ".%s %s", whole, frac, units[u].unit);
    }
    return buf;
}

/* Picoseconds as microseconds with three decimals (rounded to the ns). */
static char *
topo_format_us(char *buf, size_t size, uint64_t ps)
{
    uint64_t ns = ps / 1000 + (ps % 1000 >= 500);
    snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " us", ns / 1000, ns % 1000);
    return buf;
}

static char *
topo_format_ratio(char *buf, size_t size, double min, double max)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%.2f:1", min);
    snprintf(b, sizeof b, "%.2f:1", max);
    if (!strcmp(a, b))
        snprintf(buf, size, "%s", a);
    else
        snprintf(buf, size, "%s..%s", a, b);
    return buf;
}

/* Links grouped by the tiers of their ends and their rate. */
struct topo_link_class {
    uint8_t lo, hi;
    uint64_t rate_bps;
};

static int
topo_link_class_cmp(const void *a_, const void *b_)
{
    const struct topo_link_class *a = a_, *b = b_;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    if (a->rate_bps != b->rate_bps)
        return a->rate_bps < b->rate_bps ? -1 : 1;
    return 0;
}

static void
topo_report_links(const struct topo_graph *g, FILE *out)
{
    fprintf(out, "\nLinks by tier pair (%" PRIu32 " in all)\n", g->n_links);
    if (!g->n_links)
        return;
    struct topo_link_class *c = xmalloc((size_t)g->n_links * sizeof *c);
    for (uint32_t i = 0; i < g->n_links; i++) {
        uint8_t ta = g->nodes[g->links[i].a].tier;
        uint8_t tb = g->nodes[g->links[i].b].tier;
        c[i].lo = MIN(ta, tb);
        c[i].hi = MAX(ta, tb);
        c[i].rate_bps = g->links[i].rate_bps;
    }
    qsort(c, g->n_links, sizeof *c, topo_link_class_cmp);
    for (uint32_t i = 0; i < g->n_links;) {
        char pair[64], rate[32];
        snprintf(pair, sizeof pair, "%s-%s", topo_tier_name(g, c[i].lo),
                 topo_tier_name(g, c[i].hi));
        fprintf(out, "  %-24s", pair);
        /* Every rate of this pair on one line. */
        uint32_t j = i;
        while (j < g->n_links && c[j].lo == c[i].lo && c[j].hi == c[i].hi) {
            uint32_t k = j;
            while (k < g->n_links && !topo_link_class_cmp(&c[k], &c[j]))
                k++;
            fprintf(out, "%s%6" PRIu32 " at %s", j == i ? "" : ", ", k - j,
                    topo_format_rate(rate, sizeof rate, c[j].rate_bps));
            j = k;
        }
        fputc('\n', out);
        i = j;
    }
    free(c);
}

/* "h0..h511", or "h0" for a single host. */
static void
topo_format_range(char *buf, size_t size, const struct topo_graph *g,
                  uint32_t first, uint32_t last)
{
    if (first == last)
        snprintf(buf, size, "%s", g->nodes[first].name);
    else
        snprintf(buf, size, "%s..%s", g->nodes[first].name,
                 g->nodes[last].name);
}

static void
topo_report_bisection(const struct topo_graph *g, FILE *out)
{
    char rate[32];
    if (g->n_hosts < 2) {
        fprintf(out, "\nBisection bandwidth: none (fewer than two hosts)\n");
        return;
    }
    uint32_t half = g->n_hosts / 2;
    fprintf(out, "\nBisection bandwidth: %s\n",
            topo_format_rate(rate, sizeof rate, topo_bisection_bps(g)));

    /* Hosts are numbered rack by rack, so cutting the host list in the
     * middle keeps racks whole; say whether it does here (an explicit
     * topology lists hosts in file order, and racks may not divide
     * evenly). */
    int32_t n_racks = 0;
    for (uint32_t h = 0; h < g->n_hosts; h++)
        n_racks = MAX(n_racks, g->nodes[h].rack + 1);
    bool *in_first = xcalloc((size_t)n_racks + 1, sizeof *in_first);
    for (uint32_t h = 0; h < half; h++)
        if (g->nodes[h].rack >= 0)
            in_first[g->nodes[h].rack] = true;
    bool split = false;
    for (uint32_t h = half; h < g->n_hosts; h++)
        split |= g->nodes[h].rack >= 0 && in_first[g->nodes[h].rack];
    free(in_first);

    char a[160], b[160];
    topo_format_range(a, sizeof a, g, 0, half - 1);
    topo_format_range(b, sizeof b, g, half, g->n_hosts - 1);
    fprintf(out, "  max flow between host halves %s | %s\n", a, b);
    fprintf(out, "  %s\n", split ? "some racks are split between the halves"
                                 : "(hosts are numbered rack by rack; the "
                                   "halves keep racks whole)");
}

static void
topo_report_pair(const struct topo_graph *g, const char *label, uint32_t b,
                 const uint32_t *dist, const uint32_t *parent,
                 uint32_t min_wire, uint32_t mtu_wire, FILE *out)
{
    char pair[160], t_min[32], t_mtu[32];
    if (b == UINT32_MAX) {
        fprintf(out, "  %-12s none\n", label);
        return;
    }
    snprintf(pair, sizeof pair, "%s -> %s", g->nodes[0].name,
             g->nodes[b].name);
    /* BFS does not cross hosts, so every node inside the path is a
     * switch. */
    uint32_t links = dist[b];
    fprintf(out, "  %-12s %-20s %5" PRIu32 " %8" PRIu32 " %12s %12s\n",
            label, pair, links, links - 1,
            topo_format_us(t_min, sizeof t_min,
                           topo_path_latency_ps(g, parent, b, min_wire)),
            topo_format_us(t_mtu, sizeof t_mtu,
                           topo_path_latency_ps(g, parent, b, mtu_wire)));
}

static void
topo_report_paths(const struct topo_graph *g, uint32_t mtu_bytes, FILE *out)
{
    uint32_t min_wire = wire_bytes_for_ip(TOPO_MIN_FRAME_IP_BYTES, false);
    uint32_t mtu_wire = wire_bytes_for_ip(mtu_bytes, false);
    struct topo_adj adj;
    topo_adj_init(&adj, g);
    uint32_t *dist = xmalloc((size_t)g->n_nodes * sizeof *dist);
    uint32_t *parent = xmalloc((size_t)g->n_nodes * sizeof *parent);
    uint32_t *queue = xmalloc((size_t)g->n_nodes * sizeof *queue);
    topo_bfs(g, &adj, 0, dist, parent, queue);

    /* Same rack: the next host in h0's rack.  Cross rack: of the hosts in
     * other racks, the farthest from h0 (the lowest-numbered on a tie). */
    uint32_t same = UINT32_MAX, cross = UINT32_MAX;
    int32_t rack0 = g->nodes[0].rack;
    for (uint32_t h = 1; h < g->n_hosts; h++) {
        if (dist[h] == TOPO_UNREACHED)
            continue;
        if (g->nodes[h].rack == rack0) {
            if (same == UINT32_MAX)
                same = h;
        } else if (cross == UINT32_MAX || dist[h] > dist[cross]) {
            cross = h;
        }
    }

    fprintf(out,
            "\nPaths from %s (one shortest path; store-and-forward, each "
            "link\nadds serialization + propagation; switch latency not "
            "included)\n",
            g->nodes[0].name);
    char min_col[32], mtu_col[32];
    snprintf(min_col, sizeof min_col, "%u B frame",
             (unsigned)ETH_MIN_FRAME_BYTES);
    snprintf(mtu_col, sizeof mtu_col, "%" PRIu32 " B MTU", mtu_bytes);
    fprintf(out, "  %-12s %-20s %5s %8s %12s %12s\n", "", "pair", "links",
            "switches", min_col, mtu_col);
    topo_report_pair(g, "same rack", same, dist, parent, min_wire, mtu_wire,
                     out);
    topo_report_pair(g, "cross rack", cross, dist, parent, min_wire,
                     mtu_wire, out);
    fprintf(out,
            "  (on the wire: %" PRIu32 " B and %" PRIu32 " B, with "
            "header, FCS, preamble and gap)\n",
            min_wire, mtu_wire);

    free(dist);
    free(parent);
    free(queue);
    topo_adj_uninit(&adj);
}

void
topo_print_report(const struct topo_graph *g, uint32_t mtu_bytes, FILE *out)
{
    uint32_t count[TOPO_MAX_TIERS] = { 0 };
    for (uint32_t n = 0; n < g->n_nodes; n++)
        count[g->nodes[n].tier]++;

    fprintf(out, "Topology: %s\n", g->type ? g->type : "?");
    fprintf(out, "  %" PRIu32 " hosts, %" PRIu32 " switches, %" PRIu32
                 " links\n",
            g->n_hosts, g->n_nodes - g->n_hosts, g->n_links);

    fprintf(out, "\n  %-24s%6s\n", "tier", "nodes");
    for (unsigned t = 0; t < TOPO_MAX_TIERS; t++)
        if (count[t])
            fprintf(out, "  %-24s%6" PRIu32 "\n", topo_tier_name(g, t),
                    count[t]);

    topo_report_links(g, out);

    fprintf(out, "\nOversubscription (per switch: capacity down / capacity "
                 "up)\n");
    bool any = false;
    for (int t = 1; t < TOPO_MAX_TIERS; t++) {
        double min, max;
        char ratio[80];
        if (topo_oversubscription(g, t, &min, &max))
            continue;
        fprintf(out, "  %-24s%s\n", topo_tier_name(g, (unsigned)t),
                topo_format_ratio(ratio, sizeof ratio, min, max));
        any = true;
    }
    if (!any)
        fprintf(out, "  none (no switch has uplinks)\n");

    topo_report_bisection(g, out);
    topo_report_paths(g, mtu_bytes, out);
}
