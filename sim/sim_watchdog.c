/*
 * sim_watchdog.c - one host's watchdog: this project's wdmd (a test round
 * every second of the host's clock, at a per-boot phase; a round pets the
 * device while now < E for the armed lockspace connection, or always
 * when it is disarmed) and the device, which fires W seconds after the
 * last pet (spec/algorithms.md §2.4 step 2, §10.4).  A fire kills the
 * host: everything it holds ends at that instant.
 *
 * A daemon that crashes leaves its armed connection in wdmd (§10.4: a
 * connection closed with a non-zero expiry is never forgotten): the
 * machine is then "doomed", the fire time is fixed, and nothing a new
 * daemon arms or disarms moves it.
 *
 * The rounds are not simulated one by one: whenever the expiry changes,
 * the last pet it allows is computed and the fire event rescheduled.
 *
 * State: h->wd; simulator thread only.
 */
#include <assert.h>

#include "sim/sim.h"

/* The latest round time (local µs) strictly before x, or 0 if none. */
static uint64_t sim_wd_round_before(const struct sim_watchdog *wd, uint64_t x)
{
	uint64_t k;

	if (x <= wd->phase)
		return 0;
	k = (x - 1 - wd->phase) / SIM_USEC;
	return k * SIM_USEC + wd->phase;
}

/* Pets from the last update up to local time nl under the old state. */
static void sim_wd_catch_up(struct sim_host *h, uint64_t nl)
{
	struct sim_watchdog *wd = &h->wd;
	uint64_t lim = nl + 1, r;

	if (wd->armed && wd->expiry * SIM_USEC < lim)
		lim = wd->expiry * SIM_USEC;
	r = sim_wd_round_before(wd, lim);
	if (r > wd->last_pet)
		wd->last_pet = r;
}

void sim_wd_boot(struct sim_host *h)
{
	struct sim_watchdog *wd = &h->wd;
	uint64_t epoch = wd->epoch;

	wd->armed = 0;
	wd->doomed = 0;
	wd->expiry = 0;
	wd->phase = sim_rng_below(&sim_w->rng, SIM_USEC);
	wd->last_pet = sim_local_us(h, sim_w->now);
	wd->fire_local = 0;
	wd->epoch = epoch + 1;
}

void sim_wd_set_expiry(struct sim_host *h, uint64_t expiry_sec)
{
	struct sim_watchdog *wd = &h->wd;
	uint64_t nl = sim_local_us(h, sim_w->now);
	uint64_t last, r;

	assert(h->state != SIM_H_DOWN);
	assert(expiry_sec > 0);
	if (wd->doomed)
		return;   /* the dead daemon's connection fails regardless */
	sim_wd_catch_up(h, nl);
	wd->armed = 1;
	wd->expiry = expiry_sec;
	/* rounds after now pass while they are before E */
	last = wd->last_pet;
	r = sim_wd_round_before(wd, expiry_sec * SIM_USEC);
	if (r > nl && r > last)
		last = r;
	wd->fire_local = last + (uint64_t)sim_w->cfg.w * SIM_USEC;
	wd->epoch++;
	sim_trace(h->idx, SIM_T_WD_ARM, 0, expiry_sec, wd->fire_local / SIM_USEC,
		  0);
	if (wd->fire_local <= nl) {
		/* already past: the device fires now */
		sim_ev_push(sim_w->now, SIM_EV_WD_FIRE, h->idx, 0, wd->epoch);
		return;
	}
	sim_ev_push(sim_real_at(h, wd->fire_local), SIM_EV_WD_FIRE, h->idx, 0,
		    wd->epoch);
}

void sim_wd_disarm(struct sim_host *h)
{
	struct sim_watchdog *wd = &h->wd;

	if (wd->doomed)
		return;
	sim_wd_catch_up(h, sim_local_us(h, sim_w->now));
	wd->armed = 0;
	wd->expiry = 0;
	wd->fire_local = 0;
	wd->epoch++;
	sim_trace(h->idx, SIM_T_WD_DISARM, 0, 0, 0, 0);
}

void sim_wd_fire_event(struct sim_host *h, uint64_t epoch)
{
	struct sim_watchdog *wd = &h->wd;

	if (epoch != wd->epoch || !wd->armed || h->state == SIM_H_DOWN)
		return;
	assert(sim_local_us(h, sim_w->now) >= wd->fire_local);
	sim_stat(SIM_S_WD_FIRE);
	sim_trace(h->idx, SIM_T_WD_FIRE, 0, wd->expiry, 0, 0);
	sim_host_die(h, "watchdog");
}
