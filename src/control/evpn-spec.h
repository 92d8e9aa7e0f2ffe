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
    uint64_t update_cpu_ps;   /* A speaker's CPU per UPDATE received. */
    uint32_t cpu_core;        /* On a server: the core that runs BGP. */
    bool type5;               /* Each VTEP also originates its tenant's
                               * subnet as a type 5 route. */
    bool arp_suppression;     /* Unknown destinations are dropped, not
                               * ingress-replicated. */
};

#endif
