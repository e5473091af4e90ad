/*
 * reset_opts.c - sanlk-reset's command line (see reset_opts.h).
 *
 * Checks, in this order (each one exits 2): no arguments; unknown option
 * or missing value; a bad option value (our own check: 3.8.5 takes any
 * text); "command is required"; "lockspace_name is required"; "unknown
 * command"; "too many lockspaces (max 64)"; "-i and -g options are only
 * allowed with a single lockspace_name"; a bad lockspace name (ours);
 * "invalid host_id <n>" (no newline, host ids 1..2000); for reset, nothing
 * to ask for with -w 0 -b 0 (ours).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reset_opts.h"

enum { OPT_NATIVE_TIMEOUT = 0x100 };

/* No 't' in the short options: --native-timeout has no short form. */
#define RESET_SHORT_OPTS "hVi:g:w:b:R:D"

static const struct option reset_long_opts[] = {
	{ "help",           no_argument,       NULL, 'h' },
	{ "version",        no_argument,       NULL, 'V' },
	{ "host-id",        required_argument, NULL, 'i' },
	{ "generation",     required_argument, NULL, 'g' },
	{ "watchdog",       required_argument, NULL, 'w' },
	{ "sysrq-reboot",   required_argument, NULL, 'b' },
	{ "resource-mode",  required_argument, NULL, 'R' },
	{ "native-timeout", required_argument, NULL, OPT_NATIVE_TIMEOUT },
	{ "debug-mode",     no_argument,       NULL, 'D' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum reset_cmd cmd;
} reset_cmds[] = {
	{ "reg", RESET_CMD_REG },
	{ "end", RESET_CMD_END },
	{ "clear", RESET_CMD_CLEAR },
	{ "reset", RESET_CMD_RESET },
};

static int fail(char *err, size_t errsize, int *nl, int newline,
		const char *fmt, const char *arg)
{
	snprintf(err, errsize, fmt, arg ? arg : "");
	*nl = newline;
	return RESET_ACT_ERROR;
}

static int bool_opt(const char *val, const char *opt, int *out, char *err,
		    size_t errsize, int *nl)
{
	char fmt[64];

	if (reset_parse_bool(val, out) == 0)
		return 0;
	snprintf(fmt, sizeof(fmt), "invalid %s value '%%s' (0 or 1)", opt);
	return fail(err, errsize, nl, 1, fmt, val);
}

/* One reset argument: NAME[:HOSTID], the host id else -i's value. */
static int parse_target(const char *arg, const struct reset_opts *o,
			struct reset_target *t, char *err, size_t errsize,
			int *nl)
{
	const char *colon = strchr(arg, ':');
	size_t nlen = colon ? (size_t)(colon - arg) : strlen(arg);
	char idtext[32];

	if (nlen == 0)
		return fail(err, errsize, nl, 1, "lockspace_name is required", NULL);
	if (nlen > RESET_NAME_MAX)
		return fail(err, errsize, nl, 1,
			    "lockspace_name too long (max 48): %s", arg);
	memcpy(t->name, arg, nlen);
	t->name[nlen] = '\0';
	if (colon) {
		if (reset_parse_u64(colon + 1, 10, 1, RESET_HOST_ID_MAX,
				    &t->host_id) < 0)
			return fail(err, errsize, nl, 0, "invalid host_id %s",
				    colon + 1);
		return 0;
	}
	t->host_id = o->host_id;
	if (t->host_id < 1 || t->host_id > RESET_HOST_ID_MAX) {
		snprintf(idtext, sizeof(idtext), "%llu",
			 (unsigned long long)t->host_id);
		return fail(err, errsize, nl, 0, "invalid host_id %s", idtext);
	}
	return 0;
}

static void defaults(struct reset_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->use_watchdog = 1;
	o->native_timeout = 1;
}

int reset_opts_parse(int argc, char **argv, struct reset_opts *o,
		     char *err, size_t errsize, int *err_newline)
{
	const char *cmd;
	uint64_t v;
	size_t i;
	int c, rv;

	defaults(o);
	err[0] = '\0';
	*err_newline = 1;
	if (argc < 2)
		return RESET_ACT_USAGE;

	optind = 0;   /* GNU: full re-initialisation */
	for (;;) {
		c = getopt_long(argc, argv, RESET_SHORT_OPTS, reset_long_opts,
				NULL);
		if (c < 0)
			break;
		switch (c) {
		case 'h':
			return RESET_ACT_HELP;
		case 'V':
			return RESET_ACT_VERSION;
		case 'i':
			/* the range is checked per lockspace (1..2000) */
			if (reset_parse_u64(optarg, 10, 0, UINT64_MAX, &v) < 0)
				return fail(err, errsize, err_newline, 0,
					    "invalid host_id %s", optarg);
			o->host_id = v;
			o->host_id_set = 1;
			break;
		case 'g':
			if (reset_parse_u64(optarg, 0, 0, UINT64_MAX, &v) < 0)
				return fail(err, errsize, err_newline, 1,
					    "invalid generation '%s'", optarg);
			o->generation = v;
			o->generation_set = 1;
			break;
		case 'w':
			if (bool_opt(optarg, "-w", &o->use_watchdog, err,
				     errsize, err_newline))
				return RESET_ACT_ERROR;
			break;
		case 'b':
			if (bool_opt(optarg, "-b", &o->sysrq_reboot, err,
				     errsize, err_newline))
				return RESET_ACT_ERROR;
			break;
		case 'R':
			if (bool_opt(optarg, "-R", &o->resource_mode, err,
				     errsize, err_newline))
				return RESET_ACT_ERROR;
			break;
		case OPT_NATIVE_TIMEOUT:
			if (reset_parse_u64(optarg, 10, 0, 1000000, &v) < 0)
				return fail(err, errsize, err_newline, 1,
					    "invalid --native-timeout value '%s' "
					    "(a number of seconds; 0 disables)",
					    optarg);
			o->native_timeout = v ? 1 : 0;
			break;
		case 'D':
			o->debug = 1;
			break;
		default:
			/* '?': getopt printed the diagnostic */
			return RESET_ACT_USAGE;
		}
	}

	if (optind >= argc)
		return fail(err, errsize, err_newline, 1, "command is required",
			    NULL);
	cmd = argv[optind++];
	o->cmd_name = cmd;
	if (optind >= argc)
		return fail(err, errsize, err_newline, 1,
			    "lockspace_name is required", NULL);
	for (i = 0; i < sizeof(reset_cmds) / sizeof(reset_cmds[0]); i++)
		if (!strcmp(cmd, reset_cmds[i].name))
			o->cmd = reset_cmds[i].cmd;
	if (o->cmd == RESET_CMD_NONE)
		return fail(err, errsize, err_newline, 1, "unknown command",
			    NULL);
	if (argc - optind > RESET_MAX_LS)
		return fail(err, errsize, err_newline, 1,
			    "too many lockspaces (max 64)", NULL);
	if ((o->host_id_set || o->generation_set) && argc - optind > 1)
		return fail(err, errsize, err_newline, 1,
			    "-i and -g options are only allowed with a single "
			    "lockspace_name", NULL);

	for (; optind < argc; optind++) {
		struct reset_target *t = &o->t[o->count];
		const char *arg = argv[optind];

		if (o->cmd == RESET_CMD_RESET) {
			rv = parse_target(arg, o, t, err, errsize, err_newline);
			if (rv)
				return rv;
		} else {
			if (!arg[0])
				return fail(err, errsize, err_newline, 1,
					    "lockspace_name is required", NULL);
			if (!reset_name_ok(arg))
				return fail(err, errsize, err_newline, 1,
					    "lockspace_name too long (max 48): %s",
					    arg);
			snprintf(t->name, sizeof(t->name), "%s", arg);
		}
		o->count++;
	}

	if (o->cmd == RESET_CMD_RESET && !reset_request_bits(o))
		return fail(err, errsize, err_newline, 1,
			    "nothing to ask for: -w 0 and -b 0", NULL);
	return RESET_ACT_RUN;
}

uint64_t reset_request_bits(const struct reset_opts *o)
{
	return (o->use_watchdog ? EVENT_RESET : 0) |
	       (o->sysrq_reboot ? EVENT_REBOOT : 0);
}
