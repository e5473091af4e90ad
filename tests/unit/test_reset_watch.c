/*
 * tests/unit/test_reset_watch.c - sanlk-reset's done / failure rules
 * (reset/reset_watch.c; spec/cli.md §5.2 steps 3-5): renewal counting,
 * replies only from the target, the host_status rule (DEAD with a reply
 * or -R 1), the native timeout rule (io_timeout 10 only, 90 s / 70 s,
 * --native-timeout 0), every failed state and "every lockspace failed",
 * and the exact messages.  Pure: time and samples are given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanlock.h"
#include "sanlock_admin.h"

#include "reset/reset_watch.h"

#define MAXMSG 16

static char msgs[MAXMSG][256];
static int errs[MAXMSG];
static int nmsg;

static void collect(void *arg, int error, const char *text)
{
	(void)arg;
	assert_true(nmsg < MAXMSG);
	snprintf(msgs[nmsg], sizeof(msgs[nmsg]), "%s", text);
	errs[nmsg++] = error;
}

static const struct reset_say say = { collect, NULL };

static int setup(void **state)
{
	(void)state;
	nmsg = 0;
	return 0;
}

static void expect_msgs(int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	assert_int_equal(nmsg, n);
	for (i = 0; i < n; i++) {
		const char *text = va_arg(ap, const char *);
		int err = va_arg(ap, int);

		assert_string_equal(msgs[i], text);
		assert_int_equal(errs[i], err);
	}
	va_end(ap);
	nmsg = 0;
}

static void live(struct reset_watch *w, uint64_t ts, uint32_t io)
{
	reset_watch_sample(w, 1, ts, 3, io, SANLK_HOST_LIVE);
}

static struct reset_policy policy(int resource_mode, int native)
{
	struct reset_policy p = { resource_mode, native, 1000 };

	return p;
}

/* ------------------------------------------------------------------ */

static void test_done_by_host_status(void **state)
{
	struct reset_watch w;
	struct reset_policy p = policy(0, 1);

	(void)state;
	reset_watch_init(&w, "ls1", 2);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1000, &say), RESET_WAIT);
	live(&w, 500, 1);
	assert_int_equal(w.renewals, 0);         /* baseline */
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1000, &say), RESET_WAIT);

	/* a reply from another host does not count */
	assert_int_equal(reset_watch_event(&w, EVENT_RESETTING, 3, 1002, &say), 0);
	/* request bits and foreign bits are not replies */
	assert_int_equal(reset_watch_event(&w, EVENT_RESET | 0x40, 2, 1002,
					   &say), 0);
	expect_msgs(0);
	assert_int_equal(reset_watch_sample(&w, 1, 502, 3, 1, SANLK_HOST_LIVE), 1);
	assert_int_equal(reset_watch_event(&w, EVENT_RESETTING, 2, 1004, &say),
			 EVENT_RESETTING);
	expect_msgs(1, "host resetting in ls ls1:2", 0);
	assert_int_equal(w.reply_time, 1004);
	assert_int_equal(w.reply_ts, 502);
	/* duplicates: announced once */
	assert_int_equal(reset_watch_event(&w, EVENT_RESETTING, 2, 1006, &say), 0);
	expect_msgs(0);

	/* renewals after a reply are no failure; FAIL is not DEAD */
	live(&w, 504, 1);
	live(&w, 506, 1);
	live(&w, 508, 1);
	live(&w, 510, 1);
	assert_int_equal(w.renewals, 5);
	reset_watch_sample(&w, 1, 510, 3, 1, SANLK_HOST_FAIL);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1020, &say), RESET_WAIT);
	expect_msgs(0);
	reset_watch_sample(&w, 1, 510, 3, 1, SANLK_HOST_DEAD);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1030, &say), RESET_DONE);
	expect_msgs(2, "host dead in ls ls1:2", 0,
		    "reset done by host_status in ls ls1:2", 0);
}

static void test_resource_mode_and_no_reply(void **state)
{
	struct reset_watch w;
	struct reset_policy p = policy(1, 1);

	(void)state;
	/* -R 1: DEAD is enough */
	reset_watch_init(&w, "ls1", 2);
	reset_watch_sample(&w, 1, 500, 3, 1, SANLK_HOST_DEAD);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1001, &say), RESET_DONE);
	expect_msgs(2, "host dead in ls ls1:2", 0,
		    "reset done by host_status in ls ls1:2", 0);

	/* without it, DEAD with no reply is a failure */
	p = policy(0, 1);
	reset_watch_init(&w, "ls1", 2);
	reset_watch_sample(&w, 1, 500, 3, 1, SANLK_HOST_DEAD);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1001, &say), RESET_FAILED);
	expect_msgs(1, "host is dead with no reply in ls ls1:2", 1);

	/* FREE with no reply; a missing entry counts as FREE */
	reset_watch_init(&w, "ls9", 7);
	reset_watch_sample(&w, 0, 0, 0, 0, 0);
	assert_int_equal(w.state, SANLK_HOST_FREE);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1001, &say), RESET_FAILED);
	expect_msgs(1, "host is free with no reply in ls ls9:7", 1);

	/* FREE after a reply: wait (the rules for replied hosts apply) */
	reset_watch_init(&w, "ls1", 2);
	live(&w, 500, 1);
	reset_watch_event(&w, EVENT_RESETTING, 2, 1002, &say);
	nmsg = 0;
	reset_watch_sample(&w, 1, 0, 3, 1, SANLK_HOST_FREE);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1010, &say), RESET_WAIT);
	expect_msgs(0);
	/* ... until 300 s after the start */
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1300, &say), RESET_WAIT);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1301, &say), RESET_FAILED);
	expect_msgs(1, "host watchdog reset failed in ls ls1:2", 1);
}

static void test_renewals_without_reply(void **state)
{
	struct reset_watch w;
	struct reset_policy p = policy(0, 1);
	uint64_t ts = 700;
	int i;

	(void)state;
	reset_watch_init(&w, "ls1", 2);
	live(&w, ts, 1);
	for (i = 1; i <= 3; i++) {
		live(&w, ts += 2, 1);
		live(&w, ts, 1);               /* unchanged: not counted */
		assert_int_equal(w.renewals, i);
		assert_int_equal(reset_watch_eval(&w, 1, &p, 1000 + i, &say),
				 RESET_WAIT);
	}
	expect_msgs(0);
	live(&w, ts += 2, 1);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1010, &say), RESET_FAILED);
	expect_msgs(1, "host renewals 4 with no reply in ls ls1:2", 1);
	/* a failed state is reported once */
	live(&w, ts += 2, 1);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1012, &say), RESET_FAILED);
	expect_msgs(0);
}

static void test_native_timeout(void **state)
{
	struct reset_watch w;
	struct reset_policy p = policy(0, 1);

	(void)state;
	reset_watch_init(&w, "ls1", 2);
	live(&w, 5000, 10);
	reset_watch_event(&w, EVENT_RESETTING, 2, 1020, &say);
	nmsg = 0;
	live(&w, 5070, 10);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1109, &say), RESET_WAIT);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1110, &say), RESET_DONE);
	expect_msgs(1, "reset done by native_timeout in ls ls1:2", 0);

	/* more than 70 s of renewals: the watchdog did not fire */
	live(&w, 5071, 10);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1110, &say), RESET_FAILED);
	expect_msgs(1, "watchdog failed to fire in ls ls1:2", 1);

	/* a timestamp that went back to 0 (released): failed too */
	reset_watch_sample(&w, 1, 0, 3, 10, SANLK_HOST_FREE);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1110, &say), RESET_FAILED);
	expect_msgs(1, "watchdog failed to fire in ls ls1:2", 1);

	/* --native-timeout 0: only the host_status rule */
	p = policy(0, 0);
	live(&w, 5071, 10);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1110, &say), RESET_WAIT);
	expect_msgs(0);

	/* not io_timeout 10: the rule does not apply */
	p = policy(0, 1);
	live(&w, 5072, 1);
	assert_int_equal(reset_watch_eval(&w, 1, &p, 1200, &say), RESET_WAIT);
	expect_msgs(0);
}

static void test_native_needs_every_target_at_io10(void **state)
{
	struct reset_watch w[2];
	struct reset_policy p = policy(0, 1);

	(void)state;
	reset_watch_init(&w[0], "a", 1);
	reset_watch_init(&w[1], "b", 2);
	live(&w[0], 100, 10);
	reset_watch_event(&w[0], EVENT_RESETTING, 1, 1000, &say);
	nmsg = 0;
	/* b not sampled yet: unknown io_timeout */
	assert_int_equal(reset_watch_eval(w, 2, &p, 1090, &say), RESET_WAIT);
	live(&w[1], 200, 20);
	assert_int_equal(reset_watch_eval(w, 2, &p, 1090, &say), RESET_WAIT);
	live(&w[1], 202, 10);
	assert_int_equal(reset_watch_eval(w, 2, &p, 1090, &say), RESET_DONE);
	expect_msgs(1, "reset done by native_timeout in ls a:1", 0);
}

static void test_several_lockspaces(void **state)
{
	struct reset_watch w[2];
	struct reset_policy p = policy(0, 1);

	(void)state;
	reset_watch_init(&w[0], "a", 2);
	reset_watch_init(&w[1], "b", 5);
	reset_watch_sample(&w[0], 1, 0, 0, 1, SANLK_HOST_FREE);
	live(&w[1], 10, 1);
	/* one failed, the other not: keep waiting */
	assert_int_equal(reset_watch_eval(w, 2, &p, 1001, &say), RESET_WAIT);
	expect_msgs(1, "host is free with no reply in ls a:2", 1);
	/* the other one lost: every lockspace failed */
	reset_watch_lost(&w[1], "event connection closed", &say);
	reset_watch_lost(&w[1], "event connection closed", &say);   /* once */
	expect_msgs(1, "event connection closed in ls b:5", 1);
	assert_int_equal(reset_watch_eval(w, 2, &p, 1002, &say), RESET_FAILED);
	expect_msgs(0);

	/* done in any lockspace is done, even if another failed */
	reset_watch_init(&w[0], "a", 2);
	reset_watch_init(&w[1], "b", 5);
	reset_watch_sample(&w[0], 1, 0, 0, 1, SANLK_HOST_FREE);
	live(&w[1], 10, 1);
	reset_watch_event(&w[1], EVENT_RESETTING | EVENT_REBOOTING, 5, 1003,
			  &say);
	reset_watch_sample(&w[1], 1, 10, 0, 1, SANLK_HOST_DEAD);
	assert_int_equal(reset_watch_eval(w, 2, &p, 1004, &say), RESET_DONE);
	expect_msgs(3, "host resetting rebooting in ls b:5", 0,
		    "host dead in ls b:5", 0,
		    "reset done by host_status in ls b:5", 0);

	/* nothing to watch is no verdict */
	assert_int_equal(reset_watch_eval(w, 0, &p, 1004, &say), RESET_WAIT);
}

static void test_reply_bits_separately(void **state)
{
	struct reset_watch w;

	(void)state;
	reset_watch_init(&w, "ls1", 2);
	live(&w, 10, 1);
	assert_int_equal(reset_watch_event(&w, EVENT_REBOOTING, 2, 1001, &say),
			 EVENT_REBOOTING);
	live(&w, 12, 1);
	assert_int_equal(reset_watch_event(&w, EVENT_RESETTING |
					   EVENT_REBOOTING, 2, 1003, &say),
			 EVENT_RESETTING);
	expect_msgs(2, "host rebooting in ls ls1:2", 0,
		    "host resetting in ls ls1:2", 0);
	/* the first reply's time and timestamp are kept */
	assert_int_equal(w.reply_time, 1001);
	assert_int_equal(w.reply_ts, 10);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(reset_state_name(SANLK_HOST_UNKNOWN), "UNKNOWN");
	assert_string_equal(reset_state_name(SANLK_HOST_FREE), "FREE");
	assert_string_equal(reset_state_name(SANLK_HOST_LIVE), "LIVE");
	assert_string_equal(reset_state_name(SANLK_HOST_FAIL), "FAIL");
	assert_string_equal(reset_state_name(SANLK_HOST_DEAD | 0x10), "DEAD");
	assert_string_equal(reset_state_name(0), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_done_by_host_status, setup),
		cmocka_unit_test_setup(test_resource_mode_and_no_reply, setup),
		cmocka_unit_test_setup(test_renewals_without_reply, setup),
		cmocka_unit_test_setup(test_native_timeout, setup),
		cmocka_unit_test_setup(test_native_needs_every_target_at_io10, setup),
		cmocka_unit_test_setup(test_several_lockspaces, setup),
		cmocka_unit_test_setup(test_reply_bits_separately, setup),
		cmocka_unit_test_setup(test_state_names, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
