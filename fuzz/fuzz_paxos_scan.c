/*
 * fuzz_paxos_scan.c - libFuzzer harness for the paxos lease code reading
 * a resource area written by others (or corrupted): full lease read,
 * leader-only read, request record, LVB, read_owners, and - over that same
 * area - an acquire / convert / release / request cycle with fake host
 * ops, all through an in-memory lease_env (fuzz_memenv.h) with 1..4
 * disks and an optional injected I/O fault or aborted sleep.
 *
 * Input: FZ_HDR parameter bytes, then area bytes: either one image copied
 * to every disk (with one byte flipped per extra disk) or one chunk per
 * disk.  The "fix-up" bits re-seal the leader and the dblocks of each disk
 * after loading, so that mutations get past the checksums.
 *
 * Findings: crashes, sanitizer reports, assertions in lease/, and
 * violated invariants: a result that is not a documented code (-212 and
 * -213 must never escape), owners lists that break their contract,
 * buffers not returned to the env, and an on-disk state that does not
 * match a reported success.
 *
 * Single-threaded; the env is reset for every input.
 */
#include <errno.h>
#include <string.h>

#include "fuzz/fuzz_memenv.h"
#include "fuzz/fuzz_util.h"
#include "lease/paxos.h"
#include "ondisk/ondisk.h"

#define FZ_HDR      16
#define FZ_IO_MAX   10
#define FZ_W_MAX    60
#define FZ_OWNERS   PAXOS_MAX_OWNERS

static struct fz_env fz_e;
static struct paxos_owner fz_owners[FZ_OWNERS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_env_init(&fz_e);
	return 0;
}

struct fz_params {
	int      num_disks;
	int      fix_leader, fix_dblocks, replicate, names, mode;
	uint32_t size_idx;
	int      offsets;
	uint64_t host_id, generation;
	uint32_t io, w;
	uint64_t fail_io;
	int      fail_rv, fail_lands;
	uint64_t abort_sleep;
	uint32_t owners_max;
	uint16_t flip_pos;
	uint8_t  flip_val;
	uint8_t  ops;           /* fake host ops behaviour */
	uint8_t  acq;           /* acquire flags and options */
};

/* Header (FZ_HDR bytes): b0 = disks-1 (bits 0-1), fix leader (2), fix
 * dblocks (3), replicate (4), names from the leader (5), mode (6-7); b1 =
 * sizes index (0-6), offsets (7); host_id u16; generation; io; W; fault
 * I/O number; fault kind; aborted sleep number; owners max; flip position
 * u16; flip value; host ops; acquire options. */
static void fz_parse(struct fz_in *in, struct fz_params *p)
{
	static const int fail_rvs[4] = { -EIO, SANLK_AIO_TIMEOUT, -ENODEV, 1 };
	uint8_t b0 = fz_u8(in), b1 = fz_u8(in), f;

	memset(p, 0, sizeof(*p));
	p->num_disks = 1 + (b0 & 3);
	p->fix_leader = (b0 >> 2) & 1;
	p->fix_dblocks = (b0 >> 3) & 1;
	p->replicate = (b0 >> 4) & 1;
	p->names = (b0 >> 5) & 1;
	p->mode = (b0 >> 6) & 3;
	p->size_idx = (b1 & 0x7F) % 5;
	p->offsets = b1 >> 7;
	p->host_id = fz_u16(in) % (PAXOS_MAX_HOST_ID + 1);
	p->generation = fz_u8(in);
	p->io = 1 + fz_u8(in) % FZ_IO_MAX;
	p->w = 1 + fz_u8(in) % FZ_W_MAX;
	p->fail_io = fz_u8(in);
	f = fz_u8(in);
	p->fail_rv = fail_rvs[f & 3];
	p->fail_lands = (f >> 2) & 1;
	p->abort_sleep = fz_u8(in);
	p->owners_max = fz_u8(in);
	p->flip_pos = fz_u16(in);
	p->flip_val = fz_u8(in);
	p->ops = fz_u8(in);
	p->acq = fz_u8(in);
}

static void fz_sizes_of(uint32_t idx, struct ondisk_sizes *sz)
{
	static const uint32_t pairs[5][2] = {
		{ 512, ONDISK_ALIGN_1M }, { 4096, ONDISK_ALIGN_1M },
		{ 4096, ONDISK_ALIGN_2M }, { 4096, ONDISK_ALIGN_4M },
		{ 4096, ONDISK_ALIGN_8M },
	};

	FZ_CHECK(ondisk_sizes_from_pair(pairs[idx][0], pairs[idx][1], sz) == 0,
		 "size table");
}

/* A result any public paxos function may return (paxos.h, algorithms.md
 * §5.11); the internal -212/-213 must never escape. */
static int fz_valid_rv(int rv)
{
	switch (rv) {
	case 0: case PAXOS_ABORTED: case -EIO: case -ENODEV: case -ENOSPC:
	case -EINVAL:
	case -EAGAIN: case -ETIMEDOUT: case -ENOMEM: case -EALREADY:
	case -EOVERFLOW:
	case -ENOENT:
	case SANLK_AIO_TIMEOUT:
	case SANLK_DBLOCK_READ: case SANLK_DBLOCK_WRITE:
	case SANLK_DBLOCK_CHECKSUM:
	case SANLK_LEADER_READ: case SANLK_LEADER_WRITE: case SANLK_LEADER_DIFF:
	case SANLK_LEADER_MAGIC: case SANLK_LEADER_VERSION:
	case SANLK_LEADER_SECTORSIZE: case SANLK_LEADER_LOCKSPACE:
	case SANLK_LEADER_RESOURCE: case SANLK_LEADER_NUMHOSTS:
	case SANLK_LEADER_CHECKSUM: case SANLK_ADDLS_SIZES:
	case SANLK_ACQUIRE_LVER: case SANLK_ACQUIRE_LOCKSPACE:
	case SANLK_ACQUIRE_IDDISK: case SANLK_ACQUIRE_IDLIVE:
	case SANLK_ACQUIRE_OWNED: case SANLK_ACQUIRE_OTHER:
	case SANLK_ACQUIRE_SHRETRY: case SANLK_ACQUIRE_OWNED_RETRY:
	case SANLK_RELEASE_LVER: case SANLK_RELEASE_OWNER:
	case SANLK_REQUEST_MAGIC: case SANLK_REQUEST_VERSION:
	case SANLK_REQUEST_OLD: case SANLK_REQUEST_LVER:
		return 1;
	default:
		return 0;
	}
}

#define FZ_RV(what, rv) \
	FZ_CHECK(fz_valid_rv(rv), "%s returned %d", what, rv)

/* ---- loading the disks ---- */

static void fz_fixup(const struct fz_params *p, int d, uint64_t off, size_t len,
		     uint32_t start_ss)
{
	uint8_t *sec0 = fz_env_bytes(&fz_e, d, off, ONDISK_LEADER_SIZE);
	struct ondisk_leader lr;
	uint32_t ss;
	uint64_t q;

	ondisk_leader_decode(sec0, &lr);
	ss = lr.sector_size == 512 || lr.sector_size == 4096 ? lr.sector_size :
	     start_ss;
	if (p->fix_dblocks) {
		for (q = 0; (2 + q) * ss < len && q < PAXOS_MAX_HOST_ID; q++) {
			uint8_t *s = fz_env_bytes(&fz_e, d, off + (2 + q) * ss,
						  ONDISK_DBLOCK_SIZE);
			struct ondisk_dblock db;

			ondisk_dblock_decode(s, &db);
			if (!ondisk_dblock_never_written(&db))
				ondisk_dblock_seal(&db, s);
		}
	}
	if (p->fix_leader)
		ondisk_leader_seal(&lr, sec0);
}

static void fz_load(const struct fz_params *p, const uint8_t *data, size_t len,
		    uint64_t *offsets, uint32_t start_ss)
{
	int d;

	for (d = 0; d < p->num_disks; d++) {
		const uint8_t *src = data;
		size_t n = len;

		offsets[d] = p->offsets ? (uint64_t)(d + 1) << 20 : 0;
		if (!p->replicate) {
			n = len / (size_t)p->num_disks;
			src = data + (size_t)d * n;
		}
		fz_env_load(&fz_e, d, offsets[d], src, n);
		if (p->replicate && d > 0 && n > 0) {
			uint8_t *b = fz_env_bytes(&fz_e, d, offsets[d] +
						  (p->flip_pos + d) % n, 1);

			*b ^= (uint8_t)(p->flip_val * d);
		}
		if (p->fix_leader || p->fix_dblocks)
			fz_fixup(p, d, offsets[d], n, start_ss);
	}
}

/* ---- fake host ops (the daemon's host table) ---- */

struct fz_ops_ctx {
	const struct fz_params *p;
	uint64_t calls;
};

static int fz_host_info(void *ctx, uint64_t host_id, struct paxos_host_info *out)
{
	struct fz_ops_ctx *c = ctx;
	uint64_t now = fz_e.env.now(fz_e.env.ctx);

	FZ_CHECK(host_id >= 1 && host_id <= PAXOS_MAX_HOST_ID, "host_info id");
	memset(out, 0, sizeof(*out));
	if (c->p->ops & 1)
		return SANLK_ACQUIRE_LOCKSPACE;
	if (c->p->ops & 2) {
		out->first_check = now > 100 ? now - 100 : 1;
		out->last_check = now;
		out->last_live = (c->p->ops & 4) ? now : out->first_check;
		out->timestamp = 5;
		out->owner_id = host_id;
		out->owner_generation = c->p->generation;
		out->io_timeout = c->p->io;
	}
	return 0;
}

static int fz_read_delta(void *ctx, uint64_t host_id, struct ondisk_leader *out)
{
	struct fz_ops_ctx *c = ctx;

	FZ_CHECK(host_id >= 1 && host_id <= PAXOS_MAX_HOST_ID, "read_delta id");
	memset(out, 0, sizeof(*out));
	c->calls++;
	switch ((c->p->ops >> 3) & 3) {
	case 0:                         /* slot free */
		return 0;
	case 1:                         /* owner present, not renewing */
		out->owner_id = host_id;
		out->owner_generation = c->p->generation;
		out->timestamp = 77;
		return 0;
	case 2:                         /* owner renewing */
		out->owner_id = host_id;
		out->owner_generation = c->p->generation;
		out->timestamp = 77 + c->calls;
		return 0;
	default:
		return SANLK_ACQUIRE_IDDISK;
	}
}

static int fz_host_live(void *ctx, uint64_t host_id, uint64_t generation)
{
	struct fz_ops_ctx *c = ctx;

	(void)generation;
	FZ_CHECK(host_id >= 1 && host_id <= PAXOS_MAX_HOST_ID, "host_live id");
	return (c->p->ops >> 5) & 1;
}

/* ---- reads ---- */

static int fz_no_fault_yet(void)
{
	return !fz_e.fail_io || fz_e.ios < fz_e.fail_io;
}

static void fz_reads(struct paxos_lease *pl, uint64_t lver)
{
	struct ondisk_leader lr, lr2;
	struct ondisk_request req;
	uint8_t lvb[4096];
	uint64_t mbal = 0;
	int rv;

	rv = paxos_lease_read(&fz_e.env, pl, &lr, &mbal);
	FZ_RV("paxos_lease_read", rv);
	if (rv == 0) {
		FZ_CHECK(lr.num_hosts <= pl->sizes.max_hosts, "num_hosts");
		FZ_CHECK(lr.num_hosts >= pl->host_id, "num_hosts < host_id");
		FZ_CHECK(lr.magic == PAXOS_DISK_MAGIC, "magic");
	}
	rv = paxos_leader_read(&fz_e.env, pl, &lr2);
	FZ_RV("paxos_leader_read", rv);
	rv = paxos_request_read(&fz_e.env, pl, &req);
	FZ_RV("paxos_request_read", rv);
	if (rv == 0) {
		uint32_t a = paxos_request_action(&req, lver);

		FZ_CHECK(a == 0 || a == req.force_mode, "request action %u", a);
	}
	rv = paxos_lvb_read(&fz_e.env, pl, lvb, pl->sizes.sector_size);
	FZ_RV("paxos_lvb_read", rv);
	FZ_CHECK(paxos_lvb_read(&fz_e.env, pl, lvb,
				(size_t)pl->sizes.sector_size + 1) == -EINVAL,
		 "lvb over a sector");
}

static void fz_owners_check(struct paxos_lease *pl, uint32_t max)
{
	struct ondisk_leader lr;
	uint32_t count = 0, total = 0, i;
	int rv, rv2;

	rv = paxos_read_owners(&fz_e.env, pl, &lr, fz_owners, max, &count);
	FZ_RV("paxos_read_owners", rv);
	rv2 = paxos_read_owners(&fz_e.env, pl, NULL, NULL, 0, &total);
	FZ_RV("paxos_read_owners (count)", rv2);
	/* both calls read the same disks unless a fault was injected */
	if (fz_no_fault_yet() && (rv == 0 || rv == -ENOSPC))
		FZ_CHECK(rv2 == 0 && total == count, "count %u vs %u (rv %d/%d)",
			 total, count, rv, rv2);
	if (rv == -ENOSPC) {           /* only read_owners says -ENOSPC */
		FZ_CHECK(count > max, "-ENOSPC with %u <= %u owners", count, max);
		return;
	}
	if (rv < 0)
		return;
	FZ_CHECK(count <= max, "%u owners > max %u", count, max);
	for (i = 0; i < count; i++) {
		const struct paxos_owner *o = &fz_owners[i];

		if (i == 0 && lr.timestamp != LEASE_FREE) {
			FZ_CHECK(!o->shared && o->host_id == lr.owner_id &&
				 o->timestamp == lr.timestamp, "exclusive owner");
			continue;
		}
		FZ_CHECK(o->shared && o->host_id >= 1 &&
			 o->host_id <= lr.num_hosts && o->timestamp == 0,
			 "shared owner %u", i);
		FZ_CHECK(i == 0 || !fz_owners[i - 1].shared ||
			 fz_owners[i - 1].host_id < o->host_id,
			 "shared owners not sorted");
	}
}

/* ---- acquire / convert / release / request ---- */

/* With no fault so far every write reached every disk: each leader copy
 * names us while we hold the lease exclusively. */
static void fz_check_held(const struct paxos_lease *pl)
{
	int d;

	if (!fz_no_fault_yet() || pl->mode != PAXOS_MODE_EX)
		return;
	for (d = 0; d < pl->num_disks; d++) {
		struct ondisk_leader lr;

		ondisk_leader_decode(fz_env_bytes(&fz_e, d, pl->offsets[d],
						  ONDISK_LEADER_SIZE), &lr);
		FZ_CHECK(ondisk_paxos_verify(&lr, pl->space_name, pl->res_name,
					     pl->host_id) == 0,
			 "disk %d: our leader does not verify", d);
		FZ_CHECK(lr.owner_id == pl->host_id && lr.timestamp != 0 &&
			 lr.lver == pl->lver && lr.owner_generation == pl->generation,
			 "disk %d: EX but leader owner %llu lver %llu", d,
			 (unsigned long long)lr.owner_id,
			 (unsigned long long)lr.lver);
	}
}

static void fz_cycle(const struct fz_params *p, struct paxos_lease *pl)
{
	struct fz_ops_ctx oc = { p, 0 };
	struct paxos_host_ops ops = { &oc, fz_host_info, fz_read_delta,
				      fz_host_live };
	struct paxos_acquire_args args;
	struct ondisk_leader lr;
	uint64_t owner = 0;
	uint8_t lvb[64];
	int rv, i;

	memset(&args, 0, sizeof(args));
	args.flags = (p->acq & 1 ? PAXOS_ACQ_SHARED : 0) |
		     (p->acq & 2 ? PAXOS_ACQ_OWNER_NOWAIT : 0);
	args.acquire_lver = (p->acq & 4) ? (p->acq >> 4) : 0;
	args.new_num_hosts = (p->acq & 8) ? (p->acq >> 4) : 0;
	args.sh_retries = 1 + (p->acq >> 6);

	rv = paxos_lease_acquire(&fz_e.env, &ops, pl, &args, &lr);
	FZ_RV("paxos_lease_acquire", rv);
	if (pl->host_id == 0 || !pl->res_name[0])
		FZ_CHECK(rv == -EINVAL, "acquire without identity %d", rv);
	if (rv == 0) {
		FZ_CHECK(pl->mode == ((args.flags & PAXOS_ACQ_SHARED) ?
			 PAXOS_MODE_SH : PAXOS_MODE_EX), "mode %d", pl->mode);
		fz_check_held(pl);
		memset(lvb, 0x5A, sizeof(lvb));
		FZ_RV("paxos_lvb_write", paxos_lvb_write(&fz_e.env, pl, lvb,
							 sizeof(lvb)));
		rv = paxos_lease_convert(&fz_e.env, &ops, pl,
					 pl->mode == PAXOS_MODE_EX,
					 (p->acq & 2) ? PAXOS_ACQ_OWNER_NOWAIT : 0,
					 &lr);
		FZ_RV("paxos_lease_convert", rv);
		FZ_CHECK(pl->mode != PAXOS_MODE_NONE || rv != 0,
			 "convert lost the lease");
		if (rv == 0)
			fz_check_held(pl);
	} else {
		FZ_CHECK(pl->mode == PAXOS_MODE_NONE, "failed acquire holds");
	}

	if (p->acq & 0x10) {
		rv = paxos_request_write(&fz_e.env, pl, p->acq >> 5,
					 (p->acq >> 2) & 3, (p->acq >> 7) & 1,
					 &owner);
		FZ_RV("paxos_request_write", rv);
	}

	/* release, retrying a timed-out one as the daemon does */
	for (i = 0; i < 3; i++) {
		rv = paxos_lease_release(&fz_e.env, pl,
					 (p->acq & 0x20) ? "renamed" : NULL);
		FZ_RV("paxos_lease_release", rv);
		if (rv != SANLK_AIO_TIMEOUT)
			break;
	}
	if (rv == SANLK_AIO_TIMEOUT) {
		FZ_CHECK(paxos_release_pending(pl), "timed out, nothing pending");
		paxos_lease_drop(pl);
	}
	FZ_CHECK(!paxos_release_pending(pl) && pl->mode == PAXOS_MODE_NONE,
		 "after release: mode %d pending %d", pl->mode,
		 paxos_release_pending(pl));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_params p;
	struct fz_in in;
	struct paxos_lease_params pp;
	struct paxos_lease pl;
	struct ondisk_leader first;
	char space[ONDISK_NAME_LEN + 1], res[ONDISK_NAME_LEN + 1];
	const uint8_t *area;
	size_t len;
	int rv, d;

	fz_env_reset(&fz_e);
	fz_in_init(&in, data, size);
	fz_parse(&in, &p);
	FZ_CHECK(size < FZ_HDR || in.p == data + FZ_HDR, "header is not FZ_HDR");
	area = fz_bytes(&in, ONDISK_ALIGN_8M, &len);

	memset(&pp, 0, sizeof(pp));
	fz_sizes_of(p.size_idx, &pp.sizes);
	fz_load(&p, area, len, pp.offsets, pp.sizes.sector_size);

	memset(&first, 0, sizeof(first));
	if (len >= ONDISK_LEADER_SIZE)
		ondisk_leader_decode(area, &first);
	ondisk_name_str(space, first.space_name);
	ondisk_name_str(res, first.resource_name);
	pp.space_name = p.names ? space : "";
	pp.res_name = p.names ? res : "";
	pp.num_disks = p.num_disks;
	pp.host_id = p.host_id;
	pp.generation = p.generation;
	pp.io_timeout = p.io;
	pp.fire_timeout = p.w;

	rv = paxos_lease_setup(&pl, &pp);
	if (p.host_id && (!pp.space_name[0] || !pp.res_name[0])) {
		FZ_CHECK(rv == -EINVAL, "setup without names %d", rv);
		pp.host_id = p.host_id = 0;       /* read-only instead */
		rv = paxos_lease_setup(&pl, &pp);
	}
	FZ_CHECK(rv == 0, "paxos_lease_setup %d", rv);

	fz_e.fail_io = p.fail_io;
	fz_e.fail_rv = p.fail_rv;
	fz_e.fail_lands = p.fail_lands;
	fz_e.abort_sleep = p.abort_sleep;
	/* every documented wait: owner wait 8*io+W (+slack) per restart,
	 * ballot retries of up to 1 s each */
	fz_e.max_sleeps = (uint64_t)PAXOS_ACQUIRE_RESTARTS_MAX *
			  (2 * (8 * FZ_IO_MAX + FZ_W_MAX + 1) + 60 +
			   PAXOS_BALLOT_RETRIES_MAX) + PAXOS_SH_RETRIES_MAX;

	switch (p.mode) {
	case 0:
		fz_reads(&pl, p.generation);
		break;
	case 1:
		fz_owners_check(&pl, p.owners_max % (FZ_OWNERS + 1));
		break;
	default:
		fz_cycle(&p, &pl);
		break;
	}
	FZ_CHECK(fz_e.bufs_live == 0, "%ld env buffers not freed",
		 fz_e.bufs_live);
	for (d = 0; d < p.num_disks; d++)
		FZ_CHECK(pl.offsets[d] == pp.offsets[d], "offsets changed");
	return 0;
}
