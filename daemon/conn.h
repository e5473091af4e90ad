/*
 * conn.h - connection I/O in the main thread (spec/api.md §8.2-§8.4,
 * cli.md §2.14): accepting (with the slot limit), assembling requests
 * from non-blocking reads without ever blocking on a client, queueing
 * replies and sending them as the client drains its socket, closing.
 *
 * Main thread only: everything here touches struct client_io.
 */
#ifndef DAEMON_CONN_H
#define DAEMON_CONN_H

#include "daemon/client.h"
#include "daemon/reply.h"
#include "daemon/worker.h"

#define CONN_ACCEPT_BATCH   64    /* accepts per wake-up */
#define CONN_REQS_PER_WAKE  16    /* requests read per connection per wake */
#define CONN_LOG_RATE_SEC   1     /* at most one limit message per second */
#define CONN_IGNORED_MAX    64    /* bad headers skipped per wake-up */
#define CONN_SKIP_READS_MAX 64    /* 4 KiB reads of a refused request's
                                     payload skipped per wake-up */
#define CONN_OUT_TOTAL_MAX  (128u * 1024u * 1024u) /* unsent reply bytes, all
                                                     connections together */

/* Open the spare descriptor used to refuse connections at EMFILE. */
void  conn_init(void);
void  conn_accept(int listen_fd);
/* Poll events wanted for a connection slot (0 = only hang-ups), or -1
 * when it must not be polled at all. */
int   conn_poll_events(const struct client *c);
/* Handle poll results of a connection slot. */
void  conn_event(struct client *c, short revents);
/* Queue a reply (takes its buffer; r is left empty) and try to send. */
void  conn_send_reply(struct client *c, struct reply *r);
/* A worker finished: deliver its reply (main thread). */
void  conn_job_done(struct job *j);
/* Close now (or, while a worker command runs for it, when it ends). */
void  conn_close(struct client *c, const char *why);
/* Best-effort immediate send of a small buffer (exit path). */
int   conn_send_now(struct client *c, const void *buf, size_t len);

#endif /* DAEMON_CONN_H */
