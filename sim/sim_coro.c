/*
 * sim_coro.c - coroutine switching (see sim_coro.h).  The module state
 * (the scheduler's context and the running coroutine) belongs to the
 * simulator thread.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/sim_coro.h"

#ifdef SIM_CORO_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

static struct sim_coro *sim_coro_cur;     /* running coroutine or NULL */
#ifndef SIM_CORO_ASAN
static jmp_buf          sim_coro_sched_jb;
#else
static ucontext_t       sim_coro_sched_uc;
static const void      *sim_coro_sched_bottom;
static size_t           sim_coro_sched_size;
#endif

int sim_coro_init(struct sim_coro *c)
{
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	memset(c, 0, sizeof(*c));
	assert(page > 0);
	c->map_size = SIM_CORO_STACK_SIZE + (size_t)page;
	m = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	/* Guard page: a stack overflow faults instead of corrupting. */
	if (mprotect(m, (size_t)page, PROT_NONE) < 0) {
		int e = errno;

		munmap(m, c->map_size);
		return -e;
	}
	c->map = m;
	c->stack = (unsigned char *)m + page;
	c->stack_size = SIM_CORO_STACK_SIZE;
	c->state = SIM_CORO_IDLE;
	return 0;
}

void sim_coro_destroy(struct sim_coro *c)
{
	assert(c != sim_coro_cur);
	if (c->map)
		munmap(c->map, c->map_size);
	memset(c, 0, sizeof(*c));
}

struct sim_coro *sim_coro_current(void)
{
	return sim_coro_cur;
}

/* First frame of every coroutine. */
static void sim_coro_trampoline(void)
{
	struct sim_coro *c = sim_coro_cur;

#ifdef SIM_CORO_ASAN
	__sanitizer_finish_switch_fiber(NULL, &sim_coro_sched_bottom,
					&sim_coro_sched_size);
#endif
	assert(c && c->state == SIM_CORO_RUNNING);
	c->fn(c->arg);
	assert(sim_coro_cur == c);
	c->state = SIM_CORO_DONE;
	sim_coro_cur = NULL;
#ifdef SIM_CORO_ASAN
	__sanitizer_start_switch_fiber(NULL, sim_coro_sched_bottom,
				       sim_coro_sched_size);
	setcontext(&sim_coro_sched_uc);
#else
	_longjmp(sim_coro_sched_jb, 1);
#endif
	assert(0 && "a finished coroutine was resumed");
}

void sim_coro_start(struct sim_coro *c, sim_coro_fn fn, void *arg)
{
	assert(c->map && fn);
	assert(c != sim_coro_cur);
	assert(c->state == SIM_CORO_IDLE || c->state == SIM_CORO_DONE);
	c->fn = fn;
	c->arg = arg;
	if (getcontext(&c->uc) < 0)
		assert(0 && "getcontext failed");
	c->uc.uc_stack.ss_sp = c->stack;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;   /* the trampoline never returns */
	makecontext(&c->uc, sim_coro_trampoline, 0);
	c->state = SIM_CORO_READY;
}

void sim_coro_resume(struct sim_coro *c)
{
	int first;

	assert(sim_coro_cur == NULL);
	assert(c->state == SIM_CORO_READY || c->state == SIM_CORO_SUSPENDED);
	first = c->state == SIM_CORO_READY;
	c->state = SIM_CORO_RUNNING;
	sim_coro_cur = c;
#ifdef SIM_CORO_ASAN
	{
		void *fake = NULL;

		(void)first;
		__sanitizer_start_switch_fiber(&fake, c->stack, c->stack_size);
		if (swapcontext(&sim_coro_sched_uc, &c->uc) < 0)
			assert(0 && "swapcontext failed");
		__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	}
#else
	if (!_setjmp(sim_coro_sched_jb)) {
		if (first)
			setcontext(&c->uc);
		else
			_longjmp(c->jb, 1);
		assert(0 && "unreachable");
	}
#endif
	assert(sim_coro_cur == NULL);
}

void sim_coro_yield(void)
{
	struct sim_coro *c = sim_coro_cur;

	assert(c && c->state == SIM_CORO_RUNNING);
	c->state = SIM_CORO_SUSPENDED;
	sim_coro_cur = NULL;
#ifdef SIM_CORO_ASAN
	__sanitizer_start_switch_fiber(&c->fake_stack, sim_coro_sched_bottom,
				       sim_coro_sched_size);
	if (swapcontext(&c->uc, &sim_coro_sched_uc) < 0)
		assert(0 && "swapcontext failed");
	__sanitizer_finish_switch_fiber(c->fake_stack, &sim_coro_sched_bottom,
					&sim_coro_sched_size);
#else
	if (!_setjmp(c->jb))
		_longjmp(sim_coro_sched_jb, 1);
#endif
	assert(sim_coro_cur == c && c->state == SIM_CORO_RUNNING);
}

void sim_coro_abandon(struct sim_coro *c)
{
	assert(c != sim_coro_cur);
	assert(c->state != SIM_CORO_RUNNING);
	c->state = SIM_CORO_IDLE;
	c->fn = NULL;
	c->arg = NULL;
}
