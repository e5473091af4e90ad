/*
 * probe.c - probe mode (see probe.h).  Messages on stderr, the found path
 * on stdout, exactly as cli.md §4.6 lists them.  No state.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libwdmd/wdmd_wire.h"
#include "wdmd/device.h"
#include "wdmd/probe.h"

int wdmd_probe(const struct wdmd_opts *o)
{
	char shm[WDMD_SHM_NAME_MAX];
	const char *cand[4];
	const char *step = "";
	int n, i, fd;

	if (o->test_backend) {
		fprintf(stderr, "probe looks for watchdog devices, not with --test-backend\n");
		return 1;
	}
	wdmd_shm_name(shm, sizeof(shm));
	fd = shm_open(shm, O_RDONLY, 0);
	if (fd >= 0) {
		close(fd);
		fprintf(stderr, "cannot probe watchdog devices while wdmd is in use.\n");
		return 1;
	}
	n = wdmd_realdev_candidates(o->watchdog, cand);
	for (i = 0; i < n; i++) {
		fd = wdmd_realdev_try(cand[i], o->fire_timeout, &step);
		if (fd < 0) {
			fprintf(stderr, "error %d %s %s\n", -fd, step, cand[i]);
			continue;
		}
		printf("%s\n", cand[i]);
		fflush(stdout);
		wdmd_realdev_magic_close(fd, NULL);
		return 0;
	}
	fprintf(stderr, "no watchdog device, load a watchdog driver\n");
	return 1;
}
