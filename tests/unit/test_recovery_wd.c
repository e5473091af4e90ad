/*
 * tests/unit/test_recovery_wd.c - the lockspace's wdmd connection
 * (daemon/ls_wd.c; spec/cli.md §4.4, §4.9, §4.10; algorithms.md §3.3
 * step 10, §10.3-§10.4) against a fake wdmd: a thread serving
 * $WDMD_RUN_DIR/wdmd.sock that records every request (connection,
 * command, times, name) and answers STATUS / FIRE_NOW with the test
 * interval and fire timeout the test chose.  Checked: the exact order
 * connect, REGISTER "sanlock_<ls>:<id>", REFCOUNT_SET, STATUS,
 * TEST_LIVE(ts, ts + 8*io), updates, TEST_LIVE(0, 0), REFCOUNT_CLEAR,
 * close; no re-arm after disarm; fire-timeout mismatch -> -203 without
 * arming; no wdmd -> -203; the io < 3 warning with a 10 s test interval;
 * WD_RESET on a dedicated connection with FIRE_NOW only for our wdmd;
 * -w 0 does nothing.
 *
 * Threads: the test (cmocka asserts) and the fake wdmd; fw.lock guards
 * the recorded events.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"
#include "libwdmd/wdmd_wire.h"

#define FW_EVENTS_MAX 128
#define FW_CONNS_MAX  8
#define FW_CMD_CLOSE  0          /* event: the client closed */
#define FW_WAIT_MS    5000

struct fw_event {
	int      conn;               /* accept order, from 1 */
	uint32_t cmd;
	uint64_t renewal, expire;
	char     name[WDMD_NAME_SIZE];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t  cond;
	struct fw_event ev[FW_EVENTS_MAX];
	int       n;
	int       test_interval;
	int       fire_timeout;
	int       listen_fd;
	int       stop_fd[2];
	pthread_t thread;
	char      dir[64];
	char      sock[96];
} fw = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static char logbuf[8192];
static size_t loglen;

static void t_sink(int level, const char *line, size_t len)
{
	(void)level;
	if (loglen + len + 1 < sizeof(logbuf)) {
		memcpy(logbuf + loglen, line, len);
		loglen += len;
		logbuf[loglen++] = '\n';
		logbuf[loglen] = '\0';
	}
}

static void fw_record(int conn, const struct wdmd_record *rec)
{
	pthread_mutex_lock(&fw.lock);
	if (fw.n < FW_EVENTS_MAX) {
		struct fw_event *e = &fw.ev[fw.n++];

		memset(e, 0, sizeof(*e));
		e->conn = conn;
		if (rec) {
			e->cmd = rec->cmd;
			e->renewal = rec->renewal_time;
			e->expire = rec->expire_time;
			memcpy(e->name, rec->name, WDMD_NAME_SIZE - 1);
		}
	}
	pthread_cond_broadcast(&fw.cond);
	pthread_mutex_unlock(&fw.lock);
}

/* Serve one readable client; 0 to keep it, -1 when it closed. */
static int fw_serve(int fd, int conn)
{
	struct wdmd_record rec;
	ssize_t n = recv(fd, &rec, sizeof(rec), MSG_WAITALL);

	if (n != (ssize_t)sizeof(rec)) {
		fw_record(conn, NULL);
		return -1;
	}
	fw_record(conn, &rec);
	if (rec.cmd == WDMD_CMD_STATUS || rec.cmd == WDMD_CMD_FIRE_NOW) {
		pthread_mutex_lock(&fw.lock);
		rec.test_interval = (uint32_t)fw.test_interval;
		rec.fire_timeout = (uint32_t)fw.fire_timeout;
		pthread_mutex_unlock(&fw.lock);
		rec.last_keepalive = monotime();
		if (send(fd, &rec, sizeof(rec), MSG_NOSIGNAL) != (ssize_t)sizeof(rec))
			return -1;
	}
	return 0;
}

static void *fw_main(void *arg)
{
	struct pollfd p[2 + FW_CONNS_MAX];
	int ids[FW_CONNS_MAX], nconn = 0, next_id = 1;

	(void)arg;
	for (;;) {
		int i;

		p[0] = (struct pollfd){ fw.listen_fd, POLLIN, 0 };
		p[1] = (struct pollfd){ fw.stop_fd[0], POLLIN, 0 };
		for (i = 0; i < nconn; i++)
			p[2 + i].revents = 0;
		if (poll(p, (nfds_t)(2 + nconn), 1000) < 0)
			continue;
		if (p[1].revents)
			break;
		for (i = 0; i < nconn; i++) {
			if (!p[2 + i].revents)
				continue;
			if (fw_serve(p[2 + i].fd, ids[i]) < 0) {
				close(p[2 + i].fd);
				p[2 + i] = p[2 + nconn - 1];
				ids[i] = ids[nconn - 1];
				nconn--;
				i--;
			}
		}
		if ((p[0].revents & POLLIN) && nconn < FW_CONNS_MAX) {
			int fd = accept(fw.listen_fd, NULL, NULL);

			if (fd >= 0) {
				p[2 + nconn] = (struct pollfd){ fd, POLLIN, 0 };
				ids[nconn++] = next_id++;
			}
		}
	}
	for (int i = 0; i < nconn; i++)
		close(p[2 + i].fd);
	return NULL;
}

static void fw_start(int test_interval, int fire_timeout)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(fw.dir, sizeof(fw.dir), "/tmp/test-rwd-XXXXXX");
	assert_non_null(mkdtemp(fw.dir));
	snprintf(fw.sock, sizeof(fw.sock), "%s/wdmd.sock", fw.dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", fw.sock);
	setenv("WDMD_RUN_DIR", fw.dir, 1);
	fw.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fw.listen_fd >= 0);
	assert_int_equal(bind(fw.listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fw.listen_fd, 8), 0);
	assert_int_equal(pipe(fw.stop_fd), 0);
	fw.n = 0;
	fw.test_interval = test_interval;
	fw.fire_timeout = fire_timeout;
	assert_int_equal(pthread_create(&fw.thread, NULL, fw_main, NULL), 0);
}

static void fw_stop(void)
{
	char c = 1;

	assert_int_equal(write(fw.stop_fd[1], &c, 1), 1);
	pthread_join(fw.thread, NULL);
	close(fw.stop_fd[0]);
	close(fw.stop_fd[1]);
	close(fw.listen_fd);
	unlink(fw.sock);
	rmdir(fw.dir);
}

/* Wait until at least n events were recorded; returns the count. */
static int fw_wait(int n)
{
	struct timespec ts;
	int got;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += FW_WAIT_MS / 1000;
	pthread_mutex_lock(&fw.lock);
	while (fw.n < n &&
	       pthread_cond_timedwait(&fw.cond, &fw.lock, &ts) == 0)
		;
	got = fw.n;
	pthread_mutex_unlock(&fw.lock);
	return got;
}

static void ev_is(int i, int conn, uint32_t cmd, uint64_t renewal,
		  uint64_t expire)
{
	assert_int_equal(fw.ev[i].conn, conn);
	assert_int_equal(fw.ev[i].cmd, cmd);
	assert_int_equal(fw.ev[i].renewal, renewal);
	assert_int_equal(fw.ev[i].expire, expire);
}

static struct lspace *t_ls(int use_watchdog, int w)
{
	struct ls_config cfg;
	struct lspace *ls = calloc(1, sizeof(*ls));

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.our_host_name, sizeof(cfg.our_host_name), "host");
	cfg.default_io_timeout = 10;
	cfg.watchdog_fire_timeout = w;
	cfg.use_watchdog = use_watchdog;
	ls_init(&cfg);
	assert_non_null(ls);
	ls->space_id = 3;
	snprintf(ls->name, sizeof(ls->name), "ls1");
	ls->host_id = 1;
	ls->io_timeout = 1;
	return ls;
}

/* ------------------------------------------------------------ tests */

static void test_order_arm_update_disarm_close(void **state)
{
	struct lspace *ls = t_ls(1, 10);

	(void)state;
	fw_start(1, 10);
	assert_int_equal(ls_wd_connect(ls), 0);
	assert_non_null(ls->wd);
	assert_int_equal(ls_wd_arm(ls, 100), 0);
	assert_int_equal(ls_wd_update(ls, 102), 0);
	ls_wd_disarm(ls);
	assert_int_equal(ls_wd_update(ls, 104), 0);    /* never re-armed */
	ls_wd_disarm(ls);                              /* idempotent */
	ls_wd_close(ls);
	assert_null(ls->wd);
	assert_int_equal(fw_wait(8), 8);
	ev_is(0, 1, WDMD_CMD_REGISTER, 0, 0);
	assert_string_equal(fw.ev[0].name, "sanlock_ls1:1");
	ev_is(1, 1, WDMD_CMD_REFCOUNT_SET, 0, 0);
	ev_is(2, 1, WDMD_CMD_STATUS, 0, 0);
	ev_is(3, 1, WDMD_CMD_TEST_LIVE, 100, 108);     /* ts + 8*io */
	ev_is(4, 1, WDMD_CMD_TEST_LIVE, 102, 110);
	ev_is(5, 1, WDMD_CMD_TEST_LIVE, 0, 0);
	ev_is(6, 1, WDMD_CMD_REFCOUNT_CLEAR, 0, 0);
	ev_is(7, 1, FW_CMD_CLOSE, 0, 0);
	fw_stop();
	free(ls);
}

static void test_fire_timeout_mismatch(void **state)
{
	struct lspace *ls = t_ls(1, 60);

	(void)state;
	fw_start(1, 10);
	assert_int_equal(ls_wd_connect(ls), 0);
	assert_int_equal(ls_wd_arm(ls, 100), SANLK_WD_ERROR);
	ls_wd_close(ls);                 /* the failed join's thread ends */
	assert_int_equal(fw_wait(5), 5);
	ev_is(0, 1, WDMD_CMD_REGISTER, 0, 0);
	ev_is(1, 1, WDMD_CMD_REFCOUNT_SET, 0, 0);
	ev_is(2, 1, WDMD_CMD_STATUS, 0, 0);
	ev_is(3, 1, WDMD_CMD_REFCOUNT_CLEAR, 0, 0);  /* never armed */
	ev_is(4, 1, FW_CMD_CLOSE, 0, 0);
	assert_non_null(strstr(logbuf, "fire_timeout 10 does not match our "
			       "watchdog_fire_timeout 60"));
	fw_stop();
	free(ls);
}

static void test_no_wdmd_and_w0(void **state)
{
	struct lspace *ls = t_ls(1, 60);

	(void)state;
	setenv("WDMD_RUN_DIR", "/nonexistent-test-rwd", 1);
	assert_int_equal(ls_wd_connect(ls), SANLK_WD_ERROR);
	assert_null(ls->wd);
	assert_int_equal(ls_wd_arm(ls, 100), SANLK_WD_ERROR);
	ls_wd_close(ls);
	free(ls);

	ls = t_ls(0, 60);                /* -w 0: nothing at all */
	assert_int_equal(ls_wd_connect(ls), 0);
	assert_null(ls->wd);
	assert_int_equal(ls_wd_arm(ls, 100), 0);
	assert_int_equal(ls_wd_update(ls, 102), 0);
	ls_wd_disarm(ls);
	ls_wd_close(ls);
	assert_int_equal(ls_wd_fire_now(ls, "test"), -ENOTSUP);
	free(ls);
}

static void test_385_interval_warns_short_io(void **state)
{
	struct lspace *ls = t_ls(1, 60);

	(void)state;
	fw_start(10, 60);               /* looks like 3.8.5's wdmd */
	loglen = 0;
	logbuf[0] = '\0';
	assert_int_equal(ls_wd_connect(ls), 0);
	assert_int_equal(ls_wd_arm(ls, 200), 0);
	assert_non_null(strstr(logbuf, "io_timeout 1 with a wdmd testing "
			       "every 10 s"));
	ls_wd_disarm(ls);
	ls_wd_close(ls);
	assert_int_equal(fw_wait(7), 7);
	ev_is(3, 1, WDMD_CMD_TEST_LIVE, 200, 208);
	fw_stop();
	free(ls);
}

static void test_fire_now_dedicated_connection(void **state)
{
	struct lspace *ls = t_ls(1, 10);
	uint64_t before, after;
	int base;

	(void)state;
	fw_start(1, 10);
	assert_int_equal(ls_wd_connect(ls), 0);
	assert_int_equal(ls_wd_arm(ls, 100), 0);
	assert_int_equal(fw_wait(4), 4);
	before = monotime();
	assert_int_equal(ls_wd_fire_now(ls, "test reset"), 0);
	after = monotime();
	/* conn 2: REGISTER, REFCOUNT_SET, TEST_LIVE(now, now), STATUS,
	 * FIRE_NOW - never the lockspace's own connection */
	assert_int_equal(fw_wait(9), 9);
	ev_is(4, 2, WDMD_CMD_REGISTER, 0, 0);
	assert_string_equal(fw.ev[4].name, "sanlock_wd_reset_ls1");
	ev_is(5, 2, WDMD_CMD_REFCOUNT_SET, 0, 0);
	assert_int_equal(fw.ev[6].conn, 2);
	assert_int_equal(fw.ev[6].cmd, WDMD_CMD_TEST_LIVE);
	assert_true(fw.ev[6].renewal >= before && fw.ev[6].renewal <= after);
	assert_int_equal(fw.ev[6].expire, fw.ev[6].renewal);
	ev_is(7, 2, WDMD_CMD_STATUS, 0, 0);
	assert_int_equal(fw.ev[8].conn, 2);
	assert_int_equal(fw.ev[8].cmd, WDMD_CMD_FIRE_NOW);
	assert_non_null(strstr(fw.ev[8].name, "test reset"));
	/* a wdmd reporting a 10 s interval (3.8.5) gets no request 41: the
	 * expired connection alone makes it fire */
	pthread_mutex_lock(&fw.lock);
	fw.test_interval = 10;
	base = fw.n;
	pthread_mutex_unlock(&fw.lock);
	assert_int_equal(ls_wd_fire_now(ls, "again"), 0);
	ls_wd_disarm(ls);
	ls_wd_close(ls);
	/* TEST_LIVE, STATUS on conn 2; then conn 1 leaves */
	assert_int_equal(fw_wait(base + 5), base + 5);
	assert_int_equal(fw.ev[base].conn, 2);
	assert_int_equal(fw.ev[base].cmd, WDMD_CMD_TEST_LIVE);
	ev_is(base + 1, 2, WDMD_CMD_STATUS, 0, 0);
	for (int i = base + 2; i < base + 5; i++) {
		assert_int_equal(fw.ev[i].conn, 1);
		assert_int_not_equal(fw.ev[i].cmd, WDMD_CMD_FIRE_NOW);
	}
	fw_stop();
	free(ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_arm_update_disarm_close),
		cmocka_unit_test(test_fire_timeout_mismatch),
		cmocka_unit_test(test_no_wdmd_and_w0),
		cmocka_unit_test(test_385_interval_warns_short_io),
		cmocka_unit_test(test_fire_now_dedicated_connection),
	};

	log_set_sink(t_sink);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
