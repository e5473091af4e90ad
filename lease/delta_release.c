/*
 * delta_release.c - leaving the lockspace, algorithms.md §3.5 (ondisk.md
 * §4.3 "Release"): rewrite our last record with timestamp 0, everything
 * else kept, bitmap zero, no read-back.  Written only when the latest
 * acquire/renewal succeeded: otherwise the slot may already be someone
 * else's and nothing is written.
 *
 * Runs in the thread that owns the struct delta_lease (renewal thread on
 * stop, or `direct release_id`); no other state.
 */
#include <assert.h>
#include <errno.h>

#include "lease/delta_internal.h"

int delta_lease_release(const struct lease_env *env, struct delta_lease *dl,
			const uint8_t *msg)
{
	struct ondisk_leader lr;
	int ok = dl->held && dl->prev_ok;

	dl->held = 0;
	dl->prev_ok = 0;
	if (!ok)
		return DELTA_RELEASE_SKIPPED;

	assert(dl->last.owner_id == dl->host_id);
	lr = dl->last;
	lr.timestamp = LEASE_FREE;
	return delta_write_own(env, dl, &lr, msg, NULL, (int)dl->io_timeout,
			       NULL);
}
