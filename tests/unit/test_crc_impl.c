/*
 * test_crc_impl.c - unit tests of the two implementations behind
 * ondisk_checksum (ondisk/ondisk_crc.c, spec/ondisk.md section 5): the
 * portable table update and the SSE4.2 crc32 instruction update must be
 * bit-identical to a bitwise reference of sanlock's CRC-32C variant for
 * every length, alignment and starting register, and ondisk_checksum must
 * give the check values whichever one it picked on this CPU.
 *
 * Test code; single-threaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ondisk/ondisk.h"
#include "ondisk/ondisk_crc.h"

#define T_MAX_LEN   600       /* longer than any checksummed range (168) */
#define T_MAX_SHIFT 8         /* start offsets 0..7: every alignment */
#define T_INIT      0xFFFFFFFEu

/* Bit by bit, straight from the definition: reflected, poly 0x82F63B78. */
static uint32_t t_ref_update(uint32_t crc, const uint8_t *p, size_t len)
{
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return crc;
}

static uint32_t t_rand_state = 0x2545F491u;

static uint32_t t_rand(void)
{
	/* xorshift32: deterministic, so a failure is reproducible */
	t_rand_state ^= t_rand_state << 13;
	t_rand_state ^= t_rand_state >> 17;
	t_rand_state ^= t_rand_state << 5;
	return t_rand_state;
}

static void t_fill(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)t_rand();
}

static void crc_check_values(void **state)
{
	static const uint8_t zero[168];

	(void)state;
	/* spec/ondisk.md section 5 check value, and the zero-block values
	 * test_ondisk.c pins for the portable path */
	assert_int_equal(ondisk_checksum("123456789", 9), 0xE8C7BB34u);
	assert_int_equal(ondisk_crc_update_sw(T_INIT, "123456789", 9),
			 0xE8C7BB34u);
	assert_int_equal(ondisk_checksum(zero, 168), 0x7E11FBD1u);
	assert_int_equal(ondisk_checksum(zero, 48), 0xCB5AD842u);
	assert_int_equal(ondisk_checksum(zero, 0), T_INIT);
#if ONDISK_CRC_HAVE_HW
	if (ondisk_crc_hw_usable()) {
		assert_int_equal(ondisk_crc_update_hw(T_INIT, "123456789", 9),
				 0xE8C7BB34u);
		assert_int_equal(ondisk_crc_update_hw(T_INIT, zero, 168),
				 0x7E11FBD1u);
		assert_int_equal(ondisk_crc_update_hw(T_INIT, zero, 0), T_INIT);
	}
#endif
}

static void crc_sw_matches_reference(void **state)
{
	uint8_t buf[T_MAX_LEN + T_MAX_SHIFT];
	size_t len, sh;

	(void)state;
	t_fill(buf, sizeof(buf));
	for (len = 0; len <= T_MAX_LEN; len++) {
		for (sh = 0; sh < T_MAX_SHIFT; sh++) {
			uint32_t init = (sh & 1) ? t_rand() : T_INIT;

			assert_int_equal(ondisk_crc_update_sw(init, buf + sh, len),
					 t_ref_update(init, buf + sh, len));
		}
	}
}

static void crc_hw_matches_reference(void **state)
{
#if ONDISK_CRC_HAVE_HW
	uint8_t buf[T_MAX_LEN + T_MAX_SHIFT];
	size_t len, sh;
	int round;

	(void)state;
	if (!ondisk_crc_hw_usable()) {
		skip();
		return;
	}
	/* a few fillings, so that every word value pattern is exercised */
	for (round = 0; round < 4; round++) {
		if (round == 1)
			memset(buf, 0xFF, sizeof(buf));
		else if (round == 2)
			memset(buf, 0, sizeof(buf));
		else
			t_fill(buf, sizeof(buf));
		for (len = 0; len <= T_MAX_LEN; len++) {
			for (sh = 0; sh < T_MAX_SHIFT; sh++) {
				uint32_t init = (sh & 1) ? t_rand() : T_INIT;
				uint32_t want = t_ref_update(init, buf + sh, len);

				assert_int_equal(ondisk_crc_update_hw(init, buf + sh,
								      len), want);
				assert_int_equal(ondisk_crc_update_sw(init, buf + sh,
								      len), want);
			}
		}
	}
#else
	(void)state;
	skip();
#endif
}

/* Chaining: the register carries over between pieces in both. */
static void crc_pieces_chain(void **state)
{
	uint8_t buf[T_MAX_LEN];
	size_t cut;

	(void)state;
	t_fill(buf, sizeof(buf));
	for (cut = 0; cut <= sizeof(buf); cut += 13) {
		uint32_t want = t_ref_update(T_INIT, buf, sizeof(buf));
		uint32_t sw = ondisk_crc_update_sw(T_INIT, buf, cut);

		sw = ondisk_crc_update_sw(sw, buf + cut, sizeof(buf) - cut);
		assert_int_equal(sw, want);
#if ONDISK_CRC_HAVE_HW
		if (ondisk_crc_hw_usable()) {
			uint32_t hw = ondisk_crc_update_hw(T_INIT, buf, cut);

			hw = ondisk_crc_update_hw(hw, buf + cut,
						  sizeof(buf) - cut);
			assert_int_equal(hw, want);
		}
#endif
	}
}

/* What every record checksum goes through, on records of each kind's
 * length (leader 168, dblock 48, message record 52) at every offset. */
static void crc_checksum_is_reference(void **state)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 31, 32, 33, 48, 52, 168, 512 };
	uint8_t buf[512 + T_MAX_SHIFT];
	size_t i, sh;

	(void)state;
	t_fill(buf, sizeof(buf));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (sh = 0; sh < T_MAX_SHIFT; sh++)
			assert_int_equal(ondisk_checksum(buf + sh, lens[i]),
					 t_ref_update(T_INIT, buf + sh, lens[i]));
	}
	/* the mode is decided once and stays */
	assert_int_equal(ondisk_crc_hw_usable(), ondisk_crc_hw_usable());
	print_message("# ondisk_checksum uses the %s implementation\n",
		      ondisk_crc_hw_usable() ? "SSE4.2" : "portable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_values),
		cmocka_unit_test(crc_sw_matches_reference),
		cmocka_unit_test(crc_hw_matches_reference),
		cmocka_unit_test(crc_pieces_chain),
		cmocka_unit_test(crc_checksum_is_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
