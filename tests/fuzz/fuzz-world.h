/* One input of the world fuzz harness (fuzz-world.c), shared with the
 * regression replay (tests/unit/test-fuzz-regress.c): load the scenario
 * at PATH, build its world and run it for FUZZ_WORLD_RUN_PS of simulated
 * time or FUZZ_WORLD_EVENTS events, whichever comes first.
 *
 * Returns 0 when it ran (or was skipped as too large: *SKIPPED set when
 * nonnull), or 2 with *ERR allocated, a located message, when the
 * scenario was refused by the parser or the builder. */
#ifndef DCSIM_FUZZ_WORLD_H
#define DCSIM_FUZZ_WORLD_H 1

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "fabric/net.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "world/world.h"

#define FUZZ_WORLD_RUN_PS 2000000u        /* 2 us. */
#define FUZZ_WORLD_EVENTS (1u << 20)
/* Larger estimated worlds are not built (bytes of static memory). */
#define FUZZ_WORLD_MAX_BYTES (8u << 20)

static void
fuzz_world_progress(struct sim *s, void *aux)
{
    (void)aux;
    if (s->events >= FUZZ_WORLD_EVENTS)
        sim_stop(s);
}

static inline int
fuzz_world_one(const char *path, char **err)
{
    struct scenario scn;
    if (scenario_load(path, NULL, 0, &scn, err))
        return 2;
    struct world_estimate est;
    world_estimate(&scn, &est);
    if (est.static_bytes > FUZZ_WORLD_MAX_BYTES) {
        scenario_free(&scn);
        return 0;
    }
    struct world *w;
    if (world_create(&w, &scn, err)) {
        scenario_free(&scn);
        return 2;
    }
    struct sim *s = &world_net(w)->sim;
    if (s->end_ps > s->now_ps + FUZZ_WORLD_RUN_PS || !s->end_ps)
        s->end_ps = s->now_ps + FUZZ_WORLD_RUN_PS;
    sim_run(s, fuzz_world_progress, NULL);
    world_destroy(w);
    scenario_free(&scn);
    return 0;
}

#endif
