/*
 * tests/unit/test_reset_opts.c - command lines of sanlk-reset and
 * sanlk-resetd (reset/reset_opts.c, reset/resetd_opts.c; spec/cli.md §5):
 * defaults, every option in short and long form, option permutation,
 * NAME:HOSTID and -i, every usage error in its order with its exact text,
 * and the strict value checks that are ours.  Pure parsing: nothing is
 * contacted.  getopt prints its own diagnostic on stderr for the unknown
 * option cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reset/reset_common.h"
#include "reset/reset_opts.h"
#include "reset/resetd_opts.h"

#define MAXARGS 80

static struct reset_opts ro;
static struct resetd_opts rdo;
static char errbuf[256];
static int errnl;

/* argv from a NULL-terminated list of strings (copied: getopt permutes). */
static char argstore[MAXARGS][128];
static char *argvv[MAXARGS + 1];

static int build_argv(const char *first, va_list ap)
{
	const char *s = first;
	int n = 0;

	snprintf(argstore[n], sizeof(argstore[n]), "%s", "prog");
	argvv[n] = argstore[n];
	n++;
	while (s) {
		assert_true(n < MAXARGS);
		snprintf(argstore[n], sizeof(argstore[n]), "%s", s);
		argvv[n] = argstore[n];
		n++;
		s = va_arg(ap, const char *);
	}
	argvv[n] = NULL;
	return n;
}

static int reset_parse(const char *first, ...)
{
	va_list ap;
	int argc;

	va_start(ap, first);
	argc = build_argv(first, ap);
	va_end(ap);
	return reset_opts_parse(argc, argvv, &ro, errbuf, sizeof(errbuf),
				&errnl);
}

static int resetd_parse(const char *first, ...)
{
	va_list ap;
	int argc;

	va_start(ap, first);
	argc = build_argv(first, ap);
	va_end(ap);
	return resetd_opts_parse(argc, argvv, &rdo, errbuf, sizeof(errbuf));
}

static void expect_error(int act, const char *text, int newline)
{
	assert_int_equal(act, RESET_ACT_ERROR);
	assert_string_equal(errbuf, text);
	assert_int_equal(errnl, newline);
}

/* ------------------------------------------------------------------ */

static void test_reset_defaults_and_targets(void **state)
{
	(void)state;
	assert_int_equal(reset_parse("reset", "ls1:2", "ls2:2000", NULL),
			 RESET_ACT_RUN);
	assert_int_equal(ro.cmd, RESET_CMD_RESET);
	assert_int_equal(ro.count, 2);
	assert_string_equal(ro.t[0].name, "ls1");
	assert_int_equal(ro.t[0].host_id, 2);
	assert_string_equal(ro.t[1].name, "ls2");
	assert_int_equal(ro.t[1].host_id, 2000);
	assert_int_equal(ro.use_watchdog, 1);
	assert_int_equal(ro.sysrq_reboot, 0);
	assert_int_equal(ro.resource_mode, 0);
	assert_int_equal(ro.native_timeout, 1);
	assert_int_equal(ro.debug, 0);
	assert_int_equal(ro.generation, 0);
	assert_int_equal(reset_request_bits(&ro), EVENT_RESET);

	/* NAME -i ID, options after the command (GNU permutation) */
	assert_int_equal(reset_parse("reset", "ls1", "-i", "7", "-g", "0x10",
				     NULL), RESET_ACT_RUN);
	assert_int_equal(ro.count, 1);
	assert_string_equal(ro.t[0].name, "ls1");
	assert_int_equal(ro.t[0].host_id, 7);
	assert_int_equal(ro.generation, 16);
	assert_true(ro.host_id_set && ro.generation_set);

	/* an explicit :ID wins over -i */
	assert_int_equal(reset_parse("-i", "7", "reset", "ls1:3", NULL),
			 RESET_ACT_RUN);
	assert_int_equal(ro.t[0].host_id, 3);

	/* -g is a C integer */
	assert_int_equal(reset_parse("-g", "010", "reset", "a:1", NULL),
			 RESET_ACT_RUN);
	assert_int_equal(ro.generation, 8);

	/* a 48-character name is allowed */
	assert_int_equal(reset_parse("reset",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh:1", NULL),
		RESET_ACT_RUN);
	assert_int_equal(strlen(ro.t[0].name), 48);
}

static void test_reset_all_options(void **state)
{
	(void)state;
	assert_int_equal(reset_parse("-w", "0", "-b", "1", "-R", "1",
				     "--native-timeout", "0", "-D", "reset",
				     "a:1", NULL), RESET_ACT_RUN);
	assert_int_equal(ro.use_watchdog, 0);
	assert_int_equal(ro.sysrq_reboot, 1);
	assert_int_equal(ro.resource_mode, 1);
	assert_int_equal(ro.native_timeout, 0);
	assert_int_equal(ro.debug, 1);
	assert_int_equal(reset_request_bits(&ro), EVENT_REBOOT);

	assert_int_equal(reset_parse("--watchdog", "1", "--sysrq-reboot", "1",
				     "--resource-mode", "0", "--debug-mode",
				     "--host-id", "5", "--generation", "9",
				     "--native-timeout", "90", "reset", "a",
				     NULL), RESET_ACT_RUN);
	assert_int_equal(reset_request_bits(&ro), EVENT_RESET | EVENT_REBOOT);
	assert_int_equal(ro.t[0].host_id, 5);
	assert_int_equal(ro.generation, 9);
	assert_int_equal(ro.native_timeout, 1);
	assert_int_equal(ro.debug, 1);

	assert_int_equal(reset_parse("-h", "reset", "a:1", NULL), RESET_ACT_HELP);
	assert_int_equal(reset_parse("--version", NULL), RESET_ACT_VERSION);
	/* acts when reached: a usage error before it wins */
	assert_int_equal(reset_parse("-x", "-h", NULL), RESET_ACT_USAGE);
}

static void test_reset_local_commands(void **state)
{
	(void)state;
	assert_int_equal(reset_parse("reg", "ls1", "ls2", NULL), RESET_ACT_RUN);
	assert_int_equal(ro.cmd, RESET_CMD_REG);
	assert_string_equal(ro.cmd_name, "reg");
	assert_int_equal(ro.count, 2);
	assert_string_equal(ro.t[1].name, "ls2");
	/* names of reg/end are whole strings: no host id */
	assert_int_equal(reset_parse("end", "a:b", NULL), RESET_ACT_RUN);
	assert_int_equal(ro.cmd, RESET_CMD_END);
	assert_string_equal(ro.t[0].name, "a:b");
	assert_int_equal(reset_parse("clear", "all", NULL), RESET_ACT_RUN);
	assert_int_equal(ro.cmd, RESET_CMD_CLEAR);
	/* -w 0 -b 0 only matters for reset */
	assert_int_equal(reset_parse("-w", "0", "reg", "x", NULL), RESET_ACT_RUN);
}

static void test_reset_usage_errors(void **state)
{
	char *many[RESET_MAX_LS + 4];
	char names[RESET_MAX_LS + 1][16];
	int i, argc;

	(void)state;
	assert_int_equal(reset_parse(NULL), RESET_ACT_USAGE);
	assert_int_equal(reset_parse("-x", NULL), RESET_ACT_USAGE);
	assert_int_equal(reset_parse("--bogus", "reset", "a:1", NULL),
			 RESET_ACT_USAGE);
	/* no short -t: --native-timeout is long only */
	assert_int_equal(reset_parse("-t", "0", "reset", "a:1", NULL),
			 RESET_ACT_USAGE);
	assert_int_equal(reset_parse("reset", "a:1", "-i", NULL),
			 RESET_ACT_USAGE);

	expect_error(reset_parse("-D", NULL), "command is required", 1);
	expect_error(reset_parse("reset", NULL), "lockspace_name is required", 1);
	/* lockspace_name is checked before the command name */
	expect_error(reset_parse("foo", NULL), "lockspace_name is required", 1);
	expect_error(reset_parse("foo", "a", NULL), "unknown command", 1);
	expect_error(reset_parse("-i", "2", "reset", "a", "b", NULL),
		     "-i and -g options are only allowed with a single "
		     "lockspace_name", 1);
	expect_error(reset_parse("-g", "1", "reg", "a", "b", NULL),
		     "-i and -g options are only allowed with a single "
		     "lockspace_name", 1);
	expect_error(reset_parse("reset", "ls1", NULL), "invalid host_id 0", 0);
	expect_error(reset_parse("reset", "ls1:0", NULL), "invalid host_id 0", 0);
	expect_error(reset_parse("reset", "ls1:2001", NULL),
		     "invalid host_id 2001", 0);
	expect_error(reset_parse("reset", "ls1:", NULL), "invalid host_id ", 0);
	expect_error(reset_parse("reset", "ls1:1x", NULL),
		     "invalid host_id 1x", 0);
	expect_error(reset_parse("reset", "ls1:-1", NULL),
		     "invalid host_id -1", 0);
	expect_error(reset_parse("-i", "x", "reset", "ls1", NULL),
		     "invalid host_id x", 0);
	expect_error(reset_parse("-i", "2001", "reset", "ls1", NULL),
		     "invalid host_id 2001", 0);
	/* the first bad target stops parsing */
	expect_error(reset_parse("reset", "a:1", "b:0", "c:x", NULL),
		     "invalid host_id 0", 0);
	expect_error(reset_parse("reset", ":1", NULL),
		     "lockspace_name is required", 1);
	expect_error(reset_parse("reset",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghi:1", NULL),
		"lockspace_name too long (max 48): "
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghi:1", 1);
	expect_error(reset_parse("reg", "", NULL),
		     "lockspace_name is required", 1);
	expect_error(reset_parse("-w", "2", "reset", "a:1", NULL),
		     "invalid -w value '2' (0 or 1)", 1);
	expect_error(reset_parse("-b", "", "reset", "a:1", NULL),
		     "invalid -b value '' (0 or 1)", 1);
	expect_error(reset_parse("-R", "1 ", "reset", "a:1", NULL),
		     "invalid -R value '1 ' (0 or 1)", 1);
	expect_error(reset_parse("-g", "-1", "reset", "a:1", NULL),
		     "invalid generation '-1'", 1);
	expect_error(reset_parse("-g", "0x", "reset", "a:1", NULL),
		     "invalid generation '0x'", 1);
	expect_error(reset_parse("--native-timeout", "x", "reset", "a:1", NULL),
		     "invalid --native-timeout value 'x' (a number of seconds; "
		     "0 disables)", 1);
	expect_error(reset_parse("-w", "0", "-b", "0", "reset", "a:1", NULL),
		     "nothing to ask for: -w 0 and -b 0", 1);

	/* 64 names are fine, 65 are too many (checked before the names) */
	many[0] = (char *)"prog";
	many[1] = (char *)"reset";
	for (i = 0; i <= RESET_MAX_LS; i++) {
		snprintf(names[i], sizeof(names[i]), "l%d:%d", i, i + 1);
		many[i + 2] = names[i];
	}
	argc = RESET_MAX_LS + 2;
	many[argc] = NULL;
	assert_int_equal(reset_opts_parse(argc, many, &ro, errbuf,
					  sizeof(errbuf), &errnl),
			 RESET_ACT_RUN);
	assert_int_equal(ro.count, RESET_MAX_LS);
	snprintf(names[RESET_MAX_LS], sizeof(names[0]), "bad");
	many[argc++] = names[RESET_MAX_LS];
	many[argc] = NULL;
	expect_error(reset_opts_parse(argc, many, &ro, errbuf, sizeof(errbuf),
				      &errnl), "too many lockspaces (max 64)", 1);
}

static void test_resetd_options(void **state)
{
	int i;

	(void)state;
	assert_int_equal(resetd_parse(NULL), RESETD_ACT_RUN);
	assert_int_equal(rdo.foreground, 0);
	assert_int_equal(rdo.debug, 0);
	assert_int_equal(rdo.use_watchdog, 1);
	assert_int_equal(rdo.sysrq_reboot, 0);
	assert_int_equal(rdo.sysrq_delay, 25);
	assert_int_equal(rdo.resource_mode, 0);
	assert_int_equal(rdo.name_count, 0);

	assert_int_equal(resetd_parse("-D", "ls1", "-w", "0", "-b", "1", "-d",
				      "0", "-R", "1", "ls2", NULL),
			 RESETD_ACT_RUN);
	assert_int_equal(rdo.debug, 1);
	assert_int_equal(rdo.foreground, 1);   /* -D implies it */
	assert_int_equal(rdo.use_watchdog, 0);
	assert_int_equal(rdo.sysrq_reboot, 1);
	assert_int_equal(rdo.sysrq_delay, 0);
	assert_int_equal(rdo.resource_mode, 1);
	assert_int_equal(rdo.name_count, 2);
	assert_string_equal(rdo.names[0], "ls1");
	assert_string_equal(rdo.names[1], "ls2");

	assert_int_equal(resetd_parse("--foreground", "--watchdog", "1",
				      "--sysrq-reboot", "0", "--sysrq-delay",
				      "86400", "--resource-mode", "0",
				      "--daemon-debug", NULL), RESETD_ACT_RUN);
	assert_int_equal(rdo.foreground, 1);
	assert_int_equal(rdo.debug, 1);
	assert_int_equal(rdo.sysrq_delay, 86400);

	assert_int_equal(resetd_parse("-h", NULL), RESETD_ACT_HELP);
	assert_int_equal(resetd_parse("--help", NULL), RESETD_ACT_HELP);
	assert_int_equal(resetd_parse("-V", NULL), RESETD_ACT_VERSION);
	assert_int_equal(resetd_parse("--version", NULL), RESETD_ACT_VERSION);
	assert_int_equal(resetd_parse("-x", NULL), RESETD_ACT_USAGE);
	assert_int_equal(resetd_parse("-d", NULL), RESETD_ACT_USAGE);

	assert_int_equal(resetd_parse("-w", "x", NULL), RESETD_ACT_ERROR);
	assert_string_equal(errbuf, "invalid -w value 'x' (0 or 1)");
	assert_int_equal(resetd_parse("-b", "2", NULL), RESETD_ACT_ERROR);
	assert_string_equal(errbuf, "invalid -b value '2' (0 or 1)");
	assert_int_equal(resetd_parse("-R", "-1", NULL), RESETD_ACT_ERROR);
	assert_string_equal(errbuf, "invalid -R value '-1' (0 or 1)");
	assert_int_equal(resetd_parse("-d", "86401", NULL), RESETD_ACT_ERROR);
	assert_string_equal(errbuf, "invalid -d value '86401' (seconds, 0-86400)");
	assert_int_equal(resetd_parse("-d", "1s", NULL), RESETD_ACT_ERROR);
	assert_int_equal(resetd_parse("", NULL), RESETD_ACT_ERROR);
	assert_string_equal(errbuf, "invalid lockspace_name '' (1-48 characters)");

	/* 65 names: 64 kept, the rest listed as ignored */
	argvv[0] = argstore[0];
	snprintf(argstore[0], sizeof(argstore[0]), "prog");
	for (i = 1; i <= RESET_MAX_LS + 2; i++) {
		snprintf(argstore[i], sizeof(argstore[i]), "n%d", i);
		argvv[i] = argstore[i];
	}
	argvv[i] = NULL;
	assert_int_equal(resetd_opts_parse(i, argvv, &rdo, errbuf,
					   sizeof(errbuf)), RESETD_ACT_RUN);
	assert_int_equal(rdo.name_count, RESET_MAX_LS);
	assert_string_equal(rdo.names[63], "n64");
	assert_int_equal(rdo.extra_count, 2);
	assert_string_equal(rdo.extra[0], "n65");
	assert_string_equal(rdo.extra[1], "n66");
}

static void test_strict_numbers(void **state)
{
	uint64_t v;
	int b;

	(void)state;
	assert_int_equal(reset_parse_u64("2000", 10, 1, 2000, &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(reset_parse_u64("0x7d0", 0, 1, 2000, &v), 0);
	assert_int_equal(v, 2000);
	assert_int_not_equal(reset_parse_u64("2001", 10, 1, 2000, &v), 0);
	assert_int_not_equal(reset_parse_u64("0", 10, 1, 2000, &v), 0);
	assert_int_not_equal(reset_parse_u64("", 10, 0, 9, &v), 0);
	assert_int_not_equal(reset_parse_u64(" 1", 10, 0, 9, &v), 0);
	assert_int_not_equal(reset_parse_u64("+1", 10, 0, 9, &v), 0);
	assert_int_not_equal(reset_parse_u64("99999999999999999999", 10, 0,
					     UINT64_MAX, &v), 0);
	assert_int_equal(reset_parse_u64("18446744073709551615", 10, 0,
					 UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(reset_parse_bool("0", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(reset_parse_bool("1", &b), 0);
	assert_int_equal(b, 1);
	assert_int_not_equal(reset_parse_bool("01", &b), 0);
	assert_int_not_equal(reset_parse_bool(NULL, &b), 0);
	assert_true(reset_name_ok("a"));
	assert_false(reset_name_ok(""));
	assert_false(reset_name_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_defaults_and_targets),
		cmocka_unit_test(test_reset_all_options),
		cmocka_unit_test(test_reset_local_commands),
		cmocka_unit_test(test_reset_usage_errors),
		cmocka_unit_test(test_resetd_options),
		cmocka_unit_test(test_strict_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
