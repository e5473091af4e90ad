/*
 * direct.c - the four sanlock_direct_* functions of libsanlock.so.1
 * (spec/api.md §4.7, §4.1c): disk initialisation in the calling process,
 * no daemon involved.  libsanlock only (lib/direct*.c are not linked into
 * libsanlock_client).
 *
 * Stateless; thread-safe as far as the storage allows (each call opens and
 * closes its own handles).  Return conventions are 3.8.5's:
 *   write_lockspace: NULL ls or bad ALIGN/SECTOR flags -1; empty path or
 *     open failure -ENODEV; else 0 or the write error.
 *   write_resource: NULL res or bad flags -1; no disk or empty first path
 *     -ENODEV; more than SANLK_MAX_DISKS -EINVAL (3.8.5 does not check);
 *     open failure -errno; else 0 or the write error.
 *   init: write_lockspace (io_timeout 10) if ls, else write_resource, else -1.
 *   align: open errors -errno; 1048576 / 8388608 by sector size; -EINVAL.
 */
#include <errno.h>
#include <string.h>

#include "lease/lease_init.h"
#include "lib/direct.h"
#include "lib/lib.h"
#include "sanlock_admin.h"
#include "sanlock_direct.h"

/* Sizes requested by SANLK_*_ALIGN* / *_SECTOR* flags: 1 = *sz filled,
 * 0 = none requested (detect), -1 = invalid request. */
static int direct_flag_sizes(uint32_t flags, struct ondisk_sizes *sz)
{
	int rv = ondisk_sizes_from_api_flags(flags, sz);

	return rv < 0 ? -1 : rv;
}

SANLK_EXPORT
int sanlock_direct_write_lockspace(struct sanlk_lockspace *ls,
				   int max_hosts_unused, uint32_t flags,
				   uint32_t io_timeout)
{
	struct ondisk_sizes sz;
	int have, rv, failed_open = 0;

	(void)max_hosts_unused;
	(void)flags;
	if (!ls)
		return -1;
	have = direct_flag_sizes(ls->flags, &sz);
	if (have < 0)
		return -1;
	if (!ls->host_id_disk.path[0])
		return -ENODEV;
	if (!io_timeout)
		io_timeout = ONDISK_DEFAULT_IO_TIMEOUT;
	rv = direct_write_lockspace(&ls->host_id_disk, ls->name,
				    have ? &sz : NULL, (uint16_t)io_timeout,
				    LEASE_WRITE_INIT_IO_TIMEOUT, &failed_open);
	if (rv < 0 && failed_open)
		return -ENODEV;
	return rv;
}

SANLK_EXPORT
int sanlock_direct_write_resource(struct sanlk_resource *res,
				  int max_hosts_unused, int num_hosts,
				  uint32_t flags)
{
	struct ondisk_sizes sz;
	int have;

	(void)max_hosts_unused;
	if (!res)
		return -1;
	if (res->num_disks == 0 || !res->disks[0].path[0])
		return -ENODEV;
	if (res->num_disks > SANLK_MAX_DISKS)
		return -EINVAL;
	have = direct_flag_sizes(res->flags, &sz);
	if (have < 0)
		return -1;
	return direct_write_resource(res, have ? &sz : NULL,
				     num_hosts > 0 ? (uint64_t)num_hosts : 0,
				     (flags & SANLK_WRITE_CLEAR) ? 1 : 0,
				     LEASE_WRITE_INIT_IO_TIMEOUT, NULL);
}

SANLK_EXPORT
int sanlock_direct_init(struct sanlk_lockspace *ls, struct sanlk_resource *res,
			int max_hosts_unused, int num_hosts, int use_aio)
{
	(void)use_aio;	/* no visible difference (api.md §4.7) */
	if (ls)
		return sanlock_direct_write_lockspace(ls, max_hosts_unused, 0, 0);
	if (res)
		return sanlock_direct_write_resource(res, max_hosts_unused,
						     num_hosts, 0);
	return -1;
}

SANLK_EXPORT
int sanlock_direct_align(struct sanlk_disk *disk)
{
	char path[SANLK_PATH_LEN + 1];

	if (!disk)
		return -EINVAL;
	memcpy(path, disk->path, SANLK_PATH_LEN);
	path[SANLK_PATH_LEN] = '\0';
	return direct_align_of_path(path);
}
