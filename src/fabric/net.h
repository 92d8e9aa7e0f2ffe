/* The network model of one simulation: nodes, ports, links, routing, flows
 * and counters, built from a validated scenario.  A `struct net` owns its
 * `struct sim`, its packet pool and everything it builds; event handlers
 * get back to it with net_of(sim).  Several nets may live in one process. */
#ifndef DCSIM_NET_H
#define DCSIM_NET_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/drop.h"
#include "host/cpu.h"
#include "pkt/pkt.h"
#include "sim/rng.h"
#include "sim/sim.h"

struct flow;
struct host;
struct fc_class;
struct node;
struct port;
struct scenario;
struct server;
struct sw;
struct tcp_pool;
struct workload;

struct net_stats {
    uint64_t packet_hops;       /* Transmissions of a packet over a link. */
    uint64_t drops[DROP_N_REASONS];
    uint64_t pkts_sent;         /* Packets created by sources. */
    uint64_t pkts_delivered;    /* Packets consumed by their destination. */
    uint64_t bytes_delivered;   /* Application payload delivered. */
    uint64_t bytes_lost;        /* Application payload dropped. */
    uint64_t flows_started;
    uint64_t flows_completed;
    uint64_t ctrl_in_use;       /* PFC frames or IB flow-control packets
                                 * queued or on the wire. */
    uint64_t last_delivery_ps;  /* Last packet consumed by a host. */
};

/* A PFC watchdog event, for reports. */
struct pfc_event {
    uint64_t t_ps;
    uint32_t port;              /* Index in net->ports. */
    uint8_t tc;
    const char *what;           /* "storm", "restore". */
};

struct net {
    struct sim sim;
    struct pkt_pool pool;
    const struct scenario *scn;
    uint32_t n_nodes, n_hosts, n_switches;
    struct node **nodes;        /* By topology node index; hosts first. */
    struct host *hosts;         /* n_hosts. */
    struct sw *switches;        /* n_switches. */
    struct port *ports;         /* Every port, contiguous. */
    uint32_t n_ports;
    uint32_t *host_group;       /* Routing destination group of each host. */
    uint8_t *home_port;         /* Per host with one port: the port index,
                                 * on its switch, of its cable (the last
                                 * hop's egress); HOME_PORT_MULTI else. */
    uint32_t n_groups;
    struct flow *flows;
    uint32_t n_flows;
    struct workload *wl;        /* What generated the flows. */
    struct net_stats st;
    struct tcp_pool *tcp;       /* TCP connection state (tcp.c). */
    bool faulty;                /* Scenario injects loss or reordering. */
    struct rng fault_rng;
    uint64_t total_flow_bytes;  /* Sum of flow sizes, for progress. */
    const struct fc_class *fc;  /* Flow control at every port (fc.h): PFC,
                                 * IB credits, or NULL for none. */
    struct host_rx *host_rx;    /* Per host with host.rx_rate, else NULL. */
    struct server *servers;     /* Per host with a `server` section, else
                                 * NULL (server.h). */
    struct cpu_pool cpu_pool;   /* Their cores' work items. */
    struct breakdown *bd;       /* monitor.breakdown's records, else NULL. */
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

/* Builds the model of SCN (which must outlive the net).  Returns 0, or 2
 * with *ERR allocated ("FILE:LINE:COL: ...") for a scenario that parses
 * but cannot be built (e.g. a cross-rack permutation that is impossible). */
int net_create(struct net **, const struct scenario *scn, char **err);
void net_destroy(struct net *);

/* Sets up flow ID (< n_flows) with its transport and schedules its start
 * at its start_ps (>= now).  For every flow: at build time, and for flows
 * added during the run (later incast rounds, workload.c). */
void net_launch_flow(struct net *, uint32_t id);

/* Counts and frees a dropped packet. */
void net_drop(struct net *, struct pkt *, enum drop_reason);

/* Records a PFC watchdog event at PORT, class TC. */
void net_pfc_event(struct net *, const struct port *, uint8_t tc,
                   const char *what);

/* Host number of an IPv4 address (inverse of pkt_host_ip()), or
 * UINT32_MAX if it is not one of ours. */
uint32_t net_host_of_ip(const struct net *, uint32_t ip);

#endif
