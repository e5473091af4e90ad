/*
 * worker.c - worker thread pool (see worker.h for the ownership rules).
 *
 * The pool also owns the daemon's use of the lease I/O buffer pool
 * (lease/env_buf.h): turned on at worker_init with room for one lease area
 * per worker (concurrent acquires); shrunk to WORKER_BUF_POOL_KEEP (one
 * area, for the next command) by the worker that finds no command running
 * or queued after its own; emptied by a worker that found no job for
 * WORKER_TRIM_SEC.  So a busy daemon does not allocate (mmap, fault, zero)
 * a lease area per read, and an idle one keeps at most one.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/worker.h"
#include "lease/env_buf.h"

/* Idle lease I/O buffers the daemon keeps for reuse, per worker thread:
 * one 1 MiB lease area (an acquire holds one through its ballot), plus
 * room for the lockspace and background threads. */
#define WORKER_BUF_POOL_PER_THREAD (1024u * 1024u)
#define WORKER_BUF_POOL_EXTRA      2
#define WORKER_BUF_POOL_MAX        (16u * 1024u * 1024u)
#define WORKER_BUF_POOL_KEEP       (WORKER_BUF_POOL_PER_THREAD + 64u * 1024u)
/* send() calls a worker makes for its reply before leaving the rest to
 * the main loop (a partial send is retried, EINTR too). */
#define WORKER_SEND_TRIES     4
/* An idle worker frees pooled buffers unused this long. */
#define WORKER_TRIM_SEC       5

static pthread_mutex_t worker_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_cond = PTHREAD_COND_INITIALIZER;   /* new job */
static pthread_cond_t worker_idle_cond = PTHREAD_COND_INITIALIZER;
static struct job *q_head, *q_tail;
static int q_count;
static struct job *done_head, *done_tail;
static int worker_threads;       /* started */
static int worker_idle;          /* waiting for a job */
static int worker_running;       /* executing a job */
static int worker_max;
static int worker_stopping;
static int worker_efd = -1;
static pthread_t worker_tids[MAX_WORKER_THREADS_LIMIT];

void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->req.payload);
	reply_free(&j->rep);
	free(j);
}

static void worker_wake_main(void)
{
	uint64_t one = 1;
	ssize_t rv = write(worker_efd, &one, sizeof(one));

	(void)rv;   /* eventfd write fails only when the counter saturates */
}

/* The reply straight from the worker (worker.h); the main thread sends
 * any rest.  Never waits: a full socket leaves it all to the main loop. */
static void worker_send_early(struct job *j)
{
	assert(j->sent == 0);
	if (j->rep.len == 0 || j->fd < 0)
		return;
	for (int i = 0; i < WORKER_SEND_TRIES && j->sent < j->rep.len; i++) {
		ssize_t n = send(j->fd, j->rep.buf + j->sent,
				 j->rep.len - j->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;       /* EAGAIN, EPIPE...: the main loop sees it */
		j->sent += (size_t)n;
	}
}

static void *worker_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&worker_mutex);
	for (;;) {
		struct job *j;

		worker_idle++;
		while (!q_head && !worker_stopping) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += WORKER_TRIM_SEC;
			if (pthread_cond_timedwait(&worker_cond, &worker_mutex,
						   &ts) != ETIMEDOUT)
				continue;
			/* No job for a while: give idle buffers back (a leaf
			 * lock of its own, so not under worker_mutex). */
			pthread_mutex_unlock(&worker_mutex);
			env_buf_pool_trim(WORKER_TRIM_SEC);
			pthread_mutex_lock(&worker_mutex);
		}
		worker_idle--;
		if (!q_head && worker_stopping)
			break;
		j = q_head;
		q_head = j->next;
		if (!q_head)
			q_tail = NULL;
		q_count--;
		j->next = NULL;
		worker_running++;
		pthread_mutex_unlock(&worker_mutex);

		j->fn(j);
		worker_send_early(j);

		pthread_mutex_lock(&worker_mutex);
		worker_running--;
		if (done_tail)
			done_tail->next = j;
		else
			done_head = j;
		done_tail = j;
		worker_wake_main();
		pthread_cond_broadcast(&worker_idle_cond);
		if (!worker_running && !q_head) {
			/* The last command of a burst: keep one area. */
			pthread_mutex_unlock(&worker_mutex);
			env_buf_pool_shrink(WORKER_BUF_POOL_KEEP);
			pthread_mutex_lock(&worker_mutex);
		}
	}
	pthread_mutex_unlock(&worker_mutex);
	return NULL;
}

/* worker_mutex held. */
static int worker_spawn(void)
{
	int rv;

	if (worker_threads >= worker_max)
		return -EAGAIN;
	rv = pthread_create(&worker_tids[worker_threads], NULL, worker_thread,
			    NULL);
	if (rv) {
		log_error("worker thread create failed: %s", strerror(rv));
		return -rv;
	}
	worker_threads++;
	return 0;
}

int worker_init(int max_threads)
{
	size_t pool;
	int rv = 0;

	if (max_threads < MIN_WORKER_THREADS)
		max_threads = MIN_WORKER_THREADS;
	if (max_threads > MAX_WORKER_THREADS_LIMIT)
		max_threads = MAX_WORKER_THREADS_LIMIT;
	worker_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (worker_efd < 0)
		return -errno;
	pool = (size_t)(max_threads + WORKER_BUF_POOL_EXTRA) *
	       WORKER_BUF_POOL_PER_THREAD;
	env_buf_pool_enable(pool < WORKER_BUF_POOL_MAX ? pool :
			    WORKER_BUF_POOL_MAX);
	pthread_mutex_lock(&worker_mutex);
	worker_max = max_threads;
	for (int i = 0; i < MIN_WORKER_THREADS && !rv; i++)
		rv = worker_spawn();
	pthread_mutex_unlock(&worker_mutex);
	return rv;
}

int worker_event_fd(void)
{
	return worker_efd;
}

int worker_submit(struct job *j)
{
	pthread_mutex_lock(&worker_mutex);
	if (worker_stopping || q_count >= WORKER_QUEUE_MAX) {
		pthread_mutex_unlock(&worker_mutex);
		log_error("worker queue full (%d jobs), request refused",
			  WORKER_QUEUE_MAX);
		return -EBUSY;
	}
	j->next = NULL;
	if (q_tail)
		q_tail->next = j;
	else
		q_head = j;
	q_tail = j;
	q_count++;
	/* Grow the pool when every started thread is taken. */
	if (worker_idle < q_count)
		worker_spawn();
	pthread_cond_signal(&worker_cond);
	pthread_mutex_unlock(&worker_mutex);
	return 0;
}

struct job *worker_take_done(void)
{
	struct job *list;
	uint64_t cnt;
	ssize_t rv = read(worker_efd, &cnt, sizeof(cnt));

	(void)rv;   /* EAGAIN: nothing pending, the list tells the truth */
	pthread_mutex_lock(&worker_mutex);
	list = done_head;
	done_head = done_tail = NULL;
	pthread_mutex_unlock(&worker_mutex);
	return list;
}

int worker_busy(void)
{
	int n;

	pthread_mutex_lock(&worker_mutex);
	n = q_count + worker_running;
	pthread_mutex_unlock(&worker_mutex);
	return n;
}

int worker_stop(void)
{
	struct timespec ts;
	int busy, n;

	pthread_mutex_lock(&worker_mutex);
	worker_stopping = 1;
	pthread_cond_broadcast(&worker_cond);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WORKER_EXIT_WAIT_SEC;
	while ((q_count || worker_running) &&
	       pthread_cond_timedwait(&worker_idle_cond, &worker_mutex, &ts) !=
	       ETIMEDOUT)
		;
	busy = q_count + worker_running;
	n = worker_threads;
	pthread_mutex_unlock(&worker_mutex);

	if (busy) {
		/* A command stuck on storage: the process exit ends it. */
		log_error("%d worker commands still running at exit", busy);
		return busy;
	}
	for (int i = 0; i < n; i++)
		pthread_join(worker_tids[i], NULL);
	return 0;
}
