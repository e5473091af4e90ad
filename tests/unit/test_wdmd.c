/*
 * tests/unit/test_wdmd.c - unit tests of the wdmd program's logic (wdmd/
 * minus main.c): the expiry rule (spec/cli.md §4.10, algorithms.md §2.4:
 * pass while now < E), the client table and its dead-connection rule
 * (§4.4), request validation and replies, the test round with the
 * software backend (its kill switched off: no_kill), quit rules, options,
 * dump format and scripts.
 *
 * Clients are socketpairs; the test backend writes to a temporary file.
 * Single-threaded except for the test backend's timer thread, which the
 * tests stop with wdmd_dev_close_clean / wdmd_testdev_close.  The tests
 * never open a real watchdog device: WDMD_TEST_NO_DEVICE is set in main().
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/monotime.h"
#include "libwdmd/wdmd_wire.h"
#include "wdmd/clients.h"
#include "wdmd/device.h"
#include "wdmd/dump.h"
#include "wdmd/expiry.h"
#include "wdmd/loop.h"
#include "wdmd/options.h"
#include "wdmd/request.h"
#include "wdmd/scripts.h"
#include "wdmd/state.h"

#define USEC 1000000ull

static struct wdmd_state tst;   /* big: static storage */

/* ------------------------------------------------------------------ */
/* helpers                                                            */

/* Add a live client whose other end is returned in *peer. */
static int add_client(struct wdmd_clients *t, const char *name, int *peer)
{
	int sv[2], ci;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	ci = wdmd_clients_add(t, sv[0], 1234, name, 0);
	assert_true(ci >= 0);
	if (peer)
		*peer = sv[1];
	else
		close(sv[1]);
	return ci;
}

static void arm(struct wdmd_clients *t, int ci, uint64_t renewal, uint64_t expire)
{
	t->c[ci].renewal = renewal;
	t->c[ci].expire = expire;
}

static void close_all(struct wdmd_clients *t)
{
	int i;

	for (i = 0; i < WDMD_CLIENT_MAX; i++)
		if (t->c[i].used && t->c[i].fd >= 0)
			close(t->c[i].fd);
	wdmd_clients_init(t);
}

static struct wdmd_record req(uint32_t cmd)
{
	struct wdmd_record r;

	memset(&r, 0, sizeof(r));
	r.cmd = cmd;
	r.magic = cmd == WDMD_CMD_FIRE_NOW ? WDMD_MAGIC_EXT : 0;
	return r;
}

static char backend_file[64];

/* A test backend that writes its fired line but does not kill. */
static void testdev_start(struct wdmd_dev *d, int fire_timeout)
{
	int fd;

	snprintf(backend_file, sizeof(backend_file), "/tmp/test_wdmd_XXXXXX");
	fd = mkstemp(backend_file);
	assert_true(fd >= 0);
	close(fd);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->fire_timeout = fire_timeout;
	d->no_kill = 1;
	assert_int_equal(wdmd_testdev_open(d, backend_file, fire_timeout), 0);
}

static void testdev_stop(struct wdmd_dev *d)
{
	wdmd_testdev_close(d);
	d->kind = WDMD_DEV_NONE;
	unlink(backend_file);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static int state_setup(void **state)
{
	(void)state;
	memset(&tst, 0, sizeof(tst));
	wdmd_clients_init(&tst.clients);
	tst.dev.fd = -1;
	tst.dev.fire_timeout = 60;
	tst.listen_ci = tst.signal_ci = -1;
	tst.pid_fd = -1;
	return 0;
}

static int state_teardown(void **state)
{
	(void)state;
	close_all(&tst.clients);
	return 0;
}

/* ------------------------------------------------------------------ */
/* expiry rule                                                        */

static void test_expired_edges(void **state)
{
	(void)state;
	assert_false(wdmd_expired(0, 0));
	assert_false(wdmd_expired(1000000, 0));      /* disarmed never fails */
	assert_false(wdmd_expired(99, 100));         /* now < E passes */
	assert_true(wdmd_expired(100, 100));         /* now == E fails */
	assert_true(wdmd_expired(101, 100));
	assert_true(wdmd_expired(UINT64_MAX, 1));
	assert_false(wdmd_expired(0, UINT64_MAX));
}

static void test_eval_several(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_eval ev;
	int a, b, c, d;

	(void)state;
	wdmd_eval_clients(t, 100, &ev);
	assert_int_equal(ev.failed, 0);
	assert_int_equal(ev.first_failed, -1);
	assert_int_equal(ev.min_expire, 0);

	a = add_client(t, "a", NULL);
	b = add_client(t, "b", NULL);
	c = add_client(t, "c", NULL);
	d = add_client(t, "internal", NULL);
	t->c[d].internal = 1;
	arm(t, d, 1, 5);        /* internal entries are never tested */
	arm(t, a, 90, 110);
	arm(t, b, 95, 105);
	/* c disarmed */
	(void)c;

	wdmd_eval_clients(t, 104, &ev);
	assert_int_equal(ev.failed, 0);
	assert_int_equal(ev.min_expire, 105);

	wdmd_eval_clients(t, 105, &ev);        /* b reaches E */
	assert_int_equal(ev.failed, 1);
	assert_int_equal(ev.first_failed, b);

	wdmd_eval_clients(t, 110, &ev);        /* both */
	assert_int_equal(ev.failed, 2);
	assert_int_equal(ev.first_failed, a);

	arm(t, b, 0, 0);                        /* b disarms */
	wdmd_eval_clients(t, 109, &ev);
	assert_int_equal(ev.failed, 0);
	assert_int_equal(ev.min_expire, 110);
}

static void test_pet_allowed_usec_edge(void **state)
{
	struct wdmd_eval ev = { 0, -1, 0 };

	(void)state;
	assert_true(wdmd_pet_allowed(&ev, 5 * USEC));   /* nothing armed */
	ev.min_expire = 100;
	assert_true(wdmd_pet_allowed(&ev, 100 * USEC - 1));
	assert_false(wdmd_pet_allowed(&ev, 100 * USEC));
	assert_false(wdmd_pet_allowed(&ev, 200 * USEC));
	ev.failed = 1;
	assert_false(wdmd_pet_allowed(&ev, 1));
}

/* ------------------------------------------------------------------ */
/* client table                                                       */

static void test_table_bound(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	int i, ci, sv[2];

	(void)state;
	for (i = 0; i < WDMD_CLIENT_MAX; i++)
		add_client(t, NULL, NULL);
	assert_int_equal(t->used, WDMD_CLIENT_MAX);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(wdmd_clients_add(t, sv[0], 1, "x", 0), -ENOSPC);
	/* a closed disarmed slot is free again */
	wdmd_clients_close(t, 7, "test");
	assert_int_equal(t->used, WDMD_CLIENT_MAX - 1);
	ci = wdmd_clients_add(t, sv[0], 1, "x", 0);
	assert_int_equal(ci, 7);
	close(sv[1]);
}

static void test_close_armed_becomes_dead(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_eval ev;
	int a, b;

	(void)state;
	a = add_client(t, "armed", NULL);
	b = add_client(t, "disarmed", NULL);
	t->c[a].refcount = 1;
	t->c[b].refcount = 1;
	arm(t, a, 10, 20);
	arm(t, b, 10, 20);
	arm(t, b, 0, 0);                       /* disarmed before close */

	wdmd_clients_close(t, a, "test");
	assert_true(t->c[a].used);
	assert_true(t->c[a].dead);
	assert_int_equal(t->c[a].fd, -1);
	assert_int_equal(t->c[a].expire, 20);
	assert_string_equal(t->c[a].name, "armed");

	wdmd_clients_close(t, b, "test");
	assert_false(t->c[b].used);            /* forgotten, refcount with it */
	assert_int_equal(t->used, 1);

	assert_int_equal(wdmd_clients_refcount(t), 1);  /* dead keeps it */
	assert_int_equal(wdmd_clients_armed(t), 1);

	/* the dead slot passes before E and fails from E on, forever */
	wdmd_eval_clients(t, 19, &ev);
	assert_int_equal(ev.failed, 0);
	wdmd_eval_clients(t, 20, &ev);
	assert_int_equal(ev.failed, 1);
	assert_int_equal(ev.first_failed, a);
	wdmd_eval_clients(t, 1000000, &ev);
	assert_int_equal(ev.failed, 1);
	/* and a new connection cannot take its slot */
	assert_int_not_equal(add_client(t, "new", NULL), a);
}

static void test_labels(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	char buf[WDMD_NAME_SIZE];
	int a, b;

	(void)state;
	a = add_client(t, "with space\tand\x01" "ctl", NULL);
	b = add_client(t, NULL, NULL);
	wdmd_clients_label(t, a, buf, sizeof(buf));
	assert_string_equal(buf, "with_space_and_ctl");
	wdmd_clients_label(t, b, buf, sizeof(buf));
	assert_string_equal(buf, "ci1");
	wdmd_clients_label(t, a, buf, 5);
	assert_string_equal(buf, "with");
}

/* ------------------------------------------------------------------ */
/* requests                                                           */

static void test_request_register_refcount_testlive(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r;
	int ci;

	(void)state;
	ci = add_client(t, NULL, NULL);
	r = req(WDMD_CMD_REGISTER);
	memset(r.name, 'n', sizeof(r.name));   /* 128 bytes, no NUL */
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(strlen(t->c[ci].name), WDMD_NAME_SIZE - 1);

	r = req(WDMD_CMD_REFCOUNT_SET);
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(t->c[ci].refcount, 1);
	r = req(WDMD_CMD_REFCOUNT_CLEAR);
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(t->c[ci].refcount, 0);

	r = req(WDMD_CMD_TEST_LIVE);
	r.renewal_time = 50;
	r.expire_time = 58;
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(t->c[ci].renewal, 50);
	assert_int_equal(t->c[ci].expire, 58);
	r.renewal_time = 0;
	r.expire_time = 0;
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(t->c[ci].expire, 0);
}

static void test_request_status_and_open_watchdog(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r, rep;
	int ci, peer;

	(void)state;
	tst.dev.fire_timeout = 7;
	tst.last_keepalive = 4242;
	ci = add_client(t, "st", &peer);
	r = req(WDMD_CMD_STATUS);
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(wdmd_wire_recv(peer, &rep, sizeof(rep), 1000), 0);
	assert_int_equal(rep.cmd, WDMD_CMD_STATUS);
	assert_int_equal(rep.test_interval, 1);
	assert_int_equal(rep.test_interval, WDMD_EXT_TEST_INTERVAL);
	assert_int_equal(rep.fire_timeout, 7);
	assert_int_equal(rep.last_keepalive, 4242);

	r = req(WDMD_CMD_OPEN_WATCHDOG);
	r.fire_timeout = 7;
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(wdmd_wire_recv(peer, &rep, sizeof(rep), 1000), 0);
	assert_int_equal(rep.fire_timeout, 7);
	r.fire_timeout = 60;
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_int_equal(wdmd_wire_recv(peer, &rep, sizeof(rep), 1000), 0);
	assert_int_equal(rep.fire_timeout, 0);      /* refused */
	close(peer);
}

static void test_request_refused(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r;
	int ci;

	(void)state;
	ci = add_client(t, "bad", NULL);
	r = req(WDMD_CMD_STATUS);
	r.magic = 0x1234;                             /* bad magic */
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), -EPROTO);
	r = req(99);                                  /* unknown */
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), -EPROTO);
	r = req(0);
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), -EPROTO);
	r = req(WDMD_CMD_FIRE_NOW);
	r.magic = 0;                                  /* fire needs the magic */
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), -EPROTO);
	r = req(WDMD_CMD_REGISTER);
	r.magic = WDMD_MAGIC_EXT;                     /* and only fire has it */
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), -EPROTO);
	assert_false(tst.dev.fired);
}

static void test_readable_partial_and_eof(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r;
	int ci, peer;

	(void)state;
	ci = add_client(t, NULL, &peer);
	r = req(WDMD_CMD_TEST_LIVE);
	r.renewal_time = 1;
	r.expire_time = 9;
	/* a record split over two writes is assembled */
	assert_int_equal(send(peer, &r, 100, 0), 100);
	wdmd_request_readable(&tst, ci);
	assert_int_equal(t->c[ci].expire, 0);
	assert_int_equal(t->c[ci].rlen, 100);
	assert_int_equal(send(peer, (char *)&r + 100, sizeof(r) - 100, 0),
			 (ssize_t)(sizeof(r) - 100));
	wdmd_request_readable(&tst, ci);
	assert_int_equal(t->c[ci].expire, 9);
	assert_int_equal(t->c[ci].rlen, 0);

	/* EOF in the middle of a record closes; armed -> dead */
	assert_int_equal(send(peer, &r, 10, 0), 10);
	close(peer);
	wdmd_request_readable(&tst, ci);
	assert_true(t->c[ci].used);
	assert_true(t->c[ci].dead);
	assert_int_equal(t->c[ci].fd, -1);
}

static void test_readable_bad_request_closes(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r;
	char c;
	int ci, peer;

	(void)state;
	ci = add_client(t, NULL, &peer);
	r = req(77);
	assert_int_equal(send(peer, &r, sizeof(r), 0), (ssize_t)sizeof(r));
	wdmd_request_readable(&tst, ci);
	assert_false(t->c[ci].used);          /* disarmed: forgotten */
	assert_int_equal(recv(peer, &c, 1, 0), 0);   /* peer sees EOF */
	close(peer);
}

static void test_dump_request_and_format(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	static char buf[WDMD_DUMP_MAX];
	struct wdmd_record r;
	ssize_t n;
	int ci, peer, d;

	(void)state;
	tst.pid = 77;
	tst.dev.fire_timeout = 3;
	ci = add_client(t, "sanlock_ls:1", NULL);
	arm(t, ci, 10, 18);
	t->c[ci].refcount = 1;
	wdmd_clients_close(t, ci, "test");          /* dead */
	d = add_client(t, NULL, &peer);
	r = req(WDMD_CMD_DUMP_DEBUG);
	assert_int_equal(wdmd_request_handle(&tst, d, &r), WDMD_REQ_CLOSE);
	n = recv(peer, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "wdmd 77 socket_gid 0 high_priority 0 now "));
	assert_non_null(strstr(buf, " last_closeunclean 0 allow_scripts 0 kill_script_sec 0 fire_timeout 3\n"));
	assert_non_null(strstr(buf, "client 0 name sanlock_ls:1 pid 1234 fd -1 dead 1 ref 1 now "));
	assert_non_null(strstr(buf, " renewal 10 expire 18\n"));
	assert_non_null(strstr(buf, "client 1 name dump pid 1234 fd "));
	close(peer);

	/* a cut dump stays NUL-terminated and within the buffer */
	assert_int_equal(wdmd_dump_format(&tst, buf, 20), 19);
	assert_int_equal(strlen(buf), 19);
}

/* ------------------------------------------------------------------ */
/* rounds with the test backend                                       */

static void test_round_pets_or_not(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	uint64_t now_us, now;
	int ci;

	(void)state;
	testdev_start(&tst.dev, 60);
	now_us = monotime_usec();     /* after the open: a pet moves the deadline */
	now = now_us / USEC;
	wdmd_scripts_init(&tst.scripts, 0, "", 0);
	ci = add_client(t, "ls1", NULL);

	arm(t, ci, now, now + 5);
	tst.last_keepalive = 0;
	wdmd_round(&tst, now_us);                     /* passes: pet */
	assert_int_equal(tst.last_keepalive, now);
	assert_int_equal(tst.dev.deadline_us, now_us + 60 * USEC);

	arm(t, ci, now - 8, now);                     /* now == E: fails */
	tst.last_keepalive = 1;
	wdmd_round(&tst, now_us);
	assert_int_equal(tst.last_keepalive, 1);
	assert_true(tst.failing);
	assert_string_equal(tst.dev.reason, "expired ls1");
	assert_int_equal(tst.dev.deadline_us, now_us + 60 * USEC);  /* unchanged */

	wdmd_clients_close(t, ci, "test");            /* armed close: dead */
	wdmd_round(&tst, now_us);
	assert_string_equal(tst.dev.reason, "dead ls1");

	testdev_stop(&tst.dev);
}

static void test_round_recheck_before_pet(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	uint64_t now_us = monotime_usec(), now = now_us / USEC;
	int ci;

	(void)state;
	testdev_start(&tst.dev, 60);
	wdmd_scripts_init(&tst.scripts, 0, "", 0);
	ci = add_client(t, "slow", NULL);
	/* evaluated at an old time (E in the future then), but the clock has
	 * reached E by the time of the pet: no pet */
	arm(t, ci, now - 8, now);
	tst.last_keepalive = 1;
	wdmd_round(&tst, (now - 1) * USEC);
	assert_int_equal(tst.last_keepalive, 1);
	assert_string_equal(tst.dev.reason, "expired");
	testdev_stop(&tst.dev);
}

static void test_testdev_fires_after_timeout(void **state)
{
	char buf[256];
	unsigned long long sec;
	uint64_t t0 = monotime();
	int i;

	(void)state;
	testdev_start(&tst.dev, 1);
	wdmd_testdev_failing(&tst.dev, "expired some_client");
	for (i = 0; i < 40 && !read_file(backend_file, buf, sizeof(buf)); i++)
		usleep(100 * 1000);
	assert_int_equal(sscanf(buf, "fired %llu expired some_client\n", &sec), 1);
	assert_true(sec >= t0 + 1 - 1 && sec <= t0 + 2);
	assert_true(tst.dev.fired_line);
	/* the line, once written, is final: no pet re-arms */
	assert_int_equal(wdmd_testdev_pet(&tst.dev, monotime_usec()), -EPERM);
	testdev_stop(&tst.dev);
}

static void test_testdev_fire_now_latches(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	struct wdmd_record r, rep;
	char buf[256], why[128];
	unsigned long long sec;
	uint64_t t0 = monotime();
	int ci, peer;

	(void)state;
	testdev_start(&tst.dev, 60);
	wdmd_scripts_init(&tst.scripts, 0, "", 0);
	ci = add_client(t, "resetd", &peer);
	assert_true(wdmd_quit_allowed(&tst, why, sizeof(why)));
	r = req(WDMD_CMD_FIRE_NOW);
	snprintf(r.name, sizeof(r.name), "wd reset");
	assert_int_equal(wdmd_request_handle(&tst, ci, &r), 0);
	assert_true(read_file(backend_file, buf, sizeof(buf)) > 0);
	assert_int_equal(sscanf(buf, "fired %llu fire-now wd_reset\n", &sec), 1);
	assert_true(sec >= t0 && sec <= t0 + 1);
	assert_int_equal(wdmd_wire_recv(peer, &rep, sizeof(rep), 1000), 0);
	assert_int_equal(rep.cmd, WDMD_CMD_FIRE_NOW);
	/* latched: no more pets, no quit */
	assert_true(tst.dev.fired);
	assert_int_equal(wdmd_dev_pet(&tst.dev, monotime_usec()), -EPERM);
	tst.last_keepalive = 5;
	wdmd_round(&tst, monotime_usec());
	assert_int_equal(tst.last_keepalive, 5);
	assert_false(wdmd_quit_allowed(&tst, why, sizeof(why)));
	assert_string_equal(why, "refcount 0 armed 0 fire_now 1");
	close(peer);
	testdev_stop(&tst.dev);
}

static void test_quit_rules(void **state)
{
	struct wdmd_clients *t = &tst.clients;
	char why[128];
	int a;

	(void)state;
	assert_true(wdmd_quit_allowed(&tst, why, sizeof(why)));
	a = add_client(t, "a", NULL);
	t->c[a].refcount = 1;
	assert_false(wdmd_quit_allowed(&tst, why, sizeof(why)));
	assert_string_equal(why, "refcount 1 armed 0 fire_now 0");
	t->c[a].refcount = 0;
	arm(t, a, 1, 2);
	assert_false(wdmd_quit_allowed(&tst, why, sizeof(why)));
	assert_string_equal(why, "refcount 0 armed 1 fire_now 0");
	arm(t, a, 0, 0);
	assert_true(wdmd_quit_allowed(&tst, why, sizeof(why)));
}

/* ------------------------------------------------------------------ */
/* options                                                            */

static int parse(struct wdmd_opts *o, const char **err, int argc, ...)
{
	static char *argv[16];
	va_list ap;
	int i;

	assert_true(argc < 16);
	argv[0] = "wdmd";
	va_start(ap, argc);
	for (i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	return wdmd_opts_parse(argc, argv, o, err);
}

static void test_options(void **state)
{
	struct wdmd_opts o;
	const char *err;

	(void)state;
	assert_int_equal(parse(&o, &err, 1), WDMD_ACT_RUN);
	assert_int_equal(o.fire_timeout, 60);
	assert_string_equal(o.group, "sanlock");
	assert_string_equal(o.scripts_dir, "/etc/wdmd.d");
	assert_null(o.test_backend);

	assert_int_equal(parse(&o, &err, 8, "-D", "--test-backend", "/tmp/f",
			       "--fire-timeout", "3", "-k", "-5"), WDMD_ACT_RUN);
	assert_true(o.debug);
	assert_string_equal(o.test_backend, "/tmp/f");
	assert_int_equal(o.fire_timeout, 3);
	assert_int_equal(o.kill_script_sec, 0);

	assert_int_equal(parse(&o, &err, 7, "-H", "1", "-S", "1", "-G", "grp"),
			 WDMD_ACT_RUN);
	assert_true(o.high_priority && o.allow_scripts);
	assert_string_equal(o.group, "grp");

	/* -V / -h / -d act when reached, before later (even bad) options */
	assert_int_equal(parse(&o, &err, 3, "-V", "--fire-timeout", "x"),
			 WDMD_ACT_VERSION);
	assert_int_equal(parse(&o, &err, 2, "--help"), WDMD_ACT_HELP);
	assert_int_equal(parse(&o, &err, 3, "-D", "-d"), WDMD_ACT_DUMP);
	assert_int_equal(parse(&o, &err, 4, "-p", "-w", "/dev/x"), WDMD_ACT_PROBE);
	assert_string_equal(o.watchdog, "/dev/x");

	/* our own options are strict */
	assert_int_equal(parse(&o, &err, 3, "--fire-timeout", "0"), -EINVAL);
	assert_non_null(err);
	assert_int_equal(parse(&o, &err, 3, "--fire-timeout", "3x"), -EINVAL);
	assert_int_equal(parse(&o, &err, 3, "--fire-timeout", "3601"), -EINVAL);
	assert_int_equal(parse(&o, &err, 3, "--test-backend", ""), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* scripts                                                            */

static void write_script(const char *dir, const char *name, const char *body,
			 mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_scripts(void **state)
{
	struct wdmd_scripts *ss = &tst.scripts;
	char dir[] = "/tmp/test_wdmd_scripts_XXXXXX";
	char reason[WDMD_REASON_MAX] = "";
	char cmd[600];
	uint64_t now;
	int i, failed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_script(dir, "b_fail", "exit 3", 0755);
	write_script(dir, "a_ok", "exit 0", 0755);
	write_script(dir, ".hidden", "exit 1", 0755);
	write_script(dir, "noexec", "exit 1", 0644);
	assert_int_equal(mkdir(strcat(strcpy(cmd, dir), "/subdir"), 0755), 0);

	wdmd_scripts_init(ss, 1, dir, 0);
	assert_int_equal(wdmd_scripts_scan(ss), 2);
	assert_string_equal(ss->s[0].name, "a_ok");
	assert_string_equal(ss->s[1].name, "b_fail");

	now = monotime();
	assert_int_equal(wdmd_scripts_round(ss, now, reason, sizeof(reason)), 0);
	assert_true(ss->s[0].pid > 0 && ss->s[1].pid > 0);
	for (i = 0; i < 50 && (ss->s[0].pid || ss->s[1].pid); i++) {
		usleep(50 * 1000);
		wdmd_scripts_reap(ss);
	}
	assert_int_equal(ss->s[0].pid, 0);
	assert_int_equal(ss->s[1].pid, 0);
	assert_int_equal(ss->s[0].last_result, 0);
	assert_int_equal(ss->s[1].last_result, 3);
	assert_int_equal(ss->s[1].fail, 1);

	/* the failed one is re-run at once and keeps failing; the good one
	 * is not re-run before interval - 1 seconds */
	failed = wdmd_scripts_round(ss, now, reason, sizeof(reason));
	assert_int_equal(failed, 1);
	assert_string_equal(reason, "script b_fail");
	assert_int_equal(ss->s[0].pid, 0);
	assert_true(ss->s[1].pid > 0);
	for (i = 0; i < 50 && ss->s[1].pid; i++) {
		usleep(50 * 1000);
		wdmd_scripts_reap(ss);
	}

	/* a script that disappears is dropped */
	snprintf(cmd, sizeof(cmd), "%s/b_fail", dir);
	assert_int_equal(unlink(cmd), 0);
	wdmd_scripts_round(ss, now, reason, sizeof(reason));
	assert_int_equal(ss->count, 1);
	assert_string_equal(ss->s[0].name, "a_ok");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_real_device_guard(void **state)
{
	const char *step = "";

	(void)state;
	/* the guard refuses before open; non-devices are never opened */
	assert_int_equal(wdmd_realdev_try("/dev/null", 60, &step), -EPERM);
	assert_string_equal(step, "open");
	assert_int_equal(wdmd_realdev_try("/nonexistent/wd", 60, &step), -ENOENT);
	assert_string_equal(step, "stat");
	assert_int_equal(wdmd_realdev_try("/etc/hostname", 60, &step), -ENOTTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expired_edges, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_eval_several, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_pet_allowed_usec_edge, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_table_bound, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_close_armed_becomes_dead, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_labels, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_request_register_refcount_testlive, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_request_status_and_open_watchdog, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_request_refused, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_readable_partial_and_eof, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_readable_bad_request_closes, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_dump_request_and_format, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_round_pets_or_not, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_round_recheck_before_pet, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_testdev_fires_after_timeout, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_testdev_fire_now_latches, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_quit_rules, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_options, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_scripts, state_setup, state_teardown),
		cmocka_unit_test_setup_teardown(test_real_device_guard, state_setup, state_teardown),
	};

	setenv(WDMD_NO_DEVICE_ENV, "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
