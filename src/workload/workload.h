/* Traffic generation: turns the scenario's `traffic` entries into the list
 * of flows to simulate.  Each entry draws from its own random stream
 * ("workload/<index>"), so adding an entry never changes another's flows. */
#ifndef DCSIM_WORKLOAD_H
#define DCSIM_WORKLOAD_H 1

#include <stdint.h>

struct flow;
struct scenario;

/* Fills *FLOWS (allocated) and *N.  Returns 0, or 2 with *ERR allocated
 * ("FILE:LINE:COL: ...") when an entry cannot be satisfied (e.g. a
 * cross-rack permutation where one rack holds more than half the hosts). */
int workload_generate(const struct scenario *, struct flow **flows,
                      uint32_t *n, char **err);

#endif
