/*
 * status.h - the key=value texts of the DAEMON and CLIENT status records
 * (spec/cli.md §3.1, api.md §8.7) and the STATUS reply stream.
 *
 * The text formatters are pure (unit-tested); status_build runs in the
 * main thread and reads the client table through client_snapshot and the
 * lockspaces through ls_status_foreach.
 */
#ifndef DAEMON_STATUS_H
#define DAEMON_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/client.h"
#include "daemon/daemon.h"
#include "daemon/reply.h"

/* Run-time values of the daemon record that are not settings. */
struct status_daemon_rt {
	int      helper_pid;
	int      helper_kill_fd;
	int      helper_full_count;
	uint64_t helper_last_status;
	uint64_t monotime;
};

/* Text of the DAEMON record; returns its length (truncated to size-1). */
int status_daemon_text(char *buf, size_t size, const struct daemon_cfg *cfg,
		       const struct status_daemon_rt *rt);
/* Text of a CLIENT record. */
int status_client_text(char *buf, size_t size, const struct client_info *ci);

/* Filter values of the STATUS request `data` (api.md §8.7). */
int status_want_clients(uint32_t filter);
int status_want_lockspaces(uint32_t filter);
int status_want_resources(uint32_t filter);

/* Append every record of a STATUS reply (after its header) to r. */
void status_build(struct reply *r, uint32_t filter,
		  const struct status_daemon_rt *rt);

#endif /* DAEMON_STATUS_H */
