/*
 * cmd_conn.c - connection-level requests, all inline in the main thread:
 * REGISTER, RESTRICT, VERSION (api.md §8.3, §8.8), SHUTDOWN and
 * SHUTDOWN_WAIT (cli.md §2.10, api.md §8.7), STATUS and LOG_DUMP
 * (cli.md §3.1, §3.4).  No state of their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "daemon/cmd.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/dlog.h"
#include "daemon/lockspace.h"
#include "daemon/logring.h"
#include "daemon/loop.h"
#include "daemon/status.h"

void cmd_register(struct client *c, const struct request *req,
		  struct reply *rep)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char name[16];

	(void)req;
	(void)rep;                   /* REGISTER has no reply */
	if (c->registered) {
		/* A connection registers once; the second is ignored. */
		log_error("cmd_register ci %d fd %d pid %d already registered",
			  c->ci, c->fd, c->pid);
		return;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_error("cmd_register ci %d fd %d peercred error %d", c->ci,
			  c->fd, errno);
		return;
	}
	snprintf(name, sizeof(name), "%d", (int)cred.pid);
	pthread_mutex_lock(&c->mutex);
	c->pid = (int)cred.pid;
	c->registered = 1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	pthread_mutex_unlock(&c->mutex);
	log_debug("cmd_register ci %d fd %d pid %d", c->ci, c->fd,
		  (int)cred.pid);
}

void cmd_restrict(struct client *c, const struct request *req,
		  struct reply *rep)
{
	pthread_mutex_lock(&c->mutex);
	c->restricted = req->h.cmd_flags;
	pthread_mutex_unlock(&c->mutex);
	log_debug("cmd_restrict ci %d fd %d pid %d flags %x", c->ci, c->fd,
		  c->pid, req->h.cmd_flags);
	reply_put_result(rep, &req->h, 0, 0);
}

void cmd_version(struct client *c, const struct request *req,
		 struct reply *rep)
{
	struct sm_header h;

	(void)c;                     /* 3.8.5 does not log VERSION */
	reply_hdr(&h, &req->h, 0, DAEMON_VERSION_NUM, 0);
	/* 3.8.5 answers with cmd_flags 0 and seq 0; with the extension
	 * query bit we answer our extension set (api.md §8.8). */
	h.cmd_flags = (req->h.cmd_flags & SM_EXT_QUERY) ? DAEMON_EXT_SUPPORTED : 0;
	h.seq = 0;
	reply_put(rep, &h, sizeof(h));
}

void cmd_shutdown(struct client *c, const struct request *req,
		  struct reply *rep)
{
	int force = req->h.data != 0;

	(void)c;
	(void)rep;                   /* no reply: the connection just closes */
	if (!force && ls_count() > 0) {
		log_debug("ignore shutdown, lockspace exists");
		return;
	}
	loop_shutdown(force);
}

void cmd_shutdown_wait(struct client *c, const struct request *req,
		       struct reply *rep)
{
	int force = req->h.data != 0;

	if (dispatch_debug_cmd(SM_CMD_SHUTDOWN_WAIT))
		log_debug("cmd_shutdown_wait %d,%d force %d", c->ci, c->fd,
			  force);
	if (!force && ls_count() > 0) {
		log_debug("ignore shutdown, lockspace exists");
		reply_put_result(rep, &req->h, -EBUSY, 0);
		return;
	}
	/* The reply (0) is sent when the daemon is about to exit. */
	c->io.waiting_shutdown = 1;
	loop_shutdown(force);
}

void cmd_status(struct client *c, const struct request *req,
		struct reply *rep)
{
	struct status_daemon_rt rt;

	(void)c;
	/* Header first (data 0, length 32), then the records (§8.7). */
	reply_put_result(rep, &req->h, 0, 0);
	loop_status_rt(&rt);
	status_build(rep, req->h.data, &rt);
}

void cmd_log_dump(struct client *c, const struct request *req,
		  struct reply *rep)
{
	struct sm_header h;
	char *buf = malloc(LOGRING_SIZE);
	size_t n = 0;

	(void)c;
	if (buf)
		n = dlog_dump(buf, LOGRING_SIZE);
	else
		log_error("log_dump: no memory");
	/* data = byte count, length stays 32 (api.md §8.7). */
	reply_hdr(&h, &req->h, (int32_t)n, 0, 0);
	if (reply_put(rep, &h, sizeof(h)) == 0 && n)
		reply_put(rep, buf, n);
	free(buf);
}
