/*
 * resetd_opts.c - sanlk-resetd's command line (see resetd_opts.h).
 * Option values are checked strictly (ours: 3.8.5 takes any text), so a
 * mistyped value never starts a daemon that does something else.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "resetd_opts.h"

static const struct option resetd_long_opts[] = {
	{ "help",          no_argument,       NULL, 'h' },
	{ "version",       no_argument,       NULL, 'V' },
	{ "foreground",    no_argument,       NULL, 'f' },
	{ "daemon-debug",  no_argument,       NULL, 'D' },
	{ "watchdog",      required_argument, NULL, 'w' },
	{ "sysrq-reboot",  required_argument, NULL, 'b' },
	{ "sysrq-delay",   required_argument, NULL, 'd' },
	{ "resource-mode", required_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 },
};

static int bad_bool(char *err, size_t errsize, const char *opt,
		    const char *val)
{
	snprintf(err, errsize, "invalid %s value '%s' (0 or 1)", opt, val);
	return RESETD_ACT_ERROR;
}

int resetd_opts_parse(int argc, char **argv, struct resetd_opts *o,
		      char *err, size_t errsize)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->use_watchdog = 1;
	o->sysrq_delay = RESETD_SYSRQ_DELAY_DEFAULT;
	err[0] = '\0';

	optind = 0;   /* GNU: full re-initialisation */
	for (;;) {
		c = getopt_long(argc, argv, "hVfDw:b:d:R:", resetd_long_opts,
				NULL);
		if (c < 0)
			break;
		switch (c) {
		case 'h':
			return RESETD_ACT_HELP;
		case 'V':
			return RESETD_ACT_VERSION;
		case 'f':
			o->foreground = 1;
			break;
		case 'D':
			o->debug = 1;
			o->foreground = 1;
			break;
		case 'w':
			if (reset_parse_bool(optarg, &o->use_watchdog))
				return bad_bool(err, errsize, "-w", optarg);
			break;
		case 'b':
			if (reset_parse_bool(optarg, &o->sysrq_reboot))
				return bad_bool(err, errsize, "-b", optarg);
			break;
		case 'R':
			if (reset_parse_bool(optarg, &o->resource_mode))
				return bad_bool(err, errsize, "-R", optarg);
			break;
		case 'd':
			if (reset_parse_u64(optarg, 10, 0,
					    RESETD_SYSRQ_DELAY_MAX, &v)) {
				snprintf(err, errsize, "invalid -d value '%s' "
					 "(seconds, 0-%d)", optarg,
					 RESETD_SYSRQ_DELAY_MAX);
				return RESETD_ACT_ERROR;
			}
			o->sysrq_delay = (int)v;
			break;
		default:
			return RESETD_ACT_USAGE;
		}
	}

	for (; optind < argc; optind++) {
		const char *name = argv[optind];

		if (!reset_name_ok(name)) {
			snprintf(err, errsize, "invalid lockspace_name '%s' "
				 "(1-%d characters)", name, RESET_NAME_MAX);
			return RESETD_ACT_ERROR;
		}
		if (o->name_count < RESET_MAX_LS) {
			o->names[o->name_count++] = name;
		} else {
			if (!o->extra_count)
				o->extra = &argv[optind];
			o->extra_count++;
		}
	}
	return RESETD_ACT_RUN;
}
