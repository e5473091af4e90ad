/*
 * dispatch.c - routing of requests (see dispatch.h).  Main thread only;
 * the table is constant.
 *
 * Connection life after the reply (api.md §8.3): REGISTER, RESTRICT,
 * VERSION and the worker commands keep the connection and read further
 * requests; the other inline commands close it after their reply.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/cmd.h"
#include "daemon/cmd_rindex.h"     /* 35..40: resource index */
#include "daemon/config.h"
#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/msg_cmd.h"       /* 30..32, 41..42: events, messages */
#include "daemon/res.h"

enum cmd_mode {
	M_UNKNOWN = 0,      /* not a request number we know: -EOPNOTSUPP */
	M_INLINE_KEEP,      /* main thread, connection kept */
	M_INLINE_CLOSE,     /* main thread, connection closed after reply */
	M_WORKER,           /* worker thread, connection kept */
	M_NOSYS_KEEP,       /* 3.8.5 worker command not built yet */
	M_NOSYS_CLOSE,      /* 3.8.5 inline command not built yet */
	M_TARGET_NOSYS,     /* client-targeted, not built yet: the target
	                       checks of api.md §8.3, then -ENOSYS */
	M_TARGET_WORKER,    /* client-targeted (resource manager, res.h):
	                       the target checks of api.md §8.3, then a
	                       worker, connection kept */
};

struct cmd_def {
	uint8_t       mode;
	const char   *conn_name;  /* shown in status; NULL: unchanged,
	                             "" (worker): "cmd<N>" */
	cmd_inline_fn in;
	job_fn        wk;
};

/* Indexed by request number; 41..CONF_CMD_MAX are this project's requests
 * (api.md §8.8): add their entries here (payload = `length` - 32, see
 * request.c) together with a name in config.c. */
static const struct cmd_def cmd_defs[CONF_CMD_MAX + 1] = {
	[SM_CMD_REGISTER]        = { M_INLINE_KEEP, NULL, cmd_register, NULL },
	[SM_CMD_ADD_LOCKSPACE]   = { M_WORKER, "add_lockspace", NULL, cmd_add_lockspace },
	[SM_CMD_REM_LOCKSPACE]   = { M_WORKER, "rem_lockspace", NULL, cmd_rem_lockspace },
	[SM_CMD_SHUTDOWN]        = { M_INLINE_CLOSE, "shutdown", cmd_shutdown, NULL },
	[SM_CMD_STATUS]          = { M_INLINE_CLOSE, "status", cmd_status, NULL },
	[SM_CMD_LOG_DUMP]        = { M_INLINE_CLOSE, "log_dump", cmd_log_dump, NULL },
	[SM_CMD_ACQUIRE]         = { M_TARGET_WORKER, NULL, NULL, cmd_res_acquire },
	[SM_CMD_RELEASE]         = { M_TARGET_WORKER, NULL, NULL, cmd_res_release },
	[SM_CMD_INQUIRE]         = { M_TARGET_WORKER, NULL, NULL, cmd_res_inquire },
	[SM_CMD_RESTRICT]        = { M_INLINE_KEEP, NULL, cmd_restrict, NULL },
	[SM_CMD_REQUEST]         = { M_WORKER, "", NULL, cmd_res_request },
	[SM_CMD_ALIGN]           = { M_WORKER, "", NULL, cmd_align },
	[SM_CMD_EXAMINE_LOCKSPACE] = { M_WORKER, "", NULL, cmd_res_examine },
	[SM_CMD_EXAMINE_RESOURCE] = { M_WORKER, "", NULL, cmd_res_examine },
	[SM_CMD_HOST_STATUS]     = { M_INLINE_CLOSE, "host_status", cmd_host_status, NULL },
	[SM_CMD_INQ_LOCKSPACE]   = { M_WORKER, "inq_lockspace", NULL, cmd_inq_lockspace },
	[SM_CMD_KILLPATH]        = { M_TARGET_WORKER, NULL, NULL, cmd_res_killpath },
	[SM_CMD_WRITE_LOCKSPACE] = { M_WORKER, "", NULL, cmd_write_lockspace },
	[SM_CMD_WRITE_RESOURCE]  = { M_WORKER, "", NULL, cmd_write_resource },
	[SM_CMD_READ_LOCKSPACE]  = { M_WORKER, "", NULL, cmd_res_read_lockspace },
	[SM_CMD_READ_RESOURCE]   = { M_WORKER, "", NULL, cmd_res_read_resource },
	[SM_CMD_GET_LOCKSPACES]  = { M_INLINE_CLOSE, "get_lockspaces", cmd_get_lockspaces, NULL },
	[SM_CMD_GET_HOSTS]       = { M_INLINE_CLOSE, "get_hosts", cmd_get_hosts, NULL },
	[SM_CMD_READ_RESOURCE_OWNERS] = { M_WORKER, "", NULL, cmd_res_read_owners },
	[SM_CMD_SET_LVB]         = { M_WORKER, "", NULL, cmd_res_set_lvb },
	[SM_CMD_GET_LVB]         = { M_WORKER, "", NULL, cmd_res_get_lvb },
	[SM_CMD_CONVERT]         = { M_TARGET_WORKER, NULL, NULL, cmd_res_convert },
	[SM_CMD_VERSION]         = { M_INLINE_KEEP, NULL, cmd_version, NULL },
	[SM_CMD_SHUTDOWN_WAIT]   = { M_INLINE_KEEP, "", cmd_shutdown_wait, NULL },
	[SM_CMD_REG_EVENT]       = { M_INLINE_CLOSE, "reg_event", cmd_reg_event, NULL },
	[SM_CMD_END_EVENT]       = { M_INLINE_CLOSE, "end_event", cmd_end_event, NULL },
	[SM_CMD_SET_EVENT]       = { M_WORKER, "", NULL, cmd_set_event },
	[SM_CMD_SET_CONFIG]      = { M_INLINE_CLOSE, "set_config", cmd_res_set_config, NULL },
	[SM_CMD_RENEWAL]         = { M_INLINE_CLOSE, "renewal", cmd_renewal, NULL },
	/* resource index (daemon/cmd_rindex.c) */
	[SM_CMD_FORMAT_RINDEX]   = { M_WORKER, "", NULL, cmd_format_rindex },
	[SM_CMD_UPDATE_RINDEX]   = { M_WORKER, "", NULL, cmd_update_rindex },
	[SM_CMD_LOOKUP_RINDEX]   = { M_WORKER, "", NULL, cmd_lookup_rindex },
	[SM_CMD_CREATE_RESOURCE] = { M_WORKER, "", NULL, cmd_create_resource },
	[SM_CMD_DELETE_RESOURCE] = { M_WORKER, "", NULL, cmd_delete_resource },
	[SM_CMD_REBUILD_RINDEX]  = { M_WORKER, "", NULL, cmd_rebuild_rindex },
	/* this project (messages.md; framing in common/wire.h) */
	[SM_CMD_HOST_MESSAGE]    = { M_INLINE_KEEP, "", cmd_host_message, NULL },
	[SM_CMD_REG_LOCKSPACE]   = { M_INLINE_CLOSE, "", cmd_reg_lockspace, NULL },
};

int dispatch_debug_cmd(uint32_t cmd)
{
	return cmd < 64 && ((daemon_cfg()->debug_cmds >> cmd) & 1);
}

/* Replies that stream records (or the log) until the connection ends. */
static int dispatch_streamed(uint32_t cmd)
{
	return cmd == SM_CMD_STATUS || cmd == SM_CMD_LOG_DUMP ||
	       cmd == SM_CMD_HOST_STATUS || cmd == SM_CMD_RENEWAL;
}

static const char *dispatch_cmd_name(uint32_t cmd)
{
	const char *n = conf_cmd_name(cmd);

	return n ? n : "unknown";
}

static void dispatch_set_name(struct client *c, const struct cmd_def *d,
			      uint32_t cmd)
{
	char name[CLIENT_NAME_LEN + 1];

	if (!d->conn_name)
		return;
	if (d->conn_name[0])
		client_set_name(c, d->conn_name);
	else {
		snprintf(name, sizeof(name), "cmd%u", cmd);
		client_set_name(c, name);
	}
}

/* Reply with a bare result; close the connection afterwards if asked. */
static void dispatch_reply(struct client *c, const struct request *req,
			   int result, int close_after)
{
	struct reply r;

	reply_init(&r, REPLY_SMALL_MAX);
	reply_put_result(&r, &req->h, result, 0);
	r.close_after = close_after;
	conn_send_reply(c, &r);
}

/*
 * The target checks of a client-targeted request (api.md §8.3): data2 -1
 * names the client registered on this connection (unregistered: -EBUSY);
 * any other value a registered pid (none: -ESRCH).  0 when the target
 * exists.
 */
static int dispatch_check_target(struct client *c, const struct request *req)
{
	int32_t pid = (int32_t)req->h.data2;
	int registered, rv;

	if (pid == -1) {
		pthread_mutex_lock(&c->mutex);
		registered = c->registered;
		pthread_mutex_unlock(&c->mutex);
		if (!registered) {
			log_debug("cmd %u %d,%d,%d no pid", req->h.cmd, c->ci,
				  c->fd, c->pid);
			return -EBUSY;
		}
		return 0;
	}
	rv = client_find_pid(pid);
	if (rv < 0) {
		log_debug("cmd %u target pid %d not found", req->h.cmd, pid);
		return -ESRCH;
	}
	return 0;
}

static void dispatch_nosys(struct client *c, const struct request *req,
			   int close_after)
{
	log_error("cmd_%s %d,%d: request %u not implemented yet, -ENOSYS",
		  dispatch_cmd_name(req->h.cmd), c->ci, c->fd, req->h.cmd);
	dispatch_reply(c, req, -ENOSYS, close_after);
}

static void dispatch_worker(struct client *c, struct request *req,
			    const struct cmd_def *d)
{
	struct job *j = calloc(1, sizeof(*j));
	int rv;

	if (!j) {
		log_error("cmd %u %d,%d: no memory for job", req->h.cmd, c->ci,
			  c->fd);
		dispatch_reply(c, req, -ENOMEM, 0);
		return;
	}
	j->fn = d->wk;
	j->ci = c->ci;
	j->gen = c->gen;
	j->fd = c->fd;
	j->pid = c->pid;
	j->req = *req;
	req->payload = NULL;
	reply_init(&j->rep, REPLY_SMALL_MAX);
	/* Requests are read only with nothing queued to send and nothing
	 * pending (conn_poll_events): the worker may send the reply itself
	 * (worker.h). */
	assert(c->io.out.len == c->io.out_off && !c->io.close_after &&
	       !c->io.waiting_shutdown && !c->io.busy);

	c->io.busy = 1;
	pthread_mutex_lock(&c->mutex);
	c->cmd_active = j->req.h.cmd;
	pthread_mutex_unlock(&c->mutex);

	rv = worker_submit(j);
	if (rv < 0) {
		c->io.busy = 0;
		pthread_mutex_lock(&c->mutex);
		c->cmd_active = 0;
		pthread_mutex_unlock(&c->mutex);
		dispatch_reply(c, &j->req, rv, 0);
		job_free(j);
	}
}

void dispatch_request(struct client *c, struct request *req)
{
	uint32_t cmd = req->h.cmd;
	const struct cmd_def *d;
	struct reply rep;

	if (cmd > CONF_CMD_MAX || cmd_defs[cmd].mode == M_UNKNOWN) {
		/* Our recommendation (api.md §8.4): answer, don't hang. */
		log_error("client connection ci %d fd %d pid %d cmd %u unknown",
			  c->ci, c->fd, c->pid, cmd);
		dispatch_reply(c, req, -EOPNOTSUPP, 0);
		goto out;
	}
	d = &cmd_defs[cmd];
	dispatch_set_name(c, d, cmd);

	switch (d->mode) {
	case M_INLINE_KEEP:
	case M_INLINE_CLOSE:
		/* 3.8.5 does not log log_dump (its own output would show it). */
		if (d->mode == M_INLINE_CLOSE && cmd != SM_CMD_LOG_DUMP &&
		    dispatch_debug_cmd(cmd))
			log_debug("cmd_%s %d,%d", dispatch_cmd_name(cmd), c->ci,
				  c->fd);
		reply_init(&rep, dispatch_streamed(cmd) ? REPLY_STREAM_MAX :
			   REPLY_LIST_MAX + SM_HDR_SIZE);
		rep.close_after = d->mode == M_INLINE_CLOSE;
		d->in(c, req, &rep);
		if (rep.len || rep.close_after)
			conn_send_reply(c, &rep);
		reply_free(&rep);
		break;
	case M_WORKER:
		dispatch_worker(c, req, d);
		break;
	case M_TARGET_NOSYS: {
		int rv = dispatch_check_target(c, req);

		if (rv < 0)
			dispatch_reply(c, req, rv, 0);
		else
			dispatch_nosys(c, req, 0);
		break;
	}
	case M_TARGET_WORKER: {
		/* Resource manager (res.h).  KILLPATH acts on this
		 * connection's own registration whatever data2 says. */
		int rv;

		if (cmd == SM_CMD_KILLPATH)
			req->h.data2 = (uint32_t)-1;
		rv = dispatch_check_target(c, req);
		if (rv < 0) {
			dispatch_reply(c, req, rv, 0);
			break;
		}
		/* A one-shot connection shows as cmd<N> while it runs; a
		 * registered one keeps its name (cli.md §3.1). */
		pthread_mutex_lock(&c->mutex);
		if (!c->registered)
			snprintf(c->name, sizeof(c->name), "cmd%u", cmd);
		pthread_mutex_unlock(&c->mutex);
		dispatch_worker(c, req, d);
		break;
	}
	case M_NOSYS_KEEP:
		dispatch_nosys(c, req, 0);
		break;
	case M_NOSYS_CLOSE:
		dispatch_nosys(c, req, 1);
		break;
	default:
		log_error("cmd %u: bad dispatch mode %d", cmd, d->mode);
		dispatch_reply(c, req, -EOPNOTSUPP, 0);
		break;
	}
out:
	free(req->payload);
	req->payload = NULL;
}
