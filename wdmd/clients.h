/*
 * clients.h - wdmd's client table (spec/cli.md §4.4, §4.7): one slot per
 * connection plus the internal entries "listen" and "signal".
 *
 * Owned by the main thread alone (wdmd is single-threaded apart from the
 * test backend's timer, which never touches this table).  Bounded by
 * WDMD_CLIENT_MAX.
 *
 * Dead connections: a connection that closes (or that wdmd closes for a
 * protocol error) while armed (expire != 0) keeps its slot with dead = 1,
 * its name, pid, renewal, expire and refcount.  Nothing can update or
 * clear a dead slot: it passes the test while now < expire and fails from
 * then on, forever, so the watchdog fires.  It is cleared only by the
 * host's reset (or, in the test backend, by the fire killing wdmd).  Its
 * refcount (and, in our wdmd, its armed expiry) also keeps SIGTERM from
 * stopping wdmd.  A connection closed while disarmed is forgotten, with its
 * refcount (a warning is logged if the refcount was still set).
 */
#ifndef WDMD_CLIENTS_H
#define WDMD_CLIENTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libwdmd/wdmd_wire.h"
#include "wdmd/bounds.h"

struct wdmd_client {
	int used;
	int internal;          /* "listen"/"signal": not a connection, never tested */
	int fd;                /* -1 once dead */
	int dead;              /* closed while armed */
	int refcount;          /* REFCOUNT_SET seen, not cleared */
	pid_t pid;             /* SO_PEERCRED at accept */
	uint64_t renewal;      /* last TEST_LIVE renewal_time */
	uint64_t expire;       /* last TEST_LIVE expire_time; 0 = disarmed */
	char name[WDMD_NAME_SIZE];     /* NUL-terminated, <= 127 chars */
	unsigned char rbuf[WDMD_RECORD_SIZE]; /* partial request bytes */
	size_t rlen;
};

struct wdmd_clients {
	struct wdmd_client c[WDMD_CLIENT_MAX];
	int used;              /* slots in use (live, dead and internal) */
};

void wdmd_clients_init(struct wdmd_clients *t);

/* Take a free slot for fd: its index, or -ENOSPC when the table is full. */
int wdmd_clients_add(struct wdmd_clients *t, int fd, pid_t pid,
		     const char *name, int internal);

/* Close slot ci's fd.  Armed -> kept as dead (logged "client dead ...");
 * disarmed -> slot freed.  why is logged.  Internal slots are freed. */
void wdmd_clients_close(struct wdmd_clients *t, int ci, const char *why);

/* Count slots (live or dead, not internal) with refcount set / armed. */
int wdmd_clients_refcount(const struct wdmd_clients *t);
int wdmd_clients_armed(const struct wdmd_clients *t);

/* Copy name into slot ci (at most WDMD_NAME_SIZE - 1 characters). */
void wdmd_clients_set_name(struct wdmd_client *c, const char *name, size_t max);

/* src (at most max bytes) made safe for one-line output into buf:
 * whitespace, control and non-ASCII bytes become '_'.  Returns the length. */
size_t wdmd_safe_text(const char *src, size_t max, char *buf, size_t size);

/* Slot ci's name through wdmd_safe_text; an empty name becomes "ci<N>". */
void wdmd_clients_label(const struct wdmd_clients *t, int ci, char *buf,
			size_t size);

#endif /* WDMD_CLIENTS_H */
