/*
 * sim_io.c - env->read / env->write of a simulated host: decides each
 * I/O's fate from the seed's fault rates and the host's outage state,
 * then blocks the calling thread in virtual time (spec/algorithms.md §0
 * "I/O timeouts", §1A):
 *  - latency: any; mostly short, sometimes slow, sometimes past the
 *    timeout (the caller then sees SANLK_AIO_TIMEOUT at its deadline);
 *  - reads: success, -EIO, or timeout;
 *  - writes: success (landed at some instant before the caller sees it),
 *    -EIO (landed before, later, or never), timeout (landed before the
 *    deadline, later, or never), -ECANCELED (never landed);
 *  - outages: the storage is unavailable to one host or to all; I/O then
 *    fails at once or hangs until after the outage;
 *  - batches (env->write_batch): writes issued together, each with its own
 *    fate, landing in any order.
 *
 * State: the world (sim_w); runs on the calling simulated thread.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_GARBAGE 0xA5

enum sim_io_fate { SIM_IO_OK, SIM_IO_ERR, SIM_IO_TIMEOUT, SIM_IO_CANCEL };

static struct sim_rng *sim_rng(void)
{
	return &sim_w->rng;
}

/* Latency of an I/O that is not otherwise disturbed. */
static uint64_t sim_io_latency(uint64_t tmo)
{
	uint64_t x = sim_rng_below(sim_rng(), 1000);

	if (sim_rng_chance(sim_rng(), sim_w->cfg.p_slow)) {
		sim_stat(SIM_F_SLOW_IO);
		return sim_rng_range(sim_rng(), tmo / 4, tmo + tmo / 2 + 1);
	}
	if (x < 300)
		return sim_rng_range(sim_rng(), 20, 200);
	if (x < 900)
		return sim_rng_range(sim_rng(), 200, 5000);
	if (x < 995)
		return sim_rng_range(sim_rng(), 5000, 100000);
	sim_stat(SIM_F_SLOW_IO);
	return sim_rng_range(sim_rng(), 100000, 2 * SIM_USEC);
}

static int sim_io_outage(const struct sim_host *h, int *hang, uint64_t *until)
{
	uint64_t now = sim_w->now;

	if (now < sim_w->outage_all_until) {
		*hang = sim_w->outage_all_hang;
		*until = sim_w->outage_all_until;
		return 1;
	}
	if (now < h->outage_until) {
		*hang = h->outage_hang;
		*until = h->outage_until;
		return 1;
	}
	return 0;
}

static void sim_io_check(int disk, uint64_t offset, size_t len)
{
	uint32_t ss = sim_w->ss;

	assert(disk >= 0 && disk < sim_w->cfg.ndevs);
	assert(offset % ss == 0 && len % ss == 0 && len > 0);
	assert(offset / ss + len / ss <= sim_w->dev[disk].nsec);
}

static void sim_io_garbage(void *buf, size_t len, int big, int idx)
{
	if (!big) {
		memset(buf, SIM_GARBAGE, len);
		return;
	}
	memset(buf, SIM_GARBAGE, sim_w->ss);
	sim_buf_dirty(idx, 0);
}

int sim_io_read(struct sim_thread *th, int disk, uint64_t offset, void *buf,
		size_t len, int timeout_sec)
{
	struct sim_host *h = th->host;
	uint64_t tmo, lat = 0, until = 0;
	enum sim_io_fate fate = SIM_IO_OK;
	int big = len > SIM_BIG_READ, idx = -1, hang = 0, rv;

	sim_io_check(disk, offset, len);
	assert(timeout_sec > 0);
	if (big) {
		idx = sim_buf_find(buf);
		assert(idx >= 0 && sim_w->bufs[idx].big &&
		       "large reads go to tracked buffers");
		sim_buf_clean(idx);
	}
	tmo = sim_real_span(h, (uint64_t)timeout_sec * SIM_USEC);

	if (sim_io_outage(h, &hang, &until)) {
		fate = hang ? SIM_IO_TIMEOUT : SIM_IO_ERR;
		lat = sim_rng_range(sim_rng(), 10, 2000);
	} else if (sim_rng_chance(sim_rng(), sim_w->cfg.p_read_err)) {
		fate = SIM_IO_ERR;
		lat = sim_io_latency(tmo);
	} else if (sim_rng_chance(sim_rng(), sim_w->cfg.p_read_timeout)) {
		fate = SIM_IO_TIMEOUT;
	} else {
		lat = sim_io_latency(tmo);
		if (lat >= tmo)
			fate = SIM_IO_TIMEOUT;
	}
	if (fate == SIM_IO_ERR && lat >= tmo)
		fate = SIM_IO_TIMEOUT;
	sim_trace(h->idx, SIM_T_READ, (int)fate, (uint64_t)disk, offset, len);

	if (fate == SIM_IO_OK) {
		uint64_t sector = offset / sim_w->ss, nsec = len / sim_w->ss;
		int r;

		sim_disk_copy(disk, sector, nsec, buf, big, idx);
		r = sim_read_register(h->idx, disk, sector, nsec, buf,
				      sim_w->now + lat, big, idx);
		sim_block_until(sim_w->now + lat);
		sim_read_unregister(r);
		return 0;
	}
	if (fate == SIM_IO_ERR) {
		sim_stat(SIM_F_READ_ERR);
		sim_block_until(sim_w->now + lat);
		rv = -EIO;
	} else {
		sim_stat(SIM_F_READ_TIMEOUT);
		sim_block_until(sim_w->now + tmo);
		rv = SANLK_AIO_TIMEOUT;
	}
	sim_io_garbage(buf, len, big, idx);
	return rv;
}

/* When a failed or timed-out write lands: before `done` (the caller's
 * result), later, or never (1A.1 item 5).  During an outage (until != 0)
 * it cannot reach the disk before the outage ends. */
static uint64_t sim_io_fail_land(uint64_t now, uint64_t done, uint64_t until)
{
	if (sim_rng_chance(sim_rng(), sim_w->cfg.p_never_land)) {
		sim_stat(SIM_F_NEVER_LAND);
		return SIM_NEVER;
	}
	if (!until && sim_rng_below(sim_rng(), 3) == 0)
		return sim_rng_range(sim_rng(), now, done);
	sim_stat(SIM_F_LATE_LAND);
	if (until < done)
		until = done;
	return until + sim_rng_range(sim_rng(), 1, sim_w->cfg.late_max);
}

/* Failed writes that may land only before their result (or never)
 * unless a hazard flag allows more (known findings, see sim_main.c):
 *  - into another host_id's dblock sector, i.e. the zeroing of a dead
 *    shared holder (§6.3 2d): --late-foreign;
 *  - a paxos leader (sector 0 of a resource area): --late-commit. */
static int sim_io_no_late(const struct sim_host *h, uint64_t offset)
{
	uint64_t per = SIM_ALIGN / sim_w->ss;
	uint64_t sector = offset / sim_w->ss, rel = sector % per;

	if (sector < per)
		return 0;                      /* lockspace area */
	if (rel == 0)
		return !sim_w->cfg.late_commit;
	return rel >= 2 && rel - 1 != h->host_id && !sim_w->cfg.late_foreign;
}

/* Decide a write's fate and schedule its sectors' landings; the caller
 * blocks until the returned result time.  *fate_out: its fate. */
static uint64_t sim_io_write_issue(struct sim_host *h, int disk,
				   uint64_t offset, const void *buf, size_t len,
				   int timeout_sec, enum sim_io_fate *fate_out)
{
	uint32_t ss = sim_w->ss;
	uint64_t now = sim_w->now, tmo, lat = 0, until = 0, done, i;
	enum sim_io_fate fate = SIM_IO_OK;
	int hang = 0, lost = 0, outage;

	sim_io_check(disk, offset, len);
	assert(timeout_sec > 0);
	tmo = sim_real_span(h, (uint64_t)timeout_sec * SIM_USEC);

	outage = sim_io_outage(h, &hang, &until);
	if (!outage)
		until = 0;
	if (outage) {
		fate = hang ? SIM_IO_TIMEOUT : SIM_IO_ERR;
		lat = sim_rng_range(sim_rng(), 10, 2000);
	} else if (sim_rng_chance(sim_rng(), sim_w->cfg.p_write_err)) {
		fate = SIM_IO_ERR;
		lat = sim_io_latency(tmo);
	} else if (sim_rng_chance(sim_rng(), sim_w->cfg.p_cancel)) {
		fate = SIM_IO_CANCEL;
	} else if (sim_rng_chance(sim_rng(), sim_w->cfg.p_write_timeout)) {
		fate = SIM_IO_TIMEOUT;
	} else {
		lat = sim_io_latency(tmo);
		if (lat >= tmo)
			fate = SIM_IO_TIMEOUT;
	}
	if (fate == SIM_IO_ERR && lat >= tmo)
		fate = SIM_IO_TIMEOUT;
	done = (fate == SIM_IO_OK || fate == SIM_IO_ERR) ? now + lat : now + tmo;
	if (fate == SIM_IO_OK && sim_w->cfg.excluded == SIM_EXCL_LOST_WRITE &&
	    sim_rng_chance(sim_rng(), 100000)) {
		lost = 1;   /* outside the model: acknowledged, never lands */
		sim_stat(SIM_F_EXCLUDED);
	}
	sim_trace(h->idx, SIM_T_WRITE, (int)fate * 10 + lost, (uint64_t)disk,
		  offset, done - now);

	for (i = 0; i < len / ss; i++) {
		uint64_t at;
		int slot;

		switch (fate) {
		case SIM_IO_OK:
			at = lost ? SIM_NEVER : sim_rng_range(sim_rng(), now, done);
			break;
		case SIM_IO_CANCEL:
			at = SIM_NEVER;
			break;
		default:
			at = sim_io_fail_land(now, done, until);
			if (at > done && at != SIM_NEVER &&
			    sim_io_no_late(h, offset + i * ss))
				at = sim_rng_range(sim_rng(), now, done);
			break;
		}
		if (at == SIM_NEVER)
			continue;
		slot = sim_write_alloc();
		if (slot < 0)
			assert(0 && "write table full: raise SIM_MAX_WRITES");
		{
			struct sim_write *w = &sim_w->writes[slot];

			w->dev = disk;
			w->sector = offset / ss + i;
			w->host = h->idx;
			w->inc = h->inc;
			w->issued = now;
			w->acked_ok = fate == SIM_IO_OK;
			memcpy(w->data, (const uint8_t *)buf + i * ss, ss);
			sim_write_schedule(slot, at);
		}
	}
	*fate_out = fate;
	return done;
}

/* What the caller of a write with this fate sees (after its wait). */
static int sim_io_write_result(enum sim_io_fate fate)
{
	switch (fate) {
	case SIM_IO_OK:
		return 0;
	case SIM_IO_ERR:
		sim_stat(SIM_F_WRITE_ERR);
		return -EIO;
	case SIM_IO_CANCEL:
		sim_stat(SIM_F_WRITE_CANCEL);
		return -ECANCELED;
	default:
		sim_stat(SIM_F_WRITE_TIMEOUT);
		return SANLK_AIO_TIMEOUT;
	}
}

int sim_io_write(struct sim_thread *th, int disk, uint64_t offset,
		 const void *buf, size_t len, int timeout_sec)
{
	enum sim_io_fate fate;
	uint64_t done = sim_io_write_issue(th->host, disk, offset, buf, len,
					   timeout_sec, &fate);

	sim_block_until(done);
	return sim_io_write_result(fate);
}

/* env->write_batch: every write issued at the same instant, each with its
 * own fate and landing instants (so they land in either order, §1A.1),
 * and the caller woken when the last result is in, as disk_write_batch
 * waits for all. */
void sim_io_write_batch(struct sim_thread *th, int disk, struct lease_wreq *w,
			int n, int timeout_sec)
{
	enum sim_io_fate fate[LEASE_BATCH_MAX];
	uint64_t done, last = sim_w->now;
	int i;

	assert(n >= 1 && n <= LEASE_BATCH_MAX);
	for (i = 0; i < n; i++) {
		done = sim_io_write_issue(th->host, disk, w[i].offset, w[i].buf,
					  w[i].len, timeout_sec, &fate[i]);
		if (done > last)
			last = done;
	}
	sim_block_until(last);
	for (i = 0; i < n; i++)
		w[i].rv = sim_io_write_result(fate[i]);
}
