/*
 * ls_recovery.c - THE hook between the lockspace manager and recovery
 * (algorithms.md §10.1 step 2, §10.2-§10.3, §11.3; recovery.h):
 *  - ls_users: the lockspace's local resources, for SANLK_REM_UNUSED;
 *  - ls_recovery_start: the lockspace failed, is being removed or the
 *    daemon shuts down by force: from now on its leases are released
 *    without disk I/O (§7.5);
 *  - ls_recovery_done: called by the monitor on every pass while the
 *    lockspace is killing (every 0.2 s): first the completion test
 *    (§10.3 step 1: no registered client with a live connection holds a
 *    lease in it), then, if not complete, one round of the killing
 *    sequence (§10.2).  The resource manager must agree (its own view
 *    of the holders, the USED flags, orphans).  When it returns 1 the
 *    monitor disarms the watchdog connection and stops the lockspace;
 *    the lockspace's orphans are dropped (§11.1).
 *
 * The grace period ends at last_success + 8*io + kill_grace_seconds,
 * with last_success re-read on every pass (a late successful renewal
 * extends it).  kill_grace_seconds is the daemon's frozen setting (-g,
 * sanlock.conf, or the automatic value for a fire timeout below 60;
 * daemon/config.c).
 *
 * Threads: ls_users runs in command threads with ls_mod.mutex held;
 * ls_recovery_start / ls_recovery_done in the monitor thread without it.
 * No state here: the kill state lives in recovery_kill.c.
 */
#include <stddef.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/daemon.h"
#include "daemon/ls_internal.h"
#include "daemon/recovery.h"

int ls_users(const struct lspace *ls)
{
	return recovery_res_users(ls->name);
}

void ls_recovery_start(struct lspace *ls, int sigkill)
{
	log_warn("s%u recovery start: %s", ls->space_id,
		 sigkill ? "removal or shutdown, SIGKILL lease holders" :
		 "lockspace failed, kill lease holders");
	recovery_res_space_dead(ls->name);
}

int ls_recovery_done(struct lspace *ls)
{
	struct recovery_space sp;
	struct recovery_pass_result r;
	int grace = daemon_cfg()->kill_grace_seconds;
	int rv;

	if (grace < 0)
		grace = 0;
	ls_lock();
	sp.space_id = ls->space_id;
	sp.name = ls->name;
	sp.force_kill = ls->rem_requested || ls->shutdown;
	sp.kill_grace = grace;
	sp.grace_end = ls->last_success + ls_timeouts(ls).renewal_fail +
		       (uint64_t)grace;
	ls_unlock();

	rv = recovery_pass(&sp, recovery_res_ops(), monotime(),
			   monotime_usec(), &r);
	if (rv < 0)
		return 0;
	if (r.live > 0)
		return 0;
	/* Also every closed holder's leases dropped, USED clear, and no
	 * orphan if USED_BY_ORPHANS (§10.3 step 2, §11.2). */
	if (!recovery_res_done(ls->name, ls->space_id))
		return 0;
	/* Finished: the monitor disarms the watchdog and stops the
	 * renewal thread next; the orphans go now, without disk I/O. */
	recovery_res_gone(ls->name);
	log_debug("s%u recovery done", ls->space_id);
	return 1;
}
