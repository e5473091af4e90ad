/*
 * test_delta.c - unit tests of lease/delta (algorithms.md §2.1, §3;
 * ondisk.md §4.3, §9.1; messages.md §2) on memdisk: acquire (fresh, fast
 * reacquire, held by a dead or a live other name, races), renewal (whole
 * area read, fields and bytes written, ownership and exactness checks,
 * read extension, late writes), release, bad records, aborted waits, and
 * byte images compared with what Debian's sanlock 3.8.5 wrote.
 *
 * Test code.  cmocka asserts run on the main thread only: the host
 * programs of memdisk_run record their results for the main thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lease/delta.h"
#include "tests/unit/memdisk.h"

#define USEC 1000000ull
#define T_MAX_RENEWS 1000

static const struct ondisk_sizes SZ512 = { 512, 1048576, 2000 };
static const struct ondisk_sizes SZ4K8M = { 4096, 8388608, 2000 };

/* ---- fixtures ---- */

/* A memdisk with a formatted lockspace "LS" at `off`. */
static struct memdisk *t_ls(const struct ondisk_sizes *sz, uint64_t off,
			    uint16_t io)
{
	struct memdisk *md = memdisk_create(sz->sector_size,
					    off + sz->align_size, 1);
	void *img = calloc(1, sz->align_size);

	assert_non_null(img);
	ondisk_lockspace_image(img, sz, "LS", io, 1);
	memdisk_poke(md, 0, off, img, sz->align_size);
	free(img);
	return md;
}

static void t_dl_off(struct delta_lease *dl, const struct ondisk_sizes *sz,
		     uint64_t off, uint64_t id, const char *name, uint32_t io)
{
	struct delta_lease_params p;

	memset(&p, 0, sizeof(p));
	p.space_name = "LS";
	p.host_name = name;
	p.host_id = id;
	p.disk = 0;
	p.offset = off;
	p.sizes = *sz;
	p.io_timeout = io;
	p.fire_timeout = 60;
	p.read_extend_sec = -1;
	assert_int_equal(delta_lease_init(dl, &p), 0);
}

static void t_dl(struct delta_lease *dl, const struct ondisk_sizes *sz,
		 uint64_t id, const char *name, uint32_t io)
{
	t_dl_off(dl, sz, 0, id, name, io);
}

static uint8_t *t_sector(struct memdisk *md, const struct ondisk_sizes *sz,
			 uint64_t off, uint64_t id)
{
	return memdisk_data(md, 0) + off + (id - 1) * sz->sector_size;
}

static void t_get(struct memdisk *md, const struct ondisk_sizes *sz,
		  uint64_t id, struct ondisk_leader *lr)
{
	ondisk_leader_decode(t_sector(md, sz, 0, id), lr);
}

/* Write lr as a whole zero-filled sector; seal = recompute the checksum. */
static void t_put(struct memdisk *md, const struct ondisk_sizes *sz,
		  uint64_t id, struct ondisk_leader *lr, int seal)
{
	uint8_t *s = t_sector(md, sz, 0, id);

	memset(s, 0, sz->sector_size);
	if (seal)
		ondisk_leader_seal(lr, s);
	else
		ondisk_leader_encode(lr, s);
}

static int t_is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static uint64_t t_now(struct memdisk *md)
{
	return memdisk_now(md, 0);
}

/* The I/O events of the log (sleeps skipped). */
static size_t t_ios(struct memdisk *md, const struct memdisk_event **out,
		    size_t max)
{
	const struct memdisk_event *log;
	size_t n, i, k = 0;

	log = memdisk_log(md, &n);
	for (i = 0; i < n; i++)
		if ((log[i].op & MEMDISK_OP_IO) && k < max)
			out[k++] = &log[i];
	return k;
}

static size_t t_count_op(struct memdisk *md, unsigned op)
{
	const struct memdisk_event *log;
	size_t n, i, k = 0;

	log = memdisk_log(md, &n);
	for (i = 0; i < n; i++)
		if (log[i].op == op)
			k++;
	return k;
}

struct t_msg {
	int      calls;
	uint64_t gen;
};

static void t_fill(void *arg, uint64_t gen, uint8_t msg[ONDISK_MSG_SIZE])
{
	struct t_msg *m = arg;
	int i;

	m->calls++;
	m->gen = gen;
	for (i = 0; i < ONDISK_MSG_SIZE; i++)
		msg[i] = (uint8_t)(0x40 + i + gen);
}

static void t_add(struct memdisk *md, int host, unsigned ops, uint64_t nth,
		  int action, int rv)
{
	struct memdisk_rule r;

	memdisk_rule_init(&r);
	r.host = host;
	r.ops = ops;
	r.nth = nth;
	r.action = action;
	r.rv = rv;
	assert_true(memdisk_add_rule(md, &r) >= 0);
}

/* ---- formulas ---- */

static void timeouts_formulas(void **state)
{
	struct delta_timeouts t;

	(void)state;
	t = delta_timeouts(10, 60);
	assert_int_equal(t.renewal, 20);
	assert_int_equal(t.renewal_warn, 60);
	assert_int_equal(t.renewal_fail, 80);
	assert_int_equal(t.host_dead, 140);
	assert_int_equal(t.short_delay, 20);
	assert_int_equal(t.held_wait, 140);
	assert_int_equal(t.set_bitmap, 60);
	assert_int_equal(t.renew_write_io, 140);
	assert_int_equal(t.read_extend_ms, 10000);

	t = delta_timeouts(1, 60);
	assert_int_equal(t.renewal, 2);
	assert_int_equal(t.renewal_warn, 6);
	assert_int_equal(t.renewal_fail, 8);
	assert_int_equal(t.host_dead, 68);
	assert_int_equal(t.held_wait, 68);
	assert_int_equal(t.renew_write_io, 68);

	t = delta_timeouts(5, 30);         /* extension table, §2.3 */
	assert_int_equal(t.host_dead, 70);
	t = delta_timeouts(2, 10);
	assert_int_equal(t.host_dead, 26);
	t = delta_timeouts(0, 60);         /* get_hosts: no fallback */
	assert_int_equal(t.renewal_fail, 0);
	assert_int_equal(t.host_dead, 60);

	assert_int_equal(delta_read_extend_ms(-1, 10), 10000);
	assert_int_equal(delta_read_extend_ms(0, 10), 500);
	assert_int_equal(delta_read_extend_ms(3, 10), 3000);
}

static void corrupt_results(void **state)
{
	static const int yes[] = { -260, -261, -223, -224, -225, -226, -229 };
	static const int no[] = { 0, -202, -5, -262, -227, -228, -230, -201 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(delta_is_corrupt_result(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(delta_is_corrupt_result(no[i]));
}

static void init_params(void **state)
{
	struct delta_lease dl;
	struct delta_lease_params p;
	char name49[50];

	(void)state;
	memset(&p, 0, sizeof(p));
	p.space_name = "LS";
	p.host_name = "h";
	p.host_id = 1;
	p.sizes = SZ512;
	p.io_timeout = 10;
	p.fire_timeout = 60;
	p.read_extend_sec = -1;
	assert_int_equal(delta_lease_init(&dl, &p), 0);
	assert_int_equal(dl.read_extend_ms, 10000);
	assert_int_equal(dl.sector_offset, 0);

	p.host_id = 2000;
	p.offset = 1048576;
	assert_int_equal(delta_lease_init(&dl, &p), 0);
	assert_int_equal(dl.sector_offset, 1048576 + 1999 * 512);
	p.host_id = 2001;
	assert_int_equal(delta_lease_init(&dl, &p), SANLK_ADDLS_INVALID_HOSTID);
	p.host_id = 0;
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.host_id = 1;
	p.offset = 100;
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.offset = 0;
	p.io_timeout = 0;
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.io_timeout = 256;      /* not representable in the record */
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.io_timeout = 255;
	assert_int_equal(delta_lease_init(&dl, &p), 0);
	p.fire_timeout = 0;
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.fire_timeout = 60;
	memset(name49, 'x', 49);
	name49[49] = '\0';
	p.host_name = name49;
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	name49[48] = '\0';       /* 48 is fine (stored as 47 + NUL) */
	assert_int_equal(delta_lease_init(&dl, &p), 0);
	p.host_name = "";
	assert_int_equal(delta_lease_init(&dl, &p), -EINVAL);
	p.host_name = "h";
	p.space_name = name49;   /* 48 characters: allowed */
	assert_int_equal(delta_lease_init(&dl, &p), 0);
}

/* ---- probe ---- */

static void probe_sizes(void **state)
{
	struct ondisk_sizes out, sz;
	struct memdisk *md;
	struct lease_env env;
	struct ondisk_leader lr;

	(void)state;
	md = t_ls(&SZ512, 1048576, 10);
	memdisk_env(md, 0, &env);
	assert_int_equal(delta_lease_probe(&env, 0, 1048576, 10, &out), 0);
	assert_int_equal(out.sector_size, 512);
	assert_int_equal(out.align_size, 1048576);
	assert_int_equal(out.max_hosts, 2000);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);

	md = t_ls(&SZ4K8M, 0, 10);
	memdisk_env(md, 0, &env);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out), 0);
	assert_int_equal(out.sector_size, 4096);
	assert_int_equal(out.align_size, 8388608);
	assert_int_equal(out.max_hosts, 2000);
	memdisk_destroy(md);

	sz.sector_size = 4096;
	sz.align_size = 2097152;
	sz.max_hosts = 500;
	md = t_ls(&sz, 0, 10);
	memdisk_env(md, 0, &env);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out), 0);
	assert_int_equal(out.align_size, 2097152);
	assert_int_equal(out.max_hosts, 500);

	/* bad first records (only magic and version are checked) */
	t_get(md, &sz, 1, &lr);
	lr.checksum ^= 1;
	t_put(md, &sz, 1, &lr, 0);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out), 0);
	lr.magic = PAXOS_DISK_MAGIC;
	t_put(md, &sz, 1, &lr, 1);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out),
			 SANLK_LEADER_MAGIC);
	lr.magic = DELTA_DISK_MAGIC;
	lr.version = 0x00040004;
	t_put(md, &sz, 1, &lr, 1);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out),
			 SANLK_LEADER_VERSION);
	lr.version = DELTA_DISK_VERSION;
	lr.sector_size = 1024;
	t_put(md, &sz, 1, &lr, 1);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out),
			 SANLK_LEADER_SECTORSIZE);
	lr.sector_size = 512;   /* 512 with 2M align: not in the table */
	t_put(md, &sz, 1, &lr, 1);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out),
			 SANLK_ADDLS_SIZES);
	/* I/O error passes through */
	t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(delta_lease_probe(&env, 0, 0, 10, &out), -EIO);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

/* ---- acquire ---- */

static void acquire_fresh(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct delta_acquire_info info;
	struct ondisk_leader lr;
	const struct memdisk_event *io[8];
	struct t_msg m = { 0, 0 };
	uint64_t t0 = t_now(md);
	uint8_t *s;
	int i;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 3, "host3", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, t_fill, &m, &info), 0);

	/* waited exactly 2*io of virtual time, in 1 s sleeps */
	assert_int_equal(t_now(md) - t0, 2);
	assert_int_equal(t_count_op(md, MEMDISK_OP_SLEEP), 2);
	assert_int_equal(info.fast, 1);
	assert_int_equal(info.held_wait_sec, 0);
	assert_int_equal(info.short_delay_sec, 2);

	/* read, write, read of our one sector, with our io as timeout */
	assert_int_equal(t_ios(md, io, 8), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(io[i]->offset, 2 * 512);
		assert_int_equal(io[i]->len, 512);
		assert_int_equal(io[i]->timeout_sec, 1);
		assert_int_equal(io[i]->rv, 0);
	}
	assert_int_equal(io[0]->op, MEMDISK_OP_READ);
	assert_int_equal(io[1]->op, MEMDISK_OP_WRITE);
	assert_int_equal(io[2]->op, MEMDISK_OP_READ);
	assert_int_equal(io[1]->start_usec, t0 * USEC);
	assert_int_equal(io[2]->start_usec, (t0 + 2) * USEC);

	t_get(md, &SZ512, 3, &lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	assert_int_equal(lr.magic, DELTA_DISK_MAGIC);
	assert_int_equal(lr.version, DELTA_DISK_VERSION);
	assert_int_equal(lr.flags, LFL_ALIGN_1M);
	assert_int_equal(lr.sector_size, 512);
	assert_int_equal(lr.num_hosts, 0);
	assert_int_equal(lr.max_hosts, 1);
	assert_int_equal(lr.owner_id, 3);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(lr.lver, 0);
	assert_string_equal(lr.space_name, "LS");
	assert_memory_equal(lr.resource_name, "host3\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_true(t_is_zero((const uint8_t *)lr.resource_name + 5, 43));
	assert_int_equal(lr.timestamp, t0);
	assert_int_equal(lr.unused1, 0);
	assert_int_equal(lr.unused2, 0);
	assert_int_equal(lr.io_timeout, 1);
	assert_int_equal(lr.write_id, 0);
	assert_int_equal(lr.write_generation, 0);
	assert_int_equal(lr.write_timestamp, 0);

	/* message record from the callback, with the new generation */
	assert_int_equal(m.calls, 1);
	assert_int_equal(m.gen, 1);
	s = t_sector(md, &SZ512, 0, 3);
	for (i = 0; i < ONDISK_MSG_SIZE; i++)
		assert_int_equal(s[200 + i], (uint8_t)(0x40 + i + 1));
	assert_true(t_is_zero(s + 256, 256));

	assert_true(dl.held);
	assert_true(dl.prev_ok);
	assert_int_equal(dl.last_success, t0);
	assert_int_equal(dl.last.owner_generation, 1);
	assert_memory_equal(dl.last_rec, s, ONDISK_LEADER_SIZE);
	assert_int_equal(info.written.timestamp, t0);
	assert_int_equal(info.prev.owner_generation, 0);
	/* other slots untouched */
	t_get(md, &SZ512, 2, &lr);
	assert_int_equal(lr.owner_id, 0);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

/* The waits use the io_timeout stored in the slot (previous holder's),
 * ours when it is 0; the record gets ours. */
static void acquire_uses_slot_io(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 3);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;
	uint64_t t0 = t_now(md);

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "h", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	assert_int_equal(t_now(md) - t0, 6);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.io_timeout, 1);

	t_get(md, &SZ512, 2, &lr);
	lr.io_timeout = 0;
	t_put(md, &SZ512, 2, &lr, 1);
	t0 = t_now(md);
	t_dl(&dl, &SZ512, 2, "h2", 4);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	assert_int_equal(t_now(md) - t0, 8);

	md = (memdisk_destroy(md), t_ls(&SZ512, 0, 10));
	memdisk_env(md, 0, &env);
	t0 = t_now(md);
	t_dl(&dl, &SZ512, 1, "h", 10);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	assert_int_equal(t_now(md) - t0, 20);
	memdisk_destroy(md);
}

static void release_then_reacquire(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl, dl2;
	struct delta_acquire_info info;
	struct ondisk_leader lr, held;
	const struct memdisk_event *io[8];
	struct t_msg m = { 0, 0 };
	uint8_t msg[ONDISK_MSG_SIZE];
	uint8_t *s;
	uint64_t t0;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, t_fill, &m, NULL), 0);
	t_get(md, &SZ512, 1, &held);

	memset(msg, 0x77, sizeof(msg));
	memdisk_log_clear(md);
	assert_int_equal(delta_lease_release(&env, &dl, msg), 0);
	assert_false(dl.held);
	assert_int_equal(t_ios(md, io, 8), 1);    /* one write, no read-back */
	assert_int_equal(io[0]->op, MEMDISK_OP_WRITE);
	assert_int_equal(io[0]->timeout_sec, 1);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.owner_id, 1);
	assert_int_equal(lr.owner_generation, 1);
	assert_memory_equal(lr.resource_name, held.resource_name, 48);
	assert_int_equal(lr.io_timeout, 1);
	s = t_sector(md, &SZ512, 0, 1);
	assert_memory_equal(s + 200, msg, sizeof(msg));
	assert_true(t_is_zero(s + 256, 256));
	/* only timestamp and checksum changed in the leader record */
	held.timestamp = 0;
	held.checksum = lr.checksum;
	assert_memory_equal(&held, &lr, sizeof(lr));

	/* a second release writes nothing */
	memdisk_log_clear(md);
	assert_int_equal(delta_lease_release(&env, &dl, NULL),
			 DELTA_RELEASE_SKIPPED);
	assert_int_equal(t_ios(md, io, 8), 0);

	/* same name again: fast path, next generation */
	t0 = t_now(md);
	t_dl(&dl2, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl2, t_fill, &m, &info), 0);
	assert_int_equal(t_now(md) - t0, 2);
	assert_true(info.fast);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.owner_generation, 2);
	assert_int_equal(lr.timestamp, t0);
	assert_int_equal(m.gen, 2);
	memdisk_destroy(md);
}

/* Our own name still holding (we crashed and restarted with a fixed
 * name): fast reacquire, generation + 1. */
static void fast_reacquire_own_name(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct delta_acquire_info info;
	struct ondisk_leader lr;
	uint64_t t0;

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 4, &lr);
	lr.owner_id = 4;
	lr.owner_generation = 7;
	lr.timestamp = 555;
	ondisk_name_set(lr.resource_name, "fixedhostname");
	t_put(md, &SZ512, 4, &lr, 1);

	t0 = t_now(md);
	t_dl(&dl, &SZ512, 4, "fixedhostname", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, &info), 0);
	assert_true(info.fast);
	assert_int_equal(t_now(md) - t0, 2);
	t_get(md, &SZ512, 4, &lr);
	assert_int_equal(lr.owner_generation, 8);
	memdisk_destroy(md);
}

/* A slot last held by another name that stopped renewing: wait
 * 8*oio + W (oio = the slot's io_timeout), re-read, take it. */
static void acquire_held_dead_other(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct delta_acquire_info info;
	struct ondisk_leader lr;
	const struct memdisk_event *io[8];
	uint64_t t0 = t_now(md);

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.owner_id = 1;
	lr.owner_generation = 5;
	lr.timestamp = 500;
	lr.io_timeout = 2;
	ondisk_name_set(lr.resource_name, "otherhost");
	t_put(md, &SZ512, 1, &lr, 1);

	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, &info), 0);
	assert_false(info.fast);
	assert_int_equal(info.held_wait_sec, 8 * 2 + 60);
	assert_int_equal(info.short_delay_sec, 2 * 2);
	assert_int_equal(t_now(md) - t0, 76 + 4);

	assert_int_equal(t_ios(md, io, 8), 4);     /* read, re-read, write, read */
	assert_int_equal(io[0]->op, MEMDISK_OP_READ);
	assert_int_equal(io[1]->op, MEMDISK_OP_READ);
	assert_int_equal(io[1]->start_usec, (t0 + 76) * USEC);
	assert_int_equal(io[2]->op, MEMDISK_OP_WRITE);
	assert_int_equal(io[3]->start_usec, (t0 + 80) * USEC);

	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.owner_generation, 6);
	assert_int_equal(lr.timestamp, t0 + 76);
	assert_int_equal(lr.io_timeout, 1);
	/* 3.8.5 mode keeps the old name's tail after our NUL */
	assert_memory_equal(lr.resource_name, "host1\0ost\0", 10);
	assert_true(dl.held);
	memdisk_destroy(md);
}

/* The holder releases while we wait: R2 is free, we continue. */
static void t_release_other(struct memdisk *md, void *arg,
			    const struct memdisk_event *ev)
{
	struct ondisk_leader lr;

	(void)arg;
	(void)ev;
	t_get(md, &SZ512, 1, &lr);
	lr.timestamp = 0;
	lr.io_timeout = 5;
	t_put(md, &SZ512, 1, &lr, 1);
}

static void acquire_held_released_meanwhile(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct delta_acquire_info info;
	struct ondisk_leader lr;
	struct memdisk_rule r;
	uint64_t t0 = t_now(md);

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.owner_id = 1;
	lr.owner_generation = 3;
	lr.timestamp = 800;
	ondisk_name_set(lr.resource_name, "otherhost");
	t_put(md, &SZ512, 1, &lr, 1);

	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 10;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_release_other;
	memdisk_add_rule(md, &r);

	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, &info), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.owner_generation, 4);
	/* held wait with the first record's io (1): 68; the released record
	 * advertises 5, so the short delay uses the larger: 10 */
	assert_int_equal(info.held_wait_sec, 68);
	assert_int_equal(info.short_delay_sec, 10);
	assert_int_equal(t_now(md) - t0, 78);
	memdisk_destroy(md);
}

/* A renewing holder's change is seen by the re-read: -262 after the wait,
 * nothing written. */
static void t_renew_other(struct memdisk *md, void *arg,
			  const struct memdisk_event *ev)
{
	struct ondisk_leader lr;

	(void)arg;
	(void)ev;
	t_get(md, &SZ512, 1, &lr);
	lr.timestamp++;
	t_put(md, &SZ512, 1, &lr, 1);
}

static void acquire_held_renewing_busy_injected(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;
	struct memdisk_rule r;
	uint64_t t0 = t_now(md);

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.owner_id = 1;
	lr.owner_generation = 3;
	lr.timestamp = 800;
	ondisk_name_set(lr.resource_name, "otherhost");
	t_put(md, &SZ512, 1, &lr, 1);

	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 30;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_renew_other;
	memdisk_add_rule(md, &r);

	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_HOSTID_BUSY);
	assert_int_equal(t_now(md) - t0, 68);
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
	assert_false(dl.held);
	assert_int_equal(delta_lease_release(&env, &dl, NULL),
			 DELTA_RELEASE_SKIPPED);
	memdisk_destroy(md);
}

/* Only a change of the io_timeout (outside the checksum) during the held
 * wait: all 200 bytes are compared, so it counts as busy. */
static void t_change_io(struct memdisk *md, void *arg,
			const struct memdisk_event *ev)
{
	struct ondisk_leader lr;

	(void)arg;
	(void)ev;
	t_get(md, &SZ512, 1, &lr);
	lr.io_timeout = 9;
	t_put(md, &SZ512, 1, &lr, 0);
}

static void acquire_held_unsealed_change_busy(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;
	struct memdisk_rule r;

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.owner_id = 1;
	lr.timestamp = 800;
	ondisk_name_set(lr.resource_name, "otherhost");
	t_put(md, &SZ512, 1, &lr, 1);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 5;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_change_io;
	memdisk_add_rule(md, &r);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_HOSTID_BUSY);
	memdisk_destroy(md);
}

/* Another host's write lands in our slot during the short delay. */
static void t_inject_other(struct memdisk *md, void *arg,
			   const struct memdisk_event *ev)
{
	struct ondisk_leader lr;
	uint8_t *s = t_sector(md, &SZ512, 0, 1);

	(void)arg;
	(void)ev;
	ondisk_leader_decode(s, &lr);
	ondisk_name_set(lr.resource_name, "intruder");
	lr.timestamp = 12345;
	t_put(md, &SZ512, 1, &lr, 1);
}

static void acquire_overwritten_busy(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk_rule r;

	(void)state;
	memdisk_env(md, 0, &env);
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_SLEEP;
	r.nth = 1;
	r.action = MEMDISK_ACT_CALL;
	r.fn = t_inject_other;
	memdisk_add_rule(md, &r);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_HOSTID_BUSY);
	assert_false(dl.held);
	memdisk_destroy(md);
}

static void acquire_bad_records(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr, good;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	t_get(md, &SZ512, 1, &good);

	lr = good;
	lr.magic = 0;
	t_put(md, &SZ512, 1, &lr, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_LEADER_MAGIC);
	lr = good;
	lr.version = 0x00020004;
	t_put(md, &SZ512, 1, &lr, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_LEADER_VERSION);
	lr = good;
	lr.version = 0x00030001;   /* other minor: accepted */
	t_put(md, &SZ512, 1, &lr, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	lr = good;
	ondisk_name_set(lr.space_name, "OTHER");
	t_put(md, &SZ512, 1, &lr, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_LEADER_LOCKSPACE);
	lr = good;
	lr.checksum ^= 0x100;
	t_put(md, &SZ512, 1, &lr, 0);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_LEADER_CHECKSUM);
	lr = good;
	lr.owner_generation = UINT64_MAX;
	t_put(md, &SZ512, 1, &lr, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 -EOVERFLOW);
	/* first failure wins: bad magic and bad checksum -> magic */
	lr = good;
	lr.magic = 1;
	t_put(md, &SZ512, 1, &lr, 0);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_LEADER_MAGIC);
	assert_false(dl.held);
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 1);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

static void acquire_io_errors(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "host1", 1);

	t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 SANLK_AIO_TIMEOUT);
	memdisk_clear_rules(md);
	t_add(md, -1, MEMDISK_OP_WRITE, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), -EIO);
	assert_false(dl.held);
	memdisk_clear_rules(md);
	t_add(md, -1, MEMDISK_OP_READ, 2, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), -EIO);
	assert_false(dl.held);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

static void acquire_abort(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	/* during the short delay */
	t_add(md, -1, MEMDISK_OP_SLEEP, 2, MEMDISK_ACT_ABORT, 0);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 DELTA_ABORTED);
	assert_int_equal(DELTA_ABORTED, -201);
	assert_false(dl.held);

	/* during the held wait: nothing written */
	memdisk_destroy(md);
	md = t_ls(&SZ512, 0, 1);
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.owner_id = 1;
	lr.timestamp = 77;
	ondisk_name_set(lr.resource_name, "otherhost");
	t_put(md, &SZ512, 1, &lr, 1);
	t_add(md, -1, MEMDISK_OP_SLEEP, 40, MEMDISK_ACT_ABORT, 0);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 DELTA_ABORTED);
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
	assert_int_equal(t_count_op(md, MEMDISK_OP_SLEEP), 40);
	memdisk_destroy(md);
}

/* A clock that does not advance: the wait gives up, bounded. */
static void acquire_clock_stall(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;

	(void)state;
	memdisk_env(md, 0, &env);
	memdisk_freeze_clock(md, 1);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL),
			 -ETIMEDOUT);
	assert_int_equal(t_count_op(md, MEMDISK_OP_SLEEP),
			 2 * 2 + DELTA_WAIT_EXTRA_STEPS);
	assert_false(dl.held);
	memdisk_destroy(md);
}

/* now() == 0 must not be written as a timestamp (0 = free). */
static void acquire_clock_zero(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;

	(void)state;
	memdisk_set_clock_offset(md, 0, -(int64_t)MEMDISK_START_SEC);
	memdisk_env(md, 0, &env);
	memdisk_freeze_clock(md, 0);
	t_dl(&dl, &SZ512, 1, "host1", 1);
	/* the wait needs the clock to move; it starts at 0 */
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.timestamp, 1);
	memdisk_destroy(md);
}

/* 48-character names are stored as 47 + NUL and so never match on the
 * fast path; 47 characters do. */
static void acquire_long_names(void **state)
{
	static const char n47[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu";
	static const char n48[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv";
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl, dl2;
	struct delta_acquire_info info;
	struct ondisk_leader lr;

	(void)state;
	assert_int_equal(strlen(n47), 47);
	assert_int_equal(strlen(n48), 48);
	memdisk_env(md, 0, &env);

	t_dl(&dl, &SZ512, 1, n48, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, &info), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_memory_equal(lr.resource_name, n47, 47);
	assert_int_equal(lr.resource_name[47], 0);
	/* crashed (no release), restarted with the same name: slow path */
	t_dl(&dl2, &SZ512, 1, n48, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl2, NULL, NULL, &info), 0);
	assert_false(info.fast);
	assert_int_equal(info.held_wait_sec, 68);

	t_dl(&dl, &SZ512, 2, n47, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, &info), 0);
	t_dl(&dl2, &SZ512, 2, n47, 1);
	assert_int_equal(delta_lease_acquire(&env, &dl2, NULL, NULL, &info), 0);
	assert_true(info.fast);
	memdisk_destroy(md);
}

/* ---- two hosts under the scheduler ---- */

struct t_host {
	struct memdisk *md;
	int      host;
	struct delta_lease dl;
	uint64_t start_usec;   /* sleep before acquiring */
	uint64_t deadline;     /* renew until this host-local time */
	int      acq_rv;
	uint64_t acq_done;     /* shared clock (s) when acquire returned */
	int      renews_ok;
	int      renews_bad;
	int      first_bad_rv;
};

static void t_prog(void *arg)
{
	struct t_host *h = arg;
	struct lease_env env;
	void *area;
	int i, rv;

	memdisk_env(h->md, h->host, &env);
	if (h->start_usec)
		env.sleep_usec(env.ctx, h->start_usec);
	h->acq_rv = delta_lease_acquire(&env, &h->dl, NULL, NULL, NULL);
	h->acq_done = memdisk_clock_usec(h->md) / USEC;
	if (h->acq_rv)
		return;
	area = env.buf_alloc(env.ctx, h->dl.sizes.align_size);
	for (i = 0; i < T_MAX_RENEWS && env.now(env.ctx) < h->deadline; i++) {
		env.sleep_usec(env.ctx, 2ull * h->dl.io_timeout * USEC);
		rv = delta_lease_renew(&env, &h->dl, area, NULL, NULL);
		if (rv == 0) {
			h->renews_ok++;
		} else {
			if (!h->renews_bad)
				h->first_bad_rv = rv;
			h->renews_bad++;
		}
	}
	env.buf_free(env.ctx, area);
}

static void t_run2(struct memdisk *md, struct t_host *a, struct t_host *b,
		   uint32_t seed)
{
	memdisk_host_fn fns[2] = { t_prog, t_prog };
	void *args[2] = { a, b };

	memdisk_run(md, 2, fns, args, seed);
}

/* A holder that keeps renewing: the other name gets -262 after the held
 * wait, and the holder's renewals never notice anything. */
static void held_live_other_busy(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct t_host a, b;
	uint64_t t0 = memdisk_clock_usec(md) / USEC;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.md = b.md = md;
	a.host = 0;
	b.host = 1;
	memdisk_set_clock_offset(md, 1, 5000);   /* unrelated clocks */
	t_dl(&a.dl, &SZ512, 1, "hostA", 1);
	t_dl(&b.dl, &SZ512, 1, "hostB", 1);
	a.deadline = memdisk_now(md, 0) + 120;
	b.start_usec = 10 * USEC;
	t_run2(md, &a, &b, 0);

	assert_int_equal(a.acq_rv, 0);
	assert_int_equal(a.renews_bad, 0);
	assert_true(a.renews_ok >= 50);
	assert_int_equal(b.acq_rv, SANLK_HOSTID_BUSY);
	assert_int_equal(b.acq_done - t0, 10 + 68);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

/* The holder stops renewing (dies) at about t0+22.  A joiner that first
 * read the slot while it was still renewing gets -262 (one wait only); a
 * joiner that starts after the death takes the slot 8*io + W later, and
 * the dead holder's next renewal (were it to run) fails RENEW_OWNER. */
static void held_dead_other_takeover(void **state)
{
	uint64_t starts[2] = { 10, 30 };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct memdisk *md = t_ls(&SZ512, 0, 1);
		uint64_t t0 = memdisk_clock_usec(md) / USEC;
		struct t_host a, b;
		struct ondisk_leader lr;
		struct lease_env env;
		void *area;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.md = b.md = md;
		a.host = 0;
		b.host = 1;
		t_dl(&a.dl, &SZ512, 1, "hostA", 1);
		t_dl(&b.dl, &SZ512, 1, "hostB", 1);
		a.deadline = memdisk_now(md, 0) + 20;
		b.start_usec = starts[i] * USEC;
		t_run2(md, &a, &b, 0);

		assert_int_equal(a.acq_rv, 0);
		assert_int_equal(a.renews_bad, 0);
		assert_int_equal(a.renews_ok, 9);    /* t0+4 .. t0+20 */
		t_get(md, &SZ512, 1, &lr);
		if (i == 0) {
			assert_int_equal(b.acq_rv, SANLK_HOSTID_BUSY);
			assert_int_equal(b.acq_done - t0, 10 + 68);
			assert_string_equal(lr.resource_name, "hostA");
			memdisk_destroy(md);
			continue;
		}
		assert_int_equal(b.acq_rv, 0);
		assert_int_equal(b.acq_done - t0, 30 + 68 + 2);
		assert_string_equal(lr.resource_name, "hostB");
		assert_int_equal(lr.owner_generation, 2);

		memdisk_env(md, 0, &env);
		area = env.buf_alloc(env.ctx, SZ512.align_size);
		assert_int_equal(delta_lease_renew(&env, &a.dl, area, NULL, NULL),
				 SANLK_RENEW_OWNER);
		env.buf_free(env.ctx, area);
		assert_int_equal(memdisk_bufs_live(md), 0);
		memdisk_destroy(md);
	}
}

/* Two names race for one free host_id; both keep renewing if they get it.
 * Exactly one wins, whatever the interleaving. */
static void race_two_hosts(void **state)
{
	uint32_t seed;
	int wins[2] = { 0, 0 };

	(void)state;
	for (seed = 0; seed < 60; seed++) {
		struct memdisk *md = t_ls(&SZ512, 0, 1);
		struct t_host a, b;
		struct ondisk_leader lr;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.md = b.md = md;
		a.host = 0;
		b.host = 1;
		t_dl(&a.dl, &SZ512, 7, "hostA", 1);
		t_dl(&b.dl, &SZ512, 7, "hostB", 1);
		/* seed 0: both start together, round-robin; others: random
		 * switching and a start offset of 0..2.5 s for B */
		b.start_usec = seed ? (seed % 6) * 500000ull : 0;
		a.deadline = memdisk_now(md, 0) + 100;
		b.deadline = memdisk_now(md, 1) + 100;
		t_run2(md, &a, &b, seed);

		assert_true((a.acq_rv == 0) != (b.acq_rv == 0));
		if (a.acq_rv) {
			assert_int_equal(a.acq_rv, SANLK_HOSTID_BUSY);
		} else {
			assert_int_equal(b.acq_rv, SANLK_HOSTID_BUSY);
		}
		assert_int_equal(a.renews_bad + b.renews_bad, 0);
		t_get(md, &SZ512, 7, &lr);
		assert_string_equal(lr.resource_name, a.acq_rv ? "hostB" : "hostA");
		assert_int_equal(lr.owner_generation, 1);
		wins[a.acq_rv ? 1 : 0]++;
		assert_int_equal(memdisk_bufs_live(md), 0);
		memdisk_destroy(md);
	}
	/* both outcomes occur across the interleavings */
	assert_true(wins[0] > 0);
	assert_true(wins[1] > 0);
}

/* ---- renewal ---- */

/* Acquired lease of host_id `id` on a fresh lockspace. */
static struct memdisk *t_held(const struct ondisk_sizes *sz, uint64_t id,
			      struct delta_lease *dl, struct lease_env *env)
{
	struct memdisk *md = t_ls(sz, 0, 1);
	struct t_msg m = { 0, 0 };

	memdisk_env(md, 0, env);
	t_dl(dl, sz, id, "host", 1);
	assert_int_equal(delta_lease_acquire(env, dl, t_fill, &m, NULL), 0);
	memdisk_log_clear(md);
	return md;
}

static void renew_happy(const struct ondisk_sizes *sz, uint64_t id)
{
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md = t_held(sz, id, &dl, &env);
	struct delta_renew_extra ex;
	struct delta_renew_result res;
	struct ondisk_leader lr, before;
	const struct memdisk_event *io[8];
	uint8_t bitmap[ONDISK_BITMAP_SIZE], msg[ONDISK_MSG_SIZE];
	uint8_t *area, *s;
	uint64_t t1;

	t_get(md, sz, id, &before);
	memdisk_advance(md, 2 * USEC);
	t1 = t_now(md);
	area = env.buf_alloc(env.ctx, sz->align_size);
	memset(&ex, 0, sizeof(ex));
	ex.event_generation = 7;
	ex.event_event = 5;
	ex.event_data = 9;
	memset(bitmap, 0, sizeof(bitmap));
	ondisk_bitmap_set(bitmap, 2);
	ondisk_bitmap_set(bitmap, 9);
	ondisk_bitmap_set(bitmap, 2000);
	memset(msg, 0x5A, sizeof(msg));
	ex.bitmap = bitmap;
	ex.msg = msg;
	assert_int_equal(delta_lease_renew(&env, &dl, area, &ex, &res), 0);

	/* one read of the whole area, one write of our sector */
	assert_int_equal(t_ios(md, io, 8), 2);
	assert_int_equal(io[0]->op, MEMDISK_OP_READ);
	assert_int_equal(io[0]->offset, 0);
	assert_int_equal(io[0]->len, sz->align_size);
	assert_int_equal(io[0]->timeout_sec, 1);
	assert_int_equal(io[1]->op, MEMDISK_OP_WRITE);
	assert_int_equal(io[1]->offset, (id - 1) * sz->sector_size);
	assert_int_equal(io[1]->len, sz->sector_size);
	assert_int_equal(io[1]->timeout_sec, 8 + 60);
	assert_int_equal(res.read_rv, 0);
	assert_false(res.read_extended);
	assert_int_equal(res.read_timeout, 1);
	assert_int_equal(res.read_time, t1);
	assert_int_equal(res.timestamp, t1);

	/* area_buf holds the pre-write image */
	ondisk_leader_decode(area + (id - 1) * sz->sector_size, &lr);
	assert_int_equal(lr.timestamp, before.timestamp);

	s = t_sector(md, sz, 0, id);
	t_get(md, sz, id, &lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	assert_int_equal(lr.timestamp, t1);
	assert_int_equal(lr.write_id, 7);
	assert_int_equal(lr.write_generation, 5);
	assert_int_equal(lr.write_timestamp, 9);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(lr.io_timeout, 1);
	assert_memory_equal(s + 200, msg, sizeof(msg));
	assert_int_equal(s[256], 0x02);
	assert_int_equal(s[257], 0x01);
	assert_int_equal(s[505], 0x80);
	assert_memory_equal(s + 256, bitmap, sizeof(bitmap));
	assert_true(t_is_zero(s + 512, sz->sector_size - 512));
	assert_int_equal(dl.last_success, t1);
	assert_memory_equal(dl.last_rec, s, ONDISK_LEADER_SIZE);

	/* direct renew_id style: write_* kept, bitmap and message zero */
	memdisk_advance(md, 2 * USEC);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	t_get(md, sz, id, &lr);
	assert_int_equal(lr.timestamp, t1 + 2);
	assert_int_equal(lr.write_id, 7);
	assert_int_equal(lr.write_generation, 5);
	assert_int_equal(lr.write_timestamp, 9);
	assert_true(t_is_zero(s + 200, sz->sector_size - 200));
	/* and an event cleared */
	memset(&ex, 0, sizeof(ex));
	assert_int_equal(delta_lease_renew(&env, &dl, area, &ex, &res), 0);
	t_get(md, sz, id, &lr);
	assert_int_equal(lr.write_generation, 0);

	env.buf_free(env.ctx, area);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

static void renew_happy_512(void **state)
{
	(void)state;
	renew_happy(&SZ512, 3);
	renew_happy(&SZ512, 2000);
}

static void renew_happy_4k(void **state)
{
	(void)state;
	renew_happy(&SZ4K8M, 5);
}

/* Modify our on-disk record with fn and reseal. */
static int t_renew_after(struct memdisk *md, struct delta_lease *dl,
			 struct lease_env *env,
			 void (*fn)(struct ondisk_leader *), int seal)
{
	struct ondisk_leader lr;
	void *area;
	int rv;

	t_get(md, &SZ512, dl->host_id, &lr);
	fn(&lr);
	t_put(md, &SZ512, dl->host_id, &lr, seal);
	area = env->buf_alloc(env->ctx, SZ512.align_size);
	rv = delta_lease_renew(env, dl, area, NULL, NULL);
	env->buf_free(env->ctx, area);
	return rv;
}

static void m_owner(struct ondisk_leader *lr) { lr->owner_id = 9; }
static void m_gen(struct ondisk_leader *lr) { lr->owner_generation++; }
static void m_name(struct ondisk_leader *lr) { lr->resource_name[0] ^= 1; }
static void m_name_tail(struct ondisk_leader *lr) { lr->resource_name[47] = 'x'; }
static void m_ts(struct ondisk_leader *lr) { lr->timestamp += 3; }
static void m_io(struct ondisk_leader *lr) { lr->io_timeout = 4; }
static void m_evt(struct ondisk_leader *lr) { lr->write_timestamp = 1; }
static void m_free(struct ondisk_leader *lr) { lr->timestamp = 0; }
static void m_magic(struct ondisk_leader *lr) { lr->magic = 0x12345678; }
static void m_version(struct ondisk_leader *lr) { lr->version = 0x00040004; }
static void m_space(struct ondisk_leader *lr) { ondisk_name_set(lr->space_name, "LX"); }
static void m_nothing(struct ondisk_leader *lr) { (void)lr; }

static void renew_owner_diff(void **state)
{
	static void (*const owner[])(struct ondisk_leader *) = {
		m_owner, m_gen, m_name, m_name_tail,
	};
	static void (*const diff[])(struct ondisk_leader *) = {
		m_ts, m_io, m_evt, m_free,
	};
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(owner) / sizeof(owner[0]); i++) {
		md = t_held(&SZ512, 2, &dl, &env);
		assert_int_equal(t_renew_after(md, &dl, &env, owner[i], 1),
				 SANLK_RENEW_OWNER);
		assert_true(delta_is_corrupt_result(SANLK_RENEW_OWNER));
		assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
		/* and no release over someone else's slot */
		assert_int_equal(delta_lease_release(&env, &dl, NULL),
				 DELTA_RELEASE_SKIPPED);
		memdisk_destroy(md);
	}
	for (i = 0; i < sizeof(diff) / sizeof(diff[0]); i++) {
		md = t_held(&SZ512, 2, &dl, &env);
		assert_int_equal(t_renew_after(md, &dl, &env, diff[i], 1),
				 SANLK_RENEW_DIFF);
		assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
		/* after a failed attempt only identity is checked */
		assert_int_equal(t_renew_after(md, &dl, &env, m_nothing, 1), 0);
		memdisk_destroy(md);
	}
	/* identity changes are caught after a failed attempt too */
	md = t_held(&SZ512, 2, &dl, &env);
	assert_int_equal(t_renew_after(md, &dl, &env, m_ts, 1), SANLK_RENEW_DIFF);
	assert_int_equal(t_renew_after(md, &dl, &env, m_gen, 1), SANLK_RENEW_OWNER);
	memdisk_destroy(md);
}

static void renew_bad_records(void **state)
{
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md;

	(void)state;
	md = t_held(&SZ512, 2, &dl, &env);
	assert_int_equal(t_renew_after(md, &dl, &env, m_magic, 1),
			 SANLK_LEADER_MAGIC);
	memdisk_destroy(md);
	md = t_held(&SZ512, 2, &dl, &env);
	assert_int_equal(t_renew_after(md, &dl, &env, m_version, 1),
			 SANLK_LEADER_VERSION);
	memdisk_destroy(md);
	md = t_held(&SZ512, 2, &dl, &env);
	assert_int_equal(t_renew_after(md, &dl, &env, m_space, 1),
			 SANLK_LEADER_LOCKSPACE);
	memdisk_destroy(md);
	md = t_held(&SZ512, 2, &dl, &env);
	assert_int_equal(t_renew_after(md, &dl, &env, m_ts, 0),
			 SANLK_LEADER_CHECKSUM);
	assert_true(delta_is_corrupt_result(SANLK_LEADER_CHECKSUM));
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
	memdisk_destroy(md);
}

/* Another host's bad slot does not concern our renewal. */
static void renew_ignores_other_slots(void **state)
{
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md = t_held(&SZ512, 2, &dl, &env);
	uint8_t junk[512];
	void *area;

	(void)state;
	memset(junk, 0xEE, sizeof(junk));
	memdisk_poke(md, 0, 0, junk, sizeof(junk));
	memdisk_poke(md, 0, 2 * 512, junk, sizeof(junk));
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, NULL), 0);
	env.buf_free(env.ctx, area);
	memdisk_destroy(md);
}

static void renew_read_timeout_extension(void **state)
{
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md = t_held(&SZ512, 1, &dl, &env);
	struct delta_renew_result res;
	void *area;
	uint64_t c0;

	(void)state;
	/* 1: the read times out after io seconds */
	t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_TIMEOUT, 0);
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	c0 = memdisk_clock_usec(md);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(res.read_rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(res.timestamp, 0);
	assert_int_equal(memdisk_clock_usec(md) - c0, 1 * USEC);
	assert_false(delta_is_corrupt_result(SANLK_AIO_TIMEOUT));
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
	env.buf_free(env.ctx, area);            /* dropped, never reused */

	/* 2: the next read waits io + extension (io by default) */
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	assert_true(res.read_extended);
	assert_int_equal(res.read_timeout, 2);
	/* 3: back to io after a good read */
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	assert_false(res.read_extended);
	assert_int_equal(res.read_timeout, 1);

	/* a read error (not a timeout) does not extend the next read */
	memdisk_clear_rules(md);
	t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), -EIO);
	assert_int_equal(res.read_rv, -EIO);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	assert_false(res.read_extended);

	/* after a timeout, a read slower than io but within io + extension
	 * succeeds */
	memdisk_clear_rules(md);
	t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_TIMEOUT, 0);
	env.buf_free(env.ctx, area);
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res),
			 SANLK_AIO_TIMEOUT);
	env.buf_free(env.ctx, area);
	memdisk_clear_rules(md);
	{
		struct memdisk_rule r;

		memdisk_rule_init(&r);
		r.ops = MEMDISK_OP_READ;
		r.action = MEMDISK_ACT_DELAY;
		r.delay_usec = 1500000;
		memdisk_add_rule(md, &r);
	}
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	assert_true(res.read_extended);
	env.buf_free(env.ctx, area);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);

	/* configured extension: 0 -> 0.5 s (rounded up to 1), 3 -> 3 */
	{
		struct delta_lease_params p;
		int ext[2] = { 0, 3 }, want[2] = { 1 + 1, 1 + 3 }, i;

		for (i = 0; i < 2; i++) {
			struct t_msg m = { 0, 0 };

			md = t_ls(&SZ512, 0, 1);
			memdisk_env(md, 0, &env);
			memset(&p, 0, sizeof(p));
			p.space_name = "LS";
			p.host_name = "h";
			p.host_id = 1;
			p.sizes = SZ512;
			p.io_timeout = 1;
			p.fire_timeout = 60;
			p.read_extend_sec = ext[i];
			assert_int_equal(delta_lease_init(&dl, &p), 0);
			assert_int_equal(delta_lease_acquire(&env, &dl, t_fill,
							     &m, NULL), 0);
			t_add(md, -1, MEMDISK_OP_READ, 1, MEMDISK_ACT_TIMEOUT, 0);
			area = env.buf_alloc(env.ctx, SZ512.align_size);
			assert_int_equal(delta_lease_renew(&env, &dl, area, NULL,
							   &res), SANLK_AIO_TIMEOUT);
			env.buf_free(env.ctx, area);
			area = env.buf_alloc(env.ctx, SZ512.align_size);
			assert_int_equal(delta_lease_renew(&env, &dl, area, NULL,
							   &res), 0);
			assert_int_equal(res.read_timeout, want[i]);
			env.buf_free(env.ctx, area);
			memdisk_destroy(md);
		}
	}
}

/* A renewal write that timed out and lands late: the next renewal checks
 * only ownership, so our own late write is not RENEW_DIFF. */
static void renew_write_timeout_late_landing(void **state)
{
	struct lease_env env;
	struct delta_lease dl;
	struct memdisk *md = t_held(&SZ512, 1, &dl, &env);
	struct delta_renew_result res;
	struct memdisk_rule r;
	struct ondisk_leader lr;
	uint64_t t_acq = dl.last_success, c0;
	void *area;

	(void)state;
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_WRITE;
	r.action = MEMDISK_ACT_TIMEOUT;
	r.lands = 1;
	r.land_after_ios = 1;     /* lands just before the next I/O */
	memdisk_add_rule(md, &r);
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	memdisk_advance(md, 2 * USEC);
	c0 = memdisk_clock_usec(md);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res),
			 SANLK_AIO_TIMEOUT);
	/* the write had the long timeout */
	assert_int_equal(memdisk_clock_usec(md) - c0, 68 * USEC);
	assert_int_equal(res.read_rv, 0);
	assert_false(dl.prev_ok);
	assert_int_equal(dl.last_success, t_acq);
	assert_int_equal(memdisk_pending(md), 1);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.timestamp, t_acq);

	/* the late write lands before the next read; renewal succeeds */
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), 0);
	assert_int_equal(memdisk_pending(md), 0);
	assert_true(dl.prev_ok);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.timestamp, res.timestamp);

	/* a failed renewal makes release a no-op */
	memdisk_clear_rules(md);
	t_add(md, -1, MEMDISK_OP_WRITE, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, &res), -EIO);
	memdisk_log_clear(md);
	assert_int_equal(delta_lease_release(&env, &dl, NULL),
			 DELTA_RELEASE_SKIPPED);
	assert_int_equal(t_count_op(md, MEMDISK_OP_WRITE), 0);
	env.buf_free(env.ctx, area);
	memdisk_destroy(md);
}

/* unused1/unused2 and the event words: carried by the 3.8.5-mode acquire,
 * renewal and release; zeroed by our daemon's acquire. */
static void unused_fields_and_release(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct delta_renew_extra ex;
	struct ondisk_leader lr;
	struct t_msg m = { 0, 0 };
	void *area;

	(void)state;
	memdisk_env(md, 0, &env);
	t_get(md, &SZ512, 1, &lr);
	lr.unused1 = 0x1122334455667788ull;
	lr.unused2 = 0xbeef;
	lr.write_generation = 3;
	t_put(md, &SZ512, 1, &lr, 1);
	t_put(md, &SZ512, 2, &lr, 1);

	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.unused1, 0x1122334455667788ull);
	assert_int_equal(lr.unused2, 0xbeef);
	assert_int_equal(lr.write_generation, 3);

	area = env.buf_alloc(env.ctx, SZ512.align_size);
	memset(&ex, 0, sizeof(ex));
	ex.event_generation = 1;
	ex.event_event = 6;
	ex.event_data = 2;
	assert_int_equal(delta_lease_renew(&env, &dl, area, &ex, NULL), 0);
	assert_int_equal(delta_lease_release(&env, &dl, NULL), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.timestamp, 0);
	assert_int_equal(lr.unused1, 0x1122334455667788ull);
	assert_int_equal(lr.unused2, 0xbeef);
	assert_int_equal(lr.write_id, 1);
	assert_int_equal(lr.write_generation, 6);
	assert_int_equal(lr.write_timestamp, 2);
	assert_int_equal(lr.owner_generation, 1);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	assert_true(t_is_zero(t_sector(md, &SZ512, 0, 1) + 200, 312));
	env.buf_free(env.ctx, area);

	t_dl(&dl, &SZ512, 2, "host2", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, t_fill, &m, NULL), 0);
	t_get(md, &SZ512, 2, &lr);
	assert_int_equal(lr.unused1, 0);
	assert_int_equal(lr.unused2, 0);
	assert_int_equal(lr.write_generation, 3);   /* event words carried */
	memdisk_destroy(md);
}

/* `direct renew_id / release_id`: adopt the on-disk record. */
static void adopt_direct(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 10);
	struct lease_env env;
	struct delta_lease dl, d2;
	struct ondisk_leader lr;
	void *area;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl(&dl, &SZ512, 1, "host1", 10);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);

	/* another process, io 1, another name: renews, rewriting io */
	t_dl(&d2, &SZ512, 1, "other", 1);
	assert_int_equal(delta_lease_adopt(&env, &d2), 0);
	assert_true(d2.held);
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	memdisk_advance(md, 5 * USEC);
	assert_int_equal(delta_lease_renew(&env, &d2, area, NULL, NULL), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.io_timeout, 1);
	assert_string_equal(lr.resource_name, "host1");
	assert_int_equal(lr.timestamp, t_now(md));
	env.buf_free(env.ctx, area);

	assert_int_equal(delta_lease_adopt(&env, &d2), 0);
	assert_int_equal(delta_lease_release(&env, &d2, NULL), 0);
	t_get(md, &SZ512, 1, &lr);
	assert_int_equal(lr.timestamp, 0);

	/* a slot never acquired as this host_id: -22 like 3.8.5 */
	t_dl(&d2, &SZ512, 5, "x", 1);
	assert_int_equal(delta_lease_adopt(&env, &d2), -EINVAL);
	assert_false(d2.held);
	memdisk_destroy(md);
}

/* A lockspace that does not start at offset 0. */
static void nonzero_offset(void **state)
{
	const uint64_t off = 3 * 1048576ull;
	struct memdisk *md = t_ls(&SZ512, off, 1);
	struct lease_env env;
	struct delta_lease dl;
	struct ondisk_leader lr;
	const struct memdisk_event *io[8];
	void *area;

	(void)state;
	memdisk_env(md, 0, &env);
	t_dl_off(&dl, &SZ512, off, 2, "host2", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	ondisk_leader_decode(t_sector(md, &SZ512, off, 2), &lr);
	assert_int_equal(lr.owner_id, 2);
	assert_int_equal(lr.owner_generation, 1);
	assert_true(t_is_zero(memdisk_data(md, 0), off));

	memdisk_log_clear(md);
	area = env.buf_alloc(env.ctx, SZ512.align_size);
	assert_int_equal(delta_lease_renew(&env, &dl, area, NULL, NULL), 0);
	assert_int_equal(t_ios(md, io, 8), 2);
	assert_int_equal(io[0]->offset, off);
	assert_int_equal(io[0]->len, 1048576);
	assert_int_equal(io[1]->offset, off + 512);
	ondisk_leader_decode((uint8_t *)area + 512, &lr);
	assert_int_equal(lr.owner_id, 2);
	env.buf_free(env.ctx, area);
	assert_int_equal(delta_lease_release(&env, &dl, NULL), 0);
	assert_true(t_is_zero(memdisk_data(md, 0), off));
	memdisk_destroy(md);
}

/* ---- byte images from Debian's sanlock 3.8.5 ----
 * truncate -s 1M F; sanlock direct init -s LS:0:F:0 -o 1
 * sanlock direct acquire_id -s LS:1:F:0 -o 1 -e host1      (A)
 * sanlock direct release_id -s LS:1:F:0 -o 1 -e host1      (R)
 * sanlock direct acquire_id -s LS:2:F:0 -o 1 -e oldhostname
 * sanlock direct release_id -s LS:2:F:0 -e oldhostname
 * sanlock direct acquire_id -s LS:2:F:0 -o 1 -e hostA      (B)
 * Sector bytes 0..175 (the rest of each 512-byte sector was zero). */
static const uint8_t deb_head[] = {
	0x10, 0x20, 0x21, 0x12, 0x04, 0x00, 0x03, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

struct deb_image {
	uint64_t owner_gen;          /* at 0x20: owner_id, 0x28: generation */
	uint64_t owner_id;
	uint8_t  name[24];           /* at 0x68 */
	uint64_t timestamp;          /* at 0x98 */
	uint32_t checksum;           /* at 0xa8 */
};

static const struct deb_image deb_a = {
	1, 1, "host1", 0x275, 0xff58fc03u,
};
static const struct deb_image deb_r = {
	1, 1, "host1", 0, 0x66bf7c29u,
};
static const struct deb_image deb_b = {
	2, 2, { 'h', 'o', 's', 't', 'A', 0, 't', 'n', 'a', 'm', 'e', 0 },
	0x279, 0x08d8f7c1u,
};

static void deb_build(const struct deb_image *d, uint8_t out[512])
{
	int i;

	memset(out, 0, 512);
	memcpy(out, deb_head, sizeof(deb_head));
	for (i = 0; i < 8; i++) {
		out[0x20 + i] = (uint8_t)(d->owner_id >> (8 * i));
		out[0x28 + i] = (uint8_t)(d->owner_gen >> (8 * i));
		out[0x98 + i] = (uint8_t)(d->timestamp >> (8 * i));
	}
	out[0x38] = 'L';
	out[0x39] = 'S';
	memcpy(out + 0x68, d->name, sizeof(d->name));
	for (i = 0; i < 4; i++)
		out[0xa8 + i] = (uint8_t)(d->checksum >> (8 * i));
	out[0xae] = 0x01;            /* io_timeout 1 */
}

/* Replace timestamp (and so the checksum) of a recorded image. */
static void deb_normalise(uint8_t img[512], uint64_t ts)
{
	uint32_t crc;
	int i;

	for (i = 0; i < 8; i++)
		img[0x98 + i] = (uint8_t)(ts >> (8 * i));
	crc = ondisk_checksum(img, ONDISK_LEADER_CHECKSUM_LEN);
	for (i = 0; i < 4; i++)
		img[0xa8 + i] = (uint8_t)(crc >> (8 * i));
}

static void debian_images(void **state)
{
	struct memdisk *md = t_ls(&SZ512, 0, 1);
	struct lease_env env;
	struct delta_lease dl;
	uint8_t want[512];

	(void)state;
	memdisk_env(md, 0, &env);

	/* the recorded checksums are what our CRC computes */
	deb_build(&deb_a, want);
	assert_int_equal(ondisk_checksum(want, 168), deb_a.checksum);
	deb_build(&deb_r, want);
	assert_int_equal(ondisk_checksum(want, 168), deb_r.checksum);
	deb_build(&deb_b, want);
	assert_int_equal(ondisk_checksum(want, 168), deb_b.checksum);

	t_dl(&dl, &SZ512, 1, "host1", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	deb_build(&deb_a, want);
	deb_normalise(want, dl.last_success);
	assert_memory_equal(t_sector(md, &SZ512, 0, 1), want, 512);

	assert_int_equal(delta_lease_release(&env, &dl, NULL), 0);
	deb_build(&deb_r, want);
	assert_memory_equal(t_sector(md, &SZ512, 0, 1), want, 512);

	t_dl(&dl, &SZ512, 2, "oldhostname", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	assert_int_equal(delta_lease_release(&env, &dl, NULL), 0);
	t_dl(&dl, &SZ512, 2, "hostA", 1);
	assert_int_equal(delta_lease_acquire(&env, &dl, NULL, NULL, NULL), 0);
	deb_build(&deb_b, want);
	deb_normalise(want, dl.last_success);
	assert_memory_equal(t_sector(md, &SZ512, 0, 2), want, 512);
	memdisk_destroy(md);
}

/* ---- memdisk itself ---- */

static void memdisk_basics(void **state)
{
	struct memdisk *md = memdisk_create(512, 4096, 2);
	struct lease_env env;
	struct memdisk_rule r;
	uint8_t *buf;

	(void)state;
	memdisk_env(md, 0, &env);
	buf = env.buf_alloc(env.ctx, 512);
	assert_int_equal((uintptr_t)buf % 4096, 0);
	assert_int_equal(env.read(env.ctx, 0, 100, buf, 512, 1), -EINVAL);
	assert_int_equal(env.read(env.ctx, 0, 4096, buf, 512, 1), -EINVAL);
	assert_int_equal(env.read(env.ctx, 2, 0, buf, 512, 1), -EINVAL);
	memset(buf, 0x11, 512);
	assert_int_equal(env.write(env.ctx, 1, 512, buf, 512, 1), 0);
	assert_int_equal(memdisk_data(md, 1)[512], 0x11);
	assert_int_equal(memdisk_data(md, 0)[512], 0);

	/* a write that times out and lands 3 s after it started */
	memdisk_rule_init(&r);
	r.ops = MEMDISK_OP_WRITE;
	r.action = MEMDISK_ACT_TIMEOUT;
	r.lands = 1;
	r.land_after_usec = 3 * USEC;
	memdisk_add_rule(md, &r);
	memset(buf, 0x22, 512);
	assert_int_equal(env.write(env.ctx, 0, 0, buf, 512, 2),
			 SANLK_AIO_TIMEOUT);
	assert_int_equal(memdisk_data(md, 0)[0], 0);
	assert_int_equal(memdisk_pending(md), 1);
	assert_int_equal(env.sleep_usec(env.ctx, 500000), 0);
	assert_int_equal(memdisk_data(md, 0)[0], 0);
	assert_int_equal(env.sleep_usec(env.ctx, 500000), 0);
	assert_int_equal(memdisk_data(md, 0)[0], 0x22);
	assert_int_equal(memdisk_pending(md), 0);
	assert_int_equal(memdisk_rule_fired(md, 0), 1);

	env.buf_free(env.ctx, buf);
	assert_int_equal(memdisk_bufs_live(md), 0);
	memdisk_destroy(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timeouts_formulas),
		cmocka_unit_test(corrupt_results),
		cmocka_unit_test(init_params),
		cmocka_unit_test(probe_sizes),
		cmocka_unit_test(acquire_fresh),
		cmocka_unit_test(acquire_uses_slot_io),
		cmocka_unit_test(release_then_reacquire),
		cmocka_unit_test(fast_reacquire_own_name),
		cmocka_unit_test(acquire_held_dead_other),
		cmocka_unit_test(acquire_held_released_meanwhile),
		cmocka_unit_test(acquire_held_renewing_busy_injected),
		cmocka_unit_test(acquire_held_unsealed_change_busy),
		cmocka_unit_test(acquire_overwritten_busy),
		cmocka_unit_test(acquire_bad_records),
		cmocka_unit_test(acquire_io_errors),
		cmocka_unit_test(acquire_abort),
		cmocka_unit_test(acquire_clock_stall),
		cmocka_unit_test(acquire_clock_zero),
		cmocka_unit_test(acquire_long_names),
		cmocka_unit_test(held_live_other_busy),
		cmocka_unit_test(held_dead_other_takeover),
		cmocka_unit_test(race_two_hosts),
		cmocka_unit_test(renew_happy_512),
		cmocka_unit_test(renew_happy_4k),
		cmocka_unit_test(renew_owner_diff),
		cmocka_unit_test(renew_bad_records),
		cmocka_unit_test(renew_ignores_other_slots),
		cmocka_unit_test(renew_read_timeout_extension),
		cmocka_unit_test(renew_write_timeout_late_landing),
		cmocka_unit_test(unused_fields_and_release),
		cmocka_unit_test(adopt_direct),
		cmocka_unit_test(nonzero_offset),
		cmocka_unit_test(debian_images),
		cmocka_unit_test(memdisk_basics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
