/*
 * join.c - add_lockspace and rem_lockspace wall time at io_timeout 1 on a
 * free host_id ("bjoin" on join.ls), blocking calls as a client makes
 * them.  Rounds alternate the order of the sides (ABBA) so both see the
 * same load.  Protocol waits (algorithms.md §2.3, §12): join >= 2*io = 2 s
 * (3.8.5 measured 3.00 s: its caller polls once per second), removal has
 * no protocol wait (3.8.5 measured 2-3 s).
 */
#include <math.h>
#include <stdio.h>

#include "bench/bench.h"

struct join_out {
	int add_rv, rem_rv;
	double add_s, rem_s;
};

static int join_fn(struct side *s, void *arg, int out, int in)
{
	struct sanlk_lockspace ls;
	struct join_out r = { 0 };
	double t0, t1, t2;

	setup_ls(&ls, s, "bjoin", "join.ls", 0);
	t0 = now_s();
	r.add_rv = s->api.add_ls(&ls, 0, 1);
	t1 = now_s();
	if (!r.add_rv)
		r.rem_rv = s->api.rem_ls(&ls, 0);
	t2 = now_s();
	r.add_s = t1 - t0;
	r.rem_s = t2 - t1;
	return xwrite(out, &r, sizeof(r));
}

int phase_join(struct side *sides, const struct opts *o, struct results *res)
{
	double add[BENCH_SIDES][BENCH_MAX_ROUNDS];
	double rem[BENCH_SIDES][BENCH_MAX_ROUNDS];
	int n[BENCH_SIDES] = { 0, 0 }, r, i, k;

	for (r = 0; r < o->join_rounds && r < BENCH_MAX_ROUNDS; r++) {
		for (i = 0; i < BENCH_SIDES; i++) {
			struct join_out out;

			k = r % 2 ? BENCH_SIDES - 1 - i : i;
			if (!sides[k].ok)
				continue;
			if (child_call(&sides[k], join_fn, NULL, &out,
				       sizeof(out), 120.0) < 0 ||
			    out.add_rv || out.rem_rv) {
				res->join_err[k]++;
				report_note(res, "%s: add/rem_lockspace round "
					    "%d failed", sides[k].label, r);
				continue;
			}
			add[k][n[k]] = out.add_s;
			rem[k][n[k]] = out.rem_s;
			n[k]++;
			fprintf(stderr, "bench: join %s: add %.2f s rem %.2f s\n",
				sides[k].label, out.add_s, out.rem_s);
		}
	}
	for (k = 0; k < BENCH_SIDES; k++) {
		res->add_s[k] = stat_pct(add[k], n[k], 50);
		res->add_max[k] = stat_pct(add[k], n[k], 100);
		res->rem_s[k] = stat_pct(rem[k], n[k], 50);
		res->rem_max[k] = stat_pct(rem[k], n[k], 100);
	}
	return 0;
}
