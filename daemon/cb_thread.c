/*
 * cb_thread.c - the daemon thread of the messages feature: it polls the
 * lockspace callback fds for client tokens and hang-ups (cb_table.c), and
 * once a second runs ls_msg_tick() (ls_msg.c): lockspace failure /
 * removal noticed even while a renewal is stuck in I/O (queue dropped,
 * LOCKSPACE_FAIL callback), and callback / event fds of lockspaces that
 * are gone closed.
 *
 * State: the thread handle and a wake eventfd, set once under
 * cb_thread_mutex; the poll array belongs to the thread.  Started on the
 * first join (ls_msg_join), never stopped: the daemon exits with it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/cb_table.h"
#include "daemon/ls_internal.h"

#define CB_THREAD_TICK_MS   1000
#define CB_THREAD_POLL_MAX  (CB_SPACES_MAX * CB_FDS_PER_LS + 1)

static pthread_mutex_t cb_thread_mutex = PTHREAD_MUTEX_INITIALIZER;
static int cb_thread_started;
static int cb_wake_fd = -1;

static void *cb_thread_main(void *arg)
{
	struct pollfd *pfd;
	uint64_t v;
	int n, rv;

	(void)arg;
	pfd = calloc(CB_THREAD_POLL_MAX, sizeof(*pfd));
	if (!pfd) {
		log_error("callback thread: no memory");
		return NULL;
	}
	for (;;) {
		pfd[0].fd = cb_wake_fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		n = 1 + cb_poll_fill(pfd + 1, CB_THREAD_POLL_MAX - 1);
		rv = poll(pfd, (nfds_t)n, CB_THREAD_TICK_MS);
		if (rv < 0 && errno != EINTR) {
			log_error("callback thread: poll error %d", errno);
			sleep(1);
		}
		if (rv > 0 && pfd[0].revents) {
			ssize_t r = read(cb_wake_fd, &v, sizeof(v));

			(void)r;
		}
		for (int i = 1; rv > 0 && i < n; i++) {
			if (pfd[i].revents)
				cb_readable(pfd[i].fd, pfd[i].revents);
		}
		ls_msg_tick();
	}
	return NULL;
}

void cb_thread_start(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int rv;

	pthread_mutex_lock(&cb_thread_mutex);
	if (cb_thread_started)
		goto out;
	cb_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (cb_wake_fd < 0) {
		log_error("callback thread: eventfd error %d", errno);
		goto out;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, LS_THREAD_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rv = pthread_create(&t, &attr, cb_thread_main, NULL);
	pthread_attr_destroy(&attr);
	if (rv) {
		log_error("callback thread: create error %d", rv);
		close(cb_wake_fd);
		cb_wake_fd = -1;
		goto out;
	}
	cb_thread_started = 1;
out:
	pthread_mutex_unlock(&cb_thread_mutex);
}

void cb_thread_wake(void)
{
	uint64_t one = 1;
	int fd;

	pthread_mutex_lock(&cb_thread_mutex);
	fd = cb_wake_fd;
	pthread_mutex_unlock(&cb_thread_mutex);
	if (fd >= 0) {
		ssize_t r = write(fd, &one, sizeof(one));

		(void)r;
	}
}
