/*
 * logring.h - the daemon's in-memory debug log (spec/cli.md §2.7, §3.4):
 * a fixed-size circular byte buffer holding every log line, each followed
 * by '\n'.  A dump returns the bytes oldest first (possibly starting
 * mid-line once the buffer has wrapped) without the final '\n', as
 * `client log_dump` expects.
 *
 * Not thread-safe by itself: the owner (daemon/dlog.c) serialises every
 * call with its mutex.  The unit tests use it directly.
 */
#ifndef DAEMON_LOGRING_H
#define DAEMON_LOGRING_H

#include <stddef.h>

#define LOGRING_SIZE (1024 * 1024)   /* 1 MiB, as 3.8.5 */

struct logring {
	char  *buf;
	size_t size;
	size_t head;       /* next byte to write */
	int    wrapped;    /* buf is full: the oldest byte is at head */
};

int  logring_init(struct logring *r, size_t size);   /* 0 or -ENOMEM */
void logring_free(struct logring *r);
/* Append len bytes of one line and a '\n' (lines longer than the ring
 * keep only their tail). */
void logring_append(struct logring *r, const char *line, size_t len);
/* Bytes a dump would return now. */
size_t logring_used(const struct logring *r);
/* Copy up to max bytes, oldest first, final '\n' dropped; returns the
 * number copied. */
size_t logring_dump(const struct logring *r, char *out, size_t max);

#endif /* DAEMON_LOGRING_H */
