/*
 * cli_conf.h - /etc/sanlock/sanlock.conf as read by every `sanlock`
 * invocation before its command line (spec/cli.md §1.2 last bullet,
 * §2.12).  cli/options.c parses it (env SANLOCK_CONF names another file:
 * our extension, for tests) and copies the keys that have a command-line
 * letter into struct cli_args as defaults; the daemon reads the rest
 * (write_init_io_timeout, sh_retries, debug_*, max_sectors_kb, ...) from
 * cli_conf_get().
 *
 * State: one static struct cli_conf in options.c, written once by
 * cli_parse_options() (single-threaded start-up) and read-only afterwards.
 */
#ifndef CLI_CONF_H
#define CLI_CONF_H

#include <stdint.h>

#include "sanlock.h"

#define CLI_CONF_PATH        "/etc/sanlock/sanlock.conf"
#define CLI_CONF_ENV         "SANLOCK_CONF"  /* extension: alternate path */
#define CLI_CONF_LINE_MAX    128             /* 127 characters + NUL */
#define CLI_CONF_MAX_LINES   100000          /* bound on lines read */
#define CLI_CONF_WORD_MAX    64              /* uname, gname, debug_io */
#define CLI_CONF_DEBUG_CMD_MAX 64            /* debug_cmd lines kept */

/* Defaults of §2.12. */
#define CLI_CONF_DEF_WRITE_INIT_IO_TIMEOUT 60
#define CLI_CONF_DEF_MAX_SECTORS_KB        1024
#define CLI_CONF_DEF_SH_RETRIES            8
#define CLI_CONF_DEF_RENEWAL_HISTORY       180
#define CLI_CONF_DEF_MAX_WORKER_THREADS    8
#define CLI_CONF_DEF_WATCHDOG_FIRE_TIMEOUT 60

struct cli_conf {
	int  loaded;                   /* a file was found and read */
	int  quiet_fail;               /* 1 */
	int  debug_renew;              /* 0 */
	int  use_aio;                  /* 1 */
	int  logfile_priority;         /* 4 */
	int  logfile_use_utc;          /* 0 */
	int  syslog_priority;          /* 3 */
	int  names_log_priority;       /* 4 */
	int  use_watchdog;             /* 1 */
	int  high_priority;            /* 0 */
	int  mlock_level;              /* 1 */
	int  sh_retries;               /* 8 */
	int  uname_set;
	char uname[CLI_CONF_WORD_MAX];
	int  gname_set;
	char gname[CLI_CONF_WORD_MAX];
	int  our_host_name_set;
	char our_host_name[SANLK_NAME_LEN + 1];   /* first 48 bytes */
	int  renewal_read_extend_sec_set;         /* unset: io_timeout */
	int  renewal_read_extend_sec;
	int  write_init_io_timeout;    /* 60; values <= 0 are ignored */
	int  renewal_history_size;     /* 180 */
	int  paxos_debug_all;          /* 0 */
	int  debug_io_submit;          /* debug_io contains "submit" */
	int  debug_io_complete;        /* debug_io contains "complete" */
	int  debug_clients;            /* 0 */
	/* debug_cmd: bit N = request N (1..40, Appendix B) logged.  Lines
	 * are also kept verbatim, in order, for names this file does not know
	 * (our requests 41+ are named by the daemon). */
	uint64_t debug_cmds;
	int  debug_cmd_count;
	char debug_cmd[CLI_CONF_DEBUG_CMD_MAX][CLI_CONF_WORD_MAX];
	/* max_sectors_kb: exactly one of ignore / align / num (default num). */
	int  max_sectors_kb_ignore;
	int  max_sectors_kb_align;
	int  max_sectors_kb_num;       /* 1024 */
	int  max_worker_threads;       /* 8 (the daemon raises < 2 to 2) */
	/* Extensions, not in 3.8.5 (cli.md §2.12, Appendix C): parsed and kept
	 * here only; the daemon decides how to use them. */
	int  io_timeout_set;
	int  io_timeout;
	int  watchdog_fire_timeout_set;
	int  watchdog_fire_timeout;    /* 60 */
	int  kill_grace_seconds_set;
	int  kill_grace_seconds;
	/* Host messages (spec/messages.md §4-§5; extension, not in 3.8.5). */
	int  accept_wd_reset;          /* 1 */
	int  message_timeout;          /* 0 = the destination's host_dead_seconds */
};

/* The configuration read by the last cli_parse_options() (defaults if it
 * has not run or no file exists).  Never NULL. */
const struct cli_conf *cli_conf_get(void);

/* Fill *c with the §2.12 defaults. */
void cli_conf_defaults(struct cli_conf *c);
/* Defaults, then the file at path (missing file: defaults, returns 0;
 * other open errors: -errno, defaults kept). */
int  cli_conf_read(struct cli_conf *c, const char *path);
/* Request number (1..40) of a debug_cmd name of cli.md Appendix B; -1 for
 * a name this file does not know. */
int  cli_conf_cmd_number(const char *name);

/* 1 when option -<letter> appeared on the command line parsed last (so the
 * daemon can tell "-g given" from "default"; a daemon -g outside 0..60 is
 * ignored and does not count). */
int  cli_option_given(char letter);

#endif /* CLI_CONF_H */
