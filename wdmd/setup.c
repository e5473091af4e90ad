/*
 * setup.c - wdmd start-up and teardown steps (see setup.h).  Main thread,
 * before the loop starts and after it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wdmd/log.h"
#include "wdmd/setup.h"

void wdmd_state_init(struct wdmd_state *st)
{
	memset(st, 0, sizeof(*st));
	wdmd_clients_init(&st->clients);
	st->dev.fd = -1;
	st->listen_ci = -1;
	st->signal_ci = -1;
	st->pid_fd = -1;
}

/* path made absolute against the current directory (the daemon changes
 * to "/" when it forks). */
static int abs_path(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/') {
		n = snprintf(buf, size, "%s", path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		n = snprintf(buf, size, "%s/%s", cwd, path);
	}
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int wdmd_setup_paths(struct wdmd_state *st)
{
	const char *env = getenv(WDMD_RUN_DIR_ENV);
	int rv;

	if (env && env[0] && env[0] != '/') {
		rv = abs_path(env, st->run_dir_abs, sizeof(st->run_dir_abs));
		if (rv < 0 || setenv(WDMD_RUN_DIR_ENV, st->run_dir_abs, 1) < 0)
			goto fail;
	}
	if (st->opts.test_backend) {
		rv = abs_path(st->opts.test_backend, st->backend_abs,
			      sizeof(st->backend_abs));
		if (rv < 0)
			goto fail;
		st->opts.test_backend = st->backend_abs;
	}
	rv = abs_path(st->opts.scripts_dir, st->scripts_abs,
		      sizeof(st->scripts_abs));
	if (rv < 0)
		goto fail;
	st->opts.scripts_dir = st->scripts_abs;
	snprintf(st->run_dir_abs, sizeof(st->run_dir_abs), "%s", wdmd_run_dir());
	if (wdmd_run_path(st->pid_path, sizeof(st->pid_path), WDMD_PID_NAME) < 0 ||
	    wdmd_run_path(st->sock_path, sizeof(st->sock_path), WDMD_SOCK_NAME) < 0) {
		rv = -ENAMETOOLONG;
		goto fail;
	}
	wdmd_shm_name(st->shm_name, sizeof(st->shm_name));
	return 0;
fail:
	wdmd_log("path setup error %d (run dir %s)", rv < 0 ? -rv : errno,
		 wdmd_run_dir());
	return rv < 0 ? rv : -errno;
}

void wdmd_setup_group(struct wdmd_state *st)
{
	struct group *gr = getgrnam(st->opts.group);

	if (gr) {
		st->socket_gid = gr->gr_gid;
		return;
	}
	st->socket_gid = 0;
	wdmd_log("group '%s' not found, using socket gid: 0", st->opts.group);
}

/* Fork; the parent exits 0.  With the test backend the child stays in the
 * invoking process group (a fire must kill the whole simulated host);
 * otherwise it starts its own session. */
int wdmd_setup_daemonize(int keep_process_group)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0) {
		int rv = -errno;

		wdmd_log("cannot fork: error %d", -rv);
		return rv;
	}
	if (pid > 0)
		_exit(0);
	if (!keep_process_group)
		setsid();
	if (chdir("/") < 0)
		wdmd_log("chdir / error %d", errno);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

void wdmd_setup_priority(int high)
{
	struct sched_param sp;

	if (!high)
		return;
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		wdmd_log("mlockall error %d", errno);
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = sched_get_priority_max(SCHED_RR);
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		wdmd_log("set scheduler RR priority %d error %d",
			 sp.sched_priority, errno);
}

int wdmd_setup_pidfile(struct wdmd_state *st)
{
	struct flock fl;
	char text[32];
	int fd, n, rv;

	umask(022);
	if (mkdir(wdmd_run_dir(), 0775) < 0 && errno != EEXIST) {
		rv = -errno;
		wdmd_log("cannot create run dir %s: error %d", wdmd_run_dir(), -rv);
		return rv;
	}
	fd = open(st->pid_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		rv = -errno;
		wdmd_log("lockfile open error %s: %d", st->pid_path, -rv);
		return rv;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		rv = -errno;
		wdmd_log("lockfile setlk error %s: %d", st->pid_path, -rv);
		close(fd);
		return rv;
	}
	n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, text, (size_t)n) != n) {
		rv = -errno;
		wdmd_log("lockfile write error %s: %d", st->pid_path, -rv);
		close(fd);
		return rv ? rv : -EIO;
	}
	st->pid_fd = fd;
	return 0;
}

int wdmd_setup_shm(struct wdmd_state *st)
{
	int fd;

	if (st->opts.test_backend)
		return 0;
	fd = shm_open(st->shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		int rv = -errno;

		if (rv == -EEXIST)
			wdmd_log("other wdmd not cleanly stopped, shm_open error %d",
				 -rv);
		else
			wdmd_log("shm_open %s error %d", st->shm_name, -rv);
		return rv;
	}
	close(fd);
	st->shm_created = 1;
	return 0;
}

int wdmd_setup_signals(struct wdmd_state *st)
{
	struct sigaction sa;
	sigset_t mask;
	int fd, ci;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		goto fail;
	fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	ci = wdmd_clients_add(&st->clients, fd, getpid(), "signal", 1);
	if (ci < 0) {
		close(fd);
		errno = -ci;
		goto fail;
	}
	st->signal_ci = ci;
	return 0;
fail:
	wdmd_log("signal setup error %d", errno);
	return -errno;
}

int wdmd_setup_listener(struct wdmd_state *st)
{
	struct sockaddr_un addr;
	int fd, ci, rv;

	rv = wdmd_socket_address(&addr);
	if (rv < 0) {
		wdmd_log("socket path too long in %s", wdmd_run_dir());
		return rv;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	unlink(addr.sun_path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail_close;
	if (chmod(addr.sun_path, 0660) < 0)
		wdmd_log("chmod %s error %d", addr.sun_path, errno);
	if (chown(addr.sun_path, (uid_t)-1, st->socket_gid) < 0)
		wdmd_log("chown %s gid %d error %d", addr.sun_path,
			 (int)st->socket_gid, errno);
	if (listen(fd, WDMD_LISTEN_BACKLOG) < 0)
		goto fail_close;
	ci = wdmd_clients_add(&st->clients, fd, getpid(), "listen", 1);
	if (ci < 0) {
		errno = -ci;
		goto fail_close;
	}
	st->listen_ci = ci;
	return 0;
fail_close:
	rv = -errno;
	close(fd);
	errno = -rv;
fail:
	rv = -errno;
	wdmd_log("socket %s error %d", addr.sun_path, -rv);
	return rv;
}

void wdmd_teardown(struct wdmd_state *st)
{
	int i;

	for (i = 0; i < WDMD_CLIENT_MAX; i++) {
		struct wdmd_client *c = &st->clients.c[i];

		if (c->used && c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
	if (st->shm_created) {
		shm_unlink(st->shm_name);
		st->shm_created = 0;
	}
	if (st->pid_fd >= 0) {
		unlink(st->pid_path);
		close(st->pid_fd);
		st->pid_fd = -1;
	}
}
