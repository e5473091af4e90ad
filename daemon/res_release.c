/*
 * res_release.c - giving leases back (algorithms.md §7, §10.3, §11.1):
 * the disk release of one resource (LVB write, paxos release, or nothing
 * when its lockspace failed, §7.5), the release of one client token (the
 * disk release happens when the last local holder lets go), and process
 * exit: every lease of the client becomes an orphan (PERSISTENT) or is
 * queued for the background release, without blocking.
 *
 * Threads: res_release_token runs on a worker, res_release_disk on the
 * thread owning the resource's [op] fields (worker or res_bg),
 * res_client_exit_locked on the main thread or a worker with
 * res_mod.mutex held (it does no I/O).
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/res_internal.h"

int res_release_disk(struct res_resource *r)
{
	uint8_t lvb[RES_LVB_MAX];
	uint32_t lvb_len = 0;
	char rename[SANLK_NAME_LEN + 1];
	int dead, rv;

	assert(r->op_busy && r->state == RES_REM);
	r->rel_started = monotime();
	if (!r->pl_ready || (r->pl.mode == PAXOS_MODE_NONE &&
			     !paxos_release_pending(&r->pl)))
		return 0;                         /* nothing on disk (§7.1 1) */

	res_lock();
	dead = r->space_dead;
	if (r->lvb_dirty && r->lvb && r->pl.mode == PAXOS_MODE_EX) {
		lvb_len = r->lvb_len;
		memcpy(lvb, r->lvb, lvb_len);
	}
	memcpy(rename, r->rename_to, sizeof(rename));
	res_unlock();

	/* §7.5: the lockspace failed or went away: no disk I/O; the lease
	 * stays owned by our (dead) incarnation on disk. */
	if (dead || !res_ls_same(r->space_name, r->space_id,
				 r->host_generation)) {
		log_debug("r%u %.48s:%.48s lockspace gone, release without "
			  "disk I/O", r->res_id, r->space_name, r->name);
		paxos_lease_drop(&r->pl);
		return 0;
	}

	if (lvb_len) {
		/* §7.1 step 2: errors ignored */
		rv = paxos_lvb_write(&r->ed.env, &r->pl, lvb, lvb_len);
		if (rv < 0)
			log_error("r%u lvb write error %d", r->res_id, rv);
	}
	rv = paxos_lease_release(&r->ed.env, &r->pl,
				 rename[0] ? rename : NULL);
	if (rv < 0)
		log_error("r%u %.48s:%.48s release error %d", r->res_id,
			  r->space_name, r->name, rv);
	else
		log_debug("r%u %.48s:%.48s released lver %llu", r->res_id,
			  r->space_name, r->name, (unsigned long long)r->lver);
	return rv;
}

void res_release_done(struct res_resource *r, int rv)
{
	uint64_t next;

	res_lock();
	assert(r->op_busy && r->state == RES_REM);
	r->op_busy = 0;
	if (rv == SANLK_AIO_TIMEOUT && !r->space_dead) {
		/* §7.4: first retry io after the attempt began, then every
		 * 2*io, until it succeeds or fails without a timeout. */
		next = r->rel_started + (r->bg_attempts ? 2 * (uint64_t)r->io_timeout
					 : r->io_timeout);
		r->bg_attempts++;
		res_bg_queue(r, next);
		res_unlock();
		return;
	}
	res_free(r);
	res_unlock();
}

int res_release_token(struct res_client *cl, struct res_token *t,
		      const char *rename_to)
{
	struct res_resource *r;
	int rv;

	res_lock();
	r = t->r;
	assert(t->cl == cl);
	if (r->state != RES_HELD || r->op_busy) {
		/* Not reachable while the client is busy with this command
		 * (every other operation on it needs the client too). */
		log_error("r%u release while state %d busy %d", r->res_id,
			  r->state, r->op_busy);
		res_unlock();
		return -EBUSY;
	}
	if (r->ntokens > 1) {
		/* §7.3: another local process still holds it shared. */
		assert(r->shared);
		res_token_free(t);
		res_unlock();
		return 0;
	}
	res_token_move(t, NULL);          /* kept for status (list=rem) */
	r->state = RES_REM;
	r->op_busy = 1;
	memset(r->rename_to, 0, sizeof(r->rename_to));
	if (rename_to)
		memcpy(r->rename_to, rename_to, SANLK_NAME_LEN);
	res_unlock();

	rv = res_release_disk(r);
	res_release_done(r, rv);
	return rv;
}

void res_client_exit_locked(struct res_client *cl)
{
	uint64_t now = monotime();
	int i, orphans = 0, queued = 0, shared = 0;

	for (i = 0; i < cl->cap; i++) {
		struct res_token *t = cl->slots[i];
		struct res_resource *r;

		if (!t)
			continue;
		r = t->r;
		assert(!r->op_busy && r->state == RES_HELD);
		if (r->ntokens > 1) {
			res_token_free(t);        /* other local SH holders */
			shared++;
			continue;
		}
		res_token_move(t, NULL);
		if ((t->flags & SANLK_RES_PERSISTENT) && r->lver &&
		    !r->space_dead) {
			/* §11.1: kept on disk and here, no I/O. */
			r->state = RES_ORPHAN;
			if (r->shared)
				t->pid = 0;     /* 3.8.5 shows p 0 */
			orphans++;
			continue;
		}
		r->state = RES_REM;
		res_bg_queue(r, now);
		queued++;
	}
	assert(cl->count == 0);
	if (orphans || queued || shared)
		log_debug("client pid %d exit: %d released in background, "
			  "%d orphans, %d shared kept by others", cl->pid,
			  queued, orphans, shared);
}
