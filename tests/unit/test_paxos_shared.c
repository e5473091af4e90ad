/*
 * test_paxos_shared.c - unit tests of shared mode (algorithms.md §6,
 * ondisk.md §4.8, TV8): shared acquire (SHORT_HOLD commit, SHARED host
 * block before the leader hand-back, bytes of TV8), shared release, two
 * shared holders at once, exclusive acquire against live (-EAGAIN) and
 * dead (sector zeroed) shared holders, shared acquire against an
 * exclusive owner (-243) and against SHORT_HOLD owners (-246), and both
 * conversions.
 *
 * Hosts are memdisk hosts 0.. = host_ids 1..; one thread, run in turn.
 */
#include "tests/unit/paxos_testenv.h"
#include "tests/unit/ondisk_test_util.h"

#define NH 3

/* TV8: sector 2 of LS:R1 (at 1 MiB, 512/1M) held shared by host 1/1. */
static const char *const TV8[] = {
	"00100400: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100410: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100420: 89 02 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100430: 2c 22 a3 c1 01 00 00 00 00 00 00 00 00 00 00 00",
	"00100480: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
};

struct t_host {
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
};

struct t_fix {
	struct memdisk *md;
	struct t_host h[NH + 1];       /* h[1..NH] = host_ids */
};

static void t_fix(struct t_fix *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->md = t_md(&SZ512, 1, 0);
	for (i = 1; i <= NH; i++) {
		struct t_host *h = &f->h[i];

		memdisk_env(f->md, i - 1, &h->env);
		t_hosts_init(&h->th, &h->env, &SZ512, &h->ops);
		t_pl(&h->pl, &SZ512, 1, (uint64_t)i, 10 * (uint64_t)i);
		t_slot_set(f->md, &SZ512, (uint64_t)i, 10 * (uint64_t)i, 100, T_IO);
	}
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

static int t_acq(struct t_fix *f, int i, uint32_t flags, struct ondisk_leader *out)
{
	return t_acquire(&f->h[i].env, &f->h[i].ops, &f->h[i].pl, flags, out);
}

/* Host j's table says host i is alive (changed at the last look). */
static void t_sees_live(struct t_fix *f, int j, int i)
{
	uint64_t now = memdisk_now(f->md, j - 1);

	t_info_fresh(&f->h[j].th, (uint64_t)i, 10 * (uint64_t)i, 100, now);
	f->h[j].th.live[i] = 1;
}

static void t_expect_shared(struct t_fix *f, int i, int shared)
{
	struct ondisk_mblock mb;
	struct ondisk_dblock db;

	t_dblock_get(f->md, 0, &SZ512, (uint64_t)i, &db, &mb);
	assert_int_equal(mb.flags, shared ? MBLOCK_SHARED : 0);
	assert_int_equal(mb.generation, shared ? 10 * (uint64_t)i : 0);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
}

static void t_expect_free(struct t_fix *f, uint64_t lver, uint64_t writer)
{
	struct ondisk_leader lr;

	t_leader_get(f->md, 0, &lr);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.lver, lver);
	assert_int_equal(lr.write_id, writer);
	assert_int_equal(lr.flags & LFL_SHORT_HOLD, 0);
}

/* ---- shared acquire and release ---- */

static uint32_t t_seen_flags;

static void t_peek_leader(struct memdisk *md, void *arg,
			  const struct memdisk_event *ev)
{
	struct ondisk_leader lr;

	(void)arg;
	(void)ev;
	t_leader_get(md, 0, &lr);
	t_seen_flags = lr.flags;
}

static void test_tv8_shared_acquire(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, out;
	struct memdisk_rule r;
	const struct memdisk_event *log;
	size_t n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.md = t_md(&SZ512, 1, 0);
	memdisk_env(f.md, 0, &f.h[1].env);
	t_hosts_init(&f.h[1].th, &f.h[1].env, &SZ512, &f.h[1].ops);
	t_pl(&f.h[1].pl, &SZ512, 1, 1, 1);
	t_set_now(f.md, 0, 0x289);
	/* just before the host block write, the leader carries SHORT_HOLD */
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_WRITE;
	r.nth = 4;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_peek_leader;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);

	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, &out), 0);
	assert_int_equal(t_seen_flags, LFL_ALIGN_1M | LFL_SHORT_HOLD);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_SH);
	assert_int_equal(f.h[1].pl.lver, 1);
	t_xxd_expect(t_host_sector(f.md, 0, &SZ512, 1), 0x100400, 512, TV8,
		     (int)(sizeof(TV8) / sizeof(TV8[0])));
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(lr.lver, 1);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.write_id, 1);
	assert_int_equal(lr.write_generation, 1);
	assert_int_equal(lr.write_timestamp, 0x289);
	assert_int_equal(lr.flags, LFL_ALIGN_1M);
	/* read, our dblock, w, r, w, r, leader, host block, leader read,
	 * leader */
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 10);
	assert_int_equal(log[7].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[7].offset, T_RES_OFF + 1024);
	assert_int_equal(log[9].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[9].offset, T_RES_OFF);

	/* release: mode block zero, dblock unchanged, leader untouched */
	memdisk_log_clear(f.md);
	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 1);
	assert_true(t_is_zero(t_host_sector(f.md, 0, &SZ512, 1) + 128, 16));
	t_xxd_expect(t_host_sector(f.md, 0, &SZ512, 1), 0x100400, 128, TV8, 4);
	t_leader_get(f.md, 0, &out);
	assert_true(memcmp(&out, &lr, sizeof(lr)) == 0);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_NONE);
	t_unfix(&f);
}

static void test_two_shared_holders(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	struct paxos_owner ow[4];
	uint32_t count;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	assert_int_equal(t_acq(&f, 2, PAXOS_ACQ_SHARED, &lr), 0);
	assert_int_equal(lr.lver, 2);
	assert_int_equal(f.h[2].th.n_read_delta, 0);   /* leader was free */
	t_expect_shared(&f, 1, 1);
	t_expect_shared(&f, 2, 1);
	t_expect_free(&f, 2, 2);

	assert_int_equal(paxos_read_owners(&f.h[3].env, &f.h[3].pl, &lr, ow, 4,
					   &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(ow[0].host_id, 1);
	assert_int_equal(ow[0].generation, 10);
	assert_true(ow[0].shared);
	assert_int_equal(ow[1].host_id, 2);
	assert_int_equal(ow[1].generation, 20);

	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL), 0);
	t_expect_shared(&f, 1, 0);
	t_expect_shared(&f, 2, 1);
	assert_int_equal(paxos_lease_release(&f.h[2].env, &f.h[2].pl, NULL), 0);
	t_expect_shared(&f, 2, 0);
	t_unfix(&f);
}

/* ---- exclusive against shared holders (§6.3) ---- */

static void test_exclusive_vs_live_shared(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	uint8_t before[512];

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	memcpy(before, t_host_sector(f.md, 0, &SZ512, 1), 512);
	t_sees_live(&f, 2, 1);
	assert_int_equal(t_acq(&f, 2, 0, NULL), -EAGAIN);
	assert_int_equal(f.h[2].th.n_host_live, 1);
	assert_memory_equal(t_host_sector(f.md, 0, &SZ512, 1), before, 512);
	t_expect_free(&f, 2, 2);          /* host 2 committed and let go */
	t_dblock_get(f.md, 0, &SZ512, 2, &db, NULL);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(f.h[2].pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.h[2].pl));
	t_unfix(&f);
}

static void test_exclusive_vs_dead_shared(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	assert_int_equal(t_acq(&f, 3, PAXOS_ACQ_SHARED, NULL), 0);
	f.h[2].th.live[1] = 0;
	t_sees_live(&f, 2, 3);
	assert_int_equal(t_acq(&f, 2, 0, NULL), -EAGAIN);
	/* host 1 was dead: its whole sector is zero now; 3 is untouched */
	assert_true(t_is_zero(t_host_sector(f.md, 0, &SZ512, 1), 512));
	t_expect_shared(&f, 3, 1);
	/* once host 3 is gone as well, 2 gets it */
	assert_int_equal(paxos_lease_release(&f.h[3].env, &f.h[3].pl, NULL), 0);
	assert_int_equal(t_acq(&f, 2, 0, &lr), 0);
	assert_int_equal(lr.owner_id, 2);
	assert_true(lr.timestamp != 0);
	assert_int_equal(f.h[2].pl.mode, PAXOS_MODE_EX);
	t_unfix(&f);
}

/* host_live via the host-status rule: record says the holder's
 * generation is gone. */
static void test_exclusive_vs_regenerated_shared(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	t_info_fresh(&f.h[2].th, 1, 11, 100, memdisk_now(f.md, 1));
	assert_int_equal(t_acq(&f, 2, 0, NULL), 0);
	assert_true(t_is_zero(t_host_sector(f.md, 0, &SZ512, 1), 512));
	t_unfix(&f);
}

/* ---- shared against an exclusive owner (§6.2 step 2) ---- */

static void test_shared_vs_exclusive(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 2, 0, NULL), 0);
	t_sees_live(&f, 1, 2);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, &lr),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(f.h[1].th.n_info, 1);       /* no retries */
	assert_int_equal(lr.owner_id, 2);
	t_unfix(&f);
}

static void test_shared_vs_short_hold(void **state)
{
	struct t_fix f;
	struct paxos_acquire_args a;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f);
	t_leader_owned(f.md, 0, &SZ512, 4, 2, 20, 100, 2);
	t_leader_get(f.md, 0, &lr);
	lr.flags |= LFL_SHORT_HOLD;
	t_leader_put(f.md, 0, &SZ512, &lr);
	t_sees_live(&f, 1, 2);
	memset(&a, 0, sizeof(a));
	a.flags = PAXOS_ACQ_SHARED;
	a.sh_retries = 3;
	assert_int_equal(paxos_lease_acquire(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, &a, &lr),
			 SANLK_ACQUIRE_SHRETRY);
	assert_int_equal(f.h[1].th.n_info, 4);
	assert_int_equal(t_count_ops(f.md, 0, MEMDISK_OP_SLEEP), 3);
	assert_int_equal(t_count_ops(f.md, 0, MEMDISK_OP_WRITE), 0);
	/* an exclusive acquire does not retry */
	assert_int_equal(t_acq(&f, 1, 0, NULL), SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(f.h[1].th.n_info, 5);
	t_unfix(&f);
}

/* The SHORT_HOLD owner lets go during our retries: we get it. */
static void t_release_short_hold(struct memdisk *md, void *arg,
				 const struct memdisk_event *ev)
{
	(void)arg;
	(void)ev;
	t_leader_owned(md, 0, &SZ512, 4, 2, 20, 0, 2);
}

static void test_shared_short_hold_lets_go(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f);
	t_leader_owned(f.md, 0, &SZ512, 4, 2, 20, 100, 2);
	t_leader_get(f.md, 0, &lr);
	lr.flags |= LFL_SHORT_HOLD;
	t_leader_put(f.md, 0, &SZ512, &lr);
	t_sees_live(&f, 1, 2);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 2;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_release_short_hold;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, &lr), 0);
	assert_int_equal(lr.lver, 5);
	t_expect_shared(&f, 1, 1);
	t_expect_free(&f, 5, 1);
	t_unfix(&f);
}

/* The host block write fails: undo (dblock RELEASED, zero mode block,
 * leader released) and the error. */
static void test_shared_host_block_fails(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f);
	t_rule(f.md, 0, MEMDISK_OP_WRITE, -1, 4, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), -EIO);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.h[1].pl));
	t_expect_shared(&f, 1, 0);
	t_expect_free(&f, 1, 1);
	t_unfix(&f);
}

/* ---- conversion (§6.4) ---- */

static int t_not_shared;   /* ops that found our mode block not SHARED */

static void t_peek_mb(struct memdisk *md, void *arg,
		      const struct memdisk_event *ev)
{
	struct ondisk_mblock mb;

	(void)arg;
	(void)ev;
	t_dblock_get(md, 0, &SZ512, 1, NULL, &mb);
	if (mb.flags != MBLOCK_SHARED || mb.generation != 10)
		t_not_shared++;
}

static void test_convert_sh_to_ex(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	struct ondisk_dblock db;
	struct ondisk_mblock mb;
	struct memdisk_rule r;
	int idx;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	/* before each I/O of the conversion up to the leader write (read,
	 * w, r, w, r, leader), and after each ballot write: SHARED stays */
	t_not_shared = 0;
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_IO;
	r.count = 6;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_peek_mb;
	idx = memdisk_add_rule(f.md, &r);
	assert_true(idx >= 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 0, 0, &lr), 0);
	assert_int_equal(memdisk_rule_fired(f.md, idx), 6);
	assert_int_equal(t_not_shared, 0);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_EX);
	assert_int_equal(f.h[1].pl.lver, 2);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.lver, 2);
	assert_true(lr.timestamp != 0);
	assert_int_equal(lr.flags & LFL_SHORT_HOLD, 0);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, &mb);
	assert_int_equal(db.flags, 0);
	assert_int_equal(db.lver, 2);
	assert_int_equal(mb.flags, 0);

	/* and back */
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL), 0);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_SH);
	t_expect_shared(&f, 1, 1);
	t_expect_free(&f, 2, 1);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL), -EALREADY);
	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL), 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL), -ENOENT);
	t_expect_shared(&f, 1, 0);
	t_unfix(&f);
}

static void test_convert_ex_to_sh(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, 0, NULL), 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 0, 0, NULL), -EALREADY);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL), 0);
	t_expect_shared(&f, 1, 1);
	t_expect_free(&f, 1, 1);
	t_dblock_get(f.md, 0, &SZ512, 1, &db, NULL);
	assert_int_equal(db.lver, 1);
	assert_int_equal(db.bal, 1);
	/* another host can now share it */
	assert_int_equal(t_acq(&f, 2, PAXOS_ACQ_SHARED, NULL), 0);
	t_expect_shared(&f, 2, 1);
	t_unfix(&f);
}

/* Another live shared holder: -EAGAIN, we keep SH, leader given back. */
static void test_convert_vs_live_shared(void **state)
{
	struct t_fix f;
	struct ondisk_mblock mb;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	assert_int_equal(t_acq(&f, 2, PAXOS_ACQ_SHARED, NULL), 0);
	t_sees_live(&f, 1, 2);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 0, 0, NULL), -EAGAIN);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_SH);
	assert_int_equal(f.h[1].pl.release, PAXOS_REL_SH);
	t_dblock_get(f.md, 0, &SZ512, 1, NULL, &mb);
	assert_int_equal(mb.flags, MBLOCK_SHARED);
	assert_int_equal(mb.generation, 10);
	t_expect_shared(&f, 2, 1);
	t_expect_free(&f, 3, 1);
	/* host 2 leaves: the conversion succeeds */
	assert_int_equal(paxos_lease_release(&f.h[2].env, &f.h[2].pl, NULL), 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 0, 0, NULL), 0);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_EX);
	/* and an exclusive release frees it */
	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL), 0);
	t_expect_free(&f, 4, 1);
	t_unfix(&f);
}

/* A conversion whose leader write fails keeps SH; the leader release of
 * §6.4 step 6 finds the old leader (-250), so the resource is marked
 * "erase all": the final release clears the mode block and reports the
 * leader release's -250. */
static void test_convert_fails_keeps_shared(void **state)
{
	struct t_fix f;
	struct ondisk_mblock mb;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, PAXOS_ACQ_SHARED, NULL), 0);
	/* the conversion's leader write (its 3rd write) fails */
	t_rule(f.md, 0, MEMDISK_OP_WRITE, -1, 3, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 0, 0, NULL), -EIO);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_SH);
	t_dblock_get(f.md, 0, &SZ512, 1, NULL, &mb);
	assert_int_equal(mb.flags, MBLOCK_SHARED);
	assert_int_equal(f.h[1].pl.release, PAXOS_REL_ERASE);
	t_expect_free(&f, 1, 1);
	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL),
			 SANLK_RELEASE_LVER);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_NONE);
	t_expect_shared(&f, 1, 0);
	t_expect_free(&f, 1, 1);
	t_unfix(&f);
}

/* EX -> SH: the leader release is retried on -202 up to io times,
 * sleeping 1, 2, 3 ... s; if it never works the resource is "erase all". */
static void test_convert_to_sh_release_timeouts(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, 0, NULL), 0);
	memdisk_log_clear(f.md);
	t_rule(f.md, 0, MEMDISK_OP_WRITE, -1, 2, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL), 0);
	assert_int_equal(f.h[1].pl.release, PAXOS_REL_SH);
	assert_int_equal(t_count_ops(f.md, 0, MEMDISK_OP_SLEEP), 1);
	t_expect_shared(&f, 1, 1);
	t_expect_free(&f, 1, 1);
	t_unfix(&f);

	t_fix(&f);
	assert_int_equal(t_acq(&f, 1, 0, NULL), 0);
	memdisk_clear_rules(f.md);
	memdisk_log_clear(f.md);
	t_rule(f.md, 0, MEMDISK_OP_WRITE, -1, 2, 1000, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(paxos_lease_convert(&f.h[1].env, &f.h[1].ops,
					     &f.h[1].pl, 1, 0, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(f.h[1].pl.mode, PAXOS_MODE_SH);
	assert_int_equal(f.h[1].pl.release, PAXOS_REL_ERASE);
	assert_int_equal(t_count_ops(f.md, 0, MEMDISK_OP_WRITE), 1 + T_IO + 1);
	assert_int_equal(t_count_ops(f.md, 0, MEMDISK_OP_SLEEP), T_IO);
	memdisk_clear_rules(f.md);
	/* erase all: dblock RELEASED + zero mode block, leader released */
	assert_int_equal(paxos_lease_release(&f.h[1].env, &f.h[1].pl, NULL), 0);
	t_expect_shared(&f, 1, 0);
	t_expect_free(&f, 1, 1);
	t_unfix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv8_shared_acquire),
		cmocka_unit_test(test_two_shared_holders),
		cmocka_unit_test(test_exclusive_vs_live_shared),
		cmocka_unit_test(test_exclusive_vs_dead_shared),
		cmocka_unit_test(test_exclusive_vs_regenerated_shared),
		cmocka_unit_test(test_shared_vs_exclusive),
		cmocka_unit_test(test_shared_vs_short_hold),
		cmocka_unit_test(test_shared_short_hold_lets_go),
		cmocka_unit_test(test_shared_host_block_fails),
		cmocka_unit_test(test_convert_sh_to_ex),
		cmocka_unit_test(test_convert_ex_to_sh),
		cmocka_unit_test(test_convert_vs_live_shared),
		cmocka_unit_test(test_convert_fails_keeps_shared),
		cmocka_unit_test(test_convert_to_sh_release_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
