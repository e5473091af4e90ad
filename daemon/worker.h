/*
 * worker.h - the worker-thread pool that runs the daemon's blocking
 * commands (spec/api.md §8.3: add/rem/inq lockspace, align, disk reads and
 * writes, acquire/release ...): between MIN_WORKER_THREADS and
 * cfg->max_worker_threads threads, started on demand, fed from a bounded
 * FIFO.  A finished job goes to a completion list and the main thread is
 * woken through an eventfd; only the main thread touches connections'
 * state.  The one exception: a worker sends its job's reply on the job's
 * fd itself, without waiting (as 3.8.5's workers do).  A job is only made
 * from a request read with no output queued (asserted at dispatch), the
 * connection reads nothing more while the job runs, and it cannot be
 * closed or its slot freed until the job comes back (a busy connection's
 * close is deferred, conn.c; asserted in client_release_slot): so the fd
 * is still that connection's and the bytes cannot interleave.  The main thread sends
 * whatever the worker could not (j->sent) and does the rest of the
 * bookkeeping.  This saves the client one thread hand-off per command.
 *
 * Locking: worker_mutex guards the job queue, the completion list and the
 * thread counts.  Jobs are owned by the queue, then by one worker, then
 * by the completion list, then by the main thread.
 */
#ifndef DAEMON_WORKER_H
#define DAEMON_WORKER_H

#include <stdint.h>

#include "daemon/reply.h"
#include "daemon/request.h"

#define WORKER_QUEUE_MAX     1024   /* jobs waiting for a thread */
#define WORKER_EXIT_WAIT_SEC 10     /* bound on waiting for busy workers */

struct job;
typedef void (*job_fn)(struct job *j);

struct job {
	struct job *next;
	job_fn      fn;
	int         ci;        /* connection the request came on */
	uint64_t    gen;       /* its generation at dispatch */
	int         fd;        /* for log lines only */
	int         pid;       /* registered pid of that connection, or -1 */
	struct request req;    /* payload owned by the job */
	struct reply   rep;    /* filled by fn */
	size_t      sent;      /* bytes of rep the worker sent itself */
};

/* Start the pool (MIN_WORKER_THREADS threads).  0 or -errno. */
int  worker_init(int max_threads);
/* The eventfd the main loop polls for completions. */
int  worker_event_fd(void);
/* Queue a job.  0, or -EBUSY when WORKER_QUEUE_MAX jobs are waiting
 * (the job stays with the caller). */
int  worker_submit(struct job *j);
/* Main thread: take every finished job (a list linked by next). */
struct job *worker_take_done(void);
/* Jobs queued or running. */
int  worker_busy(void);
/* Stop accepting jobs, wait for running ones (bounded), join the idle
 * threads.  Returns the number of workers still busy after the wait. */
int  worker_stop(void);

void job_free(struct job *j);

#endif /* DAEMON_WORKER_H */
