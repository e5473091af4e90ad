/*
 * resetd_opts.h - sanlk-resetd's command line (spec/cli.md §5.1).  Pure
 * parsing into a struct (getopt's globals are reset at each call); only
 * getopt's own diagnostic for an unknown option is printed (stderr).
 */
#ifndef SANLK_RESETD_OPTS_H
#define SANLK_RESETD_OPTS_H

#include <stddef.h>

#include "reset_common.h"

enum resetd_action {
	RESETD_ACT_RUN = 0,
	RESETD_ACT_HELP,	/* usage on stdout, exit 0 */
	RESETD_ACT_VERSION,	/* "sanlk-resetd version: 3.8.5", exit 0 */
	RESETD_ACT_USAGE,	/* unknown option: usage on stdout, exit 1 */
	RESETD_ACT_ERROR,	/* bad value (ours): err on stderr, exit 1 */
};

#define RESETD_SYSRQ_DELAY_DEFAULT	25
#define RESETD_SYSRQ_DELAY_MAX		86400

struct resetd_opts {
	int foreground;		/* -f */
	int debug;		/* -D: foreground + debug lines on stderr */
	int use_watchdog;	/* -w 0|1 [1] */
	int sysrq_reboot;	/* -b 0|1 [0] */
	int sysrq_delay;	/* -d SEC [25] */
	int resource_mode;	/* -R 0|1 [0] */
	int name_count;		/* the first RESET_MAX_LS names */
	const char *names[RESET_MAX_LS];
	int extra_count;	/* names beyond those: ignored */
	char **extra;
};

int resetd_opts_parse(int argc, char **argv, struct resetd_opts *o,
		      char *err, size_t errsize);

#endif /* SANLK_RESETD_OPTS_H */
