/* Routing tables: every shortest path, for every switch and destination.
 *
 * Hosts that hang from the same set of switches (a rack) form one
 * destination group: every switch routes them alike, except the switches
 * they are cabled to, which deliver directly (ROUTE_DIRECT).  For each
 * group a breadth-first search from its switches gives every switch its
 * hop distance; a switch's next hops towards the group are all its
 * neighbours one hop closer, which is the ECMP group switch_route()
 * hashes over.  Cost: one BFS per rack, O(racks x links). */
#ifndef DCSIM_ROUTE_H
#define DCSIM_ROUTE_H 1

struct net;

/* Fills net->host_group, net->n_groups and every switch's route table. */
void route_compute(struct net *);

#endif
