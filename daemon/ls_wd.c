/*
 * ls_wd.c - THE hook between the lockspace manager and the watchdog
 * multiplexer (algorithms.md §3.3 (c) and step 10, §10.4; cli.md §4.9):
 * connect before the join, arm with expiry = timestamp + 8*io after it,
 * refresh after every successful renewal, disarm when recovery is done,
 * close when the renewal thread ends.
 *
 * For now there is no wdmd client: with use_watchdog = 0 every call is a
 * no-op; with use_watchdog = 1 the join fails at connect with
 * SANLK_WD_ERROR (-203), exactly what 3.8.5 does when no wdmd is running
 * ("s<N> wdmd_connect failed -2").  The watchdog issue replaces this file;
 * its contract: ls_wd_connect and ls_wd_arm/update/close run in the
 * lockspace's renewal thread, ls_wd_disarm in the monitor thread, none
 * with ls_mod.mutex held; after ls_wd_disarm, ls_wd_update must not arm
 * the connection again (a disarmed flag under this file's own lock).
 */
#include <errno.h>
#include <stddef.h>

#include "common/log.h"
#include "daemon/ls_internal.h"

static int ls_wd_used(void)
{
	int use;

	ls_lock();
	use = ls_mod.cfg.use_watchdog;
	ls_unlock();
	return use;
}

int ls_wd_connect(struct lspace *ls)
{
	if (!ls_wd_used())
		return 0;
	log_error("s%u wdmd_connect failed -2: this daemon has no watchdog "
		  "support yet (start it with -w 0)", ls->space_id);
	return SANLK_WD_ERROR;
}

int ls_wd_arm(struct lspace *ls, uint64_t timestamp)
{
	(void)ls;
	(void)timestamp;
	return ls_wd_used() ? SANLK_WD_ERROR : 0;
}

int ls_wd_update(struct lspace *ls, uint64_t timestamp)
{
	(void)ls;
	(void)timestamp;
	return 0;
}

void ls_wd_disarm(struct lspace *ls)
{
	(void)ls;
}

void ls_wd_close(struct lspace *ls)
{
	(void)ls;
}

int ls_wd_fire_now(struct lspace *ls, const char *reason)
{
	log_error("s%u watchdog reset requested (%s) but this daemon has no "
		  "watchdog support yet", ls->space_id, reason ? reason : "");
	return -ENOTSUP;
}
