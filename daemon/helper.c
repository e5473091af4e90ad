/*
 * helper.c - the sanlock-helper process and the daemon's end of its pipes
 * (see helper.h).
 *
 * Daemon side: helper_kill_wfd / helper_status_rfd / helper_child are set
 * by helper_start (single-threaded start-up) and cleared by helper_stop
 * (main thread, after the workers have stopped).  helper_mutex guards the
 * counters and serialises writers of the kill pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/helper.h"

#define HELPER_POLL_MS        1000
#define HELPER_MSGS_PER_WAKE  64     /* bound on requests handled per wake */
#define HELPER_REAP_MAX       64     /* children reaped per pass */

static pthread_mutex_t helper_mutex = PTHREAD_MUTEX_INITIALIZER;
static int helper_kill_wfd = -1;
static int helper_status_rfd = -1;
static pid_t helper_child = -1;
static int helper_full;
static uint64_t helper_last;

_Static_assert(sizeof(struct helper_msg) < 512, "helper_msg fits PIPE_BUF");

/* ---------------- helper process ---------------- */

static void helper_send_status(int fd, uint32_t seq)
{
	struct helper_status st = { HELPER_STATUS_MAGIC, seq };
	ssize_t rv = write(fd, &st, sizeof(st));

	(void)rv;                 /* full pipe: the daemon is busy, skip */
}

static void helper_reap(void)
{
	for (int i = 0; i < HELPER_REAP_MAX; i++) {
		if (waitpid(-1, NULL, WNOHANG) <= 0)
			break;
	}
}

static void helper_run(const struct helper_msg *m)
{
	char store[SANLK_HELPER_PATH_LEN + SANLK_HELPER_ARGS_LEN + 64];
	char *argv[HELPER_ARGV_MAX + 1];
	char path[SANLK_HELPER_PATH_LEN + 1];
	char args[SANLK_HELPER_ARGS_LEN + 1];
	pid_t pid;

	memcpy(path, m->path, SANLK_HELPER_PATH_LEN);
	path[SANLK_HELPER_PATH_LEN] = '\0';
	memcpy(args, m->args, SANLK_HELPER_ARGS_LEN);
	args[SANLK_HELPER_ARGS_LEN] = '\0';
	if (!path[0])
		return;
	if (helper_build_argv(path, args, m->append_pid, m->pid, store,
			      sizeof(store), argv) < 1)
		return;

	pid = fork();
	if (pid == 0) {
		sigset_t none;

		/* The program gets default signal handling, not ours. */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		_exit(255);
	}
}

static void helper_handle(const struct helper_msg *m)
{
	switch (m->type) {
	case HELPER_MSG_KILLPID:
		if (m->pid > 0 && m->sig > 0)
			kill(m->pid, m->sig);
		break;
	case HELPER_MSG_RUNPATH:
		helper_run(m);
		break;
	default:
		break;
	}
}

static void __attribute__((noreturn)) helper_loop(int in_fd, int out_fd)
{
	struct helper_msg m;
	uint32_t seq = 0;

	helper_send_status(out_fd, seq++);
	for (;;) {
		struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
		int handled = 0;
		int rv = poll(&pfd, 1, HELPER_POLL_MS);

		helper_reap();
		if (rv < 0 && errno != EINTR)
			_exit(1);
		if (rv <= 0)
			continue;
		while (handled < HELPER_MSGS_PER_WAKE) {
			ssize_t n = read(in_fd, &m, sizeof(m));

			if (n == 0)
				_exit(0);           /* the daemon has gone */
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				_exit(1);
			}
			if ((size_t)n != sizeof(m))
				break;              /* cannot happen: atomic writes */
			helper_handle(&m);
			handled++;
		}
		if (handled)
			helper_send_status(out_fd, seq++);
	}
}

int helper_start(int privileged)
{
	int kill_pipe[2], status_pipe[2];
	pid_t pid;

	if (pipe2(kill_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(status_pipe, O_CLOEXEC) < 0) {
		int e = errno;

		close(kill_pipe[0]);
		close(kill_pipe[1]);
		return -e;
	}

	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(kill_pipe[0]);
		close(kill_pipe[1]);
		close(status_pipe[0]);
		close(status_pipe[1]);
		return -e;
	}
	if (pid == 0) {
		struct sigaction sa;

		close(kill_pipe[1]);
		close(status_pipe[0]);
		prctl(PR_SET_NAME, "sanlock-helper", 0, 0, 0);
		/* Privileged: keep root but drop the supplementary groups;
		 * a failure changes nothing worth stopping for. */
		if (privileged) {
			int rv = setgroups(0, NULL);

			(void)rv;
		}
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		/* Non-blocking reads so one wake never blocks; the status
		 * write end too, so a busy daemon never stalls the helper. */
		fcntl(kill_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(status_pipe[1], F_SETFL, O_NONBLOCK);
		helper_loop(kill_pipe[0], status_pipe[1]);
	}

	close(kill_pipe[0]);
	close(status_pipe[1]);
	fcntl(kill_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(status_pipe[0], F_SETFL, O_NONBLOCK);
	helper_kill_wfd = kill_pipe[1];
	helper_status_rfd = status_pipe[0];
	helper_child = pid;
	return 0;
}

int helper_status_fd(void)
{
	return helper_status_rfd;
}

int helper_status_readable(void)
{
	struct helper_status st[16];

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(helper_status_rfd, st, sizeof(st));

		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		pthread_mutex_lock(&helper_mutex);
		helper_last = monotime();
		pthread_mutex_unlock(&helper_mutex);
	}
	return 0;
}

void helper_gone(void)
{
	int status;

	if (helper_status_rfd >= 0)
		close(helper_status_rfd);
	helper_status_rfd = -1;
	if (helper_child > 0 &&
	    waitpid(helper_child, &status, WNOHANG) == helper_child)
		helper_child = -1;
}

void helper_stop(void)
{
	int status;

	pthread_mutex_lock(&helper_mutex);
	if (helper_kill_wfd >= 0)
		close(helper_kill_wfd);
	helper_kill_wfd = -1;
	pthread_mutex_unlock(&helper_mutex);
	if (helper_status_rfd >= 0)
		close(helper_status_rfd);
	helper_status_rfd = -1;
	if (helper_child <= 0)
		return;
	for (int waited = 0; waited < HELPER_STOP_WAIT_MS; waited += 50) {
		if (waitpid(helper_child, &status, WNOHANG) == helper_child) {
			helper_child = -1;
			return;
		}
		usleep(50 * 1000);
	}
	log_error("helper %d did not exit, killing it", (int)helper_child);
	kill(helper_child, SIGKILL);
	waitpid(helper_child, &status, 0);
	helper_child = -1;
}

static int helper_write(const struct helper_msg *m)
{
	int rv = 0;

	pthread_mutex_lock(&helper_mutex);
	if (helper_kill_wfd < 0) {
		rv = -EPIPE;
	} else if (write(helper_kill_wfd, m, sizeof(*m)) != (ssize_t)sizeof(*m)) {
		rv = (errno == EAGAIN) ? -EAGAIN : -errno;
		if (rv == -EAGAIN)
			helper_full++;
	}
	pthread_mutex_unlock(&helper_mutex);
	return rv;
}

int helper_send_kill(int pid, int sig)
{
	struct helper_msg m;

	memset(&m, 0, sizeof(m));
	m.type = HELPER_MSG_KILLPID;
	m.pid = pid;
	m.sig = sig;
	return helper_write(&m);
}

int helper_send_runpath(int pid, const char *path, const char *args,
			int append_pid)
{
	struct helper_msg m;

	memset(&m, 0, sizeof(m));
	m.type = HELPER_MSG_RUNPATH;
	m.pid = pid;
	m.append_pid = append_pid ? 1 : 0;
	strncpy(m.path, path, sizeof(m.path) - 1);
	strncpy(m.args, args, sizeof(m.args) - 1);
	return helper_write(&m);
}

int helper_pid(void)
{
	return (int)helper_child;
}

int helper_kill_fd(void)
{
	return helper_kill_wfd;
}

int helper_full_count(void)
{
	int n;

	pthread_mutex_lock(&helper_mutex);
	n = helper_full;
	pthread_mutex_unlock(&helper_mutex);
	return n;
}

uint64_t helper_last_status(void)
{
	uint64_t t;

	pthread_mutex_lock(&helper_mutex);
	t = helper_last;
	pthread_mutex_unlock(&helper_mutex);
	return t;
}
