/*
 * lease_env.h - the seam between the lease algorithms (lease/) and the
 * world.  lease/delta and lease/paxos see storage and time only through a
 * struct lease_env, so the daemon passes real disks and the monotonic
 * clock, and sim/ passes a simulated disk and a virtual clock.
 *
 * A lease_env is owned by one thread at a time (the lockspace renewal
 * thread or one resource worker); its ctx is that caller's.
 */
#ifndef LEASE_ENV_H
#define LEASE_ENV_H

#include <stddef.h>
#include <stdint.h>

#define LEASE_MAX_DISKS 4   /* SANLK_MAX_DISKS */
#define LEASE_BATCH_MAX 2   /* writes in one write_batch call */

/* One write of a batch: in offset, buf, len; out rv. */
struct lease_wreq {
	uint64_t    offset;
	const void *buf;
	size_t      len;
	int         rv;
};

struct lease_env {
	void *ctx;
	/* Whole-sector I/O on disk number `disk` (0..num_disks-1) of the lease
	 * being worked on.  Returns 0, SANLK_AIO_TIMEOUT, or -errno.  A write
	 * that timed out may land later; a read that timed out leaves buf
	 * undefined and buf must then be released with buf_free, never reused. */
	int   (*read)(void *ctx, int disk, uint64_t offset, void *buf, size_t len,
		      int timeout_sec);
	int   (*write)(void *ctx, int disk, uint64_t offset, const void *buf,
		       size_t len, int timeout_sec);
	/* Optional (NULL: the lease code writes one after another).  n (1..
	 * LEASE_BATCH_MAX) writes to different sectors of disk `disk`, all in
	 * flight at once and waited for together; each gets in w[i].rv what
	 * write() would have returned.  They may land in any order
	 * (algorithms.md §1A.1 item 4: a read or write overlapping another in
	 * time is ordered either way). */
	void  (*write_batch)(void *ctx, int disk, struct lease_wreq *w, int n,
			     int timeout_sec);
	void *(*buf_alloc)(void *ctx, size_t len);   /* zeroed, sector aligned */
	void  (*buf_free)(void *ctx, void *buf);
	/* Monotonic whole seconds (never 0 once running; see algorithms.md §1). */
	uint64_t (*now)(void *ctx);
	/* Sleep; returns non-zero if the caller should abort its wait early
	 * (lockspace being removed, daemon shutting down, host crashed). */
	int   (*sleep_usec)(void *ctx, uint64_t usec);
	/* Uniform random 32 bits (ballot retry delays). */
	uint32_t (*random)(void *ctx);
};

#endif /* LEASE_ENV_H */
