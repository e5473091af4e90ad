/*
 * loop.h - the daemon's main loop and shutdown state machine (spec/cli.md
 * §2.8, §2.10), as seen by the command handlers.  Main thread only.
 */
#ifndef DAEMON_LOOP_H
#define DAEMON_LOOP_H

#include "daemon/status.h"

/* A shutdown request that has passed the lockspace check (no lockspace,
 * or force).  force: lockspaces are stopped first (in a thread). */
void loop_shutdown(int force);
int  loop_shutting_down(void);
/* Run-time values for the DAEMON status record. */
void loop_status_rt(struct status_daemon_rt *rt);

#endif /* DAEMON_LOOP_H */
