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
 * the model: results are identical with and without it.
 *
 * The model never calls this module by name: a breakdown is an observer
 * of the fabric (fabric/observer.h: links, drops) and of the hosts
 * (host/host-observer.h: the stages, enum bd_part, inside them),
 * attached to a built world by breakdown_attach(). */
#ifndef DCSIM_BREAKDOWN_H
#define DCSIM_BREAKDOWN_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fabric/observer.h"
#include "host/cpu.h"
#include "host/host-observer.h"
#include "pkt/pkt.h"
#include "sim/util.h"

struct run_info;
struct world;

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
    struct net_observer up_net;    /* Links and drops (PKT_HOOK_TRACE). */
    struct host_observer up_host;  /* Stages inside hosts. */
    uint32_t flow;
    struct bd_rec *rec;
    size_t n, cap;
};

/* With the scenario's monitor.breakdown: a breakdown of that flow,
 * attached to W's fabric and hosts before its run; else NULL.  The caller
 * owns it and destroys it after W's results are written. */
struct breakdown *breakdown_attach(struct world *w);
void breakdown_destroy(struct breakdown *);

/* Results: breakdown.csv, the "breakdown" object of summary.json (as
 * ",\n  \"breakdown\": {...}") and the human summary's lines, of
 * RI->breakdown. */
void breakdown_csv(FILE *, const struct world *, const struct run_info *);
void breakdown_json(FILE *, const struct world *, const struct run_info *);
void breakdown_print(FILE *, const struct world *, const struct run_info *);

#endif
