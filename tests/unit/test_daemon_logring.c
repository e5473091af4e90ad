/*
 * tests/unit/test_daemon_logring.c - the in-memory debug log behind
 * `client log_dump` (daemon/logring.c, spec/cli.md §3.4): lines kept with
 * '\n' separators, the last '\n' not returned, oldest-first dumps after
 * wrapping (possibly starting mid-line), over-long lines.  Single-threaded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/logring.h"

static void test_empty_and_lines(void **state)
{
	struct logring r;
	char out[64];

	(void)state;
	assert_int_equal(logring_init(&r, 64), 0);
	assert_int_equal(logring_used(&r), 0);
	assert_int_equal(logring_dump(&r, out, sizeof(out)), 0);
	logring_append(&r, "one", 3);
	assert_int_equal(logring_used(&r), 3);
	logring_append(&r, "two", 3);
	assert_int_equal(logring_dump(&r, out, sizeof(out)), 7);
	assert_memory_equal(out, "one\ntwo", 7);
	logring_free(&r);
}

static void test_wrap(void **state)
{
	struct logring r;
	char out[16];
	size_t n;

	(void)state;
	assert_int_equal(logring_init(&r, 10), 0);
	logring_append(&r, "abcd", 4);        /* "abcd\n" */
	logring_append(&r, "efgh", 4);        /* "abcd\nefgh\n" full */
	n = logring_dump(&r, out, sizeof(out));
	assert_int_equal(n, 9);
	assert_memory_equal(out, "abcd\nefgh", 9);
	logring_append(&r, "ij", 2);          /* overwrites "abc" */
	n = logring_dump(&r, out, sizeof(out));
	assert_int_equal(n, 9);
	/* oldest byte first, mid-line */
	assert_memory_equal(out, "d\nefgh\nij", 9);
	logring_free(&r);
}

static void test_long_line(void **state)
{
	struct logring r;
	char line[25], out[16];

	(void)state;
	for (int i = 0; i < 25; i++)
		line[i] = (char)('a' + i);
	assert_int_equal(logring_init(&r, 8), 0);
	logring_append(&r, line, sizeof(line));
	/* Only the tail survives: 7 last letters of the line, then '\n'. */
	assert_int_equal(logring_dump(&r, out, sizeof(out)), 7);
	assert_memory_equal(out, "stuvwxy", 7);
	logring_free(&r);
}

static void test_bounded_dump(void **state)
{
	struct logring r;
	char out[4];

	(void)state;
	assert_int_equal(logring_init(&r, LOGRING_SIZE), 0);
	for (int i = 0; i < 100000; i++) {
		char l[64];
		int n = snprintf(l, sizeof(l), "line %d", i);

		logring_append(&r, l, (size_t)n);
	}
	assert_int_equal(logring_used(&r), LOGRING_SIZE - 1);
	assert_int_equal(logring_dump(&r, out, sizeof(out)), 4);
	logring_free(&r);
	assert_int_equal(logring_init(&r, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_lines),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_bounded_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
