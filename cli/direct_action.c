/*
 * direct_action.c - cli_direct_action(): dispatch of `sanlock direct
 * <action>` (spec/cli.md §1.9) to the cli/direct_*.c handlers.  Every
 * direct action of 3.8.5 has one (cli/main.c rejects unknown names first);
 * the fallback line below only guards a name known to main.c but missing
 * here.  Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/direct_action.h"
#include "cli/direct_rindex.h"   /* lookup, update, rebuild */
#include "cli/direct_msg.h"      /* read_message */
#include "cli/direct_paxos.h"    /* acquire, release */

struct direct_entry {
	const char *name;
	int (*fn)(struct cli_args *a);
};

static const struct direct_entry direct_table[] = {
	{ "init",         direct_action_init },
	{ "read_leader",  direct_action_read_leader },
	{ "write_leader", direct_action_write_leader },
	{ "dump",         direct_action_dump },
	{ "next_free",    direct_action_next_free },
	{ "format",       direct_action_format },
	{ "acquire_id",   direct_action_acquire_id },
	{ "renew_id",     direct_action_renew_id },
	{ "release_id",   direct_action_release_id },
	{ "lookup",       direct_action_lookup },     /* direct_rindex.c */
	{ "update",       direct_action_update },
	{ "rebuild",      direct_action_rebuild },
	{ "read_message", direct_action_read_message }, /* direct_msg.c */
	{ "acquire",      direct_action_acquire },    /* direct_acquire.c */
	{ "release",      direct_action_release },    /* direct_release.c */
};

int cli_direct_action(struct cli_args *a)
{
	size_t i;

	for (i = 0; i < sizeof(direct_table) / sizeof(direct_table[0]); i++) {
		if (!strcmp(a->action, direct_table[i].name))
			return direct_table[i].fn(a);
	}
	printf("direct %s is not supported by this version yet\n", a->action);
	return 1;
}
