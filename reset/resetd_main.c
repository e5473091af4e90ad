/*
 * resetd_main.c - sanlk-resetd's main() (spec/cli.md §5.1): options,
 * daemonize unless -f/-D, log "started", wdmd (-w 1), the update socket,
 * the lockspaces named on the command line, then the loop until
 * SIGTERM/SIGINT.  Exit status: 0 after a clean stop, --help or
 * --version; 1 for bad options or a failed start-up.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "reset_usage.h"
#include "resetd.h"
#include "resetd_log.h"

#ifndef SANLOCK_VERSION_STR
#define SANLOCK_VERSION_STR "3.8.5"
#endif

static struct resetd resetd_main_state;

int main(int argc, char **argv)
{
	struct resetd *d = &resetd_main_state;
	char err[256];
	int i, rv;

	resetd_init(d);
	switch (resetd_opts_parse(argc, argv, &d->opts, err, sizeof(err))) {
	case RESETD_ACT_HELP:
		resetd_usage(stdout);
		return 0;
	case RESETD_ACT_VERSION:
		resetd_version(stdout);
		return 0;
	case RESETD_ACT_USAGE:
		resetd_usage(stdout);
		return 1;
	case RESETD_ACT_ERROR:
		fprintf(stderr, "sanlk-resetd: %s\n", err);
		return 1;
	default:
		break;
	}
	/* a peer (sanlock, wdmd) that went away must not kill us on a write */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < d->opts.extra_count; i++)
		fprintf(stderr, "ignore lockspace_name %s", d->opts.extra[i]);

	if (!d->opts.foreground && daemon(0, 0) < 0) {
		perror("sanlk-resetd: daemon");
		return 1;
	}
	resetd_log_init(d->opts.debug, d->opts.foreground, 1);
	resetd_notice("sanlk-resetd %s started %s", SANLOCK_VERSION_STR,
		      d->opts.use_watchdog ? "" : "use_watchdog=0");

	d->sig_fd = resetd_signals_open();
	if (d->sig_fd < 0) {
		resetd_error("signalfd error %d", d->sig_fd);
		return 1;
	}
	if (d->opts.use_watchdog && resetd_wd_open(d) < 0)
		return 1;
	d->sock_fd = resetd_sock_open();
	if (d->sock_fd < 0) {
		resetd_wd_close(d);
		return 1;
	}
	for (i = 0; i < d->opts.name_count; i++)
		resetd_ls_reg(d, d->opts.names[i]);

	rv = resetd_loop(d);
	resetd_quit(d);
	return rv;
}
