/*
 * direct_release.c - `sanlock direct release -r RESOURCE` (spec/cli.md
 * §1.9) exactly as 3.8.5 does it, observed as a black box: only the
 * leader update of algorithms.md §7.2, run as host_id 0 generation 0
 * (-i and -g are ignored), with `last` = the leader just read:
 *
 *   leader read and verified (leader-only read, majority rule)  -> error
 *   write_id != 0 (another host wrote it, §7.2 step 3)       -> 0, no write
 *   timestamp 0 (free)                                       -> -251
 *   owner_id != 0 or owner_generation != 0                   -> -251
 *   else: the leader rewritten free (timestamp 0, write_id 0,
 *         write_generation 0, write_timestamp now, SHORT_HOLD cleared)
 *
 * So it frees only a lease taken by a 3.8.5 `direct acquire` without -i
 * and -g (owner 0), and answers 0 without touching a lease that any real
 * host acquired: that lease stays owned on disk until its owner's
 * lockspace lets others take it.  No dblock is written (3.8.5 writes
 * none).  Sizes: the record's at disk 0's offset, else -Z/-A, else
 * 512/1M.
 *
 * Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/direct_paxos.h"
#include "cli/direct_util.h"
#include "common/log.h"

/* The new leader on every disk; a majority must take it (§7.2 step 8):
 * -202 if any write timed out, else the last error, else -221. */
static int direct_release_write(struct direct_paxos *dp,
				const struct paxos_lease *pl,
				struct ondisk_leader *nl)
{
	struct lease_env *env = &dp->ed.env;
	uint32_t ss = pl->sizes.sector_size;
	int d, ok = 0, timeouts = 0, last_err = 0;
	uint8_t *sector;

	sector = env->buf_alloc(env->ctx, ss);
	if (!sector)
		return -ENOMEM;
	memset(sector, 0, ss);
	ondisk_leader_seal(nl, sector);
	for (d = 0; d < pl->num_disks; d++) {
		int rv = env->write(env->ctx, d, pl->offsets[d], sector, ss,
				    (int)pl->io_timeout);

		if (rv == 0)
			ok++;
		else if (rv == SANLK_AIO_TIMEOUT)
			timeouts++;
		if (rv < 0)
			last_err = rv;
	}
	env->buf_free(env->ctx, sector);
	if (ok >= pl->num_disks / 2 + 1)
		return 0;
	log_reason("the leader could not be written to a majority of the disks");
	if (timeouts)
		return SANLK_AIO_TIMEOUT;
	return last_err ? last_err : SANLK_LEADER_WRITE;
}

static int direct_release_run(const struct cli_args *a, struct direct_paxos *dp)
{
	struct ondisk_sizes def, *sz;
	struct paxos_lease pl;
	struct ondisk_leader lr, nl;
	int rv;

	rv = direct_paxos_open(a, dp);
	if (rv < 0)
		return rv;
	if (dp->have_rec)
		sz = &dp->rec_sizes;
	else if (dp->have_arg)
		sz = &dp->arg_sizes;
	else {
		rv = ondisk_sizes_from_pair(512, ONDISK_ALIGN_1M, &def);
		if (rv < 0)
			return rv;
		sz = &def;
	}
	rv = direct_paxos_setup(a, dp, sz, 0, 0, &pl);
	if (rv < 0)
		return rv;
	rv = paxos_leader_read(&dp->ed.env, &pl, &lr);              /* 1 */
	if (rv < 0)
		return rv;
	if (lr.write_id != 0)                                        /* 3 */
		return 0;
	if (lr.timestamp == LEASE_FREE) {                            /* 5 */
		log_reason("the lease is not held");
		return SANLK_RELEASE_OWNER;
	}
	if (lr.owner_id != 0 || lr.owner_generation != 0) {          /* 6 */
		log_reason("the lease is held by host_id %llu generation "
			   "%llu; direct release acts as host_id 0 (as 3.8.5)",
			   (unsigned long long)lr.owner_id,
			   (unsigned long long)lr.owner_generation);
		return SANLK_RELEASE_OWNER;
	}
	nl = lr;                                                     /* 8 */
	nl.timestamp = LEASE_FREE;
	nl.write_id = 0;
	nl.write_generation = 0;
	nl.write_timestamp = dp->ed.env.now(dp->ed.env.ctx);
	nl.flags &= ~LFL_SHORT_HOLD;
	return direct_release_write(dp, &pl, &nl);
}

int direct_action_release(struct cli_args *a)
{
	struct direct_paxos dp;
	int rv;

	direct_paxos_syslog("release");
	rv = direct_release_run(a, &dp);
	direct_paxos_close(&dp);
	return cli_done("release", rv);
}
