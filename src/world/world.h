/* The world: one built simulation.  It owns the engine, the packet pool
 * and every part built from the validated scenario, one floor inside the
 * next:
 *
 *   struct world            workload
 *     struct edge edge      hosts, servers, flows, TCP state (host/edge.h)
 *       struct net net      fabric: switches, ports, links, routes, flow
 *                           control; the engine and the packet pool
 *                           (fabric/net.h)
 *
 * Each floor's code reaches its own part from the engine with a constant
 * offset (net_of(sim), edge_of(net), world_of(net)), so an event handler
 * pays nothing to find its model, and no floor names one above it: the
 * fabric and the edge tell the world what it must know through the small
 * interfaces they declare (net_owner_class, edge_owner_class, the
 * per-packet observers of fabric/observer.h and host/host-observer.h),
 * which the world implements (drops and completions counted per flow)
 * or report/ attaches to a built world (breakdown_attach()).
 *
 * world_create() is the builder (world-build.c); several worlds may live
 * in one process. */
#ifndef DCSIM_WORLD_H
#define DCSIM_WORLD_H 1

#include "control/evpn.h"
#include "host/edge.h"
#include "workload/workload.h"
#include "sim/util.h"

struct control;
struct overlay;
struct storage;

struct scenario;
struct workload;

struct world {
    struct edge edge;           /* Hosts and flows, around the fabric. */
    const struct scenario *scn; /* What it was built from. */
    struct workload *wl;        /* What generated the flows. */
    struct edge_entry *entries; /* Per traffic entry, for edge.cfg. */
    struct overlay *overlay;    /* VTEPs and tenants, or NULL. */
    struct control *control;    /* Scenario events, or NULL: none. */
    struct storage *storage;    /* Storage jobs and targets, or NULL. */
    struct evpn_dp evpn_dp;     /* EVPN's data plane: the vswitches
                                 * (world-build.c). */
};

static inline struct world *
world_of(struct net *net)
{
    return CONTAINER_OF(edge_of(net), struct world, edge);
}

/* The world's fabric. */
static inline struct net *
world_net(struct world *w)
{
    return &w->edge.net;
}

static inline const struct net *
world_net_const(const struct world *w)
{
    return &w->edge.net;
}

/* Builds the world of SCN (which must outlive it) and schedules its
 * flows.  Returns 0, or 2 with *ERR allocated ("FILE:LINE:COL: ...") for
 * a scenario that parses but cannot be built (e.g. a cross-rack
 * permutation that is impossible). */
int world_create(struct world **, const struct scenario *scn, char **err);
void world_destroy(struct world *);

/* What running a scenario costs, estimated from the scenario alone
 * (world-estimate.c says how each figure is made).  Doubles: a scenario
 * may ask for more than 64 bits can count. */
struct world_estimate {
    double flows;             /* Over the whole run, every incast round. */
    double static_bytes;      /* The built world: nodes, ports, routes,
                               * flows and their state, the engine. */
    double server_bytes;      /* Of which the servers' cores and VMs, */
    double storage_bytes;     /* and the storage jobs' workers, I/O slots
                               * and latency records. */
    double queue_bytes;       /* Bound on packets the buffers can hold. */
    double series_bytes;      /* Monitor series at the end of the run. */
    double events;            /* Events the run will execute, roughly. */
    double length_ps;         /* The run's simulated length: the stop time,
                               * or an estimate without one. */
};

void world_estimate(const struct scenario *, struct world_estimate *);

/* The workload's inputs, from SCN (which must outlive them). */
struct workload_config world_workload_config(const struct scenario *scn);

/* The flows SCN's storage jobs can need at most (storage_flow_cap(),
 * with its vm_move events); false with *ERR allocated if too many. */
bool world_storage_cap(const struct scenario *, uint32_t *cap, char **err);

/* For the builder: makes W the owner its fabric and edge report to
 * (drops and completions, counted per flow; world.c). */
void world_own(struct world *);

#endif
