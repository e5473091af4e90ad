/*
 * paxos_owner.c - is the owner of a paxos lease alive?  The owner
 * liveness procedure of algorithms.md §5.4 (host-status snapshot, direct
 * reads of the owner's delta lease, the wait of host_dead_seconds(owner
 * io) measured from the last observed change, the RELEASED-dblock escape,
 * OWNER_NOWAIT), the shared-holder rule host_live of §4.4, and the random
 * retry delay.
 *
 * No state; the caller's thread owns the struct paxos_lease.  The host
 * ops are called on the caller's thread.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

uint64_t paxos_host_dead_seconds(uint32_t io, uint32_t fire_timeout)
{
	return 8 * (uint64_t)io + fire_timeout;
}

int paxos_host_live_eval(const struct paxos_host_info *hs, int have_record,
			 uint64_t generation, uint64_t now, uint32_t our_io,
			 uint32_t fire_timeout)
{
	uint64_t dead;

	if (!have_record)
		return 1;                                    /* row 1 */
	if (hs->last_check == 0)
		return 1;                                    /* row 2 */
	if (hs->timestamp == 0)
		return 0;                                    /* row 3 */
	if (hs->owner_generation > generation)
		return 0;                                    /* row 4 */
	dead = paxos_host_dead_seconds(hs->io_timeout ? hs->io_timeout : our_io,
				       fire_timeout);
	if (hs->last_live == 0 && now > hs->first_check &&
	    now - hs->first_check > dead)
		return 0;                                    /* row 5 */
	if (hs->last_live != 0 && now > hs->last_live &&
	    now - hs->last_live > dead)
		return 0;                                    /* row 6 */
	return 1;                                            /* row 7 */
}

int paxos_host_live_evidence(const struct paxos_host_info *hs, int have_record,
			     uint64_t generation, uint32_t our_io,
			     uint32_t fire_timeout)
{
	uint64_t dead, since;

	if (!have_record || hs->last_check == 0)
		return 1;                      /* unavailable / never examined */
	if (hs->owner_generation > generation)
		return 0;                      /* a newer incarnation */
	if (hs->owner_generation < generation)
		return 1;                      /* that incarnation not seen yet */
	if (hs->timestamp == 0)
		return 0;                      /* it released the host_id */
	dead = paxos_host_dead_seconds(hs->io_timeout ? hs->io_timeout : our_io,
				       fire_timeout);
	since = hs->last_live ? hs->last_live : hs->first_check;
	return !(hs->last_check > since && hs->last_check - since > dead);
}

int paxos_random_delay(const struct lease_env *env)
{
	uint64_t usec = env->random(env->ctx) % (PAXOS_RETRY_DELAY_USEC_MAX + 1);

	return env->sleep_usec(env->ctx, usec);
}

/* §5.4 e: the owner is alive, but if someone else wrote the leader and
 * the owner's dblock says RELEASED, the owner has let go.
 *
 * Deviation from 3.8.5 (F3 of sim/README.md): the RELEASED dblock must be
 * of the leader's version or newer.  One of an earlier version (a late
 * landing of an old release, or a newer dblock write of the owner that
 * missed disk 0) says nothing about the version the leader names.  Our
 * hosts never hold a version they were made owner of by another host's
 * commit (paxos_acquire.c, F2), and every RELEASED dblock we write carries
 * the version given up (the §5.9 retract included), so the escape still
 * opens for them.  A 3.8.5 host's §5.9 retract (lver 0) no longer opens
 * it: its lease is then taken when the host leaves or dies. */
static int paxos_owner_released(const struct lease_env *env,
				const struct paxos_lease *pl,
				const struct ondisk_leader *cur)
{
	struct ondisk_dblock db;

	if (cur->write_id == cur->owner_id)
		return 0;
	if (cur->owner_id > cur->num_hosts || cur->owner_id > pl->sizes.max_hosts)
		return 0;   /* no dblock sector for it in this area */
	if (paxos_read_host_sector(env, pl, cur->owner_id, &db, NULL) < 0)
		return 0;
	if (ondisk_dblock_verify(&db) < 0)
		return 0;
	return (db.flags & DBLOCK_FL_RELEASED) != 0 && db.lver >= cur->lver;
}

int paxos_owner_wait(const struct lease_env *env, const struct paxos_host_ops *ops,
		     struct paxos_lease *pl, const struct ondisk_leader *cur,
		     uint32_t flags)
{
	struct paxos_host_info hs;
	uint64_t owner = cur->owner_id;
	uint64_t wait_start, last_ts, dead_after, max_steps, step;
	uint32_t owner_io;
	int rv;

	paxos_lease_check(pl);
#ifdef SIM_MUTANT_PAXOS_NO_OWNER_WAIT
	return PAXOS_GO_BALLOT;   /* planted bug for the simulator */
#endif
	assert(cur->timestamp != 0);
	/* A held leader always names a host_id (3.8.5 writes no other). */
	if (owner < 1 || owner > PAXOS_MAX_HOST_ID)
		return -EINVAL;

	/* Steps 1-2: lockspace, snapshot of the host-status record. */
	memset(&hs, 0, sizeof(hs));
	rv = ops->host_info(ops->ctx, owner, &hs);
	if (rv < 0)
		return rv;
	if (hs.last_check && hs.last_live && hs.owner_id == owner &&
	    hs.owner_generation == cur->owner_generation) {
		wait_start = hs.last_live;
		last_ts = hs.timestamp;
	} else {
		wait_start = paxos_now(env);
		last_ts = 0;
	}
	owner_io = hs.io_timeout ? hs.io_timeout : pl->io_timeout;
	dead_after = paxos_host_dead_seconds(owner_io, pl->fire_timeout);

	/* One iteration per second of waiting; the clock decides. */
	max_steps = 2 * (dead_after + 1) + PAXOS_WAIT_EXTRA_STEPS;
	for (step = 0; step < max_steps; step++) {
		struct ondisk_leader dl, tmp;
		uint64_t now;

		rv = ops->read_delta(ops->ctx, owner, &dl);          /* a */
		if (rv < 0)
			return rv;
		/* b.  Deviation from 3.8.5 (F7 of sim/README.md): a free
		 * slot of an older generation than the leader's owner is a
		 * late write of an earlier holder of the host_id landing over
		 * the owner's record, not the owner leaving.  It counts as
		 * "no renewal seen": the owner, if alive, renews over it (its
		 * renewal write then changes the timestamp); if not, the
		 * wait of step f runs out. */
		if (dl.timestamp == 0 &&
		    dl.owner_generation < cur->owner_generation) {
			now = paxos_now(env);                         /* f */
			if (now > wait_start && now - wait_start > dead_after)
				return PAXOS_GO_BALLOT;
			if (flags & PAXOS_ACQ_OWNER_NOWAIT)           /* g */
				return SANLK_ACQUIRE_OWNED_RETRY;
			goto next;
		}
		if (dl.timestamp == 0)
			return PAXOS_GO_BALLOT;
		if (dl.owner_id != owner ||                           /* c */
		    dl.owner_generation > cur->owner_generation)
			return PAXOS_GO_BALLOT;
		/* Deviation from 3.8.5 (F8 of sim/README.md): step 2 takes our
		 * io when the host record has none yet (we just joined), but
		 * the owner's delta lease carries its own: wait by the larger
		 * of the two. */
		if (dl.io_timeout > owner_io) {
			owner_io = dl.io_timeout;
			dead_after = paxos_host_dead_seconds(owner_io,
							     pl->fire_timeout);
			max_steps = 2 * (dead_after + 1) +
				    PAXOS_WAIT_EXTRA_STEPS;
		}
		if (last_ts == 0) {                                   /* d */
			last_ts = dl.timestamp;
		} else {
			int alive = dl.timestamp != last_ts ||        /* e */
				    (hs.last_live != 0 &&
				     hs.last_check == hs.last_live);

			if (alive) {
				if (paxos_owner_released(env, pl, cur))
					return PAXOS_GO_BALLOT;
				return SANLK_ACQUIRE_IDLIVE;
			}
			now = paxos_now(env);                         /* f */
			if (now > wait_start && now - wait_start > dead_after)
				return PAXOS_GO_BALLOT;
			if (flags & PAXOS_ACQ_OWNER_NOWAIT)           /* g */
				return SANLK_ACQUIRE_OWNED_RETRY;
		}
next:
		if (env->sleep_usec(env->ctx, PAXOS_SLEEP_STEP_USEC))  /* h */
			return PAXOS_ABORTED;
		rv = paxos_read_leader(env, pl, pl->host_id, 0, &tmp);   /* i */
		if (rv < 0)
			return rv;
		if (!paxos_leader_equal(&tmp, cur))
			return PAXOS_RESTART;
	}
	/* The env clock did not advance dead_after seconds. */
	return -ETIMEDOUT;
}
