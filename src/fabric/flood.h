/* VLAN broadcast domains: the switches replicate a VLAN's broadcast and
 * unknown-unicast frames (BUM) along a spanning tree, as 802.1Q bridges
 * do, while they route every other frame as L3 switches.
 *
 * The tree is one common spanning tree (CST) for every VLAN: what the
 * Rapid Spanning Tree Protocol (IEEE 802.1D-2004 clause 17; IEEE 802.1Q-2018
 * clause 13, whose CIST is this tree when every VLAN maps to it, as with
 * no MST regions) converges to over the switch-to-switch cables.  Every
 * switch has bridge priority 32768 and its ports' MACs (02:dd:<node
 * id>:<port>), so the root bridge, the lowest bridge ID, is the switch of
 * lowest node id.  A port's path cost is 20 000 000 / its rate in Mb/s,
 * at least 1 (802.1D-2004 Table 17-3's recommended values: 2000 at
 * 10 Gb/s, 200 at 100 Gb/s).  A switch's root port is the one of least
 * root path cost, ties to the lowest designated bridge ID, then the
 * lowest designated port ID, then its own lowest port ID (priority 128
 * and the port's number, its index + 1); a cable is on the tree when it
 * is some switch's root port (point-to-point cables: the other end is
 * the designated port), every other switch-to-switch cable is blocked.
 *
 * A VLAN is carried by a tree cable only towards its members: a trunk
 * carries VLAN V where a member of V lies beyond it (what MVRP's
 * registrations prune a VLAN to, IEEE 802.1Q-2018 clause 11.2), and a
 * host's access port (its first cable, the one the routes call home) is
 * V's when the host is a member.  A BUM frame of V arriving at a switch
 * by port I leaves by every port of V there but I (never back out its
 * ingress), untouched (a bridge does not decrement the IPv4 TTL): the
 * frame itself by the port towards its destination host, a copy
 * (pkt->flood_copy) by every other, counted in net->st.flood_copies (and
 * so in summary.json's packets_sent).  The hosts consume the copies.
 *
 * Built once after net_finish(); the tree does not reconverge after a
 * failure at run time (a cut tree cable drops the frames on it as
 * link_down). */
#ifndef DCSIM_FLOOD_H
#define DCSIM_FLOOD_H 1

#include <stddef.h>
#include <stdint.h>

#include "fabric/drop.h"

struct net;
struct pkt;
struct sw;

/* Computes the common spanning tree of NET's switches and turns
 * flooding on (net->flood); VLANs are added with flood_vlan_add(). */
void flood_create(struct net *);
void flood_destroy(struct net *);
/* VLAN VID (1..4094) has the hosts HOSTS[0..N-1] as members. */
void flood_vlan_add(struct net *, uint16_t vid, const uint32_t *hosts,
                    size_t n);
/* A BUM frame P (pkt->bum) at switch S: replicated to its VLAN's ports.
 * Returns DROP_N_REASONS when it has taken P, else the reason for which
 * S must drop P (a VLAN with no domain here). */
enum drop_reason flood_forward(struct net *, struct sw *, struct pkt *);
/* The root port of switch index SW (its index on the switch), or -1 for
 * the root bridge or a switch the tree does not reach. */
int flood_root_port(const struct net *, uint32_t sw);

#endif
