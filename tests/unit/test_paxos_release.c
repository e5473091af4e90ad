/*
 * test_paxos_release.c - unit tests of paxos release (algorithms.md §7.1,
 * §7.2, §7.4, §7.5; ondisk.md §4.5), of the request record (§8.1, §8.3
 * step 3; ondisk.md §4.6, §9.3: -270..-273) and of the owner list
 * (read_resource_owners).
 *
 * Test code, one thread.
 */
#include "tests/unit/paxos_testenv.h"

struct t_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct paxos_lease pl;
};

/* Host 1 gen 1 holds LS:R1 exclusively (lver 1) on num_disks disks, its
 * env batching writes as `batch` says. */
static void t_fix_disks(struct t_fix *f, int num_disks,
			enum memdisk_batch batch, int acquire)
{
	memset(f, 0, sizeof(*f));
	f->md = t_md(&SZ512, num_disks, 0);
	memdisk_set_batch(f->md, batch);
	memdisk_env(f->md, 0, &f->env);
	t_hosts_init(&f->th, &f->env, &SZ512, &f->ops);
	t_pl(&f->pl, &SZ512, num_disks, 1, 1);
	if (acquire) {
		assert_int_equal(t_acquire(&f->env, &f->ops, &f->pl, 0, NULL), 0);
		memdisk_log_clear(f->md);
	}
}

static void t_fix(struct t_fix *f, int acquire)
{
	t_fix_disks(f, 1, MEMDISK_BATCH_NONE, acquire);
}

static void t_unfix(struct t_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

static size_t t_writes(struct t_fix *f)
{
	return t_count_ops(f->md, -1, MEMDISK_OP_WRITE);
}

static void t_expect_released_dblock(struct t_fix *f)
{
	struct ondisk_dblock db;
	struct ondisk_mblock mb;

	t_dblock_get(f->md, 0, &SZ512, 1, &db, &mb);
	assert_int_equal(db.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(db.lver, 1);
	assert_int_equal(db.mbal, 1);
	assert_int_equal(db.bal, 1);
	assert_int_equal(db.inp, 1);
	/* flags are outside the checksum */
	assert_int_equal(db.checksum, ondisk_dblock_checksum(&db));
	assert_int_equal(mb.flags, 0);
}

/* ---- release ---- */

static void test_release_exclusive(void **state)
{
	struct t_fix f;
	struct ondisk_leader before, lr;

	(void)state;
	t_fix(&f, 1);
	t_leader_get(f.md, 0, &before);
	memdisk_advance(f.md, 12 * USEC);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(t_writes(&f), 2);
	t_expect_released_dblock(&f);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(lr.lver, 1);
	assert_int_equal(lr.write_id, 1);
	assert_int_equal(lr.write_generation, 1);
	assert_int_equal(lr.write_timestamp, before.write_timestamp + 12);
	assert_int_equal(lr.flags, LFL_ALIGN_1M);
	assert_int_equal(lr.checksum, ondisk_leader_checksum(&lr));
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	assert_int_equal(f.pl.lver, 0);
	/* nothing left to do */
	memdisk_log_clear(f.md);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_IO), 0);
	t_unfix(&f);
}

/* §7.2 step 3: another host wrote the leader: only the dblock. */
static void test_release_other_writer(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr, after;

	(void)state;
	t_fix(&f, 1);
	t_leader_get(f.md, 0, &lr);
	lr.write_id = 3;
	t_leader_put(f.md, 0, &SZ512, &lr);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(t_writes(&f), 1);
	t_expect_released_dblock(&f);
	t_leader_get(f.md, 0, &after);
	assert_true(memcmp(&after, &lr, sizeof(lr)) == 0);
	t_unfix(&f);
}

static void test_release_rename(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, "R2-renamed"), 0);
	t_leader_get(f.md, 0, &lr);
	assert_string_equal(lr.resource_name, "R2-renamed");
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R2-renamed", 1), 0);
	assert_int_equal(lr.timestamp, 0);
	t_unfix(&f);
}

/* §7.2 steps 4-7, each on a fresh lease. */
static void test_release_leader_checks(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		int expect;

		t_fix(&f, 1);
		t_leader_get(f.md, 0, &lr);
		switch (i) {
		case 0:                 /* moved on: lver */
			lr.lver = 2;
			expect = SANLK_RELEASE_LVER;
			break;
		case 1:                 /* already free */
			lr.timestamp = 0;
			expect = SANLK_RELEASE_OWNER;
			break;
		case 2:                 /* someone else owns it */
			lr.owner_id = 2;
			expect = SANLK_RELEASE_OWNER;
			break;
		case 3:                 /* our older incarnation */
			lr.owner_generation = 0;
			expect = SANLK_RELEASE_OWNER;
			break;
		default:                /* any other byte */
			lr.write_timestamp++;
			expect = SANLK_RELEASE_OWNER;
			break;
		}
		t_leader_put(f.md, 0, &SZ512, &lr);
		assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), expect);
		assert_int_equal(t_writes(&f), 1);          /* dblock only */
		t_expect_released_dblock(&f);
		assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
		assert_false(paxos_release_pending(&f.pl));
		t_unfix(&f);
	}
}

/* ---- exclusive release with batched writes (paxos_release_ex) ---- */

/* The I/O ops of the log, as "R<sector>" / "W<sector>" (sectors from
 * the start of the lease area), for comparing orders. */
static void t_io_trace(struct t_fix *f, char *out, size_t len)
{
	const struct memdisk_event *log;
	size_t n, i, used = 0;

	out[0] = 0;
	log = memdisk_log(f->md, &n);
	for (i = 0; i < n && used < len; i++) {
		if (!(log[i].op & MEMDISK_OP_IO))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%c%llu",
					 used ? " " : "",
					 log[i].op == MEMDISK_OP_READ ? 'R' : 'W',
					 (unsigned long long)((log[i].offset -
						  f->pl.offsets[log[i].disk]) / 512));
	}
}

static void t_fix_batch(struct t_fix *f, enum memdisk_batch mode)
{
	t_fix_disks(f, 1, mode, 1);
}

/* Leader read first, then the RELEASED dblock (host 1: sector 2) and the
 * free leader (sector 0) together, in whichever order they land; without
 * write_batch, dblock then leader. */
static void test_release_batch_order(void **state)
{
	static const struct {
		enum memdisk_batch mode;
		const char *trace;
	} cases[] = {
		{ MEMDISK_BATCH_NONE, "R0 W2 W0" },
		{ MEMDISK_BATCH_IN_ORDER, "R0 W2 W0" },
		{ MEMDISK_BATCH_REVERSED, "R0 W0 W2" },
	};
	struct ondisk_leader lr;
	struct t_fix f;
	char trace[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t_fix_batch(&f, cases[i].mode);
		assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
		t_io_trace(&f, trace, sizeof(trace));
		assert_string_equal(trace, cases[i].trace);
		t_expect_released_dblock(&f);
		t_leader_get(f.md, 0, &lr);
		assert_int_equal(lr.timestamp, 0);
		assert_int_equal(lr.owner_id, 1);
		assert_int_equal(lr.lver, 1);
		assert_int_equal(lr.write_id, 1);
		assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
		t_unfix(&f);
	}
}

/* The leader write of the batch times out, whichever lands first: the
 * release is kept for a retry (§7.4), which completes it. */
static void test_release_batch_timeout(void **state)
{
	static const enum memdisk_batch modes[] = {
		MEMDISK_BATCH_IN_ORDER, MEMDISK_BATCH_REVERSED,
	};
	struct ondisk_leader lr;
	struct t_fix f;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		t_fix_batch(&f, modes[i]);
		/* the leader write is the 2nd write in order, the 1st reversed */
		t_rule(f.md, -1, MEMDISK_OP_WRITE, -1,
		       modes[i] == MEMDISK_BATCH_IN_ORDER ? 2 : 1, 1,
		       MEMDISK_ACT_TIMEOUT, 0);
		assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL),
				 SANLK_AIO_TIMEOUT);
		assert_int_equal(f.pl.mode, PAXOS_MODE_EX);
		t_expect_released_dblock(&f);
		t_leader_get(f.md, 0, &lr);
		assert_true(lr.timestamp != 0);
		assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
		t_leader_get(f.md, 0, &lr);
		assert_int_equal(lr.timestamp, 0);
		assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
		t_unfix(&f);
	}
}

/* A failed dblock write is ignored (§7.1 step 3); the leader is freed. */
static void test_release_batch_dblock_error(void **state)
{
	struct ondisk_leader lr;
	struct t_fix f;

	(void)state;
	t_fix_batch(&f, MEMDISK_BATCH_IN_ORDER);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_unfix(&f);
}

/* The leader read fails: the RELEASED dblock is still written (it lets
 * others in), the leader is left, the error is returned. */
static void test_release_read_error(void **state)
{
	struct ondisk_leader before, lr;
	struct t_fix f;
	char trace[128];

	(void)state;
	t_fix_batch(&f, MEMDISK_BATCH_IN_ORDER);
	t_leader_get(f.md, 0, &before);
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), -EIO);
	t_io_trace(&f, trace, sizeof(trace));
	assert_string_equal(trace, "R0 W2");
	t_expect_released_dblock(&f);
	t_leader_get(f.md, 0, &lr);
	assert_true(memcmp(&lr, &before, sizeof(lr)) == 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_unfix(&f);
}

/* Three disks: a batch per disk; one disk's leader write failing leaves
 * the majority, so the release succeeds. */
static void test_release_batch_multi_disk(void **state)
{
	struct ondisk_leader lr;
	struct t_fix f;
	int d;

	(void)state;
	t_fix_disks(&f, 3, MEMDISK_BATCH_REVERSED, 1);
	/* reversed: disk 1's leader write is its batch's first write */
	t_rule(f.md, -1, MEMDISK_OP_WRITE, 1, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(t_writes(&f), 6);
	for (d = 0; d < 3; d++) {
		t_leader_get(f.md, d, &lr);
		assert_int_equal(lr.timestamp == 0, d != 1);
	}
	t_unfix(&f);
}

/* §7.4: a timed-out leader write keeps the state for a retry. */
static void test_release_timeout_retry(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 2, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(f.pl.mode, PAXOS_MODE_EX);
	t_leader_get(f.md, 0, &lr);
	assert_true(lr.timestamp != 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_leader_get(f.md, 0, &lr);
	assert_int_equal(lr.timestamp, 0);
	t_unfix(&f);
}

/* The timed-out write landed after all: the retry finds the lease free
 * (-251) and the release is over. */
static void test_release_timeout_landed(void **state)
{
	struct t_fix f;
	struct memdisk_rule r;

	(void)state;
	t_fix(&f, 1);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_WRITE;
	r.nth = 2;
	r.action = MEMDISK_ACT_TIMEOUT;
	r.lands = 1;
	assert_true(memdisk_add_rule(f.md, &r) >= 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL),
			 SANLK_RELEASE_OWNER);
	assert_int_equal(f.pl.mode, PAXOS_MODE_NONE);
	t_unfix(&f);
}

/* §7.5: the lockspace failed: forget the lease, no I/O. */
static void test_drop(void **state)
{
	struct t_fix f;
	struct ondisk_leader lr;

	(void)state;
	t_fix(&f, 1);
	paxos_lease_drop(&f.pl);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_IO), 0);
	t_leader_get(f.md, 0, &lr);
	assert_true(lr.timestamp != 0);
	t_unfix(&f);
}

/* A shared release that times out is retried. */
static void test_release_shared_timeout(void **state)
{
	struct t_fix f;
	struct ondisk_mblock mb;

	(void)state;
	t_fix(&f, 0);
	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, PAXOS_ACQ_SHARED,
				   NULL), 0);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 1, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(f.pl.mode, PAXOS_MODE_SH);
	assert_int_equal(paxos_lease_release(&f.env, &f.pl, NULL), 0);
	t_dblock_get(f.md, 0, &SZ512, 1, NULL, &mb);
	assert_int_equal(mb.flags, 0);
	t_unfix(&f);
}

/* ---- request record ---- */

static void t_req_get(struct t_fix *f, struct ondisk_request *rr)
{
	ondisk_request_decode(t_res(f->md, 0) + 512, rr);
}

static void test_request_free_lease(void **state)
{
	struct t_fix f;
	uint64_t owner = 99;

	(void)state;
	t_fix(&f, 0);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 5, 1, 0, &owner), 0);
	assert_int_equal(owner, 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_WRITE), 0);
	t_unfix(&f);
}

static void test_request_write(void **state)
{
	struct t_fix f;
	struct ondisk_request rr;
	uint64_t owner;

	(void)state;
	t_fix(&f, 1);       /* held by 1 at lver 1 */
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 1, 1, 0, &owner),
			 SANLK_REQUEST_OLD);
	assert_int_equal(t_writes(&f), 0);

	assert_int_equal(paxos_request_write(&f.env, &f.pl, 2, 1, 0, &owner), 0);
	assert_int_equal(owner, 1);
	t_req_get(&f, &rr);
	assert_int_equal(rr.magic, REQ_DISK_MAGIC);
	assert_int_equal(rr.version, REQ_DISK_VERSION);
	assert_int_equal(rr.lver, 2);
	assert_int_equal(rr.force_mode, 1);
	assert_true(t_is_zero(t_res(f.md, 0) + 512 + 20, 512 - 20));

	/* equal lver is allowed: the last writer's force mode wins */
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 2, 2, 0, NULL), 0);
	t_req_get(&f, &rr);
	assert_int_equal(rr.force_mode, 2);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 3, 1, 0, NULL), 0);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 2, 1, 0, NULL),
			 SANLK_REQUEST_LVER);
	/* NEXT_LVER: R = leader lver + 1 = 2 < 3 */
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 0, 1,
					     PAXOS_REQ_NEXT_LVER, NULL),
			 SANLK_REQUEST_LVER);

	/* clear: no leader read, lver 0 force 0 */
	memdisk_log_clear(f.md);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 0, 0, 0, &owner), 0);
	assert_int_equal(owner, 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_READ), 1);
	t_req_get(&f, &rr);
	assert_int_equal(rr.lver, 0);
	assert_int_equal(rr.force_mode, 0);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 0, 1,
					     PAXOS_REQ_NEXT_LVER, &owner), 0);
	t_req_get(&f, &rr);
	assert_int_equal(rr.lver, 2);
	assert_int_equal(owner, 1);
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 0, 1, 0x10, NULL),
			 -EINVAL);
	t_unfix(&f);
}

static void test_request_bad_record(void **state)
{
	struct t_fix f;
	struct ondisk_request rr;
	uint8_t *p;

	(void)state;
	t_fix(&f, 1);
	p = t_res(f.md, 0) + 512;
	p[0] ^= 1;
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 2, 1, 0, NULL),
			 SANLK_REQUEST_MAGIC);
	assert_int_equal(paxos_request_read(&f.env, &f.pl, &rr),
			 SANLK_REQUEST_MAGIC);
	p[0] ^= 1;
	p[6] = 2;        /* version major 0x0002 */
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 0, 0, 0, NULL),
			 SANLK_REQUEST_VERSION);
	p[6] = 1;
	p[4] = 9;        /* minor ignored; the write restores 0x00010001 */
	assert_int_equal(paxos_request_write(&f.env, &f.pl, 2, 1, 0, NULL), 0);
	assert_int_equal(paxos_request_read(&f.env, &f.pl, &rr), 0);
	assert_int_equal(rr.version, REQ_DISK_VERSION);
	assert_int_equal(t_writes(&f), 1);
	t_unfix(&f);
}

static void test_request_action(void **state)
{
	struct ondisk_request rr;

	(void)state;
	ondisk_request_init(&rr);
	assert_int_equal(paxos_request_action(&rr, 1), 0);
	rr.lver = 2;
	assert_int_equal(paxos_request_action(&rr, 1), 0);   /* force 0 */
	rr.force_mode = 1;
	assert_int_equal(paxos_request_action(&rr, 1), 1);
	assert_int_equal(paxos_request_action(&rr, 2), 0);   /* not newer */
	assert_int_equal(paxos_request_action(&rr, 3), 0);
	rr.force_mode = 2;
	assert_int_equal(paxos_request_action(&rr, 1), 2);
	rr.force_mode = 3;
	assert_int_equal(paxos_request_action(&rr, 1), 0);
	rr.force_mode = 1;
	rr.lver = 0;
	assert_int_equal(paxos_request_action(&rr, 0), 0);
}

/* ---- owners ---- */

static void test_read_owners(void **state)
{
	struct t_fix f;
	struct paxos_lease rd;
	struct paxos_lease_params p;
	struct paxos_owner ow[3];
	struct ondisk_leader lr;
	struct ondisk_mblock mb = { .flags = MBLOCK_SHARED, .generation = 4 };
	struct ondisk_dblock db;
	uint32_t n;

	(void)state;
	t_fix(&f, 0);
	memset(&p, 0, sizeof(p));
	p.space_name = "";
	p.res_name = "";
	p.num_disks = 1;
	p.offsets[0] = T_RES_OFF;
	p.sizes = SZ512;
	p.io_timeout = T_IO;
	p.fire_timeout = T_W;
	assert_int_equal(paxos_lease_setup(&rd, &p), 0);

	assert_int_equal(paxos_read_owners(&f.env, &rd, &lr, ow, 3, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(lr.lver, 0);

	assert_int_equal(t_acquire(&f.env, &f.ops, &f.pl, 0, NULL), 0);
	assert_int_equal(paxos_read_owners(&f.env, &rd, &lr, ow, 3, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ow[0].host_id, 1);
	assert_int_equal(ow[0].generation, 1);
	assert_int_equal(ow[0].timestamp, lr.timestamp);
	assert_false(ow[0].shared);

	/* a conversion in progress shows both */
	memset(&db, 0, sizeof(db));
	t_dblock_put(f.md, 0, &SZ512, 7, &db, &mb);
	t_dblock_put(f.md, 0, &SZ512, 5, &db, &mb);
	assert_int_equal(paxos_read_owners(&f.env, &rd, NULL, ow, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ow[0].host_id, 1);
	assert_int_equal(ow[1].host_id, 5);
	assert_true(ow[1].shared);
	assert_int_equal(ow[1].generation, 4);
	assert_int_equal(ow[1].timestamp, 0);
	assert_int_equal(ow[2].host_id, 7);
	assert_int_equal(paxos_read_owners(&f.env, &rd, NULL, ow, 2, &n), -ENOSPC);
	assert_int_equal(n, 3);
	assert_int_equal(paxos_read_owners(&f.env, &rd, NULL, NULL, 0, &n), 0);
	assert_int_equal(n, 3);

	/* a named reader checks the names */
	p.space_name = "LS";
	p.res_name = "R9";
	assert_int_equal(paxos_lease_setup(&rd, &p), 0);
	assert_int_equal(paxos_read_owners(&f.env, &rd, NULL, NULL, 0, &n),
			 SANLK_LEADER_RESOURCE);
	t_unfix(&f);
}

/* ---- LVB ---- */

static void test_lvb(void **state)
{
	struct t_fix f;
	struct paxos_lease pl4;
	uint8_t in[600], out[512];
	const struct memdisk_event *log;
	size_t n;

	(void)state;
	t_fix(&f, 0);
	memset(in, 0x5a, sizeof(in));
	assert_int_equal(paxos_lvb_write(&f.env, &f.pl, in, 600), -EINVAL);
	assert_int_equal(paxos_lvb_write(&f.env, &f.pl, in, 100), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(n, 1);
	assert_int_equal(log[0].offset, T_RES_OFF + 2002 * 512);
	assert_int_equal(log[0].len, 512);
	memset(out, 1, sizeof(out));
	assert_int_equal(paxos_lvb_read(&f.env, &f.pl, out, 512), 0);
	assert_memory_equal(out, in, 100);
	assert_true(t_is_zero(out + 100, 412));
	t_unfix(&f);

	/* 4096/8M: inside the area; 4096-byte sector */
	memset(&f, 0, sizeof(f));
	f.md = t_md(&SZ4K8M, 1, 0);
	memdisk_env(f.md, 0, &f.env);
	t_pl(&pl4, &SZ4K8M, 1, 1, 1);
	assert_int_equal(paxos_lvb_write(&f.env, &pl4, in, 16), 0);
	log = memdisk_log(f.md, &n);
	assert_int_equal(log[0].offset, T_RES_OFF + 2002 * 4096);
	assert_int_equal(log[0].len, 4096);
	t_unfix(&f);
}

/* args NULL: a plain exclusive acquire. */
static void test_acquire_null_args(void **state)
{
	struct t_fix f;

	(void)state;
	t_fix(&f, 0);
	assert_int_equal(paxos_lease_acquire(&f.env, &f.ops, &f.pl, NULL, NULL), 0);
	assert_int_equal(f.pl.mode, PAXOS_MODE_EX);
	t_unfix(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_exclusive),
		cmocka_unit_test(test_release_other_writer),
		cmocka_unit_test(test_release_rename),
		cmocka_unit_test(test_release_leader_checks),
		cmocka_unit_test(test_release_batch_order),
		cmocka_unit_test(test_release_batch_timeout),
		cmocka_unit_test(test_release_batch_dblock_error),
		cmocka_unit_test(test_release_read_error),
		cmocka_unit_test(test_release_batch_multi_disk),
		cmocka_unit_test(test_release_timeout_retry),
		cmocka_unit_test(test_release_timeout_landed),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_release_shared_timeout),
		cmocka_unit_test(test_request_free_lease),
		cmocka_unit_test(test_request_write),
		cmocka_unit_test(test_request_bad_record),
		cmocka_unit_test(test_request_action),
		cmocka_unit_test(test_read_owners),
		cmocka_unit_test(test_lvb),
		cmocka_unit_test(test_acquire_null_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
