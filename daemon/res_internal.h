/*
 * res_internal.h - state shared by the resource manager's files
 * (daemon/res_*.c, daemon/cmd_res*.c): the resource table (every lease
 * this host holds, is acquiring, is releasing, or keeps as an orphan),
 * the tokens (one per holding: a shared lease held by two local processes
 * has two), and the registered clients that hold them
 * (spec/algorithms.md §5-§8, §10.3, §11, §13.4; api.md §4.2, §5, §8.3).
 * The public interface is daemon/res.h.
 *
 * Threads and ownership
 * ---------------------
 *  - worker threads run the client commands (cmd_res*.c): acquire,
 *    release, convert, inquire, request, examine, lvb, reads;
 *  - the main thread runs the dead-client handler (res_client.c: no disk
 *    I/O, it only moves leases to the orphan list or the release queue)
 *    and status_build (res_status.c);
 *  - one background thread (res_bg.c): releases queued by process exit,
 *    by REL_ORPHAN and by releases that timed out (§7.4), the request
 *    examinations of §8.3, and dropping orphans of lockspaces that are
 *    gone (§11.1).
 *
 * Locks
 *  - res_mod.mutex guards every field marked [m] below, of every
 *    resource, token and client, and the tables and counters.  It is
 *    never held across disk I/O, helper writes, or any call into the
 *    lockspace module (ls_*), and never together with a client slot mutex
 *    (those are leaf locks taken before or after, never inside).  Lock
 *    order where both are needed: ls_mod.mutex -> res_mod.mutex (the
 *    lockspace module may call res_ls_* with its mutex held).  Leaf locks
 *    that may be taken inside res_mod.mutex: res_pool_mutex (res_pool.c)
 *    and res_ls_mutex (res_ls.c).
 *  - [op] fields (the paxos lease, its open disks) belong to the one
 *    thread that set r->op_busy under the mutex (the acquiring worker, the
 *    releasing/converting worker, or the background thread).  Nobody else
 *    touches them until it clears op_busy under the mutex.
 *  - [c] fields are constant after the resource/token was created.
 *
 * Resource life (§13.4):  ADD --ok--> HELD --release--> REM --> freed
 *                          |                 \--holder exits, PERSISTENT--> ORPHAN
 *                          +--fail--> freed (or REM if a retract is pending)
 *   ORPHAN --adopt--> HELD;  ORPHAN --REL_ORPHAN--> REM;  ORPHAN --lockspace
 *   gone--> freed.  A REM resource waiting for the background thread has
 *   bg_queued = 1 and op_busy = 0.
 */
#ifndef DAEMON_RES_INTERNAL_H
#define DAEMON_RES_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "sanlock.h"
#include "sanlock_resource.h"
#include "daemon/client.h"
#include "daemon/lockspace.h"
#include "daemon/res.h"
#include "lease/env_disk.h"
#include "lease/paxos.h"

/* ---- limits (every table and loop is bounded by one of these) ---- */

#define RES_TOTAL_MAX          16384  /* distinct leases in the daemon */
#define RES_TOKENS_MAX         32768  /* holdings (shared leases count once
                                         per local holder) */
#define RES_CLIENT_TOKENS_MAX  4096   /* leases of one registered client
                                         (3.8.5 has no small limit: a
                                         client such as lvmlockd holds one
                                         lease per active LV) */
#define RES_CLIENTS_MAX        (2 * CLIENT_SLOTS_MAX) /* client records:
                                         one per registered connection, plus
                                         closed ones whose command is still
                                         running */
#define RES_LVB_MAX            4096   /* REQ_LVB_MAX: largest sector */
#define RES_KILL_ATTEMPTS_MAX  100    /* forced shutdown: SIGKILLs per pid
                                         (algorithms.md §10.2) */
#define RES_BG_BATCH_MAX       64     /* queued releases per bg pass */
#define RES_EXAMINE_BATCH_MAX  64     /* examinations per bg pass */
#define RES_BG_TICK_MS         1000   /* bg thread wakes at least this often */
#define RES_SWEEP_NAMES_MAX    LS_MAX_LOCKSPACES /* lockspaces checked per
                                         orphan sweep */

enum res_state {
	RES_ADD = 1,       /* status list=add: acquire in progress */
	RES_HELD,          /* list=held */
	RES_REM,           /* list=rem: disk release in progress / queued */
	RES_ORPHAN,        /* list=orphan: persistent, holder exited */
};

struct res_client;

struct res_resource {
	struct res_resource *next, *prev;      /* res_mod.all [m] */
	uint32_t res_id;                       /* [c] */
	char     space_name[SANLK_NAME_LEN];   /* [c] raw wire bytes */
	char     name[SANLK_NAME_LEN];         /* [c] (may change by rename
	                                          only while freed) */
	uint32_t num_disks;                    /* [c] 1..SANLK_MAX_DISKS */
	uint32_t space_id;                     /* [c] lockspace incarnation */
	uint64_t host_id;                      /* [c] ours in it */
	uint64_t host_generation;              /* [c] */
	uint32_t io_timeout;                   /* [c] ours in it */

	enum res_state state;                  /* [m] */
	int      op_busy;                      /* [m] a thread owns [op] */
	int      shared;                       /* [m] mode SH (else EX) */
	uint64_t lver;                         /* [m] lver held */
	uint32_t sector_size, align_size;      /* [m] of the lease on disk */
	int      ntokens;                      /* [m] tokens pointing here */
	int      space_dead;                   /* [m] lockspace failed: no disk
	                                          I/O at release (§7.5) */
	int      examine;                      /* [m] marked (§8.3) */
	int      bg_queued;                    /* [m] waiting for res_bg */
	uint64_t bg_next;                      /* [m] earliest next attempt */
	int      bg_attempts;                  /* [m] release attempts so far */
	char     rename_to[SANLK_NAME_LEN + 1];/* [m] REL_RENAME retried */
	uint64_t seq;                          /* [m] acquisition order */
	int      lvb_enabled;                  /* [m] acquired with ACQUIRE_LVB */
	int      lvb_dirty;                    /* [m] set_lvb since acquire */
	uint32_t lvb_len;                      /* [m] = sector size */
	uint8_t *lvb;                          /* [m] lvb_len bytes */

	struct paxos_lease pl;                 /* [op] */
	int      pl_ready;                     /* [op] pl set up */
	struct env_disk ed;                    /* [op] */
	int      ed_open;                      /* [op] */
	uint64_t rel_started;                  /* [op] last release attempt */
	struct sanlk_disk disks[];             /* [c] num_disks of them, pads
	                                          zero (sized at res_new: most
	                                          leases have one disk, and a
	                                          daemon may hold thousands) */
};

struct res_token {
	struct res_token *next, *prev;         /* res_mod.tokens [m] */
	struct res_resource *r;                /* [m] */
	struct res_client *cl;                 /* [m] NULL: orphan */
	int      slot;                         /* [m] index in cl->slots */
	uint32_t token_id;                     /* [c] */
	int      pid;                          /* [m] holder pid (0 for a
	                                          shared orphan, as 3.8.5) */
	uint32_t flags;                        /* [m] SANLK_RES_SHARED,
	                                          SANLK_RES_PERSISTENT */
	uint32_t restricted;                   /* [m] holder's RESTRICT flags
	                                          at acquire */
	char     killpath[SANLK_HELPER_PATH_LEN]; /* [m] copied at acquire */
	char     killargs[SANLK_HELPER_ARGS_LEN];
	uint64_t seq;                          /* [m] acquisition order */
};

/* One registered client (connection) as the resource manager sees it. */
struct res_client {
	int      used;                         /* [m] */
	int      ci;                           /* [m] connection slot */
	uint64_t gen;                          /* [m] slot generation */
	int      pid;                          /* [m] pid at REGISTER */
	int      busy;                         /* [m] a command runs for it */
	int      dead;                         /* [m] connection closed while
	                                          busy: the command cleans up */
	int      count;                        /* [m] tokens held */
	int      cap;                          /* [m] slots allocated */
	struct res_token **slots;              /* [m] inquire order (§3.6) */
};

struct res_module {
	pthread_mutex_t mutex;
	pthread_cond_t  cond;                  /* wakes the bg thread */
	struct res_resource *all;              /* every resource */
	struct res_token *tokens;              /* every token, newest first */
	struct res_client clients[RES_CLIENTS_MAX];
	int      nres;
	int      ntokens;
	uint32_t next_res_id;
	uint32_t next_token_id;
	uint64_t seq;
	int      bg_started;
	int      bg_stop;
	pthread_t bg_thread;
	volatile int abort;                    /* paxos waits stop (shutdown) */
};

extern struct res_module res_mod;

/* What a new holding copies from its client at acquire (§8.3, §10.2). */
struct res_holder_info {
	int      pid;
	uint32_t restricted;
	char     killpath[SANLK_HELPER_PATH_LEN];
	char     killargs[SANLK_HELPER_ARGS_LEN];
};

/* One resource of an ACQUIRE request. */
enum res_acq_act { RES_ACT_NEW = 1, RES_ACT_JOIN, RES_ACT_ADOPT };
struct res_acq_item {
	const struct sanlk_resource *in;       /* header in the payload */
	const struct sanlk_disk *disks;        /* its disks in the payload */
	struct ls_info li;
	enum res_acq_act act;
	struct res_resource *r;
	struct res_token *t;
	int      acquired;                     /* NEW: on disk now */
	int      old_pid;                      /* ADOPT: orphan's pid */
};

/* ---- res_acquire.c (worker; cl->busy set by the caller) ---- */
int  res_acquire(struct res_client *cl, const struct res_holder_info *hi,
		 uint32_t flags, struct res_acq_item *items, int n);

/* ---- res_table.c (all with res_mod.mutex held unless noted) ---- */
void res_lock(void);
void res_unlock(void);
/* Name comparisons of api.md §3: `exact` = all 48 bytes (release,
 * convert), else up to the first NUL (strncmp 48). */
int  res_names_eq(const char *a, const char *b, int exact);
struct res_resource *res_find(const char *space, const char *name, int exact);
struct res_resource *res_new(const struct sanlk_resource *in,
			     const struct sanlk_disk *disks, const struct ls_info *li);
/* Unlink and free (state freed; [op] closed by the caller or here when
 * not busy).  Tokens must be gone. */
void res_free(struct res_resource *r);
struct res_token *res_token_new(struct res_resource *r, struct res_client *cl,
				int pid, uint32_t flags);
/* Detach from client and resource, free. */
void res_token_free(struct res_token *t);
/* Give a token to another client (NULL: make it an orphan). */
int  res_token_move(struct res_token *t, struct res_client *cl);
struct res_token *res_client_token(struct res_client *cl, const char *space,
				   const char *name, int exact);
struct res_client *res_client_find(int ci, uint64_t gen);
struct res_client *res_client_get(int ci, uint64_t gen, int pid);
void res_client_put_if_idle(struct res_client *cl);
/* Queue r (state REM, op not busy) for the background thread. */
void res_bg_queue(struct res_resource *r, uint64_t when);

/* ---- res_disk.c: [op] side, no mutex held ---- */
/* Open the disks of r and set up r->pl for an acquire with li. */
int  res_disk_setup(struct res_resource *r, const struct ls_info *li);
/* Open disks (paths from a wire resource) for reading only. */
int  res_disk_open_ro(struct env_disk *ed, const struct sanlk_resource *res,
		      const struct sanlk_disk *disks);
/* Check that every disk holds a whole lease area at its offset:
 * -EMSGSIZE when it ends past the end (3.8.5's result, observed). */
int  res_disk_check_size(struct env_disk *ed, const uint64_t *offsets,
			 int num_disks, uint32_t align_size);
/* Is the lockspace r was acquired in still the same, joined, healthy
 * incarnation?  1 yes, 0 no (no mutex held: calls ls_info). */
int  res_ls_same(const char *space_name, uint32_t space_id, uint64_t gen);
/* Is that incarnation still in the table (joined, maybe failing or being
 * removed)?  Orphans live until it is gone (§11.1). */
int  res_ls_present(const char *space_name, uint32_t space_id, uint64_t gen);

/* ---- res_release.c ---- */
/* The disk release of r ([op] owned by the caller, state REM): LVB write,
 * paxos release; drop without I/O when the lockspace is gone.  Returns 0,
 * SANLK_AIO_TIMEOUT (retry later) or the release error. */
int  res_release_disk(struct res_resource *r);
/* After res_release_disk: free r, or queue it for a retry (-202).  Takes
 * the mutex. */
void res_release_done(struct res_resource *r, int rv);
/* Release one token of a client (worker thread; takes the mutex). */
int  res_release_token(struct res_client *cl, struct res_token *t,
		       const char *rename_to);
/* Process exit (§10.3): every token of cl to the orphan list / the
 * release queue, without I/O.  Mutex held. */
void res_client_exit_locked(struct res_client *cl);

/* ---- res_status.c ---- */
/* INQUIRE: the state string of cl's leases (malloc'ed, NULL when none). */
int  res_inquire_state(struct res_client *cl, int *count, char **state);

/* ---- res_examine.c ---- */
/* One examination (§8.3); bg thread, no mutex held. */
void res_examine_one(uint32_t res_id);

/* ---- res_bg.c ---- */
int  res_bg_start(void);
/* Give the handles of ed (opened by res_pool_env_open with flags) back to
 * the pool; what does not fit is closed by res_bg (mutex held). */
void res_close_later(struct env_disk *ed, uint32_t flags);
/* The same, taking the mutex. */
void res_env_close_async(struct env_disk *ed, uint32_t flags);

/* ---- res_pool.c: idle disk handles (own leaf mutex; any thread) ---- */
int  res_pool_get(const char *path, uint32_t flags, struct disk_handle **out);
void res_pool_put(struct disk_handle *d, uint32_t flags);
/* Put without closing: returns the handle the caller must close (pool
 * full or unknown handle), else NULL. */
struct disk_handle *res_pool_put_nb(struct disk_handle *d, uint32_t flags);
/* env_disk over pooled handles of paths[0..n-1] (flags DISK_OPEN_*). */
int  res_pool_env_open(struct env_disk *ed, const char *const *paths, int n,
		       uint32_t flags);
void res_pool_env_close(struct env_disk *ed, uint32_t flags);
/* Close idle handles (all: every one). */
void res_pool_sweep(int all);
void res_bg_stop(void);
void res_bg_wake(void);

/* ---- helpers ---- */
/* Copy a 48-byte wire name to a NUL-terminated string. */
void res_name_str(char out[SANLK_NAME_LEN + 1], const char in[SANLK_NAME_LEN]);

#endif /* DAEMON_RES_INTERNAL_H */
