/*
 * ls_recovery.c - THE hook between the lockspace manager and recovery
 * (algorithms.md §10.2-§10.3, §11.3): who uses a lockspace, starting the
 * killing of its lease holders, and telling when they are all gone.
 *
 * Until the resource/recovery issue lands there are no lease holders:
 * ls_users() is 0, ls_recovery_start() only logs, and ls_recovery_done()
 * is at once true, so a failed, removed or shut-down lockspace goes
 * straight to stopping, as 3.8.5 does for a lockspace nobody uses.
 *
 * Threads: ls_users runs in command threads with ls_mod.mutex held;
 * ls_recovery_start / ls_recovery_done run in the monitor thread without
 * it (they may take the client/resource locks).  No state of its own yet.
 */
#include <stddef.h>

#include "common/log.h"
#include "daemon/ls_internal.h"

int ls_users(const struct lspace *ls)
{
	(void)ls;
	return 0;
}

void ls_recovery_start(struct lspace *ls, int sigkill)
{
	/* Recovery issue: mark this lockspace's leases dead (§7.5), refuse
	 * new acquires (-28), start the killing sequence of §10.2 with
	 * SIGKILL at once when sigkill (removal, forced shutdown). */
	log_debug("s%u recovery start (%s): no lease holders to kill",
		  ls->space_id, sigkill ? "remove/shutdown, SIGKILL" : "failure");
}

int ls_recovery_done(struct lspace *ls)
{
	(void)ls;
	return 1;
}
