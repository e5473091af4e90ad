/*
 * rss.c - daemon resident memory (VmRSS of the daemon pid; its helper
 * process is not counted) in three states: idle (read in main.c right
 * after start), with 10 lockspaces joined ("bench" plus bx1..bx9), and
 * with `held` leases held by a few registered clients (HELD_PER_CLIENT
 * each, fewer if the daemon answers -E2BIG for a client that holds too
 * many).  The held run also reports how long acquiring them took.
 * It stops early, and says so, when the system's AIO contexts
 * (fs.aio-nr) reach 90% of fs.aio-max-nr: a daemon that pins an AIO
 * context per held lease would otherwise starve every other AIO user on
 * the machine (io_setup -> EAGAIN) while the leases are held.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define HELD_PER_CLIENT  250
#define HELD_AIO_HEADROOM 0.90    /* stop at 90% of fs.aio-max-nr */
#define HELD_CLIENTS_MAX 512
#define RSS_SETTLE_S     1.0

int phase_rss_ls(struct side *sides, const struct opts *o, struct results *r)
{
	int mask, k;

	mask = setup_join(sides, "bx", "extra.ls", BENCH_EXTRA_LS, 1, 1);
	sleep_s(RSS_SETTLE_S);
	for (k = 0; k < BENCH_SIDES; k++) {
		if (!sides[k].joined || mask & (1 << k))
			continue;
		r->rss_ls[k] = (double)proc_rss_kb(sides[k].pid);
	}
	if (mask)
		report_note(r, "10-lockspace RSS: join failed (mask %d)",
			    mask);
	setup_join(sides, "bx", "extra.ls", BENCH_EXTRA_LS, 1, 0);
	return 0;
}

struct held_out {
	int rv, n, clients, aio_stop;
	long aio_nr, aio_max;
	double secs;
};

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Is the system close to running out of AIO contexts? */
static int aio_nearly_full(struct held_out *h)
{
	h->aio_nr = read_long("/proc/sys/fs/aio-nr");
	h->aio_max = read_long("/proc/sys/fs/aio-max-nr");
	return h->aio_nr >= 0 && h->aio_max > 0 &&
	       h->aio_nr > HELD_AIO_HEADROOM * (double)h->aio_max;
}

struct held_arg {
	int target;               /* leases to hold */
};

static int held_fn(struct side *s, void *arg, int out, int in)
{
	const struct held_arg *o = arg;
	char buf[8][sizeof(struct sanlk_resource) + sizeof(struct sanlk_disk)];
	struct sanlk_resource *rr[8];
	static int fds[HELD_CLIENTS_MAX];
	struct held_out h = { 0 };
	int cur = -1, in_cur = 0, i, guard = 0;
	double t0 = now_s();
	char go;

	for (i = 0; i < 8; i++)
		rr[i] = (struct sanlk_resource *)buf[i];
	while (h.n < o->target && !h.rv && guard++ < 4 * BENCH_MAX_HELD) {
		int batch = o->target - h.n < 8 ? o->target - h.n : 8;

		if (aio_nearly_full(&h)) {
			h.aio_stop = 1;
			break;
		}

		if (cur < 0 || in_cur + batch > HELD_PER_CLIENT) {
			if (h.clients >= HELD_CLIENTS_MAX) {
				h.rv = -EMFILE;
				break;
			}
			cur = fds[h.clients] = s->api.reg();
			if (cur < 0) {
				h.rv = cur;
				break;
			}
			h.clients++;
			in_cur = 0;
		}
		for (i = 0; i < batch; i++)
			setup_res(rr[i], s, h.n + i);
		h.rv = s->api.acquire(cur, -1, 0, batch, rr, NULL);
		if (h.rv == -E2BIG && in_cur > 0) {
			h.rv = 0;        /* client full: use another one */
			cur = -1;
			continue;
		}
		h.n += h.rv ? 0 : batch;
		in_cur += batch;
	}
	h.secs = now_s() - t0;
	if (xwrite(out, &h, sizeof(h)) < 0)
		return 1;
	/* Hold until the parent has measured (it closes the pipe). */
	(void)!read(in, &go, 1);
	for (i = 0; i < h.clients; i++)
		close(fds[i]);
	return 0;
}

/* Ours first; if it stops early (AIO headroom, error), 3.8.5 holds the
 * same number, so the RSS rows compare equal work. */
int phase_rss_held(struct side *sides, const struct opts *o,
		   struct results *r)
{
	struct held_arg a = { .target = o->held };
	int k;

	for (k = 0; k < BENCH_SIDES; k++) {
		struct held_out h;
		struct child c;

		if (!sides[k].joined || r->lat_first_err[k])
			continue;
		if (child_spawn(&c, &sides[k], held_fn, &a) < 0)
			continue;
		if (child_read(&c, &h, sizeof(h), 600.0) == 0) {
			r->held_n[k] = h.n;
			r->held_clients[k] = h.clients;
			if (h.n > 0) {
				sleep_s(RSS_SETTLE_S);
				r->rss_held[k] =
					(double)proc_rss_kb(sides[k].pid);
				r->held_acq_s[k] = h.secs;
			}
			if (h.aio_stop)
				report_note(r, "%s: stopped at %d held leases:"
					    " fs.aio-nr %ld of fs.aio-max-nr %ld"
					    " (over %.0f%%; holding more would "
					    "starve other AIO users)",
					    sides[k].label, h.n, h.aio_nr,
					    h.aio_max, HELD_AIO_HEADROOM * 100);
			else if (h.n != a.target)
				report_note(r, "%s: held only %d of %d leases "
					    "(%d clients), then acquire failed: "
					    "%d", sides[k].label, h.n, a.target,
					    h.clients, h.rv);
			if (k == 0 && h.n > 0 && h.n < a.target) {
				a.target = h.n;
				report_note(r, "%s holds %d leases too, for an "
					    "equal comparison", sides[1].label,
					    h.n);
			}
			fprintf(stderr, "bench: held %s: %d leases by %d "
				"clients in %.2f s\n", sides[k].label, h.n,
				h.clients, h.secs);
		}
		child_finish(&c, 120.0);
		sleep_s(RSS_SETTLE_S);   /* let the daemon release them */
	}
	return 0;
}
