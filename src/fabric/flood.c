/* VLAN broadcast domains over a common spanning tree; see flood.h. */
#include "fabric/flood.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "pkt/pkt.h"
#include "sim/util.h"

#define NO_PORT (-1)

/* One VLAN's ports, switch by switch. */
struct flood_vlan {
    uint32_t *first;          /* n_switches + 1 offsets into ports. */
    uint8_t *ports;           /* Port indices, increasing per switch. */
};

struct flood {
    int16_t *root_port;       /* Per switch: port index, NO_PORT. */
    uint32_t *parent;         /* Per switch: the root port's switch, or
                               * UINT32_MAX. */
    uint32_t *top;            /* Per switch: its tree's root bridge. */
    uint32_t *pre, *post;     /* Depth-first numbering: switch A is in
                               * B's subtree iff pre[B] <= pre[A] <
                               * post[B]. */
    uint32_t *order;          /* Switches by pre. */
    uint16_t vlan_index[4096];/* Per VID: index + 1 in vlans, 0: none. */
    struct flood_vlan *vlans;
    uint16_t n_vlans;
};

/* Switch index of node N, or UINT32_MAX for a host. */
static uint32_t
sw_index(const struct net *net, const struct node *n)
{
    return n->class == &switch_class ? n->id - net->n_hosts : UINT32_MAX;
}

/* 802.1D-2004 Table 17-3: 20 000 000 / Mb/s. */
static uint64_t
path_cost(const struct port *q)
{
    uint64_t mbps = q->rate_bps / 1000000;
    uint64_t c = mbps ? 20000000 / mbps : 20000000;
    return c ? c : 1;
}

/* Root path costs from ROOT over the switches not yet on a tree (DONE),
 * into COST (O(n^2) Dijkstra; built once). */
static void
root_costs(const struct net *net, uint32_t root, const bool *done,
           uint64_t *cost)
{
    uint32_t n = net->n_switches;
    bool *fixed = xcalloc(n, sizeof *fixed);
    for (uint32_t i = 0; i < n; i++)
        cost[i] = UINT64_MAX;
    cost[root] = 0;
    for (;;) {
        uint32_t b = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++)
            if (!fixed[i] && !done[i] && cost[i] != UINT64_MAX &&
                (b == UINT32_MAX || cost[i] < cost[b]))
                b = i;
        if (b == UINT32_MAX)
            break;
        fixed[b] = true;
        const struct node *nb = &net->switches[b].up;
        for (uint16_t q = 0; q < nb->n_ports; q++) {
            uint32_t c = sw_index(net, nb->ports[q].link.peer);
            if (c == UINT32_MAX || fixed[c])
                continue;
            /* C's root path cost through this cable: B's plus the cost
             * of C's receiving port. */
            const struct port *rx =
                &net->switches[c].up.ports[nb->ports[q].link.peer_port];
            uint64_t via = cost[b] + path_cost(rx);
            if (via < cost[c])
                cost[c] = via;
        }
    }
    free(fixed);
}

/* The root port of switch B, whose root path cost is COST[B]: the least
 * cost, then the lowest designated bridge ID (node id), designated port
 * ID and own port ID. */
static int
choose_root_port(const struct net *net, uint32_t b, const uint64_t *cost)
{
    const struct node *nb = &net->switches[b].up;
    int best = NO_PORT;
    uint32_t best_n = 0, best_pp = 0;
    for (uint16_t q = 0; q < nb->n_ports; q++) {
        const struct link *l = &nb->ports[q].link;
        uint32_t c = sw_index(net, l->peer);
        if (c == UINT32_MAX || cost[c] == UINT64_MAX ||
            cost[c] + path_cost(&nb->ports[q]) != cost[b])
            continue;
        if (best == NO_PORT || c < best_n ||
            (c == best_n && l->peer_port < best_pp)) {
            best = q;
            best_n = c;
            best_pp = l->peer_port;
        }
    }
    return best;
}

/* Numbers the tree of ROOT depth first (children in switch order). */
static void
number_tree(struct flood *fl, uint32_t n, uint32_t root, uint32_t *next)
{
    uint32_t *stack = xmalloc(n * sizeof *stack);
    uint32_t *child = xmalloc(n * sizeof *child);   /* Next to try. */
    uint32_t depth = 0;
    stack[depth++] = root;
    child[root] = 0;
    fl->order[*next] = root;
    fl->pre[root] = (*next)++;
    while (depth) {
        uint32_t b = stack[depth - 1];
        uint32_t c = child[b];
        while (c < n && fl->parent[c] != b)
            c++;
        if (c == n) {
            fl->post[b] = *next;
            depth--;
            continue;
        }
        child[b] = c + 1;
        child[c] = 0;
        fl->order[*next] = c;
        fl->pre[c] = (*next)++;
        stack[depth++] = c;
    }
    free(stack);
    free(child);
}

void
flood_create(struct net *net)
{
    uint32_t n = net->n_switches;
    struct flood *fl = xcalloc(1, sizeof *fl);
    fl->root_port = xmalloc(n * sizeof *fl->root_port);
    fl->parent = xmalloc(n * sizeof *fl->parent);
    fl->top = xmalloc(n * sizeof *fl->top);
    fl->pre = xcalloc(n, sizeof *fl->pre);
    fl->post = xcalloc(n, sizeof *fl->post);
    fl->order = xcalloc(n, sizeof *fl->order);
    uint64_t *cost = xmalloc(n * sizeof *cost);
    bool *done = xcalloc(n, sizeof *done);
    uint32_t next = 0;
    /* One tree per connected set of switches, each rooted at its lowest
     * bridge ID. */
    for (uint32_t root = 0; root < n; root++) {
        if (done[root])
            continue;
        root_costs(net, root, done, cost);
        for (uint32_t b = 0; b < n; b++) {
            if (done[b] || cost[b] == UINT64_MAX)
                continue;
            int q = b == root ? NO_PORT : choose_root_port(net, b, cost);
            fl->root_port[b] = (int16_t)q;
            fl->parent[b] = q == NO_PORT
                                ? UINT32_MAX
                                : sw_index(net,
                                           net->switches[b].up.ports[q].link.peer);
            fl->top[b] = root;
        }
        for (uint32_t b = 0; b < n; b++)
            if (!done[b] && cost[b] != UINT64_MAX)
                done[b] = true;
        number_tree(fl, n, root, &next);
    }
    free(cost);
    free(done);
    net->flood = fl;
    net->rx_slow = true;
}

void
flood_destroy(struct net *net)
{
    struct flood *fl = net->flood;
    if (!fl)
        return;
    for (uint16_t i = 0; i < fl->n_vlans; i++) {
        free(fl->vlans[i].first);
        free(fl->vlans[i].ports);
    }
    free(fl->vlans);
    free(fl->root_port);
    free(fl->parent);
    free(fl->top);
    free(fl->pre);
    free(fl->post);
    free(fl->order);
    free(fl);
    net->flood = NULL;
}

/* Whether switch C is a child of switch B by B's port Q. */
static bool
child_by(const struct net *net, const struct flood *fl, uint32_t b,
         uint16_t q, uint32_t *c_out)
{
    const struct link *l = &net->switches[b].up.ports[q].link;
    uint32_t c = sw_index(net, l->peer);
    if (c == UINT32_MAX || fl->parent[c] != b ||
        fl->root_port[c] != (int16_t)l->peer_port)
        return false;
    *c_out = c;
    return true;
}

/* Host H's home: its first cable's switch and the port there. */
static uint32_t
home_switch(const struct net *net, uint32_t h, uint8_t *port)
{
    const struct link *l = &net->nodes[h]->ports[0].link;
    *port = l->peer_port;
    return sw_index(net, l->peer);
}

void
flood_vlan_add(struct net *net, uint16_t vid, const uint32_t *hosts,
               size_t n_members)
{
    struct flood *fl = net->flood;
    uint32_t n = net->n_switches;
    sim_assert(vid >= 1 && vid <= 4094 && !fl->vlan_index[vid]);
    uint32_t *sub = xcalloc(n, sizeof *sub);
    uint8_t *member = xcalloc(net->n_hosts, 1);
    for (size_t i = 0; i < n_members; i++) {
        uint8_t port;
        uint32_t s = home_switch(net, hosts[i], &port);
        member[hosts[i]] = 1;
        if (s != UINT32_MAX)
            sub[s]++;
    }
    /* Members in each subtree: children before parents. */
    for (uint32_t i = n; i-- > 0;) {
        uint32_t b = fl->order[i];
        if (fl->parent[b] != UINT32_MAX)
            sub[fl->parent[b]] += sub[b];
    }
    struct flood_vlan v;
    v.first = xmalloc((n + 1) * sizeof *v.first);
    size_t cap = 16, len = 0;
    v.ports = xmalloc(cap);
    for (uint32_t b = 0; b < n; b++) {
        v.first[b] = (uint32_t)len;
        const struct node *nb = &net->switches[b].up;
        for (uint16_t q = 0; q < nb->n_ports; q++) {
            const struct link *l = &nb->ports[q].link;
            uint32_t c, h = l->peer->id;
            bool on;
            if (l->peer->class != &switch_class) {
                uint8_t home;
                on = member[h] && home_switch(net, h, &home) == b &&
                     home == q;
            } else if (fl->root_port[b] == (int16_t)q) {
                on = sub[fl->top[b]] > sub[b];   /* Members outside. */
            } else {
                on = child_by(net, fl, b, q, &c) && sub[c] > 0;
            }
            if (!on)
                continue;
            if (len == cap)
                v.ports = xrealloc(v.ports, cap *= 2);
            v.ports[len++] = (uint8_t)q;
        }
    }
    v.first[n] = (uint32_t)len;
    fl->vlans = xrealloc(fl->vlans, (fl->n_vlans + 1u) * sizeof *fl->vlans);
    fl->vlans[fl->n_vlans++] = v;
    fl->vlan_index[vid] = fl->n_vlans;
    free(sub);
    free(member);
}

/* The port of switch B towards host H on the tree, or NO_PORT. */
static int
toward(const struct net *net, const struct flood *fl, uint32_t b, uint32_t h)
{
    if (h == UINT32_MAX)
        return NO_PORT;
    uint8_t home;
    uint32_t l = home_switch(net, h, &home);
    if (l == UINT32_MAX || fl->top[l] != fl->top[b])
        return NO_PORT;
    if (l == b)
        return home;
    if (fl->pre[b] <= fl->pre[l] && fl->pre[l] < fl->post[b]) {
        const struct node *nb = &net->switches[b].up;
        for (uint16_t q = 0; q < nb->n_ports; q++) {
            uint32_t c;
            if (child_by(net, fl, b, q, &c) && fl->pre[c] <= fl->pre[l] &&
                fl->pre[l] < fl->post[c])
                return q;
        }
        return NO_PORT;
    }
    return fl->root_port[b];
}

enum drop_reason
flood_forward(struct net *net, struct sw *s, struct pkt *p)
{
    const struct flood *fl = net->flood;
    uint16_t vi = p->eth.vlan ? fl->vlan_index[p->eth.vid & 0xFFF] : 0;
    if (!vi)
        return DROP_NO_ROUTE;
    const struct flood_vlan *v = &fl->vlans[vi - 1];
    uint32_t b = s->up.id - net->n_hosts;
    /* The port that takes P itself: towards its destination, or for a
     * copy the last of its VLAN's; copies of P take the others. */
    int keep = NO_PORT;
    if (!p->flood_copy) {
        int dst = toward(net, fl, b, net_host_of_ip(net, p->ip.dst));
        for (uint32_t i = v->first[b]; i < v->first[b + 1]; i++)
            if ((int)v->ports[i] == dst && dst != p->in_port)
                keep = dst;
    } else {
        for (uint32_t i = v->first[b]; i < v->first[b + 1]; i++)
            if (v->ports[i] != p->in_port)
                keep = v->ports[i];
    }
    uint8_t tc = qos_classify(s->qos, p);
    for (uint32_t i = v->first[b]; i < v->first[b + 1]; i++) {
        uint8_t q = v->ports[i];
        if (q == p->in_port || (int)q == keep)
            continue;                 /* Never back out its ingress. */
        struct pkt *c = pkt_alloc(&net->pool);
        *c = *p;
        c->next = NULL;
        c->hooks = 0;                 /* Traces follow the frame itself. */
        c->flood_copy = true;
        net->st.flood_copies++;
        port_send(net, &s->up.ports[q], c, tc);
    }
    if (keep == NO_PORT)
        return DROP_NO_ROUTE;   /* Its destination is not on V. */
    port_send(net, &s->up.ports[keep], p, tc);
    return DROP_N_REASONS;
}

int
flood_root_port(const struct net *net, uint32_t sw)
{
    return net->flood->root_port[sw];
}
