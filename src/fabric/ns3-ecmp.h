/* The HPCC ns-3 simulator's ECMP choice (switch.ecmp_hash: ns3), so that
 * a study imported from it (`dcsim import ns3`) sends every flow along
 * the path the simulator sends it.  Written here from the algorithm of
 * github.com/alibaba-edu/High-Precision-Congestion-Control, commit
 * 9f4be2a, simulation/src/point-to-point/model/switch-node.cc and
 * simulation/scratch/third.cc:
 *
 * - SwitchNode::GetOutDev hashes three 32-bit words, the packet's source
 *   IPv4 address, its destination address, and sport | dport << 16 (the
 *   UDP ports of data, the ACK header's ports of ACKs and NAKs, which are
 *   the data's swapped), with MurmurHash3 x86_32 (SwitchNode::EcmpHash;
 *   the words are read back as the uint32_t they were stored as, so the
 *   result does not depend on byte order), seeded with the switch's node
 *   id (m_ecmpSeed = m_id), and takes the hash modulo the number of next
 *   hops.
 * - A host's address is node_id_to_ip(id): 11.0.0.1 + (id / 256) << 16 +
 *   (id % 256) << 8.
 * - Source ports are numbered from 10000 per (source, destination) pair
 *   in the flow file's order (portNumder in third.cc); dport is the flow
 *   file's.
 * - The next hops of switch X towards host H are listed in the order in
 *   which CalculateRoute's breadth-first search from H dequeues them;
 *   the search visits a node's neighbours in the order of the map
 *   nbr2if[node], keyed by Ptr<Node>, that is by the nodes' addresses in
 *   the simulator's memory.  Every SwitchNode is 2.1 MB (its m_bytes
 *   array), which glibc's malloc serves by mmap, top-down: switches
 *   created later lie lower, so a node's switch neighbours are visited in
 *   decreasing id order.  (Hosts are small heap objects; they are never
 *   enqueued, so their order does not matter.)  A dump of the routing
 *   tables of the simulator built here matched this rule on all 17 920
 *   entries of the paper's fat-tree (docs/ns3.md).  Parallel cables
 *   between two nodes count once, by the last one (nbr2if keeps one
 *   interface per neighbour).
 * route.c orders the groups (route_order_ns3()), switch.c hashes. */
#ifndef DCSIM_NS3_ECMP_H
#define DCSIM_NS3_ECMP_H 1

#include <stdint.h>

/* The simulator's port of first flow of a host pair. */
#define NS3_FIRST_SPORT 10000

/* The simulator's node id of the node named NAME, as `dcsim import ns3`
 * names them ("h" or "s" as KIND, then the id in decimal, no leading
 * zero), or UINT32_MAX for another name. */
static inline uint32_t
ns3_node_id(const char *name, char kind)
{
    if (name[0] != kind || name[1] < '0' || name[1] > '9' ||
        (name[1] == '0' && name[2]))
        return UINT32_MAX;
    uint64_t id = 0;
    for (const char *c = name + 1; *c; c++) {
        if (*c < '0' || *c > '9' || id > UINT32_MAX / 10)
            return UINT32_MAX;
        id = id * 10 + (uint64_t)(*c - '0');
    }
    return id < UINT32_MAX ? (uint32_t)id : UINT32_MAX;
}

/* node_id_to_ip() of third.cc, host byte order. */
static inline uint32_t
ns3_node_ip(uint32_t id)
{
    return 0x0b000001u + ((id / 256) << 16) + ((id % 256) << 8);
}

/* The third word of the key: SPORT | DPORT << 16. */
static inline uint32_t
ns3_ports_word(uint16_t sport, uint16_t dport)
{
    return sport | (uint32_t)dport << 16;
}

static inline uint32_t
ns3_murmur_block(uint32_t h, uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593u;
    h ^= k;
    h = (h << 13) | (h >> 19);
    return h * 5 + 0xe6546b64u;
}

/* SwitchNode::EcmpHash over the 12-byte key (SIP, DIP, PORTS) with SEED:
 * MurmurHash3 x86_32 of three whole blocks. */
static inline uint32_t
ns3_ecmp_hash(uint32_t sip, uint32_t dip, uint32_t ports, uint32_t seed)
{
    uint32_t h = ns3_murmur_block(seed, sip);
    h = ns3_murmur_block(h, dip);
    h = ns3_murmur_block(h, ports);
    h ^= 12;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#endif
