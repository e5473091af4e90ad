/*
 * chaos_client.c - one lease-holding client of the chaos test
 * (tests/chaos/chaos.py, tests/chaos/README.md).
 *
 *   chaos_client HOST LOG LS RES_PATH NRES SEED SH_PCT HOLD_MS PAUSE_MS
 *
 * Two processes:
 *
 *   worker   registers with the daemon selected by $SANLOCK_RUN_DIR and
 *            loops: pick one of the NRES resource leases LS:R<i> at
 *            RES_PATH offset (i+1) MiB, acquire it EX (SH with SH_PCT %
 *            probability), hold it up to HOLD_MS, release it, pause up to
 *            PAUSE_MS.  Right after an acquire succeeds it appends
 *                <CLOCK_MONOTONIC ns> <HOST> <pid> acquire R<i> EX|SH
 *            to LOG, and right before the release is sent
 *                <ns> <HOST> <pid> release R<i> EX|SH
 *            (one write() per line on an O_APPEND descriptor).  SIGTERM
 *            (the daemon's recovery) is blocked and only taken at fixed
 *            points: the worker then logs the release of what it holds
 *            and exits at once, leaving the lease to the daemon (a
 *            `sigterm` line after the release line records why).
 *            Errors other than ordinary contention are logged as
 *                <ns> <HOST> <pid> error R<i> <rv>
 *   monitor  the parent: prints the worker's pid on stdout, then blocks on
 *            a pipe whose only write end the worker holds.  The kernel
 *            closes it together with the worker's daemon connection when
 *            the worker dies, so the line the monitor then appends,
 *                <ns> <HOST> <pid> dead - -
 *            is written after the real death and before the daemon can
 *            have handed the lease to anybody else's acquire (which needs
 *            disk I/O), without depending on how fast the harness reaps.
 *            Exits with the worker's status (128 + signal if killed).
 *
 * Built by mk/chaos.mk against include/ and libsanlock_client.so.1 (ours
 * via LD_LIBRARY_PATH, or Debian's from the system path: same ABI).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sanlock.h"
#include "sanlock_resource.h"

#define CHAOS_MAX_RES 64
#define CHAOS_MIB (1024ULL * 1024ULL)
#define CHAOS_LINE_MAX 256

static const char *host;
static int logfd = -1;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void log_line(long pid, const char *what, const char *res,
		     const char *mode)
{
	char line[CHAOS_LINE_MAX];
	int n = snprintf(line, sizeof(line), "%llu %s %ld %s %s %s\n",
			 now_ns(), host, pid, what, res, mode);

	if (n <= 0 || n >= (int)sizeof(line))
		return;
	/* one write: O_APPEND places the whole line atomically */
	if (write(logfd, line, n) != n)
		_exit(70);
}

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: no shared state with anything else */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static unsigned rnd_below(unsigned n)
{
	return n ? rnd() % n : 0;
}

/* Wait up to ms for SIGTERM (blocked); returns 1 if it came. */
static int term_wait(unsigned ms)
{
	sigset_t set;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &ts);

		if (sig == SIGTERM)
			return 1;
		if (sig < 0 && errno == EINTR)
			continue;	/* ts is not updated: may wait longer */
		return 0;
	}
}

static int contention(int rv)
{
	switch (rv) {
	case -243: case -244: case -245: case -246: case -247:
	case -EAGAIN: case -EBUSY: case -EEXIST:
		return 1;
	}
	return 0;
}

struct cfg {
	const char *ls, *res_path;
	int nres, sh_pct;
	unsigned hold_ms, pause_ms;
};

static void worker(const struct cfg *c)
{
	struct {
		struct sanlk_resource r;
		struct sanlk_disk d;
	} buf;
	struct sanlk_resource *res = &buf.r;
	long pid = (long)getpid();
	int sock;

	sock = sanlock_register();
	if (sock < 0) {
		log_line(pid, "error", "register", "-");
		_exit(3);
	}
	for (;;) {
		char name[16], rvs[16];
		int i = (int)rnd_below((unsigned)c->nres);
		int sh = (int)rnd_below(100) < c->sh_pct;
		const char *mode = sh ? "SH" : "EX";
		int rv;

		memset(&buf, 0, sizeof(buf));
		snprintf(name, sizeof(name), "R%d", i);
		snprintf(res->lockspace_name, SANLK_NAME_LEN, "%s", c->ls);
		snprintf(res->name, SANLK_NAME_LEN, "%s", name);
		res->flags = sh ? SANLK_RES_SHARED : 0;
		res->num_disks = 1;
		snprintf(res->disks[0].path, SANLK_PATH_LEN, "%s", c->res_path);
		res->disks[0].offset = (uint64_t)(i + 1) * CHAOS_MIB;

		rv = sanlock_acquire(sock, -1, 0, 1, &res, NULL);
		if (rv == 0) {
			log_line(pid, "acquire", name, mode);
			if (term_wait(1 + rnd_below(c->hold_ms))) {
				log_line(pid, "release", name, mode);
				log_line(pid, "sigterm", name, mode);
				_exit(0);
			}
			log_line(pid, "release", name, mode);
			rv = sanlock_release(sock, -1, 0, 1, &res);
			if (rv < 0) {
				snprintf(rvs, sizeof(rvs), "%d", rv);
				log_line(pid, "relerror", name, rvs);
			}
		} else if (!contention(rv)) {
			snprintf(rvs, sizeof(rvs), "%d", rv);
			log_line(pid, "error", name, rvs);
			if (rv == -EPIPE || rv == -ECONNRESET || rv == -ENOTCONN)
				_exit(4);	/* the daemon is gone */
			/* lockspace down or storage failing: slow down */
			if (term_wait(c->pause_ms + rnd_below(4 * c->pause_ms + 1)))
				_exit(0);
		}
		if (term_wait(rnd_below(c->pause_ms + 1)))
			_exit(0);
	}
}

int main(int argc, char **argv)
{
	struct cfg c;
	int pfd[2], st = 0;
	sigset_t set;
	pid_t pid;
	char buf[16];

	if (argc != 10) {
		fprintf(stderr, "usage: chaos_client HOST LOG LS RES_PATH NRES "
			"SEED SH_PCT HOLD_MS PAUSE_MS\n");
		return 2;
	}
	host = argv[1];
	c.ls = argv[3];
	c.res_path = argv[4];
	c.nres = atoi(argv[5]);
	rng_state = strtoull(argv[6], NULL, 0) * 0x9E3779B97F4A7C15ULL + 1;
	c.sh_pct = atoi(argv[7]);
	c.hold_ms = (unsigned)atoi(argv[8]);
	c.pause_ms = (unsigned)atoi(argv[9]);
	if (c.nres < 1 || c.nres > CHAOS_MAX_RES || strlen(c.ls) >= SANLK_NAME_LEN
	    || strlen(c.res_path) >= SANLK_PATH_LEN) {
		fprintf(stderr, "chaos_client: bad arguments\n");
		return 2;
	}
	logfd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (logfd < 0) {
		perror(argv[2]);
		return 2;
	}
	/* SIGTERM is taken only where the worker can account for it */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pipe(pfd) < 0) {
		perror("pipe");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		close(pfd[0]);
		worker(&c);
		_exit(0);
	}
	close(pfd[1]);
	printf("%ld\n", (long)pid);
	fflush(stdout);
	for (;;) {
		ssize_t n = read(pfd[0], buf, sizeof(buf));

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	log_line((long)pid, "dead", "-", "-");
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
