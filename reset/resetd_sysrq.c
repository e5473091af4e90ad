/*
 * resetd_sysrq.c - the sysrq reboot of sanlk-resetd (spec/cli.md §5.1):
 * write "b" to /proc/sysrq-trigger.  For tests only, the path can be
 * replaced with $SANLK_RESETD_SYSRQ_TRIGGER (documented in
 * sanlk-resetd(8)); the file must exist.  No state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "resetd.h"

const char *resetd_sysrq_path(void)
{
	const char *p = getenv(RESETD_SYSRQ_ENV);

	return p && p[0] ? p : RESETD_SYSRQ_DEFAULT;
}

int resetd_sysrq_reboot(void)
{
	ssize_t n;
	int fd, rv = 0;

	fd = open(resetd_sysrq_path(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, "b", 1);
	if (n < 0)
		rv = -errno;
	else if (n != 1)
		rv = -EIO;
	close(fd);
	return rv;
}
