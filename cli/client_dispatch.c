/*
 * client_dispatch.c - cli_client_action(): runs the `sanlock client`
 * action named in a->action (cli.md §1.1, §1.8).
 *
 * The table is constant; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/client_actions.h"
#include "cli/client_msg.h"

struct cli_client_entry {
	const char *name;
	int (*fn)(struct cli_args *a);
};

static const struct cli_client_entry cli_client_table[] = {
	{ "status",        cli_client_status },
	{ "host_status",   cli_client_host_status },
	{ "renewal",       cli_client_renewal },
	{ "gets",          cli_client_gets },
	{ "log_dump",      cli_client_log_dump },
	{ "shutdown",      cli_client_shutdown },
	{ "add_lockspace", cli_client_add_lockspace },
	{ "inq_lockspace", cli_client_inq_lockspace },
	{ "rem_lockspace", cli_client_rem_lockspace },
	{ "command",       cli_client_command },
	{ "acquire",       cli_client_acquire },
	{ "convert",       cli_client_convert },
	{ "release",       cli_client_release },
	{ "inquire",       cli_client_inquire },
	{ "request",       cli_client_request },
	{ "examine",       cli_client_examine },
	{ "align",         cli_client_align },
	{ "init",          cli_client_init },
	{ "write",         cli_client_init },
	{ "read",          cli_client_read },
	{ "version",       cli_client_version },
	{ "set_event",     cli_client_set_event },
	{ "set_config",    cli_client_set_config },
	{ "format",        cli_client_format },
	{ "rebuild",       cli_client_rebuild },
	{ "create",        cli_client_create },
	{ "delete",        cli_client_delete },
	{ "lookup",        cli_client_lookup },
	{ "update",        cli_client_update },
	{ "host_message",  cli_client_host_message },   /* client_msg.c */
	{ "callbacks",     cli_client_callbacks },
};

#define CLI_CLIENT_ACTIONS \
	(sizeof(cli_client_table) / sizeof(cli_client_table[0]))

int cli_client_action(struct cli_args *a)
{
	size_t i;

	for (i = 0; a->action && i < CLI_CLIENT_ACTIONS; i++) {
		if (!strcmp(a->action, cli_client_table[i].name))
			return cli_client_table[i].fn(a);
	}
	printf("client action \"%s\" is unknown\n",
	       a->action ? a->action : "");
	return 1;
}
