/* BGP EVPN's sessions between switches: the transport of the iBGP
 * sessions of hardware VTEPs (overlay.vteps: leaf) and of route
 * reflectors on switches, private to control/ (evpn.c drives it).
 *
 * A switch has no TCP endpoint in dcsim, so a session's direction is
 * carried the way the underlay's eBGP carries its own (ebgp.c): every
 * BGP message is one TCP/IPv4 segment (bgp-msg.h's bgp_msg_pkt()) from
 * the sending switch's address to the receiving switch's, in the
 * session's traffic class (evpn.tc), sent through the switch's port like
 * any packet (sw_cpu_send()).  The sessions are multi-hop (a leaf's peer
 * is a route reflector on a spine, or another leaf across one): the
 * segment leaves with TTL 64 and the switches on the way route it to the
 * peer's address (switch_route_switch(), fabric/switch.h: a direct cable,
 * else the underlay's route towards a host of the peer's rack, which
 * follows reconvergence), where the peer's control plane (sw-cpu.h) takes
 * it.  The connection is a second TCP connection beside an eBGP
 * session's on the same pair (its ephemeral port is 49153), so the two
 * share the switches' control plane: this module chains itself in front
 * of the one already attached (net->cpu and the PKT_HOOK_CTRL observer)
 * and passes on what is not its own.
 *
 * TCP is modelled by its effects, as in ebgp.c: in-order delivery per
 * direction (a segment that arrives ahead of a lost one is held back),
 * and a lost segment (dropped anywhere: a full buffer, a cable cut, no
 * route yet) is sent again after BGP_RTO_PS, Linux's minimum RTO.  No
 * ACKs cross the fabric: a session's few hundred bytes of UPDATEs never
 * fill a window.  A session that goes down closes its connection
 * (evpn_leaf_close()), as a host's BGP daemon closes its socket: the
 * segments are numbered on per direction across connections, and those
 * of a closed one are neither resent nor taken. */
#ifndef DCSIM_CONTROL_EVPN_LEAF_H
#define DCSIM_CONTROL_EVPN_LEAF_H 1

#include <stdbool.h>
#include <stdint.h>

struct evpn;
struct evpn_leaf;
struct net;

/* The transport of EV's sessions over NET, in traffic class TC; makes
 * the switches' addresses routable (net_route_switches()). */
struct evpn_leaf *evpn_leaf_create(struct net *, struct evpn *ev,
                                   uint8_t tc);
void evpn_leaf_destroy(struct evpn_leaf *);
/* Session SI (the next number) joins switch A, its side 0, and switch B,
 * side 1 (indices among the switches). */
void evpn_leaf_session(struct evpn_leaf *, uint32_t si, uint32_t a,
                       uint32_t b);
/* Side K of session SI sends its next message, of BYTES. */
void evpn_leaf_post(struct evpn_leaf *, uint32_t si, int k, uint32_t bytes);
/* Session SI's connection closes, both directions (as
 * transport_close_stream() closes a host's stream, transport.h): nothing
 * of it is sent or resent any more, what it still carries is discarded
 * on arrival and never delivered (evpn_delivered()), and the next
 * message posted opens the next connection. */
void evpn_leaf_close(struct evpn_leaf *, uint32_t si);
/* Whether the connection side K of session SI opened is still unknown to
 * the peer: its first segment, standing for the SYN, was refused (no
 * route back for the SYN-ACK) or lost, and waits for its RTO.  The peer
 * has no such connection then, and no collision with it (RFC 4271
 * 6.8). */
bool evpn_leaf_syn_lost(const struct evpn_leaf *, uint32_t si, int k);

/* Implemented by evpn.c: the oldest message that side K of session SI
 * sent and its peer has not had has arrived, in order. */
void evpn_delivered(struct evpn *, uint32_t si, int k);

#endif
