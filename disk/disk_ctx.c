/*
 * disk_ctx.c - the disk module's process-wide state: the one mutex
 * (disk_lock), the pool of libaio contexts shared by every handle, the
 * list of contexts that have orphaned iocbs ("orphan list"), and the
 * collection of completions (disk_internal.h explains the design).
 *
 * Pool: every context ever created is either taken by one I/O in progress
 * or on the idle stack.  disk_ctx_take_locked pops the most recently put
 * context that has room for the call's I/Os (orphans + n <=
 * DISK_MAX_INFLIGHT; LIFO: few contexts stay warm), creates a
 * new one when none is idle and the pool is below disk_ctx_limit, and
 * otherwise waits for one to be put back.  Contexts are never destroyed
 * (the pool only grows to the peak number of concurrent I/Os; io_destroy
 * would also cost an RCU grace period), except by disk_ctx_trim (tests).
 *
 * Completions: disk_ctx_collect_locked routes each io_event to its slot
 * through the iocb's data pointer (checked against the event's iocb
 * pointer and the context's slot array): an ACTIVE slot becomes DONE for
 * its waiting issuer; an ORPHAN slot is freed with its deferred buffer,
 * and waiters are woken (writers held back by "one write per sector in
 * flight", I/Os waiting for a usable context).
 *
 * Locking: everything here is guarded by disk_mtx.  disk_cond is
 * broadcast when an orphan is collected or a context is put back.
 *
 * Fork: the kernel does not copy AIO contexts into a child, so the child
 * (pthread_atfork) starts with an empty pool and no reaper thread.  The
 * parent's contexts that have orphans move to the "foreign" list: never
 * taken or polled (marked taken), only consulted so that the child does
 * not overtake an orphaned write of its parent (it waits, then gets
 * SANLK_AIO_TIMEOUT, as for a write still in flight); at most
 * DISK_CTX_MAX of them are kept (the rest, and the parent's other
 * contexts, are forgotten: leaked, with their buffers marked in flight,
 * so never freed).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "disk/disk_internal.h"

static pthread_mutex_t disk_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t disk_once = PTHREAD_ONCE_INIT;
static pthread_cond_t disk_cond;          /* orphan reaped / ctx put back */
static pthread_cond_t disk_reaper_cond;   /* orphan list got work */

static struct disk_ctx *disk_idle[DISK_CTX_MAX];   /* [L] stack, top last */
static unsigned disk_nidle;                        /* [L] */
static unsigned disk_nctx;                         /* [L] contexts alive */
static unsigned disk_ctx_limit = DISK_CTX_MAX;     /* [L] tests lower it */
static struct disk_ctx *disk_orphan_head;          /* [L] */
static unsigned disk_norphans;                     /* [L] whole process */
static struct disk_ctx *disk_foreign_head;         /* [L] forked child:
                                                      parent's orphans */

static void disk_conds_init(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&disk_cond, &ca);
	pthread_cond_init(&disk_reaper_cond, &ca);
	pthread_condattr_destroy(&ca);
}

static void disk_fork_prepare(void)
{
	pthread_mutex_lock(&disk_mtx);
}

static void disk_fork_parent(void)
{
	pthread_mutex_unlock(&disk_mtx);
}

/* In the child: the parent's orphan list joins the foreign list. */
static void disk_foreign_adopt(void)
{
	struct disk_ctx *c, *next, **tail = &disk_foreign_head;
	unsigned n = 0;

	while (*tail && n < DISK_CTX_MAX) {
		tail = &(*tail)->next;
		n++;
	}
	for (c = disk_orphan_head; c && n < DISK_CTX_MAX; c = next, n++) {
		next = c->next;
		c->taken = 1;              /* never taken, never polled */
		c->prev = NULL;
		c->next = NULL;
		*tail = c;
		tail = &c->next;
	}
	*tail = NULL;                      /* beyond DISK_CTX_MAX: forgotten */
}

static void disk_fork_child(void)
{
	/* Only this thread exists here; the conditions may record waiters
	 * of the parent's threads: make new ones. */
	disk_foreign_adopt();
	disk_nidle = 0;
	disk_nctx = 0;
	disk_orphan_head = NULL;
	disk_norphans = 0;
	disk_reaper_forget_locked();
	disk_conds_init();
	pthread_mutex_unlock(&disk_mtx);
}

static void disk_init_once(void)
{
	disk_conds_init();
	/* Fails only with ENOMEM; the child would then see the parent's
	 * contexts, which fail with -EINVAL (no worse than no fork support). */
	(void)pthread_atfork(disk_fork_prepare, disk_fork_parent,
			     disk_fork_child);
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

int disk_cond_wait_locked(uint64_t deadline_ns)
{
	struct timespec ts;
	int rv;

	if (!deadline_ns) {
		pthread_cond_wait(&disk_cond, &disk_mtx);
		return 0;
	}
	if (disk_now_ns() >= deadline_ns)
		return -ETIMEDOUT;
	ts = disk_ns_to_ts(deadline_ns);
	rv = pthread_cond_timedwait(&disk_cond, &disk_mtx, &ts);
	return rv == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void disk_reaper_wait_locked(uint64_t deadline_ns)
{
	struct timespec ts;

	if (!deadline_ns) {
		pthread_cond_wait(&disk_reaper_cond, &disk_mtx);
		return;
	}
	ts = disk_ns_to_ts(deadline_ns);
	pthread_cond_timedwait(&disk_reaper_cond, &disk_mtx, &ts);
}

void disk_reaper_kick_locked(void)
{
	pthread_cond_signal(&disk_reaper_cond);
}

/* ---------------------------------------------------------- orphan list */

static void disk_list_add_locked(struct disk_ctx *c)
{
	if (c->listed)
		return;
	c->prev = NULL;
	c->next = disk_orphan_head;
	if (disk_orphan_head)
		disk_orphan_head->prev = c;
	disk_orphan_head = c;
	c->listed = 1;
}

static void disk_list_del_locked(struct disk_ctx *c)
{
	assert(c->listed);
	if (c->prev)
		c->prev->next = c->next;
	else
		disk_orphan_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->listed = 0;
}

struct disk_ctx *disk_orphan_list_locked(void)
{
	return disk_orphan_head;
}

void disk_ctx_orphan_locked(struct disk_ctx *c, struct disk_iop *p)
{
	assert(c->taken);
	assert(p >= &c->iop[0] && p < &c->iop[DISK_CTX_SLOTS]);
	assert(p->state == DISK_IOP_ACTIVE);
	assert(c->orphans < DISK_MAX_INFLIGHT);
	p->state = DISK_IOP_ORPHAN;
	c->orphans++;
	disk_norphans++;
	disk_list_add_locked(c);
	disk_reaper_start_locked();
	disk_reaper_kick_locked();
}

/* ----------------------------------------------------------- collection */

void disk_ctx_collect_locked(struct disk_ctx *c, const struct io_event *ev,
			     int n)
{
	int i, reaped = 0;

	for (i = 0; i < n; i++) {
		struct disk_iop *p = ev[i].data;

		/* every event is for one of this context's slots */
		assert(p >= &c->iop[0] && p < &c->iop[DISK_CTX_SLOTS]);
		assert(ev[i].obj == &p->cb);

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
			assert(c->orphans > 0 && disk_norphans > 0);
			c->orphans--;
			disk_norphans--;
			reaped++;
			break;
		default:
			assert(0 && "completion for an idle iocb slot");
		}
	}
	if (reaped) {
		if (c->orphans == 0 && c->listed)
			disk_list_del_locked(c);
		pthread_cond_broadcast(&disk_cond);
	}
}

int disk_ctx_poll_locked(struct disk_ctx *c)
{
	struct io_event ev[DISK_CTX_SLOTS];
	struct timespec zero = { 0, 0 };
	int n;

	n = io_getevents(c->io, 0, DISK_CTX_SLOTS, ev, &zero);
	if (n > 0)
		disk_ctx_collect_locked(c, ev, n);
	return n;
}

/* ------------------------------------------------------------- the pool */

static void disk_idle_remove_locked(unsigned i)
{
	assert(i < disk_nidle);
	for (; i + 1 < disk_nidle; i++)
		disk_idle[i] = disk_idle[i + 1];
	disk_nidle--;
}

static int disk_ctx_create_locked(struct disk_ctx **out)
{
	struct disk_ctx *c;
	int rv;

	assert(disk_nctx < DISK_CTX_MAX);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rv = io_setup(DISK_CTX_SLOTS, &c->io);   /* libaio: 0 or -errno */
	if (rv < 0) {
		free(c);
		return rv;
	}
	c->taken = 1;
	disk_nctx++;
	*out = c;
	return 0;
}

void disk_ctx_take_this_locked(struct disk_ctx *c)
{
	unsigned i;

	assert(!c->taken);
	for (i = disk_nidle; i-- > 0;) {
		if (disk_idle[i] == c) {
			disk_idle_remove_locked(i);
			c->taken = 1;
			return;
		}
	}
	assert(0 && "idle context missing from the idle stack");
}

int disk_ctx_take_locked(unsigned n, uint64_t deadline_ns,
			 struct disk_ctx **out)
{
	struct disk_ctx *c;
	unsigned i;
	int rv;

	assert(n >= 1 && n <= DISK_BATCH_MAX);
	*out = NULL;
	for (;;) {
		for (i = disk_nidle; i-- > 0;) {
			c = disk_idle[i];
			assert(!c->taken);
			if (c->orphans)
				disk_ctx_poll_locked(c);
			if (c->orphans + n > DISK_MAX_INFLIGHT)
				continue;           /* full of orphans */
			disk_idle_remove_locked(i);
			c->taken = 1;
			*out = c;
			return 0;
		}
		if (disk_nctx < disk_ctx_limit) {
			rv = disk_ctx_create_locked(out);
			if (rv == 0)
				return 0;
			if (disk_nctx == 0)
				return rv;          /* e.g. -EAGAIN: aio-max-nr */
		}
		/* Every context is busy or full: wait for one, within the
		 * I/O's own deadline. */
		if (disk_cond_wait_locked(deadline_ns) == -ETIMEDOUT)
			return SANLK_AIO_TIMEOUT;
	}
}

void disk_ctx_put_locked(struct disk_ctx *c)
{
	int i;

	assert(c->taken);
	assert(disk_nidle < DISK_CTX_MAX);
	for (i = 0; i < DISK_CTX_SLOTS; i++)
		assert(c->iop[i].state == DISK_IOP_FREE ||
		       c->iop[i].state == DISK_IOP_ORPHAN);
	c->taken = 0;
	disk_idle[disk_nidle++] = c;
	pthread_cond_broadcast(&disk_cond);
	if (c->orphans)
		disk_reaper_kick_locked();
}

/* --------------------------------------------------- overlaps and counts */

static int disk_id_eq(const struct disk_file_id *x, const struct disk_file_id *y)
{
	return x->blk == y->blk && x->dev == y->dev && x->ino == y->ino;
}

static struct disk_ctx *disk_overlap_in(struct disk_ctx *c,
					const struct disk_file_id *id,
					uint64_t offset, size_t len)
{
	unsigned n = 0;
	int i;

	for (; c; c = c->next) {
		assert(++n <= DISK_CTX_MAX);
		for (i = 0; i < DISK_CTX_SLOTS; i++) {
			const struct disk_iop *p = &c->iop[i];

			if (p->state == DISK_IOP_ORPHAN && p->is_write &&
			    disk_id_eq(&p->id, id) &&
			    p->offset < offset + len && offset < p->offset + p->len)
				return c;
		}
	}
	return NULL;
}

struct disk_ctx *disk_orphan_overlap_locked(const struct disk_file_id *id,
					    uint64_t offset, size_t len)
{
	struct disk_ctx *c = disk_overlap_in(disk_orphan_head, id, offset, len);

	return c ? c : disk_overlap_in(disk_foreign_head, id, offset, len);
}

unsigned disk_file_orphans_locked(const struct disk_file_id *id)
{
	struct disk_ctx *c;
	unsigned n = 0, guard = 0;
	int i;

	for (c = disk_orphan_head; c; c = c->next) {
		assert(++guard <= DISK_CTX_MAX);
		for (i = 0; i < DISK_CTX_SLOTS; i++)
			if (c->iop[i].state == DISK_IOP_ORPHAN &&
			    disk_id_eq(&c->iop[i].id, id))
				n++;
	}
	return n;
}

/* ------------------------------------------------------------ for tests */

void disk_ctx_set_limit(unsigned n)
{
	assert(n >= 1 && n <= DISK_CTX_MAX);
	disk_lock();
	disk_ctx_limit = n;
	disk_unlock();
}

unsigned disk_ctx_trim(void)
{
	struct disk_ctx *dead[DISK_CTX_MAX];
	unsigned i, n = 0;

	disk_lock();
	for (i = disk_nidle; i-- > 0;) {
		struct disk_ctx *c = disk_idle[i];

		if (c->orphans)
			continue;
		disk_idle_remove_locked(i);
		disk_nctx--;
		dead[n++] = c;
	}
	disk_unlock();
	for (i = 0; i < n; i++) {
		int rv = io_destroy(dead[i]->io);

		assert(rv == 0);
		(void)rv;
		free(dead[i]);
	}
	return n;
}

unsigned disk_ctx_count(void)
{
	unsigned n;

	disk_lock();
	n = disk_nctx;
	disk_unlock();
	return n;
}

unsigned disk_orphan_count(void)
{
	unsigned n;

	disk_lock();
	n = disk_norphans;
	disk_unlock();
	return n;
}

unsigned disk_orphans_of(const struct disk_handle *d)
{
	unsigned n;

	disk_lock();
	n = disk_file_orphans_locked(&d->id);
	disk_unlock();
	return n;
}
