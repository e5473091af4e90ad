/*
 * disk_reaper.c - the reaper thread: collects the completions of orphaned
 * iocbs (disk_internal.h) in contexts that no I/O has taken, so that
 * their deferred buffers are freed, their slots come back, and writers
 * held back by "one write per sector in flight" (algorithms.md 1A.2) may
 * go on, even when no I/O runs.
 *
 * It is started on the first orphan, polls (never blocks in) io_getevents
 * on every idle context of the orphan list every DISK_REAPER_POLL_MS, and
 * sleeps on its condition variable while the list is empty.  Contexts
 * taken by an I/O are left to that I/O, which collects every completion
 * of its context while it waits for its own.
 *
 * Locking: everything here is guarded by disk_lock() (disk_ctx.c); the
 * reaper polls with it held.  It blocks all signals, so daemon signal
 * handling never lands on it.  After fork the child has no reaper thread;
 * disk_reaper_forget_locked lets the child start its own.
 */
#include <assert.h>
#include <signal.h>

#include "disk/disk_internal.h"

static int disk_reaper_running;   /* [L] */
static int disk_reaper_paused;    /* [L] tests: the reaper only sleeps */

static void *disk_reaper_main(void *arg)
{
	struct disk_ctx *c, *next;
	unsigned n;

	disk_lock();
	for (;;) {
		while (!disk_orphan_list_locked())
			disk_reaper_wait_locked(0);

		n = 0;
		for (c = disk_orphan_list_locked(); c; c = next) {
			assert(++n <= DISK_CTX_MAX);
			/* collecting may unlink c, never another context */
			next = c->next;
			if (!c->taken && !disk_reaper_paused)
				disk_ctx_poll_locked(c);
		}
		if (disk_orphan_list_locked())
			disk_reaper_wait_locked(disk_now_ns() +
						DISK_REAPER_POLL_MS * 1000000ull);
	}
	return arg;
}

void disk_reaper_start_locked(void)
{
	pthread_attr_t attr;
	pthread_t th;
	sigset_t all, old;

	if (disk_reaper_running)
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, disk_reaper_main, NULL) == 0)
		disk_reaper_running = 1;
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void disk_reaper_forget_locked(void)
{
	disk_reaper_running = 0;
}

void disk_reaper_set_paused(int paused)
{
	disk_lock();
	disk_reaper_paused = paused;
	disk_reaper_kick_locked();
	disk_unlock();
}
