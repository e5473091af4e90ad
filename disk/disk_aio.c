/*
 * disk_aio.c - disk_read / disk_write: one iocb submitted on the handle's
 * libaio context, waited for until an absolute CLOCK_MONOTONIC deadline
 * (algorithms.md §0).
 *
 * On timeout the I/O is cancelled if the kernel allows it (-ECANCELED);
 * otherwise it becomes an orphan (disk_internal.h): its slot and buffer
 * stay owned by the kernel, stats.timeouts is counted and the caller gets
 * SANLK_AIO_TIMEOUT.  Completions of older orphans that arrive while we
 * wait are recognised by their iocb pointer and collected, which performs
 * their deferred buffer frees.
 *
 * Limits, each reported as SANLK_AIO_TIMEOUT without issuing the I/O:
 *   - a handle with DISK_MAX_INFLIGHT orphans accepts no new I/O;
 *   - at most one write per sector in flight (algorithms.md 1A.2
 *     recommendation, "no overtaking"): a write overlapping an orphaned
 *     write of this process to the same file/device first waits for it,
 *     within its own deadline, and is refused if it is still in flight.
 * A buffer already in flight (an orphan's) cannot be used again: -EBUSY.
 *
 * What the timeout does not cover: io_submit() itself may block, e.g. when
 * the device's request queue is full (the loop driver allows 128 requests
 * in flight per device) or in filesystem code (a frozen filesystem under
 * a regular file).  The deadline only bounds the wait after submission,
 * as in 3.8.5; a thread stuck there is covered by the watchdog.
 *
 * Threads: called by the handle's one user thread; aio->busy (under
 * disk_lock) tells the reaper to keep out of io_getevents meanwhile.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "disk/disk_internal.h"

#define DISK_NS_PER_SEC 1000000000ull

uint64_t disk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * DISK_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static int disk_check_args(const struct disk_handle *d, uint64_t offset,
			   const void *buf, size_t len)
{
	const struct disk_buf_hdr *h;
	uint32_t ss;

	if (!d || !buf || len == 0)
		return -EINVAL;
	ss = d->sector_size;
	if (offset % ss || len % ss)
		return -EINVAL;
	if (offset > (uint64_t)INT64_MAX - len)
		return -EINVAL;
	if ((uintptr_t)buf % DISK_BUF_ALIGN)
		return -EINVAL;
	h = disk_buf_hdr_of(buf);
	if (h->magic != DISK_BUF_MAGIC || len > h->len)
		return -EINVAL;
	return 0;
}

/* Wait for at least one event on a's context (a->busy set, disk_lock not
 * held) and collect what arrived.  0, -ETIMEDOUT at the deadline (0 = none)
 * or the -errno of io_getevents. */
static int disk_aio_getevents(struct disk_aio *a, uint64_t deadline_ns)
{
	struct io_event ev[DISK_AIO_SLOTS];
	struct timespec ts, *tsp;
	uint64_t now, left;
	int n;

	for (;;) {
		tsp = NULL;
		if (deadline_ns) {
			now = disk_now_ns();
			if (now >= deadline_ns)
				return -ETIMEDOUT;
			left = deadline_ns - now;
			ts.tv_sec = (time_t)(left / DISK_NS_PER_SEC);
			ts.tv_nsec = (long)(left % DISK_NS_PER_SEC);
			tsp = &ts;
		}
		n = io_getevents(a->ctx, 1, DISK_AIO_SLOTS, ev, tsp);
		if (n == -EINTR || n == 0)
			continue;      /* deadline re-checked above */
		if (n < 0)
			return n;
		disk_lock();
		disk_aio_collect_locked(a, ev, n);
		disk_unlock();
		return 0;
	}
}

/* No overtaking: wait until no orphaned write of this process overlaps
 * [offset, offset+len) of the same storage (disk_lock held, a->busy set). */
static int disk_wait_overlap_locked(struct disk_aio *a, uint64_t offset,
				    size_t len, uint64_t deadline_ns)
{
	struct disk_aio *o;
	int rv;

	while ((o = disk_orphan_overlap_locked(&a->id, offset, len))) {
		if (o == a) {
			disk_unlock();
			rv = disk_aio_getevents(a, deadline_ns);
			disk_lock();
		} else {
			/* Not busy while we sleep: the reaper may then collect
			 * our own orphans too, which another writer may be
			 * waiting for (two handles waiting on each other). */
			a->busy = 0;
			rv = disk_wait_reaped_locked(deadline_ns);
			a->busy = 1;
		}
		if (rv == -ETIMEDOUT) {
			disk_stats_count_timeout();
			return SANLK_AIO_TIMEOUT;
		}
		if (rv < 0)
			return rv;
	}
	return 0;
}

static struct disk_iop *disk_iop_get_locked(struct disk_aio *a)
{
	int i;

	for (i = 0; i < DISK_AIO_SLOTS; i++)
		if (a->iop[i].state == DISK_IOP_FREE)
			return &a->iop[i];
	return NULL;
}

/* The I/O in slot p did not complete in time (rv -ETIMEDOUT) or could not
 * be waited for (other rv).  Returns the caller's result. */
static int disk_iop_give_up(struct disk_aio *a, struct disk_iop *p, int rv)
{
	struct io_event ev;
	int crv;

	crv = io_cancel(a->ctx, &p->cb, &ev);
	disk_lock();
	if (crv == 0) {
		/* Cancelled, and the event was returned here rather than
		 * queued (-EINPROGRESS would mean: still to come). */
		disk_buf_io_end_locked(p->buf);
		p->buf = NULL;
		p->state = DISK_IOP_FREE;
		disk_unlock();
		return -ECANCELED;
	}
	disk_aio_orphan_locked(a, p);
	disk_unlock();
	if (rv == -ETIMEDOUT) {
		disk_stats_count_timeout();
		return SANLK_AIO_TIMEOUT;
	}
	return rv;
}

static int disk_iop_wait(struct disk_aio *a, struct disk_iop *p, size_t len,
			 uint64_t deadline_ns)
{
	long res;
	int state, rv;

	for (;;) {
		disk_lock();
		state = p->state;
		disk_unlock();
		if (state == DISK_IOP_DONE)
			break;
		assert(state == DISK_IOP_ACTIVE);
		rv = disk_aio_getevents(a, deadline_ns);
		if (rv < 0)
			return disk_iop_give_up(a, p, rv);
	}
	disk_lock();
	res = p->res;
	p->buf = NULL;
	p->state = DISK_IOP_FREE;
	disk_unlock();
	if (res < 0)
		return (int)res;
	return (size_t)res == len ? 0 : -EIO;
}

static int disk_rw(struct disk_handle *d, int is_write, uint64_t offset,
		   void *buf, size_t len, int timeout_sec)
{
	struct disk_buf_hdr *h;
	struct disk_aio *a;
	struct disk_iop *p;
	struct iocb *cbp;
	uint64_t deadline_ns = 0;
	int rv;

	rv = disk_check_args(d, offset, buf, len);
	if (rv < 0)
		return rv;
	if (timeout_sec > 0)
		deadline_ns = disk_now_ns() + (uint64_t)timeout_sec * DISK_NS_PER_SEC;
	a = d->aio;
	h = disk_buf_hdr_of(buf);

	disk_lock();
	if (h->in_flight || h->freed) {
		disk_unlock();
		return -EBUSY;
	}
	assert(!a->busy && !a->closed);
	a->busy = 1;
	if (a->orphans)
		disk_aio_poll_locked(a);
	if (is_write) {
		rv = disk_wait_overlap_locked(a, offset, len, deadline_ns);
		if (rv)
			goto out_locked;
	}
	if (a->orphans >= DISK_MAX_INFLIGHT) {
		disk_stats_count_timeout();
		rv = SANLK_AIO_TIMEOUT;
		goto out_locked;
	}
	p = disk_iop_get_locked(a);
	assert(p);    /* DISK_AIO_SLOTS = DISK_MAX_INFLIGHT orphans + 1 */
	p->is_write = is_write;
	p->offset = offset;
	p->len = len;
	p->res = 0;
	p->buf = h;
	if (is_write)
		io_prep_pwrite(&p->cb, d->fd, buf, len, (long long)offset);
	else
		io_prep_pread(&p->cb, d->fd, buf, len, (long long)offset);
	disk_buf_io_begin_locked(h);
	p->state = DISK_IOP_ACTIVE;
	disk_unlock();

	cbp = &p->cb;
	rv = io_submit(a->ctx, 1, &cbp);
	if (rv != 1) {
		disk_lock();
		disk_buf_io_end_locked(h);
		p->buf = NULL;
		p->state = DISK_IOP_FREE;
		rv = rv < 0 ? rv : -EIO;
		goto out_locked;
	}
	disk_stats_count_io(is_write, len);
	rv = disk_iop_wait(a, p, len, deadline_ns);
	disk_lock();
out_locked:
	a->busy = 0;
	disk_unlock();
	return rv;
}

int disk_read(struct disk_handle *d, uint64_t offset, void *buf, size_t len,
	      int timeout_sec)
{
	return disk_rw(d, 0, offset, buf, len, timeout_sec);
}

int disk_write(struct disk_handle *d, uint64_t offset, const void *buf,
	       size_t len, int timeout_sec)
{
	/* The data is only read by the kernel; the header in front of it is
	 * ours to update. */
	return disk_rw(d, 1, offset, (void *)buf, len, timeout_sec);
}
