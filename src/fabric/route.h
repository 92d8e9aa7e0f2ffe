/* Routing tables: every shortest path, for every switch and destination.
 *
 * Hosts that hang from the same set of switches (a rack) form one
 * destination group: every switch routes them alike, except the switches
 * they are cabled to, which deliver directly (ROUTE_DIRECT).  For each
 * group a breadth-first search from its switches gives every switch its
 * hop distance; a switch's next hops towards the group are all its
 * neighbours one hop closer, which is the ECMP group switch_route()
 * hashes over.
 *
 * One search serves many groups.  Call A the switches next to a group's
 * switches S (its neighbourhood).  Every path from a switch outside S to
 * S enters it from A, and every switch of A is one hop from S, so the
 * distance of a switch X outside S is 2 + its distance to A: the search
 * may start from A at distance 2 and needs S only to mark it 1.  Groups
 * with the same neighbourhood therefore share one search and, away from
 * their own switches and neighbourhood, the same next hops.  In a
 * fat-tree or three-tier every rack of a pod has the pod's aggregation
 * switches as neighbourhood, in a spine-leaf every rack the spines: one
 * search per pod (one in all for a spine-leaf) instead of one per rack,
 * exactly, with no knowledge of the topology's class; explicit graphs
 * get it wherever racks share their neighbours, and one search per
 * group otherwise.  Cost: O(classes x links) for the searches and the
 * next-hop sets, O(switches x groups) to fill the tables; for a k-ary
 * fat-tree O(k^4) = O(links^(4/3)), an entry per switch and rack, each
 * written once into a row and compacted.  A switch keeps the range of
 * its row that differs from the row's most frequent entry, and that
 * entry for the rest (sw_route()): a leaf its own rack, an aggregation
 * switch its pod's racks, a core switch nearly all (k^4/8 entries in
 * all, a core switch's k^2/2 each, where full rows took 5k^4/8).
 * tests/unit/test-fabric.c checks every table against one search per
 * group.
 *
 * Under switch.ecmp_hash ns3 each group's ports are then put in the HPCC
 * ns-3 simulator's order (ns3-ecmp.h), one more search per destination
 * group. */
#ifndef DCSIM_ROUTE_H
#define DCSIM_ROUTE_H 1

#include <stdbool.h>
#include <stdint.h>

struct net;
struct sw;

/* Fills net->host_group, net->n_groups and every switch's route table,
 * replacing any earlier ones.  A cable that either end has withdrawn
 * (link.withdrawn, port.h) is left out, as if it were not cabled: the
 * control plane (src/control/) calls this again, at run time, when the
 * switches reconverge after a failure or a repair.  Forwarding reads the
 * tables as before, so a run without failures pays nothing for it. */
void route_compute(struct net *);
/* Frees net->host_group and every switch's table and ECMP groups. */
void route_free(struct net *);

/* Takes PORT out of every ECMP group of S, in place: what a switch's
 * forwarding hardware does when it sees one of its ports go down, before
 * any routing protocol has reacted.  A group left empty routes nothing
 * (its traffic is dropped as no_route). */
void route_withdraw_port(struct sw *, uint8_t port);

/* Makes S route destination group G (not one of its own: S is not the
 * group's home) over the N ports PORTS, in ascending order (n = 0: no
 * route), reusing an ECMP group of S with exactly these ports or adding
 * one; what a routing protocol (control/'s eBGP) installs in the
 * forwarding table.  Returns whether the ports differ from those G had. */
bool route_set(struct net *, struct sw *s, uint32_t g, const uint8_t *ports,
               uint32_t n);

#endif
