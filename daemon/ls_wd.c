/*
 * ls_wd.c - the lockspace's connection to the watchdog multiplexer
 * (algorithms.md §2.4, §3.3 (c) and step 10, §10.3-§10.4; cli.md §4.4,
 * §4.9, §4.10; messages.md §5, §8).
 *
 * One libwdmd connection per lockspace (use_watchdog = 1, the default):
 *   ls_wd_connect   before the delta acquire: connect (-203 on failure);
 *   ls_wd_arm       after it: REGISTER "sanlock_<ls>:<host_id>",
 *                   REFCOUNT_SET, STATUS (fire_timeout must equal our W,
 *                   else -203; warn when a 10 s test interval meets
 *                   io_timeout < 3), TEST_LIVE(ts, ts + 8*io);
 *   ls_wd_update    after every successful renewal: TEST_LIVE(ts, ts+8*io),
 *                   never once disarmed;
 *   ls_wd_disarm    when no local process uses the lockspace any more
 *                   (or a join is undone): TEST_LIVE(0, 0), retried once
 *                   after 0.5 s, then REFCOUNT_CLEAR;
 *   ls_wd_close     when the renewal thread ends: close the socket.
 * The order disarm -> refcount_clear -> close is required: wdmd keeps a
 * connection closed while armed and fires at its expiry (cli.md §4.4).
 * With use_watchdog = 0 every call is a no-op and ls->wd stays NULL.
 *
 * ls_wd_fire_now (WD_RESET) uses one dedicated connection of its own
 * (cli.md §4.10): REGISTER, REFCOUNT_SET, TEST_LIVE(now, now) - the next
 * test round fails - and, when STATUS shows our wdmd (test interval 1),
 * request 41 FIRE_NOW for an immediate fire.  Never the lockspace's own
 * connection: its next renewal would re-arm it.
 *
 * Threads and locks: connect/arm/update/close run in the lockspace's
 * renewal thread, disarm in the monitor thread (or the renewal thread when
 * it undoes a join), none with ls_mod.mutex held.  ls->wd is allocated by
 * connect and freed by close, both in the renewal thread; the monitor only
 * reaches it while the lockspace is JOINED, i.e. between the two (the
 * state change under ls_mod.mutex orders them).  struct ls_wd's fields
 * are guarded by its own mutex, held across the (local, bounded) socket
 * calls so that an update can never slip in after a disarm; it is a leaf
 * lock.  The fire-now connection is guarded by wd_fire.lock (leaf).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wdmd.h"
#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"

#define LS_WD_RETRY_MS       500   /* disarm retry (cli.md §4.4) */
#define LS_WD_385_INTERVAL   10    /* 3.8.5's wdmd test interval */
#define LS_WD_385_MIN_IO     3     /* algorithms.md §2.4 */

struct ls_wd {
	pthread_mutex_t lock;
	int      con;           /* socket, -1 when none */
	int      refcount;      /* REFCOUNT_SET was sent */
	int      armed;         /* a non-zero expiry was (maybe) sent */
	int      disarmed;      /* disarm ran: never arm again */
	uint64_t renewal;       /* last TEST_LIVE values sent */
	uint64_t expire;
	char     name[WDMD_NAME_SIZE];
};

/* The WD_RESET connection (one per daemon, kept open: it stays armed). */
static struct {
	pthread_mutex_t lock;
	int con;
	int requests;
} wd_fire = { PTHREAD_MUTEX_INITIALIZER, -1, 0 };

static int ls_wd_used(void)
{
	int use;

	ls_lock();
	use = ls_mod.cfg.use_watchdog;
	ls_unlock();
	return use;
}

static int ls_wd_fire_timeout(void)
{
	int w;

	ls_lock();
	w = ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();
	return w;
}

static void ls_wd_sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* TEST_LIVE(0, 0), retried once (lock held). */
static int ls_wd_send_disarm(struct ls_wd *w, uint32_t space_id)
{
	int rv;

	rv = wdmd_test_live(w->con, 0, 0);
	if (rv < 0) {
		log_error("s%u wdmd_test_live 0 0 failed %d, retrying", space_id,
			  rv);
		ls_wd_sleep_ms(LS_WD_RETRY_MS);
		rv = wdmd_test_live(w->con, 0, 0);
	}
	if (rv < 0) {
		log_error("s%u wdmd_test_live 0 0 failed %d: the watchdog stays "
			  "armed and will fire", space_id, rv);
		return rv;
	}
	w->armed = 0;
	w->renewal = 0;
	w->expire = 0;
	return 0;
}

int ls_wd_connect(struct lspace *ls)
{
	struct ls_wd *w;
	int con;

	assert(ls->wd == NULL);
	if (!ls_wd_used())
		return 0;
	con = wdmd_connect();
	if (con < 0) {
		log_error("s%u wdmd_connect failed %d", ls->space_id, con);
		return SANLK_WD_ERROR;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(con);
		log_error("s%u wdmd_connect: no memory", ls->space_id);
		return SANLK_WD_ERROR;
	}
	pthread_mutex_init(&w->lock, NULL);
	w->con = con;
	snprintf(w->name, sizeof(w->name), "sanlock_%s:%" PRIu64, ls->name,
		 ls->host_id);
	ls->wd = w;
	log_debug("s%u wdmd_connect %s fd %d", ls->space_id, w->name, con);
	return 0;
}

/* REGISTER, REFCOUNT_SET, STATUS check (lock held).  0 or a log line and
 * SANLK_WD_ERROR. */
static int ls_wd_register(struct ls_wd *w, const struct lspace *ls)
{
	int rv, interval = 0, fire = 0, want = ls_wd_fire_timeout();
	uint64_t keepalive = 0;

	rv = wdmd_register(w->con, w->name);
	if (rv < 0) {
		log_error("s%u wdmd_register %s failed %d", ls->space_id,
			  w->name, rv);
		return SANLK_WD_ERROR;
	}
	rv = wdmd_refcount_set(w->con);
	if (rv < 0) {
		log_error("s%u wdmd_refcount_set failed %d", ls->space_id, rv);
		return SANLK_WD_ERROR;
	}
	w->refcount = 1;
	rv = wdmd_status(w->con, &interval, &fire, &keepalive);
	if (rv < 0) {
		log_error("s%u wdmd_status failed %d", ls->space_id, rv);
		return SANLK_WD_ERROR;
	}
	if (fire != want) {
		log_error("s%u wdmd fire_timeout %d does not match our "
			  "watchdog_fire_timeout %d", ls->space_id, fire, want);
		return SANLK_WD_ERROR;
	}
	if (interval >= LS_WD_385_INTERVAL && ls->io_timeout < LS_WD_385_MIN_IO)
		log_warn("s%u io_timeout %u with a wdmd testing every %d s: "
			 "renewals may fail its early test and reset the host "
			 "(use io_timeout >= %d or this project's wdmd)",
			 ls->space_id, ls->io_timeout, interval,
			 LS_WD_385_MIN_IO);
	log_debug("s%u wdmd %s test_interval %d fire_timeout %d "
		  "last_keepalive %" PRIu64, ls->space_id, w->name, interval,
		  fire, keepalive);
	return 0;
}

int ls_wd_arm(struct lspace *ls, uint64_t timestamp)
{
	struct ls_wd *w = ls->wd;
	uint64_t expire;
	int rv;

	if (!w)
		return ls_wd_used() ? SANLK_WD_ERROR : 0;
	assert(timestamp != 0);
	expire = timestamp + ls_timeouts(ls).renewal_fail;
	pthread_mutex_lock(&w->lock);
	assert(!w->armed && !w->disarmed);
	rv = ls_wd_register(w, ls);
	if (rv == 0) {
		w->armed = 1;
		rv = wdmd_test_live(w->con, timestamp, expire);
		if (rv < 0) {
			/* The join fails and never became usable: disarm
			 * (§10.4) in case the record reached wdmd. */
			log_error("s%u wdmd_test_live %" PRIu64 " %" PRIu64
				  " failed %d", ls->space_id, timestamp,
				  expire, rv);
			(void)ls_wd_send_disarm(w, ls->space_id);
			rv = SANLK_WD_ERROR;
		} else {
			w->renewal = timestamp;
			w->expire = expire;
			log_debug("s%u wdmd armed renewal %" PRIu64 " expire %"
				  PRIu64, ls->space_id, timestamp, expire);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return rv;
}

int ls_wd_update(struct lspace *ls, uint64_t timestamp)
{
	struct ls_wd *w = ls->wd;
	uint64_t expire;
	int rv = 0;

	if (!w)
		return 0;
	expire = timestamp + ls_timeouts(ls).renewal_fail;
	pthread_mutex_lock(&w->lock);
	if (w->disarmed || !w->armed) {
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	assert(timestamp >= w->renewal);
	rv = wdmd_test_live(w->con, timestamp, expire);
	if (rv < 0)
		log_error("s%u wdmd_test_live %" PRIu64 " %" PRIu64 " failed %d",
			  ls->space_id, timestamp, expire, rv);
	else {
		w->renewal = timestamp;
		w->expire = expire;
	}
	pthread_mutex_unlock(&w->lock);
	return rv;
}

void ls_wd_disarm(struct lspace *ls)
{
	struct ls_wd *w = ls->wd;
	int rv;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->disarmed) {
		pthread_mutex_unlock(&w->lock);
		return;
	}
	w->disarmed = 1;
	if (w->armed)
		(void)ls_wd_send_disarm(w, ls->space_id);
	if (w->refcount) {
		rv = wdmd_refcount_clear(w->con);
		if (rv < 0)
			log_error("s%u wdmd_refcount_clear failed %d",
				  ls->space_id, rv);
		else
			w->refcount = 0;
	}
	log_debug("s%u wdmd disarmed%s", ls->space_id,
		  w->armed ? " FAILED (still armed)" : "");
	pthread_mutex_unlock(&w->lock);
}

void ls_wd_close(struct lspace *ls)
{
	struct ls_wd *w = ls->wd;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->armed)
		/* Only when disarming failed: wdmd keeps the dead
		 * connection and fires at its expiry - which is what must
		 * happen if its users could not be shown to be gone. */
		log_error("s%u wdmd connection closed while armed (expire %"
			  PRIu64 "): the watchdog will fire", ls->space_id,
			  w->expire);
	else if (w->refcount && wdmd_refcount_clear(w->con) == 0)
		w->refcount = 0;   /* a join that failed before arming */
	close(w->con);
	w->con = -1;
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_destroy(&w->lock);
	ls->wd = NULL;
	free(w);
	log_debug("s%u wdmd_close", ls->space_id);
}

/* ---- WD_RESET (messages.md §5, cli.md §4.10) ---- */

/* Open, name and refcount the dedicated connection (wd_fire.lock held). */
static int ls_wd_fire_connect(const struct lspace *ls)
{
	char name[WDMD_NAME_SIZE];
	int con, rv;

	if (wd_fire.con >= 0)
		return 0;
	con = wdmd_connect();
	if (con < 0)
		return con;
	snprintf(name, sizeof(name), "sanlock_wd_reset_%s", ls->name);
	rv = wdmd_register(con, name);
	if (rv == 0)
		rv = wdmd_refcount_set(con);
	if (rv < 0) {
		close(con);
		return rv;
	}
	wd_fire.con = con;
	return 0;
}

int ls_wd_fire_now(struct lspace *ls, const char *reason)
{
	char why[WDMD_NAME_SIZE];
	int rv, interval = 0, fire = 0;
	uint64_t now, keepalive = 0;

	snprintf(why, sizeof(why), "sanlock %s %s", ls->name,
		 reason ? reason : "WD_RESET");
	if (!ls_wd_used()) {
		log_error("s%u watchdog reset requested (%s) but the watchdog "
			  "is not used (-w 0)", ls->space_id, why);
		return -ENOTSUP;
	}
	log_error("s%u watchdog reset requested: %s", ls->space_id, why);
	pthread_mutex_lock(&wd_fire.lock);
	wd_fire.requests++;
	rv = ls_wd_fire_connect(ls);
	if (rv < 0) {
		pthread_mutex_unlock(&wd_fire.lock);
		log_error("s%u wdmd connection for the reset failed %d",
			  ls->space_id, rv);
		return rv;
	}
	now = monotime();
	/* Expired at once: the next test round fails (any wdmd). */
	rv = wdmd_test_live(wd_fire.con, now, now);
	if (rv < 0) {
		/* A connection from an earlier request to a wdmd that has
		 * gone since: start again once on a new one. */
		close(wd_fire.con);
		wd_fire.con = -1;
		rv = ls_wd_fire_connect(ls);
		if (rv == 0)
			rv = wdmd_test_live(wd_fire.con, now, now);
	}
	if (rv < 0) {
		log_error("s%u wdmd_test_live %" PRIu64 " %" PRIu64 " for the "
			  "reset failed %d", ls->space_id, now, now, rv);
		pthread_mutex_unlock(&wd_fire.lock);
		return rv;
	}
	/* Request 41 only to our wdmd: 3.8.5's would never answer. */
	if (wdmd_status(wd_fire.con, &interval, &fire, &keepalive) == 0 &&
	    interval == WDMD_EXT_TEST_INTERVAL) {
		rv = wdmd_fire_now(wd_fire.con, why);
		if (rv < 0)
			log_error("s%u wdmd_fire_now failed %d (the expired "
				  "connection fires within %d s)", ls->space_id,
				  rv, fire + 1);
		rv = 0;
	}
	pthread_mutex_unlock(&wd_fire.lock);
	return rv;
}
