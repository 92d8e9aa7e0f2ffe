/* sim_call()'s pool of one-shot events (sim-call.c), as sim.c's
 * sim_uninit() needs it. */
#ifndef DCSIM_SIM_CALL_H
#define DCSIM_SIM_CALL_H 1

struct sim;

/* Frees the pool's nodes (sim_uninit()). */
void sim_calls_free(struct sim *);

#endif
