/*
 * sim_coro.h - stackful coroutines for the simulator: every simulated
 * thread (a host's main loop, lockspace thread, resource workers) runs on
 * its own stack, and a blocking call inside lease/ code (disk I/O, sleep)
 * yields back to the scheduler.  Exactly one coroutine or the scheduler
 * runs at any time; nothing here is thread safe and nothing needs to be.
 *
 * Switching: the first entry of a coroutine goes through makecontext /
 * setcontext; later switches use _setjmp/_longjmp (no signal-mask system
 * call, ~20x faster).  Under AddressSanitizer every switch is a
 * swapcontext with the sanitizer's fiber annotations instead.
 *
 * Owner: the simulator thread.  A coroutine may be abandoned while
 * suspended (its host crashed): it is never resumed again and its stack
 * is reused by the next sim_coro_start.
 */
#ifndef SIM_CORO_H
#define SIM_CORO_H

#include <setjmp.h>
#include <stddef.h>
#include <ucontext.h>

#if defined(__SANITIZE_ADDRESS__)
#define SIM_CORO_ASAN 1
#define SIM_CORO_STACK_SIZE (1024 * 1024)
#else
#define SIM_CORO_STACK_SIZE (128 * 1024)
#endif

enum sim_coro_state {
	SIM_CORO_IDLE = 0,     /* no function */
	SIM_CORO_READY,        /* started, never run */
	SIM_CORO_RUNNING,
	SIM_CORO_SUSPENDED,    /* yielded, waiting to be resumed */
	SIM_CORO_DONE,         /* function returned */
};

typedef void (*sim_coro_fn)(void *arg);

struct sim_coro {
	enum sim_coro_state state;
	sim_coro_fn fn;
	void       *arg;
	unsigned char *stack;  /* usable stack (a guard page lies below) */
	size_t      stack_size;
	void       *map;       /* whole mapping incl. guard page */
	size_t      map_size;
	ucontext_t  uc;
	jmp_buf     jb;
#ifdef SIM_CORO_ASAN
	void       *fake_stack;
#endif
};

/* Allocate the stack (mmap + guard page).  0 or -errno. */
int  sim_coro_init(struct sim_coro *c);
void sim_coro_destroy(struct sim_coro *c);

/* Give c a function; it runs at the next sim_coro_resume.  c must be
 * IDLE or DONE, or abandoned (sim_coro_abandon). */
void sim_coro_start(struct sim_coro *c, sim_coro_fn fn, void *arg);
/* Scheduler: run c until it yields or returns. */
void sim_coro_resume(struct sim_coro *c);
/* Inside a coroutine: back to the scheduler. */
void sim_coro_yield(void);
/* Never resume c again (its host crashed); c becomes IDLE. */
void sim_coro_abandon(struct sim_coro *c);
/* The coroutine running now, NULL in the scheduler. */
struct sim_coro *sim_coro_current(void);

#endif /* SIM_CORO_H */
