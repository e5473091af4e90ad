/*
 * paxos_io.c - sector I/O of the paxos lease on the resource's disks:
 * reading part of an area, writing one sector to every disk with the
 * majority rule (algorithms.md §0), building dblock sectors (dblock at 0,
 * mode block at 128, the rest zero: ondisk.md §4.7-4.8), and the small
 * record helpers the other paxos files share.
 *
 * No state.  The caller's thread owns the struct paxos_lease.  Every
 * buffer comes from env->buf_alloc and goes back through env->buf_free,
 * also after a timeout (the env keeps it alive while the I/O may still be
 * in flight, lease_env.h); a buffer is never reused after a failed I/O.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

int paxos_majority(int num_disks)
{
	assert(num_disks >= 1 && num_disks <= PAXOS_MAX_DISKS);
	/* odd n: n/2 + 1; even n: more than n/2, i.e. n/2 + 1 as well */
	return num_disks / 2 + 1;
}

uint64_t paxos_now(const struct lease_env *env)
{
	uint64_t t = env->now(env->ctx);

	return t ? t : 1;   /* algorithms.md §1 item 5 */
}

int paxos_read_area(const struct lease_env *env, const struct paxos_lease *pl,
		    int disk, uint64_t rel, size_t len, uint8_t **buf)
{
	uint8_t *b;
	int rv;

	assert(disk >= 0 && disk < pl->num_disks);
	assert(len > 0 && len % pl->sizes.sector_size == 0);
	assert(rel % pl->sizes.sector_size == 0);
	assert(rel + len <= pl->sizes.align_size);
	*buf = NULL;
	b = env->buf_alloc(env->ctx, len);
	if (!b)
		return -ENOMEM;
	rv = env->read(env->ctx, disk, pl->offsets[disk] + rel, b, len,
		       (int)pl->io_timeout);
	if (rv != 0) {
		env->buf_free(env->ctx, b);
		return rv < 0 ? rv : -EIO;
	}
	*buf = b;
	return 0;
}

int paxos_read_into(const struct lease_env *env, const struct paxos_lease *pl,
		    int disk, uint64_t rel, size_t len, uint8_t **buf)
{
	int rv;

	if (!*buf)
		return paxos_read_area(env, pl, disk, rel, len, buf);
	assert(disk >= 0 && disk < pl->num_disks);
	assert(len > 0 && len % pl->sizes.sector_size == 0);
	assert(rel % pl->sizes.sector_size == 0);
	assert(rel + len <= pl->sizes.align_size);
	rv = env->read(env->ctx, disk, pl->offsets[disk] + rel, *buf, len,
		       (int)pl->io_timeout);
	if (rv != 0) {
		/* may still be in flight: never reuse (lease_env.h) */
		env->buf_free(env->ctx, *buf);
		*buf = NULL;
		return rv < 0 ? rv : -EIO;
	}
	return 0;
}

void paxos_write_all(const struct lease_env *env, const struct paxos_lease *pl,
		     uint64_t rel, const uint8_t *sector, int stop_first,
		     struct paxos_wres *wr)
{
	uint32_t ss = pl->sizes.sector_size;
	int d;

	assert(rel % ss == 0 && rel + ss <= pl->sizes.align_size);
	memset(wr, 0, sizeof(*wr));
	for (d = 0; d < pl->num_disks; d++) {
		uint8_t *b = env->buf_alloc(env->ctx, ss);
		int rv;

		if (!b) {
			rv = -ENOMEM;
		} else {
			/* A fresh buffer per disk: a timed-out write keeps
			 * its own buffer in flight. */
			memcpy(b, sector, ss);
			rv = env->write(env->ctx, d, pl->offsets[d] + rel, b,
					ss, (int)pl->io_timeout);
			env->buf_free(env->ctx, b);
			if (rv > 0)
				rv = -EIO;
		}
		wr->tried++;
		if (rv == 0) {
			wr->ok++;
			continue;
		}
		if (rv == SANLK_AIO_TIMEOUT)
			wr->timeouts++;
		wr->last_err = rv;
		if (stop_first)
			break;
	}
	assert(wr->ok <= wr->tried && wr->tried <= pl->num_disks);
}

int paxos_leader_write_result(const struct paxos_lease *pl,
			      const struct paxos_wres *wr)
{
	if (wr->ok >= paxos_majority(pl->num_disks))
		return 0;
	if (wr->timeouts)
		return SANLK_AIO_TIMEOUT;
	return wr->last_err ? wr->last_err : SANLK_LEADER_WRITE;
}

int paxos_write_leader(const struct lease_env *env, const struct paxos_lease *pl,
		       struct ondisk_leader *lr)
{
	uint32_t ss = pl->sizes.sector_size;
	struct paxos_wres wr;
	uint8_t *sector;

	assert(lr->magic == PAXOS_DISK_MAGIC);
	sector = env->buf_alloc(env->ctx, ss);
	if (!sector)
		return -ENOMEM;
	memset(sector, 0, ss);
	ondisk_leader_seal(lr, sector);
	paxos_write_all(env, pl, 0, sector, 0, &wr);
	env->buf_free(env->ctx, sector);
	return paxos_leader_write_result(pl, &wr);
}

void paxos_dblock_sector(const struct paxos_lease *pl, struct ondisk_dblock *db,
			 const struct ondisk_mblock *mb, uint8_t *sector)
{
	memset(sector, 0, pl->sizes.sector_size);
	ondisk_dblock_seal(db, sector);
	if (mb)
		ondisk_mblock_encode(mb, sector + ONDISK_MBLOCK_OFFSET);
}

void paxos_write_own(const struct lease_env *env, const struct paxos_lease *pl,
		     struct ondisk_dblock *db, const struct ondisk_mblock *mb,
		     int stop_first, struct paxos_wres *wr)
{
	uint8_t *sector;

	assert(pl->host_id >= 1 && pl->host_id <= pl->sizes.max_hosts);
	sector = env->buf_alloc(env->ctx, pl->sizes.sector_size);
	if (!sector) {
		memset(wr, 0, sizeof(*wr));
		wr->last_err = -ENOMEM;
		return;
	}
	paxos_dblock_sector(pl, db, mb, sector);
	paxos_write_all(env, pl, paxos_dblock_rel(pl, pl->host_id), sector,
			stop_first, wr);
	env->buf_free(env->ctx, sector);
}

int paxos_leader_equal(const struct ondisk_leader *a, const struct ondisk_leader *b)
{
	uint8_t ba[ONDISK_LEADER_SIZE], bb[ONDISK_LEADER_SIZE];

	ondisk_leader_encode(a, ba);
	ondisk_leader_encode(b, bb);
	return memcmp(ba, bb, sizeof(ba)) == 0;
}

int paxos_sector_blank(const uint8_t *sector)
{
	/* Both records are multiples of 8 bytes; compare a word at a time
	 * (most sectors of a lease area were never written). */
	uint64_t acc = 0, w;
	size_t i;

	_Static_assert(ONDISK_DBLOCK_SIZE % 8 == 0 && ONDISK_MBLOCK_SIZE % 8 == 0 &&
		       ONDISK_MBLOCK_OFFSET % 8 == 0 &&
		       ONDISK_DBLOCK_SIZE <= ONDISK_MBLOCK_OFFSET,
		       "dblock and mode block are whole words, apart");
	for (i = 0; i < ONDISK_DBLOCK_SIZE; i += 8) {
		memcpy(&w, sector + i, 8);
		acc |= w;
	}
	for (i = 0; i < ONDISK_MBLOCK_SIZE; i += 8) {
		memcpy(&w, sector + ONDISK_MBLOCK_OFFSET + i, 8);
		acc |= w;
	}
	return acc == 0;
}

uint64_t paxos_dblock_rel(const struct paxos_lease *pl, uint64_t host_id)
{
	assert(host_id >= 1 && host_id <= pl->sizes.max_hosts);
	return ondisk_dblock_offset(0, host_id, pl->sizes.sector_size);
}

int paxos_leader_sizes(const struct ondisk_leader *lr, struct ondisk_sizes *sz)
{
	int rv = ondisk_sizes_from_leader(lr->sector_size, lr->flags, sz);

	if (rv < 0)
		return rv;
	/* Not checked by 3.8.5, but the ballot arithmetic (§5.5) needs
	 * max_hosts != 0 and the dblocks must lie inside the area. */
	if (lr->max_hosts == 0 || lr->num_hosts > sz->max_hosts)
		return SANLK_LEADER_NUMHOSTS;
	return 0;
}
