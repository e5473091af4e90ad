/*
 * cmd_rindex.c - the resource index requests 35..40 in worker threads
 * (spec/api.md §4.5, §4.11; ondisk.md §7): format through lib/direct.h,
 * the others through lease/rindex.h on the index's storage, using the
 * joined lockspace of the index (-ENOENT when it is not joined): its
 * sector size for the header read, its io_timeout for every I/O, and our
 * host_id/generation in it for the internal lease of create, delete and
 * rebuild.
 *
 * State: rindex_busy, the lockspaces with a create/delete/rebuild running
 * on this daemon (at most one each, else -EBUSY, as 3.8.5: two ballots of
 * one host on one lease would not be safe), guarded by rindex_busy_mutex.
 * Everything else lives on the worker's stack for one request.
 *
 * The paxos host ops for the internal lease are the resource manager's
 * (daemon/res_ls.h: host table, host_live, delta reads from the
 * lockspace's disk), one set per request on the worker's stack.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/cmd.h"
#include "daemon/cmd_rindex.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/lockspace.h"
#include "daemon/res_ls.h"
#include "disk/disk.h"
#include "lease/env_disk.h"
#include "lease/rindex.h"
#include "lib/direct.h"
#include "sanlock_admin.h"

_Static_assert(sizeof(struct sanlk_rindex) == SIZE_RINDEX, "rindex wire size");
_Static_assert(sizeof(struct sanlk_rentry) == SIZE_RENTRY, "rentry wire size");

/* ---- one create/delete/rebuild per lockspace ---- */

static pthread_mutex_t rindex_busy_mutex = PTHREAD_MUTEX_INITIALIZER;
static char rindex_busy[LS_MAX_LOCKSPACES][SANLK_NAME_LEN + 1];

static int rindex_busy_begin(const char *name)
{
	int i, free_slot = -1, rv = 0;

	pthread_mutex_lock(&rindex_busy_mutex);
	for (i = 0; i < LS_MAX_LOCKSPACES; i++) {
		if (!rindex_busy[i][0]) {
			if (free_slot < 0)
				free_slot = i;
		} else if (!strcmp(rindex_busy[i], name)) {
			rv = -EBUSY;
			break;
		}
	}
	if (rv == 0 && free_slot < 0)
		rv = -EBUSY;   /* more than LS_MAX_LOCKSPACES at once */
	if (rv == 0)
		snprintf(rindex_busy[free_slot], SANLK_NAME_LEN + 1, "%s", name);
	pthread_mutex_unlock(&rindex_busy_mutex);
	return rv;
}

static void rindex_busy_end(const char *name)
{
	int i;

	pthread_mutex_lock(&rindex_busy_mutex);
	for (i = 0; i < LS_MAX_LOCKSPACES; i++) {
		if (!strcmp(rindex_busy[i], name)) {
			rindex_busy[i][0] = '\0';
			break;
		}
	}
	pthread_mutex_unlock(&rindex_busy_mutex);
}

/* ---- requests ---- */

struct rx_req {
	struct sanlk_rindex rx;
	struct sanlk_rentry re;         /* zero for 35 and 40 */
	char ls_name[SANLK_NAME_LEN + 1];
	char re_name[SANLK_NAME_LEN + 1];
	char path[SANLK_PATH_LEN + 1];
};

static void rx_parse(const struct job *j, int with_re, struct rx_req *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(&r->rx, j->req.payload, sizeof(r->rx));
	if (with_re)
		memcpy(&r->re, j->req.payload + sizeof(r->rx), sizeof(r->re));
	cmd_name_str(r->ls_name, r->rx.lockspace_name);
	cmd_name_str(r->re_name, r->re.name);
	memcpy(r->path, r->rx.disk.path, SANLK_PATH_LEN);
	r->path[SANLK_PATH_LEN] = '\0';
}

static void rx_log_begin(const char *what, const struct job *j,
			 const struct rx_req *r)
{
	if (dispatch_debug_cmd(j->req.h.cmd))
		log_debug("cmd_%s %d,%d %s:%.1023s:%" PRIu64 " %s:%" PRIu64
			  " flags 0x%x", what, j->ci, j->fd, r->ls_name,
			  r->path, (uint64_t)r->rx.disk.offset, r->re_name,
			  (uint64_t)r->re.offset, j->req.h.cmd_flags);
}

/* Reply H, or H + the 64-byte entry (36..39 always carry it). */
static void rx_reply(const char *what, struct job *j, int rv,
		     const struct sanlk_rentry *re)
{
	struct sm_header h;

	if (rv < 0)
		log_error("cmd_%s %d,%d error %d", what, j->ci, j->fd, rv);
	if (dispatch_debug_cmd(j->req.h.cmd))
		log_debug("cmd_%s %d,%d done %d", what, j->ci, j->fd, rv);
	if (!re) {
		reply_put_result(&j->rep, &j->req.h, rv, 0);
		return;
	}
	reply_hdr(&h, &j->req.h, rv, 0, sizeof(*re));
	if (reply_put(&j->rep, &h, sizeof(h)) == 0)
		(void)reply_put(&j->rep, re, sizeof(*re));
}

static void rx_rentry_out(struct sanlk_rentry *out,
			  const struct rindex_rentry *in)
{
	memset(out, 0, sizeof(*out));
	ondisk_name_set(out->name, in->name);
	out->offset = in->offset;
}

/* Everything an index operation needs: the joined lockspace, the index
 * storage open, the I/O parameters.  On success the caller closes ed. */
struct rx_ctx {
	struct ls_info info;
	struct res_ls_ops hosts;
	int hosts_init;
	struct rindex_lease lease;
	struct rindex_params p;
	struct env_disk ed;
};

static int rx_ctx_open(struct rx_req *r, struct rx_ctx *c)
{
	const char *paths[1] = { r->path };
	int rv;

	memset(c, 0, sizeof(*c));
	if (!req_path_terminated(r->rx.disk.path))
		return -EINVAL;
	rv = ls_info(r->ls_name, &c->info);
	if (rv < 0)
		return -ENOENT;
	if (c->info.space_dead)
		return -ENOSPC;
	res_ls_ops_init(&c->hosts, r->ls_name, c->info.host_id,
			c->info.sector_size, c->info.io_timeout);
	c->hosts_init = 1;
	c->lease.ops = &c->hosts.ops;
	c->lease.host_id = c->info.host_id;
	c->lease.generation = c->info.host_generation;
	c->lease.io_timeout = c->info.io_timeout;
	c->lease.fire_timeout = c->info.fire_timeout;
	c->p.space_name = r->ls_name;
	c->p.rx_offset = r->rx.disk.offset;
	c->p.probe_size = c->info.sector_size;
	c->p.io_timeout = (int)c->info.io_timeout;
	rv = env_disk_open(&c->ed, paths, 1, 0, NULL, NULL);
	if (rv < 0)
		log_error("rindex %s open %.1023s error %d", r->ls_name, r->path,
			  rv);
	return rv;
}

static void rx_ctx_close(struct rx_ctx *c)
{
	env_disk_close(&c->ed);
	if (c->hosts_init)
		res_ls_ops_close(&c->hosts);
}

void cmd_format_rindex(struct job *j)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	struct ondisk_sizes sz;
	struct rx_req r;
	uint32_t max_res;
	int have, rv;

	rx_parse(j, 0, &r);
	rx_log_begin("format_rindex", j, &r);
	if (!req_path_terminated(r.rx.disk.path)) {
		rv = -EINVAL;
		goto out;
	}
	/* RIF ALIGN/SECTOR: both or neither, a pair of the table (else -1,
	 * as 3.8.5); neither: the device's default sizes */
	have = ondisk_sizes_from_api_flags(r.rx.flags, &sz);
	if (have < 0) {
		rv = -1;
		goto out;
	}
	max_res = r.rx.max_resources ? r.rx.max_resources :
		  ONDISK_RINDEX_DEFAULT_MAX_RESOURCES;
	rv = direct_write_rindex(&r.rx.disk, r.ls_name, have ? &sz : NULL,
				 max_res, cfg->write_init_io_timeout, NULL);
out:
	rx_reply("format_rindex", j, rv, NULL);
}

void cmd_lookup_rindex(struct job *j)
{
	struct rindex_rentry out;
	struct sanlk_rentry re;
	struct rx_ctx c;
	struct rx_req r;
	int rv;

	rx_parse(j, 1, &r);
	rx_log_begin("lookup_rindex", j, &r);
	memset(&out, 0, sizeof(out));
	rv = rx_ctx_open(&r, &c);
	if (rv == 0)
		rv = rindex_lookup(&c.ed.env, &c.p, r.re_name, r.re.offset, &out);
	rx_ctx_close(&c);
	rx_rentry_out(&re, &out);
	rx_reply("lookup_rindex", j, rv, &re);
}

void cmd_update_rindex(struct job *j)
{
	struct rindex_rentry out;
	struct sanlk_rentry re;
	struct rx_ctx c;
	struct rx_req r;
	uint32_t flags = 0;
	int rv;

	rx_parse(j, 1, &r);
	rx_log_begin("update_rindex", j, &r);
	if (j->req.h.cmd_flags & SANLK_RXUP_ADD)
		flags |= RINDEX_UPDATE_ADD;
	if (j->req.h.cmd_flags & SANLK_RXUP_REM)
		flags |= RINDEX_UPDATE_REM;
	memset(&out, 0, sizeof(out));
	rv = rx_ctx_open(&r, &c);
	if (rv == 0)
		rv = rindex_update(&c.ed.env, &c.p, flags, r.re_name,
				   r.re.offset, &out);
	rx_ctx_close(&c);
	rx_rentry_out(&re, &out);
	rx_reply("update_rindex", j, rv, &re);
}

void cmd_create_resource(struct job *j)
{
	struct sanlk_rentry re;
	struct rx_ctx c;
	struct rx_req r;
	uint64_t offset = 0;
	int rv, busy = 0;

	rx_parse(j, 1, &r);
	rx_log_begin("create_resource", j, &r);
	rv = rx_ctx_open(&r, &c);
	if (rv == 0) {
		rv = rindex_busy_begin(r.ls_name);
		busy = rv == 0;
	}
	/* data = max_hosts (unused: the index's sizes decide), data2 =
	 * num_hosts (0 or out of range: max_hosts) */
	if (rv == 0)
		rv = rindex_create(&c.ed.env, &c.p, &c.lease, r.re_name,
				   j->req.h.data2, (int)c.info.io_timeout,
				   &offset);
	if (busy)
		rindex_busy_end(r.ls_name);
	rx_ctx_close(&c);
	if (rv == 0)
		log_debug("create_resource %s:%s offset %" PRIu64, r.ls_name,
			  r.re_name, offset);
	/* reply: the new offset, name zeroed (as 3.8.5) */
	memset(&re, 0, sizeof(re));
	re.offset = rv == 0 ? offset : 0;
	rx_reply("create_resource", j, rv, &re);
}

void cmd_delete_resource(struct job *j)
{
	struct sanlk_rentry re;
	struct rx_ctx c;
	struct rx_req r;
	int rv, busy = 0;

	rx_parse(j, 1, &r);
	rx_log_begin("delete_resource", j, &r);
	rv = rx_ctx_open(&r, &c);
	if (rv == 0) {
		rv = rindex_busy_begin(r.ls_name);
		busy = rv == 0;
	}
	if (rv == 0)
		rv = rindex_delete(&c.ed.env, &c.p, &c.lease, r.re_name,
				   r.re.offset, (int)c.info.io_timeout);
	if (busy)
		rindex_busy_end(r.ls_name);
	rx_ctx_close(&c);
	memset(&re, 0, sizeof(re));
	rx_reply("delete_resource", j, rv, &re);
}

void cmd_rebuild_rindex(struct job *j)
{
	struct rx_ctx c;
	struct rx_req r;
	uint64_t dev_size = 0;
	uint32_t found = 0;
	int rv, busy = 0;

	rx_parse(j, 0, &r);
	rx_log_begin("rebuild_rindex", j, &r);
	rv = rx_ctx_open(&r, &c);
	if (rv == 0) {
		rv = rindex_busy_begin(r.ls_name);
		busy = rv == 0;
	}
	if (rv == 0) {
		if (disk_size(env_disk_handle(&c.ed, 0), &dev_size) < 0)
			dev_size = 0;
		rv = rindex_rebuild(&c.ed.env, &c.p, &c.lease, dev_size, &found);
	}
	if (busy)
		rindex_busy_end(r.ls_name);
	rx_ctx_close(&c);
	if (rv == 0)
		log_debug("rebuild_rindex %s found %u", r.ls_name, found);
	rx_reply("rebuild_rindex", j, rv, NULL);
}
