/*
 * cmd.h - the request handlers (spec/api.md §4.11, §8.6-§8.8; cli.md
 * §2.10, §3).
 *
 * Inline handlers run in the main thread and fill `rep` (sent by the
 * caller; rep->close_after set by the dispatcher for the commands whose
 * connection ends with the reply).  Worker handlers run in a worker
 * thread, read only the job, and fill j->rep.  No handler keeps state of
 * its own; they call the lockspace module (daemon/lockspace.h), the disk
 * layer, the log ring and the client table (through its locked API).
 */
#ifndef DAEMON_CMD_H
#define DAEMON_CMD_H

#include "daemon/client.h"
#include "daemon/reply.h"
#include "daemon/request.h"
#include "daemon/worker.h"

typedef void (*cmd_inline_fn)(struct client *c, const struct request *req,
			      struct reply *rep);

/* cmd_conn.c: connection-level requests */
void cmd_register(struct client *c, const struct request *req,
		  struct reply *rep);
void cmd_restrict(struct client *c, const struct request *req,
		  struct reply *rep);
void cmd_version(struct client *c, const struct request *req,
		 struct reply *rep);
void cmd_shutdown(struct client *c, const struct request *req,
		  struct reply *rep);
void cmd_shutdown_wait(struct client *c, const struct request *req,
		       struct reply *rep);
void cmd_status(struct client *c, const struct request *req,
		struct reply *rep);
void cmd_log_dump(struct client *c, const struct request *req,
		  struct reply *rep);

/* cmd_lockspace.c */
void cmd_host_status(struct client *c, const struct request *req,
		     struct reply *rep);
void cmd_renewal(struct client *c, const struct request *req,
		 struct reply *rep);
void cmd_get_lockspaces(struct client *c, const struct request *req,
			struct reply *rep);
void cmd_get_hosts(struct client *c, const struct request *req,
		   struct reply *rep);
void cmd_add_lockspace(struct job *j);
void cmd_rem_lockspace(struct job *j);
void cmd_inq_lockspace(struct job *j);

/* cmd_disk.c */
void cmd_align(struct job *j);
void cmd_write_lockspace(struct job *j);
void cmd_write_resource(struct job *j);

/* Checks shared by handlers (cmd_check.c).  A lockspace from the wire:
 * name not empty, path NUL-terminated (and not empty if need_path),
 * host_id non-zero if need_host_id.  0 or -EINVAL. */
int cmd_check_lockspace(const struct sanlk_lockspace *ls, int need_path,
			int need_host_id);
/* Copy a 48-byte wire name into a NUL-terminated string. */
void cmd_name_str(char out[SANLK_NAME_LEN + 1], const char in[SANLK_NAME_LEN]);

#endif /* DAEMON_CMD_H */
