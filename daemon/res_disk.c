/*
 * res_disk.c - opening the storage of a resource lease and preparing the
 * paxos lease over it (algorithms.md §5.1): the disks of the lease as a
 * lease_env (lease/env_disk), the sizes taken from the lockspace (the
 * leader's are adopted by lease/paxos), the checks done before any I/O.
 *
 * Runs on the thread that owns the resource's [op] fields (or, for the
 * read-only opens, on the worker running a read command).  No shared
 * state; res_ls_same calls the lockspace module without any lock held.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/res_internal.h"
#include "disk/disk.h"

int res_disk_check_size(struct env_disk *ed, const uint64_t *offsets,
			int num_disks, uint32_t align_size)
{
	int d, rv;

	for (d = 0; d < num_disks; d++) {
		struct disk_handle *h = env_disk_handle(ed, d);
		uint64_t size;

		assert(h);
		rv = disk_size(h, &size);
		if (rv < 0)
			return rv;
		/* The lease read takes a whole area (§5.2); 3.8.5 answers a
		 * short read with -EMSGSIZE (observed). */
		if (offsets[d] > size || size - offsets[d] < align_size)
			return -EMSGSIZE;
	}
	return 0;
}

int res_disk_setup(struct res_resource *r, const struct ls_info *li)
{
	struct paxos_lease_params p;
	const char *paths[SANLK_MAX_DISKS];
	char space[SANLK_NAME_LEN + 1], name[SANLK_NAME_LEN + 1];
	uint32_t d;
	int rv;

	assert(r->op_busy && !r->ed_open);
	for (d = 0; d < r->num_disks; d++)
		paths[d] = r->disks[d].path;
	rv = res_pool_env_open(&r->ed, paths, (int)r->num_disks, 0);
	if (rv < 0) {
		log_error("r%u open error %d %.1023s", r->res_id, rv,
			  paths[0]);
		return rv;
	}
	r->ed_open = 1;

	memset(&p, 0, sizeof(p));
	res_name_str(space, r->space_name);
	res_name_str(name, r->name);
	p.space_name = space;
	p.res_name = name;
	p.num_disks = (int)r->num_disks;
	for (d = 0; d < r->num_disks; d++)
		p.offsets[d] = r->disks[d].offset;
	rv = ondisk_sizes_from_pair(li->sector_size, li->align_size, &p.sizes);
	if (rv < 0) {
		log_error("r%u lockspace sizes %u/%u invalid", r->res_id,
			  li->sector_size, li->align_size);
		return -EINVAL;
	}
	for (d = 0; d < r->num_disks; d++) {
		if (p.offsets[d] % p.sizes.sector_size) {
			log_error("r%u offset %llu not a multiple of the "
				  "sector size %u", r->res_id,
				  (unsigned long long)p.offsets[d],
				  p.sizes.sector_size);
			return -EINVAL;
		}
	}
	rv = res_disk_check_size(&r->ed, p.offsets, p.num_disks,
				 p.sizes.align_size);
	if (rv < 0) {
		log_error("r%u lease area past the end of its disk: %d",
			  r->res_id, rv);
		return rv;
	}
	p.host_id = li->host_id;
	p.generation = li->host_generation;
	p.io_timeout = li->io_timeout;
	p.fire_timeout = li->fire_timeout;
	rv = paxos_lease_setup(&r->pl, &p);
	if (rv < 0)
		log_error("r%u paxos setup error %d", r->res_id, rv);
	return rv;
}

int res_disk_open_ro(struct env_disk *ed, const struct sanlk_resource *res,
		     const struct sanlk_disk *disks)
{
	const char *paths[SANLK_MAX_DISKS];
	uint32_t d;

	if (res->num_disks < 1 || res->num_disks > SANLK_MAX_DISKS)
		return -ERANGE;
	for (d = 0; d < res->num_disks; d++) {
		if (!memchr(disks[d].path, '\0', SANLK_PATH_LEN))
			return -EINVAL;
		paths[d] = disks[d].path;
	}
	return res_pool_env_open(ed, paths, (int)res->num_disks,
				 DISK_OPEN_RDONLY);
}

int res_ls_present(const char *space_name, uint32_t space_id, uint64_t gen)
{
	char name[SANLK_NAME_LEN + 1];
	struct ls_info li;

	res_name_str(name, space_name);
	if (ls_info(name, &li) < 0)
		return 0;
	return li.space_id == space_id && li.host_generation == gen;
}

int res_ls_same(const char *space_name, uint32_t space_id, uint64_t gen)
{
	char name[SANLK_NAME_LEN + 1];
	struct ls_info li;

	res_name_str(name, space_name);
	if (ls_info(name, &li) < 0)
		return 0;
	return !li.space_dead && li.space_id == space_id &&
	       li.host_generation == gen;
}
