/*
 * cmd_res_req.c - lease requests that do not act on a registered client
 * (api.md §4.2, §4.3, §4.11): REQUEST (11, algorithms.md §8.1), EXAMINE
 * lockspace/resource (13/14, §8.3), SET_LVB / GET_LVB (25/26, §5.10),
 * SET_CONFIG (33, §11.2; inline in the main thread).  No state of their
 * own; worker threads except SET_CONFIG.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/res.h"
#include "daemon/res_internal.h"
#include "daemon/res_ls.h"

void cmd_res_request(struct job *j)
{
	struct sanlk_resource in;
	const struct sanlk_disk *disks;
	struct paxos_lease_params p;
	struct paxos_lease pl;
	struct env_disk ed;
	struct ls_info li;
	char space[SANLK_NAME_LEN + 1], name[SANLK_NAME_LEN + 1];
	uint32_t force = j->req.h.data, d;
	const char *paths[SANLK_MAX_DISKS];
	uint64_t owner = 0;
	int rv, opened = 0;

	memcpy(&in, j->req.payload, sizeof(in));
	disks = (const void *)(j->req.payload + sizeof(in));
	res_name_str(space, in.lockspace_name);
	res_name_str(name, in.name);
	log_debug("cmd_request %d,%d force_mode %u %s:%s", j->ci, j->fd,
		  force, space, name);

	if (in.num_disks < 1 || in.num_disks > SANLK_MAX_DISKS) {
		rv = -ERANGE;
		goto out;
	}
	/* §8.1 step 1 */
	if (!space[0] || ls_info(space, &li) < 0 || li.space_dead) {
		rv = -ENOSPC;
		goto out;
	}
	for (d = 0; d < in.num_disks; d++) {
		if (!memchr(disks[d].path, '\0', SANLK_PATH_LEN)) {
			rv = -EINVAL;
			goto out;
		}
		paths[d] = disks[d].path;
	}
	rv = res_pool_env_open(&ed, paths, (int)in.num_disks, 0);
	if (rv < 0)
		goto out;
	opened = 1;
	memset(&p, 0, sizeof(p));
	p.space_name = space;
	p.res_name = name;
	p.num_disks = (int)in.num_disks;
	for (d = 0; d < in.num_disks; d++)
		p.offsets[d] = disks[d].offset;
	rv = ondisk_sizes_from_pair(li.sector_size, li.align_size, &p.sizes);
	p.host_id = 0;                   /* read-only use of the lease */
	p.io_timeout = li.io_timeout;
	p.fire_timeout = li.fire_timeout;
	if (rv == 0)
		rv = paxos_lease_setup(&pl, &p);
	if (rv == 0)
		rv = res_disk_check_size(&ed, p.offsets, p.num_disks,
					 p.sizes.align_size);
	if (rv < 0)
		goto out;
	rv = paxos_request_write(&ed.env, &pl, in.lver, force,
				 j->req.h.cmd_flags & SANLK_REQUEST_NEXT_LVER,
				 &owner);
	/* §8.1 step 7 (our own bit is never set: a lease we hold ourselves
	 * is examined only by an explicit EXAMINE) */
	if (rv == 0 && owner && owner != li.host_id &&
	    (in.lver || force || (j->req.h.cmd_flags & SANLK_REQUEST_NEXT_LVER)))
		if (res_ls_notify(space, owner) < 0)
			log_debug("request: cannot notify host %llu",
				  (unsigned long long)owner);
out:
	if (opened)
		res_env_close_async(&ed, 0);
	log_debug("cmd_request %d,%d done %d owner %llu", j->ci, j->fd, rv,
		  (unsigned long long)owner);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_res_examine(struct job *j)
{
	char space[SANLK_NAME_LEN + 1];
	int n = 0;

	if (j->req.h.cmd == SM_CMD_EXAMINE_LOCKSPACE) {
		const struct sanlk_lockspace *ls = (const void *)j->req.payload;

		res_name_str(space, ls->name);
		if (space[0])
			n = res_examine_lockspace(space);
	} else {
		struct sanlk_resource in;
		struct res_resource *r;

		memcpy(&in, j->req.payload, sizeof(in));
		res_lock();
		r = res_find(in.lockspace_name, in.name, 0);
		if (r && r->state == RES_HELD) {
			r->examine = 1;
			n = 1;
		}
		res_unlock();
		if (n)
			res_bg_wake();
	}
	log_debug("cmd_examine %d,%d done %d", j->ci, j->fd, n);
	/* 3.8.5 answers 0 whatever was marked (observed). */
	reply_put_result(&j->rep, &j->req.h, 0, 0);
}

/* A lease held by any local process, by name (strncmp 48). */
static struct res_resource *cmd_res_held(const struct sanlk_resource *in)
{
	struct res_resource *r = res_find(in->lockspace_name, in->name, 0);

	return r && r->state == RES_HELD ? r : NULL;
}

void cmd_res_set_lvb(struct job *j)
{
	struct sanlk_resource in;
	struct res_resource *r;
	size_t len = j->req.len - sizeof(in);
	int rv = 0;

	memcpy(&in, j->req.payload, sizeof(in));
	res_lock();
	r = cmd_res_held(&in);
	if (!r)
		rv = -ENOENT;
	else if (!r->lvb_enabled || !r->lvb)
		rv = -EINVAL;
	else if (len > r->lvb_len)
		rv = -E2BIG;
	else {
		memset(r->lvb, 0, r->lvb_len);
		memcpy(r->lvb, j->req.payload + sizeof(in), len);
		r->lvb_dirty = 1;
	}
	res_unlock();
	log_debug("cmd_set_lvb %d,%d %.48s:%.48s len %zu result %d", j->ci,
		  j->fd, in.lockspace_name, in.name, len, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_res_get_lvb(struct job *j)
{
	struct sanlk_resource in;
	struct res_resource *r;
	struct sm_header h;
	uint8_t buf[RES_LVB_MAX];
	uint32_t want = j->req.h.data2, len = 0;
	int rv = 0;

	memcpy(&in, j->req.payload, sizeof(in));
	res_lock();
	r = cmd_res_held(&in);
	if (!r)
		rv = -ENOENT;
	else if (!r->lvb_enabled || !r->lvb)
		rv = -EINVAL;
	else {
		len = want && want < r->lvb_len ? want : r->lvb_len;
		memcpy(buf, r->lvb, len);
	}
	res_unlock();
	/* On error no bytes follow; we say so in `length` (3.8.5 leaves the
	 * wanted length there, which makes a raw reader wait forever). */
	reply_hdr(&h, &j->req.h, rv, 0, len);
	if (reply_put(&j->rep, &h, sizeof(h)) == 0 && len)
		reply_put(&j->rep, buf, len);
}

void cmd_res_set_config(struct client *c, const struct request *req,
			struct reply *rep)
{
	const struct sanlk_lockspace *ls = (const void *)req->payload;
	char space[SANLK_NAME_LEN + 1];
	int rv;

	res_name_str(space, ls->name);
	rv = space[0] ? res_ls_set_config(space, req->h.data) : -ENOENT;
	log_debug("cmd_set_config %d,%d %s cmd %u rv %d", c->ci, c->fd, space,
		  req->h.data, rv);
	reply_put_result(rep, &req->h, rv, 0);
}
