/* An L3 switch: classifies a packet to a traffic class from its DSCP,
 * decrements the TTL, looks its destination up in a routing table that
 * holds every shortest path (route.c), and, where several next hops are
 * equal, picks one by ECMP hashing of the 5-tuple.
 *
 * ECMP: the hash is CRC-32 (crc32.h) over the 13-byte 5-tuple (source and
 * destination address, source and destination port, protocol) with the
 * switch's seed as the initial CRC register.  CRC is affine over GF(2):
 * crc(seed, t) = crc(0, t) ^ crc(seed, 0^13).  The packet carries
 * crc(0, t) (pkt->hash0, computed once per flow) and the switch XORs its
 * precomputed constant, which gives exactly the seeded CRC for one XOR per
 * hop.  The same linearity means that two seeds only XOR the result with
 * a constant: the low bits a modulo reads stay correlated between tiers,
 * and distinct seeds alone would not stop hash polarization.  Real ASICs
 * break that with per-switch hash functions and bit selections; dcsim
 * passes the seeded CRC through a fixed non-linear finalizer (MurmurHash3
 * fmix32) before taking it modulo the group size.  With every switch on
 * the same seed (switch.ecmp_seed: N) all switches compute the same
 * value and the second tier polarizes, as in the field.
 *
 * switch.ecmp_hash: ns3 hashes as the HPCC ns-3 simulator does instead
 * (ns3-ecmp.h): net->ns3_ip is set, each switch's ecmp_seed is its node
 * id there, and a packet's hash0 holds the simulator's ports word. */
#ifndef DCSIM_SWITCH_H
#define DCSIM_SWITCH_H 1

#include <stdint.h>

#include "fabric/ecn.h"
#include "fabric/fabric-spec.h"
#include "fabric/mmu.h"
#include "fabric/node.h"
#include "pkt/pkt.h"
#include "sim/util.h"

struct sw_tunnel;

/* A set of equal-cost egress ports. */
struct ecmp_group {
    uint16_t n;                /* Ports in the group (0: no route). */
    uint16_t first;            /* Index into sw->group_ports. */
};

#define ROUTE_DIRECT UINT16_MAX  /* Destination host is attached here. */

struct sw {
    /* What forwarding reads, in the first two cache lines (switches are
     * allocated cache-line aligned, and port.c's prefetch hook fetches a
     * node's first two lines before a packet arrives); the MMU's hot
     * line follows (mmu.h). */
    struct node up;
    const struct qos_spec *qos; /* Classification (scenario.h). */
    const uint16_t *route;     /* Destination groups route_lo ..
                                * route_lo + route_n - 1: group index or
                                * ROUTE_DIRECT (sw_route()). */
    struct sw_tunnel *tunnel;  /* A tunnel endpoint (tunnel.h) that sees
                                * every packet received, or NULL. */
    struct ecmp_group *groups;
    uint8_t *group_ports;      /* Port indices, groups back to back. */
    uint32_t ecmp_xor;         /* crc32_update(seed, 13 zero bytes). */
    uint32_t ecmp_seed;        /* Initial CRC register (ns3: the
                                * simulator's node id). */
    uint16_t n_groups;
    uint16_t route_dflt;       /* Every other group's entry. */
    uint32_t route_lo, route_n;
    struct ecn_marker *ecn_by_rate; /* Per switch.ecn.by_rate entry. */
    struct ecn_marker ecn;     /* Ports of rates not in ecn_by_rate. */
    uint32_t n_group_ports;
    bool route_own;            /* `route` is a row of its own (route.c's
                                * route_put()), not a part of
                                * net->route_mem. */
    _Alignas(64) struct mmu mmu;
    struct rng ecn_rng;        /* The markers' coin. */
};

extern const struct node_class switch_class;

/* S's route table entry for destination group G: an index into
 * S->groups, or ROUTE_DIRECT.  A table holds the entries of a range of
 * groups and one for all the others (route.c's route_compact()): a leaf
 * differs from its default, the uplinks, at its own racks only. */
static inline uint16_t
sw_route(const struct sw *s, uint32_t g)
{
    uint32_t i = g - s->route_lo;
    return i < s->route_n ? s->route[i] : s->route_dflt;
}

void switch_init(struct sw *, uint32_t id, const char *name, uint8_t tier,
                 uint32_t ecmp_seed);
/* The seeded CRC-32 of the 5-tuple whose unseeded register is HASH0. */
static inline uint32_t
switch_ecmp_hash(const struct sw *s, uint32_t hash0)
{
    return (hash0 ^ s->ecmp_xor) ^ 0xFFFFFFFFu;
}
/* Traffic class of P: its priority by the DSCP or the PCP, whichever Q
 * trusts (qos.trust), through the configured maps.  Switches and host
 * NICs classify alike. */
static inline uint8_t
qos_classify(const struct qos_spec *q, const struct pkt *p)
{
    if (LIKELY(q->trust == QOS_TRUST_DSCP))
        return q->dscp_prio[p->ip.dscp & 63];
    return q->pcp_prio[p->eth.vlan ? p->eth.pcp : 0];
}

/* S's tables (or an ECMP group's ports) change: the egress ports its
 * prefetch stage found for the packets it has yet to receive
 * (pkt.fwd_hint) may no longer be theirs.  Those packets are at the
 * heads of the links into S (the only packets that stage sees), and
 * lose their hints here.  Every change to a table goes through route.c,
 * which calls this. */
void switch_forget_hints(struct sw *);
/* Index 0..n-1 of the group member HASH selects. */
uint32_t ecmp_select(uint32_t hash, uint32_t n);
/* The port by which S sends a packet with route hash HASH0 to switch X's
 * own address (X not S), or -1: a cable to X that S has not withdrawn;
 * else the route towards X's anchor host (net->sw_anchor), which follows
 * the underlay's tables; else, for a switch without hosts (a spine), a
 * neighbour cabled to it, chosen by the hash.  Only with
 * net->sw_anchor. */
int switch_route_switch(const struct net *, const struct sw *, uint32_t x,
                        uint32_t hash0);
/* Makes switch addresses routable across the fabric (sw-cpu.h): picks
 * each switch's anchor host.  Idempotent. */
void net_route_switches(struct net *);
/* Egress port for a packet from host SRC to host DST with unseeded hash
 * HASH0 (ns3: with ports word HASH0), or -1. */
int switch_route(const struct net *, const struct sw *, uint32_t src_host,
                 uint32_t dst_host, uint32_t hash0);

static inline struct sw *
sw_cast(struct node *n)
{
    return CONTAINER_OF(n, struct sw, up);
}

#endif
