/*
 * paxos_shared.c - exclusive ownership next to shared holders
 * (algorithms.md §6.3 step 2): for every host whose mode block said
 * SHARED in our phase-1 read, re-read its mode block, count it if it is
 * alive (host_live, §4.4), and zero its whole dblock sector on every disk
 * if it is dead - the only write this module ever makes to another host's
 * sector (§1A.1, §14 item 5).
 *
 * No state; the caller's thread owns the struct paxos_lease.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* Zero host_id's whole sector on every disk, in disk order, stopping at
 * the first failure. */
static int paxos_zero_sector(const struct lease_env *env,
			     const struct paxos_lease *pl, uint64_t host_id)
{
	struct paxos_wres wr;
	uint8_t *zero;

	assert(host_id != pl->host_id);
	zero = env->buf_alloc(env->ctx, pl->sizes.sector_size);
	if (!zero)
		return -ENOMEM;
	memset(zero, 0, pl->sizes.sector_size);
	paxos_write_all(env, pl, paxos_dblock_rel(pl, host_id), zero, 1, &wr);
	env->buf_free(env->ctx, zero);
	return wr.last_err;
}

int paxos_shared_check(const struct lease_env *env, const struct paxos_host_ops *ops,
		       const struct paxos_lease *pl, const struct paxos_holders *h,
		       uint64_t num_hosts)
{
	uint64_t host;
	int live = 0;

	paxos_lease_check(pl);
	assert(num_hosts <= pl->sizes.max_hosts);
	for (host = 1; host <= num_hosts; host++) {
		struct ondisk_mblock mb;
		int rv;

		if (host == pl->host_id || !ondisk_bitmap_test(h->bits, host))
			continue;
		rv = paxos_read_host_sector(env, pl, host, NULL, &mb);   /* a */
		if (rv < 0)
			return rv;
		if (!(mb.flags & MBLOCK_SHARED) || mb.generation == 0)    /* b */
			continue;
		if (ops->host_live(ops->ctx, host, mb.generation)) {      /* c */
			live++;
			continue;
		}
		rv = paxos_zero_sector(env, pl, host);                    /* d */
		if (rv < 0)
			return rv;
	}
	return live;
}
