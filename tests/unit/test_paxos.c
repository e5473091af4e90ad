/*
 * test_paxos.c - unit tests of lease/paxos acquire on one disk
 * (algorithms.md §5.2-§5.8, ondisk.md §4.4-4.7, §9.2, §10 TV6): the bytes
 * a fresh acquire writes (TV6, and byte for byte what Debian's sanlock
 * 3.8.5 writes when it is installed), the I/O sequence, ballot numbers,
 * the decision table of §5.3, verification errors, size adoption and
 * parameter checks.
 *
 * Test code, one thread (memdisk without memdisk_run).
 */
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/paxos_testenv.h"
#include "tests/unit/ondisk_test_util.h"

#define SANLOCK_BIN "/usr/sbin/sanlock"

/* TV6 (ondisk.md §10): leader and host 1's dblock after
 * `sanlock direct acquire -r LS:R1:F:1048576 -i 1 -g 1` on 4096/1M, plus
 * the request record that init wrote. */
static const char *const TV6[] = {
	"00100000: 10 20 15 06 04 00 06 00 10 00 00 00 00 10 00 00",
	"00100010: fa 00 00 00 00 00 00 00 fa 00 00 00 00 00 00 00",
	"00100020: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100030: 01 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00100060: 00 00 00 00 00 00 00 00 52 31 00 00 00 00 00 00",
	"00100090: 00 00 00 00 00 00 00 00 72 03 00 00 00 00 00 00",
	"001000a0: 00 00 00 00 00 00 00 00 77 c1 58 1c 00 00 00 00",
	"001000b0: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"001000c0: 72 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00101000: 11 20 29 08 01 00 01 00 00 00 00 00 00 00 00 00",
	"00102000: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102010: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102020: 72 03 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102030: 3c 0e f3 ef 00 00 00 00 00 00 00 00 00 00 00 00",
};

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
};

static void t_fix(struct t_fix *f, const struct ondisk_sizes *sz,
		  uint64_t num_hosts, uint64_t host_id, uint64_t gen)
{
	memset(f, 0, sizeof(*f));
	f->md = t_md(sz, 1, num_hosts);
	memdisk_env(f->md, 0, &f->env);
	t_hosts_init(&f->th, &f->env, sz, &f->ops);
	t_pl(&f->pl, sz, 1, host_id, gen);
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

/* ---- fresh acquire ---- */

static void test_tv6_fresh_acquire(void **state)
{
	struct t_fix f;
	struct ondisk_leader out, lr;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, &SZ4K1M, 0, 1, 1);
	t_set_now(f.md, 0, 0x372);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &out), 0);
	t_xxd_expect(t_res(f.md, 0), 0x100000, SZ4K1M.align_size, TV6,
		     (int)(sizeof(TV6) / sizeof(TV6[0])));
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.checksum, 0x1c58c177);
	t_dblock_get(f.md, 0, &SZ4K1M, 1, &db, NULL);
	assert_int_equal(db.checksum, 0xeff30e3c);
	assert_true(memcmp(&out, &lr, sizeof(lr)) == 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_EX);
	assert_int_equal(f.pl.lver, 1);
	assert_int_equal(f.pl.dblock.inp3, 0x372);
	assert_int_equal(f.th.n_info + f.th.n_read_delta, 0);
	t_unfix(&f);
}

/* §5.8 summary: 1 full-area read, 2 x (dblock write + P-sector read),
 * 1 leader write; sizes and offsets as 3.8.5 issued them (strace).  (The
 * default one-disk acquire starts with a leader-only read instead:
 * test_paxos_fast.c.) */
static void test_io_sequence(void **state)
{
	struct t_fix f;
	const struct memdisk_event *log;
	size_t n;

	(void)state;
	t_fix(&f, &SZ512, 0, 7, 3);
	f.pl.full_read_first = 1;       /* 3.8.5's I/O */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 6);
	assert_int_equal(log[0].op, MEMDISK_OP_READ);
	assert_int_equal(log[0].offset, T_RES_OFF);
	assert_int_equal(log[0].len, 1048576);
	assert_int_equal(log[1].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[1].offset, T_RES_OFF + 8 * 512);
	assert_int_equal(log[1].len, 512);
	assert_int_equal(log[2].op, MEMDISK_OP_READ);
	assert_int_equal(log[2].len, 2048 * 512);   /* P = 2048 for 2000 hosts */
	assert_int_equal(log[3].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[3].offset, T_RES_OFF + 8 * 512);
	assert_int_equal(log[4].op, MEMDISK_OP_READ);
	assert_int_equal(log[5].op, MEMDISK_OP_WRITE);
	assert_int_equal(log[5].offset, T_RES_OFF);
	assert_int_equal(log[5].len, 512);
	for (n = 0; n < 6; n++)
		assert_int_equal(log[n].timeout_sec, T_IO);
	t_unfix(&f);
}

/* P for a lease initialised with fewer hosts (ondisk.md §4.4). */
static void test_ballot_read_size(void **state)
{
	struct t_fix f;
	const struct memdisk_event *log;
	size_t n;

	(void)state;
	t_fix(&f, &SZ512, 250, 2, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 7);       /* leader, our dblock, 2 ballots, commit */
	assert_int_equal(log[3].len, 256 * 512);
	assert_int_equal(log[5].len, 256 * 512);
	t_unfix(&f);
}

/* Phase-1 block has only mbal and lver; the committed one bal = mbal. */
static void test_dblock_contents(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_mblock mb;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ512, 0, 5, 9);
	t_set_now(f.md, 0, 4242);
	/* A SHARED mode block of ours left behind must be cleared. */
	mb.flags = MBLOCK_SHARED;
	mb.generation = 8;
	memset(&db, 0, sizeof(db));
	db.flags = DBLOCK_FL_RELEASED;
	t_dblock_put(f.md, 0, &SZ512, 5, &db, &mb);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_dblock_get(f.md, 0, &SZ512, 5, &db, &mb);
	assert_int_equal(db.mbal, 5);
	assert_int_equal(db.bal, 5);
	assert_int_equal(db.inp, 5);
	assert_int_equal(db.inp2, 9);
	assert_int_equal(db.inp3, 4242);
	assert_int_equal(db.lver, 1);
	assert_int_equal(db.flags, 0);
	assert_int_equal(mb.flags, 0);
	assert_int_equal(mb.generation, 0);
	assert_true(t_is_zero(t_host_sector(f.md, 0, &SZ512, 5) + 56, 512 - 56));
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.owner_id, 5);
	assert_int_equal(lr.owner_generation, 9);
	assert_int_equal(lr.timestamp, 4242);
	assert_int_equal(lr.write_id, 5);
	assert_int_equal(lr.write_generation, 9);
	assert_int_equal(lr.write_timestamp, 4242);
	assert_int_equal(lr.flags, LFL_ALIGN_1M);
	assert_true(t_is_zero(t_res(f.md, 0) + 200, 512 - 200));
	t_unfix(&f);
}

/* §5.5: mbal = (M - M mod max_hosts) + max_hosts + host_id. */
static void test_ballot_numbers(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, &SZ4K1M, 0, 3, 1);
	f.pl.full_read_first = 1;       /* §5.5 from the lease read */
	/* host 7's old dblock with mbal 507 (= 2*250 + 7), lver 0 */
	memset(&db, 0, sizeof(db));
	db.mbal = 507;
	db.bal = 507;
	db.inp = 7;
	db.inp2 = 1;
	db.inp3 = 99;
	t_dblock_put(f.md, 0, &SZ4K1M, 7, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_dblock_get(f.md, 0, &SZ4K1M, 3, &db, NULL);
	assert_int_equal(db.mbal, 500 + 250 + 3);
	assert_int_equal(db.inp, 3);     /* lver 0 < 1: host 7's value ignored */
	assert_int_equal(f.pl.lver, 1);
	t_unfix(&f);
}

/* Sim seed 70092: our ballot adopts a value naming us (here host 7 had
 * accepted it: our earlier ballot's value, which our retract may have
 * marked RELEASED since).  The version it decides is committed, but the
 * acquire goes on to ballot the next one itself: the lease we return is
 * lver 2, ordered by paxos against anyone who used §5.4 e on lver 1. */
static void test_adopted_own_value_ballots_again(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ4K1M, 0, 3, 1);
	memset(&db, 0, sizeof(db));
	db.mbal = 507;
	db.bal = 507;
	db.lver = 1;
	db.inp = 3;          /* us: host_id 3, generation 1 */
	db.inp2 = 1;
	db.inp3 = 99;
	t_dblock_put(f.md, 0, &SZ4K1M, 7, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 2);
	assert_int_equal(lr.owner_id, 3);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(f.pl.lver, 2);
	t_dblock_get(f.md, 0, &SZ4K1M, 3, &db, NULL);
	assert_int_equal(db.lver, 2);
	assert_int_equal(db.inp, 3);
	assert_true(db.inp3 != 99);      /* our own value this time */
	t_unfix(&f);
}

/* F11 (sim seed 240939): the leader was reverted by a late write (lver 5
 * free) while our own dblock is of version 8.  We never ballot an older
 * version over it: the acquire gives up (-EAGAIN) and our dblock stays. */
static void test_stale_leader_keeps_own_dblock(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;

	(void)state;
	t_fix(&f, &SZ4K1M, 0, 3, 1);
	t_leader_owned(f.md, 0, &SZ4K1M, 5, 2, 1, 0, 2);
	memset(&db, 0, sizeof(db));
	db.mbal = 503;
	db.bal = 503;
	db.lver = 8;
	db.inp = 3;
	db.inp2 = 1;
	db.inp3 = 42;
	t_dblock_put(f.md, 0, &SZ4K1M, 3, &db, NULL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EAGAIN);
	t_dblock_get(f.md, 0, &SZ4K1M, 3, &db, NULL);
	assert_int_equal(db.lver, 8);
	assert_int_equal(db.mbal, 503);
	assert_int_equal(db.inp3, 42);
	t_unfix(&f);
}

/* Release then acquire again: lver 2 and a higher ballot (max_mbal 1). */
static void test_reacquire(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ4K1M, 0, 1, 1);
	f.pl.full_read_first = 1;       /* §5.5 from the lease read */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 2);
	t_dblock_get(f.md, 0, &SZ4K1M, 1, &db, NULL);
	assert_int_equal(db.mbal, 251);
	assert_int_equal(db.lver, 2);
	assert_int_equal(db.flags, 0);
	t_unfix(&f);
}

/* §5.3 rows 4/5: our own lease (same or older generation) is balloted at
 * once, without the owner liveness procedure. */
static void test_owner_is_us(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ512, 0, 2, 5);
	t_leader_owned(f.md, 0, &SZ512, 4, 2, 4, 777, 2);    /* gen 4 < 5 */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 5);
	assert_int_equal(lr.owner_generation, 5);
	assert_int_equal(f.th.n_info + f.th.n_read_delta, 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_SLEEP), 0);

	t_leader_owned(f.md, 0, &SZ512, 9, 2, 5, 778, 2);    /* same gen */
	paxos_lease_drop(&f.pl);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(lr.lver, 10);
	assert_int_equal(f.th.n_info + f.th.n_read_delta, 0);
	t_unfix(&f);
}

/* ---- §5.3 row 2, verification errors (§5.2, ondisk.md §9.2) ---- */

static void test_required_lver(void **state)
{
	struct t_fix f;
	struct paxos_acquire_args a;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ512, 0, 1, 1);
	memset(&a, 0, sizeof(a));
	a.acquire_lver = 3;   /* checked even when the lease is free */
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, &a, &lr),
			 SANLK_ACQUIRE_LVER);
	assert_int_equal(lr.lver, 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_false(paxos_release_pending(&f.pl));

	t_leader_owned(f.md, 0, &SZ512, 3, 1, 1, 0, 1);  /* free, lver 3 */
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, &a, &lr), 0);
	assert_int_equal(lr.lver, 4);
	t_unfix(&f);
}

static void test_num_hosts_too_small(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, &SZ512, 4, 5, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_NUMHOSTS);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	t_unfix(&f);
	/* host 4 of 4 is fine */
	t_fix(&f, &SZ512, 4, 4, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

static void test_dblock_checksum(void **state)
{
	struct t_fix f;
	struct ondisk_dblock db;
	uint8_t *s;

	(void)state;
	t_fix(&f, &SZ512, 0, 1, 1);
	f.pl.full_read_first = 1;       /* -214 before any write, as 3.8.5 */
	memset(&db, 0, sizeof(db));
	db.mbal = 3;
	db.lver = 1;
	t_dblock_put(f.md, 0, &SZ512, 3, &db, NULL);
	s = t_host_sector(f.md, 0, &SZ512, 3);
	s[8] ^= 1;   /* bal: checksum no longer matches */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_DBLOCK_CHECKSUM);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	/* "never written": checksum, mbal, bal, inp, lver zero, inp2 set */
	memset(s, 0, 512);
	s[24] = 7;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	t_unfix(&f);
}

static void test_leader_errors(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	uint8_t *img = calloc(1, SZ512.align_size);

	(void)state;
	assert_non_null(img);
	t_fix(&f, &SZ512, 0, 1, 1);

	ondisk_resource_image(img, &SZ512, "LS", "R1", 0, 1, 55);   /* cleared */
	memdisk_poke(f.md, 0, T_RES_OFF, img, SZ512.align_size);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_MAGIC);
	memset(t_res(f.md, 0), 0, 512);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_MAGIC);

	ondisk_resource_image(img, &SZ512, "LX", "R1", 0, 0, 0);
	memdisk_poke(f.md, 0, T_RES_OFF, img, SZ512.align_size);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_LOCKSPACE);

	ondisk_resource_image(img, &SZ512, "LS", "R2", 0, 0, 0);
	memdisk_poke(f.md, 0, T_RES_OFF, img, SZ512.align_size);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_RESOURCE);

	ondisk_resource_image(img, &SZ512, "LS", "R1", 0, 0, 0);
	memdisk_poke(f.md, 0, T_RES_OFF, img, SZ512.align_size);
	t_leader_get(f.md, 0, &lr);
	lr.version = 0x00050004;
	t_leader_put(f.md, 0, &SZ512, &lr);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_VERSION);
	lr.version = PAXOS_DISK_VERSION;
	t_leader_put(f.md, 0, &SZ512, &lr);
	t_res(f.md, 0)[20] ^= 0;      /* intact */
	t_res(f.md, 0)[150] ^= 0x40;  /* a name byte: checksum */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_CHECKSUM);

	/* max_hosts 0 would break the ballot arithmetic */
	t_leader_put(f.md, 0, &SZ512, &lr);
	lr.max_hosts = 0;
	t_leader_put(f.md, 0, &SZ512, &lr);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_LEADER_NUMHOSTS);

	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	free(img);
	t_unfix(&f);
}

/* Read errors of the lease read are returned as they are (one disk). */
static void test_read_error(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, &SZ512, 0, 1, 1);
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EIO);
	memdisk_clear_rules(f.md);
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 1, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	t_unfix(&f);
}

/* §5.1: the leader's sizes win over the lockspace's; we restart. */
static void test_size_adoption(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.md = t_md(&SZ4K1M, 1, 0);
	memdisk_env(f.md, 0, &f.env);
	t_hosts_init(&f.th, &f.env, &SZ4K1M, &f.ops);
	t_pl(&f.pl, &SZ4K8M, 1, 1, 1);  /* lockspace says 4096/8M */
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, &lr), 0);
	assert_int_equal(f.pl.sizes.align_size, 1048576);
	assert_int_equal(f.pl.sizes.max_hosts, 250);
	assert_int_equal(lr.lver, 1);
	/* our dblock went to sector 2 of 4096 bytes */
	assert_int_equal(t_res(f.md, 0)[8192], 1);
	assert_int_equal(t_res(f.md, 0)[1024], 0);
	t_unfix(&f);
}

static void test_new_num_hosts(void **state)
{
	struct t_fix f;
	struct paxos_acquire_args a;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, &SZ512, 0, 1, 1);
	memset(&a, 0, sizeof(a));
	a.new_num_hosts = 2001;
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, &a, NULL),
			 -EINVAL);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	a.new_num_hosts = 16;
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, &a, &lr), 0);
	assert_int_equal(lr.num_hosts, 16);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.num_hosts, 16);
	assert_int_equal(lr.max_hosts, 2000);
	t_unfix(&f);
}

static void test_params(void **state)
{
	struct paxos_lease_params p;
	struct paxos_lease pl;
	struct t_fix f;
	struct paxos_acquire_args a;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.space_name = "LS";
	p.res_name = "R1";
	p.num_disks = 1;
	p.offsets[0] = 1048576;
	p.sizes = SZ512;
	p.host_id = 1;
	p.generation = 1;
	p.io_timeout = 10;
	p.fire_timeout = 60;
	assert_int_equal(paxos_lease_setup(&pl, &p), 0);
	p.num_disks = 5;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.num_disks = 0;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.num_disks = 1;
	p.offsets[0] = 100;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.offsets[0] = 0;
	p.sizes.align_size = 12345;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.sizes = SZ512;
	p.host_id = 2001;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.host_id = 1;
	p.io_timeout = 0;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.io_timeout = 256;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.io_timeout = 10;
	p.fire_timeout = 0;
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.fire_timeout = 60;
	p.res_name = "";
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.res_name = "0123456789012345678901234567890123456789012345678";
	assert_int_equal(paxos_lease_setup(&pl, &p), -EINVAL);
	p.res_name = "";
	p.host_id = 0;      /* read-only use may leave names empty */
	assert_int_equal(paxos_lease_setup(&pl, &p), 0);

	/* acquire needs a host_id, valid flags, complete host ops, and no
	 * lease already held */
	t_fix(&f, &SZ512, 0, 1, 1);
	assert_int_equal(t_acquire(&f.env, &f.ops, &pl, 0, NULL), -EINVAL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0x80, NULL), -EINVAL);
	f.ops.host_live = NULL;
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EINVAL);
	f.ops.host_live = t_host_live;
	memset(&a, 0, sizeof(a));
	a.sh_retries = PAXOS_SH_RETRIES_MAX + 1;
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, &a, NULL),
			 -EINVAL);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), -EINVAL);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 3);
	t_unfix(&f);
}

/* ---- black box: what Debian's sanlock 3.8.5 writes ---- */

static int t_run(const char *cmd)
{
	int rv = system(cmd);

	return rv == -1 ? -1 : WEXITSTATUS(rv);
}

static void t_file_read(const char *path, uint64_t off, uint8_t *buf, size_t len)
{
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	assert_int_equal(fseek(fp, (long)off, SEEK_SET), 0);
	assert_int_equal(fread(buf, 1, len, fp), len);
	fclose(fp);
}

/*
 * Run sanlock direct init + acquire (-i host -g gen, twice with gens g1
 * and g2) on a file, and the same sequence with our code on a memdisk
 * loaded with sanlock's init image, at the same clock values; the areas
 * must be identical after each acquire.
 */
static void t_vs_sanlock(const struct ondisk_sizes *sz, const char *size_opts,
			 uint64_t host, uint64_t g1, uint64_t g2)
{
	char dir[] = "/tmp/test_paxos_XXXXXX";
	char path[64], cmd[256];
	uint8_t *theirs = malloc(sz->align_size);
	struct t_fix f;
	struct ondisk_leader lr;
	uint64_t gens[2] = { g1, g2 };
	int i;

	assert_non_null(theirs);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/F", dir);
	snprintf(cmd, sizeof(cmd), "truncate -s 16M %s && " SANLOCK_BIN
		 " direct init -r LS:R1:%s:1048576 %s >/dev/null", path, path,
		 size_opts);
	if (t_run(cmd) != 0) {
		/* e.g. no O_DIRECT on this /tmp: nothing to compare with */
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)t_run(cmd);
		free(theirs);
		skip();
	}

	t_fix(&f, sz, 0, host, g1);
	t_file_read(path, 1048576, theirs, sz->align_size);
	memdisk_poke(f.md, 0, T_RES_OFF, theirs, sz->align_size);

	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), SANLOCK_BIN " direct acquire -r "
			 "LS:R1:%s:1048576 -i %llu -g %llu %s >/dev/null", path,
			 (unsigned long long)host, (unsigned long long)gens[i],
			 size_opts);
		assert_int_equal(t_run(cmd), 0);
		t_file_read(path, 1048576, theirs, sz->align_size);
		ondisk_leader_decode(theirs, &lr);
		assert_int_equal(lr.owner_id, host);
		assert_int_equal(lr.lver, i + 1);

		t_pl(&f.pl, sz, 1, host, gens[i]);
		f.pl.full_read_first = 1;   /* 3.8.5's ballot numbers */
		t_set_now(f.md, 0, lr.timestamp);
		assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
		if (memcmp(t_res(f.md, 0), theirs, sz->align_size)) {
			size_t k = 0;

			while (t_res(f.md, 0)[k] == theirs[k])
				k++;
			print_error("acquire %d: first difference at area "
				    "offset 0x%zx\n", i + 1, k);
			fail();
		}
	}
	t_unfix(&f);
	free(theirs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(t_run(cmd), 0);
}

static void test_vs_sanlock_4k1m(void **state)
{
	(void)state;
	if (access(SANLOCK_BIN, X_OK))
		skip();
	t_vs_sanlock(&SZ4K1M, "-Z 4096 -A 1M", 1, 1, 2);
}

static void test_vs_sanlock_512(void **state)
{
	(void)state;
	if (access(SANLOCK_BIN, X_OK))
		skip();
	t_vs_sanlock(&SZ512, "-Z 512 -A 1M", 17, 4, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv6_fresh_acquire),
		cmocka_unit_test(test_io_sequence),
		cmocka_unit_test(test_ballot_read_size),
		cmocka_unit_test(test_dblock_contents),
		cmocka_unit_test(test_ballot_numbers),
		cmocka_unit_test(test_adopted_own_value_ballots_again),
		cmocka_unit_test(test_stale_leader_keeps_own_dblock),
		cmocka_unit_test(test_reacquire),
		cmocka_unit_test(test_owner_is_us),
		cmocka_unit_test(test_required_lver),
		cmocka_unit_test(test_num_hosts_too_small),
		cmocka_unit_test(test_dblock_checksum),
		cmocka_unit_test(test_leader_errors),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_size_adoption),
		cmocka_unit_test(test_new_num_hosts),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_vs_sanlock_4k1m),
		cmocka_unit_test(test_vs_sanlock_512),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
