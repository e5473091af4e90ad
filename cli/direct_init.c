/*
 * direct_init.c - `sanlock direct init -s LOCKSPACE | -r RESOURCE`
 * (spec/cli.md §1.9, ondisk.md §8): write a new lockspace area (every host
 * record, io timeout -o) or a new resource area (first -r only, -n num
 * hosts, -z invalidated) from this process.  Prints `init done <rv>`.
 *
 * Result codes are 3.8.5's: no -s/-r -22; -Z without -A -1; -s with no
 * path -22, -s open failure -19; -r without disks -19, -r open failure
 * -errno; offsets the device cannot address -22.  Nothing is written unless
 * every check passed (lib/direct_write.c); the reason for a failure is
 * given as a -D debug line (stdout must stay as 3.8.5 prints it).
 * Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "cli/cli.h"
#include "cli/cli_conf.h"
#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "common/log.h"
#include "lib/direct.h"
#include "sanlock_resource.h"

static void direct_init_syslog_ls(const struct sanlk_lockspace *ls,
				  uint32_t flags)
{
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "init lockspace %.48s:%llu:%s:%llu 0x%x", ls->name,
	       (unsigned long long)ls->host_id, ls->host_id_disk.path,
	       (unsigned long long)ls->host_id_disk.offset, flags);
	closelog();
}

static void direct_init_syslog_res(struct sanlk_resource *res)
{
	char *str = NULL;

	if (sanlock_res_to_str(res, &str) < 0 || !str)
		return;
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "init resource %s", str);
	closelog();
	free(str);
}

static int direct_init_lockspace(const struct cli_args *a)
{
	const struct sanlk_lockspace *ls = &a->lockspace;
	struct ondisk_sizes sz;
	int have, rv, failed_open = 0;
	uint16_t io_timeout;

	have = direct_arg_sizes(a, &sz);
	direct_init_syslog_ls(ls, have > 0 ? ondisk_api_flags(&sz) : 0);
	if (have < 0) {
		log_reason("init: -Z needs -A");
		return -1;
	}
	if (!ls->host_id_disk.path[0]) {
		log_reason("init: no path in the lockspace argument");
		return -EINVAL;
	}
	/* Stored as 3.8.5 stores it: 0 means 10, else the low 16 bits of
	 * the -o value (so -o -5 stores 65531). */
	io_timeout = (uint16_t)(a->io_timeout ? a->io_timeout :
				ONDISK_DEFAULT_IO_TIMEOUT);
	rv = direct_write_lockspace(&ls->host_id_disk, ls->name,
				    have > 0 ? &sz : NULL, io_timeout,
				    cli_conf_get()->write_init_io_timeout,
				    &failed_open);
	if (rv < 0 && failed_open)
		return -ENODEV;
	return rv;
}

static int direct_init_resource(const struct cli_args *a)
{
	struct sanlk_resource *res = a->res_args[0];
	struct ondisk_sizes sz;
	int have;

	have = direct_arg_sizes(a, &sz);
	direct_init_syslog_res(res);
	if (have < 0) {
		log_reason("init: -Z needs -A");
		return -1;
	}
	if (res->num_disks == 0) {
		log_reason("init: no disk in the resource argument");
		return -ENODEV;
	}
	/* -n outside 1..max_hosts (including negative) means max_hosts. */
	return direct_write_resource(res, have > 0 ? &sz : NULL,
				     a->num_hosts > 0 ? (uint64_t)a->num_hosts : 0,
				     a->clear, cli_conf_get()->write_init_io_timeout,
				     NULL);
}

int direct_action_init(struct cli_args *a)
{
	int rv;

	if (a->lockspace_set)
		rv = direct_init_lockspace(a);
	else if (a->res_count > 0)
		rv = direct_init_resource(a);
	else
		rv = -EINVAL;
	return cli_done("init", rv);
}
