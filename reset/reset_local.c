/*
 * reset_local.c - sanlk-reset reg|end|clear: one update datagram per name
 * to the local sanlk-resetd (spec/cli.md §5.2).  No state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "reset_common.h"
#include "reset_local.h"

int reset_update_send(const char *cmd, const char *name)
{
	char msg[RESET_UPDATE_SIZE];
	struct sockaddr_un sun;
	ssize_t n;
	int fd, rv;

	rv = reset_update_format(msg, cmd, name);
	if (rv < 0)
		return rv;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	rv = reset_sock_path(sun.sun_path, sizeof(sun.sun_path));
	if (rv < 0)
		return rv;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&sun,
		   sizeof(sun));
	rv = n < 0 ? -errno : (n == (ssize_t)sizeof(msg) ? 0 : -EIO);
	close(fd);
	return rv;
}

int reset_local_update(const struct reset_opts *o)
{
	int i, rv;

	for (i = 0; i < o->count; i++) {
		rv = reset_update_send(o->cmd_name, o->t[i].name);
		if (rv < 0) {
			printf("Failed to update local sanlk-resetd: %s\n",
			       strerror(-rv));
			return 1;
		}
		printf("Updated %s %s\n", o->cmd_name, o->t[i].name);
	}
	return 0;
}
