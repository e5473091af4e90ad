/*
 * wdmd_io.c - moving whole records over a wdmd connection: send with
 * MSG_NOSIGNAL (a dead wdmd must not SIGPIPE the sanlock daemon), receive
 * exactly N bytes within a time bound, and request/reply calls.
 *
 * No state; each caller owns its fd.  Loops are bounded by the record size
 * (every pass moves at least one byte or returns) and by the deadline.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "libwdmd/wdmd_wire.h"

static int64_t wire_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wdmd_wire_send(int fd, const struct wdmd_record *rec)
{
	const char *p = (const char *)rec;
	size_t done = 0;
	ssize_t n;

	if (fd < 0 || !rec)
		return fd < 0 ? -EBADF : -EINVAL;
	while (done < sizeof(*rec)) {
		n = send(fd, p + done, sizeof(*rec) - done, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		done += (size_t)n;
	}
	return 0;
}

int wdmd_wire_recv(int fd, void *buf, size_t size, int timeout_ms)
{
	char *p = buf;
	size_t done = 0;
	int64_t deadline = timeout_ms < 0 ? -1 : wire_now_ms() + timeout_ms;
	struct pollfd pfd;
	ssize_t n;
	int wait_ms, rv;

	if (fd < 0)
		return -EBADF;
	while (done < size) {
		wait_ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - wire_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			wait_ms = (int)left;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rv = poll(&pfd, 1, wait_ms);
		if (rv < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (rv == 0)
			return -ETIMEDOUT;
		if (pfd.revents & POLLNVAL)
			return -EBADF;
		n = recv(fd, p + done, size - done, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		done += (size_t)n;
	}
	return 0;
}

int wdmd_wire_call(int fd, struct wdmd_record *req, struct wdmd_record *rep)
{
	int rv;

	rv = wdmd_wire_send(fd, req);
	if (rv < 0)
		return rv;
	memset(rep, 0, sizeof(*rep));
	rv = wdmd_wire_recv(fd, rep, sizeof(*rep), WDMD_REPLY_TIMEOUT_MS);
	if (rv < 0)
		return rv;
	if (rep->cmd != req->cmd)
		return -EPROTO;
	return 0;
}
