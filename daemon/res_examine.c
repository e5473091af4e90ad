/*
 * res_examine.c - the owner side of a request (algorithms.md §8.3): read
 * the request record of a lease we hold and, if it asks for a newer
 * version with a force mode, act on the holding process through the
 * helper: FORCE -> SIGKILL (SIGTERM if the holder restricted SIGKILL);
 * GRACEFUL -> the killpath stored in the lease at acquire, without the
 * pid (observed), else SIGTERM (SIGKILL if SIGTERM is restricted).  The
 * lease itself is not released here: the process releases it or exits.
 *
 * Runs on the background thread.  It copies what it needs under
 * res_mod.mutex and reads the request with a disk handle of its own, so
 * it never touches the resource's [op] fields.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/helper.h"
#include "daemon/res_internal.h"
#include "disk/disk.h"

struct res_exam_copy {
	uint32_t res_id;
	char     space[SANLK_NAME_LEN + 1];
	char     name[SANLK_NAME_LEN + 1];
	char     path[SANLK_PATH_LEN];
	uint64_t offset;
	uint32_t sector_size, align_size, io_timeout;
	uint64_t lver;
	int      shared;
	int      holders;
	int      pid;
	uint32_t restricted;
	char     killpath[SANLK_HELPER_PATH_LEN];
	char     killargs[SANLK_HELPER_ARGS_LEN];
};

static int res_exam_copy(uint32_t res_id, struct res_exam_copy *x)
{
	struct res_resource *r;
	struct res_token *t;
	int n = 0;

	memset(x, 0, sizeof(*x));
	res_lock();
	for (r = res_mod.all; r && r->res_id != res_id; r = r->next)
		;
	if (!r || r->state != RES_HELD) {
		res_unlock();
		return -ENOENT;
	}
	x->res_id = res_id;
	res_name_str(x->space, r->space_name);
	res_name_str(x->name, r->name);
	memcpy(x->path, r->disks[0].path, SANLK_PATH_LEN);
	x->offset = r->disks[0].offset;
	x->sector_size = r->sector_size;
	x->align_size = r->align_size;
	x->io_timeout = r->io_timeout;
	x->lver = r->lver;
	x->shared = r->shared;
	for (t = res_mod.tokens; t; t = t->next) {
		if (++n > RES_TOKENS_MAX)
			break;
		if (t->r != r || !t->cl)
			continue;
		x->holders++;
		x->pid = t->pid;
		x->restricted = t->restricted;
		memcpy(x->killpath, t->killpath, sizeof(x->killpath));
		memcpy(x->killargs, t->killargs, sizeof(x->killargs));
	}
	res_unlock();
	return 0;
}

static int res_exam_read(const struct res_exam_copy *x,
			 struct ondisk_request *req)
{
	struct paxos_lease_params p;
	struct paxos_lease pl;
	struct env_disk ed;
	const char *paths[1] = { x->path };
	int rv;

	rv = res_pool_env_open(&ed, paths, 1, DISK_OPEN_RDONLY);
	if (rv < 0)
		return rv;
	memset(&p, 0, sizeof(p));
	p.space_name = x->space;
	p.res_name = x->name;
	p.num_disks = 1;
	p.offsets[0] = x->offset;
	rv = ondisk_sizes_from_pair(x->sector_size, x->align_size, &p.sizes);
	p.io_timeout = x->io_timeout;
	p.fire_timeout = (uint32_t)daemon_cfg()->watchdog_fire_timeout;
	if (rv == 0)
		rv = paxos_lease_setup(&pl, &p);
	if (rv == 0)
		rv = paxos_request_read(&ed.env, &pl, req);
	res_env_close_async(&ed, DISK_OPEN_RDONLY);
	return rv;
}

void res_examine_one(uint32_t res_id)
{
	struct res_exam_copy x;
	struct ondisk_request req;
	uint32_t mode;
	int rv, sig;

	if (res_exam_copy(res_id, &x) < 0)
		return;
	if (x.shared || x.holders != 1) {
		/* (recommendation, §8.3) no holder pid for shared leases */
		log_debug("r%u examine: shared, request ignored", res_id);
		return;
	}
	rv = res_exam_read(&x, &req);
	if (rv < 0) {
		log_debug("r%u examine: request read error %d", res_id, rv);
		return;
	}
	mode = paxos_request_action(&req, x.lver);
	log_debug("r%u examine_token lver %llu request lver %llu mode %u "
		  "action %u", res_id, (unsigned long long)x.lver,
		  (unsigned long long)req.lver, req.force_mode, mode);
	if (mode == SANLK_REQ_FORCE) {
		sig = (x.restricted & SANLK_RESTRICT_SIGKILL) ? SIGTERM : SIGKILL;
		rv = helper_send_kill(x.pid, sig);
	} else if (mode == SANLK_REQ_GRACEFUL) {
		if (x.killpath[0]) {
			rv = helper_send_runpath(x.pid, x.killpath, x.killargs, 0);
			sig = 0;
		} else {
			sig = (x.restricted & SANLK_RESTRICT_SIGTERM) ?
			      SIGKILL : SIGTERM;
			rv = helper_send_kill(x.pid, sig);
		}
	} else {
		return;
	}
	if (rv < 0)
		log_error("r%u request for pid %d dropped: helper error %d",
			  res_id, x.pid, rv);
	else
		log_warn("r%u %s:%s request lver %llu force_mode %u: %s pid %d",
			 res_id, x.space, x.name, (unsigned long long)req.lver,
			 mode, sig ? (sig == SIGKILL ? "SIGKILL" : "SIGTERM") :
			 "killpath", x.pid);
}
