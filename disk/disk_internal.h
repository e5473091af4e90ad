/*
 * disk_internal.h - private to disk/ (and its unit test): the structures
 * behind struct disk_handle, the buffer header, the shared libaio contexts
 * and the reaper thread.
 *
 * Design: AIO contexts are not tied to handles or threads.  The process
 * keeps a pool of them (disk_ctx.c), grown on demand up to DISK_CTX_MAX:
 * every disk_read/disk_write/disk_write_batch checks one out for the
 * duration of the call ("takes" it), submits its iocb(s) there (one, or
 * the batch's in one io_submit), waits on them, and puts it back.  So
 * the number of contexts follows the number of I/Os in progress at once,
 * not the number of open disks (a daemon holding 1000 leases keeps 1000
 * open handles but only a few contexts).  An I/O that timed out stays in
 * its context as an "orphan" and keeps its slot until its completion is
 * collected, by whoever takes that context next (completions are routed
 * to their slot by the iocb's data pointer, whatever handle issued them)
 * or by the reaper, which polls idle contexts that have orphans.
 *
 * Ownership and locking (one rule for the whole module):
 *   - disk_lock() (a single process-wide mutex, disk_ctx.c) guards every
 *     field marked "[L]" below: buffer in-flight/freed flags, iocb slot
 *     states, orphan counts, the taken flags, the idle stack and the
 *     orphan list.
 *   - io_getevents() on a context is called by exactly one thread at a
 *     time: the thread that took it, else the reaper (which polls without
 *     blocking, with disk_lock held, so nobody can take the context in the
 *     middle of the poll).
 *   - A disk_handle is immutable after disk_open: any number of threads
 *     may use it at once; closing it while in use is the caller's bug.
 *
 * Terms: an "orphan" is an iocb whose caller gave up on it (timeout with a
 * failed cancel, or an io_getevents failure): the kernel still owns its
 * iocb and buffer (and its reference to the file, so the handle may be
 * closed), and its slot stays taken until its completion event is
 * collected.
 */
#ifndef DISK_INTERNAL_H
#define DISK_INTERNAL_H

#include <libaio.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "disk/disk.h"

/* Slots per context: DISK_MAX_INFLIGHT orphans plus the I/O in progress.
 * A call of n I/Os (1, or a batch of up to DISK_BATCH_MAX) only takes a
 * context with orphans + n <= DISK_MAX_INFLIGHT (disk_ctx_take_locked), so
 * it finds at least n + 1 free slots there, and if all n become orphans
 * the context still has orphans <= DISK_MAX_INFLIGHT (the invariant
 * disk_ctx_orphan_locked asserts).  No extra slot is needed for batches. */
#define DISK_CTX_SLOTS        (DISK_MAX_INFLIGHT + 1)
_Static_assert(DISK_BATCH_MAX >= 1 && DISK_BATCH_MAX <= DISK_MAX_INFLIGHT,
	       "a fresh context must have room for a whole batch");
/* Contexts in the process: as many as I/Os in progress at one time.  The
 * daemon's I/O threads are at most 64 workers (MAX_WORKER_THREADS_LIMIT),
 * 256 lockspace threads (LS_MAX_LOCKSPACES) and the background thread;
 * past the bound an I/O waits, within its own deadline, for a context to
 * be put back (else SANLK_AIO_TIMEOUT without being issued).  Worst case
 * fs.aio-nr use: DISK_CTX_MAX * DISK_CTX_SLOTS = 24960. */
#define DISK_CTX_MAX          384
/* How often the reaper polls the idle contexts that have orphans. */
#define DISK_REAPER_POLL_MS   50

#define DISK_BUF_MAGIC        0x6b736964u   /* "disk" */
#define DISK_BUF_DEAD         0x64616564u   /* "dead": freed */

/* Lives at the start of the DISK_BUF_ALIGN bytes in front of every buffer
 * returned by disk_buf_alloc. */
struct disk_buf_hdr {
	uint32_t magic;
	int      in_flight;     /* [L] kernel may access the data */
	int      freed;         /* [L] disk_buf_free called while in flight */
	size_t   len;           /* usable bytes after the header */
	void    *map_base;      /* large buffers: the mmap'd region, else NULL */
	size_t   map_len;
};

/* What a write overlaps with: the same regular file (dev+ino) or the same
 * block device (rdev).  Partitions of one disk are not related. */
struct disk_file_id {
	int   blk;
	dev_t dev;
	ino_t ino;
};

enum disk_iop_state {
	DISK_IOP_FREE = 0,
	DISK_IOP_ACTIVE,        /* submitted, its issuer waits for it */
	DISK_IOP_DONE,          /* issuer's completion collected; res valid */
	DISK_IOP_ORPHAN,        /* abandoned by its issuer, still in flight */
};

struct disk_iop {
	struct iocb          cb;     /* kernel reads it until the event is
	                                reaped; cb.data points back here */
	int                  state;  /* [L] enum disk_iop_state */
	int                  is_write;  /* [L] */
	long                 res;       /* [L] event result once DONE */
	struct disk_file_id  id;        /* [L] storage it was issued to */
	uint64_t             offset;    /* [L] */
	size_t               len;       /* [L] */
	struct disk_buf_hdr *buf;       /* [L] */
};

/* One libaio context of the pool. */
struct disk_ctx {
	io_context_t     io;
	struct disk_iop  iop[DISK_CTX_SLOTS];
	unsigned         orphans;       /* [L] slots in state ORPHAN */
	int              taken;         /* [L] checked out by an I/O, or a
	                                   parent's (foreign, after fork);
	                                   else on the idle stack */
	int              listed;        /* [L] on the orphan list */
	struct disk_ctx *prev, *next;   /* [L] orphan list links */
};

struct disk_handle {
	int                 fd;
	int                 blk;
	uint32_t            flags;
	uint32_t            sector_size;
	struct disk_file_id id;
	char               *path;
};

/* ---- disk_ctx.c: the lock, the context pool, completion collection ---- */
void disk_lock(void);
void disk_unlock(void);
/* Wait (disk_lock held) until something changed in the pool (an orphan
 * was collected, a context was put back) or until the absolute
 * CLOCK_MONOTONIC deadline in ns (0 = no deadline).  -ETIMEDOUT at the
 * deadline. */
int  disk_cond_wait_locked(uint64_t deadline_ns);
/* Take an idle context with room for n more I/Os (orphans + n <=
 * DISK_MAX_INFLIGHT), creating one if none and the pool is below its
 * bound, else wait for one until the deadline (SANLK_AIO_TIMEOUT, which
 * the caller counts in the stats, once per I/O).  The io_setup error if
 * the pool is empty and no context can be created.  May drop disk_lock
 * while it waits. */
int  disk_ctx_take_locked(unsigned n, uint64_t deadline_ns,
			  struct disk_ctx **out);
/* Take c, which must be idle (not taken). */
void disk_ctx_take_this_locked(struct disk_ctx *c);
/* Put back a context taken by the caller. */
void disk_ctx_put_locked(struct disk_ctx *c);
/* Process io_events of c (disk_lock held). */
void disk_ctx_collect_locked(struct disk_ctx *c, const struct io_event *ev,
			     int n);
/* Non-blocking collection of whatever completed (disk_lock held, c taken
 * by the caller or idle).  Returns events collected or -errno. */
int  disk_ctx_poll_locked(struct disk_ctx *c);
/* Turn slot p (ACTIVE) of c into an orphan (disk_lock held). */
void disk_ctx_orphan_locked(struct disk_ctx *c, struct disk_iop *p);
/* The context holding an orphaned write overlapping [offset, offset+len)
 * of file id (disk_lock held), else NULL. */
struct disk_ctx *disk_orphan_overlap_locked(const struct disk_file_id *id,
					    uint64_t offset, size_t len);
/* Orphans of file id in the whole process (disk_lock held). */
unsigned disk_file_orphans_locked(const struct disk_file_id *id);
/* The contexts that have orphans (disk_lock held), for the reaper. */
struct disk_ctx *disk_orphan_list_locked(void);
/* The reaper's condition variable (disk_lock is its mutex). */
void disk_reaper_wait_locked(uint64_t deadline_ns);
void disk_reaper_kick_locked(void);

/* For tests: lower the pool bound (1..DISK_CTX_MAX); contexts beyond it
 * stay until disk_ctx_trim. */
void disk_ctx_set_limit(unsigned n);
/* For tests: destroy the idle contexts that have no orphans; returns how
 * many. */
unsigned disk_ctx_trim(void);
/* For tests: contexts in the pool; orphans in the whole process; orphans
 * of d's file. */
unsigned disk_ctx_count(void);
unsigned disk_orphan_count(void);
unsigned disk_orphans_of(const struct disk_handle *d);

/* ---- disk_reaper.c ---- */
/* Start the reaper thread if it is not running (disk_lock held); on
 * failure the next orphan retries, and until then only I/Os that take
 * the context collect its orphans. */
void disk_reaper_start_locked(void);
/* After fork, in the child: no reaper thread exists (disk_lock held). */
void disk_reaper_forget_locked(void);
/* For tests: stop the reaper from collecting (takers still do), so that
 * collection by the next I/O can be tested deterministically. */
void disk_reaper_set_paused(int paused);

/* ---- disk_buf.c (disk_lock held for the *_locked ones) ---- */
struct disk_buf_hdr *disk_buf_hdr_of(const void *buf);
void disk_buf_io_begin_locked(struct disk_buf_hdr *h);
void disk_buf_io_end_locked(struct disk_buf_hdr *h);
/* For tests: buffers whose free is deferred until their I/O completes. */
uint64_t disk_buf_deferred_count(void);

/* ---- disk_stats.c ---- */
void disk_stats_count_io(int is_write, size_t len);
void disk_stats_count_timeout(void);

/* ---- disk_aio.c: CLOCK_MONOTONIC now in ns ---- */
uint64_t disk_now_ns(void);

#endif /* DISK_INTERNAL_H */
