/*
 * test_paxos_multi.c - unit tests of paxos acquire on several disks and
 * under I/O faults (algorithms.md §0 majority rule, §1A, §5.2, §5.7-§5.9):
 * one failing disk of three still succeeds, two failing give -222 / -211 /
 * -210, leader disagreement gives -222, a timed-out phase-1 read excludes
 * the disk from phase 2, and failures after phase 2 began or at the
 * commit retract (RELEASED zero dblock, leader release), with a timed-out
 * retract left pending for the background release.
 *
 * Test code, one thread.
 */
#include "lease/paxos_internal.h"
#include "tests/unit/paxos_testenv.h"

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
	int ndisks;
};

static void t_fix(struct t_fix *f, int ndisks)
{
	memset(f, 0, sizeof(*f));
	f->ndisks = ndisks;
	f->md = t_md(&SZ512, ndisks, 0);
	memdisk_env(f->md, 0, &f->env);
	t_hosts_init(&f->th, &f->env, &SZ512, &f->ops);
	t_pl(&f->pl, &SZ512, ndisks, 1, 1);
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

/* Disk d fails every I/O (of the given ops) from now on. */
static void t_disk_dead(struct t_fix *f, int d, unsigned ops, int rv)
{
	t_rule(f->md, -1, ops, d, 1, 1000000,
	       rv == SANLK_AIO_TIMEOUT ? MEMDISK_ACT_TIMEOUT : MEMDISK_ACT_FAIL,
	       rv);
}

static void t_expect_owner(struct t_fix *f, int d, uint64_t lver)
{
	struct ondisk_leader lr;
	struct ondisk_dblock db;

	t_leader_get(f->md, d, &lr);
	assert_int_equal(lr.lver, lver);
	assert_int_equal(lr.owner_id, 1);
	assert_true(lr.timestamp != 0);
	t_dblock_get(f->md, d, &SZ512, 1, &db, NULL);
	assert_int_equal(db.lver, lver);
	assert_int_equal(db.bal, db.mbal);
}

static void t_expect_untouched(struct t_fix *f, int d)
{
	struct ondisk_leader lr;

	t_leader_get(f->md, d, &lr);
	assert_int_equal(lr.lver, 0);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.write_id, 0);
}

/* Our dblock after a retract: all zero but RELEASED and the lver of the
 * ballot (1 here; 3.8.5 writes lver 0, see paxos_release.c) (checksummed). */
static void t_expect_retracted(struct t_fix *f, int d)
{
	struct ondisk_dblock db;

	t_dblock_get(f->md, d, &SZ512, 1, &db, NULL);
	assert_int_equal(db.mbal, 0);
	assert_int_equal(db.bal, 0);
	assert_int_equal(db.inp, 0);
	assert_int_equal(db.lver, 1);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(db.checksum, ondisk_dblock_checksum(&db));
	assert_true(db.checksum != 0);
}

/* Our dblock after a failed commit: the decided values stay, RELEASED
 * (our deviation from §5.9 step 1, see paxos_acquire.c). */
static void t_expect_kept(struct t_fix *f, int d)
{
	struct ondisk_dblock db;
	struct ondisk_mblock mb;

	t_dblock_get(f->md, d, &SZ512, 1, &db, &mb);
	assert_int_equal(db.mbal, 1);
	assert_int_equal(db.bal, 1);
	assert_int_equal(db.inp, 1);
	assert_int_equal(db.inp2, 1);
	assert_int_equal(db.lver, 1);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(db.checksum, ondisk_dblock_checksum(&db));
	assert_int_equal(mb.flags, 0);
}

static void test_three_disks(void **state)
{
	struct t_fix f;
	int d;

	(void)state;
	t_fix(&f, 3);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	for (d = 0; d < 3; d++) {
		t_expect_owner(&f, d, 1);
		assert_memory_equal(t_res(f.md, d), t_res(f.md, 0), 2048);
	}
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_READ), 9);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 9);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	t_unfix(&f);
}

static void test_one_disk_fails(void **state)
{
	static const int rvs[] = { -EIO, SANLK_AIO_TIMEOUT };
	unsigned i;
	int bad;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (bad = 0; bad < 3; bad++) {
			struct t_fix f;
			struct ondisk_leader lr;

			t_fix(&f, 3);
			t_disk_dead(&f, bad, MEMDISK_OP_IO, rvs[i]);
			assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0,
						   &lr), 0);
			assert_int_equal(lr.lver, 1);
			t_expect_owner(&f, (bad + 1) % 3, 1);
			t_expect_owner(&f, (bad + 2) % 3, 1);
			t_expect_untouched(&f, bad);
			t_unfix(&f);
		}
	}
}

/* A disk whose leader does not verify is skipped (spec §5.2).  (3.8.5
 * returns that disk's error when it is the last disk; we do not.) */
static void test_one_disk_unformatted(void **state)
{
	int bad;

	(void)state;
	for (bad = 0; bad < 3; bad++) {
		struct t_fix f;

		t_fix(&f, 3);
		memset(t_res(f.md, bad), 0, SZ512.align_size);
		assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
		t_expect_owner(&f, (bad + 1) % 3, 1);
		t_unfix(&f);
	}
}

static void test_two_disks_fail_reads(void **state)
{
	struct t_fix f;

	(void)state;
	/* from the start: one leader is no majority */
	t_fix(&f, 3);
	t_disk_dead(&f, 0, MEMDISK_OP_IO, -EIO);
	t_disk_dead(&f, 2, MEMDISK_OP_IO, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_DIFF);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	t_unfix(&f);

	/* all three: nothing read */
	t_fix(&f, 3);
	t_disk_dead(&f, -1, MEMDISK_OP_READ, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_READ);
	t_unfix(&f);

	/* two of four agreeing is not a majority either */
	t_fix(&f, 4);
	memset(t_res(f.md, 2), 0, 512);
	memset(t_res(f.md, 3), 0, 512);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_DIFF);
	t_unfix(&f);

	/* after the lease read: phase 1 reads fail on two disks */
	t_fix(&f, 3);
	t_rule(f.md, -1, MEMDISK_OP_READ, 1, 2, 1000, MEMDISK_ACT_FAIL, -EIO);
	t_rule(f.md, -1, MEMDISK_OP_READ, 2, 2, 1000, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_READ);
	assert_false(paxos_release_pending(&f.pl));
	/* no retract: phase 2 never began, only the phase-1 writes */
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 3);
	t_expect_untouched(&f, 0);
	t_unfix(&f);
}

static void test_two_disks_fail_writes(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, 3);
	t_disk_dead(&f, 0, MEMDISK_OP_WRITE, -EIO);
	t_disk_dead(&f, 1, MEMDISK_OP_WRITE, SANLK_AIO_TIMEOUT);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_WRITE);
	assert_false(paxos_release_pending(&f.pl));
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 3);
	t_unfix(&f);
}

/* Phase-2 write fails on a majority: -211 and a retract. */
static void test_phase2_write_fails(void **state)
{
	struct t_fix f;
	int d;

	(void)state;
	t_fix(&f, 3);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 1, 2, 1, MEMDISK_ACT_FAIL, -EIO);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 2, 2, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_WRITE);
	for (d = 0; d < 3; d++) {
		t_expect_retracted(&f, d);
		t_expect_untouched(&f, d);   /* leader not ours: not written */
	}
	assert_false(paxos_release_pending(&f.pl));
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	/* the lease is still free for the next acquire */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

/* Phase-2 reads fail on a majority: -210 and a retract. */
static void test_phase2_read_fails(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, 3);
	/* reads per disk: lease read, phase 1, phase 2 */
	t_rule(f.md, -1, MEMDISK_OP_READ, 0, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	t_rule(f.md, -1, MEMDISK_OP_READ, 1, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_READ);
	t_expect_retracted(&f, 0);
	t_expect_retracted(&f, 2);
	t_unfix(&f);
}

/* A phase-1 read that timed out excludes the disk from phase 2. */
static void test_timed_out_disk_excluded(void **state)
{
	struct t_fix f;
	const struct memdisk_event *log;
	size_t n, i, reads2 = 0;

	(void)state;
	t_fix(&f, 3);
	t_rule(f.md, -1, MEMDISK_OP_READ, 2, 2, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	log = memdisk_log(f.md, &n);
	for (i = 0; i < n; i++)
		if (log[i].op == MEMDISK_OP_READ && log[i].disk == 2)
			reads2++;
	assert_int_equal(reads2, 2);   /* lease read + timed-out phase 1 */
	t_expect_owner(&f, 2, 1);      /* writes still go to every disk */
	t_unfix(&f);
}

static void test_leader_diff(void **state)
{
	struct t_fix f;
	int d;

	(void)state;
	t_fix(&f, 3);
	for (d = 0; d < 3; d++)
		t_leader_owned(f.md, d, &SZ512, 10 + d, 1, 1, 0, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_DIFF);
	/* copies differing only after byte 152 vote together */
	for (d = 0; d < 3; d++)
		t_leader_owned(f.md, d, &SZ512, 10, 1, 1, 0, 1 + d);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

/* F9 (sim/README.md): the majority group ignores the timestamp, so its
 * copies can be "owned" and "free" of one version; the owned copy is
 * used whatever its disk, for the full and the leader-only read. */
static void test_majority_prefers_owned_copy(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	uint64_t mm = 0;
	int owned;

	(void)state;
	for (owned = 0; owned < 3; owned++) {
		int d;

		t_fix(&f, 3);
		for (d = 0; d < 3; d++)
			t_leader_owned(f.md, d, &SZ512, 49, 2, 1,
				       d == owned ? 777 : 0, 2);
		assert_int_equal(paxos_read_lease(&f.env, &f.pl, 1, &lr, &mm,
						  NULL, NULL), 0);
		assert_int_equal(lr.lver, 49);
		assert_int_equal(lr.timestamp, 777);
		assert_int_equal(paxos_read_leader(&f.env, &f.pl, 1, 0, &lr), 0);
		assert_int_equal(lr.timestamp, 777);
		t_unfix(&f);
	}
}

/* The leader write fails: the error, and a retract that keeps the
 * decided values in our dblock. */
static void test_commit_fails(void **state)
{
	struct t_fix f;
	int d;

	(void)state;
	/* one disk, -EIO */
	t_fix(&f, 1);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EIO);
	t_expect_kept(&f, 0);
	t_expect_untouched(&f, 0);
	assert_false(paxos_release_pending(&f.pl));
	t_unfix(&f);

	/* three disks, two time out: -202 even though -EIO came last */
	t_fix(&f, 3);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 0, 3, 1, MEMDISK_ACT_TIMEOUT, 0);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 2, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_AIO_TIMEOUT);
	for (d = 0; d < 3; d++)
		t_expect_kept(&f, d);
	/* disk 1 got our leader; the majority (0, 2) did not: the release
	 * finds the old leader and leaves it */
	t_expect_untouched(&f, 0);
	t_expect_untouched(&f, 2);
	t_unfix(&f);

	/* two disks fail without timeout: the last error */
	t_fix(&f, 3);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 0, 3, 1, MEMDISK_ACT_FAIL, -ENOSPC);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 1, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EIO);
	t_unfix(&f);
}

/* The timed-out commit lands late, before the retract reads the leader:
 * the retract finds our leader and frees it. */
static void test_commit_lands_late(void **state)
{
	struct t_fix f;
	struct memdisk_rule r;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_WRITE;
	r.nth = 3;
	r.action = MEMDISK_ACT_TIMEOUT;
	r.lands = 1;
	r.land_after_ios = 1;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_AIO_TIMEOUT);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.lver, 1);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.timestamp, 0);     /* released by the retract */
	assert_int_equal(lr.write_id, 1);
	t_expect_kept(&f, 0);
	assert_false(paxos_release_pending(&f.pl));
	t_unfix(&f);
}

/* The retract itself times out: pending; a later release finishes it. */
static void test_retract_pending(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, 1);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 3, 2, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_true(paxos_release_pending(&f.pl));
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_int_equal(f.pl.release, PAXOS_REL_RETRACT_KEEP);
	/* a new acquire is refused until the release is done */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EINVAL);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_false(paxos_release_pending(&f.pl));
	t_expect_kept(&f, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_disks),
		cmocka_unit_test(test_one_disk_fails),
		cmocka_unit_test(test_one_disk_unformatted),
		cmocka_unit_test(test_two_disks_fail_reads),
		cmocka_unit_test(test_two_disks_fail_writes),
		cmocka_unit_test(test_phase2_write_fails),
		cmocka_unit_test(test_phase2_read_fails),
		cmocka_unit_test(test_timed_out_disk_excluded),
		cmocka_unit_test(test_leader_diff),
		cmocka_unit_test(test_majority_prefers_owned_copy),
		cmocka_unit_test(test_commit_fails),
		cmocka_unit_test(test_commit_lands_late),
		cmocka_unit_test(test_retract_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
