/* Shortest-path routing; see route.h. */
#include "fabric/route.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"

#define MAX_HOMES 8

struct host_key {
    uint32_t host;
    uint32_t n;
    uint32_t sw[MAX_HOMES];   /* Attached switch node ids, sorted. */
};

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int
cmp_key(const void *a, const void *b)
{
    const struct host_key *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    for (uint32_t i = 0; i < x->n; i++)
        if (x->sw[i] != y->sw[i])
            return x->sw[i] < y->sw[i] ? -1 : 1;
    return x->host < y->host ? -1 : x->host > y->host;
}

static bool
same_homes(const struct host_key *x, const struct host_key *y)
{
    return x->n == y->n && !memcmp(x->sw, y->sw, x->n * sizeof x->sw[0]);
}

/* Per-switch interning of port sets into ECMP groups. */
struct group_table {
    uint32_t *slots;          /* Group index + 1; 0 = empty. */
    uint32_t cap;             /* Power of two. */
};

static uint32_t
set_hash(const uint8_t *ports, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ ports[i]) * 16777619u;
    return h ^ n;
}

static uint16_t group_intern(struct sw *, struct group_table *,
                             const uint8_t *ports, uint32_t n);

static void
group_table_grow(struct sw *s, struct group_table *t)
{
    uint32_t old_cap = t->cap;
    uint32_t *old = t->slots;
    t->cap = old_cap ? old_cap * 2 : 64;
    t->slots = xcalloc(t->cap, sizeof *t->slots);
    for (uint32_t i = 0; i < old_cap; i++) {
        if (!old[i])
            continue;
        const struct ecmp_group *g = &s->groups[old[i] - 1];
        uint32_t h = set_hash(&s->group_ports[g->first], g->n) & (t->cap - 1);
        while (t->slots[h])
            h = (h + 1) & (t->cap - 1);
        t->slots[h] = old[i];
    }
    free(old);
}

static uint16_t
group_intern(struct sw *s, struct group_table *t, const uint8_t *ports,
             uint32_t n)
{
    if ((s->n_groups + 1u) * 2 > t->cap)
        group_table_grow(s, t);
    uint32_t h = set_hash(ports, n) & (t->cap - 1);
    while (t->slots[h]) {
        const struct ecmp_group *g = &s->groups[t->slots[h] - 1];
        if (g->n == n && !memcmp(&s->group_ports[g->first], ports, n))
            return (uint16_t)(t->slots[h] - 1);
        h = (h + 1) & (t->cap - 1);
    }
    sim_assert(s->n_groups < ROUTE_DIRECT - 1);
    uint16_t idx = s->n_groups++;
    s->groups = xrealloc(s->groups, s->n_groups * sizeof *s->groups);
    s->group_ports = xrealloc(s->group_ports, s->n_group_ports + n + 1);
    s->groups[idx].n = (uint16_t)n;
    s->groups[idx].first = (uint16_t)s->n_group_ports;
    sim_assert(s->n_group_ports + n < UINT16_MAX);
    memcpy(&s->group_ports[s->n_group_ports], ports, n);
    s->n_group_ports += n;
    t->slots[h] = idx + 1u;
    return idx;
}

static bool
is_switch(const struct node *n)
{
    return n->class == &switch_class;
}

void
route_compute(struct net *net)
{
    uint32_t nh = net->n_hosts, ns = net->n_switches;

    /* 1. Destination groups: hosts with the same set of switches. */
    struct host_key *keys = xcalloc(nh, sizeof *keys);
    for (uint32_t i = 0; i < nh; i++) {
        const struct node *h = net->nodes[i];   /* Hosts come first. */
        keys[i].host = i;
        sim_assert(h->n_ports <= MAX_HOMES);
        /* Only switches route; a host cabled to another host reaches it
         * over that cable and nowhere else. */
        for (uint16_t p = 0; p < h->n_ports; p++)
            if (is_switch(h->ports[p].link.peer))
                keys[i].sw[keys[i].n++] = h->ports[p].link.peer->id;
        qsort(keys[i].sw, keys[i].n, sizeof keys[i].sw[0], cmp_u32);
    }
    qsort(keys, nh, sizeof *keys, cmp_key);
    net->host_group = xcalloc(nh, sizeof *net->host_group);
    uint32_t n_groups = 0;
    uint32_t *group_rep = xcalloc(nh, sizeof *group_rep); /* Key index. */
    for (uint32_t i = 0; i < nh; i++) {
        if (i == 0 || !same_homes(&keys[i], &keys[i - 1]))
            group_rep[n_groups++] = i;
        net->host_group[keys[i].host] = n_groups - 1;
    }
    net->n_groups = n_groups;

    /* 2. One BFS over the switches per group. */
    uint32_t first_sw = nh;   /* Switches follow hosts in node order. */
    uint16_t *dist = xmalloc(ns * sizeof *dist);
    uint32_t *fifo = xmalloc(ns * sizeof *fifo);
    uint8_t *set = xmalloc(256);
    struct group_table *tables = xcalloc(ns, sizeof *tables);
    for (uint32_t s = 0; s < ns; s++)
        net->switches[s].route = xmalloc(n_groups * sizeof(uint16_t));

    for (uint32_t g = 0; g < n_groups; g++) {
        const struct host_key *k = &keys[group_rep[g]];
        memset(dist, 0xFF, ns * sizeof *dist);
        uint32_t head = 0, tail = 0;
        for (uint32_t i = 0; i < k->n; i++) {
            uint32_t s = k->sw[i] - first_sw;
            if (dist[s] != UINT16_MAX)
                continue;
            dist[s] = 1;
            fifo[tail++] = s;
        }
        while (head < tail) {
            struct sw *s = &net->switches[fifo[head++]];
            for (uint16_t p = 0; p < s->up.n_ports; p++) {
                const struct node *peer = s->up.ports[p].link.peer;
                if (!is_switch(peer))
                    continue;
                uint32_t q = peer->id - first_sw;
                if (dist[q] == UINT16_MAX) {
                    dist[q] = (uint16_t)(dist[s->up.id - first_sw] + 1);
                    fifo[tail++] = q;
                }
            }
        }
        for (uint32_t si = 0; si < ns; si++) {
            struct sw *s = &net->switches[si];
            if (dist[si] == 1) {
                s->route[g] = ROUTE_DIRECT;
                continue;
            }
            uint32_t n = 0;
            if (dist[si] != UINT16_MAX)
                for (uint16_t p = 0; p < s->up.n_ports; p++) {
                    const struct node *peer = s->up.ports[p].link.peer;
                    if (is_switch(peer) &&
                        dist[peer->id - first_sw] + 1 == dist[si])
                        set[n++] = (uint8_t)p;
                }
            s->route[g] = group_intern(s, &tables[si], set, n);
        }
    }
    for (uint32_t s = 0; s < ns; s++)
        free(tables[s].slots);
    free(tables);
    free(set);
    free(fifo);
    free(dist);
    free(group_rep);
    free(keys);
}
