/* Contract for a server's virtual switch datapath: what a vswitch
 * (overlay/vswitch.c, an Open vSwitch-style switch between the VMs'
 * virtual NICs and the physical NIC) does to each packet at the stage
 * where the host bridges VM traffic, without host/ naming overlay/.
 *
 * A server with a datapath (srv->dp, attached by the world after it has
 * built the servers) shows it every packet a VM sends (on the backend or
 * vCPU core that bridges it to the NIC) and every packet the NIC
 * receives for a VM (on the receive queue's core), in place of the host
 * bridge.  A server without one pays one pointer test per such packet.
 *
 * The datapath answers at once from its flow caches (the fast path):
 * the packet may go on, perhaps rewritten (tagged or encapsulated), or be
 * dropped; the bridging core spends the fast path's cycles either way.
 * On a cache miss the packet also takes an upcall: once the bridging core
 * has done the fast path, it queues for the handler thread's work
 * (activity ACT_UPCALL on the datapath's handler core), then the slow
 * path may hold it longer (a controller's delay) before it goes on.  A
 * packet that hits an entry whose upcalls are still queued goes through
 * the handler's queue too, so that it does not overtake them; the
 * datapath's upcall_start() says what the handler spends on each packet
 * (an upcall of its own, or nothing for one that only keeps its place).
 *
 * A flood may also make copies of the packet for other servers (a
 * software VTEP's head-end replication): the bridging core hands them to
 * the NIC once it has done the fast path, or, when the packet takes an
 * upcall, the handler does once it is done with it (after the packet).  A copy that reaches a server
 * whose VMs do not own its destination is consumed by the datapath
 * there.
 *
 * An implementation embeds `struct server_dp` as `up` and gets back to
 * itself with CONTAINER_OF; the class is a `static const struct
 * server_dp_class` with designated initializers.  The datapath is owned
 * by whoever attached it and must outlive the net's run. */
#ifndef DCSIM_DATAPATH_H
#define DCSIM_DATAPATH_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/drop.h"

struct core;
struct net;
struct pkt;
struct server;
struct server_dp;

/* The fast path's answer for one packet. */
struct dp_verdict {
    enum drop_reason drop;    /* DROP_N_REASONS: the packet goes on. */
    double cycles;            /* Fast-path work beyond the bridge's cost
                               * (cache probes, flooded copies), cycles
                               * on the bridging core. */
    bool upcall;              /* Through the handler's queue. */
    bool consumed;            /* With a drop reason: P was used up here
                               * (a flood copy for a MAC this server does
                               * not have, counted by the datapath): the
                               * caller frees it without counting a
                               * drop. */
    struct pkt *copies;       /* Flood copies the datapath made (linked
                               * through `next`), for the NIC once the
                               * fast path is done (with UPCALL: once the
                               * upcall is); NULL for none. */
    uint64_t cookie;          /* With UPCALL: the datapath's, handed back
                               * to upcall_start() and upcall_done(). */
};

struct server_dp_class {
    const char *name;            /* For messages.  Required. */
    /* P passes the datapath of SRV: RX, from the NIC to VM VM; else
     * from VM VM to the NIC.  Fills *V; may rewrite P's headers, sizes
     * and route hash.  On a drop the caller frees P.  Required. */
    void (*receive)(struct server_dp *, struct net *, struct server *,
                    struct pkt *, uint32_t vm, bool rx,
                    struct dp_verdict *v);
    /* P, of verdict COOKIE, joins the handler's queue: returns the
     * handler's work for it (0: it only keeps its place).  Required. */
    uint64_t (*upcall_start)(struct server_dp *, struct pkt *,
                             uint64_t cookie);
    /* The handler is done with P: returns how much longer the slow path
     * holds it (a reactive controller), 0 for none.  Required. */
    uint64_t (*upcall_done)(struct server_dp *, struct net *,
                            struct pkt *, uint64_t cookie);
};

struct server_dp {
    const struct server_dp_class *class;
    struct core *handler;        /* Runs the upcalls (set by the
                                  * implementation). */
};

static inline void
server_dp_receive(struct server_dp *dp, struct net *net, struct server *srv,
                  struct pkt *p, uint32_t vm, bool rx, struct dp_verdict *v)
{
    dp->class->receive(dp, net, srv, p, vm, rx, v);
}

static inline uint64_t
server_dp_upcall_start(struct server_dp *dp, struct pkt *p, uint64_t cookie)
{
    return dp->class->upcall_start(dp, p, cookie);
}

static inline uint64_t
server_dp_upcall_done(struct server_dp *dp, struct net *net, struct pkt *p,
                      uint64_t cookie)
{
    return dp->class->upcall_done(dp, net, p, cookie);
}

#endif
