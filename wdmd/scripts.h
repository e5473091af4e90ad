/*
 * scripts.h - test scripts (spec/cli.md §4.8), adapted to our 1 s rounds.
 *
 * With -S 1, the directory (-s, default /etc/wdmd.d) is scanned at start
 * and on SIGHUP: up to WDMD_SCRIPT_MAX entries, alphabetical, not starting
 * with '.', regular files, owner-executable.  Each script runs with no
 * arguments, in wdmd's process group, signals at their defaults.
 *
 * Per round (every second):
 *  - a script not running is started if it never ran, if its last run
 *    failed, or if WDMD_SCRIPT_INTERVAL - 1 seconds have passed since its
 *    previous start (3.8.5's re-run rule with its 10 s interval);
 *  - a script running for WDMD_SCRIPT_INTERVAL - 1 seconds or more fails
 *    ("taking too long"; left running, not restarted until it ends);
 *    with -k N one running for N seconds or more is SIGKILLed;
 *  - otherwise the script's contribution is its last completed result:
 *    exit 0 passes; non-zero exit or death by a signal fails; a script
 *    whose first run has not finished yet passes (3.8.5 would still be
 *    waiting for it).
 * A script that disappeared or cannot be started is dropped from the list
 * ("script <name> removed <err>").
 *
 * State: struct wdmd_scripts, main thread only.  Children are reaped with
 * waitpid(-1, WNOHANG) (wdmd has no other children).
 */
#ifndef WDMD_SCRIPTS_H
#define WDMD_SCRIPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wdmd/bounds.h"

struct wdmd_script {
	char name[WDMD_SCRIPT_NAME_MAX + 1];
	pid_t pid;              /* running child, 0 if none */
	uint64_t start;         /* monotonic seconds of the last start */
	int have_result;        /* a run has completed */
	int last_result;        /* 0 pass, exit status, or 128 + signal */
	int long_counted;       /* this run already counted as too long */
	unsigned run, fail, good, kill, longrun;
};

struct wdmd_scripts {
	struct wdmd_script s[WDMD_SCRIPT_MAX];
	int count;
	int enabled;
	int kill_sec;
	char dir[PATH_MAX];
};

void wdmd_scripts_init(struct wdmd_scripts *ss, int enabled, const char *dir,
		       int kill_sec);

/* (Re)scan the directory, keeping the state of scripts still listed.
 * Returns the number of scripts, or -errno (list left unchanged). */
int wdmd_scripts_scan(struct wdmd_scripts *ss);

/* Collect finished children and record their results. */
void wdmd_scripts_reap(struct wdmd_scripts *ss);

/* Run the script part of a test round at monotonic time now.  Returns the
 * number of failing scripts; the first one's reason goes to reason. */
int wdmd_scripts_round(struct wdmd_scripts *ss, uint64_t now, char *reason,
		       size_t size);

#endif /* WDMD_SCRIPTS_H */
