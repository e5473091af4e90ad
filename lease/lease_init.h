/*
 * lease_init.h - writing new lease areas (spec/ondisk.md section 8, 7.5):
 * a lockspace (all delta leases, in the two-write order of 8.1), a
 * resource (paxos leader + request record, one write per disk, 8.2) and a
 * resource index (index area + its internal "rindex_lease", 7.5 format).
 *
 * Pure lease/ code: storage only through struct lease_env, so the CLI's
 * direct actions, libsanlock's sanlock_direct_* and the daemon all share
 * these sequences.  Stateless; runs on the env owner's thread.
 *
 * Sizes come from the caller (already validated, ondisk_sizes_*).  Offsets
 * must be multiples of 512 (-EINVAL otherwise); the env's disk layer
 * rejects offsets that are not multiples of the device's sector size with
 * -EINVAL before writing anything.  A file shorter than the area grows (as
 * with 3.8.5); callers that must not write past the end of a block device
 * check its size first.
 *
 * Returns 0, or the first failing write's result (negative errno or
 * SANLK_AIO_TIMEOUT), or -ENOMEM.  Writes stop at the first failure.
 */
#ifndef LEASE_INIT_H
#define LEASE_INIT_H

#include <stdint.h>

#include "lease/lease_env.h"
#include "ondisk/ondisk.h"

/* Default I/O timeout for these writes (sanlock.conf write_init_io_timeout). */
#define LEASE_WRITE_INIT_IO_TIMEOUT 60

/* Lockspace area at offset on disk number `disk`: max_hosts free delta
 * leases carrying ls_name (at most 48 bytes used) and io_timeout.  First the
 * whole area with record 0's magic zeroed, then sector 0 again with the
 * real magic, so the lockspace looks valid only once all of it is written. */
int lease_init_lockspace(struct lease_env *env, int disk, uint64_t offset,
			 const struct ondisk_sizes *sz, const char *ls_name,
			 uint16_t io_timeout, int write_timeout);

/* Resource area at offsets[d] on disks 0..num_disks-1 (the same image on
 * each).  num_hosts outside 1..max_hosts means max_hosts.  clear != 0
 * writes the invalidated form (magic PAXOS_DISK_CLEAR, write_timestamp =
 * now). */
int lease_init_resource(struct lease_env *env, int num_disks,
			const uint64_t *offsets, const struct ondisk_sizes *sz,
			const char *ls_name, const char *res_name,
			uint64_t num_hosts, int clear, uint64_t now,
			int write_timeout);

/* Resource index at rx_offset on disk number 0: the index area
 * (header, no entries) in one write, then the internal lease
 * ONDISK_RINDEX_LEASE_NAME at rx_offset + align_size with num_hosts =
 * max_hosts.  max_resources 0 or above the capacity -> the capacity (pass
 * ONDISK_RINDEX_DEFAULT_MAX_RESOURCES for 3.8.5's default). */
int lease_init_rindex(struct lease_env *env, uint64_t rx_offset,
		      const struct ondisk_sizes *sz, const char *ls_name,
		      uint32_t max_resources, int write_timeout);

#endif /* LEASE_INIT_H */
