/*
 * res_ls.c - the resource manager's side of the lockspace interface (see
 * res_ls.h): paxos host ops over the lockspace module's host table and
 * lockspace disk (algorithms.md §4.4, §5.4), request notification
 * (§8.1 step 7), the SET_CONFIG flags (§11.2), and the queries the
 * lockspace module / recovery make about the leases of a lockspace.
 *
 * State: the USED flags table, guarded by res_ls_mutex (a leaf lock: no
 * other lock is taken while it is held).  Host ops are per operation and
 * belong to its thread.  Reads of ls_internal.h state follow its rules:
 * ls_mod.mutex for the table, the lockspace mutex for its host table;
 * res_mod.mutex is never held while calling into the lockspace module.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"
#include "daemon/res_internal.h"
#include "daemon/res_ls.h"
#include "disk/disk.h"
#include "sanlock_admin.h"

/* ---------------------------------------------------------- host ops */

static int res_ls_host_info(void *ctx, uint64_t host_id,
			    struct paxos_host_info *out)
{
	struct res_ls_ops *o = ctx;
	struct host_rec h;
	struct ls_info li;
	int rv;

	memset(out, 0, sizeof(*out));
	/* §5.4 step 1: the lockspace must be joined here. */
	if (ls_info(o->space_name, &li) < 0)
		return SANLK_ACQUIRE_LOCKSPACE;
	rv = ls_host_record(o->space_name, host_id, &h, NULL);
	if (rv == -EAGAIN || rv == -ENOENT)
		return 0;             /* not examined yet / no such slot */
	if (rv < 0)
		return rv;
	out->first_check = h.first_check;
	out->last_check = h.last_check;
	out->last_live = h.last_live;
	out->timestamp = h.timestamp;
	out->owner_id = h.owner_id;
	out->owner_generation = h.owner_generation;
	out->io_timeout = h.io_timeout;
	return 0;
}

/* The lockspace disk location (identity fields, immutable after ls_add). */
static int res_ls_location(const char *name, char path[SANLK_PATH_LEN],
			   uint64_t *offset)
{
	struct lspace *ls;
	int rv = 0;

	ls_lock();
	ls = ls_find_name(name);
	if (!ls || ls->state != LS_JOINED) {
		rv = -ENOENT;
	} else {
		memcpy(path, ls->path, SANLK_PATH_LEN);
		path[SANLK_PATH_LEN - 1] = '\0';
		*offset = ls->offset;
	}
	ls_unlock();
	return rv;
}

static int res_ls_read_delta(void *ctx, uint64_t host_id,
			     struct ondisk_leader *out)
{
	struct res_ls_ops *o = ctx;
	char path[SANLK_PATH_LEN];
	uint64_t offset;
	void *buf;
	int rv;

	if (!o->disk) {
		if (res_ls_location(o->space_name, path, &offset) < 0)
			return SANLK_ACQUIRE_LOCKSPACE;
		rv = res_pool_get(path, DISK_OPEN_RDONLY, &o->disk);
		if (rv < 0) {
			log_error("%.48s: cannot open lockspace disk %.1023s: %d",
				  o->space_name, path, rv);
			o->disk = NULL;
			return SANLK_ACQUIRE_IDDISK;
		}
		o->ls_offset = offset;
	}
	buf = disk_buf_alloc(o->sector_size);
	if (!buf)
		return -ENOMEM;
	rv = disk_read(o->disk, ondisk_delta_offset(o->ls_offset, host_id,
						    o->sector_size),
		       buf, o->sector_size, (int)o->io_timeout);
	if (rv == 0) {
		ondisk_leader_decode(buf, out);
		rv = ondisk_delta_verify(out, o->space_name);
	}
	disk_buf_free(buf);
	return rv;
}

static int res_ls_host_live(void *ctx, uint64_t host_id, uint64_t generation)
{
	struct res_ls_ops *o = ctx;

	return ls_host_live(o->space_name, host_id, generation);
}

void res_ls_ops_init(struct res_ls_ops *o, const char *space_name,
		     uint64_t our_host_id, uint32_t sector_size,
		     uint32_t io_timeout)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->space_name, space_name, strnlen(space_name, SANLK_NAME_LEN));
	o->our_host_id = our_host_id;
	o->sector_size = sector_size;
	o->io_timeout = io_timeout;
	o->ops.ctx = o;
	o->ops.host_info = res_ls_host_info;
	o->ops.read_delta = res_ls_read_delta;
	o->ops.host_live = res_ls_host_live;
}

void res_ls_ops_close(struct res_ls_ops *o)
{
	if (o->disk)
		res_pool_put(o->disk, DISK_OPEN_RDONLY);
	o->disk = NULL;
}

/* ------------------------------------------------------- notification */

int res_ls_notify(const char *space_name, uint64_t host_id)
{
	struct lspace *ls;
	int rv = -ENOENT;

	ls_lock();
	ls = ls_find_name(space_name);
	if (ls && ls->state == LS_JOINED) {
		pthread_mutex_lock(&ls->mutex);
		if (ls->hosts_ready && host_id >= 1 &&
		    host_id <= ls->hosts.max_hosts && host_id != ls->host_id) {
			ls->hosts.recs[host_id - 1].set_bit_time = monotime();
			rv = 0;
		}
		pthread_mutex_unlock(&ls->mutex);
	}
	ls_unlock();
	return rv;
}

/* ------------------------------------------------------ USED flags */

struct res_ls_used {
	char     name[SANLK_NAME_LEN + 1];
	uint32_t space_id;
	int      used;
	int      used_by_orphans;
};

static pthread_mutex_t res_ls_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct res_ls_used res_ls_used_tab[LS_MAX_LOCKSPACES];

/* The entry of (name, space_id), optionally created (res_ls_mutex held).
 * An entry of an older incarnation of the name is reused. */
static struct res_ls_used *res_ls_used_get(const char *name, uint32_t space_id,
					   int create)
{
	struct res_ls_used *free_e = NULL;
	int i;

	for (i = 0; i < LS_MAX_LOCKSPACES; i++) {
		struct res_ls_used *e = &res_ls_used_tab[i];

		if (!e->name[0]) {
			if (!free_e)
				free_e = e;
			continue;
		}
		if (strncmp(e->name, name, SANLK_NAME_LEN))
			continue;
		if (e->space_id == space_id)
			return e;
		if (create) {
			memset(e, 0, sizeof(*e));
			strncpy(e->name, name, SANLK_NAME_LEN);
			e->space_id = space_id;
			return e;
		}
		return NULL;
	}
	if (!create || !free_e)
		return NULL;
	memset(free_e, 0, sizeof(*free_e));
	strncpy(free_e->name, name, SANLK_NAME_LEN);
	free_e->space_id = space_id;
	return free_e;
}

int res_ls_set_config(const char *space_name, uint32_t cmd)
{
	struct res_ls_used *e;
	struct ls_info li;

	if (ls_info(space_name, &li) < 0)
		return -ENOENT;
	if (cmd != SANLK_CONFIG_USED && cmd != SANLK_CONFIG_UNUSED &&
	    cmd != SANLK_CONFIG_USED_BY_ORPHANS &&
	    cmd != SANLK_CONFIG_UNUSED_BY_ORPHANS)
		return -EINVAL;
	if (li.space_dead && (cmd == SANLK_CONFIG_USED ||
			      cmd == SANLK_CONFIG_USED_BY_ORPHANS))
		return -ENOSPC;
	pthread_mutex_lock(&res_ls_mutex);
	e = res_ls_used_get(space_name, li.space_id, 1);
	if (e) {
		if (cmd == SANLK_CONFIG_USED)
			e->used = 1;
		else if (cmd == SANLK_CONFIG_UNUSED)
			e->used = 0;
		else if (cmd == SANLK_CONFIG_USED_BY_ORPHANS)
			e->used_by_orphans = 1;
		else
			e->used_by_orphans = 0;
	}
	pthread_mutex_unlock(&res_ls_mutex);
	/* The table has a slot per possible lockspace. */
	assert(e);
	return 0;
}

void res_ls_used_flags(const char *space_name, uint32_t space_id, int *used,
		       int *used_by_orphans)
{
	struct res_ls_used *e;

	pthread_mutex_lock(&res_ls_mutex);
	e = res_ls_used_get(space_name, space_id, 0);
	*used = e ? e->used : 0;
	*used_by_orphans = e ? e->used_by_orphans : 0;
	pthread_mutex_unlock(&res_ls_mutex);
}

/* --------------------------------------- queries from the lockspace side */

static int res_in_space(const struct res_resource *r, const char *space_name)
{
	return !strncmp(r->space_name, space_name, SANLK_NAME_LEN);
}

int res_ls_users(const char *space_name)
{
	struct res_resource *r;
	int n = 0;

	res_lock();
	for (r = res_mod.all; r; r = r->next)
		if (res_in_space(r, space_name))
			n++;
	res_unlock();
	return n;
}

void res_ls_set_dead(const char *space_name)
{
	struct res_resource *r;

	res_lock();
	for (r = res_mod.all; r; r = r->next)
		if (res_in_space(r, space_name))
			r->space_dead = 1;
	res_unlock();
}

int res_ls_holders(const char *space_name, struct res_holder *out, int max)
{
	int i, n = 0;

	res_lock();
	for (i = 0; i < RES_CLIENTS_MAX; i++) {
		struct res_client *cl = &res_mod.clients[i];
		int j, holds = 0;

		if (!cl->used || cl->dead)
			continue;
		for (j = 0; j < cl->cap && !holds; j++)
			holds = cl->slots[j] &&
				res_in_space(cl->slots[j]->r, space_name);
		if (!holds)
			continue;
		if (n < max) {
			out[n].ci = cl->ci;
			out[n].gen = cl->gen;
			out[n].pid = cl->pid;
		}
		n++;
	}
	res_unlock();
	return n;
}

int res_ls_done(const char *space_name, uint32_t space_id)
{
	struct res_resource *r;
	int used, by_orphans, orphans = 0;

	if (res_ls_holders(space_name, NULL, 0) > 0)
		return 0;
	res_ls_used_flags(space_name, space_id, &used, &by_orphans);
	if (used)
		return 0;
	if (!by_orphans)
		return 1;
	res_lock();
	for (r = res_mod.all; r; r = r->next)
		if (res_in_space(r, space_name) && r->state == RES_ORPHAN)
			orphans++;
	res_unlock();
	return orphans == 0;
}

void res_ls_gone(const char *space_name)
{
	struct res_resource *r, *next;
	int i, dropped = 0;

	res_lock();
	for (r = res_mod.all; r; r = next) {
		next = r->next;
		if (!res_in_space(r, space_name))
			continue;
		r->space_dead = 1;
		if (r->op_busy)
			continue;    /* its owner drops it (§7.5) */
		if (r->state == RES_ORPHAN ||
		    (r->state == RES_REM && r->bg_queued)) {
			res_free(r);
			dropped++;
		}
	}
	res_unlock();

	pthread_mutex_lock(&res_ls_mutex);
	for (i = 0; i < LS_MAX_LOCKSPACES; i++)
		if (res_ls_used_tab[i].name[0] &&
		    !strncmp(res_ls_used_tab[i].name, space_name, SANLK_NAME_LEN))
			memset(&res_ls_used_tab[i], 0, sizeof(res_ls_used_tab[i]));
	pthread_mutex_unlock(&res_ls_mutex);
	if (dropped)
		log_debug("%.48s gone: dropped %d orphan/queued leases",
			  space_name, dropped);
}

int res_examine_lockspace(const char *space_name)
{
	struct res_resource *r;
	int n = 0;

	res_lock();
	for (r = res_mod.all; r; r = r->next) {
		if (res_in_space(r, space_name) && r->state == RES_HELD) {
			r->examine = 1;
			n++;
		}
	}
	res_unlock();
	if (n)
		res_bg_wake();
	return n;
}
