/*
 * faultfs_ops.h - the FUSE operations of faultfs: a pass-through of the
 * backing directory (libfuse3 high-level API) with every read/write routed
 * through the fault rules (faultfs_rules.h).
 *
 * The backing directory fd is set by the main thread before the file
 * system is mounted and only read afterwards (FUSE worker threads).
 */
#ifndef FAULTFS_OPS_H
#define FAULTFS_OPS_H

#define FUSE_USE_VERSION 312
#include <fuse.h>

/* Kernel queue of asynchronous (aio) requests; the kernel default (12)
 * would let a few hung aio requests on one file stall aio on every other
 * file, so it is raised well above FAULTFS_MAX_HUNG. */
#define FAULTFS_MAX_BACKGROUND 128
#define FAULTFS_CONGESTION_THRESHOLD 96

extern const struct fuse_operations faultfs_ops;

/* Set the backing directory (an O_DIRECTORY fd) all paths resolve in. */
void faultfs_ops_set_backing(int dirfd);

/* Close the backing files still open (no release will come: the FUSE loop
 * has ended).  Main thread, after the loop. */
void faultfs_ops_cleanup(void);

#endif
