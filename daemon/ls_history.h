/*
 * ls_history.h - the renewal history of one lockspace (cli.md §3.5,
 * api.md §8.7 RENEWAL): a ring of the last `size` successful renewals
 * (size = daemon option -H, default 180; the first record is the
 * acquisition), each with the I/O latencies of that renewal and the
 * number of timed-out / failed attempts that followed it before the next
 * success.
 *
 * Pure; the caller's lock (the lockspace's mutex) guards it.
 */
#ifndef DAEMON_LS_HISTORY_H
#define DAEMON_LS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* Bound on -H: a larger value is clamped (logged by the caller). */
#define LS_HISTORY_MAX 100000u

struct ls_renewal {
	uint64_t timestamp;      /* value written into the delta lease */
	uint32_t read_ms;
	uint32_t write_ms;
	uint32_t next_timeouts;  /* timed-out attempts after this one */
	uint32_t next_errors;    /* other failed attempts after this one */
};

struct ls_history {
	uint32_t size;           /* capacity, 0 = history disabled */
	uint32_t count;          /* records kept, <= size */
	uint32_t next;           /* slot the next record goes to */
	struct ls_renewal *recs;
};

/* size 0 disables the history (no memory).  size > LS_HISTORY_MAX is
 * clamped.  -ENOMEM. */
int  ls_history_init(struct ls_history *h, uint32_t size);
void ls_history_free(struct ls_history *h);

/* A successful renewal (or the acquisition, with 0 latencies). */
void ls_history_add(struct ls_history *h, uint64_t timestamp,
		    uint32_t read_ms, uint32_t write_ms);
/* A failed attempt: counted on the latest record (no-op when empty). */
void ls_history_fail(struct ls_history *h, int timed_out);

/* i = 0 is the oldest kept record; NULL when i >= count. */
const struct ls_renewal *ls_history_get(const struct ls_history *h, uint32_t i);

/* cli.md §3.5 text of one record; snprintf semantics. */
int  ls_history_text(const struct ls_renewal *r, char *buf, size_t size);

#endif /* DAEMON_LS_HISTORY_H */
