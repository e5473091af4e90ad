/*
 * ondisk_verify.c - reader-side validation of decoded records
 * (spec/ondisk.md section 9 and 7.6, dblock rule of 4.7).  Each function
 * runs its checks in the documented order and returns the first failure's
 * SANLK_* code, or 0.
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"

/* 9.1: magic, major version, space name, checksum. */
int ondisk_delta_verify(const struct ondisk_leader *lr, const char *space_name)
{
	assert(lr);
	if (lr->magic != DELTA_DISK_MAGIC)
		return SANLK_LEADER_MAGIC;
	if ((lr->version & ONDISK_VERSION_MAJOR_MASK) != DELTA_DISK_VERSION_MAJOR)
		return SANLK_LEADER_VERSION;
	if (space_name && !ondisk_name_eq(lr->space_name, space_name))
		return SANLK_LEADER_LOCKSPACE;
	if (lr->checksum != ondisk_leader_checksum(lr))
		return SANLK_LEADER_CHECKSUM;
	return 0;
}

/* 9.2: cleared, magic, major version, space name, resource name,
 * num_hosts >= host_id, checksum.  num_hosts comes before the checksum. */
int ondisk_paxos_verify(const struct ondisk_leader *lr, const char *space_name,
			const char *res_name, uint64_t host_id)
{
	assert(lr);
	if (lr->magic == PAXOS_DISK_CLEAR)
		return SANLK_LEADER_MAGIC;
	if (lr->magic != PAXOS_DISK_MAGIC)
		return SANLK_LEADER_MAGIC;
	if ((lr->version & ONDISK_VERSION_MAJOR_MASK) != PAXOS_DISK_VERSION_MAJOR)
		return SANLK_LEADER_VERSION;
	if (space_name && !ondisk_name_eq(lr->space_name, space_name))
		return SANLK_LEADER_LOCKSPACE;
	if (res_name && !ondisk_name_eq(lr->resource_name, res_name))
		return SANLK_LEADER_RESOURCE;
	if (lr->num_hosts < host_id)
		return SANLK_LEADER_NUMHOSTS;
	if (lr->checksum != ondisk_leader_checksum(lr))
		return SANLK_LEADER_CHECKSUM;
	return 0;
}

/* 4.7: a never-written dblock (checksum, mbal, bal, inp, lver all zero;
 * inp2, inp3 and flags not considered) is accepted without a checksum. */
int ondisk_dblock_never_written(const struct ondisk_dblock *db)
{
	assert(db);
	return db->checksum == 0 && db->mbal == 0 && db->bal == 0 &&
	       db->inp == 0 && db->lver == 0;
}

int ondisk_dblock_verify(const struct ondisk_dblock *db)
{
	assert(db);
	if (ondisk_dblock_never_written(db))
		return 0;
	if (db->checksum != ondisk_dblock_checksum(db))
		return SANLK_DBLOCK_CHECKSUM;
	return 0;
}

/* 9.3: magic then major version. */
int ondisk_request_verify(const struct ondisk_request *rr)
{
	assert(rr);
	if (rr->magic != REQ_DISK_MAGIC)
		return SANLK_REQUEST_MAGIC;
	if ((rr->version & ONDISK_VERSION_MAJOR_MASK) != REQ_DISK_VERSION_MAJOR)
		return SANLK_REQUEST_VERSION;
	return 0;
}

/*
 * 7.6: magic, major version, lockspace name, rx_offset.  The name check is
 * an exact C-string comparison, not limited to 48 bytes.  A stored name
 * that fills all 48 bytes has no terminator inside the field; 3.8.5 then
 * compares past the field and (observed, repeatably) fails with
 * SANLK_RINDEX_LOCKSPACE for a 48-character name.  We make that
 * deterministic: a field without NUL never matches.
 */
int ondisk_rindex_header_verify(const struct ondisk_rindex_header *rh,
				const char *ls_name, uint64_t rx_offset)
{
	size_t len;

	assert(rh && ls_name);
	if (rh->magic != RINDEX_DISK_MAGIC)
		return SANLK_RINDEX_MAGIC;
	if ((rh->version & ONDISK_VERSION_MAJOR_MASK) != RINDEX_DISK_VERSION_MAJOR)
		return SANLK_RINDEX_VERSION;
	len = strnlen(rh->lockspace_name, ONDISK_NAME_LEN);
	if (len == ONDISK_NAME_LEN || strlen(ls_name) != len ||
	    memcmp(rh->lockspace_name, ls_name, len) != 0)
		return SANLK_RINDEX_LOCKSPACE;
	if (rh->rx_offset != rx_offset)
		return SANLK_RINDEX_OFFSET;
	return 0;
}
