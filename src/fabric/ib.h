/* InfiniBand credit-based link-level flow control (IBTA Vol 1 ch. 7.9), at
 * every port of a `fabric: infiniband` run, switches and HCAs alike.
 *
 * Every port has a receive buffer per virtual lane (`ib.vl_buffer`,
 * counted in 64-byte blocks, the credits).  Its peer may start a packet
 * on a VL only when it holds credits for all of the packet's blocks: the
 * sender counts the blocks it has sent (FCTBS) and the receiver grants a
 * credit limit (FCCL = blocks received + blocks free, both modulo 4096);
 * a packet of B blocks may go when (FCCL - (FCTBS + B)) mod 4096 <= 2048
 * (7.9.4).  So a receiver's buffer never overflows and nothing is ever
 * dropped for want of room; a VL whose head packet lacks credits waits,
 * and every packet behind it with it (head-of-line blocking, hence
 * congestion spreading, as with PFC).
 *
 * Buffers free as packets leave: a switch frees a packet's blocks at its
 * input port when the packet starts on its output port (or is dropped
 * inside the switch), an HCA when its host takes the packet (at once, or
 * at `host.rx_rate`).  A freed VL owes its peer a flow-control packet: a
 * real 6-byte link packet that goes before any data on the reverse link,
 * carries the FCCL current when it starts, and updates the peer after
 * its serialization and the cable's propagation.  One packet is owed per
 * VL at a time: frees while it waits are folded into it, as a link layer
 * sends its latest FCCL at the next packet boundary.  The IBTA's periodic
 * refresh (at least every 65536 symbol times) only recovers from lost
 * link packets, which dcsim does not have; it is not modeled.
 *
 * Traffic class = service level = virtual lane (0..7; VL15, management,
 * carries no traffic here). */
#ifndef DCSIM_IB_H
#define DCSIM_IB_H 1

#include <stdint.h>

#include "pkt/pkt.h"

struct net;
struct pkt;
struct port;

enum ib_port_kind {
    IB_PORT_NONE,             /* Ethernet. */
    IB_PORT_HCA,              /* A host's channel adapter. */
    IB_PORT_SWITCH,           /* A switch port: frees its input buffer
                               * when a packet leaves another port. */
};

/* Per VL of one port: the ingress counters describe its receive buffer,
 * the egress ones its sending toward the peer's. */
struct ib_vl_stats {
    uint64_t packets_rcvd;    /* Ingress: data packets received. */
    uint32_t peak_blocks;     /* Ingress: most blocks held at once. */
    uint64_t fc_sent;         /* Ingress: flow-control packets sent. */
    uint64_t fc_rcvd;         /* Egress: flow-control packets received. */
    uint64_t wait_ps;         /* Egress: time a packet waited for
                               * credits at the head of the VL. */
    uint64_t longest_wait_ps; /* Egress: the longest such wait. */
    uint64_t stalls;          /* Egress: times a wait began. */
};

struct ib_port {
    struct port *port;
    uint32_t cap_blocks;      /* Receive buffer per VL, in credits. */
    /* Ingress. */
    uint32_t used_blocks[N_TC];
    uint16_t abr[N_TC];       /* Adjusted blocks received, mod 4096. */
    uint8_t fc_due;           /* Bit vl: a flow-control packet is owed. */
    /* Egress. */
    uint8_t starved;          /* Bit vl: its head waits for credits... */
    uint16_t fctbs[N_TC];     /* Blocks sent, mod 4096. */
    uint16_t fccl[N_TC];      /* The peer's latest credit limit. */
    uint64_t starved_since_ps[N_TC];  /* ...since then. */
    struct ib_vl_stats st[N_TC];
};

/* Makes PORT an IB port of KIND with IB's state: its own receive buffer
 * of CAP_BLOCKS per VL, and credits for the peer's of PEER_CAP_BLOCKS (the
 * limits link initialization exchanges). */
void ib_port_init(struct ib_port *, struct port *, enum ib_port_kind kind,
                  uint32_t cap_blocks, uint32_t peer_cap_blocks);

/* Port transmit path (port_kick()): the next packet PORT may send, a
 * flow-control packet (*TC = -1; port.c hands it to ib_fc_sent() once it
 * is on the wire) or the head of a class with credits, whose blocks it
 * charges (*TC = its class); NULL if none. */
struct pkt *ib_next(struct net *, struct port *, int *tc);
void ib_fc_sent(struct net *, struct port *, struct pkt *,
                uint64_t end_of_packet_ps);

/* Data packet P arrived at PORT (before its node sees it): its blocks
 * fill PORT's buffer of its VL, always within the buffer since the sender
 * held the credits.  An HCA without host.rx_rate frees them at once. */
void ib_arrive(struct net *, struct port *, const struct pkt *);
/* A packet of FRAME_BYTES on VL left PORT's receive buffer: give the
 * blocks back and owe the peer a flow-control packet. */
void ib_free(struct net *, struct port *, uint8_t vl, uint32_t frame_bytes);

/* Bytes one VL of PORT's peer must be able to hold to keep the link busy
 * with packets of MAX_PACKET bytes: the credit round trip (a packet's
 * serialization and the peer's forwarding latency, propagation both
 * ways, a flow-control packet, and a packet in progress it may wait
 * behind) at the link's rate. */
uint64_t ib_credit_loop_bytes(const struct port *, uint32_t max_packet);

/* Counts the credit waits still open at END_PS, the end of the run, for
 * the reports (once). */
void ib_finish(struct net *, uint64_t end_ps);

#endif
