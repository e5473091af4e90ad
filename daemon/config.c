/*
 * config.c - defaults of the daemon's settings, the dependent defaults
 * applied after the configuration file and command line (spec/cli.md
 * §1.3, §2.12, Appendix C), debug_cmd values, and the request-name table
 * (Appendix B).  The file itself is parsed by cli/options.c (cli_conf.h).
 *
 * Pure functions on a caller-owned struct daemon_cfg; used single-threaded
 * at start-up (cli/daemon_cmd.c) and by the unit tests.  No state except
 * the constant name table.
 */
#include <errno.h>
#include <string.h>

#include "daemon/config.h"

static const char *const conf_cmd_names[CONF_CMD_MAX + 1] = {
	[1] = "register",          [2] = "add_lockspace",
	[3] = "rem_lockspace",     [4] = "shutdown",
	[5] = "status",            [6] = "log_dump",
	[7] = "acquire",           [8] = "release",
	[9] = "inquire",           [10] = "restrict",
	[11] = "request",          [12] = "align",
	[13] = "examine_lockspace", [14] = "examine_resource",
	[15] = "host_status",      [16] = "inq_lockspace",
	[17] = "killpath",         [18] = "write_lockspace",
	[19] = "write_resource",   [20] = "read_lockspace",
	[21] = "read_resource",    [22] = "get_lockspaces",
	[23] = "get_hosts",        [24] = "read_resource_owners",
	[25] = "set_lvb",          [26] = "get_lvb",
	[27] = "convert",          [28] = "version",
	[29] = "shutdown_wait",    [30] = "reg_event",
	[31] = "end_event",        [32] = "set_event",
	[33] = "set_config",       [34] = "renewal",
	[35] = "format_rindex",    [36] = "update_rindex",
	[37] = "lookup_rindex",    [38] = "create_resource",
	[39] = "delete_resource",  [40] = "rebuild_rindex",
	/* 41 and up: this project's requests get their names here. */
	[41] = "host_message",     [42] = "reg_lockspace",
};

const char *conf_cmd_name(uint32_t cmd)
{
	if (cmd > CONF_CMD_MAX)
		return NULL;
	return conf_cmd_names[cmd];
}

int conf_cmd_number(const char *name)
{
	for (int i = 1; i <= CONF_CMD_MAX; i++) {
		if (conf_cmd_names[i] && !strcmp(conf_cmd_names[i], name))
			return i;
	}
	return -1;
}

void daemon_cfg_defaults(struct daemon_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->quiet_fail = DEF_QUIET_FAIL;
	cfg->use_aio = 1;
	cfg->logfile_priority = DEF_LOGFILE_PRIORITY;
	cfg->syslog_priority = DEF_SYSLOG_PRIORITY;
	cfg->names_log_priority = DEF_NAMES_LOG_PRIORITY;
	cfg->use_watchdog = DEF_USE_WATCHDOG;
	cfg->high_priority = DEF_HIGH_PRIORITY;
	cfg->mlock_level = DEF_MLOCK_LEVEL;
	cfg->sh_retries = DEF_SH_RETRIES;
	cfg->renewal_read_extend_sec = -1;
	cfg->write_init_io_timeout = DEF_WRITE_INIT_IO_TIMEOUT;
	cfg->renewal_history_size = DEF_RENEWAL_HISTORY_SIZE;
	cfg->debug_cmds = DEF_DEBUG_CMDS;
	cfg->max_sectors_kb_num = DEF_MAX_SECTORS_KB_NUM;
	cfg->max_worker_threads = DEF_MAX_WORKER_THREADS;
	cfg->kill_grace_seconds = DEF_KILL_GRACE_SECONDS;
	cfg->io_timeout = DEF_IO_TIMEOUT;
	cfg->watchdog_fire_timeout = DEF_WATCHDOG_FIRE_TIMEOUT;
	cfg->accept_wd_reset = 1;
	cfg->privileged = 1;
	cfg->uid = 0;
	cfg->gid = 0;
}

void daemon_cfg_finish(struct daemon_cfg *cfg)
{
	if (cfg->max_worker_threads < MIN_WORKER_THREADS)
		cfg->max_worker_threads = MIN_WORKER_THREADS;
	if (cfg->max_worker_threads > MAX_WORKER_THREADS_LIMIT)
		cfg->max_worker_threads = MAX_WORKER_THREADS_LIMIT;
	if (cfg->io_timeout <= 0)
		cfg->io_timeout = DEF_IO_TIMEOUT;
	if (cfg->watchdog_fire_timeout <= 0)
		cfg->watchdog_fire_timeout = DEF_WATCHDOG_FIRE_TIMEOUT;
	/* Extension (cli.md Appendix C): a lowered fire timeout with no
	 * configured grace shortens the grace so that killing finishes
	 * before the watchdog fires. */
	if (!cfg->kill_grace_set && cfg->watchdog_fire_timeout < 60) {
		if (cfg->watchdog_fire_timeout >= 30)
			cfg->kill_grace_seconds = 15;
		else
			cfg->kill_grace_seconds = 0;
	}
}

int conf_debug_cmd(uint64_t *mask, const char *arg)
{
	int on, n;

	if (arg[0] == '+')
		on = 1;
	else if (arg[0] == '-')
		on = 0;
	else
		return -EINVAL;
	arg++;
	if (!strcmp(arg, "all")) {
		*mask = on ? ~0ull : 0;
		return 0;
	}
	n = conf_cmd_number(arg);
	if (n < 1 || n > 63)
		return -EINVAL;
	if (on)
		*mask |= 1ull << n;
	else
		*mask &= ~(1ull << n);
	return 0;
}

