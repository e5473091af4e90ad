/*
 * paxos_release.c - giving a paxos lease back (algorithms.md §7): the
 * leader update of §7.2 (only by the host that wrote it, only if it still
 * is what we committed), exclusive release (§7.1, with the leader read
 * first and the two writes in one batch: paxos_release_ex says why that
 * is the same protocol), shared release (§7.3),
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

/* §7.2 steps 2-7 on the leader just read: 0 = write the release, 1 = leave
 * the leader alone (step 3: success), else the error. */
static int paxos_release_check(const struct paxos_lease *pl,
			       const struct ondisk_leader *lr,
			       const struct ondisk_leader *last)
{
#ifdef SIM_MUTANT_PAXOS_RELEASE_NO_CHECK
	/* planted bug for the simulator: free the leader whoever holds it */
	(void)last;
	return 0;
#endif
	if (!last)                                                       /* 2 */
		last = lr;
	if (lr->write_id != pl->host_id)                                 /* 3 */
		return 1;
	if (lr->lver != last->lver)                                      /* 4 */
		return SANLK_RELEASE_LVER;
	if (lr->timestamp == 0)                                          /* 5 */
		return SANLK_RELEASE_OWNER;
	if (lr->owner_id != pl->host_id ||                               /* 6 */
	    lr->owner_generation != pl->generation)
		return SANLK_RELEASE_OWNER;
	if (!paxos_leader_equal(lr, last))                               /* 7 */
		return SANLK_RELEASE_OWNER;
	return 0;
}

/* §7.2 step 8: the free leader we write. */
static void paxos_release_value(const struct lease_env *env,
				const struct paxos_lease *pl,
				const struct ondisk_leader *lr,
				const char *rename_to, struct ondisk_leader *nl)
{
	*nl = *lr;
	nl->timestamp = LEASE_FREE;
	nl->write_id = pl->host_id;
	nl->write_generation = pl->generation;
	nl->write_timestamp = paxos_now(env);
	nl->flags &= ~LFL_SHORT_HOLD;
	if (rename_to)
		ondisk_name_set(nl->resource_name, rename_to);
}

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
	rv = paxos_release_check(pl, &lr, last);
	if (rv != 0)
		return rv > 0 ? 0 : rv;
	paxos_release_value(env, pl, &lr, rename_to, &nl);               /* 8 */
	return paxos_write_leader(env, pl, &nl);
}

/* Our RELEASED dblock sector (zero mode block) and the free leader `nl`
 * on every disk, the two writes of a disk in flight together when the
 * env can batch them (else dblock first).  Errors of the dblock writes
 * are ignored (§7.1 step 3); the leader's follow the majority rule. */
static int paxos_write_released_leader(const struct lease_env *env,
				       const struct paxos_lease *pl,
				       struct ondisk_leader *nl)
{
	uint32_t ss = pl->sizes.sector_size;
	uint64_t dbrel = paxos_dblock_rel(pl, pl->host_id);
	struct ondisk_dblock db = pl->dblock;
	struct paxos_wres wr;
	int d;

	assert(nl->magic == PAXOS_DISK_MAGIC);
	db.flags = DBLOCK_FL_RELEASED;
	memset(&wr, 0, sizeof(wr));
	for (d = 0; d < pl->num_disks; d++) {
		/* Fresh buffers per disk: a timed-out write keeps its own
		 * buffer in flight. */
		uint8_t *dbuf = env->buf_alloc(env->ctx, ss);
		uint8_t *lbuf = env->buf_alloc(env->ctx, ss);
		struct lease_wreq w[2];
		int rv;

		if (!dbuf || !lbuf) {
			rv = -ENOMEM;
		} else {
			paxos_dblock_sector(pl, &db, NULL, dbuf);
			memset(lbuf, 0, ss);
			ondisk_leader_seal(nl, lbuf);
			w[0] = (struct lease_wreq){ .offset = pl->offsets[d] + dbrel,
						    .buf = dbuf, .len = ss };
			w[1] = (struct lease_wreq){ .offset = pl->offsets[d],
						    .buf = lbuf, .len = ss };
			if (env->write_batch) {
				env->write_batch(env->ctx, d, w, 2,
						 (int)pl->io_timeout);
			} else {
				w[0].rv = env->write(env->ctx, d, w[0].offset,
						     dbuf, ss, (int)pl->io_timeout);
				w[1].rv = env->write(env->ctx, d, w[1].offset,
						     lbuf, ss, (int)pl->io_timeout);
			}
			rv = w[1].rv > 0 ? -EIO : w[1].rv;
		}
		if (dbuf)
			env->buf_free(env->ctx, dbuf);
		if (lbuf)
			env->buf_free(env->ctx, lbuf);
		wr.tried++;
		if (rv == 0) {
			wr.ok++;
			continue;
		}
		if (rv == SANLK_AIO_TIMEOUT)
			wr.timeouts++;
		wr.last_err = rv;
	}
	return paxos_leader_write_result(pl, &wr);
}

/* §7.1 steps 3-4 with the leader read first.  3.8.5 writes the RELEASED
 * dblock, then reads the leader, then writes it (three I/O waits); we read
 * the leader, then write the RELEASED dblock and the free leader together
 * (two).  Why that is the same protocol:
 *  - the read may come before the RELEASED dblock lands: until it lands
 *    nobody can take the lease through it (§5.4 e), so the leader read
 *    then is what it would be just after;
 *  - the two writes may land in either order (§1A.1 item 4).  Leader
 *    first is a free leader at our lver while our dblock still shows the
 *    committed value: the next ballot is of lver + 1 and does not look at
 *    dblocks of our lver, and a host that finds the leader free does not
 *    look for RELEASED (§5.3);
 *  - when the checks say not to write the leader (§7.2 steps 3-7), or the
 *    read failed, the RELEASED dblock is still written, as in 3.8.5. */
static int paxos_release_ex(const struct lease_env *env, struct paxos_lease *pl,
			    const struct ondisk_leader *last,
			    const char *rename_to)
{
	struct ondisk_leader lr, nl;
	int rv;

	assert(pl->host_id >= 1);
	rv = paxos_read_leader(env, pl, pl->host_id, 0, &lr);           /* 1 */
	if (rv == 0)
		rv = paxos_release_check(pl, &lr, last);
	if (rv != 0) {
		(void)paxos_write_released(env, pl, NULL, 0);
		return rv > 0 ? 0 : rv;
	}
	paxos_release_value(env, pl, &lr, rename_to, &nl);               /* 8 */
	return paxos_write_released_leader(env, pl, &nl);
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
		/* §7.1 steps 3-4 (RELEASED errors ignored; it is what lets
		 * others in when step 4 does not write, §7.2 step 3). */
		rv = paxos_release_ex(env, pl, paxos_last(pl), rename_to);
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
