/*
 * faultfs_ctl.h - the control socket: a unix stream socket at the path given
 * with --ctl, served by one thread of its own (so FUSE requests blocked by
 * `hang` never block control), one command per connection (README.md).
 * open/start/stop are called by the main thread only.
 */
#ifndef FAULTFS_CTL_H
#define FAULTFS_CTL_H

#define FAULTFS_CTL_IO_TIMEOUT_MS 2000   /* per client read/write */

/* Bind PATH (absolute; a stale socket there is replaced) and listen.
 * Returns 0 or -errno (message on stderr). */
int faultfs_ctl_open(const char *path);

/* Start the control thread (after fuse_daemonize: threads do not survive
 * its fork); no-op if no socket was opened.  Returns 0 or -errno. */
int faultfs_ctl_start(void);

/* Stop the control thread, close the socket and unlink its path. */
void faultfs_ctl_stop(void);

#endif
