/*
 * msg_cmd.h - request handlers of the host-message / callback / 3.8
 * event feature (spec/api.md §4.11, §8.6, §8.8; messages.md §4, §6;
 * framing in common/wire.h), in the conventions of daemon/cmd.h:
 *   REG_EVENT (30), END_EVENT (31)   inline, connection closed after
 *   SET_EVENT (32)                   worker, connection kept
 *   HOST_MESSAGE (41)                inline, connection kept (closed when
 *                                    a WAIT reply descriptor took over)
 *   REG_LOCKSPACE (42)               inline, connection closed after
 * Handlers that keep the connection's socket (REG_EVENT, REG_LOCKSPACE,
 * HOST_MESSAGE with WAIT) duplicate the descriptor, write their reply on
 * the duplicate themselves and leave `rep` empty.  No state.
 */
#ifndef DAEMON_MSG_CMD_H
#define DAEMON_MSG_CMD_H

#include "daemon/cmd.h"

/* cmd_event.c */
void cmd_reg_event(struct client *c, const struct request *req,
		   struct reply *rep);
void cmd_end_event(struct client *c, const struct request *req,
		   struct reply *rep);
void cmd_set_event(struct job *j);

/* cmd_msg.c */
void cmd_host_message(struct client *c, const struct request *req,
		      struct reply *rep);
void cmd_reg_lockspace(struct client *c, const struct request *req,
		       struct reply *rep);

#endif /* DAEMON_MSG_CMD_H */
