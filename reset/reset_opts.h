/*
 * reset_opts.h - sanlk-reset's command line (spec/cli.md §5.2).  Pure
 * parsing into a struct: getopt's globals are reset at each call, and
 * nothing is printed except getopt's own diagnostic for an unknown option
 * or a missing value (on stderr, as 3.8.5).
 */
#ifndef SANLK_RESET_OPTS_H
#define SANLK_RESET_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "reset_common.h"

enum reset_cmd {
	RESET_CMD_NONE = 0,
	RESET_CMD_REG,		/* reg NAME...   (local sanlk-resetd) */
	RESET_CMD_END,		/* end NAME...   (local sanlk-resetd) */
	RESET_CMD_CLEAR,	/* clear all     (local sanlk-resetd) */
	RESET_CMD_RESET,	/* reset NAME:HOSTID... | NAME -i HOSTID */
};

enum reset_action {
	RESET_ACT_RUN = 0,	/* run o->cmd */
	RESET_ACT_HELP,		/* -h: usage on stdout, exit 0 */
	RESET_ACT_VERSION,	/* -V: "<argv0> version: 3.8.5", exit 0 */
	RESET_ACT_USAGE,	/* usage on stdout, exit 2 (no arguments, or an
				 * unknown option: getopt printed why) */
	RESET_ACT_ERROR,	/* err on stderr, exit 2 */
};

#define RESET_EXIT_USAGE 2

struct reset_target {
	char name[RESET_NAME_MAX + 1];
	uint64_t host_id;	/* reset only: 1..2000 */
};

struct reset_opts {
	enum reset_cmd cmd;
	const char *cmd_name;	/* as given */
	int count;		/* lockspace names */
	struct reset_target t[RESET_MAX_LS];
	uint64_t host_id;	/* -i (0: not given) */
	uint64_t generation;	/* -g (0: the target's current one) */
	int host_id_set, generation_set;
	int use_watchdog;	/* -w 0|1 [1]: ask for EVENT_RESET */
	int sysrq_reboot;	/* -b 0|1 [0]: ask for EVENT_REBOOT */
	int resource_mode;	/* -R 0|1 [0] */
	int native_timeout;	/* --native-timeout N [1]: 0 disables the rule */
	int debug;		/* -D */
};

/*
 * Parse argv (options may follow the command: GNU getopt permutes argv).
 * Returns an enum reset_action.  For RESET_ACT_ERROR, err holds the
 * message and *err_newline says whether it ends with a newline (3.8.5
 * prints "invalid host_id <n>" without one).
 */
int reset_opts_parse(int argc, char **argv, struct reset_opts *o,
		     char *err, size_t errsize, int *err_newline);

/* The event value a reset request carries: EVENT_RESET if use_watchdog,
 * | EVENT_REBOOT if sysrq_reboot. */
uint64_t reset_request_bits(const struct reset_opts *o);

#endif /* SANLK_RESET_OPTS_H */
