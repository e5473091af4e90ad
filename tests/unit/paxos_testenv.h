/*
 * paxos_testenv.h - fixtures for the unit tests of lease/paxos
 * (tests/unit/test_paxos*.c), on top of memdisk: a lockspace "LS" (delta
 * leases) at offset 0 and a resource "LS:R1" at T_RES_OFF of every disk,
 * record peek/poke helpers, and a struct paxos_host_ops whose read_delta
 * really reads the delta slot from the memdisk (disk 0) through the
 * acquiring host's env, while host_info / host_live come from tables the
 * test fills in.
 *
 * Header-only (static functions) so it is linked only into the test files
 * that include it.  Test code: cmocka asserts on the main thread; host
 * programs run under memdisk_run record results for the main thread.
 */
#ifndef PAXOS_TESTENV_H
#define PAXOS_TESTENV_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lease/paxos.h"
#include "tests/unit/memdisk.h"

#define USEC          1000000ull
#define T_RES_OFF     8388608ull          /* resource area of every disk */
#define T_DISK_SIZE   (2 * T_RES_OFF)     /* lockspace at 0, resource at 8M */
#define T_MAX_HOST    8                   /* host_ids used by the tests */
#define T_IO          10                  /* our io_timeout */
#define T_W           60                  /* watchdog fire timeout */

static const struct ondisk_sizes SZ512 = { 512, 1048576, 2000 };
static const struct ondisk_sizes SZ4K1M = { 4096, 1048576, 250 };
static const struct ondisk_sizes SZ4K8M = { 4096, 8388608, 2000 };

/* ---- disks ---- */

/* num_disks disks, each with a free lockspace "LS" at 0 and a freshly
 * initialised resource "LS:R1" (num_hosts; 0 = max) at T_RES_OFF. */
static inline struct memdisk *t_md(const struct ondisk_sizes *sz, int num_disks,
				   uint64_t num_hosts)
{
	struct memdisk *md = memdisk_create(sz->sector_size, T_DISK_SIZE,
					    num_disks);
	uint8_t *img = calloc(1, sz->align_size);
	int d;

	assert_non_null(img);
	for (d = 0; d < num_disks; d++) {
		ondisk_lockspace_image(img, sz, "LS", T_IO, 1);
		memdisk_poke(md, d, 0, img, sz->align_size);
		ondisk_resource_image(img, sz, "LS", "R1", num_hosts, 0, 0);
		memdisk_poke(md, d, T_RES_OFF, img, sz->align_size);
	}
	free(img);
	return md;
}

/* Our lease as host_id/gen on all disks of md. */
static inline void t_pl(struct paxos_lease *pl, const struct ondisk_sizes *sz,
			int num_disks, uint64_t host_id, uint64_t gen)
{
	struct paxos_lease_params p;
	int d;

	memset(&p, 0, sizeof(p));
	p.space_name = "LS";
	p.res_name = "R1";
	p.num_disks = num_disks;
	for (d = 0; d < num_disks; d++)
		p.offsets[d] = T_RES_OFF;
	p.sizes = *sz;
	p.host_id = host_id;
	p.generation = gen;
	p.io_timeout = T_IO;
	p.fire_timeout = T_W;
	assert_int_equal(paxos_lease_setup(pl, &p), 0);
}

static inline uint8_t *t_res(struct memdisk *md, int disk)
{
	return memdisk_data(md, disk) + T_RES_OFF;
}

static inline void t_leader_get(struct memdisk *md, int disk,
				struct ondisk_leader *lr)
{
	ondisk_leader_decode(t_res(md, disk), lr);
}

/* Write lr as the resource's leader sector (sealed). */
static inline void t_leader_put(struct memdisk *md, int disk,
				const struct ondisk_sizes *sz,
				struct ondisk_leader *lr)
{
	uint8_t *s = t_res(md, disk);

	memset(s, 0, sz->sector_size);
	ondisk_leader_seal(lr, s);
}

static inline uint8_t *t_host_sector(struct memdisk *md, int disk,
				     const struct ondisk_sizes *sz, uint64_t h)
{
	return t_res(md, disk) + (h + 1) * sz->sector_size;
}

static inline void t_dblock_get(struct memdisk *md, int disk,
				const struct ondisk_sizes *sz, uint64_t h,
				struct ondisk_dblock *db, struct ondisk_mblock *mb)
{
	uint8_t *s = t_host_sector(md, disk, sz, h);

	if (db)
		ondisk_dblock_decode(s, db);
	if (mb)
		ondisk_mblock_decode(s + ONDISK_MBLOCK_OFFSET, mb);
}

/* Write host h's sector: dblock (sealed) + mode block (NULL = zero). */
static inline void t_dblock_put(struct memdisk *md, int disk,
				const struct ondisk_sizes *sz, uint64_t h,
				struct ondisk_dblock *db,
				const struct ondisk_mblock *mb)
{
	uint8_t *s = t_host_sector(md, disk, sz, h);

	memset(s, 0, sz->sector_size);
	ondisk_dblock_seal(db, s);
	if (mb)
		ondisk_mblock_encode(mb, s + ONDISK_MBLOCK_OFFSET);
}

static inline int t_is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- the lockspace (delta slots on disk 0) ---- */

static inline uint8_t *t_slot(struct memdisk *md, const struct ondisk_sizes *sz,
			      uint64_t h)
{
	return memdisk_data(md, 0) + (h - 1) * sz->sector_size;
}

/* Host h holds its delta lease: generation gen, timestamp ts, io. */
static inline void t_slot_set(struct memdisk *md, const struct ondisk_sizes *sz,
			      uint64_t h, uint64_t gen, uint64_t ts, uint16_t io)
{
	struct ondisk_leader lr;
	uint8_t *s = t_slot(md, sz, h);
	char name[32];

	ondisk_delta_leader_init(&lr, sz, "LS", io);
	lr.owner_id = h;
	lr.owner_generation = gen;
	lr.timestamp = ts;
	snprintf(name, sizeof(name), "host%llu", (unsigned long long)h);
	ondisk_name_set(lr.resource_name, name);
	memset(s, 0, sz->sector_size);
	ondisk_leader_seal(&lr, s);
}

static inline void t_slot_get(struct memdisk *md, const struct ondisk_sizes *sz,
			      uint64_t h, struct ondisk_leader *lr)
{
	ondisk_leader_decode(t_slot(md, sz, h), lr);
}

/* Host h renewed: timestamp + 1. */
static inline void t_slot_bump(struct memdisk *md, const struct ondisk_sizes *sz,
			       uint64_t h)
{
	struct ondisk_leader lr;

	t_slot_get(md, sz, h, &lr);
	t_slot_set(md, sz, h, lr.owner_generation, lr.timestamp + 1,
		   lr.io_timeout);
}

/* ---- host ops ---- */

struct t_hosts {
	struct lease_env *env;                      /* the acquiring host's */
	const struct ondisk_sizes *sz;              /* of the lockspace */
	struct paxos_host_info info[T_MAX_HOST + 1];
	int      live[T_MAX_HOST + 1];              /* host_live: -1 = eval */
	int      info_rv;                           /* host_info result */
	uint64_t n_info, n_read_delta, n_host_live;
};

static inline int t_host_info(void *ctx, uint64_t h, struct paxos_host_info *out)
{
	struct t_hosts *th = ctx;

	th->n_info++;
	if (th->info_rv)
		return th->info_rv;
	assert_true(h >= 1 && h <= T_MAX_HOST);
	*out = th->info[h];
	return 0;
}

static inline int t_read_delta(void *ctx, uint64_t h, struct ondisk_leader *out)
{
	struct t_hosts *th = ctx;
	uint32_t ss = th->sz->sector_size;
	uint8_t *buf;
	int rv;

	th->n_read_delta++;
	buf = th->env->buf_alloc(th->env->ctx, ss);
	assert_non_null(buf);
	rv = th->env->read(th->env->ctx, 0, (h - 1) * ss, buf, ss, T_IO);
	if (rv == 0) {
		ondisk_leader_decode(buf, out);
		rv = ondisk_delta_verify(out, "LS");
	}
	th->env->buf_free(th->env->ctx, buf);
	return rv;
}

static inline int t_host_live(void *ctx, uint64_t h, uint64_t gen)
{
	struct t_hosts *th = ctx;

	th->n_host_live++;
	assert_true(h >= 1 && h <= T_MAX_HOST);
	if (th->live[h] >= 0)
		return th->live[h];
	return paxos_host_live_eval(&th->info[h], 1, gen,
				    th->env->now(th->env->ctx), T_IO, T_W);
}

static inline void t_hosts_init(struct t_hosts *th, struct lease_env *env,
				const struct ondisk_sizes *sz,
				struct paxos_host_ops *ops)
{
	int h;

	memset(th, 0, sizeof(*th));
	th->env = env;
	th->sz = sz;
	for (h = 0; h <= T_MAX_HOST; h++)
		th->live[h] = -1;
	ops->ctx = th;
	ops->host_info = t_host_info;
	ops->read_delta = t_read_delta;
	ops->host_live = t_host_live;
}

/* The host table saw host h change at its last examination (alive). */
static inline void t_info_fresh(struct t_hosts *th, uint64_t h, uint64_t gen,
				uint64_t ts, uint64_t now)
{
	struct paxos_host_info *hs = &th->info[h];

	hs->first_check = now;
	hs->last_check = now;
	hs->last_live = now;
	hs->timestamp = ts;
	hs->owner_id = h;
	hs->owner_generation = gen;
	hs->io_timeout = T_IO;
}

/* ---- memdisk log helpers ---- */

static inline size_t t_count_ops(struct memdisk *md, int host, unsigned op)
{
	const struct memdisk_event *log;
	size_t n, i, k = 0;

	log = memdisk_log(md, &n);
	for (i = 0; i < n; i++)
		if ((log[i].op & op) && (host < 0 || log[i].host == host))
			k++;
	return k;
}

/* Add a rule: host (-1 any), ops, disk (-1 any), nth, count, action, rv. */
static inline int t_rule(struct memdisk *md, int host, unsigned ops, int disk,
			 uint64_t nth, uint64_t count, int action, int rv)
{
	struct memdisk_rule r;
	int idx;

	memdisk_rule_init(&r);
	r.host = host;
	r.ops = ops;
	r.disk = disk;
	r.nth = nth;
	r.count = count;
	r.action = action;
	r.rv = rv;
	idx = memdisk_add_rule(md, &r);
	assert_true(idx >= 0);
	return idx;
}

/* Write a leader over the resource area with the given owner fields. */
static inline void t_leader_owned(struct memdisk *md, int disk,
				  const struct ondisk_sizes *sz, uint64_t lver,
				  uint64_t owner, uint64_t gen, uint64_t ts,
				  uint64_t write_id)
{
	struct ondisk_leader lr;

	t_leader_get(md, disk, &lr);
	lr.lver = lver;
	lr.owner_id = owner;
	lr.owner_generation = gen;
	lr.timestamp = ts;
	lr.write_id = write_id;
	lr.write_generation = gen;
	lr.write_timestamp = ts;
	t_leader_put(md, disk, sz, &lr);
}

/* Acquire with just flags. */
static inline int t_acquire(struct lease_env *env, const struct paxos_host_ops *ops,
			    struct paxos_lease *pl, uint32_t flags,
			    struct ondisk_leader *out)
{
	struct paxos_acquire_args a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	return paxos_lease_acquire(env, ops, pl, &a, out);
}

/* memdisk's clock reads `now` seconds for host `host`. */
static inline void t_set_now(struct memdisk *md, int host, uint64_t now)
{
	memdisk_set_clock_offset(md, host,
				 (int64_t)now - (int64_t)(memdisk_clock_usec(md) / USEC));
	assert_int_equal(memdisk_now(md, host), now);
}

#endif /* PAXOS_TESTENV_H */
