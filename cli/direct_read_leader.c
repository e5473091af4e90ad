/*
 * direct_read_leader.c - `sanlock direct read_leader -s LOCKSPACE |
 * -r RESOURCE` (spec/cli.md §3.9, ondisk.md Appendix B): read one leader
 * record, verify it, print `read_leader done <rv>` and its 17 fields (the
 * record as read even when verification fails; zeros when nothing could be
 * read, where 3.8.5 prints uninitialised memory).
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/direct_action.h"
#include "cli/direct_util.h"

int direct_action_read_leader(struct cli_args *a)
{
	struct direct_leader dl;
	int rv;

	rv = direct_read_leader(a, &dl);
	direct_leader_close(&dl);
	(void)cli_done("read_leader", rv);
	/* 3.8.5 labels the last three fields by whether -r was given, even
	 * when -s (which wins) was read. */
	direct_print_leader(&dl.lr, a->res_count == 0);
	return rv == 0 ? 0 : 1;
}
