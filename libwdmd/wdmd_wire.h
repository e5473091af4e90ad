/*
 * wdmd_wire.h - the wdmd request/reply record and the internal helpers
 * that libwdmd's public functions and the wdmd program share
 * (spec/cli.md §4.4, §4.10; spec/api.md Appendix A).
 *
 * Every request is one fixed 176-byte record in host byte order.  Replies
 * (STATUS, OPEN_WATCHDOG, FIRE_NOW) are the request record echoed with
 * fields filled in; the DUMP_DEBUG reply is raw text ended by the server
 * closing the connection.
 *
 * No state lives here; the helpers in wdmd_io.c and wdmd_rundir.c are
 * stateless and safe from any thread (each caller owns its fd).
 */
#ifndef LIBWDMD_WDMD_WIRE_H
#define LIBWDMD_WDMD_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include "wdmd.h"

/* The record (cli.md §4.4).  Natural alignment gives exactly the 3.8.5
 * offsets; the static asserts below pin them. */
struct wdmd_record {
	uint32_t magic;          /*  0: 0 for requests 1-7; WDMD_MAGIC_EXT for 41 */
	uint32_t cmd;            /*  4 */
	uint32_t len;            /*  8: unused (0) */
	uint32_t flags;          /* 12: unused (0) */
	uint32_t test_interval;  /* 16 */
	uint32_t fire_timeout;   /* 20 */
	uint64_t last_keepalive; /* 24 */
	uint64_t renewal_time;   /* 32 */
	uint64_t expire_time;    /* 40 */
	char name[WDMD_NAME_SIZE]; /* 48: NUL-padded */
};

#define WDMD_RECORD_SIZE 176

_Static_assert(sizeof(struct wdmd_record) == WDMD_RECORD_SIZE, "record size");
_Static_assert(offsetof(struct wdmd_record, cmd) == 4, "cmd offset");
_Static_assert(offsetof(struct wdmd_record, test_interval) == 16, "ti offset");
_Static_assert(offsetof(struct wdmd_record, fire_timeout) == 20, "ft offset");
_Static_assert(offsetof(struct wdmd_record, last_keepalive) == 24, "lk offset");
_Static_assert(offsetof(struct wdmd_record, renewal_time) == 32, "rt offset");
_Static_assert(offsetof(struct wdmd_record, expire_time) == 40, "et offset");
_Static_assert(offsetof(struct wdmd_record, name) == 48, "name offset");

/* Request numbers.  1-6: 3.8.5.  7: HEAD's OPEN_WATCHDOG (extension, not
 * in 3.8.5).  41: this project's FIRE_NOW (extension); it must carry
 * WDMD_MAGIC_EXT so that no stray or foreign record can fire a host. */
#define WDMD_CMD_REGISTER       1
#define WDMD_CMD_REFCOUNT_SET   2
#define WDMD_CMD_REFCOUNT_CLEAR 3
#define WDMD_CMD_TEST_LIVE      4
#define WDMD_CMD_STATUS         5
#define WDMD_CMD_DUMP_DEBUG     6
#define WDMD_CMD_OPEN_WATCHDOG  7
#define WDMD_CMD_FIRE_NOW       41

#define WDMD_MAGIC_EXT 0x57444d44u  /* "WDMD" read as a big-endian word */

/* Default run directory and the names inside it (cli.md §4.3). */
#define WDMD_RUN_DIR_DEFAULT "/run/wdmd"
#define WDMD_RUN_DIR_ENV     "WDMD_RUN_DIR"
#define WDMD_SOCK_NAME       "wdmd.sock"
#define WDMD_PID_NAME        "wdmd.pid"
#define WDMD_SHM_DEFAULT     "/wdmd"
#define WDMD_SHM_NAME_MAX    64

/* How long a client waits for a reply record (STATUS, OPEN_WATCHDOG,
 * FIRE_NOW) before giving up with -ETIMEDOUT.  3.8.5 waits forever; a
 * bound keeps a stuck or foreign wdmd from hanging a lockspace thread. */
#define WDMD_REPLY_TIMEOUT_MS 10000

/* Run directory: $WDMD_RUN_DIR if set and non-empty, else /run/wdmd.
 * Read at every call (no cached state). */
const char *wdmd_run_dir(void);

/* "<run dir>/<name>" into buf; -ENAMETOOLONG if it does not fit. */
int wdmd_run_path(char *buf, size_t size, const char *name);

/* Name of the POSIX shm "wdmd is running" object (cli.md §4.3): "/wdmd"
 * for the default run dir; "/wdmd-<16 hex digits>" (FNV-1a 64 of the run
 * dir string) when WDMD_RUN_DIR is set, so instances with different run
 * dirs never collide. */
void wdmd_shm_name(char *buf, size_t size);

/* Pure helper behind wdmd_shm_name, for tests. */
void wdmd_shm_name_for(const char *run_dir, char *buf, size_t size);

/* Send one whole record (MSG_NOSIGNAL, EINTR retried): 0 or -errno. */
int wdmd_wire_send(int fd, const struct wdmd_record *rec);

/* Receive exactly size bytes, waiting at most timeout_ms in total
 * (-1 = forever): 0, -ETIMEDOUT, -ECONNRESET on EOF, or -errno. */
int wdmd_wire_recv(int fd, void *buf, size_t size, int timeout_ms);

/* Send a request with cmd and wait for its echoed reply record; checks
 * that the reply carries the same cmd (-EPROTO otherwise). */
int wdmd_wire_call(int fd, struct wdmd_record *req, struct wdmd_record *rep);

#endif /* LIBWDMD_WDMD_WIRE_H */
