/*
 * direct_format.c - `sanlock direct format -x RINDEX [-Z S -A A]`
 * (spec/cli.md §1.9, ondisk.md §7.5): write a resource index (header, no
 * entries) and its internal lease "rindex_lease" from this process, with
 * 4096 as max_resources as 3.8.5 does.  Prints `format done <rv>`.
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <syslog.h>

#include "cli/cli.h"
#include "cli/cli_conf.h"
#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "common/log.h"
#include "lib/direct.h"

int direct_action_format(struct cli_args *a)
{
	const struct sanlk_rindex *rx = &a->rindex;
	char name[SANLK_NAME_LEN + 1];
	struct ondisk_sizes sz;
	int have, rv;

	have = direct_arg_sizes(a, &sz);
	snprintf(name, sizeof(name), "%.48s", rx->lockspace_name);
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	syslog(LOG_WARNING, "format rindex %s:%s:%llu 0x%x", name, rx->disk.path,
	       (unsigned long long)rx->disk.offset,
	       have > 0 ? ondisk_api_flags(&sz) : 0);
	closelog();

	if (have < 0) {
		log_reason("format: -Z needs -A");
		rv = -1;
	} else {
		/* open errors are reported as they are (no -x: the empty
		 * path gives -ENOENT, like 3.8.5) */
		rv = direct_write_rindex(&rx->disk, name, have > 0 ? &sz : NULL,
					 ONDISK_RINDEX_DEFAULT_MAX_RESOURCES,
					 cli_conf_get()->write_init_io_timeout,
					 NULL);
	}
	return cli_done("format", rv);
}
