/*
 * lat.c - uncontended acquire and release latency.  A registered client
 * acquires resource r0 (exclusive, one disk) and releases it, again and
 * again; each call is timed on the client side (what a caller waits).
 * The pairs of one side are split into rounds and the rounds alternate
 * between the sides in ABBA order, so both see the same machine load.
 * The first LAT_WARMUP pairs of every round are not counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define LAT_WARMUP 3

struct lat_arg {
	int pairs;
};

struct lat_out {
	int n, err, first_err;
	double acq[BENCH_MAX_ITERS], rel[BENCH_MAX_ITERS];
};

static int lat_fn(struct side *s, void *arg, int out, int in)
{
	const struct lat_arg *a = arg;
	char buf[sizeof(struct sanlk_resource) + sizeof(struct sanlk_disk)];
	struct sanlk_resource *r = (struct sanlk_resource *)buf;
	struct sanlk_resource *rv_res[1] = { r };
	struct lat_out *o = calloc(1, sizeof(*o));
	int fd, i, rv;

	if (!o)
		return 1;
	setup_res(r, s, 0);
	fd = s->api.reg();
	if (fd < 0) {
		o->err = 1;
		o->first_err = fd;
	}
	for (i = 0; fd >= 0 && i < a->pairs + LAT_WARMUP; i++) {
		double t0, t1, t2;

		t0 = now_s();
		rv = s->api.acquire(fd, -1, 0, 1, rv_res, NULL);
		t1 = now_s();
		if (rv < 0) {
			o->err++;
			o->first_err = o->first_err ? o->first_err : rv;
			break;
		}
		rv = s->api.release(fd, -1, 0, 1, rv_res);
		t2 = now_s();
		if (rv < 0) {
			o->err++;
			o->first_err = o->first_err ? o->first_err : rv;
			break;
		}
		if (i >= LAT_WARMUP && o->n < BENCH_MAX_ITERS) {
			o->acq[o->n] = t1 - t0;
			o->rel[o->n] = t2 - t1;
			o->n++;
		}
	}
	if (fd >= 0)
		close(fd);
	rv = xwrite(out, o, sizeof(*o));
	free(o);
	return rv;
}

int phase_latency(struct side *sides, const struct opts *o,
		  struct results *res)
{
	static double acq[BENCH_SIDES][BENCH_MAX_ITERS];
	static double rel[BENCH_SIDES][BENCH_MAX_ITERS];
	struct lat_out *out = malloc(sizeof(*out));
	struct lat_arg a;
	int n[BENCH_SIDES] = { 0, 0 }, r, i, k, j;

	if (!out)
		return -1;
	a.pairs = o->iters / o->rounds;
	for (r = 0; r < o->rounds && r < BENCH_MAX_ROUNDS; r++) {
		for (i = 0; i < BENCH_SIDES; i++) {
			k = r % 2 ? BENCH_SIDES - 1 - i : i;
			if (!sides[k].joined || res->lat_first_err[k])
				continue;
			if (child_call(&sides[k], lat_fn, &a, out,
				       sizeof(*out), 300.0) < 0) {
				res->lat_err[k]++;
				report_note(res, "%s: latency run %d died",
					    sides[k].label, r);
				continue;
			}
			res->lat_err[k] += out->err;
			if (out->first_err) {
				res->lat_first_err[k] = out->first_err;
				report_note(res, "%s: acquire/release failed: "
					    "%d", sides[k].label,
					    out->first_err);
			}
			for (j = 0; j < out->n && n[k] < BENCH_MAX_ITERS; j++) {
				acq[k][n[k]] = out->acq[j];
				rel[k][n[k]] = out->rel[j];
				n[k]++;
			}
		}
	}
	free(out);
	for (k = 0; k < BENCH_SIDES; k++) {
		res->lat_n[k] = n[k];
		res->acq_p50[k] = stat_pct(acq[k], n[k], 50);
		res->acq_p99[k] = stat_pct(acq[k], n[k], 99);
		res->rel_p50[k] = stat_pct(rel[k], n[k], 50);
		res->rel_p99[k] = stat_pct(rel[k], n[k], 99);
		if (n[k])
			fprintf(stderr, "bench: latency %s: %d pairs, acquire "
				"p50 %.3f ms, release p50 %.3f ms\n",
				sides[k].label, n[k], res->acq_p50[k] * 1e3,
				res->rel_p50[k] * 1e3);
	}
	return 0;
}
