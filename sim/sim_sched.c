/*
 * sim_sched.c - the event heap (ordered by virtual time, ties by
 * insertion order) and the blocking primitive of simulated threads: a
 * thread schedules a WAKE for itself and yields; the event loop
 * (sim_run.c) resumes it.  Also thread start/kill and stalls (a stalled
 * thread's wake-ups are held back until the stall ends).
 *
 * State: the heap and threads in sim_w; simulator thread only.
 */
#include <assert.h>
#include <string.h>

#include "sim/sim.h"

static int sim_ev_less(const struct sim_event *a, const struct sim_event *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	return a->seq < b->seq;
}

void sim_ev_push(uint64_t t, int kind, int host, uint32_t a, uint64_t b)
{
	struct sim_event *hp = sim_w->heap;
	uint32_t i;

	assert(t >= sim_w->now);
	assert(t != SIM_NEVER);
	if (sim_w->nheap >= SIM_MAX_EVENTS)
		assert(0 && "event heap full: raise SIM_MAX_EVENTS");
	i = sim_w->nheap++;
	hp[i].t = t;
	hp[i].seq = sim_w->seq++;
	hp[i].kind = kind;
	hp[i].host = host;
	hp[i].a = a;
	hp[i].b = b;
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		struct sim_event tmp;

		if (!sim_ev_less(&hp[i], &hp[p]))
			break;
		tmp = hp[i];
		hp[i] = hp[p];
		hp[p] = tmp;
		i = p;
	}
}

int sim_ev_pop(struct sim_event *ev)
{
	struct sim_event *hp = sim_w->heap;
	uint32_t i = 0, n;

	if (sim_w->nheap == 0)
		return 0;
	*ev = hp[0];
	n = --sim_w->nheap;
	hp[0] = hp[n];
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		struct sim_event tmp;

		if (l < n && sim_ev_less(&hp[l], &hp[m]))
			m = l;
		if (r < n && sim_ev_less(&hp[r], &hp[m]))
			m = r;
		if (m == i)
			break;
		tmp = hp[i];
		hp[i] = hp[m];
		hp[m] = tmp;
		i = m;
	}
	assert(ev->t >= sim_w->now);
	return 1;
}

struct sim_thread *sim_self(void)
{
	struct sim_coro *c = sim_coro_current();
	struct sim_thread *th;

	assert(c && "not in a simulated thread");
	th = (struct sim_thread *)((char *)c - offsetof(struct sim_thread, coro));
	assert(th->idx >= 0 && th->idx < SIM_MAX_THREADS);
	assert(&sim_w->threads[th->idx] == th);
	return th;
}

void sim_block_until(uint64_t t)
{
	struct sim_thread *th = sim_self();
	uint64_t token;

	assert(t >= sim_w->now);
	assert(!th->waiting);
	token = ++th->token;
	th->waiting = 1;
	sim_ev_push(t, SIM_EV_WAKE, th->host->idx, (uint32_t)th->idx, token);
	sim_coro_yield();
	assert(th->token == token && !th->waiting);
}

/* The event loop calls this for a WAKE event. */
void sim_thread_wake(struct sim_thread *th, uint64_t token)
{
	if (!th->live || !th->waiting || th->token != token)
		return;   /* stale: the thread was killed or restarted */
	if (th->stall_until > sim_w->now) {
		th->deferred = 1;
		return;
	}
	th->waiting = 0;
	th->deferred = 0;
	sim_coro_resume(&th->coro);
	if (th->coro.state == SIM_CORO_DONE) {
		th->live = 0;
		th->waiting = 0;
	}
}

void sim_thread_spawn(struct sim_host *h, int slot, sim_coro_fn fn)
{
	struct sim_thread *th = h->thr[slot];

	assert(slot >= 0 && slot < SIM_THREADS_PER_HOST);
	assert(th && th->host == h);
	assert(!th->live);
	if (th->coro.state != SIM_CORO_IDLE && th->coro.state != SIM_CORO_DONE)
		sim_coro_abandon(&th->coro);
	sim_coro_start(&th->coro, fn, th);
	th->live = 1;
	th->waiting = 1;          /* its first run is a wake-up */
	th->deferred = 0;
	th->in_join = 0;
	th->wres = -1;
	th->stall_until = 0;
	th->token++;
	sim_env_init(th);
	sim_ev_push(sim_w->now, SIM_EV_WAKE, h->idx, (uint32_t)th->idx,
		    th->token);
}

void sim_thread_kill(struct sim_thread *th)
{
	assert(sim_coro_current() != &th->coro);
	if (th->coro.state == SIM_CORO_SUSPENDED ||
	    th->coro.state == SIM_CORO_READY)
		sim_coro_abandon(&th->coro);
	th->live = 0;
	th->waiting = 0;
	th->deferred = 0;
	th->token++;
	th->in_join = 0;
	th->wres = -1;
}

void sim_stall(struct sim_host *h, struct sim_thread *th, uint64_t until)
{
	int i;

	for (i = 0; i < SIM_THREADS_PER_HOST; i++) {
		struct sim_thread *t = h->thr[i];

		if (th && t != th)
			continue;
		if (!t->live)
			continue;
		/* A join's read -> write step must stay prompt (the delta
		 * lease assumes it; spec §3.3): outside the model. */
		if (t->in_join && sim_w->cfg.excluded != SIM_EXCL_JOIN_STALL)
			continue;
		if (t->stall_until < until)
			t->stall_until = until;
	}
	sim_ev_push(until, SIM_EV_RESUME, h->idx, 0, SIM_NEVER - 1);
}

void sim_host_resume_deferred(struct sim_host *h)
{
	int i;

	for (i = 0; i < SIM_THREADS_PER_HOST; i++) {
		struct sim_thread *t = h->thr[i];

		if (!t->live || !t->deferred || t->stall_until > sim_w->now)
			continue;
		t->deferred = 0;
		sim_ev_push(sim_w->now, SIM_EV_WAKE, h->idx, (uint32_t)t->idx,
			    t->token);
	}
}
