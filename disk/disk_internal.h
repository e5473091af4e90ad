/*
 * disk_internal.h - private to disk/ (and its unit test): the structures
 * behind struct disk_handle, the buffer header, the per-handle libaio state
 * and the process-wide orphan list with its reaper thread.
 *
 * Ownership and locking (one rule for the whole module):
 *   - disk_lock() (a single process-wide mutex, disk_reaper.c) guards every
 *     field marked "[L]" below: buffer in-flight/freed flags, iocb slot
 *     states, the orphan count, the busy/closed flags, and the orphan list.
 *   - Other fields of a disk_handle/disk_aio belong to the one thread that
 *     uses the handle (disk.h: one thread at a time).
 *   - io_getevents() on a context is called by exactly one thread at a
 *     time: the owner while aio->busy is set, else the reaper (which
 *     polls without blocking, with disk_lock held, so the owner cannot
 *     become busy in the middle of the poll).
 *
 * Terms: an "orphan" is an iocb whose caller gave up on it (timeout with a
 * failed cancel, or an io_getevents failure): the kernel still owns its
 * iocb and buffer, and its slot stays taken until its completion event is
 * collected, by the owner's next I/O, the reaper, or neither (abandoned).
 */
#ifndef DISK_INTERNAL_H
#define DISK_INTERNAL_H

#include <libaio.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "disk/disk.h"

/* Slots per context: DISK_MAX_INFLIGHT orphans plus the I/O in progress. */
#define DISK_AIO_SLOTS        (DISK_MAX_INFLIGHT + 1)
/* Closed handles whose orphans the reaper is still waiting for.  Beyond
 * this a closed handle's context and buffers are abandoned (never freed,
 * so still memory-safe) and counted in disk_abandoned_count(). */
#define DISK_REAPER_MAX       256
/* How often the reaper polls the contexts on its list. */
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
};

enum disk_iop_state {
	DISK_IOP_FREE = 0,
	DISK_IOP_ACTIVE,        /* submitted, owner waits for it */
	DISK_IOP_DONE,          /* owner's completion collected; res valid */
	DISK_IOP_ORPHAN,        /* abandoned by the owner, still in flight */
};

struct disk_iop {
	struct iocb          cb;     /* kernel reads it until the event is reaped */
	int                  state;  /* [L] enum disk_iop_state */
	int                  is_write;
	long                 res;    /* [L] event result once DONE */
	uint64_t             offset;
	size_t               len;
	struct disk_buf_hdr *buf;
};

/* What a write overlaps with: the same regular file (dev+ino) or the same
 * block device (rdev).  Partitions of one disk are not related. */
struct disk_file_id {
	int   blk;
	dev_t dev;
	ino_t ino;
};

struct disk_aio {
	io_context_t        ctx;
	struct disk_file_id id;
	struct disk_iop     iop[DISK_AIO_SLOTS];
	unsigned            orphans;      /* [L] slots in state ORPHAN */
	int                 busy;         /* [L] owner inside disk_read/write */
	int                 closed;       /* [L] handle closed: reaper owns it */
	int                 listed;       /* [L] on the orphan list */
	struct disk_aio    *prev, *next;  /* [L] orphan list links */
};

struct disk_handle {
	int              fd;
	int              blk;
	uint32_t         flags;
	uint32_t         sector_size;
	char            *path;
	struct disk_aio *aio;
};

/* disk_reaper.c: the lock, the orphan list and the reaper. */
void disk_lock(void);
void disk_unlock(void);
/* Wait (disk_lock held) until an orphan is reaped or until the absolute
 * CLOCK_MONOTONIC deadline in ns (0 = no deadline).  -ETIMEDOUT at the
 * deadline. */
int  disk_wait_reaped_locked(uint64_t deadline_ns);
/* Process io_events of a's context (disk_lock held). */
void disk_aio_collect_locked(struct disk_aio *a, const struct io_event *ev,
			     int n);
/* Non-blocking collection of whatever completed (disk_lock held, a not
 * being waited on by anyone else).  Returns events collected or -errno. */
int  disk_aio_poll_locked(struct disk_aio *a);
/* Turn slot p (ACTIVE) into an orphan (disk_lock held). */
void disk_aio_orphan_locked(struct disk_aio *a, struct disk_iop *p);
/* Find an orphaned write overlapping [offset, offset+len) of file id, on
 * any context of this process (disk_lock held).  Returns its context. */
struct disk_aio *disk_orphan_overlap_locked(const struct disk_file_id *id,
					    uint64_t offset, size_t len);
/* Destroy a's context and free it now, or hand it to the reaper if it
 * still has orphans (takes disk_lock). */
void disk_aio_release(struct disk_aio *a);
/* For tests: stop the reaper from collecting (owners still do), so that
 * the owner's own collection path can be tested deterministically. */
void disk_reaper_set_paused(int paused);
/* For tests: lower the reaper's limit (1..DISK_REAPER_MAX). */
void disk_reaper_set_limit(unsigned n);
/* For tests: closed contexts waiting for the reaper; abandoned ones. */
unsigned disk_reaper_pending(void);
uint64_t disk_abandoned_count(void);

/* disk_buf.c (disk_lock held for the *_locked ones). */
struct disk_buf_hdr *disk_buf_hdr_of(const void *buf);
void disk_buf_io_begin_locked(struct disk_buf_hdr *h);
void disk_buf_io_end_locked(struct disk_buf_hdr *h);
/* For tests: buffers whose free is deferred until their I/O completes. */
uint64_t disk_buf_deferred_count(void);

/* disk_stats.c */
void disk_stats_count_io(int is_write, size_t len);
void disk_stats_count_timeout(void);

/* disk_aio.c: CLOCK_MONOTONIC now in ns. */
uint64_t disk_now_ns(void);

#endif /* DISK_INTERNAL_H */
