/*
 * wdmd_check.c - a libwdmd caller built against DEBIAN's /usr/include/wdmd.h
 * (package libsanlock-dev) and linked against Debian's libwdmd.so, run with
 * LD_LIBRARY_PATH=<build>/lib against OUR wdmd (started by
 * tests/integration/test_abi.py with --test-backend and WDMD_RUN_DIR, which
 * our libwdmd honours).  spec/api.md Appendix A, cli.md §4.4, §4.10.
 *
 * Output: "ok <check>" / "FAIL <check> got=.. want=.." lines, "lib <path>",
 * "done <failures>"; exit status 0 iff nothing failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <wdmd.h>

/* Exported by 3.8.5's libwdmd, declared in no header. */
int wdmd_socket_address(struct sockaddr_un *addr);

static int failures;

static void check(const char *name, long long got, long long want)
{
	if (got == want) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s got=%lld want=%lld\n", name, got, want);
		failures++;
	}
}

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

int main(void)
{
	char name[WDMD_NAME_SIZE];
	struct sockaddr_un addr;
	int con, test_interval = -1, fire_timeout = -1;
	uint64_t last = 0, now;
	const char *run_dir = getenv("WDMD_RUN_DIR");
	Dl_info info;
	char real[PATH_MAX];

	setvbuf(stdout, NULL, _IOLBF, 0);
	check("WDMD_NAME_SIZE", WDMD_NAME_SIZE, 128);
	if (dladdr((void *)&wdmd_connect, &info) && info.dli_fname &&
	    realpath(info.dli_fname, real))
		printf("lib %s\n", real);

	memset(&addr, 0, sizeof(addr));
	check("wdmd_socket_address", wdmd_socket_address(&addr), 0);
	if (run_dir) {
		char want[sizeof(addr.sun_path)];

		snprintf(want, sizeof(want), "%s/wdmd.sock", run_dir);
		check("socket path honours WDMD_RUN_DIR", strcmp(addr.sun_path, want), 0);
	}

	con = wdmd_connect();
	check("wdmd_connect >= 0", con >= 0, 1);
	if (con < 0)
		goto out;
	snprintf(name, sizeof(name), "abi_check");
	check("wdmd_register", wdmd_register(con, name), 0);
	check("wdmd_refcount_set", wdmd_refcount_set(con), 0);
	check("wdmd_status", wdmd_status(con, &test_interval, &fire_timeout, &last), 0);
	check("status test_interval (ours: 1)", test_interval, 1);
	check("status fire_timeout", fire_timeout, 60);
	now = mono();
	check("status last_keepalive recent", last + 5 >= now && last <= now, 1);
	check("wdmd_test_live arm", wdmd_test_live(con, now, now + 120), 0);
	check("wdmd_test_live disarm", wdmd_test_live(con, 0, 0), 0);
	check("wdmd_refcount_clear", wdmd_refcount_clear(con), 0);
	close(con);
out:
	printf("done %d\n", failures);
	return failures ? 1 : 0;
}
