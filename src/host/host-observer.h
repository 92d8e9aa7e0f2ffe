/* Contract for observers of packets inside hosts: the stages a packet
 * passes between its transport and the NIC (application, stack, PCIe,
 * cores, VM exits), for report/'s latency breakdown (report/breakdown.h),
 * without host code naming it.  The fabric's half of the same journey
 * (links, switches, drops) goes through fabric/observer.h.
 *
 * One observer at most, in edge->obs (NULL: none; then making a packet
 * costs one pointer test and every other stage one flag test).  When a
 * transport makes a packet, begin() may hook it (set PKT_HOOK_TRACE in
 * its `hooks`, pkt.h); host code then reports that packet's stages, and
 * only that packet's, through the wrappers below.  An implementation
 * embeds `struct host_observer` as `up` and gets back with CONTAINER_OF;
 * its class is a `static const struct host_observer_class`. */
#ifndef DCSIM_HOST_OBSERVER_H
#define DCSIM_HOST_OBSERVER_H 1

#include <stdint.h>

#include "host/edge.h"
#include "pkt/pkt.h"
#include "sim/util.h"

struct core;
struct host_observer;

/* Where a packet's time goes: the parts of its latency. */
enum bd_part {
    BD_APP,         /* The application's system calls and copies. */
    BD_STACK,       /* Kernel TCP/IP, driver, bridge: host or guest. */
    BD_IRQ,         /* Interrupt handling. */
    BD_EXITS,       /* VM exits and entries and their handling. */
    BD_BACKEND,     /* The VMM's device model or virtio backend, vhost. */
    BD_RATE_LIMIT,  /* A VM's token bucket. */
    BD_IOMMU,       /* IOTLB misses stalling a VF's DMA. */
    BD_PCIE,        /* DMA across PCIe, waiting for the channel included. */
    BD_NIC,         /* NIC queues: waiting to be sent, waiting for an
                     * interrupt (moderation), a slow receive buffer. */
    BD_WIRE,        /* Serialization and propagation on every link. */
    BD_SWITCH,      /* Forwarding latency and queueing in switches. */
    BD_N,
};

struct host_observer_class {
    const char *name;      /* For messages.  Required. */
    /* P has just been made by its transport (now); its first stage is
     * PART.  The observer hooks P (PKT_HOOK_TRACE) if it wants the rest.
     * Required. */
    void (*begin)(struct host_observer *, struct net *, struct pkt *,
                  enum bd_part);
    /* Hooked P leaves its open stage for place PART.  Required. */
    void (*to)(struct host_observer *, struct net *, struct pkt *,
               enum bd_part);
    /* Hooked P waits for core C (a piece of CPU work that carries it, or
     * a ring that C's work empties); time C is idle meanwhile goes to
     * IDLE.  Required. */
    void (*wait)(struct host_observer *, struct net *, struct pkt *,
                 const struct core *c, enum bd_part idle);
    /* PS of hooked P's time from now on is PART's, whatever its open
     * stage (a stall known in advance).  Required. */
    void (*credit)(struct host_observer *, struct net *, struct pkt *,
                   enum bd_part, uint64_t ps);
    /* Hooked P reached its receiving transport.  Required. */
    void (*end)(struct host_observer *, struct net *, struct pkt *);
};

struct host_observer {
    const struct host_observer_class *class;
};

/* P was just made: tells the observer, if there is one. */
static inline void
host_observe_begin(struct net *net, struct pkt *p, enum bd_part part)
{
    struct host_observer *o = edge_of(net)->obs;
    if (UNLIKELY(o != NULL))
        o->class->begin(o, net, p, part);
}

/* The stages of a hooked packet (call only if pkt_traced(p)). */
static inline void
host_observe_to(struct net *net, struct pkt *p, enum bd_part part)
{
    struct host_observer *o = edge_of(net)->obs;
    o->class->to(o, net, p, part);
}

static inline void
host_observe_wait(struct net *net, struct pkt *p, const struct core *c,
                  enum bd_part idle)
{
    struct host_observer *o = edge_of(net)->obs;
    o->class->wait(o, net, p, c, idle);
}

static inline void
host_observe_credit(struct net *net, struct pkt *p, enum bd_part part,
                    uint64_t ps)
{
    struct host_observer *o = edge_of(net)->obs;
    o->class->credit(o, net, p, part, ps);
}

static inline void
host_observe_end(struct net *net, struct pkt *p)
{
    struct host_observer *o = edge_of(net)->obs;
    o->class->end(o, net, p);
}

#endif
