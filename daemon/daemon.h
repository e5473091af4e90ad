/*
 * daemon.h - the sanlock daemon's settings and entry point.
 *
 * struct daemon_cfg holds every setting of spec/cli.md §1.3 (daemon
 * letters), §2.1 (environment) and §2.12 (sanlock.conf keys, plus this
 * project's extension keys io_timeout / watchdog_fire_timeout /
 * kill_grace_seconds), and the values resolved at start-up (ids, host
 * name).  It is filled single-threaded before daemon_main() starts any
 * thread, then frozen: every thread may read daemon_cfg() without a lock,
 * nobody writes it afterwards.
 */
#ifndef DAEMON_DAEMON_H
#define DAEMON_DAEMON_H

#include <stdint.h>
#include <sys/types.h>

#include "sanlock.h"

#define DAEMON_VERSION_NUM    0x03080500u   /* 3.8.5, cli.md §3.11 */
#define DAEMON_USER_NAME_MAX  64            /* -U / -G / uname / gname */
#define DAEMON_RUN_DIR_MAX    4096

/* Defaults (cli.md §1.3, §2.12). */
#define DEF_QUIET_FAIL            1
#define DEF_RENEWAL_HISTORY_SIZE  180
#define DEF_LOGFILE_PRIORITY      4         /* LOG_WARNING */
#define DEF_SYSLOG_PRIORITY       3         /* LOG_ERR */
#define DEF_NAMES_LOG_PRIORITY    4
#define DEF_MAX_WORKER_THREADS    8
#define MIN_WORKER_THREADS        2
#define MAX_WORKER_THREADS_LIMIT  64        /* our bound on -t */
#define DEF_KILL_GRACE_SECONDS    40
#define MAX_KILL_GRACE_SECONDS    60
#define DEF_USE_WATCHDOG          1
#define DEF_HIGH_PRIORITY         0
#define DEF_MLOCK_LEVEL           1
#define DEF_SH_RETRIES            8
#define DEF_WRITE_INIT_IO_TIMEOUT 60
#define DEF_MAX_SECTORS_KB_NUM    1024
#define DEF_IO_TIMEOUT            10
#define DEF_WATCHDOG_FIRE_TIMEOUT 60
/* debug_cmds: every request on except 16, 19-24 (cli.md §2.12, §3.1). */
#define DEF_DEBUG_CMDS            0xfffffffffe06ffffull

struct daemon_cfg {
	/* ---- cli.md §1.3 / §2.12 ---- */
	int      debug;                   /* -D: foreground, log to stderr */
	int      quiet_fail;              /* -Q */
	int      debug_renew;             /* -R */
	int      use_aio;                 /* -a */
	int      logfile_priority;        /* -L, -1 = none */
	int      logfile_use_utc;
	int      syslog_priority;         /* -S, -1 = none */
	int      names_log_priority;
	int      use_watchdog;            /* -w */
	int      high_priority;           /* -h */
	int      mlock_level;             /* -l */
	int      sh_retries;
	char     uname[DAEMON_USER_NAME_MAX];   /* "" = none */
	char     gname[DAEMON_USER_NAME_MAX];
	char     our_host_name_cfg[SANLK_NAME_LEN + 1]; /* -e; "" = generate */
	int      renewal_read_extend_sec; /* -1 = io_timeout (the default) */
	int      write_init_io_timeout;
	int      renewal_history_size;    /* -H */
	int      paxos_debug_all;
	int      debug_io_submit;
	int      debug_io_complete;
	int      debug_clients;
	uint64_t debug_cmds;              /* bit N = request N logged */
	int      max_sectors_kb_ignore;
	int      max_sectors_kb_align;
	int      max_sectors_kb_num;
	int      max_worker_threads;      /* -t, >= 2 */
	int      kill_grace_seconds;      /* -g (0..60) */
	int      kill_grace_set;          /* given by -g or the conf key */
	int      set_bitmap_seconds;      /* -b, 0 = 6 * io_timeout */
	/* ---- extensions, not in 3.8.5 (cli.md Appendix C) ---- */
	int      io_timeout;              /* conf io_timeout, default 10 */
	int      watchdog_fire_timeout;   /* conf watchdog_fire_timeout, 60 */
	int      accept_wd_reset;         /* conf accept_wd_reset, 1 (messages.md §5) */
	int      message_timeout;         /* conf message_timeout, 0 = default (§4) */

	/* ---- environment (cli.md §2.1) ---- */
	char     run_dir[DAEMON_RUN_DIR_MAX];
	int      privileged;

	/* ---- resolved at start-up ---- */
	uid_t    uid;
	gid_t    gid;
	char     our_host_name[SANLK_NAME_LEN + 1];
	char     node_name[65];
};

/* Defaults of every field (run_dir/privileged from the environment are
 * filled by daemon_main). */
void daemon_cfg_defaults(struct daemon_cfg *cfg);

/* Apply the dependent defaults once the config file and command line are
 * in: worker bounds, kill grace derived from a lowered fire timeout. */
void daemon_cfg_finish(struct daemon_cfg *cfg);

/* The frozen settings; valid once daemon_main has started. */
const struct daemon_cfg *daemon_cfg(void);

/* Run the daemon (cli.md §2.9).  Returns the process exit status (§2.11);
 * without -D the invoking process exits 0 after forking and never
 * returns. */
int daemon_main(const struct daemon_cfg *cfg);

#endif /* DAEMON_DAEMON_H */
