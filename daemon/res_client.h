/*
 * res_client.h - the target of a client-targeted lease command (api.md
 * §4.2, §8.3): ACQUIRE, RELEASE, INQUIRE, CONVERT (registered connection
 * or data2 = pid) and KILLPATH (own connection only).  Implemented in
 * res_client.c; used by the command handlers (worker threads).
 */
#ifndef DAEMON_RES_CLIENT_H
#define DAEMON_RES_CLIENT_H

#include <stdint.h>

#include "daemon/res_internal.h"
#include "daemon/worker.h"

struct res_target {
	struct res_client *cl;      /* marked busy until res_target_end */
	int      ci;
	uint64_t gen;
	int      pid;
	struct res_holder_info hi;  /* pid, restrictions, killpath now */
};

/* Resolve and mark busy.  allow_pid: data2 may name a pid.  for_acquire:
 * a client being killed is refused too.  0, -EBUSY (unregistered
 * connection, closed, being killed, another command running), -ESRCH (no
 * registered client has that pid). */
int  res_target_begin(const struct job *j, int allow_pid, int for_acquire,
		      struct res_target *tg);
/* Clear busy; if the connection closed meanwhile release everything it
 * holds (an acquire that succeeded then reports -ENOTTY).  Returns rv,
 * possibly replaced. */
int  res_target_end(struct res_target *tg, int rv, int for_acquire);
/* ACQUIRE's owner_name becomes the connection's name (cli.md §3.1). */
void res_target_set_name(const struct res_target *tg, const char *name48);
/* Install the dead-client handler (res_init). */
void res_client_hook(void);

#endif /* DAEMON_RES_CLIENT_H */
