/*
 * direct_acquire.c - `sanlock direct acquire -r RESOURCE -i HOST_ID
 * -g GENERATION [-n N]` (spec/cli.md §1.9): the paxos acquire of
 * algorithms.md §5 run by this process as (host_id, generation) with
 * lease/paxos over the resource's disks.  Prints `acquire done <rv>`; on
 * success the lease stays owned on disk after the process exits, exactly
 * as 3.8.5 leaves it.
 *
 * What 3.8.5 does, observed as a black box, and what we do:
 * - Only the plain exclusive acquire exists: a `:lver` or `:SH` suffix and
 *   -n are ignored (num_hosts is never changed).  Same here.
 * - Sizes: -Z/-A when both are given, else from the record at disk 0's
 *   offset; no record there: -1.  A lease extending past the end of its
 *   storage: -EMSGSIZE (-90).  Same here.  -Z/-A that differ from the
 *   lease's own sizes make 3.8.5 read the dblocks at wrong places: mostly
 *   -214, by chance 0 (4096/8M given for a 512/1M lease).  We refuse every
 *   such mismatch with -214, before any write.
 * - There is no lockspace, hence no judge of another host's liveness: a
 *   lease held by another host (or by a newer generation of ours) fails at
 *   once with -241 (SANLK_ACQUIRE_LOCKSPACE), nothing written.  Free, ours
 *   (same host_id and generation: a new version is taken) or left by an
 *   older generation of ours: acquired.  Same here: the host ops below
 *   report "lockspace not joined".
 * - Deviations, all on the refusing side: host_id 0 or generation 0
 *   (including a missing -i / -g) is refused with -22 (3.8.5 acquires as
 *   host 0, writing its dblock over the request record); shared holders
 *   on the lease make the acquire fail with -11 after the ballot (3.8.5
 *   takes the lease exclusively beside them, observed); every disk must
 *   open; no -r gives -22 (3.8.5 crashes).
 *
 * Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/direct_paxos.h"
#include "common/log.h"

/* Host ops of a process that joined no lockspace.  The owner-liveness
 * procedure stops at its first step (§5.4 step 1: lockspace not joined,
 * -241, as 3.8.5 direct acquire answers), and a shared holder is taken as
 * alive (§6.3: nothing can prove it dead), so its lease is never taken. */
static int direct_host_info(void *ctx, uint64_t host_id,
			    struct paxos_host_info *out)
{
	(void)ctx;
	(void)host_id;
	memset(out, 0, sizeof(*out));
	return SANLK_ACQUIRE_LOCKSPACE;
}

static int direct_read_delta(void *ctx, uint64_t host_id,
			     struct ondisk_leader *out)
{
	(void)ctx;
	(void)host_id;
	memset(out, 0, sizeof(*out));
	return SANLK_ACQUIRE_LOCKSPACE;
}

static int direct_host_live(void *ctx, uint64_t host_id, uint64_t generation)
{
	(void)ctx;
	(void)host_id;
	(void)generation;
	return 1;
}

static const struct paxos_host_ops direct_host_ops = {
	.ctx = NULL,
	.host_info = direct_host_info,
	.read_delta = direct_read_delta,
	.host_live = direct_host_live,
};

static void direct_acquire_reason(int rv, const struct ondisk_leader *lr)
{
	if (rv == SANLK_ACQUIRE_LOCKSPACE && lr->timestamp != 0)
		log_reason("the lease is held by host_id %llu generation %llu; "
			   "without a lockspace (direct mode) its owner cannot "
			   "be proven dead",
			   (unsigned long long)lr->owner_id,
			   (unsigned long long)lr->owner_generation);
	else if (rv == -EAGAIN)
		log_reason("hosts hold the lease shared; without a lockspace "
			   "(direct mode) they cannot be proven dead");
}

/* host_id above any lease's num_hosts: 3.8.5 reads the leader and fails
 * its host_id check with -228; paxos_lease_setup refuses such a host_id,
 * so read the leader as a reader (host_id 0) and give the same result. */
static int direct_acquire_big_id(const struct cli_args *a,
				 struct direct_paxos *dp,
				 const struct ondisk_sizes *sz)
{
	struct paxos_lease pl;
	struct ondisk_leader lr;
	int rv;

	rv = direct_paxos_setup(a, dp, sz, 0, 0, &pl);
	if (rv == 0)
		rv = paxos_leader_read(&dp->ed.env, &pl, &lr);
	if (rv == 0) {
		log_reason("host_id %llu is over the lease's num_hosts %llu",
			   (unsigned long long)a->host_id,
			   (unsigned long long)lr.num_hosts);
		rv = SANLK_LEADER_NUMHOSTS;
	}
	return rv;
}

static int direct_acquire_run(const struct cli_args *a, struct direct_paxos *dp)
{
	const struct ondisk_sizes *sz;
	struct paxos_lease pl;
	struct ondisk_leader lr;
	int rv;

	rv = direct_paxos_open(a, dp);
	if (rv < 0)
		return rv;
	if (a->host_id == 0 || a->host_generation == 0) {
		log_reason("acquire needs a host_id (-i) and a generation (-g), "
			   "both 1 or more");
		return -EINVAL;
	}
	if (dp->have_arg)
		sz = &dp->arg_sizes;
	else if (dp->have_rec)
		sz = &dp->rec_sizes;
	else {
		log_reason("no lease at offset %llu of %.1023s (give -Z and -A "
			   "for an area without a record)",
			   (unsigned long long)dp->res->disks[0].offset,
			   dp->res->disks[0].path);
		return -1;	/* 3.8.5's result */
	}
	/* the lease read takes a whole area (§5.2) */
	rv = direct_paxos_check_len(dp, sz->align_size);
	if (rv == 0 && dp->have_rec)
		rv = direct_paxos_check_len(dp, dp->rec_sizes.align_size);
	if (rv < 0)
		return rv;
	if (dp->have_arg && dp->have_rec &&
	    (dp->arg_sizes.sector_size != dp->rec_sizes.sector_size ||
	     dp->arg_sizes.align_size != dp->rec_sizes.align_size)) {
		log_reason("-Z/-A %u/%u do not match the lease's sizes %u/%u",
			   dp->arg_sizes.sector_size, dp->arg_sizes.align_size,
			   dp->rec_sizes.sector_size, dp->rec_sizes.align_size);
		return SANLK_DBLOCK_CHECKSUM;	/* what 3.8.5 mostly gives */
	}
	if (a->host_id > PAXOS_MAX_HOST_ID)
		return direct_acquire_big_id(a, dp, sz);

	rv = direct_paxos_setup(a, dp, sz, a->host_id, a->host_generation, &pl);
	if (rv < 0)
		return rv;
	rv = paxos_lease_acquire(&dp->ed.env, &direct_host_ops, &pl, NULL, &lr);
	/* A leader held by host_id 0 (3.8.5's direct acquire without -i) or
	 * by an id no lockspace has: lease/paxos refuses to judge such an
	 * owner (-EINVAL, before any write); 3.8.5 answers as for any other
	 * owner, not having a lockspace. */
	if (rv == -EINVAL && lr.timestamp != 0 &&
	    (lr.owner_id == 0 || lr.owner_id > PAXOS_MAX_HOST_ID))
		rv = SANLK_ACQUIRE_LOCKSPACE;
	if (rv < 0) {
		direct_acquire_reason(rv, &lr);
		/* A retract owed by a failed ballot that could not be written
		 * at once (§5.9): one more try, there is no background
		 * thread to hand it to. */
		if (paxos_release_pending(&pl))
			(void)paxos_lease_release(&dp->ed.env, &pl, NULL);
	}
	return rv;
}

int direct_action_acquire(struct cli_args *a)
{
	struct direct_paxos dp;
	int rv;

	direct_paxos_syslog("acquire");
	rv = direct_acquire_run(a, &dp);
	direct_paxos_close(&dp);
	return cli_done("acquire", rv);
}
