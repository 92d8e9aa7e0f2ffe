/* The edge of the network: the hosts at the ends of the fabric's cables,
 * their servers (CPU cores, VMs), and the flows their transports carry.
 *
 * A `struct edge` embeds the fabric (`struct net`, fabric/net.h) and is
 * itself embedded in the world (world/world.h), which builds and owns it.
 * Host and transport code reach it from the fabric with edge_of(net), a
 * constant offset, so that the handlers the engine calls with a
 * `struct sim *` get from the engine to the hosts and flows for free.
 * It tells the floors above only through `struct edge_owner_class`. */
#ifndef DCSIM_EDGE_H
#define DCSIM_EDGE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/net.h"
#include "fabric/topo.h"
#include "host/cpu.h"
#include "host/host-spec.h"
#include "sim/util.h"
#include "transport/transport-spec.h"

struct edge;
struct flow;
struct host;
struct host_observer;
struct host_rx;
struct server;
struct tcp_pool;
struct rdma_qp;

struct edge_stats {
    uint64_t pkts_sent;         /* Packets created by sources. */
    uint64_t pkts_delivered;    /* Packets consumed by their destination. */
    uint64_t bytes_delivered;   /* Application payload delivered. */
    uint64_t flows_started;
    uint64_t flows_completed;
    uint64_t last_delivery_ps;  /* Last packet consumed by a host. */
};

/* What a traffic entry asks of the transports of its flows. */
struct edge_entry {
    const struct tcp_spec *tcp;  /* Protocol tcp: its TCP parameters. */
    enum rdma_verb verb;         /* Protocol roce/rocev1. */
    uint64_t recv_at_ps;         /* Verb send: when the receive is posted. */
    struct src_loc loc;          /* Where the entry is written. */
    bool release_done;           /* Free a flow's transport state once
                                  * both its ends are done (flow files:
                                  * memory follows the flows in progress,
                                  * not all those made so far). */
    bool stream;                 /* Its flows are message streams
                                  * (transport_open_stream()). */
    uint32_t rd_max;             /* RDMA streams: RDMA READs outstanding
                                  * at most (the queue pair's ORD); 0: no
                                  * limit. */
};

/* What hosts, servers and transports read of the configuration, set by
 * the builder; the structs it points to outlive the edge. */
struct edge_config {
    const char *file;            /* The scenario's path, for messages. */
    uint64_t seed;               /* Roots the transports' streams. */
    uint32_t mtu_bytes;          /* IP MTU. */
    bool infiniband;             /* Native IB packets, no Ethernet. */
    bool ppp;                    /* The ns-3 simulator's PPP frames and
                                  * RDMA headers (pkt.h, PKT_PPP). */
    const struct host_spec *host;     /* Every host's NIC. */
    const struct rdma_spec *rdma;     /* RDMA transports. */
    const struct edge_entry *entries; /* By flow->entry (owned by the
                                       * builder). */
    const struct server_spec *server; /* Servers but these... */
    const struct server_node *server_nodes; /* ...(server.nodes). */
    size_t n_server_nodes;
};

/* The floors above the edge, as it sees them (set by the builder). */
struct edge_owner_class {
    /* Flow F's last byte was delivered now (its counters are final); the
     * owner may start flows in response (a workload's next round).
     * Required. */
    void (*flow_done)(struct edge *, struct flow *);
    /* A message posted on stream F with TAG has been delivered whole
     * (transport_msg_done()).  Required if streams are used. */
    void (*msg_done)(struct edge *, struct flow *, uint64_t tag);
};

struct edge {
    struct net net;             /* The fabric, engine and packet pool. */
    struct edge_config cfg;     /* Settings of transports and servers. */
    const struct edge_owner_class *owner;
    struct host *hosts;         /* net.n_hosts, node index = host number. */
    struct host_rx *host_rx;    /* Per host with host.rx_rate, else NULL. */
    struct server *servers;     /* Per host with a `server` section, else
                                 * NULL (server.h). */
    struct cpu_pool cpu_pool;   /* Their cores' work items. */
    struct flow *flows;
    uint32_t n_flows;
    uint32_t *runs_on;          /* Per host: the host whose server runs its
                                 * VMs now (a vm_move, BGP EVPN), or NULL
                                 * while every host runs its own. */
    uint64_t total_flow_bytes;  /* Sum of flow sizes, for progress. */
    struct tcp_pool *tcp;       /* TCP connection state (tcp.c). */
    struct rdma_qp *rdma_free;  /* Released queue pairs, kept for reuse
                                 * with their registered events (rdma.c);
                                 * in the net's arena. */
    struct host_observer *obs;  /* Packets' stages inside hosts, or NULL
                                 * (host-observer.h). */
    struct edge_stats st;
};

static inline struct edge *
edge_of(struct net *net)
{
    return CONTAINER_OF(net, struct edge, net);
}

/* The host whose server runs host H's VMs now: H but after a vm_move. */
static inline uint32_t
edge_runs_on(const struct edge *edge, uint32_t h)
{
    return UNLIKELY(edge->runs_on != NULL) ? edge->runs_on[h] : h;
}

static inline const struct edge *
edge_of_const(const struct net *net)
{
    return CONTAINER_OF(net, const struct edge, net);
}

#endif
