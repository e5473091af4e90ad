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
 * Large buffers (DISK_BUF_HUGE_MIN and up: lease areas) are mmap'd
 * instead, the data on a 2 MiB boundary (header in the page before it)
 * with MADV_HUGEPAGE: a 1 MiB O_DIRECT read into 4 KiB pages is split by
 * the block layer (256 segments), into one huge page it is not, and the
 * buffer costs one page fault instead of 256.  Fresh anonymous memory is
 * zero, so no memset.  Without transparent huge pages the madvise fails
 * harmlessly and the buffer is an ordinary mapping.
 * disk_buf_alloc_small never does this: a buffer kept for as long as a
 * lockspace is joined would hold a whole 2 MiB huge page for 1 MiB of
 * data (RSS counts more than the I/O split there).
 *
 * Locking: in_flight, freed and disk_buf_deferred are guarded by
 * disk_lock() (disk_reaper.c).  magic and len are written once at
 * allocation.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "disk/disk_internal.h"

/* Largest buffer we hand out: well above any lease area (8 MiB align x
 * 4 disks), low enough that DISK_BUF_ALIGN + len cannot overflow. */
#define DISK_BUF_MAX_LEN   (1024u * 1024u * 1024u)

/* Buffers of this size and above get their own huge-page-aligned mapping. */
#define DISK_BUF_HUGE_MIN  (512u * 1024u)
#define DISK_BUF_HUGE      (2u * 1024u * 1024u)

_Static_assert(sizeof(struct disk_buf_hdr) <= DISK_BUF_ALIGN,
	       "buffer header must fit in front of the aligned region");

static uint64_t disk_buf_deferred;   /* [disk_lock] freed while in flight */

struct disk_buf_hdr *disk_buf_hdr_of(const void *buf)
{
	return (struct disk_buf_hdr *)((char *)buf - DISK_BUF_ALIGN);
}

/* A large buffer: data on a DISK_BUF_HUGE boundary inside its own
 * mapping, the header in the DISK_BUF_ALIGN bytes before the data. */
static void *disk_buf_alloc_huge(size_t len)
{
	size_t data_len = (len + DISK_BUF_HUGE - 1) & ~(size_t)(DISK_BUF_HUGE - 1);
	size_t map_len = data_len + DISK_BUF_HUGE;
	char *base, *data;
	struct disk_buf_hdr *h;

	base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	data = (char *)(((uintptr_t)base + DISK_BUF_ALIGN + DISK_BUF_HUGE - 1) &
			~(uintptr_t)(DISK_BUF_HUGE - 1));
	assert(data - DISK_BUF_ALIGN >= base && data + len <= base + map_len);
	(void)madvise(data, data_len, MADV_HUGEPAGE);   /* best effort */
	h = (struct disk_buf_hdr *)(data - DISK_BUF_ALIGN);
	h->magic = DISK_BUF_MAGIC;
	h->len = len;
	h->map_base = base;
	h->map_len = map_len;
	return data;
}

/* A heap buffer (small pages): the header in the DISK_BUF_ALIGN bytes
 * before the data. */
static void *disk_buf_alloc_heap(size_t len)
{
	void *raw = NULL;
	struct disk_buf_hdr *h;

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

void *disk_buf_alloc(size_t len)
{
	if (len == 0 || len > DISK_BUF_MAX_LEN) {
		errno = EINVAL;
		return NULL;
	}
	if (len >= DISK_BUF_HUGE_MIN)
		return disk_buf_alloc_huge(len);
	return disk_buf_alloc_heap(len);
}

void *disk_buf_alloc_small(size_t len)
{
	if (len == 0 || len > DISK_BUF_MAX_LEN) {
		errno = EINVAL;
		return NULL;
	}
	return disk_buf_alloc_heap(len);
}

static void disk_buf_release(struct disk_buf_hdr *h)
{
	h->magic = DISK_BUF_DEAD;
	if (h->map_base) {
		int rv = munmap(h->map_base, h->map_len);

		assert(rv == 0);
		(void)rv;
		return;
	}
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
