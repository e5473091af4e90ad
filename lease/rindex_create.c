/*
 * rindex_create.c - create and delete of an indexed resource (see
 * rindex.h; spec/ondisk.md §7.5, api.md §4.5).  The sequence of both, as
 * 3.8.5 does it: read and verify the header, acquire the internal lease,
 * read the index area (only now is it stable), change the resource and
 * the entry, release the lease.
 *
 * Stateless; the index copy and the paxos lease live on the caller's
 * thread for one call.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/lease_init.h"
#include "lease/rindex.h"

/* Under the lease: slot for a new resource `name`. */
static int rindex_create_slot(const struct rindex *rx, const char *name,
			      uint32_t *i)
{
	uint32_t dup;

	/* Deviation from 3.8.5 (which indexes a second resource with the
	 * same name, that lookups and deletes by name then cannot reach). */
	if (rindex_find_name(rx, name, &dup) == 0)
		return -EEXIST;
	return rindex_find_free(rx, i);
}

int rindex_create(struct lease_env *env, const struct rindex_params *p,
		  const struct rindex_lease *lease, const char *name,
		  uint64_t num_hosts, int write_timeout, uint64_t *offset)
{
	struct ondisk_rindex_entry e;
	struct paxos_lease pl;
	struct rindex rx;
	uint64_t res_offset;
	uint32_t i;
	int rv, rel;

	assert(env && p && lease && name && offset);
	*offset = 0;
	rv = rindex_read_header(env, p, &rx);
	if (rv < 0)
		goto out;
	/* Deviation from 3.8.5 (which creates a lease with no name). */
	if (!name[0]) {
		rv = -EINVAL;
		goto out;
	}

	rv = rindex_lease_acquire(env, &rx, lease, &pl);
	if (rv < 0)
		goto out;

	rv = rindex_read_area(env, &rx);
	if (rv == 0)
		rv = rindex_create_slot(&rx, name, &i);
	if (rv == 0) {
		res_offset = rindex_slot_offset(&rx, i);
		rv = lease_init_resource(env, 1, &res_offset, &rx.sizes,
					 rx.hdr.lockspace_name, name, num_hosts,
					 0, 0, write_timeout);
	}
	if (rv == 0) {
		memset(&e, 0, sizeof(e));
		e.res_offset = res_offset;
		ondisk_name_set(e.name, name);
		rv = rindex_entry_write(env, &rx, i, &e);
	}
	if (rv == 0)
		*offset = res_offset;

	rel = rindex_lease_release(env, &pl);
	(void)rel;	/* the result is the create's; see rindex_lease.c */
out:
	rindex_close(env, &rx);
	return rv;
}

/* Under the lease: the slot of the entry to delete. */
static int rindex_delete_slot(const struct rindex *rx, const char *name,
			      uint64_t offset, uint32_t *i)
{
	struct ondisk_rindex_entry e;
	int rv;

	if (!offset)
		return rindex_find_name(rx, name, i);
	/* Deviation from 3.8.5 (which ignores the offset and deletes the
	 * first entry with the name): the entry at the offset, which must
	 * carry the name, as lookup name:offset checks it. */
	rv = rindex_slot_of(rx, offset, i);
	if (rv < 0)
		return rv;
	rindex_entry_get(rx, *i, &e);
	return ondisk_name_eq(e.name, name) ? 0 : SANLK_RINDEX_DIFF;
}

int rindex_delete(struct lease_env *env, const struct rindex_params *p,
		  const struct rindex_lease *lease, const char *name,
		  uint64_t offset, int write_timeout)
{
	struct ondisk_rindex_entry zero;
	struct paxos_lease pl;
	struct rindex rx;
	uint64_t res_offset;
	uint32_t i;
	int rv;

	assert(env && p && lease && name);
	rv = rindex_read_header(env, p, &rx);
	if (rv < 0)
		goto out;
	/* Checked before the lease, as 3.8.5: a misaligned offset (-277). */
	if (offset && offset % rx.sizes.align_size) {
		rv = SANLK_RINDEX_OFFSET;
		goto out;
	}
	if (!name[0]) {
		rv = -ENOENT;
		goto out;
	}

	rv = rindex_lease_acquire(env, &rx, lease, &pl);
	if (rv < 0)
		goto out;

	rv = rindex_read_area(env, &rx);
	if (rv == 0)
		rv = rindex_delete_slot(&rx, name, offset, &i);
	if (rv == 0) {
		/* Entry first: a crash before the clear leaves an unindexed
		 * (still valid) lease, never an entry for a cleared one. */
		res_offset = rindex_slot_offset(&rx, i);
		memset(&zero, 0, sizeof(zero));
		rv = rindex_entry_write(env, &rx, i, &zero);
	}
	if (rv == 0)
		rv = lease_init_resource(env, 1, &res_offset, &rx.sizes,
					 rx.hdr.lockspace_name, name, 0, 1,
					 env->now(env->ctx), write_timeout);

	(void)rindex_lease_release(env, &pl);
out:
	rindex_close(env, &rx);
	return rv;
}
