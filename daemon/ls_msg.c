/*
 * ls_msg.c - THE hook between the lockspace manager and host messages /
 * lockspace callbacks (spec/messages.md): the record our daemon writes at
 * bytes 200..255 of its delta sector (fresh at acquire, built by the
 * lockspace's message engine at every renewal, without message at
 * release), the per-renewal step (host view from the host table, the
 * engine, WD_RESET), the end of a lockspace (queue dropped with
 * -ECANCELED, callback and event fds closed) and the cb thread's
 * every-second tick.
 *
 * Threads: ls_msg_fresh / _join / _renewal / _release_record / _leave run
 * in the lockspace's renewal thread and use its [thread] fields
 * (msg_view, msg, msg_open); ls_msg_tick runs in the cb thread.  Locks:
 * ls_mod.mutex and lspace.mutex briefly to copy state, never held while
 * calling into msg_space.c (msg_mutex) or the watchdog.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/cb_table.h"
#include "daemon/daemon.h"
#include "daemon/ev_fds.h"
#include "daemon/ls_internal.h"
#include "daemon/msg_space.h"

static uint32_t ls_msg_w(void)
{
	uint32_t w;

	ls_lock();
	w = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();
	return w;
}

void ls_msg_fresh(const struct lspace *ls, uint64_t gen,
		  uint8_t out[ONDISK_MSG_SIZE])
{
	(void)ls;
	msg_record_fresh(gen, ls_msg_w(), out);
}

int ls_msg_join(struct lspace *ls)
{
	uint32_t max = ls->dl.sizes.max_hosts;
	int rv;

	ls->msg_view = calloc(max, sizeof(*ls->msg_view));
	if (!ls->msg_view)
		return -ENOMEM;
	rv = msg_space_open(ls->space_id, ls->name, ls->host_id,
			    ls->dl.last.owner_generation, max, ls->io_timeout,
			    ls_msg_w());
	if (rv < 0) {
		log_error("s%u host messages unavailable: %d", ls->space_id, rv);
		free(ls->msg_view);
		ls->msg_view = NULL;
		return rv;
	}
	ls->msg_open = 1;
	cb_thread_start();
	return 0;
}

/* messages.md §5.5: deliver (done), log, and fire unless refused. */
static void ls_msg_wd_reset(struct lspace *ls, const struct msg_renewal_out *o)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	char reason[128];
	int use_wd, rv;

	ls_lock();
	use_wd = ls_mod.cfg.use_watchdog;
	ls_unlock();
	snprintf(reason, sizeof(reason), "WD_RESET message from host %" PRIu64
		 " gen %" PRIu64 " seq %u", o->wd_from, o->wd_gen, o->wd_seq);
	if (!cfg->accept_wd_reset) {
		log_error("s%u %s ignored: accept_wd_reset = 0", ls->space_id,
			  reason);
		return;
	}
	if (!use_wd) {
		log_error("s%u %s: cannot reset this host, the watchdog is not "
			  "used (-w 0)", ls->space_id, reason);
		return;
	}
	log_error("s%u %s: resetting this host through the watchdog",
		  ls->space_id, reason);
	rv = ls_wd_fire_now(ls, reason);
	if (rv < 0)
		log_error("s%u watchdog fire now failed %d", ls->space_id, rv);
}

void ls_msg_renewal(struct lspace *ls)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	struct msg_renewal_out out;
	struct msg_renewal_in in;
	uint32_t w, i, max;
	uint64_t now;
	int dead, fail;

	if (!ls->msg_open)
		return;
	ls_lock();
	dead = ls->space_dead || ls->rem_requested || ls->shutdown ||
	       ls->state == LS_STOPPING;
	fail = ls->renew_fail;
	w = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();
	if (dead || fail)
		msg_space_state(ls->space_id, dead, fail);

	now = monotime();
	max = ls->dl.sizes.max_hosts;
	pthread_mutex_lock(&ls->mutex);
	for (i = 0; i < max && i < ls->hosts.max_hosts; i++) {
		const struct host_rec *h = &ls->hosts.recs[i];

		ls->msg_view[i].state = hosts_reportable(h) ?
			hosts_state(h, ls->host_id, now, w) : 0;
		ls->msg_view[i].io_timeout = h->io_timeout;
	}
	pthread_mutex_unlock(&ls->mutex);

	memset(&in, 0, sizeof(in));
	in.area = ls->area_buf;
	in.sector_size = ls->dl.sizes.sector_size;
	in.space_name = ls->name;
	in.hosts = ls->msg_view;
	in.now = now;
	in.message_timeout = cfg->message_timeout > 0 ?
			     (uint32_t)cfg->message_timeout : 0;
	if (msg_space_renewal(ls->space_id, &in, ls->msg, &out) < 0)
		return;
	if (out.wd_reset)
		ls_msg_wd_reset(ls, &out);
}

void ls_msg_release_record(struct lspace *ls)
{
	if (ls->msg_open)
		(void)msg_space_release_record(ls->space_id, ls->msg);
}

void ls_msg_leave(struct lspace *ls)
{
	int fail;

	if (ls->msg_open) {
		/* A failure the tick has not reported yet (the teardown can
		 * be quicker than its 1 s period): LOCKSPACE_FAIL first. */
		ls_lock();
		fail = ls->renew_fail;
		ls_unlock();
		if (fail)
			msg_space_state(ls->space_id, 1, 1);
		msg_space_close(ls->space_id);
		ls->msg_open = 0;
	}
	free(ls->msg_view);
	ls->msg_view = NULL;
	cb_space_gone(ls->space_id);
	ev_fds_close_all(ls->space_id);
}

struct ls_msg_seen {
	uint32_t space_id;
	int      dead;
	int      fail;
	int      live;
};

void ls_msg_tick(void)
{
	struct ls_msg_seen seen[LS_MAX_LOCKSPACES];
	uint32_t live[LS_MAX_LOCKSPACES];
	int i, n = 0, nlive = 0;

	ls_lock();
	for (i = 0; i < ls_mod.count && n < LS_MAX_LOCKSPACES; i++) {
		const struct lspace *ls = ls_mod.table[i];

		seen[n].space_id = ls->space_id;
		seen[n].dead = ls->space_dead || ls->rem_requested ||
			       ls->shutdown || ls->state == LS_STOPPING;
		seen[n].fail = ls->renew_fail;
		/* fds stay until the renewal thread ends (ls_msg_leave) */
		seen[n].live = ls->state == LS_JOINED ||
			       (ls->state == LS_STOPPING && !ls->thread_done);
		n++;
	}
	ls_unlock();

	for (i = 0; i < n; i++) {
		if (seen[i].dead || seen[i].fail)
			msg_space_state(seen[i].space_id, seen[i].dead,
					seen[i].fail);
		if (seen[i].live)
			live[nlive++] = seen[i].space_id;
	}
	cb_prune(live, nlive);
	ev_fds_prune(live, nlive);
}
