/*
 * test_env_buf.c - unit tests of lease/env_buf.c, the I/O buffers of the
 * real lease_env and their pool: zeroed buffers usable with disk/, reuse
 * only when the pool is on, never after a failed I/O, the byte budget and
 * slot bound, trimming of idle buffers, and many threads at once.
 *
 * Test code; the last test runs ENV_BUF_T_THREADS threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "disk/disk.h"
#include "lease/env_buf.h"

#define MIB                (1024u * 1024u)
#define ENV_BUF_T_THREADS  8
#define ENV_BUF_T_ROUNDS   2000

static int t_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int t_setup(void **state)
{
	(void)state;
	env_buf_pool_enable(0);
	return 0;
}

/* Small-page buffers neither come from the pool nor go into it. */
static void test_small_bypasses_pool(void **state)
{
	uint8_t *big, *sm;
	unsigned n;
	size_t idle;

	(void)state;
	env_buf_pool_enable(4 * MIB);
	big = env_buf_alloc(MIB);
	assert_non_null(big);
	memset(big, 0xa5, MIB);
	env_buf_free(big);                      /* idle in the pool now */
	sm = env_buf_alloc_small(MIB);
	assert_non_null(sm);
	assert_ptr_not_equal(sm, big);
	assert_int_equal((uintptr_t)sm % DISK_BUF_ALIGN, 0);
	assert_true(t_zero(sm, MIB));
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 1);                 /* still only big */
	memset(sm, 0x5a, MIB);
	env_buf_io_failed(sm);                  /* untracked: harmless */
	env_buf_free(sm);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 1);
	assert_int_equal(idle, MIB);
	assert_null(env_buf_alloc_small(0));
	env_buf_pool_enable(0);
}

/* Off: every buffer is new (and freed at once), zeroed, aligned. */
static void test_pool_off(void **state)
{
	unsigned n;
	size_t idle;
	uint8_t *a;

	(void)state;
	a = env_buf_alloc(4096);
	assert_non_null(a);
	assert_int_equal((uintptr_t)a % DISK_BUF_ALIGN, 0);
	assert_true(t_zero(a, 4096));
	memset(a, 0x5a, 4096);
	env_buf_free(a);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 0);
	assert_int_equal(idle, 0);
	assert_null(env_buf_alloc(0));
	env_buf_free(NULL);
}

/* On: a freed buffer comes back for a request it can hold, zeroed
 * again; the best fit is taken. */
static void test_reuse_zeroed(void **state)
{
	uint8_t *big, *small, *b2, *s2;
	unsigned n;
	size_t idle;

	(void)state;
	env_buf_pool_enable(4 * MIB);
	big = env_buf_alloc(MIB);
	small = env_buf_alloc(512);
	assert_non_null(big);
	assert_non_null(small);
	memset(big, 0xa5, MIB);
	memset(small, 0xa5, 512);
	env_buf_free(big);
	env_buf_free(small);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 2);
	assert_int_equal(idle, MIB + 512);

	s2 = env_buf_alloc(512);        /* the small one, not the area */
	assert_ptr_equal(s2, small);
	assert_true(t_zero(s2, 512));
	b2 = env_buf_alloc(MIB);
	assert_ptr_equal(b2, big);
	assert_true(t_zero(b2, MIB));
	env_buf_free(s2);
	env_buf_free(b2);
	assert_true(env_buf_pool_trim(0) == MIB + 512);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 0);
	assert_int_equal(idle, 0);
	env_buf_pool_enable(0);
}

/* A buffer whose I/O failed never comes back. */
static void test_failed_io_not_reused(void **state)
{
	uint8_t *a, *b;
	unsigned n;

	(void)state;
	env_buf_pool_enable(4 * MIB);
	a = env_buf_alloc(MIB);
	assert_non_null(a);
	env_buf_io_failed(a);
	env_buf_free(a);
	env_buf_pool_stats(&n, NULL);
	assert_int_equal(n, 0);
	b = env_buf_alloc(MIB);
	assert_non_null(b);
	/* (b may have the same address: a was really freed) */
	env_buf_free(b);
	env_buf_pool_stats(&n, NULL);
	assert_int_equal(n, 1);
	env_buf_pool_enable(0);
	env_buf_pool_stats(&n, NULL);
	assert_int_equal(n, 0);
}

/* The byte budget evicts the least recently used idle buffers; a buffer
 * larger than the budget is never kept. */
static void test_budget(void **state)
{
	uint8_t *b[4];
	size_t idle;
	unsigned n;
	int i;

	(void)state;
	env_buf_pool_enable(2 * MIB);
	for (i = 0; i < 4; i++)
		assert_non_null(b[i] = env_buf_alloc(MIB));
	for (i = 0; i < 4; i++)
		env_buf_free(b[i]);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 2);
	assert_int_equal(idle, 2 * MIB);
	b[0] = env_buf_alloc(3 * MIB);
	assert_non_null(b[0]);
	env_buf_free(b[0]);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(idle, 2 * MIB);
	/* shrinking the budget frees what no longer fits */
	env_buf_pool_enable(MIB);
	env_buf_pool_stats(&n, &idle);
	assert_true(idle <= MIB);
	env_buf_pool_enable(0);
}

/* Shrinking keeps the most recently used buffers within the bytes asked. */
static void test_shrink(void **state)
{
	uint8_t *b[3], *s;
	size_t idle;
	unsigned n;
	int i;

	(void)state;
	env_buf_pool_enable(8 * MIB);
	for (i = 0; i < 3; i++)
		assert_non_null(b[i] = env_buf_alloc(MIB));
	s = env_buf_alloc(512);
	assert_non_null(s);
	for (i = 0; i < 3; i++)
		env_buf_free(b[i]);
	env_buf_free(s);
	assert_int_equal(env_buf_pool_shrink(MIB + 4096), 2 * MIB);
	env_buf_pool_stats(&n, &idle);
	assert_int_equal(n, 2);
	assert_int_equal(idle, MIB + 512);
	assert_ptr_equal(env_buf_alloc(MIB), b[2]);   /* the latest one */
	env_buf_free(b[2]);
	assert_int_equal(env_buf_pool_shrink(0), MIB + 512);
	env_buf_pool_enable(0);
}

/* More idle buffers than slots: the pool keeps ENV_BUF_POOL_SLOTS. */
static void test_slots(void **state)
{
	uint8_t *b[ENV_BUF_POOL_SLOTS + 4];
	unsigned n;
	int i;

	(void)state;
	env_buf_pool_enable(64 * MIB);
	for (i = 0; i < ENV_BUF_POOL_SLOTS + 4; i++)
		assert_non_null(b[i] = env_buf_alloc(512));
	for (i = 0; i < ENV_BUF_POOL_SLOTS + 4; i++)
		env_buf_free(b[i]);
	env_buf_pool_stats(&n, NULL);
	assert_int_equal(n, ENV_BUF_POOL_SLOTS);
	/* trim by age: nothing is older than an hour */
	assert_int_equal(env_buf_pool_trim(3600), 0);
	env_buf_pool_enable(0);
}

/* Pooled buffers work with disk/ I/O (its header is in front of them). */
static void test_disk_usable(void **state)
{
	char path[] = "/tmp/test_env_buf_XXXXXX";
	struct disk_handle *d;
	uint8_t data[4096];
	uint8_t *a;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(data, 0x3c, sizeof(data));
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	assert_int_equal(disk_open(path, DISK_OPEN_NO_DIRECT, &d), 0);

	env_buf_pool_enable(MIB);
	a = env_buf_alloc(8192);
	assert_non_null(a);
	env_buf_free(a);
	a = env_buf_alloc(4096);        /* the same one, reused */
	assert_non_null(a);
	assert_true(t_zero(a, 4096));
	assert_int_equal(disk_read(d, 0, a, 4096, 5), 0);
	assert_memory_equal(a, data, 4096);
	env_buf_free(a);
	env_buf_pool_enable(0);
	disk_close(d);
	unlink(path);
}

static void *t_worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	int i;

	for (i = 0; i < ENV_BUF_T_ROUNDS; i++) {
		size_t len = (seed = seed * 1103515245u + 12345u) % 3 == 0 ?
			     MIB : 512;
		uint8_t *b = env_buf_alloc(len);

		if (!b || !t_zero(b, len))
			return (void *)1;
		memset(b, 0x77, len);
		if (seed % 7 == 0)
			env_buf_io_failed(b);
		env_buf_free(b);
	}
	return NULL;
}

/* Threads allocating and freeing at once: every buffer handed out is
 * zeroed and owned by one thread (the asserts inside env_buf.c check the
 * tables after every change). */
static void test_threads(void **state)
{
	pthread_t th[ENV_BUF_T_THREADS];
	int i;

	(void)state;
	env_buf_pool_enable(4 * MIB);
	for (i = 0; i < ENV_BUF_T_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, t_worker,
						(void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < ENV_BUF_T_THREADS; i++) {
		void *rv;

		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
	env_buf_pool_enable(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pool_off, t_setup),
		cmocka_unit_test_setup(test_small_bypasses_pool, t_setup),
		cmocka_unit_test_setup(test_reuse_zeroed, t_setup),
		cmocka_unit_test_setup(test_failed_io_not_reused, t_setup),
		cmocka_unit_test_setup(test_budget, t_setup),
		cmocka_unit_test_setup(test_shrink, t_setup),
		cmocka_unit_test_setup(test_slots, t_setup),
		cmocka_unit_test_setup(test_disk_usable, t_setup),
		cmocka_unit_test_setup(test_threads, t_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
