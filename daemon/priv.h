/*
 * priv.h - process privileges and resources of the daemon (spec/cli.md
 * §2.3-§2.5): user/group lookup, rlimits, user switch, mlockall, SCHED_RR,
 * and the file-descriptor limit the connection table needs.
 *
 * Start-up only (single-threaded, except mlock/sched which are called
 * before the worker threads start).  No state.
 */
#ifndef DAEMON_PRIV_H
#define DAEMON_PRIV_H

#include "daemon/daemon.h"

/* Descriptors the daemon wants: every connection slot, lockspace and
 * resource disks, pipes, logs, spare. */
#define PRIV_NOFILE_WANT  8192

/* Resolve uname/gname (defaults: "sanlock" when both user and group
 * exist) into cfg->uid / cfg->gid, logging unknown names. */
void priv_lookup_ids(struct daemon_cfg *cfg);
/* Privileged mode: RLIMIT_MEMLOCK, RLIMIT_RTPRIO, RLIMIT_CORE unlimited.
 * 0 or -errno (logged; fatal for the daemon). */
int  priv_raise_rlimits(void);
/* Any mode: raise the soft RLIMIT_NOFILE towards PRIV_NOFILE_WANT (up to
 * the hard limit).  Returns the resulting soft limit. */
long priv_raise_nofile(void);
/* Privileged mode: initgroups + setgid + setuid when both names are set;
 * failures are logged, not fatal.  Re-enables core dumps. */
void priv_switch_user(const struct daemon_cfg *cfg);
/* -l and -h (failures logged, not fatal). */
void priv_mlock(int level);
void priv_sched(int high_priority);

#endif /* DAEMON_PRIV_H */
