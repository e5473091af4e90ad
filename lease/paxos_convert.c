/*
 * paxos_convert.c - changing the mode of a held paxos lease
 * (algorithms.md §6.4).  SH -> EX runs a normal acquire whose dblock
 * writes keep our SHARED mode block, checks the other shared holders
 * (§6.3), and on the way out either drops the mode block (EX held) or
 * gives the leader back (SH kept).  EX -> SH writes the SHARED mode block
 * and then releases the leader.
 *
 * The caller's thread owns the struct paxos_lease; no other state.
 * On return pl->mode is what is held, whatever the result.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* §6.4 step 6: we may own the leader while still SH; let it go, or mark
 * the resource so that its release erases everything. */
static void paxos_convert_undo(const struct lease_env *env, struct paxos_lease *pl)
{
	uint32_t tries;
	int rv = 0;

	assert(pl->mode == PAXOS_MODE_SH);
	for (tries = 0; tries < PAXOS_CONVERT_RELEASE_TRIES; tries++) {
		rv = paxos_release_leader(env, pl, pl->have_leader ? &pl->leader
								    : NULL, NULL);
		if (rv != SANLK_AIO_TIMEOUT)
			break;
		if (tries + 1 < PAXOS_CONVERT_RELEASE_TRIES &&
		    env->sleep_usec(env->ctx,
				    (uint64_t)pl->io_timeout * 1000000u))
			break;
	}
	if (rv < 0)
		pl->release = PAXOS_REL_ERASE;
	paxos_lease_check(pl);
}

static int paxos_convert_to_ex(const struct lease_env *env,
			       const struct paxos_host_ops *ops,
			       struct paxos_lease *pl, uint32_t flags,
			       struct ondisk_leader *out)
{
	struct paxos_acq ac;
	int rv;

	memset(&ac, 0, sizeof(ac));
	ac.flags = flags & PAXOS_ACQ_OWNER_NOWAIT;
	ac.convert = 1;
	rv = paxos_acquire_core(env, ops, pl, &ac);                   /* 1 */
	if (out)
		*out = ac.leader;
	if (ac.wrote_dblock)
		pl->dblock = ac.dblock;   /* carries our SHARED mode block */
	if (rv < 0) {
		if (!ac.retract)                                      /* 2 */
			return rv;
		pl->have_leader = ac.tried_commit;
		if (ac.tried_commit)
			pl->leader = ac.tried;
		paxos_convert_undo(env, pl);                          /* 6 */
		return rv;
	}
	assert(ac.have_leader && ac.leader.owner_id == pl->host_id);
	pl->leader = ac.leader;
	pl->have_leader = 1;

	/* 3-4: other shared holders (ours is among them, skipped). */
	rv = paxos_shared_check(env, ops, pl, &ac.holders, ac.num_hosts);
	if (rv != 0) {
		int rel = paxos_release_leader(env, pl, &pl->leader, NULL);

		if (rel < 0)
			paxos_convert_undo(env, pl);
		return rv < 0 ? rv : -EAGAIN;                         /* still SH */
	}

	/* 5: our committed dblock without RELEASED and a zero mode block
	 * (a failure here is ignored). */
	{
		struct ondisk_dblock db = pl->dblock;
		struct paxos_wres wr;

		db.flags = 0;
		paxos_write_own(env, pl, &db, NULL, 0, &wr);
	}
	pl->mode = PAXOS_MODE_EX;
	pl->release = PAXOS_REL_EX;
	pl->lver = pl->leader.lver;
	paxos_lease_check(pl);
	return 0;
}

static int paxos_convert_to_sh(const struct lease_env *env,
			       struct paxos_lease *pl, struct ondisk_leader *out)
{
	struct ondisk_mblock mb = { .flags = MBLOCK_SHARED,
				    .generation = pl->generation };
	uint32_t tries;
	int rv;

	if (out)
		*out = pl->leader;
	/* 2: our dblock RELEASED with the SHARED mode block. */
	rv = paxos_write_released(env, pl, &mb, 1);
	if (rv < 0)
		return rv;                                            /* still EX */

	/* 3: release the leader; on -202 retry up to io times, sleeping
	 * 1, 2, 3 ... seconds. */
	rv = SANLK_AIO_TIMEOUT;
	for (tries = 0; tries <= pl->io_timeout && rv == SANLK_AIO_TIMEOUT;
	     tries++) {
		if (tries > 0 &&
		    env->sleep_usec(env->ctx, (uint64_t)tries * 1000000u))
			break;   /* lockspace failing / shutdown: give up */
		rv = paxos_release_leader(env, pl, &pl->leader, NULL);
	}
	pl->mode = PAXOS_MODE_SH;                                     /* 4 */
	pl->release = rv < 0 ? PAXOS_REL_ERASE : PAXOS_REL_SH;
	paxos_lease_check(pl);
	return rv;
}

int paxos_lease_convert(const struct lease_env *env,
			const struct paxos_host_ops *ops,
			struct paxos_lease *pl, int to_shared, uint32_t flags,
			struct ondisk_leader *out)
{
	paxos_lease_check(pl);
	if (flags & ~PAXOS_ACQ_OWNER_NOWAIT)
		return -EINVAL;
	if (pl->mode == PAXOS_MODE_NONE)
		return -ENOENT;
	if ((pl->mode == PAXOS_MODE_SH) == !!to_shared)
		return -EALREADY;
	if (to_shared)
		return paxos_convert_to_sh(env, pl, out);
	if (!ops || !ops->host_info || !ops->read_delta || !ops->host_live)
		return -EINVAL;
	return paxos_convert_to_ex(env, ops, pl, flags, out);
}
