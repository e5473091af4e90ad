/*
 * tests/unit/test_log_utc.c - the date and time at the start of every log
 * line (common/log.c, spec/cli.md §2.7): local time by default, UTC after
 * log_set_utc(1) (the daemon's logfile_use_utc=1, §2.12), both through
 * log_format_line and through a sink fed by log_msg.  TZ is set to a zone
 * that is never UTC (EST5EDT: 4 or 5 hours behind) so the two differ.
 * Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/log.h"

/* Largest gap between our own clock reading and the line's (the test
 * may be descheduled between them); far below the 4-5 h zone offset. */
#define SLACK_SECONDS 60

static char sink_line[LOG_LINE_MAX + 64];

static void test_sink(int level, const char *line, size_t len)
{
	(void)level;
	if (len >= sizeof(sink_line))
		len = sizeof(sink_line) - 1;
	memcpy(sink_line, line, len);
	sink_line[len] = '\0';
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "EST5EDT", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_set_utc(0);
	log_set_sink(NULL);
	return 0;
}

/* "YYYY-MM-DD HH:MM:SS ..." read as if it were UTC: seconds since the
 * epoch of the wall-clock time printed. */
static time_t line_wall_seconds(const char *line)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(line, "%Y-%m-%d %H:%M:%S ", &tm);
	assert_non_null(end);
	return timegm(&tm);
}

/* Offset of local time from UTC now, in seconds (negative west). */
static long local_offset(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return tm.tm_gmtoff;
}

static void assert_near(time_t got, time_t want)
{
	long d = (long)(got - want);

	if (d < -SLACK_SECONDS || d > SLACK_SECONDS)
		fail_msg("line time %ld, expected %ld (diff %ld s)", (long)got,
			 (long)want, d);
}

static void test_zone_is_not_utc(void **state)
{
	(void)state;
	/* EST5EDT is 5 h (winter) or 4 h (summer) behind UTC. */
	assert_true(local_offset() == -5 * 3600 || local_offset() == -4 * 3600);
}

static void test_default_local(void **state)
{
	char buf[LOG_LINE_MAX];
	time_t now;

	(void)state;
	log_set_utc(0);
	now = time(NULL);
	assert_true(log_format_line(buf, sizeof(buf), "hello") > 0);
	assert_non_null(strstr(buf, "]: hello"));
	assert_near(line_wall_seconds(buf), now + local_offset());
}

static void test_utc(void **state)
{
	char buf[LOG_LINE_MAX];
	time_t now;

	(void)state;
	log_set_utc(1);
	now = time(NULL);
	assert_true(log_format_line(buf, sizeof(buf), "hello") > 0);
	assert_near(line_wall_seconds(buf), now);
	/* and back */
	log_set_utc(0);
	now = time(NULL);
	assert_true(log_format_line(buf, sizeof(buf), "hello") > 0);
	assert_near(line_wall_seconds(buf), now + local_offset());
}

static void test_utc_through_sink(void **state)
{
	time_t now;

	(void)state;
	log_set_sink(test_sink);
	log_set_utc(1);
	now = time(NULL);
	log_msg(LOG_WARNING, "sink %d", 7);
	assert_non_null(strstr(sink_line, "]: sink 7\n"));
	assert_near(line_wall_seconds(sink_line), now);

	log_set_utc(0);
	now = time(NULL);
	log_msg(LOG_WARNING, "sink %d", 8);
	assert_non_null(strstr(sink_line, "]: sink 8\n"));
	assert_near(line_wall_seconds(sink_line), now + local_offset());
	log_set_sink(NULL);
}

/* log_set_utc takes any non-zero value as "on", as the config key. */
static void test_nonzero_is_on(void **state)
{
	char buf[LOG_LINE_MAX];
	time_t now;

	(void)state;
	log_set_utc(2);
	now = time(NULL);
	assert_true(log_format_line(buf, sizeof(buf), "x") > 0);
	assert_near(line_wall_seconds(buf), now);
	log_set_utc(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zone_is_not_utc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utc_through_sink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonzero_is_on, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
