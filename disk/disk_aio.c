/*
 * disk_aio.c - disk_read / disk_write / disk_write_batch: the call's
 * iocbs (one, or a batch of up to DISK_BATCH_MAX writes to one handle)
 * submitted with one io_submit on a libaio context taken from the shared
 * pool (disk_ctx.c) for the duration of the call, each waited for until
 * the call's one absolute CLOCK_MONOTONIC deadline (algorithms.md §0),
 * and the context put back.  All three share one path (disk_rw_many);
 * a single I/O is a batch of one.
 *
 * On timeout each I/O still outstanding is cancelled if the kernel
 * allows it (-ECANCELED); otherwise it becomes an orphan
 * (disk_internal.h): its slot and buffer stay owned by the kernel and the
 * caller gets SANLK_AIO_TIMEOUT for it.  Completions of the other I/Os of
 * the context (the rest of the batch, older orphans of whichever handle)
 * that arrive while we wait are routed to their slot by the iocb's data
 * pointer and collected, which performs the orphans' deferred buffer
 * frees.  stats.timeouts counts every SANLK_AIO_TIMEOUT returned, once
 * per I/O, in one place (disk_rw_many).
 *
 * Limits, each reported as SANLK_AIO_TIMEOUT without issuing the I/O
 * (for a batch: without issuing any of it, the n writes counting
 * together):
 *   - a file or device whose orphans in this process plus the call's
 *     I/Os would exceed DISK_MAX_INFLIGHT accepts no new I/O (other
 *     storage is not affected);
 *   - at most one write per sector in flight (algorithms.md 1A.2
 *     recommendation, "no overtaking"): a write overlapping an orphaned
 *     write of this process to the same file/device first waits for it,
 *     within its own deadline, and is refused if it is still in flight;
 *     a batch waits until none of its writes overlaps an orphan, and the
 *     check is made again whenever the lock was dropped meanwhile;
 *   - every context of the pool busy (DISK_CTX_MAX calls at once) or
 *     without room for the call's I/Os until the deadline.
 * A buffer already in flight (an orphan's) cannot be used again: -EBUSY
 * for that I/O (the rest of a batch goes on).  A malformed batch (bad
 * arguments, overlapping writes, one buffer twice) is refused whole with
 * -EINVAL before anything is done.
 *
 * What the timeout does not cover: io_submit() itself may block, e.g. when
 * the device's request queue is full (the loop driver allows 128 requests
 * in flight per device) or in filesystem code (a frozen filesystem under
 * a regular file).  The deadline only bounds the wait after submission,
 * as in 3.8.5; a thread stuck there is covered by the watchdog.
 *
 * Threads: any.  Locks: disk_lock() around every look at shared state
 * (buffer flags, slots, the pool), never across io_submit, io_getevents
 * or io_cancel.  The context taken (c->taken under disk_lock) is this
 * call's alone, so only this thread calls io_getevents on it meanwhile,
 * for every I/O of the call.
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

/* One I/O of a call: disk_read/disk_write make one, disk_write_batch up to
 * DISK_BATCH_MAX (all reads or all writes, arguments already checked). */
struct disk_io {
	uint64_t         offset;
	void            *buf;
	size_t           len;
	struct disk_iop *p;      /* its slot once prepared */
	int              rv;     /* DISK_IO_PENDING until it has its result */
};

/* Not a result (results are 0 or negative). */
#define DISK_IO_PENDING 1

/* The context holding an orphaned write that overlaps a pending I/O of
 * io[0..n-1] (disk_lock held), else NULL. */
static struct disk_ctx *disk_overlap_any_locked(const struct disk_file_id *id,
						const struct disk_io *io, int n)
{
	struct disk_ctx *o;
	int i;

	for (i = 0; i < n; i++) {
		if (io[i].rv != DISK_IO_PENDING)
			continue;
		o = disk_orphan_overlap_locked(id, io[i].offset, io[i].len);
		if (o)
			return o;
	}
	return NULL;
}

/* No overtaking: wait until no orphaned write of this process overlaps
 * any pending write of io[0..n-1] on storage id (disk_lock held), all
 * within the one deadline.  When the orphan's context is idle we take it
 * and wait on it directly (*held, which the caller may then use for its
 * own I/O or must put back); when another I/O has it, we wait for the
 * pool to change, holding no context (it may hold an orphan another
 * waiter needs).  0, SANLK_AIO_TIMEOUT (not counted: the caller counts
 * its I/Os) or the io_getevents error. */
static int disk_wait_overlap_locked(const struct disk_file_id *id,
				    const struct disk_io *io, int n,
				    uint64_t deadline_ns, struct disk_ctx **held)
{
	struct disk_ctx *o;
	int rv;

	while ((o = disk_overlap_any_locked(id, io, n))) {
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
		if (rv == -ETIMEDOUT)
			return SANLK_AIO_TIMEOUT;
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

/* Slot p (ACTIVE, never submitted or cancelled) back to FREE, its buffer
 * no longer in flight (disk_lock held). */
static void disk_iop_release_locked(struct disk_iop *p)
{
	disk_buf_io_end_locked(p->buf);
	p->buf = NULL;
	p->state = DISK_IOP_FREE;
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
		disk_iop_release_locked(p);
		disk_unlock();
		return -ECANCELED;
	}
	disk_ctx_orphan_locked(c, p);
	disk_unlock();
	return rv == -ETIMEDOUT ? SANLK_AIO_TIMEOUT : rv;
}

/* Wait for slot p of c (c taken by the caller); completions of the
 * context's other slots (the rest of a batch, older orphans) that arrive
 * meanwhile are collected into their own slots. */
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

/* Everything before the submission of the m pending I/Os of io[0..n-1]
 * (disk_lock held): the overlap wait, the per-file orphan limit, a
 * context with room for m and a slot for each.  All checks hold together
 * with the lock held from the last one to the slot reservation: taking a
 * context may wait (lock dropped), so after it they are made again with
 * the context in hand.  0 with *cp set and every pending I/O's slot
 * ACTIVE, else the result for every pending I/O, with *cp the context to
 * put back (or NULL). */
static int disk_rw_prepare_locked(struct disk_handle *d, int is_write,
				  struct disk_io *io, int n, unsigned m,
				  uint64_t deadline_ns, struct disk_ctx **cp)
{
	struct disk_iop *p;
	int i, rv;

	*cp = NULL;
	for (;;) {
		if (is_write) {
			rv = disk_wait_overlap_locked(&d->id, io, n,
						      deadline_ns, cp);
			if (rv)
				return rv;
		}
		if (disk_file_orphans_locked(&d->id) + m > DISK_MAX_INFLIGHT)
			return SANLK_AIO_TIMEOUT;
		if (*cp && (*cp)->orphans + m <= DISK_MAX_INFLIGHT)
			break;
		if (*cp) {
			disk_ctx_put_locked(*cp);    /* no room left in it */
			*cp = NULL;
		}
		rv = disk_ctx_take_locked(m, deadline_ns, cp);
		if (rv)
			return rv;
	}
	for (i = 0; i < n; i++) {
		if (io[i].rv != DISK_IO_PENDING)
			continue;
		p = disk_iop_get_locked(*cp);
		assert(p);    /* orphans + m <= DISK_MAX_INFLIGHT < DISK_CTX_SLOTS */
		p->is_write = is_write;
		p->id = d->id;
		p->offset = io[i].offset;
		p->len = io[i].len;
		p->res = 0;
		p->buf = disk_buf_hdr_of(io[i].buf);
		if (is_write)
			io_prep_pwrite(&p->cb, d->fd, io[i].buf, io[i].len,
				       (long long)io[i].offset);
		else
			io_prep_pread(&p->cb, d->fd, io[i].buf, io[i].len,
				      (long long)io[i].offset);
		p->cb.data = p;              /* completion routing */
		disk_buf_io_begin_locked(p->buf);
		p->state = DISK_IOP_ACTIVE;
		io[i].p = p;
	}
	return 0;
}

/* Submit the m prepared I/Os of io[0..n-1] on c with one io_submit and
 * wait for each (one deadline).  Those the kernel did not take get its
 * error (-EIO when it took some but not all: the first refused one's
 * errno is not reported), the others their own result. */
static void disk_rw_issue(struct disk_ctx *c, int is_write, struct disk_io *io,
			  int n, int m, uint64_t deadline_ns)
{
	struct iocb *cbs[DISK_BATCH_MAX];
	struct disk_io *sub[DISK_BATCH_MAX];
	int i, k = 0, done;

	for (i = 0; i < n; i++) {
		if (io[i].rv != DISK_IO_PENDING)
			continue;
		sub[k] = &io[i];
		cbs[k++] = &io[i].p->cb;
	}
	assert(k == m);
	done = io_submit(c->io, m, cbs);
	if (done < m) {
		disk_lock();
		for (k = done < 0 ? 0 : done; k < m; k++) {
			disk_iop_release_locked(sub[k]->p);
			sub[k]->rv = done < 0 ? done : -EIO;
		}
		disk_unlock();
	}
	for (k = 0; k < done; k++)
		disk_stats_count_io(is_write, sub[k]->len);
	for (k = 0; k < done; k++)
		sub[k]->rv = disk_iop_wait(c, sub[k]->p, sub[k]->len,
					   deadline_ns);
}

/* The I/Os io[0..n-1] of one call (1..DISK_BATCH_MAX, arguments checked):
 * each gets its result in io[i].rv.  A buffer in flight fails its own
 * I/O with -EBUSY; the others go on, together. */
static void disk_rw_many(struct disk_handle *d, int is_write,
			 struct disk_io *io, int n, int timeout_sec)
{
	struct disk_ctx *c = NULL;
	uint64_t deadline_ns = 0;
	unsigned m = 0;
	int i, rv = 0;

	assert(n >= 1 && n <= DISK_BATCH_MAX);
	if (timeout_sec > 0)
		deadline_ns = disk_now_ns() + (uint64_t)timeout_sec * DISK_NS_PER_SEC;

	disk_lock();
	for (i = 0; i < n; i++) {
		const struct disk_buf_hdr *h = disk_buf_hdr_of(io[i].buf);

		io[i].p = NULL;
		io[i].rv = h->in_flight || h->freed ? -EBUSY : DISK_IO_PENDING;
		m += io[i].rv == DISK_IO_PENDING;
	}
	if (m)
		rv = disk_rw_prepare_locked(d, is_write, io, n, m, deadline_ns,
					    &c);
	disk_unlock();

	if (m && rv == 0)
		disk_rw_issue(c, is_write, io, n, (int)m, deadline_ns);
	for (i = 0; i < n; i++) {
		if (io[i].rv == DISK_IO_PENDING)
			io[i].rv = rv;
		if (io[i].rv == SANLK_AIO_TIMEOUT)
			disk_stats_count_timeout();  /* once per I/O, here only */
	}
	if (c) {
		disk_lock();
		disk_ctx_put_locked(c);
		disk_unlock();
	}
}

static int disk_rw(struct disk_handle *d, int is_write, uint64_t offset,
		   void *buf, size_t len, int timeout_sec)
{
	struct disk_io io = { .offset = offset, .buf = buf, .len = len };
	int rv;

	rv = disk_check_args(d, offset, buf, len);
	if (rv < 0)
		return rv;
	disk_rw_many(d, is_write, &io, 1, timeout_sec);
	return io.rv;
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

/* The batch as a whole: each write's own checks, then no two overlapping
 * or sharing a buffer (one in-flight flag per buffer). */
static int disk_batch_check(const struct disk_handle *d,
			    const struct disk_wreq *w, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (disk_check_args(d, w[i].offset, w[i].buf, w[i].len) < 0)
			return -EINVAL;
		for (j = 0; j < i; j++) {
			if (w[j].buf == w[i].buf)
				return -EINVAL;
			if (w[j].offset < w[i].offset + w[i].len &&
			    w[i].offset < w[j].offset + w[j].len)
				return -EINVAL;
		}
	}
	return 0;
}

int disk_write_batch(struct disk_handle *d, struct disk_wreq *w, int n,
		     int timeout_sec)
{
	struct disk_io io[DISK_BATCH_MAX];
	int i;

	if (!w)
		return -EINVAL;
	if (n < 1 || n > DISK_BATCH_MAX || disk_batch_check(d, w, n) < 0) {
		for (i = 0; i < n; i++)
			w[i].rv = -EINVAL;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		/* only read by the kernel, as in disk_write */
		io[i].offset = w[i].offset;
		io[i].buf = (void *)w[i].buf;
		io[i].len = w[i].len;
	}
	disk_rw_many(d, 1, io, n, timeout_sec);
	for (i = 0; i < n; i++)
		w[i].rv = io[i].rv;
	return 0;
}
