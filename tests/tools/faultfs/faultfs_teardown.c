/*
 * faultfs_teardown.c - owns the signal thread (see faultfs_teardown.h).
 *
 * State: faultfs_td_mnt and faultfs_td_thread are written by the main
 * thread before the signal thread starts and read-only after.  Two atomic
 * flags: faultfs_td_loop_done (set by the main thread when the FUSE loop
 * has returned) and faultfs_td_did_detach (set by the signal thread once
 * it detached the mount).  The handled signals are blocked in every thread
 * and taken with sigwait/sigtimedwait by the signal thread only; SIGUSR2,
 * sent by faultfs_teardown_stop, wakes it to notice faultfs_td_loop_done.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultfs_rules.h"
#include "faultfs_teardown.h"
#include <fuse_lowlevel.h>     /* fuse_session_fd */

extern char **environ;

static const char *faultfs_td_mnt;
static pthread_t faultfs_td_thread;
static atomic_int faultfs_td_loop_done;
static int faultfs_td_running;
static atomic_int faultfs_td_did_detach;

static void faultfs_td_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR2);
}

void faultfs_teardown_block_signals(void)
{
	sigset_t set;

	faultfs_td_sigset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Lazy unmount: the kernel ends the connection (and our loop) as soon as
 * the last file on the mount is closed. */
static void faultfs_td_detach(void)
{
	char *argv[] = { "fusermount3", "-u", "-z", (char *)faultfs_td_mnt,
			 NULL };
	pid_t pid;
	int st;

	if (geteuid() == 0) {
		if (umount2(faultfs_td_mnt, MNT_DETACH) < 0 && errno != EINVAL)
			fprintf(stderr, "faultfs: umount %s: %s\n",
				faultfs_td_mnt, strerror(errno));
		return;
	}
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
}

static void *faultfs_td_main(void *arg)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	sigset_t set;
	int sig, waited;

	faultfs_td_sigset(&set);
	do {
		if (sigwait(&set, &sig))
			return NULL;
		if (atomic_load(&faultfs_td_loop_done))
			return NULL;
	} while (sig == SIGUSR2);

	fprintf(stderr, "faultfs: signal %d: releasing %d hung request(s) "
		"with EIO, unmounting %s\n", sig, faultfs_rules_hung_now(),
		faultfs_td_mnt);
	faultfs_rules_shutdown();
	/* No fuse_exit: the loop keeps answering (the kernel still sends the
	 * RELEASE of closed files, and the mount lives until they are
	 * answered) and ends by itself when the kernel ends the connection. */
	faultfs_td_detach();
	atomic_store(&faultfs_td_did_detach, 1);

	for (waited = 0; waited < FAULTFS_EXIT_GRACE_MS; waited += 20) {
		sigtimedwait(&set, NULL, &tick);
		if (atomic_load(&faultfs_td_loop_done))
			return NULL;
	}
	fprintf(stderr, "faultfs: %s still in use after %d ms; exiting (the "
		"kernel aborts the connection)\n", faultfs_td_mnt,
		FAULTFS_EXIT_GRACE_MS);
	_exit(1);
}

int faultfs_teardown_start(const char *mountpoint)
{
	int rv;

	faultfs_td_mnt = mountpoint;
	rv = pthread_create(&faultfs_td_thread, NULL, faultfs_td_main, NULL);
	if (rv)
		return -rv;
	faultfs_td_running = 1;
	return 0;
}

void faultfs_teardown_stop(void)
{
	atomic_store(&faultfs_td_loop_done, 1);
	if (!faultfs_td_running)
		return;
	pthread_kill(faultfs_td_thread, SIGUSR2);
	pthread_join(faultfs_td_thread, NULL);
	faultfs_td_running = 0;
}

void faultfs_teardown_unmount(struct fuse *f)
{
	struct pollfd p = { .fd = fuse_session_fd(fuse_get_session(f)) };
	int waited;

	if (!atomic_load(&faultfs_td_did_detach)) {
		fuse_unmount(f);
		return;
	}
	/* POLLERR on /dev/fuse: the connection is gone, and fuse_unmount
	 * only closes the device and frees its memory. */
	for (waited = 0; waited < FAULTFS_DETACH_WAIT_MS; waited += 20)
		if (poll(&p, 1, 20) == 1 && (p.revents & POLLERR)) {
			fuse_unmount(f);
			return;
		}
	fprintf(stderr, "faultfs: detached %s is still in use; its files "
		"fail with ENOTCONN from now on\n", faultfs_td_mnt);
}
