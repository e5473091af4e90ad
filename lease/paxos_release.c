/*
 * paxos_release.c - giving a paxos lease back (algorithms.md §7): the
 * leader update of §7.2 (only by the host that wrote it, only if it still
 * is what we committed), exclusive release (§7.1), shared release (§7.3),
 * the retract of §5.9 and the "erase all" release of §6.4.  A release
 * that timed out keeps its state so the caller can run it again later
 * (background release, §7.4).
 *
 * The caller's thread owns the struct paxos_lease; no other state.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

int paxos_release_leader(const struct lease_env *env, struct paxos_lease *pl,
			 const struct ondisk_leader *last, const char *rename_to)
{
	struct ondisk_leader lr, nl;
	int rv;

	paxos_lease_check(pl);
	assert(pl->host_id >= 1);
	rv = paxos_read_leader(env, pl, pl->host_id, 0, &lr);           /* 1 */
	if (rv < 0)
		return rv;
	if (!last)                                                       /* 2 */
		last = &lr;
	if (lr.write_id != pl->host_id)                                  /* 3 */
		return 0;
	if (lr.lver != last->lver)                                       /* 4 */
		return SANLK_RELEASE_LVER;
	if (lr.timestamp == 0)                                           /* 5 */
		return SANLK_RELEASE_OWNER;
	if (lr.owner_id != pl->host_id ||                                /* 6 */
	    lr.owner_generation != pl->generation)
		return SANLK_RELEASE_OWNER;
	if (!paxos_leader_equal(&lr, last))                              /* 7 */
		return SANLK_RELEASE_OWNER;

	nl = lr;                                                         /* 8 */
	nl.timestamp = LEASE_FREE;
	nl.write_id = pl->host_id;
	nl.write_generation = pl->generation;
	nl.write_timestamp = paxos_now(env);
	nl.flags &= ~LFL_SHORT_HOLD;
	if (rename_to)
		ondisk_name_set(nl.resource_name, rename_to);
	return paxos_write_leader(env, pl, &nl);
}

int paxos_write_released(const struct lease_env *env, const struct paxos_lease *pl,
			 const struct ondisk_mblock *mb, int stop_first)
{
	struct ondisk_dblock db = pl->dblock;
	struct paxos_wres wr;

	db.flags = DBLOCK_FL_RELEASED;
	paxos_write_own(env, pl, &db, mb, stop_first, &wr);
	return wr.last_err;
}

/* §5.9 step 1: a zero dblock with only RELEASED and lver (keep = 0; 3.8.5
 * writes lver 0, we write the version we may have been made owner of so
 * that §5.4 e, which checks the lver, lets others in), or our committed
 * dblock with RELEASED (keep = 1); zero mode block. */
static int paxos_write_retract(const struct lease_env *env,
			       const struct paxos_lease *pl, int keep)
{
	struct ondisk_dblock db;
	struct paxos_wres wr;

	if (keep)
		db = pl->dblock;
	else {
		memset(&db, 0, sizeof(db));
		db.lver = pl->dblock.lver;
	}
	db.flags = DBLOCK_FL_RELEASED;
	paxos_write_own(env, pl, &db, NULL, 0, &wr);
	return wr.timeouts ? SANLK_AIO_TIMEOUT : wr.last_err;
}

static const struct ondisk_leader *paxos_last(const struct paxos_lease *pl)
{
	return pl->have_leader ? &pl->leader : NULL;
}

/* A timeout in either step wins: the whole release is run again. */
static int paxos_two_step(int rv1, int rv2)
{
	if (rv1 == SANLK_AIO_TIMEOUT || rv2 == SANLK_AIO_TIMEOUT)
		return SANLK_AIO_TIMEOUT;
	return rv2 < 0 ? rv2 : rv1;
}

int paxos_lease_release(const struct lease_env *env, struct paxos_lease *pl,
			const char *rename_to)
{
	int rv = 0, rv1;

	paxos_lease_check(pl);
	switch (pl->release) {
	case PAXOS_REL_NONE:
		return 0;
	case PAXOS_REL_EX:
		if (pl->lver == 0)                  /* §7.1 step 1 */
			break;
		/* §7.1 step 3: errors ignored; the RELEASED dblock is what
		 * lets others in when step 4 does not write (§7.2 step 3). */
		(void)paxos_write_released(env, pl, NULL, 0);
		rv = paxos_release_leader(env, pl, paxos_last(pl), rename_to);
		break;
	case PAXOS_REL_SH:                          /* §7.3 */
		rv = paxos_write_released(env, pl, NULL, 1);
		break;
	case PAXOS_REL_ERASE:                       /* §6.4 "erase all" */
		rv1 = paxos_write_released(env, pl, NULL, 0);
		rv = paxos_two_step(rv1, paxos_release_leader(env, pl,
							       paxos_last(pl),
							       NULL));
		break;
	case PAXOS_REL_RETRACT:                     /* §5.9 */
	case PAXOS_REL_RETRACT_KEEP:
		rv1 = paxos_write_retract(env, pl,
					  pl->release == PAXOS_REL_RETRACT_KEEP);
		rv = paxos_two_step(rv1, paxos_release_leader(env, pl,
							       paxos_last(pl),
							       NULL));
		break;
	default:
		assert(0 && "bad release kind");
		return -EINVAL;
	}
	if (rv == SANLK_AIO_TIMEOUT)
		return rv;                          /* §7.4: run again later */
	pl->mode = PAXOS_MODE_NONE;
	pl->release = PAXOS_REL_NONE;
	pl->lver = 0;
	pl->have_leader = 0;
	paxos_lease_check(pl);
	return rv;
}
