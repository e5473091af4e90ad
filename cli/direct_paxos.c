/*
 * direct_paxos.c - the storage of the resource named by the first -r of
 * `sanlock direct acquire | release` (see direct_paxos.h): disks opened,
 * the lease's sizes probed from disk 0 as 3.8.5 does (one 4 KiB read at
 * the lease offset), the -EMSGSIZE that 3.8.5 gives for a lease extending
 * past the end of its storage, and the struct paxos_lease setup.
 *
 * Single-threaded CLI code; no state of its own.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "cli/direct_paxos.h"
#include "cli/direct_util.h"
#include "common/log.h"
#include "disk/disk.h"

void direct_paxos_syslog(const char *what)
{
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "%s", what);
	closelog();
}

int direct_paxos_check_len(struct direct_paxos *dp, uint64_t len)
{
	uint32_t d;

	for (d = 0; d < dp->res->num_disks; d++) {
		struct disk_handle *h = env_disk_handle(&dp->ed, (int)d);
		uint64_t off = dp->res->disks[d].offset, size;
		int rv;

		if (!h)
			return -EINVAL;
		rv = disk_size(h, &size);
		if (rv < 0) {
			log_reason("cannot get the size of %.1023s",
				   dp->res->disks[d].path);
			return rv;
		}
		if (off > size || size - off < len) {
			log_reason("%.1023s: the lease at offset %llu needs %llu "
				   "bytes, the storage has %llu",
				   dp->res->disks[d].path,
				   (unsigned long long)off,
				   (unsigned long long)len,
				   (unsigned long long)size);
			return -EMSGSIZE;
		}
	}
	return 0;
}

/* 3.8.5 reads DIRECT_PROBE_BYTES at the lease offset of disk 0 and takes
 * the sizes of the record found there (paxos or delta leader); a read
 * past the end of the storage is its -EMSGSIZE. */
static int direct_paxos_probe(const struct cli_args *a, struct direct_paxos *dp)
{
	const struct sanlk_disk *d0 = &dp->res->disks[0];
	struct disk_handle *h = env_disk_handle(&dp->ed, 0);
	struct lease_env *env = &dp->ed.env;
	uint64_t size;
	uint8_t *buf;
	int rv;

	if (d0->offset % 512) {
		log_reason("offset %llu is not a multiple of the sector size",
			   (unsigned long long)d0->offset);
		return -EINVAL;
	}
	if (!h)
		return -EINVAL;
	rv = disk_size(h, &size);
	if (rv < 0) {
		log_reason("cannot get the size of %.1023s", d0->path);
		return rv;
	}
	if (d0->offset > size || size - d0->offset < DIRECT_PROBE_BYTES) {
		log_reason("%.1023s: no lease at offset %llu (past the end)",
			   d0->path, (unsigned long long)d0->offset);
		return -EMSGSIZE;
	}

	buf = env->buf_alloc(env->ctx, DIRECT_PROBE_BYTES);
	if (!buf)
		return -ENOMEM;
	rv = env->read(env->ctx, 0, d0->offset, buf, DIRECT_PROBE_BYTES,
		       direct_io_timeout(a));
	if (rv == 0 && direct_sizes_from_record(buf, 0, &dp->rec_sizes) == 0)
		dp->have_rec = 1;
	else if (rv < 0)
		log_reason("cannot read %.1023s at offset %llu", d0->path,
			   (unsigned long long)d0->offset);
	env->buf_free(env->ctx, buf);
	return rv;
}

int direct_paxos_open(const struct cli_args *a, struct direct_paxos *dp)
{
	const char *paths[SANLK_MAX_DISKS];
	int rv, failed = -1;
	uint32_t d;

	memset(dp, 0, sizeof(*dp));
	if (a->res_count < 1) {
		log_reason("no resource given (-r)");
		return -EINVAL;
	}
	dp->res = a->res_args[0];
	if (dp->res->num_disks == 0) {
		log_reason("the resource names no disk (-r LOCKSPACE:NAME:PATH:OFFSET)");
		return -1;	/* 3.8.5's result */
	}
	if (dp->res->num_disks > SANLK_MAX_DISKS)
		return -EINVAL;	/* the parser never lets this through */
	memcpy(dp->space, dp->res->lockspace_name, ONDISK_NAME_LEN);
	memcpy(dp->name, dp->res->name, ONDISK_NAME_LEN);
	/* An empty name never matches a lease on disk (3.8.5 then fails the
	 * leader check with these codes). */
	if (!dp->space[0]) {
		log_reason("the resource has an empty lockspace name");
		return SANLK_LEADER_LOCKSPACE;
	}
	if (!dp->name[0]) {
		log_reason("the resource has an empty resource name");
		return SANLK_LEADER_RESOURCE;
	}
	dp->have_arg = direct_arg_sizes(a, &dp->arg_sizes) == 1;

	for (d = 0; d < dp->res->num_disks; d++)
		paths[d] = dp->res->disks[d].path;
	/* Every disk must open.  3.8.5 carries on when a majority opened and
	 * then fails with -EBADF or succeeds depending on which disk it was
	 * (observed); a missing disk is bad input here. */
	rv = env_disk_open(&dp->ed, paths, (int)dp->res->num_disks, 0, NULL,
			   &failed);
	if (rv < 0) {
		log_reason("cannot open %.1023s",
			   failed >= 0 ? paths[failed] : paths[0]);
		return rv;
	}
	dp->opened = 1;
	return direct_paxos_probe(a, dp);
}

void direct_paxos_close(struct direct_paxos *dp)
{
	if (dp->opened)
		env_disk_close(&dp->ed);
	dp->opened = 0;
}

int direct_paxos_setup(const struct cli_args *a, const struct direct_paxos *dp,
		       const struct ondisk_sizes *sz, uint64_t host_id,
		       uint64_t generation, struct paxos_lease *pl)
{
	struct paxos_lease_params p;
	uint32_t d;
	int rv;

	memset(&p, 0, sizeof(p));
	p.space_name = dp->space;
	p.res_name = dp->name;
	p.num_disks = (int)dp->res->num_disks;
	for (d = 0; d < dp->res->num_disks; d++)
		p.offsets[d] = dp->res->disks[d].offset;
	p.sizes = *sz;
	p.host_id = host_id;
	p.generation = generation;
	/* lease/paxos bounds the per-I/O timeout (PAXOS_IO_TIMEOUT_MAX); a
	 * longer -o is cut to that bound instead of being refused, as 3.8.5
	 * accepts it.  It only limits how long one I/O may take. */
	p.io_timeout = (uint32_t)direct_io_timeout(a);
	if (p.io_timeout > PAXOS_IO_TIMEOUT_MAX)
		p.io_timeout = PAXOS_IO_TIMEOUT_MAX;
	p.fire_timeout = DIRECT_PAXOS_FIRE_TIMEOUT;
	/* 3.8.5's exact I/O: the full lease read before the first ballot,
	 * so the ballot numbers written are 3.8.5's too (algorithms.md §5.5) */
	p.full_read_first = 1;
	rv = paxos_lease_setup(pl, &p);
	if (rv < 0) {
		log_reason("an offset is not a multiple of the sector size %u",
			   sz->sector_size);
	}
	return rv;
}
