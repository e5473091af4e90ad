/*
 * test_fuzz_regress.c - unit tests for the crashes the fuzzers found
 * (fuzz/, inputs in fuzz/regress/<target>/), each with the exact result
 * the fixed code must give.
 *
 * fuzz_paxos_scan, lease/paxos_acquire.c: ballot numbers and versions
 * come from disk (the largest dblock mbal, the leader's lver and
 * max_hosts).  Near 2^64 the next ballot number wrapped around, and the
 * "congruent to host_id mod max_hosts" assertion aborted the process (a
 * daemon crash caused by one dblock on shared storage).  Now the acquire
 * fails with -EOVERFLOW before writing anything.
 *   mbal-overflow-first-ballot   a dblock with mbal 2^64-1
 *   mbal-overflow-ballot-retry   room for the first ballot number only;
 *                                a dblock with a higher lver aborts
 *                                every ballot (-212) and forces retries
 *   lver-at-limit                leader lver 2^64-1 (was: 64 restarts
 *                                and -EAGAIN)
 *
 * Test code, one thread (memdisk without memdisk_run).
 */
#include "tests/unit/paxos_testenv.h"

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct paxos_lease pl;
	struct t_hosts th;
	struct paxos_host_ops ops;
};

/* A free resource (num_hosts 8) on one 512/1M disk; we are host 1.  The
 * ballot number comes from the full lease read (§5.5), as when the
 * fuzzer found these: the guessed first ballot of a one-disk acquire
 * (paxos_acquire.c) takes no number from disk (test_paxos_fast.c). */
static void t_fix_init(struct t_fix *f)
{
	f->md = t_md(&SZ512, 1, T_MAX_HOST);
	memdisk_env(f->md, 0, &f->env);
	t_pl(&f->pl, &SZ512, 1, 1, 1);
	f->pl.full_read_first = 1;
	t_hosts_init(&f->th, &f->env, &SZ512, &f->ops);
}

static void t_fix_free(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

/* host h's dblock with the given mbal and lver (sealed). */
static void t_dblock_mbal(struct t_fix *f, uint64_t h, uint64_t mbal,
			  uint64_t lver)
{
	struct ondisk_dblock db;

	memset(&db, 0, sizeof(db));
	db.mbal = mbal;
	db.bal = 5;
	db.inp = h;
	db.inp2 = 1;
	db.inp3 = 7;
	db.lver = lver;
	t_dblock_put(f->md, 0, &SZ512, h, &db, NULL);
}

/* Acquire fails with -EOVERFLOW and leaves our sector untouched and
 * nothing to release. */
static void t_acquire_overflows(struct t_fix *f)
{
	uint8_t before[512];
	int rv;

	memcpy(before, t_host_sector(f->md, 0, &SZ512, 1), sizeof(before));
	rv = paxos_lease_acquire(&f->env, &f->ops, &f->pl, NULL, NULL);
	assert_int_equal(rv, -EOVERFLOW);
	assert_int_equal(f->pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f->pl));
	assert_memory_equal(t_host_sector(f->md, 0, &SZ512, 1), before,
			    sizeof(before));
}

static void test_mbal_overflow_first_ballot(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix_init(&f);
	t_dblock_mbal(&f, 2, UINT64_MAX, 0);
	t_acquire_overflows(&f);
	t_fix_free(&f);
}

static void test_mbal_overflow_near_limit(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix_init(&f);
	/* base = max - max % 2000 > 2^64 - 1 - 2000 - 1: no room */
	t_dblock_mbal(&f, 2, UINT64_MAX - 1000, 0);
	t_acquire_overflows(&f);
	t_fix_free(&f);
}

static void test_mbal_overflow_ballot_retry(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	int rv;

	(void)state;
	t_fix_init(&f);
	/* the first ballot number fits, the first retry's does not: host
	 * 2's lver above ours aborts the ballot with -212 */
	t_dblock_mbal(&f, 2, UINT64_MAX - 3000, 100);
	rv = paxos_lease_acquire(&f.env, &f.ops, &f.pl, NULL, NULL);
	assert_int_equal(rv, -EOVERFLOW);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	/* phase 1 of the first ballot wrote our mbal only, then aborted:
	 * no value was proposed, nothing to retract */
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_true(db.mbal == UINT64_MAX - 1614 && db.mbal % 2000 == 1);
	assert_true(db.bal == 0 && db.inp == 0);
	assert_false(paxos_release_pending(&f.pl));
	t_fix_free(&f);
}

static void test_lver_at_limit(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix_init(&f);
	t_leader_get(f.md, 0, &lr);
	lr.lver = UINT64_MAX;
	t_leader_put(f.md, 0, &SZ512, &lr);
	t_acquire_overflows(&f);
	t_fix_free(&f);
}

/* Ballot numbers just below the limit still work. */
static void test_mbal_high_but_fits(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	uint64_t max = UINT64_MAX - 10000;

	(void)state;
	t_fix_init(&f);
	t_dblock_mbal(&f, 2, max, 0);
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, NULL, NULL), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_EX);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_true(db.mbal > max && db.mbal % 2000 == 1);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	t_fix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbal_overflow_first_ballot),
		cmocka_unit_test(test_mbal_overflow_near_limit),
		cmocka_unit_test(test_mbal_overflow_ballot_retry),
		cmocka_unit_test(test_lver_at_limit),
		cmocka_unit_test(test_mbal_high_but_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
