/* Routing tables against a reference: route_compute() searches once per
 * class of destination groups that share a neighbourhood; this test
 * recomputes every table the plain way, one breadth-first search from
 * each destination group's switches, and checks for every switch and
 * every group that the table says the same: ROUTE_DIRECT at the group's
 * own switches, else the same set of next-hop ports in the same order,
 * under the same group index (a switch numbers its port sets in order of
 * first use over the groups).  Fat-trees, spine-leafs and three-tiers of
 * several sizes, and irregular explicit graphs (dual-homed hosts, twin
 * switches, odd cycles, a switch no host can reach through, hosts cabled
 * to hosts). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/host.h"
#include "scenario/scenario.h"
#include "sim/util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/dcsim-test-route-XXXXXX";

static struct net *
build(const char *yaml, struct scenario *scn)
{
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    tap_write_file(path, yaml);
    char *err = NULL;
    if (scenario_load(path, NULL, 0, scn, &err)) {
        diag("scenario error: %s", err);
        exit(1);
    }
    struct net *net;
    if (net_create(&net, scn, &err)) {
        diag("build error: %s", err);
        exit(1);
    }
    return net;
}

static bool
is_switch(const struct node *n)
{
    return n->class == &switch_class;
}

/* The switches (0-based) host H is cabled to, into HOMES; returns how
 * many. */
static uint32_t
homes_of(const struct net *net, uint32_t h, uint32_t *homes)
{
    const struct host *host = &net->hosts[h];
    uint32_t n = 0;
    for (uint16_t p = 0; p < host->up.n_ports; p++)
        if (is_switch(host->up.ports[p].link.peer))
            homes[n++] = host->up.ports[p].link.peer->id - net->n_hosts;
    return n;
}

/* A port set a switch has numbered, for the reference's indices. */
struct seen {
    uint8_t ports[256];
    uint32_t n;
};

/* Checks every switch's table towards group G, whose hosts include H,
 * against a BFS from H's switches.  SEEN[x] lists the sets switch X has
 * numbered so far (N_SEEN[x] of them).  Returns the number of
 * mismatches, reporting the first few. */
static uint32_t
check_group(const struct net *net, uint32_t g, uint32_t h,
            struct seen **seen, uint32_t *n_seen, uint32_t *dist,
            uint32_t *fifo, int *reported)
{
    uint32_t ns = net->n_switches, first = net->n_hosts;
    uint32_t homes[8];
    uint32_t n_homes = homes_of(net, h, homes);
    for (uint32_t x = 0; x < ns; x++)
        dist[x] = UINT32_MAX;
    uint32_t head = 0, tail = 0;
    for (uint32_t i = 0; i < n_homes; i++)
        if (dist[homes[i]] == UINT32_MAX) {
            dist[homes[i]] = 1;
            fifo[tail++] = homes[i];
        }
    while (head < tail) {
        const struct sw *s = &net->switches[fifo[head++]];
        uint32_t d = dist[s->up.id - first];
        for (uint16_t p = 0; p < s->up.n_ports; p++) {
            const struct node *peer = s->up.ports[p].link.peer;
            if (is_switch(peer) && dist[peer->id - first] == UINT32_MAX) {
                dist[peer->id - first] = d + 1;
                fifo[tail++] = peer->id - first;
            }
        }
    }
    uint32_t bad = 0;
    for (uint32_t x = 0; x < ns; x++) {
        const struct sw *s = &net->switches[x];
        uint16_t got = s->route[g];
        if (dist[x] == 1) {
            if (got != ROUTE_DIRECT) {
                bad++;
                if ((*reported)++ < 5)
                    diag("%s, group %u: route %u, want direct", s->up.name,
                         g, got);
            }
            continue;
        }
        struct seen want = { .n = 0 };
        if (dist[x] != UINT32_MAX)
            for (uint16_t p = 0; p < s->up.n_ports; p++) {
                const struct node *peer = s->up.ports[p].link.peer;
                if (is_switch(peer) && dist[peer->id - first] != UINT32_MAX &&
                    dist[peer->id - first] + 1 == dist[x])
                    want.ports[want.n++] = (uint8_t)p;
            }
        uint32_t idx = 0;
        while (idx < n_seen[x] &&
               (seen[x][idx].n != want.n ||
                memcmp(seen[x][idx].ports, want.ports, want.n)))
            idx++;
        if (idx == n_seen[x]) {
            seen[x] = xrealloc(seen[x], (idx + 1) * sizeof *seen[x]);
            seen[x][n_seen[x]++] = want;
        }
        bool same = got != ROUTE_DIRECT && got == idx &&
                    got < s->n_groups && s->groups[got].n == want.n &&
                    !memcmp(&s->group_ports[s->groups[got].first],
                            want.ports, want.n);
        if (!same) {
            bad++;
            if ((*reported)++ < 5)
                diag("%s, group %u: route %u, want group %u of %u ports",
                     s->up.name, g, got, idx, want.n);
        }
    }
    return bad;
}

/* Builds YAML and compares every table with the reference. */
static void
check_routes(const char *what, const char *yaml)
{
    struct scenario scn;
    struct net *net = build(yaml, &scn);
    uint32_t ns = net->n_switches;
    uint32_t *dist = xmalloc((ns + 1) * sizeof *dist);
    uint32_t *fifo = xmalloc((ns + 1) * sizeof *fifo);
    struct seen **seen = xcalloc(ns + 1, sizeof *seen);
    uint32_t *n_seen = xcalloc(ns + 1, sizeof *n_seen);
    /* A representative host of each group, and a check that the hosts of
     * a group share their switches. */
    uint32_t *rep = xmalloc((net->n_groups + 1) * sizeof *rep);
    for (uint32_t g = 0; g < net->n_groups; g++)
        rep[g] = UINT32_MAX;
    uint32_t bad = 0;
    int reported = 0;
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        uint32_t g = net->host_group[h];
        if (rep[g] == UINT32_MAX) {
            rep[g] = h;
            continue;
        }
        uint32_t a[8], b[8];
        uint32_t na = homes_of(net, h, a), nb = homes_of(net, rep[g], b);
        bool same = na == nb;
        for (uint32_t i = 0; same && i < na; i++) {
            bool found = false;
            for (uint32_t j = 0; j < nb; j++)
                found |= a[i] == b[j];
            same = found;
        }
        if (!same) {
            bad++;
            diag("hosts %u and %u share group %u but not their switches", h,
                 rep[g], g);
        }
    }
    for (uint32_t g = 0; g < net->n_groups; g++) {
        if (rep[g] == UINT32_MAX) {
            bad++;
            diag("group %u has no host", g);
            continue;
        }
        bad += check_group(net, g, rep[g], seen, n_seen, dist, fifo,
                           &reported);
    }
    for (uint32_t x = 0; x < ns; x++) {
        free(seen[x]);
        if (n_seen[x] != net->switches[x].n_groups) {
            diag("%s: %u port sets, the reference %u",
                 net->switches[x].up.name, net->switches[x].n_groups,
                 n_seen[x]);
            bad++;
        }
    }
    ok(bad == 0, "%s: %u switches x %u groups as one BFS per group gives",
       what, ns, net->n_groups);
    free(seen);
    free(n_seen);
    free(rep);
    free(fifo);
    free(dist);
    net_destroy(net);
    scenario_free(&scn);
}

static void
test_generated(void)
{
    static const unsigned ks[] = { 2, 4, 6, 8, 12 };
    for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
        char *yaml = xasprintf("name: r\ntopology: {type: fat-tree, k: %u}\n",
                               ks[i]);
        char *what = xasprintf("fat-tree k=%u", ks[i]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
    static const unsigned sl[][3] = { { 1, 1, 1 }, { 1, 3, 2 },
                                      { 4, 8, 4 }, { 7, 5, 3 } };
    for (size_t i = 0; i < ARRAY_SIZE(sl); i++) {
        char *yaml = xasprintf(
            "name: r\ntopology: {type: spine-leaf, spines: %u, leaves: %u, "
            "servers_per_leaf: %u}\n",
            sl[i][0], sl[i][1], sl[i][2]);
        char *what = xasprintf("spine-leaf %u spines, %u leaves", sl[i][0],
                               sl[i][1]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
    static const unsigned tt[][5] = { { 1, 1, 1, 1, 1 }, { 2, 3, 2, 4, 2 },
                                      { 4, 4, 2, 3, 1 }, { 3, 2, 3, 2, 2 } };
    for (size_t i = 0; i < ARRAY_SIZE(tt); i++) {
        char *yaml = xasprintf(
            "name: r\ntopology: {type: three-tier, cores: %u, pods: %u, "
            "aggs_per_pod: %u, access_per_pod: %u, servers_per_access: %u}\n",
            tt[i][0], tt[i][1], tt[i][2], tt[i][3], tt[i][4]);
        char *what = xasprintf("three-tier %u cores, %u pods", tt[i][0],
                               tt[i][1]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
}

/* Irregular graphs: a ring of five switches with a chord (odd cycles,
 * unequal paths), two twin switches t0/t1 with the same neighbours, a
 * dual-homed host, a host on a twin, a switch chain hanging off the ring
 * (tail0-tail1), a host cabled to a host as well as to a switch, and a
 * switch linked to hosts only (lone). */
static const char *irregular =
    "name: r\n"
    "topology:\n"
    "  type: explicit\n"
    "  nodes:\n"
    "    - {name: r0, kind: switch}\n"
    "    - {name: r1, kind: switch}\n"
    "    - {name: r2, kind: switch}\n"
    "    - {name: r3, kind: switch}\n"
    "    - {name: r4, kind: switch}\n"
    "    - {name: t0, kind: switch}\n"
    "    - {name: t1, kind: switch}\n"
    "    - {name: tail0, kind: switch}\n"
    "    - {name: tail1, kind: switch}\n"
    "    - {name: lone, kind: switch}\n"
    "    - {name: a, kind: host}\n"
    "    - {name: b, kind: host}\n"
    "    - {name: c, kind: host}\n"
    "    - {name: d, kind: host}\n"
    "    - {name: e, kind: host}\n"
    "    - {name: f, kind: host}\n"
    "    - {name: g, kind: host}\n"
    "  links:\n"
    "    - {a: r0, b: r1, rate: 100Gbps}\n"
    "    - {a: r1, b: r2, rate: 100Gbps}\n"
    "    - {a: r2, b: r3, rate: 100Gbps}\n"
    "    - {a: r3, b: r4, rate: 100Gbps}\n"
    "    - {a: r4, b: r0, rate: 100Gbps}\n"
    "    - {a: r1, b: r3, rate: 100Gbps}\n"
    "    - {a: t0, b: r2, rate: 100Gbps}\n"
    "    - {a: t0, b: r4, rate: 100Gbps}\n"
    "    - {a: t1, b: r4, rate: 100Gbps}\n"
    "    - {a: t1, b: r2, rate: 100Gbps}\n"
    "    - {a: tail0, b: r0, rate: 100Gbps}\n"
    "    - {a: tail1, b: tail0, rate: 100Gbps}\n"
    "    - {a: a, b: r0, rate: 100Gbps}\n"
    "    - {a: b, b: r0, rate: 100Gbps}\n"
    "    - {a: b, b: r3, rate: 100Gbps}\n"
    "    - {a: c, b: t0, rate: 100Gbps}\n"
    "    - {a: d, b: t1, rate: 100Gbps}\n"
    "    - {a: e, b: tail1, rate: 100Gbps}\n"
    "    - {a: f, b: e, rate: 100Gbps}\n"
    "    - {a: f, b: lone, rate: 100Gbps}\n"
    "    - {a: f, b: r2, rate: 100Gbps}\n"
    "    - {a: g, b: lone, rate: 100Gbps}\n"
    "    - {a: g, b: r1, rate: 100Gbps}\n";

/* Two pods of a fat-tree-like fabric written out by hand, with one
 * edge-aggregation cable missing, so that two edge switches of a pod are
 * no longer twins. */
static void PRINTF_FMT(2, 3)
append(char **y, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = xvasprintf(fmt, ap);
    va_end(ap);
    char *both = xasprintf("%s%s", *y, t);
    free(t);
    free(*y);
    *y = both;
}

static char *
lopsided(void)
{
    char *y = xstrdup("name: r\ntopology:\n  type: explicit\n  nodes:\n");
#define ADD(...) append(&y, __VA_ARGS__)
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 2; i++) {
            ADD("    - {name: e%d%d, kind: switch}\n", p, i);
            ADD("    - {name: a%d%d, kind: switch}\n", p, i);
            ADD("    - {name: h%d%d, kind: host}\n", p, i);
        }
    for (int c = 0; c < 4; c++)
        ADD("    - {name: c%d, kind: switch}\n", c);
    ADD("  links:\n");
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 2; i++) {
            ADD("    - {a: h%d%d, b: e%d%d, rate: 100Gbps}\n", p, i, p, i);
            for (int j = 0; j < 2; j++)
                if (!(p == 1 && i == 1 && j == 0))
                    ADD("    - {a: e%d%d, b: a%d%d, rate: 100Gbps}\n", p, i,
                        p, j);
            for (int m = 0; m < 2; m++)
                ADD("    - {a: a%d%d, b: c%d, rate: 100Gbps}\n", p, i,
                    i * 2 + m);
        }
#undef ADD
    return y;
}

int
main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_generated();
    check_routes("explicit, irregular", irregular);
    char *y = lopsided();
    check_routes("explicit, a fat-tree missing a cable", y);
    free(y);
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return done_testing();
}
