/*
 * ls_env.c - the lease_env a lockspace's renewal thread runs lease/delta
 * with: lease/env_disk (the disk, the monotonic clock, sleeps cut short
 * by the lockspace's abort flag) wrapped to time every read and write, so
 * the renewal history can report read_ms / write_ms (cli.md §3.5), and
 * with its buffers on small pages outside the buffer pool (env_buf.h).
 *
 * Owned by the renewal thread of one lockspace; no shared state.
 */
#include <assert.h>
#include <string.h>

#include "common/monotime.h"
#include "daemon/ls_internal.h"
#include "lease/env_buf.h"

static uint32_t ls_env_ms(uint64_t start_us)
{
	uint64_t us = monotime_usec() - start_us;

	return us / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(us / 1000);
}

static int ls_env_read(void *ctx, int disk, uint64_t offset, void *buf,
		       size_t len, int timeout_sec)
{
	struct ls_env *e = ctx;
	uint64_t t0 = monotime_usec();
	int rv;

	rv = e->ed.env.read(e->ed.env.ctx, disk, offset, buf, len, timeout_sec);
	e->last_read_ms = ls_env_ms(t0);
	return rv;
}

static int ls_env_write(void *ctx, int disk, uint64_t offset, const void *buf,
			size_t len, int timeout_sec)
{
	struct ls_env *e = ctx;
	uint64_t t0 = monotime_usec();
	int rv;

	rv = e->ed.env.write(e->ed.env.ctx, disk, offset, buf, len, timeout_sec);
	e->last_write_ms = ls_env_ms(t0);
	return rv;
}

/* Small pages, no pool: the area buffer stays lent as long as the
 * lockspace is joined, and on a 2 MiB huge page a 1 MiB area would double
 * the daemon's memory per lockspace. */
static void *ls_env_buf_alloc(void *ctx, size_t len)
{
	(void)ctx;
	return env_buf_alloc_small(len);
}

static void ls_env_buf_free(void *ctx, void *buf)
{
	struct ls_env *e = ctx;

	e->ed.env.buf_free(e->ed.env.ctx, buf);
}

static uint64_t ls_env_now(void *ctx)
{
	struct ls_env *e = ctx;

	return e->ed.env.now(e->ed.env.ctx);
}

static int ls_env_sleep(void *ctx, uint64_t usec)
{
	struct ls_env *e = ctx;

	return e->ed.env.sleep_usec(e->ed.env.ctx, usec);
}

static uint32_t ls_env_random(void *ctx)
{
	struct ls_env *e = ctx;

	return e->ed.env.random(e->ed.env.ctx);
}

int ls_env_open(struct ls_env *e, const char *path,
		const volatile int *abort_flag)
{
	const char *paths[1] = { path };
	int rv;

	assert(e && path);
	rv = env_disk_open(&e->ed, paths, 1, 0, abort_flag, NULL);
	if (rv < 0)
		return rv;
	memset(&e->env, 0, sizeof(e->env));   /* no write_batch: delta leases */
	e->env.ctx = e;
	e->env.read = ls_env_read;
	e->env.write = ls_env_write;
	e->env.buf_alloc = ls_env_buf_alloc;
	e->env.buf_free = ls_env_buf_free;
	e->env.now = ls_env_now;
	e->env.sleep_usec = ls_env_sleep;
	e->env.random = ls_env_random;
	e->last_read_ms = 0;
	e->last_write_ms = 0;
	return 0;
}

void ls_env_close(struct ls_env *e)
{
	env_disk_close(&e->ed);
}
