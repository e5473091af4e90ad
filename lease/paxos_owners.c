/*
 * paxos_owners.c - who holds a resource (read_resource_owners, api.md
 * §4.4): a full lease read, then the exclusive owner (leader timestamp not
 * FREE) followed by every host whose mode block says SHARED, taken from
 * the first disk that read and verified.
 *
 * No state; the caller's thread owns the struct paxos_lease.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

struct paxos_owner_scan {
	const struct paxos_lease *pl;
	struct paxos_owner *out;
	uint32_t max;
	uint32_t n;                 /* shared holders found (may exceed max) */
	int      done;
};

static void paxos_owner_scan(void *arg, int disk, const uint8_t *area,
			     const struct ondisk_leader *lr)
{
	struct paxos_owner_scan *s = arg;
	uint32_t ss = s->pl->sizes.sector_size;
	uint64_t q;

	(void)disk;
	if (s->done)
		return;
	s->done = 1;
	assert(lr->num_hosts <= s->pl->sizes.max_hosts);
	for (q = 0; q < lr->num_hosts; q++) {
		struct ondisk_mblock mb;

		ondisk_mblock_decode(area + (2 + q) * ss + ONDISK_MBLOCK_OFFSET,
				     &mb);
		if (!(mb.flags & MBLOCK_SHARED))
			continue;
		if (s->out && s->n < s->max) {
			struct paxos_owner *o = &s->out[s->n];

			memset(o, 0, sizeof(*o));
			o->host_id = q + 1;
			o->generation = mb.generation;
			o->shared = 1;
		}
		s->n++;
	}
}

int paxos_read_owners(const struct lease_env *env, struct paxos_lease *pl,
		      struct ondisk_leader *leader, struct paxos_owner *out,
		      uint32_t max, uint32_t *count)
{
	struct paxos_owner_scan s;
	struct ondisk_leader lr;
	uint32_t total;
	int rv, ex;

	paxos_lease_check(pl);
	assert(max <= PAXOS_MAX_OWNERS);
	*count = 0;
	memset(&s, 0, sizeof(s));
	s.pl = pl;
	s.out = out;
	s.max = out ? max : 0;
	rv = paxos_read_lease(env, pl, 0, &lr, NULL, paxos_owner_scan, &s);
	if (rv < 0)
		return rv;
	if (leader)
		*leader = lr;
	ex = lr.timestamp != LEASE_FREE;
	total = s.n + (ex ? 1 : 0);
	*count = total;
	if (!out)
		return 0;
	if (total > max)
		return -ENOSPC;
	if (ex) {
		memmove(&out[1], &out[0], s.n * sizeof(out[0]));
		memset(&out[0], 0, sizeof(out[0]));
		out[0].host_id = lr.owner_id;
		out[0].generation = lr.owner_generation;
		out[0].timestamp = lr.timestamp;
	}
	return 0;
}
