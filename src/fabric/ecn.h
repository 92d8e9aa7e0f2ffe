/* ECN marking at switch egress queues (RFC 3168: a congested queue sets
 * CE on ECN-capable packets instead of dropping them).
 *
 * Two marking rules, configured per switch (`switch.ecn`, RED's
 * thresholds optionally per link rate) and applied to every egress queue
 * by its own occupancy in frame bytes:
 *   step  mark when the queue holds more than K bytes: DCTCP's rule
 *         (Alizadeh et al., SIGCOMM 2010, section 3.1);
 *   red   mark with probability Pmax (q - Kmin) / (Kmax - Kmin) between
 *         Kmin and Kmax and always above Kmax, on the instantaneous queue:
 *         RED as DCQCN (SIGCOMM 2015) and HPCC configure it.
 * The queue is read either when the packet joins it (the occupancy it
 * finds, itself excluded) or, by default, when the packet leaves (the
 * occupancy it leaves behind).  Departure marking is the default because
 * the mark then reports the queue as it is when the packet starts its
 * way to the receiver, a queueing delay earlier than arrival marking
 * would (Wu et al., "Tuning ECN for data center networks", CoNEXT 2012),
 * and because it is what the ns-3 simulator of the DCQCN and HPCC papers
 * does (SwitchNode::SwitchNotifyDequeue), so results compare with it. */
#ifndef DCSIM_ECN_H
#define DCSIM_ECN_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/rng.h"

struct ecn_spec;
struct pkt;
struct queue;

/* The marking of a switch's ports of one link rate (switch.ecn.by_rate)
 * or of all its other ports. */
struct ecn_marker {
    const struct ecn_spec *spec;
    struct rng *rng;           /* RED's coin: one stream per switch, shared
                                * by its markers. */
    bool ns3;                  /* RED as the HPCC simulator's ShouldSendCN
                                * (`fabric: ns3`): always above Kmax, the
                                * coin above Kmin, so at Kmax exactly the
                                * coin (with Pmax) where dcsim's own rule
                                * marks. */
};

/* Marks P (if ECN-capable) by the rule, for a queue of QUEUE_BYTES;
 * counts the mark in *MARKED.  An empty queue is marked by neither rule
 * (step: more than K bytes; red: more than Kmin, both unsigned), and
 * draws no coin: port.c's frame that leaves at once is not offered. */
void ecn_consider(struct ecn_marker *, uint64_t *marked, struct pkt *p,
                  uint64_t queue_bytes);

#endif
