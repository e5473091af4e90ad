/*
 * res.h - the resource manager: resource (paxos) leases held by the
 * processes registered with this daemon (spec/algorithms.md §5-§8, §10.3,
 * §11, §13.4; api.md §4.2, §4.4, §5, §8.3; cli.md §1.8, §3.1, §3.6, §3.7).
 *
 * What it owns: the table of leases (held, being acquired, being
 * released, orphans), the per-client lease lists, the background release
 * and request-examination thread.  State and locking: res_internal.h.
 *
 * Entry points:
 *  - res_init / res_stop: start-up and exit (main thread);
 *  - the request handlers below, run by the dispatcher (dispatch.c) in a
 *    worker thread (or inline where noted);
 *  - res_status_build: RESOURCE records of `client status` (main thread);
 *  - res_shutdown_kill: forced shutdown (the shutdown thread);
 *  - the lockspace/recovery interface in daemon/res_ls.h.
 */
#ifndef DAEMON_RES_H
#define DAEMON_RES_H

#include <stdint.h>

#include "daemon/client.h"
#include "daemon/reply.h"
#include "daemon/request.h"
#include "daemon/worker.h"

/* Start the background thread and hook the dead-client handler.  0 or
 * -errno.  Main thread, before any request is read. */
int  res_init(void);
/* Stop the background thread (bounded) at daemon exit. */
void res_stop(void);

/* Forced shutdown (algorithms.md §11.3 "Daemon shutdown"): every lease is
 * marked dead (released without disk I/O), every registered process that
 * holds one gets SIGKILL (SIGTERM if it restricted SIGKILL), repeated once
 * a second, until none holds a lease or RES_KILL_ATTEMPTS_MAX rounds have
 * passed.  Blocks (run it off the main thread).  Returns the number of
 * holders left. */
int  res_shutdown_kill(void);

/* Append the RESOURCE records of a STATUS reply (api.md §8.7 item 4). */
void res_status_build(struct reply *r);

/* ---- request handlers (worker thread; fill j->rep) ---- */
void cmd_res_acquire(struct job *j);          /* 7 */
void cmd_res_release(struct job *j);          /* 8 */
void cmd_res_inquire(struct job *j);          /* 9 */
void cmd_res_request(struct job *j);          /* 11 */
void cmd_res_examine(struct job *j);          /* 13, 14 */
void cmd_res_killpath(struct job *j);         /* 17 */
void cmd_res_read_lockspace(struct job *j);   /* 20 */
void cmd_res_read_resource(struct job *j);    /* 21 */
void cmd_res_read_owners(struct job *j);      /* 24 */
void cmd_res_set_lvb(struct job *j);          /* 25 */
void cmd_res_get_lvb(struct job *j);          /* 26 */
void cmd_res_convert(struct job *j);          /* 27 */
/* SET_CONFIG (33) runs inline in the main thread (api.md §8.3). */
void cmd_res_set_config(struct client *c, const struct request *req,
			struct reply *rep);

#endif /* DAEMON_RES_H */
