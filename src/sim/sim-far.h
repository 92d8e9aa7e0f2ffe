/* The event queue's far heap (sim-far.c), as sim.c uses it.  Its state
 * lives in struct sim (far, far_len, far_cap, far_at, far_due_ps). */
#ifndef DCSIM_SIM_FAR_H
#define DCSIM_SIM_FAR_H 1

#include "sim/sim.h"

/* Files K, whose event's state becomes EV_FAR. */
void far_push(struct sim *, heap_key k);
/* Takes the key at index I out. */
void far_remove(struct sim *, uint32_t i);
/* Sets far_due_ps from the first key: the earliest time at which its
 * bucket is less than NEAR_BUCKETS widths after now's; then
 * run_limit_update(). */
void far_due_update(struct sim *);
/* Sets run_limit_ps, the earlier of far_due_ps and end_ps + 1: sim_run()
 * looks at either only for a key due at or after it. */
void run_limit_update(struct sim *);

#endif
