/*
 * cli.h - the `sanlock` command: parsed command line shared by the action
 * files.  cli/main.c dispatches argv[1] (spec/cli.md §1.1); cli/options.c
 * parses options exactly as §1.2-1.4; cli/direct_*.c implement `direct`
 * actions; cli/client_*.c implement client actions; the daemon is entered
 * through daemon_main() (daemon/daemon.h).
 *
 * Single-threaded; the parsed struct cli_args is filled once and read-only
 * afterwards.  Output goes to stdout with plain printf buffering (§1.6).
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include "sanlock.h"

#define CLI_MAX_RES      8       /* -r may be given at most 8 times */

enum cli_kind { CLI_CLIENT, CLI_DIRECT, CLI_DAEMON };

struct cli_args {
	enum cli_kind kind;
	const char *prog;            /* argv[0] as invoked */
	const char *action;          /* "status", "init", ... */
	int debug;                   /* -D seen */

	/* Values exactly as §1.3 parses them; *_set records presence. */
	int quiet_fail;              /* -Q */
	int debug_renew;             /* -R */
	int renewal_history_size;    /* -H */
	int log_logfile_priority;    /* -L */
	int log_syslog_priority;     /* -S */
	const char *uname;           /* -U */
	const char *gname;           /* -G */
	int max_worker_threads;      /* -t */
	int kill_grace_seconds;      /* -g (daemon) */
	uint64_t host_generation;    /* -g (set_event, direct acquire) */
	int use_watchdog;            /* -w: daemon watchdog / shutdown wait */
	int wait;                    /* -w for client shutdown */
	int high_priority;           /* -h: daemon SCHED_RR / gets,read: hosts */
	int get_hosts;               /* -h for gets / client read */
	int mlock_level;             /* -l */
	char sort_arg;               /* -o first char for client status */
	int io_timeout;              /* -o seconds for other actions (0 = 10) */
	int io_timeout_set;
	int set_bitmap_seconds;      /* -b */
	const char *local_host_name; /* -e (daemon, direct acquire_id) */
	uint64_t event;              /* -e as C-integer (set_event) */
	const char *rentry_arg;      /* -e for rindex actions: name[:offset] */
	uint64_t host_id;            /* -i */
	uint64_t event_data;         /* -d */
	uint32_t force_mode;         /* -f */
	int lockspace_set;           /* -s seen */
	struct sanlk_lockspace lockspace;
	int res_count;               /* -r accumulated, parse errors skipped */
	struct sanlk_resource *res_args[CLI_MAX_RES];
	int rindex_set;              /* -x seen */
	struct sanlk_rindex rindex;
	int pid;                     /* -p, default -1 */
	int num_hosts;               /* -n */
	int max_hosts;               /* -m */
	const char *n_arg;           /* -n / -m as given (host_message parses */
	const char *m_arg;           /*  them as C-integers, messages.md §9) */
	int persistent;              /* -P */
	int orphan;                  /* -O value; orphan_set records presence */
	int orphan_set;
	int used;                    /* -u value; used_set records presence */
	int used_set;
	int clear;                   /* -z any value */
	uint32_t sector_size;        /* -Z, 0 = detect */
	uint32_t align_size;         /* -A in bytes, 0 = detect */
	int use_aio;                 /* -a, default 1 */
	const char *leader_file;     /* -F */
	const char *dump_path;       /* positional arg of direct dump/next_free */
	int cmd_argc;                /* -c program and args */
	char **cmd_argv;
};

/* Parse argv starting at argv[start] into *a (defaults first).  Returns 0,
 * or prints the §1.2 error text and returns 1 (the exit status). */
int cli_parse_options(int argc, char **argv, int start, struct cli_args *a);

/* Action entry points; each returns the process exit status. */
int cli_direct_action(struct cli_args *a);
int cli_client_action(struct cli_args *a);
/* `sanlock daemon ...`: converts the options and runs daemon_main(). */
int cli_daemon_action(struct cli_args *a);

/* Start and length of field k (0-based) of s split at colons not preceded
 * by a backslash (spec/cli.md §1.4); 0 if s has fewer fields
 * (cli/options.c). */
int cli_field(const char *s, int k, const char **start, size_t *len);

/* Print `<label> done <rv>` and, on failure, one stderr line naming the
 * problem (cli_done.c).  Returns the exit status (0 iff rv == 0). */
int cli_done(const char *label, int rv);
const char *cli_rv_text(int rv);

/* Usage text of §3.12 to stdout. */
void cli_print_usage(void);

#endif /* CLI_H */
