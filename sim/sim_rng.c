/*
 * sim_rng.c - xoshiro256** and the distributions of sim_rng.h.
 * Pure functions over the caller's struct sim_rng (simulator thread).
 */
#include <assert.h>
#include <string.h>

#include "sim/sim_rng.h"

#define SIM_RNG_EXP_CAP 20   /* exponential draws are capped at cap*mean */

static uint64_t sim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = sim_splitmix64(&x);
	assert(r->s[0] | r->s[1] | r->s[2] | r->s[3]);
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = sim_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return result;
}

uint64_t sim_rng_below(struct sim_rng *r, uint64_t n)
{
	assert(n > 0);
	/* Multiply-shift: unbiased enough for a simulator, branch free. */
	return (uint64_t)(((unsigned __int128)sim_rng_next(r) * n) >> 64);
}

uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi)
{
	assert(lo <= hi);
	if (hi - lo == UINT64_MAX)
		return sim_rng_next(r);
	return lo + sim_rng_below(r, hi - lo + 1);
}

int sim_rng_chance(struct sim_rng *r, uint32_t ppm)
{
	if (ppm == 0)
		return 0;
	return sim_rng_below(r, 1000000) < ppm;
}

/* Natural log of x in (0, 1] without libm (the Makefile links none):
 * x = m * 2^e with m in [1, 2), ln m = 2 atanh((m-1)/(m+1)). */
static double sim_ln(double x)
{
	uint64_t bits;
	double m, s, s2, term, sum = 0.0;
	int e, k;

	assert(x > 0.0 && x <= 1.0);
	memcpy(&bits, &x, sizeof(bits));
	e = (int)((bits >> 52) & 0x7FF) - 1023;
	bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
	memcpy(&m, &bits, sizeof(m));
	s = (m - 1.0) / (m + 1.0);
	s2 = s * s;
	term = s;
	for (k = 1; k < 40; k += 2) {   /* s < 1/3: 20 terms are plenty */
		sum += term / k;
		term *= s2;
	}
	return e * 0.6931471805599453 + 2.0 * sum;
}

uint64_t sim_rng_exp(struct sim_rng *r, uint64_t mean)
{
	/* u in (0, 1] */
	double u = ((double)(sim_rng_next(r) >> 11) + 1.0) / 9007199254740992.0;
	double v = -sim_ln(u) * (double)mean;

	if (v > (double)mean * SIM_RNG_EXP_CAP)
		v = (double)mean * SIM_RNG_EXP_CAP;
	return (uint64_t)v;
}

int sim_rng_pick(struct sim_rng *r, const uint32_t *weights, int n)
{
	uint64_t sum = 0, x;
	int i;

	assert(n > 0);
	for (i = 0; i < n; i++)
		sum += weights[i];
	assert(sum > 0);
	x = sim_rng_below(r, sum);
	for (i = 0; i < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	assert(0 && "unreachable");
	return n - 1;
}
