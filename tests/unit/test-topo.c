/* Topologies: node, switch and link counts of every generated class,
 * hop counts, oversubscription and bisection bandwidth against figures
 * derived by hand (in the comments), explicit topologies (reordering,
 * tier inference, racks), and the errors topo_build() reports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/topo.h"
#include "pkt/pkt.h"
#include "sim/util.h"
#include "tap.h"

#define GBPS UINT64_C(1000000000)

/* Builds SPEC; on failure prints the error and returns false. */
static bool
build(const struct topo_spec *spec, struct topo_graph *g)
{
    char *err = NULL;
    struct src_loc loc;
    int error = topo_build(spec, g, &err, &loc);
    if (error) {
        diag("topo_build(%s): %s", spec->type ? spec->type : "(null)", err);
        free(err);
        return false;
    }
    return true;
}

/* Builds SPEC expecting failure; returns the message (to free) or NULL
 * if it built. */
static char *
build_error(const struct topo_spec *spec, struct src_loc *loc)
{
    struct topo_graph g;
    char *err = NULL;
    int error = topo_build(spec, &g, &err, loc);
    if (!error) {
        topo_graph_free(&g);
        return NULL;
    }
    return err;
}

static uint32_t
node(const struct topo_graph *g, const char *name)
{
    int64_t i = topo_find(g, name);
    if (i < 0) {
        diag("no node '%s'", name);
        exit(1);
    }
    return (uint32_t)i;
}

static uint32_t
count_tier(const struct topo_graph *g, uint8_t tier)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n_nodes; i++)
        n += g->nodes[i].tier == tier;
    return n;
}

static bool
contains(const char *s, const char *sub)
{
    return s && strstr(s, sub);
}

static void
test_spine_leaf(void)
{
    struct topo_spec spec = { .type = "spine-leaf" };
    spec.spine_leaf = (struct topo_spine_leaf){
        .spines = 4, .leaves = 32, .servers_per_leaf = 32,
        .server_link = { .rate_bps = 25 * GBPS, .delay_ps = 500000 },
        .uplink = { .rate_bps = 100 * GBPS, .delay_ps = 1000000 },
    };
    struct topo_graph g;
    if (!ok(build(&spec, &g), "spine-leaf 4x32x32 builds"))
        return;

    /* 32 leaves x 32 servers = 1024 hosts; 32 leaves + 4 spines = 36
     * switches; 1024 server links + 32 x 4 uplinks = 1152 links. */
    is_u64(g.n_hosts, 1024, "spine-leaf: 1024 hosts");
    is_u64(g.n_nodes - g.n_hosts, 36, "spine-leaf: 36 switches");
    is_u64(g.n_links, 1024 + 128, "spine-leaf: 1152 links");
    is_u64(count_tier(&g, 1), 32, "spine-leaf: 32 leaves at tier 1");
    is_u64(count_tier(&g, 2), 4, "spine-leaf: 4 spines at tier 2");
    ok(!strcmp(g.type, "spine-leaf") && !strcmp(g.tier_names[1], "leaf") &&
           !strcmp(g.tier_names[2], "spine"),
       "spine-leaf: type and tier names");

    /* Hosts are numbered leaf by leaf: h33 is the second host of leaf1,
     * rack 1; h1023 is the last host of leaf31. */
    is_u64(node(&g, "h33"), 33, "topo_find: h33 is node 33");
    is_u64(g.nodes[33].rack, 1, "h33 is in rack 1");
    is_u64(g.nodes[1023].rack, 31, "h1023 is in rack 31");
    is_u64(node(&g, "leaf0"), 1024, "leaf0 follows the hosts");
    is_u64(node(&g, "spine3"), 1024 + 32 + 3, "spine3 is the last node");
    ok(topo_find(&g, "h1024") == -1 && topo_find(&g, "spine4") == -1 &&
           topo_find(&g, "h01") == -1,
       "topo_find: absent names give -1");

    /* Leaf: 32 x 25G = 800G down, 4 x 100G = 400G up: 2:1. */
    double min = 0, max = 0;
    int r;
    r = topo_oversubscription(&g, 1, &min, &max);
    ok(r == 0 && min == 2.0 &&
           max == 2.0,
       "spine-leaf: leaf oversubscription 2.0 (got %g..%g)", min, max);
    ok(topo_oversubscription(&g, 2, &min, &max) == ENOENT,
       "spine-leaf: spines have no uplinks");

    /* h0..h511 are leaves 0..15.  Max flow from them is limited by those
     * leaves' uplinks: 16 leaves x 4 uplinks x 100 Gb/s = 6.4 Tb/s (the
     * host side would allow 512 x 25G = 12.8 Tb/s, the spines 4 x 16 x
     * 100G = 6.4 Tb/s into the far half). */
    is_u64(topo_bisection_bps(&g), UINT64_C(6400) * GBPS,
           "spine-leaf: bisection 6.4 Tb/s");

    /* Same rack: h0-leaf0-h1.  Cross rack: h0-leaf0-spine-leaf1-h32. */
    is_u64(topo_hops(&g, 0, 1), 2, "spine-leaf: same-rack hops 2");
    is_u64(topo_hops(&g, 0, 32), 4, "spine-leaf: cross-rack hops 4");
    is_u64(topo_hops(&g, 0, 1023), 4, "spine-leaf: h0-h1023 hops 4");
    is_u64(topo_hops(&g, 5, 5), 0, "spine-leaf: a host to itself 0");

    /* Minimum frame, 84 B on the wire: 84 * 8 / 25e9 s = 26880 ps on a
     * server link, 6720 ps on an uplink.  Same rack: 2 x (26880 + 500000)
     * = 1053760 ps.  Cross rack: 2 x (26880 + 500000) + 2 x (6720 +
     * 1000000) = 3067200 ps. */
    uint32_t w = wire_bytes_for_ip(28, false);
    is_u64(w, 84, "minimum frame is 84 B on the wire");
    is_u64(topo_min_latency_ps(&g, 0, 1, w), 1053760,
           "spine-leaf: same-rack 64 B latency");
    is_u64(topo_min_latency_ps(&g, 0, 32, w), 3067200,
           "spine-leaf: cross-rack 64 B latency");
    /* 1500 B MTU: 1538 B on the wire, 492160 ps at 25G, 123040 at 100G:
     * 2 x (492160 + 500000) + 2 x (123040 + 1000000) = 4230400 ps. */
    is_u64(topo_min_latency_ps(&g, 0, 32, wire_bytes_for_ip(1500, false)),
           4230400, "spine-leaf: cross-rack MTU latency");

    /* The report states the figures above. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    topo_print_report(&g, 1500, f);
    fclose(f);
    ok(contains(buf, "spine-leaf") && contains(buf, "2.00:1") &&
           contains(buf, "6.4 Tb/s") &&
           contains(buf, "h0..h511 | h512..h1023") &&
           contains(buf, "1024 at 25 Gb/s") &&
           contains(buf, "128 at 100 Gb/s") && contains(buf, "1.054 us") &&
           contains(buf, "3.067 us") && contains(buf, "4.230 us"),
       "spine-leaf: report shows oversubscription, bisection, latencies");
    if (getenv("TOPO_SHOW_REPORT"))
        fputs(buf, stdout);
    free(buf);
    topo_graph_free(&g);

    /* A leaf has servers_per_leaf + spines ports: 252 + 4 = 256 > 255. */
    spec.spine_leaf.leaves = 2;
    spec.spine_leaf.servers_per_leaf = 252;
    struct src_loc loc;
    char *err = build_error(&spec, &loc);
    ok(contains(err, "256 links"), "spine-leaf: 256-port leaf rejected (%s)",
       err ? err : "built");
    free(err);
    spec.spine_leaf.servers_per_leaf = 251;
    ok(build(&spec, &g), "spine-leaf: 255-port leaf accepted");
    topo_graph_free(&g);
    spec.spine_leaf.spines = 0;
    err = build_error(&spec, &loc);
    ok(contains(err, "spines"), "spine-leaf: zero spines rejected");
    free(err);
}

static void
test_three_tier(void)
{
    struct topo_spec spec = { .type = "three-tier" };
    spec.three_tier = (struct topo_three_tier){
        .cores = 2, .pods = 2, .aggs_per_pod = 2, .access_per_pod = 2,
        .servers_per_access = 4,
        .server_link = { .rate_bps = 25 * GBPS },
        .access_uplink = { .rate_bps = 40 * GBPS },
        .agg_uplink = { .rate_bps = 10 * GBPS },
    };
    struct topo_graph g;
    if (!ok(build(&spec, &g), "three-tier builds"))
        return;
    /* 2 pods x 2 access x 4 servers = 16 hosts; 4 access + 4 agg + 2
     * core = 10 switches; 16 + 2 pods x 2 x 2 + 4 aggs x 2 cores = 32
     * links. */
    is_u64(g.n_hosts, 16, "three-tier: 16 hosts");
    is_u64(g.n_nodes - g.n_hosts, 10, "three-tier: 10 switches");
    is_u64(g.n_links, 32, "three-tier: 32 links");
    ok(count_tier(&g, 1) == 4 && count_tier(&g, 2) == 4 &&
           count_tier(&g, 3) == 2,
       "three-tier: 4 access, 4 aggregation, 2 core");
    ok(node(&g, "access3") == 19 && node(&g, "agg0") == 20 &&
           node(&g, "core1") == 25,
       "three-tier: switch numbering");

    /* h0, h1 under access0; h4 under access1 (pod 0); h8 in pod 1. */
    is_u64(topo_hops(&g, 0, 1), 2, "three-tier: same access 2 hops");
    is_u64(topo_hops(&g, 0, 4), 4, "three-tier: same pod 4 hops");
    is_u64(topo_hops(&g, 0, 8), 6, "three-tier: cross pod 6 hops");
    is_u64(g.nodes[4].rack, 1, "three-tier: h4 in rack 1");

    /* Access: 4 x 25G down / 2 x 40G up = 100/80 = 1.25.  Aggregation:
     * 2 x 40G down / 2 x 10G up = 80/20 = 4. */
    double min = 0, max = 0;
    int r;
    r = topo_oversubscription(&g, 1, &min, &max);
    ok(r == 0 && min == 1.25 &&
           max == 1.25,
       "three-tier: access oversubscription 1.25 (got %g..%g)", min, max);
    r = topo_oversubscription(&g, 2, &min, &max);
    ok(r == 0 && min == 4.0 &&
           max == 4.0,
       "three-tier: aggregation oversubscription 4 (got %g..%g)", min, max);
    ok(topo_oversubscription(&g, 3, &min, &max) == ENOENT,
       "three-tier: cores have no uplinks");

    /* h0..h7 are pod 0.  Cuts: their links 8 x 25 = 200G; access
     * uplinks 4 x 40 = 160G; pod 0's aggregation uplinks 2 aggs x 2
     * cores x 10G = 40G, the minimum. */
    is_u64(topo_bisection_bps(&g), 40 * GBPS, "three-tier: bisection 40G");
    topo_graph_free(&g);
}

static void
test_fat_tree(void)
{
    struct topo_spec spec = { .type = "fat-tree" };
    spec.fat_tree = (struct topo_fat_tree){
        .k = 4,
        .server_link = { .rate_bps = 10 * GBPS },
        .fabric_link = { .rate_bps = 10 * GBPS },
    };
    struct topo_graph g;
    if (!ok(build(&spec, &g), "fat-tree k=4 builds"))
        return;
    /* k^3/4 = 16 hosts; k pods x k switches + (k/2)^2 cores = 16 + 4 =
     * 20 switches; 3k^3/4 = 48 links. */
    is_u64(g.n_hosts, 16, "fat-tree: 16 hosts");
    is_u64(g.n_nodes - g.n_hosts, 20, "fat-tree: 20 switches");
    is_u64(g.n_links, 48, "fat-tree: 48 links");
    ok(count_tier(&g, 1) == 8 && count_tier(&g, 2) == 8 &&
           count_tier(&g, 3) == 4,
       "fat-tree: 8 edge, 8 aggregation, 4 core");

    /* Each core has one link to each of the 4 pods; agg1 (pod 0,
     * position 1) links to cores 2 and 3. */
    uint32_t core_deg[4] = { 0 };
    uint32_t agg1 = node(&g, "agg1"), core0 = node(&g, "core0");
    bool agg1_ok = true;
    for (uint32_t i = 0; i < g.n_links; i++) {
        const struct topo_link *l = &g.links[i];
        if (l->b >= core0)
            core_deg[l->b - core0]++;
        if (l->a == agg1 && l->b >= core0)
            agg1_ok &= l->b == core0 + 2 || l->b == core0 + 3;
    }
    ok(core_deg[0] == 4 && core_deg[1] == 4 && core_deg[2] == 4 &&
           core_deg[3] == 4 && agg1_ok,
       "fat-tree: core wiring per Al-Fares et al.");

    /* h0,h1 under edge0; h2 under edge1 (pod 0); h4 in pod 1. */
    is_u64(topo_hops(&g, 0, 1), 2, "fat-tree: same edge 2 hops");
    is_u64(topo_hops(&g, 0, 2), 4, "fat-tree: same pod 4 hops");
    is_u64(topo_hops(&g, 0, 4), 6, "fat-tree: cross pod 6 hops");

    /* Edge: 2 hosts down, 2 aggs up; agg: 2 edges down, 2 cores up. */
    double min = 0, max = 0;
    int r;
    r = topo_oversubscription(&g, 1, &min, &max);
    ok(r == 0 && min == 1.0 &&
           max == 1.0,
       "fat-tree: edge 1:1");
    r = topo_oversubscription(&g, 2, &min, &max);
    ok(r == 0 && min == 1.0 &&
           max == 1.0,
       "fat-tree: aggregation 1:1");

    /* Full bisection: h0..h7 (pods 0, 1) can send at 8 x 10G; the pods'
     * uplinks are 2 pods x 2 aggs x 2 cores x 10G = 80G too. */
    is_u64(topo_bisection_bps(&g), 16 / 2 * 10 * GBPS,
           "fat-tree: full bisection 80G");
    topo_graph_free(&g);

    struct src_loc loc;
    char *err;
    spec.fat_tree.k = 3;
    err = build_error(&spec, &loc);
    ok(contains(err, "even"), "fat-tree: odd k rejected");
    free(err);
    spec.fat_tree.k = 0;
    err = build_error(&spec, &loc);
    ok(contains(err, "even"), "fat-tree: k=0 rejected");
    free(err);
    spec.fat_tree.k = 256;
    err = build_error(&spec, &loc);
    ok(contains(err, "256 links"), "fat-tree: k=256 exceeds 255 ports");
    free(err);
    spec.fat_tree.k = 2;
    ok(build(&spec, &g) && g.n_hosts == 2 && g.n_links == 6,
       "fat-tree: k=2 has 2 hosts and 6 links");
    topo_graph_free(&g);
}

/* Explicit-topology helpers. */
static struct topo_node
xnode(const char *name, bool host, uint8_t tier, uint32_t line)
{
    return (struct topo_node){ .name = (char *)(uintptr_t)name,
                               .is_host = host, .tier = tier,
                               .loc = { .line = line, .col = 3 } };
}

static struct topo_link
xlink(uint32_t a, uint32_t b, uint32_t line)
{
    return (struct topo_link){ .a = a, .b = b, .rate_bps = 10 * GBPS,
                               .delay_ps = 1000,
                               .loc = { .line = line, .col = 5 } };
}

static void
test_explicit(void)
{
    /* File order: s1, a, s2, b, c, top, far, farther.
     *   a, b -- s1;  c -- s2;  s1, s2 -- top;  top -- far -- farther.
     * Graph order: a b c (hosts), then s1 s2 top far farther. */
    struct topo_node nodes[] = {
        xnode("s1", false, 0, 10),     xnode("a", true, 0, 11),
        xnode("s2", false, 0, 12),     xnode("b", true, 0, 13),
        xnode("c", true, 0, 14),       xnode("top", false, 0, 15),
        xnode("far", false, 0, 16),    xnode("farther", false, 0, 17),
    };
    struct topo_link links[] = {
        xlink(1, 0, 20), xlink(3, 0, 21), xlink(4, 2, 22),
        xlink(0, 5, 23), xlink(2, 5, 24), xlink(5, 6, 25),
        xlink(6, 7, 26),
    };
    struct topo_spec spec = { .type = "explicit", .loc = { 1, 1 } };
    spec.explicit_ = (struct topo_explicit){ nodes, ARRAY_SIZE(nodes), links,
                                             ARRAY_SIZE(links) };
    struct topo_graph g;
    if (!ok(build(&spec, &g), "explicit builds"))
        return;
    is_u64(g.n_hosts, 3, "explicit: 3 hosts");
    ok(!strcmp(g.nodes[0].name, "a") && !strcmp(g.nodes[1].name, "b") &&
           !strcmp(g.nodes[2].name, "c") && !strcmp(g.nodes[3].name, "s1") &&
           !strcmp(g.nodes[4].name, "s2") && !strcmp(g.nodes[5].name, "top") &&
           !strcmp(g.nodes[7].name, "farther"),
       "explicit: hosts first, each group in file order");
    /* Link 0 was a(1)--s1(0) in file indices: now 0--3. */
    ok(g.links[0].a == 0 && g.links[0].b == 3 && g.links[3].a == 3 &&
           g.links[3].b == 5 && g.links[6].loc.line == 26,
       "explicit: endpoints remapped, locations kept");
    ok(g.nodes[3].loc.line == 10 && g.nodes[0].loc.line == 11,
       "explicit: node locations kept");
    /* s1, s2 touch hosts: 1; top is 2 hops away: 2; far 3; farther 4,
     * clamped to 3. */
    ok(g.nodes[3].tier == 1 && g.nodes[4].tier == 1 && g.nodes[5].tier == 2 &&
           g.nodes[6].tier == 3 && g.nodes[7].tier == 3,
       "explicit: tiers inferred 1 1 2 3 3 (got %u %u %u %u %u)",
       g.nodes[3].tier, g.nodes[4].tier, g.nodes[5].tier, g.nodes[6].tier,
       g.nodes[7].tier);
    /* a, b under s1 (rack 0), c under s2 (rack 1). */
    ok(g.nodes[0].rack == 0 && g.nodes[1].rack == 0 && g.nodes[2].rack == 1 &&
           g.nodes[3].rack == -1,
       "explicit: racks 0 0 1");
    is_u64(topo_hops(&g, 0, 1), 2, "explicit: a-b 2 hops");
    is_u64(topo_hops(&g, 0, 2), 4, "explicit: a-c 4 hops");
    /* Hosts a | b, c: the cut is a's single 10G link. */
    is_u64(topo_bisection_bps(&g), 10 * GBPS, "explicit: bisection 10G");
    /* Tier 1: s1 has 2 x 10G down and 10G up (2:1), s2 10G and 10G
     * (1:1); the report gives the range. */
    double min = 0, max = 0;
    int r = topo_oversubscription(&g, 1, &min, &max);
    ok(r == 0 && min == 1.0 && max == 2.0,
       "explicit: tier-1 oversubscription 1..2 (got %g..%g)", min, max);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    topo_print_report(&g, 9000, f);
    fclose(f);
    ok(contains(buf, "1.00:1..2.00:1") && contains(buf, "9000 B MTU"),
       "explicit: report shows the oversubscription range");
    free(buf);
    topo_graph_free(&g);

    /* A tier given in the file is kept: top declared tier 3. */
    nodes[5].tier = 3;
    ok(build(&spec, &g) && g.nodes[5].tier == 3 && g.nodes[6].tier == 3,
       "explicit: declared tier kept");
    topo_graph_free(&g);
    nodes[5].tier = 0;

    /* Unreachable: drop the s2--top link (index 4): c is cut off. */
    struct src_loc loc = { 0, 0 };
    links[4] = xlink(2, 4, 24);   /* s2 -- c again, a parallel cable. */
    char *err = build_error(&spec, &loc);
    ok(contains(err, "host 'c' cannot reach host 'a'") && loc.line == 14,
       "explicit: unreachable host named at its line (%s, line %u)",
       err ? err : "built", loc.line);
    free(err);
    links[4] = xlink(2, 5, 24);

    /* A host with no link: add host d (line 18), linked to nothing. */
    struct topo_node more[ARRAY_SIZE(nodes) + 1];
    memcpy(more, nodes, sizeof nodes);
    more[ARRAY_SIZE(nodes)] = xnode("d", true, 0, 18);
    spec.explicit_.nodes = more;
    spec.explicit_.n_nodes = ARRAY_SIZE(more);
    err = build_error(&spec, &loc);
    ok(contains(err, "host 'd' has no link") && loc.line == 18,
       "explicit: linkless host rejected (%s)", err ? err : "built");
    free(err);
    spec.explicit_.nodes = nodes;
    spec.explicit_.n_nodes = ARRAY_SIZE(nodes);

    /* Bad links are rejected at the link, not asserted on. */
    links[2] = xlink(4, 4, 22);
    err = build_error(&spec, &loc);
    ok(contains(err, "itself") && loc.line == 22, "explicit: self loop");
    free(err);
    links[2] = xlink(4, 99, 22);
    err = build_error(&spec, &loc);
    ok(contains(err, "only 8 nodes") && loc.line == 22,
       "explicit: dangling endpoint");
    free(err);
    links[2] = xlink(4, 2, 22);
    links[2].rate_bps = 0;
    err = build_error(&spec, &loc);
    ok(contains(err, "rate 0") && loc.line == 22, "explicit: zero rate");
    free(err);
    links[2] = xlink(4, 2, 22);

    /* A switch with 256 links: 256 hosts on one switch. */
    struct topo_node *star = xcalloc(257, sizeof *star);
    struct topo_link *spokes = xcalloc(256, sizeof *spokes);
    char (*names)[8] = xcalloc(257, sizeof *names);
    star[0] = xnode("hub", false, 0, 30);
    for (uint32_t i = 1; i <= 256; i++) {
        snprintf(names[i], sizeof names[i], "x%u", (unsigned)i);
        star[i] = xnode(names[i], true, 0, 30 + i);
        spokes[i - 1] = xlink(0, i, 300 + i);
    }
    spec.explicit_ = (struct topo_explicit){ star, 257, spokes, 256 };
    err = build_error(&spec, &loc);
    ok(contains(err, "'hub' has 256 links") && loc.line == 30,
       "explicit: 256-port switch rejected (%s)", err ? err : "built");
    free(err);
    spec.explicit_.n_nodes = 256;   /* Drop x256 and its link. */
    spec.explicit_.n_links = 255;
    ok(build(&spec, &g) && g.nodes[255].tier == 1,
       "explicit: 255-port switch accepted");
    topo_graph_free(&g);
    free(star);
    free(spokes);
    free(names);
}

static void
test_errors(void)
{
    struct src_loc loc;
    struct topo_spec spec = { .type = "torus", .loc = { 7, 3 } };
    char *err = build_error(&spec, &loc);
    ok(contains(err, "unknown topology type 'torus'") &&
           contains(err, "spine-leaf") && loc.line == 7 && loc.col == 3,
       "unknown type rejected, valid types listed (%s)", err ? err : "");
    free(err);

    /* Every listed name is a class: building it never says "unknown"
     * (with empty parameters it fails for another reason). */
    char *names = xstrdup(topo_type_names());
    int n = 0;
    bool all = true;
    for (char *save = NULL, *t = strtok_r(names, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save), n++) {
        spec.type = t;
        err = build_error(&spec, &loc);
        all &= err && !contains(err, "unknown");
        free(err);
    }
    ok(all && n == 4, "topo_type_names() lists the 4 classes");
    free(names);
}

int
main(void)
{
    test_spine_leaf();
    test_three_tier();
    test_fat_tree();
    test_explicit();
    test_errors();
    return done_testing();
}
