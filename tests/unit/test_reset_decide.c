/*
 * tests/unit/test_reset_decide.c - sanlk-resetd's decisions for one host
 * event (reset/resetd_decide.c; spec/cli.md §5.1): which events are
 * requests, notices or other; the generation check; -w/-b/-R; "first"
 * reset and reboot; the reply bits.  Also the pieces both programs share:
 * event words, the 256-byte update message and the socket path
 * ($SANLK_RESETD_RUN_DIR).  Pure functions only.
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

#include "reset/reset_common.h"
#include "reset/resetd_decide.h"

static struct resetd_decide_in in_defaults(uint64_t event)
{
	struct resetd_decide_in in;

	memset(&in, 0, sizeof(in));
	in.event = event;
	in.use_watchdog = 1;
	return in;
}

static void test_kinds(void **state)
{
	struct resetd_decide_in in;
	struct resetd_plan p;

	(void)state;
	in = in_defaults(0);
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_OTHER);
	in = in_defaults(0x40);           /* someone else's application */
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_OTHER);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), 0);

	in = in_defaults(EVENT_RESETTING);
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_NOTICE);
	in = in_defaults(EVENT_RESETTING | EVENT_REBOOTING | 0x100);
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_NOTICE);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), 0);
	assert_false(p.set_used || p.arm_watchdog || p.schedule_reboot);

	/* request bits make it a request, whatever else is set */
	in = in_defaults(EVENT_RESET | EVENT_RESETTING);
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
}

static void test_reset_request(void **state)
{
	struct resetd_decide_in in;
	struct resetd_plan p;

	(void)state;
	/* first RESET: USED, arm; reply RESETTING once armed */
	in = in_defaults(EVENT_RESET);
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
	assert_true(p.want_reset);
	assert_false(p.want_reboot);
	assert_true(p.set_used);
	assert_true(p.arm_watchdog);
	assert_false(p.schedule_reboot);
	assert_false(p.ignore_reset || p.ignore_reboot);
	assert_int_equal(resetd_reply_bits(&p, 1, 0), EVENT_RESETTING);
	/* arming failed: no reply */
	assert_int_equal(resetd_reply_bits(&p, 0, 0), 0);

	/* a later RESET (another lockspace): USED again, no second arm,
	 * RESETTING */
	in.wd_armed = 1;
	resetd_decide(&in, &p);
	assert_true(p.set_used);
	assert_false(p.arm_watchdog);
	assert_int_equal(resetd_reply_bits(&p, 1, 0), EVENT_RESETTING);

	/* resource mode: no USED */
	in = in_defaults(EVENT_RESET);
	in.resource_mode = 1;
	resetd_decide(&in, &p);
	assert_false(p.set_used);
	assert_true(p.arm_watchdog);

	/* -w 0: the request is ignored entirely, no reply */
	in = in_defaults(EVENT_RESET);
	in.use_watchdog = 0;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
	assert_true(p.ignore_reset);
	assert_false(p.set_used || p.arm_watchdog);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), 0);
}

static void test_reboot_request(void **state)
{
	struct resetd_decide_in in;
	struct resetd_plan p;

	(void)state;
	/* REBOOT without -b 1: ignored, no reply */
	in = in_defaults(EVENT_REBOOT);
	resetd_decide(&in, &p);
	assert_true(p.ignore_reboot);
	assert_false(p.schedule_reboot || p.set_used || p.arm_watchdog);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), 0);

	/* with -b 1: scheduled once; REBOOTING; no USED for a reboot alone */
	in.sysrq_reboot = 1;
	resetd_decide(&in, &p);
	assert_false(p.ignore_reboot);
	assert_true(p.schedule_reboot);
	assert_false(p.set_used || p.arm_watchdog);
	assert_int_equal(resetd_reply_bits(&p, 0, 1), EVENT_REBOOTING);
	in.reboot_scheduled = 1;
	resetd_decide(&in, &p);
	assert_false(p.schedule_reboot);
	assert_int_equal(resetd_reply_bits(&p, 0, 1), EVENT_REBOOTING);

	/* both: both replies; a reset part ignored (-w 0) leaves REBOOTING */
	in = in_defaults(EVENT_RESET | EVENT_REBOOT);
	in.sysrq_reboot = 1;
	resetd_decide(&in, &p);
	assert_true(p.set_used && p.arm_watchdog && p.schedule_reboot);
	assert_int_equal(resetd_reply_bits(&p, 1, 1),
			 EVENT_RESETTING | EVENT_REBOOTING);
	in.use_watchdog = 0;
	resetd_decide(&in, &p);
	assert_true(p.ignore_reset);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), EVENT_REBOOTING);
	/* and -b 0 with a RESET|REBOOT: RESETTING only */
	in = in_defaults(EVENT_RESET | EVENT_REBOOT);
	resetd_decide(&in, &p);
	assert_true(p.ignore_reboot);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), EVENT_RESETTING);
}

static void test_generation(void **state)
{
	struct resetd_decide_in in;
	struct resetd_plan p;

	(void)state;
	in = in_defaults(EVENT_RESET);
	in.generation = 3;
	in.own_generation = 3;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
	/* for another incarnation: left alone */
	in.own_generation = 4;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_OLD_GENERATION);
	assert_false(p.set_used || p.arm_watchdog || p.schedule_reboot);
	assert_int_equal(resetd_reply_bits(&p, 1, 1), 0);
	/* generation 0 (any) or ours unknown: honoured */
	in.generation = 0;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
	in.generation = 3;
	in.own_generation = 0;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_REQUEST);
	/* notices are not filtered by generation */
	in = in_defaults(EVENT_RESETTING);
	in.generation = 9;
	in.own_generation = 1;
	resetd_decide(&in, &p);
	assert_int_equal(p.kind, RESETD_NOTICE);
}

static void test_words(void **state)
{
	char buf[64], small[8];

	(void)state;
	reset_event_words(EVENT_RESET, buf, sizeof(buf));
	assert_string_equal(buf, "reset ");
	reset_event_words(EVENT_RESET | EVENT_REBOOT, buf, sizeof(buf));
	assert_string_equal(buf, "reset reboot ");
	reset_event_words(EVENT_RESETTING | EVENT_REBOOTING, buf, sizeof(buf));
	assert_string_equal(buf, "resetting rebooting ");
	reset_event_words(0xf0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	reset_event_words(0xf, buf, sizeof(buf));
	assert_string_equal(buf, "reset resetting reboot rebooting ");
	reset_event_words(0xf, small, sizeof(small));
	assert_string_equal(small, "reset ");    /* truncated, terminated */
}

static void test_update_message(void **state)
{
	char msg[RESET_UPDATE_SIZE], cmd[RESET_CMD_MAX], name[RESET_UPDATE_SIZE];
	char longname[300];
	size_t i;

	(void)state;
	assert_int_equal(reset_update_format(msg, "reg", "ls1"), 0);
	assert_string_equal(msg, "reg ls1");
	for (i = strlen(msg); i < sizeof(msg); i++)
		assert_int_equal(msg[i], 0);
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), 0);
	assert_string_equal(cmd, "reg");
	assert_string_equal(name, "ls1");

	/* names may contain spaces: everything after the first one */
	assert_int_equal(reset_update_format(msg, "end", "a b"), 0);
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), 0);
	assert_string_equal(cmd, "end");
	assert_string_equal(name, "a b");

	assert_int_equal(reset_update_format(msg, "", "x"), -EINVAL);
	assert_int_equal(reset_update_format(msg, "reg", ""), -EINVAL);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(reset_update_format(msg, "reg", longname),
			 -ENAMETOOLONG);
	longname[RESET_UPDATE_SIZE - 5] = '\0';   /* "reg " + 251 + NUL */
	assert_int_equal(reset_update_format(msg, "reg", longname), 0);

	/* wrong sizes, no NUL, no space, a too long command */
	assert_int_equal(reset_update_format(msg, "reg", "ls1"), 0);
	assert_int_equal(reset_update_parse(msg, 255, cmd, sizeof(cmd), name,
					    sizeof(name)), -EINVAL);
	assert_int_equal(reset_update_parse(msg, 257, cmd, sizeof(cmd), name,
					    sizeof(name)), -EINVAL);
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), -EINVAL);
	memset(msg, 0, sizeof(msg));
	strcpy(msg, "regls1");
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), -EINVAL);
	strcpy(msg, " ls1");
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), -EINVAL);
	strcpy(msg, "averyveryverylongcommand ls1");
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), -EINVAL);
	/* an empty name parses (the daemon rejects it) */
	strcpy(msg, "clear ");
	assert_int_equal(reset_update_parse(msg, sizeof(msg), cmd, sizeof(cmd),
					    name, sizeof(name)), 0);
	assert_string_equal(name, "");
}

static void test_socket_path(void **state)
{
	char buf[128], tiny[8];
	char deep[200];

	(void)state;
	unsetenv(RESET_RUN_DIR_ENV);
	assert_int_equal(reset_sock_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/sanlk-resetd/sanlk-resetd.sock");
	setenv(RESET_RUN_DIR_ENV, "", 1);
	assert_string_equal(reset_run_dir(), "/run/sanlk-resetd");
	setenv(RESET_RUN_DIR_ENV, "/tmp/x", 1);
	assert_int_equal(reset_sock_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/tmp/x/sanlk-resetd.sock");
	assert_int_equal(reset_sock_path(tiny, sizeof(tiny)), -ENAMETOOLONG);
	assert_string_equal(tiny, "");
	/* must also fit a sockaddr_un (108 bytes) */
	memset(deep, 'd', sizeof(deep) - 1);
	deep[0] = '/';
	deep[sizeof(deep) - 1] = '\0';
	setenv(RESET_RUN_DIR_ENV, deep, 1);
	{
		char big[512];

		assert_int_equal(reset_sock_path(big, sizeof(big)),
				 -ENAMETOOLONG);
	}
	unsetenv(RESET_RUN_DIR_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_reset_request),
		cmocka_unit_test(test_reboot_request),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_update_message),
		cmocka_unit_test(test_socket_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
