/*
 * cb_table.h - lockspace callback fds (spec/messages.md §6; framing in
 * common/wire.h): up to CB_FDS_PER_LS descriptors per lockspace, each
 * with a bounded queue (cb_queue.h) and at most SM_CB_INFLIGHT_MAX
 * records written but not yet read by the client (flow control through
 * the client's READ tokens).  When the lockspace is gone the rest is
 * written and the daemon closes its end (the client sees EOF/POLLHUP).
 *
 * Threads: any thread emits (renewal threads, the cb thread, command
 * handlers); the cb thread (cb_thread.c) reads the client tokens.  One
 * mutex, cb_mutex, guards the whole table and every socket write/read/
 * close of these descriptors; it is a leaf lock (nothing else is taken
 * under it, nothing blocks under it: all socket I/O is non-blocking).
 */
#ifndef DAEMON_CB_TABLE_H
#define DAEMON_CB_TABLE_H

#include <poll.h>
#include <stdint.h>

#include "sanlock_admin.h"

#define CB_FDS_PER_LS     32     /* callback fds per lockspace (-ENOSPC) */
#define CB_SPACES_MAX     256    /* = LS_MAX_LOCKSPACES */

/* Register fd (the daemon's own descriptor, now owned by the table) for
 * lockspace space_id.  The reply header `reply` (len bytes) is written
 * on fd under the table lock before any callback can be.  0, or -ENOSPC
 * (32 already), -ENOMEM, the send error: fd is then closed. */
int  cb_register(uint32_t space_id, const char *ls_name, int fd,
		 const void *reply, size_t len);
/* Queue cb (ls_name is filled in) on every fd of the lockspace. */
void cb_emit(uint32_t space_id, const struct sanlk_callback *cb);
/* The lockspace is gone: write what is queued, close every fd. */
void cb_space_gone(uint32_t space_id);
/* Close the fds of every lockspace whose space_id is not in live[]. */
void cb_prune(const uint32_t *live, int n);
/* Number of fds registered for the lockspace. */
int  cb_count(uint32_t space_id);

/* For the cb thread: fill at most max pollfds (POLLIN) with every
 * registered fd; returns the count. */
int  cb_poll_fill(struct pollfd *pfd, int max);
/* Tokens (or EOF) are readable on fd. */
void cb_readable(int fd, short revents);

/* cb_thread.c: start the thread once (idempotent, any thread). */
void cb_thread_start(void);
/* Wake it (a new fd must join its poll set). */
void cb_thread_wake(void);

#endif /* DAEMON_CB_TABLE_H */
