/*
 * test_client_local.c - unit tests of the library calls that need no
 * daemon: sanlock_test_resource_owners (api.md §4.4), sanlock_get_event and
 * sanlock_end_event on the event fd (§4.6), and the transport errors when
 * no daemon listens (§4.1: -ENOENT without a socket file, -ECONNREFUSED on
 * a stale one).
 *
 * Single-threaded.  SANLOCK_RUN_DIR points at an empty private directory,
 * set in main() before the first library call (the library caches it).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
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
#include "common/wire.h"
#include "lib/client.h"

static char run_dir[64];

static struct sanlk_host host(uint64_t id, uint64_t gen, uint32_t state)
{
	struct sanlk_host h;

	memset(&h, 0, sizeof(h));
	h.host_id = id;
	h.generation = gen;
	h.flags = state;
	return h;
}

static void t_owners(void **state)
{
	struct sanlk_host owners[2], hosts[3];
	uint32_t tf = 77;

	(void)state;
	/* no owners: fine, flags cleared */
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, NULL, 0, NULL, 0,
						      &tf), 0);
	assert_int_equal(tf, 0);

	owners[0] = host(1, 3, 0);
	owners[1] = host(2, 1, 0);

	/* owner's host not listed: ignored */
	hosts[0] = host(7, 1, SANLK_HOST_LIVE);
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, owners, 1,
						      hosts, 1, &tf), 0);
	assert_int_equal(tf, 0);

	/* same generation and LIVE / FAIL / UNKNOWN: fail */
	hosts[0] = host(1, 3, SANLK_HOST_LIVE);
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, owners, 1,
						      hosts, 1, &tf), 0);
	assert_int_equal(tf, SANLK_TRF_FAIL);
	hosts[0].flags = SANLK_HOST_UNKNOWN;
	sanlock_test_resource_owners(NULL, 0, owners, 1, hosts, 1, &tf);
	assert_int_equal(tf, SANLK_TRF_FAIL);

	/* FREE / DEAD: fine */
	hosts[0].flags = SANLK_HOST_DEAD;
	sanlock_test_resource_owners(NULL, 0, owners, 1, hosts, 1, &tf);
	assert_int_equal(tf, 0);
	hosts[0].flags = SANLK_HOST_FREE;
	sanlock_test_resource_owners(NULL, 0, owners, 1, hosts, 1, &tf);
	assert_int_equal(tf, 0);

	/* newer host generation: the owner is gone, ignored */
	hosts[0] = host(1, 4, SANLK_HOST_LIVE);
	sanlock_test_resource_owners(NULL, 0, owners, 1, hosts, 1, &tf);
	assert_int_equal(tf, 0);

	/* older host generation or an unknown state: -EINVAL */
	hosts[0] = host(1, 2, SANLK_HOST_LIVE);
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, owners, 1,
						      hosts, 1, &tf), -EINVAL);
	hosts[0] = host(1, 3, 9);
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, owners, 1,
						      hosts, 1, &tf), -EINVAL);

	/* first matching host entry decides; any failing owner fails */
	hosts[0] = host(1, 3, SANLK_HOST_DEAD);
	hosts[1] = host(1, 3, SANLK_HOST_LIVE);
	hosts[2] = host(2, 1, SANLK_HOST_FAIL);
	assert_int_equal(sanlock_test_resource_owners(NULL, 0, owners, 2,
						      hosts, 3, &tf), 0);
	assert_int_equal(tf, SANLK_TRF_FAIL);
}

static void t_get_event(void **state)
{
	struct sanlk_host_event he;
	struct event_cb cb;
	uint64_t from_id = 0, from_gen = 0;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);

	memset(&he, 0, sizeof(he));
	assert_int_equal(sanlock_get_event(sv[0], 0, &he, NULL, NULL), -EAGAIN);

	memset(&cb, 0, sizeof(cb));
	cb.h.magic = SM_MAGIC;
	cb.h.version = SM_CB_PROTO;
	cb.h.cmd = SM_CB_GET_EVENT;
	cb.h.length = sizeof(cb);
	cb.he.host_id = 2;
	cb.he.generation = 1;
	cb.he.event = 42;
	cb.he.data = 4242;
	cb.from_host_id = 1;
	cb.from_generation = 2;
	assert_int_equal(send(sv[1], &cb, sizeof(cb), 0), (ssize_t)sizeof(cb));

	assert_int_equal(sanlock_get_event(sv[0], 0, &he, &from_id, &from_gen),
			 0);
	assert_int_equal(he.host_id, 2);
	assert_int_equal(he.event, 42);
	assert_int_equal(he.data, 4242);
	assert_int_equal(from_id, 1);
	assert_int_equal(from_gen, 2);

	/* the daemon closed it: EOF is -1 */
	close(sv[1]);
	assert_int_equal(sanlock_get_event(sv[0], 0, &he, NULL, NULL), -1);
	close(sv[0]);
}

static void t_end_event_closed_fd(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	close(sv[1]);
	/* the end mark cannot be written: -EALREADY, no daemon contact */
	assert_int_equal(sanlock_end_event(sv[0], "ls", 0), -EALREADY);
}

static void t_no_socket(void **state)
{
	struct sanlk_lockspace ls;
	uint32_t version = 0;

	(void)state;
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(sanlock_register(), -ENOENT);
	assert_int_equal(sanlock_inq_lockspace(&ls, 0), -ENOENT);
	assert_int_equal(sanlock_version(0, &version, NULL), -ENOENT);
	assert_int_equal(send_command(SM_CMD_STATUS, 0), -ENOENT);
	assert_int_equal(client_ext_connect(SM_EXT_MESSAGES), -ENOENT);
}

static void t_stale_socket(void **state)
{
	struct sockaddr_un addr;
	struct sanlk_lockspace ls;
	int fd;

	(void)state;
	sanlock_socket_address(run_dir, &addr);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);	/* the file stays, nobody listens */

	memset(&ls, 0, sizeof(ls));
	assert_int_equal(sanlock_add_lockspace(&ls, 0), -ECONNREFUSED);
	assert_int_equal(sanlock_reg_event("ls", NULL, 0), -ECONNREFUSED);
	unlink(addr.sun_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_owners),
		cmocka_unit_test(t_get_event),
		cmocka_unit_test(t_end_event_closed_fd),
		cmocka_unit_test(t_no_socket),
		cmocka_unit_test(t_stale_socket),
	};
	int rv;

	strcpy(run_dir, "/tmp/slk-client-local-XXXXXX");
	if (!mkdtemp(run_dir))
		return 1;
	setenv("SANLOCK_RUN_DIR", run_dir, 1);
	signal(SIGPIPE, SIG_IGN);
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(run_dir);
	return rv;
}
