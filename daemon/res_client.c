/*
 * res_client.c - the registered client a lease command acts on
 * (api.md §4.2 slkfd/pid convention, §5 "When the registered connection
 * closes", §8.3): finding it, one command per client at a time (-EBUSY),
 * the owner name of ACQUIRE, and what happens to its leases when its
 * connection ends (the dead-client handler, main thread, no disk I/O).
 *
 * State: struct res_client records in res_mod (res_mod.mutex).  The
 * connection slot is read under its own mutex, never while res_mod.mutex
 * is held (both are leaf locks here).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/res_client.h"
#include "daemon/res_internal.h"

/* Copy what we need of slot ci if it is the registered client (ci, gen)
 * (gen 0: any generation, and the pid must be `pid`). */
static int res_slot_read(int ci, uint64_t *gen, int pid_want, int *pid,
			 int *closed, int *killing, struct res_holder_info *hi)
{
	struct client *c = client_get(ci);
	int rv = 0;

	pthread_mutex_lock(&c->mutex);
	if (c->kind != CL_CONN || !c->registered ||
	    (*gen && c->gen != *gen) || (pid_want > 0 && c->pid != pid_want)) {
		rv = -ESRCH;
	} else {
		*gen = c->gen;
		*pid = c->pid;
		*closed = c->pid_dead;
		*killing = c->kill_count > 0;
		if (hi) {
			hi->pid = c->pid;
			hi->restricted = c->restricted;
			memcpy(hi->killpath, c->killpath, sizeof(hi->killpath));
			hi->killpath[sizeof(hi->killpath) - 1] = '\0';
			memcpy(hi->killargs, c->killargs, sizeof(hi->killargs));
			hi->killargs[sizeof(hi->killargs) - 1] = '\0';
		}
	}
	pthread_mutex_unlock(&c->mutex);
	return rv;
}

int res_target_begin(const struct job *j, int allow_pid, int for_acquire,
		     struct res_target *tg)
{
	int32_t want = (int32_t)j->req.h.data2;
	int ci, pid = -1, closed = 0, killing = 0, rv;
	uint64_t gen;

	memset(tg, 0, sizeof(*tg));
	if (want == -1 || !allow_pid) {
		ci = j->ci;
		gen = j->gen;
		rv = res_slot_read(ci, &gen, 0, &pid, &closed, &killing,
				   &tg->hi);
		if (rv < 0)
			return -EBUSY;          /* not registered (§8.3) */
	} else {
		ci = client_find_pid(want);
		if (ci < 0)
			return -ESRCH;
		gen = 0;
		rv = res_slot_read(ci, &gen, want, &pid, &closed, &killing,
				   &tg->hi);
		if (rv < 0)
			return -ESRCH;
	}
	if (closed || (for_acquire && killing))
		return -EBUSY;

	res_lock();
	tg->cl = res_client_get(ci, gen, pid);
	if (!tg->cl) {
		res_unlock();
		return -EMFILE;
	}
	if (tg->cl->busy || tg->cl->dead) {
		tg->cl = NULL;
		res_unlock();
		return -EBUSY;
	}
	tg->cl->busy = 1;
	res_unlock();
	tg->ci = ci;
	tg->gen = gen;
	tg->pid = pid;

	/* The connection may have closed between our look and the busy
	 * mark; then its dead handler may have run before our record
	 * existed: clean up at the end ourselves. */
	rv = res_slot_read(ci, &gen, 0, &pid, &closed, &killing, NULL);
	if (rv < 0 || closed) {
		res_lock();
		tg->cl->dead = 1;
		res_unlock();
	}
	return 0;
}

int res_target_end(struct res_target *tg, int rv, int for_acquire)
{
	struct res_client *cl = tg->cl;

	if (!cl)
		return rv;
	res_lock();
	assert(cl->busy);
	cl->busy = 0;
	if (cl->dead) {
		/* api.md §5: the connection closed while this command ran:
		 * everything it holds goes, including what it just got. */
		log_debug("client pid %d closed during command, releasing its "
			  "leases", cl->pid);
		res_client_exit_locked(cl);
		if (for_acquire && rv == 0)
			rv = -ENOTTY;
		cl->dead = 0;
	}
	res_client_put_if_idle(cl);
	res_unlock();
	tg->cl = NULL;
	return rv;
}

void res_target_set_name(const struct res_target *tg, const char *name48)
{
	struct client *c = client_get(tg->ci);

	pthread_mutex_lock(&c->mutex);
	if (c->kind == CL_CONN && c->gen == tg->gen) {
		memcpy(c->name, name48, CLIENT_NAME_LEN);
		c->name[CLIENT_NAME_LEN] = '\0';
	}
	pthread_mutex_unlock(&c->mutex);
}

/* Main thread, from conn_close (no command active on that connection). */
static void res_client_dead(struct client *c)
{
	struct res_client *cl;

	res_lock();
	cl = res_client_find(c->ci, c->gen);
	if (!cl) {
		res_unlock();
		return;
	}
	if (cl->busy) {
		/* A command for it runs on another connection (pid form):
		 * that command finishes the job (res_target_end). */
		cl->dead = 1;
		res_unlock();
		return;
	}
	res_client_exit_locked(cl);
	res_client_put_if_idle(cl);
	res_unlock();
	res_bg_wake();
}

void res_client_hook(void)
{
	client_set_dead_handler(res_client_dead);
}
