/*
 * disk_reaper.c - the disk module's process-wide state: the one mutex
 * (disk_lock), the list of contexts that have orphaned iocbs ("orphan
 * list"), completion collection, and the reaper thread.
 *
 * A context is on the orphan list while it has orphans, or after its handle
 * was closed with orphans (then the reaper owns it: it frees it once the
 * last orphan completes).  The reaper thread is started on the first
 * orphan; it polls (never blocks in) io_getevents on every listed context
 * not currently busy in its owner's I/O, every DISK_REAPER_POLL_MS, and
 * sleeps on a condition variable while the list is empty.  Collecting an
 * orphan frees its deferred buffer and wakes writers waiting for it in
 * disk_write (at most one write per sector in flight, algorithms.md 1A.2).
 *
 * Locking: everything here is guarded by disk_mtx.  The reaper blocks all
 * signals, so daemon signal handling never lands on it.
 * Bound: at most DISK_REAPER_MAX closed contexts wait for the reaper (the
 * kernel's default aio-max-nr of 65536 allows ~1000 contexts of
 * DISK_AIO_SLOTS events system-wide anyway).  Past it a closed context
 * with orphans is abandoned: leaked with its buffers, its orphaned writes
 * still block overlapping writes for the rest of the process's life.
 * Not fork-safe: a child must not use contexts of its parent (the kernel
 * does not copy them anyway) and gets no reaper thread.
 */
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "disk/disk_internal.h"

static pthread_mutex_t disk_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t disk_once = PTHREAD_ONCE_INIT;
static pthread_cond_t disk_reaped_cond;   /* an orphan was collected */
static pthread_cond_t disk_reaper_cond;   /* list got work / poll tick */

static struct disk_aio *disk_orphan_head;
static unsigned disk_closed_count;        /* closed contexts on the list */
/* Closed past DISK_REAPER_MAX: never polled, never freed, but their
 * orphaned writes still hold back overlapping writes (safety first). */
static struct disk_aio *disk_abandoned_head;
static uint64_t disk_abandoned;
static int disk_reaper_running;
static int disk_reaper_paused;            /* tests: reaper only sleeps */
static unsigned disk_reaper_limit = DISK_REAPER_MAX;   /* tests lower it */

static void disk_init_once(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&disk_reaped_cond, &ca);
	pthread_cond_init(&disk_reaper_cond, &ca);
	pthread_condattr_destroy(&ca);
}

void disk_lock(void)
{
	pthread_once(&disk_once, disk_init_once);
	pthread_mutex_lock(&disk_mtx);
}

void disk_unlock(void)
{
	pthread_mutex_unlock(&disk_mtx);
}

static struct timespec disk_ns_to_ts(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000u),
		.tv_nsec = (long)(ns % 1000000000u),
	};
	return ts;
}

int disk_wait_reaped_locked(uint64_t deadline_ns)
{
	struct timespec ts;
	int rv;

	if (!deadline_ns) {
		pthread_cond_wait(&disk_reaped_cond, &disk_mtx);
		return 0;
	}
	ts = disk_ns_to_ts(deadline_ns);
	rv = pthread_cond_timedwait(&disk_reaped_cond, &disk_mtx, &ts);
	return rv == ETIMEDOUT ? -ETIMEDOUT : 0;
}

static void disk_list_add_locked(struct disk_aio *a)
{
	if (a->listed)
		return;
	a->prev = NULL;
	a->next = disk_orphan_head;
	if (disk_orphan_head)
		disk_orphan_head->prev = a;
	disk_orphan_head = a;
	a->listed = 1;
}

static void disk_list_del_locked(struct disk_aio *a)
{
	assert(a->listed);
	if (a->prev)
		a->prev->next = a->next;
	else
		disk_orphan_head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	a->prev = a->next = NULL;
	a->listed = 0;
}

void disk_aio_collect_locked(struct disk_aio *a, const struct io_event *ev,
			     int n)
{
	int i, reaped = 0;

	for (i = 0; i < n; i++) {
		struct iocb *cb = ev[i].obj;
		struct disk_iop *p = (struct disk_iop *)
			((char *)cb - offsetof(struct disk_iop, cb));

		/* every event is for one of this context's slots */
		assert(p >= &a->iop[0] && p < &a->iop[DISK_AIO_SLOTS]);

		switch (p->state) {
		case DISK_IOP_ACTIVE:
			p->res = (long)ev[i].res;
			p->state = DISK_IOP_DONE;
			disk_buf_io_end_locked(p->buf);
			break;
		case DISK_IOP_ORPHAN:
			disk_buf_io_end_locked(p->buf);
			p->buf = NULL;
			p->state = DISK_IOP_FREE;
			assert(a->orphans > 0);
			a->orphans--;
			reaped++;
			break;
		default:
			assert(0 && "completion for an idle iocb slot");
		}
	}
	if (reaped) {
		if (a->orphans == 0 && !a->closed && a->listed)
			disk_list_del_locked(a);
		pthread_cond_broadcast(&disk_reaped_cond);
	}
}

int disk_aio_poll_locked(struct disk_aio *a)
{
	struct io_event ev[DISK_AIO_SLOTS];
	struct timespec zero = { 0, 0 };
	int n;

	n = io_getevents(a->ctx, 0, DISK_AIO_SLOTS, ev, &zero);
	if (n > 0)
		disk_aio_collect_locked(a, ev, n);
	return n;
}

static void disk_aio_destroy(struct disk_aio *a)
{
	int rv = io_destroy(a->ctx);

	assert(rv == 0);
	(void)rv;
	free(a);
}

static void *disk_reaper_main(void *arg)
{
	struct disk_aio *a, *next, *dead;
	struct timespec ts;

	disk_lock();
	for (;;) {
		while (!disk_orphan_head)
			pthread_cond_wait(&disk_reaper_cond, &disk_mtx);

		dead = NULL;
		for (a = disk_orphan_head; a; a = next) {
			next = a->next;
			if (!a->busy && a->orphans && !disk_reaper_paused)
				disk_aio_poll_locked(a);
			if (a->closed && a->orphans == 0) {
				disk_list_del_locked(a);
				assert(disk_closed_count > 0);
				disk_closed_count--;
				a->next = dead;
				dead = a;
			}
		}
		if (dead) {
			disk_unlock();
			while (dead) {
				next = dead->next;
				disk_aio_destroy(dead);
				dead = next;
			}
			disk_lock();
		}
		if (disk_orphan_head) {
			ts = disk_ns_to_ts(disk_now_ns() +
					   DISK_REAPER_POLL_MS * 1000000ull);
			pthread_cond_timedwait(&disk_reaper_cond, &disk_mtx, &ts);
		}
	}
	return arg;
}

/* Start the reaper if it is not running; on failure the next orphan
 * retries, and until then only owners collect their orphans. */
static void disk_reaper_start_locked(void)
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

void disk_aio_orphan_locked(struct disk_aio *a, struct disk_iop *p)
{
	assert(p->state == DISK_IOP_ACTIVE);
	assert(a->orphans < DISK_MAX_INFLIGHT);
	p->state = DISK_IOP_ORPHAN;
	a->orphans++;
	disk_list_add_locked(a);
	disk_reaper_start_locked();
	pthread_cond_signal(&disk_reaper_cond);
}

static int disk_id_eq(const struct disk_file_id *x, const struct disk_file_id *y)
{
	return x->blk == y->blk && x->dev == y->dev && x->ino == y->ino;
}

static struct disk_aio *disk_overlap_in(struct disk_aio *a,
					const struct disk_file_id *id,
					uint64_t offset, size_t len)
{
	int i;

	for (; a; a = a->next) {
		if (!disk_id_eq(&a->id, id))
			continue;
		for (i = 0; i < DISK_AIO_SLOTS; i++) {
			const struct disk_iop *p = &a->iop[i];

			if (p->state == DISK_IOP_ORPHAN && p->is_write &&
			    p->offset < offset + len && offset < p->offset + p->len)
				return a;
		}
	}
	return NULL;
}

struct disk_aio *disk_orphan_overlap_locked(const struct disk_file_id *id,
					    uint64_t offset, size_t len)
{
	struct disk_aio *a = disk_overlap_in(disk_orphan_head, id, offset, len);

	return a ? a : disk_overlap_in(disk_abandoned_head, id, offset, len);
}

void disk_aio_release(struct disk_aio *a)
{
	disk_lock();
	assert(!a->busy && !a->closed);
	if (a->orphans)
		disk_aio_poll_locked(a);
	if (a->orphans == 0) {
		if (a->listed)
			disk_list_del_locked(a);
		disk_unlock();
		disk_aio_destroy(a);
		return;
	}
	if (disk_closed_count >= disk_reaper_limit) {
		/* Bounded reaper list: abandon the context with its
		 * in-flight buffers (never freed, so never reused under the
		 * kernel; kept reachable on the abandoned list). */
		disk_list_del_locked(a);
		a->closed = 1;
		a->next = disk_abandoned_head;
		disk_abandoned_head = a;
		disk_abandoned++;
		disk_unlock();
		return;
	}
	a->closed = 1;
	disk_closed_count++;
	assert(a->listed);
	disk_reaper_start_locked();
	pthread_cond_signal(&disk_reaper_cond);
	disk_unlock();
}

void disk_reaper_set_paused(int paused)
{
	disk_lock();
	disk_reaper_paused = paused;
	pthread_cond_signal(&disk_reaper_cond);
	disk_unlock();
}

void disk_reaper_set_limit(unsigned n)
{
	assert(n >= 1 && n <= DISK_REAPER_MAX);
	disk_lock();
	disk_reaper_limit = n;
	disk_unlock();
}

unsigned disk_reaper_pending(void)
{
	unsigned n;

	disk_lock();
	n = disk_closed_count;
	disk_unlock();
	return n;
}

uint64_t disk_abandoned_count(void)
{
	uint64_t n;

	disk_lock();
	n = disk_abandoned;
	disk_unlock();
	return n;
}
