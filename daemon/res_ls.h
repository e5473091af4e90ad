/*
 * res_ls.h - what the resource manager and the lockspace manager need
 * from each other (algorithms.md §4.4, §5.4, §8.1-§8.3, §10.1-§10.3,
 * §11.2-§11.3).
 *
 * Resource side -> lockspace module (res_ls.c implements them over the
 * public daemon/lockspace.h, plus ls_internal.h for the lockspace disk
 * location and the notification bitmap):
 *   res_ls_host_ops    struct paxos_host_ops over the host table
 *   res_ls_notify      ask host_id to look at our requests (§8.1 step 7)
 *   the USED / USED_BY_ORPHANS flags of SET_CONFIG (§11.2)
 *
 * Lockspace module / recovery -> resource side (call these from
 * ls_recovery.c and the host-status update; see the report of the
 * resource issue):
 *   res_ls_users        ls_users(): resources of the lockspace (rem UNUSED)
 *   res_ls_set_dead     §10.1 step 2: leases of a failed / removed
 *                       lockspace are released without disk I/O (§7.5)
 *   res_ls_holders      the registered clients to kill (§10.2)
 *   res_ls_done         §10.3 completion test (holders gone, USED rules)
 *   res_ls_gone         the lockspace is freed: drop its orphans (§11.1)
 *   res_examine_lockspace  §4.1 step 8: requests seen in a bitmap
 *
 * Threads: any.  Locks: these take res_mod.mutex (and res_ls's own leaf
 * mutex) only, never ls_mod.mutex, so the lockspace module may call them
 * with its own mutex held.
 */
#ifndef DAEMON_RES_LS_H
#define DAEMON_RES_LS_H

#include <stdint.h>

#include "lease/paxos.h"

struct disk_handle;

/* ---- host ops for lease/paxos (one per operation, on its thread) ---- */

struct res_ls_ops {
	struct paxos_host_ops ops;      /* ops.ctx == this */
	char     space_name[49];
	uint64_t our_host_id;
	uint32_t sector_size;           /* of the lockspace */
	uint32_t io_timeout;            /* ours */
	struct disk_handle *disk;       /* lockspace disk, opened lazily */
	uint64_t ls_offset;             /* lockspace area on that disk */
};
void res_ls_ops_init(struct res_ls_ops *o, const char *space_name,
		     uint64_t our_host_id, uint32_t sector_size,
		     uint32_t io_timeout);
void res_ls_ops_close(struct res_ls_ops *o);

/* §8.1 step 7: set_bit_time[host_id] = now in lockspace space_name, so our
 * renewals carry host_id's bit for set_bitmap_seconds.  0, -ENOENT.
 * (The bit reaches disk once the renewal thread builds the bitmap from
 * set_bit_time: lockspace module, events/requests issue.) */
int  res_ls_notify(const char *space_name, uint64_t host_id);

/* ---- SET_CONFIG flags (§11.2) ---- */

/* cmd = SANLK_CONFIG_*.  0, -ENOENT (not joined), -ENOSPC (dead, for
 * USED / USED_BY_ORPHANS), -EINVAL (other cmd). */
int  res_ls_set_config(const char *space_name, uint32_t cmd);
/* Current flags of the joined lockspace (0 when never set). */
void res_ls_used_flags(const char *space_name, uint32_t space_id,
		       int *used, int *used_by_orphans);

/* ---- for the lockspace module and recovery ---- */

/* Local resources of the lockspace in any state (held, being acquired,
 * being released, orphan).  rem_lockspace with SANLK_REM_UNUSED fails
 * with -EBUSY while this is > 0 (§11.3 step 1). */
int  res_ls_users(const char *space_name);

/* Mark every lease of the lockspace dead: its release does no disk I/O
 * (§7.5), new acquires are already refused by ls_info().space_dead. */
void res_ls_set_dead(const char *space_name);

/* A registered client holding at least one lease in the lockspace. */
struct res_holder {
	int      ci;
	uint64_t gen;
	int      pid;
};
/* Fill at most max holders; returns the total number. */
int  res_ls_holders(const char *space_name, struct res_holder *out, int max);

/* §10.3 steps 1-2: 1 when no registered client holds a lease in it, the
 * USED flag is clear and (USED_BY_ORPHANS clear or no orphan left). */
int  res_ls_done(const char *space_name, uint32_t space_id);

/* The lockspace is gone: forget its orphans and queued releases without
 * disk I/O (§11.1) and its SET_CONFIG flags. */
void res_ls_gone(const char *space_name);

/* §4.1 step 8 / EXAMINE_LOCKSPACE: mark every lease held in the
 * lockspace for examination (§8.3).  Returns how many were marked. */
int  res_examine_lockspace(const char *space_name);

#endif /* DAEMON_RES_LS_H */
