/*
 * test_disk.c - unit tests of disk/: open errors, whole-sector I/O on files
 * and on loop block devices (512 and 4096-byte sectors), and I/O timeouts
 * on storage that hangs.
 *
 * Hanging storage: the kernel here has no device-mapper, so a write is
 * made to hang with a loop device whose backing file lives on an ext4
 * image that is itself loop-mounted and frozen (fsfreeze): the loop
 * worker blocks in the frozen filesystem until it is thawed.  Tests that
 * need root tools (losetup, mkfs.ext4, mount, fsfreeze, chattr) skip with
 * a printed reason when a tool is refused.  Every fixture is undone in
 * the test's teardown (and by an atexit handler), thaw first: a process
 * cannot exit while its AIO is stuck on a frozen filesystem.
 *
 * Shared AIO contexts (disk_internal.h): several handles issue I/O through
 * one context (the pool limited to one with disk_ctx_set_limit), a
 * timed-out I/O of one handle leaves the others' I/O alone, completions
 * are routed by iocb, many threads do I/O at once, a forked child gets a
 * pool of its own.
 *
 * Batches (disk_write_batch): two writes in one io_submit land on files
 * and loop devices, a malformed batch is refused whole, a batch on
 * hanging storage times out per write, waits for (and never overtakes)
 * an orphan overlapping one of its writes, and counts its writes together
 * against the per-file orphan limit and a context's room.
 *
 * Runs single-threaded except where a test starts its own threads (and
 * the disk layer's reaper thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "disk/disk.h"
#include "disk/disk_internal.h"

#define TD_MAX_CMD      2048
#define TD_WAIT_LOOPS   200      /* x 50 ms: how long to wait for the reaper */

#define TD_PATH         256      /* test paths: td_dir (< 64) + a name */

static char td_dir[64];

/* ---------- helpers ---------- */

static double td_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int td_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int td_sh(const char *fmt, ...)
{
	char cmd[TD_MAX_CMD];
	va_list ap;
	int rv;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rv = system(cmd);
	return (rv != -1 && WIFEXITED(rv)) ? WEXITSTATUS(rv) : -1;
}

/* Run a command and keep the first line of its stdout. */
static int td_sh_out(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int td_sh_out(char *out, size_t n, const char *fmt, ...)
{
	char cmd[TD_MAX_CMD];
	va_list ap;
	FILE *f;
	int rv;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = 0;
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (!fgets(out, (int)n, f))
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	rv = pclose(f);
	return (rv != -1 && WIFEXITED(rv) && out[0]) ? WEXITSTATUS(rv) : -1;
}

static void td_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", td_dir, name);
}

static void td_make_file(const char *path, off_t size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static void td_fill(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 9));
}

static int td_loop_attach(const char *file, int ss, char *dev, size_t n)
{
	return td_sh_out(dev, n, "losetup --sector-size %d -f --show %s 2>/dev/null",
			 ss, file);
}

static void td_loop_detach(const char *dev)
{
	if (dev[0])
		td_sh("losetup -d %s 2>/dev/null", dev);
}

/* Orphans (timed-out I/Os in flight) of d's file or device. */
static unsigned td_orphans(struct disk_handle *d)
{
	return disk_orphans_of(d);
}

/* Poll (bounded) until cond() holds. */
static int td_wait_for(int (*cond)(void))
{
	int i;

	for (i = 0; i < TD_WAIT_LOOPS; i++) {
		if (cond())
			return 1;
		usleep(50 * 1000);
	}
	return cond();
}

static int td_reaper_idle(void)
{
	return disk_orphan_count() == 0;
}

static int td_no_deferred(void)
{
	return disk_buf_deferred_count() == 0;
}

/* A healthy file beside the hanging device: I/O to it must not notice. */
static struct disk_handle *td_open_healthy(const char *name)
{
	char path[TD_PATH];
	struct disk_handle *d;

	td_path(path, sizeof(path), name);
	td_make_file(path, 1 << 20);
	assert_int_equal(disk_open(path, 0, &d), 0);
	return d;
}

/* Write a pattern to sector i of d and read it back (timeout 5 s). */
static void td_rw_check(struct disk_handle *d, uint64_t sector, unsigned seed,
			void *w, void *r)
{
	td_fill(w, 512, seed);
	assert_int_equal(disk_write(d, 512 * sector, w, 512, 5), 0);
	memset(r, 0, 512);
	assert_int_equal(disk_read(d, 512 * sector, r, 512, 5), 0);
	assert_memory_equal(w, r, 512);
}

/* A fresh 512-byte buffer holding pattern seed. */
static void *td_buf512(unsigned seed)
{
	void *b = disk_buf_alloc(512);

	assert_non_null(b);
	td_fill(b, 512, seed);
	return b;
}

static void td_wreq(struct disk_wreq *w, uint64_t offset, const void *buf,
		    size_t len)
{
	w->offset = offset;
	w->buf = buf;
	w->len = len;
	w->rv = 1;                   /* not a result: must be overwritten */
}

/* Two writes in one batch to d (sector size ss), listed out of order:
 * sectors 2-3, then the adjacent sector 1; both land, the stats count two
 * writes and no read.  Then a batch of one with no timeout. */
static void td_batch_roundtrip(struct disk_handle *d, uint32_t ss,
			       unsigned seed)
{
	struct disk_wreq w[DISK_BATCH_MAX];
	struct disk_stats s0, s1;
	void *a = disk_buf_alloc(ss), *b = disk_buf_alloc(2 * ss);
	void *r = disk_buf_alloc(2 * ss);

	td_fill(a, ss, seed);
	td_fill(b, 2 * ss, seed + 1);
	td_wreq(&w[0], 2 * (uint64_t)ss, b, 2 * (size_t)ss);
	td_wreq(&w[1], ss, a, ss);
	disk_stats_get(&s0);
	assert_int_equal(disk_write_batch(d, w, 2, 5), 0);
	disk_stats_get(&s1);
	assert_int_equal(w[0].rv, 0);
	assert_int_equal(w[1].rv, 0);
	assert_int_equal(s1.writes - s0.writes, 2);
	assert_int_equal(s1.write_bytes - s0.write_bytes, 3 * (uint64_t)ss);
	assert_int_equal(s1.reads, s0.reads);
	assert_int_equal(s1.timeouts, s0.timeouts);
	assert_int_equal(disk_read(d, ss, r, ss, 5), 0);
	assert_memory_equal(r, a, ss);
	assert_int_equal(disk_read(d, 2 * (uint64_t)ss, r, 2 * (size_t)ss, 5), 0);
	assert_memory_equal(r, b, 2 * (size_t)ss);

	td_fill(a, ss, seed + 2);
	td_wreq(&w[0], 5 * (uint64_t)ss, a, ss);
	assert_int_equal(disk_write_batch(d, w, 1, 0), 0);
	assert_int_equal(w[0].rv, 0);
	assert_int_equal(disk_read(d, 5 * (uint64_t)ss, r, ss, 5), 0);
	assert_memory_equal(r, a, ss);
	disk_stats_get(&s0);
	assert_int_equal(s0.writes - s1.writes, 1);
	disk_buf_free(a);
	disk_buf_free(b);
	disk_buf_free(r);
}

/* ---------- group fixture ---------- */

static int td_group_setup(void **state)
{
	snprintf(td_dir, sizeof(td_dir), "/tmp/test_disk.XXXXXX");
	if (!mkdtemp(td_dir))
		return -1;
	chmod(td_dir, 0755);   /* the setuid test needs to reach files */
	return 0;
}

static int td_group_teardown(void **state)
{
	if (td_dir[0])
		td_sh("rm -rf %s", td_dir);
	return 0;
}

/* ---------- buffers, arguments, open errors ---------- */

static void test_buf_alloc(void **state)
{
	unsigned char *b = disk_buf_alloc(8192);
	size_t i;

	assert_non_null(b);
	assert_int_equal((uintptr_t)b % DISK_BUF_ALIGN, 0);
	for (i = 0; i < 8192; i++)
		assert_int_equal(b[i], 0);
	disk_buf_free(b);
	disk_buf_free(NULL);
	assert_null(disk_buf_alloc(0));
}

static void test_file_roundtrip(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	struct disk_stats s0, s1;
	uint32_t ss = 0;
	uint64_t size = 0;
	void *w = disk_buf_alloc(4096), *r = disk_buf_alloc(4096);

	td_path(path, sizeof(path), "rt.img");
	td_make_file(path, 1 << 20);
	assert_int_equal(disk_open(path, 0, &d), 0);
	assert_string_equal(disk_path(d), path);
	assert_int_equal(disk_is_blockdev(d), 0);
	assert_int_equal(disk_sector_size(d, &ss), 0);
	assert_int_equal(ss, 512);
	assert_int_equal(disk_size(d, &size), 0);
	assert_int_equal(size, 1 << 20);

	disk_stats_get(&s0);
	td_fill(w, 4096, 1);
	assert_int_equal(disk_write(d, 512 * 3, w, 1536, 5), 0);
	assert_int_equal(disk_read(d, 512 * 3, r, 1536, 5), 0);
	assert_memory_equal(w, r, 1536);
	/* whole buffer, no timeout */
	td_fill(w, 4096, 2);
	assert_int_equal(disk_write(d, 1 << 19, w, 4096, 0), 0);
	assert_int_equal(disk_read(d, 1 << 19, r, 4096, 0), 0);
	assert_memory_equal(w, r, 4096);
	disk_stats_get(&s1);
	assert_int_equal(s1.writes - s0.writes, 2);
	assert_int_equal(s1.reads - s0.reads, 2);
	assert_int_equal(s1.write_bytes - s0.write_bytes, 1536 + 4096);
	assert_int_equal(s1.read_bytes - s0.read_bytes, 1536 + 4096);
	assert_int_equal(s1.timeouts, s0.timeouts);
	disk_close(d);

	/* the bytes really reached the file */
	{
		unsigned char tmp[4096];
		int fd = open(path, O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(pread(fd, tmp, 4096, 1 << 19), 4096);
		assert_memory_equal(tmp, w, 4096);
		close(fd);
	}
	disk_buf_free(w);
	disk_buf_free(r);
}

static void test_no_direct(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	void *w = disk_buf_alloc(512), *r = disk_buf_alloc(512);

	td_path(path, sizeof(path), "nd.img");
	td_make_file(path, 8192);
	assert_int_equal(disk_open(path, DISK_OPEN_NO_DIRECT, &d), 0);
	td_fill(w, 512, 3);
	assert_int_equal(disk_write(d, 1024, w, 512, 5), 0);
	assert_int_equal(disk_read(d, 1024, r, 512, 5), 0);
	assert_memory_equal(w, r, 512);
	disk_close(d);
	disk_buf_free(w);
	disk_buf_free(r);
}

static void test_bad_args(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	void *b = disk_buf_alloc(1024);

	td_path(path, sizeof(path), "args.img");
	td_make_file(path, 65536);
	assert_int_equal(disk_open(path, 0, &d), 0);
	assert_int_equal(disk_read(d, 100, b, 512, 1), -EINVAL);
	assert_int_equal(disk_read(d, 0, b, 100, 1), -EINVAL);
	assert_int_equal(disk_write(d, 0, b, 513, 1), -EINVAL);
	assert_int_equal(disk_write(d, 0, b, 0, 1), -EINVAL);
	assert_int_equal(disk_read(d, 0, b, 2048, 1), -EINVAL);   /* > buffer */
	assert_int_equal(disk_read(d, 0, NULL, 512, 1), -EINVAL);
	assert_int_equal(disk_read(d, UINT64_MAX - 511, b, 512, 1), -EINVAL);
	/* reading past the end of a file is short: -EIO */
	assert_int_equal(disk_read(d, 65536 - 512, b, 1024, 1), -EIO);
	disk_close(d);
	disk_buf_free(b);
}

static void test_batch_file(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;

	td_path(path, sizeof(path), "batch.img");
	td_make_file(path, 1 << 20);
	assert_int_equal(disk_open(path, 0, &d), 0);
	td_batch_roundtrip(d, 512, 100);
	disk_close(d);
}

/* A malformed batch: -EINVAL, every rv it has -EINVAL, nothing written. */
static void td_batch_refused(struct disk_handle *d, struct disk_wreq *w,
			     int n)
{
	int i;

	assert_int_equal(disk_write_batch(d, w, n, 1), -EINVAL);
	for (i = 0; i < n; i++)
		assert_int_equal(w[i].rv, -EINVAL);
}

static void test_batch_bad_args(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	struct disk_wreq w[DISK_BATCH_MAX + 1];
	struct disk_stats s0, s1;
	unsigned char zero[4096], tmp[4096];
	void *a = disk_buf_alloc(1024), *b = disk_buf_alloc(1024);
	void *c = disk_buf_alloc(512);
	int fd;

	td_path(path, sizeof(path), "batch_args.img");
	td_make_file(path, 65536);
	assert_int_equal(disk_open(path, 0, &d), 0);
	td_fill(a, 1024, 110);
	td_fill(b, 1024, 111);
	td_fill(c, 512, 112);
	disk_stats_get(&s0);

	assert_int_equal(disk_write_batch(d, NULL, 1, 1), -EINVAL);
	/* n out of range: no rv for n <= 0, all n of them for n too large */
	td_wreq(&w[0], 0, a, 512);
	assert_int_equal(disk_write_batch(d, w, 0, 1), -EINVAL);
	assert_int_equal(w[0].rv, 1);
	assert_int_equal(disk_write_batch(d, w, -1, 1), -EINVAL);
	assert_int_equal(w[0].rv, 1);
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 1024, b, 512);
	td_wreq(&w[2], 2048, c, 512);
	td_batch_refused(d, w, DISK_BATCH_MAX + 1);
	/* overlapping ranges, partly or wholly */
	td_wreq(&w[0], 0, a, 1024);
	td_wreq(&w[1], 512, b, 512);
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 1024, a, 512);
	td_wreq(&w[1], 1024, b, 512);
	td_batch_refused(d, w, 2);
	/* one bad write refuses the good one too */
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 100, b, 512);              /* misaligned offset */
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 4096, b, 100);             /* partial sector */
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 4096, c, 1024);            /* longer than its buffer */
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 4096, NULL, 512);
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 4096, a, 512);             /* one buffer twice */
	td_batch_refused(d, w, 2);
	td_wreq(&w[0], 0, a, 512);
	td_batch_refused(NULL, w, 1);

	disk_stats_get(&s1);
	assert_int_equal(s1.writes, s0.writes);
	assert_int_equal(s1.write_bytes, s0.write_bytes);
	assert_int_equal(s1.timeouts, s0.timeouts);
	memset(zero, 0, sizeof(zero));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, tmp, sizeof(tmp), 0), (ssize_t)sizeof(tmp));
	assert_memory_equal(tmp, zero, sizeof(tmp));
	close(fd);

	/* the same writes, well formed, go through */
	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 4096, b, 1024);
	assert_int_equal(disk_write_batch(d, w, 2, 1), 0);
	assert_int_equal(w[0].rv, 0);
	assert_int_equal(w[1].rv, 0);
	disk_close(d);
	disk_buf_free(a);
	disk_buf_free(b);
	disk_buf_free(c);
}

static void test_open_errors(void **state)
{
	char path[TD_PATH], fifo[TD_PATH], lng[1100];
	struct disk_handle *d = (void *)1;

	td_path(path, sizeof(path), "missing.img");
	assert_int_equal(disk_open(path, 0, &d), -ENOENT);
	assert_null(d);
	assert_int_equal(disk_open(path, DISK_OPEN_RDONLY, &d), -ENOENT);
	assert_int_equal(disk_open(td_dir, 0, &d), -EISDIR);
	assert_int_equal(disk_open(td_dir, DISK_OPEN_RDONLY, &d), -EISDIR);
	assert_int_equal(disk_open(td_dir, DISK_OPEN_NO_DIRECT, &d), -EISDIR);
	assert_int_equal(disk_open("", 0, &d), -ENOENT);
	assert_int_equal(disk_open("/dev/null", 0, &d), -EINVAL);   /* char dev */
	td_path(fifo, sizeof(fifo), "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* refused before open: an O_RDONLY open of a FIFO would block */
	assert_int_equal(disk_open(fifo, DISK_OPEN_RDONLY, &d), -EINVAL);
	memset(lng, 'a', sizeof(lng) - 1);
	lng[0] = '/';
	lng[sizeof(lng) - 1] = 0;
	assert_int_equal(disk_open(lng, 0, &d), -ENAMETOOLONG);
	td_path(path, sizeof(path), "rt.img");
	assert_int_equal(disk_open(path, 0x100, &d), -EINVAL);
	td_path(path, sizeof(path), "missing/x.img");
	assert_int_equal(disk_open(path, 0, &d), -ENOENT);
}

/* A handle opened read-only cannot write (the kernel says -EBADF). */
static void test_rdonly_write(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	void *b = disk_buf_alloc(512);

	td_path(path, sizeof(path), "ro.img");
	td_make_file(path, 8192);
	assert_int_equal(disk_open(path, DISK_OPEN_RDONLY, &d), 0);
	assert_int_equal(disk_read(d, 0, b, 512, 1), 0);
	assert_int_equal(disk_write(d, 0, b, 512, 1), -EBADF);
	/* the failed submission left the buffer usable */
	assert_int_equal(disk_read(d, 512, b, 512, 1), 0);
	disk_close(d);
	disk_buf_free(b);
}

/* Root bypasses file modes, so -EACCES is checked as an unprivileged
 * user in a child process. */
static void test_eacces(void **state)
{
	char path[TD_PATH];
	pid_t pid;
	int st = 0;

	td_path(path, sizeof(path), "root_only.img");
	td_make_file(path, 8192);
	assert_int_equal(chmod(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct disk_handle *d;
		int rv;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		rv = disk_open(path, 0, &d);
		if (rv == -EACCES && disk_open(path, DISK_OPEN_RDONLY, &d) == -EACCES)
			_exit(0);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 100) {
		print_message("skip: setuid(65534) refused\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* An immutable file (chattr +i): open for writing fails with -EPERM, the
 * errno the kernel gives; read-only works. */
static void test_immutable(void **state)
{
	char path[TD_PATH];
	struct disk_handle *d;
	int rv;

	td_path(path, sizeof(path), "immutable.img");
	td_make_file(path, 8192);
	if (td_sh("chattr +i %s 2>/dev/null", path)) {
		print_message("skip: chattr +i not supported here\n");
		skip();
	}
	rv = disk_open(path, 0, &d);
	td_sh("chattr -i %s", path);
	assert_int_equal(rv, -EPERM);
	assert_int_equal(disk_open(path, DISK_OPEN_RDONLY, &d), 0);
	disk_close(d);
}

static char td_ro_mnt[TD_PATH];

static int td_ro_teardown(void **state)
{
	if (td_ro_mnt[0]) {
		td_sh("umount %s 2>/dev/null", td_ro_mnt);
		td_ro_mnt[0] = 0;
	}
	return 0;
}

/* A file on a read-only (bind) mount: -EROFS for read-write. */
static void test_erofs(void **state)
{
	char src[TD_PATH], path[TD_PATH];
	struct disk_handle *d;

	td_path(src, sizeof(src), "rosrc");
	td_path(td_ro_mnt, sizeof(td_ro_mnt), "romnt");
	assert_int_equal(mkdir(src, 0755), 0);
	assert_int_equal(mkdir(td_ro_mnt, 0755), 0);
	snprintf(path, sizeof(path), "%s/rosrc/f.img", td_dir);
	td_make_file(path, 8192);
	if (td_sh("mount --bind %s %s 2>/dev/null", src, td_ro_mnt)) {
		td_ro_mnt[0] = 0;
		print_message("skip: bind mount refused\n");
		skip();
	}
	if (td_sh("mount -o remount,ro,bind %s 2>/dev/null", td_ro_mnt)) {
		print_message("skip: read-only remount refused\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/romnt/f.img", td_dir);
	assert_int_equal(disk_open(path, 0, &d), -EROFS);
	assert_int_equal(disk_open(path, DISK_OPEN_RDONLY, &d), 0);
	disk_close(d);
}

/* ---------- loop block devices ---------- */

static char td_loop_dev[64];

static int td_loop_teardown(void **state)
{
	td_loop_detach(td_loop_dev);
	td_loop_dev[0] = 0;
	return 0;
}

static void td_loop_test(int sector)
{
	char file[TD_PATH];
	struct disk_handle *d;
	struct disk_wreq bw[2];
	uint32_t ss = 0;
	uint64_t size = 0;
	void *w = disk_buf_alloc(8192), *r = disk_buf_alloc(8192);

	snprintf(file, sizeof(file), "%s/loop%d.img", td_dir, sector);
	td_make_file(file, 4 << 20);
	if (td_loop_attach(file, sector, td_loop_dev, sizeof(td_loop_dev))) {
		td_loop_dev[0] = 0;
		print_message("skip: losetup --sector-size %d refused\n", sector);
		disk_buf_free(w);
		disk_buf_free(r);
		skip();
	}
	assert_int_equal(disk_open(td_loop_dev, 0, &d), 0);
	assert_int_equal(disk_is_blockdev(d), 1);
	assert_int_equal(disk_sector_size(d, &ss), 0);
	assert_int_equal(ss, sector);
	assert_int_equal(disk_size(d, &size), 0);
	assert_int_equal(size, 4 << 20);

	td_fill(w, 8192, (unsigned)sector);
	assert_int_equal(disk_write(d, 2 * (uint64_t)sector, w, 2 * (size_t)sector, 5), 0);
	assert_int_equal(disk_read(d, 2 * (uint64_t)sector, r, 2 * (size_t)sector, 5), 0);
	assert_memory_equal(w, r, 2 * (size_t)sector);
	/* a 4096-byte read works on either (ondisk.md 6.3) */
	assert_int_equal(disk_read(d, 0, r, 4096, 5), 0);
	if (sector == 4096) {
		assert_int_equal(disk_read(d, 0, r, 512, 5), -EINVAL);
		assert_int_equal(disk_write(d, 512, w, 4096, 5), -EINVAL);
		/* one 512-aligned write refuses the whole batch */
		td_wreq(&bw[0], 0, w, 4096);
		td_wreq(&bw[1], 8192 + 512, r, 4096);
		assert_int_equal(disk_write_batch(d, bw, 2, 5), -EINVAL);
		assert_int_equal(bw[0].rv, -EINVAL);
		assert_int_equal(bw[1].rv, -EINVAL);
	} else {
		assert_int_equal(disk_read(d, 512, r, 512, 5), 0);
	}
	/* a batch of two on a block device */
	td_batch_roundtrip(d, ss, 120 + (unsigned)sector);
	disk_close(d);
	disk_buf_free(w);
	disk_buf_free(r);
}

static void test_loop_512(void **state)
{
	td_loop_test(512);
}

static void test_loop_4096(void **state)
{
	td_loop_test(4096);
}

/* ---------- hanging storage ---------- */

struct td_hang {
	char img[TD_PATH], mnt[TD_PATH], backing[TD_PATH];
	char outer[64], inner[64];
	int mounted, frozen;
};

static struct td_hang td_h;

/* Longest freeze; a detached child thaws after this even if we died (a
 * process with AIO stuck on a frozen filesystem cannot finish exiting). */
#define TD_FREEZE_MAX_S 120
static pid_t td_thaw_guard;

static void td_thaw(void)
{
	if (td_thaw_guard > 0) {
		kill(-td_thaw_guard, SIGKILL);
		waitpid(td_thaw_guard, NULL, 0);
		td_thaw_guard = 0;
	}
	if (td_h.frozen) {
		td_sh("fsfreeze -u %s", td_h.mnt);
		td_h.frozen = 0;
	}
}

static int td_freeze(void)
{
	char cmd[TD_MAX_CMD];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "sleep %d; fsfreeze -u %s 2>/dev/null",
		 TD_FREEZE_MAX_S, td_h.mnt);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	td_thaw_guard = pid;
	if (td_sh("fsfreeze -f %s 2>/dev/null", td_h.mnt)) {
		td_thaw();
		return -1;
	}
	td_h.frozen = 1;
	return 0;
}

static int td_hang_teardown(void **state)
{
	int i;

	td_thaw();
	disk_reaper_set_paused(0);
	disk_ctx_set_limit(DISK_CTX_MAX);
	td_wait_for(td_reaper_idle);
	td_loop_detach(td_h.inner);
	td_h.inner[0] = 0;
	if (td_h.mounted) {
		/* the inner loop lets go of its backing file asynchronously */
		for (i = 0; i < 50; i++) {
			if (td_sh("umount %s 2>/dev/null", td_h.mnt) == 0)
				break;
			usleep(100 * 1000);
		}
		/* a failed test may leave handles open: detach lazily */
		if (i == 50)
			td_sh("umount -l %s", td_h.mnt);
		td_h.mounted = 0;
	}
	td_loop_detach(td_h.outer);
	td_h.outer[0] = 0;
	return 0;
}

static void td_hang_atexit(void)
{
	td_hang_teardown(NULL);
}

/* Loop device over a file on a loop-mounted ext4 that td_freeze() can
 * freeze.  Returns a skip reason or NULL. */
static const char *td_hang_setup(void)
{
	static int registered;

	if (!registered) {
		atexit(td_hang_atexit);
		registered = 1;
	}
	memset(&td_h, 0, sizeof(td_h));
	snprintf(td_h.img, sizeof(td_h.img), "%s/fs.img", td_dir);
	snprintf(td_h.mnt, sizeof(td_h.mnt), "%s/fsmnt", td_dir);
	snprintf(td_h.backing, sizeof(td_h.backing), "%s/fsmnt/disk.img", td_dir);
	td_make_file(td_h.img, 64 << 20);
	if (mkdir(td_h.mnt, 0755) && errno != EEXIST)
		return "mkdir failed";
	if (td_sh("mkfs.ext4 -q -F %s >/dev/null 2>&1", td_h.img))
		return "mkfs.ext4 failed";
	if (td_sh_out(td_h.outer, sizeof(td_h.outer),
		      "losetup -f --show %s 2>/dev/null", td_h.img))
		return "losetup refused";
	if (td_sh("mount %s %s 2>/dev/null", td_h.outer, td_h.mnt))
		return "mount of an ext4 image refused";
	td_h.mounted = 1;
	td_make_file(td_h.backing, 4 << 20);
	if (td_loop_attach(td_h.backing, 512, td_h.inner, sizeof(td_h.inner)))
		return "losetup of the inner device refused";
	if (td_freeze())
		return "fsfreeze refused";
	td_thaw();
	return NULL;
}

#define TD_HANG_SETUP() do {                                              \
	const char *why_ = td_hang_setup();                               \
	if (why_) {                                                       \
		print_message("skip: no hanging storage: %s\n", why_);    \
		skip();                                                   \
	}                                                                 \
} while (0)

/* Timeout, deferred free, no overtaking, the owner collecting its orphans
 * during its next I/O. */
static void test_timeout(void **state)
{
	struct disk_handle *d;
	struct disk_stats s0, s1;
	void *a, *b, *c, *r;
	double t0, el;
	int rv;

	TD_HANG_SETUP();
	disk_reaper_set_paused(1);     /* the owner must collect by itself */
	a = disk_buf_alloc(512);
	b = disk_buf_alloc(512);
	c = disk_buf_alloc(512);
	r = disk_buf_alloc(512);
	td_fill(a, 512, 10);
	td_fill(b, 512, 11);
	td_fill(c, 512, 12);

	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	assert_int_equal(disk_write(d, 0, c, 512, 5), 0);    /* storage works */

	assert_int_equal(td_freeze(), 0);
	disk_stats_get(&s0);
	t0 = td_now();
	rv = disk_write(d, 0, a, 512, 1);
	el = td_now() - t0;
	print_message("timed-out write returned %d after %.3f s\n", rv, el);
	assert_int_equal(rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);
	assert_int_equal(td_orphans(d), 1);
	disk_stats_get(&s1);
	assert_int_equal(s1.timeouts - s0.timeouts, 1);

	/* the orphan's buffer cannot be reused, and its free is deferred */
	assert_int_equal(disk_write(d, 4096, a, 512, 1), -EBUSY);
	disk_buf_free(a);
	assert_int_equal(disk_buf_deferred_count(), 1);

	/* no overtaking: a second write to the same sector is not issued */
	t0 = td_now();
	rv = disk_write(d, 0, b, 512, 1);
	el = td_now() - t0;
	assert_int_equal(rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);
	disk_stats_get(&s0);
	assert_int_equal(s0.writes, s1.writes);
	assert_int_equal(s0.timeouts - s1.timeouts, 1);
	assert_int_equal(td_orphans(d), 1);

	td_thaw();
	/* the next I/O on the handle collects the old completion */
	assert_int_equal(disk_read(d, 4096, r, 512, 5), 0);
	print_message("orphans left after the next read: %u\n", td_orphans(d));
	/* if its completion trailed the read's, this write waits for it */
	assert_int_equal(disk_write(d, 0, b, 512, 5), 0);
	assert_int_equal(td_orphans(d), 0);
	assert_int_equal(disk_buf_deferred_count(), 0);
	assert_int_equal(disk_read(d, 0, r, 512, 5), 0);
	assert_memory_equal(r, b, 512);          /* the later write won */

	disk_close(d);
	disk_reaper_set_paused(0);
	disk_buf_free(b);
	disk_buf_free(c);
	disk_buf_free(r);
}

/* A batch on hanging storage: both writes are issued, both time out
 * together at the one deadline and stay in flight as two orphans (their
 * buffers' frees deferred), each counted once; after the thaw a batch
 * writing one of their sectors waits for that orphan and wins. */
static void test_batch_timeout(void **state)
{
	struct disk_handle *d;
	struct disk_wreq w[2];
	struct disk_stats s0, s1;
	void *a, *b, *c, *e, *r;
	double t0, el;
	int i;

	TD_HANG_SETUP();
	disk_reaper_set_paused(1);     /* the owner must collect by itself */
	a = td_buf512(130);
	b = td_buf512(131);
	c = td_buf512(132);
	e = td_buf512(133);
	r = td_buf512(0);
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	assert_int_equal(disk_write(d, 0, c, 512, 5), 0);    /* storage works */
	assert_int_equal(td_freeze(), 0);

	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 512 * 4, b, 512);
	disk_stats_get(&s0);
	t0 = td_now();
	assert_int_equal(disk_write_batch(d, w, 2, 1), 0);
	el = td_now() - t0;
	disk_stats_get(&s1);
	print_message("timed-out batch: %d %d after %.3f s\n", w[0].rv, w[1].rv,
		      el);
	assert_int_equal(w[0].rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(w[1].rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);      /* one deadline, not two */
	assert_int_equal(s1.writes - s0.writes, 2);
	assert_int_equal(s1.timeouts - s0.timeouts, 2);
	assert_int_equal(td_orphans(d), 2);
	disk_buf_free(a);
	disk_buf_free(b);
	assert_int_equal(disk_buf_deferred_count(), 2);

	td_thaw();
	/* sector 0 is the orphan's: the batch waits for it, then wins */
	td_wreq(&w[0], 512 * 16, e, 512);
	td_wreq(&w[1], 0, c, 512);
	td_fill(c, 512, 134);
	assert_int_equal(disk_write_batch(d, w, 2, 5), 0);
	assert_int_equal(w[0].rv, 0);
	assert_int_equal(w[1].rv, 0);
	for (i = 0; i < TD_WAIT_LOOPS && td_orphans(d); i++) {
		assert_int_equal(disk_read(d, 8192, r, 512, 5), 0);
		usleep(10 * 1000);
	}
	assert_int_equal(td_orphans(d), 0);
	assert_int_equal(disk_buf_deferred_count(), 0);
	assert_int_equal(disk_read(d, 0, r, 512, 5), 0);
	assert_memory_equal(r, c, 512);          /* the later write won */
	assert_int_equal(disk_read(d, 512 * 16, r, 512, 5), 0);
	assert_memory_equal(r, e, 512);
	td_fill(c, 512, 131);                    /* the orphan at 4 landed */
	assert_int_equal(disk_read(d, 512 * 4, r, 512, 5), 0);
	assert_memory_equal(r, c, 512);

	disk_close(d);
	disk_reaper_set_paused(0);
	disk_buf_free(c);
	disk_buf_free(e);
	disk_buf_free(r);
}

/* On frozen storage with an orphaned write: a batch with one write over
 * the orphan's sector holds back both writes and, at its deadline, issues
 * neither (both SANLK_AIO_TIMEOUT, nothing written); a batch reusing the
 * orphan's buffer fails that write alone (-EBUSY) and issues the other. */
static void test_batch_orphan_overlap(void **state)
{
	struct disk_handle *d;
	struct disk_wreq w[2];
	struct disk_stats s0, s1;
	void *a, *x, *y, *r;
	double t0, el;

	TD_HANG_SETUP();
	a = td_buf512(140);
	y = td_buf512(142);
	r = td_buf512(0);
	x = disk_buf_alloc(1536);
	td_fill(x, 1536, 141);
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(disk_write(d, 1024, a, 512, 1), SANLK_AIO_TIMEOUT);
	assert_int_equal(td_orphans(d), 1);

	td_wreq(&w[0], 512 * 8, y, 512);
	td_wreq(&w[1], 0, x, 1536);              /* covers the orphan's 1024 */
	disk_stats_get(&s0);
	t0 = td_now();
	assert_int_equal(disk_write_batch(d, w, 2, 1), 0);
	el = td_now() - t0;
	disk_stats_get(&s1);
	print_message("batch over an orphan: %d %d after %.3f s\n", w[0].rv,
		      w[1].rv, el);
	assert_int_equal(w[0].rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(w[1].rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);
	assert_int_equal(s1.writes, s0.writes);  /* neither issued */
	assert_int_equal(s1.timeouts - s0.timeouts, 2);
	assert_int_equal(td_orphans(d), 1);

	td_wreq(&w[0], 512 * 8, y, 512);
	td_wreq(&w[1], 512 * 12, a, 512);        /* the orphan's buffer */
	assert_int_equal(disk_write_batch(d, w, 2, 1), 0);
	disk_stats_get(&s0);
	assert_int_equal(w[0].rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(w[1].rv, -EBUSY);
	assert_int_equal(s0.writes - s1.writes, 1);
	assert_int_equal(s0.timeouts - s1.timeouts, 1);
	assert_int_equal(td_orphans(d), 2);
	disk_buf_free(a);
	disk_buf_free(y);
	assert_int_equal(disk_buf_deferred_count(), 2);

	td_thaw();
	assert_true(td_wait_for(td_reaper_idle));
	assert_true(td_wait_for(td_no_deferred));
	/* nothing of x reached the disk; the orphan a did */
	assert_int_equal(disk_read(d, 0, r, 512, 5), 0);
	memset(x, 0, 512);
	assert_memory_equal(r, x, 512);
	td_fill(x, 512, 140);
	assert_int_equal(disk_read(d, 1024, r, 512, 5), 0);
	assert_memory_equal(r, x, 512);
	disk_close(d);
	disk_buf_free(x);
	disk_buf_free(r);
}

/* Several orphans on one handle; their completions arrive while the
 * owner waits for a later I/O and are told apart by iocb pointer. */
static void test_many_orphans(void **state)
{
	enum { N = 3 };
	struct disk_handle *d;
	void *bufs[N], *r;
	int i;

	TD_HANG_SETUP();
	disk_reaper_set_paused(1);
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	r = disk_buf_alloc(512);
	assert_int_equal(td_freeze(), 0);
	for (i = 0; i < N; i++) {
		bufs[i] = disk_buf_alloc(512);
		td_fill(bufs[i], 512, 20 + (unsigned)i);
		assert_int_equal(disk_write(d, 512 * (uint64_t)i, bufs[i], 512, 1),
				 SANLK_AIO_TIMEOUT);
		disk_buf_free(bufs[i]);
	}
	assert_int_equal(td_orphans(d), N);
	assert_int_equal(disk_buf_deferred_count(), N);
	td_thaw();
	/* a write to an orphan's sector waits for it, collecting all */
	assert_int_equal(disk_write(d, 512 * (N - 1), r, 512, 5), 0);
	for (i = 0; i < 10 && td_orphans(d); i++)
		assert_int_equal(disk_read(d, 8192, r, 512, 5), 0);
	assert_int_equal(td_orphans(d), 0);
	assert_int_equal(disk_buf_deferred_count(), 0);
	disk_close(d);
	disk_buf_free(r);
	disk_reaper_set_paused(0);
}

/* disk_close with an I/O in flight returns at once; the orphan stays in
 * its pool context and the reaper frees its buffer when the I/O
 * completes; a write through another handle to the same sector is held
 * back until then. */
static void test_close_in_flight(void **state)
{
	struct disk_handle *d, *d2;
	struct disk_stats s0, s1;
	void *a, *b;
	double t0, el;
	int rv;

	TD_HANG_SETUP();
	a = disk_buf_alloc(512);
	b = disk_buf_alloc(512);
	td_fill(a, 512, 30);
	td_fill(b, 512, 31);
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(disk_write(d, 1024, a, 512, 1), SANLK_AIO_TIMEOUT);

	t0 = td_now();
	disk_close(d);
	el = td_now() - t0;
	print_message("disk_close with I/O in flight took %.3f s\n", el);
	assert_true(el < 0.5);
	assert_int_equal(disk_orphan_count(), 1);
	disk_buf_free(a);                     /* after close: still deferred */
	assert_int_equal(disk_buf_deferred_count(), 1);

	/* another handle, same device, same sector: not issued */
	assert_int_equal(disk_open(td_h.inner, 0, &d2), 0);
	disk_stats_get(&s0);
	rv = disk_write(d2, 1024, b, 512, 1);
	disk_stats_get(&s1);
	assert_int_equal(rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(s1.writes, s0.writes);

	td_thaw();
	/* the reaper collects it; the held-back write then goes through */
	assert_int_equal(disk_write(d2, 1024, b, 512, 10), 0);
	assert_true(td_wait_for(td_reaper_idle));
	assert_true(td_wait_for(td_no_deferred));
	disk_close(d2);
	disk_buf_free(b);
}

/* A read queued behind a stuck write also times out; its buffer (which
 * the kernel will still fill) is freed late. */
static void test_read_timeout(void **state)
{
	struct disk_handle *d;
	void *w, *r;
	int rv;

	TD_HANG_SETUP();
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	w = disk_buf_alloc(512);
	r = disk_buf_alloc(4096);
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(disk_write(d, 0, w, 512, 1), SANLK_AIO_TIMEOUT);
	rv = disk_read(d, 8192, r, 4096, 1);
	print_message("read behind a stuck write: %d\n", rv);
	if (rv == 0) {
		/* this loop driver served the read; nothing more to check */
		disk_buf_free(r);
	} else {
		assert_int_equal(rv, SANLK_AIO_TIMEOUT);
		assert_int_equal(td_orphans(d), 2);
		disk_buf_free(r);
	}
	disk_buf_free(w);
	td_thaw();
	assert_true(td_wait_for(td_no_deferred));
	disk_close(d);
}

struct td_writer {
	struct disk_handle *d;
	uint64_t offset;
	void *buf;
	int rv;
};

static void *td_writer_main(void *arg)
{
	struct td_writer *w = arg;

	w->rv = disk_write(w->d, w->offset, w->buf, 512, 10);
	return NULL;
}

/* Two handles, each with an orphaned write, each writing the other's
 * sector: both wait, neither may keep the reaper off its own orphans. */
static void test_cross_wait(void **state)
{
	struct disk_handle *da, *db;
	struct td_writer wa;
	pthread_t th;
	void *a0, *b0, *a1, *b1;
	double t0, el;
	int rv;

	TD_HANG_SETUP();
	assert_int_equal(disk_open(td_h.inner, 0, &da), 0);
	assert_int_equal(disk_open(td_h.inner, 0, &db), 0);
	a0 = disk_buf_alloc(512);
	b0 = disk_buf_alloc(512);
	a1 = disk_buf_alloc(512);
	b1 = disk_buf_alloc(512);
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(disk_write(da, 0, a0, 512, 1), SANLK_AIO_TIMEOUT);
	assert_int_equal(disk_write(db, 512, b0, 512, 1), SANLK_AIO_TIMEOUT);

	wa.d = da;
	wa.offset = 512;
	wa.buf = a1;
	wa.rv = 1;
	t0 = td_now();
	assert_int_equal(pthread_create(&th, NULL, td_writer_main, &wa), 0);
	usleep(300 * 1000);      /* both writers are waiting when we thaw */
	td_thaw();
	rv = disk_write(db, 0, b1, 512, 10);
	pthread_join(th, NULL);
	el = td_now() - t0;
	print_message("cross writes: %d %d after %.3f s\n", wa.rv, rv, el);
	assert_int_equal(wa.rv, 0);
	assert_int_equal(rv, 0);
	assert_true(el < 5.0);
	disk_close(da);
	disk_close(db);
	disk_buf_free(a0);
	disk_buf_free(b0);
	disk_buf_free(a1);
	disk_buf_free(b1);
	assert_true(td_wait_for(td_no_deferred));
}

static int td_slow(void)
{
	const char *e = getenv("TEST_DISK_SLOW");

	if (e && *e == '1')
		return 1;
	print_message("skip: slow test, set TEST_DISK_SLOW=1\n");
	return 0;
}

/* d's device has DISK_MAX_INFLIGHT - 1 orphans, all in the pool's only
 * context (limit 1): one more write would fit, a batch of two does not.
 * To d it is refused at once (per-file limit); to healthy storage it
 * finds no context with room for two and times out waiting for one, not
 * issued, while a single write goes through the same context.  With the
 * pool unbounded again the batch gets a context of its own. */
static void td_batch_near_limit(struct disk_handle *d)
{
	struct disk_handle *ok = td_open_healthy("near_limit.img");
	struct disk_wreq w[2];
	struct disk_stats s0, s1;
	void *a = disk_buf_alloc(512), *b = disk_buf_alloc(512);
	void *r = disk_buf_alloc(512);
	double t0, el;

	assert_int_equal(td_orphans(d), DISK_MAX_INFLIGHT - 1);
	assert_int_equal(disk_ctx_count(), 1);
	td_wreq(&w[0], 1 << 20, a, 512);
	td_wreq(&w[1], (1 << 20) + 512, b, 512);
	disk_stats_get(&s0);
	t0 = td_now();
	assert_int_equal(disk_write_batch(d, w, 2, 1), 0);
	el = td_now() - t0;
	disk_stats_get(&s1);
	assert_int_equal(w[0].rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(w[1].rv, SANLK_AIO_TIMEOUT);
	assert_true(el < 0.5);
	assert_int_equal(s1.writes, s0.writes);
	assert_int_equal(s1.timeouts - s0.timeouts, 2);

	td_wreq(&w[0], 0, a, 512);
	td_wreq(&w[1], 512, b, 512);
	t0 = td_now();
	assert_int_equal(disk_write_batch(ok, w, 2, 1), 0);
	el = td_now() - t0;
	disk_stats_get(&s0);
	print_message("batch with no context room: %d %d after %.3f s\n",
		      w[0].rv, w[1].rv, el);
	assert_int_equal(w[0].rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(w[1].rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);
	assert_int_equal(s0.writes, s1.writes);
	assert_int_equal(s0.timeouts - s1.timeouts, 2);
	td_rw_check(ok, 4, 150, a, r);           /* one I/O fits */
	assert_int_equal(disk_ctx_count(), 1);

	disk_ctx_set_limit(DISK_CTX_MAX);
	td_batch_roundtrip(ok, 512, 151);
	assert_int_equal(disk_ctx_count(), 2);
	assert_int_equal(td_orphans(d), DISK_MAX_INFLIGHT - 1);
	disk_close(ok);
	disk_buf_free(a);
	disk_buf_free(b);
	disk_buf_free(r);
}

/* DISK_MAX_INFLIGHT orphans of one device: further I/O to it fails at
 * once, through any handle; I/O to other storage goes on. */
static void test_inflight_limit(void **state)
{
	struct disk_handle *d, *d2, *ok;
	struct disk_stats s0, s1;
	void *b, *r;
	double t0;
	int i;

	if (!td_slow())
		skip();
	TD_HANG_SETUP();
	disk_ctx_trim();
	disk_ctx_set_limit(1);       /* every orphan in one context */
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	r = disk_buf_alloc(512);
	assert_int_equal(td_freeze(), 0);
	for (i = 0; i < DISK_MAX_INFLIGHT - 1; i++) {
		b = disk_buf_alloc(512);
		assert_int_equal(disk_write(d, 512 * (uint64_t)i, b, 512, 1),
				 SANLK_AIO_TIMEOUT);
		disk_buf_free(b);
	}
	td_batch_near_limit(d);
	b = disk_buf_alloc(512);
	assert_int_equal(disk_write(d, 512 * (uint64_t)i, b, 512, 1),
			 SANLK_AIO_TIMEOUT);
	disk_buf_free(b);
	assert_int_equal(td_orphans(d), DISK_MAX_INFLIGHT);
	disk_stats_get(&s0);
	t0 = td_now();
	assert_int_equal(disk_read(d, 1 << 20, r, 512, 1), SANLK_AIO_TIMEOUT);
	b = disk_buf_alloc(512);
	assert_int_equal(disk_write(d, 1 << 20, b, 512, 1), SANLK_AIO_TIMEOUT);
	assert_int_equal(disk_open(td_h.inner, 0, &d2), 0);
	assert_int_equal(disk_read(d2, 1 << 20, r, 512, 1), SANLK_AIO_TIMEOUT);
	assert_true(td_now() - t0 < 0.5);
	disk_stats_get(&s1);
	assert_int_equal(s1.reads + s1.writes, s0.reads + s0.writes);
	assert_int_equal(s1.timeouts - s0.timeouts, 3);
	ok = td_open_healthy("inflight.img");
	td_rw_check(ok, 0, 80, b, r);
	disk_close(ok);
	disk_close(d2);
	td_thaw();
	/* refused at once until the first orphans have been collected */
	for (i = 0; i < TD_WAIT_LOOPS && td_orphans(d); i++) {
		int rv = disk_read(d, 1 << 20, r, 512, 5);

		assert_true(rv == 0 || rv == SANLK_AIO_TIMEOUT);
		usleep(50 * 1000);
	}
	assert_int_equal(td_orphans(d), 0);
	assert_int_equal(disk_write(d, 1 << 20, b, 512, 5), 0);
	assert_int_equal(disk_buf_deferred_count(), 0);
	disk_close(d);
	disk_buf_free(b);
	disk_buf_free(r);
}

/* ---------- shared contexts ---------- */

/* The pool limited to one context: handle A's write times out and stays
 * in flight in that context while handle B (another file) does I/O
 * through the same context, unaffected; once A's write completes, B's
 * next I/O collects A's completion (the reaper is paused), routed to A's
 * slot by its iocb, and frees A's deferred buffer. */
static void test_shared_ctx(void **state)
{
	struct disk_handle *a, *b;
	void *wa, *w, *r;
	double t0, el;
	int i;

	TD_HANG_SETUP();
	disk_reaper_set_paused(1);
	disk_ctx_trim();
	assert_int_equal(disk_ctx_count(), 0);
	disk_ctx_set_limit(1);
	wa = disk_buf_alloc(512);
	w = disk_buf_alloc(512);
	r = disk_buf_alloc(512);
	assert_int_equal(disk_open(td_h.inner, 0, &a), 0);
	b = td_open_healthy("shared.img");
	td_rw_check(b, 0, 40, w, r);
	assert_int_equal(disk_ctx_count(), 1);

	assert_int_equal(td_freeze(), 0);
	td_fill(wa, 512, 41);
	assert_int_equal(disk_write(a, 0, wa, 512, 1), SANLK_AIO_TIMEOUT);
	disk_buf_free(wa);                   /* deferred: still in flight */
	assert_int_equal(td_orphans(a), 1);

	/* B's I/O goes through the context that holds A's orphan */
	t0 = td_now();
	for (i = 0; i < 20; i++)
		td_rw_check(b, (uint64_t)i, 42 + (unsigned)i, w, r);
	el = td_now() - t0;
	print_message("20 write+read pairs beside a stuck write: %.3f s\n", el);
	assert_true(el < 1.0);
	assert_int_equal(disk_ctx_count(), 1);
	assert_int_equal(td_orphans(a), 1);
	assert_int_equal(td_orphans(b), 0);
	assert_int_equal(disk_buf_deferred_count(), 1);

	td_thaw();
	for (i = 0; i < TD_WAIT_LOOPS && td_orphans(a); i++) {
		assert_int_equal(disk_read(b, 0, r, 512, 5), 0);
		usleep(10 * 1000);
	}
	assert_int_equal(td_orphans(a), 0);
	assert_int_equal(disk_buf_deferred_count(), 0);
	assert_int_equal(disk_ctx_count(), 1);
	/* A's write landed; B's data is intact */
	td_fill(w, 512, 41);
	assert_int_equal(disk_read(a, 0, r, 512, 5), 0);
	assert_memory_equal(w, r, 512);
	td_fill(w, 512, 42 + 19);
	assert_int_equal(disk_read(b, 512 * 19, r, 512, 5), 0);
	assert_memory_equal(w, r, 512);

	disk_close(a);
	disk_close(b);
	disk_buf_free(w);
	disk_buf_free(r);
	disk_ctx_set_limit(DISK_CTX_MAX);
	disk_reaper_set_paused(0);
}

struct td_hung {
	struct disk_handle *d;
	void *buf;
	int timeout;
	volatile int done;
	int rv;
	double secs;
};

static void *td_hung_main(void *arg)
{
	struct td_hung *h = arg;
	double t0 = td_now();

	h->rv = disk_write(h->d, 0, h->buf, 512, h->timeout);
	h->secs = td_now() - t0;
	__atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Default pool: while one thread waits for a stuck write, another
 * thread's I/O to healthy storage gets a context of its own and runs at
 * full speed; the stuck write still times out on time. */
static void test_hang_isolation(void **state)
{
	struct disk_handle *a, *b;
	struct td_hung h;
	pthread_t th;
	void *w, *r;
	double t0, el;
	int i;

	TD_HANG_SETUP();
	w = disk_buf_alloc(512);
	r = disk_buf_alloc(512);
	assert_int_equal(disk_open(td_h.inner, 0, &a), 0);
	b = td_open_healthy("iso.img");
	memset(&h, 0, sizeof(h));
	h.d = a;
	h.buf = disk_buf_alloc(512);
	h.timeout = 3;
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(pthread_create(&th, NULL, td_hung_main, &h), 0);
	usleep(200 * 1000);                  /* its write is submitted */
	t0 = td_now();
	for (i = 0; i < 50; i++)
		td_rw_check(b, (uint64_t)i, 50 + (unsigned)i, w, r);
	el = td_now() - t0;
	print_message("50 pairs while another thread waits: %.3f s\n", el);
	assert_false(__atomic_load_n(&h.done, __ATOMIC_ACQUIRE));
	assert_true(el < 2.0);
	pthread_join(th, NULL);
	print_message("stuck write: %d after %.3f s\n", h.rv, h.secs);
	assert_int_equal(h.rv, SANLK_AIO_TIMEOUT);
	assert_true(h.secs >= 2.9 && h.secs < 4.5);
	disk_buf_free(h.buf);
	td_thaw();
	assert_true(td_wait_for(td_reaper_idle));
	assert_true(td_wait_for(td_no_deferred));
	disk_close(a);
	disk_close(b);
	disk_buf_free(w);
	disk_buf_free(r);
}

/* Every context busy (pool limited to one, held by a stuck write): an I/O
 * waits for a context within its own deadline, then fails with
 * SANLK_AIO_TIMEOUT without being issued; once the context is back
 * (holding the orphan) I/O goes through it again. */
static void test_ctx_limit(void **state)
{
	struct disk_handle *a, *b;
	struct disk_stats s0, s1;
	struct td_hung h;
	pthread_t th;
	void *w, *r;
	double t0, el;
	int rv;

	TD_HANG_SETUP();
	disk_ctx_trim();
	assert_int_equal(disk_ctx_count(), 0);
	disk_ctx_set_limit(1);
	w = disk_buf_alloc(512);
	r = disk_buf_alloc(512);
	assert_int_equal(disk_open(td_h.inner, 0, &a), 0);
	b = td_open_healthy("limit.img");
	memset(&h, 0, sizeof(h));
	h.d = a;
	h.buf = disk_buf_alloc(512);
	h.timeout = 3;
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(pthread_create(&th, NULL, td_hung_main, &h), 0);
	usleep(200 * 1000);
	disk_stats_get(&s0);
	t0 = td_now();
	rv = disk_read(b, 0, r, 512, 1);
	el = td_now() - t0;
	disk_stats_get(&s1);
	print_message("read with no context free: %d after %.3f s\n", rv, el);
	assert_int_equal(rv, SANLK_AIO_TIMEOUT);
	assert_true(el >= 0.9 && el < 2.5);
	assert_int_equal(s1.reads, s0.reads);
	assert_int_equal(s1.timeouts - s0.timeouts, 1);
	pthread_join(th, NULL);
	assert_int_equal(h.rv, SANLK_AIO_TIMEOUT);
	assert_int_equal(disk_ctx_count(), 1);
	td_rw_check(b, 3, 60, w, r);         /* beside the orphan */
	disk_buf_free(h.buf);
	td_thaw();
	assert_true(td_wait_for(td_reaper_idle));
	assert_true(td_wait_for(td_no_deferred));
	disk_close(a);
	disk_close(b);
	disk_buf_free(w);
	disk_buf_free(r);
	disk_ctx_set_limit(DISK_CTX_MAX);
}

#define TD_THREADS     6
#define TD_THREAD_OPS  150

struct td_worker {
	struct disk_handle *d;
	unsigned id;
	int failures;
};

static void *td_worker_main(void *arg)
{
	struct td_worker *t = arg;
	void *w = disk_buf_alloc(1024), *r = disk_buf_alloc(1024);
	unsigned i;

	for (i = 0; i < TD_THREAD_OPS && w && r; i++) {
		/* two sectors of its own, at an offset of its own */
		uint64_t off = (uint64_t)(t->id * TD_THREAD_OPS + i) * 1024;

		td_fill(w, 1024, t->id * 1000 + i);
		if (disk_write(t->d, off, w, 1024, 10) ||
		    disk_read(t->d, off, r, 1024, 10) ||
		    memcmp(w, r, 1024))
			t->failures++;
	}
	if (!w || !r)
		t->failures++;
	disk_buf_free(w);
	disk_buf_free(r);
	return NULL;
}

/* TD_THREADS threads at once: four handles of one file (two threads share
 * the first handle), and two handles of another.  Run with the pool
 * limited to one context (every I/O of every handle through it, one at a
 * time) and with the default pool (a context per concurrent I/O). */
static void td_concurrent(unsigned limit)
{
	struct disk_handle *h[5];
	struct td_worker t[TD_THREADS];
	pthread_t th[TD_THREADS];
	char p1[TD_PATH], p2[TD_PATH];
	int i;

	disk_ctx_trim();
	disk_ctx_set_limit(limit);
	td_path(p1, sizeof(p1), "conc1.img");
	td_path(p2, sizeof(p2), "conc2.img");
	td_make_file(p1, 2 << 20);
	td_make_file(p2, 2 << 20);
	for (i = 0; i < 3; i++)
		assert_int_equal(disk_open(p1, 0, &h[i]), 0);
	for (i = 3; i < 5; i++)
		assert_int_equal(disk_open(p2, 0, &h[i]), 0);
	for (i = 0; i < TD_THREADS; i++) {
		t[i].d = h[i == 0 ? 0 : i - 1];
		t[i].id = (unsigned)i;
		t[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, td_worker_main,
						&t[i]), 0);
	}
	for (i = 0; i < TD_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].failures, 0);
	}
	print_message("limit %u: %u contexts for %d threads\n", limit,
		      disk_ctx_count(), TD_THREADS);
	assert_true(disk_ctx_count() >= 1);
	assert_true(disk_ctx_count() <= (limit < TD_THREADS ? limit : TD_THREADS));
	for (i = 0; i < 5; i++)
		disk_close(h[i]);
	disk_ctx_set_limit(DISK_CTX_MAX);
}

static void test_concurrent_one_ctx(void **state)
{
	td_concurrent(1);
}

static void test_concurrent_pool(void **state)
{
	td_concurrent(DISK_CTX_MAX);
}

/* A child forked after the parent did I/O (so the pool has contexts the
 * kernel did not give the child) does its own I/O in a pool of its own. */
static void test_fork_child(void **state)
{
	struct disk_handle *d;
	void *w = disk_buf_alloc(512), *r = disk_buf_alloc(512);
	char path[TD_PATH];
	pid_t pid;
	int st = 0;

	td_path(path, sizeof(path), "fork.img");
	td_make_file(path, 65536);
	assert_int_equal(disk_open(path, 0, &d), 0);
	td_rw_check(d, 1, 70, w, r);
	assert_true(disk_ctx_count() >= 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct disk_handle *c;
		int ok;

		if (disk_ctx_count() != 0)
			_exit(2);
		if (disk_open(path, 0, &c))
			_exit(3);
		td_fill(w, 512, 71);
		ok = disk_write(c, 1024, w, 512, 5) == 0 &&
		     disk_read(c, 1024, r, 512, 5) == 0 &&
		     memcmp(w, r, 512) == 0 &&
		     disk_read(d, 1024, r, 512, 5) == 0 &&   /* parent's handle */
		     memcmp(w, r, 512) == 0 && disk_ctx_count() == 1;
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* the parent's pool is untouched */
	td_rw_check(d, 2, 72, w, r);
	disk_close(d);
	disk_buf_free(w);
	disk_buf_free(r);
}

/* A child forked while the parent has an orphaned write does not
 * overtake it: its write to that sector waits, then times out without
 * being issued; its I/O elsewhere works. */
static void test_fork_foreign_orphan(void **state)
{
	struct disk_handle *d;
	void *a = disk_buf_alloc(512);
	pid_t pid;
	int st = 0;

	TD_HANG_SETUP();
	assert_int_equal(disk_open(td_h.inner, 0, &d), 0);
	assert_int_equal(td_freeze(), 0);
	assert_int_equal(disk_write(d, 1536, a, 512, 1), SANLK_AIO_TIMEOUT);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct disk_handle *c, *ok;
		struct disk_stats s0, s1;
		void *b = disk_buf_alloc(512), *r = disk_buf_alloc(512);
		double t0, el;
		int rv;

		if (disk_ctx_count() != 0 || disk_open(td_h.inner, 0, &c))
			_exit(2);
		disk_stats_get(&s0);
		t0 = td_now();
		rv = disk_write(c, 1536, b, 512, 1);
		el = td_now() - t0;
		disk_stats_get(&s1);
		if (rv != SANLK_AIO_TIMEOUT || el < 0.9 || s1.writes != s0.writes)
			_exit(3);
		ok = td_open_healthy("fork_ok.img");
		td_fill(b, 512, 90);
		if (disk_write(ok, 0, b, 512, 5) || disk_read(ok, 0, r, 512, 5) ||
		    memcmp(b, r, 512))
			_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	disk_buf_free(a);
	td_thaw();
	assert_true(td_wait_for(td_reaper_idle));
	assert_true(td_wait_for(td_no_deferred));
	disk_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_alloc),
		cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_no_direct),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_rdonly_write),
		cmocka_unit_test(test_eacces),
		cmocka_unit_test(test_immutable),
		cmocka_unit_test_teardown(test_erofs, td_ro_teardown),
		cmocka_unit_test_teardown(test_loop_512, td_loop_teardown),
		cmocka_unit_test_teardown(test_loop_4096, td_loop_teardown),
		cmocka_unit_test(test_batch_file),
		cmocka_unit_test(test_batch_bad_args),
		cmocka_unit_test(test_concurrent_one_ctx),
		cmocka_unit_test(test_concurrent_pool),
		cmocka_unit_test(test_fork_child),
		cmocka_unit_test_teardown(test_timeout, td_hang_teardown),
		cmocka_unit_test_teardown(test_batch_timeout, td_hang_teardown),
		cmocka_unit_test_teardown(test_batch_orphan_overlap, td_hang_teardown),
		cmocka_unit_test_teardown(test_many_orphans, td_hang_teardown),
		cmocka_unit_test_teardown(test_close_in_flight, td_hang_teardown),
		cmocka_unit_test_teardown(test_read_timeout, td_hang_teardown),
		cmocka_unit_test_teardown(test_cross_wait, td_hang_teardown),
		cmocka_unit_test_teardown(test_shared_ctx, td_hang_teardown),
		cmocka_unit_test_teardown(test_hang_isolation, td_hang_teardown),
		cmocka_unit_test_teardown(test_ctx_limit, td_hang_teardown),
		cmocka_unit_test_teardown(test_fork_foreign_orphan, td_hang_teardown),
		cmocka_unit_test_teardown(test_inflight_limit, td_hang_teardown),
	};

	return cmocka_run_group_tests(tests, td_group_setup, td_group_teardown);
}
