/*
 * test_paxos_fast.c - unit tests of the one-disk acquire that starts with
 * a leader-only read and a guessed first ballot (lease/paxos_acquire.c,
 * header): its I/O, its ballot numbers, and every way back to the full
 * lease read of algorithms.md §5.2 (a dblock failing its checksum, an
 * abort of the guessed ballot, several disks).  The same acquires with
 * full_read_first = 1 (3.8.5's I/O, byte for byte) are in test_paxos.c.
 *
 * Test code, one thread (memdisk without memdisk_run).
 */
#include "tests/unit/paxos_testenv.h"

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
};

static void t_fix(struct t_fix *f, int num_disks, uint64_t host_id,
		  uint64_t gen)
{
	memset(f, 0, sizeof(*f));
	f->md = t_md(&SZ512, num_disks, 0);
	memdisk_env(f->md, 0, &f->env);
	t_hosts_init(&f->th, &f->env, &SZ512, &f->ops);
	t_pl(&f->pl, &SZ512, num_disks, host_id, gen);
	assert_int_equal(f->pl.full_read_first, 0);
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

static size_t t_ops(struct t_fix *f, unsigned op)
{
	return t_count_ops(f->md, -1, op);
}

/* Leader (one sector), then the ballot and the commit as in §5.8. */
static void test_fast_io_sequence(void **state)
{
	struct t_fix f;
	const struct memdisk_event *log;
	struct ondisk_dblock db;
	size_t n;

	(void)state;
	t_fix(&f, 1, 7, 3);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 7);
	assert_int_equal(log[0].op, MEMDISK_OP_READ);
	assert_int_equal(log[0].offset, T_RES_OFF);
	assert_int_equal(log[0].len, 512);                 /* leader only */
	assert_int_equal(log[1].op, MEMDISK_OP_READ);      /* our dblock (F11) */
	assert_int_equal(log[1].offset, T_RES_OFF + 8 * 512);
	assert_int_equal(log[1].len, 512);
	assert_int_equal(log[2].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[2].offset, T_RES_OFF + 8 * 512);
	assert_int_equal(log[2].len, 512);
	assert_int_equal(log[3].op, MEMDISK_OP_READ);
	assert_int_equal(log[3].len, 2048 * 512);
	assert_int_equal(log[4].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[4].offset, T_RES_OFF + 8 * 512);
	assert_int_equal(log[5].op, MEMDISK_OP_READ);
	assert_int_equal(log[5].len, 2048 * 512);
	assert_int_equal(log[6].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[6].offset, T_RES_OFF);
	assert_int_equal(log[6].len, 512);
	for (n = 0; n < 7; n++)
		assert_int_equal(log[n].timeout_sec, T_IO);
	/* the guessed number: host_id */
	t_dblock_get(f.md, 0, &SZ512, 7, &db, NULL);
	assert_int_equal(db.mbal, 7);
	assert_int_equal(db.bal, 7);
	assert_int_equal(db.inp, 7);
	assert_int_equal(db.lver, 1);
	assert_int_equal(f.pl.lver, 1);
	t_unfix(&f);
}

/* Release and acquire again: version 2, again with mbal = host_id (our
 * version-1 dblock is ignored by every rule of version 2). */
static void test_fast_reacquire(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1, 1, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	memdisk_log_clear(f.md);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 2);
	assert_int_equal(t_ops(&f, MEMDISK_OP_READ), 4);
	assert_int_equal(t_ops(&f, MEMDISK_OP_WRITE), 3);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.mbal, 1);
	assert_int_equal(db.lver, 2);
	t_unfix(&f);
}

/* A dblock failing its checksum: the guessed ballot stops after phase 1
 * and the lease read reports -214, as 3.8.5 (which does not write). */
static void test_fast_checksum_fallback(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;
	uint8_t *s;

	(void)state;
	t_fix(&f, 1, 1, 1);
	memset(&db, 0, sizeof(db));
	db.mbal = 3;
	db.lver = 1;
	t_dblock_put(f.md, 0, &SZ512, 3, &db, NULL);
	s = t_host_sector(f.md, 0, &SZ512, 3);
	s[8] ^= 1;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_CHECKSUM);
	/* leader, our dblock, phase-1 read, lease read; the phase-1
	 * write only */
	assert_int_equal(t_ops(&f, MEMDISK_OP_READ), 4);
	assert_int_equal(t_ops(&f, MEMDISK_OP_WRITE), 1);
	assert_false(paxos_release_pending(&f.pl));
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.lver, 0);
	assert_int_equal(lr.timestamp, 0);
	/* repaired: the next acquire goes through */
	memset(s, 0, 512);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

/* A block of another host for our version with a larger mbal (a ballot
 * that never committed): the guessed ballot aborts, sleeps (§5.6 step 6)
 * and ballots again above every mbal its phase-1 read saw. */
static void test_fast_leftover_block(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, 1, 1, 1);
	memset(&db, 0, sizeof(db));
	db.mbal = 2005;                  /* host 5, second round */
	db.lver = 1;
	t_dblock_put(f.md, 0, &SZ512, 5, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(t_ops(&f, MEMDISK_OP_SLEEP), 1);
	assert_int_equal(t_ops(&f, MEMDISK_OP_WRITE), 4);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.mbal, 4001);
	assert_int_equal(db.inp, 1);
	assert_int_equal(f.pl.lver, 1);
	t_unfix(&f);
}

/* The leftover block carries an accepted value: the second ballot adopts
 * it (§5.7 3g) and commits host 5, so we get -245, as after a full read. */
static void test_fast_adopts_value(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1, 1, 1);
	memset(&db, 0, sizeof(db));
	db.mbal = 2005;
	db.bal = 2005;
	db.inp = 5;
	db.inp2 = 2;
	db.inp3 = 77;
	db.lver = 1;
	t_dblock_put(f.md, 0, &SZ512, 5, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr),
			 SANLK_ACQUIRE_OTHER);
	assert_int_equal(lr.owner_id, 5);
	assert_int_equal(lr.owner_generation, 2);
	assert_int_equal(lr.timestamp, 77);
	assert_int_equal(lr.lver, 1);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.mbal, 4001);
	assert_int_equal(db.inp, 5);
	t_unfix(&f);
}

/* Older versions do not stop a guessed ballot, whatever their mbal. */
static void test_fast_older_versions(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1, 2, 1);
	t_leader_owned(f.md, 0, &SZ512, 4, 3, 1, 0, 3);   /* free, version 4 */
	memset(&db, 0, sizeof(db));
	db.mbal = 8003;
	db.bal = 8003;
	db.inp = 3;
	db.lver = 4;
	db.flags = DBLOCK_FL_RELEASED;
	t_dblock_put(f.md, 0, &SZ512, 3, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 5);
	assert_int_equal(lr.owner_id, 2);
	assert_int_equal(t_ops(&f, MEMDISK_OP_SLEEP), 0);
	t_dblock_get(f.md, 0, &SZ512, 2, &db, NULL);
	assert_int_equal(db.mbal, 2);
	t_unfix(&f);
}

/* Ballot numbers near 2^64 on disk: ignored at an older version; at our
 * version the guessed ballot aborts and the next number would wrap:
 * -EOVERFLOW, nothing proposed, nothing to release. */
static void test_fast_mbal_overflow(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, 1, 1, 1);
	memset(&db, 0, sizeof(db));
	db.mbal = UINT64_MAX;
	db.lver = 0;
	t_dblock_put(f.md, 0, &SZ512, 2, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);

	db.lver = 2;                     /* the next version */
	t_dblock_put(f.md, 0, &SZ512, 2, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 -EOVERFLOW);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.pl));
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.mbal, 1);    /* our phase 1 only */
	assert_int_equal(db.inp, 0);
	t_unfix(&f);
}

/* Leader errors come from the leader-only read, with no write. */
static void test_fast_leader_error(void **state)
{
	struct t_fix f;
	uint8_t *s;

	(void)state;
	t_fix(&f, 1, 1, 1);
	s = t_res(f.md, 0);
	s[0] ^= 0xff;                    /* magic */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_MAGIC);
	assert_int_equal(t_ops(&f, MEMDISK_OP_READ), 1);
	assert_int_equal(t_ops(&f, MEMDISK_OP_WRITE), 0);
	t_unfix(&f);
}

/* Several disks: the lease read first, as 3.8.5 (see the header of
 * paxos_acquire.c for why). */
static void test_fast_not_multi_disk(void **state)
{
	struct t_fix f;
	const struct memdisk_event *log;
	size_t n;

	(void)state;
	t_fix(&f, 3, 1, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	log = memdisk_log(f.md, &n);
	assert_true(n >= 3);
	for (n = 0; n < 3; n++) {
		assert_int_equal(log[n].op, MEMDISK_OP_READ);
		assert_int_equal(log[n].len, 1048576);
	}
	t_unfix(&f);
}

/* F11 on the leader-only path: our own dblock (read before the guessed
 * ballot) is of version 8 while the leader says 5: no ballot, -EAGAIN,
 * our dblock untouched. */
static void test_fast_stale_leader(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, 1, 7, 3);
	t_leader_owned(f.md, 0, &SZ512, 5, 2, 1, 0, 2);
	memset(&db, 0, sizeof(db));
	db.mbal = 2007;
	db.bal = 2007;
	db.lver = 8;
	db.inp = 7;
	db.inp2 = 3;
	db.inp3 = 42;
	t_dblock_put(f.md, 0, &SZ512, 7, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EAGAIN);
	assert_int_equal(t_ops(&f, MEMDISK_OP_WRITE), 0);
	t_dblock_get(f.md, 0, &SZ512, 7, &db, NULL);
	assert_int_equal(db.lver, 8);
	assert_int_equal(db.mbal, 2007);
	t_unfix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_io_sequence),
		cmocka_unit_test(test_fast_stale_leader),
		cmocka_unit_test(test_fast_reacquire),
		cmocka_unit_test(test_fast_checksum_fallback),
		cmocka_unit_test(test_fast_leftover_block),
		cmocka_unit_test(test_fast_adopts_value),
		cmocka_unit_test(test_fast_older_versions),
		cmocka_unit_test(test_fast_mbal_overflow),
		cmocka_unit_test(test_fast_leader_error),
		cmocka_unit_test(test_fast_not_multi_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
