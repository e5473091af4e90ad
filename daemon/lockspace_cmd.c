/*
 * lockspace_cmd.c - the lockspace commands add_lockspace, rem_lockspace
 * and inq_lockspace (api.md §4.3; algorithms.md §3.3 local checks and
 * step 11, §11.3; cli.md §1.8).
 *
 * Runs in the daemon's command threads.  Everything here is done under
 * ls_mod.mutex; waiting commands sleep on ls_mod.cond holding a
 * reference to their lockspace (ls_internal.h).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock_admin.h"
#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"

/* The request as C strings; -EINVAL when a field is missing or too long
 * (name empty, host_id 0, path empty or not NUL-terminated). */
struct ls_req {
	char     name[SANLK_NAME_LEN + 1];
	char     path[SANLK_PATH_LEN];
	uint64_t offset;
	uint64_t host_id;
};

static void ls_req_from(const struct sanlk_lockspace *in, struct ls_req *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->name, in->name, SANLK_NAME_LEN);
	r->name[SANLK_NAME_LEN] = '\0';
	memcpy(r->path, in->host_id_disk.path, SANLK_PATH_LEN);
	r->offset = in->host_id_disk.offset;
	r->host_id = in->host_id;
}

static int ls_path_ok(const struct sanlk_lockspace *in)
{
	size_t n = strnlen(in->host_id_disk.path, SANLK_PATH_LEN);

	return n > 0 && n < SANLK_PATH_LEN;
}

/* api.md §4.3: name, path, offset, and host_id when it is non-zero. */
static int ls_req_match(const struct lspace *ls, const struct ls_req *r)
{
	return strncmp(ls->name, r->name, SANLK_NAME_LEN) == 0 &&
	       strcmp(ls->path, r->path) == 0 &&
	       ls->offset == r->offset &&
	       (r->host_id == 0 || ls->host_id == r->host_id);
}

static struct lspace *ls_find_req(const struct ls_req *r)
{
	int i;

	for (i = 0; i < ls_mod.count; i++)
		if (ls_req_match(ls_mod.table[i], r))
			return ls_mod.table[i];
	return NULL;
}

/* algorithms.md §3.3 local checks, in 3.8.5's list order: joined, being
 * added, being removed; the first lockspace that conflicts decides. */
static int ls_add_conflict(const struct ls_req *r)
{
	static const enum ls_state order[] = { LS_JOINED, LS_ADDING, LS_STOPPING };
	size_t k;
	int i;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < ls_mod.count; i++) {
			const struct lspace *ls = ls_mod.table[i];
			int same_name, same_disk;

			if (ls->state != order[k])
				continue;
			same_name = strncmp(ls->name, r->name, SANLK_NAME_LEN) == 0;
			same_disk = strcmp(ls->path, r->path) == 0 &&
				    ls->offset == r->offset;
			if (!same_name && !same_disk)
				continue;
			if (same_name && same_disk && ls->host_id == r->host_id) {
				if (ls->state == LS_JOINED)
					return -EEXIST;
				if (ls->state == LS_ADDING)
					return -EINPROGRESS;
				return -EAGAIN;
			}
			if (ls->state == LS_STOPPING)
				return -EAGAIN;
			log_error("add_lockspace %s:%" PRIu64 ":%s:%" PRIu64
				  " conflicts with %s of s%u %s:%" PRIu64 ":%s:%"
				  PRIu64 " (%s)", r->name, r->host_id, r->path,
				  r->offset, same_name ? "name" : "disk",
				  ls->space_id, ls->name, ls->host_id, ls->path,
				  ls->offset, ls_list_name(ls));
			return -EINVAL;
		}
	}
	return 0;
}

static struct lspace *ls_new(const struct ls_req *r, uint32_t io)
{
	struct lspace *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	if (pthread_mutex_init(&ls->mutex, NULL) != 0) {
		free(ls);
		return NULL;
	}
	if (ls_cond_init(&ls->wake) < 0) {
		pthread_mutex_destroy(&ls->mutex);
		free(ls);
		return NULL;
	}
	memcpy(ls->name, r->name, sizeof(ls->name));
	memcpy(ls->path, r->path, sizeof(ls->path));
	ls->offset = r->offset;
	ls->host_id = r->host_id;
	ls->io_timeout = io;
	ls->state = LS_ADDING;
	return ls;
}

/* Wait (ls_mod.mutex held, ref held) until done(ls) or the bound. */
static int ls_wait(struct lspace *ls, int (*done)(const struct lspace *))
{
	uint64_t start = monotime();

	while (!done(ls)) {
		if (monotime() - start > LS_CMD_WAIT_MAX_SEC) {
			log_error("s%u wait for %s gave up after %d s",
				  ls->space_id, ls_list_name(ls),
				  LS_CMD_WAIT_MAX_SEC);
			return -ETIMEDOUT;
		}
		ls_cond_wait_ms(&ls_mod.cond, LS_MONITOR_TICK_MS);
	}
	return 0;
}

/* Joined; or failed and already dropped, so that an add retried at once
 * does not find the failed one still in the table (-EINPROGRESS). */
static int ls_add_is_done(const struct lspace *ls)
{
	return ls->add_done && (ls->add_result == 0 || ls->state == LS_GONE);
}

static int ls_is_gone(const struct lspace *ls)
{
	return ls->state == LS_GONE;
}

static int ls_start_thread(struct lspace *ls)
{
	pthread_attr_t attr;
	int rv;

	rv = pthread_attr_init(&attr);
	if (rv)
		return -rv;
	pthread_attr_setstacksize(&attr, LS_THREAD_STACK);
	rv = pthread_create(&ls->thread, &attr, ls_thread_main, ls);
	pthread_attr_destroy(&attr);
	if (rv)
		return -rv;
	ls->thread_started = 1;
	ls->refs++;     /* the thread's own reference, dropped by the monitor */
	return 0;
}

int ls_add(const struct sanlk_lockspace *in, uint32_t flags, uint32_t io_timeout)
{
	struct ls_req r;
	struct lspace *ls;
	uint32_t io;
	int rv;

	assert(in);
	ls_req_from(in, &r);
	if (r.name[0] == '\0' || r.host_id == 0 || !ls_path_ok(in)) {
		log_error("add_lockspace bad args id %" PRIu64 " name %zu path %zu",
			  r.host_id, strlen(r.name),
			  strnlen(in->host_id_disk.path, SANLK_PATH_LEN));
		return -EINVAL;
	}

	ls_lock();
	io = io_timeout ? io_timeout : (uint32_t)ls_mod.cfg.default_io_timeout;
	if (io > DELTA_IO_TIMEOUT_MAX) {
		/* 3.8.5 would store only the low 8 bits (algorithms.md §2.2)
		 * and then renew on a schedule others cannot know. */
		log_error("add_lockspace %s io_timeout %u above %d", r.name, io,
			  DELTA_IO_TIMEOUT_MAX);
		rv = -EINVAL;
		goto out_unlock;
	}
	if (ls_mod.shutdown) {
		log_error("add_lockspace %s refused: daemon shutting down", r.name);
		rv = -ESHUTDOWN;
		goto out_unlock;
	}
	rv = ls_add_conflict(&r);
	if (rv < 0)
		goto out_unlock;
	if (ls_mod.count >= LS_MAX_LOCKSPACES) {
		log_error("add_lockspace %s refused: %d lockspaces is the limit "
			  "(LS_MAX_LOCKSPACES)", r.name, LS_MAX_LOCKSPACES);
		rv = -E2BIG;
		goto out_unlock;
	}
	rv = ls_monitor_start();
	if (rv < 0) {
		log_error("add_lockspace %s: monitor thread error %d", r.name, rv);
		goto out_unlock;
	}
	ls = ls_new(&r, io);
	if (!ls) {
		rv = -ENOMEM;
		goto out_unlock;
	}
	ls->space_id = ++ls_mod.next_space_id;
	ls->list_seq = ++ls_mod.seq;
	ls->refs = 2;                  /* the table's and ours */
	ls_mod.table[ls_mod.count++] = ls;
	log_debug("s%u lockspace %s:%" PRIu64 ":%s:%" PRIu64 " io_timeout %u",
		  ls->space_id, ls->name, ls->host_id, ls->path, ls->offset, io);

	rv = ls_start_thread(ls);
	if (rv < 0) {
		log_error("s%u add_lockspace: thread error %d", ls->space_id, rv);
		ls_unlink(ls);
		ls_put(ls);
		goto out_unlock;
	}
	ls_broadcast();

	if (flags & SANLK_ADD_ASYNC) {
		ls_put(ls);
		rv = 0;
		goto out_unlock;
	}
	rv = ls_wait(ls, ls_add_is_done);
	if (rv == 0)
		rv = ls->add_result;
	if (rv == 0)
		log_debug("s%u add_lockspace done", ls->space_id);
	else
		log_error("s%u add_lockspace fail result %d", ls->space_id, rv);
	ls_put(ls);
out_unlock:
	ls_unlock();
	return rv;
}

int ls_rem(const struct sanlk_lockspace *in, uint32_t flags)
{
	struct ls_req r;
	struct lspace *ls;
	int rv;

	assert(in);
	ls_req_from(in, &r);
	ls_lock();
	ls = ls_find_req(&r);
	if (!ls) {
		rv = -ENOENT;
		goto out_unlock;
	}
	if (ls->state == LS_STOPPING) {
		rv = -EINPROGRESS;
		goto out_unlock;
	}
	assert(ls->state == LS_ADDING || ls->state == LS_JOINED);
	if ((flags & SANLK_REM_UNUSED) && ls_users(ls) > 0) {
		log_debug("s%u rem_lockspace unused: %d users", ls->space_id,
			  ls_users(ls));
		rv = -EBUSY;
		goto out_unlock;
	}
	if (!ls->rem_requested)
		log_debug("s%u rem_lockspace flags 0x%x (%s)", ls->space_id,
			  flags, ls_list_name(ls));
	ls->rem_requested = 1;
	if (ls->state == LS_ADDING) {
		/* algorithms.md §11.3 step 2: cancel and undo the join. */
		__atomic_store_n(&ls->abort, 1, __ATOMIC_SEQ_CST);
		pthread_cond_signal(&ls->wake);
	}
	ls_broadcast();
	if (flags & SANLK_REM_ASYNC) {
		rv = 0;
		goto out_unlock;
	}
	ls->refs++;
	rv = ls_wait(ls, ls_is_gone);
	ls_put(ls);
out_unlock:
	ls_unlock();
	return rv;
}

static int ls_inq_one(const struct ls_req *r)
{
	const struct lspace *ls = ls_find_req(r);

	if (!ls)
		return -ENOENT;
	return ls->state == LS_JOINED ? 0 : -EINPROGRESS;
}

int ls_inq(const struct sanlk_lockspace *in, uint32_t flags)
{
	struct ls_req r;
	uint64_t start = monotime();
	int rv;

	assert(in);
	ls_req_from(in, &r);
	ls_lock();
	rv = ls_inq_one(&r);
	while (rv == -EINPROGRESS && (flags & SANLK_INQ_WAIT)) {
		if (monotime() - start > LS_CMD_WAIT_MAX_SEC) {
			log_error("inq_lockspace %s wait gave up after %d s",
				  r.name, LS_CMD_WAIT_MAX_SEC);
			break;
		}
		/* Re-found by value each time: the lockspace may be freed
		 * while we sleep. */
		ls_cond_wait_ms(&ls_mod.cond, LS_MONITOR_TICK_MS);
		rv = ls_inq_one(&r);
	}
	ls_unlock();
	return rv;
}
