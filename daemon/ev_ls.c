/*
 * ev_ls.c - 3.8 events and the notification bitmap in the lockspace
 * manager (algorithms.md §4.1 steps 7-8, §8.2, §9): SET_EVENT, the event
 * words and bitmap each renewal writes, and the receiver side callbacks
 * of host tracking (delivery to event fds and HOST_EVENT callbacks,
 * request examination through the resource manager).
 *
 * State: struct lspace's ev_out and the host table's set_bit_time /
 * last_req, guarded by the lockspace's mutex; examine_pending is the
 * renewal thread's.  Lock order: ls_mod.mutex, lspace.mutex, then the
 * leaf locks of ev_fds.c / cb_table.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/cb_table.h"
#include "daemon/ev_fds.h"
#include "daemon/ev_ls.h"
#include "daemon/ls_internal.h"
#include "daemon/res_ls.h"

/* set_bitmap_seconds (algorithms.md §2.1): -b, else 6 * our io. */
static uint32_t ev_ls_sbs(const struct lspace *ls)
{
	uint32_t sbs;

	ls_lock();
	sbs = ls_mod.cfg.set_bitmap_seconds > 0 ?
	      (uint32_t)ls_mod.cfg.set_bitmap_seconds : 6 * ls->io_timeout;
	ls_unlock();
	return sbs;
}

int ev_ls_joined(const char *name, uint32_t *space_id)
{
	struct lspace *ls;
	int rv = -ENOENT;

	ls_lock();
	ls = ls_find_name(name);
	if (ls && ls->state == LS_JOINED) {
		*space_id = ls->space_id;
		rv = 0;
	}
	ls_unlock();
	return rv;
}

int ev_ls_set_event(const char *name, const struct sanlk_host_event *he,
		    uint32_t flags)
{
	struct lspace *ls;
	uint32_t sbs;
	int rv;

	if (!name[0])
		return -EINVAL;
	/* observed order: the range, then the lockspace, then max_hosts */
	if (he->host_id == 0 || he->host_id > EV_HOST_ID_MAX)
		return -EINVAL;
	ls_lock();
	ls = ls_find_name(name);
	if (!ls || ls->state != LS_JOINED) {
		ls_unlock();
		return -ENOENT;
	}
	ls->refs++;
	sbs = ls_mod.cfg.set_bitmap_seconds > 0 ?
	      (uint32_t)ls_mod.cfg.set_bitmap_seconds : 6 * ls->io_timeout;
	ls_unlock();

	pthread_mutex_lock(&ls->mutex);
	if (!ls->hosts_ready || he->host_id > ls->hosts.max_hosts)
		rv = -EINVAL;
	else
		rv = ev_out_set(&ls->ev_out, &ls->hosts, he, flags, monotime(),
				sbs);
	pthread_mutex_unlock(&ls->mutex);
	log_debug("s%u set_event %" PRIu64 " %" PRIu64 " 0x%" PRIx64 " 0x%"
		  PRIx64 " flags 0x%x result %d", ls->space_id, he->host_id,
		  he->generation, he->event, he->data, flags, rv);

	ls_lock();
	ls_put(ls);
	ls_unlock();
	return rv;
}

void ev_ls_prepare(struct lspace *ls, struct delta_renew_extra *extra)
{
	uint32_t sbs = ev_ls_sbs(ls);

	pthread_mutex_lock(&ls->mutex);
	if (ls->hosts_ready) {
		ev_bitmap_build(&ls->hosts, monotime(), sbs, ls->bitmap);
		extra->event_generation = ls->ev_out.he.generation;
		extra->event_event = ls->ev_out.he.event;
		extra->event_data = ls->ev_out.he.data;
		extra->bitmap = ls->bitmap;
	}
	pthread_mutex_unlock(&ls->mutex);
}

/* §4.1 step 7a / §9.3: lspace.mutex held; the fd locks are leaves. */
static void ev_ls_event(void *arg, const struct sanlk_host_event *he,
			uint64_t from_host_id, uint64_t from_generation)
{
	struct lspace *ls = arg;
	struct sanlk_callback cb;

	log_debug("s%u host event from %" PRIu64 " %" PRIu64 ": %" PRIu64
		  " %" PRIu64 " 0x%" PRIx64 " 0x%" PRIx64, ls->space_id,
		  from_host_id, from_generation, he->host_id, he->generation,
		  he->event, he->data);
	ev_fds_deliver(ls->space_id, he, from_host_id, from_generation);

	/* messages.md §5.6: also a HOST_EVENT callback */
	memset(&cb, 0, sizeof(cb));
	cb.type = SANLK_CB_HOST_EVENT;
	cb.host_id = from_host_id;
	cb.generation = from_generation;
	cb.event = he->event;
	cb.data = he->data;
	cb_emit(ls->space_id, &cb);
}

/* §4.1 step 8: remembered, run after the lock is dropped. */
static void ev_ls_examine(void *arg)
{
	struct lspace *ls = arg;

	ls->examine_pending = 1;
}

void ev_ls_hosts_cb(struct lspace *ls, struct hosts_update_cb *cb)
{
	cb->event = ev_ls_event;
	cb->examine = ev_ls_examine;
	cb->set_bitmap_seconds = ev_ls_sbs(ls);
}

void ev_ls_after_examine(struct lspace *ls)
{
	int n;

	if (!ls->examine_pending)
		return;
	ls->examine_pending = 0;
	n = res_examine_lockspace(ls->name);
	log_debug("s%u request bit seen: %d resources to examine",
		  ls->space_id, n);
}
