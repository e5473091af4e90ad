/*
 * reset_usage.c - usage and version texts (see reset_usage.h).
 */
#include <stdio.h>

#include "reset_usage.h"

#ifndef SANLOCK_VERSION_STR
#define SANLOCK_VERSION_STR "3.8.5"
#endif

void reset_usage(FILE *f, const char *argv0)
{
	fprintf(f,
"Usage: %s [options] reg|end|clear|reset <args>...\n"
"\n"
"Ask another host, through sanlock lockspaces both hosts have joined, to\n"
"reset itself with its watchdog (and/or reboot with sysrq), and wait until\n"
"that is confirmed; or change the lockspaces the local sanlk-resetd watches.\n"
"\n"
"Commands:\n"
"  reset <lockspace_name>:<host_id> ...   ask host_id to reset, in each lockspace\n"
"  reset <lockspace_name> -i <host_id>    the same for one lockspace\n"
"  reg <lockspace_name> ...               local sanlk-resetd: watch lockspaces\n"
"  end <lockspace_name> ...               local sanlk-resetd: stop watching them\n"
"  clear all                              local sanlk-resetd: stop watching all\n"
"\n"
"Options:\n"
"  --help, -h                 print this text and exit 0\n"
"  --version, -V              print the version and exit 0\n"
"  --host-id, -i <num>        target host_id 1-2000 (one lockspace only)\n"
"  --generation, -g <num>     target generation; 0 = the host's current one\n"
"                             (one lockspace only) [0]\n"
"  --watchdog, -w 0|1         ask for a reset with the watchdog [1]\n"
"  --sysrq-reboot, -b 0|1     ask for a reboot through sysrq [0]\n"
"  --resource-mode, -R 0|1    storage is protected by resource leases: the\n"
"                             target being dead is enough, no reply needed [0]\n"
"  --native-timeout <num>     0 turns off the native timeout rule (90 s after\n"
"                             the reply, at most 70 s of renewals; only when\n"
"                             every target uses io_timeout 10); no short form\n"
"  --debug-mode, -D           print more progress messages\n"
"\n"
"Progress of reset goes to stderr.  Exit status: 0 done, 1 failed or the\n"
"local sanlk-resetd could not be updated, 2 bad usage.\n",
		argv0);
}

void reset_version(FILE *f, const char *argv0)
{
	fprintf(f, "%s version: %s\n", argv0, SANLOCK_VERSION_STR);
}

void resetd_usage(FILE *f)
{
	fprintf(f,
"Usage: sanlk-resetd [options] [lockspace_name ...]\n"
"\n"
"Watch sanlock lockspaces for host events asking this host to reset itself\n"
"(with the watchdog, through wdmd) or to reboot (through sysrq), do it, and\n"
"reply.  At most 64 lockspaces; more can be added and removed at run time\n"
"with sanlk-reset reg|end|clear.\n"
"\n"
"Options:\n"
"  --help, -h                 print this text and exit 0\n"
"  --version, -V              print the version and exit 0\n"
"  --foreground, -f           do not fork\n"
"  --daemon-debug, -D         do not fork, print debug messages on stderr\n"
"  --watchdog, -w 0|1         use wdmd to reset (0: testing only, reset\n"
"                             requests are then ignored) [1]\n"
"  --sysrq-reboot, -b 0|1     honour reboot requests [0]\n"
"  --sysrq-delay, -d <sec>    delay before the sysrq reboot [25]\n"
"  --resource-mode, -R 0|1    storage is protected by resource leases: do not\n"
"                             mark the lockspace used before a reset [0]\n");
}

void resetd_version(FILE *f)
{
	fprintf(f, "sanlk-resetd version: %s\n", SANLOCK_VERSION_STR);
}
