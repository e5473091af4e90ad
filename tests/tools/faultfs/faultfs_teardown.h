/*
 * faultfs_teardown.h - orderly exit on SIGTERM/SIGINT/SIGHUP/SIGQUIT: a
 * signal thread releases every hung request with EIO (and stops hanging
 * or delaying new ones) and detaches the mount; the FUSE loop goes on
 * serving until the kernel ends the connection, i.e. once the last file on
 * the detached mount is closed.  If that has not happened after
 * FAULTFS_EXIT_GRACE_MS the process exits anyway, which makes the kernel
 * abort the connection (callers get ECONNABORTED/ENOTCONN), so no caller
 * stays blocked.  Called by the main thread only.
 */
#ifndef FAULTFS_TEARDOWN_H
#define FAULTFS_TEARDOWN_H

#include "faultfs_ops.h"

#define FAULTFS_EXIT_GRACE_MS 3000
#define FAULTFS_DETACH_WAIT_MS 1000

/* Block the handled signals in the calling thread; call before creating
 * any thread so that every thread inherits the mask. */
void faultfs_teardown_block_signals(void);

/* Start the signal thread for the mount at MOUNTPOINT (absolute path,
 * must stay valid).  Returns 0 or -errno. */
int faultfs_teardown_start(const char *mountpoint);

/* The FUSE loop has returned: stop the signal thread (waits for it). */
void faultfs_teardown_stop(void);

/* After faultfs_teardown_stop: unmount F, unless the signal thread already
 * detached the mount - then only wait (up to FAULTFS_DETACH_WAIT_MS) for
 * the kernel to end the connection, and let libfuse clean up only if it
 * did (a second umount on the path could hit a newer mount there). */
void faultfs_teardown_unmount(struct fuse *f);

#endif
