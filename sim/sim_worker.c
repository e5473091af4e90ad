/*
 * sim_worker.c - the applications of a simulated machine: each worker
 * thread repeatedly acquires one of the resources (exclusive or shared,
 * sometimes OWNER_NOWAIT) with our real paxos_lease_acquire, holds it for
 * a while (sometimes converting EX <-> SH), and releases it, retrying a
 * release that timed out in the background way of spec/algorithms.md
 * §7.4.  Grants and releases are reported to the ghost: a holding starts
 * when the acquire returns success and ends when the release starts.
 * A lease acquired after the lockspace failed is dropped (§5.10: the
 * daemon releases it and returns -ENOSPC); a lockspace that is failing or
 * gone drops releases with no disk I/O (§7.4, §7.5).
 *
 * Also the daemon's killing of processes after a lockspace failure
 * (§10.2): after a random delay all the machine's holdings end.
 *
 * State: h->res (one worker at a time owns a resource: res.busy); the
 * host's simulated threads.  One OS thread: no locking.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_WORKER_ITERS_MAX 100000   /* acquire cycles per worker life */

static struct sim_rng *sim_rng(void)
{
	return &sim_w->rng;
}

static int sim_usable(const struct sim_host *h)
{
	return h->state == SIM_H_JOINED || h->state == SIM_H_LEAVING;
}

void sim_res_setup(struct sim_host *h)
{
	const struct sim_config *c = &sim_w->cfg;
	int r, d;

	for (r = 0; r < c->nres; r++) {
		struct paxos_lease_params p;
		char name[16];
		int rv;

		assert(r >= 0 && r < SIM_MAX_RES);
		snprintf(name, sizeof(name), "R%d", r % 10);
		memset(&p, 0, sizeof(p));
		p.space_name = "LS";
		p.res_name = name;
		p.num_disks = c->res_disks[r];
		for (d = 0; d < p.num_disks; d++)
			p.offsets[d] = (uint64_t)(1 + r) * SIM_ALIGN;
		p.sizes = sim_w->sizes;
		p.host_id = h->host_id;
		p.generation = h->gen;
		p.io_timeout = h->io;
		p.fire_timeout = c->w;
		memset(&h->res[r], 0, sizeof(h->res[r]));
		rv = paxos_lease_setup(&h->res[r].pl, &p);
		assert(rv == 0);
		h->res[r].ready = 1;
	}
}

/* §10.2: the processes die some time after the failure was seen (or
 * hang until the watchdog takes the machine down).  Main thread. */
void sim_host_kill_processes(struct sim_host *h)
{
	const struct sim_config *c = &sim_w->cfg;
	uint64_t dead = 8 * (uint64_t)h->io + c->w;
	uint64_t delay;
	int r;

	if (sim_rng_chance(sim_rng(), c->p_kill_slow)) {
		sim_stat(SIM_F_KILL_SLOW);
		delay = sim_rng_range(sim_rng(), SIM_USEC / 2,
				      (2 * dead + 10) * SIM_USEC);
	} else {
		delay = sim_rng_range(sim_rng(), 0, SIM_USEC / 5);
	}
	sim_sleep_local(delay);
	for (r = 0; r < c->nres; r++) {
		sim_ghost_res_end(h, r, 0);
		h->res[r].holding = 0;
	}
	h->killed = 1;
	sim_trace(h->idx, SIM_T_KILL, 0, delay, 0, 0);
}

/* Release with the background retries of §7.4. */
static void sim_worker_release(struct sim_thread *th, int r)
{
	struct sim_host *h = th->host;
	struct paxos_lease *pl = &h->res[r].pl;
	int i, rv;

	for (i = 0; i < SIM_RELEASE_RETRIES; i++) {
		if (!sim_usable(h) || h->killed) {
			sim_trace(h->idx, SIM_T_DROP_LEASE, 0, (uint64_t)r,
				  pl->lver, 0);
			paxos_lease_drop(pl);
			return;
		}
		rv = paxos_lease_release(&th->env, pl, NULL);
		sim_trace(h->idx, SIM_T_REL, rv, (uint64_t)r, pl->lver, 0);
		if (rv != SANLK_AIO_TIMEOUT) {
			sim_stat(SIM_S_RELEASE);
			return;
		}
		sim_sleep_local((uint64_t)(i == 0 ? 1 : 2) * h->io * SIM_USEC);
	}
	paxos_lease_drop(pl);
}

static enum sim_mode sim_mode_of(const struct paxos_lease *pl)
{
	return pl->mode == PAXOS_MODE_EX ? SIM_MODE_EX : SIM_MODE_SH;
}

/* Hold a granted lease for a while; maybe convert it once. */
static void sim_worker_hold(struct sim_thread *th, int r,
			    const struct paxos_host_ops *ops)
{
	struct sim_host *h = th->host;
	struct paxos_lease *pl = &h->res[r].pl;
	int rv;

	sim_sleep_local(sim_rng_exp(sim_rng(), sim_w->cfg.hold_mean));
	if (!sim_w->cfg.convert ||
	    !sim_rng_chance(sim_rng(), sim_w->cfg.p_convert) ||
	    h->state != SIM_H_JOINED || h->killed)
		return;
	if (pl->mode == PAXOS_MODE_EX) {
		/* A downgrade promises SH from its start. */
		sim_ghost_res_convert(h, r, SIM_MODE_SH, pl->lver);
		rv = paxos_lease_convert(&th->env, ops, pl, 1, 0, NULL);
	} else {
		rv = paxos_lease_convert(&th->env, ops, pl, 0,
					 sim_rng_chance(sim_rng(), 500000) ?
					 PAXOS_ACQ_OWNER_NOWAIT : 0, NULL);
	}
	sim_trace(h->idx, SIM_T_CONV, rv, (uint64_t)r, pl->lver, pl->mode);
	if (rv == 0)
		sim_stat(SIM_S_CONVERT);
	if (h->killed || !sim_usable(h))
		return;
	if (pl->mode == PAXOS_MODE_NONE)
		assert(0 && "convert lost the lease");
	sim_ghost_res_convert(h, r, sim_mode_of(pl), pl->lver);
	sim_sleep_local(sim_rng_exp(sim_rng(), sim_w->cfg.hold_mean));
}

static void sim_worker_cycle(struct sim_thread *th, int r)
{
	struct sim_host *h = th->host;
	struct sim_hres *hr = &h->res[r];
	struct paxos_lease *pl = &hr->pl;
	struct paxos_acquire_args args;
	struct paxos_host_ops ops;
	int rv;

	sim_host_ops(th, &ops);
	if (paxos_release_pending(pl)) {
		sim_worker_release(th, r);
		return;
	}
	memset(&args, 0, sizeof(args));
	if (sim_rng_chance(sim_rng(), sim_w->cfg.p_shared))
		args.flags |= PAXOS_ACQ_SHARED;
	if (sim_rng_chance(sim_rng(), sim_w->cfg.p_nowait))
		args.flags |= PAXOS_ACQ_OWNER_NOWAIT;
	sim_trace(h->idx, SIM_T_ACQ, 1, (uint64_t)r, args.flags, 0);
	rv = paxos_lease_acquire(&th->env, &ops, pl, &args, NULL);
	if (rv < 0) {
		sim_stat(SIM_S_ACQ_FAIL);
		sim_trace(h->idx, SIM_T_ACQ, rv, (uint64_t)r, args.flags,
			  paxos_release_pending(pl));
		if (paxos_release_pending(pl))
			sim_worker_release(th, r);
		return;
	}
	if (h->state != SIM_H_JOINED || h->killed) {
		/* §5.10: the lockspace failed meanwhile (or we are leaving):
		 * the lease is not granted.  Leaving still releases it. */
		if (h->state == SIM_H_LEAVING && !h->killed) {
			sim_worker_release(th, r);
			return;
		}
		sim_trace(h->idx, SIM_T_DROP_LEASE, 1, (uint64_t)r, pl->lver, 0);
		paxos_lease_drop(pl);
		return;
	}
	sim_trace(h->idx, SIM_T_ACQ_OK, (int)pl->mode, (uint64_t)r, pl->lver,
		  h->gen);
	sim_ghost_res_grant(h, r, sim_mode_of(pl), pl->lver);
	hr->holding = 1;
	sim_stat(pl->mode == PAXOS_MODE_EX ? SIM_S_ACQ_EX : SIM_S_ACQ_SH);

	sim_worker_hold(th, r, &ops);

	if (h->killed || !sim_usable(h)) {
		/* Killed: the holding already ended.  Lockspace failing but
		 * not killed yet: the application releases, which does no
		 * disk I/O (§7.5), and the holding ends now. */
		sim_ghost_res_end(h, r, 0);
		hr->holding = 0;
		sim_trace(h->idx, SIM_T_DROP_LEASE, 2, (uint64_t)r, pl->lver, 0);
		paxos_lease_drop(pl);
		return;
	}
	sim_ghost_res_end(h, r, 1);       /* the release starts */
	hr->holding = 0;
	sim_worker_release(th, r);
}

void sim_worker_fn(void *arg)
{
	struct sim_thread *th = arg;
	struct sim_host *h = th->host;
	uint32_t iter;

	for (iter = 0; iter < SIM_WORKER_ITERS_MAX; iter++) {
		int k, r = -1, start;

		if (h->state != SIM_H_JOINED || h->killed)
			break;
		start = (int)sim_rng_below(sim_rng(), (uint64_t)sim_w->cfg.nres);
		for (k = 0; k < sim_w->cfg.nres; k++) {
			int c = (start + k) % sim_w->cfg.nres;

			if (h->res[c].ready && !h->res[c].busy) {
				r = c;
				break;
			}
		}
		if (r < 0) {
			sim_sleep_local(SIM_USEC);
			continue;
		}
		h->res[r].busy = 1;
		th->wres = r;
		sim_worker_cycle(th, r);
		h->res[r].busy = 0;
		th->wres = -1;
		sim_sleep_local(sim_rng_range(sim_rng(), 0, 2 * SIM_USEC));
	}
}
