/*
 * disk_buf.c - aligned I/O buffers whose memory outlives a timed-out I/O.
 *
 * Layout: posix_memalign(DISK_BUF_ALIGN) of DISK_BUF_ALIGN + len bytes; the
 * first DISK_BUF_ALIGN bytes hold a struct disk_buf_hdr, the caller gets the
 * aligned region after it.  The header's in_flight flag is set while the
 * kernel may touch the data; disk_buf_free of such a buffer only sets
 * `freed`, and the memory is returned by disk_buf_io_end_locked when the
 * completion is finally collected (owner's next I/O, reaper) - or never, if
 * the I/O never completes.
 *
 * Locking: in_flight, freed and disk_buf_deferred are guarded by
 * disk_lock() (disk_reaper.c).  magic and len are written once at
 * allocation.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk_internal.h"

/* Largest buffer we hand out: well above any lease area (8 MiB align x
 * 4 disks), low enough that DISK_BUF_ALIGN + len cannot overflow. */
#define DISK_BUF_MAX_LEN   (1024u * 1024u * 1024u)

_Static_assert(sizeof(struct disk_buf_hdr) <= DISK_BUF_ALIGN,
	       "buffer header must fit in front of the aligned region");

static uint64_t disk_buf_deferred;   /* [disk_lock] freed while in flight */

struct disk_buf_hdr *disk_buf_hdr_of(const void *buf)
{
	return (struct disk_buf_hdr *)((char *)buf - DISK_BUF_ALIGN);
}

void *disk_buf_alloc(size_t len)
{
	void *raw = NULL;
	struct disk_buf_hdr *h;

	if (len == 0 || len > DISK_BUF_MAX_LEN) {
		errno = EINVAL;
		return NULL;
	}
	if (posix_memalign(&raw, DISK_BUF_ALIGN, DISK_BUF_ALIGN + len)) {
		errno = ENOMEM;
		return NULL;
	}
	memset(raw, 0, DISK_BUF_ALIGN + len);
	h = raw;
	h->magic = DISK_BUF_MAGIC;
	h->len = len;
	return (char *)raw + DISK_BUF_ALIGN;
}

static void disk_buf_release(struct disk_buf_hdr *h)
{
	h->magic = DISK_BUF_DEAD;
	free(h);
}

void disk_buf_free(void *buf)
{
	struct disk_buf_hdr *h;

	if (!buf)
		return;
	h = disk_buf_hdr_of(buf);
	assert(h->magic == DISK_BUF_MAGIC);   /* not ours, or double free */

	disk_lock();
	assert(!h->freed);
	if (h->in_flight) {
		h->freed = 1;
		disk_buf_deferred++;
		disk_unlock();
		return;
	}
	disk_unlock();
	disk_buf_release(h);
}

void disk_buf_io_begin_locked(struct disk_buf_hdr *h)
{
	assert(h->magic == DISK_BUF_MAGIC);
	assert(!h->in_flight && !h->freed);
	h->in_flight = 1;
}

void disk_buf_io_end_locked(struct disk_buf_hdr *h)
{
	assert(h->magic == DISK_BUF_MAGIC);
	assert(h->in_flight);
	h->in_flight = 0;
	if (h->freed) {
		assert(disk_buf_deferred > 0);
		disk_buf_deferred--;
		disk_buf_release(h);
	}
}

uint64_t disk_buf_deferred_count(void)
{
	uint64_t n;

	disk_lock();
	n = disk_buf_deferred;
	disk_unlock();
	return n;
}
