/*
 * direct_rindex.h - `sanlock direct lookup|update|rebuild` (resource index
 * operations in this process; cli/direct_rindex.c), called by
 * cli_direct_action() (cli/direct_action.c).  Each prints the action's
 * output (spec/cli.md §1.9) and returns the exit status.
 * Single-threaded CLI code.
 */
#ifndef CLI_DIRECT_RINDEX_H
#define CLI_DIRECT_RINDEX_H

#include "cli/cli.h"

int direct_action_lookup(struct cli_args *a);
int direct_action_update(struct cli_args *a);
int direct_action_rebuild(struct cli_args *a);

#endif /* CLI_DIRECT_RINDEX_H */
