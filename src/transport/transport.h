/* Transports carry a flow's bytes from its source host to its
 * destination.  Each is a `static const struct transport_class`,
 * registered by name (the scenario's `protocol`) in transport.c.  Issue 2
 * has UDP (udp.c); TCP and RDMA join the table. */
#ifndef DCSIM_TRANSPORT_H
#define DCSIM_TRANSPORT_H 1

#include <stddef.h>
#include <stdint.h>

struct flow;
struct net;
struct pkt;

struct transport_class {
    const char *name;       /* Scenario `protocol` value.  Required. */
    /* Called once for every flow of this transport before it starts (at
     * build time, or during the run for flows added then, such as later
     * incast rounds): allocate per-flow state (in f->tp) and compute
     * f->ideal_fct_ps.  Required. */
    void (*setup)(struct net *, struct flow *);
    /* At f->start_ps: begin sending.  Required. */
    void (*start)(struct net *, struct flow *);
    /* A packet of F arrived at its destination host; the transport owns
     * it and frees it.  Required. */
    void (*receive)(struct net *, struct flow *, struct pkt *);
    /* Frees per-flow state.  Optional. */
    void (*teardown)(struct net *, struct flow *);
};

const struct transport_class *transport_find(const char *name);
/* The registered names, for validation and messages: I < transport_count(). */
size_t transport_count(void);
const char *transport_name(size_t i);

/* Records that F's last byte was delivered now and tells the workload
 * (which may start flows in response).  Every transport calls it exactly
 * once per completed flow. */
void transport_flow_done(struct net *, struct flow *);

extern const struct transport_class transport_udp;

#endif
