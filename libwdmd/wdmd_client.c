/*
 * wdmd_client.c - libwdmd's public functions (include/wdmd.h; spec/api.md
 * Appendix A, spec/cli.md §4.4, §4.10): connect, register, refcount,
 * test_live, status, and the extensions open_watchdog and fire_now.
 *
 * No state of its own: every call works on the caller's connection fd,
 * which one thread at a time must own.  Records are built zeroed with
 * magic 0, as 3.8.5's library sends them (observed); FIRE_NOW alone
 * carries WDMD_MAGIC_EXT.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wdmd.h"
#include "libwdmd/wdmd_wire.h"

#define WDMD_EXPORT __attribute__((visibility("default")))

static void rec_init(struct wdmd_record *rec, uint32_t cmd)
{
	memset(rec, 0, sizeof(*rec));
	rec->cmd = cmd;
}

static int send_cmd(int con, uint32_t cmd)
{
	struct wdmd_record rec;

	rec_init(&rec, cmd);
	return wdmd_wire_send(con, &rec);
}

WDMD_EXPORT int wdmd_socket_address(struct sockaddr_un *addr)
{
	int rv;

	if (!addr)
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	rv = wdmd_run_path(addr->sun_path, sizeof(addr->sun_path),
			   WDMD_SOCK_NAME);
	return rv;
}

WDMD_EXPORT int wdmd_connect(void)
{
	struct sockaddr_un addr;
	int fd, rv;

	rv = wdmd_socket_address(&addr);
	if (rv < 0)
		return rv;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		rv = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
		if (rv == 0)
			return fd;
		if (errno != EINTR)
			break;
	}
	rv = -errno;
	close(fd);
	return rv;
}

/* 3.8.5 accepts names of up to WDMD_NAME_SIZE bytes, sending exactly 128
 * non-NUL bytes for a 128-character name, and refuses longer ones with
 * -ENAMETOOLONG without sending (observed).  wdmd itself uses at most
 * WDMD_NAME_SIZE - 1 characters. */
WDMD_EXPORT int wdmd_register(int con, char *name)
{
	struct wdmd_record rec;
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, WDMD_NAME_SIZE + 1);
	if (len > WDMD_NAME_SIZE)
		return -ENAMETOOLONG;
	rec_init(&rec, WDMD_CMD_REGISTER);
	memcpy(rec.name, name, len);
	return wdmd_wire_send(con, &rec);
}

WDMD_EXPORT int wdmd_refcount_set(int con)
{
	return send_cmd(con, WDMD_CMD_REFCOUNT_SET);
}

WDMD_EXPORT int wdmd_refcount_clear(int con)
{
	return send_cmd(con, WDMD_CMD_REFCOUNT_CLEAR);
}

WDMD_EXPORT int wdmd_test_live(int con, uint64_t renewal_time,
			       uint64_t expire_time)
{
	struct wdmd_record rec;

	rec_init(&rec, WDMD_CMD_TEST_LIVE);
	rec.renewal_time = renewal_time;
	rec.expire_time = expire_time;
	return wdmd_wire_send(con, &rec);
}

/* Difference from 3.8.5: its library returns 0 with zeroed values when the
 * reply is short or missing (observed); we return -ECONNRESET/-ETIMEDOUT,
 * and leave the outputs untouched on error. */
WDMD_EXPORT int wdmd_status(int con, int *test_interval, int *fire_timeout,
			    uint64_t *last_keepalive)
{
	struct wdmd_record req, rep;
	int rv;

	rec_init(&req, WDMD_CMD_STATUS);
	rv = wdmd_wire_call(con, &req, &rep);
	if (rv < 0)
		return rv;
	if (test_interval)
		*test_interval = (int)rep.test_interval;
	if (fire_timeout)
		*fire_timeout = (int)rep.fire_timeout;
	if (last_keepalive)
		*last_keepalive = rep.last_keepalive;
	return 0;
}

WDMD_EXPORT int wdmd_open_watchdog(int con, int fire_timeout)
{
	struct wdmd_record req, rep;
	int rv;

	if (fire_timeout <= 0)
		return -EINVAL;
	rec_init(&req, WDMD_CMD_OPEN_WATCHDOG);
	req.fire_timeout = (uint32_t)fire_timeout;
	rv = wdmd_wire_call(con, &req, &rep);
	if (rv < 0)
		return rv;
	if (rep.fire_timeout != (uint32_t)fire_timeout)
		return -EINVAL;
	return 0;
}

WDMD_EXPORT int wdmd_fire_now(int con, const char *reason)
{
	struct wdmd_record req, rep;

	rec_init(&req, WDMD_CMD_FIRE_NOW);
	req.magic = WDMD_MAGIC_EXT;
	if (reason)
		memcpy(req.name, reason, strnlen(reason, WDMD_NAME_SIZE - 1));
	return wdmd_wire_call(con, &req, &rep);
}
