/*
 * ev_fds.h - sanlock 3.8 event fds (spec/api.md §8.6, algorithms.md
 * §9.3): REG_EVENT keeps a duplicate of the connection in one of the
 * lockspace's EV_FDS_PER_LS slots (full: sweep, retry once, -ENOCSI);
 * every event created is sent as one byte-identical 80-byte event_cb to
 * every fd, non-blocking, a failing fd being closed and forgotten;
 * END_EVENT sweeps every fd of the lockspace; the fds are closed when
 * the lockspace is freed.
 *
 * Threads: command handlers (main thread), renewal threads (delivery),
 * the cb thread (prune).  ev_mutex guards the table and every I/O on
 * these fds; it is a leaf lock and all I/O under it is non-blocking.
 */
#ifndef DAEMON_EV_FDS_H
#define DAEMON_EV_FDS_H

#include <stddef.h>
#include <stdint.h>

#include "sanlock.h"

#define EV_FDS_PER_LS   32      /* api.md §8.5 (-ENOCSI beyond) */
#define EV_SPACES_MAX   256     /* = LS_MAX_LOCKSPACES */

/* Keep fd (owned by the table from now on) for lockspace space_id; the
 * reply header (len bytes) is written on it under the lock, before any
 * event can be.  0, -ENOCSI, -ENOMEM or the send error (fd closed). */
int  ev_fds_register(uint32_t space_id, int fd, const void *reply, size_t len);
/* The sweep of §8.6 over every fd of the lockspace. */
void ev_fds_sweep(uint32_t space_id);
/* Send one event_cb to every fd of the lockspace. */
void ev_fds_deliver(uint32_t space_id, const struct sanlk_host_event *he,
		    uint64_t from_host_id, uint64_t from_generation);
/* Close every fd of the lockspace (it is freed). */
void ev_fds_close_all(uint32_t space_id);
/* Close the fds of lockspaces not in live[]. */
void ev_fds_prune(const uint32_t *live, int n);

#endif /* DAEMON_EV_FDS_H */
