/* `dcsim import ns3`'s topology file (cmd-import.c reads the rest of the
 * simulator's run; import.h holds what the two share): "NODES SWITCHES
 * LINKS", the switches' ids and a line per link, read into the import's
 * graph (node i is ns-3 node i, named hI or sI) and written as the
 * scenario's explicit topology.  What dcsim's topology check would
 * refuse in the scenario made from it (check_graph()) is reported at the
 * topology file instead, as bad input of the import.  The graph's
 * largest base RTT, which the simulator derives from it, is computed
 * here too (max_rtt_ns()). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/import.h"
#include "fabric/topo.h"
#include "fabric/topo-provider.h"
#include "scenario/units.h"
#include "sim/util.h"

/* The representative of node N's set of linked nodes (union-find). */
static uint32_t
root_of(uint32_t *up, uint32_t n)
{
    while (up[n] != n)
        n = up[n] = up[up[n]];
    return n;
}

/* Whether host X has a link to a switch of the set whose union-find
 * root is R (UP: switches joined by switches). */
static bool
host_at(const struct topo_graph *g, const struct topo_adj *adj,
        uint32_t *up, uint32_t x, uint32_t r)
{
    for (uint32_t k = adj->start[x]; k < adj->start[x + 1]; k++) {
        const struct topo_link *l = &g->links[adj->link[k]];
        uint32_t m = l->a == x ? l->b : l->a;
        if (!g->nodes[m].is_host && root_of(up, m) == r)
            return true;
    }
    return false;
}

/* Each host reaches every other from its NIC, its first link, as
 * fabric/topo.c's topo_check_nics() wants: hosts do not forward, so a
 * NIC cabled to a switch reaches the hosts cabled to the switches that
 * switches join to it, and a NIC cabled to a host that host alone.  Said
 * at the host's first link in T. */
static bool
check_nics(struct import *im, const struct tokens *t)
{
    const struct topo_graph *g = &im->g;
    uint32_t n = g->n_nodes;
    uint32_t *up = xmalloc(n * sizeof *up);
    uint32_t *hosts = xcalloc(n, sizeof *hosts);   /* At each set's root. */
    uint32_t *last = xmalloc(n * sizeof *last);    /* Host counted last. */
    struct topo_adj adj;
    bool ok = true;
    topo_adj_init(&adj, g);
    for (uint32_t i = 0; i < n; i++) {
        up[i] = i;
        last[i] = UINT32_MAX;
    }
    for (uint32_t l = 0; l < g->n_links; l++) {
        uint32_t a = g->links[l].a, b = g->links[l].b;
        if (!g->nodes[a].is_host && !g->nodes[b].is_host)
            up[root_of(up, a)] = root_of(up, b);
    }
    for (uint32_t h = 0; h < n; h++)
        for (uint32_t k = adj.start[h];
             g->nodes[h].is_host && k < adj.start[h + 1]; k++) {
            const struct topo_link *l = &g->links[adj.link[k]];
            uint32_t m = l->a == h ? l->b : l->a;
            if (!g->nodes[m].is_host && last[root_of(up, m)] != h) {
                last[root_of(up, m)] = h;
                hosts[root_of(up, m)]++;
            }
        }
    for (uint32_t h = 0; ok && h < n; h++) {
        if (!g->nodes[h].is_host)
            continue;
        uint32_t first = adj.link[adj.start[h]];
        const struct topo_link *l = &g->links[first];
        uint32_t p = l->a == h ? l->b : l->a;
        bool to_host = g->nodes[p].is_host;
        if (to_host ? g->n_hosts == 2 : hosts[root_of(up, p)] == g->n_hosts)
            continue;
        uint32_t x = 0;
        while (!g->nodes[x].is_host || x == h ||
               (to_host ? x == p : host_at(g, &adj, up, x, root_of(up, p))))
            x++;
        ok = fail(im, &t->v[3 + (n - g->n_hosts) + 5 * (size_t)first],
                  "host node %" PRIu32 " cannot reach host node %" PRIu32
                  " from its NIC, its first link (to node %" PRIu32 "); "
                  "expected a first link at each host that leads to every "
                  "other host (hosts do not forward)", h, x, p);
    }
    topo_adj_uninit(&adj);
    free(up);
    free(hosts);
    free(last);
    return ok;
}

/* What dcsim's topology check (fabric/topo.c's topo_check()) refuses,
 * said of the topology file T rather than of the scenario made from it:
 * no host, a node with more links than a switch has ports, a host
 * without a link, hosts that cannot reach each other (from their NICs:
 * check_nics()). */
static bool
check_graph(struct import *im, const struct tokens *t)
{
    const struct topo_graph *g = &im->g;
    const struct tok *links_tok = &t->v[2];
    uint32_t *up = xmalloc((g->n_nodes + 1) * sizeof *up);
    uint32_t *ports = xcalloc(g->n_nodes + 1, sizeof *ports);
    bool ok = true;
    for (uint32_t n = 0; n < g->n_nodes; n++)
        up[n] = n;
    for (uint32_t l = 0; l < g->n_links; l++) {
        uint32_t a = g->links[l].a, b = g->links[l].b;
        ports[a]++;
        ports[b]++;
        up[root_of(up, a)] = root_of(up, b);
    }
    if (!g->n_hosts)
        ok = fail(im, &t->v[1], "all %" PRIu32 " nodes are switches; "
                  "expected at least one host", g->n_nodes);
    uint32_t first = UINT32_MAX;
    for (uint32_t n = 0; ok && n < g->n_nodes; n++) {
        if (ports[n] > TOPO_MAX_PORTS)
            ok = fail(im, links_tok, "node %" PRIu32 " has %" PRIu32 " links;"
                      " a node has at most %d ports", n, ports[n],
                      TOPO_MAX_PORTS);
        else if (!g->nodes[n].is_host)
            continue;
        else if (!ports[n])
            ok = fail(im, links_tok, "host node %" PRIu32 " has no link; "
                      "expected a link at each host", n);
        else if (first == UINT32_MAX)
            first = n;
        else if (root_of(up, n) != root_of(up, first))
            ok = fail(im, links_tok, "host node %" PRIu32 " cannot reach "
                      "host node %" PRIu32 "; expected links that join "
                      "every host to every other", n, first);
    }
    free(up);
    free(ports);
    return ok && check_nics(im, t);
}

/* The topology file: "NODES SWITCHES LINKS", the switches' ids, then a
 * line per link "A B RATE DELAY ERROR_RATE". */
bool
read_topology(struct import *im, FILE *out)
{
    struct tokens t;
    /* Zero where a count is missing or bad, so that nothing below is
     * sized from an unset one. */
    uint64_t nodes = 0, switches = 0, links = 0;
    if (tokens_read(&t, im->topo_path, &im->err))
        return false;
    bool ok = tok_uint(im, &t, 0, "node count", 100000, &nodes) &&
              tok_uint(im, &t, 1, "switch count", nodes, &switches) &&
              tok_uint(im, &t, 2, "link count", 10000000, &links);
    /* No node: a node id (of a switch, of a link's end) would have no
     * bound (nodes - 1). */
    if (ok && !nodes)
        ok = fail(im, &t.v[0], "node count 0; expected at least one node");
    size_t i = 3;
    bool *is_switch = xcalloc(nodes + 1, sizeof *is_switch);
    for (uint64_t s = 0; ok && s < switches; s++, i++) {
        uint64_t id;
        ok = tok_uint(im, &t, i, "switch id", nodes - 1, &id);
        if (ok && is_switch[id])
            ok = fail(im, &t.v[i], "switch %" PRIu64 " listed twice; "
                      "expected each switch id once", id);
        if (ok)
            is_switch[id] = true;
    }
    if (ok) {
        im->g.n_nodes = (uint32_t)nodes;
        im->g.nodes = xcalloc(nodes + 1, sizeof *im->g.nodes);
        im->host_rate = xcalloc(nodes + 1, sizeof *im->host_rate);
        for (uint32_t n = 0; n < nodes; n++) {
            im->g.nodes[n].is_host = !is_switch[n];
            im->g.nodes[n].name = xasprintf("%s%u", is_switch[n] ? "s" : "h",
                                            n);
            im->g.n_hosts += !is_switch[n];
        }
        fprintf(out, "topology:\n  type: explicit\n  nodes:\n");
        for (uint32_t n = 0; n < nodes; n++)
            fprintf(out, "    - {name: %s, kind: %s}\n", im->g.nodes[n].name,
                    is_switch[n] ? "switch" : "host");
        fprintf(out, "  links:\n");
        im->g.links = xcalloc(links + 1, sizeof *im->g.links);
    }
    bool lossy = false;
    for (uint64_t l = 0; ok && l < links; l++, i += 5) {
        uint64_t a, b, ps;
        double er;
        const char *why;
        ok = tok_uint(im, &t, i, "link's first node", nodes - 1, &a) &&
             tok_uint(im, &t, i + 1, "link's second node", nodes - 1, &b);
        if (ok && a == b)
            ok = fail(im, &t.v[i + 1], "a link from node %" PRIu64 " to "
                      "itself; expected two different nodes", a);
        if (ok && i + 4 >= t.n)
            ok = tok_uint(im, &t, t.n, "link's rate, delay and error rate",
                          0, &ps);
        if (!ok)
            break;
        uint64_t bps;
        if (!check_rate(im, &t.v[i + 2], "link rate", &bps))
            ok = false;
        else if (!units_parse_duration(t.v[i + 3].text, &ps, &why))
            ok = fail(im, &t.v[i + 3], "link delay '%s' (%s); expected %s",
                      t.v[i + 3].text, why, UNITS_DURATION_FORM);
        else if (!units_parse_decimal(t.v[i + 4].text, &er, &why) || er > 1)
            ok = fail(im, &t.v[i + 4], "link error rate '%s'; expected a "
                      "probability 0..1", t.v[i + 4].text);
        if (!ok)
            break;
        lossy |= er > 0;
        im->g.links[im->g.n_links++] = (struct topo_link){
            (uint32_t)a, (uint32_t)b, bps, ps, { 0, 0 } };
        if (!im->host_rate[a])
            im->host_rate[a] = bps;
        if (!im->host_rate[b])
            im->host_rate[b] = bps;
        fprintf(out, "    - {a: %s, b: %s, rate: %s, delay: %s}\n",
                im->g.nodes[a].name, im->g.nodes[b].name, t.v[i + 2].text,
                t.v[i + 3].text);
    }
    if (ok)
        ok = check_graph(im, &t);
    if (ok && lossy)
        note(im, N_KEYS, "%s: links with an error rate > 0: dcsim drops no "
             "packets on links (faults.loss drops at switches, on every "
             "path alike)", im->topo_path);
    free(is_switch);
    tokens_free(&t);
    return ok;
}

/* The largest base RTT over host pairs as third.cc computes maxRtt: a
 * breadth-first search from each host through switches, each node's
 * delay and store-and-forward time of one payload taken on the path
 * that first reaches it; rtt = 2 x delay + that time (ns).  Each node's
 * links are visited in the file's order, as a scan of every link for
 * each node would find them (and as the simulator's search does): the
 * graph's adjacency (topo_adj_init()) lists them by index, so that the
 * searches take hosts x (nodes + links) rather than hosts x nodes x
 * links. */
uint64_t
max_rtt_ns(const struct import *im, uint64_t payload)
{
    const struct topo_link *links = im->g.links;
    uint32_t n = im->g.n_nodes;
    struct topo_adj adj;
    topo_adj_init(&adj, &im->g);
    uint64_t *dly = xmalloc(((size_t)n + 1) * sizeof *dly);
    uint64_t *tx = xmalloc(((size_t)n + 1) * sizeof *tx);
    uint32_t *q = xmalloc(((size_t)n + 1) * sizeof *q);
    uint64_t max = 0;
    for (uint32_t h = 0; h < n; h++) {
        if (!im->g.nodes[h].is_host)
            continue;
        for (uint32_t i = 0; i < n; i++)
            dly[i] = UINT64_MAX;
        size_t head = 0, tail = 0;
        dly[h] = tx[h] = 0;
        q[tail++] = h;
        while (head < tail) {
            uint32_t x = q[head++];
            for (uint32_t k = adj.start[x]; k < adj.start[x + 1]; k++) {
                const struct topo_link *lk = &links[adj.link[k]];
                uint32_t y = lk->a == x ? lk->b : lk->a;
                if (dly[y] != UINT64_MAX)
                    continue;
                dly[y] = dly[x] + lk->delay_ps / 1000;
                tx[y] = tx[x] + payload * 8 * 1000000000 / lk->rate_bps;
                if (!im->g.nodes[y].is_host)
                    q[tail++] = y;
                else
                    max = MAX(max, 2 * dly[y] + tx[y]);
            }
        }
    }
    topo_adj_uninit(&adj);
    free(dly);
    free(tx);
    free(q);
    return max;
}
