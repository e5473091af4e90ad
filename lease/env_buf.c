/*
 * env_buf.c - the I/O buffers of env_disk.c and their optional pool (see
 * env_buf.h).  With env_disk.c, the only lease/ code that knows disk/.
 *
 * Two tables, both guarded by env_buf_mutex (a leaf lock, never held
 * across an allocation, a memset, a free or any I/O):
 *   env_buf_lent[]  buffers handed out and not yet given back, with their
 *                   capacity and taint (an I/O on them failed).  A buffer
 *                   that does not fit here is simply not tracked: it
 *                   goes back to disk_buf_free, as without a pool.
 *   env_buf_idle[]  buffers waiting for reuse (pool on only).
 * Invariants (asserted): a buffer is in at most one table; idle buffers
 * were never tainted; env_buf_idle_bytes is the sum of the idle
 * capacities and stays <= env_buf_idle_max.
 * Bounds: ENV_BUF_POOL_SLOTS idle buffers, ENV_BUF_LENT_MAX tracked lent
 * buffers (each joined lockspace keeps one area buffer lent for as long as
 * it is joined, plus the operations in progress); scans stop at the
 * highest slot in use.
 */
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common/monotime.h"
#include "disk/disk.h"
#include "lease/env_buf.h"

#define ENV_BUF_LENT_MAX 512

struct env_buf_lent {
	void  *buf;             /* NULL: free slot */
	size_t cap;             /* bytes allocated */
	int    tainted;         /* an I/O on it failed: never reuse */
};

struct env_buf_idle {
	void    *buf;           /* NULL: free slot */
	size_t   cap;
	uint64_t last_used;     /* monotime() when it became idle */
	uint64_t seq;           /* env_buf_seq then: LRU order */
};

static pthread_mutex_t env_buf_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct env_buf_lent env_buf_lent[ENV_BUF_LENT_MAX];
static int env_buf_lent_top;          /* slots >= this are free */
static struct env_buf_idle env_buf_idle[ENV_BUF_POOL_SLOTS];
static size_t env_buf_idle_max;       /* 0: pool off */
static size_t env_buf_idle_bytes;
static uint64_t env_buf_seq;          /* buffers given back so far */

static void env_buf_check_locked(void)
{
#ifndef NDEBUG
	size_t idle = 0;
	int i;

	assert(env_buf_lent_top >= 0 && env_buf_lent_top <= ENV_BUF_LENT_MAX);
	assert(env_buf_lent_top == 0 || env_buf_lent[env_buf_lent_top - 1].buf);
	for (i = 0; i < ENV_BUF_POOL_SLOTS; i++) {
		if (!env_buf_idle[i].buf)
			continue;
		assert(env_buf_idle[i].cap > 0);
		idle += env_buf_idle[i].cap;
	}
	assert(idle == env_buf_idle_bytes);
	assert(idle <= env_buf_idle_max);
#endif
}

/* ---- lent table ---- */

static struct env_buf_lent *env_buf_lent_find_locked(const void *buf)
{
	int i;

	for (i = 0; i < env_buf_lent_top; i++)
		if (env_buf_lent[i].buf == buf)
			return &env_buf_lent[i];
	return NULL;
}

/* Track buf as lent; untracked (not pooled later) when the table is full. */
static void env_buf_lent_add_locked(void *buf, size_t cap)
{
	int i;

	for (i = 0; i < ENV_BUF_LENT_MAX; i++) {
		struct env_buf_lent *l = &env_buf_lent[i];

		if (l->buf)
			continue;
		l->buf = buf;
		l->cap = cap;
		l->tainted = 0;
		if (i >= env_buf_lent_top)
			env_buf_lent_top = i + 1;
		return;
	}
}

static void env_buf_lent_del_locked(struct env_buf_lent *l)
{
	memset(l, 0, sizeof(*l));
	while (env_buf_lent_top > 0 && !env_buf_lent[env_buf_lent_top - 1].buf)
		env_buf_lent_top--;
}

/* ---- idle table ---- */

static void *env_buf_idle_take_locked(struct env_buf_idle *s)
{
	void *buf = s->buf;

	assert(buf && env_buf_idle_bytes >= s->cap);
	env_buf_idle_bytes -= s->cap;
	memset(s, 0, sizeof(*s));
	return buf;
}

/* The least recently used idle slot (NULL when none is idle). */
static struct env_buf_idle *env_buf_idle_victim_locked(void)
{
	struct env_buf_idle *v = NULL;
	int i;

	for (i = 0; i < ENV_BUF_POOL_SLOTS; i++) {
		struct env_buf_idle *s = &env_buf_idle[i];

		if (s->buf && (!v || s->seq < v->seq))
			v = s;
	}
	return v;
}

/* Put buf (cap bytes, untainted) in the idle table, evicting the least
 * recently used buffers into drop[] (at most ENV_BUF_POOL_SLOTS) to stay
 * within the budget.  Returns how many were put in drop[]. */
static int env_buf_idle_put_locked(void *buf, size_t cap, void **drop)
{
	struct env_buf_idle *free_slot = NULL;
	int n = 0, i;

	assert(cap <= env_buf_idle_max);
	for (;;) {
		free_slot = NULL;
		for (i = 0; i < ENV_BUF_POOL_SLOTS && !free_slot; i++)
			if (!env_buf_idle[i].buf)
				free_slot = &env_buf_idle[i];
		if (free_slot && env_buf_idle_bytes + cap <= env_buf_idle_max)
			break;
		assert(n < ENV_BUF_POOL_SLOTS);
		drop[n++] = env_buf_idle_take_locked(env_buf_idle_victim_locked());
	}
	free_slot->buf = buf;
	free_slot->cap = cap;
	free_slot->last_used = monotime();
	free_slot->seq = ++env_buf_seq;
	env_buf_idle_bytes += cap;
	return n;
}

/* ---- API ---- */

void env_buf_pool_enable(size_t max_idle_bytes)
{
	void *drop[ENV_BUF_POOL_SLOTS];
	int n = 0, i;

	pthread_mutex_lock(&env_buf_mutex);
	env_buf_idle_max = max_idle_bytes;
	/* Shrinking (or turning off): free what no longer fits. */
	for (i = 0; i < ENV_BUF_POOL_SLOTS &&
		    env_buf_idle_bytes > env_buf_idle_max; i++)
		if (env_buf_idle[i].buf)
			drop[n++] = env_buf_idle_take_locked(&env_buf_idle[i]);
	env_buf_check_locked();
	pthread_mutex_unlock(&env_buf_mutex);
	for (i = 0; i < n; i++)
		disk_buf_free(drop[i]);
}

void *env_buf_alloc(size_t len)
{
	struct env_buf_idle *best = NULL;
	size_t cap = 0;
	void *buf = NULL;
	int i;

	if (len == 0)
		return NULL;
	pthread_mutex_lock(&env_buf_mutex);
	/* Best fit: the smallest idle buffer that holds len, so that a
	 * sector write never takes the area buffer of a read. */
	for (i = 0; i < ENV_BUF_POOL_SLOTS; i++) {
		struct env_buf_idle *s = &env_buf_idle[i];

		if (s->buf && s->cap >= len && (!best || s->cap < best->cap))
			best = s;
	}
	if (best) {
		cap = best->cap;
		buf = env_buf_idle_take_locked(best);
		env_buf_lent_add_locked(buf, cap);
	}
	env_buf_check_locked();
	pthread_mutex_unlock(&env_buf_mutex);
	if (buf) {
		/* Ours alone now; lease_env.h promises zeroed memory. */
		memset(buf, 0, len);
		return buf;
	}

	buf = disk_buf_alloc(len);              /* zeroed by disk/ */
	if (!buf)
		return NULL;
	pthread_mutex_lock(&env_buf_mutex);
	if (env_buf_idle_max && len <= env_buf_idle_max)
		env_buf_lent_add_locked(buf, len);
	pthread_mutex_unlock(&env_buf_mutex);
	return buf;
}

void *env_buf_alloc_small(size_t len)
{
	/* Not tracked: env_buf_free hands it straight to disk_buf_free. */
	return len ? disk_buf_alloc_small(len) : NULL;
}

void env_buf_io_failed(void *buf)
{
	struct env_buf_lent *l;

	pthread_mutex_lock(&env_buf_mutex);
	l = env_buf_lent_find_locked(buf);
	if (l)
		l->tainted = 1;
	/* Not tracked: it never enters the pool anyway. */
	pthread_mutex_unlock(&env_buf_mutex);
}

void env_buf_free(void *buf)
{
	void *drop[ENV_BUF_POOL_SLOTS + 1];
	struct env_buf_lent *l;
	int n = 0, i;

	if (!buf)
		return;
	pthread_mutex_lock(&env_buf_mutex);
	l = env_buf_lent_find_locked(buf);
	if (l && !l->tainted && env_buf_idle_max && l->cap <= env_buf_idle_max) {
		size_t cap = l->cap;

		env_buf_lent_del_locked(l);
		n = env_buf_idle_put_locked(buf, cap, drop);
	} else {
		if (l)
			env_buf_lent_del_locked(l);
		drop[n++] = buf;
	}
	env_buf_check_locked();
	pthread_mutex_unlock(&env_buf_mutex);
	/* disk_buf_free defers the real free of a buffer still in flight. */
	for (i = 0; i < n; i++)
		disk_buf_free(drop[i]);
}

size_t env_buf_pool_trim(uint64_t idle_sec)
{
	void *drop[ENV_BUF_POOL_SLOTS];
	uint64_t now = monotime();
	size_t freed = 0;
	int n = 0, i;

	pthread_mutex_lock(&env_buf_mutex);
	for (i = 0; i < ENV_BUF_POOL_SLOTS; i++) {
		struct env_buf_idle *s = &env_buf_idle[i];

		if (!s->buf || (idle_sec && now - s->last_used < idle_sec))
			continue;
		freed += s->cap;
		drop[n++] = env_buf_idle_take_locked(s);
	}
	env_buf_check_locked();
	pthread_mutex_unlock(&env_buf_mutex);
	for (i = 0; i < n; i++)
		disk_buf_free(drop[i]);
	return freed;
}

size_t env_buf_pool_shrink(size_t keep_bytes)
{
	void *drop[ENV_BUF_POOL_SLOTS];
	size_t freed = 0;
	int n = 0;

	pthread_mutex_lock(&env_buf_mutex);
	while (env_buf_idle_bytes > keep_bytes && n < ENV_BUF_POOL_SLOTS) {
		struct env_buf_idle *v = env_buf_idle_victim_locked();

		assert(v);
		freed += v->cap;
		drop[n++] = env_buf_idle_take_locked(v);
	}
	env_buf_check_locked();
	pthread_mutex_unlock(&env_buf_mutex);
	while (n > 0)
		disk_buf_free(drop[--n]);
	return freed;
}

void env_buf_pool_stats(unsigned *pooled, size_t *idle_bytes)
{
	unsigned k = 0;
	int i;

	pthread_mutex_lock(&env_buf_mutex);
	for (i = 0; i < ENV_BUF_POOL_SLOTS; i++)
		if (env_buf_idle[i].buf)
			k++;
	if (pooled)
		*pooled = k;
	if (idle_bytes)
		*idle_bytes = env_buf_idle_bytes;
	pthread_mutex_unlock(&env_buf_mutex);
}
