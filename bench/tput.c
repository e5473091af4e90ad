/*
 * tput.c - acquire+release throughput with 1, 8 and 32 concurrent clients
 * (processes, each registered on its own connection) over tput_res
 * resources.  Client c of n uses the resources i with i % n == c in turn,
 * so clients never contend for a lease: this measures how the daemon
 * handles many independent lease operations at once.  Every client
 * registers first, then all start at the same absolute time and count
 * the pairs completed before the end of the interval; the result is pairs
 * per second summed over the clients, the mean over the rounds.  The
 * daemon's CPU time (schedstat, proc.c) over the run divided by the pairs
 * is kept too: with 2 CPUs the daemons can become CPU-bound.  Rounds alternate sides (ABBA).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define TPUT_MAX_ERRORS 100
#define TPUT_MAX_PAIRS  10000000

struct tput_arg {
	int idx, n, nres;
	double start, end;
};

struct tput_out {
	int ready;
	int pairs, err, first_err;
};

static int tput_fn(struct side *s, void *arg, int out, int in)
{
	const struct tput_arg *a = arg;
	char buf[sizeof(struct sanlk_resource) + sizeof(struct sanlk_disk)];
	struct sanlk_resource *r = (struct sanlk_resource *)buf;
	struct sanlk_resource *rr[1] = { r };
	struct tput_out o = { 0 };
	int fd, i, next = a->idx, rv;

	fd = s->api.reg();
	if (fd < 0) {
		o.err = 1;
		o.first_err = fd;
	}
	sleep_s(a->start - now_s());
	for (i = 0; fd >= 0 && i < TPUT_MAX_PAIRS && now_s() < a->end; i++) {
		setup_res(r, s, next);
		next += a->n;
		if (next >= a->nres)
			next = a->idx;
		rv = s->api.acquire(fd, -1, 0, 1, rr, NULL);
		if (!rv)
			rv = s->api.release(fd, -1, 0, 1, rr);
		if (rv) {
			o.first_err = o.first_err ? o.first_err : rv;
			if (++o.err > TPUT_MAX_ERRORS)
				break;
			continue;
		}
		if (now_s() <= a->end)
			o.pairs++;
	}
	if (fd >= 0)
		close(fd);
	return xwrite(out, &o, sizeof(o));
}

/* One run of n clients on side s; returns pairs per second or -1, and
 * the daemon's CPU time per pair (ms) in *cpu_ms. */
static double tput_run(struct side *s, const struct opts *o, int n,
		       int *err, int *first_err, double *cpu_ms)
{
	struct child c[BENCH_MAX_CLIENTS];
	struct tput_arg a;
	double c0 = 0, c1 = 0, t;
	long total = 0;
	int i, spawned = 0;

	a.n = n;
	a.nres = o->tput_res;
	a.start = now_s() + 0.5 + 0.03 * n;
	a.end = a.start + o->tput_secs;
	proc_cpu(s->pid, &c0, &t);
	for (i = 0; i < n; i++) {
		a.idx = i;
		if (child_spawn(&c[i], s, tput_fn, &a) < 0)
			break;
		spawned++;
	}
	for (i = 0; i < spawned; i++) {
		struct tput_out out;

		if (child_read(&c[i], &out, sizeof(out),
			       a.end - now_s() + 120.0) < 0) {
			(*err)++;
		} else {
			total += out.pairs;
			*err += out.err;
			if (out.first_err && !*first_err)
				*first_err = out.first_err;
		}
		child_finish(&c[i], 10.0);
	}
	proc_cpu(s->pid, &c1, &t);
	*cpu_ms = total ? (c1 - c0) * 1e3 / (double)total : NAN;
	if (spawned < n)
		return -1;
	return (double)total / o->tput_secs;
}

int phase_tput(struct side *sides, const struct opts *o, struct results *res)
{
	double v[BENCH_SIDES][BENCH_MAX_ROUNDS];
	double cpu[BENCH_SIDES][BENCH_MAX_ROUNDS];
	int ci, r, i, k, cnt[BENCH_SIDES];

	for (ci = 0; ci < 3; ci++) {
		int n = o->tput_clients[ci];

		if (n > o->tput_res)
			n = o->tput_res;
		cnt[0] = cnt[1] = 0;
		for (r = 0; r < o->tput_rounds && r < BENCH_MAX_ROUNDS; r++) {
			for (i = 0; i < BENCH_SIDES; i++) {
				double t, cms = NAN;

				k = (r + ci) % 2 ? BENCH_SIDES - 1 - i : i;
				if (!sides[k].joined ||
				    res->lat_first_err[k])
					continue;
				t = tput_run(&sides[k], o, n,
					     &res->tput_err[ci][k],
					     &res->tput_first_err[ci][k], &cms);
				if (t >= 0) {
					cpu[k][cnt[k]] = cms;
					v[k][cnt[k]++] = t;
				}
				fprintf(stderr, "bench: throughput %s %d "
					"clients: %.1f pairs/s\n",
					sides[k].label, n, t);
			}
		}
		for (k = 0; k < BENCH_SIDES; k++) {
			double sum = 0, csum = 0;

			for (r = 0; r < cnt[k]; r++) {
				sum += v[k][r];
				csum += cpu[k][r];
			}
			res->tput[ci][k] = cnt[k] ? sum / cnt[k] : NAN;
			res->tput_cpu[ci][k] = cnt[k] ? csum / cnt[k] : NAN;
			if (res->tput_err[ci][k])
				report_note(res, "%s: throughput %d clients: "
					    "%d failed calls (first %d)",
					    sides[k].label, n,
					    res->tput_err[ci][k],
					    res->tput_first_err[ci][k]);
		}
	}
	return 0;
}
