/*
 * sim_env.c - the struct lease_env each simulated thread hands to lease/
 * code (lease/lease_env.h): disk I/O through sim_io, the host's virtual
 * monotonic clock, sleeps in virtual time, the seeded PRNG, and buffers.
 *
 * Buffers: every buffer is tracked in sim_w->bufs with the host that
 * owns it (a crashed host's buffers are reclaimed).  Large buffers (whole
 * lease areas, 1 MiB) are pooled and kept zeroed by remembering which
 * sectors a read filled in, so a 1 MiB area read costs only the sectors
 * that hold data.  Lease code never writes into a large buffer (it only
 * reads areas); the SAN build checks that on every free.
 *
 * Each buffer is preceded by a header holding its slot number, so a
 * pointer finds its slot at once; free slots are a stack.
 *
 * State: sim_w->bufs and the calling thread's env; simulator thread only.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_BUF_ALIGN 4096
#define SIM_BUF_MAGIC 0x53494D42u      /* "SIMB" */

struct sim_buf_hdr {
	uint32_t magic;
	uint32_t idx;
};

/* Slots without memory (stack), and zeroed buffers kept for reuse by
 * rounded size (a few size classes: sectors, ballot areas, 1 MiB). */
#define SIM_BUF_CLASSES 8

static int      sim_buf_free_stack[SIM_MAX_BUFS];
static int      sim_buf_nfree = -1;          /* -1: not initialised */
static size_t   sim_pool_len[SIM_BUF_CLASSES];
static int      sim_pool[SIM_BUF_CLASSES][SIM_MAX_BUFS];
static int      sim_pool_n[SIM_BUF_CLASSES];

static size_t sim_round_up(size_t n)
{
	return (n + SIM_BUF_ALIGN - 1) / SIM_BUF_ALIGN * SIM_BUF_ALIGN;
}

static struct sim_buf_hdr *sim_buf_hdr(const void *p)
{
	return (struct sim_buf_hdr *)((uint8_t *)p - sizeof(struct sim_buf_hdr));
}

int sim_buf_find(const void *p)
{
	const struct sim_buf_hdr *h;

	if (!p)
		return -1;
	h = sim_buf_hdr(p);
	if (h->magic != SIM_BUF_MAGIC || h->idx >= SIM_MAX_BUFS ||
	    !sim_w->bufs[h->idx].used || sim_w->bufs[h->idx].p != p)
		return -1;
	return (int)h->idx;
}

static void sim_buf_stack_init(void)
{
	int i;

	if (sim_buf_nfree >= 0)
		return;
	sim_buf_nfree = 0;
	for (i = SIM_MAX_BUFS - 1; i >= 0; i--)
		if (!sim_w->bufs[i].p)
			sim_buf_free_stack[sim_buf_nfree++] = i;
}

/* Size class of a rounded length (created on first use). */
static int sim_buf_class(size_t len)
{
	int c;

	for (c = 0; c < SIM_BUF_CLASSES; c++) {
		if (sim_pool_len[c] == len)
			return c;
		if (sim_pool_len[c] == 0) {
			sim_pool_len[c] = len;
			sim_pool_n[c] = 0;
			return c;
		}
	}
	return -1;   /* too many sizes: not pooled */
}

void sim_buf_dirty(int idx, uint64_t sec_index)
{
	struct sim_buf *b = &sim_w->bufs[idx];

	assert(idx >= 0 && idx < SIM_MAX_BUFS && b->big);
	assert((sec_index + 1) * sim_w->ss <= b->len);
	if (b->all_dirty)
		return;
	if (b->ndirty >= SIM_BUF_DIRTY_MAX) {
		b->all_dirty = 1;
		return;
	}
	b->dirty[b->ndirty++] = (uint32_t)sec_index;
}

void sim_buf_clean(int idx)
{
	struct sim_buf *b = &sim_w->bufs[idx];
	uint32_t i, ss = sim_w->ss;

	assert(b->big);
	if (b->all_dirty) {
		memset(b->p, 0, b->len);
	} else {
		for (i = 0; i < b->ndirty; i++)
			memset(b->p + (size_t)b->dirty[i] * ss, 0, ss);
	}
	b->ndirty = 0;
	b->all_dirty = 0;
#ifdef SIM_CORO_ASAN
	{
		/* every 16th clean: the whole buffer must be zero again */
		static unsigned n;
		size_t k;

		for (k = 0; (n++ % 16) == 0 && k < b->len; k++)
			assert(b->p[k] == 0 &&
			       "lease code wrote into a large buffer");
	}
#endif
}

static void *sim_buf_get(int host, size_t len)
{
	size_t rlen = sim_round_up(len);
	int c = sim_buf_class(rlen);
	struct sim_buf *b;
	int slot;

	sim_buf_stack_init();
	if (c >= 0 && sim_pool_n[c] > 0) {
		slot = sim_pool[c][--sim_pool_n[c]];   /* zero already */
		b = &sim_w->bufs[slot];
		assert(!b->used && b->p && b->len == rlen);
	} else {
		uint8_t *raw;

		if (sim_buf_nfree == 0)
			assert(0 && "buffer table full: raise SIM_MAX_BUFS");
		slot = sim_buf_free_stack[--sim_buf_nfree];
		b = &sim_w->bufs[slot];
		assert(!b->used && !b->p);
		b->len = rlen;
		raw = aligned_alloc(SIM_BUF_ALIGN, rlen + SIM_BUF_ALIGN);
		assert(raw);
		b->p = raw + SIM_BUF_ALIGN;
		memset(b->p, 0, rlen);
		sim_buf_hdr(b->p)->magic = SIM_BUF_MAGIC;
		sim_buf_hdr(b->p)->idx = (uint32_t)slot;
		b->big = len > SIM_BIG_READ;
	}
	b->used = 1;
	b->host = host;
	b->ndirty = 0;
	b->all_dirty = 0;
	return b->p;
}

static void sim_buf_put(int idx)
{
	struct sim_buf *b = &sim_w->bufs[idx];
	int c;

	assert(b->used);
	b->used = 0;
	if (b->big)
		sim_buf_clean(idx);
	else
		memset(b->p, 0, b->len);
	c = sim_buf_class(b->len);
	if (c >= 0) {
		sim_pool[c][sim_pool_n[c]++] = idx;
		return;
	}
	free(b->p - SIM_BUF_ALIGN);
	b->p = NULL;
	b->len = 0;
	sim_buf_free_stack[sim_buf_nfree++] = idx;
}

void sim_bufs_free_host(int host)
{
	int i;

	for (i = 0; i < SIM_MAX_BUFS; i++)
		if (sim_w->bufs[i].used && sim_w->bufs[i].host == host)
			sim_buf_put(i);
}

void sim_bufs_free_all(void)
{
	int i;

	sim_buf_nfree = -1;   /* rebuilt on the next allocation */
	memset(sim_pool_len, 0, sizeof(sim_pool_len));
	memset(sim_pool_n, 0, sizeof(sim_pool_n));
	for (i = 0; i < SIM_MAX_BUFS; i++) {
		struct sim_buf *b = &sim_w->bufs[i];

		if (b->used)
			sim_buf_put(i);
		if (b->p)
			free(b->p - SIM_BUF_ALIGN);
		memset(b, 0, sizeof(*b));
	}
}

/* ---- struct lease_env callbacks; ctx is the struct sim_thread ---- */

static int sim_env_read(void *ctx, int disk, uint64_t offset, void *buf,
			size_t len, int timeout_sec)
{
	struct sim_thread *th = ctx;

	assert(th == sim_self());
	return sim_io_read(th, disk, offset, buf, len, timeout_sec);
}

static int sim_env_write(void *ctx, int disk, uint64_t offset,
			 const void *buf, size_t len, int timeout_sec)
{
	struct sim_thread *th = ctx;

	assert(th == sim_self());
	return sim_io_write(th, disk, offset, buf, len, timeout_sec);
}

static void sim_env_write_batch(void *ctx, int disk, struct lease_wreq *w,
				int n, int timeout_sec)
{
	struct sim_thread *th = ctx;

	assert(th == sim_self());
	sim_io_write_batch(th, disk, w, n, timeout_sec);
}

static void *sim_env_buf_alloc(void *ctx, size_t len)
{
	struct sim_thread *th = ctx;

	assert(len > 0);
	return sim_buf_get(th->host->idx, len);
}

static void sim_env_buf_free(void *ctx, void *buf)
{
	int idx = sim_buf_find(buf);

	(void)ctx;
	assert(idx >= 0 && "freeing a buffer the env did not allocate");
	sim_buf_put(idx);
}

static uint64_t sim_env_now(void *ctx)
{
	struct sim_thread *th = ctx;

	return sim_local_sec(th->host);
}

/* Non-zero asks lease code to stop waiting: a worker whose lockspace is
 * no longer usable, a lockspace thread told to stop. */
static int sim_env_sleep(void *ctx, uint64_t usec)
{
	struct sim_thread *th = ctx;
	struct sim_host *h = th->host;

	assert(th == sim_self());
	sim_sleep_local(usec);
	if (th->slot == SIM_THR_LS)
		return h->ls_stop;
	if (th->slot >= SIM_THR_WORKER0)
		return h->state != SIM_H_JOINED && h->state != SIM_H_LEAVING;
	return 0;
}

static uint32_t sim_env_random(void *ctx)
{
	(void)ctx;
	return (uint32_t)sim_rng_next(&sim_w->rng);
}

void sim_env_init(struct sim_thread *th)
{
	th->env.ctx = th;
	th->env.read = sim_env_read;
	th->env.write = sim_env_write;
	th->env.write_batch = sim_env_write_batch;
	th->env.buf_alloc = sim_env_buf_alloc;
	th->env.buf_free = sim_env_buf_free;
	th->env.now = sim_env_now;
	th->env.sleep_usec = sim_env_sleep;
	th->env.random = sim_env_random;
}
