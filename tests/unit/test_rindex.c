/*
 * test_rindex.c - unit tests of lease/rindex (spec/ondisk.md §7, api.md
 * §4.5) over memdisk: the 3.8.5 bytes of TV7, every header check in its
 * order (-274..-277, bad sizes, I/O errors) for every operation with
 * nothing written, lookup in its four modes, offsets refused (-277) and
 * names that disagree (-278), update add/remove as ONE sector write with
 * everything else unchanged, create/delete under the internal lease
 * (order of the writes, -EEXIST, -ENOSPC, -EINVAL, a live holder of the
 * lease, failing writes at each step), rebuild (wiped index, cleared and
 * foreign leases, end of device, read errors), 4096-byte sectors, and two
 * hosts creating concurrently under memdisk's scheduler (never the same
 * slot twice, every lease valid).
 *
 * Test code.  Host programs under memdisk_run record into their own
 * struct (one host runs at a time); cmocka asserts run on the main thread.
 */
#include "tests/unit/paxos_testenv.h"

#include "lease/lease_init.h"
#include "lease/rindex.h"

#define MiB          1048576ull
#define RX_OFF       (1 * MiB)     /* 512/1M index after a 1M lockspace */
#define RX_DISK      (16 * MiB)    /* 13 resource slots */

struct rx_fix {
	struct memdisk *md;
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct rindex_lease lease;
	struct rindex_params p;
	struct ondisk_sizes ls_sz;      /* lockspace (and memdisk sector) */
	struct ondisk_sizes sz;         /* index */
	uint64_t x;                     /* rx_offset */
	uint64_t size;
};

/* Lockspace "LS" at 0 (host 1 alive), index at x formatted by
 * lease_init_rindex (max_res 0 = capacity), host 1's env and ops. */
static void fix_init(struct rx_fix *f, const struct ondisk_sizes *ls_sz,
		     const struct ondisk_sizes *sz, uint64_t x, uint64_t size,
		     uint32_t max_res)
{
	uint8_t *img;

	memset(f, 0, sizeof(*f));
	f->ls_sz = *ls_sz;
	f->sz = *sz;
	f->x = x;
	f->size = size;
	f->md = memdisk_create(ls_sz->sector_size, size, 1);
	assert_non_null(f->md);
	img = calloc(1, ls_sz->align_size);
	assert_non_null(img);
	ondisk_lockspace_image(img, ls_sz, "LS", T_IO, 1);
	memdisk_poke(f->md, 0, 0, img, ls_sz->align_size);
	free(img);
	memdisk_env(f->md, 0, &f->env);
	assert_int_equal(lease_init_rindex(&f->env, x, sz, "LS", max_res, 10), 0);

	t_hosts_init(&f->th, &f->env, ls_sz, &f->ops);
	t_slot_set(f->md, ls_sz, 1, 1, 100, T_IO);
	t_info_fresh(&f->th, 1, 1, 100, memdisk_now(f->md, 0));
	f->th.live[1] = 1;

	f->lease.ops = &f->ops;
	f->lease.host_id = 1;
	f->lease.generation = 1;
	f->lease.io_timeout = T_IO;
	f->lease.fire_timeout = T_W;

	f->p.space_name = "LS";
	f->p.rx_offset = x;
	f->p.probe_size = ls_sz->sector_size;
	f->p.io_timeout = T_IO;
	memdisk_log_clear(f->md);
}

static void fix_default(struct rx_fix *f)
{
	fix_init(f, &SZ512, &SZ512, RX_OFF, RX_DISK, 0);
}

static void fix_done(struct rx_fix *f)
{
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	memdisk_destroy(f->md);
}

static uint8_t *fix_data(struct rx_fix *f, uint64_t off)
{
	return memdisk_data(f->md, 0) + off;
}

static uint64_t fix_slot(const struct rx_fix *f, uint32_t i)
{
	return f->x + 2 * (uint64_t)f->sz.align_size + (uint64_t)i * f->sz.align_size;
}

static void fix_entry(struct rx_fix *f, uint32_t i, struct ondisk_rindex_entry *e)
{
	ondisk_rindex_entry_decode(fix_data(f, f->x + f->sz.sector_size +
					    (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE), e);
}

static void fix_entry_put(struct rx_fix *f, uint32_t i, uint64_t res_offset,
			  const char *name)
{
	struct ondisk_rindex_entry e;

	memset(&e, 0, sizeof(e));
	e.res_offset = res_offset;
	ondisk_name_set(e.name, name);
	ondisk_rindex_entry_encode(&e, fix_data(f, f->x + f->sz.sector_size +
					       (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE));
}

static int fix_entry_is(struct rx_fix *f, uint32_t i, uint64_t off, const char *name)
{
	struct ondisk_rindex_entry e;

	fix_entry(f, i, &e);
	return e.res_offset == off && ondisk_name_eq(e.name, name) &&
	       e.flags == 0 && e.unused == 0;
}

static void fix_leader(struct rx_fix *f, uint64_t off, struct ondisk_leader *lr)
{
	ondisk_leader_decode(fix_data(f, off), lr);
}

static size_t fix_writes(struct rx_fix *f)
{
	return t_count_ops(f->md, -1, MEMDISK_OP_WRITE);
}

/* Snapshot of the whole disk, to prove what an operation did not touch. */
static uint8_t *fix_snap(struct rx_fix *f)
{
	uint8_t *s = malloc(f->size);

	assert_non_null(s);
	memcpy(s, fix_data(f, 0), f->size);
	return s;
}

/* The disk equals snap outside [off, off+len). */
static void fix_same_except(struct rx_fix *f, const uint8_t *snap,
			    uint64_t off, uint64_t len)
{
	const uint8_t *d = fix_data(f, 0);

	assert_memory_equal(d, snap, off);
	assert_memory_equal(d + off + len, snap + off + len, f->size - off - len);
}

static int t_create(struct rx_fix *f, const char *name, uint64_t *off)
{
	return rindex_create(&f->env, &f->p, &f->lease, name, 0, T_IO, off);
}

/* ---- bytes of 3.8.5 (ondisk.md TV7) ---- */

static void test_tv7_bytes(void **state)
{
	static const uint8_t hdr[48] = {
		0x18, 0x20, 0x04, 0x01, 0x02, 0x00, 0x01, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x4c, 0x53, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t ent[32] = {
		0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x52, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct rindex_rentry re;
	struct rx_fix f;

	(void)state;
	fix_init(&f, &SZ512, &SZ512, RX_OFF, 8 * MiB,
		 ONDISK_RINDEX_DEFAULT_MAX_RESOURCES);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R1",
				       3 * MiB, &re), 0);
	assert_memory_equal(fix_data(&f, 0x100000), hdr, sizeof(hdr));
	assert_true(t_is_zero(fix_data(&f, 0x100000 + 48), 512 - 48));
	assert_memory_equal(fix_data(&f, 0x100200), ent, sizeof(ent));
	assert_true(t_is_zero(fix_data(&f, 0x100200 + 32), 32));
	assert_true(t_is_zero(fix_data(&f, 0x100240), MiB - 0x240));
	assert_string_equal(re.name, "R1");
	assert_int_equal(re.offset, 3 * MiB);
	fix_done(&f);
}

/* ---- header checks (§7.6), for every operation ---- */

/* Run every operation against the fixture's params; each must return
 * want and write nothing. */
static void all_ops_fail(struct rx_fix *f, int want)
{
	struct rindex_rentry re;
	uint64_t off = 1;
	uint8_t *snap = fix_snap(f);

	memdisk_log_clear(f->md);
	assert_int_equal(rindex_lookup(&f->env, &f->p, "R1", 0, &re), want);
	assert_int_equal(re.name[0], 0);
	assert_int_equal(re.offset, 0);
	assert_int_equal(rindex_lookup(&f->env, &f->p, NULL, 0, &re), want);
	assert_int_equal(rindex_update(&f->env, &f->p, RINDEX_UPDATE_ADD, "R1",
				       fix_slot(f, 0), &re), want);
	assert_int_equal(rindex_update(&f->env, &f->p, RINDEX_UPDATE_REM, "",
				       fix_slot(f, 0), &re), want);
	assert_int_equal(t_create(f, "R1", &off), want);
	assert_int_equal(off, 0);
	assert_int_equal(rindex_delete(&f->env, &f->p, &f->lease, "R1", 0, T_IO),
			 want);
	assert_int_equal(rindex_rebuild(&f->env, &f->p, &f->lease, f->size, NULL),
			 want);
	assert_int_equal(rindex_rebuild(&f->env, &f->p, NULL, 0, NULL), want);
	assert_int_equal(fix_writes(f), 0);
	assert_memory_equal(fix_data(f, 0), snap, f->size);
	assert_int_equal(memdisk_bufs_live(f->md), 0);
	free(snap);
}

static void put_hdr(struct rx_fix *f, const struct ondisk_rindex_header *rh)
{
	ondisk_rindex_header_encode(rh, fix_data(f, f->x));
}

static void test_header_errors(void **state)
{
	struct ondisk_rindex_header rh, orig;
	struct rx_fix f;
	char name48[49];

	(void)state;
	fix_default(&f);
	ondisk_rindex_header_decode(fix_data(&f, f.x), &orig);

	/* not formatted there: magic */
	f.p.rx_offset = 5 * MiB;
	all_ops_fail(&f, SANLK_RINDEX_MAGIC);
	f.p.rx_offset = f.x;

	/* major version */
	rh = orig;
	rh.version = 0x00020002;
	put_hdr(&f, &rh);
	all_ops_fail(&f, SANLK_RINDEX_VERSION);
	rh.magic = 0x12345678;          /* magic is checked first */
	put_hdr(&f, &rh);
	all_ops_fail(&f, SANLK_RINDEX_MAGIC);

	/* lockspace name: exact C string */
	put_hdr(&f, &orig);
	f.p.space_name = "LX";
	all_ops_fail(&f, SANLK_RINDEX_LOCKSPACE);
	f.p.space_name = "LSX";
	all_ops_fail(&f, SANLK_RINDEX_LOCKSPACE);
	f.p.space_name = "L";
	all_ops_fail(&f, SANLK_RINDEX_LOCKSPACE);
	f.p.space_name = "LS";

	/* rx_offset recorded in the header */
	rh = orig;
	rh.rx_offset = 2 * MiB;
	put_hdr(&f, &rh);
	all_ops_fail(&f, SANLK_RINDEX_OFFSET);
	rh.version = 0x00020000;        /* version before offset */
	put_hdr(&f, &rh);
	all_ops_fail(&f, SANLK_RINDEX_VERSION);

	/* sizes not in the table */
	rh = orig;
	rh.sector_size = 1000;
	put_hdr(&f, &rh);
	all_ops_fail(&f, -EINVAL);
	rh.sector_size = 512;
	rh.flags = 0x2;                 /* 512/2M */
	put_hdr(&f, &rh);
	all_ops_fail(&f, -EINVAL);

	/* a minor version change is accepted */
	rh = orig;
	rh.version = 0x00010007;
	put_hdr(&f, &rh);
	{
		struct rindex_rentry re;

		assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), 0);
		assert_int_equal(re.offset, 3 * MiB);
	}

	/* a 48-byte lockspace name never matches (3.8.5 compares past it) */
	memset(name48, 'n', 48);
	name48[48] = '\0';
	rh = orig;
	ondisk_name_set(rh.lockspace_name, name48);
	put_hdr(&f, &rh);
	f.p.space_name = name48;
	all_ops_fail(&f, SANLK_RINDEX_LOCKSPACE);
	f.p.space_name = "LS";
	put_hdr(&f, &orig);

	/* I/O: misaligned rx_offset, failing header read */
	f.p.rx_offset = f.x + 100;
	all_ops_fail(&f, -EINVAL);
	f.p.rx_offset = f.x;
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 1, 8, MEMDISK_ACT_FAIL, -EIO);
	all_ops_fail(&f, -EIO);
	memdisk_clear_rules(f.md);
	fix_done(&f);
}

static void test_probe_sizes(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;

	(void)state;
	fix_default(&f);
	f.p.probe_size = 0;             /* RINDEX_PROBE_SIZE */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), 0);
	{
		size_t n;
		const struct memdisk_event *ev = memdisk_log(f.md, &n);

		assert_int_equal(n, 2);
		assert_int_equal(ev[0].len, RINDEX_PROBE_SIZE);
		assert_int_equal(ev[0].offset, f.x);
		assert_int_equal(ev[1].len, MiB);   /* whole index area */
		assert_int_equal(ev[1].offset, f.x);
	}
	f.p.probe_size = 100;
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), -EINVAL);
	f.p.probe_size = 8192;
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), -EINVAL);
	f.p.probe_size = 512;
	f.p.space_name = NULL;
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), -EINVAL);
	fix_done(&f);
}

/* ---- lookup ---- */

static void test_lookup_modes(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;

	(void)state;
	fix_default(&f);
	fix_entry_put(&f, 0, 3 * MiB, "R1");
	fix_entry_put(&f, 2, 5 * MiB, "R3");
	fix_entry_put(&f, 4, 12345, "");      /* offset, no name: not free */
	fix_entry_put(&f, 5, 0, "noff");      /* name, no offset: not free */
	fix_entry_put(&f, 6, 77, "odd");      /* stored offset is not used */

	/* neither: first free slot */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), 0);
	assert_string_equal(re.name, "");
	assert_int_equal(re.offset, 4 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "", 0, &re), 0);
	assert_int_equal(re.offset, 4 * MiB);

	/* name: offset of its slot */
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R3", 0, &re), 0);
	assert_string_equal(re.name, "R3");
	assert_int_equal(re.offset, 5 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "odd", 0, &re), 0);
	assert_int_equal(re.offset, fix_slot(&f, 6));
	assert_int_equal(rindex_lookup(&f.env, &f.p, "noff", 0, &re), 0);
	assert_int_equal(re.offset, fix_slot(&f, 5));
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R2", 0, &re), -ENOENT);
	assert_string_equal(re.name, "");
	assert_int_equal(re.offset, 0);

	/* offset: the entry there, also a free one */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 3 * MiB, &re), 0);
	assert_string_equal(re.name, "R1");
	assert_int_equal(re.offset, 3 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 4 * MiB, &re), 0);
	assert_string_equal(re.name, "");
	assert_int_equal(re.offset, 4 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, fix_slot(&f, 6), &re), 0);
	assert_string_equal(re.name, "odd");
	assert_int_equal(re.offset, fix_slot(&f, 6));

	/* both: the entry at the offset must carry the name */
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R3", 5 * MiB, &re), 0);
	assert_string_equal(re.name, "R3");
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R1", 5 * MiB, &re),
			 SANLK_RINDEX_DIFF);
	assert_string_equal(re.name, "R3");           /* as 3.8.5 replies */
	assert_int_equal(re.offset, 5 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R9", 4 * MiB, &re),
			 SANLK_RINDEX_DIFF);
	assert_int_equal(fix_writes(&f), 0);
	fix_done(&f);
}

static void test_lookup_duplicate_names(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;

	(void)state;
	fix_default(&f);
	fix_entry_put(&f, 1, 4 * MiB, "dup");
	fix_entry_put(&f, 3, 6 * MiB, "dup");
	assert_int_equal(rindex_lookup(&f.env, &f.p, "dup", 0, &re), 0);
	assert_int_equal(re.offset, 4 * MiB);          /* the first */
	assert_int_equal(rindex_lookup(&f.env, &f.p, "dup", 6 * MiB, &re), 0);
	assert_int_equal(re.offset, 6 * MiB);          /* by offset */
	fix_done(&f);
}

static void test_lookup_offsets_refused(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint32_t cap = ondisk_rindex_capacity(&SZ512);

	(void)state;
	fix_default(&f);
	/* not a multiple of the align size */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 3000000, &re),
			 SANLK_RINDEX_OFFSET);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "R1", 3 * MiB + 512, &re),
			 SANLK_RINDEX_OFFSET);
	/* before the first slot: the index and its lease (deviation) */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, MiB, &re),
			 SANLK_RINDEX_OFFSET);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 2 * MiB, &re),
			 SANLK_RINDEX_OFFSET);
	/* past the capacity of the index area (deviation) */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, fix_slot(&f, cap), &re),
			 SANLK_RINDEX_OFFSET);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, UINT64_MAX - MiB + 1,
				       &re), SANLK_RINDEX_OFFSET);
	/* the last slot is fine (beyond max_resources, within the area),
	 * and offsets above 4 GiB come back whole (3.8.5 truncates) */
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, fix_slot(&f, cap - 1),
				       &re), 0);
	assert_int_equal(re.offset, fix_slot(&f, cap - 1));
	assert_true(re.offset > UINT32_MAX);
	fix_done(&f);
}

static void test_lookup_max_resources(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint32_t i;

	(void)state;
	fix_init(&f, &SZ512, &SZ512, RX_OFF, RX_DISK, 4);
	{
		struct ondisk_rindex_header rh;

		ondisk_rindex_header_decode(fix_data(&f, f.x), &rh);
		assert_int_equal(rh.max_resources, 4);
	}
	for (i = 0; i < 4; i++)
		fix_entry_put(&f, i, fix_slot(&f, i), "x");
	fix_entry_put(&f, 5, fix_slot(&f, 5), "beyond");
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), -ENOSPC);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "beyond", 0, &re), -ENOENT);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, fix_slot(&f, 5), &re), 0);
	assert_string_equal(re.name, "beyond");
	fix_done(&f);

	/* max_resources 0 in the header: the capacity */
	fix_init(&f, &SZ512, &SZ512, RX_OFF, RX_DISK, 0);
	{
		struct ondisk_rindex_header rh;

		ondisk_rindex_header_decode(fix_data(&f, f.x), &rh);
		rh.max_resources = 0;
		put_hdr(&f, &rh);
	}
	fix_entry_put(&f, 9000, fix_slot(&f, 9000), "far");
	assert_int_equal(rindex_lookup(&f.env, &f.p, "far", 0, &re), 0);
	assert_int_equal(re.offset, fix_slot(&f, 9000));
	fix_done(&f);
}

/* ---- update ---- */

/* The last op was one write of the sector holding entry i. */
static void assert_one_entry_write(struct rx_fix *f, uint32_t i)
{
	const struct memdisk_event *ev;
	size_t n, k, writes = 0;
	uint32_t ss = f->sz.sector_size;
	uint64_t pos = ss + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;

	ev = memdisk_log(f->md, &n);
	for (k = 0; k < n; k++) {
		if (ev[k].op != MEMDISK_OP_WRITE)
			continue;
		writes++;
		assert_int_equal(ev[k].offset, f->x + pos - pos % ss);
		assert_int_equal(ev[k].len, ss);
	}
	assert_int_equal(writes, 1);
}

static void test_update_add_remove(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint8_t *snap;
	uint32_t ss = 512;

	(void)state;
	fix_default(&f);
	fix_entry_put(&f, 3, 6 * MiB, "keep");   /* same sector as slot 2 */
	snap = fix_snap(&f);
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R3",
				       5 * MiB, &re), 0);
	assert_one_entry_write(&f, 2);
	fix_same_except(&f, snap, f.x + ss + 2 * 64, 64);
	assert_true(fix_entry_is(&f, 2, 5 * MiB, "R3"));
	assert_true(fix_entry_is(&f, 3, 6 * MiB, "keep"));
	assert_string_equal(re.name, "R3");
	assert_int_equal(re.offset, 5 * MiB);

	/* add over an existing entry overwrites it (3.8.5); a name indexed
	 * elsewhere is not checked */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "keep",
				       5 * MiB, &re), 0);
	assert_one_entry_write(&f, 2);
	assert_true(fix_entry_is(&f, 2, 5 * MiB, "keep"));
	assert_true(fix_entry_is(&f, 3, 6 * MiB, "keep"));

	/* remove: by offset, whatever the name; the sector is written even
	 * when the entry is already free */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, "other",
				       5 * MiB, &re), 0);
	assert_one_entry_write(&f, 2);
	assert_true(fix_entry_is(&f, 2, 0, ""));
	assert_true(fix_entry_is(&f, 3, 6 * MiB, "keep"));
	assert_string_equal(re.name, "");
	assert_int_equal(re.offset, 0);
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, NULL,
				       5 * MiB, &re), 0);
	assert_one_entry_write(&f, 2);
	fix_same_except(&f, snap, 0, 0);          /* back to the start */

	/* REM wins over ADD */
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD |
				       RINDEX_UPDATE_REM, "keep", 6 * MiB, &re), 0);
	assert_true(fix_entry_is(&f, 3, 0, ""));
	assert_int_equal(re.offset, 0);

	/* a 48-character name fills the field (no NUL) */
	{
		char n48[49];

		memset(n48, 'q', 48);
		n48[48] = '\0';
		assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD,
					       n48, 7 * MiB, &re), 0);
		assert_true(fix_entry_is(&f, 4, 7 * MiB, n48));
		assert_string_equal(re.name, n48);
		assert_int_equal(rindex_lookup(&f.env, &f.p, n48, 0, &re), 0);
		assert_int_equal(re.offset, 7 * MiB);
	}

	/* slots past max_resources, up to the capacity, can be written */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "far",
				       fix_slot(&f, 15999), &re), 0);
	assert_one_entry_write(&f, 15999);
	assert_true(fix_entry_is(&f, 15999, fix_slot(&f, 15999), "far"));
	free(snap);
	fix_done(&f);
}

static void test_update_errors(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint8_t *snap;

	(void)state;
	fix_default(&f);
	fix_entry_put(&f, 0, 3 * MiB, "R1");
	snap = fix_snap(&f);
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, 0, "R1", 3 * MiB, &re),
			 -EINVAL);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "",
				       4 * MiB, &re), -EINVAL);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, NULL,
				       4 * MiB, &re), -EINVAL);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       0, &re), -EINVAL);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, "R1",
				       0, &re), -EINVAL);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       3000000, &re), SANLK_RINDEX_OFFSET);
	/* deviation: 3.8.5 would write into the header sector here */
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       2 * MiB, &re), SANLK_RINDEX_OFFSET);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, "R2",
				       MiB, &re), SANLK_RINDEX_OFFSET);
	/* deviation: 3.8.5 would write into the internal lease here */
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       fix_slot(&f, 16376), &re),
			 SANLK_RINDEX_OFFSET);
	assert_string_equal(re.name, "");
	assert_int_equal(re.offset, 0);
	assert_int_equal(fix_writes(&f), 0);
	assert_memory_equal(fix_data(&f, 0), snap, f.size);

	/* a failing or timed-out write: the error, nothing changed */
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 1, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       4 * MiB, &re), -EIO);
	assert_int_equal(re.offset, 0);
	assert_memory_equal(fix_data(&f, 0), snap, f.size);
	memdisk_clear_rules(f.md);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, 1, 1, MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, "R1",
				       3 * MiB, &re), SANLK_AIO_TIMEOUT);
	assert_memory_equal(fix_data(&f, 0), snap, f.size);
	memdisk_clear_rules(f.md);
	/* a failing area read */
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 2, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "R2",
				       4 * MiB, &re), -EIO);
	assert_memory_equal(fix_data(&f, 0), snap, f.size);
	memdisk_clear_rules(f.md);
	free(snap);
	fix_done(&f);
}

/* ---- create ---- */

static void assert_resource(struct rx_fix *f, uint64_t off, const char *name,
			    uint64_t num_hosts)
{
	struct ondisk_leader lr;

	fix_leader(f, off, &lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", name, 1), 0);
	assert_int_equal(lr.magic, PAXOS_DISK_MAGIC);
	assert_int_equal(lr.sector_size, f->sz.sector_size);
	assert_int_equal(lr.max_hosts, f->sz.max_hosts);
	assert_int_equal(lr.num_hosts, num_hosts ? num_hosts : f->sz.max_hosts);
	assert_int_equal(lr.owner_id, 0);
	assert_int_equal(lr.lver, 0);
}

/* The internal lease is free (released) at lver. */
static void assert_lease_free(struct rx_fix *f, uint64_t lver)
{
	struct ondisk_leader lr;

	fix_leader(f, f->x + f->sz.align_size, &lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", ONDISK_RINDEX_LEASE_NAME,
					     1), 0);
	assert_int_equal(lr.lver, lver);
	assert_int_equal(lr.timestamp, 0);
	if (lver) {
		assert_int_equal(lr.owner_id, 1);
		assert_int_equal(lr.owner_generation, 1);
	}
}

static void test_create_basic(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint64_t off;

	(void)state;
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(off, 3 * MiB);
	assert_int_equal(t_create(&f, "B", &off), 0);
	assert_int_equal(off, 4 * MiB);
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "A"));
	assert_true(fix_entry_is(&f, 1, 4 * MiB, "B"));
	assert_resource(&f, 3 * MiB, "A", 0);
	assert_resource(&f, 4 * MiB, "B", 0);
	assert_lease_free(&f, 2);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "B", 0, &re), 0);
	assert_int_equal(re.offset, 4 * MiB);

	/* a gap is filled first; num_hosts as asked, else max_hosts */
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "C",
				       6 * MiB, &re), 0);
	assert_int_equal(rindex_create(&f.env, &f.p, &f.lease, "D", 5, T_IO,
				       &off), 0);
	assert_int_equal(off, 5 * MiB);
	assert_resource(&f, 5 * MiB, "D", 5);
	assert_int_equal(rindex_create(&f.env, &f.p, &f.lease, "E", 5000, T_IO,
				       &off), 0);
	assert_int_equal(off, 7 * MiB);
	assert_resource(&f, 7 * MiB, "E", 0);
	assert_lease_free(&f, 4);
	fix_done(&f);
}

/* Index (among all ops) of the first write at offset off, or -1. */
static long find_write(struct rx_fix *f, uint64_t off, size_t from)
{
	const struct memdisk_event *ev;
	size_t n, k;

	ev = memdisk_log(f->md, &n);
	for (k = from; k < n; k++)
		if (ev[k].op == MEMDISK_OP_WRITE && ev[k].offset == off)
			return (long)k;
	return -1;
}

static void test_create_order(void **state)
{
	const struct memdisk_event *ev;
	struct rx_fix f;
	uint64_t off, lease_off;
	long res_w, ent_w, last_lease_w = -1, k;
	size_t n, i;

	(void)state;
	fix_default(&f);
	lease_off = f.x + MiB;
	assert_int_equal(t_create(&f, "A", &off), 0);
	ev = memdisk_log(f.md, &n);
	/* header first, then the lease ballot, then the index area */
	assert_int_equal(ev[0].op, MEMDISK_OP_READ);
	assert_int_equal(ev[0].offset, f.x);
	assert_int_equal(ev[0].len, 512);
	assert_true(ev[1].offset >= lease_off && ev[1].offset < lease_off + MiB);
	res_w = find_write(&f, 3 * MiB, 0);
	ent_w = find_write(&f, f.x + 512, 0);
	assert_true(res_w > 0 && ent_w > res_w);
	assert_int_equal(ev[res_w].len, MiB);     /* whole resource area */
	assert_int_equal(ev[ent_w].len, 512);     /* one entry sector */
	for (i = 1; i < (size_t)res_w; i++) {
		if (ev[i].op == MEMDISK_OP_READ && ev[i].offset == f.x) {
			assert_int_equal(ev[i].len, MiB);
			/* the area is read after the lease is ours */
			k = find_write(&f, lease_off, 0);
			assert_true(k >= 0 && k < (long)i);
		}
	}
	/* the lease is released last */
	for (i = 0; i < n; i++)
		if (ev[i].op == MEMDISK_OP_WRITE && ev[i].offset == lease_off)
			last_lease_w = (long)i;
	assert_true(last_lease_w > ent_w);
	for (i = (size_t)ent_w + 1; i < n; i++)
		assert_true(ev[i].offset >= lease_off &&
			    ev[i].offset < lease_off + MiB);
	fix_done(&f);
}

static void test_create_errors(void **state)
{
	struct rx_fix f;
	uint64_t off = 99;
	uint8_t *snap;
	uint32_t i;

	(void)state;
	fix_init(&f, &SZ512, &SZ512, RX_OFF, RX_DISK, 3);
	/* empty name: nothing at all written (deviation) */
	assert_int_equal(t_create(&f, "", &off), -EINVAL);
	assert_int_equal(off, 0);
	assert_int_equal(fix_writes(&f), 0);

	assert_int_equal(t_create(&f, "A", &off), 0);
	snap = fix_snap(&f);
	/* existing name (deviation): the lease comes and goes, nothing else */
	memdisk_log_clear(f.md);
	assert_int_equal(t_create(&f, "A", &off), -EEXIST);
	assert_int_equal(off, 0);
	fix_same_except(&f, snap, f.x + MiB, MiB);
	assert_lease_free(&f, 2);

	/* full (max_resources 3) */
	assert_int_equal(t_create(&f, "B", &off), 0);
	assert_int_equal(t_create(&f, "C", &off), 0);
	free(snap);
	snap = fix_snap(&f);
	assert_int_equal(t_create(&f, "D", &off), -ENOSPC);
	fix_same_except(&f, snap, f.x + MiB, MiB);
	for (i = 3; i < 13; i++)
		assert_true(t_is_zero(fix_data(&f, fix_slot(&f, i)), 512));
	free(snap);
	fix_done(&f);
}

static void test_create_lease_held(void **state)
{
	struct ondisk_leader lr;
	struct rx_fix f;
	uint64_t off, lease_off;
	uint8_t *snap;

	(void)state;
	fix_default(&f);
	lease_off = f.x + MiB;
	/* host 2, alive, holds the internal lease */
	t_slot_set(f.md, &SZ512, 2, 1, 100, T_IO);
	t_info_fresh(&f.th, 2, 1, 100, memdisk_now(f.md, 0));
	f.th.live[2] = 1;
	fix_leader(&f, lease_off, &lr);
	lr.lver = 7;
	lr.owner_id = 2;
	lr.owner_generation = 1;
	lr.timestamp = 100;
	lr.write_id = 2;
	lr.write_generation = 1;
	lr.write_timestamp = 100;
	memset(fix_data(&f, lease_off), 0, 512);
	ondisk_leader_seal(&lr, fix_data(&f, lease_off));
	snap = fix_snap(&f);

	assert_int_equal(t_create(&f, "A", &off), SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 0, T_IO),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, &f.lease, f.size, NULL),
			 SANLK_ACQUIRE_IDLIVE);
	assert_int_equal(fix_writes(&f), 0);
	assert_memory_equal(fix_data(&f, 0), snap, f.size);

	/* the holder's lockspace lease ended (timestamp 0): taken over */
	t_slot_set(f.md, &SZ512, 2, 1, 0, T_IO);
	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(off, 3 * MiB);
	assert_lease_free(&f, 8);
	free(snap);
	fix_done(&f);
}

/* Fail the k-th write (1-based, among writes) of a create of "A". */
static int create_failing_write(struct rx_fix *f, uint64_t k, int action)
{
	uint64_t off;

	t_rule(f->md, -1, MEMDISK_OP_WRITE, -1, k, 1, action, -EIO);
	return t_create(f, "A", &off);
}

static void test_create_write_failures(void **state)
{
	const struct memdisk_event *ev;
	struct rindex_rentry re;
	struct rx_fix f;
	uint64_t off, res_k = 0, ent_k = 0, w = 0;
	size_t n, i;
	uint32_t found;

	(void)state;
	/* where are the resource and entry writes among the writes? */
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	ev = memdisk_log(f.md, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].op != MEMDISK_OP_WRITE)
			continue;
		w++;
		if (ev[i].offset == 3 * MiB)
			res_k = w;
		if (ev[i].offset == f.x + 512)
			ent_k = w;
	}
	assert_true(res_k > 0 && ent_k == res_k + 1);
	fix_done(&f);

	/* the resource write fails: no entry, lease released */
	fix_default(&f);
	assert_int_equal(create_failing_write(&f, res_k, MEMDISK_ACT_FAIL), -EIO);
	assert_true(fix_entry_is(&f, 0, 0, ""));
	assert_lease_free(&f, 1);
	memdisk_clear_rules(f.md);
	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(off, 3 * MiB);
	fix_done(&f);

	/* the entry write times out: error; the lease exists unindexed and
	 * a rebuild finds it */
	fix_default(&f);
	assert_int_equal(create_failing_write(&f, ent_k, MEMDISK_ACT_TIMEOUT),
			 SANLK_AIO_TIMEOUT);
	assert_true(fix_entry_is(&f, 0, 0, ""));
	assert_resource(&f, 3 * MiB, "A", 0);
	assert_lease_free(&f, 1);
	memdisk_clear_rules(f.md);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "A", 0, &re), -ENOENT);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, &f.lease, f.size, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(rindex_lookup(&f.env, &f.p, "A", 0, &re), 0);
	assert_int_equal(re.offset, 3 * MiB);
	fix_done(&f);

	/* a failing index-area read under the lease: lease released */
	fix_default(&f);
	{
		uint64_t r = 0, area_k = 0;

		assert_int_equal(t_create(&f, "A", &off), 0);
		ev = memdisk_log(f.md, &n);
		for (i = 0; i < n; i++) {
			if (ev[i].op != MEMDISK_OP_READ)
				continue;
			r++;
			if (ev[i].offset == f.x && ev[i].len == MiB)
				area_k = r;
		}
		assert_true(area_k > 1);
		memdisk_log_clear(f.md);
		t_rule(f.md, -1, MEMDISK_OP_READ, -1, area_k, 1,
		       MEMDISK_ACT_FAIL, -EIO);
		assert_int_equal(t_create(&f, "B", &off), -EIO);
		memdisk_clear_rules(f.md);
		assert_true(fix_entry_is(&f, 1, 0, ""));
		assert_true(t_is_zero(fix_data(&f, 4 * MiB), 512));
		assert_lease_free(&f, 2);
	}
	fix_done(&f);
}

/* The release of the internal lease keeps timing out: the create still
 * succeeds (its entry is on disk), the lease stays ours on disk, and our
 * next operation (same host_id and generation) takes it over. */
static void test_create_release_timeout(void **state)
{
	const struct memdisk_event *ev;
	struct ondisk_leader lr;
	struct rx_fix f;
	uint64_t off, w = 0, ent_k = 0;
	size_t n, i;

	(void)state;
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	ev = memdisk_log(f.md, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].op != MEMDISK_OP_WRITE)
			continue;
		w++;
		if (ev[i].offset == f.x + 512)
			ent_k = w;
	}
	assert_true(ent_k > 0 && w > ent_k);   /* release writes follow */
	fix_done(&f);

	fix_default(&f);
	t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, ent_k + 1, 100,
	       MEMDISK_ACT_TIMEOUT, 0);
	assert_int_equal(t_create(&f, "A", &off), 0);
	memdisk_clear_rules(f.md);
	memdisk_drop_pending(f.md);
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "A"));
	fix_leader(&f, f.x + MiB, &lr);
	assert_int_equal(lr.owner_id, 1);
	assert_true(lr.timestamp != 0);            /* still held on disk */
	assert_int_equal(t_create(&f, "B", &off), 0);
	assert_int_equal(off, 4 * MiB);
	assert_lease_free(&f, 2);
	fix_done(&f);
}

/* ---- delete ---- */

static void test_delete(void **state)
{
	const struct memdisk_event *ev;
	struct rindex_rentry re;
	struct ondisk_leader lr;
	struct rx_fix f;
	uint64_t off, now;
	long ent_w, clr_w;
	size_t n;

	(void)state;
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(t_create(&f, "B", &off), 0);
	assert_int_equal(t_create(&f, "C", &off), 0);
	memdisk_log_clear(f.md);
	now = memdisk_now(f.md, 0);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "B", 0, T_IO), 0);
	assert_true(fix_entry_is(&f, 1, 0, ""));
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "A"));
	assert_true(fix_entry_is(&f, 2, 5 * MiB, "C"));
	/* cleared lease: magic CLEAR, name kept, write_timestamp = now */
	fix_leader(&f, 4 * MiB, &lr);
	assert_int_equal(lr.magic, PAXOS_DISK_CLEAR);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "B", 1),
			 SANLK_LEADER_MAGIC);
	assert_true(ondisk_name_eq(lr.resource_name, "B"));
	assert_true(lr.write_timestamp >= now);
	assert_int_equal(lr.num_hosts, 2000);
	/* the entry is zeroed before the lease is cleared */
	ent_w = find_write(&f, f.x + 512, 0);
	clr_w = find_write(&f, 4 * MiB, 0);
	assert_true(ent_w >= 0 && clr_w > ent_w);
	ev = memdisk_log(f.md, &n);
	assert_int_equal(ev[ent_w].len, 512);
	assert_int_equal(ev[clr_w].len, MiB);
	assert_lease_free(&f, 4);

	assert_int_equal(rindex_lookup(&f.env, &f.p, "B", 0, &re), -ENOENT);
	/* the freed slot is reused */
	assert_int_equal(t_create(&f, "D", &off), 0);
	assert_int_equal(off, 4 * MiB);
	assert_resource(&f, 4 * MiB, "D", 0);

	/* with the right offset */
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "D", 4 * MiB,
				       T_IO), 0);
	assert_true(fix_entry_is(&f, 1, 0, ""));
	fix_done(&f);
}

static void test_delete_errors(void **state)
{
	struct rindex_rentry re;
	struct rx_fix f;
	uint64_t off;
	uint8_t *snap;

	(void)state;
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(t_create(&f, "B", &off), 0);
	snap = fix_snap(&f);

	/* refused before the lease: misaligned offset, empty name */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 3000000,
				       T_IO), SANLK_RINDEX_OFFSET);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "", 0, T_IO),
			 -ENOENT);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "", 3 * MiB, T_IO),
			 -ENOENT);
	assert_int_equal(fix_writes(&f), 0);

	/* under the lease: unknown name, the other entry's offset
	 * (deviation: 3.8.5 deletes the first "A" anyway), before the
	 * first slot; only the lease changed */
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "X", 0, T_IO),
			 -ENOENT);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 4 * MiB,
				       T_IO), SANLK_RINDEX_DIFF);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 5 * MiB,
				       T_IO), SANLK_RINDEX_DIFF);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 2 * MiB,
				       T_IO), SANLK_RINDEX_OFFSET);
	fix_same_except(&f, snap, f.x + MiB, MiB);
	assert_lease_free(&f, 6);
	free(snap);

	/* duplicates: the offset picks the entry */
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "A",
				       6 * MiB, &re), 0);
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 6 * MiB,
				       T_IO), 0);
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "A"));
	assert_true(fix_entry_is(&f, 3, 0, ""));
	fix_done(&f);

	/* a failing entry write: the lease is not cleared, the entry kept.
	 * Two identical fixtures: the first finds which write it is. */
	{
		const struct memdisk_event *ev;
		uint64_t w = 0, ent_k = 0;
		size_t n, i;

		fix_default(&f);
		assert_int_equal(t_create(&f, "A", &off), 0);
		assert_int_equal(t_create(&f, "B", &off), 0);
		memdisk_log_clear(f.md);
		assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "B", 0,
					       T_IO), 0);
		ev = memdisk_log(f.md, &n);
		for (i = 0; i < n; i++) {
			if (ev[i].op != MEMDISK_OP_WRITE)
				continue;
			w++;
			if (ev[i].offset == f.x + 512)
				ent_k = w;
		}
		assert_true(ent_k > 0);
		fix_done(&f);

		fix_default(&f);
		assert_int_equal(t_create(&f, "A", &off), 0);
		assert_int_equal(t_create(&f, "B", &off), 0);
		memdisk_log_clear(f.md);
		t_rule(f.md, -1, MEMDISK_OP_WRITE, -1, ent_k, 1,
		       MEMDISK_ACT_FAIL, -EIO);
		assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "B", 0,
					       T_IO), -EIO);
		memdisk_clear_rules(f.md);
		assert_true(fix_entry_is(&f, 1, 4 * MiB, "B"));
		assert_resource(&f, 4 * MiB, "B", 0);
		assert_lease_free(&f, 3);
		fix_done(&f);
	}
}

/* ---- rebuild ---- */

static void test_rebuild_recovers(void **state)
{
	const struct memdisk_event *ev;
	struct rindex_rentry re;
	struct ondisk_leader lr;
	struct rx_fix f;
	uint8_t hdr_sector[512], *img;
	uint64_t off;
	uint32_t found = 99;
	size_t n, i, writes = 0;
	char name[8];

	(void)state;
	fix_default(&f);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "r%zu", i);
		assert_int_equal(t_create(&f, name, &off), 0);
	}
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "r2", 0, T_IO), 0);
	/* a lease of another lockspace in slot 8: indexed (magic only) */
	img = calloc(1, MiB);
	assert_non_null(img);
	ondisk_resource_image(img, &SZ512, "OTHER", "foreign", 0, 0, 0);
	memdisk_poke(f.md, 0, fix_slot(&f, 8), img, MiB);
	/* a leader with a bad checksum in slot 9: indexed too */
	ondisk_resource_image(img, &SZ512, "LS", "badsum", 0, 0, 0);
	img[168] ^= 0xff;
	memdisk_poke(f.md, 0, fix_slot(&f, 9), img, MiB);
	free(img);

	/* wipe every entry and scribble over the unused rest of the area;
	 * junk in the header sector after the header is kept */
	memset(fix_data(&f, f.x + 512), 0, MiB - 512);
	memset(fix_data(&f, f.x + 512 + 16000 * 64), 0x5a, MiB - 512 - 16000 * 64);
	fix_entry_put(&f, 11, 1, "stale");
	memset(fix_data(&f, f.x + 200), 0x07, 8);
	memcpy(hdr_sector, fix_data(&f, f.x), 512);

	memdisk_log_clear(f.md);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, &f.lease, f.size, &found), 0);
	assert_int_equal(found, 7);
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "r0"));
	assert_true(fix_entry_is(&f, 1, 4 * MiB, "r1"));
	assert_true(fix_entry_is(&f, 2, 0, ""));       /* cleared */
	assert_true(fix_entry_is(&f, 3, 6 * MiB, "r3"));
	assert_true(fix_entry_is(&f, 4, 7 * MiB, "r4"));
	assert_true(fix_entry_is(&f, 5, 8 * MiB, "r5"));
	assert_true(fix_entry_is(&f, 6, 0, ""));
	assert_true(fix_entry_is(&f, 8, fix_slot(&f, 8), "foreign"));
	assert_true(fix_entry_is(&f, 9, fix_slot(&f, 9), "badsum"));
	assert_true(fix_entry_is(&f, 11, 0, ""));
	assert_true(t_is_zero(fix_data(&f, f.x + 512 + 12 * 64),
			      MiB - 512 - 12 * 64));
	assert_memory_equal(fix_data(&f, f.x), hdr_sector, 512);

	/* probes stop at the end of the device; one write of the area,
	 * then the lease release */
	ev = memdisk_log(f.md, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].op == MEMDISK_OP_READ && ev[i].len == 512 &&
		    ev[i].offset >= 3 * MiB)
			assert_true(ev[i].offset + 512 <= f.size);
		if (ev[i].op == MEMDISK_OP_WRITE && ev[i].offset == f.x) {
			writes++;
			assert_int_equal(ev[i].len, MiB);
		}
	}
	assert_int_equal(writes, 1);
	assert_lease_free(&f, 8);   /* 6 creates, 1 delete, this rebuild */

	assert_int_equal(rindex_lookup(&f.env, &f.p, "r4", 0, &re), 0);
	assert_int_equal(re.offset, 7 * MiB);
	fix_leader(&f, 7 * MiB, &lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "r4", 1), 0);
	fix_done(&f);
}

static void test_rebuild_no_lease_and_end(void **state)
{
	const struct memdisk_event *ev;
	struct rx_fix f;
	uint32_t found;
	size_t n, i, probes = 0;
	uint64_t off;

	(void)state;
	fix_default(&f);
	assert_int_equal(t_create(&f, "A", &off), 0);
	memset(fix_data(&f, f.x + 512), 0, 512);

	/* no lease (direct rebuild); device size unknown: stops at the first
	 * read that fails (memdisk refuses reads past its end) */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, NULL, 0, &found), 0);
	assert_int_equal(found, 1);
	assert_true(fix_entry_is(&f, 0, 3 * MiB, "A"));
	ev = memdisk_log(f.md, &n);
	for (i = 0; i < n; i++) {
		assert_true(ev[i].op != MEMDISK_OP_WRITE || ev[i].offset == f.x);
		if (ev[i].op == MEMDISK_OP_READ && ev[i].len == 512 &&
		    ev[i].offset >= 3 * MiB)
			probes++;
	}
	assert_int_equal(probes, 14);   /* 13 slots + the one that failed */
	assert_lease_free(&f, 1);       /* untouched */

	/* a read error before the known end aborts without writing */
	memset(fix_data(&f, f.x + 512), 0, 512);
	memdisk_log_clear(f.md);
	t_rule(f.md, -1, MEMDISK_OP_READ, -1, 5, 1, MEMDISK_ACT_FAIL, -EIO);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, NULL, f.size, &found), -EIO);
	assert_int_equal(found, 0);
	assert_int_equal(fix_writes(&f), 0);
	assert_true(fix_entry_is(&f, 0, 0, ""));
	memdisk_clear_rules(f.md);

	/* max_resources bounds the probes */
	fix_done(&f);
	fix_init(&f, &SZ512, &SZ512, RX_OFF, RX_DISK, 2);
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, NULL, f.size, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(t_count_ops(f.md, -1, MEMDISK_OP_READ), 2 + 2);
	fix_done(&f);
}

/* ---- 4096-byte sectors ---- */

static void test_4k_sizes(void **state)
{
	static const struct ondisk_sizes SZ4K2M = { 4096, 2 * MiB, 500 };
	struct rindex_rentry re;
	struct ondisk_rindex_header rh;
	struct ondisk_leader lr;
	struct rx_fix f;
	uint64_t off;
	uint32_t found;

	(void)state;
	fix_init(&f, &SZ4K1M, &SZ4K2M, 2 * MiB, 24 * MiB, 0);
	ondisk_rindex_header_decode(fix_data(&f, f.x), &rh);
	assert_int_equal(rh.flags, 0x2);
	assert_int_equal(rh.sector_size, 4096);
	assert_int_equal(rh.max_resources, 32000);
	fix_leader(&f, 4 * MiB, &lr);
	assert_int_equal(lr.num_hosts, 500);
	assert_int_equal(lr.flags, LFL_ALIGN_2M);

	assert_int_equal(t_create(&f, "A", &off), 0);
	assert_int_equal(off, 6 * MiB);
	assert_resource(&f, 6 * MiB, "A", 0);
	assert_true(fix_entry_is(&f, 0, 6 * MiB, "A"));
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 0, &re), 0);
	assert_int_equal(re.offset, 8 * MiB);
	assert_int_equal(rindex_lookup(&f.env, &f.p, NULL, 7 * MiB, &re),
			 SANLK_RINDEX_OFFSET);

	/* entry 70 lives in the index's third sector */
	memdisk_log_clear(f.md);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_ADD, "S70",
				       fix_slot(&f, 70), &re), 0);
	assert_one_entry_write(&f, 70);
	{
		size_t n;
		const struct memdisk_event *ev = memdisk_log(f.md, &n);

		assert_int_equal(ev[n - 1].offset, f.x + 2 * 4096);
	}
	assert_int_equal(rindex_delete(&f.env, &f.p, &f.lease, "A", 6 * MiB, T_IO),
			 0);
	fix_leader(&f, 6 * MiB, &lr);
	assert_int_equal(lr.magic, PAXOS_DISK_CLEAR);
	assert_int_equal(rindex_update(&f.env, &f.p, RINDEX_UPDATE_REM, NULL,
				       fix_slot(&f, 70), &re), 0);
	assert_int_equal(t_create(&f, "B", &off), 0);
	assert_int_equal(t_create(&f, "C", &off), 0);
	assert_int_equal(off, 8 * MiB);
	memset(fix_data(&f, f.x + 4096), 0, 4096);
	assert_int_equal(rindex_rebuild(&f.env, &f.p, &f.lease, f.size, &found), 0);
	assert_int_equal(found, 2);
	assert_true(fix_entry_is(&f, 0, 6 * MiB, "B"));
	assert_true(fix_entry_is(&f, 1, 8 * MiB, "C"));
	fix_done(&f);
}

/* ---- two hosts creating at once ---- */

#define TWO_SEEDS     12
#define TWO_CREATES   4
#define TWO_ATTEMPTS  200

struct t_chost {
	struct lease_env env;
	struct t_hosts th;
	struct paxos_host_ops ops;
	struct rindex_lease lease;
	struct rindex_params p;
	int      idx;
	int      made;
	int      attempts;
	int      bad_rv;            /* first unexpected result */
	uint64_t offsets[TWO_CREATES];
};

static int t_retryable(int rv)
{
	return rv == SANLK_ACQUIRE_IDLIVE || rv == SANLK_ACQUIRE_OWNED ||
	       rv == SANLK_ACQUIRE_OTHER || rv == SANLK_ACQUIRE_OWNED_RETRY ||
	       rv == -EAGAIN;
}

static void t_create_prog(void *arg)
{
	struct t_chost *h = arg;
	char name[32];
	int rv;

	while (h->made < TWO_CREATES && h->attempts < TWO_ATTEMPTS) {
		h->attempts++;
		snprintf(name, sizeof(name), "h%d_%d", h->idx + 1, h->made);
		rv = rindex_create(&h->env, &h->p, &h->lease, name, 0, T_IO,
				   &h->offsets[h->made]);
		if (rv == 0) {
			h->made++;
			continue;
		}
		if (!t_retryable(rv)) {
			if (!h->bad_rv)
				h->bad_rv = rv;
			return;
		}
		(void)h->env.sleep_usec(h->env.ctx, 100000 +
					h->env.random(h->env.ctx) % 900000);
	}
}

static void test_two_hosts_create(void **state)
{
	uint32_t seed;
	long total_attempts = 0;

	(void)state;
	for (seed = 0; seed < TWO_SEEDS; seed++) {
		struct rx_fix f;
		struct t_chost h[2];
		memdisk_host_fn fns[2] = { t_create_prog, t_create_prog };
		void *args[2] = { &h[0], &h[1] };
		uint64_t all[2 * TWO_CREATES];
		int i, j, k = 0;

		fix_init(&f, &SZ512, &SZ512, RX_OFF, RX_DISK, 0);
		memdisk_seed(f.md, seed + 1);
		t_slot_set(f.md, &SZ512, 2, 1, 100, T_IO);
		for (i = 0; i < 2; i++) {
			memset(&h[i], 0, sizeof(h[i]));
			h[i].idx = i;
			memdisk_env(f.md, i, &h[i].env);
			t_hosts_init(&h[i].th, &h[i].env, &SZ512, &h[i].ops);
			for (j = 1; j <= 2; j++) {
				t_info_fresh(&h[i].th, (uint64_t)j, 1, 100,
					     MEMDISK_START_SEC);
				h[i].th.live[j] = 1;
			}
			h[i].lease = f.lease;
			h[i].lease.ops = &h[i].ops;
			h[i].lease.host_id = (uint64_t)i + 1;
			h[i].p = f.p;
		}
		memdisk_run(f.md, 2, fns, args, seed);

		for (i = 0; i < 2; i++) {
			assert_int_equal(h[i].bad_rv, 0);
			assert_int_equal(h[i].made, TWO_CREATES);
			total_attempts += h[i].attempts;
			for (j = 0; j < TWO_CREATES; j++) {
				char name[32];
				struct ondisk_leader lr;
				uint32_t slot;

				all[k++] = h[i].offsets[j];
				snprintf(name, sizeof(name), "h%d_%d", i + 1, j);
				fix_leader(&f, h[i].offsets[j], &lr);
				assert_int_equal(ondisk_paxos_verify(&lr, "LS",
								     name, 1), 0);
				slot = (uint32_t)((h[i].offsets[j] - 3 * MiB) / MiB);
				assert_true(fix_entry_is(&f, slot,
							 h[i].offsets[j], name));
			}
		}
		for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++)
				assert_true(all[i] != all[j]);
		/* dense: the first 2*TWO_CREATES slots, nothing else */
		for (i = 0; i < k; i++)
			assert_true(all[i] >= 3 * MiB &&
				    all[i] < 3 * MiB + (uint64_t)k * MiB);
		fix_done(&f);
	}
	/* the scheduler did make them collide */
	assert_true(total_attempts > 2L * TWO_CREATES * TWO_SEEDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv7_bytes),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_probe_sizes),
		cmocka_unit_test(test_lookup_modes),
		cmocka_unit_test(test_lookup_duplicate_names),
		cmocka_unit_test(test_lookup_offsets_refused),
		cmocka_unit_test(test_lookup_max_resources),
		cmocka_unit_test(test_update_add_remove),
		cmocka_unit_test(test_update_errors),
		cmocka_unit_test(test_create_basic),
		cmocka_unit_test(test_create_order),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_create_lease_held),
		cmocka_unit_test(test_create_write_failures),
		cmocka_unit_test(test_create_release_timeout),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_delete_errors),
		cmocka_unit_test(test_rebuild_recovers),
		cmocka_unit_test(test_rebuild_no_lease_and_end),
		cmocka_unit_test(test_4k_sizes),
		cmocka_unit_test(test_two_hosts_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
