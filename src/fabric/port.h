/* A port: eight egress queues, a scheduler, and the outgoing direction of
 * the full-duplex link it is cabled to.
 *
 * Transmission: port_send() offers a packet to a queue (through the
 * switch's MMU, which may refuse it); when the port is idle it picks a
 * traffic class with its scheduler, takes the head packet and serializes
 * it for wire_bytes * 8 / rate (rounded up to the picosecond, util.h),
 * then starts the next.  A port only schedules its end-of-transmission
 * event when something is waiting to follow (a queued packet, or a host
 * NIC that pulls from its sources); an idle switch port just records when
 * it becomes free, and a packet arriving before then schedules the event.
 * The packet is on the link from the start of its
 * serialization and arrives, whole, at the far end after serialization +
 * propagation delay (store-and-forward).
 *
 * On a native InfiniBand fabric (ib.h) a port also holds credits for its
 * peer's receive buffer per virtual lane: a class whose head packet needs
 * more credits than it holds waits, link-level flow-control packets go
 * before every class, and a packet occupies the wire for its own bytes
 * (no preamble or inter-frame gap).  Ethernet ports pay one predictable
 * branch for this (`ib` is 0).
 *
 * The link is a FIFO of packets in flight.  Because every packet on one
 * link direction has the same delay and they leave in order, they arrive
 * in order, so only the head needs an event: the link keeps one embedded
 * event for its next arrival instead of one per packet. */
#ifndef DCSIM_PORT_H
#define DCSIM_PORT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/queue.h"
#include "sim/sim.h"

struct ecn_marker;
struct ets_spec;
struct ib_port;
struct mmu;
struct net;
struct node;
struct pfc_port;
struct sched_class;

struct link {
    struct node *peer;        /* Node at the far end. */
    uint8_t peer_port;        /* Its port index. */
    uint64_t delay_ps;        /* Propagation (+ peer forwarding latency). */
    uint64_t prop_ps;         /* Propagation alone, as configured. */
    struct pkt *head, *tail;  /* In flight, in arrival order. */
    struct event arrive;      /* Arrival of `head`. */
    uint64_t wire_bytes;      /* Sent so far, including preamble + IFG. */
    uint64_t packets;
};

struct port {
    /* Hot: what every transmission and admission reads, in the first
     * cache line (ports are allocated cache-line aligned). */
    struct node *node;
    uint64_t busy_until_ps;   /* End of the frame being serialized. */
    uint64_t ps_per_byte;     /* 8e12 / rate when exact (every Ethernet
                               * rate), else 0: ser_time_ps() divides. */
    const struct sched_class *sched;
    struct mmu *mmu;          /* Switch buffer admission; NULL on hosts. */
    struct ecn_marker *ecn;   /* Switch ECN marking; NULL when off. */
    struct pfc_port *pfc;     /* PFC state (pfc.h); NULL without PFC. */
    uint8_t index;            /* Within node->ports. */
    uint8_t eligible;         /* Bit tc set: q[tc] is not empty. */
    uint8_t paused;           /* Bit tc set: the peer paused tc (PFC). */
    uint8_t wd_drop;          /* Bit tc set: the PFC watchdog drops tc. */
    bool ecn_at_enqueue;
    uint8_t ib;               /* enum ib_port_kind: IB_PORT_NONE (0) on
                               * Ethernet; then `ibp` is NULL. */
    uint8_t framing_bytes;    /* Wire bytes besides the frame: preamble +
                               * SFD + IFG (20) on Ethernet, 0 on IB. */
    /* Warm. */
    uint64_t rate_bps;
    struct ib_port *ibp;      /* Credit state on an IB fabric (ib.h). */
    const struct ets_spec *ets;  /* Read by the ets scheduler. */
    struct event tx_done;     /* At busy_until_ps, when work waits. */
    uint32_t sched_state[10]; /* Scheduler's private per-port state. */
    struct queue q[8];
    struct queue_stats qs[8];
    struct link link;
} __attribute__((aligned(64)));

void port_init(struct port *, struct sim *, struct node *, uint8_t index,
               uint64_t rate_bps, const struct sched_class *, struct mmu *);

/* Offers PKT to queue TC of PORT; drops it (counted) if the MMU refuses.
 * Starts transmission if the port is idle. */
void port_send(struct net *, struct port *, struct pkt *, uint8_t tc);
/* Enqueues without admission (host NICs refilling from their sources). */
void port_push(struct net *, struct port *, struct pkt *, uint8_t tc);
/* Starts the next transmission if the port is idle and has work.  PFC
 * frames waiting (pfc.h) go first; paused classes wait.  On IB, flow-
 * control packets go first and classes without credits wait (ib.h). */
void port_kick(struct net *, struct port *);
/* Makes PORT a port of an IB fabric of KIND (enum ib_port_kind) with
 * credit state IB: no Ethernet framing, and what it sends fills the
 * peer's receive buffer on arrival (ib_arrive()).  At build time. */
void port_attach_ib(struct port *, struct ib_port *, uint8_t kind);

/* Takes the head packet of class TC (not empty) off PORT's queue. */
static inline struct pkt *
port_dequeue(struct port *port, int tc, uint64_t now_ps)
{
    struct queue *q = &port->q[tc];
    struct pkt *p = queue_pop(q, now_ps);
    if (!q->head)
        port->eligible &= (uint8_t)~(1u << tc);
    else
        __builtin_prefetch(q->head);
    return p;
}
/* Wire bytes of a frame of FRAME_BYTES on PORT. */
static inline uint32_t
port_wire_bytes(const struct port *port, uint32_t frame_bytes)
{
    return frame_bytes + port->framing_bytes;
}
/* Drops every packet queued in class TC with reason WHY; returns how many. */
uint64_t port_flush(struct net *, struct port *, uint8_t tc, int why);

#endif
