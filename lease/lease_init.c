/*
 * lease_init.c - the write sequences that create lease areas (see
 * lease_init.h; spec/ondisk.md sections 8.1, 8.2 and 7.5).
 *
 * Stateless: every buffer is allocated from the env for one call and given
 * back to it (a buffer whose write timed out is released through
 * env->buf_free, which defers the real free until the kernel is done).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/lease_init.h"

#define LEASE_INIT_OFFSET_ALIGN 512u   /* smallest sector size there is */

static int lease_init_sizes_ok(const struct ondisk_sizes *sz)
{
	struct ondisk_sizes check;

	if (!sz || ondisk_sizes_from_pair(sz->sector_size, sz->align_size,
					  &check) < 0)
		return 0;
	return check.max_hosts == sz->max_hosts;
}

static int lease_init_timeout(int write_timeout)
{
	return write_timeout > 0 ? write_timeout : LEASE_WRITE_INIT_IO_TIMEOUT;
}

int lease_init_lockspace(struct lease_env *env, int disk, uint64_t offset,
			 const struct ondisk_sizes *sz, const char *ls_name,
			 uint16_t io_timeout, int write_timeout)
{
	int timeout = lease_init_timeout(write_timeout);
	void *buf;
	int rv;

	assert(env && ls_name);
	if (!lease_init_sizes_ok(sz) || disk < 0 || disk >= LEASE_MAX_DISKS)
		return -EINVAL;
	if (offset % LEASE_INIT_OFFSET_ALIGN)
		return -EINVAL;

	buf = env->buf_alloc(env->ctx, sz->align_size);
	if (!buf)
		return -ENOMEM;

	/* 8.1 step 3: everything, with record 0 not yet valid. */
	ondisk_lockspace_image(buf, sz, ls_name, io_timeout, 0);
	rv = env->write(env->ctx, disk, offset, buf, sz->align_size, timeout);
	if (rv < 0)
		goto out;

	/* 8.1 step 4: sector 0 again with the real magic (the image's first
	 * sector is exactly that record followed by zeros). */
	ondisk_lockspace_image(buf, sz, ls_name, io_timeout, 1);
	rv = env->write(env->ctx, disk, offset, buf, sz->sector_size, timeout);
out:
	env->buf_free(env->ctx, buf);
	return rv < 0 ? rv : 0;
}

int lease_init_resource(struct lease_env *env, int num_disks,
			const uint64_t *offsets, const struct ondisk_sizes *sz,
			const char *ls_name, const char *res_name,
			uint64_t num_hosts, int clear, uint64_t now,
			int write_timeout)
{
	int timeout = lease_init_timeout(write_timeout);
	void *buf;
	int d, rv = 0;

	assert(env && ls_name && res_name);
	if (!lease_init_sizes_ok(sz) || !offsets ||
	    num_disks < 1 || num_disks > LEASE_MAX_DISKS)
		return -EINVAL;
	for (d = 0; d < num_disks; d++) {
		if (offsets[d] % LEASE_INIT_OFFSET_ALIGN)
			return -EINVAL;
	}

	buf = env->buf_alloc(env->ctx, sz->align_size);
	if (!buf)
		return -ENOMEM;
	ondisk_resource_image(buf, sz, ls_name, res_name, num_hosts, clear, now);

	/* 8.2 step 3: one write per disk, in order, stop at the first error
	 * (the buffer may still be in flight after a timeout). */
	for (d = 0; d < num_disks; d++) {
		rv = env->write(env->ctx, d, offsets[d], buf, sz->align_size,
				timeout);
		if (rv < 0)
			break;
	}
	env->buf_free(env->ctx, buf);
	return rv < 0 ? rv : 0;
}

int lease_init_rindex(struct lease_env *env, uint64_t rx_offset,
		      const struct ondisk_sizes *sz, const char *ls_name,
		      uint32_t max_resources, int write_timeout)
{
	int timeout = lease_init_timeout(write_timeout);
	struct ondisk_rindex_header rh;
	uint64_t lease_offset;
	void *buf;
	int rv;

	assert(env && ls_name);
	if (!lease_init_sizes_ok(sz))
		return -EINVAL;
	if (rx_offset % LEASE_INIT_OFFSET_ALIGN)
		return -EINVAL;

	buf = env->buf_alloc(env->ctx, sz->align_size);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, sz->align_size);
	ondisk_rindex_header_init(&rh, sz, ls_name, rx_offset, max_resources);
	ondisk_rindex_header_encode(&rh, buf);
	rv = env->write(env->ctx, 0, rx_offset, buf, sz->align_size, timeout);
	env->buf_free(env->ctx, buf);
	if (rv < 0)
		return rv;

	lease_offset = ondisk_rindex_lease_offset(rx_offset, sz->align_size);
	return lease_init_resource(env, 1, &lease_offset, sz, ls_name,
				   ONDISK_RINDEX_LEASE_NAME, sz->max_hosts, 0, 0,
				   write_timeout);
}
