/*
 * sim_disk.c - the shared storage of the simulation, exactly the model of
 * spec/algorithms.md §1A:
 *  - every sector is an independent register; a write of one sector
 *    lands at one instant (1A.1 item 2); a k-sector write is k landings
 *    in any order (item 3);
 *  - a read returns, for each sector, the content it held at some instant
 *    during the read: the snapshot taken at issue, or (per landing, at
 *    random) a write that landed while the read was in flight (item 3-4);
 *  - a write the issuer saw succeed has landed by then (item 4);
 *  - writes that failed or timed out land later or never (item 5), except
 *    that rule 6 holds: when a completed write of a host lands, every
 *    older pending write of that same host (incarnation) to that sector
 *    lands just before it or never (item 6);
 *  - a crashed host's writes keep landing later, or never.
 * Faults outside the model are injected only under --allow-excluded-fault.
 *
 * State: sim_w->dev, ->writes, ->reads; simulator thread only.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

/* Sector slots per device for the largest layout (512-byte sectors):
 * the lockspace area plus SIM_MAX_RES resource areas. */
#define SIM_DEV_SECTORS_MAX ((1 + SIM_MAX_RES) * (SIM_ALIGN / 512))

void sim_disk_setup(void)
{
	int d;

	for (d = 0; d < SIM_MAX_DEVS; d++) {
		struct sim_dev *dv = &sim_w->dev[d];

		if (!dv->sec) {
			dv->sec = calloc(SIM_DEV_SECTORS_MAX, sizeof(*dv->sec));
			dv->slab = malloc((size_t)SIM_MAX_LIVE_SECTORS *
					  SIM_SECTOR_MAX);
			assert(dv->sec && dv->slab);
		}
		while (dv->nlive > 0)
			dv->sec[dv->live[--dv->nlive]] = NULL;
		dv->nsec = (uint64_t)(1 + sim_w->cfg.nres) * SIM_ALIGN /
			   sim_w->ss;
		assert(dv->nsec <= SIM_DEV_SECTORS_MAX);
	}
	for (d = 0; d < SIM_MAX_WRITES; d++) {
		sim_w->writes[d].used = 0;
		sim_w->wfree[d] = (uint16_t)(SIM_MAX_WRITES - 1 - d);
	}
	sim_w->nwfree = SIM_MAX_WRITES;
	sim_w->nwlive = 0;
	for (d = 0; d < SIM_MAX_READS; d++)
		sim_w->reads[d].used = 0;
	sim_w->nreads = 0;
}

void sim_disk_free(void)
{
	int d;

	for (d = 0; d < SIM_MAX_DEVS; d++) {
		free(sim_w->dev[d].sec);
		free(sim_w->dev[d].slab);
		memset(&sim_w->dev[d], 0, sizeof(sim_w->dev[d]));
	}
}

const uint8_t *sim_disk_sector(int dev, uint64_t sector)
{
	assert(dev >= 0 && dev < sim_w->cfg.ndevs);
	assert(sector < sim_w->dev[dev].nsec);
	return sim_w->dev[dev].sec[sector];
}

void sim_disk_put(int dev, uint64_t sector, const uint8_t *data)
{
	struct sim_dev *dv = &sim_w->dev[dev];
	uint32_t ss = sim_w->ss;

	assert(dev >= 0 && dev < sim_w->cfg.ndevs);
	assert(sector < dv->nsec);
	if (!dv->sec[sector]) {
		if (dv->nlive >= SIM_MAX_LIVE_SECTORS)
			assert(0 && "too many live sectors: raise the limit");
		dv->sec[sector] = dv->slab + (size_t)dv->nlive * SIM_SECTOR_MAX;
		dv->live[dv->nlive++] = (uint32_t)sector;
	}
	memcpy(dv->sec[sector], data, ss);
}

/* Initial images: free delta leases of host_ids 1..nids (the other slots
 * of the 1 MiB area stay zero: no simulated host uses them), and every
 * resource's leader + request record on each of its disks. */
void sim_disk_format(void)
{
	const struct sim_config *c = &sim_w->cfg;
	uint32_t ss = sim_w->ss;
	uint8_t sec[SIM_SECTOR_MAX];
	struct ondisk_leader lr;
	struct ondisk_request rr;
	int i, r, d;

	for (i = 1; i <= c->nids; i++) {
		memset(sec, 0, ss);
		ondisk_delta_leader_init(&lr, &sim_w->sizes, "LS", 1);
		ondisk_leader_seal(&lr, sec);
		sim_disk_put(0, (uint64_t)(i - 1), sec);
	}
	for (r = 0; r < c->nres; r++) {
		char name[8] = { 'R', (char)('0' + r), 0 };
		uint64_t base = (uint64_t)(1 + r) * SIM_ALIGN / ss;

		for (d = 0; d < c->res_disks[r]; d++) {
			memset(sec, 0, ss);
			ondisk_paxos_leader_init(&lr, &sim_w->sizes, "LS", name,
						 (uint64_t)c->nids);
			ondisk_leader_seal(&lr, sec);
			sim_disk_put(d, base, sec);
			memset(sec, 0, ss);
			ondisk_request_init(&rr);
			ondisk_request_encode(&rr, sec);
			sim_disk_put(d, base + 1, sec);
		}
	}
}

void sim_disk_copy(int dev, uint64_t sector, uint64_t nsec, uint8_t *buf,
		   int big, int buf_idx)
{
	struct sim_dev *dv = &sim_w->dev[dev];
	uint32_t ss = sim_w->ss;
	uint64_t i;

	assert(sector + nsec <= dv->nsec);
	if (!big) {
		for (i = 0; i < nsec; i++) {
			const uint8_t *p = dv->sec[sector + i];

			if (p)
				memcpy(buf + i * ss, p, ss);
			else
				memset(buf + i * ss, 0, ss);
		}
		return;
	}
	/* Large area read into a clean (all-zero) tracked buffer: copy only
	 * the sectors that hold anything. */
	for (i = 0; i < dv->nlive; i++) {
		uint64_t s = dv->live[i];

		if (s < sector || s >= sector + nsec)
			continue;
		memcpy(buf + (s - sector) * ss, dv->sec[s], ss);
		sim_buf_dirty(buf_idx, s - sector);
	}
}

int sim_read_register(int host, int dev, uint64_t sector, uint64_t nsec,
		      uint8_t *buf, uint64_t end, int big, int buf_idx)
{
	int i;

	for (i = 0; i < SIM_MAX_READS; i++) {
		struct sim_read *r = &sim_w->reads[i];

		if (r->used)
			continue;
		r->used = 1;
		sim_w->nreads++;
		r->host = host;
		r->dev = dev;
		r->sector = sector;
		r->nsec = nsec;
		r->buf = buf;
		r->end = end;
		r->big = big;
		r->buf_idx = buf_idx;
		return i;
	}
	assert(0 && "too many reads in flight: raise SIM_MAX_READS");
	return -1;
}

void sim_read_unregister(int idx)
{
	assert(idx >= 0 && idx < SIM_MAX_READS && sim_w->reads[idx].used);
	assert(sim_w->nreads > 0);
	sim_w->nreads--;
	sim_w->reads[idx].used = 0;
	sim_w->reads[idx].buf = NULL;
}

/* Bytes reach the sector; reads in flight may take them (1A.1 item 3). */
static void sim_disk_apply(int dev, uint64_t sector, const uint8_t *data)
{
	uint32_t ss = sim_w->ss, seen = 0;
	int i;

	sim_disk_put(dev, sector, data);
	for (i = 0; i < SIM_MAX_READS && seen < sim_w->nreads; i++) {
		struct sim_read *r = &sim_w->reads[i];

		if (!r->used)
			continue;
		seen++;
		if (r->dev != dev || r->end <= sim_w->now)
			continue;
		if (sector < r->sector || sector >= r->sector + r->nsec)
			continue;
		if (!sim_rng_chance(&sim_w->rng, sim_w->cfg.p_racy))
			continue;
		memcpy(r->buf + (sector - r->sector) * ss, data, ss);
		if (r->big)
			sim_buf_dirty(r->buf_idx, sector - r->sector);
		sim_stat(SIM_S_RACY_READ);
	}
}

int sim_write_alloc(void)
{
	struct sim_write *w;
	uint16_t slot;

	if (sim_w->nwfree == 0)
		return -1;
	slot = sim_w->wfree[--sim_w->nwfree];
	w = &sim_w->writes[slot];
	assert(!w->used);
	memset(w, 0, offsetof(struct sim_write, data));
	w->used = 1;
	w->id = ++sim_w->write_ids;
	w->live_pos = sim_w->nwlive;
	sim_w->wlive[sim_w->nwlive++] = slot;
	return slot;
}

void sim_write_schedule(int slot, uint64_t at)
{
	struct sim_write *w = &sim_w->writes[slot];

	assert(w->used);
	w->land_at = at;
	sim_ev_push(at, SIM_EV_LAND, w->host, (uint32_t)slot, w->id);
}

static void sim_write_free(struct sim_write *w)
{
	uint16_t slot = (uint16_t)(w - sim_w->writes);
	uint32_t pos = w->live_pos, last;

	assert(w->used && pos < sim_w->nwlive && sim_w->wlive[pos] == slot);
	last = --sim_w->nwlive;
	if (pos != last) {
		sim_w->wlive[pos] = sim_w->wlive[last];
		sim_w->writes[sim_w->wlive[pos]].live_pos = pos;
	}
	sim_w->wfree[sim_w->nwfree++] = slot;
	w->used = 0;
	w->id = 0;
}

/* Excluded faults that corrupt a landing (self-test only). */
static int sim_land_excluded(struct sim_write *w)
{
	uint32_t ss = sim_w->ss;
	uint8_t mix[SIM_SECTOR_MAX];
	const uint8_t *old;

	switch (sim_w->cfg.excluded) {
	case SIM_EXCL_WRONG_SECTOR:
		if (!sim_rng_chance(&sim_w->rng, 50000))
			return 0;
		sim_stat(SIM_F_EXCLUDED);
		sim_trace(w->host, SIM_T_EXCL, 0, (uint64_t)w->dev, w->sector,
			  w->sector ^ 1);
		sim_disk_apply(w->dev, w->sector ^ 1, w->data);
		return 1;
	case SIM_EXCL_TORN:
		if (!sim_rng_chance(&sim_w->rng, 100000))
			return 0;
		sim_stat(SIM_F_EXCLUDED);
		old = sim_disk_sector(w->dev, w->sector);
		if (old)
			memcpy(mix, old, ss);
		else
			memset(mix, 0, ss);
		/* new first half, old second half (the mode block at 128 of
		 * a 512-byte dblock sector keeps its old value) */
		memcpy(mix, w->data, 128);
		sim_trace(w->host, SIM_T_EXCL, 1, (uint64_t)w->dev, w->sector, 0);
		sim_disk_apply(w->dev, w->sector, mix);
		return 1;
	default:
		return 0;
	}
}

void sim_write_land(int slot, uint64_t id)
{
	struct sim_write *w;
	int i;

	assert(slot >= 0 && slot < SIM_MAX_WRITES);
	w = &sim_w->writes[slot];
	if (!w->used || w->id != id)
		return;   /* dropped meanwhile (rule 6 or crash) */

	/* Rule 6: a completed write of this host to this sector: its older
	 * pending writes land just before it, or never. */
	if (w->acked_ok && sim_w->cfg.excluded != SIM_EXCL_OVERTAKE) {
		/* downwards: freeing swaps the last live entry into place */
		for (i = (int)sim_w->nwlive - 1; i >= 0; i--) {
			struct sim_write *o = &sim_w->writes[sim_w->wlive[i]];

			if (!o->used || o == w || o->host != w->host ||
			    o->inc != w->inc || o->dev != w->dev ||
			    o->sector != w->sector || o->id > w->id)
				continue;
			if (sim_rng_chance(&sim_w->rng, 500000)) {
				sim_stat(SIM_F_RULE6_EARLY);
				sim_trace(o->host, SIM_T_LAND, 6,
					  (uint64_t)o->dev, o->sector, o->id);
				sim_disk_apply(o->dev, o->sector, o->data);
			} else {
				sim_stat(SIM_F_RULE6_DROP);
				sim_trace(o->host, SIM_T_DROP, 6,
					  (uint64_t)o->dev, o->sector, o->id);
			}
			sim_write_free(o);
		}
	}
	sim_trace(w->host, SIM_T_LAND, w->acked_ok, (uint64_t)w->dev,
		  w->sector, w->id);
	sim_trace_sector(w->host, w->dev, w->sector, w->data);
	if (!sim_land_excluded(w))
		sim_disk_apply(w->dev, w->sector, w->data);
	sim_write_free(w);
}

/* A daemon or machine died: its reads are over; each pending write of
 * that incarnation lands within land_within µs, or (at random) never.
 * §1A.1 item 5 says "later, or never"; a dead host's write landing
 * after others may act on its death (8*io + W later) defeats any lease
 * protocol without fencing, so the simulator lands them within the
 * issuer's own io_timeout (the caller passes it). */
void sim_disk_host_died(int host, uint32_t inc, uint64_t land_within)
{
	int i;

	for (i = 0; i < SIM_MAX_READS; i++)
		if (sim_w->reads[i].used && sim_w->reads[i].host == host)
			sim_read_unregister(i);
	for (i = (int)sim_w->nwlive - 1; i >= 0; i--) {
		int slot = sim_w->wlive[i];
		struct sim_write *w = &sim_w->writes[slot];
		uint64_t lim = sim_w->now + land_within;

		if (!w->used || w->host != host || w->inc != inc)
			continue;
		if (sim_rng_chance(&sim_w->rng, 330000)) {
			sim_stat(SIM_F_NEVER_LAND);
			sim_trace(host, SIM_T_DROP, 0, (uint64_t)w->dev,
				  w->sector, w->id);
			sim_write_free(w);
			continue;
		}
		if (w->land_at > lim) {
			/* re-schedule: the old event finds a new id */
			w->id = ++sim_w->write_ids;
			sim_write_schedule(slot, sim_rng_range(&sim_w->rng,
							       sim_w->now, lim));
		}
	}
}
