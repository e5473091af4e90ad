/*
 * rindex_find.c - questions answered from the in-memory copy of an index
 * (see rindex.h; spec/ondisk.md §7.3): slot <-> resource offset, entry of
 * a slot, first entry with a name, first free entry.
 *
 * Pure; reads only the struct rindex it is given (owned by the caller's
 * thread).  Every search is bounded by max_resources <= capacity.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/rindex.h"

uint64_t rindex_slot_offset(const struct rindex *rx, uint32_t i)
{
	assert(rx && i < rx->capacity);
	return ondisk_rindex_res_offset(rx->rx_offset, rx->sizes.align_size, i);
}

int rindex_slot_of(const struct rindex *rx, uint64_t offset, uint32_t *i)
{
	uint32_t slot;
	int rv;

	assert(rx && i && rx->sizes.align_size);
	rv = ondisk_rindex_res_index(rx->rx_offset, rx->sizes.align_size,
				     offset, &slot);
	if (rv < 0)
		return rv;
	if (slot >= rx->capacity)
		return SANLK_RINDEX_OFFSET;
	*i = slot;
	return 0;
}

void rindex_entry_get(const struct rindex *rx, uint32_t i,
		      struct ondisk_rindex_entry *e)
{
	uint64_t pos;

	assert(rx && rx->area && e && i < rx->capacity);
	pos = rx->sizes.sector_size + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;
	assert(pos + ONDISK_RINDEX_ENTRY_SIZE <= rx->sizes.align_size);
	ondisk_rindex_entry_decode(rx->area + pos, e);
}

int rindex_find_name(const struct rindex *rx, const char *name, uint32_t *i)
{
	struct ondisk_rindex_entry e;
	uint32_t k;

	assert(rx && name && i && rx->max_resources <= rx->capacity);
	if (!name[0])
		return -ENOENT;
	for (k = 0; k < rx->max_resources; k++) {
		rindex_entry_get(rx, k, &e);
		if (ondisk_name_eq(e.name, name)) {
			*i = k;
			return 0;
		}
	}
	return -ENOENT;
}

int rindex_find_free(const struct rindex *rx, uint32_t *i)
{
	struct ondisk_rindex_entry e;
	uint32_t k;

	assert(rx && i && rx->max_resources <= rx->capacity);
	for (k = 0; k < rx->max_resources; k++) {
		rindex_entry_get(rx, k, &e);
		if (ondisk_rindex_entry_free(&e)) {
			*i = k;
			return 0;
		}
	}
	return -ENOSPC;
}
