/*
 * sim_clock.c - per-host virtual monotonic clocks (algorithms.md §1).
 * Host h's clock reads local0 at real time real0 (its boot) and runs at
 * rate 1 + ppb/1e9 from there.  Clocks of different hosts are unrelated
 * (each starts at its own boot offset), as §1 item 3 says; rates differ
 * by at most cfg.clock_ppb (see sim_config.c for the bound chosen).
 *
 * State: the clock fields of struct sim_host; simulator thread only.
 */
#include <assert.h>

#include "sim/sim.h"

#define SIM_PPB 1000000000ll
#define SIM_CLOCK_FIXUP_MAX 4   /* rounding steps in sim_real_at */

uint64_t sim_local_us(const struct sim_host *h, uint64_t t)
{
	__int128 d;

	assert(t >= h->real0);
	d = (__int128)(t - h->real0);
	d += d * h->ppb / SIM_PPB;
	return h->local0 + (uint64_t)d;
}

uint64_t sim_local_sec(const struct sim_host *h)
{
	uint64_t s = sim_local_us(h, sim_w->now) / SIM_USEC;

	assert(s != 0);   /* local0 is at least a second */
	return s;
}

uint64_t sim_real_span(const struct sim_host *h, uint64_t local_us)
{
	__int128 num = (__int128)local_us * SIM_PPB;
	__int128 den = SIM_PPB + h->ppb;

	assert(den > 0);
	/* round up: after the span the local clock has advanced >= local_us */
	return (uint64_t)((num + den - 1) / den);
}

uint64_t sim_real_at(const struct sim_host *h, uint64_t local_us)
{
	uint64_t cur = sim_local_us(h, sim_w->now);
	uint64_t t;
	int i;

	if (local_us <= cur)
		return sim_w->now;
	t = sim_w->now + sim_real_span(h, local_us - cur);
	/* rounding may leave us a microsecond or two short */
	for (i = 0; i < SIM_CLOCK_FIXUP_MAX && sim_local_us(h, t) < local_us; i++)
		t++;
	assert(sim_local_us(h, t) >= local_us);
	return t;
}

void sim_sleep_local(uint64_t local_us)
{
	struct sim_thread *th = sim_self();

	sim_block_until(sim_w->now + sim_real_span(th->host, local_us));
}
