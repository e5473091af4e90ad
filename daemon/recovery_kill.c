/*
 * recovery_kill.c - the killing sequence of spec/algorithms.md §10.2 and
 * the "every holder gone" test of §10.3 step 1 (see recovery.h).
 *
 * State: rk_state[], one entry per connection slot: the kill state of the
 * client in that slot (attempts, time of the last attempt, killpath run),
 * valid while the slot's generation matches.  Guarded by rk_mutex.  The
 * attempt count and time are mirrored into struct client (kill_count,
 * kill_last, under the slot mutex) for `client status`.  An entry is
 * reset when its client no longer holds a lease in the lockspace that
 * last tried to kill it (§10.3: "its kill state is reset and it may keep
 * running").  Lock order: rk_mutex -> slot mutex; the ops are called with
 * rk_mutex held and must not call back in.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "sanlock_resource.h"
#include "common/log.h"
#include "daemon/recovery.h"

struct rk_entry {
	int      active;
	uint64_t gen;           /* slot generation of the client */
	uint32_t space_id;      /* lockspace that last tried to kill it */
	int      count;         /* attempts so far */
	uint64_t last_us;       /* monotonic time of the last attempt */
	int      killpath_done; /* its killpath has been run */
	int      stuck_logged;
};

static pthread_mutex_t rk_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct rk_entry rk_state[CLIENT_SLOTS_MAX];

/* What one client looks like to a pass (copied under its slot mutex). */
struct rk_client {
	int      pid;
	uint32_t flags;
	uint32_t restricted;
	char     killpath[SANLK_HELPER_PATH_LEN];
	char     killargs[SANLK_HELPER_ARGS_LEN];
};

enum recovery_action recovery_choose(const struct recovery_choice *in)
{
	enum recovery_action a;

	if (in->force_kill)
		a = RECOVERY_SIGKILL;
	else if (in->kill_grace > 0 && in->in_grace && in->has_killpath)
		a = in->killpath_done ? RECOVERY_NONE : RECOVERY_KILLPATH;
	else if (in->in_grace)
		a = RECOVERY_SIGTERM;
	else
		a = RECOVERY_SIGKILL;

	/* Two substitutions applied in turn, as 3.8.5 does (observed: a
	 * client that restricted both gets SIGKILL on the removal path). */
	if (a == RECOVERY_SIGKILL && (in->restricted & SANLK_RESTRICT_SIGKILL))
		a = RECOVERY_SIGTERM;
	if (a == RECOVERY_SIGTERM && (in->restricted & SANLK_RESTRICT_SIGTERM))
		a = RECOVERY_SIGKILL;
	return a;
}

const char *recovery_action_name(enum recovery_action a)
{
	switch (a) {
	case RECOVERY_NONE:     return "none";
	case RECOVERY_KILLPATH: return "killpath";
	case RECOVERY_SIGTERM:  return "SIGTERM";
	case RECOVERY_SIGKILL:  return "SIGKILL";
	}
	return "?";
}

void recovery_reset(void)
{
	pthread_mutex_lock(&rk_mutex);
	memset(rk_state, 0, sizeof(rk_state));
	pthread_mutex_unlock(&rk_mutex);
}

/* Copy what a pass needs of slot ci if it still is the registered client
 * of generation gen with a live connection.  1 if so. */
static int rk_client_get(int ci, uint64_t gen, struct rk_client *out)
{
	struct client *c = client_get(ci);
	int ok;

	pthread_mutex_lock(&c->mutex);
	ok = c->kind == CL_CONN && c->gen == gen && c->registered &&
	     c->pid > 0 && !c->pid_dead;
	if (ok) {
		out->pid = c->pid;
		out->flags = c->flags;
		out->restricted = c->restricted;
		memcpy(out->killpath, c->killpath, sizeof(out->killpath));
		out->killpath[sizeof(out->killpath) - 1] = '\0';
		memcpy(out->killargs, c->killargs, sizeof(out->killargs));
		out->killargs[sizeof(out->killargs) - 1] = '\0';
	}
	pthread_mutex_unlock(&c->mutex);
	return ok;
}

/* Mirror the attempt count into the client (status); gen-checked. */
static void rk_client_mirror(int ci, uint64_t gen, int count, uint64_t last)
{
	struct client *c = client_get(ci);

	pthread_mutex_lock(&c->mutex);
	if (c->kind == CL_CONN && c->gen == gen) {
		c->kill_count = count;
		c->kill_last = last;
	}
	pthread_mutex_unlock(&c->mutex);
}

/* Queue the action (rk_mutex held).  0, -EAGAIN (pipe full) or -errno. */
static int rk_send(const struct recovery_ops *ops, enum recovery_action a,
		   const struct rk_client *cl)
{
	switch (a) {
	case RECOVERY_NONE:
		return 0;
	case RECOVERY_KILLPATH:
		return ops->send_runpath(ops->arg, cl->pid, cl->killpath,
					 cl->killargs,
					 (cl->flags & SANLK_KILLPATH_PID) != 0);
	case RECOVERY_SIGTERM:
		return ops->send_kill(ops->arg, cl->pid, SIGTERM);
	case RECOVERY_SIGKILL:
		return ops->send_kill(ops->arg, cl->pid, SIGKILL);
	}
	return -EINVAL;
}

/* One holder (rk_mutex held).  Returns 1 if something was queued. */
static int rk_attempt(const struct recovery_space *sp,
		      const struct recovery_ops *ops,
		      const struct recovery_holder *h, const struct rk_client *cl,
		      uint64_t now, uint64_t now_us,
		      struct recovery_pass_result *out)
{
	struct rk_entry *e = &rk_state[h->ci];
	struct recovery_choice ch;
	enum recovery_action a;
	int rv;

	if (!e->active || e->gen != h->gen) {
		memset(e, 0, sizeof(*e));
		e->active = 1;
		e->gen = h->gen;
	}
	e->space_id = sp->space_id;
	if (e->count >= RECOVERY_KILL_ATTEMPTS_MAX) {
		out->stuck++;
		if (!e->stuck_logged) {
			e->stuck_logged = 1;
			log_error("s%u kill pid %d: %d attempts made, giving up "
				  "(the watchdog will fire)", sp->space_id,
				  cl->pid, e->count);
		}
		return 0;
	}
	if (e->last_us && now_us - e->last_us < RECOVERY_KILL_INTERVAL_US)
		return 0;

	memset(&ch, 0, sizeof(ch));
	ch.force_kill = sp->force_kill;
	ch.in_grace = now < sp->grace_end;
	ch.kill_grace = sp->kill_grace;
	ch.has_killpath = cl->killpath[0] != '\0';
	ch.killpath_done = e->killpath_done;
	ch.restricted = cl->restricted;
	a = recovery_choose(&ch);

	rv = rk_send(ops, a, cl);
	if (rv == -EAGAIN) {
		/* Helper pipe full: not an attempt, retry next pass. */
		log_error("s%u kill pid %d %s: helper busy, retrying",
			  sp->space_id, cl->pid, recovery_action_name(a));
		return 0;
	}
	e->count++;
	e->last_us = now_us;
	if (a == RECOVERY_KILLPATH)
		e->killpath_done = 1;
	rk_client_mirror(h->ci, h->gen, e->count, now);
	if (rv < 0)
		log_error("s%u kill pid %d %s count %d error %d", sp->space_id,
			  cl->pid, recovery_action_name(a), e->count, rv);
	else if (a != RECOVERY_NONE)
		log_warn("s%u kill pid %d %s count %d%s", sp->space_id, cl->pid,
			 recovery_action_name(a), e->count,
			 a == RECOVERY_KILLPATH ? "" :
			 ch.in_grace ? " (in grace)" : "");
	return a != RECOVERY_NONE && rv == 0;
}

int recovery_pass(const struct recovery_space *sp,
		  const struct recovery_ops *ops, uint64_t now,
		  uint64_t now_us, struct recovery_pass_result *out)
{
	struct recovery_holder hs[RECOVERY_HOLDERS_MAX];
	uint8_t listed[CLIENT_SLOTS_MAX];
	struct rk_client cl;
	int n, i;

	assert(sp && ops && out && sp->name);
	memset(out, 0, sizeof(*out));
	n = ops->holders(ops->arg, sp->name, hs, RECOVERY_HOLDERS_MAX);
	if (n < 0) {
		log_error("s%u recovery: lease holders unknown (%d)",
			  sp->space_id, n);
		return n;
	}
	assert(n <= RECOVERY_HOLDERS_MAX);
	out->holders = n;
	memset(listed, 0, sizeof(listed));

	pthread_mutex_lock(&rk_mutex);
	for (i = 0; i < n; i++) {
		const struct recovery_holder *h = &hs[i];

		if (h->ci < 0 || h->ci >= CLIENT_SLOTS_MAX || listed[h->ci])
			continue;
		/* A closed connection is a process the daemon counts as
		 * gone (§10.3: "with a live pid"); its leases are being
		 * dropped by the resource manager. */
		if (!rk_client_get(h->ci, h->gen, &cl))
			continue;
		listed[h->ci] = 1;
		out->live++;
		out->sent += rk_attempt(sp, ops, h, &cl, now, now_us, out);
	}
	/* Clients this lockspace tried to kill that hold none of its
	 * leases any more: their kill state is reset. */
	for (i = 0; i < CLIENT_SLOTS_MAX; i++) {
		struct rk_entry *e = &rk_state[i];

		if (!e->active || e->space_id != sp->space_id || listed[i])
			continue;
		rk_client_mirror(i, e->gen, 0, 0);
		memset(e, 0, sizeof(*e));
	}
	pthread_mutex_unlock(&rk_mutex);
	assert(out->live <= out->holders && out->stuck <= out->live);
	return 0;
}
