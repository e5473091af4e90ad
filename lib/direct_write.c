/*
 * direct_write.c - opening, checking and initialising lease areas inside
 * the calling process (see lib/direct.h).  Used by sanlock_direct_* and by
 * the CLI's direct init / format.
 *
 * Stateless; every call opens its own handles and closes them before
 * returning.  Nothing is written until every disk is open and every check
 * has passed, so bad input never leaves a partial area behind.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "disk/disk.h"
#include "lease/env_disk.h"
#include "lease/lease_init.h"
#include "lib/direct.h"

/* NUL-terminated copy of a sanlk_disk path (the field may be full). */
static void direct_path_copy(char dst[SANLK_PATH_LEN + 1],
			     const char src[SANLK_PATH_LEN])
{
	memcpy(dst, src, SANLK_PATH_LEN);
	dst[SANLK_PATH_LEN] = '\0';
}

/*
 * Everything that must hold before the first write, for disk i of ed:
 *  - the offset is a multiple of the device's sector size (-EINVAL);
 *  - lease_ss (0 = not checked) is a multiple of the device's sector size
 *    (-EINVAL): a lockspace rewrites one lease sector after the area, which
 *    a device with bigger sectors refuses - 3.8.5 fails the same way, but
 *    only after writing the area;
 *  - a block device holds the whole area: -ENOSPC when the area starts at
 *    or past its end, -EMSGSIZE when it would end past it (the results
 *    3.8.5 gets from the kernel, after a partial write in the second case).
 * A regular file may grow, as with 3.8.5.
 */
static int direct_check_target(struct env_disk *ed, int i, uint64_t offset,
			       uint32_t lease_ss, uint32_t area_size)
{
	struct disk_handle *h = env_disk_handle(ed, i);
	uint32_t dev_ss = 0;
	uint64_t dev_size = 0;
	int rv;

	assert(h);
	rv = disk_sector_size(h, &dev_ss);
	if (rv < 0)
		return rv;
	if (dev_ss == 0 || offset % dev_ss) {
		log_reason("%s: offset %llu is not a multiple of the device "
			  "sector size %u", disk_path(h),
			  (unsigned long long)offset, dev_ss);
		return -EINVAL;
	}
	if (lease_ss && lease_ss % dev_ss) {
		log_reason("%s: lease sector size %u is smaller than the device "
			  "sector size %u", disk_path(h), lease_ss, dev_ss);
		return -EINVAL;
	}
	if (!disk_is_blockdev(h))
		return 0;
	rv = disk_size(h, &dev_size);
	if (rv < 0)
		return rv;
	if (offset >= dev_size || dev_size - offset < area_size) {
		log_reason("%s: device size %llu cannot hold %u bytes at offset "
			  "%llu", disk_path(h), (unsigned long long)dev_size,
			  area_size, (unsigned long long)offset);
		return offset >= dev_size ? -ENOSPC : -EMSGSIZE;
	}
	return 0;
}

/* sz given: copy it; NULL: the legacy default for disk 0's sector size. */
static int direct_pick_sizes(struct env_disk *ed, const struct ondisk_sizes *sz,
			     struct ondisk_sizes *out)
{
	uint32_t dev_ss = 0;
	int rv;

	if (sz) {
		*out = *sz;
		return 0;
	}
	rv = disk_sector_size(env_disk_handle(ed, 0), &dev_ss);
	if (rv < 0)
		return rv;
	if (ondisk_sizes_default(dev_ss, out) < 0) {
		log_reason("%s: sector size %u has no default lease sizes",
			  disk_path(env_disk_handle(ed, 0)), dev_ss);
		return -EINVAL;
	}
	return 0;
}

static int direct_open_one(struct env_disk *ed, const struct sanlk_disk *disk,
			   int *failed_open)
{
	char path[SANLK_PATH_LEN + 1];
	const char *paths[1] = { path };
	int rv;

	direct_path_copy(path, disk->path);
	rv = env_disk_open(ed, paths, 1, 0, NULL, NULL);
	if (rv < 0) {
		log_reason("cannot open %s: %s", path, strerror(-rv));
		if (failed_open)
			*failed_open = 1;
	}
	return rv;
}

int direct_write_lockspace(const struct sanlk_disk *disk, const char *ls_name,
			   const struct ondisk_sizes *sz, uint16_t io_timeout,
			   int write_timeout, int *failed_open)
{
	struct env_disk ed;
	struct ondisk_sizes use;
	int rv;

	assert(disk && ls_name);
	if (failed_open)
		*failed_open = 0;
	rv = direct_open_one(&ed, disk, failed_open);
	if (rv < 0)
		return rv;
	rv = direct_pick_sizes(&ed, sz, &use);
	if (rv == 0)
		rv = direct_check_target(&ed, 0, disk->offset, use.sector_size,
					 use.align_size);
	if (rv == 0)
		rv = lease_init_lockspace(&ed.env, 0, disk->offset, &use,
					  ls_name, io_timeout, write_timeout);
	env_disk_close(&ed);
	return rv;
}

int direct_write_resource(const struct sanlk_resource *res,
			  const struct ondisk_sizes *sz, uint64_t num_hosts,
			  int clear, int write_timeout, int *failed_open)
{
	char paths_buf[SANLK_MAX_DISKS][SANLK_PATH_LEN + 1];
	const char *paths[SANLK_MAX_DISKS];
	uint64_t offsets[SANLK_MAX_DISKS];
	struct env_disk ed;
	struct ondisk_sizes use;
	uint32_t d, n;
	int rv, bad = 0;

	assert(res);
	if (failed_open)
		*failed_open = 0;
	n = res->num_disks;
	if (n < 1 || n > SANLK_MAX_DISKS)
		return -EINVAL;
	for (d = 0; d < n; d++) {
		direct_path_copy(paths_buf[d], res->disks[d].path);
		paths[d] = paths_buf[d];
		offsets[d] = res->disks[d].offset;
	}
	rv = env_disk_open(&ed, paths, (int)n, 0, NULL, &bad);
	if (rv < 0) {
		log_reason("cannot open %s: %s", paths[bad], strerror(-rv));
		if (failed_open)
			*failed_open = 1;
		return rv;
	}
	rv = direct_pick_sizes(&ed, sz, &use);
	for (d = 0; d < n && rv == 0; d++)
		rv = direct_check_target(&ed, (int)d, offsets[d], 0,
					 use.align_size);
	if (rv == 0)
		rv = lease_init_resource(&ed.env, (int)n, offsets, &use,
					 res->lockspace_name, res->name,
					 num_hosts, clear, monotime(),
					 write_timeout);
	env_disk_close(&ed);
	return rv;
}

int direct_write_rindex(const struct sanlk_disk *disk, const char *ls_name,
			const struct ondisk_sizes *sz, uint32_t max_resources,
			int write_timeout, int *failed_open)
{
	struct env_disk ed;
	struct ondisk_sizes use;
	int rv;

	assert(disk && ls_name);
	if (failed_open)
		*failed_open = 0;
	rv = direct_open_one(&ed, disk, failed_open);
	if (rv < 0)
		return rv;
	rv = direct_pick_sizes(&ed, sz, &use);
	if (rv == 0)	/* index area + internal lease: two align sizes */
		rv = direct_check_target(&ed, 0, disk->offset, use.sector_size,
					 2 * use.align_size);
	if (rv == 0)
		rv = lease_init_rindex(&ed.env, disk->offset, &use, ls_name,
				       max_resources, write_timeout);
	env_disk_close(&ed);
	return rv;
}

int direct_align_of_path(const char *path)
{
	struct disk_handle *h = NULL;
	uint32_t ss = 0;
	int rv;

	assert(path);
	rv = disk_open(path, 0, &h);
	if (rv < 0)
		return rv;
	rv = disk_sector_size(h, &ss);
	disk_close(h);
	if (rv < 0)
		return rv;
	if (ss == 512)
		return (int)ONDISK_ALIGN_1M;
	if (ss == 4096)
		return (int)ONDISK_ALIGN_8M;
	return -EINVAL;
}
