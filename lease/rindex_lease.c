/*
 * rindex_lease.c - the internal paxos lease "rindex_lease" that guards an
 * index during create, delete and rebuild (see rindex.h; spec/ondisk.md
 * §7.4, algorithms.md §5): an ordinary resource lease one align size
 * after the index header, acquired exclusively without waiting for a live
 * owner, as the caller's (host_id, generation) in the index's lockspace.
 *
 * No state of its own: the struct paxos_lease lives on the stack of the
 * operation's thread for the duration of one operation.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/rindex.h"

int rindex_lease_acquire(struct lease_env *env, const struct rindex *rx,
			 const struct rindex_lease *lease, struct paxos_lease *pl)
{
	struct paxos_lease_params p;
	struct paxos_acquire_args args;
	int rv;

	assert(env && rx && lease && lease->ops && pl);
	memset(&p, 0, sizeof(p));
	p.space_name = rx->hdr.lockspace_name[0] ? rx->hdr.lockspace_name : "";
	p.res_name = ONDISK_RINDEX_LEASE_NAME;
	p.num_disks = 1;
	p.offsets[0] = ondisk_rindex_lease_offset(rx->rx_offset,
						  rx->sizes.align_size);
	p.sizes = rx->sizes;
	p.host_id = lease->host_id;
	p.generation = lease->generation;
	p.io_timeout = lease->io_timeout;
	p.fire_timeout = lease->fire_timeout;

	/* The header was verified against the caller's lockspace name, so
	 * its name field is NUL-terminated (ondisk_rindex_header_verify). */
	assert(memchr(rx->hdr.lockspace_name, 0, ONDISK_NAME_LEN));
	rv = paxos_lease_setup(pl, &p);
	if (rv < 0)
		return rv;

	memset(&args, 0, sizeof(args));
	args.flags = PAXOS_ACQ_OWNER_NOWAIT;
	rv = paxos_lease_acquire(env, lease->ops, pl, &args, NULL);
	if (rv < 0 && paxos_release_pending(pl))
		(void)rindex_lease_release(env, pl);
	return rv;
}

int rindex_lease_release(struct lease_env *env, struct paxos_lease *pl)
{
	int rv = 0, tries;

	assert(env && pl);
	for (tries = 0; tries < RINDEX_RELEASE_TRIES; tries++) {
		rv = paxos_lease_release(env, pl, NULL);
		if (rv != SANLK_AIO_TIMEOUT)
			return rv;
	}
	/* Still ours on disk; our next acquire as the same (host_id,
	 * generation) takes it over, and it is free once we are dead. */
	paxos_lease_drop(pl);
	return rv;
}
