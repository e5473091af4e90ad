/*
 * main.c - sanlock-bench: measures our daemon and library against Debian's
 * sanlock 3.8.5 side by side in one run and prints the comparison table
 * (report.c).  Order of the phases:
 *   start both daemons; idle RSS and idle CPU
 *   format each side's lease files through its own daemon (setup.c)
 *   join      add/rem_lockspace times at io_timeout 1       (join.c)
 *   renew     renewal CPU/I/O, 2000 hosts, 100 live          (renew.c)
 *   join "bench" on both sides, then
 *   rss-ls    RSS with 10 lockspaces                          (rss.c)
 *   latency   acquire/release latency                         (lat.c)
 *   io        I/O per acquire+release                         (iocount.c)
 *   tput      throughput with 1/8/32 clients                  (tput.c)
 *   held      RSS with 1000 held leases                       (rss.c)
 *   leave, stop both daemons (by pid), remove the lease files.
 * Every process started is stopped by pid, also on failure or signal.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"

#define IDLE_CPU_S 2.0

static struct side sides[BENCH_SIDES];
static char workdir[256];
static int made_workdir;

/* Async-signal-safe: kill(), waitpid(), nanosleep() only. */
static void stop_all(void)
{
	pid_t d[BENCH_SIDES];
	int k;

	for (k = 0; k < BENCH_SIDES; k++)
		d[k] = sides[k].pid;
	pids_kill_all();
	for (k = 0; k < BENCH_SIDES; k++)
		if (d[k] > 0)
			kill(-d[k], SIGKILL); /* its helper (own session) */
}

static void on_signal(int sig)
{
	int k;

	stop_all();
	for (k = 0; k < BENCH_SIDES; k++)
		if (sides[k].res_path[0])
			unlink(sides[k].res_path);   /* the big file */
	_exit(128 + sig);
}

static void rm_dir(const char *path, int depth)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (!d || depth > 3) {
		if (d)
			closedir(d);
		return;
	}
	while (n++ < 1000 && (de = readdir(d))) {
		char p[600];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_dir(p, depth + 1);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

static int side_init(struct side *s, const char *label, const char *sub,
		     const char *daemon, const char *lib)
{
	memset(s, 0, sizeof(*s));
	s->label = label;
	s->daemon = daemon;
	s->lib = lib;
	if (snprintf(s->dir, sizeof(s->dir), "%s/%s", workdir, sub) >=
	    (int)sizeof(s->dir) ||
	    snprintf(s->run_dir, sizeof(s->run_dir), "%s/run", s->dir) >=
	    (int)sizeof(s->run_dir) ||
	    snprintf(s->res_path, sizeof(s->res_path), "%s/res.img",
		     s->dir) >= (int)sizeof(s->res_path)) {
		fprintf(stderr, "bench: work dir path too long\n");
		return -1;
	}
	if (strlen(s->run_dir) + sizeof("/sanlock.sock") > 108) {
		fprintf(stderr, "bench: %s/sanlock.sock is too long for a "
			"socket address: use a shorter --workdir\n", s->run_dir);
		return -1;
	}
	if ((mkdir(s->dir, 0755) && errno != EEXIST) ||
	    (mkdir(s->run_dir, 0755) && errno != EEXIST)) {
		fprintf(stderr, "bench: mkdir %s: %s\n", s->run_dir,
			strerror(errno));
		return -1;
	}
	if (access(daemon, X_OK) || access(lib, R_OK)) {
		fprintf(stderr, "bench: %s: %s or %s missing\n", label,
			daemon, lib);
		return -1;
	}
	return 0;
}

static void idle_measure(struct results *r)
{
	double c0[BENCH_SIDES], c1, t;
	int k;

	for (k = 0; k < BENCH_SIDES; k++) {
		r->idle_cpu[k] = NAN;
		c0[k] = NAN;
		if (sides[k].ok)
			proc_cpu(sides[k].pid, &c0[k], &t);
	}
	sleep_s(IDLE_CPU_S);
	for (k = 0; k < BENCH_SIDES; k++) {
		if (!sides[k].ok)
			continue;
		r->rss_idle[k] = (double)proc_rss_kb(sides[k].pid);
		if (proc_cpu(sides[k].pid, &c1, &t) == 0)
			r->idle_cpu[k] = (c1 - c0[k]) * 1e3 / IDLE_CPU_S;
	}
}

static void results_init(struct results *r)
{
	double *d = (double *)r;
	size_t i;

	memset(r, 0, sizeof(*r));
	/* every double before lat_n is a measurement: start as n/a */
	for (i = 0; i < offsetof(struct results, lat_n) / sizeof(double); i++)
		d[i] = NAN;
	for (i = 0; i < 3; i++) {
		r->tput[i][0] = r->tput[i][1] = NAN;
		r->tput_cpu[i][0] = r->tput_cpu[i][1] = NAN;
	}
	r->io_ops[0] = r->io_ops[1] = r->io_bytes[0] = r->io_bytes[1] = NAN;
	r->io_reads[0] = r->io_reads[1] = r->io_writes[0] = NAN;
	r->io_writes[1] = r->io_rbytes[0] = r->io_rbytes[1] = NAN;
	r->io_wbytes[0] = r->io_wbytes[1] = NAN;
	for (i = 0; i < 2; i++) {
		r->add_s[i] = r->add_max[i] = r->rem_s[i] = NAN;
		r->rem_max[i] = r->renew_cpu_ms[i] = NAN;
		r->renew_ticks_ms[i] = r->renew_io[i] = r->renew_n[i] = NAN;
		r->rss_idle[i] = r->rss_ls[i] = r->rss_held[i] = NAN;
		r->held_acq_s[i] = r->idle_cpu[i] = NAN;
	}
}

static void run_phases(const struct opts *o, struct results *r)
{
	int mask, k;

	if (opts_phase(o, "join"))
		phase_join(sides, o, r);
	if (opts_phase(o, "renew"))
		phase_renew(sides, o, r);
	fprintf(stderr, "bench: joining \"%s\" (io_timeout %d)\n",
		BENCH_LS_NAME, o->io_timeout);
	mask = setup_join(sides, BENCH_LS_NAME, "main.ls", 1, o->io_timeout, 1);
	for (k = 0; k < BENCH_SIDES; k++) {
		sides[k].joined = sides[k].ok && !(mask & (1 << k));
		if (sides[k].ok && !sides[k].joined)
			report_note(r, "%s: cannot join \"%s\"",
				    sides[k].label, BENCH_LS_NAME);
	}
	if (opts_phase(o, "rss-ls"))
		phase_rss_ls(sides, o, r);
	if (opts_phase(o, "latency"))
		phase_latency(sides, o, r);
	if (opts_phase(o, "io"))
		phase_io(sides, o, r);
	if (opts_phase(o, "tput"))
		phase_tput(sides, o, r);
	if (opts_phase(o, "held"))
		phase_rss_held(sides, o, r);
	setup_join(sides, BENCH_LS_NAME, "main.ls", 1, o->io_timeout, 0);
}

int main(int argc, char **argv)
{
	static struct results r;
	struct opts o;
	int k, mask;

	if (opts_parse(&o, argc, argv) < 0)
		return 2;
	results_init(&r);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (o.workdir) {
		snprintf(workdir, sizeof(workdir), "%s", o.workdir);
		if (mkdir(workdir, 0755) && errno != EEXIST) {
			perror(workdir);
			return 2;
		}
	} else {
		snprintf(workdir, sizeof(workdir),
			 "/var/tmp/sanlock-bench.XXXXXX");
		if (!mkdtemp(workdir)) {
			perror("mkdtemp");
			return 2;
		}
		made_workdir = 1;
	}
	atexit(stop_all);
	if (side_init(&sides[0], "ours", "ours", o.ours_daemon, o.ours_lib) ||
	    side_init(&sides[1], "3.8.5", "peer", o.peer_daemon, o.peer_lib))
		return 2;
	proc_loadavg(r.load_start);
	for (k = 0; k < BENCH_SIDES; k++)
		sides[k].ok = daemon_start(&sides[k]) == 0;
	idle_measure(&r);
	mask = setup_files(sides, &o);
	for (k = 0; k < BENCH_SIDES; k++) {
		if (mask & (1 << k))
			sides[k].ok = 0;
		if (!sides[k].ok)
			report_note(&r, "%s: daemon or formatting failed, see "
				    "%s/daemon.log", sides[k].label,
				    sides[k].dir);
	}
	if (sides[0].ok || sides[1].ok)
		run_phases(&o, &r);
	for (k = 0; k < BENCH_SIDES; k++) {
		pid_t p = sides[k].pid;

		daemon_stop(&sides[k]);
		if (p > 0)
			kill(-p, SIGKILL);
	}
	proc_loadavg(r.load_end);
	report_print(&o, &r);
	if (made_workdir && sides[0].ok && sides[1].ok) {
		rm_dir(workdir, 0);
	} else {
		for (k = 0; k < BENCH_SIDES; k++)
			unlink(sides[k].res_path);
		fprintf(stderr, "bench: kept %s (logs)\n", workdir);
	}
	return sides[0].ok && sides[1].ok ? 0 : 1;
}
