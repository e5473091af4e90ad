/*
 * sim_run.c - one seed from start to verdict: reset the world, format the
 * shared disk, boot the machines a few milliseconds apart (so that their
 * first joins race), then pop events in time order until the step or
 * time budget is spent, injecting host-level faults (crash, pause, thread
 * stall, storage outage) from self-rescheduling chaos events, and
 * checking the ghost after every step.
 *
 * State: sim_w (allocated once by sim_world_alloc, reused by every seed);
 * simulator thread only.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

struct sim_world *sim_w;

enum sim_chaos {
	SIM_CHAOS_CRASH = 0,
	SIM_CHAOS_PAUSE,
	SIM_CHAOS_STALL,
	SIM_CHAOS_OUTAGE,
	SIM_CHAOS_DCRASH,
	SIM_CHAOS_COUNT
};

static struct sim_rng *sim_rng(void)
{
	return &sim_w->rng;
}

int sim_world_alloc(void)
{
	int i, rv;

	sim_w = calloc(1, sizeof(*sim_w));
	if (!sim_w)
		return -1;
	for (i = 0; i < SIM_MAX_THREADS; i++) {
		rv = sim_coro_init(&sim_w->threads[i].coro);
		if (rv < 0)
			return rv;
	}
	return 0;
}

void sim_world_free(void)
{
	int i;

	if (!sim_w)
		return;
	for (i = 0; i < SIM_MAX_THREADS; i++)
		sim_coro_destroy(&sim_w->threads[i].coro);
	sim_bufs_free_all();
	sim_disk_free();
	free(sim_w);
	sim_w = NULL;
}

static uint64_t sim_chaos_mean(int kind)
{
	const struct sim_config *c = &sim_w->cfg;

	switch (kind) {
	case SIM_CHAOS_CRASH:
		return c->crash_mean;
	case SIM_CHAOS_PAUSE:
		return c->pause_mean;
	case SIM_CHAOS_STALL:
		return c->stall_mean;
	case SIM_CHAOS_DCRASH:
		return c->dcrash_mean;
	default:
		return c->outage_mean;
	}
}

static void sim_chaos_next(int kind)
{
	uint64_t mean = sim_chaos_mean(kind);

	if (!mean)
		return;
	sim_ev_push(sim_w->now + 1 + sim_rng_exp(sim_rng(), mean),
		    SIM_EV_CHAOS, -1, (uint32_t)kind, 0);
}

/* How long a host stops: short, around the renewal timeouts, or past
 * host_dead_seconds (the classic paused-lease-holder hazard). */
static uint64_t sim_pause_len(void)
{
	uint64_t x = sim_rng_below(sim_rng(), 10);

	if (x < 5)
		return sim_rng_range(sim_rng(), SIM_USEC / 10, 3 * SIM_USEC);
	if (x < 8)
		return sim_rng_range(sim_rng(), 3 * SIM_USEC, 30 * SIM_USEC);
	return sim_rng_range(sim_rng(), 30 * SIM_USEC, sim_w->cfg.pause_max);
}

static struct sim_host *sim_random_up_host(void)
{
	int n = sim_w->cfg.nhosts, start, k;

	start = (int)sim_rng_below(sim_rng(), (uint64_t)n);
	for (k = 0; k < n; k++) {
		struct sim_host *h = &sim_w->hosts[(start + k) % n];

		if (sim_host_stallable(h))
			return h;
	}
	return NULL;
}

static void sim_chaos(int kind)
{
	struct sim_host *h = sim_random_up_host();
	uint64_t len;

	sim_chaos_next(kind);
	if (!h)
		return;
	switch (kind) {
	case SIM_CHAOS_CRASH:
		sim_stat(SIM_F_CRASH);
		sim_host_die(h, "crash");
		break;
	case SIM_CHAOS_DCRASH:
		sim_stat(SIM_F_DAEMON_CRASH);
		sim_daemon_crash(h);
		break;
	case SIM_CHAOS_PAUSE:
		sim_stat(SIM_F_PAUSE);
		sim_host_pause(h, sim_pause_len());
		break;
	case SIM_CHAOS_STALL: {
		int slot = (int)sim_rng_below(sim_rng(), SIM_THREADS_PER_HOST);
		struct sim_thread *th = h->thr[slot];

		if (!th->live)
			break;
		sim_stat(SIM_F_STALL);
		len = sim_pause_len();
		sim_trace(h->idx, SIM_T_STALL, slot, len, 0, 0);
		sim_stall(h, th, sim_w->now + len);
		break;
	}
	default:
		sim_stat(SIM_F_OUTAGE);
		len = sim_rng_range(sim_rng(), SIM_USEC / 2,
				    (8 * 3 + (uint64_t)sim_w->cfg.w) * 2 * SIM_USEC);
		if (sim_rng_below(sim_rng(), 3) == 0) {
			sim_w->outage_all_until = sim_w->now + len;
			sim_w->outage_all_hang = (int)sim_rng_below(sim_rng(), 2);
			sim_trace(-1, SIM_T_OUTAGE, sim_w->outage_all_hang, len,
				  0, 0);
		} else {
			h->outage_until = sim_w->now + len;
			h->outage_hang = (int)sim_rng_below(sim_rng(), 2);
			sim_trace(h->idx, SIM_T_OUTAGE, h->outage_hang, len, 0, 0);
		}
		break;
	}
}

static void sim_dispatch(const struct sim_event *ev)
{
	switch (ev->kind) {
	case SIM_EV_WAKE:
		assert(ev->a < SIM_MAX_THREADS);
		sim_thread_wake(&sim_w->threads[ev->a], ev->b);
		break;
	case SIM_EV_LAND:
		sim_write_land((int)ev->a, ev->b);
		break;
	case SIM_EV_WD_FIRE:
		sim_wd_fire_event(&sim_w->hosts[ev->host], ev->b);
		break;
	case SIM_EV_BOOT: {
		struct sim_host *h = &sim_w->hosts[ev->host];

		if (ev->b ? h->state == SIM_H_DOWN : h->daemon_down)
			sim_host_boot(h, (int)ev->b);
		break;
	}
	case SIM_EV_CHAOS:
		sim_chaos((int)ev->a);
		break;
	case SIM_EV_RESUME:
		sim_host_resume_deferred(&sim_w->hosts[ev->host]);
		break;
	default:
		assert(0 && "bad event kind");
	}
}

static void sim_reset(const struct sim_config *cfg)
{
	int i, s, rv;

	sim_w->cfg = *cfg;
	sim_rng_seed(&sim_w->rng, cfg->seed);
	sim_w->now = 0;
	sim_w->steps = 0;
	sim_w->seq = 0;
	sim_w->nheap = 0;
	sim_w->write_ids = 0;
	sim_w->ntrace = 0;
	sim_w->violation = 0;
	sim_w->vmsg[0] = 0;
	sim_w->outage_all_until = 0;
	memset(sim_w->stats, 0, sizeof(sim_w->stats));
	sim_w->ss = cfg->ss;
	rv = ondisk_sizes_from_pair(cfg->ss, SIM_ALIGN, &sim_w->sizes);
	assert(rv == 0 && sim_w->sizes.max_hosts >= (uint32_t)cfg->nids);
	sim_disk_setup();
	sim_disk_format();
	sim_ghost_reset();
	for (i = 0; i < SIM_MAX_HOSTS; i++) {
		struct sim_host *h = &sim_w->hosts[i];

		memset(h, 0, sizeof(*h));
		h->idx = i;
		h->state = SIM_H_DOWN;
		for (s = 0; s < SIM_THREADS_PER_HOST; s++) {
			struct sim_thread *th;

			th = &sim_w->threads[i * SIM_THREADS_PER_HOST + s];
			if (th->coro.state != SIM_CORO_IDLE)
				sim_coro_abandon(&th->coro);
			th->host = h;
			th->idx = i * SIM_THREADS_PER_HOST + s;
			th->slot = s;
			th->live = 0;
			th->waiting = 0;
			th->deferred = 0;
			th->token = 0;
			th->stall_until = 0;
			h->thr[s] = th;
		}
	}
}

static void sim_teardown(void)
{
	int i;

	for (i = 0; i < SIM_MAX_THREADS; i++) {
		struct sim_thread *th = &sim_w->threads[i];

		if (th->live || th->coro.state == SIM_CORO_SUSPENDED ||
		    th->coro.state == SIM_CORO_READY)
			sim_thread_kill(th);
	}
	for (i = 0; i < SIM_MAX_READS; i++)
		sim_w->reads[i].used = 0;
	sim_w->nreads = 0;
	for (i = 0; i < SIM_MAX_HOSTS; i++)
		sim_bufs_free_host(i);
}

static void sim_dump_hosts(void)
{
	static const char *const st[] = { "down", "idle", "joining", "joined",
					  "killing", "leaving", "stopping" };
	int m, i;

	for (m = 0; m < sim_w->cfg.nhosts; m++) {
		const struct sim_host *h = &sim_w->hosts[m];

		printf("sim: m%d %s %s host_id=%llu gen=%llu io=%u "
		       "last_success=%llu local_now=%llu wd=%s E=%llu\n", m,
		       h->name, st[h->state], (unsigned long long)h->host_id,
		       (unsigned long long)h->gen, h->io,
		       (unsigned long long)h->dl.last_success,
		       h->state == SIM_H_DOWN ? 0ull :
		       (unsigned long long)sim_local_sec(h),
		       h->wd.armed ? "armed" : "off",
		       (unsigned long long)h->wd.expiry);
		for (i = 0; i < SIM_THREADS_PER_HOST; i++) {
			const struct sim_thread *t = h->thr[i];

			if (!t->live)
				continue;
			uint64_t wake = 0;
			uint32_t e;

			for (e = 0; e < sim_w->nheap; e++)
				if (sim_w->heap[e].kind == SIM_EV_WAKE &&
				    sim_w->heap[e].a == (uint32_t)t->idx &&
				    sim_w->heap[e].b == t->token)
					wake = sim_w->heap[e].t;
			printf("sim:   thread %d: coro=%d waiting=%d deferred=%d "
			       "stall_until=%.6f wake=%.6f res=%d\n", i,
			       t->coro.state, t->waiting, t->deferred,
			       t->stall_until / 1e6, wake / 1e6, t->wres);
		}
	}
}

static void sim_report(void)
{
	const struct sim_config *c = &sim_w->cfg;

	printf("sim: VIOLATION seed=%llu step=%llu time=%.6fs: %s\n",
	       (unsigned long long)c->seed, (unsigned long long)sim_w->steps,
	       sim_w->now / 1e6, sim_w->vmsg);
	printf("sim: scenario: hosts=%d host_ids=%d resources=%d ss=%u W=%u "
	       "io<=%u workers=%d excluded=%s\n", c->nhosts, c->nids, c->nres,
	       c->ss, c->w, c->io_max, c->workers,
	       sim_excluded_name(c->excluded));
	sim_trace_print_tail(SIM_TRACE_TAIL);
	sim_dump_hosts();
	printf("sim: replay: sanlock-sim --seed %llu --trace%s%s\n",
	       (unsigned long long)c->seed,
	       c->excluded ? " --allow-excluded-fault=" : "",
	       c->excluded ? sim_excluded_name(c->excluded) : "");
	fflush(stdout);
}

int sim_run_seed(const struct sim_config *cfg)
{
	struct sim_event ev;
	int i;

	sim_reset(cfg);
	for (i = 0; i < cfg->nhosts; i++)
		sim_ev_push(sim_rng_range(sim_rng(), 0, 20000), SIM_EV_BOOT, i,
			    0, 1);
	for (i = 0; i < SIM_CHAOS_COUNT; i++)
		sim_chaos_next(i);

	while (sim_w->steps < cfg->max_steps && sim_ev_pop(&ev)) {
		if (ev.t > cfg->max_time)
			break;
		sim_w->now = ev.t;
		sim_w->steps++;
		sim_dispatch(&ev);
		sim_ghost_check_step();
		if (sim_w->violation)
			break;
	}
	if (sim_w->violation)
		sim_report();
	sim_teardown();
	return sim_w->violation;
}
