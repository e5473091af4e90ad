/*
 * test_paxos_owner.c - unit tests of the owner liveness procedure of a
 * paxos acquire (algorithms.md §5.4, §13.3) and of host_live (§4.4): a
 * live owner (-243), an owner whose delta lease is free, re-generated or
 * re-owned (immediate takeover), an owner that stopped renewing (wait of
 * host_dead_seconds of virtual time from the last observed change, and
 * not a second less), OWNER_NOWAIT (-247), the RELEASED-dblock escape,
 * restarts when the leader changes, aborts and errors.
 *
 * The owner's delta lease is a real record in the memdisk lockspace; a
 * memdisk CALL rule on our sleeps plays the owner renewing it.
 * Test code, one thread.
 */
#include "tests/unit/paxos_testenv.h"

#define OWNER      2
#define OWNER_GEN  3
#define OWNER_TS   500

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
	uint64_t start_usec;
};

/* Host 1 (memdisk host 0) acquires LS:R1 held by host OWNER. */
static void t_fix(struct t_fix *f, uint16_t owner_io)
{
	memset(f, 0, sizeof(*f));
	f->md = t_md(&SZ512, 1, 0);
	memdisk_env(f->md, 0, &f->env);
	t_hosts_init(&f->th, &f->env, &SZ512, &f->ops);
	t_pl(&f->pl, &SZ512, 1, 1, 1);
	t_slot_set(f->md, &SZ512, OWNER, OWNER_GEN, OWNER_TS, owner_io);
	t_leader_owned(f->md, 0, &SZ512, 6, OWNER, OWNER_GEN, OWNER_TS, OWNER);
	f->start_usec = memdisk_clock_usec(f->md);
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

static uint64_t t_elapsed(struct t_fix *f)
{
	return (memdisk_clock_usec(f->md) - f->start_usec) / USEC;
}

static size_t t_writes(struct t_fix *f)
{
	return t_count_ops(f->md, -1, MEMDISK_OP_WRITE);
}

static size_t t_sleeps(struct t_fix *f)
{
	return t_count_ops(f->md, -1, MEMDISK_OP_SLEEP);
}

/* The owner renews at each of our sleeps. */
static void t_bump_owner(struct memdisk *md, void *arg,
			 const struct memdisk_event *ev)
{
	(void)arg;
	(void)ev;
	t_slot_bump(md, &SZ512, OWNER);
}

static void t_owner_renews(struct t_fix *f)
{
	struct memdisk_rule r;

	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.count = 1000000;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_bump_owner;
	assert_true(memdisk_add_rule(f->md, &r) >= 0);
}

static void t_expect_taken(struct t_fix *f, const struct ondisk_leader *lr)
{
	struct ondisk_leader disk;

	assert_int_equal(lr->lver, 7);
	assert_int_equal(lr->owner_id, 1);
	assert_int_equal(lr->owner_generation, 1);
	t_leader_get(f->md, 0, &disk);
	assert_true(memcmp(&disk, lr, sizeof(disk)) == 0);
	assert_int_equal(f->pl.mode, PAXOS_MODE_EX);
}

/* ---- live owner ---- */

/* Not tracked yet: the first sample starts the clock, the next read sees
 * a change: alive, -243 with the leader we read. */
static void test_live_owner_sampled(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, cur;

	(void)state;
	t_fix(&f, T_IO);
	t_owner_renews(&f);
	t_leader_get(f.md, 0, &cur);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr),
			 SANLK_ACQUIRE_IDLIVE);
	assert_true(memcmp(&lr, &cur, sizeof(lr)) == 0);
	assert_int_equal(t_sleeps(&f), 1);
	assert_int_equal(f.th.n_read_delta, 2);
	assert_int_equal(t_writes(&f), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.pl));
	t_unfix(&f);
}

/* Tracked and its slot just changed at our latest examination: -243 at
 * once, no wait. */
static void test_live_owner_tracked(void **state)
{
	struct t_fix f;
	uint64_t now;

	(void)state;
	t_fix(&f, T_IO);
	now = memdisk_now(f.md, 0);
	t_info_fresh(&f.th, OWNER, OWNER_GEN, OWNER_TS, now - 3);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(t_sleeps(&f), 0);
	assert_int_equal(f.th.n_read_delta, 1);

	/* Tracked, not fresh, but the slot moved past what we tracked. */
	f.th.info[OWNER].last_check = now - 1;
	f.th.info[OWNER].timestamp = OWNER_TS - 1;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(t_sleeps(&f), 0);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

/* ---- immediate takeover (§5.4 b, c) ---- */

static void test_owner_slot_free(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN, 0, T_IO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), 0);
	assert_int_equal(t_elapsed(&f), 0);
	t_unfix(&f);
}

static void test_owner_new_generation(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN + 1, 42, T_IO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), 0);
	t_unfix(&f);
}

static void test_owner_slot_other_id(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, sl;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_get(f.md, &SZ512, OWNER, &sl);
	sl.owner_id = 5;
	memset(t_slot(f.md, &SZ512, OWNER), 0, 512);
	ondisk_leader_seal(&sl, t_slot(f.md, &SZ512, OWNER));
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), 0);
	t_unfix(&f);
}

/* An older generation in the slot than in the leader is NOT a reason
 * (only a newer one is): the owner is judged normally. */
static void test_owner_older_generation(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN - 1, OWNER_TS, T_IO);
	t_owner_renews(&f);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	t_unfix(&f);
}

/* ---- dead owner: the wait (§5.4 f) ---- */

/* Untracked owner whose slot never changes: the wait runs from the first
 * sample and ends only when more than 8*io + W seconds have passed.  The
 * owner's io comes from the host-status record (here 2: 76 s). */
static void test_dead_owner_wait(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	const struct memdisk_event *log;
	size_t n;
	uint64_t dead = paxos_host_dead_seconds(2, T_W);

	(void)state;
	assert_int_equal(dead, 76);
	t_fix(&f, 2);
	f.th.info[OWNER].io_timeout = 2;          /* a record of another gen */
	f.th.info[OWNER].owner_id = OWNER;
	f.th.info[OWNER].owner_generation = OWNER_GEN - 1;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), dead + 1);
	assert_int_equal(t_elapsed(&f), dead + 1);
	/* nothing was written before the wait was over */
	log = memdisk_log(f.md, &n);
	while (n--)
		if (log[n].op == MEMDISK_OP_WRITE)
			assert_true(log[n].start_usec >=
				    f.start_usec + (dead + 1) * USEC);
	t_unfix(&f);
}

/* F8 (sim/README.md): no io in the host record (we just joined): the
 * owner's delta lease says io 20, larger than ours (10): wait 8*20 + W. */
static void test_dead_owner_io_from_delta(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	uint64_t dead = paxos_host_dead_seconds(20, T_W);

	(void)state;
	assert_int_equal(dead, 220);
	t_fix(&f, 20);
	assert_int_equal(f.th.info[OWNER].io_timeout, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), dead + 1);
	assert_int_equal(t_elapsed(&f), dead + 1);
	t_unfix(&f);
}

/* F7 (sim/README.md): a free slot of an older generation than the
 * leader's owner is a late write of an earlier holder of that host_id,
 * not the owner leaving: no ballot before the owner is found dead ... */
static void test_stale_free_slot(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	uint64_t dead = paxos_host_dead_seconds(T_IO, T_W);

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN - 1, 0, T_IO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl,
				   PAXOS_ACQ_OWNER_NOWAIT, NULL),
			 SANLK_ACQUIRE_OWNED_RETRY);
	assert_int_equal(t_writes(&f), 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_elapsed(&f), dead + 1);
	t_unfix(&f);
}

/* ... and a live owner renews over it: -243. */
static void t_owner_renews_over_free(struct memdisk *md, void *arg,
				     const struct memdisk_event *ev)
{
	struct ondisk_leader lr;

	(void)arg;
	(void)ev;
	t_slot_get(md, &SZ512, OWNER, &lr);
	if (lr.owner_generation < OWNER_GEN)
		t_slot_set(md, &SZ512, OWNER, OWNER_GEN, OWNER_TS + 1, T_IO);
	else
		t_slot_bump(md, &SZ512, OWNER);
}

static void test_stale_free_slot_live(void **state)
{
	struct t_fix f;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN - 1, 0, T_IO);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 2;              /* the first sleep still sees the free slot */
	r.count = 1000000;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_owner_renews_over_free;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

/* ... and one second less is not enough: abort the last sleep. */
static void test_dead_owner_not_before(void **state)
{
	struct t_fix f;
	uint64_t dead = paxos_host_dead_seconds(T_IO, T_W);

	(void)state;
	t_fix(&f, T_IO);
	t_rule(f.md, -1, MEMDISK_OP_SLEEP, -1, dead + 1, 1, MEMDISK_ACT_ABORT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), PAXOS_ABORTED);
	assert_int_equal(t_writes(&f), 0);
	assert_int_equal(t_elapsed(&f), dead);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.pl));
	t_unfix(&f);
}

/* Tracked since 100 s ago (no change since): only the rest is waited.
 * io 0 in the record means ours. */
static void test_dead_owner_tracked(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	uint64_t now;

	(void)state;
	t_fix(&f, T_IO);
	now = memdisk_now(f.md, 0);
	t_info_fresh(&f.th, OWNER, OWNER_GEN, OWNER_TS, now - 100);
	f.th.info[OWNER].last_check = now - 1;
	f.th.info[OWNER].io_timeout = 0;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_elapsed(&f), 140 - 100 + 1);
	t_unfix(&f);
}

/* The owner renews once during our wait: alive, -243. */
static void test_owner_renews_late(void **state)
{
	struct t_fix f;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, T_IO);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 50;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_bump_owner;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(t_sleeps(&f), 50);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

/* ---- OWNER_NOWAIT (§5.4 g) ---- */

static void test_owner_nowait(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, cur;
	uint64_t now;

	(void)state;
	t_fix(&f, T_IO);
	t_leader_get(f.md, 0, &cur);
	/* untracked: one sample, one sleep, then -247 */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl,
				   PAXOS_ACQ_OWNER_NOWAIT, &lr),
			 SANLK_ACQUIRE_OWNED_RETRY);
	assert_true(memcmp(&lr, &cur, sizeof(lr)) == 0);
	assert_int_equal(t_sleeps(&f), 1);
	/* tracked (not fresh): at once */
	now = memdisk_now(f.md, 0);
	t_info_fresh(&f.th, OWNER, OWNER_GEN, OWNER_TS, now - 10);
	f.th.info[OWNER].last_check = now;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl,
				   PAXOS_ACQ_OWNER_NOWAIT, NULL),
			 SANLK_ACQUIRE_OWNED_RETRY);
	assert_int_equal(t_sleeps(&f), 1);
	/* tracked and dead already: NOWAIT does not matter */
	t_info_fresh(&f.th, OWNER, OWNER_GEN, OWNER_TS, now - 141);
	f.th.info[OWNER].last_check = now;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl,
				   PAXOS_ACQ_OWNER_NOWAIT, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_writes(&f), 3);
	t_unfix(&f);
}

/* ---- §5.4 e: the owner released after someone else committed it ---- */

static void t_owner_dblock_lver(struct t_fix *f, uint32_t flags, uint64_t lver)
{
	struct ondisk_dblock db;

	memset(&db, 0, sizeof(db));
	db.mbal = 2;
	db.bal = 2;
	db.inp = OWNER;
	db.inp2 = OWNER_GEN;
	db.inp3 = OWNER_TS;
	db.lver = lver;
	db.flags = flags;
	t_dblock_put(f->md, 0, &SZ512, OWNER, &db, NULL);
}

static void t_owner_dblock(struct t_fix *f, uint32_t flags)
{
	t_owner_dblock_lver(f, flags, 6);
}

static void test_owner_released_dblock(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, T_IO);
	t_owner_renews(&f);
	/* the leader was written by host 3 on the owner's behalf */
	t_leader_owned(f.md, 0, &SZ512, 6, OWNER, OWNER_GEN, OWNER_TS, 3);
	t_owner_dblock(&f, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	t_owner_dblock(&f, DBLOCK_FL_RELEASED);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	t_unfix(&f);
}

/* F3 (sim/README.md): a RELEASED dblock of an earlier version (an old
 * release landing late, or a newer write that missed disk 0) says nothing
 * about the version the leader names: the live owner keeps it.  One of a
 * newer version (a retract of a later ballot) lets us in. */
static void test_owner_released_stale_lver(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, T_IO);
	t_owner_renews(&f);
	t_leader_owned(f.md, 0, &SZ512, 6, OWNER, OWNER_GEN, OWNER_TS, 3);
	t_owner_dblock_lver(&f, DBLOCK_FL_RELEASED, 5);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	t_owner_dblock_lver(&f, DBLOCK_FL_RELEASED, 0);   /* 3.8.5 retract */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(t_writes(&f), 0);
	/* our retract of a ballot for version 7: no values, lver 7 */
	memset(&db, 0, sizeof(db));
	db.lver = 7;
	db.flags = DBLOCK_FL_RELEASED;
	t_dblock_put(f.md, 0, &SZ512, OWNER, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	t_unfix(&f);
}

/* RELEASED is consulted only when someone else wrote the leader. */
static void test_owner_released_self_written(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, T_IO);
	t_owner_renews(&f);
	t_owner_dblock(&f, DBLOCK_FL_RELEASED);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	t_unfix(&f);
}

/* ---- restart, abort, errors ---- */

/* During the wait the owner releases (leader free): restart from the lease
 * read and ballot for the new version. */
static void t_free_leader(struct memdisk *md, void *arg,
			  const struct memdisk_event *ev)
{
	(void)arg;
	(void)ev;
	t_leader_owned(md, 0, &SZ512, 6, OWNER, OWNER_GEN, 0, OWNER);
}

static void test_leader_changes_during_wait(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, T_IO);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 5;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_free_leader;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	t_expect_taken(&f, &lr);
	assert_int_equal(t_sleeps(&f), 5);
	/* two full-area reads: the first and the restart */
	t_unfix(&f);
}

static void test_abort_first_sleep(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, T_IO);
	t_rule(f.md, -1, MEMDISK_OP_SLEEP, -1, 1, 1, MEMDISK_ACT_ABORT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -1);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

static void test_owner_errors(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, T_IO);
	f.th.info_rv = SANLK_ACQUIRE_LOCKSPACE;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_ACQUIRE_LOCKSPACE);
	assert_int_equal(f.th.n_read_delta, 0);
	f.th.info_rv = 0;

	t_slot(f.md, &SZ512, OWNER)[0] ^= 0xff;   /* delta magic */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_MAGIC);
	t_slot(f.md, &SZ512, OWNER)[0] ^= 0xff;
	t_slot(f.md, &SZ512, OWNER)[120] ^= 0x01; /* name: checksum */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_CHECKSUM);
	t_slot(f.md, &SZ512, OWNER)[120] ^= 0x01;

	/* the leader re-read after the first sleep fails */
	t_rule(f.md, -1, MEMDISK_OP_READ, 0, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EIO);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

/* A leader held by host_id 0 cannot be judged. */
static void test_owner_zero(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, T_IO);
	t_leader_owned(f.md, 0, &SZ512, 6, 0, 0, 77, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EINVAL);
	assert_int_equal(t_writes(&f), 0);
	t_unfix(&f);
}

/* F2 (sim/README.md): between the owner wait and our first ballot,
 * another host commits a value we left on disk in an earlier call, whose
 * commit failed and whose retract left our dblock RELEASED (§5.9, KEEP).
 * Others may already take that version through §5.4 e, so being named is
 * not success: we ballot for the next version and commit it ourselves. */
static void t_commit_us(struct memdisk *md, void *arg,
			const struct memdisk_event *ev)
{
	struct ondisk_dblock db;

	(void)arg;
	(void)ev;
	memset(&db, 0, sizeof(db));
	db.mbal = 2001;
	db.bal = 2001;
	db.inp = 1;
	db.inp2 = 1;
	db.inp3 = 321;
	db.lver = 7;
	db.flags = DBLOCK_FL_RELEASED;
	t_dblock_put(md, 0, &SZ512, 1, &db, NULL);
	t_leader_owned(md, 0, &SZ512, 7, 1, 1, 321, 3);
}

static void test_made_owner_by_old_value(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, disk;
	struct ondisk_dblock db;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN, 0, T_IO);   /* owner gone */
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_READ;
	r.nth = 3;              /* lease read, owner's slot, leader re-read */
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_commit_us;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 8);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(lr.write_id, 1);      /* our own commit */
	t_leader_get(f.md, 0, &disk);
	assert_true(memcmp(&disk, &lr, sizeof(disk)) == 0);
	assert_int_equal(f.pl.lver, 8);
	/* phase 1, phase 2, leader.  Our first ballot for version 8 runs
	 * with the guessed number (one disk, paxos_acquire.c): its phase-1
	 * write replaced our old dblock of version 7, which no rule of
	 * version 8 looks at. */
	assert_int_equal(t_writes(&f), 3);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.lver, 8);
	assert_int_equal(db.flags, 0);
	assert_int_equal(db.mbal, 1);
	/* release: our dblock RELEASED of version 8, the leader freed */
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(db.lver, 8);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.timestamp, 0);
	t_unfix(&f);
}

/* Named by another host's commit, then the ballot we run instead fails
 * before its phase 2: while the leader names us, a RELEASED dblock of the
 * named version lets others in (§5.4 e with the F3 lver check). */
static void test_made_owner_then_fail(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, T_IO);
	t_slot_set(f.md, &SZ512, OWNER, OWNER_GEN, 0, T_IO);   /* owner gone */
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_READ;
	r.nth = 3;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_commit_us;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	/* the phase-1 write of the ballot for version 8 fails */
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 0, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_WRITE);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(db.lver, 7);
	assert_int_equal(db.inp, 0);
	t_unfix(&f);
}

/* ---- host_live (§4.4) ---- */

static void test_host_live_eval(void **state)
{
	struct paxos_host_info hs;

	(void)state;
	memset(&hs, 0, sizeof(hs));
	assert_int_equal(paxos_host_live_eval(&hs, 0, 1, 5000, 10, 60), 1); /* 1 */
	assert_int_equal(paxos_host_live_eval(&hs, 1, 1, 5000, 10, 60), 1); /* 2 */
	hs.first_check = 1000;
	hs.last_check = 1000;
	assert_int_equal(paxos_host_live_eval(&hs, 1, 1, 5000, 10, 60), 0); /* 3 */
	hs.timestamp = 77;
	hs.owner_generation = 2;
	assert_int_equal(paxos_host_live_eval(&hs, 1, 1, 1001, 10, 60), 0); /* 4 */
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1001, 10, 60), 1); /* 7 */
	/* row 5: never saw a change; 140 s from first_check (ours: io 10) */
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1140, 10, 60), 1);
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1141, 10, 60), 0);
	/* the holder's own io: 8*1 + 60 */
	hs.io_timeout = 1;
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1068, 10, 60), 1);
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1069, 10, 60), 0);
	/* row 6: from last_live */
	hs.last_live = 1050;
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1118, 10, 60), 1);
	assert_int_equal(paxos_host_live_eval(&hs, 1, 2, 1119, 10, 60), 0);
	assert_int_equal(paxos_host_dead_seconds(10, 60), 140);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_owner_sampled),
		cmocka_unit_test(test_live_owner_tracked),
		cmocka_unit_test(test_owner_slot_free),
		cmocka_unit_test(test_owner_new_generation),
		cmocka_unit_test(test_owner_slot_other_id),
		cmocka_unit_test(test_owner_older_generation),
		cmocka_unit_test(test_dead_owner_wait),
		cmocka_unit_test(test_dead_owner_io_from_delta),
		cmocka_unit_test(test_stale_free_slot),
		cmocka_unit_test(test_stale_free_slot_live),
		cmocka_unit_test(test_dead_owner_not_before),
		cmocka_unit_test(test_dead_owner_tracked),
		cmocka_unit_test(test_owner_renews_late),
		cmocka_unit_test(test_owner_nowait),
		cmocka_unit_test(test_owner_released_dblock),
		cmocka_unit_test(test_owner_released_self_written),
		cmocka_unit_test(test_owner_released_stale_lver),
		cmocka_unit_test(test_leader_changes_during_wait),
		cmocka_unit_test(test_abort_first_sleep),
		cmocka_unit_test(test_owner_errors),
		cmocka_unit_test(test_owner_zero),
		cmocka_unit_test(test_made_owner_by_old_value),
		cmocka_unit_test(test_made_owner_then_fail),
		cmocka_unit_test(test_host_live_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
