/*
 * pids.c - the registry of every process the benchmark started (daemons,
 * clients, strace, the live-host writer).  At exit, also on failure or on
 * SIGINT/SIGTERM, each one still registered is stopped by its pid:
 * SIGTERM, a short grace period, then SIGKILL.  Nothing is killed by name.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"

static pid_t pids[BENCH_MAX_PIDS];

void pids_add(pid_t pid)
{
	int i;

	for (i = 0; i < BENCH_MAX_PIDS; i++) {
		if (!pids[i]) {
			pids[i] = pid;
			return;
		}
	}
	/* Full registry: never leave a process behind untracked. */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void pids_del(pid_t pid)
{
	int i;

	for (i = 0; i < BENCH_MAX_PIDS; i++)
		if (pids[i] == pid)
			pids[i] = 0;
}

/* Waits for pid to exit (reaps it); 0 when it did, -1 on timeout. */
int pids_wait(pid_t pid, double timeout_s)
{
	double end = now_s() + timeout_s;
	int i, n = (int)(timeout_s * 100) + 1;

	for (i = 0; i < n; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD)) {
			pids_del(pid);
			return 0;
		}
		if (now_s() > end)
			break;
		sleep_s(0.01);
	}
	return -1;
}

void pids_kill_all(void)
{
	int i;

	for (i = 0; i < BENCH_MAX_PIDS; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i < BENCH_MAX_PIDS; i++) {
		pid_t p = pids[i];

		if (p > 0 && pids_wait(p, 5.0) < 0) {
			kill(p, SIGKILL);
			pids_wait(p, 5.0);
		}
		pids[i] = 0;
	}
}
