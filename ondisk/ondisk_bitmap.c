/*
 * ondisk_bitmap.c - the host_id bitmap of a delta lease sector
 * (spec/ondisk.md section 4.2): host_id N is bit (N-1)%8 (LSB first) of
 * byte (N-1)/8; the bitmap is sector bytes 256..511 (2048 bits).
 * host_ids outside 1..2048 have no bit: set/clear ignore them and test
 * reports 0.
 *
 * Pure and stateless (operates on the caller's buffer); safe from any
 * thread.
 */
#include "ondisk/ondisk.h"

#define BITMAP_BITS ((uint64_t)ONDISK_BITMAP_SIZE * 8)

static int bitmap_pos(uint64_t host_id, uint32_t *byte, uint8_t *mask)
{
	if (host_id < 1 || host_id > BITMAP_BITS)
		return 0;
	*byte = (uint32_t)((host_id - 1) / 8);
	*mask = (uint8_t)(1u << ((host_id - 1) % 8));
	return 1;
}

void ondisk_bitmap_set(uint8_t *bitmap, uint64_t host_id)
{
	uint32_t byte;
	uint8_t mask;

	if (bitmap_pos(host_id, &byte, &mask))
		bitmap[byte] |= mask;
}

void ondisk_bitmap_clear(uint8_t *bitmap, uint64_t host_id)
{
	uint32_t byte;
	uint8_t mask;

	if (bitmap_pos(host_id, &byte, &mask))
		bitmap[byte] &= (uint8_t)~mask;
}

int ondisk_bitmap_test(const uint8_t *bitmap, uint64_t host_id)
{
	uint32_t byte;
	uint8_t mask;

	if (!bitmap_pos(host_id, &byte, &mask))
		return 0;
	return (bitmap[byte] & mask) != 0;
}
