/*
 * msg_guard.c - the fire-timeout guard of spec/messages.md §8 at
 * add_lockspace, before our delta acquire writes anything: every host
 * must assume the same watchdog fire timeout W.  The join fails with
 * -EINVAL (both values logged) when a live host publishes another W in
 * its message record, or when our W is not 60 and a live host publishes
 * none (a sanlock 3.x host, which always assumes 60).
 *
 * "Live" needs two looks: a held slot (timestamp != 0) that matters is
 * re-read every second until its timestamp changes (live: refuse) or it
 * has not changed for its renewal interval 2*io + 2 s (not renewing:
 * ignored; if it comes back the after-join check of msg_engine.c logs
 * it and raises a HOST_STATE callback).  Without a suspect slot the
 * guard costs one read of the area.
 *
 * Runs in the lockspace's renewal thread (its [thread] fields: env,
 * area_buf); takes ls_mod.mutex briefly for the configuration.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/ls_internal.h"
#include "daemon/msg_engine.h"

#define MSG_GUARD_W_385     60      /* what a 3.x host assumes */
#define MSG_GUARD_SLACK     2       /* s beyond a suspect's renewal interval */

struct msg_suspect {
	uint64_t host_id;
	uint64_t timestamp;     /* first seen */
	uint64_t deadline;      /* local time: not renewing after this */
	uint32_t w;             /* published W, 0 = none */
};

/* One read of the whole area into ls->area_buf (a timed-out buffer is
 * dropped, never reused). */
static int msg_guard_read(struct lspace *ls)
{
	const struct lease_env *env = &ls->tenv.env;
	int rv;

	if (!ls->area_buf)
		ls->area_buf = env->buf_alloc(env->ctx, ls->dl.sizes.align_size);
	if (!ls->area_buf)
		return -ENOMEM;
	rv = env->read(env->ctx, 0, ls->offset, ls->area_buf,
		       ls->dl.sizes.align_size, (int)ls->io_timeout);
	if (rv == SANLK_AIO_TIMEOUT) {
		env->buf_free(env->ctx, ls->area_buf);
		ls->area_buf = NULL;
	}
	return rv > 0 ? -EIO : rv;
}

static void msg_guard_in(const struct lspace *ls, struct msg_renewal_in *in)
{
	memset(in, 0, sizeof(*in));
	in->area = ls->area_buf;
	in->sector_size = ls->dl.sizes.sector_size;
	in->space_name = ls->name;
}

static int msg_guard_refuse(const struct lspace *ls,
			    const struct msg_suspect *s, uint32_t our_w)
{
	if (s->w)
		log_error("s%u add_lockspace refused: live host %" PRIu64
			  " uses watchdog fire timeout %u, ours is %u "
			  "(watchdog_fire_timeout)", ls->space_id, s->host_id,
			  s->w, our_w);
	else
		log_error("s%u add_lockspace refused: live host %" PRIu64
			  " is a sanlock 3.x host (fire timeout %u), ours is %u "
			  "(watchdog_fire_timeout)", ls->space_id, s->host_id,
			  MSG_GUARD_W_385, our_w);
	return -EINVAL;
}

int ls_msg_guard(struct lspace *ls)
{
	const struct lease_env *env = &ls->tenv.env;
	struct msg_suspect *sus;
	struct msg_renewal_in in;
	struct ondisk_leader lr;
	struct ondisk_msg m;
	uint32_t our_w, max = ls->dl.sizes.max_hosts, n = 0, i;
	uint64_t id, now;
	int rv;

	ls_lock();
	our_w = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();

	rv = msg_guard_read(ls);
	if (rv < 0)
		return rv;
	sus = calloc(max, sizeof(*sus));
	if (!sus)
		return -ENOMEM;
	now = env->now(env->ctx);
	msg_guard_in(ls, &in);
	for (id = 1; id <= max; id++) {
		enum msg_rec_kind k;

		if (id == ls->host_id)
			continue;
		k = msg_slot_read(&in, id, &lr, &m);
		if (k == MSG_REC_OURS && lr.timestamp != LEASE_FREE &&
		    m.fire_timeout != our_w) {
			sus[n].w = m.fire_timeout;
		} else if (k == MSG_REC_LEGACY && our_w != MSG_GUARD_W_385) {
			sus[n].w = 0;
		} else {
			continue;
		}
		sus[n].host_id = id;
		sus[n].timestamp = lr.timestamp;
		sus[n].deadline = now + 2ull * (lr.io_timeout ? lr.io_timeout :
						ls->io_timeout) +
				  MSG_GUARD_SLACK;
		n++;
	}

	/* Bounded: every suspect leaves by its deadline (<= 2*255 + 2 s). */
	while (n > 0) {
		if (env->sleep_usec(env->ctx, 1000000)) {
			rv = SANLK_ERROR;           /* removal / shutdown */
			break;
		}
		rv = msg_guard_read(ls);
		if (rv < 0)
			break;
		now = env->now(env->ctx);
		msg_guard_in(ls, &in);
		for (i = 0; i < n;) {
			(void)msg_slot_read(&in, sus[i].host_id, &lr, &m);
			if (lr.timestamp != sus[i].timestamp &&
			    lr.timestamp != LEASE_FREE) {
				rv = msg_guard_refuse(ls, &sus[i], our_w);
				goto out;
			}
			if (lr.timestamp == LEASE_FREE || now > sus[i].deadline) {
				sus[i] = sus[--n];   /* not live */
				continue;
			}
			i++;
		}
		rv = 0;
	}
out:
	free(sus);
	return rv;
}
