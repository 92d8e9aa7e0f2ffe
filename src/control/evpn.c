/* BGP EVPN speakers, their sessions over TCP, RIBs and route reflection;
 * see evpn.h. */
#include "control/evpn.h"

#include <stdlib.h>
#include <string.h>

#include "control/bgp-msg.h"
#include "control/control.h"
#include "control/evpn-leaf.h"
#include "control/speaker.h"
#include "fabric/net.h"
#include "host/cpu.h"
#include "host/edge.h"
#include "host/server.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "transport/transport.h"

#define NONE UINT32_MAX
#define BGP_PORT 179
#define EPHEMERAL0 49152
#define MAX_CLUSTERS 4   /* One level of reflection makes at most 2. */
#define RTC_ALL UINT32_MAX   /* A peer's RT membership: the default one,
                              * every route. */

/* One route's key: its NLRI (the RD is the originator's). */
struct nlri {
    uint32_t type;             /* enum evpn_route_type. */
    uint32_t vni;
    uint32_t mac;              /* Type 2: the host whose VMs it is. */
    uint32_t origin;           /* Originating speaker (its RD). */
};

/* One path of an NLRI, as a speaker holds it. */
struct path {
    struct nlri nlri;
    uint32_t seq;              /* MAC mobility sequence number. */
    uint32_t from;             /* The speaker it came from; its holder
                                * for its own routes. */
    uint32_t n_clusters;
    uint32_t clusters[MAX_CLUSTERS];  /* CLUSTER_LIST, newest first. */
    uint8_t n_comms, n_large;
    uint32_t comms[EVPN_MAX_SET];     /* Standard communities beyond the
                                       * tenant's (community_of()), set
                                       * by RRs (evpn.rr_policy). */
    uint32_t large[EVPN_MAX_SET + 1][3];  /* Large communities (RFC
                                           * 8092): the originator's
                                           * (evpn.large_community), then
                                           * those RRs set. */
};

/* An NLRI in a speaker's RIB: its paths (one per peer) and the best. */
struct rib_entry {
    struct nlri nlri;
    bool used;
    uint32_t n, cap;
    struct path *paths;
    uint32_t best;             /* Index in paths, or NONE. */
};

struct rib {
    struct rib_entry *v;       /* Open addressing, linear probing. */
    uint32_t cap, n_keys;      /* A power of two; keys ever used. */
    uint64_t paths;            /* Paths held. */
};

/* A message posted on a session's direction. */
struct msg {
    uint32_t bytes;
    uint8_t type;              /* enum bgp_msg_type. */
    bool withdraw;
    bool eor;
    bool rtc;                  /* Of RT-constrain (RFC 4684): a
                                * membership, its route target in
                                * path.nlri.vni (0: the default), or its
                                * End-of-RIB. */
    struct path path;          /* UPDATE. */
    uint32_t conn;             /* The session's connection it was posted
                                * on (struct session). */
};

/* A FIFO of fixed-size items, in a ring that doubles when full. */
struct evq {
    char *v;
    size_t item;               /* Bytes per item. */
    size_t head, n, cap;       /* In items. */
};

/* RFC 4271 section 8's states; Connect stands for Active too (a side
 * waiting for its ConnectRetryTimer or for the peer's answer). */
enum fsm {
    FSM_IDLE,
    FSM_CONNECT,
    FSM_OPEN_SENT,
    FSM_OPEN_CONFIRM,
    FSM_ESTABLISHED
};

/* One iBGP session; side K is speaker end[K], sending on the message
 * stream flow[K] (transport.h): each message is a transport_post() whose
 * tag is its number in that direction, delivered to evpn_msg_done(). */
struct session {
    uint32_t end[2];
    uint32_t flow[2];          /* Flow id of each direction. */
    uint64_t posted[2];        /* Messages posted on it. */
    struct evq q[2];          /* Messages posted, not yet delivered. */
    uint8_t state[2];          /* enum fsm, per side. */
    uint64_t up_ps[2];         /* When each side got Established. */
    /* evpn.rt_constraint: the route target side K's peer asked for
     * (RTC_ALL: every one; 0: none yet), and whether its End-of-RIB of
     * memberships has come (side K then sends its routes). */
    uint32_t want[2];
    bool rtc_in[2];
    uint64_t last_rx_ps[2];    /* evpn.hold: when side K last received a
                                * message. */
    /* The TCP connection: both streams are one connection, numbered
     * from 0 (opened at evpn.start); a side that goes down closes it,
     * one that tries again opens the next (in the same two flows). */
    uint32_t conn;
    bool closed;               /* Closed, the next not yet opened. */
    uint32_t side_conn[2];     /* The connection side K is on: it sends
                                * only on that one, if still open, and
                                * takes only its messages. */
    uint64_t retry_at_ps[2];   /* Connect: the ConnectRetryTimer. */
    bool retry_armed[2];       /* Its event is pending; */
    bool hold_armed[2];        /* so is the hold timer's. */
    bool fell[2];              /* Left Established since it last was. */
};

/* A message delivered to a speaker, waiting for its CPU. */
struct pending {
    uint32_t session;
    uint8_t side;              /* The receiver's side. */
    struct msg m;
};

struct speaker {
    struct evpn *ev;
    uint32_t host;
    size_t row;                /* In the control plane's speaker list. */
    bool rr;
    uint32_t cluster;          /* RR: its cluster; VTEP: the cluster it
                                * is a client of (route reflectors). */
    uint8_t *serves;           /* VTEP, per VNI index (evpn.vnis): 1 if
                                * a tenant host's VMs are behind it (a
                                * leaf may serve several tenants, each
                                * its MAC-VRF). */
    uint32_t *sess;            /* Its sessions, */
    uint32_t n_sess;
    struct rib rib;
    struct evq pq;            /* Messages waiting for its CPU
                                * (struct pending). */
    struct core *core;         /* On a server: the core that runs BGP; */
    uint64_t busy_until_ps;    /* else its own control CPU. */
    uint32_t *win_origin;      /* VTEP, per host's MACs: the speaker of
                                * the installed type 2 route, or NONE, */
    uint32_t *win_seq;         /* and its sequence number. */
    uint32_t *fwd;             /* VTEP, per host's MACs: the speaker its
                                * data plane sends them to (the type 2
                                * winner, else the longest type 5
                                * prefix's), or NONE. */
    uint8_t *t5;               /* VTEP with type5, per speaker and VNI
                                * index: 1 if it holds that speaker's
                                * type 5 route of that VNI. */
};

/* A vm_move whose convergence is being watched. */
struct move {
    uint32_t mac, to;          /* Host of the MACs; new speaker. */
    uint32_t seq;
    uint32_t waiting;          /* VTEPs of the tenant still to learn it. */
    uint8_t *learned;          /* Per speaker. */
    struct ctl_record *rec;
};

struct evpn {
    struct net *net;
    const struct evpn_spec *spec;
    struct evpn_dp *dp;
    struct ctl_speakers *list;
    uint64_t stop_ps;
    struct speaker *sp;
    uint32_t n_sp, n_vteps;    /* VTEPs first, then the RRs. */
    uint32_t *sp_of_node;      /* Per node: its VTEP speaker, or NONE. */
    uint32_t *loc;             /* Per host: the speaker its VMs are
                                * behind now, or NONE. */
    uint32_t n_hosts, n_nodes;
    uint32_t *mac_node;        /* Per host: its VTEP's node (evpn_config). */
    struct evpn_leaf *leaf;    /* Leaf VTEPs: the sessions' transport. */
    const uint32_t *host_addr; /* Per host: its tenant address. */
    const uint32_t *host_vni;  /* Per host: its tenant's VNI, 0: none. */
    uint32_t *vnis;            /* The tenants' VNIs, ascending: a VNI's
                                * index is its place here. */
    uint32_t n_vni;
    uint32_t *t5_addr;         /* Per VTEP speaker and VNI index: the
                                * address its type 5 prefix is around
                                * (its first host's of the tenant), */
    uint8_t *t5_len;           /* and its length (type5). */
    uint8_t *rtc_want;         /* evpn.rt_constraint, per session side
                                * (2 si + k) and VNI index: the peer
                                * asked for that route target. */
    struct session *sess;
    uint32_t n_sess;
    uint32_t first_flow;
    uint16_t entry;            /* The edge entry of the sessions' flows. */
    struct move *moves;
    size_t n_moves;
};

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
static uint32_t
vni_index(const struct evpn *ev, uint32_t vni)
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
static bool
serves(const struct evpn *ev, const struct speaker *s, uint32_t vni)
{
    uint32_t i = vni_index(ev, vni);
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
static uint32_t
path_from(const struct rib_entry *e, uint32_t from)
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

static struct ctl_speaker *
row(struct evpn *ev, const struct speaker *s)
{
    return &ev->list->v[s->row];
}

/* Side K of session S posts M on its stream. */
static void
send_msg(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    struct ctl_speaker *r = row(ev, &ev->sp[s->end[k]]);
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

static void
send_simple(struct evpn *ev, uint32_t si, int k, uint8_t type)
{
    struct msg m = { .type = type,
                     .bytes = type == BGP_OPEN ? BGP_EVPN_OPEN_BYTES
                                               : BGP_KEEPALIVE_BYTES };
    if (type == BGP_OPEN && ev->spec->rt_constraint)
        m.bytes += BGP_RTC_CAP_BYTES;
    send_msg(ev, si, k, &m);
}

/* Whether speaker X is a route-reflector client of RR speaker R. */
static bool
is_client(const struct evpn *ev, uint32_t r, uint32_t x)
{
    const struct speaker *a = &ev->sp[r], *b = &ev->sp[x];
    return a->rr && !b->rr && a->cluster == b->cluster;
}

static bool rr_policy_permits(const struct evpn *, const struct speaker *,
                              const struct path *,
                              const struct evpn_policy **pe);
static void policy_set(const struct evpn_policy *, struct path *);

/* Whether speaker SELF advertises path P to peer PEER (RFC 4456 6; an RR
 * only what its outbound route-map permits). */
static bool
may_send(const struct evpn *ev, uint32_t self, const struct path *p,
         uint32_t peer)
{
    if (p->from == peer)
        return false;
    if (p->from == self)
        return true;
    if (!ev->sp[self].rr)
        return false;                   /* iBGP: no re-advertising. */
    const struct evpn_policy *pe;
    return (is_client(ev, self, p->from) || is_client(ev, self, peer)) &&
           rr_policy_permits(ev, &ev->sp[self], p, &pe);
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
        rr_policy_permits(ev, &ev->sp[self], p, &pe);
        policy_set(pe, &m.path);
    }
    m.bytes = bgp_evpn_update_bytes((enum evpn_route_type)p->nlri.type,
                                    p->nlri.type == EVPN_MAC_IP && p->seq > 0,
                                    m.path.n_clusters, 1 + m.path.n_comms,
                                    m.path.n_large);
    send_msg(ev, si, k, &m);
}

static void
send_withdraw(struct evpn *ev, uint32_t si, int k, const struct nlri *n)
{
    struct msg m = { .type = BGP_UPDATE, .withdraw = true };
    m.path.nlri = *n;
    m.bytes = bgp_evpn_withdraw_bytes((enum evpn_route_type)n->type);
    send_msg(ev, si, k, &m);
}

/* ---- Policy: import route-map, route target constraint. ---- */

/* The standard community (RFC 1997) that tags tenant VNI's routes: the
 * low 16 bits of the AS, then those of the VNI. */
static uint32_t
community_of(const struct evpn *ev, uint32_t vni)
{
    return (ev->spec->asn & 0xFFFF) << 16 | (vni & 0xFFFF);
}

/* Whether path P carries the community of route-map entry PE (own: one
 * of VTEP SP's tenants'). */
static bool
policy_matches(const struct evpn *ev, const struct speaker *sp,
               const struct evpn_policy *pe, const struct path *p)
{
    uint32_t c = community_of(ev, p->nlri.vni);
    if (pe->any)
        return true;
    if (pe->large) {
        for (uint32_t i = 0; i < p->n_large; i++)
            if (!memcmp(p->large[i], pe->lc, sizeof pe->lc))
                return true;
        return false;
    }
    if (pe->own) {
        for (uint32_t v = 0; v < ev->n_vni; v++)
            if (sp->serves[v] && c == community_of(ev, ev->vnis[v]))
                return true;
        return false;
    }
    if (c == pe->community)
        return true;
    for (uint32_t i = 0; i < p->n_comms; i++)
        if (p->comms[i] == pe->community)
            return true;
    return false;
}

/* The entry of route-map MAP (N entries) that decides path P at speaker
 * SP, the first that matches; NULL for none (a route-map's implicit
 * deny). */
static const struct evpn_policy *
policy_entry(const struct evpn *ev, const struct speaker *sp,
             const struct evpn_policy *map, size_t n, const struct path *p)
{
    for (size_t i = 0; i < n; i++)
        if (policy_matches(ev, sp, &map[i], p))
            return &map[i];
    return NULL;
}

/* Whether VTEP SP imports path P: its route target (evpn.import), then
 * the route-map evpn.policy. */
static bool
import_permits(const struct evpn *ev, const struct speaker *sp,
               const struct path *p)
{
    const struct evpn_spec *s = ev->spec;
    if (s->import == EVPN_IMPORT_RT && !serves(ev, sp, p->nlri.vni))
        return false;
    if (!s->n_policy)
        return true;
    const struct evpn_policy *pe =
        policy_entry(ev, sp, s->policy, s->n_policy, p);
    return pe && pe->permit;
}

/* Whether RR speaker SP's outbound route-map (evpn.rr_policy) lets path
 * P out; the deciding entry in *PE (NULL without a route-map). */
static bool
rr_policy_permits(const struct evpn *ev, const struct speaker *sp,
                  const struct path *p, const struct evpn_policy **pe)
{
    const struct evpn_spec *s = ev->spec;
    *pe = NULL;
    if (!sp->rr || !s->n_rr_policy)
        return true;
    *pe = policy_entry(ev, sp, s->rr_policy, s->n_rr_policy, p);
    return *pe && (*pe)->permit;
}

/* Path P gains the community PE sets (once: additive, RFC 1997's and
 * RFC 8092's sets hold each value once). */
static void
policy_set(const struct evpn_policy *pe, struct path *p)
{
    if (!pe || !pe->set)
        return;
    if (!pe->set_large) {
        for (uint32_t i = 0; i < p->n_comms; i++)
            if (p->comms[i] == pe->set_community)
                return;
        sim_assert(p->n_comms < EVPN_MAX_SET);
        p->comms[p->n_comms++] = pe->set_community;
        return;
    }
    for (uint32_t i = 0; i < p->n_large; i++)
        if (!memcmp(p->large[i], pe->set_lc, sizeof pe->set_lc))
            return;
    sim_assert(p->n_large < EVPN_MAX_SET + 1);
    memcpy(p->large[p->n_large++], pe->set_lc, sizeof pe->set_lc);
}

/* Whether side K of session SI may send routes of N's route target now:
 * with evpn.rt_constraint, once the peer's memberships are all in
 * (RFC 4684 6: routes wait for its End-of-RIB), and only of a route
 * target it asked for. */
static bool
rtc_allows(const struct evpn *ev, uint32_t si, int k, const struct nlri *n)
{
    const struct session *s = &ev->sess[si];
    if (!ev->spec->rt_constraint)
        return true;
    uint32_t i = vni_index(ev, n->vni);
    return s->rtc_in[k] &&
           (s->want[k] == RTC_ALL ||
            (i != NONE &&
             ev->rtc_want[(2 * (size_t)si + (uint32_t)k) * ev->n_vni + i]));
}

/* Side K of session SI, just Established, sends its RT memberships and
 * the End-of-RIB of memberships: a VTEP its tenants' route targets, one
 * UPDATE each, an RR the default membership (every route, which it
 * reflects). */
static void
rtc_send(struct evpn *ev, uint32_t si, int k)
{
    const struct speaker *sp = &ev->sp[ev->sess[si].end[k]];
    for (uint32_t v = 0; v < (sp->rr ? 1 : ev->n_vni); v++) {
        if (!sp->rr && !sp->serves[v])
            continue;
        struct msg m = { .type = BGP_UPDATE, .rtc = true };
        m.path.nlri.vni = sp->rr ? 0 : ev->vnis[v];
        m.bytes = bgp_rtc_update_bytes(sp->rr);
        send_msg(ev, si, k, &m);
    }
    struct msg eor = { .type = BGP_UPDATE, .rtc = true, .eor = true,
                       .bytes = BGP_RTC_EOR_BYTES };
    send_msg(ev, si, k, &eor);
}

static void send_table(struct evpn *, uint32_t si, int k);

/* Side K of session SI takes the peer's RT-constrain message M. */
static void
rtc_receive(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    if (!m->eor) {
        uint32_t v = vni_index(ev, m->path.nlri.vni);
        if (!m->path.nlri.vni)
            s->want[k] = RTC_ALL;
        else if (v != NONE)
            ev->rtc_want[(2 * (size_t)si + (uint32_t)k) * ev->n_vni + v] = 1;
        return;
    }
    if (s->rtc_in[k])
        return;
    s->rtc_in[k] = true;
    send_table(ev, si, k);
}

/* ---- The finite state machine: hold timers (evpn.hold), going down,
 * connecting again (evpn.connect_retry). ---- */

static void rib_set(struct evpn *, uint32_t si, const struct nlri *,
                    uint32_t from, const struct path *);
static void flow_init(struct evpn *, uint32_t si, int k, uint64_t start_ps);
static void sess_start(struct evpn *, uint32_t si, int k);

/* Session SI's connection closes: with host streams both flows' TCP
 * connections are abandoned (transport_close_stream()) and what they
 * still carried is lost; leaf VTEPs' transport (evpn-leaf.h) has no
 * close, so what it still carries arrives and is discarded as the old
 * connection's. */
static void
conn_close(struct evpn *ev, uint32_t si)
{
    struct session *s = &ev->sess[si];
    if (s->closed)
        return;
    s->closed = true;
    if (ev->leaf)
        return;
    for (int k = 0; k < 2; k++) {
        transport_close_stream(ev->net, &edge_of(ev->net)->flows[s->flow[k]]);
        s->q[k].head = s->q[k].n = 0;
    }
}

/* Session SI's next connection opens (replacing the current one, if a
 * side still uses it); false if a closed TCP connection still holds a
 * flow (its last packets waiting to leave): the attempt fails. */
static bool
conn_open(struct evpn *ev, uint32_t si)
{
    struct session *s = &ev->sess[si];
    conn_close(ev, si);
    struct flow *flows = edge_of(ev->net)->flows;
    for (int k = 0; !ev->leaf && k < 2; k++)
        if (flows[s->flow[k]].tp)
            return false;
    s->conn++;
    s->closed = false;
    for (int k = 0; !ev->leaf && k < 2; k++) {
        flow_init(ev, si, k, ev->net->sim.now_ps);
        transport_open_stream(ev->net, s->flow[k]);
    }
    return true;
}

/* Side K of session SI forgets every path its peer sent it, withdrawing
 * them from its own peers in turn (RFC 4271 6.5, 8). */
static void
drop_paths(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct rib *r = &ev->sp[self].rib;
    /* The NLRI first: removing paths may grow the table (rib_get). */
    struct nlri *gone = xmalloc((r->n_keys + 1) * sizeof *gone);
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->cap; i++)
        if (r->v[i].used && path_from(&r->v[i], peer) != NONE)
            gone[n++] = r->v[i].nlri;
    for (uint32_t i = 0; i < n; i++)
        rib_set(ev, self, &gone[i], peer, NULL);
    free(gone);
}

/* Side K of session SI goes Idle: a flap if it was Established; its
 * peer's route target membership is forgotten. */
static void
side_idle(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    if (s->state[k] == FSM_ESTABLISHED) {
        row(ev, &ev->sp[s->end[k]])->flaps++;
        s->fell[k] = true;
    }
    s->state[k] = FSM_IDLE;
    s->want[k] = 0;
    s->rtc_in[k] = false;
}

/* Side K of session SI goes down (RFC 4271 6.5, 8): Idle, and every path
 * its peer sent it is gone; with NOTIFY it tells the peer first (Hold
 * Timer Expired).  It closes the connection it was on and starts again
 * at once (AutomaticStart, RFC 4271 8.1.1 event 3). */
static void
session_down(struct evpn *ev, uint32_t si, int k, bool notify)
{
    struct session *s = &ev->sess[si];
    if (notify) {
        struct msg m = { .type = BGP_NOTIFICATION,
                         .bytes = BGP_NOTIFICATION_BYTES };
        send_msg(ev, si, k, &m);
    }
    side_idle(ev, si, k);
    drop_paths(ev, si, k);
    if (s->side_conn[k] == s->conn)
        conn_close(ev, si);
    sess_start(ev, si, k);
}

static void
hold_check(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    if (s->state[k] == FSM_IDLE || s->state[k] == FSM_CONNECT) {
        s->hold_armed[k] = false;
        return;
    }
    uint64_t deadline = s->last_rx_ps[k] + ev->spec->hold_ps;
    if (sim->now_ps < deadline) {
        sim_call(sim, deadline, hold_check, ev, x);
    } else {
        s->hold_armed[k] = false;
        session_down(ev, si, k, true);
    }
}

/* Side K of session SI has the peer's OPEN: its hold timer starts (one
 * event at a time, pushed back lazily to the last message's arrival plus
 * the hold time). */
static void
hold_start(struct evpn *ev, uint32_t si, int k)
{
    struct sim *sim = &ev->net->sim;
    struct session *s = &ev->sess[si];
    s->last_rx_ps[k] = sim->now_ps;
    if (s->hold_armed[k])
        return;
    s->hold_armed[k] = true;
    sim_call(sim, sim->now_ps + ev->spec->hold_ps, hold_check, ev,
             2 * (uint64_t)si + (uint64_t)k);
}

/* Side K of session SI tries a connection: the session's next TCP
 * connection, its OPEN the first thing on it; the peer's OPEN in answer
 * completes it.  While the path is down the OPEN does not arrive and the
 * ConnectRetryTimer tries again. */
static void
sess_try(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    if (!conn_open(ev, si))
        return;
    s->side_conn[k] = s->conn;
    send_simple(ev, si, k, BGP_OPEN);
}

/* Arms side K's ConnectRetryTimer for now + evpn.connect_retry (not past
 * the run's stop; none without one, as KEEPALIVEs). */
static void retry_fire(struct sim *, void *, uint64_t);

static void
retry_arm(struct evpn *ev, uint32_t si, int k)
{
    struct sim *sim = &ev->net->sim;
    struct session *s = &ev->sess[si];
    s->retry_at_ps[k] = sim->now_ps + ev->spec->connect_retry_ps;
    if (s->retry_armed[k] || s->retry_at_ps[k] >= ev->stop_ps)
        return;
    s->retry_armed[k] = true;
    sim_call(sim, s->retry_at_ps[k], retry_fire, ev,
             2 * (uint64_t)si + (uint64_t)k);
}

static void
retry_fire(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    s->retry_armed[k] = false;
    if (s->state[k] != FSM_CONNECT)
        return;
    if (sim->now_ps < s->retry_at_ps[k]) {
        s->retry_armed[k] = true;
        sim_call(sim, s->retry_at_ps[k], retry_fire, ev, x);
        return;
    }
    retry_arm(ev, si, k);
    sess_try(ev, si, k);
}

/* Side K of session SI starts: Connect, an attempt now and the
 * ConnectRetryTimer. */
static void
sess_start(struct evpn *ev, uint32_t si, int k)
{
    ev->sess[si].state[k] = FSM_CONNECT;
    retry_arm(ev, si, k);
    sess_try(ev, si, k);
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
    uint32_t v = vni_index(ev, ev->host_vni[mac]);
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
    uint32_t len, v = vni_index(ev, vni);
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
    uint32_t i = e ? path_from(e, si) : NONE;
    if (i == NONE)
        return;
    struct path old = e->paths[i];
    e->paths[i] = e->paths[--e->n];
    s->rib.paths--;
    row(ev, s)->rib_entries = s->rib.paths;
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
            !rtc_allows(ev, x, k, &e->nlri))
            continue;
        uint32_t peer = ss->end[1 - k];
        if (now && may_send(ev, si, now, peer))
            send_path(ev, x, k, now);
        else if (old && may_send(ev, si, old, peer))
            send_withdraw(ev, x, k, &e->nlri);
    }
    if (s->rr || !serves(ev, s, e->nlri.vni))
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
static void
rib_set(struct evpn *ev, uint32_t si, const struct nlri *n, uint32_t from,
        const struct path *p)
{
    struct speaker *s = &ev->sp[si];
    struct rib_entry *e = rib_get(&s->rib, n);
    struct path old;
    bool had = e->best != NONE;
    if (had)
        old = e->paths[e->best];
    uint32_t i = path_from(e, from);
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
    struct ctl_speaker *r = row(ev, s);
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
    }
    rib_set(ev, si, &p.nlri, si, &p);
}

/* ---- Receiving. ---- */

/* Side K of session SI sends its initial table: every best path the
 * peer may have, then End-of-RIB. */
static void
send_table(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct speaker *sp = &ev->sp[self];
    for (uint32_t i = 0; i < sp->rib.cap; i++) {
        const struct rib_entry *e = &sp->rib.v[i];
        if (e->used && e->best != NONE &&
            may_send(ev, self, &e->paths[e->best], peer) &&
            rtc_allows(ev, si, k, &e->nlri))
            send_path(ev, si, k, &e->paths[e->best]);
    }
    struct msg eor = { .type = BGP_UPDATE, .eor = true,
                       .bytes = BGP_EVPN_EOR_BYTES };
    send_msg(ev, si, k, &eor);
}

static void
established(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    s->state[k] = FSM_ESTABLISHED;
    s->up_ps[k] = ev->net->sim.now_ps;
    if (s->fell[k]) {
        row(ev, &ev->sp[s->end[k]])->reconnects++;
        s->fell[k] = false;
    }
    if (ev->spec->rt_constraint)
        rtc_send(ev, si, k);   /* The table follows the peer's. */
    else
        send_table(ev, si, k);
}

static void
apply_update(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct speaker *sp = &ev->sp[self];
    const struct path *p = &m->path;
    if (m->rtc) {
        rtc_receive(ev, si, k, m);
        return;
    }
    if (m->eor)
        return;
    if (sp->rr) {
        for (uint32_t i = 0; i < p->n_clusters; i++)
            if (p->clusters[i] == sp->cluster)
                return;               /* RFC 4456 8: a loop. */
    } else if (p->nlri.origin == self || !import_permits(ev, sp, p)) {
        return;   /* Its own (ORIGINATOR_ID), or a route its import
                   * policy rejects. */
    }
    rib_set(ev, self, &p->nlri, peer, m->withdraw ? NULL : p);
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
            send_simple(ev, pd.session, k, BGP_OPEN);
            mine = true;
        }
        if (mine && (st == FSM_OPEN_SENT || st == FSM_CONNECT)) {
            s->state[k] = FSM_OPEN_CONFIRM;
            send_simple(ev, pd.session, k, BGP_KEEPALIVE);
            if (ev->spec->hold_ps)
                hold_start(ev, pd.session, k);
        }
        break;
    case BGP_NOTIFICATION:
        if (mine && st != FSM_IDLE && st != FSM_CONNECT)
            session_down(ev, pd.session, k, false);
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
    if (m->conn != s->conn)
        return;   /* Leaf VTEPs: the rest of a closed connection. */
    uint32_t self = s->end[k];
    struct speaker *sp = &ev->sp[self];
    struct ctl_speaker *r = row(ev, sp);
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

/* ---- Opening the sessions, keeping them alive. ---- */

static void
keepalive(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    /* Down: none until it is up again. */
    if (ev->sess[si].state[k] > FSM_CONNECT)
        send_simple(ev, si, k, BGP_KEEPALIVE);
    uint64_t next = sim->now_ps + ev->spec->keepalive_ps;
    if (next < ev->stop_ps)
        sim_call(sim, next, keepalive, ev, x);
}

/* At evpn.start: each direction of every session opens its stream (its
 * TCP connection, with the handshake if `tcp.handshake`) and posts its
 * OPEN on it. */
static void
open_all(struct sim *sim, void *obj, uint64_t unused)
{
    (void)unused;
    struct evpn *ev = obj;
    for (uint32_t i = 0; !ev->leaf && i < 2 * ev->n_sess; i++)
        transport_open_stream(ev->net, ev->first_flow + i);
    for (uint32_t si = 0; si < ev->n_sess; si++) {
        for (int k = 0; k < 2; k++) {
            ev->sess[si].state[k] = FSM_OPEN_SENT;
            send_simple(ev, si, k, BGP_OPEN);
            uint64_t next = sim->now_ps + ev->spec->keepalive_ps;
            if (next < ev->stop_ps)
                sim_call(sim, next, keepalive, ev, 2 * (uint64_t)si + k);
        }
    }
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
        row(ev, sp)->sessions++;
    }
    if (ev->leaf)
        evpn_leaf_session(ev->leaf, si, ev->sp[a].host - ev->n_hosts,
                          ev->sp[b].host - ev->n_hosts);
}

/* Fills the flow of session SI's direction K, a message stream opened at
 * START_PS (evpn.start: open_all(); later: a new connection). */
static void
flow_init(struct evpn *ev, uint32_t si, int k, uint64_t start_ps)
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
            flow_init(ev, si, k, ev->spec->start_ps);
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
        if (!v || vni_index(ev, v) != NONE)
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
        uint32_t v = vni_index(ev, ev->host_vni[h]);
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
    uint32_t clusters = rrs ? n_clusters(spec) : 1;
    for (uint32_t x = 0; x < ev->n_nodes; x++) {
        ev->sp_of_node[x] = NONE;
        if (cfg->node_vni[x]) {
            ev->sp_of_node[x] = ev->n_sp;
            add_speaker(ev, x, false, ev->n_sp % clusters, list);
        }
    }
    for (uint32_t h = 0; h < ev->n_hosts; h++) {
        ev->mac_node[h] = cfg->mac_node ? cfg->mac_node[h] : h;
        ev->loc[h] = cfg->host_vni[h] ? ev->sp_of_node[ev->mac_node[h]]
                                      : NONE;
    }
    for (size_t r = 0; rrs && r < spec->n_rr; r++)
        add_speaker(ev, spec->rr_hosts[r], true,
                    (uint32_t)r / spec->cluster_size, list);
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
    sim_call(&net->sim, spec->start_ps, open_all, ev, 0);
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
            !serves(ev, s, ev->host_vni[mac]) || s->win_origin[mac] != mv->to ||
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
        if (i != t && serves(ev, &ev->sp[i], ev->host_vni[mac]))
            mv->waiting++;
    mv->learned[t] = 1;
    ev->loc[mac] = t;
    if (ev->dp->class->gone)
        ev->dp->class->gone(ev->dp, ev->sp[from].host, mac);
    originate(ev, t, EVPN_MAC_IP, ev->host_vni[mac], mac, mv->seq);
    if (!mv->waiting)
        r->converged_ps = net->sim.now_ps;
}

/* ---- Switches that fail and come back. ---- */

void
evpn_switch_down(struct evpn *ev, uint32_t node)
{
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        struct speaker *sp = &ev->sp[i];
        if (sp->host != node)
            continue;
        /* Every side Idle first, so that forgetting the paths sends
         * nothing: the box is dead, its peers learn it by their hold
         * timers. */
        for (uint32_t j = 0; j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            side_idle(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
        for (uint32_t j = 0; j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            drop_paths(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
    }
}

void
evpn_switch_up(struct evpn *ev, uint32_t node)
{
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        struct speaker *sp = &ev->sp[i];
        for (uint32_t j = 0; sp->host == node && j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            sess_start(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
    }
}

/* ---- Results. ---- */

void
evpn_finish(struct evpn *ev)
{
    for (uint32_t si = 0; si < ev->n_sess; si++)
        for (int k = 0; k < 2; k++)
            if (ev->sess[si].state[k] == FSM_ESTABLISHED)
                row(ev, &ev->sp[ev->sess[si].end[k]])->sessions_up++;
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
