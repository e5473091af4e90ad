/*
 * cmd_res.c - the client-targeted lease requests (api.md §4.2, §4.11,
 * §8.3): ACQUIRE (7), RELEASE (8), INQUIRE (9), CONVERT (27), KILLPATH
 * (17).  Each parses its payload (sizes already checked by request.c),
 * resolves its target client (res_client.c), calls the resource manager,
 * and fills j->rep.  Worker threads; no state of their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/dispatch.h"
#include "daemon/res.h"
#include "daemon/res_client.h"
#include "daemon/res_internal.h"
#include "daemon/res_ls.h"

/* Resources of an ACQUIRE payload: headers and disks copied out. */
struct cmd_res_parsed {
	int n;
	struct sanlk_resource hdr[SANLK_MAX_RESOURCES];
	struct sanlk_disk disks[SANLK_MAX_RESOURCES][SANLK_MAX_DISKS];
	struct sanlk_options opt;
};

static int cmd_res_parse(const struct job *j, int with_disks,
			 struct cmd_res_parsed *p)
{
	const uint8_t *pl = j->req.payload;
	size_t off = 0, len = j->req.len;
	uint32_t i;

	memset(p, 0, sizeof(*p));
	if (j->req.h.data > SANLK_MAX_RESOURCES)
		return -E2BIG;
	for (i = 0; i < j->req.h.data; i++) {
		struct sanlk_resource *h = &p->hdr[i];
		uint32_t nd;

		if (off + sizeof(*h) > len)
			return -EINVAL;
		memcpy(h, pl + off, sizeof(*h));
		off += sizeof(*h);
		if (!with_disks)
			continue;
		nd = h->num_disks;
		if (nd > SANLK_MAX_DISKS)
			return -ERANGE;
		if (off + nd * sizeof(struct sanlk_disk) > len)
			return -EINVAL;
		memcpy(p->disks[i], pl + off, nd * sizeof(struct sanlk_disk));
		off += nd * sizeof(struct sanlk_disk);
	}
	p->n = (int)j->req.h.data;
	if (with_disks && off + 56 <= len)
		memcpy(&p->opt, pl + off, 56);  /* fixed part only (§3.5) */
	return 0;
}

void cmd_res_acquire(struct job *j)
{
	struct cmd_res_parsed *p = malloc(sizeof(*p));
	struct res_acq_item items[SANLK_MAX_RESOURCES];
	struct res_target tg;
	uint32_t flags = j->req.h.cmd_flags;
	int i, rv;

	if (!p) {
		rv = -ENOMEM;
		goto out;
	}
	rv = cmd_res_parse(j, 1, p);
	if (rv < 0)
		goto out;
	log_debug("cmd_acquire %d,%d,%d ci_in %d fd %d count %d flags %x",
		  j->ci, j->fd, j->pid, j->ci, j->fd, p->n, flags);
	rv = res_target_begin(j, 1, 1, &tg);
	if (rv < 0)
		goto out;
	res_target_set_name(&tg, p->opt.owner_name);

	memset(items, 0, sizeof(items));
	for (i = 0; i < p->n; i++) {
		items[i].in = &p->hdr[i];
		items[i].disks = p->disks[i];
	}
	rv = res_acquire(tg.cl, &tg.hi, flags, items, p->n);
	rv = res_target_end(&tg, rv, 1);
out:
	log_debug("cmd_acquire %d,%d,%d result %d", j->ci, j->fd, j->pid, rv);
	free(p);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

/* REL_ORPHAN: the orphans of res[0]'s lockspace, all of them when its
 * name is empty, go to the background release.  Returns their count. */
static int cmd_res_release_orphans(const struct sanlk_resource *h)
{
	struct res_resource *r;
	uint64_t now = 0;
	int n = 0, k = 0;

	res_lock();
	for (r = res_mod.all; r; r = r->next) {
		if (++k > RES_TOTAL_MAX)
			break;
		if (r->state != RES_ORPHAN || r->op_busy)
			continue;
		if (!res_names_eq(r->space_name, h->lockspace_name, 0))
			continue;
		if (h->name[0] && !res_names_eq(r->name, h->name, 0))
			continue;
		r->state = RES_REM;
		res_bg_queue(r, now);
		n++;
	}
	res_unlock();
	return n;
}

void cmd_res_release(struct job *j)
{
	struct cmd_res_parsed *p = malloc(sizeof(*p));
	struct res_token *toks[1];
	struct res_token **all = NULL;
	struct res_target tg;
	uint32_t flags = j->req.h.cmd_flags;
	int i, n = 0, rv, r2;

	if (!p) {
		rv = -ENOMEM;
		goto out;
	}
	rv = (flags & SANLK_REL_ALL) ? 0 : cmd_res_parse(j, 0, p);
	if (rv < 0)
		goto out;
	log_debug("cmd_release %d,%d,%d count %u flags %x", j->ci, j->fd,
		  j->pid, j->req.h.data, flags);

	if (flags & SANLK_REL_ORPHAN) {
		rv = p->n < 1 ? -EINVAL : cmd_res_release_orphans(&p->hdr[0]);
		goto out;
	}
	if ((flags & SANLK_REL_RENAME) && !(flags & SANLK_REL_ALL) && p->n != 2) {
		rv = -EINVAL;          /* 3.8.5 hangs reading a second one */
		goto out;
	}

	rv = res_target_begin(j, 1, 0, &tg);
	if (rv < 0)
		goto out;

	if (flags & SANLK_REL_ALL) {
		/* Only this thread changes this client's tokens while it is
		 * busy, so the list stays valid outside the mutex. */
		res_lock();
		all = calloc((size_t)(tg.cl->count ? tg.cl->count : 1),
			     sizeof(*all));
		for (i = 0; all && i < tg.cl->cap; i++)
			if (tg.cl->slots[i])
				all[n++] = tg.cl->slots[i];
		res_unlock();
		if (!all)
			rv = -ENOMEM;
		for (i = 0; i < n; i++) {
			r2 = res_release_token(tg.cl, all[i], NULL);
			if (r2 < 0 && rv == 0)
				rv = r2;
		}
		free(all);
	} else if (flags & SANLK_REL_RENAME) {
		res_lock();
		toks[0] = res_client_token(tg.cl, p->hdr[0].lockspace_name,
					   p->hdr[0].name, 1);
		res_unlock();
		rv = toks[0] ? res_release_token(tg.cl, toks[0], p->hdr[1].name)
			     : -1;
	} else {
		/* Each named lease is released; a name not held gives -1
		 * (api.md §4.2), the others are still released. */
		for (i = 0; i < p->n; i++) {
			struct res_token *t;

			res_lock();
			t = res_client_token(tg.cl, p->hdr[i].lockspace_name,
					     p->hdr[i].name, 1);
			res_unlock();
			r2 = t ? res_release_token(tg.cl, t, NULL) : -1;
			if (r2 < 0 && rv == 0)
				rv = r2;
		}
	}
	rv = res_target_end(&tg, rv, 0);
out:
	log_debug("cmd_release %d,%d,%d result %d", j->ci, j->fd, j->pid, rv);
	free(p);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_res_inquire(struct job *j)
{
	struct res_target tg;
	struct sm_header h;
	char *state = NULL;
	int count = 0, rv;
	size_t len = 0;

	rv = res_target_begin(j, 1, 0, &tg);
	if (rv == 0) {
		rv = res_inquire_state(tg.cl, &count, &state);
		rv = res_target_end(&tg, rv, 0);
	}
	if (rv < 0 || !state)
		count = 0;
	if (rv == 0 && state && count > 0)
		len = strlen(state) + 1;
	log_debug("cmd_inquire %d,%d,%d result %d count %d", j->ci, j->fd,
		  j->pid, rv, count);
	reply_hdr(&h, &j->req.h, rv, (uint32_t)count, (uint32_t)len);
	if (reply_put(&j->rep, &h, sizeof(h)) == 0 && len)
		reply_put(&j->rep, state, len);
	free(state);
}

void cmd_res_convert(struct job *j)
{
	struct sanlk_resource in;
	struct res_target tg;
	struct res_token *t;
	struct res_resource *r = NULL;
	uint8_t lvb[RES_LVB_MAX];
	uint32_t lvb_len = 0;
	int want_sh, rv;

	memcpy(&in, j->req.payload, sizeof(in));
	want_sh = (in.flags & SANLK_RES_SHARED) != 0;
	rv = res_target_begin(j, 1, 0, &tg);
	if (rv < 0)
		goto out;

	res_lock();
	t = res_client_token(tg.cl, in.lockspace_name, in.name, 1);
	if (!t) {
		rv = -ENOENT;
	} else if (t->r->shared == want_sh) {
		rv = -EALREADY;
	} else if (t->r->state != RES_HELD || t->r->op_busy) {
		rv = -EBUSY;
	} else if (!want_sh && t->r->ntokens > 1) {
		/* Other local processes hold it shared: converting would give
		 * us EX beside them (3.8.5 allows it; we refuse). */
		rv = -EAGAIN;
	} else {
		r = t->r;
		r->op_busy = 1;
		if (want_sh && r->lvb_dirty && r->lvb) {
			lvb_len = r->lvb_len;
			memcpy(lvb, r->lvb, lvb_len);
		}
	}
	res_unlock();

	if (r) {
		struct res_ls_ops o;
		struct ondisk_leader leader;
		char space[SANLK_NAME_LEN + 1];
		uint32_t pf = (j->req.h.cmd_flags & SANLK_CONVERT_OWNER_NOWAIT) ?
			      PAXOS_ACQ_OWNER_NOWAIT : 0;

		if (!res_ls_same(r->space_name, r->space_id,
				 r->host_generation)) {
			rv = -ENOSPC;
		} else {
			if (lvb_len) {
				int lr = paxos_lvb_write(&r->ed.env, &r->pl, lvb,
							 lvb_len);

				if (lr < 0)
					log_error("r%u lvb write error %d",
						  r->res_id, lr);
			}
			res_name_str(space, r->space_name);
			res_ls_ops_init(&o, space, r->host_id, r->sector_size,
					r->io_timeout);
			rv = paxos_lease_convert(&r->ed.env, &o.ops, &r->pl,
						 want_sh, pf, &leader);
			res_ls_ops_close(&o);
		}
		res_lock();
		r->op_busy = 0;
		if (rv == 0) {
			r->shared = want_sh;
			r->lver = r->pl.lver;
			t->flags = (t->flags & ~SANLK_RES_SHARED) |
				   (want_sh ? SANLK_RES_SHARED : 0);
			if (lvb_len)
				r->lvb_dirty = 0;
		}
		res_unlock();
		log_debug("r%u convert to %s result %d", r->res_id,
			  want_sh ? "SH" : "EX", rv);
	}
	rv = res_target_end(&tg, rv, 0);
out:
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_res_killpath(struct job *j)
{
	struct res_target tg;
	struct client *c;
	int rv;

	rv = res_target_begin(j, 0, 0, &tg);
	if (rv == 0) {
		c = client_get(tg.ci);
		pthread_mutex_lock(&c->mutex);
		if (c->gen == tg.gen && c->kind == CL_CONN) {
			memcpy(c->killpath, j->req.payload, SANLK_HELPER_PATH_LEN);
			c->killpath[SANLK_HELPER_PATH_LEN - 1] = '\0';
			memcpy(c->killargs, j->req.payload + SANLK_HELPER_PATH_LEN,
			       SANLK_HELPER_ARGS_LEN);
			c->killargs[SANLK_HELPER_ARGS_LEN - 1] = '\0';
			c->flags = j->req.h.cmd_flags;
		}
		pthread_mutex_unlock(&c->mutex);
		rv = res_target_end(&tg, 0, 0);
	}
	log_debug("cmd_killpath %d,%d,%d flags %x result %d", j->ci, j->fd,
		  j->pid, j->req.h.cmd_flags, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}
