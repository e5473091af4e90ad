/*
 * recovery.h - recovery when a lockspace fails, is removed while used, or
 * the daemon is shut down by force (spec/algorithms.md §10.2-§10.3,
 * §11.3; cli.md §2.13): the killing sequence against the registered
 * processes holding leases in the lockspace (killpath / SIGTERM during
 * the grace period, then SIGKILL; restrictions honoured; at most one
 * attempt per process per second, at most 100), and the completion test
 * that lets the lockspace disarm its watchdog and stop.
 *
 * Pieces:
 *  - recovery_choose (recovery_kill.c): the pure decision of §10.2 steps
 *    3-4;
 *  - recovery_pass (recovery_kill.c): one pass over a lockspace's lease
 *    holders; keeps the per-client kill state (attempts, last attempt,
 *    killpath run) in its own table, guarded by its own mutex, and
 *    mirrors kill_count / kill_last into struct client for status;
 *  - recovery_res.c: the production recovery_ops - the resource
 *    manager's holder list and the helper process;
 *  - daemon/ls_recovery.c: the lockspace manager's hooks (ls_users,
 *    ls_recovery_start, ls_recovery_done) built on these.
 *
 * Threads: recovery_pass runs in the lockspace monitor thread (every
 * 0.2 s while a lockspace is killing; ls_monitor.c), never with
 * ls_mod.mutex held.  Lock order: recovery mutex -> client slot mutex
 * (a leaf); the ops are called with neither held.
 */
#ifndef DAEMON_RECOVERY_H
#define DAEMON_RECOVERY_H

#include <stdint.h>

#include "daemon/client.h"

#define RECOVERY_KILL_ATTEMPTS_MAX  100        /* per process (§10.2) */
#define RECOVERY_KILL_INTERVAL_US   1000000u   /* >= 1 s between attempts */
#define RECOVERY_HOLDERS_MAX        CLIENT_SLOTS_MAX

enum recovery_action {
	RECOVERY_NONE = 0,     /* killpath already run, still in grace */
	RECOVERY_KILLPATH,     /* run the client's killpath program */
	RECOVERY_SIGTERM,
	RECOVERY_SIGKILL,
};

/* Inputs of the decision of §10.2 steps 3-4 for one client. */
struct recovery_choice {
	int      force_kill;     /* lockspace removed or forced shutdown */
	int      in_grace;       /* now < last_success + 8*io + kill_grace */
	int      kill_grace;     /* kill_grace_seconds */
	int      has_killpath;   /* the client registered a killpath */
	int      killpath_done;  /* ... and it has been run already */
	uint32_t restricted;     /* SANLK_RESTRICT_* of the client */
};

/* §10.2 step 3 (first matching row) then step 4 (substitution). */
enum recovery_action recovery_choose(const struct recovery_choice *in);
const char *recovery_action_name(enum recovery_action a);

/* A registered client holding at least one lease in the lockspace, as
 * the resource manager reports it: its slot and the slot's generation
 * (a reused slot is another client). */
struct recovery_holder {
	int      ci;
	uint64_t gen;
};

struct recovery_ops {
	/* Holders of leases in lockspace `name` (at most max); the count or
	 * -errno. */
	int (*holders)(void *arg, const char *name,
		       struct recovery_holder *out, int max);
	/* Queue a signal / a killpath run (helper.h): 0, -EAGAIN when the
	 * pipe is full (retried on a later pass), other -errno. */
	int (*send_kill)(void *arg, int pid, int sig);
	int (*send_runpath)(void *arg, int pid, const char *path,
			    const char *args, int append_pid);
	void *arg;
};

/* One lockspace as a pass sees it (a snapshot taken by the caller). */
struct recovery_space {
	uint32_t    space_id;
	const char *name;
	int         force_kill;  /* removal / forced shutdown */
	uint64_t    grace_end;   /* last_success + 8*io + kill_grace (s) */
	int         kill_grace;
};

struct recovery_pass_result {
	int holders;   /* clients the resource manager listed */
	int live;      /* of those, registered with a live connection */
	int stuck;     /* of those, at RECOVERY_KILL_ATTEMPTS_MAX */
	int sent;      /* signals / killpaths queued by this pass */
};

/* §10.3 step 1 and one round of §10.2 for one lockspace.  now / now_us
 * are monotonic seconds / microseconds.  Returns 0 or the holders op's
 * -errno (then nothing is known: not finished). */
int recovery_pass(const struct recovery_space *sp,
		  const struct recovery_ops *ops, uint64_t now,
		  uint64_t now_us, struct recovery_pass_result *out);

/* Forget all kill state (start-up, unit tests). */
void recovery_reset(void);

/* The production ops (recovery_res.c). */
const struct recovery_ops *recovery_res_ops(void);
/* Local resources of lockspace `name` (held, acquiring, releasing,
 * orphan) for SANLK_REM_UNUSED; 0 when none. */
int recovery_res_users(const char *name);
/* The lockspace failed or is going: its leases are released without disk
 * I/O from now on (§7.5, §10.1 step 2). */
void recovery_res_space_dead(const char *name);
/* §10.3 steps 1-2 as the resource manager sees them: no holder, USED
 * clear, and no orphan if USED_BY_ORPHANS.  1 when finished. */
int  recovery_res_done(const char *name, uint32_t space_id);
/* The lockspace is stopping for good: drop its orphans and queued
 * releases without disk I/O (§11.1). */
void recovery_res_gone(const char *name);

#endif /* DAEMON_RECOVERY_H */
