/* The virtual switch: OpenFlow tables, the datapath's flow caches, MAC
 * learning and the reactive controller; see vswitch.h. */
#include "overlay/vswitch.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/flood.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "host/host.h"
#include "host/server.h"
#include "sim/util.h"
#include "transport/flow.h"

#define NONE UINT32_MAX

static uint64_t
vm_mac(uint32_t host, uint32_t vm)
{
    return UINT64_C(0x020000000000) | (uint64_t)host << 8 | (vm & 0xFF);
}

/* The VM of flow F on host H (as host/stack.c places flows). */
static uint32_t
flow_vm(struct net *net, const struct flow *f, uint32_t h)
{
    uint32_t n = edge_of(net)->servers[h].n_vms;
    return n ? flow_affinity(f) % n : 0;
}

/* ---- Keys and masks. ---- */

static void
key_mask(const struct vsw_key *k, uint32_t mask, struct vsw_key *out)
{
    memset(out, 0, sizeof *out);
#define F(BIT, FIELD) if (mask & (BIT)) out->FIELD = k->FIELD
    F(VF_IN_PORT, in_port);
    F(VF_DL_SRC, dl_src);
    F(VF_DL_DST, dl_dst);
    F(VF_VLAN, vlan);
    F(VF_TUN_ID, tun_id);
    F(VF_NW_SRC, nw_src);
    F(VF_NW_DST, nw_dst);
    F(VF_NW_PROTO, nw_proto);
    F(VF_TP_SRC, tp_src);
    F(VF_TP_DST, tp_dst);
    F(VF_IDENTITY, identity);
#undef F
}

static uint32_t
key_hash(const struct vsw_key *k, uint32_t mask)
{
    /* FNV-1a over the key's bytes and the mask. */
    const uint8_t *b = (const uint8_t *)k;
    uint32_t h = 2166136261u ^ mask;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ b[i]) * 16777619u;
    return h ^ h >> 15;
}

static bool
key_eq(const struct vsw_key *a, const struct vsw_key *b)
{
    return !memcmp(a, b, sizeof *a);
}

static bool
rule_matches(const struct vsw_rule *r, const struct vsw_key *k)
{
    struct vsw_key m;
    key_mask(k, r->fields, &m);
    return key_eq(&m, &r->match);
}

/* ---- OpenFlow tables. ---- */

static struct vsw_rule *
table_add(struct vsw_table *t, uint16_t priority, uint32_t fields,
          const struct vsw_key *match)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->rules = xrealloc(t->rules, t->cap * sizeof *t->rules);
    }
    size_t i = t->n;
    while (i > 0 && t->rules[i - 1].priority < priority)
        i--;
    memmove(&t->rules[i + 1], &t->rules[i], (t->n - i) * sizeof *t->rules);
    t->n++;
    struct vsw_rule *r = &t->rules[i];
    memset(r, 0, sizeof *r);
    r->priority = priority;
    r->fields = fields;
    if (match)
        key_mask(match, fields, &r->match);
    return r;
}

static void
rule_act(struct vsw_rule *r, uint8_t type, uint32_t arg, uint32_t arg2)
{
    sim_assert(r->n_acts < VSW_MAX_ACTS);
    r->acts[r->n_acts++] = (struct vsw_action){ type, arg, arg2 };
}

/* The entry of table T that K matches now, highest priority first;
 * every entry examined adds its fields to *WC (the megaflow's mask). */
static struct vsw_rule *
table_lookup(struct vswitch *v, struct vsw_table *t, const struct vsw_key *k,
             uint64_t now, uint32_t *wc, uint64_t *expires)
{
    for (size_t i = 0; i < t->n; i++) {
        struct vsw_rule *r = &t->rules[i];
        if (r->ready_ps > now)
            continue;           /* The controller has not installed it. */
        if (r->used_ps && now - r->used_ps >= v->spec->mac_aging_ps) {
            /* A learned entry aged out. */
            memmove(r, r + 1, (t->n - i - 1) * sizeof *r);
            t->n--;
            i--;
            continue;
        }
        *wc |= r->fields;
        if (rule_matches(r, k)) {
            if (r->used_ps)
                *expires = r->used_ps + v->spec->mac_aging_ps;
            return r;
        }
    }
    return NULL;
}

/* The entry for destination MAC DL_DST in T (exact, priority 100). */
static struct vsw_rule *
table_find_mac(struct vsw_table *t, uint64_t dl_dst)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->rules[i].fields == VF_DL_DST &&
            t->rules[i].match.dl_dst == dl_dst)
            return &t->rules[i];
    return NULL;
}

/* Table 2's actions towards a VM of remote host H. */
static void
remote_acts(const struct vswitch *v, struct vsw_rule *r, uint32_t h)
{
    const struct overlay *ov = v->ov;
    if (ov->spec->vteps == VTEP_SERVER) {
        if (ov->encap.kind == ENCAP_VLAN)
            rule_act(r, VA_PUSH_VLAN, v->vni, 0);
        else
            rule_act(r, VA_SET_TUNNEL, v->vni, h);
    }
    rule_act(r, VA_OUTPUT, VSW_UPLINK, 0);
}

/* Learns (slow path) that DL_SRC is behind the uplink at host SRC. */
static void
learn(struct vswitch *v, uint64_t dl_src, uint32_t src, uint64_t now)
{
    struct vsw_rule *r = table_find_mac(&v->tables[2], dl_src);
    if (r) {
        if (r->used_ps)
            r->used_ps = now;
        return;
    }
    struct vsw_key m = { .dl_dst = dl_src };
    r = table_add(&v->tables[2], 100, VF_DL_DST, &m);
    remote_acts(v, r, src);
    r->used_ps = now ? now : 1;
    v->st.learned++;
    v->mac_gen++;     /* Revalidation: flooding megaflows are stale. */
}

/* Reactive: the controller's entry for K's destination, installed in
 * table 2 pending (ready when its first packet's upcall is done). */
static struct vsw_rule *
controller_install(struct vswitch *v, const struct vsw_key *k)
{
    struct vsw_rule *r = table_find_mac(&v->tables[2], k->dl_dst);
    if (r)
        return r;
    const struct vsw_rule *want = table_find_mac(&v->proactive, k->dl_dst);
    if (!want)
        return NULL;
    r = table_add(&v->tables[2], want->priority, want->fields, &want->match);
    *r = *want;
    r->ready_ps = TIME_NEVER;
    return r;
}

/* Runs the pipeline for K of a packet from host SRC: *R, and the fields
 * it depended on in *WC. */
static void
pipeline(struct vswitch *v, const struct vsw_key *k, uint32_t src,
         uint64_t now, struct vsw_result *r, uint32_t *wc, uint64_t *expires)
{
    memset(r, 0, sizeof *r);
    *expires = 0;
    r->outcome = VSW_DROP;
    r->drop = DROP_NO_ROUTE;
    *wc = VF_IN_PORT;
    if (v->spec->tables == VSW_LEARNING && k->in_port == VSW_UPLINK)
        learn(v, k->dl_src, src, now);
    uint32_t t = 0;
    for (int hop = 0; hop < VSW_N_TABLES; hop++) {
        struct vsw_rule *m =
            table_lookup(v, &v->tables[t], k, now, wc, expires);
        if (!m)
            return;
        bool next = false;
        for (uint8_t i = 0; i < m->n_acts; i++) {
            const struct vsw_action *a = &m->acts[i];
            switch ((enum vsw_act_type)a->type) {
            case VA_GOTO:
                t = a->arg;
                next = true;
                break;
            case VA_OUTPUT:
                r->outcome = VSW_OUT;
                r->port = (uint16_t)a->arg;
                break;
            case VA_FLOOD:
                r->outcome = VSW_FLOOD;
                if (v->ov->spec->vteps == VTEP_SERVER) {
                    /* Head-end replication: a tunnel to every other
                     * VTEP of the tenant, the destination's among them
                     * (the copy that goes on; the others are counted). */
                    r->encap = true;
                    r->vni = v->vni;
                    r->dst_host = NONE;
                }
                break;
            case VA_PUSH_VLAN:
            case VA_SET_TUNNEL:
                r->encap = true;
                r->vni = a->arg;
                r->dst_host = a->arg2;
                break;
            case VA_POP_VLAN:
                break;      /* The uplink's tag is off before table 0. */
            case VA_CONTROLLER: {
                const struct vsw_rule *c = controller_install(v, k);
                if (!c)
                    return;
                struct vsw_result held;
                memset(&held, 0, sizeof held);
                /* The packet-out: the entry's actions, once it is in. */
                for (uint8_t j = 0; j < c->n_acts; j++) {
                    const struct vsw_action *b = &c->acts[j];
                    if (b->type == VA_OUTPUT) {
                        held.outcome = VSW_OUT;
                        held.port = (uint16_t)b->arg;
                    } else if (b->type != VA_POP_VLAN) {
                        held.encap = true;
                        held.vni = b->arg;
                        held.dst_host = b->arg2;
                    }
                }
                *r = held;
                r->controller = true;
                return;
            }
            case VA_DROP:
                r->outcome = VSW_DROP;
                r->drop = (uint8_t)a->arg;
                r->policy = a->arg2 != 0;
                break;
            }
        }
        if (!next)
            return;
    }
}

/* ---- The megaflow cache. ---- */

static void
lru_unlink(struct vswitch *v, uint32_t i)
{
    struct vsw_megaflow *e = &v->mf[i];
    if (e->lru_prev != NONE)
        v->mf[e->lru_prev].lru_next = e->lru_next;
    else
        v->lru_head = e->lru_next;
    if (e->lru_next != NONE)
        v->mf[e->lru_next].lru_prev = e->lru_prev;
    else
        v->lru_tail = e->lru_prev;
}

static void
lru_push(struct vswitch *v, uint32_t i)
{
    struct vsw_megaflow *e = &v->mf[i];
    e->lru_prev = NONE;
    e->lru_next = v->lru_head;
    if (v->lru_head != NONE)
        v->mf[v->lru_head].lru_prev = i;
    else
        v->lru_tail = i;
    v->lru_head = i;
}

static void
mask_ref(struct vswitch *v, uint32_t mask, int delta)
{
    for (uint32_t i = 0; i < v->n_masks; i++) {
        if (v->masks[i] != mask)
            continue;
        v->mask_refs[i] += (uint32_t)delta;
        if (!v->mask_refs[i]) {
            v->n_masks--;
            v->masks[i] = v->masks[v->n_masks];
            v->mask_refs[i] = v->mask_refs[v->n_masks];
        }
        return;
    }
    sim_assert(delta > 0);
    v->masks = xrealloc(v->masks, (v->n_masks + 1) * sizeof *v->masks);
    v->mask_refs = xrealloc(v->mask_refs,
                            (v->n_masks + 1) * sizeof *v->mask_refs);
    v->masks[v->n_masks] = mask;
    v->mask_refs[v->n_masks++] = 1;
}

static void
megaflow_remove(struct vswitch *v, uint32_t i)
{
    struct vsw_megaflow *e = &v->mf[i];
    uint32_t *link = &v->buckets[key_hash(&e->key, e->mask) &
                                 (v->n_buckets - 1)];
    while (*link != i)
        link = &v->mf[*link].next;
    *link = e->next;
    lru_unlink(v, i);
    mask_ref(v, e->mask, -1);
    e->used = false;
    e->inflight = 0;
    e->pending = false;
    e->serial++;
    e->next = v->free_head;
    v->free_head = i;
    v->mf_n--;
}

/* Revalidation: a flooding megaflow once a MAC has been learned since
 * (with EVPN, any megaflow once table 2 has changed), and one that used a
 * learned entry once that entry has aged out. */
static bool
megaflow_stale(const struct vswitch *v, const struct vsw_megaflow *e,
               uint64_t now)
{
    return ((e->res.outcome == VSW_FLOOD || v->spec->tables == VSW_EVPN) &&
            e->gen != v->mac_gen) ||
           (e->expires_ps && now >= e->expires_ps);
}

/* Tuple space search: K under each mask in turn; *PROBES counts them. */
static uint32_t
megaflow_lookup(struct vswitch *v, const struct vsw_key *k, uint64_t now,
                uint32_t *probes)
{
    *probes = 0;
    for (uint32_t m = 0; m < v->n_masks; m++) {
        struct vsw_key mk;
        uint32_t mask = v->masks[m];
        key_mask(k, mask, &mk);
        ++*probes;
        uint32_t i = v->buckets[key_hash(&mk, mask) & (v->n_buckets - 1)];
        for (; i != NONE; i = v->mf[i].next) {
            struct vsw_megaflow *e = &v->mf[i];
            if (e->mask != mask || !key_eq(&e->key, &mk))
                continue;
            if (megaflow_stale(v, e, now)) {
                megaflow_remove(v, i);
                return NONE;
            }
            return i;
        }
    }
    return NONE;
}

static uint32_t
megaflow_install(struct vswitch *v, const struct vsw_key *k, uint32_t mask,
                 const struct vsw_result *r, uint64_t expires_ps)
{
    if (v->mf_n == v->mf_cap) {
        megaflow_remove(v, v->lru_tail);
        v->st.evictions++;
    }
    if (v->free_head == NONE) {
        /* Grow the entries' array (up to mf_cap) as the cache fills. */
        uint32_t old = v->mf_alloc;
        v->mf_alloc = old * 2 < v->mf_cap ? old * 2 : v->mf_cap;
        v->mf = xrealloc(v->mf, v->mf_alloc * sizeof *v->mf);
        memset(&v->mf[old], 0, (v->mf_alloc - old) * sizeof *v->mf);
        for (uint32_t j = old; j < v->mf_alloc; j++)
            v->mf[j].next = j + 1 < v->mf_alloc ? j + 1 : NONE;
        v->free_head = old;
    }
    uint32_t i = v->free_head;
    struct vsw_megaflow *e = &v->mf[i];
    v->free_head = e->next;
    key_mask(k, mask, &e->key);
    e->mask = mask;
    e->res = *r;
    e->gen = v->mac_gen;
    e->expires_ps = expires_ps;
    e->inflight = 0;
    e->pending = false;
    e->used = true;
    uint32_t *head = &v->buckets[key_hash(&e->key, mask) & (v->n_buckets - 1)];
    e->next = *head;
    *head = i;
    lru_push(v, i);
    mask_ref(v, mask, 1);
    v->mf_n++;
    v->st.installs++;
    return i;
}

/* ---- The datapath. ---- */

/* A verdict's cookie: bit 63 set for a miss (the handler's work), bit
 * 62 for the upcall that installs its megaflow in the datapath, the
 * megaflow's serial (30 bits) and index, or NONE for none. */
#define COOKIE_MISS (UINT64_C(1) << 63)
#define COOKIE_INSTALL (UINT64_C(1) << 62)
#define COOKIE_SERIAL 0x3FFFFFFFu

static uint64_t
cookie_of(const struct vswitch *v, uint32_t i, uint64_t flags)
{
    if (i == NONE)
        return flags | NONE;
    return flags | (uint64_t)(v->mf[i].serial & COOKIE_SERIAL) << 32 | i;
}

/* The megaflow of COOKIE if it still holds the same entry, or NULL. */
static struct vsw_megaflow *
cookie_megaflow(struct vswitch *v, uint64_t cookie)
{
    uint32_t i = (uint32_t)cookie;
    if (i == NONE || i >= v->mf_alloc ||
        (v->mf[i].serial & COOKIE_SERIAL) !=
            (uint32_t)(cookie >> 32 & COOKIE_SERIAL))
        return NULL;
    return &v->mf[i];
}

static void
extract(struct vswitch *v, struct net *net, const struct pkt *p, bool rx,
        uint32_t vm, struct vsw_key *k, uint32_t *src_out)
{
    const struct overlay *ov = v->ov;
    const struct flow *f = &edge_of(net)->flows[p->flow_id];
    uint32_t src = net_host_of_ip(net, p->ip.src);
    uint32_t dst = overlay_inner_dst(net, p);
    memset(k, 0, sizeof *k);
    k->in_port = (uint16_t)(rx ? VSW_UPLINK : 1 + vm);
    k->dl_src = vm_mac(src, flow_vm(net, f, src));
    k->dl_dst = vm_mac(dst, flow_vm(net, f, dst));
    k->nw_src = ov->host_addr[src];
    k->nw_dst = ov->host_addr[dst];
    k->nw_proto = p->ip.proto;
    if (p->ip.proto == IPPROTO_NUM_TCP) {
        k->tp_src = p->l4.tcp.sport;
        k->tp_dst = p->l4.tcp.dport;
    } else if (p->ip.proto == IPPROTO_NUM_UDP) {
        k->tp_src = p->l4.udp.sport;
        k->tp_dst = p->l4.udp.dport;
    }
    if (rx && p->vni) {
        /* The tunnel port (or trunk) hands the pipeline the tunnel's
         * metadata. */
        if (ov->encap.kind == ENCAP_VLAN)
            k->vlan = (uint16_t)p->vni;
        else
            k->tun_id = p->vni;
        if (overlay_has_identity(ov))
            k->identity = overlay_identity(ov, src);  /* Its option. */
    }
    *src_out = src;
}

/* Whether V's floods go to a VLAN the switches flood (fabric/flood.h):
 * software VTEPs on VLAN segments with learning tables. */
static bool
vlan_flooding(const struct vswitch *v)
{
    return v->ov->spec->vteps == VTEP_SERVER &&
           v->ov->encap.kind == ENCAP_VLAN &&
           v->spec->tables == VSW_LEARNING;
}

/* Copies a flood makes beyond the packet itself: the other local VMs,
 * and with software VTEPs the other hosts of the tenant (head-end
 * replication; on a VLAN the switches replicate the one frame). */
static uint32_t
flood_copies(const struct vswitch *v, bool rx)
{
    uint32_t n = v->n_vms - 1;
    if (!rx && v->spec->tables == VSW_EVPN)
        return n + (v->n_bum ? v->n_bum - 1 : 0);  /* The type 3 list. */
    if (!rx && v->ov->spec->vteps == VTEP_SERVER && !vlan_flooding(v)) {
        const struct tenant_spec *t =
            &v->ov->spec->tenants[v->ov->spec->host_tenant[v->host] - 1];
        n += (uint32_t)t->n_hosts - 2;
    }
    return n;
}

/* Head-end replication of the flooded packet PRE (before its tunnel):
 * a copy tunneled to every other member of the tenant but DST (with
 * EVPN, every other VTEP of its type 3 list), onto
 * OUT's list for the NIC.  Each is a packet its host sends and the far
 * host consumes (edge counters), not its flow's. */
static void
flood_out(struct vswitch *v, struct net *net, const struct pkt *pre,
          uint32_t dst, const struct vsw_result *r, struct dp_verdict *out)
{
    const struct overlay_spec *o = v->ov->spec;
    const struct tenant_spec *t = &o->tenants[o->host_tenant[v->host] - 1];
    struct edge *edge = edge_of(net);
    struct pkt **tail = &out->copies;
    for (size_t j = 0; j < t->n_hosts; j++) {
        uint32_t h = t->hosts[j];
        if (h == v->host || h == dst ||
            (v->spec->tables == VSW_EVPN && !v->bum[h]))
            continue;    /* With EVPN: only to the type 3 list. */
        struct pkt *c = pkt_alloc(&net->pool);
        *c = *pre;
        c->hooks = 0;            /* Traces follow the packet itself. */
        c->flood_copy = true;
        c->ip.dst = edge->hosts[h].ip;
        enum drop_reason why = overlay_encap(v->ov, &v->st.tun,
                                             edge->hosts[v->host].ip,
                                             edge->hosts[h].ip, r->vni, c);
        sim_assert(why == DROP_N_REASONS);  /* The packet itself fit. */
        edge->st.pkts_sent++;
        v->st.flood_wire++;
        c->next = NULL;
        *tail = c;
        tail = &c->next;
    }
}

/* With EVPN: a flood whose copies miss the destination's VTEP (not in
 * the type 3 list yet), a frame from the uplink that table 2 would
 * send back up it (its VM has moved away: the route to the new place is
 * in, the sender's VTEP did not know yet), and a frame tunneled here for
 * a VM that is not here and that table 2 does not know (routed by a type
 * 5 prefix to a VTEP without it), are dropped. */
static bool
evpn_drop(struct vswitch *v, struct net *net, const struct pkt *p, bool rx,
          const struct vsw_result *r, struct dp_verdict *out)
{
    if (!rx && r->outcome == VSW_FLOOD &&
        !v->bum[net_host_of_ip(net, p->ip.dst)]) {
        v->st.table_drops++;
        out->drop = DROP_NO_ROUTE;
        return true;
    }
    if (rx && r->outcome == VSW_OUT && r->port == VSW_UPLINK) {
        /* Its VMs have left, or (a type 5 prefix's) were never here. */
        v->st.table_drops++;
        out->drop = v->left[net_host_of_ip(net, p->ip.dst)] ? DROP_VM_MOVED
                                                            : DROP_NO_ROUTE;
        return true;
    }
    if (rx && r->outcome == VSW_FLOOD && !p->flood_copy) {
        v->st.table_drops++;
        out->drop = DROP_NO_ROUTE;
        return true;
    }
    return false;
}

/* Applies R to P (fast path): counts, tags or tunnels, or drops. */
static void
apply(struct vswitch *v, struct net *net, struct pkt *p, bool rx,
      const struct vsw_result *r, struct dp_verdict *out)
{
    if (r->outcome == VSW_DROP) {
        out->drop = (enum drop_reason)r->drop;
        if (r->policy)
            v->st.policy_drops++;
        else
            v->st.table_drops++;
        return;
    }
    if (UNLIKELY(v->spec->tables == VSW_EVPN) &&
        evpn_drop(v, net, p, rx, r, out))
        return;
    if (r->outcome == VSW_FLOOD) {
        uint32_t copies = flood_copies(v, rx);
        v->st.floods++;
        v->st.flood_copies += copies;
        out->cycles += copies * v->bridge_cycles;
    }
    if (!rx && r->encap) {
        struct host *hosts = edge_of(net)->hosts;
        uint32_t dst = r->dst_host == NONE ? net_host_of_ip(net, p->ip.dst)
                                           : r->dst_host;
        bool copies = r->outcome == VSW_FLOOD && r->dst_host == NONE &&
                      v->ov->encap.kind != ENCAP_VLAN;
        struct pkt pre;
        if (copies)
            pre = *p;
        out->drop = overlay_encap(v->ov, &v->st.tun, hosts[v->host].ip,
                                  hosts[dst].ip, r->vni, p);
        if (copies && out->drop == DROP_N_REASONS)
            flood_out(v, net, &pre, dst, r, out);
        if (r->outcome == VSW_FLOOD && out->drop == DROP_N_REASONS &&
            vlan_flooding(v))
            p->bum = true;   /* The switches flood the tagged frame. */
        if (v->ov->encap.kind != ENCAP_VLAN && hosts[dst].ip != p->ip.dst &&
            out->drop == DROP_N_REASONS) {
            /* To a VM that has moved (EVPN): the underlay routes on the
             * outer destination. */
            p->inner_dst = p->ip.dst;
            p->ip.dst = hosts[dst].ip;
        }
    }
}

static void
vsw_receive(struct server_dp *dp, struct net *net, struct server *srv,
            struct pkt *p, uint32_t vm, bool rx, struct dp_verdict *out)
{
    struct vswitch *v = CONTAINER_OF(dp, struct vswitch, up);
    (void)srv;
    out->drop = DROP_N_REASONS;
    out->cycles = 0;
    out->upcall = false;
    out->consumed = false;
    out->copies = NULL;
    out->cookie = NONE;
    if (UNLIKELY(edge_of(net)->flows[p->flow_id].control))
        return;   /* The host's own (BGP): its internal port, untouched. */
    v->st.pkts++;
    struct vsw_key k;
    uint32_t src;
    extract(v, net, p, rx, vm, &k, &src);
    if (rx && p->vni && v->ov->spec->vteps == VTEP_SERVER) {
        if (p->inner_dst) {
            p->ip.dst = p->inner_dst;
            p->inner_dst = 0;
        }
        overlay_decap(&v->st.tun, p);
    }
    uint64_t now = net->sim.now_ps;
    uint32_t h = key_hash(&k, 0);
    struct vsw_micro *m = &v->micro[h & (v->n_micro - 1)];
    uint32_t i = NONE;
    bool micro = false;
    if (m->valid && key_eq(&m->key, &k) && v->mf[m->mega].serial == m->serial &&
        !megaflow_stale(v, &v->mf[m->mega], now)) {
        i = m->mega;
        micro = true;
    } else {
        uint32_t probes;
        i = megaflow_lookup(v, &k, now, &probes);
        out->cycles += probes * v->spec->mask_probe;
        if (i == NONE) {
            struct vsw_result r;
            uint32_t wc;
            uint64_t expires;
            v->st.upcalls++;
            out->upcall = true;
            out->cookie = cookie_of(v, NONE, COOKIE_MISS);
            pipeline(v, &k, src, now, &r, &wc, &expires);
            if (r.controller) {
                v->st.controller_pkts++;
                apply(v, net, p, rx, &r, out);
                return;
            }
            i = megaflow_install(v, &k, wc, &r, expires);
            if (r.outcome != VSW_DROP) {
                /* The datapath has it once the handler is done with this
                 * upcall; packets that hit it wait behind this one. */
                v->mf[i].inflight++;
                v->mf[i].pending = true;
                out->cookie = cookie_of(v, i, COOKIE_MISS | COOKIE_INSTALL);
            }
        }
        *m = (struct vsw_micro){ .key = k, .mega = i,
                                 .serial = v->mf[i].serial, .valid = true };
    }
    if (!out->upcall && v->mf[i].pending) {
        /* The upcall that installs its megaflow is still in the handler's
         * queue: the datapath does not have the flow yet, so this packet
         * misses too and is an upcall of its own (OVS upcalls every packet
         * that misses; the handler's flow put then finds the flow there),
         * queued behind the first. */
        v->mf[i].inflight++;
        v->st.upcalls++;
        v->st.pending_upcalls++;
        out->upcall = true;
        out->cookie = cookie_of(v, i, COOKIE_MISS);
    } else if (!out->upcall && v->mf[i].inflight) {
        /* Installed, but upcalls of its packets are still queued: a hit
         * that keeps behind them, at no handler cost, so that it does not
         * overtake them. */
        v->mf[i].inflight++;
        out->upcall = true;
        out->cookie = cookie_of(v, i, 0);
    }
    if (!(out->cookie & COOKIE_MISS)) {
        if (micro)
            v->st.microflow_hits++;
        else
            v->st.megaflow_hits++;
    }
    if (rx && v->spec->tables == VSW_LEARNING)
        learn(v, k.dl_src, src, now);  /* Revalidators refresh it. */
    lru_unlink(v, i);
    lru_push(v, i);
    apply(v, net, p, rx, &v->mf[i].res, out);
    if (rx && p->flood_copy && out->drop == DROP_N_REASONS) {
        /* A flood copy for a MAC none of this server's VMs has: the
         * pipeline has seen it (learning its source), the VMs' ports
         * ignore it; it ends here. */
        v->st.flood_ignored++;
        edge_of(net)->st.pkts_delivered++;
        out->consumed = true;
        out->drop = DROP_NO_ROUTE;   /* Not counted: consumed. */
    }
    if (out->drop != DROP_N_REASONS && out->upcall) {
        /* Dropped (the tunnel's MTU, a policy) or consumed (a flood
         * copy) after the lookup: the handler does its upcall's work, but
         * the packet keeps no place in its queue (host/datapath.h), and
         * the flow is in the datapath. */
        struct vsw_megaflow *e = cookie_megaflow(v, out->cookie);
        if (e) {
            e->inflight--;
            if (out->cookie & COOKIE_INSTALL)
                e->pending = false;
        }
    }
}

static uint64_t
vsw_upcall_start(struct server_dp *dp, struct pkt *p, uint64_t cookie)
{
    struct vswitch *v = CONTAINER_OF(dp, struct vswitch, up);
    (void)p;
    return cookie & COOKIE_MISS ? v->spec->upcall_ps : 0;
}

static uint64_t
vsw_upcall_done(struct server_dp *dp, struct net *net, struct pkt *p,
                uint64_t cookie)
{
    struct vswitch *v = CONTAINER_OF(dp, struct vswitch, up);
    struct vsw_megaflow *e = cookie_megaflow(v, cookie);
    if (e) {
        sim_assert(e->inflight > 0);
        e->inflight--;
        if (cookie & COOKIE_INSTALL)
            e->pending = false;   /* The datapath has the flow now. */
    }
    if (v->spec->tables != VSW_REACTIVE)
        return 0;
    const struct flow *f = &edge_of(net)->flows[p->flow_id];
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    struct vsw_rule *r =
        table_find_mac(&v->tables[2], vm_mac(dst, flow_vm(net, f, dst)));
    uint64_t now = net->sim.now_ps;
    if (!r || r->ready_ps <= now)
        return 0;
    if (r->ready_ps == TIME_NEVER)
        r->ready_ps = now + v->spec->controller_delay_ps;
    return r->ready_ps - now;
}

static const struct server_dp_class vswitch_class = {
    .name = "vswitch",
    .receive = vsw_receive,
    .upcall_start = vsw_upcall_start,
    .upcall_done = vsw_upcall_done,
};

/* ---- Building. ---- */

static uint32_t
pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* Table 2's entries for every VM of every other member of the tenant,
 * into T. */
static void
remote_entries(const struct vswitch *v, struct net *net, struct vsw_table *t)
{
    const struct overlay_spec *o = v->ov->spec;
    const struct tenant_spec *ts = &o->tenants[o->host_tenant[v->host] - 1];
    for (size_t j = 0; j < ts->n_hosts; j++) {
        uint32_t h = ts->hosts[j];
        uint32_t n = edge_of(net)->servers[h].n_vms;
        if (h == v->host)
            continue;
        for (uint32_t k = 0; k < (n ? n : 1); k++) {
            struct vsw_key m = { .dl_dst = vm_mac(h, k) };
            remote_acts(v, table_add(t, 100, VF_DL_DST, &m), h);
        }
    }
}

static void
build_tables(struct vswitch *v, struct net *net)
{
    const struct overlay *ov = v->ov;
    const struct vswitch_spec *s = v->spec;
    struct vsw_table *t0 = &v->tables[0], *t1 = &v->tables[1],
                     *t2 = &v->tables[2];
    struct vsw_key m;
    struct vsw_rule *r;
    /* Table 0: ingress. */
    for (uint32_t k = 0; k < v->n_vms; k++) {
        m = (struct vsw_key){ .in_port = (uint16_t)(1 + k),
                              .dl_src = vm_mac(v->host, k) };
        rule_act(table_add(t0, 200, VF_IN_PORT | VF_DL_SRC, &m), VA_GOTO, 1,
                 0);
    }
    m = (struct vsw_key){ .in_port = VSW_UPLINK };
    uint32_t fields = VF_IN_PORT;
    if (ov->spec->vteps == VTEP_SERVER && ov->encap.kind == ENCAP_VLAN) {
        m.vlan = (uint16_t)v->vni;
        fields |= VF_VLAN;
    } else if (ov->spec->vteps == VTEP_SERVER) {
        m.tun_id = v->vni;
        fields |= VF_TUN_ID;
    }
    r = table_add(t0, 100, fields, &m);
    if (fields & VF_VLAN)
        rule_act(r, VA_POP_VLAN, 0, 0);
    rule_act(r, VA_GOTO, 1, 0);
    rule_act(table_add(t0, 0, 0, NULL), VA_DROP, DROP_NO_ROUTE, 0);
    /* Table 1: ACL and identity policy. */
    static const uint8_t protos[] = { IPPROTO_NUM_TCP, IPPROTO_NUM_UDP };
    for (size_t i = 0; i < s->n_deny_ports; i++) {
        for (size_t j = 0; j < 2; j++) {
            m = (struct vsw_key){ .nw_proto = protos[j],
                                  .tp_src = s->deny_ports[i] };
            rule_act(table_add(t1, 300, VF_NW_PROTO | VF_TP_SRC, &m), VA_DROP,
                     DROP_POLICY, 1);
            m = (struct vsw_key){ .nw_proto = protos[j],
                                  .tp_dst = s->deny_ports[i] };
            rule_act(table_add(t1, 300, VF_NW_PROTO | VF_TP_DST, &m), VA_DROP,
                     DROP_POLICY, 1);
        }
    }
    uint32_t me = overlay_identity(ov, v->host);
    if (me) {
        for (size_t i = 0; i < s->n_allow; i++) {
            if (s->allow[i][1] + 1 != me)
                continue;
            m = (struct vsw_key){ .in_port = VSW_UPLINK,
                                  .identity = s->allow[i][0] + 1 };
            rule_act(table_add(t1, 200, VF_IN_PORT | VF_IDENTITY, &m),
                     VA_GOTO, 2, 0);
        }
        m = (struct vsw_key){ .in_port = VSW_UPLINK };
        rule_act(table_add(t1, 100, VF_IN_PORT, &m), VA_DROP, DROP_POLICY, 1);
    }
    rule_act(table_add(t1, 0, 0, NULL), VA_GOTO, 2, 0);
    /* Table 2: L2 forwarding; local VMs are known from their attach. */
    for (uint32_t k = 0; k < v->n_vms; k++) {
        m = (struct vsw_key){ .dl_dst = vm_mac(v->host, k) };
        rule_act(table_add(t2, 100, VF_DL_DST, &m), VA_OUTPUT, 1 + k, 0);
    }
    switch (s->tables) {
    case VSW_PREPOPULATED:
        remote_entries(v, net, t2);
        break;
    case VSW_LEARNING:
        rule_act(table_add(t2, 0, 0, NULL), VA_FLOOD, 0, 0);
        break;
    case VSW_REACTIVE:
        remote_entries(v, net, &v->proactive);
        rule_act(table_add(t2, 0, 0, NULL), VA_CONTROLLER, 0, 0);
        break;
    case VSW_EVPN:
        /* Remote MACs come from type 2 routes; until then, ingress
         * replication to the type 3 list. */
        rule_act(table_add(t2, 0, 0, NULL), VA_FLOOD, 0, 0);
        v->bum = xcalloc(net->n_hosts, 1);
        v->left = xcalloc(net->n_hosts, 1);
        break;
    }
}

/* The megaflow slab a vswitch starts with. */
#define MF_FIRST_SLAB 64

uint32_t
vswitch_buckets(uint32_t mf_cap)
{
    return pow2_at_least(mf_cap < 32768 ? 2 * mf_cap : 65536);
}

double
vswitch_build_bytes(const struct vswitch_spec *s, uint32_t n_hosts)
{
    double n = sizeof(struct vswitch) +
               (double)vswitch_buckets(s->megaflow_entries) *
                   sizeof(uint32_t) +
               (double)MIN(s->megaflow_entries, MF_FIRST_SLAB) *
                   sizeof(struct vsw_megaflow);
    if (s->tables == VSW_EVPN)
        n += 2.0 * n_hosts;     /* bum, left. */
    return n;
}

void
vswitches_create(struct overlay *ov, struct net *net)
{
    const struct overlay_spec *o = ov->spec;
    const struct vswitch_spec *s = &o->vswitch;
    struct edge *edge = edge_of(net);
    ov->vswitches = xcalloc(net->n_hosts, sizeof *ov->vswitches);
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        struct server *srv = &edge->servers[h];
        if (!o->host_tenant[h] || !srv->n_vms)
            continue;
        struct vswitch *v = &ov->vswitches[ov->n_vswitches++];
        v->up.class = &vswitch_class;
        v->up.handler = &srv->cores[s->handler_core == UINT32_MAX
                                        ? srv->n_cores - 1
                                        : s->handler_core];
        v->ov = ov;
        v->spec = s;
        v->host = h;
        v->n_vms = srv->n_vms;
        v->vni = o->tenants[o->host_tenant[h] - 1].vni;
        v->bridge_cycles = srv->spec->cost.bridge_pkt;
        v->mf_cap = s->megaflow_entries;
        v->mf_alloc = MIN(v->mf_cap, MF_FIRST_SLAB);
        v->mf = xcalloc(v->mf_alloc, sizeof *v->mf);
        for (uint32_t i = 0; i < v->mf_alloc; i++)
            v->mf[i].next = i + 1 < v->mf_alloc ? i + 1 : NONE;
        v->n_buckets = vswitch_buckets(v->mf_cap);
        v->buckets = xmalloc(v->n_buckets * sizeof *v->buckets);
        for (uint32_t i = 0; i < v->n_buckets; i++)
            v->buckets[i] = NONE;
        v->lru_head = v->lru_tail = NONE;
        v->n_micro = s->microflow_entries;
        v->micro = xcalloc(v->n_micro, sizeof *v->micro);
        build_tables(v, net);
        srv->dp = &v->up;
    }
    if (ov->n_vswitches && vlan_flooding(&ov->vswitches[0])) {
        /* Each tenant's VLAN is a broadcast domain of the switches. */
        flood_create(net);
        for (size_t i = 0; i < o->n_tenants; i++)
            flood_vlan_add(net, (uint16_t)o->tenants[i].vni,
                           o->tenants[i].hosts, o->tenants[i].n_hosts);
    }
}

void
vswitches_destroy(struct overlay *ov)
{
    for (uint32_t i = 0; i < ov->n_vswitches; i++) {
        struct vswitch *v = &ov->vswitches[i];
        for (int t = 0; t < VSW_N_TABLES; t++)
            free(v->tables[t].rules);
        free(v->proactive.rules);
        free(v->mf);
        free(v->buckets);
        free(v->masks);
        free(v->mask_refs);
        free(v->micro);
        free(v->bum);
        free(v->left);
    }
    free(ov->vswitches);
}

size_t
vswitch_rules(const struct vswitch *v)
{
    size_t n = 0;
    for (int t = 0; t < VSW_N_TABLES; t++)
        n += v->tables[t].n;
    return n;
}

/* ---- BGP EVPN's hooks. ---- */

struct vswitch *
vswitch_of_host(struct overlay *ov, uint32_t h)
{
    uint32_t lo = 0, hi = ov->n_vswitches;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ov->vswitches[mid].host < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ov->n_vswitches && ov->vswitches[lo].host == h
               ? &ov->vswitches[lo]
               : NULL;
}

void
vswitches_evpn_suppress_arp(struct overlay *ov)
{
    for (uint32_t i = 0; i < ov->n_vswitches; i++) {
        struct vsw_table *t = &ov->vswitches[i].tables[2];
        struct vsw_rule *miss = &t->rules[t->n - 1];
        sim_assert(miss->priority == 0);
        miss->n_acts = 0;
        rule_act(miss, VA_DROP, DROP_NO_ROUTE, 0);
    }
}

/* Sets table 2's entries for the VMs of host MAC to (ACT, ARG): output
 * or drop; a tunnel to host AT if AT is not NONE. */
static void
evpn_set(struct vswitch *v, struct net *net, uint32_t mac, uint32_t at,
         bool gone)
{
    struct vsw_table *t2 = &v->tables[2];
    uint32_t n = edge_of(net)->servers[mac].n_vms;
    for (uint32_t k = 0; k < (n ? n : 1); k++) {
        uint64_t dl = vm_mac(mac, k);
        struct vsw_rule *r = table_find_mac(t2, dl);
        if (at == NONE && !gone) {
            if (r) {
                size_t i = (size_t)(r - t2->rules);
                memmove(r, r + 1, (t2->n - i - 1) * sizeof *r);
                t2->n--;
            }
            continue;
        }
        if (!r) {
            struct vsw_key m = { .dl_dst = dl };
            r = table_add(t2, 100, VF_DL_DST, &m);
        }
        r->n_acts = 0;
        if (gone)
            rule_act(r, VA_DROP, DROP_VM_MOVED, 0);
        else if (at == v->host)
            rule_act(r, VA_OUTPUT, 1 + k % v->n_vms, 0);
        else
            remote_acts(v, r, at);
    }
    v->mac_gen++;
}

void
vswitch_evpn_mac(struct vswitch *v, struct net *net, uint32_t mac,
                 uint32_t at)
{
    evpn_set(v, net, mac, at, false);
}

void
vswitch_evpn_gone(struct vswitch *v, struct net *net, uint32_t mac)
{
    v->left[mac] = 1;
    evpn_set(v, net, mac, NONE, true);
}

void
vswitch_vm_arrive(struct vswitch *v, struct net *net, uint32_t mac)
{
    if (mac == v->host)
        return;      /* Back home: its own ports' entries admit them. */
    struct vsw_table *t0 = &v->tables[0];
    uint32_t n = edge_of(net)->servers[mac].n_vms;
    for (uint32_t k = 0; k < (n ? n : 1); k++) {
        struct vsw_key m = { .dl_src = vm_mac(mac, k) };
        bool have = false;
        for (size_t i = 0; i < t0->n && !have; i++)
            have = t0->rules[i].fields == VF_DL_SRC &&
                   t0->rules[i].match.dl_src == m.dl_src;
        /* From any VM port: the guest's vNIC is one of this server's,
         * chosen per flow as for the server's own VMs. */
        if (!have)
            rule_act(table_add(t0, 150, VF_DL_SRC, &m), VA_GOTO, 1, 0);
    }
    v->mac_gen++;
}

void
vswitch_evpn_flood(struct vswitch *v, uint32_t at, bool on)
{
    if (v->bum[at] == on)
        return;
    v->bum[at] = on;
    v->n_bum += on ? 1 : UINT32_MAX;
    v->mac_gen++;
}
