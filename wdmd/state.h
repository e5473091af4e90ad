/*
 * state.h - everything the running wdmd daemon knows, in one struct that
 * main() allocates once (static storage) and passes down.
 *
 * Owner: the main thread.  The only other thread is the test backend's
 * timer, which touches nothing here but its own locked fields inside
 * dev (see device.h).
 */
#ifndef WDMD_STATE_H
#define WDMD_STATE_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "libwdmd/wdmd_wire.h"
#include "wdmd/clients.h"
#include "wdmd/device.h"
#include "wdmd/options.h"
#include "wdmd/scripts.h"

struct wdmd_state {
	struct wdmd_opts opts;
	struct wdmd_clients clients;
	struct wdmd_scripts scripts;
	struct wdmd_dev dev;
	pid_t pid;
	gid_t socket_gid;
	uint64_t last_keepalive;   /* monotonic seconds of the last pet */
	int failing;               /* the last round failed */
	int listen_ci;             /* internal slots, -1 until set up */
	int signal_ci;
	int quit;                  /* a quit signal was accepted */
	int pid_fd;                /* locked pid file, -1 if none */
	int shm_created;
	char shm_name[WDMD_SHM_NAME_MAX];
	char pid_path[PATH_MAX];
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char run_dir_abs[PATH_MAX];
	char backend_abs[PATH_MAX];
	char scripts_abs[PATH_MAX];
};

void wdmd_state_init(struct wdmd_state *st);

#endif /* WDMD_STATE_H */
