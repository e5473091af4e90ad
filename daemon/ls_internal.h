/*
 * ls_internal.h - state shared by the daemon/lockspace*.c and ls_*.c
 * files only (the public interface is daemon/lockspace.h).
 *
 * Threads and ownership
 * ---------------------
 *  - command threads (daemon workers) call ls_add/ls_rem/ls_inq/... and
 *    may block in them waiting on ls_mod.cond;
 *  - one renewal thread per lockspace (ls_thread.c): joins (delta
 *    acquire), renews, releases.  It alone owns the fields marked
 *    [thread] below and does all disk I/O of the lockspace;
 *  - one monitor thread (ls_monitor.c), started with the first add: the
 *    every-second check of algorithms.md §10.1 (warn / fail), the
 *    teardown state machine (killing -> stopping -> gone), joining the
 *    renewal threads and unlinking lockspaces from the table.
 *
 * Locks (order: ls_mod.mutex, then lspace.mutex; never the reverse)
 *  - ls_mod.mutex guards the table, every [mod] field of every lspace,
 *    and the monitor's state.  Never held across disk I/O, thread joins,
 *    or the recovery / watchdog hooks.
 *  - lspace.mutex guards the [ls] fields (host table, renewal history),
 *    which get_hosts/host_status read while the renewal thread updates
 *    them.
 *
 * Lifetime: an lspace is reference counted under ls_mod.mutex.  The table
 * holds one reference from ls_add until the monitor has joined its thread
 * and unlinked it (state LS_GONE); every waiting command holds one while
 * it waits.  Whoever drops the last reference frees it (ls_put).
 */
#ifndef DAEMON_LS_INTERNAL_H
#define DAEMON_LS_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "sanlock.h"
#include "daemon/ev_out.h"
#include "daemon/hosts.h"
#include "daemon/lockspace.h"
#include "daemon/ls_history.h"
#include "lease/delta.h"
#include "lease/env_disk.h"

struct msg_host_view;

/* Longest a command waits for an add / rem / inq outcome: more than the
 * slowest possible join (held wait 8*255 + W_max, short delay 2*255,
 * four I/O timeouts of 255 s). */
#define LS_CMD_WAIT_MAX_SEC   (8 * 255 + DELTA_FIRE_TIMEOUT_MAX + 6 * 255 + 600)
/* Forced shutdown waits at most this long for every lockspace to stop
 * (a stuck renewal write may hold its thread for host_dead seconds). */
#define LS_STOP_ALL_WAIT_SEC  (8 * 255 + DELTA_FIRE_TIMEOUT_MAX + 60)
#define LS_THREAD_STACK       (1024 * 1024)
#define LS_MONITOR_TICK_MS    1000     /* algorithms.md §10.1 */
#define LS_MONITOR_KILL_MS    200      /* while killing pids */
#define LS_RETRY_DELAY_MS     500      /* renewal retry after a failure */

enum ls_state {
	LS_ADDING = 1,  /* list "add": renewal thread joining */
	LS_JOINED,      /* list "spaces": renewing (maybe failed / killing) */
	LS_STOPPING,    /* list "rem": thread told to stop and release */
	LS_GONE,        /* thread joined, unlinked from the table */
};

/* A lease_env that wraps env_disk to time each read/write for the
 * renewal history (read_ms/write_ms).  [thread] */
struct ls_env {
	struct lease_env env;    /* env.ctx == this */
	struct env_disk  ed;
	uint32_t last_read_ms;
	uint32_t last_write_ms;
};

struct lspace {
	/* ---- identity: set by ls_add, then immutable ---- */
	uint32_t space_id;
	char     name[SANLK_NAME_LEN + 1];
	char     path[SANLK_PATH_LEN];
	uint64_t offset;
	uint64_t host_id;
	uint32_t io_timeout;         /* ours, 1..DELTA_IO_TIMEOUT_MAX */

	/* ---- [mod] guarded by ls_mod.mutex ---- */
	int      refs;
	enum ls_state state;
	uint64_t list_seq;           /* entered its list: larger = more recent */
	int      add_done;           /* add_result is final */
	int      add_result;         /* 0 joined, else why the join failed */
	int      rem_requested;
	int      shutdown;           /* forced daemon shutdown */
	int      renew_fail;         /* failed: 8*io without renewal, or corrupt */
	int      space_dead;         /* failed, removed or shut down: no new leases */
	int      killing_pids;
	int      recovery_started;   /* ls_recovery_start called */
	int      corrupt_result;     /* first corruption result of a renewal */
	int      thread_started;
	int      thread_done;        /* the renewal thread is about to return */
	volatile int abort;          /* env_disk abort flag (written under the
				      * mutex with __atomic, read lock-free) */
	pthread_t thread;
	pthread_cond_t wake;         /* renewal thread sleeps here (ls_mod.mutex) */
	uint64_t warn_last;          /* last renewal warning logged */
	/* published by the renewal thread for status / the monitor */
	struct ondisk_sizes sizes;   /* 0 until probed */
	uint64_t host_generation;
	uint64_t last_success;       /* timestamp of the last good write */
	int      acquire_last_result;
	int      renewal_last_result;
	uint64_t acquire_last_attempt;
	uint64_t acquire_last_success;
	uint64_t renewal_last_attempt;
	uint64_t renewal_last_success;

	/* ---- [ls] guarded by mutex ---- */
	pthread_mutex_t mutex;
	int      hosts_ready;        /* hosts allocated (may still be unexamined) */
	struct hosts_table hosts;
	struct ls_history history;
	struct ev_out ev_out;        /* 3.8 event we publish (ev_ls.c) */

	/* ---- [thread] owned by the renewal thread ---- */
	struct ls_env      tenv;
	int                env_open;
	struct delta_lease dl;
	void              *area_buf;
	uint8_t            msg[ONDISK_MSG_SIZE];  /* our message record */
	uint8_t            bitmap[ONDISK_BITMAP_SIZE]; /* for the next renewal */
	struct msg_host_view *msg_view;           /* ls_msg.c: [max_hosts] */
	int                msg_open;              /* msg_space_open done */
	int                renew_examined;        /* read hook ran this attempt */
	int                examine_pending;       /* §4.1 step 8 asked for */
	void              *wd;                    /* ls_wd.c connection state */
};

struct ls_module {
	pthread_mutex_t mutex;
	pthread_cond_t  cond;        /* any state change (CLOCK_MONOTONIC) */
	struct ls_config cfg;        /* frozen by ls_init */
	int      inited;
	struct lspace *table[LS_MAX_LOCKSPACES];
	int      count;
	uint32_t next_space_id;
	uint64_t seq;
	int      shutdown;
	/* monitor thread */
	int       mon_started;
	int       mon_stop;
	pthread_t mon_thread;
};

extern struct ls_module ls_mod;

/* ---- lockspace.c ---- */
void ls_lock(void);
void ls_unlock(void);
/* Wake every waiter and the monitor (ls_mod.mutex held). */
void ls_broadcast(void);
/* Timed wait on cond with ls_mod.mutex held; 0 or ETIMEDOUT. */
int  ls_cond_wait_ms(pthread_cond_t *cond, uint32_t ms);
int  ls_cond_init(pthread_cond_t *cond);
/* Drop a reference (ls_mod.mutex held); frees at 0 (state must be GONE
 * or the lockspace never linked). */
void ls_put(struct lspace *ls);
/* Remove from the table (ls_mod.mutex held) and drop the table's ref. */
void ls_unlink(struct lspace *ls);
const char *ls_list_name(const struct lspace *ls);
/* Lockspace by name only, any state; NULL if none (ls_mod.mutex held). */
struct lspace *ls_find_name(const char *name);
/* Timeouts of this lockspace (our io, configured W). */
struct delta_timeouts ls_timeouts(const struct lspace *ls);

/* ---- ls_thread.c ---- */
void *ls_thread_main(void *arg);

/* ---- ls_monitor.c ---- */
/* Start the monitor if it is not running (ls_mod.mutex held). */
int  ls_monitor_start(void);
/* Stop and join it (ls_mod.mutex NOT held). */
void ls_monitor_stop(void);

/* ---- ls_recovery.c: the hook the recovery issue fills in ---- */
/* Number of local resources (held, being acquired / released, orphans)
 * in this lockspace.  0 for now.  Called with ls_mod.mutex held. */
int  ls_users(const struct lspace *ls);
/* The lockspace failed, is being removed, or the daemon shuts down:
 * start recovery (algorithms.md §10.2 killing).  sigkill = removal or
 * shutdown (no grace).  Called without ls_mod.mutex. */
void ls_recovery_start(struct lspace *ls, int sigkill);
/* 1 when no local process holds leases in it any more (§10.3), so the
 * lockspace may stop and release its delta lease.  Without ls_mod.mutex. */
int  ls_recovery_done(struct lspace *ls);

/* ---- ls_wd.c: the hook the watchdog issue replaces ---- */
/* algorithms.md §3.3 (c): before the acquire.  SANLK_WD_ERROR. */
int  ls_wd_connect(struct lspace *ls);
/* §3.3 step 10: after the acquire, expiry = timestamp + 8*io. */
int  ls_wd_arm(struct lspace *ls, uint64_t timestamp);
/* After each successful renewal. */
int  ls_wd_update(struct lspace *ls, uint64_t timestamp);
/* Recovery done: expiry cleared (cli.md §4.9 step 4). */
void ls_wd_disarm(struct lspace *ls);
/* The renewal thread ended: close the connection. */
void ls_wd_close(struct lspace *ls);
/* WD_RESET (messages.md §5): make this host's watchdog fire as soon as
 * possible through a dedicated wdmd connection (cli.md §4.10), never the
 * lockspace's own.  Any thread; returns 0 or -errno (-ENOTSUP without a
 * watchdog, e.g. -w 0). */
int  ls_wd_fire_now(struct lspace *ls, const char *reason);

/* ---- ls_msg.c: host messages and callbacks (messages.md) ---- */
/* Our fresh message record for generation gen (messages.md §2). */
void ls_msg_fresh(const struct lspace *ls, uint64_t gen,
		  uint8_t out[ONDISK_MSG_SIZE]);
/* Renewal thread, after the delta acquire: open the lockspace's message
 * engine (msg_space.c) for our new generation.  0 or -ENOMEM. */
int  ls_msg_join(struct lspace *ls);
/* Renewal thread, in the renewal read hook, after host examination:
 * receive, acks, our head message, HOST_STATE; builds ls->msg for the
 * write that follows; WD_RESET fires here. */
void ls_msg_renewal(struct lspace *ls);
/* Renewal thread, before the release write: ls->msg without message. */
void ls_msg_release_record(struct lspace *ls);
/* Renewal thread, at its end: drop the queue (-ECANCELED), close the
 * lockspace's callback and event fds, free the engine. */
void ls_msg_leave(struct lspace *ls);
/* cb thread, every second: failure / removal noticed, fds of lockspaces
 * that are gone closed (cb_thread.c).  Takes ls_mod.mutex itself. */
void ls_msg_tick(void);
/* msg_guard.c: the fire-timeout guard of messages.md §8 before the
 * acquire.  0, -EINVAL (mismatch, logged), SANLK_ERROR (aborted), or a
 * read error. */
int  ls_msg_guard(struct lspace *ls);

/* ---- ev_ls.c: 3.8 events and the bitmap (algorithms.md §8-§9) ---- */
/* Renewal thread, before a renewal: the event words and the bitmap. */
void ev_ls_prepare(struct lspace *ls, struct delta_renew_extra *extra);
/* hosts_update callbacks for §4.1 steps 7-8 (lspace.mutex held). */
void ev_ls_hosts_cb(struct lspace *ls, struct hosts_update_cb *cb);
/* After hosts_update, without any lock: run the request examination
 * asked for by the callbacks. */
void ev_ls_after_examine(struct lspace *ls);

/* ---- ls_env.c ---- */
int  ls_env_open(struct ls_env *e, const char *path,
		 const volatile int *abort_flag);
void ls_env_close(struct ls_env *e);

/* ---- ls_status.c ---- */
/* Lockspace key=value text of cli.md §3.1 (ls_mod.mutex held). */
int  ls_status_text(const struct lspace *ls, char *buf, size_t size);
/* Fill a wire struct (name, host_id, flags, disk). */
void ls_to_sanlk(const struct lspace *ls, struct sanlk_lockspace *out);
/* The table ordered by the three lists in ranks[], most recent first in
 * each (ls_mod.mutex held); out has LS_MAX_LOCKSPACES entries. */
int  ls_sorted(struct lspace **out, const enum ls_state ranks[3]);

#endif /* DAEMON_LS_INTERNAL_H */
