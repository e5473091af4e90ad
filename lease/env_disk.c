/*
 * env_disk.c - struct lease_env over disk/ handles (see env_disk.h).
 *
 * State: one struct env_disk per user; it belongs to the one thread that
 * runs lease code with it (lease_env.h).  The only shared datum is the
 * abort flag, written by other threads and merely read here.  The disk
 * handles follow disk.h's rules (one thread at a time; their in-flight
 * bookkeeping is locked inside disk/).  write_batch is disk_write_batch
 * (one io_submit, one deadline).  I/O buffers come from env_buf.c;
 * every failed read or write (each write of a batch on its own) is
 * reported there so that a buffer the kernel may still be using is never
 * handed out again.
 */
#include <assert.h>
#include <inttypes.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "disk/disk.h"
#include "lease/env_buf.h"
#include "lease/env_disk.h"

static struct env_disk *env_of(void *ctx)
{
	struct env_disk *ed = ctx;

	assert(ed);
	assert(ed->num_disks >= 1 && ed->num_disks <= LEASE_MAX_DISKS);
	return ed;
}

static struct disk_handle *env_handle(struct env_disk *ed, int disk)
{
	assert(disk >= 0 && disk < ed->num_disks);
	assert(ed->disks[disk]);
	return ed->disks[disk];
}

/* A failed I/O: its buffer is never reused (it may still be in flight)
 * and an error other than a timeout is logged (debug), since callers
 * report only their protocol's code (e.g. -210 for a failed ballot read). */
static void ed_failed(struct env_disk *ed, int disk, const char *what,
		      uint64_t offset, size_t len, const void *buf, int rv)
{
	env_buf_io_failed((void *)buf);
	if (rv != SANLK_AIO_TIMEOUT)
		log_debug("%s error %d %s offset %" PRIu64 " len %zu", what, rv,
			  disk_path(env_handle(ed, disk)), offset, len);
}

static int ed_read(void *ctx, int disk, uint64_t offset, void *buf, size_t len,
		   int timeout_sec)
{
	struct env_disk *ed = env_of(ctx);
	int rv = disk_read(env_handle(ed, disk), offset, buf, len, timeout_sec);

	if (rv != 0)
		ed_failed(ed, disk, "read", offset, len, buf, rv);
	return rv;
}

static int ed_write(void *ctx, int disk, uint64_t offset, const void *buf,
		    size_t len, int timeout_sec)
{
	struct env_disk *ed = env_of(ctx);
	int rv = disk_write(env_handle(ed, disk), offset, buf, len, timeout_sec);

	if (rv != 0)
		ed_failed(ed, disk, "write", offset, len, buf, rv);
	return rv;
}

_Static_assert(LEASE_BATCH_MAX <= DISK_BATCH_MAX,
	       "a lease_env batch must fit in one disk_write_batch");

/* The writes in flight together (disk_write_batch); each result as
 * ed_write would have returned it, failed buffers reported alike. */
static void ed_write_batch(void *ctx, int disk, struct lease_wreq *w, int n,
			   int timeout_sec)
{
	struct env_disk *ed = env_of(ctx);
	struct disk_wreq dw[LEASE_BATCH_MAX];
	int i;

	assert(w && n >= 1 && n <= LEASE_BATCH_MAX);
	for (i = 0; i < n; i++) {
		dw[i].offset = w[i].offset;
		dw[i].buf = w[i].buf;
		dw[i].len = w[i].len;
		dw[i].rv = -EINVAL;
	}
	(void)disk_write_batch(env_handle(ed, disk), dw, n, timeout_sec);
	for (i = 0; i < n; i++) {
		w[i].rv = dw[i].rv;
		if (w[i].rv != 0)
			ed_failed(ed, disk, "write", w[i].offset, w[i].len,
				  w[i].buf, w[i].rv);
	}
}

/* Zeroed buffers from env_buf.c (pooled in the daemon). */
static void *ed_buf_alloc(void *ctx, size_t len)
{
	void *buf;

	(void)env_of(ctx);
	buf = env_buf_alloc(len);
	if (!buf)
		log_debug("no memory for a %zu byte I/O buffer", len);
	return buf;
}

static void ed_buf_free(void *ctx, void *buf)
{
	(void)env_of(ctx);
	env_buf_free(buf);
}

static uint64_t ed_now(void *ctx)
{
	(void)env_of(ctx);
	return monotime();
}

static int ed_aborted(const struct env_disk *ed)
{
	/* Written by another thread (rem_lockspace, shutdown): atomic load. */
	return ed->abort_flag && __atomic_load_n(ed->abort_flag, __ATOMIC_ACQUIRE);
}

/* Sleep usec in slices of ENV_DISK_SLEEP_SLICE_USEC; 1 if aborted. */
static int ed_sleep_usec(void *ctx, uint64_t usec)
{
	struct env_disk *ed = env_of(ctx);
	uint64_t slices = usec / ENV_DISK_SLEEP_SLICE_USEC + 1;
	uint64_t i, left = usec;

	for (i = 0; i < slices && left > 0; i++) {
		uint64_t step = left < ENV_DISK_SLEEP_SLICE_USEC ?
				left : ENV_DISK_SLEEP_SLICE_USEC;
		struct timespec ts = {
			.tv_sec = (time_t)(step / 1000000u),
			.tv_nsec = (long)(step % 1000000u) * 1000,
		};

		if (ed_aborted(ed))
			return 1;
		/* An interrupted slice is simply cut short. */
		nanosleep(&ts, NULL);
		left -= step;
	}
	return ed_aborted(ed);
}

/* xorshift64* (Vigna); the state is never 0. */
static uint32_t ed_random(void *ctx)
{
	struct env_disk *ed = env_of(ctx);
	uint64_t x = ed->rng;

	assert(x != 0);
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ed->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint64_t ed_seed(const struct env_disk *ed)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = monotime_usec() ^ ((uint64_t)getpid() << 32) ^
		       (uint64_t)(uintptr_t)ed;
	return seed ? seed : 0x9E3779B97F4A7C15ULL;
}

void env_disk_init(struct env_disk *ed, struct disk_handle *const *disks,
		   int num_disks, const volatile int *abort_flag)
{
	int i;

	assert(ed && disks);
	assert(num_disks >= 1 && num_disks <= LEASE_MAX_DISKS);
	memset(ed, 0, sizeof(*ed));
	for (i = 0; i < num_disks; i++) {
		assert(disks[i]);
		ed->disks[i] = disks[i];
	}
	ed->num_disks = num_disks;
	ed->abort_flag = abort_flag;
	ed->rng = ed_seed(ed);
	ed->env.ctx = ed;
	ed->env.read = ed_read;
	ed->env.write = ed_write;
	ed->env.write_batch = ed_write_batch;
	ed->env.buf_alloc = ed_buf_alloc;
	ed->env.buf_free = ed_buf_free;
	ed->env.now = ed_now;
	ed->env.sleep_usec = ed_sleep_usec;
	ed->env.random = ed_random;
}

int env_disk_open(struct env_disk *ed, const char *const *paths, int num_disks,
		  uint32_t open_flags, const volatile int *abort_flag,
		  int *failed)
{
	struct disk_handle *h[LEASE_MAX_DISKS] = { NULL };
	int i, j, rv;

	assert(ed && paths);
	if (num_disks < 1 || num_disks > LEASE_MAX_DISKS)
		return -EINVAL;
	for (i = 0; i < num_disks; i++) {
		rv = disk_open(paths[i], open_flags, &h[i]);
		if (rv < 0) {
			for (j = 0; j < i; j++)
				disk_close(h[j]);
			if (failed)
				*failed = i;
			return rv;
		}
	}
	env_disk_init(ed, h, num_disks, abort_flag);
	ed->owns_disks = 1;
	return 0;
}

void env_disk_close(struct env_disk *ed)
{
	int i;

	if (!ed)
		return;
	assert(ed->num_disks >= 0 && ed->num_disks <= LEASE_MAX_DISKS);
	for (i = 0; i < ed->num_disks; i++) {
		if (ed->owns_disks && ed->disks[i])
			disk_close(ed->disks[i]);
		ed->disks[i] = NULL;
	}
	ed->num_disks = 0;
	ed->owns_disks = 0;
}

struct disk_handle *env_disk_handle(struct env_disk *ed, int i)
{
	if (!ed || i < 0 || i >= ed->num_disks)
		return NULL;
	return ed->disks[i];
}
