/*
 * faultfs_ctl.c - owns the control socket and its thread (interface in
 * faultfs_ctl.h).  The listening fd, the stop pipe, the path and the
 * thread handle are written by the main thread before the control thread
 * starts and after it is joined; the control thread only reads them.  Clients are served one
 * at a time: read one line, run it (faultfs_cmd_exec), send the reply,
 * close.  Slow clients are cut off after FAULTFS_CTL_IO_TIMEOUT_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "faultfs_cmd.h"
#include "faultfs_ctl.h"

static int faultfs_ctl_fd = -1;
static int faultfs_ctl_stop_pipe[2] = { -1, -1 };
static pthread_t faultfs_ctl_thread;
static int faultfs_ctl_running;
static char faultfs_ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* Read one command line; returns its length, or -1 (reply already sent for
 * a line that is too long). */
static int faultfs_ctl_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = '\0';
	if (n == size - 1 && !memchr(buf, '\n', n))
		return -1;
	return (int)n;
}

static void faultfs_ctl_send(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		len -= (size_t)w;
	}
}

static void faultfs_ctl_serve(int fd)
{
	static char line[FAULTFS_CMD_MAX];
	struct timeval tv = {
		.tv_sec = FAULTFS_CTL_IO_TIMEOUT_MS / 1000,
		.tv_usec = (FAULTFS_CTL_IO_TIMEOUT_MS % 1000) * 1000,
	};
	char *reply = NULL;
	size_t len = 0;
	FILE *out;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	out = open_memstream(&reply, &len);
	if (!out)
		return;
	if (faultfs_ctl_read_line(fd, line, sizeof(line)) < 0)
		fprintf(out, "error command longer than %d bytes\n",
			FAULTFS_CMD_MAX - 1);
	else
		faultfs_cmd_exec(line, out);
	if (fclose(out) == 0)
		faultfs_ctl_send(fd, reply, len);
	free(reply);
}

static void *faultfs_ctl_main(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = faultfs_ctl_fd, .events = POLLIN },
		{ .fd = faultfs_ctl_stop_pipe[0], .events = POLLIN },
	};

	for (;;) {
		int fd;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("faultfs: control poll");
			return NULL;
		}
		if (pfd[1].revents)
			return NULL;
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(faultfs_ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		faultfs_ctl_serve(fd);
		close(fd);
	}
}

int faultfs_ctl_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int rv;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "faultfs: control socket path longer than %zu "
			"bytes: %s\n", sizeof(sa.sun_path) - 1, path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	faultfs_ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (faultfs_ctl_fd < 0)
		goto fail;
	if (bind(faultfs_ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	strcpy(faultfs_ctl_path, path);
	if (listen(faultfs_ctl_fd, 16) < 0)
		goto fail;
	if (pipe2(faultfs_ctl_stop_pipe, O_CLOEXEC) < 0)
		goto fail;
	return 0;
fail:
	rv = -errno;
	fprintf(stderr, "faultfs: control socket %s: %s\n", path,
		strerror(errno));
	faultfs_ctl_stop();
	return rv;
}

int faultfs_ctl_start(void)
{
	int rv;

	if (faultfs_ctl_fd < 0)
		return 0;
	rv = pthread_create(&faultfs_ctl_thread, NULL, faultfs_ctl_main, NULL);
	if (rv) {
		fprintf(stderr, "faultfs: control thread: %s\n", strerror(rv));
		return -rv;
	}
	faultfs_ctl_running = 1;
	return 0;
}

void faultfs_ctl_stop(void)
{
	if (faultfs_ctl_running) {
		if (write(faultfs_ctl_stop_pipe[1], "x", 1) != 1)
			perror("faultfs: stopping the control thread");
		pthread_join(faultfs_ctl_thread, NULL);
		faultfs_ctl_running = 0;
	}
	for (int i = 0; i < 2; i++)
		if (faultfs_ctl_stop_pipe[i] >= 0) {
			close(faultfs_ctl_stop_pipe[i]);
			faultfs_ctl_stop_pipe[i] = -1;
		}
	if (faultfs_ctl_fd >= 0) {
		close(faultfs_ctl_fd);
		faultfs_ctl_fd = -1;
	}
	if (faultfs_ctl_path[0]) {
		unlink(faultfs_ctl_path);
		faultfs_ctl_path[0] = '\0';
	}
}
