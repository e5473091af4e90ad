/*
 * options.c - wdmd command-line parsing (see options.h).  No state; uses
 * getopt_long, whose globals are reset (optind = 0) at every call so tests
 * can parse repeatedly.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "wdmd/bounds.h"
#include "wdmd/options.h"

enum { OPT_FIRE_TIMEOUT = 0x100, OPT_TEST_BACKEND };

static const struct option long_opts[] = {
	{ "version",      no_argument,       NULL, 'V' },
	{ "help",         no_argument,       NULL, 'h' },
	{ "dump",         no_argument,       NULL, 'd' },
	{ "probe",        no_argument,       NULL, 'p' },
	{ "fire-timeout", required_argument, NULL, OPT_FIRE_TIMEOUT },
	{ "test-backend", required_argument, NULL, OPT_TEST_BACKEND },
	{ NULL, 0, NULL, 0 },
};

/* 3.8.5-style numeric option: leading integer, anything else is 0. */
static int loose_int(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

/* Our own numeric option: the whole string, within [min, max]. */
static int strict_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

int wdmd_opts_parse(int argc, char **argv, struct wdmd_opts *o,
		    const char **errtext)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->group = WDMD_GROUP_DEFAULT;
	o->scripts_dir = WDMD_SCRIPTS_DIR_DEFAULT;
	o->fire_timeout = WDMD_FIRE_TIMEOUT_DEFAULT;
	if (errtext)
		*errtext = NULL;

	optind = 0;   /* GNU: full re-initialisation */
	for (;;) {
		c = getopt_long(argc, argv, "VhdpDH:G:S:s:k:w:", long_opts, NULL);
		if (c < 0)
			break;
		switch (c) {
		case 'V':
			return WDMD_ACT_VERSION;
		case 'h':
			return WDMD_ACT_HELP;
		case 'd':
			return WDMD_ACT_DUMP;
		case 'p':
			o->probe = 1;
			break;
		case 'D':
			o->debug = 1;
			break;
		case 'H':
			o->high_priority = loose_int(optarg) ? 1 : 0;
			break;
		case 'G':
			o->group = optarg;
			break;
		case 'S':
			o->allow_scripts = loose_int(optarg) ? 1 : 0;
			break;
		case 's':
			o->scripts_dir = optarg;
			break;
		case 'k':
			o->kill_script_sec = loose_int(optarg);
			if (o->kill_script_sec < 0)
				o->kill_script_sec = 0;
			break;
		case 'w':
			o->watchdog = optarg;
			break;
		case OPT_FIRE_TIMEOUT:
			if (strict_int(optarg, WDMD_FIRE_TIMEOUT_MIN,
				       WDMD_FIRE_TIMEOUT_MAX,
				       &o->fire_timeout) < 0) {
				if (errtext)
					*errtext = "invalid --fire-timeout (1-3600 seconds)";
				return -EINVAL;
			}
			break;
		case OPT_TEST_BACKEND:
			if (!optarg[0]) {
				if (errtext)
					*errtext = "--test-backend needs a file name";
				return -EINVAL;
			}
			o->test_backend = optarg;
			break;
		default:
			/* '?' / ':' - getopt printed its diagnostic; ignored */
			break;
		}
	}
	return o->probe ? WDMD_ACT_PROBE : WDMD_ACT_RUN;
}
