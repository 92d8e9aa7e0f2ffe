/* Topologies: from a parameter set to a graph of hosts, switches and links.
 *
 * A topology class (topo-spine-leaf.c, topo-three-tier.c, topo-fattree.c,
 * topo-explicit.c) turns its `struct topo_spec` into a `struct topo_graph`:
 * a plain description that net.c instantiates as switches, hosts and links,
 * and that `dcsim topo` analyses (tier counts, oversubscription, bisection
 * bandwidth, hop counts, latencies).  Classes are registered by name in the
 * table in topo.c; the name is the scenario's `topology.type`. */
#ifndef DCSIM_TOPO_H
#define DCSIM_TOPO_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Tiers: 0 are hosts; 1 the switches hosts attach to (leaf, access,
 * edge); 2 the next (spine, aggregation); 3 core.  Explicit topologies may
 * set any tier 1..3 on a switch, or leave it 0 to have it inferred from
 * the distance to the nearest host. */
#define TOPO_MAX_TIERS 4

/* A location in a scenario file, for error messages; line 0 = none. */
struct src_loc {
    uint32_t line, col;      /* 1-based. */
};

struct topo_node {
    char *name;              /* Unique: "h12", "leaf3", "spine0", ... */
    bool is_host;
    uint8_t tier;            /* See above; 0 for hosts. */
    int32_t rack;            /* Hosts: index of the rack (group of hosts
                              * under one tier-1 switch); -1 otherwise. */
    struct src_loc loc;      /* Where an explicit topology declares it. */
};

struct topo_link {
    uint32_t a, b;           /* Node indices; a full-duplex cable. */
    uint64_t rate_bps;       /* Each direction. */
    uint64_t delay_ps;       /* Propagation, each direction. */
    struct src_loc loc;
};

/* Hosts are nodes 0..n_hosts-1, numbered rack by rack; switches follow.
 * A host's number in the scenario (flows' src/dst) is its node index. */
struct topo_graph {
    const char *type;        /* Class name. */
    const char *tier_names[TOPO_MAX_TIERS]; /* "host", "leaf", "spine"... */
    struct topo_node *nodes;
    uint32_t n_nodes;
    uint32_t n_hosts;        /* Hosts are also listed in `nodes`. */
    struct topo_link *links;
    uint32_t n_links;
};

struct link_spec {
    uint64_t rate_bps;
    uint64_t delay_ps;
};

struct topo_spine_leaf {
    uint32_t spines, leaves, servers_per_leaf;
    struct link_spec server_link;   /* Server <-> leaf. */
    struct link_spec uplink;        /* Leaf <-> spine. */
};

/* Classic access/aggregation/core: each access switch connects to every
 * aggregation switch of its pod, each aggregation switch to every core. */
struct topo_three_tier {
    uint32_t cores, pods, aggs_per_pod, access_per_pod, servers_per_access;
    struct link_spec server_link;   /* Server <-> access. */
    struct link_spec access_uplink; /* Access <-> aggregation. */
    struct link_spec agg_uplink;    /* Aggregation <-> core. */
};

/* k-ary fat-tree (Al-Fares et al., SIGCOMM 2008): k pods of k/2 edge and
 * k/2 aggregation switches, (k/2)^2 cores, k^3/4 hosts. */
struct topo_fat_tree {
    uint32_t k;                     /* Even, >= 2. */
    struct link_spec server_link;
    struct link_spec fabric_link;   /* Every switch-switch link. */
};

struct topo_explicit {
    struct topo_node *nodes;        /* Owned by the spec. */
    uint32_t n_nodes;
    struct topo_link *links;
    uint32_t n_links;
};

struct topo_spec {
    const char *type;               /* "spine-leaf", "three-tier", ... */
    struct src_loc loc;             /* Of the `topology` key. */
    struct topo_spine_leaf spine_leaf;
    struct topo_three_tier three_tier;
    struct topo_fat_tree fat_tree;
    struct topo_explicit explicit_;
};

/* Builds the graph of SPEC into OUT.  Returns 0, or an errno-style code
 * with *ERR set to an allocated message without a file name (e.g. "host
 * 'h3' cannot reach host 'h0'") and *ERR_LOC to the place in the
 * scenario it concerns (a node's or link's loc, else spec->loc); the
 * scenario parser prefixes FILE:LINE:COL.  Reasons: unknown type, a graph
 * whose hosts cannot all reach each other, a host with no link, more
 * than 255 ports on a node. */
int topo_build(const struct topo_spec *, struct topo_graph *out, char **err,
               struct src_loc *err_loc);
void topo_graph_free(struct topo_graph *);
/* Index of the node named NAME, or -1. */
int64_t topo_find(const struct topo_graph *, const char *name);
const char *topo_type_names(void);   /* "spine-leaf, three-tier, ..." */

/* `dcsim topo`: counts per tier, oversubscription at each tier,
 * bisection bandwidth, hop count and minimum one-way latency for a
 * same-rack and a cross-rack server pair, for frames of MTU_BYTES. */
void topo_print_report(const struct topo_graph *, uint32_t mtu_bytes, FILE *);

/* The analyses behind the report (topo-report.c), for tests and other
 * modules.  Paths run through switches only: hosts do not forward. */

/* Links on a shortest path from node A to node B; 0 if A == B,
 * UINT32_MAX if B cannot be reached. */
uint32_t topo_hops(const struct topo_graph *, uint32_t a, uint32_t b);
/* Bisection bandwidth: the maximum flow, each direction of a link
 * carrying up to its rate_bps, from hosts 0..n_hosts/2-1 to the other
 * hosts (Dinic's algorithm).  Hosts are numbered rack by rack, so for
 * the generated topologies the halves keep racks whole.  0 with fewer
 * than two hosts. */
uint64_t topo_bisection_bps(const struct topo_graph *);
/* Oversubscription of the switches of TIER (1..3): for each switch, the
 * capacity of its links to lower tiers (hosts included) over that of its
 * links to higher tiers; links within the tier do not count.  Sets *MIN
 * and *MAX over the switches of TIER that have uplinks and returns 0, or
 * returns ENOENT if none has (e.g. spines), EINVAL for a bad TIER. */
int topo_oversubscription(const struct topo_graph *, int tier, double *min,
                          double *max);
/* Minimum one-way latency from node A to node B of a frame occupying
 * WIRE_BYTES on the wire (wire_bytes_for_ip()), store-and-forward along
 * one shortest path: the sum over its links of serialization at the
 * link's rate plus propagation.  Switch forwarding latency is not
 * included.  UINT64_MAX if B cannot be reached. */
uint64_t topo_min_latency_ps(const struct topo_graph *, uint32_t a,
                             uint32_t b, uint32_t wire_bytes);

#endif
