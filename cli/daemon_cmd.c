/*
 * daemon_cmd.c - `sanlock daemon [options]` (spec/cli.md §1.3, §2.12):
 * copies the parsed settings into the daemon's struct daemon_cfg and runs
 * daemon_main().
 *
 * cli/options.c has already read the configuration file ($SANLOCK_CONF,
 * our extension, or /etc/sanlock/sanlock.conf) and merged the keys that
 * have an option letter into struct cli_args, command line last; the
 * other keys come from cli_conf_get().  Single-threaded, no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_conf.h"
#include "common/log.h"
#include "daemon/config.h"
#include "daemon/daemon.h"

/* debug_cmd lines in file order on the daemon's name table, which also
 * names our requests 41+ (unknown to the CLI's table). */
static uint64_t daemon_cmd_debug_cmds(const struct cli_conf *c)
{
	uint64_t mask = DEF_DEBUG_CMDS;

	if (c->debug_cmd_count >= CLI_CONF_DEBUG_CMD_MAX)
		return c->debug_cmds;      /* lines were dropped: trust it */
	for (int i = 0; i < c->debug_cmd_count; i++) {
		if (conf_debug_cmd(&mask, c->debug_cmd[i]) < 0)
			log_error("ignore unknown debug_cmd %s", c->debug_cmd[i]);
	}
	return mask;
}

static void daemon_cmd_apply(struct daemon_cfg *cfg, const struct cli_args *a,
			     const struct cli_conf *c)
{
	/* Letters (file values already merged in by the parser). */
	cfg->debug = a->debug;
	cfg->quiet_fail = a->quiet_fail;
	cfg->debug_renew = a->debug_renew;
	cfg->renewal_history_size = a->renewal_history_size;
	cfg->logfile_priority = a->log_logfile_priority;
	cfg->syslog_priority = a->log_syslog_priority;
	if (a->uname && a->uname[0])
		snprintf(cfg->uname, sizeof(cfg->uname), "%s", a->uname);
	if (a->gname && a->gname[0])
		snprintf(cfg->gname, sizeof(cfg->gname), "%s", a->gname);
	cfg->max_worker_threads = a->max_worker_threads;
	cfg->use_watchdog = a->use_watchdog;
	cfg->high_priority = a->high_priority;
	cfg->mlock_level = a->mlock_level;
	cfg->set_bitmap_seconds = a->set_bitmap_seconds;
	cfg->use_aio = a->use_aio;
	if (a->local_host_name && a->local_host_name[0])
		snprintf(cfg->our_host_name_cfg, sizeof(cfg->our_host_name_cfg),
			 "%s", a->local_host_name);
	/* -o: 3.8.5's daemon ignores it (cli.md §0); so do we.  The default
	 * io timeout comes from the io_timeout key (extension). */

	/* Keys without a letter. */
	cfg->logfile_use_utc = c->logfile_use_utc;
	cfg->names_log_priority = c->names_log_priority;
	cfg->sh_retries = c->sh_retries;
	cfg->renewal_read_extend_sec = c->renewal_read_extend_sec_set ?
		c->renewal_read_extend_sec : -1;
	cfg->write_init_io_timeout = c->write_init_io_timeout;
	cfg->paxos_debug_all = c->paxos_debug_all;
	cfg->debug_io_submit = c->debug_io_submit;
	cfg->debug_io_complete = c->debug_io_complete;
	cfg->debug_clients = c->debug_clients;
	cfg->debug_cmds = daemon_cmd_debug_cmds(c);
	cfg->max_sectors_kb_ignore = c->max_sectors_kb_ignore;
	cfg->max_sectors_kb_align = c->max_sectors_kb_align;
	cfg->max_sectors_kb_num = c->max_sectors_kb_num;

	/* Extensions (cli.md Appendix C). */
	if (c->io_timeout_set && c->io_timeout > 0)
		cfg->io_timeout = c->io_timeout;
	if (c->watchdog_fire_timeout_set && c->watchdog_fire_timeout > 0)
		cfg->watchdog_fire_timeout = c->watchdog_fire_timeout;
	cfg->accept_wd_reset = c->accept_wd_reset;
	cfg->message_timeout = c->message_timeout;
	if (c->kill_grace_seconds_set && c->kill_grace_seconds >= 0 &&
	    c->kill_grace_seconds <= MAX_KILL_GRACE_SECONDS) {
		cfg->kill_grace_seconds = c->kill_grace_seconds;
		cfg->kill_grace_set = 1;
	}
	/* -g wins over the file; the parser kept only 0..60 (§1.3). */
	if (cli_option_given('g')) {
		cfg->kill_grace_seconds = a->kill_grace_seconds;
		cfg->kill_grace_set = 1;
	}
}

int cli_daemon_action(struct cli_args *a)
{
	struct daemon_cfg cfg;

	log_set_stderr(a->debug);
	daemon_cfg_defaults(&cfg);
	daemon_cmd_apply(&cfg, a, cli_conf_get());
	return daemon_main(&cfg);
}
