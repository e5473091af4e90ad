/*
 * res_main.c - start, stop and forced shutdown of the resource manager
 * (algorithms.md §11.3 "Daemon shutdown", §10.2 signal substitution).
 *
 * res_init/res_stop run in the main thread at start-up and exit;
 * res_shutdown_kill in the forced-shutdown thread.  State: res_mod
 * (res_internal.h), res_mod.abort written here with __atomic.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/helper.h"
#include "daemon/res_client.h"
#include "daemon/res_internal.h"

int res_init(void)
{
	int rv;

	res_client_hook();
	rv = res_bg_start();
	if (rv < 0)
		log_error("cannot start the resource thread: %d", rv);
	return rv;
}

void res_stop(void)
{
	__atomic_store_n(&res_mod.abort, 1, __ATOMIC_SEQ_CST);
	res_bg_stop();
}

int res_shutdown_kill(void)
{
	struct res_resource *r;
	int attempt, left = 0;

	/* Waits for dead owners end (§5.4 h: -1); every lease is released
	 * without disk I/O, its lockspace is going away (§11.3). */
	__atomic_store_n(&res_mod.abort, 1, __ATOMIC_SEQ_CST);
	res_lock();
	for (r = res_mod.all; r; r = r->next)
		r->space_dead = 1;
	res_unlock();

	for (attempt = 0; attempt < RES_KILL_ATTEMPTS_MAX; attempt++) {
		int pids[RES_CLIENTS_MAX];
		uint32_t restricted[RES_CLIENTS_MAX];
		int i, n = 0;

		res_lock();
		for (i = 0; i < RES_CLIENTS_MAX; i++) {
			struct res_client *cl = &res_mod.clients[i];
			int j;

			if (!cl->used || cl->count == 0 || cl->pid <= 0)
				continue;
			pids[n] = cl->pid;
			restricted[n] = 0;
			for (j = 0; j < cl->cap; j++)
				if (cl->slots[j])
					restricted[n] = cl->slots[j]->restricted;
			n++;
		}
		res_unlock();
		left = n;
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			int sig = (restricted[i] & SANLK_RESTRICT_SIGKILL) ?
				  SIGTERM : SIGKILL;

			if (attempt == 0)
				log_warn("shutdown: kill pid %d sig %d", pids[i],
					 sig);
			helper_send_kill(pids[i], sig);
		}
		sleep(1);
	}
	if (left)
		log_error("shutdown: %d lease holders did not exit", left);
	return left;
}
