/*
 * child.c - runs a piece of the benchmark in a child process that belongs
 * to one side: it sets SANLOCK_RUN_DIR, dlopens that side's library, calls
 * fn, and reports through a pipe.  A second pipe lets the parent tell a
 * child to go on (used to keep leases held while the parent measures).
 * Every wait is bounded; a child that overruns is killed by its pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"

int xwrite(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	int n = 0;

	while (len && n++ < 1000000) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return len ? -1 : 0;
}

int xread(int fd, void *buf, size_t len)
{
	char *p = buf;
	int n = 0;

	while (len && n++ < 1000000) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return len ? -1 : 0;
}

int child_spawn(struct child *c, struct side *s, child_fn fn, void *arg)
{
	int up[2], down[2];
	pid_t pid;

	if (pipe2(up, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(down, O_CLOEXEC) < 0) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
		return -1;
	}
	if (pid == 0) {
		int rv;

		close(up[0]);
		close(down[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		setenv("SANLOCK_RUN_DIR", s->run_dir, 1);
		if (api_load(&s->api, s->lib) < 0)
			_exit(2);
		rv = fn(s, arg, up[1], down[0]);
		_exit(rv ? 1 : 0);
	}
	pids_add(pid);
	close(up[1]);
	close(down[0]);
	c->pid = pid;
	c->rfd = up[0];
	c->wfd = down[1];
	return 0;
}

/* Reads exactly len bytes from the child within timeout_s. */
int child_read(struct child *c, void *buf, size_t len, double timeout_s)
{
	double end = now_s() + timeout_s;
	char *p = buf;
	int n = 0;

	while (len && n++ < 10000000) {
		struct pollfd pfd = { .fd = c->rfd, .events = POLLIN };
		double left = end - now_s();
		ssize_t r;

		if (left <= 0)
			return -1;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		r = read(c->rfd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return len ? -1 : 0;
}

/* Closes the pipes and reaps the child (killed after timeout_s).
 * Returns its exit status, or -1 when it had to be killed. */
int child_finish(struct child *c, double timeout_s)
{
	double end = now_s() + timeout_s;
	int st = 0, i, n = (int)(timeout_s * 100) + 1;

	if (c->wfd >= 0)
		close(c->wfd);
	if (c->rfd >= 0)
		close(c->rfd);
	c->wfd = c->rfd = -1;
	for (i = 0; i < n; i++) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);

		if (r == c->pid) {
			pids_del(c->pid);
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		if (r < 0 || now_s() > end)
			break;
		sleep_s(0.01);
	}
	fprintf(stderr, "bench: child %d overran %.0f s, killed\n",
		(int)c->pid, timeout_s);
	kill(c->pid, SIGKILL);
	pids_wait(c->pid, 5.0);
	return -1;
}

/* Runs fn in a child of side s and reads len bytes of result. */
int child_call(struct side *s, child_fn fn, void *arg, void *out,
	       size_t len, double timeout_s)
{
	struct child c;
	int rv;

	if (child_spawn(&c, s, fn, arg) < 0)
		return -1;
	rv = child_read(&c, out, len, timeout_s);
	if (child_finish(&c, rv < 0 ? 1.0 : timeout_s) != 0)
		rv = -1;
	return rv;
}
