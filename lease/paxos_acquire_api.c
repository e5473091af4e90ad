/*
 * paxos_acquire_api.c - paxos_lease_acquire: an exclusive acquire with
 * the shared-holder check of algorithms.md §6.3, a shared acquire with the
 * SHORT_HOLD retries, the SHARED host block and the leader hand-back of
 * §6.2, and the retract of §5.9 after a failure that may have left us
 * owner.
 *
 * The caller's thread owns the struct paxos_lease; no other state.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* Failure after the ballot started: release defensively (§5.9).  If the
 * retract times out it stays pending for the background release. */
static void paxos_retract(const struct lease_env *env, struct paxos_lease *pl,
			  const struct paxos_acq *ac)
{
	assert(pl->mode == PAXOS_MODE_NONE);
	assert(ac->retract == PAXOS_RETRACT_ZERO ||
	       ac->retract == PAXOS_RETRACT_KEEP);
	if (ac->retract == PAXOS_RETRACT_KEEP) {
		assert(ac->wrote_dblock && ac->tried_commit);
		assert(ac->dblock.bal == ac->dblock.mbal && ac->dblock.inp);
		pl->dblock = ac->dblock;
		pl->release = PAXOS_REL_RETRACT_KEEP;
	} else {
		/* §5.9 zero dblock, but stamped with the version we may have
		 * been made owner of: §5.4 e accepts only a RELEASED dblock
		 * of the leader's version (or newer). */
		memset(&pl->dblock, 0, sizeof(pl->dblock));
		pl->dblock.lver = ac->retract_lver;
		pl->release = PAXOS_REL_RETRACT;
	}
	pl->have_leader = ac->tried_commit;
	if (ac->tried_commit)
		pl->leader = ac->tried;
	(void)paxos_lease_release(env, pl, NULL);
}

/* We own the leader (exclusively, for now): remember what release needs. */
static void paxos_take(struct paxos_lease *pl, const struct paxos_acq *ac)
{
	assert(ac->have_leader && ac->wrote_dblock);
	assert(ac->leader.owner_id == pl->host_id);
	assert(ac->leader.lver != 0);
	pl->mode = PAXOS_MODE_EX;
	pl->release = PAXOS_REL_EX;
	pl->lver = ac->leader.lver;
	pl->leader = ac->leader;
	pl->have_leader = 1;
	pl->dblock = ac->dblock;
	paxos_lease_check(pl);
}

/* Give the leader back after a failure that found us owner: §7.1. */
static void paxos_give_back(const struct lease_env *env, struct paxos_lease *pl)
{
	assert(pl->release == PAXOS_REL_EX);
	pl->mode = PAXOS_MODE_NONE;           /* pending until it is written */
	(void)paxos_lease_release(env, pl, NULL);
}

static int paxos_others_shared(const struct paxos_lease *pl,
			       const struct paxos_holders *h)
{
	return h->distinct > (uint32_t)ondisk_bitmap_test(h->bits, pl->host_id);
}

static int paxos_acquire_ex(const struct lease_env *env,
			    const struct paxos_host_ops *ops,
			    struct paxos_lease *pl, struct paxos_acq *ac)
{
	int rv = paxos_acquire_core(env, ops, pl, ac);

	if (rv < 0) {
		if (ac->retract)
			paxos_retract(env, pl, ac);
		return rv;
	}
	paxos_take(pl, ac);
#ifdef SIM_MUTANT_PAXOS_IGNORE_SHARED
	return 0;   /* planted bug for the simulator: EX beside SH holders */
#endif
	if (!paxos_others_shared(pl, &ac->holders))              /* §6.3 1 */
		return 0;
	rv = paxos_shared_check(env, ops, pl, &ac->holders, ac->num_hosts);
	if (rv == 0)                                             /* §6.3 4 */
		return 0;
	paxos_give_back(env, pl);                                /* §6.3 3 */
	return rv < 0 ? rv : -EAGAIN;
}

static int paxos_acquire_sh(const struct lease_env *env,
			    const struct paxos_host_ops *ops,
			    struct paxos_lease *pl, struct paxos_acq *ac,
			    uint32_t retries)
{
	struct ondisk_mblock mb = { .flags = MBLOCK_SHARED,
				    .generation = pl->generation };
	uint32_t attempt;
	int rv = 0;

	assert(retries <= PAXOS_SH_RETRIES_MAX);
	for (attempt = 0; attempt <= retries; attempt++) {       /* §6.2 1-2 */
		rv = paxos_acquire_core(env, ops, pl, ac);
		if ((rv == SANLK_ACQUIRE_IDLIVE || rv == SANLK_ACQUIRE_OWNED ||
		     rv == SANLK_ACQUIRE_OTHER) && ac->have_leader &&
		    (ac->leader.flags & LFL_SHORT_HOLD)) {
			if (attempt == retries) {
				rv = SANLK_ACQUIRE_SHRETRY;
				break;
			}
			if (paxos_random_delay(env)) {
				rv = PAXOS_ABORTED;
				break;
			}
			continue;
		}
		break;
	}
	if (rv < 0) {
		if (ac->retract)
			paxos_retract(env, pl, ac);
		return rv;
	}

	paxos_take(pl, ac);
	/* §6.2 step 3: the SHARED mode block must be on disk before the
	 * leader is released. */
	rv = paxos_write_released(env, pl, &mb, 1);
	if (rv == 0)                                             /* step 4 */
		rv = paxos_release_leader(env, pl, &pl->leader, NULL);
	if (rv < 0) {
		paxos_give_back(env, pl);
		return rv;
	}
	pl->mode = PAXOS_MODE_SH;                                /* step 5 */
	pl->release = PAXOS_REL_SH;
	paxos_lease_check(pl);
	return 0;
}

int paxos_lease_acquire(const struct lease_env *env,
			const struct paxos_host_ops *ops,
			struct paxos_lease *pl,
			const struct paxos_acquire_args *args,
			struct ondisk_leader *out)
{
	static const struct paxos_acquire_args no_args;
	struct paxos_acq ac;
	uint32_t retries;
	int rv;

	paxos_lease_check(pl);
	if (!args)
		args = &no_args;
	if (pl->host_id < 1 || !pl->space_name[0] || !pl->res_name[0])
		return -EINVAL;
	if (pl->mode != PAXOS_MODE_NONE || pl->release != PAXOS_REL_NONE)
		return -EINVAL;
	if (args->flags & ~(PAXOS_ACQ_SHARED | PAXOS_ACQ_OWNER_NOWAIT))
		return -EINVAL;
	retries = args->sh_retries ? args->sh_retries : PAXOS_SH_RETRIES_DEFAULT;
	if (retries > PAXOS_SH_RETRIES_MAX)
		return -EINVAL;
	if (!ops || !ops->host_info || !ops->read_delta || !ops->host_live)
		return -EINVAL;

	memset(&ac, 0, sizeof(ac));
	ac.flags = args->flags;
	ac.acquire_lver = args->acquire_lver;
	ac.new_num_hosts = args->new_num_hosts;
	if (args->flags & PAXOS_ACQ_SHARED)
		rv = paxos_acquire_sh(env, ops, pl, &ac, retries);
	else
		rv = paxos_acquire_ex(env, ops, pl, &ac);
	if (out && ac.have_leader)
		*out = ac.leader;
	else if (out)
		memset(out, 0, sizeof(*out));
	assert(rv <= 0);
	assert(rv < 0 || pl->mode != PAXOS_MODE_NONE);
	assert(rv == 0 || pl->mode == PAXOS_MODE_NONE);
	paxos_lease_check(pl);
	return rv;
}
