/* BGP EVPN (RFC 7432, RFC 8365) over the simulated fabric: the control
 * plane of the overlay's software VTEPs.
 *
 * Speakers.  Every VTEP (a tenant server whose vswitch tunnels,
 * overlay.vteps: server; or a leaf switch with tenant hosts attached,
 * overlay.vteps: leaf) runs a BGP speaker in one AS; so does every
 * route reflector the scenario names (hosts, RFC 4456; switches, such as
 * the spines, with leaf VTEPs).  Sessions are
 * iBGP: a full mesh of the VTEPs (n(n-1)/2), or each VTEP a client of
 * the RRs of one cluster and the RRs meshed among themselves.
 *
 * Leaf VTEPs' sessions join switches, which have no TCP endpoint: they
 * are TCP/IP segments routed between the switches' own addresses
 * (evpn-leaf.h), in-order with retransmission after a loss; a leaf's
 * speaker runs on its control CPU (a FIFO, evpn.update_cpu per UPDATE)
 * and originates a type 2 route for each tenant host attached to it.
 * A VTEP serves the tenants of the hosts whose VMs are behind it (a
 * leaf may serve several: a MAC-VRF per VNI, an IP-VRF per tenant).
 * Everything else below holds for both.
 *
 * Sessions are TCP connections over the fabric.  Each direction of a
 * session is one of dcsim's TCP connections (transport/tcp.c carries
 * bytes one way per connection, ACKs the other), a message stream
 * (transport_open_stream(), opened at evpn.start) to port 179 in
 * evpn.tc: every message is posted on it as it is sent
 * (transport_post()), with its real size (bgp-msg.h), so BGP's packets
 * queue with the data, are lost and resent as data is, and a message
 * arrives (evpn_msg_done()) when TCP delivers its last byte in order.
 * The flows are also flow.h's `control`: a vswitch passes them as the
 * host's own traffic.  The BGP finite state machine is RFC 4271's: at
 * evpn.start each side sends OPEN, answers the peer's OPEN with a
 * KEEPALIVE, and is Established once the peer's KEEPALIVE follows; it
 * then sends its routes, one UPDATE each, and End-of-RIB.
 *
 * Every message received waits for the speaker's CPU: a FIFO that
 * charges evpn.update_cpu per UPDATE, on a server's core evpn.core
 * (shared with whatever else runs there), else on a control CPU of its
 * own.  Only then is it applied: the path is stored (Adj-RIB-In, one per
 * NLRI and peer), the best path chosen (own, then the shortest
 * CLUSTER_LIST, then the lowest peer), and a change propagated:
 *   - a VTEP advertises its own routes only (iBGP split horizon):
 *     type 3 (inclusive multicast) per VNI, type 2 (MAC/IP) for the VMs
 *     behind it (unless evpn.host_routes is false), and type 5 (per
 *     tenant, a prefix around its first host's tenant address) if
 *     asked; it keeps (imports) only routes whose route target is one
 *     of its tenants' (evpn.import: all,
 *     every route), then only those its route-map on the tenants'
 *     communities permits (evpn.policy);
 *   - with evpn.rt_constraint (RFC 4684) each side sends its route
 *     target memberships once Established (a VTEP its tenants', an RR
 *     the default: everything) and its routes only after the peer's,
 *     and only those of route targets the peer asked for;
 *   - a route reflector reflects a client's best path to every other
 *     peer and a non-client's to its clients, adding its cluster to the
 *     CLUSTER_LIST and the ORIGINATOR_ID; it ignores a path whose
 *     CLUSTER_LIST holds its cluster, and a client one whose
 *     ORIGINATOR_ID is itself (loop prevention).
 * A VTEP's data plane follows its RIB (struct evpn_dp): the location of
 * a MAC is that of its type 2 route with the highest MAC mobility
 * sequence number (RFC 7432 15, ties to the lowest VTEP), else the VTEP
 * of the longest type 5 prefix covering its tenant address (RFC 9135's
 * symmetric IRB; none if that prefix is the VTEP's own), and its flood
 * list is the VTEPs of its type 3 routes.
 *
 * With evpn.hold a side whose peer has sent nothing for the hold time
 * sends NOTIFICATION, goes Idle and drops the peer's paths (RFC 4271
 * 6.5); so does a side that receives a NOTIFICATION.  It closes the TCP
 * connection (transport_close_stream(), both directions; between leaf
 * VTEPs evpn-leaf.h's evpn_leaf_close()) and starts
 * again at once: Connect, a new connection in the same two flows (new
 * ephemeral ports) with its OPEN on it, and another every
 * evpn.connect_retry (the ConnectRetryTimer) until the peer's OPEN
 * answers; the side that gets the OPEN takes the new connection unless
 * it is Established on the old one.  Established again, each side sends
 * its whole table.  A switch that fails (evpn_switch_down()) takes its
 * speakers' sessions to Idle at once, sending nothing; switch_up starts
 * them again.  With evpn.bfd (leaf VTEPs) its peers go down when BFD's
 * detection time runs out (control_bfd_down_ps()), not at their hold
 * timers.
 *
 * A VM move (event vm_move) takes the VMs of a host to another server at
 * once: the old server drops what still reaches it (vm_moved), the new
 * one originates a type 2 route with a sequence number one above the
 * highest it holds (RFC 7432 15.1), and every VTEP redirects its traffic
 * when that route is installed; the old VTEP, seeing a newer route for a
 * MAC it advertised, withdraws its own. */
#ifndef DCSIM_CONTROL_EVPN_H
#define DCSIM_CONTROL_EVPN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/evpn-spec.h"

struct ctl_record;
struct ctl_speakers;
struct evpn;
struct evpn_dp;
struct flow;
struct net;

/* What a VTEP's data plane is told by its RIB; implemented above the
 * control floor (the world, over overlay/vswitch.h). */
struct evpn_dp_class {
    /* VTEP host V sends to the VMs of host MAC through the VTEP of host
     * AT (V itself: delivered locally), or knows no location for them
     * (AT == UINT32_MAX).  Required. */
    void (*mac)(struct evpn_dp *, uint32_t v, uint32_t mac, uint32_t at);
    /* VTEP host V floods the BUM traffic of tenant VNI to host AT's
     * VTEP, or stops (V's type 3 list for VNI).  Required. */
    void (*flood)(struct evpn_dp *, uint32_t v, uint32_t vni, uint32_t at,
                  bool on);
    /* The VMs of host MAC have left server V: what reaches V for them is
     * dropped (vm_moved).  Required with software VTEPs (leaf VTEPs
     * learn it from `moved`). */
    void (*gone)(struct evpn_dp *, uint32_t v, uint32_t mac);
    /* The VMs of host MAC run on server TO now: with software VTEPs
     * their own sending leaves from there; with leaf VTEPs the leaf
     * that originates their route delivers to TO's port.  Optional. */
    void (*moved)(struct evpn_dp *, uint32_t mac, uint32_t to);
};

struct evpn_dp {
    const struct evpn_dp_class *class;
};

/* What the builder hands EVPN. */
struct evpn_config {
    const struct evpn_spec *spec;
    const uint32_t *host_vni;  /* Per host: its tenant's VNI, 0: none. */
    const uint32_t *node_vni;  /* Per node: non-zero for a VTEP there (a
                                * tenant host's VNI with software VTEPs,
                                * one of a leaf's with hardware ones; it
                                * serves the tenants of the hosts whose
                                * VMs are behind it), 0: none; */
    uint32_t n_nodes;          /* its length. */
    const uint32_t *mac_node;  /* Per host: the node of the VTEP its VMs
                                * are behind; NULL: the host itself. */
    const uint32_t *host_addr; /* Per host: its tenant address. */
    uint32_t first_flow;       /* Room in edge->flows from here, */
    uint16_t entry;            /* and the edge entry of its flows (TCP,
                                * `stream`). */
    uint64_t stop_ps;          /* The run's stop; 0: none (then the
                                * sessions' timers are background
                                * events, control_timer()). */
    struct evpn_dp *dp;
};

/* With route reflectors, the cluster of VTEP speaker I (the VTEPs
 * numbered in node order) and of the R-th of evpn.route_reflectors: a
 * VTEP peers with every RR of its cluster, and the RRs with each other
 * (evpn_create()); 0 in a full mesh. */
uint32_t evpn_vtep_cluster(const struct evpn_spec *, uint32_t i);
uint32_t evpn_rr_cluster(const struct evpn_spec *, uint32_t r);
/* Sessions of SPEC over the VTEPs of NODE_VNI (its N_NODES nodes, as in
 * evpn_config). */
uint32_t evpn_session_count(const struct evpn_spec *, const uint32_t *node_vni,
                            uint32_t n_nodes);
/* Flows it needs in edge->flows: two per session (none with leaf VTEPs,
 * whose sessions are evpn-leaf.h's). */
uint32_t evpn_flow_cap(const struct evpn_spec *, const uint32_t *host_vni,
                       uint32_t n_hosts);

/* Builds the speakers (adding their rows to SPEAKERS, which must outlive
 * it), their sessions' flows, and schedules the sessions' opening. */
struct evpn *evpn_create(struct net *, const struct evpn_config *,
                         struct ctl_speakers *speakers);
void evpn_destroy(struct evpn *);
/* Whether flow F is one of E's. */
bool evpn_owns_flow(const struct evpn *, const struct flow *f);
/* The message posted on F, one of E's streams, with TAG has been
 * delivered (edge_owner_class.msg_done): its receiver takes it. */
void evpn_msg_done(struct evpn *, struct net *, struct flow *f,
                   uint64_t tag);
/* The VMs of host MAC move to server TO now (event R); R's converged_ps
 * is set when every other VTEP of the tenant has installed the new
 * route. */
void evpn_vm_move(struct evpn *, struct net *, uint32_t mac, uint32_t to,
                  struct ctl_record *r);
/* Switch NODE fails: its speakers (leaf VTEPs, route reflectors on
 * switches) go Idle on every session, sending nothing, and forget what
 * their peers sent them; their peers find out by their hold timers, or
 * with evpn.bfd by BFD. */
void evpn_switch_down(struct evpn *, uint32_t node);
/* Switch NODE is back: its speakers start every session from Idle. */
void evpn_switch_up(struct evpn *, uint32_t node);
/* The run has ended: sessions up and RIB sizes into the speakers' rows. */
void evpn_finish(struct evpn *);

/* Totals for summary.json. */
struct evpn_totals {
    uint32_t vteps, rrs, sessions, sessions_up;
    uint64_t msgs, updates, bytes, rib_entries;
    uint64_t established_ps;   /* When the last session came up;
                                * UINT64_MAX: not all did. */
};
void evpn_totals(const struct evpn *, struct evpn_totals *);

#endif
