/*
 * fuzz_delta_scan.c - libFuzzer harness for what a host reads from a
 * lockspace area that other hosts (or corruption) wrote: the pre-join
 * probe (delta_lease_probe), the host-table update of a renewal read
 * (daemon/hosts.c hosts_update, state, liveness and status text of every
 * slot), the per-slot record checks (ondisk_delta_verify, message record,
 * bitmap), and our own delta lease run over that area through an
 * in-memory lease_env (delta_lease_init, adopt or acquire, renew twice,
 * release) with an optional injected I/O fault or aborted sleep.
 *
 * Input: FZ_HDR parameter bytes, then the area bytes (loaded at the
 * lockspace offset; the rest of the area is zero).  With the "fix-up" bit
 * the harness re-seals the checksum of every slot (and of every message
 * record with the right magic) after loading, so that the fuzzer gets
 * past the checksum checks to the logic behind them.
 *
 * Findings: crashes, sanitizer reports, assertion failures in lease/ or
 * daemon/hosts.c, and violated invariants: results outside the documented
 * codes, buffers not returned to the env, records on disk not matching a
 * reported success.
 *
 * Single-threaded; the env is reset for every input.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "daemon/hosts.h"
#include "fuzz/fuzz_memenv.h"
#include "fuzz/fuzz_util.h"
#include "lease/delta.h"
#include "ondisk/ondisk.h"
#include "sanlock_admin.h"

#define FZ_HDR        12
#define FZ_IO_MAX     10        /* our io_timeout 1..10 */
#define FZ_W_MAX      60        /* W 1..60 */
#define FZ_SLOT_IO_MAX 15       /* fix-up clamps a slot's io_timeout */
#define FZ_END        (-100000) /* end of a result list */

static struct fz_env fz_e;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_env_init(&fz_e);
	return 0;
}

/* rv is one of the listed results (list ends with FZ_END). */
static int fz_rv_in(int rv, ...)
{
	va_list ap;
	int v, found = 0;

	va_start(ap, rv);
	while ((v = va_arg(ap, int)) != FZ_END)
		if (v == rv)
			found = 1;
	va_end(ap);
	return found;
}

struct fz_params {
	uint64_t offset;
	int      fixup;
	int      keep_slot_io;
	int      mode;          /* 0 scan only, 1 adopt, 2 acquire, 3 acquire + msg */
	int      own_name;      /* our host name = the slot's owner name */
	int      frozen;
	uint32_t size_idx;
	uint64_t host_id;
	uint32_t io, w;
	uint64_t fail_io;
	int      fail_rv, fail_lands;
	uint64_t abort_sleep;
	int      keep_event;
};

/* Header (FZ_HDR bytes): b0 = offset MiB (bits 0-1), fix-up (2), mode
 * (3-4), own name (5), keep slot io (6), frozen clock (7); b1 = sizes
 * index (0-6), keep_event (7); fault kind; host_id u16; io; W; fault I/O
 * number; aborted sleep number u16; 2 reserved. */
static void fz_parse(struct fz_in *in, struct fz_params *p)
{
	uint8_t b0 = fz_u8(in), b1 = fz_u8(in), f = fz_u8(in);
	static const int fail_rvs[4] = { -EIO, SANLK_AIO_TIMEOUT, -ENODEV, 1 };

	memset(p, 0, sizeof(*p));
	p->offset = (uint64_t)(b0 & 3) << 20;
	p->fixup = (b0 >> 2) & 1;
	p->mode = (b0 >> 3) & 3;
	p->own_name = (b0 >> 5) & 1;
	p->keep_slot_io = (b0 >> 6) & 1;
	p->frozen = (b0 >> 7) & 1;
	p->size_idx = (b1 & 0x7F) % 5;
	p->keep_event = (b1 >> 7) & 1;
	p->host_id = fz_u16(in);
	p->io = 1 + fz_u8(in) % FZ_IO_MAX;
	p->w = 1 + fz_u8(in) % FZ_W_MAX;
	p->fail_io = fz_u8(in);
	p->fail_rv = fail_rvs[f & 3];
	p->fail_lands = (f >> 2) & 1;
	p->abort_sleep = fz_u16(in);
	(void)fz_u16(in);     /* reserved: the header is FZ_HDR bytes */
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

/* Re-seal every slot (and valid-magic message record) within the input. */
static void fz_fixup(const struct fz_params *p, uint32_t ss, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += ss) {
		uint8_t *sec = fz_env_bytes(&fz_e, 0, p->offset + off, ss);
		struct ondisk_leader lr;
		struct ondisk_msg m;

		ondisk_leader_decode(sec, &lr);
		if (!p->keep_slot_io)
			lr.io_timeout %= FZ_SLOT_IO_MAX + 1;
		ondisk_leader_seal(&lr, sec);
		ondisk_msg_decode(sec + ONDISK_MSG_OFFSET, &m);
		if (m.magic == ONDISK_MSG_MAGIC)
			ondisk_msg_seal(&m, sec + ONDISK_MSG_OFFSET);
	}
}

/* ---- host table (renewal read, algorithms.md §4) ---- */

struct fz_cb_ctx {
	const struct hosts_table *t;
	uint64_t our_id;
	unsigned calls;
	unsigned examines;
};

static void fz_cb_event(void *arg, const struct sanlk_host_event *he,
			uint64_t from_host_id, uint64_t from_generation)
{
	struct fz_cb_ctx *c = arg;

	(void)from_host_id;
	(void)from_generation;
	FZ_CHECK(he->host_id == c->our_id, "event for host %llu",
		 (unsigned long long)he->host_id);
	FZ_CHECK(he->event != 0, "event value 0 delivered");
	c->calls++;
}

static void fz_cb_examine(void *arg)
{
	struct fz_cb_ctx *c = arg;

	c->examines++;
}

static void fz_cb_new_owner(void *arg, uint64_t host_id, const struct host_rec *h)
{
	struct fz_cb_ctx *c = arg;

	FZ_CHECK(host_id >= 1 && host_id <= c->t->max_hosts, "new_owner id");
	FZ_CHECK(h->owner_name[ONDISK_NAME_LEN] == 0, "new_owner name");
	FZ_CHECK(h->timestamp != LEASE_FREE, "new_owner of a free slot");
	c->calls++;
}

static void fz_cb_bad_slot(void *arg, uint64_t host_id, uint32_t magic,
			   const char *space_name)
{
	struct fz_cb_ctx *c = arg;

	(void)magic;
	FZ_CHECK(host_id >= 1 && host_id <= c->t->max_hosts, "bad_slot id");
	FZ_CHECK(strlen(space_name) <= ONDISK_NAME_LEN, "bad_slot name");
	c->calls++;
}

/* State, liveness and status text of one host record. */
static void fz_host_rec(const struct hosts_table *t, uint64_t id,
			uint64_t our_id, uint64_t now, uint32_t w)
{
	const struct host_rec *h = hosts_get(t, id);
	char text[512];
	uint32_t st;
	int n, rv;

	FZ_CHECK(h, "hosts_get %llu", (unsigned long long)id);
	FZ_CHECK(h->last_check == now - (1 + 8 * FZ_SLOT_IO_MAX + w),
		 "last_check");
	FZ_CHECK(h->owner_name[ONDISK_NAME_LEN] == 0, "owner_name");
	st = hosts_state(h, our_id, now, w);
	FZ_CHECK(st == SANLK_HOST_FREE || st == SANLK_HOST_LIVE ||
		 st == SANLK_HOST_UNKNOWN || st == SANLK_HOST_FAIL ||
		 st == SANLK_HOST_DEAD, "state %u", st);
	FZ_CHECK(strcmp(hosts_state_name(st), "ERROR") != 0, "state name");
	rv = hosts_live(h, h->owner_generation, FZ_IO_MAX, w);
	FZ_CHECK(rv == 0 || rv == 1, "live %d", rv);
	n = hosts_status_text(h, text, sizeof(text));
	FZ_CHECK(n > 0 && strlen(text) == ((size_t)n < sizeof(text) ?
		 (size_t)n : sizeof(text) - 1), "status text");
	(void)hosts_reportable(h);
}

/* Slots past `nslots` hold zeros only (the input did not reach them); the
 * per-slot checks skip them, hosts_update always sees the whole area. */
static void fz_hosts(const uint8_t *area, const struct ondisk_sizes *sz,
		     uint32_t nslots, const char *space, uint64_t our_id,
		     uint32_t w)
{
	struct hosts_table t;
	struct fz_cb_ctx ctx;
	struct hosts_update_cb cb;
	uint64_t now = FZ_ENV_START_SEC + 5, id;
	int rv, pass, again = 0;

	rv = hosts_table_init(&t, space, our_id, sz);
	FZ_CHECK(rv == 0, "hosts_table_init %d", rv);
	memset(&ctx, 0, sizeof(ctx));
	ctx.t = &t;
	ctx.our_id = our_id;
	memset(&cb, 0, sizeof(cb));
	cb.new_owner = fz_cb_new_owner;
	cb.bad_slot = fz_cb_bad_slot;
	cb.event = fz_cb_event;
	cb.examine = fz_cb_examine;
	cb.set_bitmap_seconds = 6 * FZ_IO_MAX;
	cb.arg = &ctx;
	FZ_CHECK(hosts_update(&t, area, (size_t)sz->max_hosts * sz->sector_size - 1,
			      now, &cb) == -EINVAL, "short area accepted");
	/* A second look at the same image sees a change only in bad slots
	 * with a non-zero owner: their owner fields are never stored
	 * (algorithms.md §4.1 step 5), so step 4 never matches. */
	for (id = 1; id <= nslots; id++) {
		struct ondisk_leader lr;

		ondisk_leader_decode(area + (id - 1) * sz->sector_size, &lr);
		if ((lr.magic != DELTA_DISK_MAGIC ||
		     strncmp(lr.space_name, t.space_name, ONDISK_NAME_LEN)) &&
		    (lr.owner_id || lr.owner_generation))
			again++;
	}
	for (pass = 0; pass < 2; pass++) {
		ctx.examines = 0;
		rv = hosts_update(&t, area, sz->align_size, now, &cb);
		FZ_CHECK(ctx.examines <= 1, "examine called %u times", ctx.examines);
		FZ_CHECK(rv >= 0 && (uint32_t)rv <= t.max_hosts,
			 "hosts_update changes %d", rv);
		FZ_CHECK(pass == 0 || rv == again,
			 "second look saw %d changes, expected %d", rv, again);
		now += 1 + 8 * FZ_SLOT_IO_MAX + w;
	}
	FZ_CHECK(t.examinations == 2, "examinations");
	for (id = 1; id <= nslots; id++)
		fz_host_rec(&t, id, our_id, now, w);
	if (our_id > nslots)
		fz_host_rec(&t, our_id, our_id, now, w);
	FZ_CHECK(hosts_get(&t, 0) == NULL && hosts_get(&t, t.max_hosts + 1) == NULL,
		 "hosts_get out of range");
	hosts_table_free(&t);
}

/* The per-slot checks a renewal scan makes on every sector. */
static void fz_slots(const uint8_t *area, const struct ondisk_sizes *sz,
		     uint32_t nslots, const char *space, uint64_t our_id)
{
	uint32_t k;

	for (k = 0; k < nslots; k++) {
		const uint8_t *sec = area + (uint64_t)k * sz->sector_size;
		struct ondisk_leader lr;
		struct ondisk_msg m;
		int rv;

		ondisk_leader_decode(sec, &lr);
		rv = ondisk_delta_verify(&lr, space);
		FZ_CHECK(fz_rv_in(rv, 0, SANLK_LEADER_MAGIC, SANLK_LEADER_VERSION,
				  SANLK_LEADER_LOCKSPACE, SANLK_LEADER_CHECKSUM,
				  FZ_END), "slot verify %d", rv);
		ondisk_msg_decode(sec + ONDISK_MSG_OFFSET, &m);
		rv = ondisk_msg_verify(&m, lr.owner_generation);
		FZ_CHECK(fz_rv_in(rv, 0, -ENOMSG, -EBADMSG, -ESTALE, FZ_END),
			 "msg verify %d", rv);
		(void)ondisk_bitmap_test(sec + ONDISK_BITMAP_OFFSET, our_id);
	}
}

/* ---- our lease over the area ---- */

static void fz_msg_fill(void *arg, uint64_t gen, uint8_t msg[ONDISK_MSG_SIZE])
{
	struct ondisk_msg m;

	(void)arg;
	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.owner_generation = gen;
	ondisk_msg_seal(&m, msg);
}

/* Our sector on disk verifies and carries what dl says we wrote. */
static void fz_check_ours(const struct delta_lease *dl, int released)
{
	const uint8_t *sec = fz_env_bytes(&fz_e, 0, dl->sector_offset,
					  dl->sizes.sector_size);
	struct ondisk_leader lr;

	ondisk_leader_decode(sec, &lr);
	FZ_CHECK(ondisk_delta_verify(&lr, dl->space_name) == 0,
		 "our record does not verify");
	FZ_CHECK(lr.owner_id == dl->host_id, "our record owner_id");
	FZ_CHECK(lr.owner_generation == dl->last.owner_generation, "our gen");
	if (released)
		FZ_CHECK(lr.timestamp == LEASE_FREE, "released timestamp");
	else
		FZ_CHECK(lr.timestamp == dl->last_success && lr.timestamp != 0,
			 "our timestamp");
}

static void fz_lease(const struct fz_params *p, const struct ondisk_sizes *sz,
		     const char *space, const char *slot_name)
{
	struct delta_lease_params lp;
	struct delta_lease dl;
	struct delta_renew_extra extra;
	struct delta_renew_result res;
	uint8_t bitmap[ONDISK_BITMAP_SIZE], msg[ONDISK_MSG_SIZE];
	void *area;
	int rv, i, held;

	memset(&lp, 0, sizeof(lp));
	lp.space_name = space;
	lp.host_name = p->own_name && slot_name[0] ? slot_name : "fuzz-host";
	lp.host_id = p->host_id;
	lp.disk = 0;
	lp.offset = p->offset;
	lp.sizes = *sz;
	lp.io_timeout = p->io;
	lp.fire_timeout = p->w;
	lp.read_extend_sec = -1;
	rv = delta_lease_init(&dl, &lp);
	if (p->host_id == 0 || !space[0]) {
		FZ_CHECK(rv == -EINVAL, "init of a bad lease %d", rv);
		return;
	}
	if (p->host_id > sz->max_hosts) {
		FZ_CHECK(rv == SANLK_ADDLS_INVALID_HOSTID, "init host_id %d", rv);
		return;
	}
	FZ_CHECK(rv == 0, "delta_lease_init %d", rv);

	/* faults apply from here on */
	fz_e.fail_io = p->fail_io;
	fz_e.fail_rv = p->fail_rv;
	fz_e.fail_lands = p->fail_lands;
	fz_e.abort_sleep = p->abort_sleep;
	fz_e.frozen = p->frozen;

	if (p->mode == 1) {
		rv = delta_lease_adopt(&fz_e.env, &dl);
		FZ_CHECK(fz_rv_in(rv, 0, -EINVAL, -EIO, -ENODEV, SANLK_AIO_TIMEOUT,
				  SANLK_LEADER_MAGIC, SANLK_LEADER_VERSION,
				  SANLK_LEADER_LOCKSPACE, SANLK_LEADER_CHECKSUM,
				  FZ_END), "adopt %d", rv);
	} else {
		struct delta_acquire_info info;

		rv = delta_lease_acquire(&fz_e.env, &dl,
					 p->mode == 3 ? fz_msg_fill : NULL, NULL,
					 &info);
		FZ_CHECK(fz_rv_in(rv, 0, -EIO, -ENODEV, SANLK_AIO_TIMEOUT,
				  SANLK_LEADER_MAGIC, SANLK_LEADER_VERSION,
				  SANLK_LEADER_LOCKSPACE, SANLK_LEADER_CHECKSUM,
				  SANLK_HOSTID_BUSY, DELTA_ABORTED, -ETIMEDOUT,
				  -EOVERFLOW, FZ_END), "acquire %d", rv);
		if (rv == 0) {
			FZ_CHECK(info.fast || info.held_wait_sec > 0, "held wait");
			if (!fz_e.fail_io || fz_e.ios < fz_e.fail_io)
				fz_check_ours(&dl, 0);
		}
	}
	held = rv == 0;
	FZ_CHECK(dl.held == held, "held %d after rv %d", dl.held, rv);

	area = fz_e.env.buf_alloc(fz_e.env.ctx, sz->align_size);
	FZ_CHECK(area, "area buffer");
	memset(bitmap, 0, sizeof(bitmap));
	ondisk_bitmap_set(bitmap, p->host_id);
	fz_msg_fill(NULL, dl.last.owner_generation, msg);
	for (i = 0; held && i < 2; i++) {
		memset(&extra, 0, sizeof(extra));
		extra.keep_event = p->keep_event;
		extra.event_generation = 7;
		extra.event_event = (uint64_t)i;
		extra.bitmap = i ? bitmap : NULL;
		extra.msg = i ? msg : NULL;
		rv = delta_lease_renew(&fz_e.env, &dl, area, i ? &extra : NULL,
				       &res);
		FZ_CHECK(fz_rv_in(rv, 0, -EIO, -ENODEV, SANLK_AIO_TIMEOUT,
				  SANLK_LEADER_MAGIC, SANLK_LEADER_VERSION,
				  SANLK_LEADER_LOCKSPACE, SANLK_LEADER_CHECKSUM,
				  SANLK_RENEW_OWNER, SANLK_RENEW_DIFF, FZ_END),
			 "renew %d", rv);
		FZ_CHECK(rv != 0 || (res.read_rv == 0 && res.timestamp != 0),
			 "renew result");
		if (rv == 0 && (!fz_e.fail_io || fz_e.ios < fz_e.fail_io))
			fz_check_ours(&dl, 0);
		if (rv == SANLK_AIO_TIMEOUT && res.read_rv == SANLK_AIO_TIMEOUT) {
			/* a timed-out read buffer is never reused */
			fz_e.env.buf_free(fz_e.env.ctx, area);
			area = fz_e.env.buf_alloc(fz_e.env.ctx, sz->align_size);
			FZ_CHECK(area, "area buffer");
		}
	}
	fz_e.env.buf_free(fz_e.env.ctx, area);

	rv = delta_lease_release(&fz_e.env, &dl, p->mode == 3 ? msg : NULL);
	FZ_CHECK(fz_rv_in(rv, 0, -EIO, -ENODEV, SANLK_AIO_TIMEOUT,
			  DELTA_RELEASE_SKIPPED, FZ_END), "release %d", rv);
	FZ_CHECK(!dl.held, "held after release");
	if (rv == 0 && (!fz_e.fail_io || fz_e.ios < fz_e.fail_io))
		fz_check_ours(&dl, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_params p;
	struct fz_in in;
	struct ondisk_sizes sz, probed;
	struct ondisk_leader first;
	char space[ONDISK_NAME_LEN + 1], slot_name[ONDISK_NAME_LEN + 1];
	const uint8_t *area_in;
	uint8_t *area;
	uint32_t nslots;
	size_t len;
	int rv;

	fz_env_reset(&fz_e);
	fz_in_init(&in, data, size);
	fz_parse(&in, &p);
	FZ_CHECK(size < FZ_HDR || in.p == data + FZ_HDR, "header is not FZ_HDR");
	area_in = fz_bytes(&in, ONDISK_ALIGN_8M, &len);
	fz_env_load(&fz_e, 0, p.offset, area_in, len);

	/* 1: the probe, exactly as the daemon runs it before joining */
	ondisk_leader_decode(fz_env_bytes(&fz_e, 0, p.offset, ONDISK_LEADER_SIZE),
			     &first);
	if (p.fixup)
		fz_fixup(&p, first.sector_size == 4096 ? 4096 : 512, len);
	rv = delta_lease_probe(&fz_e.env, 0, p.offset, p.io, &probed);
	FZ_CHECK(fz_rv_in(rv, 0, SANLK_LEADER_MAGIC, SANLK_LEADER_VERSION,
			  SANLK_LEADER_SECTORSIZE, SANLK_ADDLS_SIZES, FZ_END),
		 "probe %d", rv);
	FZ_CHECK(fz_e.bufs_live == 0, "probe leaked a buffer");
	if (rv == 0) {
		FZ_CHECK(probed.sector_size == first.sector_size, "probe ss");
		sz = probed;
	} else {
		fz_sizes_of(p.size_idx, &sz);
	}
	FZ_CHECK(delta_lease_probe(&fz_e.env, 0, p.offset + 1, p.io, &probed) ==
		 -EINVAL, "probe of an unaligned offset");

	ondisk_name_str(space, first.space_name);
	ondisk_name_str(slot_name, (const char *)fz_env_bytes(&fz_e, 0,
			p.offset + (p.host_id ? p.host_id - 1 : 0) % sz.max_hosts *
			sz.sector_size + 104, ONDISK_NAME_LEN));

	/* 2: a renewal read's image through the host table */
	area = fz_e.env.buf_alloc(fz_e.env.ctx, sz.align_size);
	FZ_CHECK(area, "area");
	rv = fz_e.env.read(fz_e.env.ctx, 0, p.offset, area, sz.align_size, 1);
	FZ_CHECK(rv == 0, "area read %d", rv);
	nslots = (uint32_t)((len + sz.sector_size - 1) / sz.sector_size) + 1;
	if (nslots > sz.max_hosts)
		nslots = sz.max_hosts;
	fz_slots(area, &sz, nslots, space, p.host_id);
	fz_hosts(area, &sz, nslots, space[0] ? space : "x",
		 1 + (p.host_id ? p.host_id - 1 : 0) % sz.max_hosts, p.w);
	fz_e.env.buf_free(fz_e.env.ctx, area);

	/* 3: our own delta lease over this area */
	fz_e.max_sleeps = 2ull * (8 * 0xFFFFull + FZ_W_MAX) + 1000;
	if (p.mode)
		fz_lease(&p, &sz, space, slot_name);
	FZ_CHECK(fz_e.bufs_live == 0, "%ld env buffers not freed",
		 fz_e.bufs_live);
	return 0;
}
