/*
 * resetd_sock.c - sanlk-resetd's update socket (spec/cli.md §5.1): an
 * AF_UNIX datagram socket <run dir>/sanlk-resetd.sock (mode 0660; run dir
 * created 0755 when missing; see reset_common.h for $SANLK_RESETD_RUN_DIR)
 * receiving 256-byte "<cmd> <name>" messages.  A socket file that
 * another process still answers on is left alone (a second sanlk-resetd
 * fails to start); a stale one is replaced.  No state.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "resetd.h"
#include "resetd_log.h"

static int sock_addr(struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return reset_sock_path(sun->sun_path, sizeof(sun->sun_path));
}

/* 1 when some process is bound to the socket file. */
static int in_use(const struct sockaddr_un *sun)
{
	int fd, rv;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	rv = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return rv == 0;
}

int resetd_sock_open(void)
{
	const char *dir = reset_run_dir();
	struct sockaddr_un sun;
	int fd, rv;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		rv = -errno;
		resetd_error("cannot create %s: error %d", dir, rv);
		return rv;
	}
	rv = sock_addr(&sun);
	if (rv < 0) {
		resetd_error("socket path in %s too long", dir);
		return rv;
	}
	if (in_use(&sun)) {
		resetd_error("%s is in use: another sanlk-resetd is running",
			     sun.sun_path);
		return -EADDRINUSE;
	}
	unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rv = -errno;
		resetd_error("socket error %d", rv);
		return rv;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		rv = -errno;
		resetd_error("bind %s error %d", sun.sun_path, rv);
		close(fd);
		return rv;
	}
	if (chmod(sun.sun_path, 0660) < 0)
		resetd_error("chmod %s error %d", sun.sun_path, -errno);
	return fd;
}

void resetd_sock_close(int fd)
{
	struct sockaddr_un sun;

	if (fd < 0)
		return;
	close(fd);
	if (sock_addr(&sun) == 0)
		unlink(sun.sun_path);
}

int resetd_sock_recv(int fd, char *cmd, size_t cmdsize, char *name,
		     size_t namesize)
{
	char buf[2 * RESET_UPDATE_SIZE];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
			       -errno;
		/* MSG_TRUNC: n is the real size, even when larger */
		if (n == RESET_UPDATE_SIZE &&
		    reset_update_parse(buf, (size_t)n, cmd, cmdsize, name,
				       namesize) == 0)
			return 1;
		resetd_debug("ignore update message of %zd bytes", n);
	}
}
