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
#include "host/cpu.h"
#include "sim/util.h"

struct edge;
struct flow;
struct host;
struct host_observer;
struct host_rx;
struct scenario;
struct server;
struct tcp_pool;

struct edge_stats {
    uint64_t pkts_sent;         /* Packets created by sources. */
    uint64_t pkts_delivered;    /* Packets consumed by their destination. */
    uint64_t bytes_delivered;   /* Application payload delivered. */
    uint64_t flows_started;
    uint64_t flows_completed;
    uint64_t last_delivery_ps;  /* Last packet consumed by a host. */
};

/* The floors above the edge, as it sees them (set by the builder). */
struct edge_owner_class {
    /* Flow F's last byte was delivered now (its counters are final); the
     * owner may start flows in response (a workload's next round).
     * Required. */
    void (*flow_done)(struct edge *, struct flow *);
};

struct edge {
    struct net net;             /* The fabric, engine and packet pool. */
    const struct scenario *scn; /* Settings of transports and servers. */
    const struct edge_owner_class *owner;
    struct host *hosts;         /* net.n_hosts, node index = host number. */
    struct host_rx *host_rx;    /* Per host with host.rx_rate, else NULL. */
    struct server *servers;     /* Per host with a `server` section, else
                                 * NULL (server.h). */
    struct cpu_pool cpu_pool;   /* Their cores' work items. */
    struct flow *flows;
    uint32_t n_flows;
    uint64_t total_flow_bytes;  /* Sum of flow sizes, for progress. */
    struct tcp_pool *tcp;       /* TCP connection state (tcp.c). */
    struct host_observer *obs;  /* Packets' stages inside hosts, or NULL
                                 * (host-observer.h). */
    struct edge_stats st;
};

static inline struct edge *
edge_of(struct net *net)
{
    return CONTAINER_OF(net, struct edge, net);
}

static inline const struct edge *
edge_of_const(const struct net *net)
{
    return CONTAINER_OF(net, const struct edge, net);
}

#endif
