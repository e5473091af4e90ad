/*
 * tests/unit/test_daemon_status.c - status record texts and reply framing
 * of the daemon (daemon/status.c, daemon/reply.c): the DAEMON and CLIENT
 * key=value texts in the exact key order of spec/cli.md §3.1 (compared with
 * what Debian's 3.8.5 daemon sends), the STATUS filters of api.md §8.7,
 * the 80-byte sanlk_state record layout and the reply header rules of
 * §8.2.  Single-threaded; no shared state.
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

#include "daemon/config.h"
#include "daemon/reply.h"
#include "daemon/status.h"

static void test_daemon_text(void **state)
{
	struct daemon_cfg cfg;
	struct status_daemon_rt rt = { 9974, 4, 0, 642, 649 };
	char buf[SANLK_STATE_MAXSTR];
	int n;

	(void)state;
	daemon_cfg_defaults(&cfg);
	daemon_cfg_finish(&cfg);
	snprintf(cfg.our_host_name, sizeof(cfg.our_host_name),
		 "682f8356-5d91-4632-892d-b98d9115590f.vm");
	cfg.use_watchdog = 0;
	cfg.mlock_level = 0;
	n = status_daemon_text(buf, sizeof(buf), &cfg, &rt);
	/* cli.md §3.1 example, as Debian's daemon sends it. */
	assert_string_equal(buf,
		"our_host_name=682f8356-5d91-4632-892d-b98d9115590f.vm "
		"use_watchdog=0 high_priority=0 mlock_level=0 quiet_fail=1 "
		"debug_renew=0 debug_clients=0 debug_cmds=0xfffffffffe06ffff "
		"renewal_history_size=180 gid=0 uid=0 sh_retries=8 "
		"max_sectors_kb_ignore=0 max_sectors_kb_align=0 "
		"max_sectors_kb_num=1024 max_worker_threads=8 "
		"write_init_io_timeout=60 use_aio=1 kill_grace_seconds=40 "
		"helper_pid=9974 helper_kill_fd=4 helper_full_count=0 "
		"helper_last_status=642 monotime=649 version_str=3.8.5 "
		"version_num=3.8.5 version_hex=03080500 smproto_hex=00000001");
	assert_int_equal(n, (int)strlen(buf));

	/* Extension keys only when they differ from 3.8.5's values. */
	cfg.watchdog_fire_timeout = 30;
	status_daemon_text(buf, sizeof(buf), &cfg, &rt);
	assert_non_null(strstr(buf, "use_aio=1 io_timeout=10 "
				    "watchdog_fire_timeout=30 kill_grace"));

	/* Truncation is safe. */
	n = status_daemon_text(buf, 10, &cfg, &rt);
	assert_int_equal(n, 9);
	assert_int_equal(strlen(buf), 9);
}

static void test_client_text(void **state)
{
	struct client_info ci;
	char buf[SANLK_STATE_MAXSTR];

	(void)state;
	memset(&ci, 0, sizeof(ci));
	ci.ci = 4;
	ci.fd = 12;
	ci.pid = -1;
	ci.restricted = 2;
	ci.cmd_last = 10;
	status_client_text(buf, sizeof(buf), &ci);
	assert_string_equal(buf,
		"ci=4 fd=12 pid=-1 flags=0 restricted=2 cmd_active=0 "
		"cmd_last=10 pid_dead=0 kill_count=0 kill_last=0 suspend=0 "
		"need_free=0");
}

static void test_filters(void **state)
{
	(void)state;
	assert_true(status_want_clients(0));
	assert_false(status_want_clients(1));
	assert_true(status_want_clients(2));
	assert_true(status_want_lockspaces(0));
	assert_false(status_want_lockspaces(2));
	assert_true(status_want_lockspaces(3));
	assert_true(status_want_resources(0));
	assert_false(status_want_resources(3));
	assert_true(status_want_resources(4));  /* unknown: everything */
}

static void test_state_record(void **state)
{
	struct reply r;
	struct sanlk_state st;
	char extra[16];

	(void)state;
	reply_init(&r, 4096);
	memset(extra, 0xab, sizeof(extra));
	assert_int_equal(reply_put_state(&r, SANLK_STATE_CLIENT, (uint32_t)-1,
					 7, "helper", 48, "ci=0", extra,
					 sizeof(extra)), 0);
	assert_int_equal(r.len, 80 + 5 + 16);
	memcpy(&st, r.buf, sizeof(st));
	assert_int_equal(st.type, SANLK_STATE_CLIENT);
	assert_int_equal(st.data32, 0xffffffffu);
	assert_int_equal(st.data64, 7);
	assert_int_equal(st.flags, 0);
	assert_int_equal(st.pad0, 0);
	assert_int_equal(st.pad1, 0);
	assert_int_equal(st.str_len, 5);        /* text + NUL */
	assert_string_equal(st.name, "helper");
	assert_memory_equal(r.buf + 80, "ci=0", 5);
	assert_memory_equal(r.buf + 85, extra, sizeof(extra));

	/* A full 48-byte name without NUL is copied whole. */
	reply_free(&r);
	reply_init(&r, 4096);
	assert_int_equal(reply_put_state(&r, SANLK_STATE_DAEMON, 0, 0,
		"0123456789012345678901234567890123456789012345678XYZ", 48,
		NULL, NULL, 0), 0);
	memcpy(&st, r.buf, sizeof(st));
	assert_memory_equal(st.name,
		"012345678901234567890123456789012345678901234567", 48);
	assert_int_equal(st.str_len, 0);

	/* The bound refuses a record whole. */
	r.max = r.len + 81;
	assert_int_equal(reply_put_state(&r, 1, 0, 0, "x", 48, "abc", NULL, 0),
			 -ENOSPC);
	assert_int_equal(r.len, 80);
	assert_true(r.overflow);
	reply_free(&r);
}

static void test_reply_header(void **state)
{
	struct sm_header req, h;
	struct reply r;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.magic = SM_MAGIC;
	req.version = 0x7;
	req.cmd = SM_CMD_ALIGN;
	req.cmd_flags = 0x5;
	req.seq = 9;
	req.length = 32 + 1040;
	req.data = 1;
	req.data2 = 0xffffffff;
	reply_init(&r, 64);
	assert_int_equal(reply_put_result(&r, &req, 1048576, 0), 0);
	memcpy(&h, r.buf, sizeof(h));
	assert_int_equal(h.magic, SM_MAGIC);
	assert_int_equal(h.version, SM_PROTO);
	assert_int_equal(h.cmd, SM_CMD_ALIGN);       /* echoed */
	assert_int_equal(h.cmd_flags, 0x5);          /* echoed */
	assert_int_equal(h.seq, 9);                  /* echoed */
	assert_int_equal(h.length, 32);
	assert_int_equal((int32_t)h.data, 1048576);
	assert_int_equal(h.data2, 0);
	reply_free(&r);

	reply_hdr(&h, &req, -EBUSY, 3, 64);
	assert_int_equal(h.length, 96);
	assert_int_equal((int32_t)h.data, -EBUSY);
	assert_int_equal(h.data2, 3);
}

static void test_reply_bound(void **state)
{
	struct reply r;
	char big[100];

	(void)state;
	memset(big, 1, sizeof(big));
	reply_init(&r, 150);
	assert_int_equal(reply_put(&r, big, 100), 0);
	assert_int_equal(reply_put(&r, big, 51), -ENOSPC);
	assert_int_equal(reply_put(&r, big, 50), 0);
	assert_int_equal(r.len, 150);
	assert_int_equal(reply_put_zero(&r, 1), -ENOSPC);
	reply_free(&r);
	assert_null(r.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daemon_text),
		cmocka_unit_test(test_client_text),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_state_record),
		cmocka_unit_test(test_reply_header),
		cmocka_unit_test(test_reply_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
