/* BGP EVPN speakers, their sessions over TCP, RIBs and route reflection;
 * see evpn.h.  Its policy (import, RR route-maps, RT constraint) is in
 * evpn-policy.c, the sessions' state machine in evpn-fsm.c; what they
 * share is in evpn-int.h. */
#include "control/evpn.h"

#include <stdlib.h>
#include <string.h>

#include "control/bgp-msg.h"
#include "control/control.h"
#include "control/evpn-int.h"
#include "control/evpn-leaf.h"
#include "control/speaker.h"
#include "fabric/net.h"
#include "host/cpu.h"
#include "host/edge.h"
#include "host/server.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "transport/transport.h"

#define BGP_PORT 179
#define EPHEMERAL0 49152

/* ---- Counting the sessions. ---- */

static uint32_t
count_vteps(const uint32_t *node_vni, uint32_t n_nodes)
{
    uint32_t n = 0;
    for (uint32_t x = 0; x < n_nodes; x++)
        n += node_vni[x] != 0;
    return n;
}

static uint32_t
n_clusters(const struct evpn_spec *s)
{
    return (uint32_t)((s->n_rr + s->cluster_size - 1) / s->cluster_size);
}

/* RRs in cluster C. */
static uint32_t
cluster_rrs(const struct evpn_spec *s, uint32_t c)
{
    uint32_t left = (uint32_t)s->n_rr - c * s->cluster_size;
    return left < s->cluster_size ? left : s->cluster_size;
}

uint32_t
evpn_vtep_cluster(const struct evpn_spec *s, uint32_t i)
{
    return s->topology == EVPN_ROUTE_REFLECTORS ? i % n_clusters(s) : 0;
}

uint32_t
evpn_rr_cluster(const struct evpn_spec *s, uint32_t r)
{
    return r / (uint32_t)s->cluster_size;
}

uint32_t
evpn_session_count(const struct evpn_spec *s, const uint32_t *node_vni,
                   uint32_t n_nodes)
{
    uint64_t n = count_vteps(node_vni, n_nodes);
    if (s->topology == EVPN_FULL_MESH)
        return (uint32_t)(n * (n - 1) / 2);
    uint64_t k = 0, clusters = n_clusters(s);
    for (uint64_t i = 0; i < n; i++)
        k += cluster_rrs(s, (uint32_t)(i % clusters));
    return (uint32_t)(k + (uint64_t)s->n_rr * (s->n_rr - 1) / 2);
}

uint32_t
evpn_flow_cap(const struct evpn_spec *s, const uint32_t *host_vni,
              uint32_t n_hosts)
{
    if (s->leaf)
        return 0;
    return 2 * evpn_session_count(s, host_vni, n_hosts);
}

/* ---- Tenants. ---- */

/* The index of VNI in ev->vnis, or NONE. */
uint32_t
evpn_vni_index(const struct evpn *ev, uint32_t vni)
{
    uint32_t lo = 0, hi = ev->n_vni;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ev->vnis[mid] < vni)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ev->n_vni && ev->vnis[lo] == vni ? lo : NONE;
}

/* Whether speaker S is a VTEP of tenant VNI. */
bool
evpn_serves(const struct evpn *ev, const struct speaker *s, uint32_t vni)
{
    uint32_t i = evpn_vni_index(ev, vni);
    return s->serves && i != NONE && s->serves[i];
}

/* ---- The RIB. ---- */

static bool
nlri_eq(const struct nlri *a, const struct nlri *b)
{
    return a->type == b->type && a->vni == b->vni && a->mac == b->mac &&
           a->origin == b->origin;
}

static uint32_t
nlri_hash(const struct nlri *k)
{
    uint32_t h = 2166136261u;
    uint32_t w[4] = { k->type, k->vni, k->mac, k->origin };
    for (int i = 0; i < 4; i++)
        h = (h ^ w[i]) * 16777619u;
    return h ^ h >> 16;
}

static void rib_grow(struct rib *);

/* The entry of K in R, made if absent. */
static struct rib_entry *
rib_get(struct rib *r, const struct nlri *k)
{
    if (2 * (r->n_keys + 1) > r->cap)
        rib_grow(r);
    uint32_t i = nlri_hash(k) & (r->cap - 1);
    while (r->v[i].used && !nlri_eq(&r->v[i].nlri, k))
        i = (i + 1) & (r->cap - 1);
    struct rib_entry *e = &r->v[i];
    if (!e->used) {
        e->used = true;
        e->nlri = *k;
        e->best = NONE;
        r->n_keys++;
    }
    return e;
}

/* The entry of K in R, or NULL. */
static struct rib_entry *
rib_find(const struct rib *r, const struct nlri *k)
{
    if (!r->cap)
        return NULL;
    uint32_t i = nlri_hash(k) & (r->cap - 1);
    for (; r->v[i].used; i = (i + 1) & (r->cap - 1))
        if (nlri_eq(&r->v[i].nlri, k))
            return &r->v[i];
    return NULL;
}

static void
rib_grow(struct rib *r)
{
    struct rib old = *r;
    r->cap = old.cap ? 2 * old.cap : 64;
    r->v = xcalloc(r->cap, sizeof *r->v);
    r->n_keys = 0;
    for (uint32_t i = 0; i < old.cap; i++) {
        if (!old.v[i].used)
            continue;
        struct rib_entry *e = rib_get(r, &old.v[i].nlri);
        *e = old.v[i];
    }
    free(old.v);
}

static void
rib_free(struct rib *r)
{
    for (uint32_t i = 0; i < r->cap; i++)
        free(r->v[i].paths);
    free(r->v);
}

/* Path of E from speaker FROM, or NONE. */
uint32_t
evpn_path_from(const struct rib_entry *e, uint32_t from)
{
    for (uint32_t i = 0; i < e->n; i++)
        if (e->paths[i].from == from)
            return i;
    return NONE;
}

/* Whether path A is better than B at speaker SELF. */
static bool
path_better(const struct path *a, const struct path *b, uint32_t self)
{
    if ((a->from == self) != (b->from == self))
        return a->from == self;
    if (a->n_clusters != b->n_clusters)
        return a->n_clusters < b->n_clusters;
    return a->from < b->from;
}

static void
choose_best(struct rib_entry *e, uint32_t self)
{
    e->best = NONE;
    for (uint32_t i = 0; i < e->n; i++)
        if (e->best == NONE ||
            path_better(&e->paths[i], &e->paths[e->best], self))
            e->best = i;
}

/* ---- Writing messages. ---- */

/* A new slot at R's tail, to be filled. */
static void *
evq_push(struct evq *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        char *v = xmalloc(cap * r->item);
        for (size_t i = 0; i < r->n; i++)
            memcpy(v + i * r->item, r->v + (r->head + i) % r->cap * r->item,
                   r->item);
        free(r->v);
        r->v = v;
        r->cap = cap;
        r->head = 0;
    }
    return r->v + (r->head + r->n++) % r->cap * r->item;
}

/* R's oldest item (R not empty). */
static void *
evq_head(const struct evq *r)
{
    return r->v + r->head * r->item;
}

static void
evq_pop(struct evq *r)
{
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

struct ctl_speaker *
evpn_row(struct evpn *ev, const struct speaker *s)
{
    return &ev->list->v[s->row];
}

/* Side K of session S posts M on its stream. */
void
evpn_send_msg(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    struct ctl_speaker *r = evpn_row(ev, &ev->sp[s->end[k]]);
    r->msgs_tx++;
    r->bytes_tx += m->bytes;
    if (m->type == BGP_UPDATE) {
        r->updates_tx++;
        if (m->withdraw)
            r->withdrawals_tx++;
        else if (!m->eor)
            r->routes_tx++;
    }
    /* Written on a connection the peer has closed (this side has not
     * heard: nothing comes back on a dead path): lost. */
    if (s->closed || s->side_conn[k] != s->conn)
        return;
    struct msg *q = evq_push(&s->q[k]);
    *q = *m;
    q->conn = s->conn;
    if (ev->leaf) {
        evpn_leaf_post(ev->leaf, si, k, m->bytes);
        return;
    }
    /* TCP takes no verb: any will do. */
    transport_post(ev->net, &edge_of(ev->net)->flows[s->flow[k]], m->bytes,
                   RDMA_VERB_SEND, s->posted[k]++);
}

void
evpn_send_simple(struct evpn *ev, uint32_t si, int k, uint8_t type)
{
    struct msg m = { .type = type,
                     .bytes = type == BGP_OPEN ? BGP_EVPN_OPEN_BYTES
                                               : BGP_KEEPALIVE_BYTES };
    if (type == BGP_OPEN && ev->spec->rt_constraint)
        m.bytes += BGP_RTC_CAP_BYTES;
    evpn_send_msg(ev, si, k, &m);
}

bool
evpn_is_client(const struct evpn *ev, uint32_t r, uint32_t x)
{
    const struct speaker *a = &ev->sp[r], *b = &ev->sp[x];
    return a->rr && !b->rr && a->cluster == b->cluster;
}

/* Whether speaker SELF advertises path P to peer PEER (RFC 4456 6; an RR
 * only what its outbound route-map permits), and the route-map it has
 * for PEER's way out lets it. */
static bool
may_send(const struct evpn *ev, uint32_t self, const struct path *p,
         uint32_t peer)
{
    const struct evpn_policy *pe;
    if (p->from == peer)
        return false;
    if (p->from != self &&
        (!ev->sp[self].rr ||            /* iBGP: no re-advertising. */
         !(evpn_is_client(ev, self, p->from) ||
           evpn_is_client(ev, self, peer)) ||
         !evpn_rr_policy_permits(ev, &ev->sp[self], p, &pe)))
        return false;
    return evpn_neighbor_permits(ev, self, peer, false, p, &pe);
}

/* Side K of session SI advertises P (from its speaker). */
static void
send_path(struct evpn *ev, uint32_t si, int k, const struct path *p)
{
    uint32_t self = ev->sess[si].end[k];
    struct msg m = { .type = BGP_UPDATE, .path = *p };
    if (p->from != self) {
        /* Reflected: this RR's cluster goes in front. */
        sim_assert(p->n_clusters < MAX_CLUSTERS);
        memmove(&m.path.clusters[1], &m.path.clusters[0],
                p->n_clusters * sizeof *p->clusters);
        m.path.clusters[0] = ev->sp[self].cluster;
        m.path.n_clusters++;
        const struct evpn_policy *pe;
        evpn_rr_policy_permits(ev, &ev->sp[self], p, &pe);
        evpn_policy_set(pe, &m.path);
    }
    /* The neighbour's outbound route-map matches the path as this
     * speaker holds it, as rr_policy does; both add what they set. */
    const struct evpn_policy *npe;
    evpn_neighbor_permits(ev, self, ev->sess[si].end[1 - k], false, p, &npe);
    evpn_policy_set(npe, &m.path);
    m.bytes = bgp_evpn_update_bytes((enum evpn_route_type)p->nlri.type,
                                    p->nlri.type == EVPN_MAC_IP && p->seq > 0,
                                    m.path.n_clusters, 1 + m.path.n_comms,
                                    m.path.n_large);
    evpn_send_msg(ev, si, k, &m);
}

static void
send_withdraw(struct evpn *ev, uint32_t si, int k, const struct nlri *n)
{
    struct msg m = { .type = BGP_UPDATE, .withdraw = true };
    m.path.nlri = *n;
    m.bytes = bgp_evpn_withdraw_bytes((enum evpn_route_type)n->type);
    evpn_send_msg(ev, si, k, &m);
}

/* ---- The data plane of a VTEP. ---- */

/* Whether the type 5 prefix of VTEP speaker O for the tenant of VNI
 * index V covers address ADDR; its length in *LEN. */
static bool
type5_covers(const struct evpn *ev, uint32_t o, uint32_t v, uint32_t addr,
             uint32_t *len)
{
    size_t i = (size_t)o * ev->n_vni + v;
    *len = ev->t5_len[i];
    uint32_t mask = *len ? UINT32_MAX << (32 - *len) : 0;
    return ((ev->t5_addr[i] ^ addr) & mask) == 0;
}

/* The VTEP speaker S's longest type 5 prefix covering host MAC's address
 * leads to (ties: its own, else the lowest VTEP); NONE for none, or its
 * own (the subnet is its own: a VM not here is not behind it either),
 * or if MAC's VMs are here. */
static uint32_t
type5_lookup(const struct evpn *ev, uint32_t si, uint32_t mac)
{
    const struct speaker *s = &ev->sp[si];
    uint32_t best = NONE, best_len = 0, len;
    uint32_t v = evpn_vni_index(ev, ev->host_vni[mac]);
    if (ev->loc[mac] == si)
        return NONE;
    for (uint32_t o = 0; o < ev->n_vteps; o++) {
        if (!s->t5[(size_t)o * ev->n_vni + v] ||
            !type5_covers(ev, o, v, ev->host_addr[mac], &len))
            continue;
        if (best != NONE && (len < best_len || (len == best_len && o != si)))
            continue;
        best = o;
        best_len = len;
    }
    return best == si ? NONE : best;
}

/* Tells VTEP speaker S's data plane where host MAC's VMs are if that has
 * changed: the type 2 route it installed, else the longest type 5
 * prefix (symmetric IRB, RFC 9135: routed to the prefix's VTEP). */
static void
fwd_update(struct evpn *ev, uint32_t si, uint32_t mac)
{
    struct speaker *s = &ev->sp[si];
    uint32_t at = s->win_origin[mac];
    if (at == NONE && s->t5)
        at = type5_lookup(ev, si, mac);
    if (at == s->fwd[mac])
        return;
    s->fwd[mac] = at;
    ev->dp->class->mac(ev->dp, s->host, mac,
                       at == NONE ? NONE : ev->sp[at].host);
}

/* VTEP speaker S holds (ON) or no longer holds VTEP O's type 5 route
 * of tenant VNI: the hosts of the tenant that O's prefix covers may
 * move. */
static void
type5_change(struct evpn *ev, uint32_t si, uint32_t o, uint32_t vni, bool on)
{
    struct speaker *s = &ev->sp[si];
    uint32_t len, v = evpn_vni_index(ev, vni);
    s->t5[(size_t)o * ev->n_vni + v] = on;
    for (uint32_t mac = 0; mac < ev->n_hosts; mac++)
        if (ev->host_vni[mac] == vni &&
            type5_covers(ev, o, v, ev->host_addr[mac], &len))
            fwd_update(ev, si, mac);
}

static bool
type2_beats(uint32_t seq, uint32_t origin, uint32_t wseq, uint32_t worigin)
{
    if (worigin == NONE)
        return true;
    if (seq != wseq)
        return seq > wseq;
    return origin < worigin;
}

static void move_check(struct evpn *, uint32_t s, uint32_t mac);

/* Recomputes which type 2 route of host MAC's VMs speaker S installs,
 * and tells the data plane of a change. */
static void
mac_update(struct evpn *ev, uint32_t si, uint32_t mac)
{
    struct speaker *s = &ev->sp[si];
    uint32_t wo = NONE, ws = 0;
    for (uint32_t i = 0; i < s->rib.cap; i++) {
        const struct rib_entry *e = &s->rib.v[i];
        if (!e->used || e->best == NONE || e->nlri.type != EVPN_MAC_IP ||
            e->nlri.mac != mac)
            continue;
        const struct path *p = &e->paths[e->best];
        if (type2_beats(p->seq, e->nlri.origin, ws, wo)) {
            wo = e->nlri.origin;
            ws = p->seq;
        }
    }
    if (wo == s->win_origin[mac] && ws == s->win_seq[mac])
        return;
    s->win_origin[mac] = wo;
    s->win_seq[mac] = ws;
    fwd_update(ev, si, mac);
    move_check(ev, si, mac);
}

static void on_best_change(struct evpn *, uint32_t s, struct rib_entry *,
                           const struct path *old);

/* RFC 7432 15.1: a VTEP that advertised MAC and now holds a newer route
 * for it from elsewhere withdraws its own. */
static void
mobility_withdraw(struct evpn *ev, uint32_t si, uint32_t mac)
{
    struct speaker *s = &ev->sp[si];
    if (s->win_origin[mac] == si || s->win_origin[mac] == NONE)
        return;
    struct nlri own = { EVPN_MAC_IP, ev->host_vni[mac], mac, si };
    struct rib_entry *e = rib_find(&s->rib, &own);
    uint32_t i = e ? evpn_path_from(e, si) : NONE;
    if (i == NONE)
        return;
    struct path old = e->paths[i];
    e->paths[i] = e->paths[--e->n];
    s->rib.paths--;
    evpn_row(ev, s)->rib_entries = s->rib.paths;
    choose_best(e, si);
    on_best_change(ev, si, e, &old);
}

/* Speaker S's best path of E has changed from OLD (NULL: none): tell its
 * peers and, on a VTEP, its data plane. */
static void
on_best_change(struct evpn *ev, uint32_t si, struct rib_entry *e,
               const struct path *old)
{
    struct speaker *s = &ev->sp[si];
    const struct path *now = e->best == NONE ? NULL : &e->paths[e->best];
    for (uint32_t j = 0; j < s->n_sess; j++) {
        uint32_t x = s->sess[j];
        struct session *ss = &ev->sess[x];
        int k = ss->end[0] == si ? 0 : 1;
        if (ss->state[k] != FSM_ESTABLISHED ||
            !evpn_rtc_allows(ev, x, k, &e->nlri))
            continue;
        uint32_t peer = ss->end[1 - k];
        if (now && may_send(ev, si, now, peer))
            send_path(ev, x, k, now);
        else if (old && may_send(ev, si, old, peer))
            send_withdraw(ev, x, k, &e->nlri);
    }
    if (s->rr || !evpn_serves(ev, s, e->nlri.vni))
        return;       /* Another tenant's (import: all): no data plane. */
    if (e->nlri.type == EVPN_PREFIX)
        type5_change(ev, si, e->nlri.origin, e->nlri.vni, now != NULL);
    if (e->nlri.type == EVPN_IMET && e->nlri.origin != si)
        ev->dp->class->flood(ev->dp, s->host, e->nlri.vni,
                             ev->sp[e->nlri.origin].host, now != NULL);
    if (e->nlri.type == EVPN_MAC_IP) {
        mac_update(ev, si, e->nlri.mac);
        mobility_withdraw(ev, si, e->nlri.mac);
    }
}

/* Whether paths A and B carry the same communities beyond the tenant's. */
static bool
same_tags(const struct path *a, const struct path *b)
{
    return a->n_comms == b->n_comms && a->n_large == b->n_large &&
           !memcmp(a->comms, b->comms, a->n_comms * sizeof *a->comms) &&
           !memcmp(a->large, b->large, a->n_large * sizeof *a->large);
}

/* Speaker S sets (or, with P NULL, removes) the path of N from FROM. */
void
evpn_rib_set(struct evpn *ev, uint32_t si, const struct nlri *n,
             uint32_t from, const struct path *p)
{
    struct speaker *s = &ev->sp[si];
    struct rib_entry *e = rib_get(&s->rib, n);
    struct path old;
    bool had = e->best != NONE;
    if (had)
        old = e->paths[e->best];
    uint32_t i = evpn_path_from(e, from);
    if (p) {
        if (i == NONE) {
            if (e->n == e->cap) {
                e->cap = e->cap ? 2 * e->cap : 2;
                e->paths = xrealloc(e->paths, e->cap * sizeof *e->paths);
            }
            i = e->n++;
            s->rib.paths++;
        }
        e->paths[i] = *p;
        e->paths[i].from = from;
    } else if (i != NONE) {
        e->paths[i] = e->paths[--e->n];
        s->rib.paths--;
    } else {
        return;
    }
    struct ctl_speaker *r = evpn_row(ev, s);
    r->rib_entries = s->rib.paths;
    if (r->rib_entries > r->rib_peak)
        r->rib_peak = r->rib_entries;
    choose_best(e, si);
    const struct path *now = e->best == NONE ? NULL : &e->paths[e->best];
    if (!had && !now)
        return;
    if (had && now && now->from == old.from && now->seq == old.seq &&
        now->n_clusters == old.n_clusters && same_tags(now, &old))
        return;
    on_best_change(ev, si, e, had ? &old : NULL);
}

/* Speaker S originates its route of TYPE in tenant VNI (of host MAC's
 * VMs, type 2) with sequence number SEQ. */
static void
originate(struct evpn *ev, uint32_t si, uint32_t type, uint32_t vni,
          uint32_t mac, uint32_t seq)
{
    struct path p = { .nlri = { type, vni, mac, si },
                      .seq = seq, .from = si };
    if (ev->spec->large_community) {
        p.n_large = 1;
        p.large[0][0] = ev->spec->asn;
        p.large[0][1] = vni;
        p.large[0][2] = ev->spec->large_data2;
    }
    evpn_rib_set(ev, si, &p.nlri, si, &p);
}

/* ---- Receiving. ---- */

/* Side K of session SI sends its initial table: every best path the
 * peer may have, then End-of-RIB. */
void
evpn_send_table(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct speaker *sp = &ev->sp[self];
    for (uint32_t i = 0; i < sp->rib.cap; i++) {
        const struct rib_entry *e = &sp->rib.v[i];
        if (e->used && e->best != NONE &&
            may_send(ev, self, &e->paths[e->best], peer) &&
            evpn_rtc_allows(ev, si, k, &e->nlri))
            send_path(ev, si, k, &e->paths[e->best]);
    }
    struct msg eor = { .type = BGP_UPDATE, .eor = true,
                       .bytes = BGP_EVPN_EOR_BYTES };
    evpn_send_msg(ev, si, k, &eor);
}

static void
established(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    s->state[k] = FSM_ESTABLISHED;
    s->up_ps[k] = ev->net->sim.now_ps;
    if (s->fell[k]) {
        evpn_row(ev, &ev->sp[s->end[k]])->reconnects++;
        s->fell[k] = false;
    }
    if (ev->spec->rt_constraint)
        evpn_rtc_send(ev, si, k);   /* The table follows the peer's. */
    else
        evpn_send_table(ev, si, k);
}

static void
apply_update(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct speaker *sp = &ev->sp[self];
    const struct path *p = &m->path;
    if (m->rtc) {
        evpn_rtc_receive(ev, si, k, m);
        return;
    }
    if (m->eor)
        return;
    if (sp->rr) {
        for (uint32_t i = 0; i < p->n_clusters; i++)
            if (p->clusters[i] == sp->cluster)
                return;               /* RFC 4456 8: a loop. */
    } else if (p->nlri.origin == self) {
        return;                       /* Its own (ORIGINATOR_ID). */
    }
    /* The neighbour's inbound route-map first (a route it denies is
     * dropped on receipt, and replaces, so removes, the peer's earlier
     * path of the NLRI, as FRR treats a route its `route-map in`
     * filters; one it permits takes what it sets), then the VTEP's
     * import.  A withdrawal carries no communities to match. */
    struct path tagged;
    const struct evpn_policy *pe;
    if (!m->withdraw && ev->spec->n_nbr) {
        if (!evpn_neighbor_permits(ev, self, peer, true, p, &pe)) {
            const struct rib_entry *e = rib_find(&sp->rib, &p->nlri);
            if (e && evpn_path_from(e, peer) != NONE)
                evpn_rib_set(ev, self, &p->nlri, peer, NULL);
            return;
        }
        tagged = *p;
        evpn_policy_set(pe, &tagged);
        p = &tagged;
    }
    if (!sp->rr && !evpn_import_permits(ev, sp, p))
        return;   /* A route its import policy rejects. */
    evpn_rib_set(ev, self, &p->nlri, peer, m->withdraw ? NULL : p);
}

/* Speaker S's CPU has run the oldest message waiting for it. */
static void
process(struct evpn *ev, uint32_t si_sp)
{
    struct speaker *sp = &ev->sp[si_sp];
    sim_assert(sp->pq.n > 0);
    struct pending pd = *(struct pending *)evq_head(&sp->pq);
    evq_pop(&sp->pq);
    struct session *s = &ev->sess[pd.session];
    int k = pd.side;
    if (pd.m.conn != s->conn)
        return;               /* Of a connection closed since. */
    uint8_t st = s->state[k];
    bool mine = s->side_conn[k] == s->conn;
    switch (pd.m.type) {
    case BGP_OPEN:
        /* The peer's new connection: a side trying one of its own, or
         * still opening an older one, takes it (the newer wins the
         * collision, RFC 4271 6.8); Idle and Established refuse it. */
        if (!mine && st != FSM_IDLE && st != FSM_ESTABLISHED) {
            s->side_conn[k] = s->conn;
            s->state[k] = st = FSM_OPEN_SENT;
            evpn_send_simple(ev, pd.session, k, BGP_OPEN);
            mine = true;
        }
        if (mine && (st == FSM_OPEN_SENT || st == FSM_CONNECT)) {
            s->state[k] = FSM_OPEN_CONFIRM;
            evpn_send_simple(ev, pd.session, k, BGP_KEEPALIVE);
            if (ev->spec->hold_ps)
                evpn_hold_start(ev, pd.session, k);
        }
        break;
    case BGP_NOTIFICATION:
        if (mine && st != FSM_IDLE && st != FSM_CONNECT)
            evpn_session_down(ev, pd.session, k, false);
        break;
    case BGP_KEEPALIVE:
        if (mine && st == FSM_OPEN_CONFIRM)
            established(ev, pd.session, k);
        break;
    case BGP_UPDATE:
        if (mine && st == FSM_ESTABLISHED)
            apply_update(ev, pd.session, k, &pd.m);
        break;
    }
}

static void
core_done(struct net *net, struct cpu_work *w)
{
    (void)net;
    struct speaker *sp = w->obj;
    process(sp->ev, (uint32_t)(sp - sp->ev->sp));
}

static void
cpu_done(struct sim *sim, void *obj, uint64_t s)
{
    (void)sim;
    process(obj, (uint32_t)s);
}

/* A message for speaker S has arrived whole: it waits for the CPU. */
static void
receive(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    /* A closed connection delivers nothing (conn_close()). */
    sim_assert(m->conn == s->conn);
    uint32_t self = s->end[k];
    struct speaker *sp = &ev->sp[self];
    struct ctl_speaker *r = evpn_row(ev, sp);
    r->msgs_rx++;
    r->bytes_rx += m->bytes;
    s->last_rx_ps[k] = ev->net->sim.now_ps;
    uint64_t cost = 0;
    if (m->type == BGP_UPDATE) {
        r->updates_rx++;
        if (m->withdraw)
            r->withdrawals_rx++;
        else if (!m->eor)
            r->routes_rx++;
        cost = ev->spec->update_cpu_ps;
    }
    r->cpu_ps += cost;
    *(struct pending *)evq_push(&sp->pq) =
        (struct pending){ .session = si, .side = (uint8_t)k, .m = *m };
    if (sp->core) {
        core_run(ev->net, sp->core, ACT_APP, cost, core_done, sp, NULL);
        return;
    }
    uint64_t now = ev->net->sim.now_ps;
    uint64_t t = (sp->busy_until_ps > now ? sp->busy_until_ps : now) + cost;
    sp->busy_until_ps = t;
    sim_call(&ev->net->sim, t, cpu_done, ev, self);
}

void
evpn_delivered(struct evpn *ev, uint32_t si, int k)
{
    struct evq *q = &ev->sess[si].q[k];
    sim_assert(q->n > 0);
    struct msg m = *(struct msg *)evq_head(q);
    evq_pop(q);
    receive(ev, si, 1 - k, &m);
}

void
evpn_msg_done(struct evpn *ev, struct net *net, struct flow *f, uint64_t tag)
{
    (void)net;
    uint32_t i = f->id - ev->first_flow;
    uint32_t si = i / 2;
    int k = (int)(i % 2);
    /* Streams deliver in the order posted: TAG is the oldest left. */
    sim_assert(tag == ev->sess[si].posted[k] - ev->sess[si].q[k].n);
    evpn_delivered(ev, si, k);
}

bool
evpn_owns_flow(const struct evpn *ev, const struct flow *f)
{
    return ev && !ev->leaf && f->id >= ev->first_flow &&
           f->id - ev->first_flow < 2 * ev->n_sess;
}

/* ---- Building. ---- */

static void
add_session(struct evpn *ev, uint32_t a, uint32_t b)
{
    uint32_t si = ev->n_sess++;
    struct session *s = &ev->sess[si];
    s->end[0] = a;
    s->end[1] = b;
    s->q[0].item = s->q[1].item = sizeof(struct msg);
    for (int k = 0; k < 2; k++) {
        struct speaker *sp = &ev->sp[s->end[k]];
        sp->sess = xrealloc(sp->sess, (sp->n_sess + 1) * sizeof *sp->sess);
        sp->sess[sp->n_sess++] = si;
        evpn_row(ev, sp)->sessions++;
    }
    if (ev->leaf)
        evpn_leaf_session(ev->leaf, si, ev->sp[a].host - ev->n_hosts,
                          ev->sp[b].host - ev->n_hosts);
}

/* Fills the flow of session SI's direction K, a message stream opened at
 * START_PS (evpn.start: evpn_open_all(); later: a new connection). */
void
evpn_flow_init(struct evpn *ev, uint32_t si, int k, uint64_t start_ps)
{
    struct session *s = &ev->sess[si];
    uint32_t id = ev->first_flow + 2 * si + (uint32_t)k;
    struct flow *f = &edge_of(ev->net)->flows[id];
    memset(f, 0, sizeof *f);
    f->id = id;
    f->src = ev->sp[s->end[k]].host;
    f->dst = ev->sp[s->end[1 - k]].host;
    /* Each connection from its own ephemeral port. */
    f->sport = (uint16_t)(EPHEMERAL0 + (2 * si + (uint32_t)k +
                                        2 * ev->n_sess * s->conn) % 16384);
    f->dport = BGP_PORT;
    f->tc = ev->spec->tc;
    f->transport = &transport_tcp;
    f->entry = ev->entry;
    f->control = true;
    f->start_ps = start_ps;
    s->flow[k] = id;
}

static void
make_flows(struct evpn *ev)
{
    for (uint32_t si = 0; !ev->leaf && si < ev->n_sess; si++)
        for (int k = 0; k < 2; k++)
            evpn_flow_init(ev, si, k, ev->spec->start_ps);
}

static void
add_speaker(struct evpn *ev, uint32_t host, bool rr, uint32_t cluster,
            struct ctl_speakers *list)
{
    struct speaker *sp = &ev->sp[ev->n_sp++];
    struct edge *edge = edge_of(ev->net);
    sp->ev = ev;
    sp->pq.item = sizeof(struct pending);
    sp->host = host;
    sp->rr = rr;
    sp->cluster = cluster;
    sp->row = ctl_speakers_add(list, host, rr ? "rr" : "vtep", ev->spec->asn);
    if (edge->servers && host < ev->n_hosts) {
        struct server *srv = &edge->servers[host];
        sp->core = &srv->cores[ev->spec->cpu_core < srv->n_cores
                                   ? ev->spec->cpu_core
                                   : srv->n_cores - 1];
    }
    if (!rr) {
        sp->win_origin = xmalloc(ev->n_hosts * sizeof *sp->win_origin);
        sp->win_seq = xcalloc(ev->n_hosts, sizeof *sp->win_seq);
        sp->fwd = xmalloc(ev->n_hosts * sizeof *sp->fwd);
        for (uint32_t h = 0; h < ev->n_hosts; h++)
            sp->win_origin[h] = sp->fwd[h] = NONE;
        sp->serves = xcalloc(ev->n_vni + 1, 1);
        if (ev->spec->type5)
            sp->t5 = xcalloc((size_t)ev->n_vteps * ev->n_vni + 1, 1);
    }
}

/* The tenants' VNIs (ev->vnis) from HOST_VNI, kept sorted as they come
 * (a handful of tenants). */
static void
collect_vnis(struct evpn *ev, const uint32_t *host_vni)
{
    ev->vnis = xmalloc((ev->n_hosts + 1) * sizeof *ev->vnis);
    for (uint32_t h = 0; h < ev->n_hosts; h++) {
        uint32_t v = host_vni[h], i = ev->n_vni;
        if (!v || evpn_vni_index(ev, v) != NONE)
            continue;
        for (; i > 0 && ev->vnis[i - 1] > v; i--)
            ev->vnis[i] = ev->vnis[i - 1];
        ev->vnis[i] = v;
        ev->n_vni++;
    }
}

/* The tenants each VTEP serves (those of the hosts whose VMs are behind
 * it) and, with type5, its prefix per tenant: around the tenant address
 * of its first host of the tenant, of that host's evpn.type5_prefix
 * length (RFC 9136: one IP prefix route per subnet per IP-VRF). */
static void
serve_tenants(struct evpn *ev)
{
    if (ev->spec->type5) {
        ev->t5_addr = xcalloc((size_t)ev->n_vteps * ev->n_vni + 1,
                              sizeof *ev->t5_addr);
        ev->t5_len = xcalloc((size_t)ev->n_vteps * ev->n_vni + 1, 1);
    }
    for (uint32_t h = 0; h < ev->n_hosts; h++) {
        uint32_t o = ev->loc[h];
        if (o == NONE)
            continue;
        uint32_t v = evpn_vni_index(ev, ev->host_vni[h]);
        size_t i = (size_t)o * ev->n_vni + v;
        ev->sp[o].serves[v] = 1;
        if (ev->spec->type5 && !ev->t5_len[i]) {
            ev->t5_addr[i] = ev->host_addr[h];
            ev->t5_len[i] = ev->spec->type5_len[h];
        }
    }
}

struct evpn *
evpn_create(struct net *net, const struct evpn_config *cfg,
            struct ctl_speakers *list)
{
    const struct evpn_spec *spec = cfg->spec;
    struct evpn *ev = xcalloc(1, sizeof *ev);
    ev->net = net;
    ev->spec = spec;
    ev->dp = cfg->dp;
    ev->list = list;
    ev->stop_ps = cfg->stop_ps;
    ev->first_flow = cfg->first_flow;
    ev->n_hosts = net->n_hosts;
    ev->n_nodes = cfg->n_nodes;
    ev->host_addr = cfg->host_addr;
    ev->host_vni = cfg->host_vni;
    collect_vnis(ev, cfg->host_vni);
    ev->n_vteps = count_vteps(cfg->node_vni, ev->n_nodes);
    ev->sp = xcalloc(ev->n_vteps + spec->n_rr, sizeof *ev->sp);
    ev->sp_of_node = xmalloc(ev->n_nodes * sizeof *ev->sp_of_node);
    ev->loc = xmalloc(ev->n_hosts * sizeof *ev->loc);
    ev->mac_node = xmalloc(ev->n_hosts * sizeof *ev->mac_node);
    if (spec->leaf)
        ev->leaf = evpn_leaf_create(net, ev, spec->tc);
    bool rrs = spec->topology == EVPN_ROUTE_REFLECTORS;
    for (uint32_t x = 0; x < ev->n_nodes; x++) {
        ev->sp_of_node[x] = NONE;
        if (cfg->node_vni[x]) {
            ev->sp_of_node[x] = ev->n_sp;
            add_speaker(ev, x, false, evpn_vtep_cluster(spec, ev->n_sp), list);
        }
    }
    for (uint32_t h = 0; h < ev->n_hosts; h++) {
        ev->mac_node[h] = cfg->mac_node ? cfg->mac_node[h] : h;
        ev->loc[h] = cfg->host_vni[h] ? ev->sp_of_node[ev->mac_node[h]]
                                      : NONE;
    }
    for (size_t r = 0; rrs && r < spec->n_rr; r++)
        add_speaker(ev, spec->rr_hosts[r], true,
                    evpn_rr_cluster(spec, (uint32_t)r), list);
    serve_tenants(ev);
    uint32_t n_sess = evpn_session_count(spec, cfg->node_vni, ev->n_nodes);
    ev->sess = xcalloc(n_sess + 1, sizeof *ev->sess);
    if (spec->rt_constraint)
        ev->rtc_want = xcalloc(2 * (size_t)n_sess * ev->n_vni + 1, 1);
    if (!rrs) {
        for (uint32_t a = 0; a < ev->n_vteps; a++)
            for (uint32_t b = a + 1; b < ev->n_vteps; b++)
                add_session(ev, a, b);
    } else {
        for (uint32_t a = 0; a < ev->n_vteps; a++)
            for (uint32_t r = ev->n_vteps; r < ev->n_sp; r++)
                if (ev->sp[r].cluster == ev->sp[a].cluster)
                    add_session(ev, a, r);
        for (uint32_t r = ev->n_vteps; r < ev->n_sp; r++)
            for (uint32_t q = r + 1; q < ev->n_sp; q++)
                add_session(ev, r, q);
    }
    sim_assert(ev->n_sess == evpn_session_count(spec, cfg->node_vni,
                                                ev->n_nodes));
    ev->entry = cfg->entry;
    make_flows(ev);
    /* Each VTEP's own routes, in its RIB before any session is up: a type
     * 2 route for every tenant host behind it. */
    for (uint32_t a = 0; a < ev->n_vteps; a++) {
        const uint8_t *sv = ev->sp[a].serves;
        for (uint32_t v = 0; v < ev->n_vni; v++)
            if (sv[v])
                originate(ev, a, EVPN_IMET, ev->vnis[v], 0, 0);
        if (spec->host_routes)
            for (uint32_t h = 0; h < ev->n_hosts; h++)
                if (ev->loc[h] == a)
                    originate(ev, a, EVPN_MAC_IP, ev->host_vni[h], h, 0);
        for (uint32_t v = 0; spec->type5 && v < ev->n_vni; v++)
            if (sv[v])
                originate(ev, a, EVPN_PREFIX, ev->vnis[v], 0, 0);
    }
    sim_call(&net->sim, spec->start_ps, evpn_open_all, ev, 0);
    return ev;
}

void
evpn_destroy(struct evpn *ev)
{
    if (!ev)
        return;
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        struct speaker *sp = &ev->sp[i];
        rib_free(&sp->rib);
        free(sp->sess);
        free(sp->pq.v);
        free(sp->win_origin);
        free(sp->win_seq);
        free(sp->fwd);
        free(sp->t5);
        free(sp->serves);
    }
    for (uint32_t i = 0; i < ev->n_sess; i++)
        for (int k = 0; k < 2; k++)
            free(ev->sess[i].q[k].v);
    for (size_t i = 0; i < ev->n_moves; i++)
        free(ev->moves[i].learned);
    free(ev->moves);
    free(ev->sess);
    free(ev->sp);
    free(ev->sp_of_node);
    free(ev->loc);
    free(ev->mac_node);
    free(ev->vnis);
    free(ev->t5_addr);
    free(ev->t5_len);
    free(ev->rtc_want);
    evpn_leaf_destroy(ev->leaf);
    free(ev);
}

/* ---- VM moves. ---- */

static void
move_check(struct evpn *ev, uint32_t si, uint32_t mac)
{
    const struct speaker *s = &ev->sp[si];
    for (size_t i = 0; i < ev->n_moves; i++) {
        struct move *mv = &ev->moves[i];
        if (mv->mac != mac || !mv->waiting || mv->learned[si] ||
            !evpn_serves(ev, s, ev->host_vni[mac]) || s->win_origin[mac] != mv->to ||
            s->win_seq[mac] < mv->seq)
            continue;
        mv->learned[si] = 1;
        if (!--mv->waiting)
            mv->rec->converged_ps = ev->net->sim.now_ps;
    }
}

void
evpn_vm_move(struct evpn *ev, struct net *net, uint32_t mac, uint32_t to,
             struct ctl_record *r)
{
    uint32_t t = ev->sp_of_node[ev->mac_node[to]], from = ev->loc[mac];
    sim_assert(t != NONE && from != NONE);
    r->detected_ps = net->sim.now_ps;
    if (ev->dp->class->moved)
        ev->dp->class->moved(ev->dp, mac, to);
    if (t == from) {
        r->converged_ps = net->sim.now_ps;
        return;
    }
    struct speaker *ts = &ev->sp[t];
    ev->moves = xrealloc(ev->moves, (ev->n_moves + 1) * sizeof *ev->moves);
    struct move *mv = &ev->moves[ev->n_moves++];
    *mv = (struct move){ .mac = mac, .to = t, .rec = r };
    mv->learned = xcalloc(ev->n_sp, 1);
    mv->seq = (ts->win_origin[mac] == NONE ? 0 : ts->win_seq[mac]) + 1;
    for (uint32_t i = 0; i < ev->n_vteps; i++)
        if (i != t && evpn_serves(ev, &ev->sp[i], ev->host_vni[mac]))
            mv->waiting++;
    mv->learned[t] = 1;
    ev->loc[mac] = t;
    if (ev->dp->class->gone)
        ev->dp->class->gone(ev->dp, ev->sp[from].host, mac);
    originate(ev, t, EVPN_MAC_IP, ev->host_vni[mac], mac, mv->seq);
    if (!mv->waiting)
        r->converged_ps = net->sim.now_ps;
}

/* ---- Results. ---- */

void
evpn_finish(struct evpn *ev)
{
    for (uint32_t si = 0; si < ev->n_sess; si++)
        for (int k = 0; k < 2; k++)
            if (ev->sess[si].state[k] == FSM_ESTABLISHED)
                evpn_row(ev, &ev->sp[ev->sess[si].end[k]])->sessions_up++;
}

void
evpn_totals(const struct evpn *ev, struct evpn_totals *t)
{
    *t = (struct evpn_totals){ .vteps = ev->n_vteps,
                               .rrs = ev->n_sp - ev->n_vteps,
                               .sessions = ev->n_sess };
    for (uint32_t si = 0; si < ev->n_sess; si++) {
        const struct session *s = &ev->sess[si];
        if (s->state[0] != FSM_ESTABLISHED || s->state[1] != FSM_ESTABLISHED) {
            t->established_ps = UINT64_MAX;
            continue;
        }
        t->sessions_up++;
        for (int k = 0; k < 2 && t->established_ps != UINT64_MAX; k++)
            if (s->up_ps[k] > t->established_ps)
                t->established_ps = s->up_ps[k];
    }
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        const struct ctl_speaker *r = &ev->list->v[ev->sp[i].row];
        t->msgs += r->msgs_tx;
        t->updates += r->updates_tx;
        t->bytes += r->bytes_tx;
        t->rib_entries += r->rib_entries;
    }
}
