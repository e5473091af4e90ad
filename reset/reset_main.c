/*
 * reset_main.c - sanlk-reset's main() (spec/cli.md §5.2): parse, then run
 * the command.  Exit status: 0 done / updated, 1 failed, 2 bad usage.
 */
#include <signal.h>
#include <stdio.h>

#include "reset_local.h"
#include "reset_log.h"
#include "reset_opts.h"
#include "reset_run.h"
#include "reset_usage.h"

int main(int argc, char **argv)
{
	static struct reset_opts o;
	char err[256];
	int nl;

	switch (reset_opts_parse(argc, argv, &o, err, sizeof(err), &nl)) {
	case RESET_ACT_HELP:
		reset_usage(stdout, argv[0]);
		return 0;
	case RESET_ACT_VERSION:
		reset_version(stdout, argv[0]);
		return 0;
	case RESET_ACT_USAGE:
		reset_usage(stdout, argv[0]);
		return RESET_EXIT_USAGE;
	case RESET_ACT_ERROR:
		fprintf(stderr, "%s%s", err, nl ? "\n" : "");
		return RESET_EXIT_USAGE;
	default:
		break;
	}

	signal(SIGPIPE, SIG_IGN);   /* a daemon that went away: -EPIPE */
	if (o.cmd != RESET_CMD_RESET)
		return reset_local_update(&o);
	reset_log_init(o.debug);
	return reset_run(&o);
}
