/* Contract for a switch's tunnel endpoint: what a VTEP (overlay/'s
 * hardware VTEP in a leaf switch) does to a packet as the switch
 * receives it, without the fabric naming overlay/.
 *
 * A switch with a tunnel endpoint (sw->tunnel, attached by the world when
 * it builds a scenario with an overlay) shows it every packet it
 * receives, before its faults and its forwarding; a switch without one
 * pays one pointer test per packet.  The endpoint may rewrite the
 * packet's sizes, route hash and tunnel fields (encapsulate or
 * decapsulate it); the switch then forwards what it gets back on
 * pkt->hash0 and the destination's routing group as ever.
 *
 * An implementation embeds `struct sw_tunnel` as `up` and gets back to
 * itself with CONTAINER_OF; the class is a `static const struct
 * sw_tunnel_class` with designated initializers.  The endpoint is owned
 * by whoever attached it and must outlive the net's run. */
#ifndef DCSIM_TUNNEL_H
#define DCSIM_TUNNEL_H 1

#include "fabric/drop.h"

struct net;
struct pkt;
struct sw;
struct sw_tunnel;

struct sw_tunnel_class {
    const char *name;            /* For messages.  Required. */
    /* P arrived at switch S by port p->in_port.  Returns DROP_N_REASONS
     * to let the switch forward P (perhaps rewritten), or the reason for
     * which the switch must drop it (the switch frees it).  Required. */
    enum drop_reason (*receive)(struct sw_tunnel *, struct net *,
                                struct sw *, struct pkt *);
};

struct sw_tunnel {
    const struct sw_tunnel_class *class;
};

static inline enum drop_reason
sw_tunnel_receive(struct sw_tunnel *t, struct net *net, struct sw *s,
                  struct pkt *p)
{
    return t->class->receive(t, net, s, p);
}

#endif
