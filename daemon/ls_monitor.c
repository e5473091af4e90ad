/*
 * ls_monitor.c - the lockspace monitor thread: the every-second check of
 * algorithms.md §10.1 (renewal warning at 6*io, failure at 8*io or at
 * once for a corruption result), and the teardown of §13.1:
 *   JOINED --(failed | remove | shutdown)--> killing (space_dead)
 *          --(recovery done)--> STOPPING (watchdog disarmed, thread told
 *          to stop) --(thread exited, delta lease released)--> GONE.
 * It also reaps the renewal threads of joins that failed.
 *
 * State: the monitor's own fields in ls_mod and the [mod] fields of each
 * lspace, all under ls_mod.mutex, which it drops only around the
 * recovery/watchdog hooks and pthread_join (holding a reference).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>

#include <stddef.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"

/* The thread finished: join it and drop the lockspace (mutex held). */
static void ls_reap(struct lspace *ls)
{
	assert(ls->thread_started && ls->thread_done);
	assert(ls->state == LS_ADDING || ls->state == LS_STOPPING);
	ls_unlock();
	pthread_join(ls->thread, NULL);
	ls_lock();
	if (ls->state == LS_STOPPING)
		log_debug("s%u free lockspace", ls->space_id);
	else
		log_debug("s%u join failed %d, lockspace dropped",
			  ls->space_id, ls->add_result);
	ls_unlink(ls);          /* -> LS_GONE, table reference dropped */
	ls_put(ls);             /* the thread's reference */
}

/* §10.1 step 1, for a joined lockspace that is not being torn down. */
static void ls_check_renewal(struct lspace *ls, uint64_t now)
{
	struct delta_timeouts t = ls_timeouts(ls);
	uint64_t age = now > ls->last_success ? now - ls->last_success : 0;

	assert(ls->last_success != 0);
	if (ls->corrupt_result) {
		ls->renew_fail = 1;
		log_error("s%u check_our_lease corrupt %d", ls->space_id,
			  ls->corrupt_result);
	} else if (age >= t.renewal_fail) {
		ls->renew_fail = 1;
		log_error("s%u check_our_lease failed %" PRIu64 " s since "
			  "last_success %" PRIu64 " (fail at %u)", ls->space_id,
			  age, ls->last_success, t.renewal_fail);
	} else if (age >= t.renewal_warn && ls->warn_last != now) {
		ls->warn_last = now;
		log_warn("s%u check_our_lease warning %" PRIu64 " s since "
			 "last_success %" PRIu64 " (fail at %u)", ls->space_id,
			 age, ls->last_success, t.renewal_fail);
	}
}

/* A joined lockspace: fail / kill / stop (mutex held).  Returns 1 while
 * it is killing. */
static int ls_monitor_joined(struct lspace *ls, uint64_t now)
{
	int done, sigkill;

	if (!ls->space_dead) {
		ls_check_renewal(ls, now);
		if (!ls->renew_fail && !ls->rem_requested && !ls->shutdown)
			return 0;
		ls->space_dead = 1;
		ls->killing_pids = 1;
		log_warn("s%u set killing_pids check %d remove %d shutdown %d",
			 ls->space_id, ls->renew_fail, ls->rem_requested,
			 ls->shutdown);
	}
	if (!ls->recovery_started) {
		ls->recovery_started = 1;
		sigkill = ls->rem_requested || ls->shutdown;
		ls_unlock();
		ls_recovery_start(ls, sigkill);
		ls_lock();
	}
	ls_unlock();
	done = ls_recovery_done(ls);
	if (done)
		ls_wd_disarm(ls);
	ls_lock();
	if (!done || ls->state != LS_JOINED)
		return 1;
	ls->state = LS_STOPPING;
	ls->list_seq = ++ls_mod.seq;
	__atomic_store_n(&ls->abort, 1, __ATOMIC_SEQ_CST);
	pthread_cond_signal(&ls->wake);
	ls_broadcast();
	log_debug("s%u all pids clear, set thread_stop", ls->space_id);
	return 1;
}

/* One pass over every lockspace (mutex held).  Returns 1 if any is
 * killing (the next pass comes sooner). */
static int ls_monitor_pass(void)
{
	struct lspace *snap[LS_MAX_LOCKSPACES];
	uint64_t now = monotime();
	int i, n, killing = 0;

	n = ls_mod.count;
	assert(n >= 0 && n <= LS_MAX_LOCKSPACES);
	for (i = 0; i < n; i++) {
		snap[i] = ls_mod.table[i];
		snap[i]->refs++;
	}
	for (i = 0; i < n; i++) {
		struct lspace *ls = snap[i];

		switch (ls->state) {
		case LS_ADDING:
			if (ls->thread_done)
				ls_reap(ls);
			break;
		case LS_JOINED:
			killing |= ls_monitor_joined(ls, now);
			break;
		case LS_STOPPING:
			if (ls->thread_done)
				ls_reap(ls);
			break;
		case LS_GONE:
			break;
		}
	}
	for (i = 0; i < n; i++)
		ls_put(snap[i]);
	return killing;
}

static void *ls_monitor_main(void *arg)
{
	(void)arg;
	ls_lock();
	while (!ls_mod.mon_stop) {
		int killing = ls_monitor_pass();

		if (ls_mod.mon_stop)
			break;
		/* Woken early by every state change (ls_broadcast). */
		ls_cond_wait_ms(&ls_mod.cond,
				killing ? LS_MONITOR_KILL_MS : LS_MONITOR_TICK_MS);
	}
	ls_unlock();
	return NULL;
}

int ls_monitor_start(void)
{
	pthread_attr_t attr;
	int rv;

	if (ls_mod.mon_started)
		return 0;
	rv = pthread_attr_init(&attr);
	if (rv)
		return -rv;
	pthread_attr_setstacksize(&attr, LS_THREAD_STACK);
	ls_mod.mon_stop = 0;
	rv = pthread_create(&ls_mod.mon_thread, &attr, ls_monitor_main, NULL);
	pthread_attr_destroy(&attr);
	if (rv)
		return -rv;
	ls_mod.mon_started = 1;
	return 0;
}

void ls_monitor_stop(void)
{
	pthread_t t;

	ls_lock();
	if (!ls_mod.mon_started) {
		ls_unlock();
		return;
	}
	ls_mod.mon_stop = 1;
	t = ls_mod.mon_thread;
	ls_broadcast();
	ls_unlock();
	pthread_join(t, NULL);
	ls_lock();
	ls_mod.mon_started = 0;
	ls_unlock();
}
