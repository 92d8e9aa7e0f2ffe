/* A port: an egress queue per traffic class it uses, a scheduler, and the
 * outgoing direction of the full-duplex link it is cabled to.
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
 * Link-level flow control (fc.h) plugs into the transmit path: a port
 * with it (`fc` not NULL) sends the control frames its provider has
 * waiting before every class, lets only the classes the provider allows
 * start, and tells the provider what it sent.  A port without it pays
 * a test of two bytes of its first cache line per transmission (fc_ctrl,
 * and bits of tx_bits).  An InfiniBand port besides
 * sends no Ethernet framing: a packet occupies the wire for its own
 * bytes (no preamble or inter-frame gap).
 *
 * The link is a FIFO of packets in flight.  Because every packet on one
 * link direction has the same delay and they leave in order, they arrive
 * in order, so only the head needs an event: the link keeps one embedded
 * event for its next arrival instead of one per packet.  The FIFO is a
 * ring of (packet, arrival time) slots rather than a list through the
 * packets: sending writes no earlier packet, and an arrival finds the
 * next one's time in the ring, not in a packet last touched long ago
 * (docs/performance.md).  The ring doubles when full; a link that never
 * carries a packet has none. */
#ifndef DCSIM_PORT_H
#define DCSIM_PORT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/queue.h"
#include "sim/sim.h"

struct arena;
struct ecn_marker;
struct ets_spec;
struct fc_port;
struct mmu;
struct net;
struct node;
struct sched_class;

/* Bits of port->tx_bits: what the transmit path asks of every frame,
 * one byte of the first cache line.  The flow-control provider has
 * tx_gate, tx_sent (port_attach_fc()); the port's node pulls frames
 * into it (its class's tx_ready); the port's scheduler is another than
 * strict priority (port_init()). */
#define PORT_FC_GATE 1u
#define PORT_FC_SENT 2u
#define PORT_PULLS 4u
#define PORT_NOT_STRICT 8u

/* A packet in flight on a link and when it arrives at the far end. */
struct link_slot {
    struct pkt *p;
    uint64_t arrive_ps;
};

/* The outgoing direction of a port's cable.  Its first 64 bytes are what
 * sending and arriving read (struct port puts them in its second cache
 * line); the counters and the delay, which only sending reads, follow. */
struct link {
    struct link_slot *ring;   /* In flight, in arrival order from `first`. */
    uint32_t first;           /* Ring index of the next arrival. */
    uint32_t n;               /* Packets in flight. */
    uint32_t cap;             /* Slots in `ring`: 0 or a power of two. */
    uint8_t peer_port;        /* Port index at the far end. */
    uint8_t capture;          /* Nonzero: net->capture sees every frame
                               * that starts onto this link (observer.h). */
    uint8_t down;             /* Nonzero: the cable is cut (scenario
                               * `events`, port_link_set_down()). */
    uint8_t withdrawn;        /* Nonzero: the port's switch has detected
                               * the cut and routes around it (route.h). */
    struct node *peer;        /* Node at the far end. */
    struct pkt *head;         /* The packet at `first`, arriving next
                               * (also in the ring), or NULL: the
                               * arrival's prefetch finds it here, a load
                               * sooner than in the ring. */
    struct event arrive;      /* Arrival of the packet at `first`. */
    uint64_t wire_bytes;      /* Sent so far, including preamble + IFG. */
    uint64_t packets;
    uint64_t delay_ps;        /* Propagation (+ peer forwarding latency;
                               * the propagation alone: link_prop_ps()).
                               * Read as a frame starts, when the
                               * counters beside it are written. */
};

/* A class's egress queue at a port: the line every push and pop touches,
 * then the counters of what it refused and marked.  A port has one per
 * class that ever sent or refused a packet there, made on the first
 * (port_queue_get()), so that the classes a scenario never uses cost a
 * port nothing (docs/performance.md, Memory per host). */
struct port_queue {
    struct queue q;
    struct queue_stats st;
};

struct port {
    /* Hot: what every transmission and admission reads, in the first
     * cache line (ports are allocated cache-line aligned). */
    struct node *node;
    uint64_t busy_until_ps;   /* End of the frame being serialized. */
    uint32_t ps_per_byte;     /* 8e12 / rate when exact and below 2^32
                               * (every Ethernet rate), else 0:
                               * ser_time_link_ps() divides. */
    uint32_t qmap;            /* Bits 4tc..4tc+3: 1 + class tc's index in
                               * `qv`, or 0 while it has no queue. */
    const struct sched_class *sched;
    struct mmu *mmu;          /* Switch buffer admission; NULL on hosts. */
    struct ecn_marker *ecn;   /* Switch ECN marking; NULL when off. */
    struct fc_port *fc;       /* Flow-control state (fc.h), owned by the
                               * port; NULL without flow control. */
    bool ns3_time;            /* `fabric: ns3`: a frame takes whole ns,
                               * rounded down (ser_time_ns3_ps()); then
                               * ps_per_byte is 0, and the link's ring
                               * is followed by the frames' sequence
                               * numbers (link_ns3_seq(), port_set_ns3()).
                               * Asked at every frame offered, so here. */
    uint8_t eligible;         /* Bit tc set: tc's queue is not empty. */
    uint8_t paused;           /* Bit tc set: the peer paused tc (PFC). */
    uint8_t fc_drop;          /* Bit tc set: flow control drops what
                               * arrives for tc (the PFC watchdog). */
    uint8_t fc_ctrl;          /* Nonzero: a control frame of `fc` waits
                               * for the wire (fc-provider.h). */
    bool ecn_at_enqueue;
    uint8_t framing_bytes;    /* Wire bytes besides the frame: preamble +
                               * SFD + IFG (20) on Ethernet, 0 on IB. */
    uint8_t tx_bits;          /* PORT_* bits (above): what `fc` wants to
                               * hear of each data frame, and what the
                               * node and the scheduler ask. */
    /* Second and third lines: the link, then the rest of what every
     * transmission touches. */
    struct link link;
    struct event tx_done;     /* At busy_until_ps, when work waits (or
                               * `fabric: ns3` asks: port_set_ns3()). */
    struct port_queue *qv;    /* The classes' queues that exist (qmap). */
    /* Frames of class pass_tc that went straight through the idle port
     * since they were last added to that class's queue counters, and the
     * largest of them (port_send()): a frame that leaves at once counts
     * as enqueued, and as the queue's peak for its size, without the
     * queue's line (port_queue_enqueued(), port_queue_max_bytes()); both
     * are 0 once folded into the queue (port.c's port_pass_fold()). */
    uint32_t pass_n;
    uint16_t pass_max_bytes;
    uint8_t pass_tc;
    uint8_t index;            /* Within node->ports (PFC's pauses). */
    /* Fourth line: the scheduler's. */
    const struct ets_spec *ets;  /* Read by the ets scheduler. */
    uint32_t sched_state[9];  /* Scheduler's private per-port state. */
    /* With ps_per_byte 0: the last frame's wire bytes and their time on
     * the wire, so that a run of frames of one size (a flow's data, its
     * ACKs) divides once (port_ser_ps()).  0 and 0 at first, which is
     * right: no bytes take no time. */
    uint32_t ser_wire_bytes;
    uint64_t rate_bps;        /* Read where ps_per_byte is 0. */
    uint64_t ser_ps;
} __attribute__((aligned(64)));

/* An egress queue that never held or refused a packet, for readers of
 * statistics (port_queue_view()). */
extern const struct port_queue port_queue_none;

void port_init(struct port *, struct sim *, struct node *, uint8_t index,
               uint64_t rate_bps, const struct sched_class *, struct mmu *);
/* Makes PORT, just initialized, carry the HPCC ns-3 simulator's frames
 * (`fabric: ns3`): no Ethernet framing, frame times in whole ns rounded
 * down, and the simulator's order of the events at one instant.  There a
 * frame's end of transmission and its arrival at the far end are both
 * events scheduled when it starts (QbbNetDevice::TransmitStart, then
 * QbbChannel::TransmitStart), and ns-3's scheduler fires the events due at
 * one instant in the order they were scheduled.  So the link, which
 * holds one event for the frame at its head, schedules each frame's
 * arrival with the sequence number taken when the frame started
 * (sim_schedule_seq()): arrivals at one node at one instant come in the
 * order their frames started, whichever link they took.  The port's end
 * of transmission orders as if scheduled at every start, with the same
 * sequence number as the frame's arrival: an arrival at a port whose
 * frame ends at that instant comes before the end if its frame started
 * first.  It is filed at the start only when something waits; else when
 * something could tell an end still to come from one passed (a frame
 * offered to the port, a kick, a cut: port.c's port_end_ns3_due(),
 * which compares with the firing event's sequence number at the end's
 * instant), and not at all where nothing asks. */
void port_set_ns3(struct port *);
/* The prefetch hook port_init() gives a port's end of transmission
 * (sim.h's event_set_prefetch()), and its stages, 0 to 3; a node that
 * has more to fetch before its port pulls the next frame gives the event
 * its own hook, whose stages call these (host.c). */
extern const struct event_prefetch port_tx_prefetch;
event_prefetch_fn port_tx_fetch_port, port_tx_fetch_queues,
    port_tx_fetch_heads, port_tx_fetch_groups;
/* Gives back to ARENA what PORT made as it ran (its link's ring, its
 * queues); the packets in them belong to the pool. */
void port_uninit(struct arena *, struct port *);

/* Offers PKT to queue TC of PORT; drops it (counted) if the MMU refuses.
 * Starts transmission if the port is idle. */
void port_send(struct net *, struct port *, struct pkt *, uint8_t tc);
/* Enqueues without admission (host NICs refilling from their sources). */
void port_push(struct net *, struct port *, struct pkt *, uint8_t tc);
/* Sends PKT, pulled by PORT's node in its tx_ready for class TC, at once
 * (without admission): what port_push() and the port's pick and
 * dequeue right after would do, when port_pulled_leaves_at_once() says
 * they would pick it.  The queue's state and counters are left as the
 * push and pop leave them (port.c's port_pass()). */
void port_send_pulled(struct net *, struct port *, struct pkt *, uint8_t tc);
/* Starts the next transmission if the port is idle and has work.
 * Control frames of its flow control (fc.h) go first; then a class that
 * is neither paused nor held back by the flow control. */
void port_kick(struct net *, struct port *);
/* Under `fabric: ns3`: whether the end of PORT's frame under way is still
 * to come (filed now if it had not been: port_end_ns3_due()), so that a
 * control frame waits for it as the simulator's SendPfc waits for
 * TransmitComplete. */
bool port_ns3_end_pending(struct net *, struct port *);
/* Makes FC PORT's flow control (fc_port_attach() calls this at build
 * time): with a provider that watches arrivals, the link into PORT
 * reports each packet to it before PORT's node sees it. */
void port_attach_fc(struct port *, struct fc_port *);

/* Class TC's queue at PORT, or NULL while it has none. */
static inline struct port_queue *
port_queue_find(const struct port *port, unsigned tc)
{
    unsigned slot = port->qmap >> (4 * tc) & 15;
    return slot ? &port->qv[slot - 1] : NULL;
}
/* Makes class TC's queue at PORT, which has none (port_queue_get()). */
struct port_queue *port_queue_make(struct arena *, struct port *,
                                   unsigned tc);
/* Class TC's queue at PORT, made empty (from ARENA, the net's) if it had
 * none.  Making one moves the port's other queues: hold no pointer to a
 * queue across it. */
static inline struct port_queue *
port_queue_get(struct arena *arena, struct port *port, unsigned tc)
{
    struct port_queue *pq = port_queue_find(port, tc);
    return LIKELY(pq != NULL) ? pq : port_queue_make(arena, port, tc);
}
/* The queue of class TC at PORT, which has one: TC has packets (a bit of
 * `eligible`), or port_send() is admitting one to it. */
static inline struct queue *
port_q(const struct port *port, unsigned tc)
{
    return &port->qv[(port->qmap >> (4 * tc) & 15) - 1].q;
}
/* Class TC's queue at PORT for reading its statistics: an empty one
 * (port_queue_none) while it has none. */
static inline const struct port_queue *
port_queue_view(const struct port *port, unsigned tc)
{
    const struct port_queue *pq = port_queue_find(port, tc);
    return pq ? pq : &port_queue_none;
}
/* Packets class TC's queue at PORT admitted, and the peak of its bytes,
 * the frames that passed straight through included (port.pass_n). */
static inline uint64_t
port_queue_enqueued(const struct port *port, unsigned tc)
{
    return port_queue_view(port, tc)->q.enqueued +
           (port->pass_tc == tc ? port->pass_n : 0);
}

static inline uint64_t
port_queue_max_bytes(const struct port *port, unsigned tc)
{
    /* pass_max_bytes is 0 while pass_n is. */
    uint64_t max = port_queue_view(port, tc)->q.max_bytes;
    if (port->pass_tc == tc && port->pass_max_bytes > max)
        max = port->pass_max_bytes;
    return max;
}

/* Whether a frame that PORT's node pulls in its tx_ready for a class
 * not paused, the only class it pulls for, is the one the port sends
 * next (port_pull_idle(), port.c): the port is still idle with nothing
 * queued, no control frame waits, no gate holds a class back and strict
 * priority picks (the only class eligible).  Then the node hands it to
 * port_send_pulled() in place of port_push(), and the push, the pick and
 * the pop are skipped: every frame of a host NIC with one class in
 * use. */
static inline bool
port_pulled_leaves_at_once(const struct port *port, uint64_t now_ps)
{
    return !port->eligible && !port->fc_ctrl &&
           !(port->tx_bits & (PORT_FC_GATE | PORT_NOT_STRICT)) &&
           now_ps >= port->busy_until_ps;
}

/* Takes the head packet of class TC (not empty) off PORT's queue. */
static inline struct pkt *
port_dequeue(struct port *port, int tc, uint64_t now_ps)
{
    struct queue *q = port_q(port, (unsigned)tc);
    struct pkt *p = queue_pop(q, now_ps);
    if (!q->head)
        port->eligible &= (uint8_t)~(1u << tc);
    else
        __builtin_prefetch(q->head);
    return p;
}
/* Time on PORT's wire of WIRE_BYTES: a multiplication, or where the
 * rate does not divide 8e12 ps or frames take whole ns (`fabric: ns3`)
 * the division of ser_time_link_ps(), done once per run of frames of
 * one size. */
static inline uint64_t
port_ser_ps(struct port *port, uint32_t wire_bytes)
{
    if (LIKELY(port->ps_per_byte))
        return (uint64_t)wire_bytes * port->ps_per_byte;
    if (wire_bytes != port->ser_wire_bytes) {
        port->ser_wire_bytes = wire_bytes;
        port->ser_ps = ser_time_link_ps(wire_bytes, port->rate_bps,
                                        port->ns3_time);
    }
    return port->ser_ps;
}
/* Wire bytes of a frame of FRAME_BYTES on PORT. */
static inline uint32_t
port_wire_bytes(const struct port *port, uint32_t frame_bytes)
{
    return frame_bytes + port->framing_bytes;
}
/* Cuts (DOWN true) or mends the outgoing direction of PORT's cable, at
 * run time (src/control/).  Cutting drops the frames on the wire now;
 * while cut, the port goes on serializing what it is given (a sender
 * learns of the cut only when it detects it), and every frame that
 * reaches the far end is dropped there instead of delivered, all with
 * reason link_down.  Mending drops the frames still on the wire, which
 * were started into a dead cable.  Packets are never delayed by the
 * hook: the arrival event's handler is swapped, so a link that never
 * fails pays nothing. */
void port_link_set_down(struct net *, struct port *, bool down);
/* The propagation delay of L alone, as configured: its delay less the
 * forwarding latency of a switch at the far end. */
uint64_t link_prop_ps(const struct net *, const struct link *);
/* Drops every packet queued in class TC with reason WHY; returns how many. */
uint64_t port_flush(struct net *, struct port *, uint8_t tc, int why);

#endif
