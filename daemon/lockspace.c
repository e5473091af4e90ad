/*
 * lockspace.c - the lockspace table and module state (ls_mod): set-up,
 * lookup, reference counting, the helpers every ls_*.c file shares,
 * ls_count and the forced-shutdown stop (ls_stop_all).
 *
 * State: struct ls_module ls_mod, guarded by ls_mod.mutex (see
 * ls_internal.h for the threads, the lock order and the lifetime rules).
 * The commands add/rem/inq are in lockspace_cmd.c, queries in
 * lockspace_query.c, status texts in ls_status.c.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"

struct ls_module ls_mod = {
	.mutex = PTHREAD_MUTEX_INITIALIZER,
};

static pthread_once_t ls_once = PTHREAD_ONCE_INIT;

int ls_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int rv;

	rv = pthread_condattr_init(&attr);
	if (rv)
		return -rv;
	rv = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!rv)
		rv = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return -rv;
}

static void ls_config_defaults(struct ls_config *c)
{
	memset(c, 0, sizeof(*c));
	c->default_io_timeout = 10;
	c->watchdog_fire_timeout = 60;
	c->use_watchdog = 1;
	c->renewal_history_size = LS_DEFAULT_HISTORY;
}

static void ls_module_once(void)
{
	int rv = ls_cond_init(&ls_mod.cond);

	/* Without a monotonic condition variable no deadline can be kept. */
	assert(rv == 0);
	(void)rv;
	ls_config_defaults(&ls_mod.cfg);
}

void ls_init(const struct ls_config *cfg)
{
	struct ls_config c;

	pthread_once(&ls_once, ls_module_once);
	assert(cfg);
	c = *cfg;
	c.our_host_name[SANLK_NAME_LEN] = '\0';
	if (c.default_io_timeout <= 0 ||
	    c.default_io_timeout > DELTA_IO_TIMEOUT_MAX) {
		log_error("lockspace: default io_timeout %d invalid, using 10",
			  c.default_io_timeout);
		c.default_io_timeout = 10;
	}
	if (c.watchdog_fire_timeout <= 0 ||
	    c.watchdog_fire_timeout > DELTA_FIRE_TIMEOUT_MAX) {
		log_error("lockspace: watchdog_fire_timeout %d invalid, using 60",
			  c.watchdog_fire_timeout);
		c.watchdog_fire_timeout = 60;
	}
	if (c.renewal_history_size < 0)
		c.renewal_history_size = LS_DEFAULT_HISTORY;
	if ((uint32_t)c.renewal_history_size > LS_HISTORY_MAX) {
		log_warn("lockspace: renewal_history_size %d clamped to %u",
			 c.renewal_history_size, LS_HISTORY_MAX);
		c.renewal_history_size = LS_HISTORY_MAX;
	}
	if (c.set_bitmap_seconds < 0)
		c.set_bitmap_seconds = 0;

	ls_lock();
	assert(ls_mod.count == 0);
	ls_mod.cfg = c;
	ls_mod.inited = 1;
	ls_unlock();
}

void ls_lock(void)
{
	pthread_once(&ls_once, ls_module_once);
	pthread_mutex_lock(&ls_mod.mutex);
}

void ls_unlock(void)
{
	pthread_mutex_unlock(&ls_mod.mutex);
}

void ls_broadcast(void)
{
	pthread_cond_broadcast(&ls_mod.cond);
}

int ls_cond_wait_ms(pthread_cond_t *cond, uint32_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_cond_timedwait(cond, &ls_mod.mutex, &ts);
}

static void ls_free(struct lspace *ls)
{
	assert(ls->refs == 0);
	assert(!ls->thread_started || ls->state == LS_GONE);
	hosts_table_free(&ls->hosts);
	ls_history_free(&ls->history);
	pthread_cond_destroy(&ls->wake);
	pthread_mutex_destroy(&ls->mutex);
	free(ls);
}

void ls_put(struct lspace *ls)
{
	assert(ls->refs > 0);
	if (--ls->refs == 0)
		ls_free(ls);
}

void ls_unlink(struct lspace *ls)
{
	int i;

	for (i = 0; i < ls_mod.count; i++) {
		if (ls_mod.table[i] != ls)
			continue;
		ls_mod.table[i] = ls_mod.table[ls_mod.count - 1];
		ls_mod.table[ls_mod.count - 1] = NULL;
		ls_mod.count--;
		ls->state = LS_GONE;
		ls_broadcast();
		ls_put(ls);
		return;
	}
	assert(!"ls_unlink: lockspace not in the table");
}

const char *ls_list_name(const struct lspace *ls)
{
	switch (ls->state) {
	case LS_ADDING:   return "add";
	case LS_JOINED:   return "spaces";
	case LS_STOPPING: return "rem";
	default:          return "gone";
	}
}

struct lspace *ls_find_name(const char *name)
{
	int i;

	for (i = 0; i < ls_mod.count; i++) {
		struct lspace *ls = ls_mod.table[i];

		if (strncmp(ls->name, name, SANLK_NAME_LEN) == 0)
			return ls;
	}
	return NULL;
}

struct delta_timeouts ls_timeouts(const struct lspace *ls)
{
	return delta_timeouts(ls->io_timeout,
			      (uint32_t)ls_mod.cfg.watchdog_fire_timeout);
}

int ls_count(void)
{
	int n;

	ls_lock();
	n = ls_mod.count;
	ls_unlock();
	return n;
}

void ls_stop_all(void)
{
	uint64_t start = monotime();
	uint32_t waits = 0;
	int i;

	ls_lock();
	ls_mod.shutdown = 1;
	for (i = 0; i < ls_mod.count; i++) {
		struct lspace *ls = ls_mod.table[i];

		ls->shutdown = 1;
		if (ls->state == LS_ADDING) {
			/* Cut the join's waits short (-201). */
			__atomic_store_n(&ls->abort, 1, __ATOMIC_SEQ_CST);
			pthread_cond_signal(&ls->wake);
		}
		log_warn("s%u stop: daemon shutdown", ls->space_id);
	}
	ls_broadcast();
	/* The monitor takes each lockspace through killing and stopping; a
	 * renewal write in flight may keep its thread for its I/O timeout. */
	while (ls_mod.count > 0 && ls_mod.mon_started) {
		if (monotime() - start > LS_STOP_ALL_WAIT_SEC) {
			log_error("lockspace stop: %d lockspaces still stopping "
				  "after %d s, giving up", ls_mod.count,
				  LS_STOP_ALL_WAIT_SEC);
			break;
		}
		ls_cond_wait_ms(&ls_mod.cond, LS_MONITOR_TICK_MS);
		waits++;
	}
	ls_unlock();
	log_debug("lockspace stop: done after %" PRIu64 " s (%u waits)",
		  monotime() - start, waits);
	ls_monitor_stop();
}
