/*
 * dispatch.h - what the daemon does with each request (spec/api.md §8.3,
 * §4.11): inline in the main thread, or in a worker; which connections
 * stay open; the names connections show in `client status`; the checks
 * every request goes through before its handler.
 *
 * dispatch_request runs in the main thread.
 */
#ifndef DAEMON_DISPATCH_H
#define DAEMON_DISPATCH_H

#include <stdint.h>

#include "daemon/client.h"
#include "daemon/request.h"

/* Extension bits this daemon reports in a VERSION reply when asked with
 * SM_EXT_QUERY (api.md §8.8): SM_EXT_MESSAGES, the messages.md commands
 * HOST_MESSAGE (41) and REG_LOCKSPACE (42). */
#define DAEMON_EXT_SUPPORTED SM_EXT_MESSAGES

/* Handle one complete request of connection c; takes req->payload. */
void dispatch_request(struct client *c, struct request *req);

/* Is debug logging on for request cmd (debug_cmds bit)? */
int dispatch_debug_cmd(uint32_t cmd);

#endif /* DAEMON_DISPATCH_H */
