/*
 * disk_open.c - opening and closing lease storage, and what a handle knows
 * about it: path, block device or file, logical sector size, size.
 *
 * Only regular files and block devices are accepted; anything else is
 * refused with -EINVAL *before* it is opened (stat first), because opening
 * some character devices has side effects (e.g. /dev/watchdog arms the
 * watchdog) and opening a FIFO read-only blocks.  Directories: -EISDIR.
 * The type is checked again with fstat after the open (the path may have
 * been replaced in between).  The open itself uses O_NONBLOCK, cleared
 * right after, so that nothing can make it block.
 *
 * Sector size (ondisk.md 6.3): 512 for a regular file whatever the
 * filesystem; BLKSSZGET (the logical sector size) for a block device,
 * read once at open.
 *
 * A handle holds no AIO state (contexts are shared, disk_ctx.c), so
 * opening and closing are cheap (open, fstat, ioctl / close) and use no
 * kernel AIO resource.
 *
 * Threads: a handle is immutable after disk_open; any thread may use it,
 * several at once (disk.h).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk_internal.h"

/* Sector sizes a block device may report and still be used (the kernel's
 * own range for logical block sizes). */
#define DISK_SECTOR_MIN   512u
#define DISK_SECTOR_MAX   65536u
/* Longest path accepted, with its NUL (SANLK_PATH_LEN of sanlock.h). */
#define DISK_PATH_MAX     1024u

static int disk_check_type(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return -EINVAL;
	return 0;
}

static int disk_probe_sector_size(int fd, int blk, uint32_t *ss)
{
	int v = 0;

	if (!blk) {
		*ss = 512;
		return 0;
	}
	if (ioctl(fd, BLKSSZGET, &v) < 0)
		return -errno;
	if (v < (int)DISK_SECTOR_MIN || v > (int)DISK_SECTOR_MAX ||
	    (v & (v - 1)))
		return -EINVAL;
	*ss = (uint32_t)v;
	return 0;
}

static int disk_open_fd(const char *path, uint32_t flags, struct stat *st)
{
	int oflags, fd, fl, rv;

	oflags = O_SYNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	oflags |= (flags & DISK_OPEN_RDONLY) ? O_RDONLY : O_RDWR;
	if (!(flags & DISK_OPEN_NO_DIRECT))
		oflags |= O_DIRECT;

	fd = open(path, oflags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		rv = -errno;
		goto fail;
	}
	rv = disk_check_type(st);
	if (rv < 0)
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		rv = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return rv;
}

int disk_open(const char *path, uint32_t flags, struct disk_handle **out)
{
	struct disk_handle *d = NULL;
	struct stat st;
	size_t plen;
	int fd = -1, rv;

	if (!path || !out || (flags & ~(DISK_OPEN_RDONLY | DISK_OPEN_NO_DIRECT)))
		return -EINVAL;
	*out = NULL;
	plen = strnlen(path, DISK_PATH_MAX);
	if (plen == 0)
		return -ENOENT;
	if (plen >= DISK_PATH_MAX)
		return -ENAMETOOLONG;

	if (stat(path, &st) < 0)
		return -errno;
	rv = disk_check_type(&st);
	if (rv < 0)
		return rv;

	fd = disk_open_fd(path, flags, &st);
	if (fd < 0)
		return fd;

	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path))) {
		rv = -ENOMEM;
		goto fail;
	}
	d->fd = fd;
	d->flags = flags;
	d->blk = S_ISBLK(st.st_mode);
	rv = disk_probe_sector_size(fd, d->blk, &d->sector_size);
	if (rv < 0)
		goto fail;

	d->id.blk = d->blk;
	d->id.dev = d->blk ? st.st_rdev : st.st_dev;
	d->id.ino = d->blk ? 0 : st.st_ino;
	*out = d;
	return 0;
fail:
	if (d)
		free(d->path);
	free(d);
	close(fd);
	return rv;
}

void disk_close(struct disk_handle *d)
{
	if (!d)
		return;
	/* In-flight iocbs (orphans) hold their own reference to the file
	 * and stay in their pool context until collected. */
	close(d->fd);
	free(d->path);
	free(d);
}

const char *disk_path(const struct disk_handle *d)
{
	return d->path;
}

int disk_sector_size(struct disk_handle *d, uint32_t *ss)
{
	assert(d->sector_size >= DISK_SECTOR_MIN);
	*ss = d->sector_size;
	return 0;
}

int disk_size(struct disk_handle *d, uint64_t *bytes)
{
	struct stat st;

	if (d->blk) {
		uint64_t v = 0;

		if (ioctl(d->fd, BLKGETSIZE64, &v) < 0)
			return -errno;
		*bytes = v;
		return 0;
	}
	if (fstat(d->fd, &st) < 0)
		return -errno;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

int disk_is_blockdev(const struct disk_handle *d)
{
	return d->blk;
}
