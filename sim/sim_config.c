/*
 * sim_config.c - the scenario of one seed, drawn from its own PRNG
 * stream ("swarm testing": each seed enables a random subset of fault
 * kinds at random intensities, so that rare combinations get seeds of
 * their own instead of being diluted by everything else).
 *
 * Choices (all within spec/algorithms.md §1A, §2.4):
 *  - 2..16 machines (mostly small), machine i uses host_id i+1 (with
 *    --contention: fewer host_ids than machines, joins sometimes pick
 *    another machine's id); host_ids are still contended by the daemon
 *    incarnations of one machine (daemon restarts get new names, §3.1);
 *  - io_timeout 1..3, the same on every host; with --mixed-io drawn per
 *    join (§2.2 allows different values; finding F8 in sim/README.md is
 *    why that is not the default); W in {5, 10, 20, 60}, the same on all
 *    hosts (our wdmd allows any W, §2.4 step 2);
 *  - clock rates 1 +- at most 0.1 ppm (per host, per boot); offsets are
 *    unrelated (each clock starts at its own boot value, §1 item 3).
 *    §1A.4 puts different rates outside the model, and the safety
 *    argument of §2.4 has no slack of its own: T is floored, the last pet
 *    may fall just before E, last_live may be stamped just before a
 *    second boundary, so H's watchdog may fire just before
 *    T_obs + host_dead_seconds on equal clocks.  What separates the fire
 *    from a conflicting grant in real time is the taker's own I/O after
 *    its decision: at least one I/O (>= 20 us here) when a dead shared
 *    holder's mode block is cleared (§6.3 2d), five for a ballot.  With
 *    host_dead_seconds <= 84 s here, rates within 1 +- e are covered only
 *    while 2 * e * 84 s < 20 us, i.e. e < 0.12 ppm.  --clock-ppb overrides
 *    the bound; --allow-excluded-fault=clock-rate uses 2 %.
 *  - the known hazards of sim/README.md (--late-commit, --convert, ...)
 *    are set by sim_main.c, not drawn here.
 *
 * State: fills the caller's struct; pure apart from that.
 */
#include <assert.h>
#include <string.h>

#include "sim/sim.h"

static const char *const sim_excl_names[SIM_EXCL_COUNT] = {
	[SIM_EXCL_NONE] = "none",
	[SIM_EXCL_LOST_WRITE] = "lost-write",
	[SIM_EXCL_OVERTAKE] = "overtake",
	[SIM_EXCL_WRONG_SECTOR] = "wrong-sector",
	[SIM_EXCL_TORN] = "torn-sector",
	[SIM_EXCL_CLOCK_RATE] = "clock-rate",
	[SIM_EXCL_JOIN_STALL] = "join-stall",
};

const char *sim_excluded_name(enum sim_excluded e)
{
	assert(e >= 0 && e < SIM_EXCL_COUNT);
	return sim_excl_names[e];
}

enum sim_excluded sim_excluded_parse(const char *name)
{
	int i;

	for (i = 1; i < SIM_EXCL_COUNT; i++)
		if (strcmp(name, sim_excl_names[i]) == 0)
			return (enum sim_excluded)i;
	return SIM_EXCL_NONE;
}

/* One of a few intensities, "off" included. */
static uint32_t sim_level(struct sim_rng *r, uint32_t base_ppm)
{
	static const uint32_t mult[] = { 0, 0, 1, 5, 20 };

	return base_ppm * mult[sim_rng_below(r, 5)];
}

static uint64_t sim_mean_or_off(struct sim_rng *r, uint64_t mean_s)
{
	if (sim_rng_below(r, 2) == 0)
		return 0;
	return (mean_s / 2 + sim_rng_below(r, mean_s + 1)) * SIM_USEC;
}

void sim_config_make(struct sim_config *c, uint64_t seed, int hosts,
		     uint64_t steps, enum sim_excluded excl, int contention)
{
	struct sim_rng rr, *r = &rr;
	static const uint32_t host_w[] = { 30, 25, 15, 10, 8, 5, 3, 2, 1, 1 };
	static const uint32_t w_w[] = { 40, 30, 20, 10 };
	static const uint32_t w_val[] = { 5, 10, 20, 60 };
	int i;

	memset(c, 0, sizeof(*c));
	/* Its own stream, so the scenario does not shift when the run's
	 * draws change. */
	sim_rng_seed(r, seed ^ 0x5EEDC0FFEE123457ull);
	c->seed = seed;
	if (hosts >= SIM_MIN_HOSTS && hosts <= SIM_MAX_HOSTS) {
		c->nhosts = hosts;
	} else {
		int k = sim_rng_pick(r, host_w, 10);

		c->nhosts = 2 + k;
		if (k == 9)
			c->nhosts = (int)sim_rng_range(r, 11, SIM_MAX_HOSTS);
	}
	/* Each machine its own host_id (how sanlock is deployed); with
	 * --contention fewer ids than machines (see sim_main.c). */
	c->nids = c->nhosts;
	c->home_id_ppm = 1000000;
	if (contention) {
		c->nids = (int)sim_rng_range(r, 1, (uint64_t)c->nhosts);
		c->home_id_ppm = sim_rng_below(r, 2) ? 1000000 : 700000;
	}
	if (c->nids > SIM_MAX_IDS)
		c->nids = SIM_MAX_IDS;
	c->nres = (int)sim_rng_range(r, 1, SIM_MAX_RES);
	c->ndevs = 1;
	for (i = 0; i < c->nres; i++) {
		static const uint32_t dw[] = { 70, 15, 15 };

		c->res_disks[i] = 1 + sim_rng_pick(r, dw, 3);
		if (c->res_disks[i] > c->ndevs)
			c->ndevs = c->res_disks[i];
	}
	assert(c->ndevs <= SIM_MAX_DEVS);
	c->ss = sim_rng_below(r, 4) == 0 ? 4096 : 512;
	c->w = w_val[sim_rng_pick(r, w_w, 4)];
	c->io_max = (uint32_t)sim_rng_range(r, 1, 3);
	c->io = (uint32_t)sim_rng_range(r, 1, c->io_max);
	c->workers = (int)sim_rng_range(r, 1, SIM_MAX_WORKERS);
	c->clock_ppb = (int64_t)sim_rng_below(r, 101);    /* <= 0.1 ppm */
	c->max_steps = steps;
	c->max_time = 1200 * SIM_USEC;

	c->p_read_err = sim_level(r, 2000);
	c->p_read_timeout = sim_level(r, 1000);
	c->p_write_err = sim_level(r, 2000);
	c->p_write_timeout = sim_level(r, 1000);
	c->p_cancel = sim_level(r, 500);
	c->p_slow = sim_level(r, 2000);
	c->p_never_land = (uint32_t)sim_rng_below(r, 1000001);
	c->late_max = (1 + sim_rng_below(r, 200)) * SIM_USEC;
	c->p_racy = (uint32_t)sim_rng_below(r, 1000001);

	c->crash_mean = sim_mean_or_off(r, 200);
	c->pause_mean = sim_mean_or_off(r, 150);
	c->stall_mean = sim_mean_or_off(r, 60);
	c->outage_mean = sim_mean_or_off(r, 200);
	c->dcrash_mean = sim_mean_or_off(r, 200);
	c->pause_max = (2 * (8 * 3 + (uint64_t)c->w) + 10) * SIM_USEC;
	c->p_kill_slow = (uint32_t)sim_rng_below(r, 700001);
	c->p_leave = sim_level(r, 2000);
	c->p_shared = (uint32_t)sim_rng_below(r, 700001);
	c->p_convert = sim_level(r, 50000);   /* used only with --convert */
	c->p_nowait = (uint32_t)sim_rng_below(r, 500001);
	c->p_our_msg = 500000;
	c->hold_mean = (1 + sim_rng_below(r, 20)) * SIM_USEC;

	c->excluded = excl;
	if (excl == SIM_EXCL_CLOCK_RATE)
		c->clock_ppb = 20000000;    /* 2 % */
	if (excl == SIM_EXCL_JOIN_STALL && !c->stall_mean)
		c->stall_mean = 20 * SIM_USEC;
	if (excl == SIM_EXCL_OVERTAKE) {
		if (c->p_write_timeout < 20000)
			c->p_write_timeout = 20000;
		c->p_never_land = 0;
	}
}
