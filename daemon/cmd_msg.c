/*
 * cmd_msg.c - this project's HOST_MESSAGE (41) and REG_LOCKSPACE (42)
 * requests (spec/messages.md §4, §6; framing in common/wire.h).  Both
 * run inline in the main thread: they only validate, queue and register,
 * never wait.  No state: the queue lives in msg_space.c, the callback
 * fds in cb_table.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/cb_table.h"
#include "daemon/dispatch.h"
#include "daemon/ev_ls.h"
#include "daemon/msg_cmd.h"
#include "daemon/msg_space.h"

void cmd_host_message(struct client *c, const struct request *req,
		      struct reply *rep)
{
	char name[SANLK_NAME_LEN + 1] = "";
	struct sm_host_message hm;
	struct msg_send_req r;
	uint32_t seq = 0, space_id;
	int rv, fd = -1;

	memset(&hm, 0, sizeof(hm));
	if (!req->payload || req->len < sizeof(hm)) {
		rv = -EINVAL;
		goto reply;
	}
	memcpy(&hm, req->payload, sizeof(hm));
	cmd_name_str(name, hm.ls_name);
	if (!name[0]) {
		rv = -EINVAL;
		goto reply;
	}
	rv = ev_ls_joined(name, &space_id);
	if (rv < 0)
		goto reply;

	memset(&r, 0, sizeof(r));
	r.dest = hm.host_id;
	r.dest_gen = hm.generation;
	r.msg = hm.msg;
	r.seq = hm.seq;
	r.flags = req->h.cmd_flags;
	r.wait_fd = -1;
	if (r.flags & SANLK_HM_WAIT) {
		fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			rv = -errno;
			goto reply;
		}
		r.wait_fd = fd;
	}
	rv = msg_space_submit(name, &r, &seq);
	if (rv == 0 && fd >= 0) {
		/* The first reply went out on fd, which now waits for the
		 * final one; nothing else may be asked on this connection. */
		rep->close_after = 1;
		goto out;
	}
	if (fd >= 0)
		close(fd);
reply:
	reply_put_result(rep, &req->h, rv, rv == 0 ? seq : hm.seq);
out:
	if (dispatch_debug_cmd(req->h.cmd))
		log_debug("cmd_host_message %d,%d %s host %" PRIu64 " gen %"
			  PRIu64 " msg 0x%x seq %u flags 0x%x result %d", c->ci,
			  c->fd, name, hm.host_id, hm.generation, hm.msg,
			  rv == 0 ? seq : hm.seq, req->h.cmd_flags, rv);
}

void cmd_reg_lockspace(struct client *c, const struct request *req,
		       struct reply *rep)
{
	char name[SANLK_NAME_LEN + 1] = "";
	struct sanlk_lockspace ls;
	struct sm_header h;
	uint32_t space_id = 0;
	int fd, rv;

	if (!req->payload || req->len < sizeof(ls) || req->h.cmd_flags) {
		rv = -EINVAL;
		goto reply;
	}
	memcpy(&ls, req->payload, sizeof(ls));
	cmd_name_str(name, ls.name);
	rv = name[0] ? ev_ls_joined(name, &space_id) : -EINVAL;
	if (rv < 0)
		goto reply;
	fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		rv = -errno;
		goto reply;
	}
	reply_hdr(&h, &req->h, 0, 0, 0);
	rv = cb_register(space_id, name, fd, &h, sizeof(h));
	if (rv == 0) {
		if (dispatch_debug_cmd(req->h.cmd))
			log_debug("cmd_reg_lockspace %d,%d %s fd %d", c->ci,
				  c->fd, name, fd);
		return;            /* replied on the kept descriptor */
	}
reply:
	if (dispatch_debug_cmd(req->h.cmd))
		log_debug("cmd_reg_lockspace %d,%d %s result %d", c->ci, c->fd,
			  name, rv);
	reply_put_result(rep, &req->h, rv, 0);
}
