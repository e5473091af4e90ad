/*
 * delta_lease.c - setting up a struct delta_lease: parameter checks
 * (delta_lease_init), the pre-join probe of the lockspace's first record
 * (algorithms.md §3.3 (a)/(b)), and adopting the on-disk record as our
 * last write for the `sanlock direct renew_id / release_id` commands.
 *
 * The caller's thread owns the struct delta_lease; no other state.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/delta_internal.h"

#define DELTA_PROBE_LEN 4096   /* §3.3 (a): read 4096 bytes at the offset */

int delta_lease_init(struct delta_lease *dl, const struct delta_lease_params *p)
{
	const struct ondisk_sizes *sz = &p->sizes;
	size_t hlen, slen;

	memset(dl, 0, sizeof(*dl));
	if (!p->space_name || !p->host_name)
		return -EINVAL;
	slen = strnlen(p->space_name, ONDISK_NAME_LEN + 1);
	hlen = strnlen(p->host_name, DELTA_HOST_NAME_MAX + 1);
	if (slen == 0 || slen > ONDISK_NAME_LEN)
		return -EINVAL;
	if (hlen == 0 || hlen > DELTA_HOST_NAME_MAX)
		return -EINVAL;
	if (p->io_timeout == 0 || p->io_timeout > DELTA_IO_TIMEOUT_MAX)
		return -EINVAL;
	if (p->fire_timeout == 0 || p->fire_timeout > DELTA_FIRE_TIMEOUT_MAX)
		return -EINVAL;
	if (p->disk < 0 || p->disk >= LEASE_MAX_DISKS)
		return -EINVAL;
	if (sz->sector_size != 512 && sz->sector_size != 4096)
		return -EINVAL;
	if (sz->align_size == 0 || sz->align_size % sz->sector_size ||
	    sz->max_hosts == 0 ||
	    (uint64_t)sz->max_hosts * sz->sector_size > sz->align_size)
		return -EINVAL;
	if (p->offset % sz->sector_size)
		return -EINVAL;
	if (p->host_id == 0)
		return -EINVAL;
	if (p->host_id > sz->max_hosts)
		return SANLK_ADDLS_INVALID_HOSTID;

	memcpy(dl->space_name, p->space_name, slen);
	memcpy(dl->host_name, p->host_name, hlen);
	dl->host_id = p->host_id;
	dl->disk = p->disk;
	dl->offset = p->offset;
	dl->sector_offset = ondisk_delta_offset(p->offset, p->host_id,
						sz->sector_size);
	dl->sizes = *sz;
	dl->io_timeout = p->io_timeout;
	dl->fire_timeout = p->fire_timeout;
	dl->read_extend_ms = delta_read_extend_ms(p->read_extend_sec,
						  p->io_timeout);
	assert(dl->sector_offset ==
	       p->offset + (p->host_id - 1) * sz->sector_size);
	return 0;
}

int delta_lease_probe(const struct lease_env *env, int disk, uint64_t offset,
		      uint32_t io_timeout, struct ondisk_sizes *out)
{
	struct ondisk_leader lr;
	uint8_t *buf;
	int rv;

	if (io_timeout == 0 || io_timeout > DELTA_IO_TIMEOUT_MAX ||
	    disk < 0 || disk >= LEASE_MAX_DISKS || offset % 512)
		return -EINVAL;
	buf = env->buf_alloc(env->ctx, DELTA_PROBE_LEN);
	if (!buf)
		return -ENOMEM;
	rv = env->read(env->ctx, disk, offset, buf, DELTA_PROBE_LEN,
		       (int)io_timeout);
	if (rv != 0) {
		env->buf_free(env->ctx, buf);
		return rv < 0 ? rv : -EIO;
	}
	ondisk_leader_decode(buf, &lr);
	env->buf_free(env->ctx, buf);

	if (lr.magic != DELTA_DISK_MAGIC)
		return SANLK_LEADER_MAGIC;
	if ((lr.version & ONDISK_VERSION_MAJOR_MASK) != DELTA_DISK_VERSION_MAJOR)
		return SANLK_LEADER_VERSION;
	return ondisk_sizes_from_leader(lr.sector_size, lr.flags, out);
}

int delta_lease_adopt(const struct lease_env *env, struct delta_lease *dl)
{
	struct ondisk_leader lr;
	uint8_t raw[ONDISK_LEADER_SIZE];
	int rv;

	assert(dl->host_id >= 1 && dl->host_id <= dl->sizes.max_hosts);
	rv = delta_read_own(env, dl, &lr, raw);
	if (rv < 0)
		return rv;
	/* 3.8.5's direct renew_id/release_id of a slot never acquired as
	 * this host_id fail with -22 (observed). */
	if (lr.owner_id != dl->host_id)
		return -EINVAL;
	dl->last = lr;
	memcpy(dl->last_rec, raw, sizeof(raw));
	dl->last_success = lr.timestamp;
	dl->held = 1;
	dl->prev_ok = 1;
	dl->prev_read_timeout = 0;
	return 0;
}
