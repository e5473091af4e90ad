/*
 * wdmd_rundir.c - where wdmd's files live (spec/cli.md §4.3 plus this
 * project's WDMD_RUN_DIR): run directory, paths inside it, the name of the
 * POSIX shm "running" marker.  Shared by libwdmd's wdmd_connect() and the
 * wdmd program.
 *
 * No state: WDMD_RUN_DIR is read at every call, so a process sees the
 * environment it has now.  Safe from any thread that does not setenv().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libwdmd/wdmd_wire.h"

const char *wdmd_run_dir(void)
{
	const char *dir = getenv(WDMD_RUN_DIR_ENV);

	if (!dir || !dir[0])
		return WDMD_RUN_DIR_DEFAULT;
	return dir;
}

int wdmd_run_path(char *buf, size_t size, const char *name)
{
	int n;

	if (!buf || !size || !name)
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s", wdmd_run_dir(), name);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

void wdmd_shm_name_for(const char *run_dir, char *buf, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a 64 offset basis */
	const unsigned char *p;

	if (!buf || !size)
		return;
	if (!run_dir || !strcmp(run_dir, WDMD_RUN_DIR_DEFAULT)) {
		snprintf(buf, size, "%s", WDMD_SHM_DEFAULT);
		return;
	}
	for (p = (const unsigned char *)run_dir; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;           /* FNV-1a 64 prime */
	}
	snprintf(buf, size, "%s-%016llx", WDMD_SHM_DEFAULT,
		 (unsigned long long)h);
}

void wdmd_shm_name(char *buf, size_t size)
{
	const char *dir = getenv(WDMD_RUN_DIR_ENV);

	wdmd_shm_name_for(dir && dir[0] ? dir : NULL, buf, size);
}
