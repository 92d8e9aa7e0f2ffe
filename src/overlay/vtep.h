/* Hardware VTEPs: tunnel endpoints in the switches the hosts attach to
 * (the leaf switches of a spine-leaf fabric, the EVPN design).
 *
 * A VTEP sees every packet its switch receives (fabric/tunnel.h):
 *   - from a host port, a packet of a tenant host to a host behind
 *     another VTEP is encapsulated: its VNI is looked up by the tenant
 *     and the destination's tenant address, the frame grows by the
 *     encapsulation's overhead (encap.h), and its route hash becomes the
 *     outer 5-tuple's (VTEP addresses, a source port hashed from the
 *     inner headers, the tunnel's UDP port), so the underlay's ECMP sees
 *     the outer headers only.  A tunnel packet larger than the underlay
 *     MTU is dropped (mtu_exceeded): VXLAN and Geneve do not fragment.
 *     A packet to a host behind the same VTEP is bridged locally;
 *   - from the fabric, a tunnel packet for a host attached here is
 *     decapsulated: the inner frame, its size and hash, go on.
 * With BGP EVPN a leaf ingress-replicates an unknown unicast (RFC 8365
 * 8.3): the frame itself to its destination's leaf, and a replica
 * (pkt->flood_copy, addressed to a host of that leaf) to every other leaf
 * of the VNI's type 3 list, handed to the switch (fabric/tunnel.h's
 * copies), and a copy to each of its own other hosts of the VNI; a leaf
 * that receives a replica decapsulates it and floods it to its hosts of
 * the VNI, and the destination's leaf floods the frame itself (marked
 * pkt->flooded) to its other hosts of the VNI besides delivering it
 * (RFC 7432 section 11).  Nothing received from the fabric goes back
 * into it; the hosts' NICs discard the copies (host.c).  The flood goes
 * to the list whatever it holds: a destination whose leaf is not on it
 * is not reached (the frame is dropped, flood_missed; its copies go on);
 * one behind the leaf itself gets the frame down its port.  A leaf knows
 * its own hosts from its own type 2 routes, or without them
 * (evpn.host_routes: false) learns each from the frames it sends on its
 * access port, for evpn.mac_aging.
 * With VLAN segments (ENCAP_VLAN) the ingress leaf, an access port, tags
 * the frame with the tenant's VID instead (4 B, no outer headers, the
 * route hash unchanged) and the egress leaf removes the tag.
 * The underlay switches forward tunnel packets on the outer hash towards
 * the egress VTEP's routing group (the group of the inner destination's
 * leaf, so the same path as towards the VTEP address).
 *
 * Addresses: dcsim's packets carry each host's fabric address
 * (pkt_host_ip()) as their routing key; a tenant's own addresses (its
 * subnet, overlapping other tenants') live in the VTEPs' table, keyed by
 * (VNI, tenant address), as in a real VTEP's MAC/IP-to-VTEP table. */
#ifndef DCSIM_OVERLAY_VTEP_H
#define DCSIM_OVERLAY_VTEP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/tunnel.h"
#include "overlay/encap.h"
#include "overlay/overlay-spec.h"

struct net;
struct pkt;
struct vswitch;

struct vtep_stats {
    uint64_t encap_pkts, encap_bytes;   /* Frame bytes after encapsulation. */
    uint64_t decap_pkts, decap_bytes;   /* Frame bytes before decapsulation. */
    uint64_t overhead_bytes;            /* Added by this VTEP. */
    uint64_t local_pkts;                /* Bridged without a tunnel. */
    uint64_t mtu_drops;                 /* Tunnel packets over the MTU. */
    uint64_t isolation_drops;           /* No entry for (VNI, address). */
};

struct vtep {
    struct sw_tunnel up;
    struct overlay *ov;
    uint32_t switch_id;        /* Its switch's node id. */
    uint32_t anchor;           /* A host attached to it (the underlay
                                * routes its tunnels towards it). */
    uint32_t ip;               /* Its underlay address, 172.16.0.0/16. */
    struct vtep_stats st;
};

/* One entry of the VTEPs' forwarding table. */
struct vtep_entry {
    uint32_t vni;              /* Or VLAN ID. */
    uint32_t addr;             /* Tenant address. */
    uint32_t host;             /* Host number. */
    uint32_t vtep;             /* Index in ov->vteps. */
};

struct overlay {
    const struct overlay_spec *spec;
    struct encap encap;
    uint32_t underlay_mtu_bytes;
    uint32_t *host_vni;        /* Per host: its tenant's VNI, 0: none. */
    uint32_t *host_addr;       /* Per host: its tenant address. */
    uint32_t *host_vtep;       /* Per host: its VTEP, in vteps. */
    struct vtep_entry *table;  /* Sorted by (vni, addr). */
    size_t n_table;
    struct vtep *vteps;        /* With VTEP_SERVER, none is attached:
                                * the vswitches encapsulate. */
    uint32_t n_vteps;
    struct vswitch *vswitches; /* One per server with VMs (vswitch.h), */
    uint32_t n_vswitches;      /* or none. */
    /* BGP EVPN on the leaves (control/evpn.h), or NULL: the table above
     * is everything a leaf knows.  With it a leaf tunnels only to what
     * its RIB installed: */
    uint32_t *evpn_at;         /* [vtep * n_hosts + host]: the VTEP of the
                                * host's VMs' type 2 route, or NONE; */
    uint8_t *evpn_bum;         /* [(vtep * n_tenants + tenant) * n_vteps
                                * + vtep]: its type 3 list per tenant
                                * (VNI), whose VTEPs get a replica of an
                                * unknown unicast (RFC 8365 8.3); */
    uint32_t *evpn_host;       /* per host: the server its VMs are on
                                * (vm_move), which its leaf delivers to; */
    uint64_t *evpn_seen;       /* [vtep * n_hosts + host]: when a frame
                                * of the host last arrived on one of the
                                * VTEP's access ports (it learns its own
                                * hosts so), or UINT64_MAX; NULL without
                                * learning (host_routes); */
    uint64_t evpn_aging_ps;    /* and how long it keeps that (MAC aging,
                                * evpn.mac_aging); */
    uint32_t *vtep_of_node;    /* per node: its VTEP, or NONE. */
    bool evpn_suppress;        /* Unknown destinations dropped, not
                                * sent to the type 3 list. */
    uint32_t n_hosts;
};

/* Builds the overlay of SPEC over the finished net NET and attaches a
 * VTEP to every switch with a host attached.  N_HOSTS: net->n_hosts. */
struct overlay *overlay_create(const struct overlay_spec *, struct net *,
                               uint32_t scenario_mtu_bytes);
void overlay_destroy(struct overlay *);
/* Warns (net_warn()) when a full-size inner datagram of MTU_BYTES cannot
 * fit the underlay once encapsulated; returns whether it did. */
bool overlay_warn_mtu(const struct overlay *, struct net *,
                      uint32_t mtu_bytes);
/* The entry of (VNI, tenant address ADDR), or NULL. */
const struct vtep_entry *overlay_lookup(const struct overlay *, uint32_t vni,
                                        uint32_t addr);
/* Encapsulates P, of tenant VNI, from the VTEP at SRC_IP to the one at
 * DST_IP (or tags it with VLAN segments), counting into ST; returns
 * DROP_MTU_EXCEEDED if the tunnel packet would not fit the underlay,
 * else DROP_N_REASONS. */
enum drop_reason overlay_encap(const struct overlay *, struct vtep_stats *,
                               uint32_t src_ip, uint32_t dst_ip,
                               uint32_t vni, struct pkt *);
/* Takes P out of its tunnel (or its tag off), counting into ST. */
void overlay_decap(struct vtep_stats *, struct pkt *);
/* The host P's inner frame is for: its IPv4 destination's; for a
 * flood copy (pkt.h) its flow's other end; in a tunnel to a VM that has
 * moved (BGP EVPN), its inner_dst's. */
uint32_t overlay_inner_dst(const struct net *, const struct pkt *);
/* The outer headers of P, a tunnel packet (p->vni set; VXLAN or Geneve)
 * on the fabric, as its ingress VTEP wrote them: the VTEPs' addresses
 * (leaves' loopbacks, or the hosts' own with software VTEPs) and MACs,
 * the source port hashed from the inner headers (the one P's route hash
 * was made from), the VNI, the TTL and the source's identity; and in
 * *INNER its inner frame (a flood copy's addressed as the flooded frame
 * was).  For traces (report/capture.c). */
void overlay_outer(const struct overlay *, const struct net *,
                   const struct pkt *, struct encap_outer *,
                   struct pkt *inner);
/* BGP EVPN fills the leaves' tables (control/evpn.h's data plane, which
 * names VTEPs by their switches' node ids): from now on every remote
 * destination is unknown until overlay_evpn_mac() installs it, and a
 * leaf's own host until the leaf installs its own route for it or, with
 * MAC_AGING_PS (0: no learning, as with evpn.host_routes), learns it from
 * its frames (kept MAC_AGING_PS after the last); with
 * ARP_SUPPRESSION unknown destinations are dropped, else flooded (the
 * type 3 list and the leaf's own hosts of the VNI).  Once, before the
 * run. */
void overlay_evpn_enable(struct overlay *, bool arp_suppression,
                         uint64_t mac_aging_ps);
/* Whether BGP EVPN fills the leaves' tables (overlay_evpn_enable()). */
bool overlay_evpn_leaf(const struct overlay *);
/* Leaf V reaches the VMs of host MAC through leaf AT's VTEP, or knows
 * no more (AT == UINT32_MAX). */
void overlay_evpn_mac(struct overlay *, uint32_t v, uint32_t mac,
                      uint32_t at);
/* Leaf V's type 3 list of tenant VNI gains (ON) or loses leaf AT. */
void overlay_evpn_flood(struct overlay *, uint32_t v, uint32_t vni,
                        uint32_t at, bool on);
/* The VMs of host MAC are on server TO now. */
void overlay_evpn_moved(struct overlay *, uint32_t mac, uint32_t to);
/* The security identity host H's packets carry (overlay.vswitch
 * identities: its index + 1), 0 for none. */
uint32_t overlay_identity(const struct overlay *, uint32_t h);
/* Whether the overlay's Geneve packets carry the identity option. */
bool overlay_has_identity(const struct overlay *);
/* Whether the overlay has vswitches. */
bool overlay_has_vswitch(const struct overlay *);
/* The tenant address of host H (0 if it is in no tenant). */
uint32_t overlay_tenant_addr(const struct overlay *, uint32_t h);

#endif
