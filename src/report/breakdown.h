/* The per-packet latency breakdown of one chosen flow (scenario
 * `monitor.breakdown`): where each of its data packets spent its time
 * between leaving the sending transport and reaching the receiving one.
 *
 * Every data packet of the flow gets a record when it is created; the
 * stages it passes through close the part of its life since the previous
 * stage and name the next (bd_to()).  The parts always add up to the
 * packet's latency.  Two kinds of stage:
 *
 *   - a place: a queue, a PCIe transfer, a link, a switch.  Its time goes
 *     to one part (NIC, PCIe, wire, switch, rate limiter);
 *   - waiting for a core (bd_wait()): for a piece of CPU work that
 *     carries the packet, or in a ring that a core's work empties (a
 *     receive queue polled by NAPI, a virtqueue drained by the backend).
 *     That time goes to whatever the core was doing meanwhile, by its
 *     activity (the packet's own work, the exits and interrupts before
 *     it, other packets' stack work ahead of it): the core's busy
 *     counters are read when the wait starts and when it ends.  Time the
 *     core was idle goes to a part named with the wait (interrupt
 *     moderation: NIC; a kick on its way to an idle backend: exits).
 *
 * The record is kept outside the packet (the packet carries its index):
 * the flow's records stay after the packets are freed, for
 * breakdown.csv and summary.json (docs/output.md).  Tracing only reads
 * the model: results are identical with and without it. */
#ifndef DCSIM_BREAKDOWN_H
#define DCSIM_BREAKDOWN_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fabric/drop.h"
#include "host/cpu.h"
#include "pkt/pkt.h"
#include "sim/util.h"

struct net;
struct run_info;

enum bd_part {
    BD_APP,         /* The application's system calls and copies. */
    BD_STACK,       /* Kernel TCP/IP, driver, bridge: host or guest. */
    BD_IRQ,         /* Interrupt handling. */
    BD_EXITS,       /* VM exits and entries and their handling. */
    BD_BACKEND,     /* The VMM's device model or virtio backend, vhost. */
    BD_RATE_LIMIT,  /* A VM's token bucket. */
    BD_IOMMU,       /* IOTLB misses stalling a VF's DMA. */
    BD_PCIE,        /* DMA across PCIe, waiting for the channel included. */
    BD_NIC,         /* NIC queues: waiting to be sent, waiting for an
                     * interrupt (moderation), a slow receive buffer. */
    BD_WIRE,        /* Serialization and propagation on every link. */
    BD_SWITCH,      /* Forwarding latency and queueing in switches. */
    BD_N,
};

extern const char *const bd_part_names[BD_N];

enum bd_status { BD_IN_FLIGHT, BD_DELIVERED, BD_DROPPED };

struct bd_rec {
    uint64_t start_ps, end_ps;
    uint64_t part_ps[BD_N];
    /* While in flight: the open stage. */
    uint64_t stamp_ps;             /* When it began. */
    const struct core *wait;       /* Waiting for this core, or NULL. */
    uint64_t snap_ps[ACT_N];       /* Its busy time by activity then. */
    uint32_t seq;
    uint8_t cur;                   /* The place's part (no core). */
    uint8_t idle;                  /* The wait's part for idle time. */
    uint8_t status;                /* enum bd_status */
    uint8_t drop;                  /* enum drop_reason, if dropped. */
};

struct breakdown {
    uint32_t flow;
    struct bd_rec *rec;
    size_t n, cap;
};

struct breakdown *breakdown_create(uint32_t flow);
void breakdown_destroy(struct breakdown *);

/* P has just been created by its transport; its first stage is PART.
 * Traces it if it is a data packet of the chosen flow. */
void bd_begin_slow(struct net *, struct breakdown *, struct pkt *,
                   enum bd_part);
static inline void
bd_begin(struct net *net, struct breakdown *bd, struct pkt *p,
         enum bd_part part)
{
    if (UNLIKELY(bd != NULL) && p->flow_id == bd->flow && p->payload_bytes)
        bd_begin_slow(net, bd, p, part);
}

/* The stages of a traced packet (call only if pkt_traced(p)). */
void bd_to(struct net *, struct pkt *, enum bd_part);
void bd_wait(struct net *, struct pkt *, const struct core *,
             enum bd_part idle);
/* PS of the time from now on is PART's, whatever the open stage
 * (a stall known in advance, inside a place's time). */
void bd_credit(struct net *, struct pkt *, enum bd_part, uint64_t ps);
/* P starts onto a link now: SER_PS of serialization and PROP_PS of
 * propagation; then the next node (a switch if TO_SWITCH) has it. */
void bd_wire(struct net *, struct pkt *, uint64_t ser_ps, uint64_t prop_ps,
             bool to_switch);
void bd_end(struct net *, struct pkt *);
void bd_drop(struct net *, struct pkt *, enum drop_reason);

/* Results: breakdown.csv, the "breakdown" object of summary.json (as
 * ",\n  \"breakdown\": {...}") and the human summary's lines. */
void breakdown_csv(FILE *, const struct net *, const struct run_info *);
void breakdown_json(FILE *, const struct net *, const struct run_info *);
void breakdown_print(FILE *, const struct net *, const struct run_info *);

#endif
