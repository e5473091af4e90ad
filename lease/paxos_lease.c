/*
 * paxos_lease.c - the struct paxos_lease itself: parameter validation,
 * invariants, and the small state queries (pending release, drop).
 *
 * The caller's thread owns the struct (paxos.h); no state here.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

static int paxos_name_ok(const char *name, int may_be_empty)
{
	size_t n;

	if (!name)
		return 0;
	n = strnlen(name, ONDISK_NAME_LEN + 1);
	if (n > ONDISK_NAME_LEN)
		return 0;
	return n > 0 || may_be_empty;
}

int paxos_lease_setup(struct paxos_lease *pl, const struct paxos_lease_params *p)
{
	struct ondisk_sizes sz;
	int d;

	memset(pl, 0, sizeof(*pl));
	/* Empty names are for read-only use (host_id 0): any name matches. */
	if (!paxos_name_ok(p->space_name, p->host_id == 0) ||
	    !paxos_name_ok(p->res_name, p->host_id == 0))
		return -EINVAL;
	if (p->num_disks < 1 || p->num_disks > PAXOS_MAX_DISKS)
		return -EINVAL;
	if (ondisk_sizes_from_pair(p->sizes.sector_size, p->sizes.align_size,
				   &sz) < 0)
		return -EINVAL;
	for (d = 0; d < p->num_disks; d++)
		if (p->offsets[d] % sz.sector_size)
			return -EINVAL;
	if (p->host_id > PAXOS_MAX_HOST_ID)
		return -EINVAL;
	if (p->io_timeout < 1 || p->io_timeout > PAXOS_IO_TIMEOUT_MAX)
		return -EINVAL;
	if (p->fire_timeout < 1 || p->fire_timeout > PAXOS_FIRE_TIMEOUT_MAX)
		return -EINVAL;

	memcpy(pl->space_name, p->space_name, strnlen(p->space_name, ONDISK_NAME_LEN));
	memcpy(pl->res_name, p->res_name, strnlen(p->res_name, ONDISK_NAME_LEN));
	pl->num_disks = p->num_disks;
	for (d = 0; d < p->num_disks; d++)
		pl->offsets[d] = p->offsets[d];
	pl->sizes = sz;
	pl->host_id = p->host_id;
	pl->generation = p->generation;
	pl->io_timeout = p->io_timeout;
	pl->fire_timeout = p->fire_timeout;
	pl->full_read_first = p->full_read_first != 0;
	paxos_lease_check(pl);
	return 0;
}

void paxos_lease_check(const struct paxos_lease *pl)
{
	int d;

	assert(pl);
	assert(pl->num_disks >= 1 && pl->num_disks <= PAXOS_MAX_DISKS);
	assert(pl->sizes.sector_size == 512 || pl->sizes.sector_size == 4096);
	assert(pl->sizes.align_size % pl->sizes.sector_size == 0);
	assert(pl->sizes.max_hosts >= 1 && pl->sizes.max_hosts <= PAXOS_MAX_HOST_ID);
	/* The ballot area (P sectors, §5.7) of the largest lease fits. */
	assert((uint64_t)ondisk_pow2_at_least(pl->sizes.max_hosts + 2) *
	       pl->sizes.sector_size <= pl->sizes.align_size);
	for (d = 0; d < pl->num_disks; d++)
		assert(pl->offsets[d] % pl->sizes.sector_size == 0);
	assert(pl->host_id <= PAXOS_MAX_HOST_ID);
	assert(pl->io_timeout >= 1 && pl->io_timeout <= PAXOS_IO_TIMEOUT_MAX);
	assert(pl->fire_timeout >= 1 && pl->fire_timeout <= PAXOS_FIRE_TIMEOUT_MAX);
	assert(pl->space_name[ONDISK_NAME_LEN] == 0);
	assert(pl->res_name[ONDISK_NAME_LEN] == 0);
	/* mode and release kind go together */
	switch (pl->mode) {
	case PAXOS_MODE_NONE:
		assert(pl->release != PAXOS_REL_SH);
		break;
	case PAXOS_MODE_EX:
		assert(pl->release == PAXOS_REL_EX);
		assert(pl->lver != 0 && pl->have_leader);
		assert(pl->host_id != 0);
		break;
	case PAXOS_MODE_SH:
		assert(pl->release == PAXOS_REL_SH ||
		       pl->release == PAXOS_REL_ERASE);
		assert(pl->lver != 0);
		assert(pl->host_id != 0);
		break;
	default:
		assert(0 && "bad paxos mode");
	}
}

int paxos_release_pending(const struct paxos_lease *pl)
{
	paxos_lease_check(pl);
	return pl->mode == PAXOS_MODE_NONE && pl->release != PAXOS_REL_NONE;
}

void paxos_lease_drop(struct paxos_lease *pl)
{
	paxos_lease_check(pl);
	pl->mode = PAXOS_MODE_NONE;
	pl->release = PAXOS_REL_NONE;
	pl->lver = 0;
	pl->have_leader = 0;
	memset(&pl->leader, 0, sizeof(pl->leader));
	memset(&pl->dblock, 0, sizeof(pl->dblock));
}
