/*
 * ondisk_test_util.h - helpers shared by the ondisk unit tests
 * (test_ondisk*.c): independent little-endian readers and an xxd-line
 * parser for the spec's test vectors.  Header-only (static functions) so it
 * is not linked into other unit-test binaries.  Test code, single thread.
 */
#ifndef ONDISK_TEST_UTIL_H
#define ONDISK_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ondisk/ondisk.h"

static inline uint16_t t_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t t_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t t_le64(const uint8_t *p)
{
	return (uint64_t)t_le32(p) | (uint64_t)t_le32(p + 4) << 32;
}

#define T_XXD_MAX_LINES 64

/*
 * Build the expected bytes of [base, base + len) from xxd -g1 lines
 * ("00100000: 10 20 ..."); lines outside the range are skipped, bytes not
 * covered by a line are zero (the spec omits all-zero lines).
 */
static inline void t_xxd_fill(uint8_t *exp, uint64_t base, size_t len,
			      const char *const *lines, int nlines)
{
	int l, k;

	assert_true(nlines <= T_XXD_MAX_LINES);
	memset(exp, 0, len);
	for (l = 0; l < nlines; l++) {
		char *end;
		uint64_t off = strtoull(lines[l], &end, 16);
		const char *s;

		assert_true(*end == ':');
		s = end + 1;
		for (k = 0; k < 16; k++) {
			unsigned long v = strtoul(s, &end, 16);

			assert_true(end != s);
			s = end;
			if (off + k >= base && off + k < base + len)
				exp[off + k - base] = (uint8_t)v;
		}
	}
}

/* Compare actual bytes of [base, base+len) with the xxd lines; on mismatch
 * print the first differing absolute offset. */
static inline void t_xxd_expect(const uint8_t *act, uint64_t base, size_t len,
				const char *const *lines, int nlines)
{
	uint8_t *exp = malloc(len);
	size_t i;

	assert_non_null(exp);
	t_xxd_fill(exp, base, len, lines, nlines);
	for (i = 0; i < len; i++) {
		if (exp[i] != act[i]) {
			print_error("offset 0x%llx: expected %02x, got %02x\n",
				    (unsigned long long)(base + i), exp[i], act[i]);
			break;
		}
	}
	free(exp);
	assert_true(i == len);
}

static inline int t_all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static inline void t_sizes(uint32_t ss, uint32_t align, struct ondisk_sizes *sz)
{
	assert_int_equal(ondisk_sizes_from_pair(ss, align, sz), 0);
}

#endif /* ONDISK_TEST_UTIL_H */
