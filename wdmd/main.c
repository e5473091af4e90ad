/*
 * main.c - wdmd's main(): parse the options, then run the action they
 * name (spec/cli.md §4.2).  No state beyond the daemon's one
 * struct wdmd_state, in static storage here.
 */
#include <stdio.h>

#include "wdmd/dump.h"
#include "wdmd/options.h"
#include "wdmd/probe.h"
#include "wdmd/run.h"
#include "wdmd/setup.h"
#include "wdmd/usage.h"

static struct wdmd_state wdmd_main_state;

int main(int argc, char **argv)
{
	struct wdmd_state *st = &wdmd_main_state;
	const char *err = NULL;
	int act;

	wdmd_state_init(st);
	act = wdmd_opts_parse(argc, argv, &st->opts, &err);
	switch (act) {
	case WDMD_ACT_VERSION:
		wdmd_version(stdout);
		return 0;
	case WDMD_ACT_HELP:
		wdmd_usage(stdout);
		return 0;
	case WDMD_ACT_DUMP:
		return wdmd_dump_client();
	case WDMD_ACT_PROBE:
		return wdmd_probe(&st->opts);
	case WDMD_ACT_RUN:
		return wdmd_run(st);
	default:
		fprintf(stderr, "wdmd: %s\n", err ? err : "invalid options");
		return 255;
	}
}
