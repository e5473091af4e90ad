/*
 * lib/strerror.c - sanlock_strerror(): the fixed text of each SANLK_* result
 * code (spec/api.md 2.4 and 4.9).  The strings are part of the ABI: the
 * Python binding puts them into its exceptions, so they match 3.8.5 exactly.
 *
 * Owns only constant data; thread-safe, no locks.
 */
#include <stddef.h>

#include "sanlock.h"
#include "sanlock_rv.h"
#include "lib/lib.h"

struct strerror_entry {
	int rv;
	const char *text;
};

/* Codes absent here (SANLK_OK, SANLK_NONE, ADDLS_*, ACQUIRE_LVER, RINDEX_*,
 * anything else) have no text of their own in 3.8.5. */
static const struct strerror_entry strerror_table[] = {
	{ SANLK_ERROR,               "General error" },
	{ SANLK_AIO_TIMEOUT,         "IO timeout" },
	{ SANLK_WD_ERROR,            "Watchdog device error" },
	{ SANLK_DBLOCK_READ,         "Lease read error in dblock" },
	{ SANLK_DBLOCK_WRITE,        "Lease write error in dblock" },
	{ SANLK_DBLOCK_LVER,         "Lease was acquired by another host in new ballot" },
	{ SANLK_DBLOCK_MBAL,         "Lease was acquired by another host in current ballot" },
	{ SANLK_DBLOCK_CHECKSUM,     "Lease checksum error in dblock" },
	{ SANLK_LEADER_READ,         "Lease read error in leader" },
	{ SANLK_LEADER_WRITE,        "Lease write error in leader" },
	{ SANLK_LEADER_DIFF,         "Lease read inconsistent" },
	{ SANLK_LEADER_MAGIC,        "Lease does not exist on storage" },
	{ SANLK_LEADER_VERSION,      "Lease format version on storage is not recognized" },
	{ SANLK_LEADER_SECTORSIZE,   "Lease sector size is inconsistent" },
	{ SANLK_LEADER_LOCKSPACE,    "Lease lockspace name is incorrect" },
	{ SANLK_LEADER_RESOURCE,     "Lease resource name is incorrect" },
	{ SANLK_LEADER_NUMHOSTS,     "Lease num_hosts is incorrect" },
	{ SANLK_LEADER_CHECKSUM,     "Lease checksum error in leader" },
	{ SANLK_ACQUIRE_LOCKSPACE,   "Lease lockspace is not found" },
	{ SANLK_ACQUIRE_IDDISK,      "Lease lockspace disk cannot be opened" },
	{ SANLK_ACQUIRE_IDLIVE,      "Lease is held by another host" },
	{ SANLK_ACQUIRE_OWNED,       "Lease was acquired by another host in other ballot" },
	{ SANLK_ACQUIRE_OTHER,       "Lease was acquired by another host in local commit" },
	{ SANLK_ACQUIRE_SHRETRY,     "Lease is held by another host for shared acquire" },
	{ SANLK_ACQUIRE_OWNED_RETRY, "Lease is owned by another host" },
	{ SANLK_RELEASE_LVER,        "Lease release version is incorrect" },
	{ SANLK_RELEASE_OWNER,       "Lease release owner is incorrect" },
	{ SANLK_RENEW_OWNER,         "Lease renew owner is incorrect" },
	{ SANLK_RENEW_DIFF,          "Lease renew data has changed" },
	{ SANLK_HOSTID_BUSY,         "Lease host ID is being used by another host" },
	{ SANLK_REQUEST_MAGIC,       "Lease request block has invalid data" },
	{ SANLK_REQUEST_VERSION,     "Lease request block has invalid version" },
	{ SANLK_REQUEST_OLD,         "Lease request has newer lease version" },
	{ SANLK_REQUEST_LVER,        "Lease request block has newer version" },
};

#define STRERROR_COUNT (sizeof(strerror_table) / sizeof(strerror_table[0]))

SANLK_EXPORT const char *sanlock_strerror(int rv)
{
	size_t i;

	for (i = 0; i < STRERROR_COUNT; i++) {
		if (strerror_table[i].rv == rv)
			return strerror_table[i].text;
	}
	return "Unknown error";
}
