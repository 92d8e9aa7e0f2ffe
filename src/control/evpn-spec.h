/* What BGP EVPN is built from: the scenario's `evpn` section
 * (docs/scenario.md, "evpn"), read by scenario/scn-evpn.c. */
#ifndef DCSIM_CONTROL_EVPN_SPEC_H
#define DCSIM_CONTROL_EVPN_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the iBGP sessions are laid out. */
enum evpn_topology {
    EVPN_FULL_MESH,           /* Every VTEP peers with every other:
                               * n(n-1)/2 sessions. */
    EVPN_ROUTE_REFLECTORS,    /* Every VTEP peers with the RRs of its
                               * cluster (RFC 4456); the RRs peer with
                               * each other. */
};

/* Which routes of other tenants a VTEP keeps. */
enum evpn_import {
    EVPN_IMPORT_RT,           /* Its tenant's route target only (RFC 7432
                               * 9.1.1: a VTEP imports the EVIs it
                               * hosts). */
    EVPN_IMPORT_ALL,          /* Every route target (a VTEP that retains
                               * every route, as an RR does). */
};

/* Distinct communities the route-maps that set them (evpn.rr_policy,
 * evpn.neighbor_policy) may add, of each kind, all of them together. */
#define EVPN_MAX_SET 4

/* One entry of a route-map (the import one at the VTEPs, evpn.policy, or
 * the outbound one at the route reflectors, evpn.rr_policy): routes whose
 * community matches are permitted or denied; the first entry that
 * matches decides. */
struct evpn_policy {
    bool any;                 /* Match every route, */
    bool own;                 /* or the VTEP's own tenants' community, */
    bool large;               /* or the large community LC, */
    uint32_t community;       /* else this one (RFC 1997: AS << 16 |
                               * value). */
    uint32_t lc[3];           /* RFC 8092: global administrator, local
                               * data 1 and 2. */
    bool permit;
    /* rr_policy: a community a permitted route gets (additive). */
    bool set, set_large;
    uint32_t set_community;
    uint32_t set_lc[3];
};

/* evpn_neighbor_map's neighbour for every route-reflector client of the
 * speaker (FRR: a peer-group of its clients). */
#define EVPN_CLIENTS UINT32_MAX

/* A route-map one speaker applies to the routes it sends to (outbound)
 * or receives from (inbound) one neighbour or its clients: FRR's
 * `neighbor X route-map NAME out|in` (evpn.neighbor_policy). */
struct evpn_neighbor_map {
    uint32_t speaker;         /* Node of the speaker that applies it (a
                               * VTEP's host or leaf, or an RR's). */
    uint32_t neighbor;        /* Node of the peer, or EVPN_CLIENTS. */
    bool in;                  /* Inbound, else outbound. */
    struct evpn_policy *map;  /* Its entries, in order (sets allowed), */
    size_t n_map;
};

struct evpn_spec {
    bool enabled;             /* The scenario has an `evpn` section. */
    enum evpn_topology topology;
    bool leaf;                /* The VTEPs are the leaves' (overlay.vteps:
                               * leaf): the speakers run on switches. */
    uint32_t *rr_hosts;       /* Route reflectors' node numbers (hosts;
                               * switches with leaf VTEPs), */
    size_t n_rr;              /* in file order. */
    uint32_t cluster_size;    /* RRs per cluster (redundancy): clusters
                               * are consecutive groups of rr_hosts;
                               * VTEP i is a client of cluster i mod the
                               * clusters. */
    uint32_t asn;             /* The one AS of every speaker (iBGP). */
    uint8_t tc;               /* Traffic class of BGP's packets. */
    uint64_t start_ps;        /* When the sessions open. */
    uint64_t keepalive_ps;    /* KEEPALIVE interval. */
    uint64_t hold_ps;         /* Hold time (RFC 4271 4.2); 0: no hold
                               * timer. */
    uint64_t connect_retry_ps;  /* ConnectRetryTime (RFC 4271 10): how
                                 * often a session that went down tries a
                                 * new connection. */
    bool bfd;                 /* Leaf VTEPs: BFD (RFC 5880, multihop RFC
                               * 5883) on every session, FRR's `neighbor
                               * X bfd`: a side whose peer's switch fails
                               * goes down after interval x multiplier,
                               * not at its hold timer. */
    uint64_t bfd_interval_ps; /* Its agreed transmit interval, */
    uint32_t bfd_multiplier;  /* and Detect Mult. */
    uint64_t mac_aging_ps;    /* Leaf VTEPs without host_routes: how long
                               * a leaf keeps a host of its own it learned
                               * from the host's frames. */
    uint64_t idle_hold_ps;    /* IdleHoldTime (RFC 4271 8.1.1) after a
                               * session side's first fall from
                               * Established, doubling per further one;
                               * 0: it starts again at once. */
    uint64_t idle_hold_max_ps;  /* Its cap, and how long a side must stay
                                 * Established to start over. */
    uint64_t update_cpu_ps;   /* A speaker's CPU per UPDATE received. */
    uint32_t cpu_core;        /* On a server: the core that runs BGP. */
    bool type5;               /* Each VTEP also originates its tenant's
                               * subnet as a type 5 route. */
    bool arp_suppression;     /* Unknown destinations are dropped, not
                               * ingress-replicated. */
    uint8_t *type5_len;       /* Per host (VTEPs): the length of the
                               * type 5 prefix around its tenant address
                               * (type5); NULL without type5. */
    bool host_routes;         /* Type 2 routes for the VTEPs' own VMs
                               * (false: type 5 only). */
    enum evpn_import import;
    struct evpn_policy *policy;   /* The import route-map at every VTEP, */
    size_t n_policy;              /* in order; none: permit all. */
    bool rt_constraint;       /* RFC 4684: each speaker is sent only the
                               * routes of the route targets it asked
                               * for. */
    struct evpn_policy *rr_policy;  /* The outbound route-map at every
                                     * route reflector, to every peer, */
    size_t n_rr_policy;             /* in order; none: permit all. */
    struct evpn_neighbor_map *nbr;  /* Per-neighbour route-maps, */
    size_t n_nbr;                   /* in file order; none: no map. */
    bool large_community;     /* Every route a VTEP originates carries the
                               * large community ASN:VNI:DATA2 too, */
    uint32_t large_data2;     /* DATA2, its Local Data Part 2 (RFC 8092
                               * section 3). */
};

#endif
