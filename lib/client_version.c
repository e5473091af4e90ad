/*
 * client_version.c - sanlock_version (the daemon's version word and socket
 * protocol, spec/api.md §4.3) and this project's extension detection for
 * commands >= 41 (api.md §8.8): VERSION with cmd_flags SM_EXT_QUERY, to
 * which a 3.8.5 daemon answers cmd_flags 0 and ours the extensions it has.
 *
 * No state: the extension set is asked for on every connection that needs
 * it, so a daemon restarted as another implementation is noticed.
 */
#include <errno.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_admin.h"

SANLK_EXPORT int sanlock_version(uint32_t flags, uint32_t *version,
				 uint32_t *proto)
{
	struct sm_header h;
	int fd, rv;

	if (!version)
		return -EINVAL;
	fd = client_open_request(SM_CMD_VERSION, flags, 0, 0, NULL, 0);
	if (fd < 0)
		return fd;
	rv = client_recv_header(fd, &h);
	close(fd);
	if (rv < 0)
		return rv;

	if (proto)
		*proto = h.version;
	rv = (int32_t)h.data;
	if (rv < 0)
		return rv;
	*version = h.data2;
	return 0;
}

/* Ask on fd which extensions the daemon has: the set (>= 0) or an error.
 * The daemon keeps the connection open after VERSION. */
static int client_ext_ask(int fd)
{
	struct sm_header h;
	int rv;

	rv = client_send_request(fd, SM_CMD_VERSION, SM_EXT_QUERY, 0, 0, 0,
				 NULL, 0);
	if (rv < 0)
		return rv;
	rv = client_recv_header(fd, &h);
	if (rv < 0)
		return rv;
	if ((int32_t)h.data < 0)
		return (int32_t)h.data;
	return (int)(h.cmd_flags & 0x7FFFFFFFu);
}

int client_ext_connect(uint32_t need_ext)
{
	int fd, ext;

	fd = client_connect();
	if (fd < 0)
		return fd;
	ext = client_ext_ask(fd);
	if (ext < 0) {
		close(fd);
		return ext;
	}
	if (((uint32_t)ext & need_ext) != need_ext) {
		close(fd);
		return -EPROTONOSUPPORT;
	}
	return fd;
}

int client_ext_query(void)
{
	int fd, ext;

	fd = client_connect();
	if (fd < 0)
		return fd;
	ext = client_ext_ask(fd);
	close(fd);
	return ext;
}
