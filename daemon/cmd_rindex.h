/*
 * cmd_rindex.h - the resource index requests 35..40 (spec/api.md §4.5,
 * §4.11): FORMAT_RINDEX, UPDATE_RINDEX, LOOKUP_RINDEX, CREATE_RESOURCE,
 * DELETE_RESOURCE, REBUILD_RINDEX.  Worker handlers (daemon/cmd_rindex.c),
 * registered in daemon/dispatch.c's table; each reads only its job and
 * fills j->rep.
 */
#ifndef DAEMON_CMD_RINDEX_H
#define DAEMON_CMD_RINDEX_H

#include "daemon/worker.h"

void cmd_format_rindex(struct job *j);
void cmd_update_rindex(struct job *j);
void cmd_lookup_rindex(struct job *j);
void cmd_create_resource(struct job *j);
void cmd_delete_resource(struct job *j);
void cmd_rebuild_rindex(struct job *j);

#endif /* DAEMON_CMD_RINDEX_H */
