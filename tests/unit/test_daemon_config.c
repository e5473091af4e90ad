/*
 * tests/unit/test_daemon_config.c - the daemon's settings helpers
 * (daemon/config.c): defaults of spec/cli.md §1.3 / §2.12, the dependent
 * defaults (worker bounds, kill grace under a lowered fire timeout,
 * Appendix C), debug_cmd values and the request-name table (Appendix B).
 * Single-threaded; no shared state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/config.h"

static void test_defaults(void **state)
{
	struct daemon_cfg c;

	(void)state;
	daemon_cfg_defaults(&c);
	daemon_cfg_finish(&c);
	assert_int_equal(c.quiet_fail, 1);
	assert_int_equal(c.debug_renew, 0);
	assert_int_equal(c.use_aio, 1);
	assert_int_equal(c.logfile_priority, 4);
	assert_int_equal(c.syslog_priority, 3);
	assert_int_equal(c.names_log_priority, 4);
	assert_int_equal(c.use_watchdog, 1);
	assert_int_equal(c.high_priority, 0);
	assert_int_equal(c.mlock_level, 1);
	assert_int_equal(c.sh_retries, 8);
	assert_int_equal(c.renewal_read_extend_sec, -1);
	assert_int_equal(c.write_init_io_timeout, 60);
	assert_int_equal(c.renewal_history_size, 180);
	assert_true(c.debug_cmds == 0xfffffffffe06ffffull);
	assert_int_equal(c.max_sectors_kb_num, 1024);
	assert_int_equal(c.max_worker_threads, 8);
	assert_int_equal(c.kill_grace_seconds, 40);
	assert_int_equal(c.io_timeout, 10);
	assert_int_equal(c.watchdog_fire_timeout, 60);
	assert_int_equal(c.privileged, 1);
	assert_string_equal(c.uname, "");
}

static void test_finish(void **state)
{
	struct daemon_cfg c;

	(void)state;
	daemon_cfg_defaults(&c);
	c.max_worker_threads = 1;             /* "values < 2 become 2" */
	daemon_cfg_finish(&c);
	assert_int_equal(c.max_worker_threads, 2);
	c.max_worker_threads = 100000;
	daemon_cfg_finish(&c);
	assert_int_equal(c.max_worker_threads, MAX_WORKER_THREADS_LIMIT);

	/* Lowered fire timeout, no configured grace (Appendix C). */
	daemon_cfg_defaults(&c);
	c.watchdog_fire_timeout = 45;
	daemon_cfg_finish(&c);
	assert_int_equal(c.kill_grace_seconds, 15);
	daemon_cfg_defaults(&c);
	c.watchdog_fire_timeout = 20;
	daemon_cfg_finish(&c);
	assert_int_equal(c.kill_grace_seconds, 0);
	/* A configured grace is kept. */
	daemon_cfg_defaults(&c);
	c.watchdog_fire_timeout = 20;
	c.kill_grace_seconds = 33;
	c.kill_grace_set = 1;
	daemon_cfg_finish(&c);
	assert_int_equal(c.kill_grace_seconds, 33);
	/* Nonsense timeouts fall back to the defaults. */
	daemon_cfg_defaults(&c);
	c.io_timeout = 0;
	c.watchdog_fire_timeout = -5;
	daemon_cfg_finish(&c);
	assert_int_equal(c.io_timeout, 10);
	assert_int_equal(c.watchdog_fire_timeout, 60);
}

static void test_debug_cmd(void **state)
{
	uint64_t m = DEF_DEBUG_CMDS;

	(void)state;
	/* cli.md §2.12 example: "debug_cmd = -status". */
	assert_int_equal(conf_debug_cmd(&m, "-status"), 0);
	assert_true(m == 0xfffffffffe06ffdfull);
	assert_int_equal(conf_debug_cmd(&m, "+status"), 0);
	assert_int_equal(conf_debug_cmd(&m, "+inq_lockspace"), 0);
	assert_true(m == (0xfffffffffe06ffffull | (1ull << 16)));
	assert_int_equal(conf_debug_cmd(&m, "-all"), 0);
	assert_true(m == 0);
	assert_int_equal(conf_debug_cmd(&m, "+rebuild_rindex"), 0);
	assert_true(m == 1ull << 40);
	assert_int_equal(conf_debug_cmd(&m, "+all"), 0);
	assert_true(m == ~0ull);
	assert_int_equal(conf_debug_cmd(&m, "status"), -EINVAL);
	assert_int_equal(conf_debug_cmd(&m, "+nosuch"), -EINVAL);
	assert_true(m == ~0ull);
}

static void test_cmd_names(void **state)
{
	(void)state;
	assert_string_equal(conf_cmd_name(1), "register");
	assert_string_equal(conf_cmd_name(12), "align");
	assert_string_equal(conf_cmd_name(29), "shutdown_wait");
	assert_string_equal(conf_cmd_name(40), "rebuild_rindex");
	assert_null(conf_cmd_name(0));
	assert_null(conf_cmd_name(64));
	assert_null(conf_cmd_name(0xffffffffu));
	for (uint32_t i = 1; i <= 40; i++)
		assert_int_equal(conf_cmd_number(conf_cmd_name(i)), (int)i);
	assert_int_equal(conf_cmd_number("all"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_debug_cmd),
		cmocka_unit_test(test_cmd_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
