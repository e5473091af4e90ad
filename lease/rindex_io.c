/*
 * rindex_io.c - reading and verifying a resource index and writing one
 * entry sector (see rindex.h; spec/ondisk.md §7.2, §7.3, §7.6).
 *
 * No state of its own: a struct rindex and its area buffer belong to the
 * thread running the operation.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/rindex.h"

/* Sizes named by the header: sector_size and the RHF_ALIGN_* flag (none:
 * the legacy default for the sector size).  -EINVAL when they are not a
 * pair of the size table (a corrupt header must not size our buffers). */
static int rindex_header_sizes(const struct ondisk_rindex_header *rh,
			       struct ondisk_sizes *sz)
{
	uint32_t align = ondisk_align_from_rhf(rh->flags);

	if (!align)
		return ondisk_sizes_default(rh->sector_size, sz) < 0 ?
		       -EINVAL : 0;
	return ondisk_sizes_from_pair(rh->sector_size, align, sz) < 0 ?
	       -EINVAL : 0;
}

int rindex_read_header(struct lease_env *env,
		       const struct rindex_params *p, struct rindex *rx)
{
	uint32_t probe;
	uint8_t *buf;
	int rv;

	assert(env && p && rx);
	memset(rx, 0, sizeof(*rx));
	if (!p->space_name)
		return -EINVAL;
	probe = p->probe_size ? p->probe_size : RINDEX_PROBE_SIZE;
	if (probe < ONDISK_RINDEX_HEADER_SIZE || probe > RINDEX_PROBE_SIZE ||
	    probe % 512)
		return -EINVAL;
	rx->rx_offset = p->rx_offset;
	rx->io_timeout = p->io_timeout;

	buf = env->buf_alloc(env->ctx, probe);
	if (!buf)
		return -ENOMEM;
	rv = env->read(env->ctx, 0, p->rx_offset, buf, probe, p->io_timeout);
	if (rv == 0)
		ondisk_rindex_header_decode(buf, &rx->hdr);
	env->buf_free(env->ctx, buf);
	if (rv < 0)
		return rv;

	rv = ondisk_rindex_header_verify(&rx->hdr, p->space_name, p->rx_offset);
	if (rv < 0)
		return rv;
	rv = rindex_header_sizes(&rx->hdr, &rx->sizes);
	if (rv < 0)
		return rv;
	rx->capacity = ondisk_rindex_capacity(&rx->sizes);
	rx->max_resources = rx->hdr.max_resources;
	if (rx->max_resources == 0 || rx->max_resources > rx->capacity)
		rx->max_resources = rx->capacity;
	/* entries end inside the index area */
	assert((uint64_t)rx->sizes.sector_size +
	       (uint64_t)rx->capacity * ONDISK_RINDEX_ENTRY_SIZE <=
	       rx->sizes.align_size);
	return 0;
}

int rindex_read_area(struct lease_env *env, struct rindex *rx)
{
	int rv;

	assert(env && rx && rx->sizes.align_size && !rx->area);
	rx->area = env->buf_alloc(env->ctx, rx->sizes.align_size);
	if (!rx->area)
		return -ENOMEM;
	rv = env->read(env->ctx, 0, rx->rx_offset, rx->area,
		       rx->sizes.align_size, rx->io_timeout);
	if (rv < 0) {
		/* contents undefined after a failed read: never use them */
		env->buf_free(env->ctx, rx->area);
		rx->area = NULL;
	}
	return rv;
}

int rindex_open(struct lease_env *env, const struct rindex_params *p,
		struct rindex *rx)
{
	int rv = rindex_read_header(env, p, rx);

	if (rv < 0)
		return rv;
	return rindex_read_area(env, rx);
}

void rindex_close(struct lease_env *env, struct rindex *rx)
{
	assert(env && rx);
	if (rx->area)
		env->buf_free(env->ctx, rx->area);
	rx->area = NULL;
}

int rindex_entry_write(struct lease_env *env, struct rindex *rx,
		       uint32_t i, const struct ondisk_rindex_entry *e)
{
	uint32_t ss = rx->sizes.sector_size;
	uint64_t pos, sector_pos;
	uint8_t old[ONDISK_RINDEX_ENTRY_SIZE];
	uint8_t *sector;
	int rv;

	assert(env && rx && rx->area && e);
	assert(i < rx->capacity);
	pos = ss + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;
	sector_pos = pos - pos % ss;
	assert(sector_pos >= ss && sector_pos + ss <= rx->sizes.align_size);
	assert(pos + ONDISK_RINDEX_ENTRY_SIZE <= sector_pos + ss);

	memcpy(old, rx->area + pos, sizeof(old));
	ondisk_rindex_entry_encode(e, rx->area + pos);

	/* The write gets its own buffer: a timed-out write may still be
	 * in flight after we return, and rx->area is freed with the rindex. */
	sector = env->buf_alloc(env->ctx, ss);
	if (!sector) {
		rv = -ENOMEM;
	} else {
		memcpy(sector, rx->area + sector_pos, ss);
		rv = env->write(env->ctx, 0, rx->rx_offset + sector_pos, sector,
				ss, rx->io_timeout);
		env->buf_free(env->ctx, sector);
	}
	if (rv < 0)
		memcpy(rx->area + pos, old, sizeof(old));
	return rv;
}
