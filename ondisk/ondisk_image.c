/*
 * ondisk_image.c - whole-area images written by init (spec/ondisk.md
 * section 8): the lockspace area (8.1, max_hosts identical delta leaders,
 * record 0 optionally with magic 0 for the first of the two writes) and
 * the resource area (8.2, paxos or cleared leader + request record).
 *
 * Pure and stateless (fills the caller's buffer); safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"

void ondisk_lockspace_image(void *buf, const struct ondisk_sizes *sz,
			    const char *ls_name, uint16_t io_timeout,
			    int first_magic)
{
	struct ondisk_leader lr;
	uint8_t *p = buf;
	uint32_t i;

	assert(buf && sz && ls_name);
	assert(sz->max_hosts <= ONDISK_DEFAULT_MAX_HOSTS);
	assert((uint64_t)sz->max_hosts * sz->sector_size <= sz->align_size);
	memset(buf, 0, sz->align_size);

	ondisk_delta_leader_init(&lr, sz, ls_name, io_timeout);
	/* bounded by max_hosts <= ONDISK_DEFAULT_MAX_HOSTS (table maximum) */
	for (i = 1; i < sz->max_hosts; i++)
		ondisk_leader_encode(&lr, p + (uint64_t)i * sz->sector_size);

	if (!first_magic)
		lr.magic = 0;
	ondisk_leader_seal(&lr, p);
}

void ondisk_resource_image(void *buf, const struct ondisk_sizes *sz,
			   const char *ls_name, const char *res_name,
			   uint64_t num_hosts, int clear, uint64_t clear_ts)
{
	struct ondisk_leader lr;
	struct ondisk_request rr;
	uint8_t *p = buf;

	assert(buf && sz && ls_name && res_name);
	assert(2 * (uint64_t)sz->sector_size <= sz->align_size);
	memset(buf, 0, sz->align_size);

	ondisk_paxos_leader_init(&lr, sz, ls_name, res_name, num_hosts);
	if (clear) {
		lr.magic = PAXOS_DISK_CLEAR;
		lr.write_timestamp = clear_ts;
	}
	ondisk_leader_seal(&lr, p);

	ondisk_request_init(&rr);
	ondisk_request_encode(&rr, p + sz->sector_size);
}
