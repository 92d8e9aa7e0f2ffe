/* Hardware VTEPs: encapsulation at the ingress leaf, decapsulation at the
 * egress leaf; see vtep.h. */
#include "overlay/vtep.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/edge.h"
#include "host/host.h"
#include "overlay/vswitch.h"
#include "sim/util.h"
#include "transport/flow.h"

#define VTEP_NET 0xAC100000u   /* 172.16.0.0/16: the VTEPs' loopbacks. */
#define NONE UINT32_MAX

static int
entry_cmp(const void *a, const void *b)
{
    const struct vtep_entry *x = a, *y = b;
    if (x->vni != y->vni)
        return x->vni < y->vni ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

const struct vtep_entry *
overlay_lookup(const struct overlay *ov, uint32_t vni, uint32_t addr)
{
    struct vtep_entry key = { .vni = vni, .addr = addr };
    return bsearch(&key, ov->table, ov->n_table, sizeof key, entry_cmp);
}

static bool
from_host(const struct sw *s, const struct pkt *p)
{
    return s->up.ports[p->in_port].link.peer->class != &switch_class;
}

/* Sends P, for host DST, where VTEP AT (V itself: locally) has the VMs
 * of DST: a tunnel packet goes to a host of AT (the VMs' server if they
 * are there), the inner destination kept in inner_dst if that is not
 * DST (pkt.h). */
static void
evpn_redirect(struct overlay *ov, struct net *net, uint32_t at,
              uint32_t dst, struct pkt *p)
{
    uint32_t cur = ov->evpn_host[dst];
    uint32_t to = ov->host_vtep[cur] == at ? cur : ov->vteps[at].anchor;
    if (to == dst)
        return;
    if (!p->inner_dst)
        p->inner_dst = p->ip.dst;
    p->ip.dst = edge_of(net)->hosts[to].ip;
}

/* The type 3 list of leaf VI for tenant T (index in the spec): per
 * VTEP, 1 if it is on it. */
static uint8_t *
bum_list(const struct overlay *ov, uint32_t vi, uint32_t t)
{
    return &ov->evpn_bum[((size_t)vi * ov->spec->n_tenants + t) *
                         ov->n_vteps];
}

/* Ingress replication (RFC 8365 8.3) of P, an unknown unicast of tenant
 * VNI at leaf V going itself to VTEP HOME: a replica tunneled to every
 * other VTEP of LIST, V's type 3 list, appended at *TAIL (the switch's
 * copies, fabric/tunnel.h); returns the new tail.  Each is addressed to
 * a host of its VTEP (the underlay routes on hosts' addresses), which
 * floods it to its hosts of the VNI (vtep_decap()).  A replica too large
 * for the underlay is not made (mtu_drops). */
static struct pkt **
bum_replicate(struct vtep *v, struct net *net, const struct pkt *p,
              uint32_t vni, uint32_t home, const uint8_t *list,
              struct pkt **tail)
{
    struct overlay *ov = v->ov;
    uint32_t vi = (uint32_t)(v - ov->vteps);
    for (uint32_t a = 0; a < ov->n_vteps; a++) {
        if (!list[a] || a == vi || a == home)
            continue;
        struct pkt *c = pkt_alloc(&net->pool);
        *c = *p;
        c->next = NULL;
        c->hooks = 0;            /* Traces follow the packet itself. */
        c->flood_copy = true;
        c->ip.dst = edge_of(net)->hosts[ov->vteps[a].anchor].ip;
        if (overlay_encap(ov, &v->st, v->ip, ov->vteps[a].ip, vni, c) !=
            DROP_N_REASONS) {
            pkt_free(&net->pool, c);
            continue;
        }
        *tail = c;
        tail = &c->next;
    }
    return tail;
}

/* The local half of flooding P, an unknown unicast of tenant VNI out of
 * its tunnel (or never in one), at leaf V: a copy to each of V's own
 * hosts of the VNI but SKIP_A and SKIP_B (the frame's source, whose
 * port it came by, and its destination, which gets the frame itself;
 * NONE: nobody), never back into the fabric (split horizon: a replica
 * from the overlay is not replicated again).  A host of the VNI is a
 * MAC whose VMs are on a server behind V (evpn_host), and its copy is
 * addressed to that server, whose NIC discards it (not its address:
 * host.c).  Appended at *TAIL, counted in local_pkts; returns the new
 * tail. */
static struct pkt **
bum_flood_local(struct vtep *v, struct net *net, const struct pkt *p,
                uint32_t vni, uint32_t skip_a, uint32_t skip_b,
                struct pkt **tail)
{
    struct overlay *ov = v->ov;
    uint32_t vi = (uint32_t)(v - ov->vteps);
    for (uint32_t h = 0; h < ov->n_hosts; h++) {
        if (ov->host_vni[h] != vni || h == skip_a || h == skip_b ||
            ov->host_vtep[ov->evpn_host[h]] != vi)
            continue;
        struct pkt *c = pkt_alloc(&net->pool);
        *c = *p;
        c->next = NULL;
        c->hooks = 0;            /* Traces follow the packet itself. */
        c->flood_copy = true;
        c->flooded = false;
        c->inner_dst = 0;
        c->ip.dst = edge_of(net)->hosts[ov->evpn_host[h]].ip;
        v->st.local_pkts++;
        *tail = c;
        tail = &c->next;
    }
    return tail;
}

/* Whether leaf VI has learned host H on an access port: a frame from H
 * arrived there within evpn.mac_aging (data-plane learning of the source
 * MAC, as a Linux bridge's FDB learns and ages it). */
static bool
evpn_learned(const struct overlay *ov, const struct net *net, uint32_t vi,
             uint32_t h)
{
    uint64_t seen = ov->evpn_seen[(size_t)vi * ov->n_hosts + h];
    return seen != UINT64_MAX && net->sim.now_ps - seen < ov->evpn_aging_ps;
}

/* An unknown unicast P of tenant VNI (T) from host SRC for host DST at
 * leaf V, flooded (RFC 7432 sections 11 and 16.1; RFC 8365 8.3's ingress
 * replication): a replica to every VTEP of V's type 3 list and a copy to
 * each of V's own other hosts of the VNI, wherever DST is.  The frame
 * itself reaches DST only if the flood does: DST is V's own (a host V has
 * not learned), or DST's leaf is on the list (the frame, marked flooded,
 * goes there in place of its replica); else it is dropped, flood_missed,
 * and its copies go on. */
static enum drop_reason
bum_flood(struct vtep *v, struct net *net, struct pkt *p, uint32_t vni,
          uint32_t t, uint32_t src, uint32_t dst, struct sw_tunnel_out *out)
{
    struct overlay *ov = v->ov;
    uint32_t vi = (uint32_t)(v - ov->vteps);
    uint32_t home = ov->host_vtep[ov->evpn_host[dst]];
    const uint8_t *list = bum_list(ov, vi, t);
    struct pkt pre = *p;
    enum drop_reason why = DROP_N_REASONS;
    if (home == vi) {
        v->st.local_pkts++;
        evpn_redirect(ov, net, vi, dst, p);
    } else if (list[home]) {
        evpn_redirect(ov, net, home, dst, p);
        why = overlay_encap(ov, &v->st, v->ip, ov->vteps[home].ip, vni, p);
        if (why != DROP_N_REASONS)
            return why;       /* Its replicas would not fit either. */
        p->flooded = true;
    } else {
        why = DROP_FLOOD_MISSED;
    }
    bum_flood_local(v, net, &pre, vni, src, dst,
                    bum_replicate(v, net, &pre, vni, home, list,
                                  &out->copies));
    return why;
}

/* A tenant's packet from host SRC by a host port of leaf V for host DST
 * in VNI (tenant T), with EVPN: where V's RIB says the VMs of DST are,
 * else (a host of V's own) where V has learned them; else flooded. */
static enum drop_reason
vtep_encap_evpn(struct vtep *v, struct net *net, struct pkt *p,
                uint32_t vni, uint32_t t, uint32_t src, uint32_t dst,
                struct sw_tunnel_out *out)
{
    struct overlay *ov = v->ov;
    uint32_t vi = (uint32_t)(v - ov->vteps);
    uint32_t at = ov->evpn_at[(size_t)vi * ov->n_hosts + dst];
    if (ov->evpn_seen) {
        ov->evpn_seen[(size_t)vi * ov->n_hosts + src] = net->sim.now_ps;
        if (at == NONE && evpn_learned(ov, net, vi, dst))
            at = vi;
    }
    if (at == NONE) {
        /* Unknown: dropped (ARP suppression), or flooded. */
        if (ov->evpn_suppress)
            return DROP_NO_ROUTE;
        return bum_flood(v, net, p, vni, t, src, dst, out);
    }
    if (at == vi) {
        if (ov->host_vtep[ov->evpn_host[dst]] != vi)
            return DROP_VM_MOVED;     /* Gone, and no newer route yet. */
        v->st.local_pkts++;
        evpn_redirect(ov, net, vi, dst, p);
        return DROP_N_REASONS;
    }
    evpn_redirect(ov, net, at, dst, p);
    return overlay_encap(ov, &v->st, v->ip, ov->vteps[at].ip, vni, p);
}

static enum drop_reason
vtep_encap(struct vtep *v, struct net *net, struct sw *s, struct pkt *p,
           struct sw_tunnel_out *out)
{
    struct overlay *ov = v->ov;
    uint32_t src = net_host_of_ip(net, p->ip.src);
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    uint32_t vni = src == UINT32_MAX ? 0 : ov->host_vni[src];
    p->vni = 0;
    if (!vni) {
        /* Not a tenant's: routed natively, but never into a tenant. */
        if (dst != UINT32_MAX && ov->host_vni[dst]) {
            v->st.isolation_drops++;
            return DROP_NO_ROUTE;
        }
        return DROP_N_REASONS;
    }
    const struct vtep_entry *e =
        dst == UINT32_MAX ? NULL
                          : overlay_lookup(ov, vni, ov->host_addr[dst]);
    if (!e || e->host != dst) {
        v->st.isolation_drops++;
        return DROP_NO_ROUTE;
    }
    if (UNLIKELY(ov->evpn_at != NULL))
        return vtep_encap_evpn(v, net, p, vni, ov->spec->host_tenant[src] - 1,
                               src, dst, out);
    if (sw_route(s, net->host_group[dst]) == ROUTE_DIRECT) {
        v->st.local_pkts++;
        return DROP_N_REASONS;
    }
    return overlay_encap(ov, &v->st, v->ip, ov->vteps[e->vtep].ip, vni, p);
}

enum drop_reason
overlay_encap(const struct overlay *ov, struct vtep_stats *st,
              uint32_t src_ip, uint32_t dst_ip, uint32_t vni, struct pkt *p)
{
    if (encap_outer_ip_bytes(&ov->encap, p) > ov->underlay_mtu_bytes) {
        st->mtu_drops++;
        return DROP_MTU_EXCEEDED;
    }
    uint32_t frame = encap_frame_bytes(&ov->encap, p);
    st->encap_pkts++;
    st->encap_bytes += frame;
    st->overhead_bytes += frame - p->frame_bytes;
    p->frame_bytes = (uint16_t)frame;
    p->vni = vni;
    if (ov->encap.kind == ENCAP_VLAN) {
        /* The access port tags; the trunks forward on the frame's own
         * headers. */
        p->eth.vlan = true;
        p->eth.vid = (uint16_t)vni;
        return DROP_N_REASONS;
    }
    struct encap_outer o = {
        .src_ip = src_ip,
        .dst_ip = dst_ip,
        .sport = encap_sport(&ov->encap, p->hash0),
        .vni = vni,
    };
    p->hash0 = encap_outer_hash(&ov->encap, &o);
    return DROP_N_REASONS;
}

void
overlay_decap(struct vtep_stats *st, struct pkt *p)
{
    st->decap_pkts++;
    st->decap_bytes += p->frame_bytes;
    p->vni = 0;
    p->bum = false;
    p->flooded = false;
    p->eth.vlan = false;     /* Hosts send untagged frames (scn-overlay.c). */
    p->frame_bytes = (uint16_t)pkt_frame_bytes(p);
    pkt_set_route_hash(p);
}

static enum drop_reason
vtep_decap(struct vtep *v, struct net *net, struct sw *s, struct pkt *p,
           struct sw_tunnel_out *out)
{
    struct overlay *ov = v->ov;
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    if (dst == UINT32_MAX || sw_route(s, net->host_group[dst]) != ROUTE_DIRECT)
        return DROP_N_REASONS;   /* In transit (not a leaf-spine path). */
    uint32_t vni = p->vni;
    if (UNLIKELY(p->flood_copy)) {
        /* A replica of a BUM frame (bum_replicate()): out of its tunnel
         * and flooded to this leaf's hosts of the VNI, the replica itself
         * to the first (bum_flood_local()); with none here (moved away)
         * it ends here. */
        overlay_decap(&v->st, p);
        struct pkt *first = NULL;
        bum_flood_local(v, net, p, vni, NONE, NONE, &first);
        if (!first) {
            edge_of(net)->st.pkts_delivered++;
            pkt_free(&net->pool, p);
            out->taken = true;
            return DROP_N_REASONS;
        }
        p->ip.dst = first->ip.dst;
        out->copies = first->next;
        pkt_free(&net->pool, first);
        return DROP_N_REASONS;
    }
    if (UNLIKELY(ov->evpn_at != NULL)) {
        /* The VMs the tunnel is for: delivered if they are here still
         * (perhaps on another server of this leaf), else gone. */
        uint32_t real = p->inner_dst ? net_host_of_ip(net, p->inner_dst)
                                     : dst;
        uint32_t vi = (uint32_t)(v - ov->vteps);
        if (ov->host_vtep[ov->evpn_host[real]] != vi)
            return DROP_VM_MOVED;
        evpn_redirect(ov, net, vi, real, p);
        dst = real;
    }
    const struct vtep_entry *e =
        overlay_lookup(ov, p->vni, ov->host_addr[dst]);
    if (!e || e->host != dst) {
        v->st.isolation_drops++;
        return DROP_NO_ROUTE;
    }
    bool flooded = p->flooded;
    overlay_decap(&v->st, p);
    if (UNLIKELY(flooded))
        bum_flood_local(v, net, p, vni, net_host_of_ip(net, p->ip.src), dst,
                        &out->copies);
    return DROP_N_REASONS;
}

static enum drop_reason
vtep_receive(struct sw_tunnel *t, struct net *net, struct sw *s,
             struct pkt *p, struct sw_tunnel_out *out)
{
    struct vtep *v = CONTAINER_OF(t, struct vtep, up);
    if (from_host(s, p))
        return vtep_encap(v, net, s, p, out);
    return p->vni ? vtep_decap(v, net, s, p, out) : DROP_N_REASONS;
}

static const struct sw_tunnel_class vtep_class = {
    .name = "vtep",
    .receive = vtep_receive,
};

/* The switch host H attaches to (by its first port). */
static uint32_t
host_switch(const struct net *net, uint32_t h)
{
    return net->nodes[h]->ports[0].link.peer->id;
}

struct overlay *
overlay_create(const struct overlay_spec *spec, struct net *net,
               uint32_t scenario_mtu_bytes)
{
    struct overlay *ov = xcalloc(1, sizeof *ov);
    uint32_t n_hosts = net->n_hosts;
    ov->spec = spec;
    ov->encap = spec->encap;
    ov->underlay_mtu_bytes = spec->underlay_mtu_bytes
                                 ? spec->underlay_mtu_bytes
                                 : scenario_mtu_bytes;
    ov->host_vni = xcalloc(n_hosts, sizeof *ov->host_vni);
    ov->host_addr = xcalloc(n_hosts, sizeof *ov->host_addr);
    ov->host_vtep = xcalloc(n_hosts, sizeof *ov->host_vtep);

    /* A VTEP in every switch with a host attached, in switch order. */
    uint32_t *vtep_of = xmalloc(net->n_nodes * sizeof *vtep_of);
    for (uint32_t i = 0; i < net->n_nodes; i++)
        vtep_of[i] = UINT32_MAX;
    for (uint32_t h = 0; h < n_hosts; h++)
        for (uint16_t i = 0; i < net->nodes[h]->n_ports; i++)
            vtep_of[net->nodes[h]->ports[i].link.peer->id] = 0;
    ov->vteps = xcalloc(net->n_switches, sizeof *ov->vteps);
    for (uint32_t i = 0; i < net->n_switches; i++) {
        struct sw *s = &net->switches[i];
        if (vtep_of[s->up.id] == UINT32_MAX)
            continue;
        struct vtep *v = &ov->vteps[ov->n_vteps];
        vtep_of[s->up.id] = ov->n_vteps++;
        v->up.class = &vtep_class;
        v->ov = ov;
        v->switch_id = s->up.id;
        v->ip = VTEP_NET | ov->n_vteps;
        if (spec->vteps == VTEP_LEAF)
            s->tunnel = &v->up;
    }
    for (uint32_t h = n_hosts; h-- > 0;) {
        ov->host_vtep[h] = vtep_of[host_switch(net, h)];
        ov->vteps[ov->host_vtep[h]].anchor = h;
    }
    ov->vtep_of_node = vtep_of;
    ov->n_hosts = n_hosts;

    /* The forwarding table: every tenant member by (VNI, address). */
    for (size_t i = 0; i < spec->n_tenants; i++)
        ov->n_table += spec->tenants[i].n_hosts;
    ov->table = xcalloc(ov->n_table ? ov->n_table : 1, sizeof *ov->table);
    size_t k = 0;
    for (size_t i = 0; i < spec->n_tenants; i++) {
        const struct tenant_spec *t = &spec->tenants[i];
        for (size_t j = 0; j < t->n_hosts; j++) {
            uint32_t h = t->hosts[j];
            ov->host_vni[h] = t->vni;
            ov->host_addr[h] = t->subnet + (uint32_t)j + 1;
            ov->table[k++] = (struct vtep_entry){ t->vni, ov->host_addr[h], h,
                                                  ov->host_vtep[h] };
        }
    }
    qsort(ov->table, ov->n_table, sizeof *ov->table, entry_cmp);
    return ov;
}

void
overlay_destroy(struct overlay *ov)
{
    if (!ov)
        return;
    free(ov->host_vni);
    free(ov->host_addr);
    free(ov->host_vtep);
    free(ov->vtep_of_node);
    free(ov->evpn_at);
    free(ov->evpn_bum);
    free(ov->evpn_host);
    free(ov->evpn_seen);
    free(ov->table);
    free(ov->vteps);
    vswitches_destroy(ov);
    free(ov);
}

bool
overlay_warn_mtu(const struct overlay *ov, struct net *net,
                 uint32_t mtu_bytes)
{
    /* A full inner datagram of MTU bytes, in its Ethernet frame, inside
     * the outer IPv4 datagram. */
    uint32_t over = encap_ip_overhead_bytes(&ov->encap);
    uint32_t need = mtu_bytes + over;
    if (need <= ov->underlay_mtu_bytes)
        return false;
    net_warn(net, "overlay: a %u B inner datagram needs %u B on the "
             "underlay (%u B of %s overhead) and overlay.underlay_mtu is "
             "%u B: full-size packets will be dropped as mtu_exceeded "
             "(raise overlay.underlay_mtu, e.g. to 9216, or lower mtu to "
             "%u)", mtu_bytes, need, over, encap_name(&ov->encap),
             ov->underlay_mtu_bytes, ov->underlay_mtu_bytes - over);
    return true;
}

uint32_t
overlay_identity(const struct overlay *ov, uint32_t h)
{
    const uint32_t *id = ov->spec->vswitch.host_identity;
    return id ? id[h] : 0;
}

bool
overlay_has_identity(const struct overlay *ov)
{
    return ov->encap.kind == ENCAP_GENEVE &&
           ov->spec->vswitch.n_identities > 0;
}

/* A leaf VTEP's MAC: locally administered, from its loopback address. */
static void
vtep_mac(uint32_t ip, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    for (int i = 0; i < 4; i++)
        mac[2 + i] = (uint8_t)(ip >> (24 - 8 * i));
}

uint32_t
overlay_inner_dst(const struct net *net, const struct pkt *p)
{
    if (p->inner_dst)
        return net_host_of_ip(net, p->inner_dst);
    if (!p->flood_copy)
        return net_host_of_ip(net, p->ip.dst);
    const struct flow *f = &edge_of_const(net)->flows[p->flow_id];
    return net_host_of_ip(net, p->ip.src) == f->src ? f->dst : f->src;
}

void
overlay_outer(const struct overlay *ov, const struct net *net,
              const struct pkt *p, struct encap_outer *o, struct pkt *inner)
{
    uint32_t src = net_host_of_ip(net, p->ip.src);
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    sim_assert(src != UINT32_MAX && dst != UINT32_MAX);
    memset(o, 0, sizeof *o);
    if (ov->spec->vteps == VTEP_SERVER) {
        o->src_ip = p->ip.src;
        o->dst_ip = p->ip.dst;
        pkt_host_mac(src, o->src_mac);
        pkt_host_mac(dst, o->dst_mac);
    } else {
        o->src_ip = ov->vteps[ov->host_vtep[src]].ip;
        o->dst_ip = ov->vteps[ov->host_vtep[dst]].ip;
        vtep_mac(o->src_ip, o->src_mac);
        vtep_mac(o->dst_ip, o->dst_mac);
    }
    /* The inner frame, and its headers' hash, as overlay_encap() found
     * it in hash0. */
    *inner = *p;
    if (p->flood_copy || p->inner_dst) {
        const struct host *to =
            &edge_of_const(net)->hosts[overlay_inner_dst(net, p)];
        inner->ip.dst = to->ip;
        memcpy(inner->eth.dst, to->mac, 6);
    }
    pkt_set_5tuple_hash(inner);
    o->sport = encap_sport(&ov->encap, inner->hash0);
    o->vni = p->vni;
    o->ttl = p->ip.ttl;
    o->has_identity = overlay_has_identity(ov);
    o->identity = overlay_identity(ov, src);
}

uint32_t
overlay_tenant_addr(const struct overlay *ov, uint32_t h)
{
    return ov->host_addr[h];
}

bool
overlay_has_vswitch(const struct overlay *ov)
{
    return ov->n_vswitches > 0;
}

void
overlay_evpn_enable(struct overlay *ov, bool arp_suppression,
                    uint64_t mac_aging_ps)
{
    size_t n = (size_t)ov->n_vteps * ov->n_hosts;
    ov->evpn_at = xmalloc((n ? n : 1) * sizeof *ov->evpn_at);
    for (size_t i = 0; i < n; i++)
        ov->evpn_at[i] = NONE;
    ov->evpn_bum = xcalloc((size_t)ov->n_vteps * ov->spec->n_tenants *
                               ov->n_vteps + 1, 1);
    ov->evpn_host = xmalloc((ov->n_hosts + 1) * sizeof *ov->evpn_host);
    for (uint32_t h = 0; h < ov->n_hosts; h++)
        ov->evpn_host[h] = h;
    ov->evpn_suppress = arp_suppression;
    if (mac_aging_ps) {
        ov->evpn_seen = xmalloc((n ? n : 1) * sizeof *ov->evpn_seen);
        for (size_t i = 0; i < n; i++)
            ov->evpn_seen[i] = UINT64_MAX;
        ov->evpn_aging_ps = mac_aging_ps;
    }
}

bool
overlay_evpn_leaf(const struct overlay *ov)
{
    return ov->evpn_at != NULL;
}

void
overlay_evpn_mac(struct overlay *ov, uint32_t v, uint32_t mac, uint32_t at)
{
    uint32_t vi = ov->vtep_of_node[v];
    sim_assert(vi != NONE && (at == NONE || ov->vtep_of_node[at] != NONE));
    ov->evpn_at[(size_t)vi * ov->n_hosts + mac] =
        at == NONE ? NONE : ov->vtep_of_node[at];
}

void
overlay_evpn_flood(struct overlay *ov, uint32_t v, uint32_t vni, uint32_t at,
                   bool on)
{
    uint32_t vi = ov->vtep_of_node[v], ai = ov->vtep_of_node[at];
    uint32_t t = 0;
    while (t < ov->spec->n_tenants && ov->spec->tenants[t].vni != vni)
        t++;
    sim_assert(vi != NONE && ai != NONE && t < ov->spec->n_tenants);
    bum_list(ov, vi, t)[ai] = on;
}

void
overlay_evpn_moved(struct overlay *ov, uint32_t mac, uint32_t to)
{
    ov->evpn_host[mac] = to;
}
