/*
 * paxos_request.c - the request record of a resource (algorithms.md §8,
 * ondisk.md §4.6, §9.3): writing a request (requester side, §8.1 steps
 * 2-6), reading and verifying it, and the owner's decision whether a
 * request applies to the version it holds (§8.3 step 3).  The request
 * record lives on disk 0 only.
 *
 * No state; the caller's thread owns the struct paxos_lease.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

static uint64_t paxos_request_rel(const struct paxos_lease *pl)
{
	return ondisk_request_offset(0, pl->sizes.sector_size);
}

int paxos_request_read(const struct lease_env *env, const struct paxos_lease *pl,
		       struct ondisk_request *out)
{
	uint8_t *buf;
	int rv;

	paxos_lease_check(pl);
	rv = paxos_read_area(env, pl, 0, paxos_request_rel(pl),
			     pl->sizes.sector_size, &buf);
	if (rv < 0)
		return rv;
	ondisk_request_decode(buf, out);
	env->buf_free(env->ctx, buf);
	return ondisk_request_verify(out);
}

int paxos_request_write(const struct lease_env *env, struct paxos_lease *pl,
			uint64_t lver, uint32_t force_mode, uint32_t flags,
			uint64_t *owner)
{
	int clear = lver == 0 && force_mode == 0;
	struct ondisk_request rr;
	uint64_t owner_id = 0;
	uint8_t *sector;
	int rv;

	paxos_lease_check(pl);
	if (owner)
		*owner = 0;
	if (flags & ~PAXOS_REQ_NEXT_LVER)
		return -EINVAL;
	if (!clear) {                                                  /* 3 */
		struct ondisk_leader lr;

		rv = paxos_read_leader(env, pl, 0, 1, &lr);
		if (rv < 0)
			return rv;
		if (lr.timestamp == LEASE_FREE)
			return 0;   /* free: nothing to ask, nothing written */
		owner_id = lr.owner_id;
		if (lver == 0 && (flags & PAXOS_REQ_NEXT_LVER))
			lver = lr.lver + 1;
		if (lr.lver >= lver)
			return SANLK_REQUEST_OLD;
	}
	rv = paxos_request_read(env, pl, &rr);                         /* 4 */
	if (rv < 0)
		return rv;
	if (!clear && rr.lver > lver)                                  /* 5 */
		return SANLK_REQUEST_LVER;

	rr.version = REQ_DISK_VERSION;                                 /* 6 */
	rr.lver = lver;
	rr.force_mode = force_mode;
	sector = env->buf_alloc(env->ctx, pl->sizes.sector_size);
	if (!sector)
		return -ENOMEM;
	memset(sector, 0, pl->sizes.sector_size);
	ondisk_request_encode(&rr, sector);
	rv = env->write(env->ctx, 0, pl->offsets[0] + paxos_request_rel(pl),
			sector, pl->sizes.sector_size, (int)pl->io_timeout);
	env->buf_free(env->ctx, sector);
	if (rv > 0)
		rv = -EIO;
	if (rv < 0)
		return rv;
	if (owner && !clear)                                           /* 7 */
		*owner = owner_id;
	return 0;
}

uint32_t paxos_request_action(const struct ondisk_request *req,
			      uint64_t held_lver)
{
	if (req->force_mode == 0 || req->lver == 0 || req->lver <= held_lver)
		return 0;
	if (req->force_mode != 1 && req->force_mode != 2)
		return 0;   /* SANLK_REQ_FORCE / SANLK_REQ_GRACEFUL only */
	return req->force_mode;
}
