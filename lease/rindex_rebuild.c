/*
 * rindex_rebuild.c - rebuilding an index from the resource leases on disk
 * (see rindex.h; spec/ondisk.md §7.5): every candidate slot offset is
 * probed for a paxos leader (magic only, as 3.8.5: a cleared lease is not
 * indexed, a lease of another lockspace is), and the whole index area is
 * written back at once, so the index on disk is either the old one or the
 * new one.
 *
 * Stateless; runs on the caller's thread.  The probe loop is bounded by
 * max_resources (<= the index capacity).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/rindex.h"

/* Probe slot i: 1 and *e filled when a paxos leader is there, 0 when not,
 * 2 at the end of the device, else the read error. */
static int rindex_probe(struct lease_env *env, const struct rindex *rx,
			uint8_t *sector, uint32_t i, uint64_t dev_size,
			struct ondisk_rindex_entry *e)
{
	uint32_t ss = rx->sizes.sector_size;
	uint64_t off = rindex_slot_offset(rx, i);
	struct ondisk_leader lr;
	int rv;

	if (dev_size && (off >= dev_size || dev_size - off < ss))
		return 2;
	rv = env->read(env->ctx, 0, off, sector, ss, rx->io_timeout);
	if (rv < 0)
		return dev_size ? rv : 2;
	ondisk_leader_decode(sector, &lr);
	if (lr.magic != PAXOS_DISK_MAGIC)
		return 0;
	memset(e, 0, sizeof(*e));
	e->res_offset = off;
	memcpy(e->name, lr.resource_name, ONDISK_NAME_LEN);
	return 1;
}

/* Under the lease (if any): rebuild rx->area in memory, then write it. */
static int rindex_rebuild_area(struct lease_env *env, struct rindex *rx,
			       uint64_t dev_size, uint32_t *found)
{
	uint32_t ss = rx->sizes.sector_size;
	struct ondisk_rindex_entry e;
	uint8_t *sector;
	uint32_t i;
	uint64_t pos;
	int rv = 0, got;

	sector = env->buf_alloc(env->ctx, ss);
	if (!sector)
		return -ENOMEM;
	/* Sector 0 (the header) is kept as read; all entries and the rest of
	 * the area are rebuilt from zero (3.8.5 does the same). */
	memset(rx->area + ss, 0, rx->sizes.align_size - ss);
	for (i = 0; i < rx->max_resources; i++) {
		got = rindex_probe(env, rx, sector, i, dev_size, &e);
		if (got < 0) {
			/* The probe buffer may be in flight after a timeout:
			 * it goes back through buf_free, never reused. */
			rv = got;
			break;
		}
		if (got == 2)
			break;
		if (got == 0)
			continue;
		pos = ss + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;
		assert(pos + ONDISK_RINDEX_ENTRY_SIZE <= rx->sizes.align_size);
		ondisk_rindex_entry_encode(&e, rx->area + pos);
		(*found)++;
	}
	env->buf_free(env->ctx, sector);
	if (rv < 0)
		return rv;
	/* rx->area is given back through buf_free after this write, so a
	 * timed-out write can still complete safely. */
	return env->write(env->ctx, 0, rx->rx_offset, rx->area,
			  rx->sizes.align_size, rx->io_timeout);
}

int rindex_rebuild(struct lease_env *env, const struct rindex_params *p,
		   const struct rindex_lease *lease, uint64_t dev_size,
		   uint32_t *found)
{
	struct paxos_lease pl;
	struct rindex rx;
	uint32_t n = 0;
	int rv;

	assert(env && p);
	rv = rindex_read_header(env, p, &rx);
	if (rv < 0)
		goto out;
	if (lease) {
		rv = rindex_lease_acquire(env, &rx, lease, &pl);
		if (rv < 0)
			goto out;
	}
	rv = rindex_read_area(env, &rx);
	if (rv == 0)
		rv = rindex_rebuild_area(env, &rx, dev_size, &n);
	if (lease)
		(void)rindex_lease_release(env, &pl);
out:
	rindex_close(env, &rx);
	if (found)
		*found = rv == 0 ? n : 0;
	return rv;
}
