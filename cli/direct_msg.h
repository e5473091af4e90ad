/*
 * direct_msg.h - `sanlock direct read_message -s LS_NAME:0:PATH:OFFSET
 * -i HOST_ID` (spec/messages.md §9; extension, not in sanlock 3.8.5).
 * Single-threaded CLI code; no state.
 */
#ifndef CLI_DIRECT_MSG_H
#define CLI_DIRECT_MSG_H

#include "cli/cli.h"

int direct_action_read_message(struct cli_args *a);

#endif /* CLI_DIRECT_MSG_H */
