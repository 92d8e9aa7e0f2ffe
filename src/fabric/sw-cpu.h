/* Contract for the switches' control plane: what becomes of a packet
 * addressed to a switch itself (a BGP message of one of its sessions,
 * control/'s ebgp.c), without the fabric naming control/.
 *
 * A switch has an address of its own (pkt_switch_ip(), pkt.h).  A packet
 * for it is recognised where forwarding could not go on anyway: when its
 * TTL has run out (a single-hop session's packets carry TTL 1, so they
 * always end there) or when no host has its destination address.  If the
 * net has a control plane (net->cpu) and the address is the switch's, the
 * packet is handed to it instead of being dropped; so forwarding pays
 * nothing for it on its common path, and a run without a control plane
 * drops such packets as before (ttl_expired, no_route).
 *
 * Whoever creates a switch's own packet (sw_cpu_send()) counts it in
 * net->st.ctrl_in_use until it is handed back by `receive` (the receiver
 * frees it and takes it out of the count) or dropped (the creator then
 * counts it in ctrl_lost), so that packet conservation still holds.
 *
 * An implementation embeds `struct sw_cpu` as `up` and gets back to
 * itself with CONTAINER_OF; the class is a `static const struct
 * sw_cpu_class` with designated initializers.  The control plane is owned
 * by whoever attached it and must outlive the net's run. */
#ifndef DCSIM_SW_CPU_H
#define DCSIM_SW_CPU_H 1

#include <stdint.h>

struct net;
struct pkt;
struct sw;
struct sw_cpu;

struct sw_cpu_class {
    const char *name;            /* For messages.  Required. */
    /* P, addressed to switch S, arrived there by port p->in_port.  The
     * control plane owns it from now on (it frees it with pkt_free() and
     * decrements net->st.ctrl_in_use).  Required. */
    void (*receive)(struct sw_cpu *, struct net *, struct sw *,
                    struct pkt *);
};

struct sw_cpu {
    const struct sw_cpu_class *class;
};

/* Sends P, a packet switch S made (addresses, sizes and DSCP set), out of
 * S's port PORT in traffic class TC, through the port's queue and
 * buffer admission like any packet (it may be dropped there); counts it
 * in ctrl_in_use. */
void sw_cpu_send(struct net *, struct sw *, uint8_t port, struct pkt *,
                 uint8_t tc);

#endif
