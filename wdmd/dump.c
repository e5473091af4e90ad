/*
 * dump.c - the debug dump, both sides (see dump.h).  No state of its own.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"
#include "wdmd/dump.h"
#include "wdmd/bounds.h"

struct dump_buf {
	char *p;
	size_t size;
	size_t len;
};

static void dump_add(struct dump_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void dump_add(struct dump_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->size - b->len)
		b->len = b->size - 1;    /* cut */
	else
		b->len += (size_t)n;
}

size_t wdmd_dump_format(const struct wdmd_state *st, char *buf, size_t size)
{
	struct dump_buf b = { buf, size, 0 };
	unsigned long long now = monotime();
	const struct wdmd_script *sc;
	const struct wdmd_client *c;
	int i;

	if (!size)
		return 0;
	buf[0] = '\0';
	dump_add(&b, "wdmd %d socket_gid %d high_priority %d now %llu "
		 "last_keepalive %llu last_closeunclean 0 allow_scripts %d "
		 "kill_script_sec %d fire_timeout %d\n",
		 (int)st->pid, (int)st->socket_gid, st->opts.high_priority, now,
		 (unsigned long long)st->last_keepalive, st->opts.allow_scripts,
		 st->opts.kill_script_sec, st->dev.fire_timeout);
	for (i = 0; i < st->scripts.count; i++) {
		sc = &st->scripts.s[i];
		dump_add(&b, "script %d name %s pid %d now %llu start %llu "
			 "last_result %d run %u fail %u good %u kill %u long %u\n",
			 i, sc->name, (int)sc->pid, now,
			 (unsigned long long)sc->start, sc->last_result, sc->run,
			 sc->fail, sc->good, sc->kill, sc->longrun);
	}
	for (i = 0; i < WDMD_CLIENT_MAX; i++) {
		c = &st->clients.c[i];
		if (!c->used)
			continue;
		dump_add(&b, "client %d name %s pid %d fd %d dead %d ref %d "
			 "now %llu renewal %llu expire %llu\n",
			 i, c->name, (int)c->pid, c->fd, c->dead, c->refcount,
			 now, (unsigned long long)c->renewal,
			 (unsigned long long)c->expire);
	}
	return b.len;
}

static int dump_read_all(int fd, char *buf, size_t size, size_t *len)
{
	struct timespec t0, t;
	struct pollfd pfd;
	long left;
	ssize_t n;

	*len = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*len < size) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = WDMD_DUMP_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
					       (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -ETIMEDOUT;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = recv(fd, buf + *len, size - *len, MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		*len += (size_t)n;
	}
	return 0;   /* full buffer: print what fits */
}

int wdmd_dump_client(void)
{
	static char text[WDMD_DUMP_MAX];
	struct wdmd_record req;
	size_t len = 0;
	int fd, rv;

	fd = wdmd_connect();
	if (fd < 0) {
		fprintf(stderr, "cannot connect to wdmd (%s): error %d\n",
			wdmd_run_dir(), -fd);
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.cmd = WDMD_CMD_DUMP_DEBUG;
	rv = wdmd_wire_send(fd, &req);
	if (rv == 0)
		rv = dump_read_all(fd, text, sizeof(text), &len);
	close(fd);
	if (len)
		fwrite(text, 1, len, stdout);
	if (rv < 0) {
		fprintf(stderr, "wdmd dump error %d\n", -rv);
		return 1;
	}
	return 0;
}
