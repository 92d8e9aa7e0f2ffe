/* Egress schedulers: which traffic class a port serves next.
 *
 * Callers (port.c) use sched_find() once at build time and sched_pick()
 * per transmission.  Implementations live in sched-<name>.c and are
 * described by sched-provider.h; the scenario's `switch.scheduler` and
 * `host.scheduler` name one: `strict` priority, or `ets` (802.1Qaz strict
 * classes above DWRR among the others). */
#ifndef DCSIM_SCHED_H
#define DCSIM_SCHED_H 1

#include <stddef.h>
#include <stdint.h>

struct ets_spec;
struct port;
struct sched_class;

const struct sched_class *sched_find(const char *name);
/* The registered names, for validation and messages: I < sched_count(). */
size_t sched_count(void);
const char *sched_name(size_t i);

/* Strict priority's choice among ELIGIBLE (not 0): its highest class,
 * class 7 being the highest priority (sched-strict.c). */
static inline int
sched_strict_highest(uint8_t eligible)
{
    return 31 - __builtin_clz((unsigned)eligible);
}

/* The strict-priority scheduler, which sched_pick() runs inline. */
extern const struct sched_class sched_strict;
/* sched_pick() of a scheduler other than strict priority. */
int sched_pick_class(const struct sched_class *, struct port *,
                     uint8_t eligible);

/* Traffic class to transmit next on PORT, or -1 if nothing is eligible.
 * ELIGIBLE has bit tc set for every class with a packet ready.  Inline,
 * with strict priority (the default) picked without a call: it runs on
 * every transmission. */
static inline int
sched_pick(const struct sched_class *c, struct port *port, uint8_t eligible)
{
    if (!eligible)
        return -1;
    if (c == &sched_strict)
        return sched_strict_highest(eligible);
    return sched_pick_class(c, port, eligible);
}

/* Sets the DWRR quanta of ETS from its weights, for frames of at most
 * MAX_WIRE_BYTES on the wire (sched-ets.c says how). */
void sched_ets_set_quanta(struct ets_spec *, uint32_t max_wire_bytes);

#endif
