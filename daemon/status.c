/*
 * status.c - DAEMON / CLIENT record texts and the STATUS stream (see
 * status.h).  Formatters are pure; status_build reads shared state only
 * through client_snapshot (slot mutexes) and ls_status_foreach.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/lockspace.h"
#include "daemon/res.h"
#include "daemon/status.h"

static int status_clamp(int n, size_t size)
{
	if (n < 0)
		return 0;
	if ((size_t)n >= size)
		return size ? (int)size - 1 : 0;
	return n;
}

int status_daemon_text(char *buf, size_t size, const struct daemon_cfg *cfg,
		       const struct status_daemon_rt *rt)
{
	char ext[96] = "";
	int n;

	/* Extension keys (HEAD, cli.md Appendix C) appear only when they
	 * differ from 3.8.5's fixed values, so a default daemon prints
	 * exactly what 3.8.5 prints. */
	if (cfg->io_timeout != DEF_IO_TIMEOUT ||
	    cfg->watchdog_fire_timeout != DEF_WATCHDOG_FIRE_TIMEOUT)
		snprintf(ext, sizeof(ext),
			 " io_timeout=%d watchdog_fire_timeout=%d",
			 cfg->io_timeout, cfg->watchdog_fire_timeout);

	n = snprintf(buf, size,
		"our_host_name=%s "
		"use_watchdog=%d "
		"high_priority=%d "
		"mlock_level=%d "
		"quiet_fail=%d "
		"debug_renew=%d "
		"debug_clients=%d "
		"debug_cmds=0x%" PRIx64 " "
		"renewal_history_size=%d "
		"gid=%u "
		"uid=%u "
		"sh_retries=%d "
		"max_sectors_kb_ignore=%d "
		"max_sectors_kb_align=%d "
		"max_sectors_kb_num=%d "
		"max_worker_threads=%d "
		"write_init_io_timeout=%d "
		"use_aio=%d"
		"%s "
		"kill_grace_seconds=%d "
		"helper_pid=%d "
		"helper_kill_fd=%d "
		"helper_full_count=%d "
		"helper_last_status=%" PRIu64 " "
		"monotime=%" PRIu64 " "
		"version_str=%s "
		"version_num=%u.%u.%u "
		"version_hex=%08x "
		"smproto_hex=%08x",
		cfg->our_host_name,
		cfg->use_watchdog,
		cfg->high_priority,
		cfg->mlock_level,
		cfg->quiet_fail,
		cfg->debug_renew,
		cfg->debug_clients,
		cfg->debug_cmds,
		cfg->renewal_history_size,
		(unsigned)cfg->gid,
		(unsigned)cfg->uid,
		cfg->sh_retries,
		cfg->max_sectors_kb_ignore,
		cfg->max_sectors_kb_align,
		cfg->max_sectors_kb_num,
		cfg->max_worker_threads,
		cfg->write_init_io_timeout,
		cfg->use_aio,
		ext,
		cfg->kill_grace_seconds,
		rt->helper_pid,
		rt->helper_kill_fd,
		rt->helper_full_count,
		rt->helper_last_status,
		rt->monotime,
		SANLOCK_VERSION_STR,
		(DAEMON_VERSION_NUM >> 24) & 0xff,
		(DAEMON_VERSION_NUM >> 16) & 0xff,
		(DAEMON_VERSION_NUM >> 8) & 0xff,
		DAEMON_VERSION_NUM,
		SM_PROTO);
	return status_clamp(n, size);
}

int status_client_text(char *buf, size_t size, const struct client_info *ci)
{
	int n = snprintf(buf, size,
		"ci=%d "
		"fd=%d "
		"pid=%d "
		"flags=%x "
		"restricted=%x "
		"cmd_active=%u "
		"cmd_last=%u "
		"pid_dead=%d "
		"kill_count=%d "
		"kill_last=%" PRIu64 " "
		"suspend=%d "
		"need_free=%d",
		ci->ci, ci->fd, ci->pid, ci->flags, ci->restricted,
		ci->cmd_active, ci->cmd_last, ci->pid_dead, ci->kill_count,
		ci->kill_last, ci->suspend, ci->need_free);
	return status_clamp(n, size);
}

int status_want_clients(uint32_t filter)
{
	return filter != SANLK_STATUS_DAEMON;
}

int status_want_lockspaces(uint32_t filter)
{
	return filter != SANLK_STATUS_DAEMON && filter != SANLK_STATUS_CLIENTS;
}

int status_want_resources(uint32_t filter)
{
	return filter != SANLK_STATUS_DAEMON && filter != SANLK_STATUS_CLIENTS &&
	       filter != SANLK_STATUS_LOCKSPACES;
}

static void status_ls_cb(void *arg, const struct sanlk_lockspace *ls,
			 const char *list, const char *text)
{
	struct reply *r = arg;
	struct sanlk_lockspace copy;
	char buf[SANLK_STATE_MAXSTR];

	/* The text starts with list=...; accept a text without it too. */
	if (!strncmp(text, "list=", 5))
		snprintf(buf, sizeof(buf), "%s", text);
	else
		snprintf(buf, sizeof(buf), "list=%s %s", list, text);

	memset(&copy, 0, sizeof(copy));
	memcpy(copy.name, ls->name, sizeof(copy.name));
	copy.host_id = ls->host_id;
	memcpy(copy.host_id_disk.path, ls->host_id_disk.path,
	       sizeof(copy.host_id_disk.path));
	copy.host_id_disk.offset = ls->host_id_disk.offset;
	if (reply_put_state(r, SANLK_STATE_LOCKSPACE, 0, ls->host_id,
			    ls->name, sizeof(ls->name), buf, &copy,
			    sizeof(copy)) < 0 && !r->overflow)
		log_error("status: no memory for lockspace record");
}

void status_build(struct reply *r, uint32_t filter,
		  const struct status_daemon_rt *rt)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	char text[SANLK_STATE_MAXSTR];
	struct client_info ci;

	status_daemon_text(text, sizeof(text), cfg, rt);
	reply_put_state(r, SANLK_STATE_DAEMON, 0, 0, cfg->our_host_name,
			SANLK_NAME_LEN, text, NULL, 0);

	if (status_want_clients(filter)) {
		int hwm = client_slots_hwm();

		for (int i = 0; i < hwm; i++) {
			if (client_snapshot(i, &ci) < 0)
				continue;
			status_client_text(text, sizeof(text), &ci);
			reply_put_state(r, SANLK_STATE_CLIENT, (uint32_t)ci.pid,
					0, ci.name, CLIENT_NAME_LEN, text,
					NULL, 0);
		}
	}

	if (status_want_lockspaces(filter))
		ls_status_foreach(status_ls_cb, r);

	/* RESOURCE records (filter 0): the resource manager (res.h). */
	if (status_want_resources(filter))
		res_status_build(r);

	if (r->overflow)
		log_error("status reply over %zu bytes, truncated", r->max);
}
