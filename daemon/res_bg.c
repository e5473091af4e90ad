/*
 * res_bg.c - the resource manager's background thread (algorithms.md
 * §7.4, §8.3, §11.1): disk releases that must not block the caller
 * (process exit, REL_ORPHAN, a release or retract that timed out, retried
 * io then every 2*io seconds), request examinations, and dropping the
 * orphans and queued releases of lockspaces that are gone.
 *
 * The thread owns nothing permanently: it takes a resource's [op] fields
 * by setting op_busy under res_mod.mutex, like any other operation.  Its
 * own variables (next sweep time) are local.  res_mod.bg_* are [m].
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/res_internal.h"
#include "disk/disk.h"

#define RES_BG_STOP_WAIT_SEC 5

/* Disk handles waiting to be closed by this thread, so that a release
 * answers before the close(2) (the last reference to a file on shared
 * storage: on a network file system the close itself may talk to the
 * server).  [m]; bounded by the resources that existed (each node is one
 * freed resource). */
struct res_close {
	struct res_close *next;
	int n;
	struct disk_handle *d[SANLK_MAX_DISKS];
};
static struct res_close *res_close_head;

void res_close_later(struct env_disk *ed, uint32_t flags)
{
	struct res_close *c = calloc(1, sizeof(*c));
	int i;

	for (i = 0; i < ed->num_disks && i < SANLK_MAX_DISKS; i++) {
		/* back to the pool; what does not fit is closed by res_bg */
		struct disk_handle *d = res_pool_put_nb(env_disk_handle(ed, i),
						       flags);

		if (!d)
			continue;
		if (c)
			c->d[c->n++] = d;
		else
			disk_close(d);        /* no memory: close now */
	}
	env_disk_close(ed);                   /* only forgets them */
	if (c && !c->n) {
		free(c);
		return;
	}
	if (!c)
		return;
	c->next = res_close_head;
	res_close_head = c;
	pthread_cond_signal(&res_mod.cond);
}

void res_env_close_async(struct env_disk *ed, uint32_t flags)
{
	res_lock();
	res_close_later(ed, flags);
	res_unlock();
}

static void res_close_run(void)
{
	struct res_close *c, *next;
	int i;

	res_lock();
	c = res_close_head;
	res_close_head = NULL;
	res_unlock();
	for (; c; c = next) {
		next = c->next;
		for (i = 0; i < c->n; i++)
			disk_close(c->d[i]);
		free(c);
	}
}

void res_bg_queue(struct res_resource *r, uint64_t when)
{
	assert(r->state == RES_REM && !r->op_busy);
	r->bg_queued = 1;
	r->bg_next = when;
	pthread_cond_signal(&res_mod.cond);
}

void res_bg_wake(void)
{
	res_lock();
	pthread_cond_signal(&res_mod.cond);
	res_unlock();
}

/* Orphans whose lockspace incarnation is gone (not merely failing or
 * being removed: USED_BY_ORPHANS waits for them then) are dropped
 * without disk I/O (§11.1).  Normally res_ls_gone does it first. */
static void res_bg_sweep(void)
{
	struct {
		uint32_t res_id, space_id;
		uint64_t gen;
		char     name[SANLK_NAME_LEN];
		int      same;
	} v[RES_SWEEP_NAMES_MAX];
	struct res_resource *r, *next;
	int i, j, n = 0, dropped = 0;

	res_lock();
	for (r = res_mod.all; r && n < RES_SWEEP_NAMES_MAX; r = r->next) {
		if (r->state != RES_ORPHAN || r->op_busy)
			continue;
		for (j = 0; j < n; j++)
			if (v[j].space_id == r->space_id &&
			    v[j].gen == r->host_generation &&
			    !memcmp(v[j].name, r->space_name, SANLK_NAME_LEN))
				break;
		if (j < n)
			continue;
		v[n].res_id = r->res_id;
		v[n].space_id = r->space_id;
		v[n].gen = r->host_generation;
		memcpy(v[n].name, r->space_name, SANLK_NAME_LEN);
		n++;
	}
	res_unlock();
	if (!n)
		return;
	for (i = 0; i < n; i++)
		v[i].same = res_ls_present(v[i].name, v[i].space_id, v[i].gen);
	res_lock();
	for (r = res_mod.all; r; r = next) {
		next = r->next;
		if (r->state != RES_ORPHAN || r->op_busy)
			continue;
		for (i = 0; i < n; i++) {
			if (v[i].space_id == r->space_id &&
			    v[i].gen == r->host_generation &&
			    !memcmp(v[i].name, r->space_name, SANLK_NAME_LEN) &&
			    !v[i].same) {
				log_debug("r%u %.48s:%.48s orphan dropped: "
					  "lockspace gone", r->res_id,
					  r->space_name, r->name);
				res_free(r);
				dropped++;
				break;
			}
		}
	}
	res_unlock();
	(void)dropped;
}

static void *res_bg_main(void *arg)
{
	struct res_resource *rel[RES_BG_BATCH_MAX];
	uint32_t exam[RES_EXAMINE_BATCH_MAX];
	uint64_t next_sweep = 0;

	(void)arg;
	res_lock();
	while (!res_mod.bg_stop) {
		struct res_resource *r;
		uint64_t now = monotime();
		int nrel = 0, nexam = 0, i;

		for (r = res_mod.all; r; r = r->next) {
			if (nrel < RES_BG_BATCH_MAX && r->state == RES_REM &&
			    r->bg_queued && !r->op_busy && r->bg_next <= now) {
				r->bg_queued = 0;
				r->op_busy = 1;
				rel[nrel++] = r;
			}
			if (nexam < RES_EXAMINE_BATCH_MAX && r->examine) {
				r->examine = 0;
				if (r->state == RES_HELD)
					exam[nexam++] = r->res_id;
			}
		}
		res_unlock();

		for (i = 0; i < nrel; i++)
			res_release_done(rel[i], res_release_disk(rel[i]));
		for (i = 0; i < nexam; i++)
			res_examine_one(exam[i]);
		res_close_run();
		if (now >= next_sweep) {
			res_bg_sweep();
			res_pool_sweep(0);
			next_sweep = now + 1;
		}

		res_lock();
		if (!nrel && !nexam && !res_close_head && !res_mod.bg_stop) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += RES_BG_TICK_MS / 1000;
			pthread_cond_timedwait(&res_mod.cond, &res_mod.mutex, &ts);
		}
	}
	res_unlock();
	res_close_run();
	res_pool_sweep(1);
	return NULL;
}

int res_bg_start(void)
{
	pthread_condattr_t ca;
	int rv;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&res_mod.cond, &ca);
	pthread_condattr_destroy(&ca);
	rv = pthread_create(&res_mod.bg_thread, NULL, res_bg_main, NULL);
	if (rv)
		return -rv;
	res_mod.bg_started = 1;
	return 0;
}

void res_bg_stop(void)
{
	struct timespec ts;

	if (!res_mod.bg_started)
		return;
	res_lock();
	res_mod.bg_stop = 1;
	pthread_cond_signal(&res_mod.cond);
	res_unlock();
	/* A release stuck on storage must not hold up the exit forever. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += RES_BG_STOP_WAIT_SEC;
	if (pthread_timedjoin_np(res_mod.bg_thread, NULL, &ts)) {
		log_error("resource background thread busy at exit");
		return;
	}
	res_mod.bg_started = 0;
}
