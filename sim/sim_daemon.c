/*
 * sim_daemon.c - the life of one simulated machine, modelled on our
 * daemon (spec/algorithms.md §3, §10, §13.1):
 *  - boot: a new daemon incarnation with a new unique host name (§3.1), a
 *    fresh monotonic clock (new boot offset, own rate) and wdmd;
 *  - main thread: join the lockspace (the lockspace thread runs the delta
 *    acquire), start the resource workers, check the lockspace once a
 *    second (failed when a renewal result said "corrupt" or no renewal
 *    succeeded for 8*io, §10.1), then either kill the processes (after a
 *    random delay; holdings end then), or leave voluntarily (workers
 *    release first); disarm the watchdog only once no process holds a
 *    lease (§10.3), stop the lockspace thread (it releases the delta lease
 *    if its latest renewal succeeded, §3.5), wait, join again;
 *  - lockspace thread: delta acquire, arm the watchdog with
 *    E = T + 8*io, renew every 2*io (§3.4 scheduling), hand each area
 *    read to host-status tracking, refresh E after each successful renewal
 *    unless told to stop or disarmed (§10.4);
 *  - death (watchdog fire or crash): every holding ends at once, every
 *    thread is gone, in-flight writes land later or never; reboot later.
 *
 * State: struct sim_host of each machine.  Event handlers (boot, die,
 * pause) run in the scheduler; the thread functions on the host's
 * simulated threads.  One OS thread: no locking.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_RENEW_ITERS_MAX 1000000   /* renewal loop bound per join */

static struct sim_rng *sim_rng(void)
{
	return &sim_w->rng;
}

static uint64_t sim_sec(uint64_t s)
{
	return s * SIM_USEC;
}

/* ---- lockspace thread ---- */

static void sim_msg_fill(void *arg, uint64_t gen, uint8_t msg[ONDISK_MSG_SIZE])
{
	(void)arg;
	(void)gen;
	memset(msg, 0, ONDISK_MSG_SIZE);
}

static void sim_ls_renew_loop(struct sim_thread *th)
{
	struct sim_host *h = th->host;
	const struct lease_env *env = &th->env;
	struct delta_renew_extra extra;
	void *area = env->buf_alloc(env->ctx, sim_w->sizes.align_size);
	uint64_t iter;

	memset(&extra, 0, sizeof(extra));
	for (iter = 0; iter < SIM_RENEW_ITERS_MAX && !h->ls_stop; iter++) {
		struct delta_renew_result res;
		int rv;

		/* §3.4 scheduling: 1 s checks until 2*io since the last
		 * success, then 0.5 s and renew. */
		if (sim_local_sec(h) - h->dl.last_success < 2 * (uint64_t)h->io) {
			sim_sleep_local(SIM_USEC);
			continue;
		}
		sim_sleep_local(SIM_USEC / 2);
		if (h->ls_stop)
			break;
		rv = delta_lease_renew(env, &h->dl, area, &extra, &res);
		sim_trace(h->idx, SIM_T_RENEW, rv, h->dl.last_success,
			  (uint64_t)(int64_t)res.read_rv, h->host_id);
		if (res.read_rv == SANLK_AIO_TIMEOUT) {
			env->buf_free(env->ctx, area);
			area = env->buf_alloc(env->ctx, sim_w->sizes.align_size);
		} else if (res.read_rv == 0 && h->state == SIM_H_JOINED) {
			sim_hs_update(h, area, sim_local_sec(h));
		}
		if (rv == 0) {
			sim_stat(SIM_S_RENEW_OK);
			if (h->wd.armed && !h->ls_stop)
				sim_wd_set_expiry(h, h->dl.last_success +
						     8 * (uint64_t)h->io);
		} else {
			sim_stat(SIM_S_RENEW_FAIL);
			if (delta_is_corrupt_result(rv) && !h->corrupt)
				h->corrupt = rv;
		}
	}
	env->buf_free(env->ctx, area);
}

static void sim_ls_fn(void *arg)
{
	struct sim_thread *th = arg;
	struct sim_host *h = th->host;
	const struct lease_env *env = &th->env;
	struct delta_lease_params p;
	struct delta_acquire_info info;
	int rv, ours = sim_rng_chance(sim_rng(), sim_w->cfg.p_our_msg);

	memset(&p, 0, sizeof(p));
	p.space_name = "LS";
	p.host_name = h->name;
	p.host_id = h->host_id;
	p.disk = 0;
	p.offset = 0;
	p.sizes = sim_w->sizes;
	p.io_timeout = h->io;
	p.fire_timeout = sim_w->cfg.w;
	p.read_extend_sec = -1;
	rv = delta_lease_init(&h->dl, &p);
	assert(rv == 0);

	th->in_join = 1;
	rv = delta_lease_acquire(env, &h->dl, ours ? sim_msg_fill : NULL, NULL,
				 &info);
	th->in_join = 0;
	if (rv < 0) {
		sim_trace(h->idx, SIM_T_JOIN, rv, h->host_id, 0, 0);
		h->ls_result = rv;
		h->ls_done = 1;
		return;
	}
	h->gen = h->dl.last.owner_generation;
	sim_trace(h->idx, SIM_T_JOINED, 0, h->host_id, h->gen,
		  h->dl.last_success);
	/* §3.3 step 10: arm before any resource lease is granted. */
	sim_wd_set_expiry(h, h->dl.last_success + 8 * (uint64_t)h->io);
	sim_ghost_delta_start(h);
	h->state = SIM_H_JOINED;
	h->ls_result = 0;
	sim_stat(SIM_S_JOIN_OK);

	sim_ls_renew_loop(th);

	rv = delta_lease_release(env, &h->dl, NULL);
	sim_trace(h->idx, SIM_T_DELTA_REL, rv, h->host_id, h->gen, 0);
	h->ls_done = 1;
}

/* ---- main thread ---- */

/* Poll once a second (like the add/rem_lockspace callers) until *flag. */
static void sim_wait_flag(const int *flag)
{
	uint32_t n;

	for (n = 0; n < SIM_WAIT_POLLS_MAX && !*flag; n++)
		sim_sleep_local(SIM_USEC);
	assert(*flag && "wait did not finish");
}

static int sim_ls_failed(const struct sim_host *h)
{
	if (h->corrupt)
		return 1;
	return sim_local_sec(h) - h->dl.last_success >= 8 * (uint64_t)h->io;
}

static int sim_workers_live(const struct sim_host *h)
{
	int i;

	for (i = 0; i < sim_w->cfg.workers; i++)
		if (h->thr[SIM_THR_WORKER0 + i]->live)
			return 1;
	return 0;
}

static void sim_host_fail(struct sim_host *h)
{
	h->state = SIM_H_KILLING;
	sim_ghost_delta_end(h);
	sim_stat(SIM_S_LS_FAIL);
	sim_trace(h->idx, SIM_T_LS_FAIL, h->corrupt, h->dl.last_success,
		  sim_local_sec(h), 0);
	sim_host_kill_processes(h);
}

static void sim_join_prepare(struct sim_host *h)
{
	const struct sim_config *c = &sim_w->cfg;
	uint64_t home = (uint64_t)(h->idx % c->nids) + 1;

	h->io = c->mixed_io ? (uint32_t)sim_rng_range(sim_rng(), 1, c->io_max)
			    : c->io;
	if (sim_rng_chance(sim_rng(), c->home_id_ppm))
		h->host_id = home;
	else
		h->host_id = sim_rng_range(sim_rng(), 1, (uint64_t)c->nids);
	h->ls_result = 1;
	h->ls_stop = 0;
	h->ls_done = 0;
	h->corrupt = 0;
	h->killed = 0;
	h->gen = 0;
	sim_hs_reset(h);
}

/* One membership: join, run, fail or leave, clean up.  0 joined. */
static int sim_membership(struct sim_thread *th)
{
	struct sim_host *h = th->host;
	uint32_t n;
	int i, leave = 0;

	sim_join_prepare(h);
	h->state = SIM_H_JOINING;
	sim_trace(h->idx, SIM_T_JOIN, 1, h->host_id, h->io, 0);
	sim_thread_spawn(h, SIM_THR_LS, sim_ls_fn);
	/* like add_lockspace: poll the result once a second */
	for (n = 0; n < SIM_WAIT_POLLS_MAX && h->ls_result == 1; n++)
		sim_sleep_local(SIM_USEC);
	if (h->ls_result < 0) {
		sim_wait_flag(&h->ls_done);
		h->state = SIM_H_IDLE;
		sim_stat(SIM_S_JOIN_FAIL);
		return -1;
	}
	assert(h->state == SIM_H_JOINED);
	sim_res_setup(h);
	for (i = 0; i < sim_w->cfg.workers; i++)
		sim_thread_spawn(h, SIM_THR_WORKER0 + i, sim_worker_fn);

	/* §10.1: once a second */
	for (n = 0; n < SIM_WAIT_POLLS_MAX; n++) {
		sim_sleep_local(SIM_USEC);
		if (sim_ls_failed(h))
			break;
		if (sim_rng_chance(sim_rng(), sim_w->cfg.p_leave)) {
			leave = 1;
			break;
		}
	}
	if (leave) {
		h->state = SIM_H_LEAVING;
		sim_ghost_delta_end(h);
		sim_stat(SIM_S_LEAVE);
		sim_trace(h->idx, SIM_T_LEAVE, 0, h->host_id, h->gen, 0);
		for (n = 0; n < SIM_WAIT_POLLS_MAX && sim_workers_live(h); n++) {
			sim_sleep_local(SIM_USEC);
			if (h->state == SIM_H_LEAVING && sim_ls_failed(h))
				sim_host_fail(h);
		}
	} else {
		sim_host_fail(h);
	}
	for (n = 0; n < SIM_WAIT_POLLS_MAX && sim_workers_live(h); n++)
		sim_sleep_local(SIM_USEC);
	assert(!sim_workers_live(h));

	/* §10.3: no process holds a lease: disarm, then stop renewing. */
	for (i = 0; i < sim_w->cfg.nres; i++)
		assert(!h->res[i].holding);
	sim_wd_disarm(h);
	h->state = SIM_H_STOPPING;
	h->ls_stop = 1;
	sim_wait_flag(&h->ls_done);
	h->state = SIM_H_IDLE;
	return 0;
}

static void sim_main_fn(void *arg)
{
	struct sim_thread *th = arg;
	struct sim_host *h = th->host;
	int j;

	for (j = 0; j < SIM_MAX_JOINS; j++) {
		h->joins++;
		if (sim_membership(th) < 0)
			sim_sleep_local(sim_sec(sim_rng_range(sim_rng(), 1,
							       3 * h->io)));
		else
			sim_sleep_local(sim_rng_range(sim_rng(), SIM_USEC / 10,
						      sim_sec(20)));
	}
}

/* ---- events ---- */

void sim_host_boot(struct sim_host *h, int machine)
{
	const struct sim_config *c = &sim_w->cfg;
	int r;

	assert(machine ? h->state == SIM_H_DOWN : h->daemon_down);
	h->inc++;
	snprintf(h->name, sizeof(h->name), "m%d.%u", h->idx, h->inc);
	if (machine) {
		h->real0 = sim_w->now;
		/* a monotonic clock starts near boot: small, unrelated */
		h->local0 = sim_sec(sim_rng_range(sim_rng(), 1, 3000)) +
			    sim_rng_below(sim_rng(), SIM_USEC);
		h->ppb = c->clock_ppb ?
			 (int64_t)sim_rng_range(sim_rng(), 0,
						2 * (uint64_t)c->clock_ppb) -
			 c->clock_ppb : 0;
		sim_wd_boot(h);
		h->outage_until = 0;
	}
	sim_hs_reset(h);
	h->state = SIM_H_IDLE;
	h->daemon_down = 0;
	h->host_id = 0;
	h->gen = 0;
	h->io = 0;
	h->killed = 0;
	h->joins = 0;
	h->delta_holding = 0;
	memset(&h->dl, 0, sizeof(h->dl));
	for (r = 0; r < SIM_MAX_RES; r++)
		memset(&h->res[r], 0, sizeof(h->res[r]));
	sim_trace(h->idx, SIM_T_BOOT, machine, h->inc, h->local0 / SIM_USEC,
		  (uint64_t)h->ppb);
	sim_thread_spawn(h, SIM_THR_MAIN, sim_main_fn);
}

static uint64_t sim_land_within(const struct sim_host *h)
{
	return (h->io ? h->io : 1) * SIM_USEC;
}

/* The machine goes down (watchdog reset or crash): everything ends. */
void sim_host_die(struct sim_host *h, const char *why)
{
	int i;

	assert(h->state != SIM_H_DOWN);
	assert(sim_coro_current() == NULL);
	sim_trace(h->idx, SIM_T_CRASH, why[0] == 'w', h->inc, 0, 0);
	sim_ghost_host_end(h);
	for (i = 0; i < SIM_THREADS_PER_HOST; i++)
		sim_thread_kill(h->thr[i]);
	sim_disk_host_died(h->idx, h->inc, sim_land_within(h));
	sim_bufs_free_host(h->idx);
	h->wd.armed = 0;
	h->wd.doomed = 0;
	h->wd.epoch++;
	h->state = SIM_H_DOWN;
	h->daemon_down = 0;
	h->delta_holding = 0;
	if (h->inc < SIM_MAX_INCARNATIONS)
		sim_ev_push(sim_w->now + sim_sec(sim_rng_range(sim_rng(), 1, 40)),
			    SIM_EV_BOOT, h->idx, 0, 1);
}

/* Only the daemon dies (the machine, its clock, wdmd and the processes
 * holding leases live on).  If its lockspace connection was armed, wdmd
 * keeps testing it and resets the machine when it expires (§10.4);
 * until then the processes keep their leases.  A new daemon (new name,
 * §3.1) starts a little later. */
void sim_daemon_crash(struct sim_host *h)
{
	int i;

	assert(h->state != SIM_H_DOWN && !h->daemon_down);
	assert(sim_coro_current() == NULL);
	sim_trace(h->idx, SIM_T_CRASH, 2, h->inc, h->wd.armed, 0);
	if (h->wd.armed)
		h->wd.doomed = 1;
	else
		for (i = 0; i < sim_w->cfg.nres; i++)
			assert(!h->res[i].holding);
	sim_ghost_daemon_gone(h);
	for (i = 0; i < SIM_THREADS_PER_HOST; i++)
		sim_thread_kill(h->thr[i]);
	sim_disk_host_died(h->idx, h->inc, sim_land_within(h));
	sim_bufs_free_host(h->idx);
	h->daemon_down = 1;
	h->state = SIM_H_IDLE;
	sim_ev_push(sim_w->now + sim_rng_range(sim_rng(), SIM_USEC / 10,
					       5 * SIM_USEC),
		    SIM_EV_BOOT, h->idx, 0, 0);
}

void sim_host_pause(struct sim_host *h, uint64_t dur)
{
	assert(h->state != SIM_H_DOWN);
	sim_trace(h->idx, SIM_T_PAUSE, 0, dur, 0, 0);
	sim_stall(h, NULL, sim_w->now + dur);
}

int sim_host_stallable(const struct sim_host *h)
{
	return h->state != SIM_H_DOWN && !h->daemon_down;
}
