/*
 * renew.c - renewal cost in a 2000-host lockspace ("brenew" on renew.ls,
 * 512-byte sectors, io_timeout 1: a renewal every 2 s) in which 100 hosts
 * are live: the daemon as host 1 plus 99 hosts simulated by delta.c.
 * For each window of renew_secs the daemon's CPU time (sum of its threads'
 * schedstat run time; utime+stime ticks as a cross-check) and its
 * /proc/PID/io bytes are divided by the number of renewals it made, which
 * the benchmark counts itself by polling host 1's timestamp in the file
 * (O_DIRECT) every 100 ms.  Only this lockspace is joined during the run.
 * Windows alternate between the sides (ABBA); the other daemon keeps
 * renewing meanwhile, so both windows see the same background.
 */
#include <fcntl.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define RENEW_POLL_S   0.1
#define RENEW_SETTLE_S 4.0

static int own_ts(int fd, unsigned char *buf, uint64_t *ts)
{
	int i;

	if (pread(fd, buf, 512, 0) != 512)
		return -1;
	*ts = 0;
	for (i = 7; i >= 0; i--)
		*ts = *ts << 8 | buf[152 + i];
	return 0;
}

struct renew_win {
	double cpu, ticks, io;
	int n, threads_changed;
};

static int renew_window(struct side *s, const struct opts *o,
		       struct renew_win *w)
{
	double c0, c1, t0, t1, end;
	uint64_t r0 = 0, w0 = 0, r1 = 0, w1 = 0, ts, last, sig0, sig1;
	unsigned char *buf;
	char path[400];
	int fd, i, rv = -1;

	snprintf(path, sizeof(path), "%s/renew.ls", s->dir);
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (posix_memalign((void **)&buf, 4096, 4096)) {
		close(fd);
		return -1;
	}
	memset(w, 0, sizeof(*w));
	if (own_ts(fd, buf, &last) < 0 || proc_cpu_sig(s->pid, &c0, &t0, &sig0) < 0 ||
	    proc_io(s->pid, &r0, &w0) < 0)
		goto out;
	end = now_s() + o->renew_secs;
	for (i = 0; i < o->renew_secs * 20 && now_s() < end; i++) {
		sleep_s(RENEW_POLL_S);
		if (own_ts(fd, buf, &ts) == 0 && ts != last) {
			w->n++;
			last = ts;
		}
	}
	if (proc_cpu_sig(s->pid, &c1, &t1, &sig1) < 0 ||
	    proc_io(s->pid, &r1, &w1) < 0)
		goto out;
	w->threads_changed = sig0 != sig1;
	w->cpu = c1 - c0;
	w->ticks = t1 - t0;
	w->io = (double)(r1 - r0 + w1 - w0);
	rv = 0;
out:
	free(buf);
	close(fd);
	return rv;
}

int phase_renew(struct side *sides, const struct opts *o, struct results *res)
{
	struct renew_win sum[BENCH_SIDES];
	pid_t writer = 0;
	int mask, r, i, k;

	memset(sum, 0, sizeof(sum));
	if (delta_live_start(sides, "renew.ls", 2, BENCH_LIVE_HOSTS,
			     &writer) < 0) {
		report_note(res, "renewal: cannot simulate live hosts");
		return -1;
	}
	mask = setup_join(sides, "brenew", "renew.ls", 1, 1, 1);
	sleep_s(RENEW_SETTLE_S);
	for (r = 0; r < o->renew_rounds && r < BENCH_MAX_ROUNDS; r++) {
		for (i = 0; i < BENCH_SIDES; i++) {
			struct renew_win w;

			k = r % 2 ? BENCH_SIDES - 1 - i : i;
			if (mask & (1 << k) || renew_window(&sides[k], o, &w))
				continue;
			fprintf(stderr, "bench: renewal %s: %d renewals, cpu "
				"%.1f ms (ticks %.0f ms), io %.0f B\n",
				sides[k].label, w.n, w.cpu * 1e3,
				w.ticks * 1e3, w.io);
			sum[k].cpu += w.cpu;
			sum[k].ticks += w.ticks;
			sum[k].io += w.io;
			sum[k].n += w.n;
			if (w.threads_changed)
				report_note(res, "%s: threads came or went "
					    "during a renewal window: CPU of "
					    "exited threads is missing",
					    sides[k].label);
		}
	}
	for (k = 0; k < BENCH_SIDES; k++) {
		double n = sum[k].n;

		res->renew_n[k] = n;
		res->renew_cpu_ms[k] = n ? sum[k].cpu * 1e3 / n : NAN;
		res->renew_ticks_ms[k] = n ? sum[k].ticks * 1e3 / n : NAN;
		res->renew_io[k] = n ? sum[k].io / n : NAN;
	}
	setup_join(sides, "brenew", "renew.ls", 1, 1, 0);
	kill(writer, SIGTERM);
	pids_wait(writer, 5.0);
	return 0;
}
