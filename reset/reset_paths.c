/*
 * reset_paths.c - where the sanlk-resetd update socket lives (see
 * reset_common.h).  No state: the environment is read at every call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/un.h>

#include "reset_common.h"

const char *reset_run_dir(void)
{
	const char *dir = getenv(RESET_RUN_DIR_ENV);

	return dir && dir[0] ? dir : RESET_RUN_DIR_DEFAULT;
}

int reset_sock_path(char *buf, size_t size)
{
	struct sockaddr_un sun;
	int n;

	n = snprintf(buf, size, "%s/%s", reset_run_dir(), RESET_SOCK_NAME);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(sun.sun_path)) {
		if (size)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
