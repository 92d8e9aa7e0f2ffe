/* A node of the network: a switch or a host.  Each has ports; what it does
 * with a packet that arrives is its class's business (switch.c forwards,
 * host.c hands it to the transport).  This is how the fabric talks to the
 * hosts above it: it knows them only through their node class. */
#ifndef DCSIM_NODE_H
#define DCSIM_NODE_H 1

#include <stdbool.h>
#include <stdint.h>

struct net;
struct node;
struct pkt;
struct port;

struct node_class {
    const char *kind;      /* "switch", "host".  Required. */
    /* The last bit of PKT arrived on port IN_PORT; the node owns PKT now
     * and must forward, consume or drop it.  Required. */
    void (*receive)(struct net *, struct node *, struct pkt *,
                    uint8_t in_port);
    /* PORT is about to choose its next frame: a chance to move packets
     * into its queues (a host NIC pulls from its transmit sources here),
     * or to hand it the one it would choose (port_send_pulled(), when
     * port_pulled_leaves_at_once()).  Optional. */
    void (*tx_ready)(struct net *, struct node *, struct port *);
    /* PKT is to arrive on port IN_PORT a few events from now (port.c's
     * prefetch hook): a chance to start fetching what receive() will
     * touch.  It must change nothing that anything but the node reads
     * before receive() (a switch leaves PKT the egress port it found,
     * for prefetch_rx_next and for receive(): switch.c).  Optional. */
    void (*prefetch_rx)(const struct net *, const struct node *,
                        const struct pkt *, uint8_t in_port);
    /* The same packet, a stage later: what the lines prefetch_rx fetched
     * lead to (a switch: the egress queue and link slot).  It may run
     * without prefetch_rx before it (the lookahead missed the event
     * then), and must change nothing.  Optional. */
    void (*prefetch_rx_next)(const struct net *, const struct node *,
                             const struct pkt *, uint8_t in_port);
    /* The node's MAC address (PFC frames' source).  Optional: without
     * it, one is made from the node id and the port (pfc.c). */
    void (*mac)(const struct node *, uint8_t mac[6]);
    /* Its ports have no MMU (a host): whether its receive buffer is back
     * at XON, so that PFC may resume its upstream.  Required for such
     * nodes when PFC is on. */
    bool (*rx_at_xon)(const struct node *);
};

struct node {
    const struct node_class *class;
    uint32_t id;           /* Index in net->nodes and in the topology graph. */
    const char *name;      /* Owned by the scenario's topology graph. */
    uint8_t tier;          /* 0 hosts, 1..3 switches (topo.h). */
    uint16_t n_ports;
    struct port *ports;    /* n_ports, owned by the net. */
};

#endif
