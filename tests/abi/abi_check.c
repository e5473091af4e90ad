/*
 * abi_check.c - a C caller built against DEBIAN's sanlock 3.8.5 headers
 * (/usr/include/sanlock*.h from libsanlock-dev; never our include/) and
 * linked against Debian's libsanlock.so, then run with LD_LIBRARY_PATH
 * pointing at the library under test.  It is what an unchanged 3.8.5
 * program (vdsm helpers, libvirt, lvmlockd) looks like to our library.
 *
 * What it checks (spec/api.md):
 *   layout    sizeof/offsetof/alignof of every public struct (§3)
 *   const     every public constant (§2.1-§2.4)
 *   loaded    which libsanlock file the dynamic linker loaded (dladdr),
 *             compared with $ABI_EXPECT_LIB
 *   local     the functions that never talk to the daemon (§4.8-§4.10)
 *   direct    the sanlock_direct_* disk functions (§4.7; libsanlock only)
 *   nodaemon  transport errors without a daemon (§4.1), in child processes
 *             (the library caches SANLOCK_RUN_DIR at the first connection)
 *   ...       every daemon-talking function against the daemon found at
 *             $SANLOCK_RUN_DIR, with the results a 3.8.5 caller gets
 *
 * Output, one line each, parsed by tests/integration/test_abi.py:
 *   group <name>
 *   ok <group> <check>
 *   FAIL <group> <check> got=<v> want=<v> line=<n> [<detail>]
 *   NOSYS <group> <check> got=-38 line=<n>   the daemon answered -ENOSYS
 *            (a request it does not implement yet); the rest of the group
 *            is skipped because it depends on that call
 *   called <function>                         coverage, at the end
 *   lib <path>                                the library file loaded
 *   done <failures>
 * Exit status 0 iff no FAIL line was printed.
 *
 * Usage: abi_check <workdir>   ($SANLOCK_RUN_DIR must name a running
 * daemon's run directory; <workdir> must support O_DIRECT.)
 *
 * Built twice by mk/abi.mk: abi_check (-lsanlock) and abi_check_client
 * (-DABI_CLIENT, -lsanlock_client: no direct functions, no data symbols).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <dlfcn.h>
#include <limits.h>
#include <poll.h>
#include <stdalign.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

/* The 3.8.5 headers are not self-contained: stdint/stddef first, and
 * sanlock.h before the others (api.md §1.4). */
#include <sanlock.h>
#include <sanlock_rv.h>
#include <sanlock_resource.h>
#include <sanlock_admin.h>
#ifndef ABI_CLIENT
#include <sanlock_direct.h>
#endif

/* Exported by both 3.8.5 libraries, declared in no header (api.md §1.2). */
int send_command(int cmd, uint32_t data);
int sanlock_socket_address(const char *dir, struct sockaddr_un *addr);
const char *env_get(const char *key, const char *defval);
int env_get_bool(const char *key, int defval);
#ifndef ABI_CLIENT
extern uint8_t sanlock_version_major;
extern uint8_t sanlock_version_minor;
extern uint8_t sanlock_version_patch;
extern uint8_t sanlock_version_build;
extern uint32_t sanlock_version_combined;
#endif

#define MiB (1024ULL * 1024ULL)
#define LS_NAME   "ABI_LS"
#define LS2_NAME  "ABI_LS2"
#define JOIN_IO_TIMEOUT 1
#define POLL_LIMIT_SEC  60     /* bound on every wait for a daemon state */
/* Hang guards (SIGALRM ends the group with a HANG line): one daemon call
 * (a join with io_timeout 1 takes a few seconds), and a whole group. */
#define CALL_TIMEOUT_SEC  40
#define GROUP_TIMEOUT_SEC 150

static int failures;
static const char *group_name = "-";
static char workdir[900];          /* lease paths must fit in 1024 */
static char leases_path[PATH_MAX];    /* LS at 0, R1 1M, R2 2M, R3 3M, 4M empty */
static char leases2_path[PATH_MAX];   /* LS2 at 0, sanlock_init areas */
static char rindex_path[PATH_MAX];    /* rindex at 1M */
#ifndef ABI_CLIENT
static char direct_path[PATH_MAX];
#endif

/* ------------------------------------------------------------ reporting */

/* Which functions were called, in memory shared with the group children
 * (each group runs in its own process, see run_group()). */
#define MAX_COVER 80
#define COVER_NAME 48
struct coverage {
	int count;
	char fns[MAX_COVER][COVER_NAME];
};
static struct coverage *cov;

static int cover(const char *fn)
{
	if (!cov)
		return 0;
	for (int i = 0; i < cov->count; i++)
		if (!strcmp(cov->fns[i], fn))
			return 0;
	if (cov->count < MAX_COVER)
		snprintf(cov->fns[cov->count++], COVER_NAME, "%s", fn);
	return 0;
}

/* F(fn)(args...) calls fn and records that it was called. */
#define F(fn) (cover(#fn), fn)

static const char *last_check = "-";

static void group(const char *name)
{
	group_name = name;
	last_check = "start";
	printf("group %s\n", name);
	fflush(stdout);
}

static int check_i64(const char *name, long long got, long long want, int line)
{
	last_check = name;
	if (got == want) {
		printf("ok %s %s\n", group_name, name);
		fflush(stdout);
		return 1;
	}
	printf("FAIL %s %s got=%lld want=%lld line=%d\n", group_name, name,
	       got, want, line);
	fflush(stdout);
	failures++;
	return 0;
}

static int check_true(const char *name, int cond, const char *detail, int line)
{
	last_check = name;
	if (cond) {
		printf("ok %s %s\n", group_name, name);
		fflush(stdout);
		return 1;
	}
	printf("FAIL %s %s got=false want=true line=%d %s\n", group_name, name,
	       line, detail ? detail : "");
	fflush(stdout);
	failures++;
	return 0;
}

static int check_str(const char *name, const char *got, const char *want,
		     int line)
{
	last_check = name;
	if (got && !strcmp(got, want)) {
		printf("ok %s %s\n", group_name, name);
		fflush(stdout);
		return 1;
	}
	printf("FAIL %s %s got=\"%s\" want=\"%s\" line=%d\n", group_name, name,
	       got ? got : "(null)", want, line);
	fflush(stdout);
	failures++;
	return 0;
}

#define EQ(name, got, want)  check_i64(name, (long long)(got), (long long)(want), __LINE__)
#define TRUE(name, cond)     check_true(name, !!(cond), #cond, __LINE__)
#define STREQ(name, got, want) check_str(name, got, want, __LINE__)

/*
 * A daemon call whose result is compared with the 3.8.5 value.  -ENOSYS
 * from the daemon (a request it does not implement yet) is reported as
 * NOSYS and ends the current group function: what follows depends on it.
 */
#define DCALL(rv, name, expr, want) do {                                     \
	last_check = name;                                                    \
	alarm(CALL_TIMEOUT_SEC);                                              \
	(rv) = (expr);                                                        \
	alarm(GROUP_TIMEOUT_SEC);                                                        \
	if ((rv) == -ENOSYS && (long long)(want) != -ENOSYS) {                \
		printf("NOSYS %s %s got=%d line=%d\n", group_name, name,      \
		       (int)(rv), __LINE__);                                  \
		fflush(stdout);                                               \
		return;                                                       \
	}                                                                     \
	EQ(name, rv, want);                                                   \
} while (0)

/* The same for calls whose result is checked separately (rv >= 0 fds). */
#define DCALL_ANY(rv, name, expr) do {                                       \
	last_check = name;                                                    \
	alarm(CALL_TIMEOUT_SEC);                                              \
	(rv) = (expr);                                                        \
	alarm(GROUP_TIMEOUT_SEC);                                                        \
	if ((rv) == -ENOSYS) {                                                \
		printf("NOSYS %s %s got=%d line=%d\n", group_name, name,      \
		       (int)(rv), __LINE__);                                  \
		fflush(stdout);                                               \
		return;                                                       \
	}                                                                     \
} while (0)

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ fixtures */

static int make_file(const char *path, off_t size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);

	if (fd < 0 || ftruncate(fd, size) < 0) {
		printf("FAIL setup create %s: %s\n", path, strerror(errno));
		failures++;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static uint32_t read_u32(const char *path, off_t off)
{
	uint32_t v = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (pread(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	return v;
}

static uint16_t read_u16(const char *path, off_t off)
{
	uint16_t v = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (pread(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	return v;
}

static void set_disk(struct sanlk_disk *d, const char *path, uint64_t off)
{
	memset(d, 0, sizeof(*d));
	strncpy(d->path, path, SANLK_PATH_LEN - 1);
	d->offset = off;
}

static void set_ls(struct sanlk_lockspace *ls, const char *name,
		   uint64_t host_id, const char *path, uint64_t off)
{
	memset(ls, 0, sizeof(*ls));
	strncpy(ls->name, name, SANLK_NAME_LEN);
	ls->host_id = host_id;
	if (path)
		set_disk(&ls->host_id_disk, path, off);
}

/* A one-disk resource in a contiguous 128 + 1040 byte block. */
struct res1 {
	struct sanlk_resource r;
	struct sanlk_disk disk;
};

static void set_res(struct res1 *x, const char *ls, const char *name,
		    const char *path, uint64_t off)
{
	memset(x, 0, sizeof(*x));
	strncpy(x->r.lockspace_name, ls, SANLK_NAME_LEN);
	strncpy(x->r.name, name, SANLK_NAME_LEN);
	x->r.num_disks = 1;
	set_disk(&x->r.disks[0], path, off);
}

/* ---------------------------------------------------------------- layout */

#define OFF(t, m, want) EQ("offsetof(" #t "." #m ")", offsetof(t, m), want)
#define SZ(t, want)     EQ("sizeof(" #t ")", sizeof(t), want)
#define AL(t, want)     EQ("alignof(" #t ")", alignof(t), want)

static void test_layout(void)
{
	group("layout");
	SZ(struct sanlk_disk, 1040);
	AL(struct sanlk_disk, 8);
	OFF(struct sanlk_disk, path, 0);
	OFF(struct sanlk_disk, offset, 1024);
	OFF(struct sanlk_disk, pad1, 1032);
	OFF(struct sanlk_disk, pad2, 1036);

	SZ(struct sanlk_resource, 128);
	AL(struct sanlk_resource, 8);
	OFF(struct sanlk_resource, lockspace_name, 0);
	OFF(struct sanlk_resource, name, 48);
	OFF(struct sanlk_resource, lver, 96);
	OFF(struct sanlk_resource, data64, 104);
	OFF(struct sanlk_resource, data32, 112);
	OFF(struct sanlk_resource, unused, 116);
	OFF(struct sanlk_resource, flags, 120);
	OFF(struct sanlk_resource, num_disks, 124);
	OFF(struct sanlk_resource, disks, 128);
	EQ("sizeof(res1 block)", sizeof(struct res1), 128 + 1040);

	SZ(struct sanlk_rindex, 1104);
	AL(struct sanlk_rindex, 8);
	OFF(struct sanlk_rindex, flags, 0);
	OFF(struct sanlk_rindex, max_resources, 4);
	OFF(struct sanlk_rindex, unused, 8);
	OFF(struct sanlk_rindex, lockspace_name, 16);
	OFF(struct sanlk_rindex, disk, 64);

	SZ(struct sanlk_rentry, 64);
	AL(struct sanlk_rentry, 8);
	OFF(struct sanlk_rentry, name, 0);
	OFF(struct sanlk_rentry, offset, 48);
	OFF(struct sanlk_rentry, flags, 56);
	OFF(struct sanlk_rentry, unused, 60);

	SZ(struct sanlk_options, 56);
	AL(struct sanlk_options, 4);
	OFF(struct sanlk_options, owner_name, 0);
	OFF(struct sanlk_options, flags, 48);
	OFF(struct sanlk_options, len, 52);
	OFF(struct sanlk_options, str, 56);

	SZ(struct sanlk_lockspace, 1104);
	AL(struct sanlk_lockspace, 8);
	OFF(struct sanlk_lockspace, name, 0);
	OFF(struct sanlk_lockspace, host_id, 48);
	OFF(struct sanlk_lockspace, flags, 56);
	OFF(struct sanlk_lockspace, host_id_disk, 64);

	SZ(struct sanlk_host, 32);
	AL(struct sanlk_host, 8);
	OFF(struct sanlk_host, host_id, 0);
	OFF(struct sanlk_host, generation, 8);
	OFF(struct sanlk_host, timestamp, 16);
	OFF(struct sanlk_host, io_timeout, 24);
	OFF(struct sanlk_host, flags, 28);

	SZ(struct sanlk_host_event, 32);
	AL(struct sanlk_host_event, 8);
	OFF(struct sanlk_host_event, host_id, 0);
	OFF(struct sanlk_host_event, generation, 8);
	OFF(struct sanlk_host_event, event, 16);
	OFF(struct sanlk_host_event, data, 24);
}

/* ------------------------------------------------------------- constants */

#define K(name, want) EQ(#name, name, want)

static void test_constants(void)
{
	group("const");
	/* §2.1 */
	K(SANLK_MAX_RESOURCES, 8);
	K(SANLK_NAME_LEN, 48);
	K(SANLK_PATH_LEN, 1024);
	K(SANLK_HELPER_PATH_LEN, 128);
	K(SANLK_HELPER_ARGS_LEN, 128);
	K(SANLK_MAX_DISKS, 4);
	K(SANLK_MAX_RES_STR, 4400);
	/* §2.2 sanlock.h */
	K(SANLK_RES_LVER, 0x1);
	K(SANLK_RES_NUM_HOSTS, 0x2);
	K(SANLK_RES_SHARED, 0x4);
	K(SANLK_RES_PERSISTENT, 0x8);
	K(SANLK_RES_ALIGN1M, 0x10);
	K(SANLK_RES_ALIGN2M, 0x20);
	K(SANLK_RES_ALIGN4M, 0x40);
	K(SANLK_RES_ALIGN8M, 0x80);
	K(SANLK_RES_SECTOR512, 0x100);
	K(SANLK_RES_SECTOR4K, 0x200);
	K(SANLK_RIF_ALIGN1M, 0x10);
	K(SANLK_RIF_ALIGN2M, 0x20);
	K(SANLK_RIF_ALIGN4M, 0x40);
	K(SANLK_RIF_ALIGN8M, 0x80);
	K(SANLK_RIF_SECTOR512, 0x100);
	K(SANLK_RIF_SECTOR4K, 0x200);
	K(SANLK_LSF_ADD, 0x1);
	K(SANLK_LSF_REM, 0x2);
	K(SANLK_LSF_ALIGN1M, 0x10);
	K(SANLK_LSF_ALIGN2M, 0x20);
	K(SANLK_LSF_ALIGN4M, 0x40);
	K(SANLK_LSF_ALIGN8M, 0x80);
	K(SANLK_LSF_SECTOR512, 0x100);
	K(SANLK_LSF_SECTOR4K, 0x200);
	/* sanlock_resource.h */
	K(SANLK_RESTRICT_ALL, 0x1);
	K(SANLK_RESTRICT_SIGKILL, 0x2);
	K(SANLK_RESTRICT_SIGTERM, 0x4);
	K(SANLK_KILLPATH_PID, 0x1);
	K(SANLK_ACQUIRE_LVB, 0x1);
	K(SANLK_ACQUIRE_ORPHAN, 0x2);
	K(SANLK_ACQUIRE_ORPHAN_ONLY, 0x4);
	K(SANLK_ACQUIRE_OWNER_NOWAIT, 0x8);
	K(SANLK_REL_ALL, 0x1);
	K(SANLK_REL_RENAME, 0x2);
	K(SANLK_REL_ORPHAN, 0x4);
	K(SANLK_CONVERT_OWNER_NOWAIT, 0x8);
	K(SANLK_REQUEST_NEXT_LVER, 0x1);
	K(SANLK_REQ_FORCE, 0x1);
	K(SANLK_REQ_GRACEFUL, 0x2);
	K(SANLK_REQ_KILL_PID, 0x1);
	/* sanlock_admin.h */
	K(SANLK_ADD_ASYNC, 0x1);
	K(SANLK_REM_ASYNC, 0x1);
	K(SANLK_REM_UNUSED, 0x2);
	K(SANLK_INQ_WAIT, 0x1);
	K(SANLK_WRITE_CLEAR, 0x1);
	K(SANLK_HOST_UNKNOWN, 1);
	K(SANLK_HOST_FREE, 2);
	K(SANLK_HOST_LIVE, 3);
	K(SANLK_HOST_FAIL, 4);
	K(SANLK_HOST_DEAD, 5);
	K(SANLK_HOST_MASK, 0xF);
	K(SANLK_CONFIG_USED, 0x1);
	K(SANLK_CONFIG_UNUSED, 0x2);
	K(SANLK_CONFIG_USED_BY_ORPHANS, 0x4);
	K(SANLK_CONFIG_UNUSED_BY_ORPHANS, 0x8);
	K(SANLK_TRF_FAIL, 0x1);
	K(SANLK_RX_NO_LOCKSPACE, 0x1);
	K(SANLK_RXUP_ADD, 0x10000);
	K(SANLK_RXUP_REM, 0x20000);
	K(SANLK_SETEV_CUR_GENERATION, 0x01);
	K(SANLK_SETEV_CLEAR_HOSTID, 0x02);
	K(SANLK_SETEV_CLEAR_EVENT, 0x04);
	K(SANLK_SETEV_REPLACE_EVENT, 0x08);
	K(SANLK_SETEV_ALL_HOSTS, 0x10);
	/* §2.4 sanlock_rv.h */
	K(SANLK_OK, 1);
	K(SANLK_NONE, 0);
	K(SANLK_ERROR, -201);
	K(SANLK_AIO_TIMEOUT, -202);
	K(SANLK_WD_ERROR, -203);
	K(SANLK_DBLOCK_READ, -210);
	K(SANLK_DBLOCK_WRITE, -211);
	K(SANLK_DBLOCK_LVER, -212);
	K(SANLK_DBLOCK_MBAL, -213);
	K(SANLK_DBLOCK_CHECKSUM, -214);
	K(SANLK_LEADER_READ, -220);
	K(SANLK_LEADER_WRITE, -221);
	K(SANLK_LEADER_DIFF, -222);
	K(SANLK_LEADER_MAGIC, -223);
	K(SANLK_LEADER_VERSION, -224);
	K(SANLK_LEADER_SECTORSIZE, -225);
	K(SANLK_LEADER_LOCKSPACE, -226);
	K(SANLK_LEADER_RESOURCE, -227);
	K(SANLK_LEADER_NUMHOSTS, -228);
	K(SANLK_LEADER_CHECKSUM, -229);
	K(SANLK_ADDLS_SIZES, -230);
	K(SANLK_ADDLS_INVALID_HOSTID, -231);
	K(SANLK_ACQUIRE_LVER, -240);
	K(SANLK_ACQUIRE_LOCKSPACE, -241);
	K(SANLK_ACQUIRE_IDDISK, -242);
	K(SANLK_ACQUIRE_IDLIVE, -243);
	K(SANLK_ACQUIRE_OWNED, -244);
	K(SANLK_ACQUIRE_OTHER, -245);
	K(SANLK_ACQUIRE_SHRETRY, -246);
	K(SANLK_ACQUIRE_OWNED_RETRY, -247);
	K(SANLK_RELEASE_LVER, -250);
	K(SANLK_RELEASE_OWNER, -251);
	K(SANLK_RENEW_OWNER, -260);
	K(SANLK_RENEW_DIFF, -261);
	K(SANLK_HOSTID_BUSY, -262);
	K(SANLK_REQUEST_MAGIC, -270);
	K(SANLK_REQUEST_VERSION, -271);
	K(SANLK_REQUEST_OLD, -272);
	K(SANLK_REQUEST_LVER, -273);
	K(SANLK_RINDEX_MAGIC, -274);
	K(SANLK_RINDEX_VERSION, -275);
	K(SANLK_RINDEX_LOCKSPACE, -276);
	K(SANLK_RINDEX_OFFSET, -277);
	K(SANLK_RINDEX_DIFF, -278);
}

/* ---------------------------------------------------------------- loaded */

static void test_loaded(void)
{
	Dl_info info;
	char real[PATH_MAX], want[PATH_MAX];
	const char *expect = getenv("ABI_EXPECT_LIB");

	group("loaded");
	memset(&info, 0, sizeof(info));
	if (!dladdr((void *)&sanlock_strerror, &info) || !info.dli_fname) {
		TRUE("dladdr(sanlock_strerror)", 0);
		return;
	}
	if (!realpath(info.dli_fname, real))
		snprintf(real, sizeof(real), "%s", info.dli_fname);
	printf("lib %s\n", real);
	if (expect) {
		if (!realpath(expect, want))
			snprintf(want, sizeof(want), "%s", expect);
		STREQ("library file", real, want);
	}
	/* Every function must come from that same file (no mix-up with a
	 * second copy elsewhere on the search path). */
	memset(&info, 0, sizeof(info));
	if (dladdr((void *)&sanlock_version, &info) && info.dli_fname) {
		char r2[PATH_MAX];

		if (!realpath(info.dli_fname, r2))
			snprintf(r2, sizeof(r2), "%s", info.dli_fname);
		STREQ("sanlock_version from the same file", r2, real);
	}
}

/* ----------------------------------------------------------------- local */

struct errstr {
	int rv;
	const char *s;
};

static const struct errstr errstrs[] = {
	{ SANLK_ERROR, "General error" },
	{ SANLK_AIO_TIMEOUT, "IO timeout" },
	{ SANLK_WD_ERROR, "Watchdog device error" },
	{ SANLK_DBLOCK_READ, "Lease read error in dblock" },
	{ SANLK_DBLOCK_WRITE, "Lease write error in dblock" },
	{ SANLK_DBLOCK_LVER, "Lease was acquired by another host in new ballot" },
	{ SANLK_DBLOCK_MBAL, "Lease was acquired by another host in current ballot" },
	{ SANLK_DBLOCK_CHECKSUM, "Lease checksum error in dblock" },
	{ SANLK_LEADER_READ, "Lease read error in leader" },
	{ SANLK_LEADER_WRITE, "Lease write error in leader" },
	{ SANLK_LEADER_DIFF, "Lease read inconsistent" },
	{ SANLK_LEADER_MAGIC, "Lease does not exist on storage" },
	{ SANLK_LEADER_VERSION, "Lease format version on storage is not recognized" },
	{ SANLK_LEADER_SECTORSIZE, "Lease sector size is inconsistent" },
	{ SANLK_LEADER_LOCKSPACE, "Lease lockspace name is incorrect" },
	{ SANLK_LEADER_RESOURCE, "Lease resource name is incorrect" },
	{ SANLK_LEADER_NUMHOSTS, "Lease num_hosts is incorrect" },
	{ SANLK_LEADER_CHECKSUM, "Lease checksum error in leader" },
	{ SANLK_ADDLS_SIZES, "Unknown error" },
	{ SANLK_ADDLS_INVALID_HOSTID, "Unknown error" },
	{ SANLK_ACQUIRE_LVER, "Unknown error" },
	{ SANLK_ACQUIRE_LOCKSPACE, "Lease lockspace is not found" },
	{ SANLK_ACQUIRE_IDDISK, "Lease lockspace disk cannot be opened" },
	{ SANLK_ACQUIRE_IDLIVE, "Lease is held by another host" },
	{ SANLK_ACQUIRE_OWNED, "Lease was acquired by another host in other ballot" },
	{ SANLK_ACQUIRE_OTHER, "Lease was acquired by another host in local commit" },
	{ SANLK_ACQUIRE_SHRETRY, "Lease is held by another host for shared acquire" },
	{ SANLK_ACQUIRE_OWNED_RETRY, "Lease is owned by another host" },
	{ SANLK_RELEASE_LVER, "Lease release version is incorrect" },
	{ SANLK_RELEASE_OWNER, "Lease release owner is incorrect" },
	{ SANLK_RENEW_OWNER, "Lease renew owner is incorrect" },
	{ SANLK_RENEW_DIFF, "Lease renew data has changed" },
	{ SANLK_HOSTID_BUSY, "Lease host ID is being used by another host" },
	{ SANLK_REQUEST_MAGIC, "Lease request block has invalid data" },
	{ SANLK_REQUEST_VERSION, "Lease request block has invalid version" },
	{ SANLK_REQUEST_OLD, "Lease request has newer lease version" },
	{ SANLK_REQUEST_LVER, "Lease request block has newer version" },
	{ SANLK_RINDEX_MAGIC, "Unknown error" },
	{ SANLK_RINDEX_VERSION, "Unknown error" },
	{ SANLK_RINDEX_LOCKSPACE, "Unknown error" },
	{ SANLK_RINDEX_OFFSET, "Unknown error" },
	{ SANLK_RINDEX_DIFF, "Unknown error" },
	{ SANLK_OK, "Unknown error" },
	{ SANLK_NONE, "Unknown error" },
	{ -1, "Unknown error" },
	{ -2, "Unknown error" },
	{ -200, "Unknown error" },
	{ -204, "Unknown error" },
	{ -279, "Unknown error" },
	{ 5, "Unknown error" },
	{ INT_MIN, "Unknown error" },
};

static void test_strerror(void)
{
	char name[64];

	group("strerror");
	for (size_t i = 0; i < sizeof(errstrs) / sizeof(errstrs[0]); i++) {
		snprintf(name, sizeof(name), "sanlock_strerror(%d)", errstrs[i].rv);
		STREQ(name, F(sanlock_strerror)(errstrs[i].rv), errstrs[i].s);
	}
}

static void test_paths(void)
{
	char buf[128];
	size_t n;

	group("path");
	memset(buf, 'X', sizeof(buf));
	n = F(sanlock_path_export)(buf, "abc", 3);
	EQ("export(abc,3) len", n, 2);
	STREQ("export(abc,3)", buf, "ab");
	n = sanlock_path_export(buf, "a:c", 4);
	EQ("export(a:c,4) len", n, 3);
	STREQ("export(a:c,4)", buf, "a\\:");
	n = sanlock_path_export(buf, "/dev/a:b c\\:d", 100);
	EQ("export(escapes) len", n, 15);
	STREQ("export(escapes)", buf, "/dev/a\\:b\\ c\\:d");

	memset(buf, 'X', sizeof(buf));
	n = F(sanlock_path_import)(buf, "abc", 3);
	EQ("import(abc,3)", n, 0);
	TRUE("import(abc,3) bytes", !memcmp(buf, "abc", 3));
	n = sanlock_path_import(buf, "abc", 4);
	EQ("import(abc,4)", n, 3);
	STREQ("import(abc,4) text", buf, "abc");
	n = sanlock_path_import(buf, "/dev/a\\:b\\ c", 100);
	EQ("import(escapes) len", n, 10);
	STREQ("import(escapes)", buf, "/dev/a:b c");
	n = sanlock_path_import(buf, "a\\\\b", 100);
	STREQ("import drops every backslash", buf, "ab");
}

static void test_res_strings(void)
{
	struct res1 x;
	struct sanlk_resource *r = NULL;
	struct sanlk_resource *args[2];
	struct sanlk_resource **arr = NULL;
	char *s = NULL;
	char str[256];
	int rv, count;

	group("resstr");
	set_res(&x, "ls", "res", "/dev/a", 0);
	rv = F(sanlock_res_to_str)(&x.r, &s);
	EQ("res_to_str rv", rv, 0);
	STREQ("res_to_str", s, "ls:res:/dev/a:0:0");
	free(s);
	s = NULL;
	x.r.flags = SANLK_RES_SHARED;
	x.r.disks[0].offset = 1048576;
	strcpy(x.r.disks[0].path, "/p q:r");
	rv = sanlock_res_to_str(&x.r, &s);
	STREQ("res_to_str shared, escaped path", s, "ls:res:/p\\ q\\:r:1048576:SH");
	free(s);
	s = NULL;
	x.r.num_disks = 0;
	x.r.flags = 0;
	x.r.lver = 7;
	rv = sanlock_res_to_str(&x.r, &s);
	STREQ("res_to_str no disks", s, "ls:res:7");
	free(s);
	s = NULL;
	EQ("res_to_str(NULL)", sanlock_res_to_str(NULL, &s), -EINVAL);

	strcpy(str, "ls:res:/dev/a:1048576:5");
	rv = F(sanlock_str_to_res)(str, &r);
	EQ("str_to_res rv", rv, 0);
	if (rv == 0 && r) {
		STREQ("str_to_res ls", r->lockspace_name, "ls");
		STREQ("str_to_res name", r->name, "res");
		EQ("str_to_res num_disks", r->num_disks, 1);
		STREQ("str_to_res path", r->disks[0].path, "/dev/a");
		EQ("str_to_res offset", r->disks[0].offset, 1048576);
		EQ("str_to_res lver", r->lver, 5);
		EQ("str_to_res flags", r->flags, SANLK_RES_LVER);
		STREQ("str_to_res leaves the input", str, "ls:res:/dev/a:1048576:5");
	}
	free(r);
	r = NULL;
	strcpy(str, "ls:res:/dev/a:0:SH");
	rv = sanlock_str_to_res(str, &r);
	EQ("str_to_res SH rv", rv, 0);
	if (rv == 0 && r)
		EQ("str_to_res SH flags", r->flags, SANLK_RES_SHARED);
	free(r);
	r = NULL;
	strcpy(str, "ls:res");
	rv = sanlock_str_to_res(str, &r);
	EQ("str_to_res ls:res", rv, 0);
	if (rv == 0 && r)
		EQ("str_to_res ls:res num_disks", r->num_disks, 0);
	free(r);
	r = NULL;
	strcpy(str, "ls:res:/dev/a\\:x:512");
	rv = sanlock_str_to_res(str, &r);
	EQ("str_to_res escaped colon rv", rv, 0);
	if (rv == 0 && r)
		STREQ("str_to_res escaped colon path", r->disks[0].path, "/dev/a:x");
	free(r);
	r = NULL;
	strcpy(str, "ls:res:x");
	EQ("str_to_res ls:res:x", sanlock_str_to_res(str, &r), -1);
	strcpy(str, "ab");
	EQ("str_to_res short", sanlock_str_to_res(str, &r), -ENXIO);
	strcpy(str, "a:b:/1:1:/2:2:/3:3:/4:4:/5:5");
	EQ("str_to_res 5 disks", sanlock_str_to_res(str, &r), -2);

	/* args_to_state / state_to_args */
	{
		struct res1 a, b;

		set_res(&a, "ls", "r1", "/p", 0);
		set_res(&b, "ls", "r2", "/p:q", 1048576);
		b.r.flags = SANLK_RES_SHARED;
		args[0] = &a.r;
		args[1] = &b.r;
		rv = F(sanlock_args_to_state)(2, args, &s);
		EQ("args_to_state rv", rv, 0);
		STREQ("args_to_state", s, "ls:r1:/p:0:0 ls:r2:/p\\:q:1048576:SH");
		free(s);
		s = NULL;
		rv = sanlock_args_to_state(0, NULL, &s);
		EQ("args_to_state(0) rv", rv, 0);
		free(s);
		s = NULL;
	}
	strcpy(str, "ls:r1:/p:0:0 ls:r2:/p\\:q:1048576:SH");
	count = -1;
	rv = F(sanlock_state_to_args)(str, &count, &arr);
	EQ("state_to_args rv", rv, 0);
	EQ("state_to_args count", count, 2);
	if (rv == 0 && count == 2 && arr) {
		STREQ("state_to_args [0] name", arr[0]->name, "r1");
		EQ("state_to_args [0] flags", arr[0]->flags, SANLK_RES_LVER);
		STREQ("state_to_args [1] path", arr[1]->disks[0].path, "/p:q");
		EQ("state_to_args [1] flags", arr[1]->flags, SANLK_RES_SHARED);
		EQ("state_to_args [1] offset", arr[1]->disks[0].offset, 1048576);
	}
	if (arr) {
		for (int i = 0; i < count && i < 2; i++)
			free(arr[i]);
		free(arr);
		arr = NULL;
	}
	strcpy(str, "ls:r1:/p a:0:0");
	rv = sanlock_state_to_args(str, &count, &arr);
	EQ("state_to_args space in path rv", rv, 0);
	if (rv == 0 && arr) {
		EQ("state_to_args space in path count", count, 1);
		STREQ("state_to_args space in path", arr[0]->disks[0].path, "/p a");
		free(arr[0]);
		free(arr);
		arr = NULL;
	}
	strcpy(str, "bad");
	EQ("state_to_args(bad)", sanlock_state_to_args(str, &count, &arr), -1);
	str[0] = '\0';
	EQ("state_to_args(\"\")", sanlock_state_to_args(str, &count, &arr), -ENXIO);
}

static void test_str_to_lockspace(void)
{
	struct sanlk_lockspace ls;
	char str[128];

	group("strls");
	memset(&ls, 0, sizeof(ls));
	strcpy(str, "name:5:/p\\:x:1024");
	EQ("str_to_lockspace rv", F(sanlock_str_to_lockspace)(str, &ls), 0);
	STREQ("str_to_lockspace name", ls.name, "name");
	EQ("str_to_lockspace host_id", ls.host_id, 5);
	STREQ("str_to_lockspace path", ls.host_id_disk.path, "/p:x");
	EQ("str_to_lockspace offset", ls.host_id_disk.offset, 1024);
	memset(&ls, 0, sizeof(ls));
	ls.host_id = 9;
	ls.flags = 0x110;
	strcpy(str, "only");
	EQ("str_to_lockspace(name only) rv", sanlock_str_to_lockspace(str, &ls), 0);
	STREQ("str_to_lockspace(name only) name", ls.name, "only");
	EQ("str_to_lockspace keeps absent host_id", ls.host_id, 9);
	EQ("str_to_lockspace keeps flags", ls.flags, 0x110);
	EQ("str_to_lockspace(NULL)", sanlock_str_to_lockspace(NULL, &ls), -EINVAL);
}

static void test_owners_local(void)
{
	struct sanlk_host owner = { 1, 2, 100, 0, 0 };
	struct sanlk_host host = { 1, 2, 100, 10, SANLK_HOST_LIVE };
	uint32_t tf;

	group("testowners");
	tf = 99;
	EQ("LIVE owner rv", F(sanlock_test_resource_owners)(NULL, 0, &owner, 1, &host, 1, &tf), 0);
	EQ("LIVE owner flags", tf, SANLK_TRF_FAIL);
	host.flags = SANLK_HOST_FREE;
	EQ("FREE owner rv", sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf), 0);
	EQ("FREE owner flags", tf, 0);
	host.flags = SANLK_HOST_DEAD;
	sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf);
	EQ("DEAD owner flags", tf, 0);
	host.flags = SANLK_HOST_UNKNOWN;
	sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf);
	EQ("UNKNOWN owner flags", tf, SANLK_TRF_FAIL);
	host.flags = SANLK_HOST_FAIL;
	sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf);
	EQ("FAIL owner flags", tf, SANLK_TRF_FAIL);
	host.flags = 7;
	EQ("invalid state", sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf), -EINVAL);
	host.flags = SANLK_HOST_LIVE;
	host.generation = 3;
	EQ("newer host generation rv", sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf), 0);
	EQ("newer host generation flags", tf, 0);
	host.generation = 1;
	EQ("older host generation", sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf), -EINVAL);
	host.host_id = 2;
	EQ("no such host rv", sanlock_test_resource_owners(NULL, 0, &owner, 1, &host, 1, &tf), 0);
	EQ("no such host flags", tf, 0);
	EQ("no owners", sanlock_test_resource_owners(NULL, 0, NULL, 0, NULL, 0, &tf), 0);
}

static void test_helpers(void)
{
	struct sockaddr_un addr;
	char dir[200];

	group("helpers");
	memset(&addr, 0xAA, sizeof(addr));
	EQ("socket_address rv", F(sanlock_socket_address)("/tmp/x", &addr), 0);
	EQ("socket_address family", addr.sun_family, AF_UNIX);
	STREQ("socket_address path", addr.sun_path, "/tmp/x/sanlock.sock");
	memset(dir, 'd', sizeof(dir));
	dir[0] = '/';
	dir[150] = '\0';
	sanlock_socket_address(dir, &addr);
	EQ("socket_address truncates to 106", strlen(addr.sun_path), 106);

	setenv("ABI_CHECK_VAR", "value", 1);
	STREQ("env_get set", F(env_get)("ABI_CHECK_VAR", "def"), "value");
	unsetenv("ABI_CHECK_VAR");
	STREQ("env_get unset", env_get("ABI_CHECK_VAR", "def"), "def");
	EQ("env_get_bool unset", F(env_get_bool)("ABI_CHECK_VAR", 7), 7);
	setenv("ABI_CHECK_VAR", "1", 1);
	EQ("env_get_bool 1", env_get_bool("ABI_CHECK_VAR", 0), 1);
	setenv("ABI_CHECK_VAR", "yes", 1);
	EQ("env_get_bool yes", env_get_bool("ABI_CHECK_VAR", 1), 0);
	unsetenv("ABI_CHECK_VAR");

#ifndef ABI_CLIENT
	/* Undeclared data objects of 3.8.5: zero in the library (§1.2). */
	EQ("sanlock_version_major", sanlock_version_major, 0);
	EQ("sanlock_version_minor", sanlock_version_minor, 0);
	EQ("sanlock_version_patch", sanlock_version_patch, 0);
	EQ("sanlock_version_build", sanlock_version_build, 0);
	EQ("sanlock_version_combined", sanlock_version_combined, 0);
#endif
}

/* ---------------------------------------------------------------- direct */

#ifndef ABI_CLIENT
static void test_direct(void)
{
	struct sanlk_disk d;
	struct sanlk_lockspace ls;
	struct res1 x;
	char missing[PATH_MAX];

	group("direct");
	if (make_file(direct_path, 8 * MiB) < 0)
		return;
	snprintf(missing, sizeof(missing), "%s/does-not-exist", workdir);

	set_disk(&d, direct_path, 0);
	EQ("direct_align(file)", F(sanlock_direct_align)(&d), 1048576);
	set_disk(&d, missing, 0);
	EQ("direct_align(missing)", sanlock_direct_align(&d), -ENOENT);

	EQ("direct_write_lockspace(NULL)", F(sanlock_direct_write_lockspace)(NULL, 0, 0, 0), -1);
	set_ls(&ls, "DLS", 1, direct_path, 0);
	ls.flags = SANLK_LSF_ALIGN1M;
	EQ("direct_write_lockspace(align only)", sanlock_direct_write_lockspace(&ls, 0, 0, 0), -1);
	ls.flags = SANLK_LSF_ALIGN2M | SANLK_LSF_SECTOR512;
	EQ("direct_write_lockspace(512/2M)", sanlock_direct_write_lockspace(&ls, 0, 0, 0), -1);
	set_ls(&ls, "DLS", 1, "", 0);
	EQ("direct_write_lockspace(empty path)", sanlock_direct_write_lockspace(&ls, 0, 0, 0), -ENODEV);
	set_ls(&ls, "DLS", 1, direct_path, 0);
	EQ("direct_write_lockspace", sanlock_direct_write_lockspace(&ls, 0, 0, 0), 0);
	EQ("direct_write_lockspace magic", read_u32(direct_path, 0), 0x12212010);
	EQ("direct_write_lockspace io_timeout 0 -> 10", read_u16(direct_path, 174), 10);
	EQ("direct_write_lockspace host 2 record", read_u32(direct_path, 512), 0x12212010);

	EQ("direct_write_resource(NULL)", F(sanlock_direct_write_resource)(NULL, 0, 0, 0), -1);
	set_res(&x, "DLS", "DR", direct_path, 1 * MiB);
	x.r.num_disks = 0;
	EQ("direct_write_resource(0 disks)", sanlock_direct_write_resource(&x.r, 0, 0, 0), -ENODEV);
	x.r.num_disks = 1;
	x.r.flags = SANLK_RES_SECTOR4K;
	EQ("direct_write_resource(sector only)", sanlock_direct_write_resource(&x.r, 0, 0, 0), -1);
	x.r.flags = 0;
	EQ("direct_write_resource", sanlock_direct_write_resource(&x.r, 0, 0, 0), 0);
	EQ("direct_write_resource magic", read_u32(direct_path, 1 * MiB), 0x06152010);
	set_res(&x, "DLS", "DRC", direct_path, 2 * MiB);
	EQ("direct_write_resource(CLEAR)", sanlock_direct_write_resource(&x.r, 0, 0, SANLK_WRITE_CLEAR), 0);
	EQ("direct_write_resource(CLEAR) magic", read_u32(direct_path, 2 * MiB), 0x11282016);
	set_res(&x, "DLS", "DRM", missing, 0);
	EQ("direct_write_resource(missing)", sanlock_direct_write_resource(&x.r, 0, 0, 0), -ENOENT);

	EQ("direct_init(NULL, NULL)", F(sanlock_direct_init)(NULL, NULL, 0, 0, 0), -1);
	set_ls(&ls, "DLS2", 1, direct_path, 3 * MiB);
	EQ("direct_init(ls)", sanlock_direct_init(&ls, NULL, 0, 0, 1), 0);
	EQ("direct_init(ls) magic", read_u32(direct_path, 3 * MiB), 0x12212010);
	set_res(&x, "DLS", "DR4", direct_path, 4 * MiB);
	EQ("direct_init(res)", sanlock_direct_init(NULL, &x.r, 0, 0, 0), 0);
	EQ("direct_init(res) magic", read_u32(direct_path, 4 * MiB), 0x06152010);
}
#endif

/* -------------------------------------------------------------- nodaemon */

/* Runs fn in a child (a fresh process caches no run directory yet) with
 * SANLOCK_RUN_DIR=dir; the child prints its own check lines. */
static void in_child(const char *dir, void (*fn)(void))
{
	pid_t pid;
	int status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("SANLOCK_RUN_DIR", dir, 1);
		failures = 0;
		fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failures++;
}

static void nodaemon_enoent(void)
{
	uint32_t v = 0, p = 0;
	struct sanlk_lockspace *lss = NULL;
	int n = 0;

	EQ("version without socket", sanlock_version(0, &v, &p), -ENOENT);
	EQ("register without socket", sanlock_register(), -ENOENT);
	EQ("get_lockspaces without socket", sanlock_get_lockspaces(&lss, &n, 0), -ENOENT);
	EQ("send_command without socket", send_command(28, 0), -ENOENT);
}

static void nodaemon_refused(void)
{
	uint32_t v = 0, p = 0;

	EQ("version on a stale socket", sanlock_version(0, &v, &p), -ECONNREFUSED);
	EQ("register on a stale socket", sanlock_register(), -ECONNREFUSED);
}

static void test_nodaemon(void)
{
	char empty[PATH_MAX], stale[PATH_MAX];
	struct sockaddr_un addr;
	int s;

	group("nodaemon");
	snprintf(empty, sizeof(empty), "%s/empty-run", workdir);
	mkdir(empty, 0755);
	in_child(empty, nodaemon_enoent);

	/* A socket file nobody listens on (bound, never listened, closed),
	 * in a short directory under /tmp (sun_path holds 107 bytes). */
	snprintf(stale, sizeof(stale), "/tmp/abi-stale-XXXXXX");
	if (!mkdtemp(stale)) {
		TRUE("mkdtemp for the stale socket", 0);
		return;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, stale);
	strcat(addr.sun_path, "/sanlock.sock");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		TRUE("bind a stale socket", 0);
	} else {
		close(s);
		s = -1;
		in_child(stale, nodaemon_refused);
	}
	if (s >= 0)
		close(s);
	unlink(addr.sun_path);
	rmdir(stale);
}

/* ------------------------------------------------------------ daemon ops */

static void test_version(void)
{
	uint32_t v = 0, p = 0;
	int rv, fd;
	uint32_t h[8];

	group("version");
	DCALL(rv, "sanlock_version", F(sanlock_version)(0, &v, &p), 0);
	EQ("daemon version word", v, 0x03080500);
	EQ("daemon proto", p, 1);
	v = 0;
	DCALL(rv, "sanlock_version(proto NULL)", sanlock_version(0, &v, NULL), 0);
	EQ("daemon version word (proto NULL)", v, 0x03080500);

	/* send_command: the CLI's path; the caller reads the reply. */
	fd = F(send_command)(28, 0);
	TRUE("send_command(VERSION) fd", fd >= 0);
	if (fd >= 0) {
		ssize_t n = recv(fd, h, sizeof(h), MSG_WAITALL);

		EQ("send_command reply length", n, 32);
		EQ("send_command reply magic", h[0], 0x04282010);
		EQ("send_command reply data", (int32_t)h[6], 0);
		EQ("send_command reply version word", h[7], 0x03080500);
		close(fd);
	}
}

static void test_align(void)
{
	struct sanlk_disk d;
	char missing[PATH_MAX];
	int rv;

	group("align");
	snprintf(missing, sizeof(missing), "%s/does-not-exist", workdir);
	set_disk(&d, leases_path, 0);
	DCALL(rv, "sanlock_align(file)", F(sanlock_align)(&d), 1048576);
	set_disk(&d, missing, 0);
	DCALL(rv, "sanlock_align(missing)", sanlock_align(&d), -ENODEV);
	set_disk(&d, "", 0);
	DCALL(rv, "sanlock_align(empty)", sanlock_align(&d), -ENODEV);
}

static void test_write_lockspace(void)
{
	struct sanlk_lockspace ls;
	int rv;

	group("write_lockspace");
	EQ("write_lockspace(NULL)", F(sanlock_write_lockspace)(NULL, 0, 0, 0), -EINVAL);
	set_ls(&ls, LS_NAME, 1, "", 0);
	EQ("write_lockspace(empty path)", sanlock_write_lockspace(&ls, 0, 0, 0), -EINVAL);
	set_ls(&ls, LS_NAME, 1, leases_path, 0);
	DCALL(rv, "write_lockspace", sanlock_write_lockspace(&ls, 0, 0, JOIN_IO_TIMEOUT), 0);
	EQ("write_lockspace magic on disk", read_u32(leases_path, 0), 0x12212010);
	EQ("write_lockspace io_timeout on disk", read_u16(leases_path, 174), JOIN_IO_TIMEOUT);
	set_ls(&ls, LS2_NAME, 1, leases2_path, 0);
	DCALL(rv, "write_lockspace LS2", sanlock_write_lockspace(&ls, 0, 0, JOIN_IO_TIMEOUT), 0);
	set_ls(&ls, "ABI_BAD", 1, leases2_path, 3 * MiB);
	ls.flags = SANLK_LSF_ALIGN2M | SANLK_LSF_SECTOR512;
	DCALL(rv, "write_lockspace(512/2M)", sanlock_write_lockspace(&ls, 0, 0, 0), -1);
}

static void test_read_lockspace(void)
{
	struct sanlk_lockspace ls;
	uint32_t iot = 99;
	int rv;

	group("read_lockspace");
	EQ("read_lockspace(NULL)", F(sanlock_read_lockspace)(NULL, 0, &iot), -EINVAL);
	set_ls(&ls, "", 0, "", 0);
	EQ("read_lockspace(empty path)", sanlock_read_lockspace(&ls, 0, &iot), -EINVAL);
	set_ls(&ls, "", 0, leases_path, 0);
	DCALL(rv, "read_lockspace", sanlock_read_lockspace(&ls, 0, &iot), 0);
	STREQ("read_lockspace name", ls.name, LS_NAME);
	EQ("read_lockspace host_id 0 -> 1", ls.host_id, 1);
	EQ("read_lockspace flags", ls.flags, SANLK_LSF_ALIGN1M | SANLK_LSF_SECTOR512);
	EQ("read_lockspace io_timeout", iot, JOIN_IO_TIMEOUT);
	set_ls(&ls, "WRONG", 0, leases_path, 0);
	DCALL(rv, "read_lockspace(wrong name)", sanlock_read_lockspace(&ls, 0, &iot), SANLK_LEADER_LOCKSPACE);
	set_ls(&ls, "", 0, leases_path, 4 * MiB);
	iot = 99;
	DCALL(rv, "read_lockspace(no lease)", sanlock_read_lockspace(&ls, 0, &iot), SANLK_LEADER_MAGIC);
	EQ("read_lockspace(no lease) leaves io_timeout", iot, 99);
}

static void test_write_resource(void)
{
	struct res1 x;
	struct sanlk_lockspace ls;
	int rv;

	group("write_resource");
	EQ("write_resource(NULL)", F(sanlock_write_resource)(NULL, 0, 0, 0), -EINVAL);
	set_res(&x, LS_NAME, "R1", leases_path, 1 * MiB);
	x.r.num_disks = 0;
	EQ("write_resource(0 disks)", sanlock_write_resource(&x.r, 0, 0, 0), -EINVAL);
	x.r.num_disks = 5;
	EQ("write_resource(5 disks)", sanlock_write_resource(&x.r, 0, 0, 0), -EINVAL);
	x.r.num_disks = 1;
	x.r.disks[0].path[0] = '\0';
	EQ("write_resource(empty path)", sanlock_write_resource(&x.r, 0, 0, 0), -EINVAL);
	set_res(&x, LS_NAME, "R1", leases_path, 1 * MiB);
	DCALL(rv, "write_resource R1", sanlock_write_resource(&x.r, 0, 0, 0), 0);
	EQ("write_resource magic on disk", read_u32(leases_path, 1 * MiB), 0x06152010);
	set_res(&x, LS_NAME, "R2", leases_path, 2 * MiB);
	DCALL(rv, "write_resource R2", sanlock_write_resource(&x.r, 0, 0, 0), 0);
	/* sanlock_init: the old entry point (both forms) */
	set_res(&x, LS_NAME, "R3", leases_path, 3 * MiB);
	DCALL(rv, "sanlock_init(res)", F(sanlock_init)(NULL, &x.r, 0, 0), 0);
	EQ("sanlock_init(res) magic", read_u32(leases_path, 3 * MiB), 0x06152010);
	set_ls(&ls, "ABI_INIT", 1, leases2_path, 2 * MiB);
	DCALL(rv, "sanlock_init(ls)", sanlock_init(&ls, NULL, 0, 0), 0);
	EQ("sanlock_init(ls) magic", read_u32(leases2_path, 2 * MiB), 0x12212010);
	EQ("sanlock_init(NULL, NULL)", sanlock_init(NULL, NULL, 0, 0), -EINVAL);
	set_res(&x, LS_NAME, "RC", leases2_path, 5 * MiB);
	DCALL(rv, "write_resource(CLEAR)", sanlock_write_resource(&x.r, 0, 0, SANLK_WRITE_CLEAR), 0);
	EQ("write_resource(CLEAR) magic", read_u32(leases2_path, 5 * MiB), 0x11282016);
}

static void test_read_resource(void)
{
	struct res1 x;
	int rv;

	group("read_resource");
	EQ("read_resource(NULL)", F(sanlock_read_resource)(NULL, 0), -EINVAL);
	set_res(&x, "", "", leases_path, 1 * MiB);
	x.r.num_disks = 0;
	EQ("read_resource(0 disks)", sanlock_read_resource(&x.r, 0), -EINVAL);
	set_res(&x, "", "", leases_path, 1 * MiB);
	x.r.flags = SANLK_RES_PERSISTENT;
	DCALL(rv, "read_resource", sanlock_read_resource(&x.r, 0), 0);
	STREQ("read_resource lockspace", x.r.lockspace_name, LS_NAME);
	STREQ("read_resource name", x.r.name, "R1");
	EQ("read_resource lver", x.r.lver, 0);
	EQ("read_resource flags (sizes added, others kept)", x.r.flags,
	   SANLK_RES_PERSISTENT | SANLK_RES_ALIGN1M | SANLK_RES_SECTOR512);
	EQ("read_resource num_disks untouched", x.r.num_disks, 1);
	set_res(&x, LS_NAME, "NOT_R1", leases_path, 1 * MiB);
	DCALL(rv, "read_resource(wrong name)", sanlock_read_resource(&x.r, 0), SANLK_LEADER_RESOURCE);
	set_res(&x, "NOT_LS", "", leases_path, 1 * MiB);
	DCALL(rv, "read_resource(wrong lockspace)", sanlock_read_resource(&x.r, 0), SANLK_LEADER_LOCKSPACE);
	set_res(&x, "", "", leases_path, 4 * MiB);
	DCALL(rv, "read_resource(no lease)", sanlock_read_resource(&x.r, 0), SANLK_LEADER_MAGIC);
	set_res(&x, "", "", leases2_path, 5 * MiB);
	DCALL(rv, "read_resource(cleared)", sanlock_read_resource(&x.r, 0), SANLK_LEADER_MAGIC);

	/* read_resource_owners where there is no lease: -EINVAL (observed
	 * 3.8.5, not -223 as read_resource gives); sizes that disagree with
	 * the lease on disk: -EMSGSIZE (observed). */
	{
		struct sanlk_host *hss = NULL;
		int n = -1;

		set_res(&x, LS_NAME, "RN", leases_path, 4 * MiB);
		DCALL(rv, "read_resource_owners(no lease)",
		      sanlock_read_resource_owners(&x.r, 0, &hss, &n), -EINVAL);
		free(hss);
		hss = NULL;
		set_res(&x, LS_NAME, "RN", leases_path, 4 * MiB);
		x.r.flags = SANLK_RES_ALIGN1M | SANLK_RES_SECTOR512;
		DCALL(rv, "read_resource_owners(no lease, sizes given)",
		      sanlock_read_resource_owners(&x.r, 0, &hss, &n), -EINVAL);
		free(hss);
		hss = NULL;
		set_res(&x, LS_NAME, "R1", leases_path, 1 * MiB);
		x.r.flags = SANLK_RES_ALIGN1M | SANLK_RES_SECTOR512;
		DCALL(rv, "read_resource_owners(sizes given)",
		      sanlock_read_resource_owners(&x.r, 0, &hss, &n), 0);
		EQ("read_resource_owners(sizes given) count", n, 0);
		free(hss);
		hss = NULL;
		set_res(&x, LS_NAME, "R1", leases_path, 1 * MiB);
		x.r.flags = SANLK_RES_ALIGN8M | SANLK_RES_SECTOR4K;
		DCALL(rv, "read_resource_owners(other sizes than on disk)",
		      sanlock_read_resource_owners(&x.r, 0, &hss, &n), -EMSGSIZE);
		free(hss);
	}
}

static int wait_hosts_ready(const char *name)
{
	struct sanlk_host *hss = NULL;
	int n = 0, rv;
	double end = now_mono() + POLL_LIMIT_SEC;

	do {
		hss = NULL;
		rv = sanlock_get_hosts(name, 0, &hss, &n, 0);
		free(hss);
		if (rv != -EAGAIN)
			return rv;
		sleep_ms(200);
	} while (now_mono() < end);
	return rv;
}

static void test_lockspace(void)
{
	struct sanlk_lockspace ls, *lss = NULL;
	struct sanlk_host *hss = NULL;
	int rv, n = -1;

	group("lockspace");
	set_ls(&ls, LS_NAME, 1, leases_path, 0);
	DCALL(rv, "add_lockspace_timeout", F(sanlock_add_lockspace_timeout)(&ls, 0, JOIN_IO_TIMEOUT), 0);
	DCALL(rv, "add_lockspace_timeout again", sanlock_add_lockspace_timeout(&ls, 0, JOIN_IO_TIMEOUT), -EEXIST);
	DCALL(rv, "add_lockspace again", F(sanlock_add_lockspace)(&ls, 0), -EEXIST);
	DCALL(rv, "inq_lockspace", F(sanlock_inq_lockspace)(&ls, 0), 0);
	DCALL(rv, "inq_lockspace(WAIT)", sanlock_inq_lockspace(&ls, SANLK_INQ_WAIT), 0);
	set_ls(&ls, "ABI_NOLS", 1, leases_path, 0);
	DCALL(rv, "inq_lockspace(unknown)", sanlock_inq_lockspace(&ls, 0), -ENOENT);
	DCALL(rv, "rem_lockspace(unknown)", F(sanlock_rem_lockspace)(&ls, 0), -ENOENT);

	DCALL(rv, "get_lockspaces", F(sanlock_get_lockspaces)(&lss, &n, 0), 0);
	EQ("get_lockspaces count", n, 1);
	if (lss && n == 1) {
		STREQ("get_lockspaces name", lss[0].name, LS_NAME);
		EQ("get_lockspaces host_id", lss[0].host_id, 1);
		EQ("get_lockspaces flags", lss[0].flags, 0);
		STREQ("get_lockspaces path", lss[0].host_id_disk.path, leases_path);
		EQ("get_lockspaces offset", lss[0].host_id_disk.offset, 0);
	}
	free(lss);
	n = -1;
	DCALL(rv, "get_lockspaces(count only)", sanlock_get_lockspaces(NULL, &n, 0), 0);
	EQ("get_lockspaces(count only) count", n, 1);

	EQ("get_hosts(NULL)", F(sanlock_get_hosts)(NULL, 0, &hss, &n, 0), -EINVAL);
	rv = wait_hosts_ready(LS_NAME);
	DCALL(rv, "get_hosts ready", rv, 0);
	DCALL(rv, "get_hosts(all)", sanlock_get_hosts(LS_NAME, 0, &hss, &n, 0), 0);
	EQ("get_hosts(all) count", n, 1);
	if (hss && n >= 1) {
		EQ("get_hosts(all) host_id", hss[0].host_id, 1);
		EQ("get_hosts(all) state", hss[0].flags & SANLK_HOST_MASK, SANLK_HOST_LIVE);
		EQ("get_hosts(all) io_timeout", hss[0].io_timeout, JOIN_IO_TIMEOUT);
		TRUE("get_hosts(all) timestamp", hss[0].timestamp > 0);
		TRUE("get_hosts(all) generation", hss[0].generation >= 1);
	}
	free(hss);
	hss = NULL;
	DCALL(rv, "get_hosts(5)", sanlock_get_hosts(LS_NAME, 5, &hss, &n, 0), 0);
	EQ("get_hosts(5) count", n, 1);
	if (hss && n == 1) {
		EQ("get_hosts(5) host_id", hss[0].host_id, 5);
		EQ("get_hosts(5) state", hss[0].flags & SANLK_HOST_MASK, SANLK_HOST_FREE);
	}
	free(hss);
	hss = NULL;
	DCALL(rv, "get_hosts(unknown)", sanlock_get_hosts("ABI_NOLS", 0, &hss, &n, 0), -ENOENT);
	n = -1;
	DCALL(rv, "get_hosts(count only)", sanlock_get_hosts(LS_NAME, 0, NULL, &n, 0), 0);
	EQ("get_hosts(count only) count", n, 1);
}

static void test_lockspace_async(void)
{
	struct sanlk_lockspace ls;
	int rv;
	double end;

	group("lockspace_async");
	set_ls(&ls, LS2_NAME, 2, leases2_path, 0);
	DCALL(rv, "add_lockspace_timeout(ASYNC)",
	      sanlock_add_lockspace_timeout(&ls, SANLK_ADD_ASYNC, JOIN_IO_TIMEOUT), 0);
	rv = sanlock_inq_lockspace(&ls, 0);
	TRUE("inq_lockspace while adding is 0 or -EINPROGRESS", rv == 0 || rv == -EINPROGRESS);
	DCALL(rv, "inq_lockspace(WAIT) after async add", sanlock_inq_lockspace(&ls, SANLK_INQ_WAIT), 0);
	DCALL(rv, "rem_lockspace(ASYNC)", sanlock_rem_lockspace(&ls, SANLK_REM_ASYNC), 0);
	end = now_mono() + POLL_LIMIT_SEC;
	do {
		rv = sanlock_inq_lockspace(&ls, 0);
		if (rv == -ENOENT)
			break;
		sleep_ms(200);
	} while (now_mono() < end);
	EQ("inq_lockspace after async remove", rv, -ENOENT);
}

static void test_config(void)
{
	int rv;

	group("set_config");
	EQ("set_config(NULL)", F(sanlock_set_config)(NULL, 0, SANLK_CONFIG_USED, NULL), -EINVAL);
	DCALL(rv, "set_config(USED)", sanlock_set_config(LS_NAME, 0, SANLK_CONFIG_USED, NULL), 0);
	DCALL(rv, "set_config(UNUSED)", sanlock_set_config(LS_NAME, 0, SANLK_CONFIG_UNUSED, NULL), 0);
	DCALL(rv, "set_config(USED_BY_ORPHANS)", sanlock_set_config(LS_NAME, 0, SANLK_CONFIG_USED_BY_ORPHANS, NULL), 0);
	DCALL(rv, "set_config(UNUSED_BY_ORPHANS)", sanlock_set_config(LS_NAME, 0, SANLK_CONFIG_UNUSED_BY_ORPHANS, NULL), 0);
	DCALL(rv, "set_config(unknown cmd)", sanlock_set_config(LS_NAME, 0, 99, NULL), -EINVAL);
	DCALL(rv, "set_config(unknown lockspace)", sanlock_set_config("ABI_NOLS", 0, SANLK_CONFIG_USED, NULL), -ENOENT);
}

static int slkfd = -1;

static void test_register(void)
{
	char path[] = "/bin/true";
	char args[] = "a\\ b c";
	int rv;

	group("register");
	slkfd = F(sanlock_register)();
	TRUE("register fd", slkfd >= 0);
	if (slkfd < 0)
		return;
	DCALL(rv, "restrict(0)", F(sanlock_restrict)(slkfd, 0), 0);
	DCALL(rv, "restrict(SIGKILL)", sanlock_restrict(slkfd, SANLK_RESTRICT_SIGKILL), 0);
	DCALL(rv, "restrict(0) again", sanlock_restrict(slkfd, 0), 0);
	EQ("restrict(bad fd)", sanlock_restrict(9999, 0), -EBADF);
	DCALL(rv, "killpath", F(sanlock_killpath)(slkfd, 0, path, args), 0);
	DCALL(rv, "killpath(PID)", sanlock_killpath(slkfd, SANLK_KILLPATH_PID, path, args), 0);
	EQ("killpath(bad fd)", sanlock_killpath(9999, 0, path, args), -EBADF);
}

static int inquire_state(int fd, int pid, int *count, char **state)
{
	*count = -1;
	*state = NULL;
	return sanlock_inquire(fd, pid, 0, count, state);
}

static void test_inquire_empty(void)
{
	int rv, count = -1;
	char *state = NULL;

	group("inquire");
	DCALL(rv, "inquire(nothing held)", F(sanlock_inquire)(slkfd, -1, 0, &count, &state), 0);
	EQ("inquire(nothing held) count", count, 0);
	DCALL(rv, "inquire(pid nothing held)", inquire_state(-1, getpid(), &count, &state), 0);
	EQ("inquire(pid nothing held) count", count, 0);
	free(state);
	DCALL(rv, "inquire(unknown pid)", inquire_state(-1, 999999999, &count, &state), -ESRCH);
	free(state);
}

static void test_acquire(void)
{
	struct res1 r1, bad, nols, nolease, lver;
	struct sanlk_resource *args[9];
	struct sanlk_options opt;
	struct sanlk_host *hss = NULL;
	char *state = NULL;
	int rv, count = 0;

	group("acquire");
	set_res(&r1, LS_NAME, "R1", leases_path, 1 * MiB);
	for (int i = 0; i < 9; i++)
		args[i] = &r1.r;
	EQ("acquire(9 resources)", F(sanlock_acquire)(slkfd, -1, 0, 9, args, NULL), -EINVAL);
	set_res(&bad, LS_NAME, "R1", leases_path, 1 * MiB);
	bad.r.num_disks = 5;
	args[0] = &bad.r;
	EQ("acquire(5 disks)", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), -EINVAL);

	memset(&opt, 0, sizeof(opt));
	strcpy(opt.owner_name, "abi_check");
	DCALL(rv, "acquire(0 resources, options only)", sanlock_acquire(slkfd, -1, 0, 0, NULL, &opt), 0);

	args[0] = &r1.r;
	DCALL(rv, "acquire R1", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), 0);
	DCALL(rv, "acquire R1 again", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), -EEXIST);

	DCALL(rv, "inquire", inquire_state(slkfd, -1, &count, &state), 0);
	EQ("inquire count", count, 1);
	{
		char want[PATH_MAX + 64];

		snprintf(want, sizeof(want), "%s:R1:%s:1048576:1", LS_NAME, leases_path);
		STREQ("inquire state", state, want);
	}
	free(state);
	DCALL(rv, "inquire(pid)", inquire_state(-1, getpid(), &count, &state), 0);
	EQ("inquire(pid) count", count, 1);
	free(state);

	DCALL(rv, "read_resource_owners(held)", F(sanlock_read_resource_owners)(&r1.r, 0, &hss, &count), 0);
	EQ("read_resource_owners(held) count", count, 1);
	if (hss && count == 1) {
		uint32_t tf = 99;
		struct sanlk_host *hosts = NULL;
		int nh = 0;

		EQ("read_resource_owners owner host_id", hss[0].host_id, 1);
		EQ("read_resource_owners lver", r1.r.lver, 1);
		EQ("read_resource_owners not shared", r1.r.flags & SANLK_RES_SHARED, 0);
		if (sanlock_get_hosts(LS_NAME, 0, &hosts, &nh, 0) == 0) {
			EQ("test_resource_owners(live owner)",
			   sanlock_test_resource_owners(&r1.r, 0, hss, count, hosts, nh, &tf), 0);
			EQ("test_resource_owners(live owner) flags", tf, SANLK_TRF_FAIL);
		}
		free(hosts);
	}
	free(hss);
	hss = NULL;

	set_res(&nols, "ABI_NOLS", "RX", leases_path, 1 * MiB);
	args[0] = &nols.r;
	DCALL(rv, "acquire(lockspace not joined)", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), -ENOSPC);
	set_res(&nolease, LS_NAME, "RN", leases_path, 4 * MiB);
	args[0] = &nolease.r;
	DCALL(rv, "acquire(no lease on disk)", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), SANLK_LEADER_MAGIC);
	set_res(&lver, LS_NAME, "R2", leases_path, 2 * MiB);
	lver.r.flags = SANLK_RES_LVER;
	lver.r.lver = 5;
	args[0] = &lver.r;
	DCALL(rv, "acquire(wrong lver)", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), SANLK_ACQUIRE_LVER);

	/* convert EX -> SH -> EX */
	EQ("convert(NULL)", F(sanlock_convert)(slkfd, -1, 0, NULL), -EINVAL);
	r1.r.flags = SANLK_RES_SHARED;
	DCALL(rv, "convert to SH", sanlock_convert(slkfd, -1, 0, &r1.r), 0);
	DCALL(rv, "inquire after convert", inquire_state(slkfd, -1, &count, &state), 0);
	TRUE("inquire shows SH", state && strlen(state) > 3 &&
	     !strcmp(state + strlen(state) - 3, ":SH"));
	free(state);
	r1.r.flags = 0;
	DCALL(rv, "convert to EX", sanlock_convert(slkfd, -1, 0, &r1.r), 0);
	set_res(&nolease, LS_NAME, "R3", leases_path, 3 * MiB);
	DCALL(rv, "convert(not held)", sanlock_convert(slkfd, -1, 0, &nolease.r), -ENOENT);

	/* request / examine */
	EQ("request(NULL)", F(sanlock_request)(0, 0, NULL), -EINVAL);
	set_res(&r1, LS_NAME, "R1", leases_path, 1 * MiB);
	DCALL(rv, "request(NEXT_LVER, no force)", sanlock_request(SANLK_REQUEST_NEXT_LVER, 0, &r1.r), 0);
	EQ("examine(NULL, NULL)", F(sanlock_examine)(0, NULL, NULL), -EINVAL);
	{
		struct sanlk_lockspace ls;

		set_ls(&ls, LS_NAME, 1, leases_path, 0);
		DCALL(rv, "examine(lockspace)", sanlock_examine(0, &ls, NULL), 0);
	}
	DCALL(rv, "examine(resource)", sanlock_examine(0, NULL, &r1.r), 0);

	/* release */
	args[0] = &r1.r;
	DCALL(rv, "release R1", F(sanlock_release)(slkfd, -1, 0, 1, args), 0);
	DCALL(rv, "release R1 again", sanlock_release(slkfd, -1, 0, 1, args), -1);
	DCALL(rv, "release(no target)", sanlock_release(-1, -1, 0, 1, args), -EBUSY);

	/* the pid forms, acting on this (registered) process */
	DCALL(rv, "acquire(pid)", sanlock_acquire(-1, getpid(), 0, 1, args, NULL), 0);
	DCALL(rv, "release(pid)", sanlock_release(-1, getpid(), 0, 1, args), 0);
	DCALL(rv, "acquire(unknown pid)", sanlock_acquire(-1, 999999999, 0, 1, args, NULL), -ESRCH);

	/* rename at release */
	{
		struct res1 r3, r3new;
		struct sanlk_resource *two[2];

		set_res(&r3, LS_NAME, "R3", leases_path, 3 * MiB);
		set_res(&r3new, LS_NAME, "R3_RENAMED", leases_path, 3 * MiB);
		two[0] = &r3.r;
		two[1] = &r3new.r;
		DCALL(rv, "acquire R3", sanlock_acquire(slkfd, -1, 0, 1, two, NULL), 0);
		DCALL(rv, "release(RENAME)", sanlock_release(slkfd, -1, SANLK_REL_RENAME, 2, two), 0);
		set_res(&r3, "", "", leases_path, 3 * MiB);
		DCALL(rv, "read_resource after rename", sanlock_read_resource(&r3.r, 0), 0);
		STREQ("renamed on disk", r3.r.name, "R3_RENAMED");
	}

	/* REL_ALL */
	DCALL(rv, "acquire R1 for REL_ALL", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), 0);
	DCALL(rv, "release(ALL)", sanlock_release(slkfd, -1, SANLK_REL_ALL, 0, NULL), 0);
	DCALL(rv, "inquire after release(ALL)", inquire_state(slkfd, -1, &count, &state), 0);
	EQ("inquire after release(ALL) count", count, 0);
	free(state);

	DCALL(rv, "read_resource_owners(free)", sanlock_read_resource_owners(&r1.r, 0, &hss, &count), 0);
	EQ("read_resource_owners(free) count", count, 0);
	free(hss);
	EQ("read_resource_owners(NULL)", sanlock_read_resource_owners(NULL, 0, &hss, &count), -EINVAL);
}

static void test_lvb(void)
{
	struct res1 r2, r1, r3;
	struct sanlk_resource *args[1];
	char lvb[600], big[4097];
	int rv;

	group("lvb");
	set_res(&r2, LS_NAME, "R2", leases_path, 2 * MiB);
	set_res(&r1, LS_NAME, "R1", leases_path, 1 * MiB);
	set_res(&r3, LS_NAME, "R3_RENAMED", leases_path, 3 * MiB);
	EQ("set_lvb(NULL res)", F(sanlock_set_lvb)(0, NULL, lvb, 8), -EINVAL);
	EQ("set_lvb(NULL lvb)", sanlock_set_lvb(0, &r2.r, NULL, 8), -EINVAL);
	EQ("set_lvb(len 0)", sanlock_set_lvb(0, &r2.r, lvb, 0), -EINVAL);
	EQ("get_lvb(NULL res)", F(sanlock_get_lvb)(0, NULL, lvb, 8), -EINVAL);
	EQ("get_lvb(len 0)", sanlock_get_lvb(0, &r2.r, lvb, 0), -EINVAL);

	args[0] = &r2.r;
	DCALL(rv, "acquire R2 (LVB)", sanlock_acquire(slkfd, -1, SANLK_ACQUIRE_LVB, 1, args, NULL), 0);
	memset(lvb, 'X', sizeof(lvb));
	DCALL(rv, "get_lvb(unset)", sanlock_get_lvb(0, &r2.r, lvb, 512), 0);
	{
		int zero = 1;

		for (int i = 0; i < 512; i++)
			zero &= lvb[i] == 0;
		TRUE("get_lvb(unset) zeros", zero);
		TRUE("get_lvb leaves the rest of the buffer", lvb[512] == 'X');
	}
	DCALL(rv, "set_lvb", sanlock_set_lvb(0, &r2.r, "abi-lvb", 8), 0);
	memset(lvb, 0, sizeof(lvb));
	DCALL(rv, "get_lvb", sanlock_get_lvb(0, &r2.r, lvb, 8), 0);
	STREQ("get_lvb value", lvb, "abi-lvb");
	memset(big, 'b', sizeof(big));
	DCALL(rv, "set_lvb(4097 bytes)", sanlock_set_lvb(0, &r2.r, big, 4097), -E2BIG);
	DCALL(rv, "set_lvb(513 bytes on 512 sectors)", sanlock_set_lvb(0, &r2.r, big, 513), -E2BIG);
	DCALL(rv, "set_lvb(not held)", sanlock_set_lvb(0, &r3.r, lvb, 8), -ENOENT);
	args[0] = &r1.r;
	DCALL(rv, "acquire R1 (no LVB)", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), 0);
	DCALL(rv, "set_lvb(held without LVB)", sanlock_set_lvb(0, &r1.r, lvb, 8), -EINVAL);
	DCALL(rv, "release(ALL) for lvb", sanlock_release(slkfd, -1, SANLK_REL_ALL, 0, NULL), 0);
	/* The value reached disk at release. */
	args[0] = &r2.r;
	DCALL(rv, "acquire R2 (LVB) again", sanlock_acquire(slkfd, -1, SANLK_ACQUIRE_LVB, 1, args, NULL), 0);
	memset(lvb, 0, sizeof(lvb));
	DCALL(rv, "get_lvb after re-acquire", sanlock_get_lvb(0, &r2.r, lvb, 8), 0);
	STREQ("get_lvb value kept on disk", lvb, "abi-lvb");
	DCALL(rv, "release R2", sanlock_release(slkfd, -1, 0, 1, args), 0);
}

static void test_unused_and_close(void)
{
	struct res1 r1;
	struct sanlk_resource *args[1];
	struct sanlk_lockspace ls;
	struct sanlk_host *hss = NULL;
	int rv, count = -1;
	double end;

	group("close");
	set_res(&r1, LS_NAME, "R1", leases_path, 1 * MiB);
	args[0] = &r1.r;
	DCALL(rv, "acquire R1 before close", sanlock_acquire(slkfd, -1, 0, 1, args, NULL), 0);
	set_ls(&ls, LS_NAME, 1, leases_path, 0);
	DCALL(rv, "rem_lockspace(UNUSED) while used", sanlock_rem_lockspace(&ls, SANLK_REM_UNUSED), -EBUSY);
	/* Closing the registered fd releases the client's leases. */
	close(slkfd);
	slkfd = -1;
	end = now_mono() + POLL_LIMIT_SEC;
	do {
		hss = NULL;
		rv = sanlock_read_resource_owners(&r1.r, 0, &hss, &count);
		free(hss);
		if (rv == 0 && count == 0)
			break;
		sleep_ms(100);
	} while (now_mono() < end);
	EQ("owners after close count", count, 0);
}

static void test_events(void)
{
	struct sanlk_host_event he = { 0, 0, 0, 0 }, got;
	uint64_t from_id = 77, from_gen = 77;
	int rv, efd, efd2;

	group("events");
	EQ("reg_event(NULL)", F(sanlock_reg_event)(NULL, NULL, 0), -EINVAL);
	DCALL(rv, "reg_event(unknown)", sanlock_reg_event("ABI_NOLS", NULL, 0), -ENOENT);
	DCALL_ANY(efd, "reg_event", sanlock_reg_event(LS_NAME, NULL, 0));
	TRUE("reg_event fd", efd >= 0);
	if (efd < 0)
		return;
	memset(&got, 0x55, sizeof(got));
	EQ("get_event(nothing queued)", F(sanlock_get_event)(efd, 0, &got, &from_id, &from_gen), -EAGAIN);
	EQ("get_event leaves he", got.host_id, 0x5555555555555555ULL);

	EQ("set_event(NULL name)", F(sanlock_set_event)(NULL, &he, 0), -EINVAL);
	EQ("set_event(NULL he)", sanlock_set_event(LS_NAME, NULL, 0), -EINVAL);
	memset(&he, 0, sizeof(he));
	he.host_id = 2;
	he.generation = 0;
	he.event = 1;
	he.data = 2;
	DCALL(rv, "set_event", sanlock_set_event(LS_NAME, &he, 0), 0);
	he.event = 4;
	DCALL(rv, "set_event(different, pending)", sanlock_set_event(LS_NAME, &he, 0), -EBUSY);
	DCALL(rv, "set_event(REPLACE)", sanlock_set_event(LS_NAME, &he, SANLK_SETEV_REPLACE_EVENT), 0);
	he.host_id = 0;
	DCALL(rv, "set_event(host_id 0)", sanlock_set_event(LS_NAME, &he, 0), -EINVAL);
	he.host_id = 2;
	DCALL(rv, "set_event(unknown lockspace)", sanlock_set_event("ABI_NOLS", &he, 0), -ENOENT);

	EQ("end_event(NULL name)", F(sanlock_end_event)(efd, NULL, 0), -EINVAL);
	DCALL(rv, "end_event", sanlock_end_event(efd, LS_NAME, 0), 0);
	EQ("end_event(closed fd)", sanlock_end_event(efd, LS_NAME, 0), -EALREADY);

	/* A second listener, ended by a sweep of another end_event. */
	DCALL_ANY(efd2, "reg_event 2", sanlock_reg_event(LS_NAME, NULL, 0));
	TRUE("reg_event 2 fd", efd2 >= 0);
	if (efd2 >= 0)
		DCALL(rv, "end_event 2", sanlock_end_event(efd2, LS_NAME, 0), 0);
}

static void test_rindex(void)
{
	struct sanlk_rindex rx;
	struct sanlk_rentry re;
	int rv;

	group("rindex");
	memset(&rx, 0, sizeof(rx));
	rx.flags = SANLK_RIF_ALIGN1M | SANLK_RIF_SECTOR512;
	rx.max_resources = 4;
	strncpy(rx.lockspace_name, LS_NAME, SANLK_NAME_LEN);
	set_disk(&rx.disk, rindex_path, 1 * MiB);
	memset(&re, 0, sizeof(re));

	EQ("format_rindex(NULL)", F(sanlock_format_rindex)(NULL, 0), -EINVAL);
	EQ("rebuild_rindex(NULL)", F(sanlock_rebuild_rindex)(NULL, 0), -EINVAL);
	EQ("update_rindex(NULL re)", F(sanlock_update_rindex)(&rx, 0, NULL), -EINVAL);
	EQ("lookup_rindex(NULL re)", F(sanlock_lookup_rindex)(&rx, 0, NULL), -EINVAL);
	EQ("create_resource(NULL re)", F(sanlock_create_resource)(&rx, 0, NULL, 0, 0), -EINVAL);
	EQ("delete_resource(NULL re)", F(sanlock_delete_resource)(&rx, 0, NULL), -EINVAL);
	{
		struct sanlk_rindex bad = rx;

		bad.lockspace_name[0] = '\0';
		EQ("format_rindex(no lockspace name)", sanlock_format_rindex(&bad, 0), -EINVAL);
		bad = rx;
		bad.disk.path[0] = '\0';
		EQ("format_rindex(no path)", sanlock_format_rindex(&bad, 0), -EINVAL);
	}

	DCALL(rv, "format_rindex", sanlock_format_rindex(&rx, 0), 0);
	EQ("rindex magic on disk", read_u32(rindex_path, 1 * MiB), 0x01042018);
	memset(&re, 0, sizeof(re));
	DCALL(rv, "lookup_rindex(first free)", sanlock_lookup_rindex(&rx, 0, &re), 0);
	EQ("lookup_rindex(first free) offset", re.offset, 3 * MiB);
	EQ("lookup_rindex(first free) name empty", re.name[0], 0);

	memset(&re, 0, sizeof(re));
	strcpy(re.name, "rxres1");
	DCALL(rv, "create_resource", sanlock_create_resource(&rx, 0, &re, 0, 0), 0);
	EQ("create_resource offset", re.offset, 3 * MiB);
	EQ("create_resource name zeroed", re.name[0], 0);
	EQ("created lease magic", read_u32(rindex_path, 3 * MiB), 0x06152010);

	memset(&re, 0, sizeof(re));
	strcpy(re.name, "rxres1");
	DCALL(rv, "lookup_rindex(name)", sanlock_lookup_rindex(&rx, 0, &re), 0);
	EQ("lookup_rindex(name) offset", re.offset, 3 * MiB);
	memset(&re, 0, sizeof(re));
	re.offset = 3 * MiB;
	DCALL(rv, "lookup_rindex(offset)", sanlock_lookup_rindex(&rx, 0, &re), 0);
	STREQ("lookup_rindex(offset) name", re.name, "rxres1");
	memset(&re, 0, sizeof(re));
	strcpy(re.name, "nosuch");
	DCALL(rv, "lookup_rindex(unknown)", sanlock_lookup_rindex(&rx, 0, &re), -ENOENT);

	memset(&re, 0, sizeof(re));
	strcpy(re.name, "rxres2");
	re.offset = 4 * MiB;
	DCALL(rv, "update_rindex(ADD)", sanlock_update_rindex(&rx, SANLK_RXUP_ADD, &re), 0);
	STREQ("update_rindex(ADD) name", re.name, "rxres2");
	EQ("update_rindex(ADD) offset", re.offset, 4 * MiB);
	memset(&re, 0, sizeof(re));
	re.offset = 4 * MiB;
	DCALL(rv, "update_rindex(REM)", sanlock_update_rindex(&rx, SANLK_RXUP_REM, &re), 0);
	memset(&re, 0, sizeof(re));
	strcpy(re.name, "rxres1");
	DCALL(rv, "delete_resource", sanlock_delete_resource(&rx, 0, &re), 0);
	STREQ("delete_resource leaves re", re.name, "rxres1");
	DCALL(rv, "lookup_rindex(deleted)", sanlock_lookup_rindex(&rx, 0, &re), -ENOENT);
	DCALL(rv, "rebuild_rindex", sanlock_rebuild_rindex(&rx, 0), 0);
}

static void test_remove(void)
{
	struct sanlk_lockspace ls;
	int rv;

	group("rem_lockspace");
	set_ls(&ls, LS_NAME, 1, leases_path, 0);
	DCALL(rv, "rem_lockspace", sanlock_rem_lockspace(&ls, 0), 0);
	DCALL(rv, "inq_lockspace after remove", sanlock_inq_lockspace(&ls, 0), -ENOENT);
	DCALL(rv, "rem_lockspace again", sanlock_rem_lockspace(&ls, 0), -ENOENT);
}


/* ----------------------------------------------------------------- smoke */

/*
 * Every public function at least once, whatever the daemon supports: each
 * function the groups above did not reach (a group ends at the first
 * -ENOSYS) is called here once, in its own process with a hang guard, and
 * its result is reported ("smoke <fn> rv=<n>"), not judged.
 */
static struct res1 smoke_r1;
static int smoke_fd = -1;

static int smoke_reg(void)
{
	if (smoke_fd < 0)
		smoke_fd = sanlock_register();
	return smoke_fd;
}

static int s_restrict(void) { return F(sanlock_restrict)(smoke_reg(), 0); }
static int s_killpath(void)
{
	char path[] = "/bin/true", args[] = "x";

	return F(sanlock_killpath)(smoke_reg(), 0, path, args);
}
static int s_acquire(void)
{
	struct sanlk_resource *a[1] = { &smoke_r1.r };

	return F(sanlock_acquire)(smoke_reg(), -1, 0, 1, a, NULL);
}
static int s_release(void)
{
	struct sanlk_resource *a[1] = { &smoke_r1.r };

	return F(sanlock_release)(smoke_reg(), -1, 0, 1, a);
}
static int s_inquire(void)
{
	int n = 0;
	char *st = NULL;
	int rv = F(sanlock_inquire)(smoke_reg(), -1, 0, &n, &st);

	free(st);
	return rv;
}
static int s_convert(void) { return F(sanlock_convert)(smoke_reg(), -1, 0, &smoke_r1.r); }
static int s_request(void) { return F(sanlock_request)(SANLK_REQUEST_NEXT_LVER, 0, &smoke_r1.r); }
static int s_examine(void) { return F(sanlock_examine)(0, NULL, &smoke_r1.r); }
static int s_set_lvb(void)
{
	char b[8] = "smoke";

	return F(sanlock_set_lvb)(0, &smoke_r1.r, b, 8);
}
static int s_get_lvb(void)
{
	char b[8];

	return F(sanlock_get_lvb)(0, &smoke_r1.r, b, 8);
}
static int s_owners(void)
{
	struct sanlk_host *h = NULL;
	int n = 0;
	int rv = F(sanlock_read_resource_owners)(&smoke_r1.r, 0, &h, &n);

	free(h);
	return rv;
}
static int s_read_lockspace(void)
{
	struct sanlk_lockspace ls;
	uint32_t iot = 0;

	set_ls(&ls, "", 0, leases_path, 0);
	return F(sanlock_read_lockspace)(&ls, 0, &iot);
}
static int s_read_resource(void)
{
	struct res1 x;

	set_res(&x, "", "", leases_path, 1 * MiB);
	return F(sanlock_read_resource)(&x.r, 0);
}
static int s_set_config(void) { return F(sanlock_set_config)(LS_NAME, 0, SANLK_CONFIG_UNUSED, NULL); }
static int s_reg_event(void)
{
	int fd = F(sanlock_reg_event)(LS_NAME, NULL, 0);

	if (fd >= 0)
		sanlock_end_event(fd, LS_NAME, 0);
	return fd;
}
static int s_set_event(void)
{
	struct sanlk_host_event he = { 2, 0, 1, 0 };

	return F(sanlock_set_event)(LS_NAME, &he, SANLK_SETEV_REPLACE_EVENT);
}
static int s_get_event(void)
{
	struct sanlk_host_event he;
	int fd = sanlock_reg_event(LS_NAME, NULL, 0);
	int rv = F(sanlock_get_event)(fd, 0, &he, NULL, NULL);

	if (fd >= 0)
		sanlock_end_event(fd, LS_NAME, 0);
	return rv;
}
static int s_end_event(void)
{
	int fd = sanlock_reg_event(LS_NAME, NULL, 0);

	return F(sanlock_end_event)(fd, LS_NAME, 0);
}

struct smoke {
	const char *fn;
	int (*call)(void);
};

static const struct smoke smokes[] = {
	{ "sanlock_read_lockspace", s_read_lockspace },
	{ "sanlock_read_resource", s_read_resource },
	{ "sanlock_set_config", s_set_config },
	{ "sanlock_restrict", s_restrict },
	{ "sanlock_killpath", s_killpath },
	{ "sanlock_acquire", s_acquire },
	{ "sanlock_inquire", s_inquire },
	{ "sanlock_convert", s_convert },
	{ "sanlock_request", s_request },
	{ "sanlock_examine", s_examine },
	{ "sanlock_set_lvb", s_set_lvb },
	{ "sanlock_get_lvb", s_get_lvb },
	{ "sanlock_read_resource_owners", s_owners },
	{ "sanlock_release", s_release },
	{ "sanlock_reg_event", s_reg_event },
	{ "sanlock_set_event", s_set_event },
	{ "sanlock_get_event", s_get_event },
	{ "sanlock_end_event", s_end_event },
};

static const struct smoke *smoke_cur;

static void smoke_alarm(int sig)
{
	char line[160];
	int n;

	(void)sig;
	n = snprintf(line, sizeof(line), "smoke %s HANG limit=%ds\n",
		     smoke_cur->fn, CALL_TIMEOUT_SEC);
	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(4);
	_exit(3);
}

static void test_smoke(void)
{
	group("smoke");
	set_res(&smoke_r1, LS_NAME, "R1", leases_path, 1 * MiB);
	for (size_t i = 0; i < sizeof(smokes) / sizeof(smokes[0]); i++) {
		int done = 0, status = 0;
		pid_t pid;

		for (int j = 0; j < cov->count; j++)
			done |= !strcmp(cov->fns[j], smokes[i].fn);
		if (done)
			continue;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			int rv;

			smoke_cur = &smokes[i];
			signal(SIGALRM, smoke_alarm);
			alarm(CALL_TIMEOUT_SEC);
			rv = smokes[i].call();
			printf("smoke %s rv=%d\n", smokes[i].fn, rv);
			fflush(stdout);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
}

/* ------------------------------------------------------------------ main */


static void on_alarm(int sig)
{
	char line[256];
	int n;

	(void)sig;
	/* A library call did not return: the daemon sent no (complete)
	 * reply.  Report where, then end this group's process. */
	n = snprintf(line, sizeof(line), "HANG %s %s limit=%ds\n", group_name,
		     last_check, CALL_TIMEOUT_SEC);
	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(4);
	_exit(3);
}

/*
 * Runs one group (or a chain of groups sharing state, such as a registered
 * fd) in its own process, so that a call that never returns (a daemon that
 * ignores a request) ends that group only.  A fresh process also has no
 * cached run directory.  Leases the child still holds are released by the
 * daemon when its registered connection closes at exit.
 */
static void run_group(void (*fn)(void))
{
	pid_t pid;
	int status = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGALRM, on_alarm);
		alarm(GROUP_TIMEOUT_SEC);
		failures = 0;
		fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failures++;
}

static void chain_leases(void)
{
	test_register();
	if (slkfd < 0)
		return;
	test_inquire_empty();
	test_acquire();
	test_lvb();
	test_unused_and_close();
	if (slkfd >= 0) {
		sanlock_release(slkfd, -1, SANLK_REL_ALL, 0, NULL);
		close(slkfd);
		slkfd = -1;
	}
}

static void chain_local(void)
{
	test_layout();
	test_constants();
	test_loaded();
	test_strerror();
	test_paths();
	test_res_strings();
	test_str_to_lockspace();
	test_owners_local();
	test_helpers();
}

static const char *const all_functions[] = {
	"sanlock_path_export", "sanlock_path_import", "sanlock_strerror",
	"sanlock_register", "sanlock_restrict", "sanlock_killpath",
	"sanlock_acquire", "sanlock_release", "sanlock_inquire",
	"sanlock_convert", "sanlock_request", "sanlock_examine",
	"sanlock_set_lvb", "sanlock_get_lvb", "sanlock_res_to_str",
	"sanlock_str_to_res", "sanlock_args_to_state", "sanlock_state_to_args",
	"sanlock_str_to_lockspace", "sanlock_add_lockspace",
	"sanlock_add_lockspace_timeout", "sanlock_inq_lockspace",
	"sanlock_rem_lockspace", "sanlock_get_lockspaces", "sanlock_get_hosts",
	"sanlock_set_config", "sanlock_align", "sanlock_init",
	"sanlock_write_lockspace", "sanlock_read_lockspace",
	"sanlock_write_resource", "sanlock_read_resource",
	"sanlock_read_resource_owners", "sanlock_test_resource_owners",
	"sanlock_format_rindex", "sanlock_update_rindex",
	"sanlock_lookup_rindex", "sanlock_rebuild_rindex",
	"sanlock_create_resource", "sanlock_delete_resource",
	"sanlock_version", "sanlock_reg_event", "sanlock_end_event",
	"sanlock_set_event", "sanlock_get_event",
#ifndef ABI_CLIENT
	"sanlock_direct_init", "sanlock_direct_write_lockspace",
	"sanlock_direct_write_resource", "sanlock_direct_align",
#endif
	"send_command", "sanlock_socket_address", "env_get", "env_get_bool",
};

int main(int argc, char **argv)
{
	const char *run_dir = getenv("SANLOCK_RUN_DIR");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || !run_dir) {
		fprintf(stderr, "usage: SANLOCK_RUN_DIR=<dir> %s <workdir>\n", argv[0]);
		return 2;
	}
	{
		char real[PATH_MAX];

		if (!realpath(argv[1], real)) {
			fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
			return 2;
		}
		if (strlen(real) >= sizeof(workdir)) {
			fprintf(stderr, "%s: path too long\n", real);
			return 2;
		}
		strcpy(workdir, real);
	}
	snprintf(leases_path, sizeof(leases_path), "%s/leases.img", workdir);
	snprintf(leases2_path, sizeof(leases2_path), "%s/leases2.img", workdir);
	snprintf(rindex_path, sizeof(rindex_path), "%s/rindex.img", workdir);
#ifndef ABI_CLIENT
	snprintf(direct_path, sizeof(direct_path), "%s/direct.img", workdir);
#endif
	if (make_file(leases_path, 8 * MiB) < 0 ||
	    make_file(leases2_path, 8 * MiB) < 0 ||
	    make_file(rindex_path, 8 * MiB) < 0)
		return 1;

	cov = mmap(NULL, sizeof(*cov), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cov == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(cov, 0, sizeof(*cov));

	/* The parent never talks to the daemon itself. */
	run_group(chain_local);
#ifndef ABI_CLIENT
	run_group(test_direct);
#endif
	run_group(test_nodaemon);
	run_group(test_version);
	run_group(test_align);
	run_group(test_write_lockspace);
	run_group(test_read_lockspace);
	run_group(test_write_resource);
	run_group(test_read_resource);
	run_group(test_lockspace);
	run_group(test_lockspace_async);
	run_group(test_config);
	run_group(chain_leases);
	run_group(test_events);
	run_group(test_rindex);
	run_group(test_smoke);
	run_group(test_remove);

	group("coverage");
	for (int i = 0; i < cov->count; i++)
		printf("called %s\n", cov->fns[i]);
	for (size_t i = 0; i < sizeof(all_functions) / sizeof(all_functions[0]); i++) {
		int found = 0;

		for (int j = 0; j < cov->count; j++)
			found |= !strcmp(cov->fns[j], all_functions[i]);
		if (!found) {
			printf("FAIL coverage %s got=not-called want=called line=%d\n",
			       all_functions[i], __LINE__);
			failures++;
		}
	}
	printf("done %d\n", failures);
	return failures ? 1 : 0;
}
