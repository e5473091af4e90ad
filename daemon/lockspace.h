/*
 * lockspace.h - the lockspaces this daemon has joined (or is joining /
 * leaving): one renewal thread per lockspace running lease/delta, the host
 * table built from each renewal's read of the whole lockspace area, host
 * states (algorithms.md §4), renewal history, warn/fail timing.
 *
 * Called from the daemon's command threads (daemon/cmd_*.c) and main loop.
 * All state lives in daemon/lockspace*.c, hosts.c and ls_*.c, guarded by
 * the module's mutex (ls_mod.mutex) plus one mutex per lockspace for its
 * host table and history; callbacks of the *_foreach functions run with
 * those held: they must not call back in.  The module runs its own
 * threads (a renewal thread per lockspace, one monitor thread for the
 * every-second warn/fail check and the teardown); the daemon's main loop
 * does not need to call in.  Threads, locks and lifetimes:
 * daemon/ls_internal.h.
 *
 * Hooks for later issues, one file each: daemon/ls_recovery.c (lease
 * holders: killing on failure/removal, ls_users for REM_UNUSED),
 * daemon/ls_wd.c (wdmd), daemon/ls_msg.c (our message record).
 *
 * Results: 0 or a negative errno / SANLK_* code, as the wire replies of
 * spec/api.md §4.3 expect (e.g. -EEXIST for a second add, -ENOENT for rem
 * of an unknown lockspace, SANLK_HOSTID_BUSY, SANLK_LEADER_MAGIC ...).
 */
#ifndef DAEMON_LOCKSPACE_H
#define DAEMON_LOCKSPACE_H

#include <stdint.h>

#include "sanlock.h"

#define LS_MAX_LOCKSPACES 256   /* more adds fail with -E2BIG (logged) */
#define LS_DEFAULT_HISTORY 180  /* renewal_history_size default (-H) */

/* Daemon-wide settings the lockspace module needs; set once at start-up
 * before any ls_* call. */
struct ls_config {
	char     our_host_name[SANLK_NAME_LEN + 1];
	int      default_io_timeout;     /* 10 unless configured */
	int      watchdog_fire_timeout;  /* W, 60 unless configured */
	int      use_watchdog;
	int      renewal_history_size;   /* -H */
	int      set_bitmap_seconds;     /* -b; 0 = 6 * io_timeout */
	int      debug_renew;            /* -R */
	int      renewal_read_extend_sec;/* <= 0: io_timeout (3.8.5's "0 =
					  * 0.5 s" cannot be expressed) */
};
void ls_init(const struct ls_config *cfg);

/* add_lockspace: validates, joins (delta acquire) and starts renewals.
 * Blocks until joined or failed unless flags has SANLK_ADD_ASYNC.
 * io_timeout 0 = default; above 255 -> -EINVAL.  Any open failure of the
 * disk -> -ENODEV (as 3.8.5).  -E2BIG past LS_MAX_LOCKSPACES,
 * -ESHUTDOWN once ls_stop_all ran.  A join cancelled by rem/shutdown
 * returns SANLK_ERROR (-201) or, if it had completed, -1. */
int ls_add(const struct sanlk_lockspace *ls, uint32_t flags, uint32_t io_timeout);
/* rem_lockspace: SANLK_REM_ASYNC, SANLK_REM_UNUSED (-EBUSY while used).
 * Matches name, path, offset and host_id if non-zero.  -ENOENT unknown,
 * -EINPROGRESS already stopping; a join in progress is cancelled; without
 * ASYNC returns once the lockspace is gone (delta lease released if the
 * last renewal succeeded). */
int ls_rem(const struct sanlk_lockspace *ls, uint32_t flags);
/* inq_lockspace: 0 joined, -ENOENT not, -EINPROGRESS adding/removing
 * (SANLK_INQ_WAIT waits for the outcome).  As in 3.8.5 a lockspace whose
 * removal was requested is "joined" until it is actually stopping. */
int ls_inq(const struct sanlk_lockspace *ls, uint32_t flags);

/* get_lockspaces: joined (most recent first), then being removed, then
 * being added, with SANLK_LSF_ADD / SANLK_LSF_REM in flags.  Fills at most
 * max; *count is the total (caller returns -ENOSPC when > max). */
int ls_get_lockspaces(struct sanlk_lockspace *out, int max, int *count);
/* get_hosts: host_id 0 = every host with a non-zero timestamp. */
int ls_get_hosts(const char *name, uint64_t host_id, struct sanlk_host *out,
		 int max, int *count);
/* Number of lockspaces in any state (shutdown refuses while > 0). */
int ls_count(void);
/* Forced shutdown: stop renewals and release every delta lease. */
void ls_stop_all(void);

/* Status reporting for `client status` / host_status / renewal (cli.md §3).
 * list is "spaces", "add" or "rem"; text is the key=value string of the
 * record (without the NUL) in the order cli.md §3.1 gives. */
typedef void (*ls_status_cb)(void *arg, const struct sanlk_lockspace *ls,
			     const char *list, const char *text);
void ls_status_foreach(ls_status_cb cb, void *arg);

typedef void (*ls_host_cb)(void *arg, uint64_t host_id, uint64_t timestamp,
			   const char *text);
/* -ENOSPC when no lockspace of that name is known (any state). */
int ls_host_status_foreach(const char *name, ls_host_cb cb, void *arg);

/* text is the whole record, "timestamp=... read_ms=... write_ms=...
 * next_timeouts=... next_errors=..." (cli.md §3.5), oldest first. */
typedef void (*ls_renewal_cb)(void *arg, uint64_t timestamp, const char *text);
/* -ENOSPC unknown; *io_timeout set when records exist; history size 0 ->
 * returns 0 with no callbacks. */
int ls_renewal_foreach(const char *name, int *io_timeout, ls_renewal_cb cb,
		       void *arg);

/* ---- for the resource / paxos code (later issues) ---- */

/* What a resource operation needs to know about a joined lockspace. */
struct ls_info {
	uint32_t space_id;
	uint64_t host_id;            /* ours */
	uint64_t host_generation;    /* ours */
	uint32_t io_timeout;         /* ours */
	uint32_t fire_timeout;       /* W */
	uint32_t sector_size;
	uint32_t align_size;
	uint32_t max_hosts;
	int      space_dead;         /* failed / being removed: refuse (-28) */
};
/* 0 and *out filled for a joined lockspace (list "spaces"), -ENOENT
 * otherwise. */
int ls_info(const char *name, struct ls_info *out);

/* algorithms.md §4.4 host_live(host_id, gen) in lockspace `name`: 1 alive
 * (also when the lockspace or its host record is unavailable), 0 dead.
 * Never waits. */
int ls_host_live(const char *name, uint64_t host_id, uint64_t gen);

/* A copy of the host-status record of host_id (algorithms.md §4, for the
 * paxos owner check of §5.4) and the io_timeout to fall back on.  0,
 * -ENOENT (lockspace not joined or host_id out of range) or -EAGAIN (not
 * examined yet). */
struct host_rec;
int ls_host_record(const char *name, uint64_t host_id, struct host_rec *out,
		   uint32_t *our_io_timeout);

#endif /* DAEMON_LOCKSPACE_H */
