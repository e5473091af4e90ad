/*
 * daemon.c - starts and stops one side's daemon, unprivileged and in the
 * foreground, exactly as the brief prescribes for both programs:
 *   SANLOCK_RUN_DIR=<dir> SANLOCK_PRIVILEGED=0 \
 *     <daemon> daemon -D -w 0 -l 0 -h 0 -U <user> -G <group>
 * Its output goes to <side dir>/daemon.log.  Ready = the socket accepts a
 * connection.  Stopped by pid (SIGTERM, then SIGKILL).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"

#define DAEMON_READY_S 20.0

static int daemon_ready(const struct side *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rv;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sanlock.sock",
		     s->run_dir) >= (int)sizeof(sa.sun_path))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	rv = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rv == 0;
}

static void daemon_exec(const struct side *s)
{
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());
	char log[400];
	int fd;

	snprintf(log, sizeof(log), "%s/daemon.log", s->dir);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	setsid();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setenv("SANLOCK_RUN_DIR", s->run_dir, 1);
	setenv("SANLOCK_PRIVILEGED", "0", 1);
	execl(s->daemon, s->daemon, "daemon", "-D", "-w", "0", "-l", "0",
	      "-h", "0", "-U", pw ? pw->pw_name : "root",
	      "-G", gr ? gr->gr_name : "root", (char *)NULL);
	fprintf(stderr, "bench: exec %s: %s\n", s->daemon, strerror(errno));
	_exit(127);
}

int daemon_start(struct side *s)
{
	double end = now_s() + DAEMON_READY_S;
	pid_t pid;
	int i;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		daemon_exec(s);
	pids_add(pid);
	s->pid = pid;
	for (i = 0; i < (int)(DAEMON_READY_S * 20); i++) {
		if (daemon_ready(s))
			return 0;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pids_del(pid);
			s->pid = 0;
			fprintf(stderr, "bench: %s daemon exited at start, see "
				"%s/daemon.log\n", s->label, s->dir);
			return -1;
		}
		if (now_s() > end)
			break;
		sleep_s(0.05);
	}
	fprintf(stderr, "bench: %s daemon not ready after %.0f s\n", s->label,
		DAEMON_READY_S);
	daemon_stop(s);
	return -1;
}

void daemon_stop(struct side *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	if (pids_wait(s->pid, 10.0) < 0) {
		kill(s->pid, SIGKILL);
		pids_wait(s->pid, 10.0);
	}
	s->pid = 0;
}
