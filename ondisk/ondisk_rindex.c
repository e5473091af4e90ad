/*
 * ondisk_rindex.c - resource index records (spec/ondisk.md section 7):
 * the 80-byte header in sector 0 of the index area and the 64-byte
 * entries packed from sector 1, plus the index geometry (entry positions,
 * capacity, resource offset of entry i).
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"
#include "ondisk/ondisk_le.h"

enum {	/* header, section 7.2 */
	RH_MAGIC = 0, RH_VERSION = 4, RH_FLAGS = 8, RH_SECTOR_SIZE = 12,
	RH_MAX_RESOURCES = 16, RH_UNUSED = 20, RH_RX_OFFSET = 24,
	RH_LOCKSPACE_NAME = 32,
};
enum {	/* entry, section 7.3 */
	RE_RES_OFFSET = 0, RE_FLAGS = 8, RE_UNUSED = 12, RE_NAME = 16,
};

_Static_assert(RH_LOCKSPACE_NAME + ONDISK_NAME_LEN == ONDISK_RINDEX_HEADER_SIZE,
	       "rindex header is 80 bytes");
_Static_assert(RE_NAME + ONDISK_NAME_LEN == ONDISK_RINDEX_ENTRY_SIZE,
	       "rindex entry is 64 bytes");

void ondisk_rindex_header_encode(const struct ondisk_rindex_header *rh, void *buf)
{
	uint8_t *p = buf;

	assert(rh && buf);
	ondisk_put32(p + RH_MAGIC, rh->magic);
	ondisk_put32(p + RH_VERSION, rh->version);
	ondisk_put32(p + RH_FLAGS, rh->flags);
	ondisk_put32(p + RH_SECTOR_SIZE, rh->sector_size);
	ondisk_put32(p + RH_MAX_RESOURCES, rh->max_resources);
	ondisk_put32(p + RH_UNUSED, rh->unused);
	ondisk_put64(p + RH_RX_OFFSET, rh->rx_offset);
	ondisk_put_name(p + RH_LOCKSPACE_NAME, rh->lockspace_name, ONDISK_NAME_LEN);
}

void ondisk_rindex_header_decode(const void *buf, struct ondisk_rindex_header *rh)
{
	const uint8_t *p = buf;

	assert(rh && buf);
	rh->magic = ondisk_get32(p + RH_MAGIC);
	rh->version = ondisk_get32(p + RH_VERSION);
	rh->flags = ondisk_get32(p + RH_FLAGS);
	rh->sector_size = ondisk_get32(p + RH_SECTOR_SIZE);
	rh->max_resources = ondisk_get32(p + RH_MAX_RESOURCES);
	rh->unused = ondisk_get32(p + RH_UNUSED);
	rh->rx_offset = ondisk_get64(p + RH_RX_OFFSET);
	ondisk_get_name(p + RH_LOCKSPACE_NAME, rh->lockspace_name, ONDISK_NAME_LEN);
}

void ondisk_rindex_entry_encode(const struct ondisk_rindex_entry *re, void *buf)
{
	uint8_t *p = buf;

	assert(re && buf);
	ondisk_put64(p + RE_RES_OFFSET, re->res_offset);
	ondisk_put32(p + RE_FLAGS, re->flags);
	ondisk_put32(p + RE_UNUSED, re->unused);
	ondisk_put_name(p + RE_NAME, re->name, ONDISK_NAME_LEN);
}

void ondisk_rindex_entry_decode(const void *buf, struct ondisk_rindex_entry *re)
{
	const uint8_t *p = buf;

	assert(re && buf);
	re->res_offset = ondisk_get64(p + RE_RES_OFFSET);
	re->flags = ondisk_get32(p + RE_FLAGS);
	re->unused = ondisk_get32(p + RE_UNUSED);
	ondisk_get_name(p + RE_NAME, re->name, ONDISK_NAME_LEN);
}

void ondisk_rindex_header_init(struct ondisk_rindex_header *rh,
			       const struct ondisk_sizes *sz, const char *ls_name,
			       uint64_t rx_offset, uint32_t max_resources)
{
	uint32_t cap;

	assert(rh && sz && ls_name);
	cap = ondisk_rindex_capacity(sz);
	memset(rh, 0, sizeof(*rh));
	rh->magic = RINDEX_DISK_MAGIC;
	rh->version = RINDEX_DISK_VERSION;
	rh->flags = ondisk_rhf_align_flag(sz->align_size);
	rh->sector_size = sz->sector_size;
	rh->max_resources = (max_resources == 0 || max_resources > cap) ?
			    cap : max_resources;
	rh->rx_offset = rx_offset;
	ondisk_name_set(rh->lockspace_name, ls_name);
}

int ondisk_rindex_entry_free(const struct ondisk_rindex_entry *re)
{
	return re->res_offset == 0 && re->name[0] == '\0';
}

uint32_t ondisk_rindex_capacity(const struct ondisk_sizes *sz)
{
	assert(sz && sz->sector_size >= ONDISK_RINDEX_ENTRY_SIZE);
	return sz->max_hosts * (sz->sector_size / ONDISK_RINDEX_ENTRY_SIZE);
}

uint64_t ondisk_rindex_entry_offset(uint64_t rx_offset, uint32_t ss, uint32_t i)
{
	return rx_offset + ss + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;
}

uint64_t ondisk_rindex_lease_offset(uint64_t rx_offset, uint32_t align_size)
{
	return rx_offset + align_size;
}

uint64_t ondisk_rindex_res_offset(uint64_t rx_offset, uint32_t align_size, uint32_t i)
{
	return rx_offset + 2 * (uint64_t)align_size + (uint64_t)i * align_size;
}

int ondisk_rindex_res_index(uint64_t rx_offset, uint32_t align_size,
			    uint64_t res_offset, uint32_t *i)
{
	uint64_t first = rx_offset + 2 * (uint64_t)align_size;
	uint64_t idx;

	assert(i && align_size);
	if (res_offset % align_size)
		return SANLK_RINDEX_OFFSET;
	if (res_offset < first)
		return SANLK_RINDEX_OFFSET;
	idx = (res_offset - first) / align_size;
	if (idx > UINT32_MAX)
		return SANLK_RINDEX_OFFSET;
	*i = (uint32_t)idx;
	return 0;
}
