/*
 * fuzz_memenv.c - minimal in-memory struct lease_env for the fuzzers
 * (see fuzz_memenv.h).  Single-threaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz/fuzz_memenv.h"
#include "fuzz/fuzz_util.h"
#include "sanlock_rv.h"

#define FZ_ENV_ALIGN 4096

static void fz_touch(struct fz_env *e, int disk, uint64_t off, size_t len)
{
	if (e->lo[disk] > off)
		e->lo[disk] = off;
	if (e->hi[disk] < off + len)
		e->hi[disk] = off + len;
}

static int fz_env_fault(struct fz_env *e)
{
	e->ios++;
	return e->fail_io && e->ios == e->fail_io ? e->fail_rv : 0;
}

static int fz_env_read(void *ctx, int disk, uint64_t offset, void *buf,
		       size_t len, int timeout_sec)
{
	struct fz_env *e = ctx;
	int rv;

	FZ_CHECK(disk >= 0 && disk < FZ_ENV_DISKS, "read disk %d", disk);
	FZ_CHECK(len > 0 && timeout_sec > 0, "read len %zu timeout %d", len,
		 timeout_sec);
	e->reads++;
	rv = fz_env_fault(e);
	if (rv == SANLK_AIO_TIMEOUT)
		e->clock_usec += (uint64_t)timeout_sec * 1000000u;
	if (rv) {
		memset(buf, 0xA5, len);     /* garbage, as after a failed read */
		return rv;
	}
	if (offset > FZ_ENV_DISK_SIZE || len > FZ_ENV_DISK_SIZE - offset)
		return -EIO;                /* past the end of the device */
	memcpy(buf, e->disk[disk] + offset, len);
	return 0;
}

static int fz_env_write(void *ctx, int disk, uint64_t offset, const void *buf,
			size_t len, int timeout_sec)
{
	struct fz_env *e = ctx;
	int rv;

	FZ_CHECK(disk >= 0 && disk < FZ_ENV_DISKS, "write disk %d", disk);
	FZ_CHECK(len > 0 && timeout_sec > 0, "write len %zu timeout %d", len,
		 timeout_sec);
	e->writes++;
	if (offset > FZ_ENV_DISK_SIZE || len > FZ_ENV_DISK_SIZE - offset)
		return -EIO;
	rv = fz_env_fault(e);
	if (rv == SANLK_AIO_TIMEOUT)
		e->clock_usec += (uint64_t)timeout_sec * 1000000u;
	if (rv && !e->fail_lands)
		return rv;
	fz_touch(e, disk, offset, len);
	memcpy(e->disk[disk] + offset, buf, len);
	return rv;
}

/*
 * Buffers: up to FZ_BUF_CACHE freed buffers are kept (poisoned, so ASan
 * still reports a use after free) and handed out again; an 8 MiB area
 * buffer then costs a memset instead of fresh pages every input.
 */
#define FZ_BUF_LIVE  64
#define FZ_BUF_CACHE 8

struct fz_buf {
	void  *p;
	size_t n;
};
static struct fz_buf fz_live[FZ_BUF_LIVE];
static struct fz_buf fz_cache[FZ_BUF_CACHE];

static void *fz_buf_get(size_t n)
{
	int i;

	for (i = 0; i < FZ_BUF_CACHE; i++) {
		if (fz_cache[i].p && fz_cache[i].n == n) {
			void *p = fz_cache[i].p;

			fz_cache[i].p = NULL;
			ASAN_UNPOISON_MEMORY_REGION(p, n);
			return p;
		}
	}
	return aligned_alloc(FZ_ENV_ALIGN, n);
}

static void fz_buf_put(void *p, size_t n)
{
	int i;

	for (i = 0; i < FZ_BUF_CACHE; i++) {
		if (!fz_cache[i].p) {
			ASAN_POISON_MEMORY_REGION(p, n);
			fz_cache[i].p = p;
			fz_cache[i].n = n;
			return;
		}
	}
	free(p);
}

static void *fz_env_buf_alloc(void *ctx, size_t len)
{
	struct fz_env *e = ctx;
	size_t n = (len + FZ_ENV_ALIGN - 1) / FZ_ENV_ALIGN * FZ_ENV_ALIGN;
	void *p;
	int i;

	if (!n)
		n = FZ_ENV_ALIGN;
	for (i = 0; i < FZ_BUF_LIVE && fz_live[i].p; i++)
		;
	FZ_CHECK(i < FZ_BUF_LIVE, "more than %d env buffers live", FZ_BUF_LIVE);
	p = fz_buf_get(n);
	if (!p)
		return NULL;
	memset(p, 0, n);
	/* only len bytes are the caller's: the tail stays poisoned */
	if (len && len < n)
		ASAN_POISON_MEMORY_REGION((char *)p + len, n - len);
	fz_live[i].p = p;
	fz_live[i].n = n;
	e->bufs_live++;
	return p;
}

static void fz_env_buf_free(void *ctx, void *buf)
{
	struct fz_env *e = ctx;
	int i;

	if (!buf)
		return;
	for (i = 0; i < FZ_BUF_LIVE && fz_live[i].p != buf; i++)
		;
	FZ_CHECK(i < FZ_BUF_LIVE, "buf_free of a buffer the env did not give");
	ASAN_UNPOISON_MEMORY_REGION(buf, fz_live[i].n);
	fz_buf_put(buf, fz_live[i].n);
	fz_live[i].p = NULL;
	e->bufs_live--;
}

static uint64_t fz_env_now(void *ctx)
{
	struct fz_env *e = ctx;

	return FZ_ENV_START_SEC + e->clock_usec / 1000000u;
}

static int fz_env_sleep(void *ctx, uint64_t usec)
{
	struct fz_env *e = ctx;

	e->sleeps++;
	if (e->abort_sleep && e->sleeps == e->abort_sleep)
		return 1;
	/* A bound of the code under test failing is a finding; the harness
	 * sets max_sleeps well above every documented wait. */
	FZ_CHECK(!e->max_sleeps || e->sleeps <= e->max_sleeps,
		 "more than %llu sleeps", (unsigned long long)e->max_sleeps);
	if (!e->frozen)
		e->clock_usec += usec;
	return 0;
}

static uint32_t fz_env_random(void *ctx)
{
	struct fz_env *e = ctx;
	uint32_t x = e->rnd ? e->rnd : 0x9E3779B9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	e->rnd = x;
	return x;
}

void fz_env_init(struct fz_env *e)
{
	int d;

	memset(e, 0, sizeof(*e));
	for (d = 0; d < FZ_ENV_DISKS; d++) {
		e->disk[d] = calloc(1, FZ_ENV_DISK_SIZE);
		if (!e->disk[d]) {
			fprintf(stderr, "fz_env_init: out of memory\n");
			abort();
		}
		e->lo[d] = FZ_ENV_DISK_SIZE;
		e->hi[d] = 0;
	}
	e->env.ctx = e;
	e->env.read = fz_env_read;
	e->env.write = fz_env_write;
	e->env.buf_alloc = fz_env_buf_alloc;
	e->env.buf_free = fz_env_buf_free;
	e->env.now = fz_env_now;
	e->env.sleep_usec = fz_env_sleep;
	e->env.random = fz_env_random;
}

void fz_env_reset(struct fz_env *e)
{
	int d;

	for (d = 0; d < FZ_ENV_DISKS; d++) {
		if (e->hi[d] > e->lo[d])
			memset(e->disk[d] + e->lo[d], 0, e->hi[d] - e->lo[d]);
		e->lo[d] = FZ_ENV_DISK_SIZE;
		e->hi[d] = 0;
	}
	e->clock_usec = 0;
	e->rnd = 0;
	e->frozen = 0;
	e->ios = e->reads = e->writes = e->sleeps = 0;
	e->bufs_live = 0;
	e->fail_io = 0;
	e->fail_rv = 0;
	e->fail_lands = 0;
	e->abort_sleep = 0;
	e->max_sleeps = 0;
}

void fz_env_load(struct fz_env *e, int disk, uint64_t off, const void *p,
		 size_t len)
{
	if (off > FZ_ENV_DISK_SIZE)
		return;
	if (len > FZ_ENV_DISK_SIZE - off)
		len = FZ_ENV_DISK_SIZE - off;
	if (!len)
		return;
	fz_touch(e, disk, off, len);
	memcpy(e->disk[disk] + off, p, len);
}

uint8_t *fz_env_bytes(struct fz_env *e, int disk, uint64_t off, size_t len)
{
	FZ_CHECK(off <= FZ_ENV_DISK_SIZE && len <= FZ_ENV_DISK_SIZE - off,
		 "env bytes range");
	fz_touch(e, disk, off, len);
	return e->disk[disk] + off;
}
