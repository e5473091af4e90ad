/*
 * test_client_wire.c - unit tests of the library's client side against a
 * scripted fake daemon: request framing of every command family
 * (spec/api.md §4.11), reply parsing, NULL/limit checks that must not touch
 * the socket, transport errors, and extension detection (§8.8).
 *
 * The fake daemon is one thread per test (fake_start/fake_finish) that
 * accepts one connection on <tmpdir>/sanlock.sock, records the request
 * bytes, answers with a scripted reply and closes.  SANLOCK_RUN_DIR is set
 * in main() before the first library call, since the library caches it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
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

#include "sanlock.h"
#include "sanlock_admin.h"
#include "sanlock_resource.h"
#include "sanlock_rv.h"
#include "common/wire.h"
#include "lib/client.h"

#define FAKE_BUF_MAX  (64 * 1024)
#define FAKE_STEPS_MAX 4

/* One request/reply exchange on the accepted connection. */
struct fake_step {
	size_t req_len;            /* bytes to read before replying */
	unsigned char reply[8192];
	size_t reply_len;
};

struct fake {
	int listen_fd;
	pthread_t thread;
	struct fake_step steps[FAKE_STEPS_MAX];
	int nsteps;
	unsigned char req[FAKE_BUF_MAX];
	size_t req_got;
	int accepted;
};

static char fake_dir[64];
static struct fake F;

static void fake_listen(void)
{
	struct sockaddr_un addr;

	sanlock_socket_address(fake_dir, &addr);
	unlink(addr.sun_path);
	F.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(F.listen_fd >= 0);
	assert_int_equal(bind(F.listen_fd, (struct sockaddr *)&addr,
			      sizeof(addr)), 0);
	assert_int_equal(listen(F.listen_fd, 4), 0);
}

static void *fake_thread(void *arg)
{
	int fd, i;

	(void)arg;
	fd = accept(F.listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	F.accepted = 1;
	for (i = 0; i < F.nsteps; i++) {
		size_t want = F.req_got + F.steps[i].req_len;

		while (F.req_got < want && F.req_got < FAKE_BUF_MAX) {
			ssize_t n = recv(fd, F.req + F.req_got,
					 want - F.req_got, 0);
			if (n <= 0)
				goto out;
			F.req_got += (size_t)n;
		}
		if (F.steps[i].reply_len &&
		    send(fd, F.steps[i].reply, F.steps[i].reply_len,
			 MSG_NOSIGNAL) < 0)
			goto out;
	}
out:
	close(fd);
	return NULL;
}

/* Reset the script; add steps with fake_step(); then fake_start(). */
static void fake_reset(void)
{
	memset(F.steps, 0, sizeof(F.steps));
	F.nsteps = 0;
	F.req_got = 0;
	F.accepted = 0;
	memset(F.req, 0, sizeof(F.req));
}

static struct fake_step *fake_step(size_t req_len)
{
	struct fake_step *s;

	assert_true(F.nsteps < FAKE_STEPS_MAX);
	s = &F.steps[F.nsteps++];
	s->req_len = req_len;
	s->reply_len = 0;
	return s;
}

static void step_add(struct fake_step *s, const void *buf, size_t len)
{
	assert_true(s->reply_len + len <= sizeof(s->reply));
	memcpy(s->reply + s->reply_len, buf, len);
	s->reply_len += len;
}

static void step_header(struct fake_step *s, uint32_t cmd, int32_t data,
			uint32_t data2, uint32_t extra_len)
{
	struct sm_header h = {
		.magic = SM_MAGIC, .version = SM_PROTO, .cmd = cmd,
		.length = (uint32_t)sizeof(h) + extra_len,
		.data = (uint32_t)data, .data2 = data2,
	};
	step_add(s, &h, sizeof(h));
}

static void fake_start(void)
{
	assert_int_equal(pthread_create(&F.thread, NULL, fake_thread, NULL), 0);
}

static void fake_finish(void)
{
	pthread_join(F.thread, NULL);
}

static struct sm_header req_header(size_t at)
{
	struct sm_header h;

	assert_true(F.req_got >= at + sizeof(h));
	memcpy(&h, F.req + at, sizeof(h));
	return h;
}

static void check_header(const struct sm_header *h, uint32_t cmd,
			 uint32_t cmd_flags, uint32_t length, uint32_t data,
			 uint32_t data2)
{
	assert_int_equal(h->magic, SM_MAGIC);
	assert_int_equal(h->version, SM_PROTO);
	assert_int_equal(h->cmd, cmd);
	assert_int_equal(h->cmd_flags, cmd_flags);
	assert_int_equal(h->length, length);
	assert_int_equal(h->seq, 0);
	assert_int_equal(h->data, data);
	assert_int_equal(h->data2, data2);
}

static struct sanlk_resource *make_res(const char *ls, const char *name,
				       uint32_t num_disks)
{
	struct sanlk_resource *r;
	uint32_t i;

	r = calloc(1, sizeof(*r) + num_disks * sizeof(struct sanlk_disk));
	assert_non_null(r);
	strncpy(r->lockspace_name, ls, SANLK_NAME_LEN - 1);
	strncpy(r->name, name, SANLK_NAME_LEN - 1);
	r->num_disks = num_disks;
	for (i = 0; i < num_disks; i++) {
		snprintf(r->disks[i].path, SANLK_PATH_LEN, "/dev/d%u", i);
		r->disks[i].offset = 1048576ULL * i;
	}
	return r;
}

/* ---- tests ---- */

static void t_socket_address(void **state)
{
	struct sockaddr_un addr;
	char dir[200];

	(void)state;
	assert_int_equal(sanlock_socket_address("/run/sanlock", &addr), 0);
	assert_int_equal(addr.sun_family, AF_UNIX);
	assert_string_equal(addr.sun_path, "/run/sanlock/sanlock.sock");

	memset(dir, 'x', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	sanlock_socket_address(dir, &addr);
	assert_int_equal(strlen(addr.sun_path), 106);
}

static void t_send_command(void **state)
{
	struct sm_header h;
	int fd;

	(void)state;
	fake_reset();
	fake_step(32);
	fake_start();
	fd = send_command(SM_CMD_STATUS, 3);
	assert_true(fd >= 0);
	fake_finish();
	close(fd);
	h = req_header(0);
	check_header(&h, SM_CMD_STATUS, 0, 32, 3, 0);
}

static void t_register_no_reply(void **state)
{
	struct sm_header h;
	int fd;

	(void)state;
	fake_reset();
	fake_step(32);
	fake_start();
	fd = sanlock_register();
	assert_true(fd >= 0);
	fake_finish();
	close(fd);
	h = req_header(0);
	check_header(&h, SM_CMD_REGISTER, 0, 32, 0, 0);
}

static void t_acquire_framing(void **state)
{
	struct sanlk_resource *res[2];
	struct sanlk_options opt;
	struct sanlk_options wire_opt;
	struct sm_header h;
	size_t len = 32 + (128 + 1040) + (128 + 2 * 1040) + 56;
	int rv;

	(void)state;
	res[0] = make_res("ls", "r1", 1);
	res[1] = make_res("ls", "r2", 2);
	memset(&opt, 0, sizeof(opt));
	strcpy(opt.owner_name, "owner");
	opt.flags = 0x5;
	opt.len = 7;	/* must go out as 0 (api.md §3.5) */

	fake_reset();
	step_header(fake_step(len), SM_CMD_ACQUIRE, -EEXIST, 0, 0);
	fake_start();
	rv = sanlock_acquire(-1, 1234, SANLK_ACQUIRE_LVB, 2, res, &opt);
	fake_finish();

	assert_int_equal(rv, -EEXIST);
	assert_int_equal(F.req_got, len);
	h = req_header(0);
	check_header(&h, SM_CMD_ACQUIRE, SANLK_ACQUIRE_LVB, (uint32_t)len, 2,
		     1234);
	assert_memory_equal(F.req + 32, res[0], 128 + 1040);
	assert_memory_equal(F.req + 32 + 1168, res[1], 128 + 2080);
	memcpy(&wire_opt, F.req + len - 56, 56);
	assert_string_equal(wire_opt.owner_name, "owner");
	assert_int_equal(wire_opt.flags, 0x5);
	assert_int_equal(wire_opt.len, 0);
	free(res[0]);
	free(res[1]);
}

static void t_acquire_limits(void **state)
{
	struct sanlk_resource *res[SANLK_MAX_RESOURCES + 1];
	int i;

	(void)state;
	for (i = 0; i <= SANLK_MAX_RESOURCES; i++)
		res[i] = make_res("ls", "r", 1);
	/* refused before connecting: no fake daemon is listening for it */
	assert_int_equal(sanlock_acquire(-1, 1, 0, 9, res, NULL), -EINVAL);
	res[0]->num_disks = 5;
	assert_int_equal(sanlock_acquire(-1, 1, 0, 1, res, NULL), -EINVAL);
	for (i = 0; i <= SANLK_MAX_RESOURCES; i++)
		free(res[i]);
}

static void t_release_headers_only(void **state)
{
	struct sanlk_resource *res[1];
	struct sm_header h;
	int rv;

	(void)state;
	res[0] = make_res("ls", "r1", 2);
	fake_reset();
	step_header(fake_step(32 + 128), SM_CMD_RELEASE, -1, 0, 0);
	fake_start();
	rv = sanlock_release(-1, 77, SANLK_REL_ORPHAN, 1, res);
	fake_finish();
	assert_int_equal(rv, -1);
	h = req_header(0);
	check_header(&h, SM_CMD_RELEASE, SANLK_REL_ORPHAN, 32 + 128, 1, 77);
	assert_memory_equal(F.req + 32, res[0], 128);
	free(res[0]);
}

static void t_inquire_state(void **state)
{
	const char text[] = "ls:r1:/p:0:1 ls:r2:/p:1048576:SH";
	struct sm_header h;
	char *st = (char *)1;
	int count = -1, rv;

	(void)state;
	fake_reset();
	{
		struct fake_step *s = fake_step(32);

		step_header(s, SM_CMD_INQUIRE, 0, 2, sizeof(text));
		step_add(s, text, sizeof(text));
	}
	fake_start();
	rv = sanlock_inquire(-1, 55, 0, &count, &st);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(count, 2);
	assert_non_null(st);
	assert_string_equal(st, text);
	free(st);
	h = req_header(0);
	check_header(&h, SM_CMD_INQUIRE, 0, 32, 0, 55);

	/* error without payload: count 0, state NULL */
	fake_reset();
	step_header(fake_step(32), SM_CMD_INQUIRE, -ESRCH, 0, 0);
	fake_start();
	count = -1;
	st = (char *)1;
	rv = sanlock_inquire(-1, 55, 0, &count, &st);
	fake_finish();
	assert_int_equal(rv, -ESRCH);
	assert_int_equal(count, 0);
	assert_null(st);
}

static void t_get_lockspaces(void **state)
{
	struct sanlk_lockspace *lss = NULL, two[2];
	int count = -1, rv;

	(void)state;
	/* count 0: a (malloc(0)) array is still handed out */
	fake_reset();
	step_header(fake_step(32), SM_CMD_GET_LOCKSPACES, 0, 0, 0);
	fake_start();
	rv = sanlock_get_lockspaces(&lss, &count, 0);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(count, 0);
	free(lss);

	memset(two, 0, sizeof(two));
	strcpy(two[0].name, "a");
	strcpy(two[1].name, "b");
	two[1].flags = SANLK_LSF_ADD;
	fake_reset();
	{
		struct fake_step *s = fake_step(32);

		step_header(s, SM_CMD_GET_LOCKSPACES, 0, 2, sizeof(two));
		step_add(s, two, sizeof(two));
	}
	fake_start();
	lss = NULL;
	rv = sanlock_get_lockspaces(&lss, &count, 0);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(count, 2);
	assert_non_null(lss);
	assert_string_equal(lss[1].name, "b");
	assert_int_equal(lss[1].flags, SANLK_LSF_ADD);
	free(lss);

	/* an error other than -ENOSPC leaves the outputs alone */
	fake_reset();
	step_header(fake_step(32), SM_CMD_GET_LOCKSPACES, -ENOENT, 5, 0);
	fake_start();
	lss = NULL;
	count = -7;
	rv = sanlock_get_lockspaces(&lss, &count, 0);
	fake_finish();
	assert_int_equal(rv, -ENOENT);
	assert_int_equal(count, -7);
	assert_null(lss);
}

static void t_get_hosts(void **state)
{
	struct sanlk_host *hss = NULL, host;
	struct sanlk_lockspace wire_ls;
	struct sm_header h;
	int count = 0, rv;

	(void)state;
	assert_int_equal(sanlock_get_hosts(NULL, 0, &hss, &count, 0), -EINVAL);

	memset(&host, 0, sizeof(host));
	host.host_id = 5;
	host.flags = SANLK_HOST_FREE;
	fake_reset();
	{
		struct fake_step *s = fake_step(32 + 1104);

		step_header(s, SM_CMD_GET_HOSTS, 0, 1, sizeof(host));
		step_add(s, &host, sizeof(host));
	}
	fake_start();
	rv = sanlock_get_hosts("ls1", 5, &hss, &count, 0);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(count, 1);
	assert_int_equal(hss[0].host_id, 5);
	free(hss);
	h = req_header(0);
	check_header(&h, SM_CMD_GET_HOSTS, 0, 32 + 1104, 0, 0);
	memcpy(&wire_ls, F.req + 32, sizeof(wire_ls));
	assert_string_equal(wire_ls.name, "ls1");
	assert_int_equal(wire_ls.host_id, 5);
	assert_int_equal(wire_ls.host_id_disk.path[0], 0);
}

static void t_read_resource_copies_on_error(void **state)
{
	struct sanlk_resource *res = make_res("", "", 1), back;
	int rv;

	(void)state;
	memset(&back, 0, sizeof(back));
	strcpy(back.name, "from-daemon");
	back.num_disks = 1;
	fake_reset();
	{
		struct fake_step *s = fake_step(32 + 128 + 1040);

		step_header(s, SM_CMD_READ_RESOURCE, SANLK_LEADER_MAGIC, 0, 128);
		step_add(s, &back, sizeof(back));
	}
	fake_start();
	rv = sanlock_read_resource(res, 0);
	fake_finish();
	assert_int_equal(rv, SANLK_LEADER_MAGIC);
	assert_string_equal(res->name, "from-daemon");
	free(res);

	/* library checks: no disk, too many disks, empty path */
	res = make_res("ls", "r", 0);
	assert_int_equal(sanlock_read_resource(res, 0), -EINVAL);
	assert_int_equal(sanlock_write_resource(res, 0, 0, 0), -EINVAL);
	free(res);
	assert_int_equal(sanlock_read_resource(NULL, 0), -EINVAL);
}

static void t_write_resource_wire_quirk(void **state)
{
	struct sanlk_resource *res = make_res("ls", "r", 1);
	struct sm_header h;
	int rv;

	(void)state;
	fake_reset();
	step_header(fake_step(32 + 128 + 1040), SM_CMD_WRITE_RESOURCE, 0, 0, 0);
	fake_start();
	rv = sanlock_write_resource(res, 9, 5, SANLK_WRITE_CLEAR);
	fake_finish();
	assert_int_equal(rv, 0);
	h = req_header(0);
	check_header(&h, SM_CMD_WRITE_RESOURCE, SANLK_WRITE_CLEAR,
		     32 + 128 + 1040, 9, 5);
	free(res);
}

static void t_lookup_length_quirk(void **state)
{
	struct sanlk_rindex rx;
	struct sanlk_rentry re, back;
	struct sm_header h;
	int rv;

	(void)state;
	memset(&rx, 0, sizeof(rx));
	strcpy(rx.lockspace_name, "ls");
	strcpy(rx.disk.path, "/dev/x");
	memset(&re, 0, sizeof(re));
	strcpy(re.name, "foo");
	memset(&back, 0, sizeof(back));
	strcpy(back.name, "foo");
	back.offset = 3145728;

	fake_reset();
	{
		struct fake_step *s = fake_step(32 + 1104 + 64);

		step_header(s, SM_CMD_LOOKUP_RINDEX, 0, 0, 64);
		step_add(s, &back, sizeof(back));
	}
	fake_start();
	rv = sanlock_lookup_rindex(&rx, 0, &re);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(re.offset, 3145728);
	h = req_header(0);
	/* 3.8.5 says rx + a resource header although rx + re follow */
	check_header(&h, SM_CMD_LOOKUP_RINDEX, 0, 32 + 1104 + 128, 0, 0);

	rx.disk.path[0] = '\0';
	assert_int_equal(sanlock_lookup_rindex(&rx, 0, &re), -EINVAL);
	assert_int_equal(sanlock_format_rindex(NULL, 0), -EINVAL);
}

static void t_version(void **state)
{
	uint32_t version = 0, proto = 0;
	int rv;

	(void)state;
	fake_reset();
	{
		struct fake_step *s = fake_step(32);
		struct sm_header h = {
			.magic = SM_MAGIC, .version = SM_PROTO,
			.cmd = SM_CMD_VERSION, .length = 32,
			.data = 0, .data2 = 0x03080500,
		};
		step_add(s, &h, sizeof(h));
	}
	fake_start();
	rv = sanlock_version(0, &version, &proto);
	fake_finish();
	assert_int_equal(rv, 0);
	assert_int_equal(version, 0x03080500);
	assert_int_equal(proto, 1);
}

static void t_short_reply(void **state)
{
	struct sanlk_lockspace ls;

	(void)state;
	memset(&ls, 0, sizeof(ls));
	fake_reset();
	fake_step(32 + 1104);	/* closes without replying */
	fake_start();
	assert_int_equal(sanlock_inq_lockspace(&ls, 0), -1);
	fake_finish();
}

static void t_killpath_truncation(void **state)
{
	char path[300], args[300];
	char wire_path[128], wire_args[128];
	int fd, rv;

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	strcpy(args, "-a b\\ c");

	fake_reset();
	fake_step(32);	/* REGISTER */
	step_header(fake_step(32 + 256), SM_CMD_KILLPATH, 0, 0, 0);
	fake_start();
	fd = sanlock_register();
	assert_true(fd >= 0);
	rv = sanlock_killpath(fd, SANLK_KILLPATH_PID, path, args);
	close(fd);
	fake_finish();
	assert_int_equal(rv, 0);
	{
		struct sm_header h = req_header(32);

		check_header(&h, SM_CMD_KILLPATH, SANLK_KILLPATH_PID, 32 + 256, 0,
			     0xFFFFFFFFu);
	}
	memcpy(wire_path, F.req + 64, 128);
	memcpy(wire_args, F.req + 64 + 128, 128);
	assert_int_equal(strlen(wire_path), 126);
	assert_string_equal(wire_args, args);
}

static void t_ext_detection(void **state)
{
	int fd;

	(void)state;
	/* a 3.8.5 daemon answers VERSION with cmd_flags 0 */
	fake_reset();
	step_header(fake_step(32), SM_CMD_VERSION, 0, 0x03080500, 0);
	fake_start();
	assert_int_equal(client_ext_connect(SM_EXT_MESSAGES), -EPROTONOSUPPORT);
	fake_finish();
	{
		struct sm_header h = req_header(0);

		check_header(&h, SM_CMD_VERSION, SM_EXT_QUERY, 32, 0, 0);
	}

	/* ours advertises the extension and keeps the connection open */
	fake_reset();
	{
		struct fake_step *s = fake_step(32);
		struct sm_header h = {
			.magic = SM_MAGIC, .version = SM_PROTO,
			.cmd = SM_CMD_VERSION, .cmd_flags = SM_EXT_MESSAGES,
			.length = 32, .data2 = 0x03080500,
		};
		step_add(s, &h, sizeof(h));
	}
	fake_step(32);	/* the extension command follows on the same fd */
	fake_start();
	fd = client_ext_connect(SM_EXT_MESSAGES);
	assert_true(fd >= 0);
	assert_int_equal(client_send_request(fd, SM_CMD_LAST_385 + 1, 0, 0, 0,
					     0, NULL, 0), 0);
	fake_finish();
	close(fd);
	{
		struct sm_header h = req_header(32);

		assert_int_equal(h.cmd, SM_CMD_LAST_385 + 1);
	}
}

static void t_null_checks(void **state)
{
	struct sanlk_host_event he;

	(void)state;
	memset(&he, 0, sizeof(he));
	assert_int_equal(sanlock_convert(-1, 1, 0, NULL), -EINVAL);
	assert_int_equal(sanlock_request(0, 0, NULL), -EINVAL);
	assert_int_equal(sanlock_examine(0, NULL, NULL), -EINVAL);
	assert_int_equal(sanlock_set_lvb(0, NULL, NULL, 0), -EINVAL);
	assert_int_equal(sanlock_get_lvb(0, NULL, NULL, 0), -EINVAL);
	assert_int_equal(sanlock_set_config(NULL, 0, 1, NULL), -EINVAL);
	assert_int_equal(sanlock_write_lockspace(NULL, 0, 0, 0), -EINVAL);
	assert_int_equal(sanlock_reg_event(NULL, NULL, 0), -EINVAL);
	assert_int_equal(sanlock_end_event(-1, NULL, 0), -EINVAL);
	assert_int_equal(sanlock_set_event("ls", NULL, 0), -EINVAL);
	assert_int_equal(sanlock_set_event(NULL, &he, 0), -EINVAL);
	assert_int_equal(sanlock_init(NULL, NULL, 0, 0), -EINVAL);
}

static int group_setup(void **state)
{
	(void)state;
	fake_listen();
	return 0;
}

static int group_teardown(void **state)
{
	struct sockaddr_un addr;

	(void)state;
	close(F.listen_fd);
	sanlock_socket_address(fake_dir, &addr);
	unlink(addr.sun_path);
	rmdir(fake_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_socket_address),
		cmocka_unit_test(t_send_command),
		cmocka_unit_test(t_register_no_reply),
		cmocka_unit_test(t_acquire_framing),
		cmocka_unit_test(t_acquire_limits),
		cmocka_unit_test(t_release_headers_only),
		cmocka_unit_test(t_inquire_state),
		cmocka_unit_test(t_get_lockspaces),
		cmocka_unit_test(t_get_hosts),
		cmocka_unit_test(t_read_resource_copies_on_error),
		cmocka_unit_test(t_write_resource_wire_quirk),
		cmocka_unit_test(t_lookup_length_quirk),
		cmocka_unit_test(t_version),
		cmocka_unit_test(t_short_reply),
		cmocka_unit_test(t_killpath_truncation),
		cmocka_unit_test(t_ext_detection),
		cmocka_unit_test(t_null_checks),
	};

	/* before the first library call: the run dir is read once */
	strcpy(fake_dir, "/tmp/slk-client-test-XXXXXX");
	if (!mkdtemp(fake_dir))
		return 1;
	setenv("SANLOCK_RUN_DIR", fake_dir, 1);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
