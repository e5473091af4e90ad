/*
 * resetd_wd.c - sanlk-resetd's wdmd connection (spec/cli.md §5.1, §4.10),
 * through libwdmd (WDMD_RUN_DIR is honoured by wdmd_connect).
 *
 * At start: connect, REGISTER "sanlk-resetd", REFCOUNT_SET, no expiry.
 * A reset: TEST_LIVE(now, now) - the connection expires at once, wdmd
 * stops petting at its next test round and the watchdog fires one fire
 * timeout later (within W + 1 s with our wdmd, about W + 10 s with
 * 3.8.5's).  This connection is ours alone: no renewal re-arms it.
 * At exit: REFCOUNT_CLEAR and close - except once armed, when the
 * refcount is kept (so that wdmd refuses SIGTERM and the pending reset
 * cannot be cancelled by stopping wdmd) and the connection is closed
 * still armed (wdmd keeps testing it as dead).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "wdmd.h"

#include "resetd.h"
#include "resetd_log.h"

#define RESETD_WDMD_NAME "sanlk-resetd"

int resetd_wd_open(struct resetd *d)
{
	char name[WDMD_NAME_SIZE];
	int con, rv;

	con = wdmd_connect();
	if (con < 0) {
		resetd_error("wdmd_connect error %d", con);
		return con;
	}
	snprintf(name, sizeof(name), "%s", RESETD_WDMD_NAME);
	rv = wdmd_register(con, name);
	if (rv < 0) {
		resetd_error("wdmd_register error %d", rv);
		close(con);
		return rv;
	}
	rv = wdmd_refcount_set(con);
	if (rv < 0) {
		resetd_error("wdmd_refcount_set error %d", rv);
		close(con);
		return rv;
	}
	d->wd_con = con;
	resetd_debug("wdmd connection %d registered %s", con, name);
	return 0;
}

int resetd_wd_fire(struct resetd *d)
{
	uint64_t now = reset_monotime();

	if (d->wd_con < 0)
		return -ENOTCONN;
	return wdmd_test_live(d->wd_con, now, now);
}

void resetd_wd_close(struct resetd *d)
{
	int rv;

	if (d->wd_con < 0)
		return;
	if (d->wd_armed) {
		resetd_notice("reset pending: wdmd connection left armed");
	} else {
		rv = wdmd_refcount_clear(d->wd_con);
		if (rv < 0)
			resetd_error("wdmd_refcount_clear error %d", rv);
	}
	close(d->wd_con);
	d->wd_con = -1;
}
