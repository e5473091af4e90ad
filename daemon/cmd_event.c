/*
 * cmd_event.c - REG_EVENT, END_EVENT and SET_EVENT (spec/api.md §4.6,
 * §8.6; algorithms.md §9), exactly as 3.8.5 answers them.  No state: the
 * event fds live in ev_fds.c, the outgoing event in the lockspace
 * (ev_ls.c).
 *
 * REG_EVENT / END_EVENT run inline in the main thread, SET_EVENT in a
 * worker (api.md §8.3).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dispatch.h"
#include "daemon/ev_fds.h"
#include "daemon/ev_ls.h"
#include "daemon/msg_cmd.h"

/* The lockspace name of a request whose payload starts with a
 * sanlk_lockspace; -EINVAL when the payload is short or the name empty. */
static int cmd_ev_name(const struct request *req, char name[SANLK_NAME_LEN + 1])
{
	struct sanlk_lockspace ls;

	name[0] = '\0';
	if (!req->payload || req->len < sizeof(ls))
		return -EINVAL;
	memcpy(&ls, req->payload, sizeof(ls));
	cmd_name_str(name, ls.name);
	return name[0] ? 0 : -EINVAL;
}

void cmd_reg_event(struct client *c, const struct request *req,
		   struct reply *rep)
{
	char name[SANLK_NAME_LEN + 1];
	struct sm_header h;
	uint32_t space_id = 0;
	int fd, rv;

	rv = cmd_ev_name(req, name);
	if (rv == 0)
		rv = ev_ls_joined(name, &space_id);
	if (rv == 0) {
		/* The daemon keeps a duplicate; the dispatcher closes the
		 * original after this (api.md §8.6). */
		fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			rv = -errno;
		} else {
			reply_hdr(&h, &req->h, 0, 0, 0);
			rv = ev_fds_register(space_id, fd, &h, sizeof(h));
		}
	}
	log_debug("cmd_reg_event %d,%d %s result %d", c->ci, c->fd, name, rv);
	if (rv == 0)
		return;            /* replied on the kept descriptor */
	reply_put_result(rep, &req->h, rv, 0);
}

void cmd_end_event(struct client *c, const struct request *req,
		   struct reply *rep)
{
	char name[SANLK_NAME_LEN + 1];
	uint32_t space_id = 0;
	int rv;

	rv = cmd_ev_name(req, name);
	if (rv == 0)
		rv = ev_ls_joined(name, &space_id);
	if (rv == 0)
		ev_fds_sweep(space_id);   /* every fd of the lockspace */
	log_debug("cmd_end_event %d,%d %s result %d", c->ci, c->fd, name, rv);
	reply_put_result(rep, &req->h, rv, 0);
}

void cmd_set_event(struct job *j)
{
	char name[SANLK_NAME_LEN + 1];
	struct sanlk_host_event he;
	int rv;

	rv = cmd_ev_name(&j->req, name);
	if (rv == 0 && j->req.len < SIZE_LOCKSPACE + sizeof(he))
		rv = -EINVAL;
	if (rv == 0) {
		memcpy(&he, j->req.payload + SIZE_LOCKSPACE, sizeof(he));
		rv = ev_ls_set_event(name, &he, j->req.h.cmd_flags);
	}
	if (dispatch_debug_cmd(j->req.h.cmd))
		log_debug("cmd_set_event %d,%d %s flags 0x%x done %d", j->ci,
			  j->fd, name, j->req.h.cmd_flags, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}
