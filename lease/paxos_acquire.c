/*
 * paxos_acquire.c - the core of a paxos acquire (algorithms.md §5.2-§5.8):
 * lease read, the decision table of §5.3, the owner wait of §5.4, ballot
 * numbers (§5.5), the ballot loop (§5.6) and the commit of the new leader
 * (§5.8).  It decides whether a retract (§5.9) is owed but does not write
 * it; paxos_acquire_api.c / paxos_convert.c do.
 *
 * No state; the caller's thread owns the struct paxos_lease and the
 * struct paxos_acq.
 *
 * Deviations from 3.8.5, all on the safe side:
 * - §5.8 step 3 compares only owner_id in 3.8.5; a ballot that adopted a
 *   value of an earlier incarnation of ours (owner_id = us, older
 *   generation) would count as success although other hosts may take such
 *   a lease at once (§5.4 c).  We return -245 for it.
 * - Retries and restarts are bounded (PAXOS_BALLOT_RETRIES_MAX,
 *   PAXOS_ACQUIRE_RESTARTS_MAX) and the retry sleep honours an abort.  When
 *   we stop that way (or a leader re-read fails) while a phase 2 of ours
 *   for this version may be on disk, the retract of §5.9 is owed, as it is
 *   for the failures §5.9 lists.
 * - When another host's commit made us owner (§5.6 step 2) we do NOT
 *   take that as success (F2 of sim/README.md): our dblock on disk may be
 *   RELEASED (a §5.9 retract of an earlier call whose value was adopted)
 *   and others may already be taking the version through §5.4 e; a
 *   rewrite of our dblock would race with them.  We restart instead: the
 *   lease read finds us owner (§5.3 row 4) and we ballot for the next
 *   version and commit it ourselves, so paxos orders us against anyone
 *   who used the escape.  A 3.8.5 host sees an ordinary commit.  If that
 *   ballot fails before anything else is owed while the leader still
 *   names us, a §5.9 retract stamped with the named lver lets others in.
 * - The same holds when our own ballot adopts (§5.7 3g) a value of an
 *   earlier ballot of ours (sim seed 70092): an earlier call's phase 2
 *   that reached one disk, retracted (RELEASED) on the others.  Another
 *   host may have committed that value already and, seeing our RELEASED
 *   dblock, be balloting the next version.  We commit the value (the
 *   version is decided) but restart and ballot the next version instead
 *   of returning success.
 * - F11 (sim seed 240939): a slow commit write of an old version (another
 *   host committing the value it adopted) can land after the lease moved
 *   on two versions, reverting the leader.  Other hosts' dblocks of the
 *   newer versions make their ballots abort (§5.7 3d), but our own dblock
 *   is replaced by our phase-1 write before our phase-1 read: a host
 *   whose dblock shows a newer version than leader + 1 would ballot the
 *   old version and erase the only evidence of the new one, while a
 *   third host commits the newer version beside it.  We never ballot
 *   then: we wait and read again (bounded by the restarts; -EAGAIN), and
 *   any later commit moves the leader past it.
 * - A failed commit (§5.8 step 2) does NOT zero our dblock as §5.9 step 1
 *   says: our ballot completed, so the value it decided must stay on disk
 *   (the leader write may still land late, §1A.1 item 5).  Zeroing it lets
 *   a later ballot for the same lver decide another value; if our late
 *   leader write then lands, the host named in it (which may be another
 *   host whose value we adopted, still in its ballot loop, or that host on
 *   its next acquire, §5.3 row 4) and the later committer both own the
 *   lease.  We write our committed dblock with RELEASED instead: the value
 *   stays, and RELEASED still lets others in (§5.4 e) if we are named.
 *   Zeroing stays for ballots that did not complete (-210/-211 after phase
 *   2 began), where it is safe.
 * - On a lease with ONE disk, the first read of an acquire is a
 *   leader-only read (one sector), not the full lease read of §5.2 (the
 *   whole area), and the first ballot after it runs with a guessed
 *   number, mbal = host_id (the §5.5 value for max_mbal 0).  Saves one
 *   area read (1 MiB at 2000 hosts) per acquire.  Why it is the same
 *   protocol:
 *   . §5.3/§5.4 use only the leader; the leader-only read applies the same
 *     checks (paxos_check_leader) and adopts the leader's sizes as §5.1
 *     does.  On one disk its errors are the lease read's (same disk, and
 *     the lease read checks the leader first too).
 *   . The lease read's other outputs are max_mbal and the -214 checksum
 *     verdict.  The guessed ballot's phase-1 read is itself a read of
 *     every dblock, taken after our phase-1 write: it scans all of them
 *     (no early abort), and a dblock failing its checksum sends us back to
 *     the lease read (PAXOS_FULL_READ) before phase 2, i.e. before
 *     anything of ours can be decided.
 *   . Disk Paxos safety does not depend on how large mbal is, only on
 *     (a) numbers being unique per host (mbal = host_id mod max_hosts,
 *     unchanged), (b) each phase write landing before the phase read, and
 *     (c) the abort rules of §5.7 3d/3e/7 (unchanged): a ballot whose
 *     read finds any valid dblock of our lver with a larger mbal, or of a
 *     newer lver, aborts.  A value decided at our lver by another ballot
 *     n stays in its owner's dblock with mbal n; our ballot m < n sees it
 *     and aborts, m > n adopts it (3g): exactly the cases of a ballot whose
 *     mbal came from a full read that happened to be stale.  What the
 *     guess drops is only "above every mbal seen at older lvers", which no
 *     rule reads (3c ignores older lvers).
 *   . The guessed path reads our own dblock sector (one sector) besides
 *     the leader, for the F11 check below; it does not use its mbal.
 *   . Our own earlier dblock (say mbal n, an accepted value v, this lver)
 *     is the one thing the lease read saw that the guessed ballot cannot:
 *     its phase-1 write replaces it before reading.  With the guess our
 *     new number may be below n; that matters only if a copy of the old
 *     block outlives the write, with the larger bal n, for others to
 *     adopt v over what we decide.  On one disk none does: the write
 *     replaced the only copy (phase 1 aborts with -211 if it failed), and
 *     no older write of ours can land over it (§1A.1 rule 6, enforced by
 *     disk/).  Legacy overwrote it the same way, only with a larger mbal,
 *     which no rule compares with anything once the block is gone.  On
 *     several disks a copy can survive (the write failed on a disk whose
 *     read failed too), so multi-disk leases keep the lease read.
 *   . A guessed ballot that aborts (-212/-213) is retried as §5.6 step 6
 *     says (random sleep, then from the leader-only read of step 1), with
 *     mbal raised above every mbal its phase-1 read saw, i.e. what the
 *     lease read would have given; later ballots are §5.6 as written.
 *   The sim (make sim) runs this code; 3.8.5 peers see ordinary ballots
 *   (a host whose mbal is below another's, as after any stale read).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* §5.5: first ballot number above everything seen, congruent to our
 * host_id modulo max_hosts; 0 when there is none below 2^64 (a dblock on
 * disk carries an mbal that close to the limit: bad data, never wrap). */
static uint64_t paxos_first_mbal(uint64_t max_mbal, uint64_t max_hosts,
				 uint64_t host_id)
{
	uint64_t base;

	assert(max_hosts != 0);
	if (max_mbal == 0)
		return host_id;
	base = max_mbal - max_mbal % max_hosts;
	/* max_hosts is the leader's, from disk: any non-zero value */
	if (max_hosts > UINT64_MAX - host_id ||
	    base > UINT64_MAX - max_hosts - host_id)
		return 0;
	return base + max_hosts + host_id;
}

/* §5.8: build and write the new leader. */
static int paxos_commit(const struct lease_env *env, struct paxos_lease *pl,
			struct paxos_acq *ac, const struct ondisk_leader *cur,
			const struct ondisk_dblock *d)
{
	struct ondisk_leader l = *cur;
	int rv;

	assert(d->lver == cur->lver + 1 && d->inp != 0);
	l.lver = d->lver;
	l.owner_id = d->inp;
	l.owner_generation = d->inp2;
	l.timestamp = d->inp3;
	l.write_id = pl->host_id;
	l.write_generation = pl->generation;
	l.write_timestamp = paxos_now(env);
	if (ac->new_num_hosts)
		l.num_hosts = ac->new_num_hosts;
	if (l.owner_id == pl->host_id) {
		if (ac->flags & PAXOS_ACQ_SHARED)
			l.flags |= LFL_SHORT_HOLD;
		else
			l.flags &= ~LFL_SHORT_HOLD;
	}

	rv = paxos_write_leader(env, pl, &l);   /* seals l.checksum */
	ac->tried = l;
	ac->tried_commit = 1;
	if (rv < 0) {
		ac->retract = PAXOS_RETRACT_KEEP;
		return rv;
	}
	ac->leader = l;
	ac->have_leader = 1;
	if (l.owner_id != pl->host_id || l.owner_generation != pl->generation)
		return SANLK_ACQUIRE_OTHER;
	return 0;
}

/* §5.6: ballots for cur.lver + 1 until one succeeds or fails for good.
 * guessed: cur comes from a leader-only read, max_mbal is unknown (0) and
 * the first ballot runs with a guessed number (see the header).  Returns
 * 0, PAXOS_RESTART, PAXOS_FULL_READ (guessed only) or an error. */
static int paxos_ballot_loop(const struct lease_env *env, struct paxos_lease *pl,
			     struct paxos_acq *ac, const struct ondisk_leader *cur,
			     uint64_t max_mbal, int reuse, int guessed)
{
	struct ondisk_mblock our_mb = { .flags = MBLOCK_SHARED,
					.generation = pl->generation };
	uint64_t next_lver = cur->lver + 1;
	uint64_t mbal = paxos_first_mbal(max_mbal, cur->max_hosts, pl->host_id);
	uint32_t attempt;

	/* lver or mbal from disk that cannot grow: bad data (as delta's
	 * owner_generation, -EOVERFLOW rather than a wrap to 0) */
	if (mbal == 0 || next_lver == 0)
		return -EOVERFLOW;

	for (attempt = 0; attempt < PAXOS_BALLOT_RETRIES_MAX; attempt++) {
		struct paxos_ballot b;
		struct ondisk_leader tmp;
		int rv;

		/* §5.5: every ballot number of ours is congruent to our
		 * host_id modulo max_hosts, and above every one seen. */
		assert(mbal % cur->max_hosts == pl->host_id % cur->max_hosts);
		assert(mbal > max_mbal);
		if (attempt == 0 && reuse) {                            /* 1 */
			tmp = *cur;
		} else {
			rv = paxos_read_leader(env, pl, pl->host_id, 0, &tmp);
			if (rv < 0)
				return rv;   /* ac->retract as the last ballot left it */
		}
		if (tmp.lver == next_lver) {                            /* 2 */
			ac->retract = 0;
			if (tmp.owner_id == pl->host_id &&
			    tmp.owner_generation == pl->generation) {
				/* Made owner by someone else's commit: not
				 * taken as ours (see the header, F2).  The
				 * restart finds us owner (§5.3 row 4) and
				 * ballots for the next version. */
				ac->named_lver = tmp.lver;
				return PAXOS_RESTART;
			}
			ac->leader = tmp;
			return SANLK_ACQUIRE_OWNED;
		}
		if (tmp.lver > next_lver)                               /* 3 */
			return PAXOS_RESTART;
		if (!paxos_leader_equal(&tmp, cur))                     /* 4 */
			return PAXOS_RESTART;

		memset(&b, 0, sizeof(b));                               /* 5 */
		b.lver = next_lver;
		b.mbal = mbal;
		b.num_hosts = cur->num_hosts;
		b.mb = ac->convert ? &our_mb : NULL;
		b.guessed = guessed;
		rv = paxos_ballot_run(env, pl, &b);
		if (b.wrote) {
			ac->dblock = b.dblock;
			ac->wrote_dblock = 1;
		}
		/* A phase 2 of ours that did not complete may be adopted by
		 * another ballot: until we know the outcome, a retract is
		 * owed if we stop here. */
		ac->retract = b.phase2 && rv < 0 ? PAXOS_RETRACT_ZERO : 0;
		if (ac->retract)
			ac->retract_lver = next_lver;
		if (rv == PAXOS_FULL_READ) {
			/* A dblock failed its checksum: the lease read of
			 * §5.2 decides (-214).  Nothing of ours can have
			 * been decided: phase 2 did not begin. */
			assert(guessed && !b.phase2 && !ac->retract);
			return PAXOS_FULL_READ;
		}
		if (rv == SANLK_DBLOCK_LVER || rv == SANLK_DBLOCK_MBAL) {  /* 6 */
			/* After a guessed ballot, as §5.5 from now on: above
			 * every mbal its phase-1 read saw (all of them: the
			 * guessed scan does not stop at the abort).  Bad data
			 * (no such number below 2^64) fails at once. */
			uint64_t m = guessed ? paxos_first_mbal(b.seen_mbal,
								cur->max_hosts,
								pl->host_id)
					     : mbal;

			if (m == 0 || mbal > UINT64_MAX - cur->max_hosts)
				return -EOVERFLOW;
			if (paxos_random_delay(env))
				return PAXOS_ABORTED;
			mbal += cur->max_hosts;
			if (m > mbal)
				mbal = m;
			if (guessed && b.seen_mbal > max_mbal)
				max_mbal = b.seen_mbal;
			guessed = 0;
			continue;
		}
		if (rv < 0)                                             /* 7 */
			return rv;
		ac->holders = b.holders;                                /* 8 */
		rv = paxos_commit(env, pl, ac, cur, &b.dblock);
		if (rv == 0 && b.adopted_ours) {
			/* Our ballot decided a value of an earlier ballot
			 * of ours, which a §5.9 retract may have marked
			 * RELEASED since (others may be taking this version
			 * through §5.4 e): as F2, not taken as ours; the
			 * restart ballots for the next version. */
			ac->named_lver = next_lver;
			return PAXOS_RESTART;
		}
		return rv;
	}
	return PAXOS_TOO_BUSY;
}

/* Lease-read scan: the largest lver of our own dblock over the disks. */
struct paxos_own_scan {
	uint64_t host_id;
	uint64_t lver;
};

static void paxos_own_scan(void *arg, int disk, const uint8_t *area,
			   const struct ondisk_leader *lr)
{
	struct paxos_own_scan *o = arg;
	struct ondisk_dblock db;

	(void)disk;
	if (o->host_id < 1 || o->host_id > lr->num_hosts)
		return;
	ondisk_dblock_decode(area + (1 + o->host_id) * lr->sector_size, &db);
	if (db.lver > o->lver)
		o->lver = db.lver;
}

static int paxos_acquire_loop(const struct lease_env *env,
			      const struct paxos_host_ops *ops,
			      struct paxos_lease *pl, struct paxos_acq *ac)
{
	uint32_t restart;
	int full = 0;       /* one disk: use the lease read of §5.2 from now
			     * on (a guessed ballot asked for it) */

	for (restart = 0; restart < PAXOS_ACQUIRE_RESTARTS_MAX; restart++) {
		struct ondisk_leader cur;
		uint64_t max_mbal = 0;
		struct paxos_own_scan own;
		int reuse, guessed = 0, rv;

		ac->retract = 0;
		own.host_id = pl->host_id;
		own.lver = 0;
		if (pl->num_disks == 1 && !pl->full_read_first && !full) {
			struct ondisk_dblock db;

			/* Leader-only read and a guessed first ballot (see
			 * the header).  Its errors are the lease read's.
			 * Plus our own dblock sector, for F11; a bad one
			 * sends us to the lease read (-214). */
			rv = paxos_read_leader(env, pl, pl->host_id, 1, &cur);
			if (rv < 0)
				return rv;
			rv = paxos_read_host_sector(env, pl, pl->host_id, &db,
						    NULL);
			if (rv < 0)
				return rv;
			if (ondisk_dblock_verify(&db) < 0) {
				full = 1;
				continue;
			}
			own.lver = db.lver;
			guessed = 1;
		} else {
			rv = paxos_read_lease(env, pl, pl->host_id, &cur,
					      &max_mbal, paxos_own_scan,
					      &own);                    /* §5.2 */
			if (rv < 0)
				return rv;
		}
		if (own.lver > cur.lver + 1) {
			/* F11 (see the header): our own dblock is of a
			 * newer version than the leader can explain; a
			 * ballot would erase the only trace of it.  Wait
			 * and read again. */
			ac->stale_leader++;
			if (paxos_random_delay(env))
				return PAXOS_ABORTED;
			continue;
		}
		assert(cur.max_hosts != 0 && cur.num_hosts >= pl->host_id);
		ac->leader = cur;
		ac->have_leader = 1;
		ac->num_hosts = cur.num_hosts;

		if (ac->acquire_lver && cur.lver != ac->acquire_lver)   /* §5.3 */
			return SANLK_ACQUIRE_LVER;
		if (ac->new_num_hosts > cur.max_hosts ||
		    ac->new_num_hosts > pl->sizes.max_hosts)
			return -EINVAL;
		if (cur.timestamp == 0) {
			reuse = 1;
		} else if (cur.owner_id == pl->host_id &&
			   cur.owner_generation <= pl->generation) {
			reuse = 1;
		} else {
			rv = paxos_owner_wait(env, ops, pl, &cur, ac->flags);
			if (rv == PAXOS_RESTART)
				continue;
			if (rv < 0)
				return rv;
			assert(rv == PAXOS_GO_BALLOT);
			reuse = 0;
		}

		rv = paxos_ballot_loop(env, pl, ac, &cur, max_mbal, reuse,
				       guessed);
		if (rv == PAXOS_FULL_READ) {
			full = 1;
			continue;
		}
		if (rv == PAXOS_RESTART)
			continue;
		return rv;
	}
	ac->retract = 0;
	return PAXOS_TOO_BUSY;
}

int paxos_acquire_core(const struct lease_env *env, const struct paxos_host_ops *ops,
		       struct paxos_lease *pl, struct paxos_acq *ac)
{
	int rv;

	paxos_lease_check(pl);
	assert(pl->host_id >= 1);
	ac->retract = 0;
	ac->retract_lver = 0;
	ac->named_lver = 0;
	ac->tried_commit = 0;
	ac->have_leader = 0;
	ac->wrote_dblock = 0;
	ac->stale_leader = 0;
	memset(&ac->holders, 0, sizeof(ac->holders));

	rv = paxos_acquire_loop(env, ops, pl, ac);
	/* Someone else's commit named us (§5.6 step 2) and the ballot we
	 * ran instead failed before anything else was owed: while the
	 * leader still names us, let others in (§5.4 e) with a RELEASED
	 * dblock of that version. */
	if (rv < 0 && !ac->retract && ac->named_lver && ac->have_leader &&
	    ac->leader.lver == ac->named_lver &&
	    ac->leader.owner_id == pl->host_id &&
	    ac->leader.owner_generation == pl->generation) {
		ac->retract = PAXOS_RETRACT_ZERO;
		ac->retract_lver = ac->named_lver;
	}
	return rv;
}
