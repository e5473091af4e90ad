/*
 * disk_aio.c - disk_read / disk_write: one iocb submitted on a libaio
 * context taken from the shared pool (disk_ctx.c) for the duration of the
 * call, waited for until an absolute CLOCK_MONOTONIC deadline
 * (algorithms.md §0), and the context put back.
 *
 * On timeout the I/O is cancelled if the kernel allows it (-ECANCELED);
 * otherwise it becomes an orphan (disk_internal.h): its slot and buffer
 * stay owned by the kernel, stats.timeouts is counted and the caller gets
 * SANLK_AIO_TIMEOUT.  Completions of older orphans of the same context
 * (whichever handle issued them) that arrive while we wait are routed to
 * their slot by the iocb's data pointer and collected, which performs
 * their deferred buffer frees.
 *
 * Limits, each reported as SANLK_AIO_TIMEOUT without issuing the I/O:
 *   - a file or device with DISK_MAX_INFLIGHT orphans in this process
 *     accepts no new I/O (other storage is not affected);
 *   - at most one write per sector in flight (algorithms.md 1A.2
 *     recommendation, "no overtaking"): a write overlapping an orphaned
 *     write of this process to the same file/device first waits for it,
 *     within its own deadline, and is refused if it is still in flight;
 *   - every context of the pool busy (DISK_CTX_MAX I/Os at once) until
 *     the deadline.
 * A buffer already in flight (an orphan's) cannot be used again: -EBUSY.
 *
 * What the timeout does not cover: io_submit() itself may block, e.g. when
 * the device's request queue is full (the loop driver allows 128 requests
 * in flight per device) or in filesystem code (a frozen filesystem under
 * a regular file).  The deadline only bounds the wait after submission,
 * as in 3.8.5; a thread stuck there is covered by the watchdog.
 *
 * Threads: any; the context taken (c->taken under disk_lock) is this
 * call's alone, so only this thread calls io_getevents on it meanwhile.
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

/* Wait for at least one event on c (taken by the caller, disk_lock not
 * held) and collect what arrived.  0, -ETIMEDOUT at the deadline (0 = none)
 * or the -errno of io_getevents. */
static int disk_ctx_getevents(struct disk_ctx *c, uint64_t deadline_ns)
{
	struct io_event ev[DISK_CTX_SLOTS];
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
		n = io_getevents(c->io, 1, DISK_CTX_SLOTS, ev, tsp);
		if (n == -EINTR || n == 0)
			continue;      /* deadline re-checked above */
		if (n < 0)
			return n;
		disk_lock();
		disk_ctx_collect_locked(c, ev, n);
		disk_unlock();
		return 0;
	}
}

/* No overtaking: wait until no orphaned write of this process overlaps
 * [offset, offset+len) of storage id (disk_lock held).  When the orphan's
 * context is idle we take it and wait on it directly (*held, which the
 * caller may then use for its own I/O or must put back); when another
 * I/O has it, we wait for the pool to change, holding no context (it may
 * hold an orphan another waiter needs). */
static int disk_wait_overlap_locked(const struct disk_file_id *id,
				    uint64_t offset, size_t len,
				    uint64_t deadline_ns, struct disk_ctx **held)
{
	struct disk_ctx *o;
	int rv;

	while ((o = disk_orphan_overlap_locked(id, offset, len))) {
		if (o == *held) {
			disk_unlock();
			rv = disk_ctx_getevents(o, deadline_ns);
			disk_lock();
		} else if (!o->taken) {
			if (*held)
				disk_ctx_put_locked(*held);
			disk_ctx_take_this_locked(o);
			*held = o;
			continue;
		} else {
			if (*held) {
				disk_ctx_put_locked(*held);
				*held = NULL;
			}
			rv = disk_cond_wait_locked(deadline_ns);
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

static struct disk_iop *disk_iop_get_locked(struct disk_ctx *c)
{
	int i;

	for (i = 0; i < DISK_CTX_SLOTS; i++)
		if (c->iop[i].state == DISK_IOP_FREE)
			return &c->iop[i];
	return NULL;
}

/* The I/O in slot p did not complete in time (rv -ETIMEDOUT) or could not
 * be waited for (other rv).  Returns the caller's result. */
static int disk_iop_give_up(struct disk_ctx *c, struct disk_iop *p, int rv)
{
	struct io_event ev;
	int crv;

	crv = io_cancel(c->io, &p->cb, &ev);
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
	disk_ctx_orphan_locked(c, p);
	disk_unlock();
	if (rv == -ETIMEDOUT) {
		disk_stats_count_timeout();
		return SANLK_AIO_TIMEOUT;
	}
	return rv;
}

static int disk_iop_wait(struct disk_ctx *c, struct disk_iop *p, size_t len,
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
		rv = disk_ctx_getevents(c, deadline_ns);
		if (rv < 0)
			return disk_iop_give_up(c, p, rv);
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

/* Everything before the submission (disk_lock held): the overlap wait,
 * the per-file orphan limit, a context and a slot.  0 with *cp and *pp
 * set (slot ACTIVE), else the result, with *cp the context to put back
 * (or NULL). */
static int disk_rw_prepare_locked(struct disk_handle *d, int is_write,
				  uint64_t offset, void *buf, size_t len,
				  uint64_t deadline_ns,
				  struct disk_ctx **cp, struct disk_iop **pp)
{
	struct disk_buf_hdr *h = disk_buf_hdr_of(buf);
	struct disk_iop *p;
	int rv;

	*cp = NULL;
	if (h->in_flight || h->freed)
		return -EBUSY;
	if (is_write) {
		rv = disk_wait_overlap_locked(&d->id, offset, len, deadline_ns,
					      cp);
		if (rv)
			return rv;
	}
	if (disk_file_orphans_locked(&d->id) >= DISK_MAX_INFLIGHT) {
		disk_stats_count_timeout();
		return SANLK_AIO_TIMEOUT;
	}
	if (*cp && (*cp)->orphans >= DISK_MAX_INFLIGHT) {
		disk_ctx_put_locked(*cp);    /* no slot left in it */
		*cp = NULL;
	}
	if (!*cp) {
		rv = disk_ctx_take_locked(deadline_ns, cp);
		if (rv)
			return rv;
	}
	p = disk_iop_get_locked(*cp);
	assert(p);    /* DISK_CTX_SLOTS = DISK_MAX_INFLIGHT orphans + 1 */
	p->is_write = is_write;
	p->id = d->id;
	p->offset = offset;
	p->len = len;
	p->res = 0;
	p->buf = h;
	if (is_write)
		io_prep_pwrite(&p->cb, d->fd, buf, len, (long long)offset);
	else
		io_prep_pread(&p->cb, d->fd, buf, len, (long long)offset);
	p->cb.data = p;              /* completion routing */
	disk_buf_io_begin_locked(h);
	p->state = DISK_IOP_ACTIVE;
	*pp = p;
	return 0;
}

static int disk_rw(struct disk_handle *d, int is_write, uint64_t offset,
		   void *buf, size_t len, int timeout_sec)
{
	struct disk_buf_hdr *h;
	struct disk_ctx *c;
	struct disk_iop *p = NULL;
	struct iocb *cbp;
	uint64_t deadline_ns = 0;
	int rv;

	rv = disk_check_args(d, offset, buf, len);
	if (rv < 0)
		return rv;
	if (timeout_sec > 0)
		deadline_ns = disk_now_ns() + (uint64_t)timeout_sec * DISK_NS_PER_SEC;
	h = disk_buf_hdr_of(buf);

	disk_lock();
	rv = disk_rw_prepare_locked(d, is_write, offset, buf, len, deadline_ns,
				    &c, &p);
	if (rv)
		goto out_locked;
	disk_unlock();

	cbp = &p->cb;
	rv = io_submit(c->io, 1, &cbp);
	if (rv != 1) {
		disk_lock();
		disk_buf_io_end_locked(h);
		p->buf = NULL;
		p->state = DISK_IOP_FREE;
		rv = rv < 0 ? rv : -EIO;
		goto out_locked;
	}
	disk_stats_count_io(is_write, len);
	rv = disk_iop_wait(c, p, len, deadline_ns);
	disk_lock();
out_locked:
	if (c)
		disk_ctx_put_locked(c);
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
