/*
 * paxos_lvb.c - the lock value block of a resource (algorithms.md §5.10,
 * ondisk.md §4.4): one sector of opaque bytes at sector 2002 of the paxos
 * area on disk 0, read after an acquire with SANLK_ACQUIRE_LVB and written
 * back before an exclusive release or an EX -> SH conversion (the daemon
 * decides when).  As in 3.8.5 the position is computed the same way for
 * every size pair, so with 4096-byte sectors and areas below 8 MiB it lies
 * beyond the resource's own area.
 *
 * No state; the caller's thread owns the struct paxos_lease.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

static uint64_t paxos_lvb_offset(const struct paxos_lease *pl)
{
	return ondisk_lvb_offset(pl->offsets[0], pl->sizes.sector_size);
}

int paxos_lvb_read(const struct lease_env *env, const struct paxos_lease *pl,
		   void *buf, size_t len)
{
	uint32_t ss = pl->sizes.sector_size;
	uint8_t *sector;
	int rv;

	paxos_lease_check(pl);
	if (!buf || len > ss)
		return -EINVAL;
	sector = env->buf_alloc(env->ctx, ss);
	if (!sector)
		return -ENOMEM;
	rv = env->read(env->ctx, 0, paxos_lvb_offset(pl), sector, ss,
		       (int)pl->io_timeout);
	if (rv == 0)
		memcpy(buf, sector, len);
	env->buf_free(env->ctx, sector);
	return rv <= 0 ? rv : -EIO;
}

int paxos_lvb_write(const struct lease_env *env, const struct paxos_lease *pl,
		    const void *buf, size_t len)
{
	uint32_t ss = pl->sizes.sector_size;
	uint8_t *sector;
	int rv;

	paxos_lease_check(pl);
	if (!buf || len > ss)
		return -EINVAL;
	sector = env->buf_alloc(env->ctx, ss);
	if (!sector)
		return -ENOMEM;
	memset(sector, 0, ss);
	memcpy(sector, buf, len);
	rv = env->write(env->ctx, 0, paxos_lvb_offset(pl), sector, ss,
			(int)pl->io_timeout);
	env->buf_free(env->ctx, sector);
	return rv <= 0 ? rv : -EIO;
}
