/* A server: for now one NIC port and the transmit sources (flows) that
 * share it.  Later issues add more ports, CPU cores and virtual machines;
 * the NIC already schedules among many sources so that those plug in.
 *
 * The NIC pulls: a transport with data to send registers a `tx_source`
 * as ready; whenever the NIC port is about to choose its next frame and a
 * class's queue is empty, it takes the next ready source of that class
 * (round robin; sources marked `first` ahead of the others, in round
 * robin among themselves) and asks it for one packet.  The source
 * answers with the time it will next be ready (now, later when paced, or
 * never), so flows never build an unbounded queue inside the host, just
 * as a socket or a queue pair is back-pressured by its NIC.  Under
 * `fabric: ns3` the RDMA queue pairs' data sources are picked as the HPCC
 * simulator's NIC picks them (struct nic's ring). */
#ifndef DCSIM_HOST_H
#define DCSIM_HOST_H 1

#include <stdbool.h>
#include <stdint.h>

#include "fabric/node.h"
#include "fabric/queue.h"
#include "pkt/pkt.h"
#include "sim/sim.h"
#include "sim/util.h"

struct net;
struct qos_spec;
struct server;
struct tx_source;

struct tx_source_class {
    const char *name;   /* Required. */
    /* Returns the next packet to transmit and sets *NEXT_READY_PS to when
     * it will have another: the current time (still ready), a later time
     * (paced), or TIME_NEVER (done for now; it calls nic_activate() again
     * if it gets more).  A source may find that it has nothing after all
     * (a TCP segment acknowledged while it waited): it returns NULL with
     * *NEXT_READY_PS = TIME_NEVER, and the NIC asks the next source.
     * Required. */
    struct pkt *(*pull)(struct net *, struct tx_source *,
                        uint64_t *next_ready_ps);
    /* Its packets answer received ones (ACKs): with a server model they
     * are built on the receive path's core. */
    bool rx_driven;
    /* A queue pair's data: whether it is finished (everything it had to
     * send acknowledged), so that the NIC drops it from its ring under
     * `fabric: ns3` (struct nic).  Those without it never join the ring.
     * Optional. */
    bool (*finished)(const struct tx_source *);
};

/* The NIC's prefetch hooks (host.c) fetch a ready source's line and
 * the TX_SOURCE_HOT_LINES lines after it a few events before the NIC
 * pulls from it, at an end of transmission or at a paced source's
 * wake-up: a transport lays out what its pull() reads per packet there
 * (a tx_source is one line; rdma-qp.h), on a cache-line aligned
 * object. */
#define TX_SOURCE_HOT_LINES 4u

struct tx_source {
    const struct tx_source_class *class;
    struct host *host;
    struct tx_source *next;    /* In the NIC's ready list. */
    uint8_t tc;                /* Traffic class of its packets. */
    uint32_t flow_id;          /* The flow it sends for. */
    bool ready;                /* In the ready list. */
    bool first;                /* Goes before the other sources of its
                                * class (RDMA control, rdma.ack_first). */
    bool in_ring;              /* In its host's NIC ring (struct nic). */
    struct event wake;         /* Paced: when it becomes ready again. */
};

/* Read on every pull: ready_mask with the host's first line, the lists'
 * heads and tails in the next two (struct host). */
struct nic {
    uint8_t ready_mask;        /* Bit tc: ready list tc not empty. */
    bool ns3_ring;             /* `fabric: ns3`: the QP scan below.  In the
                                * host's first line with ready_mask, since
                                * every pull asks (it sat in a line of its
                                * own, read for nothing, per packet). */
    struct port *port;         /* The host's (only) port. */
    struct tx_source *ready_head[N_TC], *ready_tail[N_TC];
    struct tx_source *first_tail[N_TC]; /* The last `first` source of
                                * ready list tc, while it is ready: they
                                * lead it. */
    /* `fabric: ns3`: the HPCC simulator's QP scan (RdmaEgressQueue::
     * GetNextQindex, qbb-net-device.cc).  Every source whose class has
     * `finished`, from its first activation, holds a slot of RING in the
     * order they came, ready or not, until a scan finds it finished.
     * When such a source heads its ready list, the one served is the
     * first ready one of the class in the ring after slot RING_LAST, the
     * last one served (ns3_ring says whether it runs). */
    uint32_t ring_n, ring_cap, ring_last;
    struct tx_source **ring;
};

/* The NIC's receive buffer, when the host drains it at a finite rate
 * (`host.rx_rate`: PCIe, DMA or a slow receiver); without it packets reach
 * the transport as they arrive.  One FIFO of frames drained at RATE_BPS.
 * With PFC the NIC pauses a lossless class that arrives while the buffer
 * holds XOFF bytes or more (the rest, up to CAP, is headroom) and resumes
 * at XON; lossy frames are dropped above XOFF, lossless ones above CAP. */
struct host_rx {
    struct host *host;
    struct queue q;            /* Frames waiting for the host. */
    uint64_t cap, xoff, xon;
    uint64_t rate_bps;
    uint64_t stall_from_ps;    /* Drains nothing in [from, to): a stuck */
    uint64_t stall_to_ps;      /* receiver (`host.rx_stall`). */
    uint8_t lossless;          /* Classes it pauses; 0 without PFC. */
    const struct qos_spec *qos;
    struct event drain;        /* End of the head frame's transfer. */
};

struct host {
    struct node up;
    uint32_t index;            /* Host number 0..n_hosts-1. */
    uint32_t ip;
    struct server *srv;        /* NULL: no CPU model (server.h). */
    struct nic nic;
    struct host_rx *rx;        /* NULL: no receive-rate limit. */
    uint8_t mac[6];
};

extern const struct node_class host_class;

void host_init(struct host *, uint32_t index, const char *name);
/* Called once the host's ports exist. */
void host_attach_nic(struct net *, struct host *);
/* Frees what host H allocated (its NIC's ring). */
void host_uninit(struct host *);

void tx_source_init(struct tx_source *, struct sim *,
                    const struct tx_source_class *, struct host *, uint8_t tc);
/* Moves an idle SRC (not ready, wake not scheduled) to host H and class
 * TC: sources that are pooled and reused for new flows. */
void tx_source_rebind(struct tx_source *, struct host *, uint8_t tc);

/* Takes SRC off the ready list *HEAD .. *TAIL (linked through `next`),
 * PREV being the source before it (NULL: SRC heads the list). */
static inline void
tx_list_remove(struct tx_source **head, struct tx_source **tail,
               struct tx_source *prev, struct tx_source *src)
{
    if (prev)
        prev->next = src->next;
    else
        *head = src->next;
    if (*tail == src)
        *tail = prev;
    src->ready = false;
}

/* The source before SRC in the ready list from HEAD (NULL: SRC heads
 * it); SRC must be in it. */
static inline struct tx_source *
tx_list_prev(struct tx_source *head, const struct tx_source *src)
{
    struct tx_source *prev = NULL;
    for (; head != src; head = head->next)
        prev = head;
    return prev;
}
/* The host whose server runs host H's VMs now (H but after a vm_move,
 * edge_runs_on()): where H's end of a flow sends from. */
struct host *host_running(struct net *, uint32_t h);
/* SRC now sends from host TO (its flow's end has moved there, a
 * vm_move): if it was ready at its old host it leaves that host's ready
 * list and becomes ready at TO; a paced wake-up finds it at TO. */
void tx_source_move(struct net *, struct tx_source *, struct host *to);
/* As tx_source_init() for an idle SRC initialized before, whose wake
 * event stays registered with the engine: a pooled source given to a new
 * sender of CLASS. */
void tx_source_reinit(struct tx_source *, const struct tx_source_class *,
                      struct host *, uint8_t tc);
/* SRC has data to send now: put it on its NIC's ready list. */
void nic_activate(struct net *, struct tx_source *);
/* Under `fabric: ns3`, what the simulator's NIC does when its host
 * receives an ACK (RdmaHw::ReceiveAck ends with TriggerTransmit,
 * rdma-hw.cc line 436): with its link free, it looks for something to
 * send and scans its queue pairs (host.c, ring_sweep()). */
void nic_trigger(struct net *, struct host *);

/* P reached the transport of its flow at this host (after the host's
 * processing, if any). */
void host_deliver(struct net *, struct pkt *);

/* Gives host H a receive buffer (see struct host_rx). */
void host_rx_init(struct host *, struct host_rx *, struct sim *);

static inline struct host *
host_cast(struct node *n)
{
    return CONTAINER_OF(n, struct host, up);
}

#endif
