/*
 * tests/unit/test_daemon_helper.c - pure parts of the daemon's helper and
 * start-up: kill-path argument splitting (daemon/helper_args.c,
 * spec/algorithms.md §10.2, with the examples observed on 3.8.5) and host
 * name composition (daemon/hostname.c, cli.md §2.6).  Single-threaded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/helper.h"
#include "daemon/hostname.h"

static int split(const char *args, int append_pid, char *argv[])
{
	static char store[512];

	return helper_build_argv("/bin/prog", args, append_pid, 4242, store,
				 sizeof(store), argv);
}

static void test_split_observed(void **state)
{
	char *argv[HELPER_ARGV_MAX + 1];
	int n;

	(void)state;
	/* Request path (no pid): "a\ b  c\\d e<TAB>f g\qh i". */
	n = split("a\\ b  c\\\\d e\tf g\\qh i", 0, argv);
	assert_int_equal(n, 6);
	assert_string_equal(argv[0], "/bin/prog");
	assert_string_equal(argv[1], "a b");
	assert_string_equal(argv[2], "c\\d");
	assert_string_equal(argv[3], "e");
	assert_string_equal(argv[4], "f");
	assert_string_equal(argv[5], "g");
	assert_null(argv[6]);
	/* Failure path with the pid: "x\ y z". */
	n = split("x\\ y z", 1, argv);
	assert_int_equal(n, 4);
	assert_string_equal(argv[1], "x y");
	assert_string_equal(argv[2], "z");
	assert_string_equal(argv[3], "4242");
	assert_null(argv[4]);
}

static void test_split_limits(void **state)
{
	char *argv[HELPER_ARGV_MAX + 1];
	int n;

	(void)state;
	n = split("", 0, argv);
	assert_int_equal(n, 1);
	n = split("   ", 1, argv);
	assert_int_equal(n, 2);
	assert_string_equal(argv[1], "4242");
	/* At most 8 entries including argv[0]; no room for the pid. */
	n = split("1 2 3 4 5 6 7 8 9", 1, argv);
	assert_int_equal(n, HELPER_ARGV_MAX);
	assert_string_equal(argv[7], "7");
	assert_null(argv[8]);
	/* Non-printable and trailing backslash stop parsing. */
	n = split("ab\x01" "cd ef", 0, argv);
	assert_int_equal(n, 2);
	assert_string_equal(argv[1], "ab");
	n = split("ab cd\\", 0, argv);
	assert_int_equal(n, 3);
	assert_string_equal(argv[2], "cd");
	n = split("\xc3\xa9t\xc3\xa9", 0, argv);
	assert_int_equal(n, 1);
}

static void test_hostname(void **state)
{
	unsigned char b[16];
	char uuid[HOSTNAME_UUID_LEN + 1];
	char name[SANLK_NAME_LEN + 1];
	char node[65];

	(void)state;
	memset(b, 0xff, sizeof(b));
	hostname_uuid_format(uuid, b);
	assert_string_equal(uuid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	hostname_compose(name, NULL, uuid, "vm");
	assert_string_equal(name, "ffffffff-ffff-4fff-bfff-ffffffffffff.vm");
	/* 36 + 1 + up to 11 node characters fit in 48. */
	hostname_compose(name, "", uuid, "abcdefghijklmnop");
	assert_int_equal(strlen(name), 48);
	assert_string_equal(name + 37, "abcdefghijk");
	/* A configured name wins and is cut to 48. */
	hostname_compose(name,
		"0123456789012345678901234567890123456789012345678901", uuid,
		"vm");
	assert_string_equal(name,
		"012345678901234567890123456789012345678901234567");
	/* A generated name: UUID, '.', the node name (cut to fit). */
	assert_int_equal(hostname_choose(name, NULL, node), 0);
	assert_int_equal(name[36], '.');
	assert_int_equal(strncmp(name + 37, node, strlen(name + 37)), 0);
	assert_true(strlen(name + 37) == strlen(node) ||
		    strlen(name) == SANLK_NAME_LEN);
	/* Each choice is a fresh UUID. */
	{
		char other[SANLK_NAME_LEN + 1];

		assert_int_equal(hostname_choose(other, NULL, node), 0);
		assert_memory_not_equal(name, other, HOSTNAME_UUID_LEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_observed),
		cmocka_unit_test(test_split_limits),
		cmocka_unit_test(test_hostname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
