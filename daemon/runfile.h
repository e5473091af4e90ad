/*
 * runfile.h - the run directory, the pid/lock file and the listening
 * socket (spec/cli.md §2.2).  Every path is under cfg->run_dir, so several
 * daemons with their own run dirs run side by side on one machine.
 *
 * Start-up only, main thread.  The lock fd is kept open (and locked) for
 * the daemon's lifetime by the caller.
 */
#ifndef DAEMON_RUNFILE_H
#define DAEMON_RUNFILE_H

#include "daemon/daemon.h"

#define RUNFILE_PID_NAME     "sanlock.pid"
#define RUNFILE_LISTEN_BACKLOG 128

/* Create the run dir (0775) if missing and chown it.  0 or -errno (the
 * error is logged; fatal). */
int runfile_setup_dir(const struct daemon_cfg *cfg);
/* Create, lock (F_SETLK) and fill the pid file.  The fd, or -errno
 * (logged: a second daemon on the same run dir). */
int runfile_lock(const struct daemon_cfg *cfg);
/* unlink, bind, chmod 0660, chown uid:gid, listen: the listening fd
 * (non-blocking, close-on-exec) or -errno (logged). */
int runfile_listen(const struct daemon_cfg *cfg);
/* The socket path, truncated as the clients truncate it. */
void runfile_sock_path(const char *run_dir, char *out, size_t size);

#endif /* DAEMON_RUNFILE_H */
