/*
 * options.h - wdmd's command line (spec/cli.md §4.2, plus this project's
 * --fire-timeout and --test-backend, §4.10).  Pure parsing into a struct;
 * no state of its own (getopt's globals are reset at each call).
 */
#ifndef WDMD_OPTIONS_H
#define WDMD_OPTIONS_H

enum wdmd_action {
	WDMD_ACT_RUN = 0,     /* run the daemon */
	WDMD_ACT_PROBE,       /* -p / --probe */
	WDMD_ACT_DUMP,        /* -d / --dump (acts when reached) */
	WDMD_ACT_VERSION,     /* -V / --version (acts when reached) */
	WDMD_ACT_HELP,        /* -h / --help (acts when reached) */
};

struct wdmd_opts {
	int debug;               /* -D: foreground, log to stderr */
	int high_priority;       /* -H 0|1 */
	int allow_scripts;       /* -S 0|1 */
	int kill_script_sec;     /* -k N (0 = never) */
	const char *group;       /* -G name (default "sanlock") */
	const char *scripts_dir; /* -s path (default /etc/wdmd.d) */
	const char *watchdog;    /* -w path: device tried first */
	const char *test_backend;/* --test-backend FILE: software watchdog */
	int fire_timeout;        /* --fire-timeout SECONDS (default 60) */
	int probe;               /* -p seen */
};

#define WDMD_GROUP_DEFAULT "sanlock"
#define WDMD_SCRIPTS_DIR_DEFAULT "/etc/wdmd.d"

/*
 * Parse argv in order.  -d, -h and -V act when reached: parsing stops and
 * their action is returned.  Unknown options get getopt's diagnostic on
 * stderr and are otherwise ignored (3.8.5).  Returns an enum wdmd_action,
 * or -EINVAL when a value of one of our own options is invalid (a
 * mistyped fire timeout must never start a daemon); *errtext then says why.
 */
int wdmd_opts_parse(int argc, char **argv, struct wdmd_opts *o,
		    const char **errtext);

#endif /* WDMD_OPTIONS_H */
