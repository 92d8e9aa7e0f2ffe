/* The underlay's eBGP, as RFC 7938 runs it in a datacenter: a BGP speaker
 * on every switch, an eBGP session over every cable between two switches,
 * and one prefix per rack that the rack's switches originate.
 *
 * AS numbers (RFC 7938 section 5.2.1): every switch hosts hang from (tier
 * 1: leaf, ToR, edge) has an AS of its own; the switches of the top tier
 * all share one AS (the spines of a spine-leaf, the core of a fat-tree);
 * switches of a tier between (a fat-tree's or three-tier's aggregation)
 * share one AS per cluster, the switches of that tier cabled to the same
 * set of switches below (a fat-tree's pod).  Numbers come from the
 * four-octet private range (RFC 6996): the top tier 4200000000, then
 * clusters and tier-1 switches in node order.  Shared ASes are what keep
 * paths valley-free: a spine rejects a route that already went through a
 * spine (its own AS in the AS_PATH, RFC 4271 section 9.1.2).  With
 * control.bgp_tor_asn: shared every tier-1 switch has one AS (RFC 7938
 * 5.2.4's ASN reuse), and tier-1 switches accept paths holding their AS
 * up to control.bgp_allowas_in times (allowas-in).
 *
 * Prefixes: every routing destination group (fabric/route.h: the hosts
 * that hang from the same switches, a rack) is one IPv4 prefix,
 * originated by each switch it hangs from; so the tables grow with racks,
 * not hosts (128 prefixes for a k = 16 fat-tree).  A /24 or shorter down
 * to /17: 4 bytes of NLRI each.
 *
 * Decision: among the routes learned on Established sessions whose
 * AS_PATH does not hold the switch's own AS, the shortest AS_PATHs win,
 * and every session that offers one is an ECMP next hop (multipath with
 * as-path multipath-relax: equal length, whatever the ASes); the best
 * path, the one advertised, is the winner from the peer with the lowest
 * node index (the BGP Identifier tie-break of RFC 4271 section 9.1.2.2).
 * A switch advertises its best path, its own AS prepended, to every peer;
 * a peer whose AS is in it rejects it as a loop (receiver-side loop
 * detection, RFC 4271's and FRR's default).
 *
 * Time: every received UPDATE (and OPEN, and a session that went down)
 * waits its turn on the switch's control CPU, one FIFO, and takes
 * control.bgp_processing of it; then the switch recomputes the prefixes
 * it touched, installs changed ECMP groups in its forwarding table
 * (route_set()) and sends what changed to its peers: withdrawals at once,
 * new paths no sooner than control.bgp_mrai after the previous
 * announcement to that peer (RFC 4271 section 9.2.1.1; FRR's eBGP
 * default is 0).  Messages are TCP/IPv4 packets on the session's cable
 * (bgp-msg.h) in traffic class control.bgp_tc, so they queue behind
 * data; one message per segment.  The TCP connection is modelled by its
 * effects: in-order delivery per session, and a lost segment resent after
 * 200 ms (Linux's minimum RTO) with the messages behind it held back.
 *
 * Sessions are Established at time 0 with the converged tables (found by
 * running the decision process to a fixed point, which also installs
 * them: on a Clos they are route_compute()'s).  After that each follows
 * RFC 4271 section 8's state machine: a session that falls (its port
 * detected down) goes Idle and starts again at once (or, with
 * control.bgp_idle_hold, after its IdleHoldTimer, which doubles with
 * every flap up to control.bgp_idle_hold_max), in Connect: a TCP
 * connection attempt (a SYN on the cable; none while the port is down)
 * now and on every expiry of its ConnectRetryTimer
 * (control.bgp_connect_retry), and at once when the port is seen up
 * again (FRR's next-hop tracking).  A side in Connect that receives a
 * SYN answers with a SYN-ACK; with the SYN-ACK, or the peer's SYN, it
 * sends its OPEN; the peer's OPEN brings a KEEPALIVE, the peer's
 * KEEPALIVE Established, and each side then sends its whole table.
 * Both ends' SYNs crossing collide (RFC 4271 6.8): the connection of the
 * higher BGP Identifier, the switch's loopback address, survives.  A
 * failed switch's sessions stay Idle until it comes back. */
#ifndef DCSIM_EBGP_H
#define DCSIM_EBGP_H 1

#include <stdint.h>

struct control;
struct ebgp;
struct sw;

/* Builds the speakers of CTL's net, installs their converged tables and
 * adds them to CTL's speakers (role "ebgp"). */
struct ebgp *ebgp_create(struct control *ctl);
void ebgp_destroy(struct ebgp *);

/* Switch S has detected that the cable of its port PORT is down, or up,
 * for the event of record TAG. */
void ebgp_port_down(struct ebgp *, struct sw *s, uint8_t port, uint32_t tag);
void ebgp_port_up(struct ebgp *, struct sw *s, uint8_t port, uint32_t tag);
/* Switch S has lost power: its speaker forgets everything, its sessions
 * Idle. */
void ebgp_switch_down(struct ebgp *, struct sw *s);
/* Switch S is back (its cables mended), for the event of record TAG: its
 * speaker starts every session from Idle. */
void ebgp_switch_up(struct ebgp *, struct sw *s, uint32_t tag);

/* The run has ended: the speakers' RIB sizes and sessions up. */
void ebgp_finish(struct ebgp *);

#endif
