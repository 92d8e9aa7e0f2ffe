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

/* Adds an ECMP group of the N ports PORTS to S; returns its index. */
static uint16_t
group_append(struct sw *s, const uint8_t *ports, uint32_t n)
{
    sim_assert(s->n_groups < ROUTE_DIRECT - 1);
    uint16_t idx = s->n_groups++;
    s->groups = xrealloc(s->groups, s->n_groups * sizeof *s->groups);
    s->group_ports = xrealloc(s->group_ports, s->n_group_ports + n + 1);
    s->groups[idx].n = (uint16_t)n;
    s->groups[idx].first = (uint16_t)s->n_group_ports;
    sim_assert(s->n_group_ports + n < UINT16_MAX);
    memcpy(&s->group_ports[s->n_group_ports], ports, n);
    s->n_group_ports += n;
    return idx;
}

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
    uint16_t idx = group_append(s, ports, n);
    t->slots[h] = idx + 1u;
    return idx;
}

static bool
is_switch(const struct node *n)
{
    return n->class == &switch_class;
}

/* Whether routing may use PORT's cable: neither end has withdrawn it. */
static bool
usable(const struct port *port)
{
    const struct link *l = &port->link;
    return !l->withdrawn && !l->peer->ports[l->peer_port].link.withdrawn;
}

/* The switch graph as plain arrays: the peers of switch X (0-based) are
 * peer[start[X]] .. peer[start[X + 1] - 1], one per port in port order,
 * UINT32_MAX where the port leads to a host.  Scanning these instead of
 * the ports themselves keeps each step of a search in a few cache lines. */
struct sw_adj {
    uint32_t *start;          /* ns + 1 offsets. */
    uint32_t *peer;           /* Peer switch index, or UINT32_MAX. */
};

static void
sw_adj_init(struct sw_adj *a, const struct net *net)
{
    uint32_t ns = net->n_switches, first_sw = net->n_hosts;
    a->start = xmalloc(((size_t)ns + 1) * sizeof *a->start);
    a->start[0] = 0;
    for (uint32_t x = 0; x < ns; x++)
        a->start[x + 1] = a->start[x] + net->switches[x].up.n_ports;
    a->peer = xmalloc(((size_t)a->start[ns] + 1) * sizeof *a->peer);
    for (uint32_t x = 0; x < ns; x++) {
        const struct sw *s = &net->switches[x];
        for (uint16_t p = 0; p < s->up.n_ports; p++) {
            const struct node *peer = s->up.ports[p].link.peer;
            a->peer[a->start[x] + p] =
                is_switch(peer) && usable(&s->up.ports[p])
                    ? peer->id - first_sw
                    : UINT32_MAX;
        }
    }
}

static void
sw_adj_uninit(struct sw_adj *a)
{
    free(a->start);
    free(a->peer);
}

/* Growable array of uint32_t. */
struct u32_vec {
    uint32_t *v;
    size_t n, cap;
};

static void
u32_vec_push(struct u32_vec *vec, uint32_t x)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? 2 * vec->cap : 64;
        vec->v = xrealloc(vec->v, vec->cap * sizeof *vec->v);
    }
    vec->v[vec->n++] = x;
}

#define UNREACHED UINT32_MAX

/* Distances to a group whose switches' neighbours are NEAR[0..N-1]:
 * 2 at those neighbours, counting on from there (see route.h). */
static void
bfs_from_near(const struct sw_adj *a, uint32_t ns, const uint32_t *near,
              uint32_t n, uint32_t *dist, uint32_t *fifo)
{
    for (uint32_t x = 0; x < ns; x++)
        dist[x] = UNREACHED;
    uint32_t head = 0, tail = 0;
    for (uint32_t i = 0; i < n; i++) {
        dist[near[i]] = 2;
        fifo[tail++] = near[i];
    }
    while (head < tail) {
        uint32_t x = fifo[head++];
        for (uint32_t k = a->start[x]; k < a->start[x + 1]; k++) {
            uint32_t y = a->peer[k];
            if (y != UINT32_MAX && dist[y] == UNREACHED) {
                dist[y] = dist[x] + 1;
                fifo[tail++] = y;
            }
        }
    }
}

/* Interns X's ports whose peer has distance DIST[X] - 1 in DIST. */
static uint16_t
intern_closer(struct sw *s, struct group_table *t, const struct sw_adj *a,
              uint32_t x, const uint32_t *dist, uint8_t *set)
{
    uint32_t n = 0;
    if (dist[x] != UNREACHED)
        for (uint32_t k = a->start[x]; k < a->start[x + 1]; k++) {
            uint32_t y = a->peer[k];
            if (y != UINT32_MAX && dist[y] + 1 == dist[x])
                set[n++] = (uint8_t)(k - a->start[x]);
        }
    return group_intern(s, t, set, n);
}

/* Interns X's ports to the switches HOMES[0..N-1] (node ids). */
static uint16_t
intern_homes(struct sw *s, struct group_table *t, const struct sw_adj *a,
             uint32_t x, const uint32_t *homes, uint32_t n_homes,
             uint32_t first_sw, uint8_t *set)
{
    uint32_t n = 0;
    for (uint32_t k = a->start[x]; k < a->start[x + 1]; k++) {
        uint32_t y = a->peer[k];
        if (y == UINT32_MAX)
            continue;
        for (uint32_t i = 0; i < n_homes; i++)
            if (homes[i] == y + first_sw) {
                set[n++] = (uint8_t)(k - a->start[x]);
                break;
            }
    }
    return group_intern(s, t, set, n);
}

static uint32_t
list_hash(const uint32_t *v, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ v[i]) * 16777619u;
    return h ^ (uint32_t)n;
}

void
route_free(struct net *net)
{
    for (uint32_t x = 0; x < net->n_switches; x++) {
        struct sw *s = &net->switches[x];
        free(s->groups);
        free(s->group_ports);
        if (s->route_own)
            free((uint16_t *)s->route);
        s->route = NULL;
        s->route_own = false;
        s->route_lo = s->route_n = 0;
        s->route_dflt = 0;
        s->groups = NULL;
        s->group_ports = NULL;
        s->n_groups = 0;
        s->n_group_ports = 0;
    }
    free(net->host_group);
    free(net->route_mem);
    net->host_group = NULL;
    net->route_mem = NULL;
}

void
route_withdraw_port(struct sw *s, uint8_t port)
{
    for (uint16_t i = 0; i < s->n_groups; i++) {
        struct ecmp_group *g = &s->groups[i];
        uint8_t *ports = &s->group_ports[g->first];
        uint16_t n = 0;
        for (uint16_t k = 0; k < g->n; k++)
            if (ports[k] != port)
                ports[n++] = ports[k];
        g->n = n;
    }
    switch_forget_hints(s);
}

/* Sets S's entry for destination group G to V.  Outside the range its
 * table holds, the table becomes a row of all of the net's groups, S's
 * own (route_own). */
static void
route_put(struct net *net, struct sw *s, uint32_t g, uint16_t v)
{
    if (g - s->route_lo >= s->route_n) {
        uint16_t *row = xmalloc(((size_t)net->n_groups + 1) * sizeof *row);
        for (uint32_t i = 0; i < net->n_groups; i++)
            row[i] = sw_route(s, i);
        if (s->route_own)
            free((uint16_t *)s->route);
        s->route = row;
        s->route_own = true;
        s->route_lo = 0;
        s->route_n = net->n_groups;
    }
    ((uint16_t *)s->route)[g - s->route_lo] = v;
    switch_forget_hints(s);
}

bool
route_set(struct net *net, struct sw *s, uint32_t g, const uint8_t *ports,
          uint32_t n)
{
    sim_assert(sw_route(s, g) != ROUTE_DIRECT);
    const struct ecmp_group *cur = &s->groups[sw_route(s, g)];
    if (cur->n == n && !memcmp(&s->group_ports[cur->first], ports, n))
        return false;
    for (uint16_t i = 0; i < s->n_groups; i++) {
        const struct ecmp_group *e = &s->groups[i];
        if (e->n == n && !memcmp(&s->group_ports[e->first], ports, n)) {
            route_put(net, s, g, i);
            return true;
        }
    }
    /* A set never seen here: a group of its own (the interning table of
     * route_compute() is gone, and a switch has few sets). */
    route_put(net, s, g, group_append(s, ports, n));
    return true;
}

/* The simulator's node id of switch X (its ECMP seed under
 * switch.ecmp_hash ns3). */
static uint32_t
ns3_id(const struct net *net, uint32_t x)
{
    return net->switches[x].ecmp_seed;
}

/* Inserts switch Y into V[0..*N-1], kept by decreasing simulator id, once:
 * the order in which the HPCC ns-3 simulator's search visits a node's
 * neighbours (ns3-ecmp.h). */
static void
ns3_insert(const struct net *net, uint32_t *v, uint32_t *n, uint32_t y)
{
    uint32_t i = 0;
    while (i < *n && v[i] != y && ns3_id(net, v[i]) > ns3_id(net, y))
        i++;
    if (i < *n && v[i] == y)
        return;
    memmove(&v[i + 1], &v[i], (*n - i) * sizeof *v);
    v[i] = y;
    (*n)++;
}

/* switch.ecmp_hash ns3: puts every ECMP group in the order in which the
 * simulator lists the next hops (ns3-ecmp.h).  For each destination
 * group, a breadth-first search from its switches, as the simulator's
 * from one of its hosts, visiting neighbours by decreasing id; a
 * switch's next hops are then ordered by when the search dequeued them,
 * and a neighbour cabled twice keeps its last port only. */
static void
route_order_ns3(struct net *net, const struct sw_adj *a,
                const struct host_key *keys, const uint32_t *group_rep)
{
    uint32_t ns = net->n_switches, first_sw = net->n_hosts;
    /* Every switch's neighbours in visiting order, as in sw_adj. */
    struct sw_adj nb;
    nb.start = xmalloc(((size_t)ns + 1) * sizeof *nb.start);
    nb.peer = xmalloc(((size_t)a->start[ns] + 1) * sizeof *nb.peer);
    uint32_t m = 0;
    for (uint32_t x = 0; x < ns; x++) {
        nb.start[x] = m;
        uint32_t n = 0;
        for (uint32_t k = a->start[x]; k < a->start[x + 1]; k++)
            if (a->peer[k] != UINT32_MAX)
                ns3_insert(net, &nb.peer[m], &n, a->peer[k]);
        m += n;
    }
    nb.start[ns] = m;
    uint32_t *pos = xmalloc(((size_t)ns + 1) * sizeof *pos);
    uint32_t *fifo = xmalloc(((size_t)ns + 1) * sizeof *fifo);
    uint8_t set[256];
    for (uint32_t g = 0; g < net->n_groups; g++) {
        const struct host_key *k = &keys[group_rep[g]];
        for (uint32_t x = 0; x < ns; x++)
            pos[x] = UNREACHED;
        uint32_t tail = 0;                    /* The host's switches. */
        for (uint32_t i = 0; i < k->n; i++)
            ns3_insert(net, fifo, &tail, k->sw[i] - first_sw);
        for (uint32_t i = 0; i < tail; i++)
            pos[fifo[i]] = i;
        for (uint32_t head = 0; head < tail; head++) {
            uint32_t x = fifo[head];
            for (uint32_t i = nb.start[x]; i < nb.start[x + 1]; i++)
                if (pos[nb.peer[i]] == UNREACHED) {
                    pos[nb.peer[i]] = tail;
                    fifo[tail++] = nb.peer[i];
                }
        }
        for (uint32_t x = 0; x < ns; x++) {
            struct sw *s = &net->switches[x];
            uint16_t r = sw_route(s, g);
            if (r == ROUTE_DIRECT || s->groups[r].n < 2)
                continue;
            const struct ecmp_group *grp = &s->groups[r];
            const uint8_t *ports = &s->group_ports[grp->first];
            const uint32_t *peer = &a->peer[a->start[x]];  /* By port. */
            uint32_t n = 0;
            for (uint16_t i = 0; i < grp->n; i++) {
                uint32_t y = peer[ports[i]], j = 0;
                while (j < n && peer[set[j]] != y)
                    j++;
                if (j < n) {        /* A parallel cable: the later stays. */
                    if (ports[i] > set[j])
                        set[j] = ports[i];
                    continue;
                }
                for (j = n++; j > 0 && pos[peer[set[j - 1]]] > pos[y]; j--)
                    set[j] = set[j - 1];
                set[j] = ports[i];
            }
            route_set(net, s, g, set, n);
        }
    }
    free(fifo);
    free(pos);
    sw_adj_uninit(&nb);
}

/* What route_compute() works from, built step by step. */
struct route_build {
    struct net *net;
    uint32_t first_sw;        /* Switches follow hosts in node order. */
    struct sw_adj adj;
    /* Step 1: hosts sorted by their switches; group G's representative
     * is keys[group_rep[G]]. */
    struct host_key *keys;
    uint32_t *group_rep;      /* Key index. */
    uint32_t n_groups;
    /* Step 2: group G's neighbourhood is near.v[near_start[G] ..
     * near_start[G + 1]). */
    struct u32_vec near;
    size_t *near_start;
    /* Step 3: groups with the same neighbourhood share a class, and
     * dist[c * ns + x] is switch X's distance to class C's groups. */
    uint32_t *class_of, *class_rep;
    uint32_t n_classes;
    uint32_t *dist;
    /* Step 4: switch X is home to or near the groups sp_group[sp_start[X]
     * .. sp_start[X + 1]), in group order. */
    uint32_t *sp_start, *sp_group;
};

/* 1. Destination groups: hosts with the same set of switches. */
static void
route_group_hosts(struct route_build *b)
{
    struct net *net = b->net;
    uint32_t nh = net->n_hosts;
    struct host_key *keys = b->keys = xcalloc(nh, sizeof *keys);
    for (uint32_t i = 0; i < nh; i++) {
        const struct node *h = net->nodes[i];   /* Hosts come first. */
        keys[i].host = i;
        sim_assert(h->n_ports <= MAX_HOMES);
        /* Only switches route; a host cabled to another host reaches it
         * over that cable and nowhere else. */
        for (uint16_t p = 0; p < h->n_ports; p++)
            if (is_switch(h->ports[p].link.peer) && usable(&h->ports[p]))
                keys[i].sw[keys[i].n++] = h->ports[p].link.peer->id;
        qsort(keys[i].sw, keys[i].n, sizeof keys[i].sw[0], cmp_u32);
    }
    qsort(keys, nh, sizeof *keys, cmp_key);
    net->host_group = xcalloc(nh, sizeof *net->host_group);
    uint32_t n_groups = 0;
    b->group_rep = xcalloc(nh, sizeof *b->group_rep);
    for (uint32_t i = 0; i < nh; i++) {
        if (i == 0 || !same_homes(&keys[i], &keys[i - 1]))
            b->group_rep[n_groups++] = i;
        net->host_group[keys[i].host] = n_groups - 1;
    }
    net->n_groups = b->n_groups = n_groups;
}

/* 2. Each group's neighbourhood: the switches next to its switches,
 * sorted. */
static void
route_find_near(struct route_build *b)
{
    uint32_t ns = b->net->n_switches, n_groups = b->n_groups;
    const struct sw_adj *adj = &b->adj;
    struct u32_vec *near = &b->near;
    uint32_t *mark = xmalloc(((size_t)ns + 1) * sizeof *mark);
    for (uint32_t x = 0; x < ns; x++)
        mark[x] = UINT32_MAX;
    b->near_start = xmalloc(((size_t)n_groups + 1) * sizeof *b->near_start);
    for (uint32_t g = 0; g < n_groups; g++) {
        const struct host_key *k = &b->keys[b->group_rep[g]];
        b->near_start[g] = near->n;
        for (uint32_t i = 0; i < k->n; i++)
            mark[k->sw[i] - b->first_sw] = 2 * g;        /* A home. */
        for (uint32_t i = 0; i < k->n; i++) {
            uint32_t x = k->sw[i] - b->first_sw;
            for (uint32_t j = adj->start[x]; j < adj->start[x + 1]; j++) {
                uint32_t y = adj->peer[j];
                if (y != UINT32_MAX && mark[y] != 2 * g &&
                    mark[y] != 2 * g + 1) {
                    mark[y] = 2 * g + 1;                 /* Near. */
                    u32_vec_push(near, y);
                }
            }
        }
        if (near->n - b->near_start[g] > 1)
            qsort(near->v + b->near_start[g], near->n - b->near_start[g],
                  sizeof *near->v, cmp_u32);
    }
    b->near_start[n_groups] = near->n;
    /* No group may have neighbours (one switch and its hosts); near.v +
     * 0 below must still point at an array, not be NULL + 0. */
    if (!near->v)
        near->v = xmalloc(sizeof *near->v);
    free(mark);
}

/* 3. Classes of groups with the same neighbourhood, and one BFS per
 * class: dist[c * ns + x] is switch X's distance to every group of
 * class C, except at the group's own switches (distance 1). */
static void
route_classify(struct route_build *b)
{
    uint32_t ns = b->net->n_switches, n_groups = b->n_groups;
    const uint32_t *near = b->near.v;
    const size_t *near_start = b->near_start;
    b->class_of = xmalloc(((size_t)n_groups + 1) * sizeof *b->class_of);
    b->class_rep = xmalloc(((size_t)n_groups + 1) * sizeof *b->class_rep);
    uint32_t n_classes = 0;
    uint32_t cap = 64;
    while (cap < 2 * (uint64_t)n_groups)
        cap *= 2;
    uint32_t *slots = xcalloc(cap, sizeof *slots);   /* Class + 1. */
    for (uint32_t g = 0; g < n_groups; g++) {
        const uint32_t *v = near + near_start[g];
        size_t n = near_start[g + 1] - near_start[g];
        uint32_t h = list_hash(v, n) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            if (!slots[h]) {
                b->class_rep[n_classes] = g;
                slots[h] = ++n_classes;
                break;
            }
            uint32_t r = b->class_rep[slots[h] - 1];
            size_t rn = near_start[r + 1] - near_start[r];
            if (rn == n &&
                (n == 0 || !memcmp(near + near_start[r], v, n * sizeof *v)))
                break;
        }
        b->class_of[g] = slots[h] - 1;
    }
    free(slots);
    b->n_classes = n_classes;
    b->dist = xmalloc(((size_t)n_classes * ns + 1) * sizeof *b->dist);
    uint32_t *fifo = xmalloc(((size_t)ns + 1) * sizeof *fifo);
    for (uint32_t c = 0; c < n_classes; c++) {
        uint32_t r = b->class_rep[c];
        bfs_from_near(&b->adj, ns, near + near_start[r],
                      (uint32_t)(near_start[r + 1] - near_start[r]),
                      &b->dist[(size_t)c * ns], fifo);
    }
    free(fifo);
}

/* 4. Per switch, the groups it is home to or near, in group order. */
static void
route_index_switches(struct route_build *b)
{
    uint32_t ns = b->net->n_switches;
    const uint32_t *near = b->near.v;
    const size_t *near_start = b->near_start;
    uint32_t *sp_start = b->sp_start =
        xcalloc((size_t)ns + 1, sizeof *sp_start);
    for (uint32_t g = 0; g < b->n_groups; g++) {
        const struct host_key *k = &b->keys[b->group_rep[g]];
        for (uint32_t i = 0; i < k->n; i++)
            sp_start[k->sw[i] - b->first_sw + 1]++;
        for (size_t i = near_start[g]; i < near_start[g + 1]; i++)
            sp_start[near[i] + 1]++;
    }
    for (uint32_t x = 0; x < ns; x++)
        sp_start[x + 1] += sp_start[x];
    b->sp_group = xmalloc(((size_t)sp_start[ns] + 1) * sizeof *b->sp_group);
    uint32_t *fill = xmalloc(((size_t)ns + 1) * sizeof *fill);
    memcpy(fill, sp_start, (size_t)ns * sizeof *fill);
    for (uint32_t g = 0; g < b->n_groups; g++) {
        const struct host_key *k = &b->keys[b->group_rep[g]];
        for (uint32_t i = 0; i < k->n; i++)
            b->sp_group[fill[k->sw[i] - b->first_sw]++] = g;
        for (size_t i = near_start[g]; i < near_start[g + 1]; i++)
            b->sp_group[fill[near[i]]++] = g;
    }
    free(fill);
}

/* Keeps ROW, switch S's entries for all N groups, as a range of them
 * and one entry for the rest: the rest takes the most frequent entry
 * (the smallest of equals), the range runs from the first group that
 * differs from it to the last.  A leaf's range is its own racks, a pod's
 * aggregation switch its pod's; a core switch keeps nearly all.  The
 * range is appended to POOL (LEN entries so far, CAP allocated), and
 * S->route holds its offset there until route_install() points it at
 * the range. */
static void
route_compact(struct sw *s, const uint16_t *row, uint32_t n, uint32_t *count,
              uint16_t **pool, size_t *len, size_t *cap)
{
    /* ROUTE_DIRECT counts in count[s->n_groups]. */
    memset(count, 0, ((size_t)s->n_groups + 1) * sizeof *count);
    for (uint32_t g = 0; g < n; g++)
        count[row[g] == ROUTE_DIRECT ? s->n_groups : row[g]]++;
    uint32_t best = 0;
    for (uint32_t v = 1; v <= s->n_groups; v++)
        if (count[v] > count[best])
            best = v;
    uint16_t dflt = best == s->n_groups ? ROUTE_DIRECT : (uint16_t)best;
    uint32_t lo = 0, hi = n;
    while (lo < hi && row[lo] == dflt)
        lo++;
    while (hi > lo && row[hi - 1] == dflt)
        hi--;
    if (*len + (hi - lo) > *cap) {
        *cap = MAX(2 * *cap, *len + (hi - lo));
        *pool = xrealloc(*pool, (*cap + 1) * sizeof **pool);
    }
    if (hi > lo)  /* POOL may be NULL yet: an empty range copies nothing. */
        memcpy(*pool + *len, row + lo, (size_t)(hi - lo) * sizeof *row);
    s->route_dflt = dflt;
    s->route_lo = lo;
    s->route_n = hi - lo;
    s->route = (const uint16_t *)(uintptr_t)*len;  /* An offset, for now. */
    *len += hi - lo;
}

/* Makes POOL (LEN entries, freed here) net->route_mem, on huge pages at
 * scale, and points each switch's table at its range there (whose start
 * route_compact() left in s->route). */
static void
route_install(struct net *net, uint16_t *pool, size_t len)
{
    net->route_mem = arena_huge((len + 1) * sizeof *net->route_mem);
    if (len)
        memcpy(net->route_mem, pool, len * sizeof *pool);
    for (uint32_t x = 0; x < net->n_switches; x++) {
        struct sw *s = &net->switches[x];
        s->route = net->route_mem + (uintptr_t)s->route;
    }
    free(pool);
}

/* Compacts every switch's table again, after route_set() has widened
 * some to rows of their own (route_order_ns3() rewrites most). */
static void
route_recompact(struct net *net)
{
    uint32_t n_groups = net->n_groups;
    uint16_t *row = xmalloc(((size_t)n_groups + 1) * sizeof *row);
    uint32_t *count = xmalloc(((size_t)UINT16_MAX + 1) * sizeof *count);
    uint16_t *pool = NULL;
    size_t len = 0, cap = 0;
    for (uint32_t x = 0; x < net->n_switches; x++) {
        struct sw *s = &net->switches[x];
        for (uint32_t g = 0; g < n_groups; g++)
            row[g] = sw_route(s, g);
        if (s->route_own)
            free((uint16_t *)s->route);
        s->route_own = false;
        route_compact(s, row, n_groups, count, &pool, &len, &cap);
    }
    free(net->route_mem);
    route_install(net, pool, len);
    free(count);
    free(row);
}

/* 5. The tables, switch by switch, each switch interning its port sets
 * in group order (so group indices come out as a search per group
 * would number them).  Away from a group, a switch's next hops depend
 * on the group's class only, and are interned once per class.  Each
 * table is then compacted (route_compact()): every switch's in one array,
 * on huge pages at scale, ~1 KiB per switch of a k=32 fat-tree where a
 * row of every group took 1 KiB per switch, leaves and aggregation
 * switches included. */
static void
route_fill_tables(struct route_build *b)
{
    struct net *net = b->net;
    uint32_t ns = net->n_switches, n_groups = b->n_groups;
    uint8_t *set = xmalloc(256);
    uint16_t *memo = xmalloc(((size_t)b->n_classes + 1) * sizeof *memo);
    uint16_t *row = xmalloc(((size_t)n_groups + 1) * sizeof *row);
    uint32_t *count = xmalloc(((size_t)UINT16_MAX + 1) * sizeof *count);
    uint16_t *pool = NULL;
    size_t len = 0, cap = 0;
    struct group_table table = { 0 };
    for (uint32_t x = 0; x < ns; x++) {
        struct sw *s = &net->switches[x];
        for (uint32_t c = 0; c < b->n_classes; c++)
            memo[c] = UINT16_MAX;
        if (table.cap)
            memset(table.slots, 0, table.cap * sizeof *table.slots);
        uint32_t sp = b->sp_start[x];
        for (uint32_t g = 0; g < n_groups; g++) {
            if (sp < b->sp_start[x + 1] && b->sp_group[sp] == g) {
                sp++;
                const struct host_key *k = &b->keys[b->group_rep[g]];
                if (bsearch(&(uint32_t){ x + b->first_sw }, k->sw, k->n,
                            sizeof k->sw[0], cmp_u32))
                    row[g] = ROUTE_DIRECT;
                else
                    row[g] = intern_homes(s, &table, &b->adj, x, k->sw,
                                          k->n, b->first_sw, set);
                continue;
            }
            uint32_t c = b->class_of[g];
            if (memo[c] == UINT16_MAX)
                memo[c] = intern_closer(s, &table, &b->adj, x,
                                        &b->dist[(size_t)c * ns], set);
            row[g] = memo[c];
        }
        route_compact(s, row, n_groups, count, &pool, &len, &cap);
    }
    route_install(net, pool, len);
    free(count);
    free(row);
    free(table.slots);
    free(memo);
    free(set);
}

void
route_compute(struct net *net)
{
    struct route_build b = { .net = net, .first_sw = net->n_hosts };
    route_free(net);
    route_group_hosts(&b);
    sw_adj_init(&b.adj, net);
    route_find_near(&b);
    route_classify(&b);
    route_index_switches(&b);
    route_fill_tables(&b);
    if (net->ns3_ip) {
        route_order_ns3(net, &b.adj, b.keys, b.group_rep);
        route_recompact(net);
    }
    free(b.sp_group);
    free(b.sp_start);
    free(b.dist);
    free(b.class_rep);
    free(b.class_of);
    free(b.near_start);
    free(b.near.v);
    sw_adj_uninit(&b.adj);
    free(b.group_rep);
    free(b.keys);
    for (uint32_t x = 0; x < net->n_switches; x++)
        switch_forget_hints(&net->switches[x]);
}
