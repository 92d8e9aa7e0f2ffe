/* Traffic generation: turns the scenario's `traffic` entries into the list
 * of flows to simulate, and keeps what the results report about them.
 * Each entry draws from its own random stream ("workload/<index>"), so
 * adding an entry never changes another's flows.
 *
 * Flow sizes are fixed or drawn from a CDF (cdf.h); start times are all
 * at `start`, or a Poisson process: with a given mean gap
 * (`interarrival`), or, for `random` entries, derived from a target
 * offered `load` on the hosts' links (docs/models.md has the formula). */
#ifndef DCSIM_WORKLOAD_H
#define DCSIM_WORKLOAD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;
struct scenario;

/* What one traffic entry generated. */
struct workload_entry {
    uint64_t flows;           /* Flows generated. */
    uint64_t bytes;           /* Their sizes, summed. */
    uint64_t window_ps;       /* `random` with arrivals: the time they
                               * span from `start` (`duration`, or up to
                               * the arrival after the last flow); 0 for
                               * other entries. */
};

struct workload {
    struct workload_entry *entries;   /* One per traffic entry. */
    size_t n_entries;
    uint64_t host_capacity_bps;       /* Sum over hosts of the rates of
                                       * their links. */
};

/* Generates every entry's flows into *FLOWS (allocated) and *N, and makes
 * *WL.  Returns 0, or 2 with *ERR allocated ("FILE:LINE:COL: ...") and
 * nothing made when an entry cannot be satisfied (e.g. a cross-rack
 * permutation where one rack holds more than half the hosts). */
int workload_create(const struct scenario *, struct workload **wl,
                     struct flow **flows, uint32_t *n, char **err);
void workload_destroy(struct workload *);

/* The load entry I offered the hosts: its bytes over its window, as a
 * fraction of host_capacity_bps.  False if it has no window. */
bool workload_offered_load(const struct workload *, size_t i, double *load);

#endif
