/* The fabric of one simulation: nodes, ports, links, switches, routing
 * and link-level flow control, with the engine (`struct sim`) and the
 * packet pool its events and packets come from.
 *
 * A `struct net` is the lowest part of the built simulation: the world
 * (world/world.h) embeds it, inside the edge of hosts (host/edge.h), so
 * that every event handler gets back to the fabric with net_of(sim), and
 * the floors above to their own part from it, with no pointer to chase.
 * The fabric knows the hosts only as nodes (node.h): the builder above
 * puts each host's node in net->nodes before net_connect().  It tells the
 * floors above about packets only through small interfaces it declares:
 * per-packet observers (observer.h) and its owner's drop callback below. */
#ifndef DCSIM_NET_H
#define DCSIM_NET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/arena.h"
#include "fabric/drop.h"
#include "fabric/observer.h"
#include "pkt/pkt.h"
#include "sim/rng.h"
#include "sim/sim.h"

struct ets_spec;
struct fault_spec;
struct fc_class;
struct ib_spec;
struct mmu_pg;
struct net_observer;
struct node;
struct pfc_spec;
struct port;
struct qos_node;
struct qos_spec;
struct sw;
struct sw_cpu;
struct switch_spec;
struct topo_graph;

struct net_stats {
    uint64_t packet_hops;       /* Transmissions of a packet over a link. */
    uint64_t drops[DROP_N_REASONS];
    uint64_t bytes_lost;        /* Application payload dropped. */
    uint64_t ctrl_lost;         /* Switches' own messages (sw_cpu.h)
                                 * dropped: sent by no host, counted in
                                 * drops. */
    uint64_t ctrl_in_use;       /* PFC frames, IB flow-control packets
                                 * and switches' own messages queued or
                                 * on the wire. */
    uint64_t flood_copies;      /* Copies of VLAN BUM frames the switches
                                 * made (flood.h), and replicas of BUM
                                 * frames their tunnel endpoints made
                                 * (tunnel.h): sent by no host. */
};

/* A PFC watchdog event, for reports. */
struct pfc_event {
    uint64_t t_ps;
    uint32_t port;              /* Index in net->ports. */
    uint8_t tc;
    const char *what;           /* "storm", "restore". */
};

/* What the fabric is built from: pieces of the validated scenario, which
 * must outlive the net (the spec structs are the scenario's). */
struct net_config {
    const struct topo_graph *graph;   /* Nodes (hosts first) and cables. */
    const char *file;                 /* The scenario's path, for build
                                       * errors with no place of their own. */
    uint64_t seed;                    /* Roots the switches' ECMP and ECN
                                       * streams and the fault stream. */
    uint32_t mtu_bytes;               /* IP MTU: PFC headroom. */
    bool infiniband;                  /* Native IB links, credit flow
                                       * control, no switch MMU. */
    bool ppp;                         /* The ns-3 simulator's PPP links:
                                       * no preamble or gap (pkt.h), and
                                       * whole-ns frame times (port.h). */
    const struct ib_spec *ib;         /* With INFINIBAND. */
    uint32_t ib_mtu_bytes;            /* IB MTU of the largest packet, for
                                       * the credit round trip. */
    const struct switch_spec *sw;     /* Every switch. */
    const char *host_scheduler;       /* sched_find() name of host ports. */
    const struct ets_spec *host_ets;  /* With host scheduler "ets". */
    const struct qos_spec *qos;       /* Classification of every node... */
    const struct qos_node *qos_nodes; /* ...but these (qos.nodes). */
    size_t n_qos_nodes;
    const struct pfc_spec *pfc;       /* PFC on lossless classes, if its
                                       * `enabled`. */
    const struct fault_spec *faults;  /* Loss and reordering at switches. */
    bool hca_rx_queue;                /* Hosts queue what they receive
                                       * (host.rx_rate): on IB an HCA frees
                                       * its credits when the host takes a
                                       * packet, else as it arrives. */
};

/* The floors above, as the fabric sees them (set by the builder). */
struct net_owner_class {
    /* P, of flow P->flow_id, is being dropped by the fabric or a host
     * (counted in net->st already; freed after the call): the owner counts
     * it against its flow.  Required. */
    void (*dropped)(struct net *, const struct pkt *);
};

struct net {
    struct sim sim;
    struct pkt_pool pool;
    struct net_config cfg;
    const struct net_owner_class *owner;
    uint32_t n_nodes, n_hosts, n_switches;
    struct node **nodes;        /* By topology node index; hosts first. */
    struct sw *switches;        /* n_switches. */
    struct port *ports;         /* Every port, contiguous (arena_huge()). */
    struct arena arena;         /* The ports' queues and link rings. */
    struct mmu_pg *mmu_pg;      /* Every shared MMU's groups (mmu.h), or
                                 * NULL. */
    uint32_t n_ports;
    uint32_t *host_group;       /* Routing destination group of each host. */
    uint8_t *home_port;         /* Per host with one port: the port index,
                                 * on its switch, of its cable (the last
                                 * hop's egress); HOME_PORT_MULTI else. */
    uint32_t n_groups;
    uint16_t *route_mem;        /* Every switch's route table (route.h,
                                 * sw_route()), back to back. */
    uint32_t *ns3_ip;           /* switch.ecmp_hash ns3: each host's
                                 * address in the HPCC ns-3 simulator
                                 * (ns3-ecmp.h); NULL otherwise. */
    struct net_stats st;
    bool faulty;                /* Scenario injects loss or reordering. */
    bool rx_slow;               /* Faulty, or flooding VLANs: switches
                                 * take their slow receive path. */
    struct flood *flood;        /* VLAN broadcast domains (flood.h), or
                                 * NULL: switches only route. */
    struct rng fault_rng;
    const struct fc_class *fc;  /* Flow control at every port (fc.h): PFC,
                                 * IB credits, or NULL for none. */
    struct net_observer *observers[NET_N_HOOKS]; /* By hook bit. */
    struct net_observer *capture; /* Of links with `capture` (observer.h). */
    struct net_observer int_collector; /* HPCC's INT, when on (int.h). */
    struct sw_cpu *cpu;         /* The switches' control plane, given
                                 * the packets addressed to a switch
                                 * (sw-cpu.h); NULL: none. */
    uint32_t *sw_anchor;        /* Per switch: a host that hangs from it
                                 * alone, towards whose group its address
                                 * is routed, or UINT32_MAX; NULL: switch
                                 * addresses are not routed, only
                                 * received (net_route_switches()). */
    struct pfc_event *pfc_events;
    size_t n_pfc_events, cap_pfc_events;
    char **warnings;            /* About the model as configured. */
    size_t n_warnings;
};

#define HOME_PORT_MULTI UINT8_MAX

static inline struct net *
net_of(struct sim *s)
{
    return CONTAINER_OF(s, struct net, sim);
}

/* Building, in three steps.  net_init() starts the engine and the packet
 * pool and makes the switches and the node table, whose first
 * graph->n_hosts entries the caller fills with its hosts' nodes;
 * net_connect() then makes every port and link; net_finish() sets up
 * flow control and buffers and computes the routes: it returns 0, or 2
 * with *ERR allocated ("FILE:...: ...") for a fabric that parses but
 * cannot be built (buffers that cannot hold their reserves). */
void net_init(struct net *, const struct net_config *, uint64_t stop_ps);
void net_connect(struct net *);
int net_finish(struct net *, char **err);
/* Frees what the net owns, not the struct itself (embedded). */
void net_uninit(struct net *);

/* Node ID's classification: its own (qos.nodes) or the common one. */
const struct qos_spec *net_qos_of(const struct net *, uint32_t id);

/* Counts and frees a dropped packet. */
void net_drop(struct net *, struct pkt *, enum drop_reason);

/* Records a PFC watchdog event at PORT, class TC. */
void net_pfc_event(struct net *, const struct port *, uint8_t tc,
                   const char *what);

/* Adds a warning about the model as configured (printf-style). */
void net_warn(struct net *, const char *fmt, ...) PRINTF_FMT(2, 3);

/* Host number of an IPv4 address (inverse of pkt_host_ip()), or
 * UINT32_MAX if it is not one of ours.  Inline: every switch hop asks. */
static inline uint32_t
net_host_of_ip(const struct net *net, uint32_t ip)
{
    /* Inverse of pkt_host_ip(): 10.<net hi>.<net lo>.<1..250>. */
    uint32_t x = ip & 0xFF;
    if (ip >> 24 != 10 || x < 1 || x > 250)
        return UINT32_MAX;
    uint32_t h = ((ip >> 8) & 0xFFFF) * 250 + x - 1;
    return h < net->n_hosts ? h : UINT32_MAX;
}

#endif
