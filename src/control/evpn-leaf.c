/* BGP EVPN's sessions between switches, as TCP/IPv4 segments routed over
 * the fabric; see evpn-leaf.h. */
#include "control/evpn-leaf.h"

#include <stdlib.h>

#include "control/bgp-msg.h"
#include "fabric/net.h"
#include "fabric/observer.h"
#include "fabric/sw-cpu.h"
#include "fabric/switch.h"
#include "sim/util.h"

/* The ephemeral port of an EVPN session's connection (eBGP's is 49152,
 * bgp-msg.c): how this module tells its segments from eBGP's. */
#define EVPN_LEAF_PORT 49153
/* TTL of a multi-hop session's segments (Linux's default). */
#define EVPN_LEAF_TTL 64

struct u32v {
    uint32_t *v;
    uint32_t n, cap;
};

/* One direction of a session: side K's messages to side 1 - K. */
struct dir {
    struct u32v bytes;        /* Every message sent, by number. */
    uint32_t first;           /* The current connection's first number:
                               * those before are of closed ones. */
    uint32_t rx_next;         /* Next number the receiver takes. */
    struct u32v held;         /* Numbers arrived ahead of a lost one. */
    bool syn_lost;            /* The connection's first segment (its SYN)
                               * was refused or lost, not yet taken. */
};

struct lsess {
    uint32_t sw[2];           /* Switch index of each side. */
    struct dir d[2];          /* By sending side. */
};

struct evpn_leaf {
    struct sw_cpu cpu;             /* Receives the segments (sw-cpu.h), */
    struct net_observer obs;       /* and is told of their losses. */
    struct sw_cpu *next_cpu;       /* What was attached before: eBGP's, */
    struct net_observer *next_obs; /* or NULL. */
    struct net *net;
    struct evpn *ev;
    uint8_t tc;
    struct lsess *s;
    uint32_t n, cap;
    struct u32v *by_sw;       /* Per switch: its sessions. */
    uint32_t n_sw;
};

static void
push(struct u32v *l, uint32_t x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = x;
}

static bool
is_mine(const struct pkt *p)
{
    return p->l4.tcp.sport == EVPN_LEAF_PORT ||
           p->l4.tcp.dport == EVPN_LEAF_PORT;
}

static void rtx_fire(struct sim *, void *, uint64_t);

static void
schedule_rtx(struct evpn_leaf *lf, uint32_t si, int k, uint32_t num)
{
    uint64_t arg = (uint64_t)(2 * si + (uint32_t)k) << 32 | num;
    sim_call(&lf->net->sim, lf->net->sim.now_ps + BGP_RTO_PS, rtx_fire, lf,
             arg);
}

/* Puts message NUM of side K of session SI on the wire. */
static void
transmit(struct evpn_leaf *lf, uint32_t si, int k, uint32_t num)
{
    struct net *net = lf->net;
    const struct lsess *s = &lf->s[si];
    struct sw *sw = &net->switches[s->sw[k]];
    struct pkt *p = pkt_alloc(&net->pool);
    bgp_msg_pkt(p, pkt_switch_ip(s->sw[k]), pkt_switch_ip(s->sw[1 - k]),
                s->d[k].bytes.v[num], EVPN_LEAF_TTL, lf->tc);
    if (p->l4.tcp.sport != BGP_PORT)
        p->l4.tcp.sport = EVPN_LEAF_PORT;
    else
        p->l4.tcp.dport = EVPN_LEAF_PORT;
    pkt_set_5tuple_hash(p);
    p->seq = num;
    int out = switch_route_switch(net, sw, s->sw[1 - k], p->hash0);
    if (out < 0) {
        /* No route yet: TCP's SYN or segment times out and is resent. */
        pkt_free(&net->pool, p);
        schedule_rtx(lf, si, k, num);
        return;
    }
    sw_cpu_send(net, sw, (uint8_t)out, p, qos_classify(sw->qos, p));
}

/* A lost segment's RTO: sent again, unless its connection has been
 * closed since (nothing more is resent). */
static void
rtx_fire(struct sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    struct evpn_leaf *lf = obj;
    uint32_t d = (uint32_t)(arg >> 32), num = (uint32_t)arg;
    if (num >= lf->s[d / 2].d[d % 2].first)
        transmit(lf, d / 2, (int)(d % 2), num);
}

void
evpn_leaf_post(struct evpn_leaf *lf, uint32_t si, int k, uint32_t bytes)
{
    struct dir *d = &lf->s[si].d[k];
    push(&d->bytes, bytes);
    transmit(lf, si, k, d->bytes.n - 1);
}

/* The session between switches FROM and TO, and FROM's side, or
 * UINT32_MAX. */
static uint32_t
find(const struct evpn_leaf *lf, uint32_t from, uint32_t to, int *k)
{
    const struct u32v *l = &lf->by_sw[to];
    for (uint32_t i = 0; i < l->n; i++) {
        const struct lsess *s = &lf->s[l->v[i]];
        if (s->sw[0] == from || s->sw[1] == from) {
            *k = s->sw[0] == from ? 0 : 1;
            return l->v[i];
        }
    }
    return UINT32_MAX;
}

static void
leaf_receive(struct sw_cpu *cpu, struct net *net, struct sw *sw,
             struct pkt *p)
{
    struct evpn_leaf *lf = CONTAINER_OF(cpu, struct evpn_leaf, cpu);
    if (!is_mine(p)) {
        lf->next_cpu->class->receive(lf->next_cpu, net, sw, p);
        return;
    }
    uint32_t from = p->ip.src - PKT_SWITCH_NET, num = p->seq;
    uint32_t hash0 = p->hash0;
    uint32_t to = (uint32_t)(sw - net->switches);
    pkt_free(&net->pool, p);
    net->st.ctrl_in_use--;
    int k;
    uint32_t si = find(lf, from, to, &k);
    sim_assert(si != UINT32_MAX);
    struct dir *d = &lf->s[si].d[k];
    if (num < d->first)
        return;   /* Of a closed connection: discarded on arrival. */
    if (num == d->first && d->rx_next == d->first &&
        switch_route_switch(net, sw, from, hash0) < 0) {
        /* A connection's first segment stands for its SYN: without a
         * route back the SYN-ACK cannot leave, the handshake does not
         * complete, and the sender tries again after its RTO. */
        d->syn_lost = true;
        schedule_rtx(lf, si, k, num);
        return;
    }
    if (num != d->rx_next) {
        /* Behind a lost segment: TCP holds it back. */
        push(&d->held, num);
        return;
    }
    d->rx_next++;
    evpn_delivered(lf->ev, si, k);
    for (bool more = true; more;) {
        more = false;
        for (uint32_t i = 0; i < d->held.n; i++)
            if (d->held.v[i] == d->rx_next) {
                d->held.v[i] = d->held.v[--d->held.n];
                d->rx_next++;
                evpn_delivered(lf->ev, si, k);
                more = true;
                break;
            }
    }
}

static const struct sw_cpu_class leaf_cpu_class = {
    .name = "evpn",
    .receive = leaf_receive,
};

/* A segment was dropped: sent again after the RTO. */
static void
leaf_drop(struct net_observer *obs, struct net *net, struct pkt *p,
          enum drop_reason why)
{
    struct evpn_leaf *lf = CONTAINER_OF(obs, struct evpn_leaf, obs);
    if (!is_mine(p)) {
        sim_assert(lf->next_obs != NULL);
        lf->next_obs->class->drop(lf->next_obs, net, p, why);
        return;
    }
    net->st.ctrl_in_use--;
    net->st.ctrl_lost++;
    int k;
    uint32_t si = find(lf, p->ip.src - PKT_SWITCH_NET,
                       p->ip.dst - PKT_SWITCH_NET, &k);
    sim_assert(si != UINT32_MAX);
    struct dir *d = &lf->s[si].d[k];
    if (p->seq < d->first)
        return;
    if (p->seq == d->first && d->rx_next == d->first)
        d->syn_lost = true;
    schedule_rtx(lf, si, k, p->seq);
}

static const struct net_observer_class leaf_obs_class = {
    .name = "evpn",
    .drop = leaf_drop,
};

void
evpn_leaf_close(struct evpn_leaf *lf, uint32_t si)
{
    for (int k = 0; k < 2; k++) {
        struct dir *d = &lf->s[si].d[k];
        d->first = d->rx_next = d->bytes.n;
        d->held.n = 0;
        d->syn_lost = false;
    }
}

bool
evpn_leaf_syn_lost(const struct evpn_leaf *lf, uint32_t si, int k)
{
    const struct dir *d = &lf->s[si].d[k];
    return d->syn_lost && d->rx_next == d->first;
}

void
evpn_leaf_session(struct evpn_leaf *lf, uint32_t si, uint32_t a, uint32_t b)
{
    sim_assert(si == lf->n);
    if (lf->n == lf->cap) {
        lf->cap = lf->cap ? 2 * lf->cap : 16;
        lf->s = xrealloc(lf->s, lf->cap * sizeof *lf->s);
    }
    lf->s[lf->n++] = (struct lsess){ .sw = { a, b } };
    push(&lf->by_sw[a], si);
    push(&lf->by_sw[b], si);
}

struct evpn_leaf *
evpn_leaf_create(struct net *net, struct evpn *ev, uint8_t tc)
{
    struct evpn_leaf *lf = xcalloc(1, sizeof *lf);
    lf->net = net;
    lf->ev = ev;
    lf->tc = tc;
    lf->n_sw = net->n_switches;
    lf->by_sw = xcalloc((size_t)lf->n_sw + 1, sizeof *lf->by_sw);
    net_route_switches(net);
    lf->cpu.class = &leaf_cpu_class;
    lf->obs.class = &leaf_obs_class;
    lf->next_cpu = net->cpu;
    net->cpu = &lf->cpu;
    /* In front of eBGP's observer, if any (one per hook bit). */
    unsigned bit = (unsigned)__builtin_ctz(PKT_HOOK_CTRL);
    lf->next_obs = net->observers[bit];
    net->observers[bit] = NULL;
    net_observe(net, PKT_HOOK_CTRL, &lf->obs);
    return lf;
}

void
evpn_leaf_destroy(struct evpn_leaf *lf)
{
    if (!lf)
        return;
    for (uint32_t i = 0; i < lf->n; i++)
        for (int k = 0; k < 2; k++) {
            free(lf->s[i].d[k].bytes.v);
            free(lf->s[i].d[k].held.v);
        }
    for (uint32_t x = 0; x < lf->n_sw; x++)
        free(lf->by_sw[x].v);
    free(lf->by_sw);
    free(lf->s);
    free(lf);
}
