/* What the control plane is built from: the scenario's `control` section
 * (failure detection and reconvergence) and its `events` list (links and
 * switches that fail and come back at run time), read by
 * scenario/scn-control.c (docs/scenario.md, "events" and "control"). */
#ifndef DCSIM_CONTROL_SPEC_H
#define DCSIM_CONTROL_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/evpn-spec.h"
#include "fabric/topo.h"

/* How a switch learns that a neighbour is gone. */
enum ctl_detection {
    CTL_DETECT_CARRIER,       /* Loss of light on the port itself, after
                               * the port's carrier delay. */
    CTL_DETECT_BFD,           /* A BFD session per link (RFC 5880, RFC
                               * 7130): no control packet for interval x
                               * multiplier. */
};

/* How the switches recompute their routes once a failure is detected. */
enum ctl_convergence {
    CTL_CONVERGE_ORACLE,      /* Every switch installs the shortest paths
                               * of the surviving graph after a fixed
                               * delay (the HPCC simulator's global
                               * recomputation). */
    CTL_CONVERGE_BGP,         /* eBGP per cable (RFC 7938): UPDATEs cross
                               * the fabric hop by hop (ebgp.h). */
};

enum ctl_event_kind {
    CTL_LINK_DOWN,
    CTL_LINK_UP,
    CTL_SWITCH_DOWN,
    CTL_SWITCH_UP,
    CTL_VM_MOVE,              /* The VMs of host A move to server B
                               * (BGP EVPN). */
};

/* One entry of `events`, resolved against the graph. */
struct ctl_event_spec {
    uint64_t at_ps;           /* When it happens. */
    enum ctl_event_kind kind;
    uint32_t a, b;            /* Topology node indices: the cable's ends
                               * (links: every cable between the two);
                               * the switch in A for switch events; the
                               * hosts for a VM move. */
    struct src_loc loc;       /* Of the entry, for messages. */
};

struct control_spec {
    enum ctl_detection detection;
    uint64_t carrier_down_ps; /* Carrier delay before a port reports down,
                               * */
    uint64_t carrier_up_ps;   /* and before it reports up. */
    uint64_t bfd_interval_ps; /* Agreed transmit interval of every BFD
                               * session. */
    uint32_t bfd_multiplier;  /* Detect Mult. */
    enum ctl_convergence convergence;
    uint64_t oracle_delay_ps; /* With CTL_CONVERGE_ORACLE: from detection
                               * to every switch's new table. */
    uint64_t bgp_processing_ps;  /* With CTL_CONVERGE_BGP: CPU time per
                                  * UPDATE (or OPEN, or session down). */
    uint64_t bgp_mrai_ps;     /* MinRouteAdvertisementInterval per peer;
                               * 0: none. */
    uint8_t bgp_tc;           /* Traffic class of BGP messages (their
                               * DSCP is CS<bgp_tc>). */
    uint64_t bgp_connect_retry_ps;  /* ConnectRetryTime (RFC 4271 10). */
    uint64_t bgp_idle_hold_ps;      /* IdleHoldTime after a session's
                                     * first flap (RFC 4271 8.1.1's
                                     * DampPeerOscillations); 0: none. */
    uint64_t bgp_idle_hold_max_ps;  /* Its cap, as it doubles per flap. */
    bool bgp_tor_asn_shared;  /* Every tier-1 switch in one AS (RFC 7938
                               * 5.2.4's ASN reuse), not one each. */
    uint32_t bgp_allowas_in;  /* A path may hold the switch's own AS this
                               * many times (allowas-in); 0: none. */
    struct ctl_event_spec *events;  /* In time order (ties: file order). */
    size_t n_events;
    struct evpn_spec evpn;    /* The `evpn` section (evpn.h). */
};

#endif
