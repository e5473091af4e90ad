/*
 * cmd_lockspace.c - lockspace requests (api.md §4.3, §8.7): ADD / REM /
 * INQ_LOCKSPACE in workers; GET_LOCKSPACES, GET_HOSTS, HOST_STATUS and
 * RENEWAL inline in the main thread.  Every field from the wire is checked
 * here before daemon/lockspace.h is called.  No state of their own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/cmd.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/lockspace.h"

#define GET_HOSTS_MAX      2000       /* host ids 1..2000 */
#define CMD_IO_TIMEOUT_MAX 0xFFFFu     /* io_timeout field on disk */

_Static_assert(LS_MAX_LOCKSPACES * SIZE_LOCKSPACE <= REPLY_LIST_MAX,
	       "get_lockspaces fits the 1 MiB reply");
_Static_assert(GET_HOSTS_MAX * sizeof(struct sanlk_host) <= REPLY_LIST_MAX,
	       "get_hosts fits the 1 MiB reply");

static void cmd_ls_from_payload(struct sanlk_lockspace *ls,
				const struct request *req)
{
	memcpy(ls, req->payload, sizeof(*ls));
}

static void cmd_ls_log(const char *what, const struct job *j,
		       const struct sanlk_lockspace *ls)
{
	char name[SANLK_NAME_LEN + 1];

	if (!dispatch_debug_cmd(j->req.h.cmd))
		return;
	cmd_name_str(name, ls->name);
	log_debug("cmd_%s %d,%d %s:%" PRIu64 ":%.1023s:%" PRIu64 " flags %x timeout %u",
		  what, j->ci, j->fd, name, ls->host_id, ls->host_id_disk.path,
		  ls->host_id_disk.offset, j->req.h.cmd_flags, j->req.h.data);
}

static void cmd_ls_done(const char *what, struct job *j, int rv)
{
	if (dispatch_debug_cmd(j->req.h.cmd))
		log_debug("cmd_%s %d,%d done %d", what, j->ci, j->fd, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_add_lockspace(struct job *j)
{
	struct sanlk_lockspace ls;
	int rv;

	cmd_ls_from_payload(&ls, &j->req);
	cmd_ls_log("add_lockspace", j, &ls);
	rv = cmd_check_lockspace(&ls, 1, 1);
	/* The on-disk io_timeout is 16 bits; 3.8.5 would truncate a larger
	 * value, we refuse it (timeouts derived from it would be absurd). */
	if (!rv && j->req.h.data > CMD_IO_TIMEOUT_MAX)
		rv = -EINVAL;
	if (!rv)
		rv = ls_add(&ls, j->req.h.cmd_flags, j->req.h.data);
	cmd_ls_done("add_lockspace", j, rv);
}

void cmd_rem_lockspace(struct job *j)
{
	struct sanlk_lockspace ls;
	int rv;

	cmd_ls_from_payload(&ls, &j->req);
	cmd_ls_log("rem_lockspace", j, &ls);
	rv = cmd_check_lockspace(&ls, 0, 0);
	if (!rv)
		rv = ls_rem(&ls, j->req.h.cmd_flags);
	cmd_ls_done("rem_lockspace", j, rv);
}

void cmd_inq_lockspace(struct job *j)
{
	struct sanlk_lockspace ls;
	int rv;

	cmd_ls_from_payload(&ls, &j->req);
	cmd_ls_log("inq_lockspace", j, &ls);
	rv = cmd_check_lockspace(&ls, 0, 0);
	if (!rv)
		rv = ls_inq(&ls, j->req.h.cmd_flags);
	cmd_ls_done("inq_lockspace", j, rv);
}

void cmd_get_lockspaces(struct client *c, const struct request *req,
			struct reply *rep)
{
	struct sanlk_lockspace *lss;
	struct sm_header h;
	int count = 0, n, rv;

	(void)c;
	lss = calloc(LS_MAX_LOCKSPACES, sizeof(*lss));
	if (!lss) {
		reply_put_result(rep, &req->h, -ENOMEM, 0);
		return;
	}
	rv = ls_get_lockspaces(lss, LS_MAX_LOCKSPACES, &count);
	if (rv < 0)
		count = 0;
	n = count;
	if (n > LS_MAX_LOCKSPACES) {
		rv = -ENOSPC;
		n = LS_MAX_LOCKSPACES;
	}
	for (int i = 0; i < n; i++) {
		/* Only name, host_id, disk and the ADD/REM flags go out. */
		lss[i].flags &= SANLK_LSF_ADD | SANLK_LSF_REM;
		lss[i].host_id_disk.pad1 = 0;
		lss[i].host_id_disk.pad2 = 0;
	}
	reply_hdr(&h, &req->h, rv, (uint32_t)count,
		  (uint32_t)(n * sizeof(*lss)));
	if (reply_put(rep, &h, sizeof(h)) == 0)
		reply_put(rep, lss, (size_t)n * sizeof(*lss));
	free(lss);
}

void cmd_get_hosts(struct client *c, const struct request *req,
		   struct reply *rep)
{
	struct sanlk_lockspace ls;
	struct sanlk_host *hs;
	char name[SANLK_NAME_LEN + 1];
	struct sm_header h;
	int count = 0, n = 0, rv;

	(void)c;
	cmd_ls_from_payload(&ls, req);
	if (req_name_empty(ls.name)) {
		reply_put_result(rep, &req->h, -EINVAL, 0);
		return;
	}
	cmd_name_str(name, ls.name);
	hs = calloc(GET_HOSTS_MAX, sizeof(*hs));
	if (!hs) {
		reply_put_result(rep, &req->h, -ENOMEM, 0);
		return;
	}
	rv = ls_get_hosts(name, ls.host_id, hs, GET_HOSTS_MAX, &count);
	if (rv < 0) {
		count = 0;
	} else {
		n = count;
		if (n > GET_HOSTS_MAX) {
			rv = -ENOSPC;
			n = GET_HOSTS_MAX;
		}
	}
	reply_hdr(&h, &req->h, rv, (uint32_t)count,
		  (uint32_t)((size_t)n * sizeof(*hs)));
	if (reply_put(rep, &h, sizeof(h)) == 0)
		reply_put(rep, hs, (size_t)n * sizeof(*hs));
	free(hs);
}

static void cmd_host_cb(void *arg, uint64_t host_id, uint64_t timestamp,
			const char *text)
{
	struct reply *r = arg;

	if (host_id == 0 || host_id > GET_HOSTS_MAX)
		return;
	reply_put_state(r, SANLK_STATE_HOST, (uint32_t)host_id, timestamp,
			NULL, 0, text, NULL, 0);
}

void cmd_host_status(struct client *c, const struct request *req,
		     struct reply *rep)
{
	struct sanlk_lockspace ls;
	char name[SANLK_NAME_LEN + 1];
	struct reply recs;
	int rv;

	(void)c;
	cmd_ls_from_payload(&ls, req);
	cmd_name_str(name, ls.name);
	reply_init(&recs, REPLY_STREAM_MAX);
	rv = ls_host_status_foreach(name, cmd_host_cb, &recs);
	/* Header (data 0 or -ENOSPC, length 32), then the records. */
	reply_put_result(rep, &req->h, rv < 0 ? rv : 0, 0);
	if (rv >= 0 && recs.len)
		reply_put(rep, recs.buf, recs.len);
	reply_free(&recs);
}

static void cmd_renewal_cb(void *arg, uint64_t timestamp, const char *text)
{
	struct reply *r = arg;

	reply_put_state(r, SANLK_STATE_RENEWAL, 0, timestamp, NULL, 0, text,
			NULL, 0);
}

void cmd_renewal(struct client *c, const struct request *req,
		 struct reply *rep)
{
	struct sanlk_lockspace ls;
	char name[SANLK_NAME_LEN + 1];
	struct reply recs;
	int io_timeout = 0, rv;

	(void)c;
	/* History disabled: a plain header with 0 (api.md §8.7). */
	if (daemon_cfg()->renewal_history_size <= 0) {
		reply_put_result(rep, &req->h, 0, 0);
		return;
	}
	cmd_ls_from_payload(&ls, req);
	cmd_name_str(name, ls.name);
	reply_init(&recs, REPLY_STREAM_MAX);
	rv = ls_renewal_foreach(name, &io_timeout, cmd_renewal_cb, &recs);
	if (rv < 0)
		reply_put_result(rep, &req->h, rv, 0);
	else
		reply_put_result(rep, &req->h, 0,
				 recs.len ? (uint32_t)io_timeout : 0);
	if (rv >= 0 && recs.len)
		reply_put(rep, recs.buf, recs.len);
	reply_free(&recs);
}
