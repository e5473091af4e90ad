/*
 * dlog.h - where the daemon's log lines go (spec/cli.md §2.7): the 1 MiB
 * in-memory buffer read by `client log_dump` (every level), the log file
 * (level <= logfile_priority) and syslog (level <= syslog_priority), the
 * last two written by a background thread from a bounded queue so that no
 * thread ever blocks on a slow log disk.  stderr (-D) is handled by
 * common/log.c.
 *
 * Threads: the sink runs in whatever thread logs; the ring and the queue
 * are guarded by dlog's mutex; the log thread owns the file descriptor.
 */
#ifndef DAEMON_DLOG_H
#define DAEMON_DLOG_H

#include <stddef.h>

#include "daemon/daemon.h"

#define DLOG_QUEUE_MAX   4096            /* entries waiting for file/syslog */
#define DLOG_FILE_NAME   "sanlock.log"
#define DLOG_FILE_SYSTEM "/var/log/sanlock.log"

/* Allocate the ring and install the sink (start-up, single-threaded);
 * lines for the file and syslog are queued from now on. */
int  dlog_init(const struct daemon_cfg *cfg);
/* Open the log file and syslog and start the writer thread, which writes
 * what was queued meanwhile.  Called once the run dir exists. */
int  dlog_start(const struct daemon_cfg *cfg);
/* Flush what is queued, stop the thread, close the file. */
void dlog_stop(void);

/* Copy the ring (log_dump format) into out; returns the byte count. */
size_t dlog_dump(char *out, size_t max);

/* Path of the log file for this run dir: the fixed system path for the
 * standard run dir, <run_dir>/sanlock.log otherwise (several daemons on
 * one machine, each with its own run dir, keep separate logs). */
void dlog_file_path(const char *run_dir, char *out, size_t size);

#endif /* DAEMON_DLOG_H */
