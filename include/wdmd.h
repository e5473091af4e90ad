/*
 * wdmd.h - client interface of the watchdog multiplexing daemon (libwdmd.so.1)
 *
 * Written for this project from spec/api.md Appendix A and spec/cli.md §4.
 * The first six functions are the 3.8.5 ABI.  Everything under
 * "Extensions" is this project's own (or post-3.8.5) and must only be used
 * with our wdmd, recognised by wdmd_status() reporting a test interval of
 * WDMD_EXT_TEST_INTERVAL (3.8.5's wdmd reports 10 and silently ignores
 * requests it does not know, so a caller waiting for a reply would wait
 * until the library's reply timeout).
 *
 * Return values: a negative errno on failure.  Each connection is owned by
 * one thread at a time; the library keeps no state of its own.
 *
 * Connection life (cli.md §4.4, §4.9): connect, register(name),
 * refcount_set, test_live(renewal, expire) after every successful renewal,
 * and to leave: test_live(0, 0), refcount_clear, close(con) - in that order.
 * A connection closed while armed (expire_time != 0) is never forgotten by
 * wdmd: it fails at its expiry and the host is reset.
 */
#ifndef __WDMD_H__
#define __WDMD_H__

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WDMD_NAME_SIZE 128

/* Connect to <run dir>/wdmd.sock (run dir: $WDMD_RUN_DIR, default
 * /run/wdmd).  Returns the connected socket (>= 0) or -errno. */
int wdmd_connect(void);

/* Name this connection (at most WDMD_NAME_SIZE bytes are sent; a longer
 * name fails with -ENAMETOOLONG and sends nothing).  wdmd records the name
 * and the peer's pid. */
int wdmd_register(int con, char *name);

/* While any connection has its refcount set, wdmd refuses to quit on
 * SIGTERM/SIGINT. */
int wdmd_refcount_set(int con);
int wdmd_refcount_clear(int con);

/* Arm (expire_time != 0) or disarm (expire_time == 0) this connection.
 * Times are CLOCK_MONOTONIC seconds.  wdmd stops petting the watchdog as
 * soon as a test round finds now >= expire_time on any armed connection. */
int wdmd_test_live(int con, uint64_t renewal_time, uint64_t expire_time);

/* Ask wdmd for its test interval (seconds between test rounds), fire
 * timeout (seconds from the last pet to the reset) and the monotonic time
 * of its last pet.  0 or -errno (-ECONNRESET if wdmd closed the
 * connection, -ETIMEDOUT if it did not answer in time). */
int wdmd_status(int con, int *test_interval, int *fire_timeout,
		uint64_t *last_keepalive);

/* ---------------------------------------------------------------------
 * Extensions (not declared by 3.8.5's header)
 */

/* Test interval reported by this project's wdmd (3.8.5's reports 10). */
#define WDMD_EXT_TEST_INTERVAL 1

struct sockaddr_un;

/* Fill addr with wdmd's socket address (exported, but undeclared, by
 * 3.8.5).  Honours $WDMD_RUN_DIR.  0 or -ENAMETOOLONG. */
int wdmd_socket_address(struct sockaddr_un *addr);

/* Request 7 (post-3.8.5 OPEN_WATCHDOG).  Our wdmd opens its device at
 * start-up with its configured fire timeout; this call checks that it runs
 * with exactly fire_timeout seconds: 0 if so, -EINVAL if wdmd uses another
 * value (it cannot change the timeout under other clients), or -errno. */
int wdmd_open_watchdog(int con, int fire_timeout);

/* Request 41 (this project, for WD_RESET, spec/messages.md §5): make the
 * watchdog fire at once and latch that state (wdmd will never pet again
 * and refuses to quit).  reason (<= WDMD_NAME_SIZE - 1 characters, may be
 * NULL) is logged.  The real device has its timeout set to 1 s (the
 * smallest; if the driver refuses, it fires fire_timeout seconds after the
 * last pet); the test backend records the fire and kills its process
 * group immediately.  Returns 0 once wdmd confirmed, -ECONNRESET if wdmd
 * went away before replying (the test backend kills itself), or -errno. */
int wdmd_fire_now(int con, const char *reason);

#ifdef __cplusplus
}
#endif

#endif /* __WDMD_H__ */
