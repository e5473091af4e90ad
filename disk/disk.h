/*
 * disk.h - sector I/O on lease storage: files and block devices opened with
 * O_DIRECT | O_SYNC, whole-sector reads and writes through Linux AIO
 * (libaio) with an enforced timeout, the sector size of the device, and
 * aligned I/O buffers whose memory is never returned to the allocator while
 * the kernel may still be writing into it.
 *
 * Why libaio and not io_uring: io_getevents() with a timeout gives exactly
 * the per-I/O deadline the protocols need, io_cancel() the 3.8.5 cancel
 * attempt, it works the same on files and block devices with O_DIRECT, and
 * it is what 3.8.5 uses, so timeout behaviour matches the reference.
 *
 * AIO contexts are shared: the process keeps a small pool of them, one
 * per I/O in progress at a time, not one per open disk (disk_internal.h),
 * so an open handle costs a file descriptor and a few bytes, and holding
 * many disks open uses no fs.aio-nr.
 *
 * Threads: a disk_handle is immutable after disk_open and may be used by
 * any number of threads at once (closing it while in use is a bug).
 * Buffers from disk_buf_alloc may be freed from any thread; the in-flight
 * bookkeeping is guarded by an internal mutex.  After fork() the child
 * starts with an empty pool of its own (the parent's contexts are not
 * inherited by the kernel).
 *
 * Errors: 0 on success, SANLK_AIO_TIMEOUT when the I/O did not complete in
 * time (it may still land later), -ECANCELED when the timed-out I/O was
 * cancelled, or another negative errno (-EAGAIN from io_setup when the
 * system has no AIO context left and the process has none yet).
 */
#ifndef DISK_H
#define DISK_H

#include <stddef.h>
#include <stdint.h>

#include "sanlock_rv.h"

#define DISK_BUF_ALIGN       4096
/* Timed-out I/Os still in flight to one file or device, in the whole
 * process; past it, I/O to that storage fails with SANLK_AIO_TIMEOUT
 * without being issued. */
#define DISK_MAX_INFLIGHT    64

struct disk_handle;

#define DISK_OPEN_RDONLY     0x1    /* O_RDONLY instead of O_RDWR */
#define DISK_OPEN_NO_DIRECT  0x2    /* no O_DIRECT (tmpfs etc.; tests only) */

/* Open path (file or block device).  Directories: -EISDIR; missing: -ENOENT;
 * permission: -EACCES / -EROFS. */
int  disk_open(const char *path, uint32_t flags, struct disk_handle **out);
/* Close; I/O still in flight stays in its pool context (the kernel holds
 * the file) until the disk layer collects it. */
void disk_close(struct disk_handle *d);
const char *disk_path(const struct disk_handle *d);

/* Logical sector size: 512 for a regular file (sanlock's rule), BLKSSZGET
 * for a block device. */
int  disk_sector_size(struct disk_handle *d, uint32_t *ss);
/* Size in bytes (st_size, or BLKGETSIZE64). */
int  disk_size(struct disk_handle *d, uint64_t *bytes);
int  disk_is_blockdev(const struct disk_handle *d);

/* Aligned buffer of len bytes (DISK_BUF_ALIGN).  disk_buf_free of a buffer
 * whose I/O timed out defers the real free until the kernel completes it.
 * A buffer passed to a read that timed out has undefined contents. */
void *disk_buf_alloc(size_t len);
void  disk_buf_free(void *buf);
/* The same, but never on huge pages (see disk_buf.c): for buffers kept
 * long, where resident memory counts more than I/O segmentation. */
void *disk_buf_alloc_small(size_t len);

/* Whole-sector I/O: offset and len must be multiples of the handle's sector
 * size (else -EINVAL) and buf must come from disk_buf_alloc.  timeout_sec
 * <= 0 means wait forever. */
int  disk_read(struct disk_handle *d, uint64_t offset, void *buf, size_t len,
	       int timeout_sec);
int  disk_write(struct disk_handle *d, uint64_t offset, const void *buf,
		size_t len, int timeout_sec);

/* Writes in one disk_write_batch call. */
#define DISK_BATCH_MAX       2

/* One write of a batch: offset, buf, len in; rv out. */
struct disk_wreq {
	uint64_t    offset;
	const void *buf;
	size_t      len;
	int         rv;
};

/* n (1..DISK_BATCH_MAX) whole-sector writes to d, submitted with one
 * io_submit and waited for together, all with the same deadline (now +
 * timeout_sec; <= 0: none).  Each gets in w[i].rv what disk_write would
 * have returned for it: 0, SANLK_AIO_TIMEOUT, -ECANCELED, -EBUSY (its
 * buffer is an orphan's: that write alone is not issued) or -errno.  The
 * writes may land in any order.
 *
 * The batch is all or nothing before submission: if a write overlaps an
 * orphaned write (no overtaking), the whole batch waits for it and, at
 * the deadline, none is issued (all SANLK_AIO_TIMEOUT); the per-file
 * orphan limit and the pool count the n writes together.
 *
 * Returns 0 when the call is well formed (results in w[i].rv), else
 * -EINVAL with every w[i].rv (i < n) set to -EINVAL and nothing issued:
 * w NULL, n out of range, any write failing disk_write's argument checks,
 * two writes with overlapping ranges or the same buffer. */
int  disk_write_batch(struct disk_handle *d, struct disk_wreq *w, int n,
		      int timeout_sec);

/* Counters for benchmarks and tests (whole process). */
struct disk_stats {
	uint64_t reads, writes, read_bytes, write_bytes, timeouts;
};
void disk_stats_get(struct disk_stats *out);

#endif /* DISK_H */
