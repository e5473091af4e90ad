/*
 * res_acquire.c - ACQUIRE for one registered client (algorithms.md §5,
 * §5.10, §6.2, §11.1; api.md §4.2): the local checks of §5.10 for every
 * resource of the request, then the disk acquires one by one, all or
 * nothing (a failure releases what this call acquired), then the re-check
 * that the lockspace did not fail meanwhile.
 *
 * Runs on a worker thread; the caller has marked the client busy, so no
 * other command of this client runs meanwhile.  Local state changes are
 * made under res_mod.mutex; the paxos I/O runs without it, on resources
 * in state ADD whose [op] fields this thread owns.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/daemon.h"
#include "daemon/res_internal.h"
#include "daemon/res_ls.h"

/* §5.10 local pre-checks of item i, mutex held.  Sets it->act. */
static int res_acq_check(struct res_client *cl, uint32_t flags,
			 struct res_acq_item *items, int i)
{
	struct res_acq_item *it = &items[i];
	int want_sh = (it->in->flags & SANLK_RES_SHARED) != 0;
	struct res_resource *r;
	int j;

	for (j = 0; j < i; j++)
		if (res_names_eq(items[j].in->lockspace_name,
				 it->in->lockspace_name, 0) &&
		    res_names_eq(items[j].in->name, it->in->name, 0))
			return -EEXIST;         /* twice in one request */

	r = res_find(it->in->lockspace_name, it->in->name, 0);
	if (!r) {
		/* (observed) 3.8.5 tests the LVB bit where it means
		 * ORPHAN_ONLY (algorithms.md §11.1). */
		if ((flags & SANLK_ACQUIRE_ORPHAN_ONLY) &&
		    (flags & SANLK_ACQUIRE_LVB))
			return -ENOENT;
		it->act = RES_ACT_NEW;
		return 0;
	}
	switch (r->state) {
	case RES_ADD:
		return -EBUSY;
	case RES_REM:
		return -EAGAIN;
	case RES_ORPHAN:
		if (!(flags & (SANLK_ACQUIRE_ORPHAN | SANLK_ACQUIRE_ORPHAN_ONLY)))
			return -EUCLEAN;
		if (r->shared != want_sh || r->op_busy)
			return -EUCLEAN;
		it->act = RES_ACT_ADOPT;
		it->r = r;
		return 0;
	case RES_HELD:
		if (r->op_busy)
			return -EBUSY;           /* conversion in progress */
		if (!r->shared || !want_sh)
			return -EEXIST;
		if (res_client_token(cl, r->space_name, r->name, 0))
			return -EEXIST;
		it->act = RES_ACT_JOIN;          /* SH + SH: no disk I/O */
		it->r = r;
		return 0;
	}
	assert(0 && "bad resource state");
	return -EINVAL;
}

static void res_acq_token_info(struct res_token *t,
			       const struct res_holder_info *hi)
{
	t->restricted = hi->restricted;
	memcpy(t->killpath, hi->killpath, sizeof(t->killpath));
	memcpy(t->killargs, hi->killargs, sizeof(t->killargs));
}

/* Create the local entries of every item (mutex held).  On failure
 * nothing is left behind. */
static int res_acq_create(struct res_client *cl,
			  const struct res_holder_info *hi, uint32_t flags,
			  struct res_acq_item *items, int n);

static void res_acq_uncreate(struct res_acq_item *items, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		struct res_acq_item *it = &items[i];

		switch (it->act) {
		case RES_ACT_NEW:
			if (it->r) {
				assert(!it->r->ed_open);
				res_free(it->r);        /* and its token */
			}
			break;
		case RES_ACT_JOIN:
			if (!it->t)
				break;
			if (it->r->ntokens > 1) {
				res_token_free(it->t);
				break;
			}
			/* The other local holders let go meanwhile: we were
			 * the last one, so the lease goes back on disk. */
			assert(!it->r->op_busy);
			res_token_move(it->t, NULL);
			it->r->state = RES_REM;
			res_bg_queue(it->r, monotime());
			break;
		case RES_ACT_ADOPT:
			if (it->t && it->t->cl) {
				res_token_move(it->t, NULL);
				it->t->pid = it->old_pid;
				it->r->state = RES_ORPHAN;
			}
			break;
		}
		it->r = it->act == RES_ACT_NEW ? NULL : it->r;
		it->t = NULL;
	}
}

static int res_acq_create(struct res_client *cl,
			  const struct res_holder_info *hi, uint32_t flags,
			  struct res_acq_item *items, int n)
{
	int i, rv;

	(void)flags;
	if (cl->count + n > RES_CLIENT_TOKENS_MAX) {
		log_error("client pid %d: %d leases + %d over "
			  "RES_CLIENT_TOKENS_MAX", cl->pid, cl->count, n);
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		struct res_acq_item *it = &items[i];
		uint32_t tf = it->in->flags &
			      (SANLK_RES_SHARED | SANLK_RES_PERSISTENT);

		switch (it->act) {
		case RES_ACT_NEW:
			it->r = res_new(it->in, it->disks, &it->li);
			if (!it->r) {
				rv = -E2BIG;
				goto fail;
			}
			it->r->shared = (tf & SANLK_RES_SHARED) != 0;
			it->t = res_token_new(it->r, cl, hi->pid, tf);
			if (!it->t) {
				rv = -E2BIG;
				goto fail_new;
			}
			break;
		case RES_ACT_JOIN:
			it->t = res_token_new(it->r, cl, hi->pid, tf);
			if (!it->t) {
				rv = -E2BIG;
				goto fail;
			}
			break;
		case RES_ACT_ADOPT: {
			struct res_token *t;
			int k = 0;

			for (t = res_mod.tokens; t && t->r != it->r; t = t->next)
				assert(++k <= RES_TOKENS_MAX);
			assert(t && !t->cl);
			it->t = t;
			it->old_pid = t->pid;
			rv = res_token_move(t, cl);
			if (rv < 0) {
				it->t = NULL;
				goto fail;
			}
			t->pid = hi->pid;
			t->flags = tf;
			it->r->state = RES_HELD;
			log_debug("r%u %.48s:%.48s orphan adopted by pid %d "
				  "lver %llu", it->r->res_id, it->r->space_name,
				  it->r->name, hi->pid,
				  (unsigned long long)it->r->lver);
			break;
		}
		}
		res_acq_token_info(it->t, hi);
	}
	return 0;

fail_new:
	res_free(items[i].r);
	items[i].r = NULL;
fail:
	res_acq_uncreate(items, i);
	return rv;
}

/* The disk acquire of one new resource ([op] owned by us). */
static int res_acq_disk(struct res_acq_item *it, uint32_t flags)
{
	struct res_resource *r = it->r;
	struct paxos_acquire_args args;
	struct ondisk_leader leader;
	struct res_ls_ops o;
	char space[SANLK_NAME_LEN + 1];
	uint8_t *lvb = NULL;
	int rv;

	if (!it->in->name[0])
		return SANLK_LEADER_RESOURCE;   /* 3.8.5: no lease has "" */
	rv = res_disk_setup(r, &it->li);
	if (rv < 0)
		return rv;
	r->pl_ready = 1;

	memset(&args, 0, sizeof(args));
	if (it->in->flags & SANLK_RES_SHARED)
		args.flags |= PAXOS_ACQ_SHARED;
	if (flags & SANLK_ACQUIRE_OWNER_NOWAIT)
		args.flags |= PAXOS_ACQ_OWNER_NOWAIT;
	if (it->in->flags & SANLK_RES_LVER)
		args.acquire_lver = it->in->lver;
	if (it->in->flags & SANLK_RES_NUM_HOSTS)
		args.new_num_hosts = it->in->data32;
	args.sh_retries = (uint32_t)daemon_cfg()->sh_retries;

	res_name_str(space, r->space_name);
	res_ls_ops_init(&o, space, it->li.host_id, it->li.sector_size,
			it->li.io_timeout);
	rv = paxos_lease_acquire(&r->ed.env, &o.ops, &r->pl, &args, &leader);
	res_ls_ops_close(&o);
	if (rv < 0) {
		log_debug("r%u %.48s:%.48s acquire error %d (owner %llu gen "
			  "%llu lver %llu)", r->res_id, r->space_name, r->name,
			  rv, (unsigned long long)leader.owner_id,
			  (unsigned long long)leader.owner_generation,
			  (unsigned long long)leader.lver);
		return rv;
	}
	it->acquired = 1;

	if (flags & SANLK_ACQUIRE_LVB) {
		uint32_t len = r->pl.sizes.sector_size;

		lvb = calloc(1, len);
		if (!lvb)
			return -ENOMEM;
		rv = paxos_lvb_read(&r->ed.env, &r->pl, lvb, len);
		if (rv < 0) {
			log_error("r%u lvb read error %d", r->res_id, rv);
			free(lvb);
			return rv;
		}
	}
	res_lock();
	r->lver = r->pl.lver;
	r->sector_size = r->pl.sizes.sector_size;
	r->align_size = r->pl.sizes.align_size;
	if (lvb) {
		free(r->lvb);
		r->lvb = lvb;
		r->lvb_len = r->pl.sizes.sector_size;
		r->lvb_enabled = 1;
		r->lvb_dirty = 0;
	}
	res_unlock();
	log_debug("r%u %.48s:%.48s acquired %s lver %llu", r->res_id,
		  r->space_name, r->name, r->shared ? "SH" : "EX",
		  (unsigned long long)r->lver);
	return 0;
}

/* Undo a NEW item after a failure of the request: give back what is on
 * disk (synchronously; a timeout leaves it to the background). */
static void res_acq_undo_new(struct res_acq_item *it)
{
	struct res_resource *r = it->r;
	int on_disk, rv;

	on_disk = r->pl_ready && (r->pl.mode != PAXOS_MODE_NONE ||
				  paxos_release_pending(&r->pl));
	res_lock();
	if (!on_disk) {
		r->op_busy = 0;
		res_free(r);                    /* closes its disks */
		res_unlock();
		return;
	}
	if (it->t)
		res_token_move(it->t, NULL);
	r->state = RES_REM;
	res_unlock();
	rv = res_release_disk(r);
	res_release_done(r, rv);
}

int res_acquire(struct res_client *cl, const struct res_holder_info *hi,
		uint32_t flags, struct res_acq_item *items, int n)
{
	char space[SANLK_NAME_LEN + 1];
	int i, rv = 0;

	assert(n >= 0 && n <= SANLK_MAX_RESOURCES);
	/* Checks that need no lock, in the order 3.8.5 reports them. */
	for (i = 0; i < n; i++)
		if (items[i].in->num_disks < 1 ||
		    items[i].in->num_disks > SANLK_MAX_DISKS)
			return -ERANGE;
	for (i = 0; i < n; i++) {
		res_name_str(space, items[i].in->lockspace_name);
		if (!space[0] || ls_info(space, &items[i].li) < 0 ||
		    items[i].li.space_dead) {
			log_debug("acquire %.48s:%.48s: lockspace not joined",
				  items[i].in->lockspace_name, items[i].in->name);
			return -ENOSPC;
		}
		for (uint32_t d = 0; d < items[i].in->num_disks; d++)
			if (!memchr(items[i].disks[d].path, '\0', SANLK_PATH_LEN))
				return -EINVAL;
	}

	res_lock();
	for (i = 0; i < n && rv == 0; i++)
		rv = res_acq_check(cl, flags, items, i);
	if (rv == 0)
		rv = res_acq_create(cl, hi, flags, items, n);
	res_unlock();
	if (rv < 0)
		return rv;

	for (i = 0; i < n && rv == 0; i++)
		if (items[i].act == RES_ACT_NEW)
			rv = res_acq_disk(&items[i], flags);

	/* §5.10: the lockspace failed (or was replaced) meanwhile. */
	for (i = 0; i < n && rv == 0; i++)
		if (!res_ls_same(items[i].in->lockspace_name,
				 items[i].li.space_id,
				 items[i].li.host_generation))
			rv = -ENOSPC;

	if (rv < 0) {
		for (i = 0; i < n; i++)
			if (items[i].act == RES_ACT_NEW && items[i].r)
				res_acq_undo_new(&items[i]);
		res_lock();
		for (i = 0; i < n; i++)
			if (items[i].act == RES_ACT_NEW)
				items[i].r = NULL;  /* done above */
		res_acq_uncreate(items, n);
		res_unlock();
		return rv;
	}

	res_lock();
	for (i = 0; i < n; i++) {
		struct res_resource *r = items[i].r;

		if (items[i].act != RES_ACT_NEW)
			continue;
		assert(r->state == RES_ADD && r->op_busy);
		r->state = RES_HELD;
		r->op_busy = 0;
		r->seq = ++res_mod.seq;
	}
	res_unlock();
	return 0;
}
