/*
 * client_msg.h - `sanlock client host_message` and `sanlock client
 * callbacks` (spec/messages.md §9; extension, not in sanlock 3.8.5).
 * Single-threaded CLI code; no state.
 */
#ifndef CLI_CLIENT_MSG_H
#define CLI_CLIENT_MSG_H

#include "cli/cli.h"

int cli_client_host_message(struct cli_args *a);
int cli_client_callbacks(struct cli_args *a);

#endif /* CLI_CLIENT_MSG_H */
