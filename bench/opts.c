/*
 * opts.c - command line of sanlock-bench.  Every count has a default that
 * makes the full run finish in a few minutes; the smoke test passes tiny
 * counts and a subset of --phases.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

#define OPTS_PHASES "join,renew,rss-ls,latency,io,tput,held"

static void usage(void)
{
	fprintf(stderr,
"usage: sanlock-bench [options]\n"
"  --ours-daemon PATH   our daemon            (build/bin/sanlock)\n"
"  --ours-lib PATH      our libsanlock.so.1   (build/lib/libsanlock.so.1)\n"
"  --peer-daemon PATH   3.8.5 daemon          (/usr/sbin/sanlock)\n"
"  --peer-lib PATH      3.8.5 libsanlock.so.1 (/usr/lib/x86_64-linux-gnu/...)\n"
"  --workdir DIR        lease files (default: a new /var/tmp/sanlock-bench.*,\n"
"                       removed at the end); needs O_DIRECT\n"
"  --phases LIST        subset of " OPTS_PHASES " (all)\n"
"  --iters N            acquire/release pairs per side (600)\n"
"  --rounds N           alternating latency rounds (12)\n"
"  --io-pairs N         pairs traced for the I/O count (20)\n"
"  --clients A,B,C      throughput client counts (1,8,32)\n"
"  --tput-secs S        throughput interval (3)\n"
"  --tput-rounds N      throughput rounds per side (4)\n"
"  --tput-res N         resources the clients use (100)\n"
"  --join-rounds N      add/rem_lockspace rounds per side (3)\n"
"  --renew-secs S       renewal window (10)\n"
"  --renew-rounds N     renewal windows per side (2)\n"
"  --held N             leases held for the RSS row (1000)\n"
"  --io-timeout N       io_timeout of the \"bench\" lockspace (10)\n");
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int opts_parse(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ours-daemon", 1, 0, 'a' }, { "ours-lib", 1, 0, 'b' },
		{ "peer-daemon", 1, 0, 'c' }, { "peer-lib", 1, 0, 'd' },
		{ "workdir", 1, 0, 'w' }, { "phases", 1, 0, 'p' },
		{ "iters", 1, 0, 'i' }, { "rounds", 1, 0, 'r' },
		{ "io-pairs", 1, 0, 'o' }, { "clients", 1, 0, 'C' },
		{ "tput-secs", 1, 0, 'T' }, { "tput-rounds", 1, 0, 'R' },
		{ "tput-res", 1, 0, 'N' }, { "join-rounds", 1, 0, 'j' },
		{ "renew-secs", 1, 0, 's' }, { "renew-rounds", 1, 0, 'S' },
		{ "held", 1, 0, 'H' }, { "io-timeout", 1, 0, 't' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
	};
	int c, n = 0;

	memset(o, 0, sizeof(*o));
	o->ours_daemon = "build/bin/sanlock";
	o->ours_lib = "build/lib/libsanlock.so.1";
	o->peer_daemon = "/usr/sbin/sanlock";
	o->peer_lib = "/usr/lib/x86_64-linux-gnu/libsanlock.so.1";
	o->phases = "all";
	o->iters = 600;
	o->rounds = 12;
	o->io_pairs = 20;
	o->tput_clients[0] = 1;
	o->tput_clients[1] = 8;
	o->tput_clients[2] = 32;
	o->tput_secs = 3;
	o->tput_rounds = 4;
	o->tput_res = 100;
	o->join_rounds = 3;
	o->renew_secs = 10;
	o->renew_rounds = 2;
	o->held = 1000;
	o->io_timeout = 10;
	o->argc = argc;
	o->argv = argv;
	while (n++ < 1000 && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o->ours_daemon = optarg; break;
		case 'b': o->ours_lib = optarg; break;
		case 'c': o->peer_daemon = optarg; break;
		case 'd': o->peer_lib = optarg; break;
		case 'w': o->workdir = optarg; break;
		case 'p': o->phases = optarg; break;
		case 'i': o->iters = atoi(optarg); break;
		case 'r': o->rounds = atoi(optarg); break;
		case 'o': o->io_pairs = atoi(optarg); break;
		case 'C':
			if (sscanf(optarg, "%d,%d,%d", &o->tput_clients[0],
				   &o->tput_clients[1],
				   &o->tput_clients[2]) != 3) {
				usage();
				return -1;
			}
			break;
		case 'T': o->tput_secs = atof(optarg); break;
		case 'R': o->tput_rounds = atoi(optarg); break;
		case 'N': o->tput_res = atoi(optarg); break;
		case 'j': o->join_rounds = atoi(optarg); break;
		case 's': o->renew_secs = atoi(optarg); break;
		case 'S': o->renew_rounds = atoi(optarg); break;
		case 'H': o->held = atoi(optarg); break;
		case 't': o->io_timeout = atoi(optarg); break;
		default:
			usage();
			return -1;
		}
	}
	if (optind != argc) {
		usage();
		return -1;
	}
	o->rounds = clamp(o->rounds, 1, BENCH_MAX_ROUNDS);
	o->iters = clamp(o->iters, o->rounds, BENCH_MAX_ITERS);
	o->io_pairs = clamp(o->io_pairs, 1, 100000);
	for (c = 0; c < 3; c++)
		o->tput_clients[c] = clamp(o->tput_clients[c], 1,
					   BENCH_MAX_CLIENTS);
	if (!(o->tput_secs > 0.1))
		o->tput_secs = 0.1;
	o->tput_rounds = clamp(o->tput_rounds, 1, BENCH_MAX_ROUNDS);
	o->tput_res = clamp(o->tput_res, 1, BENCH_MAX_HELD);
	o->join_rounds = clamp(o->join_rounds, 1, BENCH_MAX_ROUNDS);
	o->renew_secs = clamp(o->renew_secs, 1, 600);
	o->renew_rounds = clamp(o->renew_rounds, 1, BENCH_MAX_ROUNDS);
	o->held = clamp(o->held, 1, BENCH_MAX_HELD);
	o->io_timeout = clamp(o->io_timeout, 1, 255);
	return 0;
}

/* Is phase name selected by --phases? */
int opts_phase(const struct opts *o, const char *name)
{
	size_t len = strlen(name);
	const char *p = o->phases;
	int n = 0;

	if (!strcmp(p, "all"))
		return 1;
	while (p && *p && n++ < 64) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return 1;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}
