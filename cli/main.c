/*
 * main.c - entry point of the `sanlock` command: top-level dispatch of
 * argv[1] (spec/cli.md §1.1), action-name checks, then the option parser
 * (options.c) and the daemon / client / direct action handlers.  The exit
 * status is what the handler returns (§1.5).
 *
 * Single-threaded until an action starts threads; no state of its own
 * besides the struct cli_args on main's stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"

static const char *const cli_client_actions[] = {
	"status", "host_status", "renewal", "gets", "log_dump", "shutdown",
	"add_lockspace", "inq_lockspace", "rem_lockspace", "command",
	"acquire", "convert", "release", "inquire", "request", "examine",
	"align", "init", "write", "read", "version", "set_event",
	"set_config", "format", "rebuild", "create", "delete", "lookup",
	"update",
	"host_message", "callbacks",    /* messages.md §9 (extension) */
};

static const char *const cli_direct_actions[] = {
	"init", "dump", "next_free", "read_leader", "write_leader", "acquire",
	"release", "acquire_id", "release_id", "renew_id", "format",
	"rebuild", "lookup", "update",
	"read_message",                 /* messages.md §9 (extension) */
};

#define CLI_NELEM(x) (sizeof(x) / sizeof((x)[0]))

static int cli_known(const char *const *names, size_t n, const char *action)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], action))
			return 1;
	}
	return 0;
}

static void cli_free_args(struct cli_args *a)
{
	int i;

	for (i = 0; i < a->res_count && i < CLI_MAX_RES; i++) {
		free(a->res_args[i]);
		a->res_args[i] = NULL;
	}
	a->res_count = 0;
}

int main(int argc, char **argv)
{
	struct cli_args args;
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int start, rv;

	memset(&args, 0, sizeof(args));
	args.prog = argv[0];

	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		cli_print_usage();
		return 0;
	}
	if (!strcmp(cmd, "version")) {
		printf("%s\n", SANLOCK_VERSION_STR);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("%s %s (built %s %s)\n", argv[0], SANLOCK_VERSION_STR,
		       __DATE__, __TIME__);
		return 0;
	}

	if (!strcmp(cmd, "daemon")) {
		args.kind = CLI_DAEMON;
		args.action = "daemon";
		start = 2;
	} else if (!strcmp(cmd, "client") || !strcmp(cmd, "direct")) {
		args.kind = !strcmp(cmd, "client") ? CLI_CLIENT : CLI_DIRECT;
		if (argc < 3) {
			cli_print_usage();
			return 1;
		}
		args.action = argv[2];
		start = 3;
	} else {
		args.kind = CLI_CLIENT;
		args.action = cmd;
		start = 2;
	}

	if (args.kind == CLI_CLIENT &&
	    !cli_known(cli_client_actions, CLI_NELEM(cli_client_actions),
		       args.action)) {
		printf("client action \"%s\" is unknown\n", args.action);
		return 1;
	}
	if (args.kind == CLI_DIRECT &&
	    !cli_known(cli_direct_actions, CLI_NELEM(cli_direct_actions),
		       args.action)) {
		printf("direct action \"%s\" is unknown\n", args.action);
		return 1;
	}

	rv = cli_parse_options(argc, argv, start, &args);
	if (rv) {
		cli_free_args(&args);
		return rv;
	}

	switch (args.kind) {
	case CLI_DAEMON:
		rv = cli_daemon_action(&args);
		break;
	case CLI_DIRECT:
		rv = cli_direct_action(&args);
		break;
	case CLI_CLIENT:
	default:
		rv = cli_client_action(&args);
		break;
	}
	/* A failed command whose reason was not printed with its done line
	 * (status, log_dump, ... print no done line) still says why. */
	if (rv != 0 && args.kind != CLI_DAEMON && log_last_reason()[0]) {
		fflush(stdout);
		fprintf(stderr, "sanlock %s: %s\n", args.action, log_last_reason());
	}
	cli_free_args(&args);
	return rv;
}
