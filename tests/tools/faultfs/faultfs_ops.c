/*
 * faultfs_ops.c - owns the FUSE operation table: a pass-through of the
 * backing directory where every read and write first goes through
 * faultfs_io_gate (fault rules) and is counted by faultfs_io_done.
 *
 * Threads: the operations run on libfuse's worker threads, concurrently.
 * Shared state: faultfs_backing_fd (set before mount, read only
 * afterwards) and the list of open handles (faultfs_fh_lock).  Each open
 * file has a struct faultfs_fh (fi->fh) owned by the kernel's file handle:
 * created by open/create, freed by release - or by faultfs_ops_cleanup when
 * the loop ended while files were still open (SIGTERM on a busy mount).
 *
 * Choices (README.md explains them):
 *  - every file is opened with direct_io: the kernel sends each read/write
 *    to us unchanged (no page cache), and O_DIRECT opens and aio work;
 *  - backing files are opened with O_SYNC (O_DIRECT dropped): a write is
 *    on stable storage before it is acknowledged, like the caller's
 *    O_DIRECT|O_SYNC write would be on a disk;
 *  - rules match the name a file was opened under (kept in the handle), so
 *    read/write need no path (nullpath_ok) and libfuse holds no path locks
 *    while a request is hung.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "faultfs_ops.h"
#include "faultfs_rules.h"

struct faultfs_fh {
	struct faultfs_fh *prev, *next;   /* faultfs_open_list */
	int fd;
	char name[];        /* path relative to the mount, no leading '/' */
};

static int faultfs_backing_fd = -1;
static pthread_mutex_t faultfs_fh_lock = PTHREAD_MUTEX_INITIALIZER;
static struct faultfs_fh faultfs_open_list = {
	.prev = &faultfs_open_list, .next = &faultfs_open_list,
};

static void faultfs_fh_link(struct faultfs_fh *fh)
{
	pthread_mutex_lock(&faultfs_fh_lock);
	fh->next = &faultfs_open_list;
	fh->prev = faultfs_open_list.prev;
	fh->prev->next = fh;
	faultfs_open_list.prev = fh;
	pthread_mutex_unlock(&faultfs_fh_lock);
}

static void faultfs_fh_free(struct faultfs_fh *fh)
{
	pthread_mutex_lock(&faultfs_fh_lock);
	fh->prev->next = fh->next;
	fh->next->prev = fh->prev;
	pthread_mutex_unlock(&faultfs_fh_lock);
	close(fh->fd);
	free(fh);
}

void faultfs_ops_cleanup(void)
{
	while (faultfs_open_list.next != &faultfs_open_list)
		faultfs_fh_free(faultfs_open_list.next);
}

void faultfs_ops_set_backing(int dirfd)
{
	faultfs_backing_fd = dirfd;
}

/* "/a/b" -> "a/b"; "/" -> "." (relative to faultfs_backing_fd). */
static const char *faultfs_rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static struct faultfs_fh *faultfs_fh_of(struct fuse_file_info *fi)
{
	return (struct faultfs_fh *)(uintptr_t)fi->fh;
}

static int faultfs_errno(int rv)
{
	return rv < 0 ? -errno : rv;
}

static void *faultfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->use_ino = 1;
	cfg->nullpath_ok = 1;
	cfg->hard_remove = 1;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->auto_cache = 0;
	/* The backing files change behind our back (tests write them
	 * directly): never cache names or attributes. */
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->attr_timeout = 0;
	conn->want |= conn->capable & FUSE_CAP_ASYNC_DIO;
	conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
	conn->max_background = FAULTFS_MAX_BACKGROUND;
	conn->congestion_threshold = FAULTFS_CONGESTION_THRESHOLD;
	return NULL;
}

static int faultfs_getattr(const char *path, struct stat *st,
			   struct fuse_file_info *fi)
{
	if (fi)
		return faultfs_errno(fstat(faultfs_fh_of(fi)->fd, st));
	return faultfs_errno(fstatat(faultfs_backing_fd, faultfs_rel(path), st,
				     AT_SYMLINK_NOFOLLOW));
}

static int faultfs_readlink(const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	n = readlinkat(faultfs_backing_fd, faultfs_rel(path), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int faultfs_mknod(const char *path, mode_t mode, dev_t rdev)
{
	return faultfs_errno(mknodat(faultfs_backing_fd, faultfs_rel(path),
				     mode, rdev));
}

static int faultfs_mkdir(const char *path, mode_t mode)
{
	return faultfs_errno(mkdirat(faultfs_backing_fd, faultfs_rel(path),
				     mode));
}

static int faultfs_unlink(const char *path)
{
	return faultfs_errno(unlinkat(faultfs_backing_fd, faultfs_rel(path), 0));
}

static int faultfs_rmdir(const char *path)
{
	return faultfs_errno(unlinkat(faultfs_backing_fd, faultfs_rel(path),
				      AT_REMOVEDIR));
}

static int faultfs_symlink(const char *target, const char *path)
{
	return faultfs_errno(symlinkat(target, faultfs_backing_fd,
				       faultfs_rel(path)));
}

static int faultfs_rename(const char *from, const char *to, unsigned flags)
{
	return faultfs_errno(renameat2(faultfs_backing_fd, faultfs_rel(from),
				       faultfs_backing_fd, faultfs_rel(to),
				       flags));
}

static int faultfs_link(const char *from, const char *to)
{
	return faultfs_errno(linkat(faultfs_backing_fd, faultfs_rel(from),
				    faultfs_backing_fd, faultfs_rel(to), 0));
}

static int faultfs_chmod(const char *path, mode_t mode,
			 struct fuse_file_info *fi)
{
	if (fi)
		return faultfs_errno(fchmod(faultfs_fh_of(fi)->fd, mode));
	return faultfs_errno(fchmodat(faultfs_backing_fd, faultfs_rel(path),
				      mode, 0));
}

static int faultfs_chown(const char *path, uid_t uid, gid_t gid,
			 struct fuse_file_info *fi)
{
	if (fi)
		return faultfs_errno(fchown(faultfs_fh_of(fi)->fd, uid, gid));
	return faultfs_errno(fchownat(faultfs_backing_fd, faultfs_rel(path),
				      uid, gid, AT_SYMLINK_NOFOLLOW));
}

static int faultfs_truncate(const char *path, off_t size,
			    struct fuse_file_info *fi)
{
	int fd, rv;

	if (fi)
		return faultfs_errno(ftruncate(faultfs_fh_of(fi)->fd, size));
	fd = openat(faultfs_backing_fd, faultfs_rel(path),
		    O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	rv = faultfs_errno(ftruncate(fd, size));
	close(fd);
	return rv;
}

static int faultfs_utimens(const char *path, const struct timespec tv[2],
			   struct fuse_file_info *fi)
{
	if (fi)
		return faultfs_errno(futimens(faultfs_fh_of(fi)->fd, tv));
	return faultfs_errno(utimensat(faultfs_backing_fd, faultfs_rel(path),
				       tv, AT_SYMLINK_NOFOLLOW));
}

/* Open the backing file and attach a handle to FI. */
static int faultfs_open_common(const char *path, int flags, mode_t mode,
			       struct fuse_file_info *fi)
{
	const char *rel = faultfs_rel(path);
	struct faultfs_fh *fh;
	size_t len = strlen(rel);
	int fd;

	/* The kernel positions O_APPEND writes; the backing side must write
	 * at the offset it sends.  O_DIRECT is not needed on the backing
	 * file (the kernel already bypasses its cache for us) and is refused
	 * by tmpfs. */
	flags &= ~(O_DIRECT | O_APPEND | O_NOCTTY);
	fd = openat(faultfs_backing_fd, rel, flags | O_SYNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	fh = malloc(sizeof(*fh) + len + 1);
	if (!fh) {
		close(fd);
		return -ENOMEM;
	}
	fh->fd = fd;
	memcpy(fh->name, rel, len + 1);
	faultfs_fh_link(fh);
	fi->fh = (uint64_t)(uintptr_t)fh;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

static int faultfs_open(const char *path, struct fuse_file_info *fi)
{
	return faultfs_open_common(path, fi->flags & ~(O_CREAT | O_EXCL), 0, fi);
}

static int faultfs_create(const char *path, mode_t mode,
			  struct fuse_file_info *fi)
{
	return faultfs_open_common(path, fi->flags | O_CREAT, mode, fi);
}

static int faultfs_read(const char *path, char *buf, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct faultfs_fh *fh = faultfs_fh_of(fi);
	size_t done = 0;
	long rv;

	rv = faultfs_io_gate(fh->name, FAULTFS_OP_READ, (uint64_t)off, size);
	while (rv == 0 && done < size) {
		ssize_t n = pread(fh->fd, buf + done, size - done,
				  off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rv = -errno;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (rv == 0)
		rv = (long)done;
	faultfs_io_done(fh->name, FAULTFS_OP_READ, rv);
	return (int)rv;
}

static int faultfs_write(const char *path, const char *buf, size_t size,
			 off_t off, struct fuse_file_info *fi)
{
	struct faultfs_fh *fh = faultfs_fh_of(fi);
	size_t done = 0;
	long rv;

	rv = faultfs_io_gate(fh->name, FAULTFS_OP_WRITE, (uint64_t)off, size);
	while (rv == 0 && done < size) {
		ssize_t n = pwrite(fh->fd, buf + done, size - done,
				   off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rv = -errno;
			break;
		}
		if (n == 0) {
			rv = -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (rv == 0)
		rv = (long)done;
	faultfs_io_done(fh->name, FAULTFS_OP_WRITE, rv);
	return (int)rv;
}

static int faultfs_statfs(const char *path, struct statvfs *sv)
{
	return faultfs_errno(fstatvfs(faultfs_backing_fd, sv));
}

static int faultfs_flush(const char *path, struct fuse_file_info *fi)
{
	return 0;    /* writes are synchronous on the backing file (O_SYNC) */
}

static int faultfs_release(const char *path, struct fuse_file_info *fi)
{
	faultfs_fh_free(faultfs_fh_of(fi));
	return 0;
}

static int faultfs_fsync(const char *path, int datasync,
			 struct fuse_file_info *fi)
{
	int fd = faultfs_fh_of(fi)->fd;

	return faultfs_errno(datasync ? fdatasync(fd) : fsync(fd));
}

static int faultfs_fallocate(const char *path, int mode, off_t off,
			     off_t len, struct fuse_file_info *fi)
{
	return faultfs_errno(fallocate(faultfs_fh_of(fi)->fd, mode, off, len));
}

static int faultfs_opendir(const char *path, struct fuse_file_info *fi)
{
	DIR *d;
	int fd;

	fd = openat(faultfs_backing_fd, faultfs_rel(path),
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return -e;
	}
	fi->fh = (uint64_t)(uintptr_t)d;
	return 0;
}

static int faultfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
			   off_t off, struct fuse_file_info *fi,
			   enum fuse_readdir_flags flags)
{
	DIR *d = (DIR *)(uintptr_t)fi->fh;
	struct dirent *de;

	/* Offset 0 to the filler: libfuse buffers the whole listing, so
	 * every call starts from the beginning. */
	rewinddir(d);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		struct stat st = { .st_ino = de->d_ino,
				   .st_mode = (mode_t)DTTOIF(de->d_type) };

		if (fill(buf, de->d_name, &st, 0, 0))
			break;
		errno = 0;
	}
	return -errno;
}

static int faultfs_releasedir(const char *path, struct fuse_file_info *fi)
{
	closedir((DIR *)(uintptr_t)fi->fh);
	return 0;
}

const struct fuse_operations faultfs_ops = {
	.init = faultfs_init,
	.getattr = faultfs_getattr,
	.readlink = faultfs_readlink,
	.mknod = faultfs_mknod,
	.mkdir = faultfs_mkdir,
	.unlink = faultfs_unlink,
	.rmdir = faultfs_rmdir,
	.symlink = faultfs_symlink,
	.rename = faultfs_rename,
	.link = faultfs_link,
	.chmod = faultfs_chmod,
	.chown = faultfs_chown,
	.truncate = faultfs_truncate,
	.utimens = faultfs_utimens,
	.open = faultfs_open,
	.create = faultfs_create,
	.read = faultfs_read,
	.write = faultfs_write,
	.statfs = faultfs_statfs,
	.flush = faultfs_flush,
	.release = faultfs_release,
	.fsync = faultfs_fsync,
	.fallocate = faultfs_fallocate,
	.opendir = faultfs_opendir,
	.readdir = faultfs_readdir,
	.releasedir = faultfs_releasedir,
};
