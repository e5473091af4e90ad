/*
 * tests/unit/test_wdmd_lib.c - unit tests of libwdmd (libwdmd/): the
 * bytes each request puts on the wire (spec/cli.md §4.4), name limits and
 * error returns observed with Debian's libwdmd 3.8.5 (marked "observed"),
 * reply handling, socket address and shm name derivation.
 *
 * The "daemon" is the other end of a socketpair, so no wdmd runs.
 * Single-threaded; each test makes and closes its own sockets.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "wdmd.h"
#include "libwdmd/wdmd_wire.h"

struct pair {
	int lib;    /* the library's "connection" */
	int srv;    /* our fake wdmd */
};

static void pair_open(struct pair *p)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p->lib = sv[0];
	p->srv = sv[1];
}

static void pair_close(struct pair *p)
{
	if (p->lib >= 0)
		close(p->lib);
	if (p->srv >= 0)
		close(p->srv);
}

/* Read one request the library sent; fail unless exactly 176 bytes. */
static void srv_read(struct pair *p, unsigned char raw[WDMD_RECORD_SIZE])
{
	assert_int_equal(wdmd_wire_recv(p->srv, raw, WDMD_RECORD_SIZE, 1000), 0);
}

static uint32_t u32_at(const unsigned char *raw, size_t off)
{
	uint32_t v;

	memcpy(&v, raw + off, sizeof(v));
	return v;
}

static uint64_t u64_at(const unsigned char *raw, size_t off)
{
	uint64_t v;

	memcpy(&v, raw + off, sizeof(v));
	return v;
}

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */

static void test_register_bytes(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	struct pair p;

	(void)state;
	pair_open(&p);
	assert_int_equal(wdmd_register(p.lib, "sanlock_ls:1"), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 0), 0);              /* magic 0 (observed) */
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_REGISTER);
	assert_true(all_zero(raw + 8, 40));                /* len..expire */
	assert_memory_equal(raw + 48, "sanlock_ls:1", 12);
	assert_true(all_zero(raw + 60, WDMD_RECORD_SIZE - 60));
	pair_close(&p);
}

static void test_register_name_limits(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	char name[WDMD_NAME_SIZE + 2];
	struct pair p;

	(void)state;
	pair_open(&p);
	/* 128 characters: accepted, all 128 bytes sent (observed) */
	memset(name, 'y', WDMD_NAME_SIZE);
	name[WDMD_NAME_SIZE] = '\0';
	assert_int_equal(wdmd_register(p.lib, name), 0);
	srv_read(&p, raw);
	assert_memory_equal(raw + 48, name, WDMD_NAME_SIZE);
	/* 129: -ENAMETOOLONG, nothing sent (observed) */
	name[WDMD_NAME_SIZE] = 'y';
	name[WDMD_NAME_SIZE + 1] = '\0';
	assert_int_equal(wdmd_register(p.lib, name), -ENAMETOOLONG);
	assert_int_equal(wdmd_wire_recv(p.srv, raw, 1, 50), -ETIMEDOUT);
	assert_int_equal(wdmd_register(p.lib, NULL), -EINVAL);
	pair_close(&p);
}

static void test_simple_commands_bytes(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	struct pair p;

	(void)state;
	pair_open(&p);
	assert_int_equal(wdmd_refcount_set(p.lib), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_REFCOUNT_SET);
	assert_true(all_zero(raw + 8, WDMD_RECORD_SIZE - 8));

	assert_int_equal(wdmd_refcount_clear(p.lib), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_REFCOUNT_CLEAR);

	assert_int_equal(wdmd_test_live(p.lib, 5, 0x1122334455667788ull), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 0), 0);
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_TEST_LIVE);
	assert_int_equal(u64_at(raw, 32), 5);
	assert_int_equal(u64_at(raw, 40), 0x1122334455667788ull);
	assert_true(all_zero(raw + 48, WDMD_NAME_SIZE));
	pair_close(&p);
}

static void test_send_errors(void **state)
{
	struct pair p;

	(void)state;
	assert_int_equal(wdmd_refcount_set(-1), -EBADF);
	assert_int_equal(wdmd_refcount_set(9999), -EBADF);   /* observed -9 */
	pair_open(&p);
	close(p.srv);
	p.srv = -1;
	/* peer gone: -EPIPE (observed -32), and no SIGPIPE kills us */
	assert_int_equal(wdmd_test_live(p.lib, 1, 2), -EPIPE);
	pair_close(&p);
}

static void test_status_reply(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	struct wdmd_record rep;
	uint64_t lk = 0;
	int ti = 0, ft = 0;
	struct pair p;

	(void)state;
	pair_open(&p);
	memset(&rep, 0, sizeof(rep));
	rep.cmd = WDMD_CMD_STATUS;
	rep.test_interval = 1;
	rep.fire_timeout = 3;
	rep.last_keepalive = 99;
	assert_int_equal(wdmd_wire_send(p.srv, &rep), 0);  /* reply queued first */
	assert_int_equal(wdmd_status(p.lib, &ti, &ft, &lk), 0);
	assert_int_equal(ti, 1);
	assert_int_equal(ft, 3);
	assert_int_equal(lk, 99);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_STATUS);

	/* a reply for another command is a protocol error */
	rep.cmd = WDMD_CMD_TEST_LIVE;
	assert_int_equal(wdmd_wire_send(p.srv, &rep), 0);
	assert_int_equal(wdmd_status(p.lib, &ti, &ft, &lk), -EPROTO);
	srv_read(&p, raw);

	/* short reply then EOF: -ECONNRESET (3.8.5 returns 0, observed) */
	ti = 7;
	assert_int_equal(send(p.srv, "abc", 3, 0), 3);
	shutdown(p.srv, SHUT_WR);
	assert_int_equal(wdmd_status(p.lib, &ti, &ft, &lk), -ECONNRESET);
	assert_int_equal(ti, 7);   /* outputs untouched on error */
	pair_close(&p);
}

static void test_open_watchdog(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	struct wdmd_record rep;
	struct pair p;

	(void)state;
	pair_open(&p);
	memset(&rep, 0, sizeof(rep));
	rep.cmd = WDMD_CMD_OPEN_WATCHDOG;
	rep.fire_timeout = 30;
	assert_int_equal(wdmd_wire_send(p.srv, &rep), 0);
	assert_int_equal(wdmd_open_watchdog(p.lib, 30), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 0), 0);
	assert_int_equal(u32_at(raw, 4), WDMD_CMD_OPEN_WATCHDOG);
	assert_int_equal(u32_at(raw, 20), 30);

	rep.fire_timeout = 0;      /* wdmd refused */
	assert_int_equal(wdmd_wire_send(p.srv, &rep), 0);
	assert_int_equal(wdmd_open_watchdog(p.lib, 60), -EINVAL);
	srv_read(&p, raw);
	assert_int_equal(wdmd_open_watchdog(p.lib, 0), -EINVAL);
	pair_close(&p);
}

static void test_fire_now_bytes(void **state)
{
	unsigned char raw[WDMD_RECORD_SIZE];
	struct wdmd_record rep;
	struct pair p;

	(void)state;
	pair_open(&p);
	memset(&rep, 0, sizeof(rep));
	rep.cmd = WDMD_CMD_FIRE_NOW;
	rep.magic = WDMD_MAGIC_EXT;
	assert_int_equal(wdmd_wire_send(p.srv, &rep), 0);
	assert_int_equal(wdmd_fire_now(p.lib, "wd_reset from host 2"), 0);
	srv_read(&p, raw);
	assert_int_equal(u32_at(raw, 0), WDMD_MAGIC_EXT);
	assert_int_equal(u32_at(raw, 4), 41);
	assert_string_equal((char *)raw + 48, "wd_reset from host 2");

	/* wdmd gone before replying (test backend): -ECONNRESET */
	close(p.srv);
	p.srv = -1;
	assert_true(wdmd_fire_now(p.lib, NULL) < 0);
	pair_close(&p);
}

static void test_socket_address(void **state)
{
	struct sockaddr_un addr;
	char longdir[200];

	(void)state;
	unsetenv(WDMD_RUN_DIR_ENV);
	assert_int_equal(wdmd_socket_address(&addr), 0);
	assert_int_equal(addr.sun_family, AF_UNIX);
	assert_string_equal(addr.sun_path, "/run/wdmd/wdmd.sock");

	setenv(WDMD_RUN_DIR_ENV, "/tmp/host1", 1);
	assert_int_equal(wdmd_socket_address(&addr), 0);
	assert_string_equal(addr.sun_path, "/tmp/host1/wdmd.sock");

	setenv(WDMD_RUN_DIR_ENV, "", 1);    /* empty = default */
	assert_int_equal(wdmd_socket_address(&addr), 0);
	assert_string_equal(addr.sun_path, "/run/wdmd/wdmd.sock");

	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	setenv(WDMD_RUN_DIR_ENV, longdir, 1);
	assert_int_equal(wdmd_socket_address(&addr), -ENAMETOOLONG);
	assert_int_equal(wdmd_connect(), -ENAMETOOLONG);

	setenv(WDMD_RUN_DIR_ENV, "/nonexistent-wdmd-dir", 1);
	assert_int_equal(wdmd_connect(), -ENOENT);   /* observed -2 */
	unsetenv(WDMD_RUN_DIR_ENV);
	assert_int_equal(wdmd_socket_address(NULL), -EINVAL);
}

static void test_shm_name(void **state)
{
	char a[WDMD_SHM_NAME_MAX], b[WDMD_SHM_NAME_MAX];

	(void)state;
	wdmd_shm_name_for(NULL, a, sizeof(a));
	assert_string_equal(a, "/wdmd");
	wdmd_shm_name_for("/run/wdmd", a, sizeof(a));
	assert_string_equal(a, "/wdmd");
	wdmd_shm_name_for("/tmp/h1", a, sizeof(a));
	wdmd_shm_name_for("/tmp/h2", b, sizeof(b));
	assert_int_equal(strlen(a), 5 + 1 + 16);
	assert_memory_equal(a, "/wdmd-", 6);
	assert_string_not_equal(a, b);
	assert_null(strchr(a + 1, '/'));

	unsetenv(WDMD_RUN_DIR_ENV);
	wdmd_shm_name(b, sizeof(b));
	assert_string_equal(b, "/wdmd");
	setenv(WDMD_RUN_DIR_ENV, "/tmp/h1", 1);
	wdmd_shm_name(b, sizeof(b));
	assert_string_equal(a, b);
	unsetenv(WDMD_RUN_DIR_ENV);
}

static void test_wire_recv_bounds(void **state)
{
	char buf[8];
	struct pair p;

	(void)state;
	pair_open(&p);
	assert_int_equal(wdmd_wire_recv(p.lib, buf, sizeof(buf), 30), -ETIMEDOUT);
	assert_int_equal(send(p.srv, "1234", 4, 0), 4);
	assert_int_equal(send(p.srv, "5678", 4, 0), 4);
	assert_int_equal(wdmd_wire_recv(p.lib, buf, sizeof(buf), 100), 0);
	assert_memory_equal(buf, "12345678", 8);
	assert_int_equal(wdmd_wire_recv(-1, buf, 1, 0), -EBADF);
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_bytes),
		cmocka_unit_test(test_register_name_limits),
		cmocka_unit_test(test_simple_commands_bytes),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_status_reply),
		cmocka_unit_test(test_open_watchdog),
		cmocka_unit_test(test_fire_now_bytes),
		cmocka_unit_test(test_socket_address),
		cmocka_unit_test(test_shm_name),
		cmocka_unit_test(test_wire_recv_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
