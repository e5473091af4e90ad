/*
 * lockspace.h - the lockspaces this daemon has joined (or is joining /
 * leaving): one renewal thread per lockspace running lease/delta, the host
 * table built from each renewal's read of the whole lockspace area, host
 * states (algorithms.md §4), renewal history, warn/fail timing.
 *
 * Called from the daemon's command threads (daemon/cmd_*.c) and main loop.
 * All state lives in daemon/lockspace*.c, guarded by the module's mutex
 * (ls_mutex) plus one mutex per lockspace for its host table; callbacks of
 * the *_foreach functions run with those held: they must not call back in.
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
	int      renewal_read_extend_sec;/* 0 = io_timeout */
};
void ls_init(const struct ls_config *cfg);

/* add_lockspace: validates, joins (delta acquire) and starts renewals.
 * Blocks until joined or failed unless flags has SANLK_ADD_ASYNC.
 * io_timeout 0 = default. */
int ls_add(const struct sanlk_lockspace *ls, uint32_t flags, uint32_t io_timeout);
/* rem_lockspace: SANLK_REM_ASYNC, SANLK_REM_UNUSED (-EBUSY while used). */
int ls_rem(const struct sanlk_lockspace *ls, uint32_t flags);
/* inq_lockspace: 0 joined, -ENOENT not, -EINPROGRESS adding/removing
 * (SANLK_INQ_WAIT waits for the outcome). */
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

typedef void (*ls_renewal_cb)(void *arg, uint64_t timestamp, const char *text);
/* -ENOSPC unknown; *io_timeout set when records exist; history size 0 ->
 * returns 0 with no callbacks. */
int ls_renewal_foreach(const char *name, int *io_timeout, ls_renewal_cb cb,
		       void *arg);

#endif /* DAEMON_LOCKSPACE_H */
