/*
 * client.h - the daemon's connection table (spec/cli.md §2.14, §3.1;
 * api.md §8.3): one slot per open connection, slot 0 the helper's status
 * pipe, slot 1 the listening socket, then client connections, at most
 * CLIENT_SLOTS_MAX in all (3.8.5's table size, so 1022 client
 * connections).  A slot is a "client" in 3.8.5's words: a one-shot
 * connection, or a registered process (REGISTER) whose leases live as
 * long as its connection.
 *
 * Ownership and locking:
 *  - Slots are allocated and freed only by the main thread.  `kind`,
 *    `fd` and `gen` change only then, under the slot's mutex.
 *  - The fields marked (m) are shared with worker threads (the resource
 *    manager acts on registered clients from workers): read or write them
 *    only with c->mutex held.
 *  - struct client_io (input assembly, output queue) belongs to the main
 *    thread alone and is never touched elsewhere.
 *  - Lock order: a slot mutex is a leaf lock; never hold two slot mutexes
 *    at once and never call out (ls_*, logging is fine) with one held.
 */
#ifndef DAEMON_CLIENT_H
#define DAEMON_CLIENT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sanlock.h"
#include "daemon/reply.h"
#include "daemon/request.h"

#define CLIENT_SLOTS_MAX      1024   /* 3.8.5: helper + listener + 1022 */
#define CLIENT_SLOT_HELPER    0
#define CLIENT_SLOT_LISTENER  1
#define CLIENT_NAME_LEN       SANLK_NAME_LEN

enum client_kind {
	CL_FREE = 0,
	CL_HELPER,          /* helper status pipe */
	CL_LISTENER,        /* listening socket */
	CL_CONN,            /* a client connection */
};

/* Main-thread-only I/O state of a connection. */
struct client_io {
	uint8_t  hdr[SM_HDR_SIZE];   /* header being received */
	size_t   hdr_have;
	uint8_t *pl;                 /* payload being received */
	size_t   pl_have;
	size_t   pl_need;            /* current target (grows for acquire) */
	size_t   pl_cap;
	uint32_t discard;            /* bytes of a refused request still to
	                                skip before the next header */
	struct reply out;            /* bytes queued for sending */
	size_t   out_off;            /* bytes of out already sent */
	int      close_after;        /* close once out is drained */
	int      busy;               /* a request of this connection is in a
	                                worker; nothing is read meanwhile */
	int      hup;                /* peer went away while busy */
	int      waiting_shutdown;   /* SHUTDOWN_WAIT waiter: reply at exit */
};

struct client {
	pthread_mutex_t mutex;
	int      ci;                 /* slot index, fixed */
	uint64_t gen;                /* bumped at every allocation */
	enum client_kind kind;
	int      fd;

	/* (m) shared fields */
	int      pid;                /* -1 until REGISTER (SO_PEERCRED) */
	int      registered;
	uint32_t flags;              /* killpath flags (SANLK_KILLPATH_*) */
	uint32_t restricted;         /* SANLK_RESTRICT_* as last set */
	uint32_t cmd_active;         /* request in flight on this slot, 0 none */
	uint32_t cmd_last;           /* last request number received */
	int      pid_dead;           /* registered connection has closed */
	int      kill_count;
	uint64_t kill_last;
	int      suspend;
	int      need_free;          /* closed while a command was active */
	char     name[CLIENT_NAME_LEN + 1];
	char     killpath[SANLK_HELPER_PATH_LEN];
	char     killargs[SANLK_HELPER_ARGS_LEN];
	void    *res;                /* resource manager's per-client state */

	struct client_io io;         /* main thread only */
};

/* A consistent copy of the shared fields, for status and logging. */
struct client_info {
	int      ci;
	int      fd;
	int      pid;
	uint32_t flags;
	uint32_t restricted;
	uint32_t cmd_active;
	uint32_t cmd_last;
	int      pid_dead;
	int      kill_count;
	uint64_t kill_last;
	int      suspend;
	int      need_free;
	char     name[CLIENT_NAME_LEN + 1];
};

/* Called (main thread, no lock held) when a registered client's
 * connection has ended and no command is active on it: the resource
 * manager releases or orphans its leases without blocking.  Set once at
 * start-up; NULL = nothing to release. */
typedef void (*client_dead_fn)(struct client *c);
void client_set_dead_handler(client_dead_fn fn);
client_dead_fn client_dead_handler(void);

void client_table_init(void);
struct client *client_get(int ci);          /* 0 <= ci < CLIENT_SLOTS_MAX */

/* Main thread: take the lowest free slot for fd (kind given).  Returns
 * the slot or -EMFILE when every slot is in use. */
int  client_alloc(enum client_kind kind, int fd, const char *name);
/* Main thread: return a slot to the free list (fd already closed, io
 * buffers already released). */
void client_release_slot(struct client *c);
/* Slots in use (any kind). */
/* Slots allocated at least once: every used slot is below it (scans stop
 * there; any thread). */
int  client_slots_hwm(void);
int  client_count(void);

/* Any thread: the first registered client whose recorded pid is pid
 * (its connection may already have closed: check pid_dead): its slot, or
 * -ESRCH. */
int  client_find_pid(int pid);
/* Any thread: copy the shared fields of slot ci; -ENOENT if free. */
int  client_snapshot(int ci, struct client_info *out);
/* Any thread: set the connection's display name (truncated to 48). */
void client_set_name(struct client *c, const char *name);

#endif /* DAEMON_CLIENT_H */
