/*
 * usage.c - help and version texts of wdmd (our own wording; cli.md §4.2
 * requires every command and option to be listed).  No state.
 */
#include <stdio.h>

#include "wdmd/bounds.h"
#include "wdmd/usage.h"

void wdmd_version(FILE *f)
{
	fprintf(f, "wdmd version %s\n", SANLOCK_VERSION_STR);
}

void wdmd_usage(FILE *f)
{
	fprintf(f,
"Usage: wdmd [options]\n"
"\n"
"Watchdog multiplexer: pets the watchdog device once a second while every\n"
"armed client connection and every test script passes; otherwise the\n"
"device resets the host fire_timeout seconds after the last pet.\n"
"\n"
"Actions:\n"
"  --help, -h              show this text and exit\n"
"  --version, -V           show the version and exit\n"
"  --dump, -d              print the running daemon's debug dump and exit\n"
"  --probe, -p             look for a usable watchdog device, print its\n"
"                          path and disarm it again\n"
"\n"
"Daemon options:\n"
"  -D                      stay in the foreground, log to stderr too\n"
"  -H 0|1                  high priority: lock memory, real-time scheduling [0]\n"
"  -G <group>              group owning the socket [sanlock]\n"
"  -S 0|1                  run test scripts [0]\n"
"  -s <dir>                test scripts directory [/etc/wdmd.d]\n"
"  -k <sec>                kill a test script running this long (0 never) [0]\n"
"  -w <path>               watchdog device to try first (then /dev/watchdog0,\n"
"                          /dev/watchdog1, /dev/watchdog)\n"
"  --fire-timeout <sec>    watchdog fire timeout, %d-%d [%d]; must be the\n"
"                          same on every host of a lockspace, and 60 when a\n"
"                          sanlock 3.8.5 host shares it\n"
"  --test-backend <file>   testing only: no device; a software watchdog\n"
"                          appends \"fired <monotonic-seconds> <reason>\" to\n"
"                          <file> and kills wdmd's whole process group\n"
"\n"
"Environment:\n"
"  WDMD_RUN_DIR            directory of wdmd.sock and wdmd.pid [/run/wdmd]\n"
"  WDMD_TEST_NO_DEVICE     if set, never open a real watchdog device\n",
		WDMD_FIRE_TIMEOUT_MIN, WDMD_FIRE_TIMEOUT_MAX,
		WDMD_FIRE_TIMEOUT_DEFAULT);
}
