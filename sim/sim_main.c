/*
 * sim_main.c - the sanlock-sim command: parse options, run seeds (in one
 * process, or split over --jobs forked processes by seed residue), print
 * the totals.  The last line is always
 *     sim: seeds=N steps=N faults=N violations=N
 * and the exit status is 1 when any seed violated an invariant (2 for a
 * usage error).  By default the run stops at the first violation (in
 * seed order, also with --jobs); --keep-going runs every seed.
 *
 * State: main's locals; the per-job totals travel back over a pipe.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/sim.h"

#define SIM_MAX_JOBS        16
#define SIM_DEFAULT_STEPS   30000

static const char *const sim_stat_names[SIM_STAT_COUNT] = {
	[SIM_F_READ_ERR] = "read_err", [SIM_F_READ_TIMEOUT] = "read_timeout",
	[SIM_F_WRITE_ERR] = "write_err", [SIM_F_WRITE_TIMEOUT] = "write_timeout",
	[SIM_F_WRITE_CANCEL] = "write_cancel", [SIM_F_LATE_LAND] = "late_land",
	[SIM_F_NEVER_LAND] = "never_land", [SIM_F_RULE6_EARLY] = "rule6_early",
	[SIM_F_RULE6_DROP] = "rule6_drop", [SIM_F_SLOW_IO] = "slow_io",
	[SIM_F_OUTAGE] = "outage", [SIM_F_CRASH] = "crash",
	[SIM_F_PAUSE] = "pause", [SIM_F_STALL] = "stall",
	[SIM_F_KILL_SLOW] = "kill_slow", [SIM_F_DAEMON_CRASH] = "daemon_crash",
	[SIM_F_EXCLUDED] = "EXCLUDED",
	[SIM_S_RACY_READ] = "racy_read", [SIM_S_WD_FIRE] = "wd_fire",
	[SIM_S_LS_FAIL] = "ls_fail", [SIM_S_JOIN_OK] = "join_ok",
	[SIM_S_JOIN_FAIL] = "join_fail", [SIM_S_RENEW_OK] = "renew_ok",
	[SIM_S_RENEW_FAIL] = "renew_fail", [SIM_S_ACQ_EX] = "acquire_ex",
	[SIM_S_ACQ_SH] = "acquire_sh", [SIM_S_ACQ_FAIL] = "acquire_fail",
	[SIM_S_CONVERT] = "convert", [SIM_S_RELEASE] = "release",
	[SIM_S_TAKEOVER] = "takeover", [SIM_S_LEAVE] = "leave",
	[SIM_S_GEN_REUSE] = "gen_reuse", [SIM_S_LVER_REUSE] = "lver_reuse",
};

struct sim_opts {
	uint64_t start, nseeds, steps;
	int      hosts, trace, keep_going, verbose, jobs, quiet, mixed_io;
	int      spec_host_live, contention, convert, late_foreign;
	int      late_commit;
	int64_t  clock_ppb;   /* < 0: scenario default */
	enum sim_excluded excluded;
};

struct sim_totals {
	uint64_t seeds, steps, violations;
	uint64_t first_bad;   /* lowest violating seed, UINT64_MAX none */
	uint64_t stats[SIM_STAT_COUNT];
};

static void sim_usage(FILE *f)
{
	fprintf(f,
"usage: sanlock-sim [--seeds N] [--start S] [--seed S] [--hosts H]\n"
"                   [--steps K] [--trace] [--jobs J] [--keep-going] [-v]\n"
"                   [--clock-ppb P] [hazard options]\n"
"                   [--allow-excluded-fault=NAME]\n"
"  --seeds N      run N seeds starting at --start (default 1)\n"
"  --seed S       run seed S only (same as --start S --seeds 1)\n"
"  --hosts H      machines per seed, 2..16 (default: drawn per seed)\n"
"  --steps K      scheduler steps per seed (default %d)\n"
"  --trace        print every trace record (use with --seed)\n"
"  --jobs J       split the seeds over J processes (default 1)\n"
"  --keep-going   do not stop at the first violation\n"
"  -v             one line per seed; -q: only the totals line\n"
"  --clock-ppb P  host clock rates within 1 +- P/1e9 (default: <= 100)\n"
"Known hazards, each found by this simulator and off by default so that\n"
"the default run guards everything else (sim/README):\n"
"  --late-commit  a failed paxos leader write may land late\n"
"  --late-foreign a failed zeroing of a dead shared holder's dblock\n"
"                 sector may land late\n"
"  --convert      held leases are sometimes converted EX <-> SH\n"
"  --spec-host-live  judge shared holders by §4.4 as written (as\n"
"                 daemon/hosts.c does), not by the evidence-based rule\n"
"  --mixed-io     hosts join with different io_timeouts (1..3)\n"
"  --contention   machines share host_ids\n"
"  --all-hazards  all of the above: the full §1A model\n"
"Checker self-test:\n"
"  --allow-excluded-fault=NAME  inject a fault OUTSIDE spec/algorithms.md\n"
"                 §1A: lost-write, overtake, wrong-sector, torn-sector,\n"
"                 clock-rate, join-stall\n",
		SIM_DEFAULT_STEPS);
}

static int sim_parse(int argc, char **argv, struct sim_opts *o)
{
	static const struct option lo[] = {
		{ "seeds", required_argument, NULL, 'n' },
		{ "start", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "steps", required_argument, NULL, 'k' },
		{ "trace", no_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-going", no_argument, NULL, 'g' },
		{ "clock-ppb", required_argument, NULL, 'c' },
		{ "mixed-io", no_argument, NULL, 'm' },
		{ "spec-host-live", no_argument, NULL, 'F' },
		{ "contention", no_argument, NULL, 'C' },
		{ "convert", no_argument, NULL, 'V' },
		{ "late-foreign", no_argument, NULL, 'L' },
		{ "late-commit", no_argument, NULL, 'K' },
		{ "all-hazards", no_argument, NULL, 'A' },
		{ "allow-excluded-fault", required_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->start = 1;
	o->nseeds = 1;
	o->steps = SIM_DEFAULT_STEPS;
	o->jobs = 1;
	o->clock_ppb = -1;
	while ((c = getopt_long(argc, argv, "vqh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->nseeds = strtoull(optarg, NULL, 0); break;
		case 's': o->start = strtoull(optarg, NULL, 0); break;
		case 'S':
			o->start = strtoull(optarg, NULL, 0);
			o->nseeds = 1;
			break;
		case 'H': o->hosts = atoi(optarg); break;
		case 'k': o->steps = strtoull(optarg, NULL, 0); break;
		case 't': o->trace = 1; break;
		case 'j': o->jobs = atoi(optarg); break;
		case 'g': o->keep_going = 1; break;
		case 'c': o->clock_ppb = strtoll(optarg, NULL, 0); break;
		case 'm': o->mixed_io = 1; break;
		case 'F': o->spec_host_live = 1; break;
		case 'C': o->contention = 1; break;
		case 'V': o->convert = 1; break;
		case 'L': o->late_foreign = 1; break;
		case 'K': o->late_commit = 1; break;
		case 'A':
			o->contention = o->mixed_io = o->spec_host_live = 1;
			o->convert = o->late_foreign = o->late_commit = 1;
			break;
		case 'v': o->verbose = 1; break;
		case 'q': o->quiet = 1; break;
		case 'x':
			o->excluded = sim_excluded_parse(optarg);
			if (o->excluded == SIM_EXCL_NONE) {
				fprintf(stderr, "sanlock-sim: unknown excluded "
					"fault '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			sim_usage(stdout);
			exit(0);
		default:
			sim_usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->nseeds == 0 || o->steps == 0 ||
	    o->jobs < 1 || o->jobs > SIM_MAX_JOBS ||
	    (o->hosts && (o->hosts < SIM_MIN_HOSTS || o->hosts > SIM_MAX_HOSTS))) {
		sim_usage(stderr);
		return -1;
	}
	return 0;
}

static void sim_seed_line(const struct sim_config *c, int bad)
{
	uint64_t f = 0;
	int i;

	for (i = 0; i < SIM_F_COUNT_FAULTS; i++)
		f += sim_w->stats[i];
	printf("sim: seed=%" PRIu64 " hosts=%d ids=%d res=%d W=%u steps=%" PRIu64
	       " t=%.1fs faults=%" PRIu64 " joins=%" PRIu64 " lver_reuse=%" PRIu64 " acq=%" PRIu64
	       "/%" PRIu64 " takeovers=%" PRIu64 " wd=%" PRIu64 "%s\n",
	       c->seed, c->nhosts, c->nids, c->nres, c->w, sim_w->steps,
	       sim_w->now / 1e6, f, sim_w->stats[SIM_S_JOIN_OK],
	       sim_w->stats[SIM_S_LVER_REUSE],
	       sim_w->stats[SIM_S_ACQ_EX], sim_w->stats[SIM_S_ACQ_SH],
	       sim_w->stats[SIM_S_TAKEOVER], sim_w->stats[SIM_S_WD_FIRE],
	       bad ? " VIOLATION" : "");
}

/* Seeds start + job, start + job + jobs, ...; stop early (unless
 * keep_going) past the lowest violating seed any job has found. */
static void sim_run_job(const struct sim_opts *o, int job,
			volatile uint64_t *shared_bad, struct sim_totals *t)
{
	uint64_t i;
	int s;

	memset(t, 0, sizeof(*t));
	t->first_bad = UINT64_MAX;
	for (i = (uint64_t)job; i < o->nseeds; i += (uint64_t)o->jobs) {
		struct sim_config cfg;
		uint64_t seed = o->start + i;
		int bad;

		if (!o->keep_going && seed > *shared_bad)
			break;
		sim_config_make(&cfg, seed, o->hosts, o->steps, o->excluded,
				o->contention);
		cfg.trace = o->trace;
		if (o->clock_ppb >= 0)
			cfg.clock_ppb = o->clock_ppb;
		cfg.mixed_io = o->mixed_io;
		cfg.fix_host_live = !o->spec_host_live;
		cfg.convert = o->convert;
		cfg.late_foreign = o->late_foreign;
		cfg.late_commit = o->late_commit;
		bad = sim_run_seed(&cfg);
		t->seeds++;
		t->steps += sim_w->steps;
		for (s = 0; s < SIM_STAT_COUNT; s++)
			t->stats[s] += sim_w->stats[s];
		if (o->verbose)
			sim_seed_line(&cfg, bad);
		if (bad) {
			t->violations++;
			if (seed < t->first_bad)
				t->first_bad = seed;
			if (seed < *shared_bad)
				*shared_bad = seed;
			if (!o->keep_going)
				break;
		}
	}
	fflush(stdout);
}

static void sim_add(struct sim_totals *a, const struct sim_totals *b)
{
	int s;

	a->seeds += b->seeds;
	a->steps += b->steps;
	a->violations += b->violations;
	if (b->first_bad < a->first_bad)
		a->first_bad = b->first_bad;
	for (s = 0; s < SIM_STAT_COUNT; s++)
		a->stats[s] += b->stats[s];
}

static int sim_run_parallel(const struct sim_opts *o, volatile uint64_t *bad,
			    struct sim_totals *all)
{
	pid_t pids[SIM_MAX_JOBS];
	int fds[SIM_MAX_JOBS];
	int j;

	fflush(stdout);
	for (j = 0; j < o->jobs; j++) {
		int p[2];

		if (pipe(p) < 0)
			return -errno;
		pids[j] = fork();
		if (pids[j] < 0)
			return -errno;
		if (pids[j] == 0) {
			struct sim_totals t;
			ssize_t n;

			close(p[0]);
			sim_run_job(o, j, bad, &t);
			n = write(p[1], &t, sizeof(t));
			_exit(n == (ssize_t)sizeof(t) ? 0 : 3);
		}
		close(p[1]);
		fds[j] = p[0];
	}
	for (j = 0; j < o->jobs; j++) {
		struct sim_totals t;
		int st;

		if (read(fds[j], &t, sizeof(t)) != (ssize_t)sizeof(t))
			return -EIO;
		close(fds[j]);
		if (waitpid(pids[j], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			return -ECHILD;
		sim_add(all, &t);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim_opts o;
	struct sim_totals all;
	volatile uint64_t *bad;
	struct timespec t0, t1;
	uint64_t faults = 0;
	int s, rv;

	if (sim_parse(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sim_world_alloc() < 0) {
		fprintf(stderr, "sanlock-sim: cannot allocate the world\n");
		return 2;
	}
	bad = mmap(NULL, sizeof(*bad), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED) {
		fprintf(stderr, "sanlock-sim: mmap: %s\n", strerror(errno));
		return 2;
	}
	*bad = UINT64_MAX;
	if (o.excluded)
		printf("sim: EXCLUDED FAULT '%s' injected: outside the storage "
		       "and clock model of spec/algorithms.md §1A; violations "
		       "are expected\n", sim_excluded_name(o.excluded));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&all, 0, sizeof(all));
	all.first_bad = UINT64_MAX;
	if (o.jobs == 1) {
		sim_run_job(&o, 0, bad, &all);
	} else {
		rv = sim_run_parallel(&o, bad, &all);
		if (rv < 0) {
			fprintf(stderr, "sanlock-sim: jobs failed: %s\n",
				strerror(-rv));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (s = 0; s < SIM_F_COUNT_FAULTS; s++)
		faults += all.stats[s];
	if (!o.quiet) {
		printf("sim: faults:");
		for (s = 0; s < SIM_F_COUNT_FAULTS; s++)
			printf(" %s=%" PRIu64, sim_stat_names[s], all.stats[s]);
		printf("\nsim: activity:");
		for (s = SIM_F_COUNT_FAULTS; s < SIM_STAT_COUNT; s++)
			printf(" %s=%" PRIu64, sim_stat_names[s], all.stats[s]);
		printf("\nsim: %.2f s", (double)(t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (all.violations)
			printf(", first violating seed %" PRIu64, all.first_bad);
		printf("\n");
	}
	printf("sim: seeds=%" PRIu64 " steps=%" PRIu64 " faults=%" PRIu64
	       " violations=%" PRIu64 "\n", all.seeds, all.steps, faults,
	       all.violations);
	munmap((void *)bad, sizeof(*bad));
	sim_world_free();
	return all.violations ? 1 : 0;
}
