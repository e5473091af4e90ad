/*
 * lib/direct.h - disk initialisation in the calling process, shared by
 * libsanlock's sanlock_direct_* (lib/direct.c) and the CLI's `sanlock direct
 * init` (cli/direct_init.c).  Internal: not installed, libsanlock only
 * (lib/direct*.c are left out of libsanlock_client).
 *
 * These open the storage (O_RDWR | O_DIRECT | O_SYNC through disk/), pick
 * or check the sector/align sizes, check every offset and (block devices)
 * the device size BEFORE writing anything, then run the lease/lease_init.c
 * sequences.  Stateless; any thread.
 *
 * Results: 0, or negative errno / SANLK_* as produced by the step that
 * failed, for the caller to map to its own conventions:
 *   open failure             the disk_open error (-ENOENT, -EACCES, -EISDIR,
 *                            -EINVAL for non-file/non-blockdev, ...)
 *   sizes not given, and the device sector size is not 512/4096: -EINVAL
 *   offset not a multiple of the device sector size:  -EINVAL
 *   lockspace sector size below the device's:         -EINVAL
 *   block device: area starts past its end -ENOSPC, ends past it -EMSGSIZE
 *   write failure            the disk_write error (or SANLK_AIO_TIMEOUT)
 * *failed_open (when not NULL) is set to 1 when the error came from opening.
 */
#ifndef LIB_DIRECT_H
#define LIB_DIRECT_H

#include <stdint.h>

#include "ondisk/ondisk.h"
#include "sanlock.h"

/* Lockspace area at disk->offset of disk->path.  sz NULL = legacy default
 * from the device's sector size (512/1M, 4096/8M).  io_timeout is stored
 * as given (callers map 0 to 10). */
int direct_write_lockspace(const struct sanlk_disk *disk, const char *ls_name,
			   const struct ondisk_sizes *sz, uint16_t io_timeout,
			   int write_timeout, int *failed_open);

/* Resource area on every disk of res (1..SANLK_MAX_DISKS).  sz NULL = from
 * the first disk's sector size.  num_hosts outside 1..max_hosts = max. */
int direct_write_resource(const struct sanlk_resource *res,
			  const struct ondisk_sizes *sz, uint64_t num_hosts,
			  int clear, int write_timeout, int *failed_open);

/* Resource index (format) at disk->offset: index area + internal lease. */
int direct_write_rindex(const struct sanlk_disk *disk, const char *ls_name,
			const struct ondisk_sizes *sz, uint32_t max_resources,
			int write_timeout, int *failed_open);

/* Legacy align size for path's sector size: 1048576 (512) or 8388608
 * (4096); -EINVAL for other sector sizes; open errors as disk_open. */
int direct_align_of_path(const char *path);

#endif /* LIB_DIRECT_H */
