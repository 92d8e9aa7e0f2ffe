/* Contract for egress scheduler implementations (see sched.h).
 *
 * A scheduler is a `static const struct sched_class` registered in the
 * table in sched.c.  It keeps any per-port state it needs in
 * `struct port`'s sched_state (zeroed when the port is created) and reads
 * its configuration from the port (`ets` for sched-ets.c), which the
 * network builder sets and the scenario owns.
 *
 * ELIGIBLE may leave out classes whose queues hold packets (a class that
 * PFC has paused, say); a scheduler must not count that against the
 * class, and must keep serving the others.  Whether queue tc holds
 * packets is `port_q(port, tc)->head != NULL`
 * (port.h; it has a queue since its first packet). */
#ifndef DCSIM_SCHED_PROVIDER_H
#define DCSIM_SCHED_PROVIDER_H 1

#include <stdint.h>

#include "fabric/sched.h"  /* sched_strict, which sched_pick() inlines. */

struct port;

struct sched_class {
    /* Name used in scenario files.  Required. */
    const char *name;
    /* Returns the traffic class to serve next among those whose bit is set
     * in ELIGIBLE (never 0 when called).  Called once per transmission
     * start, so it must be cheap.  Required. */
    int (*pick)(struct port *, uint8_t eligible);
};

extern const struct sched_class sched_ets;

#endif
