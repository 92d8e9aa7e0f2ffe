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
 * carries no traffic here).
 *
 * This is the "ib" flow-control provider (fc.h, fc-provider.h; fc-ib.c):
 * the port's transmit path and the nodes' buffers reach it through fc.h,
 * and this header holds what only the builder and the reports need. */
#ifndef DCSIM_IB_H
#define DCSIM_IB_H 1

#include <stdint.h>

#include "fabric/fc-provider.h"
#include "pkt/pkt.h"

struct net;
struct pkt;
struct port;

enum ib_port_kind {
    IB_PORT_HCA,              /* A host's channel adapter whose host
                               * frees its buffer as packets arrive. */
    IB_PORT_HCA_RX,           /* One whose host frees it as it takes
                               * packets from a receive queue. */
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

/* A port's credit state; `up.port` is the port, whose fc_ctrl has bit vl
 * set while a flow-control packet is owed for VL. */
struct ib_port {
    struct fc_port up;
    uint8_t kind;             /* enum ib_port_kind. */
    uint32_t cap_blocks;      /* Receive buffer per VL, in credits. */
    /* Ingress. */
    uint32_t used_blocks[N_TC];
    uint16_t abr[N_TC];       /* Adjusted blocks received, mod 4096. */
    /* Egress. */
    uint8_t starved;          /* Bit vl: its head waits for credits... */
    uint16_t fctbs[N_TC];     /* Blocks sent, mod 4096. */
    uint16_t fccl[N_TC];      /* The peer's latest credit limit. */
    uint64_t starved_since_ps[N_TC];  /* ...since then. */
    struct ib_vl_stats st[N_TC];
};

/* Makes PORT an IB port of KIND with credit state: its own receive
 * buffer of CAP_BLOCKS per VL, and credits for the peer's of
 * PEER_CAP_BLOCKS (the limits link initialization exchanges); the port
 * sends no Ethernet framing.  At build time, once PORT is cabled. */
struct ib_port *ib_port_create(struct port *, enum ib_port_kind kind,
                               uint32_t cap_blocks,
                               uint32_t peer_cap_blocks);

/* FC, which must be IB credit state, as such. */
static inline struct ib_port *
ib_port_cast(struct fc_port *fc)
{
    sim_assert(fc->class == &fc_ib);
    return CONTAINER_OF(fc, struct ib_port, up);
}

/* Bytes one VL of PORT's peer must be able to hold to keep the link busy
 * with packets of MAX_PACKET bytes: the credit round trip (a packet's
 * serialization and the peer's forwarding latency, propagation both
 * ways, a flow-control packet, and a packet in progress it may wait
 * behind) at the link's rate. */
uint64_t ib_credit_loop_bytes(const struct net *, const struct port *,
                              uint32_t max_packet);

#endif
