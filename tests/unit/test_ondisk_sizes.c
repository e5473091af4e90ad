/*
 * test_ondisk_sizes.c - unit tests of ondisk/ sizes table and flags
 * (spec/ondisk.md 3.4, 6), record positions (4.1, 4.4, 6.1, 7), the
 * host_id bitmap (4.2) and name fields (1 item 4).  Single-threaded.
 */
#include <errno.h>

#include "ondisk_test_util.h"

#define M1 ONDISK_ALIGN_1M
#define M2 ONDISK_ALIGN_2M
#define M4 ONDISK_ALIGN_4M
#define M8 ONDISK_ALIGN_8M

static const struct {
	uint32_t ss, align, max_hosts, lfl, rhf, entries;
} table[5] = {
	{ 512,  M1, 2000, 0x10, 0x1, 16000 },
	{ 4096, M1, 250,  0x10, 0x1, 16000 },
	{ 4096, M2, 500,  0x20, 0x2, 32000 },
	{ 4096, M4, 1000, 0x40, 0x4, 64000 },
	{ 4096, M8, 2000, 0x80, 0x8, 128000 },
};

static void sizes_table(void **state)
{
	struct ondisk_sizes sz;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(ondisk_sizes_from_pair(table[i].ss, table[i].align, &sz), 0);
		assert_int_equal(sz.sector_size, table[i].ss);
		assert_int_equal(sz.align_size, table[i].align);
		assert_int_equal(sz.max_hosts, table[i].max_hosts);
		assert_int_equal(ondisk_lfl_align_flag(table[i].align), table[i].lfl);
		assert_int_equal(ondisk_rhf_align_flag(table[i].align), table[i].rhf);
		assert_int_equal(ondisk_align_from_rhf(table[i].rhf), table[i].align);
		assert_int_equal(ondisk_align_from_lfl(table[i].lfl), table[i].align);
		assert_int_equal(ondisk_rindex_capacity(&sz), table[i].entries);
		/* (2 + max_hosts) sectors fit in the area */
		assert_true((uint64_t)(2 + sz.max_hosts) * sz.sector_size <= sz.align_size);
	}
}

static void sizes_bad_pairs(void **state)
{
	struct ondisk_sizes sz;
	static const uint32_t bad[][2] = {
		{ 512, M2 }, { 512, M4 }, { 512, M8 }, { 1024, M1 },
		{ 4096, 0 }, { 0, 0 }, { 4096, 3 * M1 }, { 2048, M2 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ondisk_sizes_from_pair(bad[i][0], bad[i][1], &sz), -EINVAL);
	assert_int_equal(ondisk_lfl_align_flag(3 * M1), 0);
	assert_int_equal(ondisk_rhf_align_flag(0), 0);
	assert_int_equal(ondisk_align_from_rhf(0), 0);
	assert_int_equal(ondisk_align_from_rhf(0x10), 0);
	assert_int_equal(ondisk_align_from_lfl(LFL_SHORT_HOLD), 0);
}

static void sizes_default(void **state)
{
	struct ondisk_sizes sz;

	(void)state;
	assert_int_equal(ondisk_sizes_default(512, &sz), 0);
	assert_int_equal(sz.align_size, M1);
	assert_int_equal(sz.max_hosts, 2000);
	assert_int_equal(ondisk_sizes_default(4096, &sz), 0);
	assert_int_equal(sz.align_size, M8);
	assert_int_equal(sz.max_hosts, 2000);
	assert_int_equal(ondisk_sizes_default(1024, &sz), -EINVAL);
	assert_int_equal(ondisk_sizes_default(0, &sz), -EINVAL);
}

static void sizes_from_leader(void **state)
{
	struct ondisk_sizes sz;

	(void)state;
	assert_int_equal(ondisk_sizes_from_leader(4096, LFL_ALIGN_2M, &sz), 0);
	assert_int_equal(sz.align_size, M2);
	assert_int_equal(sz.max_hosts, 500);
	/* SHORT_HOLD does not disturb it */
	assert_int_equal(ondisk_sizes_from_leader(4096, LFL_ALIGN_4M | LFL_SHORT_HOLD, &sz), 0);
	assert_int_equal(sz.max_hosts, 1000);
	/* several bits: first of 1M, 2M, 4M, 8M */
	assert_int_equal(ondisk_sizes_from_leader(4096, LFL_ALIGN_8M | LFL_ALIGN_2M, &sz), 0);
	assert_int_equal(sz.align_size, M2);
	/* fallback with no ALIGN flag */
	assert_int_equal(ondisk_sizes_from_leader(512, 0, &sz), 0);
	assert_int_equal(sz.align_size, M1);
	assert_int_equal(sz.max_hosts, 2000);
	assert_int_equal(ondisk_sizes_from_leader(4096, LFL_SHORT_HOLD, &sz), 0);
	assert_int_equal(sz.align_size, M8);
	assert_int_equal(sz.max_hosts, 2000);
	/* errors */
	assert_int_equal(ondisk_sizes_from_leader(1024, LFL_ALIGN_1M, &sz), SANLK_LEADER_SECTORSIZE);
	assert_int_equal(ondisk_sizes_from_leader(0, 0, &sz), SANLK_LEADER_SECTORSIZE);
	assert_int_equal(ondisk_sizes_from_leader(512, LFL_ALIGN_2M, &sz), SANLK_ADDLS_SIZES);
	assert_int_equal(ondisk_sizes_from_leader(512, LFL_ALIGN_8M, &sz), SANLK_ADDLS_SIZES);
	/* sector size is checked before the pair */
	assert_int_equal(ondisk_sizes_from_leader(2048, LFL_ALIGN_2M, &sz), SANLK_LEADER_SECTORSIZE);
}

static void sizes_from_api_flags(void **state)
{
	struct ondisk_sizes sz;

	(void)state;
	memset(&sz, 0, sizeof(sz));
	assert_int_equal(ondisk_sizes_from_api_flags(0, &sz), 0);
	/* non-size bits alone: neither given */
	assert_int_equal(ondisk_sizes_from_api_flags(0x1 | 0x4 | 0x8, &sz), 0);
	assert_int_equal(ondisk_sizes_from_api_flags(0x010 | 0x100, &sz), 1);
	assert_int_equal(sz.sector_size, 512);
	assert_int_equal(sz.align_size, M1);
	assert_int_equal(sz.max_hosts, 2000);
	assert_int_equal(ondisk_sizes_from_api_flags(0x080 | 0x200 | 0x4, &sz), 1);
	assert_int_equal(sz.sector_size, 4096);
	assert_int_equal(sz.align_size, M8);
	assert_int_equal(ondisk_sizes_from_api_flags(0x040 | 0x200, &sz), 1);
	assert_int_equal(sz.max_hosts, 1000);
	/* one without the other */
	assert_int_equal(ondisk_sizes_from_api_flags(0x010, &sz), -EINVAL);
	assert_int_equal(ondisk_sizes_from_api_flags(0x200, &sz), -EINVAL);
	/* bad pair */
	assert_int_equal(ondisk_sizes_from_api_flags(0x020 | 0x100, &sz), -EINVAL);
	/* round trip */
	t_sizes(4096, M2, &sz);
	assert_int_equal(ondisk_api_flags(&sz), 0x020 | 0x200);
	t_sizes(512, M1, &sz);
	assert_int_equal(ondisk_api_flags(&sz), 0x010 | 0x100);
}

static void pow2(void **state)
{
	(void)state;
	assert_int_equal(ondisk_pow2_at_least(0), 1);
	assert_int_equal(ondisk_pow2_at_least(1), 1);
	assert_int_equal(ondisk_pow2_at_least(3), 4);
	assert_int_equal(ondisk_pow2_at_least(2002), 2048);
	assert_int_equal(ondisk_pow2_at_least(252), 256);
	assert_int_equal(ondisk_pow2_at_least(502), 512);
	assert_int_equal(ondisk_pow2_at_least(1002), 1024);
	assert_int_equal(ondisk_pow2_at_least(1024), 1024);
	assert_int_equal(ondisk_pow2_at_least(0x80000000u), 0x80000000u);
	assert_int_equal(ondisk_pow2_at_least(0x80000001u), 0);
}

static void positions(void **state)
{
	(void)state;
	assert_true(ondisk_delta_offset(0, 1, 512) == 0);
	assert_true(ondisk_delta_offset(0, 2, 512) == 512);
	assert_true(ondisk_delta_offset(1048576, 2000, 4096) == 1048576 + 1999 * 4096);
	assert_true(ondisk_dblock_offset(0, 1, 512) == 1024);
	assert_true(ondisk_dblock_offset(0, 1, 4096) == 8192);
	assert_true(ondisk_dblock_offset(0, 2, 512) == 1536);
	assert_true(ondisk_dblock_offset(0, 2000, 512) == 0xFA200);
	assert_true(ondisk_mblock_offset(1048576, 1, 512) == 1048576 + 1024 + 128);
	assert_true(ondisk_request_offset(1048576, 512) == 1048576 + 512);
	assert_true(ondisk_request_offset(0, 4096) == 4096);
	assert_true(ondisk_lvb_offset(0, 512) == 1025024);
	assert_true(ondisk_lvb_offset(0, 4096) == 8200192);
	/* no 32-bit overflow */
	assert_true(ondisk_delta_offset(1ull << 40, 2000, 4096) == (1ull << 40) + 1999ull * 4096);
}

static void rindex_positions(void **state)
{
	uint32_t i = 77;

	(void)state;
	assert_true(ondisk_rindex_entry_offset(1048576, 512, 0) == 1048576 + 512);
	assert_true(ondisk_rindex_entry_offset(1048576, 512, 8) == 1048576 + 1024);
	assert_true(ondisk_rindex_entry_offset(0, 4096, 64) == 8192);
	assert_true(ondisk_rindex_lease_offset(1048576, M1) == 2097152);
	assert_true(ondisk_rindex_res_offset(1048576, M1, 0) == 3145728);
	assert_true(ondisk_rindex_res_offset(2 * (uint64_t)M8, M8, 3) == 2ull * M8 + 5ull * M8);
	assert_int_equal(ondisk_rindex_res_index(1048576, M1, 3145728, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(ondisk_rindex_res_index(1048576, M1, 3145728 + 5ull * M1, &i), 0);
	assert_int_equal(i, 5);
	/* misaligned -> -277 (verified with the binary) */
	assert_int_equal(ondisk_rindex_res_index(1048576, M1, 3146240, &i), SANLK_RINDEX_OFFSET);
	/* before the first resource: an error (3.8.5 wrote the entry into
	 * the header sector instead) */
	assert_int_equal(ondisk_rindex_res_index(1048576, M1, 2097152, &i), SANLK_RINDEX_OFFSET);
	assert_int_equal(ondisk_rindex_res_index(1048576, M1, 0, &i), SANLK_RINDEX_OFFSET);
}

static void bitmap_positions(void **state)
{
	uint8_t bm[ONDISK_BITMAP_SIZE + 2];
	uint64_t h;

	(void)state;
	memset(bm, 0, sizeof(bm));
	ondisk_bitmap_set(bm, 1);
	assert_int_equal(bm[0], 0x01);
	ondisk_bitmap_set(bm, 2);
	assert_int_equal(bm[0], 0x03);
	ondisk_bitmap_set(bm, 8);
	assert_int_equal(bm[0], 0x83);
	ondisk_bitmap_set(bm, 9);
	assert_int_equal(bm[1], 0x01);
	ondisk_bitmap_set(bm, 2000);
	assert_int_equal(bm[249], 0x80);
	assert_true(ondisk_bitmap_test(bm, 1));
	assert_true(ondisk_bitmap_test(bm, 2000));
	assert_false(ondisk_bitmap_test(bm, 3));
	assert_false(ondisk_bitmap_test(bm, 1999));
	ondisk_bitmap_clear(bm, 2);
	assert_int_equal(bm[0], 0x81);
	ondisk_bitmap_clear(bm, 2000);
	assert_int_equal(bm[249], 0);
	/* host_id 2048 is the last bit; 0 and 2049 have none */
	ondisk_bitmap_set(bm, 2048);
	assert_int_equal(bm[255], 0x80);
	ondisk_bitmap_set(bm, 0);
	ondisk_bitmap_set(bm, 2049);
	assert_int_equal(bm[256], 0);
	assert_int_equal(bm[257], 0);
	assert_false(ondisk_bitmap_test(bm, 0));
	assert_false(ondisk_bitmap_test(bm, 2049));
	ondisk_bitmap_clear(bm, 0);
	/* every host_id maps to its own bit */
	memset(bm, 0, sizeof(bm));
	for (h = 1; h <= 2048; h++) {
		ondisk_bitmap_set(bm, h);
		assert_int_equal(bm[(h - 1) / 8], (uint8_t)((2u << ((h - 1) % 8)) - 1));
	}
	assert_true(t_all_zero(bm + 256, 2));
}

static void names(void **state)
{
	char f[ONDISK_NAME_LEN], s[ONDISK_NAME_LEN + 1];
	char n48[49], n60[61];

	(void)state;
	memset(f, 0x77, sizeof(f));
	ondisk_name_set(f, "LS");
	assert_int_equal(f[0], 'L');
	assert_int_equal(f[1], 'S');
	assert_true(t_all_zero((uint8_t *)f + 2, 46));

	memset(n48, 'n', 48); n48[48] = 0;
	memset(n60, 'n', 60); n60[60] = 0;
	ondisk_name_set(f, n60);         /* truncated to 48, no NUL */
	assert_memory_equal(f, n48, 48);
	ondisk_name_str(s, f);
	assert_string_equal(s, n48);
	assert_true(ondisk_name_eq(f, n48));
	assert_true(ondisk_name_eq(f, n60));

	/* residue after the NUL is dropped by name_str and ignored by eq */
	memcpy(f, "hostA\0tname\0", 12);
	memset(s, 0x77, sizeof(s));
	ondisk_name_str(s, f);
	assert_string_equal(s, "hostA");
	assert_true(t_all_zero((uint8_t *)s + 5, sizeof(s) - 5));
	assert_true(ondisk_name_eq(f, "hostA"));
	assert_false(ondisk_name_eq(f, "hostAtname"));
	assert_false(ondisk_name_eq(f, "host"));
	ondisk_name_set(f, "");
	assert_true(t_all_zero((uint8_t *)f, 48));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_table),
		cmocka_unit_test(sizes_bad_pairs),
		cmocka_unit_test(sizes_default),
		cmocka_unit_test(sizes_from_leader),
		cmocka_unit_test(sizes_from_api_flags),
		cmocka_unit_test(pow2),
		cmocka_unit_test(positions),
		cmocka_unit_test(rindex_positions),
		cmocka_unit_test(bitmap_positions),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
