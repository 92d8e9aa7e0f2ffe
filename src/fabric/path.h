/* The path a flow's packets take: from the source host, hop by hop
 * through the switches' routing and ECMP choices, to the destination.
 * Used for the ideal FCT and by tests; the forwarding logic itself is
 * switch_route(), so the trace and the simulation cannot disagree. */
#ifndef DCSIM_PATH_H
#define DCSIM_PATH_H 1

#include <stdbool.h>
#include <stdint.h>

struct net;

#define PATH_MAX_LINKS 64

struct path {
    uint32_t n_links;
    uint32_t node[PATH_MAX_LINKS + 1];     /* Node ids, source first. */
    uint64_t rate_bps[PATH_MAX_LINKS];
    uint64_t delay_ps[PATH_MAX_LINKS];     /* Propagation + forwarding. */
    bool ns3_time;                         /* Frame times in whole ns
                                            * (`fabric: ns3`, port.h). */
};

/* Traces the path from host SRC to host DST of packets whose unseeded
 * 5-tuple CRC is HASH0 (switch.ecmp_hash ns3: whose ports word).  Aborts on a routing loop (an internal error:
 * routes are shortest paths).  Stops at a switch without a route, which
 * only a failure (scenario `events`) makes: the path then ends there. */
void path_trace(const struct net *, uint32_t src, uint32_t dst, uint32_t hash0,
                struct path *);

/* Time one packet of WIRE_BYTES takes along PATH alone: serialization
 * and delay of every link (store-and-forward). */
uint64_t path_latency_ps(const struct path *, uint32_t wire_bytes);

#endif
