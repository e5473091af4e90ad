/*
 * ondisk_sizes.c - the sector size / align size table (spec/ondisk.md
 * section 6.1), how sizes are encoded as LFL_ALIGN_* and RHF_ALIGN_* flags
 * (6.2), the legacy defaults and the no-ALIGN-flag fallback (3.4, 6.3),
 * and the API ALIGN/SECTOR flag pairs (spec/api.md "Valid ALIGN/SECTOR
 * combinations").
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "ondisk/ondisk.h"

/* API flag values shared by SANLK_RES_*, SANLK_LSF_* and SANLK_RIF_*
 * (spec/api.md); the ALIGN values equal the LFL_ALIGN_* values. */
#define API_ALIGN_1M   0x010u
#define API_ALIGN_2M   0x020u
#define API_ALIGN_4M   0x040u
#define API_ALIGN_8M   0x080u
#define API_ALIGN_MASK 0x0F0u
#define API_SECTOR512  0x100u
#define API_SECTOR4K   0x200u
#define API_SECTOR_MASK 0x300u

#define SIZES_TABLE_LEN 5
#define ALIGN_KINDS     4

static const struct ondisk_sizes sizes_table[SIZES_TABLE_LEN] = {
	{ 512,  ONDISK_ALIGN_1M, 2000 },
	{ 4096, ONDISK_ALIGN_1M, 250 },
	{ 4096, ONDISK_ALIGN_2M, 500 },
	{ 4096, ONDISK_ALIGN_4M, 1000 },
	{ 4096, ONDISK_ALIGN_8M, 2000 },
};

/* Align sizes with their leader and rindex flags, in decode order. */
static const struct {
	uint32_t align;
	uint32_t lfl;
	uint32_t rhf;
} align_flags[ALIGN_KINDS] = {
	{ ONDISK_ALIGN_1M, LFL_ALIGN_1M, RHF_ALIGN_1M },
	{ ONDISK_ALIGN_2M, LFL_ALIGN_2M, RHF_ALIGN_2M },
	{ ONDISK_ALIGN_4M, LFL_ALIGN_4M, RHF_ALIGN_4M },
	{ ONDISK_ALIGN_8M, LFL_ALIGN_8M, RHF_ALIGN_8M },
};

_Static_assert(API_ALIGN_1M == LFL_ALIGN_1M && API_ALIGN_8M == LFL_ALIGN_8M,
	       "API align flags equal leader align flags");

int ondisk_sizes_from_pair(uint32_t sector_size, uint32_t align_size,
			   struct ondisk_sizes *out)
{
	int i;

	assert(out);
	for (i = 0; i < SIZES_TABLE_LEN; i++) {
		if (sizes_table[i].sector_size == sector_size &&
		    sizes_table[i].align_size == align_size) {
			*out = sizes_table[i];
			return 0;
		}
	}
	return -EINVAL;
}

int ondisk_sizes_default(uint32_t sector_size, struct ondisk_sizes *out)
{
	assert(out);
	if (sector_size == 512)
		return ondisk_sizes_from_pair(512, ONDISK_ALIGN_1M, out);
	if (sector_size == 4096)
		return ondisk_sizes_from_pair(4096, ONDISK_ALIGN_8M, out);
	return -EINVAL;
}

int ondisk_sizes_from_leader(uint32_t sector_size, uint32_t lfl_flags,
			     struct ondisk_sizes *out)
{
	uint32_t align;

	assert(out);
	if (sector_size != 512 && sector_size != 4096)
		return SANLK_LEADER_SECTORSIZE;
	align = ondisk_align_from_lfl(lfl_flags);
	if (!align)
		align = (sector_size == 512) ? ONDISK_ALIGN_1M : ONDISK_ALIGN_8M;
	if (ondisk_sizes_from_pair(sector_size, align, out) < 0)
		return SANLK_ADDLS_SIZES;
	return 0;
}

int ondisk_sizes_from_api_flags(uint32_t flags, struct ondisk_sizes *out)
{
	uint32_t align, sector;

	assert(out);
	if (!(flags & API_ALIGN_MASK) && !(flags & API_SECTOR_MASK))
		return 0;
	if (!(flags & API_ALIGN_MASK) || !(flags & API_SECTOR_MASK))
		return -EINVAL;
	/* Several bits of one kind: the first in the order 1M..8M / 512, 4K
	 * is taken, as for leader flags (3.4). */
	align = ondisk_align_from_lfl(flags);
	sector = (flags & API_SECTOR512) ? 512 : 4096;
	if (ondisk_sizes_from_pair(sector, align, out) < 0)
		return -EINVAL;
	return 1;
}

uint32_t ondisk_align_from_lfl(uint32_t lfl_flags)
{
	int i;

	for (i = 0; i < ALIGN_KINDS; i++)
		if (lfl_flags & align_flags[i].lfl)
			return align_flags[i].align;
	return 0;
}

uint32_t ondisk_lfl_align_flag(uint32_t align_size)
{
	int i;

	for (i = 0; i < ALIGN_KINDS; i++)
		if (align_flags[i].align == align_size)
			return align_flags[i].lfl;
	return 0;
}

uint32_t ondisk_rhf_align_flag(uint32_t align_size)
{
	int i;

	for (i = 0; i < ALIGN_KINDS; i++)
		if (align_flags[i].align == align_size)
			return align_flags[i].rhf;
	return 0;
}

uint32_t ondisk_align_from_rhf(uint32_t rhf_flags)
{
	int i;

	for (i = 0; i < ALIGN_KINDS; i++)
		if (rhf_flags & align_flags[i].rhf)
			return align_flags[i].align;
	return 0;
}

uint32_t ondisk_api_flags(const struct ondisk_sizes *sz)
{
	assert(sz);
	return ondisk_lfl_align_flag(sz->align_size) |
	       (sz->sector_size == 512 ? API_SECTOR512 :
		sz->sector_size == 4096 ? API_SECTOR4K : 0);
}

/* Largest power of two that fits in 32 bits, reached in 31 doublings. */
#define POW2_MAX       0x80000000u
#define POW2_MAX_STEPS 31

uint32_t ondisk_pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	int steps = 0;

	if (n > POW2_MAX)
		return 0;
	while (p < n && steps < POW2_MAX_STEPS) {
		p <<= 1;
		steps++;
	}
	assert(p >= n);
	return p;
}
