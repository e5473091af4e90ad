/*
 * direct_action.h - entry points of the `sanlock direct` actions, called by
 * cli_direct_action() (cli/direct_action.c).  Each prints the action's
 * output (spec/cli.md §1.9, §3.8-§3.10) and returns the exit status.
 * Single-threaded CLI code.
 */
#ifndef CLI_DIRECT_ACTION_H
#define CLI_DIRECT_ACTION_H

#include "cli/cli.h"

int direct_action_init(struct cli_args *a);
int direct_action_read_leader(struct cli_args *a);
int direct_action_write_leader(struct cli_args *a);
int direct_action_dump(struct cli_args *a);
int direct_action_next_free(struct cli_args *a);
int direct_action_format(struct cli_args *a);
int direct_action_acquire_id(struct cli_args *a);
int direct_action_renew_id(struct cli_args *a);
int direct_action_release_id(struct cli_args *a);

#endif /* CLI_DIRECT_ACTION_H */
