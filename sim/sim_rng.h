/*
 * sim_rng.h - the simulator's only source of randomness: xoshiro256**
 * seeded from the run's seed through splitmix64, plus the few
 * distributions the simulator draws from.  Every random choice of a run
 * comes from one stream in one fixed order, so a seed replays exactly.
 *
 * State is a plain struct owned by the simulator thread (sim_world).
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

struct sim_rng {
	uint64_t s[4];
};

void     sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);
/* Uniform in [lo, hi]; lo <= hi. */
uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi);
/* 1 with probability ppm / 1 000 000. */
int      sim_rng_chance(struct sim_rng *r, uint32_t ppm);
/* Roughly exponential with the given mean (capped at 20 * mean). */
uint64_t sim_rng_exp(struct sim_rng *r, uint64_t mean);
/* Pick one of n weights (sum > 0): returns the index. */
int      sim_rng_pick(struct sim_rng *r, const uint32_t *weights, int n);

#endif /* SIM_RNG_H */
