/* Priority-based flow control (IEEE 802.1Qbb) at every port of a run
 * with `pfc` on, switches and host NICs alike.
 *
 * Generating (a switch's ingress side): after a lossless frame is
 * admitted, if its ingress priority group is past XOFF (mmu.h), the port
 * it came in by sends a PFC frame with the class's timer at `pfc.quanta`;
 * once the group is back at XON it sends the class with quanta 0.  While
 * a class stays paused the port re-sends the pause every half pause time
 * so that it never lapses.  PFC frames are real 64 B MAC control frames
 * (pkt_make_pfc()); they wait in a control queue that goes before every
 * traffic class, take the wire like any frame, and are never paused.
 *
 * A PFC frame names priorities (the 802.1Q PCP values a neighbour sends)
 * and dcsim's classes are priorities after classification: under DSCP
 * trust the two are one number; under PCP trust a switch pauses class c
 * by naming every PCP its map sends to c, and stops, for a priority it
 * is told to pause, the class its map sends that PCP to.  Hosts send
 * class c as PCP c.
 *
 * Honouring (any egress): a PFC frame reaches the neighbour after its
 * serialization and the cable's propagation delay, and takes effect after
 * the neighbour's response time; then the neighbour stops starting frames
 * of the class (a frame in progress finishes) until the timer runs out or
 * a resume arrives.  Other classes keep going.
 *
 * Watchdog (off by default): an egress class paused for `detection` with
 * packets waiting is declared stormed; it then ignores pauses and either
 * drops its packets or transmits them, until no pause has arrived for
 * `restoration`.
 *
 * This is the "pfc" flow-control provider (fc.h, fc-provider.h;
 * fc-pfc.c): the port's transmit path and the nodes' buffers reach it
 * through fc.h, and this header holds what only the builder and the
 * reports need. */
#ifndef DCSIM_PFC_H
#define DCSIM_PFC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/fc-provider.h"
#include "sim/sim.h"

struct mmu;
struct net;
struct qos_spec;
struct pkt;
struct port;
struct pfc_spec;

/* Per class of one port; the generating counters describe its ingress
 * side, the others its egress side. */
struct pfc_stats {
    uint64_t pause_sent, resume_sent;    /* Frames with the class enabled. */
    uint64_t pause_rcvd, resume_rcvd;
    uint64_t paused_ps, longest_ps;      /* Egress stopped by the peer. */
    uint64_t storms, restores;           /* Watchdog. */
    uint64_t wd_drops;
};

/* One class of a port, beyond what every port keeps: its statistics and
 * its pause timing, allocated together at the port's first PFC frame or
 * watchdog action (every pause begins with a frame received). */
struct pfc_class {
    struct pfc_stats st;
    uint64_t until_ps;        /* Egress: current pause ends. */
    uint64_t since_ps;        /* Egress: current pause began. */
    uint64_t storm_rx_ps;     /* Stormed: last pause received (or storm
                               * start). */
};

/* A port's PFC state; `up.port` is the port. */
struct pfc_port {
    struct fc_port up;
    const struct pfc_spec *spec;
    const struct qos_spec *qos;  /* The node's classification. */
    bool host;                /* A host NIC: its classes are priorities. */
    struct pkt *ctrl_head, *ctrl_tail;   /* Frames waiting for the wire;
                               * port->fc_ctrl is 1 while there are. */
    uint8_t xoff;             /* Ingress: classes we hold paused. */
    uint8_t storm;            /* Egress: classes declared stormed. */
    uint8_t lossless;         /* Classes PFC applies to. */
    uint64_t response_ps;     /* Our reaction time to a received frame. */
    struct event expire;      /* Earliest until_ps of a paused class. */
    struct event refresh;     /* Re-send pauses for `xoff` classes. */
    struct event watchdog;    /* Next detection or restoration check;
                               * registered only with pfc.watchdog. */
    struct pfc_class *cls;    /* By class, allocated at the port's first
                               * PFC frame or watchdog action (out of
                               * line: 768 B a port that most runs never
                               * touch); statistics read with
                               * pfc_port_stats(). */
};

/* Class C's statistics at PF: all zero before its first PFC event. */
static inline const struct pfc_stats *
pfc_port_stats(const struct pfc_port *pf, int c)
{
    static const struct pfc_stats zero;
    return pf->cls ? &pf->cls[c].st : &zero;
}

/* Gives PORT PFC state: SPEC and QOS (the node's classification) are the
 * scenario's and must outlive it; LOSSLESS the classes PFC applies to;
 * RESPONSE_PS the time the port takes to act on a received frame.  At
 * build time, once PORT is cabled. */
struct pfc_port *pfc_port_create(struct sim *, struct port *,
                                 const struct pfc_spec *,
                                 const struct qos_spec *, uint8_t lossless,
                                 uint64_t response_ps);

/* FC, which must be PFC state, as such. */
static inline struct pfc_port *
pfc_port_cast(struct fc_port *fc)
{
    sim_assert(fc->class == &fc_pfc);
    return CONTAINER_OF(fc, struct pfc_port, up);
}

/* The peer's pause takes this long to stop our egress, for link RATE_BPS
 * (the IEEE 802.1Qbb higher-layer response delay, docs/models.md). */
uint64_t pfc_default_response_ps(uint64_t rate_bps);
/* Headroom one lossless class needs at the ingress of PORT (whose peer
 * has its PFC state): everything that can still arrive after it decides
 * to pause (docs/models.md). */
uint64_t pfc_headroom_bytes(const struct net *, const struct port *,
                            uint32_t mtu, int n_lossless);
/* The HPCC simulator's headroom of switch PORT (pfc.headroom ns3): three
 * times what its link carries in its propagation delay. */
uint64_t pfc_headroom_ns3_bytes(const struct net *, const struct port *);

#endif
