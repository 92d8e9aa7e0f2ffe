/* Random number streams.
 *
 * Every component draws from its own stream, derived from the scenario seed
 * and a stable component id (rng_stream_id() of a name such as
 * "switch/leaf3" or "workload/0"), so adding a component never changes the
 * draws of another.  The generator is xoshiro256** (Blackman and Vigna,
 * "Scrambled linear pseudorandom number generators", 2021), seeded through
 * splitmix64 as its authors recommend. */
#ifndef DCSIM_RNG_H
#define DCSIM_RNG_H 1

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* A 64-bit id for a component name (FNV-1a, then mixed). */
uint64_t rng_stream_id(const char *name);
void rng_init(struct rng *, uint64_t seed, uint64_t stream_id);
uint64_t rng_next(struct rng *);
/* Uniform in [0, 1). */
double rng_uniform(struct rng *);
/* Uniform integer in [0, n), without modulo bias; N > 0. */
uint64_t rng_below(struct rng *, uint64_t n);
/* Exponential with the given mean. */
double rng_exponential(struct rng *, double mean);
/* splitmix64 step, exposed for hashing small integers. */
uint64_t rng_mix64(uint64_t x);

#endif
