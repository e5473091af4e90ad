/*
 * ondisk_positions.c - byte offsets of the records inside lockspace and
 * resource areas (spec/ondisk.md sections 4.1, 4.4, 6.1).
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>

#include "ondisk/ondisk.h"

/* host_id N's delta lease is sector N-1 of the lockspace area. */
uint64_t ondisk_delta_offset(uint64_t ls_offset, uint64_t host_id, uint32_t ss)
{
	assert(host_id >= 1);
	return ls_offset + (host_id - 1) * (uint64_t)ss;
}

/* host_id N's dblock is sector N+1 of the resource area. */
uint64_t ondisk_dblock_offset(uint64_t res_offset, uint64_t host_id, uint32_t ss)
{
	assert(host_id >= 1);
	return res_offset + (host_id + 1) * (uint64_t)ss;
}

uint64_t ondisk_mblock_offset(uint64_t res_offset, uint64_t host_id, uint32_t ss)
{
	return ondisk_dblock_offset(res_offset, host_id, ss) + ONDISK_MBLOCK_OFFSET;
}

uint64_t ondisk_request_offset(uint64_t res_offset, uint32_t ss)
{
	return res_offset + ss;
}

uint64_t ondisk_lvb_offset(uint64_t res_offset, uint32_t ss)
{
	return res_offset + (uint64_t)ONDISK_LVB_SECTOR * ss;
}
