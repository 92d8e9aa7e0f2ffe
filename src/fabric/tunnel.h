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
 * pkt->hash0 and the destination's routing group as ever.  It may also
 * hand the switch replicas to forward besides (ingress replication of a
 * BUM frame to the remote VTEPs, RFC 8365 section 8.3, and to the
 * switch's own hosts), or keep the packet (a replica with no host to
 * flood to at its far VTEP).
 *
 * An implementation embeds `struct sw_tunnel` as `up` and gets back to
 * itself with CONTAINER_OF; the class is a `static const struct
 * sw_tunnel_class` with designated initializers.  The endpoint is owned
 * by whoever attached it and must outlive the net's run. */
#ifndef DCSIM_TUNNEL_H
#define DCSIM_TUNNEL_H 1

#include <stdbool.h>

#include "fabric/drop.h"

struct net;
struct pkt;
struct sw;
struct sw_tunnel;

/* What an endpoint hands back besides its verdict on a packet; the
 * switch zeroes it before each call. */
struct sw_tunnel_out {
    struct pkt *copies;          /* Replicas the switch forwards after the
                                  * packet, by their own headers, each
                                  * counted in net->st.flood_copies (sent
                                  * by no host); linked by `next`, owned by
                                  * the switch once returned. */
    bool taken;                  /* The endpoint has kept the packet (freed
                                  * it and counted where it went): the
                                  * verdict is ignored. */
};

struct sw_tunnel_class {
    const char *name;            /* For messages.  Required. */
    /* P arrived at switch S by port p->in_port.  Returns DROP_N_REASONS
     * to let the switch forward P (perhaps rewritten), or the reason for
     * which the switch must drop it (the switch frees it); OUT as above.
     * Required. */
    enum drop_reason (*receive)(struct sw_tunnel *, struct net *,
                                struct sw *, struct pkt *,
                                struct sw_tunnel_out *out);
};

struct sw_tunnel {
    const struct sw_tunnel_class *class;
};

static inline enum drop_reason
sw_tunnel_receive(struct sw_tunnel *t, struct net *net, struct sw *s,
                  struct pkt *p, struct sw_tunnel_out *out)
{
    return t->class->receive(t, net, s, p, out);
}

#endif
